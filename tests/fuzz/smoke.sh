#!/bin/sh
# smoke.sh - make check's cheap fuzz run (TAP): each fuzz target replays its
# corpus plus 200 seeded mutations per file under the build's sanitizers.
top_srcdir=${top_srcdir:-.}
top_builddir=${top_builddir:-.}
mutations=${FUZZ_MUTATIONS:-200}

log=$(mktemp "${TMPDIR:-/tmp}/smoke.XXXXXX") || exit 1
trap 'rm -f "$log"' EXIT

# target NAME: one TAP case; a missing program or corpus is a failure
n=0
failed=0
target() {
	n=$((n + 1))
	prog=$top_builddir/tests/fuzz/fuzz_$1
	corpus=$top_srcdir/tests/fuzz/corpus/$1
	if [ ! -x "$prog" ] || [ ! -d "$corpus" ]; then
		echo "not ok $n - fuzz_$1: $prog or $corpus is missing"
		failed=1
		return
	fi
	if "$prog" -m "$mutations" "$corpus" >"$log" 2>&1; then
		echo "ok $n - fuzz_$1 $(cat "$log")"
	else
		echo "not ok $n - fuzz_$1 (rerun: $prog -m $mutations -w crash-$1 $corpus)"
		sed 's/^/# /' "$log"
		failed=1
	fi
}

echo 1..3
target mime
target smtp_parse
target proxy
exit $failed
