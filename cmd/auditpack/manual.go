package main

import (
	"fmt"
	"strings"

	"github.com/auditpack/auditpack/internal/report"
)

// The manual page is the --help text (urfave/cli's ToMan) and, after the
// commands, the sections a manual has that --help does not: each from the
// tables below, which --help shares where it says the same.

// exitStatus is what each exit code means, in every command.
var exitStatus = []struct {
	code  int
	means string
}{
	{exitOK, "success: no lint finding at or above --fail-on, every control passes, no difference (apply --dry-run, verify --boot, fmt --check, packs diff)"},
	{exitFailed, "lint findings at or above --fail-on (a line auditctl cannot read is an error finding, and the rest of the set is still checked); controls that fail (verify); a rule set compile or apply refuses, a failed apply; differences found by fmt --check or packs diff; a kernel or boot configuration that cannot be read (apply, verify --kernel, verify --boot); an output that cannot be written (a file, or standard output)"},
	{exitInput, "the command could not do its job: a usage error (an unknown option, an option with an empty value, an argument too many), a path that cannot be read or is not a regular file (a named pipe, a device), a file that is not text or is larger than 64 MiB, bad TOML, an unknown pack, profile or check ID, an output that is or lies in an input"},
	{exitChanges, "apply --dry-run found differences with the kernel; verify --boot found that the next boot loads something else than the kernel holds"},
}

// formatChoice is a --format's values for a synopsis: text|json|...,
// from the table of formats itself.
func formatChoice[F any](formats map[string]F) string {
	return strings.ReplaceAll(report.FormatNames(formats), ", ", "|")
}

// exitStatusHelp is exitStatus for --help, wrapped to 80 columns.
func exitStatusHelp() string {
	var b strings.Builder
	b.WriteString("Exit status, in every command:")
	for _, s := range exitStatus {
		fmt.Fprintf(&b, "\n   %d ", s.code)
		width := 6
		for _, word := range strings.Fields(s.means) {
			if width+1+len(word) > 76 {
				b.WriteString("\n     ")
				width = 5
			}
			b.WriteString(" " + word)
			width += 1 + len(word)
		}
	}
	return b.String()
}

// manEnvironment are the variables auditpack reads.
var manEnvironment = []struct{ name, means string }{
	{"GOGC, GOMEMLIMIT", "when either is set, the Go collector keeps these settings; otherwise a run's heap has a soft limit that grows with its input (128 MiB, or about 1.3 KB per line of rules)"},
	{"GODEBUG", "disablethp=1 keeps the heap of a large input on 4 KiB pages (where transparent huge pages are given only when asked, auditpack asks for them)"},
	{"NO_COLOR", "set and not empty, lint --color auto writes no colour (no-color.org); --color always still does"},
	{"PATH", "where lint --host and apply find auditctl and ausyscall (what this host's auditctl knows), and apply --persist auto finds unshare"},
	{"TMPDIR", "where apply --persist auto stages the new rules.d layout to run this host's augenrules on it"},
}

// manFiles are the files auditpack reads and writes on a host.
var manFiles = []struct{ path, means string }{
	{"/etc/audit/rules.d/", "what augenrules assembles at boot; read when no PATH and no --profile are given, and where apply --persist auto writes auditpack.rules"},
	{"/etc/audit/audit.rules", "what augenrules generates from rules.d at boot (write the rules.d file, not this one, or use apply --persist auto); a file whose first line says it was generated is read as auditctl -R loads it"},
	{"/etc/audit/auditpack-backup/TIME/", "the rules.d files apply --persist auto moved aside; auditpack restore puts them back"},
	{".auditpack.toml", "lint's settings (checks disabled, severities, fail-on, target, profile, packs, baseline, findings to ignore), read from the working directory or the nearest directory above it; --config FILE reads another, --no-config none"},
	{"/etc/login.defs", "UID_MIN, the first user ID, for compile --host, lint --host and apply"},
	{"/proc/cmdline", "the kernel's audit= and audit_backlog_limit= for verify --kernel and verify --host"},
	{"/run/auditpack/apply.lock, /run/auditpack/apply.journal", "keep two applies apart; a journal left there says an apply never finished"},
	{"auditd.service, audit-rules.service, /etc/default/auditd, /etc/sysconfig/auditd", "how this host loads its rules at boot (augenrules or auditctl -R), which apply and verify --boot report"},
}

