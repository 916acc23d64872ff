#!/usr/bin/python3
"""mqtt-latency.py — lactd-mqtt's latency and CPU per session, against
mosquitto_pub publishing the same payload. Prints figures; asserts nothing.

    bench/mqtt-latency.py [BUILDDIR] [--sessions N]     (default /tmp/b-bench, 300)

Everything runs on this machine: private session and system buses
(dbus-daemon), lactd (BUILDDIR/daemon/lactd, a fresh store), Debian's
mosquitto on 127.0.0.1 (a free port, anonymous, no persistence),
lactd-mqtt (BUILDDIR/clients/mqtt/lactd-mqtt, discovery off) and a paho
subscriber in this process.

- lactd-mqtt: N times, History1.AddSession, then wait for the session on
  `<base>/session`. Latency runs from the moment this process's D-Bus
  connection dispatches History1.SessionAdded to the moment the paho thread receives
  the MQTT message: what lactd-mqtt adds between lactd and a subscriber.
  (The main thread waits in the GLib main loop, which SessionAdded and
  the paho thread both wake, so neither timestamp waits for the other.)
  CPU per session: lactd-mqtt's CPU time (every thread, from
  /proc/PID/task/*/schedstat, ns) over the N sessions, divided by N; it
  includes the state republished after each session and the mark's
  durable write.
- mosquitto_pub: N times, `mosquitto_pub -q 1` with the same payload (the
  last session lactd-mqtt published) on another topic; latency from just
  before spawning it to the paho receipt (process start-up included),
  CPU from getrusage(RUSAGE_CHILDREN).

SPDX-License-Identifier: GPL-3.0-or-later
"""

import argparse
import os
import resource
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time

import gi

gi.require_version("Gio", "2.0")
from gi.repository import Gio, GLib  # noqa: E402

import paho.mqtt.client as paho  # noqa: E402

BASE = "lactd/bench"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_bus(procs):
    out = subprocess.run(["dbus-daemon", "--session", "--fork", "--print-address=1",
                          "--print-pid=1"], capture_output=True, text=True, check=True)
    address, pid = out.stdout.split("\n")[:2]
    procs.append(int(pid))
    return address


def cpu_ns(pid):
    total = 0
    for task in os.listdir("/proc/%d/task" % pid):
        try:
            with open("/proc/%d/task/%s/schedstat" % (pid, task)) as f:
                total += int(f.read().split()[0])
        except (FileNotFoundError, ProcessLookupError):
            pass
    return total


def children_cpu_s():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def wait_for(predicate, timeout, what):
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            sys.exit("mqtt-latency: %s did not happen within %s s" % (what, timeout))
        time.sleep(0.005)


class Subscriber:
    def __init__(self, port):
        self.received = {}          # topic → list of (monotonic, payload)
        self.cond = threading.Condition()
        self.client = paho.Client(client_id="bench-sub", clean_session=True)
        self.client.on_message = self.on_message
        self.client.connect("127.0.0.1", port)
        self.client.subscribe([(BASE + "/#", 1), ("bench/pub", 1)])
        self.client.loop_start()

    def on_message(self, client, userdata, message):
        now = time.monotonic()
        with self.cond:
            self.received.setdefault(message.topic, []).append((now, bytes(message.payload)))
            self.cond.notify_all()
        # Wakes the main loop waiting in add().
        GLib.idle_add(lambda: False)

    def wait_count(self, topic, count, timeout=30):
        with self.cond:
            if not self.cond.wait_for(lambda: len(self.received.get(topic, [])) >= count,
                                      timeout):
                sys.exit("mqtt-latency: no message %d on %s" % (count, topic))
            return self.received[topic][count - 1]


