package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/auditpack/auditpack/live"
	"github.com/auditpack/auditpack/packs/model"
)

// --live proves a kernel's rules: with a rules file it is a usage error.
func TestVerifyLiveNeedsKernel(t *testing.T) {
	r := runIn(testEnv(t), "verify", "--profile", "stig-rhel9", "--rules", filepath.Join(repoRoot, "compile/testdata/profile-stig-rhel9.golden"), "--live")
	if r.code != exitInput || !strings.Contains(r.stderr, "--live goes with --kernel") {
		t.Errorf("exit %d: %s", r.code, r.stderr)
	}
}

func TestExplainLive(t *testing.T) {
	r := runIn(testEnv(t), "explain", "--live")
	if r.code != exitOK {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	for _, want := range []string{"verify --profile P --kernel --live proves", "\nwatch-write/refused\n    openat(AT_FDCWD, \"<watched path>\", O_WRONLY|O_DIRECTORY|O_NOFOLLOW)\n"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("explain --live lacks %q", want)
		}
	}
}

// The binary runs as verify --live's child through its hidden command;
// the child makes its calls and says how they ended.
func TestLiveChildCommand(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("the child acts as the user running the test; run it as a user other than root")
	}
	r := &live.ExecRunner{Exe: buildBinary(t), Owner: os.Getuid(), Group: os.Getgid()}
	scratch, err := r.Prepare()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	who := live.Identity{AUID: 1<<32 - 1, UID: uint32(os.Getuid()), EUID: uint32(os.Geteuid()), GID: uint32(os.Getgid()), EGID: uint32(os.Getegid())}
	job := &live.Job{ABI: model.B64, Who: who, Scratch: scratch, Interval: time.Millisecond,
		Calls: []live.JobCall{{ID: 1, Kind: "fchmod/EBADF"}, {ID: 2, Kind: "watch-write/refused", Path: "/etc/passwd"}}}
	rep, err := r.Run(context.Background(), job)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Results) != 2 || rep.Results[0].Errno != syscall.EBADF || rep.Results[1].Errno != syscall.ENOTDIR {
		t.Errorf("child %d: %+v", rep.PID, rep.Results)
	}
}
