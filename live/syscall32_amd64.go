package live

import "syscall"

// Can32 says whether this build makes 32-bit syscalls (int 0x80).
const Can32 = true

// syscall32 makes a 32-bit syscall (syscall32_amd64.s); the result is
// -errno for a failure, as the kernel returns it in EAX.
func syscall32(trap, a1, a2, a3, a4, a5, a6 uintptr) (r uintptr)

// lowMapFlags map the children's argument memory below 2 GiB, where a
// 32-bit syscall's pointer arguments can reach it.
const lowMapFlags = syscall.MAP_32BIT
