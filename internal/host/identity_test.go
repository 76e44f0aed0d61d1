package host

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

// A host is identified from its files alone: a copy under a root says the
// same as the host would.
func TestIdentify(t *testing.T) {
	root := t.TempDir()
	files := map[string]string{
		"proc/sys/kernel/hostname": "web01\n",
		"etc/hostname":             "ignored\n",
		"etc/hosts":                "127.0.0.1 localhost\n192.0.2.10 web01.example.mil web01 # the host\n",
		"etc/os-release":           "ID=rhel\nVERSION_ID=9.4\nPRETTY_NAME=\"Red Hat Enterprise Linux 9.4 (Plow)\"\n",
		"proc/net/fib_trie": `Main:
  +-- 0.0.0.0/0 3 0 5
     |-- 127.0.0.1
        /32 host LOCAL
     |-- 192.0.2.10
        /32 host LOCAL
     |-- 192.0.2.255
        /32 link BROADCAST
Local:
  +-- 0.0.0.0/0 3 0 5
     |-- 192.0.2.10
        /32 host LOCAL
`,
		"proc/net/if_inet6": "00000000000000000000000000000001 01 80 10 80       lo\n" +
			"20010db8000000000000000000000010 02 40 00 80     eth0\n" +
			"fe80000000000000505400fffe123456 02 40 20 80     eth0\n",
		"sys/class/net/lo/address":     "00:00:00:00:00:00\n",
		"sys/class/net/eth0/address":   "52:54:00:12:34:56\n",
		"sys/class/net/eth0/operstate": "up\n",
		"sys/class/net/eth1/address":   "52:54:00:ab:cd:ef\n",
		"sys/class/net/eth1/operstate": "down\n",
	}
	for name, data := range files {
		p := filepath.Join(root, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want := Identity{HostName: "web01", FQDN: "web01.example.mil", IPs: []string{"192.0.2.10", "2001:db8::10"}, MACs: []string{"52:54:00:12:34:56"},
		OS: "Red Hat Enterprise Linux 9.4 (Plow)"}
	if got := Identify(root); !reflect.DeepEqual(got, want) {
		t.Errorf("Identify = %+v\nwant       %+v", got, want)
	}
	if got := Identify(t.TempDir()); !reflect.DeepEqual(got, Identity{}) {
		t.Errorf("a root without the files gives %+v, want nothing", got)
	}
}
