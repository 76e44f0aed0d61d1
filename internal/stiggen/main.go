package main

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/auditpack/auditpack/internal/atomicfile"
)

func main() {
	os.Exit(command(os.Args[1:], os.Stdout, os.Stderr))
}

// command runs "stiggen [-root DIR]" (generate) or "stiggen extract ...";
// it returns the exit code: 1 when the command failed, 2 for a usage
// error.
func command(args []string, stdout, stderr io.Writer) int {
	extracting := len(args) > 0 && args[0] == "extract"
	name := "stiggen"
	if extracting {
		name, args = "stiggen extract", args[1:]
	}
	flags := flag.NewFlagSet(name, flag.ContinueOnError)
	flags.SetOutput(stderr)
	root := flags.String("root", ".", "the repository's root")
	key := flags.String("product", "", "extract: the product key (rhel9, ubuntu2404, ...)")
	rel := flags.String("release", "", "extract: DISA's release, V2R9")
	flags.Usage = func() {
		fmt.Fprint(stderr, "usage: go run ./internal/stiggen [-root DIR]\n"+
			"       go run ./internal/stiggen extract -product KEY -release VxRy [-root DIR] MANUAL.xml|CONTROLS.yml\n")
		flags.PrintDefaults()
	}
	if err := flags.Parse(args); err != nil {
		return 2
	}
	if !extracting {
		if flags.NArg() > 0 || *key != "" || *rel != "" {
			fmt.Fprintf(stderr, "stiggen: generate takes no file, -product or -release (did you mean stiggen extract?)\n")
			return 2
		}
		if err := run(*root, stdout); err != nil {
			fmt.Fprintf(stderr, "stiggen: %v\n", err)
			return 1
		}
		return 0
	}
	if flags.NArg() != 1 || *key == "" || *rel == "" {
		fmt.Fprintf(stderr, "stiggen extract: give -product, -release and one manual or control file\n")
		flags.Usage()
		return 2
	}
	if err := checkRoot(*root); err != nil {
		fmt.Fprintf(stderr, "stiggen extract: %v\n", err)
		return 1
	}
	path, kept, err := extract(*root, *key, *rel, flags.Arg(0))
	if err != nil {
		fmt.Fprintf(stderr, "stiggen extract: %v\n", err)
		return 1
	}
	fmt.Fprintf(stdout, "wrote %s (%s)\n", path, kept)
	return 0
}

func checkRoot(root string) error {
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		return fmt.Errorf("run stiggen from the repository's root (or give -root): %w", err)
	}
	return nil
}

// run writes every output that differs from the file there.
func run(root string, stdout io.Writer) error {
	if err := checkRoot(root); err != nil {
		return err
	}
	out, err := outputs(root)
	if err != nil {
		return err
	}
	for _, p := range sortedPaths(out) {
		file := filepath.Join(root, p)
		if old, err := os.ReadFile(file); err == nil && bytes.Equal(old, out[p]) {
			continue
		}
		if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
			return err
		}
		if err := atomicfile.WriteFile(file, out[p], 0o644); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "wrote %s\n", p)
	}
	return nil
}
