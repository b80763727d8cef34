package stacksets_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// policy is one policy document of a resolved template and where it sits.
type policy struct {
	Where string // logical ID and property
	Kind  string // trust, identity, resource or key
	Role  string // logical ID of the role, for trust and identity policies
	Doc   map[string]any
}

func policies(r *resolved) []policy {
	var out []policy
	for _, id := range slices.Sorted(func(yield func(string) bool) {
		for id := range r.Resources {
			if !yield(id) {
				return
			}
		}
	}) {
		res := r.Resources[id]
		p := res.Properties
		add := func(prop, kind, role string, doc any) {
			if m, ok := doc.(map[string]any); ok {
				out = append(out, policy{Where: id + "." + prop, Kind: kind, Role: role, Doc: m})
			}
		}
		switch res.Type {
		case "AWS::IAM::Role":
			add("AssumeRolePolicyDocument", "trust", id, p["AssumeRolePolicyDocument"])
			pols, _ := p["Policies"].([]any)
			for i, pol := range pols {
				m, _ := pol.(map[string]any)
				add(fmt.Sprintf("Policies[%d]", i), "identity", id, m["PolicyDocument"])
			}
		case "AWS::S3::BucketPolicy", "AWS::SNS::TopicPolicy":
			add("PolicyDocument", "resource", "", p["PolicyDocument"])
		case "AWS::KMS::Key":
			add("KeyPolicy", "key", "", p["KeyPolicy"])
		}
	}
	return out
}

func statements(doc map[string]any) []map[string]any {
	var out []map[string]any
	switch s := doc["Statement"].(type) {
	case map[string]any:
		out = append(out, s)
	case []any:
		for _, item := range s {
			if m, ok := item.(map[string]any); ok {
				out = append(out, m)
			}
		}
	}
	return out
}

// strs reads an IAM string-or-list value.
func strs(v any) []string {
	switch x := v.(type) {
	case string:
		return []string{x}
	case []any:
		out := make([]string, 0, len(x))
		for _, item := range x {
			out = append(out, fmt.Sprint(item))
		}
		return out
	}
	return nil
}

func sid(st map[string]any) string {
	if s, ok := st["Sid"].(string); ok {
		return s
	}
	return "(no Sid)"
}

// wildcardPrincipal says whether a statement's principal is everyone.
func wildcardPrincipal(st map[string]any) bool {
	switch p := st["Principal"].(type) {
	case string:
		return p == "*"
	case map[string]any:
		return slices.Contains(strs(p["AWS"]), "*")
	}
	return false
}

