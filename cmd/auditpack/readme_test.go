package main

import (
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/urfave/cli/v2"

	"github.com/auditpack/auditpack/lint"
	"github.com/auditpack/auditpack/profiles"
)

var updateReadme = flag.Bool("update-readme", false, "rewrite README.md's example outputs from this build")

// readmeKernel is the kernel the README's apply example finds: the rules
// file "loaded by hand" of the CLI case apply-dry-run.
const readmeKernel = "testdata/cli/apply-dry-run.txtar"

// TestREADMEExamples runs every "$ auditpack ..." example of README.md
// and compares what it prints (standard output, then standard error, then
// "$ echo $?" with the exit code when shown); a line "..." stands for
// lines left out. With -update-readme the outputs are rewritten.
func TestREADMEExamples(t *testing.T) {
	root, _ := filepath.Abs("../..")
	t.Chdir(root)
	data, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	caseData, err := os.ReadFile(readmeKernel)
	if err != nil {
		t.Fatal(err)
	}
	kernelCase, err := parseCase(caseData)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(data), "\n")
	var out []string
	ran := 0
	for i := 0; i < len(lines); i++ {
		l := lines[i]
		out = append(out, l)
		cmd, ok := strings.CutPrefix(l, "$ auditpack ")
		if !ok {
			continue
		}
		ran++
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
		e := testEnv(t)
		e.version, e.openKernel = "0.1.0", caseKernel(t, kernelCase)
		// What an example writes to /tmp goes to the test's own directory.
		tmp := t.TempDir()
		args := strings.Fields(strings.ReplaceAll(cmd, " /tmp/", " "+tmp+"/"))
		ran := runIn(e, args...)
		code := ran.code
		got := strings.Split(strings.TrimSuffix(strings.ReplaceAll(ran.stdout+ran.stderr, tmp+"/", "/tmp/"), "\n"), "\n")
		wantCode := -1
		if n := len(shown); n >= 2 && shown[n-2] == "$ echo $?" {
			wantCode, _ = strconv.Atoi(shown[n-1])
			shown = shown[:n-2]
			got = append(got, "$ echo $?", strconv.Itoa(code))
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
			t.Errorf("README.md:%d: $ auditpack %s prints\n%s\nthe README shows\n%s", i+1, cmd, strings.Join(got, "\n"), strings.Join(shown, "\n"))
		}
	}
	if ran < 10 {
		t.Errorf("ran %d README examples; the README has more", ran)
	}
	if *updateReadme {
		if err := os.WriteFile("README.md", []byte(strings.Join(out, "\n")), 0o644); err != nil {
			t.Fatal(err)
		}
	}
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
	data := readme(t)
	start := strings.Index(string(data), "## Usage\n\n```\n")
	if start < 0 {
		t.Fatal("README.md has no usage block")
	}
	usage := string(data[start:])
	usage = usage[:strings.Index(usage[len("## Usage\n\n```\n"):], "```")+len("## Usage\n\n```\n")]
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

// Every profile the README shows (a ```toml block with packs =) is one
// auditpack reads.
func TestREADMEProfilesParse(t *testing.T) {
	t.Parallel()
	blocks := regexp.MustCompile("(?s)```toml\n(.*?)```").FindAllSubmatch(readme(t), -1)
	parsed := 0
	for _, b := range blocks {
		if !regexp.MustCompile(`(?m)^packs\s*=`).Match(b[1]) {
			continue
		}
		if _, err := profiles.Parse(b[1], "README.md"); err != nil {
			t.Errorf("the README's profile example is refused: %v\n%s", err, b[1])
		}
		parsed++
	}
	if parsed == 0 {
		t.Error("the README shows no profile (a ```toml block with packs =)")
	}
}

// The README's count of lint checks is explain --list's.
func TestREADMECountsTheChecks(t *testing.T) {
	t.Parallel()
	m := regexp.MustCompile("`auditpack explain --list` lists all (\\d+)").FindSubmatch(readme(t))
	if m == nil {
		t.Fatal("the README does not say how many checks explain --list lists")
	}
	if n, _ := strconv.Atoi(string(m[1])); n != len(lint.Checks()) {
		t.Errorf("the README says explain --list lists all %d checks; it lists %d", n, len(lint.Checks()))
	}
}
