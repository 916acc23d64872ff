"""Shared harness for lactd's integration tests.

The real daemon binary runs on private system and session buses started by
python-dbusmock's DBusTestCase, as power-profiles-daemon's tests do: built
daemon from $LACTD_BIN, `-v`, its log printed when a test fails, waiting
on the main loop for conditions with a deadline instead of sleeping.
$LACTD_TEST_WRAPPER (e.g. "valgrind --error-exitcode=1") wraps the daemon.
"""

import os
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unittest

import dbusmock
import gi

gi.require_version("Gio", "2.0")
from gi.repository import Gio, GLib  # noqa: E402

BUS_NAME = "org.lactd"
MAIN_PATH = "/org/lactd"
# A sanitizer report, or a GLib critical (a programming error, which the
# daemon outside tests does not abort on).
SANITIZER_MARKERS = ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer",
                     "runtime error:", "-CRITICAL **")


def lactd_bin():
    path = os.environ.get("LACTD_BIN")
    if not path:
        raise unittest.SkipTest("LACTD_BIN is not set")
    return path


class LactdTestCase(dbusmock.DBusTestCase):
    """Private buses per class; a fresh database directory per test."""

    @classmethod
    def setUpClass(cls):
        cls.start_system_bus()
        cls.start_session_bus()
        cls.session_con = Gio.bus_get_sync(Gio.BusType.SESSION, None)
        cls.system_con = Gio.bus_get_sync(Gio.BusType.SYSTEM, None)

    def setUp(self):
        self.tmpdir = tempfile.mkdtemp(prefix="lactd-test-")
        self.db = os.path.join(self.tmpdir, "lactd.db")
        self.daemon = None
        self.daemon_log_path = os.path.join(self.tmpdir, "lactd.log")
        self.signals = []
        self._subscriptions = []
        self._subscriptions.append(self.session_con.signal_subscribe(
            None, None, None, None, None, Gio.DBusSignalFlags.NONE,
            self._on_signal, None))

    def tearDown(self):
        for sub in self._subscriptions:
            self.session_con.signal_unsubscribe(sub)
        log = self.stop_daemon()
        failed = self._outcome_failed()
        if failed and log:
            sys.stderr.write("\n---- lactd log ----\n" + log + "---- end ----\n")
        shutil.rmtree(self.tmpdir, ignore_errors=True)

    def _outcome_failed(self):
        outcome = getattr(self, "_outcome", None)
        if outcome is None:
            return True
        result = getattr(outcome, "result", None)
        if result is None:
            return False
        errors = list(getattr(result, "errors", [])) + list(getattr(result, "failures", []))
        return any(test is self for test, _ in errors)

    # ------------------------------------------------------------ daemon

    def start_daemon(self, *args, db=None, wait=True):
        cmd = shlex.split(os.environ.get("LACTD_TEST_WRAPPER", ""))
        cmd += [lactd_bin(), "--db", db or self.db, "-v"] + list(args)
        self._log_file = open(self.daemon_log_path, "ab")
        self.daemon = subprocess.Popen(cmd, stdout=self._log_file,
                                       stderr=subprocess.STDOUT)
        if wait:
            self.assert_eventually(lambda: self.name_has_owner(BUS_NAME),
                                   timeout=30, message="lactd did not take org.lactd")
        return self.daemon

    def stop_daemon(self, sig=signal.SIGTERM, check=True):
        """Stops the daemon and returns its log; checks a clean exit."""
        if self.daemon is None:
            return self.read_log()
        if self.daemon.poll() is None:
            self.daemon.send_signal(sig)
            try:
                self.daemon.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.daemon.kill()
                self.daemon.wait()
                raise AssertionError("lactd did not stop on %s" % sig)
        code = self.daemon.returncode
        self.daemon = None
        self._log_file.close()
        log = self.read_log()
        # Wait until the name is gone so the next daemon can take it.
        self.assert_eventually(lambda: not self.name_has_owner(BUS_NAME),
                               timeout=10, message="org.lactd still owned")
        if check and sig in (signal.SIGTERM, signal.SIGINT):
            for marker in SANITIZER_MARKERS:
                self.assertNotIn(marker, log, "sanitizer report in the daemon log")
            self.assertEqual(code, 0, "lactd exited with %s:\n%s" % (code, log))
        return log

    def kill_daemon(self):
        return self.stop_daemon(sig=signal.SIGKILL, check=False)

    def read_log(self):
        try:
            with open(self.daemon_log_path, errors="replace") as f:
                return f.read()
        except FileNotFoundError:
            return ""

    # ------------------------------------------------------------- D-Bus

    def name_has_owner(self, name, con=None):
        con = con or self.session_con
        res = con.call_sync("org.freedesktop.DBus", "/org/freedesktop/DBus",
                            "org.freedesktop.DBus", "NameHasOwner",
                            GLib.Variant("(s)", (name,)), GLib.VariantType("(b)"),
                            Gio.DBusCallFlags.NONE, 5000, None)
        return res.unpack()[0]

    def call(self, iface, method, signature=None, *args, path=MAIN_PATH, timeout=30000):
        """Calls org.lactd.<iface>.<method>; returns the unpacked reply
        (a single value, or a tuple for several) or raises GLib.Error."""
        params = GLib.Variant("(%s)" % signature, args) if signature else None
        # A method call waits on a nested loop so signals keep flowing.
        loop = GLib.MainLoop()
        box = {}

        def done(con, res):
            try:
                box["reply"] = con.call_finish(res)
            except GLib.Error as e:
                box["error"] = e
            loop.quit()

        self.session_con.call(BUS_NAME, path, "org.lactd." + iface, method, params,
                              None, Gio.DBusCallFlags.NO_AUTO_START, timeout, None,
                              done)
        loop.run()
        if "error" in box:
            raise box["error"]
        reply = box["reply"].unpack()
        if len(reply) == 0:
            return None
        if len(reply) == 1:
            return reply[0]
        return reply

    def get_property(self, iface, name, path=MAIN_PATH):
        res = self.session_con.call_sync(
            BUS_NAME, path, "org.freedesktop.DBus.Properties", "Get",
            GLib.Variant("(ss)", ("org.lactd." + iface, name)),
            GLib.VariantType("(v)"), Gio.DBusCallFlags.NO_AUTO_START, 10000, None)
        return res.unpack()[0]

    def get_all(self, iface, path=MAIN_PATH):
        res = self.session_con.call_sync(
            BUS_NAME, path, "org.freedesktop.DBus.Properties", "GetAll",
            GLib.Variant("(s)", ("org.lactd." + iface,)),
            GLib.VariantType("(a{sv})"), Gio.DBusCallFlags.NO_AUTO_START, 10000, None)
        return res.unpack()[0]

    def assert_dbus_error(self, name, func, *args, **kwargs):
        """Asserts func raises the D-Bus error `name` and returns its message."""
        with self.assertRaises(GLib.Error) as cm:
            func(*args, **kwargs)
        remote = Gio.DBusError.get_remote_error(cm.exception)
        self.assertEqual(remote, name, cm.exception.message)
        return cm.exception.message

    def _on_signal(self, con, sender, path, iface, name, params, data):
        self.signals.append((path, iface, name, params.unpack()))

    def signals_named(self, name, iface=None):
        return [s for s in self.signals
                if s[2] == name and (iface is None or s[1] == iface)]

    # ------------------------------------------------------------ waiting

    def assert_eventually(self, condition, timeout=10, message=None):
        """Runs the main loop until condition() holds, or fails after timeout s."""
        ctx = GLib.main_context_default()
        deadline = time.monotonic() + timeout
        while not condition():
            if time.monotonic() > deadline:
                raise AssertionError(message or "condition not met within %ss" % timeout)
            if self.daemon is not None and self.daemon.poll() is not None:
                if not condition():
                    raise AssertionError("lactd exited (%s) while waiting:\n%s"
                                         % (self.daemon.returncode, self.read_log()))
            # Wake at least every 50 ms to re-check the condition.
            src = GLib.timeout_source_new(50)
            src.set_callback(lambda *a: False)
            src.attach(ctx)
            ctx.iteration(True)
            src.destroy()

    def wait_for_signal(self, name, count=1, timeout=10, iface=None):
        self.assert_eventually(lambda: len(self.signals_named(name, iface)) >= count,
                               timeout=timeout,
                               message="no %d×%s signal within %ss" % (count, name, timeout))
        return self.signals_named(name, iface)
