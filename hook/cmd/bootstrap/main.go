// Command bootstrap is the rcfge hook Lambda (provided.al2023, arm64 or amd64). One binary serves
// both protocols: the registered custom hook Rcfge::Config::Enforcer and the Lambda hook. It is
// configured from the environment (see docs/hook.md); a registered hook's type configuration
// overrides that per request.
package main

import (
	"context"
	"log/slog"
	"os"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-lambda-go/lambdacontext"

	"github.com/rcfge/rcfge/hook/handler"
)

func main() {
	logger := newLogger()
	opts := []handler.Option{handler.WithLogger(logger)}
	env, err := handler.FromEnv(os.Getenv)
	if err != nil {
		// Keep serving: every answer then says the configuration is wrong, instead of the
		// invocations failing as opaque function errors.
		logger.Error("rcfge hook configuration", "error", err.Error())
		opts = append(opts, handler.WithStartupError(err))
	}
	h := handler.New(append(opts, handler.WithEnv(env))...)
	// The raw handler gets the payload bytes as sent: aws-lambda-go's typed handlers decode JSON
	// before any rcfge code runs, and a malformed request would then get no answer at all.
	lambda.Start(raw{h})
}

// raw is a lambda.Handler: every payload, even one that is not JSON, reaches Handle.
type raw struct{ h *handler.Handler }

// Invoke answers one payload; it never returns an error, so the runtime always posts an answer.
// The answer is written as encoding/json writes it without HTML escaping (messages quote
// patterns such as <name>).
func (r raw) Invoke(ctx context.Context, payload []byte) ([]byte, error) {
	resp := r.h.Handle(ctx, payload)
	return resp.AppendJSON(nil, "", ""), nil
}

// newLogger writes one JSON object per line to stdout, which Lambda ships to CloudWatch. With the
// function's log format set to JSON the Lambda handler adds the request ID.
func newLogger() *slog.Logger {
	if os.Getenv("AWS_LAMBDA_LOG_FORMAT") == "JSON" {
		return lambdacontext.NewLogger()
	}
	return slog.New(slog.NewJSONHandler(os.Stdout, nil))
}
