package apply

import (
	"encoding/binary"
	"errors"
	"fmt"
	"syscall"
	"time"

	"github.com/auditpack/auditpack/packs/model"

	libaudit "github.com/elastic/go-libaudit/v2"
	"github.com/elastic/go-libaudit/v2/auparse"
)

// Status is the kernel's audit status, the settings -e, -f, -b, -r and
// --backlog_wait_time control.
type Status struct {
	Enabled         uint32 // 0 off, 1 on, 2 locked until reboot
	Failure         uint32 // 0 silent, 1 printk, 2 panic
	BacklogLimit    uint32
	RateLimit       uint32
	BacklogWaitTime uint32
	Lost            uint32
	Backlog         uint32
	// LoginuidImmutable: --loginuid-immutable is in force.
	LoginuidImmutable bool
}

// Setting is one status value to change.
type Setting struct {
	Name  model.Setting
	Value uint32
}

// Kernel is the audit subsystem as apply uses it: rules as kernel wire
// data (struct audit_rule_data), per filter list in evaluation order. The
// real one talks netlink; tests use a fake for the states this machine
// must never be put in (locked, not root).
type Kernel interface {
	Status() (Status, error)
	Rules() ([][]byte, error)
	AddRule(wire []byte, prepend bool) error
	DeleteRule(wire []byte) error
	Set(s Setting) error
	Close() error
}

// ErrRuleExists is the kernel's EEXIST for a rule it already has.
var ErrRuleExists = errors.New("rule exists")

// ErrNoSuchRule is the kernel's ENOENT for deleting a rule it does not have.
var ErrNoSuchRule = errors.New("no such rule")

// ErrForbiddenInTests is returned for settings that would lock this
// machine's audit configuration until reboot or panic it, when the caller
// is a test binary. No flag turns this off: tests cannot do it by accident.
var ErrForbiddenInTests = errors.New("refused in a test binary: this setting cannot be undone without a reboot (or panics the machine)")

// netlinkKernel is the real audit subsystem. It uses go-libaudit's client
// for the status setters and its netlink socket for rules, with its own
// request/reply handling: go-libaudit's GetRules polls with 50 ms sleeps,
// DeleteRule ignores the kernel's answer, AddRule drops the EEXIST errno,
// -A is sent as -a, and the FailureMode constants are all 0.
type netlinkKernel struct {
	client *libaudit.AuditClient
}

// Open connects to the kernel's audit subsystem (root only).
func Open() (Kernel, error) {
	c, err := libaudit.NewAuditClient(nil)
	if err != nil {
		return nil, fmt.Errorf("open the audit netlink socket (root is needed): %w", err)
	}
	return &netlinkKernel{client: c}, nil
}

func (k *netlinkKernel) Close() error { return k.client.Close() }

func (k *netlinkKernel) Status() (Status, error) {
	reply, err := k.query(uint16(auparse.AUDIT_GET))
	if err != nil {
		return Status{}, fmt.Errorf("read the audit status: %w", err)
	}
	var s libaudit.AuditStatus
	if err := s.FromWireFormat(reply.Data); err != nil {
		return Status{}, fmt.Errorf("read the audit status: %w", err)
	}
	st := Status{Enabled: s.Enabled, Failure: s.Failure, BacklogLimit: s.BacklogLimit, RateLimit: s.RateLimit,
		BacklogWaitTime: s.BacklogWaitTime, Lost: s.Lost, Backlog: s.Backlog}
	features, err := k.query(getFeature)
	if err != nil {
		return Status{}, fmt.Errorf("read the audit features: %w", err)
	}
	if len(features.Data) >= 16 {
		st.LoginuidImmutable = binary.NativeEndian.Uint32(features.Data[8:])&loginuidImmutable != 0
	}
	return st, nil
}

