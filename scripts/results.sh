#!/bin/sh
# results.sh BASE BRANCH pass|prefix|revert|lockdown|simcc|simcc-revert|nostrict|
# ebda|ebda-revert [show]:
# read build/BASE/logs/boot-BRANCH.log (boot-BRANCH-lockdown.log for
# lockdown, boot-BRANCH-simcc.log for simcc and simcc-revert,
# boot-BRANCH-ebda.log for ebda and ebda-revert), write the
# KUnit KTAP and the TAP of each kselftest program's two runs it holds to
# logs/kunit-BRANCH.ktap and logs/{root,nobody}-PROGRAM-BRANCH.ktap, parse
# each with the kernel's kunit.py, and judge the run:
#   pass    every KUnit case and every kselftest case run as root passed;
#           run unprivileged, the kselftest failed nothing and skipped
#           with reasons (see "closed" below)
#   prefix  a prefix of the series (bisect): the KUnit cases and the
#           kselftest cases that exist at that point pass
#   revert  the fix is out (tests/revert/BASE), so the tests must catch it
#           (the guest still boots and finishes): the KUnit cases that
#           open /dev/mem and /dev/port in a simulated confidential guest
#           fail, and so does every case that tests/revert/BASE/expect
#           names ("kunit: CASE" or "kselftest: CASE", one a line)
#   lockdown  booted with lockdown=integrity: no KUnit case failed, and the
#           kselftest, as root and unprivileged, is "closed"
#   simcc   booted as a simulated confidential guest (tests/simcc): no
#           KUnit case failed, every case of open_test run as root passed
#           (both devices refused), the other programs are "closed" for
#           the confidential guest, and unprivileged every program is
#           "closed"
#   simcc-revert  the same boot without the fix: open_test run as root
#           must fail for each device
#   nostrict  BRANCH (simcc: the series with tests/simcc, not simulating)
#           built without STRICT_DEVMEM, booted with the sentinel:
#           no case failed, every skip gives its reason, devmem_test skips
#           for STRICT_DEVMEM, the kernel logged no oops or warning, and the
#           pattern init planted in low RAM is unchanged
#   ebda    booted with the EBDA listed as RAM (boot.sh's ebda): the kernel
#           took that map, and everything passes as in "pass"
#   ebda-revert  the same boot without the mmap RFC's x86 patch
#           (tests/revert/BASE/ebda, branch reverted-ebda): every case
#           that tests/revert/BASE/ebda/expect names fails
# closed: no case failed, every skip gives its reason, and some reason
# names what closed /dev/mem (lockdown; a capability or the file's mode;
# the confidential guest).
# In every mode, a kernel with tests/simcc must log no write(2) to /dev/mem
# or /dev/port by a test.
# "show" prints kunit.py's report; otherwise a one-line summary.
set -eu
. "$(dirname -- "$0")/lib.sh"
load_base "$1"
branch=$2 expect=$3 show=${4:-}
v=""
case $expect in
lockdown) v=-lockdown ;;
simcc*) v=-simcc ;;
nostrict) v=-sentinel ;;
ebda*) v=-ebda ;;
esac
log=$LOGS/boot-$branch$v.log
kunit=$LOGS/kunit-$branch$v.ktap
[ -f "$log" ] || die "$log is missing: boot the guest first"

# tap MARKER: the TAP between "MARKER: start" and "MARKER: end" in the log.
# The kselftest harness of 6.1 leaves the name out of the result line of a
# skipped test ("ok 3 # SKIP why"), which kunit.py cannot parse: the name
# is taken from the test's "#  RUN" line.
tap() {
	sed -n "/^$1: start/,/^$1: end/p" "$log" |
		sed -n "/^TAP version/,/^$1: end/p" | sed '$d' |
		awk '/^#  RUN  / { name = $3 }
		     /^ok [0-9]+ # SKIP/ { $2 = $2 " " name }
		     { print }'
}
sed -n '/^KTAP version/,$p' "$log" | sed '/^devmem-\(root\|nobody\|userspace\)/,$d' >"$kunit"
# The kselftest programs that ran, and their TAP as root and unprivileged.
progs=$(sed -n 's/^devmem-root-\([^:]*\): start.*/\1/p' "$log" | sort -u)
for t in $progs; do
	for who in root nobody; do
		tap "devmem-$who-$t" >"$LOGS/$who-$t-$branch$v.ktap"
	done
