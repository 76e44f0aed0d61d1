package packs

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/auditpack/auditpack/packs/model"
)

// DefaultRulesDir is what augenrules reads on a host.
const DefaultRulesDir = "/etc/audit/rules.d"

// Source is what a PATH argument named: a pack, or plain rules files.
type Source struct {
	Pack  *Pack // nil for plain files and rules.d directories
	Files []*File
	// Notes are what a rules.d holds that augenrules reads otherwise than
	// a reader of its names expects: links it follows, names it splits.
	Notes []*model.Problem
}

// LoadPath reads a .rules file, a rules.d directory (its *.rules files, as
// augenrules reads them) or a pack directory (one with a pack.toml, whose
// ${NAME}s the facts resolve).
func LoadPath(p string, facts Facts) (*Source, error) {
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
	if _, err := os.Stat(filepath.Join(p, manifestName)); err == nil {
		pack, err := readPack(os.DirFS(p), ".", filepath.ToSlash(filepath.Clean(p)))
		if err != nil {
			return nil, err
		}
		files, err := pack.Open(facts)
		if err != nil {
			return nil, err
		}
		return &Source{Pack: pack, Files: files}, nil
	}
	dir, err := readRulesDir(p)
	if err != nil {
		return nil, err
	}
	src := &Source{Notes: dir.notes}
	for _, name := range dir.files {
		f, err := loadFile(name, filepath.Base(name))
		if err != nil {
			return nil, err
		}
		src.Files = append(src.Files, f)
	}
	return src, nil
}

// ErrNoRulesFiles is a directory with no file augenrules would read: to
// verify, a host that loads no rules.
var ErrNoRulesFiles = errors.New("no *.rules files here")

// RulesFiles lists what augenrules would read of a path: the file itself,
// or a directory's *.rules files in augenrules order (see readRulesDir).
func RulesFiles(p string) ([]string, error) {
	info, err := os.Stat(p)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", p, unwrapPathError(err))
	}
	if !info.IsDir() {
		return []string{p}, nil
	}
	dir, err := readRulesDir(p)
	if err != nil {
		return nil, err
	}
	return dir.files, nil
}

// rulesDir is what augenrules reads of a rules.d: files are the paths it
// reads, in its order; notes say where that is not what the names say.
type rulesDir struct {
	files []string
	notes []*model.Problem
}

// readRulesDir reads a rules.d as augenrules does. Its loop is
//
//	for rules in $(/bin/ls -1v $SourceRulesDir | grep "\.rules$") ; do
//		cat $SourceRulesDir/$rules
//	done
//
// so it reads the names ls lists (not the hidden ones) in version order,
// by the lines of a name that end in .rules (a newline in a name makes
// two lines), split at blanks (the shell's word splitting), and cat
// follows symbolic links. A link is read in the place of its own name; a
// name with a blank or a newline is not read as itself, nor is what cat
// cannot read (a directory, a dangling link); each of those is a note.
// (The shell would also expand a word holding *, ? or [ as a pattern;
// such names are read as written.)
func readRulesDir(p string) (*rulesDir, error) {
	entries, err := os.ReadDir(p)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", p, unwrapPathError(err))
	}
	var names []string
	for _, e := range entries {
		if !strings.HasPrefix(e.Name(), ".") && slices.ContainsFunc(strings.Split(e.Name(), "\n"), isRulesLine) {
			names = append(names, e.Name())
		}
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("%s: %w (augenrules reads only files ending in .rules); give a rules.d directory, a pack directory or a .rules file", p, ErrNoRulesFiles)
	}
	sort.Slice(names, func(i, j int) bool { return VersionLess(names[i], names[j]) })
	dir := &rulesDir{}
	// A note names its file as ls -b would: a newline in it would break
	// the one-finding-per-line output.
	shown := strings.NewReplacer("\n", `\n`, "\t", `\t`)
	note := func(path string, check model.Check, message string) {
		dir.notes = append(dir.notes, &model.Problem{Origin: model.Origin{File: shown.Replace(filepath.ToSlash(path))}, Check: check, Message: message, Loads: true})
	}
	for _, name := range names {
		path := filepath.Join(p, name)
		if words := augenrulesWords(name); len(words) != 1 || words[0] != name {
			note(path, model.CheckFileUnread, "augenrules never reads this file: its loop splits the name at blanks and newlines and runs cat on "+describeWords(p, words)+" instead; rename it without them")
			continue
		}
		link, err := os.Lstat(path)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, unwrapPathError(err))
		}
		info, err := os.Stat(path)
		switch {
		case err != nil:
			note(path, model.CheckFileUnread, fmt.Sprintf("augenrules cannot read it (%v): cat fails and the rest is loaded without it; remove it or make it a rules file", unwrapPathError(err)))
			continue
		case info.IsDir():
			note(path, model.CheckFileUnread, "a directory: augenrules' cat cannot read it and the rest is loaded without it; rename it to end in something other than .rules")
			continue
		case link.Mode()&os.ModeSymlink != 0:
			target, _ := os.Readlink(path)
			note(path, model.CheckFileSymlink, fmt.Sprintf("a symbolic link to %s: augenrules reads it in the place of its own name (cat follows links), and so does auditpack", target))
		}
		dir.files = append(dir.files, path)
	}
	return dir, nil
}

