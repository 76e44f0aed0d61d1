package report

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/auditpack/auditpack/internal/text"
	"github.com/auditpack/auditpack/internal/udiff"
)

// Apply is what apply found and did.
type Apply struct {
	// Old and New are the kernel's rules and the compiled ones, spelled as
	// auditctl -l spells them; Added and Removed the rules only one has.
	Old, New, Added, Removed []string
	// The kernel operations: rules added and deleted (a moved rule is
	// one of each), rules moved, and rules kept in place.
	Adds, Deletes, Moved, Kept int
	Settings                   []SettingChange
	Locked                     bool // the kernel is immutable (enabled 2): nothing could change
	Applied                    bool // the kernel was changed
	// Gap is how long the longest moved rule was absent from the kernel.
	Gap       time.Duration
	Persisted string
	// FilesChange: persisting changes (with --dry-run: would change) files
	// of the host.
	FilesChange bool
	Boot        string // how the host loads rules at boot
	// Refused are the lines the preflight found the kernel or the loader
	// would refuse (errors) or only this host's loader refuses (warnings).
	Refused []Diagnostic
	// Error is why the apply stopped, if it did.
	Error string
	// Unfinished says an earlier apply died half way.
	Unfinished string
}

// SettingChange is a status value that differs.
type SettingChange struct {
	Name           string
	Kernel, Wanted uint32
}

// Changed reports whether kernel and compiled set differ.
func (a *Apply) Changed() bool { return a.Adds+a.Deletes > 0 || len(a.Settings) > 0 }

// WriteApplyText prints a unified diff of the kernel's rules (left) and the
// compiled ones (right), the settings that differ, and what was done.
func WriteApplyText(w io.Writer, a *Apply, color bool) error {
	paint := func(code, s string) string {
		if !color {
			return s
		}
		return "\x1b[" + code + "m" + s + "\x1b[0m"
	}
	var b strings.Builder
	b.WriteString(udiff.Unified("kernel", "compiled", lines(a.Old), lines(a.New), paint))
	if len(a.Settings) > 0 {
		b.WriteString(paint("1", "settings:") + "\n")
		for _, s := range a.Settings {
			if s.Name != "loginuid_immutable" {
				b.WriteString(paint("31", fmt.Sprintf("-%s %d", s.Name, s.Kernel)) + "\n")
			}
			b.WriteString(paint("32", fmt.Sprintf("+%s %d", s.Name, s.Wanted)) + "\n")
		}
	}
	b.WriteString(ApplySummary(a) + "\n")
	if a.Boot != "" {
		b.WriteString("boot: " + a.Boot + "\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func lines(rules []string) string {
	if len(rules) == 0 {
		return ""
	}
	return strings.Join(rules, "\n") + "\n"
}

// ApplySummary says in one line what differs and what was done.
func ApplySummary(a *Apply) string {
	added, removed := a.Adds-a.Moved, a.Deletes-a.Moved
	var s string
	switch {
	case a.Applied:
		s = fmt.Sprintf("applied: added %s, deleted %d, moved %d, kept %d; changed %s", text.Count(added, "rule"), removed, a.Moved, a.Kept, text.Count(len(a.Settings), "setting"))
		if a.Moved > 0 {
			s += fmt.Sprintf("; moved rules were absent for at most %s", a.Gap)
		}
	case !a.Changed():
		s = fmt.Sprintf("the kernel already has this rule set (%s)", text.Count(a.Kept, "rule"))
	default:
		s = fmt.Sprintf("%s to add, %d to delete, %d to move, %d unchanged; %s to change", text.Count(added, "rule"), removed, a.Moved, a.Kept, text.Count(len(a.Settings), "setting"))
	}
	if a.Locked {
		s += "; the kernel is locked (enabled 2): a reboot is needed to change anything"
	}
	if a.Persisted != "" {
		s += "; wrote " + a.Persisted
	}
	return s
}

type jsonSetting struct {
	Kernel   *uint32 `json:"kernel"`
	Compiled uint32  `json:"compiled"`
}

// jsonSettings spells the settings that differ by name; loginuid
// immutability has no kernel value to show.
func jsonSettings(changes []SettingChange) map[string]jsonSetting {
	out := map[string]jsonSetting{}
	for _, s := range changes {
		js := jsonSetting{Compiled: s.Wanted}
		if s.Name != "loginuid_immutable" {
			v := s.Kernel
			js.Kernel = &v
		}
		out[s.Name] = js
	}
	return out
}

// WriteApplyJSON prints {"changed","added","removed","settings",...}.
func WriteApplyJSON(w io.Writer, a *Apply) error {
	out := struct {
		Changed     bool                   `json:"changed"`
		Added       []string               `json:"added"`
		Removed     []string               `json:"removed"`
		Moved       int                    `json:"moved"`
		Unchanged   int                    `json:"unchanged"`
		Settings    map[string]jsonSetting `json:"settings"`
		Locked      bool                   `json:"locked"`
		Applied     bool                   `json:"applied"`
		Persisted   string                 `json:"persisted,omitempty"`
		FilesChange bool                   `json:"files_change,omitempty"`
		Boot        string                 `json:"boot,omitempty"`
		Refused     []jsonDiagnostic       `json:"refused,omitempty"`
		Error       string                 `json:"error,omitempty"`
		Unfinished  string                 `json:"unfinished,omitempty"`
	}{Unfinished: a.Unfinished, Changed: a.Changed(), Added: append([]string{}, a.Added...), Removed: append([]string{}, a.Removed...), Moved: a.Moved, Unchanged: a.Kept,
		Settings: map[string]jsonSetting{}, Locked: a.Locked, Applied: a.Applied, Persisted: a.Persisted, FilesChange: a.FilesChange, Boot: a.Boot, Error: a.Error}
	if len(a.Refused) > 0 {
		out.Refused = jsonDiagnostics(a.Refused)
	}
	out.Settings = jsonSettings(a.Settings)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(out)
}
