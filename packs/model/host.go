package model

// Host answers the questions auditctl asks the machine it runs on. A nil
// Host is offline: names stay unresolved and paths unchecked.
type Host interface {
	User(name string) (uint32, bool)
	Group(name string) (uint32, bool)
	// PathKind tells what a path is on the host.
	PathKind(path string) PathKind
}

// PathKind is what a path names on the loading host.
type PathKind uint8

// Path kinds.
const (
	PathUnknown PathKind = iota // offline, or not for this user to see
	PathMissing
	PathDir
	PathFile // anything else that exists
)
