#!/usr/bin/python3
'''lactctl against the real daemon ($LACTD_BIN, on private buses through
tests/integration/lactd_testcase.py): every command, JSON and CSV parsed
and compared with what the API answers, and the errors of the Bluetooth
commands without BlueZ. The simulated sensor (--simulate) gives sensors,
sync and live sessions for watch.

SPDX-License-Identifier: GPL-3.0-or-later
'''

import csv
import datetime
import io
import json
import os
import signal
import sys
import time
import unittest

from lactd_testcase import GLib, LactdTestCase

from test_api import fill_store

from clients_helpers import (GOAL_KEYS, PROGRESS_KEYS, SENSOR_PROPERTIES,
                             SESSION_KEYS, SUMMARY_KEYS, Client, lactctl,
                             program)

SIM_ADDRESS = '5E:00:00:5E:00:01'
SIM_PATH = '/org/lactd/sensor/5E_00_00_5E_00_01'


class LactctlDaemonTest(LactdTestCase):

    def setUp(self):
        super().setUp()
        self.clients = []

    def tearDown(self):
        for client in self.clients:
            client.close()
        super().tearDown()

    # ----------------------------------------------------------- helpers

    def run_ok(self, *args):
        result = lactctl(*args)
        self.assertEqual(result.returncode, 0,
                         f'lactctl {" ".join(args)}: {result.stdout}{result.stderr}')
        self.assertEqual(result.stderr, '')
        return result.stdout

    def run_json(self, *args):
        return json.loads(self.run_ok(*args))

    def assert_fails(self, code, args, stderr_regex):
        result = lactctl(*args)
        self.assertEqual(result.returncode, code,
                         f'lactctl {" ".join(args)}: {result.stdout}{result.stderr}')
        self.assertRegex(result.stderr, stderr_regex)
        # One line on stderr.
        self.assertEqual(result.stderr.count('\n'), 1 if code != 2 else 2, result.stderr)
        return result

    def watch(self, *args):
        client = Client([program('LACTCTL'), 'watch'] + list(args))
        self.clients.append(client)
        return client

    def api_sessions(self, start, end=0):
        return self.call('History1', 'ListSessions', 'xx', start, end)

    # ------------------------------------------------------------- tests

    def test_no_daemon(self):
        result = lactctl('status')
        self.assertEqual(result.returncode, 3, result.stderr)
        self.assertRegex(result.stderr, r'^lactctl: cannot reach lactd: .*'
                         r'systemctl --user start lactd')
        result = lactctl('history', '--json')
        self.assertEqual(result.returncode, 3, result.stderr)

    def test_dbus_activation(self):
        '''With no daemon running, lactctl starts it through D-Bus
        activation; when activation fails it says how to start lactd.'''
        service = os.path.join(self.get_services_dir(), 'org.lactd.service')
        self.addCleanup(self.reload_bus_config)
        self.addCleanup(os.unlink, service)
        with open(service, 'w') as f:
            f.write('[D-BUS Service]\nName=org.lactd\n'
                    f'Exec=/nonexistent/lactd --db {self.db}\n')
        self.reload_bus_config()
        result = lactctl('status')
        self.assertEqual(result.returncode, 3, result.stderr)
        self.assertRegex(result.stderr, r'^lactctl: cannot reach lactd: '
                         r'org\.freedesktop\.DBus\.Error\.Spawn\.\w+: .*; '
                         r'start it with `systemctl --user start lactd` or run `lactd`\n$')

        with open(service, 'w') as f:
            f.write('[D-BUS Service]\nName=org.lactd\n'
                    f'Exec={program("LACTD_BIN")} --db {self.db}\n')
        self.reload_bus_config()
        self.assertFalse(self.name_has_owner('org.lactd'))
        try:
            status = self.run_json('status', '--json')
            self.assertEqual(status['bluetooth'], 'no-bluez')
            self.assertTrue(self.name_has_owner('org.lactd'))
        finally:
            self.stop_activated_daemon()

    def reload_bus_config(self):
        self.session_con.call_sync('org.freedesktop.DBus', '/org/freedesktop/DBus',
                                   'org.freedesktop.DBus', 'ReloadConfig', None, None,
                                   0, 10000, None)

    def stop_activated_daemon(self):
        if not self.name_has_owner('org.lactd'):
            return
        reply = self.session_con.call_sync(
            'org.freedesktop.DBus', '/org/freedesktop/DBus', 'org.freedesktop.DBus',
            'GetConnectionUnixProcessID', GLib.Variant('(s)', ('org.lactd',)),
            GLib.VariantType('(u)'), 0, 10000, None)
        os.kill(reply.unpack()[0], signal.SIGTERM)
        self.assert_eventually(lambda: not self.name_has_owner('org.lactd'), timeout=30)

    def test_status_sensors_version(self):
        self.start_daemon()
        status = self.run_json('status', '--json')
        self.assertEqual(status['bluetooth'], 'no-bluez')
        self.assertEqual(status['sensors'], [])
        self.assertEqual(sorted(status['progress']), sorted(PROGRESS_KEYS))
        self.assertEqual(status['progress']['target'], 8)
        self.assertEqual(status['goal'], {
            'sessions_per_day': 8, 'minutes_per_side': 15, 'max_gap_minutes': 180,
            'night_start': '01:00', 'night_end': '05:00', 'reminders': True})
        self.assertEqual(status['next_due'], 0)
        version = self.get_property('Manager1', 'Version')
        self.assertEqual(status['version'], version)

        out = self.run_ok('status')
        self.assertIn(f'lactd {version}', out)
        self.assertRegex(out, r'Bluetooth:\s+no-bluez')
        self.assertRegex(out, r'Next due:\s+none')
        self.assertEqual(self.run_json('sensors', '--json'), [])
        self.assertIn('No sensors paired', self.run_ok('sensors'))
        self.assertEqual(self.run_ok('version'), f'lactctl 0.1.0\nlactd {version}\n')

    def test_add_history_summary_delete(self):
        self.start_daemon()
        now = int(time.time())
        local_now = datetime.datetime.now().astimezone()
        start = (local_now - datetime.timedelta(hours=2)).replace(microsecond=0)
        out = self.run_ok('add', '--kind', 'pump', '--start', start.isoformat(),
                          '--left', '15', '--right', '14:30',
                          '--volume-left', '55.5', '--volume-right', '48')
        first = int(out.split()[2].rstrip('.'))
        out = self.run_ok('add', '--kind', 'sns', '--double', '--left', '10m',
                          '--right', '600s', '--supplement', '30')
        second = int(out.split()[2].rstrip('.'))
        self.run_ok('add', '--kind', 'hand', '--start', '2024-01-10T12:00+02:00',
                    '--left', '5')

        # JSON: the API's dictionaries, keys and values.
        sessions = self.run_json('history', '--json')
        api = self.api_sessions(now - 7 * 86400)
        self.assertEqual(sessions, api)
        self.assertEqual([s['id'] for s in sessions], [first, second])
        s1, s2 = sessions
        self.assertEqual([k for k in SESSION_KEYS if k in s1],
                         [k for k in SESSION_KEYS if k != 'supplement_ml'])
        self.assertEqual(s1['start'], int(start.timestamp()))
        self.assertEqual(s1['utc_offset'], int(start.utcoffset().total_seconds() // 60))
        self.assertEqual((s1['duration_left'], s1['duration_right']), (900, 870))
        self.assertEqual(s1['end'], s1['start'] + 1770)
        self.assertEqual((s1['volume_left_ml'], s1['volume_right_ml']), (55.5, 48.0))
        self.assertEqual(s1['source'], 'manual')
        self.assertEqual(s1['sensor'], '')
        self.assertIs(s2['double'], True)
        self.assertEqual(s2['end'], s2['start'] + 600)
        self.assertAlmostEqual(s2['end'], now, delta=10)
        self.assertEqual(s2['supplement_ml'], 30.0)
        self.assertNotIn('volume_left_ml', s2)

        old = self.run_json('history', '--json', '--from', '2024-01-10', '--to', '2024-01-11')
        self.assertEqual(len(old), 1)
        self.assertEqual(old[0]['start'], 1704880800)
        self.assertEqual(old[0]['utc_offset'], 120)

        # CSV: header in the contract's order, ISO times with the session's
        # offset, empty absent volumes, true/false.
        result = lactctl('history', '--csv')
        self.assertEqual(result.returncode, 0, result.stderr)
        rows = list(csv.reader(io.StringIO(result.stdout, newline='')))
        self.assertEqual(rows[0], SESSION_KEYS)
        self.assertTrue(result.stdout.endswith('\r\n'))
        records = list(csv.DictReader(io.StringIO(result.stdout, newline='')))
        self.assertEqual(len(records), 2)
        for record, session in zip(records, api):
            self.assertEqual(int(record['id']), session['id'])
            for key in ('start', 'end'):
                t = datetime.datetime.fromisoformat(record[key])
                self.assertEqual(int(t.timestamp()), session[key])
                self.assertEqual(t.utcoffset(),
                                 datetime.timedelta(minutes=session['utc_offset']))
            for key in ('volume_left_ml', 'volume_right_ml', 'supplement_ml'):
                if key in session:
                    self.assertEqual(float(record[key]), session[key])
                else:
                    self.assertEqual(record[key], '')
            for key in ('double', 'interrupted', 'clock_unsynced'):
                self.assertEqual(record[key], 'true' if session[key] else 'false')
            for key in ('seq', 'duration_left', 'duration_right', 'utc_offset'):
                self.assertEqual(int(record[key]), session[key])
        old_csv = lactctl('history', '--csv', '--from', '2024-01-10', '--to', '2024-01-11')
        record = next(csv.DictReader(io.StringIO(old_csv.stdout, newline='')))
        self.assertEqual(record['start'], '2024-01-10T12:00:00+02:00')

        out = self.run_ok('history')
        self.assertRegex(out, r'15 min 00 s, 55\.5 mL')
        self.assertIn('manual', out)

        # summary: DailySummary's entries.
        days = self.run_json('summary', '--json')
        today = datetime.date.today()
        first_day = (today - datetime.timedelta(days=6)).isoformat()
        self.assertEqual(days, self.call('History1', 'DailySummary', 'ss',
                                         first_day, today.isoformat()))
        self.assertEqual(len(days), 7)
        for day in days:
            self.assertEqual(sorted(day), sorted(SUMMARY_KEYS))
        self.assertEqual(sum(d['sessions'] for d in days), 2)
        self.assertAlmostEqual(sum(d['expressed_ml'] for d in days), 103.5)
        self.assertAlmostEqual(sum(d['supplement_ml'] for d in days), 30.0)
        out = self.run_ok('summary', '--days', '3')
        self.assertEqual(len(out.splitlines()), 4)

        status = self.run_json('status', '--json')
        self.assertEqual(status['progress']['sessions'], 2)
        self.assertEqual(status['progress']['seconds_left'], 1500)
        self.assertGreater(status['next_due'], now)
        self.assertEqual(status['next_due'], self.get_property('Goals1', 'NextDue'))

        self.assertEqual(self.run_ok('delete', str(first)), f'Deleted session {first}.\n')
        self.assertEqual([s['id'] for s in self.run_json('history', '--json')], [second])
        self.assert_fails(1, ['delete', str(first)],
                          r'^lactctl: delete: org\.lactd\.Error\.NotFound: ')

    def test_history_of_a_big_range(self):
        """More sessions than one ListSessions reply may carry (5000): lactctl
        pages back through ListSessionsPage, output unchanged (oldest first,
        same JSON and CSV), sessions sharing a start second included."""
        t0 = 1609459200   # 2021-01-01
        self.start_daemon()
        self.stop_daemon()
        fill_store(self.db, 11000, t0, step=1800, same_start_every=3)
        last_second = t0 + 11000 * 1800
        fill_store(self.db, 700, last_second, step=0)   # 700 in one second
        self.start_daemon()

        chunk = 3000 * 1800   # under the cap each
        api = []
        for low in range(t0, last_second + 1, chunk):
            api += self.api_sessions(low, low + chunk)
        api.sort(key=lambda x: (x['start'], x['id']))
        self.assertEqual(len(api), 11700)

        sessions = self.run_json('history', '--json', '--from', '2020-12-31')
        self.assertEqual(sessions, api)
        records = list(csv.DictReader(io.StringIO(
            self.run_ok('history', '--csv', '--from', '2020-12-31'), newline='')))
        self.assertEqual([int(r['id']) for r in records], [x['id'] for x in api])
        table = self.run_ok('history', '--from', '2020-12-31')
        self.assertEqual(len(table.splitlines()), 1 + 11700)
        # A range inside, still above the cap, with --to.
        first, last = t0 + 1000 * 1800, t0 + 9000 * 1800
        inside = self.run_json(
            'history', '--json',
            '--from', datetime.datetime.fromtimestamp(first).astimezone().isoformat(),
            '--to', datetime.datetime.fromtimestamp(last).astimezone().isoformat())
        self.assertEqual(inside, [x for x in api if first <= x['start'] < last])
        self.assertGreater(len(inside), 5000)

    def test_add_rejected_by_daemon(self):
        self.start_daemon()
        future = (datetime.datetime.now().astimezone()
                  + datetime.timedelta(hours=1)).replace(microsecond=0)
        for args in (['--left', '300'], ['--start', future.isoformat()],
                     ['--start', '2019-12-31'], ['--volume-left', '2000'],
                     ['--supplement', '-1']):
            with self.subTest(args=args):
                self.assert_fails(1, ['add', '--kind', 'pump'] + args,
                                  r'^lactctl: add: org\.lactd\.Error\.InvalidArgs: ')
        self.assertEqual(self.run_json('history', '--json', '--from', '2019-01-01'), [])

    def test_goal_snooze_dismiss(self):
        self.start_daemon()
        self.assertEqual(sorted(self.run_json('goal', '--json')), sorted(GOAL_KEYS))
        goal = self.run_json('goal', 'sessions_per_day=10', 'max_gap_minutes=120',
                             'night_start=23:30', 'night_end=04:00', 'reminders=yes',
                             '--json')
        self.assertEqual(goal, self.get_property('Goals1', 'Goal'))
        self.assertEqual(goal['sessions_per_day'], 10)
        self.assertEqual(goal['night_start'], '23:30')
        self.assertRegex(self.run_ok('goal'), r'Longest gap \(min\)\s+120\s')
        self.assertEqual(self.run_json('status', '--json')['progress']['target'], 10)
        for change in ('sessions_per_day=0', 'minutes_per_side=61',
                       'night_start=24:00', 'night_end=23:30'):
            with self.subTest(change=change):
                self.assert_fails(1, ['goal', change],
                                  r'^lactctl: goal: org\.lactd\.Error\.InvalidArgs: ')
        self.assertEqual(self.get_property('Goals1', 'Goal')['sessions_per_day'], 10)

        self.assert_fails(1, ['snooze', '15'],
                          r'^lactctl: snooze: org\.lactd\.Error\.NotFound: ')
        self.assert_fails(1, ['snooze', '241'],
                          r'^lactctl: snooze: org\.lactd\.Error\.InvalidArgs: ')
        self.assertEqual(self.run_ok('dismiss'),
                         'Reminder dismissed until the next session.\n')

    def test_bluetooth_commands_without_bluez(self):
        self.start_daemon()
        self.assert_fails(1, ['discover', '--timeout', '1'],
                          r'^lactctl: discover: org\.lactd\.Error\.NoAdapter: ')
        self.assert_fails(1, ['pair', 'C0:FF:EE:00:00:01'],
                          r'^lactctl: pair: org\.lactd\.Error\.(NoAdapter|PairingFailed): ')
        self.assert_fails(1, ['pair', 'nonsense'],
                          r'^lactctl: pair: org\.lactd\.Error\.InvalidArgs: ')
        self.assert_fails(1, ['forget', 'C0:FF:EE:00:00:01'],
                          r'^lactctl: forget: org\.lactd\.Error\.NotFound: ')
        self.assert_fails(1, ['sync'], r'^lactctl: sync: no sensor is paired')
        self.assert_fails(1, ['sync', 'C0:FF:EE:00:00:01'], r'^lactctl: sync ')
        # The daemon is unharmed.
        self.assertEqual(self.run_json('status', '--json')['bluetooth'], 'no-bluez')

    def test_simulated_sensor(self):
        self.start_daemon('--simulate=backlog:20')
        self.assert_eventually(
            lambda: self.get_all('Sensor1', path=SIM_PATH)['Connected'], timeout=30)
        sensors = self.run_json('sensors', '--json')
        self.assertEqual(len(sensors), 1)
        self.assertEqual(sorted(sensors[0]), sorted(SENSOR_PROPERTIES))
        self.assertEqual(sensors[0]['Address'], SIM_ADDRESS)
        self.assertIs(sensors[0]['Connected'], True)
        self.assertEqual(self.run_ok('sync'), f'Synced {SIM_ADDRESS}.\n')
        self.assertEqual(self.run_ok('sync', SIM_ADDRESS.lower()), f'Synced {SIM_ADDRESS}.\n')
        status = self.run_json('status', '--json')
        self.assertEqual(status['bluetooth'], 'simulated')
        self.assertGreater(status['sensors'][0]['LastSync'], 0)
        self.assertRegex(self.run_ok('sensors').splitlines()[1],
                         rf'^{SIM_ADDRESS}\s+\S.*\s+yes\s')

        sessions = self.run_json('history', '--json', '--from', '2020-01-01')
        self.assertEqual(len(sessions), 20)
        self.assertEqual(sessions, self.api_sessions(1577836800))
        self.assertEqual({s['source'] for s in sessions}, {'sensor'})
        self.assertEqual({s['sensor'] for s in sessions}, {SIM_ADDRESS})
        result = lactctl('history', '--csv', '--from', '2020-01-01')
        records = list(csv.DictReader(io.StringIO(result.stdout, newline='')))
        self.assertEqual([int(r['seq']) for r in records], [s['seq'] for s in sessions])
        self.assertEqual({r['source'] for r in records}, {'sensor'})

    def test_watch_follows_daemon_and_live_session(self):
        text = self.watch()
        events = self.watch('--json')
        bar = self.watch('--format=waybar')
        text.stdout.wait_for(lambda l: 'lactd is not running' in l)
        self.assertEqual(json.loads(bar.stdout.wait_for(lambda l: True))['class'], 'offline')

        self.start_daemon('--simulate=session')
        text.stdout.wait_for(lambda l: '+++ lactd' in l and 'appeared' in l)
        appeared = json.loads(events.stdout.wait_for(lambda l: '"appeared"' in l))
        self.assertEqual(appeared['bluetooth'], 'simulated')
        line = events.stdout.wait_for(lambda l: '"event":"progress"' in l, timeout=60)
        progress = json.loads(line)
        self.assertEqual(progress['sensor'], SIM_PATH)
        self.assertEqual(progress['address'], SIM_ADDRESS)
        self.assertTrue({'seq', 'elapsed', 'side', 'phase', 'active'} <= set(progress['live']))
        text.stdout.wait_for(lambda l: f'progress {SIM_ADDRESS}:' in l, timeout=30)
        line = json.loads(bar.stdout.wait_for(lambda l: '"session"' in l, timeout=30))
        self.assertRegex(line['text'], r'^\d+:\d\d')

        self.stop_daemon()
        text.stdout.wait_for(lambda l: '--- lactd vanished' in l)
        events.stdout.wait_for(lambda l: '"vanished"' in l)
        bar.stdout.wait_for(lambda l: '"offline"' in l)
        for client in (text, events, bar):
            self.assertEqual(client.interrupt(), 0)


if __name__ == '__main__':
    unittest.main(testRunner=unittest.TextTestRunner(stream=sys.stdout, verbosity=2))
