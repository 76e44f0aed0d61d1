package lint

import (
	"github.com/auditpack/auditpack/packs/model"
)

// The checks below report what the parser (packs.ParseFile) and the merge
// (packs.Selection.Order) found: lines auditctl would reject or mangle. They
// share one mechanism, so they share this file.

// reportModel reports, for the check that runs it, what the model found
// (see RuleSet.modelProblems).
func reportModel(p *Pass) {
	for _, pr := range p.modelProblems()[p.check.Model] {
		p.Report(&pr.Origin, nil, pr.Message)
	}
}

var _ = register(&Check{
	Model: model.CheckParseError, FailsLoad: true, Title: "a line auditctl rejects", Severity: Error,
	Doc: `auditctl rejects the line: an unknown option or field, a missing value, a bad list or
action, a stray word. auditctl -R stops at the first such line, so every rule after it is
never loaded and a final -e 2 never runs.

Bad:
    -a always,exit -F arch=b64 -S openat -F colour=red
    -a possible,exit -S openat

Good:
    -a always,exit -F arch=b64 -S openat -F auid>=1000 -F auid!=unset -k access`,
})

var _ = register(&Check{
	Model: model.CheckInlineComment, FailsLoad: true, Title: "comment after a rule on the same line", Severity: Error,
	Doc: `auditctl only knows whole-line comments. A "#" after a rule is read as one more word, and
the line is rejected ("parameter passed without an option given"), which stops the load.

Bad:
    -a always,exit -F arch=b64 -S unlinkat -k delete # file deletion

Good:
    # file deletion
    -a always,exit -F arch=b64 -S unlinkat -k delete`,
})

var _ = register(&Check{
	Model: model.CheckCRLF, Title: "Windows line ending (carriage return)", Severity: Error,
	Doc: `auditctl keeps a trailing carriage return in the last word of a line: keys become "key\r",
watched paths "/etc/passwd\r" (a file that does not exist), and "-e 2\r" is rejected, so the
configuration is not locked. augenrules strips it only since audit 3.1.1.

Bad (saved on Windows):
    -w /etc/passwd -p wa -k identity\r

Good: convert the file with dos2unix.`,
})

var _ = register(&Check{
	Model: model.CheckTab, Title: "tab in a rule line", Severity: Error,
	Doc: `auditctl separates words by spaces only. A tab becomes part of a word, so "-a\talways,exit"
is an unknown option and the load stops; with Debian's mawk, augenrules does not even drop a
tab-indented comment.

Bad:
    -a	always,exit -F arch=b64 -S openat

Good:
    -a always,exit -F arch=b64 -S openat`,
})

var _ = register(&Check{
	Model: model.CheckLineTooLong, Title: "line longer than auditctl reads", Severity: Error,
	Doc: `auditctl reads rule files with a 6144-byte buffer. A longer line is split: the first part
may load as a different rule (a key cut short), the rest fails.

Bad: one rule listing hundreds of paths or syscalls on a 7000-byte line.

Good: split it into several rules of reasonable length.`,
})

var _ = register(&Check{
	Model: model.CheckWatchForm, FailsLoad: true, Title: "malformed watch (-w, -p)", Severity: Error,
	Doc: `A watch is "-w PATH [-p rwxa] [-k KEY]", an always,exit rule on PATH. auditctl rejects a
second -w, -w in an -a rule, "-a always,exit" after -w (the list is set already, so the
second word must be an action), -p before any field and permissions other than r, w, x, a.
-p after a path field of an -a rule is read as -F perm=.

Bad:
    -a always,exit -w /etc/hosts -p wa
    -w /etc/hosts -p wa -a always,exit
    -w /etc/hosts -p rwz

Good:
    -w /etc/hosts -p wa -k hosts
    -a always,exit -F arch=b64 -F path=/etc/hosts -F perm=wa -k hosts`,
})

var _ = register(&Check{
	Model: model.CheckInvalidValue, FailsLoad: true, Title: "control option with an invalid value", Severity: Error,
	Doc: `-e and -f take exactly 0, 1 or 2 (auditctl compares them as strings, so "02" or "2\r"
fail); -b, -r and --backlog_wait_time a number that starts with a digit. auditctl rejects
anything else and, without -c, stops loading.

Bad:
    -e 02
    -b -1

Good:
    -e 2
    -b 8192`,
})

