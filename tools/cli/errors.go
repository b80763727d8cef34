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
type FlagError struct {
	Err error
	// Command is the path of the command whose help to point at ("rcfge validate"); empty
	// means the command that ran.
	Command string
}

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
	case errors.Is(err, ErrReported):
		return ExitError
	case errors.Is(err, ErrFindings):
		return ExitFindings
	default:
		return ExitError
	}
}

// ErrReported is returned by a command that printed its report, errors included, and wants exit
// code 2 without another message (a file that could not be checked, an engine error).
var ErrReported = errors.New("errors reported")
