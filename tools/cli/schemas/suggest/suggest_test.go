package suggest

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation/types"

	"github.com/rcfge/rcfge/tools/cli"
	"github.com/rcfge/rcfge/tools/suggest"
)

const fixtures = "../../../suggest/testdata"

func TestNewCmdSuggestFlags(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		wantErr string
	}{
		{name: "no templates", args: []string{"--from", "x"}, wantErr: "--templates is required"},
		{name: "no inputs", args: []string{"--templates", "t"}, wantErr: "--from PATH or --from-stacks"},
		{name: "stacks without region", args: []string{"--templates", "t", "--from-stacks"}, wantErr: "--stack-region"},
		{name: "min count 0", args: []string{"--templates", "t", "--from", "x", "--min-count", "0"}, wantErr: "--min-count 0"},
		{name: "ok", args: []string{"--templates", "t", "--from", "x", "--keep", "A::B::C=/D"}},
		{name: "positional inputs", args: []string{"--templates", "t", "a.yaml", "b.yaml"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ios, _, _, _ := cli.Test()
			f := &cli.Factory{IO: ios}
			var got *SuggestOptions
			cmd := NewCmdSuggest(f, func(_ context.Context, o *SuggestOptions) error { got = o; return nil })
			cmd.SetArgs(tt.args)
			cmd.SetOut(ios.Out)
			cmd.SetErr(ios.ErrOut)
			err := cmd.Execute()
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || got == nil || got.Templates != "t" || got.MinCount != 1 {
				t.Fatalf("err %v, options %+v", err, got)
			}
		})
	}
}

func TestSuggestRun(t *testing.T) {
	tests := []struct {
		name     string
		from     []string
		keep     []string
		params   []string
		wantErr  string
		wantOut  string
		wantErrs string
		written  bool
	}{
		{name: "proven and written", from: []string{fixtures + "/inputs/one.yaml"}, wantOut: "0 regression(s)", written: true},
		{name: "bad input beside a good one", from: []string{fixtures + "/inputs"}, wantErr: "1 input(s) could not be read", wantErrs: "broken.yaml", wantOut: "0 regression(s)", written: true},
		{name: "bad keep", from: []string{fixtures + "/inputs/one.yaml"}, keep: []string{"nope"}, wantErr: "--keep"},
		{name: "bad parameter", from: []string{fixtures + "/inputs/one.yaml"}, params: []string{"=x"}, wantErr: "--parameter"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ios, _, out, errOut := cli.Test()
			dir := t.TempDir()
			opts := &SuggestOptions{IO: ios, Templates: fixtures + "/templates", From: tt.from, Keep: tt.keep, Parameters: tt.params,
				Out: dir, MinCount: 1, Account: "111122223333", Region: "eu-west-1", Format: "text", Now: timeNow}
			err := suggestRun(context.Background(), opts)
			switch {
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Fatalf("err = %v, want %q", err, tt.wantErr)
			case tt.wantErr == "" && err != nil:
				t.Fatal(err)
			}
			if !strings.Contains(out.String(), tt.wantOut) {
				t.Errorf("stdout lacks %q:\n%s", tt.wantOut, out.String())
			}
			if !strings.Contains(errOut.String(), tt.wantErrs) {
				t.Errorf("stderr lacks %q:\n%s", tt.wantErrs, errOut.String())
			}
			_, statErr := os.Stat(filepath.Join(dir, "Test-Widget-Thing.json"))
			if tt.written != (statErr == nil) {
				t.Errorf("overlay written = %v, want %v", statErr == nil, tt.written)
			}
		})
	}
}

func TestSuggestRunBadTemplatesDir(t *testing.T) {
	ios, _, _, _ := cli.Test()
	err := suggestRun(context.Background(), &SuggestOptions{IO: ios, Templates: t.TempDir(), From: []string{"x"}, MinCount: 1, Format: "text"})
	var fe *cli.FlagError
	if !errors.As(err, &fe) || !strings.Contains(err.Error(), "no templates") {
		t.Fatalf("err = %v, want a usage error naming the empty folder", err)
	}
}

// fakeStacks serves one stack's template and fails GetTemplate for another.
type fakeStacks struct{ body string }

func (f fakeStacks) ListStacks(context.Context, *cloudformation.ListStacksInput, ...func(*cloudformation.Options)) (*cloudformation.ListStacksOutput, error) {
	return &cloudformation.ListStacksOutput{StackSummaries: []types.StackSummary{{StackName: aws.String("good")}, {StackName: aws.String("gone")}}}, nil
}

func (f fakeStacks) GetTemplate(_ context.Context, in *cloudformation.GetTemplateInput, _ ...func(*cloudformation.Options)) (*cloudformation.GetTemplateOutput, error) {
	if aws.ToString(in.StackName) == "gone" {
		return nil, errors.New("stack gone does not exist")
	}
	return &cloudformation.GetTemplateOutput{TemplateBody: aws.String(f.body)}, nil
}

func TestSuggestFromStacks(t *testing.T) {
	body, err := os.ReadFile(fixtures + "/inputs/one.yaml")
	if err != nil {
		t.Fatal(err)
	}
	ios, _, out, errOut := cli.Test()
	opts := &SuggestOptions{IO: ios, Templates: fixtures + "/templates", FromStacks: true, Regions: []string{"eu-west-1"}, MinCount: 1,
		Account: "111122223333", Region: "eu-west-1", Format: "json", Now: timeNow,
		AWSConfig:    func(context.Context) (aws.Config, error) { return aws.Config{}, nil },
		NewStacksAPI: func(aws.Config, string) suggest.StacksAPI { return fakeStacks{body: string(body)} },
	}
	err = suggestRun(context.Background(), opts)
	if err == nil || !strings.Contains(err.Error(), "1 input(s)") {
		t.Fatalf("err = %v, want the unreadable stack counted", err)
	}
	if !strings.Contains(errOut.String(), "stack gone (eu-west-1)") {
		t.Errorf("stderr lacks the failed stack: %s", errOut.String())
	}
	var rep struct {
		Templates int `json:"templates"`
		Types     []struct {
			Type      string `json:"type"`
			Resources int    `json:"resources"`
		} `json:"types"`
	}
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
		t.Fatalf("json report: %v\n%s", err, out.String())
	}
	if rep.Templates != 1 || len(rep.Types) != 1 || rep.Types[0].Resources != 2 {
		t.Errorf("report %+v, want one stack with two Test::Widget::Thing resources", rep)
	}
}

func timeNow() time.Time { return time.Date(2026, 12, 4, 0, 0, 0, 0, time.UTC) }
