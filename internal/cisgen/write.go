package main

import (
	"bytes"
	"fmt"
	"slices"
	"strings"

	"github.com/auditpack/auditpack/internal/gentext"
)

// file is one generated file: its path from the repository root.
type file struct {
	path string
	data []byte
}

func (pk *pack) files() []file {
	return []file{
		{pk.dir() + "/pack.toml", pk.packTOML()},
		{pk.dir() + "/" + pk.rulesFile(), pk.rules()},
		{pk.dir() + "/requirements.toml", pk.requirements()},
		{pk.dir() + "/CHANGELOG.md", pk.changelog()},
		{"profiles/" + pk.name() + ".toml", pk.profile()},
	}
}

// continues says whether the benchmark asks for -c (continue loading
// after an error).
func (pk *pack) continues() bool {
	return slices.ContainsFunc(pk.recs, func(r *recommendation) bool { return slices.Contains(r.lines, "-c") })
}

// deviations are where this content and CaC's rendering differ, or where
// CaC's data needs reading: said in the rules file, the changelog and the
// requirement concerned.
func (pk *pack) deviations() map[string]string {
	out := map[string]string{}
	for _, rec := range pk.recs {
		var notes []string
		if rec.cacID != rec.id {
			notes = append(notes, fmt.Sprintf("CaC's control file numbers it %s; the section's numbering makes it %s.", rec.cacID, rec.id))
		}
		if slices.Contains(rec.rules, "audit_rules_privileged_commands") {
			notes = append(notes, fmt.Sprintf("One rule per setuid or setgid program: compile --host and apply find them on the host (find / -xdev -perm /6000, as CaC's remediation does); offline, the %d programs of CaC's privileged-command rules that ship setuid or setgid on %s.", len(pk.setuid), pk.info.name))
			if pk.p.Product == "al2023" {
				notes = append(notes, "CaC's template writes these rules without -F perm=x for AL2023, recording every system call on the program; the benchmark's rules have -F perm=x, which records its runs: we follow the benchmark (CaC's broader rules still pass).")
			}
		}
		if pk.p.Product == "al2023" && slices.ContainsFunc(rec.rules, func(r string) bool { return !pk.p.Rules[r].remediatesAL() }) {
			notes = append(notes, "CaC's bash remediation for it lists platforms without Amazon Linux and writes nothing on AL2023; the lines are CaC's rendering for AL2023 regardless, which is what the benchmark asks for.")
		}
		if slices.Contains(rec.rules, "audit_rules_immutable") {
			notes = append(notes, "-e 2 comes from the finalize pack, which the profile loads last.")
		}
		if slices.Contains(rec.rules, "audit_rules_continue_loading") {
			notes = append(notes, "The profile lowers CTRL-ERROR-MASKING and CTRL-IMMUTABLE-UNREACHABLE to warnings for this -c, with the reason; lint still reports every line auditctl would refuse, which -c lets the load skip, as an error.")
		}
		if rec.manual {
			notes = append(notes, "CaC marks it manual. verify --kernel judges it as verify --boot does: what the boot-time loader loads from disk against the running rules; a rules file alone cannot show it (NOT CHECKED).")
		}
		if len(notes) > 0 {
			out[rec.id] = strings.Join(notes, " ")
		}
	}
	return out
}

func (pk *pack) packTOML() []byte {
	var b bytes.Buffer
	b.WriteString(pk.generatedBy("#"))
	writeLines(&b,
		"# The pack's version is the benchmark's; a correction of this content for the",
		"# same benchmark release keeps the version (one revision of a release is kept",
		"# in the repository) and is recorded in CHANGELOG.md with the CaC commit it",
		"# was built from. Content not endorsed by CIS.",
		"name        = "+quote(pk.name()),
		"version     = "+quote(pk.version()),
		"release     = "+quote("v"+pk.version()),
		"order       = 30",
		"description = "+quote(fmt.Sprintf("CIS %s Benchmark: audit rules (%s.x), %s", pk.info.name, pk.info.section, pk.levelNames())),
		"standard    = "+quote(pk.standard()),
		`arches      = ["b64", "b32"]`,
		"",
		"# Default host facts of this pack: compile --host and apply find the host's own.",
		"[facts]",
		"# CaC's privileged-command rules whose programs ship setuid or setgid.",
		"SETUID_PROGRAMS = [",
	)
	for _, p := range pk.setuid {
		writeLines(&b, "  "+quote(p)+",")
	}
	writeLines(&b, "]")
	return b.Bytes()
}

