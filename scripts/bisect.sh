#!/bin/sh
# bisect.sh BASE: every proper prefix of the series (the full series is the
# guest step) builds the guest kernel and passes the KUnit cases that exist
# at that point and the userspace checks. Incremental builds in the one
# object folder, from the longest prefix down: the guest step left the
# whole series built there, and a patch that changes a header most of the
# kernel includes (the private-copy fix, the mmap RFC's first patch) then
# rebuilds the kernel only where the walk crosses it. Walking up, a prefix
# after such a patch but before one that adds a Kconfig option rebuilt it
# all too, and ccache could not help: autoconf.h differed from every
# build before.
set -eu
. "$(dirname -- "$0")/lib.sh"
load_base "$1"
S=$TOP/scripts
n=$(tgit rev-list --count base..series)
trap 'tgit checkout -q series' EXIT
done_=""
k=$((n - 1))
while [ "$k" -ge 1 ]; do
	rev=series~$((n - k))
	say "$BASE bisect: patches 1..$k of $n ($(tgit log -1 --format=%s "$rev"))"
	"$S/build.sh" "$BASE" "$rev"
	"$S/boot.sh" "$BASE" "$rev"
	r=$("$S/results.sh" "$BASE" "$rev" prefix) || { echo "patches 1..$k: $r"; exit 1; }
	done_="1..$k: $r${done_:+; }$done_"
	k=$((k - 1))
done
echo "every prefix builds and passes: ${done_:-(one patch)}"
