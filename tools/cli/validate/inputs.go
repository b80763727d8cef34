package validate

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"gopkg.in/yaml.v3"
)

// input is one template to check, or why an argument named none.
type input struct {
	name string
	// found is set for files found by searching a folder: those that are not CloudFormation
	// templates are skipped, where a file named on the command line is an error.
	found bool
	err   error
}

// templateExts are the file names a folder search picks up.
var templateExts = map[string]bool{".json": true, ".yaml": true, ".yml": true, ".template": true}

// expandInputs turns the arguments into files: "-" is standard input, a folder is searched
// recursively (hidden folders such as .git skipped), a glob is expanded (a glob matching nothing
// is an error for that argument), anything else is a file.
func expandInputs(args []string) []input {
	var out []input
	for _, arg := range args {
		if arg == "-" {
			out = append(out, input{name: "-"})
			continue
		}
		names := []string{arg}
		if strings.ContainsAny(arg, "*?[") {
			m, err := filepath.Glob(arg)
			switch {
			case err != nil:
				out = append(out, input{name: arg, err: fmt.Errorf("glob: %w", err)})
				continue
			case len(m) == 0:
				out = append(out, input{name: arg, err: errors.New("no file matches the pattern")})
				continue
			}
			names = m
		}
		for _, name := range names {
			fi, err := os.Stat(name)
			switch {
			case err != nil:
				out = append(out, input{name: name, err: fmt.Errorf("read template: %w", err)})
			case fi.IsDir():
				out = append(out, walk(name)...)
			default:
				out = append(out, input{name: name})
			}
		}
	}
	return out
}

func walk(root string) []input {
	var out []input
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			out = append(out, input{name: path, err: fmt.Errorf("read folder: %w", err)})
			return nil
		}
		if d.IsDir() {
			if path != root && strings.HasPrefix(d.Name(), ".") {
				return filepath.SkipDir
			}
			return nil
		}
		if templateExts[strings.ToLower(filepath.Ext(path))] {
			out = append(out, input{name: path, found: true})
		}
		return nil
	})
	if err != nil {
		out = append(out, input{name: root, err: err})
	}
	return out
}

// looksLikeTemplate reports whether data is a mapping with Resources or
// AWSTemplateFormatVersion at the top: what a folder search takes for a CloudFormation template.
// A file that does not parse counts as one, so that its error is reported.
func looksLikeTemplate(data []byte) bool {
	var top map[string]yaml.Node
	if err := yaml.Unmarshal(data, &top); err != nil {
		var te *yaml.TypeError
		return !errors.As(err, &te)
	}
	_, res := top["Resources"]
	_, ver := top["AWSTemplateFormatVersion"]
	return res || ver
}
