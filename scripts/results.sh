#!/bin/sh
# results.sh BASE BRANCH pass|prefix|revert|lockdown [show]: read
# build/BASE/logs/boot-BRANCH.log (boot-BRANCH-lockdown.log for lockdown),
# write the KUnit KTAP and the TAP of the kselftest's two runs it holds to
# logs/{kunit,userspace,nobody}-BRANCH.ktap, parse each with the kernel's
# kunit.py, and judge the run:
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
# closed: no case failed, every skip gives its reason, and some reason
# names what closed /dev/mem (lockdown; a capability or the file's mode).
# "show" prints kunit.py's report; otherwise a one-line summary.
set -eu
. "$(dirname -- "$0")/lib.sh"
load_base "$1"
branch=$2 expect=$3 show=${4:-}
v=""
[ "$expect" != lockdown ] || v=-lockdown
log=$LOGS/boot-$branch$v.log
kunit=$LOGS/kunit-$branch$v.ktap
user=$LOGS/userspace-$branch$v.ktap
nobody=$LOGS/nobody-$branch$v.ktap
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
sed -n '/^KTAP version/,$p' "$log" | sed '/^devmem-userspace: start/,$d' >"$kunit"
tap devmem-userspace >"$user"
tap devmem-userspace-nobody >"$nobody"
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
elif [ ! -s "$user" ]; then
	die "$BASE $branch: no kselftest TAP in $log (see the lines around devmem-userspace:)"
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
if [ -n "${nouser:-}" ]; then
	rc_user=0 sum_user="no kselftest yet"
	: >"$user.txt"
else
	parse user "$user"
	[ -s "$nobody" ] || die "$BASE $branch: no TAP of the unprivileged kselftest run in $log"
	parse nobody "$nobody"
fi
# shellcheck disable=SC2154 # set by parse
summary="KUnit: $sum_kunit; kselftest: $sum_user"
# shellcheck disable=SC2154
[ -n "${nouser:-}" ] || summary="$summary; unprivileged: $sum_nobody"

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

unpriv="CAP_SYS_RAWIO\\|the file's mode"
case $expect in
pass|prefix)
	# kunit.py counts a skipped case as a success; here it is not.
	if grep -q '\[SKIPPED\]' "$kunit.txt" "$user.txt"; then
		grep -h '\[SKIPPED\]' "$kunit.txt" "$user.txt" >&2
		echo "$summary (a skip is not a pass)"
		exit 1
	fi
	bad=""
	[ -n "${nouser:-}" ] || bad=$(closed nobody "$nobody" "$unpriv")
	if [ -n "$bad" ]; then
		grep -h "$broken" "$nobody.txt" >&2 || true
		echo "$summary ($bad)"
		exit 1
	fi
	if [ "$rc_kunit" = 0 ] && [ "$rc_user" = 0 ]; then
		echo "$summary"
		exit 0
	fi
	grep -h "$broken" "$kunit.txt" "$user.txt" >&2 || true
	echo "$summary"
	exit 1
	;;
revert)
	missed=""
	expect=$TOP/tests/revert/$BASE/expect
	{
		echo "kunit: mem, confidential guest"
		echo "kunit: port, confidential guest"
		[ ! -f "$expect" ] || sed -e '/^#/d' -e '/^[[:space:]]*$/d' "$expect"
	} >"$LOGS/revert-expect"
	while IFS= read -r line; do
		c=${line#*: }
		case $line in
		kunit:*) failed_case "$kunit" "$c" || missed="$missed KUnit '$c';" ;;
		kselftest:*) failed_case "$user" "$c" || missed="$missed kselftest '$c';" ;;
		*) die "$expect: '$line' is neither 'kunit: CASE' nor 'kselftest: CASE'" ;;
		esac
	done <"$LOGS/revert-expect"
	if [ "$rc_kunit" != 0 ] && [ -z "$missed" ]; then
		echo "without the fixes: $summary (as expected)"
		exit 0
	fi
	echo "without the fixes the tests still passed:$missed ($summary)" >&2
	exit 1
	;;
lockdown)
	bad=$(closed user "$user" lockdown; closed nobody "$nobody" "lockdown\\|$unpriv")
	# every KUnit case skips under lockdown, which kunit.py counts as failed
	! grep -q "$broken" "$kunit.txt" || bad="KUnit: a case failed; $bad"
	if [ -z "$bad" ]; then
		echo "lockdown=integrity: $summary, skips with reasons"
		exit 0
	fi
	grep -h "$broken" "$kunit.txt" "$user.txt" "$nobody.txt" >&2 || true
	echo "lockdown=integrity: $summary ($(echo "$bad" | paste -sd ';' -))" >&2
	exit 1
	;;
*)
	die "results.sh: expect 'pass', 'prefix', 'revert' or 'lockdown', not '$expect'"
	;;
esac
