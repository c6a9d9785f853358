# procfd-trace build. `make` builds, `make check` runs every test (and again
# under AddressSanitizer+UBSan), `make demo` traces the bundled example.
# Missing Debian packages are installed by scripts/install-deps.sh first.

PREFIX    ?= /usr/local
BINDIR    ?= $(PREFIX)/bin
LIBDIR    ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
PKGCONFIGDIR ?= $(LIBDIR)/pkgconfig
MANDIR    ?= $(PREFIX)/share/man
DOCDIR    ?= $(PREFIX)/share/doc/procfd-trace
VERSION   := $(shell sed -n 's/^\#define PFD_VERSION "\(.*\)"/\1/p' tracer/cli/options.c)
CC        ?= cc
BUILD     ?= build
SANITIZE  ?=

# Recursive (=) so pkg-config runs after the deps step, not at parse time.
# Stack traces: libunwind-ptrace/-generic (x86_64) unwind, libdw symbolizes.
STACK_PKGS = libunwind-ptrace libunwind-generic libdw
PKG_CFLAGS = $(shell pkg-config --cflags libseccomp $(STACK_PKGS))
PKG_LIBS   = $(shell pkg-config --libs libseccomp $(STACK_PKGS)) -pthread
CMOCKA_CFLAGS = $(shell pkg-config --cflags cmocka)
CMOCKA_LIBS   = $(shell pkg-config --libs cmocka)

WARN     := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
            -Wformat=2 -Wvla -Wimplicit-fallthrough
CFLAGS   ?= -O2 -g
ifneq ($(SANITIZE),)
CFLAGS   += -O1 -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
LDFLAGS  += -fsanitize=address,undefined
endif
# Hidden by default: only what include/procfd/ marks PFD_API is visible
# outside libprocfd (in a shared object that links it). Tests, fuzz targets
# and bench programs link the static library, where hidden symbols still
# resolve, so they may call internal functions.
ALL_CFLAGS = -std=gnu11 -D_GNU_SOURCE $(WARN) $(CFLAGS) -fvisibility=hidden -Iinclude -I. \
             $(PKG_CFLAGS) -MMD -MP

# One folder per wing (docs/ARCHITECTURE.md): every .c under filters/ and
# tracer/ but the command line's main().
CORE_SRC := $(sort $(wildcard filters/*.c) $(filter-out tracer/cli/main.c,$(wildcard tracer/*/*.c)) \
            $(wildcard tracer/plugins/*/*.c))
# The default suppressions of --leaks, built in as a C string.
DEFAULT_SUPP     := tracer/plugins/leaks/leaks_default.supp
DEFAULT_SUPP_C   := $(BUILD)/gen/leaks_default_supp.c
CORE_OBJ := $(CORE_SRC:%.c=$(BUILD)/%.o) $(BUILD)/gen/leaks_default_supp.o
MAIN_OBJ := $(BUILD)/tracer/cli/main.o
BIN      := $(BUILD)/procfd-trace
LIB      := $(BUILD)/libprocfd.a

UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/unit/%)
# m32_*.c are i386 tracees (gcc -m32, from gcc-multilib).
PROG_SRC := $(filter-out tests/programs/m32_%.c,$(wildcard tests/programs/*.c))
PROG_BIN := $(PROG_SRC:tests/programs/%.c=$(BUILD)/tests/programs/%)
PROG32_SRC := $(wildcard tests/programs/m32_*.c)
PROG32_BIN := $(PROG32_SRC:tests/programs/%.c=$(BUILD)/tests/programs/%)
# Every other program is also built as an i386 tracee into programs32/ (the
# .m32 variants of the integration cases), except those whose source holds
# the marker "pfdtest: no-m32" followed by the reason (run.py reads it too).
NOM32_SRC  := $(shell grep -l 'pfdtest: no-m32' $(PROG_SRC) /dev/null)
PROGM32_BIN := $(filter-out $(NOM32_SRC),$(PROG_SRC))
PROGM32_BIN := $(PROGM32_BIN:tests/programs/%.c=$(BUILD)/tests/programs32/%)
# cc -m32 works (gcc-multilib): tested when the recipe runs, after deps.
M32_PROBE  = printf 'int main(void){return 0;}\n' | $(CC) -m32 -x c -o /dev/null - 2>/dev/null
DEPS_OK  := $(BUILD)/.deps-ok
# procfd-trace with the example plugin of tests/plugins/ (tests only).
EXAMPLE_SRC := $(wildcard tests/plugins/*.c)
EXAMPLE_BIN := $(BUILD)/tests/procfd-trace-example
# A JSON trace rendered as text through the tracer's event model (tests only).
RENDER_BIN := $(BUILD)/tests/procfd-render

.PHONY: FORCE all deps check check-docs check-unit check-integration check-sdk check-asan demo install clean bench bench-programs stress \
        programs-m32 fuzz fuzz-build fuzz-smoke fuzz-supp
all: $(BIN)

deps: $(DEPS_OK)
$(DEPS_OK): scripts/install-deps.sh
	@sh scripts/install-deps.sh
	@mkdir -p $(@D) && touch $@

# Objects are rebuilt when the flags change (e.g. -fvisibility), not only
# their sources: the stamp holds the flags they were built with.
CFLAGS_STAMP := $(BUILD)/.cflags
$(CFLAGS_STAMP): FORCE
	@mkdir -p $(@D)
	@echo '$(ALL_CFLAGS)' | cmp -s - $@ || echo '$(ALL_CFLAGS)' > $@
FORCE:

$(BUILD)/%.o: %.c $(CFLAGS_STAMP) | $(DEPS_OK)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(DEFAULT_SUPP_C): $(DEFAULT_SUPP)
	@mkdir -p $(@D)
	{ echo '/* Generated from $< by the Makefile. */'; \
	  echo 'extern const char pfd_default_suppressions[];'; \
	  echo 'const char pfd_default_suppressions[] ='; \
	  sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/^/"/' -e 's/$$/\\n"/' $<; \
	  echo ';'; } > $@

