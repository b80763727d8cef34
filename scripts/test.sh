#!/usr/bin/env bash
# The Go tests, as `make test` runs them. The race detector covers the concurrent code: the hook
# runtime (engine, caches, stores, handler, Lambda entry), snapshot fetching, the template front
# end, notifications and the commands. The data-heavy, single-threaded tools (generation over 1,655
# schemas, drift, SCP compilation, the StackSets checks) run without it: it makes them ten times
# slower and has nothing to find there.
set -euo pipefail
cd "$(dirname "$0")/.."
race=$(go list ./hook/... ./tools/svcref/snapshot/... ./tools/cfntemplate/... ./tools/notify/... ./tools/cli/...)
rest=$(go list ./... | grep -vxF -f <(printf '%s\n' "$race"))
echo "== go test -race ($(wc -l <<<"$race") packages)"
go test -race -count=1 -timeout 15m $race
echo "== go test ($(wc -l <<<"$rest") packages)"
go test -count=1 -timeout 15m $rest
