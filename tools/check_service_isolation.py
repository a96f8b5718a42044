#!/usr/bin/env python3
"""Service isolation check (issue 7, item 6): a service sees only the service API.

Three checks, each offence one line on stdout, exit status 1 when any:
  symbols   every undefined symbol of a service archive (nm) that the archive
            does not define itself must be in the export list
            (src/include/service-api/exports.txt), a compiler-runtime or
            sanitizer symbol, or (for services-builtin only) a symbol of
            another service library; the network archive holds lwIP's objects
            (link_whole), so lwIP is checked as part of that service;
  sources   every #include under the services folder resolves inside the
            service's own folder or src/include/service-api (the network
            service also: lwip_port/ and lwIP's headers and sources), or is a
            freestanding compiler header; no inline assembly (nor assembly
            source file) anywhere there;
  flags     every service source in compile_commands.json is compiled with
            -Werror and without -w/-Wno-error (lwIP's own objects, the 'lwip'
            target, are exempt: third-party code built with -w).
Last line: "service isolation: N libraries, M symbols checked, K offences".

Usage:
  check_service_isolation.py --source-root DIR [--services-dir DIR]
      [--exports FILE] [--nm NM] [--compile-commands FILE] ARCHIVE...
"""
import argparse
import glob
import json
import os
import re
import subprocess
import sys

# Headers a freestanding C compiler provides (C11 section 4): no libc, no kernel.
FREESTANDING_HEADERS = {
    'float.h', 'iso646.h', 'limits.h', 'stdalign.h', 'stdarg.h', 'stdbool.h',
    'stddef.h', 'stdint.h', 'stdnoreturn.h',
}

# Symbols the compiler or a sanitizer emits calls to: allowed without listing.
RUNTIME_SYMBOL_PATTERNS = [re.compile(pattern) for pattern in (
    r'^__asan_', r'^__ubsan_', r'^__sanitizer_', r'^__sancov_', r'^__msan_',
    r'^__stack_chk_(fail|guard)$',
    r'^__(u?(div|mod|mul)|popcount|clz|ctz|ffs|parity|bswap)[a-z]?[sdt]i[23]$',
    r'^_GLOBAL_OFFSET_TABLE_$',
)]

INCLUDE_PATTERN = re.compile(r'^\s*#\s*include\s*(.*)$')
ASSEMBLY_PATTERN = re.compile(r'\b(asm|__asm|__asm__)\b')
SOURCE_SUFFIXES = ('.c', '.h')
ASSEMBLY_SUFFIXES = ('.S', '.s', '.asm')


def read_exports(path):
    """Return ({symbol: line number}, {symbol}, {symbol: line number}) of the
    export list: every listed name, those marked '# TODO layering:' (known
    exceptions), and the withheld ones ('!name': declared in a service-api
    header for the Core, never to be referenced by a service)."""
    exports, layering, withheld = {}, set(), {}
    with open(path, encoding='utf-8') as stream:
        for number, line in enumerate(stream, 1):
            name, _, comment = line.partition('#')
            name = name.strip()
            if not name:
                continue
            if name.startswith('!'):
                withheld[name[1:].strip()] = number
                continue
            exports[name] = number
            if comment.strip().startswith('TODO layering'):
                layering.add(name)
    return exports, layering, withheld


def read_api_headers(api_folder):
    """Return {header path relative to api_folder: text without comments}."""
    headers = {}
    for header in sorted(glob.glob(os.path.join(api_folder, '**', '*.h'), recursive=True)):
        with open(header, encoding='utf-8') as stream:
            headers[os.path.relpath(header, api_folder)] = strip_comments_and_strings(stream.read())
    return headers


def declaring_header(name, headers):
    """The first service-api header declaring name (a function or an extern
    variable), or None."""
    function = re.compile(r'\b' + re.escape(name) + r'\s*\(')
    variable = re.compile(r'\bextern\b[^;]*\b' + re.escape(name) + r'\b')
    for header, text in headers.items():
        if function.search(text) or variable.search(text):
            return header
    return None


def check_exports_declared(exports, layering, headers, exports_path, offences):
    """Append an offence for each exported name no service-api header declares,
    unless marked TODO layering."""
    for name, number in exports.items():
        if name not in layering and declaring_header(name, headers) is None:
            offences.append('%s:%d: export %s is declared in no service-api header'
                            % (exports_path, number, name))


