"""Commands on `<base>/cmd/` against the real lactd: a reminder that falls
due within seconds (max_gap_minutes=1 and a session that ended 55 s ago,
as tests/integration/test_goals.py does), Snooze and Dismiss from MQTT,
AddSession from JSON, and 1000 malformed payloads that must each be
answered on cmd/result while nothing reaches lactd.

Run: meson test -C build --suite mqtt
"""

import datetime
import json
import os
import random
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(__file__))
from mqtt_testcase import BASE, GLib, MqttTestCase  # noqa: E402

from gi.repository import Gio  # noqa: E402

INVALID = "org.lactd.mqtt.InvalidPayload"


def iso_to_unix(text):
    return int(datetime.datetime.fromisoformat(text).timestamp())


class MethodCallMonitor:
    """Every method call to org.lactd's state-changing methods, seen by a
    D-Bus monitor (org.freedesktop.DBus.Monitoring.BecomeMonitor) on the
    private session bus."""

    MEMBERS = ("AddSession", "DeleteSession", "Snooze", "Dismiss", "SetGoal", "Sync")

    def __init__(self):
        address = Gio.dbus_address_get_for_bus_sync(Gio.BusType.SESSION, None)
        self.con = Gio.DBusConnection.new_for_address_sync(
            address, Gio.DBusConnectionFlags.AUTHENTICATION_CLIENT |
            Gio.DBusConnectionFlags.MESSAGE_BUS_CONNECTION, None, None)
        self.calls = []
        self.con.add_filter(self._filter)
        rules = ["type='method_call',member='%s'" % m for m in self.MEMBERS]
        self.con.call_sync("org.freedesktop.DBus", "/org/freedesktop/DBus",
                           "org.freedesktop.DBus.Monitoring", "BecomeMonitor",
                           GLib.Variant("(asu)", (rules, 0)), None,
                           Gio.DBusCallFlags.NONE, 5000, None)

    def _filter(self, con, message, incoming):
        if incoming and message.get_message_type() == Gio.DBusMessageType.METHOD_CALL:
            # Observed, not addressed to us: GDBus must not answer it.
            self.calls.append(message.get_member())
            return None
        return message

    def close(self):
        self.con.close_sync(None)


