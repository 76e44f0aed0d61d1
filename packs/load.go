package packs

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
)

// DefaultRulesDir is what augenrules reads on a host.
const DefaultRulesDir = "/etc/audit/rules.d"

// Source is what a PATH argument named: a pack, or plain rules files.
type Source struct {
	Pack  *Pack // nil for plain files and rules.d directories
	Files []*File
}

// LoadPath reads a .rules file, a rules.d directory (its *.rules files, as
// augenrules reads them) or a pack directory (one with a pack.toml).
func LoadPath(p string) (*Source, error) {
	info, err := os.Stat(p)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", p, unwrapPathError(err))
	}
	if !info.IsDir() {
		f, err := loadFile(p, filepath.Base(p))
		if err != nil {
			return nil, err
		}
		return &Source{Files: []*File{f}}, nil
	}
	if _, err := os.Stat(filepath.Join(p, ManifestName)); err == nil {
		pack, err := ReadPack(os.DirFS(p), ".", filepath.ToSlash(filepath.Clean(p)))
		if err != nil {
			return nil, err
		}
		files, err := pack.Open()
		if err != nil {
			return nil, err
		}
		return &Source{Pack: pack, Files: files}, nil
	}
	names, err := RulesFiles(p)
	if err != nil {
		return nil, err
	}
	src := &Source{}
	for _, name := range names {
		f, err := loadFile(name, filepath.Base(name))
		if err != nil {
			return nil, err
		}
		src.Files = append(src.Files, f)
	}
	return src, nil
}

// RulesFiles lists what augenrules would read of a path: the file itself,
// or a directory's *.rules files in augenrules order.
func RulesFiles(p string) ([]string, error) {
	info, err := os.Stat(p)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", p, unwrapPathError(err))
	}
	if !info.IsDir() {
		return []string{p}, nil
	}
	entries, err := os.ReadDir(p)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", p, unwrapPathError(err))
	}
	var names []string
	for _, e := range entries {
		if IsRulesFileName(e.Name()) && !e.IsDir() {
			names = append(names, e.Name())
		}
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("%s: no *.rules files here (augenrules reads only files ending in .rules); give a rules.d directory, a pack directory or a .rules file", p)
	}
	sort.Slice(names, func(i, j int) bool { return VersionLess(names[i], names[j]) })
	for i, n := range names {
		names[i] = filepath.Join(p, n)
	}
	return names, nil
}

func loadFile(p, name string) (*File, error) {
	data, err := ReadFile("", p)
	if err != nil {
		return nil, err
	}
	return ParseFile(name, filepath.ToSlash(p), nil, data), nil
}
