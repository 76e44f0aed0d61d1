package lint

import (
	"testing"

	"github.com/auditpack/auditpack/internal/host"
	"github.com/auditpack/auditpack/internal/testenv"
	"github.com/auditpack/auditpack/packs/model"
)

// The real ausyscall agrees with auditpack's tables: every number the
// host's loader names, auditpack names too; on 3.0.9 (Debian 12, CI) the
// tables end exactly where the stand-in above says.
func TestHostLoaderTable(t *testing.T) {
	testenv.Tool(t, "ausyscall", "apt-get install -y auditd")
	native := model.Native()
	for abi := range 2 {
		table := native.TableName(model.ABI(abi))
		numbers, ok, err := host.Local{}.LoaderTable(table)
		if err != nil || !ok {
			t.Fatalf("%s: ok=%v err=%v", table, ok, err)
		}
		version, _ := host.Local{}.LoaderVersion()
		if len(numbers) < 300 {
			t.Fatalf("%s: only %d syscalls read from ausyscall", table, len(numbers))
		}
		names := native.SyscallNames(model.ABI(abi))
		highest := 0
		for n := range numbers {
			if _, ok := names[n]; !ok {
				t.Errorf("%s: auditctl %s knows syscall %d, auditpack's table does not", table, version, n)
			}
			highest = max(highest, n)
		}
		if version == "3.0.9" && highest != 450 {
			t.Errorf("%s: 3.0.9's table ends at %d, want 450 (as the table tests' fake host says)", table, highest)
		}
		t.Logf("%s: auditctl %s, %d syscalls up to %d", table, version, len(numbers), highest)
	}
}
