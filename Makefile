# The README's commands. Each target sets up what is missing first.
#   make run         boot the x86 image in QEMU on this terminal (Ctrl-A X quits)
#   make test        build both backends and run every test suite (CI runs this)
#   make run-hosted  run the kernel as a Linux process
#   make bench       run the benchmarks
#   make fuzz        a timed fuzz campaign of every target (FUZZ_SECONDS each, default 30)
#   make fuzz-afl    the same targets built with AFL++ (afl-clang-fast), one campaign (FUZZ_SECONDS)
#   make refresh-reference   rewrite the qemu suite's expected transcripts on Debian's Linux
#   make test-differential   the static test programs on ringkernel and Linux, compared live

HOSTED := build/hosted
SANITIZED := build/hosted-sanitize
X86 := build/x86
FUZZ := build/fuzz
FUZZ_AFL := build/fuzz-afl
FUZZ_SECONDS ?= 30
FUZZ_TARGET ?= syscalls
KERNEL := $(X86)/src/platform-x86/ringkernel.elf
APPEND ?= console=ttyS0
# make run's network: virtio-net on QEMU user networking (guest 10.0.2.15,
# host 10.0.2.2), configured by RUN_IP at boot; RUN_HOSTFWD (space-separated
# QEMU hostfwd rules) forwards host ports to the guest: by default the
# host's 127.0.0.1:8080 to the guest's port 80 (httpd -p 80 in the shell,
# then curl http://127.0.0.1:8080/ on the host). RUN_HOSTFWD= for none.
RUN_HOSTFWD ?= tcp:127.0.0.1:8080-:80
RUN_IP ?= ip=10.0.2.15::10.0.2.2:255.255.255.0::eth0:off
comma := ,
empty :=
space := $(empty) $(empty)
RUN_NETWORK := -netdev user,id=net0$(subst $(space),,$(foreach rule,$(RUN_HOSTFWD),$(comma)hostfwd=$(rule))) \
               -device virtio-net-pci,netdev=net0
QEMU := qemu-system-x86_64
QEMU_FLAGS := -machine pc,accel=tcg -m 256M -nographic -no-reboot \
              -nic none -device isa-debug-exit,iobase=0xf4,iosize=0x04

.PHONY: all setup build build-hosted build-x86 build-sanitize test test-unit test-qemu test-sanitize run run-hosted bench clean \
        refresh-reference test-differential build-fuzz fuzz test-fuzz fuzz-afl build-fuzz-afl

all: build

# Cheap when everything is installed (one dpkg-query per package), so it runs every time.
setup:
	@bash tools/setup.sh

$(HOSTED)/build.ninja:
	meson setup $(HOSTED) -Dplatform=hosted

$(SANITIZED)/build.ninja:
	meson setup $(SANITIZED) -Dplatform=hosted -Db_sanitize=address,undefined -Db_lundef=false

$(X86)/build.ninja:
	meson setup $(X86) -Dplatform=x86 --cross-file cross/x86_64-kernel.ini

build-hosted: setup
	$(MAKE) --no-print-directory $(HOSTED)/build.ninja
	ninja -C $(HOSTED)

build-x86: setup
	$(MAKE) --no-print-directory $(X86)/build.ninja
	ninja -C $(X86)

build-sanitize: setup
	$(MAKE) --no-print-directory $(SANITIZED)/build.ninja
	ninja -C $(SANITIZED)

build: build-hosted build-x86

# The fuzz targets (clang, libFuzzer, ASan+UBSan, edge coverage of every ring).
$(FUZZ)/build.ninja:
	CC=clang meson setup $(FUZZ) -Dplatform=hosted -Dfuzz=libfuzzer -Db_sanitize=address,undefined -Db_lundef=false

build-fuzz: setup
	$(MAKE) --no-print-directory $(FUZZ)/build.ninja
	ninja -C $(FUZZ)

# AFL++ (installed on demand: it is only needed here).
$(FUZZ_AFL)/build.ninja:
	CC=afl-clang-fast meson setup $(FUZZ_AFL) -Dplatform=hosted -Dfuzz=afl -Db_lundef=false

build-fuzz-afl: setup
	@bash tools/setup.sh afl++
	$(MAKE) --no-print-directory $(FUZZ_AFL)/build.ninja
	ninja -C $(FUZZ_AFL)

# The hosted suites again under AddressSanitizer and UBSan: any report fails.
test-sanitize: build-sanitize
	UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 ASAN_OPTIONS=detect_leaks=1 \
	  meson test -C $(SANITIZED) --print-errorlogs --suite unit --suite syscall

test: build
	meson test -C $(HOSTED) --print-errorlogs
	meson test -C $(X86) --print-errorlogs --no-suite linux
	$(MAKE) --no-print-directory test-sanitize
	$(MAKE) --no-print-directory test-fuzz

# The checked-in seed corpora and crash regressions replayed (and the syscall
# programs again in reverse order: outcomes must not depend on what ran
# before), then a 60-second smoke campaign with a fixed seed (half on the
# syscall programs, the rest shared by the parsers).
test-fuzz: build-fuzz
	meson test -C $(FUZZ) --print-errorlogs --suite fuzz-replay
	python3 fuzz/run_fuzz.py campaign --build $(FUZZ) --seconds 60 --split --seed 1

# A timed campaign: FUZZ_SECONDS per target; one line per target
# "fuzz TARGET execs_per_s=N crashes=N coverage=N ..."; crash inputs under build/fuzz-work.
fuzz: build-fuzz
	python3 fuzz/run_fuzz.py campaign --build $(FUZZ) --seconds $(FUZZ_SECONDS)

# One AFL++ campaign of FUZZ_TARGET for FUZZ_SECONDS (afl-fuzz output under build/fuzz-afl-work).
fuzz-afl: build-fuzz-afl
	python3 fuzz/run_fuzz.py afl --build $(FUZZ_AFL) --target $(FUZZ_TARGET) --seconds $(FUZZ_SECONDS)

test-unit: build-hosted
	meson test -C $(HOSTED) --print-errorlogs --suite unit

test-qemu: build-x86
	meson test -C $(X86) --print-errorlogs --suite qemu

# The expected transcripts of the qemu suite, taken on Debian's Linux (the
# reference; tools/rk downloads its kernel into build/linux). Review the
# result with git diff before committing it.
SCENARIO_GROUPS := $(sort $(dir $(wildcard test/qemu/scenarios/*/*.sh)))
refresh-reference: build-x86
	python3 test/qemu/run_scenarios.py --linux --update $(addprefix --scenarios ,$(SCENARIO_GROUPS))
	python3 test/qemu/run_scenarios.py --linux --update \
	  --programs $(X86)/test/programs --expected test/programs/expected

# The static test programs on ringkernel and on Linux, compared live.
test-differential: build-x86
	meson test -C $(X86) --print-errorlogs --suite linux

run: build-x86
	$(QEMU) $(QEMU_FLAGS) $(RUN_NETWORK) -kernel $(KERNEL) -append "$(APPEND) $(RUN_IP)" \
	  ; status=$$?; [ $$status -eq 0 ] || [ $$status -eq 1 ]

run-hosted: build-hosted
	$(HOSTED)/src/platform-hosted/ringkernel-hosted $(APPEND)

bench: build
	bash bench/run.sh

clean:
	rm -rf build
