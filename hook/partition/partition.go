// Package partition is rcfge's one table of AWS partitions: which partition a region belongs to
// and that partition's DNS suffix (the AWS::URLSuffix pseudo parameter). The values follow the
// AWS SDKs' partitions.json.
package partition

import "strings"

// Partition is one AWS partition.
type Partition struct {
	// ID is the partition name used in ARNs ("aws", "aws-cn", ...).
	ID string
	// RegionPrefix selects the partition's regions; empty for the default "aws" partition.
	RegionPrefix string
	// DNSSuffix is the partition's domain, the value of AWS::URLSuffix.
	DNSSuffix string
}

// All lists every partition, the default one first.
var All = []Partition{
	{ID: "aws", DNSSuffix: "amazonaws.com"},
	{ID: "aws-cn", RegionPrefix: "cn-", DNSSuffix: "amazonaws.com.cn"},
	{ID: "aws-us-gov", RegionPrefix: "us-gov-", DNSSuffix: "amazonaws.com"},
	{ID: "aws-iso", RegionPrefix: "us-iso-", DNSSuffix: "c2s.ic.gov"},
	{ID: "aws-iso-b", RegionPrefix: "us-isob-", DNSSuffix: "sc2s.sgov.gov"},
	{ID: "aws-iso-e", RegionPrefix: "eu-isoe-", DNSSuffix: "cloud.adc-e.uk"},
	{ID: "aws-iso-f", RegionPrefix: "us-isof-", DNSSuffix: "csp.hci.ic.gov"},
	{ID: "aws-eusc", RegionPrefix: "eusc-", DNSSuffix: "amazonaws.eu"},
}

// ForRegion returns the partition a region belongs to; the empty region has none.
func ForRegion(region string) (Partition, bool) {
	if region == "" {
		return Partition{}, false
	}
	for _, p := range All[1:] {
		if strings.HasPrefix(region, p.RegionPrefix) {
			return p, true
		}
	}
	return All[0], true
}

// ByID returns the partition with the given ID.
func ByID(id string) (Partition, bool) {
	for _, p := range All {
		if p.ID == id {
			return p, true
		}
	}
	return Partition{}, false
}

// Of returns the partition ID of a region, "" for the empty region.
func Of(region string) string {
	p, _ := ForRegion(region)
	return p.ID
}

// URLSuffix returns the DNS suffix of a region's partition, "" for the empty region.
func URLSuffix(region string) string {
	p, _ := ForRegion(region)
	return p.DNSSuffix
}
