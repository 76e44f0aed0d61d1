package lint

import "github.com/auditpack/auditpack/packs/model"

// Checks whose verdict the model gives: lines auditctl reads as something
// else than they say, and names only the loading host can resolve.

var _ = register(&Check{
	Model:    model.CheckValueMisread,
	Title:    "control value auditctl reads as another number",
	Severity: Error,
	Doc: `auditctl reads -b, -r and --backlog_wait_time with C's strtoul: a leading 0 means octal
(-b 010 sets 8), reading stops at the first other character (-b 8192x sets 8192), and a value
beyond 32 bits is silently cut (-b 99999999999 sets 1215752191). The line loads, with a value
nobody wrote.

Bad:
    -b 08192

Good:
    -b 8192`,
})

var _ = register(&Check{
	Model:    model.CheckOnePerLine,
	Title:    "several control options on one line",
	Severity: Error,
	Doc: `auditctl sets every control option of a line ("-b 8192 -f 1" sets both), but augenrules
moves control lines by their first option only, and auditpack reads a control line the same
way: the second option is where the line happens to be. Write one option per line.

Bad:
    -b 8192 -f 1

Good:
    -b 8192
    -f 1`,
})

var _ = register(&Check{
	Model:    model.CheckIgnored,
	Title:    "rule auditctl reads and then drops",
	Severity: Error,
	Doc: `The action "possible" was removed from the kernel. auditctl still accepts a rule written
"-a exit,possible" (list first), prints nothing and drops it: the rule is never loaded, and no
error says so. Written the other way round, "-a possible,exit" is refused.

Bad:
    -a exit,possible -F arch=b64 -S openat

Good:
    -a always,exit -F arch=b64 -S openat`,
})

var _ = register(&Check{
	Model:     model.CheckFactPlaceholder,
	Title:     "host fact placeholder outside a pack",
	Severity:  Error,
	FailsLoad: true,
	Doc: `Packs write the first login UID as ${UID_MIN}, which auditpack replaces with the number when it
reads the pack (from the profile's facts, or with --host from /etc/login.defs). A rules file that is
not a pack keeps the placeholder as it is: auditctl reads it as a user name, no host has a user of
that name, and the load stops ("Unknown user: ${UID_MIN}"). Write the number (UID_MIN is in
/etc/login.defs), or move the rule into a pack.

Bad:
    -a always,exit -F arch=b64 -S openat -F auid>=${UID_MIN} -F auid!=unset -k access

Good:
    -a always,exit -F arch=b64 -S openat -F auid>=1000 -F auid!=unset -k access`,
})

var _ = register(&Check{
	Model:     model.CheckUnresolved,
	Title:     "user or group name this host does not know",
	Severity:  Error,
	Host:      true,
	FailsLoad: true,
	Doc: `auditctl turns user and group names into numbers on the host that loads the rules
(getpwnam, getgrnam). A name the host does not know is refused ("Unknown user: chrony") and,
without -c, the load stops there. Rules shared between hosts should use numbers, or names every
host has.

Bad (on a host without chrony):
    -a never,exit -F arch=b64 -S adjtimex -F auid=chrony

Good:
    -a never,exit -F arch=b64 -S adjtimex -F auid=unset -F uid=0`,
})
