#include "textflag.h"

// func syscall32(trap, a1, a2, a3, a4, a5, a6 uintptr) (r uintptr)
//
// A 32-bit syscall from this 64-bit process: int $0x80 enters the
// kernel's ia32 entry, which numbers syscalls by the i386 table, takes
// the arguments in EBX, ECX, EDX, ESI, EDI, EBP, and marks the task as
// making a compat syscall, so audit records it with arch=i386 (b32).
// BP is the frame pointer: it is saved and restored around the call.
TEXT ·syscall32(SB), NOSPLIT, $0-64
	MOVQ trap+0(FP), AX
	MOVQ a1+8(FP), BX
	MOVQ a2+16(FP), CX
	MOVQ a3+24(FP), DX
	MOVQ a4+32(FP), SI
	MOVQ a5+40(FP), DI
	MOVQ a6+48(FP), R8
	PUSHQ BP
	MOVQ R8, BP
	INT $0x80
	POPQ BP
	MOVQ AX, r+56(FP)
	RET
