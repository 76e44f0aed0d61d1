package main

import (
	"path"
	"regexp"
	"slices"
	"strings"
)

// content is what a requirement's check text asks of the audit system,
// in the forms verify judges. A requirement with none is not an audit
// requirement: the rule below is the one place that says which are.
type content struct {
	Lines     []string   // rules and control lines auditctl -l must show
	Forbidden []string   // rules that must not be loaded (-a task,never)
	Cmdline   []string   // kernel parameters: audit=1, audit_backlog_limit>=8192
	Auditd    []string   // auditd.conf settings: "disk_full_action = SYSLOG|SINGLE|HALT"
	Paths     []pathAttr // modes, owners and groups of audit files and tools
}

func (c content) empty() bool {
	return len(c.Lines)+len(c.Forbidden)+len(c.Cmdline)+len(c.Auditd)+len(c.Paths) == 0
}

// pathAttr is what a check text asks of a file or directory: its most
// permissive mode, its owner and group (alternatives joined by "|").
// Paths may be shell patterns and name the audit log through auditd.conf:
// ${log_file}, ${log_dir}.
type pathAttr struct {
	Path, Mode, GroupMode, Owner, Group string
}

// auditContent reads a check text by the rule that selects the audit
// requirements of every manual:
//
//   - rule and control lines (-a, -w, -e, -f, --loginuid-immutable) that
//     the check shows as auditctl -l or the rules files would;
//   - a rule that auditctl -l must not show ("If any results are returned");
//   - audit=1 and audit_backlog_limit on the kernel command line;
//   - auditd.conf keywords and their accepted values, where the check
//     reads auditd.conf and does not go on to look at files or partitions;
//   - modes, owners and groups of audit configuration, logs and tools
//     (stat, ls, find, or SUSE's permissions.local).
//
// Everything else a STIG asks about auditing (the package, the service,
// partition sizes, offloading, AIDE, mail aliases) is not in the audit
// configuration auditpack writes and verifies.
func auditContent(check string) content {
	check = plainSpaces(check)
	var c content
	c.Lines = ruleLines(check)
	c.Forbidden = forbiddenRules(check)
	c.Cmdline = cmdlineParams(check)
	c.Paths = pathAttrs(check)
	if len(c.Paths) == 0 {
		c.Auditd = auditdSettings(check)
	}
	return c
}

var (
	ruleStart     = regexp.MustCompile(`^(?:auditctl\s+)?(?:-[aAw]\s|-[ef]\s*[0-2]\s*$|--loginuid-immutable\s*$)`)
	spaces        = regexp.MustCompile(`\s+`)
	forbiddenGrep = regexp.MustCompile(`auditctl -l \| grep (?:-i )?"(a [a-z]+,[a-z]+)"`)
	ifSentence    = regexp.MustCompile(`(?m)^\s*If [^\n]*`)
)

// plainSpaces reads DISA's no-break spaces (some releases have them
// between the words of commands and rules) as the spaces they stand for.
func plainSpaces(text string) string { return strings.ReplaceAll(text, "\u00a0", " ") }

// ruleLines are a text's lines that are audit rules or control lines, as
// auditctl reads them (runs of spaces are one); "auditctl -w ..." (a fix
// text's command) is the rule it loads.
func ruleLines(text string) []string {
	var out []string
	for _, l := range strings.Split(plainSpaces(text), "\n") {
		l = strings.TrimSpace(l)
		if !ruleStart.MatchString(l) {
			continue
		}
		l = strings.TrimPrefix(spaces.ReplaceAllString(l, " "), "auditctl ")
		out = append(out, l)
	}
	return out
}

func forbiddenRules(check string) []string {
	m := forbiddenGrep.FindStringSubmatch(check)
	if m == nil || !strings.Contains(check, "If any results are returned") {
		return nil
	}
	return []string{"-" + m[1]}
}

var backlogLimit = regexp.MustCompile(`audit_backlog_limit"? (?:is less than|entry does not equal|is not set to) "(\d+)"`)

