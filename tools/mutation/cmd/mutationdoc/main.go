// Command mutationdoc runs gremlins (mutation testing) over rcfge's runtime packages, one package
// at a time, and writes docs/mutation.md: a score per package against its target, every live
// mutant, and the reviewed equivalent survivors from docs/mutation-equivalents.tsv. With -check it
// exits 1 when a package is below its target. `make mutate` runs it over all of hook/; CI
// (`make mutate-ci`) runs it on the files that decide SUCCESS or FAILED, and with -since on the
// lines of the deciding packages changed since the merge base, within a budget of mutants.
//
//	go run ./tools/mutation/cmd/mutationdoc [-gremlins .tools/bin/gremlins] [-out docs/mutation.md] [-check]
//		[-files a.go,b.go] [-since REF [-max-mutants N]] [-update] [pkg[:file.go,...]...]
//
// -update reruns only the packages named and keeps what the report says of the others.
package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/rcfge/rcfge/tools/mutation"
)

// targets are the scores issue #18 sets for the packages that decide SUCCESS or FAILED.
var targets = map[string]float64{
	"hook/placeholder": 90,
	"hook/engine":      90,
	"hook/verdict":     90,
	"hook/wire":        90,
	"hook/handler":     85,
	"hook/schema":      85,
}

// defaultPackages is the runtime: every package the Lambda links that has logic of its own.
var defaultPackages = []string{
	"hook/cache", "hook/engine", "hook/exception", "hook/handler", "hook/ident", "hook/jsonptr",
	"hook/jsontree", "hook/partition", "hook/placeholder", "hook/schema", "hook/store",
	"hook/store/dirstore", "hook/store/s3store", "hook/verdict", "hook/wire",
}

type options struct {
	gremlins, out, equivalents, only, since string
	check, update                           bool
	workers, timeoutCoefficient, maxMutants int
	stdout                                  io.Writer
}

