#!/bin/sh
# report.sh: the results table of the last run (build/results.tsv), its TAP
# version (build/results.tap), and the closing "N passed, N failed" line.
# Exits non-zero when any step failed.
set -eu
. "$(dirname -- "$0")/lib.sh"
[ -s "$RESULTS" ] || die "no results yet: run make or make check"

pass=$(awk -F'\t' '$3 == "PASS"' "$RESULTS" | wc -l)
fail=$(awk -F'\t' '$3 != "PASS"' "$RESULTS" | wc -l)

awk -F'\t' -v tap="$BUILD/results.tap" '
BEGIN { printf "\n%-6s %-8s %-6s %6s  %s\n", "base", "step", "result", "time", "detail" }
{
	printf "%-6s %-8s %-6s %5ss  %s\n", $1, $2, $3, $4, $5
	lines[NR] = sprintf("%sok %d %s %s%s", $3 == "PASS" ? "" : "not ", NR, $1, $2, $5 == "" ? "" : " # " $5)
}
END {
	print "TAP version 13" > tap
	print "1.." NR > tap
	for (i = 1; i <= NR; i++) print lines[i] > tap
}' "$RESULTS"
# The step times of every make check, for make bench.
when=$(date -u +%Y-%m-%dT%H:%M:%SZ)
# Each row: time, base, kind (cold: the tree was unpacked; changed: the
# series changed since the last make check; unchanged), step, result, s.
if [ "${HARNESS_MODE:-}" = check ]; then
	# shellcheck disable=SC2013 # base names, one word each
	for b in $(cut -f1 "$RESULTS" | sort -u); do
		[ -f "$BUILD/$b/tree.kind" ] || continue
		kind=$(cat "$BUILD/$b/tree.kind")
		awk -F'\t' -v t="$when" -v b="$b" -v k="$kind" \
			'$1 == b { print t "\t" b "\t" k "\t" $2 "\t" $3 "\t" $4 }' \
			"$RESULTS" >>"$BUILD/check-times.tsv"
		git -C "$BUILD/$b/src" rev-parse series >"$BUILD/$b/checked-series" 2>/dev/null || true
	done
	# The whole run's wall-clock time, when it ran every base: cold when
	# a base was cold, else changed when a base changed.
	ran=$(cut -f1 "$RESULTS" | sort -u | grep -vx 'all\|harness' | tr '\n' ' ')
	if [ "$ran" = "$(known_bases | sort | tr '\n' ' ')" ]; then
		kinds=$(for b in $ran; do cat "$BUILD/$b/tree.kind" 2>/dev/null || true; done)
		kind=unchanged
		! printf '%s\n' "$kinds" | grep -qx changed || kind=changed
		! printf '%s\n' "$kinds" | grep -qx cold || kind=cold
		printf '%s\tall\t%s\twall\t%s\t%s\n' "$when" "$kind" \
			"$([ "$fail" = 0 ] && echo PASS || echo FAIL)" "$(($(date +%s) - START))" >>"$BUILD/check-times.tsv"
	fi
fi
# Which Debian version each base was tested on, and on which its series was
# refreshed (deps.sh wrote it).
for b in $(cut -f1 "$RESULTS" | uniq); do
	[ ! -f "$BUILD/$b/tested.note" ] || cat "$BUILD/$b/tested.note"
done
echo "total time $(($(date +%s) - START))s; TAP: ${BUILD#"$TOP"/}/results.tap; logs: ${BUILD#"$TOP"/}/<base>/logs/"
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
