package lint

import (
	"os"
	"os/exec"
	"testing"

	"github.com/auditpack/auditpack/packs/model"
)

// The table tests run against audit userspace 3.0.9's tables, whatever
// this machine has installed: x86_64 and i386 both end at 450
// (set_mempolicy_home_node), and every syscall since 424 has one number on
// every ABI.
var realHostLoaderTable = hostLoaderTable

var realHostRunsSELinux = hostRunsSELinux

var realHostLoaderVersion = hostLoaderVersion

func TestMain(m *testing.M) {
	// The table tests describe a host without SELinux, as CI's Debian is.
	hostRunsSELinux, hostLoaderVersion, hostLoaderTable = fakeRunsSELinux, fakeLoaderVersion, fakeLoaderTable
	os.Exit(m.Run())
}

func fakeRunsSELinux() bool { return false }

func fakeLoaderVersion() (string, bool) { return "3.0.9", true }

func fakeLoaderTable(table string) (loaderTable, bool, error) {
	lt := loaderTable{Version: "auditctl version 3.0.9", Numbers: map[int]bool{}}
	for abi := range 2 {
		if model.Native().TableName(model.ABI(abi)) != table {
			continue
		}
		for n := range model.Native().SyscallNames(model.ABI(abi)) {
			lt.Numbers[n] = n <= 450
		}
	}
	return lt, true, nil
}

// The real ausyscall agrees with auditpack's tables: every number the
// host's loader names, auditpack names too; on 3.0.9 (Debian 12, CI) the
// tables end exactly where the stand-in above says.
func TestHostLoaderTable(t *testing.T) {
	if _, err := exec.LookPath("ausyscall"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("CI must run this test: ausyscall is missing (apt-get install -y auditd)")
		}
		t.Skip("ausyscall is not installed (apt-get install -y auditd)")
	}
	native := model.Native()
	for abi := range 2 {
		table := native.TableName(model.ABI(abi))
		lt, ok, err := realHostLoaderTable(table)
		if err != nil || !ok {
			t.Fatalf("%s: ok=%v err=%v", table, ok, err)
		}
		if len(lt.Numbers) < 300 {
			t.Fatalf("%s: only %d syscalls read from ausyscall", table, len(lt.Numbers))
		}
		names := native.SyscallNames(model.ABI(abi))
		highest := 0
		for n := range lt.Numbers {
			if _, ok := names[n]; !ok {
				t.Errorf("%s: %s knows syscall %d, auditpack's table does not", table, lt.Version, n)
			}
			highest = max(highest, n)
		}
		if lt.Version == "auditctl version 3.0.9" && highest != 450 {
			t.Errorf("%s: 3.0.9's table ends at %d, want 450", table, highest)
		}
		t.Logf("%s: %s, %d syscalls up to %d", table, lt.Version, len(lt.Numbers), highest)
	}
}
