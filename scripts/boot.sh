#!/bin/sh
# boot.sh BASE BRANCH [VARIANT]: boot build/BASE/bzImage-BRANCH under QEMU
# (TCG) with an initramfs whose /init is tests/guest/devmem-init.c, and save
# the console to build/BASE/logs/boot-BRANCH.log. The built-in KUnit suites
# run during boot, the series' kselftest programs (build/BASE/kselftest-BRANCH/,
# made by build.sh) after it, as root and as an unprivileged user, then
# tests/bench/devmem-bench with BENCH=ITERATIONS,ROUNDS (default 20,1: a
# smoke run, so that it cannot rot); the guest powers itself off. The
# kernel's config is in the initramfs as /boot/config-RELEASE, where the
# kselftest looks for it. With "lockdown" the guest boots with
# lockdown=integrity instead, without the bench, and the console goes to
# boot-BRANCH-lockdown.log; with "simcc", with devmem_simulate_cc (the
# harness's tests/simcc patch makes mem.c see a confidential guest) and
# DEVMEM_TEST_CC=1 for the kselftest, to boot-BRANCH-simcc.log; with
# "sentinel", init plants a pattern in low RAM through /dev/mem before the
# kselftest and checks it after (for BRANCH-nostrict, the kernel without
# STRICT_DEVMEM), to boot-BRANCH-sentinel.log; with "ebda", with the
# firmware's memory map of the plain boot of branch series (its
# BIOS-e820 lines) given again with memmap=exactmap, but the usable range
# at 0 running up to 640 KiB, so that the EBDA is listed as RAM, as some
# firmware lists it, to boot-BRANCH-ebda.log.
# Fails when the guest does not finish: a timeout or a missing end marker.
set -eu
. "$(dirname -- "$0")/lib.sh"
load_base "$1"
branch=$2 variant=${3:-}
timeout=${BOOT_TIMEOUT:-300}
case $variant in
lockdown) append="lockdown=integrity" ;;
# tests/simcc: mem.c sees a confidential guest; the kselftest is told so.
simcc) append="devmem_simulate_cc DEVMEM_TEST_CC=1" ;;
# init plants a pattern in low RAM before the kselftest and checks it after
# (for the kernel without STRICT_DEVMEM, where /dev/mem can write it).
sentinel) append="devmem_sentinel=1" ;;
ebda)
	plain=$LOGS/boot-series.log
	[ -f "$plain" ] || die "$plain is missing: boot branch series without a variant first"
	append="memmap=exactmap $(tr -d '\r' <"$plain" |
		sed -n 's/.*BIOS-e820: \[mem \(0x[0-9a-f]*\)-\(0x[0-9a-f]*\)\] *\(usable\|System RAM\)$/\1 \2/p' |
		while read -r start end; do
			if [ $((start)) = 0 ]; then
				printf 'memmap=640K@0 '
			else
				printf 'memmap=%#x@%#x ' $((end - start + 1)) $((start))
			fi
		done)"
	case $append in
	*memmap=640K@0*) ;;
	*) die "$plain shows no usable range at 0 (BIOS-e820 lines): cannot list the EBDA as RAM" ;;
	esac
	;;
'') append="devmem_bench=${BENCH:-20,1}" ;;
*) die "boot.sh: the variant is 'lockdown', 'simcc', 'sentinel', 'ebda' or none, not '$variant'" ;;
esac
log=$LOGS/boot-$branch${variant:+-$variant}.log
what="$BASE boot ($branch${variant:+, $variant})"
kernel=$BUILD/$BASE/bzImage-$branch
[ -f "$kernel" ] || die "$kernel is missing: run make build first"
command -v qemu-system-x86_64 >/dev/null ||
	die "'qemu-system-x86_64' is needed: apt-get install qemu-system-x86"

