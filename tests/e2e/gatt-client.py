#!/usr/bin/python3
# tests/e2e/gatt-client.py — a bare LSP GATT client straight on BlueZ's
# D-Bus API, with none of lactd's code: finds the sensor, pairs (Just
# Works), subscribes to Session Record and RACP, asks for a report of
# every stored record and counts the notifications. It proves lactd-sim
# over real bluetoothd on its own, and is the benchmark's reference rate.
#
# Prints key=value lines: address, paired, count (RACP 0x05), records,
# distinct, end_code, seconds, rate.
#
# SPDX-License-Identifier: GPL-3.0-or-later
import argparse
import os
import struct
import sys
import time

from gi.repository import Gio, GLib

BLUEZ = "org.bluez"
LSP_SERVICE = "f4680001-3aa1-4859-ac7b-48a5f3f7ceae"
RECORD = "f4680003-3aa1-4859-ac7b-48a5f3f7ceae"
RACP = "f4680004-3aa1-4859-ac7b-48a5f3f7ceae"
FEATURES = "f4680006-3aa1-4859-ac7b-48a5f3f7ceae"
AGENT_PATH = "/org/lactd/e2e/agent"
# Agent1 as lactd exports it: the one copy in data/bluez/.
AGENT_XML = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                         "..", "..", "data", "bluez", "org.bluez.Agent1.xml")
# What a NoInputNoOutput agent answers; any other request is refused.
AGENT_ACCEPTS = ("Release", "RequestConfirmation", "RequestAuthorization",
                 "AuthorizeService", "Cancel")


def log(*a):
    print("[gatt-client %.3f]" % time.monotonic(), *a, file=sys.stderr, flush=True)