var _ = register(&Check{
	Model: model.CheckStatefulOption, Title: "command, not configuration, in a rules file", Severity: Error,
	Doc: `A rules file holds rules and control settings. Commands such as -l, -s, -v, -d, -W, -m,
-t or --reset-lost run once while the file loads: they list, delete or reset whatever
happens to be loaded then, and describe no state. auditctl runs them without an error;
keep them out of rules files. (-R, a nested rule file, is refused: SYN-PARSE-ERROR.)

Bad:
    -l
    --reset-lost

Good: run such commands with auditctl by hand; keep rules files declarative.`,
})

var _ = register(&Check{
	Model: model.CheckNotText, Title: "binary or non-UTF-8 file", Severity: Error,
	Doc: `The file holds a NUL byte or bytes that are not UTF-8: it is not a rules file, or it was
saved in another encoding. Paths and keys would not reach the kernel as written.

Bad: an editor backup, a compressed file named *.rules, a Latin-1 path.

Good: plain UTF-8 text.`,
})

var _ = register(&Check{
	Model: model.CheckFileConflict, Title: "two sources ship the same file name", Severity: Error,
	Doc: `augenrules reads one rules.d directory. Two packs (or a pack and a path) that ship a file of
the same name cannot both be installed there: one would overwrite the other.

Bad: pack stig and the site's rules.d both ship 30-stig.rules.

Good: give the site's file its own name, e.g. 31-site-stig.rules.`,
})

var _ = register(&Check{
	Model: model.CheckFileSymlink, Title: "a rules.d file is a symbolic link", Severity: Info,
	Doc: `augenrules reads a rules.d with "cat", which follows symbolic links: a link is read in the
place of its own name, whatever it points to. A link to another file of the same rules.d loads
that file's rules twice, and auditctl stops at the second copy of the first one ("Rule exists").

Bad: 20-link.rules -> 10-base.rules in /etc/audit/rules.d.

Good: one regular file per rule set; a link only to a file outside rules.d that nothing else
there repeats.`,
})

var _ = register(&Check{
	Model: model.CheckFileUnread, Title: "a rules.d file augenrules never reads", Severity: Warning,
	Doc: `augenrules lists rules.d with "ls -1v | grep '\.rules$'" and reads each word of that list with
"cat". A name holding a blank or a newline is split into words that name other files (usually
none: cat fails and augenrules goes on without the file); a directory or a link to a missing
file cannot be read. Its rules are never loaded, while the file looks like part of the set.
auditpack reads the set as augenrules does: without it.

Bad: "30-site rules.rules", a name with a newline, a dangling 40-extra.rules link.

Good: names of letters, digits, "-", "_" and ".", ending in .rules.`,
})

var _ = register(&Check{
	Model: model.CheckMissingEOFNewline, Title: "file does not end with a newline", Severity: Error,
	Doc: `augenrules concatenates the files of rules.d. When a file's last line has no newline, it is
glued to the first line of the next file, and both rules are lost in one rejected line.

Bad: 30-stig.rules ends in "-k time-change" without a newline; 31-site.rules starts with
"-a always,exit ...": the merged line is "-k time-change-a always,exit ...".

Good: end every file with a newline.`,
})

var _ = register(&Check{
	Model: model.CheckKey, FailsLoad: true, Title: "key auditctl rejects or truncates", Severity: Error,
	Doc: `auditctl takes -k only after a syscall, watch, path, dir, perm or exe, and adds every key
(-k and -F key=) as one field after reading the line, so a rule without any of those cannot
carry a key (user, task and exclude rules). All keys of a rule together, joined by a 0x01
byte, may be at most 256 bytes.

Bad:
    -a always,exit -F arch=b64 -k access -S openat
    -a always,user -F uid=0 -k users

Good:
    -a always,exit -F arch=b64 -S openat -k access`,
})

var _ = register(&Check{
	Model:     model.CheckFieldCount,
	Title:     "more fields than auditctl sends in one rule",
	Severity:  Error,
	FailsLoad: true,
	Doc: `auditctl sends at most 63 fields in one rule, counting arch, every -F and the key;
the next is refused ("Too many fields in rule") and the load stops. Long exclusion lists
(uid!=, msgtype=) hit it; fields are AND-ed, so split such a list over several rules the
way the kernel combines them (one never rule per group, or one always rule per value).

Bad:
    -a always,exit -F arch=b64 -S openat -F uid!=1 -F uid!=2 ... -F uid!=63 -k k

Good: the same exclusions over two never rules placed before the always rule.`,
})
