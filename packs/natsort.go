package packs

// VersionLess reports whether file name a sorts before b in the order of
// GNU `ls -v`, which augenrules uses to concatenate rules.d: filevercmp,
// with a byte comparison as the tie-break, exactly as ls does.
func VersionLess(a, b string) bool {
	if c := filevercmp(a, b); c != 0 {
		return c < 0
	}
	return a < b
}

// filevercmp is gnulib's filevercmp (coreutils 9.x): names compare as
// version strings after a file suffix such as ".rules" is cut off, and only
// fall back to comparing with the suffix when the prefixes are equal.
func filevercmp(a, b string) int {
	switch {
	case a == "" && b == "":
		return 0
	case a == "":
		return -1
	case b == "":
		return 1
	}
	if a[0] == '.' || b[0] == '.' {
		if a[0] != '.' {
			return 1
		}
		if b[0] != '.' {
			return -1
		}
		if c, decided := dotNameOrder(a, b); decided {
			return c
		}
	}
	ap, bp := filePrefixLen(a), filePrefixLen(b)
	if c := verrevcmp(a[:ap], b[:bp]); c != 0 || (ap == len(a) && bp == len(b)) {
		return c
	}
	return verrevcmp(a, b)
}

// dotNameOrder puts "." first, then "..", then other dot names.
func dotNameOrder(a, b string) (int, bool) {
	rank := func(s string) int {
		switch s {
		case ".":
			return 0
		case "..":
			return 1
		}
		return 2
	}
	ra, rb := rank(a), rank(b)
	if ra == 2 && rb == 2 {
		return 0, false
	}
	switch {
	case ra < rb:
		return -1, true
	case ra > rb:
		return 1, true
	}
	return 0, true
}

// filePrefixLen returns the length of s without its longest suffix matching
// (\.[A-Za-z~][A-Za-z0-9~]*)*$, never cutting all of s.
func filePrefixLen(s string) int {
	prefix := 0
	for i := 0; ; {
		if i == len(s) {
			return prefix
		}
		i++
		prefix = i
		for i+1 < len(s) && s[i] == '.' && (isAlpha(s[i+1]) || s[i+1] == '~') {
			for i += 2; i < len(s) && (isAlnum(s[i]) || s[i] == '~'); i++ {
			}
		}
	}
}

// order ranks one byte for verrevcmp: end of string before letters, digits
// as 0, '~' before everything, other bytes after all letters.
func order(s string, pos int) int {
	if pos == len(s) {
		return -1
	}
	c := s[pos]
	switch {
	case isDigit(c):
		return 0
	case isAlpha(c):
		return int(c)
	case c == '~':
		return -2
	}
	return int(c) + 256
}

// verrevcmp is the Debian version comparison (dpkg's verrevcmp) as gnulib
// adapted it: alternating runs of non-digits (compared byte by byte with
// order) and digits (compared numerically, leading zeros ignored).
func verrevcmp(a, b string) int {
	i, j := 0, 0
	for i < len(a) || j < len(b) {
		for (i < len(a) && !isDigit(a[i])) || (j < len(b) && !isDigit(b[j])) {
			ac, bc := order(a, i), order(b, j)
			if ac != bc {
				return ac - bc
			}
			i++
			j++
		}
		for i < len(a) && a[i] == '0' {
			i++
		}
		for j < len(b) && b[j] == '0' {
			j++
		}
		firstDiff := 0
		for i < len(a) && j < len(b) && isDigit(a[i]) && isDigit(b[j]) {
			if firstDiff == 0 {
				firstDiff = int(a[i]) - int(b[j])
			}
			i++
			j++
		}
		if i < len(a) && isDigit(a[i]) {
			return 1
		}
		if j < len(b) && isDigit(b[j]) {
			return -1
		}
		if firstDiff != 0 {
			return firstDiff
		}
	}
	return 0
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }
func isAlpha(c byte) bool { return ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z') }
func isAlnum(c byte) bool { return isDigit(c) || isAlpha(c) }
