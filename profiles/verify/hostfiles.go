package verify

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"

	"github.com/auditpack/auditpack/internal/host"
	"github.com/auditpack/auditpack/packs"
	"github.com/auditpack/auditpack/packs/model"
)

// What a requirement states beyond its rule lines and the kernel command
// line: rules that must not be loaded, auditd.conf settings, and the
// modes, owners and groups of the audit files and tools. The last two are
// the host's: judged under Target.HostRoot, NOT CHECKED without one.

// auditdConfPath is where auditd reads its settings.
const auditdConfPath = "/etc/audit/auditd.conf"

// auditd's defaults for the settings path requirements name.
const (
	defaultLogFile  = "/var/log/audit/audit.log"
	defaultLogGroup = "root"
)

// checkStated judges the requirement's forbidden rules, auditd.conf
// settings and file attributes, and says why where DISA's own fix text
// fails the requirement's lines; it reports whether it could judge them
// all.
func (v *verifier) checkStated(res *ControlResult, r *packs.Requirement) bool {
	if r.FixFails && len(res.Missing) > 0 {
		res.Notes = append(res.Notes, r.FixNote) // a host built from DISA's fix text fails here
	}
	for _, it := range r.Forbidden {
		v.checkForbidden(res, it)
	}
	checked := true
	if len(r.Auditd) > 0 {
		checked = v.checkAuditd(res, r.Auditd) && checked
	}
	if len(r.Paths) > 0 {
		checked = v.checkPaths(res, r.Paths) && checked
	}
	return checked
}

// checkForbidden fails a control whose target loads a rule the standard
// forbids (the same rule to the kernel, however it is written).
func (v *verifier) checkForbidden(res *ControlResult, it *model.Line) {
	bad := model.Normalize(it, v.opts.Machine)
	if bad == nil {
		return
	}
	found := false
	for _, r := range v.eval {
		if r.Identity() == bad.Identity() {
			found = true
			res.Missing = append(res.Missing, fmt.Sprintf("remove %s: it loads %s, which the standard forbids", r.Item.Origin.Describe(), strings.TrimSpace(it.Text)))
		}
	}
	if !found {
		res.Evidence = append(res.Evidence, Evidence{Origin: model.Origin{File: v.target.Name}, Setting: "no " + strings.TrimSpace(it.Text)})
	}
}

// hostFiles are the host's auditd.conf and user and group names, read
// once per verify.
type hostFiles struct {
	conf    map[string]confLine // keyword (lowercase) -> its last line
	confErr error
	users   map[uint32]string
	groups  map[uint32]string
}

type confLine struct {
	value string
	line  int
}

func (v *verifier) hostFiles() *hostFiles {
	if v.host == nil {
		root := v.target.HostRoot
		h := &hostFiles{}
		h.conf, h.confErr = readAuditdConf(filepath.Join(root, auditdConfPath))
		h.users = readIDNames(filepath.Join(root, "/etc/passwd"))
		h.groups = readIDNames(filepath.Join(root, "/etc/group"))
		v.host = h
	}
	return v.host
}

// readAuditdConf reads auditd.conf as auditd does: "keyword = value"
// lines, keywords without case, '#' comments, the last line of a keyword
// winning; a line without "=" (auditd refuses to start on it) is no
// setting.
func readAuditdConf(file string) (map[string]confLine, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	conf := map[string]confLine{}
	for _, s := range host.Settings(data) {
		if s.OK {
			conf[strings.ToLower(s.Key)] = confLine{s.Value, s.Line}
		}
	}
	return conf, nil
}

// readIDNames reads the names of a passwd or group file by ID.
func readIDNames(file string) map[uint32]string {
	names := map[uint32]string{0: "root"}
	data, err := os.ReadFile(file)
	if err != nil {
		return names
	}
	for _, l := range strings.Split(string(data), "\n") {
		fields := strings.Split(l, ":")
		if len(fields) < 3 {
			continue
		}
		if id, err := strconv.ParseUint(fields[2], 10, 32); err == nil {
			names[uint32(id)] = fields[0]
		}
	}
	return names
}

// setting is auditd.conf's value of a keyword, or its default where
// auditd has one that requirements rely on (the log's place and group).
func (h *hostFiles) setting(key string) string {
	if l, ok := h.conf[key]; ok {
		return l.value
	}
	switch key {
	case "log_file":
		return defaultLogFile
	case "log_group":
		return defaultLogGroup
	}
	return ""
}

