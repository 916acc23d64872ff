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
import sqlite3
import struct
import subprocess
import sys
import time
import unittest
from unittest import mock

sys.path.insert(0, os.path.dirname(__file__))
from lactd_testcase import LactdTestCase, Gio, GLib  # noqa: E402

PUMP = "C0:FF:EE:00:00:01"
SNS = "C0:FF:EE:00:00:02"
OTHER = "C0:FF:EE:00:00:03"
LSP_SERVICE = "f4680001-3aa1-4859-ac7b-48a5f3f7ceae"
BATTERY_SERVICE = "0000180f-0000-1000-8000-00805f9b34fb"
# A name any local user can give the device (BlueZ Alias), or a device
# nearby can advertise: a terminal title change and a screen clear.
HOSTILE_NAME = "Pump\x1b]0;pwned\x07 One\x1b[2J"
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


def logged_rejections(log):
    """Rejected records the daemon's log accounts for: a burst one by one
    ("record N rejected: ..."), the rest in summary lines ("N more records
    rejected")."""
    one_by_one = len(re.findall(r"record \d+ rejected: ", log))
    summed = sum(int(n) for n in
                 re.findall(r"(\d+) more records rejected", log))
    return one_by_one + summed


def sensor_path(address):
    return "/org/lactd/sensor/" + address.replace(":", "_")


def fake_bin():
    path = os.environ.get("FAKE_BLUETOOTHD")
    if not path:
        raise unittest.SkipTest("FAKE_BLUETOOTHD is not set")
    return path


