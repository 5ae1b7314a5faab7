#!/bin/sh
# The harness's choice of the Debian version a base is tested on
# (scripts/versions.sh), fed apt-cache answers recorded on 2026-11-29
# (apt/2026-11-29) and made-up later ones (apt/constructed): no apt, no
# network. TAP on stdout; the last line is a summary; exits 1 on a failure.
set -eu
here=$(CDPATH='' cd -- "$(dirname -- "$0")" && pwd)
. "$here/../../scripts/versions.sh"
A=$here/apt/2026-11-29 C=$here/apt/constructed
n=0 failed=0

# check NAME WANT_VERSION WANT_TEXT BASE PACKAGE SRC CFG PIN REFRESHED [NAMES NEWSRC]
#   WANT_VERSION is the version it must pick, or "error"; WANT_TEXT a
#   fixed string its note (or its error) must contain.
check() {
	name=$1 want=$2 text=$3
	shift 3
	n=$((n + 1))
	if pick_version "$@"; then got=$PICKED msg=$PICK_NOTE; else got=error msg=$PICK_ERR; fi
	case $msg in
	*"$text"*) ok=1 ;;
	*) ok="" ;;
	esac
	if [ "$got" = "$want" ] && [ -n "$ok" ] && [ "$(printf '%s\n' "$msg" | wc -l)" = 1 ]; then
		echo "ok $n $name"
	else
		echo "not ok $n $name"
		echo "#   picked: $got (want $want)"
		echo "#   said:   $msg"
		echo "#   wanted: ...$text..."
		failed=$((failed + 1))
	fi
}

echo "TAP version 13"
echo "1..12"
check "6.1 today: the newest source that has its configs, not the refreshed one" \
	6.1.192-3 "6.1: testing linux-source-6.1 6.1.192-3; series refreshed on 6.1.192-2" \
	6.1 linux-source-6.1 "$A/linux-source-6.1.madison" "$A/linux-config-6.1.madison" "" 6.1.192-2
check "6.1 today pinned to the refreshed version: its configs are gone" \
	error "linux-source-6.1 6.1.192-2 (pinned) is not in the archive with its linux-config-6.1: the archive has linux-source-6.1 6.1.192-3 6.1.192-2 6.1.192-1 6.1.190-1, linux-config-6.1 6.1.192-3 6.1.176-1" \
	6.1 linux-source-6.1 "$A/linux-source-6.1.madison" "$A/linux-config-6.1.madison" 6.1.192-2 6.1.192-2
check "6.1 today pinned to the newest" \
	6.1.192-3 "testing linux-source-6.1 6.1.192-3; series refreshed on 6.1.192-2" \
	6.1 linux-source-6.1 "$A/linux-source-6.1.madison" "$A/linux-config-6.1.madison" 6.1.192-3 6.1.192-2
check "6.1 pinned to an old version that has its configs in bookworm" \
	6.1.176-1 "testing linux-source-6.1 6.1.176-1" \
	6.1 linux-source-6.1 "$A/linux-source-6.1.madison" "$A/linux-config-6.1.madison" 6.1.176-1 6.1.192-2
check "6.12 today: the refreshed version is the newest" \
	6.12.117-1~deb12u1 "6.12: testing linux-source-6.12 6.12.117-1~deb12u1, the version the series was refreshed on" \
	6.12 linux-source-6.12 "$A/linux-source-6.12.madison" "$A/linux-config-6.12.madison" "" 6.12.117-1~deb12u1
check "mainline today: 7.3 from trixie-backports, no newer line" \
	7.3.4-1~bpo13+1 "mainline: testing linux-source-7.3 7.3.4-1~bpo13+1, the version the series was refreshed on" \
	mainline linux-source-7.3 "$A/linux-source-7.3.madison" "$A/linux-config-7.3.madison" "" 7.3.4-1~bpo13+1 "$A/pkgnames" "$C/empty.madison"
check "a new 6.1 source published before its configs: the newest pair" \
	6.1.192-3 "testing linux-source-6.1 6.1.192-3" \
	6.1 linux-source-6.1 "$C/linux-source-6.1-upload.madison" "$A/linux-config-6.1.madison" "" 6.1.192-3
check "mainline when Debian has replaced 7.3 by 7.4: one line with the command" \
	error "linux-source-7.3 is gone from the archive; Debian's newest line is linux-source-7.4 7.4.2-1~bpo13+1: move the series with make rebase BASE=mainline PACKAGE=linux-source-7.4 VERSION=7.4.2-1~bpo13+1" \
	mainline linux-source-7.3 "$C/empty.madison" "$C/empty.madison" "" 7.3.4-1~bpo13+1 "$C/pkgnames-7.4" "$C/linux-source-7.4.madison"
check "mainline while 7.3 is still there beside a newer line: tested, and told" \
	7.3.4-1~bpo13+1 "Debian's newest line is linux-source-7.10" \
	mainline linux-source-7.3 "$A/linux-source-7.3.madison" "$A/linux-config-7.3.madison" "" 7.3.4-1~bpo13+1 "$C/pkgnames-7.10" "$C/empty.madison"
check "a stable base whose package is gone" \
	error "linux-source-6.1 is not in the archive" \
	6.1 linux-source-6.1 "$C/empty.madison" "$C/empty.madison" "" 6.1.192-2
check "a source with no configs at all" \
	error "no version of linux-source-6.1 has its linux-config-6.1 in the archive: linux-source-6.1 6.1.192-3 6.1.192-2 6.1.192-1 6.1.190-1, no linux-config-6.1" \
	6.1 linux-source-6.1 "$A/linux-source-6.1.madison" "$C/empty.madison" "" 6.1.192-2
check "versions in dpkg's order (~deb12u1, -1 < -2 < -3, 6.1.176 < 6.1.192)" \
	6.12.117-1~deb12u1 "testing linux-source-6.12 6.12.117-1~deb12u1; series refreshed on 6.12.107-1~deb12u1" \
	6.12 linux-source-6.12 "$A/linux-source-6.12.madison" "$A/linux-source-6.12.madison" "" 6.12.107-1~deb12u1
[ "$failed" = 0 ] || { echo "version choice: $failed of $n cases failed"; exit 1; }
echo "version choice: $n of $n cases pass on recorded apt-cache answers"
