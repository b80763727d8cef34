// Package examples holds the shipped example templates; its test checks each against the outcome
// expected.tsv gives it, the same table run-examples.sh (make demo) checks the binary against.
package examples
