package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
)

// A CLI case is one txtar archive (the format of cmd/go's script tests):
// a comment, then files. The comment holds lines "# why the case is
// there", setup commands, the command line "auditpack ARGS" (split at
// spaces; a word in Go quotes may be empty or hold spaces) and "exit N". The files are the case's inputs and the golden
// output:
//
//	stdin                      what the PATH "-" reads
//	kernel.rules               the rules the in-memory kernel holds
//	kernel.locked, kernel.loginuid-immutable, kernel.unavailable
//	                           (empty) the kernel's state, or no kernel (not root)
//	work/PATH                  a file written to $WORK/PATH, the case's own directory
//	                           ($WORK in it is that directory too)
//	stdout, stderr             the golden output, with $WORK for the directory
//
// Setup commands make what an archive cannot hold (arguments in Go
// quotes may hold any character, a newline too):
//
//	mkfifo PATH                a named pipe
//	symlink PATH -> TARGET     a symbolic link
//	hardlink PATH -> TARGET    a hard link
//	mv FROM TO                 a rename (to a name with spaces or a newline)
//	chmod MODE PATH            a mode (octal), 0755 again when the case ends
//	longline PATH BYTES        a file of one line of BYTES x's
//	cd DIR                     the working directory the run sees, where lint
//	                           looks for .auditpack.toml (paths in the
//	                           arguments stay relative to the repository)
type cliCase struct {
	comment []string // description and setup lines, in order
	args    []string
	exit    int
	files   []archiveFile // inputs, in the order written
	stdout  []byte
	stderr  []byte
	workDir string // set by cd; "" for the repository's root
}

type archiveFile struct {
	name string
	data []byte
}

// inputFiles are the names a case may hold besides work/ files.
var inputFiles = map[string]bool{"stdin": true, "kernel.rules": true, "kernel.locked": true,
	"kernel.loginuid-immutable": true, "kernel.unavailable": true}

func parseCase(data []byte) (*cliCase, error) {
	comment, files := parseArchive(data)
	c := &cliCase{exit: -1}
	for _, l := range strings.Split(strings.TrimSuffix(string(comment), "\n"), "\n") {
		switch {
		case strings.HasPrefix(l, "auditpack "):
			args, err := setupWords(strings.TrimPrefix(l, "auditpack "))
			if err != nil {
				return nil, fmt.Errorf("%q: %v", l, err)
			}
			c.args = args
		case strings.HasPrefix(l, "exit "):
			n, err := strconv.Atoi(strings.TrimPrefix(l, "exit "))
			if err != nil {
				return nil, fmt.Errorf("%q: %v", l, err)
			}
			c.exit = n
		default:
			c.comment = append(c.comment, l)
		}
	}
	if c.args == nil || c.exit < 0 {
		return nil, fmt.Errorf("the comment needs a line \"auditpack ARGS\" and a line \"exit N\"")
	}
	for _, f := range files {
		switch {
		case f.name == "stdout":
			c.stdout = f.data
		case f.name == "stderr":
			c.stderr = f.data
		case inputFiles[f.name] || strings.HasPrefix(f.name, "work/"):
			c.files = append(c.files, f)
		default:
			return nil, fmt.Errorf("unknown file %q in the archive", f.name)
		}
	}
	return c, nil
}

// file returns an input file of the case, and whether it has it.
func (c *cliCase) file(name string) ([]byte, bool) {
	for _, f := range c.files {
		if f.name == name {
			return f.data, true
		}
	}
	return nil, false
}

// format writes the case back with the output of a run.
func (c *cliCase) format(stdout, stderr []byte, exit int) []byte {
	var comment bytes.Buffer
	for _, l := range c.comment {
		comment.WriteString(l + "\n")
	}
	words := make([]string, len(c.args))
	for i, a := range c.args {
		words[i] = a
		if a == "" || strings.ContainsAny(a, " \t\n\"") {
			words[i] = strconv.Quote(a)
		}
	}
	fmt.Fprintf(&comment, "auditpack %s\nexit %d\n", strings.Join(words, " "), exit)
	files := append(append([]archiveFile(nil), c.files...), archiveFile{"stdout", stdout}, archiveFile{"stderr", stderr})
	return formatArchive(comment.Bytes(), files)
}