// isRulesLine says whether grep "\.rules$" keeps a line of ls's output.
func isRulesLine(l string) bool { return strings.HasSuffix(l, ".rules") }

// augenrulesWords are the words augenrules' loop makes of a name: its
// lines that end in .rules, split at the shell's blanks.
func augenrulesWords(name string) []string {
	var words []string
	for _, l := range strings.Split(name, "\n") {
		if isRulesLine(l) {
			words = append(words, strings.FieldsFunc(l, func(r rune) bool { return r == ' ' || r == '\t' })...)
		}
	}
	return words
}

// describeWords names the files augenrules' cat gets for words, and
// those of them that exist: augenrules reads them here, which auditpack
// does not (it reads each file of a rules.d once, in its own place).
func describeWords(dir string, words []string) string {
	var quoted, exist []string
	for _, w := range words {
		quoted = append(quoted, strconv.Quote(w))
		if info, err := os.Stat(filepath.Join(dir, w)); err == nil && !info.IsDir() {
			exist = append(exist, strconv.Quote(w))
		}
	}
	s := strings.Join(quoted, " and ")
	switch {
	case len(words) == 0:
		return "no file"
	case len(exist) == 0 && len(words) == 1:
		return s + " (no such file)"
	case len(exist) == 0:
		return s + " (no such files)"
	}
	return s + " (" + strings.Join(exist, " and ") + " exist: augenrules reads them here too, auditpack does not)"
}

// RulesSize is the bytes of what augenrules would read of paths (see
// RulesFiles); a path that cannot be read counts nothing.
func RulesSize(paths []string) int {
	size := 0
	for _, p := range paths {
		files, _ := RulesFiles(p)
		for _, f := range files {
			if info, err := os.Stat(f); err == nil {
				size += int(info.Size())
			}
		}
	}
	return size
}

func loadFile(p, name string) (*File, error) {
	data, err := ReadFile("", p)
	if err != nil {
		return nil, err
	}
	return ParseFile(name, filepath.ToSlash(p), nil, data), nil
}

// The first line of a file that is loaded as written: auditpack's compiled
// output and the audit.rules augenrules writes.
var loadedHeaders = []string{GeneratedHeader, "## This file is automatically generated from"}

// GeneratedHeader starts the first line of the files compile writes.
const GeneratedHeader = "## Generated by auditpack"

// IsLoadedFile reports whether path is a compiled audit.rules (by its
// first line): auditctl -R loads such a file line after line, with no
// augenrules assembly, so it is read that way.
func IsLoadedFile(path string) bool {
	// Only a regular file is opened: a named pipe would block the open.
	if info, err := os.Stat(path); err != nil || !info.Mode().IsRegular() {
		return false
	}
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	head := make([]byte, 128)
	n, _ := io.ReadFull(f, head)
	return isLoadedData(head[:n])
}

// isLoadedData is IsLoadedFile for a file's contents.
func isLoadedData(data []byte) bool {
	for _, h := range loadedHeaders {
		if bytes.HasPrefix(data, []byte(h)) {
			return true
		}
	}
	return false
}

// StdinPath is the PATH that names standard input, as for most tools.
const StdinPath = "-"

// ReadStdin reads a rules file from r (standard input), as the file "-"
// shown as <stdin>; loaded says whether it is a compiled audit.rules (see
// IsLoadedFile).
func ReadStdin(r io.Reader) (f *File, loaded bool, err error) {
	data, err := ReadStdinData(r)
	if err != nil {
		return nil, false, err
	}
	return ParseFile(StdinPath, "<stdin>", nil, data), isLoadedData(data), nil
}

// ReadStdinData reads standard input up to maxFileSize, as ReadFile reads
// a file.
func ReadStdinData(r io.Reader) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("read standard input: %w", err)
	}
	if len(data) > maxFileSize {
		return nil, tooLarge("standard input")
	}
	return data, nil
}
