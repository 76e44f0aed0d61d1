package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/auditpack/auditpack/internal/kerneltest"
	"github.com/auditpack/auditpack/internal/testenv"
)

// ansibleEnv points everything Ansible writes for itself (~/.ansible:
// temporary files, galaxy's cache, ansible-test's environments) at a
// temporary HOME, and Ansible at the collections in collections.
func ansibleEnv(t *testing.T, collections string) []string {
	t.Helper()
	home := t.TempDir()
	return append(os.Environ(), "HOME="+home, "ANSIBLE_HOME="+filepath.Join(home, ".ansible"),
		"ANSIBLE_LOCAL_TEMP="+filepath.Join(home, "tmp"), "ANSIBLE_REMOTE_TEMP="+filepath.Join(home, "tmp"),
		"ANSIBLE_COLLECTIONS_PATH="+collections, "ANSIBLE_NOCOLOR=1", "ANSIBLE_PYTHON_INTERPRETER=/usr/bin/python3")
}

// ansibleCollection builds the collection with ansible-galaxy and installs
// it into a scratch collections path, which it returns.
func ansibleCollection(t *testing.T) string {
	t.Helper()
	galaxy := testenv.Tool(t, "ansible-galaxy", "apt-get install -y ansible-core")
	dir := t.TempDir()
	collections := filepath.Join(dir, "collections")
	run := func(args ...string) {
		cmd := exec.Command(galaxy, args...)
		cmd.Env = ansibleEnv(t, collections)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("ansible-galaxy %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
	run("collection", "build", "../../contrib/ansible/collection", "--output-path", dir)
	archives, err := filepath.Glob(filepath.Join(dir, "auditpack-auditpack-*.tar.gz"))
	if err != nil || len(archives) != 1 {
		t.Fatalf("ansible-galaxy built %v (%v), want one archive", archives, err)
	}
	run("collection", "install", archives[0], "-p", collections)
	return collections
}

// runPlaybook runs ansible-playbook on localhost with --diff and args,
// through the command line prefix (a private mount namespace) if given.
func runPlaybook(t *testing.T, collections string, prefix []string, args ...string) (string, error) {
	t.Helper()
	line := append(append(slices.Clone(prefix), testenv.Tool(t, "ansible-playbook", "apt-get install -y ansible-core"), "-i", "localhost,", "--diff"), args...)
	cmd := exec.Command(line[0], line[1:]...)
	cmd.Env = ansibleEnv(t, collections)
	out, err := cmd.CombinedOutput()
	return string(out), err
}

func writeFile(t *testing.T, path, body string) string {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestAnsibleSanity runs ansible-test sanity on the collection with
// contrib/ansible/sanity (a temporary copy, a temporary HOME; the test
// environments from the system's Python packages).
func TestAnsibleSanity(t *testing.T) {
	testenv.Tool(t, "ansible-test", "apt-get install -y ansible-core")
	// The rest of what the sanity tests import (python3-pycodestyle,
	// python3-voluptuous) comes with the same apt-get install.
	for _, tool := range []string{"yamllint", "pylint"} {
		testenv.Tool(t, tool, "apt-get install -y yamllint pylint python3-pycodestyle python3-voluptuous; .ci/run does")
	}
	cmd := exec.Command("../../contrib/ansible/sanity")
	cmd.Env = ansibleEnv(t, "")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("ansible-test sanity: %v\n%s", err, out)
	}
	if n := strings.Count(string(out), "Running sanity test"); n < 30 {
		t.Errorf("ansible-test ran %d sanity tests, want every one (30 or more):\n%s", n, out)
	}
}

// TestAnsibleRoleDefinition checks the role without running it: a
// playbook using it passes ansible-playbook --syntax-check, and
// ansible-doc reads its argument specs, with the install sources to
// choose from and the variables for packs, owned keys and profile files.
func TestAnsibleRoleDefinition(t *testing.T) {
	collections := ansibleCollection(t)
	book := writeFile(t, filepath.Join(t.TempDir(), "site.yml"), `- hosts: audited
  roles:
    - role: auditpack.auditpack.auditpack
      vars:
        auditpack_install: controller
        auditpack_package_src: dist/auditpack_0.1.0-1_amd64.deb
        auditpack_profile_file: profiles/site.toml
        auditpack_packs: [packs/site]
        auditpack_owned_keys: site-
- hosts: audited
  roles:
    - role: auditpack.auditpack.auditpack
      vars:
        auditpack_install: repository
        auditpack_apply: false
        auditpack_verify: true
        auditpack_profile: stig
        auditpack_verify_report: fleet.html
`)
	if out, err := runPlaybook(t, collections, nil, "--syntax-check", book); err != nil {
		t.Errorf("ansible-playbook --syntax-check: %v\n%s", err, out)
	}
	cmd := exec.Command(testenv.Tool(t, "ansible-doc", "apt-get install -y ansible-core"), "--type", "role", "--json", "auditpack.auditpack.auditpack")
	cmd.Env = ansibleEnv(t, collections)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("ansible-doc --type role: %v\n%s", err, out)
	}
	var doc map[string]struct {
		Entrypoints map[string]struct {
			Options map[string]struct {
				Choices []string `json:"choices"`
				Default any      `json:"default"`
			} `json:"options"`
		} `json:"entry_points"`
	}
	if err := json.Unmarshal(out, &doc); err != nil {
		t.Fatalf("ansible-doc: %v\n%s", err, out)
	}
	options := doc["auditpack.auditpack.auditpack"].Entrypoints["main"].Options
	if got := options["auditpack_install"]; !slices.Equal(got.Choices, []string{"release", "controller", "host", "repository", "none"}) || got.Default != "release" {
		t.Errorf("auditpack_install: choices %v, default %v", got.Choices, got.Default)
	}
	for _, name := range []string{"auditpack_packs", "auditpack_owned_keys", "auditpack_profile_file", "auditpack_release_url", "auditpack_persist",
		"auditpack_apply", "auditpack_verify", "auditpack_verify_dir", "auditpack_verify_host_name", "auditpack_verify_report", "auditpack_report_binary"} {
		if _, ok := options[name]; !ok {
			t.Errorf("the role's argument specs have no %s", name)
		}
	}
}

// emptyKernel holds the kernel for an Ansible test, emptied (what it held
// comes back when the test ends), and returns the rule set the tests
// apply: six rules, no -e 2 or -f 2.
func emptyKernel(t *testing.T) (*kerneltest.Kernel, string) {
	t.Helper()
	kt := kerneltest.Acquire(t)
	if out, code := kt.LoadWithAuditctl("-D\n"); code != 0 {
		t.Fatal(out)
	}
	rules, err := filepath.Abs("../../testdata/inputs/apply/new")
	if err != nil {
		t.Fatal(err)
	}
	return kt, rules
}

// TestAnsibleModule runs Debian's ansible-playbook against localhost with
// the collection's module on the real kernel (a rule set without -e 2 or
// -f 2): check mode reports changes and changes nothing, the apply
// changes, a second apply does not.
func TestAnsibleModule(t *testing.T) {
	collections := ansibleCollection(t)
	bin := buildBinary(t)
	kt, rules := emptyKernel(t)
	task := "auditpack.auditpack.auditpack_apply: {binary: " + bin + ", rules: [" + rules + "]}"
	book := writeFile(t, filepath.Join(t.TempDir(), "playbook.yml"), `- hosts: localhost
  connection: local
  gather_facts: false
  tasks:
    - name: check mode
      `+task+`
      check_mode: true
      register: check
    - name: nothing changed in check mode
      command: auditctl -l
      register: listed
      changed_when: false
    - name: apply
      `+task+`
      register: applied
    - name: apply again
      `+task+`
      register: again
    - assert:
        that:
          - check.changed
          - "'No rules' in listed.stdout"
          - applied.changed
          - not again.changed
          - "'-w /etc/shadow -p wa -k identity' in applied.added"
          - "'augenrules --load' in applied.boot or 'auditctl -R' in applied.boot"
`)
	out, err := runPlaybook(t, collections, nil, book)
	if err != nil {
		t.Fatalf("ansible-playbook: %v\n%s", err, out)
	}
	if !strings.Contains(out, "+-w /etc/shadow -p wa -k identity") {
		t.Errorf("diff mode does not show the added rules:\n%s", out)
	}
	if got := len(kt.List()); got != 6 {
		t.Errorf("the kernel holds %d rules after the playbook, want 6", got)
	}
}

// privateSystem returns a command line prefix that runs a command in a
// private mount namespace where /etc, /usr and /var are overlays: the
// command sees this machine's files, and what it writes there (a package
// installed with dpkg, files persisted under /etc/audit) lands in
// upper/etc, upper/usr and upper/var, a temporary directory, and nowhere
// else. A later command with the same prefix sees the same writes.
// Mounts below those directories are hidden inside.
func privateSystem(t *testing.T) (prefix []string, upper string) {
	t.Helper()
	testenv.Root(t, "overlaying /etc, /usr and /var in a private mount namespace")
	unshare := testenv.Tool(t, "unshare", "apt-get install -y util-linux")
	base := t.TempDir()
	script := `set -e
for d in etc usr var; do
	mkdir -p "$0/upper/$d" "$0/work/$d"
	mount -t overlay overlay -o "lowerdir=/$d,upperdir=$0/upper/$d,workdir=$0/work/$d" "/$d"
done
exec "$@"`
	return []string{unshare, "--mount", "--propagation", "private", "sh", "-c", script, base}, filepath.Join(base, "upper")
}

// TestAnsibleRole runs the collection's role on localhost as an admin
// would on a fresh host, in a private mount namespace whose /etc, /usr
// and /var writes stay in a temporary directory (privateSystem), against
// the real kernel (restored afterwards). Check mode, with the package
// downloaded from a release (a file:// URL holding make package's files):
// nothing is installed, written or loaded, and the diff shows the kernel
// rules to add and the rules.d file that would be moved aside. Then for
// real, with the .deb copied from the controller: the package is
// installed, the rules loaded, rules.d/auditpack.rules written and the
// other file moved aside; a second run changes nothing.
func TestAnsibleRole(t *testing.T) {
	collections := ansibleCollection(t)
	sandbox, upper := privateSystem(t)
	if _, err := os.Stat("/usr/bin/auditpack"); err == nil {
		testenv.SkipOrFail(t, "/usr/bin/auditpack is installed on this machine, so the role cannot be tried on a fresh host")
	}
	dist := builtPackages(t)
	releases := t.TempDir()
	for _, name := range []string{filepath.Base(debFile(dist)), "SHA256SUMS"} {
		data, err := os.ReadFile(filepath.Join(dist, name))
		if err != nil {
			t.Fatal(err)
		}
		writeFile(t, filepath.Join(releases, "v"+packageVersion, name), string(data))
	}
	// A local rules file the host had: persist auto moves it aside.
	writeFile(t, filepath.Join(upper, "etc/audit/rules.d/50-local.rules"), "-w /etc/sudoers -p wa -k local\n")
	kt, _ := emptyKernel(t)
	// The watches are on files outside the overlays: the kernel drops a
	// watch when the directory it watches goes (the namespace of each
	// ansible run ends with its overlays), which no real host does.
	watched := t.TempDir()
	rules := t.TempDir()
	writeFile(t, filepath.Join(watched, "shadow"), "")
	writeFile(t, filepath.Join(watched, "passwd"), "")
	site, err := os.ReadFile("../../testdata/inputs/apply/new/10-site.rules")
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(rules, "10-site.rules"), strings.ReplaceAll(string(site), "/etc/", watched+"/"))
	play := func(vars, asserts string) string {
		return `- hosts: localhost
  connection: local
  gather_facts: false
  roles:
    - role: auditpack.auditpack.auditpack
      vars: {auditpack_rules: ["` + rules + `"], auditpack_persist: auto, ` + vars + `}
  post_tasks:
    - assert: {that: [` + asserts + `]}
`
	}
	check := writeFile(t, filepath.Join(t.TempDir(), "check.yml"), play(
		`auditpack_install: release, auditpack_version: "`+packageVersion+`", auditpack_release_url: "file://`+releases+`"`,
		`auditpack_result.changed, "'50-local.rules' in auditpack_result.boot"`))
	out, err := runPlaybook(t, collections, sandbox, "--check", check)
	if err != nil {
		t.Fatalf("the role in check mode on a fresh host: %v\n%s", err, out)
	}
	if !strings.Contains(out, "+-w "+watched+"/shadow -p wa -k identity") || !strings.Contains(out, "next boot: ") {
		t.Errorf("check mode's diff does not show the kernel rules and the boot files:\n%s", out)
	}
	for _, f := range []string{"usr/bin/auditpack", "etc/audit/rules.d/auditpack.rules"} {
		if _, err := os.Stat(filepath.Join(upper, f)); err == nil {
			t.Errorf("check mode wrote %s", f)
		}
	}
	if got := kt.List(); len(got) != 0 {
		t.Errorf("check mode loaded rules into the kernel: %q", got)
	}
	apply := `auditpack_install: controller, auditpack_package_src: "` + debFile(dist) + `"`
	first := writeFile(t, filepath.Join(t.TempDir(), "apply.yml"), play(apply, `auditpack_result.changed`))
	if out, err := runPlaybook(t, collections, sandbox, first); err != nil {
		t.Fatalf("the role: %v\n%s", err, out)
	}
	if got := len(kt.List()); got != 6 {
		t.Errorf("the kernel holds %d rules after the role, want 6", got)
	}
	for _, f := range []string{"usr/bin/auditpack", "etc/audit/rules.d/auditpack.rules"} {
		if _, err := os.Stat(filepath.Join(upper, f)); err != nil {
			t.Errorf("the role did not install or write %s", f)
		}
	}
	if moved, _ := filepath.Glob(filepath.Join(upper, "etc/audit/auditpack-backup/*/50-local.rules")); len(moved) != 1 {
		t.Errorf("50-local.rules was not moved aside: %v", moved)
	}
	again := writeFile(t, filepath.Join(t.TempDir(), "again.yml"), play(apply, `not auditpack_result.changed`))
	if out, err := runPlaybook(t, collections, sandbox, again); err != nil {
		t.Fatalf("the role a second time: %v\n%s", err, out)
	}
}

