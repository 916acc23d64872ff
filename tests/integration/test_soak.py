"""The soak: the real lactd against the fake bluetoothd (tests/fakebluez),
killed (SIGKILL) and cut off (link dropped) at a thousand random points of
its syncs each, judged against the fake sensor's ground truth: every record
the sensor ever stored is in lactd's database exactly once, the sensor
deleted nothing lactd had not received ("deleted_unsent" 0), and
LostRecords is 0.

Each fault is armed in the fake (FakeBluez1.InjectFault) at a random point
of the exchange: the n-th GATT read (step 1, the Features read of a run),
RACP write (count, report, delete, abort), record notification, applied
delete (before its 0x06) or RACP indication, plus a random 0-5 ms delay so
that the kill or drop lands anywhere in what lactd does next (a commit, a
delete in flight, ...). A kill or drop fires only at such an event, so
every one counted happened mid-sync. The drop soak also loses a record or
an indication in transit now and then (sync step 4's short reports, and a
0x06 that never comes).

To fit in minutes, the daemon runs with the test-only timeouts
LACTD_TEST_PROCEDURE_MS, LACTD_TEST_STRAGGLER_MS and LACTD_TEST_RERUN_MS
(tests/README.md), the fake auto-connects every 10 ms and connects and
resolves in 5 ms, and the sensor reports 4 records per 1 ms tick.

    meson test -C BUILD --suite soak --print-errorlogs
or by hand (figures on stderr):
    LACTD_BIN=BUILD/daemon/lactd \\
    FAKE_BLUETOOTHD=BUILD/tests/fakebluez/fake-bluetoothd \\
    /usr/bin/python3 -m unittest -v tests/integration/test_soak.py
LACTD_SOAK_KILLS, LACTD_SOAK_DROPS (default 1000 each) and LACTD_SOAK_SEED
(default 1) set the counts and the random sequence.
"""

import collections
import os
import random
import signal
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(__file__))
from lactd_testcase import BUS_NAME, Gio, GLib  # noqa: E402
from test_bluez import PUMP, BluezTestCase, sensor_path  # noqa: E402

KILLS = int(os.environ.get("LACTD_SOAK_KILLS", "1000"))
DROPS = int(os.environ.get("LACTD_SOAK_DROPS", "1000"))
SEED = int(os.environ.get("LACTD_SOAK_SEED", "1"))

# Test-only waits of the daemon (milliseconds).
TEST_TIMEOUTS = {
    "LACTD_TEST_PROCEDURE_MS": "400",
    "LACTD_TEST_STRAGGLER_MS": "50",
    "LACTD_TEST_RERUN_MS": "50",
}
FAST_SENSOR = {"records_per_tick": 4, "connect_delay_ms": 5,
               "resolve_delay_ms": 5, "fail_delay_ms": 20}
# Every this many faults, a sync runs undisturbed to its end, so that the
# backlog stays small and deletes keep happening.
CLEAN_EVERY = 8


def pick_fault(rng, batch, lose=False):
    """(event, n): a random point of one sync of about `batch` records.
    Step 1 reads Features, model, firmware, battery and time (5 reads; a
    later run reads Features once); writes are count (maybe an abort and
    the count again), report, delete; indications the count, the report's
    0x06 and the delete's."""
    if lose:
        return rng.choice([("record", rng.randint(1, batch)),
                           ("record", 1),
                           ("response", rng.randint(1, 3)),
                           ("delete", 1)])
    return rng.choice([("read", rng.randint(1, 5)),
                       ("write", rng.randint(1, 3)),
                       ("record", rng.randint(1, batch)),
                       ("record", rng.randint(1, batch)),
                       ("delete", 1),
                       ("response", rng.randint(1, 3))])


