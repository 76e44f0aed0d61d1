package rulegen

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Shape is a rule set built against the order analysis: many rules that
// an index by syscall, pinned value or directory files together but that
// do not cover one another, so that comparing each rule with the rules
// filed with it is quadratic. Its values come from a random source: the
// benchmarks write large sets from one seed, the tests many small sets
// from many seeds (where values repeat, so rules do cover others).
type Shape struct {
	Name string
	// Doc says what makes the shape hard.
	Doc   string
	lines func(w *shapeWriter)
}

// shapeWriter writes one shape's lines.
type shapeWriter struct {
	sb *strings.Builder
	n  int
	r  *rand.Rand
}

func (w *shapeWriter) line(format string, args ...any) {
	fmt.Fprintf(w.sb, format, args...)
	w.sb.WriteByte('\n')
}

// descending is a threshold that falls as i grows, with a little noise:
// no rule's range holds a later one's, but neighbours may.
func (w *shapeWriter) descending(i, base int) int { return base + 4*(w.n-i) + w.r.IntN(6) }

// wideSyscalls are named on both ABIs of x86_64.
var wideSyscalls = []string{"openat", "unlinkat", "renameat", "fchmodat", "fchownat", "mkdirat", "truncate", "ftruncate",
	"setxattr", "removexattr", "lsetxattr", "fsetxattr", "lremovexattr", "fremovexattr", "init_module", "delete_module",
	"mount", "umount2", "execve", "chmod", "fchmod", "chown", "fchown", "lchown", "rename", "rmdir", "creat", "linkat",
	"symlinkat", "mknodat", "unlink", "mkdir"}