done
if [ "$expect" = prefix ] &&
   ! grep -q '^CONFIG_DEVMEM_KUNIT_TEST=y' "$BUILD/$BASE/config-$branch"; then
	# Before the patch that adds the suite, there is no suite to run.
	nokunit=1
elif [ ! -s "$kunit" ]; then
	die "$BASE $branch: no KUnit KTAP in $log (is CONFIG_DEVMEM_KUNIT_TEST built in?)"
fi
if [ "$expect" = prefix ] && grep -q '^devmem-userspace: no kselftest' "$log"; then
	# Before the patch that adds the kselftest, there is none to run.
	nouser=1
elif [ -z "$progs" ]; then
	die "$BASE $branch: no kselftest TAP in $log (see the lines around devmem-root-)"
fi

# parse NAME FILE: kunit.py's report in FILE.txt; sets rc_NAME and sum_NAME.
parse() {
	rc=0
	python3 "$SRC/tools/testing/kunit/kunit.py" parse "$2" >"$2.txt" 2>&1 || rc=$?
	sed -i 's/^\[[0-9:]*\] //' "$2.txt"
	eval "rc_$1=$rc"
	eval "sum_$1=\"\$(sed -n 's/^Testing complete. //p' \"\$2.txt\")\""
	[ -z "$show" ] || cat "$2.txt"
}
if [ -n "${nokunit:-}" ]; then
	rc_kunit=0 sum_kunit="no suite yet"
	: >"$kunit.txt"
else
	parse kunit "$kunit"
fi
# shellcheck disable=SC2154 # set by parse
summary="KUnit: $sum_kunit"
[ -z "${nouser:-}" ] || summary="$summary; no kselftest yet"
rc_root=0
for t in $progs; do
	for who in root nobody; do
		f=$LOGS/$who-$t-$branch$v.ktap
		[ -s "$f" ] || die "$BASE $branch: no TAP of $t run as $who in $log"
		parse one "$f"
		# shellcheck disable=SC2154 # set by parse
		[ "$who" = nobody ] || [ "$rc_one" = 0 ] || rc_root=1
		# shellcheck disable=SC2154
		summary="$summary; $t${who#root}: $sum_one"
	done
done
summary=$(echo "$summary" | sed 's/nobody:/ unprivileged:/g')

# what kunit.py's report says of a case that did not pass
broken='\[FAILED\]\|\[CRASHED\]\|ERROR'

# closed NAME FILE WHY: the kselftest run in FILE failed
# nothing, skipped something, gave a reason for every skip, and some reason
# matches WHY. Prints what is wrong, if anything.
closed() {
	skips=$(grep -E '^ok [0-9]+ .* # SKIP' "$2" || true)
	# kunit.py fails a run in which every case skipped: read its report.
	if grep -q '^not ok' "$2" || grep -q "$broken" "$2.txt"; then
		echo "$1: a case failed"
	elif [ -z "$skips" ]; then
		echo "$1: nothing skipped"
	elif echo "$skips" | grep -qE '# SKIP *$'; then
		echo "$1: a skip without a reason"
	elif ! echo "$skips" | grep -q "$3"; then
		echo "$1: no skip says why /dev/mem is closed ($3)"
	fi
}

failed_case() {
	grep -qx "\[FAILED\] $2" "$1.txt"
}

# A kernel with tests/simcc logs every write(2) to /dev/mem and /dev/port:
# a test may write neither (init's own pattern for the nostrict step is
# not a test's).
# The one write allowed is init's own pattern (nostrict), 16 bytes at the
# address init reports.
sentinel_write=$(sed -n 's/^devmem-sentinel: [a-z]* at \(0x[0-9a-f]*\).*/devmem-cc: write(2) of 16 bytes to \/dev\/mem at \1 by init/p' "$log" | tr -d '\r' | head -n 1)
writes=$(tr -d '\r' <"$log" | sed -n 's/.*\(devmem-cc: write(2) of .*\)/\1/p' |
	grep -vxF "${sentinel_write:-none}" | head -n 1 || true)
if [ -n "$writes" ]; then
	echo "$BASE $branch: a test wrote to /dev/mem or /dev/port: $writes" >&2
	echo "$summary (a test wrote: $writes)"
	exit 1
fi
# Where the kernel carries tests/simcc (branches simcc, reverted and their
# builds), its write(2) logging must be seen to be on, and the simcc boots
# must show the simulation.
case $branch in
simcc*|reverted*)
	grep -q 'devmem-cc: write(2) to /dev/mem and /dev/port is logged' "$log" ||
		die "$BASE $branch: no devmem-cc logging banner in $log: is tests/simcc applied?"
	;;