// cmdlineParams reads the If sentences about audit=1 and
// audit_backlog_limit.
func cmdlineParams(check string) []string {
	var out []string
	for _, s := range ifSentence.FindAllString(check, -1) {
		switch {
		case strings.Contains(s, `"audit=1"`) || regexp.MustCompile(`"audit"(?: entry)? (?:is not set to|does not equal) "1"`).MatchString(s):
			out = append(out, "audit=1")
		case backlogLimit.MatchString(s):
			out = append(out, "audit_backlog_limit>="+backlogLimit.FindStringSubmatch(s)[1])
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

var (
	auditdGrep    = regexp.MustCompile(`grep .*\bauditd\.conf`)
	settingLine   = regexp.MustCompile(`^\s*([a-z_]+)\s*=\s*(\S.*?)\s*$`)
	quoted        = regexp.MustCompile(`"([^"]*)"`)
	betweenValues = regexp.MustCompile(`between "(\d+)" and "(\d+)"`)
	orGreater     = regexp.MustCompile(`"?(\d+)"? or greater`)
	percentWanted = regexp.MustCompile(`(\d+) ?(?:%|percent)`)
	lineClause    = regexp.MustCompile(`,? (?:or (?:if )?)?the (?:line|command|"\w+" keyword)|,? is (?:commented|missing)`)
)

// auditdSettings reads the keywords a check text greps auditd.conf for,
// with the values its If sentence accepts. log_file is read only to find
// the logs.
func auditdSettings(check string) []string {
	if !auditdGrep.MatchString(check) {
		return nil
	}
	var out []string
	seen := map[string]bool{}
	for _, l := range strings.Split(check, "\n") {
		m := settingLine.FindStringSubmatch(l)
		if m == nil || m[1] == "log_file" || seen[m[1]] || !strings.Contains(check, m[1]) {
			continue
		}
		seen[m[1]] = true
		out = append(out, m[1]+" "+acceptedValues(m[1], m[2], check))
	}
	return out
}

// acceptedValues reads what the If sentence about key accepts, as
// "= A|B", "= 1..100", ">= 25%", ">= 100" or "= *" (any value: DISA
// leaves the account to the site); the example value when no sentence
// says more.
func acceptedValues(key, example, check string) string {
	sentence := ""
	for _, s := range ifSentence.FindAllString(check, -1) {
		if strings.Contains(s, `"`+key+`"`) || strings.Contains(s, " "+key+" ") {
			sentence = s
			break
		}
	}
	switch {
	case strings.HasPrefix(example, "<") || strings.Contains(sentence, "and/or other accounts"):
		return "= *"
	case betweenValues.MatchString(sentence):
		m := betweenValues.FindStringSubmatch(sentence)
		return "= " + m[1] + ".." + m[2]
	case key == "space_left" || key == "admin_space_left":
		// A share of the audit volume kept free: more warns earlier.
		if m := percentWanted.FindStringSubmatch(sentence); m != nil {
			return ">= " + m[1] + "%"
		}
	case orGreater.MatchString(sentence):
		return ">= " + orGreater.FindStringSubmatch(sentence)[1]
	}
	var values []string
	if _, after, ok := strings.Cut(sentence, `"`+key+`"`); ok {
		// The accepted values are quoted after the keyword, up to the
		// clause about a missing or commented line.
		if i := lineClause.FindStringIndex(after); i != nil {
			after = after[:i[0]]
		}
		for _, q := range quoted.FindAllStringSubmatch(after, -1) {
			values = append(values, q[1])
		}
	}
	if len(values) == 0 {
		values = []string{example}
	}
	return "= " + strings.Join(values, "|")
}

var (
	statCommand   = regexp.MustCompile(`(?m)^\s*[$#>]\s*(?:sudo\s+)?(?:stat|ls|find)\s[^\n]*`)
	statFormat    = regexp.MustCompile(`-c\s+["']([^"']*)["']`)
	permissions   = regexp.MustCompile(`(?m)^\s*(/\S+)\s+(\w+):(\w+)\s+(0?[0-7]{3,4})\s*$`)
	modeValue     = regexp.MustCompile(`(?:mode|permissions?)\b[^."\n]*?"0?([0-7]{3})"`)
	exampleLog    = regexp.MustCompile(`(?m)^\s*log_file\s*=\s*(\S+)`)
	auditToolName = regexp.MustCompile(`^/(?:usr/)?sbin/(?:au|audispd)`)
)

// pathAttrs reads the files a check text stats, lists or finds, and what
// its sentences ask of them; only the audit system's own files count.
func pathAttrs(check string) []pathAttr {
	var out []pathAttr
	for _, m := range permissions.FindAllStringSubmatch(check, -1) {
		if isAuditPath(m[1]) {
			out = append(out, pathAttr{Path: m[1], Owner: m[2], Group: m[3], Mode: "0" + strings.TrimPrefix(m[4], "0")})
		}
	}
	if len(out) > 0 {
		return out
	}
	logFile := ""
	if m := exampleLog.FindStringSubmatch(check); m != nil {
		logFile = m[1]
	}
	var paths []string
	kinds := map[string]bool{}
	for _, cmd := range statCommand.FindAllString(check, -1) {
		if f := statFormat.FindStringSubmatch(cmd); f != nil {
			kinds["mode"] = kinds["mode"] || strings.Contains(f[1], "%a")
			kinds["owner"] = kinds["owner"] || strings.Contains(f[1], "%U")
			kinds["group"] = kinds["group"] || strings.Contains(f[1], "%G")
		}
		paths = append(paths, commandPaths(cmd, logFile)...)
	}
	if !slices.ContainsFunc(paths, isAuditPath) {
		return nil
	}
	attr := pathAttr{}
	sentences := strings.ToLower(strings.Join(ifSentence.FindAllString(check, -1), "\n"))
	if len(kinds) == 0 || strings.Contains(sentences, "owned") || strings.Contains(sentences, "owner") || strings.Contains(sentences, "permissive") {
		kinds = map[string]bool{
			"group": regexp.MustCompile(`group-owned|group owner|group other than|owned by a group|incorrect group|root group`).MatchString(sentences),
			"mode":  regexp.MustCompile(`mode|permissive`).MatchString(sentences),
		}
		kinds["owner"] = !kinds["group"] && regexp.MustCompile(`owned by|owner`).MatchString(sentences)
	}
	if kinds["mode"] {
		if m := modeValue.FindStringSubmatch(check); m != nil {
			attr.Mode = "0" + m[1]
		}
	}
	if kinds["owner"] {
		attr.Owner = "root"
	}
	if kinds["group"] {
		attr.Group = "root"
		if strings.Contains(sentences, "logging group") || strings.Contains(check, "log_group") {
			attr.Group = "root|${log_group}"
		}
	}
	if attr.Mode == "" && attr.Owner == "" && attr.Group == "" {
		return nil
	}
	seen := map[string]bool{}
	for _, p := range paths {
		if seen[p] {
			continue
		}
		seen[p] = true
		a := attr
		a.Path = p
		out = append(out, a)
	}
	return out
}

// commandPaths are the absolute paths a stat, ls or find command names,
// with the audit log named through auditd.conf where the check read it
// there, and "find DIR -type f" as the files in DIR.
func commandPaths(cmd, logFile string) []string {
	files := strings.Contains(cmd, "-type f")
	var out []string
	for _, w := range strings.Fields(cmd) {
		w = strings.Trim(w, `"'`)
		switch {
		case w == "[audit_log_directory]":
			out = append(out, "${log_dir}")
			continue
		case !strings.HasPrefix(w, "/"):
			continue
		}
		dir := strings.HasSuffix(w, "/") && len(w) > 1
		w = path.Clean(w)
		switch {
		case logFile != "" && w == logFile:
			w = "${log_file}"
		case logFile != "" && w == path.Dir(logFile):
			w = "${log_dir}"
		case logFile != "" && strings.HasPrefix(w, path.Dir(logFile)+"/"):
			w = "${log_dir}" + strings.TrimPrefix(w, path.Dir(logFile))
		}
		if files && dir {
			w += "/*"
		}
		out = append(out, w)
	}
	return out
}

// isAuditPath: the audit configuration, its logs and its tools.
func isAuditPath(p string) bool {
	return strings.HasPrefix(p, "/etc/audit") || strings.HasPrefix(p, "/var/log/audit") || strings.HasPrefix(p, "${log_") || auditToolName.MatchString(p)
}
