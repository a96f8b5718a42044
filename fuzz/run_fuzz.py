#!/usr/bin/env python3
"""Run the fuzz targets: replay the checked-in inputs, or a timed campaign.

  run_fuzz.py replay --target NAME --executable EXE --source FUZZ_DIR
      Run every file of FUZZ_DIR/corpus/NAME and FUZZ_DIR/regressions/NAME
      once (make test's fuzz-replay suite). Fails on any crash or report.
  run_fuzz.py campaign --build DIR [--seconds N] [--targets a,b] [--work DIR]
      Fuzz each target for N seconds (default 60) starting from its seed
      corpus, restarting after each crash until the time is used. Prints one
      line per target:
        fuzz TARGET execs_per_s=N crashes=N coverage=N features=N corpus=N
      Crash inputs are kept in WORK/TARGET/crashes (default build/fuzz-work).
      crashes counts every finding (crash, leak, timeout, out of memory; the
      last three also on their own). --seed S makes the mutations repeatable.
      Exit status 1 when any target had a finding.
  run_fuzz.py afl --build DIR --target NAME [--seconds N] [--work DIR]
      One AFL++ campaign (afl-fuzz) of the AFL build's target for N seconds
      from the seed corpus; prints the same one line from afl-fuzz's stats.
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import time

TARGETS = ["syscalls", "cpio", "elf", "path", "tty", "socket_address", "procfs_write"]
SOURCE = os.path.dirname(os.path.abspath(__file__))
SANITIZER_ENVIRONMENT = {
    "ASAN_OPTIONS": "detect_leaks=1:abort_on_error=1:allocator_may_return_null=1",
    "UBSAN_OPTIONS": "halt_on_error=1:print_stacktrace=1",
}


def environment():
    """This process's environment with the sanitizer options the fuzzers run under (unless set)."""
    merged = dict(os.environ)
    for key, value in SANITIZER_ENVIRONMENT.items():
        merged.setdefault(key, value)
    return merged


def input_directories(source, target):
    """The checked-in inputs of target that exist (seed corpus, then regressions)."""
    found = []
    for kind in ("corpus", "regressions"):
        directory = os.path.join(source, kind, target)
        if os.path.isdir(directory) and os.listdir(directory):
            found.append(directory)
    return found


def replay(arguments):
    """Run every checked-in input of one target once; 1 on any report."""
    directories = input_directories(arguments.source, arguments.target)
    if not directories:
        print(f"fuzz-replay {arguments.target}: no checked-in inputs")
        return 0
    count = sum(len(os.listdir(d)) for d in directories)
    command = [arguments.executable, "-runs=0", "-timeout=60", "-rss_limit_mb=4096"] + directories
    result = subprocess.run(command, env=environment(), stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, errors="replace")
    if result.returncode != 0:
        sys.stdout.write(result.stdout[-20000:])
        print(f"fuzz-replay {arguments.target}: FAILED (exit {result.returncode}) on {count} inputs")
        return 1
    print(f"fuzz-replay {arguments.target}: {count} inputs replayed, no report")
    return 0


STAT = re.compile(r"^stat::(\w+):\s+(\d+)", re.M)
PROGRESS = re.compile(r"^#(\d+)\s+\w+\s+cov: (\d+) ft: (\d+) corp: (\d+)", re.M)


ARTIFACT_KINDS = ("crash", "leak", "timeout", "oom")   # libFuzzer's artifact prefixes that are findings
LIBFUZZER_OPTIONS = [
    "-timeout=10", "-rss_limit_mb=4096", "-print_final_stats=1",
    # Entropic scheduling weighs every feature of every run; each input here
    # covers a whole boot, which made it 20x slower for no more coverage.
    "-entropic=0",
]


def artifact_kind(name):
    """The kind of a libFuzzer artifact file name (crash, leak, timeout, oom), or None (slow-unit...)."""
    prefix = name.split("-", 1)[0]
    return prefix if prefix in ARTIFACT_KINDS else None


