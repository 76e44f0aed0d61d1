package packs

import (
	"fmt"
	"io/fs"
	"regexp"
	"strconv"
	"strings"
)

// The requirements a standard states of the host outside its audit rules:
// auditd.conf settings, and the modes, owners and groups of files.

// AuditdSetting is an auditd.conf keyword and the values a standard
// accepts for it, written "key = A|B" (any of them, as auditd compares
// them: without case), "key = 1..100", "key >= 25%", "key >= 100", or
// "key = *" (set, to any value: the standard leaves it to the site).
type AuditdSetting struct {
	Key     string
	Values  []string // any of these
	Any     bool
	Min     int64 // with AtLeast or Range
	Max     int64 // with Range
	AtLeast bool
	Range   bool
	Percent bool // Min is a share of the log's file system ("25%")
}

var auditdSetting = regexp.MustCompile(`^([a-z_]+) (=|>=) (\S+)$`)

// parseAuditdSetting reads one "key = value" requirement.
func parseAuditdSetting(s string) (AuditdSetting, error) {
	m := auditdSetting.FindStringSubmatch(s)
	if m == nil {
		return AuditdSetting{}, fmt.Errorf("auditd %q must be \"key = A|B\", \"key = MIN..MAX\", \"key >= N\", \"key >= N%%\" or \"key = *\"", s)
	}
	a := AuditdSetting{Key: m[1]}
	value := m[3]
	bad := fmt.Errorf("auditd %q: %q is not a number", s, value)
	switch {
	case m[2] == ">=":
		a.AtLeast = true
		digits, percent := strings.CutSuffix(value, "%")
		n, err := strconv.ParseInt(digits, 10, 64)
		if err != nil {
			return AuditdSetting{}, bad
		}
		a.Min, a.Percent = n, percent
	case value == "*":
		a.Any = true
	case strings.Contains(value, ".."):
		lo, hi, _ := strings.Cut(value, "..")
		min, err1 := strconv.ParseInt(lo, 10, 64)
		max, err2 := strconv.ParseInt(hi, 10, 64)
		if err1 != nil || err2 != nil || min > max {
			return AuditdSetting{}, fmt.Errorf("auditd %q: %q is not a range MIN..MAX", s, value)
		}
		a.Range, a.Min, a.Max = true, min, max
	default:
		a.Values = strings.Split(value, "|")
	}
	return a, nil
}

func (a AuditdSetting) String() string {
	switch {
	case a.Any:
		return a.Key + " = *"
	case a.Range:
		return fmt.Sprintf("%s = %d..%d", a.Key, a.Min, a.Max)
	case a.AtLeast && a.Percent:
		return fmt.Sprintf("%s >= %d%%", a.Key, a.Min)
	case a.AtLeast:
		return fmt.Sprintf("%s >= %d", a.Key, a.Min)
	}
	return a.Key + " = " + strings.Join(a.Values, "|")
}

// Example is a value that meets the setting, for the line to write.
func (a AuditdSetting) Example() string {
	switch {
	case a.Any:
		return "root"
	case a.Range:
		return strconv.FormatInt(a.Max, 10)
	case a.AtLeast && a.Percent:
		return strconv.FormatInt(a.Min, 10) + "%"
	case a.AtLeast:
		return strconv.FormatInt(a.Min, 10)
	}
	return a.Values[0]
}

// Judge says whether a value set in auditd.conf meets the setting; known
// is false where it cannot tell: a share of the log's file system given
// as a size in megabytes.
func (a AuditdSetting) Judge(have string) (met, known bool) {
	switch {
	case a.Any:
		return have != "", true
	case a.AtLeast && a.Percent:
		digits, percent := strings.CutSuffix(have, "%")
		n, err := strconv.ParseInt(digits, 10, 64)
		if !percent {
			return false, err != nil // megabytes: the size of the volume decides
		}
		return err == nil && n >= a.Min, true
	case a.AtLeast || a.Range:
		n, err := strconv.ParseInt(have, 10, 64)
		return err == nil && n >= a.Min && (!a.Range || n <= a.Max), true
	}
	for _, v := range a.Values {
		if strings.EqualFold(v, have) {
			return true, true
		}
	}
	return false, true
}

// PathAttr is what a standard asks of a file or directory: its most
// permissive mode, its owner and its group (any of several). Path may be
// a shell pattern and name the audit log through auditd.conf: ${log_file},
// ${log_dir}; an owner or group may be ${log_group}, auditd.conf's.
type PathAttr struct {
	Path    string
	Mode    fs.FileMode
	HasMode bool
	// GroupMode is the most permissive mode where auditd.conf's log_group
	// is another group than root (0 when the same as Mode).
	GroupMode fs.FileMode
	Owners    []string
	Groups    []string
}

var pathRef = regexp.MustCompile(`\$\{([a-z_]+)\}`)

func parsePathAttr(path, mode, groupMode, owner, group string) (PathAttr, error) {
	a := PathAttr{Path: path}
	if !strings.HasPrefix(path, "/") && !strings.HasPrefix(path, "${") {
		return a, fmt.Errorf("path %q must be absolute (or start with ${log_file} or ${log_dir})", path)
	}
	for _, ref := range pathRef.FindAllStringSubmatch(path+owner+group, -1) {
		if ref[1] != "log_file" && ref[1] != "log_dir" && ref[1] != "log_group" {
			return a, fmt.Errorf("path %q: ${%s} is none of ${log_file}, ${log_dir}, ${log_group}", path, ref[1])
		}
	}
	octal := func(s string) (fs.FileMode, error) {
		n, err := strconv.ParseUint(s, 8, 12)
		if err != nil {
			return 0, fmt.Errorf("path %s: mode %q must be octal, like \"0600\"", path, s)
		}
		return fs.FileMode(n), nil
	}
	var err error
	if mode != "" {
		if a.Mode, err = octal(mode); err != nil {
			return a, err
		}
		a.HasMode = true
	}
	if groupMode != "" {
		if a.GroupMode, err = octal(groupMode); err != nil {
			return a, err
		}
	}
	if owner != "" {
		a.Owners = strings.Split(owner, "|")
	}
	if group != "" {
		a.Groups = strings.Split(group, "|")
	}
	if !a.HasMode && len(a.Owners) == 0 && len(a.Groups) == 0 {
		return a, fmt.Errorf("path %s: give its mode, owner or group", path)
	}
	return a, nil
}

// String writes the attribute as the requirement states it.
func (a PathAttr) String() string {
	var parts []string
	if a.HasMode {
		parts = append(parts, fmt.Sprintf("mode %04o or stricter", a.Mode))
		if a.GroupMode != 0 {
			parts[0] += fmt.Sprintf(" (%04o with a log_group other than root)", a.GroupMode)
		}
	}
	if len(a.Owners) > 0 {
		parts = append(parts, "owner "+strings.Join(a.Owners, " or "))
	}
	if len(a.Groups) > 0 {
		parts = append(parts, "group "+strings.Join(a.Groups, " or "))
	}
	return a.Path + ": " + strings.Join(parts, ", ")
}
