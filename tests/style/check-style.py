#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The .editorconfig rules, checked over every file git tracks: UTF-8, LF
line ends, a final newline, no trailing white space (Markdown excepted),
spaces where the indent style is spaces, and C lines of at most
max_line_length characters. Prints one line per offence and exits 1 if
there is any.

    tests/style/check-style.py [SOURCE_ROOT]
"""
import configparser
import fnmatch
import os
import subprocess
import sys

# Generated or binary files that the rules do not govern.
SKIP = ('tests/fuzz/corpus/', 'COPYING', 'data/screenshots/')
BINARY = ('.png', '.gz', '.xz', '.db', '.ico')


def editorconfig(root):
    """Sections of .editorconfig, in order, as (glob, {key: value})."""
    parser = configparser.ConfigParser(interpolation=None)
    with open(os.path.join(root, '.editorconfig'), encoding='utf-8') as f:
        parser.read_string('[root]\n' + f.read())
    return [(name, dict(parser[name])) for name in parser.sections()
            if name != 'root']


def expand(glob):
    """'*.{c,h}' -> ['*.c', '*.h'] (the only brace form used here)."""
    if '{' not in glob:
        return [glob]
    head, rest = glob.split('{', 1)
    alternatives, tail = rest.split('}', 1)
    return [head + a + tail for a in alternatives.split(',')]


def rules_for(path, sections):
    rules = {}
    name = os.path.basename(path)
    for glob, values in sections:
        for pattern in expand(glob):
            target = path if '/' in pattern else name
            if fnmatch.fnmatch(target, pattern):
                rules.update(values)
    return rules


def check_file(root, path, rules):
    with open(os.path.join(root, path), 'rb') as f:
        data = f.read()
    if not data:
        return []
    problems = []
    try:
        text = data.decode('utf-8')
    except UnicodeDecodeError as e:
        return [f'{path}: not UTF-8 at byte {e.start}']
    if '\r' in text:
        problems.append(f'{path}: CR line ends (end_of_line = lf)')
    if not text.endswith('\n'):
        problems.append(f'{path}: no final newline')
    limit = int(rules.get('max_line_length', '0') or 0)
    for number, line in enumerate(text.split('\n'), 1):
        where = f'{path}:{number}'
        if rules.get('trim_trailing_whitespace') == 'true' and \
                line != line.rstrip(' \t'):
            problems.append(f'{where}: trailing white space')
        if rules.get('indent_style') == 'space' and \
                line[:len(line) - len(line.lstrip(' \t'))].count('\t'):
            problems.append(f'{where}: tab in the indentation')
        if limit and len(line) > limit:
            problems.append(f'{where}: {len(line)} characters, at most {limit}')
    return problems


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else \
        os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..')
    try:
        listed = subprocess.run(['git', '-C', root, 'ls-files', '-z'],
                                check=True, capture_output=True).stdout
    except (OSError, subprocess.CalledProcessError):
        print('check-style: not a git checkout: nothing to check')
        return 77
    sections = editorconfig(root)
    problems = []
    checked = 0
    for path in listed.decode().split('\0'):
        if not path or path.startswith(SKIP) or path.endswith(BINARY) or \
                not os.path.isfile(os.path.join(root, path)):
            continue
        checked += 1
        problems += check_file(root, path, rules_for(path, sections))
    for problem in problems:
        print(problem)
    print(f'check-style: {checked} files, {len(problems)} offences')
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main())