func main() {
	var o options
	flag.StringVar(&o.gremlins, "gremlins", ".tools/bin/gremlins", "the gremlins binary (make tools-mutate installs the pinned version)")
	flag.StringVar(&o.out, "out", "docs/mutation.md", "report to write ('-' for stdout)")
	flag.StringVar(&o.equivalents, "equivalents", "docs/mutation-equivalents.tsv", "reviewed equivalent survivors")
	flag.StringVar(&o.only, "files", "", "comma-separated file names: mutate only these files of each package (CI's bounded run)")
	flag.BoolVar(&o.check, "check", false, "exit 1 when a package is below its target")
	flag.StringVar(&o.since, "since", "", "diff run: mutate only the lines changed since the merge base with this ref (CI's bounded run)")
	flag.BoolVar(&o.update, "update", false, "rerun only the named packages: the others keep their rows and listed mutants from the -out report")
	flag.IntVar(&o.maxMutants, "max-mutants", 0, "diff run: packages are taken in order while their mutants fit this budget; the rest are named and skipped (0: no budget)")
	flag.IntVar(&o.workers, "workers", runtime.NumCPU(), "mutants tested at once (gremlins --workers)")
	flag.IntVar(&o.timeoutCoefficient, "timeout-coefficient", defaultTimeoutCoefficient, "a mutant's test run may take this many times the package's uncached test run before it counts as timed out")
	flag.Parse()
	o.stdout = os.Stdout
	// gremlins runs inside each package's folder: a relative path (the default) must not follow it.
	if abs, err := filepath.Abs(o.gremlins); err == nil && strings.ContainsRune(o.gremlins, filepath.Separator) {
		o.gremlins = abs
	}
	pkgs := flag.Args()
	if len(pkgs) == 0 {
		pkgs = defaultPackages
	}
	// gremlins runs in a process group of its own (see killGroup), which a terminal's Ctrl-C no
	// longer reaches: the interrupt cancels the run, and that kills the group.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, o, pkgs); err != nil {
		fmt.Fprintln(os.Stderr, "mutationdoc:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, o options, args []string) error {
	var kept mutation.Kept
	if o.update {
		if o.out == "-" || o.only != "" || o.since != "" {
			return errors.New("-update rewrites the -out report with whole packages: not with -out -, -files or -since")
		}
		f, err := os.Open(o.out)
		if err != nil {
			return fmt.Errorf("-update: %w", err)
		}
		kept, err = mutation.ParseReport(f)
		f.Close()
		if err != nil {
			return fmt.Errorf("-update: %s: %w", o.out, err)
		}
		var rerun []string
		for _, arg := range args {
			if strings.Contains(arg, ":") {
				return fmt.Errorf("-update reruns whole packages, not files: %s", arg)
			}
			rerun = append(rerun, arg)
		}
		kept.Drop(rerun)
	}
	var all []mutation.Mutant
	budget := o.maxMutants
	var notes []string
	for _, arg := range args {
		t := parseTarget(arg, o.only)
		if _, err := os.Stat(t.pkg); err != nil {
			fmt.Fprintf(os.Stderr, "mutationdoc: skipping %s: %v\n", t.pkg, err)
			continue
		}
		if o.since != "" {
			changed, err := changedFiles(ctx, t, o.since)
			if err != nil {
				return err
			}
			if len(changed) == 0 {
				// gremlins mutates everything when its diff is empty: never hand it one.
				fmt.Fprintf(os.Stderr, "mutationdoc: %s: no change since %s\n", t.pkg, o.since)
				continue
			}
			t.files = changed
			if o.maxMutants > 0 {
				n, err := countRunnable(ctx, o, t)
				if err != nil {
					return err
				}
				if n > budget {
					note := fmt.Sprintf("%s: %d changed-line mutants exceed what is left of the budget (%d of %d): not run; run `make mutate`", t.pkg, n, budget, o.maxMutants)
					fmt.Fprintln(os.Stderr, "mutationdoc:", note)
					notes = append(notes, note)
					continue
				}
				budget -= n
			}
		}
		ms, err := unleash(ctx, o, t, false)
		if err != nil {
			return err
		}
		all = append(all, ms...)
	}
	var eq []mutation.Equivalent
	if f, err := os.Open(o.equivalents); err == nil {
		eq, err = mutation.ParseEquivalents(f)
		f.Close()
		if err != nil {
			return fmt.Errorf("%s: %w", o.equivalents, err)
		}
	} else if !errors.Is(err, os.ErrNotExist) {
		return err
	}
	stale := mutation.Apply(all, eq)
	header := "# Mutation testing of the runtime\n\nGenerated by `make mutate` (gremlins " + gremlinsVersion + ", `--invert-logical --invert-loopctrl --timeout-coefficient " + strconv.Itoa(o.timeoutCoefficient) + "`, tests uncached and without vet) on " +
		time.Now().UTC().Format("2006-01-02") + ". Do not edit: review survivors in `docs/mutation-equivalents.tsv` and rerun.\n"
	if o.only != "" {
		header += "\nBounded run: only " + o.only + ".\n"
	}
	if o.since != "" {
		header += "\nDiff run: only the lines changed since the merge base with " + o.since + ".\n"
	}
	for _, n := range notes {
		header += "\n" + n + ".\n"
	}
	if o.update {
		header += "\nUpdated: only " + strings.Join(args, ", ") + " rerun on this date; " + strings.Join(kept.Packages(), ", ") + " are from the run before.\n"
	}
	var buf bytes.Buffer
	if err := mutation.Markdown(&buf, all, targets, stale, header, kept); err != nil {
		return err
	}
	if o.out == "-" {
		_, _ = o.stdout.Write(buf.Bytes())
	} else if err := os.WriteFile(o.out, buf.Bytes(), 0o644); err != nil {
		return err
	}
	for _, s := range mutation.Scores(all) {
		fmt.Fprintf(os.Stderr, "%-22s %5.1f%% (killed %d, lived %d, equivalent %d, not covered %d)\n", s.Package, s.Efficacy(), s.Killed, s.Lived, s.Equivalent, s.NotCovered)
	}
	if o.check {
		return errors.Join(mutation.Check(mutation.Scores(all), targets), kept.Check(targets))
	}
	return nil
}

// gremlinsVersion is the pinned version the Makefile installs.
const gremlinsVersion = "v0.6.0"

// defaultTimeoutCoefficient bounds a mutant's test run at this many times the package's own test
// run. gremlins times that run itself (its coverage pass) and waits elapsed×coefficient before it
// calls a mutant TIMED OUT, which it counts as killed. With the coverage pass served from Go's test
// cache (about 1.5 s) or not (about 8 s for hook/schema), a coefficient of 100 meant every mutant
// that loops forever held a worker for 2.5 to 13 minutes: that, not the build, made hook/schema
// cost about 30 s per mutant. testEnv makes the pass uncached, so the elapsed time includes the
// link every mutant pays as well, and 10 times it is still several times a mutant's normal run
// (3 to 5 s on two loaded cores).
const defaultTimeoutCoefficient = 10

// testEnv is the environment gremlins and its go commands run in. -count=1: gremlins' coverage
// pass must really run, or its timing (the base of every timeout) is a cache lookup. -vet=off: a
// mutant is killed by a test, never by go vet's checks that go test runs by default.
// gremlins' own --test-cpu is not used: v0.6.0 passes "-cpu N" as one argument, go test fails to
// start, and every mutant would count as killed.
func testEnv() []string {
	env := os.Environ()
	flags := strings.TrimSpace(os.Getenv("GOFLAGS") + " -count=1 -vet=off")
	return append(env, "GOFLAGS="+flags)
}

// target is one package to mutate and, when files is not empty, the only files of it to mutate.
type target struct {
	pkg   string
	files []string
}

// parseTarget reads "hook/handler" or "hook/handler:decide.go,stack.go"; a package without its own
// list takes the -files list.
func parseTarget(arg, only string) target {
	pkg, files, found := strings.Cut(arg, ":")
	if !found {
		files = only
	}
	t := target{pkg: pkg}
	for f := range strings.SplitSeq(files, ",") {
		if f = strings.TrimSpace(f); f != "" {
			t.files = append(t.files, f)
		}
	}
	return t
}

// changedFiles lists the target's non-test Go files with lines changed since the merge base with
// ref (the working tree included, as gremlins' own diff sees it).
func changedFiles(ctx context.Context, t target, ref string) ([]string, error) {
	cmd := exec.CommandContext(ctx, "git", "diff", "--merge-base", ref, "--name-only", "--relative", "--diff-filter=AM", "--", ".")
	cmd.Dir = t.pkg
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("git diff --merge-base %s in %s: %w", ref, t.pkg, err)
	}
	var files []string
	for name := range strings.Lines(string(out)) {
		name = strings.TrimSpace(name)
		if strings.Contains(name, "/") || !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
			continue
		}
		if len(t.files) > 0 && !slices.Contains(t.files, name) {
			continue
		}
		files = append(files, name)
	}
	return files, nil
}

