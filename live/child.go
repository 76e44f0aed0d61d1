package live

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"syscall"
	"time"
	"unsafe"

	"github.com/auditpack/auditpack/packs/model"
)

// ChildCommand is the hidden subcommand a live run starts its children
// with: the same binary, so a child is a fresh process that takes its
// identity before it makes any call.
const ChildCommand = "__live-child"

// childLine is one line a child writes: its pid first, then one line per
// call.
type childLine struct {
	PID    int       `json:"pid,omitempty"`
	ID     int       `json:"id,omitempty"`
	Errno  int       `json:"errno"`
	Args   [4]uint64 `json:"args"`
	NotRun string    `json:"not_run,omitempty"`
}

// Child is a child's whole work: it reads its job (JSON) from in, takes
// the job's identity, makes the calls, and writes what happened to out,
// one JSON line per call. It runs as root in the box of the scratch
// directory, where the runner started it.
func Child(in io.Reader, out io.Writer) error {
	// The loginuid and the credentials are the thread's: every call
	// below is made from this one.
	runtime.LockOSThread()
	var job Job
	if err := json.NewDecoder(in).Decode(&job); err != nil {
		return fmt.Errorf("read the job: %w", err)
	}
	enc := json.NewEncoder(out)
	if err := enc.Encode(childLine{PID: os.Getpid()}); err != nil {
		return err
	}
	c, err := newCaller(&job)
	if err == nil {
		defer c.release()
		err = c.takeIdentity()
	}
	if err != nil {
		for _, call := range job.Calls {
			if werr := enc.Encode(childLine{ID: call.ID, NotRun: err.Error()}); werr != nil {
				return werr
			}
		}
		return nil
	}
	for _, call := range job.Calls {
		time.Sleep(job.Interval)
		line := childLine{ID: call.ID}
		args, errno, err := c.make(call)
		if err != nil {
			line.NotRun = err.Error()
		}
		line.Errno, line.Args = int(errno), args
		if err := enc.Encode(line); err != nil {
			return err
		}
	}
	return nil
}

// caller makes a job's calls.
type caller struct {
	job     *Job
	machine *model.Target
	fds     map[string]int // root, own, memfd
	// noMemfd says why there is no sealed memfd (a host that refuses
	// memfds, vm.memfd_noexec=2 on an old kernel): the calls on it are
	// not made.
	noMemfd error
	arena   []byte // argument memory a 32-bit call can reach
	used    int
}

func newCaller(job *Job) (*caller, error) {
	if job.ABI == model.B32 && !Can32 {
		return nil, errors.New("this machine makes no 32-bit syscalls")
	}
	if !filepath.IsAbs(job.Scratch) || filepath.Clean(job.Scratch) != job.Scratch {
		return nil, fmt.Errorf("scratch directory %q is not a clean absolute path", job.Scratch)
	}
	c := &caller{job: job, machine: model.Native(), fds: map[string]int{}}
	for _, call := range job.Calls {
		p := probeByKind(call.Kind)
		if p == nil {
			return nil, fmt.Errorf("no probe %q", call.Kind)
		}
		if p.real != (call.Path != "") || p.real && (!filepath.IsAbs(call.Path) || filepath.Clean(call.Path) != call.Path) {
			return nil, fmt.Errorf("probe %s with path %q", call.Kind, call.Path)
		}
		if !p.exec && (job.Who.UID == 0 || job.Who.EUID == 0 || job.Who.GID == 0 || job.Who.EGID == 0) {
			return nil, fmt.Errorf("probe %s as %s: only the refused exec may run with a user or group ID 0", call.Kind, job.Who)
		}
	}
	// Root's scratch file is opened for reading (never read) while the
	// child is still root; the calls on it are then refused to uid 65534.
	for name, flags := range map[string]int{"root": syscall.O_RDONLY, "own": syscall.O_RDWR} {
		fd, err := syscall.Open(name, flags|syscall.O_NOFOLLOW|syscall.O_CLOEXEC, 0)
		if err != nil {
			return nil, fmt.Errorf("open the scratch file %s: %w", name, err)
		}
		c.fds[name] = fd
	}
	arena, err := syscall.Mmap(-1, 0, 1<<16, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_PRIVATE|syscall.MAP_ANON|lowMapFlags)
	if err != nil {
		return nil, fmt.Errorf("map argument memory: %w", err)
	}
	c.arena = arena
	return c, nil
}

func (c *caller) release() {
	for _, fd := range c.fds {
		syscall.Close(fd)
	}
	syscall.Munmap(c.arena)
}