// Shapes are the adversarial rule sets: each keeps lint's order analysis
// from taking its shortcuts in another way.
var Shapes = []Shape{
	{
		Name: "never-before-always",
		Doc: "a site's exclusions before a compliance pack: half never rules on ranges of auid and uid " +
			"(the same syscalls, no pinned value), then always rules on auid thresholds that fall and on " +
			"single auids; most overlap an exclusion and few are covered",
		lines: func(w *shapeWriter) {
			half := w.n / 2
			for i := range half {
				lo := 1000 + 8*i + w.r.IntN(8)
				if i%2 == 0 {
					w.line("-a never,exit -F arch=b64 -S openat,openat2,unlinkat -F auid>=%d -F auid<=%d", lo, lo+w.r.IntN(16))
				} else {
					w.line("-a never,exit -F arch=b64 -S all -F uid>=%d -F uid<=%d", lo, lo+w.r.IntN(16))
				}
			}
			for i := half; i < w.n; i++ {
				if i%3 == 0 {
					w.line("-a always,exit -F arch=b64 -S openat -F auid=%d -F key=user-%d", 1000+w.r.IntN(8*w.n), i)
				} else {
					w.line("-a always,exit -F arch=b64 -S openat,unlinkat -F auid>=%d -F auid!=unset -F key=access-%d", w.descending(i, 1000), i)
				}
			}
		},
	},
	{
		Name: "descending-thresholds",
		Doc: "the uniform set's auid>=N rules in the opposite order: every rule is filed with every other " +
			"(one exit value, one syscall list) and none holds a later one",
		lines: func(w *shapeWriter) {
			for i := range w.n {
				w.line("-a always,exit -F arch=b64 -S openat,openat2 -F exit=-EACCES -F auid>=%d -F auid!=unset -F key=key-%08d", w.descending(i, 1000), i)
			}
		},
	},
	{
		Name: "watch-tree",
		Doc: "watches on files of one tree, with a tenth of the rules dir= rules on its root (falling " +
			"auid thresholds) and on its subdirectories: every watch is under every root rule",
		lines: func(w *shapeWriter) {
			fan := max(2, w.n/400)
			perms := []string{"wa", "w", "r", "rwxa", "x"}
			for i := range w.n {
				a, b := w.r.IntN(fan), w.r.IntN(fan)
				switch i % 10 {
				case 0:
					w.line("-a always,exit -F dir=/srv/tree -F perm=wa -F auid>=%d -F auid!=unset -F key=tree-%d", w.descending(i, 1000), i)
				case 5:
					w.line("-a always,exit -F dir=/srv/tree/a%d/b%d -F perm=%s -F key=sub-%d", a, b, perms[w.r.IntN(len(perms))], i)
				default:
					w.line("-w /srv/tree/a%d/b%d/c%d/f%d -p %s -k watch-%d", a, b, w.r.IntN(fan), w.r.IntN(fan), perms[w.r.IntN(len(perms))], i)
				}
			}
		},
	},
	{
		Name: "exe-dir-path",
		Doc: "each rule its own program, data directory or file (exe=, dir=, path=), with never rules on " +
			"programs: many pinned values, directories above files",
		lines: func(w *shapeWriter) {
			for i := range w.n {
				app := w.r.IntN(w.n)
				switch i % 5 {
				case 0:
					w.line("-a always,exit -F arch=b64 -S execve -F exe=/usr/lib/app%d/bin -F key=exec-%d", app, i)
				case 1:
					w.line("-a always,exit -F arch=b64 -S openat,unlinkat -F dir=/var/lib/app%d -F perm=wa -F key=data-%d", app, i)
				case 2:
					w.line("-a always,exit -F path=/usr/lib/app%d/bin -F perm=x -F auid>=1000 -F auid!=unset -F key=run-%d", app, i)
				case 3:
					w.line("-a never,exit -F arch=b64 -S all -F exe=/usr/lib/app%d/bin", app)
				default:
					w.line("-a always,exit -F arch=b64 -S openat -F path=/var/lib/app%d/db -F perm=w -F key=db-%d", app, i)
				}
			}
		},
	},
	{
		Name: "wide-syscalls",
		Doc: "rules naming 12 syscalls each (a window of a 32-syscall list; the widest rule of the corpus " +
			"names 13), half of them each on its own auid, half on falling thresholds for both ABIs: a " +
			"rule is filed under every syscall it names",
		lines: func(w *shapeWriter) {
			for i := range w.n {
				start := w.r.IntN(len(wideSyscalls) - 12)
				list := strings.Join(wideSyscalls[start:start+12], ",")
				if i%2 == 0 {
					w.line("-a always,exit -F arch=b64 -S %s -F auid=%d -F key=wide-%d", list, 1000+w.r.IntN(w.n), i)
				} else {
					w.line("-a always,exit -F arch=%s -S %s -F exit=-EPERM -F auid>=%d -F auid!=unset -F key=wide-%d",
						[]string{"b64", "b32"}[i/2%2], list, w.descending(i, 1000), i)
				}
			}
		},
	},
	{
		Name: "distinct-keys",
		Doc: "the same fields on every rule, each rule its own key, the 64-bit rules on openat or creat " +
			"and the 32-bit ones on other syscalls or openat: every rule is a twin candidate of every rule " +
			"of the other ABI, and none sees creat",
		lines: func(w *shapeWriter) {
			for i := range w.n {
				if i%2 == 0 {
					w.line("-a always,exit -F arch=b64 -S %s -F auid>=1000 -F auid!=unset -F key=k-%d", []string{"openat", "creat"}[w.r.IntN(2)], i)
				} else {
					w.line("-a always,exit -F arch=b32 -S %s -F auid>=1000 -F auid!=unset -F key=k-%d", []string{"unlinkat", "rmdir", "openat"}[w.r.IntN(3)], i)
				}
			}
		},
	},
	{
		Name: "delete-by-key",
		Doc: "a \"-D -k KEY\" every hundred rules (more often in small sets), as packs that clear their " +
			"own rules before they load them, among per-user rules that sometimes repeat: each -D deletes " +
			"among all the rules loaded before it, and a rule it deleted loads again",
		lines: func(w *shapeWriter) {
			every := min(100, max(4, w.n/8))
			users := max(4, w.n/4)
			for i := range w.n {
				if i%every == every/2 {
					w.line("-D -k user-%d", 1000+w.r.IntN(users))
				}
				uid := 1000 + w.r.IntN(users)
				w.line("-a always,exit -F arch=b64 -S %s -F uid=%d -F key=user-%d", wideSyscalls[w.r.IntN(len(wideSyscalls))], uid, uid)
			}
		},
	},
}

// Text is a rules file of the shape: the usual -D, -b and -f, then n rule
// lines (delete-by-key adds its -D lines) with values drawn from seed.
func (s Shape) Text(n int, seed uint64) string {
	var sb strings.Builder
	sb.WriteString("-D\n-b 8192\n-f 1\n")
	s.lines(&shapeWriter{sb: &sb, n: n, r: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))})
	return sb.String()
}

// WriteShape writes the shape's rules file of n rules into dir, from one
// fixed seed: the same n gives the same file.
func WriteShape(tb testing.TB, dir string, s Shape, n int) {
	tb.Helper()
	if err := os.WriteFile(filepath.Join(dir, "30-"+s.Name+".rules"), []byte(s.Text(n, 1)), 0o644); err != nil {
		tb.Fatal(err)
	}
}
