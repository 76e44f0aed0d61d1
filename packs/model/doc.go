// Package model holds all knowledge of the kernel's audit rules and of
// auditctl that auditpack has, in one table (table.go: every field with its
// number, value kind, operators and lists; lists, operators, limits; syscall
// tables and perm classes per arch), and what is built on it: reading a
// line's words as auditctl 3.x does (Read), what the kernel refuses
// (Rule.Problems, Rule.HostProblems), a rule normalized the way the kernel
// sees it (Normalize), the kernel's notion of equal rules (Identity), Covers
// and Overlaps for first-match reasoning, and the wire encoding (Encode).
// An Arena reads and normalizes many lines with a few allocations per
// block of lines instead of several per line. It imports no auditpack
// package.
package model
