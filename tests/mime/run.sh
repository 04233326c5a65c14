#!/bin/sh
# run.sh - the golden corpus as TAP: every tests/mime/*.eml (and tnef/*.eml)
# through `smsrelayctl convert -t`, compared with its .sms or .reject file.
#
# NAME.sms: stdout must equal it byte for byte and the exit status be 0.
# NAME.reject: the exit status must be 1 and the first stderr line start
# with its first line (e.g. "550 5.6.0"). By hand: sh tests/mime/run.sh
# [PATTERN...] from the build directory; PATTERN is a shell glob on NAME.
here=$(cd "$(dirname "$0")" && pwd)
: "${top_srcdir:=$(cd "$here/../.." && pwd)}"
: "${top_builddir:=$(pwd)}"
dir=$top_srcdir/tests/mime
ctl=$top_builddir/smsrelayctl
conf=$dir/corpus.conf

work=$(mktemp -d "${TMPDIR:-/tmp}/mime.XXXXXX") || exit 1
trap 'rm -rf "$work"' EXIT INT TERM

# wanted NAME - whether the command line patterns (if any) select NAME
wanted() {
	[ $# -eq 1 ] && return 0
	name=$1
	shift
	for pat in "$@"; do
		# shellcheck disable=SC2254 # the pattern is meant as a glob
		case $name in $pat) return 0 ;; esac
	done
	return 1
}

# expectation EML - the .sms or .reject path for a message, without suffix
expectation() {
	case $1 in
	"$dir"/tnef/*.eml) echo "$dir/tnef-$(basename "$1" .eml)" ;;
	*) echo "${1%.eml}" ;;
	esac
}

list=$work/list
for eml in "$dir"/*.eml "$dir"/tnef/*.eml; do
	[ -f "$eml" ] || continue
	name=$(basename "$(expectation "$eml")")
	wanted "$name" "$@" && echo "$eml" >> "$list"
done
[ -f "$list" ] || { echo "1..0 # SKIP no message matches"; exit 0; }
echo "1..$(wc -l < "$list")"

if [ ! -x "$ctl" ]; then
	n=0
	while read -r eml; do
		n=$((n + 1))
		echo "not ok $n - $(basename "$(expectation "$eml")"): $ctl is missing"
	done < "$list"
	exit 1
fi

n=0
failed=0
while read -r eml; do
	n=$((n + 1))
	exp=$(expectation "$eml")
	name=$(basename "$exp")
	"$ctl" convert -t -f "$conf" "$eml" > "$work/out" 2> "$work/err"
	status=$?
	if [ -f "$exp.sms" ]; then
		if [ $status -eq 0 ] && cmp -s "$exp.sms" "$work/out"; then
			echo "ok $n - $name"
			continue
		fi
		echo "not ok $n - $name (exit $status)"
		diff -u "$exp.sms" "$work/out" | sed '1,2d; s/^/# /'
	elif [ -f "$exp.reject" ]; then
		want=$(head -n 1 "$exp.reject")
		got=$(head -n 1 "$work/err")
		case $got in
		"$want"*)
			if [ $status -eq 1 ]; then
				echo "ok $n - $name"
				continue
			fi ;;
		esac
		echo "not ok $n - $name (exit $status, want 1 and \"$want...\")"
		sed 's/^/# stdout: /' "$work/out"
	else
		echo "not ok $n - $name: no $exp.sms or $exp.reject"
		failed=1
		continue
	fi
	sed 's/^/# stderr: /' "$work/err"
	failed=1
done < "$list"
exit $failed
