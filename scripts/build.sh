#!/bin/sh
# build.sh BASE BRANCH [nostrict]: build the guest kernel (bzImage) from
# branch BRANCH ("series", "simcc" or "reverted", or a revision such as
# series~1) of build/BASE/src, in build/BASE/obj, with the config made by
# tinyconfig + configs/guest.config + the config fragment of the series'
# kselftest where BRANCH has it, as make kselftest-merge does
# (merge_config.sh), and the kselftest tools/testing/selftests/dev_mem where
# BRANCH has it. One object folder serves every branch, prefix and config:
# switching rebuilds only what the switch touched (files, and the config
# options that changed, as the kernel's fixdep tracks them).
# What a build makes is kept as build/BASE/bzImage-OUT (and config-OUT,
# release-OUT, kselftest-OUT/); when the branch's tree, the config fragments
# and the harness's build scripts are what they were when it was made, it is
# reused and the build says so ("reused" on stdout, else "built").
set -eu
. "$(dirname -- "$0")/lib.sh"
load_base "$1"
branch=$2 variant=${3:-}
# With "nostrict", the kernel is built without STRICT_DEVMEM
# (configs/nostrict.config), and what it makes is named BRANCH-nostrict.
# With "audit", it is make audit's kernel (configs/audit.config: what a
# Debian userspace needs), named BRANCH-audit and built in an object folder
# of its own, build/BASE/obj-audit, so that switching between it and the
# harness's guest kernels rebuilds nothing; make audit needs no kselftest.
out=$branch
case $variant in
nostrict) out=$branch-nostrict ;;
audit) out=$branch-audit OBJ=$BUILD/$BASE/obj-audit ;;
'') ;;
*) die "build.sh: the variant is 'nostrict', 'audit' or none, not '$variant'" ;;
esac

require_clean_tree
# What this build is made from: the tree of the revision, the harness's
# fragments and build scripts, the compiler.
key=$( (tgit rev-parse "$branch^{tree}"; echo "$variant"
	cat "$0" "$TOP/scripts/lib.sh" "$TOP/configs/guest.config"
	[ -z "$variant" ] || cat "$TOP/configs/$variant.config"
	dpkg-query -W gcc binutils libc6-dev 2>&1) | cksum)
keyfile=$BUILD/$BASE/built-$out
if [ -z "${FRESH:-}" ] && [ -f "$keyfile" ] && [ "$(cat "$keyfile")" = "$key" ] &&
   [ -f "$BUILD/$BASE/bzImage-$out" ] &&
   { [ -d "$BUILD/$BASE/kselftest-$out" ] ||
     [ "$variant" = audit ] ||
     ! tgit cat-file -e "$branch:tools/testing/selftests/dev_mem/Makefile" 2>/dev/null; }; then
	say "$BASE build ($out): reusing bzImage-$out, built from the same tree and config"
	echo reused
	exit 0
fi
rm -f "$keyfile"
tgit checkout -q "$branch"
mkdir -p "$OBJ"

# The config, written only when it changed so that make rebuilds nothing
# it does not have to.
cfg=$BUILD/$BASE/config${variant:+-$variant}
# The kselftest's own fragment lists what its cases need (IO_STRICT_DEVMEM
# for the claimed ranges, which a stable backport does not select).
set -- "$TOP/configs/guest.config"
[ ! -f "$SRC/tools/testing/selftests/dev_mem/config" ] ||
	set -- "$@" "$SRC/tools/testing/selftests/dev_mem/config"
[ -z "$variant" ] || set -- "$@" "$TOP/configs/$variant.config"
# It depends on the tree's Kconfig files and config fragments (tinyconfig's
# among them), kconfig itself, the fragments above and the compiler, which
# Kconfig asks what it supports: made again only when one of them changed
# (each make of it costs seconds; a bisect makes one per prefix).
ckey=$( (tgit ls-tree -r HEAD | grep -E 'Kconfig|/configs/|	scripts/kconfig/'
	cat "$@"; gcc --version | head -n 1) | cksum)
