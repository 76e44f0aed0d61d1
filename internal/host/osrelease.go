package host

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// OS is an operating system release as /etc/os-release names it, and the
// product key the packs and profiles use for it (rhel9, ubuntu2204).
type OS struct {
	ID, VersionID, PrettyName string
	Product                   string
	From                      string // the file read, as the host knows it ("/etc/os-release")
}

// osReleaseFiles are where os-release(5) says to look, in order.
var osReleaseFiles = []string{"/etc/os-release", "/usr/lib/os-release"}

// ReadOS reads the operating system of the host whose files are under
// root ("/" for this machine; a copy of a host in tests).
func ReadOS(root string) (OS, error) {
	for _, name := range osReleaseFiles {
		data, err := os.ReadFile(filepath.Join(root, name))
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return OS{}, fmt.Errorf("read %s: %w", name, err)
		}
		o, err := ParseOSRelease(data, name)
		if err != nil {
			return OS{}, err
		}
		return o, nil
	}
	return OS{}, fmt.Errorf("this host has no %s (nor %s): its operating system is unknown", osReleaseFiles[0], osReleaseFiles[1])
}

// Setting is one "key = value" line of a configuration file such as
// os-release or auditd.conf, with both sides trimmed; OK is false for a
// line without "=".
type Setting struct {
	Line       int
	Key, Value string
	OK         bool
}

// Settings reads the settings of a file of "key = value" lines, leaving
// out blank lines and "#" comments.
func Settings(data []byte) []Setting {
	var out []Setting
	sc := bufio.NewScanner(bytes.NewReader(data))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		key, value, ok := strings.Cut(line, "=")
		if !ok {
			key = line
		}
		out = append(out, Setting{Line: n, Key: strings.TrimSpace(key), Value: strings.TrimSpace(value), OK: ok})
	}
	return out
}

// ParseOSRelease reads an os-release file: KEY=value lines, values
// quoted as in a shell; source names it in messages.
func ParseOSRelease(data []byte, source string) (OS, error) {
	o := OS{From: source}
	for _, s := range Settings(data) {
		key, value := s.Key, s.Value
		if !s.OK {
			return OS{}, fmt.Errorf("%s:%d: %q is not KEY=value", source, s.Line, key)
		}
		if len(value) >= 2 && (value[0] == '"' || value[0] == '\'') && value[len(value)-1] == value[0] {
			if unquoted, err := strconv.Unquote(`"` + value[1:len(value)-1] + `"`); err == nil {
				value = unquoted
			} else {
				value = value[1 : len(value)-1]
			}
		}
		switch key {
		case "ID":
			o.ID = value
		case "VERSION_ID":
			o.VersionID = value
		case "PRETTY_NAME":
			o.PrettyName = value
		}
	}
	if o.ID == "" {
		return OS{}, fmt.Errorf("%s: no ID= line: the operating system is unknown", source)
	}
	o.Product = productKey(o.ID, o.VersionID)
	if o.PrettyName == "" {
		o.PrettyName = strings.TrimSpace(o.ID + " " + o.VersionID)
	}
	return o, nil
}

// productKey names a release the way DISA's and CIS's benchmarks split
// them: by major version where minor releases share one benchmark (RHEL 9,
// SLES 15), by the whole version where they do not (Ubuntu 22.04).
//
// Rocky Linux and AlmaLinux are rebuilds of a RHEL release, package for
// package and path for path, and DISA publishes no STIG of their own:
// they are rhelN, so stig means RHEL's STIG there. Oracle Linux has its
// own DISA STIG (OL08-00-..., other IDs), and CentOS Stream runs ahead of
// the RHEL release it becomes: both keep their own key (ol9, centos9), for
// which no profile is embedded, and a user who wants RHEL's names it.
func productKey(id, versionID string) string {
	major, _, _ := strings.Cut(versionID, ".")
	switch id {
	case "rhel", "rocky", "almalinux":
		return "rhel" + major
	case "sles", "sles_sap", "sled":
		return "sles" + major
	case "amzn":
		return "al" + major
	case "ubuntu":
		return "ubuntu" + strings.ReplaceAll(versionID, ".", "")
	}
	return id + major
}
