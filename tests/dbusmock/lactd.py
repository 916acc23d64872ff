'''lactd mock template

A python-dbusmock template of lactd's own D-Bus API (docs/dbus-api.md), so
that clients can be tested without the daemon, BlueZ or a sensor:

    dbusmock.DBusTestCase.spawn_server_template('tests/dbusmock/lactd.py',
                                                {'BluetoothState': 'ready'})
    python3 -m dbusmock --template tests/dbusmock/lactd.py

/org/lactd implements org.lactd.Manager1, org.lactd.History1,
org.lactd.Goals1 and org.freedesktop.DBus.ObjectManager with in-memory
behaviour: AddSession validates as the daemon does and stores, ListSessions
filters, DailySummary aggregates per local day of each session's own
utc_offset, SetGoal validates and applies, Snooze and Dismiss follow the
pending-reminder rules. Discover returns at once (no scan). Trend stays at
its "no data" value unless set through org.freedesktop.DBus.Properties.Set.

A discoverable added with AddDiscoverableComparison asks for a numeric
comparison: Pair emits PairingPasskey(address, passkey, true) and stays
pending until its caller answers ConfirmPairing (true: paired; false:
PairingFailed); another client gets NotAuthorized, and the comparison is
rejected after 60 s or as soon as the caller leaves the bus.

Mock-only controls are on the org.lactd.Mock interface of /org/lactd:
AddSensor, RemoveSensor, UpdateSensor, AddDiscoverable,
AddDiscoverableComparison, AddSensorSession,
EmitProgress, EmitSessionStarted, EmitSessionEnded, EmitReminderDue,
SetBluetoothState and SetError (the next call of a method fails with the
given D-Bus error).

Parameters: Version (s, default "0.1.0"), BluetoothState (s, default
"ready"), StoreRecovery (s, default "": the sentence lactd sets after it
moved a damaged database aside).

SPDX-License-Identifier: GPL-3.0-or-later
'''

import datetime
import math
import re
import time

import dbus
import dbus.service
from gi.repository import GLib

from dbusmock import mockobject

BUS_NAME = 'org.lactd'
MAIN_OBJ = '/org/lactd'
MAIN_IFACE = 'org.lactd.Manager1'
SYSTEM_BUS = False
IS_OBJECT_MANAGER = True

HISTORY_IFACE = 'org.lactd.History1'
GOALS_IFACE = 'org.lactd.Goals1'
SENSOR_IFACE = 'org.lactd.Sensor1'
MOCK_IFACE = 'org.lactd.Mock'
SENSOR_PATH_PREFIX = '/org/lactd/sensor/'
ERROR_PREFIX = 'org.lactd.Error.'

BLUETOOTH_STATES = ('ready', 'off', 'no-adapter', 'no-bluez', 'simulated')
SESSION_KINDS = ('pump', 'sns', 'hand', 'breastfeed')
SENSOR_KINDS = ('pump', 'sns', 'unknown')
MIN_START = 1577836800  # 2020-01-01T00:00:00Z
MAX_DAYS = 3660
MAX_LIST_SESSIONS = 5000
MAX_PAGE_SESSIONS = 500
CONFIRM_TIMEOUT_S = 60

# dbus-python's class for each basic D-Bus type, and back.
TYPE_CLASSES = {
    'y': dbus.Byte, 'b': dbus.Boolean, 'n': dbus.Int16, 'q': dbus.UInt16,
    'i': dbus.Int32, 'u': dbus.UInt32, 'x': dbus.Int64, 't': dbus.UInt64,
    'd': dbus.Double, 's': dbus.String, 'o': dbus.ObjectPath,
    'g': dbus.Signature,
}
SESSION_KEYS = {
    'kind': 's', 'start': 'x', 'utc_offset': 'i', 'duration_left': 'u',
    'duration_right': 'u', 'double': 'b', 'volume_left_ml': 'd',
    'volume_right_ml': 'd', 'supplement_ml': 'd',
}
GOAL_KEYS = {
    'sessions_per_day': ('u', 1, 24), 'minutes_per_side': ('u', 1, 60),
    'max_gap_minutes': ('u', 1, 1440), 'night_start': ('s', None, None),
    'night_end': ('s', None, None), 'reminders': ('b', None, None),
}


def error(name, message):
    return dbus.exceptions.DBusException(message, name=ERROR_PREFIX + name)


