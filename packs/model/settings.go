package model

// Setting is a value of the kernel's audit status that a control line
// sets: the one table of them apply, verify and the reports share.
type Setting uint8

// The kernel's settings, in the order the status lists them.
const (
	SettingEnabled Setting = iota + 1
	SettingFailure
	SettingBacklogLimit
	SettingRateLimit
	SettingBacklogWaitTime
	SettingLoginuidImmutable
)

// settings are each setting's status name and the control option that
// sets it.
var settings = [...]struct {
	name   string
	option Option
}{
	SettingEnabled:           {"enabled", OptEnabled},
	SettingFailure:           {"failure", OptFailure},
	SettingBacklogLimit:      {"backlog_limit", OptBacklogLimit},
	SettingRateLimit:         {"rate_limit", OptRateLimit},
	SettingBacklogWaitTime:   {"backlog_wait_time", OptBacklogWaitTime},
	SettingLoginuidImmutable: {"loginuid_immutable", OptLoginuidImmutable},
}

// Settings lists every setting, in the status's order.
func Settings() []Setting {
	out := make([]Setting, 0, len(settings)-1)
	for s := SettingEnabled; int(s) < len(settings); s++ {
		out = append(out, s)
	}
	return out
}

// String is the status field's name ("backlog_limit").
func (s Setting) String() string { return settings[s].name }

// Option is the control option that sets it (-b).
func (s Setting) Option() Option { return settings[s].option }

// AtLeast says whether a standard's value for the setting is a floor (a
// larger backlog or wait meets it), not a value to match.
func (s Setting) AtLeast() bool { return s == SettingBacklogLimit || s == SettingBacklogWaitTime }

// Irreversible says whether setting it to v cannot be undone until reboot
// (-e 2, --loginuid-immutable) or panics the machine (-f 2).
func (s Setting) Irreversible(v uint32) bool {
	return (s == SettingEnabled || s == SettingFailure) && v == 2 || s == SettingLoginuidImmutable
}

// Setting is what a control line sets the kernel's status to, as the
// kernel holds it (-b 010 is 8, --loginuid-immutable is 1); ok is false
// for a line that sets none (-D, -c, -i) or a value auditctl refuses.
func (d Directive) Setting() (s Setting, value uint32, ok bool) {
	for s := SettingEnabled; int(s) < len(settings); s++ {
		if settings[s].option != d.Option {
			continue
		}
		if s == SettingLoginuidImmutable {
			return s, 1, true
		}
		if p := d.Problem(); p != nil && !p.Loads {
			return 0, 0, false
		}
		v, _, ok := d.number() // -e and -f are 0, 1 or 2 by then
		return s, v, ok
	}
	return 0, 0, false
}
