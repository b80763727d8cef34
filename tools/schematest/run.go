package schematest

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"slices"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/rcfge/rcfge/hook/engine"
	"github.com/rcfge/rcfge/hook/partition"
	"github.com/rcfge/rcfge/hook/placeholder"
	"github.com/rcfge/rcfge/hook/store"
	"github.com/rcfge/rcfge/hook/store/dirstore"
	"github.com/rcfge/rcfge/hook/verdict"
	"github.com/rcfge/rcfge/tools/cfntemplate"
)

// Defaults of the deployment context, when neither the suite nor the case sets a field.
const (
	DefaultAccountID = "123456789012"
	DefaultRegion    = "us-east-1"
	DefaultStackName = "rcfge-test"
)

// Options tune a run.
type Options struct {
	// Run, when set, selects the cases whose "suite file//case name" it matches.
	Run *regexp.Regexp
}

// ErrNoSuites means the folder holds no suite.
var ErrNoSuites = errors.New("no test suites found")

// Run finds every suite under fsys (a YAML file with a top-level `cases` key; CloudFormation
// templates that cases refer to are not suites) and runs its cases against the templates at the
// root of fsys.
func Run(ctx context.Context, fsys fs.FS, opts Options) (Report, error) {
	files, templates, err := findSuites(ctx, fsys)
	if err != nil {
		return Report{}, err
	}
	if len(files) == 0 {
		return Report{}, ErrNoSuites
	}
	r := &runner{fsys: fsys, eng: engine.New(dirstore.New(fsys)), opts: opts}
	var rep Report
	tested := map[string]bool{}
	for _, f := range files {
		sr, err := r.suite(ctx, f)
		if err != nil {
			return Report{}, err
		}
		rep.Suites = append(rep.Suites, sr)
		tested[sr.TypeName] = true
	}
	rep.count()
	for _, t := range templates {
		if tn, _ := store.TypeName(t); !tested[tn] {
			rep.Untested = append(rep.Untested, t)
		}
	}
	return rep, nil
}

// findSuites returns the suite files under fsys and the template files at its root, both sorted.
func findSuites(ctx context.Context, fsys fs.FS) (suites, templates []string, err error) {
	err = fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if d.IsDir() {
			return nil
		}
		if _, ok := store.TypeName(p); ok {
			templates = append(templates, p)
			return nil
		}
		if ext := path.Ext(p); ext != ".yaml" && ext != ".yml" {
			return nil
		}
		data, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		if isSuite(data) {
			suites = append(suites, p)
		}
		return nil
	})
	if err != nil {
		return nil, nil, fmt.Errorf("test suites: %w", err)
	}
	slices.Sort(suites)
	slices.Sort(templates)
	return suites, templates, nil
}

// isSuite tells a suite from a CloudFormation template: a suite has a top-level `cases` key. A file
// that is not even YAML is a suite when a line starts with "cases:", so that its syntax error is
// reported rather than the suite silently skipped.
func isSuite(data []byte) bool {
	var top map[string]yaml.Node
	if err := yaml.Unmarshal(data, &top); err != nil {
		return casesLine.Match(data)
	}
	_, ok := top["cases"]
	return ok
}

var casesLine = regexp.MustCompile(`(?m)^cases:`)

type runner struct {
	fsys fs.FS
	eng  *engine.Engine
	opts Options
}

func (r *runner) suite(ctx context.Context, file string) (SuiteResult, error) {
	sr := SuiteResult{File: file}
	data, err := fs.ReadFile(r.fsys, file)
	if err != nil {
		return sr, fmt.Errorf("suite %s: %w", file, err)
	}
	s, err := ParseSuite(data)
	if err != nil {
		sr.Error = err.Error()
		return sr, nil
	}
	sr.TypeName = s.TypeName
	for _, c := range s.Cases {
		if err := ctx.Err(); err != nil {
			return sr, err
		}
		if r.opts.Run != nil && !r.opts.Run.MatchString(file+"//"+c.Name) {
			continue
		}
		start := time.Now()
		cr := r.runCase(ctx, file, s, c)
		cr.Duration = time.Since(start)
		if errors.Is(ctx.Err(), context.Canceled) || errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return sr, ctx.Err()
		}
		sr.Cases = append(sr.Cases, cr)
	}
	return sr, nil
}

