"""org.lactd.Goals1 against the real daemon, in real time.

Short goals (max_gap_minutes=1) and manual sessions make reminders fall due
within seconds: ReminderDue arrives exactly once, Snooze and Dismiss behave
as the contract says, reminder state survives a daemon restart (no repeat;
one that fell due while the daemon was down is emitted once at start-up),
and Progress and Trend match sessions added by hand. Through the simulated
link and the fake bluetoothd: a 500-record backlog wakes a client following
Goals1 at most twice per sync batch, records with an unsynced clock are
listed but counted nowhere, and a battery level jittering around 15 %
reminds once. The snooze test waits a real minute; the whole file takes
about two minutes.

Run (from the source tree, with a built daemon):
    LACTD_BIN=/tmp/b/daemon/lactd /usr/bin/python3 -m unittest -v \
        tests/integration/test_goals.py
"""

import datetime
import math
import os
import signal
import subprocess
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(__file__))
from lactd_testcase import LactdTestCase, Gio, GLib  # noqa: E402
from test_bluez import PUMP, fake_bin, record_packet, sensor_path  # noqa: E402

NOT_FOUND = "org.lactd.Error.NotFound"
GOALS = "org.lactd.Goals1"
# The sync engine commits records in batches of this many
# (LACTD_SYNC_BATCH_RECORDS); a client following Goals1 may wake at most
# twice per batch.
BATCH_RECORDS = 256
# A start as erased flash reads: 2106-02-07, an unsynced sensor's "no idea".
START_ERASED = 0xFFFFFFFF
FAR_FUTURE = 2 ** 62


def v(sig, value):
    return GLib.Variant(sig, value)