# The initramfs: a static /init and the console node, packed with the
# kernel's own gen_init_cpio. Every entry has the same mtime (the guest's
# RTC base), whenever it was built: make bench compares instruction
# counts, and two kernels that differed only in their initramfs's mtimes
# gave different counts for open() on 6.1.
# One folder per base: the bases run side by side.
initdir=$BUILD/$BASE/init
epoch=1577836800 # 2020-01-01T00:00:00Z
mkdir -p "$initdir"
for prog in guest/devmem-init bench/devmem-bench; do
	gcc -static -O2 -Wall -Wextra -Werror -o "$initdir/${prog#*/}" \
		"$TOP/tests/$prog.c" ||
		die "could not build tests/$prog.c (gcc -static needs libc6-dev)"
done
cat >"$initdir/cpio.list" <<LIST
dir /dev 0755 0 0
nod /dev/console 0600 0 0 c 5 1
dir /proc 0755 0 0
dir /sys 0755 0 0
dir /boot 0755 0 0
file /init $initdir/devmem-init 0755 0 0
file /bench $initdir/devmem-bench 0755 0 0
LIST
rm -rf "$initdir/kselftest" "$initdir/config"
tests=$BUILD/$BASE/kselftest-$branch
if [ -d "$tests" ]; then
	cp -r "$tests" "$initdir/kselftest"
	echo "dir /kselftest 0755 0 0" >>"$initdir/cpio.list"
	for t in "$initdir"/kselftest/*; do
		echo "file /kselftest/${t##*/} $t 0755 0 0" >>"$initdir/cpio.list"
	done
fi
release=$BUILD/$BASE/release-$branch
if [ -f "$release" ]; then
	cp "$BUILD/$BASE/config-$branch" "$initdir/config"
	echo "file /boot/config-$(cat "$release") $initdir/config 0644 0 0" >>"$initdir/cpio.list"
fi
# 6.1's gen_init_cpio -t does not apply to files: touch them too.
touch -c -d "@$epoch" "$initdir"/devmem-init "$initdir"/devmem-bench "$initdir"/kselftest/* \
	"$initdir"/config
"$OBJ/usr/gen_init_cpio" -t "$epoch" "$initdir/cpio.list" >"$initdir/initramfs.cpio"

# TCG: nested KVM does not work on the machines this runs on.
set -- qemu-system-x86_64 -nodefaults -no-reboot -nographic \
	-serial mon:stdio -accel tcg -cpu max -m 512 -smp "${BOOT_SMP:-2}" \
	-kernel "$kernel" -initrd "$initdir/initramfs.cpio" \
	-append "console=ttyS0 panic=-1 kunit.filter_glob=devmem* $append"
# BOOT_QEMU_OPTS: more QEMU options, split at blanks, after those above (a
# later -cpu replaces -cpu max). make bench counts instructions with them.
# shellcheck disable=SC2086 # one word per option
set -- "$@" ${BOOT_QEMU_OPTS:-}
say "$what: \$ $(for a in "$@"; do case $a in *' '*) printf "'%s' " "$a" ;; *) printf '%s ' "$a" ;; esac; done)"
rc=0 t0=$(date +%s)
timeout --foreground "$timeout" "$@" </dev/null >"$log" 2>&1 || rc=$?
if [ "$rc" = 124 ]; then
	echo "--- last console lines ($log) ---" >&2
	tail -n 15 "$log" >&2
	die "$what: guest timed out after ${timeout}s"
fi
if [ "$rc" != 0 ] || ! grep -q '^devmem-userspace: \(end\|no kselftest\)' "$log" ||
   { [ -z "$variant" ] && ! grep -q '^devmem-bench: end (status 0)' "$log"; }; then
	echo "--- last console lines ($log) ---" >&2
	tail -n 15 "$log" >&2
	die "$what: guest did not exit cleanly (qemu exit $rc; $(grep -c '^devmem-userspace: \(end\|no kselftest\)' "$log") test end markers; bench: $(sed -n 's/^devmem-bench: end //p' "$log"))"
fi
say "$what: guest finished and powered off after $(($(date +%s) - t0))s"
