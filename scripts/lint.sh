#!/bin/sh
# lint.sh BASE: the patches of BASE and of the series stacked on it, as a
# maintainer would check them:
#  - scripts/checkpatch.pl --strict reports nothing on any patch;
#  - the Cc: trailers of each patch name exactly what (for a stable
#    backport: exactly the Cc: of the mainline patch it backports, whose
#    trailers it carries unchanged; otherwise)
#    scripts/get_maintainer.pl (base tree, no git history) reports for the
#    files it touches, plus stable@ on a patch with Fixes:, plus what it
#    reports for the files that the folder's cc-also names for the patch
#    (code whose behaviour the patch changes without touching it);
#  - git interpret-trailers --parse sees every Fixes:, Cc: and
#    Signed-off-by: of the message (a backport note must not hide them);
#  - every upstream commit that a patch cites is in patches/upstream-commits
#    with that subject;
#  - the documentation it touches builds: each .rst file passes docutils
#    with warnings as errors (make htmldocs is too heavy here), each C file
#    passes scripts/kernel-doc -none, and every Documentation/ path that an
#    added line names exists.
# Two checkpatch checks are replaced, because the base tree is a tarball
# without history: UNKNOWN_COMMIT_ID (by the upstream-commits list) and
# FILE_PATH_CHANGES (by requiring a maintainer for every new file).
set -eu
. "$(dirname -- "$0")/lib.sh"
load_base "$1"
cd "$SRC"
bad=0
# shellcheck disable=SC2031 # d and p are the loop's, read at once
fail() {
	echo "${d##*/}/$p: $*" >&2
	bad=$((bad + 1))
}

# doc_check FILE: what docutils (.rst, warnings as errors; make htmldocs
# is too heavy here) or scripts/kernel-doc -none (C) says about FILE, line
# numbers and the file name taken out.
doc_check() {
	case $1 in
	*.rst) /usr/bin/python3 -m docutils --halt=warning --strict "$1" /dev/null ;;
	*) perl scripts/kernel-doc -none "$1" ;;
	esac 2>&1 | sed -e "s|$1||g" -e 's/:[0-9]*:/:/g' | sort -u
}