class Client:
    def __init__(self, adapter):
        self.bus = Gio.bus_get_sync(Gio.BusType.SYSTEM, None)
        self.adapter = "/org/bluez/" + adapter
        self.loop = GLib.MainLoop()
        self.records = []
        self.racp = []
        self.first_record = None
        self.last_record = None
        self.bus.signal_subscribe(BLUEZ, "org.freedesktop.DBus.Properties",
                                  "PropertiesChanged", None, None,
                                  Gio.DBusSignalFlags.NONE, self.on_props)
        with open(AGENT_XML) as f:
            node = Gio.DBusNodeInfo.new_for_xml(f.read())
        self.bus.register_object(AGENT_PATH, node.interfaces[0],
                                 self.on_agent_call, None, None)
        am = "org.bluez.AgentManager1"
        self.call("/org/bluez", am, "RegisterAgent",
                  GLib.Variant("(os)", (AGENT_PATH, "NoInputNoOutput")))

    def on_agent_call(self, bus, sender, path, iface, method, params, inv):
        log("agent:", method)
        if method in AGENT_ACCEPTS:
            inv.return_value(None)
        else:
            inv.return_dbus_error("org.bluez.Error.Rejected",
                                  method + " is not for a NoInputNoOutput agent")

    def call(self, path, iface, method, params=None, timeout=30000):
        return self.bus.call_sync(BLUEZ, path, iface, method, params, None,
                                  Gio.DBusCallFlags.NONE, timeout, None)

    def prop(self, path, iface, name):
        v = self.call(path, "org.freedesktop.DBus.Properties", "Get",
                      GLib.Variant("(ss)", (iface, name)))
        return v.unpack()[0]

    def objects(self):
        return self.call("/", "org.freedesktop.DBus.ObjectManager",
                         "GetManagedObjects").unpack()[0]

    def on_props(self, bus, sender, path, iface, signal, params):
        changed_iface, changed, _ = params.unpack()
        if changed_iface != "org.bluez.GattCharacteristic1" or "Value" not in changed:
            return
        value = bytes(changed["Value"])
        if path == getattr(self, "record_path", None):
            now = time.monotonic()
            self.first_record = self.first_record or now
            self.last_record = now
            self.records.append(value)
        elif path == getattr(self, "racp_path", None):
            self.racp.append(value)

    def wait(self, cond, timeout):
        end = time.monotonic() + timeout
        ctx = self.loop.get_context()
        while not cond():
            if time.monotonic() > end:
                return False
            ctx.iteration(False) or time.sleep(0.01)
        return True

    def find_device(self, address, timeout):
        def lookup():
            for path, ifaces in self.objects().items():
                dev = ifaces.get("org.bluez.Device1")
                if not dev or not path.startswith(self.adapter + "/"):
                    continue
                if address and dev.get("Address") == address:
                    return path
                if not address and LSP_SERVICE in dev.get("UUIDs", []):
                    return path
            return None

        path = lookup()
        if path:
            return path
        self.call(self.adapter, "org.bluez.Adapter1", "SetDiscoveryFilter",
                  GLib.Variant("(a{sv})", ({"Transport": GLib.Variant("s", "le")},)))
        self.call(self.adapter, "org.bluez.Adapter1", "StartDiscovery")
        found = []
        self.wait(lambda: found.append(lookup()) or found[-1], timeout)
        try:
            self.call(self.adapter, "org.bluez.Adapter1", "StopDiscovery")
        except GLib.Error:
            pass
        return found[-1] if found else None

    def char_path(self, device, uuid):
        for path, ifaces in self.objects().items():
            c = ifaces.get("org.bluez.GattCharacteristic1")
            if c and path.startswith(device + "/") and c["UUID"] == uuid:
                return path
        return None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--adapter", default="hci1")
    ap.add_argument("--address")
    ap.add_argument("--timeout", type=float, default=90)
    ap.add_argument("--no-report", action="store_true")
    ap.add_argument("--disconnect", action="store_true")
    args = ap.parse_args()

    c = Client(args.adapter)
    dev = c.find_device(args.address, args.timeout)
    if not dev:
        print("error=sensor not found")
        return 1
    address = c.prop(dev, "org.bluez.Device1", "Address")
    log("device", dev)
    print("address=%s" % address)
    resolved = False
    for attempt in range(3):
        try:
            if not c.prop(dev, "org.bluez.Device1", "Connected"):
                c.call(dev, "org.bluez.Device1", "Connect", timeout=60000)
        except GLib.Error as e:
            log("Connect:", e.message)
        if c.wait(lambda: c.prop(dev, "org.bluez.Device1", "ServicesResolved"), 30):
            resolved = True
            break
        # A link that came up without its services: start over.
        log("services not resolved (attempt %d): reconnecting" % (attempt + 1))
        try:
            c.call(dev, "org.bluez.Device1", "Disconnect")
        except GLib.Error:
            pass
        c.wait(lambda: not c.prop(dev, "org.bluez.Device1", "Connected"), 10)
    if not resolved:
        print("error=services not resolved")
        return 1
    if not c.prop(dev, "org.bluez.Device1", "Paired"):
        c.call(dev, "org.bluez.Device1", "Pair", timeout=60000)
    c.call(dev, "org.freedesktop.DBus.Properties", "Set",
           GLib.Variant("(ssv)", ("org.bluez.Device1", "Trusted", GLib.Variant("b", True))))
    print("paired=%d" % c.prop(dev, "org.bluez.Device1", "Paired"))

    c.record_path = c.char_path(dev, RECORD)
    c.racp_path = c.char_path(dev, RACP)
    feat = c.char_path(dev, FEATURES)
    if not (c.record_path and c.racp_path and feat):
        print("error=LSP characteristics missing")
        return 1
    v = bytes(c.call(feat, "org.bluez.GattCharacteristic1", "ReadValue",
                     GLib.Variant("(a{sv})", ({},))).unpack()[0])
    print("epoch=%u" % struct.unpack_from("<I", v, 4)[0])
    for p in (c.record_path, c.racp_path):
        c.call(p, "org.bluez.GattCharacteristic1", "StartNotify")

    def racp_write(req):
        c.call(c.racp_path, "org.bluez.GattCharacteristic1", "WriteValue",
               GLib.Variant("(aya{sv})", (req, {"type": GLib.Variant("s", "request")})))

    racp_write(bytes([0x04, 0x01]))
    if not c.wait(lambda: c.racp, 30):
        print("error=no count indication")
        return 1
    count = struct.unpack_from("<I", c.racp[0], 2)[0]
    print("count=%u" % count)
    c.racp.clear()
    if not args.no_report:
        t0 = time.monotonic()
        racp_write(bytes([0x01, 0x01]))
        # Records may trail the 0x06 (another ATT channel): wait for both.
        ok = c.wait(lambda: c.racp and len(c.records) >= count, args.timeout)
        c.wait(lambda: False, 0.5)
        t1 = c.last_record or time.monotonic()
        seqs = [struct.unpack_from("<I", r, 0)[0] for r in c.records if len(r) >= 4]
        secs = max(t1 - t0, 1e-6)
        print("records=%d" % len(c.records))
        print("distinct=%d" % len(set(seqs)))
        print("end_code=%s" % (c.racp[0].hex() if c.racp else "none"))
        print("seconds=%.3f" % secs)
        print("rate=%.1f" % (len(c.records) / secs))
        if not ok:
            print("error=report incomplete")
            return 1
    for p in (c.record_path, c.racp_path):
        c.call(p, "org.bluez.GattCharacteristic1", "StopNotify")
    if args.disconnect:
        c.call(dev, "org.bluez.Device1", "Disconnect")
    return 0


if __name__ == "__main__":
    sys.exit(main())