class CommandsTest(MqttTestCase):

    def start_all(self):
        self.start_watcher()
        self.start_daemon()
        self.start_bridge()
        self.wait_state(lambda s: True)

    def set_goal(self, **changes):
        typed = {k: GLib.Variant("u", v) for k, v in changes.items()}
        self.call("Goals1", "SetGoal", "a{sv}", typed)

    def reminder_in_seconds(self, seconds):
        """max_gap_minutes=1 and a session that ended (60 - seconds) s ago."""
        self.set_goal(max_gap_minutes=1)
        end = int(time.time()) - (60 - seconds)
        return self.add_session(end - 30, left=30), end + 60

    def test_reminder_snooze_and_dismiss(self):
        self.start_all()
        _, due = self.reminder_in_seconds(4)
        reminder = self.wait_messages(BASE + "/reminder", 1, timeout=30)[0]
        body = json.loads(reminder[1])
        self.assertEqual(set(body), {"kind", "due", "message"})
        self.assertEqual(body["kind"], "session")
        self.assertEqual(iso_to_unix(body["due"]), due)
        self.assertTrue(body["message"])
        state = self.wait_state(lambda s: s["reminder"] is not None)
        self.assertEqual(state["reminder"]["kind"], "session")
        self.assertEqual(iso_to_unix(state["reminder"]["due"]), due)

        # Snooze from MQTT: Goals1.Snooze(1); the reminder stays pending.
        before = int(time.time())
        self.watcher.publish(BASE + "/cmd/snooze", b"1")
        result = self.wait_result("snooze")[-1]
        self.assertEqual(result, {"command": "snooze", "ok": True, "error": None,
                                  "message": "Snoozed for 1 minutes"})
        next_due = self.get_property("Goals1", "NextDue")
        self.assertGreaterEqual(next_due, before + 60)
        self.assertLessEqual(next_due, int(time.time()) + 60)
        state = self.wait_state(lambda s: s["next_due"] is not None and
                                iso_to_unix(s["next_due"]) == next_due)
        self.assertIsNotNone(state["reminder"])

        # Dismiss: nothing pending, NextDue 0 (null in the state).
        self.watcher.publish(BASE + "/cmd/dismiss", b"PRESS")
        result = self.wait_result("dismiss")[-1]
        self.assertTrue(result["ok"], result)
        self.assertEqual(self.get_property("Goals1", "NextDue"), 0)
        self.wait_state(lambda s: s["reminder"] is None and s["next_due"] is None)

        # A snooze with nothing pending: lactd's error name and message.
        self.watcher.publish(BASE + "/cmd/snooze", b"5")
        result = self.wait_result("snooze", count=2)[-1]
        self.assertFalse(result["ok"])
        self.assertEqual(result["error"], "org.lactd.Error.NotFound")
        self.assertTrue(result["message"])

    def test_add_session_from_json(self):
        self.start_all()
        start = int(time.time()) - 3600
        iso = datetime.datetime.fromtimestamp(
            start, datetime.timezone(datetime.timedelta(hours=2))).isoformat()
        payload = {"kind": "breastfeed", "start": iso, "duration_left": 600,
                   "duration_right": 420, "double": False, "volume_left_ml": 15,
                   "supplement_ml": 12.5}
        self.watcher.publish(BASE + "/cmd/add", json.dumps(payload).encode())
        result = self.wait_result("add")[-1]
        self.assertTrue(result["ok"], result)
        self.assertIsNone(result["error"])
        stored = self.call("History1", "ListSessions", "xx", 0, 0)
        self.assertEqual(len(stored), 1)
        session = stored[0]
        self.assertEqual(result["message"], "Added session %d" % session["id"])
        self.assertEqual(session["start"], start)
        self.assertEqual(session["utc_offset"], 120, "the ISO 8601 offset is kept")
        self.assertEqual(session["kind"], "breastfeed")
        self.assertEqual(session["volume_left_ml"], 15.0)
        self.assertEqual(session["supplement_ml"], 12.5)
        self.assertNotIn("volume_right_ml", session)
        published = self.wait_messages(BASE + "/session", 1)
        self.assertEqual(json.loads(published[0][1])["start_iso"], iso)

        # Epoch seconds too; lactd's own refusal comes back by name.
        self.watcher.publish(BASE + "/cmd/add",
                             json.dumps({"kind": "hand", "start": start + 60}).encode())
        self.assertTrue(self.wait_result("add", count=2)[-1]["ok"])
        self.assertEqual(len(self.call("History1", "ListSessions", "xx", 0, 0)), 2)

        # No sensor is connected: sync says so.
        self.watcher.publish(BASE + "/cmd/sync", b"PRESS")
        result = self.wait_result("sync")[-1]
        self.assertEqual((result["ok"], result["error"]),
                         (False, "org.lactd.Error.NotConnected"))

        # Published while lactd-mqtt is away, a command waits in its
        # persistent session and runs when it is back (here lactd answers
        # NotFound: no reminder). Retained, the broker also hands it to
        # every new subscription, i.e. at each start: that copy is refused.
        self.stop_bridge()
        self.watcher.publish(BASE + "/cmd/snooze", b"15", retain=True).wait_for_publish()
        self.start_bridge(config=False)
        results = self.wait_result("snooze", count=2)
        self.assertEqual(sorted(r["error"] for r in results),
                         sorted([INVALID, "org.lactd.Error.NotFound"]))
        refused = [r for r in results if r["error"] == INVALID][0]
        self.assertIn("retain", refused["message"])
        # Once more at the next start: refused again, nothing reaches lactd.
        self.stop_bridge()
        self.start_bridge(config=False)
        results = self.wait_result("snooze", count=3)
        self.assertEqual(results[2]["error"], INVALID)

    def test_thousand_malformed_payloads(self):
        self.start_all()
        # A reminder pending, so that a snooze that slipped through would
        # show as a changed NextDue.
        _, due = self.reminder_in_seconds(3)
        self.wait_messages(BASE + "/reminder", 1, timeout=30)
        next_due = self.get_property("Goals1", "NextDue")
        sessions_before = self.call("History1", "ListSessions", "xx", 0, 0)
        monitor = MethodCallMonitor()
        try:
            payloads = list(malformed_payloads(1000))
            for topic, payload in payloads:
                self.watcher.publish(BASE + "/cmd/" + topic, payload)
            results = self.wait_results(len(payloads), timeout=120)
            self.assertTrue(self.bridge_alive())
            for r in results:
                self.assertEqual(set(r), {"command", "ok", "error", "message"})
                self.assertFalse(r["ok"], r)
                self.assertEqual(r["error"], INVALID, r)
                self.assertTrue(r["message"], r)
            self.assertEqual(sorted(r["command"] for r in results),
                             sorted(t for t, _ in payloads))
            # A valid command afterwards still works...
            self.watcher.publish(BASE + "/cmd/dismiss", b"")
            self.assertTrue(self.wait_result("dismiss")[-1]["ok"])
            # ...and is the only call that reached lactd.
            self.assert_eventually(lambda: "Dismiss" in monitor.calls, timeout=10)
            self.assertEqual(monitor.calls, ["Dismiss"])
        finally:
            monitor.close()
        self.assertEqual(self.call("History1", "ListSessions", "xx", 0, 0), sessions_before)
        self.assertNotEqual(next_due, 0)

    def wait_results(self, count, timeout):
        self.assert_eventually(
            lambda: len(self.watcher.on(BASE + "/cmd/result")) >= count,
            timeout=timeout, message="fewer than %d results: %d" %
            (count, len(self.watcher.on(BASE + "/cmd/result"))))
        return self.watcher.json(BASE + "/cmd/result")


