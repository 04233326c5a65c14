#!/bin/sh
# run.sh - entry point of the end-to-end suite for make check (TAP on stdout);
# by hand: sh tests/e2e/run.sh [PATTERN...] from the build directory.
here=$(cd "$(dirname "$0")" && pwd)
: "${top_srcdir:=$(cd "$here/../.." && pwd)}"
: "${top_builddir:=$(pwd)}"
export top_srcdir top_builddir
if ! command -v python3 >/dev/null 2>&1; then
	echo "1..1"
	echo "not ok 1 - end-to-end suite # missing python3: apt-get install python3"
	exit 1
fi
exec python3 "$top_srcdir/tests/e2e/e2e.py" "$@"
