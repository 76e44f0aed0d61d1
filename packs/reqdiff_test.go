package packs

import (
	"slices"
	"strings"
	"testing"
)

// What DISA changed in the RHEL 9 STIG's audit requirements from one
// release to the next, as products.md lists it, is exactly what
// DiffRequirements finds between the embedded releases.
func TestDiffRequirementsRHEL9Releases(t *testing.T) {
	c, err := NewCatalog()
	if err != nil {
		t.Fatal(err)
	}
	reqs := func(ref string) *Requirements {
		p, err := c.Find(ref)
		if err != nil {
			t.Fatal(err)
		}
		r, err := p.Requirements()
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	byKind := func(changes []RequirementChange, kind string) []string {
		var ids []string
		for _, ch := range changes {
			if ch.Kind == kind {
				ids = append(ids, ch.ID)
			}
		}
		return ids
	}
	for _, c := range []struct {
		from, to                string
		added, removed, changed []string
	}{
		{"~2.5", "~2.6", nil, []string{"RHEL-09-654260", "RHEL-09-654096"}, []string{"RHEL-09-653040"}},
		{"~2.6", "~2.7", []string{"RHEL-09-654097"}, nil, []string{"RHEL-09-653090"}},
		{"~2.7", "~2.8", nil, nil, nil},
		{"~2.8", "~2.9", nil, nil, []string{"RHEL-09-653110", "RHEL-09-654215", "RHEL-09-654220", "RHEL-09-654225", "RHEL-09-654230",
			"RHEL-09-654235", "RHEL-09-654240", "RHEL-09-654245", "RHEL-09-654250", "RHEL-09-654255", "RHEL-09-654097"}},
	} {
		changes := DiffRequirements(reqs("stig-rhel9@"+c.from), reqs("stig-rhel9@"+c.to))
		if got := byKind(changes, "added"); !slices.Equal(got, c.added) {
			t.Errorf("%s -> %s: added %v, want %v", c.from, c.to, got, c.added)
		}
		if got := byKind(changes, "removed"); !slices.Equal(got, c.removed) {
			t.Errorf("%s -> %s: removed %v, want %v", c.from, c.to, got, c.removed)
		}
		if got := byKind(changes, "changed"); !slices.Equal(got, c.changed) {
			t.Errorf("%s -> %s: changed %v, want %v", c.from, c.to, got, c.changed)
		}
	}
	// V2R9's mode of the audit configuration: 0640 -> 0600, said as such.
	for _, ch := range DiffRequirements(reqs("stig-rhel9@~2.8"), reqs("stig-rhel9@~2.9")) {
		if ch.ID == "RHEL-09-653110" && !slices.Contains(ch.Lines, "+ /etc/audit/auditd.conf: mode 0600 or stricter") {
			t.Errorf("653110: %v", ch.Lines)
		}
		if ch.ID == "RHEL-09-654250" && !slices.ContainsFunc(ch.Lines, func(l string) bool {
			return strings.HasPrefix(l, "+ -a always,exit -F arch=b64 -F path=/var/log/faillock")
		}) {
			t.Errorf("654250: %v", ch.Lines)
		}
	}
	if got := DiffRequirements(reqs("stig-rhel9@~2.9"), reqs("stig-rhel9@~2.9")); len(got) != 0 {
		t.Errorf("a release differs from itself: %v", got)
	}
}
