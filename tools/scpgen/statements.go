package scpgen

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/rcfge/rcfge/tools/scpgen/policy"
	"github.com/rcfge/rcfge/tools/svcref"
)

// logical is one of the design's statements before minimisation: either every action (all) or
// a set of canonical action names.
type logical struct {
	stmt    policy.Statement
	actions map[string]bool
	all     bool
	why     string
}

// Statement IDs, as the design names them plus the two rcfge adds.
const (
	SidAllowedListActions                      = "AllowedListActions"
	SidDenyOrganizationActions                 = "DenyOrganizationActions"
	SidProtectRCFGEResources                   = "ProtectRCFGEResources"
	SidProtectStackSetExecutionRole            = "ProtectStackSetExecutionRole"
	SidProtectRCFGEHookConfiguration           = "ProtectRCFGEHookConfiguration"
	SidProtectRCFGETemplates                   = "ProtectRCFGETemplates"
	SidProtectRCFGETaggedResources             = "ProtectRCFGETaggedResources"
	SidProtectRCFGEManagedTag                  = "ProtectRCFGEManagedTag"
	SidProvisionResourcesViaCloudFormationOnly = "ProvisionResourcesViaCloudFormationOnly"
)

// partition is the ARN partition of the generated resources.
const partition = "aws"

// ManagedTag marks the rcfge resources whose ARNs carry an ID rather than a name (KMS keys, the
// Config rule): the SCPs protect them by this tag, and nobody but rcfge may remove it.
const ManagedTag = "rcfge:managed"

// tagRemovalActions remove tags from resources that can carry ManagedTag; those the service
// reference lacks are left out.
var tagRemovalActions = []string{"config:UntagResource", "kms:UntagResource", "s3:DeleteBucketTagging", "s3:UntagResource", "tag:UntagResources"}

// taggedServices are the services whose resources rcfge protects by ManagedTag: KMS keys and
// Config rules have IDs in their ARNs, so no name can pin them.
var taggedServices = map[string][]string{"kms": {"key"}, "config": {"ConfigRule"}}

// keyUse are the cryptographic operations of KMS: the service reference calls them Write, yet
// they change no key, and the hook roles need Decrypt on the tagged templates key. They stay out
// of the tag protection.
var keyUse = []string{
	"kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey*", "kms:ReEncrypt*", "kms:Sign", "kms:Verify",
	"kms:GenerateMac", "kms:VerifyMac", "kms:DeriveSharedSecret", "kms:GenerateRandom",
}

// hookConfigActions change which hook runs or how it is configured. None of them supports
// resource-level permissions, so the deny has to name every type ("*").
var hookConfigActions = []string{
	"cloudformation:ActivateType",
	"cloudformation:DeactivateType",
	"cloudformation:DeregisterType",
	"cloudformation:RegisterType",
	"cloudformation:SetTypeConfiguration",
	"cloudformation:SetTypeDefaultVersion",
}

