package live

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"syscall"
	"testing"
	"time"

	"github.com/auditpack/auditpack/packs/model"
)

// TestChildProcess is the child when the tests start this binary as
// one (see testRunner); as a test of its own it does nothing.
func TestChildProcess(t *testing.T) {
	if !slices.Contains(os.Args, "live-child") {
		t.Skip("run by the other tests as a live child")
	}
	if err := Child(os.Stdin, os.Stdout); err != nil {
		os.Stderr.WriteString(err.Error())
		os.Exit(1)
	}
	os.Exit(0)
}

// testRunner runs children as this test binary, owned by the user who
// runs the tests.
func testRunner() *ExecRunner {
	return &ExecRunner{Exe: os.Args[0], Args: []string{"-test.run=^TestChildProcess$", "--", "live-child"}, Owner: os.Getuid(), Group: os.Getgid()}
}

func TestPrepareScratch(t *testing.T) {
	r := testRunner()
	dir, err := r.Prepare()
	if err != nil {
		t.Fatal(err)
	}
	if filepath.Dir(dir) != filepath.Clean(os.TempDir()) {
		t.Errorf("scratch %s is not under %s", dir, os.TempDir())
	}
	for name, mode := range map[string]os.FileMode{
		"":                  os.ModeDir | 0o700,
		"noexec":            0o600,
		"box":               os.ModeDir | 0o700,
		"box/own":           0o600,
		"box/root":          0o644,
		"box/locked":        os.ModeDir | 0o700,
		"box/sticky":        os.ModeDir | os.ModeSticky | 0o777,
		"box/sticky/victim": 0o644,
		"box/sticky/vdir":   os.ModeDir | 0o755,
	} {
		info, err := os.Lstat(filepath.Join(dir, name))
		switch {
		case err != nil:
			t.Error(err)
		case info.Mode() != mode:
			t.Errorf("%s: mode %s, want %s", name, info.Mode(), mode)
		case name == "noexec" && info.Size() != 0:
			t.Error("noexec is not empty")
		}
	}
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Lstat(dir); !os.IsNotExist(err) {
		t.Errorf("the scratch directory is still there: %v", err)
	}
}

