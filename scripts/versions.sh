# shellcheck shell=sh
# Which Debian version of a base the harness tests. Sourced by deps.sh, and
# by tests/harness/versions.sh, which feeds it recorded apt-cache answers:
# nothing in here asks apt or the network.
#
# By default a base is tested on the newest version that Debian ships of
# both linux-source-X and linux-config-X (the objects step needs Debian's
# configs of the very source it builds). Debian keeps only the newest
# linux-config of a line, so an older source version on its own is useless.

# madison_versions FILE: the versions in an "apt-cache madison" answer.
madison_versions() {
	awk -F'|' '{ gsub(/[ \t]/, "", $2); if ($2 != "") print $2 }' "$1" | sort -u
}

# newest_version VERSION...: the highest of them in dpkg's order.
newest_version() {
	best=""
	for v in "$@"; do
		if [ -z "$best" ] || dpkg --compare-versions "$v" gt "$best"; then
			best=$v
		fi
	done
	printf '%s\n' "$best"
}

# newest_line PACKAGE PKGNAMES: the newest linux-source-X.Y named in
# PKGNAMES (an "apt-cache pkgnames linux-source-" answer) that is newer than
# PACKAGE's line, or nothing.
newest_line() {
	best=${1#linux-source-}
	for p in $(grep -x 'linux-source-[0-9][0-9.]*' "$2" || true); do
		v=${p#linux-source-}
		! dpkg --compare-versions "$v" gt "$best" || best=$v
	done
	[ "linux-source-$best" = "$1" ] || echo "linux-source-$best"
}

# first_versions FILE: up to 4 of its versions, newest first, on one line.
first_versions() {
	v=$(madison_versions "$1" | sort -r -V | head -n 4 | tr '\n' ' ')
	echo "${v% }"
}

# pick_version BASE PACKAGE SRC CFG PIN REFRESHED [PKGNAMES NEWSRC]
#   BASE       the base's name (patches/BASE), for the commands it suggests
#   PACKAGE    linux-source-X
#   SRC, CFG   "apt-cache madison" answers for linux-source-X, linux-config-X
#   PIN        a version to test instead of the newest, or empty
#   REFRESHED  the version the series was last refreshed on (patches/BASE/base)
#   PKGNAMES   for a base that follows Debian's newest line (the mainline
#              base): an "apt-cache pkgnames linux-source-" answer
#   NEWSRC     and "apt-cache madison" of the newest line's source package
# Sets PICKED (the version to test) and PICK_NOTE (one line: what is
# tested, and what differs from the refreshed version); or sets PICK_ERR
# (one line, with what the archive has and what to do) and returns 1.
# shellcheck disable=SC2034 # PICKED, PICK_NOTE, PICK_ERR: for the caller
pick_version() {
	_base=$1 _pkg=$2 _src=$3 _cfg=$4 _pin=$5 _refreshed=$6
	_names=${7:-} _newsrc=${8:-}
	_cfgpkg=linux-config-${_pkg#linux-source-}
	PICKED="" PICK_NOTE="" PICK_ERR=""
	_common=""
	for _v in $(madison_versions "$_src"); do
		! madison_versions "$_cfg" | grep -qxF "$_v" || _common="$_common $_v"
	done
	_line=""
	if [ -n "$_names" ]; then
		_line=$(newest_line "$_pkg" "$_names")
	fi
	_move=""
	if [ -n "$_line" ]; then
		_lv=""
		# shellcheck disable=SC2046 # one word per version
		[ -z "$_newsrc" ] || _lv=$(newest_version $(madison_versions "$_newsrc"))
		_move="Debian's newest line is $_line${_lv:+ $_lv}: move the series with make rebase BASE=$_base PACKAGE=$_line VERSION=${_lv:-<version>}"
	fi
	if [ -n "$_pin" ]; then
		# shellcheck disable=SC2086 # one word per version
		if printf '%s\n' $_common | grep -qxF "$_pin"; then
			PICKED=$_pin
		else
			PICK_ERR="$_pkg $_pin (pinned) is not in the archive with its $_cfgpkg: the archive has $_pkg $(first_versions "$_src"), $_cfgpkg $(first_versions "$_cfg"); drop the pin to test the newest"
			[ -n "$(madison_versions "$_src")" ] || PICK_ERR="$_pkg $_pin (pinned) is not in the archive: it has no $_pkg at all${_move:+; $_move}"
			return 1
		fi
	elif [ -z "$_common" ]; then
		if [ -z "$(madison_versions "$_src")" ]; then
			if [ -n "$_move" ]; then
				PICK_ERR="$_pkg is gone from the archive; $_move"
			else
				PICK_ERR="$_pkg is not in the archive (is its suite in apt's sources, and apt-get update run?)"
			fi
		else
			_has=$(first_versions "$_cfg")
			PICK_ERR="no version of $_pkg has its $_cfgpkg in the archive: $_pkg $(first_versions "$_src"), ${_has:+$_cfgpkg }${_has:-no $_cfgpkg}"
		fi
		return 1
	else
		# shellcheck disable=SC2086 # one word per version
		PICKED=$(newest_version $_common)
	fi
	if [ "$PICKED" = "$_refreshed" ]; then
		PICK_NOTE="$_base: testing $_pkg $PICKED, the version the series was refreshed on"
	else
		PICK_NOTE="$_base: testing $_pkg $PICKED; series refreshed on $_refreshed"
	fi
	[ -z "$_move" ] || PICK_NOTE="$PICK_NOTE; $_move"
	return 0
}
