#!/usr/bin/env bash
# Runs `BIN validate` on every shipped example and checks each outcome against expected.tsv.
# Exit 1 from a violating example is expected and not a failure; any other difference is.
# Usage: examples/run-examples.sh BIN
set -euo pipefail

if [[ $# -ne 1 ]]; then
	echo "usage: $0 BIN" >&2
	exit 2
fi
bin=$1
if [[ ! -x $bin ]]; then
	echo "$0: $bin is not an executable" >&2
	exit 2
fi
dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cd "$dir/.."

failed=0
while IFS=$'\t' read -r file want_exit want_path want_text; do
	[[ -z $file || $file == \#* ]] && continue
	set +e
	out=$("$bin" validate --account 111122223333 --region eu-west-1 "examples/$file" 2>&1)
	got_exit=$?
	set -e
	case $got_exit in
	0) outcome="approved" ;;
	1) outcome="violations" ;;
	*) outcome="error" ;;
	esac
	printf '%s\n' "$out" | sed 's/^/    /'
	if [[ $got_exit -ne $want_exit ]]; then
		echo "FAIL examples/$file: $outcome (exit $got_exit), want exit $want_exit"
		failed=1
	elif [[ $out != *"$want_text"* ]]; then
		echo "FAIL examples/$file: $outcome (exit $got_exit), but the output lacks: $want_text"
		failed=1
	else
		want="approved"
		[[ $want_path != "-" ]] && want="violation at $want_path"
		echo "ok   examples/$file: $outcome (exit $got_exit), as expected: $want"
	fi
done <examples/expected.tsv

if [[ $failed -ne 0 ]]; then
	echo "some examples did not give their expected outcome" >&2
	exit 1
fi
echo "all examples gave their expected outcome"
