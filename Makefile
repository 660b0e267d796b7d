# vmap_ext: crash extension listing and reading vmap areas.
#
#   make              build vmap_ext.so against $(CRASH_INC)/defs.h
#   make install      put it where crash's "extend vmap_ext.so" finds it
#   make demo         set up, build the 6.12 fixture dump, run vmap on it
#   make check        set up, run unit and end-to-end tests (Debian 12's
#                     crash and sid's crash 9.0.2 in a cached chroot)
#   make check-hosts  the same on every host: 12, trixie and sid
#   make check-distro Debian's real 6.12 kernel and debug vmlinux (opt-in)
#   make peers        crash's kmem -v, drgn and vmap side by side
#   make unit         unit tests only (synthetic images, ASan/UBSan)
#   make e2e          end-to-end tests only (real kernels, dumps, crash)

CRASH_INC ?= /usr/include/crash
TARGET ?= $(shell uname -m | sed -e 's/x86_64/X86_64/' -e 's/aarch64/ARM64/')
CC ?= gcc
PREFIX ?= /usr
EXTDIR ?= $(PREFIX)/lib/crash/extensions
BUILD ?= build
SO ?= vmap_ext.so

CORE_SRC := src/vx_ctx.c src/vx_walk.c src/vx_block.c src/vx_read.c \
	    src/vx_print.c src/vx_dwarf.c src/vx_pgtable.c src/vx_elfmap.c src/vx_uring.c src/vx_check.c src/vx_summary.c src/vx_page.c src/vx_owner.c \
	    src/vx_prefetch.c
CORE_HDR := include/vx.h include/vx_flags.h include/vx_dwarf.h include/vx_elfmap.h include/vx_uring.h \
	    src/vx_internal.h
CORE_CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror -fPIC \
	       -fvisibility=hidden -Iinclude -Isrc
ADAPTER_CFLAGS := -O2 -g -Wall -fPIC -fvisibility=hidden -D$(TARGET) \
		  -I$(CRASH_INC) -Iinclude
LDLIBS := -ldw -lelf -pthread

CORE_OBJ := $(CORE_SRC:src/%.c=$(BUILD)/%.o)

all: $(SO)

$(BUILD)/%.o: src/%.c $(CORE_HDR)
	@mkdir -p $(BUILD)
	$(CC) $(CORE_CFLAGS) -c $< -o $@

$(BUILD)/vmap_ext.o: vmap_ext.c $(CORE_HDR) $(CRASH_INC)/defs.h
	@mkdir -p $(BUILD)
	$(CC) $(ADAPTER_CFLAGS) -c $< -o $@

$(SO): $(BUILD)/vmap_ext.o $(CORE_OBJ)
	$(CC) -shared -Wl,-soname,vmap_ext.so -o $@ $^ $(LDLIBS)

$(CRASH_INC)/defs.h:
	./scripts/setup.sh

install: $(SO)
	install -D -m 0755 vmap_ext.so $(DESTDIR)$(EXTDIR)/vmap_ext.so

setup:
	./scripts/setup.sh

unit:
	$(MAKE) -C tests/unit run

e2e: vmap_ext.so
	./tests/e2e/run.sh

check: setup
	$(MAKE) vmap_ext.so
	$(MAKE) unit
	$(MAKE) -C tests/fuzz regress smoke
	./tests/e2e/run.sh

# every crash release in use: Debian 12 (8.0.2), trixie (8.0.6), sid (9.0.2)
check-hosts: setup
	$(MAKE) vmap_ext.so
	$(MAKE) unit
	VX_HOSTS="native trixie sid" ./tests/e2e/run.sh

# opt-in: Debian's own 6.12 kernel and -dbg vmlinux (1.1 GB download, cached)
check-distro: setup
	$(MAKE) vmap_ext.so
	./tests/distro/run.sh
	VX_DISTRO_KASLR=1 ./tests/distro/run.sh

# issue 6 benchmark (never part of check): tests/bench/results.txt
bench: setup
	$(MAKE) vmap_ext.so
	./tests/bench/run.sh

# robustness (issue 5): damaged real dumps; the extension under ASan in
# crash; a long fuzzing run
corrupt: vmap_ext.so
	./tests/corrupt/run.sh

asan-e2e: setup
	./tests/fuzz/asan-e2e.sh

# opt-in: SIGINT (Ctrl-C) during listings of the 6.12 workload dump,
# ROUNDS times (default 20)
interrupt: vmap_ext.so
	@d=$$(./tests/e2e/mkfixture.sh 6.12@5000 | tail -n 1); \
	for i in $$(seq $${ROUNDS:-20}); do \
		/usr/bin/python3 tests/e2e/interrupt.py "$$d" $(CURDIR)/vmap_ext.so \
			--flags=--minimal || exit 1; \
	done

fuzz-long:
	$(MAKE) -C tests/fuzz long

# the peers side by side on every fixture (docs/peers-table.md)
peers: setup
	./tests/peers/run.sh

demo: setup
	$(MAKE) vmap_ext.so
	./scripts/demo.sh

clean:
	rm -rf $(BUILD) vmap_ext.so
	$(MAKE) -C tests/unit clean
	$(MAKE) -C tests/fuzz clean

.PHONY: all install setup unit e2e check check-hosts check-distro peers bench corrupt asan-e2e \
	interrupt \
	fuzz-long demo \
	clean