mkdir -p "$cfg"
if [ "$(cat "$cfg/.config.key" 2>/dev/null)" != "$ckey" ] || [ ! -f "$cfg/.config" ]; then
	rm -f "$cfg/.config.key"
	kmake -s O="$cfg" tinyconfig >"$LOGS/config.log" 2>&1 ||
		die "$BASE config: make tinyconfig failed (see $LOGS/config.log)"
	"$SRC/scripts/kconfig/merge_config.sh" -m -O "$cfg" "$cfg/.config" \
		"$@" >>"$LOGS/config.log" 2>&1 ||
		die "$BASE config: merge_config.sh failed (see $LOGS/config.log)"
	kmake -s O="$cfg" olddefconfig >>"$LOGS/config.log" 2>&1 ||
		die "$BASE config: make olddefconfig failed (see $LOGS/config.log)"
	echo "$ckey" >"$cfg/.config.key"
fi
# Every option the fragment asks for must survive olddefconfig, unless
# this tree does not have it at all (the KUnit option, before the patch
# that adds it, when bisecting).
# (A later fragment overrides an earlier one: nostrict.config turns off what
# guest.config turns on.)
missing=$(cat "$@" | sed -n 's/^\(CONFIG_[A-Z0-9_]*=.*\)/\1/p; s/^# \(CONFIG_[A-Z0-9_]*\) is not set$/\1=n/p' |
	awk -F= '{ v[$1] = $0; if (!($1 in seen)) { seen[$1] = 1; o[++n] = $1 } }
		END { for (i = 1; i <= n; i++) print v[o[i]] }' | while read -r want; do
	grep -qx "$want" "$cfg/.config" && continue
	[ "${want#*=}" = n ] && ! grep -q "^${want%=n}=" "$cfg/.config" && continue
	opt=${want%%=*}
	tgit grep -q "^config ${opt#CONFIG_}\$" -- '*Kconfig*' || continue
	printf ' %s' "$want"
done)
[ -z "$missing" ] || die "$BASE config: olddefconfig dropped$missing (see $LOGS/config.log)"
if ! cmp -s "$cfg/.config" "$OBJ/.config"; then
	cp "$cfg/.config" "$OBJ/.config"
fi

say "$BASE build ($out): make bzImage (log: ${LOGS#"$TOP"/}/build-$out.log)"
if ! kmake olddefconfig bzImage >"$LOGS/build-$out.log" 2>&1; then
	tail -n 20 "$LOGS/build-$out.log" >&2
	die "$BASE build ($out): make bzImage failed (see $LOGS/build-$out.log)"
fi
cp "$OBJ/arch/x86/boot/bzImage" "$BUILD/$BASE/bzImage-$out"
cp "$OBJ/.config" "$BUILD/$BASE/config-$out"
cp "$OBJ/include/config/kernel.release" "$BUILD/$BASE/release-$out"

# The series' kselftest programs, where this revision has them, built as a
# kernel developer builds them (make -C tools/testing/selftests, against the
# tree's own uAPI headers), static: the guest has no libc. They may not warn.
tests=$BUILD/$BASE/kselftest-$out
rm -rf "$tests"
build_kselftest() {
	log=$LOGS/kselftest-$out.log
	say "$BASE build ($out): make -C tools/testing/selftests TARGETS=dev_mem (log: ${log#"$TOP"/})"
	if ! { kmake headers && make -C "$SRC/tools/testing/selftests" O="$OBJ" \
		TARGETS=dev_mem LDFLAGS=-static; } >"$log" 2>&1; then
		tail -n 20 "$log" >&2
		die "$BASE build ($out): the kselftest did not build (see $log)"
	fi
	if grep -i 'warning:' "$log" >&2; then
		die "$BASE build ($out): the kselftest builds with warnings (see $log)"
	fi
	mkdir -p "$tests"
	# shellcheck disable=SC2013 # program names, one word each
	for t in $(sed -n 's/^TEST_GEN_PROGS *+\{0,1\}:\{0,1\}= *//p' "$SRC/tools/testing/selftests/dev_mem/Makefile"); do
		[ ! -f "$OBJ/kselftest/dev_mem/$t" ] || cp "$OBJ/kselftest/dev_mem/$t" "$tests/"
	done
	[ -n "$(ls "$tests")" ] || die "$BASE build ($out): the kselftest built no program"
}
[ ! -d "$SRC/tools/testing/selftests/dev_mem" ] || [ "$variant" = audit ] || build_kselftest
echo "$key" >"$keyfile"
echo built