def describe(values_ms):
    values = sorted(values_ms)
    p99 = values[min(len(values) - 1, int(round(0.99 * (len(values) - 1))))]
    return "median %.3f ms, p99 %.3f ms, min %.3f ms, max %.3f ms" % (
        statistics.median(values), p99, values[0], values[-1])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("builddir", nargs="?", default="/tmp/b-bench")
    parser.add_argument("--sessions", type=int, default=300)
    args = parser.parse_args()
    lactd = os.path.join(args.builddir, "daemon", "lactd")
    bridge = os.path.join(args.builddir, "clients", "mqtt", "lactd-mqtt")
    for path in (lactd, bridge):
        if not os.access(path, os.X_OK):
            sys.exit("mqtt-latency: no %s (build first)" % path)
    mosquitto = shutil.which("mosquitto") or "/usr/sbin/mosquitto"
    n = args.sessions

    tmp = tempfile.mkdtemp(prefix="lactd-mqtt-bench-")
    pids = []
    children = []
    try:
        os.environ["DBUS_SYSTEM_BUS_ADDRESS"] = start_bus(pids)
        os.environ["DBUS_SESSION_BUS_ADDRESS"] = start_bus(pids)
        port = free_port()
        conf = os.path.join(tmp, "mosquitto.conf")
        with open(conf, "w") as f:
            f.write("%slistener %d 127.0.0.1\nallow_anonymous true\n"
                    % ("user root\n" if os.geteuid() == 0 else "", port))
        children.append(subprocess.Popen([mosquitto, "-c", conf], stderr=subprocess.DEVNULL))
        wait_for(lambda: socket.socket().connect_ex(("127.0.0.1", port)) == 0, 10, "mosquitto")

        bus = Gio.bus_get_sync(Gio.BusType.SESSION, None)
        ctx = GLib.main_context_default()
        signal_times = {}

        def on_session_added(con, sender, path, iface, name, params):
            signal_times[params.unpack()[0]["id"]] = time.monotonic()
        bus.signal_subscribe(None, "org.lactd.History1", "SessionAdded", "/org/lactd",
                             None, Gio.DBusSignalFlags.NONE, on_session_added)

        lactd_proc = subprocess.Popen([lactd, "--db", os.path.join(tmp, "lactd.db")],
                                      stderr=subprocess.DEVNULL)
        children.append(lactd_proc)
        subprocess.run(["gdbus", "wait", "--session", "--timeout", "10", "org.lactd"],
                       check=True)
        mqtt_conf = os.path.join(tmp, "mqtt.conf")
        with open(os.open(mqtt_conf, os.O_WRONLY | os.O_CREAT, 0o600), "w") as f:
            f.write("[mqtt]\nhost=127.0.0.1\nport=%d\nid=bench\ndiscovery_prefix=\n" % port)
        subscriber = Subscriber(port)
        bridge_proc = subprocess.Popen([bridge, "-c", mqtt_conf, "--state-file",
                                        os.path.join(tmp, "mqtt.state")],
                                       stderr=subprocess.DEVNULL)
        children.append(bridge_proc)
        subscriber.wait_count(BASE + "/availability", 1)
        subscriber.wait_count(BASE + "/state", 1)

        now = int(time.time())
        latencies = []

        def add(i):
            """AddSession without blocking the main loop, which timestamps
            SessionAdded; returns once the session is on MQTT."""
            d = {"kind": GLib.Variant("s", "hand"),
                 "start": GLib.Variant("x", now - 86400 * 30 + 600 * i),
                 "duration_left": GLib.Variant("u", 300),
                 "volume_left_ml": GLib.Variant("d", 10.0 + i % 50)}
            box = {}
            count = len(subscriber.received.get(BASE + "/session", [])) + 1
            bus.call("org.lactd", "/org/lactd", "org.lactd.History1", "AddSession",
                     GLib.Variant("(a{sv})", (d,)), None, Gio.DBusCallFlags.NONE, 10000,
                     None, lambda con, res: box.update(id=con.call_finish(res).unpack()[0]))
            deadline = time.monotonic() + 30
            while not ("id" in box and box["id"] in signal_times and
                       len(subscriber.received.get(BASE + "/session", [])) >= count):
                if time.monotonic() > deadline:
                    sys.exit("mqtt-latency: session %d not seen" % i)
                ctx.iteration(True)
            return box["id"]

        # Warm-up, then the measured sessions.
        for i in range(5):
            add(i)
            subscriber.wait_count(BASE + "/session", i + 1)
        cpu0 = cpu_ns(bridge_proc.pid)
        lactd_cpu0 = cpu_ns(lactd_proc.pid)
        for i in range(n):
            sid = add(5 + i)
            t_mqtt, payload = subscriber.wait_count(BASE + "/session", 6 + i)
            latencies.append((t_mqtt - signal_times[sid]) * 1000)
        # Let the last state and mark writes finish before reading CPU.
        time.sleep(1.5)
        bridge_cpu = (cpu_ns(bridge_proc.pid) - cpu0) / n
        lactd_cpu = (cpu_ns(lactd_proc.pid) - lactd_cpu0) / n

        pub_latencies = []
        c0 = children_cpu_s()
        for i in range(n):
            t0 = time.monotonic()
            subprocess.run(["mosquitto_pub", "-h", "127.0.0.1", "-p", str(port), "-q", "1",
                            "-i", "bench-pub", "-t", "bench/pub", "-m", payload], check=True)
            t_recv, _ = subscriber.wait_count("bench/pub", i + 1)
            pub_latencies.append((t_recv - t0) * 1000)
        pub_cpu = (children_cpu_s() - c0) / n * 1e9

        print("mqtt-latency.py: %s, %d cores, load %s, %d sessions, payload %d bytes"
              % (time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), os.cpu_count(),
                 " ".join(open("/proc/loadavg").read().split()[:3]), n, len(payload)))
        print("SessionAdded → <base>/session at the subscriber (lactd-mqtt): %s"
              % describe(latencies))
        print("spawn mosquitto_pub → same payload at the subscriber:       %s"
              % describe(pub_latencies))
        print("CPU per session: lactd-mqtt %.0f µs (lactd %.0f µs for the AddSession); "
              "mosquitto_pub %.0f µs per run" % (bridge_cpu / 1000, lactd_cpu / 1000,
                                                 pub_cpu / 1000))
        subscriber.client.loop_stop()
    finally:
        for child in reversed(children):
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)
                try:
                    child.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    child.kill()
        for pid in pids:
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
