package stacksets_test

import (
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
)

// matchPattern evaluates the subset of EventBridge event patterns the templates use: exact
// strings, prefix, wildcard, anything-but and $or, nested by field. An array field in the event
// matches when any element does; a field the event lacks never matches.
func matchPattern(pattern map[string]any, event any) (bool, error) {
	obj, _ := event.(map[string]any)
	for key, want := range pattern {
		if key == "$or" {
			alts, ok := want.([]any)
			if !ok {
				return false, fmt.Errorf("$or is not a list")
			}
			var matched bool
			for _, alt := range alts {
				m, ok := alt.(map[string]any)
				if !ok {
					return false, fmt.Errorf("$or entry is not an object")
				}
				ok, err := matchPattern(m, obj)
				if err != nil {
					return false, err
				}
				matched = matched || ok
			}
			if !matched {
				return false, nil
			}
			continue
		}
		got, present := obj[key]
		switch w := want.(type) {
		case map[string]any:
			if !present {
				return false, nil
			}
			ok, err := matchPattern(w, got)
			if err != nil || !ok {
				return false, err
			}
		case []any:
			if !present {
				return false, nil
			}
			values := []any{got}
			if arr, ok := got.([]any); ok {
				values = arr
			}
			var hit bool
			for _, v := range values {
				for _, m := range w {
					ok, err := matchLeaf(m, v)
					if err != nil {
						return false, err
					}
					hit = hit || ok
				}
			}
			if !hit {
				return false, nil
			}
		default:
			return false, fmt.Errorf("field %s: a pattern value must be a list or an object, got %v", key, want)
		}
	}
	return true, nil
}

func matchLeaf(m, v any) (bool, error) {
	s, isString := v.(string)
	switch x := m.(type) {
	case string:
		return isString && s == x, nil
	case map[string]any:
		if len(x) != 1 {
			return false, fmt.Errorf("matcher %v must have one key", x)
		}
		for op, arg := range x {
			a, _ := arg.(string)
			switch op {
			case "prefix":
				return isString && strings.HasPrefix(s, a), nil
			case "wildcard":
				return isString && globMatch(a, s), nil
			case "anything-but":
				for _, no := range strs(arg) {
					if s == no {
						return false, nil
					}
				}
				return isString, nil
			}
			return false, fmt.Errorf("matcher %s is not supported by the test matcher", op)
		}
	}
	return false, fmt.Errorf("matcher %v is not supported by the test matcher", m)
}

// globMatch matches EventBridge wildcards: * is any run of characters, everything else literal.
func globMatch(pattern, s string) bool {
	parts := strings.Split(pattern, "*")
	if len(parts) == 1 {
		return s == pattern
	}
	if !strings.HasPrefix(s, parts[0]) {
		return false
	}
	s = s[len(parts[0]):]
	for _, p := range parts[1 : len(parts)-1] {
		i := strings.Index(s, p)
		if i < 0 {
			return false
		}
		s = s[i+len(p):]
	}
	return strings.HasSuffix(s, parts[len(parts)-1])
}

func loadEvent(t *testing.T, name string) map[string]any {
	t.Helper()
	data, err := os.ReadFile("testdata/events/" + name + ".json")
	if err != nil {
		t.Fatal(err)
	}
	var ev map[string]any
	if err := json.Unmarshal(data, &ev); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return ev
}

func TestGlobMatch(t *testing.T) {
	t.Parallel()
	tests := []struct {
		pattern, s string
		want       bool
	}{
		{"Put*Policy", "PutRolePolicy", true},
		{"Put*Policy", "PutRolePermissionsBoundary", false},
		{"*:function:rcfge-hook", "arn:aws:lambda:eu-west-1:1:function:rcfge-hook", true},
		{"*:function:rcfge-hook", "arn:aws:lambda:eu-west-1:1:function:rcfge-hook-canary", false},
		{"exact", "exact", true},
		{"a*b*c", "abc", true},
		{"a*b*c", "acb", false},
	}
	for _, tt := range tests {
		if got := globMatch(tt.pattern, tt.s); got != tt.want {
			t.Errorf("globMatch(%q, %q) = %v, want %v", tt.pattern, tt.s, got, tt.want)
		}
	}
}

