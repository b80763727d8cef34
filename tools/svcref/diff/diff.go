// Package diff compares two service reference snapshots: new and removed services, actions,
// resource types and condition keys, actions whose access level changed, and the policy wildcards
// that now match new actions.
package diff

import (
	"cmp"
	"slices"
	"strings"

	"github.com/rcfge/rcfge/tools/svcref"
	"github.com/rcfge/rcfge/tools/svcref/policy"
)

// Service statuses in a ServiceChange.
const (
	StatusAdded   = "added"
	StatusRemoved = "removed"
	StatusChanged = "changed"
)

// Report is the difference between two snapshots. Names are compared case-insensitively, as IAM
// compares them, so a change of case alone is not a change.
type Report struct {
	Old      string          `json:"old"`
	New      string          `json:"new"`
	Totals   Totals          `json:"totals"`
	Services []ServiceChange `json:"services"`
	// Widened is set by Widen: the policy patterns that match new actions.
	Widened []Widening `json:"widened,omitempty"`
}

// Totals counts the changes; actions, resource types and keys of new and removed services count.
type Totals struct {
	NewServices                    int `json:"newServices"`
	RemovedServices                int `json:"removedServices"`
	ChangedServices                int `json:"changedServices"`
	NewActions                     int `json:"newActions"`
	NewActionsInNewServices        int `json:"newActionsInNewServices"`
	RemovedActions                 int `json:"removedActions"`
	NewResourceTypes               int `json:"newResourceTypes"`
	RemovedResourceTypes           int `json:"removedResourceTypes"`
	NewConditionKeys               int `json:"newConditionKeys"`
	RemovedConditionKeys           int `json:"removedConditionKeys"`
	AccessLevelChanges             int `json:"accessLevelChanges"`
	WidenedPatterns                int `json:"widenedPatterns"`
	ExistingServicesWithNewActions int `json:"existingServicesWithNewActions"`
}

// ServiceChange lists what changed in one service, sorted by name. Actions are canonical
// "service:Action" names.
type ServiceChange struct {
	Name                 string         `json:"name"`
	Status               string         `json:"status"`
	NewActions           []string       `json:"newActions,omitempty"`
	RemovedActions       []string       `json:"removedActions,omitempty"`
	NewResourceTypes     []string       `json:"newResourceTypes,omitempty"`
	RemovedResourceTypes []string       `json:"removedResourceTypes,omitempty"`
	NewConditionKeys     []string       `json:"newConditionKeys,omitempty"`
	RemovedConditionKeys []string       `json:"removedConditionKeys,omitempty"`
	AccessLevelChanges   []AccessChange `json:"accessLevelChanges,omitempty"`
}

// AccessChange is an action whose access level differs between the snapshots.
type AccessChange struct {
	Action string `json:"action"`
	Old    string `json:"old"`
	New    string `json:"new"`
}

// Widening is a policy pattern that matches actions which did not exist in the old snapshot.
type Widening struct {
	policy.Pattern
	NewActions []string `json:"newActions"`
}

// Changed reports whether anything differs, widened patterns included.
func (r *Report) Changed() bool { return len(r.Services) > 0 || len(r.Widened) > 0 }

// NewActions returns every new action, sorted.
func (r *Report) NewActions() []string {
	var out []string
	for _, s := range r.Services {
		out = append(out, s.NewActions...)
	}
	slices.Sort(out)
	return out
}

// Compare returns the difference from old to new; the labels name the snapshots in the report.
func Compare(oldLabel string, old *svcref.Catalog, newLabel string, cur *svcref.Catalog) *Report {
	r := &Report{Old: oldLabel, New: newLabel, Services: []ServiceChange{}}
	olds, news := old.Services(), cur.Services()
	// Both lists are sorted by Name; merge them on the lower-cased name.
	i, j := 0, 0
	for i < len(olds) || j < len(news) {
		var c int
		switch {
		case i == len(olds):
			c = 1
		case j == len(news):
			c = -1
		default:
			c = strings.Compare(strings.ToLower(olds[i].Name), strings.ToLower(news[j].Name))
		}
		var sc ServiceChange
		switch {
		case c < 0:
			sc = compareService(olds[i], nil)
			i++
		case c > 0:
			sc = compareService(nil, news[j])
			j++
		default:
			sc = compareService(olds[i], news[j])
			i++
			j++
		}
		if !sc.empty() {
			r.Services = append(r.Services, sc)
		}
	}
	slices.SortFunc(r.Services, func(a, b ServiceChange) int { return cmp.Compare(a.Name, b.Name) })
	r.count()
	return r
}

func (s ServiceChange) empty() bool {
	return s.Status == StatusChanged && len(s.NewActions) == 0 && len(s.RemovedActions) == 0 &&
		len(s.NewResourceTypes) == 0 && len(s.RemovedResourceTypes) == 0 &&
		len(s.NewConditionKeys) == 0 && len(s.RemovedConditionKeys) == 0 && len(s.AccessLevelChanges) == 0
}

