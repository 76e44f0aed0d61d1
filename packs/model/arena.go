package model

// Arena holds the specs a run of Read calls makes, or the rules a run of
// Normalize calls makes, in blocks: a file of many rules costs a few
// allocations per block instead of several per line. The specs or rules
// share its blocks, which live as long as any of them. An Arena is for one
// goroutine.
type Arena struct {
	// Lines is how many more lines the arena expects to read; blocks are
	// sized by it (0: each spec gets allocations of its own size).
	Lines  int
	specs  []Spec
	fields []Field
	words  []string
	rules  []Rule
	// lists are the syscall lists read, by their -S argument: rules that
	// name the same syscalls share one (a pack has few lists for many
	// rules, and a name costs its string header in each rule that
	// names it).
	lists map[string][]string
}

// maxLists is how many syscall lists an arena keeps to share.
const maxLists = 1024

// maxBlock is the most specs a block holds; fields and words blocks hold
// a few per spec.
const maxBlock = 1024

func (a *Arena) spec(s Spec) *Spec {
	p := one(&a.specs, a.Lines, s)
	a.Lines = max(0, a.Lines-1)
	return p
}

func (a *Arena) rule(r Rule) *Rule {
	p := one(&a.rules, a.Lines, r)
	a.Lines = max(0, a.Lines-1)
	return p
}

// fieldSlots are n empty fields to append to (nil for none).
func (a *Arena) fieldSlots(n int) []Field { return slots(&a.fields, n, 4, a.Lines) }

// wordSlots are n empty words to append to (nil for none).
func (a *Arena) wordSlots(n int) []string { return slots(&a.words, n, 3, a.Lines) }

// one places v in the next element of block, a new block (sized for the
// lines still expected) when it is used up.
func one[T any](block *[]T, lines int, v T) *T {
	if len(*block) == 0 {
		*block = make([]T, max(1, min(lines, maxBlock)))
	}
	p := &(*block)[0]
	*p = v
	*block = (*block)[1:]
	return p
}

// slots are the next n elements of block, empty, to append to (nil for
// none); a new block holds about perLine for each line still expected.
func slots[T any](block *[]T, n, perLine, lines int) []T {
	if n == 0 {
		return nil
	}
	if n > len(*block) {
		*block = make([]T, max(n, perLine*min(lines, maxBlock)))
	}
	s := (*block)[:0:n]
	*block = (*block)[n:]
	return s
}
