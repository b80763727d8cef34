package exception

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/rcfge/rcfge/hook/store"
)

// Entry is one exception as `rcfge exceptions list` shows it.
type Entry struct {
	File       string   `json:"file"`
	ID         string   `json:"id"`
	Type       string   `json:"type"`
	Accounts   []string `json:"accounts"`
	Stacks     []string `json:"stacks,omitempty"`
	LogicalIDs []string `json:"logicalIds,omitempty"`
	Allow      []string `json:"allow"`
	Expires    string   `json:"expires"`
	// Status is "active", "expiring" (within the window asked for) or "expired".
	Status string `json:"status"`
	// DaysLeft is the whole days until expiry, rounded down (negative once expired).
	DaysLeft int    `json:"daysLeft"`
	Ticket   string `json:"ticket"`
	Owner    string `json:"owner"`
	Reason   string `json:"reason"`
}

// Finding is a problem `rcfge exceptions check` reports.
type Finding struct {
	File      string `json:"file"`
	Exception string `json:"exception,omitempty"`
	Message   string `json:"message"`
}

// Report is every exceptions file of a templates folder, read and checked.
type Report struct {
	Exceptions []Entry   `json:"exceptions"`
	Findings   []Finding `json:"findings,omitempty"`
}

// OK reports whether the check found nothing.
func (r Report) OK() bool { return len(r.Findings) == 0 }

// Scan reads the shared exceptions file and every per-account one (accounts/<id>/exceptions.json)
// of a templates folder. Malformed files, expired exceptions, exceptions for a type without a
// template, and per-account files that name other accounts are findings; an exception expiring
// within the window is marked "expiring". Only I/O failures are errors.
func Scan(fsys fs.FS, now time.Time, window time.Duration) (Report, error) {
	files := []string{FileName}
	more, err := fs.Glob(fsys, path.Join("accounts", "*", FileName))
	if err != nil {
		return Report{}, err
	}
	files = append(files, more...)
	rep := Report{Exceptions: []Entry{}}
	for _, name := range files {
		body, err := fs.ReadFile(fsys, name)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return Report{}, fmt.Errorf("%s: %w", name, err)
		}
		f, err := Parse(body)
		if err != nil {
			for _, line := range strings.Split(err.Error(), "\n") {
				rep.Findings = append(rep.Findings, Finding{File: name, Message: line})
			}
			continue
		}
		owner := ""
		if name != FileName {
			owner = path.Base(path.Dir(name))
		}
		for _, x := range f.Exceptions {
			e := entry(name, x, now, window)
			rep.Exceptions = append(rep.Exceptions, e)
			finding := func(format string, a ...any) {
				rep.Findings = append(rep.Findings, Finding{File: name, Exception: x.ID, Message: fmt.Sprintf(format, a...)})
			}
			if e.Status == "expired" {
				finding("expired on %s: remove it (it is ignored) or renew it with a ticket", x.Expires)
			}
			if owner != "" && slices.ContainsFunc(x.Scope.Accounts, func(a string) bool { return a != owner }) {
				finding("names accounts other than %s, but this file applies only to %s", owner, owner)
			}
			if !hasTemplate(fsys, x.Type, x.Scope.Accounts) {
				finding("no template for %s: the type is not approved, so the exception can never apply", x.Type)
			}
		}
	}
	return rep, nil
}

func entry(file string, x Exception, now time.Time, window time.Duration) Entry {
	status := "active"
	switch {
	case x.Expired(now):
		status = "expired"
	case window > 0 && !now.Add(window).Before(x.ExpiresAt()):
		status = "expiring"
	}
	left := x.ExpiresAt().Sub(now)
	days := int(left / (24 * time.Hour))
	if left <= 0 {
		days = -int((-left)/(24*time.Hour)) - 1
	}
	return Entry{
		File: file, ID: x.ID, Type: x.Type, Accounts: x.Scope.Accounts, Stacks: x.Scope.Stacks, LogicalIDs: x.Scope.LogicalIDs,
		Allow: x.Allow, Expires: x.Expires, Status: status, DaysLeft: days, Ticket: x.Ticket, Owner: x.Owner, Reason: x.Reason,
	}
}

// hasTemplate reports whether the folder approves the type for at least one of the accounts.
func hasTemplate(fsys fs.FS, typeName string, accounts []string) bool {
	name, err := store.FileName(typeName)
	if err != nil {
		return false
	}
	if _, err := fs.Stat(fsys, name); err == nil {
		return true
	}
	for _, a := range accounts {
		if _, err := fs.Stat(fsys, path.Join("accounts", a, name)); err == nil {
			return true
		}
	}
	return false
}

// Filter keeps the exceptions whose status is one of statuses.
func (r Report) Filter(statuses ...string) Report {
	out := Report{Exceptions: []Entry{}, Findings: r.Findings}
	for _, e := range r.Exceptions {
		if slices.Contains(statuses, e.Status) {
			out.Exceptions = append(out.Exceptions, e)
		}
	}
	return out
}

// WriteText writes one line per exception, then the findings.
func (r Report) WriteText(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	if len(r.Exceptions) == 0 {
		fmt.Fprintln(tw, "no exceptions")
	} else {
		fmt.Fprintln(tw, "ID\tTYPE\tSCOPE\tALLOW\tEXPIRES\tSTATUS\tTICKET\tOWNER")
	}
	for _, e := range r.Exceptions {
		scope := "accounts " + strings.Join(e.Accounts, ",")
		if len(e.Stacks) > 0 {
			scope += "; stacks " + strings.Join(e.Stacks, ",")
		}
		if len(e.LogicalIDs) > 0 {
			scope += "; resources " + strings.Join(e.LogicalIDs, ",")
		}
		status := e.Status
		if e.Status != "expired" {
			status = fmt.Sprintf("%s (%d days left)", e.Status, e.DaysLeft)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", e.ID, e.Type, scope, strings.Join(e.Allow, " "), e.Expires, status, e.Ticket, e.Owner)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	for _, f := range r.Findings {
		where := f.File
		if f.Exception != "" {
			where += ": exception " + f.Exception
		}
		if _, err := fmt.Fprintf(w, "%s: %s\n", where, f.Message); err != nil {
			return err
		}
	}
	return nil
}

// ParseWindow reads a time window for --expiring: whole days ("14d") or a Go duration ("36h").
func ParseWindow(s string) (time.Duration, error) {
	bad := fmt.Errorf("%q: want whole days such as 14d, or a duration such as 36h", s)
	if d, ok := strings.CutSuffix(s, "d"); ok {
		n, err := strconv.Atoi(d)
		if err != nil || n < 0 || n > 36500 {
			return 0, bad
		}
		return time.Duration(n) * 24 * time.Hour, nil
	}
	w, err := time.ParseDuration(s)
	if err != nil || w < 0 {
		return 0, bad
	}
	return w, nil
}
