#!/bin/sh
# lint.sh - make check's static checks (TAP): cppcheck finds nothing, and clang
# compiles every source with the house warnings as errors (gcc does in the build),
# the C++ one too where libphonenumber's headers are.
top_srcdir=${top_srcdir:-.}
top_builddir=${top_builddir:-.}
cd "$top_srcdir" || exit 1
echo 1..2
out=$(mktemp "${TMPDIR:-/tmp}/lint.XXXXXX") || exit 1
trap 'rm -f "$out"' EXIT
failed=0
if ! command -v cppcheck >/dev/null; then
	echo "not ok 1 - cppcheck # missing: apt-get install cppcheck"; failed=1
elif cppcheck --quiet --error-exitcode=1 --enable=warning,performance,portability \
    --std=c11 -I. -D_GNU_SOURCE --include=/usr/include/x86_64-linux-gnu/sys/queue.h \
    --suppress=missingIncludeSystem --suppress=missingInclude smtpd sms conf >"$out" 2>&1; then
	echo "ok 1 - cppcheck smtpd sms conf"
else
	echo "not ok 1 - cppcheck smtpd sms conf"; sed 's/^/# /' "$out"; failed=1
fi
if ! command -v clang >/dev/null; then
	echo "not ok 2 - clang -Werror # missing: apt-get install clang"; failed=1
else
	flags="-std=c11 -D_GNU_SOURCE -DSYSCONFDIR=\"/etc\" -DLOCALSTATEDIR=\"/var\" -I. -I$top_builddir -Wall -Wextra -Werror -Wshadow \
	    -Wformat=2 -Wmissing-prototypes -Wstrict-prototypes -fsyntax-only \
	    $(pkg-config --cflags libevent libetpan libcurl libconfig jansson libxml-2.0 libytnef cmocka)"
	: >"$out"
	for f in $(find smtpd sms conf tests/unit tests/fuzz tests/man -name "*.c" | sort); do
		# shellcheck disable=SC2086
		clang $flags "$f" >>"$out" 2>&1 || echo "clang: $f" >>"$out"
	done
	# the C++ file speaking to libphonenumber, where its headers are
	cxxflags="-std=c++17 -I. -Wall -Wextra -Werror -Wshadow -Wformat=2 -fsyntax-only"
	if [ -d /usr/include/phonenumbers ]; then
		for f in $(find smtpd sms conf -name "*.cc" | sort); do
			# shellcheck disable=SC2086
			clang++ $cxxflags "$f" >>"$out" 2>&1 || echo "clang++: $f" >>"$out"
		done
	fi
	if [ -s "$out" ]; then
		echo "not ok 2 - clang -Werror"; sed 's/^/# /' "$out"; failed=1
	else
		echo "ok 2 - clang -Werror over every source"
	fi
fi
exit $failed
