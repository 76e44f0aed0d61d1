// Package config reads a team's lint settings from .auditpack.toml, the
// file lint finds in the working directory or the nearest directory
// above it (as golangci-lint, tflint and shellcheck find theirs): checks
// to disable, severities, --fail-on, the targets, profile, pack roots and
// baseline to use, and the findings to ignore by path or pack, each with
// its reason. Reading is strict: a key that means nothing, an unknown
// check ID or a bad value is an error at its file and line, so that a
// misspelled setting never goes quietly unused.
package config