class BluezTestCase(LactdTestCase):
    """The daemon against the fake bluetoothd: helpers, no tests (the soak,
    test_soak.py, builds on them too)."""

    # Extra fake-bluetoothd arguments (e.g. a faster auto-connect).
    fake_args = []

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
        self.fake = subprocess.Popen([fake_bin(), "--state", self.fake_state]
                                     + self.fake_args,
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
                   name=None, records_per_tick=16, autoconnect=True,
                   **options):
        """options: connect_delay_ms, resolve_delay_ms, fail_delay_ms (u),
        uuids (as), known_without_uuids (b)."""
        opts = {"backlog": GLib.Variant("u", backlog),
                "passkey_mode": GLib.Variant("s", passkey_mode),
                "passkey": GLib.Variant("u", 123456),
                "records_per_tick": GLib.Variant("u", records_per_tick),
                "no_autoconnect": GLib.Variant("b", not autoconnect)}
        for key, value in options.items():
            kind = {"uuids": "as", "known_without_uuids": "b"}.get(key, "u")
            opts[key] = GLib.Variant(kind, value)
        self.ctl("AddSensor", "(sssa{sv})", address,
                 name or ("Pump" if kind == "pump" else "SNS Flow"), kind, opts)

    def fake_sensor(self, address):
        return self.ctl("GetSensor", "(s)", address)

    # ------------------------------------------------------- the daemon

    def sensor(self, address):
        return self.get_all("Sensor1", path=sensor_path(address))

    def sessions(self):
        """Every stored session, newest first, in pages (a history may hold
        more than one ListSessions reply carries)."""
        found, before = {}, 0
        while True:
            page = self.call("History1", "ListSessionsPage", "xu", before, 500)
            found.update((s["id"], s) for s in page)
            if len(page) < 500:
                return list(found.values())
            before = page[-1]["start"] + 1

    def pair(self, address):
        """Pairs, accepting a passkey comparison as the Pair caller."""
        box = self.start_pair(address)
        box["seen"] = len(self.signals_named("PairingPasskey"))
        self.assert_eventually(
            lambda: "reply" in box or "error" in box
            or self.answer_comparison(address, True, box),
            timeout=60, message="Pair %s did not return" % address)
        path = self.pair_result(box)
        self.assertEqual(path, sensor_path(address))
        return path

    def db_query(self, sql, *args):
        """Rows from the daemon's database, read-only. Verification only
        (the tests drive lactd through D-Bus): ListSessions caps its
        replies at 5000 sessions, and the soak checks every number."""
        con = sqlite3.connect("file:%s?mode=ro" % self.db, uri=True,
                              timeout=10)
        try:
            return con.execute(sql, args).fetchall()
        finally:
            con.close()

    def db_bytes(self):
        """The database's size on disk, its write-ahead log included."""
        return sum(os.path.getsize(p) for p in (self.db, self.db + "-wal")
                   if os.path.exists(p))

    def stored_seqs(self, address=None):
        """Sequence numbers of the sessions stored from a sensor (all
        sensors when None), with repeats."""
        if not os.path.exists(self.db):
            return []
        if address is None:
            rows = self.db_query("SELECT seq FROM sessions "
                                 "WHERE source = 'sensor'")
        else:
            rows = self.db_query("SELECT seq FROM sessions WHERE "
                                 "source = 'sensor' AND address = ?", address)
        return [r[0] for r in rows]

    def answer_comparison(self, address, accept, box):
        """Answers a PairingPasskey(address, _, true) once; False so that
        assert_eventually goes on waiting for the Pair reply."""
        asked = [s for s in self.signals_named("PairingPasskey")[box["seen"]:]
                 if s[3][0] == address and s[3][2]]
        if asked and "answered" not in box:
            box["answered"] = True
            self.call("Manager1", "ConfirmPairing", "sb", address, accept)
        return False

    def start_pair(self, address, con=None):
        """Calls Pair without waiting; the returned dict gets "reply" or
        "error"."""
        box = {}

        def done(con, res):
            try:
                box["reply"] = con.call_finish(res).unpack()[0]
            except GLib.Error as e:
                box["error"] = e
        (con or self.session_con).call(
            "org.lactd", "/org/lactd", "org.lactd.Manager1", "Pair",
            GLib.Variant("(s)", (address,)), None,
            Gio.DBusCallFlags.NO_AUTO_START, 120000, None, done)
        return box

    def pair_result(self, box, timeout=60):
        self.assert_eventually(lambda: "reply" in box or "error" in box,
                               timeout=timeout, message="Pair did not return")
        if "error" in box:
            raise box["error"]
        return box["reply"]

    def wait_comparison(self, address):
        """Waits for PairingPasskey(address, passkey, true); the passkey."""
        self.assert_eventually(
            lambda: any(s[3][0] == address and s[3][2]
                        for s in self.signals_named("PairingPasskey")),
            timeout=15, message="no passkey comparison for %s" % address)
        return [s[3][1] for s in self.signals_named("PairingPasskey")
                if s[3][0] == address][0]

    def other_client(self):
        """A second connection to the session bus: another client."""
        con = Gio.DBusConnection.new_for_address_sync(
            os.environ["DBUS_SESSION_BUS_ADDRESS"],
            Gio.DBusConnectionFlags.AUTHENTICATION_CLIENT
            | Gio.DBusConnectionFlags.MESSAGE_BUS_CONNECTION, None, None)
        self.addCleanup(lambda: con.is_closed() or con.close_sync(None))
        return con

    def confirm_as(self, con, address, accept):
        """ConfirmPairing from the connection con."""
        con.call_sync("org.lactd", "/org/lactd", "org.lactd.Manager1",
                      "ConfirmPairing", GLib.Variant("(sb)", (address, accept)),
                      None, Gio.DBusCallFlags.NO_AUTO_START, 10000, None)

    def bluez_paired(self, address):
        res = self.system_con.call_sync(
            "org.bluez", "/org/bluez/hci0/dev_" + address.replace(":", "_"),
            "org.freedesktop.DBus.Properties", "Get",
            GLib.Variant("(ss)", ("org.bluez.Device1", "Paired")),
            GLib.VariantType("(v)"), Gio.DBusCallFlags.NONE, 5000, None)
        return res.unpack()[0]

    def assert_pair_failed(self, box, error, fragment):
        with self.assertRaises(GLib.Error) as cm:
            self.pair_result(box)
        self.assertEqual(Gio.DBusError.get_remote_error(cm.exception), error,
                         cm.exception.message)
        self.assertIn(fragment, cm.exception.message)
        return cm.exception.message

    def wait_synced(self, address, total, timeout=60):
        """Every record stored on the daemon, acknowledged and deleted on
        the sensor."""
        self.assert_eventually(
            lambda: len(self.stored_seqs()) >= total
            and self.fake_sensor(address)["stored"] == 0,
            timeout=timeout,
            message="%s not synced to %d sessions (have %d, sensor %s)" % (
                address, total, len(self.stored_seqs()),
                self.fake_sensor(address)))

    def wait_connected(self, address, connected=True, timeout=15):
        self.assert_eventually(
            lambda: self.sensor(address)["Connected"] == connected,
            timeout=timeout,
            message="%s Connected != %s" % (address, connected))

    def assert_unique_seqs(self, address, expected):
        seqs = sorted(self.stored_seqs(address))
        self.assertEqual(seqs, list(range(1, expected + 1)))


