package cli

import (
	"errors"
	"fmt"
)

// Exit codes, the same for every command.
const (
	// ExitOK: success, nothing to report.
	ExitOK = 0
	// ExitFindings: the command ran and found something (violations, drift, changes, problems).
	ExitFindings = 1
	// ExitError: bad usage, bad input or an engine error.
	ExitError = 2
)

// ErrFindings is returned by a command that printed its report and wants exit code 1.
var ErrFindings = errors.New("findings reported")

// FlagError is a usage error: the command line itself is wrong.
type FlagError struct{ Err error }

func (e *FlagError) Error() string { return e.Err.Error() }
func (e *FlagError) Unwrap() error { return e.Err }

// FlagErrorf builds a FlagError.
func FlagErrorf(format string, args ...any) error {
	return &FlagError{Err: fmt.Errorf(format, args...)}
}

// ExitCode maps an error returned by a command to the process exit code, in one place.
func ExitCode(err error) int {
	switch {
	case err == nil:
		return ExitOK
	case errors.Is(err, ErrFindings):
		return ExitFindings
	default:
		return ExitError
	}
}
