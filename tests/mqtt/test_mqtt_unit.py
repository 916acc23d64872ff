#!/usr/bin/python3
'''lactd-mqtt.service: `systemd-analyze --user verify` on the built unit
(ExecStart pointed at this build's binary), and what the issue asks of it:
Wants/After lactd.service, Restart=on-failure without restarting on a
configuration error, the lockdown and file-system sandbox of lactd.service
plus the network.

SPDX-License-Identifier: GPL-3.0-or-later
'''

import configparser
import os
import re
import shutil
import subprocess
import tempfile
import unittest

UNITS_DIR = os.environ.get('LACTD_SYSTEMD_DIR')
LACTD_MQTT = os.environ.get('LACTD_MQTT')


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


class UnitTest(unittest.TestCase):

    def test_unit(self):
        text = read_unit('lactd-mqtt.service')
        unit = parse(text)
        self.assertEqual(unit['Unit']['Wants'], 'lactd.service')
        self.assertEqual(unit['Unit']['After'], 'lactd.service')
        service = unit['Service']
        self.assertTrue(service['ExecStart'].endswith('/lactd-mqtt'))
        self.assertEqual(service['Restart'], 'on-failure')
        self.assertEqual(service['RestartPreventExitStatus'], '78')
        self.assertEqual(service['RestrictAddressFamilies'], 'AF_UNIX AF_INET AF_INET6')
        # Every lockdown option of lactd.service, the same way, except the
        # address families.
        daemon = parse(read_unit('lactd.service'))['Service']
        for key in ('NoNewPrivileges', 'LockPersonality', 'MemoryDenyWriteExecute',
                    'RestrictRealtime', 'RestrictSUIDSGID', 'RestrictNamespaces',
                    'SystemCallArchitectures', 'SystemCallFilter',
                    'SystemCallErrorNumber', 'UMask'):
            self.assertEqual(service[key], daemon[key], key)
        # lactd.service's file-system sandbox, writable only where the mark
        # lives by default (not %S: systemd 252 makes it XDG_CONFIG_HOME in
        # a user manager), the directory made outside the sandbox first.
        for key in ('PrivateUsers', 'ProtectSystem', 'ProtectHome', 'PrivateTmp'):
            self.assertEqual(service[key], daemon[key], key)
        self.assertEqual(service['ReadWritePaths'], '%h/.local/state/lactd')
        self.assertEqual(service['ExecStartPre'], '+/bin/mkdir -p %h/.local/state/lactd')
        self.assertEqual(unit['Install']['WantedBy'], 'default.target')

    def test_systemd_analyze_verify(self):
        analyze = shutil.which('systemd-analyze')
        if analyze is None:
            self.fail('systemd-analyze is missing: run tools/install-deps')
        text = read_unit('lactd-mqtt.service')
        exec_start = re.search(r'^ExecStart=(\S+)', text, re.M).group(1)
        with tempfile.TemporaryDirectory(prefix='lactd-mqtt-unit-') as tmp:
            runtime = os.path.join(tmp, 'runtime')
            os.mkdir(runtime, 0o700)
            path = os.path.join(tmp, 'lactd-mqtt.service')
            with open(path, 'w') as f:
                f.write(text.replace('ExecStart=' + exec_start, 'ExecStart=' + LACTD_MQTT))
            env = dict(os.environ, XDG_RUNTIME_DIR=runtime, SYSTEMD_LOG_LEVEL='notice')
            result = subprocess.run([analyze, '--user', '--man=no', 'verify', path],
                                    capture_output=True, text=True, env=env, timeout=60)
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        self.assertEqual(result.stderr.strip(), '', result.stderr)


if __name__ == '__main__':
    unittest.main(verbosity=2)
