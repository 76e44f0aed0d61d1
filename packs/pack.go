package packs

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/BurntSushi/toml"
	"github.com/auditpack/auditpack/packs/model"
)

// manifestName is the file that makes a directory a pack.
const manifestName = "pack.toml"

// Pack is a versioned set of rules files that merge at one position.
type Pack struct {
	Name        string
	Version     Version
	Order       int    // merge position; every file name starts with it
	Description string // one line for listings
	Standard    string // what it implements, with the standard's own version
	Release     string // the standard's own name of its release: "v2.0.0", "V2R9"
	Arches      []string
	// Facts are the pack's defaults for list facts its files name
	// (SETUID_PROGRAMS for its product): the host's own replace them.
	Facts Facts
	// Dir is where the pack was found: a path, or "embedded:NAME".
	Dir string
	// FileNames are the rules files in merge order; Ignored are the other
	// files of the directory, which augenrules would never read.
	FileNames []string
	Ignored   []string

	fsys fs.FS  // the pack root
	root string // the pack directory inside fsys
	// requirements reads requirements.toml, once.
	requirements func() (*Requirements, error)
}

// ID is "name@version", the way diagnostics and headers name a pack.
func (p *Pack) ID() string { return p.Name + "@" + p.Version.String() }

// Embedded says whether the pack ships in the binary.
func (p *Pack) Embedded() bool { return strings.HasPrefix(p.Dir, embeddedPrefix) }

// Requirements are the standard's own wording of the controls the pack
// meets (requirements.toml); nil when the pack states none. A pack from
// a directory has them read with it, so that readPack reports a broken
// file; an embedded pack's (checked by the tests) are read when first
// asked for: only verify and the listings need them, and reading them
// was three quarters of compiling the stig profile.
func (p *Pack) Requirements() (*Requirements, error) { return p.requirements() }

type manifest struct {
	Name        string   `toml:"name"`
	Version     string   `toml:"version"`
	Order       *int     `toml:"order"`
	Description string   `toml:"description"`
	Standard    string   `toml:"standard"`
	Release     string   `toml:"release"`
	Arches      []string `toml:"arches"`
	// Facts are default values of list facts ([facts] NAME = [...]).
	Facts map[string][]string `toml:"facts"`
}

