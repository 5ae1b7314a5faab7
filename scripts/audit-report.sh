#!/bin/sh
# audit-report.sh: make audit's report, from what audit.sh left in
# build/audit/: the static scan (scan.tsv), the runs (runs.tsv) and what the
# guest wrote for each run with the fix (simcc/out/ID/) and without it
# (reverted/out/ID/). Writes build/audit/report.tsv (one row a run, then one
# a program of the scan that was not run) and build/audit/report.md (the
# runs' table, the scan's table, how it was made), and prints a short table.
# For each run and kernel it says:
#   result    exit N; "killed after Ns (timeout)" (timeout's 124); "the
#             guest was stopped or died in this run"; "not run: the guest
#             stopped before it" (a guest stopped by AUDIT_GUEST_TIMEOUT, or
#             that died)
#   devices   what its open(2) of /dev/mem and /dev/port returned (strace):
#             EPERM, opened, or "not opened"
#   message   what it printed (stdout and stderr): its first line that
#             names a device or an error (else its first line), and its
#             last
#   used      what it read besides that answers the same questions (its
#             fallback, or what it reads first): /sys/firmware/{dmi,acpi}/
#             tables, the EFI and iBFT folders there, /sys/bus/pci,
#             /sys/class/drm, /dev/cpu/*/cpuid, the IPMI, RTC, NVRAM, I2C
#             and DRM devices, and iopl(2)/ioperm(2) calls, the first four
set -eu
. "$(dirname -- "$0")/lib.sh"
A=$BUILD/audit
[ -s "$A/runs.tsv" ] || [ -s "$A/scan.tsv" ] || die "no audit yet: run make audit"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# the runs' timeout, as audit.sh recorded it
limit=$(cat "$A/timeout" 2>/dev/null || echo '?')

