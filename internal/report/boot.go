package report

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/auditpack/auditpack/internal/text"
	"github.com/auditpack/auditpack/internal/udiff"
)

// Boot states of verify --boot.
const (
	BootSame          = "same"
	BootDrift         = "drift"
	BootRebootPending = "reboot-pending"
)

// Boot is verify --boot's answer: what the next boot loads compared with
// the kernel now.
type Boot struct {
	Status string // BootSame, BootDrift or BootRebootPending
	Loader string
	// Kernel is the kernel against the next boot: Old the kernel's rules,
	// New the boot file's.
	Kernel *Apply
	Error  string
}

func (b *Boot) summary() string {
	a := b.Kernel
	added, removed := a.Adds-a.Moved, a.Deletes-a.Moved
	what := fmt.Sprintf("%s the kernel does not hold, %d it holds left out, %d in another order, %s different", text.Count(added, "rule"), removed, a.Moved, text.Count(len(a.Settings), "setting"))
	switch b.Status {
	case BootRebootPending:
		return "reboot pending: the kernel is locked (enabled 2) and the next boot loads something else (" + what + "); reboot to load it"
	case BootDrift:
		return "drift: the files on disk and the running rules differ; the next boot loads " + what + "; auditpack apply --persist auto writes the running set for the boot, auditpack apply /etc/audit/rules.d loads the files"
	}
	return fmt.Sprintf("the next boot loads what the kernel holds: %s, the same settings", text.Count(len(a.New), "rule"))
}

// WriteBootText prints the loader, a unified diff of the kernel's rules
// (left) and the next boot's (right), the settings that differ, and the
// state.
func WriteBootText(w io.Writer, b *Boot) error {
	var out strings.Builder
	out.WriteString("boot: " + b.Loader + "\n")
	a := b.Kernel
	out.WriteString(udiff.Unified("kernel", "next boot", lines(a.Old), lines(a.New), func(_, s string) string { return s }))
	for _, s := range a.Settings {
		if s.Name != "loginuid_immutable" {
			fmt.Fprintf(&out, "-%s %d\n", s.Name, s.Kernel)
		}
		fmt.Fprintf(&out, "+%s %d\n", s.Name, s.Wanted)
	}
	out.WriteString(b.summary() + "\n")
	_, err := io.WriteString(w, out.String())
	return err
}

// WriteBootJSON prints the answer as one JSON object.
func WriteBootJSON(w io.Writer, b *Boot) error {
	out := struct {
		Status   string                 `json:"status"`
		Loader   string                 `json:"loader"`
		Added    []string               `json:"added"`
		Removed  []string               `json:"removed"`
		Moved    int                    `json:"moved"`
		Settings map[string]jsonSetting `json:"settings"`
		Error    string                 `json:"error,omitempty"`
	}{Status: b.Status, Loader: b.Loader, Added: []string{}, Removed: []string{}, Settings: map[string]jsonSetting{}, Error: b.Error}
	if a := b.Kernel; a != nil {
		out.Added, out.Removed, out.Moved = append(out.Added, a.Added...), append(out.Removed, a.Removed...), a.Moved
		out.Settings = jsonSettings(a.Settings)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(out)
}
