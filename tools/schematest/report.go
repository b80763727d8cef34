package schematest

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/jstemmer/go-junit-report/v2/junit"

	"github.com/rcfge/rcfge/hook/verdict"
)

// Outcome is how a case ended. A failure (the template does not do what the case says) is
// counted apart from an error (the case could not run).
type Outcome string

// The outcomes.
const (
	Pass  Outcome = "pass"
	Fail  Outcome = "fail"
	Error Outcome = "error"
	Skip  Outcome = "skip"
)

// CaseResult is one case's outcome.
type CaseResult struct {
	Name    string  `json:"name"`
	Outcome Outcome `json:"outcome"`
	// Message says why a case failed, errored or was skipped.
	Message string `json:"message,omitempty"`
	// Verdict is the engine's verdict, when there was one.
	Verdict  *verdict.Verdict `json:"verdict,omitempty"`
	Duration time.Duration    `json:"-"`
}

// SuiteResult is one suite file's outcome.
type SuiteResult struct {
	File     string `json:"file"`
	TypeName string `json:"type,omitempty"`
	// Error is set when the suite file itself is invalid; none of its cases ran.
	Error string       `json:"error,omitempty"`
	Cases []CaseResult `json:"cases,omitempty"`
}

// Report is the outcome of a run.
type Report struct {
	Suites  []SuiteResult `json:"suites"`
	Passed  int           `json:"passed"`
	Failed  int           `json:"failed"`
	Errored int           `json:"errored"`
	Skipped int           `json:"skipped"`
	// Untested lists the templates no suite covers. Information, not a failure.
	Untested []string `json:"untested,omitempty"`
	// Verbose lists passing cases in the text form too.
	Verbose bool `json:"-"`
}

func (r *Report) count() {
	r.Passed, r.Failed, r.Errored, r.Skipped = 0, 0, 0, 0
	for _, s := range r.Suites {
		if s.Error != "" {
			r.Errored++
		}
		for _, c := range s.Cases {
			switch c.Outcome {
			case Pass:
				r.Passed++
			case Fail:
				r.Failed++
			case Error:
				r.Errored++
			case Skip:
				r.Skipped++
			}
		}
	}
}

// HasFindings reports whether any case failed or errored, or any suite was invalid.
func (r Report) HasFindings() bool { return r.Failed > 0 || r.Errored > 0 }

// Ran is the number of cases that ran: passed, failed or errored, not skipped or filtered out.
func (r Report) Ran() int { return r.Passed + r.Failed + r.Errored }

func (s SuiteResult) failed() bool {
	if s.Error != "" {
		return true
	}
	for _, c := range s.Cases {
		if c.Outcome == Fail || c.Outcome == Error {
			return true
		}
	}
	return false
}

// WriteText writes `go test`-style lines: one per suite, the failing cases under it.
func (r Report) WriteText(w io.Writer) error {
	var err error
	printf := func(format string, args ...any) {
		if err == nil {
			_, err = fmt.Fprintf(w, format, args...)
		}
	}
	for _, s := range r.Suites {
		status := "ok  "
		if s.failed() {
			status = "FAIL"
		}
		if s.Error != "" {
			printf("%s %s\n    %s\n", status, s.File, indent(s.Error))
			continue
		}
		printf("%s %s (%s) %s\n", status, s.File, s.TypeName, plural(len(s.Cases), "case"))
		for _, c := range s.Cases {
			switch {
			case c.Outcome == Fail || c.Outcome == Error:
				printf("    --- %s: %s\n        %s\n", strings.ToUpper(string(c.Outcome)), c.Name, indent(c.Message))
			case c.Outcome == Skip && r.Verbose:
				printf("    --- SKIP: %s (%s)\n", c.Name, c.Message)
			case r.Verbose:
				printf("    --- PASS: %s\n", c.Name)
			}
		}
	}
	if len(r.Untested) > 0 {
		printf("no suite for %s\n", strings.Join(r.Untested, ", "))
	}
	printf("%s: %d passed, %d failed, %d errors, %d skipped\n", plural(len(r.Suites), "suite"), r.Passed, r.Failed, r.Errored, r.Skipped)
	return err
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

func indent(s string) string { return strings.ReplaceAll(s, "\n", "\n        ") }

// JUnit returns one test suite per suite file and one test case per case; an invalid suite file
// is one errored case named after the file.
func (r Report) JUnit() junit.Testsuites {
	out := junit.Testsuites{Name: "rcfge schemas test"}
	for _, s := range r.Suites {
		js := junit.Testsuite{Name: s.File}
		if s.Error != "" {
			js.AddTestcase(junit.Testcase{Name: s.File, Classname: s.File, Error: &junit.Result{Message: "invalid suite", Type: "error", Data: s.Error}})
		}
		class := s.TypeName
		if class == "" {
			class = s.File
		}
		var total time.Duration
		for _, c := range s.Cases {
			total += c.Duration
			jc := junit.Testcase{Name: c.Name, Classname: class, Time: seconds(c.Duration)}
			switch c.Outcome {
			case Fail:
				jc.Failure = &junit.Result{Message: firstLine(c.Message), Type: "fail", Data: c.Message}
			case Error:
				jc.Error = &junit.Result{Message: firstLine(c.Message), Type: "error", Data: c.Message}
			case Skip:
				jc.Skipped = &junit.Result{Message: c.Message}
			}
			js.AddTestcase(jc)
		}
		js.Time = seconds(total)
		out.AddSuite(js)
	}
	return out
}

func seconds(d time.Duration) string { return fmt.Sprintf("%.3f", d.Seconds()) }

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}
