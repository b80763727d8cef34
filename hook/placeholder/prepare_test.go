package placeholder_test

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/rcfge/rcfge/hook/placeholder"
	"github.com/rcfge/rcfge/schemas"
)

// varSets gives every name a value of each shape a fill meets: a plain string, a string with
// regex metacharacters, a list (spliced into arrays, alternated in regexes, refused inside longer
// strings), and one name left out (an UnknownError).
func varSets(names []string, value string) []placeholder.Vars {
	str, meta, list, missing := placeholder.Vars{}, placeholder.Vars{}, placeholder.Vars{}, placeholder.Vars{}
	for i, n := range names {
		str[n] = placeholder.String(value)
		meta[n] = placeholder.String(`a.b*(c)|` + value)
		list[n] = placeholder.List(value, "x|y")
		if i > 0 {
			missing[n] = placeholder.String(value)
		}
	}
	return []placeholder.Vars{str, meta, list, missing}
}

// checkPrepared says Template.Fill answers what Fill answers: the same document, or an error of
// the same kind for the same placeholder. (When several placeholders are wrong, each walk reports
// the first it meets in map order, so only the kind is compared then.)
func checkPrepared(t *testing.T, name string, doc any, value string) {
	t.Helper()
	names, nerr := placeholder.Names(doc)
	tpl, perr := placeholder.Prepare(doc)
	if (nerr == nil) != (perr == nil) {
		t.Fatalf("%s: Names error %v, Prepare error %v", name, nerr, perr)
	}
	if nerr != nil {
		return
	}
	if !reflect.DeepEqual(names, tpl.Names()) {
		t.Fatalf("%s: Names %v, Prepare names %v", name, names, tpl.Names())
	}
	for i, vars := range varSets(names, value) {
		want, werr := placeholder.Fill(doc, vars)
		got, gerr := tpl.Fill(vars)
		if (werr == nil) != (gerr == nil) {
			t.Fatalf("%s vars#%d: Fill error %v, Template.Fill error %v", name, i, werr, gerr)
		}
		if werr != nil {
			if reflect.TypeOf(errors.Unwrap(werr)) != reflect.TypeOf(errors.Unwrap(gerr)) || reflect.TypeOf(werr) != reflect.TypeOf(gerr) {
				t.Fatalf("%s vars#%d: Fill error %T %v, Template.Fill error %T %v", name, i, werr, werr, gerr, gerr)
			}
			continue
		}
		if !reflect.DeepEqual(want, got) {
			t.Fatalf("%s vars#%d: Template.Fill differs from Fill", name, i)
		}
	}
}

func TestPreparedFillMatchesFill(t *testing.T) {
	files, err := fs.Glob(schemas.FS(), "*.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("no shipped templates: %v", err)
	}
	local, err := filepath.Glob("../engine/testdata/templates/*.json")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		body, err := fs.ReadFile(schemas.FS(), f)
		if err != nil {
			t.Fatal(err)
		}
		doc, ok := decodeDoc(body)
		if !ok {
			t.Fatalf("%s: not JSON", f)
		}
		checkPrepared(t, f, doc, "111122223333")
	}
	for _, f := range local {
		body, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if doc, ok := decodeDoc(body); ok {
			checkPrepared(t, f, doc, "eu-west-1")
		}
	}
}

func TestPreparedFillShapes(t *testing.T) {
	tests := []struct {
		name string
		doc  string
	}{
		{"no placeholder", `{"type":"object","properties":{"A":{"type":"string"}}}`},
		{"top-level string", `"$<accountID>"`},
		{"top-level escape", `"$$<accountID>"`},
		{"top-level plain string", `"accountID"`},
		{"splice in array", `{"enum":["a","$<accountID>","b"],"items":[{"const":"$<accountID>"},{"type":"string"}]}`},
		{"enum string", `{"enum":"$<accountID>"}`},
		{"pattern key", `{"patternProperties":{"^$<accountID>-[a-z]+$":{"pattern":"^$<region>$"}}}`},
		{"renamed key", `{"properties":{"$<accountID>":{"type":"string"},"B":{}}}`},
		{"data keywords", `{"default":{"pattern":"$<accountID>"},"examples":["$<accountID>"],"properties":{"default":{"pattern":"$<region>"}}}`},
		{"deep", `{"definitions":{"A":{"properties":{"B":{"items":{"anyOf":[{"const":"x"},{"pattern":"^arn:$<partition>:s3:::$<accountID>-.*$"}]}}}}}}`},
		{"list in string", `{"description":"account $<accountID> here"}`},
		{"malformed", `{"pattern":"$<1bad>"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, ok := decodeDoc([]byte(tt.doc))
			if !ok {
				t.Fatalf("not JSON: %s", tt.doc)
			}
			checkPrepared(t, tt.name, doc, "111122223333")
		})
	}
}

// FuzzPreparedFill: on any JSON document and value, Template.Fill answers exactly what Fill does.
func FuzzPreparedFill(f *testing.F) {
	for _, s := range fuzzSeeds(f) {
		f.Add(s, "eu-west-1")
	}
	f.Fuzz(func(t *testing.T, raw []byte, value string) {
		doc, ok := decodeDoc(raw)
		if !ok {
			return
		}
		checkPrepared(t, "fuzz", doc, value)
	})
}
