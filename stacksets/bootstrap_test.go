package stacksets_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/rcfge/rcfge/hook/store/s3store/s3test"
)

// The svcref job's bootstrap runs here as Lambda would run it: the real script and a real
// bin/rcfge, a local Runtime API, versitygw as S3, a local SNS endpoint and a local service
// reference.

const jobBucket = "rcfge-svcref-snapshots-test"

// fakeRuntime is the Lambda Runtime API for one invocation: it hands out one event, records
// the answer and then holds further /next calls until the test ends.
type fakeRuntime struct {
	srv    *httptest.Server
	served atomic.Bool
	done   chan struct{}
	mu     sync.Mutex
	kind   string // response, error or init-error
	body   string
}

func newFakeRuntime(t *testing.T) *fakeRuntime {
	rt := &fakeRuntime{done: make(chan struct{})}
	stop := make(chan struct{})
	rt.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		const base = "/2018-06-01/runtime/"
		path := strings.TrimPrefix(r.URL.Path, base)
		switch {
		case r.Method == http.MethodGet && path == "invocation/next":
			if rt.served.Swap(true) {
				select { // Lambda freezes the process here; the test kills it instead
				case <-stop:
				case <-r.Context().Done():
				}
				http.Error(w, "no more events", http.StatusGone)
				return
			}
			w.Header().Set("Lambda-Runtime-Aws-Request-Id", "req-1")
			w.Header().Set("Lambda-Runtime-Deadline-Ms", fmt.Sprint(time.Now().Add(15*time.Minute).UnixMilli()))
			_, _ = io.WriteString(w, `{"job": "svcref-diff"}`)
		case r.Method == http.MethodPost && (path == "invocation/req-1/response" || path == "invocation/req-1/error" || path == "init/error"):
			body, _ := io.ReadAll(r.Body)
			rt.mu.Lock()
			rt.kind, rt.body = map[string]string{
				"invocation/req-1/response": "response", "invocation/req-1/error": "error", "init/error": "init-error",
			}[path], string(body)
			rt.mu.Unlock()
			w.WriteHeader(http.StatusAccepted)
			close(rt.done)
		default:
			http.Error(w, "unexpected "+r.Method+" "+r.URL.Path, http.StatusNotFound)
		}
	}))
	t.Cleanup(func() { close(stop); rt.srv.Close() })
	return rt
}

// fakeSNS records Publish calls (the SNS query protocol).
type fakeSNS struct {
	srv      *httptest.Server
	mu       sync.Mutex
	messages []url.Values
}

func newFakeSNS(t *testing.T) *fakeSNS {
	f := &fakeSNS{}
	f.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := r.ParseForm(); err != nil || r.Form.Get("Action") != "Publish" {
			http.Error(w, "bad request", http.StatusBadRequest)
			return
		}
		f.mu.Lock()
		f.messages = append(f.messages, r.Form)
		f.mu.Unlock()
		w.Header().Set("Content-Type", "text/xml")
		_, _ = io.WriteString(w, `<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><PublishResult>`+
			`<MessageId>m-1</MessageId></PublishResult><ResponseMetadata><RequestId>r-1</RequestId></ResponseMetadata></PublishResponse>`)
	}))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeSNS) published() []url.Values {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]url.Values(nil), f.messages...)
}

// serviceReference serves testdata/svcref/<day> at the root, as the AWS endpoint does.
type serviceReference struct {
	srv *httptest.Server
	day atomic.Value // string
}

func newServiceReference(t *testing.T) *serviceReference {
	s := &serviceReference{}
	s.day.Store("day1")
	s.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		dir := filepath.Join("testdata", "svcref", s.day.Load().(string))
		name := "service-list.json"
		if r.URL.Path != "/" {
			name = filepath.Base(r.URL.Path)
		}
		http.ServeFile(w, r, filepath.Join(dir, name))
	}))
	t.Cleanup(s.srv.Close)
	return s
}

// buildJob lays out the Lambda zip's content: bootstrap and bin/rcfge.
func buildJob(t *testing.T) string {
	t.Helper()
	root := t.TempDir()
	if err := os.MkdirAll(filepath.Join(root, "bin"), 0o755); err != nil {
		t.Fatal(err)
	}
	script, err := os.ReadFile("svcref-job/bootstrap")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "bootstrap"), script, 0o755); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	build := exec.CommandContext(ctx, "go", "build", "-o", filepath.Join(root, "bin", "rcfge"), "github.com/rcfge/rcfge/tools/rcfge")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build rcfge: %v\n%s", err, out)
	}
	return root
}

