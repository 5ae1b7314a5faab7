#!/bin/sh
# rebase.sh BASE VERSION: move the series of BASE to another version of
# Debian's kernel source, visibly: install it, record it in patches/BASE/base
# (a change git shows), unpack it and git am the series. When a patch no
# longer applies, git am stops in build/BASE/src for you to resolve; then
# make refresh BASE=BASE writes the series back and make check tests it.
set -eu
. "$(dirname -- "$0")/lib.sh"
load_base "$1"
new=${2:-}
[ -n "$new" ] || die "say which version: make rebase BASE=$BASE VERSION=<debian version> (apt-cache policy $package)"
[ "$new" != "$version" ] || die "patches/$BASE is already on $package $version"
lock_harness
require_clean_tree
require_exported_series
cfg=linux-config-${package#linux-source-}
[ "$(id -u)" = 0 ] || die "installing $package=$new needs root: sudo apt-get install $package=$new $cfg=$new"
for p in "$package" "$cfg"; do
	in_archive "$p" "$new" ||
		die "$p $new is not in the archive (apt-get update first?); a base needs Debian's source and configs of the same version"
done
say "$BASE rebase: installing $package=$new $cfg=$new"
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
	--allow-downgrades "$package=$new" "$cfg=$new" >"$BUILD/apt.log" 2>&1 ||
	die "apt-get install $package=$new failed (see $BUILD/apt.log)"
sed -i "s/^version=.*/version=$new/" "$PATCHDIR/base"
say "$BASE rebase: patches/$BASE/base now says $new (was $version)"
KEEP_AM=1 "$TOP/scripts/tree.sh" "$BASE"
say "$BASE rebase: the series applies to $new; run make check BASE=$BASE, then commit patches/$BASE"
