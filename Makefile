# vmdemo: build the module, the tools and the tests; run them in a VM.
#
#   make              module + userspace tools + tests
#   make demo         install deps, build the module and the vmdemo command,
#                     boot the VM and run the guided tour (scripts/demo)
#   make check        install deps, build; static checks, DKMS, and the test
#                     suite in the VM on Debian 12's, bookworm-backports' and
#                     sid's kernels (scripts/check)
#   make check-quick  the suite on the default kernel only
#   make bench        the fault-path benchmark in the VM (scripts/bench)
#   make install      the module (modules_install), the vmdemo command, its
#                     demos and man page; make uninstall removes them
#   make shell        interactive shell in the VM with the module loaded
#   make clean
#
# The build prints one line per file, as kbuild does; V=1 prints the
# commands instead.
#
# KVER selects the kernel (default: the one linux-headers-amd64 depends on).
# The VM scripts read VMDEMO_TIMEOUT, VMDEMO_ACCEL, VMDEMO_MODPARAMS,
# VMDEMO_TESTS and VMDEMO_TEST_TIMEOUT (see scripts/vm, scripts/run-suite).

# Recursive (=-style) variables: worked out when used, i.e. after
# scripts/install-deps has run in `make demo` / `make check`.
KVER ?= $(shell scripts/kver)
KDIR ?= /lib/modules/$(KVER)/build
# The 6.1 source tree (unpacked into the cache on first use).
KSRC ?= $(shell scripts/linux-source)
KSFT_DIR ?= $(KSRC)/tools/testing/selftests

# Quiet by default: the sub-makes print one line per file (V=1: commands).
ifneq ($(V),1)
Q := @
SUBMAKE := $(MAKE) --no-print-directory
else
SUBMAKE := $(MAKE)
endif

have_userspace := $(wildcard userspace/Makefile)
have_tests := $(wildcard tests/Makefile)

.PHONY: all module userspace tests deps demo check check-quick shell clean \
	install uninstall bench \
	sparse checkpatch

all: module userspace tests

deps:
	@scripts/install-deps

module:
	@test -n "$(KVER)" || { echo "KVER unknown: run scripts/install-deps" >&2; exit 1; }
	@test -f "$(KDIR)/Makefile" || { echo "no kernel headers in $(KDIR): run scripts/install-deps (or apt-get install linux-headers-$(KVER))" >&2; exit 1; }
	@echo "==> building module for $(KVER)"
	$(Q)$(MAKE) -C $(KDIR) M=$(CURDIR) modules

userspace:
ifneq ($(have_userspace),)
	@echo "==> building userspace tools"
	$(Q)$(SUBMAKE) -C userspace
	$(Q)$(SUBMAKE) -C userspace/bench
endif

tests:
ifneq ($(have_tests),)
	@test -f "$(KSFT_DIR)/kselftest_harness.h" || { echo "no kselftest_harness.h in '$(KSFT_DIR)': run scripts/install-deps, then scripts/linux-source" >&2; exit 1; }
	@echo "==> building tests"
	$(Q)$(SUBMAKE) -C tests KSFT_DIR=$(KSFT_DIR)
endif

# The tour needs the module and the vmdemo command, not the tests.
# KERNEL=SUITE: on the newest kernel of that Debian suite instead
# (bookworm-backports: 6.12, sid: 7.2), as make check fetches them.
demo: deps
ifeq ($(KERNEL),)
	@$(MAKE) --no-print-directory module userspace
	@scripts/demo --kver $(KVER)
else
	@$(MAKE) --no-print-directory userspace
	@scripts/demo --kernel $(KERNEL)
endif

check: deps
	@$(MAKE) --no-print-directory all
	@KVER=$(KVER) scripts/check

check-quick: deps
	@$(MAKE) --no-print-directory all
	@KVER=$(KVER) scripts/check --quick

bench: deps
	@$(MAKE) --no-print-directory all
	@scripts/bench --kver $(KVER)

install: module userspace
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules_install
	depmod -a $(KVER)
	$(MAKE) -C userspace install

uninstall:
	rm -f /lib/modules/$(KVER)/updates/vmdemo.ko* /lib/modules/$(KVER)/extra/vmdemo.ko*
	depmod -a $(KVER)
	$(MAKE) -C userspace uninstall

shell: module userspace tests
	@scripts/vm --kver $(KVER) --shell

# Static checks, not part of `check` (yet).
sparse:
	$(MAKE) -C $(KDIR) M=$(CURDIR) C=2 CHECK=sparse modules

checkpatch:
	$(KSRC)/scripts/checkpatch.pl --no-tree --strict --terse -f \
		$(filter-out %.mod.c,$(wildcard module/*.c module/*.h include/uapi/linux/*.h))

clean:
	@if [ -f "$(KDIR)/Makefile" ]; then \
		$(MAKE) -C $(KDIR) M=$(CURDIR) clean; \
	else \
		echo "no kernel headers in $(KDIR): cleaning module/ by hand"; \
		rm -rf Module.symvers modules.order .*.cmd .tmp_versions \
			module/*.o module/*.ko module/*.mod module/*.mod.c \
			module/.*.cmd module/modules.order; \
	fi
ifneq ($(have_userspace),)
	$(MAKE) -C userspace clean
	$(MAKE) -C userspace/bench clean
endif
ifneq ($(have_tests),)
	$(MAKE) -C tests clean
endif
