#!/bin/sh
# build.sh BASE BRANCH: build the guest kernel (bzImage) from branch BRANCH
# ("series" or "reverted", or a revision such as series~1) of build/BASE/src, in build/BASE/obj, with the
# config made by tinyconfig + configs/guest.config + the config fragment of
# the series' kselftest where BRANCH has it, as make kselftest-merge does
# (merge_config.sh), and
# the kselftest tools/testing/selftests/devmem where BRANCH has it. One
# object folder serves both branches: switching rebuilds only what the
# revert touches.
set -eu
. "$(dirname -- "$0")/lib.sh"
load_base "$1"
branch=$2

require_clean_tree
tgit checkout -q "$branch"
mkdir -p "$OBJ"

# The config, written only when it changed so that make rebuilds nothing
# it does not have to.
cfg=$BUILD/$BASE/config

mkdir -p "$cfg"
kmake -s O="$cfg" tinyconfig >"$LOGS/config.log" 2>&1 ||
	die "$BASE config: make tinyconfig failed (see $LOGS/config.log)"
# The kselftest's own fragment lists what its cases need (IO_STRICT_DEVMEM
# for the claimed ranges, which a stable backport does not select).
set -- "$TOP/configs/guest.config"
[ ! -f "$SRC/tools/testing/selftests/devmem/config" ] ||
	set -- "$@" "$SRC/tools/testing/selftests/devmem/config"
"$SRC/scripts/kconfig/merge_config.sh" -m -O "$cfg" "$cfg/.config" \
	"$@" >>"$LOGS/config.log" 2>&1 ||
	die "$BASE config: merge_config.sh failed (see $LOGS/config.log)"
kmake -s O="$cfg" olddefconfig >>"$LOGS/config.log" 2>&1 ||
	die "$BASE config: make olddefconfig failed (see $LOGS/config.log)"
# Every option the fragment asks for must survive olddefconfig, unless
# this tree does not have it at all (the KUnit option, before the patch
# that adds it, when bisecting).
missing=$(cat "$@" | grep '^CONFIG_' | while read -r want; do
	grep -qx "$want" "$cfg/.config" && continue
	opt=${want%%=*}
	tgit grep -q "^config ${opt#CONFIG_}\$" -- '*Kconfig*' || continue
	printf ' %s' "$want"
done)
[ -z "$missing" ] || die "$BASE config: olddefconfig dropped$missing (see $LOGS/config.log)"
if ! cmp -s "$cfg/.config" "$OBJ/.config"; then
	cp "$cfg/.config" "$OBJ/.config"
fi

say "$BASE build ($branch): make bzImage (log: ${LOGS#"$TOP"/}/build-$branch.log)"
if ! kmake olddefconfig bzImage >"$LOGS/build-$branch.log" 2>&1; then
	tail -n 20 "$LOGS/build-$branch.log" >&2
	die "$BASE build ($branch): make bzImage failed (see $LOGS/build-$branch.log)"
fi
cp "$OBJ/arch/x86/boot/bzImage" "$BUILD/$BASE/bzImage-$branch"
cp "$OBJ/.config" "$BUILD/$BASE/config-$branch"
cp "$OBJ/include/config/kernel.release" "$BUILD/$BASE/release-$branch"

# The series' kselftest, where this revision has it, built as a kernel
# developer builds it (make -C tools/testing/selftests, against the tree's
# own uAPI headers), static: the guest has no libc. It may not warn.
test=$BUILD/$BASE/devmem_test-$branch
rm -f "$test"
[ -d "$SRC/tools/testing/selftests/devmem" ] || exit 0
log=$LOGS/kselftest-$branch.log
say "$BASE build ($branch): make -C tools/testing/selftests TARGETS=devmem (log: ${log#"$TOP"/})"
if ! { kmake headers && make -C "$SRC/tools/testing/selftests" O="$OBJ" \
	TARGETS=devmem LDFLAGS=-static; } >"$log" 2>&1; then
	tail -n 20 "$log" >&2
	die "$BASE build ($branch): the kselftest did not build (see $log)"
fi
if grep -i 'warning:' "$log" >&2; then
	die "$BASE build ($branch): the kselftest builds with warnings (see $log)"
fi
cp "$OBJ/kselftest/devmem/devmem_test" "$test"
