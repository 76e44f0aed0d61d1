package model

// Kind says how the kernel compares a field.
type Kind uint8

// Field kinds.
const (
	KindNumeric Kind = iota + 1 // unsigned 32-bit comparison
	kindString                  // string equality (paths, exe, LSM labels, key)
	KindPerm                    // -F perm: any requested class matches
	KindArch                    // -F arch: handled through the rule's ABIs
	KindCompare                 // -C field=field
)
