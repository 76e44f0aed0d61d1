package lint

import (
	"path/filepath"
	"strings"

	"github.com/auditpack/auditpack/packs/model"
)

// Checks of watched paths.

// pathFields calls f for each field that names a file: the watch or
// path=, dir=, exe=.
func pathFields(r *model.Rule, f func(model.Field)) {
	for _, field := range r.Fields {
		if field.Name() == "path" || field.Name() == "dir" || field.Name() == "exe" {
			f(field)
		}
	}
}

func describeField(r *model.Rule, f model.Field) string {
	if r.Watch && f.Name() == "path" {
		return "-w " + f.Text
	}
	return "-F " + f.Name() + "=" + f.Text
}

var _ = register(&Check{
	Model:     model.CheckPath,
	Title:     "watched path is not absolute",
	Severity:  Error,
	FailsLoad: true,
	Doc: `Watches, path=, dir= and exe= need an absolute path; auditctl refuses the rule ("The path
must start with '/'") and the load stops.

Bad:
    -w etc/passwd -p wa -k identity

Good:
    -w /etc/passwd -p wa -k identity`,
})

var _ = register(&Check{
	ID:       "PATH-WILDCARD",
	Title:    "watched path with a wildcard or ..",
	Severity: Warning,
	Doc: `The kernel matches paths literally: "*" and "?" are not wildcards and ".." is not resolved.
auditctl only warns and loads a watch that never fires.

Bad:
    -w /etc/*.conf -p wa -k conf

Good:
    -a always,exit -F arch=b64 -S all -F dir=/etc -F perm=wa -k conf`,
	Run: func(p *Pass) {
		for _, r := range p.Rules {
			pathFields(r, func(f model.Field) {
				if strings.ContainsAny(f.Text, "*?") || strings.Contains("/"+f.Text+"/", "/../") {
					p.Reportf(&r.Item.Origin, nil, "%s: paths are matched literally, wildcards and .. included, so this never fires; name the file or use dir=", describeField(r, f))
				}
			})
		}
	},
})

var _ = register(&Check{
	Model:     model.CheckTrailingSlash,
	Title:     "path= ending in a slash",
	Severity:  Error,
	FailsLoad: true,
	Doc: `The kernel refuses -F path= with a trailing slash, and path=/ (EINVAL: a path rule watches
one file). -w strips the slash and dir= accepts it.

Bad:
    -a always,exit -F arch=b64 -S all -F path=/etc/sudoers.d/ -F perm=wa

Good:
    -a always,exit -F arch=b64 -S all -F dir=/etc/sudoers.d -F perm=wa`,
})

// hugeTrees are directory trees too large to watch recursively.
var hugeTrees = map[string]bool{"/": true, "/usr": true, "/var": true, "/home": true, "/proc": true, "/sys": true}

var _ = register(&Check{
	ID:       "PATH-HUGE-TREE",
	Title:    "recursive watch on a huge tree",
	Severity: Warning,
	Doc: `dir= (and -w on a directory) watches the whole tree below it. On /, /usr, /var, /home, /proc
or /sys that is every file access of the machine: the kernel accepts it, the log floods and
with -f 2 the machine may panic.

Bad:
    -a always,exit -F arch=b64 -S all -F dir=/var -F perm=wa -k var

Good:
    -a always,exit -F arch=b64 -S all -F dir=/var/spool/cron -F perm=wa -k cron`,
	Run: func(p *Pass) {
		for _, r := range p.Rules {
			pathFields(r, func(f model.Field) {
				clean := filepath.Clean(f.Text)
				if f.Name() != "exe" && hugeTrees[clean] && (f.Name() == "dir" || r.Watch) {
					p.Reportf(&r.Item.Origin, nil, "%s watches the whole %s tree: every file access below it is recorded; watch the directories that matter", describeField(r, f), clean)
				}
			})
		}
	},
})

var _ = register(&Check{
	Model:     model.CheckPathMissing,
	Title:     "watched file's directory is missing on this host",
	Severity:  Error,
	Host:      true,
	FailsLoad: true,
	Doc: `A watch, path= or exe= needs its parent directory to exist when the rule is loaded (the
file itself may be missing); otherwise the kernel refuses it ("No such file or directory")
and auditctl stops. Paths differ between distributions: /usr/libexec/openssh on RHEL is
/usr/lib/openssh on Debian. Checked with --host.

Bad (on Debian):
    -a always,exit -S all -F path=/usr/libexec/openssh/ssh-keysign -F perm=x -k ssh

Good: the path of this distribution, or a pack per distribution.`,
})

var _ = register(&Check{
	Model:     model.CheckDirMissing,
	Title:     "dir= tree is missing on this host",
	Severity:  Error,
	Host:      true,
	FailsLoad: true,
	Doc: `dir= watches a directory tree that must exist when the rule is loaded; otherwise the kernel
refuses it ("No such file or directory") and auditctl stops. Checked with --host.

Bad (a host without NetworkManager):
    -a always,exit -F arch=b64 -S all -F dir=/etc/NetworkManager -F perm=wa -k network

Good: leave the rule out on such hosts (a pack for them), or create the directory first.`,
})

