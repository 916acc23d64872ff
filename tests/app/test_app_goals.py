#!/usr/bin/python3
'''lactd-app's Goals view against the real lactd: a change goes to the
daemon at once (Goals1.SetGoal) and Today follows; a value the daemon
refuses is answered with its own message and the view returns to the goal
it keeps. And the Trends charts describe their numbers.

SPDX-License-Identifier: GPL-3.0-or-later
'''

import re
import time

from app_testcase import AppTestCase, GLib, main


def v(sig, value):
    return GLib.Variant(sig, value)


def spoken_day(t):
    '''A day as the chart descriptions read it: "Mon 2 Mar".'''
    day = time.localtime(t)
    return time.strftime('%a ', day) + str(day.tm_mday) + time.strftime(' %b', day)


class GoalsTest(AppTestCase):

    def goal(self):
        return self.get_property('Goals1', 'Goal')

    def test_set_goal(self):
        self.start_daemon()
        self.start_app()
        ring = self.find('progress bar', 'Sessions in the last 24 hours')
        self.find('label', 'of 8 sessions', root=ring)
        self.show_view('Goals')
        self.find('label', re.compile('^Default 8: milk is made when the breasts are emptied '
                                      'often'))
        self.find('label', re.compile('prolactin, the hormone that makes milk, is highest '
                                      'at night'))
        spin = self.find('spin button', 'Sessions a day')
        self.assertEqual(spin.queryValue().currentValue, 8)
        spin.queryValue().currentValue = 10
        self.wait_for(lambda: self.goal()['sessions_per_day'] == 10,
                      message='SetGoal did not reach lactd')
        self.find('label', 'of 10 sessions', root=ring)

        self.find('spin button', 'Night starts, minutes').queryValue().currentValue = 30
        self.wait_for(lambda: self.goal()['night_start'] == '01:30')
        self.find('spin button', 'Night starts, hour').queryValue().currentValue = 2
        self.wait_for(lambda: self.goal()['night_start'] == '02:30')
        # Refused by the daemon: its own message, and the view goes back to
        # the goal it keeps.
        end_minutes = self.find('spin button', 'Night ends, minutes')
        self.find('spin button', 'Night ends, hour').queryValue().currentValue = 2
        self.wait_for(lambda: self.goal()['night_end'] == '02:00')
        end_minutes.queryValue().currentValue = 30
        self.find('label', 'night_start and night_end are both 02:30: the night window '
                           'would be empty')
        self.wait_for(lambda: end_minutes.queryValue().currentValue == 0,
                      message='the refused value stayed in the view')
        self.assertEqual(self.goal()['night_end'], '02:00')
        self.show_view('Today')
        self.find('label', "Tonight's window 02:30–02:00: prolactin is highest at night")

    def test_chart_descriptions(self):
        self.start_daemon()
        now = int(time.time())
        # Ten minutes ago, but never before today's local midnight: the
        # session must fall on today's bar at any time of day.
        midnight = int(time.mktime(time.localtime(now)[:3] + (0, 0, 0, 0, 0, -1)))
        start = max(now - 600, midnight)
        self.call('History1', 'AddSession', 'a{sv}',
                  {'kind': v('s', 'pump'), 'start': v('x', start),
                   'duration_left': v('u', 300), 'volume_left_ml': v('d', 12.5),
                   'supplement_ml': v('d', 40.0)})
        self.start_app()
        self.show_view('Trends')
        self.click(self.find(None, self.labelled('7 days')))
        today = spoken_day(start)
        sessions = self.find('image', 'Sessions per day')
        self.wait_for(lambda: sessions.description.startswith(
            'Sessions per day over 7 days, target 8 a day:'))
        self.assertTrue(sessions.description.endswith(
            f', {today} 1. Average 0.1 a day; target met on 0 of 7 days.'),
            sessions.description)
        milk = self.find('image', 'Milk per day').description
        self.assertIn(f'{today} 12.5 + 40. In all 12.5 mL expressed, 40 mL supplement.', milk)
        self.assertTrue(milk.endswith(f'First milk on {today}, marked.'), milk)
        share = self.find('image', 'Own milk share').description
        self.assertIn(f'{today} 24 %', share)


if __name__ == '__main__':
    main()
