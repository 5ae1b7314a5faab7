#!/bin/sh
# run.sh main|check [BASE...]: the harness.
#   main   the main job, on the first base: install what is missing, apply the
#          series, build and boot the guest kernel, and show what the KUnit
#          suite and the userspace checks saw.
#   check  every test on every base: the lint of the patches, the Kconfig
#          matrix, the touched objects on Debian's config, arm64 and um
#          (W=1, sparse), the guest boot (KUnit; the kselftest as root and
#          unprivileged), the kselftest under lockdown=integrity, in a
#          simulated confidential guest (tests/simcc), the revert check
#          (the same tests without the fix must fail), the suite under
#          kunit.py (UML, x86_64), every prefix of the stack (bisect), the
#          kselftest on a kernel without STRICT_DEVMEM (nostrict), and each
#          series folder as one mbox.
# With more than one base, the bases run side by side (PARALLEL=0: one
# after another), each after its deps step (apt-get runs one at a time);
# within a base the steps run in order. Each step prints progress; the run
# ends with a table (base, step, result, time), build/results.tap (TAP), and
# "N passed, N failed".
set -eu
. "$(dirname -- "$0")/lib.sh"
mode=$1
shift
# shellcheck disable=SC2046 # one word per base
[ $# -gt 0 ] || set -- $(known_bases)
for b in "$@"; do
	[ -f "$TOP/patches/$b/series" ] ||
		die "unknown base '$b' (known: $(known_bases | tr '\n' ' '))"
done
[ "$mode" != main ] || set -- "$1"
# VERSION=<debian version> tests one base on that version instead of the
# newest; VERSION=refreshed tests each on the version its series was
# refreshed on (patches/BASE/base).
pin=${VERSION:-}
[ -z "$pin" ] || [ "$pin" = refreshed ] || [ $# = 1 ] ||
	die "VERSION=$pin pins the version of one base: say which with BASE=<base>"

lock_harness
: >"$RESULTS"
export HARNESS_MODE="$mode"
S=$TOP/scripts

# step NAME COMMAND...: run one step of the current base, time it, record
# PASS or FAIL with the last line it printed on stdout.
step() {
	name=$1
	shift
	say "$BASE $name: start"
	t0=$(date +%s)
	out=$BUILD/$BASE/step-$name.out
	STEP_ERR=$BUILD/$BASE/step-$name.err
	export STEP_ERR
	mkdir -p "$BUILD/$BASE"
	: >"$STEP_ERR"
	# stderr (progress) still reaches the terminal, and a copy of it
	# gives the reason when a command the step ran dies without die().
	log=$BUILD/$BASE/step-$name.log
	rm -f "$out.rc"
	{ rc=0; "$@" 2>&1 >"$out" || rc=$?; echo "$rc" >"$out.rc"; } | tee "$log" >&2
	rc=$(cat "$out.rc" 2>/dev/null || echo 1)
	if [ "$rc" = 0 ]; then
		result=PASS
		note=$(tail -n 1 "$out")
	else
		result=FAIL
		# the reason: what the step died with, else its last line, else
		# how it ended (killed by a signal, say)
		note=$(tail -n 1 "$STEP_ERR")
		[ -n "$note" ] || note=$(grep -v '^\[ *[0-9]*s\] ' "$log" | tail -n 1)
		[ -n "$note" ] || note=$(tail -n 1 "$out")
		[ -n "$note" ] || note="ended with status $rc, saying nothing (killed?)"
	fi
	unset STEP_ERR
	[ "$mode" != main ] || [ "$name" != guest ] || cat "$out"
	record "$name" "$result" "$(($(date +%s) - t0))" "$note"
	say "$BASE $name: $result ${note:+($note)}"
	[ "$result" = PASS ]
}

# tree_inputs STEP: what of the base tree a cached step depends on. The
# Kconfig matrix reads only Kconfig files; the rest read the whole tree.
tree_inputs() {
	case $1 in
	kconfig)
		for b in base series; do
			tgit ls-tree -r "$b" | grep 'Kconfig'
		done
		;;
	*)
		tgit rev-parse base series reverted simcc
		# what no commit of the tree holds: the cover letters, cc-also,
		# and for a backport's lint the mainline patches it carries
		cat "$TOP"/patches/*/*.patch "$TOP/patches/upstream-commits"
		cat "$TOP"/patches/*/cc-also 2>/dev/null || true
		cat "$BUILD/tools/sparse/version" 2>/dev/null || true
		;;
	esac
}

