'''The project's dbusmock template of lactd (tests/dbusmock/lactd.py) with
the turn-2 numeric comparison: Pair emits PairingPasskey with confirm=true
and its reply waits until the caller answers with ConfirmPairing (accept:
the sensor is paired; refuse: PairingFailed), as docs/dbus-api.md has it.
Everything else is the project's template, loaded as it is.

SPDX-License-Identifier: GPL-3.0-or-later
'''

import os

import dbus
import dbus.service

_BASE = os.environ.get('LACTD_MOCK_TEMPLATE',
                       os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                    '..', 'dbusmock', 'lactd.py'))
with open(_BASE, encoding='utf-8') as _f:
    exec(compile(_f.read(), _BASE, 'exec'))  # pylint: disable=exec-used

_BASE_LOAD = load  # noqa: F821  (from the base template)


def load(mock, parameters):
    _BASE_LOAD(mock, parameters)
    mock.lactd_comparison = None


@dbus.service.method(MAIN_IFACE, in_signature='s', out_signature='o',  # noqa: F821
                     async_callbacks=('reply', 'fail'))
def Pair(self, address, reply, fail):
    try:
        address = normalize_address(address)  # noqa: F821
        require_adapter(self)  # noqa: F821
        entry = self.lactd_discoverable.get(address)
        if entry is None:
            raise error('PairingFailed', f'no sensor {address} in range')  # noqa: F821
        if self.lactd_comparison is not None:
            raise error('Busy', 'another pairing is in progress')  # noqa: F821
    except dbus.exceptions.DBusException as e:
        fail(e)
        return
    self.lactd_comparison = (address, entry, reply, fail)
    self.EmitSignal(MAIN_IFACE, 'PairingPasskey', 'sub',  # noqa: F821
                    [address, dbus.UInt32(entry['passkey']), True])


@dbus.service.method(MAIN_IFACE, in_signature='sb', out_signature='')  # noqa: F821
def ConfirmPairing(self, address, accept):
    address = normalize_address(address)  # noqa: F821
    pending = self.lactd_comparison
    if pending is None or pending[0] != address:
        raise error('NotFound',  # noqa: F821
                    f'no pairing confirmation is pending for {address}')
    self.lactd_comparison = None
    _, entry, reply, fail = pending
    if accept:
        reply(add_sensor(self, address, entry['name'], entry['kind']))  # noqa: F821
    else:
        fail(error('PairingFailed',  # noqa: F821
                   f'{address}: the passkey was not confirmed on this computer'))
