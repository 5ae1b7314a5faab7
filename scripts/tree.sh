#!/bin/sh
# tree.sh BASE: make build/BASE/src a git tree of Debian's kernel source for
# BASE (tag "base"), with branch "series" = base + patches/BASE + the series
# folders its base file stacks on it (git am; a branch named after each
# folder at its last patch), branch "simcc" = series + tests/simcc (the
# harness's simulated confidential guest) and branch "reverted" = series +
# tests/revert/BASE (the fix taken out, tests kept) + tests/simcc, and
# where tests/revert/BASE/ebda exists branch "reverted-ebda" = series + its
# patches + tests/simcc (the EBDA check). Reuses the tree when nothing under
# patches/BASE or tests/revert/BASE changed; refuses to touch a tree with
# uncommitted or unexported work.
set -eu
. "$(dirname -- "$0")/lib.sh"
load_base "$1"

{ [ -n "$TESTED" ] && [ -f "$TARBALL" ]; } || die "$TARBALL is missing: run make deps BASE=$BASE"
have=$(dpkg-query -W -f='${Version}' "$package" 2>/dev/null || true)
[ "$have" = "$TESTED" ] ||
	die "$package $have is installed, but $BASE is to be tested on $TESTED: run make deps BASE=$BASE"

stamp=$(tree_stamp)
stampfile=$BUILD/$BASE/tree.stamp
reverts=$(ls "$TOP/tests/revert/$BASE"/*.patch)
# The harness's simulated confidential guest (devmem_simulate_cc), on top of
# the series (branch simcc) and of the revert (branch reverted).
simcc=$(ls "$TOP"/tests/simcc/*.patch)
nrev=$(($(echo "$reverts" | wc -l) + $(echo "$simcc" | wc -l)))
ebda=$(ebda_reverts)

# apply_reverts: branches reverted, simcc and (where there is one)
# reverted-ebda on top of series.
apply_reverts() {
	# shellcheck disable=SC2086 # one word per file
	apply series reverted $reverts $simcc
	# shellcheck disable=SC2086
	apply series simcc $simcc
	# shellcheck disable=SC2086
	[ -z "$ebda" ] || apply series reverted-ebda $ebda $simcc
}

# apply REF BRANCH FILES...: git am FILES onto REF as BRANCH. When a patch
# does not apply, BRANCH is put back as it was and the patch is named.
apply() {
	ref=$1 branch=$2
	shift 2
	old=$(tgit rev-parse -q --verify "refs/heads/$branch" || true)
	tgit checkout -q -B "$branch" "$ref"
	for p in "$@"; do
		tgit am -q "$p" >"$LOGS/am.log" 2>&1 && continue
		# the files git am could not patch, else every file of the patch
		files=$(sed -n 's/^error: patch failed: \([^:]*\):.*/\1/p' "$LOGS/am.log" | sort -u | tr '\n' ' ')
		[ -n "$files" ] || files=$(tgit am --show-current-patch=diff 2>/dev/null |
			sed -n 's|^diff --git a/\([^ ]*\) .*|\1|p' | tr '\n' ' ')
		what="base $BASE ($package $TESTED): ${p#"$TOP"/} does not apply to ${files% }"
		if [ -n "${KEEP_AM:-}" ] && [ "$branch" = series ]; then
			die "$what; git am stopped in build/$BASE/src: resolve it there (git am --show-current-patch=diff, fix, git add -f, git am --continue), then make refresh BASE=$BASE"
		fi
		tgit am --abort >/dev/null 2>&1 || true
		if [ -n "$old" ]; then
			tgit update-ref "refs/heads/$branch" "$old"
		else
			tgit checkout -q --detach && tgit branch -q -D "$branch"
		fi
		tgit checkout -q -f series 2>/dev/null || tgit checkout -q -f base
		case $branch in
		series) die "$what; see $LOGS/am.log. The series was refreshed on $version: test that with VERSION=refreshed, or port the series with make rebase BASE=$BASE VERSION=$TESTED" ;;
		*) die "$what; see $LOGS/am.log. The revert check's patch must be made again on top of the series: git format-patch -o tests/revert/$BASE series..<your revert branch>" ;;
		esac
	done
}

