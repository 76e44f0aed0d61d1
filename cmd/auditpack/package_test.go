package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/auditpack/auditpack/internal/testenv"
)

// packageVersion is the version the tests stamp into the packages.
const packageVersion = "9.9.9"

// builtPackages runs make package (version 9.9.9) into a temporary
// directory and returns it, holding the .deb, the .rpm and SHA256SUMS.
// The test fetches nothing: Go reads modules only from this machine's
// module cache (as a file proxy), so nfpm must be there already; .ci/run
// fetches it before the tests.
func builtPackages(t *testing.T) string {
	t.Helper()
	testenv.Tool(t, "make", "apt-get install -y make")
	modcache, err := exec.Command("go", "env", "GOMODCACHE").Output()
	if err != nil {
		t.Fatalf("go env GOMODCACHE: %v", err)
	}
	proxy := "file://" + filepath.Join(strings.TrimSpace(string(modcache)), "cache", "download")
	dist := t.TempDir()
	cmd := exec.Command("make", "-C", "../..", "package", "DIST="+dist, "VERSION="+packageVersion)
	cmd.Env = append(os.Environ(), "GOPROXY="+proxy, "GOFLAGS=-mod=readonly")
	if out, err := cmd.CombinedOutput(); err != nil {
		if strings.Contains(string(out), proxy) {
			testenv.SkipOrFail(t, "nfpm v2.45.2 is not in the module cache (go run github.com/goreleaser/nfpm/v2/cmd/nfpm@v2.45.2 --version fetches it; .ci/run does): "+lastLine(string(out)))
		}
		t.Fatalf("make package: %v\n%s", err, out)
	}
	return dist
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return lines[len(lines)-1]
}

// debFile and rpmFile are the packages' names in dist, as each format's
// tools name them.
func debFile(dist string) string {
	return filepath.Join(dist, "auditpack_"+packageVersion+"-1_"+runtime.GOARCH+".deb")
}

func rpmFile(t *testing.T, dist string) string {
	t.Helper()
	rpms, err := filepath.Glob(filepath.Join(dist, "auditpack-"+packageVersion+"-1.*.rpm"))
	if err != nil || len(rpms) != 1 {
		t.Fatalf("make package built %v RPMs in %s (%v), want one", rpms, dist, err)
	}
	return rpms[0]
}

// asRoot runs a command as root of a new user namespace: dpkg and rpm
// install into a scratch root there, owning its files, without being
// root on this machine and without touching its package databases.
func asRoot(t *testing.T, env []string, name string, args ...string) string {
	t.Helper()
	unshare := testenv.Tool(t, "unshare", "apt-get install -y util-linux")
	cmd := exec.Command(unshare, append([]string{"--map-root-user", "--", name}, args...)...)
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		if strings.Contains(string(out), "unshare failed") {
			testenv.SkipOrFail(t, "this machine allows no user namespaces: "+strings.TrimSpace(string(out)))
		}
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return string(out)
}

