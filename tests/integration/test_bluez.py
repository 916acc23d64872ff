"""The real lactd against the fake bluetoothd (tests/fakebluez) on private
system and session buses, driven only through org.lactd.

The fake serves org.bluez like bluetoothd 5.66 where python-dbusmock's
bluez5 template does not (GATT objects, Pair keeps UUIDs, Connect sets
Connected then ServicesResolved, InterfacesAdded/Removed, agent callbacks,
GattManager1 auto-connect) and its sensors speak LSP v1 with the project's
encoder. Tests steer it through org.lactd.FakeBluez1 on "/".

Run (from a build directory made with `meson setup BUILD`):
    meson test -C BUILD integration-bluez
or by hand:
    LACTD_BIN=BUILD/daemon/lactd \
    FAKE_BLUETOOTHD=BUILD/tests/fakebluez/fake-bluetoothd \
    /usr/bin/python3 -m unittest -v tests/integration/test_bluez.py
LACTD_BLUEZ_DROPS=N sets how many random mid-sync link drops the drop test
runs (default 50).
"""

import os
import random
import re
import signal
import struct
import subprocess
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(__file__))
from lactd_testcase import LactdTestCase, Gio, GLib  # noqa: E402

PUMP = "C0:FF:EE:00:00:01"
SNS = "C0:FF:EE:00:00:02"
LSP_SERVICE = "f4680001-3aa1-4859-ac7b-48a5f3f7ceae"
DROPS = int(os.environ.get("LACTD_BLUEZ_DROPS", "50"))
KILLS = int(os.environ.get("LACTD_BLUEZ_KILLS", "50"))


def live_packet(flags=0x1b, seq=42, elapsed=754, left=1234, right=0xFFFF,
                supplement=0, suction=7, battery=85):
    """A Live Progress packet (docs/protocol.md), valid by default."""
    return struct.pack("<BIHHHHBB", flags, seq, elapsed, left, right,
                       supplement, suction, battery)


def record_packet(seq, start=None, offset=4, flags=0x10, secs=(900, 900),
                  volumes=(1205, 980), supplement=0xFFFF):
    """A Session Record packet (docs/protocol.md), valid by default."""
    start = int(time.time()) - 3600 if start is None else start
    return struct.pack("<IIbBHHHHH", seq, start, offset, flags, secs[0],
                       secs[1], volumes[0], volumes[1], supplement)


def sensor_path(address):
    return "/org/lactd/sensor/" + address.replace(":", "_")


def fake_bin():
    path = os.environ.get("FAKE_BLUETOOTHD")
    if not path:
        raise unittest.SkipTest("FAKE_BLUETOOTHD is not set")
    return path


