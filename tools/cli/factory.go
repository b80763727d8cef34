// Package cli holds what every rcfge command shares: the Factory (streams plus lazy constructors),
// and the errors that decide the exit code.
package cli

import (
	"context"
	"log/slog"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
)

// Factory gives commands their dependencies. Constructors are funcs so that offline commands never
// build an AWS client and tests fill in only what they use.
type Factory struct {
	IO *IOStreams
	// Logger returns the structured logger; it writes to stderr.
	Logger func() *slog.Logger
	// AWSConfig loads the AWS configuration (default credential chain) on first use.
	AWSConfig func(ctx context.Context) (aws.Config, error)
}

// New returns the Factory for a real process.
func New() *Factory {
	io := System()
	return &Factory{
		IO: io,
		Logger: func() *slog.Logger {
			return slog.New(slog.NewTextHandler(io.ErrOut, &slog.HandlerOptions{Level: slog.LevelWarn}))
		},
		AWSConfig: func(ctx context.Context) (aws.Config, error) {
			return config.LoadDefaultConfig(ctx)
		},
	}
}
