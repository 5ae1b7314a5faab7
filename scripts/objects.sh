#!/bin/sh
# objects.sh BASE: the files the series touches, built where distros and
# other architectures build them, with W=1 and sparse (C=2), before and
# after the series: the series may add no warning.
#   debian-cloud  x86_64, Debian's config.amd64_none_cloud-amd64
#   arm64         defconfig, cross gcc-aarch64-linux-gnu (STRICT_DEVMEM on,
#                 no confidential computing platform)
#   um            ARCH=um defconfig (no STRICT_DEVMEM)
# and Debian's two amd64 configs must come out of olddefconfig the same with
# the series as without it, and without a new warning. Only the touched
# objects are built, after make prepare. The KUnit suite is enabled so that
# it is compiled too.
# The base and the series are checked out in build/BASE/alt. sparse is
# Debian's, or, where the tree's scripts/checker-valid.sh finds it too old
# (7.3), built from Debian's newest source package of it (deps.sh sparse);
# a build where make says that it ran no checker fails.
set -eu
. "$(dirname -- "$0")/lib.sh"
load_base "$1"
require_clean_tree
use_alt_tree
debcfg=/usr/src/linux-config-${package#linux-source-}
[ -d "$debcfg" ] || die "$debcfg is missing: run make deps BASE=$BASE ($CONFIGPKG=$TESTED)"

# The kernel's C files that the series changes or adds, as objects (the
# KUnit file is built as part of mem.o; the kselftest is user space).
objs=$(tgit diff --name-only base series -- '*.c' ':!tools/' |
	sed -n 's/\.c$/.o/p' | grep -v 'kunit\.o$' | tr '\n' ' ')
[ -n "$objs" ] || die "the series of $BASE touches no C file?"

fails=0
check=sparse
if [ -f "$SRC/scripts/checker-valid.sh" ] &&
   [ "$(sh "$SRC/scripts/checker-valid.sh" sparse 2>/dev/null)" != 1 ]; then
	check=$("$TOP/scripts/deps.sh" sparse) || exit 1
fi
sparse="sparse $("$check" --version)"
[ "$check" = sparse ] || sparse="sparse of Debian's $(cat "${check%/*}/version")"

# config TARGET BRANCH DIR: write DIR/.config for TARGET on BRANCH; the
# olddefconfig output goes to DIR/olddefconfig.out.
config() {
	case $1 in
	debian-*)
		xz -dc "$debcfg/config.amd64_none_${1#debian-}.xz" >"$3/.config"
		# Debian's config as Debian builds it, through olddefconfig of
		# this branch: the series may change nothing in it.
		make -C "$SRC" O="$3" olddefconfig >/dev/null 2>&1
		cp "$3/.config" "$3/debian-$2.config"
		;;
	*)
		# shellcheck disable=SC2086 # ARGS: make's arguments, one word each
		make -C "$SRC" O="$3" $ARGS defconfig >/dev/null 2>&1
		;;
	esac
	"$SRC/scripts/config" --file "$3/.config" --enable KUNIT --enable DEVMEM_KUNIT_TEST
	# shellcheck disable=SC2086
	make -C "$SRC" O="$3" $ARGS olddefconfig >"$3/olddefconfig.out" 2>&1
}

warnings() { # LOG: warning lines, without line and column numbers, and
	# with paths relative to the tree (ccache makes them relative, a build
	# without it absolute)
	grep -i 'warning\|error' "$1" | grep -v '^make' |
		sed -e 's#^[^ :]*/\(src\|alt\)/##' -e 's/:[0-9]*:[0-9]*:/:/' | sort -u
}

for target in debian-amd64 debian-cloud-amd64 arm64 um; do
	case $target in
	debian-*) ARGS="" ;;
	arm64) ARGS="ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu-" ;;
	um) ARGS="ARCH=um" ;;
	esac
	dir=$BUILD/$BASE/obj-$target
	# a folder made from another source tree (build/BASE/src, before alt)
	[ ! -e "$dir/source" ] || [ "$(readlink "$dir/source")" = "$SRC" ] || rm -rf "$dir"
	mkdir -p "$dir"
	# another architecture's files are not built there
	tobjs=$objs
	case $target in
	arm64|um)
		# shellcheck disable=SC2086 # one word per object
		tobjs=$(printf '%s\n' $objs | grep -v '^arch/x86/' | tr '\n' ' ') ;;
	esac
	# The base's warnings change only with the base, the objects, the
	# toolchain and this script: reuse them when none of these changed.
	basekey=$( (tgit rev-parse base; echo "$tobjs $target $sparse"; cat "$0"
		dpkg-query -W gcc sparse gcc-aarch64-linux-gnu "linux-config-${package#linux-source-}" 2>&1) | cksum)
	basekeyfile=$dir/base.key
	for branch in base series; do
		if [ "$branch" = base ] && [ -f "$basekeyfile" ] &&
		   [ "$(cat "$basekeyfile")" = "$basekey" ]; then
			say "$BASE objects: $target (base): reusing the base's warnings (unchanged)"
			continue
		fi
		[ "$branch" != base ] || rm -f "$basekeyfile"
		tgit checkout -q -f --detach "$branch"
		config "$target" "$branch" "$dir"
		cp "$dir/olddefconfig.out" "$LOGS/olddefconfig-$target-$branch.log"
		[ "$target" != debian-amd64 ] || continue
		say "$BASE objects: $target ($branch): make prepare; make W=1 C=2 $tobjs"
		# shellcheck disable=SC2086
		make -C "$SRC" O="$dir" $ARGS -j"$(nproc)" prepare >"$LOGS/objects-$target-$branch.log" 2>&1 ||
			{ echo "$target ($branch): make prepare failed (see $LOGS/objects-$target-$branch.log)"; fails=$((fails + 1)); continue; }
		# shellcheck disable=SC2086 # one word per object
		(cd "$dir" && rm -f $tobjs)
		# shellcheck disable=SC2086
		if make -C "$SRC" O="$dir" $ARGS W=1 C=2 CHECK="$check" $tobjs >"$LOGS/objects-$target-$branch.log" 2>&1; then
			if grep -q 'C=2 specified, but' "$LOGS/objects-$target-$branch.log"; then
				echo "$target ($branch): make ran no checker: $(grep -m1 'C=2 specified, but' "$LOGS/objects-$target-$branch.log" | sed 's/.*: //')" >&2
				fails=$((fails + 1))
				continue
			fi
			[ "$branch" != base ] || echo "$basekey" >"$basekeyfile"
		else
			echo "$target ($branch): make $tobjs failed (see $LOGS/objects-$target-$branch.log)" >&2
			fails=$((fails + 1))
		fi
	done
	# debian-amd64 builds nothing: its base olddefconfig is all there is.
	[ "$target" != debian-amd64 ] || echo "$basekey" >"$basekeyfile"
	new=$(warnings "$LOGS/olddefconfig-$target-series.log" |
		grep -vxF "$(warnings "$LOGS/olddefconfig-$target-base.log")" || true)
	[ -z "$new" ] || { echo "$target: olddefconfig warns: $new" >&2; fails=$((fails + 1)); }
	case $target in
	debian-*)
		[ -f "$dir/debian-base.config" ] || { tgit checkout -q -f --detach base; config "$target" base "$dir"; }
		diff -u "$dir/debian-base.config" "$dir/debian-series.config" >"$LOGS/debian-config-$target.diff" ||
			{ echo "$target: the series changes Debian's config (see $LOGS/debian-config-$target.diff)" >&2; fails=$((fails + 1)); }
		[ "$target" != debian-amd64 ] || continue
		;;
	esac
	new=$(warnings "$LOGS/objects-$target-series.log" |
		grep -vxF "$(warnings "$LOGS/objects-$target-base.log")" || true)
	if [ -n "$new" ]; then
		echo "$target: new warnings:" >&2
		printf '%s\n' "$new" >&2
		fails=$((fails + 1))
	fi
done
[ "$fails" = 0 ] || { echo "$fails problems (logs: ${LOGS#"$TOP"/}/objects-*)"; exit 1; }
echo "${objs% } with W=1 and $sparse on Debian cloud, arm64 and um: no new warning; Debian's amd64 and cloud-amd64 configs unchanged by olddefconfig with the series"
