"""org.lactd API against the real daemon, with good and bad input.

Run: LACTD_BIN=build/daemon/lactd /usr/bin/python3 -m unittest -v \
         tests/integration/test_api.py
"""

import math
import os
import re
import sqlite3
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(__file__))
from lactd_testcase import LactdTestCase, GLib, Gio  # noqa: E402

SESSION_KEYS = ["id", "source", "sensor", "seq", "kind", "start", "end",
                "utc_offset", "duration_left", "duration_right", "double",
                "volume_left_ml", "volume_right_ml", "supplement_ml",
                "interrupted", "clock_unsynced"]
DAY_KEYS = {"day", "sessions", "night_sessions", "seconds_left",
            "seconds_right", "expressed_ml", "supplement_ml"}
INVALID = "org.lactd.Error.InvalidArgs"
NOT_FOUND = "org.lactd.Error.NotFound"


def v(sig, value):
    return GLib.Variant(sig, value)


def fill_store(db, count, first_start, step=3600, same_start_every=0):
    """Adds count manual sessions to a stopped daemon's store directly
    (AddSession would take minutes): one every step seconds from
    first_start; with same_start_every, every such session shares the
    start of the one before."""
    con = sqlite3.connect(db)
    rows = []
    start = first_start
    for i in range(count):
        if not (same_start_every and i % same_start_every == 1):
            start = first_start + i * step
        rows.append(("manual", "", 0, 0, "hand", start, 60, 600, 300, 0, 0,
                     0, i % 1000, None, None, start + 1))
    con.executemany(
        "INSERT INTO sessions (source, address, epoch, seq, kind, start, "
        "utc_offset_min, duration_left, duration_right, double_sided, "
        "interrupted, clock_unsynced, volume_left_tenths, "
        "volume_right_tenths, supplement_tenths, stored_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    con.commit()
    con.close()


def manual(start, **extra):
    d = {"kind": v("s", "hand"), "start": v("x", start),
         "duration_left": v("u", 600), "duration_right": v("u", 540),
         "volume_left_ml": v("d", 2.5), "utc_offset": v("i", 60)}
    d.update(extra)
    return d


class ApiTest(LactdTestCase):

    def add(self, d):
        return self.call("History1", "AddSession", "a{sv}", d)

    def test_startup_properties(self):
        self.start_daemon()
        m = self.get_all("Manager1")
        self.assertEqual(m["BluetoothState"], "no-bluez")
        self.assertEqual(m["Sensors"], [])
        self.assertEqual(m["StoreRecovery"], "")
        self.assertRegex(m["Version"], r"^\d+\.\d+")
        goal = self.get_property("Goals1", "Goal")
        self.assertEqual(goal, {"sessions_per_day": 8, "minutes_per_side": 15,
                                "max_gap_minutes": 180, "night_start": "01:00",
                                "night_end": "05:00", "reminders": True})
        progress = self.get_property("Goals1", "Progress")
        self.assertEqual(set(progress), {"sessions", "target", "night_done",
                                         "seconds_left", "seconds_right",
                                         "expressed_ml", "supplement_ml",
                                         "next_due"})
        self.assertEqual(progress["sessions"], 0)
        self.assertEqual(progress["target"], 8)
        self.assertEqual(self.get_property("Goals1", "NextDue"), 0)
        trend = self.get_property("Goals1", "Trend")
        self.assertEqual(trend["first_milk_day"], "")
        self.assertNotIn("own_milk_share", trend)
        objects = self.session_con.call_sync(
            "org.lactd", "/org/lactd", "org.freedesktop.DBus.ObjectManager",
            "GetManagedObjects", None, None, Gio.DBusCallFlags.NONE, 5000, None)
        self.assertEqual(objects.unpack()[0], {})

    def test_add_list_delete(self):
        self.start_daemon()
        start = int(time.time()) - 3600
        sid = self.add(manual(start, supplement_ml=v("d", 30.04)))
        self.assertGreater(sid, 0)
        sessions = self.call("History1", "ListSessions", "xx", 0, 0)
        self.assertEqual(len(sessions), 1)
        s = sessions[0]
        self.assertEqual([k for k in SESSION_KEYS if k in s],
                         [k for k in SESSION_KEYS if k != "volume_right_ml"])
        self.assertEqual(s["id"], sid)
        self.assertEqual(s["source"], "manual")
        self.assertEqual(s["sensor"], "")
        self.assertEqual(s["seq"], 0)
        self.assertEqual(s["kind"], "hand")
        self.assertEqual(s["start"], start)
        self.assertEqual(s["end"], start + 600 + 540)
        self.assertEqual(s["utc_offset"], 60)
        self.assertAlmostEqual(s["volume_left_ml"], 2.5)
        self.assertAlmostEqual(s["supplement_ml"], 30.0)
        self.assertNotIn("volume_right_ml", s)   # not measured: left out
        self.assertFalse(s["double"])
        added = self.wait_for_signal("SessionAdded")
        self.assertEqual(len(added), 1)
        self.assertEqual(added[0][3][0]["id"], sid)

        # [from, to): a session starting at `to` is outside.
        self.assertEqual(self.call("History1", "ListSessions", "xx", start + 1, 0), [])
        self.assertEqual(self.call("History1", "ListSessions", "xx", 0, start), [])
        self.assertEqual(len(self.call("History1", "ListSessions", "xx", start, start + 1)), 1)

        self.call("History1", "DeleteSession", "t", sid)
        self.assertEqual(self.call("History1", "ListSessions", "xx", 0, 0), [])
        self.assert_dbus_error(NOT_FOUND, self.call, "History1", "DeleteSession", "t", sid)

    def test_ids_never_reused(self):
        # Clients (lactd-mqtt) remember the highest id they saw: a session
        # added after the highest was deleted must get a fresh id, also
        # after a restart and after a crash.
        self.start_daemon()
        now = int(time.time())
        first = self.add(manual(now - 7200))
        highest = self.add(manual(now - 3600))
        self.call("History1", "DeleteSession", "t", highest)
        fresh = self.add(manual(now - 1800))
        self.assertGreater(fresh, highest)

        self.call("History1", "DeleteSession", "t", fresh)
        self.stop_daemon()
        self.start_daemon()
        after_restart = self.add(manual(now - 900))
        self.assertGreater(after_restart, fresh)

        self.call("History1", "DeleteSession", "t", after_restart)
        self.kill_daemon()
        self.start_daemon()
        after_crash = self.add(manual(now - 600))
        self.assertGreater(after_crash, after_restart)
        self.assertEqual([s["id"] for s in self.call("History1", "ListSessions", "xx", 0, 0)],
                         [first, after_crash])

    def test_add_session_rejects_bad_input(self):
        self.start_daemon()
        now = int(time.time())
        good = manual(now - 600)
        bad_cases = {
            "unknown key": dict(good, colour=v("s", "blue")),
            "id given": dict(good, id=v("t", 5)),
            "source given": dict(good, source=v("s", "sensor")),
            "seq given": dict(good, seq=v("u", 1)),
            "wrong type": dict(good, start=v("i", now - 600)),
            "wrong type volume": dict(good, volume_left_ml=v("u", 3)),
            "no kind": {k: x for k, x in good.items() if k != "kind"},
            "no start": {k: x for k, x in good.items() if k != "start"},
            "bad kind": dict(good, kind=v("s", "bottle")),
            "before 2020": dict(good, start=v("x", 1577836799)),
            "future": dict(good, start=v("x", now + 3600)),
            "offset low": dict(good, utc_offset=v("i", -721)),
            "offset high": dict(good, utc_offset=v("i", 841)),
            "duration": dict(good, duration_left=v("u", 14401)),
            "volume high": dict(good, volume_right_ml=v("d", 1000.1)),
            "volume negative": dict(good, supplement_ml=v("d", -0.5)),
            "volume nan": dict(good, volume_left_ml=v("d", math.nan)),
            "volume inf": dict(good, volume_left_ml=v("d", math.inf)),
        }
        for name, d in bad_cases.items():
            with self.subTest(name):
                msg = self.assert_dbus_error(INVALID, self.add, d)
                self.assertTrue(msg, "an error must say what was wrong")
        # Boundaries that are fine.
        self.add(dict(good, duration_left=v("u", 14400), volume_left_ml=v("d", 1000.0),
                      utc_offset=v("i", 840)))
        self.add(dict(good, start=v("x", 1577836800), utc_offset=v("i", -720)))
        self.add(dict(good, start=v("x", now + 30)))
        # A wrong D-Bus signature is refused by the bus layer itself.
        with self.assertRaises(GLib.Error):
            self.call("History1", "AddSession", "s", "nonsense")
        # to = 0 means now: the one starting 30 s ahead needs an explicit end.
        self.assertEqual(len(self.call("History1", "ListSessions", "xx", 0, 0)), 2)
        self.assertEqual(len(self.call("History1", "ListSessions", "xx", 0, now + 120)), 3)
        self.assertIsNone(self.daemon.poll(), "the daemon must keep running")

    def test_each_change_announced_once(self):
        self.start_daemon()
        self.signals.clear()
        start = int(time.time()) - 1800
        sid = self.add(manual(start))
        self.wait_for_signal("SessionAdded")
        self.assert_eventually(lambda: any(
            s[2] == "PropertiesChanged" and s[3][0] == "org.lactd.Goals1"
            for s in self.signals), timeout=5)
        # Let any duplicate arrive before counting.
        deadline = time.monotonic() + 1.0
        self.assert_eventually(lambda: time.monotonic() > deadline, timeout=5)
        self.assertEqual(len(self.signals_named("SessionAdded")), 1)
        goal_changes = [s for s in self.signals
                        if s[2] == "PropertiesChanged" and s[3][0] == "org.lactd.Goals1"]
        changed = [name for s in goal_changes for name in s[3][1]]
        self.assertEqual(changed.count("Progress"), 1, goal_changes)
        self.assertEqual(changed.count("NextDue"), 1, goal_changes)
        progress = self.get_property("Goals1", "Progress")
        self.assertEqual(progress["sessions"], 1)
        self.assertEqual(self.get_property("Goals1", "NextDue"),
                         start + 600 + 540 + 180 * 60)
        # Nothing is announced for a refused call.
        self.signals.clear()
        self.assert_dbus_error(INVALID, self.add, manual(start, kind=v("s", "x")))
        self.call("History1", "DeleteSession", "t", sid)
        self.assert_eventually(lambda: any(
            s[2] == "PropertiesChanged" for s in self.signals), timeout=5)
        self.assertEqual(self.signals_named("SessionAdded"), [])
        self.assertEqual(self.get_property("Goals1", "Progress")["sessions"], 0)

    def test_list_sessions_bad_range(self):
        self.start_daemon()
        self.assert_dbus_error(INVALID, self.call, "History1", "ListSessions", "xx", 200, 100)

    def test_list_sessions_cap_and_pages(self):
        t0 = 1640995200   # 2022-01-01
        self.start_daemon()
        self.stop_daemon()
        fill_store(self.db, 6001, t0, same_start_every=1000)
        self.start_daemon()
        # More than 5000 in range: refused, with the count, before any
        # session is read.
        message = self.assert_dbus_error(INVALID, self.call, "History1",
                                         "ListSessions", "xx", 0, 0)
        self.assertEqual(message.split(": ", 1)[1],
                         "6001 sessions in range, at most 5000: "
                         "narrow it or use ListSessionsPage")
        # Exactly 5000 is one reply.
        sessions = self.call("History1", "ListSessions", "xx", t0, t0 + 5000 * 3600)
        self.assertEqual(len(sessions), 5000)
        self.assertEqual([s["start"] for s in sessions],
                         sorted(s["start"] for s in sessions))
        # Pages, newest first, down to the first session; ties at a start
        # second are kept apart by asking with that start + 1.
        everything, seen, before = [], set(), 0
        while True:
            page = self.call("History1", "ListSessionsPage", "xu", before, 500)
            self.assertLessEqual(len(page), 500)
            new = [s for s in page if s["id"] not in seen]
            everything += new
            seen.update(s["id"] for s in new)
            if len(page) < 500:
                break
            keys = [(s["start"], s["id"]) for s in page]
            self.assertEqual(keys, sorted(keys, reverse=True))
            self.assertTrue(new)
            before = page[-1]["start"] + 1
        self.assertEqual(len(everything), 6001)
        self.assertEqual(set(SESSION_KEYS) - set(everything[0]),
                         {"volume_right_ml", "supplement_ml"})
        first = self.call("History1", "ListSessionsPage", "xu", t0 + 3600, 5)
        self.assertEqual([s["start"] for s in first], [t0, t0])   # a tie
        self.assertEqual(first[0]["id"], first[1]["id"] + 1)
        self.assertEqual(self.call("History1", "ListSessionsPage", "xu", t0, 500), [])
        for bad in (0, 501):
            message = self.assert_dbus_error(INVALID, self.call, "History1",
                                             "ListSessionsPage", "xu", 0, bad)
            self.assertEqual(message.split(": ", 1)[1],
                             "count: %d is outside 1-500" % bad)

    def test_daily_summary(self):
        self.start_daemon()
        # 2024-03-10 at 02:30 and 14:00 local time at UTC+1 (night and day).
        base = 1710025200  # 2024-03-10T00:00:00+01:00
        self.add(manual(base + 2 * 3600 + 1800, volume_right_ml=v("d", 1.5)))
        self.add(manual(base + 14 * 3600, supplement_ml=v("d", 40.0)))
        self.add(manual(base + 86400 + 3600))          # 2024-03-11 01:00
        days = self.call("History1", "DailySummary", "ss", "2024-03-09", "2024-03-11")
        self.assertEqual([d["day"] for d in days], ["2024-03-09", "2024-03-10", "2024-03-11"])
        for d in days:
            self.assertEqual(set(d), DAY_KEYS)
        self.assertEqual(days[0]["sessions"], 0)
        self.assertEqual(days[0]["expressed_ml"], 0.0)
        self.assertEqual(days[1]["sessions"], 2)
        self.assertEqual(days[1]["night_sessions"], 1)
        self.assertEqual(days[1]["seconds_left"], 1200)
        self.assertEqual(days[1]["seconds_right"], 1080)
        self.assertAlmostEqual(days[1]["expressed_ml"], 2.5 + 1.5 + 2.5)
        self.assertAlmostEqual(days[1]["supplement_ml"], 40.0)
        self.assertEqual(days[2]["night_sessions"], 1)
        # Night sessions follow the goal's window, at once and after a
        # restart (the stored goal).
        self.call("Goals1", "SetGoal", "a{sv}",
                  {"night_start": v("s", "13:00"), "night_end": v("s", "15:00")})
        for restart in (False, True):
            if restart:
                self.stop_daemon()
                self.start_daemon()
            days = self.call("History1", "DailySummary", "ss", "2024-03-10",
                             "2024-03-11")
            self.assertEqual([d["night_sessions"] for d in days], [1, 0])

        for first, last in [("2024-3-10", "2024-03-11"), ("2024-03-11", "2024-03-10"),
                            ("2023-02-29", "2023-03-01"), ("", "2024-01-01"),
                            ("2000-01-01", "2010-12-31"), ("2024-03-10", "tomorrow")]:
            with self.subTest(first=first, last=last):
                self.assert_dbus_error(INVALID, self.call, "History1", "DailySummary",
                                       "ss", first, last)

    def test_manager_bad_input(self):
        self.start_daemon()
        for t in (0, 61):
            with self.subTest(timeout=t):
                self.assert_dbus_error(INVALID, self.call, "Manager1", "Discover", "u", t)
        for address in ("nonsense", "C0:FF:EE:00:00", "C0:FF:EE:00:00:0G", ""):
            with self.subTest(address=address):
                self.assert_dbus_error(INVALID, self.call, "Manager1", "Pair", "s", address)
        self.assert_dbus_error(NOT_FOUND, self.call, "Manager1", "Forget", "o",
                               "/org/lactd/sensor/C0_FF_EE_00_00_01")
        self.assert_dbus_error(NOT_FOUND, self.call, "Manager1", "Forget", "o", "/org/lactd")

    def test_goal_validation(self):
        self.start_daemon()
        self.call("Goals1", "SetGoal", "a{sv}",
                  {"sessions_per_day": v("u", 10), "night_start": v("s", "23:30")})
        goal = self.get_property("Goals1", "Goal")
        self.assertEqual(goal["sessions_per_day"], 10)
        self.assertEqual(goal["night_start"], "23:30")
        self.assertEqual(self.get_property("Goals1", "Progress")["target"], 10)
        for changes in ({"sessions_per_day": v("u", 0)}, {"sessions_per_day": v("u", 25)},
                        {"minutes_per_side": v("u", 61)}, {"max_gap_minutes": v("u", 1441)},
                        {"night_start": v("s", "24:00")}, {"night_end": v("s", "5:00")},
                        {"night_end": v("s", "23:30")}, {"reminders": v("s", "yes")},
                        {"bedtime": v("s", "22:00")}):
            with self.subTest(changes=list(changes)):
                self.assert_dbus_error(INVALID, self.call, "Goals1", "SetGoal", "a{sv}", changes)
        self.assertEqual(self.get_property("Goals1", "Goal")["sessions_per_day"], 10)
        self.assert_dbus_error(NOT_FOUND, self.call, "Goals1", "Snooze", "u", 15)
        for minutes in (0, 241):
            self.assert_dbus_error(INVALID, self.call, "Goals1", "Snooze", "u", minutes)
        self.call("Goals1", "Dismiss")  # nothing pending: does nothing

    def test_state_survives_restart(self):
        self.start_daemon()
        sid = self.add(manual(int(time.time()) - 7200))
        self.call("Goals1", "SetGoal", "a{sv}", {"minutes_per_side": v("u", 12)})
        self.stop_daemon()
        self.start_daemon()
        self.assertEqual([s["id"] for s in self.call("History1", "ListSessions", "xx", 0, 0)], [sid])
        self.assertEqual(self.get_property("Goals1", "Goal")["minutes_per_side"], 12)
        self.assertEqual(self.get_property("Goals1", "Progress")["sessions"], 1)

    def test_corrupt_database_is_moved_aside(self):
        with open(self.db, "wb") as f:
            f.write(b"this is not a database, it is a shopping list\n" * 200)
        self.start_daemon()
        self.assertEqual(self.call("History1", "ListSessions", "xx", 0, 0), [])
        aside = [n for n in os.listdir(self.tmpdir) if n.startswith("lactd.db.corrupt-")]
        self.assertEqual(len(aside), 1, os.listdir(self.tmpdir))
        with open(os.path.join(self.tmpdir, aside[0]), "rb") as f:
            self.assertTrue(f.read().startswith(b"this is not a database"))
        self.assertIn("corrupt", self.read_log())
        # Clients are told where it went, and that nothing could be saved.
        self.assertRegex(
            self.get_property("Manager1", "StoreRecovery"),
            r"^On \d{4}-\d\d-\d\d the database %s was found damaged and moved "
            r"aside to %s; no session could be salvaged from it\.$"
            % (re.escape(self.db), re.escape(os.path.join(self.tmpdir, aside[0]))))

    def test_replace(self):
        first = self.start_daemon()
        second_log = open(os.path.join(self.tmpdir, "second.log"), "wb")
        import subprocess
        second = subprocess.Popen([os.environ["LACTD_BIN"], "--db", self.db, "--replace"],
                                  stdout=second_log, stderr=subprocess.STDOUT)
        try:
            first.wait(timeout=20)
            self.assertEqual(first.returncode, 0)
            # The store's lock lets the second start only once the first has
            # left: the name is free for that moment, never owned by a
            # half-started daemon.
            self.daemon = None
            self.assert_eventually(lambda: self.name_has_owner("org.lactd"), timeout=20)
            self.assertEqual(self.get_property("Manager1", "BluetoothState"), "no-bluez")
        finally:
            second.terminate()
            second.wait(timeout=20)
            second_log.close()
        self.assertEqual(second.returncode, 0)
        self.daemon = None
        self._log_file.close()

    def name_owner_changes(self, name):
        """NameOwnerChanged signals seen so far for name, once the bus has
        sent everything up to now."""
        self.name_has_owner(name)
        ctx = GLib.main_context_default()
        while ctx.iteration(False):
            pass
        return [s for s in self.signals_named("NameOwnerChanged")
                if s[3][0] == name]

    def test_sigterm_during_startup(self):
        """A SIGTERM while start-up waits (here, --replace waiting up to
        10 s for the lactd it replaces, which is stopped) ends lactd at
        once, with status 0, before it ever asks for the name."""
        import signal
        import subprocess
        first = self.start_daemon()
        os.kill(first.pid, signal.SIGSTOP)
        second_log = os.path.join(self.tmpdir, "second.log")
        try:
            changes = len(self.name_owner_changes("org.lactd"))
            with open(second_log, "wb") as log:
                second = subprocess.Popen(
                    [os.environ["LACTD_BIN"], "--db", self.db, "--replace", "-v"],
                    stdout=log, stderr=subprocess.STDOUT)

            def second_text():
                with open(second_log, errors="replace") as log:
                    return log.read()

            self.assert_eventually(lambda: "replacing it" in second_text(),
                                   timeout=20)
            second.send_signal(signal.SIGTERM)
            second.wait(timeout=30)
            text = second_text()
            self.assertEqual(second.returncode, 0, text)
            self.assertIn("Start-up interrupted", text)
            self.assertNotIn("did not leave the bus", text)
            self.assertNotIn("Owning", text)
            self.assertEqual(len(self.name_owner_changes("org.lactd")), changes)
        finally:
            os.kill(first.pid, signal.SIGCONT)
        # The first one got the replacing lactd's SIGTERM while stopped.
        first.wait(timeout=30)
        self.assertEqual(first.returncode, 0)
        self.daemon = None
        self._log_file.close()

    def test_runs_without_a_system_bus(self):
        saved = os.environ.get("DBUS_SYSTEM_BUS_ADDRESS")
        os.environ["DBUS_SYSTEM_BUS_ADDRESS"] = "unix:path=" + os.path.join(self.tmpdir, "nobus")
        try:
            self.start_daemon()
        finally:
            if saved is None:
                del os.environ["DBUS_SYSTEM_BUS_ADDRESS"]
            else:
                os.environ["DBUS_SYSTEM_BUS_ADDRESS"] = saved
        self.assertEqual(self.get_property("Manager1", "BluetoothState"), "no-bluez")
        self.assert_dbus_error("org.lactd.Error.NoAdapter", self.call, "Manager1", "Discover", "u", 1)
        self.assert_dbus_error("org.lactd.Error.NoAdapter", self.call, "Manager1", "Pair", "s",
                               "C0:FF:EE:00:00:01")
        self.assertGreater(self.add(manual(int(time.time()) - 60)), 0)

    def test_sigint_clean_exit(self):
        import signal
        self.start_daemon()
        self.stop_daemon(sig=signal.SIGINT)


if __name__ == "__main__":
    unittest.main(verbosity=2)
