package live

import (
	"bufio"
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// ExecRunner runs each job in a child: this binary again (Exe, by
// default /proc/self/exe), started with ChildCommand in the box of a
// private scratch directory, with an empty environment, killed if the
// run stops.
type ExecRunner struct {
	Exe     string   // the binary; "" for /proc/self/exe
	Args    []string // the arguments that reach Child; nil for [ChildCommand]
	Owner   int      // the user the box belongs to (the children's); 0 for 65534
	Group   int      // its group; 0 for 65534
	scratch string
}

// Prepare makes the scratch directory, mode 0700, under os.TempDir:
//
//	noexec          empty file of root, mode 0600: the refused exec
//	box/            the children's directory, their user's, mode 0700
//	box/own         empty file of the children, mode 0600
//	box/root        empty file of root, mode 0644
//	box/locked/     directory of root, mode 0700
//	box/sticky/     directory of root, mode 01777, with
//	  victim, vdir/ a file and a directory of root
//
// Only root can enter it; the children enter the box because they start
// there.
func (r *ExecRunner) Prepare() (string, error) {
	dir, err := os.MkdirTemp("", "auditpack-live-")
	if err != nil {
		return "", err
	}
	r.scratch = dir
	owner, group := cmp.Or(r.Owner, nobody), cmp.Or(r.Group, nobody)
	box := Box(dir)
	steps := []func() error{
		func() error { return os.WriteFile(filepath.Join(dir, "noexec"), nil, 0o600) },
		func() error { return os.Mkdir(box, 0o700) },
		func() error { return os.WriteFile(filepath.Join(box, objOwn), nil, 0o600) },
		func() error { return os.Lchown(filepath.Join(box, objOwn), owner, group) },
		func() error { return writeMode(filepath.Join(box, objRoot), 0o644) },
		func() error { return os.Mkdir(filepath.Join(box, "locked"), 0o700) },
		func() error { return os.Mkdir(filepath.Join(box, "sticky"), 0o777) },
		func() error { return os.Chmod(filepath.Join(box, "sticky"), 0o777|os.ModeSticky) },
		func() error { return writeMode(filepath.Join(box, objVictim), 0o644) },
		func() error { return os.Mkdir(filepath.Join(box, objVictimD), 0o755) },
		func() error { return os.Lchown(box, owner, group) },
	}
	for _, step := range steps {
		if err := step(); err != nil {
			os.RemoveAll(dir)
			return "", err
		}
	}
	return dir, nil
}

// writeMode writes an empty file with exactly this mode (not masked).
func writeMode(path string, mode os.FileMode) error {
	if err := os.WriteFile(path, nil, mode); err != nil {
		return err
	}
	return os.Chmod(path, mode)
}

// Close removes the scratch directory with all the children made in it.
func (r *ExecRunner) Close() error {
	if r.scratch == "" {
		return nil
	}
	err := os.RemoveAll(r.scratch)
	r.scratch = ""
	return err
}

// Run starts a child for the job and reads what it did.
func (r *ExecRunner) Run(ctx context.Context, job *Job) (*ChildReport, error) {
	input, err := json.Marshal(job)
	if err != nil {
		return nil, err
	}
	// A child that hangs is killed: its calls and pauses, and a margin.
	ctx, cancel := context.WithTimeout(ctx, time.Duration(len(job.Calls))*job.Interval+30*time.Second)
	defer cancel()
	exe, args := r.Exe, r.Args
	if exe == "" {
		exe = "/proc/self/exe"
	}
	if args == nil {
		args = []string{ChildCommand}
	}
	cmd := exec.CommandContext(ctx, exe, args...)
	cmd.Dir, cmd.Env = Box(job.Scratch), []string{}
	cmd.Stdin = bytes.NewReader(input)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	runErr := cmd.Run()
	rep, perr := readChild(&stdout)
	switch {
	case ctx.Err() != nil && rep == nil:
		return nil, fmt.Errorf("the child was stopped: %w", ctx.Err())
	case runErr != nil && rep == nil:
		return nil, fmt.Errorf("the child failed: %v: %s", runErr, strings.TrimSpace(stderr.String()))
	case perr != nil:
		return nil, perr
	}
	if runErr != nil {
		// It died part way (a 32-bit call where this kernel has none ends
		// it with SIGSEGV): the calls it did not report were not made.
		done := map[int]bool{}
		for _, res := range rep.Results {
			done[res.ID] = true
		}
		for _, c := range job.Calls {
			if !done[c.ID] {
				rep.Results = append(rep.Results, CallResult{ID: c.ID, NotRun: fmt.Sprintf("the child ended before it (%v)", runErr)})
			}
		}
	}
	return rep, nil
}

// readChild reads a child's lines: its pid, then one line per call.
func readChild(out *bytes.Buffer) (*ChildReport, error) {
	sc := bufio.NewScanner(out)
	var rep *ChildReport
	for sc.Scan() {
		var l childLine
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			return rep, fmt.Errorf("the child wrote %q: %w", sc.Text(), err)
		}
		switch {
		case rep == nil && l.PID > 0:
			rep = &ChildReport{PID: l.PID}
		case rep == nil:
			return nil, errors.New("the child did not say its pid first")
		default:
			rep.Results = append(rep.Results, CallResult{ID: l.ID, Errno: syscall.Errno(l.Errno), Args: l.Args, NotRun: l.NotRun})
		}
	}
	return rep, sc.Err()
}
