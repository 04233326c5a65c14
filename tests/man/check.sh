#!/bin/sh
# check.sh - make check's man page test (TAP): the three pages pass mandoc's
# lint, every key of the config tables and nothing else has an entry in
# smsrelay.conf.5, and every option and command the programs' usage names
# is in their pages.
#
# The keys come from tests/man/conf_keys, which walks the tables the loader
# walks; the commands and options from the usage the programs print. Neither
# is a list kept here, so a key or a command added without its entry fails.
# shellcheck disable=SC2013 # the loops split the usage into words on purpose
top_srcdir=${top_srcdir:-.}
top_builddir=${top_builddir:-.}
conf5=$top_srcdir/conf/smsrelay.conf.5
daemon8=$top_srcdir/smtpd/smsrelayd.8
ctl8=$top_srcdir/smtpd/ctl/smsrelayctl.8
tmp=$(mktemp -d "${TMPDIR:-/tmp}/mancheck.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
failed=0
echo 1..7

# ok N NAME FILE - "ok" when FILE is empty, else "not ok" and FILE as comments
ok() {
	if [ -s "$3" ]; then
		echo "not ok $1 - $2"; sed 's/^/# /' "$3"; failed=1
	else
		echo "ok $1 - $2"
	fi
}

# entries PAGE MACRO - the first word after ".It MACRO", one a line
entries() {
	sed -n "s/^\.It $2 \([^ ]*\).*/\1/p" "$1" | sort -u
}

# 1: mandoc's lint, warnings included, on all three pages
if ! command -v mandoc >/dev/null; then
	echo "mandoc missing: apt-get install mandoc" >"$tmp/lint"
else
	mandoc -T lint -W warning "$conf5" "$daemon8" "$ctl8" >"$tmp/lint" 2>&1
fi
ok 1 "mandoc -T lint -W warning on the three pages" "$tmp/lint"

# 2, 3: the config keys, from the real tables
if ! "$top_builddir/tests/man/conf_keys" >"$tmp/keys" 2>"$tmp/keys.err" ||
    [ ! -s "$tmp/keys" ]; then
	echo "tests/man/conf_keys failed" | cat - "$tmp/keys.err" >"$tmp/missing"
	cp "$tmp/missing" "$tmp/unknown"
else
	entries "$conf5" Cm >"$tmp/documented"
	# a group needs no entry of its own; a key and a second name do
	awk -F '\t' '$2 != "group" && $2 != "list-of-groups" { print $1 }' \
	    "$tmp/keys" | sort -u >"$tmp/required"
	cut -f 1 "$tmp/keys" | sort -u >"$tmp/known"
	comm -23 "$tmp/required" "$tmp/documented" |
	    sed 's/^/no ".It Cm" entry in smsrelay.conf.5: /' >"$tmp/missing"
	comm -13 "$tmp/known" "$tmp/documented" |
	    sed 's/^/smsrelay.conf.5 documents a key no table has: /' \
	    >"$tmp/unknown"
fi
ok 2 "every key of the config tables is in smsrelay.conf.5" "$tmp/missing"
ok 3 "smsrelay.conf.5 names only keys the tables have" "$tmp/unknown"

# 4: smsrelayd's options, from its usage line
"$top_builddir/smsrelayd" -h >/dev/null 2>"$tmp/dusage"
: >"$tmp/dmiss"
grep -q '^usage: smsrelayd' "$tmp/dusage" ||
    echo "smsrelayd -h printed no usage" >>"$tmp/dmiss"
for opt in $(grep -o '\[-[a-zA-Z]*' "$tmp/dusage" | sed 's/^\[-//' |
    sed 's/./& /g'); do
	grep -q "^\.It Fl $opt\( \|$\)" "$daemon8" ||
	    echo "no \".It Fl $opt\" entry in smsrelayd.8" >>"$tmp/dmiss"
done
ok 4 "every option of smsrelayd's usage is in smsrelayd.8" "$tmp/dmiss"

# 5, 6: smsrelayctl's commands and options, from its usage; an option must
# have an entry line (".It Fl s" or within ".It Cm convert Oo Fl t Oc")
"$top_builddir/smsrelayctl" >/dev/null 2>"$tmp/cusage"
: >"$tmp/cmiss"
: >"$tmp/omiss"
grep -q '^usage: smsrelayctl' "$tmp/cusage" ||
    echo "smsrelayctl printed no usage" | tee "$tmp/omiss" >"$tmp/cmiss"
# "  name ..." under "commands:", and the name after a synopsis's options
{
	sed -n '/^commands:/,$s/^  \([a-z][a-z]*\).*/\1/p' "$tmp/cusage"
	sed -n 's/.*smsrelayctl \[[^]]*\] \([a-z][a-z]*\).*/\1/p' "$tmp/cusage" |
	    grep -v '^command$'
} | sort -u >"$tmp/commands"
entries "$ctl8" Cm >"$tmp/ctldoc"
comm -23 "$tmp/commands" "$tmp/ctldoc" |
    sed 's/^/no ".It Cm" entry in smsrelayctl.8: /' >>"$tmp/cmiss"
[ -s "$tmp/commands" ] || echo "no command found in the usage" >>"$tmp/cmiss"
ok 5 "every command of smsrelayctl's usage is in smsrelayctl.8" "$tmp/cmiss"
# a letter option after "[", "|" or a space: [-f config | -s socket], -t
for opt in $(grep -oE '[[| ]-[a-zA-Z]([] ]|$)' "$tmp/cusage" |
    sed -E 's/^.-//; s/[] ]$//' | sort -u); do
	grep -q "^\.It .*Fl $opt\( \|$\)" "$ctl8" ||
	    echo "no \".It ... Fl $opt\" entry in smsrelayctl.8" >>"$tmp/omiss"
done
for opt in $(grep -o -- '--[a-z][a-z-]*' "$tmp/cusage" | sort -u); do
	grep -q "^\.It .*Fl \\\\-${opt#--}\( \|$\)" "$ctl8" ||
	    echo "no \".It ... Fl \\$opt\" entry in smsrelayctl.8" >>"$tmp/omiss"
done
ok 6 "every option of smsrelayctl's usage is in smsrelayctl.8" "$tmp/omiss"
# 7: Debian's man(1) formats with groff, not mandoc: its warnings too (a
# reference title left unquoted once made mdoc end a diversion at exit)
if command -v groff >/dev/null 2>&1; then
	for page in "$conf5" "$daemon8" "$ctl8"; do
		groff -mandoc -ww -z "$page" 2>&1
	done >"$tmp/groff"
else
	echo "groff is missing (Debian: groff-base)" >"$tmp/groff"
fi
ok 7 "groff -mandoc -ww formats the three pages without a warning" "$tmp/groff"
exit $failed