def archive_symbols(nm, archive):
    """Return {object: (defined set, undefined set)} of archive's global symbols
    (nm -P -A; weak undefined counts as undefined, common as defined)."""
    run = subprocess.run([nm, '-P', '-A', archive], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, universal_newlines=True)
    if run.returncode != 0:
        raise RuntimeError('%s -P -A %s failed: %s' % (nm, archive, run.stderr.strip()))
    output = run.stdout
    objects = {}
    for line in output.splitlines():
        location, _, rest = line.rpartition(': ')
        fields = rest.split()
        if len(fields) < 2:
            continue
        symbol, kind = fields[0], fields[1]
        member = location[location.find('[') + 1:-1] if location.endswith(']') else location
        defined, undefined = objects.setdefault(os.path.basename(member), (set(), set()))
        if kind in ('U', 'w', 'v'):
            undefined.add(symbol)
        elif kind.isupper() or kind in ('u', 'i'):
            defined.add(symbol)
    return objects


def library_name(archive):
    """libservice-tty.a -> service-tty."""
    name = os.path.basename(archive)
    name = name[3:] if name.startswith('lib') else name
    return name[:-2] if name.endswith('.a') else name


def check_symbols(archives, nm, exports, withheld, headers, offences):
    """Append an offence per (archive, object, symbol) referencing anything outside
    the archive, the export list and the runtime patterns; return the number of
    distinct (library, symbol) references checked."""
    contents = {archive: archive_symbols(nm, archive) for archive in archives}
    defined_by = {}
    for archive, objects in contents.items():
        for defined, _ in objects.values():
            for symbol in defined:
                defined_by.setdefault(symbol, library_name(archive))
    checked = 0
    for archive, objects in contents.items():
        library = library_name(archive)
        own = set().union(*(defined for defined, _ in objects.values())) if objects else set()
        seen = set()
        for member in sorted(objects):
            for symbol in sorted(objects[member][1] - own):
                if symbol not in seen:
                    seen.add(symbol)
                    checked += 1
                if symbol in exports or any(p.search(symbol) for p in RUNTIME_SYMBOL_PATTERNS):
                    continue
                owner = defined_by.get(symbol)
                if owner is not None and library == 'services-builtin':
                    continue   # builtin registers every service: it names their entry points
                if owner:
                    why = 'defined by %s: services do not call each other' % owner
                elif symbol in withheld:
                    why = ('withheld from services by exports.txt: a service file must be '
                           'compiled with RK_SERVICE_BUILD, whose macros call the service variant')
                else:
                    header = declaring_header(symbol, headers)
                    why = ('not in the service API export list; declared in %s: list it in '
                           'exports.txt under "# %s"' % (header, header) if header
                           else 'not in the service API export list, nor in any service-api header')
                offences.append('%s %s: references %s (%s)' % (library, member, symbol, why))
    return checked


def strip_comments_and_strings(text):
    """text with comments, string and character literals blanked (newlines kept),
    so a word inside them is not taken for code."""
    result, index, length = [], 0, len(text)
    while index < length:
        character = text[index]
        if text.startswith('/*', index):
            end = text.find('*/', index + 2)
            end = length if end < 0 else end + 2
            result.append(re.sub(r'[^\n]', ' ', text[index:end]))
            index = end
        elif text.startswith('//', index):
            end = text.find('\n', index)
            end = length if end < 0 else end
            result.append(' ' * (end - index))
            index = end
        elif character in '"\'':
            end = index + 1
            while end < length and text[end] != character and text[end] != '\n':
                end += 2 if text[end] == '\\' else 1
            end = min(end + 1, length)
            literal = text[index:end]
            # keep an include's "file" intact: the include scan reads it
            line_start = text.rfind('\n', 0, index) + 1
            if INCLUDE_PATTERN.match(text[line_start:index]):
                result.append(literal)
            else:
                result.append(character + re.sub(r'[^\n]', ' ', literal[1:-1]) + character)
            index = end
        else:
            result.append(character)
            index += 1
    return ''.join(result)


def include_roots(services_dir, service, api_folder, source_root):
    """The folders service's files may include from, besides their own folder."""
    own = services_dir if service is None else os.path.join(services_dir, service)
    roots = [own, api_folder]
    if service == 'network':
        roots.append(os.path.join(own, 'lwip_port'))
        for lwip in sorted(glob.glob(os.path.join(source_root, 'subprojects', 'lwip-*', 'src'))):
            roots += [lwip, os.path.join(lwip, 'include')]
    return [os.path.realpath(root) for root in roots]


def resolves(name, quoted, including_folder, roots):
    """True when include name resolves to a file inside one of roots (quoted
    includes first look next to the including file, which must be in a root)."""
    folders = ([including_folder] if quoted else []) + roots
    for folder in folders:
        candidate = os.path.realpath(os.path.join(folder, name))
        if os.path.isfile(candidate) and any(
                candidate.startswith(root + os.sep) for root in roots):
            return True
    return False


