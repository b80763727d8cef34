package diff_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/rcfge/rcfge/tools/cli"
	"github.com/rcfge/rcfge/tools/cli/actions/diff"
	"github.com/rcfge/rcfge/tools/notify"
	"github.com/rcfge/rcfge/tools/render"
	"github.com/rcfge/rcfge/tools/svcref/policy"
	"github.com/rcfge/rcfge/tools/svcref/snapshot"
)

const topic = "arn:aws:sns:eu-west-1:123456789012:aws-changes"

func TestNewCmdDiffFlags(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name         string
		args         []string
		wantFlagErr  bool
		wantErr      bool
		wantFormat   render.Format
		wantPolicies string
		wantNotify   *notify.Target
	}{
		{name: "defaults", args: []string{"a", "b"}, wantFormat: render.Text},
		{name: "all flags", args: []string{"--format", "md", "--policies", "scp", "--notify", "sns:" + topic, "a", "b"},
			wantFormat: render.Markdown, wantPolicies: "scp", wantNotify: &notify.Target{TopicARN: topic, Region: "eu-west-1"}},
		{name: "json", args: []string{"--format=json", "a", "b"}, wantFormat: render.JSON},
		{name: "one folder", args: []string{"a"}, wantFlagErr: true},
		{name: "three folders", args: []string{"a", "b", "c"}, wantFlagErr: true},
		{name: "bad notify target", args: []string{"--notify", topic, "a", "b"}, wantFlagErr: true},
		{name: "bad format", args: []string{"--format", "sarif", "a", "b"}, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ios, _, _, _ := cli.Test()
			var got *diff.DiffOptions
			cmd := diff.NewCmdDiff(&cli.Factory{IO: ios}, func(o *diff.DiffOptions) error { got = o; return nil })
			cmd.SetArgs(tt.args)
			cmd.SetOut(io.Discard)
			cmd.SetErr(io.Discard)
			err := cmd.Execute()
			var fe *cli.FlagError
			if tt.wantFlagErr != errors.As(err, &fe) {
				t.Fatalf("error = %v, want a FlagError: %v", err, tt.wantFlagErr)
			}
			if tt.wantFlagErr || tt.wantErr {
				if err == nil {
					t.Fatal("no error")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.Old != "a" || got.New != "b" || got.Format != tt.wantFormat || got.Policies != tt.wantPolicies {
				t.Errorf("options = %+v", got)
			}
			if (got.Notify == nil) != (tt.wantNotify == nil) || (got.Notify != nil && *got.Notify != *tt.wantNotify) {
				t.Errorf("Notify = %+v, want %+v", got.Notify, tt.wantNotify)
			}
		})
	}
}

// fakeSNS is a local SNS endpoint recording the published subjects and messages.
type fakeSNS struct {
	mu       sync.Mutex
	messages []url.Values
	fail     bool
}

func (f *fakeSNS) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	_ = r.ParseForm()
	f.mu.Lock()
	f.messages = append(f.messages, r.PostForm)
	f.mu.Unlock()
	if f.fail {
		w.WriteHeader(http.StatusNotFound)
		_, _ = io.WriteString(w, `<ErrorResponse><Error><Type>Sender</Type><Code>NotFound</Code><Message>Topic does not exist</Message></Error><RequestId>r</RequestId></ErrorResponse>`)
		return
	}
	_, _ = io.WriteString(w, `<PublishResponse><PublishResult><MessageId>m-1</MessageId></PublishResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></PublishResponse>`)
}

func factory(t *testing.T, sns http.Handler) (*cli.Factory, *bytes.Buffer, *bytes.Buffer) {
	t.Helper()
	ios, _, out, errOut := cli.Test()
	f := &cli.Factory{IO: ios, AWSConfig: func(context.Context) (aws.Config, error) {
		return aws.Config{}, errors.New("no AWS configuration in this test")
	}}
	if sns != nil {
		srv := httptest.NewServer(sns)
		t.Cleanup(srv.Close)
		f.AWSConfig = func(context.Context) (aws.Config, error) {
			return aws.Config{
				Region:           "us-east-1",
				Credentials:      credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "secret", ""),
				BaseEndpoint:     aws.String(srv.URL),
				HTTPClient:       srv.Client(),
				RetryMaxAttempts: 1,
			}, nil
		}
	}
	return f, out, errOut
}

