// Package lint checks a merged rule set the way the kernel will evaluate
// it: control directives that cancel each other, lines auditctl rejects,
// fields a list cannot use, syscalls a target lacks, rules that an earlier
// rule shadows. Each check has a stable ID, a severity, a doc with a bad
// and a good example (auditpack explain ID) and a testdata file; findings
// are Diagnostics, printed by the formatters (text, JSON, SARIF, GitHub).
package lint
