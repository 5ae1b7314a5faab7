#!/bin/sh
# audit.sh: make audit. Which programs of a root filesystem open /dev/mem
# or /dev/port, and what each does in a confidential guest, where the fix
# refuses them: the image builder's view of the series.
#   make audit                 the default image: Debian 12 minbase with the
#                              usual users (configs/audit-packages), made with
#                              mmdebstrap from the machine's Debian mirror
#                              and kept in build/audit/ until that list changes
#   make audit ROOTFS=<dir>    a root filesystem already unpacked
#   make audit IMAGE=<file>    an image file: a tar archive (any compression
#                              tar knows), or a disk image that qemu-img
#                              reads (raw, qcow2, vmdk, vdi, vhdx) whose root
#                              file system is ext2/3/4, whole or in a
#                              partition: read with debugfs, not mounted
# Steps, each with progress lines: the static scan (scripts/audit-scan.sh:
# every ELF file and script that names either device, the libraries that
# do and the programs linked to them, with their Debian packages), the
# audit kernel built from branch simcc (with the fix) and from branch
# reverted (without it) (build.sh's "audit" variant: configs/audit.config,
# in build/mainline/obj-audit), and one boot of each with
# devmem_simulate_cc, the image as its root file system (ext4 made with
# mke2fs -d, on virtio-blk), QEMU's simulated BMC (IPMI over KCS, for
# /dev/ipmi0) and tests/audit/init.sh as init, which runs
# each program of tests/audit/programs that the image has under timeout and
# strace. scripts/audit-report.sh then writes build/audit/report.md and
# build/audit/report.tsv and prints the table.
# AUDIT_TIMEOUT (default 120) bounds each program's run, in seconds; a guest
# that does not finish within all of them (AUDIT_GUEST_TIMEOUT: the runs'
# timeouts, 10 s more each, and 180 s to boot) is stopped, its console's
# tail shown, and the audit reports what it had.
set -eu
. "$(dirname -- "$0")/lib.sh"
S=$TOP/scripts
A=$BUILD/audit
ptimeout=${AUDIT_TIMEOUT:-120}
for t in "$ptimeout" "${AUDIT_GUEST_TIMEOUT:-0}"; do
	case $t in
	'' | *[!0-9]*) die "AUDIT_TIMEOUT and AUDIT_GUEST_TIMEOUT are numbers of seconds, not '$t'" ;;
	esac
done
rootfs=${ROOTFS:-} image=${IMAGE:-}
[ -z "$rootfs" ] || [ -z "$image" ] || die "make audit takes ROOTFS=<dir> or IMAGE=<file>, not both"
if [ -n "$rootfs" ]; then
	[ -d "$rootfs" ] || die "ROOTFS=$rootfs is not a directory"
	rootfs=$(cd "$rootfs" && pwd)
	[ -e "$rootfs/bin/sh" ] || [ -L "$rootfs/bin/sh" ] ||
		die "ROOTFS=$rootfs has no bin/sh: not a root file system"
fi
if [ -n "$image" ]; then
	[ -f "$image" ] || die "IMAGE=$image is not a file"
	image=$(cd "$(dirname -- "$image")" && pwd)/$(basename -- "$image")
fi
lock_harness
mkdir -p "$A"
t0=$(date +%s)

# unpack_disk IMAGE DIR: the root file system of a disk image into DIR:
# qemu-img makes it raw, sfdisk finds its partitions, and debugfs copies out
# the first ext2/3/4 file system (the whole disk or a partition) that has
# /etc and /usr (rdump keeps owners and modes). Nothing is mounted.
unpack_disk() {
	fmt=$(qemu-img info --output=json "$1" 2>/dev/null | sed -n 's/^ *"format": "\(.*\)",*$/\1/p' | head -n 1)
	case $fmt in
	raw | qcow2 | vmdk | vdi | vhdx | vpc | qed) ;;
	*) die "IMAGE=$1: neither a tar archive nor a disk image (raw, qcow2, vmdk, vdi, vhdx) that qemu-img reads" ;;
	esac
	raw=$1
	if [ "$fmt" != raw ]; then
		raw=$A/image.raw
		say "audit: qemu-img convert $1 ($fmt) to raw"
		qemu-img convert -O raw "$1" "$raw" || die "IMAGE=$1: qemu-img could not convert it"
	fi
	ss=$(sfdisk -J "$raw" 2>/dev/null | sed -n 's/.*"sectorsize": *\([0-9]*\).*/\1/p')
	offsets="0 $(sfdisk -J "$raw" 2>/dev/null | sed -n 's/.*"start": *\([0-9]*\).*/\1/p' |
		while read -r st; do echo $((st * ${ss:-512})); done)"
	for off in $offsets; do
		dev="$raw?offset=$off"
		debugfs -R 'stat /etc' "$dev" 2>/dev/null | grep -q 'Type: directory' || continue
		debugfs -R 'stat /usr' "$dev" 2>/dev/null | grep -q 'Type: directory' || continue
		say "audit: debugfs rdump of the ext file system at offset $off of $1"
		debugfs -R "rdump / $2" "$dev" >"$A/image-rdump.log" 2>&1 ||
			die "IMAGE=$1: debugfs could not copy its root file system (see build/audit/image-rdump.log)"
		rm -f "$A/image.raw"
		return 0
	done
	rm -f "$A/image.raw"
	die "IMAGE=$1: no ext2/3/4 file system with /etc and /usr in it (make audit reads those with debugfs; unpack another yourself and use ROOTFS=<dir>)"
}

