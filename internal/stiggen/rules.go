package main

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/auditpack/auditpack/internal/gentext"
	"github.com/auditpack/auditpack/packs"
)

// The pack's rules are the requirements' lines, spelled as the packs
// spell them, with the few reviewed changes below: the same for every
// product, each said in the rules file where it applies.

// packChange is a reviewed way the pack records more than, or otherwise
// than, a requirement's lines.
type packChange struct {
	why   string
	apply func(lines []string) []string // the lines unchanged when it does not apply
}

var (
	sudoersD    = regexp.MustCompile(`-F (?:path|dir)=/etc/sudoers\.d/?(?: |$)`)
	keyOf       = regexp.MustCompile(`(?:-k |-F key=)(\S+)`)
	renameAt    = regexp.MustCompile(`(-S \S*\brenameat\b)`)
	loginRecord = regexp.MustCompile(`path=/var/log/(?:faillock|lastlog) `)
	auidFilters = regexp.MustCompile(` -F auid(?:>=|!=)\S+`)
)

var packChanges = []packChange{
	{
		why: "A watch, not -F dir= or -F path=: -w DIR -p wa loads whether the directory exists or not (a tree watch where it does), " +
			"while auditctl refuses -F dir= on a missing directory, which stops the whole load before -e 2 on a host without sudo; " +
			"-F path= on the directory records changes to the directory itself, not to the files in it, which the watch records too.",
		apply: func(lines []string) []string {
			var out []string
			watched := false
			for _, l := range lines {
				if !sudoersD.MatchString(l) {
					out = append(out, l)
					continue
				}
				if !watched {
					key := "identity"
					if m := keyOf.FindStringSubmatch(l); m != nil {
						key = m[1]
					}
					out = append(out, "-w /etc/sudoers.d -p wa -k "+key)
					watched = true
				}
			}
			return out
		},
	},
	{
		why: "renameat2 too: coreutils' mv renames with renameat2 (RENAME_NOREPLACE), so without it most renames people make go unrecorded.",
		apply: func(lines []string) []string {
			out := make([]string, len(lines))
			for i, l := range lines {
				out[i] = l
				if renameAt.MatchString(l) && !strings.Contains(l, "renameat2") {
					out[i] = renameAt.ReplaceAllString(l, "${1},renameat2")
				}
			}
			return out
		},
	},
	{
		why: "For every process, not only users after login: pam_faillock writes /var/log/faillock in the auth phase, before pam_loginuid " +
			"sets the login UID (auid unset), so DISA's auid filters would record none of the failed logins it is for; the login programs " +
			"that write lastlog may run before it too.",
		apply: func(lines []string) []string {
			out := make([]string, len(lines))
			for i, l := range lines {
				out[i] = l
				if loginRecord.MatchString(l) {
					out[i] = auidFilters.ReplaceAllString(l, "")
				}
			}
			return out
		},
	},
}

// rulesBlock is one requirement's rules in the pack's file.
type rulesBlock struct {
	req      *requirement
	controls []string
	changes  []string // the reviewed changes that apply, why
	lines    []string
}

var (
	auidMin   = regexp.MustCompile(`auid>=1000\b`)
	auidUnset = regexp.MustCompile(`auid!=(?:-1|4294967295)\b`)
	ruleKey   = regexp.MustCompile(`^(-a .*) -k (\S+)$`)
)

// packSpelling writes a line as the packs do: the host's first user ID
// for DISA's 1000, unset for -1, and -F key= in syscall rules.
func packSpelling(l string) string {
	l = auidMin.ReplaceAllLiteralString(l, "auid>=${UID_MIN}")
	l = auidUnset.ReplaceAllLiteralString(l, "auid!=unset")
	return ruleKey.ReplaceAllString(l, "$1 -F key=$2")
}

// packBlocks are the pack's rules, one block per requirement with rule
// lines; -e and -f come from the finalize pack and the profile. A rule two
// requirements ask for is written once, annotated with both.
func packBlocks(reqs []*requirement) []*rulesBlock {
	var blocks []*rulesBlock
	written := map[string]*rulesBlock{}
	for _, r := range reqs {
		var lines []string
		for _, l := range r.Lines {
			if !strings.HasPrefix(l, "-e") && !strings.HasPrefix(l, "-f") {
				lines = append(lines, l)
			}
		}
		if len(lines) == 0 {
			continue
		}
		b := &rulesBlock{req: r, controls: append([]string{r.StigID}, r.Satisfies...)}
		for _, c := range packChanges {
			if changed := c.apply(lines); !slices.Equal(changed, lines) {
				b.changes = append(b.changes, c.why)
				lines = changed
			}
		}
		for _, l := range lines {
			l = packSpelling(l)
			id := identity(strings.ReplaceAll(l, "${UID_MIN}", "1000"))
			if first := written[id]; first != nil {
				for _, c := range b.controls {
					if !slices.Contains(first.controls, c) {
						first.controls = append(first.controls, c)
					}
				}
				continue
			}
			written[id] = b
			b.lines = append(b.lines, l)
		}
		if len(b.lines) > 0 {
			blocks = append(blocks, b)
		}
	}
	return blocks
}

// writeRules writes the pack's rules file, formatted as auditpack fmt
// does (each line in its canonical spelling).
func writeRules(g *generated) ([]byte, error) {
	var b strings.Builder
	fmt.Fprintf(&b, "## %s: %s, audit rules (%s).\n", g.packName(), g.standard(), g.manual.ReleaseInfo)
	b.WriteString(comment("##", fmt.Sprintf("Generated by go run ./internal/stiggen from the requirements (%s) and the reviewed changes "+
		"said where they apply; do not edit. Each block carries its STIG ID and the SRG IDs it satisfies. DISA's auid>=1000 means the "+
		"host's first user ID: ${UID_MIN}, 1000 unless the profile or the host (compile --host, apply) says otherwise. -f comes from "+
		"the profile, -e 2 from the finalize pack.", "requirements.toml")))
	for _, blk := range packBlocks(g.reqs) {
		fmt.Fprintf(&b, "\n%s", comment("##", blk.req.StigID+": "+blk.req.Title))
		for _, why := range blk.changes {
			b.WriteString(comment("##", why))
		}
		fmt.Fprintf(&b, "## controls: %s\n", strings.Join(blk.controls, " "))
		for _, l := range blk.lines {
			b.WriteString(l + "\n")
		}
	}
	name := "30-" + g.packName() + ".rules"
	out, err := packs.Format(name, []byte(b.String()))
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", g.packName(), g.release.Name, err)
	}
	return out, nil
}

// comment wraps a text as lines each starting with mark ("##" in a rules
// file, "#" in TOML) and a space: at most 100 characters with "##", and a
// "#" comment breaks where its "##" form would (99), as the committed and
// extracted files have it.
func comment(mark, text string) string {
	return strings.Join(gentext.Wrap(text, 98+len(mark), mark+" ", mark+" "), "\n") + "\n"
}
