#!/bin/sh
# test.sh [--build-only] - install what the tests need, build with ASan+UBSan
# in build-test/, run every test (unit, fuzz smoke, end to end) and print
# "N passed, N failed"; --build-only stops after the build.
set -e
cd "$(dirname "$0")/.."
case ${1-} in
	"") run=1 ;;
	--build-only) run=0 ;;
	*) echo "usage: test.sh [--build-only]" >&2; exit 2 ;;
esac
sh contrib/install-deps.sh test
if [ $run = 1 ]; then
	# the submission tests' clients: nodemailer (npm), exim from its package
	(cd tests/e2e/node && npm ci --no-audit --no-fund >/dev/null)
	sh tests/e2e/exim/run-exim.sh --fetch >/dev/null ||
		echo "test.sh: exim unavailable"
fi
sh contrib/builddir.sh build-test --enable-asan
cd build-test
make -j"$(nproc)" >/dev/null
[ $run = 1 ] || exit 0
set +e
make -j"$(nproc)" check > check.out 2>&1
rc=$?
set -e
grep -E '^(PASS|FAIL|XPASS|ERROR|SKIP|XFAIL):' check.out || true
if [ $rc -ne 0 ]; then
	for f in $(find tests -name '*.log' ! -name 'test-suite.log'); do
		grep -qE '^(not ok|ERROR|FAIL)' "$f" && { echo "==== $f"; tail -n 80 "$f"; }
	done
fi
num() { sed -n "s/^# $1: *\([0-9]*\).*/\1/p" check.out | tail -n 1; }
pass=$(num PASS); fail=$(num FAIL); xpass=$(num XPASS); err=$(num ERROR); skip=$(num SKIP)
failed=$(( ${fail:-0} + ${xpass:-0} + ${err:-0} ))
[ -n "$pass" ] || { echo "no test summary (build or harness failure)"; tail -n 40 check.out; failed=$((failed + 1)); }
echo "${pass:-0} passed, $failed failed, ${skip:-0} skipped"
[ $rc -eq 0 ] && [ $failed -eq 0 ]
