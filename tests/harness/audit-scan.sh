#!/bin/sh
# The static scanner of make audit (scripts/audit-scan.sh) on a small root
# file system made here, with a dpkg database of its own: it must list the
# program and the script that name a device, the library that does and the
# program linked to it, each with its package (one listed without /usr, as
# packages of a merged /usr may be), and nothing else (a document that names
# /dev/mem, a data file, a program that names neither). A few seconds; no
# network, no guest.
set -eu
TOP=$(CDPATH='' cd -- "$(dirname -- "$0")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
r=$tmp/root
mkdir -p "$r/usr/bin" "$r/usr/sbin" "$r/usr/lib/x86_64-linux-gnu" \
	"$r/usr/share/doc/fake" "$r/etc" "$r/var/lib/dpkg/info" "$r/proc" "$r/dev"
ln -s usr/bin "$r/bin"
cc() { gcc -w -O0 "$@"; }
printf 'int main(void) { return 0; }\n' >"$tmp/plain.c"
printf '#include <fcntl.h>\nint main(void) { return open("/dev/mem", 0) < 0; }\n' >"$tmp/mem.c"
printf '#include <fcntl.h>\nint fake_port(void) { return open("/dev/port", 0); }\n' >"$tmp/lib.c"
printf 'int fake_port(void);\nint main(void) { return fake_port() < 0; }\n' >"$tmp/linked.c"
cc -o "$r/usr/bin/plain" "$tmp/plain.c"
cc -o "$r/usr/bin/tool-mem" "$tmp/mem.c"
cc -shared -fPIC -Wl,-soname,libfake.so.1 -o "$r/usr/lib/x86_64-linux-gnu/libfake.so.1" "$tmp/lib.c"
cc -o "$r/usr/bin/linked" "$tmp/linked.c" "$r/usr/lib/x86_64-linux-gnu/libfake.so.1"
printf '#!/bin/sh\nexec 3<>/dev/port\n' >"$r/usr/sbin/script-port"
chmod 755 "$r/usr/sbin/script-port"
echo 'Reads /dev/mem.' >"$r/usr/share/doc/fake/README"
echo '/dev/mem /dev/port' >"$r/etc/data"
printf '/usr/bin/tool-mem\n/bin/linked\n/usr/sbin/script-port\n/usr/bin/plain\n' >"$r/var/lib/dpkg/info/fake-tools.list"
printf '/usr/lib/x86_64-linux-gnu/libfake.so.1\n' >"$r/var/lib/dpkg/info/libfake1:amd64.list"

got=$("$TOP/scripts/audit-scan.sh" "$r" 2>"$tmp/err") ||
	{ cat "$tmp/err" >&2; echo "audit-scan.sh failed"; exit 1; }
want=$(printf '%s\t%s\t%s\t%s\t%s\n' \
	/usr/bin/linked linked fake-tools /dev/port libfake.so.1 \
	/usr/bin/tool-mem program fake-tools /dev/mem '' \
	/usr/lib/x86_64-linux-gnu/libfake.so.1 library libfake1 /dev/port linked \
	/usr/sbin/script-port program fake-tools /dev/port '')
if [ "$got" != "$want" ]; then
	printf 'want:\n%s\ngot:\n%s\n' "$want" "$got" >&2
	echo "audit-scan.sh listed the wrong files"
	exit 1
fi
echo "audit-scan.sh: the 4 users of a made-up root file system, with their packages, and nothing else"
