package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
)

// dataPath is cac.json, from the repository root.
const dataPath = "internal/cisgen/cac/cac.json"

func main() {
	root := flag.String("root", ".", "the repository `DIR` to write the packs and profiles in")
	flag.Parse()
	if err := run(*root); err != nil {
		fmt.Fprintln(os.Stderr, "cisgen:", err)
		os.Exit(1)
	}
}

func run(root string) error {
	files, err := generate(filepath.Join(root, dataPath))
	if err != nil {
		return err
	}
	for _, f := range files {
		path := filepath.Join(root, f.path)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(path, f.data, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// generate renders every product's files from the data, or says every
// problem it found.
func generate(data string) ([]file, error) {
	d, err := readData(data)
	if err != nil {
		return nil, err
	}
	var files []file
	var errs []error
	for i := range d.Products {
		pk, err := build(d, &d.Products[i])
		if err != nil {
			errs = append(errs, err)
			continue
		}
		files = append(files, pk.files()...)
	}
	return files, errors.Join(errs...)
}