def type_of(value):
    '''The D-Bus signature of a value that came in a variant.'''
    if getattr(value, 'variant_level', 0) > 1:
        return 'v'
    for signature, cls in TYPE_CLASSES.items():
        if type(value) is cls:  # pylint: disable=unidiomatic-typecheck
            return signature
    if isinstance(value, dbus.Dictionary):
        return 'a{%s}' % (value.signature or '')
    if isinstance(value, dbus.Array):
        return 'a' + (value.signature or '')
    if isinstance(value, dbus.Struct):
        return '(' + (value.signature or '') + ')'
    return '?'


def check_dict(dictionary, allowed):
    '''Every key known and of its type (allowed: key -> signature).'''
    for key, value in dictionary.items():
        if key not in allowed:
            raise error('InvalidArgs', f"unknown key '{key}'")
        if type_of(value) != allowed[key]:
            raise error('InvalidArgs', f"{key}: expected type '{allowed[key]}', "
                        f"got '{type_of(value)}'")


def parse_hhmm(key, text):
    if not re.fullmatch(r'[0-9]{2}:[0-9]{2}', text) or \
            int(text[:2]) > 23 or int(text[3:]) > 59:
        raise error('InvalidArgs', f"{key}: '{text}' is not a time HH:MM "
                    'between 00:00 and 23:59')
    return int(text[:2]) * 60 + int(text[3:])


def parse_day(key, text):
    if not re.fullmatch(r'[0-9]{4}-[0-9]{2}-[0-9]{2}', text):
        raise error('InvalidArgs', f"{key}: '{text}' is not a day in "
                    'YYYY-MM-DD form')
    try:
        return datetime.date(int(text[:4]), int(text[5:7]), int(text[8:]))
    except ValueError:
        raise error('InvalidArgs', f"{key}: '{text}' is not a calendar "
                    'day') from None


def local_offset_minutes(when):
    return time.localtime(when).tm_gmtoff // 60


def tenths(ml):
    return int(math.floor(ml * 10.0 + 0.5))


def session_end(session):
    left, right = session['duration_left'], session['duration_right']
    return session['start'] + (max(left, right) if session['double']
                               else left + right)


def validate_manual_session(entry, now):
    '''AddSession's dictionary to a stored session dictionary (Python
    values), as the daemon validates it.'''
    check_dict(entry, SESSION_KEYS)
    for key in ('kind', 'start'):
        if key not in entry:
            raise error('InvalidArgs', f"missing required key '{key}'")
    kind = str(entry['kind'])
    if kind not in SESSION_KINDS:
        raise error('InvalidArgs', f"kind: '{kind}' is not one of pump, sns, "
                    'hand, breastfeed')
    start = int(entry['start'])
    if start < MIN_START:
        raise error('InvalidArgs', f'start: {start} is before 2020-01-01 '
                    f'({MIN_START})')
    if start > now + 60:
        raise error('InvalidArgs', f'start: {start} is more than 60 s after '
                    f'now ({now})')
    offset = int(entry.get('utc_offset', local_offset_minutes(start)))
    if not -720 <= offset <= 840:
        raise error('InvalidArgs', f'utc_offset: {offset} min is outside '
                    '-720..840 min')
    session = {
        'id': 0, 'source': 'manual', 'sensor': '', 'seq': 0, 'kind': kind,
        'start': start, 'end': 0, 'utc_offset': offset,
        'duration_left': 0, 'duration_right': 0,
        'double': bool(entry.get('double', False)),
        'interrupted': False, 'clock_unsynced': False,
    }
    for key in ('duration_left', 'duration_right'):
        seconds = int(entry.get(key, 0))
        if seconds > 14400:
            raise error('InvalidArgs', f'{key}: {seconds} s is more than '
                        '14400 s')
        session[key] = seconds
    for key in ('volume_left_ml', 'volume_right_ml', 'supplement_ml'):
        if key not in entry:
            continue  # not measured: left out, never 0
        ml = float(entry[key])
        if not math.isfinite(ml):
            raise error('InvalidArgs', f'{key}: {ml} is not a finite number')
        if not 0.0 <= ml <= 1000.0:
            raise error('InvalidArgs', f'{key}: {ml:g} is outside 0-1000 mL')
        session[key] = tenths(ml) / 10.0
    session['end'] = session_end(session)
    return session


SESSION_SIGNATURES = {
    'id': 't', 'source': 's', 'sensor': 's', 'seq': 'u', 'kind': 's',
    'start': 'x', 'end': 'x', 'utc_offset': 'i', 'duration_left': 'u',
    'duration_right': 'u', 'double': 'b', 'volume_left_ml': 'd',
    'volume_right_ml': 'd', 'supplement_ml': 'd', 'interrupted': 'b',
    'clock_unsynced': 'b',
}