$(BUILD)/gen/leaks_default_supp.o: $(DEFAULT_SUPP_C) $(CFLAGS_STAMP)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(LIB): $(CORE_OBJ)
	rm -f $@ && ar rcs $@ $^

$(BIN): $(MAIN_OBJ) $(LIB)
	$(CC) $(LDFLAGS) -o $@ $^ $(PKG_LIBS)

$(BUILD)/tests/unit/%: tests/unit/%.c $(LIB) | $(DEPS_OK)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(CMOCKA_CFLAGS) -o $@ $< $(LIB) $(LDFLAGS) $(CMOCKA_LIBS) $(PKG_LIBS)

# The fd-description test describes the fds tests/programs/fd_factory makes.
$(BUILD)/tests/unit/test_fdesc_live: $(BUILD)/tests/programs/fd_factory

# Test programs are the tracees: plain builds, never sanitized (the sanitizer
# runtime would add its own /proc reads to the traces).
$(BUILD)/tests/programs/%: tests/programs/%.c tests/programs/expect.h | $(DEPS_OK)
	@mkdir -p $(@D)
	$(CC) -std=gnu11 -Wall -Wextra -Werror -O1 -g -Itests/programs -o $@ $< -pthread

$(BUILD)/tests/programs/m32_%: tests/programs/m32_%.c tests/programs/expect.h | $(DEPS_OK)
	@mkdir -p $(@D)
	$(CC) -m32 -std=gnu11 -Wall -Wextra -Werror -O1 -g -Itests/programs -o $@ $< -pthread

$(EXAMPLE_BIN): $(EXAMPLE_SRC) $(LIB) | $(DEPS_OK)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -o $@ $(EXAMPLE_SRC) $(LIB) $(LDFLAGS) $(PKG_LIBS)

$(RENDER_BIN): tests/tools/render.c $(LIB) | $(DEPS_OK)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -o $@ $< $(LIB) $(LDFLAGS) $(PKG_LIBS)

$(BUILD)/tests/programs32/%: tests/programs/%.c tests/programs/expect.h | $(DEPS_OK)
	@mkdir -p $(@D)
	$(CC) -m32 -std=gnu11 -Wall -Wextra -Werror -O1 -g -Itests/programs -o $@ $< -pthread

# The i386 tracees; without a 32-bit toolchain, check-integration skips them
# (the harness then reports the .m32 variants and +m32 cases as SKIP).
programs-m32: $(PROG32_BIN) $(PROGM32_BIN)