esac
case $expect in
simcc*)
	grep -q 'devmem-cc: /dev/mem sees a confidential guest' "$log" ||
		die "$BASE $branch: the kernel did not simulate a confidential guest (no devmem-cc line in $log): is tests/simcc applied?"
	;;
esac

# roots, nobodies: the reports of every program's runs.
roots="" nobodies=""
for t in $progs; do
	roots="$roots $LOGS/root-$t-$branch$v.ktap"
	nobodies="$nobodies $LOGS/nobody-$t-$branch$v.ktap"
done

# reports FILE...: kunit.py's report of each TAP file.
reports() {
	for f in "$@"; do
		echo "$f.txt"
	done
}

# closed_all WHY FILE...: closed for each FILE; prints what is wrong.
closed_all() {
	why=$1
	shift
	for f in "$@"; do
		closed "${f##*/}" "$f" "$why"
	done
}

# verdict WHAT NOTE: with $bad (what is wrong so far) and a failed KUnit
# case, if any: "WHAT: summary NOTE" and success, or the cases that broke
# and failure.
verdict() {
	! grep -q "$broken" "$kunit.txt" || bad="KUnit: a case failed; $bad"
	if [ -z "$bad" ]; then
		echo "$1: $summary$2"
		exit 0
	fi
	# shellcheck disable=SC2046,SC2086
	grep -h "$broken" "$kunit.txt" $(reports $roots $nobodies) >&2 || true
	echo "$1: $summary ($(echo "$bad" | paste -sd ';' -))" >&2
	exit 1
}

unpriv="CAP_SYS_RAWIO\\|the file's mode"
cc="DEVMEM_TEST_CC\\|confidential"
case $expect in
ebda*)
	# exactmap prints the map it was given: the EBDA's page is usable
	tr -d '\r' <"$log" | grep -q '^user: \[mem 0x0*-0x0*9ffff\] *\(usable\|System RAM\)$' ||
		die "$BASE $branch: the kernel did not list the EBDA as RAM (no 'user: [mem 0x0...-0x...9ffff]' line in $log)"
	;;
esac
case $expect in
pass|prefix|ebda)
	# kunit.py counts a skipped case as a success; here it is not.
	# shellcheck disable=SC2046,SC2086 # one word per file
	if grep -q '\[SKIPPED\]' "$kunit.txt" $(reports $roots); then
		# shellcheck disable=SC2046,SC2086
		grep -h '\[SKIPPED\]' "$kunit.txt" $(reports $roots) >&2
		echo "$summary (a skip is not a pass)"
		exit 1
	fi
	# shellcheck disable=SC2046,SC2086
	bad=$(closed_all "$unpriv" $nobodies)
	if [ -n "$bad" ]; then
		# shellcheck disable=SC2046,SC2086
		grep -h "$broken" $(reports $nobodies) >&2 || true
		echo "$summary ($bad)"
		exit 1
	fi
	if [ "$rc_kunit" = 0 ] && [ "$rc_root" = 0 ]; then
		echo "$summary"
		exit 0
	fi
	# shellcheck disable=SC2046,SC2086
	grep -h "$broken" "$kunit.txt" $(reports $roots) >&2 || true
	echo "$summary"
	exit 1
	;;
revert|ebda-revert)
	missed=""
	if [ "$expect" = revert ]; then
		list=$TOP/tests/revert/$BASE/expect
		{
			echo "kunit: mem, confidential guest"
			echo "kunit: port, confidential guest"
			[ ! -f "$list" ] || sed -e '/^#/d' -e '/^[[:space:]]*$/d' "$list"
		} >"$LOGS/revert-expect"
	else
		list=$TOP/tests/revert/$BASE/ebda/expect
		[ -f "$list" ] || die "$list is missing: which cases must fail without the patch?"
		sed -e '/^#/d' -e '/^[[:space:]]*$/d' "$list" >"$LOGS/revert-expect"
		[ -s "$LOGS/revert-expect" ] || die "$list names no case"
	fi
	expect_was=$expect
	expect=$list
	while IFS= read -r line; do
		c=${line#*: }
		case $line in
		kunit:*) failed_case "$kunit" "$c" || missed="$missed KUnit '$c';" ;;
		kselftest:*)
			hit=""
			for f in $roots; do
				! failed_case "$f" "$c" || hit=1
			done
			[ -n "$hit" ] || missed="$missed kselftest '$c';"
			;;
		*) die "$expect: '$line' is neither 'kunit: CASE' nor 'kselftest: CASE'" ;;
		esac
	done <"$LOGS/revert-expect"
	if [ "$expect_was" = ebda-revert ]; then
		if [ -z "$missed" ]; then
			echo "EBDA listed as RAM, without x86's patch: $summary (as expected)"
			exit 0
		fi
		echo "EBDA listed as RAM, without x86's patch the tests still passed:$missed ($summary)" >&2
		exit 1
	fi
	if [ "$rc_kunit" != 0 ] && [ -z "$missed" ]; then
		echo "without the fixes: $summary (as expected)"
		exit 0
	fi
	echo "without the fixes the tests still passed:$missed ($summary)" >&2
	exit 1
	;;