def typed_dict(values, signatures):
    '''A Python dict as an a{sv} with the contract's types, in key order.'''
    return dbus.Dictionary(
        {key: TYPE_CLASSES[signatures[key]](values[key])
         for key in signatures if key in values},
        signature='sv')


def session_variant(session):
    return typed_dict(session, SESSION_SIGNATURES)


def set_props(obj, interface, changes):
    '''Sets properties and announces them with PropertiesChanged.'''
    for name, value in changes.items():
        obj.props[interface][name] = value
    obj.EmitSignal(dbus.PROPERTIES_IFACE, 'PropertiesChanged', 'sa{sv}as', [
        interface, dbus.Dictionary(changes, signature='sv'),
        dbus.Array([], signature='s')])


def take_injected_error(mock, method):
    '''Fails this call when SetError armed it.'''
    injected = mock.lactd_errors.pop(method, None)
    if injected is not None:
        raise dbus.exceptions.DBusException(injected[1], name=injected[0])


def main_mock():
    return mockobject.objects[MAIN_OBJ]


def sensor_path(address):
    return SENSOR_PATH_PREFIX + address.replace(':', '_')


def normalize_address(address):
    if not re.fullmatch(r'([0-9A-Fa-f]{2}:){5}[0-9A-Fa-f]{2}', address):
        raise error('InvalidArgs', f"'{address}' is not a Bluetooth address "
                    'XX:XX:XX:XX:XX:XX')
    return address.upper()


# ------------------------------------------------------------- goals state

GOAL_SIGNATURES = {
    'sessions_per_day': 'u', 'minutes_per_side': 'u', 'max_gap_minutes': 'u',
    'night_start': 's', 'night_end': 's', 'reminders': 'b',
}
PROGRESS_SIGNATURES = {
    'sessions': 'u', 'target': 'u', 'night_done': 'b', 'seconds_left': 'u',
    'seconds_right': 'u', 'expressed_ml': 'd', 'supplement_ml': 'd',
    'next_due': 'x',
}


def default_goal():
    return {'sessions_per_day': 8, 'minutes_per_side': 15,
            'max_gap_minutes': 180, 'night_start': '01:00',
            'night_end': '05:00', 'reminders': True}


def in_night(local_minute, night_start, night_end):
    if night_start < night_end:
        return night_start <= local_minute < night_end
    return local_minute >= night_start or local_minute < night_end


def night_done(mock, now):
    '''A session started in the most recent night window that has begun
    (local time of the mock process).'''
    start_min = parse_hhmm('night_start', mock.lactd_goal['night_start'])
    end_min = parse_hhmm('night_end', mock.lactd_goal['night_end'])
    local = datetime.datetime.fromtimestamp(now).astimezone()
    begin = local.replace(hour=start_min // 60, minute=start_min % 60,
                          second=0, microsecond=0)
    if begin > local:
        begin -= datetime.timedelta(days=1)
    length = (end_min - start_min) % 1440
    window_start = begin.timestamp()
    window_end = window_start + length * 60
    return any(window_start <= s['start'] < window_end
               for s in mock.lactd_sessions.values())


def next_due(mock):
    if not mock.lactd_goal['reminders'] or mock.lactd_dismissed \
            or not mock.lactd_sessions:
        return 0
    if mock.lactd_snoozed_until:
        return mock.lactd_snoozed_until
    latest = max(s['end'] for s in mock.lactd_sessions.values())
    return latest + mock.lactd_goal['max_gap_minutes'] * 60


def refresh_goals(mock):
    '''Recomputes Goal, Progress and NextDue and announces them.'''
    now = int(time.time())
    recent = [s for s in mock.lactd_sessions.values()
              if now - 86400 <= s['start'] <= now + 60]
    due = next_due(mock)
    progress = {
        'sessions': len(recent),
        'target': mock.lactd_goal['sessions_per_day'],
        'night_done': night_done(mock, now),
        'seconds_left': sum(s['duration_left'] for s in recent),
        'seconds_right': sum(s['duration_right'] for s in recent),
        'expressed_ml': sum(tenths(s.get('volume_left_ml', 0.0)) +
                            tenths(s.get('volume_right_ml', 0.0))
                            for s in recent) / 10.0,
        'supplement_ml': sum(tenths(s.get('supplement_ml', 0.0))
                             for s in recent) / 10.0,
        'next_due': due,
    }
    set_props(mock, GOALS_IFACE, {
        'Goal': typed_dict(mock.lactd_goal, GOAL_SIGNATURES),
        'Progress': typed_dict(progress, PROGRESS_SIGNATURES),
        'NextDue': dbus.Int64(due),
    })


