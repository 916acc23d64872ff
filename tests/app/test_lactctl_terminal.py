#!/usr/bin/python3
'''lactctl's pictures on a terminal (a pseudo-terminal here), against the
dbusmock template of lactd's API: `watch` draws the live session as one
line updated in place with the events above it, `summary` draws sessions
per day against the goal beside its table. On a pipe, with --json and with
--format=waybar the outputs stay exactly as cli.md has them.

SPDX-License-Identifier: GPL-3.0-or-later
'''

import fcntl
import json
import os
import pty
import re
import signal
import struct
import subprocess
import sys
import termios
import threading
import time
import unittest

import dbus
import dbusmock

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', 'clients'))
from clients_helpers import MOCK_TEMPLATE, lactctl, program  # noqa: E402

ADDRESS = 'C0:FF:EE:00:00:01'
SENSOR_PATH = '/org/lactd/sensor/C0_FF_EE_00_00_01'
CLEAR_LINE = '\r\x1b[K'


class PtyClient:
    '''lactctl with its stdout on a pseudo-terminal of COLUMNS columns; the
    raw output (escape sequences included) is collected on a thread.'''

    def __init__(self, args, columns=120):
        master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack('HHHH', 40, columns, 0, 0))
        self.process = subprocess.Popen(args, stdout=slave, stderr=subprocess.PIPE,
                                        stdin=subprocess.DEVNULL)
        os.close(slave)
        self.master = master
        self.output = ''
        self.cond = threading.Condition()
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()

    def _read(self):
        while True:
            try:
                data = os.read(self.master, 4096)
            except OSError:  # EIO: the other side closed
                data = b''
            with self.cond:
                if not data:
                    self.closed = True
                    self.cond.notify_all()
                    return
                self.output += data.decode('utf-8', errors='replace')
                self.cond.notify_all()

    def wait_for(self, predicate, timeout=15, what='the expected output'):
        deadline = time.monotonic() + timeout
        with self.cond:
            while not predicate(self.output):
                remaining = deadline - time.monotonic()
                if remaining <= 0 or getattr(self, 'closed', False):
                    raise AssertionError(f'no {what} within {timeout} s; got:\n'
                                         + repr(self.output[-2000:]))
                self.cond.wait(remaining)
            return self.output

    def finish(self, interrupt=True):
        '''SIGINT (unless INTERRUPT is false: a command that ends by
        itself); the exit code, once all the output is read.'''
        if interrupt and self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
        code = self.process.wait(timeout=15)
        self.thread.join(timeout=15)
        os.close(self.master)
        self.process.stderr.close()
        return code

    def kill(self):
        if self.process.poll() is None:
            self.process.kill()
            self.finish()


