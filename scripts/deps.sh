#!/bin/sh
# deps.sh BASE...: install what the harness needs with apt-get, and the
# Debian kernel source and configs of each base at the version its series
# was tested on (patches/BASE/base). Installs only what is missing.
set -eu
. "$(dirname -- "$0")/lib.sh"

tools="make gcc libc6-dev flex bison bc libelf-dev libssl-dev cpio xz-utils
python3 python3-ply python3-git python3-docutils perl git ccache qemu-system-x86
sparse gcc-aarch64-linux-gnu"

installed_version() {
	dpkg-query -W -f='${db:Status-Abbrev} ${Version}\n' "$1" 2>/dev/null |
		sed -n 's/^ii *//p'
}

missing=""
for p in $tools; do
	[ -n "$(installed_version "$p")" ] || missing="$missing $p"
done
for b in "$@"; do
	load_base "$b"
	for p in "$package" "linux-config-${package#linux-source-}"; do
		[ "$(installed_version "$p")" = "$version" ] ||
			missing="$missing $p=$version"
	done
done

if [ -z "$missing" ]; then
	say "deps: all installed"
	exit 0
fi

if [ "$(id -u)" != 0 ]; then
	die "missing packages:$missing; install them with: sudo apt-get install$missing"
fi

say "deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >"$BUILD/apt.log" 2>&1 ||
	die "apt-get update failed (see $BUILD/apt.log)"
for b in "$@"; do
	load_base "$b"
	if ! in_archive "$package" "$version"; then
		now=$(apt-cache policy "$package" | sed -n 's/ *Candidate: //p')
		die "$package $version, which patches/$b was tested on, is no longer in the archive (it has ${now:-nothing}); move the series to it with: make rebase BASE=$b VERSION=$now"
	fi
done
# shellcheck disable=SC2086 # one word per package
apt-get install -y -qq --no-install-recommends --allow-downgrades $missing \
	>>"$BUILD/apt.log" 2>&1 ||
	die "apt-get install$missing failed (see $BUILD/apt.log)"
say "deps: installed$missing"
