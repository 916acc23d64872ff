#!/usr/bin/python3
'''lactctl against the dbusmock template of lactd's API (tests/dbusmock):
machine outputs parsed and checked, human output, the error paths and exit
codes of cli.md, watch and its waybar output.

SPDX-License-Identifier: GPL-3.0-or-later
'''

import csv
import datetime
import io
import json
import os
import subprocess
import sys
import time
import unittest

import dbus
import dbusmock

from clients_helpers import (COMMANDS, GOAL_KEYS, MOCK_TEMPLATE,
                             PROGRESS_KEYS, SENSOR_PROPERTIES, SESSION_KEYS,
                             SOURCE_ROOT, SUMMARY_KEYS, Client, lactctl,
                             program)

ADDRESS = 'C0:FF:EE:00:00:01'
SENSOR_PATH = '/org/lactd/sensor/C0_FF_EE_00_00_01'


def clock_text(unix_time):
    """How lactctl shows a due time: the clock alone when it falls on
    today's local date, else the date too (so the tests hold at any time
    of day, a reminder after midnight included)."""
    due = datetime.datetime.fromtimestamp(unix_time)
    if due.date() == datetime.date.today():
        return due.strftime('%H:%M')
    return due.strftime('%Y-%m-%d %H:%M')


class LactctlMockTest(dbusmock.DBusTestCase):

    @classmethod
    def setUpClass(cls):
        cls.start_session_bus()
        cls.dbus_con = cls.get_dbus(system_bus=False)

    def setUp(self):
        self.p_mock, self.obj = self.spawn_server_template(
            MOCK_TEMPLATE, {}, stdout=subprocess.DEVNULL)
        self.mock = dbus.Interface(self.obj, 'org.lactd.Mock')
        self.clients = []

    def tearDown(self):
        for client in self.clients:
            client.close()
        if self.p_mock.poll() is None:
            self.p_mock.terminate()
        self.p_mock.wait()

    # ----------------------------------------------------------- helpers

    def run_ok(self, *args):
        result = lactctl(*args)
        self.assertEqual(result.returncode, 0,
                         f'lactctl {" ".join(args)}: {result.stderr}')
        self.assertEqual(result.stderr.strip(), '', result.stderr)
        return result.stdout

    def run_json(self, *args):
        return json.loads(self.run_ok(*args))

    def assert_fails(self, code, args, stderr_regex=None):
        result = lactctl(*args)
        self.assertEqual(result.returncode, code,
                         f'lactctl {" ".join(args)}: {result.stdout}{result.stderr}')
        if stderr_regex is not None:
            self.assertRegex(result.stderr, stderr_regex)
        return result

    def add_sensor_session(self, seq, start, **values):
        session = {'kind': dbus.String('pump'), 'start': dbus.Int64(start)}
        for key, value in values.items():
            session[key] = value
        return int(self.mock.AddSensorSession(
            dbus.ObjectPath(SENSOR_PATH), dbus.UInt32(seq),
            dbus.Dictionary(session, signature='sv')))

    def watch(self, *args):
        client = Client([program('LACTCTL'), 'watch'] + list(args))
        self.clients.append(client)
        return client

    # ---------------------------------------------------- status, sensors

    def test_status_json(self):
        self.mock.AddSensor(ADDRESS, 'Pump One', 'pump')
        status = self.run_json('status', '--json')
        self.assertEqual(status['bluetooth'], 'ready')
        self.assertEqual(len(status['sensors']), 1)
        sensor = status['sensors'][0]
        self.assertEqual(sorted(sensor), sorted(SENSOR_PROPERTIES))
        self.assertEqual(sensor['Address'], ADDRESS)
        self.assertEqual(sensor['Name'], 'Pump One')
        self.assertEqual(sensor['Kind'], 'pump')
        self.assertIs(sensor['Connected'], True)
        self.assertEqual(sensor['Battery'], 255)
        self.assertEqual(sensor['SyncState'], 'idle')
        self.assertEqual(sensor['Live'], {})
        self.assertEqual(sorted(status['progress']), sorted(PROGRESS_KEYS))
        self.assertEqual(status['progress']['target'], 8)
        self.assertEqual(sorted(status['goal']), sorted(GOAL_KEYS))
        self.assertEqual(status['goal']['night_start'], '01:00')
        self.assertIs(status['goal']['reminders'], True)
        self.assertEqual(status['next_due'], 0)
        self.assertEqual(status['store_recovery'], '')

    def test_status_store_recovery(self):
        note = ('On 2026-03-01 the database /h/lactd.db was found damaged and '
                'moved aside to /h/lactd.db.corrupt-20260301T071500Z; 2871 '
                'sessions were salvaged from it into a new database.')
        self.assertNotIn('Database:', self.run_ok('status'))
        self.obj.Set('org.lactd.Manager1', 'StoreRecovery', note,
                     dbus_interface='org.freedesktop.DBus.Properties')
        self.assertIn('\nDatabase:      %s\n' % note, self.run_ok('status'))
        self.assertEqual(self.run_json('status', '--json')['store_recovery'], note)

    def test_status_human(self):
        self.mock.AddSensor(ADDRESS, 'Pump One', 'pump')
        start = int(time.time()) - 3600
        self.add_sensor_session(1, start, duration_left=dbus.UInt32(600),
                                volume_left_ml=dbus.Double(40.0))
        # Bare `lactctl` is `lactctl status`.
        for out in (self.run_ok(), self.run_ok('status')):
            self.assertIn('lactd 0.1.0', out)
            self.assertRegex(out, r'Bluetooth:\s+ready')
            self.assertIn('Pump One (C0:FF:EE:00:00:01)', out)
            self.assertRegex(out, r'Last 24 h:\s+1 of 8 sessions')
            self.assertIn('expressed 40.0 mL', out)
            self.assertRegex(out, r'Next due:\s+\S')

    def test_status_live(self):
        self.mock.AddSensor(ADDRESS, 'Pump One', 'pump')
        self.mock.EmitProgress(dbus.ObjectPath(SENSOR_PATH), dbus.Dictionary({
            'seq': dbus.UInt32(3), 'elapsed': dbus.UInt32(125),
            'side': 'left', 'phase': 'expression', 'active': True,
            'volume_left_ml': dbus.Double(12.5)}, signature='sv'))
        out = self.run_ok('status')
        self.assertRegex(out, r'Live session:\s+Pump One.*2:05 elapsed, expression')
        self.assertIn('left 12.5 mL', out)
        status = self.run_json('status', '--json')
        self.assertEqual(status['sensors'][0]['Live']['elapsed'], 125)
        self.assertEqual(status['sensors'][0]['Live']['volume_left_ml'], 12.5)

    def test_sensors(self):
        out = self.run_ok('sensors')
        self.assertIn('No sensors paired', out)
        self.assertEqual(self.run_json('sensors', '--json'), [])
        self.mock.AddSensor(ADDRESS, 'Pump One', 'pump')
        self.mock.AddSensor('C0:FF:EE:00:00:02', 'SNS', 'sns')
        self.mock.UpdateSensor(dbus.ObjectPath(SENSOR_PATH), dbus.Dictionary(
            {'Battery': dbus.Byte(42)}, signature='sv'))
        sensors = self.run_json('sensors', '--json')
        self.assertEqual([s['Address'] for s in sensors],
                         [ADDRESS, 'C0:FF:EE:00:00:02'])
        self.assertEqual(sensors[0]['Battery'], 42)
        self.assertEqual(sensors[1]['Kind'], 'sns')
        lines = self.run_ok('sensors').splitlines()
        self.assertRegex(lines[0], r'^ADDRESS\s+NAME\s+KIND\s+CONNECTED\s+BATTERY')
        self.assertRegex(lines[1], r'^C0:FF:EE:00:00:01\s+Pump One\s+pump\s+yes\s+42 %')
        self.assertIn('unknown', lines[2])
        # Aligned: each column starts at the same place in every row.
        for header, cell, row in (('NAME', 'Pump One', 1), ('NAME', 'SNS', 2),
                                  ('KIND', 'pump', 1), ('KIND', 'sns', 2)):
            self.assertEqual(lines[row].index(cell, 17), lines[0].index(header))

    # ------------------------------------------------------------ history

    def test_history_json_and_csv(self):
        self.mock.AddSensor(ADDRESS, 'Pump One', 'pump')
        now = int(time.time())
        first = self.add_sensor_session(
            7, now - 7200, duration_left=dbus.UInt32(900),
            duration_right=dbus.UInt32(840), volume_left_ml=dbus.Double(55.5),
            volume_right_ml=dbus.Double(48.0), utc_offset=dbus.Int32(60))
        second = self.add_sensor_session(
            8, now - 3600, kind=dbus.String('sns'),
            duration_left=dbus.UInt32(600), double=dbus.Boolean(True),
            duration_right=dbus.UInt32(600), supplement_ml=dbus.Double(30.0),
            utc_offset=dbus.Int32(-300))

        sessions = self.run_json('history', '--json')
        self.assertEqual([s['id'] for s in sessions], [first, second])
        s1, s2 = sessions
        self.assertEqual(list(s1), [k for k in SESSION_KEYS if k != 'supplement_ml'])
        self.assertEqual(s1['source'], 'sensor')
        self.assertEqual(s1['sensor'], ADDRESS)
        self.assertEqual(s1['seq'], 7)
        self.assertEqual(s1['start'], now - 7200)
        self.assertEqual(s1['end'], now - 7200 + 1740)
        self.assertEqual(s1['utc_offset'], 60)
        self.assertEqual(s1['volume_left_ml'], 55.5)
        self.assertEqual(s1['volume_right_ml'], 48.0)
        self.assertNotIn('supplement_ml', s1)
        self.assertIs(s1['double'], False)
        self.assertNotIn('volume_left_ml', s2)
        self.assertEqual(s2['supplement_ml'], 30.0)
        self.assertIs(s2['double'], True)
        self.assertEqual(s2['end'], now - 3600 + 600)
        self.assertEqual(s2['kind'], 'sns')

        text = self.run_ok('history', '--csv')
        self.assertIn('\r\n', text)
        rows = list(csv.reader(io.StringIO(text, newline='')))
        self.assertEqual(rows[0], SESSION_KEYS)
        records = list(csv.DictReader(io.StringIO(text, newline='')))
        self.assertEqual(len(records), 2)
        r1, r2 = records
        self.assertEqual(int(r1['id']), first)
        start = datetime.datetime.fromisoformat(r1['start'])
        self.assertEqual(int(start.timestamp()), now - 7200)
        self.assertEqual(start.utcoffset(), datetime.timedelta(minutes=60))
        end = datetime.datetime.fromisoformat(r2['end'])
        self.assertEqual(int(end.timestamp()), now - 3000)
        self.assertEqual(end.utcoffset(), datetime.timedelta(minutes=-300))
        self.assertEqual(r1['utc_offset'], '60')
        self.assertEqual(float(r1['volume_left_ml']), 55.5)
        self.assertEqual(r1['supplement_ml'], '')
        self.assertEqual(r2['volume_left_ml'], '')
        self.assertEqual(r2['volume_right_ml'], '')
        self.assertEqual(float(r2['supplement_ml']), 30.0)
        self.assertEqual(r1['double'], 'false')
        self.assertEqual(r2['double'], 'true')
        self.assertEqual(r1['interrupted'], 'false')
        self.assertEqual(r1['sensor'], ADDRESS)

        out = self.run_ok('history')
        self.assertRegex(out.splitlines()[0], r'ID\s+START\s+KIND\s+LEFT\s+RIGHT')
        self.assertIn('15 min 00 s, 55.5 mL', out)
        self.assertIn('30.0 mL', out)

    def test_history_range(self):
        self.mock.AddSensor(ADDRESS, 'Pump One', 'pump')
        jan = int(datetime.datetime(2024, 1, 10, 12, 0).astimezone().timestamp())
        self.add_sensor_session(1, jan)
        self.add_sensor_session(2, jan + 86400)
        # Default: the last 7 days only.
        self.assertEqual(self.run_json('history', '--json'), [])
        got = self.run_json('history', '--json', '--from', '2024-01-10',
                            '--to', '2024-01-11')
        self.assertEqual([s['seq'] for s in got], [1])
        # --to alone: the 7 days before it.
        got = self.run_json('history', '--json', '--to', '2024-01-11')
        self.assertEqual([s['seq'] for s in got], [1])
        self.assertEqual(self.run_json('history', '--json', '--to', '2024-01-03'), [])
        got = self.run_json('history', '--json', '--from', '2024-01-10T12:00',
                            '--to', '2024-01-11T12:00:01')
        self.assertEqual([s['seq'] for s in got], [1, 2])
        utc = datetime.datetime.fromtimestamp(jan + 1, datetime.timezone.utc)
        got = self.run_json('history', '--json', '--from',
                            utc.strftime('%Y-%m-%dT%H:%M:%SZ'), '--to', '2024-02-01')
        self.assertEqual([s['seq'] for s in got], [2])
        # Empty CSV is still a header row.
        text = self.run_ok('history', '--csv')
        self.assertEqual(text, ','.join(SESSION_KEYS) + '\r\n')

    def test_csv_quoting(self):
        # A sensor address never needs quoting; a kind never either, so
        # check the quoting rule through a name-free path: the header and
        # every field are bare, and csv round-trips them.
        self.mock.AddSensor(ADDRESS, 'Pump, "One"', 'pump')
        self.add_sensor_session(1, int(time.time()) - 60)
        text = self.run_ok('history', '--csv')
        for line in text.split('\r\n')[:-1]:
            self.assertEqual(len(next(csv.reader([line]))), len(SESSION_KEYS))

    # ------------------------------------------------------ summary, add

    def test_summary_json(self):
        now = int(time.time())
        self.run_ok('add', '--kind', 'hand', '--left', '10', '--right', '5m',
                    '--volume-left', '20', '--volume-right', '12.5 mL',
                    '--supplement', '5')
        days = self.run_json('summary', '--json')
        self.assertEqual(len(days), 7)
        today = datetime.date.today()
        self.assertEqual(days[-1]['day'], today.isoformat())
        self.assertEqual(days[0]['day'],
                         (today - datetime.timedelta(days=6)).isoformat())
        for day in days:
            self.assertEqual(sorted(day), sorted(SUMMARY_KEYS))
        if datetime.datetime.fromtimestamp(now - 900).date() == today:
            self.assertEqual(days[-1]['sessions'], 1)
            self.assertEqual(days[-1]['seconds_left'], 600)
            self.assertEqual(days[-1]['seconds_right'], 300)
            self.assertEqual(days[-1]['expressed_ml'], 32.5)
            self.assertEqual(days[-1]['supplement_ml'], 5.0)
        self.assertEqual(len(self.run_json('summary', '--days', '30', '--json')), 30)
        out = self.run_ok('summary', '--days', '2')
        lines = out.splitlines()
        self.assertEqual(len(lines), 3)
        self.assertRegex(lines[0], r'^DAY\s+SESSIONS\s+NIGHT\s+LEFT\s+RIGHT\s+EXPRESSED\s+SUPPLEMENT$')
        self.assertTrue(lines[2].startswith(today.isoformat()))
        self.assertIn('mL', lines[2])

    def test_add_and_delete(self):
        out = self.run_ok('add', '--kind', 'breastfeed', '--start',
                          '2024-03-01T08:30:00+01:00', '--left', '12:30',
                          '--right', '1h5m')
        self.assertRegex(out, r'^Added session (\d+)\.$')
        session_id = int(out.split()[2].rstrip('.'))
        got = self.run_json('history', '--json', '--from', '2024-03-01',
                            '--to', '2024-03-02')
        self.assertEqual(len(got), 1)
        s = got[0]
        self.assertEqual(s['id'], session_id)
        self.assertEqual(s['source'], 'manual')
        self.assertEqual(s['kind'], 'breastfeed')
        self.assertEqual(s['start'], 1709278200)
        self.assertEqual(s['utc_offset'], 60)
        self.assertEqual(s['duration_left'], 750)
        self.assertEqual(s['duration_right'], 3900)
        for key in ('volume_left_ml', 'volume_right_ml', 'supplement_ml'):
            self.assertNotIn(key, s)
        self.assertEqual(self.run_ok('delete', str(session_id)),
                         f'Deleted session {session_id}.\n')
        self.assertEqual(self.run_json('history', '--json', '--from',
                                       '2024-03-01', '--to', '2024-03-02'), [])
        self.assert_fails(1, ['delete', str(session_id)],
                          r'^lactctl: delete: org\.lactd\.Error\.NotFound: .+\n$')

    def test_add_double_default_start(self):
        before = int(time.time())
        self.run_ok('add', '-k', 'pump', '--double', '-l', '20', '-r', '15')
        s = self.run_json('history', '--json')[-1]
        self.assertIs(s['double'], True)
        # The default start: the session just ended.
        self.assertAlmostEqual(s['start'], before - 1200, delta=5)
        self.assertAlmostEqual(s['end'], before, delta=5)

    # ---------------------------------------------------- goal, reminders

    def test_goal(self):
        goal = self.run_json('goal', '--json')
        self.assertEqual(goal['sessions_per_day'], 8)
        goal = self.run_json('goal', 'sessions_per_day=10', 'night_start=00:30',
                             'reminders=off', '--json')
        self.assertEqual(goal['sessions_per_day'], 10)
        self.assertEqual(goal['night_start'], '00:30')
        self.assertIs(goal['reminders'], False)
        out = self.run_ok('goal')
        self.assertRegex(out, r'Sessions per day\s+10\s')
        self.assertRegex(out, r'Reminders\s+off\s')
        self.assert_fails(1, ['goal', 'sessions_per_day=99'],
                          r'^lactctl: goal: org\.lactd\.Error\.InvalidArgs: .*sessions_per_day.*\n$')
        self.assert_fails(1, ['goal', 'night_end=25:00'],
                          r'org\.lactd\.Error\.InvalidArgs')
        self.assertEqual(self.run_json('goal', '--json')['sessions_per_day'], 10)

    def test_snooze_dismiss(self):
        self.assert_fails(1, ['snooze', '15'],
                          r'^lactctl: snooze: org\.lactd\.Error\.NotFound: no reminder is pending\n$')
        self.run_ok('add', '--kind', 'hand', '--start',
                    datetime.datetime.now().replace(microsecond=0).isoformat())
        due = self.run_json('status', '--json')['next_due']
        self.assertAlmostEqual(due, int(time.time()) + 3 * 3600, delta=10)
        self.mock.EmitReminderDue('session', dbus.Int64(int(time.time())), 'Time to pump')
        self.assertEqual(self.run_ok('snooze', '15'), 'Reminder snoozed for 15 min.\n')
        due = self.run_json('status', '--json')['next_due']
        self.assertAlmostEqual(due, int(time.time()) + 900, delta=10)
        out = self.run_ok('status')
        self.assertRegex(out, r'Next due:\s+%s \(in 1[45] min\)' % clock_text(due))
        self.assert_fails(1, ['snooze', '500'], r'org\.lactd\.Error\.InvalidArgs')
        self.run_ok('dismiss')
        self.assertEqual(self.run_json('status', '--json')['next_due'], 0)
        self.assertRegex(self.run_ok('status'), r'Next due:\s+none')
        # With nothing pending, dismiss does nothing and succeeds.
        self.run_ok('dismiss')

    # ------------------------------------------- discover, pair, forget, sync

    def test_discover_pair_forget(self):
        self.mock.AddDiscoverable(ADDRESS, 'LSP Pump', 'pump', dbus.Int16(-61),
                                  dbus.UInt32(123456))
        found = self.run_json('discover', '--timeout', '1', '--json')
        self.assertEqual(found, [{'address': ADDRESS, 'name': 'LSP Pump',
                                  'kind': 'unknown',
                                  'device': '/org/bluez/hci0/dev_C0_FF_EE_00_00_01',
                                  'rssi': -61}])
        result = lactctl('discover', '-t', '1')
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertRegex(result.stdout, r'C0:FF:EE:00:00:01\s+LSP Pump\s+unknown\s+-61 dBm')
        self.assert_fails(2, ['discover', '--timeout', '0'], r"Try 'lactctl discover --help'")

        out = self.run_ok('pair', ADDRESS.lower())
        self.assertIn('Passkey for C0:FF:EE:00:00:01: 123456', out)
        self.assertIn(f'Paired: {SENSOR_PATH}', out)
        self.assertEqual([s['Address'] for s in self.run_json('sensors', '--json')],
                         [ADDRESS])
        self.assertEqual(self.run_ok('sync'), f'Synced {ADDRESS}.\n')
        self.assertEqual(self.run_ok('sync', ADDRESS), f'Synced {ADDRESS}.\n')
        self.run_ok('forget', ADDRESS)
        self.assertEqual(self.run_json('sensors', '--json'), [])
        self.assert_fails(1, ['forget', ADDRESS],
                          r'^lactctl: forget: org\.lactd\.Error\.NotFound: .+\n$')
        self.assert_fails(1, ['pair', 'C0:FF:EE:00:00:09'],
                          r'^lactctl: pair: org\.lactd\.Error\.PairingFailed: .+\n$')
        self.assert_fails(1, ['pair', 'nonsense'],
                          r'^lactctl: pair: org\.lactd\.Error\.InvalidArgs: .+\n$')
        self.assert_fails(1, ['sync'], r'no sensor is paired')

    def test_no_adapter(self):
        self.mock.SetBluetoothState('no-adapter')
        self.assertEqual(self.run_json('status', '--json')['bluetooth'], 'no-adapter')
        self.assert_fails(1, ['discover', '-t', '1'],
                          r'^lactctl: discover: org\.lactd\.Error\.NoAdapter: .+\n$')
        self.assert_fails(1, ['pair', ADDRESS],
                          r'^lactctl: pair: org\.lactd\.Error\.NoAdapter: .+\n$')

    # --------------------------------------------------------- error paths

    def test_injected_errors(self):
        self.mock.AddSensor(ADDRESS, 'Pump One', 'pump')
        cases = [
            ('ListSessions', ['history'], 'history'),
            ('ListSessions', ['history', '--json'], 'history'),
            ('DailySummary', ['summary'], 'summary'),
            ('AddSession', ['add', '--kind', 'hand'], 'add'),
            ('SetGoal', ['goal', 'reminders=true'], 'goal'),
            ('Dismiss', ['dismiss'], 'dismiss'),
            ('Discover', ['discover', '-t', '1'], 'discover'),
            ('Sync', ['sync'], f'sync {ADDRESS}'),
        ]
        for method, args, what in cases:
            with self.subTest(method=method, args=args):
                self.mock.SetError(method, 'org.lactd.Error.Storage',
                                   f'the disk is full\nduring {method}')
                result = self.assert_fails(1, args)
                self.assertEqual(result.stderr,
                                 f'lactctl: {what}: org.lactd.Error.Storage: '
                                 f'the disk is full during {method}\n')
        self.mock.SetError('Sync', 'org.lactd.Error.NotConnected', 'the sensor is away')
        self.assert_fails(1, ['sync', ADDRESS],
                          r'^lactctl: sync C0:FF:EE:00:00:01: org\.lactd\.Error\.NotConnected: '
                          r'the sensor is away\n$')
        # A sensor that is not paired: the object does not exist.
        self.assert_fails(1, ['sync', 'C0:FF:EE:00:00:0A'], r'^lactctl: sync')

    def test_usage_errors(self):
        cases = [
            (['bogus'], r"unknown command 'bogus'\nTry 'lactctl --help'\n$"),
            (['history', '--from', 'yesterday-ish'], r"Try 'lactctl history --help'\n$"),
            (['history', '--from', '2024-02-30'], r"--from: '2024-02-30' is not a time"),
            (['history', '--json', '--csv'], r'exclude'),
            (['history', '--bogus'], r"Try 'lactctl history --help'"),
            (['history', '--from', '2024-02-02', '--to', '2024-02-01'], r'--to must be after'),
            (['summary', '--days', '0'], r"Try 'lactctl summary --help'"),
            (['summary', '--days', 'x'], r"Try 'lactctl summary --help'"),
            (['add'], r'--kind is required'),
            (['add', '--kind', 'bottle'], r'--kind must be'),
            (['add', '--kind', 'pump', '--left', 'soon'], r'--left: .* not a duration'),
            (['add', '--kind', 'pump', '--volume-left', 'lots'], r'not a volume'),
            (['add', '--kind', 'pump', '--start', 'at noon'], r'--start'),
            (['delete'], r'missing ID'),
            (['delete', 'abc'], r"'abc' is not a session ID"),
            (['delete', '-5'], r"Try 'lactctl delete --help'"),
            (['snooze'], r'missing MINUTES'),
            (['snooze', 'ten'], r'not a number of minutes'),
            (['goal', 'colour=blue'], r"unknown goal key 'colour'"),
            (['goal', 'sessions_per_day'], r'is not KEY=VALUE'),
            (['goal', 'reminders=maybe'], r'true or false'),
            (['pair'], r'missing ADDRESS'),
            (['forget', 'not-an-address'], r'is not a Bluetooth address'),
            (['sync', 'a', 'b'], r'at most one ADDRESS'),
            (['watch', '--format', 'xml'], r'--format must be'),
            (['status', 'extra'], r"unexpected argument 'extra'"),
            (['version', 'extra'], r"Try 'lactctl version --help'"),
        ]
        for args, regex in cases:
            with self.subTest(args=args):
                result = self.assert_fails(2, args, regex)
                self.assertEqual(result.stdout, '')
                self.assertIn('Try ', result.stderr)

    def test_help_everywhere(self):
        out = self.run_ok('--help')
        for command in COMMANDS:
            self.assertRegex(out, rf'\n  {command}\s+\S')
            with self.subTest(command=command):
                result = lactctl(command, '--help')
                self.assertEqual(result.returncode, 0, result.stderr)
                self.assertIn(f'lactctl {command}', result.stdout)
                self.assertIn('--help', result.stdout)

    def test_version(self):
        self.assertEqual(self.run_ok('version'), 'lactctl 0.1.0\nlactd 0.1.0\n')
        self.assertEqual(self.run_ok('--version'), 'lactctl 0.1.0\nlactd 0.1.0\n')

    def test_no_daemon(self):
        self.p_mock.terminate()
        self.p_mock.wait()
        for args in (['status'], ['history', '--json'], ['snooze', '5'],
                     ['version'], ['goal']):
            with self.subTest(args=args):
                result = self.assert_fails(
                    3, args, r'^lactctl: cannot reach lactd: '
                             r'org\.freedesktop\.DBus\.Error\.ServiceUnknown: .*; '
                             r'start it with `systemctl --user start lactd` or run `lactd`\n$')
        env = dict(os.environ, DBUS_SESSION_BUS_ADDRESS='unix:path=/nonexistent/bus')
        result = lactctl('status', env=env)
        self.assertEqual(result.returncode, 3, result.stderr)
        self.assertRegex(result.stderr, r'^lactctl: cannot reach lactd: no session bus')

    # ------------------------------------------------------------- watch

    def test_watch_text_and_json(self):
        self.mock.AddSensor(ADDRESS, 'Pump One', 'pump')
        text = self.watch()
        json_client = self.watch('--json')
        text.stdout.wait_for(lambda l: '+++ lactd 0.1.0 appeared' in l)
        first = json.loads(json_client.stdout.wait_for(lambda l: True))
        self.assertEqual(first['event'], 'appeared')
        self.assertEqual(first['bluetooth'], 'ready')

        self.mock.EmitSessionStarted(dbus.ObjectPath(SENSOR_PATH), dbus.UInt32(4))
        self.mock.EmitProgress(dbus.ObjectPath(SENSOR_PATH), dbus.Dictionary({
            'seq': dbus.UInt32(4), 'elapsed': dbus.UInt32(65), 'side': 'both',
            'phase': 'expression', 'active': True,
            'volume_left_ml': dbus.Double(10.0)}, signature='sv'))
        text.stdout.wait_for(lambda l: 'session 4 started on C0:FF:EE:00:00:01' in l)
        text.stdout.wait_for(lambda l: 'progress C0:FF:EE:00:00:01: 1:05 elapsed, expression' in l)
        events = []
        while not any(e['event'] == 'progress' for e in events):
            events.append(json.loads(json_client.stdout.wait_for(lambda l: True)))
        progress = events[-1]
        self.assertEqual(progress['sensor'], SENSOR_PATH)
        self.assertEqual(progress['address'], ADDRESS)
        self.assertEqual(progress['live']['elapsed'], 65)
        self.assertEqual(progress['live']['volume_left_ml'], 10.0)
        self.assertIn('session-started', [e['event'] for e in events])

        self.mock.EmitReminderDue('night', dbus.Int64(1700000000), 'Night session due')
        line = json_client.stdout.wait_for(lambda l: '"reminder-due"' in l)
        self.assertEqual(json.loads(line)['kind'], 'night')
        self.assertEqual(json.loads(line)['due'], 1700000000)
        text.stdout.wait_for(lambda l: 'reminder (night): Night session due' in l)

        self.mock.UpdateSensor(dbus.ObjectPath(SENSOR_PATH), dbus.Dictionary(
            {'Connected': False, 'Battery': dbus.Byte(9)}, signature='sv'))
        text.stdout.wait_for(lambda l: 'sensor C0:FF:EE:00:00:01, disconnected, battery 9 %' in l)
        line = json_client.stdout.wait_for(lambda l: '"event":"sensor"' in l)
        self.assertEqual(json.loads(line)['changed'], {'Connected': False, 'Battery': 9})

        # A sensor paired while watching is followed too.
        second = self.mock.AddSensor('C0:FF:EE:00:00:02', 'SNS', 'sns')
        text.stdout.wait_for(lambda l: 'sensor C0:FF:EE:00:00:02 added' in l)
        line = json_client.stdout.wait_for(lambda l: '"sensor-added"' in l)
        self.assertEqual(json.loads(line)['properties']['Kind'], 'sns')
        self.mock.UpdateSensor(second, dbus.Dictionary(
            {'SyncState': 'syncing'}, signature='sv'))
        text.stdout.wait_for(lambda l: 'sensor C0:FF:EE:00:00:02, sync syncing' in l)
        self.mock.RemoveSensor(second)
        text.stdout.wait_for(lambda l: 'sensor C0:FF:EE:00:00:02 removed' in l)

        self.run_ok('add', '--kind', 'hand', '--left', '5')
        line = json_client.stdout.wait_for(lambda l: '"session-added"' in l)
        self.assertEqual(json.loads(line)['session']['kind'], 'hand')
        text.stdout.wait_for(lambda l: 'stored: hand' in l)

        # Follows the daemon vanishing and coming back.
        self.p_mock.terminate()
        self.p_mock.wait()
        text.stdout.wait_for(lambda l: '--- lactd vanished' in l)
        json_client.stdout.wait_for(lambda l: '"vanished"' in l)
        self.p_mock, self.obj = self.spawn_server_template(
            MOCK_TEMPLATE, {'Version': '0.2.0'}, stdout=subprocess.DEVNULL)
        text.stdout.wait_for(lambda l: '+++ lactd' in l and 'appeared' in l)
        json_client.stdout.wait_for(lambda l: '"appeared"' in l)
        self.assertEqual(text.interrupt(), 0)
        self.assertEqual(json_client.interrupt(), 0)

    def test_watch_waybar(self):
        self.mock.AddSensor(ADDRESS, 'Pump One', 'pump')
        bar = self.watch('--format=waybar')
        line = json.loads(bar.stdout.wait_for(lambda l: True))
        self.assertEqual(sorted(line), ['class', 'percentage', 'text', 'tooltip'])
        self.assertEqual(line['class'], 'ok')
        self.assertEqual(line['text'], '0/8')
        self.assertEqual(line['percentage'], 0)
        self.assertIn('Last 24 h: 0 of 8 sessions', line['tooltip'])

        self.add_sensor_session(1, int(time.time()) - 600, duration_left=dbus.UInt32(300))
        self.add_sensor_session(2, int(time.time()) - 300, duration_left=dbus.UInt32(60))
        line = json.loads(bar.stdout.wait_for(lambda l: '"2/8' in l))
        self.assertEqual(line['percentage'], 25)
        due = self.run_json('status', '--json')['next_due']
        self.assertEqual(line['text'], '2/8 next ' + clock_text(due))
        self.assertEqual(line['class'], 'ok')

        self.mock.EmitReminderDue('session', dbus.Int64(int(time.time())), 'Time to pump')
        line = json.loads(bar.stdout.wait_for(lambda l: 'overdue' in l))
        self.assertEqual(line['class'], 'overdue')
        self.assertIn('(overdue)', line['tooltip'])

        self.run_ok('dismiss')
        line = json.loads(bar.stdout.wait_for(lambda l: '"class":"ok"' in l))
        self.assertEqual(line['text'], '2/8')

        self.mock.EmitSessionStarted(dbus.ObjectPath(SENSOR_PATH), dbus.UInt32(3))
        self.mock.EmitProgress(dbus.ObjectPath(SENSOR_PATH), dbus.Dictionary({
            'seq': dbus.UInt32(3), 'elapsed': dbus.UInt32(754), 'side': 'left',
            'phase': 'expression', 'active': True,
            'volume_left_ml': dbus.Double(20.5),
            'volume_right_ml': dbus.Double(4.0)}, signature='sv'))
        line = json.loads(bar.stdout.wait_for(lambda l: '12:34' in l))
        self.assertEqual(line['class'], 'session')
        self.assertEqual(line['text'], '12:34 24.5 mL')
        self.assertIn('Session running on C0:FF:EE:00:00:01', line['tooltip'])
        self.mock.EmitSessionEnded(dbus.ObjectPath(SENSOR_PATH), dbus.UInt32(3))
        line = json.loads(bar.stdout.wait_for(lambda l: '"class":"session"' not in l))
        self.assertNotEqual(line['class'], 'session')

        self.run_ok('goal', 'sessions_per_day=2')
        line = json.loads(bar.stdout.wait_for(lambda l: '"done"' in l))
        self.assertEqual(line['percentage'], 100)

        self.p_mock.terminate()
        self.p_mock.wait()
        line = json.loads(bar.stdout.wait_for(lambda l: 'offline' in l))
        self.assertEqual(line['text'], 'lactd off')
        self.assertEqual(line['class'], 'offline')
        self.assertEqual(bar.interrupt(), 0)

    def test_examples(self):
        '''examples/: the Gio script and the busctl one-liner react to
        Progress and ReminderDue.'''
        self.mock.AddSensor(ADDRESS, 'Pump One', 'pump')
        script = Client(['/usr/bin/python3', os.path.join(SOURCE_ROOT, 'examples',
                                                          'lactd-monitor.py')])
        self.clients.append(script)
        script.stdout.wait_for(lambda l: l == 'lactd is running')
        monitor = Client(['busctl', '--user', 'monitor', '--json=short',
                          '--match', "type='signal',sender='org.lactd',"
                          "interface='org.lactd.Manager1',member='Progress'",
                          '--match', "type='signal',sender='org.lactd',"
                          "interface='org.lactd.Goals1',member='ReminderDue'"])
        self.clients.append(monitor)
        # busctl has no "ready" line: emit until it shows something.
        live = dbus.Dictionary({'seq': dbus.UInt32(2), 'elapsed': dbus.UInt32(61),
                                'side': 'right', 'phase': 'stimulation',
                                'active': True, 'volume_right_ml': dbus.Double(3.5)},
                               signature='sv')
        deadline = time.monotonic() + 15
        seen = []
        while not seen and time.monotonic() < deadline:
            self.mock.EmitProgress(dbus.ObjectPath(SENSOR_PATH), live)
            try:
                seen.append(monitor.stdout.wait_for(
                    lambda l: json.loads(l)['member'] == 'Progress', timeout=0.5))
            except AssertionError:
                pass
        self.assertTrue(seen, 'busctl monitor showed no Progress')
        self.assertEqual(json.loads(seen[0])['member'], 'Progress')
        self.mock.EmitReminderDue('session', dbus.Int64(1700000000), 'Time to pump')
        line = monitor.stdout.wait_for(lambda l: json.loads(l)['member'] == 'ReminderDue')
        self.assertEqual(json.loads(line)['payload']['data'][2], 'Time to pump')

        script.stdout.wait_for(
            lambda l: l == 'progress C0_FF_EE_00_00_01: 1:01 stimulation on right, 3.5 mL')
        script.stdout.wait_for(lambda l: l.startswith('reminder session (due ')
                               and l.endswith('): Time to pump'))

    def test_watch_without_daemon(self):
        self.p_mock.terminate()
        self.p_mock.wait()
        bar = self.watch('--format=waybar')
        line = json.loads(bar.stdout.wait_for(lambda l: True))
        self.assertEqual(line['class'], 'offline')
        self.p_mock, self.obj = self.spawn_server_template(
            MOCK_TEMPLATE, {}, stdout=subprocess.DEVNULL)
        line = json.loads(bar.stdout.wait_for(lambda l: True))
        self.assertNotEqual(line['class'], 'offline')
        # dbusmock owns the name a moment before its template has loaded,
        # so the first answer may lack properties; a change of the target
        # (never equal to the default 8) always refreshes the line.
        self.run_ok('goal', 'sessions_per_day=9')
        line = json.loads(bar.stdout.wait_for(lambda l: '"0/9"' in l))
        self.assertEqual(line['class'], 'ok')
        self.assertEqual(bar.interrupt(), 0)


if __name__ == '__main__':
    unittest.main(testRunner=unittest.TextTestRunner(stream=sys.stdout, verbosity=2))
