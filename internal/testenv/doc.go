// Package testenv decides what a test does when this machine lacks what
// it needs (root, auditd, a browser, a tool): it skips with a message
// that says how to get it, except under CI=true, where every test must run
// and a missing requirement fails the test instead. Tests use it rather
// than their own check, so the rule is the same everywhere.
package testenv
