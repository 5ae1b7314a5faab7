#!/bin/sh
# rebase.sh BASE VERSION [PACKAGE]: move the series of BASE to another
# version of Debian's kernel source, visibly: record it in patches/BASE/base
# (a change git shows; PACKAGE moves the mainline base to Debian's next
# line, say linux-source-7.4), install it, unpack it and git am the series.
# When a patch no longer applies, git am stops in build/BASE/src for you to
# resolve; then make refresh BASE=BASE writes the series back and make
# check tests it.
set -eu
. "$(dirname -- "$0")/lib.sh"
load_base "$1"
new=${2:-}
newpkg=${3:-$package}
[ -n "$new" ] || die "say which version: make rebase BASE=$BASE VERSION=<debian version> (apt-cache policy $package)"
[ "$new" != "$version" ] || [ "$newpkg" != "$package" ] ||
	die "patches/$BASE is already on $package $version"
lock_harness
require_clean_tree
require_exported_series
[ "$(id -u)" = 0 ] || die "installing $newpkg=$new needs root"
git -C "$TOP" diff --quiet -- "patches/$BASE/base" ||
	die "patches/$BASE/base has uncommitted edits: commit or drop them first"
sed -i -e "s/^version=.*/version=$new/" -e "s/^package=.*/package=$newpkg/" "$PATCHDIR/base"
say "$BASE rebase: patches/$BASE/base now says $newpkg $new (was $package $version)"
# Put the old base file back when the new version cannot be installed.
if ! "$TOP/scripts/deps.sh" tools "$BASE" >/dev/null ||
   ! "$TOP/scripts/deps.sh" base "$BASE" "$new" >/dev/null; then
	git -C "$TOP" checkout -- "patches/$BASE/base"
	die "$newpkg $new could not be installed; patches/$BASE/base is as it was"
fi
KEEP_AM=1 "$TOP/scripts/tree.sh" "$BASE"
say "$BASE rebase: the series applies to $newpkg $new; run make check BASE=$BASE VERSION=$new, then commit patches/$BASE"