if [ -d "$SRC/.git" ]; then
	require_clean_tree
	if [ -f "$stampfile" ] && [ "$(sed -n 1p "$stampfile")" = "$stamp" ] &&
	   [ "$(tgit log -1 --format=%s base)" = "$package $TESTED" ]; then
		require_exported_series
		# After make refresh the series is new: put the revert on top again.
		if [ "$(tgit rev-parse -q --verify "reverted~$nrev" || true)" != "$(tgit rev-parse series)" ]; then
			say "$BASE tree: git am tests/revert/$BASE and tests/simcc on the refreshed series"
			apply_reverts
		fi
		tgit checkout -q series
		# What make bench calls this run: the series changed since the last
		# make check, or nothing did.
		kind=unchanged
		[ "$(cat "$BUILD/$BASE/checked-series" 2>/dev/null)" = "$(tgit rev-parse series)" ] ||
			kind=changed
		echo "$kind" >"$BUILD/$BASE/tree.kind"
		say "$BASE tree: reusing build/$BASE/src ($package $TESTED + series)"
		exit 0
	fi
	require_exported_series
	if [ "$(tgit log -1 --format=%s base)" != "$package $TESTED" ]; then
		say "$BASE tree: the base is not $package $TESTED: unpacking again"
		rm -rf "$SRC"
	fi
fi

echo changed >"$BUILD/$BASE/tree.kind"
if [ ! -d "$SRC/.git" ]; then
	echo cold >"$BUILD/$BASE/tree.kind"
	say "$BASE tree: unpacking $TARBALL"
	rm -rf "$SRC"
	mkdir -p "$SRC"
	# -m: every file newer than what an object folder of this base holds
	# from an older Debian version, so that make rebuilds it all.
	tar -xmf "$TARBALL" -C "$SRC" --strip-components=1
	say "$BASE tree: committing the base (git add -f: Debian's .gitignore ignores everything)"
	git -C "$SRC" init -q -b debian
	# Loose objects uncompressed: zlib on 1.4 GB of source costs more
	# CPU than the disk they save (the tree lives in build/ only).
	tgit -c core.looseCompression=0 add -f .
	tgit commit -q -m "$package $TESTED" -m "Debian's kernel source, unmodified."
	tgit tag base
fi

# Each folder of the stack in turn onto branch series, and a branch named
# after the folder at its last patch; the cover letter's text becomes that
# branch's description, for refresh.sh to write it again.
ref=base
for d in $(stack_dirs); do
	name=${d##*/}
	say "$BASE tree: git am patches/$name ($(series_patches "$d" | wc -l) patches)"
	set --
	for p in $(series_patches "$d"); do
		[ -f "$d/$p" ] || die "patches/$name/series names $p, which does not exist"
		set -- "$@" "$d/$p"
	done
	apply "$ref" series "$@"
	tgit branch -f "$name" series
	ref=series
	[ -f "$d/0000-cover-letter.patch" ] || continue
	{
		# the subject, unfolded: format-patch wraps long ones
		subject_of "$d/0000-cover-letter.patch"
		echo
		sed -e '1,/^$/d' -e '/^[^ ].* ([0-9]*):$/,$d' "$d/0000-cover-letter.patch"
	} >"$LOGS/cover-letter-$name.txt"
	tgit config "branch.$name.description" "$(cat "$LOGS/cover-letter-$name.txt")"
done
say "$BASE tree: git am tests/revert/$BASE and tests/simcc (branch reverted), tests/simcc (branch simcc)${ebda:+, tests/revert/$BASE/ebda and tests/simcc (branch reverted-ebda)}"
apply_reverts
tgit checkout -q series
printf '%s\n%s\n' "$stamp" "$(tgit rev-parse series)" >"$stampfile"
