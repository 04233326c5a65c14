#!/bin/sh
# builddir.sh DIR [configure options] - configure the checkout for a build in
# DIR (build/ for the quick start, build-test/ for the tests), out of tree.
# Called by quickstart.sh and test.sh from the top of the checkout.
set -e
dir=$1
shift
# an older quick start configured in the source tree, which stops every
# out-of-tree configure ("source directory already configured")
if [ -f config.status ]; then
	echo "builddir.sh: the source tree was configured in place; make distclean" >&2
	if [ -f Makefile ]; then make distclean >/dev/null; else rm -f config.status; fi
fi
if [ ! -x configure ] || [ ! -f build-aux/tap-driver.sh ]; then
	./autogen.sh >/dev/null 2>&1 || ./autogen.sh
fi
mkdir -p "$dir"
cd "$dir"
[ -f Makefile ] || ../configure "$@" >/dev/null
