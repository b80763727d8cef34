package wire

import (
	"encoding/json"
	"fmt"
	"unicode/utf8"
)

// Status is the hook's answer.
type Status string

// The statuses rcfge answers with; IN_PROGRESS is never used because one call decides.
const (
	StatusSuccess Status = "SUCCESS"
	StatusFailed  Status = "FAILED"
)

// ErrorCode says why a FAILED answer failed.
type ErrorCode string

// The error codes rcfge uses, out of the protocol's enum.
const (
	CodeNonCompliant    ErrorCode = "NonCompliant"
	CodeInvalidRequest  ErrorCode = "InvalidRequest"
	CodeInternalFailure ErrorCode = "InternalFailure"
	CodeAccessDenied    ErrorCode = "AccessDenied"
	// CodeInvalidTypeConfiguration: the hook's configuration (hookModel or environment) is wrong.
	CodeInvalidTypeConfiguration ErrorCode = "InvalidTypeConfiguration"
)

// MaxMessage is CloudFormation's limit on the message; longer messages are cut by the service.
const MaxMessage = 4096

// Response is the answer to either protocol (HookProgressEvent). Empty fields are omitted, as the
// plugins do, except callbackDelaySeconds, which the contract tests expect to be 0.
type Response struct {
	HookStatus           Status       `json:"hookStatus"`
	ErrorCode            ErrorCode    `json:"errorCode,omitempty"`
	Message              string       `json:"message,omitempty"`
	ClientRequestToken   string       `json:"clientRequestToken"`
	CallbackDelaySeconds int          `json:"callbackDelaySeconds"`
	Annotations          []Annotation `json:"annotations,omitempty"`

	// omitted counts failed findings the engine did not keep (beyond its violation limit), so
	// the summary annotation counts them with the ones Fit leaves out.
	omitted int
}

// CountOmitted adds n failed findings that have no annotation of their own; Fit's summary
// annotation counts them.
func (r *Response) CountOmitted(n int) {
	if n > 0 {
		r.omitted += n
	}
}

// Annotation is one finding attached to the answer (one per violation).
type Annotation struct {
	AnnotationName     string `json:"annotationName"`
	Status             string `json:"status"`
	StatusMessage      string `json:"statusMessage,omitempty"`
	RemediationMessage string `json:"remediationMessage,omitempty"`
	RemediationLink    string `json:"remediationLink,omitempty"`
	SeverityLevel      string `json:"severityLevel,omitempty"`
}

// Annotation statuses and severities used by rcfge.
const (
	AnnotationFailed = "FAILED"
	AnnotationPassed = "PASSED"
	SeverityHigh     = "HIGH"
)

// Truncate cuts s to at most n bytes on a rune boundary, ending with "…" when it cut.
func Truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	const ell = "…"
	cut := n - len(ell)
	if cut < 0 {
		cut = 0
	}
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + ell
}

// Bounds of an answer, whatever the request: CloudFormation cuts the message at MaxMessage
// characters, and the whole answer must stay far below Lambda's 6 MB response limit.
const (
	// MaxAnnotations is the number of findings annotated one by one; one more annotation counts
	// the rest.
	MaxAnnotations = 100
	// MaxResponseBytes bounds the encoded answer.
	MaxResponseBytes  = 1 << 20
	maxAnnotationName = 256
	maxAnnotationText = 1024
)

// Fit bounds the answer: a message under MaxMessage bytes, a token of at most MaxToken bytes, at
// most MaxAnnotations annotations plus one summary ("and N more"), each field cut to its limit,
// and the JSON under MaxResponseBytes even when every character needs escaping.
func (r *Response) Fit() {
	r.Message = Truncate(r.Message, MaxMessage-1)
	if len(r.ClientRequestToken) > MaxToken {
		r.ClientRequestToken = Truncate(r.ClientRequestToken, MaxToken)
	}
	for i := range r.Annotations {
		a := &r.Annotations[i]
		a.AnnotationName = Truncate(a.AnnotationName, maxAnnotationName)
		a.StatusMessage = Truncate(a.StatusMessage, maxAnnotationText)
		a.RemediationMessage = Truncate(a.RemediationMessage, maxAnnotationText)
		a.RemediationLink = Truncate(a.RemediationLink, maxAnnotationText)
	}
	keep := min(len(r.Annotations), MaxAnnotations)
	all := r.Annotations
	for {
		r.Annotations = summarise(all, keep, r.omitted)
		// Escaping can grow a byte to six ("\u0001"): when even that cannot reach the limit (the
		// usual answer) there is nothing to measure; otherwise measure rather than estimate.
		if r.worstCaseSize() < MaxResponseBytes {
			return
		}
		b, err := json.Marshal(r)
		if err != nil || len(b) < MaxResponseBytes || keep == 0 {
			return
		}
		keep /= 2
	}
}

// worstCaseSize bounds the encoded answer: every string byte escaped to six, plus the keys and
// punctuation of the answer and of each annotation.
func (r *Response) worstCaseSize() int {
	const answerKeys, annotationKeys = 160, 160
	n := len(r.HookStatus) + len(r.ErrorCode) + len(r.Message) + len(r.ClientRequestToken)
	for _, a := range r.Annotations {
		n += len(a.AnnotationName) + len(a.Status) + len(a.StatusMessage) + len(a.RemediationMessage) + len(a.RemediationLink) + len(a.SeverityLevel)
	}
	return 6*n + answerKeys + annotationKeys*len(r.Annotations)
}

// summarise keeps the first n annotations and, when it drops some or others were never
// annotated (omitted, all failed), adds one that counts them.
func summarise(all []Annotation, n, omitted int) []Annotation {
	if len(all) <= n && omitted == 0 {
		return all
	}
	n = min(n, len(all))
	rest := all[n:]
	status, severity := AnnotationPassed, ""
	if omitted > 0 {
		status, severity = AnnotationFailed, SeverityHigh
	}
	for _, a := range rest {
		if a.Status == AnnotationFailed {
			status = AnnotationFailed
		}
		if a.SeverityLevel == SeverityHigh || severity == "" {
			severity = a.SeverityLevel
		}
	}
	out := append(all[:n:n], Annotation{
		AnnotationName: "rcfge:more",
		Status:         status,
		StatusMessage:  fmt.Sprintf("and %d more finding%s, not annotated one by one (the limit is %d)", len(rest)+omitted, plural(len(rest)+omitted), MaxAnnotations),
		SeverityLevel:  severity,
	})
	return out
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}