// statements builds the design's statements from the provisioning actions and the config.
func (b *builder) statements(prov map[string]bool) ([]logical, error) {
	cfg := b.in.Config
	n := cfg.Names
	allow, err := b.resolveAll("allow", cfg.Allow)
	if err != nil {
		return nil, err
	}
	deny, err := b.resolveAll("deny", cfg.Deny)
	if err != nil {
		return nil, err
	}
	exempt, err := b.resolveAll("callableOutsideCloudFormation", cfg.CallableOutsideCloudFormation)
	if err != nil {
		return nil, err
	}
	hookCfg, err := b.resolveAll("(built-in hook configuration actions)", hookConfigActions)
	if err != nil {
		return nil, err
	}
	bucketWrites, err := b.bucketWriteActions()
	if err != nil {
		return nil, err
	}
	taggedWrites, err := b.taggedWriteActions()
	if err != nil {
		return nil, err
	}
	untag := make(map[string]bool)
	for _, a := range tagRemovalActions {
		if act, ok := b.cat.Action(a); ok {
			untag[act.FullName()] = true
		}
	}

	role := func(name string) string { return fmt.Sprintf("arn:%s:iam::*:role/%s", partition, name) }
	cfn := func(res string) string { return fmt.Sprintf("arn:%s:cloudformation:*:*:%s", partition, res) }
	// The pipeline changes rcfge; the StackSets execution role deploys it into member accounts.
	exceptRCFGE := policy.Condition{"ArnNotLike": {"aws:PrincipalArn": {
		role(n.PipelineRoleName), role(n.StackSetExecutionRolePattern),
	}}}

	var out []logical
	add := func(l logical) {
		if l.all || len(l.actions) > 0 {
			out = append(out, l)
		}
	}

	allowed := maps.Clone(prov)
	maps.Copy(allowed, allow)
	add(logical{
		why:     "allow list: what provisioning the approved types needs, plus config allow",
		stmt:    policy.Statement{Sid: SidAllowedListActions, Effect: "Allow", Resource: policy.List{"*"}},
		actions: allowed,
	})
	add(logical{
		why:     "config deny",
		stmt:    policy.Statement{Sid: SidDenyOrganizationActions, Effect: "Deny", Resource: policy.List{"*"}},
		actions: deny,
	})
	add(logical{
		why: "nobody but the pipeline and the StackSets execution role touches the hook, its roles, its function and log group, its key alias, its alerts or its StackSet",
		stmt: policy.Statement{Sid: SidProtectRCFGEResources, Effect: "Deny", Condition: exceptRCFGE, Resource: policy.List{
			// Service-managed stack instances are named StackSet-<name>-<uuid>.
			cfn(fmt.Sprintf("stack/StackSet-%s-*/*", n.StackSetName)),
			cfn(fmt.Sprintf("stackset/%s:*", n.StackSetName)),
			cfn("type/hook/" + typeARNName(n.HookTypeName)),
			cfn("type/hook/" + typeARNName(n.HookTypeName) + "/*"),
			cfn("type/hook/" + typeARNName(n.HookAlias)),
			cfn("type/hook/" + typeARNName(n.HookAlias) + "/*"),
			role(n.HookExecutionRoleName),
			// The function's own role carries the function's name (stacksets/member.yaml).
			role(n.HookFunctionName),
			fmt.Sprintf("arn:%s:lambda:*:*:function:%s", partition, n.HookFunctionName),
			fmt.Sprintf("arn:%s:lambda:*:*:function:%s:*", partition, n.HookFunctionName),
			fmt.Sprintf("arn:%s:logs:*:*:log-group:/aws/lambda/%s", partition, n.HookFunctionName),
			fmt.Sprintf("arn:%s:logs:*:*:log-group:/aws/lambda/%s:*", partition, n.HookFunctionName),
			fmt.Sprintf("arn:%s:kms:*:*:alias/%s", partition, n.StackSetName),
			fmt.Sprintf("arn:%s:sns:*:*:%s", partition, n.AlertTopicName),
			// The alert rules are named <alertTopicName>-<what>.
			fmt.Sprintf("arn:%s:events:*:*:rule/%s-*", partition, n.AlertTopicName),
		}},
		all: true,
	})
	add(logical{
		why:  "the StackSets execution role is AWS-managed: nobody changes or assumes it by hand",
		stmt: policy.Statement{Sid: SidProtectStackSetExecutionRole, Effect: "Deny", Resource: policy.List{role(n.StackSetExecutionRolePattern)}},
		all:  true,
	})
	add(logical{
		why:     "hook registration and configuration take no resource ARN, so all types are covered; only the pipeline and the StackSets execution role may change them",
		stmt:    policy.Statement{Sid: SidProtectRCFGEHookConfiguration, Effect: "Deny", Resource: policy.List{"*"}, Condition: exceptRCFGE},
		actions: hookCfg,
	})
	add(logical{
		why: "only the pipeline writes the restricted templates bucket (<templatesBucketName>-<admin account>), the artifacts buckets (<artifactsBucketPrefix>-<admin account>-<region>) or their objects (write, permissions and tagging actions on S3 buckets and objects)",
		stmt: policy.Statement{Sid: SidProtectRCFGETemplates, Effect: "Deny",
			Resource: policy.List{
				fmt.Sprintf("arn:%s:s3:::%s-*", partition, n.TemplatesBucketName),
				fmt.Sprintf("arn:%s:s3:::%s-*/*", partition, n.TemplatesBucketName),
				fmt.Sprintf("arn:%s:s3:::%s-*", partition, n.ArtifactsBucketPrefix),
				fmt.Sprintf("arn:%s:s3:::%s-*/*", partition, n.ArtifactsBucketPrefix),
			},
			Condition: policy.Condition{"ArnNotLike": {"aws:PrincipalArn": {role(n.PipelineRoleName)}}},
		},
		actions: bucketWrites,
	})
	add(logical{
		why: "nobody but the pipeline and the StackSets execution role changes, disables or deletes a KMS key or Config rule tagged " + ManagedTag + " (rcfge's keys and drift rule: their ARNs carry IDs, not names)",
		stmt: policy.Statement{Sid: SidProtectRCFGETaggedResources, Effect: "Deny", Resource: policy.List{"*"},
			Condition: policy.Condition{
				"StringEquals": {"aws:ResourceTag/" + ManagedTag: {"true"}},
				"ArnNotLike":   exceptRCFGE["ArnNotLike"],
			}},
		actions: taggedWrites,
	})
	add(logical{
		why: "nobody but the pipeline and the StackSets execution role removes the " + ManagedTag + " tag, which the previous statement relies on",
		stmt: policy.Statement{Sid: SidProtectRCFGEManagedTag, Effect: "Deny", Resource: policy.List{"*"},
			Condition: policy.Condition{
				"ForAnyValue:StringEquals": {"aws:TagKeys": {ManagedTag}},
				"ArnNotLike":               exceptRCFGE["ArnNotLike"],
			}},
		actions: untag,
	})
	cfnOnly := make(map[string]bool)
	for a := range prov {
		act, _ := b.cat.Action(a)
		// Reading and listing stay callable: denying them outside CloudFormation would blind
		// consoles and tools without protecting anything.
		if !exempt[a] && (act.IsWrite || act.IsPermissionManagement || act.IsTaggingOnly) {
			cfnOnly[a] = true
		}
	}
	add(logical{
		why: "create, update and delete actions of the approved types only through CloudFormation (read and list actions and config callableOutsideCloudFormation excepted)",
		stmt: policy.Statement{Sid: SidProvisionResourcesViaCloudFormationOnly, Effect: "Deny", Resource: policy.List{"*"},
			Condition: policy.Condition{"StringNotEquals": {"aws:CalledViaFirst": {"cloudformation.amazonaws.com"}}}},
		actions: cfnOnly,
	})
	return out, nil
}

