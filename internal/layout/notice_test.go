package layout

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// NOTICE names every source of the packs' content with its terms, and every
// module compiled into the binary: a dependency added without its notice
// fails here.
func TestNoticeNamesSourcesAndModules(t *testing.T) {
	data, err := os.ReadFile("../../NOTICE")
	if err != nil {
		t.Fatal(err)
	}
	// Compared with runs of white space as one space: the file is wrapped.
	notice := strings.Join(strings.Fields(string(data)), " ")
	license, err := os.ReadFile("../../LICENSE")
	if err != nil || !strings.Contains(string(license), "Apache License\n                           Version 2.0, January 2004") {
		t.Errorf("LICENSE is not the Apache License 2.0 text (%v)", err)
	}
	for _, want := range []string{
		"US Government public release",
		"SPDX license identifier: BSD-3-Clause Copyright (c) 2012-2017, Red Hat, Inc.",
		"Neither the name of the Red Hat nor the", // the BSD-3-Clause text itself, not only its name
		"GPL-2.0-or-later",
		"profiles/verify/testdata/upstream/",
		"not affiliated with, endorsed or certified by the Center for Internet Security",
		"Copyright 2017-2018 Elasticsearch B.V.", // go-libaudit's NOTICE, which Apache-2.0 asks to carry
	} {
		if !strings.Contains(notice, want) {
			t.Errorf("NOTICE does not say %q", want)
		}
	}
	out, err := exec.Command("go", "list", "-deps", "-f", "{{with .Module}}{{.Path}}{{end}}", module+"cmd/auditpack").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	seen := map[string]bool{}
	for _, m := range strings.Fields(string(out)) {
		if seen[m] || m+"/" == module {
			continue
		}
		seen[m] = true
		if !strings.Contains(notice, m+" ") {
			t.Errorf("NOTICE does not name %s, which the binary compiles in", m)
		}
	}
	if len(seen) == 0 {
		t.Fatal("go list named no module")
	}
}
