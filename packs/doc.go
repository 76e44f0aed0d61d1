// Package packs reads audit rules the way auditctl and augenrules do, so that
// every later stage (lint, compile, apply) starts from the same parsed items.
//
// It holds the embedded rule packs (one directory each, a pack.toml and
// NN-name.rules files), the loader for pack directories, plain rules.d
// directories and single .rules files, the reading of a file into lines
// with their origin (pack@version, file, line) whose words packs/model
// reads as auditctl does, and GNU version sort (filevercmp), the order in
// which augenrules concatenates files.
package packs
