#!/bin/sh
# quickstart.sh - install the build dependencies, build, and run smsrelayd in
# the foreground on its embedded default (127.0.0.1:2525, ./spool, outbox).
set -e
cd "$(dirname "$0")/.."
sh contrib/install-deps.sh build
[ -x configure ] || ./autogen.sh
[ -f Makefile ] || ./configure
make -j"$(nproc)"
echo "smsrelayd: SMS go to $(pwd)/spool/outbox.jsonl; stop with Ctrl-C" >&2
exec ./smsrelayd -d