def local_offset_min(t):
    """The local zone's offset at t in minutes (the daemon's own, as both
    run with the same TZ and /etc/localtime)."""
    return int(datetime.datetime.fromtimestamp(t).astimezone()
               .utcoffset().total_seconds() // 60)


def local_day(t):
    return datetime.datetime.fromtimestamp(t).date()


class GoalsTest(LactdTestCase):

    def setUp(self):
        super().setUp()
        self.fake = None

    def tearDown(self):
        try:
            super().tearDown()
        finally:
            if self.fake is not None:
                self.stop_fake()

    # ----------------------------------------------------------- helpers

    def add(self, start, left=0, right=0, vol_left=None, vol_right=None,
            supplement=None, kind="hand"):
        d = {"kind": v("s", kind), "start": v("x", int(start)),
             "duration_left": v("u", left), "duration_right": v("u", right)}
        if vol_left is not None:
            d["volume_left_ml"] = v("d", vol_left)
        if vol_right is not None:
            d["volume_right_ml"] = v("d", vol_right)
        if supplement is not None:
            d["supplement_ml"] = v("d", supplement)
        return self.call("History1", "AddSession", "a{sv}", d)

    def set_goal(self, **changes):
        typed = {}
        for key, value in changes.items():
            if isinstance(value, bool):
                typed[key] = v("b", value)
            elif isinstance(value, int):
                typed[key] = v("u", value)
            else:
                typed[key] = v("s", value)
        self.call("Goals1", "SetGoal", "a{sv}", typed)

    def reminders(self, kind="session"):
        return [s[3] for s in self.signals_named("ReminderDue", GOALS)
                if s[3][0] == kind]

    def wait_reminders(self, count, timeout, kind="session"):
        self.assert_eventually(lambda: len(self.reminders(kind)) >= count,
                               timeout=timeout,
                               message="no %d ReminderDue(%s) within %ss"
                               % (count, kind, timeout))
        return self.reminders(kind)

    def run_for(self, seconds):
        """Keeps the main loop (and signal delivery) going for a while:
        used only to show that something does NOT happen."""
        deadline = time.monotonic() + seconds
        self.assert_eventually(lambda: time.monotonic() >= deadline,
                               timeout=seconds + 5)

    def next_due(self):
        return self.get_property("Goals1", "NextDue")

    def session_due_soon(self, seconds_left):
        """A manual session that ended (60 - seconds_left) s ago: with
        max_gap_minutes=1 its reminder falls due in seconds_left s."""
        now = int(time.time())
        end = now - (60 - seconds_left)
        self.add(end - 30, left=30)
        return end + 60

    # ------------------------------------ Goals1 as a client follows it

    def drain(self):
        """Dispatches every signal that arrived before the last reply: a
        synchronous call returns before the signals queued ahead of its
        reply have reached the main loop."""
        ctx = GLib.main_context_default()
        while ctx.iteration(False):
            pass

    def goals_changes(self):
        return [s[3][1] for s in self.signals_named("PropertiesChanged")
                if s[0] == "/org/lactd" and s[3][0] == GOALS]

    def assert_backlog_coalesced(self, records):
        """After a backlog of `records`: one SessionAdded per session, and
        at most two Goals1 PropertiesChanged per sync batch, the last one
        carrying the final NextDue."""
        self.assert_eventually(
            lambda: len(self.signals_named("SessionAdded")) >= records,
            timeout=120, message="backlog not stored")
        sessions = self.call("History1", "ListSessions", "xx", 0, FAR_FUTURE)
        self.assertEqual(len(sessions), records)
        due = max(s["end"] for s in sessions) + 180 * 60

        def settled():
            changes = [c for c in self.goals_changes() if "NextDue" in c]
            return changes and changes[-1]["NextDue"] == due
        self.assert_eventually(settled, timeout=30,
                               message="NextDue never announced as %d" % due)
        # A round trip: anything the daemon sent before its reply is here.
        self.assertEqual(self.get_property("Goals1", "NextDue"), due)
        self.drain()
        changes = self.goals_changes()
        batches = math.ceil(records / BATCH_RECORDS)
        self.assertLessEqual(len(changes), 2 * batches,
                             "%d Goals1 PropertiesChanged for %d batches: %s"
                             % (len(changes), batches,
                                [sorted(c) for c in changes]))
        self.assertEqual(len(self.signals_named("SessionAdded")), records)

    # ---------------------------------------- the fake bluetoothd helpers

    def start_fake(self):
        """The fake bluetoothd (tests/fakebluez) with one adapter: a sensor's
        records and battery levels as the daemon receives them."""
        self.fake_log_path = os.path.join(self.tmpdir, "fake-bluetoothd.log")
        self._fake_log = open(self.fake_log_path, "ab")
        self.fake = subprocess.Popen(
            [fake_bin(), "--state", os.path.join(self.tmpdir, "fake.ini")],
            stdout=self._fake_log, stderr=subprocess.STDOUT)
        self.assert_eventually(
            lambda: self.name_has_owner("org.bluez", self.system_con),
            timeout=10, message="fake bluetoothd did not take org.bluez")
        self.ctl("AddAdapter", "(sb)", "hci0", True)

    def stop_fake(self):
        self.fake.send_signal(signal.SIGTERM)
        self.fake.wait(timeout=10)
        self.fake = None
        self._fake_log.close()
        self.assert_eventually(
            lambda: not self.name_has_owner("org.bluez", self.system_con),
            timeout=10)

    def ctl(self, method, signature=None, *args):
        params = GLib.Variant(signature, args) if signature else None
        res = self.system_con.call_sync("org.bluez", "/", "org.lactd.FakeBluez1",
                                        method, params, None,
                                        Gio.DBusCallFlags.NONE, 5000, None)
        reply = res.unpack()
        return reply[0] if len(reply) == 1 else reply

    def start_paired(self, backlog=0):
        self.start_fake()
        self.ctl("AddSensor", "(sssa{sv})", PUMP, "Pump", "pump",
                 {"backlog": GLib.Variant("u", backlog)})
        self.start_daemon()
        self.assertEqual(self.call("Manager1", "Pair", "s", PUMP, timeout=60000),
                         sensor_path(PUMP))

    def sensor(self):
        return self.get_all("Sensor1", path=sensor_path(PUMP))

    def wait_idle(self):
        self.assert_eventually(lambda: self.sensor()["SyncState"] == "idle"
                               and self.sensor()["LastSync"] > 0, timeout=60)

    def notify(self, characteristic, value):
        self.assertTrue(self.ctl("NotifyRaw", "(ssayu)", PUMP, characteristic,
                                 value, 1), "%s not subscribed" % characteristic)

    # ------------------------------------------------------------- tests

    def test_reminder_once_then_snooze(self):
        self.start_daemon()
        self.set_goal(max_gap_minutes=1)
        due = self.session_due_soon(5)
        self.assertEqual(self.next_due(), due)
        self.assertEqual(self.get_property("Goals1", "Progress")["next_due"], due)

        got = self.wait_reminders(1, timeout=10)
        self.assertEqual(got[0][1], due)
        self.assertTrue(got[0][2].startswith("Time to pump"), got[0][2])
        self.assertGreaterEqual(time.time(), due)
        # Exactly once: nothing more while it stays pending.
        self.run_for(3)
        self.assertEqual(len(self.reminders()), 1)

        # Snooze(1): pending again a minute from now.
        before = int(time.time())
        self.call("Goals1", "Snooze", "u", 1)
        until = self.next_due()
        self.assertGreaterEqual(until, before + 60)
        self.assertLessEqual(until, int(time.time()) + 60)
        got = self.wait_reminders(2, timeout=75)
        self.assertEqual(got[1][1], until)
        self.assertGreaterEqual(time.time(), until)
        self.run_for(2)
        self.assertEqual(len(self.reminders()), 2)

    def test_dismiss(self):
        self.start_daemon()
        self.set_goal(max_gap_minutes=1)
        self.session_due_soon(2)
        self.wait_reminders(1, timeout=10)
        self.call("Goals1", "Dismiss")
        self.assert_eventually(lambda: self.next_due() == 0, timeout=5)
        self.assertEqual(self.get_property("Goals1", "Progress")["next_due"], 0)
        self.assert_dbus_error(NOT_FOUND, self.call, "Goals1", "Snooze", "u", 5)
        self.call("Goals1", "Dismiss")  # none pending now: nothing happens
        self.run_for(2)
        self.assertEqual(len(self.reminders()), 1)

        # Until the next session.
        now = int(time.time())
        self.add(now - 10, left=10)
        self.assertEqual(self.next_due(), now + 60)

    def test_restart_does_not_repeat(self):
        self.start_daemon()
        self.set_goal(max_gap_minutes=1)
        due = self.session_due_soon(2)
        self.wait_reminders(1, timeout=10)
        self.stop_daemon()

        self.start_daemon()
        self.assertEqual(self.get_property("Goals1", "Goal")["max_gap_minutes"], 1)
        self.assertEqual(self.next_due(), due)
        self.run_for(3)
        self.assertEqual(len(self.reminders()), 1)

        # A snooze survives a restart too.
        self.call("Goals1", "Snooze", "u", 5)
        until = self.next_due()
        self.stop_daemon()
        self.start_daemon()
        self.assertEqual(self.next_due(), until)
        self.run_for(2)
        self.assertEqual(len(self.reminders()), 1)

        # And a dismissal.
        self.call("Goals1", "Dismiss")
        self.stop_daemon()
        self.start_daemon()
        self.assertEqual(self.next_due(), 0)
        self.run_for(2)
        self.assertEqual(len(self.reminders()), 1)

    def test_due_while_down(self):
        self.start_daemon()
        self.set_goal(max_gap_minutes=1)
        due = self.session_due_soon(4)
        self.stop_daemon()
        self.assertEqual(len(self.reminders()), 0)
        # The due time passes while the daemon is down.
        self.assert_eventually(lambda: time.time() >= due + 1, timeout=10)

        self.start_daemon()
        got = self.wait_reminders(1, timeout=10)
        self.assertEqual(got[0][1], due)
        self.run_for(2)
        self.assertEqual(len(self.reminders()), 1)
        self.stop_daemon()
        self.start_daemon()
        self.run_for(2)
        self.assertEqual(len(self.reminders()), 1)

    def test_progress_and_trend(self):
        self.start_daemon()
        now = int(time.time())
        today = local_day(now)
        noon = datetime.datetime.combine(today, datetime.time(12, 0))

        def days_ago_noon(n):
            return int((noon - datetime.timedelta(days=n)).timestamp())

        # (start, left, right, vol_left, vol_right, supplement)
        sessions = [
            (days_ago_noon(3), 600, 600, 40.0, 35.5, 20.0),
            (days_ago_noon(2), 900, 0, 25.0, None, None),
            (days_ago_noon(2) + 3600, 300, 300, None, None, 30.0),
            (days_ago_noon(1), 600, 600, 12.5, 12.5, None),
            (now - 2 * 3600, 900, 840, 50.0, 45.0, 15.0),
            (now - 3600, 600, 0, 30.0, None, None),
        ]
        for s in sessions:
            self.add(s[0], left=s[1], right=s[2], vol_left=s[3],
                     vol_right=s[4], supplement=s[5], kind="pump")

        def ml(x):
            return x or 0.0

        # Progress: the rolling 24 hours (start after now - 24 h).
        progress = self.get_property("Goals1", "Progress")
        window = [s for s in sessions if s[0] > int(time.time()) - 86400]
        self.assertEqual(progress["sessions"], len(window))
        self.assertEqual(progress["target"], 8)
        self.assertEqual(progress["seconds_left"], sum(s[1] for s in window))
        self.assertEqual(progress["seconds_right"], sum(s[2] for s in window))
        self.assertAlmostEqual(progress["expressed_ml"],
                               round(sum(ml(s[3]) + ml(s[4]) for s in window), 1))
        self.assertAlmostEqual(progress["supplement_ml"],
                               round(sum(ml(s[5]) for s in window), 1))
        last_end = max(s[0] + s[1] + s[2] for s in sessions)
        self.assertEqual(progress["next_due"], last_end + 180 * 60)
        self.assertEqual(self.next_due(), last_end + 180 * 60)

        # Trend: the 7 complete local days before today.
        first_day = today - datetime.timedelta(days=7)
        in_range = [s for s in sessions
                    if first_day <= local_day(s[0]) < today]
        first_session_day = min(local_day(s[0]) for s in sessions)
        days = sum(1 for i in range(1, 8)
                   if today - datetime.timedelta(days=i) >= first_session_day)
        expressed = sum(ml(s[3]) + ml(s[4]) for s in in_range)
        supplement = sum(ml(s[5]) for s in in_range)
        trend = self.get_property("Goals1", "Trend")
        # Rounded to 0.1 mL (half away from zero in the daemon).
        self.assertAlmostEqual(trend["expressed_ml_per_day"],
                               expressed / days, delta=0.051)
        self.assertAlmostEqual(trend["supplement_ml_per_day"],
                               supplement / days, delta=0.051)
        self.assertAlmostEqual(trend["own_milk_share"],
                               expressed / (expressed + supplement))
        milk_days = [local_day(s[0]) for s in sessions if ml(s[3]) + ml(s[4]) > 0]
        self.assertEqual(trend["first_milk_day"], min(milk_days).isoformat())

        # The same after a restart.
        self.stop_daemon()
        self.start_daemon()
        self.assertEqual(self.get_property("Goals1", "Trend"), trend)
        self.assertEqual(self.get_property("Goals1", "Progress")["sessions"],
                         len(window))

    def test_trend_without_volumes(self):
        self.start_daemon()
        trend = self.get_property("Goals1", "Trend")
        self.assertEqual(trend["expressed_ml_per_day"], 0.0)
        self.assertEqual(trend["supplement_ml_per_day"], 0.0)
        self.assertNotIn("own_milk_share", trend)
        self.assertEqual(trend["first_milk_day"], "")
        self.add(int(time.time()) - 3 * 86400, left=600)
        trend = self.get_property("Goals1", "Trend")
        self.assertNotIn("own_milk_share", trend)
        self.assertEqual(trend["first_milk_day"], "")

    def test_progress_changed_signal(self):
        self.start_daemon()
        self.add(int(time.time()) - 600, left=300, vol_left=20.0)
        self.assert_eventually(
            lambda: any("Progress" in s[3][1] for s in self.signals_named("PropertiesChanged")
                        if s[3][0] == GOALS), timeout=5)
        changed = [s for s in self.signals_named("PropertiesChanged")
                   if s[3][0] == GOALS and "Progress" in s[3][1]]
        self.assertEqual(changed[-1][3][1]["Progress"]["sessions"], 1)
        self.assertAlmostEqual(changed[-1][3][1]["Progress"]["expressed_ml"], 20.0)

    def test_backlog_over_simulated_link_coalesced(self):
        self.start_daemon("--simulate=backlog:500")
        self.assert_backlog_coalesced(500)

    def test_backlog_over_bluez_coalesced(self):
        self.start_paired(backlog=500)
        self.assert_backlog_coalesced(500)

    def test_unsynced_records_count_nowhere(self):
        self.start_paired()
        self.wait_idle()
        now = int(time.time())
        # A synced record an hour ago (double, 900 s, 120.5 + 98 mL).
        self.notify("record", record_packet(1, start=now - 3600))
        self.assert_eventually(lambda: len(self.signals_named("SessionAdded")) == 1,
                               timeout=15)
        due = now - 3600 + 900 + 180 * 60
        self.assert_eventually(lambda: self.get_property("Goals1", "NextDue") == due,
                               timeout=5)
        progress = self.get_property("Goals1", "Progress")
        trend = self.get_property("Goals1", "Trend")

        # Unsynced (flag 0x08): erased-flash start, 1970, and a plausible
        # start inside the last 24 hours.
        for seq, start in ((2, START_ERASED), (3, 0), (4, now - 600)):
            self.notify("record", record_packet(seq, start=start, flags=0x18))
        self.assert_eventually(lambda: len(self.signals_named("SessionAdded")) == 4,
                               timeout=15)
        added = {s[3][0]["seq"]: s[3][0] for s in self.signals_named("SessionAdded")}
        self.assertTrue(added[2]["clock_unsynced"])
        self.assertEqual(added[2]["start"], START_ERASED)
        self.assertEqual(added[2]["end"], START_ERASED + 900)
        self.assertEqual(added[3]["start"], 0)
        self.assertFalse(added[1]["clock_unsynced"])

        # Listed as recorded; counted nowhere.
        listed = self.call("History1", "ListSessions", "xx", 0, FAR_FUTURE)
        self.assertEqual(sorted(s["start"] for s in listed),
                         [0, now - 3600, now - 600, START_ERASED])
        until_now = self.call("History1", "ListSessions", "xx", 0, 0)
        self.assertEqual(len(until_now), 3)
        # A round trip after the records: the goals were re-evaluated.
        self.assert_eventually(
            lambda: self.get_property("Goals1", "Progress") == progress
            and self.get_property("Goals1", "NextDue") == due
            and self.get_property("Goals1", "Trend") == trend, timeout=5)
        self.assertEqual(progress["sessions"], 1)
        # The day the record started by its own offset (+60 min), as
        # DailySummary counts it, whatever this machine's zone.
        record_zone = datetime.timezone(datetime.timedelta(minutes=60))
        today = datetime.datetime.fromtimestamp(now - 3600, record_zone).date().isoformat()
        summary = self.call("History1", "DailySummary", "ss", today, today)
        self.assertEqual(summary[0]["sessions"], 1)
        self.assertAlmostEqual(summary[0]["expressed_ml"], 218.5)
        self.assertEqual(self.call("History1", "DailySummary", "ss",
                                   "1970-01-01", "1970-01-01")[0]["sessions"], 0)
        self.assertEqual(self.call("History1", "DailySummary", "ss",
                                   "2106-02-07", "2106-02-07")[0]["sessions"], 0)

    def test_battery_jitter_reminds_once(self):
        self.start_paired()
        self.wait_idle()

        def battery_reminders():
            return [s for s in self.signals_named("ReminderDue", GOALS)
                    if s[3][0] == "battery"]

        def level(percent):
            self.notify("battery", bytes([percent]))

        for _ in range(30):
            level(15)
            level(16)
        level(25)
        self.assert_eventually(lambda: self.sensor()["Battery"] == 25, timeout=15)
        self.drain()
        self.assertEqual(len(battery_reminders()), 1)
        self.assertEqual(battery_reminders()[0][3][2],
                         "Sensor %s battery at 15 %%" % PUMP)
        # Back above 25 %: the next fall reminds again.
        level(26)
        level(14)
        self.assert_eventually(lambda: len(battery_reminders()) == 2, timeout=15)


if __name__ == "__main__":
    unittest.main()
