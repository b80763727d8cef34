package lint

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v5"
)

// RuleMetaSchema names the check of a template against its draft's meta-schema.
const RuleMetaSchema Rule = "meta-schema"

// metaSchemas are the meta-schemas a template may name in $schema; draft-07 when it names none.
// Lint checks against them itself, with santhosh-tekuri/jsonschema/v5, rather than relying on
// the engine's compiler to do it: the engine's validator is rcfge's own and need not re-check
// what lint already refused.
var metaSchemas = map[string]string{
	"":                                             "http://json-schema.org/draft-07/schema#",
	"http://json-schema.org/draft-07/schema":       "http://json-schema.org/draft-07/schema#",
	"http://json-schema.org/draft-06/schema":       "http://json-schema.org/draft-06/schema#",
	"http://json-schema.org/draft-04/schema":       "http://json-schema.org/draft-04/schema#",
	"https://json-schema.org/draft/2019-09/schema": "https://json-schema.org/draft/2019-09/schema",
	"https://json-schema.org/draft/2020-12/schema": "https://json-schema.org/draft/2020-12/schema",
}

var (
	metaMu       sync.Mutex
	metaCompiled = map[string]*jsonschema.Schema{}
)

// metaSchema returns the compiled meta-schema for a $schema value; ok is false for one lint does
// not know (the compile check reports it).
func metaSchema(draft string) (*jsonschema.Schema, bool, error) {
	url, ok := metaSchemas[strings.TrimSuffix(strings.TrimSuffix(draft, "#"), ".json")]
	if !ok {
		return nil, false, nil
	}
	metaMu.Lock()
	defer metaMu.Unlock()
	if s, ok := metaCompiled[url]; ok {
		return s, true, nil
	}
	// The meta-schemas are built into the library: nothing is fetched.
	c := jsonschema.NewCompiler()
	s, err := c.Compile(url)
	if err != nil {
		return nil, false, fmt.Errorf("meta-schema %s: %w", url, err)
	}
	metaCompiled[url] = s
	return s, true, nil
}

// meta checks a filled template against its draft's meta-schema: one finding per schema
// location that breaks it ("minLength": "x", "type": 5, "required": "Name").
// It returns how many findings it added.
func (l *linter) meta(file string, filled map[string]any) (int, error) {
	draft, _ := filled["$schema"].(string)
	s, ok, err := metaSchema(draft)
	if err != nil || !ok {
		return 0, err
	}
	verr := s.Validate(filled)
	if verr == nil {
		return 0, nil
	}
	var ve *jsonschema.ValidationError
	if !errors.As(verr, &ve) {
		return 0, fmt.Errorf("template %s: meta-schema check: %w", file, verr)
	}
	seen := map[string]bool{}
	for _, leaf := range leaves(ve) {
		// The library writes instance locations URL-escaped (%5E for ^).
		loc, err := url.PathUnescape(leaf.InstanceLocation)
		if err != nil {
			loc = leaf.InstanceLocation
		}
		if seen[loc] {
			continue
		}
		seen[loc] = true
		l.add(file, RuleMetaSchema, Error, loc, "not a valid JSON Schema (%s): %s", strings.TrimSuffix(s.Location, "#"), leaf.Message)
	}
	return len(seen), nil
}

// leaves returns the innermost causes of a validation error, where the message is specific.
func leaves(e *jsonschema.ValidationError) []*jsonschema.ValidationError {
	if len(e.Causes) == 0 {
		return []*jsonschema.ValidationError{e}
	}
	var out []*jsonschema.ValidationError
	for _, c := range e.Causes {
		out = append(out, leaves(c)...)
	}
	return out
}
