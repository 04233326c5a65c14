#!/bin/sh
# build-deb.sh [OUTDIR] - build the Debian package from this checkout: copy
# it to a scratch directory, put contrib/debian/ there as debian/, run
# dpkg-buildpackage -b; the .deb and .buildinfo/.changes land in OUTDIR
# (default build-deb/). DEB_BUILD_OPTIONS from the caller is kept.
set -e
top=$(cd "$(dirname "$0")/.." && pwd -P)
out=${1:-$top/build-deb}
mkdir -p "$out"
out=$(cd "$out" && pwd -P)
version=$(sed -n 's/^AC_INIT(\[smsrelay\], \[\([^]]*\)\].*/\1/p' "$top/configure.ac")
[ -n "$version" ] || { echo "build-deb.sh: no version in configure.ac" >&2; exit 1; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/build-deb.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
src=$tmp/smsrelay-$version
mkdir "$src"

# the tracked files as they are in the work tree (like a clone, without
# build directories); a tree outside git (a tarball): all of it but builds
if git -C "$top" rev-parse --show-toplevel >/dev/null 2>&1; then
	git -C "$top" ls-files -z |
	    (cd "$top" && tar --null --ignore-failed-read -T - -cf -) |
	    tar -xf - -C "$src"
else
	(cd "$top" && tar --exclude='./build*' --exclude=./_build \
	    --exclude=./spool -cf - .) |
	    tar -xf - -C "$src"
fi
cp -R "$top/contrib/debian" "$src/debian"
# dh_installsystemd finds the unit by package and unit name
cp "$top/contrib/systemd/smsrelayd.service" "$src/debian/smsrelay.smsrelayd.service"

jobs=$(nproc 2>/dev/null || echo 2)
(cd "$src" && dpkg-buildpackage -us -uc -b -j"$jobs") >"$tmp/build.log" 2>&1 || {
	tail -n 60 "$tmp/build.log" >&2
	echo "build-deb.sh: dpkg-buildpackage failed" >&2
	exit 1
}
for f in "$tmp"/*.deb "$tmp"/*.buildinfo "$tmp"/*.changes; do
	[ -e "$f" ] && cp "$f" "$out/"
done
cp "$tmp/build.log" "$out/build.log"
ls "$tmp"/*.deb | sed "s|^$tmp|$out|"