def store_session(mock, session):
    mock.lactd_next_id += 1
    session['id'] = mock.lactd_next_id
    mock.lactd_sessions[session['id']] = session
    # A session ends whatever reminder was pending.
    mock.lactd_pending = False
    mock.lactd_dismissed = False
    mock.lactd_snoozed_until = 0
    mock.EmitSignal(HISTORY_IFACE, 'SessionAdded', 'a{sv}',
                    [session_variant(session)])
    refresh_goals(mock)
    return session['id']


# ----------------------------------------------------------------- load

def load(mock, parameters):
    mock.lactd_sessions = {}
    mock.lactd_next_id = 0
    mock.lactd_goal = default_goal()
    mock.lactd_pending = False
    mock.lactd_dismissed = False
    mock.lactd_snoozed_until = 0
    mock.lactd_errors = {}
    mock.lactd_discoverable = {}
    mock.lactd_comparison = None

    state = str(parameters.get('BluetoothState', 'ready'))
    if state not in BLUETOOTH_STATES:
        raise error('InvalidArgs', f"BluetoothState: '{state}' is not one of "
                    + ', '.join(BLUETOOTH_STATES))
    mock.AddProperties(MAIN_IFACE, {
        'Version': dbus.String(parameters.get('Version', '0.1.0')),
        'BluetoothState': dbus.String(state),
        'Sensors': dbus.Array([], signature='o'),
        'StoreRecovery': dbus.String(parameters.get('StoreRecovery', '')),
    })
    mock.AddProperties(GOALS_IFACE, {
        'Goal': typed_dict(mock.lactd_goal, GOAL_SIGNATURES),
        'Progress': typed_dict({
            'sessions': 0, 'target': 8, 'night_done': False,
            'seconds_left': 0, 'seconds_right': 0, 'expressed_ml': 0.0,
            'supplement_ml': 0.0, 'next_due': 0}, PROGRESS_SIGNATURES),
        'NextDue': dbus.Int64(0),
        # own_milk_share is absent while nothing was measured.
        'Trend': dbus.Dictionary({
            'expressed_ml_per_day': dbus.Double(0.0),
            'supplement_ml_per_day': dbus.Double(0.0),
            'first_milk_day': dbus.String('')}, signature='sv'),
    })
    # History1 has no properties; an empty entry makes GetAll answer.
    mock.props.setdefault(HISTORY_IFACE, {})


# -------------------------------------------------------------- Manager1

def require_adapter(mock):
    state = mock.props[MAIN_IFACE]['BluetoothState']
    if state not in ('ready', 'simulated'):
        raise error('NoAdapter', f'Bluetooth is not usable: {state}')


@dbus.service.method(MAIN_IFACE, in_signature='u', out_signature='a(ssssn)')
def Discover(self, timeout_seconds):
    take_injected_error(self, 'Discover')
    if not 1 <= timeout_seconds <= 60:
        raise error('InvalidArgs', f'timeout_seconds: {timeout_seconds} is '
                    'outside 1-60')
    require_adapter(self)
    paired = {str(p) for p in self.props[MAIN_IFACE]['Sensors']}
    found = []
    for address, entry in sorted(self.lactd_discoverable.items()):
        path = sensor_path(address)
        kind = (mockobject.objects[path].props[SENSOR_IFACE]['Kind']
                if path in paired else 'unknown')
        found.append(dbus.Struct(
            (address, entry['name'], kind,
             '/org/bluez/hci0/dev_' + address.replace(':', '_'),
             dbus.Int16(entry['rssi'])), signature='ssssn'))
    return dbus.Array(found, signature='(ssssn)')


@dbus.service.method(MAIN_IFACE, in_signature='s', out_signature='o',
                     sender_keyword='sender',
                     async_callbacks=('reply', 'fail'))
