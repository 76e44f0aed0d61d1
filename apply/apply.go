package apply

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/auditpack/auditpack/compile"
	"github.com/auditpack/auditpack/internal/report"
	"github.com/auditpack/auditpack/internal/text"
	"github.com/auditpack/auditpack/lint"
	"github.com/auditpack/auditpack/packs/model"
)

// Options say how to apply.
type Options struct {
	DryRun bool
	// Persist, when set, is the rules file to write for the next boot
	// (atomically, mode 0600, the old one kept as FILE.prev), or
	// PersistAuto: where the host's boot-time loader reads (see PlanBoot).
	Persist string
	// Root is the file system whose boot-time loader --persist auto
	// writes for; empty is "/". Tests give a scratch copy of a host.
	Root string
	boot *BootPlan
	// Rendered is the compiled rules file, written by Persist; Run renders
	// it with Generator (the auditpack version) in its header.
	Rendered  []byte
	Generator string
	// LockPath is the lock file that keeps two applies apart.
	LockPath string
	// OwnedKeys, when set, limits apply to the kernel rules with a key
	// starting with it; other agents' rules stay untouched, in place.
	OwnedKeys string
	// Interrupt delivers the signals that stop an apply: it stops before
	// its next kernel operation and restores the previous rules and
	// settings. Run connects SIGINT, SIGTERM and SIGHUP to it.
	Interrupt <-chan os.Signal
	// Progress, when set, is told after each kernel operation of the
	// change how many of how many are done.
	Progress func(done, total int)
	// afterOp, in tests, runs after kernel operation n (from 1) of the
	// change, so an interruption lands at an exact point on any kernel; it
	// sees the interrupt channel to wait for a signal's delivery.
	afterOp func(n int, interrupt <-chan os.Signal)
}

// DefaultLockPath keeps two applies on one host from interleaving; the
// journal of an apply in progress lies beside it.
const DefaultLockPath = "/run/auditpack/apply.lock"

// Desired is what the compiled rule set asks of the kernel.
type Desired struct {
	Rules    []*Rule   // in evaluation order
	Settings []Setting // in the order to set them; enabled last
	models   map[*Rule]*model.Rule
}

// SettingChange is a status value that differs.
type SettingChange = report.SettingChange

// Result is what an apply found and did.
type Result struct {
	// Unfinished says that an earlier apply changed the kernel and never
	// ended (killed, or the machine stopped): the kernel may have held part
	// of its change; this apply converges from whatever it found.
	Unfinished string
	// Preflight is what Run found the kernel or the loader would refuse.
	Preflight *lint.Result
	Plan      *Plan
	Settings  []SettingChange
	Locked    bool // the kernel is immutable (enabled 2): nothing could change
	Applied   bool // the kernel was changed
	// Gap is how long the longest moved rule was absent from the kernel.
	Gap       time.Duration
	Persisted string
	// FilesChange: persisting changes files of the host (a rules file
	// whose content differs, rules.d files moved aside); with DryRun, it
	// would.
	FilesChange bool
	// Boot says how this host loads its rules at boot, and with --persist
	// auto what was written for it.
	Boot string
	// Warnings are what the user should know that stopped nothing.
	Warnings []string
}

// Changed reports whether kernel and compiled set differ.
func (r *Result) Changed() bool { return r.Plan.Changed() || len(r.Settings) > 0 }

// Prepare builds the kernel form of a compiled rule set on this machine.
// It returns every line the kernel would refuse to build, not just the
// first.
func Prepare(c *compile.Compiled, t *model.Target) (*Desired, error) {
	d := &Desired{models: map[*Rule]*model.Rule{}}
	var problems []string
	last := map[model.Setting]uint32{}
	for _, it := range c.Items {
		if s, v, ok := it.Directive.Setting(); ok && it.Refused == nil {
			last[s] = v
		}
	}
	built := map[*model.Rule]*Rule{}
	for _, m := range c.Rules(t) {
		r, err := Build(m.Item, m, t)
		if err != nil {
			problems = append(problems, err.Error())
			continue
		}
		d.models[r], built[m] = m, r
	}
	if len(problems) > 0 {
		return nil, &PreflightError{Problems: problems}
	}
	for _, m := range model.EvalOrder(c.Rules(t)) {
		d.Rules = append(d.Rules, built[m])
	}
	// -e goes last: once it is 2, the kernel takes no other change.
	for _, s := range append(model.Settings()[1:], model.SettingEnabled) {
		if v, ok := last[s]; ok {
			d.Settings = append(d.Settings, Setting{Name: s, Value: v})
		}
	}
	return d, nil
}

// PreflightError lists everything the kernel would refuse; nothing was
// changed.
type PreflightError struct{ Problems []string }

