package main

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/auditpack/auditpack/internal/testenv"
)

// action is action.yml as far as a runner needs it.
type action struct {
	Inputs map[string]struct {
		Default string `json:"default"`
	} `json:"inputs"`
	Runs struct {
		Steps []struct {
			ID   string            `json:"id"`
			Uses string            `json:"uses"`
			Run  string            `json:"run"`
			Env  map[string]string `json:"env"`
		} `json:"steps"`
	} `json:"runs"`
}

// readAction reads action.yml with PyYAML (which Debian's ansible-core
// brings), as JSON.
func readAction(t *testing.T, root string) *action {
	t.Helper()
	python := testenv.Tool(t, "python3", "apt-get install -y python3")
	out, err := exec.Command(python, "-c", `import json, sys, yaml
print(json.dumps(yaml.safe_load(open(sys.argv[1]))))`, filepath.Join(root, "action.yml")).Output()
	if err != nil {
		testenv.SkipOrFail(t, fmt.Sprintf("python3 cannot read action.yml with PyYAML (apt-get install -y python3-yaml): %v", err))
	}
	var a action
	if err := json.Unmarshal(out, &a); err != nil {
		t.Fatalf("action.yml: %v", err)
	}
	return &a
}

var expression = regexp.MustCompile(`^\$\{\{ *([\w.-]+) *\}\}$`)

// runAction runs the action's shell steps on the repository repo as a
// runner does: each step's env with its ${{ }} expressions resolved from
// the inputs (the action's defaults, then inputs), earlier steps' outputs
// and the action's ref; GITHUB_OUTPUT, GITHUB_ACTION_PATH, RUNNER_TEMP,
// RUNNER_OS and RUNNER_ARCH set; bash -e -o pipefail. The uses: steps
// (cache, setup-go) are GitHub's: here the machine's Go stands in. It
// stops at the first failing step and returns what the steps printed.
func runAction(t *testing.T, root, repo, ref string, inputs map[string]string) (string, error) {
	t.Helper()
	a := readAction(t, root)
	values := map[string]string{"github.action_ref": ref}
	for name, in := range a.Inputs {
		values["inputs."+name] = in.Default
	}
	for name, v := range inputs {
		if _, ok := a.Inputs[name]; !ok {
			t.Fatalf("action.yml has no input %q", name)
		}
		values["inputs."+name] = v
	}
	arch := map[string]string{"amd64": "X64", "arm64": "ARM64"}[runtime.GOARCH]
	temp := t.TempDir()
	var printed strings.Builder
	for _, step := range a.Runs.Steps {
		if step.Run == "" {
			continue
		}
		outputs := filepath.Join(t.TempDir(), "output")
		cmd := exec.Command("bash", "--noprofile", "--norc", "-e", "-o", "pipefail", "-c", step.Run)
		cmd.Dir = repo
		cmd.Env = append(os.Environ(), "GITHUB_ACTION_PATH="+root, "GITHUB_OUTPUT="+outputs, "RUNNER_TEMP="+temp, "RUNNER_OS=Linux", "RUNNER_ARCH="+arch)
		for k, v := range step.Env {
			if m := expression.FindStringSubmatch(v); m != nil {
				value, ok := values[m[1]]
				if !ok && !strings.HasPrefix(m[1], "steps.") {
					t.Fatalf("step %q: the test does not know %s", step.ID, v)
				}
				v = value
			}
			cmd.Env = append(cmd.Env, k+"="+v)
		}
		out, err := cmd.CombinedOutput()
		printed.Write(out)
		if err != nil {
			return printed.String(), fmt.Errorf("step %q: %v", step.ID, err)
		}
		if data, err := os.ReadFile(outputs); err == nil {
			for _, l := range strings.Split(strings.TrimSpace(string(data)), "\n") {
				if k, v, ok := strings.Cut(l, "="); ok {
					values["steps."+step.ID+".outputs."+k] = v
				}
			}
		}
	}
	return printed.String(), nil
}

// sarifReport is what the test reads of the action's SARIF: the files of
// the results and the notifications of the invocations.
type sarifReport struct {
	files, notes []string
}

