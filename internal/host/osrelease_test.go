package host

import "testing"

// Products as the packs name them: RHEL rebuilds are RHEL, Oracle Linux
// and CentOS Stream keep their own key.
func TestOSReleaseProduct(t *testing.T) {
	for text, want := range map[string]string{
		"ID=\"rhel\"\nVERSION_ID=\"9.4\"\n":                  "rhel9",
		"ID=\"rocky\"\nVERSION_ID=\"8.10\"\n":                "rhel8",
		"ID=\"almalinux\"\nVERSION_ID=\"10.0\"\n":            "rhel10",
		"ID=\"ol\"\nVERSION_ID=\"9.4\"\n":                    "ol9",
		"ID=\"centos\"\nVERSION_ID=\"9\"\n":                  "centos9",
		"ID=ubuntu\nVERSION_ID=\"22.04\"\n":                  "ubuntu2204",
		"ID=ubuntu\nVERSION_ID=\"24.04\"\n":                  "ubuntu2404",
		"ID=\"sles\"\nVERSION_ID=\"15.6\"\n":                 "sles15",
		"ID=\"amzn\"\nVERSION_ID=\"2023\"\n":                 "al2023",
		"# comment\n\nID=debian\nVERSION_ID=\"12\"\n":        "debian12",
		"ID='fedora'\nVERSION_ID=42\nPRETTY_NAME='Fedora'\n": "fedora42",
	} {
		o, err := ParseOSRelease([]byte(text), "os-release")
		if err != nil || o.Product != want {
			t.Errorf("%q: %q (%v), want %s", text, o.Product, err, want)
		}
	}
	for _, bad := range []string{"VERSION_ID=9\n", "ID\n"} {
		if _, err := ParseOSRelease([]byte(bad), "os-release"); err == nil {
			t.Errorf("%q read without error", bad)
		}
	}
	o, err := ReadOS("../../testdata/hosts/audit4")
	if err != nil || o.Product != "rhel10" || o.From != "/usr/lib/os-release" || o.PrettyName != "Red Hat Enterprise Linux 10.0 (Coughlan)" {
		t.Errorf("audit4: %+v %v", o, err)
	}
}