func (e *PreflightError) Error() string {
	return fmt.Sprintf("the kernel would refuse %s, nothing was changed:\n%s", text.Count(len(e.Problems), "line"), strings.Join(e.Problems, "\n"))
}

// overlaps says whether two desired rules can match the same event; rules
// without a model (the kernel's own, when rolling back) are assumed to.
func (d *Desired) overlaps(a, b *Rule) bool {
	ma, mb := d.models[a], d.models[b]
	if ma == nil || mb == nil {
		return true
	}
	return model.Overlaps(ma, mb) || model.Overlaps(mb, ma)
}

// ErrLocked means the kernel's configuration is immutable until reboot.
var ErrLocked = errors.New("the kernel's audit configuration is locked (enabled 2): nothing can change until the next reboot")

// Apply compares the kernel with the desired rules and settings and, unless
// DryRun, changes it: only the difference, rolled back entirely on any
// failure, -e last.
func Apply(k Kernel, d *Desired, t *model.Target, opts Options) (*Result, error) {
	res := &Result{}
	journal := journalPath(opts.LockPath)
	if !opts.DryRun {
		unlock, err := lock(opts.LockPath)
		if err != nil {
			return res, err
		}
		defer unlock()
	}
	res.Unfinished = readJournal(journal)
	switch {
	case opts.boot != nil:
		res.FilesChange = opts.boot.changes()
	case opts.Persist != "":
		res.FilesChange = differs(opts.Persist, opts.Rendered)
	}
	unpersist := func() error { return nil }
	switch {
	case opts.DryRun:
	case opts.boot != nil:
		undo, err := opts.boot.Commit()
		if err != nil {
			return res, err
		}
		unpersist, res.Persisted = undo, opts.boot.File
	case opts.Persist != "":
		undo, err := persist(opts.Persist, opts.Rendered)
		if err != nil {
			return res, err
		}
		unpersist, res.Persisted = undo, opts.Persist
	}
	status, err := k.Status()
	if err != nil {
		return res, err
	}
	old, err := kernelRules(k, t)
	if err != nil {
		return res, err
	}
	if opts.OwnedKeys != "" {
		if err := d.ownedBy(opts.OwnedKeys); err != nil {
			return res, err
		}
		old = owned(old, opts.OwnedKeys)
	}
	res.Plan = MakePlan(old, d.Rules, d.overlaps)
	res.Settings = settingChanges(status, d.Settings)
	if status.Enabled == 2 {
		res.Locked = true
		if res.Changed() && !opts.DryRun {
			return res, ErrLocked
		}
		return res, nil
	}
	if opts.DryRun {
		return res, nil
	}
	if !res.Changed() {
		return res, clearJournal(journal)
	}
	if err := writeJournal(journal); err != nil {
		return res, err
	}
	if err := execute(k, res, d.Settings, opts); err != nil {
		rollbackErr := errors.Join(restore(k, t, old, status), unpersist())
		if rollbackErr != nil {
			return res, fmt.Errorf("%w; restoring the previous rules failed too: %v", err, rollbackErr)
		}
		res.Persisted, res.FilesChange = "", false
		what := "rules and settings are"
		if opts.Persist != "" {
			what = "rules, settings and " + opts.Persist + " are"
		}
		return res, errors.Join(fmt.Errorf("%w; the previous %s restored", err, what), clearJournal(journal))
	}
	res.Applied = true
	return res, clearJournal(journal)
}

// owned keeps the rules with a key that starts with prefix.
func owned(rules []*Rule, prefix string) []*Rule {
	var out []*Rule
	for _, r := range rules {
		if hasKeyPrefix(r.Keys, prefix) {
			out = append(out, r)
		}
	}
	return out
}

func hasKeyPrefix(keys []string, prefix string) bool {
	for _, k := range keys {
		if strings.HasPrefix(k, prefix) {
			return true
		}
	}
	return false
}

// ownedBy checks that every desired rule carries an owned key: a rule
// without one could never be told apart from another agent's.
func (d *Desired) ownedBy(prefix string) error {
	var problems []string
	for _, r := range d.Rules {
		if !hasKeyPrefix(r.Keys, prefix) {
			problems = append(problems, fmt.Sprintf("%s: %s has no key starting with %q; with --owned-keys every rule must carry one", r.Item.Origin.Describe(), r.Text, prefix))
		}
	}
	if len(problems) > 0 {
		return &UnownedError{Prefix: prefix, Problems: problems}
	}
	return nil
}

// UnownedError lists the rules without a key of the owned prefix; nothing
// was changed.
type UnownedError struct {
	Prefix   string
	Problems []string
}

func (e *UnownedError) Error() string {
	return fmt.Sprintf("--owned-keys %s: %s without a key starting with %q, so apply could not tell them from other agents' rules; add the key to them (nothing was changed):\n%s",
		e.Prefix, text.Count(len(e.Problems), "rule"), e.Prefix, strings.Join(e.Problems, "\n"))
}

