package main

import (
	"io"
	"os"
	"syscall"
	"unsafe"
)

// isTerminal says whether w is a terminal: a file the terminal driver
// answers for (TCGETS), which /dev/null, another character device, is
// not. (golang.org/x/term asks the same, and is not among the module's
// dependencies.)
func isTerminal(w io.Writer) bool {
	if s, ok := w.(*stdoutWriter); ok {
		w = s.w
	}
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	var termios syscall.Termios
	_, _, errno := syscall.Syscall(syscall.SYS_IOCTL, f.Fd(), syscall.TCGETS, uintptr(unsafe.Pointer(&termios)))
	return errno == 0
}