def check_sources(services_dir, api_folder, source_root, offences):
    """Append an offence per stray #include or inline assembly in the services
    folder (a sub-folder is one service; its top-level files are services-builtin)."""
    for folder, _, names in sorted(os.walk(services_dir)):
        relative = os.path.relpath(folder, services_dir)
        service = None if relative == '.' else relative.split(os.sep)[0]
        roots = include_roots(services_dir, service, api_folder, source_root)
        for name in sorted(names):
            path = os.path.join(folder, name)
            shown = os.path.relpath(path, source_root)
            if name.endswith(ASSEMBLY_SUFFIXES):
                offences.append('%s: assembly source in a service' % shown)
                continue
            if not name.endswith(SOURCE_SUFFIXES):
                continue
            with open(path, encoding='utf-8', errors='replace') as stream:
                text = strip_comments_and_strings(stream.read())
            for number, line in enumerate(text.splitlines(), 1):
                include = INCLUDE_PATTERN.match(line)
                if include:
                    target = include.group(1).strip()
                    quoted = target.startswith('"') and target.endswith('"')
                    angled = target.startswith('<') and target.endswith('>')
                    header = target[1:-1]
                    if not (quoted or angled):
                        offences.append('%s:%d: #include %s is not a file name' % (shown, number, target))
                    elif not (angled and header in FREESTANDING_HEADERS) and \
                         not resolves(header, quoted, folder, roots):
                        offences.append('%s:%d: #include %s is outside the service and the service API'
                                        % (shown, number, target))
                    continue
                if ASSEMBLY_PATTERN.search(line):
                    offences.append('%s:%d: inline assembly in a service' % (shown, number))


def check_flags(compile_commands, services_dir, offences):
    """Append an offence per service source compiled without -Werror or with
    warnings turned off (lwIP's target, liblwip.a, is exempt: third-party, -w).
    Returns the number of compile commands checked."""
    with open(compile_commands, encoding='utf-8') as stream:
        commands = json.load(stream)
    services = os.path.realpath(services_dir) + os.sep
    checked = 0
    for entry in commands:
        source = os.path.realpath(os.path.join(entry['directory'], entry['file']))
        output = entry.get('output', '')
        arguments = entry.get('arguments') or entry['command'].split()
        if not source.startswith(services) or 'liblwip.a.p' in output:
            continue
        if not re.search(r'libservices?-[^/]*\.a\.p/', output):
            continue   # a test executable compiling a service file itself
        checked += 1
        if '-Werror' not in arguments or '-w' in arguments or '-Wno-error' in arguments:
            offences.append('%s: compiled without warnings as errors' % output)
    return checked


def main():
    """Run the checks; print the offences and the summary; exit 1 on any offence."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--source-root', required=True)
    parser.add_argument('--services-dir', help='default: SOURCE_ROOT/src/services')
    parser.add_argument('--exports', help='default: SOURCE_ROOT/src/include/service-api/exports.txt')
    parser.add_argument('--nm', default='nm')
    parser.add_argument('--compile-commands', help="the build's compile_commands.json")
    parser.add_argument('archives', nargs='*')
    options = parser.parse_args()
    source_root = os.path.realpath(options.source_root)
    api_folder = os.path.join(source_root, 'src', 'include', 'service-api')
    services_dir = options.services_dir or os.path.join(source_root, 'src', 'services')
    exports_path = options.exports or os.path.join(api_folder, 'exports.txt')

    offences = []
    exports, layering, withheld = read_exports(exports_path)
    headers = read_api_headers(api_folder)
    shown_exports = os.path.relpath(exports_path, source_root)
    check_exports_declared(dict(exports, **withheld), layering, headers, shown_exports, offences)
    try:
        checked = check_symbols(options.archives, options.nm, exports, withheld, headers, offences)
    except (OSError, RuntimeError) as error:
        print('service isolation: cannot read the archives: %s' % error)
        return 2
    check_sources(services_dir, api_folder, source_root, offences)
    if options.compile_commands:
        if check_flags(options.compile_commands, services_dir, offences) == 0 and options.archives:
            offences.append('%s: no service compile command found' % options.compile_commands)
    for offence in offences:
        print('service isolation: ' + offence)
    if layering:
        print('service isolation: note: %d export(s) marked TODO layering: %s'
              % (len(layering), ' '.join(sorted(layering))))
    print('service isolation: %d libraries, %d symbols checked, %d offences'
          % (len(options.archives), checked, len(offences)))
    return 1 if offences else 0


if __name__ == '__main__':
    sys.exit(main())
