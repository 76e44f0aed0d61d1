package apply

import (
	"bufio"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
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
