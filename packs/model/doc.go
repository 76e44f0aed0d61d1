// Package model is the one semantic model of audit rules that lint, apply
// and verify share: a rule normalized the way the kernel sees it (filter
// list, action, ABIs, syscall mask per ABI from per-arch tables, field
// constraints with their kernel values, keys apart), with the kernel's
// notion of equal rules (Identity), and Covers and Overlaps for
// first-match reasoning.
package model