lockdown)
	# shellcheck disable=SC2046,SC2086
	bad=$(closed_all lockdown $roots; closed_all "lockdown\\|$unpriv" $nobodies)
	# every KUnit case skips under lockdown, which kunit.py counts as failed
	verdict "lockdown=integrity" ", skips with reasons"
	;;
simcc|simcc-revert)
	open=$LOGS/root-open_test-$branch$v.ktap
	[ -f "$open" ] || die "$BASE $branch: open_test did not run in $log"
	if [ "$expect" = simcc-revert ]; then
		missed=""
		for dev in mem_rdonly mem_rdwr port_rdonly; do
			failed_case "$open" "devmem_open.$dev.refused_only_in_cc_guest" ||
				missed="$missed $dev;"
		done
		if [ -z "$missed" ]; then
			echo "simulated confidential guest without the fixes: open_test fails (as expected)"
			exit 0
		fi
		echo "simulated confidential guest without the fixes, open_test still passed:$missed ($summary)" >&2
		exit 1
	fi
	bad=""
	for dev in mem_rdonly mem_rdwr port_rdonly; do
		tr -d '\r' <"$open" | grep -q "^ok [0-9]* devmem_open.$dev.refused_only_in_cc_guest *\$" ||
			bad="${bad}open_test as root: devmem_open.$dev did not pass; "
	done
	parse one "$open"
	[ "$rc_one" = 0 ] || bad="${bad}open_test as root: kunit.py parse failed; "
	# shellcheck disable=SC2046,SC2086
	bad="$bad$(closed_all "$cc" $(echo "$roots" | tr ' ' '\n' | grep -v '/root-open_test-'))"
	# shellcheck disable=SC2046,SC2086
	bad="$bad$(closed_all "$unpriv" $nobodies)"
	verdict "simulated confidential guest" "; root is refused both devices"
	;;
nostrict)
	bad=""
	for f in $roots $nobodies; do
		if grep -q '^not ok' "$f" || grep -q "$broken" "$f.txt"; then
			bad="$bad ${f##*/}: a case failed;"
		elif grep -qE '^ok [0-9]+ .*# SKIP *$' "$f"; then
			bad="$bad ${f##*/}: a skip without a reason;"
		fi
	done
	semantics=$LOGS/root-devmem_test-$branch$v.ktap
	[ ! -f "$semantics" ] || grep -q '# SKIP.*STRICT_DEVMEM' "$semantics" ||
		bad="$bad devmem_test did not skip for STRICT_DEVMEM=n;"
	! grep -q "$broken" "$kunit.txt" || bad="$bad KUnit: a case failed;"
	oops=$(grep -m1 'Oops\|BUG:\|WARNING:\|general protection' "$log" || true)
	[ -z "$oops" ] || bad="$bad the kernel said: $oops;"
	sentinel=$(sed -n 's/^devmem-sentinel: //p' "$log")
	case $sentinel in
	unchanged*) ;;
	*) bad="$bad sentinel: ${sentinel:-no report};" ;;
	esac
	# init's own write is logged: the logging that must show any other works
	tr -d '\r' <"$log" | grep -qF "$sentinel_write" ||
		bad="$bad init's pattern write was not logged (is tests/simcc's logging on?);"
	if [ -z "$bad" ]; then
		echo "STRICT_DEVMEM=n: $summary; low RAM $sentinel, no oops"
		exit 0
	fi
	echo "STRICT_DEVMEM=n: $summary ($bad)" >&2
	exit 1
	;;
*)
	die "results.sh: expect 'pass', 'prefix', 'revert', 'lockdown', 'simcc', 'simcc-revert', 'nostrict', 'ebda' or 'ebda-revert', not '$expect'"
	;;
esac
