package handler

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/rcfge/rcfge/hook/engine"
	"github.com/rcfge/rcfge/hook/verdict"
	"github.com/rcfge/rcfge/hook/wire"
)

// TestBudget pins the evaluation deadline: the configured timeout, or the Lambda's deadline minus
// the 500 ms margin when that comes first, or half the time left when even the margin does not fit.
func TestBudget(t *testing.T) {
	t.Parallel()
	// slack absorbs the time between reading the clock in budget and here.
	const slack = 100 * time.Millisecond
	tests := []struct {
		name    string
		timeout time.Duration
		lambda  time.Duration // 0: no deadline
		// wantLeft is how long before the Lambda's deadline the budget ends (or, without one, how
		// long from now it lasts).
		wantLeft time.Duration
	}{
		{"no Lambda deadline: the timeout", 7 * time.Second, 0, 7 * time.Second},
		{"no timeout configured: 20 s", 0, 0, 20 * time.Second},
		{"a negative timeout is no timeout", -time.Second, 0, 20 * time.Second},
		{"a far Lambda deadline: the timeout", 5 * time.Second, time.Minute, time.Minute - 5*time.Second},
		{"a near Lambda deadline keeps the margin", 20 * time.Second, 10 * time.Second, deadlineMargin},
		{"the margin is 500 ms", 20 * time.Second, 3 * time.Second, 500 * time.Millisecond},
		// The timeout ends within the margin of the Lambda's deadline: the margin still wins.
		{"a timeout inside the margin keeps the margin", 10 * time.Second, 10*time.Second + 200*time.Millisecond, 500 * time.Millisecond},
		{"too little time for the margin: half of it", 20 * time.Second, 600 * time.Millisecond, 300 * time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := New(WithEnv(Env{Timeout: tt.timeout}))
			parent := t.Context()
			if tt.lambda > 0 {
				var cancel context.CancelFunc
				parent, cancel = context.WithTimeout(parent, tt.lambda)
				defer cancel()
			}
			ctx, cancel := h.budget(parent)
			defer cancel()
			now := time.Now()
			dl, ok := ctx.Deadline()
			if !ok {
				t.Fatal("no deadline")
			}
			var left time.Duration
			if pdl, ok := parent.Deadline(); ok {
				left = pdl.Sub(dl)
			} else {
				left = dl.Sub(now)
			}
			if left > tt.wantLeft || left < tt.wantLeft-slack {
				t.Errorf("budget ends %s before the Lambda deadline (or lasts %s), want %s", left, left, tt.wantLeft)
			}
		})
	}
}

// TestRequestContext: the built-in placeholders come from the stack ARN first (partition, region,
// stack name), then the request's region, with the partition derived from the region.
func TestRequestContext(t *testing.T) {
	t.Parallel()
	h := New()
	tests := []struct {
		name    string
		stackID string
		region  string
		want    engine.Context
	}{
		{"stack ARN", "arn:aws:cloudformation:eu-west-1:111122223333:stack/app/uuid", "us-east-1",
			engine.Context{Partition: "aws", Region: "eu-west-1", StackName: "app"}},
		{"stack ARN without the uuid", "arn:aws-cn:cloudformation:cn-north-1:111122223333:stack/app", "",
			engine.Context{Partition: "aws-cn", Region: "cn-north-1", StackName: "app"}},
		{"resource part without a name", "arn:aws:cloudformation:us-east-1:111122223333:stack", "",
			engine.Context{Partition: "aws", Region: "us-east-1"}},
		{"not a stack resource", "arn:aws:cloudformation:us-east-1:111122223333:changeSet/cs/uuid", "",
			engine.Context{Partition: "aws", Region: "us-east-1"}},
		{"not an ARN: the request's region decides", "xarn:aws-cn:cloudformation:cn-north-1:111122223333:stack/app/uuid", "us-gov-west-1",
			engine.Context{Partition: "aws-us-gov", Region: "us-gov-west-1"}},
		{"too few fields", "arn:aws-cn:cloudformation:cn-north-1:stack/app", "eu-west-1",
			engine.Context{Partition: "aws", Region: "eu-west-1"}},
		{"an ARN with an empty region", "arn:aws-cn:cloudformation::111122223333:stack/app/uuid", "cn-northwest-1",
			engine.Context{Partition: "aws-cn", Region: "cn-northwest-1", StackName: "app"}},
	}
	for _, tt := range tests {
		req := &wire.Request{StackID: tt.stackID, Region: tt.region, AWSAccountID: "111122223333"}
		req.RequestData.TargetLogicalID = "L"
		tt.want.AccountID, tt.want.StackID, tt.want.LogicalResourceID = "111122223333", tt.stackID, "L"
		if got := h.context(req); got != tt.want {
			t.Errorf("%s: context = %+v\nwant %+v", tt.name, got, tt.want)
		}
	}
}

