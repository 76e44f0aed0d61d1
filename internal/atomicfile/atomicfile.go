// Package atomicfile writes files so that readers and crashes see the old
// file or the new one, never part of one.
package atomicfile

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"syscall"
)

// WriteFile replaces path with data so that a crash leaves either the
// old or the new file, never a half-written one: it writes a temporary
// file in the same directory, syncs it, and renames it over path. A
// symbolic link keeps pointing where it did: the file it names is
// replaced. A directory or a device at path is an error.
func WriteFile(path string, data []byte, mode os.FileMode) error {
	return Write(path, mode, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
}

// Write is WriteFile for contents written by fill, which streams them
// (through a buffer) instead of holding them whole; an error from fill
// leaves path as it was.
func Write(path string, mode os.FileMode, fill func(io.Writer) error) error {
	return WriteIf(path, mode, fill, nil)
}

// WriteIf is Write with a last word: keep runs once the new contents are
// on disk, just before they replace path, and an error from it leaves
// path as it was and is returned as it is. A caller whose checks decide
// whether the file may be replaced runs them meanwhile, so writing and
// syncing cost no time of their own; keep is not called when writing
// fails. A nil keep always keeps.
func WriteIf(path string, mode os.FileMode, fill func(io.Writer) error, keep func() error) error {
	return write(path, mode, nil, fill, keep)
}

// Replace replaces the file at path with data as WriteFile does, keeping
// its mode, owner and group (it was made by another user, and a file
// written anew belongs to whoever writes it). The file must exist. A
// replaced file is a new one: other hard links to the old keep its
// contents (OtherLinks says how many there are).
func Replace(path string, data []byte) error {
	info, err := os.Stat(path)
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return write(path, info.Mode().Perm(), info, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	}, nil)
}

// OtherLinks is how many other hard links the file of info has: names
// that Replace leaves with the old contents.
func OtherLinks(info os.FileInfo) int {
	if st, ok := sysStat(info); ok && st.Nlink > 1 {
		return int(st.Nlink) - 1
	}
	return 0
}

// write is WriteIf that gives the new file like's owner and group, if
// like is set.
func write(path string, mode os.FileMode, like os.FileInfo, fill func(io.Writer) error, keep func() error) error {
	path, err := target(path)
	if err != nil {
		return err
	}
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	done := false
	defer func() {
		if !done {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if err := tmp.Chmod(mode); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if st, ok := sysStat(like); ok {
		if err := tmp.Chown(int(st.Uid), int(st.Gid)); err != nil {
			return fmt.Errorf("write %s: keep its owner %d and group %d: %w (run as its owner, or root)", path, st.Uid, st.Gid, err)
		}
	}
	w := bufio.NewWriterSize(tmp, 64<<10)
	if err := fill(w); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := w.Flush(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := tmp.Sync(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if keep != nil {
		if err := keep(); err != nil {
			return err
		}
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	done = true
	if d, err := os.Open(dir); err == nil {
		d.Sync() // make the rename durable; failure here loses nothing already written
		d.Close()
	}
	return nil
}

func sysStat(info os.FileInfo) (*syscall.Stat_t, bool) {
	if info == nil {
		return nil, false
	}
	st, ok := info.Sys().(*syscall.Stat_t)
	return st, ok
}

func target(path string) (string, error) {
	info, err := os.Lstat(path)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return path, nil
	case err != nil:
		return "", fmt.Errorf("write %s: %w", path, err)
	case info.Mode()&os.ModeSymlink != 0:
		resolved, err := filepath.EvalSymlinks(path)
		if err != nil {
			return "", fmt.Errorf("write %s: it is a symbolic link to a missing file or directory (%w); point it at an existing directory or remove it", path, err)
		}
		return target(resolved)
	case info.IsDir():
		return "", fmt.Errorf("write %s: it is a directory; give the path of a file, e.g. %s", path, filepath.Join(path, "audit.rules"))
	case !info.Mode().IsRegular():
		return "", fmt.Errorf("write %s: it is not a regular file (a device, FIFO or socket); give the path of a file", path)
	}
	return path, nil
}
