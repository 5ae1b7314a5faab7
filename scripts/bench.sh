#!/bin/sh
# bench.sh BASE: what the fix costs at run time, and how fast the harness
# checks a change (make bench; not part of make check).
#
# 1. The guest kernels with the series and with the fix reverted
#    (tests/revert/BASE) boot alternately, PAIRS times each (default 5),
#    and run tests/bench/devmem-bench with BENCH=ITERATIONS,ROUNDS (default
#    2000,5). Per boot, the median over rounds of each operation; per
#    operation, the patched/unpatched ratio of each pair, and their median
#    and spread. TCG timing is noisy: only ratios of alternating boots in
#    one run mean anything.
# 2. The harness: per step, the latest make check of BASE that was cold
#    (tree unpacked), changed (the series changed since the previous
#    check, e.g. one line of drivers/char/mem.c) and unchanged; and the
#    time to rebuild and boot the guest after a one-line change to mem.c.
set -eu
. "$(dirname -- "$0")/lib.sh"
load_base "$1"
S=$TOP/scripts
pairs=${PAIRS:-5}
BENCH=${BENCH:-2000,5}
# One vCPU: with two, TCG's threads compete with each other on a 2-core
# host and the timings spread much more.
BOOT_SMP=${BOOT_SMP:-1}
export BENCH BOOT_SMP
lock_harness
require_clean_tree
trap 'tgit checkout -q series; tgit branch -q -D bench-touch 2>/dev/null || true' EXIT

for branch in series reverted; do
	"$S/build.sh" "$BASE" "$branch"
done
out=$BUILD/$BASE/bench.tsv
: >"$out"
i=1
while [ "$i" -le "$pairs" ]; do
	for branch in series reverted; do
		say "$BASE bench: pair $i of $pairs, $branch"
		"$S/boot.sh" "$BASE" "$branch"
		cp "$LOGS/boot-$branch.log" "$LOGS/bench-$branch-$i.log"
		# median over the rounds of this boot, per operation
		tr -d '\r' <"$LOGS/bench-$branch-$i.log" |
			sed -n 's/^bench: \([a-z_]*\) [0-9]* \([0-9]*\)$/\1 \2/p' |
			sort -k1,1 -k2,2n |
			awk -v p="$i" -v b="$branch" '
			{ v[$1, ++n[$1]] = $2 }
			END { for (op in n) print p "\t" b "\t" op "\t" v[op, int((n[op] + 1) / 2)] }' >>"$out"
	done
	i=$((i + 1))
done

[ "$(wc -l <"$out")" -eq $((pairs * 2 * 3)) ] ||
	die "the guests printed $(wc -l <"$out") bench medians, not $((pairs * 2 * 3)): see $LOGS/bench-*.log"
echo
echo "Run-time cost ($BASE, $pairs alternating pairs of boots, BENCH=$BENCH, TCG):"
printf '%-10s %12s %12s %8s %17s\n' operation "patched ns" "reverted ns" ratio "ratio min..max"
awk -F'\t' '
{ ns[$3, $2, $1] = $4; ops[$3] = 1; if ($1 > np) np = $1 }
function median(a, n,   i, j, t) {
	for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++)
		if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
	return a[int((n + 1) / 2)]
}
END {
	for (op in ops) {
		for (p = 1; p <= np; p++) {
			s[p] = ns[op, "series", p]; r[p] = ns[op, "reverted", p]
			q[p] = r[p] ? s[p] / r[p] : 0
		}
		ms = median(s, np); mr = median(r, np); mq = median(q, np)
		printf "%-10s %12d %12d %8.3f %8.3f..%.3f\n", op, ms, mr, mq, q[1], q[np]
	}
}' "$out" | sort
echo "(ratio = patched / fix reverted; the fix adds one cc_platform_has() call to open)"

echo
echo "Harness ($BASE): make check, latest run of each kind (build/check-times.tsv)"
echo "  cold: tree unpacked; changed: series changed since the last check;"
echo "  unchanged: nothing changed"
if [ -s "$BUILD/check-times.tsv" ]; then
	awk -F'\t' -v b="$BASE" '
	$2 == b { last[$3] = $1 }
	{ row[NR] = $0 }
	END {
		nk = split("cold changed unchanged", kinds, " ")
		for (i = 1; i <= NR; i++) {
			split(row[i], f, "\t")
			if (f[2] != b || last[f[3]] != f[1]) continue
			if (!(f[4] in seen)) { seen[f[4]] = 1; steps[++ns] = f[4] }
			t[f[4], f[3]] = f[6]; tot[f[3]] += f[6]
		}
		printf "  %-8s", "step"
		for (k = 1; k <= nk; k++) printf " %10s", kinds[k]
		printf "\n"
		for (s = 1; s <= ns; s++) {
			printf "  %-8s", steps[s]
			for (k = 1; k <= nk; k++)
				printf " %10s", ((steps[s], kinds[k]) in t) ? t[steps[s], kinds[k]] "s" : "-"
			printf "\n"
		}
		printf "  %-8s", "total"
		for (k = 1; k <= nk; k++)
			printf " %10s", (kinds[k] in last) ? tot[kinds[k]] "s" : "-"
		printf "\n"
	}' "$BUILD/check-times.tsv"
else
	echo "  none recorded yet: run make check"
fi

echo
echo "Harness ($BASE), guest rebuilt and booted after a one-line change to drivers/char/mem.c:"
tgit checkout -q -B bench-touch series
echo "/* bench: a one-line change */" >>"$SRC/drivers/char/mem.c"
tgit commit -q -a -m "bench: touch drivers/char/mem.c"
t0=$(date +%s)
"$S/build.sh" "$BASE" bench-touch
t1=$(date +%s)
BENCH=20,1 "$S/boot.sh" "$BASE" bench-touch
t2=$(date +%s)
tgit checkout -q series
printf '  rebuild %ss, boot and test %ss, total %ss\n' $((t1 - t0)) $((t2 - t1)) $((t2 - t0))