def Pair(self, address, sender=None, reply=None, fail=None):
    take_injected_error(self, 'Pair')
    address = normalize_address(address)
    require_adapter(self)
    path = sensor_path(address)
    if path in mockobject.objects:
        reply(dbus.ObjectPath(path))
        return
    if self.lactd_comparison is not None:
        raise error('Busy', 'another pairing is in progress')
    entry = self.lactd_discoverable.get(address)
    if entry is None:
        raise error('PairingFailed', f'no sensor {address} in range')
    if entry.get('compare'):
        start_comparison(self, address, entry, sender, reply, fail)
        return
    if entry['passkey']:
        self.EmitSignal(MAIN_IFACE, 'PairingPasskey', 'sub',
                        [address, dbus.UInt32(entry['passkey']), False])
    reply(add_sensor(self, address, entry['name'], entry['kind']))


def start_comparison(mock, address, entry, sender, reply, fail):
    '''Holds Pair until its caller answers ConfirmPairing, for at most
    CONFIRM_TIMEOUT_S, and only while the caller is on the bus.'''
    comparison = {'address': address, 'entry': entry, 'sender': sender,
                  'reply': reply, 'fail': fail}

    def timed_out():
        comparison['timeout'] = 0
        end_comparison(mock, False, 'nobody confirmed the passkey within '
                       f'{CONFIRM_TIMEOUT_S} s')
        return False

    def owner_changed(owner):
        if owner == '' and mock.lactd_comparison is comparison:
            end_comparison(mock, False, 'the client that called Pair left '
                           'the bus before confirming the passkey')

    comparison['timeout'] = GLib.timeout_add_seconds(CONFIRM_TIMEOUT_S,
                                                     timed_out)
    mock.lactd_comparison = comparison
    comparison['watch'] = mock.connection.watch_name_owner(sender,
                                                           owner_changed)
    mock.EmitSignal(MAIN_IFACE, 'PairingPasskey', 'sub',
                    [address, dbus.UInt32(entry['passkey']), True])


def end_comparison(mock, accept, why):
    comparison, mock.lactd_comparison = mock.lactd_comparison, None
    if comparison is None:
        return
    if comparison['timeout']:
        GLib.source_remove(comparison['timeout'])
    if 'watch' in comparison:
        comparison['watch'].cancel()
    address, entry = comparison['address'], comparison['entry']
    if accept:
        comparison['reply'](add_sensor(mock, address, entry['name'],
                                       entry['kind']))
    else:
        comparison['fail'](error('PairingFailed',
                                 f'pairing {address} failed: {why}'))


@dbus.service.method(MAIN_IFACE, in_signature='sb', out_signature='',
                     sender_keyword='sender')
def ConfirmPairing(self, address, accept, sender=None):
    take_injected_error(self, 'ConfirmPairing')
    address = normalize_address(address)
    comparison = self.lactd_comparison
    if comparison is not None and comparison['sender'] != sender:
        raise error('NotAuthorized', 'only the client that called Pair may '
                    f'confirm the passkey of {address}')
    if comparison is None or comparison['address'] != address:
        raise error('NotFound',
                    f'no pairing confirmation is pending for {address}')
    end_comparison(mock=self, accept=bool(accept),
                   why='the passkey comparison was declined')


@dbus.service.method(MAIN_IFACE, in_signature='o', out_signature='')
def Forget(self, sensor):
    take_injected_error(self, 'Forget')
    remove_sensor(self, str(sensor))


def add_sensor(mock, address, name, kind):
    path = sensor_path(address)
    if path in mockobject.objects:
        raise error('InvalidArgs', f'{address} is already paired')
    mock.AddObject(path, SENSOR_IFACE, {
        'Address': dbus.String(address),
        'Name': dbus.String(name),
        'Kind': dbus.String(kind),
        'Connected': dbus.Boolean(True),
        'Battery': dbus.Byte(255),
        'Model': dbus.String(''),
        'Firmware': dbus.String(''),
        'LastSeen': dbus.Int64(int(time.time())),
        'LastSync': dbus.Int64(0),
        'SyncState': dbus.String('idle'),
        'LastError': dbus.String(''),
        'RejectedRecords': dbus.UInt32(0),
        'LostRecords': dbus.UInt32(0),
        'Live': dbus.Dictionary({}, signature='sv'),
    }, [])
    mockobject.objects[path].AddMethod(SENSOR_IFACE, 'Sync', '', '', sensor_sync)
    mock.object_manager_emit_added(path)
    sensors = [p for p in mock.props[MAIN_IFACE]['Sensors']] + [path]
    set_props(mock, MAIN_IFACE, {'Sensors': dbus.Array(sorted(sensors),
                                                       signature='o')})
    return dbus.ObjectPath(path)