# The wings' include directions and docs/ARCHITECTURE.md's file table.
check-wings:
	python3 tests/arch/check_wings.py

# Every resolution and JSON key the code writes, named in the documents.
check-docs:
	python3 tests/arch/check_docs.py

check-unit: $(UNIT_BIN)
	@if $(M32_PROBE); then $(MAKE) --no-print-directory $(BUILD)/tests/programs32/fd_factory; fi
	@for t in $(UNIT_BIN); do echo "== $$t"; $$t || exit 1; done

check-integration: $(BIN) $(EXAMPLE_BIN) $(RENDER_BIN) $(PROG_BIN)
	@if $(M32_PROBE); then $(MAKE) --no-print-directory programs-m32; \
	else echo "no 32-bit toolchain (cc -m32 fails): the i386 cases will be skipped"; fi
	python3 tests/integration/run.py --bin $(BIN) --example-bin $(EXAMPLE_BIN) \
		--programs $(BUILD)/tests/programs --programs32 $(BUILD)/tests/programs32
	python3 tests/integration/kill_whole_lines.py --bin $(BIN) --programs $(BUILD)/tests/programs
	python3 tests/integration/after_run.py --bin $(BIN) --programs $(BUILD)/tests/programs
	python3 tests/integration/oom_sweep.py --bin $(BIN) --programs $(BUILD)/tests/programs
	python3 tests/integration/fdesc_consumers.py --bin $(BIN) --programs $(BUILD)/tests/programs
	python3 tests/integration/render_tool.py --bin $(BIN) --render-bin $(RENDER_BIN)

# The whole suite again with AddressSanitizer and UBSan in a build of its own.
check-asan:
	$(MAKE) --no-print-directory BUILD=$(BUILD)-asan SANITIZE=1 check-unit check-integration

# Built (not run: timing is make bench's) so that they cannot rot unseen
# against the library's headers.
BENCH_PROGRAMS = $(BUILD)/bench/workload $(BUILD)/bench/floor \
		 $(BUILD)/bench/stack_capture $(BUILD)/bench/describe_cost \
		 $(BUILD)/bench/stop_cost $(BUILD)/bench/fdesc_cost
bench-programs: $(BENCH_PROGRAMS)

check: check-wings check-docs check-unit check-integration check-sdk check-asan fuzz-smoke bench-programs
	@echo "make check: all tests passed"

# Reproducers that need load or luck, outside make check: STRESS_RUNS each.
# attach_exec: -p against a thread that execs every millisecond (issue 23).
STRESS_RUNS ?= 100
stress: $(BIN) $(BUILD)/tests/programs/exec_storm
	sh tests/stress/attach_exec.sh $(BIN) $(BUILD)/tests/programs/exec_storm $(STRESS_RUNS)

$(BUILD)/bench/workload: bench/workload.c | $(DEPS_OK)
	@mkdir -p $(@D)
	$(CC) -std=gnu11 -Wall -Wextra -Werror -O2 -o $@ $<

# Stack capture and symbolization costs (not part of make check).
$(BUILD)/bench/stack_capture: bench/stack_capture.c $(LIB) | $(DEPS_OK)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -o $@ $< $(LIB) $(LDFLAGS) $(PKG_LIBS)

# What describing one open fd costs, step by step (the leak report at exit).
$(BUILD)/bench/describe_cost: bench/describe_cost.c $(LIB) | $(DEPS_OK)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -o $@ $< $(LIB) $(LDFLAGS) $(PKG_LIBS)

# The fd-description library's cost per class, per batch of sockets.
$(BUILD)/bench/fdesc_cost: bench/fdesc_cost.c $(LIB) | $(DEPS_OK)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -o $@ $< $(LIB) $(LDFLAGS) $(PKG_LIBS)

# A reported call's tracer syscalls timed one by one, and its two stops.
$(BUILD)/bench/stop_cost: bench/stop_cost.c | $(DEPS_OK)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -o $@ $< $(shell pkg-config --libs libseccomp)

# The floor: a minimal seccomp+ptrace loop (bench/floor.c).
$(BUILD)/bench/floor: bench/floor.c | $(DEPS_OK)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -o $@ $< $(shell pkg-config --libs libseccomp)

