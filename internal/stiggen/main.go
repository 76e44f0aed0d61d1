package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/auditpack/auditpack/internal/atomicfile"
)

func main() {
	root := flag.String("root", ".", "the repository's root")
	flag.Parse()
	if err := run(*root); err != nil {
		fmt.Fprintf(os.Stderr, "stiggen: %v\n", err)
		os.Exit(1)
	}
}

// run writes every output that differs from the file there.
func run(root string) error {
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		return fmt.Errorf("run stiggen from the repository's root (or give -root): %w", err)
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
		fmt.Printf("wrote %s\n", p)
	}
	return nil
}
