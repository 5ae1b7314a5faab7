#!/bin/sh
# refresh.sh BASE: export branch "series" of build/BASE/src back into
# patches/BASE and the folders stacked on it, with git format-patch: each
# folder's patches (from the end of the folder before, up to the branch
# named after the folder; the last folder up to series), its series file,
# and a cover letter (0000-cover-letter.patch, not listed in series) whose
# text is the folder branch's description ("git branch --edit-description
# mainline"). Edit a patch with git rebase -i --update-refs base (which
# moves the folders' branches along) in build/BASE/src, then run this;
# make check tests what it wrote.
set -eu
. "$(dirname -- "$0")/lib.sh"
load_base "$1"
[ -d "$SRC/.git" ] || die "build/$BASE/src does not exist: run make tree BASE=$BASE first"
lock_harness
require_clean_tree
for d in $(stack_dirs); do
	git -C "$TOP" diff --quiet -- "$d" ":!$d/base" ||
		die "patches/${d##*/} has uncommitted edits that the refresh would overwrite: commit or drop them first (git diff patches/${d##*/})"
done
[ "$(tgit rev-parse --abbrev-ref HEAD)" = series ] ||
	die "build/$BASE/src is not on branch series"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# Each folder of the stack from the end of the one before (the last one to
# series): git rebase -i --update-refs moves the folders' branches along.
from=base
last=$(stack_dirs | tail -n 1)
for d in $(stack_dirs); do
	name=${d##*/} to=${d##*/}
	[ "$d" != "$last" ] || to=series
	n=$(tgit rev-list --count "$from..$to")
	[ "$n" -gt 0 ] || die "branch $to of build/$BASE/src has no commits over $from (git rebase -i --update-refs keeps the folders' branches)"
	# A fixed abbreviation for the index lines: the default grows with the
	# number of objects, so the same series would differ between trees.
	set -- --zero-commit --no-signature --abbrev=9 -o "$tmp/$name"
	# A stable backport says which tree it is for ([PATCH 6.12]), an RFC
	# that it is one: subject_prefix= in the folder's base file.
	prefix=$(sed -n 's/^subject_prefix=//p' "$d/base")
	[ -z "$prefix" ] || set -- "$@" --subject-prefix="$prefix"
	if [ "$n" -gt 1 ]; then
		tgit config --get "branch.$name.description" >/dev/null ||
			die "patches/$name, a series of $n patches, needs a cover letter: write it with git -C build/$BASE/src branch --edit-description $name (first line: subject)"
		set -- "$@" --cover-letter --cover-from-description=subject
	fi
	# The cover letter's text is the folder branch's description, and it is
	# from the series' author, not from the harness.
	tgit branch -f "cover-$name" "$to"
	tgit config "branch.cover-$name.description" "$(tgit config --get "branch.$name.description" || true)"
	git -C "$SRC" -c user.name="$(tgit log -1 --format=%an "$to")" \
		-c user.email="$(tgit log -1 --format=%ae "$to")" \
		format-patch -q "$@" "$from..cover-$name"
	tgit branch -q -D "cover-$name"
	# The cover letter's date is the time it is written: pin it to the last
	# commit's, so that a refresh with nothing changed changes nothing.
	if [ -f "$tmp/$name/0000-cover-letter.patch" ]; then
		date=$(tgit log -1 --format=%aD "$to")
		sed -i "s/^Date: .*/Date: $date/" "$tmp/$name/0000-cover-letter.patch"
	fi
	header=$(sed -n '/^#/p' "$d/series")
	rm -f "$d"/*.patch
	mv "$tmp/$name"/*.patch "$d/"
	{
		[ -z "$header" ] || printf '%s\n' "$header"
		for p in "$d"/[0-9]*.patch; do
			[ "${p##*/}" = 0000-cover-letter.patch ] || echo "${p##*/}"
		done
	} >"$d/series"
	[ "$d" = "$last" ] || tgit branch -f "$name" "$to"
	say "$BASE refresh: wrote $n patches$([ "$n" -gt 1 ] && echo ' and the cover letter') to patches/$name"
	from=$to
done
# The version the series was refreshed on is the one its tree is made of.
treever=$(tgit log -1 --format=%s base | sed 's/^[^ ]* //')
sed -i "s/^version=.*/version=$treever/" "$PATCHDIR/base"
printf '%s\n%s\n' "$(tree_stamp)" "$(tgit rev-parse series)" >"$BUILD/$BASE/tree.stamp"
tgit branch -f "${last##*/}" series
# shellcheck disable=SC2046 # one word per folder
git -C "$TOP" status --short -- $(stack_dirs)