# Timing lives here, never in the tests. BENCH_SCALE=0.1 for a quick run.
bench: $(BIN) $(BUILD)/bench/workload $(BUILD)/bench/floor $(BUILD)/bench/stop_cost \
       $(BUILD)/bench/fdesc_cost
	python3 bench/bench.py --bin $(BIN) --workload $(BUILD)/bench/workload \
		--floor $(BUILD)/bench/floor --stop-cost $(BUILD)/bench/stop_cost \
		--fdesc-cost $(BUILD)/bench/fdesc_cost \
		$(if $(BENCH_BASELINE),--baseline $(BENCH_BASELINE))

# libFuzzer targets (tests/fuzz/fuzz_NAME.c): clang with ASan+UBSan, the code
# under test compiled again by clang into $(BUILD)/fuzz/obj (not the
# gcc-built library). `make fuzz` runs each for FUZZ_SECONDS, FUZZ_JOBS at
# once; `make fuzz-smoke` (part of make check) a few seconds each, and skips
# with a message when clang's libFuzzer is not there. New inputs go to
# scratch copies under $(BUILD)/fuzz/run/; the seeds stay as committed.
FUZZ_CC      ?= clang
FUZZ_SECONDS ?= 300
FUZZ_SMOKE_SECONDS ?= 5
FUZZ_JOBS    ?= 2
FUZZ_TARGETS := classify flags escape options supp
FUZZ_DIR     := $(BUILD)/fuzz
FUZZ_BINS    := $(FUZZ_TARGETS:%=$(FUZZ_DIR)/fuzz_%)
FUZZ_CFLAGS   = -std=gnu11 -D_GNU_SOURCE $(WARN) -g -O1 -fno-omit-frame-pointer \
                -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all \
                -Iinclude -I. $(PKG_CFLAGS) -MMD -MP
FUZZ_LDFLAGS  = -fsanitize=fuzzer,address,undefined
# clang links a libFuzzer program: checked when a recipe runs.
FUZZ_PROBE    = printf 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n);\nint LLVMFuzzerTestOneInput(const char *d, unsigned long n){(void)d;(void)n;return 0;}\n' | \
                $(FUZZ_CC) -fsanitize=fuzzer,address,undefined -x c -o /dev/null - >/dev/null 2>&1

# What each target links besides its own file (objects of $(FUZZ_DIR)/obj).
FUZZ_LIBSRC_classify := tracer/plugins/procfd/classify.c
FUZZ_LIBSRC_flags    := tracer/output/flagnames.c
FUZZ_LIBSRC_escape   := tracer/output/escape.c tracer/output/buf.c
FUZZ_LIBSRC_supp     := tracer/plugins/leaks/leaks_supp.c tracer/plugins/leaks/leaks_frames.c tracer/output/buf.c \
                        tracer/output/escape.c
# The option parser takes the built-in plugins, which need the whole tracer.
FUZZ_LIBSRC_options  := $(CORE_SRC) $(DEFAULT_SUPP_C)
FUZZ_LIBS_options     = $(PKG_LIBS)

$(FUZZ_DIR)/obj/%.o: %.c | $(DEPS_OK)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -c -o $@ $<

define FUZZ_LINK_RULE
$(FUZZ_DIR)/fuzz_$(1): $(FUZZ_DIR)/obj/tests/fuzz/fuzz_$(1).o $(patsubst %.c,$(FUZZ_DIR)/obj/%.o,$(FUZZ_LIBSRC_$(1)))
	$$(FUZZ_CC) $$(FUZZ_LDFLAGS) -o $$@ $$^ $$(FUZZ_LIBS_$(1))
endef
$(foreach t,$(FUZZ_TARGETS),$(eval $(call FUZZ_LINK_RULE,$(t))))

fuzz-build: $(FUZZ_BINS)

fuzz: $(FUZZ_BINS)
	@sh tests/fuzz/run.sh $(FUZZ_SECONDS) $(FUZZ_JOBS) $(FUZZ_DIR) $(FUZZ_TARGETS)