def remove_sensor(mock, path):
    if path not in [str(p) for p in mock.props[MAIN_IFACE]['Sensors']]:
        raise error('NotFound', f"'{path}' is not a paired sensor")
    interfaces = dbus.Array(list(mockobject.objects[path].props.keys()),
                            signature='s')
    mock.RemoveObject(path)
    mock.EmitSignal(mockobject.OBJECT_MANAGER_IFACE, 'InterfacesRemoved',
                    'oas', [dbus.ObjectPath(path), interfaces])
    sensors = [p for p in mock.props[MAIN_IFACE]['Sensors'] if str(p) != path]
    set_props(mock, MAIN_IFACE, {'Sensors': dbus.Array(sensors,
                                                       signature='o')})


def sensor_sync(sensor):
    '''Sensor1.Sync on a sensor object (self is that object).'''
    take_injected_error(main_mock(), 'Sync')
    if not sensor.props[SENSOR_IFACE]['Connected']:
        raise error('NotConnected', f"{sensor.props[SENSOR_IFACE]['Address']}"
                    ' is not connected')
    set_props(sensor, SENSOR_IFACE, {
        'LastSync': dbus.Int64(int(time.time())),
        'SyncState': dbus.String('idle'),
        'LastError': dbus.String(''),
    })


# -------------------------------------------------------------- History1

@dbus.service.method(HISTORY_IFACE, in_signature='xx', out_signature='aa{sv}')
def ListSessions(self, from_time, to_time):
    take_injected_error(self, 'ListSessions')
    if to_time == 0:
        to_time = int(time.time())
    found = sorted((s for s in self.lactd_sessions.values()
                    if from_time <= s['start'] < to_time),
                   key=lambda s: (s['start'], s['id']))
    if len(found) > MAX_LIST_SESSIONS:
        raise error('InvalidArgs', f'{len(found)} sessions in range, at most '
                    f'{MAX_LIST_SESSIONS}: narrow it or use ListSessionsPage')
    return dbus.Array([session_variant(s) for s in found],
                      signature='a{sv}')


# Introspection shows the contract's argument names ("from" is reserved
# in Python).
ListSessions._dbus_args = ['from', 'to']  # pylint: disable=protected-access


@dbus.service.method(HISTORY_IFACE, in_signature='xu', out_signature='aa{sv}')
def ListSessionsPage(self, before, count):
    take_injected_error(self, 'ListSessionsPage')
    if not 1 <= count <= MAX_PAGE_SESSIONS:
        raise error('InvalidArgs', f'count: {count} is outside '
                    f'1-{MAX_PAGE_SESSIONS}')
    found = sorted((s for s in self.lactd_sessions.values()
                    if before == 0 or s['start'] < before),
                   key=lambda s: (s['start'], s['id']), reverse=True)
    return dbus.Array([session_variant(s) for s in found[:count]],
                      signature='a{sv}')


@dbus.service.method(HISTORY_IFACE, in_signature='ss', out_signature='aa{sv}')
def DailySummary(self, first_day, last_day):
    take_injected_error(self, 'DailySummary')
    first = parse_day('first_day', first_day)
    last = parse_day('last_day', last_day)
    if last < first:
        raise error('InvalidArgs', f'last_day {last_day} is before first_day '
                    f'{first_day}')
    count = (last - first).days + 1
    if count > MAX_DAYS:
        raise error('InvalidArgs', f'{first_day} to {last_day} is {count} '
                    f'days; at most {MAX_DAYS} days are allowed')
    night_start = parse_hhmm('night_start', self.lactd_goal['night_start'])
    night_end = parse_hhmm('night_end', self.lactd_goal['night_end'])
    days = {first + datetime.timedelta(days=i): {
        'sessions': 0, 'night_sessions': 0, 'seconds_left': 0,
        'seconds_right': 0, 'expressed': 0, 'supplement': 0}
        for i in range(count)}
    for s in self.lactd_sessions.values():
        # The local day and time by the session's own offset.
        local = datetime.datetime.fromtimestamp(
            s['start'] + s['utc_offset'] * 60, datetime.timezone.utc)
        day = days.get(local.date())
        if day is None:
            continue
        day['sessions'] += 1
        if in_night(local.hour * 60 + local.minute, night_start, night_end):
            day['night_sessions'] += 1
        day['seconds_left'] += s['duration_left']
        day['seconds_right'] += s['duration_right']
        day['expressed'] += (tenths(s.get('volume_left_ml', 0.0)) +
                             tenths(s.get('volume_right_ml', 0.0)))
        day['supplement'] += tenths(s.get('supplement_ml', 0.0))
    result = []
    for date, day in sorted(days.items()):
        result.append(dbus.Dictionary({
            'day': dbus.String(date.isoformat()),
            'sessions': dbus.UInt32(day['sessions']),
            'night_sessions': dbus.UInt32(day['night_sessions']),
            'seconds_left': dbus.UInt32(day['seconds_left']),
            'seconds_right': dbus.UInt32(day['seconds_right']),
            'expressed_ml': dbus.Double(day['expressed'] / 10.0),
            'supplement_ml': dbus.Double(day['supplement'] / 10.0),
        }, signature='sv'))
    return dbus.Array(result, signature='a{sv}')


