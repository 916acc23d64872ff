"""lactd-mqtt against a real mosquitto and the real lactd: availability,
Home Assistant discovery, retained state, sessions, live progress from
the simulated sensor, reminders, and the commands with their results.

Run: meson test -C build --suite mqtt
"""

import json
import os
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(__file__))
from mqtt_testcase import BASE, ID, PREFIX, MqttTestCase  # noqa: E402

SIM_ADDRESS = "5E:00:00:5E:00:01"
SIM_HEX = "5e00005e0001"

# What Home Assistant needs of every config lactd-mqtt publishes, by
# component (sensor and binary_sensor read a state topic, a button
# publishes on a command topic), and the objects mqtt.md lists.
COMMON_KEYS = {"name", "unique_id", "availability_topic", "device"}
COMPONENT_KEYS = {
    "sensor": {"state_topic", "value_template"},
    "binary_sensor": {"state_topic", "value_template"},
    "button": {"command_topic"},
}
OBJECTS = {
    ("sensor", "sessions_24h"), ("sensor", "expressed_24h"),
    ("sensor", "supplement_24h"), ("sensor", "next_due"),
    ("sensor", "own_milk_share"), ("sensor", "expressed_per_day_7d"),
    ("binary_sensor", "live_session"), ("binary_sensor", "reminder_pending"),
    ("binary_sensor", "night_done"),
    ("button", "snooze_15"), ("button", "dismiss"), ("button", "sync"),
}
STATE_KEYS = {"progress", "next_due", "night_done", "reminder", "trend",
              "bluetooth", "sensors", "live", "updated"}
SENSOR_KEYS = {"address", "name", "kind", "connected", "battery", "last_sync",
               "lost_records"}
SESSION_KEYS = {"id", "source", "sensor", "seq", "kind", "start", "end",
                "utc_offset", "duration_left", "duration_right", "double",
                "interrupted", "clock_unsynced", "start_iso", "end_iso"}


def iso_to_unix(text):
    import datetime
    return int(datetime.datetime.fromisoformat(text).timestamp())