func (pk *pack) rules() []byte {
	var b bytes.Buffer
	b.WriteString(pk.generatedBy("##"))
	writeLines(&b,
		fmt.Sprintf("## %s, audit rules (%s.x), %s.", pk.standard(), pk.info.section, pk.levelNames()),
		"## Lines rendered from ComplianceAsCode's audit templates and remediations for",
		"## "+pk.p.Product+"; recommendation IDs are CIS's, titles ours. Not endorsed by CIS.",
		"## ${UID_MIN} is the host's first user ID, ${SETUID_PROGRAMS} its setuid and",
		"## setgid programs (one rule each): compile --host and apply read them from",
		"## the host, offline compile uses the defaults in pack.toml.",
	)
	notes := pk.deviations()
	ordered := slices.Clone(pk.recs)
	// -c works on the lines after it: it goes first.
	slices.SortStableFunc(ordered, func(a, b *recommendation) int {
		return boolRank(slices.Contains(b.lines, "-c")) - boolRank(slices.Contains(a.lines, "-c"))
	})
	for _, rec := range ordered {
		lines := slices.DeleteFunc(slices.Clone(rec.lines), func(l string) bool { return l == "-e 2" })
		if len(lines) == 0 {
			continue
		}
		writeLines(&b, "", "## "+rec.id+" "+rec.title+".")
		if n := notes[rec.id]; n != "" {
			writeLines(&b, wrap("## ", "## ", n)...)
		}
		writeLines(&b, "## controls: "+pk.control+rec.id)
		writeLines(&b, lines...)
	}
	return b.Bytes()
}

func boolRank(b bool) int {
	if b {
		return 1
	}
	return 0
}

func (pk *pack) requirements() []byte {
	var b bytes.Buffer
	b.WriteString(pk.generatedBy("#"))
	writeLines(&b,
		fmt.Sprintf("# The audit-rule recommendations of the %s (%s.x),", pk.standard(), pk.info.section),
		"# as ComplianceAsCode's rules for them check a host: the lines auditctl -l",
		"# must show (by meaning), ${UID_MIN} and ${SETUID_PROGRAMS} being host facts.",
		"# IDs are CIS's, titles ours (CIS's text is CC BY-NC-SA). Not endorsed by CIS.",
		"standard = "+quote("CIS "+pk.info.name+" Benchmark"),
		"release  = "+quote("v"+pk.version()),
	)
	notes := pk.deviations()
	for _, rec := range pk.recs {
		writeLines(&b, "", "[[requirement]]",
			"id = "+quote(pk.control+rec.id),
			"title = "+quote(rec.title),
		)
		levels := make([]string, len(rec.levels))
		for i, l := range rec.levels {
			levels[i] = quote(levelName(l))
		}
		writeLines(&b, "levels = ["+strings.Join(levels, ", ")+"]")
		if rec.manual {
			writeLines(&b, "boot = true")
		}
		if len(rec.lines) > 0 {
			writeLines(&b, "lines = [")
			for _, l := range rec.lines {
				writeLines(&b, "  "+quote(l)+",")
			}
			writeLines(&b, "]")
		}
		if n := notes[rec.id]; n != "" {
			writeLines(&b, "note = "+quote(n))
		}
	}
	return b.Bytes()
}

