"""Nothing lost: sessions stored while the broker is down, or while
lactd-mqtt is dead (SIGKILL), are published exactly once, in id order,
once both are back; the mark in the state file follows the broker's
PUBACKs and survives restarts.

"Exactly once" is checked with a sentinel: after the outage one more
session is added and waited for; MQTT keeps one publisher's QoS 1
messages on a topic in order, so any duplicate of an earlier session
would have arrived before it.

Run: meson test -C build --suite mqtt
"""

import os
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(__file__))
from mqtt_testcase import BASE, MqttTestCase  # noqa: E402

import signal  # noqa: E402


class OutageTest(MqttTestCase):

    def add_and_publish(self, count):
        """Adds COUNT sessions and waits for them on `session`."""
        before = len(self.session_ids())
        ids = [self.add_session(time.time() - 7200 + 60 * i) for i in range(count)]
        self.wait_messages(BASE + "/session", before + count)
        return ids

    def assert_published_once_in_order(self, ids):
        sentinel = self.add_session(time.time() - 60)
        self.assert_eventually(lambda: sentinel in self.session_ids(), timeout=60,
                               message="the sentinel session never came")
        published = self.session_ids()
        self.assertEqual(published, sorted(ids) + [sentinel])
        self.assert_eventually(lambda: self.mark() == sentinel, timeout=10,
                               message="mark %s, expected %s" % (self.mark(), sentinel))

    def test_broker_down_then_back(self):
        self.start_watcher()
        self.start_daemon()
        self.start_bridge()
        ids = self.add_and_publish(2)
        self.assert_eventually(lambda: self.mark() == ids[-1], timeout=10)

        self.broker.stop()
        self.assert_eventually(
            lambda: "Connection to the MQTT broker 127.0.0.1:%d lost" % self.broker.port
            in self.bridge_log(), timeout=20, message="lactd-mqtt did not notice")
        # Stored while the broker is away: one backdated (its start is
        # older than the others, its id is not).
        meanwhile = [self.add_session(time.time() - 3000 + 60 * i) for i in range(5)]
        meanwhile.append(self.add_session(time.time() - 86400 * 3))
        self.assertEqual(self.mark(), ids[-1], "nothing acknowledged while down")
        # At least one failed attempt while down: the backoff runs.
        self.assert_eventually(lambda: "Cannot connect to the MQTT broker" in self.bridge_log(),
                               timeout=20, message="no reconnection attempt")
        self.assertTrue(self.bridge_alive())

        self.broker.start(self)
        # The watcher's persistent session (and the broker's persistence)
        # keeps what lactd-mqtt publishes before the watcher is back.
        self.assert_eventually(lambda: self.bridge_log().count("Connected to the MQTT broker") >= 2,
                               timeout=90, message="lactd-mqtt did not reconnect")
        self.assert_published_once_in_order(ids + meanwhile)
        # Availability and state are published again after the reconnection.
        self.assertEqual(self.retained(BASE + "/availability")[BASE + "/availability"], b"online")

    def test_killed_and_restarted(self):
        self.start_watcher()
        self.start_daemon()
        self.start_bridge()
        ids = self.add_and_publish(3)
        self.assert_eventually(lambda: self.mark() == ids[-1], timeout=10)

        self.stop_bridge(sig=signal.SIGKILL, check=False)
        # The broker publishes the will: availability offline.
        self.wait_messages(BASE + "/availability", 1, timeout=120,
                           where=lambda m: m[1] == b"offline")
        meanwhile = [self.add_session(time.time() - 5000 + 60 * i) for i in range(4)]

        self.start_bridge()
        self.assert_published_once_in_order(ids + meanwhile)

        # A clean restart resumes from the same mark: nothing again.
        self.stop_bridge()
        last = self.mark()
        self.start_bridge()
        self.wait_messages(BASE + "/availability", 2, where=lambda m: m[1] == b"online")
        extra = self.add_session(time.time() - 30)
        self.assert_eventually(lambda: extra in self.session_ids(), timeout=20)
        self.assertEqual(self.session_ids().count(last), 1)
        self.assertEqual(len(self.session_ids()), len(set(self.session_ids())))

    def test_unreadable_mark_is_refused(self):
        os.makedirs(os.path.dirname(self.state_path))
        with open(self.state_path, "w") as f:
            f.write("[sessions]\npublished=twelve\n")
        self.start_daemon()
        self.start_bridge(wait_online=False)
        self.assertEqual(self.bridge.wait(timeout=30), 78)
        self.assertIn(self.state_path, self.bridge_log())


if __name__ == "__main__":
    unittest.main(verbosity=2)