func TestDiffRun(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		args       []string
		sns        *fakeSNS
		wantErr    error
		wantAnyErr bool // an error that is not a findings report
		wantOut    []string
		notOut     []string
		wantErrOut string
		wantSNS    int
	}{
		{name: "changed", args: []string{"testdata/old", "testdata/new"}, wantErr: cli.ErrFindings,
			wantOut: []string{"from old to new", "+ s3:PutObjectAnnotation", "new actions                     1"}},
		{name: "unchanged", args: []string{"testdata/old", "testdata/old"},
			wantOut: []string{"No changes in the AWS service reference from old to old."}},
		{name: "markdown", args: []string{"--format", "md", "testdata/old", "testdata/new"}, wantErr: cli.ErrFindings,
			wantOut: []string{"## AWS service reference changes: `old` → `new`", "`s3:PutObjectAnnotation`"}},
		{name: "json", args: []string{"--format", "json", "testdata/old", "testdata/new"}, wantErr: cli.ErrFindings,
			wantOut: []string{`"newActions": 1`}},
		{name: "policies", args: []string{"--policies", "testdata/policies", "testdata/old", "testdata/new"}, wantErr: cli.ErrFindings,
			// The manifest is skipped with a note; "Deny *" matches the new action but only denies it.
			wantOut:    []string{"testdata/policies/allow-writes.json statement AllowWrites (Allow Action): s3:Put* matches 1 new action"},
			notOut:     []string{"DenyEverything"},
			wantErrOut: "testdata/policies/manifest.json: not a policy (no Version or Statement), skipped"},
		{name: "bad policy", args: []string{"--policies", "testdata/bad-policies", "testdata/old", "testdata/new"}, wantErr: policy.ErrInvalidPolicy},
		{name: "missing policies folder", args: []string{"--policies", "testdata/nope", "testdata/old", "testdata/new"}, wantErr: fs.ErrNotExist},
		{name: "policies is a file", args: []string{"--policies", "testdata/policies/allow-writes.json", "testdata/old", "testdata/new"}, wantAnyErr: true},
		{name: "not a snapshot", args: []string{"testdata/policies", "testdata/new"}, wantErr: snapshot.ErrNoSnapshot},
		{name: "missing snapshot", args: []string{"testdata/old", "testdata/nope"}, wantErr: fs.ErrNotExist},
		{name: "notify", args: []string{"--notify", "sns:" + topic, "testdata/old", "testdata/new"}, sns: &fakeSNS{},
			wantErr: cli.ErrFindings, wantOut: []string{"+ s3:PutObjectAnnotation"}, wantErrOut: "Published the summary to " + topic + " (message m-1).", wantSNS: 1},
		{name: "notify only on change", args: []string{"--notify", "sns:" + topic, "testdata/old", "testdata/old"}, sns: &fakeSNS{}},
		{name: "notify fails", args: []string{"--notify", "sns:" + topic, "testdata/old", "testdata/new"}, sns: &fakeSNS{fail: true},
			wantAnyErr: true, wantOut: []string{"+ s3:PutObjectAnnotation"}, wantSNS: 1},
		{name: "notify without AWS configuration", args: []string{"--notify", "sns:" + topic, "testdata/old", "testdata/new"}, wantAnyErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var h http.Handler
			if tt.sns != nil {
				h = tt.sns
			}
			f, out, errOut := factory(t, h)
			cmd := diff.NewCmdDiff(f, nil)
			cmd.SetArgs(tt.args)
			cmd.SetOut(io.Discard)
			cmd.SetErr(io.Discard)
			err := cmd.ExecuteContext(context.Background())
			switch {
			case tt.wantErr != nil:
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("error = %v, want %v", err, tt.wantErr)
				}
			case tt.wantAnyErr:
				if err == nil || errors.Is(err, cli.ErrFindings) {
					t.Fatalf("error = %v, want a failure", err)
				}
			case err != nil:
				t.Fatalf("error = %v, want none", err)
			}
			for _, w := range tt.wantOut {
				if !strings.Contains(out.String(), w) {
					t.Errorf("stdout lacks %q:\n%s", w, out)
				}
			}
			for _, w := range tt.notOut {
				if strings.Contains(out.String(), w) {
					t.Errorf("stdout has %q:\n%s", w, out)
				}
			}
			if !strings.Contains(errOut.String(), tt.wantErrOut) {
				t.Errorf("stderr = %q, want %q", errOut, tt.wantErrOut)
			}
			if tt.sns != nil {
				tt.sns.mu.Lock()
				defer tt.sns.mu.Unlock()
				if len(tt.sns.messages) != tt.wantSNS {
					t.Fatalf("SNS got %d publishes, want %d", len(tt.sns.messages), tt.wantSNS)
				}
				if tt.wantSNS > 0 {
					m := tt.sns.messages[0]
					if m.Get("TopicArn") != topic || !strings.HasPrefix(m.Get("Subject"), "rcfge: AWS service reference old -> new: 0 new services, 1 new actions") ||
						!strings.Contains(m.Get("Message"), "\n  s3: +actions 1\n") {
						t.Errorf("published %v", m)
					}
				}
			}
		})
	}
}