// runJob starts bootstrap with env over a minimal environment and waits for its answer.
func runJob(t *testing.T, root string, env map[string]string) (kind, body string) {
	t.Helper()
	rt := newFakeRuntime(t)
	cmd := exec.Command("/bin/bash", filepath.Join(root, "bootstrap"))
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir(), "TMPDIR=" + t.TempDir(),
		"AWS_LAMBDA_RUNTIME_API=" + strings.TrimPrefix(rt.srv.URL, "http://"), "LAMBDA_TASK_ROOT=" + root}
	for k, v := range env {
		if v != "" {
			cmd.Env = append(cmd.Env, k+"="+v)
		}
	}
	var logs bytes.Buffer
	cmd.Stdout, cmd.Stderr = &logs, &logs
	// Its own process group, so the curl it is blocked in goes down with it.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	defer func() {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		<-exited
		t.Logf("bootstrap output:\n%s", logs.String())
	}()
	select {
	case <-rt.done:
	case err := <-exited:
		select {
		case <-rt.done: // init errors answer and exit
		default:
			t.Fatalf("bootstrap exited without answering: %v", err)
		}
	case <-time.After(3 * time.Minute):
		t.Fatal("bootstrap did not answer in 3 minutes")
	}
	rt.mu.Lock()
	defer rt.mu.Unlock()
	return rt.kind, rt.body
}