// recordingTools writes stand-ins for the commands the maintainer scripts
// may call into a new directory, each appending its command line to log;
// the directory goes first on PATH.
func recordingTools(t *testing.T, log string) string {
	t.Helper()
	bin := t.TempDir()
	for _, tool := range []string{"systemctl", "deb-systemd-invoke", "deb-systemd-helper"} {
		script := fmt.Sprintf("#!/bin/sh\necho \"%s $*\" >> %q\n", tool, log)
		if err := os.WriteFile(filepath.Join(bin, tool), []byte(script), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return bin
}

// TestPackages builds the .deb and .rpm with make package, lints them with
// lintian and rpmlint, installs each into a scratch root (never into this
// machine) and uses what it installed, removes it again, and runs the
// maintainer scripts against a stand-in systemd.
func TestPackages(t *testing.T) {
	dist := builtPackages(t)
	t.Run("lint", func(t *testing.T) {
		testenv.Tool(t, "lintian", "apt-get install -y lintian")
		testenv.Tool(t, "rpmlint", "apt-get install -y rpmlint")
		// rpmlint opens rpm's database in HOME (~/.rpmdb on Debian).
		lint := exec.Command("make", "-C", "../..", "package-lint", "DIST="+dist)
		lint.Env = append(os.Environ(), "HOME="+t.TempDir())
		if out, err := lint.CombinedOutput(); err != nil {
			t.Errorf("make package-lint: %v\n%s", err, out)
		}
	})
	t.Run("deb", func(t *testing.T) { testDebInstall(t, debFile(dist)) })
	t.Run("rpm", func(t *testing.T) { testRPMInstall(t, rpmFile(t, dist)) })
	t.Run("scriptlets", func(t *testing.T) { testScriptlets(t, debFile(dist), rpmFile(t, dist)) })
}

// testDebInstall installs the .deb with dpkg into a scratch root with its
// own database; the maintainer scripts run outside a chroot with DPKG_ROOT
// set, so they must leave this machine's systemd alone.
func testDebInstall(t *testing.T, deb string) {
	dpkg := testenv.Tool(t, "dpkg", "a Debian host")
	root := t.TempDir()
	for _, dir := range []string{"var/lib/dpkg/updates", "var/lib/dpkg/info"} {
		if err := os.MkdirAll(filepath.Join(root, dir), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(root, "var/lib/dpkg/status"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	calls := filepath.Join(t.TempDir(), "calls")
	// dpkg looks for ldconfig and start-stop-daemon in root's PATH.
	env := []string{"PATH=" + recordingTools(t, calls) + ":" + os.Getenv("PATH") + ":/usr/sbin:/sbin"}
	dpkgIn := func(args ...string) string {
		return asRoot(t, env, dpkg, append([]string{"--root=" + root, "--force-script-chrootless", "--log=" + filepath.Join(root, "dpkg.log")}, args...)...)
	}
	dpkgIn("--install", deb)
	if status := dpkgIn("--status", "auditpack"); !strings.Contains(status, "Status: install ok installed") || !strings.Contains(status, "Version: "+packageVersion+"-1") {
		t.Errorf("dpkg --status in the scratch root:\n%s", status)
	}
	checkInstalled(t, root, "/usr/share/zsh/vendor-completions/_auditpack", "/usr/share/doc/auditpack/copyright", "/usr/share/doc/auditpack/changelog.Debian.gz", "/usr/share/doc/auditpack/NOTICE.gz", "/usr/share/lintian/overrides/auditpack")
	if data, err := os.ReadFile(calls); err == nil {
		t.Errorf("the maintainer scripts called systemd's tools for another root (DPKG_ROOT):\n%s", data)
	}
	dpkgIn("--remove", "auditpack")
	checkRemoved(t, root)
}

// testRPMInstall installs the .rpm with rpm into a scratch root with its
// own database (--nodeps: the scratch root holds no other package;
// --noscripts: it has no shell to run them, testScriptlets does).
func testRPMInstall(t *testing.T, rpmPath string) {
	rpm := testenv.Tool(t, "rpm", "apt-get install -y rpm")
	root := t.TempDir()
	env := []string{"HOME=" + t.TempDir()}
	rpmIn := func(args ...string) string {
		return asRoot(t, env, rpm, append([]string{"--root", root, "--dbpath", "/var/lib/rpm"}, args...)...)
	}
	rpmIn("--install", "--nodeps", "--noscripts", rpmPath)
	if q := rpmIn("--query", "--queryformat", "%{NAME}-%{VERSION}-%{RELEASE} %{LICENSE}", "auditpack"); !strings.HasPrefix(q, "auditpack-"+packageVersion+"-1 Apache-2.0") {
		t.Errorf("rpm --query in the scratch root: %q", q)
	}
	checkInstalled(t, root, "/usr/share/zsh/site-functions/_auditpack", "/usr/share/licenses/auditpack/copyright", "/usr/share/licenses/auditpack/LICENSE", "/usr/share/licenses/auditpack/NOTICE")
	if _, err := os.Stat(filepath.Join(root, "usr/share/zsh/vendor-completions")); err == nil {
		t.Error("the RPM installs zsh completion into Debian's vendor-completions")
	}
	rpmIn("--erase", "--noscripts", "auditpack")
	checkRemoved(t, root)
}

// checkInstalled uses what a package installed into root: the binary and
// its version, the man page, bash completion, the drift units, and the
// files of one format (extra).
func checkInstalled(t *testing.T, root string, extra ...string) {
	t.Helper()
	bin := filepath.Join(root, "usr/bin/auditpack")
	if out, err := exec.Command(bin, "--version").Output(); err != nil || !strings.Contains(string(out), packageVersion) {
		t.Errorf("the installed auditpack --version: %q (%v)", out, err)
	}
	if out, err := exec.Command(bin, "compile", "--profile", "stig-rhel9").Output(); err != nil || !strings.Contains(string(out), "## Generated by auditpack "+packageVersion) {
		t.Errorf("the installed binary does not compile the embedded stig profile: %v", err)
	}
	for _, f := range append([]string{"/usr/share/man/man8/auditpack.8.gz", "/usr/share/fish/vendor_completions.d/auditpack.fish", "/usr/lib/systemd/system/auditpack-drift.timer", "/usr/lib/systemd/system/auditpack-drift-failure@.service"}, extra...) {
		if _, err := os.Stat(filepath.Join(root, f)); err != nil {
			t.Errorf("the package did not install %s", f)
		}
	}
	if man, err := exec.LookPath("man"); err == nil {
		cmd := exec.Command(man, "-w", "8", "auditpack")
		cmd.Env = append(os.Environ(), "MANPATH="+filepath.Join(root, "usr/share/man"))
		if out, err := cmd.Output(); err != nil || strings.TrimSpace(string(out)) != filepath.Join(root, "usr/share/man/man8/auditpack.8.gz") {
			t.Errorf("man -w 8 auditpack: %q (%v)", out, err)
		}
	}
	// The completion runs the auditpack it completes for, the installed one.
	script := `source "$0"; COMP_WORDS=("$1" lint --fo); COMP_CWORD=2; _auditpack_complete; echo "${COMPREPLY[@]}"`
	if out, err := exec.Command("bash", "-c", script, filepath.Join(root, "usr/share/bash-completion/completions/auditpack"), bin).Output(); err != nil || strings.TrimSpace(string(out)) != "--format" {
		t.Errorf("the installed bash completion offers %q for lint --fo (%v)", out, err)
	}
	unit, err := os.ReadFile(filepath.Join(root, "usr/lib/systemd/system/auditpack-drift.service"))
	if err != nil || !strings.Contains(string(unit), "ExecStart=/usr/bin/auditpack verify --boot") {
		t.Errorf("the drift unit: %v\n%s", err, unit)
	}
}

// checkRemoved: removing the package took its files out of root.
func checkRemoved(t *testing.T, root string) {
	t.Helper()
	for _, f := range []string{"usr/bin/auditpack", "usr/share/man/man8/auditpack.8.gz", "usr/lib/systemd/system/auditpack-drift.service"} {
		if _, err := os.Stat(filepath.Join(root, f)); err == nil {
			t.Errorf("%s is still there after removing the package", f)
		}
	}
}

// testScriptlets runs the maintainer scripts of both packages, as shipped,
// in a private mount namespace whose /run says whether systemd runs, with
// systemctl and Debian's helpers replaced by stand-ins that record their
// command lines: the units are reloaded after install and removal, the
// timer is stopped before the last removal, nothing is done during an
// upgrade, without systemd, or for another root.
func testScriptlets(t *testing.T, deb, rpmPath string) {
	rpm := testenv.Tool(t, "rpm", "apt-get install -y rpm")
	control := t.TempDir()
	if out, err := exec.Command(testenv.Tool(t, "dpkg-deb", "a Debian host"), "--control", deb, control).CombinedOutput(); err != nil {
		t.Fatalf("dpkg-deb --control: %v\n%s", err, out)
	}
	script := func(name string) string { return filepath.Join(control, name) }
	rpmScript := func(tag string) string {
		// A database of its own: rpm opens one even to read a package file.
		out, err := exec.Command(rpm, "--dbpath", t.TempDir(), "--query", "--package", "--queryformat", "%{"+tag+"}", rpmPath).Output()
		if err != nil {
			t.Fatalf("rpm --queryformat %%{%s}: %v", tag, err)
		}
		path := filepath.Join(t.TempDir(), tag)
		if err := os.WriteFile(path, out, 0o755); err != nil {
			t.Fatal(err)
		}
		return path
	}
	reload := "systemctl --system daemon-reload"
	for _, c := range []struct {
		name    string
		script  string
		args    []string
		systemd bool
		env     string
		want    string
	}{
		{"deb postinst", script("postinst"), []string{"configure"}, true, "", reload},
		{"deb postinst without systemd", script("postinst"), []string{"configure"}, false, "", ""},
		{"deb postinst into another root", script("postinst"), []string{"configure"}, true, "DPKG_ROOT=/srv/image", ""},
		{"deb prerm remove", script("prerm"), []string{"remove"}, true, "", "deb-systemd-invoke stop auditpack-drift.timer auditpack-drift.service"},
		{"deb prerm upgrade", script("prerm"), []string{"upgrade", "9.9.10-1"}, true, "", ""},
		{"deb postrm remove", script("postrm"), []string{"remove"}, true, "", reload},
		{"rpm post", rpmScript("POSTIN"), []string{"1"}, true, "", reload},
		{"rpm preun erase", rpmScript("PREUN"), []string{"0"}, true, "", "systemctl --no-reload disable --now auditpack-drift.timer auditpack-drift.service"},
		{"rpm preun upgrade", rpmScript("PREUN"), []string{"1"}, true, "", ""},
		{"rpm postun", rpmScript("POSTUN"), []string{"0"}, true, "", reload},
	} {
		calls := filepath.Join(t.TempDir(), "calls")
		env := []string{"PATH=" + recordingTools(t, calls) + ":" + os.Getenv("PATH")}
		if c.env != "" {
			env = append(env, c.env)
		}
		boot := `mount -t tmpfs tmpfs /run && exec sh "$@"`
		if c.systemd {
			boot = `mount -t tmpfs tmpfs /run && mkdir -p /run/systemd/system && exec sh "$@"`
		}
		asRoot(t, env, "unshare", append([]string{"--mount", "sh", "-c", boot, "sh", c.script}, c.args...)...)
		got, err := os.ReadFile(calls)
		if err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
		if strings.TrimSpace(string(got)) != c.want {
			t.Errorf("%s: called %q, want %q", c.name, strings.TrimSpace(string(got)), c.want)
		}
	}
}

// TestCopyrightNamesEveryModule: the packages' copyright file has a
// Files: paragraph for every Go module linked into the binary, so a new
// dependency cannot ship without its licence.
func TestCopyrightNamesEveryModule(t *testing.T) {
	copyright, err := os.ReadFile("../../contrib/package/copyright")
	if err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("go", "list", "-deps", "-f", "{{with .Module}}{{if not .Main}}{{.Path}}{{end}}{{end}}", ".").Output()
	if err != nil {
		t.Fatalf("go list -deps: %v", err)
	}
	modules := strings.Fields(string(out))
	if len(modules) == 0 {
		t.Fatal("go list names no module linked into the binary")
	}
	for _, m := range append(modules, "go") {
		if !strings.Contains(string(copyright), " "+m+"/*") {
			t.Errorf("contrib/package/copyright has no Files: paragraph for %s, which the binary links", m)
		}
	}
}
