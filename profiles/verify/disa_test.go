package verify

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/auditpack/auditpack/compile"
	"github.com/auditpack/auditpack/packs"
	"github.com/auditpack/auditpack/packs/model"
	"github.com/auditpack/auditpack/profiles"
)

// disaRelease is one STIG release and the rules of its DISA fix texts
// (written by stiggen).
type disaRelease struct {
	profile  string // an embedded profile, or a profile file pinning the release
	packRef  string
	fixRules string
}

// disaReleases are every embedded STIG pack version: each product's
// profile for its newest release, a profile of the test's own for the
// older RHEL 9 releases.
func disaReleases(t *testing.T) []disaRelease {
	t.Helper()
	cat, err := packs.NewCatalog()
	if err != nil {
		t.Fatal(err)
	}
	all, err := profiles.List()
	if err != nil {
		t.Fatal(err)
	}
	var out []disaRelease
	for _, pack := range cat.Packs() {
		if !strings.HasPrefix(pack.Name, "stig-") {
			continue
		}
		product := strings.TrimPrefix(pack.Name, "stig-")
		i := slices.IndexFunc(all, func(p *profiles.Profile) bool { return p.Product == product && p.Family() == "stig" })
		if i < 0 {
			t.Fatalf("no profile for %s", pack.ID())
		}
		profile := all[i]
		v := pack.Version
		ref := fmt.Sprintf("%s@~%d.%d", pack.Name, v.Major, v.Minor)
		name := profile.Name
		if !slices.Contains(profile.Packs, ref) {
			// An older release: the product's profile with this release pinned.
			dir := t.TempDir()
			name = filepath.Join(dir, "pinned.toml")
			text := fmt.Sprintf("name = %q\npacks = [\"base-config@^1\", %q, \"finalize@^1\"]\ncontrols = %s\n", profile.Name+"-"+pack.Release, ref, tomlStrings(profile.Controls))
			if err := os.WriteFile(name, []byte(text), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		out = append(out, disaRelease{profile: name, packRef: ref,
			fixRules: filepath.Join("testdata", "targets", "disa-"+product+"-"+strings.ToLower(pack.Release)+"-fix.rules")})
	}
	return out
}

func tomlStrings(list []string) string {
	q := make([]string, len(list))
	for i, s := range list {
		q[i] = fmt.Sprintf("%q", s)
	}
	return "[" + strings.Join(q, ", ") + "]"
}

func releaseRequired(t *testing.T, d disaRelease) (*compile.Compiled, VerifyOptions, *packs.Requirements) {
	t.Helper()
	p, err := profiles.Load(d.profile)
	if err != nil {
		t.Fatal(err)
	}
	sel, err := profiles.Select(profiles.Request{Profile: d.profile})
	if err != nil {
		t.Fatal(err)
	}
	var reqs *packs.Requirements
	for _, pack := range sel.Packs {
		if r, err := pack.Requirements(); err == nil && r != nil {
			reqs = r
		}
	}
	if reqs == nil {
		t.Fatalf("%s states no requirements", d.packRef)
	}
	return compile.Build(sel), VerifyOptions{Machine: model.Targets["x86_64"], Only: p.Controls}, reqs
}

// A host configured line for line from a STIG release's DISA fix texts
// passes every requirement its rules can show, except exactly those
// whose fix text does not meet DISA's own check text (fix_fails in the
// pack: RHEL-09-654235, RHEL-10-500690, RHEL-10-500720), and the SRG IDs
// only those satisfy. What a rules file cannot show (the kernel command
// line, auditd.conf, modes and owners) is not checked, never passed.
func TestVerifyDISAFixTexts(t *testing.T) {
	releases := disaReleases(t)
	if len(releases) < 10 {
		t.Fatalf("%d STIG releases; every product's and RHEL 9's V2R5-V2R9 are embedded", len(releases))
	}
	for _, d := range releases {
		t.Run(d.packRef, func(t *testing.T) {
			required, opts, reqs := releaseRequired(t, d)
			data, err := os.ReadFile(d.fixRules)
			if err != nil {
				t.Fatal(err)
			}
			got := results(mustVerify(t, d.packRef, required, loadedTarget(string(data)), opts))
			var wantFail []string
			for _, r := range reqs.List {
				res, ok := got[r.ID]
				switch {
				case !ok:
					t.Errorf("%s is not verified", r.ID)
				case r.FixFails && (res.Status != Fail || !slices.Contains(res.Notes, r.FixNote)):
					t.Errorf("%s %s %v; its fix text does not meet its check text (fix_fails), and the note says why", r.ID, res.Status, res.Notes)
				case r.FixFails:
					wantFail = append(wantFail, r.ID)
				case len(r.Lines)+len(r.Forbidden) > 0 && len(r.Cmdline)+len(r.Auditd)+len(r.Paths) == 0 && res.Status != Pass:
					t.Errorf("%s %s %v: DISA's fix text fails it", r.ID, res.Status, res.Missing)
				case len(r.Cmdline)+len(r.Auditd)+len(r.Paths) > 0 && res.Status != NotChecked:
					t.Errorf("%s %s: a rules file cannot show what it asks of the host", r.ID, res.Status)
				}
			}
			for id, res := range got {
				if res.Status != Fail || slices.Contains(wantFail, id) {
					continue
				}
				if !slices.ContainsFunc(reqs.List, func(r *packs.Requirement) bool { return r.FixFails && slices.Contains(r.Satisfies, id) }) {
					t.Errorf("%s fails: %v", id, res.Missing)
				}
			}
			t.Logf("%s: %d requirements; DISA's fix texts fail %v", d.packRef, len(reqs.List), wantFail)
		})
	}
}

// One change to DISA's RHEL 9 V2R9 file fails exactly the requirement it
// breaks, and the SRG controls that requirement satisfies.
func TestVerifyDISAVariantsFailTheirControl(t *testing.T) {
	d := disaRelease{profile: "stig-rhel9", packRef: "stig-rhel9@~2.9", fixRules: "testdata/targets/disa-rhel9-v2r9-fix.rules"}
	required, opts, reqs := releaseRequired(t, d)
	data, err := os.ReadFile(d.fixRules)
	if err != nil {
		t.Fatal(err)
	}
	disa := string(data)
	baseline := failing(mustVerify(t, "stig-rhel9", required, loadedTarget(disa), opts))
	satisfies := map[string][]string{}
	for _, r := range reqs.List {
		satisfies[r.ID] = r.Satisfies
	}
	for name, c := range map[string]struct {
		edit func(string) string
		want string
	}{
		"-f 0":                    {func(s string) string { return strings.Replace(s, "\n-f 2\n", "\n-f 0\n", 1) }, "RHEL-09-654265"},
		"no --loginuid-immutable": {func(s string) string { return strings.Replace(s, "\n--loginuid-immutable\n", "\n", 1) }, "RHEL-09-654270"},
		"rmdir dropped": {func(s string) string {
			return strings.ReplaceAll(s, "-S rename,unlink,rmdir,renameat,unlinkat", "-S rename,unlink,renameat,unlinkat")
		}, "RHEL-09-654065"},
		"path changed": {func(s string) string {
			return strings.ReplaceAll(s, "-F path=/etc/passwd ", "-F path=/etc/passwd- ")
		}, "RHEL-09-654240"},
		"b32 faillock dropped": {func(s string) string {
			return strings.Replace(s, "-a always,exit -F arch=b32 -F path=/var/log/faillock -F perm=wa -F auid>=1000 -F auid!=unset -k logins\n", "", 1)
		}, "RHEL-09-654250"},
	} {
		text := c.edit(disa)
		if text == disa {
			t.Fatalf("%s: the edit changed nothing", name)
		}
		got := failing(mustVerify(t, "stig-rhel9", required, loadedTarget(text), opts))
		for _, id := range got {
			if !slices.Contains(baseline, id) && id != c.want && !slices.Contains(satisfies[c.want], id) {
				t.Errorf("%s: %s fails; only %s and its SRGs may", name, id, c.want)
			}
		}
		if !slices.Contains(got, c.want) {
			t.Errorf("%s: %s passes (failing %v)", name, c.want, got)
		}
	}
	// -e 2 moved up: the lock is not last, and everything after it is
	// refused by the locked kernel.
	early := strings.Replace(disa, "\n-e 2\n", "\n", 1)
	i := strings.Index(early, "\n## RHEL-09-654250\n")
	early = early[:i] + "\n-e 2" + early[i:]
	got := failing(mustVerify(t, "stig-rhel9", required, loadedTarget(early), opts))
	for _, id := range []string{"RHEL-09-654275", "RHEL-09-654250", "RHEL-09-654255", "RHEL-09-654265", "RHEL-09-654270"} {
		if !slices.Contains(got, id) {
			t.Errorf("-e 2 before RHEL-09-654250: %s passes, though the locked kernel refuses its lines", id)
		}
	}
	if slices.Contains(got, "RHEL-09-654245") {
		t.Errorf("-e 2 before RHEL-09-654250: RHEL-09-654245, loaded before it, fails")
	}
}