var packName = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]*$`)

// knownArches are the values of -F arch= a pack may limit itself to.
var knownArches = map[string]bool{"b64": true, "b32": true}

// readPack reads the manifest of the pack in directory dir of fsys, and the
// names of its files; display is the directory as the user knows it.
func readPack(fsys fs.FS, dir, display string) (*Pack, error) {
	manifestPath := path.Join(dir, manifestName)
	shown := joinDisplay(display, manifestName)
	data, err := readFS(fsys, manifestPath, shown)
	if err != nil {
		return nil, err
	}
	var m manifest
	if err := DecodeTOML(data, shown, &m, "a pack.toml has name, version, release, order, description, standard, arches, [facts]"); err != nil {
		return nil, err
	}
	p := &Pack{Name: m.Name, Description: m.Description, Standard: m.Standard, Release: m.Release, Arches: m.Arches, Dir: display, fsys: fsys, root: dir}
	for name, values := range m.Facts {
		if !isListFact(name) {
			return nil, fmt.Errorf("%s: [facts] %s: a pack gives defaults for list facts only (%s); UID_MIN comes from the profile or the host", shown, name, strings.Join(listFacts, ", "))
		}
		if p.Facts == nil {
			p.Facts = Facts{}
		}
		p.Facts[name] = strings.Join(values, " ")
	}
	if err := CheckFacts(p.Facts, shown+": [facts]"); err != nil {
		return nil, err
	}
	switch {
	case !packName.MatchString(m.Name):
		return nil, fmt.Errorf("%s: name %q must be lowercase letters, digits, '-', '.' or '_'", shown, m.Name)
	case m.Order == nil:
		return nil, fmt.Errorf("%s: order is missing; it is the number every file name of the pack starts with, e.g. order = 30", shown)
	case *m.Order < 0:
		return nil, fmt.Errorf("%s: order %d must not be negative", shown, *m.Order)
	}
	p.Order = *m.Order
	if p.Version, err = parseVersion(m.Version); err != nil {
		return nil, fmt.Errorf("%s: %w", shown, err)
	}
	for _, a := range m.Arches {
		if !knownArches[a] {
			return nil, fmt.Errorf("%s: arch %q is not b64 or b32", shown, a)
		}
	}
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", display, unwrapPathError(err))
	}
	prefix := strconv.Itoa(p.Order)
	for _, e := range entries {
		name := e.Name()
		switch {
		case name == manifestName, name == RequirementsName:
		case !e.Type().IsRegular() || !isRulesFileName(name):
			p.Ignored = append(p.Ignored, name)
		case !startsWithOrder(name, prefix):
			return nil, fmt.Errorf("%s: file name must start with the pack's order %s (e.g. %s-%s.rules) so that it merges where the pack says", joinDisplay(display, name), prefix, prefix, p.Name)
		default:
			p.FileNames = append(p.FileNames, name)
		}
	}
	if len(p.FileNames) == 0 {
		return nil, fmt.Errorf("%s: pack %s has no *.rules files", display, p.Name)
	}
	sort.Slice(p.FileNames, func(i, j int) bool { return VersionLess(p.FileNames[i], p.FileNames[j]) })
	p.requirements = sync.OnceValues(p.readRequirements)
	if !p.Embedded() {
		if _, err := p.Requirements(); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// DecodeTOML decodes data into v and refuses keys v has no place for, so a
// misspelled key is an error rather than silently ignored; keysHelp says
// which keys there are. source names the file in messages.
func DecodeTOML(data []byte, source string, v any, keysHelp string) error {
	md, err := toml.Decode(string(data), v)
	if err != nil {
		var perr toml.ParseError
		if errors.As(err, &perr) {
			return fmt.Errorf("%s:%d: bad TOML: %s", source, perr.Position.Line, perr.Message)
		}
		return fmt.Errorf("%s: bad TOML: %w", source, err)
	}
	if undecoded := md.Undecoded(); len(undecoded) > 0 {
		return fmt.Errorf("%s: unknown key %q; %s", source, undecoded[0].String(), keysHelp)
	}
	return nil
}

// startsWithOrder accepts "30-x.rules" and "30.rules" for order 30, but
// not "300-x.rules".
func startsWithOrder(name, prefix string) bool {
	rest, ok := strings.CutPrefix(name, prefix)
	return ok && (rest == "" || !isDigit(rest[0]))
}

// isRulesFileName reports whether augenrules reads a file of this name:
// it ends in ".rules" and is not hidden.
func isRulesFileName(name string) bool {
	return strings.HasSuffix(name, ".rules") && !strings.HasPrefix(name, ".")
}

// Open parses the pack's rules files, with the facts they name resolved
// (nil: DefaultFacts; the pack's own defaults for the list facts facts
// does not give).
func (p *Pack) Open(facts Facts) ([]*File, error) {
	facts = p.factsWith(facts)
	files := make([]*File, 0, len(p.FileNames))
	for _, name := range p.FileNames {
		data, err := p.ReadFile(name)
		if err != nil {
			return nil, err
		}
		uses := UsesFacts(data)
		var more []copies
		if data, more, err = facts.expand(data, joinDisplay(p.Dir, name)); err != nil {
			return nil, err
		}
		f := ParseFile(name, p.displayPath(name), p, data)
		f.UsesFacts = uses
		f.addCopies(more)
		files = append(files, f)
	}
	return files, nil
}

// factsWith are the facts the pack's files are read with: facts (nil:
// DefaultFacts) over the pack's own defaults.
func (p *Pack) factsWith(facts Facts) Facts {
	if facts == nil {
		facts = DefaultFacts()
	}
	if len(p.Facts) == 0 {
		return facts
	}
	return p.Facts.Merge(facts)
}

// addCopies adds the items a line naming a list fact stands for after
// the line's own, each with its origin and controls.
func (f *File) addCopies(more []copies) {
	for _, c := range more {
		i := slices.IndexFunc(f.Items, func(it model.Line) bool { return it.Origin.Line == c.Line })
		if i < 0 {
			continue // the line did not parse: its error is reported
		}
		added := make([]model.Line, 0, len(c.Texts))
		for _, text := range c.Texts {
			g := ParseFile(f.Name, f.Path, f.Pack, []byte(text))
			for _, e := range g.Errors {
				e.Origin.Line = c.Line
				f.Errors = append(f.Errors, e)
			}
			for _, it := range g.Items {
				it.Origin, it.Controls = f.Items[i].Origin, f.Items[i].Controls
				added = append(added, it)
			}
		}
		f.Items = slices.Insert(f.Items, i+1, added...)
	}
}

// ReadFile returns the contents of one of the pack's files.
func (p *Pack) ReadFile(name string) ([]byte, error) {
	return readFS(p.fsys, path.Join(p.root, name), joinDisplay(p.Dir, name))
}

// displayPath names an embedded pack's file by its bare name (the pack ID
// goes with it in every message) and a user's pack file by its path.
func (p *Pack) displayPath(name string) string {
	if p.Embedded() {
		return name
	}
	return joinDisplay(p.Dir, name)
}

func joinDisplay(dir, name string) string {
	if strings.HasPrefix(dir, embeddedPrefix) {
		return dir + "/" + name
	}
	return path.Join(dir, name)
}

// unwrapPathError drops the operation and path of an *fs.PathError, which
// the caller's message already names.
func unwrapPathError(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
