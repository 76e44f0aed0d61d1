package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/urfave/cli/v2"

	"github.com/auditpack/auditpack/profiles"
)

var updateReadme = flag.Bool("update-readme", false, "rewrite the example outputs of README.md and docs/*.md from this build")

// readmeKernel is the kernel the examples' apply and verify --kernel find:
// the rules file "loaded by hand" of the CLI case apply-dry-run.
const readmeKernel = "testdata/cli/apply-dry-run.txtar"

// guides are the documents a reader is sent to, relative to the
// repository: README.md, then every docs/*.md in name order.
func guides(t *testing.T) []string {
	t.Helper()
	docs, err := filepath.Glob(filepath.Join(repoRoot, "docs", "*.md"))
	if err != nil {
		t.Fatal(err)
	}
	names := []string{"README.md"}
	for _, d := range docs {
		names = append(names, filepath.Join("docs", filepath.Base(d)))
	}
	return names
}

// TestREADMEExamples runs every "$ auditpack ..." example of README.md and
// of the guides in docs/, and compares what it prints (standard output,
// then standard error, then "$ echo $?" with the exit code when shown); a
// line "..." stands for lines left out. With -update-readme the outputs
// are rewritten.
func TestREADMEExamples(t *testing.T) {
	t.Chdir(repoRoot)
	caseData, err := os.ReadFile(readmeKernel)
	if err != nil {
		t.Fatal(err)
	}
	kernelCase, err := parseCase(caseData)
	if err != nil {
		t.Fatal(err)
	}
	ran := 0
	for _, doc := range guides(t) {
		data, err := os.ReadFile(doc)
		if err != nil {
			t.Fatal(err)
		}
		out, n := runExamples(t, doc, string(data), kernelCase)
		ran += n
		if *updateReadme && out != string(data) {
			if err := os.WriteFile(doc, []byte(out), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	if ran < 15 {
		t.Errorf("ran %d examples; README.md and docs/*.md have more", ran)
	}
}

// runExamples runs the examples of doc, whose text is data, and returns
// data with their outputs rewritten from this build (under -update-readme)
// and how many ran.
func runExamples(t *testing.T, doc, data string, kernelCase *cliCase) (string, int) {
	lines := strings.Split(data, "\n")
	var out []string
	ran := 0
	for i := 0; i < len(lines); i++ {
		l := lines[i]
		out = append(out, l)
		cmd, ok := strings.CutPrefix(l, "$ auditpack ")
		if !ok {
			continue
		}
		// The example's shown output runs to the next "$ " line (other
		// than its exit code) or the end of the block.
		j := i + 1
		for j < len(lines) && !strings.HasPrefix(lines[j], "```") && !(strings.HasPrefix(lines[j], "$ ") && lines[j] != "$ echo $?") {
			j++
		}
		// Blank lines before the next example belong to neither.
		for j > i+1 && lines[j-1] == "" {
			j--
		}
		shown := lines[i+1 : j]
		words := strings.Fields(cmd)
		if err := exampleInputsExist(words); err != nil {
			// Its output would be an error message, which -update-readme
			// must not write into the guide as if it were the example's.
			t.Errorf("%s:%d: $ auditpack %s: %v", doc, i+1, cmd, err)
			continue
		}
		ran++
		e := testEnv(t)
		e.version, e.openKernel = "0.1.0", caseKernel(t, kernelCase)
		// What an example writes to /tmp goes to the test's own directory.
		tmp := t.TempDir()
		args := strings.Fields(strings.ReplaceAll(cmd, " /tmp/", " "+tmp+"/"))
		result := runIn(e, args...)
		got := strings.Split(strings.TrimSuffix(strings.ReplaceAll(result.stdout+result.stderr, tmp+"/", "/tmp/"), "\n"), "\n")
		wantCode := -1
		if n := len(shown); n >= 2 && shown[n-2] == "$ echo $?" {
			wantCode, _ = strconv.Atoi(shown[n-1])
			shown = shown[:n-2]
			got = append(got, "$ echo $?", strconv.Itoa(result.code))
		}
		if *updateReadme {
			out = append(out, elide(shown, got)...)
			i = j - 1
			continue
		}
		if wantCode >= 0 {
			shown = append(shown, "$ echo $?", strconv.Itoa(wantCode))
		}
		if !matches(shown, got) {
			t.Errorf("%s:%d: $ auditpack %s prints\n%s\n%s shows\n%s", doc, i+1, cmd, strings.Join(got, "\n"), doc, strings.Join(shown, "\n"))
		}
	}
	return strings.Join(out, "\n"), ran
}

// exampleInputsExist checks that the files an example's words name are
// in the checkout: a word with a slash, other than an option and the file
// -o writes, is a path. Examples read no file of this host (its output
// would differ from host to host), only /tmp, which the test redirects.
func exampleInputsExist(words []string) error {
	for i, w := range words {
		if strings.HasPrefix(w, "-") || !strings.Contains(w, "/") || (i > 0 && (words[i-1] == "-o" || words[i-1] == "--output")) {
			continue
		}
		switch {
		case strings.HasPrefix(w, "/tmp/"):
		case filepath.IsAbs(w):
			return fmt.Errorf("%s is this host's file: an example reads files of the checkout", w)
		default:
			if _, err := os.Stat(w); err != nil {
				return fmt.Errorf("names %s, which is not in the checkout", w)
			}
		}
	}
	return nil
}

// readme is README.md.
func readme(t *testing.T) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(repoRoot, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// matches compares shown output with what ran: "..." in shown stands for
// any lines.
func matches(shown, got []string) bool {
	for i, l := range shown {
		if l == "..." {
			rest := shown[i+1:]
			return len(got) >= len(rest) && slices.Equal(got[len(got)-len(rest):], rest)
		}
		if i >= len(got) || got[i] != l {
			return false
		}
	}
	return len(shown) == len(got)
}

// elide keeps the README's "..." where it had one: the same number of lines
// before and after it, from got.
func elide(shown, got []string) []string {
	for i, l := range shown {
		if l == "..." {
			after := len(shown) - i - 1
			if i+after >= len(got) {
				return got
			}
			return append(append(append([]string{}, got[:i]...), "..."), got[len(got)-after:]...)
		}
	}
	return got
}

// The README's usage block names every command and every flag the CLI
// has, so the README and --help cannot drift apart.
func TestREADMEUsageListsEveryCommandAndFlag(t *testing.T) {
	const heading = "## Commands\n\n```\n"
	data := readme(t)
	start := strings.Index(string(data), heading)
	if start < 0 {
		t.Fatal("README.md has no usage block (" + strings.TrimSpace(heading) + ")")
	}
	usage := string(data[start:])
	usage = usage[:strings.Index(usage[len(heading):], "```")+len(heading)]
	var walk func(prefix string, cmds []*cli.Command)
	walk = func(prefix string, cmds []*cli.Command) {
		for _, c := range cmds {
			if c.Hidden || c.Name == "help" {
				continue
			}
			name := strings.TrimSpace(prefix + " " + c.Name)
			if len(c.Subcommands) > 0 {
				walk(name, c.Subcommands)
				continue
			}
			last := name[strings.LastIndex(name, " ")+1:]
			if !strings.Contains(usage, last) {
				t.Errorf("the README's usage leaves out the command %q", name)
			}
			for _, f := range c.Flags {
				named := false
				for _, n := range f.Names() {
					flag := "--" + n
					if len(n) == 1 {
						flag = "-" + n
					}
					named = named || regexp.MustCompile(regexp.QuoteMeta(flag)+`([^a-z0-9_-]|$)`).MatchString(usage)
				}
				if !named {
					t.Errorf("the README's usage of %s leaves out --%s", name, f.Names()[0])
				}
			}
		}
	}
	walk("", newApp(testEnv(t)).Commands)
}

// Every profile README.md and the guides show (a ```toml block with
// packs =) is one auditpack reads.
func TestREADMEProfilesParse(t *testing.T) {
	t.Parallel()
	parsed := 0
	for _, doc := range guides(t) {
		data, err := os.ReadFile(filepath.Join(repoRoot, doc))
		if err != nil {
			t.Fatal(err)
		}
		for _, b := range regexp.MustCompile("(?s)```toml\n(.*?)```").FindAllSubmatch(data, -1) {
			if !regexp.MustCompile(`(?m)^packs\s*=`).Match(b[1]) {
				continue
			}
			if _, err := profiles.Parse(b[1], doc); err != nil {
				t.Errorf("%s's profile example is refused: %v\n%s", doc, err, b[1])
			}
			parsed++
		}
	}
	if parsed == 0 {
		t.Error("no guide shows a profile (a ```toml block with packs =)")
	}
}
