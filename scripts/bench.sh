#!/bin/sh
# bench.sh BASE: what the fix costs at run time, and how fast the harness
# checks a change (make bench; not part of make check).
#
# 1. The cost of the fix, counted rather than timed. The guest kernels of
#    branch series (patches/BASE) and branch reverted (series +
#    tests/revert/BASE/*.patch: the fix taken out, nothing else), built by
#    build.sh from the same config, boot alternately, twice each, under
#    QEMU TCG on one vCPU with -icount shift=0,sleep=off: the virtual clock
#    and the TSC advance by exactly one tick per guest instruction. With
#    RDRAND and RDSEED off and the RTC on the virtual clock, little from
#    the host reaches the guest (only when its I/O completes: on a busy
#    host interrupts can land elsewhere). tests/bench/devmem-bench
#    (BENCH=ITERATIONS,ROUNDS, default 2000,5) times each call with rdtsc
#    and prints, per round, the counts that at least 1% of the calls took
#    (their paths). The figure, per operation and pair of boots: the
#    number of instructions by which the series kernel's paths are longer
#    than the reverted kernel's, the shift that lines up the most calls of
#    the two (a path that forks, like open() on 6.1, is compared branch
#    with branch, whichever branch is commoner in a boot). Both pairs of
#    boots must give the same figure, and the two configs must be the
#    same, or the run fails (after printing the tables). Shown beside it:
#    the median call (median over the rounds of each round's median) and
#    the mean over whole rounds (with the timer interrupts and deferred
#    work that land in them).
# 2. The harness, in wall-clock seconds: the time to rebuild and boot the
#    guest after a one-line change to drivers/char/mem.c, REBUILDS times
#    (default 2). make bench then prints make check's recorded times
#    (scripts/times.sh).
#
# The QEMU options reach scripts/boot.sh through BOOT_QEMU_OPTS.
set -eu
. "$(dirname -- "$0")/lib.sh"
load_base "$1"
S=$TOP/scripts
BENCH=${BENCH:-2000,5}
rebuilds=${REBUILDS:-2}
rounds=${BENCH#*,}
icount="-icount shift=0,sleep=off -cpu max,-rdrand,-rdseed -rtc base=2020-01-01T00:00:00,clock=vm"
echo "$BENCH" | grep -qx '[1-9][0-9]*,[1-9][0-9]*' ||
	die "BENCH is ITERATIONS,ROUNDS (e.g. 2000,5), not '$BENCH'"
reverts=$(ls "$TOP/tests/revert/$BASE"/*.patch 2>/dev/null) ||
	die "$BASE has no tests/revert/$BASE/*.patch: no kernel without the fix to compare with"
# reverted is series + tests/revert/BASE + tests/simcc (whose code is inert
# unless booted with devmem_simulate_cc).
simcc=$(ls "$TOP"/tests/simcc/*.patch)
nrev=$(($(echo "$reverts" | wc -l) + $(echo "$simcc" | wc -l)))
lock_harness
require_clean_tree
# On the way out: the tree back on series, part 2's branch and kernel gone.
trap '[ ! -d "$SRC/.git" ] || { tgit checkout -q series; tgit branch -q -D bench-touch 2>/dev/null || true; }
rm -f "$BUILD/$BASE"/*-bench-touch' EXIT

# Branch reverted on top of the current series, then both kernels; series
# last, so that the rebuilds of part 2 start from it.
"$S/tree.sh" "$BASE"
[ "$(tgit rev-parse -q --verify "reverted~$nrev" || true)" = "$(tgit rev-parse series)" ] ||
	die "build/$BASE/src: branch reverted is not series + tests/revert/$BASE + tests/simcc: run make tree BASE=$BASE"
for branch in reverted series; do
	"$S/build.sh" "$BASE" "$branch" >/dev/null
done
same=1
cfgs="build/$BASE/config-series and config-reverted are identical"
if ! cmp -s "$BUILD/$BASE/config-series" "$BUILD/$BASE/config-reverted"; then
	same=0
	cfgs="build/$BASE/config-series and config-reverted DIFFER (<series, >reverted): $(diff "$BUILD/$BASE/config-series" \
		"$BUILD/$BASE/config-reverted" | sed -n 's/^\([<>]\) /\1/p' | tr '\n' ' ')"
fi
tests="the kselftests (kselftest-series/, -reverted/) are identical"
diff -r "$BUILD/$BASE/kselftest-series" "$BUILD/$BASE/kselftest-reverted" >/dev/null 2>&1 ||
	tests="the kselftests (kselftest-series/, -reverted/) differ"

# The bench boots: per boot, kernel, operation and round the figures of
# devmem-bench (ns mean min median), and its paths (COUNT:CALLS ...).
out=$BUILD/$BASE/bench.tsv
paths=$BUILD/$BASE/bench-paths.tsv
: >"$out"
: >"$paths"
secs=
for i in 1 2; do
	for branch in series reverted; do
		say "$BASE bench: boot $i of 2, $branch (-icount)"
		t0=$(date +%s)
		BOOT_QEMU_OPTS=$icount BOOT_SMP=1 BENCH=$BENCH "$S/boot.sh" "$BASE" "$branch"
		secs="$secs $(($(date +%s) - t0))"
		log=$LOGS/bench-$branch-$i.log
		cp "$LOGS/boot-$branch.log" "$log"
		tr -d '\r' <"$log" |
			sed -n 's/^bench: \([a-z_]*\) \([0-9]*\) \([0-9]*\) \([0-9]*\) \([0-9]*\) \([0-9]*\)$/\1 \2 \3 \4 \5 \6/p' |
			awk -v i="$i" -v b="$branch" -v OFS='\t' '{ print i, b, $1, $2, $3, $4, $5, $6 }' >>"$out"
		tr -d '\r' <"$log" | sed -n 's/^bench-paths: //p' |
			awk -v i="$i" -v b="$branch" -v OFS='\t' '{ p = $3; for (f = 4; f <= NF; f++) p = p " " $f
				print i, b, $1, $2, p }' >>"$paths"
	done
done
for f in "$out" "$paths"; do
	[ "$(wc -l <"$f")" -eq $((4 * 3 * rounds)) ] ||
		die "the guests printed $(wc -l <"$f") lines for ${f#"$TOP"/}, not $((4 * 3 * rounds)): see $LOGS/bench-*.log"
done

echo
echo "The cost of the fix on $BASE, in guest instructions per call"
printf '  series    %s (patches/%s: %s patches)\n' "$(tgit rev-parse --short series)" \
	"$BASE" "$(series_patches "$PATCHDIR" | wc -l)"
printf '  reverted  %s = series + %s\n' "$(tgit rev-parse --short reverted)" \
	"$(for p in $reverts; do printf "%s\n" "${p#"$TOP"/}"; done | paste -sd" ")"
echo "  built by scripts/build.sh; $cfgs; $tests"
echo "  booted twice each, alternately: $(qemu-system-x86_64 --version | head -n 1), TCG, 1 vCPU,"
echo "  $icount;"
echo "  tests/bench/devmem-bench $BENCH (iterations per round, rounds); logs: ${LOGS#"$TOP"/}/bench-*.log"
rc=0
# The figure: per pair of boots (series#i, reverted#i) and operation, the
# shift d that lines up the most calls, sum over COUNT of min(series calls
# at COUNT, reverted calls at COUNT - d); among equals the smallest |d|.
awk -F'\t' -v calls="$((${BENCH%,*} * rounds))" '
{
	k = $1 SUBSEP $2 SUBSEP $3
	n = split($5, pair, " ")
	for (p = 1; p <= n; p++) {
		split(pair[p], vc, ":")
		if (!((k, vc[1]) in h)) vals[k] = vals[k] " " vc[1]
		h[k, vc[1]] += vc[2]
	}
}
# shift(BOOT, OP): sets best, share (of all calls lined up) and pairs (the
# commonest lined-up paths, series/reverted)
function shift(b, op,   s, r, ns, nr, sv, rv, i, j, d, ov, v, m, top, c) {
	s = b SUBSEP "series" SUBSEP op; r = b SUBSEP "reverted" SUBSEP op
	ns = split(vals[s], sv, " "); nr = split(vals[r], rv, " ")
	best = ""; bov = -1
	for (i = 1; i <= ns; i++) for (j = 1; j <= nr; j++) {
		d = sv[i] - rv[j]; ov = 0
		for (v = 1; v <= ns; v++)
			if ((r, sv[v] - d) in h)
				ov += h[s, sv[v]] < h[r, sv[v] - d] ? h[s, sv[v]] : h[r, sv[v] - d]
		if (ov > bov || (ov == bov && (d < 0 ? -d : d) < (best < 0 ? -best : best))) {
			best = d; bov = ov
		}
	}
	share = sprintf("%.0f%%", 100 * bov / calls)
	# the two commonest lined-up paths of series, commonest first
	pairs = ""
	for (m = 1; m <= 2; m++) {
		top = ""; c = -1
		for (v = 1; v <= ns; v++)
			if ((r, sv[v] - best) in h && !((sv[v]) in used) && h[s, sv[v]] > c) {
				top = sv[v]; c = h[s, sv[v]]
			}
		if (top == "") break
		used[top] = 1
		pairs = pairs sprintf(" %d/%d", top, top - best)
	}
	delete used
}
END {
	nops = split("open_mem open_port pread_mem", order, " ")
	printf "\nthe figure: how much longer the series kernel'"'"'s paths are than the\n"
	printf "reverted kernel'"'"'s, lining up the most calls (boots #1 with #1, #2 with #2)\n"
	printf "%-10s %8s %8s %8s  %-15s %s\n", "operation", "boots#1", "boots#2", "lined up",
		"the fix costs", "commonest paths, series/reverted"
	bad = 0
	for (o = 1; o <= nops; o++) {
		op = order[o]
		shift(1, op); d1 = best; s1 = share; p1 = pairs
		shift(2, op); d2 = best; s2 = share
		if (d1 != d2) { bad = 1; differ = differ " " op }
		printf "%-10s %+8d %+8d %8s  %-15s%s%s\n", op, d1, d2, s1 "," s2,
			d1 == d2 ? sprintf("%+d", d1) : "? (boots differ)", p1,
			op == "pread_mem" ? "  control: not on the fix'"'"'s path" : ""
	}
	if (bad) {
		printf "NOT REPEATABLE: the two pairs of boots give different figures for%s\n", differ
		exit 1
	}
	printf "repeatable: both pairs of boots give the same figure for every operation\n"
}' "$paths" || rc=1
awk -F'\t' '
{
	k = $2 SUBSEP $3
	med[$1, k, ++n[$1, k]] = $8
	sum[$1, k] += $6
}
function median(b, k,   a, m, i, j, t) {
	m = n[b, k]
	for (i = 1; i <= m; i++) a[i] = med[b, k, i]
	for (i = 1; i <= m; i++) for (j = i + 1; j <= m; j++)
		if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
	return a[int((m + 1) / 2)]
}
function pct(d, r) { return r ? sprintf("(%+.2f%%)", 100 * d / r) : "" }
# fig(WHAT, BOOT, KEY): the median call or the round mean
function fig(what, b, k) {
	return what == "median" ? median(b, k) : sum[b, k] / n[b, k]
}
# table(WHAT, VALUE FORMAT, DIFFERENCE FORMAT, TITLE): one table of
# fig(WHAT) for both boots of both kernels, and their difference where the
# boots of each kernel agree.
function table(what, vfmt, dfmt, title,   o, op, s, r, s1, s2, r1, r2, d) {
	printf "\n%s\n", title
	printf "%-10s %9s %9s %11s %11s  %s\n", "operation", "series#1", "series#2",
		"reverted#1", "reverted#2", "difference"
	for (o = 1; o <= nops; o++) {
		op = order[o]; s = "series" SUBSEP op; r = "reverted" SUBSEP op
		s1 = fig(what, 1, s); s2 = fig(what, 2, s); r1 = fig(what, 1, r); r2 = fig(what, 2, r)
		d = (s1 == s2 && r1 == r2) ? sprintf(dfmt " %s", s1 - r1, pct(s1 - r1, r1)) : "? (boots differ)"
		printf "%-10s " vfmt "  %s\n", op, s1, s2, r1, r2, d
	}
}
END {
	nops = split("open_mem open_port pread_mem", order, " ")
	table("median", "%9d %9d %11d %11d", "%+d",
		"median call (median over the rounds of each round'"'"'s median): the commoner\n" \
		"path of a boot, which on 6.1 need not be the same one in both kernels")
	table("mean", "%9.1f %9.1f %11.1f %11.1f", "%+.1f",
		"mean over whole rounds: with the interrupts and deferred work that land in\n" \
		"them, which move with any change to what runs before")
	printf "\n"
}' "$out"
# shellcheck disable=SC2086 # one word per boot
set -- $secs
printf 'wall-clock: the 4 boots took %s s (min..max; host time, not a figure of the fix)\n' \
	"$(printf '%s\n' "$@" | sort -n | sed -n '1p;$p' | paste -sd' ' | sed 's/ /../')"
[ "$same" = 1 ] || { echo "NOT LIKE WITH LIKE: the configs differ"; rc=1; }

echo
echo "Harness ($BASE): the guest rebuilt and booted (as make check boots it) after a"
echo "one-line change to drivers/char/mem.c, $rebuilds times:"
tgit checkout -q -B bench-touch series
j=1
while [ "$j" -le "$rebuilds" ]; do
	echo "/* bench: one-line change $j */" >>"$SRC/drivers/char/mem.c"
	tgit commit -q -a -m "bench: touch drivers/char/mem.c ($j)"
	t0=$(date +%s)
	"$S/build.sh" "$BASE" bench-touch >/dev/null
	t1=$(date +%s)
	BOOT_QEMU_OPTS='' BENCH=20,1 "$S/boot.sh" "$BASE" bench-touch
	t2=$(date +%s)
	printf '  %d: rebuild %ss, boot and test %ss, total %ss\n' "$j" \
		$((t1 - t0)) $((t2 - t1)) $((t2 - t0))
	j=$((j + 1))
done
tgit checkout -q series
exit "$rc"
