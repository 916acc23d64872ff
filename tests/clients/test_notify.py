#!/usr/bin/python3
'''lactd-notify against python-dbusmock's notification_daemon template and
the dbusmock template of lactd's API: a ReminderDue becomes a notification
with the actions, the next one replaces it, the actions call Goals1, and
names in a body are escaped for a server that reads markup.

SPDX-License-Identifier: GPL-3.0-or-later
'''

import subprocess
import sys
import time
import unittest

import dbus
import dbusmock

from clients_helpers import MOCK_TEMPLATE, Client, program

ADDRESS = 'C0:FF:EE:00:00:01'
SENSOR_PATH = '/org/lactd/sensor/C0_FF_EE_00_00_01'
NOTIFY_IFACE = 'org.freedesktop.Notifications'
REMINDER_ACTIONS = ['snooze', 'Snooze 15 min', 'dismiss', 'Dismiss']


class NotifyTest(dbusmock.DBusTestCase):

    @classmethod
    def setUpClass(cls):
        cls.start_session_bus()
        cls.dbus_con = cls.get_dbus(system_bus=False)

    def setUp(self):
        self.p_notify, self.notify_obj = self.spawn_server_template(
            'notification_daemon', {}, stdout=subprocess.DEVNULL)
        self.addCleanup(self.stop_process, self.p_notify)
        self.notify_mock = dbus.Interface(self.notify_obj, dbusmock.MOCK_IFACE)
        self.notify_mock.ClearCalls()
        self.p_lactd, self.lactd_obj = self.spawn_server_template(
            MOCK_TEMPLATE, {}, stdout=subprocess.DEVNULL)
        self.addCleanup(lambda: self.stop_process(self.p_lactd))
        self.lactd_mock = dbus.Interface(self.lactd_obj, 'org.lactd.Mock')
        self.client = Client([program('LACTD_NOTIFY'), '--verbose'])
        self.addCleanup(self.client.close)
        self.addCleanup(self.check_clean_exit)
        self.client.stderr.wait_for(lambda l: 'Following lactd' in l,
                                    what='"Following lactd"')

    def check_clean_exit(self):
        '''SIGINT ends lactd-notify with status 0 (and, under ASan, no
        leak report).'''
        if self.client.process.poll() is None:
            code = self.client.interrupt()
            self.assertEqual(code, 0, '\n'.join(self.client.stderr.all()))

    @staticmethod
    def stop_process(process):
        if process.poll() is None:
            process.terminate()
        process.wait()

    # ----------------------------------------------------------- helpers

    def notify_calls(self):
        return [call for call in self.notify_mock.GetMethodCalls('Notify')]

    def wait_for_notify(self, count, timeout=15):
        deadline = time.monotonic() + timeout
        while True:
            calls = self.notify_calls()
            if len(calls) >= count:
                return calls[count - 1][1]
            if time.monotonic() > deadline:
                raise AssertionError(f'{len(calls)} Notify calls, expected {count};'
                                     ' lactd-notify said:\n'
                                     + '\n'.join(self.client.stderr.all()))
            time.sleep(0.05)

    def lactd_calls(self, method):
        '''The lactd template's call log of one method: [(time, args)].'''
        return list(dbus.Interface(self.lactd_obj, dbusmock.MOCK_IFACE)
                    .GetMethodCalls(method))

    def next_due(self):
        return int(self.lactd_obj.Get('org.lactd.Goals1', 'NextDue',
                                      dbus_interface=dbus.PROPERTIES_IFACE))

    def wait_for(self, condition, what, timeout=15):
        deadline = time.monotonic() + timeout
        while not condition():
            if time.monotonic() > deadline:
                raise AssertionError(f'{what} within {timeout} s; lactd-notify said:\n'
                                     + '\n'.join(self.client.stderr.all()))
            time.sleep(0.05)

    # ------------------------------------------------------------- tests

    def test_reminder_snooze(self):
        # A session an hour ago: NextDue is its end plus 3 h until snoozed.
        due = int(time.time())
        self.lactd_obj.AddSession(dbus.Dictionary({
            'kind': 'hand', 'start': dbus.Int64(due - 3600),
            'duration_left': dbus.UInt32(60)}, signature='sv'),
            dbus_interface='org.lactd.History1')
        self.lactd_mock.EmitReminderDue('session', dbus.Int64(due),
                                        'It is 3 h since the last session.')
        app, replaces_id, icon, summary, body, actions, hints, timeout = \
            self.wait_for_notify(1)
        self.assertEqual(app, 'lactd')
        self.assertEqual(replaces_id, 0)
        self.assertEqual(summary, 'Session due')
        self.assertEqual(body, 'It is 3 h since the last session.')
        self.assertEqual(list(actions), REMINDER_ACTIONS)
        self.assertEqual(int(hints['urgency']), 2)
        self.assertEqual(timeout, -1)

        # The notification daemon mock answers the first Notify with id 1;
        # the next reminder replaces that notification.
        self.lactd_mock.EmitReminderDue('night', dbus.Int64(due + 60),
                                        'No session yet tonight.')
        args = self.wait_for_notify(2)
        self.assertEqual(args[1], 1)
        self.assertEqual(args[3], 'Night session due')
        self.assertEqual(list(args[5]), REMINDER_ACTIONS)

        # Snooze 15 min: Goals1.Snooze(15) moves NextDue to now + 15 min.
        self.assertEqual(self.next_due(), due - 3600 + 60 + 3 * 3600)
        before = int(time.time())
        self.notify_mock.EmitSignal(NOTIFY_IFACE, 'ActionInvoked', 'us',
                                    [dbus.UInt32(1), 'snooze'])
        self.wait_for(lambda: self.next_due() < due + 3600, 'no Snooze')
        self.assertGreaterEqual(self.next_due(), before + 15 * 60)
        self.assertLessEqual(self.next_due(), int(time.time()) + 15 * 60)
        self.client.stderr.wait_for(lambda l: 'snooze done' in l)
        # dbusmock's call log: exactly one Goals1.Snooze(15), no Dismiss.
        calls = self.lactd_calls('Snooze')
        self.assertEqual([list(args) for _, args in calls], [[15]])
        self.assertEqual(self.lactd_calls('Dismiss'), [])

    def test_reminder_dismiss(self):
        self.lactd_mock.EmitReminderDue('session', dbus.Int64(int(time.time())),
                                        'Time to pump.')
        self.wait_for_notify(1)
        # An action on somebody else's notification is not ours.
        self.notify_mock.EmitSignal(NOTIFY_IFACE, 'ActionInvoked', 'us',
                                    [dbus.UInt32(77), 'dismiss'])
        self.notify_mock.EmitSignal(NOTIFY_IFACE, 'ActionInvoked', 'us',
                                    [dbus.UInt32(1), 'dismiss'])
        self.client.stderr.wait_for(lambda l: 'dismiss done' in l)
        self.assertEqual(len(self.lactd_calls('Dismiss')), 1)
        self.assertEqual(self.lactd_calls('Snooze'), [])
        self.assertFalse(any('notification 77' in l for l in self.client.stderr.lines))
        # Dismissed: Snooze now has nothing pending.
        with self.assertRaises(dbus.exceptions.DBusException) as cm:
            self.lactd_obj.Snooze(dbus.UInt32(5), dbus_interface='org.lactd.Goals1')
        self.assertEqual(cm.exception.get_dbus_name(), 'org.lactd.Error.NotFound')

    def test_closed_notification_is_not_replaced(self):
        self.lactd_mock.EmitReminderDue('session', dbus.Int64(int(time.time())), 'One')
        self.wait_for_notify(1)
        self.notify_obj.CloseNotification(dbus.UInt32(1), dbus_interface=NOTIFY_IFACE)
        self.client.stderr.wait_for(lambda l: 'Notification 1 closed' in l)
        self.lactd_mock.EmitReminderDue('session', dbus.Int64(int(time.time())), 'Two')
        self.assertEqual(self.wait_for_notify(2)[1], 0)

    def test_sync_error_and_battery(self):
        path = self.lactd_mock.AddSensor(ADDRESS, 'Pump One', 'pump')
        self.assertEqual(str(path), SENSOR_PATH)
        self.client.stderr.wait_for(lambda l: 'Watching sensor ' + SENSOR_PATH in l)
        self.lactd_mock.UpdateSensor(path, dbus.Dictionary({
            'LastError': 'the sensor broke off the transfer',
            'SyncState': 'error'}, signature='sv'))
        args = self.wait_for_notify(1)
        self.assertEqual(args[3], 'Sensor sync failed')
        self.assertEqual(args[4], 'Pump One: the sensor broke off the transfer')
        self.assertEqual(list(args[5]), [])

        self.lactd_mock.UpdateSensor(path, dbus.Dictionary(
            {'Battery': dbus.Byte(50)}, signature='sv'))
        self.lactd_mock.UpdateSensor(path, dbus.Dictionary(
            {'Battery': dbus.Byte(12)}, signature='sv'))
        args = self.wait_for_notify(2)
        self.assertEqual(args[1], 1)   # replaces, does not pile up
        self.assertEqual(args[3], 'Sensor battery low')
        self.assertIn('12 %', args[4])
        # Once per drop: no new notification while it stays low.
        self.lactd_mock.UpdateSensor(path, dbus.Dictionary(
            {'Battery': dbus.Byte(11)}, signature='sv'))
        self.lactd_mock.EmitReminderDue('battery', dbus.Int64(int(time.time())),
                                        'Pump One battery is low.')
        args = self.wait_for_notify(3)
        self.assertEqual(args[3], 'Sensor battery low')
        self.assertEqual(args[4], 'Pump One battery is low.')
        self.assertEqual(list(args[5]), [])
        self.assertEqual(len(self.notify_calls()), 3)

    def test_names_in_bodies_are_text(self):
        # A name is chosen by whoever owns the device, or any local user
        # (BlueZ Alias): markup in it must show as written.
        path = self.lactd_mock.AddSensor(ADDRESS, 'Mom & Baby <b>pump</b>',
                                         'pump')
        self.client.stderr.wait_for(lambda l: 'Watching sensor ' + SENSOR_PATH in l)
        self.lactd_mock.UpdateSensor(path, dbus.Dictionary({
            'LastError': 'gave <up> & stopped', 'SyncState': 'error'},
            signature='sv'))
        body = self.wait_for_notify(1)[4]
        self.assertEqual(body, 'Mom &amp; Baby &lt;b&gt;pump&lt;/b&gt;: '
                         'gave &lt;up&gt; &amp; stopped')
        self.lactd_mock.EmitReminderDue('battery', dbus.Int64(int(time.time())),
                                        'Mom & Baby\x1b[2J is low.')
        self.assertEqual(self.wait_for_notify(2)[4], 'Mom &amp; Baby is low.')

        # A server without body-markup shows the body as it is: no escaping.
        self.stop_process(self.p_notify)
        self.wait_for(lambda: not self.dbus_con.name_has_owner(NOTIFY_IFACE),
                      'the notification server still on the bus')
        self.p_notify, self.notify_obj = self.spawn_server_template(
            'notification_daemon', {'capabilities': 'body actions'},
            stdout=subprocess.DEVNULL)
        self.addCleanup(self.stop_process, self.p_notify)
        self.notify_mock = dbus.Interface(self.notify_obj, dbusmock.MOCK_IFACE)
        self.lactd_mock.EmitReminderDue('battery', dbus.Int64(int(time.time())),
                                        'Mom & Baby is low.')
        self.assertEqual(self.wait_for_notify(1)[4], 'Mom & Baby is low.')

    def test_follows_daemon(self):
        self.p_lactd.terminate()
        self.p_lactd.wait()
        self.client.stderr.wait_for(lambda l: 'lactd vanished' in l)
        self.p_lactd, self.lactd_obj = self.spawn_server_template(
            MOCK_TEMPLATE, {}, stdout=subprocess.DEVNULL)
        self.lactd_mock = dbus.Interface(self.lactd_obj, 'org.lactd.Mock')
        self.client.stderr.wait_for(lambda l: 'Following lactd' in l)
        self.lactd_mock.EmitReminderDue('session', dbus.Int64(int(time.time())), 'Back')
        self.assertEqual(self.wait_for_notify(1)[4], 'Back')
        self.assertEqual(self.client.interrupt(), 0)


if __name__ == '__main__':
    unittest.main(testRunner=unittest.TextTestRunner(stream=sys.stdout, verbosity=2))
