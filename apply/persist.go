package apply

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/auditpack/auditpack/compile"
	"github.com/auditpack/auditpack/internal/atomicfile"
	"github.com/auditpack/auditpack/internal/augen"
	"github.com/auditpack/auditpack/internal/text"
	"github.com/auditpack/auditpack/packs"
	"github.com/auditpack/auditpack/packs/model"
)

// PersistAuto asks apply to persist where the host's boot-time loader
// reads, so that the next boot loads what was applied.
const PersistAuto = "auto"

// OwnedRulesFile is the one file auditpack writes into rules.d.
const OwnedRulesFile = "auditpack.rules"

// restoreManifest, in a backup directory, names the rules.d its files
// came from, so that restore puts them back there.
const restoreManifest = "AUDITPACK-BACKUP"

// BootPlan is what persisting for the loader changes on disk: the one file
// auditpack owns, the other rules.d files that would change what the
// loader assembles (moved aside), and what the loader then generates,
// checked equal to the applied set before anything is written.
type BootPlan struct {
	Loader *Loader
	File   string   // the file written, as the host knows it
	Moved  []string // rules.d files moved to Backup, by name
	Backup string   // where they go
	// Generated is the audit.rules the loader makes of the new layout.
	Generated []byte
	rendered  []byte
}

// PlanBoot lays out the rendered rule set for the loader and runs the
// host's own augenrules on that layout in a private mount namespace; what
// it generates must load exactly the rules and settings of rendered, or
// nothing is to be written.
func PlanBoot(l *Loader, rendered []byte, t *model.Target, now time.Time) (*BootPlan, error) {
	p := &BootPlan{Loader: l, rendered: rendered}
	if l.Augenrules == "" {
		p.File, p.Generated = l.RulesFile, rendered
		return p, nil
	}
	p.File = filepath.Join(l.RulesDir, OwnedRulesFile)
	p.Backup = filepath.Join(filepath.Dir(l.RulesDir), "auditpack-backup", now.UTC().Format("20060102T150405Z"))
	files, err := l.rulesFiles()
	if err != nil {
		return nil, err
	}
	for name, data := range files {
		if len(augen.RuleLines(string(data))) > 0 {
			p.Moved = append(p.Moved, name)
			delete(files, name)
		}
	}
	slices.Sort(p.Moved)
	files[OwnedRulesFile] = rendered
	if p.Generated, err = l.generate(files); err != nil {
		return nil, err
	}
	if diff := sameLoad(p.Generated, rendered, t); diff != "" {
		return nil, fmt.Errorf("%s would not load what is applied from this layout (%s); nothing is written: use --persist FILE", l, diff)
	}
	return p, nil
}

// sameLoad compares what two rules files load, as auditctl -R loads them:
// the kernel rules in evaluation order and the settings. It returns the
// first difference, or "".
func sameLoad(a, b []byte, t *model.Target) string {
	desired := func(data []byte) (*Desired, error) {
		f := packs.ParseFile("audit.rules", "audit.rules", nil, data)
		return Prepare(compile.Build(&packs.Selection{Files: []*packs.File{f}, AsLoaded: true}, t), t)
	}
	da, err := desired(a)
	if err != nil {
		return "the loader's file does not load: " + err.Error()
	}
	db, err := desired(b)
	if err != nil {
		return "the applied set does not load: " + err.Error()
	}
	for i := range max(len(da.Rules), len(db.Rules)) {
		switch {
		case i >= len(da.Rules):
			return "the loader leaves out " + db.Rules[i].Text
		case i >= len(db.Rules):
			return "the loader adds " + da.Rules[i].Text
		case !bytes.Equal(da.Rules[i].Wire, db.Rules[i].Wire):
			return fmt.Sprintf("rule %d is %s, not %s", i+1, da.Rules[i].Text, db.Rules[i].Text)
		}
	}
	if !slices.Equal(da.Settings, db.Settings) {
		return fmt.Sprintf("settings %v, not %v", da.Settings, db.Settings)
	}
	return ""
}

// Commit writes the plan: the owned file, the moved files into the backup
// directory, and the loader's audit.rules, each atomically; undo puts
// everything back as it was.
func (p *BootPlan) Commit() (undo func() error, err error) {
	l := p.Loader
	if err := l.mayWrite(); err != nil {
		return nil, err
	}
	var undos []func() error
	undo = func() error {
		var errs []error
		for i := len(undos) - 1; i >= 0; i-- {
			errs = append(errs, undos[i]())
		}
		return errors.Join(errs...)
	}
	fail := func(err error) (func() error, error) {
		return nil, errors.Join(err, undo())
	}
	if len(p.Moved) > 0 {
		backup := l.at(p.Backup)
		if err := os.MkdirAll(backup, 0o700); err != nil {
			return fail(err)
		}
		undos = append(undos, func() error { return os.RemoveAll(backup) })
		manifest := fmt.Sprintf("Moved here by auditpack apply --persist auto from %s; auditpack restore %s puts them back.\n", l.RulesDir, p.Backup)
		if err := os.WriteFile(filepath.Join(backup, restoreManifest), []byte(manifest), 0o600); err != nil {
			return fail(err)
		}
		for _, name := range p.Moved {
			from, to := l.at(filepath.Join(l.RulesDir, name)), filepath.Join(backup, name)
			if err := os.Rename(from, to); err != nil {
				return fail(err)
			}
			undos = append(undos, func() error { return os.Rename(to, from) })
		}
	}
	writes := []struct {
		path string
		data []byte
	}{{p.File, p.rendered}}
	if l.Augenrules != "" {
		writes = append(writes, struct {
			path string
			data []byte
		}{l.RulesFile, p.Generated})
	}
	for _, w := range writes {
		u, err := persist(l.at(w.path), w.data)
		if err != nil {
			return fail(err)
		}
		undos = append(undos, u)
	}
	return undo, nil
}

