package svcref

import "slices"

// globalConditionKeys are the IAM global condition context keys. The service reference lists a
// global key only where a service chose to repeat it, so the documented set is kept here.
// Source: IAM User Guide, "AWS global condition context keys"
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html).
var globalConditionKeys = []ConditionKey{
	// Properties of the principal.
	{Name: "aws:PrincipalArn", Types: []string{"ARN"}},
	{Name: "aws:PrincipalAccount", Types: []string{"String"}},
	{Name: "aws:PrincipalOrgPaths", Types: []string{"ArrayOfString"}},
	{Name: "aws:PrincipalOrgID", Types: []string{"String"}},
	{Name: "aws:PrincipalTag/${TagKey}", Types: []string{"String"}},
	{Name: "aws:PrincipalIsAWSService", Types: []string{"Bool"}},
	{Name: "aws:PrincipalServiceName", Types: []string{"String"}},
	{Name: "aws:PrincipalServiceNamesList", Types: []string{"ArrayOfString"}},
	{Name: "aws:PrincipalType", Types: []string{"String"}},
	{Name: "aws:userid", Types: []string{"String"}},
	{Name: "aws:username", Types: []string{"String"}},
	// Properties of the role session.
	{Name: "aws:AssumedRoot", Types: []string{"Bool"}},
	{Name: "aws:FederatedProvider", Types: []string{"String"}},
	{Name: "aws:TokenIssueTime", Types: []string{"Date"}},
	{Name: "aws:MultiFactorAuthAge", Types: []string{"Numeric"}},
	{Name: "aws:MultiFactorAuthPresent", Types: []string{"Bool"}},
	{Name: "aws:Ec2InstanceSourceVpc", Types: []string{"String"}},
	{Name: "aws:Ec2InstanceSourcePrivateIPv4", Types: []string{"IPAddress"}},
	{Name: "aws:SourceIdentity", Types: []string{"String"}},
	// Properties of the network.
	{Name: "aws:SourceIp", Types: []string{"IPAddress"}},
	{Name: "aws:SourceVpc", Types: []string{"String"}},
	{Name: "aws:SourceVpcArn", Types: []string{"ARN"}},
	{Name: "aws:SourceVpce", Types: []string{"String"}},
	{Name: "aws:VpceAccount", Types: []string{"String"}},
	{Name: "aws:VpceOrgID", Types: []string{"String"}},
	{Name: "aws:VpceOrgPaths", Types: []string{"ArrayOfString"}},
	{Name: "aws:VpcSourceIp", Types: []string{"IPAddress"}},
	// Properties of the resource.
	{Name: "aws:ResourceAccount", Types: []string{"String"}},
	{Name: "aws:ResourceOrgID", Types: []string{"String"}},
	{Name: "aws:ResourceOrgPaths", Types: []string{"ArrayOfString"}},
	{Name: "aws:ResourceTag/${TagKey}", Types: []string{"String"}},
	// Properties of the request.
	{Name: "aws:CalledVia", Types: []string{"ArrayOfString"}},
	{Name: "aws:CalledViaFirst", Types: []string{"String"}},
	{Name: "aws:CalledViaLast", Types: []string{"String"}},
	{Name: "aws:ViaAWSService", Types: []string{"Bool"}},
	{Name: "aws:CurrentTime", Types: []string{"Date"}},
	{Name: "aws:EpochTime", Types: []string{"Date", "Numeric"}},
	{Name: "aws:referer", Types: []string{"String"}},
	{Name: "aws:RequestedRegion", Types: []string{"String"}},
	{Name: "aws:RequestTag/${TagKey}", Types: []string{"String"}},
	{Name: "aws:TagKeys", Types: []string{"ArrayOfString"}},
	{Name: "aws:SecureTransport", Types: []string{"Bool"}},
	{Name: "aws:SourceAccount", Types: []string{"String"}},
	{Name: "aws:SourceArn", Types: []string{"ARN"}},
	{Name: "aws:SourceOrgID", Types: []string{"String"}},
	{Name: "aws:SourceOrgPaths", Types: []string{"ArrayOfString"}},
	{Name: "aws:UserAgent", Types: []string{"String"}},
}

// GlobalConditionKeys returns the documented IAM global condition keys ("aws:*"), which are valid
// with every action although the service reference does not list them.
func GlobalConditionKeys() []ConditionKey {
	out := make([]ConditionKey, len(globalConditionKeys))
	for i, k := range globalConditionKeys {
		out[i] = ConditionKey{Name: k.Name, Types: slices.Clone(k.Types)}
	}
	return out
}
