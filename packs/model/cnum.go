package model

import "fmt"

// cNumber is a number as glibc's strtoul or strtol with base 0 reads it,
// which is how auditctl reads every number it is given: the value it
// returns (64 bits), what it did not read, and how the text misleads.
type cNumber struct {
	value uint64 // as returned: an unsigned long, or a long's bits
	rest  string // the text after the number, which auditctl ignores
	octal bool   // a leading 0 made the number octal
	// saturated is set when the number is out of range: strtoul returns
	// ULONG_MAX, strtol LONG_MAX or LONG_MIN (and sets errno, which only
	// auditctl's -b, -r, --backlog_wait_time and arch= check).
	saturated bool
	ok        bool // a digit was read
}

// readC reads s as strtoul(s, &end, 0) does, or as strtol with signed
// set: an optional sign, then 0x hex, 0 octal or decimal digits, stopping
// at the first other character.
func readC(s string, signed bool) cNumber {
	i, negative := 0, false
	if i < len(s) && (s[i] == '-' || s[i] == '+') {
		negative = s[i] == '-'
		i++
	}
	base := uint64(10)
	var n cNumber
	switch {
	case i+2 < len(s) && s[i] == '0' && (s[i+1] == 'x' || s[i+1] == 'X') && hexDigit(s[i+2]) >= 0:
		base, i = 16, i+2
	case i < len(s) && s[i] == '0':
		base = 8
		n.octal = i+1 < len(s) && s[i+1] >= '0' && s[i+1] <= '7'
	}
	var magnitude uint64
	for ; i < len(s); i++ {
		d := hexDigit(s[i])
		if d < 0 || uint64(d) >= base {
			break
		}
		n.ok = true
		if magnitude > (1<<64-1-uint64(d))/base {
			n.saturated = true
		} else if !n.saturated {
			magnitude = magnitude*base + uint64(d)
		}
	}
	if !n.ok {
		return cNumber{rest: s}
	}
	n.rest = s[i:]
	switch {
	case !signed && n.saturated:
		n.value = 1<<64 - 1
	case !signed && negative:
		n.value = -magnitude
	case !signed:
		n.value = magnitude
	case negative && (n.saturated || magnitude > 1<<63):
		n.value, n.saturated = 1<<63, true // LONG_MIN
	case negative:
		n.value = -magnitude
	case n.saturated || magnitude > 1<<63-1:
		n.value, n.saturated = 1<<63-1, true // LONG_MAX
	default:
		n.value = magnitude
	}
	return n
}

// readHex reads s as strtoul(s, &end, 16) does, without a sign: auditctl
// tries an arch it does not know by name as a hex number.
func readHex(s string) cNumber {
	i := 0
	if len(s) > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X') && hexDigit(s[2]) >= 0 {
		i = 2
	}
	var n cNumber
	for ; i < len(s) && hexDigit(s[i]) >= 0; i++ {
		n.ok = true
		if n.value > (1<<64-1)>>4 {
			n.saturated = true
		}
		n.value = n.value<<4 | uint64(hexDigit(s[i]))
	}
	if n.saturated {
		n.value = 1<<64 - 1
	}
	n.rest = s[i:]
	return n
}

// u32 is what auditctl stores: the low 32 bits.
func (n cNumber) u32() uint32 { return uint32(n.value) }

// misread says how a number written as text reaches the kernel as
// something else, or "" when it is read as written: trailing characters
// dropped, a leading zero read as octal, a number beyond 64 bits
// saturated, or one beyond 32 bits cut. option and text name the value
// ("-F", "auid>=01000") for the message, joined only when there is one.
func (n cNumber) misread(option, text string, signed bool) string {
	wide := n.value > 1<<32-1 && !(signed && int64(n.value) >= -1<<31 && int64(n.value) < 0)
	if !n.saturated && n.rest == "" && !n.octal && !wide {
		return "" // most numbers: no message to build
	}
	what := option + " " + text
	kernel := fmt.Sprint(n.u32())
	if signed && int32(n.u32()) < 0 {
		kernel = fmt.Sprint(int32(n.u32()))
	}
	switch {
	case n.saturated:
		return fmt.Sprintf("%s is beyond what auditctl reads (64 bits): it takes the largest number instead, and the kernel gets %s; write the value you mean", what, kernel)
	case n.rest != "":
		return fmt.Sprintf("%s: auditctl reads the number %s and ignores %q after it; write the number alone", what, kernel, n.rest)
	case n.octal:
		return fmt.Sprintf("%s is read as octal (a leading 0), %s; remove the leading zero", what, kernel)
	}
	return fmt.Sprintf("%s does not fit in 32 bits: auditctl silently keeps the low 32 bits, %s", what, kernel)
}

func hexDigit(c byte) int {
	switch {
	case '0' <= c && c <= '9':
		return int(c - '0')
	case 'a' <= c && c <= 'f':
		return int(c-'a') + 10
	case 'A' <= c && c <= 'F':
		return int(c-'A') + 10
	}
	return -1
}
