#!/bin/sh
# quickstart.sh [--build-only] - install the build dependencies, build in
# build/, and run smsrelayd in the foreground from the top of the checkout on
# its embedded default (127.0.0.1:2525, ./spool, outbox).
set -e
cd "$(dirname "$0")/.."
case ${1-} in
	"") run=1 ;;
	--build-only) run=0 ;;
	*) echo "usage: quickstart.sh [--build-only]" >&2; exit 2 ;;
esac
sh contrib/install-deps.sh build
sh contrib/builddir.sh build
make -C build -j"$(nproc)" >/dev/null
[ $run = 1 ] || exit 0
echo "smsrelayd: SMS go to $(pwd)/spool/outbox.jsonl; stop with Ctrl-C" >&2
exec build/smsrelayd -d