say "audit: tools"
"$S/deps.sh" tools mainline >/dev/null
"$S/deps.sh" audit >/dev/null

# The root file system to audit.
if [ -n "$image" ]; then
	key=$(stat -c '%n %s %Y' "$image" | cksum | cut -d' ' -f1)
	rootfs=$A/image-rootfs
	if [ "$(cat "$A/image-rootfs.key" 2>/dev/null)" != "$key" ]; then
		rm -rf "$rootfs" "$A/image-rootfs.key"
		mkdir -p "$rootfs"
		# (a file that starts with zeros, as a bare ext4 file system does,
		# is an empty archive to tar)
		if [ -n "$(tar -tf "$image" 2>/dev/null | head -n 1)" ]; then
			say "audit: unpacking $image (tar)"
			tar -xpf "$image" --numeric-owner -C "$rootfs" ||
				die "IMAGE=$image: tar could not unpack it"
		else
			unpack_disk "$image" "$rootfs"
		fi
		echo "$key" >"$A/image-rootfs.key"
	fi
	[ -e "$rootfs/bin/sh" ] || [ -L "$rootfs/bin/sh" ] ||
		die "IMAGE=$image has no bin/sh: not a root file system"
	what="image $image"
elif [ -n "$rootfs" ]; then
	what="root file system $rootfs"
else
	# The default image: Debian 12 minbase and the packages of
	# configs/audit-packages, from the machine's own Debian mirror.
	pkgs=$(sed -e 's/#.*//' "$TOP/configs/audit-packages" | tr -s ' \t\n' '\n' | grep . | sort -u | paste -sd, -)
	mirror=$(debian_mirror)
	[ -n "$mirror" ] || mirror=http://deb.debian.org/debian/
	rootfs=$A/rootfs
	key=$(printf '%s\n' bookworm minbase "$mirror" "$pkgs" | cksum | cut -d' ' -f1)
	if [ "$(cat "$A/rootfs.key" 2>/dev/null)" = "$key" ] && [ -d "$rootfs" ]; then
		say "audit: reusing build/audit/rootfs (the same package list)"
	else
		say "audit: mmdebstrap bookworm minbase + $(echo "$pkgs" | tr ',' '\n' | wc -l) packages from $mirror (log: build/audit/mmdebstrap.log)"
		rm -rf "$rootfs" "$rootfs.new" "$A/rootfs.key"
		mmdebstrap --variant=minbase --include="$pkgs" bookworm "$rootfs.new" "$mirror" \
			>"$A/mmdebstrap.log" 2>&1 ||
			die "mmdebstrap failed: $(grep '^E:' "$A/mmdebstrap.log" | tail -n 1) (see build/audit/mmdebstrap.log)"
		mv "$rootfs.new" "$rootfs"
		echo "$key" >"$A/rootfs.key"
	fi
	what="default image (Debian 12 minbase + configs/audit-packages)"
fi
echo "$what" >"$A/what"
echo "$rootfs" >"$A/rootfs-path"
echo "$ptimeout" >"$A/timeout"

# The static half.
"$S/audit-scan.sh" "$rootfs" >"$A/scan.tsv"

