// Command faultsdoc runs the hook's fault matrix against a local versitygw and writes the table
// to docs/faults.md (or -out). It exits non-zero when a row does not get its configured answer,
// after writing the table so the failure can be read there too.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/rcfge/rcfge/hook/faults"
	"github.com/rcfge/rcfge/hook/store/s3store/s3test"
)

func main() {
	out := flag.String("out", "docs/faults.md", "file to write the table to")
	flag.Parse()
	if err := run(*out); err != nil {
		fmt.Fprintln(os.Stderr, "faultsdoc:", err)
		os.Exit(1)
	}
}

func run(out string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	srv, err := s3test.Start(ctx)
	if err != nil {
		return fmt.Errorf("start versitygw: %w", err)
	}
	defer srv.Close()
	results, err := faults.Run(ctx, faults.Server{
		S3: srv, Endpoint: srv.Endpoint, Region: s3test.Region,
		Owner:    faults.Keys{Access: s3test.RootAccess, Secret: s3test.RootSecret},
		Stranger: faults.Keys{Access: s3test.StrangerAccess, Secret: s3test.StrangerSecret},
	})
	if err != nil {
		return err
	}
	checkErr := faults.Check(results)
	if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
		return err
	}
	f, err := os.Create(out)
	if err != nil {
		return err
	}
	if err := faults.Markdown(f, results, checkErr); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", out, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("write %s: %w", out, err)
	}
	return errors.Join(checkErr)
}