// query sends a GET request and returns the kernel's data reply. The kernel
// answers a GET twice, with the ACK and, from a thread of its own, the data,
// in either order under load; both are read, so no late answer is left on
// the socket for the next request (go-libaudit's GetStatus expects the ACK
// first and fails on anything left over).
func (k *netlinkKernel) query(typ uint16) (*syscall.NetlinkMessage, error) {
	seq, err := k.send(typ, nil)
	if err != nil {
		return nil, err
	}
	var data *syscall.NetlinkMessage
	acked := false
	for !acked || data == nil {
		msg, err := k.reply(seq)
		if err != nil {
			return nil, err
		}
		switch msg.Header.Type {
		case syscall.NLMSG_ERROR:
			if err := libaudit.ParseNetlinkError(msg.Data); err != nil {
				return nil, err
			}
			acked = true
		case typ:
			// The socket's read buffer is reused by the next receive.
			data = &syscall.NetlinkMessage{Header: msg.Header, Data: append([]byte(nil), msg.Data...)}
		default:
			return nil, fmt.Errorf("unexpected message type %d in answer to %d", msg.Header.Type, typ)
		}
	}
	return data, nil
}

// Dangerous says whether a setting cannot be undone (or panics the
// machine), which no test may send.
func Dangerous(s Setting) bool {
	return s.Name.Irreversible(s.Value)
}

func (k *netlinkKernel) Set(s Setting) error {
	if Dangerous(s) && inTestBinary() {
		return fmt.Errorf("%s %d: %w", s.Name, s.Value, ErrForbiddenInTests)
	}
	wait := libaudit.WaitForReply
	var err error
	switch s.Name {
	case model.SettingEnabled:
		if s.Value == 2 {
			err = k.client.SetImmutable(wait)
		} else {
			err = k.client.SetEnabled(s.Value == 1, wait)
		}
	case model.SettingFailure:
		err = k.client.SetFailure(libaudit.FailureMode(s.Value), wait)
	case model.SettingBacklogLimit:
		err = k.client.SetBacklogLimit(s.Value, wait)
	case model.SettingRateLimit:
		err = k.client.SetRateLimit(s.Value, wait)
	case model.SettingBacklogWaitTime:
		err = k.client.SetBacklogWaitTime(int32(s.Value), wait)
	case model.SettingLoginuidImmutable:
		err = k.setLoginuidImmutable()
	default:
		return fmt.Errorf("unknown setting %v", s.Name)
	}
	if err != nil {
		return fmt.Errorf("set %s %d: %w", s.Name, s.Value, err)
	}
	return nil
}

// AUDIT_GET_FEATURE / AUDIT_SET_FEATURE and the feature bit of
// --loginuid-immutable (AUDIT_FEATURE_LOGINUID_IMMUTABLE).
const (
	getFeature        = 1019
	setFeature        = 1018
	loginuidImmutable = 1 << 1
)

// setLoginuidImmutable sends AUDIT_SET_FEATURE for
// AUDIT_FEATURE_LOGINUID_IMMUTABLE with the lock bit, as auditctl does;
// go-libaudit has no call for it.
func (k *netlinkKernel) setLoginuidImmutable() error {
	data := make([]byte, 16)
	binary.NativeEndian.PutUint32(data[0:], 1) // version
	binary.NativeEndian.PutUint32(data[4:], loginuidImmutable)
	binary.NativeEndian.PutUint32(data[8:], loginuidImmutable)
	binary.NativeEndian.PutUint32(data[12:], loginuidImmutable)
	_, err := k.request(setFeature, data)
	return err
}

func (k *netlinkKernel) AddRule(wire []byte, prepend bool) error {
	if prepend {
		wire = append([]byte(nil), wire...)
		binary.NativeEndian.PutUint32(wire, binary.NativeEndian.Uint32(wire)|model.PrependFlag)
	}
	_, err := k.request(uint16(auparse.AUDIT_ADD_RULE), wire)
	if errors.Is(err, syscall.EEXIST) {
		return ErrRuleExists
	}
	return err
}

func (k *netlinkKernel) DeleteRule(wire []byte) error {
	_, err := k.request(uint16(auparse.AUDIT_DEL_RULE), wire)
	if errors.Is(err, syscall.ENOENT) {
		return ErrNoSuchRule
	}
	return err
}