class StateTest(MqttTestCase):

    def discovery_configs(self):
        """The retained configs: {(component, object): (config, node)}."""
        configs = {}
        for topic, payload in self.retained(PREFIX + "/#").items():
            parts = topic.split("/")
            if len(parts) == 5 and parts[4] == "config" and payload:
                configs[(parts[1], parts[3])] = (json.loads(payload), parts[2])
        return configs

    def test_discovery_state_and_sessions(self):
        self.start_daemon()
        now = int(time.time())
        first = self.add_session(now - 3600, left=600, right=540, vol_left=40.5)
        self.start_watcher()
        self.start_bridge()
        # Availability online, retained.
        avail = self.wait_messages(BASE + "/availability", 1)
        # No `offline` flap at start-up while lactd is already running.
        self.assertEqual([m[1] for m in avail], [b"online"])

        # Discovery: retained, valid JSON, every object with what HA needs.
        self.wait_messages(BASE + "/state", 1)
        configs = self.discovery_configs()
        self.assertEqual(set(configs), OBJECTS)
        for (component, obj), (config, node) in configs.items():
            self.assertEqual(node, "lactd_" + ID)
            self.assertIn(component, COMPONENT_KEYS)
            missing = (COMMON_KEYS | COMPONENT_KEYS[component]) - set(config)
            self.assertFalse(missing, "%s/%s lacks %s" % (component, obj, missing))
            self.assertEqual(config["unique_id"], "lactd_%s_%s" % (ID, obj))
            self.assertEqual(config["availability_topic"], BASE + "/availability")
            self.assertEqual(config["device"]["identifiers"], ["lactd_" + ID])
            self.assertEqual(config["device"]["name"], "lactd")
            self.assertTrue(config["device"]["sw_version"])
            if component == "button":
                self.assertTrue(config["command_topic"].startswith(BASE + "/cmd/"))
            else:
                self.assertEqual(config["state_topic"], BASE + "/state")
        for obj in ("expressed_24h", "supplement_24h"):
            self.assertEqual(configs[("sensor", obj)][0]["device_class"], "volume")
            self.assertEqual(configs[("sensor", obj)][0]["unit_of_measurement"], "mL")
        self.assertEqual(configs[("sensor", "next_due")][0]["device_class"], "timestamp")
        self.assertEqual(configs[("sensor", "own_milk_share")][0]["unit_of_measurement"], "%")
        sessions_cfg = configs[("sensor", "sessions_24h")][0]
        self.assertEqual(sessions_cfg["json_attributes_topic"], BASE + "/state")
        self.assertIn("target", sessions_cfg["json_attributes_template"])
        self.assertEqual(configs[("button", "snooze_15")][0]["command_topic"],
                         BASE + "/cmd/snooze")
        self.assertEqual(configs[("button", "snooze_15")][0]["payload_press"], "15")

        # State: retained, all keys, following lactd.
        state = self.wait_state(lambda s: s["progress"].get("sessions") == 1)
        self.assertEqual(set(state), STATE_KEYS)
        retained = self.retained(BASE + "/#")
        self.assertEqual(retained[BASE + "/availability"], b"online")
        self.assertEqual(json.loads(retained[BASE + "/state"])["progress"]["sessions"], 1)
        self.assertEqual(set(retained), {BASE + "/availability", BASE + "/state"},
                         "only availability and state are retained")
        self.assertEqual(state["bluetooth"], "no-bluez")
        self.assertEqual(state["sensors"], [])
        self.assertIsNone(state["live"])
        self.assertIsNone(state["reminder"])
        self.assertEqual(state["progress"]["expressed_ml"], 40.5)
        due = self.get_property("Goals1", "NextDue")
        self.assertEqual(iso_to_unix(state["next_due"]), due)
        self.assertLessEqual(abs(iso_to_unix(state["updated"]) - time.time()), 60)

        # The session stored before lactd-mqtt first ran is published once
        # (the mark starts at 0), then each new one as it is stored.
        self.wait_messages(BASE + "/session", 1)
        second = self.add_session(now - 600, left=300, vol_left=12.0, supplement=20.0)
        sessions = self.wait_messages(BASE + "/session", 2)
        self.assertEqual(self.session_ids(), [first, second])
        payload = json.loads(sessions[-1][1])
        self.assertEqual(set(payload), SESSION_KEYS | {"volume_left_ml", "supplement_ml"})
        self.assertEqual(payload["start"], now - 600)
        self.assertEqual(iso_to_unix(payload["start_iso"]), now - 600)
        self.assertEqual(iso_to_unix(payload["end_iso"]), payload["end"])
        self.assertEqual(payload["supplement_ml"], 20.0)
        self.wait_state(lambda s: s["progress"]["sessions"] == 2 and
                        s["progress"]["supplement_ml"] == 20.0)
        self.assert_eventually(lambda: self.mark() == second, timeout=10,
                               message="mark not saved")

        # SIGTERM: availability offline, retained, before the exit.
        self.stop_bridge()
        self.assertEqual(self.watcher.on(BASE + "/availability")[-1][1], b"offline")
        self.assertEqual(self.retained(BASE + "/availability")[BASE + "/availability"],
                         b"offline")

    def test_live_progress_from_the_simulated_sensor(self):
        self.start_watcher()
        self.start_daemon("--simulate=session")
        self.start_bridge()
        state = self.wait_state(lambda s: len(s["sensors"]) == 1)
        sensor = state["sensors"][0]
        self.assertEqual(set(sensor), SENSOR_KEYS)
        self.assertEqual(sensor["address"], SIM_ADDRESS)
        self.assertEqual(state["bluetooth"], "simulated")
        # The sensor's own entities.
        configs = {}
        self.assert_eventually(
            lambda: configs.update(self.discovery_configs()) or
            {("sensor", "battery_" + SIM_HEX), ("sensor", "last_sync_" + SIM_HEX)} <= set(configs),
            timeout=10, message="no discovery for the sensor")
        battery = configs[("sensor", "battery_" + SIM_HEX)][0]
        self.assertEqual(battery["device_class"], "battery")
        self.assertEqual(battery["unit_of_measurement"], "%")
        self.assertIn(SIM_ADDRESS, battery["value_template"])
        self.assertEqual(configs[("sensor", "last_sync_" + SIM_HEX)][0]["device_class"],
                         "timestamp")

        # A live session: `live` messages and the state's live dictionary.
        live = self.wait_messages(BASE + "/live", 3, timeout=60)
        for topic, payload, retain in live:
            body = json.loads(payload)
            self.assertTrue({"seq", "elapsed", "side", "phase", "active"} <= set(body), body)
        elapsed = [json.loads(m[1])["elapsed"] for m in live]
        self.assertEqual(elapsed, sorted(elapsed))
        state = self.wait_state(lambda s: s["live"] is not None and s["live"].get("active"))
        self.assertEqual(state["sensors"][0]["connected"], True)

        # sync with a connected sensor: Sensor1.Sync, then a result.
        self.watcher.publish(BASE + "/cmd/sync", b"")
        result = self.wait_result("sync", timeout=60)[-1]
        self.assertEqual(result, {"command": "sync", "ok": True, "error": None,
                                  "message": "Synced 1 sensor"})

    def test_lactd_leaves_and_returns(self):
        self.start_watcher()
        self.start_bridge()
        # lactd-mqtt runs before lactd: offline until lactd is on the bus.
        self.wait_messages(BASE + "/availability", 1, where=lambda m: m[1] == b"offline")
        self.assertEqual(self.watcher.on(BASE + "/state"), [])
        self.start_daemon()
        self.wait_messages(BASE + "/availability", 1, where=lambda m: m[1] == b"online")
        self.wait_state(lambda s: s["progress"]["sessions"] == 0)
        first = self.add_session(time.time() - 600)
        self.wait_messages(BASE + "/session", 1)

        self.stop_daemon()
        self.wait_messages(BASE + "/availability", 2, where=lambda m: m[1] == b"offline")
        self.assertTrue(self.bridge_alive())
        states = len(self.watcher.on(BASE + "/state"))
        self.start_daemon()
        self.wait_messages(BASE + "/availability", 2, where=lambda m: m[1] == b"online")
        # The state is published again when lactd returns.
        self.assert_eventually(lambda: len(self.watcher.on(BASE + "/state")) > states,
                               timeout=10, message="state not refreshed")
        second = self.add_session(time.time() - 300)
        self.wait_messages(BASE + "/session", 2)
        self.assertEqual(self.session_ids(), [first, second])

    def test_home_assistant_birth_republishes_discovery(self):
        self.start_daemon()
        self.start_watcher()
        self.start_bridge()
        self.wait_messages(BASE + "/state", 1)
        config_topic = PREFIX + "/sensor/lactd_%s/sessions_24h/config" % ID
        self.wait_messages(config_topic, 1)
        states = len(self.watcher.on(BASE + "/state"))
        self.watcher.publish(PREFIX + "/status", b"offline")
        self.watcher.publish(PREFIX + "/status", b"online")
        self.wait_messages(config_topic, 2)
        self.assert_eventually(lambda: len(self.watcher.on(BASE + "/state")) > states,
                               timeout=10, message="state not published again")
        self.assertEqual(len(self.watcher.on(config_topic)), 2,
                         "only `online` republishes")


if __name__ == "__main__":
    unittest.main(verbosity=2)
