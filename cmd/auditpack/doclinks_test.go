package main

import (
	"fmt"
	"iter"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode"
)

// linkedBeforeWritten are guides that another branch of issue #27 writes
// and this branch's guides already link to. The link test lets them be
// missing and fails once one exists, so that the entry goes with the merge
// that brings the file.
var linkedBeforeWritten []string

// Every relative link of README.md and docs/*.md points at a file or
// directory of the checkout, and a link with an anchor (FILE.md#anchor,
// #anchor) at a heading of that Markdown file.
func TestDocLinks(t *testing.T) {
	t.Parallel()
	for _, pending := range linkedBeforeWritten {
		if _, err := os.Stat(filepath.Join(repoRoot, pending)); err == nil {
			t.Errorf("%s exists now: remove it from linkedBeforeWritten, so that links to it are checked", pending)
		}
	}
	checked := 0
	for _, doc := range guides(t) {
		data, err := os.ReadFile(filepath.Join(repoRoot, doc))
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range markdownLinks(string(data)) {
			if err := checkLink(doc, l.target); err != nil {
				t.Errorf("%s:%d: link %s: %v", doc, l.line, l.target, err)
			}
			checked++
		}
	}
	if checked == 0 {
		t.Error("README.md and docs/*.md have no relative link to check")
	}
}

// checkLink says what is wrong with a relative link target of doc (a path
// relative to the repository), or nil; links with a scheme are not
// followed.
func checkLink(doc, target string) error {
	path, anchor, _ := strings.Cut(target, "#")
	file := doc
	if path != "" {
		file = filepath.Join(filepath.Dir(doc), path)
		if slices.Contains(linkedBeforeWritten, filepath.ToSlash(file)) {
			return nil
		}
		if _, err := os.Stat(filepath.Join(repoRoot, file)); err != nil {
			return fmt.Errorf("%s does not exist", file)
		}
	}
	if anchor == "" {
		return nil
	}
	if !strings.HasSuffix(file, ".md") {
		return fmt.Errorf("an anchor into %s, which is not Markdown", file)
	}
	data, err := os.ReadFile(filepath.Join(repoRoot, file))
	if err != nil {
		return err
	}
	if !slices.Contains(headingAnchors(string(data)), anchor) {
		return fmt.Errorf("%s has no heading with the anchor #%s", file, anchor)
	}
	return nil
}

type markdownLink struct {
	line   int
	target string
}

var (
	inlineCode = regexp.MustCompile("`[^`]*`")
	linkTarget = regexp.MustCompile(`\[[^\]]*\]\(([^)\s]+)\)`)
	hasScheme  = regexp.MustCompile(`^[a-zA-Z][a-zA-Z0-9+.-]*:`)
)

// markdownLinks are the relative link targets of a Markdown text, with
// their line numbers; links in code blocks and code spans are code.
func markdownLinks(text string) []markdownLink {
	var links []markdownLink
	for n, line := range proseLines(text) {
		for _, m := range linkTarget.FindAllStringSubmatch(inlineCode.ReplaceAllString(line, ""), -1) {
			if !hasScheme.MatchString(m[1]) {
				links = append(links, markdownLink{n, m[1]})
			}
		}
	}
	return links
}

// proseLines yields the lines of a Markdown text outside fenced code
// blocks, with their numbers.
func proseLines(text string) iter.Seq2[int, string] {
	return func(yield func(int, string) bool) {
		inBlock := false
		for i, line := range strings.Split(text, "\n") {
			if strings.HasPrefix(strings.TrimSpace(line), "```") {
				inBlock = !inBlock
				continue
			}
			if !inBlock && !yield(i+1, line) {
				return
			}
		}
	}
}

// headingAnchors are the anchors GitHub gives a Markdown text's headings:
// the heading in lower case, without punctuation, spaces as hyphens, and
// -1, -2, ... after a repeated one.
func headingAnchors(text string) []string {
	var anchors []string
	seen := map[string]int{}
	for _, line := range proseLines(text) {
		title, ok := strings.CutPrefix(strings.TrimLeft(line, "#"), " ")
		if !strings.HasPrefix(line, "#") || !ok {
			continue
		}
		slug := strings.Map(func(r rune) rune {
			switch {
			case r == ' ':
				return '-'
			case r == '-' || r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r):
				return unicode.ToLower(r)
			}
			return -1
		}, strings.TrimSpace(title))
		if n := seen[slug]; n > 0 {
			anchors = append(anchors, fmt.Sprintf("%s-%d", slug, n))
		} else {
			anchors = append(anchors, slug)
		}
		seen[slug]++
	}
	return anchors
}

// The anchors are GitHub's for the headings these guides use.
func TestHeadingAnchors(t *testing.T) {
	t.Parallel()
	got := headingAnchors("# auditpack\n## Proof by events: --kernel --live\n```\n# not a heading\n```\n## Drift\n### Drift\n#nospace\n## Cost: deletes wait for RCU\n")
	want := []string{"auditpack", "proof-by-events---kernel---live", "drift", "drift-1", "cost-deletes-wait-for-rcu"}
	if !slices.Equal(got, want) {
		t.Errorf("headingAnchors = %q, want %q", got, want)
	}
}