def malformed_payloads(count):
    """(command, payload) pairs that must all be refused: snooze outside
    1-240 or not a number, add payloads with bad JSON, wrong types, out of
    range values, unknown or missing keys. Seeded: the same every run."""
    rng = random.Random(15)
    now = int(time.time())
    snooze = [b"", b"0", b"241", b"-5", b"+5", b"1.5", b"15 min", b"abc", b"1e2",
              b"9999999999999999999999", b"\x00", b"15\x00", b"\xff\xfe", b"0x0f",
              b"1000", b"   ", b"\xd9\xa1\xd9\xa5", b"15" * 3000]
    add = [b"", b"{", b"[]", b"null", b"42", b'"hand"', b"{}", b"\xff{}",
           b'{"kind": "hand"}', b'{"start": %d}' % now,
           b'{"kind": "bottle", "start": %d}' % now,
           b'{"kind": 1, "start": %d}' % now,
           b'{"kind": "hand", "start": "yesterday"}',
           b'{"kind": "hand", "start": %d}' % (now + 3600),
           b'{"kind": "hand", "start": 1000}',
           b'{"kind": "hand", "start": %d.5}' % now,
           b'{"kind": "hand", "start": %d, "id": 7}' % now,
           b'{"kind": "hand", "start": %d, "source": "sensor"}' % now,
           b'{"kind": "hand", "start": %d, "duration_left": -1}' % now,
           b'{"kind": "hand", "start": %d, "duration_left": 14401}' % now,
           b'{"kind": "hand", "start": %d, "duration_left": 1.5}' % now,
           b'{"kind": "hand", "start": %d, "duration_right": "10"}' % now,
           b'{"kind": "hand", "start": %d, "double": 1}' % now,
           b'{"kind": "hand", "start": %d, "volume_left_ml": 1000.5}' % now,
           b'{"kind": "hand", "start": %d, "volume_left_ml": -0.1}' % now,
           b'{"kind": "hand", "start": %d, "supplement_ml": "5"}' % now,
           b'{"kind": "hand", "start": %d, "supplement_ml": null}' % now,
           b'{"kind": "hand", "start": %d, "utc_offset": 900}' % now,
           b'{"kind": "hand", "start": %d, "utc_offset": "+60"}' % now,
           b'{"kind": "hand", "start": "2026-01-01T10:00:00+15:00"}',
           b'{"kind": "hand", "start": %d, "volume_right_ml": 1e999}' % now,
           b'{"kind": "hand", "start": %d}x' % now,
           b'{"kind": "hand", "start": %d, "extra": {}}' % now,
           b"{" + b" " * 5000 + b"}"]
    fixed = [("snooze", p) for p in snooze] + [("add", p) for p in add]
    for i in range(count):
        if i < len(fixed):
            yield fixed[i]
        elif i % 3 == 0:
            # Random bytes never form a number from 1 to 240 followed by
            # nothing: a letter is always added.
            yield "snooze", bytes(rng.randrange(256) for _ in range(rng.randrange(8))) + b"x"
        else:
            base = bytearray(rng.choice(add[8:]))
            for _ in range(rng.randrange(1, 4)):
                pos = rng.randrange(len(base))
                base[pos] = rng.choice(b'{}[]",:x\x00\xff-')
            yield "add", bytes(base) + b"}}"


if __name__ == "__main__":
    unittest.main(verbosity=2)
