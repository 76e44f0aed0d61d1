package profiles

import (
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/auditpack/auditpack/packs"
	"github.com/auditpack/auditpack/packs/model"
)

//go:embed *.toml
var embedded embed.FS

// Profile selects packs, the arches to keep and settings that override the
// packs' control directives.
type Profile struct {
	Name        string
	Description string
	Packs       []string // pack references, "name" or "name@constraint"
	Arches      []string
	Settings    []model.Directive // in settingOrder
	// SettingControls are the controls a setting of the profile meets
	// ([setting_controls]: failure = ["RHEL-09-654265"]), for verify.
	SettingControls map[model.Option][]string
	// Severity overrides lint checks' severities: check ID -> error,
	// warning or info (lint checks the IDs).
	Severity map[string]string
	// SeverityReasons say why the profile overrides a check's severity
	// ([severity_reasons]): a standard that asks for what the check
	// reports, such as CIS's -c.
	SeverityReasons map[string]string
	// VerifyKeys makes verify require the profile's keys, not just events.
	VerifyKeys bool
	// Facts are the host facts the profile's packs resolve ${NAME} to
	// ([facts]: UID_MIN = 500), unless --host reads the host's own.
	Facts packs.Facts
	// Controls are the prefixes of the control IDs the profile answers
	// for ("RHEL-09-"): a shared pack's tags for other standards are not
	// its to verify. Empty: every control.
	Controls []string
	// Product is the operating system release the profile is for
	// ("rhel9", as host.OS names it); empty for a profile of any system.
	// A product's profile is named FAMILY-PRODUCT (stig-rhel9), and the
	// family's name alone (stig) picks the profile of the host's product.
	Product string
	Source  string // "embedded:stig-rhel9.toml" or the file's path
}

// Family is the standard the profile implements for its product: "stig"
// for stig-rhel9; empty for a profile of no product.
func (p *Profile) Family() string {
	if p.Product == "" {
		return ""
	}
	return strings.TrimSuffix(p.Name, "-"+p.Product)
}

type profileFile struct {
	Name        string           `toml:"name"`
	Description string           `toml:"description"`
	Packs       []string         `toml:"packs"`
	Arches      []string         `toml:"arches"`
	Settings    map[string]int64 `toml:"settings"`
	// SettingControls names, per [settings] key, the controls it meets.
	SettingControls map[string][]string  `toml:"setting_controls"`
	Severity        map[string]string    `toml:"severity"`
	SeverityReasons map[string]string    `toml:"severity_reasons"`
	Product         string               `toml:"product"`
	VerifyKeys      bool                 `toml:"verify_keys"`
	Controls        []string             `toml:"controls"`
	Facts           map[string]factValue `toml:"facts"`
}

// factValue is a [facts] value as a profile writes it: a number
// (UID_MIN = 500), a list of words (SETUID_PROGRAMS = ["/usr/bin/su"]),
// or either as one string.
type factValue string

// UnmarshalTOML takes an integer, a string or an array of strings.
func (v *factValue) UnmarshalTOML(data any) error {
	switch d := data.(type) {
	case int64:
		*v = factValue(strconv.FormatInt(d, 10))
	case string:
		*v = factValue(d)
	case []any:
		words := make([]string, len(d))
		for i, w := range d {
			s, ok := w.(string)
			if !ok {
				return fmt.Errorf("%v: a list fact holds strings, e.g. SETUID_PROGRAMS = [\"/usr/bin/su\"]", data)
			}
			words[i] = s
		}
		*v = factValue(strings.Join(words, " "))
	default:
		return fmt.Errorf("%v: a fact is a whole number (UID_MIN = 500), a string or a list of strings", data)
	}
	return nil
}

type setting struct {
	key    string
	option model.Option
}

// settingOrder maps each [settings] key to the option it overrides.
var settingOrder = []setting{
	{"enabled", model.OptEnabled},
	{"failure", model.OptFailure},
	{"backlog_limit", model.OptBacklogLimit},
	{"backlog_wait_time", model.OptBacklogWaitTime},
	{"rate_limit", model.OptRateLimit},
}

func settingKeys() string {
	keys := make([]string, len(settingOrder))
	for i, s := range settingOrder {
		keys[i] = s.key
	}
	return strings.Join(keys, ", ")
}

