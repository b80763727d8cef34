// Package svcref reads the AWS service reference (service-list.json plus one <service>.json per
// service) into a Catalog with typed access to services, actions, resource types and condition
// keys, and matches IAM action patterns against it case-insensitively, as IAM does.
package svcref

import (
	"errors"
	"slices"
	"strings"
)

// ErrUnknownService is wrapped by errors about a service prefix the catalogue does not know.
var ErrUnknownService = errors.New("unknown service")

// ErrNoMatch is wrapped by errors about a pattern that matches no action.
var ErrNoMatch = errors.New("no matching action")

// ErrInvalidPattern is wrapped by errors about a malformed action pattern.
var ErrInvalidPattern = errors.New("invalid action pattern")

// ErrInvalidSnapshot is wrapped by every error about malformed service reference files.
var ErrInvalidSnapshot = errors.New("invalid service reference")

// Access levels, as the IAM console and the service authorization reference name them.
const (
	AccessRead                  = "Read"
	AccessList                  = "List"
	AccessWrite                 = "Write"
	AccessPermissionsManagement = "Permissions management"
	AccessTagging               = "Tagging"
)

// Service is one service file: its actions, condition keys and resource types, each sorted by name.
type Service struct {
	Name          string
	Version       string
	Actions       []Action
	ConditionKeys []ConditionKey
	Resources     []Resource
}

// Action is one IAM action with its resource types, action condition keys and annotations.
type Action struct {
	Service                string
	Name                   string
	Resources              []string
	ConditionKeys          []string
	IsWrite                bool
	IsList                 bool
	IsPermissionManagement bool
	IsTaggingOnly          bool
}

// ConditionKey is a service condition key and its value types (String, ARN, ArrayOfString, ...).
type ConditionKey struct {
	Name  string
	Types []string
}

// Resource is a resource type with its ARN formats and the condition keys it supports.
type Resource struct {
	Name          string
	ARNFormats    []string
	ConditionKeys []string
}

// FullName returns the canonical "service:Action" name.
func (a Action) FullName() string { return a.Service + ":" + a.Name }

// AccessLevel derives the IAM access level from the annotations. Tagging and permissions
// management actions are also annotated IsWrite, so they are tested first.
func (a Action) AccessLevel() string {
	switch {
	case a.IsPermissionManagement:
		return AccessPermissionsManagement
	case a.IsTaggingOnly:
		return AccessTagging
	case a.IsWrite:
		return AccessWrite
	case a.IsList:
		return AccessList
	default:
		return AccessRead
	}
}

// Catalog is a loaded service reference snapshot. It is immutable and safe for concurrent use;
// callers must not modify the services and actions it returns.
type Catalog struct {
	services   []*Service
	byName     map[string]*Service // lower-case service name
	actions    map[string]*Action  // lower-case "service:action"
	allActions []string            // canonical names, sorted
	keys       map[string]bool     // lower-case non-templated condition keys
	keyTmpls   []string            // lower-case glob patterns made from templated keys
}

// Services returns every service, sorted by name.
func (c *Catalog) Services() []*Service { return slices.Clone(c.services) }

// Service returns the service with this prefix, case-insensitively.
func (c *Catalog) Service(name string) (*Service, bool) {
	s, ok := c.byName[strings.ToLower(name)]
	return s, ok
}

// Action returns the action named "service:Action", case-insensitively.
func (c *Catalog) Action(fullName string) (*Action, bool) {
	a, ok := c.actions[strings.ToLower(fullName)]
	return a, ok
}

// AllActions returns every action's canonical "service:Action" name, sorted.
func (c *Catalog) AllActions() []string { return slices.Clone(c.allActions) }

// HasConditionKey reports whether key is a condition key of some service or an IAM global key.
// Templated keys match any non-empty value in place of the variable, so "s3:ExistingObjectTag/env"
// is known through "s3:ExistingObjectTag/<key>" and "aws:ResourceTag/Team" through
// "aws:ResourceTag/${TagKey}".
func (c *Catalog) HasConditionKey(key string) bool {
	k := strings.ToLower(key)
	if c.keys[k] {
		return true
	}
	for _, t := range c.keyTmpls {
		if matchFold(t, k) {
			return true
		}
	}
	return false
}
