package profiles

import (
	"errors"
	"path/filepath"
	"regexp"
	"testing"
)

// A family's name means the host's product on a host, and is an error
// naming its profiles offline and on a host it has no profile for.
func TestFamilyNameMeansTheHostsProduct(t *testing.T) {
	hosts := filepath.Join("..", "testdata", "hosts")
	for root, want := range map[string]string{"rhel9": "stig-rhel9", "audit4": "stig-rhel10", "auditctl-R": "stig-ubuntu2204"} {
		p, err := LoadFor("stig", filepath.Join(hosts, root))
		if err != nil || p.Name != want {
			t.Errorf("stig on %s: %v, %v; want %s", root, p, err, want)
		}
		sel, err := Select(Request{Profile: "stig", HostRoot: filepath.Join(hosts, root)})
		if err != nil || sel.Profile != want {
			t.Errorf("Select stig on %s: %v", root, err)
		}
	}
	for name, c := range map[string]struct{ root, want string }{
		"offline":        {"", `"stig" means the profile of the host's own product \(stig-rhel10, stig-rhel8, stig-rhel9, stig-sles15, stig-ubuntu2204, stig-ubuntu2404\).*here there is no host to read: name one`},
		"no STIG for it": {"debian12", `this host is Debian GNU/Linux 12 \(bookworm\) \(product debian12, from /etc/os-release\), and there is no stig profile for it: the stig profiles are for rhel10, rhel8, rhel9, sles15, ubuntu2204, ubuntu2404`},
		"no os-release":  {"nowhere", `"stig" means the profile of this host's product, and this host has no /etc/os-release`},
	} {
		root := c.root
		if root != "" {
			root = filepath.Join(hosts, root)
		}
		_, err := LoadFor("stig", root)
		if !errors.Is(err, ErrFamily) || !regexp.MustCompile(c.want).MatchString(err.Error()) {
			t.Errorf("%s: %v, want %q", name, err, c.want)
		}
	}
	// A profile's own name never reads the host.
	if p, err := LoadFor("stig-rhel9", filepath.Join(hosts, "debian12")); err != nil || p.Product != "rhel9" || p.Family() != "stig" {
		t.Errorf("stig-rhel9 on debian12: %v %v", p, err)
	}
}