// Rules lists the kernel's rules. The kernel sends them from a thread of its
// own after the ACK; reading them as they come, instead of go-libaudit's
// 50 ms polling, makes this as fast as auditctl -l.
func (k *netlinkKernel) Rules() ([][]byte, error) {
	seq, err := k.send(uint16(auparse.AUDIT_LIST_RULES), nil)
	if err != nil {
		return nil, err
	}
	var rules [][]byte
	for {
		msg, err := k.reply(seq)
		if err != nil {
			return nil, fmt.Errorf("list rules: %w", err)
		}
		switch msg.Header.Type {
		case syscall.NLMSG_DONE:
			return rules, nil
		case syscall.NLMSG_ERROR:
			if err := libaudit.ParseNetlinkError(msg.Data); err != nil {
				return nil, fmt.Errorf("list rules: %w", err)
			}
		case uint16(auparse.AUDIT_LIST_RULES):
			rules = append(rules, append([]byte(nil), msg.Data...))
		default:
			return nil, fmt.Errorf("list rules: unexpected message type %d", msg.Header.Type)
		}
	}
}

func (k *netlinkKernel) send(typ uint16, data []byte) (uint32, error) {
	msg := syscall.NetlinkMessage{Header: syscall.NlMsghdr{Type: typ, Flags: syscall.NLM_F_REQUEST | syscall.NLM_F_ACK}, Data: data}
	seq, err := k.client.Netlink.Send(msg)
	if err != nil {
		return 0, fmt.Errorf("send to the audit netlink socket: %w", err)
	}
	return seq, nil
}

// request sends one message and returns the kernel's answer, its errno
// as an error.
func (k *netlinkKernel) request(typ uint16, data []byte) (*syscall.NetlinkMessage, error) {
	seq, err := k.send(typ, data)
	if err != nil {
		return nil, err
	}
	msg, err := k.reply(seq)
	if err != nil {
		return nil, err
	}
	if msg.Header.Type == syscall.NLMSG_ERROR {
		if err := libaudit.ParseNetlinkError(msg.Data); err != nil {
			return nil, err
		}
	}
	return msg, nil
}

// reply reads the next message for seq, skipping audit events that share
// the socket, waiting at most 5 seconds.
func (k *netlinkKernel) reply(seq uint32) (*syscall.NetlinkMessage, error) {
	deadline := time.Now().Add(5 * time.Second)
	pause := 20 * time.Microsecond
	for {
		msgs, err := k.client.Netlink.Receive(true, parseAuditMessage)
		switch {
		case errors.Is(err, syscall.EAGAIN) || errors.Is(err, syscall.EINTR):
			if time.Now().After(deadline) {
				return nil, errors.New("the kernel did not answer within 5 s")
			}
			time.Sleep(pause)
			pause = min(pause*2, 2*time.Millisecond)
			continue
		case err != nil:
			return nil, fmt.Errorf("receive from the audit netlink socket: %w", err)
		}
		for i := range msgs {
			if msgs[i].Header.Seq == seq {
				return &msgs[i], nil
			}
		}
	}
}

// parseAuditMessage reads the one message of a datagram from the audit
// socket; audit replies do not fill in the netlink length the way
// syscall.ParseNetlinkMessage expects.
func parseAuditMessage(buf []byte) ([]syscall.NetlinkMessage, error) {
	if len(buf) < syscall.NLMSG_HDRLEN {
		return nil, syscall.EINVAL
	}
	h := syscall.NlMsghdr{
		Len:   binary.NativeEndian.Uint32(buf[0:]),
		Type:  binary.NativeEndian.Uint16(buf[4:]),
		Flags: binary.NativeEndian.Uint16(buf[6:]),
		Seq:   binary.NativeEndian.Uint32(buf[8:]),
		Pid:   binary.NativeEndian.Uint32(buf[12:]),
	}
	return []syscall.NetlinkMessage{{Header: h, Data: buf[syscall.NLMSG_HDRLEN:]}}, nil
}