// setUp writes the case's work/ files into dir and runs its setup
// commands there ($WORK is dir).
func (c *cliCase) setUp(t *testing.T, dir string) {
	t.Helper()
	for _, f := range c.files {
		rel, ok := strings.CutPrefix(f.name, "work/")
		if !ok {
			continue
		}
		path := filepath.Join(dir, rel)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, bytes.ReplaceAll(f.data, []byte("$WORK"), []byte(dir)), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, l := range c.comment {
		if l == "" || strings.HasPrefix(l, "#") {
			continue
		}
		words, err := setupWords(strings.ReplaceAll(l, "$WORK", dir))
		if err != nil {
			t.Fatalf("setup %q: %v", l, err)
		}
		switch {
		case words[0] == "mkfifo" && len(words) == 2:
			err = syscall.Mkfifo(words[1], 0o644)
		case words[0] == "symlink" && len(words) == 4 && words[2] == "->":
			err = os.Symlink(words[3], words[1])
		case words[0] == "hardlink" && len(words) == 4 && words[2] == "->":
			err = os.Link(words[3], words[1])
		case words[0] == "mv" && len(words) == 3:
			err = os.Rename(words[1], words[2])
		case words[0] == "chmod" && len(words) == 3:
			var mode uint64
			if mode, err = strconv.ParseUint(words[1], 8, 32); err == nil {
				path := words[2]
				err = os.Chmod(path, os.FileMode(mode))
				t.Cleanup(func() { os.Chmod(path, 0o755) }) // before the directory is removed
			}
		case words[0] == "cd" && len(words) == 2:
			c.workDir = words[1]
		case words[0] == "longline" && len(words) == 3:
			var n int
			if n, err = strconv.Atoi(words[2]); err == nil {
				err = os.WriteFile(words[1], append(bytes.Repeat([]byte("x"), n), '\n'), 0o644)
			}
		default:
			err = fmt.Errorf("unknown setup command (mkfifo, symlink, hardlink, mv, chmod, longline, cd)")
		}
		if err != nil {
			t.Fatalf("setup %q: %v", l, err)
		}
	}
}

// setupWords splits a setup line at spaces; a word in Go quotes may hold
// any character.
func setupWords(l string) ([]string, error) {
	var words []string
	for l = strings.TrimSpace(l); l != ""; l = strings.TrimSpace(l) {
		if l[0] != '"' {
			w, rest, _ := strings.Cut(l, " ")
			words, l = append(words, w), rest
			continue
		}
		prefix, err := strconv.QuotedPrefix(l)
		if err != nil {
			return nil, err
		}
		w, _ := strconv.Unquote(prefix)
		words, l = append(words, w), l[len(prefix):]
	}
	return words, nil
}

// parseArchive splits a txtar archive into its comment and files: a
// line "-- NAME --" starts a file, which runs to the next such line.
func parseArchive(data []byte) (comment []byte, files []archiveFile) {
	var current *archiveFile
	for len(data) > 0 {
		line, rest, _ := bytes.Cut(data, []byte("\n"))
		if name, ok := fileMarker(line); ok {
			files = append(files, archiveFile{name: name, data: []byte{}})
			current = &files[len(files)-1]
		} else {
			end := len(data) - len(rest)
			if current == nil {
				comment = append(comment, data[:end]...)
			} else {
				current.data = append(current.data, data[:end]...)
			}
		}
		data = rest
	}
	return comment, files
}

func fileMarker(line []byte) (string, bool) {
	name, ok := bytes.CutPrefix(line, []byte("-- "))
	if !ok {
		return "", false
	}
	name, ok = bytes.CutSuffix(name, []byte(" --"))
	return string(bytes.TrimSpace(name)), ok && len(bytes.TrimSpace(name)) > 0
}

// formatArchive is parseArchive's inverse for files that end in a
// newline (or are empty).
func formatArchive(comment []byte, files []archiveFile) []byte {
	out := append([]byte(nil), comment...)
	for _, f := range files {
		out = append(out, "-- "+f.name+" --\n"...)
		out = append(out, f.data...)
		if len(f.data) > 0 && f.data[len(f.data)-1] != '\n' {
			out = append(out, '\n')
		}
	}
	return out
}
