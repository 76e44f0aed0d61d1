package live

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"

	libaudit "github.com/elastic/go-libaudit/v2"
	"github.com/elastic/go-libaudit/v2/auparse"
)

// NetlinkKernel reads events from the audit multicast group
// (AUDIT_NLGRP_READLOG, root with CAP_AUDIT_READ) and sends its end
// markers as USER messages. The status comes from the caller, which
// reads it the way apply does.
type NetlinkKernel struct {
	ReadStatus func() (Status, error)
}

// Status reads the kernel's audit status.
func (k NetlinkKernel) Status() (Status, error) { return k.ReadStatus() }

// Listen joins the multicast group and reads it in the background, so
// the socket never fills while a child makes its calls.
func (k NetlinkKernel) Listen() (Listener, error) {
	group, err := libaudit.NewMulticastAuditClient(nil)
	if err != nil {
		return nil, fmt.Errorf("join the audit multicast group: %w", err)
	}
	sender, err := libaudit.NewAuditClient(nil)
	if err != nil {
		group.Close()
		return nil, fmt.Errorf("open the audit socket: %w", err)
	}
	l := &netlinkListener{group: group, sender: sender, stop: make(chan struct{}), done: make(chan struct{})}
	go l.read()
	return l, nil
}

type netlinkListener struct {
	group, sender *libaudit.AuditClient
	stop, done    chan struct{}
	mu            sync.Mutex
	records       []Record
	overflowed    bool  // records were dropped since the last Until
	err           error // what stopped the reader
}

// errOverflow: the socket's buffer was full, so the kernel dropped
// records for auditpack (they still reached auditd).
var errOverflow = errors.New("the multicast socket overflowed: records were dropped before auditpack read them")

// read collects records until Close; the socket is read without
// blocking (a closed netlink socket does not wake a blocked read).
func (l *netlinkListener) read() {
	defer close(l.done)
	for {
		select {
		case <-l.stop:
			return
		default:
		}
		msg, err := l.group.Receive(true)
		switch {
		case errors.Is(err, syscall.EAGAIN) || errors.Is(err, syscall.EWOULDBLOCK):
			time.Sleep(time.Millisecond)
			continue
		case errors.Is(err, syscall.ENOBUFS):
			l.mu.Lock()
			l.overflowed = true
			l.mu.Unlock()
			continue
		case err != nil:
			l.mu.Lock()
			l.err = fmt.Errorf("read the multicast group: %w", err)
			l.mu.Unlock()
			return
		}
		l.mu.Lock()
		l.records = append(l.records, Record{Type: uint16(msg.Type), Text: string(msg.Data)})
		l.mu.Unlock()
	}
}

// Mark sends a USER message; the kernel drops the C string's last byte.
func (l *netlinkListener) Mark(text string) error {
	msg := syscall.NetlinkMessage{Header: syscall.NlMsghdr{Type: uint16(auparse.AUDIT_USER), Flags: syscall.NLM_F_REQUEST}, Data: []byte(text + "\x00")}
	_, err := l.sender.Netlink.Send(msg)
	return err
}

// Until returns the records read since the last call, up to the
// marker's. Records lost to an overflow are reported with the batch they
// belonged to.
func (l *netlinkListener) Until(text string, deadline time.Time) ([]Record, error) {
	for {
		l.mu.Lock()
		i := slices.IndexFunc(l.records, func(r Record) bool { return r.Type == uint16(auparse.AUDIT_USER) && strings.Contains(r.Text, text) })
		var err error
		switch {
		case i >= 0:
		case l.err != nil:
			err = l.err
		case time.Now().After(deadline):
			err = fmt.Errorf("%w in time", ErrNoMarker)
		default:
			l.mu.Unlock()
			time.Sleep(5 * time.Millisecond)
			continue
		}
		var out []Record
		if i >= 0 {
			out, l.records = l.records[:i:i], l.records[i+1:]
		} else {
			out, l.records = l.records, nil
		}
		if err == nil && l.overflowed {
			err = errOverflow
		}
		l.overflowed = false
		l.mu.Unlock()
		return out, err
	}
}

// Close stops the reader and closes the sockets.
func (l *netlinkListener) Close() error {
	close(l.stop)
	<-l.done
	return errors.Join(l.group.Close(), l.sender.Close())
}