// takeIdentity sets the loginuid (only this thread's, and its
// children's) and drops to the job's users and groups; from then on
// the child cannot gain privileges.
func (c *caller) takeIdentity() error {
	who := c.job.Who
	if c.job.SetLoginuid {
		err := os.WriteFile("/proc/thread-self/loginuid", []byte(strconv.FormatUint(uint64(who.AUID), 10)), 0)
		if err != nil {
			return fmt.Errorf("the kernel refused to set the loginuid to %s (loginuid immutable, or set and not to be changed): %w", auidText(who.AUID), err)
		}
	}
	// The sealed memfd: truncating it (to less than its one byte) is
	// refused, which is the EPERM of the truncate and open probes.
	if memfd, err := c.memfdSealed(); err != nil {
		c.noMemfd = err
	} else {
		c.fds["memfd"] = memfd
	}
	// An unprivileged auditpack (a test) keeps its groups: it has no
	// privilege to drop, and may not set groups.
	if err := syscall.Setgroups(nil); err != nil && syscall.Geteuid() == 0 {
		return fmt.Errorf("drop the supplementary groups: %w", err)
	}
	if err := syscall.Setresgid(int(who.GID), int(who.EGID), int(who.EGID)); err != nil {
		return fmt.Errorf("set the group IDs: %w", err)
	}
	if err := syscall.Setresuid(int(who.UID), int(who.EUID), int(who.EUID)); err != nil {
		return fmt.Errorf("set the user IDs: %w", err)
	}
	const prSetNoNewPrivs = 38
	if _, _, e := syscall.RawSyscall6(syscall.SYS_PRCTL, prSetNoNewPrivs, 1, 0, 0, 0, 0); e != 0 {
		return fmt.Errorf("set no_new_privs: %w", e)
	}
	if uint32(syscall.Geteuid()) != who.EUID || uint32(syscall.Getuid()) != who.UID || uint32(syscall.Getegid()) != who.EGID {
		return errors.New("the user and group IDs did not change as asked")
	}
	return nil
}

func (c *caller) memfdSealed() (int, error) {
	// MFD_NOEXEC_SEAL where the kernel knows it (6.3), which hosts that
	// set vm.memfd_noexec=2 require.
	const mfdCloexec, mfdAllowSealing, mfdNoexecSeal = 1, 2, 8
	const fAddSeals, fSealShrink, fSealGrow = 1033, 2, 4
	nr, ok := c.machine.Syscall(model.B64, "memfd_create")
	if !ok {
		return -1, errors.New("no memfd_create syscall on this machine")
	}
	name, _ := syscall.BytePtrFromString("auditpack-sealed")
	r, _, e := syscall.Syscall(uintptr(nr), uintptr(unsafe.Pointer(name)), mfdCloexec|mfdAllowSealing|mfdNoexecSeal, 0)
	if e == syscall.EINVAL {
		r, _, e = syscall.Syscall(uintptr(nr), uintptr(unsafe.Pointer(name)), mfdCloexec|mfdAllowSealing, 0)
	}
	if e != 0 {
		return -1, fmt.Errorf("memfd_create: %w", e)
	}
	fd := int(r)
	if err := syscall.Ftruncate(fd, 1); err != nil {
		syscall.Close(fd)
		return -1, fmt.Errorf("size the memfd: %w", err)
	}
	if _, _, e := syscall.Syscall(syscall.SYS_FCNTL, uintptr(fd), fAddSeals, fSealShrink|fSealGrow); e != 0 {
		syscall.Close(fd)
		return -1, fmt.Errorf("seal the memfd: %w", e)
	}
	return fd, nil
}

// make makes one call: its setup, its arguments, the syscall. It returns
// a0..a3 as the kernel keeps them and the call's errno.
func (c *caller) make(call JobCall) ([4]uint64, syscall.Errno, error) {
	p := probeByKind(call.Kind)
	nr, ok := c.machine.Syscall(c.job.ABI, p.syscall)
	if !ok {
		return [4]uint64{}, 0, fmt.Errorf("no %s syscall %s here", c.job.ABI, p.syscall)
	}
	c.used = 0
	if c.noMemfd != nil && slices.ContainsFunc(p.args, func(a arg) bool { return a.kind == argMemfdPath || a.kind == argFD && a.s == "memfd" }) {
		return [4]uint64{}, 0, fmt.Errorf("no sealed memfd: %w", c.noMemfd)
	}
	if err := c.setup(p, call.ID); err != nil {
		return [4]uint64{}, 0, err
	}
	var args [6]uintptr
	for i, a := range p.args {
		args[i] = c.value(a, call)
	}
	var r uintptr
	var errno syscall.Errno
	if c.job.ABI == model.B32 {
		r = syscall32(uintptr(nr), args[0], args[1], args[2], args[3], args[4], args[5])
		if e := int32(r); e < 0 && e > -4096 {
			errno = syscall.Errno(-e)
		}
	} else {
		r, _, errno = syscall.Syscall6(uintptr(nr), args[0], args[1], args[2], args[3], args[4], args[5])
	}
	if errno == 0 && opensFile(p.syscall) {
		syscall.Close(int(int32(r))) // a new scratch file or a directory: closed unread
	}
	var kept [4]uint64
	for i := range kept {
		kept[i] = uint64(args[i])
		if c.job.ABI == model.B32 {
			kept[i] = uint64(uint32(args[i]))
		}
	}
	return kept, errno, nil
}

