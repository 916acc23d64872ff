#!/usr/bin/python3
"""bench-bluez-sync.py — sync throughput through the fake BlueZ, and lactd's
CPU per record against the smallest GDBus client receiving the same
notifications, measured in the same run.

    bench/bench-bluez-sync.py BUILD_DIR [--records N] [--runs R]

BUILD_DIR is a meson build directory holding daemon/lactd,
tests/fakebluez/fake-bluetoothd and bench/minimal-gatt-client (or set
LACTD_BIN, FAKE_BLUETOOTHD, MINIMAL_GATT_CLIENT).

One run, on private system and session buses (dbus-daemons of our own):
  (a) fake-bluetoothd with hci0 and a pump sensor holding N stored records
      (capacity N); the real lactd (--db in a temporary directory, no -v)
      pairs it through org.lactd.Manager1.Pair. From Pair's reply to the
      N-th History1.SessionAdded: wall time (records/s) and lactd's CPU
      time; then until the fake's store is empty (every record
      acknowledged with a RACP delete) for the whole sync.
  (b) lactd stopped, a new fake with the same backlog; the bench pairs the
      device itself (Adapter1.StartDiscovery, Device1.Pair: Just Works)
      and runs bench/minimal-gatt-client, which finds the Session Record
      and RACP characteristics through ObjectManager, subscribes, starts
      notifications, writes RACP 01 01 and counts the N Value changes.
  It prints records/s and CPU µs per record of both, the ratio (lactd CPU
  per record ÷ minimal client CPU per record; the goal is ≤ 1.5), and the
  CPU of the fake and of each dbus-daemon over the same intervals.

CPU time is the kernel's per-process scheduler clock (every thread,
nanoseconds: clock_gettime on the process's CPU clock id, as
clock_getcpuclockid() gives), read before and after each interval; the
client measures itself with CLOCK_PROCESS_CPUTIME_ID from its first call
to org.bluez to its N-th record (its whole-process rusage is printed too).

SPDX-License-Identifier: GPL-3.0-or-later
"""

import argparse
import os
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

import gi

gi.require_version("Gio", "2.0")
from gi.repository import Gio, GLib  # noqa: E402

ADDRESS = "C0:FF:EE:00:00:01"
DEVICE_PATH = "/org/bluez/hci0/dev_" + ADDRESS.replace(":", "_")
FAKE_IFACE = "org.lactd.FakeBluez1"


# ------------------------------------------------------------- CPU clocks

def cpu_seconds(pid):
    """The process's CPU time (all threads, live and exited) in seconds."""
    clock_id = ((~pid) << 3) | 2      # MAKE_PROCESS_CPUCLOCK(pid, CPUCLOCK_SCHED)
    try:
        return time.clock_gettime(clock_id)
    except OSError:
        # Fallback: utime + stime from /proc/PID/stat (clock ticks).
        with open("/proc/%d/stat" % pid) as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class CpuWatch:
    """CPU seconds of several processes over one interval."""

    def __init__(self, pids):
        self.pids = dict(pids)
        self.start = {name: cpu_seconds(pid) for name, pid in self.pids.items()}
        self.wall_start = time.monotonic()

    def stop(self):
        wall = time.monotonic() - self.wall_start
        return wall, {name: cpu_seconds(pid) - self.start[name]
                      for name, pid in self.pids.items()}


# --------------------------------------------------------------- helpers

def fail(message):
    sys.stderr.write("bench-bluez-sync: %s\n" % message)
    sys.exit(1)


def iterate_until(condition, timeout, what):
    ctx = GLib.main_context_default()
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            fail("timed out (%ss) waiting for %s" % (timeout, what))
        src = GLib.timeout_source_new(20)
        src.set_callback(lambda *a: False)
        src.attach(ctx)
        ctx.iteration(True)
        src.destroy()


def call(con, name, path, iface, method, params=None, timeout_ms=30000):
    """An async call on the default main context (signals keep flowing)."""
    box = {}

    def done(c, res):
        try:
            box["reply"] = c.call_finish(res)
        except GLib.Error as e:
            box["error"] = e

    con.call(name, path, iface, method, params, None, Gio.DBusCallFlags.NONE,
             timeout_ms, None, done)
    iterate_until(lambda: box, timeout_ms / 1000 + 5, "%s.%s" % (iface, method))
    if "error" in box:
        raise box["error"]
    reply = box["reply"].unpack()
    return reply[0] if len(reply) == 1 else reply


