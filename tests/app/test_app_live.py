#!/usr/bin/python3
'''lactd-app's live session card against the real lactd and its simulated
sensor: the card appears while a session runs, its elapsed time and both
side bars grow from Manager1.Progress, and an SNS feed shows its
supplement.

SPDX-License-Identifier: GPL-3.0-or-later
'''

import re

from app_testcase import AppTestCase, main

ELAPSED = re.compile(r'^\d+:\d\d$')
VOLUME = re.compile(r'^\d+(\.\d)? mL$')


class LiveSessionTest(AppTestCase):

    def elapsed_seconds(self, card):
        label = self.find('label', ELAPSED, root=card)
        minutes, seconds = label.name.split(':')
        return int(minutes) * 60 + int(seconds)

    def bar_value(self, card, name):
        return self.find('level bar', name, root=card).queryValue().currentValue

    def test_live_session_appears_and_grows(self):
        self.start_daemon('--simulate=session')
        self.start_app()
        card = self.find('panel', 'Live session', timeout=30)
        self.find('label', 'Pumping now', root=card)
        first = self.elapsed_seconds(card)
        left = self.bar_value(card, 'Left side volume')
        right = self.bar_value(card, 'Right side volume')
        # The same card, updated in place: later Progress signals move the
        # clock and fill both bars.
        self.wait_for(lambda: self.elapsed_seconds(card) > first + 10, timeout=20,
                      message='the elapsed time did not grow')
        self.wait_for(lambda: self.bar_value(card, 'Left side volume') > left
                      and self.bar_value(card, 'Right side volume') > right, timeout=20,
                      message='the side bars did not grow')
        volumes = self.find_all('label', VOLUME, root=card)
        self.assertEqual(len(volumes), 2, [v.name for v in volumes])
        self.assertTrue(self.find_all('label', re.compile('^(Stimulation|Expression)$'),
                                      root=card))
        # Nothing measures a supplement on a pump.
        self.assertEqual(self.find_all('level bar', 'Supplement volume', root=card), [])
        # While it runs nothing is due.
        self.find('label', 'A session is running')
        self.screenshot('today-live', timeout=3)

    def test_sns_feed_shows_supplement(self):
        self.start_daemon('--simulate=sns')
        self.start_app()
        card = self.find('panel', 'Live session', timeout=30)
        self.find('label', 'Feeding now', root=card)
        bar = self.find('level bar', 'Supplement volume', root=card)
        self.wait_for(lambda: bar.queryValue().currentValue > 0, timeout=30,
                      message='the supplement bar did not grow')


if __name__ == '__main__':
    main()