// TestRequestContextLambdaRegion: with no region in the stack ID or the request, the Lambda's own
// region (AWS_REGION) is used.
func TestRequestContextLambdaRegion(t *testing.T) {
	t.Setenv("AWS_REGION", "cn-north-1")
	got := New().context(&wire.Request{StackID: "app"})
	if got.Region != "cn-north-1" || got.Partition != "aws-cn" || got.StackName != "" {
		t.Errorf("context = %+v, want region cn-north-1 in aws-cn", got)
	}
}

// TestMessageBudget: a list line that brings a message to exactly its budget is kept, the next
// one is counted instead. The budget is wire.MaxMessage less 400 bytes for the rest of the answer
// (exceptions get half of it).
func TestMessageBudget(t *testing.T) {
	t.Parallel()
	if messageBudget != wire.MaxMessage-400 {
		t.Fatalf("messageBudget = %d", messageBudget)
	}
	o := outcome{scope: "stack app", typeName: "AWS::S3::Bucket", logicalID: "B", result: engine.Result{TemplateKey: "T.json"}}

	// Violations: the head is what the message says before the first line.
	viol := func(pad int) []verdict.Violation {
		return []verdict.Violation{{Path: "/A", Keyword: "enum", Message: strings.Repeat("m", pad)}, {Path: "/B", Keyword: "enum", Message: "n"}}
	}
	head := strings.TrimSuffix(violationMessage(o, viol(messageBudget)), " … and 2 more (see the annotations)")
	pad := messageBudget - len(head) - len(" /A [enum] ;")
	want := head + " /A [enum] " + strings.Repeat("m", pad) + "; … and 1 more (see the annotations)"
	if got := violationMessage(o, viol(pad)); got != want {
		t.Errorf("violations at the budget: %s", differ(got, want))
	}
	if got := violationMessage(o, viol(pad+1)); got != head+" … and 2 more (see the annotations)" {
		t.Errorf("violations one byte over the budget: %d bytes ending %q", len(got), got[max(0, len(got)-60):])
	}

	// Unapproved types.
	types := func(pad int) outcome {
		m := o
		m.missing = []missingType{{typeName: "AWS::" + strings.Repeat("X", pad), logicalIDs: []string{"A"}}, {typeName: "AWS::Y", logicalIDs: []string{"B"}}}
		return m
	}
	head = strings.TrimSuffix(missingMessage(types(messageBudget)), " … and 2 more")
	pad = messageBudget - len(head) - len(" AWS:: (A);")
	want = head + " AWS::" + strings.Repeat("X", pad) + " (A); … and 1 more"
	if got := missingMessage(types(pad)); got != want {
		t.Errorf("types at the budget: %s", differ(got, want))
	}
	if got := missingMessage(types(pad + 1)); got != head+" … and 2 more" {
		t.Errorf("types one byte over the budget: %d bytes ending %q", len(got), got[max(0, len(got)-60):])
	}

	// Exceptions: half the budget.
	ex := func(pad int) []verdict.Excepted {
		return []verdict.Excepted{{Violation: verdict.Violation{Path: "/A", Keyword: "enum"}, Exception: "EX-" + strings.Repeat("1", pad)}, {Violation: verdict.Violation{Path: "/B", Keyword: "enum"}, Exception: "EX-2"}}
	}
	head = strings.TrimSuffix(exceptedMessage(ex(messageBudget)), " … and 2 more")
	pad = messageBudget/2 - len(head) - len(" EX- let /A [enum] through;")
	want = head + " EX-" + strings.Repeat("1", pad) + " let /A [enum] through; … and 1 more"
	if got := exceptedMessage(ex(pad)); got != want {
		t.Errorf("exceptions at the budget: %s", differ(got, want))
	}
	if got := exceptedMessage(ex(pad + 1)); got != head+" … and 2 more" {
		t.Errorf("exceptions one byte over the budget: %d bytes ending %q", len(got), got[max(0, len(got)-60):])
	}
}

// differ describes where two long strings part.
func differ(got, want string) string {
	i := 0
	for i < len(got) && i < len(want) && got[i] == want[i] {
		i++
	}
	return fmt.Sprintf("%d bytes, want %d; they part at %d: got %q, want %q", len(got), len(want), i, got[i:min(len(got), i+60)], want[i:min(len(want), i+60)])
}

// TestScope: stack-level messages name the change set by its ID (else its logical ID) and the
// stack by its logical ID (else its stack ID).
func TestScope(t *testing.T) {
	t.Parallel()
	tests := []struct {
		target, changeSet, logicalID, stackID, want string
	}{
		{wire.TargetChangeSet, "arn:cs", "app", "arn:stack", "change set arn:cs"},
		{wire.TargetChangeSet, "", "app", "arn:stack", "change set app"},
		{wire.TargetStack, "arn:cs", "app", "arn:stack", "stack app"},
		{wire.TargetStack, "", "", "arn:stack", "stack arn:stack"},
	}
	for _, tt := range tests {
		req := &wire.Request{ChangeSetID: tt.changeSet, StackID: tt.stackID}
		req.RequestData.TargetName, req.RequestData.TargetLogicalID = tt.target, tt.logicalID
		if got := scope(req); got != tt.want {
			t.Errorf("scope(%+v) = %q, want %q", tt, got, tt.want)
		}
	}
}