# The runs: the lines of tests/audit/programs whose program the image has
# (as the path says, or in the /usr-less place of an image without a merged
# /usr), numbered.
# (read splits at '|': a tab is blank to the shell, and two in a row, around
# an empty field, would count as one)
awk -F'\t' '!/^#/ && NF >= 2' "$TOP/tests/audit/programs" | tr '\t' '|' |
	while IFS='|' read -r path args instead note; do
		if [ -e "$rootfs$path" ] || [ -L "$rootfs$path" ]; then
			p=$path
		elif [ -e "$rootfs${path#/usr}" ] || [ -L "$rootfs${path#/usr}" ]; then
			p=${path#/usr}
		else
			continue
		fi
		printf '%s\t%s\t%s\t%s\n' "$p" "$args" "$instead" "$note"
	done | awk -F'\t' -v OFS='\t' '{ printf "%02d\t%s\n", NR, $0 }' >"$A/runs.tsv"
awk -F'\t' '$3 != "-" { c = $2; if ($3 != "") c = c " " $3; print $1 "\t" c }' "$A/runs.tsv" >"$A/run.list"
say "audit: $(wc -l <"$A/run.list") runs of $(cut -f2 "$A/run.list" | cut -d' ' -f1 | sort -u | wc -l) programs in the guest"

# The audit kernels: the fix (simcc) and without it (reverted), both with
# tests/simcc, so that devmem_simulate_cc makes mem.c see a confidential
# guest.
"$S/deps.sh" base mainline >/dev/null
"$S/tree.sh" mainline >/dev/null
load_base mainline
for b in simcc reverted; do
	"$S/build.sh" mainline "$b" audit >/dev/null
done
tgit checkout -q series

# The image the guest boots: the root file system as ext4 (mke2fs -d, as
# root: owners kept), with /audit/init and /audit/run.list added by debugfs
# (the root file system itself is never written to). No journal: debugfs
# reads the guest's results back without replaying one.
img=$A/rootfs.img
mb=$(du -smx "$rootfs" | cut -f1)
files=$(find "$rootfs" -xdev | wc -l)
say "audit: mke2fs -d ${rootfs#"$TOP"/} ($mb MiB, $files files)"
rm -f "$img"
mke2fs -q -F -t ext4 -O ^has_journal -L audit -N $((files + files / 4 + 4096)) -d "$rootfs" "$img" "$((mb + mb / 2 + 512))M" \
	>"$A/mke2fs.log" 2>&1 || die "mke2fs -d failed (see build/audit/mke2fs.log)"
debugfs -w -f - "$img" >"$A/debugfs.log" 2>&1 <<EOF
mkdir /audit
mkdir /audit/out
write $TOP/tests/audit/init.sh /audit/init
write $A/run.list /audit/run.list
EOF
debugfs -R 'stat /audit/init' "$img" 2>/dev/null | grep -q 'Mode: *0755' ||
	die "debugfs could not add /audit/init to the image (see build/audit/debugfs.log)"

# boot_audit BRANCH: boot the audit kernel of BRANCH on a copy of the image,
# showing the guest's progress, and fetch /audit/out into build/audit/BRANCH/.
boot_audit() {
	b=$1
	out=$A/$b
	rm -rf "$out"
	mkdir -p "$out"
	cp --sparse=always "$img" "$out/rootfs.img"
	log=$out/console.log
	# each run, a boot, and slack. One CPU: on a busy host a second one
	# (a second QEMU thread) made strace's ptrace stops ten times slower
	# (hwinfo --bios: 22 s with one, killed after 120 s with two).
	limit=${AUDIT_GUEST_TIMEOUT:-$(($(wc -l <"$A/run.list") * (ptimeout + 10) + 180))}
	set -- qemu-system-x86_64 -nodefaults -no-reboot -nographic \
		-serial mon:stdio -accel tcg -cpu max -m 1024 -smp 1 \
		-kernel "$BUILD/mainline/bzImage-$b-audit" \
		-drive "file=$out/rootfs.img,format=raw,if=virtio" \
		-device ipmi-bmc-sim,id=bmc0 -device isa-ipmi-kcs,bmc=bmc0 \
		-append "console=ttyS0 panic=-1 root=/dev/vda rw rootfstype=ext4 init=/audit/init kunit.enable=0 devmem_simulate_cc audit_timeout=$ptimeout"
	say "audit: booting the $b kernel ($(label "$b")) on the image, at most ${limit}s (console: build/audit/$b/console.log)"
	: >"$log"
	timeout --foreground "$limit" "$@" </dev/null >"$log" 2>&1 &
	qpid=$!
	# progress: the guest's "audit: " lines as they come
	cr=$(printf '\r')
	tail -n +1 -f --pid="$qpid" "$log" 2>/dev/null |
		while IFS= read -r line; do
			line=${line%"$cr"}
			case $line in
			'audit: ['*'] exit '*) ;;
			'audit: '*) say "audit ($b): ${line#audit: }" ;;
			esac
		done
	rc=0
	wait "$qpid" || rc=$?
	if ! grep -q '^audit: end' "$log"; then
		echo "--- last console lines (build/audit/$b/console.log) ---" >&2
		tr -d '\r' <"$log" | tail -n 15 >&2
		if [ "$rc" = 124 ]; then
			say "audit ($b): the guest did not finish in ${limit}s and was stopped; reporting what it had done"
		else
			say "audit ($b): the guest ended without finishing (qemu exit $rc); reporting what it had done"
		fi
		echo "guest stopped before the end (qemu exit $rc)" >"$out/incomplete"
	fi
	debugfs -R "rdump /audit/out $out" "$out/rootfs.img" >"$out/debugfs.log" 2>&1 || true
	rm -f "$out/rootfs.img"
}
label() {
	case $1 in
	simcc) echo "with the fix" ;;
	reverted) echo "without the fix" ;;
	esac
}
for b in simcc reverted; do
	boot_audit "$b"
done
rm -f "$img"

"$S/audit-report.sh"
say "audit: done in $(($(date +%s) - t0))s: build/audit/report.md, build/audit/report.tsv"
