package handler_test

import (
	"context"
	"fmt"
	"log/slog"
	"os"

	"github.com/rcfge/rcfge/hook/handler"
	"github.com/rcfge/rcfge/hook/store/dirstore"
)

// A Lambda hook request for a bucket whose name is not the approved one.
func ExampleHandler_Handle() {
	h := handler.New(
		handler.WithStore(dirstore.New(os.DirFS("testdata/templates"))),
		handler.WithLogger(slog.New(slog.DiscardHandler)),
	)
	resp := h.Handle(context.Background(), []byte(`{
	  "clientRequestToken": "3f1c", "awsAccountId": "111122223333",
	  "hookModel": {"LambdaFunction": "arn:aws:lambda:eu-west-1:111122223333:function:rcfge-hook"},
	  "actionInvocationPoint": "CREATE_PRE_PROVISION",
	  "requestData": {"targetName": "AWS::S3::Bucket", "targetLogicalId": "Logs",
	    "targetModel": {"resourceProperties": {"BucketName": "my-logs"}}}}`))
	fmt.Println(resp.HookStatus, resp.ErrorCode, resp.ClientRequestToken)
	fmt.Println(resp.Annotations[0].AnnotationName)
	// Output:
	// FAILED NonCompliant 3f1c
	// rcfge:pattern:/BucketName
}
