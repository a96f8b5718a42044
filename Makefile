# The README's commands. Each target sets up what is missing first.
#   make run         boot the x86 image in QEMU on this terminal (Ctrl-A X quits)
#   make test        build both backends and run every test suite (CI runs this)
#   make run-hosted  run the kernel as a Linux process
#   make bench       run the benchmarks

HOSTED := build/hosted
X86 := build/x86
KERNEL := $(X86)/src/platform-x86/ringkernel.elf
APPEND ?= console=ttyS0
QEMU := qemu-system-x86_64
QEMU_FLAGS := -machine pc,accel=tcg -m 256M -nographic -no-reboot \
              -nic none -device isa-debug-exit,iobase=0xf4,iosize=0x04

.PHONY: all setup build build-hosted build-x86 test test-unit test-qemu run run-hosted bench clean

all: build

# Cheap when everything is installed (one dpkg-query per package), so it runs every time.
setup:
	@bash tools/setup.sh

$(HOSTED)/build.ninja:
	meson setup $(HOSTED) -Dplatform=hosted

$(X86)/build.ninja:
	meson setup $(X86) -Dplatform=x86 --cross-file cross/x86_64-kernel.ini

build-hosted: setup
	$(MAKE) --no-print-directory $(HOSTED)/build.ninja
	ninja -C $(HOSTED)

build-x86: setup
	$(MAKE) --no-print-directory $(X86)/build.ninja
	ninja -C $(X86)

build: build-hosted build-x86

test: build
	meson test -C $(HOSTED) --print-errorlogs
	meson test -C $(X86) --print-errorlogs

test-unit: build-hosted
	meson test -C $(HOSTED) --print-errorlogs --suite unit

test-qemu: build-x86
	meson test -C $(X86) --print-errorlogs --suite qemu

run: build-x86
	$(QEMU) $(QEMU_FLAGS) -kernel $(KERNEL) -append "$(APPEND)" \
	  ; status=$$?; [ $$status -eq 0 ] || [ $$status -eq 1 ]

run-hosted: build-hosted
	$(HOSTED)/src/platform-hosted/ringkernel-hosted $(APPEND)

bench: build
	bash bench/run.sh

clean:
	rm -rf build
