#!/bin/sh
# deps.sh tools BASE...   the tools the harness needs, and the Debian suites
#                         the bases come from (added to apt, pinned), with
#                         apt-get update so that the versions are Debian's now
# deps.sh base BASE [PIN] the Debian kernel source and configs of BASE at the
#                         version it is tested on (scripts/versions.sh: the
#                         newest Debian has of both, or PIN), recorded in
#                         build/BASE/tested for the other steps
# deps.sh audit           the tools make audit needs besides the harness's:
#                         mmdebstrap (the default rootfs), e2fsprogs
#                         (mke2fs -d, debugfs), binutils (readelf),
#                         qemu-utils and fdisk (IMAGE=<disk image>)
# deps.sh sparse          print the path of a sparse built from Debian's
#                         newest source package of it (sid), building it
#                         once into build/tools/ (for trees whose
#                         scripts/checker-valid.sh Debian 12's sparse fails)
# Installs only what is missing; without root, says what to install.
set -eu
. "$(dirname -- "$0")/lib.sh"
. "$TOP/scripts/versions.sh"

tools="make gcc libc6-dev flex bison bc libelf-dev libssl-dev cpio xz-utils
python3 python3-ply python3-git python3-docutils perl git ccache qemu-system-x86
sparse gcc-aarch64-linux-gnu shellcheck dpkg-dev"

installed_version() {
	dpkg-query -W -f='${db:Status-Abbrev} ${Version}\n' "$1" 2>/dev/null |
		sed -n 's/^ii *//p'
}

is_root() { [ "$(id -u)" = 0 ]; }

# put_file FILE [SAY]: standard input into FILE (mode 644) when it differs
# from what FILE holds, and then SAY as progress.
put_file() {
	tmp=$(mktemp)
	cat >"$tmp"
	if cmp -s "$tmp" "$1"; then
		rm -f "$tmp"
	else
		mv "$tmp" "$1"
		chmod 644 "$1"
		[ -z "${2:-}" ] || say "$2"
	fi
}

# add_suite SUITE PACKAGE...: let apt see Debian's SUITE (from the same
# mirror as the machine's own Debian sources), pinned so that only PACKAGEs
# can come from it: every other package of SUITE has priority -1, so
# nothing else on the machine is installed or upgraded from it.
add_suite() {
	suite=$1
	shift
	list=/etc/apt/sources.list.d/devmem-cc-$suite.sources
	pref=/etc/apt/preferences.d/devmem-cc-$suite.pref
	uri=$(debian_mirror)
	[ -n "$uri" ] || die "cannot add Debian's $suite to apt: no Debian archive in apt's sources to take the mirror from"
	put_file "$list" "deps: added Debian's $suite to apt ($list)" <<EOF
# Added by the devmem-cc harness (scripts/deps.sh) for Debian's kernel source
# of a base; $pref lets only that come from here.
Types: deb
URIs: $uri
Suites: $suite
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
	put_file "$pref" <<EOF
# Added by the devmem-cc harness (scripts/deps.sh): from $suite, only
# Debian's kernel source and configs of the bases that need it.
Package: $*
Pin: release n=$suite
Pin-Priority: 500

Package: *
Pin: release n=$suite
Pin-Priority: -1
EOF
}

# Debian's source packages of sid, for deps.sh sparse (apt-get source): a
# deb-src entry changes no binary package, so it needs no pin.
add_sid_sources() {
	list=/etc/apt/sources.list.d/devmem-cc-sid-src.sources
	uri=$(debian_mirror)
	[ -n "$uri" ] || uri=http://deb.debian.org/debian/
	put_file "$list" "deps: added Debian's sid sources to apt ($list)" <<EOF
# Added by the devmem-cc harness (scripts/deps.sh): Debian's newest sparse
# is built from its source package (deps.sh sparse). Sources only.
Types: deb-src
URIs: $uri
Suites: sid
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
}

# install_missing PACKAGE...: apt-get install those of PACKAGEs that are
# not installed (as root; otherwise say how), logged to build/apt.log; they
# are left in $missing (empty when none was).
install_missing() {
	missing=""
	for p in "$@"; do
		[ -n "$(installed_version "$p")" ] || missing="$missing $p"
	done
	[ -n "$missing" ] || return 0
	is_root || die "missing packages:$missing; install them with: sudo apt-get install$missing"
	mkdir -p "$BUILD"
	say "deps: installing$missing"
	# shellcheck disable=SC2086 # one word per package
	apt_install "$BUILD/apt.log" $missing ||
		die "apt-get install$missing failed (see $BUILD/apt.log)"
}

apt_install() { # LOG PACKAGE...
	log=$1
	shift
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
		--allow-downgrades "$@" >>"$log" 2>&1
}

case ${1:-} in
tools)
	shift
	mkdir -p "$BUILD"
	# The suites the bases need: one line "SUITE PACKAGE CONFIGPACKAGE" a base.
	need=""
	for b in "$@"; do
		load_base "$b"
		[ -z "$suite" ] || need="$need$suite $package $CONFIGPKG
