package main_test

import (
	"bytes"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rcfge/rcfge/hook/store/s3store/s3test"
	"github.com/rcfge/rcfge/hook/wire"
)

var (
	srv *s3test.Server
	bin string // the stripped bootstrap binary, built once
)

// buildFlags are the flags scripts/package.sh builds the Lambda with.
var buildFlags = []string{"build", "-tags", "lambda.norpc", "-trimpath", "-ldflags=-s -w"}

func TestMain(m *testing.M) {
	os.Exit(func() int {
		dir, err := os.MkdirTemp("", "rcfge-bootstrap-")
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		defer os.RemoveAll(dir)
		bin = filepath.Join(dir, "bootstrap")
		out, err := exec.Command("go", append(buildFlags, "-o", bin, ".")...).CombinedOutput()
		if err != nil {
			fmt.Fprintf(os.Stderr, "build bootstrap: %v\n%s", err, out)
			return 1
		}
		return s3test.Run(m, &srv)
	}())
}

// runtimeAPI is a fake Lambda Runtime API: it hands out queued events on /next and records what
// the function posts back.
type runtimeAPI struct {
	*httptest.Server
	mu        sync.Mutex
	queue     []event
	responses map[string][]byte
	errors    map[string][]byte
	firstNext chan struct{}
	once      sync.Once
	// answer is closed when the function posts its first answer or error.
	answer     chan struct{}
	answerOnce sync.Once
}

type event struct {
	id   string
	body []byte
}

func newRuntimeAPI(t testing.TB, events []event) *runtimeAPI {
	r := &runtimeAPI{queue: events, responses: map[string][]byte{}, errors: map[string][]byte{}, firstNext: make(chan struct{}), answer: make(chan struct{})}
	r.Server = httptest.NewServer(http.HandlerFunc(r.serve))
	t.Cleanup(r.Close)
	return r
}

func (r *runtimeAPI) serve(w http.ResponseWriter, req *http.Request) {
	const base = "/2018-06-01/runtime/"
	path := strings.TrimPrefix(req.URL.Path, base)
	switch {
	case req.Method == http.MethodGet && path == "invocation/next":
		r.once.Do(func() { close(r.firstNext) })
		r.mu.Lock()
		if len(r.queue) == 0 {
			r.mu.Unlock()
			<-req.Context().Done() // like the real API: wait until there is work
			return
		}
		ev := r.queue[0]
		r.queue = r.queue[1:]
		r.mu.Unlock()
		h := w.Header()
		h.Set("Lambda-Runtime-Aws-Request-Id", ev.id)
		h.Set("Lambda-Runtime-Deadline-Ms", strconv.FormatInt(time.Now().Add(30*time.Second).UnixMilli(), 10))
		h.Set("Lambda-Runtime-Invoked-Function-Arn", "arn:aws:lambda:us-east-1:111122223333:function:rcfge-enforcer")
		w.Write(ev.body)
	case req.Method == http.MethodPost && strings.HasPrefix(path, "invocation/"):
		parts := strings.Split(strings.TrimPrefix(path, "invocation/"), "/")
		body, _ := io.ReadAll(req.Body)
		r.mu.Lock()
		if len(parts) == 2 && parts[1] == "response" {
			r.responses[parts[0]] = body
		} else {
			r.errors[parts[0]] = body
		}
		r.mu.Unlock()
		r.answerOnce.Do(func() { close(r.answer) })
		w.WriteHeader(http.StatusAccepted)
	default:
		http.NotFound(w, req)
	}
}

func (r *runtimeAPI) answered() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.responses) + len(r.errors)
}

// start runs the binary against api with env and returns a stop function.
func start(t testing.TB, api *runtimeAPI, env []string) (stop func() string) {
	t.Helper()
	cmd := exec.Command(bin)
	var logs bytes.Buffer
	cmd.Stdout, cmd.Stderr = &logs, &logs
	cmd.Env = append([]string{
		"AWS_LAMBDA_RUNTIME_API=" + strings.TrimPrefix(api.URL, "http://"),
		"AWS_LAMBDA_FUNCTION_NAME=rcfge-enforcer", "AWS_LAMBDA_FUNCTION_VERSION=$LATEST",
		"AWS_LAMBDA_FUNCTION_MEMORY_SIZE=256", "AWS_REGION=us-east-1", "PATH=" + os.Getenv("PATH"),
	}, env...)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	return func() string {
		cmd.Process.Kill()
		cmd.Wait()
		return logs.String()
	}
}