func opensFile(name string) bool {
	switch name {
	case "open", "openat", "openat2", "creat":
		return true
	}
	return false
}

// setup makes what a probe's call needs in the child's directory.
func (c *caller) setup(p *probe, id int) error {
	name := ""
	for _, a := range p.args {
		if a.kind == argUnique {
			name = uniqueName(a.s, id)
			break
		}
	}
	var err error
	switch p.setup {
	case setupFile:
		var fd int
		if fd, err = syscall.Open(name, syscall.O_WRONLY|syscall.O_CREAT|syscall.O_EXCL|syscall.O_CLOEXEC, 0o600); err == nil {
			syscall.Close(fd)
		}
	case setupDir:
		err = syscall.Mkdir(name, 0o700)
	case setupXattr:
		var fd int
		if fd, err = syscall.Open(name, syscall.O_WRONLY|syscall.O_CREAT|syscall.O_EXCL|syscall.O_CLOEXEC, 0o600); err == nil {
			syscall.Close(fd)
			err = syscall.Setxattr(name, "user.auditpack", []byte("1"), 0)
		}
	case setupOwnXattr:
		err = fsetxattr(c.fds["own"], "user.auditpack", "1")
	}
	if err != nil {
		return fmt.Errorf("prepare %s: %w", p.kind, err)
	}
	return nil
}

func fsetxattr(fd int, name, value string) error {
	n, _ := syscall.BytePtrFromString(name)
	v := []byte(value)
	_, _, e := syscall.Syscall6(syscall.SYS_FSETXATTR, uintptr(fd), uintptr(unsafe.Pointer(n)), uintptr(unsafe.Pointer(&v[0])), uintptr(len(v)), 0, 0)
	if e != 0 {
		return e
	}
	return nil
}

// value makes one argument in the arena.
func (c *caller) value(a arg, call JobCall) uintptr {
	if v, ok := a.value(c.job.ABI); ok { // a number, as the plan's event has it
		return uintptr(v)
	}
	switch a.kind {
	case argPath, argString:
		return c.cstring(a.s)
	case argReal:
		return c.cstring(call.Path)
	case argUnique:
		return c.cstring(uniqueName(a.s, call.ID))
	case argFD:
		return uintptr(c.fds[a.s])
	case argMemfdPath:
		return c.cstring("/proc/self/fd/" + strconv.Itoa(c.fds["memfd"]))
	case argNoExec:
		return c.cstring(c.job.Scratch + "/noexec")
	case argArgv:
		file := c.cstring(c.job.Scratch + "/noexec")
		if c.job.ABI == model.B32 {
			b := c.alloc(8)
			binary.LittleEndian.PutUint32(c.arena[b:], uint32(file))
			return c.addr(b)
		}
		b := c.alloc(16)
		binary.NativeEndian.PutUint64(c.arena[b:], uint64(file))
		return c.addr(b)
	case argBuf:
		return c.addr(c.alloc(int(a.n)))
	case argOpenHow:
		b := c.alloc(24)
		binary.NativeEndian.PutUint64(c.arena[b:], uint64(a.n))
		binary.NativeEndian.PutUint64(c.arena[b+8:], 0o600)
		return c.addr(b)
	case argXattrArgs:
		value := c.cstring("1")
		b := c.alloc(16)
		binary.NativeEndian.PutUint64(c.arena[b:], uint64(value))
		binary.NativeEndian.PutUint32(c.arena[b+8:], 1)
		return c.addr(b)
	case argHandle:
		b := c.alloc(16)
		binary.NativeEndian.PutUint32(c.arena[b:], 8)
		binary.NativeEndian.PutUint32(c.arena[b+4:], 1)
		return c.addr(b)
	}
	return 0
}

// alloc takes n zeroed bytes of the arena, 8-aligned, and returns their
// offset.
func (c *caller) alloc(n int) int {
	at := (c.used + 7) &^ 7
	c.used = at + n
	clear(c.arena[at:c.used])
	return at
}

func (c *caller) addr(off int) uintptr { return uintptr(unsafe.Pointer(&c.arena[off])) }

func (c *caller) cstring(s string) uintptr {
	b := c.alloc(len(s) + 1)
	copy(c.arena[b:], s)
	return c.addr(b)
}
