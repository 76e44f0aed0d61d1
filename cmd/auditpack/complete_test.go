package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/auditpack/auditpack/internal/testenv"
)

// completionCases are what a user types (the last word being completed)
// and candidates the shell must offer.
var completionCases = []struct {
	line string
	want []string
}{
	{"auditpack lint --fo", []string{"--format"}},
	{"auditpack lint --format ", []string{"sarif", "json", "gitlab", "checkstyle"}},
	{"auditpack lint --color ", []string{"auto", "always", "never"}},
	{"auditpack lint --disable ORD-K", []string{"ORD-KEY-SHADOW"}},
	{"auditpack lint --enable arch-c", []string{"ARCH-COVERAGE-GAP"}},
	{"auditpack lint --write-b", []string{"--write-baseline"}},
	{"auditpack verify --format ", []string{"junit"}},
	{"auditpack lint --profile ", []string{"stig-rhel9", "pci-dss", "ospp"}},
	{"auditpack compile --target ", []string{"aarch64", "s390x"}},
	{"auditpack explain ORD-K", []string{"ORD-KEY-SHADOW", "ORD-KEY-ONLY-DUPLICATE"}},
	{"auditpack packs show ", []string{"stig-rhel9", "base-config@1.0.3"}},
	{"auditpack profiles show p", []string{"pci-dss"}},
	{"auditpack ve", []string{"verify"}},
	{"auditpack lint COMPLETION-DIR/ru", []string{"COMPLETION-DIR/rules.d"}},
}

// TestCompletionInEveryShell drives each shell's completion function as
// the shell calls it on TAB, with the built binary on PATH: flags, command
// names, profile, pack and check names, and files where a path goes.
func TestCompletionInEveryShell(t *testing.T) {
	bin := buildBinary(t)
	dir := t.TempDir()
	os.Mkdir(filepath.Join(dir, "rules.d"), 0o755)
	drivers := map[string]string{
		"bash": `source <(auditpack completion bash)
read -ra COMP_WORDS <<< "$LINE"; [ "${LINE: -1}" = " " ] && COMP_WORDS+=("")
COMP_CWORD=$((${#COMP_WORDS[@]}-1)); _auditpack_complete; printf '%s\n' "${COMPREPLY[@]}"`,
		"zsh": `_describe() { print -l -- "${(@P)2}" }; _files() { print -l -- ${LINE##* }*(N) }; compdef() {}
source <(auditpack completion zsh)
words=(${(s: :)LINE}); [[ $LINE == *' ' ]] && words+=(''); CURRENT=${#words}; _auditpack`,
		"fish": `source (auditpack completion fish | psub); complete -C "$LINE"`,
	}
	for shell, driver := range drivers {
		t.Run(shell, func(t *testing.T) {
			path := testenv.Tool(t, shell, "apt-get install -y "+shell+"; .ci/run does")
			for _, c := range completionCases {
				line := strings.ReplaceAll(c.line, "COMPLETION-DIR", dir)
				cmd := exec.Command(path, "-c", driver)
				cmd.Env = append(os.Environ(), "PATH="+filepath.Dir(bin)+":"+os.Getenv("PATH"), "LINE="+line)
				out, err := cmd.CombinedOutput()
				if err != nil {
					t.Fatalf("%q: %v\n%s", line, err, out)
				}
				for _, w := range c.want {
					w = strings.ReplaceAll(w, "COMPLETION-DIR", dir)
					if !strings.Contains("\n"+string(out), "\n"+w) {
						t.Errorf("%s: %q offers\n%s\nwithout %q", shell, line, out, w)
					}
				}
			}
		})
	}
}
