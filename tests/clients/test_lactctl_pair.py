#!/usr/bin/python3
'''lactctl pair's numeric comparison and lactctl's printing of names,
against the dbusmock template of lactd's API (tests/dbusmock): the
question on a terminal (a pseudo-terminal here), the refusal without one,
--yes, and names carrying terminal escape sequences.

SPDX-License-Identifier: GPL-3.0-or-later
'''

import os
import pty
import select
import subprocess
import sys
import time
import unittest

import dbus
import dbusmock

from clients_helpers import MOCK_TEMPLATE, Client, lactctl, program

ADDRESS = 'C0:FF:EE:00:00:01'
SENSOR_PATH = '/org/lactd/sensor/C0_FF_EE_00_00_01'
PASSKEY = 654321
# A terminal title change and a screen clear, as a name may carry them.
HOSTILE_NAME = 'Pump\x1b]0;pwned\x07 One\x1b[2J'
CONTROLS = ('\x1b', '\x07', '\x9b', '\x9d')


class Terminal:
    '''lactctl with stdin and stdout on a pseudo-terminal, stderr apart.'''

    def __init__(self, args):
        self.master, slave = pty.openpty()
        self.process = subprocess.Popen(
            [program('LACTCTL')] + args, stdin=slave, stdout=slave,
            stderr=subprocess.PIPE, close_fds=True)
        os.close(slave)
        self.output = b''

    def wait_for(self, text, timeout=15):
        '''Reads the terminal until text appears; all of it so far.'''
        deadline = time.monotonic() + timeout
        while text.encode() not in self.output:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f'no {text!r} within {timeout} s; got '
                                     f'{self.output!r}')
            ready, _, _ = select.select([self.master], [], [], remaining)
            if ready:
                try:
                    chunk = os.read(self.master, 4096)
                except OSError:   # EIO: the other side is closed
                    chunk = b''
                if not chunk:
                    raise AssertionError(f'terminal closed before {text!r}; '
                                         f'got {self.output!r}')
                self.output += chunk
        return self.output.decode('utf-8')

    def type(self, text):
        os.write(self.master, text.encode())

    def finish(self, timeout=15):
        '''The exit status and stderr, once lactctl exits.'''
        _, stderr = self.process.communicate(timeout=timeout)
        while True:
            ready, _, _ = select.select([self.master], [], [], 0)
            if not ready:
                break
            try:
                chunk = os.read(self.master, 4096)
            except OSError:
                break
            if not chunk:
                break
            self.output += chunk
        os.close(self.master)
        return self.process.returncode, stderr.decode('utf-8')


