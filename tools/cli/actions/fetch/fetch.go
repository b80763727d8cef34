// Package fetch implements `rcfge actions fetch`: a dated snapshot of the AWS service reference.
package fetch

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"time"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"

	"github.com/rcfge/rcfge/tools/cli"
	"github.com/rcfge/rcfge/tools/render"
	"github.com/rcfge/rcfge/tools/svcref/snapshot"
)

// FetchOptions holds the flags of `rcfge actions fetch`.
type FetchOptions struct {
	IO       *cli.IOStreams
	Endpoint string
	// Out is the folder of snapshots; this one goes into Out/<UTC date>.
	Out         string
	Concurrency int
	Attempts    int
	Timeout     time.Duration
	Format      render.Format
}

// NewCmdFetch returns `rcfge actions fetch`; runF replaces the run function in tests.
func NewCmdFetch(f *cli.Factory, runF func(*FetchOptions) error) *cobra.Command {
	opts := &FetchOptions{IO: f.IO}
	cmd := &cobra.Command{
		Use:   "fetch [flags] --out DIR",
		Short: "Download a dated snapshot of the AWS service reference",
		Long: `Download the AWS service reference index and every service file into DIR/<UTC date>, with a
manifest (date, service count, SHA-256 of each file). Files are fetched concurrently, retried with
backoff on network errors, 429 and 5xx, and each is checked before the snapshot is renamed into
place: a failed or partial download never replaces a good snapshot. Snapshots are never deleted,
so 'rcfge actions diff' can always compare against the previous one.

A progress bar is drawn on standard error when it is a terminal.

Exit status: 0 snapshot written, 2 usage, network or input error.`,
		Example: `  rcfge actions fetch --out snapshots/
  rcfge actions fetch --endpoint https://mirror.example.com/servicereference/ --out snapshots/`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			switch {
			case opts.Out == "":
				return cli.FlagErrorf("--out DIR is required")
			case opts.Concurrency < 1 || opts.Concurrency > 64:
				return cli.FlagErrorf("--concurrency must be between 1 and 64, not %d", opts.Concurrency)
			case opts.Attempts < 1 || opts.Attempts > 20:
				return cli.FlagErrorf("--attempts must be between 1 and 20, not %d", opts.Attempts)
			case opts.Timeout <= 0:
				return cli.FlagErrorf("--timeout must be positive")
			}
			if runF != nil {
				return runF(opts)
			}
			return fetchRun(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.Endpoint, "endpoint", snapshot.DefaultEndpoint, "`URL` of the service reference index")
	fl.StringVar(&opts.Out, "out", "", "folder `DIR` of dated snapshots")
	fl.IntVar(&opts.Concurrency, "concurrency", 8, "parallel downloads")
	fl.IntVar(&opts.Attempts, "attempts", 5, "attempts per file, the first included")
	fl.DurationVar(&opts.Timeout, "timeout", 60*time.Second, "timeout of each request")
	render.AddFormatFlag(fl, &opts.Format, render.Text, render.JSON)
	return cmd
}

// Report is what fetch wrote.
type Report struct {
	snapshot.Result
}

// WriteText names the new snapshot folder.
func (r *Report) WriteText(w io.Writer) error {
	_, err := fmt.Fprintf(w, "Fetched %d services into %s (manifest %s).\n",
		r.Manifest.ServiceCount, r.Dir, filepath.Join(r.Dir, snapshot.ManifestFile))
	return err
}

func fetchRun(ctx context.Context, opts *FetchOptions) error {
	so := snapshot.Options{
		Endpoint:    opts.Endpoint,
		Client:      &http.Client{Timeout: opts.Timeout},
		Concurrency: opts.Concurrency,
		Attempts:    opts.Attempts,
	}
	var bar *progressbar.ProgressBar
	if opts.IO.IsStderrTTY() {
		so.Progress = func(done, total int) {
			if bar == nil {
				bar = progressbar.NewOptions(total,
					progressbar.OptionSetWriter(opts.IO.ErrOut),
					progressbar.OptionSetDescription("service reference"),
					progressbar.OptionShowCount(),
					progressbar.OptionClearOnFinish(),
					progressbar.OptionThrottle(100*time.Millisecond))
			}
			_ = bar.Set(done) // drawing on a terminal; a failed draw is not worth failing the fetch
		}
	}
	res, err := snapshot.Fetch(ctx, opts.Out, so)
	if bar != nil {
		if err == nil {
			_ = bar.Finish() // clears the bar
		} else {
			_ = bar.Exit() // leaves it, so the error shows where the fetch stopped
			fmt.Fprintln(opts.IO.ErrOut)
		}
	}
	if err != nil {
		return err
	}
	return render.Write(opts.IO.Out, opts.Format, &Report{Result: *res})
}