// countRunnable asks gremlins (dry run) how many mutants the target has to test.
func countRunnable(ctx context.Context, o options, t target) (int, error) {
	ms, err := unleash(ctx, o, t, true)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, m := range ms {
		if m.Status == runnable {
			n++
		}
	}
	return n, nil
}

// Statuses of mutants gremlins did not test: RUNNABLE in a dry run, SKIPPED outside the diff.
const (
	runnable = "RUNNABLE"
	skipped  = "SKIPPED"
)

func unleash(ctx context.Context, o options, t target, dryRun bool) ([]mutation.Mutant, error) {
	tmp, err := os.CreateTemp("", "gremlins-*.json")
	if err != nil {
		return nil, err
	}
	tmp.Close()
	defer os.Remove(tmp.Name())
	dir, err := filepath.Abs(t.pkg)
	if err != nil {
		return nil, err
	}
	args := []string{"unleash", "--invert-logical", "--invert-loopctrl",
		"--timeout-coefficient", strconv.Itoa(o.timeoutCoefficient), "--workers", strconv.Itoa(max(o.workers, 1)),
		"-s", "-o", tmp.Name()}
	if dryRun {
		args = append(args, "--dry-run")
	}
	if o.since != "" {
		args = append(args, "--diff", o.since)
	}
	entries, err := os.ReadDir(t.pkg)
	if err != nil {
		return nil, err
	}
	// gremlins mutates the folder's whole tree: a subpackage (hook/store/s3store under hook/store,
	// a test helper such as s3store/s3test) is its own target or no target, never counted twice.
	for _, e := range entries {
		if e.IsDir() {
			args = append(args, "-E", "(^|/)"+regexp.QuoteMeta(e.Name())+"/")
		}
	}
	if len(t.files) > 0 {
		for _, e := range entries {
			if strings.HasSuffix(e.Name(), ".go") && !strings.HasSuffix(e.Name(), "_test.go") && !slices.Contains(t.files, e.Name()) {
				args = append(args, "-E", "(^|/)"+regexp.QuoteMeta(e.Name())+"$")
			}
		}
	}
	args = append(args, dir)
	cmd := exec.CommandContext(ctx, o.gremlins, args...)
	// gremlins v0.6.0 names the files of its diff from the repository root but looks them up
	// relative to the package: running it in the package with git's diff.relative makes the two
	// agree (without it a diff run mutates nothing, or everything when the diff is empty).
	cmd.Dir = dir
	cmd.Stderr = os.Stderr
	cmd.Env = append(testEnv(), "GIT_CONFIG_COUNT=1", "GIT_CONFIG_KEY_0=diff.relative", "GIT_CONFIG_VALUE_0=true")
	fmt.Fprintf(os.Stderr, "mutationdoc: (in %s) %s %s\n", t.pkg, o.gremlins, strings.Join(args, " "))
	ownGroup(cmd)
	cmd.Cancel = func() error { killGroup(cmd); return nil }
	out, err := cmd.Output()
	killGroup(cmd)
	if err != nil {
		return nil, fmt.Errorf("gremlins on %s: %w\n%s", t.pkg, err, out)
	}
	f, err := os.Open(tmp.Name())
	if err != nil {
		return nil, err
	}
	defer f.Close()
	ms, err := mutation.Parse(f, t.pkg, t.pkg)
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(ms, func(m mutation.Mutant) bool { return m.Status == skipped }), nil
}
