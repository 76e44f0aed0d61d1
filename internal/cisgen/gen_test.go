package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const root = "../.."

// Every generated file is what cisgen writes from cac.json, byte for byte.
func TestGenerated(t *testing.T) {
	files, err := generate(filepath.Join(root, dataPath))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 5*len(products) {
		t.Fatalf("%d files for %d products", len(files), len(products))
	}
	for _, f := range files {
		have, err := os.ReadFile(filepath.Join(root, f.path))
		if err != nil || !bytes.Equal(have, f.data) {
			t.Errorf("%s differs from what cisgen writes (%v): run go run ./internal/cisgen and review the diff", f.path, err)
		}
	}
}

func data(t *testing.T) *cacData {
	t.Helper()
	d, err := readData(filepath.Join(root, dataPath))
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func productData(t *testing.T, d *cacData, name string) *cacProduct {
	t.Helper()
	for i := range d.Products {
		if d.Products[i].Product == name {
			return &d.Products[i]
		}
	}
	t.Fatalf("no %s", name)
	return nil
}

// Each derived ID is the section's next number: CaC's "6.6.3.18" in the
// RHEL 8 control file is read as 6.3.3.18 (a listed correction), and any
// other ID that is not the next one stops the generator.
func TestRecommendationIDs(t *testing.T) {
	d := data(t)
	for _, name := range []string{"rhel8", "ubuntu2404", "al2023"} {
		pk, err := build(d, productData(t, d, name))
		if err != nil {
			t.Fatal(err)
		}
		for i, rec := range pk.recs {
			if want := fmt.Sprintf("%s.%d", pk.info.section, i+1); rec.id != want {
				t.Errorf("%s: recommendation %d is %s", name, i+1, rec.id)
			}
		}
	}
	pk, _ := build(d, productData(t, d, "rhel8"))
	if rec := pk.recs[17]; rec.id != "6.3.3.18" || rec.cacID != "6.6.3.18" {
		t.Errorf("rhel8's 18th recommendation: %s from %s", rec.id, rec.cacID)
	}
	p := productData(t, d, "rhel9")
	p.Controls[4].ID = "6.3.3.50"
	if _, err := build(d, p); err == nil || !strings.Contains(err.Error(), `"6.3.3.50" is not 6.3.3.5`) {
		t.Errorf("a misnumbered ID: %v", err)
	}
}

// A recommendation without a title of ours, or naming a rule cisgen
// cannot render, stops the generator: CIS's titles are not copied.
func TestUnknownContentStops(t *testing.T) {
	d := data(t)
	p := productData(t, d, "ubuntu2204")
	p.Controls[0].Rules = []string{"audit_rules_something_new"}
	if _, err := build(d, p); err == nil || !strings.Contains(err.Error(), "has no title of ours") {
		t.Errorf("an untitled recommendation: %v", err)
	}
	d = data(t)
	p = productData(t, d, "ubuntu2204")
	r := p.Rules["audit_rules_sysadmin_actions"]
	r.Template = "audit_rules_unknown"
	p.Rules["audit_rules_sysadmin_actions"] = r
	if _, err := build(d, p); err == nil || !strings.Contains(err.Error(), "which cisgen does not render") {
		t.Errorf("an unknown template: %v", err)
	}
}

// The lines follow the product: modern watches (-F path=, one per ABI) on
// RHEL 9, legacy -w on RHEL 8; privileged commands per ABI on RHEL 10
// only; kernel module rules without auid on Debian and AL2023 as CaC's
// template writes them; -c only where the benchmark asks for it.
func TestProductRendering(t *testing.T) {
	d := data(t)
	lines := func(name, id string) string {
		pk, err := build(d, productData(t, d, name))
		if err != nil {
			t.Fatal(err)
		}
		for _, rec := range pk.recs {
			if rec.id == id {
				return strings.Join(rec.lines, "\n")
			}
		}
		t.Fatalf("%s has no %s", name, id)
		return ""
	}
	for _, c := range []struct{ product, id, want, not string }{
		{"rhel9", "6.3.3.1", "-a always,exit -F arch=b64 -F dir=/etc/sudoers.d/ -F perm=wa -F key=actions", "-w "},
		{"rhel8", "6.3.3.1", "-w /etc/sudoers.d/ -p wa -k actions", "-F dir="},
		{"rhel10", "6.3.3.27", "-a always,exit -F arch=b64 -F path=/usr/bin/chcon -F perm=x", "\n-a always,exit -F path="},
		{"debian12", "6.2.3.19", "-S delete_module,init_module,finit_module,create_module,query_module -F key=modules", "auid!=unset -F key=modules"},
		{"ubuntu2204", "6.3.3.14", "-w /etc/apparmor.d -p wa -k MAC-policy", "selinux"},
		{"rhel8", "6.3.3.20", "-c", "-e 2"},
		{"al2023", "5.2.3.6", "-F path=${SETUID_PROGRAMS} -F perm=x -F auid>=${UID_MIN}", "-F arch="},
	} {
		got := lines(c.product, c.id)
		if !strings.Contains(got, c.want) || strings.Contains(got, c.not) {
			t.Errorf("%s %s:\n%s\nwant %q, not %q", c.product, c.id, got, c.want, c.not)
		}
	}
}
