//go:build !amd64

package live

// Can32 says whether this build makes 32-bit syscalls: only x86_64 has
// int 0x80 into its 32-bit ABI.
const Can32 = false

// syscall32 is never called where Can32 is false.
func syscall32(trap, a1, a2, a3, a4, a5, a6 uintptr) uintptr {
	panic("no 32-bit syscalls on this machine")
}

// lowMapFlags: 64-bit calls take pointers anywhere.
const lowMapFlags = 0