// conditionKeys lists the condition keys of a statement, across operators.
func conditionKeys(st map[string]any) []string {
	cond, _ := st["Condition"].(map[string]any)
	var keys []string
	for _, op := range cond {
		m, _ := op.(map[string]any)
		for k := range m {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	return keys
}

// condition returns the values of one operator and key.
func condition(st map[string]any, op, key string) []string {
	cond, _ := st["Condition"].(map[string]any)
	m, _ := cond[op].(map[string]any)
	return strs(m[key])
}

// identityKeys are the condition keys that pin a wildcard principal to known callers.
var identityKeys = []string{"aws:PrincipalAccount", "aws:PrincipalArn", "aws:PrincipalOrgID", "aws:SourceAccount", "aws:SourceArn"}

// wildcardPrincipalProblems reports every statement open to Principal "*" without a condition,
// and every Allow to "*" whose conditions do not pin the caller.
func wildcardPrincipalProblems(r *resolved) []string {
	var problems []string
	for _, pol := range policies(r) {
		for _, st := range statements(pol.Doc) {
			if !wildcardPrincipal(st) {
				continue
			}
			keys := conditionKeys(st)
			switch {
			case len(keys) == 0:
				problems = append(problems, fmt.Sprintf("%s %s: Principal \"*\" without a condition", pol.Where, sid(st)))
			case st["Effect"] == "Allow" && !slices.ContainsFunc(keys, func(k string) bool { return slices.Contains(identityKeys, k) }):
				problems = append(problems, fmt.Sprintf("%s %s: Allow to \"*\" conditioned only on %v", pol.Where, sid(st), keys))
			}
		}
	}
	return problems
}

// roleActionProblems reports wildcard actions, NotAction and managed policies on any role.
func roleActionProblems(r *resolved) []string {
	var problems []string
	for _, pol := range policies(r) {
		if pol.Kind != "identity" {
			continue
		}
		for _, st := range statements(pol.Doc) {
			if _, ok := st["NotAction"]; ok {
				problems = append(problems, fmt.Sprintf("%s %s: NotAction", pol.Where, sid(st)))
			}
			if _, ok := st["NotResource"]; ok {
				problems = append(problems, fmt.Sprintf("%s %s: NotResource", pol.Where, sid(st)))
			}
			for _, a := range strs(st["Action"]) {
				if strings.ContainsAny(a, "*?") {
					problems = append(problems, fmt.Sprintf("%s %s: wildcard action %s", pol.Where, sid(st), a))
				}
			}
		}
	}
	for id, res := range r.Resources {
		if res.Type == "AWS::IAM::Role" && res.Properties["ManagedPolicyArns"] != nil {
			problems = append(problems, fmt.Sprintf("%s: managed policies cannot be reviewed here", id))
		}
	}
	slices.Sort(problems)
	return problems
}

// noSourceConditionServices assume roles without sending aws:SourceArn or aws:SourceAccount:
// Lambda takes a function's role through iam:PassRole at CreateFunction, not per caller.
var noSourceConditionServices = []string{"lambda.amazonaws.com"}

// trustProblems reports trust statements that any account's use of a service could satisfy
// (the confused deputy), and trust in anything but a service.
func trustProblems(r *resolved, account string) []string {
	var problems []string
	for _, pol := range policies(r) {
		if pol.Kind != "trust" {
			continue
		}
		for _, st := range statements(pol.Doc) {
			p, _ := st["Principal"].(map[string]any)
			services := strs(p["Service"])
			if len(p) != 1 || len(services) == 0 {
				problems = append(problems, fmt.Sprintf("%s: trusts %v; only service principals are expected", pol.Where, st["Principal"]))
				continue
			}
			exempt := !slices.ContainsFunc(services, func(s string) bool { return !slices.Contains(noSourceConditionServices, s) })
			if exempt {
				continue
			}
			acct := condition(st, "StringEquals", "aws:SourceAccount")
			if !slices.Equal(acct, []string{account}) {
				problems = append(problems, fmt.Sprintf("%s: %v trusted without aws:SourceAccount = %s", pol.Where, services, account))
			}
		}
	}
	return problems
}

func TestNoWildcardPrincipalWithoutConditions(t *testing.T) {
	eachResolved(t, func(t *testing.T, _ string, r *resolved) {
		for _, p := range wildcardPrincipalProblems(r) {
			t.Error(p)
		}
	})
}

func TestNoWildcardActionsOnRoles(t *testing.T) {
	eachResolved(t, func(t *testing.T, _ string, r *resolved) {
		for _, p := range roleActionProblems(r) {
			t.Error(p)
		}
	})
}

func TestTrustPoliciesPinTheSource(t *testing.T) {
	all := scenarios()
	for _, file := range templateFiles {
		for i, sc := range all[file] {
			t.Run(fmt.Sprintf("%s/%d", file, i), func(t *testing.T) {
				for _, p := range trustProblems(mustResolve(t, file, sc), sc.account()) {
					t.Error(p)
				}
			})
		}
	}
}

// The checks above must be able to fail: each fixture breaks one rule.
func TestPolicyChecksCatchFixtures(t *testing.T) {
	tests := []struct {
		file  string
		check func(*resolved) []string
		want  []string
	}{
		{
			file:  "testdata/open-bucket-policy.yaml",
			check: wildcardPrincipalProblems,
			want: []string{
				`PolicyOpen.PolicyDocument Open: Principal "*" without a condition`,
				`PolicyOpen.PolicyDocument TlsOnlyLooksSafe: Allow to "*" conditioned only on [aws:SecureTransport]`,
			},
		},
		{
			file:  "testdata/wildcard-role.yaml",
			check: roleActionProblems,
			want: []string{
				`Role.Policies[0] Broad: NotAction`,
				`Role.Policies[0] Broad: wildcard action s3:Get*`,
				`Role: managed policies cannot be reviewed here`,
			},
		},
		{
			file:  "testdata/open-trust.yaml",
			check: func(r *resolved) []string { return trustProblems(r, testAccount) },
			want: []string{
				`AnyAccount.AssumeRolePolicyDocument: trusts map[AWS:*]; only service principals are expected`,
				`ConfusedDeputy.AssumeRolePolicyDocument: [config.amazonaws.com] trusted without aws:SourceAccount = 111122223333`,
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			got := tt.check(mustResolve(t, tt.file, scenario{}))
			slices.Sort(got)
			if diff := cmp.Diff(tt.want, got, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("problems (-want +got):\n%s", diff)
			}
		})
	}
}

// namesFromConfig loads scp/rcfge.yaml for the tests that spell out expected ARNs.
func namesFromConfig(t *testing.T) map[string]string {
	t.Helper()
	n, err := loadNames()
	if err != nil {
		t.Fatal(err)
	}
	return nameValues(n)
}

func statementBySid(t *testing.T, doc map[string]any, want string) map[string]any {
	t.Helper()
	for _, st := range statements(doc) {
		if sid(st) == want {
			return st
		}
	}
	t.Fatalf("no statement %s", want)
	return nil
}

func TestHookExecutionRole(t *testing.T) {
	names := namesFromConfig(t)
	dashed := func(typeName string) string { return strings.ReplaceAll(typeName, "::", "-") }
	// The role is global, created once per account: it trusts the hook in every region.
	base := fmt.Sprintf("arn:aws:cloudformation:*:%s:type/hook/", testAccount)
	wantSourceArns := []string{
		base + dashed(names["HookTypeName"]),
		base + dashed(names["HookTypeName"]) + "/*",
		base + dashed(names["HookAlias"]),
		base + dashed(names["HookAlias"]) + "/*",
	}
	readActions := []string{"kms:Decrypt", "lambda:InvokeFunction", "s3:GetObject", "s3:GetObjectVersion", "s3:ListBucket"}
	for i, sc := range scenarios()["member.yaml"] {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			r := mustResolve(t, "member.yaml", sc)
			role, ok := r.Resources["HookExecutionRole"]
			if home := sc.Params["TemplatesBucketRegion"] == sc.region(); !home {
				if ok {
					t.Fatalf("HookExecutionRole created in %s too; IAM names are global", sc.region())
				}
				if hook, ok := r.Resources["LambdaHook"]; ok {
					want := fmt.Sprintf("arn:aws:iam::%s:role/%s", testAccount, names["HookExecutionRoleName"])
					if got := hook.Properties["ExecutionRole"]; got != want {
						t.Errorf("LambdaHook.ExecutionRole = %v, want %s", got, want)
					}
				}
				return
			}
			if !ok {
				t.Fatal("no HookExecutionRole")
			}
			if got := role.Properties["RoleName"]; got != names["HookExecutionRoleName"] {
				t.Errorf("RoleName = %v, want %s", got, names["HookExecutionRoleName"])
			}
			trust := statements(role.Properties["AssumeRolePolicyDocument"].(map[string]any))
			if len(trust) != 1 {
				t.Fatalf("trust has %d statements, want 1", len(trust))
			}
			st := trust[0]
			want := map[string]any{
				"Sid":       "RcfgeHookOnly",
				"Effect":    "Allow",
				"Principal": map[string]any{"Service": []any{"hooks.cloudformation.amazonaws.com", "resources.cloudformation.amazonaws.com"}},
				"Action":    "sts:AssumeRole",
				"Condition": map[string]any{
					"StringEquals": map[string]any{"aws:SourceAccount": testAccount},
					"ArnLike":      map[string]any{"aws:SourceArn": toAny(wantSourceArns)},
				},
			}
			if diff := cmp.Diff(want, st); diff != "" {
				t.Errorf("trust statement (-want +got):\n%s", diff)
			}
			admin := fmt.Sprint(sc.Params["AdminAccountId"])
			bucketArn := "arn:aws:s3:::" + names["TemplatesBucketName"] + "-" + admin
			for _, pol := range policies(r) {
				if pol.Role != "HookExecutionRole" && pol.Role != "HookFunctionRole" || pol.Kind != "identity" {
					continue
				}
				for _, st := range statements(pol.Doc) {
					// Reads are pinned to the admin account: a bucket of the same name elsewhere
					// is never read.
					if slices.ContainsFunc(strs(st["Action"]), func(a string) bool { return strings.HasPrefix(a, "s3:") }) &&
						!slices.Equal(condition(st, "StringEquals", "aws:ResourceAccount"), []string{admin}) {
						t.Errorf("%s %s: aws:ResourceAccount = %v, want %s", pol.Role, sid(st), condition(st, "StringEquals", "aws:ResourceAccount"), admin)
					}
					for _, a := range strs(st["Action"]) {
						if !slices.Contains(readActions, a) && !(pol.Role == "HookFunctionRole" && sid(st) == "WriteOwnLog") {
							t.Errorf("%s: action %s is not read-only on the templates", sid(st), a)
						}
					}
					for _, res := range strs(st["Resource"]) {
						if strings.HasPrefix(res, "arn:aws:s3:::") && res != bucketArn && res != bucketArn+"/"+names["TemplatesPrefix"]+"/*" {
							t.Errorf("%s: S3 resource %s outside the templates", sid(st), res)
						}
					}
				}
			}
		})
	}
}

