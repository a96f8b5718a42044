#!/usr/bin/env python3
"""The service isolation checker against its fixtures: it must report exactly
the bad fixture's offences (a Core-internal include, inline assembly, a Core
symbol outside the export list, two withheld Core-heap symbols) and nothing
of the good fixture.

Usage: test_checker.py CHECKER SOURCE_ROOT NM BAD_ARCHIVE GOOD_ARCHIVE
"""
import os
import subprocess
import sys


def main():
    """Run the checker on fixture/ and the two fixture archives; exit 1 on a mismatch."""
    checker, source_root, nm, bad_archive, good_archive = sys.argv[1:6]
    fixture = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'fixture')
    run = subprocess.run([sys.executable, checker, '--source-root', source_root,
                          '--services-dir', fixture, '--nm', nm, bad_archive, good_archive],
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT, universal_newlines=True)
    print(run.stdout, end='')
    offences = [line for line in run.stdout.splitlines()
                if line.startswith('service isolation: ') and 'libraries,' not in line]
    expected = [
        ('#include <rk/thread.h> is outside', 'bad.c:%d:' % line_of(fixture, '#include <rk/thread.h>')),
        ('inline assembly', 'bad.c:%d:' % line_of(fixture, '__asm__')),
        ('bad.c.o: references thread_yield (not in the service API export list', 'isolation-fixture-bad '),
        ('bad.c.o: references kmalloc (withheld from services', 'isolation-fixture-bad '),
        ('bad.c.o: references kfree (withheld from services', 'isolation-fixture-bad '),
    ]
    failures = []
    if run.returncode != 1:
        failures.append('exit status %d, expected 1' % run.returncode)
    for text, where in expected:
        if not any(text in line and where in line for line in offences):
            failures.append('missing offence: %s %s' % (where, text))
    if len(offences) != len(expected):
        failures.append('%d offences, expected %d' % (len(offences), len(expected)))
    if not run.stdout.rstrip().endswith('2 libraries, %d symbols checked, %d offences'
                                        % (count_checked(run.stdout), len(expected))):
        failures.append('summary line missing or wrong')
    for failure in failures:
        print('FAIL: ' + failure)
    return 1 if failures else 0


def line_of(fixture, text):
    """The number of the first line of fixture/bad/bad.c containing text."""
    with open(os.path.join(fixture, 'bad', 'bad.c'), encoding='utf-8') as stream:
        for number, line in enumerate(stream, 1):
            if text in line and not line.lstrip().startswith('*'):
                return number
    return -1


def count_checked(output):
    """The M of the summary line (the number the checker reports), -1 when absent."""
    for line in output.splitlines():
        if 'libraries,' in line:
            return int(line.split('libraries,')[1].split()[0])
    return -1


if __name__ == '__main__':
    sys.exit(main())
