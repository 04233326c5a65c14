#!/bin/sh
# autogen.sh - generate ./configure from configure.ac and Makefile.am
# (needs autoconf, automake and pkg-config's macros; see contrib/install-deps.sh).
set -e
cd "$(dirname "$0")"
mkdir -p build-aux m4
autoreconf -fi
# the TAP driver ships with automake; automake does not install it itself
for d in /usr/share/automake-*; do
	[ -f "$d/tap-driver.sh" ] && cp "$d/tap-driver.sh" build-aux/ && break
done
[ -f build-aux/tap-driver.sh ] || { echo "autogen.sh: tap-driver.sh not found (install automake)" >&2; exit 1; }
