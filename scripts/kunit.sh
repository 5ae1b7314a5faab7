#!/bin/sh
# kunit.sh BASE: the KUnit suite run as a kernel developer runs it, with the
# kernel's own runner on the patched tree as it is:
#   kunit.py run --kunitconfig=drivers/char                (UML: no
#       STRICT_DEVMEM, so the suite checks that nothing is refused), in
#       build/BASE/kunit-um
#   kunit.py run --kunitconfig=drivers/char --arch=x86_64  (QEMU, TCG:
#       STRICT_DEVMEM on, so the refusal itself is tested), in the guest
#       kernel's object folder, build/BASE/obj, with the guest's config
#       (build/BASE/config-series) as a second --kunitconfig: kunit.py
#       checks that drivers/char/.kunitconfig and its x86_64 options are in
#       it, and its build is the guest's, incremental, instead of a third
#       kernel built from nothing.
set -eu
. "$(dirname -- "$0")/lib.sh"
load_base "$1"
require_clean_tree
tgit checkout -q series
[ -f "$BUILD/$BASE/config-series" ] ||
	die "build/$BASE/config-series is missing: the guest step builds it"

summary=""
fails=0
for arch in um x86_64; do
	log=$LOGS/kunit-py-$arch.log
	say "$BASE kunit.py: --arch=$arch (log: ${log#"$TOP"/})"
	rc=0
	# TCG only (scripts/tcg/qemu-system-x86_64): no nested KVM here.
	case $arch in
	um) set -- --build_dir="$BUILD/$BASE/kunit-um" ;;
	*) set -- --build_dir="$OBJ" --kunitconfig="$BUILD/$BASE/config-series" ;;
	esac
	(cd "$SRC" && PATH=$TOP/scripts/tcg:$PATH python3 tools/testing/kunit/kunit.py run \
		--kunitconfig=drivers/char --arch="$arch" --jobs="$(nproc)" \
		--timeout=600 "$@") >"$log" 2>&1 || rc=$?
	result=$(sed -n 's/^\[[0-9:]*\] Testing complete. //p' "$log" | tail -n 1)
	# The suite must have run: a run with no devmem cases proves nothing.
	# A skipped case, which kunit.py counts as a success, is not a pass.
	if [ "$rc" != 0 ] || ! grep -q '\[PASSED\] devmem' "$log" ||
	   grep -q '\[SKIPPED\]' "$log"; then
		tail -n 15 "$log" >&2
		echo "kunit.py --arch=$arch failed (exit $rc): ${result:-no result}" >&2
		fails=$((fails + 1))
	fi
	summary="$summary${summary:+; }$arch: ${result:-no result}"
done
echo "kunit.py $summary"
[ "$fails" = 0 ]
