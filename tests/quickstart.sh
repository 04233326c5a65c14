#!/bin/sh
# quickstart.sh - make check's test (TAP) of the README's two commands in one
# checkout: the quick start's build, then test.sh's, and the other way round,
# each pair twice, in fresh copies of the checkout's tracked files; and the
# relay the quick start built takes the README's swaks message into
# spool/outbox.jsonl, run from the top of the checkout.
top_srcdir=$(cd "${top_srcdir:-.}" && pwd -P) || exit 1
# a tarball's tree (make distcheck) may sit inside a checkout: not its top
if [ "$(git -C "$top_srcdir" rev-parse --show-toplevel 2>/dev/null)" != \
    "$top_srcdir" ]; then
	echo "1..0 # SKIP not the top of a git checkout"
	exit 0
fi
# the builds below are the copies' own, not part of the make running this
unset MAKEFLAGS MFLAGS MAKELEVEL
tmp=$(mktemp -d "${TMPDIR:-/tmp}/quickstart.XXXXXX") || exit 1
pid=
trap '[ -z "$pid" ] || kill "$pid" 2>/dev/null; rm -rf "$tmp"' EXIT
echo 1..5
failed=0
n=0

# copy DIR - the tracked files as they are in the work tree, like a clone
copy() {
	mkdir "$1" &&
	git -C "$top_srcdir" ls-files -z |
	    (cd "$top_srcdir" && tar --null --ignore-failed-read -T - -cf -) |
	    tar -xf - -C "$1"
}

# step DIR SCRIPT - one of the README's commands, build part only
step() {
	(cd "$1" && timeout 1200 sh "contrib/$2" --build-only) >>"$1.log" 2>&1 ||
		{ echo "$2 --build-only failed" >>"$1.log"; return 1; }
}

# result NAME STATUS LOG - one TAP line; a failure shows the log's tail
result() {
	n=$((n + 1))
	if [ "$2" = 0 ]; then
		echo "ok $n - $1"
	else
		echo "not ok $n - $1"
		tail -n 30 "$3" | sed 's/^/# /'
		failed=1
	fi
}

# both DIR FIRST SECOND - FIRST then SECOND, both leave a working build
both() {
	step "$1" "$2" && step "$1" "$3" &&
	    [ -x "$1/build/smsrelayd" ] && [ -x "$1/build-test/smsrelayd" ]
}

# relay_takes_mail DIR - the quick start's relay on a free port (2525 may
# be taken on a shared machine), otherwise its embedded default
relay_takes_mail() {
	port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])') || return 1
	printf 'listen = ( { address = "127.0.0.1:%s"; } );\n%s\n%s\n%s\n' "$port" \
	    'domains = [ "*" ];' 'spool = "spool";' \
	    'backend = { type = "outbox"; };' >"$1/qs.conf"
	chmod 600 "$1/qs.conf"
	(cd "$1" && exec build/smsrelayd -d -f qs.conf) >>"$1.log" 2>&1 &
	pid=$!
	i=0
	while [ $i -lt 100 ] && ! POSIXLY_CORRECT=1 swaks --server "127.0.0.1:$port" \
	    --to +4917012345678@sms.localhost --from clerk@example.com \
	    --header 'Subject: Pickup' --body 'Your laptop is ready' \
	    >"$1.swaks" 2>&1; do
		grep -q 'Connection refused' "$1.swaks" || break
		sleep 0.1
		i=$((i + 1))
	done
	cat "$1.swaks" >>"$1.log"
	i=0
	while [ $i -lt 100 ] && ! grep -qs '"to":"+4917012345678"' \
	    "$1/spool/outbox.jsonl"; do
		sleep 0.1
		i=$((i + 1))
	done
	kill "$pid"
	wait "$pid"
	pid=
	grep -s '"text":"Pickup: Your laptop is ready"' "$1/spool/outbox.jsonl" >>"$1.log"
}

copy "$tmp/a"; both "$tmp/a" quickstart.sh test.sh
result "quick start's build, then test.sh's, in a fresh copy" $? "$tmp/a.log"
both "$tmp/a" quickstart.sh test.sh
result "both again in the same copy" $? "$tmp/a.log"
relay_takes_mail "$tmp/a"
result "the quick start's relay takes swaks' message into ./spool/outbox.jsonl" $? "$tmp/a.log"
rm -rf "$tmp/a"
copy "$tmp/b"; both "$tmp/b" test.sh quickstart.sh
result "test.sh's build, then the quick start's, in a fresh copy" $? "$tmp/b.log"
both "$tmp/b" test.sh quickstart.sh
result "both again in the same copy" $? "$tmp/b.log"
exit $failed