// taggedWriteActions are the write, permissions management and tagging actions of the services
// in taggedServices whose resource types include the protected one.
func (b *builder) taggedWriteActions() (map[string]bool, error) {
	out := make(map[string]bool)
	for _, svc := range slices.Sorted(maps.Keys(taggedServices)) {
		s, ok := b.cat.Service(svc)
		if !ok {
			return nil, fmt.Errorf("%w: the service reference has no %s service to protect rcfge's tagged resources with", ErrUnknownAction, svc)
		}
		for _, a := range s.Actions {
			if !(a.IsWrite || a.IsPermissionManagement || a.IsTaggingOnly) {
				continue
			}
			if slices.ContainsFunc(keyUse, func(p string) bool { return svcref.Match(p, a.FullName()) }) {
				continue
			}
			if slices.ContainsFunc(a.Resources, func(r string) bool { return slices.Contains(taggedServices[svc], r) }) {
				out[a.FullName()] = true
			}
		}
	}
	return out, nil
}

// typeARNName is a type name as it appears in a type ARN: Rcfge::Config::Enforcer ->
// Rcfge-Config-Enforcer.
func typeARNName(t string) string { return strings.ReplaceAll(t, "::", "-") }

// bucketWriteActions are the S3 actions that change a bucket or an object: write, permissions
// management and tagging actions whose resource types include bucket or object.
func (b *builder) bucketWriteActions() (map[string]bool, error) {
	out := make(map[string]bool)
	s, ok := b.cat.Service("s3")
	if !ok {
		return nil, fmt.Errorf("%w: the service reference has no s3 service to protect the templates bucket with", ErrUnknownAction)
	}
	for _, a := range s.Actions {
		if !(a.IsWrite || a.IsPermissionManagement || a.IsTaggingOnly) {
			continue
		}
		if slices.Contains(a.Resources, "bucket") || slices.Contains(a.Resources, "object") {
			out[a.FullName()] = true
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%w: the service reference has no s3 action that writes a bucket or an object", ErrUnknownAction)
	}
	return out, nil
}