"
	done
	suites=$(printf '%s' "$need" | cut -d' ' -f1 | sort -u | tr '\n' ' ')
	if is_root; then
		for s in $suites; do
			# shellcheck disable=SC2046 # one word per package
			add_suite "$s" $(printf '%s' "$need" |
				awk -v s="$s" '$1 == s { print $2; print $3 }' | sort -u)
		done
		add_sid_sources
		say "deps: apt-get update (the bases are tested on what Debian ships now)"
		apt-get update -qq >"$BUILD/apt.log" 2>&1 ||
			die "apt-get update failed (see $BUILD/apt.log)"
	fi
	# shellcheck disable=SC2086 # one word per package
	install_missing $tools
	if [ -z "$missing" ]; then
		echo "tools installed${suites:+; Debian suites added to apt, pinned: ${suites% }}"
	else
		echo "installed$missing"
	fi
	;;
base)
	load_base "$2"
	pin=${3:-}
	[ "$pin" != refreshed ] || pin=$version
	mkdir -p "$BUILD/$BASE"
	rm -f "$BUILD/$BASE/tested"
	apt-cache madison "$package" >"$LOGS/apt-source.txt" 2>/dev/null || true
	apt-cache madison "$CONFIGPKG" >"$LOGS/apt-config.txt" 2>/dev/null || true
	names="" newsrc=""
	if [ "$track" = newest ]; then
		names=$LOGS/apt-pkgnames.txt newsrc=$LOGS/apt-newest-source.txt
		apt-cache pkgnames linux-source- >"$names" 2>/dev/null || true
		line=$(newest_line "$package" "$names")
		: >"$newsrc"
		[ -z "$line" ] || apt-cache madison "$line" >"$newsrc" 2>/dev/null || true
	fi
	pick_version "$BASE" "$package" "$LOGS/apt-source.txt" "$LOGS/apt-config.txt" \
		"$pin" "$version" "$names" "$newsrc" || die "$PICK_ERR"
	say "$PICK_NOTE"
	want=""
	for p in "$package" "$CONFIGPKG"; do
		[ "$(installed_version "$p")" = "$PICKED" ] || want="$want $p=$PICKED"
	done
	if [ -n "$want" ]; then
		is_root || die "install$want: sudo apt-get install$want"
		say "$BASE deps: installing$want"
		# shellcheck disable=SC2086 # one word per package
		apt_install "$LOGS/apt.log" $want ||
			die "apt-get install$want failed: $(grep '^E:' "$LOGS/apt.log" | tail -n 1) (see ${LOGS#"$TOP"/}/apt.log)"
	fi
	echo "$PICKED" >"$BUILD/$BASE/tested"
	echo "$PICK_NOTE" >"$BUILD/$BASE/tested.note"
	echo "$PICK_NOTE"
	;;
audit)
	install_missing mmdebstrap e2fsprogs binutils qemu-system-x86 qemu-utils fdisk
	echo "audit tools installed"
	;;
sparse)
	# Debian 12's sparse (0.6.4) lacks __typeof_unqual__, which the
	# kernel's scripts/checker-valid.sh asks for since 6.15: without it,
	# make C=2 warns and runs no checker at all. sid's source package has
	# it and builds on Debian 12 (its binary needs a newer glibc).
	dir=$BUILD/tools/sparse
	mkdir -p "$BUILD/tools"
	# one build at a time (the bases run side by side), made in a
	# folder of its own and moved into place whole
	exec 8>"$BUILD/tools/.sparse.lock"
	flock 8
	if [ ! -x "$dir/sparse" ] || [ ! -s "$dir/version" ]; then
		say "deps: building sparse from Debian's source package (sid) in ${dir#"$TOP"/}"
		tmp=$(mktemp -d "$BUILD/tools/sparse.XXXXXX")
		log=$BUILD/tools/sparse.log
		(cd "$tmp" && apt-get source -q sparse/sid) >"$log" 2>&1 ||
			die "apt-get source sparse/sid failed: $(grep '^E:' "$log" | tail -n 1) (see ${log#"$TOP"/}; make deps adds Debian's sid sources to apt, as root)"
		src=$(find "$tmp" -mindepth 1 -maxdepth 1 -type d -name 'sparse-*' | head -n 1)
		# Debian's package pins sid's gcc (debian/patches): build with ours.
		make -C "$src" -s -j"$(nproc)" CC=gcc sparse >>"$log" 2>&1 ||
			die "sparse did not build (see ${log#"$TOP"/})"
		mkdir -p "$tmp/out"
		cp "$src/sparse" "$tmp/out/sparse"
		basename "$(find "$tmp" -maxdepth 1 -name '*.dsc' | head -n 1)" .dsc >"$tmp/out/version"
		rm -rf "$dir"
		mv "$tmp/out" "$dir"
		rm -rf "$tmp"
	fi
	echo "$dir/sparse"
	;;
*)
	die "deps.sh: tools BASE... | base BASE [PIN] | audit | sparse"
	;;
esac