def fuzz_target(build, target, seconds, work, seed=None):
    """Fuzz target for seconds, restarting after each finding; prints the target's line, returns its findings."""
    executable = os.path.join(build, "fuzz", "fuzz-" + target)
    if not os.path.exists(executable):
        print(f"fuzz {target}: not built ({executable})")
        return None
    base = os.path.join(work, target)
    corpus = os.path.join(base, "corpus")
    crashes = os.path.join(base, "crashes")
    os.makedirs(corpus, exist_ok=True)
    os.makedirs(crashes, exist_ok=True)
    log_path = os.path.join(base, "log.txt")
    seeds = input_directories(SOURCE, target)
    executed = 0
    coverage = features = corpus_size = 0
    found = dict((kind, 0) for kind in ARTIFACT_KINDS)
    deadline = time.monotonic() + seconds
    runs = 0
    with open(log_path, "w") as log:
        while True:
            remaining = int(deadline - time.monotonic())
            if remaining < 1:
                break
            before = dict((name, os.path.getmtime(os.path.join(crashes, name))) for name in os.listdir(crashes))
            command = [executable, f"-max_total_time={remaining}", "-artifact_prefix=" + crashes + "/"]
            command += LIBFUZZER_OPTIONS
            if seed is not None:
                command.append(f"-seed={seed + runs}")
            command += [corpus] + seeds
            runs += 1
            result = subprocess.run(command, env=environment(), stdout=subprocess.PIPE,
                                    stderr=subprocess.STDOUT, text=True, errors="replace")
            log.write(result.stdout)
            stats = dict((key, int(value)) for key, value in STAT.findall(result.stdout))
            executed += stats.get("number_of_executed_units", 0)
            progress = PROGRESS.findall(result.stdout)
            if progress:
                _, coverage, features, corpus_size = (int(x) for x in progress[-1])
            if result.returncode == 0:
                break
            # A finding: its artifact is new, or an old one written again (same input found again).
            written = [name for name in os.listdir(crashes)
                       if artifact_kind(name) and before.get(name) != os.path.getmtime(os.path.join(crashes, name))]
            for name in written:
                found[artifact_kind(name)] += 1
            if not written:
                found["crash"] += 1  # the engine failed without an artifact: count it, and stop
                break
    total = sum(found.values())
    rate = int(executed / seconds) if seconds > 0 else 0
    print(f"fuzz {target} execs_per_s={rate} crashes={total} coverage={coverage} features={features} "
          f"corpus={corpus_size} timeouts={found['timeout']} leaks={found['leak']} "
          f"out_of_memory={found['oom']}", flush=True)
    return total


def campaign(arguments):
    """Fuzz the chosen targets in turn; 1 when any had a finding."""
    targets = arguments.targets.split(",") if arguments.targets else TARGETS
    work = arguments.work or os.path.join(os.path.dirname(arguments.build.rstrip("/")) or ".", "fuzz-work")
    total_crashes = 0
    for target in targets:
        seconds = arguments.seconds
        if arguments.split:
            share = arguments.seconds / 2 if target == "syscalls" else arguments.seconds / 2 / (len(targets) - 1)
            seconds = max(1, int(share)) if len(targets) > 1 else arguments.seconds
        crashes = fuzz_target(arguments.build, target, seconds, work, arguments.seed)
        total_crashes += crashes or 0
    if total_crashes:
        print(f"fuzz: {total_crashes} crash(es); inputs under {work}/*/crashes "
              f"(tools/rk fuzz-repro FILE shows one)")
    return 1 if total_crashes else 0


def read_afl_stats(path):
    """afl-fuzz's fuzzer_stats file as a dictionary (empty when missing)."""
    stats = {}
    if os.path.exists(path):
        with open(path) as handle:
            for line in handle:
                key, _, value = line.partition(":")
                stats[key.strip()] = value.strip()
    return stats


