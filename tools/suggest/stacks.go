package suggest

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation/types"

	"github.com/rcfge/rcfge/tools/cfntemplate"
)

// StacksAPI is the part of the CloudFormation client that reading deployed stacks needs.
type StacksAPI interface {
	ListStacks(ctx context.Context, in *cloudformation.ListStacksInput, opts ...func(*cloudformation.Options)) (*cloudformation.ListStacksOutput, error)
	GetTemplate(ctx context.Context, in *cloudformation.GetTemplateInput, opts ...func(*cloudformation.Options)) (*cloudformation.GetTemplateOutput, error)
}

// liveStatuses are the stacks whose template is what is deployed now.
var liveStatuses = []types.StackStatus{
	types.StackStatusCreateComplete, types.StackStatusUpdateComplete, types.StackStatusUpdateRollbackComplete,
	types.StackStatusImportComplete, types.StackStatusImportRollbackComplete, types.StackStatusRollbackComplete,
}

// FromStacks reads the processed template of every live stack the API lists (one region) and
// parses it; progress, when set, is told the total once known and each stack done. A stack whose
// template cannot be read or parsed gives one line in errs and the rest still load.
func FromStacks(ctx context.Context, api StacksAPI, region string, opts cfntemplate.Options, progress func(done, total int)) (tpls []*cfntemplate.Template, errs []string, err error) {
	var names []string
	p := cloudformation.NewListStacksPaginator(api, &cloudformation.ListStacksInput{StackStatusFilter: liveStatuses})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, nil, fmt.Errorf("list stacks in %s: %w", region, err)
		}
		for _, s := range page.StackSummaries {
			names = append(names, aws.ToString(s.StackName))
		}
	}
	opts.Region = region
	for i, n := range names {
		out, err := api.GetTemplate(ctx, &cloudformation.GetTemplateInput{StackName: aws.String(n), TemplateStage: types.TemplateStageProcessed})
		switch {
		case err != nil:
			if ctx.Err() != nil {
				return tpls, errs, ctx.Err()
			}
			errs = append(errs, fmt.Sprintf("stack %s (%s): %v", n, region, err))
		default:
			o := opts
			o.StackName = n
			t, perr := cfntemplate.Parse(fmt.Sprintf("stack:%s/%s", region, n), []byte(aws.ToString(out.TemplateBody)), o)
			if perr != nil {
				errs = append(errs, perr.Error())
			} else {
				tpls = append(tpls, t)
			}
		}
		if progress != nil {
			progress(i+1, len(names))
		}
	}
	return tpls, errs, nil
}
