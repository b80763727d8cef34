// Package s3test runs a real S3-compatible server (versitygw) on 127.0.0.1 for integration tests,
// behind a TCP proxy that can make it unreachable or slow. Only tests import it.
package s3test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// Root credentials of the server; a second user without access to root's buckets is created too.
const (
	Region         = "us-east-1"
	RootAccess     = "rcfgeroot"
	RootSecret     = "rcfge-root-secret"
	StrangerAccess = "rcfgestranger"
	StrangerSecret = "rcfge-stranger-secret"
)

// Two users whose access key IDs are 12-digit account IDs. versitygw records a bucket's owner as
// the owning user's access key ID and compares x-amz-expected-bucket-owner with it, so a bucket
// given to one of them (ChangeOwner) is "owned by that account ID" as far as the header goes.
const (
	AdminAccount = "111122223333"
	OtherAccount = "444455556666"
)

// Binary finds versitygw: $RCFGE_VERSITYGW (set by the Makefile), then PATH, then $GOPATH/bin.
func Binary() (string, error) {
	if p := os.Getenv("RCFGE_VERSITYGW"); p != "" {
		if fi, err := os.Stat(p); err == nil && fi.Mode().IsRegular() {
			return p, nil
		}
	}
	if p, err := exec.LookPath("versitygw"); err == nil {
		return p, nil
	}
	if home, err := os.UserHomeDir(); err == nil {
		p := filepath.Join(home, "go", "bin", "versitygw")
		if fi, err := os.Stat(p); err == nil && fi.Mode().IsRegular() {
			return p, nil
		}
	}
	return "", errors.New("versitygw not found (run `make tools`, or set RCFGE_VERSITYGW)")
}

// Mode is how the proxy in front of the server behaves.
type Mode int

// Proxy modes.
const (
	// Up forwards traffic.
	Up Mode = iota
	// Down refuses: every connection is closed at once, like a dead endpoint.
	Down
	// Slow accepts connections and never answers, like a stalled network path.
	Slow
)

// Server is a running versitygw with a proxy in front.
type Server struct {
	// Endpoint is the proxy's URL; give it to clients.
	Endpoint string
	cmd      *exec.Cmd
	exited   chan struct{}
	dir      string
	bin      string
	backend  string
	ln       net.Listener
	mu       sync.Mutex
	mode     Mode
	conns    map[net.Conn]struct{}
	wg       sync.WaitGroup
}

// SkipReason is set by Run when the server could not be started and tests should skip.
var SkipReason string

// Run is a TestMain body: it starts the server into *srv, runs the tests and stops it. When
// versitygw is missing the tests skip (srv stays nil), unless RCFGE_REQUIRE_S3=1, which fails.
func Run(m *testing.M, srv **Server) int {
	s, err := Start(context.Background())
	if err != nil {
		if os.Getenv("RCFGE_REQUIRE_S3") == "1" {
			fmt.Fprintf(os.Stderr, "s3test: RCFGE_REQUIRE_S3=1 but the S3 server did not start: %v\n", err)
			return 1
		}
		SkipReason = fmt.Sprintf("S3 integration tests skipped: %v", err)
		return m.Run()
	}
	*srv = s
	defer s.Close()
	return m.Run()
}

// Start launches versitygw with a posix backend in a temporary directory.
func Start(ctx context.Context) (*Server, error) {
	bin, err := Binary()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "rcfge-s3test-")
	if err != nil {
		return nil, err
	}
	s := &Server{dir: dir, bin: bin, conns: map[net.Conn]struct{}{}}
	if err := s.start(ctx, bin); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	return s, nil
}

func (s *Server) start(ctx context.Context, bin string) error {
	data, iam := filepath.Join(s.dir, "data"), filepath.Join(s.dir, "iam")
	for _, d := range []string{data, iam} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return err
		}
	}
	port, err := freePort()
	if err != nil {
		return err
	}
	s.backend = "127.0.0.1:" + port
	var logs bytes.Buffer
	s.cmd = exec.Command(bin, "--port", s.backend, "--access", RootAccess, "--secret", RootSecret,
		"--region", Region, "--iam-dir", iam, "--quiet", "posix", data)
	s.cmd.Stdout, s.cmd.Stderr = &logs, &logs
	dieWithParent(s.cmd)
	if err := s.cmd.Start(); err != nil {
		return fmt.Errorf("start versitygw: %w", err)
	}
	s.exited = make(chan struct{})
	go func() { s.cmd.Wait(); close(s.exited) }()
	if err := waitReady(ctx, "http://"+s.backend, s.exited); err != nil {
		s.stopProcess()
		return fmt.Errorf("versitygw not ready: %w; output: %s", err, logs.String())
	}
	for _, u := range [][2]string{{StrangerAccess, StrangerSecret}, {AdminAccount, AdminAccount + "-secret"}, {OtherAccount, OtherAccount + "-secret"}} {
		if err := s.admin(ctx, "create-user", "--access", u[0], "--secret", u[1], "--role", "user"); err != nil {
			s.stopProcess()
			return err
		}
	}
	s.ln, err = net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		s.stopProcess()
		return err
	}
	s.Endpoint = "http://" + s.ln.Addr().String()
	s.wg.Add(1)
	go s.serve()
	return nil
}

