#!/usr/bin/python3
'''lactd-app against the dbusmock template of lactd's API: the History view
paging back through ListSessionsPage, the pairing dialog's passkey
comparison (PairingPasskey with confirm=true, answered with
ConfirmPairing: the template holds Pair's reply until then, as the daemon
does), Forget, and the live card leaving when the session ends.

SPDX-License-Identifier: GPL-3.0-or-later
'''

import os
import re
import subprocess
import time

import dbus

from app_testcase import AppTestCase, main

MOCK_TEMPLATE = os.environ['LACTD_MOCK_TEMPLATE']
ADDRESS = 'C0:FF:EE:00:00:07'
SENSOR_PATH = '/org/lactd/sensor/C0_FF_EE_00_00_07'
PAGE = 50


class AppMockTest(AppTestCase):

    def setUp(self):
        super().setUp()
        self.p_mock, self.obj = self.spawn_server_template(
            MOCK_TEMPLATE, {}, stdout=subprocess.DEVNULL)
        self.mock = dbus.Interface(self.obj, 'org.lactd.Mock')
        self.dbusmock = dbus.Interface(self.obj, 'org.freedesktop.DBus.Mock')

    def tearDown(self):
        super().tearDown()
        self.p_mock.terminate()
        self.p_mock.wait()

    def calls(self, method):
        return [tuple(call[1]) for call in self.dbusmock.GetMethodCalls(method)]

    # -------------------------------------------------------------- history

    def history_rows(self):
        '''The rows of the History list (its headers are labels).'''
        rows = []
        for i in range(self.history.childCount):
            child = self.history.getChildAtIndex(i)
            if child is not None and child.getRoleName() == 'list item':
                rows.append(child)
        return rows

    def scroll_history_to_end(self):
        bars = [b for b in self.find_all('scroll bar')
                if b.queryComponent().getExtents(1).height > b.queryComponent().getExtents(1).width]
        value = self.find('filler', 'GtkRange', root=bars[0]).queryValue()
        value.currentValue = value.maximumValue

    def test_history_pages_back(self):
        history = dbus.Interface(self.obj, 'org.lactd.History1')
        now = int(time.time())
        # 110 sessions an hour apart, newest an hour ago.
        for hour in range(1, 111):
            history.AddSession(dbus.Dictionary({
                'kind': 'hand', 'start': dbus.Int64(now - hour * 3600),
                'duration_left': dbus.UInt32(600)}, signature='sv'))
        self.start_app()
        self.show_view('History')
        self.history = self.find('list', 'Sessions, newest first')
        self.wait_for(lambda: len(self.history_rows()) >= PAGE)
        # One page only, until the list is scrolled towards its end.
        self.assertEqual(len(self.history_rows()), PAGE)
        self.assertEqual(self.calls('ListSessionsPage'), [(0, PAGE)])
        newest = time.strftime('%H:%M', time.localtime(now - 3600))
        self.assertEqual(self.history_rows()[0].name, f'{newest} · Hand expression')
        while len(self.history_rows()) < 110:
            count = len(self.history_rows())
            self.scroll_history_to_end()
            self.wait_for(lambda: len(self.history_rows()) > count, timeout=20,
                          message=f'no page after {count} rows')
        self.assertEqual(len(self.history_rows()), 110)
        # Each page starts before the oldest shown (plus the second it
        # started in, so none sharing it is skipped); the last is short.
        pages = self.calls('ListSessionsPage')
        self.assertEqual([count for _, count in pages], [PAGE, PAGE, PAGE])
        oldest = time.strftime('%H:%M', time.localtime(now - 110 * 3600))
        self.assertEqual(self.history_rows()[-1].name, f'{oldest} · Hand expression')

    # -------------------------------------------------------------- pairing

    def start_pairing(self):
        self.mock.AddDiscoverableComparison(ADDRESS, 'LSP Pump', 'unknown', dbus.Int16(-58),
                                            dbus.UInt32(123456))
        self.start_app()
        self.show_view('Sensors')
        self.click(self.find('push button', 'Search'))
        self.click(self.find('push button', 'Pair LSP Pump', timeout=30))
        return self.find_in_dialogs('label', 'Does the sensor show 123456?')

    def test_pairing_passkey_confirmed(self):
        self.start_pairing()
        self.assertEqual(self.calls('Pair'), [(ADDRESS,)])
        self.click(self.find_in_dialogs('push button', self.labelled('Yes')))
        self.wait_for(lambda: self.calls('ConfirmPairing') == [(ADDRESS, True)])
        # Pair's reply came: the sensor is listed as paired, the dialog gone.
        self.find('label', 'LSP Pump')
        self.wait_for(lambda: not any(self.find_all('label', 'Does the sensor show 123456?', w)
                                      for w in self.windows() if w != self.frame),
                      message='the passkey dialog stayed open')
        self.find('label', re.compile(r'^unknown · connected · battery unknown\n.* · 0 records lost · '
                                      r'0 set aside$'))
        # Forget, once confirmed.
        self.click(self.find('push button', self.labelled('Forget')))
        self.find_in_dialogs('label', 'Forget LSP Pump?')
        self.click(self.find_in_dialogs('push button', self.labelled('Forget')))
        self.wait_for(lambda: self.calls('Forget') == [(SENSOR_PATH,)])
        self.find('label', 'No sensor paired yet')
        self.absent('label', 'LSP Pump')

    def test_pairing_passkey_refused(self):
        self.start_pairing()
        self.click(self.find_in_dialogs('push button', self.labelled('No')))
        self.wait_for(lambda: self.calls('ConfirmPairing') == [(ADDRESS, False)])
        # The daemon's own words, in a dialog of their own.
        self.find_in_dialogs('label', 'LSP Pump was not paired')
        self.find_in_dialogs('label', f'pairing {ADDRESS} failed: the passkey comparison was '
                                      'declined')
        self.assertEqual(self.obj.Get('org.lactd.Manager1', 'Sensors',
                                      dbus_interface=dbus.PROPERTIES_IFACE), [])

    # ----------------------------------------------------------------- live

    def test_live_card_leaves_when_the_session_ends(self):
        sensor = self.mock.AddSensor(ADDRESS, 'LSP Pump', 'pump')
        self.start_app()
        self.mock.EmitSessionStarted(sensor, dbus.UInt32(9))
        self.mock.EmitProgress(sensor, dbus.Dictionary({
            'seq': dbus.UInt32(9), 'elapsed': dbus.UInt32(95), 'side': 'both',
            'phase': 'expression', 'active': True,
            'volume_left_ml': dbus.Double(4.5)}, signature='sv'))
        card = self.find('panel', 'Live session')
        self.find('label', '1:35', root=card)
        self.find('label', '4.5 mL', root=card)
        # The right side was not measured: said so, not shown as 0.
        self.find('label', 'not measured', root=card)
        self.mock.EmitSessionEnded(sensor, dbus.UInt32(9))
        self.absent('panel', 'Live session')


if __name__ == '__main__':
    main()
