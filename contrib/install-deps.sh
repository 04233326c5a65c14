#!/bin/sh
# install-deps.sh [build|test|bench] - install the Debian packages smsrelay needs,
# only what is missing (apt-get update runs only then). Run as root.
set -e
what=${1:-build}
# swaks: the quick start's example message (README); libphonenumber (C++, hence
# g++) and tzdata: the numbers' validity, type and time zones (sms/convert/)
build="autoconf automake libtool pkg-config make gcc libc6-dev
 libetpan-dev libevent-dev libcurl4-gnutls-dev libconfig-dev libssl-dev
 libjansson-dev zlib1g-dev libxml2-dev libytnef0-dev libcmocka-dev
 libcrypt-dev libargon2-dev swaks
 g++ libphonenumber-dev tzdata"
# submission tests: swaks TLS (perl SSL), nodemailer (node), and exim run from
# its unpacked package (tests/e2e/exim/run-exim.sh): its libraries and an NSS
# wrapper; exim4 itself conflicts with postfix, so it is not installed;
# mandoc: the man pages' lint (tests/man/check.sh); the package test
# (tests/package.sh): dpkg-buildpackage, debhelper, lintian, systemd-analyze
# (systemd) and man for the unit's Documentation=; prometheus for its
# promtool, which checks /metrics (tests/e2e/metrics.py); chromium: the
# status page in a browser (npm playwright-core drives it)
test="$build postfix python3 curl openssl cppcheck clang mandoc groff-base
 libnet-ssleay-perl libio-socket-ssl-perl libnss-wrapper
 libdb5.3 libgnutls-dane0 libgnutls30 libidn12 libidn2-0 libnsl2 libpcre2-8-0
 dpkg-dev debhelper fakeroot lintian systemd man-db prometheus
 chromium"
bench="$test nginx-light"
case $what in
	build) pkgs=$build ;;
	test) pkgs=$test ;;
	bench) pkgs=$bench ;;
	*) echo "usage: install-deps.sh [build|test|bench]" >&2; exit 2 ;;
esac
# a NodeSource nodejs brings its own npm and conflicts with Debian's npm
if [ "$what" != build ]; then
	command -v node >/dev/null 2>&1 || pkgs="$pkgs nodejs"
	command -v npm >/dev/null 2>&1 || pkgs="$pkgs npm"
fi
missing=
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "install-deps.sh: installing$missing"
[ "$(id -u)" = 0 ] && sudo= || sudo=sudo
export DEBIAN_FRONTEND=noninteractive
# postfix is wanted only for smtp-sink: keep its own configuration off
echo "postfix postfix/main_mailer_type select No configuration" | $sudo debconf-set-selections
$sudo apt-get -o DPkg::Lock::Timeout=600 update -q >/dev/null
$sudo apt-get -o DPkg::Lock::Timeout=600 install -y -q --no-install-recommends $missing >/dev/null