func (r *runner) runCase(ctx context.Context, file string, s Suite, c Case) CaseResult {
	cr := CaseResult{Name: c.Name}
	if c.Skip != "" {
		cr.Outcome, cr.Message = Skip, c.Skip
		return cr
	}
	in, err := r.input(file, s, c)
	if err != nil {
		cr.Outcome, cr.Message = Error, err.Error()
		return cr
	}
	res, err := r.eng.Evaluate(ctx, in)
	if err != nil {
		if c.Expect.Error != "" && engine.KindOf(err) == errorKinds[c.Expect.Error] {
			cr.Outcome = Pass
			return cr
		}
		if c.Expect.Error != "" {
			cr.Outcome, cr.Message = Fail, fmt.Sprintf("want error kind %s, got: %v", c.Expect.Error, err)
			return cr
		}
		cr.Outcome, cr.Message = Error, err.Error()
		return cr
	}
	v := res.Verdict
	cr.Verdict = &v
	if problems := check(c.Expect, v); len(problems) > 0 {
		cr.Outcome, cr.Message = Fail, strings.Join(problems, "\n")
		return cr
	}
	cr.Outcome = Pass
	return cr
}

// input builds the engine input of a case, from its properties or its CloudFormation template.
func (r *runner) input(file string, s Suite, c Case) (engine.Input, error) {
	cx := merge(s.Context, c.Context)
	in := engine.Input{
		TypeName:  s.TypeName,
		Operation: engine.Operation(c.Operation),
		Vars:      placeholder.Vars{},
	}
	for _, vs := range []map[string]Var{s.Vars, c.Vars} {
		for k, v := range vs {
			in.Vars[k] = v.Value
		}
	}
	for _, p := range c.Unknown {
		in.Unknown = append(in.Unknown, verdict.Unverified{Path: p, Reason: "declared unknown by the test case"})
	}
	var err error
	if in.PreviousProperties, err = toJSON(&c.PreviousProperties); err != nil {
		return in, fmt.Errorf("%w: previousProperties: %w", ErrCase, err)
	}
	if c.Template == "" {
		if in.Properties, err = toJSON(&c.Properties); err != nil {
			return in, fmt.Errorf("%w: %w", ErrCase, err)
		}
		in.Context = cx.engine("Resource")
		return in, nil
	}
	tplPath := path.Join(path.Dir(file), c.Template)
	data, err := fs.ReadFile(r.fsys, tplPath)
	if err != nil {
		return in, fmt.Errorf("%w: template: %w", ErrCase, err)
	}
	ec := cx.engine("")
	t, err := cfntemplate.Parse(tplPath, data, cfntemplate.Options{
		AccountID:  ec.AccountID,
		Region:     ec.Region,
		Partition:  ec.Partition,
		StackName:  ec.StackName,
		StackID:    ec.StackID,
		Parameters: c.Parameters,
	})
	if err != nil {
		return in, fmt.Errorf("%w: %w", ErrCase, err)
	}
	res, err := pick(t, s.TypeName, c.Resource)
	if err != nil {
		return in, fmt.Errorf("%w: %s: %w", ErrCase, tplPath, err)
	}
	in.Properties = res.Properties
	in.Unknown = append(in.Unknown, res.Unknown...)
	in.Context = cx.engine(res.LogicalID)
	return in, nil
}

// pick finds the resource under test: the named one, or the only one of the suite's type.
func pick(t *cfntemplate.Template, typeName, logicalID string) (cfntemplate.Resource, error) {
	var found []cfntemplate.Resource
	for _, res := range t.Resources {
		if logicalID != "" && res.LogicalID == logicalID {
			if res.Type != typeName {
				return res, fmt.Errorf("resource %s is of type %s, not %s", logicalID, res.Type, typeName)
			}
			return res, nil
		}
		if logicalID == "" && res.Type == typeName {
			found = append(found, res)
		}
	}
	switch {
	case logicalID != "":
		return cfntemplate.Resource{}, fmt.Errorf("no resource %s", logicalID)
	case len(found) == 0:
		return cfntemplate.Resource{}, fmt.Errorf("no %s resource", typeName)
	case len(found) > 1:
		return cfntemplate.Resource{}, fmt.Errorf("%d %s resources: name one with `resource`", len(found), typeName)
	}
	return found[0], nil
}