@dbus.service.method(HISTORY_IFACE, in_signature='a{sv}', out_signature='t')
def AddSession(self, session):
    take_injected_error(self, 'AddSession')
    stored = validate_manual_session(session, int(time.time()))
    return dbus.UInt64(store_session(self, stored))


@dbus.service.method(HISTORY_IFACE, in_signature='t', out_signature='')
def DeleteSession(self, session_id):
    take_injected_error(self, 'DeleteSession')
    if session_id not in self.lactd_sessions:
        raise error('NotFound', f'no session with id {session_id}')
    del self.lactd_sessions[session_id]
    refresh_goals(self)


# ---------------------------------------------------------------- Goals1

@dbus.service.method(GOALS_IFACE, in_signature='a{sv}', out_signature='')
def SetGoal(self, changes):
    take_injected_error(self, 'SetGoal')
    check_dict(changes, {k: v[0] for k, v in GOAL_KEYS.items()})
    goal = dict(self.lactd_goal)
    for key, value in changes.items():
        signature, low, high = GOAL_KEYS[key]
        if signature == 'u':
            if not low <= value <= high:
                unit = '' if key == 'sessions_per_day' else ' min'
                raise error('InvalidArgs', f'{key}: {int(value)} is outside '
                            f'{low}-{high}{unit}')
            goal[key] = int(value)
        elif signature == 's':
            parse_hhmm(key, str(value))
            goal[key] = str(value)
        else:
            goal[key] = bool(value)
    if goal['night_start'] == goal['night_end']:
        raise error('InvalidArgs', 'night_start and night_end are both '
                    f"{goal['night_start']}: the night window would be empty")
    self.lactd_goal = goal
    refresh_goals(self)


@dbus.service.method(GOALS_IFACE, in_signature='u', out_signature='')
def Snooze(self, minutes):
    take_injected_error(self, 'Snooze')
    if not 1 <= minutes <= 240:
        raise error('InvalidArgs', f'minutes: {minutes} is outside 1-240')
    if not self.lactd_pending:
        raise error('NotFound', 'no reminder is pending')
    self.lactd_snoozed_until = int(time.time()) + minutes * 60
    refresh_goals(self)


@dbus.service.method(GOALS_IFACE, in_signature='', out_signature='')
def Dismiss(self):
    take_injected_error(self, 'Dismiss')
    if not self.lactd_pending:
        return
    self.lactd_pending = False
    self.lactd_dismissed = True
    self.lactd_snoozed_until = 0
    refresh_goals(self)


# ------------------------------------------------------- mock-only controls

@dbus.service.method(MOCK_IFACE, in_signature='sss', out_signature='o')
def AddSensor(self, address, name, kind):
    '''Adds a paired, connected sensor (InterfacesAdded, Sensors).'''
    if kind not in SENSOR_KINDS:
        raise error('InvalidArgs', f"kind: '{kind}' is not one of "
                    + ', '.join(SENSOR_KINDS))
    return add_sensor(self, normalize_address(address), name, kind)


@dbus.service.method(MOCK_IFACE, in_signature='o', out_signature='')
def RemoveSensor(self, sensor):
    remove_sensor(self, str(sensor))


@dbus.service.method(MOCK_IFACE, in_signature='oa{sv}', out_signature='')
def UpdateSensor(self, sensor, properties):
    '''Changes Sensor1 properties (e.g. Connected, Battery) of a sensor.'''
    obj = mockobject.objects.get(str(sensor))
    if obj is None or SENSOR_IFACE not in obj.props:
        raise error('NotFound', f"'{sensor}' is not a paired sensor")
    for key in properties:
        if key not in obj.props[SENSOR_IFACE]:
            raise error('InvalidArgs', f"unknown property '{key}'")
    set_props(obj, SENSOR_IFACE, dict(properties))


