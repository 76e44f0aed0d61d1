package lint

import (
	"os"
	"path/filepath"
	"strings"

	"github.com/elastic/go-libaudit/v2/rule"

	"github.com/auditpack/auditpack/packs/model"
)

// Checks of watched paths.

// pathFields calls f for each field that names a file: the watch or
// path=, dir=, exe=.
func pathFields(r *model.Rule, f func(model.Field)) {
	for _, field := range r.Fields {
		if field.Name == "path" || field.Name == "dir" || field.Name == "exe" {
			f(field)
		}
	}
}

func describeField(r *model.Rule, f model.Field) string {
	if r.Watch && f.Name == "path" {
		return "-w " + f.Text
	}
	return "-F " + f.Name + "=" + f.Text
}

var _ = register(&Check{
	ID:        "PATH-NOT-ABSOLUTE",
	Title:     "watched path is not absolute",
	Severity:  Error,
	FailsLoad: true,
	Doc: `Watches, path=, dir= and exe= need an absolute path; auditctl refuses the rule ("The path
must start with '/'") and the load stops.

Bad:
    -w etc/passwd -p wa -k identity

Good:
    -w /etc/passwd -p wa -k identity`,
	Run: func(p *Pass) {
		for _, r := range p.Rules {
			pathFields(r, func(f model.Field) {
				if !strings.HasPrefix(f.Text, "/") {
					p.Reportf(r.Item.Origin, nil, "%s: the path must start with '/'; auditctl refuses it", describeField(r, f))
				}
			})
		}
	},
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
					p.Reportf(r.Item.Origin, nil, "%s: paths are matched literally, wildcards and .. included, so this never fires; name the file or use dir=", describeField(r, f))
				}
			})
		}
	},
})

var _ = register(&Check{
	ID:        "PATH-TRAILING-SLASH",
	Title:     "path= ending in a slash",
	Severity:  Error,
	FailsLoad: true,
	Doc: `The kernel refuses -F path= with a trailing slash, and path=/ (EINVAL: a path rule watches
one file). -w strips the slash and dir= accepts it.

Bad:
    -a always,exit -F arch=b64 -S all -F path=/etc/sudoers.d/ -F perm=wa

Good:
    -a always,exit -F arch=b64 -S all -F dir=/etc/sudoers.d -F perm=wa`,
	Run: func(p *Pass) {
		for _, r := range p.Rules {
			for _, f := range r.FieldsNamed("path") {
				if !r.Watch && strings.HasSuffix(f.Text, "/") {
					p.Reportf(r.Item.Origin, nil, "-F path=%s: the kernel refuses a path ending in '/' (Invalid argument); for a directory tree use dir=%s", f.Text, strings.TrimRight(f.Text, "/"))
				}
			}
		}
	},
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
				if f.Name != "exe" && hugeTrees[clean] && (f.Name == "dir" || r.Watch) {
					p.Reportf(r.Item.Origin, nil, "%s watches the whole %s tree: every file access below it is recorded; watch the directories that matter", describeField(r, f), clean)
				}
			})
		}
	},
})

var _ = register(&Check{
	ID:        "PATH-PARENT-MISSING",
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
	Run: func(p *Pass) {
		for _, r := range p.Rules {
			pathFields(r, func(f model.Field) {
				if f.Name == "dir" || !strings.HasPrefix(f.Text, "/") {
					return
				}
				parent := filepath.Dir(strings.TrimRight(f.Text, "/"))
				if info, err := os.Stat(parent); err != nil || !info.IsDir() {
					p.Reportf(r.Item.Origin, nil, "%s: directory %s does not exist on this host, so the kernel refuses the rule (No such file or directory)", describeField(r, f), parent)
				}
			})
		}
	},
})

var _ = register(&Check{
	ID:        "PATH-DIR-MISSING",
	Title:     "dir= tree is missing on this host",
	Severity:  Error,
	Host:      true,
	FailsLoad: true,
	Doc: `dir= watches a directory tree that must exist when the rule is loaded; otherwise the kernel
refuses it ("No such file or directory") and auditctl stops. Checked with --host.

Bad (a host without NetworkManager):
    -a always,exit -F arch=b64 -S all -F dir=/etc/NetworkManager -F perm=wa -k network

Good: leave the rule out on such hosts (a pack for them), or create the directory first.`,
	Run: func(p *Pass) {
		for _, r := range p.Rules {
			for _, f := range r.FieldsNamed("dir") {
				if info, err := os.Stat(f.Text); strings.HasPrefix(f.Text, "/") && (err != nil || !info.IsDir()) {
					p.Reportf(r.Item.Origin, nil, "-F dir=%s: the directory does not exist on this host, so the kernel refuses the rule (No such file or directory)", f.Text)
				}
			}
		}
	},
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
			if w, ok := r.Item.Rule.(*rule.FileWatchRule); ok && len(w.Permissions) == 0 {
				p.Reportf(r.Item.Origin, nil, "-w %s has no -p: the kernel watches rwxa, so every read is recorded too; write -p wa for changes (or -p rwxa to say that reads are wanted)", w.Path)
			}
		}
	},
})
