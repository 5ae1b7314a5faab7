#!/bin/sh
# kconfig.sh BASE: the Kconfig matrix. For every combination of DEVMEM,
# DEVPORT, INTEL_TDX_GUEST and AMD_MEM_ENCRYPT, start from
# x86_64_defconfig with STRICT_DEVMEM and IO_STRICT_DEVMEM off, run
# olddefconfig on the base and on the series, and require: no Kconfig
# warning ("unmet direct dependencies"), the four options as asked (none
# silently dropped), and the same configuration with the series as without
# it but for the series' own KUnit option: the series changes no Kconfig
# symbol that a configuration already has, so it changes no host's and no
# guest's configuration.
set -eu
. "$(dirname -- "$0")/lib.sh"
load_base "$1"

require_clean_tree
trap 'tgit checkout -q series' EXIT
dir=$BUILD/$BASE/kconfig
mkdir -p "$dir"
log=$LOGS/kconfig.log
: >"$log"

value() {
	sed -n "s/^CONFIG_$1=//p" "$dir/.config" | grep . || echo n
}

bad=0 n=0
for branch in base series; do
	tgit checkout -q "$branch"
	kmake -s O="$dir" x86_64_defconfig >>"$log" 2>&1 ||
		die "$BASE kconfig: make x86_64_defconfig failed on $branch (see $log)"
	cp "$dir/.config" "$dir/defconfig.in"
	for devmem in y n; do for port in y n; do for tdx in y n; do for amd in y n; do
		combo="DEVMEM=$devmem DEVPORT=$port INTEL_TDX_GUEST=$tdx AMD_MEM_ENCRYPT=$amd"
		cp "$dir/defconfig.in" "$dir/.config"
		set -- --enable X86_X2APIC --disable STRICT_DEVMEM --disable IO_STRICT_DEVMEM
		for o in DEVMEM=$devmem DEVPORT=$port INTEL_TDX_GUEST=$tdx AMD_MEM_ENCRYPT=$amd; do
			case ${o#*=} in
			y) set -- "$@" --enable "${o%=*}" ;;
			n) set -- "$@" --disable "${o%=*}" ;;
			esac
		done
		"$SRC/scripts/config" --file "$dir/.config" "$@"
		out=$(kmake -s O="$dir" olddefconfig 2>&1) || {
			echo "$branch $combo: olddefconfig failed: $out" >&2
			bad=$((bad + 1))
			continue
		}
		why=""
		if printf '%s\n' "$out" | grep -qi 'warning\|unmet'; then
			why="$why $(printf '%s\n' "$out" | grep -i -m1 'warning\|unmet')"
		fi
		for o in DEVMEM=$devmem DEVPORT=$port INTEL_TDX_GUEST=$tdx AMD_MEM_ENCRYPT=$amd; do
			[ "$(value "${o%=*}")" = "${o#*=}" ] ||
				why="$why ${o%=*} ended as $(value "${o%=*}");"
		done
		key=$devmem$port$tdx$amd
		grep -v 'DEVMEM_KUNIT_TEST' "$dir/.config" | grep '^CONFIG_\|^# CONFIG_' >"$dir/$branch-$key.config"
		if [ "$branch" = series ] && ! cmp -s "$dir/base-$key.config" "$dir/series-$key.config"; then
			why="$why the series changes the configuration: $(diff "$dir/base-$key.config" "$dir/series-$key.config" | grep '^[<>]' | head -n 2 | tr '\n' ' ')"
		fi
		printf '%s %s: %s\n' "$branch" "$combo" "${why:-ok}" >>"$log"
		[ "$branch" = series ] && n=$((n + 1))
		[ -z "$why" ] || { echo "$branch $combo:$why" >&2; bad=$((bad + 1)); }
	done; done; done; done
done
[ "$bad" = 0 ] || { echo "$bad configurations wrong (see $log)"; exit 1; }
echo "$n configurations clean, and the same with the series as without it"
