# shellcheck shell=sh
# Helpers shared by the harness scripts: progress lines, errors, the results
# file, and where things live. Sourced, never run.

TOP=$(CDPATH='' cd -- "$(dirname -- "$0")/.." && pwd)
BUILD=${BUILD:-$TOP/build}
RESULTS=$BUILD/results.tsv
START=${HARNESS_START:-$(date +%s)}
export HARNESS_START="$START"

# One line to stderr, and a non-zero exit.
die() {
	echo "error: $*" >&2
	# run.sh shows the reason in its table.
	[ -z "${STEP_ERR:-}" ] || echo "$*" >>"$STEP_ERR"
	exit 1
}

# Progress: "[  12s] 6.12 build: linking", on stderr so it never mixes with
# results that a caller captures.
say() {
	printf '[%4ds] %s\n' "$(($(date +%s) - START))" "$*" >&2
}

# The bases the project supports: one folder under patches/ each, but for
# the folders of series that go on top of another (on= in their base file).
known_bases() {
	for d in "$TOP"/patches/*/; do
		[ -f "$d/series" ] || continue
		grep -q '^on=' "$d/base" 2>/dev/null || basename "$d"
	done
}

# base_field NAME: the value of NAME= in patches/BASE/base.
base_field() {
	sed -n "s/^$1=//p" "$PATCHDIR/base" | tail -n 1
}

# Check BASE and set the per-base variables from patches/BASE/base.
load_base() {
	BASE=$1
	[ -f "$TOP/patches/$BASE/series" ] ||
		die "unknown base '$BASE' (known: $(known_bases | tr '\n' ' '))"
	PATCHDIR=$TOP/patches/$BASE
	# package=linux-source-X; version= the Debian version the series was
	# last refreshed on; optional: suite= the Debian suite that has the
	# package (added to apt by deps.sh), track=newest for a base that
	# follows Debian's newest kernel line (the mainline base)
	package=$(base_field package) version=$(base_field version)
	# shellcheck disable=SC2034 # used by the scripts that source this file
	suite=$(base_field suite) track=$(base_field track)
	{ [ -n "$package" ] && [ -n "$version" ]; } ||
		die "patches/$BASE/base must say package= and version="
	# shellcheck disable=SC2034
	CONFIGPKG=linux-config-${package#linux-source-}
	# shellcheck disable=SC2034
	TARBALL=/usr/src/$package.tar.xz
	# The version under test: what deps.sh picked, else what is installed.
	# shellcheck disable=SC2034
	TESTED=$(cat "$BUILD/$BASE/tested" 2>/dev/null ||
		dpkg-query -W -f='${Version}' "$package" 2>/dev/null || true)
	SRC=$BUILD/$BASE/src
	OBJ=$BUILD/$BASE/obj
	LOGS=$BUILD/$BASE/logs
	mkdir -p "$LOGS"
}

# The patch files of a series folder (default: the base's own), in series
# order.
series_patches() {
	sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "${1:-$PATCHDIR}/series"
}

# subject_of PATCH: its subject without the [PATCH ...] prefix, unfolded.
subject_of() {
	awk '/^Subject: / { s = $0; sub(/^Subject: \[[^]]*\] /, "", s); on = 1; next }
		on && /^[ \t]/ { sub(/^[ \t]+/, " "); s = s $0; next }
		on { print s; exit }' "$1"
}

# The series folders of the base, in the order they are applied: its own,
# then those its base file stacks on it (stack=: series of their own, for
# other maintainers, that the harness tests on top). Each folder's last
# commit is the branch named after the folder in build/BASE/src; branch
# series is the whole stack.
stack_dirs() {
	echo "$PATCHDIR"
	for s in $(base_field stack); do
		[ -f "$TOP/patches/$s/series" ] ||
			die "patches/$BASE/base stacks $s, which has no patches/$s/series"
		echo "$TOP/patches/$s"
	done
}

# record STEP RESULT SECONDS [NOTE]: one row of the results table.
record() {
	mkdir -p "$BUILD"
	printf '%s\t%s\t%s\t%s\t%s\n' "$BASE" "$1" "$2" "$3" "${4:-}" >>"$RESULTS"
}

# git in the base tree, with a fixed identity for the commits the harness
# makes (the base import, git am keeps the patches' own authors), and no
# automatic gc: repacking a whole kernel tree in the background would cost
# more than every step of the harness.
tgit() {
	git -C "$SRC" -c user.name="devmem-cc harness" \
		-c user.email="harness@localhost" -c advice.detachedHead=false \
		-c gc.auto=0 "$@"
}

# A second work tree of build/BASE/src (git worktree add), build/BASE/alt,
# for the steps that check out the pristine base (kconfig, objects, mbox):
# build/BASE/src keeps the series checked out and its files keep their
# times, so that the guest kernel's incremental builds rebuild only what a
# change touched (checking out base and back would touch include/linux/mm.h
# on mainline, and with it nearly every object). Sets SRC to it: tgit and
# kmake work there. Only detached checkouts: branch series is src's.
use_alt_tree() {
	ALT=$BUILD/$BASE/alt
	common=$(git -C "$ALT" rev-parse --path-format=absolute --git-common-dir 2>/dev/null || true)
	if [ "$common" != "$(cd "$SRC/.git" 2>/dev/null && pwd -P)" ]; then
		rm -rf "$ALT"
		tgit worktree prune
		say "$BASE: git worktree add build/$BASE/alt (where the pristine base is checked out)"
		tgit worktree add -q --detach "$ALT" series >&2
	fi
	SRC=$ALT
	tgit checkout -q -f --detach series
}

# Kernel make in the base tree with the base's object folder.
kmake() {
	make -C "$SRC" O="$OBJ" -j"$(nproc)" "$@"
}

# Two builds of the same source give the same kernel: no build number,
# time, user or host of the build in it. The version string (uname -v) is
# mixed into the random pool at boot (random_init()), so a new one changes
# the hash seeds and with them the instructions that make bench counts.
KBUILD_BUILD_TIMESTAMP="Thu Jan  1 00:00:00 UTC 2026"
KBUILD_BUILD_VERSION=1
KBUILD_BUILD_USER=devmem-cc
KBUILD_BUILD_HOST=harness
export KBUILD_BUILD_TIMESTAMP KBUILD_BUILD_VERSION KBUILD_BUILD_USER KBUILD_BUILD_HOST

# The kernel build uses ccache when it is there; its cache outlives
# build/ (make clean), so a fresh clone on the same machine builds warm.
if [ -d /usr/lib/ccache ]; then
	PATH=/usr/lib/ccache:$PATH
	# Paths below the checkout are hashed relative to it, so a fresh clone
	# elsewhere on the machine hits the same cache entries.
	CCACHE_BASEDIR=$TOP
	CCACHE_NOHASHDIR=1
	# Depend mode: a miss costs one compile, not a preprocessor run
	# besides (measured here on mm/, kernel/ and lib/ of the guest kernel
	# from an empty cache: 30 % less CPU than ccache's default, as much as
	# no ccache at all); the kernel's -Wp,-MMD gives it the dependencies.
	CCACHE_DEPEND=1
	export PATH CCACHE_BASEDIR CCACHE_NOHASHDIR CCACHE_DEPEND
fi

# A checksum of what a base's tree is made from: tree.sh re-applies the
# series when it changes, refresh.sh records it after exporting the tree.
tree_stamp() {
	# shellcheck disable=SC2046 # one word per file
	for d in $(stack_dirs); do
		cat "$d/base" "$d/series" "$d"/*.patch
	done | cat - "$TOP/tests/revert/$BASE"/*.patch $(ebda_reverts) "$TOP"/tests/simcc/*.patch | cksum
}

# The EBDA check's revert (tests/revert/BASE/ebda/*.patch: the mmap RFC's
# x86 patch taken out), one file a line; nothing for a base without it.
ebda_reverts() {
	[ ! -d "$TOP/tests/revert/$BASE/ebda" ] || ls "$TOP/tests/revert/$BASE/ebda"/*.patch
}

# Stop unless build/BASE/src is free of uncommitted changes to tracked
# files: the harness checks out branches there and must not lose work.
require_clean_tree() {
	[ -d "$SRC/.git" ] || return 0
	[ ! -d "$SRC/.git/rebase-apply" ] ||
		die "build/$BASE/src has a git am or rebase in progress: finish it (git am --continue) and run make refresh BASE=$BASE, or git am --abort"
	[ -z "$(tgit status --porcelain --untracked-files=no)" ] ||
		die "build/$BASE/src has uncommitted changes: commit them and run make refresh BASE=$BASE, or drop them with make clean BASE=$BASE"
}

# Stop if branch series of build/BASE/src has commits that make refresh has
# not written to patches/BASE: re-applying the series would lose them.
require_exported_series() {
	stampfile=$BUILD/$BASE/tree.stamp
	[ -d "$SRC/.git" ] && [ -f "$stampfile" ] || return 0
	[ "$(tgit rev-parse -q --verify series || true)" = "$(sed -n 2p "$stampfile")" ] ||
		die "build/$BASE/src: branch series has commits that are not in patches/$BASE: export them with make refresh BASE=$BASE, or drop them with make clean BASE=$BASE"
}

# debian_mirror: the Debian archive of apt's own sources (empty if none).
debian_mirror() {
	# shellcheck disable=SC2016 # apt's format, not the shell's
	uri=$(apt-get indextargets --format '$(REPO_URI)' 'Origin: Debian' 'Label: Debian' 2>/dev/null | sort -u | head -n 1)
	[ -n "$uri" ] || uri=$(sed -n 's/^URIs: *\([^ ]*\/debian\/*\)$/\1/p' /etc/apt/sources.list.d/*.sources 2>/dev/null | head -n 1)
	printf '%s\n' "$uri"
}

# One harness run at a time: they share build/ and the base trees.
lock_harness() {
	mkdir -p "$BUILD"
	exec 9>"$BUILD/.lock"
	flock -n 9 || die "another harness run is using $BUILD; wait for it to finish"
}