func toAny(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}

func TestTemplatesBucketPolicy(t *testing.T) {
	names := namesFromConfig(t)
	r := mustResolve(t, "admin.yaml", scenarios()["admin.yaml"][0])
	pol, ok := r.Resources["TemplatesBucketPolicy"]
	if !ok {
		t.Fatal("no TemplatesBucketPolicy in the home region")
	}
	doc := pol.Properties["PolicyDocument"].(map[string]any)
	// The admin stack runs in the admin account: the bucket carries its ID.
	bucket := "arn:aws:s3:::" + names["TemplatesBucketName"] + "-" + testAccount
	tls := statementBySid(t, doc, "TlsOnly")
	wantTLS := map[string]any{
		"Sid": "TlsOnly", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
		"Resource":  []any{bucket, bucket + "/*"},
		"Condition": map[string]any{"Bool": map[string]any{"aws:SecureTransport": "false"}},
	}
	if diff := cmp.Diff(wantTLS, tls); diff != "" {
		t.Errorf("TLS-only statement (-want +got):\n%s", diff)
	}
	wantReaders := []string{
		"arn:aws:iam::*:role/" + names["HookExecutionRoleName"],
		"arn:aws:iam::*:role/" + names["HookFunctionName"],
	}
	var grantsGet bool
	for _, st := range statements(doc) {
		if st["Effect"] != "Allow" {
			continue
		}
		if got := condition(st, "StringEquals", "aws:PrincipalOrgID"); !slices.Equal(got, []string{testOrgID}) {
			t.Errorf("%s: aws:PrincipalOrgID = %v, want %s", sid(st), got, testOrgID)
		}
		if got := condition(st, "ArnLike", "aws:PrincipalArn"); !slices.Equal(got, wantReaders) {
			t.Errorf("%s: aws:PrincipalArn = %v, want %v", sid(st), got, wantReaders)
		}
		for _, a := range strs(st["Action"]) {
			if !slices.Contains([]string{"s3:GetObject", "s3:GetObjectVersion", "s3:ListBucket"}, a) {
				t.Errorf("%s: grants %s; the organization may only read", sid(st), a)
			}
		}
		if slices.Contains(strs(st["Action"]), "s3:GetObject") {
			grantsGet = true
			if got := strs(st["Resource"]); !slices.Equal(got, []string{bucket + "/" + names["TemplatesPrefix"] + "/*"}) {
				t.Errorf("%s: reads %v, want only the templates prefix", sid(st), got)
			}
		}
	}
	if !grantsGet {
		t.Error("no statement lets the hook roles read templates")
	}
	pipeline := fmt.Sprintf("arn:aws:iam::%s:role/%s", testAccount, names["PipelineRoleName"])
	writes := statementBySid(t, doc, "OnlyPipelineWritesTemplates")
	if writes["Effect"] != "Deny" || !slices.Contains(strs(writes["Action"]), "s3:PutObject") ||
		!slices.Equal(condition(writes, "ArnNotEquals", "aws:PrincipalArn"), []string{pipeline}) {
		t.Errorf("OnlyPipelineWritesTemplates = %v, want a deny of s3:PutObject to all but %s", writes, pipeline)
	}
}

