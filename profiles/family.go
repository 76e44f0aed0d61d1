package profiles

import (
	"errors"
	"fmt"
	"strings"

	"github.com/auditpack/auditpack/internal/host"
)

// ErrFamily is wrapped when a family's name (stig) cannot be resolved to
// one of its profiles: offline, or on a host of a product it has none for.
var ErrFamily = errors.New("profile family")

// familyMembers are the embedded profiles of a family, by name.
func familyMembers(all []*Profile, family string) []*Profile {
	var out []*Profile
	for _, p := range all {
		if p.Family() == family {
			out = append(out, p)
		}
	}
	return out
}

// Families lists the family names with their products, for listings and
// completion: "stig" -> ["rhel8", "rhel9", ...].
func Families(all []*Profile) map[string][]string {
	out := map[string][]string{}
	for _, p := range all {
		if f := p.Family(); f != "" {
			out[f] = append(out[f], p.Product)
		}
	}
	return out
}

// hostMember picks the family's profile for the product of the host under
// hostRoot.
func hostMember(family string, members []*Profile, hostRoot string) (*Profile, error) {
	names := make([]string, len(members))
	products := make([]string, len(members))
	for i, p := range members {
		names[i], products[i] = p.Name, p.Product
	}
	if hostRoot == "" {
		return nil, fmt.Errorf("%w: %q means the profile of the host's own product (%s), read from /etc/os-release where auditpack runs on the host (apply, --host, verify --kernel); here there is no host to read: name one, e.g. --profile %s",
			ErrFamily, family, strings.Join(names, ", "), names[0])
	}
	hostOS, err := host.ReadOS(hostRoot)
	if err != nil {
		return nil, fmt.Errorf("%w: %q means the profile of this host's product, and %v; name one of %s", ErrFamily, family, err, strings.Join(names, ", "))
	}
	for _, p := range members {
		if p.Product == hostOS.Product {
			return p, nil
		}
	}
	return nil, fmt.Errorf("%w: this host is %s (product %s, from %s), and there is no %s profile for it: the %s profiles are for %s; name one with --profile to use its rules here anyway",
		ErrFamily, hostOS.PrettyName, hostOS.Product, hostOS.From, family, family, strings.Join(products, ", "))
}

// usrMerged are the products whose /bin, /sbin, /lib and /lib64 are links
// into /usr (RHEL since 7's UsrMove, Ubuntu since 21.10 and Debian since
// 12 install merged-/usr, Amazon Linux 2023 too; SLES 15 keeps them
// apart): a rule naming /sbin/unix_chkpwd watches /usr/sbin/unix_chkpwd
// there.
var usrMerged = map[string]bool{"rhel8": true, "rhel9": true, "rhel10": true, "ubuntu2204": true, "ubuntu2404": true, "debian12": true, "al2023": true}

// UsrMerged says whether the profile's product has /bin, /sbin and /lib
// under /usr, so that verify judges /sbin/x and /usr/sbin/x as one path
// without asking the host.
func (p *Profile) UsrMerged() bool { return usrMerged[p.Product] }
