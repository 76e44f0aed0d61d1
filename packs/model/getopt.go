package model

import (
	"fmt"
	"strings"
)

// getopt's view of auditctl's options: the short options and whether they
// take an argument, and the long options.
const shortOptions = "hicslDvtC:e:f:r:b:a:A:d:S:F:m:R:w:W:k:p:q:"

var longOptions = []struct {
	name   string
	hasArg bool
}{{"loginuid-immutable", false}, {"backlog_wait_time", true}, {"reset-lost", false}, {"reset_backlog_wait_time_actual", false}, {"signal", true}}

// shortNames spells each short option once, so reading a line does not
// build its option names again.
var shortNames = func() (n [256]string) {
	for i := 0; i < len(shortOptions); i++ {
		if c := shortOptions[i]; c != ':' {
			n[c] = "-" + string(c)
		}
	}
	return n
}()

type opt struct {
	name string // "-a", "--backlog_wait_time"
	arg  string
	bad  string // getopt's error for this word
	// rest is set when more options follow in the same word (-Dc): getopt
	// has not moved past the word yet. next is the index of the word
	// after the option and its argument.
	rest bool
	next int
}

// getopt splits words as glibc's getopt_long does for auditctl: options in
// order (clustered short options apart), an option's argument from the
// same word or the next, unambiguous prefixes of long options, and the
// words that are no option, which getopt moves to the end.
func getopt(words []string, opts []opt) (_ []opt, strays []string) {
	for i := 0; i < len(words); i++ {
		w := words[i]
		switch {
		case w == "--":
			return opts, append(strays, words[i+1:]...)
		case strings.HasPrefix(w, "--"):
			name, val, hasVal := strings.Cut(w[2:], "=")
			match := -1
			for j, lo := range longOptions {
				if lo.name == name {
					match = j
					break
				}
				if strings.HasPrefix(lo.name, name) {
					if match >= 0 {
						return append(opts, opt{name: w, bad: fmt.Sprintf("option %q is ambiguous", w)}), strays
					}
					match = j
				}
			}
			if match < 0 {
				return append(opts, opt{name: w, bad: fmt.Sprintf("unknown option %q", w)}), strays
			}
			lo := longOptions[match]
			o := opt{name: "--" + lo.name, arg: val}
			switch {
			case lo.hasArg && !hasVal:
				if i+1 == len(words) {
					return append(opts, opt{name: o.name, bad: fmt.Sprintf("%s needs a value", o.name)}), strays
				}
				i++
				o.arg = words[i]
			case !lo.hasArg && hasVal:
				return append(opts, opt{name: o.name, bad: fmt.Sprintf("%s takes no value", o.name)}), strays
			}
			o.next = i + 1
			opts = append(opts, o)
		case len(w) > 1 && w[0] == '-':
			for j := 1; j < len(w); j++ {
				c := w[j]
				k := strings.IndexByte(shortOptions, c)
				if c == ':' || k < 0 {
					return append(opts, opt{name: w, bad: fmt.Sprintf("unknown option %q", "-"+string(c))}), strays
				}
				name := shortNames[c]
				if k+1 == len(shortOptions) || shortOptions[k+1] != ':' {
					opts = append(opts, opt{name: name, rest: j+1 < len(w), next: i + 1})
					continue
				}
				arg := w[j+1:]
				if arg == "" {
					if i+1 == len(words) {
						return append(opts, opt{name: name, bad: fmt.Sprintf("option %s needs a value", name)}), strays
					}
					i++
					arg = words[i]
				}
				opts = append(opts, opt{name: name, arg: arg, next: i + 1})
				break
			}
		default:
			strays = append(strays, w)
		}
	}
	return opts, strays
}
