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
# The base and the series are checked out in build/BASE/alt; the 16
# olddefconfig runs of each go side by side, one object folder per CPU.
set -eu
. "$(dirname -- "$0")/lib.sh"
load_base "$1"

use_alt_tree
dir=$BUILD/$BASE/kconfig
mkdir -p "$dir"
log=$LOGS/kconfig.log
: >"$log"
jobs=$(nproc)

# value KEY OPTION: OPTION's value in combination KEY's configuration.
value() {
	sed -n "s/^CONFIG_$2=//p" "$dir/$1.full" | grep . || echo n
}

# keys: the 16 combinations, one word each: the values of DEVMEM, DEVPORT,
# INTEL_TDX_GUEST and AMD_MEM_ENCRYPT in that order (yyny).
keys() {
	for a in y n; do for b in y n; do for c in y n; do for d in y n; do
		echo "$a$b$c$d"
	done; done; done; done
}

# options KEY: the combination as OPTION=VALUE words.
options() {
	k=$1 words=""
	for o in DEVMEM DEVPORT INTEL_TDX_GUEST AMD_MEM_ENCRYPT; do
		words="$words${words:+ }$o=${k%"${k#?}"}"
		k=${k#?}
	done
	echo "$words"
}

# combos WORKER BRANCH: olddefconfig of every combination whose number
# modulo the number of workers is WORKER, in object folder wWORKER.
combos() {
	me=$1 on=$2 w=$dir/w$1 i=0
	mkdir -p "$w"
	for key in $(keys); do
		i=$((i + 1))
		[ $((i % jobs)) = "$me" ] || continue
		cp "$dir/defconfig.in" "$w/.config"
		set -- --enable X86_X2APIC --disable STRICT_DEVMEM --disable IO_STRICT_DEVMEM
		for o in $(options "$key"); do
			case ${o#*=} in
			y) set -- "$@" --enable "${o%=*}" ;;
			n) set -- "$@" --disable "${o%=*}" ;;
			esac
		done
		"$SRC/scripts/config" --file "$w/.config" "$@"
		rc=0
		make -C "$SRC" -s O="$w" olddefconfig >"$dir/$on-$key.out" 2>&1 || rc=$?
		echo "$rc" >"$dir/$on-$key.rc"
		cp "$w/.config" "$dir/$on-$key.full"
	done
}

bad=0 n=0
for branch in base series; do
	tgit checkout -q -f --detach "$branch"
	kmake -s O="$dir/w0" x86_64_defconfig >>"$log" 2>&1 ||
		die "$BASE kconfig: make x86_64_defconfig failed on $branch (see $log)"
	cp "$dir/w0/.config" "$dir/defconfig.in"
	w=0 pids=""
	while [ "$w" -lt "$jobs" ]; do
		combos "$w" "$branch" &
		pids="$pids $!"
		w=$((w + 1))
	done
	for p in $pids; do
		wait "$p" || die "$BASE kconfig: a worker failed on $branch (see $dir)"
	done
	for key in $(keys); do
		combo=$(options "$key")
		out=$(cat "$dir/$branch-$key.out")
		if [ "$(cat "$dir/$branch-$key.rc")" != 0 ]; then
			echo "$branch $combo: olddefconfig failed: $out" >&2
			bad=$((bad + 1))
			continue
		fi
		why=""
		if printf '%s\n' "$out" | grep -qi 'warning\|unmet'; then
			why="$why $(printf '%s\n' "$out" | grep -i -m1 'warning\|unmet')"
		fi
		for o in $combo; do
			[ "$(value "$branch-$key" "${o%=*}")" = "${o#*=}" ] ||
				why="$why ${o%=*} ended as $(value "$branch-$key" "${o%=*}");"
		done
		grep -v 'DEVMEM_KUNIT_TEST' "$dir/$branch-$key.full" | grep '^CONFIG_\|^# CONFIG_' >"$dir/$branch-$key.config"
		if [ "$branch" = series ] && ! cmp -s "$dir/base-$key.config" "$dir/series-$key.config"; then
			why="$why the series changes the configuration: $(diff "$dir/base-$key.config" "$dir/series-$key.config" | grep '^[<>]' | head -n 2 | tr '\n' ' ')"
		fi
		printf '%s %s: %s\n' "$branch" "$combo" "${why:-ok}" >>"$log"
		[ "$branch" = series ] && n=$((n + 1))
		[ -z "$why" ] || { echo "$branch $combo:$why" >&2; bad=$((bad + 1)); }
	done
done
[ "$bad" = 0 ] || { echo "$bad configurations wrong (see $log)"; exit 1; }
echo "$n configurations clean, and the same with the series as without it"
