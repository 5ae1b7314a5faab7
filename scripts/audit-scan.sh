#!/bin/sh
# audit-scan.sh ROOT: the static half of make audit. Every ELF file and
# script under the root filesystem ROOT whose bytes hold "/dev/mem" or
# "/dev/port", and every program linked to such a library, with the Debian
# package that ships it (from ROOT's dpkg database), as TSV on stdout:
#   path  kind  package  devices  via
# kind is "program" (an executable or script that names a device itself),
# "library" (a shared library that does; via: the programs linked to it) or
# "linked" (a program that gets the device from a library; via: which).
# devices is "/dev/mem", "/dev/port" or both, comma-separated. Paths are as
# in the image ("/usr/sbin/dmidecode"). Progress goes to stderr.
set -eu
. "$(dirname -- "$0")/lib.sh"
if [ $# != 1 ] || [ ! -d "$1" ]; then
	die "audit-scan.sh: ROOT must be a directory, not '${1:-}'"
fi
ROOT=$(cd "$1" && pwd)
command -v readelf >/dev/null || die "'readelf' is needed: apt-get install binutils"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# The regular files of the image, without the virtual file systems'
# mount points and the documentation (which names the devices in prose).
(cd "$ROOT" && find . -xdev \( -path ./proc -o -path ./sys -o -path ./dev \
	-o -path ./run -o -path ./tmp -o -path ./usr/share/doc -o -path ./usr/share/man \
	-o -path ./usr/share/info -o -path ./usr/share/locale -o -path ./var/lib/dpkg \
	-o -path ./var/cache -o -path ./var/log \) -prune -o -type f -print0) >"$tmp/files"
say "audit scan: $(tr -cd '\0' <"$tmp/files" | wc -c) files in ${ROOT#"$TOP"/}"
(cd "$ROOT" && xargs -0 -r grep -laF -e /dev/mem -e /dev/port -- <"$tmp/files") \
	>"$tmp/hits" || true

# is_elf FILE, is_script FILE: by their first bytes, as the kernel does.
is_elf() { [ "$(head -c 4 "$1" | od -An -c | tr -d ' ')" = '177ELF' ]; }
is_script() { [ "$(head -c 2 "$1")" = '#!' ]; }

# The package of each file, from the dpkg database: one "path<TAB>package"
# line per file it lists. With a merged /usr, a package may list
# /sbin/hwclock for what the image holds as /usr/sbin/hwclock: both are
# looked up without their /usr.
: >"$tmp/owners"
if [ -d "$ROOT/var/lib/dpkg/info" ]; then
	for l in "$ROOT"/var/lib/dpkg/info/*.list; do
		[ -f "$l" ] || continue
		p=${l##*/}
		p=${p%.list}
		sed "s|^/usr/|/|; s|\$|	${p%%:*}|" "$l"
	done >"$tmp/owners"
else
	say "audit scan: ${ROOT#"$TOP"/} has no dpkg database: packages unknown"
fi
owner() {
	k=${1#/usr}
	awk -F'\t' -v k="$k" '$1 == k { print $2; exit }' "$tmp/owners" | grep . || echo '-'
}
devices() {
	d=""
	! grep -qaF /dev/mem "$ROOT$1" || d=/dev/mem
	! grep -qaF /dev/port "$ROOT$1" || d=${d:+$d,}/dev/port
	echo "$d"
}

: >"$tmp/out"
: >"$tmp/libs"
: >"$tmp/linked"
while IFS= read -r f; do
	f=${f#.}
	case $f in
	*.so | *.so.*) kind=library ;;
	*) kind=program ;;
	esac
	if is_elf "$ROOT$f"; then
		# kernel modules and object files are not what a program runs
		readelf -h "$ROOT$f" 2>/dev/null | grep -q 'Type: *\(EXEC\|DYN\)' || continue
	elif is_script "$ROOT$f"; then
		kind=program
	else
		continue
	fi
	printf '%s\t%s\t%s\t%s\t\n' "$f" "$kind" "$(owner "$f")" "$(devices "$f")" >>"$tmp/out"
	if [ "$kind" = library ]; then
		soname=$(readelf -d "$ROOT$f" 2>/dev/null | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
		printf '%s\t%s\n' "${soname:-${f##*/}}" "$f" >>"$tmp/libs"
	fi
done <"$tmp/hits"

# The programs linked to those libraries: every executable ELF file of the
# image whose NEEDED names one (readelf -d).
if [ -s "$tmp/libs" ]; then
	(cd "$ROOT" && find . -xdev \( -path ./proc -o -path ./sys -o -path ./dev \) -prune \
		-o -type f -perm -u+x ! -name '*.so' ! -name '*.so.*' -print) | while IFS= read -r f; do
		is_elf "$ROOT/$f" || continue
		readelf -d "$ROOT/$f" 2>/dev/null | sed -n "s|.*(NEEDED).*\[\(.*\)\]|${f#.}	\1|p"
	done >"$tmp/needed"
	while IFS='	' read -r soname lib; do
		users=$(awk -F'\t' -v s="$soname" '$2 == s { print $1 }' "$tmp/needed" | sort)
		devs=$(devices "$lib")
		for u in $users; do
			# a program that names a device itself is listed once, as such
			awk -F'\t' -v u="$u" '$1 == u && $2 == "program" { f = 1 } END { exit !f }' \
				"$tmp/out" && continue
			printf '%s\tlinked\t%s\t%s\t%s\n' "$u" "$(owner "$u")" "$devs" "${lib##*/}"
		done >>"$tmp/linked"
		# the library's row names its users
		list=$(echo "$users" | sed 's|.*/||' | paste -sd, -)
		awk -F'\t' -v OFS='\t' -v l="$lib" -v u="${list:-none in this image}" \
			'$1 == l { $5 = u } { print }' "$tmp/out" >"$tmp/out2"
		mv "$tmp/out2" "$tmp/out"
	done <"$tmp/libs"
fi
# linked programs of two flagged libraries: one row, both named
sort -t '	' -k1,1 -k2,2 "$tmp/out" "$tmp/linked" | awk -F'\t' -v OFS='\t' '
	$1 == p1 && $2 == "linked" && k1 == "linked" { v = v "," $5; next }
	{ if (NR > 1) print p1, k1, pk, d, v; p1 = $1; k1 = $2; pk = $3; d = $4; v = $5 }
	END { if (NR) print p1, k1, pk, d, v }'
say "audit scan: $(grep -c '	program	' "$tmp/out" || true) programs and $(grep -c '	library	' "$tmp/out" || true) libraries name /dev/mem or /dev/port; $(cut -f1 "$tmp/linked" | sort -u | wc -l) programs are linked to such a library"
