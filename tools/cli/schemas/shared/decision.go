package shared

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/rcfge/rcfge/tools/approval"
	"github.com/rcfge/rcfge/tools/approval/lifecycle"
	"github.com/rcfge/rcfge/tools/cli"
	"github.com/rcfge/rcfge/tools/schemagen"
)

// DefaultBy is who a decision is recorded for when --by is not given: git's user.name, else
// $USER.
func DefaultBy(ctx context.Context) string {
	if out, err := exec.CommandContext(ctx, "git", "config", "user.name").Output(); err == nil {
		if name := strings.TrimSpace(string(out)); name != "" {
			return name
		}
	}
	return os.Getenv("USER")
}

// ParseDecision reads `TYPE [PATH | PATH=VALUE]...` as usage errors.
func ParseDecision(args []string) (typeName string, grants []approval.Grant, err error) {
	if len(args) == 0 {
		return "", nil, cli.FlagErrorf("a resource type is required (AWS::Service::Resource)")
	}
	for _, a := range args[1:] {
		g, err := approval.ParseGrant(a)
		if err != nil {
			return "", nil, cli.FlagErrorf("%v", err)
		}
		grants = append(grants, g)
	}
	return args[0], grants, nil
}

// DecisionError turns the lifecycle's refusals into one clear line with exit status 2.
func DecisionError(verb, typeName string, err error) error {
	switch {
	case errors.Is(err, schemagen.ErrTypeNotFound):
		return fmt.Errorf("%s %s: the provider schemas of --source have no such type", verb, typeName)
	case errors.Is(err, approval.ErrNotInSource):
		// The generator's error already names the type: "AWS::S3::Bucket: /Nope: not in ...".
		return fmt.Errorf("%s %w", verb, err)
	case errors.Is(err, lifecycle.ErrUsage):
		return cli.FlagErrorf("%v", err)
	}
	return err
}

// OpenFolder opens --source and checks --templates and --overlays, as usage errors.
func OpenFolder(ctx context.Context, source, templates, overlays string, awsConfig func(context.Context) (aws.Config, error)) (lifecycle.Folder, func() error, error) {
	if st, err := os.Stat(templates); err != nil || !st.IsDir() {
		return lifecycle.Folder{}, nil, cli.FlagErrorf("--templates %s: not a folder", templates)
	}
	f := lifecycle.Folder{Dir: templates}
	if overlays != "" {
		if st, err := os.Stat(overlays); err != nil || !st.IsDir() {
			return lifecycle.Folder{}, nil, cli.FlagErrorf("--overlays %s: not a folder", overlays)
		}
		f.Overlays = os.DirFS(overlays)
	}
	src, closeSrc, err := OpenSource(ctx, "--source", source, awsConfig)
	if err != nil {
		return lifecycle.Folder{}, nil, err
	}
	f.Source = src
	return f, closeSrc, nil
}

// CheckDecisionFlags checks the flags approve and revoke require.
func CheckDecisionFlags(source, templates, reason string) error {
	switch {
	case source == "":
		return cli.FlagErrorf("--source is required")
	case templates == "":
		return cli.FlagErrorf("--templates is required")
	case reason == "":
		return cli.FlagErrorf("--reason is required (the change ticket)")
	}
	return nil
}
