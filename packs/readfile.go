package packs

import (
	"bytes"
	"fmt"
	"io"
	"io/fs"
	"os"
)

// maxFileSize is the largest rules or profile file read. Real rule sets
// are far smaller (100,000 rules are about 7 MiB); anything larger is a
// wrong path, and reading it would only exhaust memory.
const maxFileSize = 64 << 20

// ReadFile reads a rules or profile file. What is not a regular file (a
// FIFO would block forever, /dev/zero never ends) is refused before it is
// opened; so is a file over maxFileSize, also one that grows while read.
// what names the file in errors ("profile"), or is empty.
func ReadFile(what, p string) ([]byte, error) {
	shown := p
	if what != "" {
		shown = what + " " + p
	}
	return readFS(osFS{}, p, shown)
}

// osFS opens paths as the operating system names them, relative ones
// from the working directory (os.DirFS takes neither); its Stat keeps
// fs.Stat from opening what it asks about.
type osFS struct{}

func (osFS) Open(name string) (fs.File, error)     { return os.Open(name) }
func (osFS) Stat(name string) (fs.FileInfo, error) { return os.Stat(name) }

// readFS reads a file of fsys as ReadFile reads a path: what is not a
// regular file is refused before it is opened. shown names it in errors.
func readFS(fsys fs.FS, name, shown string) ([]byte, error) {
	info, err := fs.Stat(fsys, name)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", shown, unwrapPathError(err))
	}
	if !info.Mode().IsRegular() {
		return nil, fmt.Errorf("read %s: it is %s, not a regular file: rules, packs and profiles are read from regular files only; give a regular file (in a rules.d, remove it or rename it to end in something other than .rules)", shown, kindOf(info.Mode()))
	}
	if info.Size() > maxFileSize {
		return nil, tooLarge(shown)
	}
	f, err := fsys.Open(name)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", shown, unwrapPathError(err))
	}
	defer f.Close()
	// Sized from the file, as os.ReadFile does: io.ReadAll's doubling
	// cost a 100,000-rule compile 11 MB.
	buf := bytes.NewBuffer(make([]byte, 0, info.Size()+bytes.MinRead))
	if _, err := buf.ReadFrom(io.LimitReader(f, maxFileSize+1)); err != nil {
		return nil, fmt.Errorf("read %s: %w", shown, unwrapPathError(err))
	}
	data := buf.Bytes()
	if len(data) > maxFileSize { // it grew while read
		return nil, tooLarge(shown)
	}
	return data, nil
}

func tooLarge(shown string) error {
	return fmt.Errorf("read %s: the file is larger than %d MiB; rules and profile files are far smaller: is this the right path?", shown, maxFileSize>>20)
}

func kindOf(m os.FileMode) string {
	switch {
	case m.IsDir():
		return "a directory"
	case m&os.ModeNamedPipe != 0:
		return "a named pipe (FIFO)"
	case m&os.ModeSocket != 0:
		return "a socket"
	case m&os.ModeCharDevice != 0:
		return "a character device"
	case m&os.ModeDevice != 0:
		return "a block device"
	}
	return "not a regular file"
}
