#!/bin/sh
# run-exim.sh - send one message (stdin) with Debian's exim as a one-shot SMTP
# client to 127.0.0.1:PORT, so the tests see a real MTA that uses BDAT.
#
# usage: run-exim.sh WORKDIR PORT SENDER RECIPIENT < message
#        run-exim.sh --fetch      (only download and unpack exim, then exit)
# exim4 cannot be installed next to postfix (needed for smtp-sink), so the
# package is downloaded and unpacked into $SMSRELAY_TEST_CACHE (default
# /var/cache/smsrelay-test); $EXIM names another exim binary instead.
# Exit status 0 when exim logged a delivery ("=>") to the server, else 1
# (2: usage, 3: exim unavailable); exim's main log is copied to stdout.
set -e
here=$(cd "$(dirname "$0")" && pwd)
cache=${SMSRELAY_TEST_CACHE:-/var/cache/smsrelay-test}

# fetch - unpack exim4-daemon-light into the cache unless it is there
fetch() {
	[ -n "$EXIM" ] && return 0
	EXIM=$cache/exim/usr/sbin/exim4
	[ -x "$EXIM" ] && return 0
	mkdir -p "$cache"
	(cd "$cache" && rm -f exim4-daemon-light_*.deb &&
		apt-get download -q exim4-daemon-light >/dev/null 2>&1) || {
		echo "run-exim.sh: apt-get download exim4-daemon-light failed" >&2
		return 3
	}
	rm -rf "$cache/exim"
	dpkg-deb -x "$cache"/exim4-daemon-light_*.deb "$cache/exim"
	# without set-user-id the re-executed delivery process keeps LD_PRELOAD
	chmod u-s "$EXIM"
}

if [ "$1" = "--fetch" ]; then
	fetch || exit 3
	echo "$EXIM"
	exit 0
fi
if [ $# -ne 4 ]; then
	sed -n '5,6p' "$0" | sed 's/^# //' >&2
	exit 2
fi
workdir=$1 port=$2 sender=$3 rcpt=$4
fetch || exit 3
nsswrap=
for f in /usr/lib/*-linux-gnu/libnss_wrapper.so /usr/lib64/libnss_wrapper.so \
	/usr/lib/libnss_wrapper.so; do
	[ -f "$f" ] && { nsswrap=$f; break; }
done
if [ -z "$nsswrap" ]; then
	echo "run-exim.sh: missing libnss_wrapper.so: apt-get install libnss-wrapper" >&2
	exit 3
fi

# The binary looks up its compiled-in user Debian-exim and refuses uid 0; an
# NSS wrapper maps that name to nobody, so /etc/passwd stays untouched.
uid=$(id -u nobody) gid=$(id -g nobody)
spool=$workdir/exim-spool
mkdir -p "$spool/log"
{ cat /etc/passwd; echo "Debian-exim:x:$uid:$gid:exim:/nonexistent:/usr/sbin/nologin"; } \
	> "$workdir/exim-passwd"
{ cat /etc/group; echo "Debian-exim:x:$gid:"; } > "$workdir/exim-group"
[ "$(id -u)" = 0 ] && chown -R "$uid:$gid" "$spool"
sed -e "s|@EXIM@|$EXIM|" -e "s|@SPOOL@|$spool|" -e "s|@PORT@|$port|" \
	-e "s|@DOMAIN@|${rcpt##*@}|" "$here/exim.conf.in" > "$workdir/exim.conf"

# -odf: deliver in the foreground, so the log is complete when exim returns
set +e
LD_PRELOAD=$nsswrap NSS_WRAPPER_PASSWD=$workdir/exim-passwd \
	NSS_WRAPPER_GROUP=$workdir/exim-group \
	"$EXIM" -C "$workdir/exim.conf" -odf -oi -f "$sender" -- "$rcpt"
rc=$?
set -e
cat "$spool/log/mainlog" 2>/dev/null || true
[ $rc -eq 0 ] || exit 1
grep -q " => " "$spool/log/mainlog" 2>/dev/null
