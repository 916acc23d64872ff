#!/usr/bin/python3
'''Tests of the lactd dbusmock template (tests/dbusmock/lactd.py).

Runs the template on a private session bus and drives it with GDBus, the
way a client would: every method, its errors, the signals and property
changes it announces, and its agreement with the introspection XML in
data/.

SPDX-License-Identifier: GPL-3.0-or-later
'''

import os
import subprocess
import sys
import time
import unittest
import xml.etree.ElementTree as ET

import dbusmock
from gi.repository import Gio, GLib

HERE = os.path.dirname(os.path.abspath(__file__))
TEMPLATE = os.path.join(HERE, 'lactd.py')
DATA_DIR = os.environ.get('LACTD_DATA_DIR',
                          os.path.join(HERE, '..', '..', 'data'))

BUS = 'org.lactd'
MAIN = '/org/lactd'
MANAGER = 'org.lactd.Manager1'
HISTORY = 'org.lactd.History1'
GOALS = 'org.lactd.Goals1'
SENSOR = 'org.lactd.Sensor1'
MOCK = 'org.lactd.Mock'
ADDRESS = 'C0:FF:EE:00:00:01'
SENSOR_PATH = '/org/lactd/sensor/C0_FF_EE_00_00_01'
JAN_2024 = 1704067200  # 2024-01-01T00:00:00Z


def v(signature, value):
    return GLib.Variant(signature, value)