func kernelRules(k Kernel, t *model.Target) ([]*Rule, error) {
	raw, err := k.Rules()
	if err != nil {
		return nil, err
	}
	rules := make([]*Rule, 0, len(raw))
	for _, w := range raw {
		r, err := FromKernel(w, t)
		if err != nil {
			return nil, fmt.Errorf("read the kernel's rules: %w", err)
		}
		rules = append(rules, r)
	}
	return rules, nil
}

func statusValue(s Status, name model.Setting) uint32 {
	switch name {
	case model.SettingEnabled:
		return s.Enabled
	case model.SettingFailure:
		return s.Failure
	case model.SettingBacklogLimit:
		return s.BacklogLimit
	case model.SettingRateLimit:
		return s.RateLimit
	case model.SettingBacklogWaitTime:
		return s.BacklogWaitTime
	case model.SettingLoginuidImmutable:
		if s.LoginuidImmutable {
			return 1
		}
	}
	return 0
}

func settingChanges(s Status, wanted []Setting) []SettingChange {
	var out []SettingChange
	for _, w := range wanted {
		if v := statusValue(s, w.Name); v != w.Value {
			out = append(out, SettingChange{Name: w.Name.String(), Kernel: v, Wanted: w.Value})
		}
	}
	return out
}

// InterruptedError is an apply stopped by a signal before its change was
// complete.
type InterruptedError struct {
	Signal      os.Signal
	Done, Total int // kernel operations
}

func (e *InterruptedError) Error() string {
	return fmt.Sprintf("interrupted by a signal (%v) after %d of %d kernel operations", e.Signal, e.Done, e.Total)
}

// execute runs the plan's operations, then the settings (enabled last),
// stopping before the next operation when interrupted.
func execute(k Kernel, res *Result, settings []Setting, opts Options) error {
	changed := map[string]bool{}
	for _, c := range res.Settings {
		changed[c.Name] = true
	}
	total, done := len(res.Plan.Ops)+len(changed), 0
	step := func() error {
		if done > 0 && opts.Progress != nil {
			opts.Progress(done, total)
		}
		if done > 0 && opts.afterOp != nil {
			opts.afterOp(done, opts.Interrupt)
		}
		select {
		case sig := <-opts.Interrupt:
			return &InterruptedError{Signal: sig, Done: done, Total: total}
		default:
		}
		done++
		return nil
	}
	var deletedAt time.Time
	for _, op := range res.Plan.Ops {
		if err := step(); err != nil {
			return err
		}
		if op.Delete {
			if err := k.DeleteRule(op.Rule.Wire); err != nil {
				return fmt.Errorf("delete %s: %w", op.Rule.Text, err)
			}
			deletedAt = time.Now()
			continue
		}
		if err := k.AddRule(op.Rule.Wire, op.Rule.Prepend); err != nil {
			where := ""
			if op.Rule.Item != nil {
				where = op.Rule.Item.Origin.Describe() + ": "
			}
			return fmt.Errorf("%sadd %s: %w", where, op.Rule.Text, err)
		}
		if !deletedAt.IsZero() {
			res.Gap = max(res.Gap, time.Since(deletedAt))
			deletedAt = time.Time{}
		}
	}
	for _, s := range settings {
		if !changed[s.Name.String()] {
			continue
		}
		if err := step(); err != nil {
			return err
		}
		if err := k.Set(s); err != nil {
			return err
		}
	}
	return step() // a signal during the last operation still restores
}

// restore puts back the rules and settings found before a failed apply.
func restore(k Kernel, t *model.Target, old []*Rule, status Status) error {
	now, err := kernelRules(k, t)
	if err != nil {
		return err
	}
	plan := MakePlan(now, old, func(a, b *Rule) bool { return true })
	var errs []error
	for _, op := range plan.Ops {
		var err error
		if op.Delete {
			err = k.DeleteRule(op.Rule.Wire)
		} else {
			err = k.AddRule(op.Rule.Wire, false)
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", op.Rule.Text, err))
		}
	}
	for _, name := range []model.Setting{model.SettingBacklogLimit, model.SettingRateLimit, model.SettingBacklogWaitTime, model.SettingFailure, model.SettingEnabled} {
		if err := k.Set(Setting{Name: name, Value: statusValue(status, name)}); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// lock takes the apply lock, failing at once when another apply holds it.
func lock(path string) (func(), error) {
	if path == "" {
		path = DefaultLockPath
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("create the apply lock's directory: %w", err)
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, fmt.Errorf("open the apply lock %s: %w", path, err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		return nil, fmt.Errorf("another auditpack apply is running (lock %s held)", path)
	}
	return func() { f.Close() }, nil
}
