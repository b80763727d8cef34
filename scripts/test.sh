#!/usr/bin/env bash
# The Go tests, as `make test` runs them. The race detector covers the concurrent code: the hook
# runtime (engine, caches, stores, handler, Lambda entry), snapshot fetching and the template front
# end. The rest runs without it: the data-heavy, single-threaded tools (generation over 1,655
# schemas, drift, SCP compilation, the StackSets checks), which it makes ten times slower, and the
# thin commands, whose race build would compile the whole SDK a second time for nothing to find.
set -euo pipefail
cd "$(dirname "$0")/.."
race=$(go list ./hook/... ./tools/svcref/snapshot/... ./tools/cfntemplate/...)
# The docs test runs every command the documentation prints, in a copy of the repository: last,
# on its own, so that a broken page reads as such.
docs=github.com/rcfge/rcfge/tools/docstest
rest=$(go list ./... | grep -vxF -f <(printf '%s\n' "$race" "$docs"))
echo "== go test -race ($(wc -l <<<"$race") packages)"
go test -race -count=1 -timeout 15m $race
echo "== go test ($(wc -l <<<"$rest") packages)"
go test -count=1 -timeout 15m $rest
echo "== go test $docs (every shell block of README.md and docs/*.md)"
go test -count=1 -timeout 15m "$docs"