class LactctlTerminalTest(dbusmock.DBusTestCase):

    @classmethod
    def setUpClass(cls):
        cls.start_session_bus()

    def setUp(self):
        self.p_mock, self.obj = self.spawn_server_template(
            MOCK_TEMPLATE, {}, stdout=subprocess.DEVNULL)
        self.mock = dbus.Interface(self.obj, 'org.lactd.Mock')
        self.clients = []

    def tearDown(self):
        for client in self.clients:
            client.kill()
        self.p_mock.terminate()
        self.p_mock.wait()

    def pty_client(self, *args, columns=120):
        client = PtyClient([program('LACTCTL')] + list(args), columns=columns)
        self.clients.append(client)
        return client

    def progress(self, elapsed, left, right, **extra):
        live = {'seq': dbus.UInt32(4), 'elapsed': dbus.UInt32(elapsed), 'side': 'both',
                'phase': 'expression', 'active': True,
                'volume_left_ml': dbus.Double(left), 'volume_right_ml': dbus.Double(right)}
        live.update(extra)
        self.mock.EmitProgress(dbus.ObjectPath(SENSOR_PATH),
                               dbus.Dictionary(live, signature='sv'))

    # ------------------------------------------------------------- watch

    def test_watch_live_line_in_place(self):
        self.mock.AddSensor(ADDRESS, 'Pump One', 'pump')
        watch = self.pty_client('watch', columns=100)
        watch.wait_for(lambda o: 'appeared' in o)
        self.mock.EmitSessionStarted(dbus.ObjectPath(SENSOR_PATH), dbus.UInt32(4))
        self.progress(65, 10.0, 12.0)
        first = CLEAR_LINE + '● 1:05  expression   L ███▍        10.0 mL  R ████        12.0 mL'
        watch.wait_for(lambda o: first in o, what='the first live line')
        self.progress(66, 10.5, 12.5)
        second = CLEAR_LINE + '● 1:06  expression   L ███▌        10.5 mL  R ████▏       12.5 mL'
        out = watch.wait_for(lambda o: second in o, what='the live line redrawn')
        # Redrawn in place: no line feed between the two states, and no
        # "progress ..." line as on a pipe.
        self.assertNotIn('\n', out[out.index(first):out.index(second)])
        self.assertNotIn('progress C0:FF:EE:00:00:01', out)

        # An event goes above the live line, which is drawn again below it.
        self.mock.EmitReminderDue('night', dbus.Int64(1700000000), 'Night session due')
        out = watch.wait_for(lambda o: re.search(
            r'\r\x1b\[K\d\d:\d\d:\d\d  reminder \(night\): Night session due\r?\n'
            r'\r\x1b\[K● 1:06  expression', o), what='the event above the live line')

        # The session ends: the line is wiped and the event printed.
        self.mock.EmitSessionEnded(dbus.ObjectPath(SENSOR_PATH), dbus.UInt32(4))
        out = watch.wait_for(lambda o: 'session 4 ended' in o)
        tail = out[out.rindex('● 1:06'):]
        self.assertRegex(tail, r'^● 1:06[^\n]*\r\x1b\[K\d\d:\d\d:\d\d  session 4 ended')
        self.assertEqual(watch.finish(), 0)

    def test_watch_narrow_terminal(self):
        self.mock.AddSensor(ADDRESS, 'Pump One', 'pump')
        watch = self.pty_client('watch', columns=30)
        watch.wait_for(lambda o: 'appeared' in o)
        self.progress(754, 32.0, 29.0, supplement_ml=dbus.Double(15.0))
        # At most 29 characters: a full-width line would wrap.
        watch.wait_for(lambda o: '● 12:34' in o)
        watch.wait_for(lambda o: len(o[o.rindex(CLEAR_LINE) + len(CLEAR_LINE):]) >= 29)
        out = watch.output
        line = out[out.rindex(CLEAR_LINE) + len(CLEAR_LINE):]
        self.assertEqual(line, '● 12:34  expression   L █████')
        self.assertEqual(watch.finish(), 0)

    def test_watch_machine_outputs_unchanged_on_a_terminal(self):
        self.mock.AddSensor(ADDRESS, 'Pump One', 'pump')
        as_json = self.pty_client('watch', '--json')
        waybar = self.pty_client('watch', '--format=waybar')
        as_json.wait_for(lambda o: '"appeared"' in o)
        waybar.wait_for(lambda o: '"class"' in o)
        self.progress(65, 10.0, 12.0)
        out = as_json.wait_for(lambda o: '"progress"' in o)
        bar = waybar.wait_for(lambda o: '"session"' in o)
        for text in (out, bar):
            self.assertNotIn('\x1b', text)
            self.assertNotIn('●', text)
            # The tty turns \n into \r\n; nothing else is there.
            for line in text.replace('\r\n', '\n').splitlines():
                json.loads(line)
        self.assertEqual(as_json.finish(), 0)
        self.assertEqual(waybar.finish(), 0)

    def test_watch_on_a_pipe_unchanged(self):
        self.mock.AddSensor(ADDRESS, 'Pump One', 'pump')
        process = subprocess.Popen([program('LACTCTL'), 'watch'], stdout=subprocess.PIPE,
                                   text=True)
        try:
            self.assertIn('appeared', process.stdout.readline())
            self.progress(65, 10.0, 12.0)
            line = process.stdout.readline()
            self.assertRegex(line, r'^\d\d:\d\d:\d\d  progress C0:FF:EE:00:00:01: 1:05 '
                                   r'elapsed, expression, side both, left 10.0 mL, '
                                   r'right 12.0 mL\n$')
        finally:
            process.send_signal(signal.SIGINT)
            self.assertEqual(process.wait(timeout=15), 0)
            process.stdout.close()

    # ----------------------------------------------------------- summary

    def add_days(self):
        self.mock.AddSensor(ADDRESS, 'Pump One', 'pump')
        midnight = int(time.mktime(time.localtime()[:3] + (0, 0, 0, 0, 0, -1)))
        # Today's first seconds: the same local day whenever the test runs.
        for seq in range(1, 11):
            self.mock.AddSensorSession(dbus.ObjectPath(SENSOR_PATH), dbus.UInt32(seq),
                                       dbus.Dictionary({'kind': dbus.String('pump'),
                                                        'start': dbus.Int64(midnight + seq)},
                                                       signature='sv'))

    def test_summary_chart_on_a_terminal(self):
        self.add_days()
        summary = self.pty_client('summary', '--days', '2')
        self.assertEqual(summary.finish(interrupt=False), 0)
        lines = summary.output.replace('\r\n', '\n').splitlines()
        self.assertEqual(len(lines), 3, lines)
        self.assertRegex(lines[0], r'^DAY +SESSIONS +NIGHT +LEFT +RIGHT +EXPRESSED +'
                                   r'SUPPLEMENT  SESSIONS vs GOAL 8$')
        # One scale for every row: 10 sessions against the goal of 8.
        self.assertTrue(lines[2].endswith('  ████████│██'), lines[2])
        self.assertRegex(lines[1], r'  0 .*  +│$')

    def test_summary_unchanged_on_a_pipe_and_in_json(self):
        self.add_days()
        piped = lactctl('summary', '--days', '2')
        self.assertEqual(piped.returncode, 0, piped.stderr)
        lines = piped.stdout.splitlines()
        self.assertRegex(lines[0], r'^DAY +SESSIONS +NIGHT +LEFT +RIGHT +EXPRESSED +'
                                   r'SUPPLEMENT$')
        self.assertNotIn('│', piped.stdout)
        as_json = self.pty_client('summary', '--days', '2', '--json')
        self.assertEqual(as_json.finish(interrupt=False), 0)
        days = json.loads(as_json.output)
        self.assertEqual([d['sessions'] for d in days], [0, 10])


if __name__ == '__main__':
    unittest.main(verbosity=2)