func (pk *pack) changelog() []byte {
	var b bytes.Buffer
	writeLines(&b, "# "+pk.name(), "", "## "+pk.version(),
		fmt.Sprintf("- %s, audit rules (%s.1 to %s.%d), generated by `go run ./internal/cisgen` from", pk.standard(), pk.info.section, pk.info.section, len(pk.recs)),
		fmt.Sprintf("  ComplianceAsCode/content %s (`%s`, sha256 %s).", pk.shortCommit(), pk.p.ControlFile, pk.p.SHA256[:16]),
		"- Each recommendation is a requirement (requirements.toml) verify judges by meaning; the",
		"  rules file implements them. Titles are ours; CIS's text is not used. Not endorsed by CIS.",
	)
	notes := pk.deviations()
	for _, rec := range pk.recs {
		if n := notes[rec.id]; n != "" {
			writeLines(&b, wrap("- ", "  ", rec.id+": "+n)...)
		}
	}
	return b.Bytes()
}

func (pk *pack) profile() []byte {
	var b bytes.Buffer
	b.WriteString(pk.generatedBy("#"))
	major, _, _ := strings.Cut(pk.version(), ".")
	writeLines(&b,
		"name        = "+quote(pk.name()),
		"product     = "+quote(pk.p.Product),
		"description = "+quote(fmt.Sprintf("CIS %s Benchmark v%s, %s: audit rules (%s.x), immutable configuration", pk.info.name, pk.version(), pk.levelNames(), pk.info.section)),
		"packs       = ["+quote("base-config@^1")+", "+quote(pk.name()+"@^"+major)+", "+quote("finalize@^1")+"]",
		`arches      = ["b64", "b32"]`,
		"# verify answers for the benchmark's recommendations only",
		"controls    = ["+quote(pk.control)+"]",
		"",
		"[severity]",
	)
	if pk.continues() {
		id := pk.continueID()
		writeLines(&b,
			`"CTRL-ERROR-MASKING" = "warning"`,
			`"CTRL-IMMUTABLE-UNREACHABLE" = "warning"`,
			"", "[severity_reasons]",
			`"CTRL-ERROR-MASKING" = `+quote(fmt.Sprintf("the benchmark asks for -c (%s), so that one refused line does not stop the load; lint still reports every line auditctl would refuse as an error of its own", id)),
			`"CTRL-IMMUTABLE-UNREACHABLE" = `+quote(fmt.Sprintf("the benchmark asks for -c (%s) and -e 2 together: -e 2 is reached when no line is refused, and lint reports each refused line as an error of its own", id)),
		)
	} else {
		writeLines(&b, "# compliance: a load that hides errors is not compliant", `"CTRL-ERROR-MASKING" = "error"`)
	}
	return b.Bytes()
}

func (pk *pack) continueID() string {
	for _, rec := range pk.recs {
		if slices.Contains(rec.lines, "-c") {
			return rec.id
		}
	}
	return ""
}

// wrap breaks a note into lines of at most 100 characters, the first
// starting with first, the others with rest.
func wrap(first, rest, s string) []string { return gentext.Wrap(s, 100, first, rest) }

// allPlatformTemplates are CaC's audit templates whose bash.template says
// "# platform = multi_platform_all"; the others list RHEL, Fedora, Ubuntu,
// Debian, SUSE and the like, without Amazon Linux.
var allPlatformTemplates = []string{"audit_rules_watch", "audit_rules_kernel_module_loading", "audit_rules_privileged_commands"}

// remediatesAL says whether CaC's bash remediation of the rule applies to
// Amazon Linux.
func (r cacRule) remediatesAL() bool {
	if r.Template != "" {
		return slices.Contains(allPlatformTemplates, r.Template)
	}
	if r.Remediation == nil {
		return false
	}
	for _, p := range strings.Split(r.Remediation.Platform, ",") {
		if p = strings.TrimSpace(p); p == "multi_platform_all" || p == "multi_platform_al" || p == "Amazon Linux 2023" {
			return true
		}
	}
	return false
}
