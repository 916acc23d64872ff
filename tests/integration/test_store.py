"""lactd and its store, from outside: one daemon per store, private files,
a symbolic link refused, a lost bus ending lactd with a failure, the check
at start only after an unclean shutdown, a damaged store salvaged and
reported through Manager1.StoreRecovery, and the weekly integrity check.

Run: LACTD_BIN=build/daemon/lactd /usr/bin/python3 -m unittest -v \
         tests/integration/test_store.py
"""

import os
import re
import signal
import sqlite3
import stat
import subprocess
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(__file__))
from lactd_testcase import LactdTestCase, GLib, Gio, lactd_bin  # noqa: E402
from test_api import fill_store  # noqa: E402

T0 = 1640995200   # 2022-01-01
RECOVERED = (r"^On \d{{4}}-\d\d-\d\d the database {db} was found damaged and "
             r"moved aside to {aside}; {n} sessions were salvaged from it "
             r"into a new database\.$")


def damage_pages(db, pages):
    with open(db, "r+b") as f:
        for page in pages:
            f.seek((page - 1) * 4096)
            f.write(b"\xa5" * 4096)


def session_leaf_pages(db):
    """(page, cells) of the sessions table's leaves, in page order."""
    con = sqlite3.connect(db)
    try:
        return con.execute("SELECT pageno, ncell FROM dbstat WHERE name = "
                           "'sessions' AND pagetype = 'leaf' ORDER BY pageno"
                           ).fetchall()
    finally:
        con.close()


