package apply

import (
	"bufio"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/auditpack/auditpack/compile"
	"github.com/auditpack/auditpack/internal/augen"
	"github.com/auditpack/auditpack/packs"
	"github.com/auditpack/auditpack/packs/model"
)

// Loader is how a host loads its audit rules at boot: augenrules
// assembling rules.d into audit.rules and loading that, or auditctl -R
// loading one file.
type Loader struct {
	// Augenrules is the augenrules the host runs; empty when the loader
	// is auditctl -R RulesFile.
	Augenrules string
	RulesDir   string // what augenrules assembles: /etc/audit/rules.d
	RulesFile  string // what is loaded: /etc/audit/audit.rules
	// Via says what runs it: a unit file and its line, or an init
	// configuration.
	Via string
	// Root is the file system the paths are in ("/" on the host).
	Root string
}

func (l *Loader) String() string {
	if l.Augenrules != "" {
		return fmt.Sprintf("%s --load (rules.d %s to %s) from %s", l.Augenrules, l.RulesDir, l.RulesFile, l.Via)
	}
	return fmt.Sprintf("auditctl -R %s from %s", l.RulesFile, l.Via)
}

// at is a path of the loader's file system.
func (l *Loader) at(path string) string { return filepath.Join(l.Root, path) }

// unitDirs are where systemd looks for unit files, most important first.
var unitDirs = []string{"etc/systemd/system", "run/systemd/system", "usr/lib/systemd/system", "lib/systemd/system"}

const (
	defaultRulesDir  = "/etc/audit/rules.d"
	defaultRulesFile = "/etc/audit/audit.rules"
)

// DetectLoader finds how the host under root loads rules at boot. audit 4
// (RHEL 10, Fedora 42) loads them from audit-rules.service; before it,
// auditd.service runs augenrules --load or auditctl -R after auditd starts
// (ExecStartPost); without systemd the init script reads USE_AUGENRULES.
func DetectLoader(root string) (*Loader, error) {
	for _, unit := range []struct{ name, key string }{{"audit-rules.service", "ExecStart"}, {"auditd.service", "ExecStartPost"}} {
		file, commands, err := unitCommands(root, unit.name, unit.key)
		if err != nil {
			return nil, err
		}
		if file == "" {
			continue
		}
		if unit.name == "audit-rules.service" && !unitEnabled(root, unit.name) {
			return nil, fmt.Errorf("%s is installed but not enabled, so nothing loads the audit rules at boot: systemctl enable %s", file, unit.name)
		}
		for _, cmd := range commands {
			if l := loaderOf(cmd); l != nil {
				l.Via, l.Root = fmt.Sprintf("%s (%s=%s)", file, unit.key, cmd), root
				return l, nil
			}
		}
		if unit.name == "audit-rules.service" {
			return nil, fmt.Errorf("%s runs neither augenrules --load nor auditctl -R: cannot tell what it loads", file)
		}
	}
	for _, conf := range []string{"/etc/default/auditd", "/etc/sysconfig/auditd"} {
		value, found, err := shellVar(filepath.Join(root, conf), "USE_AUGENRULES")
		if err != nil {
			return nil, err
		}
		if !found {
			continue
		}
		if strings.EqualFold(value, "no") {
			return &Loader{RulesFile: defaultRulesFile, Via: conf + " (USE_AUGENRULES=no)", Root: root}, nil
		}
		return &Loader{Augenrules: "/sbin/augenrules", RulesDir: defaultRulesDir, RulesFile: defaultRulesFile, Via: conf + " (USE_AUGENRULES=yes, the default)", Root: root}, nil
	}
	return nil, fmt.Errorf("no auditd.service, audit-rules.service or init configuration of auditd under %s: cannot tell how this host loads its rules at boot; install auditd, or name the file with --persist FILE", root)
}

// loaderOf reads a unit's command: "-/sbin/augenrules --load" or
// "/sbin/auditctl -R /etc/audit/audit.rules".
func loaderOf(cmd string) *Loader {
	words := strings.Fields(strings.TrimLeft(cmd, "-@:+!"))
	if len(words) == 0 {
		return nil
	}
	switch filepath.Base(words[0]) {
	case "augenrules":
		for _, w := range words[1:] {
			if w == "--load" {
				return &Loader{Augenrules: words[0], RulesDir: defaultRulesDir, RulesFile: defaultRulesFile}
			}
		}
	case "auditctl":
		for i := 1; i+1 < len(words); i++ {
			if words[i] == "-R" {
				return &Loader{RulesFile: words[i+1]}
			}
		}
	}
	return nil
}

// unitCommands reads a unit's lines for key as systemd merges them: the
// unit file that takes precedence, then its drop-ins, an empty value
// clearing what came before.
func unitCommands(root, unit, key string) (file string, commands []string, err error) {
	for _, dir := range unitDirs {
		p := filepath.Join(root, dir, unit)
		if _, err := os.Stat(p); err == nil {
			file = "/" + filepath.Join(dir, unit)
			break
		}
	}
	if file == "" {
		return "", nil, nil
	}
	sources := []string{filepath.Join(root, file)}
	for i := len(unitDirs) - 1; i >= 0; i-- {
		dropins, _ := filepath.Glob(filepath.Join(root, unitDirs[i], unit+".d", "*.conf"))
		sources = append(sources, dropins...)
	}
	for _, src := range sources {
		f, err := os.Open(src)
		if err != nil {
			return "", nil, fmt.Errorf("read %s: %w", src, err)
		}
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			name, value, ok := strings.Cut(strings.TrimSpace(sc.Text()), "=")
			if !ok || strings.TrimSpace(name) != key {
				continue
			}
			if value = strings.TrimSpace(value); value == "" {
				commands = nil
				continue
			}
			commands = append(commands, value)
		}
		f.Close()
		if err := sc.Err(); err != nil {
			return "", nil, fmt.Errorf("read %s: %w", src, err)
		}
	}
	return file, commands, nil
}

