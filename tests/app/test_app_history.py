#!/usr/bin/python3
'''lactd-app's add-session dialog and History view against the real lactd:
the daemon's own InvalidArgs messages shown as they are, a session added
through the dialog appearing in History and in Today, and deleted after a
confirmation.

SPDX-License-Identifier: GPL-3.0-or-later
'''

import re
import time

from app_testcase import AppTestCase, main


class HistoryTest(AppTestCase):

    def open_dialog(self):
        self.click(self.find('push button', 'Add a session'))
        return self.find_in_dialogs('push button', self.labelled('Add'))

    def field(self, title):
        return self.find_in_dialogs('text', title)

    def error_shown(self, pattern):
        return self.find_in_dialogs('label', re.compile(pattern))

    def stored(self):
        return self.call('History1', 'ListSessions', 'xx', 0, 0)

    def test_add_show_delete(self):
        self.start_daemon()
        self.start_app()
        ring = self.find('progress bar', 'Sessions in the last 24 hours')
        self.find('label', '0', root=ring)
        self.find('label', 'of 8 sessions', root=ring)
        add = self.open_dialog()

        # What the dialog cannot read as a number, it says itself...
        self.set_text(self.field('Left side (minutes)'), 'twelve')
        self.click(add)
        self.error_shown('^Left side: “twelve” is not a number of minutes$')
        # ...the rest is the daemon's to judge, in its own words.
        self.set_text(self.field('Left side (minutes)'), '12')
        future = time.strftime('%Y-%m-%d %H:%M', time.localtime(time.time() + 2 * 86400))
        self.set_text(self.field('Started at (14:05 or 2026-03-01 14:05)'), future)
        self.click(add)
        self.error_shown(r'^start: \d+ is more than 60 s after now \(\d+\)$')
        start = time.time() - 1800
        clock = time.strftime('%H:%M', time.localtime(start))
        self.set_text(self.field('Started at (14:05 or 2026-03-01 14:05)'), clock)
        self.set_text(self.field('Left volume (mL)'), '1500')
        self.click(add)
        self.error_shown(r'^volume_left_ml: 1500 is outside 0-1000 mL$')
        self.assertEqual(self.stored(), [])

        self.set_text(self.field('Left volume (mL)'), '25,5')
        self.set_text(self.field('Right side (minutes)'), '10')
        self.click(add)
        self.wait_for(lambda: len(self.windows()) == 1, message='the dialog stayed open')
        sessions = self.stored()
        self.assertEqual(len(sessions), 1)
        session = sessions[0]
        self.assertEqual(session['kind'], 'hand')
        self.assertEqual(session['source'], 'manual')
        self.assertEqual(session['duration_left'], 720)
        self.assertEqual(session['duration_right'], 600)
        self.assertEqual(session['volume_left_ml'], 25.5)
        self.assertNotIn('volume_right_ml', session)   # left empty: not measured
        self.assertNotIn('supplement_ml', session)
        self.assertEqual(time.strftime('%H:%M', time.localtime(session['start'])), clock)

        # Today counts it...
        self.find('label', '1', root=ring)
        self.find('label', '25.5 mL')
        self.find('label', '12 min of 2 h 00 min (15 min × 8 sessions)')
        # ...and History lists it.
        self.show_view('History')
        history = self.find('list', 'Sessions, newest first')
        row = self.find('list item', f'{clock} · Hand expression', root=history)
        self.find('label', 'Left 12 min · 25.5 mL · Right 10 min · entered by hand', root=row)

        # Deleted only once confirmed.
        self.click(self.find('push button', f'Delete session {clock} · Hand expression',
                             root=row))
        self.find_in_dialogs('label', 'Delete this session?')
        self.click(self.find_in_dialogs('push button', self.labelled('Cancel')))
        self.wait_for(lambda: len(self.windows()) == 1)
        self.assertEqual(len(self.stored()), 1)
        self.click(self.find('push button', f'Delete session {clock} · Hand expression',
                             root=row))
        self.click(self.find_in_dialogs('push button', self.labelled('Delete')))
        self.absent('list item', f'{clock} · Hand expression', root=history)
        self.assertEqual(self.stored(), [])
        self.find('label', 'No Sessions Yet')
        self.show_view('Today')
        self.find('label', '0', root=ring)


if __name__ == '__main__':
    main()
