package faults_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"testing"

	"github.com/rcfge/rcfge/hook/engine"
	"github.com/rcfge/rcfge/hook/schema"
	"github.com/rcfge/rcfge/hook/store/dirstore"
)

const (
	loadAccounts = 50
	loadTypes    = 20
	loadEvals    = 1000
)

// loadTemplates writes loadTypes templates into a temporary folder. Each pins the owner role to
// the invoking account, so a schema compiled for one account rejects every other account's role:
// serving it across accounts would flip verdicts.
func loadTemplates(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for i := range loadTypes {
		body := fmt.Sprintf(`{
  "typeName": "Load::Type::T%02[1]d",
  "type": "object",
  "additionalProperties": false,
  "required": ["Owner"],
  "properties": {
    "Owner": {"type": "string", "pattern": "^arn:$<partition>:iam::$<accountID>:role/app-%02[1]d-[a-z]+$"},
    "Size": {"type": "integer", "minimum": 1, "maximum": %[2]d},
    "Region": {"type": "string", "enum": ["$<region>"]},
    "Tags": {"type": "array", "items": {"type": "object", "additionalProperties": false,
      "properties": {"Key": {"type": "string", "maxLength": 128}, "Value": {"type": "string"}}}}
  }
}`, i, 10+i)
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("Load-Type-T%02d.json", i)), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func loadAccount(i int) string { return fmt.Sprintf("%012d", 100000000000+i*7919) }

// loadCase is evaluation n: account n%50, type (n/50)%20, so the 1,000 evaluations cover every
// (account, type) pair once. Odd evaluations name the next account's role and must be refused.
type loadCase struct {
	in       engine.Input
	approved bool
}

func newLoadCase(t *testing.T, n int) loadCase {
	acct, typ := n%loadAccounts, (n/loadAccounts)%loadTypes
	owner := loadAccount(acct)
	if n%2 == 1 {
		owner = loadAccount((acct + 1) % loadAccounts)
	}
	props, err := schema.Decode(fmt.Appendf(nil, `{"Owner":"arn:aws:iam::%s:role/app-%02d-web","Size":"%d","Region":"eu-west-1","Tags":[{"Key":"n","Value":"%d"}]}`, owner, typ, 1+typ%10, n))
	if err != nil {
		t.Fatal(err)
	}
	return loadCase{
		in: engine.Input{
			TypeName:   fmt.Sprintf("Load::Type::T%02d", typ),
			Properties: props,
			Context:    engine.Context{AccountID: loadAccount(acct), Region: "eu-west-1", StackName: "load", LogicalResourceID: "R"},
		},
		approved: n%2 == 0,
	}
}

// runLoad evaluates every case at once and reports each wrong verdict or error.
func runLoad(t *testing.T, e *engine.Engine, cases []loadCase) {
	t.Helper()
	var wg sync.WaitGroup
	errs := make(chan string, len(cases))
	start := make(chan struct{})
	for n, c := range cases {
		wg.Go(func() {
			<-start
			res, err := e.Evaluate(context.Background(), c.in)
			switch {
			case err != nil:
				errs <- fmt.Sprintf("evaluation %d (%s, %s): %v", n, c.in.Context.AccountID, c.in.TypeName, err)
			case res.Verdict.Approved() != c.approved:
				errs <- fmt.Sprintf("evaluation %d (%s, %s): approved=%v, want %v; violations %v", n, c.in.Context.AccountID, c.in.TypeName, res.Verdict.Approved(), c.approved, res.Verdict.Violations)
			case !c.approved && (len(res.Verdict.Violations) != 1 || res.Verdict.Violations[0].Path != "/Owner"):
				errs <- fmt.Sprintf("evaluation %d: violations %v, want one at /Owner", n, res.Verdict.Violations)
			}
		})
	}
	close(start)
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}

func loadCases(t *testing.T) []loadCase {
	cases := make([]loadCase, loadEvals)
	for n := range cases {
		cases[n] = newLoadCase(t, n)
	}
	return cases
}

// TestConcurrentEvaluations runs 1,000 simultaneous evaluations across 50 accounts and 20 types,
// twice on one engine (the second pass is served from the cache): every verdict is right, so no
// schema compiled for one account ever answered for another.
func TestConcurrentEvaluations(t *testing.T) {
	e := engine.New(dirstore.New(os.DirFS(loadTemplates(t))), engine.WithCacheSize(2*loadEvals))
	cases := loadCases(t)
	runLoad(t, e, cases)
	runLoad(t, e, cases)
	hits := 0
	for _, c := range cases[:100] {
		res, err := e.Evaluate(context.Background(), c.in)
		if err != nil {
			t.Fatal(err)
		}
		if res.CacheHit {
			hits++
		}
	}
	if hits != 100 {
		t.Errorf("%d of 100 repeat evaluations hit the cache; the cache is not keyed as expected", hits)
	}
}

func heapInUse() uint64 {
	var m runtime.MemStats
	runtime.GC()
	runtime.GC()
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// TestConcurrentEvaluationsBoundedMemory runs the same load through a small cache (eviction on
// almost every request) and an unbounded one. Verdicts stay right under churn, and the heap the
// small engine keeps is a fraction of what 1,000 compiled schemas take: WithCacheSize is honoured.
func TestConcurrentEvaluationsBoundedMemory(t *testing.T) {
	dir := loadTemplates(t)
	cases := loadCases(t)
	retained := func(size int) uint64 {
		before := heapInUse()
		e := engine.New(dirstore.New(os.DirFS(dir)), engine.WithCacheSize(size))
		runLoad(t, e, cases)
		after := heapInUse()
		runtime.KeepAlive(e)
		if after < before {
			return 0
		}
		return after - before
	}
	const small = 32
	bounded := retained(small)
	unbounded := retained(4 * loadEvals)
	t.Logf("heap retained: cache %d: %d KiB; cache %d: %d KiB (1,000 compiled schemas)", small, bounded/1024, 4*loadEvals, unbounded/1024)
	if unbounded == 0 || bounded*4 > unbounded {
		t.Errorf("a %d-entry cache keeps %d KiB, more than a quarter of the %d KiB of an unbounded one", small, bounded/1024, unbounded/1024)
	}
}
