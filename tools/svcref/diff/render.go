package diff

import (
	"bytes"
	"fmt"
	"io"
	"strings"
)

// WriteText writes the totals, the new and removed services, each service's changes and the
// widened policy patterns.
func (r *Report) WriteText(w io.Writer) error {
	var b bytes.Buffer
	if !r.Changed() {
		fmt.Fprintf(&b, "No changes in the AWS service reference from %s to %s.\n", r.Old, r.New)
		_, err := w.Write(b.Bytes())
		return err
	}
	fmt.Fprintf(&b, "AWS service reference changes from %s to %s\n\n", r.Old, r.New)
	r.writeTotals(&b)

	for _, g := range r.servicesByStatus() {
		fmt.Fprintf(&b, "\n%s services\n", titleStatus(g.status))
		for _, s := range g.services {
			fmt.Fprintf(&b, "  %-40s %5d %s\n", s.name, s.actions, plural(s.actions, "action", "actions"))
		}
	}

	b.WriteString("\nChanges by service\n")
	for _, s := range r.Services {
		fmt.Fprintf(&b, "  %s%s\n", s.Name, statusSuffix(s.Status))
		for _, a := range s.NewActions {
			fmt.Fprintf(&b, "    + %s\n", a)
		}
		for _, a := range s.RemovedActions {
			fmt.Fprintf(&b, "    - %s\n", a)
		}
		for _, c := range s.AccessLevelChanges {
			fmt.Fprintf(&b, "    ~ %s: %s -> %s\n", c.Action, c.Old, c.New)
		}
		for _, x := range s.NewResourceTypes {
			fmt.Fprintf(&b, "    + resource type %s\n", x)
		}
		for _, x := range s.RemovedResourceTypes {
			fmt.Fprintf(&b, "    - resource type %s\n", x)
		}
		for _, x := range s.NewConditionKeys {
			fmt.Fprintf(&b, "    + condition key %s\n", x)
		}
		for _, x := range s.RemovedConditionKeys {
			fmt.Fprintf(&b, "    - condition key %s\n", x)
		}
	}

	if len(r.Widened) > 0 {
		b.WriteString("\nWidened policy wildcards (they now match new actions)\n")
		for _, wd := range r.Widened {
			fmt.Fprintf(&b, "  %s: %s matches %d new %s\n", wd.Location(), wd.Pattern.Pattern, len(wd.NewActions), plural(len(wd.NewActions), "action", "actions"))
			for _, a := range wd.NewActions {
				fmt.Fprintf(&b, "    %s\n", a)
			}
		}
	}
	_, err := w.Write(b.Bytes())
	return err
}

// WriteMarkdown writes the report as a review request body.
func (r *Report) WriteMarkdown(w io.Writer) error {
	var b bytes.Buffer
	fmt.Fprintf(&b, "## AWS service reference changes: `%s` → `%s`\n\n", r.Old, r.New)
	if !r.Changed() {
		b.WriteString("No changes.\n")
		_, err := w.Write(b.Bytes())
		return err
	}
	b.WriteString("| change | count | |\n|---|---:|---|\n")
	for _, row := range r.totalRows() {
		fmt.Fprintf(&b, "| %s | %d | %s |\n", row.label, row.n, row.note)
	}
	for _, g := range r.servicesByStatus() {
		fmt.Fprintf(&b, "\n### %s services\n\n| service | actions |\n|---|---:|\n", titleStatus(g.status))
		for _, s := range g.services {
			fmt.Fprintf(&b, "| `%s` | %d |\n", s.name, s.actions)
		}
	}
	b.WriteString("\n### Changes by service\n")
	for _, s := range r.Services {
		fmt.Fprintf(&b, "\n#### `%s`%s\n\n", s.Name, statusSuffix(s.Status))
		mdList(&b, "New actions", s.NewActions)
		mdList(&b, "Removed actions", s.RemovedActions)
		if len(s.AccessLevelChanges) > 0 {
			items := make([]string, len(s.AccessLevelChanges))
			for i, c := range s.AccessLevelChanges {
				items[i] = fmt.Sprintf("`%s` %s → %s", c.Action, c.Old, c.New)
			}
			fmt.Fprintf(&b, "- Access level changed (%d): %s\n", len(items), strings.Join(items, ", "))
		}
		mdList(&b, "New resource types", s.NewResourceTypes)
		mdList(&b, "Removed resource types", s.RemovedResourceTypes)
		mdList(&b, "New condition keys", s.NewConditionKeys)
		mdList(&b, "Removed condition keys", s.RemovedConditionKeys)
	}
	if len(r.Widened) > 0 {
		b.WriteString("\n### Widened policy wildcards\n\nThese patterns now match actions that did not exist when they were written.\n\n")
		b.WriteString("| policy | statement | element | pattern | new actions |\n|---|---|---|---|---|\n")
		for _, wd := range r.Widened {
			fmt.Fprintf(&b, "| `%s` | %s | %s %s | `%s` | %s |\n", mdCell(wd.File), mdCell(wd.Statement), wd.Effect, wd.Element,
				mdCell(wd.Pattern.Pattern), codeList(wd.NewActions))
		}
	}
	_, err := w.Write(b.Bytes())
	return err
}