class StoreTest(LactdTestCase):

    def run_lactd(self, *args, db=None, env=None, timeout=30):
        """Runs another lactd to its end; returns (status, output)."""
        result = subprocess.run([lactd_bin(), "--db", db or self.db] + list(args),
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                env=env, timeout=timeout)
        return result.returncode, result.stdout.decode(errors="replace")

    def all_sessions(self):
        found, before = {}, 0
        while True:
            page = self.call("History1", "ListSessionsPage", "xu", before, 500)
            found.update((s["id"], s) for s in page)
            if len(page) < 500:
                return list(found.values())
            before = page[-1]["start"] + 1

    def moved_aside(self):
        aside = [n for n in os.listdir(self.tmpdir)
                 if re.match(r"^lactd\.db\.corrupt-[0-9TZ]+$", n)]
        self.assertEqual(len(aside), 1, os.listdir(self.tmpdir))
        return os.path.join(self.tmpdir, aside[0])

    # -------------------------------------------------- one per store

    def test_second_daemon_on_same_store_exits(self):
        first = self.start_daemon()
        sid = self.call("History1", "AddSession", "a{sv}", {
            "kind": GLib.Variant("s", "hand"),
            "start": GLib.Variant("x", int(time.time()) - 600)})
        started = time.monotonic()
        status, output = self.run_lactd("-v")
        self.assertEqual(status, 1, output)
        self.assertLess(time.monotonic() - started, 10)
        self.assertIn("Store %s is in use by another lactd (pid %d)"
                      % (self.db, first.pid), output)
        # The first one goes on untouched, still the name's owner.
        self.assertIsNone(first.poll())
        self.assertEqual([s["id"] for s in self.call("History1", "ListSessions", "xx", 0, 0)],
                         [sid])
        with open(self.db + ".lock") as f:
            self.assertEqual(f.read(), "running %d\n" % first.pid)

    def test_files_private_whatever_the_umask(self):
        saved = os.umask(0)
        try:
            self.start_daemon()
        finally:
            os.umask(saved)
        self.call("History1", "AddSession", "a{sv}", {
            "kind": GLib.Variant("s", "hand"),
            "start": GLib.Variant("x", int(time.time()) - 600)})
        for name in ("lactd.db", "lactd.db-wal", "lactd.db-shm", "lactd.db.lock"):
            mode = stat.S_IMODE(os.lstat(os.path.join(self.tmpdir, name)).st_mode)
            self.assertEqual(mode, 0o600, "%s is %o" % (name, mode))

    def test_symlink_store_refused(self):
        real = os.path.join(self.tmpdir, "real.db")
        os.symlink(real, self.db)
        status, output = self.run_lactd()
        self.assertEqual(status, 1, output)
        self.assertIn("%s is a symbolic link" % self.db, output)
        self.assertFalse(os.path.exists(real))

    # ------------------------------------------------------ lost bus

    def test_lost_bus_exits_with_failure(self):
        """The bus going away under a running lactd (the bus dropping it,
        dbus-daemon dying) ends it with a failure, so that systemd's
        Restart=on-failure starts it again."""
        bus = subprocess.Popen(["dbus-daemon", "--session", "--nofork",
                                "--print-address=1"], stdout=subprocess.PIPE,
                               stderr=subprocess.DEVNULL)
        try:
            address = bus.stdout.readline().decode().strip()
            con = Gio.DBusConnection.new_for_address_sync(
                address, Gio.DBusConnectionFlags.AUTHENTICATION_CLIENT |
                Gio.DBusConnectionFlags.MESSAGE_BUS_CONNECTION, None, None)
            env = dict(os.environ, DBUS_SESSION_BUS_ADDRESS=address)
            log = open(os.path.join(self.tmpdir, "own-bus.log"), "wb")
            lactd = subprocess.Popen([lactd_bin(), "--db", self.db, "-v"],
                                     stdout=log, stderr=subprocess.STDOUT, env=env)
            self.assert_eventually(lambda: self.name_has_owner("org.lactd", con=con),
                                   timeout=30)
        finally:
            bus.kill()
            bus.wait()
        try:
            status = lactd.wait(timeout=30)
        finally:
            log.close()
        with open(os.path.join(self.tmpdir, "own-bus.log"), errors="replace") as f:
            output = f.read()
        self.assertNotEqual(status, 0, output)
        self.assertIn("Lost the session bus connection", output)
        # Its store was still closed cleanly.
        with open(self.db + ".lock") as f:
            self.assertEqual(f.read(), "clean\n")

    # ------------------------------------------------- checks at start

    def test_check_only_after_unclean_shutdown(self):
        self.start_daemon()
        self.stop_daemon()
        self.start_daemon()
        self.assertIn("(schema version 3, closed cleanly)", self.read_log())
        self.kill_daemon()
        self.start_daemon()
        self.assertIn("quick_check after an unclean shutdown", self.read_log())

    def test_damaged_store_salvaged_and_reported(self):
        self.start_daemon()
        self.stop_daemon()
        fill_store(self.db, 3000, T0)
        leaves = session_leaf_pages(self.db)
        self.assertGreater(len(leaves), 20)
        hit = [leaves[len(leaves) * k // 4] for k in (1, 2, 3)]
        lost = sum(cells for _, cells in hit)
        # A crash (so the next start checks), then damage on the disk.
        self.start_daemon()
        self.kill_daemon()
        damage_pages(self.db, [page for page, _ in hit])

        self.start_daemon()
        aside = self.moved_aside()
        note = self.get_property("Manager1", "StoreRecovery")
        self.assertRegex(note, RECOVERED.format(db=re.escape(self.db),
                                                aside=re.escape(aside),
                                                n=3000 - lost))
        sessions = self.all_sessions()
        self.assertEqual(len(sessions), 3000 - lost)
        for s in sessions:
            i, rest = divmod(s["start"] - T0, 3600)
            self.assertEqual(rest, 0)
            self.assertEqual((s["kind"], s["utc_offset"], s["duration_left"]),
                             ("hand", 60, 600))
            self.assertAlmostEqual(s["volume_left_ml"], (i % 1000) / 10)
        # Still told after a restart.
        self.stop_daemon()
        self.start_daemon()
        self.assertEqual(self.get_property("Manager1", "StoreRecovery"), note)

    def test_weekly_integrity_check(self):
        """Damage to a closed store is not looked for at start (it was
        closed cleanly) but by the weekly check once the name is owned; the
        next start then moves the file aside and salvages it."""
        self.start_daemon()
        self.stop_daemon()
        fill_store(self.db, 500, T0)
        con = sqlite3.connect(self.db)
        index_page = con.execute("SELECT rootpage FROM sqlite_schema "
                                 "WHERE name = 'sessions_start'").fetchone()[0]
        con.close()
        damage_pages(self.db, [index_page])
        # Due whatever the first start had time to do.
        con = sqlite3.connect(self.db)
        con.execute("INSERT OR REPLACE INTO settings VALUES "
                    "('store.integrity_checked_at', '0')")
        con.commit()
        con.close()

        self.start_daemon()
        self.assert_eventually(
            lambda: "weekly integrity check found" in
            self.get_property("Manager1", "StoreRecovery"), timeout=30)
        self.assertIn("(schema version 3, closed cleanly)", self.read_log())
        self.assertRegex(self.get_property("Manager1", "StoreRecovery"),
                         r"^The weekly integrity check found the database %s "
                         r"damaged \(Page \d+: .+\); at lactd's next start it will be "
                         r"moved aside and its sessions salvaged into a new "
                         r"database\.$" % re.escape(self.db))
        self.stop_daemon()
        with open(self.db + ".lock") as f:
            self.assertEqual(f.read(), "damaged\n")

        recovered_at = len(self.read_log())
        self.start_daemon()
        self.assertRegex(self.get_property("Manager1", "StoreRecovery"),
                         RECOVERED.format(db=re.escape(self.db),
                                          aside=re.escape(self.moved_aside()),
                                          n=500))
        self.assertEqual(len(self.all_sessions()), 500)
        # A healthy store is checked once a week, not at every start.
        self.assert_eventually(lambda: "passed its integrity check" in
                               self.read_log()[recovered_at:], timeout=30)
        self.stop_daemon()
        self.start_daemon()
        self.stop_daemon()
        self.assertEqual(self.read_log()[recovered_at:].count(
            "passed its integrity check"), 1)


if __name__ == "__main__":
    unittest.main(verbosity=2)