class Bus:
    """A private dbus-daemon (session configuration)."""

    def __init__(self, tmpdir, name):
        self.log = open(os.path.join(tmpdir, name + "-bus.log"), "wb")
        self.proc = subprocess.Popen(
            ["dbus-daemon", "--session", "--nofork", "--print-address=1",
             "--address=unix:path=%s" % os.path.join(tmpdir, name + "-bus")],
            stdout=subprocess.PIPE, stderr=self.log)
        self.address = self.proc.stdout.readline().decode().strip()
        if not self.address:
            fail("dbus-daemon for the %s bus did not start" % name)
        self.con = Gio.DBusConnection.new_for_address_sync(
            self.address,
            Gio.DBusConnectionFlags.AUTHENTICATION_CLIENT
            | Gio.DBusConnectionFlags.MESSAGE_BUS_CONNECTION, None, None)

    def has_owner(self, name):
        return call(self.con, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                    "org.freedesktop.DBus", "NameHasOwner",
                    GLib.Variant("(s)", (name,)))

    def stop(self):
        self.con.close_sync(None)
        self.proc.terminate()
        self.proc.wait(timeout=10)
        self.log.close()


class Bench:

    def __init__(self, args):
        self.args = args
        self.tmpdir = tempfile.mkdtemp(prefix="bench-bluez-sync-")
        self.system = Bus(self.tmpdir, "system")
        self.session = Bus(self.tmpdir, "session")
        self.env = dict(os.environ,
                        DBUS_SYSTEM_BUS_ADDRESS=self.system.address,
                        DBUS_SESSION_BUS_ADDRESS=self.session.address,
                        XDG_DATA_HOME=os.path.join(self.tmpdir, "data"),
                        XDG_CONFIG_HOME=os.path.join(self.tmpdir, "config"),
                        XDG_RUNTIME_DIR=self.tmpdir,
                        LC_ALL="C.UTF-8")
        self.env.pop("G_MESSAGES_DEBUG", None)
        self.fake = None
        self.daemon = None
        self.session_added = 0
        self.all_added = None
        self.session.con.signal_subscribe(
            "org.lactd", "org.lactd.History1", "SessionAdded", "/org/lactd",
            None, Gio.DBusSignalFlags.NONE, self._on_session_added, None)

    def _on_session_added(self, *args):
        self.session_added += 1
        if self.session_added == self.args.records:
            self.all_added = (time.monotonic(), self.daemon_cpu_now())

    def daemon_cpu_now(self):
        return cpu_seconds(self.daemon.pid) if self.daemon else 0.0

    def close(self):
        self.stop_daemon()
        self.stop_fake()
        self.session.stop()
        self.system.stop()
        if self.args.keep:
            print("# kept %s" % self.tmpdir)
        else:
            shutil.rmtree(self.tmpdir, ignore_errors=True)

    # -------------------------------------------------------- processes

    def start_fake(self, run):
        self.fake_log = open(os.path.join(self.tmpdir, "fake-%s.log" % run), "wb")
        self.fake = subprocess.Popen([self.args.fake], env=self.env,
                                     stdout=self.fake_log,
                                     stderr=subprocess.STDOUT)
        iterate_until(lambda: self.system.has_owner("org.bluez"), 10,
                      "fake-bluetoothd on org.bluez")
        self.ctl("AddAdapter", "(sb)", "hci0", True)
        opts = {"backlog": GLib.Variant("u", self.args.records),
                "capacity": GLib.Variant("u", self.args.records),
                "passkey_mode": GLib.Variant("s", "none")}
        self.ctl("AddSensor", "(sssa{sv})", ADDRESS, "Pump", "pump", opts)
        state = self.ctl("GetSensor", "(s)", ADDRESS)
        if state["stored"] != self.args.records:
            fail("the fake holds %d records, not %d" % (state["stored"],
                                                         self.args.records))

    def stop_fake(self):
        if self.fake is None:
            return
        self.fake.terminate()
        self.fake.wait(timeout=10)
        self.fake = None
        self.fake_log.close()
        iterate_until(lambda: not self.system.has_owner("org.bluez"), 10,
                      "org.bluez to go")

    def ctl(self, method, signature=None, *args):
        params = GLib.Variant(signature, args) if signature else None
        return call(self.system.con, "org.bluez", "/", FAKE_IFACE, method,
                    params)

    def start_daemon(self, run):
        self.daemon_log = open(os.path.join(self.tmpdir, "lactd-%s.log" % run),
                               "wb")
        cmd = [self.args.lactd, "--db",
               os.path.join(self.tmpdir, "lactd-%s.db" % run)]
        if self.args.verbose:
            cmd.append("-v")
        self.daemon = subprocess.Popen(cmd, env=self.env,
                                       stdout=self.daemon_log,
                                       stderr=subprocess.STDOUT)
        iterate_until(lambda: self.session.has_owner("org.lactd"), 30,
                      "lactd on org.lactd")

    def stop_daemon(self):
        if self.daemon is None:
            return
        self.daemon.terminate()
        try:
            code = self.daemon.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.daemon.kill()
            code = self.daemon.wait()
        self.daemon = None
        self.daemon_log.close()
        if code != 0:
            fail("lactd exited with %s" % code)
        iterate_until(lambda: not self.session.has_owner("org.lactd"), 10,
                      "org.lactd to go")

    def pids(self, with_daemon):
        pids = {"fake": self.fake.pid, "system-bus": self.system.proc.pid,
                "session-bus": self.session.proc.pid}
        if with_daemon:
            pids["lactd"] = self.daemon.pid
        return pids

    # --------------------------------------------------------------- (a)

    def run_lactd(self, run):
        n = self.args.records
        self.start_fake("lactd-%d" % run)
        self.start_daemon(run)
        self.session_added = 0
        self.all_added = None
        # Pairing is not measured: the sync starts on the connection Pair
        # leaves up.
        call(self.session.con, "org.lactd", "/org/lactd", "org.lactd.Manager1",
             "Pair", GLib.Variant("(s)", (ADDRESS,)), timeout_ms=60000)
        watch = CpuWatch(self.pids(True))
        early = self.session_added
        iterate_until(lambda: self.all_added is not None, self.args.timeout,
                      "%d SessionAdded (have %d)" % (n, self.session_added))
        stored_at, daemon_cpu_at_stored = self.all_added
        stored_wall = stored_at - watch.wall_start
        stored_daemon_cpu = daemon_cpu_at_stored - watch.start["lactd"]
        iterate_until(lambda: self.ctl("GetSensor", "(s)", ADDRESS)["stored"] == 0,
                      self.args.timeout, "every record acknowledged")
        wall, cpu = watch.stop()
        sessions, before = {}, 0
        while True:   # pages: N may exceed one ListSessions reply (5000)
            page = call(self.session.con, "org.lactd", "/org/lactd",
                        "org.lactd.History1", "ListSessionsPage",
                        GLib.Variant("(xu)", (before, 500)))
            sessions.update((s["id"], s) for s in page)
            if len(page) < 500:
                break
            before = page[-1]["start"] + 1
        seqs = sorted(s["seq"] for s in sessions.values())
        if seqs != list(range(1, n + 1)):
            fail("lactd stored %d sessions, not 1..%d once each" % (len(seqs), n))
        self.stop_daemon()
        self.stop_fake()
        return {"wall_stored": stored_wall, "cpu_stored": stored_daemon_cpu,
                "wall": wall, "cpu": cpu, "early": early}

    # --------------------------------------------------------------- (b)

    def pair_for_minimal(self):
        """Pairs and connects the device as a plain BlueZ client would."""
        call(self.system.con, "org.bluez", "/org/bluez/hci0", "org.bluez.Adapter1",
             "StartDiscovery")

        def device_known():
            objs = call(self.system.con, "org.bluez", "/",
                        "org.freedesktop.DBus.ObjectManager", "GetManagedObjects")
            return DEVICE_PATH in objs
        iterate_until(device_known, 10, "the device to be discovered")
        call(self.system.con, "org.bluez", "/org/bluez/hci0", "org.bluez.Adapter1",
             "StopDiscovery")
        call(self.system.con, "org.bluez", DEVICE_PATH, "org.bluez.Device1", "Pair")

        def resolved():
            props = call(self.system.con, "org.bluez", DEVICE_PATH,
                         "org.freedesktop.DBus.Properties", "GetAll",
                         GLib.Variant("(s)", ("org.bluez.Device1",)))
            return props["Connected"] and props["ServicesResolved"]
        iterate_until(resolved, 10, "ServicesResolved")

    def run_minimal(self, run):
        n = self.args.records
        self.start_fake("minimal-%d" % run)
        self.pair_for_minimal()
        watch = CpuWatch(self.pids(False))
        client = subprocess.Popen([self.args.client, "--records", str(n),
                                   "--timeout", str(self.args.timeout)],
                                  env=self.env, stdout=subprocess.PIPE)
        # Waits without blocking the loop (our connection must not stall
        # the bus).
        box = {}

        def reap():
            if client.poll() is None:
                return False
            box["rusage"] = resource.getrusage(resource.RUSAGE_CHILDREN)
            return True
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        iterate_until(reap, self.args.timeout + 10, "minimal-gatt-client")
        wall, cpu = watch.stop()
        out = client.stdout.read().decode()
        if client.returncode != 0 or not out.startswith("MINIMAL"):
            fail("minimal-gatt-client failed (%s): %s" % (client.returncode, out))
        fields = dict(kv.split("=") for kv in out.split()[1:])
        after = box["rusage"]
        rusage_cpu = ((after.ru_utime + after.ru_stime)
                      - (before.ru_utime + before.ru_stime))
        self.stop_fake()
        return {"wall_stored": float(fields["wall_s"]),
                "cpu_stored": int(fields["cpu_us"]) / 1e6,
                "cpu_process": rusage_cpu, "wall": wall, "cpu": cpu}


