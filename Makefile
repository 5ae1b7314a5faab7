# /dev/mem in confidential guests: the series and the harness that proves it.
#
#   make                 the main job: the mainline series' guest kernel built, booted
#                        under QEMU, KUnit and userspace results shown
#   make check           every test on every base, with the revert check
#   make check BASE=stable-6.12  the same on one base (mainline, stable-6.12,
#                        stable-6.1)
#   make times           how long make check took: cold, changed, unchanged
#   make audit           which programs of a Debian image open /dev/mem or
#                        /dev/port, and what each does in a simulated
#                        confidential guest (ROOTFS=<dir>, or IMAGE=<file>: a
#                        tar archive or a disk image with an ext4 root: that
#                        image instead of the default one)
#   VERSION=<debian version> (with one BASE) or VERSION=refreshed: test that
#                        version instead of the newest Debian ships
# See README.md for the rest.

BASE ?=
# A folder whose base file says on= is a series stacked on another base.
BASES := $(shell for d in patches/*/; do [ -f "$$d/series" ] && ! grep -q '^on=' "$$d/base" && basename "$$d"; done)
DEFAULT_BASE := mainline

.PHONY: all main check audit bench times deps tree refresh rebase mbox report clean help

all: main

main:
	@scripts/run.sh main $(or $(BASE),$(DEFAULT_BASE))

check:
	@scripts/run.sh check $(or $(BASE),$(BASES))

audit:
	@ROOTFS='$(ROOTFS)' IMAGE='$(IMAGE)' scripts/audit.sh

bench:
	@rc=0; for b in $(or $(BASE),$(filter $(notdir $(wildcard tests/revert/*)),$(BASES))); do \
		scripts/bench.sh $$b || rc=1; done; echo; scripts/times.sh $(BASE); exit $$rc

times:
	@scripts/times.sh $(BASE)

deps:
	@scripts/deps.sh tools $(or $(BASE),$(BASES)); rc=$$?; \
	for b in $(or $(BASE),$(BASES)); do scripts/deps.sh base $$b $(VERSION) || rc=1; done; exit $$rc

tree:
	@for b in $(or $(BASE),$(BASES)); do scripts/tree.sh $$b || exit 1; done

refresh:
	@test -n "$(BASE)" || { echo "error: say which base: make refresh BASE=6.12" >&2; exit 1; }
	@scripts/refresh.sh $(BASE)

rebase:
	@test -n "$(BASE)" || { echo "error: say which base: make rebase BASE=6.12 VERSION=..." >&2; exit 1; }
	@scripts/rebase.sh $(BASE) $(VERSION) $(PACKAGE)

mbox:
	@for b in $(or $(BASE),$(BASES)); do scripts/mbox.sh $$b || exit 1; done

report:
	@scripts/report.sh

clean:
	rm -rf $(if $(BASE),build/$(BASE),build)

help:
	@sed -n '2,16s/^# \{0,1\}//p' Makefile