func merge(base, over Context) Context {
	pick := func(a, b string) string {
		if b != "" {
			return b
		}
		return a
	}
	return Context{
		AccountID:         pick(base.AccountID, over.AccountID),
		Region:            pick(base.Region, over.Region),
		Partition:         pick(base.Partition, over.Partition),
		StackName:         pick(base.StackName, over.StackName),
		StackID:           pick(base.StackID, over.StackID),
		LogicalResourceID: pick(base.LogicalResourceID, over.LogicalResourceID),
	}
}

// engine fills the defaults: a test must not depend on where it runs.
func (c Context) engine(logicalID string) engine.Context {
	out := engine.Context{
		AccountID:         c.AccountID,
		Region:            c.Region,
		Partition:         c.Partition,
		StackName:         c.StackName,
		StackID:           c.StackID,
		LogicalResourceID: c.LogicalResourceID,
	}
	if out.AccountID == "" {
		out.AccountID = DefaultAccountID
	}
	if out.Region == "" {
		out.Region = DefaultRegion
	}
	if out.Partition == "" {
		out.Partition = partition.Of(out.Region)
	}
	if out.StackName == "" {
		out.StackName = DefaultStackName
	}
	if out.StackID == "" {
		out.StackID = fmt.Sprintf("arn:%s:cloudformation:%s:%s:stack/%s/00000000-0000-0000-0000-000000000000", out.Partition, out.Region, out.AccountID, out.StackName)
	}
	if out.LogicalResourceID == "" {
		out.LogicalResourceID = logicalID
	}
	return out
}

// check compares a verdict with the expectation and returns what does not match.
func check(e Expect, v verdict.Verdict) []string {
	var problems []string
	if e.Error != "" {
		problems = append(problems, fmt.Sprintf("want error kind %s, got a verdict with %d violations", e.Error, len(v.Violations)))
	}
	if e.Approved && !v.Approved() {
		problems = append(problems, "want approved, got violations:")
		for _, got := range v.Violations {
			problems = append(problems, fmt.Sprintf("  %s (%s)", got, got.Keyword))
		}
	}
	if len(e.Violations) > 0 {
		matched := make([]bool, len(v.Violations))
		for _, w := range e.Violations {
			hit := false
			for i, got := range v.Violations {
				if w.matches(got) {
					hit, matched[i] = true, true
				}
			}
			if !hit {
				problems = append(problems, "missing violation "+w.String())
			}
		}
		for i, got := range v.Violations {
			if !matched[i] {
				problems = append(problems, fmt.Sprintf("unexpected violation %s (%s)", got, got.Keyword))
			}
		}
	}
	if e.Unverified != nil {
		var got []string
		for _, u := range v.Unverified {
			got = append(got, u.Path)
		}
		want := append([]string(nil), e.Unverified...)
		slices.Sort(got)
		slices.Sort(want)
		if strings.Join(got, "\x00") != strings.Join(want, "\x00") {
			problems = append(problems, fmt.Sprintf("unverified paths %q, want %q", got, want))
		}
	}
	return problems
}

func (w WantViolation) matches(v verdict.Violation) bool {
	return w.Path == v.Path &&
		(w.Keyword == "" || w.Keyword == v.Keyword) &&
		(w.Message == "" || strings.Contains(v.Message, w.Message))
}

func (w WantViolation) String() string {
	s := w.Path
	if s == "" {
		s = "/"
	}
	if w.Keyword != "" {
		s += " (" + w.Keyword + ")"
	}
	if w.Message != "" {
		s += fmt.Sprintf(" with message containing %q", w.Message)
	}
	return s
}
