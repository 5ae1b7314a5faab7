#!/bin/sh
# bisect.sh BASE: every proper prefix of the series (the full series is the
# guest step) builds the guest kernel and passes the KUnit cases that exist
# at that point and the userspace checks. Incremental builds in the one
# object folder, so each prefix costs a few files.
set -eu
. "$(dirname -- "$0")/lib.sh"
load_base "$1"
S=$TOP/scripts
n=$(tgit rev-list --count base..series)
trap 'tgit checkout -q series' EXIT
done_=""
k=1
while [ "$k" -lt "$n" ]; do
	rev=series~$((n - k))
	say "$BASE bisect: patches 1..$k of $n ($(tgit log -1 --format=%s "$rev"))"
	"$S/build.sh" "$BASE" "$rev"
	"$S/boot.sh" "$BASE" "$rev"
	r=$("$S/results.sh" "$BASE" "$rev" prefix) || { echo "patches 1..$k: $r"; exit 1; }
	done_="$done_${done_:+; }1..$k: $r"
	k=$((k + 1))
done
echo "every prefix builds and passes: ${done_:-(one patch)}"
