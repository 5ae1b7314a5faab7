#!/bin/sh
# kconfig.sh BASE BRANCH pass|revert: the Kconfig matrix. For every
# combination of DEVMEM, INTEL_TDX_GUEST and AMD_MEM_ENCRYPT, start from
# x86_64_defconfig with STRICT_DEVMEM and IO_STRICT_DEVMEM turned off (so that
# only a select can turn them on), run olddefconfig and
# require: no Kconfig warning (no "unmet direct dependencies"), the three
# options as asked (none silently dropped), and STRICT_DEVMEM=y wherever
# DEVMEM and a confidential guest option are on, and IO_STRICT_DEVMEM=y
# there too where the series selects it (the mainline series does, in a
# patch of its own; a stable backport does not). "revert" expects the
# matrix to fail (the selects are gone).
set -eu
. "$(dirname -- "$0")/lib.sh"
load_base "$1"
branch=$2 expect=$3

require_clean_tree
tgit checkout -q "$branch"
dir=$BUILD/$BASE/kconfig
mkdir -p "$dir"
kmake -s O="$dir" x86_64_defconfig >"$LOGS/kconfig-$branch.log" 2>&1 ||
	die "$BASE kconfig: make x86_64_defconfig failed (see $LOGS/kconfig-$branch.log)"
cp "$dir/.config" "$dir/defconfig.in"

value() {
	sed -n "s/^CONFIG_$1=//p" "$dir/.config" | grep . || echo n
}

# The filters the series selects for the guest options.
filters=$(selected_filters series)
case " $filters " in
*" STRICT_DEVMEM "*) ;;
*) die "$BASE kconfig: arch/x86/Kconfig of the series does not select STRICT_DEVMEM" ;;
esac
bad=0 n=0 unexpected=0
for devmem in y n; do for tdx in y n; do for amd in y n; do
	n=$((n + 1))
	combo="DEVMEM=$devmem INTEL_TDX_GUEST=$tdx AMD_MEM_ENCRYPT=$amd"
	cp "$dir/defconfig.in" "$dir/.config"
	set -- --enable X86_X2APIC --disable STRICT_DEVMEM --disable IO_STRICT_DEVMEM
	for o in DEVMEM=$devmem INTEL_TDX_GUEST=$tdx AMD_MEM_ENCRYPT=$amd; do
		case ${o#*=} in
		y) set -- "$@" --enable "${o%=*}" ;;
		n) set -- "$@" --disable "${o%=*}" ;;
		esac
	done
	"$SRC/scripts/config" --file "$dir/.config" "$@"
	out=$(kmake -s O="$dir" olddefconfig 2>&1) || {
		echo "$combo: olddefconfig failed: $out" >&2
		bad=$((bad + 1))
		continue
	}
	why=""
	if printf '%s\n' "$out" | grep -qi 'warning\|unmet'; then
		why="$why $(printf '%s\n' "$out" | grep -i -m1 'warning\|unmet')"
	fi
	for o in DEVMEM=$devmem INTEL_TDX_GUEST=$tdx AMD_MEM_ENCRYPT=$amd; do
		[ "$(value "${o%=*}")" = "${o#*=}" ] ||
			why="$why ${o%=*} ended as $(value "${o%=*}");"
	done
	if [ "$devmem" = y ] && { [ "$tdx" = y ] || [ "$amd" = y ]; }; then
		for o in $filters; do
			[ "$(value "$o")" = y ] || why="$why $o=$(value "$o");"
		done
	fi
	printf '%s %s: %s\n' "$branch" "$combo" "${why:-ok}" >>"$LOGS/kconfig-$branch.log"
	# Without the fix exactly the combinations with DEVMEM and a guest
	# option must be wrong, and only for the two filters.
	guest=n
	[ "$devmem" = y ] && { [ "$tdx" = y ] || [ "$amd" = y ]; } && guest=y
	if [ -n "$why" ]; then
		bad=$((bad + 1))
		if [ "$expect" = revert ]; then
			rest=$(printf '%s' "$why" | sed -e 's/ IO_STRICT_DEVMEM=n;//' -e 's/ STRICT_DEVMEM=n;//' -e 's/ *$//')
			{ [ "$guest" = y ] && [ -z "$rest" ]; } ||
				{ echo "$combo: unexpected without the fix:$why" >&2; unexpected=$((unexpected + 1)); }
		else
			echo "$combo:$why" >&2
		fi
	elif [ "$expect" = revert ] && [ "$guest" = y ]; then
		echo "$combo: still right without the fix" >&2
		unexpected=$((unexpected + 1))
	fi
done; done; done

case $expect in
pass)
	[ "$bad" = 0 ] || { echo "$bad of $n configurations wrong" ; exit 1; }
	echo "$n configurations clean; guest options select $(echo "$filters" | sed 's/ / and /')"
	;;
revert)
	{ [ "$bad" != 0 ] && [ "$unexpected" = 0 ]; } ||
		{ echo "without the fix: $bad of $n wrong, $unexpected not as expected"; exit 1; }
	echo "without the fix: $bad of $n configurations wrong (as expected)"
	;;
*)
	die "kconfig.sh: expect 'pass' or 'revert', not '$expect'"
	;;
esac
