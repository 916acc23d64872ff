#!/usr/bin/python3
'''React to lactd's live progress and reminders, with nothing but Gio.

Prints one line per Progress signal (a live session on a sensor) and per
ReminderDue, and runs a command for reminders if one is given:

    examples/lactd-monitor.py
    examples/lactd-monitor.py -- notify-send "Time to pump"

Uses only the public D-Bus API (org.lactd on the session bus); it keeps
running while lactd starts, stops and restarts.

SPDX-License-Identifier: GPL-3.0-or-later
'''

import subprocess
import sys
import time

from gi.repository import Gio, GLib

BUS_NAME = 'org.lactd'
PATH = '/org/lactd'


def local_time(unix_seconds):
    return time.strftime('%H:%M', time.localtime(unix_seconds))


def on_progress(live, sensor):
    elapsed = live.get('elapsed', 0)
    text = f'{sensor.rsplit("/", 1)[-1]}: {elapsed // 60}:{elapsed % 60:02d}'
    text += f' {live.get("phase", "?")} on {live.get("side", "?")}'
    volumes = [live[k] for k in ('volume_left_ml', 'volume_right_ml') if k in live]
    if volumes:
        text += f', {sum(volumes):.1f} mL'
    print('progress', text, flush=True)


def on_reminder(kind, due, message, command):
    print(f'reminder {kind} (due {local_time(due)}): {message}', flush=True)
    if command:
        subprocess.Popen(command + [message])


def main():
    command = sys.argv[2:] if sys.argv[1:2] == ['--'] else sys.argv[1:]
    bus = Gio.bus_get_sync(Gio.BusType.SESSION, None)

    def on_signal(con, sender, path, interface, signal, parameters):
        args = parameters.unpack()
        if signal == 'Progress':
            on_progress(args[1], args[0])
        elif signal == 'ReminderDue':
            on_reminder(*args, command)

    # Subscribing by bus name follows lactd across restarts.
    for interface, member in (('org.lactd.Manager1', 'Progress'),
                              ('org.lactd.Goals1', 'ReminderDue')):
        bus.signal_subscribe(BUS_NAME, interface, member, PATH, None,
                             Gio.DBusSignalFlags.NONE, on_signal)
    Gio.bus_watch_name_on_connection(
        bus, BUS_NAME, Gio.BusNameWatcherFlags.NONE,
        lambda con, name, owner: print('lactd is running', flush=True),
        lambda con, name: print('lactd is not running', flush=True))

    loop = GLib.MainLoop()
    GLib.unix_signal_add(GLib.PRIORITY_DEFAULT, 2, loop.quit)  # SIGINT
    loop.run()


if __name__ == '__main__':
    main()