// compareService diffs one service; a nil side means the service is new or removed.
func compareService(old, cur *svcref.Service) ServiceChange {
	var sc ServiceChange
	var oldActs, newActs []svcref.Action
	var oldRes, newRes []svcref.Resource
	var oldKeys, newKeys []svcref.ConditionKey
	switch {
	case old == nil:
		sc = ServiceChange{Name: cur.Name, Status: StatusAdded}
	case cur == nil:
		sc = ServiceChange{Name: old.Name, Status: StatusRemoved}
	default:
		sc = ServiceChange{Name: cur.Name, Status: StatusChanged}
	}
	if old != nil {
		oldActs, oldRes, oldKeys = old.Actions, old.Resources, old.ConditionKeys
	}
	if cur != nil {
		newActs, newRes, newKeys = cur.Actions, cur.Resources, cur.ConditionKeys
	}

	oldByName := make(map[string]*svcref.Action, len(oldActs))
	for k := range oldActs {
		oldByName[strings.ToLower(oldActs[k].Name)] = &oldActs[k]
	}
	seen := make(map[string]bool, len(newActs))
	for k := range newActs {
		a := &newActs[k]
		key := strings.ToLower(a.Name)
		seen[key] = true
		prev, ok := oldByName[key]
		if !ok {
			sc.NewActions = append(sc.NewActions, a.FullName())
			continue
		}
		if before, after := prev.AccessLevel(), a.AccessLevel(); before != after {
			sc.AccessLevelChanges = append(sc.AccessLevelChanges, AccessChange{Action: a.FullName(), Old: before, New: after})
		}
	}
	for k := range oldActs {
		if !seen[strings.ToLower(oldActs[k].Name)] {
			sc.RemovedActions = append(sc.RemovedActions, oldActs[k].FullName())
		}
	}
	sc.NewResourceTypes, sc.RemovedResourceTypes = setDiff(names(oldRes, resName), names(newRes, resName))
	sc.NewConditionKeys, sc.RemovedConditionKeys = setDiff(names(oldKeys, keyName), names(newKeys, keyName))
	slices.Sort(sc.NewActions)
	slices.Sort(sc.RemovedActions)
	return sc
}

func resName(r svcref.Resource) string     { return r.Name }
func keyName(k svcref.ConditionKey) string { return k.Name }

func names[T any](items []T, name func(T) string) []string {
	out := make([]string, len(items))
	for i, it := range items {
		out[i] = name(it)
	}
	return out
}

// setDiff returns what is only in cur and what is only in old, case-insensitively, sorted.
func setDiff(old, cur []string) (added, removed []string) {
	in := func(list []string) map[string]bool {
		m := make(map[string]bool, len(list))
		for _, s := range list {
			m[strings.ToLower(s)] = true
		}
		return m
	}
	oldSet, curSet := in(old), in(cur)
	for _, s := range cur {
		if !oldSet[strings.ToLower(s)] {
			added = append(added, s)
		}
	}
	for _, s := range old {
		if !curSet[strings.ToLower(s)] {
			removed = append(removed, s)
		}
	}
	slices.Sort(added)
	slices.Sort(removed)
	return added, removed
}

func (r *Report) count() {
	t := Totals{WidenedPatterns: len(r.Widened)}
	for _, s := range r.Services {
		switch s.Status {
		case StatusAdded:
			t.NewServices++
			t.NewActionsInNewServices += len(s.NewActions)
		case StatusRemoved:
			t.RemovedServices++
		default:
			t.ChangedServices++
			if len(s.NewActions) > 0 {
				t.ExistingServicesWithNewActions++
			}
		}
		t.NewActions += len(s.NewActions)
		t.RemovedActions += len(s.RemovedActions)
		t.NewResourceTypes += len(s.NewResourceTypes)
		t.RemovedResourceTypes += len(s.RemovedResourceTypes)
		t.NewConditionKeys += len(s.NewConditionKeys)
		t.RemovedConditionKeys += len(s.RemovedConditionKeys)
		t.AccessLevelChanges += len(s.AccessLevelChanges)
	}
	r.Totals = t
}

// Widen records, for each wildcard policy pattern, the new actions it matches: written before
// those actions existed, it now covers them without anyone editing the policy. Literal patterns
// patterns that match no new action, and patterns whose statement does not grant more by
// matching more (see policy.Pattern.GrantsMore) are left out.
func (r *Report) Widen(patterns []policy.Pattern) {
	added := r.NewActions()
	r.Widened = nil
	for _, p := range patterns {
		// Only a pattern whose statement grants more by matching more is a widening; "Deny *"
		// matches every new action and only denies more.
		if !p.GrantsMore() || !svcref.HasWildcard(p.Pattern) {
			continue
		}
		var hits []string
		for _, a := range added {
			if svcref.Match(p.Pattern, a) {
				hits = append(hits, a)
			}
		}
		if len(hits) > 0 {
			r.Widened = append(r.Widened, Widening{Pattern: p, NewActions: hits})
		}
	}
	r.count()
}
