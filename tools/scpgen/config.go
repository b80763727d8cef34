// Package scpgen compiles the rcfge service control policies from the approved resource types,
// their provider schemas and the AWS service reference, and checks compiled policies.
//
// The pipeline is: approved types (templates folder) -> handler permissions (provider schemas)
// -> actions checked against the service reference -> the design's statements -> exact wildcard
// minimisation (package minimize) -> packing under the quotas (package pack) -> a proof that
// every packed statement expands to exactly its input actions -> minified policy files and a
// manifest. The same input always gives byte-identical output.
package scpgen

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"

	"gopkg.in/yaml.v3"

	"github.com/rcfge/rcfge/tools/rcfgenames"
	"github.com/rcfge/rcfge/tools/scpgen/pack"
)

// ErrConfig is wrapped by every error about the compiler configuration.
var ErrConfig = errors.New("invalid SCP configuration")

// Config is scp/rcfge.yaml: the shared names plus what the organisation adds to the policies.
type Config struct {
	// Names are the rcfge resource names, shared with the StackSets templates.
	Names rcfgenames.Names `yaml:"names"`
	// Allow are extra action patterns that AllowedListActions allows besides provisioning.
	Allow []string `yaml:"allow"`
	// Deny are action patterns the organisation denies everywhere.
	Deny []string `yaml:"deny"`
	// CallableOutsideCloudFormation are action patterns that ProvisionResourcesViaCloudFormationOnly
	// leaves out although a handler needs them: data-plane calls applications make themselves
	// (kms:Decrypt, s3:PutObject, iam:PassRole).
	CallableOutsideCloudFormation []string `yaml:"callableOutsideCloudFormation"`
	// Quotas bound the size and number of the policies.
	Quotas pack.Quotas `yaml:"quotas"`
	// AllowWildcards lets Allow statements use minimised wildcard patterns instead of exact
	// action names. Those patterns widen by themselves when AWS adds actions that match them, so
	// this is opt-in, recorded in the manifest, and `rcfge scp check --service-reference NEW`
	// reports what they widened to.
	AllowWildcards bool `yaml:"allowWildcards"`

	// Digest is the SHA-256 of the configuration file, for the manifest.
	Digest string `yaml:"-"`
}

// AWS Organizations hard limits (raised quotas included); a configuration above them could
// never be attached.
const (
	awsMaxChars    = pack.RaisedMaxChars
	awsMaxPolicies = pack.RaisedMaxPolicies
)

// LoadConfigFile reads the configuration at path.
func LoadConfigFile(path string) (Config, error) {
	f, err := os.Open(path)
	if err != nil {
		return Config{}, fmt.Errorf("%w: %w", ErrConfig, err)
	}
	defer f.Close()
	c, err := LoadConfig(f)
	if err != nil {
		return Config{}, fmt.Errorf("%s: %w", path, err)
	}
	return c, nil
}

// LoadConfig reads a configuration. Unknown keys anywhere are errors; omitted quotas take the
// AWS defaults (5,120 characters, 5 policies).
func LoadConfig(r io.Reader) (Config, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return Config{}, fmt.Errorf("%w: %w", ErrConfig, err)
	}
	// rcfgenames owns the rules for the names block (all keys required, none unknown).
	if _, err := rcfgenames.Load(bytes.NewReader(data)); err != nil {
		return Config{}, fmt.Errorf("%w: %w", ErrConfig, err)
	}
	var c Config
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&c); err != nil {
		return Config{}, fmt.Errorf("%w: %w", ErrConfig, err)
	}
	if c.Quotas.MaxChars == 0 {
		c.Quotas.MaxChars = pack.DefaultMaxChars
	}
	if c.Quotas.MaxPolicies == 0 {
		c.Quotas.MaxPolicies = pack.DefaultMaxPolicies
	}
	if err := ValidateQuotas(c.Quotas); err != nil {
		return Config{}, err
	}
	sum := sha256.Sum256(data)
	c.Digest = "sha256:" + hex.EncodeToString(sum[:])
	return c, nil
}

// ValidateQuotas checks quotas against what AWS Organizations allows.
func ValidateQuotas(q pack.Quotas) error {
	if q.MaxChars <= 0 || q.MaxChars > awsMaxChars {
		return fmt.Errorf("%w: quotas.maxChars %d: AWS allows 1 to %d characters per SCP (%d unless your organisation's quota was raised)",
			ErrConfig, q.MaxChars, awsMaxChars, pack.DefaultMaxChars)
	}
	if q.MaxPolicies <= 0 || q.MaxPolicies > awsMaxPolicies {
		return fmt.Errorf("%w: quotas.maxPolicies %d: AWS allows 1 to %d SCPs per target (%d unless your organisation's quota was raised)",
			ErrConfig, q.MaxPolicies, awsMaxPolicies, pack.DefaultMaxPolicies)
	}
	return nil
}