class BluezTest(LactdTestCase):

    def setUp(self):
        super().setUp()
        self.fake = None
        self.fake_state = os.path.join(self.tmpdir, "fake-bluetoothd.ini")
        self.fake_log_path = os.path.join(self.tmpdir, "fake-bluetoothd.log")
        self.start_fake()
        self.ctl("AddAdapter", "(sb)", "hci0", True)

    def tearDown(self):
        if self._outcome_failed():
            try:
                with open(self.fake_log_path, errors="replace") as f:
                    sys.stderr.write("\n---- fake-bluetoothd log ----\n"
                                     + f.read() + "---- end ----\n")
            except FileNotFoundError:
                pass
        try:
            super().tearDown()
        finally:
            self.stop_fake()

    # -------------------------------------------------------- the fake

    def start_fake(self):
        self._fake_log = open(self.fake_log_path, "ab")
        self.fake = subprocess.Popen([fake_bin(), "--state", self.fake_state],
                                     stdout=self._fake_log,
                                     stderr=subprocess.STDOUT)
        self.assert_eventually(
            lambda: self.name_has_owner("org.bluez", self.system_con),
            timeout=10, message="fake bluetoothd did not take org.bluez")

    def stop_fake(self, sig=signal.SIGTERM):
        if self.fake is None:
            return
        self.fake.send_signal(sig)
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

    def add_sensor(self, address, kind="pump", backlog=0, passkey_mode="none",
                   name=None, records_per_tick=16, autoconnect=True):
        opts = {"backlog": GLib.Variant("u", backlog),
                "passkey_mode": GLib.Variant("s", passkey_mode),
                "passkey": GLib.Variant("u", 123456),
                "records_per_tick": GLib.Variant("u", records_per_tick),
                "no_autoconnect": GLib.Variant("b", not autoconnect)}
        self.ctl("AddSensor", "(sssa{sv})", address,
                 name or ("Pump" if kind == "pump" else "SNS Flow"), kind, opts)

    def fake_sensor(self, address):
        return self.ctl("GetSensor", "(s)", address)

    # ------------------------------------------------------- the daemon

    def sensor(self, address):
        return self.get_all("Sensor1", path=sensor_path(address))

    def sessions(self):
        return self.call("History1", "ListSessions", "xx", 0, 0)

    def pair(self, address):
        path = self.call("Manager1", "Pair", "s", address, timeout=60000)
        self.assertEqual(path, sensor_path(address))
        return path

    def wait_synced(self, address, total, timeout=60):
        """Every record stored on the daemon, acknowledged and deleted on
        the sensor."""
        self.assert_eventually(
            lambda: len(self.sessions()) >= total
            and self.fake_sensor(address)["stored"] == 0,
            timeout=timeout,
            message="%s not synced to %d sessions (have %d, sensor %s)" % (
                address, total, len(self.sessions()),
                self.fake_sensor(address)))

    def wait_connected(self, address, connected=True, timeout=15):
        self.assert_eventually(
            lambda: self.sensor(address)["Connected"] == connected,
            timeout=timeout,
            message="%s Connected != %s" % (address, connected))

    def assert_unique_seqs(self, address, expected):
        seqs = sorted(s["seq"] for s in self.sessions() if s["sensor"] == address)
        self.assertEqual(seqs, list(range(1, expected + 1)))

    # ------------------------------------------------------------ tests

    def test_first_pairing_and_sync_of_500_records(self):
        self.add_sensor(PUMP, backlog=500, passkey_mode="display")
        self.start_daemon()
        self.assertEqual(self.get_property("Manager1", "BluetoothState"), "ready")
        found = self.call("Manager1", "Discover", "u", 2)
        self.assertEqual([(f[0], f[1], f[2], f[3]) for f in found],
                         [(PUMP, "Pump", "unknown",
                           "/org/bluez/hci0/dev_C0_FF_EE_00_00_01")])
        self.assertLess(found[0][4], 0)
        self.pair(PUMP)
        passkeys = self.wait_for_signal("PairingPasskey")
        self.assertEqual(passkeys[0][3], (PUMP, 123456))
        self.assertEqual(self.get_property("Manager1", "Sensors"),
                         [sensor_path(PUMP)])
        self.wait_synced(PUMP, 500)
        self.assert_unique_seqs(PUMP, 500)
        props = self.sensor(PUMP)
        self.assertTrue(props["Connected"])
        self.assertEqual(props["Kind"], "pump")
        self.assertEqual(props["Name"], "Pump")
        self.assertEqual(props["LastError"], "")
        self.assertEqual(props["LostRecords"], 0)
        self.assertEqual(self.fake_sensor(PUMP)["highest_delete"], 500)
        # Pairing again answers with the same path.
        self.pair(PUMP)

    def test_live_session_becomes_record(self):
        self.add_sensor(PUMP, backlog=3)
        self.start_daemon()
        self.pair(PUMP)
        self.wait_synced(PUMP, 3)
        seq = self.ctl("StartSession", "(su)", PUMP, 5)
        self.assertEqual(seq, 4)
        started = self.wait_for_signal("SessionStarted")
        self.assertEqual(started[0][3], (sensor_path(PUMP), 4))
        self.wait_for_signal("Progress", count=3)
        self.wait_for_signal("SessionEnded")
        self.wait_synced(PUMP, 4, timeout=20)
        self.assert_unique_seqs(PUMP, 4)

    def test_link_dropped_at_random_points_mid_sync(self):
        rng = random.Random(int(os.environ.get("LACTD_BLUEZ_SEED", "1")))
        self.add_sensor(PUMP, backlog=0)
        self.start_daemon()
        self.pair(PUMP)
        self.wait_connected(PUMP)
        total = 0
        started = time.monotonic()
        for _ in range(DROPS):
            batch = rng.randint(2, 40)
            self.ctl("DropAfterRecords", "(su)", PUMP, rng.randint(1, batch))
            self.ctl("AddRecords", "(su)", PUMP, batch)
            total += batch
            # A reconnection starts a sync, which the sensor drops mid-way.
            self.ctl("DropLink", "(s)", PUMP)
            self.wait_synced(PUMP, total, timeout=60)
        sys.stderr.write("\n%d random drops in %.1f s\n"
                         % (DROPS, time.monotonic() - started))
        self.assert_unique_seqs(PUMP, total)
        self.assertEqual(self.fake_sensor(PUMP)["highest_delete"], total)
        self.assertEqual(self.sensor(PUMP)["LostRecords"], 0)

    def test_daemon_killed_at_random_points_mid_sync(self):
        rng = random.Random(int(os.environ.get("LACTD_BLUEZ_SEED", "1")))
        # About 1000 records/s, a BLE link's pace: a report lasts long
        # enough for a kill to land inside it.
        self.add_sensor(PUMP, backlog=0, records_per_tick=1)
        self.start_daemon()
        self.pair(PUMP)
        self.wait_connected(PUMP)
        total = 0
        mid_report = 0
        started = time.monotonic()
        for _ in range(KILLS):
            batch = rng.randint(50, 300)
            self.ctl("AddRecords", "(su)", PUMP, batch)
            total += batch
            sent = self.fake_sensor(PUMP)["records_sent"]
            # Reconnecting starts a sync of the batch; once its report has
            # begun, the kill lands anywhere from inside the report to
            # after the delete.
            self.ctl("DropLink", "(s)", PUMP)
            self.assert_eventually(
                lambda: self.fake_sensor(PUMP)["records_sent"] > sent,
                timeout=30, message="no report after reconnecting")
            time.sleep(rng.uniform(0.0, batch / 1000.0 + 0.1))
            self.kill_daemon()
            if self.fake_sensor(PUMP)["stored"] > 0:
                mid_report += 1
            self.start_daemon()
            self.wait_synced(PUMP, total, timeout=60)
        sys.stderr.write("\n%d random kills (%d before the delete) in %.1f s\n"
                         % (KILLS, mid_report, time.monotonic() - started))
        self.assert_unique_seqs(PUMP, total)
        self.assertEqual(self.fake_sensor(PUMP)["highest_delete"], total)
        self.assertEqual(self.sensor(PUMP)["LostRecords"], 0)
        # Most kills must hit a sync in flight, or this proved little.
        self.assertGreaterEqual(mid_report, KILLS // 4)

    def test_thousand_malformed_packets_of_every_kind(self):
        self.add_sensor(PUMP, backlog=3)
        self.start_daemon()
        self.pair(PUMP)
        self.wait_synced(PUMP, 3)
        before = self.sensor(PUMP)
        future = int(time.time()) + 30 * 86400
        # (characteristic, value, times): 1000 packets in all.
        bad = [
            ("live", b"", 25),
            ("live", live_packet()[:14], 25),
            ("live", live_packet() + b"\0", 25),
            ("live", live_packet(flags=0x3b), 25),
            ("live", live_packet(seq=0), 25),
            ("live", live_packet(elapsed=14401), 25),
            ("live", live_packet(left=10001), 25),
            ("live", live_packet(supplement=20000), 25),
            ("live", live_packet(suction=16), 25),
            ("live", live_packet(battery=101), 25),
            ("racp", b"", 50),
            ("racp", b"\x09\x00\x01\x01", 50),
            ("racp", b"\x06\x01\x01\x01", 50),
            ("racp", b"\x05\x00\x01", 50),
            ("racp", b"\x06\x00\x01\x01\x00", 50),
            ("battery", b"", 50),
            ("battery", b"\x65", 50),
            ("battery", b"\xff", 50),
            ("battery", b"\x50\x50", 100),
            # Records: one kept per readable number, every unreadable one.
            ("record", b"\x07\x00\x00", 40),
            ("record", record_packet(1000)[:19], 30),
            ("record", record_packet(1001) + b"\0", 30),
            ("record", record_packet(1002, flags=0x13), 30),
            ("record", record_packet(1003, flags=0x30), 30),
            ("record", record_packet(1004, secs=(14401, 0)), 30),
            ("record", record_packet(1005, volumes=(20000, 0)), 30),
            ("record", record_packet(1006, start=future), 30),
        ]
        self.assertEqual(sum(n for _, _, n in bad), 1000)
        for ch, value, times in bad:
            sent = self.ctl("NotifyRaw", "(ssayu)", PUMP, ch, value, times)
            self.assertTrue(sent, "%s not subscribed" % ch)
        expect_packets = sum(n for ch, _, n in bad if ch != "record")
        expect_records = sum(n for ch, _, n in bad if ch == "record")
        expect_kept = 40 + 7

        def counts():
            log = self.read_log()
            return (len(re.findall(r"malformed (live-progress|racp|"
                                   r"battery-level) packet ignored", log)),
                    len(re.findall(r"record \d+ rejected", log)))
        self.assert_eventually(
            lambda: counts() == (expect_packets, expect_records)
            and self.sensor(PUMP)["RejectedRecords"]
            == before["RejectedRecords"] + expect_kept,
            timeout=30, message="counts %s, RejectedRecords %d" % (
                counts(), self.sensor(PUMP)["RejectedRecords"]))
        # Still up, nothing stored from them, nothing they claimed taken.
        after = self.sensor(PUMP)
        self.assertEqual(self.daemon.poll(), None)
        self.assertEqual(len(self.sessions()), 3)
        self.assertEqual(after["Battery"], before["Battery"])
        self.assertEqual(after["Live"], before["Live"])
        self.assertEqual(after["LostRecords"], 0)
        self.assertEqual(self.signals_named("SessionStarted"), [])
        # Numbers 1000-1006 arrived outside a procedure: they never move
        # the acknowledged point, so the next records still sync.
        self.ctl("AddRecords", "(su)", PUMP, 4)
        self.call("Sensor1", "Sync", path=sensor_path(PUMP), timeout=60000)
        self.wait_synced(PUMP, 7)
        self.assert_unique_seqs(PUMP, 7)
        self.assertEqual(self.fake_sensor(PUMP)["highest_delete"], 7)

    def test_bluetoothd_restart(self):
        self.add_sensor(PUMP, backlog=10)
        self.start_daemon()
        self.pair(PUMP)
        self.wait_synced(PUMP, 10)
        self.stop_fake(signal.SIGKILL)
        self.assert_eventually(
            lambda: self.get_property("Manager1", "BluetoothState") == "no-bluez")
        self.wait_connected(PUMP, False)
        self.start_fake()
        self.assert_eventually(
            lambda: self.get_property("Manager1", "BluetoothState") == "ready")
        # The new bluetoothd auto-connects through the re-registered
        # profile, and notifications are subscribed again.
        self.wait_connected(PUMP, True)
        apps = self.ctl("GetApplications")
        self.assertIn(("hci0", [LSP_SERVICE]), apps)
        self.ctl("AddRecords", "(su)", PUMP, 15)
        self.call("Sensor1", "Sync", path=sensor_path(PUMP))
        self.wait_synced(PUMP, 25)
        seq = self.ctl("StartSession", "(su)", PUMP, 3)
        self.wait_for_signal("SessionEnded")
        self.wait_synced(PUMP, seq)
        self.assert_unique_seqs(PUMP, seq)

    def test_adapter_power_cycle(self):
        self.add_sensor(PUMP, backlog=5)
        self.start_daemon()
        self.pair(PUMP)
        self.wait_synced(PUMP, 5)
        self.ctl("SetPowered", "(sb)", "hci0", False)
        self.assert_eventually(
            lambda: self.get_property("Manager1", "BluetoothState") == "off")
        self.wait_connected(PUMP, False)
        self.ctl("AddRecords", "(su)", PUMP, 6)
        attempts = self.fake_sensor(PUMP)["connect_attempts"]
        self.ctl("SetPowered", "(sb)", "hci0", True)
        self.assert_eventually(
            lambda: self.get_property("Manager1", "BluetoothState") == "ready")
        self.wait_synced(PUMP, 11)
        self.assertGreater(self.fake_sensor(PUMP)["connect_attempts"], attempts)

    def test_out_of_range_then_back(self):
        self.add_sensor(PUMP, backlog=2)
        self.start_daemon()
        self.pair(PUMP)
        self.wait_synced(PUMP, 2)
        before = self.fake_sensor(PUMP)["connect_attempts"]
        self.ctl("SetInRange", "(sb)", PUMP, False)
        self.wait_connected(PUMP, False)
        self.ctl("AddRecords", "(su)", PUMP, 4)
        # Away for ~6 s: the backup loop backs off (1, 2, 4 s ± 25 %).
        self.assert_eventually(
            lambda: self.fake_sensor(PUMP)["connect_attempts"] - before >= 3,
            timeout=12)
        tries = self.fake_sensor(PUMP)["connect_attempts"] - before
        self.assertLessEqual(tries, 5)
        self.ctl("SetInRange", "(sb)", PUMP, True)
        self.wait_synced(PUMP, 6, timeout=20)
        self.assertTrue(self.sensor(PUMP)["Connected"])

    def test_record_epoch_reset(self):
        self.add_sensor(PUMP, backlog=10)
        self.start_daemon()
        self.pair(PUMP)
        self.wait_synced(PUMP, 10)
        self.ctl("ResetEpoch", "(suu)", PUMP, 77, 4)
        self.ctl("DropLink", "(s)", PUMP)
        self.wait_synced(PUMP, 14)
        sessions = [s for s in self.sessions() if s["sensor"] == PUMP]
        self.assertEqual(len(sessions), 14)
        self.assertEqual(sorted(s["seq"] for s in sessions),
                         sorted(list(range(1, 11)) + list(range(1, 5))))
        self.assertEqual(self.sensor(PUMP)["LostRecords"], 0)

    def test_bond_lost_sets_last_error(self):
        self.add_sensor(PUMP, backlog=1)
        self.start_daemon()
        self.pair(PUMP)
        self.wait_synced(PUMP, 1)
        self.ctl("ForgetBond", "(s)", PUMP)
        self.ctl("DropLink", "(s)", PUMP)
        self.assert_eventually(
            lambda: "bond lost" in self.sensor(PUMP)["LastError"], timeout=15)
        error = self.sensor(PUMP)["LastError"]
        self.assertIn("lactctl forget %s" % PUMP, error)
        self.assertIn("lactctl pair %s" % PUMP, error)
        # Forget and pair again: the error goes and syncing resumes.
        self.call("Manager1", "Forget", "o", sensor_path(PUMP))
        self.assertEqual(self.get_property("Manager1", "Sensors"), [])
        self.ctl("AddRecords", "(su)", PUMP, 2)
        self.pair(PUMP)
        self.wait_synced(PUMP, 3)
        self.assertEqual(self.sensor(PUMP)["LastError"], "")

    def test_two_sensors_at_once(self):
        self.add_sensor(PUMP, backlog=120)
        self.add_sensor(SNS, kind="sns", backlog=80, passkey_mode="confirm")
        self.start_daemon()
        self.pair(PUMP)
        self.pair(SNS)
        self.wait_synced(PUMP, 200)
        self.wait_synced(SNS, 200)
        self.assert_unique_seqs(PUMP, 120)
        self.assert_unique_seqs(SNS, 80)
        self.assertEqual(self.sensor(SNS)["Kind"], "sns")
        self.assertEqual(sorted(self.get_property("Manager1", "Sensors")),
                         sorted([sensor_path(PUMP), sensor_path(SNS)]))
        kinds = {s["kind"] for s in self.sessions() if s["sensor"] == SNS}
        self.assertEqual(kinds, {"sns"})

    def test_malformed_records_kept_aside(self):
        self.add_sensor(PUMP, backlog=5)
        self.ctl("InjectMalformed", "(ssu)", PUMP, "kind", 2)
        self.ctl("AddRecords", "(su)", PUMP, 3)
        self.start_daemon()
        self.pair(PUMP)
        # Rejected records are handled (acknowledged) but no sessions.
        self.assert_eventually(
            lambda: self.fake_sensor(PUMP)["stored"] == 0
            and self.sensor(PUMP)["RejectedRecords"] == 2, timeout=30)
        seqs = sorted(s["seq"] for s in self.sessions())
        self.assertEqual(seqs, [1, 2, 3, 4, 5, 8, 9, 10])
        self.assertEqual(self.fake_sensor(PUMP)["highest_delete"], 10)

    def start_daemon_short_timeouts(self):
        """A daemon whose BlueZ calls time out after 2 s instead of 35 s
        (GATT) and 60 s (Connect)."""
        os.environ["LACTD_BLUEZ_TIMEOUT_MS"] = "2000"
        try:
            self.start_daemon()
        finally:
            del os.environ["LACTD_BLUEZ_TIMEOUT_MS"]

    def test_calls_that_never_answer(self):
        # The VM tier's failure: the reconnected link drops right after its
        # services resolve, the next Connect never answers, and neither
        # does the first read on the link after that. Each is timed out,
        # cleaned up and retried; the records sync.
        self.add_sensor(PUMP, backlog=5, autoconnect=False)
        self.start_daemon_short_timeouts()
        self.pair(PUMP)
        self.wait_synced(PUMP, 5)
        self.ctl("AddRecords", "(su)", PUMP, 5)
        self.ctl("DropAfterResolved", "(su)", PUMP, 1)
        self.ctl("HangCalls", "(ssu)", PUMP, "Connect", 1)
        self.ctl("HangCalls", "(ssu)", PUMP, "ReadValue", 1)
        self.ctl("DropLink", "(s)", PUMP)
        self.wait_synced(PUMP, 10, timeout=60)
        self.assert_unique_seqs(PUMP, 10)
        self.assertEqual(self.fake_sensor(PUMP)["hung_calls"], 1)
        self.assertEqual(self.fake_sensor(PUMP)["drop_after_resolved"], 0)
        self.assertEqual(self.sensor(PUMP)["LostRecords"], 0)
        log = self.read_log()
        self.assertIn("Connect did not answer", log)
        self.assertIn("the link failed", log)
        # A write and a subscription that never answer.
        for method in ("WriteValue", "StartNotify"):
            synced = len(self.sessions())
            self.ctl("AddRecords", "(su)", PUMP, 3)
            self.ctl("HangCalls", "(ssu)", PUMP, method, 1)
            self.ctl("DropLink", "(s)", PUMP)
            self.wait_synced(PUMP, synced + 3, timeout=60)
            self.assertEqual(self.fake_sensor(PUMP)["hung_calls"],
                             2 if method == "WriteValue" else 3)
        self.assert_unique_seqs(PUMP, 16)

    def test_gatt_client_gone_while_connected(self):
        # bluetoothd answers "Not connected" while the device still shows
        # Connected and ServicesResolved: the link is taken down and
        # reconnected instead of leaving the sync failed for ever.
        self.add_sensor(PUMP, backlog=4)
        self.start_daemon()
        self.pair(PUMP)
        self.wait_synced(PUMP, 4)
        self.ctl("AddRecords", "(su)", PUMP, 3)
        self.ctl("BreakAtt", "(s)", PUMP)
        self.assert_dbus_error("org.lactd.Error.SyncFailed", self.call,
                               "Sensor1", "Sync", path=sensor_path(PUMP))
        self.wait_synced(PUMP, 7, timeout=30)
        self.assert_unique_seqs(PUMP, 7)
        self.assertTrue(self.sensor(PUMP)["Connected"])

    def test_pair_errors(self):
        self.add_sensor(PUMP, passkey_mode="keyboard")
        self.start_daemon()
        msg = self.assert_dbus_error("org.lactd.Error.PairingFailed",
                                     self.call, "Manager1", "Pair", "s", PUMP)
        self.assertIn("passkey", msg)
        self.ctl("SetPowered", "(sb)", "hci0", False)
        self.assert_eventually(
            lambda: self.get_property("Manager1", "BluetoothState") == "off")
        self.assert_dbus_error("org.lactd.Error.NoAdapter",
                               self.call, "Manager1", "Discover", "u", 1)


if __name__ == "__main__":
    unittest.main(verbosity=2)
