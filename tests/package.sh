#!/bin/sh
# package.sh - make check's test (TAP) of the Debian package: contrib/build-deb.sh
# builds it, lintian finds no error, it holds what make install installs, it
# installs into a scratch root with its maintainer scripts (dpkg --root),
# smsrelayd -n reads the installed config as the smsrelay user, the installed
# unit passes systemd-analyze verify, the installed daemon runs as smsrelay
# on the installed spool and takes a mail into its outbox, and purge removes
# what postinst made.
top_srcdir=$(cd "${top_srcdir:-.}" && pwd -P) || exit 1
top_builddir=$(cd "${top_builddir:-.}" && pwd -P) || exit 1
# the package build is its own, not part of the make running this
unset MAKEFLAGS MFLAGS MAKELEVEL
tmp=$(mktemp -d "${TMPDIR:-/tmp}/package.XXXXXX") || exit 1
pid=
trap '[ -z "$pid" ] || kill "$pid" 2>/dev/null; rm -rf "$tmp"' EXIT
# the smsrelay user of the scratch root reads files below it
chmod 755 "$tmp"
echo 1..8
n=0
failed=0

# result NAME STATUS [LOG] - one TAP line; a failure shows the log's tail
result() {
	n=$((n + 1))
	if [ "$2" = 0 ]; then
		echo "ok $n - $1"
	else
		echo "not ok $n - $1"
		[ -z "${3-}" ] || tail -n 30 "$3" | sed 's/^/# /'
		failed=1
	fi
}

# skip_rest WHY - the remaining cases cannot run here
skip_rest() {
	while [ "$n" -lt 8 ]; do
		n=$((n + 1))
		echo "ok $n # SKIP $1"
	done
	exit $failed
}

# 1: the package, without its unit tests (make check runs those) and
# without the debug symbols package
out=$tmp/out
DEB_BUILD_OPTIONS="nocheck noddebs" timeout 900 sh "$top_srcdir/contrib/build-deb.sh" "$out" \
    >"$tmp/build.log" 2>&1
result "contrib/build-deb.sh builds the package" $? "$tmp/build.log"
deb=$(ls "$out"/smsrelay_*.deb 2>/dev/null | head -n 1)
[ -n "$deb" ] || skip_rest "no package built"

# 2: lintian, errors fail; warnings are shown
lintian --fail-on error --no-tag-display-limit "$out"/smsrelay_*.changes \
    >"$tmp/lintian.log" 2>&1
rc=$?
grep -E '^[EW]: ' "$tmp/lintian.log" | sed 's/^/# lintian: /'
result "lintian reports no error" $rc "$tmp/lintian.log"

# 3: every file make install puts under /usr and /etc is in the package
# (man pages compressed by dh_installman), plus the unit, the sysusers and
# tmpfiles entries; the sample configuration is a conffile
dpkg-deb -c "$deb" | awk '{ print $6 }' | sed 's|^\./|/|; s|\.gz$||' \
    >"$tmp/deb.list"
(make -C "$top_builddir" install DESTDIR="$tmp/mi" prefix=/usr \
    sysconfdir=/etc/smsrelay localstatedir=/var >"$tmp/mi.log" 2>&1 &&
    cd "$tmp/mi" && find . ! -type d | sed 's|^\.||') >"$tmp/mi.list"
rc=$?
for f in $(cat "$tmp/mi.list") /lib/systemd/system/smsrelayd.service \
    /usr/lib/sysusers.d/smsrelay.conf /usr/lib/tmpfiles.d/smsrelay.conf; do
	grep -qx "$f" "$tmp/deb.list" ||
	    { echo "# missing from the package: $f"; rc=1; }
done
[ -s "$tmp/mi.list" ] || { echo "# make install installed nothing"; rc=1; }
dpkg-deb -f "$deb" Package >/dev/null &&
    dpkg-deb --ctrl-tarfile "$deb" | tar -xOf - ./conffiles |
    grep -qx /etc/smsrelay/smsrelay.conf ||
    { echo "# /etc/smsrelay/smsrelay.conf is not a conffile"; rc=1; }
result "the package holds what make install installs, the unit, a conffile" $rc \
    "$tmp/mi.log"

[ "$(id -u)" = 0 ] || skip_rest "installing into a scratch root needs root (chown)"

# 4: install into a scratch root with an empty dpkg database; the maintainer
# scripts run outside a chroot with DPKG_ROOT set (the root has no shell);
# policy-rc.d there keeps the host's systemd from starting anything
root=$tmp/root
mkdir -p "$root/var/lib/dpkg/info" "$root/var/lib/dpkg/updates" \
    "$root/usr/sbin" "$root/etc"
: >"$root/var/lib/dpkg/status"
printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d"
chmod 755 "$root/usr/sbin/policy-rc.d"
dpkg --root="$root" --force-script-chrootless --force-depends --log=/dev/null \
    -i "$deb" >"$tmp/install.log" 2>&1