// A child makes the calls of the catalogue for real, in both ABIs (the
// 32-bit ones through int 0x80), and reports how they ended. Run as an
// unprivileged user, the calls whose outcome does not depend on who owns
// the scratch files end as planned; the watch calls on real files end
// refused, and change nothing.
func TestChildCalls(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("the children of this test act as the user running it; run it as a user other than root")
	}
	kinds := []string{
		"fchmod/EBADF", "fchown/EBADF", "ftruncate/EINVAL", "adjtimex/EFAULT", "clock_settime/EFAULT", "mount_setattr/EINVAL",
		"settimeofday/EPERM", "init_module/EPERM", "finit_module/EPERM", "delete_module/EPERM", "mount/EPERM", "umount2/EPERM",
		"mknod/EPERM", "mknodat/EPERM", "open_by_handle_at/EPERM", "truncate/EPERM", "ftruncate/EPERM", "open/EPERM", "openat/EPERM",
		"openat2/EPERM", "creat/EPERM", "landlock_create_ruleset/error", "landlock_add_rule/error", "landlock_restrict_self/error",
		"lsm_set_self_attr/EINVAL", "execve/EACCES", "creat/success", "fchmod/success", "unlink/success", "rename/success", "rmdir/success",
	}
	b32only := []string{"stime/EFAULT", "umount/EPERM"}
	real := map[string]string{"watch-write/refused": "/etc/passwd", "watch-attr/refused": "/etc/passwd", "watch-read/refused": "/etc/passwd"}
	before, err := os.Stat("/etc/passwd")
	if err != nil {
		t.Skip(err)
	}
	abis := []model.ABI{model.B64}
	if Can32 {
		abis = append(abis, model.B32)
	}
	for _, abi := range abis {
		t.Run(abi.String(), func(t *testing.T) {
			r := testRunner()
			scratch, err := r.Prepare()
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			who := Identity{AUID: unset, UID: uint32(os.Getuid()), EUID: uint32(os.Geteuid()), GID: uint32(os.Getgid()), EGID: uint32(os.Getegid())}
			job := &Job{ABI: abi, Who: who, Scratch: scratch, Interval: time.Millisecond}
			names := slices.Clone(kinds)
			if abi == model.B32 {
				names = append(names, b32only...)
			}
			for _, k := range names {
				job.Calls = append(job.Calls, JobCall{ID: len(job.Calls) + 1, Kind: k})
			}
			for k, path := range real {
				job.Calls = append(job.Calls, JobCall{ID: len(job.Calls) + 1, Kind: k, Path: path})
			}
			rep, err := r.Run(context.Background(), job)
			if err != nil {
				t.Fatal(err)
			}
			if rep.PID <= 0 || rep.PID == os.Getpid() || len(rep.Results) != len(job.Calls) {
				t.Fatalf("child %d reported %d of %d calls", rep.PID, len(rep.Results), len(job.Calls))
			}
			for i, res := range rep.Results {
				call := job.Calls[i]
				p := probeByKind(call.Kind)
				switch {
				case res.NotRun != "":
					t.Errorf("%s: not made: %s", call.Kind, res.NotRun)
				case res.Errno == syscall.ENOSYS:
					// A kernel without the syscall (modules, LSM attributes):
					// the call is still audited, with exit=-ENOSYS.
					t.Logf("%s %s: this kernel has no %s (ENOSYS)", abi, call.Kind, p.syscall)
				case !p.outcome.met(res.Errno):
					t.Errorf("%s %s: %s, planned %s", abi, call.Kind, errnoName(res.Errno), p.outcome)
				case p.real && res.Errno != syscall.ENOTDIR && res.Errno != syscall.EPERM:
					t.Errorf("%s on %s: %s", call.Kind, call.Path, errnoName(res.Errno))
				}
			}
			// The calls' own files are in the box, nowhere else.
			for _, name := range []string{"new-", "renamed-"} {
				matches, _ := filepath.Glob(filepath.Join(Box(scratch), name+"*"))
				if len(matches) != 1 {
					t.Errorf("the box holds %q, want one %s file", matches, name)
				}
			}
		})
	}
	after, err := os.Stat("/etc/passwd")
	if err != nil || !after.ModTime().Equal(before.ModTime()) || after.Mode() != before.Mode() {
		t.Errorf("/etc/passwd changed: %v %v", before, after)
	}
}

// A child refuses a job that would run a write attempt as root, and a
// watch call without a clean absolute path; it makes none of its calls.
func TestChildRefuses(t *testing.T) {
	r := testRunner()
	scratch, err := r.Prepare()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	for _, job := range []*Job{
		{Who: Identity{AUID: unset, UID: nobody, EUID: 0, GID: nobody, EGID: nobody}, Calls: []JobCall{{ID: 1, Kind: "chmod/EPERM"}}},
		{Who: Identity{UID: nobody, EUID: nobody, GID: nobody, EGID: nobody}, Calls: []JobCall{{ID: 1, Kind: "watch-write/refused", Path: "/etc/../etc/shadow"}}},
		{Who: Identity{UID: nobody, EUID: nobody, GID: nobody, EGID: nobody}, Calls: []JobCall{{ID: 1, Kind: "chmod/EPERM", Path: "/etc/shadow"}}},
		{Who: Identity{UID: nobody, EUID: nobody, GID: nobody, EGID: nobody}, Calls: []JobCall{{ID: 1, Kind: "reboot/EPERM"}}},
	} {
		job.Scratch = scratch
		rep, err := r.Run(context.Background(), job)
		if err != nil {
			t.Fatal(err)
		}
		if len(rep.Results) != 1 || rep.Results[0].NotRun == "" {
			t.Errorf("%+v: the child made the call: %+v", job.Calls[0], rep.Results)
		}
	}
}
