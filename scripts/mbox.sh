#!/bin/sh
# mbox.sh BASE [check]: for each series folder of BASE (its own and those
# stacked on it), write build/BASE/NAME.mbox: the cover letter and the
# patches in series order, ready for git am or a mail client. With "check",
# also git am each onto what it goes on (the pristine base for the first,
# the folder before for the others; the cover letter, which has no diff, is
# dropped) and require the same tree as the branch that make tree built
# from the series files. The check runs in build/BASE/alt.
set -eu
. "$(dirname -- "$0")/lib.sh"
load_base "$1"
[ "${2:-}" != check ] || { require_clean_tree; use_alt_tree; }
ref=base out=""
for d in $(stack_dirs); do
	name=${d##*/}
	mbox=$BUILD/$BASE/$name.mbox
	{
		[ ! -f "$d/0000-cover-letter.patch" ] || cat "$d/0000-cover-letter.patch"
		for p in $(series_patches "$d"); do
			cat "$d/$p"
		done
	} >"$mbox"
	say "$BASE mbox: wrote ${mbox#"$TOP"/} ($(grep -c '^From 0\{40\} ' "$mbox") messages)"
	[ "${2:-}" = check ] || continue

	rc=0
	tgit checkout -q -B mbox-check "$ref"
	tgit am -q --empty=drop "$mbox" >"$LOGS/mbox-am.log" 2>&1 || rc=$?
	if [ "$rc" != 0 ]; then
		tgit am --abort >/dev/null 2>&1 || true
		tgit checkout -q -f --detach series
		die "$BASE mbox: git am of ${mbox#"$TOP"/} on $ref failed (see $LOGS/mbox-am.log)"
	fi
	same=$(tgit rev-parse 'mbox-check^{tree}') want=$(tgit rev-parse "$name^{tree}")
	n=$(tgit rev-list --count "$ref..mbox-check")
	tgit checkout -q --detach series
	tgit branch -q -D mbox-check
	[ "$same" = "$want" ] || { echo "git am of $name.mbox gives another tree than patches/$name"; exit 1; }
	what="$n patch$([ "$n" = 1 ] || echo es)"
	[ ! -f "$d/0000-cover-letter.patch" ] || what="cover letter + $what"
	out="$out${out:+; }$name: $what"
	ref=$name
done
[ "${2:-}" != check ] || echo "$out, each one mbox; git am of each gives its series' tree"
