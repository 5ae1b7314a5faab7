#!/bin/sh
# refresh.sh BASE: export branch "series" of build/BASE/src back into
# patches/BASE with git format-patch: the patches, the series file, and a
# cover letter (0000-cover-letter.patch, not listed in series) whose text is
# the branch description ("git branch --edit-description series").
# Edit a patch with git rebase -i / git commit --amend in build/BASE/src,
# then run this; make check tests what it wrote.
set -eu
. "$(dirname -- "$0")/lib.sh"
load_base "$1"
[ -d "$SRC/.git" ] || die "build/$BASE/src does not exist: run make tree BASE=$BASE first"
lock_harness
require_clean_tree
git -C "$TOP" diff --quiet -- "patches/$BASE" ":!patches/$BASE/base" ||
	die "patches/$BASE has uncommitted edits that the refresh would overwrite: commit or drop them first (git diff patches/$BASE)"
[ "$(tgit rev-parse --abbrev-ref HEAD)" = series ] ||
	die "build/$BASE/src is not on branch series"
n=$(tgit rev-list --count base..series)
[ "$n" -gt 0 ] || die "branch series of build/$BASE/src has no commits over base"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# A fixed abbreviation for the index lines: the default grows with the
# number of objects, so the same series would differ between trees.
set -- --zero-commit --no-signature --abbrev=9 -o "$tmp"
# A stable backport says which tree it is for: [PATCH 6.12 1/3].
prefix=$(base_field subject_prefix)
[ -z "$prefix" ] || set -- "$@" --subject-prefix="$prefix"
if [ "$n" -gt 1 ]; then
	tgit config --get branch.series.description >/dev/null ||
		die "a series of $n patches needs a cover letter: write it with git -C build/$BASE/src branch --edit-description series (first line: subject)"
	set -- "$@" --cover-letter --cover-from-description=subject
fi
# The cover letter is from the series' author, not from the harness.
git -C "$SRC" -c user.name="$(tgit log -1 --format=%an series)" \
	-c user.email="$(tgit log -1 --format=%ae series)" \
	format-patch -q "$@" base..series
# The cover letter's date is the time it is written: pin it to the last
# commit's, so that a refresh with nothing changed changes nothing.
if [ -f "$tmp/0000-cover-letter.patch" ]; then
	date=$(tgit log -1 --format=%aD series)
	sed -i "s/^Date: .*/Date: $date/" "$tmp/0000-cover-letter.patch"
fi

header=$(sed -n '/^#/p' "$PATCHDIR/series")
rm -f "$PATCHDIR"/*.patch
mv "$tmp"/*.patch "$PATCHDIR/"
{
	[ -z "$header" ] || printf '%s\n' "$header"
	for p in "$PATCHDIR"/[0-9]*.patch; do
		[ "${p##*/}" = 0000-cover-letter.patch ] || echo "${p##*/}"
	done
} >"$PATCHDIR/series"
# The version the series was refreshed on is the one its tree is made of.
treever=$(tgit log -1 --format=%s base | sed 's/^[^ ]* //')
sed -i "s/^version=.*/version=$treever/" "$PATCHDIR/base"
printf '%s\n%s\n' "$(tree_stamp)" "$(tgit rev-parse series)" >"$BUILD/$BASE/tree.stamp"
say "$BASE refresh: wrote $n patches$([ "$n" -gt 1 ] && echo ' and the cover letter') to patches/$BASE"
git -C "$TOP" status --short -- "patches/$BASE"