// checkAuditd judges auditd.conf settings; it reports whether it could
// read them.
func (v *verifier) checkAuditd(res *ControlResult, settings []packs.AuditdSetting) bool {
	if v.target.HostRoot == "" {
		res.Notes = append(res.Notes, auditdConfPath+" is the host's; verify --kernel (or --rules FILE --host) reads it")
		return false
	}
	h := v.hostFiles()
	switch {
	case errors.Is(h.confErr, fs.ErrNotExist):
		for _, s := range settings {
			res.Missing = append(res.Missing, fmt.Sprintf("write %q in %s (the host has no %s: install auditd)", s.Key+" = "+s.Example(), auditdConfPath, auditdConfPath))
		}
		return true
	case h.confErr != nil:
		res.Notes = append(res.Notes, fmt.Sprintf("cannot read %s: %v", auditdConfPath, unwrap(h.confErr)))
		return false
	}
	checked := true
	for _, s := range settings {
		l, ok := h.conf[s.Key]
		if !ok {
			res.Missing = append(res.Missing, fmt.Sprintf("add %q to %s (%s is not set; the standard accepts %s)", s.Key+" = "+s.Example(), auditdConfPath, s.Key, s))
			continue
		}
		met, known := s.Judge(l.value)
		where := fmt.Sprintf("%s:%d", auditdConfPath, l.line)
		switch {
		case !known:
			checked = false
			res.Notes = append(res.Notes, fmt.Sprintf("%s %s = %s is a size in megabytes; the standard asks %s of the audit log's file system, whose size verify does not read (write %s to let auditd compute it)", where, s.Key, l.value, s, s.Key+" = "+s.Example()))
		case met:
			res.Evidence = append(res.Evidence, Evidence{Origin: model.Origin{File: auditdConfPath, Line: l.line}, Setting: where + ": " + s.Key + " = " + l.value})
		default:
			res.Missing = append(res.Missing, fmt.Sprintf("set %q in %s (it is %q; the standard accepts %s) and restart auditd", s.Key+" = "+s.Example(), where, l.value, s))
		}
	}
	return checked
}

// checkPaths judges the modes, owners and groups of the host's files; it
// reports whether any file the requirement names exists to judge.
func (v *verifier) checkPaths(res *ControlResult, attrs []packs.PathAttr) bool {
	root := v.target.HostRoot
	if root == "" {
		var names []string
		for _, a := range attrs {
			names = append(names, a.Path)
		}
		res.Notes = append(res.Notes, fmt.Sprintf("modes and owners of %s are the host's; verify --kernel (or --rules FILE --host) reads them", strings.Join(names, ", ")))
		return false
	}
	h := v.hostFiles()
	logFile := h.setting("log_file")
	refs := strings.NewReplacer("${log_file}", logFile, "${log_dir}", path.Dir(logFile), "${log_group}", h.setting("log_group"))
	found := 0
	var absent []string
	for _, a := range attrs {
		pattern := refs.Replace(a.Path)
		matches, _ := filepath.Glob(filepath.Join(root, pattern)) // the patterns are the pack's, checked by its tests
		judged := 0
		for _, m := range matches {
			info, err := os.Lstat(m)
			if err != nil || !info.Mode().IsRegular() && !info.IsDir() {
				continue // a link's own mode means nothing
			}
			judged++
			shown := "/" + strings.TrimPrefix(filepath.ToSlash(m), strings.TrimSuffix(filepath.ToSlash(root), "/")+"/")
			v.judgePath(res, a, shown, info, h, refs)
		}
		if judged == 0 {
			absent = append(absent, pattern)
		}
		found += judged
	}
	if found == 0 {
		res.Notes = append(res.Notes, "none of "+strings.Join(absent, ", ")+" exists on this host")
		return false
	}
	return true
}

// judgePath compares one file with what the requirement asks of it.
func (v *verifier) judgePath(res *ControlResult, a packs.PathAttr, shown string, info fs.FileInfo, h *hostFiles, refs *strings.Replacer) {
	var have []string
	failed := false
	if a.HasMode {
		allowed := a.Mode
		if a.GroupMode != 0 && h.setting("log_group") != "root" {
			allowed = a.GroupMode
		}
		perm := info.Mode().Perm()
		have = append(have, fmt.Sprintf("mode %04o", perm))
		if extra := perm &^ allowed; extra != 0 {
			failed = true
			res.Missing = append(res.Missing, fmt.Sprintf("chmod %04o %s (mode %04o allows more than %04o)", allowed, shown, perm, allowed))
		}
	}
	uid, gid := owners(info)
	for _, o := range []struct {
		what, command string
		allowed       []string
		names         map[uint32]string
		id            uint32
	}{{"owner", "chown", a.Owners, h.users, uid}, {"group", "chgrp", a.Groups, h.groups, gid}} {
		if len(o.allowed) == 0 {
			continue
		}
		name := idName(o.names, o.id)
		have = append(have, o.what+" "+name)
		if !nameIn(name, o.allowed, refs) {
			failed = true
			res.Missing = append(res.Missing, fmt.Sprintf("%s %s %s (%s is %s)", o.command, refs.Replace(o.allowed[0]), shown, o.what, name))
		}
	}
	if !failed {
		res.Evidence = append(res.Evidence, Evidence{Origin: model.Origin{File: shown}, Setting: shown + ": " + strings.Join(have, ", ")})
	}
}

func owners(info fs.FileInfo) (uid, gid uint32) {
	if st, ok := info.Sys().(*syscall.Stat_t); ok {
		return st.Uid, st.Gid
	}
	return 0, 0
}

func idName(names map[uint32]string, id uint32) string {
	if n, ok := names[id]; ok {
		return n
	}
	return strconv.FormatUint(uint64(id), 10)
}

func nameIn(name string, allowed []string, refs *strings.Replacer) bool {
	for _, a := range allowed {
		if refs.Replace(a) == name {
			return true
		}
	}
	return false
}

func unwrap(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
