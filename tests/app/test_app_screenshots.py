#!/usr/bin/python3
'''Every view of lactd-app rendered to a PNG, light and dark, on the real
lactd with its simulated sensor (`--simulate=demo`: a relactation month on
a pump, then live sessions), plus SNS feeds logged by hand through the API
with the supplement falling over the month, as a parent using a pump and an
SNS without a sensor would.

The PNGs go to the build directory (tests/app/screenshots: a CI artifact).
With LACTD_UPDATE_SCREENSHOTS=1 the test also copies them to
docs/screenshots/, where the README shows them:

    LACTD_UPDATE_SCREENSHOTS=1 meson test -C build app-gui-screenshots

SPDX-License-Identifier: GPL-3.0-or-later
'''

import datetime
import os
import re
import shutil

from app_testcase import AppTestCase, GLib, main

DOCS_SCREENSHOTS = ('today', 'trends', 'history', 'sensors', 'goals', 'today-dark',
                    'trends-dark')
FEEDS_A_DAY = 3
DAYS = 30


def v(sig, value):
    return GLib.Variant(sig, value)


class ScreenshotsTest(AppTestCase):

    def add_sns_feeds(self):
        '''Three SNS feeds a day for a month, the supplement falling from
        about 60 to 20 mL a feed.'''
        today = datetime.datetime.now().replace(hour=0, minute=0, second=0, microsecond=0)
        for day in range(DAYS):
            midnight = today - datetime.timedelta(days=DAYS - 1 - day)
            for feed in range(FEEDS_A_DAY):
                start = midnight + datetime.timedelta(hours=7 + 5 * feed, minutes=10 * day % 50)
                if start >= datetime.datetime.now():
                    continue
                supplement = round(60 - 40 * day / (DAYS - 1) + 3 * (feed - 1), 1)
                self.call('History1', 'AddSession', 'a{sv}', {
                    'kind': v('s', 'sns'), 'start': v('x', int(start.timestamp())),
                    'duration_left': v('u', 600), 'duration_right': v('u', 600),
                    'supplement_ml': v('d', supplement)})

    def chart_description(self, name):
        return self.find('image', name).description

    def wait_trends(self):
        self.show_view('Trends')
        self.wait_for(lambda: re.search(r'In all [1-9][0-9.]* mL expressed, [1-9][0-9.]* mL '
                                        r'supplement\. First milk on .*, marked\.$',
                                        self.chart_description('Milk per day')),
                      timeout=30, message='the milk chart did not get its month')

    def shoot_views(self, suffix=''):
        card = self.find('panel', 'Live session', timeout=60)
        self.find('label', re.compile(r'^\d+:\d\d$'), root=card)
        # The live card changes every second: no long wait for two equal
        # captures, or the session may end first.
        self.shots.append(self.screenshot('today' + suffix, timeout=3))
        self.wait_trends()
        self.shots.append(self.screenshot('trends' + suffix))
        if suffix:
            return
        self.show_view('History')
        history = self.find('list', 'Sessions, newest first')
        self.find('list item', re.compile(r'· (Pump|SNS feed)$'), root=history)
        self.shots.append(self.screenshot('history'))
        self.show_view('Sensors')
        self.find('label', 'lactd simulated sensor')
        self.shots.append(self.screenshot('sensors'))
        self.show_view('Goals')
        self.find('label', 'Sessions a day')
        self.shots.append(self.screenshot('goals'))

    def test_every_view(self):
        self.shots = []
        self.start_daemon('--simulate=demo')
        self.wait_for(lambda: len(self.call('History1', 'ListSessions', 'xx', 0, 0)) >= 240,
                      timeout=60, message='the relactation month was not synced')
        self.add_sns_feeds()
        self.start_app()
        self.shoot_views()
        self.stop_app()
        self.start_app(dark=True)
        self.shoot_views('-dark')
        for path in self.shots:
            with open(path, 'rb') as f:
                self.assertEqual(f.read(8), b'\x89PNG\r\n\x1a\n', path)
        if os.environ.get('LACTD_UPDATE_SCREENSHOTS') == '1':
            docs = os.path.join(os.environ['LACTD_DOCS_DIR'], 'screenshots')
            os.makedirs(docs, exist_ok=True)
            for name in DOCS_SCREENSHOTS:
                shutil.copy(os.path.join(self.screenshot_dir, name + '.png'), docs)


if __name__ == '__main__':
    main()
