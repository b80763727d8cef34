// Package distribution holds no code: its tests check the ways rcfge reaches its users, the
// pre-commit hook (.pre-commit-hooks.yaml), the composite GitHub Action (action.yml) and the
// container image (Dockerfile), by running what each would run with a locally built rcfge.
package distribution
