'''The harness of lactd-app's GUI tests.

A real X server (Xvfb, started here with -displayfd so that parallel tests
never race for a display number), private system and session buses
(tests/integration/lactd_testcase.py: the real lactd on them), the
accessibility bus activated by GTK from the session bus (org.a11y.Bus,
enabled in the private bus's service directory), and the built lactd-app
with GDK_BACKEND=x11. The app is driven through AT-SPI (pyatspi): widgets
are found by role and name and activated through their actions, and every
wait is a condition on the main loop with a deadline, never a sleep.

libatspi keeps one accessibility bus per process, so each test file holds
one test class (one session bus) and runs as its own meson test.

Screenshots: `import -window` of the app's X window, written to
$LACTD_APP_SCREENSHOT_DIR (the build directory's tests/app/screenshots: a CI
artifact).

SPDX-License-Identifier: GPL-3.0-or-later
'''

import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, '..', 'integration'))
from lactd_testcase import SANITIZER_MARKERS, GLib, LactdTestCase  # noqa: E402

SCREEN = '1280x860x24'
WINDOW_TITLE = 'lactd'
pyatspi = None  # imported once the session bus exists


def program(variable):
    path = os.environ.get(variable)
    if not path:
        raise unittest.SkipTest(f'{variable} is not set (run through meson test)')
    return path