# newer_warnings FILE: doc_check lines of FILE in the series that it does
# not have in the base (where a new file is empty).
newer_warnings() {
	tmp=$LOGS/doc-base.${1##*.}
	git show "base:$1" >"$tmp" 2>/dev/null || : >"$tmp"
	doc_check "$tmp" >"$LOGS/doc-base.out"
	doc_check "$1" | grep -vxF -f "$LOGS/doc-base.out" | head -n 1 || true
}

# A tree whose checkpatch.pl predates the Closes: tag (6.1's) takes the
# Closes: URL that the mainline changelog carries for an unwrapped line:
# there, and only there, long message lines are not checkpatch's to judge.
ignore=UNKNOWN_COMMIT_ID,FILE_PATH_CHANGES
grep -q 'Closes' scripts/checkpatch.pl || ignore=$ignore,COMMIT_LOG_LONG_LINE
n=0
for d in $(stack_dirs); do
for p in $(series_patches "$d"); do
	f=$d/$p
	n=$((n + 1))
	# Debian's python3 first: checkpatch runs scripts/spdxcheck.py, which
	# needs python3-ply and python3-git.
	if ! PATH=/usr/bin:$PATH ./scripts/checkpatch.pl --strict --quiet --show-types \
		--ignore "$ignore" "$f" >"$LOGS/checkpatch.log" 2>&1 ||
		grep -q Traceback "$LOGS/checkpatch.log"; then
		cat "$LOGS/checkpatch.log" >&2
		fail "checkpatch.pl --strict is not clean"
	fi

	# In a git tree whose history lacks the commits checkpatch skips the
	# form check of every citation; outside any git tree (/) it checks the
	# form ('commit <id> ("<subject>")') as a tree that has them would.
	if ! (cd / && PATH=/usr/bin:$PATH "$SRC/scripts/checkpatch.pl" --no-tree --quiet \
		--show-types --types GIT_COMMIT_ID "$f") >"$LOGS/checkpatch-ids.log" 2>&1 ||
		[ -s "$LOGS/checkpatch-ids.log" ]; then
		cat "$LOGS/checkpatch-ids.log" >&2
		fail "checkpatch.pl: a commit is cited in another form than 'commit <id> (\"<subject>\")'"
	fi

	perl scripts/get_maintainer.pl --no-git --no-git-fallback \
		--no-rolestats --no-tree "$f" >"$LOGS/get_maintainer.out" \
		2>"$LOGS/get_maintainer.err" ||
		die "$p: scripts/get_maintainer.pl failed: $(tail -n 1 "$LOGS/get_maintainer.err")"
	[ -s "$LOGS/get_maintainer.out" ] || die "$p: scripts/get_maintainer.pl named nobody"
	# cc-also: "NNNN FILE...": the owners of FILEs are asked too.
	also=$(sed -n "s/^${p%%-*}[[:space:]]//p" "$d/cc-also" 2>/dev/null || true)
	if [ -n "$also" ]; then
		# shellcheck disable=SC2086 # one word per file
		perl scripts/get_maintainer.pl --no-git --no-git-fallback \
			--no-rolestats --no-tree -f $also >>"$LOGS/get_maintainer.out" \
			2>>"$LOGS/get_maintainer.err" ||
			die "$p: scripts/get_maintainer.pl -f $also failed"
	fi
	want=$(sort -u "$LOGS/get_maintainer.out")
	if grep -q '^Fixes: ' "$f"; then
		want=$(printf '%s\nstable@vger.kernel.org\n' "$want" | sort)
	fi
	# A stable backport carries the mainline patch's trailers unchanged:
	# its Cc: are the mainline patch's, whom this tree's MAINTAINERS names
	# or not.
	if grep -q '^\[ Backport of patch [0-9]*/[0-9]* of the mainline series' "$f"; then
		orig=$(for m in "$TOP"/patches/mainline*/0*.patch; do
			[ "${m##*/}" != 0000-cover-letter.patch ] || continue
			[ "$(subject_of "$m")" != "$(subject_of "$f")" ] || echo "$m"
		done | head -n 1)
		if [ -n "$orig" ]; then
			want=$(sed -n '/^---$/q; s/^Cc: //p' "$orig" | sed 's/ *#.*//' | sort)
		else
			fail "a backport, but no patch of patches/mainline* has its subject"
		fi
	fi
	# "Cc: stable@vger.kernel.org # see patch description": the address
	have=$(sed -n '/^---$/q; s/^Cc: //p' "$f" | sed 's/ *#.*//' | sort)
	extra=$(printf '%s\n' "$have" | grep -vxF "$want" || true)
	missing=$(printf '%s\n' "$want" | grep -vxF "$have" || true)
	[ -z "$missing" ] || fail "Cc: missing $(echo "$missing" | tr '\n' ',' | sed 's/,$//')"
	[ -z "$extra" ] || fail "Cc: not reported by get_maintainer.pl: $(echo "$extra" | tr '\n' ',' | sed 's/,$//')"

	# The trailers as git sees them: a note in the trailer block that is
	# not "[ ... ]" on one line can make git miss all but the last ones.
	sed -e '1,/^$/d' -e '/^---$/,$d' "$f" >"$LOGS/message"
	for t in Fixes Cc Signed-off-by; do
		[ "$(grep -c "^$t: " "$LOGS/message")" = \
		  "$(git interpret-trailers --parse <"$LOGS/message" | grep -c "^$t: ")" ] ||
			fail "git interpret-trailers --parse does not see every $t: line"
	done

	for new in $(git apply --summary "$f" | sed -n 's/^ create mode [0-7]* //p'); do
		perl scripts/get_maintainer.pl --no-git --no-git-fallback --no-l \
			--no-r --no-rolestats -f "$new" 2>/dev/null | grep -q . ||
			fail "new file $new has no maintainer in MAINTAINERS"
	done

	# 'commit 0123456789ab ("subject")' and 'Fixes: 0123456789ab ("subject")',
	# also when wrapped over two lines.
	sed -n '/^---$/q; p' "$f" | tr '\n' ' ' | sed 's/  */ /g' |
		grep -o '[0-9a-f]\{12,40\} ("[^"]*")' | sort -u >"$LOGS/citations" || true
	while read -r id subject; do
		subject=${subject#(\"} subject=${subject%\")}
		grep -qxF "$(printf '%.12s' "$id") $subject" "$TOP/patches/upstream-commits" ||
			fail "cites $id (\"$subject\"), which is not in patches/upstream-commits"
	done <"$LOGS/citations"

	# The documentation tools on each file the patch touches, as the base
	# and as the whole series leave it (the tree is on series): anything
	# they report for the series but not for the base is new.
	for doc in $(git apply --numstat "$f" | cut -f3); do
		case $doc in
		*.rst|*.c|*.h) ;;
		*) continue ;;
		esac
		new=$(newer_warnings "$doc")
		[ -z "$new" ] || fail "$doc: $new"
	done
	# shellcheck disable=SC2013 # paths, one word each
	for ref in $(sed -n '/^---$/,$ s/^+.*\(Documentation\/[A-Za-z0-9_./-]*\.rst\).*/\1/p' "$f" | sort -u); do
		[ -f "$ref" ] || fail "names $ref, which does not exist"
	done
done
done
[ "$bad" = 0 ] || { echo "$bad problems in $n patches"; exit 1; }
echo "$n patches: checkpatch --strict clean, Cc as get_maintainer.pl, citations known, docs build"