// unitEnabled says whether a unit is pulled in at boot: a wants link to it
// in /etc/systemd/system or a vendor preset link in /usr/lib.
func unitEnabled(root, unit string) bool {
	for _, dir := range unitDirs {
		links, _ := filepath.Glob(filepath.Join(root, dir, "*.wants", unit))
		if len(links) > 0 {
			return true
		}
	}
	return false
}

// shellVar reads NAME="value" from a shell configuration file; found says
// whether the file exists (an unset name is the empty value).
func shellVar(path, name string) (value string, found bool, err error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return "", false, nil
	}
	if err != nil {
		return "", false, fmt.Errorf("read %s: %w", path, err)
	}
	for _, line := range strings.Split(string(data), "\n") {
		k, v, ok := strings.Cut(strings.TrimSpace(line), "=")
		if ok && k == name {
			value = strings.Trim(strings.TrimSpace(v), `"'`)
		}
	}
	return value, true, nil
}

// rulesFiles reads the *.rules files of the loader's rules.d, by name,
// except auditpack's own.
func (l *Loader) rulesFiles() (map[string][]byte, error) {
	files := map[string][]byte{}
	names, err := packs.RulesFiles(l.at(l.RulesDir))
	if err != nil {
		if _, statErr := os.Stat(l.at(l.RulesDir)); errors.Is(statErr, os.ErrNotExist) {
			return files, nil
		}
		return nil, err
	}
	for _, path := range names {
		if filepath.Base(path) == OwnedRulesFile {
			continue
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return nil, err
		}
		files[filepath.Base(path)] = data
	}
	return files, nil
}

// generate runs the host's augenrules, in a private mount namespace, on a
// rules.d holding files, beside the host's current audit.rules (which
// augenrules keeps when what it assembles is empty or the same).
func (l *Loader) generate(files map[string][]byte) ([]byte, error) {
	stage, err := os.MkdirTemp("", "auditpack-boot-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(stage)
	if err := os.Mkdir(filepath.Join(stage, "rules.d"), 0o750); err != nil {
		return nil, err
	}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(stage, "rules.d", name), data, 0o600); err != nil {
			return nil, err
		}
	}
	if old, err := os.ReadFile(l.at(l.RulesFile)); err == nil {
		if err := os.WriteFile(filepath.Join(stage, "audit.rules"), old, 0o600); err != nil {
			return nil, err
		}
	}
	return augen.Generate(l.Augenrules, stage)
}

// NextBoot is the rules file the loader loads at the next boot, from the
// files as they are now; nothing on the host is written.
func (l *Loader) NextBoot() ([]byte, error) {
	if l.Augenrules == "" {
		return os.ReadFile(l.at(l.RulesFile))
	}
	files, err := l.rulesFiles()
	if err != nil {
		return nil, err
	}
	if owned, err := os.ReadFile(l.at(filepath.Join(l.RulesDir, OwnedRulesFile))); err == nil {
		files[OwnedRulesFile] = owned
	}
	return l.generate(files)
}

// BootState is what the next boot loads compared with the kernel now.
type BootState struct {
	Loader *Loader
	// Result is the difference, from the kernel to the next boot, as
	// apply --dry-run of the boot file sees it.
	Result *Result
	// RebootPending: the kernel is locked (enabled 2) and the next boot
	// loads something else; only a reboot can bring them together.
	RebootPending bool
}

// Drift says whether the files on disk and the running rules differ while
// they could still be brought together without a reboot.
func (b *BootState) Drift() bool { return b.Result.Changed() && !b.RebootPending }

// CheckBoot compares what the host under root loads at its next boot with
// the kernel k holds now, for machine t.
func CheckBoot(k Kernel, root string, t *model.Target) (*BootState, error) {
	l, err := DetectLoader(root)
	if err != nil {
		return nil, err
	}
	data, err := l.NextBoot()
	if err != nil {
		return nil, fmt.Errorf("what %s loads at boot: %w", l, err)
	}
	f := packs.ParseFile(l.RulesFile, l.RulesFile, nil, data)
	c := compile.Build(&packs.Selection{Files: []*packs.File{f}, AsLoaded: true}, t)
	if err := c.Renderable(); err != nil {
		return nil, fmt.Errorf("the next boot stops loading: %w", err)
	}
	d, err := Prepare(c, t)
	if err != nil {
		return nil, fmt.Errorf("the kernel refuses what the next boot loads: %w", err)
	}
	res, err := Apply(k, d, t, Options{DryRun: true})
	if err != nil {
		return nil, err
	}
	res.Boot = l.String()
	return &BootState{Loader: l, Result: res, RebootPending: res.Locked && res.Changed()}, nil
}
