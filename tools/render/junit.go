package render

import "encoding/xml"

// JUnitSuites is the root of a JUnit XML report.
type JUnitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr,omitempty"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Suites   []JUnitSuite `xml:"testsuite"`
}

// JUnitSuite is one suite (a file, for validate).
type JUnitSuite struct {
	Name     string      `xml:"name,attr"`
	Tests    int         `xml:"tests,attr"`
	Failures int         `xml:"failures,attr"`
	Errors   int         `xml:"errors,attr"`
	Skipped  int         `xml:"skipped,attr"`
	Time     string      `xml:"time,attr,omitempty"`
	Cases    []JUnitCase `xml:"testcase"`
}

// JUnitCase is one test case (a resource, for validate).
type JUnitCase struct {
	Name      string        `xml:"name,attr"`
	ClassName string        `xml:"classname,attr"`
	Time      string        `xml:"time,attr,omitempty"`
	Failure   *JUnitFailure `xml:"failure,omitempty"`
	Error     *JUnitFailure `xml:"error,omitempty"`
	Skipped   *JUnitSkipped `xml:"skipped,omitempty"`
}

// JUnitFailure is a failed or errored case.
type JUnitFailure struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr,omitempty"`
	Text    string `xml:",chardata"`
}

// JUnitSkipped marks a skipped case.
type JUnitSkipped struct {
	Message string `xml:"message,attr,omitempty"`
}

// Count fills the totals of the suites and the root from the cases.
func (s *JUnitSuites) Count() {
	s.Tests, s.Failures, s.Errors = 0, 0, 0
	for i := range s.Suites {
		su := &s.Suites[i]
		su.Tests, su.Failures, su.Errors, su.Skipped = len(su.Cases), 0, 0, 0
		for _, c := range su.Cases {
			switch {
			case c.Failure != nil:
				su.Failures++
			case c.Error != nil:
				su.Errors++
			case c.Skipped != nil:
				su.Skipped++
			}
		}
		s.Tests += su.Tests
		s.Failures += su.Failures
		s.Errors += su.Errors
	}
}