// TestRuntimeLoop feeds every wire fixture, both protocols, through the real aws-lambda-go runtime
// loop of the built binary, with templates in S3.
func TestRuntimeLoop(t *testing.T) {
	if srv == nil {
		t.Skip(s3test.SkipReason)
	}
	ctx := t.Context()
	const bucket, prefix = "rcfge-templates-111122223333", "templates"
	if err := srv.CreateBucket(ctx, bucket); err != nil {
		t.Fatal(err)
	}
	tpl, err := os.ReadFile("../../handler/testdata/templates/AWS-S3-Bucket.json")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := srv.Put(ctx, bucket, prefix+"/AWS-S3-Bucket.json", tpl); err != nil {
		t.Fatal(err)
	}
	// Payload URLs must be https: the binary trusts the test server through SSL_CERT_FILE.
	payloads := httptest.NewTLSServer(http.FileServer(http.Dir("../../wire/testdata/payloads")))
	defer payloads.Close()
	certFile := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: payloads.Certificate().Raw}), 0o600); err != nil {
		t.Fatal(err)
	}

	files, err := filepath.Glob("../../wire/testdata/*/*.json")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]struct {
		status wire.Status
		code   wire.ErrorCode
	}{}
	var events []event
	for _, f := range files {
		proto := filepath.Base(filepath.Dir(f))
		if proto == "payloads" {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		b = bytes.ReplaceAll(b, []byte("https://rcfge-hook-payloads.s3.us-east-1.amazonaws.com"), []byte(payloads.URL))
		// The fixtures' caller credentials are examples; the test server knows its own.
		b = bytes.ReplaceAll(b, []byte("ASIAEXAMPLEKEY0001"), []byte(s3test.RootAccess))
		b = bytes.ReplaceAll(b, []byte("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"), []byte(s3test.RootSecret))
		b = bytes.ReplaceAll(b, []byte("IQoJb3JpZ2luX2VjEXAMPLETOKEN"), nil)
		id := proto + "/" + filepath.Base(f)
		events = append(events, event{id: strings.ReplaceAll(id, "/", "-"), body: b})
		name := filepath.Base(f)
		w := want[id]
		w.status = wire.StatusSuccess
		if name == "stack-create.json" || name == "stack-update.json" || name == "changeset-create.json" {
			w.status, w.code = wire.StatusFailed, wire.CodeNonCompliant // AWS::SNS::Topic has no template
		}
		want[strings.ReplaceAll(id, "/", "-")] = w
	}
	// Not JSON at all: aws-lambda-go's typed handlers would fail before rcfge runs; the raw
	// handler still answers, with the token it could read.
	for id, body := range map[string]string{
		"malformed-truncated": `{"clientRequestToken":"tok-malformed-1","actionInvocationPoint":"CREATE_PRE_PROVISION","requestData":{`,
		"malformed-garbage":   `{"clientRequestToken":"tok-malformed-2", nope}`,
		"malformed-no-model":  `{"clientRequestToken":"tok-malformed-3","actionInvocationPoint":"CREATE_PRE_PROVISION","requestData":{"targetName":"AWS::S3::Bucket"}}`,
	} {
		events = append(events, event{id: id, body: []byte(body)})
		want[id] = struct {
			status wire.Status
			code   wire.ErrorCode
		}{wire.StatusFailed, wire.CodeInvalidRequest}
	}
	api := newRuntimeAPI(t, events)
	stop := start(t, api, []string{
		"RCFGE_TEMPLATES_BUCKET=" + bucket, "RCFGE_TEMPLATES_PREFIX=" + prefix, "RCFGE_S3_ENDPOINT=" + srv.Endpoint,
		"AWS_ACCESS_KEY_ID=" + s3test.RootAccess, "AWS_SECRET_ACCESS_KEY=" + s3test.RootSecret,
		"SSL_CERT_FILE=" + certFile, "RCFGE_PAYLOAD_HOSTS=" + payloads.Listener.Addr().String(),
	})
	deadline := time.Now().Add(60 * time.Second)
	for api.answered() < len(events) && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	logs := stop()
	if len(api.errors) > 0 {
		t.Errorf("function errors (the hook must always answer): %v", api.errors)
	}
	for _, ev := range events {
		body, ok := api.responses[ev.id]
		if !ok {
			t.Errorf("%s: no response", ev.id)
			continue
		}
		var resp wire.Response
		if err := json.Unmarshal(body, &resp); err != nil {
			t.Errorf("%s: response is not JSON: %v", ev.id, err)
			continue
		}
		w := want[ev.id]
		if resp.HookStatus != w.status || resp.ErrorCode != w.code || !strings.HasPrefix(resp.ClientRequestToken, "tok-") {
			t.Errorf("%s: got %s/%s %q (token %q), want %s/%s", ev.id, resp.HookStatus, resp.ErrorCode, resp.Message, resp.ClientRequestToken, w.status, w.code)
		}
	}
	// One decision line per request, as JSON on stdout.
	if n := strings.Count(logs, `"msg":"rcfge hook decision"`); n != len(events) {
		t.Errorf("%d decision log lines for %d requests:\n%s", n, len(events), logs)
	}
	if strings.Contains(logs, s3test.RootSecret) {
		t.Error("the logs contain a secret")
	}
}