class LactctlPairTest(dbusmock.DBusTestCase):

    @classmethod
    def setUpClass(cls):
        cls.start_session_bus()
        cls.dbus_con = cls.get_dbus(system_bus=False)

    def setUp(self):
        self.p_mock, self.obj = self.spawn_server_template(
            MOCK_TEMPLATE, {}, stdout=subprocess.DEVNULL)
        self.mock = dbus.Interface(self.obj, 'org.lactd.Mock')
        self.addCleanup(self.stop_mock)

    def stop_mock(self):
        if self.p_mock.poll() is None:
            self.p_mock.terminate()
        self.p_mock.wait()

    def sensors(self):
        return list(self.obj.Get('org.lactd.Manager1', 'Sensors',
                                 dbus_interface=dbus.PROPERTIES_IFACE))

    def add_comparison(self):
        self.mock.AddDiscoverableComparison(ADDRESS, 'LSP Pump', 'pump',
                                            dbus.Int16(-60),
                                            dbus.UInt32(PASSKEY))

    def assert_printable(self, text):
        for control in CONTROLS:
            self.assertNotIn(control, text)

    # ------------------------------------------------- numeric comparison

    def test_comparison_accepted_on_a_terminal(self):
        self.add_comparison()
        term = Terminal(['pair', ADDRESS])
        shown = term.wait_for('? [y/N] ')
        self.assertIn(f'Passkey for {ADDRESS}: {PASSKEY}', shown)
        self.assertIn(f'Does the sensor show {PASSKEY}? [y/N] ', shown)
        # Still waiting for the answer.
        self.assertEqual(self.sensors(), [])
        term.type('y\n')
        code, stderr = term.finish()
        self.assertEqual(code, 0, stderr)
        self.assertEqual(stderr, '')
        self.assertIn(f'Paired: {SENSOR_PATH}', term.output.decode())
        self.assertEqual(self.sensors(), [SENSOR_PATH])

    def test_comparison_declined_on_a_terminal(self):
        self.add_comparison()
        for answer in ('n\n', '\n', 'whatever\n'):
            with self.subTest(answer=answer):
                term = Terminal(['pair', ADDRESS])
                term.wait_for('? [y/N] ')
                term.type(answer)
                code, stderr = term.finish()
                self.assertEqual(code, 1, term.output)
                self.assertRegex(stderr, r'^lactctl: pair: org\.lactd\.Error\.'
                                 r'PairingFailed: .*declined\n$')
                self.assertEqual(self.sensors(), [])

    def test_comparison_without_a_terminal(self):
        self.add_comparison()
        result = lactctl('pair', ADDRESS)
        self.assertEqual(result.returncode, 1, result.stdout + result.stderr)
        self.assertIn(f'Passkey for {ADDRESS}: {PASSKEY}', result.stdout)
        self.assertIn('not a terminal', result.stdout)
        self.assertIn('--yes', result.stdout)
        # One line, as for any error lactd answers with (cli.md).
        self.assertRegex(result.stderr, r'^lactctl: pair: org\.lactd\.Error\.'
                         r'PairingFailed: [^\n]*\n$')
        self.assertEqual(self.sensors(), [])
        # --yes: the user compared the numbers another way.
        result = lactctl('pair', '--yes', ADDRESS)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn('Accepted without asking (--yes)', result.stdout)
        self.assertEqual(self.sensors(), [SENSOR_PATH])

    def test_displayed_passkey_needs_no_answer(self):
        self.mock.AddDiscoverable(ADDRESS, 'LSP Pump', 'pump', dbus.Int16(-60),
                                  dbus.UInt32(PASSKEY))
        result = lactctl('pair', ADDRESS)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn('Check that the sensor shows the same number',
                      result.stdout)
        self.assertNotIn('[y/N]', result.stdout)

    # ---------------------------------------------------- hostile names

    def test_hostile_names_are_printed_harmless(self):
        self.mock.AddSensor(ADDRESS, HOSTILE_NAME, 'pump')
        self.mock.UpdateSensor(dbus.ObjectPath(SENSOR_PATH), dbus.Dictionary({
            'LastError': 'failed\x1b[2J\x1b]0;pwned\x07 badly',
            'SyncState': 'error'}, signature='sv'))
        self.mock.AddDiscoverable('C0:FF:EE:00:00:02', HOSTILE_NAME, 'pump',
                                  dbus.Int16(-50), dbus.UInt32(0))
        for args in (['status'], ['sensors'], ['discover', '-t', '1']):
            with self.subTest(args=args):
                result = lactctl(*args)
                self.assertEqual(result.returncode, 0, result.stderr)
                self.assert_printable(result.stdout)
                self.assertIn('Pump One', result.stdout)
        status = lactctl('status').stdout
        self.assertIn('Pump One (C0:FF:EE:00:00:01)', status)
        self.assertIn('last error: failed badly', status)
        # Machine output keeps the value as lactd sent it, JSON-escaped.
        sensors = lactctl('sensors', '--json').stdout
        self.assertIn('\\u001b', sensors)
        self.assert_printable(sensors)

    def test_watch_prints_harmless_text(self):
        self.mock.AddSensor(ADDRESS, 'Pump One', 'pump')
        client = Client([program('LACTCTL'), 'watch'])
        self.addCleanup(client.close)
        client.stdout.wait_for(lambda l: 'lactd' in l)
        self.mock.UpdateSensor(dbus.ObjectPath(SENSOR_PATH), dbus.Dictionary({
            'LastError': 'broke\x1b]0;pwned\x07 off', 'SyncState': 'error'},
            signature='sv'))
        line = client.stdout.wait_for(lambda l: 'sync error' in l)
        self.assertIn('(broke off)', line)
        self.assert_printable(line)


if __name__ == '__main__':
    unittest.main(testRunner=unittest.TextTestRunner(stream=sys.stdout,
                                                     verbosity=2))