func TestAlertRulesMatchTheRightEvents(t *testing.T) {
	member := mustResolve(t, "member.yaml", scenarios()["member.yaml"][0])
	management := mustResolve(t, "management.yaml", scenario{Region: "us-east-1", Params: scenarios()["management.yaml"][0].Params})
	rules := map[string]map[string]any{}
	for name, r := range map[string]*resolved{"member": member, "management": management} {
		for _, id := range r.ofType("AWS::Events::Rule") {
			p, _ := r.Resources[id].Properties["EventPattern"].(map[string]any)
			rules[name+"/"+id] = p
		}
	}
	tests := []struct {
		event string
		want  []string // the rules that fire, sorted
	}{
		{"iam-user-attach-role-policy", []string{"member/IamChangeRule"}},
		{"iam-user-get-role", nil},
		{"assumed-role-update-function", []string{"member/RcfgeChangeRule"}},
		{"assumed-role-update-other-function", nil},
		{"identity-center-user-set-type-configuration", []string{"member/RcfgeChangeRule"}},
		{"assumed-role-delete-member-stack", []string{"member/RcfgeChangeRule"}},
		{"sso-session-detach-policy", []string{"management/OrganizationChangeRule"}},
	}
	for _, tt := range tests {
		t.Run(tt.event, func(t *testing.T) {
			ev := loadEvent(t, tt.event)
			var fired []string
			for name, p := range rules {
				ok, err := matchPattern(p, ev)
				if err != nil {
					t.Fatalf("%s: %v", name, err)
				}
				if ok {
					fired = append(fired, name)
				}
			}
			slices.Sort(fired)
			if !slices.Equal(fired, tt.want) {
				t.Errorf("rules fired = %v, want %v", fired, tt.want)
			}
		})
	}
}

func TestIamRuleCoversTheIssuesEventNames(t *testing.T) {
	r := mustResolve(t, "member.yaml", scenarios()["member.yaml"][0])
	p := r.Resources["IamChangeRule"].Properties["EventPattern"].(map[string]any)
	names := []string{
		"PutRolePolicy", "PutUserPolicy", "PutGroupPolicy", "PutRolePermissionsBoundary",
		"AttachRolePolicy", "DetachUserPolicy", "CreateAccessKey", "CreateRole", "UpdateAssumeRolePolicy",
		"UploadSSHPublicKey", "DeleteRolePolicy", "RemoveRoleFromInstanceProfile", "SetDefaultPolicyVersion",
	}
	wantMatch := map[string]bool{"PutRolePermissionsBoundary": false} // Put* only where it ends in Policy
	for _, name := range names {
		ev := map[string]any{"source": "aws.iam", "detail-type": "AWS API Call via CloudTrail",
			"detail": map[string]any{"eventSource": "iam.amazonaws.com", "eventName": name}}
		ok, err := matchPattern(p, ev)
		if err != nil {
			t.Fatal(err)
		}
		want, listed := wantMatch[name]
		if !listed {
			want = true
		}
		if ok != want {
			t.Errorf("IAM rule matches %s = %v, want %v", name, ok, want)
		}
	}
}

// whoActedPaths are the fields that name the actor for IAM users, roles and IAM Identity Center
// users alike (Identity Center sessions carry no userName or principalId).
var whoActedPaths = []string{
	"$.detail.userIdentity.arn",
	"$.detail.userIdentity.type",
	"$.detail.userIdentity.credentialId",
	"$.detail.additionalEventData.UserName",
	"$.detail.userIdentity.onBehalfOf.userId",
	"$.detail.userIdentity.onBehalfOf.identityStoreArn",
	"$.detail.sourceIPAddress",
	"$.detail.eventName",
	"$.detail.eventSource",
	"$.detail.recipientAccountId",
}

// jsonPath reads a "$.a.b" path the way an input transformer does; absent is "".
func jsonPath(v any, path string) string {
	for _, k := range strings.Split(strings.TrimPrefix(path, "$."), ".") {
		m, ok := v.(map[string]any)
		if !ok {
			return ""
		}
		v = m[k]
	}
	if v == nil {
		return ""
	}
	return fmt.Sprint(v)
}

