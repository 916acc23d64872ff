"""The daemon with its simulated sensor (--simulate), end to end through
the real decode, sync, store and D-Bus code.

Run: LACTD_BIN=build/daemon/lactd /usr/bin/python3 -m unittest -v \
         tests/integration/test_sim.py
"""

import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(__file__))
from lactd_testcase import LactdTestCase, Gio  # noqa: E402

SIM_PATH = "/org/lactd/sensor/5E_00_00_5E_00_01"
SENSOR_PROPS = {"Address", "Name", "Kind", "Connected", "Battery", "Model",
                "Firmware", "LastSeen", "LastSync", "SyncState", "LastError",
                "RejectedRecords", "LostRecords", "Live"}
LIVE_KEYS = {"seq", "elapsed", "side", "phase", "active"}


class SimulatedSensorTest(LactdTestCase):

    def sensor(self):
        return self.get_all("Sensor1", path=SIM_PATH)

    def test_backlog_synced_once(self):
        self.start_daemon("--simulate=backlog:300")
        self.assertEqual(self.get_property("Manager1", "BluetoothState"), "simulated")
        self.assertEqual(self.get_property("Manager1", "Sensors"), [SIM_PATH])
        props = self.sensor()
        self.assertEqual(set(props), SENSOR_PROPS)
        self.assertEqual(props["Address"], "5E:00:00:5E:00:01")
        self.assert_eventually(lambda: len(self.signals_named("SessionAdded")) >= 300,
                               timeout=60, message="backlog not synced")
        self.assert_eventually(lambda: self.sensor()["SyncState"] == "idle"
                               and self.sensor()["LastSync"] > 0, timeout=30)
        sessions = self.call("History1", "ListSessions", "xx", 0, 0)
        self.assertEqual(len(sessions), 300)
        seqs = sorted(s["seq"] for s in sessions)
        self.assertEqual(seqs, list(range(1, 301)))
        for s in sessions:
            self.assertEqual(s["source"], "sensor")
            self.assertEqual(s["sensor"], "5E:00:00:5E:00:01")
        props = self.sensor()
        self.assertTrue(props["Connected"])
        self.assertEqual(props["Kind"], "pump")
        self.assertEqual(props["RejectedRecords"], 0)
        self.assertEqual(props["LostRecords"], 0)

        # A restart does not store anything twice: the sensor was trimmed
        # of what was acknowledged, and a Sync() finds nothing new.
        self.stop_daemon()
        self.signals.clear()
        self.start_daemon("--simulate=backlog:300")
        self.assert_eventually(lambda: self.sensor()["Connected"], timeout=30)
        self.call("Sensor1", "Sync", path=SIM_PATH)
        # The restarted simulated sensor holds its backlog again (it lives in
        # the daemon's process), under the same epoch: every record comes
        # again and must be recognised as stored.
        self.assertEqual(len(self.call("History1", "ListSessions", "xx", 0, 0)), 300)

    def test_live_session_becomes_record(self):
        self.start_daemon("--simulate=session")
        started = self.wait_for_signal("SessionStarted", timeout=60)
        sensor_path, seq = started[0][3]
        self.assertEqual(sensor_path, SIM_PATH)
        self.assertGreaterEqual(seq, 1)
        self.assert_eventually(lambda: self.sensor()["Live"] != {}, timeout=10)
        live = self.sensor()["Live"]
        self.assertTrue(LIVE_KEYS <= set(live), live)
        self.assertTrue(live["active"])
        progress = self.wait_for_signal("Progress", count=3, timeout=20)
        self.assertEqual(progress[0][3][0], SIM_PATH)
        elapsed = [p[3][1]["elapsed"] for p in progress]
        self.assertEqual(elapsed, sorted(elapsed))
        ended = self.wait_for_signal("SessionEnded", timeout=120)
        self.assertEqual(ended[0][3], (SIM_PATH, seq))
        # Stored within seconds of its end.
        self.assert_eventually(
            lambda: any(s[3][0]["seq"] == seq for s in self.signals_named("SessionAdded")),
            timeout=15, message="finished session not stored")
        self.assertEqual(self.sensor()["Live"], {})
        stored = [s for s in self.call("History1", "ListSessions", "xx", 0, 0)
                  if s["seq"] == seq]
        self.assertEqual(len(stored), 1)
        self.assertEqual(stored[0]["kind"], "pump")
        self.assertGreater(stored[0]["end"], stored[0]["start"])
        self.assertEqual(self.get_property("Goals1", "Progress")["sessions"], 1)

    def test_malformed_records_kept_aside(self):
        self.start_daemon("--simulate=malformed")
        self.assert_eventually(lambda: self.sensor()["RejectedRecords"] > 0
                               and self.sensor()["SyncState"] != "syncing",
                               timeout=60)
        rejected = self.sensor()["RejectedRecords"]
        sessions = self.call("History1", "ListSessions", "xx", 0, 0)
        # Nothing malformed became a session, and the good ones did.
        self.assertGreater(len(sessions), 0)
        self.assertIsNone(self.daemon.poll())
        self.stop_daemon()
        self.start_daemon("--simulate=malformed")
        self.assert_eventually(lambda: self.sensor()["SyncState"] == "idle", timeout=60)
        self.assertEqual(self.sensor()["RejectedRecords"], rejected,
                         "a rejected record must be counted once")

    def test_sync_method(self):
        self.start_daemon("--simulate=backlog:20")
        self.assert_eventually(lambda: self.sensor()["Connected"], timeout=30)
        self.call("Sensor1", "Sync", path=SIM_PATH)
        self.assertEqual(len(self.call("History1", "ListSessions", "xx", 0, 0)), 20)
        self.assertEqual(self.sensor()["SyncState"], "idle")

    def test_discover_pair_forget(self):
        """The simulated transport answers Manager1 like a real one: the
        sensor is always in range and pairable, nothing else is."""
        self.start_daemon("--simulate=backlog:3")
        self.assert_eventually(lambda: self.sensor()["Kind"] == "pump"
                               and self.sensor()["SyncState"] == "idle"
                               and self.sensor()["LastSync"] > 0, timeout=30)
        self.assertEqual(self.call("Manager1", "Discover", "u", 1),
                         [("5E:00:00:5E:00:01", "lactd simulated sensor",
                           "pump", "", -40)])
        self.assertEqual(self.call("Manager1", "Pair", "s", "5e:00:00:5e:00:01"),
                         SIM_PATH)
        self.assert_dbus_error("org.lactd.Error.PairingFailed", self.call,
                               "Manager1", "Pair", "s", "C0:FF:EE:00:00:01")
        self.assert_dbus_error("org.lactd.Error.NotFound", self.call,
                               "Manager1", "ConfirmPairing", "sb",
                               "5E:00:00:5E:00:01", True)

        self.call("Manager1", "Forget", "o", SIM_PATH)
        self.assertEqual(self.get_property("Manager1", "Sensors"), [])
        self.assertEqual(len(self.call("History1", "ListSessions", "xx", 0, 0)), 3)
        # Still in range, no longer known: its kind is unknown again.
        self.assertEqual(self.call("Manager1", "Discover", "u", 1),
                         [("5E:00:00:5E:00:01", "lactd simulated sensor",
                           "unknown", "", -40)])
        self.assertEqual(self.call("Manager1", "Pair", "s", "5E:00:00:5E:00:01"),
                         SIM_PATH)
        self.assertEqual(self.get_property("Manager1", "Sensors"), [SIM_PATH])
        self.assert_eventually(lambda: self.sensor()["Connected"], timeout=30)

    def test_real_daemon_refuses_the_simulated_address(self):
        self.start_daemon()
        self.assert_dbus_error("org.lactd.Error.InvalidArgs", self.call,
                               "Manager1", "Pair", "s", "5E:00:00:5E:00:01")
        self.assertEqual(self.get_property("Manager1", "Sensors"), [])

    def test_simulated_sensor_not_shown_without_simulate(self):
        self.start_daemon("--simulate=backlog:5")
        self.assert_eventually(
            lambda: len(self.call("History1", "ListSessions", "xx", 0, 0)) == 5, timeout=30)
        self.stop_daemon()
        self.start_daemon()
        self.assertEqual(self.get_property("Manager1", "Sensors"), [])
        self.assertEqual(self.get_property("Manager1", "BluetoothState"), "no-bluez")


if __name__ == "__main__":
    unittest.main(verbosity=2)