func TestSvcrefJobBootstrap(t *testing.T) {
	if testing.Short() {
		t.Skip("integration test: builds rcfge and starts versitygw")
	}
	for _, tool := range []string{"bash", "curl", "go"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("svcref job test needs %s: %v", tool, err)
		}
	}
	if out, err := exec.Command("curl", "--help", "all").Output(); err != nil || !bytes.Contains(out, []byte("--aws-sigv4")) {
		t.Skip("svcref job test needs curl with --aws-sigv4 (7.75 or later)")
	}
	srv, err := s3test.Start(context.Background())
	if err != nil {
		if os.Getenv("RCFGE_REQUIRE_S3") == "1" {
			t.Fatalf("RCFGE_REQUIRE_S3=1 but versitygw did not start: %v", err)
		}
		t.Skipf("S3 integration test skipped: %v", err)
	}
	t.Cleanup(srv.Close)
	ctx := context.Background()
	if err := srv.CreateBucket(ctx, jobBucket); err != nil {
		t.Fatal(err)
	}
	root := buildJob(t)
	sns := newFakeSNS(t)
	ref := newServiceReference(t)
	const topic = "arn:aws:sns:us-east-1:111122223333:rcfge-alerts-service-reference"
	env := map[string]string{
		"RCFGE_SNAPSHOT_BUCKET":  jobBucket,
		"RCFGE_NOTIFY_TOPIC_ARN": topic,
		"RCFGE_SVCREF_ENDPOINT":  ref.srv.URL + "/",
		"RCFGE_S3_ENDPOINT":      srv.Endpoint + "/" + jobBucket,
		"AWS_REGION":             s3test.Region,
		"AWS_ACCESS_KEY_ID":      s3test.RootAccess,
		"AWS_SECRET_ACCESS_KEY":  s3test.RootSecret,
		"AWS_SESSION_TOKEN":      "",
		"AWS_ENDPOINT_URL_SNS":   sns.srv.URL,
	}
	today := time.Now().UTC().Format(time.DateOnly)
	client := srv.Client(s3test.RootAccess, s3test.RootSecret)
	get := func(key string) string {
		t.Helper()
		out, err := client.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(jobBucket), Key: aws.String(key)})
		if err != nil {
			t.Fatalf("get %s: %v", key, err)
		}
		defer out.Body.Close()
		b, err := io.ReadAll(out.Body)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	result := func(t *testing.T, kind, body string) map[string]string {
		t.Helper()
		if kind != "response" {
			t.Fatalf("answer %s %s, want a response", kind, body)
		}
		var m map[string]string
		if err := json.Unmarshal([]byte(body), &m); err != nil {
			t.Fatalf("response %q is not JSON: %v", body, err)
		}
		return m
	}

	t.Run("first run stores a snapshot and reports nothing", func(t *testing.T) {
		kind, body := runJob(t, root, env)
		got := result(t, kind, body)
		if want := map[string]string{"status": "first-snapshot", "previous": "", "current": today}; fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("result = %v, want %v", got, want)
		}
		if l := strings.TrimSpace(get("snapshots/LATEST")); l != today {
			t.Errorf("LATEST = %q, want %s", l, today)
		}
		files := strings.Fields(get("snapshots/" + today + "/FILES"))
		for _, f := range []string{"demo.json", "manifest.json", "other.json", "service-list.json"} {
			if !slices.Contains(files, f) {
				t.Errorf("FILES %v lacks %s", files, f)
			}
			get("snapshots/" + today + "/" + f)
		}
		if n := len(sns.published()); n != 0 {
			t.Errorf("%d notifications on the first run, want 0", n)
		}
	})

	t.Run("a new action is published", func(t *testing.T) {
		ref.day.Store("day2")
		kind, body := runJob(t, root, env)
		got := result(t, kind, body)
		if got["status"] != "changed" || got["previous"] != today {
			t.Errorf("result = %v, want changed since %s", got, today)
		}
		msgs := sns.published()
		if len(msgs) != 1 {
			t.Fatalf("%d notifications, want 1", len(msgs))
		}
		// The summary's wording belongs to rcfge actions diff; it must name the changed service.
		if m := msgs[0]; m.Get("TopicArn") != topic || !strings.Contains(m.Get("Message"), "demo") {
			t.Errorf("notification = %v, want a summary naming service demo on %s", m, topic)
		}
	})

	t.Run("no change is not published again", func(t *testing.T) {
		kind, body := runJob(t, root, env)
		got := result(t, kind, body)
		if got["status"] != "unchanged" {
			t.Errorf("result = %v, want unchanged", got)
		}
		if n := len(sns.published()); n != 1 {
			t.Errorf("%d notifications in total, want still 1", n)
		}
	})

	errorCases := []struct {
		name  string
		setup func(t *testing.T)
		env   map[string]string
		kind  string
		want  *regexp.Regexp
	}{
		{
			name: "forbidden bucket is not a first run",
			env:  map[string]string{"AWS_SECRET_ACCESS_KEY": "wrong-secret"},
			kind: "error", want: regexp.MustCompile(`GET s3 snapshots/LATEST: HTTP 403`),
		},
		{
			name: "corrupt LATEST",
			setup: func(t *testing.T) {
				if _, err := srv.Put(ctx, jobBucket, "snapshots/LATEST", []byte("../../etc\n")); err != nil {
					t.Fatal(err)
				}
			},
			kind: "error", want: regexp.MustCompile(`LATEST holds '\.\./\.\./etc', not a snapshot date`),
		},
		{
			name: "service reference down",
			setup: func(t *testing.T) {
				if _, err := srv.Put(ctx, jobBucket, "snapshots/LATEST", []byte(today+"\n")); err != nil {
					t.Fatal(err)
				}
			},
			env:  map[string]string{"RCFGE_SVCREF_ENDPOINT": "http://127.0.0.1:1/"},
			kind: "error", want: regexp.MustCompile(`rcfge actions fetch failed`),
		},
		{
			name: "missing configuration",
			env:  map[string]string{"RCFGE_NOTIFY_TOPIC_ARN": ""},
			kind: "init-error", want: regexp.MustCompile(`missing RCFGE_NOTIFY_TOPIC_ARN`),
		},
	}
	for _, tt := range errorCases {
		t.Run(tt.name, func(t *testing.T) {
			if tt.setup != nil {
				tt.setup(t)
			}
			e := map[string]string{}
			for k, v := range env {
				e[k] = v
			}
			for k, v := range tt.env {
				e[k] = v
			}
			kind, body := runJob(t, root, e)
			if kind != tt.kind {
				t.Fatalf("answer %s %s, want %s", kind, body, tt.kind)
			}
			var doc struct{ ErrorType, ErrorMessage string }
			if err := json.Unmarshal([]byte(body), &doc); err != nil {
				t.Fatalf("error document %q is not JSON: %v", body, err)
			}
			if doc.ErrorType == "" || !tt.want.MatchString(doc.ErrorMessage) {
				t.Errorf("error %+v, want a type and a message matching %s", doc, tt.want)
			}
		})
	}
}