func TestBucketsAreLockedDown(t *testing.T) {
	eachResolved(t, func(t *testing.T, _ string, r *resolved) {
		policied := map[string]bool{}
		for _, id := range r.ofType("AWS::S3::BucketPolicy") {
			p := r.Resources[id].Properties
			doc, _ := p["PolicyDocument"].(map[string]any)
			for _, st := range statements(doc) {
				if st["Effect"] == "Deny" && slices.Equal(condition(st, "Bool", "aws:SecureTransport"), []string{"false"}) &&
					slices.Contains(strs(st["Action"]), "s3:*") {
					policied[fmt.Sprint(p["Bucket"])] = true
				}
			}
		}
		for _, id := range r.ofType("AWS::S3::Bucket") {
			p := r.Resources[id].Properties
			wantPAB := map[string]any{"BlockPublicAcls": true, "BlockPublicPolicy": true, "IgnorePublicAcls": true, "RestrictPublicBuckets": true}
			if diff := cmp.Diff(wantPAB, p["PublicAccessBlockConfiguration"]); diff != "" {
				t.Errorf("%s: public access block (-want +got):\n%s", id, diff)
			}
			if diff := cmp.Diff(map[string]any{"Status": "Enabled"}, p["VersioningConfiguration"]); diff != "" {
				t.Errorf("%s: versioning (-want +got):\n%s", id, diff)
			}
			enc, _ := p["BucketEncryption"].(map[string]any)
			rules, _ := enc["ServerSideEncryptionConfiguration"].([]any)
			if len(rules) != 1 {
				t.Errorf("%s: no default encryption", id)
			}
			name := fmt.Sprint(p["BucketName"])
			if !policied[name] {
				t.Errorf("%s: no bucket policy with a TLS-only deny", id)
			}
		}
	})
}

