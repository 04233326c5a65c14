#!/bin/sh
# smoke.sh - make check's cheap fuzz run (TAP): each of $FUZZ_TARGETS replays
# its corpus plus 200 seeded mutations per file under the build's sanitizers,
# and every corpus directory must belong to one of them.
top_srcdir=${top_srcdir:-.}
top_builddir=${top_builddir:-.}
mutations=${FUZZ_MUTATIONS:-200}
targets=${FUZZ_TARGETS:-}

if [ -z "$targets" ]; then
	echo "1..1"
	echo "not ok 1 - FUZZ_TARGETS is empty: run through make check"
	exit 1
fi
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

# corpora - a seed corpus nobody replays is a target that was dropped
corpora() {
	n=$((n + 1))
	orphans=
	for dir in "$top_srcdir"/tests/fuzz/corpus/*/; do
		name=$(basename "$dir")
		case " $targets " in
		*" $name "*) ;;
		*) orphans="$orphans $name" ;;
		esac
	done
	if [ -n "$orphans" ]; then
		echo "not ok $n - corpora without a target in FUZZ_TARGETS:$orphans"
		failed=1
	else
		echo "ok $n - every corpus belongs to a target"
	fi
}

# shellcheck disable=SC2086 # one word a target
set -- $targets
echo "1..$(($# + 1))"
for name; do
	target "$name"
done
corpora
exit $failed
