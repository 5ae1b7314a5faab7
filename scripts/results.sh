#!/bin/sh
# results.sh BASE BRANCH pass|prefix|revert [show]: read build/BASE/logs/boot-BRANCH.log,
# write the KUnit KTAP and the kselftest's TAP it holds to
# logs/{kunit,userspace}-BRANCH.ktap, parse each with the kernel's kunit.py,
# and judge the run:
#   pass    every KUnit case and every kselftest case passed
#   prefix  a prefix of the series (bisect): the KUnit cases and the
#           kselftest cases that exist at that point pass
#   revert  the fix is out (tests/revert/BASE), so the tests must catch it
#           (the guest still boots and finishes): the KUnit cases that
#           open /dev/mem and /dev/port in a simulated confidential guest
#           fail, and so does every case that tests/revert/BASE/expect
#           names ("kunit: CASE" or "kselftest: CASE", one a line)
# "show" prints kunit.py's report; otherwise a one-line summary.
set -eu
. "$(dirname -- "$0")/lib.sh"
load_base "$1"
branch=$2 expect=$3 show=${4:-}
log=$LOGS/boot-$branch.log
kunit=$LOGS/kunit-$branch.ktap
user=$LOGS/userspace-$branch.ktap
[ -f "$log" ] || die "$log is missing: boot the guest first"

sed -n '/^KTAP version/,$p' "$log" | sed '/^devmem-userspace: start/,$d' >"$kunit"
sed -n '/^devmem-userspace: start/,/^devmem-userspace: end/p' "$log" |
	sed -n '/^TAP version/,/^devmem-userspace: end/p' | sed '$d' >"$user"
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
else
	parse kunit "$kunit"
fi
if [ -n "${nouser:-}" ]; then
	rc_user=0 sum_user="no kselftest yet"
	: >"$user.txt"
else
	parse user "$user"
fi
# shellcheck disable=SC2154 # set by parse
summary="KUnit: $sum_kunit; kselftest: $sum_user"

failed_case() {
	grep -qx "\[FAILED\] $2" "$1.txt"
}

case $expect in
pass|prefix)
	# kunit.py counts a skipped case as a success; here it is not.
	if grep -q '\[SKIPPED\]' "$kunit.txt" "$user.txt"; then
		grep -h '\[SKIPPED\]' "$kunit.txt" "$user.txt" >&2
		echo "$summary (a skip is not a pass)"
		exit 1
	fi
	if [ "$rc_kunit" = 0 ] && [ "$rc_user" = 0 ]; then
		echo "$summary"
		exit 0
	fi
	grep -h '\[FAILED\]\|\[CRASHED\]\|ERROR' "$kunit.txt" "$user.txt" >&2 || true
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
*)
	die "results.sh: expect 'pass', 'prefix' or 'revert', not '$expect'"
	;;
esac