func TestTemplatesEncryptionFollowsKmsChoice(t *testing.T) {
	tests := []struct {
		name      string
		createKey string
		want      map[string]any
	}{
		{"kms", "true", map[string]any{"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": "{{GetAtt:TemplatesKey.Arn}}"}},
		{"sse-s3", "false", map[string]any{"SSEAlgorithm": "AES256"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := mustResolve(t, "admin.yaml", scenario{Params: map[string]any{
				"OrganizationId": testOrgID, "HomeRegion": testRegion, "CreateKmsKey": tt.createKey,
			}})
			rules := r.Resources["TemplatesBucket"].Properties["BucketEncryption"].(map[string]any)["ServerSideEncryptionConfiguration"].([]any)
			got := rules[0].(map[string]any)["ServerSideEncryptionByDefault"]
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("encryption (-want +got):\n%s", diff)
			}
			_, hasKey := r.Resources["TemplatesKey"]
			if hasKey != (tt.createKey == "true") {
				t.Errorf("TemplatesKey present = %v with CreateKmsKey=%s", hasKey, tt.createKey)
			}
		})
	}
}

// TestHookRoleReadsPinnedToOwner: the stand-alone execution role (hook-role.yaml, for manual
// registration) reads templates only from the bucket the given admin account owns, and names no
// default bucket that anyone could register first.
func TestHookRoleReadsPinnedToOwner(t *testing.T) {
	const owner = "999988887777"
	tmpl, err := loadTemplate("../hook-role.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if p := tmpl.parameter("TemplatesBucket"); p == nil || p["Default"] != nil {
		t.Errorf("TemplatesBucket parameter = %v, want one without a default", p)
	}
	r := mustResolve(t, "../hook-role.yaml", scenario{Params: map[string]any{
		"TemplatesBucket": "rcfge-templates-" + owner, "TemplatesBucketOwner": owner,
	}})
	var s3Statements int
	for _, pol := range policies(r) {
		for _, st := range statements(pol.Doc) {
			if !slices.ContainsFunc(strs(st["Action"]), func(a string) bool { return strings.HasPrefix(a, "s3:") }) {
				continue
			}
			s3Statements++
			if got := condition(st, "StringEquals", "aws:ResourceAccount"); !slices.Equal(got, []string{owner}) {
				t.Errorf("%s: aws:ResourceAccount = %v, want %s", sid(st), got, owner)
			}
		}
	}
	if s3Statements != 2 {
		t.Errorf("%d S3 statements, want ReadTemplates and ListTemplates", s3Statements)
	}
}
