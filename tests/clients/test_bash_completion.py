#!/usr/bin/python3
'''clients/lactctl.bash-completion under bash-completion: commands,
options per command, option values and goal keys, with the paired sensors'
addresses taken from `lactctl sensors` (the lactd dbusmock template).

SPDX-License-Identifier: GPL-3.0-or-later
'''

import os
import subprocess
import sys
import unittest

import dbus
import dbusmock

from clients_helpers import COMMANDS, MOCK_TEMPLATE, SOURCE_ROOT, program

BASH_COMPLETION = '/usr/share/bash-completion/bash_completion'
COMPLETION = os.path.join(SOURCE_ROOT, 'clients', 'lactctl.bash-completion')

SCRIPT = '''
source "$1"; source "$2"; shift 2
COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
_lactctl 2>/dev/null
printf '%s\\n' "${COMPREPLY[@]}"
'''


class BashCompletionTest(dbusmock.DBusTestCase):

    @classmethod
    def setUpClass(cls):
        cls.start_session_bus()

    def complete(self, *words):
        # `lactctl` on PATH: the build's, for the sensors' addresses.
        env = dict(os.environ, PATH=os.path.dirname(program('LACTCTL')) + ':'
                   + os.environ.get('PATH', '/usr/bin:/bin'))
        result = subprocess.run(['bash', '-c', SCRIPT, 'complete', BASH_COMPLETION,
                                 COMPLETION] + list(words),
                                capture_output=True, text=True, env=env, timeout=60)
        self.assertEqual(result.returncode, 0, result.stderr)
        return sorted(line for line in result.stdout.splitlines() if line)

    def test_bash_completion(self):
        self.assertTrue(os.path.exists(BASH_COMPLETION),
                        'bash-completion is not installed (tools/install-deps)')
        self.assertEqual(self.complete('lactctl', ''), sorted(COMMANDS))
        self.assertEqual(self.complete('lactctl', 'hi'), ['history'])
        self.assertEqual(self.complete('lactctl', 'pair', '--'),
                         ['--help', '--yes'])
        self.assertEqual(self.complete('lactctl', 'history', '--'),
                         ['--csv', '--from', '--help', '--json', '--to'])
        self.assertEqual(self.complete('lactctl', 'add', '--kind', ''),
                         ['breastfeed', 'hand', 'pump', 'sns'])
        self.assertEqual(self.complete('lactctl', 'watch', '--format', ''),
                         ['json', 'text', 'waybar'])
        self.assertEqual(self.complete('lactctl', 'goal', 'night'),
                         ['night_end=', 'night_start='])

        p_mock, obj = self.spawn_server_template(MOCK_TEMPLATE, {},
                                                 stdout=subprocess.DEVNULL)
        self.addCleanup(p_mock.wait)
        self.addCleanup(p_mock.terminate)
        dbus.Interface(obj, 'org.lactd.Mock').AddSensor('C0:FF:EE:00:00:01', 'Pump', 'pump')
        self.assertEqual(self.complete('lactctl', 'forget', ''), ['C0:FF:EE:00:00:01'])
        self.assertEqual(self.complete('lactctl', 'sync', 'C0'), ['C0:FF:EE:00:00:01'])


if __name__ == '__main__':
    unittest.main(testRunner=unittest.TextTestRunner(stream=sys.stdout, verbosity=2))