fuzz-smoke:
	@if $(FUZZ_PROBE); then \
		$(MAKE) --no-print-directory fuzz-build && \
		sh tests/fuzz/run.sh $(FUZZ_SMOKE_SECONDS) $(FUZZ_JOBS) $(FUZZ_DIR) $(FUZZ_TARGETS); \
	else \
		echo "fuzz-smoke: SKIPPED: $(FUZZ_CC) cannot build a libFuzzer program" \
		     "(-fsanitize=fuzzer); on Debian: apt-get install clang libclang-rt-dev"; \
	fi

# One target alone, e.g. the suppression parser's as before.
fuzz-supp: $(FUZZ_DIR)/fuzz_supp
	@sh tests/fuzz/run.sh $(FUZZ_SECONDS) 1 $(FUZZ_DIR) supp

HOLDER := $(BUILD)/tests/programs/explain_holder
demo: $(BIN) $(BUILD)/tests/programs/demo $(BUILD)/tests/programs/leaky $(HOLDER)
	@echo "== procfd-trace -- $(BUILD)/tests/programs/demo"
	@$(BIN) -- $(BUILD)/tests/programs/demo
	@echo
	@echo "== procfd-trace --leaks --error-exitcode=9 -- $(BUILD)/tests/programs/leaky"
	@$(BIN) --leaks --error-exitcode=9 -- $(BUILD)/tests/programs/leaky; \
	rc=$$?; echo "== exit status $$rc (9: leaks found)"; test $$rc = 9
	@echo
	@# A holder keeps a deleted file, a pipe and a socket open until SIGTERM;
	@# the trap ends it (and removes its output) however the recipe ends.
	@out=$$(mktemp) && { $(HOLDER) demo </dev/null >$$out 2>&1 & h=$$!; } && \
	trap 'kill $$h 2>/dev/null; wait $$h 2>/dev/null; rm -f $$out' EXIT && \
	for i in $$(seq 50); do grep -q '^ready' $$out && break; sleep 0.1; done && \
	paths=$$(sed -n 's/^explain //p' $$out) && test -n "$$paths" && \
	echo "== procfd-trace --explain $$paths" && $(BIN) --explain $$paths

# The plugin SDK: include/procfd/ is exactly the headers a plugin may
# include (a built-in plugin's own headers live in its folder), the static
# library and procfd.pc.
SDK_HEADERS := $(wildcard include/procfd/*.h)
PC_FILE     := $(BUILD)/procfd.pc

$(PC_FILE): procfd.pc.in tracer/cli/options.c Makefile
	@mkdir -p $(@D)
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@INCLUDEDIR@|$(INCLUDEDIR)|' -e 's|@LIBDIR@|$(LIBDIR)|' \
	    -e 's|@VERSION@|$(VERSION)|' $< > $@

install: $(BIN) $(LIB) $(PC_FILE)
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(LIBDIR) $(DESTDIR)$(INCLUDEDIR)/procfd \
		$(DESTDIR)$(PKGCONFIGDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(DOCDIR)
	install -m 0755 $(BIN) $(DESTDIR)$(BINDIR)/procfd-trace
	install -m 0644 $(LIB) $(DESTDIR)$(LIBDIR)/libprocfd.a
	install -m 0644 $(SDK_HEADERS) $(DESTDIR)$(INCLUDEDIR)/procfd/
	install -m 0644 $(PC_FILE) $(DESTDIR)$(PKGCONFIGDIR)/procfd.pc
	install -m 0644 docs/procfd-trace.1 $(DESTDIR)$(MANDIR)/man1/procfd-trace.1
	install -m 0644 docs/*.md $(DESTDIR)$(DOCDIR)/

# The SDK as an outside plugin sees it: only PFD_API symbols are exported,
# each installed header stands alone, and tests/plugins/ builds with one
# pkg-config line against a DESTDIR install and runs (tests/sdk/check_sdk.sh).
check-sdk: $(BIN) $(LIB) $(BUILD)/tests/programs/fcntl_dup
	sh tests/sdk/check_sdk.sh $(BUILD) $(BUILD)/tests/programs/fcntl_dup $(SDK_HEADERS)

clean:
	rm -rf build build-asan

-include $(CORE_OBJ:.o=.d) $(MAIN_OBJ:.o=.d) $(wildcard $(FUZZ_DIR)/obj/*/*.d $(FUZZ_DIR)/obj/*/*/*.d)
