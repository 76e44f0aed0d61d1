package main

import (
	"bytes"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/auditpack/auditpack/internal/gentext"
)

// product is what cisgen adds to CaC's data for one product.
type product struct {
	name    string // the benchmark's name for the system
	section string // the audit-rule section: 6.3.3
	// corrections are CaC's misnumbered recommendation IDs and the IDs
	// they stand for; any other ID outside the section stops cisgen.
	corrections map[string]string
	// setuid are the CaC privileged-command rules whose programs ship
	// setuid or setgid on the product: their paths are the default of
	// ${SETUID_PROGRAMS}, which compile --host and apply replace with the
	// programs found on the host.
	setuid []string
}

var commonSetuid = []string{
	"audit_rules_privileged_commands_at", "audit_rules_privileged_commands_chage", "audit_rules_privileged_commands_chfn",
	"audit_rules_privileged_commands_chsh", "audit_rules_privileged_commands_crontab", "audit_rules_privileged_commands_fusermount3",
	"audit_rules_privileged_commands_gpasswd", "audit_rules_privileged_commands_mount", "audit_rules_privileged_commands_newgidmap",
	"audit_rules_privileged_commands_newgrp", "audit_rules_privileged_commands_newuidmap", "audit_rules_privileged_commands_passwd",
	"audit_rules_privileged_commands_pkexec", "audit_rules_privileged_commands_ssh_keysign", "audit_rules_privileged_commands_su",
	"audit_rules_privileged_commands_sudo", "audit_rules_privileged_commands_umount", "audit_rules_privileged_commands_unix_chkpwd",
}

var rhelSetuid = append(slices.Clone(commonSetuid),
	"audit_rules_privileged_commands_grub2_set_bootflag", "audit_rules_privileged_commands_pam_timestamp_check",
	"audit_rules_privileged_commands_polkit_helper", "audit_rules_privileged_commands_postdrop",
	"audit_rules_privileged_commands_postqueue", "audit_rules_privileged_commands_userhelper",
)

var products = map[string]product{
	"rhel8":      {name: "Red Hat Enterprise Linux 8", section: "6.3.3", corrections: map[string]string{"6.6.3.18": "6.3.3.18"}, setuid: rhelSetuid},
	"rhel9":      {name: "Red Hat Enterprise Linux 9", section: "6.3.3", setuid: rhelSetuid},
	"rhel10":     {name: "Red Hat Enterprise Linux 10", section: "6.3.3", setuid: rhelSetuid},
	"ubuntu2204": {name: "Ubuntu Linux 22.04 LTS", section: "6.3.3", setuid: commonSetuid},
	"ubuntu2404": {name: "Ubuntu Linux 24.04 LTS", section: "6.2.3", setuid: commonSetuid},
	"debian12":   {name: "Debian Linux 12", section: "6.2.3", setuid: commonSetuid},
	"al2023":     {name: "Amazon Linux 2023", section: "5.2.3", setuid: rhelSetuid},
}

// recommendation is one CIS recommendation of the audit-rule section.
type recommendation struct {
	id, cacID string // ours (validated) and CaC's
	title     string
	levels    []string
	manual    bool     // CaC marks it manual: nothing to render
	rules     []string // CaC rule IDs
	lines     []string
}

// pack is one product's generated content.
type pack struct {
	cac     *cacData
	p       *cacProduct
	info    product
	recs    []*recommendation
	setuid  []string // default ${SETUID_PROGRAMS}
	control string   // requirement ID prefix: CIS-RHEL9-
}

var recID = regexp.MustCompile(`^\d+(\.\d+)+$`)

