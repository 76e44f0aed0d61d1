package live

import (
	"fmt"
	"path"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/elastic/go-libaudit/v2/auparse"

	"github.com/auditpack/auditpack/packs/model"
)

// Record is one record as the audit multicast group delivers it: the
// type from the netlink header and the kernel's text,
// "audit(1712345678.123:4242): arch=c000003e syscall=257 ...".
type Record struct {
	Type uint16
	Text string
}

// recorded is one event of the kernel: the records of one serial, as
// auparse reads them.
type recorded struct {
	Serial  uint32
	Time    time.Time
	syscall map[string]string // the SYSCALL record's fields; nil for other events
	keys    []string
	names   []string // the PATH records' names, absolute where the CWD record allows
}

// groupRecords reads records into events by serial, in the order their
// first record arrived. A record auparse cannot read is reported and
// skipped: it proves nothing.
func groupRecords(records []Record) ([]*recorded, []error) {
	var out []*recorded
	bySerial := map[uint32]*recorded{}
	var errs []error
	type pathRecord struct {
		item int
		name string
	}
	paths := map[*recorded][]pathRecord{}
	cwd := map[*recorded]string{}
	for _, r := range records {
		msg, err := auparse.Parse(auparse.AuditMessageType(r.Type), r.Text)
		if err != nil {
			errs = append(errs, fmt.Errorf("record %q: %w", r.Text, err))
			continue
		}
		ev := bySerial[msg.Sequence]
		if ev == nil {
			ev = &recorded{Serial: msg.Sequence, Time: msg.Timestamp}
			bySerial[msg.Sequence] = ev
			out = append(out, ev)
		}
		switch msg.RecordType {
		case auparse.AUDIT_SYSCALL:
			data, err := msg.Data()
			if err != nil {
				errs = append(errs, fmt.Errorf("SYSCALL record %q: %w", r.Text, err))
				continue
			}
			ev.syscall = data
			ev.keys, _ = msg.Tags()
		case auparse.AUDIT_PATH:
			data, _ := msg.Data() // a PATH record without some fields still names its path
			item, _ := strconv.Atoi(data["item"])
			if name, ok := data["name"]; ok && name != "(null)" {
				paths[ev] = append(paths[ev], pathRecord{item, name})
			}
		case auparse.AUDIT_CWD:
			data, _ := msg.Data()
			cwd[ev] = data["cwd"]
		}
	}
	for ev, ps := range paths {
		sort.SliceStable(ps, func(i, j int) bool { return ps[i].item < ps[j].item })
		for _, p := range ps {
			name := p.name
			if !path.IsAbs(name) && cwd[ev] != "" {
				name = path.Join(cwd[ev], name)
			}
			ev.names = append(ev.names, name)
		}
	}
	return out, errs
}

// pid is the process the event's syscall was made by (0 for events
// without a SYSCALL record).
func (r *recorded) pid() int {
	n, _ := strconv.Atoi(r.syscall["pid"])
	return n
}

// event is the recorded syscall as the kernel's filter saw it, for the
// requirement lines to be evaluated on. ok is false for an event that is
// no syscall of the machine's ABIs.
func (r *recorded) event(machine *model.Target) (model.Event, bool) {
	d := r.syscall
	if d == nil {
		return model.Event{}, false
	}
	abi, ok := abiOf(machine, d["arch"])
	if !ok {
		return model.Event{}, false
	}
	nr, ok := machine.Syscall(abi, d["syscall"])
	if !ok {
		return model.Event{}, false
	}
	ev := model.Event{ABI: abi, Syscall: nr, Success: d["result"] == "success", Exit: exitOf(d["exit"]), Exe: d["exe"],
		Paths: slices.Clone(r.names), MsgType: model.RecordSyscall}
	for i := range ev.Args {
		ev.Args[i], _ = strconv.ParseUint(d["a"+strconv.Itoa(i)], 16, 64)
	}
	pid, _ := strconv.ParseUint(d["pid"], 10, 32)
	ev.PID = uint32(pid)
	id := func(name string) uint32 {
		if d[name] == "unset" {
			return unset
		}
		n, _ := strconv.ParseUint(d[name], 10, 32)
		return uint32(n)
	}
	ev.IDs = model.IDs{AUID: id("auid"), UID: id("uid"), EUID: id("euid"), SUID: id("suid"), FSUID: id("fsuid"),
		GID: id("gid"), EGID: id("egid"), SGID: id("sgid"), FSGID: id("fsgid")}
	return ev, true
}

// abiOf is the ABI of a record's arch, as auparse names it (x86_64,
// i386).
func abiOf(machine *model.Target, arch string) (model.ABI, bool) {
	for _, abi := range []model.ABI{model.B64, model.B32} {
		if auparse.AuditArch(machine.ArchConst(abi)).String() == arch {
			return abi, true
		}
	}
	return 0, false
}

// exitOf reads a SYSCALL record's exit as auparse leaves it: an errno
// name for a failure it knows, else the number.
func exitOf(s string) int64 {
	if n, ok := auparse.AuditErrnoToNum[s]; ok {
		return -int64(n)
	}
	n, _ := strconv.ParseInt(s, 10, 64)
	return n
}

// evidenceFields are the fields of a record that show a line's event:
// what the syscall was and how it ended, the fields the line tests, and
// the paths.
func (r *recorded) evidenceFields(rule *model.Rule) [][2]string {
	out := [][2]string{}
	add := func(name string) {
		if v, ok := r.syscall[name]; ok && !slices.ContainsFunc(out, func(f [2]string) bool { return f[0] == name }) {
			out = append(out, [2]string{name, v})
		}
	}
	for _, name := range []string{"arch", "syscall", "result", "exit", "pid"} {
		add(name)
	}
	for _, f := range rule.Fields {
		name := f.Name()
		add(name)
		if f.Kind == model.KindCompare {
			add(f.Text)
		}
	}
	add("auid")
	if len(r.names) > 0 {
		out = append(out, [2]string{"name", strings.Join(r.names, " ")})
	}
	return out
}