// TestAnsibleRoleCollectsResults runs the role's verify option on
// localhost under two inventory names, as an admin collects a fleet:
// verify --kernel (read-only: the kernel's rules are not touched) on each
// "host", each result fetched to the controller under its inventory name
// and carrying it as its host name, and auditpack report merging them on
// the controller into one report with both hosts.
func TestAnsibleRoleCollectsResults(t *testing.T) {
	testenv.Root(t, "verify --kernel reads the kernel's rules over netlink, which")
	collections := ansibleCollection(t)
	bin := buildBinary(t)
	dir := t.TempDir()
	inventory := writeFile(t, filepath.Join(dir, "inventory"), `[audited]
web01 ansible_connection=local ansible_python_interpreter=/usr/bin/python3
db01 ansible_connection=local ansible_python_interpreter=/usr/bin/python3
`)
	results, fleet := filepath.Join(dir, "results"), filepath.Join(dir, "fleet.html")
	book := writeFile(t, filepath.Join(dir, "collect.yml"), `- hosts: audited
  gather_facts: false
  roles:
    - role: auditpack.auditpack.auditpack
      vars:
        auditpack_install: none
        auditpack_binary: `+bin+`
        auditpack_apply: false
        auditpack_verify: true
        auditpack_profile: stig-rhel9
        auditpack_verify_dir: `+results+`
        auditpack_verify_report: `+fleet+`
        auditpack_report_binary: `+bin+`
`)
	if out, err := runPlaybook(t, collections, nil, "-i", inventory, book); err != nil {
		t.Fatalf("the role's verify option: %v\n%s", err, out)
	}
	for _, host := range []string{"web01", "db01"} {
		data, err := os.ReadFile(filepath.Join(results, host+".json"))
		if err != nil {
			t.Fatalf("%s's result was not fetched: %v", host, err)
		}
		var result struct {
			Target string
			Host   struct {
				HostName string `json:"host_name"`
			}
			Controls []struct{ Control string }
		}
		if err := json.Unmarshal(data, &result); err != nil || result.Target != "kernel" || result.Host.HostName != host || len(result.Controls) == 0 {
			t.Errorf("%s's result: %v, target %q, host %q, %d controls", host, err, result.Target, result.Host.HostName, len(result.Controls))
		}
	}
	page, err := os.ReadFile(fleet)
	if err != nil {
		t.Fatalf("no fleet report on the controller: %v", err)
	}
	for _, want := range []string{`<th class="host" title="stig-rhel9">db01</th><th class="host" title="stig-rhel9">web01</th>`, "Audit controls of 2 hosts"} {
		if !strings.Contains(string(page), want) {
			t.Errorf("the fleet report lacks %q", want)
		}
	}
}
