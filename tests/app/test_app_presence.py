#!/usr/bin/python3
'''lactd-app following lactd as it appears and vanishes: without lactd and
without a way to start it, a page says how (`systemctl --user start
lactd`); when lactd takes its name the app shows it, when it goes the page
comes back; and D-Bus activation starts lactd for the app ("Try Again", and
at start-up).

SPDX-License-Identifier: GPL-3.0-or-later
'''

import os
import re
import signal

from app_testcase import AppTestCase, GLib, main, program
from lactd_testcase import BUS_NAME


class PresenceTest(AppTestCase):

    def setUp(self):
        super().setUp()
        self.service_file = os.path.join(self.get_services_dir(), BUS_NAME + '.service')

    def tearDown(self):
        self.remove_service()
        self.stop_activated()
        super().tearDown()

    def reload_bus_config(self):
        self.session_con.call_sync('org.freedesktop.DBus', '/org/freedesktop/DBus',
                                   'org.freedesktop.DBus', 'ReloadConfig', None, None, 0,
                                   10000, None)

    def install_service(self):
        '''lactd made D-Bus activatable on the private session bus.'''
        with open(self.service_file, 'w') as f:
            f.write('[D-BUS Service]\nName=%s\nExec=%s --db %s\n'
                    % (BUS_NAME, program('LACTD_BIN'), self.db))
        self.reload_bus_config()

    def remove_service(self):
        if os.path.exists(self.service_file):
            os.unlink(self.service_file)
            self.reload_bus_config()

    def stop_activated(self):
        '''The lactd that the bus started (not ours to wait for).'''
        if not self.name_has_owner(BUS_NAME) or self.daemon is not None:
            return
        pid = self.session_con.call_sync(
            'org.freedesktop.DBus', '/org/freedesktop/DBus', 'org.freedesktop.DBus',
            'GetConnectionUnixProcessID', GLib.Variant('(s)', (BUS_NAME,)), None, 0, 10000,
            None).unpack()[0]
        os.kill(pid, signal.SIGTERM)
        self.wait_for(lambda: not self.name_has_owner(BUS_NAME), timeout=30)

    def assert_absent_page(self):
        self.find('label', 'lactd is not running.')
        self.find('label', re.compile(r'Start it with systemctl --user start lactd\n'))
        self.find('push button', self.labelled('Try Again'))
        self.assertEqual(self.find_all('progress bar', 'Sessions in the last 24 hours'), [])

    def assert_connected(self):
        self.find('progress bar', 'Sessions in the last 24 hours')
        self.absent('push button', self.labelled('Try Again'))

    def test_follows_lactd(self):
        self.start_app()
        self.assert_absent_page()
        self.screenshot('not-running')
        # lactd taking its name is enough: the app watches it.
        self.start_daemon()
        self.assert_connected()
        self.stop_daemon()
        self.find('push button', self.labelled('Try Again'))
        self.assert_absent_page()
        self.start_daemon()
        self.assert_connected()

    def test_activation(self):
        self.start_app()
        self.assert_absent_page()
        self.install_service()
        self.click(self.find('push button', self.labelled('Try Again')))
        self.assert_connected()
        self.assertTrue(self.name_has_owner(BUS_NAME))
        # And at start-up, the app asks D-Bus to start lactd by itself.
        self.stop_app()
        self.stop_activated()
        self.start_app()
        self.assert_connected()


if __name__ == '__main__':
    main()
