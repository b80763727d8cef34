// Package replay implements `rcfge hook replay`: recorded hook requests of either protocol run
// through handler.Handle, the Lambda's own code path, and the answers the Lambda would give.
package replay

import (
	"bufio"
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/spf13/cobra"

	"github.com/rcfge/rcfge/hook/handler"
	"github.com/rcfge/rcfge/hook/store"
	"github.com/rcfge/rcfge/hook/store/dirstore"
	"github.com/rcfge/rcfge/hook/store/s3store"
	"github.com/rcfge/rcfge/hook/wire"
	"github.com/rcfge/rcfge/tools/cli"
	"github.com/rcfge/rcfge/tools/render"
)

// ReplayOptions holds the flags and arguments of `rcfge hook replay`.
type ReplayOptions struct {
	IO        *cli.IOStreams
	AWSConfig func(context.Context) (aws.Config, error)
	Logger    func() *slog.Logger
	// Getenv supplies the RCFGE_* configuration, as the Lambda reads it; os.Getenv by default.
	Getenv func(string) string
	// Templates is a folder, s3://bucket/prefix, or empty for what each request's configuration names.
	Templates   string
	EndpointURL string
	Format      render.Format
	Payloads    []string
}

// NewCmdReplay returns `rcfge hook replay`; runF replaces the run function in tests.
func NewCmdReplay(f *cli.Factory, runF func(context.Context, *ReplayOptions) error) *cobra.Command {
	opts := &ReplayOptions{IO: f.IO, AWSConfig: f.AWSConfig, Logger: f.Logger, Getenv: os.Getenv}
	cmd := &cobra.Command{
		Use:   "replay [--templates DIR|s3://bucket/prefix] [--endpoint-url URL] PAYLOAD.json...",
		Short: "Run recorded hook requests through the hook and print its answers",
		Long: `Run recorded hook requests (registered custom hook or Lambda hook, as CloudFormation sent
them) through exactly the code the Lambda runs, and print the response JSON it would return.
Use it to understand a denial, or to try a template change against real requests before
publishing it.

Templates come from --templates (a folder, or s3://bucket/prefix) when given; otherwise from the
bucket the request's type configuration names (registered hook) or RCFGE_TEMPLATES_BUCKET and
RCFGE_TEMPLATES_PREFIX (Lambda hook). The failure knobs and variables come from the request's
type configuration and the RCFGE_* environment variables, as in the Lambda. Credentials recorded
in a request have expired: the default AWS credential chain is used instead. STACK and CHANGE_SET
requests download their presigned payload URL, which expires too.

Answers are printed as they come; a request file that is not JSON stops the replay there.

Exit status: 0 every answer SUCCESS, 1 some answer FAILED, 2 usage or input error.`,
		Example: `  rcfge hook replay --templates ./schemas examples/hook-requests/*.json
  rcfge hook replay --templates s3://rcfge-templates-staging/templates request.json
  rcfge hook replay --endpoint-url http://127.0.0.1:7070 --format json request.json`,
		Args: func(_ *cobra.Command, args []string) error {
			if len(args) == 0 {
				return cli.FlagErrorf("replay needs at least one request file")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Payloads = args
			if t := opts.Templates; strings.HasPrefix(t, "s3://") && strings.TrimPrefix(t, "s3://") == "" {
				return cli.FlagErrorf("--templates %q: want s3://bucket[/prefix]", t)
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return replayRun(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.Templates, "templates", "", "restricted templates from `DIR` or s3://bucket/prefix (default: as each request is configured)")
	fl.StringVar(&opts.EndpointURL, "endpoint-url", "", "S3-compatible endpoint `URL` for the template bucket")
	render.AddFormatFlag(fl, &opts.Format, render.Text, render.JSON)
	return cmd
}

// ErrNotJSON is a request file that is not JSON, hence no hook request at all.
var ErrNotJSON = errors.New("a hook request is a JSON document")

// Replay is one request file and the hook's answer to it: one element of the JSON output.
type Replay struct {
	Request  string        `json:"request"`
	Response wire.Response `json:"response"`
}

func replayRun(ctx context.Context, opts *ReplayOptions) error {
	if opts.Format != render.Text && opts.Format != render.JSON && opts.Format != "" {
		return fmt.Errorf("output format %q is not supported here", opts.Format)
	}
	h, err := newHandler(ctx, opts)
	if err != nil {
		return err
	}
	// A missing file is found before any answer is printed.
	if err := checkExist(opts.Payloads); err != nil {
		return fmt.Errorf("request %w", err)
	}
	var files requestReader
	defer files.close()
	out := newAnswers(opts.IO.Out, opts.Format)
	failed := false
	for _, p := range opts.Payloads {
		// raw is overwritten by the next read: Handle keeps no reference to it.
		raw, err := files.read(p)
		if err != nil {
			return errors.Join(fmt.Errorf("request %w", err), out.close())
		}
		resp := h.Handle(ctx, raw)
		// The hook answers a file that is not JSON InvalidRequest; given here, that is an input
		// error (exit 2), not the hook's verdict on a request (exit 1). Only such answers are
		// checked, so a replay of thousands of requests does not scan each one twice.
		if resp.ErrorCode == wire.CodeInvalidRequest && !json.Valid(raw) {
			return errors.Join(fmt.Errorf("request %s: not JSON: %w", p, ErrNotJSON), out.close())
		}
		failed = failed || resp.HookStatus != wire.StatusSuccess
		if err := out.add(Replay{Request: p, Response: resp}); err != nil {
			return err
		}
	}
	if err := out.close(); err != nil {
		return err
	}
	if failed {
		return cli.ErrFindings
	}
	return nil
}

// checkExist stats each file that its folder's listing does not show as a regular file, which
// for the usual replay (a glob of files in a few folders) is none: one listing per folder stands
// in for thousands of stat calls, each a walk of the whole path.
func checkExist(paths []string) error {
	listings := map[string]map[string]fs.FileMode{}
	for _, p := range paths {
		dir, base := filepath.Split(p)
		names, ok := listings[dir]
		if !ok {
			names = listing(dir)
			listings[dir] = names
		}
		if mode, ok := names[base]; ok && mode.IsRegular() {
			continue
		}
		if _, err := os.Stat(p); err != nil {
			return err
		}
	}
	return nil
}

// listing maps the names in dir ("" for the working directory) to their types; nil when it
// cannot be read (each file is then stat'ed).
func listing(dir string) map[string]fs.FileMode {
	entries, err := os.ReadDir(cmp.Or(dir, "."))
	if err != nil {
		return nil
	}
	names := make(map[string]fs.FileMode, len(entries))
	for _, e := range entries {
		names[e.Name()] = e.Type()
	}
	return names
}

// answers prints each answer as soon as it is known. Holding them all for one rendering at the end
// held the whole report and its encoding at once: the replay's peak memory.
type answers struct {
	w      *bufio.Writer
	json   bool
	n      int
	buf    []byte
	name   bytes.Buffer
	enc    *json.Encoder
	closed bool
}

func newAnswers(w io.Writer, f render.Format) *answers {
	a := &answers{w: bufio.NewWriterSize(w, 64<<10), json: f == render.JSON}
	a.enc = json.NewEncoder(&a.name)
	a.enc.SetEscapeHTML(false)
	return a
}

// add prints one answer: in JSON, an element of one array, {"request": ..., "response": ...}
// indented as encoding the array at once indents it; in text, the response JSON under the
// request's file name.
func (a *answers) add(x Replay) error {
	if !a.json {
		a.buf = x.Response.AppendJSON(a.buf[:0], "", "  ")
		fmt.Fprintf(a.w, "== %s\n%s\n", x.Request, a.buf)
		a.n++
		return nil
	}
	a.name.Reset()
	if err := a.enc.Encode(x.Request); err != nil {
		return fmt.Errorf("encode the answer to %s: %w", x.Request, err)
	}
	if a.n == 0 {
		a.w.WriteString("[\n  ")
	} else {
		a.w.WriteString(",\n  ")
	}
	a.w.WriteString("{\n    \"request\": ")
	a.w.Write(bytes.TrimSuffix(a.name.Bytes(), []byte("\n")))
	a.w.WriteString(",\n    \"response\": ")
	a.buf = x.Response.AppendJSON(a.buf[:0], "    ", "  ")
	a.w.Write(a.buf)
	a.w.WriteString("\n  }")
	a.n++
	return nil
}

// close ends the output (the JSON array is closed even when the replay stopped early, so what was
// printed stays valid JSON) and flushes it.
func (a *answers) close() error {
	if a.closed {
		return nil
	}
	a.closed = true
	switch {
	case a.json && a.n == 0:
		a.w.WriteString("[]\n")
	case a.json:
		a.w.WriteString("\n]\n")
	}
	if err := a.w.Flush(); err != nil {
		return fmt.Errorf("write the answers: %w", err)
	}
	return nil
}

// newHandler builds the Lambda's handler, with the templates and credentials of this machine.
func newHandler(ctx context.Context, opts *ReplayOptions) (*handler.Handler, error) {
	getenv := opts.Getenv
	if getenv == nil {
		getenv = os.Getenv
	}
	env, err := handler.FromEnv(getenv)
	if err != nil {
		return nil, err
	}
	if opts.EndpointURL != "" {
		env.Endpoint = opts.EndpointURL
	}
	hopts := []handler.Option{handler.WithEnv(env), handler.WithoutCallerCredentials(), handler.WithAWSConfig(opts.AWSConfig)}
	if opts.Logger != nil {
		hopts = append(hopts, handler.WithLogger(opts.Logger()))
	}
	if opts.Templates != "" {
		st, err := templateStore(ctx, opts, env)
		if err != nil {
			return nil, err
		}
		hopts = append(hopts, handler.WithStore(st))
	}
	return handler.New(hopts...), nil
}

func templateStore(ctx context.Context, opts *ReplayOptions, env handler.Env) (store.Store, error) {
	if loc, ok := strings.CutPrefix(opts.Templates, "s3://"); ok {
		bucket, prefix, _ := strings.Cut(loc, "/")
		cfg, err := opts.AWSConfig(ctx)
		if err != nil {
			return nil, fmt.Errorf("AWS configuration: %w", err)
		}
		if env.Region != "" {
			cfg.Region = env.Region
		}
		return s3store.New(s3store.NewClient(cfg, env.Endpoint), bucket, s3store.WithPrefix(prefix))
	}
	fi, err := os.Stat(opts.Templates)
	switch {
	case err != nil:
		return nil, fmt.Errorf("--templates: %w", err)
	case !fi.IsDir():
		return nil, &cli.FlagError{Err: errors.New("--templates " + opts.Templates + ": not a folder")}
	}
	return dirstore.NewSnapshot(os.DirFS(opts.Templates)), nil
}
