package wire

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestWorstCaseSizeBounds: the bound that lets Fit skip measuring is never below the real size,
// whatever needs escaping and however many fields are empty or full.
func TestWorstCaseSizeBounds(t *testing.T) {
	texts := []string{"", "plain", strings.Repeat("\x01", 300), strings.Repeat("\"<>&\u2028", 50), strings.Repeat("x", maxAnnotationText)}
	for _, text := range texts {
		for _, n := range []int{0, 1, MaxAnnotations + 1} {
			r := Response{HookStatus: StatusFailed, ErrorCode: CodeNonCompliant, Message: text, ClientRequestToken: text, CallbackDelaySeconds: 1 << 30}
			for i := 0; i < n; i++ {
				r.Annotations = append(r.Annotations, Annotation{AnnotationName: text, Status: AnnotationFailed, StatusMessage: text, RemediationMessage: text, RemediationLink: text, SeverityLevel: SeverityHigh})
			}
			b, err := json.Marshal(r)
			if err != nil {
				t.Fatal(err)
			}
			if got := r.worstCaseSize(); got < len(b) {
				t.Errorf("bound %d below the encoded size %d (text %.20q, %d annotations)", got, len(b), text, n)
			}
		}
	}
}
