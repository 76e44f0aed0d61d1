package apply

import "flag"

// inTestBinary says whether this process is a Go test binary, for the
// guards that refuse, in tests, what cannot be undone (ErrForbiddenInTests,
// ErrHostBootInTests). Every test binary has the testing package's
// -test.v flag registered before its first test runs (testing.MainStart),
// and the auditpack binary never links the testing package (a test of
// cmd/auditpack holds it to that), so the guards need no import of
// testing, and no flag or variable can turn them off.
func inTestBinary() bool { return flag.Lookup("test.v") != nil }