// TestBadEnvironmentStillAnswers: a misconfigured Lambda answers each request with the reason.
func TestBadEnvironmentStillAnswers(t *testing.T) {
	api := newRuntimeAPI(t, []event{{id: "1", body: []byte(`{"clientRequestToken":"t","actionInvocationPoint":"CREATE_PRE_PROVISION","requestData":{"targetName":"AWS::S3::Bucket","targetModel":{"resourceProperties":{}}}}`)}})
	stop := start(t, api, []string{"RCFGE_ON_VIOLATION=SOMETIMES"})
	deadline := time.Now().Add(20 * time.Second)
	for api.answered() < 1 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	stop()
	var resp wire.Response
	if err := json.Unmarshal(api.responses["1"], &resp); err != nil {
		t.Fatalf("no JSON response: %v (errors: %v)", err, api.errors)
	}
	if resp.HookStatus != wire.StatusFailed || resp.ErrorCode != wire.CodeInvalidTypeConfiguration || !strings.Contains(resp.Message, "RCFGE_ON_VIOLATION") {
		t.Errorf("got %+v", resp)
	}
}

// TestDependencies keeps the Lambda lean: no CLI code, cobra or goformation may be linked.
func TestDependencies(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "-tags", "lambda.norpc", ".").Output()
	if err != nil {
		t.Fatal(err)
	}
	for _, dep := range strings.Fields(string(out)) {
		for _, banned := range []string{"github.com/awslabs/goformation", "github.com/spf13/cobra", "github.com/rcfge/rcfge/tools/", "github.com/aws/aws-sdk-go-v2/config", "net/rpc"} {
			if strings.HasPrefix(dep, banned) {
				t.Errorf("bootstrap links %s", dep)
			}
		}
	}
}

// TestNoGenericValidator: the runtime validates with rcfge's own validator (hook/schema), not a
// general JSON Schema library.
func TestNoGenericValidator(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "-tags", "lambda.norpc", ".").Output()
	if err != nil {
		t.Fatal(err)
	}
	for _, dep := range strings.Fields(string(out)) {
		for _, generic := range []string{"github.com/santhosh-tekuri/jsonschema", "github.com/xeipuuv/gojsonschema", "github.com/owenrumney/go-sarif"} {
			if strings.HasPrefix(dep, generic) {
				t.Errorf("the Lambda links %s: the runtime validates with hook/schema only", dep)
			}
		}
	}
}

// TestBinarySize enforces the 15 MB budget on the stripped binary (host architecture).
func TestBinarySize(t *testing.T) {
	fi, err := os.Stat(bin)
	if err != nil {
		t.Fatal(err)
	}
	const limit = 15 << 20
	if fi.Size() > limit {
		t.Errorf("stripped bootstrap is %d bytes, over the %d-byte budget", fi.Size(), limit)
	}
}

// BenchmarkStartToReady measures process start until the runtime loop asks for its first event.
func BenchmarkStartToReady(b *testing.B) {
	fi, err := os.Stat(bin)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(fi.Size())/(1<<20), "MiB-stripped")
	b.ReportAllocs()
	for b.Loop() {
		api := newRuntimeAPI(b, nil)
		stop := start(b, api, []string{"RCFGE_TEMPLATES_BUCKET=b"})
		select {
		case <-api.firstNext:
		case <-time.After(10 * time.Second):
			b.Fatal("the runtime loop never asked for an event")
		}
		b.StopTimer()
		stop()
		api.Close()
		b.StartTimer()
	}
}
