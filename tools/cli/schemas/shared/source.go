// Package shared holds what the schemas verbs have in common.
package shared

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/rcfge/rcfge/tools/cli"
	"github.com/rcfge/rcfge/tools/schemagen"
)

// OpenSource opens the provider schemas a flag names (schemagen.OpenSpec), as a usage error
// naming the flag when the spec is wrong.
func OpenSource(ctx context.Context, flag, spec string, awsConfig func(context.Context) (aws.Config, error)) (schemagen.SchemaSource, func() error, error) {
	src, closeFn, err := schemagen.OpenSpec(ctx, spec, awsConfig)
	switch {
	case err != nil && spec == schemagen.LiveSource:
		// The environment, not the command line, is at fault: no usage hint.
		return nil, nil, fmt.Errorf("%s %s: %w", flag, spec, err)
	case err != nil:
		return nil, nil, cli.FlagErrorf("%s: %v", flag, err)
	}
	return src, closeFn, nil
}
