#!/bin/sh
# times.sh [BASE...]: how long make check took, from what report.sh records
# in build/check-times.tsv after each make check: per base and step, the
# latest run of each kind, with min..max over every recorded run of that
# kind where there are several; per base the sum of its steps (a base's
# steps run one after another); and the whole run's wall-clock time (the
# bases run side by side). Kinds, per base: cold (its tree was unpacked: a
# fresh machine, or after make clean), changed (its series changed since
# its last make check), unchanged; a whole run is cold when a base was,
# else changed when a base was. Only runs of a base whose steps all passed
# count. Prints; make times and make bench call it.
set -eu
. "$(dirname -- "$0")/lib.sh"
tsv=$BUILD/check-times.tsv
if [ ! -s "$tsv" ]; then
	echo "make check has recorded no times yet (build/check-times.tsv): run make check"
	exit 0
fi
bases=$*
# shellcheck disable=SC2046 # one word per base
[ -n "$bases" ] || bases=$(known_bases | tr '\n' ' ')
echo "make check, seconds: the latest run of each kind (min..max over all runs of that kind)"
echo "  cold: the base's tree was unpacked; changed: its series changed since its last"
echo "  make check; unchanged: nothing changed (build/check-times.tsv)"
awk -F'\t' -v bases="$bases" '
BEGIN {
	nk = split("cold changed unchanged", kinds, " ")
	nb = split(bases, blist, " ")
}
{ all[NR] = $0; if ($5 != "PASS") bad[$1 SUBSEP $2] = 1 }
END {
	# Only the runs of a base where every step passed: the time of a
	# failed or skipped step says nothing.
	for (i = 1; i <= NR; i++) {
		split(all[i], f, "\t")
		if ((f[1] SUBSEP f[2]) in bad) continue
		row[++nr] = all[i]
		last[f[2] SUBSEP f[3]] = f[1]
	}
	for (i = 1; i <= nr; i++) {
		split(row[i], f, "\t")
		k = f[2] SUBSEP f[4] SUBSEP f[3]
		if (!(k in lo) || f[6] + 0 < lo[k]) lo[k] = f[6] + 0
		if (!(k in hi) || f[6] + 0 > hi[k]) hi[k] = f[6] + 0
		if (last[f[2] SUBSEP f[3]] != f[1]) continue
		if (!((f[2] SUBSEP f[4]) in seen)) { seen[f[2] SUBSEP f[4]] = 1; steps[f[2], ++ns[f[2]]] = f[4] }
		t[k] = f[6] + 0
		if (f[4] != "wall") tot[f[2] SUBSEP f[3]] += f[6]
	}
	printf "\n%-12s %-9s", "base", "step"
	for (j = 1; j <= nk; j++) printf " %14s", kinds[j]
	printf "\n"
	for (b = 1; b <= nb; b++) {
		base = blist[b]
		for (s = 1; s <= ns[base]; s++) {
			printf "%-12s %-9s", base, steps[base, s]
			for (j = 1; j <= nk; j++) printf " %14s", cell(base SUBSEP steps[base, s] SUBSEP kinds[j])
			printf "\n"
		}
		if (!ns[base]) continue
		printf "%-12s %-9s", base, "(sum)"
		for (j = 1; j <= nk; j++) {
			c = base SUBSEP kinds[j]
			printf " %14s", (c in tot) ? tot[c] : "-"
		}
		printf "\n"
	}
	printf "%-12s %-9s", "whole run", "(wall)"
	for (j = 1; j <= nk; j++) printf " %14s", cell("all" SUBSEP "wall" SUBSEP kinds[j])
	printf "\n"
}
function cell(c) {
	if (!(c in t)) return "-"
	if (lo[c] == hi[c]) return t[c]
	return t[c] " " lo[c] ".." hi[c]
}' "$tsv"