class BluezTest(BluezTestCase):

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
        # A passkey the sensor only displays needs no answer.
        self.assertEqual(passkeys[0][3], (PUMP, 123456, False))
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
                    logged_rejections(log))
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

    def test_flood_of_unreadable_records(self):
        """Issue 11: 20,000 three-byte record notifications gave 20,000
        rows (+3.1 MB) and 20,000 warnings. They are counted exactly;
        rows and log lines stay bounded; the sync goes on."""
        flood, per_call = 20000, 2000
        self.add_sensor(PUMP, backlog=3)
        self.start_daemon()
        self.pair(PUMP)
        self.wait_synced(PUMP, 3)
        size_before = self.db_bytes()
        started = time.monotonic()
        for _ in range(flood // per_call):
            self.assertTrue(self.ctl("NotifyRaw", "(ssayu)", PUMP, "record",
                                     b"\x07\x00\x00", per_call))
        self.assert_eventually(
            lambda: self.sensor(PUMP)["RejectedRecords"] == flood
            and logged_rejections(self.read_log()) == flood,
            timeout=120, message="RejectedRecords %d, logged %d" % (
                self.sensor(PUMP)["RejectedRecords"],
                logged_rejections(self.read_log())))
        elapsed = time.monotonic() - started
        log = self.read_log()
        lines = len(re.findall(r"record \d+ rejected: ", log)) + \
            len(re.findall(r"\d+ more records rejected", log))
        rows = self.db_query("SELECT count(*) FROM rejected_records")[0][0]
        growth = self.db_bytes() - size_before
        sys.stderr.write("\n%d unreadable records in %.1f s: %d rows, %d "
                         "log lines, database +%d bytes\n"
                         % (flood, elapsed, rows, lines, growth))
        self.assertLessEqual(rows, 1000)
        self.assertLessEqual(lines, 20)
        self.assertEqual(self.daemon.poll(), None)
        self.ctl("AddRecords", "(su)", PUMP, 2)
        self.call("Sensor1", "Sync", path=sensor_path(PUMP), timeout=60000)
        self.wait_synced(PUMP, 5)
        self.assert_unique_seqs(PUMP, 5)
        self.assertEqual(self.sensor(PUMP)["RejectedRecords"], flood)
        self.assertEqual(self.sensor(PUMP)["LostRecords"], 0)

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

    def test_sigterm_while_waiting_for_bluez(self):
        """bluetoothd owns org.bluez but does not answer (stopped): start-up
        waits up to 2 s for it inside the main loop, and a SIGTERM then
        ends lactd at once, cleanly, without ever asking for the name."""
        self.fake.send_signal(signal.SIGSTOP)
        try:
            self.start_daemon(wait=False)
            self.assert_eventually(lambda: "BlueZ is running" in self.read_log(),
                                   timeout=20)
            self.daemon.send_signal(signal.SIGTERM)
            self.daemon.wait(timeout=30)
        finally:
            self.fake.send_signal(signal.SIGCONT)
        log = self.read_log()
        self.assertEqual(self.daemon.returncode, 0, log)
        self.assertIn("Start-up interrupted", log)
        self.assertNotIn("did not answer within 2 s", log)
        self.name_has_owner("org.lactd")
        ctx = GLib.main_context_default()
        while ctx.iteration(False):
            pass
        self.assertEqual([s for s in self.signals_named("NameOwnerChanged")
                          if s[3][0] == "org.lactd"], [])
        with open(self.db + ".lock") as f:
            self.assertEqual(f.read(), "clean\n")
        self.daemon = None
        self._log_file.close()

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


    # -------------------------------------- numeric comparison (turn 2)

    def test_comparison_accepted(self):
        self.add_sensor(PUMP, backlog=2, passkey_mode="confirm")
        self.start_daemon()
        box = self.start_pair(PUMP)
        self.assertEqual(self.wait_comparison(PUMP), 123456)
        # bluetoothd's request is held: nothing is paired before the answer.
        self.assertFalse(self.bluez_paired(PUMP))
        self.assertEqual(box, {})
        self.assert_dbus_error("org.lactd.Error.NotFound", self.call,
                               "Manager1", "ConfirmPairing", "sb", SNS, True)
        self.call("Manager1", "ConfirmPairing", "sb", PUMP.lower(), True)
        self.assertEqual(self.pair_result(box), sensor_path(PUMP))
        self.assertTrue(self.bluez_paired(PUMP))
        self.wait_synced(PUMP, 2)
        # Answered: nothing is pending any more.
        self.assert_dbus_error("org.lactd.Error.NotFound", self.call,
                               "Manager1", "ConfirmPairing", "sb", PUMP, True)

    def test_comparison_declined(self):
        self.add_sensor(PUMP, backlog=2, passkey_mode="confirm")
        self.start_daemon()
        box = self.start_pair(PUMP)
        self.wait_comparison(PUMP)
        self.call("Manager1", "ConfirmPairing", "sb", PUMP, False)
        self.assert_pair_failed(box, "org.lactd.Error.PairingFailed",
                                "comparison was declined")
        self.assertFalse(self.bluez_paired(PUMP))
        self.assertEqual(self.get_property("Manager1", "Sensors"), [])
        self.assertEqual(self.sessions(), [])
        # The pairing is over: a new one may start, and succeed.
        self.pair(PUMP)
        self.wait_synced(PUMP, 2)

    def test_comparison_answered_by_another_client(self):
        self.add_sensor(PUMP, passkey_mode="confirm")
        self.start_daemon()
        other = self.other_client()
        box = self.start_pair(PUMP)
        self.wait_comparison(PUMP)
        for accept in (True, False):
            with self.assertRaises(GLib.Error) as cm:
                self.confirm_as(other, PUMP, accept)
            self.assertEqual(Gio.DBusError.get_remote_error(cm.exception),
                             "org.lactd.Error.NotAuthorized")
        # Still pending for the caller.
        self.assertFalse(self.bluez_paired(PUMP))
        self.call("Manager1", "ConfirmPairing", "sb", PUMP, True)
        self.assertEqual(self.pair_result(box), sensor_path(PUMP))

    def test_comparison_rejected_when_the_caller_leaves(self):
        self.add_sensor(PUMP, passkey_mode="confirm")
        self.start_daemon()
        caller = self.other_client()
        started = time.monotonic()
        self.start_pair(PUMP, con=caller)
        self.wait_comparison(PUMP)
        caller.close_sync(None)
        self.assert_eventually(
            lambda: "pairing %s failed" % PUMP in self.read_log(),
            timeout=15, message="the pairing did not end")
        # At once, not after the 60 s without an answer.
        self.assertLess(time.monotonic() - started, 30)
        self.assertIn("left the bus before confirming", self.read_log())
        self.assertFalse(self.bluez_paired(PUMP))
        self.assertEqual(self.get_property("Manager1", "Sensors"), [])
        self.assert_dbus_error("org.lactd.Error.NotFound", self.call,
                               "Manager1", "ConfirmPairing", "sb", PUMP, True)

    def test_comparison_times_out(self):
        self.add_sensor(PUMP, passkey_mode="confirm")
        with mock.patch.dict(os.environ,
                             {"LACTD_TEST_CONFIRM_TIMEOUT_MS": "1000"}):
            self.start_daemon()
        box = self.start_pair(PUMP)
        self.wait_comparison(PUMP)
        self.assert_pair_failed(box, "org.lactd.Error.PairingFailed",
                                "nobody confirmed the passkey within 1 s")
        self.assertFalse(self.bluez_paired(PUMP))
        self.assert_dbus_error("org.lactd.Error.NotFound", self.call,
                               "Manager1", "ConfirmPairing", "sb", PUMP, True)

    def test_comparison_cancelled_by_bluetoothd(self):
        self.add_sensor(PUMP, passkey_mode="confirm")
        self.start_daemon()
        box = self.start_pair(PUMP)
        self.wait_comparison(PUMP)
        self.system_con.call_sync(
            "org.bluez", "/org/bluez/hci0/dev_C0_FF_EE_00_00_01",
            "org.bluez.Device1", "CancelPairing", None, None,
            Gio.DBusCallFlags.NONE, 5000, None)
        message = self.assert_pair_failed(box, "org.lactd.Error.PairingFailed",
                                          "")
        self.assertRegex(message, "(?i)cancel")
        self.assert_eventually(
            lambda: "pairing agent: Cancel" in self.read_log())
        self.assert_dbus_error("org.lactd.Error.NotFound", self.call,
                               "Manager1", "ConfirmPairing", "sb", PUMP, True)
        self.assertFalse(self.bluez_paired(PUMP))

    def test_confirm_without_a_pairing(self):
        self.start_daemon()
        for address in (PUMP, "c0:ff:ee:00:00:01"):
            self.assert_dbus_error("org.lactd.Error.NotFound", self.call,
                                   "Manager1", "ConfirmPairing", "sb",
                                   address, True)
        self.assert_dbus_error("org.lactd.Error.InvalidArgs", self.call,
                               "Manager1", "ConfirmPairing", "sb", "C0:FF",
                               True)

    def test_pair_refuses_a_device_without_the_lsp_service(self):
        self.add_sensor(OTHER, name="Headphones", uuids=[BATTERY_SERVICE])
        self.start_daemon()
        found = self.call("Manager1", "Discover", "u", 1)
        self.assertNotIn(OTHER, [f[0] for f in found])
        message = self.assert_dbus_error("org.lactd.Error.InvalidArgs",
                                         self.call, "Manager1", "Pair", "s",
                                         OTHER)
        self.assertIn(LSP_SERVICE, message)
        self.assertEqual(self.get_property("Manager1", "Sensors"), [])
        # A device BlueZ knows only from a scan that heard no services yet
        # is looked for: its advertisement names the LSP service.
        self.add_sensor(PUMP, known_without_uuids=True)
        self.pair(PUMP)

    # ------------------------------------------------- hostile names

    def test_hostile_names_are_cleaned(self):
        self.add_sensor(PUMP, backlog=1, name=HOSTILE_NAME)
        self.start_daemon()
        found = self.call("Manager1", "Discover", "u", 1)
        self.assertEqual([(f[0], f[1]) for f in found], [(PUMP, "Pump One")])
        self.pair(PUMP)
        self.wait_synced(PUMP, 1)
        self.assertEqual(self.sensor(PUMP)["Name"], "Pump One")
        # A store written before names were cleaned, and a BlueZ that no
        # longer knows the device: the name comes from the store alone.
        self.stop_daemon()
        db = sqlite3.connect(self.db)
        with db:
            db.execute("UPDATE sensors SET name = ?", (HOSTILE_NAME,))
        db.close()
        self.ctl("RemoveAdapter", "(s)", "hci0")
        self.start_daemon()
        self.assertEqual(self.sensor(PUMP)["Name"], "Pump One")


if __name__ == "__main__":
    unittest.main(verbosity=2)
