// Package packs reads audit rules the way auditctl and augenrules do, so that
// every later stage (lint, compile, apply) starts from the same parsed items.
//
// It holds the embedded rule packs (one directory each, a pack.toml and
// NN-name.rules files), the loader for pack directories, plain rules.d
// directories and single .rules files, a strict parser that builds
// go-libaudit rule structs while keeping each line's origin
// (pack@version, file, line), and GNU version sort (filevercmp), the order in
// which augenrules concatenates files.
package packs
