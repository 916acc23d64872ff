"""Harness for lactd-mqtt's tests: real parts only.

- a real mosquitto (Debian's) on 127.0.0.1 with a free port, a password
  file, an ACL and persistence, optionally a TLS listener with a CA and a
  server certificate made at test time with openssl;
- the real lactd (tests/integration/lactd_testcase.py: private buses);
- the built lactd-mqtt, started with its own config, password and state
  files;
- a subscriber (python3-paho-mqtt) with a persistent session that records
  every message it receives.

Every wait is a condition checked on the main loop with a deadline
(LactdTestCase.assert_eventually), never a sleep.
"""

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "integration"))
from lactd_testcase import LactdTestCase, GLib  # noqa: E402,F401

import paho.mqtt.client as paho  # noqa: E402

MOSQUITTO = os.environ.get("MOSQUITTO", "/usr/sbin/mosquitto")
MOSQUITTO_PASSWD = shutil.which("mosquitto_passwd") or "/usr/bin/mosquitto_passwd"
LACTD_MQTT = os.environ.get("LACTD_MQTT")

BRIDGE_USER = "lactd"
BRIDGE_PASSWORD = "s3cret-Pump-3am-7f1c"
WATCHER_USER = "watcher"
WATCHER_PASSWORD = "watcher-pw-93b2"
ID = "t3st"
BASE = "lactd/" + ID
PREFIX = "homeassistant"
EXIT_CONFIG = 78


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def write_private(path, text, mode=0o600):
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    with os.fdopen(fd, "w") as f:
        f.write(text)
    os.chmod(path, mode)


def openssl(*args, cwd):
    subprocess.run(["openssl"] + list(args), cwd=cwd, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def make_ca(directory, name):
    """A self-signed CA: NAME.key, NAME.pem."""
    openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
            "-nodes", "-keyout", name + ".key", "-out", name + ".pem", "-days", "2",
            "-subj", "/CN=lactd test CA " + name, cwd=directory)
    return os.path.join(directory, name + ".pem")


def make_server_cert(directory, ca, name, san):
    """A server certificate NAME.pem/.key signed by CA for SAN."""
    ext = os.path.join(directory, name + ".ext")
    with open(ext, "w") as f:
        f.write("subjectAltName=%s\nextendedKeyUsage=serverAuth\n" % san)
    openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
            "-keyout", name + ".key", "-out", name + ".csr",
            "-subj", "/CN=" + san.split(":", 1)[1], cwd=directory)
    openssl("x509", "-req", "-in", name + ".csr", "-CA", ca + ".pem", "-CAkey",
            ca + ".key", "-CAcreateserial", "-out", name + ".pem", "-days", "2",
            "-extfile", ext, cwd=directory)
    return os.path.join(directory, name + ".pem"), os.path.join(directory, name + ".key")


class Broker:
    """mosquitto with a password file, an ACL and persistence. `port` is
    the plain listener; `tls_port` the TLS one when certfile is given."""

    def __init__(self, directory, tls=None):
        self.dir = directory
        os.makedirs(os.path.join(directory, "db"), exist_ok=True)
        self.port = free_port()
        self.tls_port = free_port() if tls else None
        self.log_path = os.path.join(directory, "mosquitto.log")
        self.process = None
        passwd = os.path.join(directory, "passwd")
        subprocess.run([MOSQUITTO_PASSWD, "-c", "-b", passwd, BRIDGE_USER, BRIDGE_PASSWORD],
                       check=True, capture_output=True)
        subprocess.run([MOSQUITTO_PASSWD, "-b", passwd, WATCHER_USER, WATCHER_PASSWORD],
                       check=True, capture_output=True)
        os.chmod(passwd, 0o600)
        acl = os.path.join(directory, "acl")
        with open(acl, "w") as f:
            f.write("user %s\ntopic readwrite lactd/#\ntopic readwrite %s/#\n\n"
                    "user %s\ntopic readwrite #\n" % (BRIDGE_USER, PREFIX, WATCHER_USER))
        os.chmod(acl, 0o600)
        lines = ["persistence true",
                 "persistence_location %s/" % os.path.join(directory, "db"),
                 "allow_anonymous false",
                 "password_file " + passwd,
                 "acl_file " + acl,
                 "log_dest file " + self.log_path,
                 "log_type error", "log_type warning", "log_type notice",
                 "log_type information",
                 "listener %d 127.0.0.1" % self.port]
        if os.geteuid() == 0:
            # Debian's mosquitto drops to the mosquitto user otherwise and
            # cannot read the 0600 files above.
            lines.insert(0, "user root")
        if tls:
            lines += ["listener %d 127.0.0.1" % self.tls_port,
                      "cafile " + tls["ca"], "certfile " + tls["cert"],
                      "keyfile " + tls["key"]]
        self.conf = os.path.join(directory, "mosquitto.conf")
        with open(self.conf, "w") as f:
            f.write("\n".join(lines) + "\n")

    def start(self, testcase):
        self.process = subprocess.Popen([MOSQUITTO, "-c", self.conf],
                                        stdout=subprocess.DEVNULL,
                                        stderr=subprocess.DEVNULL)
        ports = [p for p in (self.port, self.tls_port) if p]
        testcase.assert_eventually(lambda: all(self._accepts(p) for p in ports),
                                   timeout=20, message="mosquitto did not listen:\n"
                                   + self.read_log())

    def _accepts(self, port):
        if self.process.poll() is not None:
            raise AssertionError("mosquitto exited (%s):\n%s"
                                 % (self.process.returncode, self.read_log()))
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return True
        except OSError:
            return False

    def stop(self):
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            self.process.wait(timeout=30)
        self.process = None

    def read_log(self):
        try:
            with open(self.log_path, errors="replace") as f:
                return f.read()
        except FileNotFoundError:
            return ""