var _ = register(&Check{
	ID:       "PATH-WATCH-NO-PERM",
	Title:    "watch without -p records reads too",
	Severity: Info,
	Doc: `A watch without -p watches for every access, rwxa: each read of the file is recorded,
which for files read on every login or sudo (/etc/passwd, /etc/sudoers) is a steady stream
of events nobody asked for. Say what is meant.

Bad:
    -w /etc/passwd -k identity

Good:
    -w /etc/passwd -p wa -k identity`,
	Run: func(p *Pass) {
		for _, r := range p.Rules {
			if w := r.Item.Rule; w.Watch != "" && !w.PermGiven {
				p.Reportf(&r.Item.Origin, nil, "-w %s has no -p: the kernel watches rwxa, so every read is recorded too; write -p wa for changes (or -p rwxa to say that reads are wanted)", w.Watch)
			}
		}
	},
})

// volatileRoots are directories whose subdirectories services remove and
// create again while the system runs (and every boot).
var volatileRoots = []string{"/tmp", "/var/tmp", "/run", "/var/run", "/dev/shm"}

var _ = register(&Check{
	ID:       "PATH-VOLATILE",
	Title:    "watch inside a directory that is removed and created again",
	Severity: Warning,
	Doc: `The kernel ties a watch to its parent directory (a dir= tree to the directory itself).
When that directory is removed the kernel deletes the rule without a word, and does not
bring it back when the directory is created again: under /tmp, /run or /dev/shm, where
services remove their directories on stop or restart, the rule is gone after the first
restart, until the rules are loaded again.

Bad:
    -w /run/myservice/state -p wa -k state

Good: watch the persistent file the service writes, or the binary (exe=) that writes it:
    -w /var/lib/myservice/state -p wa -k state`,
	Run: func(p *Pass) {
		for _, r := range p.Rules {
			pathFields(r, func(f model.Field) {
				anchor := filepath.Dir(filepath.Clean(f.Text)) // the watch's parent directory
				if f.Name() == "dir" {
					anchor = filepath.Clean(f.Text)
				} else if f.Name() == "exe" {
					return
				}
				for _, root := range volatileRoots {
					if strings.HasPrefix(anchor, root+"/") {
						p.Reportf(&r.Item.Origin, nil, "%s hangs on %s, below %s: when it is removed (service restart, reboot) the kernel drops the rule and does not restore it; watch a persistent path", describeField(r, f), anchor, root)
						return
					}
				}
			})
		}
	},
})

var _ = register(&Check{
	ID:       "PATH-SYMLINK",
	Title:    "watch on a symbolic link",
	Severity: Warning,
	Host:     true,
	Doc: `A watch or path= on a symbolic link watches the link itself, not its target: writes and
executions through the link (of the target) are not recorded, only replacing or removing the
link is. exe= on a link never matches, since the kernel compares the resolved executable.
On Debian /etc/localtime, /bin/sh and everything under /etc/alternatives are links, and on
Debian and RHEL 9 /usr/sbin/reboot, poweroff and shutdown link to systemctl. Checked with
--host.

Bad (Debian):
    -a always,exit -F arch=b64 -S all -F exe=/bin/sh -k shell

Good: the target as well, when writes to it matter:
    -a always,exit -F arch=b64 -S all -F exe=/usr/bin/dash -k shell`,
	Run: func(p *Pass) {
		for _, r := range p.Rules {
			pathFields(r, func(f model.Field) {
				if f.Name() == "dir" || !strings.HasPrefix(f.Text, "/") {
					return
				}
				target, isLink := p.host.LinkTarget(filepath.Clean(f.Text))
				if !isLink {
					return
				}
				if f.Name() == "exe" {
					p.Reportf(&r.Item.Origin, nil, "%s is a symbolic link to %s on this host: the kernel compares the resolved executable, so the rule never matches; write -F exe=%s", describeField(r, f), target, target)
					return
				}
				p.Reportf(&r.Item.Origin, nil, "%s is a symbolic link to %s on this host: the kernel watches the link itself, so writes to and executions of %s through it are not recorded; watch %s too", describeField(r, f), target, target, target)
			})
		}
	},
})

var _ = register(&Check{
	ID:       "PATH-FILE-WATCH-ON-DIRECTORY",
	Title:    "path= on a directory sees only its entries change",
	Severity: Warning,
	Host:     true,
	Doc: `path= on a directory is not recursive: it records entries being created, removed or
renamed in it, but not writes to the files already there. auditctl -w turns a directory
into dir= by itself; -F path= does not. Checked with --host.

Bad:
    -a always,exit -F arch=b64 -S all -F path=/etc/sudoers.d -F perm=wa -k sudo

Good:
    -a always,exit -F arch=b64 -S all -F dir=/etc/sudoers.d -F perm=wa -k sudo`,
	Run: func(p *Pass) {
		for _, r := range p.Rules {
			if r.Watch {
				continue
			}
			for _, f := range r.FieldsNamed("path") {
				if p.host.PathKind(f.Text) == model.PathDir {
					p.Reportf(&r.Item.Origin, nil, "-F path=%s is a directory on this host: the rule sees entries created or removed in it, not writes to its files; write -F dir=%s for the whole tree", f.Text, f.Text)
				}
			}
		}
	},
})