// Parse reads a profile; source names it in messages.
func Parse(data []byte, source string) (*Profile, error) {
	var f profileFile
	if err := packs.DecodeTOML(data, source, &f, "a profile has name, product, description, packs, arches, controls, verify_keys, [settings], [setting_controls], [facts], [severity], [severity_reasons]"); err != nil {
		return nil, err
	}
	if f.Name == "" {
		return nil, fmt.Errorf("%s: name is missing", source)
	}
	if len(f.Packs) == 0 {
		return nil, fmt.Errorf("%s: packs is empty; list the packs to merge, e.g. packs = [\"base-config@^1\"]", source)
	}
	p := &Profile{Name: f.Name, Description: f.Description, Packs: f.Packs, Arches: f.Arches, Severity: f.Severity, SeverityReasons: f.SeverityReasons, Product: f.Product, VerifyKeys: f.VerifyKeys, Controls: f.Controls, Source: source}
	if len(f.Facts) > 0 {
		p.Facts = packs.Facts{}
		for name, value := range f.Facts {
			p.Facts[name] = string(value)
		}
	}
	if p.Product != "" && !productName.MatchString(p.Product) || p.Product != "" && !strings.HasSuffix(p.Name, "-"+p.Product) {
		return nil, fmt.Errorf("%s: product %q: a product is lowercase letters and digits (rhel9, ubuntu2204) and the profile of one is named FAMILY-PRODUCT (stig-rhel9)", source, p.Product)
	}
	if err := packs.CheckFacts(p.Facts, source+": [facts]"); err != nil {
		return nil, err
	}
	for id, sev := range f.Severity {
		if sev != "error" && sev != "warning" && sev != "info" {
			return nil, fmt.Errorf("%s: severity.%s = %q: use error, warning or info", source, id, sev)
		}
	}
	for id := range f.SeverityReasons {
		if _, ok := f.Severity[id]; !ok {
			return nil, fmt.Errorf("%s: severity_reasons.%s gives a reason for a severity the profile does not override; set severity.%s too", source, id, id)
		}
	}
	for _, a := range f.Arches {
		if a != "b64" && a != "b32" {
			return nil, fmt.Errorf("%s: arch %q is not b64 or b32", source, a)
		}
	}
	for key := range f.Settings {
		if !slices.ContainsFunc(settingOrder, func(s setting) bool { return s.key == key }) {
			return nil, fmt.Errorf("%s: unknown setting %q; settings are %s", source, key, settingKeys())
		}
	}
	p.SettingControls = map[model.Option][]string{}
	for key, controls := range f.SettingControls {
		i := slices.IndexFunc(settingOrder, func(s setting) bool { return s.key == key })
		if _, set := f.Settings[key]; i < 0 || !set {
			return nil, fmt.Errorf("%s: setting_controls.%s names no setting of [settings]; tag the settings the profile makes", source, key)
		}
		p.SettingControls[settingOrder[i].option] = controls
	}
	for _, s := range settingOrder {
		v, ok := f.Settings[s.key]
		if !ok {
			continue
		}
		d := model.Directive{Option: s.option, Value: strconv.FormatInt(v, 10)}
		if problem := d.Problem(); problem != nil {
			return nil, fmt.Errorf("%s: settings.%s: %s", source, s.key, problem.Message)
		}
		p.Settings = append(p.Settings, d)
	}
	return p, nil
}

var productName = regexp.MustCompile(`^[a-z]+[a-z0-9]*$`)

// List returns the embedded profiles, by name.
func List() ([]*Profile, error) {
	entries, err := fs.ReadDir(embedded, ".")
	if err != nil {
		return nil, err
	}
	var list []*Profile
	for _, e := range entries {
		p, err := readEmbedded(e.Name())
		if err != nil {
			return nil, err
		}
		list = append(list, p)
	}
	sort.Slice(list, func(i, j int) bool { return list[i].Name < list[j].Name })
	return list, nil
}

func readEmbedded(file string) (*Profile, error) {
	data, err := embedded.ReadFile(file)
	if err != nil {
		return nil, err
	}
	return Parse(data, "embedded:"+file)
}

// ErrUnknownProfile is wrapped by Load when no profile has the name.
var ErrUnknownProfile = errors.New("unknown profile")

// Load returns the embedded profile of that name, or reads a profile file
// when nameOrPath ends in ".toml". A family's name (stig) is an error
// here, naming its profiles: only on a host does it mean one (LoadFor).
func Load(nameOrPath string) (*Profile, error) { return LoadFor(nameOrPath, "") }

// LoadFor is Load on the host whose files are under hostRoot ("/" when
// auditpack runs there: apply, --host, verify --kernel): there a
// family's name means the profile of the host's product, read from its
// os-release. Offline (hostRoot empty) a family's name is an error.
func LoadFor(nameOrPath, hostRoot string) (*Profile, error) {
	if strings.HasSuffix(nameOrPath, ".toml") {
		data, err := packs.ReadFile("profile", nameOrPath)
		if err != nil {
			return nil, err
		}
		return Parse(data, nameOrPath)
	}
	if _, err := fs.Stat(embedded, nameOrPath+".toml"); err == nil {
		return readEmbedded(nameOrPath + ".toml")
	}
	all, err := List()
	if err != nil {
		return nil, err
	}
	if members := familyMembers(all, nameOrPath); len(members) > 0 {
		return hostMember(nameOrPath, members, hostRoot)
	}
	names := make([]string, len(all))
	for i, p := range all {
		names[i] = p.Name
	}
	return nil, fmt.Errorf("%w %q; known profiles: %s (or give a profile file, NAME.toml)", ErrUnknownProfile, nameOrPath, strings.Join(names, ", "))
}