func build(d *cacData, p *cacProduct) (*pack, error) {
	info, ok := products[p.Product]
	if !ok {
		return nil, fmt.Errorf("product %s: cisgen knows no name or section for it", p.Product)
	}
	pk := &pack{cac: d, p: p, info: info, control: "CIS-" + strings.ToUpper(p.Product) + "-"}
	r := &renderer{p: p}
	var errs []error
	for i, c := range p.Controls {
		id := c.ID
		if fixed, ok := info.corrections[id]; ok {
			id = fixed
		}
		want := fmt.Sprintf("%s.%d", info.section, i+1)
		if !recID.MatchString(id) || id != want {
			errs = append(errs, fmt.Errorf("%s: %s: recommendation %q is not %s (the section's %s recommendation); add it to corrections if CaC misnumbers it", p.Product, p.ControlFile, c.ID, want, ordinal(i+1)))
			continue
		}
		t, ok := title(c.Rules)
		if !ok {
			errs = append(errs, fmt.Errorf("%s: recommendation %s (rules %s) has no title of ours: add one to titles.go", p.Product, c.ID, strings.Join(c.Rules, ", ")))
			continue
		}
		rec := &recommendation{id: id, cacID: c.ID, title: t, levels: c.Levels, rules: c.Rules, manual: c.Status == "manual"}
		if rec.manual && len(c.Rules) > 0 {
			errs = append(errs, fmt.Errorf("%s: manual recommendation %s names rules; cisgen renders only the running-versus-disk one", p.Product, c.ID))
		}
		var l lines
		for _, rule := range c.Rules {
			if err := r.render(&l, rule); err != nil {
				errs = append(errs, err)
			}
		}
		rec.lines = l.strings()
		pk.recs = append(pk.recs, rec)
	}
	for _, rule := range info.setuid {
		i := slices.IndexFunc(p.PrivilegedRules, func(pr cacPrivilegedRule) bool { return pr.Rule == rule })
		if i < 0 {
			errs = append(errs, fmt.Errorf("%s: privileged-command rule %s is not in the data", p.Product, rule))
			continue
		}
		if !slices.Contains(pk.setuid, p.PrivilegedRules[i].Path) {
			pk.setuid = append(pk.setuid, p.PrivilegedRules[i].Path)
		}
	}
	slices.Sort(pk.setuid)
	return pk, errors.Join(errs...)
}

func ordinal(n int) string {
	switch {
	case n%10 == 1 && n%100 != 11:
		return strconv.Itoa(n) + "st"
	case n%10 == 2 && n%100 != 12:
		return strconv.Itoa(n) + "nd"
	case n%10 == 3 && n%100 != 13:
		return strconv.Itoa(n) + "rd"
	}
	return strconv.Itoa(n) + "th"
}

// version is the benchmark's version as the pack's semver.
func (pk *pack) version() string { return strings.TrimPrefix(pk.p.BenchmarkVersion, "v") }

func (pk *pack) name() string { return "cis-" + pk.p.Product }

func (pk *pack) dir() string { return "packs/" + pk.name() + "/v" + pk.version() }

func (pk *pack) rulesFile() string { return "30-" + pk.name() + ".rules" }

func (pk *pack) standard() string {
	return fmt.Sprintf("CIS %s Benchmark v%s", pk.info.name, pk.version())
}

// levelNames says which CIS profiles the section's recommendations are
// in: "Level 2 - Server, Level 2 - Workstation".
func (pk *pack) levelNames() string {
	var names []string
	for _, rec := range pk.recs {
		for _, l := range rec.levels {
			n := levelName(l)
			if !slices.Contains(names, n) {
				names = append(names, n)
			}
		}
	}
	return strings.Join(names, ", ")
}

func levelName(l string) string {
	level, kind, _ := strings.Cut(l, "_")
	return "Level " + strings.TrimPrefix(level, "l") + " - " + strings.ToUpper(kind[:1]) + kind[1:]
}

func (pk *pack) shortCommit() string { return pk.cac.Commit[:12] }

// generatedBy heads every generated file.
func (pk *pack) generatedBy(comment string) string {
	return fmt.Sprintf("%s Generated by go run ./internal/cisgen from ComplianceAsCode/content %s\n%s (%s, BSD-3-Clause: see NOTICE); do not edit.\n",
		comment, pk.shortCommit(), comment, pk.p.ControlFile)
}

func quote(s string) string { return gentext.TOMLString(s) }

func writeLines(b *bytes.Buffer, lines ...string) {
	for _, l := range lines {
		b.WriteString(l)
		b.WriteByte('\n')
	}
}
