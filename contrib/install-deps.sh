#!/bin/sh
# install-deps.sh [build|test|bench] - install the Debian packages smsrelay needs,
# only what is missing (apt-get update runs only then). Run as root.
set -e
what=${1:-build}
build="autoconf automake libtool pkg-config make gcc libc6-dev
 libetpan-dev libevent-dev libcurl4-gnutls-dev libconfig-dev libssl-dev
 libjansson-dev zlib1g-dev libxml2-dev libytnef0-dev libcmocka-dev"
test="$build swaks postfix python3 curl openssl cppcheck clang"
bench="$test nginx-light"
case $what in
	build) pkgs=$build ;;
	test) pkgs=$test ;;
	bench) pkgs=$bench ;;
	*) echo "usage: install-deps.sh [build|test|bench]" >&2; exit 2 ;;
esac
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
$sudo apt-get update -q >/dev/null
$sudo apt-get install -y -q --no-install-recommends $missing >/dev/null