// changes says whether committing the plan changes the host's files:
// rules.d files to move aside, or a file whose content differs.
func (p *BootPlan) changes() bool {
	l := p.Loader
	return len(p.Moved) > 0 || differs(l.at(p.File), p.rendered) || l.Augenrules != "" && differs(l.at(l.RulesFile), p.Generated)
}

// Describe says what the plan does, for apply's output.
func (p *BootPlan) Describe() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s loads %s", p.Loader, p.File)
	if len(p.Moved) > 0 {
		fmt.Fprintf(&b, "; %s (%s) moved to %s, auditpack restore %s puts them back", text.Count(len(p.Moved), "other rules.d file"), strings.Join(p.Moved, " "), p.Backup, p.Backup)
	}
	if p.Loader.Augenrules != "" {
		fmt.Fprintf(&b, "; checked: %s generates exactly the applied rules and settings from it", filepath.Base(p.Loader.Augenrules))
	}
	return b.String()
}

// RestoreBoot moves the files of a backup apply --persist auto made back
// into the rules.d they came from and removes auditpack's own file; the
// kernel is not touched. It returns the files restored.
func RestoreBoot(l *Loader, backup string) ([]string, error) {
	if err := l.mayWrite(); err != nil {
		return nil, err
	}
	dir := l.at(backup)
	manifest, err := os.ReadFile(filepath.Join(dir, restoreManifest))
	if err != nil {
		return nil, fmt.Errorf("%s is not a backup of apply --persist auto (no %s in it): %w", backup, restoreManifest, err)
	}
	if !strings.Contains(string(manifest), " from "+l.RulesDir+";") {
		return nil, fmt.Errorf("%s holds files of another rules.d than %s: %s", backup, l.RulesDir, strings.TrimSpace(string(manifest)))
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var restored []string
	for _, e := range entries {
		if e.Name() == restoreManifest {
			continue
		}
		to := l.at(filepath.Join(l.RulesDir, e.Name()))
		if _, err := os.Lstat(to); err == nil {
			return restored, fmt.Errorf("%s exists again; move it away or delete it, then restore", filepath.Join(l.RulesDir, e.Name()))
		}
		if err := os.Rename(filepath.Join(dir, e.Name()), to); err != nil {
			return restored, err
		}
		restored = append(restored, e.Name())
	}
	if err := os.Remove(l.at(filepath.Join(l.RulesDir, OwnedRulesFile))); err != nil && !errors.Is(err, os.ErrNotExist) {
		return restored, err
	}
	if err := os.RemoveAll(dir); err != nil {
		return restored, err
	}
	if l.Augenrules != "" {
		if _, err := augen.Generate(l.Augenrules, l.at(filepath.Dir(l.RulesDir))); err != nil {
			return restored, err
		}
	}
	return restored, nil
}

// ErrHostBootInTests refuses a test binary writing this machine's own
// boot configuration: tests give a scratch Root.
var ErrHostBootInTests = errors.New("refused in a test binary: this would change how this machine boots; give a scratch Root")

func (l *Loader) mayWrite() error {
	if inTestBinary() && filepath.Clean(l.Root) == "/" {
		return ErrHostBootInTests
	}
	return nil
}

// differs says whether writing data to path changes it.
func differs(path string, data []byte) bool {
	old, err := os.ReadFile(path)
	return err != nil || !bytes.Equal(old, data)
}

// persist writes a rules file for the next boot, keeping the old one as
// FILE.prev; both writes are atomic. undo puts the old file back (or
// removes the new one) when the kernel change is rolled back.
func persist(path string, data []byte) (undo func() error, err error) {
	old, err := os.ReadFile(path)
	switch {
	case err == nil:
		if err := atomicfile.WriteFile(path+".prev", old, compile.RulesFileMode); err != nil {
			return nil, err
		}
		undo = func() error { return atomicfile.WriteFile(path, old, compile.RulesFileMode) }
	case errors.Is(err, os.ErrNotExist):
		undo = func() error { return os.Remove(path) }
	default:
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	return undo, atomicfile.WriteFile(path, data, compile.RulesFileMode)
}