class Watcher:
    """A paho subscriber on the plain listener with a persistent session:
    every message is kept as (topic, payload bytes, retain)."""

    def __init__(self, port, client_id="watcher", topics=("lactd/#", PREFIX + "/#"),
                 clean=False):
        self.messages = []
        self.lock = threading.Lock()
        self.connected = threading.Event()
        self.subscribed = threading.Event()
        self.client = paho.Client(client_id=client_id, clean_session=clean)
        self.client.username_pw_set(WATCHER_USER, WATCHER_PASSWORD)
        self.client.reconnect_delay_set(min_delay=1, max_delay=2)
        self.topics = topics
        self.client.on_connect = self._on_connect
        self.client.on_message = self._on_message
        self.client.on_subscribe = lambda *args: self.subscribed.set()
        self.client.connect("127.0.0.1", port, keepalive=30)
        self.client.loop_start()

    def _on_connect(self, client, userdata, flags, rc):
        if rc == 0:
            client.subscribe([(t, 1) for t in self.topics])
            self.connected.set()

    def _on_message(self, client, userdata, message):
        with self.lock:
            self.messages.append((message.topic, bytes(message.payload),
                                  bool(message.retain)))

    def close(self):
        self.client.loop_stop()
        self.client.disconnect()

    def publish(self, topic, payload, retain=False, qos=1):
        info = self.client.publish(topic, payload, qos=qos, retain=retain)
        return info

    def on(self, topic):
        with self.lock:
            return [m for m in self.messages if m[0] == topic]

    def on_prefix(self, prefix):
        with self.lock:
            return [m for m in self.messages if m[0].startswith(prefix)]

    def payloads(self, topic):
        return [m[1] for m in self.on(topic)]

    def json(self, topic):
        return [json.loads(p) for p in self.payloads(topic) if p]

    def last_json(self, topic):
        got = self.json(topic)
        return got[-1] if got else None


