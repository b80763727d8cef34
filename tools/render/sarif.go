package render

import (
	"github.com/owenrumney/go-sarif/v3/pkg/report/v210/sarif"

	"github.com/rcfge/rcfge/tools/buildinfo"
)

// SARIFLog is the older hand-built SARIF shape, kept only so reports not yet moved to
// SARIFReporter (tools/lint) still render; Write converts it with the SARIF library, which
// writes every log rcfge emits.
type SARIFLog struct {
	Rules   []SARIFRule
	Results []SARIFResult
}

// SARIFRule is one rule of a SARIFLog.
type SARIFRule struct {
	ID               string
	ShortDescription SARIFMessage
}

// SARIFMessage is a text message.
type SARIFMessage struct{ Text string }

// SARIFResult is one finding of a SARIFLog.
type SARIFResult struct {
	RuleID     string
	Level      string
	Message    SARIFMessage
	Locations  []SARIFLocation
	Properties map[string]any
}

// SARIFLocation points into a file.
type SARIFLocation struct{ PhysicalLocation SARIFPhysicalLocation }

// SARIFPhysicalLocation is a file and a region.
type SARIFPhysicalLocation struct {
	ArtifactLocation SARIFArtifactLocation
	Region           *SARIFRegion
}

// SARIFArtifactLocation is a file URI.
type SARIFArtifactLocation struct{ URI string }

// SARIFRegion is a line (1-based) and optional column.
type SARIFRegion struct{ StartLine, StartColumn int }

// NewSARIF returns a SARIFLog of rules and results.
func NewSARIF(rules []SARIFRule, results []SARIFResult) SARIFLog {
	return SARIFLog{Rules: rules, Results: results}
}

// Report converts the log into a SARIF 2.1.0 report of one rcfge run.
func (l SARIFLog) Report() *sarif.Report {
	run := NewSARIFRun()
	for _, r := range l.Rules {
		run.AddRule(r.ID).WithDescription(r.ShortDescription.Text)
	}
	for _, r := range l.Results {
		res := run.CreateResultForRule(r.RuleID).WithLevel(r.Level).WithMessage(sarif.NewTextMessage(r.Message.Text))
		for _, loc := range r.Locations {
			res.AddLocation(Location(loc.PhysicalLocation.ArtifactLocation.URI, regionLine(loc.PhysicalLocation.Region), regionColumn(loc.PhysicalLocation.Region)))
		}
		if len(r.Properties) > 0 {
			pb := sarif.NewPropertyBag()
			for k, v := range r.Properties {
				pb.Add(k, v)
			}
			res.WithProperties(pb)
		}
	}
	return NewSARIFReport(run)
}

func regionLine(r *SARIFRegion) int {
	if r == nil {
		return 0
	}
	return r.StartLine
}

func regionColumn(r *SARIFRegion) int {
	if r == nil {
		return 0
	}
	return r.StartColumn
}

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
