package host

import (
	"bufio"
	"bytes"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// Identity is how an assessor's checklist names a host: its name, fully
// qualified name, addresses and system.
type Identity struct {
	HostName, FQDN string
	IPs, MACs      []string // sorted; loopback and link-local left out
	OS             string   // os-release's PRETTY_NAME
}

// Identify reads the identity of the host whose files are under root ("/"
// for this machine; a copy in tests), from files only, so that a test can
// give a host of its own: the kernel's host name (/proc/sys/kernel/hostname,
// else /etc/hostname), the fully qualified name /etc/hosts gives it, the
// local IPv4 addresses of /proc/net/fib_trie and the IPv6 ones of
// /proc/net/if_inet6, and the MAC addresses of the interfaces that are not
// down (/sys/class/net). What a file does not say stays empty.
func Identify(root string) Identity {
	var id Identity
	read := func(name string) []byte {
		data, _ := os.ReadFile(filepath.Join(root, name))
		return data
	}
	id.HostName = strings.TrimSpace(string(read("/proc/sys/kernel/hostname")))
	if id.HostName == "" {
		id.HostName = strings.TrimSpace(string(read("/etc/hostname")))
	}
	id.FQDN = fqdnOf(id.HostName, read("/etc/hosts"))
	id.IPs = append(localIPv4(read("/proc/net/fib_trie")), localIPv6(read("/proc/net/if_inet6"))...)
	slices.Sort(id.IPs)
	id.IPs = slices.Compact(id.IPs)
	id.MACs = macs(filepath.Join(root, "/sys/class/net"))
	if o, err := ReadOS(root); err == nil {
		id.OS = o.PrettyName
	}
	return id
}

// fqdnOf is the host's fully qualified name: the name itself when it has
// a dot, else the first dotted name that /etc/hosts lists on a line with
// it (as getent hosts and hostname -f find it there).
func fqdnOf(name string, hosts []byte) string {
	if name == "" || strings.Contains(name, ".") {
		return name
	}
	sc := bufio.NewScanner(bytes.NewReader(hosts))
	for sc.Scan() {
		line, _, _ := strings.Cut(sc.Text(), "#")
		fields := strings.Fields(line)
		if len(fields) < 2 || !slices.Contains(fields[1:], name) {
			continue
		}
		for _, f := range fields[1:] {
			if strings.HasPrefix(f, name+".") {
				return f
			}
		}
	}
	return ""
}

// localIPv4 reads the addresses of this host from the kernel's routing
// trie: each "/32 host LOCAL" leaf follows the line of its address.
func localIPv4(trie []byte) []string {
	var out []string
	last := ""
	sc := bufio.NewScanner(bytes.NewReader(trie))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if addr, ok := strings.CutPrefix(line, "|-- "); ok {
			last = addr
			continue
		}
		if strings.HasPrefix(line, "/32 host LOCAL") {
			if a, err := netip.ParseAddr(last); err == nil && !a.IsLoopback() && !a.IsLinkLocalUnicast() {
				out = append(out, a.String())
			}
		}
	}
	return out
}

// localIPv6 reads /proc/net/if_inet6: the address in 32 hex digits first.
func localIPv6(table []byte) []string {
	var out []string
	for _, line := range strings.Split(string(table), "\n") {
		fields := strings.Fields(line)
		if len(fields) < 6 || len(fields[0]) != 32 {
			continue
		}
		h := fields[0]
		a, err := netip.ParseAddr(strings.Join([]string{h[0:4], h[4:8], h[8:12], h[12:16], h[16:20], h[20:24], h[24:28], h[28:32]}, ":"))
		if err == nil && !a.IsLoopback() && !a.IsLinkLocalUnicast() {
			out = append(out, a.String())
		}
	}
	return out
}

// macs are the hardware addresses of the interfaces that are not down,
// the loopback's zeros left out.
func macs(dir string) []string {
	entries, _ := os.ReadDir(dir)
	var out []string
	for _, e := range entries {
		addr, _ := os.ReadFile(filepath.Join(dir, e.Name(), "address"))
		state, _ := os.ReadFile(filepath.Join(dir, e.Name(), "operstate"))
		mac := strings.TrimSpace(string(addr))
		if mac == "" || mac == "00:00:00:00:00:00" || strings.TrimSpace(string(state)) == "down" {
			continue
		}
		out = append(out, mac)
	}
	slices.Sort(out)
	return slices.Compact(out)
}