def afl(arguments):
    """One afl-fuzz campaign of one target from its checked-in inputs; 1 on a crash or failure."""
    executable = os.path.join(arguments.build, "fuzz", "fuzz-" + arguments.target)
    if not os.path.exists(executable):
        print(f"fuzz {arguments.target}: not built ({executable})")
        return 1
    work = arguments.work or os.path.join(os.path.dirname(arguments.build.rstrip("/")) or ".", "fuzz-afl-work")
    output = os.path.join(work, arguments.target)
    shutil.rmtree(output, ignore_errors=True)
    os.makedirs(output)
    seeds = input_directories(SOURCE, arguments.target)
    if not seeds:
        seeds_directory = os.path.join(work, arguments.target + "-seed")
        os.makedirs(seeds_directory, exist_ok=True)
        with open(os.path.join(seeds_directory, "empty"), "wb") as handle:
            handle.write(b"\0" * 8)
        seeds = [seeds_directory]
    merged = os.path.join(work, arguments.target + "-input")
    shutil.rmtree(merged, ignore_errors=True)
    os.makedirs(merged)
    for directory in seeds:
        for name in os.listdir(directory):
            shutil.copy(os.path.join(directory, name), os.path.join(merged, os.path.basename(directory) + "-" + name))
    environment = environment_for_afl()
    command = ["afl-fuzz", "-i", merged, "-o", output, "-V", str(arguments.seconds), "-t", "10000",
               "-m", "none", "--", executable]
    with open(os.path.join(work, arguments.target + "-afl.log"), "w") as log:
        result = subprocess.run(command, env=environment, stdout=log, stderr=subprocess.STDOUT)
    stats = read_afl_stats(os.path.join(output, "default", "fuzzer_stats"))
    crashes = int(stats.get("saved_crashes", stats.get("unique_crashes", "0")) or 0)
    rate = stats.get("execs_per_sec", "0")
    coverage = stats.get("bitmap_cvg", "?")
    print(f"fuzz {arguments.target} execs_per_s={float(rate):.0f} crashes={crashes} coverage={coverage} "
          f"engine=afl++ exit={result.returncode}", flush=True)
    return 1 if crashes or result.returncode != 0 else 0


def environment_for_afl():
    """The environment for afl-fuzz: no UI, no CPU-governor or core-pattern checks."""
    merged = dict(os.environ)   # afl-fuzz sets the sanitizer options it needs itself
    merged.setdefault("AFL_SKIP_CPUFREQ", "1")
    merged.setdefault("AFL_NO_UI", "1")
    merged.setdefault("AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES", "1")
    return merged


def main():
    """Parse the command line and run the subcommand."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    replay_parser = commands.add_parser("replay")
    replay_parser.add_argument("--target", required=True)
    replay_parser.add_argument("--executable", required=True)
    replay_parser.add_argument("--source", default=SOURCE)
    campaign_parser = commands.add_parser("campaign")
    campaign_parser.add_argument("--build", required=True)
    campaign_parser.add_argument("--seconds", type=int, default=60)
    campaign_parser.add_argument("--split", action="store_true",
                                 help="share --seconds among the targets (half to syscalls) instead of each")
    campaign_parser.add_argument("--targets")
    campaign_parser.add_argument("--work")
    campaign_parser.add_argument("--seed", type=int,
                                 help="libFuzzer's -seed (then seed+1 after a restart): a repeatable campaign")
    afl_parser = commands.add_parser("afl")
    afl_parser.add_argument("--build", required=True)
    afl_parser.add_argument("--target", default="syscalls")
    afl_parser.add_argument("--seconds", type=int, default=60)
    afl_parser.add_argument("--work")
    arguments = parser.parse_args()
    if arguments.command == "replay":
        return replay(arguments)
    if arguments.command == "afl":
        return afl(arguments)
    return campaign(arguments)


if __name__ == "__main__":
    sys.exit(main())