// manExamples are command lines with what they do; a test checks that
// each names a command and options auditpack has.
var manExamples = []struct{ does, line string }{
	{"Check a rules.d as the kernel will evaluate it, failing on warnings too:", "auditpack lint --fail-on warning /etc/audit/rules.d"},
	{"Write lint's findings for GitHub code scanning:", "auditpack lint --format sarif rules.d > auditpack.sarif"},
	{"Accept the findings a large rules repository has today, to adopt lint on it:", "auditpack lint --write-baseline auditpack-baseline.json rules.d"},
	{"Then report only new findings, for GitLab's code quality widget:", "auditpack lint --baseline auditpack-baseline.json --format gitlab rules.d > gl-code-quality-report.json"},
	{"Print the RHEL 9 STIG profile's rules, compiled as augenrules would merge its packs:", "auditpack compile --profile stig-rhel9"},
	{"Show what loading a rule set would change in the running kernel, changing nothing:", "auditpack apply --dry-run --profile pci-dss"},
	{"Load it, and write it where this host's boot loads its rules from:", "auditpack apply --profile pci-dss --persist auto"},
	{"Check, control by control, what the running kernel records:", "auditpack verify --profile stig --kernel --format html > stig.html"},
	{"Say whether the next boot loads what the kernel holds now:", "auditpack verify --boot"},
}

// manSeeAlso are the manual pages of the audit userspace auditpack works
// with.
var manSeeAlso = []string{"auditctl(8)", "augenrules(8)", "auditd(8)", "audit.rules(7)", "ausyscall(8)"}

// manSections are the manual's sections after the commands, in roff.
func manSections() string {
	var b strings.Builder
	b.WriteString("\n.SH EXIT STATUS\n")
	for _, s := range exitStatus {
		fmt.Fprintf(&b, ".TP\n.B %d\n%s\n", s.code, roff(s.means))
	}
	b.WriteString("\n.SH ENVIRONMENT\n")
	for _, v := range manEnvironment {
		fmt.Fprintf(&b, ".TP\n.B %s\n%s\n", roff(v.name), roff(v.means))
	}
	b.WriteString("\n.SH FILES\n")
	for _, f := range manFiles {
		fmt.Fprintf(&b, ".TP\n.I %s\n%s\n", roff(f.path), roff(f.means))
	}
	b.WriteString("\n.SH EXAMPLES\n")
	for _, x := range manExamples {
		fmt.Fprintf(&b, ".PP\n%s\n.PP\n.RS\n.EX\n%s\n.EE\n.RE\n", roff(x.does), roff(x.line))
	}
	b.WriteString("\n.SH SEE ALSO\n")
	for i, page := range manSeeAlso {
		name, section, _ := strings.Cut(strings.TrimSuffix(page, ")"), "(")
		sep := ","
		if i == len(manSeeAlso)-1 {
			sep = ""
		}
		fmt.Fprintf(&b, ".BR %s (%s)%s\n", name, section, sep)
	}
	return b.String()
}

// roffEscaper writes text for roff: a backslash is an escape there, and
// a minus sign in an option must not become a hyphen.
var roffEscaper = strings.NewReplacer(`\`, `\e`, "-", `\-`)

// roff is text for a roff line: escaped, and never read as a request
// (a line starting with "." or "'").
func roff(s string) string {
	s = roffEscaper.Replace(s)
	if strings.HasPrefix(s, ".") || strings.HasPrefix(s, "'") {
		s = `\&` + s
	}
	return s
}
