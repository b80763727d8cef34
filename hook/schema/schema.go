// Package schema compiles restricted templates with santhosh-tekuri/jsonschema/v5, coerces
// CloudFormation's loosely typed scalars, validates and turns errors into violations.
package schema