class SoakTest(BluezTestCase):

    fake_args = ["--autoconnect-ms", "10"]

    def setUp(self):
        self._saved_env = {k: os.environ.get(k) for k in TEST_TIMEOUTS}
        os.environ.update(TEST_TIMEOUTS)
        super().setUp()
        self.rng = random.Random(SEED)
        self._asked = 0.0

    def tearDown(self):
        try:
            super().tearDown()
        finally:
            for key, value in self._saved_env.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value

    # ------------------------------------------------------------ helpers

    def wait_for(self, condition, timeout, message):
        """Runs the main loop until condition() holds, waking every 5 ms."""
        ctx = GLib.main_context_default()
        deadline = time.monotonic() + timeout
        while not condition():
            if time.monotonic() > deadline:
                raise AssertionError(message)
            src = GLib.timeout_source_new(5)
            src.set_callback(lambda *a: False)
            src.attach(ctx)
            ctx.iteration(True)
            src.destroy()

    def reap_daemon(self):
        """After lactd died (or to kill it): SIGKILL, close its log, wait
        until its bus name is free for the next one."""
        if self.daemon.poll() is None:
            self.daemon.send_signal(signal.SIGKILL)
        self.daemon.wait(timeout=30)
        self.daemon = None
        self._log_file.close()
        self.wait_for(lambda: not self.name_has_owner(BUS_NAME), 10,
                      "org.lactd still owned after lactd died")

    def sync_now(self):
        """Sensor1.Sync without waiting for its answer (a fault may end the
        sync, or the daemon, before it comes)."""
        self.session_con.call(BUS_NAME, sensor_path(PUMP), "org.lactd.Sensor1",
                              "Sync", None, None,
                              Gio.DBusCallFlags.NO_AUTO_START, 60000, None,
                              lambda con, res: self._ignore_reply(con, res))

    @staticmethod
    def _ignore_reply(con, res):
        try:
            con.call_finish(res)
        except GLib.Error:
            pass

    def nudge(self):
        """Asks for a sync unless one runs: a run that failed on the last
        fault is not retried by itself (a dropped link is: reconnecting
        syncs)."""
        if (time.monotonic() - self._asked > 0.3
                and self.sensor(PUMP)["Connected"]
                and self.sensor(PUMP)["SyncState"] != "syncing"):
            self._asked = time.monotonic()
            self.sync_now()

    def synced(self, total):
        fake = self.fake_sensor(PUMP)
        return (fake["high"] == total and fake["stored"] == 0
                and not fake["procedure_running"])

    def assert_ground_truth(self, total, what, count, started):
        """Everything the sensor ever stored, in the database exactly once;
        nothing deleted unseen; nothing counted lost."""
        seqs = self.stored_seqs(PUMP)
        fake = self.fake_sensor(PUMP)
        props = self.sensor(PUMP)
        missing = sorted(set(range(1, total + 1)) - set(seqs))
        duplicated = len(seqs) - len(set(seqs))
        sys.stderr.write(
            "\n%s: %d mid-sync in %.1f s; %d records, %d lost, %d duplicated, "
            "%d deleted unseen, LostRecords %d, %d faults fired by the fake\n"
            % (what, count, time.monotonic() - started, total, len(missing),
               duplicated, fake["deleted_unsent"], props["LostRecords"],
               fake["faults_fired"]))
        self.assertEqual(missing, [])
        self.assertEqual(duplicated, 0)
        self.assertEqual(sorted(seqs), list(range(1, total + 1)))
        self.assertEqual(fake["deleted_unsent"], 0)
        self.assertEqual(fake["highest_delete"], total)
        self.assertEqual(props["LostRecords"], 0)
        self.assertEqual(props["RejectedRecords"], 0)

    def start_paired(self):
        self.add_sensor(PUMP, backlog=0, **FAST_SENSOR)
        self.start_daemon()
        self.pair(PUMP)
        self.wait_connected(PUMP)

    # -------------------------------------------------------------- soak

    def test_daemon_killed_mid_sync(self):
        self.start_paired()
        total = kills = cycles = 0
        points = collections.Counter()
        started = time.monotonic()
        while kills < KILLS:
            cycles += 1
            # The sensor stores more while lactd is down; a restarted lactd
            # adopts the link and syncs at once.
            if self.daemon is not None:
                self.reap_daemon()
            # Smaller than the drop soak's: a restart costs more as the
            # database grows, and a kill needs no long report to land in.
            batch = self.rng.randint(1, 20)
            self.ctl("AddRecords", "(su)", PUMP, batch)
            total += batch
            clean = cycles % CLEAN_EVERY == 0
            if not clean:
                event, n = pick_fault(self.rng, batch)
                self.ctl("InjectFault", "(ssusu)", PUMP, event, n, "kill",
                         self.rng.choice([0, 0, 1, 2, 5]))
            self.start_daemon(wait=False)
            self.wait_for(lambda: self.daemon.poll() is not None
                          or (self.synced(total)
                              and self.name_has_owner(BUS_NAME)),
                          30, "cycle %d: neither killed nor synced (%s)"
                          % (cycles, self.fake_sensor(PUMP)))
            if self.daemon.poll() is not None:
                self.assertEqual(self.daemon.returncode, -signal.SIGKILL)
                kills += 1
                points[event] += 1
                if kills % 100 == 0:
                    sys.stderr.write("\n%d kills, %d records: %.1f s, "
                                     "database %d KB"
                                     % (kills, total,
                                        time.monotonic() - started,
                                        self.db_bytes() // 1024))
            else:
                self.ctl("ClearFault", "(s)", PUMP)
            self.assertEqual(self.fake_sensor(PUMP)["deleted_unsent"], 0,
                             "cycle %d deleted a record unseen" % cycles)
        self.reap_daemon()
        self.ctl("ClearFault", "(s)", PUMP)
        self.start_daemon()
        self.wait_for(lambda: self.synced(total), 60, "not synced at the end")
        self.wait_synced(PUMP, total)
        self.assert_ground_truth(total, "%d cycles, kills (%s)" % (
            cycles, ", ".join("%d at %s" % (n, e) for e, n in
                              sorted(points.items()))), kills, started)

    def test_link_dropped_mid_sync(self):
        self.start_paired()
        total = drops = losses = cycles = 0
        points = collections.Counter()
        started = time.monotonic()
        while drops < DROPS:
            cycles += 1
            batch = self.rng.randint(1, 40)
            fake = self.fake_sensor(PUMP)
            self.ctl("AddRecords", "(su)", PUMP, batch)
            total += batch
            fired = fake["faults_fired"]
            clean = cycles % CLEAN_EVERY == 0
            # A loss in transit where the sensor holds only new records, so
            # that a record lost is one lactd never saw: acknowledging past
            # it would delete it unseen (deleted_unsent).
            lose = (not clean and fake["stored"] == 0
                    and self.rng.random() < 0.4)
            if not clean:
                event, n = pick_fault(self.rng, batch, lose)
                self.ctl("InjectFault", "(ssusu)", PUMP, event, n,
                         "lose" if lose else "drop",
                         self.rng.choice([0, 0, 1, 2, 5]))
            self._asked = 0.0

            def fault_or_synced():
                if (self.fake_sensor(PUMP)["faults_fired"] > fired
                        or self.synced(total)):
                    return True
                self.nudge()
                return False
            self.wait_for(fault_or_synced, 30,
                          "cycle %d: no fault and no sync (%s)"
                          % (cycles, self.fake_sensor(PUMP)))
            if self.fake_sensor(PUMP)["faults_fired"] > fired:
                if lose:
                    losses += 1
                else:
                    drops += 1
                    points[event] += 1
                    if drops % 100 == 0:
                        sys.stderr.write("\n%d drops, %d records: %.1f s"
                                         % (drops, total,
                                            time.monotonic() - started))
            else:
                self.ctl("ClearFault", "(s)", PUMP)
            self.assertEqual(self.fake_sensor(PUMP)["deleted_unsent"], 0,
                             "cycle %d deleted a record unseen" % cycles)
        self.ctl("ClearFault", "(s)", PUMP)
        self.wait_connected(PUMP)

        def synced_again():
            if self.synced(total):
                return True
            self.nudge()
            return False
        self.wait_for(synced_again, 60, "not synced at the end")
        self.wait_synced(PUMP, total)
        self.assert_ground_truth(total, "%d cycles (%d records or "
                                 "indications lost in transit), drops (%s)"
                                 % (cycles, losses, ", ".join(
                                     "%d at %s" % (n, e) for e, n in
                                     sorted(points.items()))), drops, started)
        self.assertEqual(self.daemon.poll(), None)


if __name__ == "__main__":
    unittest.main(verbosity=2)
