package host

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"syscall"
)

// SetuidPrograms finds the setuid and setgid programs under root the way
// ComplianceAsCode's remediation does (find / -xdev -perm /6000 -type f):
// regular files with either bit, on root's own file system, as paths from
// root ("/usr/bin/su" under a fake root too). Directories it may not read
// are skipped, as find skips them.
func SetuidPrograms(root string) ([]string, error) {
	info, err := os.Stat(root)
	if err != nil {
		return nil, err
	}
	dev := deviceOf(info)
	var found []string
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			if path == root {
				return err
			}
			return nil
		}
		switch {
		case d.IsDir():
			if path != root {
				if info, err := d.Info(); err == nil && deviceOf(info) != dev {
					return fs.SkipDir // another file system (-xdev)
				}
			}
		case d.Type().IsRegular():
			if info, err := d.Info(); err == nil && info.Mode()&(fs.ModeSetuid|fs.ModeSetgid) != 0 {
				rel, _ := filepath.Rel(root, path)
				found = append(found, "/"+filepath.ToSlash(rel))
			}
		}
		return nil
	})
	if errors.Is(err, fs.SkipAll) {
		err = nil
	}
	slices.Sort(found)
	return found, err
}

func deviceOf(info fs.FileInfo) uint64 {
	if st, ok := info.Sys().(*syscall.Stat_t); ok {
		return uint64(st.Dev)
	}
	return 0
}
