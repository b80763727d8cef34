package render

import (
	"github.com/owenrumney/go-sarif/v3/pkg/report/v210/sarif"

	"github.com/rcfge/rcfge/tools/buildinfo"
)

// InformationURI is where SARIF viewers link the tool to.
const InformationURI = "https://github.com/rcfge/rcfge"

// NewSARIFRun returns an empty run whose driver is rcfge at this build's version.
func NewSARIFRun() *sarif.Run {
	run := sarif.NewRunWithInformationURI("rcfge", InformationURI)
	v := buildinfo.Version()
	run.Tool.Driver.Version = &v
	// The library leaves the rule list nil until a rule is added; code-scanning wants an array.
	run.Tool.Driver.Rules = []*sarif.ReportingDescriptor{}
	return run
}

// NewSARIFReport returns a SARIF 2.1.0 report holding the runs.
func NewSARIFReport(runs ...*sarif.Run) *sarif.Report {
	rep := sarif.NewReport()
	for _, r := range runs {
		rep.AddRun(r)
	}
	return rep
}

// Location is a physical location in a file at a 1-based line and column; 0 leaves either out.
func Location(uri string, line, column int) *sarif.Location {
	pl := sarif.NewPhysicalLocation().WithArtifactLocation(sarif.NewSimpleArtifactLocation(uri))
	if line > 0 {
		reg := sarif.NewRegion().WithStartLine(line)
		if column > 0 {
			reg.WithStartColumn(column)
		}
		pl.WithRegion(reg)
	}
	return sarif.NewLocationWithPhysicalLocation(pl)
}
