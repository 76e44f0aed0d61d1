package live

import (
	"context"
	"encoding/hex"
	"fmt"
	"strings"
	"syscall"
	"time"

	"github.com/elastic/go-libaudit/v2/auparse"

	"github.com/auditpack/auditpack/packs/model"
)

// fakeKernel stands for the audit subsystem in tests: the rules it
// holds decide each call a fakeRunner makes, as model.Decide says the
// kernel does, and it writes the records the kernel would write, in the
// kernel's own text.
type fakeKernel struct {
	machine *model.Target
	eval    []*model.Rule
	status  Status
	// lose makes the kernel lose the records of calls of these kinds
	// and count them lost.
	lose map[string]bool
	// links are the host's symbolic links: an exec follows them, so the
	// kernel sees the target's inode and a watch of the link misses it.
	links   map[string]string
	serial  uint32
	pending []Record
	marks   int
}

func (k *fakeKernel) Status() (Status, error) { return k.status, nil }

func (k *fakeKernel) Listen() (Listener, error) { return k, nil }

func (k *fakeKernel) Mark(text string) error {
	k.marks++
	k.serial++
	k.pending = append(k.pending, Record{Type: uint16(auparse.AUDIT_USER),
		Text: fmt.Sprintf("audit(1714550400.%03d:%d): pid=1 uid=0 auid=4294967295 ses=4294967295 msg='%s'", k.serial%1000, k.serial, text)})
	return nil
}

func (k *fakeKernel) Until(text string, _ time.Time) ([]Record, error) {
	for i, r := range k.pending {
		if strings.Contains(r.Text, text) {
			out := k.pending[:i]
			k.pending = k.pending[i+1:]
			return out, nil
		}
	}
	return nil, ErrNoMarker
}

func (k *fakeKernel) Close() error { return nil }

// exit records a call as the kernel does when it ends: decided by the
// exit list, its SYSCALL record dropped by the exclude list.
func (k *fakeKernel) exit(ev model.Event, pid int, cwd string, names []string, kind string) {
	d := model.Decide(k.eval, model.ListExit, &ev)
	if d.Rule == nil || d.Rule.Action == model.Never {
		return
	}
	if k.lose[kind] {
		k.status.Lost++
		return
	}
	k.serial++
	head := fmt.Sprintf("audit(1714550400.%03d:%d): ", k.serial%1000, k.serial)
	success := "no"
	if ev.Success {
		success = "yes"
	}
	key := "(null)"
	if len(d.Rule.Keys) == 1 {
		key = `"` + d.Rule.Keys[0] + `"`
	} else if len(d.Rule.Keys) > 1 {
		key = strings.ToUpper(hex.EncodeToString([]byte(strings.Join(d.Rule.Keys, "\x01"))))
	}
	id := ev.IDs
	auid := fmt.Sprint(id.AUID)
	if x := model.Decide(k.eval, model.ListExclude, &ev); x.Rule == nil {
		k.pending = append(k.pending, Record{Type: uint16(auparse.AUDIT_SYSCALL), Text: head + fmt.Sprintf(
			"arch=%x syscall=%d success=%s exit=%d a0=%x a1=%x a2=%x a3=%x items=%d ppid=100 pid=%d auid=%s uid=%d gid=%d euid=%d suid=%d fsuid=%d egid=%d sgid=%d fsgid=%d tty=(none) ses=3 comm=\"auditpack\" exe=\"%s\" subj=unconfined key=%s",
			k.machine.ArchConst(ev.ABI), ev.Syscall, success, ev.Exit, ev.Args[0], ev.Args[1], ev.Args[2], ev.Args[3], len(names), pid,
			auid, id.UID, id.GID, id.EUID, id.SUID, id.FSUID, id.EGID, id.SGID, id.FSGID, ev.Exe, key)})
	}
	if len(names) > 0 {
		k.pending = append(k.pending, Record{Type: uint16(auparse.AUDIT_CWD), Text: head + `cwd="` + cwd + `"`})
	}
	for i, n := range names {
		k.pending = append(k.pending, Record{Type: uint16(auparse.AUDIT_PATH), Text: head + fmt.Sprintf(
			"item=%d name=\"%s\" inode=%d dev=fd:00 mode=0100644 ouid=0 ogid=0 rdev=00:00 nametype=NORMAL cap_fp=0 cap_fi=0 cap_fe=0 cap_fver=0 cap_frootid=0", i, n, 4000+i)})
	}
	k.pending = append(k.pending,
		Record{Type: uint16(auparse.AUDIT_PROCTITLE), Text: head + "proctitle=" + strings.ToUpper(hex.EncodeToString([]byte("auditpack")))},
		Record{Type: uint16(auparse.AUDIT_EOE), Text: head})
}

// fakeRunner makes a job's calls on the fake kernel: each call ends as
// its probe plans (or as errnos says), with the job's identity.
type fakeRunner struct {
	k       *fakeKernel
	scratch string
	pid     int
	errnos  map[string]syscall.Errno // by probe kind: how it ends instead
	fail    map[model.ABI]string     // the children of an ABI cannot start
	jobs    []*Job
	closed  bool
}

func (r *fakeRunner) Prepare() (string, error) {
	r.scratch = "/tmp/auditpack-live-test"
	return r.scratch, nil
}

func (r *fakeRunner) Close() error { r.closed = true; return nil }

func (r *fakeRunner) Run(_ context.Context, job *Job) (*ChildReport, error) {
	r.jobs = append(r.jobs, job)
	if why := r.fail[job.ABI]; why != "" {
		return nil, fmt.Errorf("%s", why)
	}
	r.pid++
	pid := 5000 + r.pid
	rep := &ChildReport{PID: pid}
	for _, c := range job.Calls {
		p := probeByKind(c.Kind)
		nr, _ := r.k.machine.Syscall(job.ABI, p.syscall)
		pl := planner{self: Self{Scratch: job.Scratch, Exe: "/usr/bin/auditpack"}, machine: r.k.machine}
		ev := pl.event(p, job.ABI, nr, job.Who, c.Path, c.ID)
		errno, ok := r.errnos[c.Kind]
		if !ok {
			errno = p.outcome.errno
			if !p.outcome.exact() {
				errno = syscall.ENOTDIR
			}
		}
		ev.Success, ev.Exit = errno == 0, -int64(errno)
		if target, ok := r.k.links[c.Path]; ok && p.syscall == "execve" {
			ev.Paths = []string{target}
		}
		var names []string
		for _, n := range ev.Paths {
			names = append(names, strings.TrimPrefix(n, Box(job.Scratch)+"/"))
		}
		r.k.exit(ev, pid, Box(job.Scratch), names, c.Kind)
		rep.Results = append(rep.Results, CallResult{ID: c.ID, Errno: errno, Args: ev.Args})
	}
	return rep, nil
}