def start_xvfb():
    '''Starts Xvfb on a free display; returns (process, ":N").'''
    xvfb = shutil.which('Xvfb')
    if xvfb is None:
        raise AssertionError('Xvfb is not installed: tools/install-deps installs xvfb')
    read_fd, write_fd = os.pipe()
    process = subprocess.Popen([xvfb, '-displayfd', str(write_fd), '-screen', '0', SCREEN,
                                '-nolisten', 'tcp', '-noreset'],
                               pass_fds=[write_fd], stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    os.close(write_fd)
    with os.fdopen(read_fd) as pipe:
        number = pipe.readline().strip()
    if not number:
        process.kill()
        raise AssertionError('Xvfb did not report a display')
    return process, ':' + number


class AppTestCase(LactdTestCase):
    '''lactd-app on Xvfb with the accessibility bus, lactd on private
    buses; one app per test.'''

    @classmethod
    def setUpClass(cls):
        global pyatspi
        cls.xvfb, display = start_xvfb()
        os.environ['DISPLAY'] = display
        super().setUpClass()
        cls.enable_service('org.a11y.Bus')
        import pyatspi as _pyatspi  # noqa: E402  (needs the session bus)
        pyatspi = _pyatspi
        cls.screenshot_dir = os.environ.get('LACTD_APP_SCREENSHOT_DIR',
                                            os.path.join(tempfile.gettempdir(),
                                                         'lactd-app-screenshots'))
        os.makedirs(cls.screenshot_dir, exist_ok=True)

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        cls.xvfb.terminate()
        cls.xvfb.wait()

    def setUp(self):
        super().setUp()
        self.started = time.monotonic()
        self.app = None
        self.app_log_path = os.path.join(self.tmpdir, 'lactd-app.log')

    def tearDown(self):
        sys.stderr.write('[%.1f s] ' % (time.monotonic() - self.started))
        failed = self._outcome_failed()
        try:
            log = self.stop_app(check=not failed)
            if failed and log:
                sys.stderr.write('\n---- lactd-app log ----\n' + log + '---- end ----\n')
        finally:
            super().tearDown()

    # ---------------------------------------------------------------- app

    def app_env(self, dark=False):
        env = dict(os.environ)
        env.update({
            'GDK_BACKEND': 'x11',
            # No GPU under Xvfb: GTK's own software renderer, chosen
            # explicitly rather than after a failed GL probe.
            'GSK_RENDERER': 'cairo',
            'GSETTINGS_BACKEND': 'memory',
            'XDG_CONFIG_HOME': os.path.join(self.tmpdir, 'config'),
            'XDG_DATA_HOME': os.path.join(self.tmpdir, 'data'),
            'XDG_CACHE_HOME': os.path.join(self.tmpdir, 'cache'),
            'ADW_DEBUG_COLOR_SCHEME': 'prefer-dark' if dark else 'prefer-light',
            'LC_ALL': 'C.UTF-8',
        })
        env.pop('NO_AT_BRIDGE', None)
        env.pop('GTK_A11Y', None)
        return env

    def start_app(self, dark=False):
        self.app_log = open(self.app_log_path, 'ab')
        self.app = subprocess.Popen([program('LACTD_APP')], env=self.app_env(dark),
                                    stdout=self.app_log, stderr=subprocess.STDOUT)
        self.frame = self.wait_for(self._find_frame, timeout=60,
                                   message='lactd-app did not show its window')
        return self.frame

    def _find_frame(self):
        desktop = pyatspi.Registry.getDesktop(0)
        for i in range(desktop.childCount):
            app = desktop.getChildAtIndex(i)
            try:
                if app is None or app.get_process_id() != self.app.pid:
                    continue
                for j in range(app.childCount):
                    frame = app.getChildAtIndex(j)
                    if frame is not None and frame.getRoleName() == 'frame' \
                            and frame.name == WINDOW_TITLE:
                        return frame
            except Exception:  # noqa: BLE001  (an app going away mid-walk)
                continue
        return None

    def stop_app(self, check=True):
        '''SIGTERM (the app quits as if its window were closed); checks a
        clean exit: status 0 and no sanitizer report.'''
        if self.app is None:
            return self.read_app_log()
        if self.app.poll() is None:
            self.app.send_signal(signal.SIGTERM)
            try:
                self.app.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.app.kill()
                self.app.wait()
        code = self.app.returncode
        self.app = None
        self.app_log.close()
        log = self.read_app_log()
        if check:
            for marker in SANITIZER_MARKERS:
                self.assertNotIn(marker, log, 'sanitizer report in the app log')
            self.assertEqual(code, 0, 'lactd-app exited with %s:\n%s' % (code, log))
        return log

    def read_app_log(self):
        try:
            with open(self.app_log_path, errors='replace') as f:
                return f.read()
        except FileNotFoundError:
            return ''

    # ------------------------------------------------------------ waiting

    def wait_for(self, value, timeout=20, message=None):
        '''Runs the main loop until value() is truthy; returns it.'''
        box = {}

        def holds():
            if self.app is not None and self.app.poll() is not None:
                raise AssertionError('lactd-app exited (%s):\n%s'
                                     % (self.app.returncode, self.read_app_log()))
            box['value'] = value()
            return bool(box['value'])
        self.assert_eventually(holds, timeout=timeout, message=message)
        return box['value']

    # -------------------------------------------------------------- AT-SPI

    def nodes(self, root=None):
        '''Every accessible under ROOT (the window by default).'''
        out = []
        stack = [root or self.frame]
        while stack:
            node = stack.pop()
            if node is None:
                continue
            out.append(node)
            try:
                count = node.childCount
            except Exception:  # noqa: BLE001  (destroyed while walking)
                continue
            for i in range(count - 1, -1, -1):
                try:
                    stack.append(node.getChildAtIndex(i))
                except Exception:  # noqa: BLE001
                    pass
        return out

    def find_all(self, role=None, name=None, root=None):
        '''Accessibles of ROLE (e.g. "push button") whose name is NAME, or
        matches NAME when it is a compiled regular expression.'''
        found = []
        for node in self.nodes(root):
            try:
                if role is not None and node.getRoleName() != role:
                    continue
                if name is not None:
                    if isinstance(name, re.Pattern):
                        if not name.search(node.name or ''):
                            continue
                    elif node.name != name:
                        continue
            except Exception:  # noqa: BLE001
                continue
            found.append(node)
        return found

    def find(self, role=None, name=None, root=None, timeout=20):
        '''The first accessible that matches, once there is one.'''
        return self.wait_for(lambda: next(iter(self.find_all(role, name, root)), None),
                             timeout=timeout,
                             message=f'no {role} {name!r} within {timeout} s')

    def absent(self, role=None, name=None, root=None, timeout=20):
        self.wait_for(lambda: not self.find_all(role, name, root), timeout=timeout,
                      message=f'{role} {name!r} still there after {timeout} s')

    def windows(self):
        '''The app's top-level windows (the main one and its dialogs).'''
        app = self.frame.parent
        return [app.getChildAtIndex(i) for i in range(app.childCount)]

    def find_in_dialogs(self, role=None, name=None, timeout=20):
        def search():
            for window in self.windows():
                if window is not None and window != self.frame:
                    hits = self.find_all(role, name, window)
                    if hits:
                        return hits[0]
            return None
        return self.wait_for(search, timeout=timeout,
                             message=f'no {role} {name!r} in a dialog within {timeout} s')

    @staticmethod
    def labelled(text):
        '''A button's name as GTK 4.8 computes it for a button holding a
        label: sometimes the label's text twice ("Yes Yes").'''
        return re.compile('^%s( %s)?$' % (re.escape(text), re.escape(text)))

    def click(self, node):
        node.queryAction().doAction(0)

    def show_view(self, title):
        tab = self.find('page tab', title)
        self.click(tab)

    def set_text(self, node, text):
        editable = node.queryEditableText()
        editable.setTextContents(text)

    def text_of(self, node):
        return node.queryText().getText(0, -1)

    # --------------------------------------------------------- screenshots

    def screenshot(self, name, timeout=20):
        '''The app's window as NAME.png in the screenshot directory, once
        two captures in a row agree (transitions and redraws done).'''
        window_id = subprocess.run(
            ['xdotool', 'search', '--sync', '--onlyvisible', '--pid', str(self.app.pid),
             '--name', '^' + WINDOW_TITLE + '$'],
            capture_output=True, text=True, timeout=30, check=True).stdout.split()[0]
        box = {'last': None}

        def stable():
            image = subprocess.run(['import', '-window', window_id, '-strip', 'png:-'],
                                   capture_output=True, timeout=60, check=True).stdout
            same = image == box['last']
            box['last'] = image
            return same
        try:
            self.wait_for(stable, timeout=timeout)
        except AssertionError:
            pass  # a live session redraws every second: keep the last capture
        path = os.path.join(self.screenshot_dir, name + '.png')
        with open(path, 'wb') as f:
            f.write(box['last'])
        return path


def main():
    unittest.main(verbosity=2)


__all__ = ['AppTestCase', 'GLib', 'main', 'program']