class LactdTemplateTest(dbusmock.DBusTestCase):
    '''The template as a client sees it.'''

    @classmethod
    def setUpClass(cls):
        cls.start_session_bus()

    def setUp(self):
        self.start_mock({})

    def start_mock(self, parameters):
        self.p_mock, _ = self.spawn_server_template(
            TEMPLATE, parameters, stdout=subprocess.DEVNULL)
        self.conn = Gio.DBusConnection.new_for_address_sync(
            os.environ['DBUS_SESSION_BUS_ADDRESS'],
            Gio.DBusConnectionFlags.AUTHENTICATION_CLIENT |
            Gio.DBusConnectionFlags.MESSAGE_BUS_CONNECTION, None, None)
        self.signals = []
        self.subscription = self.conn.signal_subscribe(
            BUS, None, None, None, None, Gio.DBusSignalFlags.NONE,
            lambda _c, _s, path, iface, name, params:
            self.signals.append((path, iface, name, params.unpack())))

    def tearDown(self):
        self.conn.signal_unsubscribe(self.subscription)
        self.conn.close_sync(None)
        self.p_mock.terminate()
        self.p_mock.wait()

    # -------------------------------------------------------- helpers

    def call(self, iface, method, signature=None, args=(), path=MAIN):
        params = v('(' + signature + ')', tuple(args)) if signature else None
        result = self.conn.call_sync(BUS, path, iface, method, params, None,
                                     Gio.DBusCallFlags.NONE, 5000, None)
        unpacked = result.unpack()
        return unpacked[0] if len(unpacked) == 1 else unpacked

    def assert_error(self, name, message, iface, method, signature=None,
                     args=(), path=MAIN):
        with self.assertRaises(GLib.Error) as caught:
            self.call(iface, method, signature, args, path)
        self.assertEqual(Gio.DBusError.get_remote_error(caught.exception),
                         name)
        if message is not None:
            text = caught.exception.message
            self.assertEqual(text[text.index(': ') + 2:], message)

    def get(self, iface, prop, path=MAIN):
        return self.call('org.freedesktop.DBus.Properties', 'Get', 'ss',
                         (iface, prop), path)

    def get_all(self, iface, path=MAIN):
        '''Properties with their D-Bus type strings.'''
        result = self.conn.call_sync(
            BUS, path, 'org.freedesktop.DBus.Properties', 'GetAll',
            v('(s)', (iface,)), None, Gio.DBusCallFlags.NONE, 5000, None)
        props = result.get_child_value(0)
        return {props.get_child_value(i).get_child_value(0).get_string():
                props.get_child_value(i).get_child_value(1).get_variant()
                .get_type_string()
                for i in range(props.n_children())}

    def wait_for(self, condition, timeout=5.0):
        '''Runs the main context until condition() holds, or fails after
        timeout seconds; no sleeping.'''
        timed_out = []

        def on_timeout():
            timed_out.append(True)
            return GLib.SOURCE_REMOVE

        source = GLib.timeout_add(int(timeout * 1000), on_timeout)
        context = GLib.MainContext.default()
        while not condition() and not timed_out:
            context.iteration(True)
        if not timed_out:
            GLib.source_remove(source)
        if not condition():
            self.fail('timed out waiting for a condition')

    def wait_signal(self, name, path=None):
        def found():
            return [s for s in self.signals
                    if s[2] == name and (path is None or s[0] == path)]
        self.wait_for(found)
        return found()[-1]

    def add_session(self, **entry):
        types = {'kind': 's', 'start': 'x', 'utc_offset': 'i',
                 'duration_left': 'u', 'duration_right': 'u', 'double': 'b',
                 'volume_left_ml': 'd', 'volume_right_ml': 'd',
                 'supplement_ml': 'd'}
        return self.call(HISTORY, 'AddSession', 'a{sv}',
                         ({k: v(types[k], x) for k, x in entry.items()},))

    # ---------------------------------------------------------- tests

    def test_matches_introspection_xml(self):
        '''Every method and property of data/*.xml, with its signature.'''
        for iface in (MANAGER, HISTORY, GOALS, SENSOR):
            path = MAIN
            if iface == SENSOR:
                self.call(MOCK, 'AddSensor', 'sss', (ADDRESS, 'Pump', 'pump'))
                path = SENSOR_PATH
            spec = ET.parse(os.path.join(DATA_DIR, iface + '.xml'))
            node = spec.find(f"interface[@name='{iface}']")
            self.assertIsNotNone(node, iface)
            mock_xml = ET.fromstring(self.call(
                'org.freedesktop.DBus.Introspectable', 'Introspect',
                path=path))
            mock_iface = mock_xml.find(f"interface[@name='{iface}']")
            for method in node.findall('method'):
                name = method.get('name')
                mock_method = mock_iface.find(f"method[@name='{name}']")
                self.assertIsNotNone(mock_method, f'{iface}.{name}')
                for direction in ('in', 'out'):
                    want = [(a.get('name'), a.get('type'))
                            for a in method.findall('arg')
                            if a.get('direction', 'in') == direction]
                    got = [a.get('type') for a in mock_method.findall('arg')
                           if a.get('direction', 'in') == direction]
                    self.assertEqual([t for _, t in want], got,
                                     f'{iface}.{name} {direction}')
            props = self.get_all(iface, path)
            want = {p.get('name'): p.get('type')
                    for p in node.findall('property')}
            self.assertEqual(want, props, iface)
            for prop in node.findall('property'):
                self.assertEqual(prop.get('access'), 'read')

    def test_initial_properties(self):
        self.assertEqual(self.get(MANAGER, 'BluetoothState'), 'ready')
        self.assertEqual(self.get(MANAGER, 'Version'), '0.1.0')
        self.assertEqual(self.get(MANAGER, 'Sensors'), [])
        self.assertEqual(self.get(MANAGER, 'StoreRecovery'), '')
        self.assertEqual(self.get(GOALS, 'Goal'), {
            'sessions_per_day': 8, 'minutes_per_side': 15,
            'max_gap_minutes': 180, 'night_start': '01:00',
            'night_end': '05:00', 'reminders': True})
        self.assertEqual(self.get(GOALS, 'Progress'), {
            'sessions': 0, 'target': 8, 'night_done': False,
            'seconds_left': 0, 'seconds_right': 0, 'expressed_ml': 0.0,
            'supplement_ml': 0.0, 'next_due': 0})
        self.assertEqual(self.get(GOALS, 'NextDue'), 0)
        self.assertEqual(self.get(GOALS, 'Trend'), {
            'expressed_ml_per_day': 0.0, 'supplement_ml_per_day': 0.0,
            'first_milk_day': ''})
        self.assertEqual(self.call('org.freedesktop.DBus.ObjectManager',
                                   'GetManagedObjects'), {})

    def test_parameters(self):
        self.tearDown()
        self.start_mock({'BluetoothState': 'no-bluez', 'Version': '9.9',
                         'StoreRecovery': 'On 2026-03-01 the database was '
                         'found damaged.'})
        self.assertEqual(self.get(MANAGER, 'BluetoothState'), 'no-bluez')
        self.assertEqual(self.get(MANAGER, 'Version'), '9.9')
        self.assertEqual(self.get(MANAGER, 'StoreRecovery'),
                         'On 2026-03-01 the database was found damaged.')
        self.assert_error('org.lactd.Error.NoAdapter', None, MANAGER,
                          'Discover', 'u', (5,))

    def test_add_and_list_sessions(self):
        first = self.add_session(kind='pump', start=JAN_2024 + 3600,
                                 utc_offset=60, duration_left=600,
                                 duration_right=300, volume_left_ml=12.34)
        second = self.add_session(kind='breastfeed', start=JAN_2024 + 7200,
                                  duration_left=100, duration_right=200,
                                  double=True)
        self.assertEqual((first, second), (1, 2))
        added = self.wait_signal('SessionAdded')
        self.assertEqual(added[1], HISTORY)
        self.assertEqual(added[3][0]['id'], 2)

        sessions = self.call(HISTORY, 'ListSessions', 'xx', (0, 0))
        self.assertEqual([s['id'] for s in sessions], [1, 2])
        self.assertEqual(sessions[0], {
            'id': 1, 'source': 'manual', 'sensor': '', 'seq': 0,
            'kind': 'pump', 'start': JAN_2024 + 3600,
            'end': JAN_2024 + 3600 + 900, 'utc_offset': 60,
            'duration_left': 600, 'duration_right': 300, 'double': False,
            'volume_left_ml': 12.3, 'interrupted': False,
            'clock_unsynced': False})
        # double: start + max(left, right); unmeasured volumes left out
        self.assertEqual(sessions[1]['end'], JAN_2024 + 7200 + 200)
        self.assertNotIn('volume_left_ml', sessions[1])
        self.assertEqual(
            [s['id'] for s in self.call(HISTORY, 'ListSessions', 'xx',
                                        (JAN_2024 + 3601, JAN_2024 + 7201))],
            [2])
        self.assertEqual(self.call(HISTORY, 'ListSessions', 'xx',
                                   (JAN_2024, JAN_2024 + 3600)), [])
        # newest first, strictly before `before`, at most `count`
        self.assertEqual(
            [s['id'] for s in self.call(HISTORY, 'ListSessionsPage', 'xu',
                                        (0, 500))], [2, 1])
        self.assertEqual(
            [s['id'] for s in self.call(HISTORY, 'ListSessionsPage', 'xu',
                                        (JAN_2024 + 7200, 1))], [1])
        for count in (0, 501):
            self.assert_error('org.lactd.Error.InvalidArgs', None, HISTORY,
                              'ListSessionsPage', 'xu', (0, count))
        self.assertEqual(self.get(GOALS, 'NextDue'),
                         JAN_2024 + 7200 + 200 + 180 * 60)

    def test_add_session_invalid(self):
        cases = [
            ({'kind': v('s', 'pump'), 'start': v('x', JAN_2024),
              'seq': v('u', 1)}, "unknown key 'seq'"),
            ({'kind': v('s', 'pump'), 'start': v('x', JAN_2024),
              'id': v('t', 1)}, "unknown key 'id'"),
            ({'kind': v('s', 'pump'), 'start': v('i', 1704067200)},
             "start: expected type 'x', got 'i'"),
            ({'start': v('x', JAN_2024)}, "missing required key 'kind'"),
            ({'kind': v('s', 'pump')}, "missing required key 'start'"),
            ({'kind': v('s', 'bottle'), 'start': v('x', JAN_2024)},
             "kind: 'bottle' is not one of pump, sns, hand, breastfeed"),
            ({'kind': v('s', 'pump'), 'start': v('x', 1577836799)},
             'start: 1577836799 is before 2020-01-01 (1577836800)'),
            ({'kind': v('s', 'pump'), 'start': v('x', JAN_2024),
              'volume_left_ml': v('d', 1000.5)},
             'volume_left_ml: 1000.5 is outside 0-1000 mL'),
            ({'kind': v('s', 'pump'), 'start': v('x', JAN_2024),
              'supplement_ml': v('d', float('nan'))},
             'supplement_ml: nan is not a finite number'),
            ({'kind': v('s', 'pump'), 'start': v('x', JAN_2024),
              'duration_right': v('u', 14401)},
             'duration_right: 14401 s is more than 14400 s'),
            ({'kind': v('s', 'pump'), 'start': v('x', JAN_2024),
              'utc_offset': v('i', 841)},
             'utc_offset: 841 min is outside -720..840 min'),
        ]
        for entry, message in cases:
            self.assert_error('org.lactd.Error.InvalidArgs', message,
                              HISTORY, 'AddSession', 'a{sv}', (entry,))
        future = int(time.time()) + 3600
        self.assert_error('org.lactd.Error.InvalidArgs', None, HISTORY,
                          'AddSession', 'a{sv}',
                          ({'kind': v('s', 'pump'),
                            'start': v('x', future)},))
        self.assertEqual(self.call(HISTORY, 'ListSessions', 'xx', (0, 0)), [])

    def test_daily_summary(self):
        # 2024-01-01 23:30 local at +120: still Jan 1 locally (21:30 UTC)
        self.add_session(kind='pump', start=JAN_2024 + 21 * 3600 + 1800,
                         utc_offset=120, duration_left=60,
                         volume_left_ml=10.0, volume_right_ml=5.5)
        # 2024-01-02 02:00 local at +0: a night session (01:00-05:00)
        self.add_session(kind='sns', start=JAN_2024 + 86400 + 7200,
                         utc_offset=0, duration_right=30, supplement_ml=20.0)
        days = self.call(HISTORY, 'DailySummary', 'ss',
                         ('2023-12-31', '2024-01-02'))
        self.assertEqual([d['day'] for d in days],
                         ['2023-12-31', '2024-01-01', '2024-01-02'])
        self.assertEqual(days[0], {
            'day': '2023-12-31', 'sessions': 0, 'night_sessions': 0,
            'seconds_left': 0, 'seconds_right': 0, 'expressed_ml': 0.0,
            'supplement_ml': 0.0})
        self.assertEqual(days[1]['sessions'], 1)
        self.assertEqual(days[1]['night_sessions'], 0)
        self.assertEqual(days[1]['expressed_ml'], 15.5)
        self.assertEqual(days[2]['night_sessions'], 1)
        self.assertEqual(days[2]['supplement_ml'], 20.0)
        self.assertEqual(days[2]['seconds_right'], 30)

        self.assertEqual(len(self.call(HISTORY, 'DailySummary', 'ss',
                                       ('2020-01-01', '2030-01-07'))), 3660)
        for first, last, message in [
                ('2023-02-29', '2023-03-01',
                 "first_day: '2023-02-29' is not a calendar day"),
                ('2024-01-01', '2024-1-02',
                 "last_day: '2024-1-02' is not a day in YYYY-MM-DD form"),
                ('2024-01-02', '2024-01-01',
                 'last_day 2024-01-01 is before first_day 2024-01-02'),
                ('2020-01-01', '2030-01-08', '2020-01-01 to 2030-01-08 is '
                 '3661 days; at most 3660 days are allowed')]:
            self.assert_error('org.lactd.Error.InvalidArgs', message,
                              HISTORY, 'DailySummary', 'ss', (first, last))
        self.assertEqual(self.call(HISTORY, 'DailySummary', 'ss',
                                   ('2024-02-29', '2024-02-29'))[0]['day'],
                         '2024-02-29')

    def test_delete_session(self):
        session_id = self.add_session(kind='hand', start=JAN_2024)
        self.assert_error('org.lactd.Error.NotFound',
                          'no session with id 99', HISTORY, 'DeleteSession',
                          't', (99,))
        self.call(HISTORY, 'DeleteSession', 't', (session_id,))
        self.assertEqual(self.call(HISTORY, 'ListSessions', 'xx', (0, 0)), [])

    def test_set_goal(self):
        self.call(GOALS, 'SetGoal', 'a{sv}', ({
            'sessions_per_day': v('u', 10), 'night_start': v('s', '23:00'),
            'night_end': v('s', '01:00'), 'reminders': v('b', False)},))
        goal = self.get(GOALS, 'Goal')
        self.assertEqual((goal['sessions_per_day'], goal['night_start'],
                          goal['night_end'], goal['reminders']),
                         (10, '23:00', '01:00', False))
        self.assertEqual(self.get(GOALS, 'Progress')['target'], 10)
        changed = self.wait_signal('PropertiesChanged')
        self.assertEqual(changed[3][0], GOALS)
        self.assertIn('Goal', changed[3][1])

        for changes, message in [
                ({'sessions_per_day': v('u', 25)},
                 'sessions_per_day: 25 is outside 1-24'),
                ({'minutes_per_side': v('u', 0)},
                 'minutes_per_side: 0 is outside 1-60 min'),
                ({'max_gap_minutes': v('u', 1441)},
                 'max_gap_minutes: 1441 is outside 1-1440 min'),
                ({'night_start': v('s', '1:00')}, "night_start: '1:00' is "
                 'not a time HH:MM between 00:00 and 23:59'),
                ({'night_end': v('s', '23:00')}, 'night_start and night_end '
                 'are both 23:00: the night window would be empty'),
                ({'target': v('u', 3)}, "unknown key 'target'"),
                ({'reminders': v('s', 'yes')},
                 "reminders: expected type 'b', got 's'")]:
            self.assert_error('org.lactd.Error.InvalidArgs', message, GOALS,
                              'SetGoal', 'a{sv}', (changes,))
        self.assertEqual(self.get(GOALS, 'Goal'), goal)

    def test_reminders(self):
        self.assert_error('org.lactd.Error.NotFound',
                          'no reminder is pending', GOALS, 'Snooze', 'u',
                          (10,))
        self.call(GOALS, 'Dismiss')  # nothing pending: nothing happens
        self.add_session(kind='pump', start=int(time.time()) - 4 * 3600)

        self.call(MOCK, 'EmitReminderDue', 'sxs',
                  ('session', 1234, 'Time to pump'))
        self.assertEqual(self.wait_signal('ReminderDue')[3],
                         ('session', 1234, 'Time to pump'))
        self.assert_error('org.lactd.Error.InvalidArgs',
                          'minutes: 0 is outside 1-240', GOALS, 'Snooze',
                          'u', (0,))
        self.assert_error('org.lactd.Error.InvalidArgs', None, GOALS,
                          'Snooze', 'u', (241,))
        before = int(time.time())
        self.call(GOALS, 'Snooze', 'u', (10,))
        due = self.get(GOALS, 'NextDue')
        self.assertTrue(before + 600 <= due <= int(time.time()) + 600)
        self.assertEqual(self.get(GOALS, 'Progress')['next_due'], due)
        self.call(GOALS, 'Snooze', 'u', (240,))  # still pending

        self.call(GOALS, 'Dismiss')
        self.assertEqual(self.get(GOALS, 'NextDue'), 0)
        self.assert_error('org.lactd.Error.NotFound', None, GOALS, 'Snooze',
                          'u', (10,))
        # The next session re-arms the reminder.
        self.add_session(kind='hand', start=int(time.time()) - 60)
        self.assertGreater(self.get(GOALS, 'NextDue'), 0)

    def test_sensors(self):
        path = self.call(MOCK, 'AddSensor', 'sss',
                         ('c0:ff:ee:00:00:01', 'Pump', 'pump'))
        self.assertEqual(path, SENSOR_PATH)
        added = self.wait_signal('InterfacesAdded')
        self.assertEqual(added[3][0], SENSOR_PATH)
        self.assertEqual(added[3][1][SENSOR]['Address'], ADDRESS)
        self.assertEqual(self.get(MANAGER, 'Sensors'), [SENSOR_PATH])
        managed = self.call('org.freedesktop.DBus.ObjectManager',
                            'GetManagedObjects')
        self.assertEqual(list(managed), [SENSOR_PATH])
        self.assertEqual(self.get(SENSOR, 'Battery', SENSOR_PATH), 255)

        self.call(SENSOR, 'Sync', path=SENSOR_PATH)
        self.assertGreater(self.get(SENSOR, 'LastSync', SENSOR_PATH), 0)
        self.call(MOCK, 'UpdateSensor', 'oa{sv}',
                  (SENSOR_PATH, {'Connected': v('b', False)}))
        self.assert_error('org.lactd.Error.NotConnected', None, SENSOR,
                          'Sync', path=SENSOR_PATH)

        live = {'seq': v('u', 4), 'elapsed': v('u', 30),
                'side': v('s', 'left'), 'phase': v('s', 'expression'),
                'active': v('b', True), 'battery': v('y', 80)}
        self.call(MOCK, 'EmitProgress', 'oa{sv}', (SENSOR_PATH, live))
        progress = self.wait_signal('Progress')
        self.assertEqual(progress[1], MANAGER)
        self.assertEqual(progress[3][0], SENSOR_PATH)
        self.assertEqual(progress[3][1]['battery'], 80)
        self.assertEqual(self.get(SENSOR, 'Live', SENSOR_PATH)['seq'], 4)

        sid = self.call(MOCK, 'AddSensorSession', 'oua{sv}', (
            SENSOR_PATH, 4, {'kind': v('s', 'pump'),
                             'start': v('x', JAN_2024)}))
        stored = self.call(HISTORY, 'ListSessions', 'xx', (0, 0))[0]
        self.assertEqual((stored['id'], stored['source'], stored['sensor'],
                          stored['seq']), (sid, 'sensor', ADDRESS, 4))

        self.call(MOCK, 'RemoveSensor', 'o', (SENSOR_PATH,))
        removed = self.wait_signal('InterfacesRemoved')
        self.assertEqual(removed[3], (SENSOR_PATH, [SENSOR]))
        self.assertEqual(self.get(MANAGER, 'Sensors'), [])

    def test_discover_pair_forget(self):
        self.call(MOCK, 'AddDiscoverable', 'sssnu',
                  (ADDRESS, 'LSP Pump', 'pump', -60, 123456))
        found = self.call(MANAGER, 'Discover', 'u', (1,))
        self.assertEqual(found, [(ADDRESS, 'LSP Pump', 'unknown',
                                  '/org/bluez/hci0/dev_C0_FF_EE_00_00_01',
                                  -60)])
        for timeout in (0, 61):
            self.assert_error('org.lactd.Error.InvalidArgs',
                              f'timeout_seconds: {timeout} is outside 1-60',
                              MANAGER, 'Discover', 'u', (timeout,))
        self.assert_error('org.lactd.Error.InvalidArgs',
                          "'C0:FF:EE' is not a Bluetooth address "
                          'XX:XX:XX:XX:XX:XX', MANAGER, 'Pair', 's',
                          ('C0:FF:EE',))
        self.assert_error('org.lactd.Error.PairingFailed', None, MANAGER,
                          'Pair', 's', ('C0:FF:EE:00:00:02',))

        path = self.call(MANAGER, 'Pair', 's', (ADDRESS.lower(),))
        self.assertEqual(path, SENSOR_PATH)
        self.assertEqual(self.wait_signal('PairingPasskey')[3],
                         (ADDRESS, 123456, False))
        self.assert_error('org.lactd.Error.NotFound', None, MANAGER,
                          'ConfirmPairing', 'sb', (ADDRESS, True))
        self.assertEqual(self.call(MANAGER, 'Pair', 's', (ADDRESS,)), path)
        self.assertEqual(self.call(MANAGER, 'Discover', 'u', (1,))[0][2],
                         'pump')

        self.assert_error('org.lactd.Error.NotFound', None, MANAGER,
                          'Forget', 'o', ('/org/lactd/sensor/AA_BB',))
        self.call(MANAGER, 'Forget', 'o', (path,))
        self.assertEqual(self.get(MANAGER, 'Sensors'), [])

        self.call(MOCK, 'SetBluetoothState', 's', ('off',))
        self.assertEqual(self.get(MANAGER, 'BluetoothState'), 'off')
        self.assert_error('org.lactd.Error.NoAdapter', None, MANAGER,
                          'Pair', 's', (ADDRESS,))
        self.assert_error('org.lactd.Error.InvalidArgs', None, MOCK,
                          'SetBluetoothState', 's', ('on',))

    def test_pair_comparison(self):
        self.call(MOCK, 'AddDiscoverableComparison', 'sssnu',
                  (ADDRESS, 'LSP Pump', 'pump', -60, 654321))
        other = Gio.DBusConnection.new_for_address_sync(
            os.environ['DBUS_SESSION_BUS_ADDRESS'],
            Gio.DBusConnectionFlags.AUTHENTICATION_CLIENT |
            Gio.DBusConnectionFlags.MESSAGE_BUS_CONNECTION, None, None)
        self.addCleanup(lambda: other.is_closed() or other.close_sync(None))
        replies = []

        def pair(conn):
            conn.call(BUS, MAIN, MANAGER, 'Pair', v('(s)', (ADDRESS,)), None,
                      Gio.DBusCallFlags.NONE, 10000, None,
                      lambda c, res: replies.append(self.finish(c, res)))

        def confirm(conn, accept):
            conn.call_sync(BUS, MAIN, MANAGER, 'ConfirmPairing',
                           v('(sb)', (ADDRESS, accept)), None,
                           Gio.DBusCallFlags.NONE, 5000, None)

        # Declined: Pair fails and nothing is paired.
        pair(self.conn)
        self.wait_for(lambda: self.signals_named('PairingPasskey'))
        self.assertEqual(self.signals_named('PairingPasskey')[0][3],
                         (ADDRESS, 654321, True))
        self.assertEqual(replies, [])
        self.assert_error('org.lactd.Error.Busy', None, MANAGER, 'Pair', 's',
                          (ADDRESS,))
        with self.assertRaises(GLib.Error) as caught:
            confirm(other, True)
        self.assertEqual(Gio.DBusError.get_remote_error(caught.exception),
                         'org.lactd.Error.NotAuthorized')
        confirm(self.conn, False)
        self.wait_for(lambda: replies)
        self.assertEqual(replies[0][0], 'org.lactd.Error.PairingFailed')
        self.assertEqual(self.get(MANAGER, 'Sensors'), [])
        self.assert_error('org.lactd.Error.NotFound', None, MANAGER,
                          'ConfirmPairing', 'sb', (ADDRESS, True))

        # The caller leaves: rejected at once.
        pair(other)
        self.wait_for(lambda: len(self.signals_named('PairingPasskey')) == 2)
        other.close_sync(None)
        self.wait_for(lambda: len(replies) == 2)   # its call ends unanswered
        self.assert_error('org.lactd.Error.NotFound', None, MANAGER,
                          'ConfirmPairing', 'sb', (ADDRESS, True))

        # Accepted: paired.
        pair(self.conn)
        self.wait_for(lambda: len(self.signals_named('PairingPasskey')) == 3)
        confirm(self.conn, True)
        self.wait_for(lambda: len(replies) == 3)
        self.assertEqual(replies[2], SENSOR_PATH)
        self.assertEqual(self.get(MANAGER, 'Sensors'), [SENSOR_PATH])

    def finish(self, conn, res):
        '''A method reply's single value, or (error name, message).'''
        try:
            return conn.call_finish(res).unpack()[0]
        except GLib.Error as e:
            return (Gio.DBusError.get_remote_error(e), e.message)

    def signals_named(self, name):
        return [s for s in self.signals if s[2] == name]

    def test_set_error(self):
        self.call(MOCK, 'SetError', 'sss',
                  ('AddSession', 'org.lactd.Error.Storage', 'disk full'))
        self.assert_error('org.lactd.Error.Storage', 'disk full', HISTORY,
                          'AddSession', 'a{sv}',
                          ({'kind': v('s', 'hand'),
                            'start': v('x', JAN_2024)},))
        # Only the next call fails.
        self.assertEqual(self.add_session(kind='hand', start=JAN_2024), 1)

        self.call(MOCK, 'AddSensor', 'sss', (ADDRESS, 'Pump', 'pump'))
        self.call(MOCK, 'SetError', 'sss',
                  ('Sync', 'org.lactd.Error.SyncFailed', 'sensor broke off'))
        self.assert_error('org.lactd.Error.SyncFailed', 'sensor broke off',
                          SENSOR, 'Sync', path=SENSOR_PATH)
        self.call(SENSOR, 'Sync', path=SENSOR_PATH)


if __name__ == '__main__':
    unittest.main(testRunner=unittest.TextTestRunner(stream=sys.stdout,
                                                     verbosity=2))