// transform renders an InputTransformer the way EventBridge does for placeholders inside JSON
// strings: the value is inserted as string content.
func transform(tr map[string]any, ev map[string]any) (map[string]any, error) {
	paths, _ := tr["InputPathsMap"].(map[string]any)
	out, _ := tr["InputTemplate"].(string)
	for name, p := range paths {
		val, _ := json.Marshal(jsonPath(ev, fmt.Sprint(p)))
		out = strings.ReplaceAll(out, "<"+name+">", strings.Trim(string(val), `"`))
	}
	var msg map[string]any
	if err := json.Unmarshal([]byte(out), &msg); err != nil {
		return nil, fmt.Errorf("rendered message is not JSON: %w\n%s", err, out)
	}
	return msg, nil
}

// wantPresent are the actor fields each kind of principal's event carries: an IAM user, a role
// session (from Identity Center, with a credential ID) and an Identity Center user.
var wantPresent = map[string][]string{
	"iam-user-attach-role-policy":                 {"type", "arn"},
	"assumed-role-update-function":                {"type", "arn"},
	"sso-session-detach-policy":                   {"type", "arn", "credentialId"},
	"identity-center-user-set-type-configuration": {"type", "credentialId", "userName", "identityCenterUserId", "identityStoreArn"},
}

func TestAlertsNameWhoActed(t *testing.T) {
	events := []string{
		"iam-user-attach-role-policy", "assumed-role-update-function",
		"identity-center-user-set-type-configuration", "sso-session-detach-policy",
	}
	for _, file := range []string{"member.yaml", "management.yaml"} {
		r := mustResolve(t, file, scenario{Region: "us-east-1", Params: scenarios()[file][0].Params})
		for _, id := range r.ofType("AWS::Events::Rule") {
			targets, _ := r.Resources[id].Properties["Targets"].([]any)
			if len(targets) == 0 {
				t.Errorf("%s %s: no target", file, id)
			}
			for _, target := range targets {
				tr, _ := target.(map[string]any)["InputTransformer"].(map[string]any)
				if tr == nil {
					t.Errorf("%s %s: target without an input transformer sends the raw event", file, id)
					continue
				}
				var have []string
				for _, p := range tr["InputPathsMap"].(map[string]any) {
					have = append(have, fmt.Sprint(p))
				}
				for _, want := range whoActedPaths {
					if !slices.Contains(have, want) {
						t.Errorf("%s %s: input transformer lacks %s", file, id, want)
					}
				}
				for _, name := range events {
					ev := loadEvent(t, name)
					msg, err := transform(tr, ev)
					if err != nil {
						t.Errorf("%s %s %s: %v", file, id, name, err)
						continue
					}
					actor, _ := msg["actor"].(map[string]any)
					wantActor := map[string]any{
						"type":                 jsonPath(ev, "$.detail.userIdentity.type"),
						"arn":                  jsonPath(ev, "$.detail.userIdentity.arn"),
						"credentialId":         jsonPath(ev, "$.detail.userIdentity.credentialId"),
						"userName":             jsonPath(ev, "$.detail.additionalEventData.UserName"),
						"identityCenterUserId": jsonPath(ev, "$.detail.userIdentity.onBehalfOf.userId"),
						"identityStoreArn":     jsonPath(ev, "$.detail.userIdentity.onBehalfOf.identityStoreArn"),
					}
					if fmt.Sprint(actor) != fmt.Sprint(wantActor) {
						t.Errorf("%s %s %s: actor = %v, want %v", file, id, name, actor, wantActor)
					}
					if want, ok := wantPresent[name]; ok {
						for _, field := range want {
							if actor[field] == "" {
								t.Errorf("%s %s %s: actor.%s is empty, the event has it: %v", file, id, name, field, actor)
							}
						}
					}
					if actor["arn"] == "" && (actor["identityCenterUserId"] == "" || actor["identityStoreArn"] == "") {
						t.Errorf("%s %s %s: the alert does not say who acted: %v", file, id, name, msg)
					}
					if msg["sourceIPAddress"] == "" || msg["eventName"] == "" || msg["account"] == "" {
						t.Errorf("%s %s %s: missing source IP, event or account: %v", file, id, name, msg)
					}
				}
			}
		}
	}
}