// readSARIF fails the test unless path holds a SARIF 2.1.0 log with one run.
func readSARIF(t *testing.T, path string) sarifReport {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("the action left no SARIF report: %v", err)
	}
	var log struct {
		Version string `json:"version"`
		Runs    []struct {
			Tool struct {
				Driver struct {
					Name string `json:"name"`
				} `json:"driver"`
			} `json:"tool"`
			Results []struct {
				Locations []struct {
					PhysicalLocation struct {
						ArtifactLocation struct {
							URI string `json:"uri"`
						} `json:"artifactLocation"`
					} `json:"physicalLocation"`
				} `json:"locations"`
			} `json:"results"`
			Invocations []struct {
				Notifications []struct {
					Message struct {
						Text string `json:"text"`
					} `json:"message"`
				} `json:"toolExecutionNotifications"`
			} `json:"invocations"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(data, &log); err != nil || log.Version != "2.1.0" || len(log.Runs) != 1 || log.Runs[0].Tool.Driver.Name != "auditpack" {
		t.Fatalf("the action's report is no SARIF 2.1.0 log with one auditpack run (%v):\n%.400s", err, data)
	}
	var r sarifReport
	for _, res := range log.Runs[0].Results {
		for _, loc := range res.Locations {
			r.files = append(r.files, loc.PhysicalLocation.ArtifactLocation.URI)
		}
	}
	for _, inv := range log.Runs[0].Invocations {
		for _, n := range inv.Notifications {
			r.notes = append(r.notes, n.Message.Text)
		}
	}
	return r
}

// rulesRepo makes a git repository laid out as rules repositories are:
// one rules.d per host (with the same file names), a README; when bad,
// the web host's file has a syscall b64 does not have.
func rulesRepo(t *testing.T, bad bool) string {
	t.Helper()
	testenv.Tool(t, "git", "apt-get install -y git")
	repo := t.TempDir()
	gitOut(t, repo, "init", "-q", ".")
	web := "-D\n-w /etc/localtime -p wa -k time\n"
	if bad {
		web = "-D\n-a always,exit -F arch=b64 -S stime -F key=time\n"
	}
	files := map[string]string{
		"README.md":                       "# audit rules of our hosts\n",
		"hosts/web/rules.d/10-site.rules": web,
		"hosts/db/rules.d/10-site.rules":  "-D\n-w /etc/hosts -p wa -k hosts\n",
	}
	for name, body := range files {
		writeFile(t, filepath.Join(repo, name), body)
	}
	gitOut(t, repo, "add", "-A")
	return repo
}

// TestGitHubAction runs action.yml's steps on sample repositories. With
// the defaults the action finds every rules.d of a rules repository and
// checks each as its own rule set; it fails on an error finding and
// passes once fixed. On an input error, a repository without rules, or a
// failed download, the step fails and the SARIF report is still a valid
// log, carrying the error. At a release tag it downloads that release's
// .deb, checks it against SHA256SUMS and uses it; elsewhere it builds
// from its own source.
func TestGitHubAction(t *testing.T) {
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	t.Run("rules repository", func(t *testing.T) {
		repo := rulesRepo(t, true)
		out, err := runAction(t, root, repo, "main", nil)
		t.Logf("the action on a rules repository with a bad rule:\n%s", out)
		if err == nil {
			t.Errorf("the action passed a repository with a rule the kernel refuses:\n%s", out)
		}
		if !strings.Contains(out, "linting 2 rule set(s)") {
			t.Errorf("the action did not find both hosts' rules.d:\n%s", out)
		}
		r := readSARIF(t, filepath.Join(repo, "auditpack.sarif"))
		if len(r.files) == 0 || slices.ContainsFunc(r.files, func(f string) bool { return f != "hosts/web/rules.d/10-site.rules" }) {
			t.Errorf("SARIF results in %v, want the web host's file only", r.files)
		}
		fixed := rulesRepo(t, false)
		if out, err := runAction(t, root, fixed, "main", nil); err != nil {
			t.Errorf("the action failed a clean repository: %v\n%s", err, out)
		}
		if r := readSARIF(t, filepath.Join(fixed, "auditpack.sarif")); len(r.files) != 0 {
			t.Errorf("SARIF results on a clean repository: %v", r.files)
		}
	})
	t.Run("errors still write SARIF", func(t *testing.T) {
		for _, c := range []struct {
			name, note string
			inputs     map[string]string
			repo       string
		}{
			{"a path that is not there", "no-such-dir", map[string]string{"path": "no-such-dir"}, rulesRepo(t, false)},
			{"no rules anywhere", "no *.rules file in this repository", nil, t.TempDir()},
			{"a release that cannot be downloaded", "auditpack lint did not run", map[string]string{"version": "0.0.1", "release-url": "file://" + t.TempDir()}, rulesRepo(t, false)},
		} {
			out, err := runAction(t, root, c.repo, "main", c.inputs)
			if err == nil {
				t.Errorf("%s: the action passed:\n%s", c.name, out)
			}
			if r := readSARIF(t, filepath.Join(c.repo, "auditpack.sarif")); !strings.Contains(strings.Join(r.notes, "\n"), c.note) {
				t.Errorf("%s: the SARIF report's notifications %q do not say %q", c.name, r.notes, c.note)
			}
		}
		if out, err := runAction(t, root, t.TempDir(), "main", map[string]string{"profile": "pci-dss"}); err != nil {
			t.Errorf("a profile alone, no rules files: %v\n%s", err, out)
		}
	})
	t.Run("release", func(t *testing.T) {
		testenv.Tool(t, "curl", "apt-get install -y curl")
		dist := builtPackages(t)
		releases := t.TempDir()
		release := filepath.Join(releases, "v"+packageVersion)
		if err := os.Mkdir(release, 0o755); err != nil {
			t.Fatal(err)
		}
		for _, name := range []string{filepath.Base(debFile(dist)), "SHA256SUMS"} {
			data, err := os.ReadFile(filepath.Join(dist, name))
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(release, name), data, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		repo := rulesRepo(t, false)
		url := map[string]string{"release-url": "file://" + releases}
		out, err := runAction(t, root, repo, "v"+packageVersion, url)
		if err != nil || !strings.Contains(out, packageVersion) {
			t.Errorf("at tag v%s the action did not use that release: %v\n%s", packageVersion, err, out)
		}
		deb := filepath.Join(release, filepath.Base(debFile(dist)))
		if err := os.WriteFile(deb, []byte("not the package SHA256SUMS names"), 0o644); err != nil {
			t.Fatal(err)
		}
		if out, err := runAction(t, root, repo, "v"+packageVersion, url); err == nil || !strings.Contains(out, "FAILED") {
			t.Errorf("the action used a download that does not match SHA256SUMS: %v\n%s", err, out)
		}
	})
}