// WriteSummary writes the short form for notifications: the totals, one line of counts per
// service, and every widened wildcard with the new actions it matches, which is what a reviewer
// must act on.
func (r *Report) WriteSummary(w io.Writer) error {
	var b bytes.Buffer
	if !r.Changed() {
		fmt.Fprintf(&b, "No changes in the AWS service reference from %s to %s.\n", r.Old, r.New)
		_, err := w.Write(b.Bytes())
		return err
	}
	fmt.Fprintf(&b, "AWS service reference changes from %s to %s\n\n", r.Old, r.New)
	r.writeTotals(&b)
	b.WriteString("\nBy service\n")
	for _, s := range r.Services {
		var parts []string
		add := func(n int, what string) {
			if n > 0 {
				parts = append(parts, fmt.Sprintf("%s %d", what, n))
			}
		}
		add(len(s.NewActions), "+actions")
		add(len(s.RemovedActions), "-actions")
		add(len(s.AccessLevelChanges), "access level changes")
		add(len(s.NewResourceTypes), "+resource types")
		add(len(s.RemovedResourceTypes), "-resource types")
		add(len(s.NewConditionKeys), "+condition keys")
		add(len(s.RemovedConditionKeys), "-condition keys")
		fmt.Fprintf(&b, "  %s%s: %s\n", s.Name, statusSuffix(s.Status), strings.Join(parts, ", "))
	}
	if len(r.Widened) > 0 {
		b.WriteString("\nWidened policy wildcards (they now match new actions)\n")
		for _, wd := range r.Widened {
			fmt.Fprintf(&b, "  %s: %s matches %s\n", wd.Location(), wd.Pattern.Pattern, strings.Join(wd.NewActions, ", "))
		}
	}
	fmt.Fprintf(&b, "\nFull report: rcfge actions diff %s %s\n", r.Old, r.New)
	_, err := w.Write(b.Bytes())
	return err
}

// Subject is a one-line summary, fit for an e-mail subject.
func (r *Report) Subject() string {
	t := r.Totals
	s := fmt.Sprintf("AWS service reference %s -> %s: %d new services, %d new actions, %d removed actions",
		r.Old, r.New, t.NewServices, t.NewActions, t.RemovedActions)
	if t.WidenedPatterns > 0 {
		s += fmt.Sprintf(", %d widened wildcards", t.WidenedPatterns)
	}
	return s
}

type totalRow struct {
	label string
	n     int
	note  string
}

func (r *Report) totalRows() []totalRow {
	t := r.Totals
	rows := []totalRow{
		{"new services", t.NewServices, ""},
		{"removed services", t.RemovedServices, ""},
		{"changed services", t.ChangedServices, ""},
		{"new actions", t.NewActions, fmt.Sprintf("%d in new services, %d in %d existing services",
			t.NewActionsInNewServices, t.NewActions-t.NewActionsInNewServices, t.ExistingServicesWithNewActions)},
		{"removed actions", t.RemovedActions, ""},
		{"access level changes", t.AccessLevelChanges, ""},
		{"new resource types", t.NewResourceTypes, ""},
		{"removed resource types", t.RemovedResourceTypes, ""},
		{"new condition keys", t.NewConditionKeys, ""},
		{"removed condition keys", t.RemovedConditionKeys, ""},
	}
	if len(r.Widened) > 0 {
		rows = append(rows, totalRow{"widened policy wildcards", t.WidenedPatterns, ""})
	}
	return rows
}

func (r *Report) writeTotals(b *bytes.Buffer) {
	for _, row := range r.totalRows() {
		line := fmt.Sprintf("  %-26s %6d  %s", row.label, row.n, row.note)
		b.WriteString(strings.TrimRight(line, " ") + "\n")
	}
}

func titleStatus(status string) string {
	if status == StatusAdded {
		return "New"
	}
	return "Removed"
}

func statusSuffix(status string) string {
	switch status {
	case StatusAdded:
		return " (new service)"
	case StatusRemoved:
		return " (removed service)"
	}
	return ""
}

func mdList(b *bytes.Buffer, label string, items []string) {
	if len(items) > 0 {
		fmt.Fprintf(b, "- %s (%d): %s\n", label, len(items), codeList(items))
	}
}

func codeList(items []string) string {
	var b strings.Builder
	for i, it := range items {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString("`" + it + "`")
	}
	return b.String()
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// mdCell keeps text from policy files (file names, Sids, patterns) from breaking a table row or a
// code span.
func mdCell(s string) string {
	return strings.NewReplacer("|", "\\|", "`", "'", "\n", " ", "\r", " ").Replace(s)
}

// serviceGroup is the added or the removed services, each with the number of actions it brought
// or took away.
type serviceGroup struct {
	status   string
	services []serviceCount
}

type serviceCount struct {
	name    string
	actions int
}

// servicesByStatus lists the added services, then the removed ones; empty groups are left out.
func (r *Report) servicesByStatus() []serviceGroup {
	var out []serviceGroup
	for _, status := range []string{StatusAdded, StatusRemoved} {
		g := serviceGroup{status: status}
		for _, s := range r.Services {
			if s.Status != status {
				continue
			}
			n := len(s.NewActions)
			if status == StatusRemoved {
				n = len(s.RemovedActions)
			}
			g.services = append(g.services, serviceCount{name: s.Name, actions: n})
		}
		if len(g.services) > 0 {
			out = append(out, g)
		}
	}
	return out
}
