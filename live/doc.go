// Package live proves a profile's controls on the running kernel
// (verify --kernel --live): for each requirement line whose events the
// kernel should record, a child process makes one harmless call that the
// line asks to be recorded, and the kernel's own records, read from the
// audit multicast socket, are the proof.
//
// Harmless means: no rule or setting changes, nothing outside a private
// scratch directory is created or changed, no file content is read. Calls
// on real files (a watch on /etc/shadow) are made so that the kernel
// refuses them before anything is opened or changed (O_DIRECTORY on a
// file, a chown to root by an unprivileged user), by a child that runs as
// an unprivileged user; an exec is only ever the refused exec of an empty
// scratch file without execute permission. The catalogue of calls
// (probes.go) is the whole vocabulary of the child: it rebuilds every
// call from it and refuses anything else.
//
// The work splits so that all but the kernel's part is tested without
// it: the plan (plan.go: which call proves which part of a line, as whom,
// or why none can), the records (records.go: multicast text grouped by
// serial into events), the judgment (judge.go: which records prove which
// part, and what auditpack can see when none does) and the report. The
// kernel (netlink.go) and the children (runner.go, child.go) sit behind
// the Kernel and Runner interfaces, which the tests fake; the tests that
// need the real kernel are in kernel_test.go and run as root only.
package live
