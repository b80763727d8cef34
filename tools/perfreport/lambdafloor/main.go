// Command lambdafloor is the smallest function aws-lambda-go runs: an echo handler. perfreport
// times its start beside the hook's, as the floor under the hook's start to ready that the runtime
// library itself sets (its HTTP client, its runtime loop).
package main

import (
	"context"

	"github.com/aws/aws-lambda-go/lambda"
)

type echo struct{}

// Invoke answers the payload with itself.
func (echo) Invoke(_ context.Context, payload []byte) ([]byte, error) { return payload, nil }

func main() { lambda.Start(echo{}) }
