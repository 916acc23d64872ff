#!/usr/bin/python3
'''lactd-app pairing a sensor through the real lactd and the project's fake
bluetoothd (tests/fakebluez), whose sensor asks for a numeric comparison:
Search (Manager1.Discover), Pair, "Does the sensor show 123456?", and the
answer going back as ConfirmPairing: Yes pairs the sensor, No leaves it
unpaired with the daemon's reason.

SPDX-License-Identifier: GPL-3.0-or-later
'''

import os
import signal
import subprocess
import sys

from app_testcase import AppTestCase, GLib, main, program
from lactd_testcase import Gio

PUMP = 'C0:FF:EE:00:00:01'


class PairingTest(AppTestCase):

    def setUp(self):
        super().setUp()
        self.fake_log_path = os.path.join(self.tmpdir, 'fake-bluetoothd.log')
        self.fake_log = open(self.fake_log_path, 'ab')
        self.fake = subprocess.Popen([program('FAKE_BLUETOOTHD'), '--state',
                                      os.path.join(self.tmpdir, 'fake-bluetoothd.ini')],
                                     stdout=self.fake_log, stderr=subprocess.STDOUT)
        self.assert_eventually(lambda: self.name_has_owner('org.bluez', self.system_con),
                               timeout=10, message='fake bluetoothd did not take org.bluez')
        self.ctl('AddAdapter', '(sb)', 'hci0', True)
        self.ctl('AddSensor', '(sssa{sv})', PUMP, 'Pump', 'pump',
                 {'passkey_mode': GLib.Variant('s', 'confirm'),
                  'passkey': GLib.Variant('u', 123456)})

    def tearDown(self):
        failed = self._outcome_failed()
        try:
            super().tearDown()
        finally:
            self.fake.send_signal(signal.SIGTERM)
            self.fake.wait(timeout=10)
            self.fake_log.close()
            if failed:
                with open(self.fake_log_path, errors='replace') as f:
                    sys.stderr.write('\n---- fake-bluetoothd log ----\n' + f.read())

    def ctl(self, method, signature=None, *args):
        params = GLib.Variant(signature, args) if signature else None
        return self.system_con.call_sync('org.bluez', '/', 'org.lactd.FakeBluez1', method,
                                         params, None, Gio.DBusCallFlags.NONE, 5000, None)

    def start_pairing(self):
        self.start_daemon()
        self.start_app()
        self.show_view('Sensors')
        self.find('label', 'Ready')
        self.click(self.find('push button', self.labelled('Search')))
        # Discover scans for its whole 10 s.
        self.click(self.find('push button', 'Pair Pump', timeout=40))
        self.find_in_dialogs('label', 'Does the sensor show 123456?', timeout=30)

    def paired(self):
        return self.get_property('Manager1', 'Sensors')

    def test_confirmed(self):
        self.start_pairing()
        self.assertEqual(self.paired(), [])
        self.click(self.find_in_dialogs('push button', self.labelled('Yes')))
        self.wait_for(lambda: self.paired() == ['/org/lactd/sensor/C0_FF_EE_00_00_01'],
                      timeout=30, message='the sensor was not paired')
        self.find('push button', self.labelled('Forget'))
        self.screenshot('sensors-paired')

    def test_declined(self):
        self.start_pairing()
        self.click(self.find_in_dialogs('push button', self.labelled('No')))
        self.find_in_dialogs('label', 'Pump was not paired', timeout=30)
        self.assertEqual(self.paired(), [])
        self.find('label', 'No sensor paired yet')


if __name__ == '__main__':
    main()
