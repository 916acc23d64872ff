#!/usr/bin/python3
'''`systemd-analyze verify` on the built user units, and the D-Bus
activation file pointing at the systemd unit.

The built units name the installed paths (libexecdir/lactd,
bindir/lactd-notify), which `verify` requires to exist; the copies checked
here point ExecStart at the binaries of this build instead, and nothing
else changes.

SPDX-License-Identifier: GPL-3.0-or-later
'''

import configparser
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest

UNITS_DIR = os.environ.get('LACTD_SYSTEMD_DIR')


def analyze():
    path = shutil.which('systemd-analyze')
    if path is None:
        raise unittest.SkipTest('systemd-analyze is missing: install systemd '
                                '(tools/install-deps lists it)')
    return path


def read_unit(name):
    if not UNITS_DIR:
        raise unittest.SkipTest('LACTD_SYSTEMD_DIR is not set (run through meson test)')
    with open(os.path.join(UNITS_DIR, name)) as f:
        return f.read()


def parse(text):
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str
    parser.read_string(text)
    return parser


class SystemdUnitsTest(unittest.TestCase):

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix='lactd-units-')
        self.runtime = os.path.join(self.tmp, 'runtime')
        os.mkdir(self.runtime, 0o700)

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def verify(self, name, text, stand_in):
        '''Writes the unit with ExecStart's program replaced by stand_in
        and runs `systemd-analyze --user verify` on it.'''
        exec_start = re.search(r'^ExecStart=(\S+)', text, re.M).group(1)
        self.assertTrue(os.path.isabs(exec_start), exec_start)
        self.assertTrue(os.access(stand_in, os.X_OK), stand_in)
        path = os.path.join(self.tmp, name)
        with open(path, 'w') as f:
            f.write(text.replace('ExecStart=' + exec_start, 'ExecStart=' + stand_in))
        env = dict(os.environ, XDG_RUNTIME_DIR=self.runtime,
                   SYSTEMD_LOG_LEVEL='notice')
        result = subprocess.run([analyze(), '--user', '--man=no', 'verify', path],
                                capture_output=True, text=True, env=env, timeout=60)
        self.assertEqual(result.returncode, 0,
                         f'systemd-analyze verify {name}:\n{result.stdout}{result.stderr}')
        self.assertEqual(result.stderr.strip(), '',
                         f'systemd-analyze verify {name} warned:\n{result.stderr}')
        return exec_start

    def test_lactd_service(self):
        text = read_unit('lactd.service')
        unit = parse(text)
        service = unit['Service']
        self.assertEqual(service['Type'], 'dbus')
        self.assertEqual(service['BusName'], 'org.lactd')
        self.assertEqual(service['Restart'], 'on-failure')
        for option in ('NoNewPrivileges', 'RestrictRealtime', 'LockPersonality',
                       'MemoryDenyWriteExecute', 'RestrictSUIDSGID'):
            self.assertEqual(service[option], 'yes', option)
        # The file-system sandbox: read-only but the store's directory
        # (created outside the sandbox first) and a private /tmp. The VM
        # tier shows it at work (tests/e2e/systemd-scenarios.sh, sandbox).
        self.assertEqual(service['PrivateUsers'], 'yes')
        self.assertEqual(service['ProtectSystem'], 'strict')
        # strict alone leaves /home writable (systemd.exec(5)).
        self.assertEqual(service['ProtectHome'], 'read-only')
        self.assertEqual(service['PrivateTmp'], 'yes')
        self.assertEqual(service['ReadWritePaths'], '%h/.local/share/lactd')
        self.assertEqual(service['ExecStartPre'], '+/bin/mkdir -p %h/.local/share/lactd')
        self.assertNotRegex(text, r'@[a-z_]+@', 'unsubstituted variable')
        # The daemon of this build, or before its target exists any
        # executable of the build: verify checks the path exists.
        stand_in = os.environ.get('LACTD_BIN', '')
        if not os.access(stand_in, os.X_OK):
            stand_in = os.environ['LACTCTL']
        exec_start = self.verify('lactd.service', text, stand_in)
        self.assertTrue(exec_start.endswith('/libexec/lactd'), exec_start)

    def test_lactd_notify_service(self):
        text = read_unit('lactd-notify.service')
        unit = parse(text)
        self.assertEqual(unit['Unit']['PartOf'], 'graphical-session.target')
        self.assertEqual(unit['Unit']['After'], 'graphical-session.target')
        self.assertEqual(unit['Install']['WantedBy'], 'graphical-session.target')
        self.assertNotRegex(text, r'@[a-z_]+@', 'unsubstituted variable')
        exec_start = self.verify('lactd-notify.service', text,
                                 os.environ['LACTD_NOTIFY'])
        self.assertTrue(exec_start.endswith('/bin/lactd-notify'), exec_start)

    def test_dbus_activation_file(self):
        unit = parse(read_unit('org.lactd.service'))
        service = unit['D-BUS Service']
        self.assertEqual(service['Name'], 'org.lactd')
        self.assertEqual(service['SystemdService'], 'lactd.service')
        lactd_exec = re.search(r'^ExecStart=(\S+)', read_unit('lactd.service'), re.M).group(1)
        self.assertEqual(service['Exec'], lactd_exec)


if __name__ == '__main__':
    unittest.main(testRunner=unittest.TextTestRunner(stream=sys.stdout, verbosity=2))