def us_per(seconds, n):
    return seconds * 1e6 / n


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("build", nargs="?", default=None,
                        help="meson build directory")
    parser.add_argument("--records", type=int, default=5000,
                        help="stored records on the sensor (default 5000, "
                        "at most 65535: the fake's capacity is 16 bits)")
    parser.add_argument("--runs", type=int, default=1,
                        help="repeat (a) and (b) this many times; medians")
    parser.add_argument("--timeout", type=int, default=300)
    parser.add_argument("--verbose", action="store_true",
                        help="run lactd with -v (debug logging costs CPU)")
    parser.add_argument("--keep", action="store_true",
                        help="keep the temporary directory (logs)")
    args = parser.parse_args()
    if not 1 <= args.records <= 65535:
        parser.error("--records must be 1..65535")

    def find(env, rel):
        path = os.environ.get(env)
        if not path and args.build:
            path = os.path.join(args.build, rel)
        if not path or not os.access(path, os.X_OK):
            parser.error("%s not found: give BUILD_DIR or set %s" % (rel, env))
        return path
    args.lactd = find("LACTD_BIN", "daemon/lactd")
    args.fake = find("FAKE_BLUETOOTHD", "tests/fakebluez/fake-bluetoothd")
    args.client = find("MINIMAL_GATT_CLIENT", "bench/minimal-gatt-client")

    bench = Bench(args)
    results_a, results_b = [], []
    try:
        for run in range(args.runs):
            results_a.append(bench.run_lactd(run))
            results_b.append(bench.run_minimal(run))
    finally:
        bench.close()

    n = args.records
    med = statistics.median

    def med_of(results, key, sub=None):
        return med([r[key][sub] if sub else r[key] for r in results])

    a_wall = med_of(results_a, "wall_stored")
    a_cpu = med_of(results_a, "cpu_stored")
    a_cpu_all = med_of(results_a, "cpu", "lactd")
    b_wall = med_of(results_b, "wall_stored")
    b_cpu = med_of(results_b, "cpu_stored")
    b_cpu_process = med_of(results_b, "cpu_process")
    ratio = a_cpu / b_cpu if b_cpu > 0 else float("inf")
    print("bench-bluez-sync: %d records through fake-bluetoothd, %d run(s), "
          "medians" % (n, args.runs))
    print("lactd sync     : %8.0f records/s  (%.3f s Pair reply → %d SessionAdded; "
          "%.3f s until all acknowledged)"
          % (n / a_wall, a_wall, n, med_of(results_a, "wall")))
    print("lactd CPU      : %8.1f µs/record  (%.3f s to the last SessionAdded; "
          "%.1f µs/record incl. the final delete)"
          % (us_per(a_cpu, n), a_cpu, us_per(a_cpu_all, n)))
    print("minimal recv   : %8.0f records/s  (%.3f s from the first org.bluez call "
          "to the %d-th Value)" % (n / b_wall, b_wall, n))
    print("minimal CPU    : %8.1f µs/record  (%.3f s; whole process %.1f µs/record)"
          % (us_per(b_cpu, n), b_cpu, us_per(b_cpu_process, n)))
    print("ratio          : %8.2f  (lactd CPU/record ÷ minimal client CPU/record; "
          "goal ≤ 1.5: %s)" % (ratio, "met" if ratio <= 1.5 else "NOT met"))
    for name in ("fake", "system-bus", "session-bus"):
        print("%-15s: %8.1f µs/record during (a), %.1f during (b)"
              % (name + " CPU", us_per(med_of(results_a, "cpu", name), n),
                 us_per(med_of(results_b, "cpu", name), n)))
    early = max(r["early"] for r in results_a)
    if early:
        print("# warning: up to %d sessions were stored before Pair replied "
              "(not in the interval)" % early)
    if args.runs > 1:
        print("# per run: lactd µs/record %s; minimal µs/record %s"
              % (", ".join("%.1f" % us_per(r["cpu_stored"], n) for r in results_a),
                 ", ".join("%.1f" % us_per(r["cpu_stored"], n) for r in results_b)))
    print("BENCH bluez-sync records=%d lactd_rps=%.0f lactd_us_per_record=%.1f "
          "minimal_rps=%.0f minimal_us_per_record=%.1f ratio=%.2f "
          "fake_us_per_record=%.1f"
          % (n, n / a_wall, us_per(a_cpu, n), n / b_wall, us_per(b_cpu, n),
             ratio, us_per(med_of(results_a, "cpu", "fake"), n)))
    return 0


if __name__ == "__main__":
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    sys.exit(main())