# cstep NAME COMMAND...: a step whose result depends only on the base tree
# (its branches) and on the harness itself. When it passed before with all
# of those unchanged, its result is reused, and says so; FRESH=1 runs it
# anyway. The guest, lockdown, simcc, nostrict and revert steps always run
# (their boots; build.sh reuses a kernel built from the same tree and
# config, and the row says so).
cstep() {
	key=$( (tree_inputs "$1"; cat "$TOP"/scripts/*.sh \
		"$TOP"/configs/* "$TOP"/tests/guest/* "$TOP"/tests/bench/*
		dpkg-query -W gcc sparse qemu-system-x86 gcc-aarch64-linux-gnu \
			python3 "$CONFIGPKG" 2>&1) | cksum)
	cache=$BUILD/$BASE/passed-$1
	if [ -z "${FRESH:-}" ] && [ -f "$cache" ] && [ "$(sed -n 1p "$cache")" = "$key" ]; then
		note="reused, nothing changed since it passed: $(sed -n 2p "$cache")"
		record "$1" PASS 0 "$note"
		say "$BASE $1: PASS ($note)"
		return 0
	fi
	rm -f "$cache"
	step "$@" || return 1
	printf '%s\n%s\n' "$key" "$note" >"$cache"
}

# skip NAME WHY: a step that could not run counts as failed.
skip() {
	record "$1" FAIL 0 "not run: $2"
}

# skip_rest STEP: every step of this base after STEP could not run.
skip_rest() {
	steps="deps tree guest"
	[ "$mode" = main ] || steps="deps tree lint kconfig objects guest lockdown simcc revert $(ebda_reverts | sed -n '1s/.*/ebda/p') kunit bisect nostrict mbox"
	on=""
	for s in $steps; do
		[ -z "$on" ] || skip "$s" "the $1 step failed"
		[ "$s" != "$1" ] || on=1
	done
}

# The harness's own tests: shellcheck, and the version choice fed recorded
# apt-cache answers (no network).
harness_lint() {
	(cd "$TOP" && shellcheck -x scripts/*.sh scripts/tcg/* .ci/run tests/harness/*.sh tests/audit/*.sh) >&2 ||
		{ echo "shellcheck -x found problems"; return 1; }
	set -- "$TOP"/scripts/*.sh "$TOP"/scripts/tcg/* "$TOP"/.ci/run "$TOP"/tests/harness/*.sh "$TOP"/tests/audit/*.sh
	echo "shellcheck -x clean: $# scripts"
}

# built BRANCH [nostrict]: build.sh, saying on stdout when it reused what
# it built before.
built() {
	how=$("$S/build.sh" "$BASE" "$@") || return 1
	[ "$how" != reused ] || reused="${reused:+$reused, }$1${2:+-$2}"
}

# verdict RESULTS-ARGS...: results.sh, with the kernels that were reused
# named on its last line.
verdict() {
	r=$("$S/results.sh" "$BASE" "$@") || { printf '%s\n' "$r"; return 1; }
	printf '%s\n' "$r" | sed '$d'
	echo "$(printf '%s\n' "$r" | tail -n 1)${reused:+ (kernel $reused reused: nothing changed since it was built)}"
}

guest() { # BRANCH EXPECT [show]
	reused=""
	built "$1" && "$S/boot.sh" "$BASE" "$1" && verdict "$1" "$2" ${3:+"$3"}
}

# The kselftest where /dev/mem is closed: booted with lockdown=integrity.
lockdown() {
	"$S/boot.sh" "$BASE" series lockdown && "$S/results.sh" "$BASE" series lockdown
}

# The series in a simulated confidential guest (tests/simcc): root is
# refused both devices.
simcc() {
	reused=""
	built simcc && "$S/boot.sh" "$BASE" simcc simcc && verdict simcc simcc
}

# The tests on a kernel without STRICT_DEVMEM, the kind they must be
# harmless on: nothing fails or oopses, no test calls write(2) on the
# devices, and a pattern init plants in low RAM before them is unchanged
# after.
# Built from branch simcc, whose tests/simcc logs every write(2) to the
# devices (and simulates nothing unless asked).
nostrict() {
	reused=""
	built simcc nostrict && "$S/boot.sh" "$BASE" simcc-nostrict sentinel &&
		verdict simcc-nostrict nostrict
}

# Without the fix (tests/revert/BASE, with tests/simcc): the KUnit cases of
# a simulated confidential guest fail in a plain boot, and open_test fails
# in a simulated confidential guest.
revert() {
	rc=0 plain="" sim=""
	plain=$(guest reverted revert) &&
		sim=$("$S/boot.sh" "$BASE" reverted simcc && "$S/results.sh" "$BASE" reverted simcc-revert) || rc=$?
	tgit checkout -q series
	# On failure, the table says which half did not fail as it must.
	[ "$rc" = 0 ] || { echo "${plain}${sim:+; $sim}"; return "$rc"; }
	echo "$plain; $sim"
}

# The EBDA listed as RAM, as some firmware lists it (boot.sh's ebda): the
# series still shows it to a mapping as v86d makes one, and without the
# mmap RFC's x86 patch (tests/revert/BASE/ebda, branch reverted-ebda) the
# kselftest case that maps it fails. Only where tests/revert/BASE/ebda is.
ebda() {
	reused=""
	rc=0 with="" without=""
	with=$("$S/boot.sh" "$BASE" series ebda && verdict series ebda) &&
		without=$(built reverted-ebda && "$S/boot.sh" "$BASE" reverted-ebda ebda &&
			"$S/results.sh" "$BASE" reverted-ebda ebda-revert) || rc=$?
	tgit checkout -q series
	if [ "$rc" != 0 ]; then
		echo "${with}${without:+; $without}"
		return "$rc"
	fi
	echo "$with; $without"
}

BASE=all
step tools "$S/deps.sh" tools "$@" || { "$S/report.sh"; exit 1; }
if [ "$mode" = check ]; then
	BASE=harness
	step lint harness_lint || true
	step versions "$TOP/tests/harness/versions.sh" || true
	step audit-scan "$TOP/tests/harness/audit-scan.sh" || true
fi

# rest_of_base: every step of BASE after deps, in order.
rest_of_base() {
	if ! step tree "$S/tree.sh" "$BASE"; then
		skip_rest tree
		return 0
	fi
	case $mode in
	main)
		step guest guest series pass show || true
		;;
	check)
		cstep lint "$S/lint.sh" "$BASE" || true
		cstep kconfig "$S/kconfig.sh" "$BASE" || true
		cstep objects "$S/objects.sh" "$BASE" || true
		# nostrict last of the steps that build in build/BASE/obj: its
		# config differs from all the others', and each switch rebuilds
		# what uses the options it changes (on 7.3, a quarter of the
		# kernel, through PAGE_TABLE_CHECK's header).
		if step guest guest series pass; then
			step lockdown lockdown || true
			step simcc simcc || true
			step revert revert || true
			[ -z "$(ebda_reverts)" ] || step ebda ebda || true
			cstep kunit "$S/kunit.sh" "$BASE" || true
			cstep bisect "$S/bisect.sh" "$BASE" || true
			step nostrict nostrict || true
		else
			for s in lockdown simcc revert $(ebda_reverts | sed -n '1s/.*/ebda/p') kunit; do
				skip "$s" "the guest step failed"
			done
			cstep bisect "$S/bisect.sh" "$BASE" || true
			skip nostrict "the guest step failed"
		fi
		cstep mbox "$S/mbox.sh" "$BASE" check || true
		;;
	*)
		die "run.sh: mode is main or check, not '$mode'"
		;;
	esac
	# build.sh leaves build/BASE/src on the branch it built last (nostrict:
	# simcc); make refresh works on series.
	tgit checkout -q series || true
}

# disk_for BASE: the MiB of disk this run of BASE may still take: a base
# unpacked for the first time takes about 5 GiB at its largest (the source,
# its git objects, the pristine worktree, the object folders); one whose
# tree is there, what its object folders may grow by.
disk_for() {
	if [ -d "$BUILD/$1/src/.git" ]; then echo 1024; else echo 6144; fi
}

# deps_base BASE PIN: deps.sh base, then whether the disk holds this base
# besides the ones before it in this run (disk_taken, which starts with
# 1 GiB for ccache and tools).
disk_taken=1024
deps_base() {
	"$S/deps.sh" base "$@" || return 1
	need=$(disk_for "$1")
	mkdir -p "$BUILD"
	free=$(df -Pk "$BUILD" | awk 'NR == 2 { print int($4 / 1024) }')
	if [ "$free" -lt $((disk_taken + need)) ]; then
		die "$(awk -v f="$free" -v b="$1" -v n="$need" -v t="$disk_taken" 'BEGIN {
			printf "only %.1f GiB free for build/, and %s needs about %.1f GiB (%.1f GiB taken by what runs before it): free some disk, or test fewer bases (BASE=...)",
				f / 1024, b, n / 1024, t / 1024 }')"
	fi
}

# Each base's rows go to build/BASE/results.tsv, joined in base order at
# the end. deps (apt-get) runs for one base at a time; then the rest of
# each base, side by side in check mode.
all_results=$RESULTS
ready=""
for BASE in "$@"; do
	load_base "$BASE"
	RESULTS=$BUILD/$BASE/results.tsv
	: >"$RESULTS"
	# One base's failure fails its own rows; the other bases still run.
	if ! step deps deps_base "$BASE" "$pin"; then
		skip_rest deps
		continue
	fi
	ready="$ready $BASE"
	disk_taken=$((disk_taken + $(disk_for "$BASE")))
done
pids=""
for BASE in $ready; do
	load_base "$BASE"
	RESULTS=$BUILD/$BASE/results.tsv
	if [ "$mode" = check ] && [ "${PARALLEL:-1}" != 0 ] && [ $# -gt 1 ]; then
		rest_of_base &
		pids="$pids $!:$BASE"
	else
		rest_of_base
	fi
done
# A base whose run ended early (killed, a full disk) fails a row of its
# own: its missing rows must not read as a pass.
for p in $pids; do
	rc=0
	wait "${p%%:*}" || rc=$?
	[ "$rc" != 0 ] || continue
	BASE=${p#*:} RESULTS=$BUILD/${p#*:}/results.tsv
	record run FAIL 0 "the run of $BASE ended early (status $rc): see its progress lines"
done
RESULTS=$all_results
for BASE in "$@"; do
	cat "$BUILD/$BASE/results.tsv" >>"$RESULTS"
done
"$S/report.sh"
