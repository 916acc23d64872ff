#!/usr/bin/python3
'''lactd-app's reminder banner against the real lactd: Goals1.ReminderDue
shows it with the daemon's message; "Snooze 15 min" calls Goals1.Snooze(15)
(NextDue moves 15 minutes on) and "Dismiss" Goals1.Dismiss (NextDue 0); a
reminder already pending when the app starts is shown too.

Short goals (max_gap_minutes=1) and a session that ended just under a
minute ago make the reminder fall due within seconds, as
tests/integration/test_goals.py does.

SPDX-License-Identifier: GPL-3.0-or-later
'''

import re
import time

from app_testcase import AppTestCase, GLib, main


def v(sig, value):
    return GLib.Variant(sig, value)


class ReminderTest(AppTestCase):

    def reminder_due_in(self, seconds):
        '''Sets max_gap_minutes=1 and adds a session that ended (60 - SECONDS)
        s ago; returns when its reminder falls due.'''
        self.call('Goals1', 'SetGoal', 'a{sv}', {'max_gap_minutes': v('u', 1)})
        end = int(time.time()) - (60 - seconds)
        self.call('History1', 'AddSession', 'a{sv}',
                  {'kind': v('s', 'hand'), 'start': v('x', end - 30),
                   'duration_left': v('u', 30)})
        return end + 60

    def next_due(self):
        return self.get_property('Goals1', 'NextDue')

    def banner(self):
        return self.find('panel', 'Reminder', timeout=30)

    def test_snooze(self):
        self.start_daemon()
        self.start_app()
        self.assertEqual(self.find_all('panel', 'Reminder'), [])
        self.reminder_due_in(3)
        banner = self.banner()
        message = self.wait_for(lambda: [s[3][2] for s in self.signals_named('ReminderDue')])
        self.find('label', message[0], root=banner)
        before = int(time.time())
        self.click(self.find('push button', self.labelled('Snooze 15 min'), root=banner))
        self.wait_for(lambda: self.next_due() >= before + 15 * 60,
                      message='NextDue did not move 15 minutes on')
        self.assertLessEqual(self.next_due(), int(time.time()) + 15 * 60)
        self.absent('panel', 'Reminder')
        self.assertEqual(len(self.signals_named('ReminderDue')), 1)
        self.screenshot('today-snoozed')

    def test_dismiss_and_pending_at_start(self):
        self.start_daemon()
        due = self.reminder_due_in(2)
        self.wait_for_signal('ReminderDue', timeout=15)
        # Pending before the app started: NextDue in the past says so.
        self.start_app()
        banner = self.banner()
        clock = time.strftime('%H:%M', time.localtime(due))
        self.find('label', f'A session was due at {clock}.', root=banner)
        self.find('label', re.compile(r'^due (now|\d+ min ago)$'))
        self.screenshot('today-reminder')
        self.click(self.find('push button', self.labelled('Dismiss'), root=banner))
        self.wait_for(lambda: self.next_due() == 0, message='Dismiss did not reach lactd')
        self.absent('panel', 'Reminder')


if __name__ == '__main__':
    main()