@dbus.service.method(MOCK_IFACE, in_signature='sssnu', out_signature='')
def AddDiscoverable(self, address, name, kind, rssi, passkey):
    '''A sensor in range, for Discover and Pair. passkey 0: Just Works;
    otherwise Pair emits PairingPasskey with it.'''
    self.lactd_discoverable[normalize_address(address)] = {
        'name': str(name), 'kind': str(kind), 'rssi': int(rssi),
        'passkey': int(passkey)}


@dbus.service.method(MOCK_IFACE, in_signature='sssnu', out_signature='')
def AddDiscoverableComparison(self, address, name, kind, rssi, passkey):
    '''A sensor in range whose Pair asks for a numeric comparison of
    passkey (1-999999): Pair waits for ConfirmPairing from its caller.'''
    if not 1 <= int(passkey) <= 999999:
        raise error('InvalidArgs', 'a comparison needs a passkey 1-999999')
    self.lactd_discoverable[normalize_address(address)] = {
        'name': str(name), 'kind': str(kind), 'rssi': int(rssi),
        'passkey': int(passkey), 'compare': True}


@dbus.service.method(MOCK_IFACE, in_signature='oua{sv}', out_signature='t')
def AddSensorSession(self, sensor, seq, session):
    '''Stores a session as if synced from a paired sensor.'''
    obj = mockobject.objects.get(str(sensor))
    if obj is None or SENSOR_IFACE not in obj.props:
        raise error('NotFound', f"'{sensor}' is not a paired sensor")
    stored = validate_manual_session(session, int(time.time()))
    stored.update(source='sensor', seq=int(seq),
                  sensor=str(obj.props[SENSOR_IFACE]['Address']))
    return dbus.UInt64(store_session(self, stored))


@dbus.service.method(MOCK_IFACE, in_signature='oa{sv}', out_signature='')
def EmitProgress(self, sensor, live):
    '''Emits Manager1.Progress and sets the sensor's Live (empty once the
    dictionary says active=false).'''
    obj = mockobject.objects.get(str(sensor))
    if obj is None or SENSOR_IFACE not in obj.props:
        raise error('NotFound', f"'{sensor}' is not a paired sensor")
    live = dbus.Dictionary(live, signature='sv')
    self.EmitSignal(MAIN_IFACE, 'Progress', 'oa{sv}',
                    [dbus.ObjectPath(sensor), live])
    active = bool(live.get('active', False))
    set_props(obj, SENSOR_IFACE, {
        'Live': live if active else dbus.Dictionary({}, signature='sv')})


@dbus.service.method(MOCK_IFACE, in_signature='ou', out_signature='')
def EmitSessionStarted(self, sensor, seq):
    self.EmitSignal(MAIN_IFACE, 'SessionStarted', 'ou',
                    [dbus.ObjectPath(sensor), dbus.UInt32(seq)])


@dbus.service.method(MOCK_IFACE, in_signature='ou', out_signature='')
def EmitSessionEnded(self, sensor, seq):
    self.EmitSignal(MAIN_IFACE, 'SessionEnded', 'ou',
                    [dbus.ObjectPath(sensor), dbus.UInt32(seq)])


@dbus.service.method(MOCK_IFACE, in_signature='sxs', out_signature='')
def EmitReminderDue(self, kind, due, message):
    '''Emits Goals1.ReminderDue; the reminder is pending from now on.'''
    if kind not in ('session', 'night', 'battery'):
        raise error('InvalidArgs', f"kind: '{kind}' is not one of session, "
                    'night, battery')
    self.lactd_pending = True
    self.lactd_dismissed = False
    self.EmitSignal(GOALS_IFACE, 'ReminderDue', 'sxs',
                    [kind, dbus.Int64(due), message])


@dbus.service.method(MOCK_IFACE, in_signature='s', out_signature='')
def SetBluetoothState(self, state):
    if state not in BLUETOOTH_STATES:
        raise error('InvalidArgs', f"'{state}' is not one of "
                    + ', '.join(BLUETOOTH_STATES))
    set_props(self, MAIN_IFACE, {'BluetoothState': dbus.String(state)})


@dbus.service.method(MOCK_IFACE, in_signature='sss', out_signature='')
def SetError(self, method_name, error_name, message):
    '''The next call of method_name (e.g. "AddSession", "Sync") fails with
    the D-Bus error error_name (e.g. "org.lactd.Error.Storage").'''
    self.lactd_errors[str(method_name)] = (str(error_name), str(message))
