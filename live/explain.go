package live

import (
	"fmt"
	"io"
	"strings"
)

// Explain writes what verify --live does, and every kind of call it
// makes with what exactly the call is, so a security team can review
// them before a run (auditpack explain --live).
func Explain(w io.Writer) error {
	fmt.Fprint(w, `verify --profile P --kernel --live proves each control with harmless calls
and the kernel's own records of them. For each requirement line, per ABI and
syscall (or perm class of a watch), it picks the first call below that the
line records for certain, and the first identity its children may take:

  - A child is this binary again, started in a fresh process with an empty
    environment, as root in the box of a private scratch directory (mode
    0700, under $TMPDIR, removed at the end, also on SIGINT or SIGTERM).
  - It sets its own loginuid (/proc/thread-self/loginuid) only when the line
    asks for another auid than auditpack's (auid>=UID_MIN: UID_MIN; auid=0:
    0); the kernel refuses that once a loginuid is set and immutable, and
    the parts are then NOT PROVEN. It then drops to uid and gid 65534
    without supplementary groups and sets no_new_privs. Only the refused
    exec runs with euid or egid 0 (for -C uid!=euid -F euid=0).
  - Calls on real files (watches, path=, dir=) are refused by the kernel
    whoever makes them, after it has recorded the path: nothing is written,
    read or changed (a read attempt opens a directory only where uid 65534
    may list it, and closes it unread). No installed program is ever
    executed: for a perm=x line the exec's argument list is at an unmapped
    address, which the kernel fails to read (EFAULT) after it has opened
    the file and recorded the path (Linux 6.8 and later; before, the list
    is read first, nothing is recorded, and the line is NOT PROVEN).
  - At most 50 calls per second, a tenth of the kernel's rate limit if it has
    one (a call makes up to five records). The kernel's lost counter is read
    before and after: a rise makes every unrecorded call NOT PROVEN.
  - After each child, a USER message marks the end: once it has arrived, so
    have all records of the child's calls. The records come from the audit
    multicast group; auditd's log is not read, and no rule or setting is
    changed (a locked kernel, -e 2, is fine).

Verdicts: PROVEN with the record's serial, type, keys and the fields the line
tests; FAIL when a call ended as planned and no record came, with what the
kernel's rules show (shadowed by a never rule, excluded, no rule records it,
a watched program is a symbolic link, which an exec follows past the watch);
NOT PROVEN with why (no harmless call, the identity could not be taken, the
call ended otherwise, records were lost, the path does not exist).

The scratch directory:
  <scratch>/noexec        empty file of root, mode 0600: the refused exec
  <scratch>/box/          the children's directory (theirs, mode 0700)
  box/own                 empty file of the children, mode 0600
  box/root                empty file of root, mode 0644
  box/locked/             directory of root, mode 0700: lookups below it fail
  box/sticky/             directory of root, mode 01777, holding victim and
                          vdir/ of root, which others may not remove or rename
  the children open root (for reading, never read) and own before they drop
  root, and make a sealed memfd (one byte, no shrinking): fd(root), fd(own),
  fd(memfd).

The calls (kind; the call as made; its planned result and why it is harmless):
`)
	for _, p := range probes {
		if _, err := fmt.Fprintf(w, "\n%s\n    %s\n    %s\n", p.kind, p.call("", "", 0), wrap(p.outcome.String()+": "+p.why, 72)); err != nil {
			return err
		}
	}
	return nil
}

// wrap breaks text at spaces into lines of at most width, the lines
// after the first indented by four spaces.
func wrap(text string, width int) string {
	var lines []string
	line := ""
	for _, word := range strings.Fields(text) {
		if line != "" && len(line)+1+len(word) > width {
			lines = append(lines, line)
			line = word
			continue
		}
		line = strings.TrimSpace(line + " " + word)
	}
	return strings.Join(append(lines, line), "\n    ")
}