// admin runs a versitygw admin command against the server, as root.
func (s *Server) admin(ctx context.Context, args ...string) error {
	args = append([]string{"admin", "--access", RootAccess, "--secret", RootSecret, "--endpoint-url", "http://" + s.backend}, args...)
	out, err := exec.CommandContext(ctx, s.bin, args...).CombinedOutput()
	if err != nil {
		return fmt.Errorf("versitygw %s: %w: %s", args[7], err, out)
	}
	return nil
}

// ChangeOwner gives bucket to the user whose access key ID is owner (AdminAccount, OtherAccount).
func (s *Server) ChangeOwner(ctx context.Context, bucket, owner string) error {
	return s.admin(ctx, "change-bucket-owner", "--bucket", bucket, "--owner", owner)
}

func freePort() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer l.Close()
	_, port, err := net.SplitHostPort(l.Addr().String())
	return port, err
}

func waitReady(ctx context.Context, url string, exited <-chan struct{}) error {
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case <-exited:
			return errors.New("exited")
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
		if resp, err := http.Get(url); err == nil {
			resp.Body.Close()
			return nil
		}
	}
	return errors.New("timed out after 20s")
}

// SetMode switches the proxy; open connections are cut so pooled clients see the change at once.
func (s *Server) SetMode(m Mode) {
	s.mu.Lock()
	s.mode = m
	for c := range s.conns {
		c.Close()
		delete(s.conns, c)
	}
	s.mu.Unlock()
}

func (s *Server) serve() {
	defer s.wg.Done()
	for {
		c, err := s.ln.Accept()
		if err != nil {
			return
		}
		s.mu.Lock()
		mode := s.mode
		if mode != Down {
			s.conns[c] = struct{}{}
		}
		s.mu.Unlock()
		switch mode {
		case Down:
			c.Close()
		case Slow:
			// Hold the connection open and say nothing, until SetMode or Close cuts it.
		case Up:
			go s.forward(c)
		}
	}
}

func (s *Server) forward(c net.Conn) {
	b, err := net.Dial("tcp", s.backend)
	if err != nil {
		c.Close()
		return
	}
	s.mu.Lock()
	s.conns[b] = struct{}{}
	s.mu.Unlock()
	done := make(chan struct{}, 2)
	go func() { io.Copy(b, c); done <- struct{}{} }()
	go func() { io.Copy(c, b); done <- struct{}{} }()
	<-done
	c.Close()
	b.Close()
	s.mu.Lock()
	delete(s.conns, c)
	delete(s.conns, b)
	s.mu.Unlock()
}

// Close stops the proxy and the server and removes the backend directory.
func (s *Server) Close() {
	s.ln.Close()
	s.SetMode(Down)
	s.wg.Wait()
	s.stopProcess()
	os.RemoveAll(s.dir)
}

func (s *Server) stopProcess() {
	if s.cmd != nil && s.cmd.Process != nil {
		s.cmd.Process.Kill()
		<-s.exited
	}
}

// Client returns an S3 client for the given keys, talking to the proxy with path-style addressing.
func (s *Server) Client(access, secret string) *s3.Client {
	return s3.New(s3.Options{
		Region:       Region,
		BaseEndpoint: aws.String(s.Endpoint),
		UsePathStyle: true,
		Credentials:  credentials.NewStaticCredentialsProvider(access, secret, ""),
		// Fail fast: tests flip the proxy on purpose.
		RetryMaxAttempts: 1,
	})
}

// CreateBucket creates a bucket owned by root.
func (s *Server) CreateBucket(ctx context.Context, bucket string) error {
	_, err := s.Client(RootAccess, RootSecret).CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(bucket)})
	if err != nil {
		return fmt.Errorf("create bucket %s: %w", bucket, err)
	}
	return nil
}

// Put writes an object as root and returns its ETag.
func (s *Server) Put(ctx context.Context, bucket, key string, body []byte) (string, error) {
	out, err := s.Client(RootAccess, RootSecret).PutObject(ctx, &s3.PutObjectInput{
		Bucket: aws.String(bucket), Key: aws.String(key), Body: bytes.NewReader(body),
		ContentType: aws.String("application/json"),
	})
	if err != nil {
		return "", fmt.Errorf("put s3://%s/%s: %w", bucket, key, err)
	}
	return strings.Trim(aws.ToString(out.ETag), `"`), nil
}

// Delete removes an object as root.
func (s *Server) Delete(ctx context.Context, bucket, key string) error {
	_, err := s.Client(RootAccess, RootSecret).DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
	if err != nil {
		return fmt.Errorf("delete s3://%s/%s: %w", bucket, key, err)
	}
	return nil
}
