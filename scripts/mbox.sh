#!/bin/sh
# mbox.sh BASE [check]: write build/BASE/series.mbox, the cover letter and
# the patches of patches/BASE in series order, ready for git am or a mail
# client. With "check", also git am it onto the pristine base (the cover
# letter, which has no diff, is dropped) and require the same tree as the
# series branch that make tree built from the series file.
set -eu
. "$(dirname -- "$0")/lib.sh"
load_base "$1"
mbox=$BUILD/$BASE/series.mbox
{
	[ ! -f "$PATCHDIR/0000-cover-letter.patch" ] || cat "$PATCHDIR/0000-cover-letter.patch"
	for p in $(series_patches); do
		cat "$PATCHDIR/$p"
	done
} >"$mbox"
say "$BASE mbox: wrote ${mbox#"$TOP"/} ($(grep -c '^From 0\{40\} ' "$mbox") messages)"
[ "${2:-}" = check ] || exit 0

require_clean_tree
rc=0
tgit checkout -q -B mbox-check base
tgit am -q --empty=drop "$mbox" >"$LOGS/mbox-am.log" 2>&1 || rc=$?
if [ "$rc" != 0 ]; then
	tgit am --abort >/dev/null 2>&1 || true
	tgit checkout -q -f series
	die "$BASE mbox: git am of ${mbox#"$TOP"/} on the base failed (see $LOGS/mbox-am.log)"
fi
same=$(tgit rev-parse 'mbox-check^{tree}') want=$(tgit rev-parse 'series^{tree}')
n=$(tgit rev-list --count base..mbox-check)
tgit checkout -q series
tgit branch -q -D mbox-check
[ "$same" = "$want" ] || { echo "git am of the mbox gives another tree than the series"; exit 1; }
echo "cover letter + $n patches in one mbox; git am of it gives the series' tree"