# summary BRANCH ID N: "result<TAB>devices<TAB>message<TAB>fallback" of run
# ID (the Nth of the guest) on BRANCH's kernel.
summary() {
	d=$A/$1/out/$2
	if [ -f "$d/rc" ]; then
		rc=$(cat "$d/rc")
		case $rc in
		124) result="killed after ${limit}s (timeout)" ;;
		137) result="killed (SIGKILL)" ;;
		*) result="exit $rc" ;;
		esac
		# a slow run says how long it took (TCG: a BIOS emulated in
		# user space, as hwinfo and vbetool do, is slow)
		secs=$(cat "$d/seconds" 2>/dev/null || echo 0)
		[ "$rc" = 124 ] || [ "$secs" -lt 10 ] || result="$result after ${secs}s"
	elif grep -q "^audit: \[$3/" "$A/$1/console.log" 2>/dev/null; then
		result="the guest was stopped or died in this run (see build/audit/$1/console.log)"
	else
		result="not run: the guest stopped before it"
	fi
	devs=$(awk '
		/(open|openat)\(.*"\/dev\/(mem|port)"/ {
			match($0, /"\/dev\/(mem|port)"/); p = substr($0, RSTART + 1, RLENGTH - 2)
			r = $0; sub(/.*\) += /, "", r)
			if (r ~ /^-1 /) { split(r, e, " "); r = e[2] } else r = "opened"
			if (!((p, r) in seen)) { seen[p, r] = 1; s = s (s == "" ? "" : ", ") p ": " r }
		}
		END { print s == "" ? "not opened" : s }' "$d/strace" 2>/dev/null || echo "not traced")
	[ -f "$d/strace" ] || devs="not traced"
	msg=""
	[ ! -f "$d/output" ] || msg=$(tr -d '\r' <"$d/output" | tr '\t' ' ' |
		sed -e 's/[[:space:]]*$//' -e 's/^[[:space:]]*//' -e 's/[[:space:]][[:space:]]*/ /g' \
			-e '/^$/d' -e '/^#/d' -e '/^=*$/d' | cut -c1-110 | awk '
		!first { first = $0 }
		!err && /\/dev\/(mem|port)|[Ee]rror|[Ff]ail|[Cc]an ?not|can.t|not permitted|denied/ { err = $0 }
		{ last = $0 }
		END {
			m = err ? err : first
			if (last != m) m = m " / " last
			print m
		}')
	fb=$(awk '
		function add(x) { if (!(x in seen) && n < 4) { seen[x] = 1; n++; s = s (s == "" ? "" : ", ") x } }
		/ = -1 / || /resumed>/ { next }
		/(open|openat)\(/ {
			if (!match($0, /"[^"]*"/)) next
			p = substr($0, RSTART + 1, RLENGTH - 2)
			if (p ~ /^\/sys\/firmware\/(dmi|acpi)\/tables/) { sub(/\/tables\/.*/, "/tables", p); add(p) }
			else if (p ~ /^\/sys\/firmware\/(efi|ibft)/) add(p)
			else if (p ~ /^\/sys\/bus\/pci\//) add("/sys/bus/pci")
			else if (p ~ /^\/sys\/class\/drm\//) add(p)
			else if (p ~ /^\/dev\/cpu\/[0-9]+\//) { sub(/\/cpu\/[0-9]+\//, "/cpu/*/", p); add(p) }
			else if (p ~ /^\/dev\/(ipmi|rtc|nvram|i2c|dri|imb)/) add(p)
		}
		/ (iopl|ioperm)\(/ {
			c = $0; sub(/^[0-9]+ +/, "", c); sub(/ +=/, " =", c); sub(/ \(.*\)$/, "", c)
			add(c)
		}
		END { print s == "" ? "none" : s }' "$d/strace" 2>/dev/null || echo "-")
	[ -f "$d/strace" ] || fb="-"
	printf '%s\t%s\t%s\t%s\n' "$result" "$devs" "${msg:--}" "$fb"
}

# package PATH: from the scan, else from the image's dpkg database.
package() {
	p=$(awk -F'\t' -v p="$1" '$1 == p { print $3; exit }' "$A/scan.tsv")
	if [ -z "$p" ] && [ -d "$(cat "$A/rootfs-path" 2>/dev/null)/var/lib/dpkg/info" ]; then
		r=$(cat "$A/rootfs-path")
		l=$(grep -lx -e "$1" -e "${1#/usr}" "$r"/var/lib/dpkg/info/*.list 2>/dev/null | head -n 1)
		p=${l##*/}
		p=${p%.list}
		p=${p%%:*}
	fi
	echo "${p:--}"
}

# report.tsv
{
	printf 'program\tpath\tpackage\tdevices named\tvia library\twith the fix: result\twith the fix: open\twith the fix: message\twith the fix: used besides\twithout the fix: result\twithout the fix: open\twithout the fix: message\tinstead\tnote\n'
	n=0
	tr '\t' '|' <"$A/runs.tsv" | while IFS='|' read -r id path args instead note; do
		[ "$args" != "-" ] || continue
		n=$((n + 1))
		cmd=${path##*/}${args:+ $args}
		devs=$(awk -F'\t' -v p="$path" '$1 == p { print $4; exit }' "$A/scan.tsv")
		via=$(awk -F'\t' -v p="$path" '$1 == p && $2 == "linked" { print $5; exit }' "$A/scan.tsv")
		with=$(summary simcc "$id" "$n")
		without=$(summary reverted "$id" "$n" | cut -f1-3)
		printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$cmd" "$path" "$(package "$path")" \
			"${devs:-none}" "${via:--}" "$with" "$without" "$instead" "${note:--}"
	done
	# the scan's programs that were not run
	# shellcheck disable=SC2094 # scan.tsv is only read
	tr '\t' '|' <"$A/scan.tsv" | while IFS='|' read -r path kind pkg devs via; do
		[ "$kind" != library ] || continue
		awk -F'\t' -v p="$path" '($2 == p || $2 == "/usr" p) && $3 != "-" { f = 1 } END { exit !f }' \
			"$A/runs.tsv" && continue
		line=$(awk -F'\t' -v p="$path" '$2 == p || $2 == "/usr" p { print; exit }' "$A/runs.tsv")
		instead=$(echo "$line" | cut -f4)
		note=$(echo "$line" | cut -f5)
		# a program linked to a library that a run covered says which run
		if [ -z "$note" ] && [ "$kind" = linked ]; then
			lib=${via%%,*}
			# shellcheck disable=SC2094 # scan.tsv is only read
			ran=$(awk -F'\t' -v l="$lib" 'NR == FNR { if ($3 != "-") run[$2] = 1; next }
				$2 == "linked" && index("," $5 ",", "," l ",") && ($1 in run) { sub(/.*\//, "", $1); print $1; exit }' \
				"$A/runs.tsv" "$A/scan.tsv")
			[ -z "$ran" ] || note="it gets the device from $lib, as $ran does (run)"
		fi
		why="not run: ${note:-no harmless invocation of it is known (tests/audit/programs)}"
		printf '%s\t%s\t%s\t%s\t%s\t%s\t-\t-\t-\t%s\t-\t-\t%s\t-\n' "${path##*/}" "$path" "$pkg" \
			"$devs" "${via:--}" "$why" "$why" "${instead:--}"
	done
} >"$A/report.tsv"

what=$(cat "$A/what" 2>/dev/null || echo "?")
{
	echo "# make audit: /dev/mem and /dev/port users in a simulated confidential guest"
	echo
	echo "Image: $what. Kernel: Debian's linux-source-7.3 with the fix series"
	echo "(branch simcc) and without the fix (branch reverted), both booted with"
	echo "\`devmem_simulate_cc\` (tests/simcc): \`drivers/char/mem.c\` sees a confidential"
	echo "guest, everything else is a plain QEMU TCG guest. Each program ran as root"
	echo "with a read-only invocation, under \`timeout $limit\` and strace."
	echo
	echo "## Runs"
	echo
	echo "| program | package | with the fix: result | /dev/mem, /dev/port | printed | used besides | without the fix: result | /dev/mem, /dev/port | use instead |"
	echo "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"
	awk -F'\t' 'NR > 1 && $7 != "-" {
		for (i = 1; i <= NF; i++) gsub(/\|/, "\\|", $i)
		printf "| `%s` | %s | %s | %s | %s | %s | %s | %s | %s |\n", $1, $3, $6, $7, $8, $9, $10, $11, $13 }' \
		"$A/report.tsv"
	echo
	echo "## Found by the static scan"
	echo
	echo "Every ELF file and script of the image whose bytes hold \`/dev/mem\` or"
	echo "\`/dev/port\`, and the programs linked to such a library (readelf's NEEDED)."
	echo
	echo "| file | kind | package | names | linked to / linked by | run |"
	echo "| --- | --- | --- | --- | --- | --- |"
	tr '\t' '|' <"$A/scan.tsv" | while IFS='|' read -r path kind pkg devs via; do
		run=$(awk -F'\t' -v p="$path" '$2 == p && $7 != "-" { n++ } END { print n ? "yes" : "" }' "$A/report.tsv")
		[ -n "$run" ] || run=$(awk -F'\t' -v p="$path" '$2 == p { print $6; exit }' "$A/report.tsv")
		[ "$kind" != library ] || run="-"
		# shellcheck disable=SC2016 # Markdown's backquotes
		printf '| `%s` | %s | %s | %s | %s | %s |\n' "$path" "$kind" "$pkg" "$devs" "${via:--}" "${run:--}"
	done | sed 's/,\([^ ]\)/, \1/g'
	echo
	echo "build/audit/report.tsv has the same, with each run's message without the fix."
} >"$A/report.md"

# The terminal's table: the runs, cut to fit.
echo
awk -F'\t' 'function c(s, w) { return length(s) > w ? substr(s, 1, w - 1) "~" : s }
	function r(s) {
		sub(/^killed after /, "killed ", s); sub(/ \(timeout\)$/, "", s)
		sub(/^the guest was stopped.*/, "guest stopped", s); sub(/^not run: the guest stopped.*/, "not reached", s)
		return s
	}
	function o(s) { gsub(/\/dev\//, "", s); return s }
	NR == 1 { printf "%-28s %-14s | %-16s %-14s %-28s | %-16s %-14s\n", "program", "package",
		"fix: result", "mem/port", "used besides", "no fix", "mem/port"; next }
	$7 != "-" { printf "%-28s %-14s | %-16s %-14s %-28s | %-16s %-14s\n", c($1, 28), c($3, 14),
		c(r($6), 16), c(o($7), 14), c($9, 28), c(r($10), 16), c(o($11), 14) }
	$7 == "-" { notrun++ }
	END { if (notrun) printf "\n%d more programs that the scan found were not run (why: build/audit/report.md)\n", notrun }' \
	"$A/report.tsv"
