package model

import "runtime"

// nativeMachine is uname -m for the architecture this binary runs on.
func nativeMachine() string {
	switch runtime.GOARCH {
	case "arm64":
		return "aarch64"
	case "ppc64le":
		return "ppc64le"
	case "s390x":
		return "s390x"
	}
	return "x86_64"
}
