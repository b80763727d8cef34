package wire

import "unicode/utf8"

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