rc=$?
uid=$(awk -F: '$1 == "smsrelay" { print $3 }' "$root/etc/passwd" 2>/dev/null)
gid=$(awk -F: '$1 == "smsrelay" { print $4 }' "$root/etc/passwd" 2>/dev/null)
shell=$(awk -F: '$1 == "smsrelay" { print $7 }' "$root/etc/passwd" 2>/dev/null)
{
	[ $rc = 0 ] || echo "dpkg -i failed"
	[ -n "$uid" ] && [ "$uid" != 0 ] || echo "no smsrelay user: uid '$uid'"
	case $shell in */nologin|*/false) ;; *) echo "smsrelay's shell is '$shell'" ;; esac
	s=$(stat -c '%a %u:%g' "$root/var/spool/smsrelay" 2>&1)
	[ "$s" = "700 $uid:$gid" ] || echo "spool: $s, wanted 700 $uid:$gid"
	s=$(stat -c '%a %u:%g' "$root/etc/smsrelay/smsrelay.conf" 2>&1)
	[ "$s" = "600 $uid:$gid" ] || echo "config: $s, wanted 600 $uid:$gid"
	[ -L "$root/etc/systemd/system/multi-user.target.wants/smsrelayd.service" ] ||
	    echo "the unit is not enabled"
	[ -x "$root/usr/sbin/smsrelayd" ] && [ -x "$root/usr/bin/smsrelayctl" ] ||
	    echo "programs missing"
} >"$tmp/install.check"
[ -s "$tmp/install.check" ] && { rc=1; cat "$tmp/install.check" >>"$tmp/install.log"; }
result "dpkg --root installs it: user, spool 0700, config 0600, unit enabled" $rc \
    "$tmp/install.log"

# 5: the installed daemon checks the installed config as the smsrelay user
# (the file is that user's alone; -n reads it, prints it, opens no port)
setpriv --reuid="$uid" --regid="$gid" --clear-groups \
    "$root/usr/sbin/smsrelayd" -n -f "$root/etc/smsrelay/smsrelay.conf" \
    >"$tmp/n.out" 2>&1
rc=$?
grep -q '^spool = "/var/spool/smsrelay";' "$tmp/n.out" ||
    { echo "# no spool line in smsrelayd -n's output"; rc=1; }
result "installed smsrelayd -n -f /etc/smsrelay/smsrelay.conf as smsrelay" $rc \
    "$tmp/n.out"

# 6: systemd-analyze verify on the installed unit; the root holds no
# systemd of its own, so the copy verified runs the programs of the
# scratch root (verify checks they exist and are executable). The
# Documentation= man pages are checked when the package ships them.
mkdir "$tmp/unit"
sed "s|/usr/sbin/smsrelayd|$root/usr/sbin/smsrelayd|g" \
    "$root/lib/systemd/system/smsrelayd.service" >"$tmp/unit/smsrelayd.service"
if ls "$root"/usr/share/man/man8/smsrelayd.8* >/dev/null 2>&1; then
	MANPATH=$root/usr/share/man systemd-analyze verify \
	    "$tmp/unit/smsrelayd.service" >"$tmp/verify.log" 2>&1
else
	echo "# no man pages in the package yet: verify --man=no"
	systemd-analyze verify --man=no "$tmp/unit/smsrelayd.service" \
	    >"$tmp/verify.log" 2>&1
fi
rc=$?
[ -s "$tmp/verify.log" ] && rc=1
result "systemd-analyze verify: the installed unit" $rc "$tmp/verify.log"

# 7: the installed daemon as smsrelay on the installed spool (its path
# moved into the scratch root, the port a free one) takes the README's
# message into the spool's outbox.jsonl
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
sed -e "s|^spool = .*|spool = \"$root/var/spool/smsrelay\";|" \
    -e "s|^listen = .*|listen = ( { address = \"127.0.0.1:$port\"; } );|" \
    "$root/etc/smsrelay/smsrelay.conf" >"$tmp/run.conf"
chown "$uid:$gid" "$tmp/run.conf" && chmod 600 "$tmp/run.conf"
setpriv --reuid="$uid" --regid="$gid" --clear-groups \
    "$root/usr/sbin/smsrelayd" -d -f "$tmp/run.conf" >"$tmp/run.log" 2>&1 &
pid=$!
python3 - "$port" "$root/var/spool/smsrelay/outbox.jsonl" >>"$tmp/run.log" 2>&1 <<'PY'
import smtplib, sys, time
port, outbox = int(sys.argv[1]), sys.argv[2]
for _ in range(100):
    try:
        s = smtplib.SMTP("127.0.0.1", port, timeout=10)
        break
    except OSError:
        time.sleep(0.1)
else:
    sys.exit("smsrelayd did not listen on port %d" % port)
s.sendmail("clerk@example.com", ["+4917012345678@sms.example.com"],
           "Subject: Pickup\r\n\r\nYour laptop is ready\r\n")
s.quit()
for _ in range(100):
    try:
        if "Your laptop is ready" in open(outbox).read():
            sys.exit(0)
    except OSError:
        pass
    time.sleep(0.1)
sys.exit("no SMS in " + outbox)
PY
rc=$?
kill "$pid" 2>/dev/null
wait "$pid"
pid=
s=$(stat -c '%u' "$root/var/spool/smsrelay/outbox.jsonl" 2>&1)
[ "$s" = "$uid" ] || { echo "outbox owner: $s" >>"$tmp/run.log"; rc=1; }
result "installed smsrelayd as smsrelay takes a mail into the spool's outbox" $rc \
    "$tmp/run.log"

# 8: purge removes the spool, the config, its statoverride and the unit's
# symlink; the user stays (Debian's practice for system users)
dpkg --root="$root" --force-script-chrootless --force-depends --log=/dev/null \
    --purge smsrelay >"$tmp/purge.log" 2>&1
rc=$?
for f in /var/spool/smsrelay /etc/smsrelay/smsrelay.conf \
    /etc/systemd/system/multi-user.target.wants/smsrelayd.service \
    /usr/sbin/smsrelayd; do
	[ -e "$root$f" ] || [ -L "$root$f" ] &&
	    { echo "left after purge: $f" >>"$tmp/purge.log"; rc=1; }
done
grep -q smsrelay "$root/var/lib/dpkg/statoverride" 2>/dev/null &&
    { echo "statoverride left after purge" >>"$tmp/purge.log"; rc=1; }
result "dpkg --purge removes spool, config, statoverride, unit link" $rc \
    "$tmp/purge.log"
exit $failed