class MqttTestCase(LactdTestCase):
    """lactd on private buses + mosquitto + lactd-mqtt + a watcher."""

    TLS = False

    def setUp(self):
        super().setUp()
        if not LACTD_MQTT:
            self.fail("LACTD_MQTT is not set (run through meson test)")
        for program in (MOSQUITTO, MOSQUITTO_PASSWD):
            if not os.access(program, os.X_OK):
                self.fail("%s is missing: run tools/install-deps" % program)
        self.bridge = None
        self.bridge_log_path = os.path.join(self.tmpdir, "lactd-mqtt.log")
        self.state_path = os.path.join(self.tmpdir, "state", "lactd", "mqtt.state")
        self.config_path = os.path.join(self.tmpdir, "mqtt.conf")
        self.password_path = os.path.join(self.tmpdir, "mqtt.password")
        write_private(self.password_path, BRIDGE_PASSWORD + "\n")
        self.broker = Broker(os.path.join(self.tmpdir, "broker"), tls=self.tls_files())
        self.broker.start(self)
        self.watcher = None

    def tls_files(self):
        return None

    def tearDown(self):
        if self.watcher is not None:
            self.watcher.close()
        log = self.stop_bridge(check=False)
        self.broker.stop()
        # The password never reaches the log, whatever the test did.
        leaked = BRIDGE_PASSWORD in log
        if self._outcome_failed():
            sys.stderr.write("\n---- lactd-mqtt log ----\n" + log + "---- mosquitto log ----\n"
                             + self.broker.read_log() + "---- end ----\n")
        super().tearDown()
        self.assertFalse(leaked, "the password is in lactd-mqtt's log")

    # ------------------------------------------------------------ pieces

    def start_watcher(self, **kwargs):
        self.watcher = Watcher(self.broker.port, **kwargs)
        self.assert_eventually(self.watcher.connected.is_set, timeout=10,
                               message="the watcher did not connect")
        return self.watcher

    def retained(self, topic_filter, timeout=10):
        """The retained messages on TOPIC_FILTER as a fresh subscriber
        sees them: {topic: payload}, each with its retain flag set."""
        sentinel = "lactd-test/sentinel/%d" % os.getpid()
        watcher = Watcher(self.broker.port, client_id="retained-%d" % time.monotonic_ns(),
                          topics=(topic_filter, sentinel), clean=True)
        try:
            self.assert_eventually(watcher.connected.is_set, timeout=timeout)
            self.assert_eventually(lambda: watcher.subscribed.is_set(), timeout=timeout)
            watcher.publish(sentinel, b"end")
            self.assert_eventually(lambda: watcher.on(sentinel), timeout=timeout,
                                   message="the sentinel never came back")
            got = {}
            for topic, payload, retain in watcher.messages:
                if topic == sentinel:
                    break
                self.assertTrue(retain, "%s came without the retain flag" % topic)
                got[topic] = payload
            return got
        finally:
            watcher.close()

    def write_config(self, **overrides):
        keys = {"host": "127.0.0.1", "port": self.broker.port, "username": BRIDGE_USER,
                "password_file": self.password_path, "id": ID}
        keys.update(overrides)
        text = "[mqtt]\n" + "".join("%s=%s\n" % (k, v) for k, v in keys.items()
                                    if v is not None)
        write_private(self.config_path, text)

    def start_bridge(self, *args, config=True, wait_online=True):
        if config:
            self.write_config()
        self._bridge_log = open(self.bridge_log_path, "ab")
        cmd = [LACTD_MQTT, "--config", self.config_path, "--state-file",
               self.state_path, "-v"] + list(args)
        wrapper = os.environ.get("LACTD_TEST_WRAPPER", "")
        cmd = wrapper.split() + cmd if wrapper else cmd
        self.bridge = subprocess.Popen(cmd, stdout=self._bridge_log, stderr=subprocess.STDOUT)
        if wait_online:
            self.assert_eventually(lambda: "Connected to the MQTT broker" in self.bridge_log(),
                                   timeout=20, message="lactd-mqtt did not connect:\n"
                                   + self.bridge_log())
        return self.bridge

    def stop_bridge(self, sig=signal.SIGTERM, check=True):
        if self.bridge is None:
            return self.bridge_log()
        if self.bridge.poll() is None:
            self.bridge.send_signal(sig)
            try:
                self.bridge.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.bridge.kill()
                self.bridge.wait()
                raise AssertionError("lactd-mqtt did not stop:\n" + self.bridge_log())
        code = self.bridge.returncode
        self.bridge = None
        self._bridge_log.close()
        log = self.bridge_log()
        if check and sig == signal.SIGTERM:
            for marker in ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer",
                           "runtime error:", "CRITICAL"):
                self.assertNotIn(marker, log)
            self.assertEqual(code, 0, "lactd-mqtt exited with %s:\n%s" % (code, log))
        return log

    def bridge_log(self):
        try:
            with open(self.bridge_log_path, errors="replace") as f:
                return f.read()
        except FileNotFoundError:
            return ""

    def bridge_alive(self):
        return self.bridge is not None and self.bridge.poll() is None

    # ------------------------------------------------------------ helpers

    def wait_messages(self, topic, count, timeout=20, where=None):
        where = where or (lambda m: True)

        def enough():
            return len([m for m in self.watcher.on(topic) if where(m)]) >= count
        self.assert_eventually(enough, timeout=timeout,
                               message="no %d message(s) on %s within %ss; got %r"
                               % (count, topic, timeout, self.watcher.on(topic)[-5:]))
        return [m for m in self.watcher.on(topic) if where(m)]

    def wait_state(self, predicate, timeout=20, message=None):
        box = {}

        def holds():
            state = self.watcher.last_json(BASE + "/state")
            box["state"] = state
            return state is not None and predicate(state)
        self.assert_eventually(holds, timeout=timeout,
                               message=(message or "state never matched") + ": %r"
                               % box.get("state"))
        return box["state"]

    def wait_result(self, command, count=1, timeout=20):
        def results():
            return [r for r in self.watcher.json(BASE + "/cmd/result")
                    if r.get("command") == command]
        self.assert_eventually(lambda: len(results()) >= count, timeout=timeout,
                               message="no %d cmd/result for %s" % (count, command))
        return results()

    def mark(self):
        try:
            with open(self.state_path) as f:
                for line in f:
                    if line.startswith("published="):
                        return int(line.split("=", 1)[1])
        except FileNotFoundError:
            pass
        return None

    def add_session(self, start, left=60, right=0, kind="hand", vol_left=None,
                    vol_right=None, supplement=None):
        d = {"kind": GLib.Variant("s", kind), "start": GLib.Variant("x", int(start)),
             "duration_left": GLib.Variant("u", left),
             "duration_right": GLib.Variant("u", right)}
        for key, value in (("volume_left_ml", vol_left), ("volume_right_ml", vol_right),
                           ("supplement_ml", supplement)):
            if value is not None:
                d[key] = GLib.Variant("d", value)
        return self.call("History1", "AddSession", "a{sv}", d)

    def session_ids(self):
        return [s["id"] for s in self.watcher.json(BASE + "/session")]
