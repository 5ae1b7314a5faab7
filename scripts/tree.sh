#!/bin/sh
# tree.sh BASE: make build/BASE/src a git tree of Debian's kernel source for
# BASE (tag "base"), with branch "series" = base + patches/BASE (git am) and
# branch "reverted" = series + tests/revert/BASE (the fix taken out, tests
# kept). Reuses the tree when nothing under patches/BASE or tests/revert/BASE
# changed; refuses to touch a tree with uncommitted or unexported work.
set -eu
. "$(dirname -- "$0")/lib.sh"
load_base "$1"

[ -f "$TARBALL" ] || die "$TARBALL is missing: run make deps (apt-get install $package=$version)"
have=$(dpkg-query -W -f='${Version}' "$package" 2>/dev/null || true)
[ "$have" = "$version" ] ||
	die "$package $have is installed but patches/$BASE was tested on $version: run make deps, or move the series with make rebase BASE=$BASE VERSION=$have"

stamp=$(tree_stamp)
stampfile=$BUILD/$BASE/tree.stamp

if [ -d "$SRC/.git" ]; then
	require_clean_tree
	if [ -f "$stampfile" ] && [ "$(sed -n 1p "$stampfile")" = "$stamp" ]; then
		if [ "$(tgit rev-parse series)" != "$(sed -n 2p "$stampfile")" ]; then
			die "build/$BASE/src: branch series has commits that are not in patches/$BASE: export them with make refresh BASE=$BASE, or drop them with make clean BASE=$BASE"
		fi
		tgit checkout -q series
		say "$BASE tree: reusing build/$BASE/src ($package $version + series)"
		exit 0
	fi
	if [ -f "$stampfile" ] &&
	   [ "$(tgit rev-parse series 2>/dev/null)" != "$(sed -n 2p "$stampfile")" ]; then
		die "build/$BASE/src: branch series has commits that are not in patches/$BASE, and patches/$BASE changed too: make refresh BASE=$BASE would overwrite one with the other; sort it out by hand or make clean BASE=$BASE"
	fi
	if [ "$(tgit log -1 --format=%s base)" != "$package $version" ]; then
		say "$BASE tree: the base is not $package $version: unpacking again"
		rm -rf "$SRC"
	fi
fi

if [ ! -d "$SRC/.git" ]; then
	say "$BASE tree: unpacking $TARBALL"
	rm -rf "$SRC"
	mkdir -p "$SRC"
	tar -xf "$TARBALL" -C "$SRC" --strip-components=1
	say "$BASE tree: committing the base (git add -f: Debian's .gitignore ignores everything)"
	git -C "$SRC" init -q -b debian
	tgit add -f .
	tgit commit -q -m "$package $version" -m "Debian's kernel source, unmodified."
	tgit tag base
fi

# apply REF NAME FILES...: git am FILES onto REF as branch NAME.
apply() {
	ref=$1 branch=$2
	shift 2
	tgit checkout -q -B "$branch" "$ref"
	for p in "$@"; do
		if ! tgit am -q "$p" >"$LOGS/am.log" 2>&1; then
			files=$(tgit am --show-current-patch=diff 2>/dev/null |
				sed -n 's|^diff --git a/\([^ ]*\) .*|\1|p' | tr '\n' ' ')
			if [ -n "${KEEP_AM:-}" ]; then
				die "base $BASE ($package $version): ${p#"$TOP"/} does not apply (files: ${files% }); git am stopped in build/$BASE/src: resolve it there (git am --show-current-patch=diff, fix, git add -f, git am --continue), then make refresh BASE=$BASE"
			fi
			tgit am --abort >/dev/null 2>&1 || true
			tgit checkout -q -f series 2>/dev/null || tgit checkout -q -f base
			die "base $BASE ($package $version): ${p#"$TOP"/} does not apply (files: ${files% }; see $LOGS/am.log); to move the series to another Debian version: make rebase BASE=$BASE VERSION=<version>"
		fi
	done
}

say "$BASE tree: git am patches/$BASE ($(series_patches | wc -l) patches)"
set --
for p in $(series_patches); do
	[ -f "$PATCHDIR/$p" ] || die "patches/$BASE/series names $p, which does not exist"
	set -- "$@" "$PATCHDIR/$p"
done
apply base series "$@"
# The cover letter's text, for refresh.sh to write it again.
if [ -f "$PATCHDIR/0000-cover-letter.patch" ]; then
	{
		sed -n 's/^Subject: \[PATCH[^]]*\] //p' "$PATCHDIR/0000-cover-letter.patch"
		echo
		sed -e '1,/^$/d' -e '/^[^ ].* ([0-9]*):$/,$d' "$PATCHDIR/0000-cover-letter.patch"
	} >"$LOGS/cover-letter.txt"
	tgit config branch.series.description "$(cat "$LOGS/cover-letter.txt")"
fi
say "$BASE tree: git am tests/revert/$BASE (branch reverted)"
apply series reverted "$TOP/tests/revert/$BASE"/*.patch
tgit checkout -q series
printf '%s\n%s\n' "$stamp" "$(tgit rev-parse series)" >"$stampfile"
