#!/bin/sh
# make audit's init in the guest: installed in the audited image as
# /audit/init, run by the image's own /bin/sh as the kernel's init
# (init=/audit/init). It mounts what programs expect, then runs each line
# of /audit/run.list ("ID<TAB>command line", written by scripts/audit.sh)
# as root, with no input, under timeout(1) (audit_timeout=SECONDS on the
# kernel command line, default 120: a program that hangs is killed, and the
# next one runs) and strace(1) where the image has it, tracing what shows
# how it gets at the hardware: open(2) of /dev/mem and /dev/port (refused
# or not) and of what it reads instead, iopl(2) and ioperm(2). For each run
# it writes /audit/out/ID/{cmd,output,strace,rc,seconds}, synced before
# the next,
# and prints progress lines on the console ("audit: [3/20] dmidecode -t
# bios", "audit: [3/20] exit 0"); the host reads /audit/out from the image
# when the guest is off (debugfs rdump), and the console when it hung.
# Then the guest powers itself off (sysrq o).
PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export PATH
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mount -t tmpfs tmpfs /tmp
mount -t tmpfs tmpfs /run
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
t=${audit_timeout:-120}
out=/audit/out
mkdir -p "$out"
n=$(grep -c . /audit/run.list)
trace=""
if command -v strace >/dev/null; then
	trace="strace -f -qq -s 256 -e signal=none -e trace=open,openat,iopl,ioperm,execve -o"
else
	echo "audit: the image has no strace: the runs are not traced"
fi
echo "audit: guest up: kernel $(uname -r), $n runs, each killed after ${t}s"
i=0
while IFS='	' read -r id cmd; do
	i=$((i + 1))
	d=$out/$id
	mkdir -p "$d"
	echo "$cmd" >"$d/cmd"
	echo "audit: [$i/$n] $cmd"
	t0=$(date +%s)
	# The command's words, split at blanks; $trace is strace's.
	# shellcheck disable=SC2086
	if [ -n "$trace" ]; then
		timeout -k 5 "$t" $trace "$d/strace" $cmd </dev/null >"$d/output" 2>&1
	else
		timeout -k 5 "$t" $cmd </dev/null >"$d/output" 2>&1
	fi
	rc=$?
	echo "$rc" >"$d/rc"
	echo $(($(date +%s) - t0)) >"$d/seconds"
	sync
	echo "audit: [$i/$n] exit $rc"
done </audit/run.list
echo "audit: end"
sync
echo o >/proc/sysrq-trigger
# no program from the disk while it powers off
while :; do :; done
