package apply

import (
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/auditpack/auditpack/compile"
	"github.com/auditpack/auditpack/packs"
	"github.com/auditpack/auditpack/packs/model"
	"github.com/auditpack/auditpack/profiles/verify"
)

// VerifyTarget is what verify --kernel checks: the kernel's rules, read
// straight from their wire form for the machine, and its settings.
func VerifyTarget(k Kernel, machine *model.Target) (*verify.Target, error) {
	status, err := k.Status()
	if err != nil {
		return nil, err
	}
	raw, err := k.Rules()
	if err != nil {
		return nil, err
	}
	c, err := compile.FromWire(raw, machine)
	if err != nil {
		return nil, err
	}
	t := verify.TargetFromOrdered("kernel", c)
	for option, name := range settingOf {
		v, _ := statusValue(status, name)
		t.Settings[option] = strconv.FormatUint(uint64(v), 10)
	}
	if status.LoginuidImmutable {
		t.Settings[packs.OptLoginuidImmutable] = "1"
	}
	if t.Cmdline, err = readCmdline("/proc/cmdline"); err != nil {
		return nil, err
	}
	return t, nil
}

// readCmdline reads the parameters the kernel was booted with; a bare
// word (quiet) has an empty value.
func readCmdline(path string) (map[string]string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read the kernel command line: %w", err)
	}
	params := map[string]string{}
	for _, word := range strings.Fields(string(data)) {
		if word == "--" {
			break // what follows is for init, not the kernel
		}
		k, v, _ := strings.Cut(word, "=")
		params[k] = v
	}
	return params, nil
}
