/* lactd-bluez-link-private.h — LactdBluezLink's state, shared by its GATT
 * and state half (lactd-bluez-link.c) and its reconnection half
 * (lactd-bluez-reconnect.c).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "lactd-bluez-private.h"

G_BEGIN_DECLS

#define BACKOFF_MIN_S 1
/* A link up this long without resolved services is stale (seen after
 * bluetoothd restarts while the kernel kept the LE link): start over. */
#define RESOLVE_TIMEOUT_S 60

struct _LactdBluezLink {
  LactdLink parent_instance;

  LactdBluez *bluez;
  gulong handlers[3];
  char *device_path;
  char *char_paths[LACTD_N_CHARS];
  guint value_subs[LACTD_N_CHARS];
  gboolean want_notify[LACTD_N_CHARS];
  gboolean armed[LACTD_N_CHARS];

  guint call_timeout_ms;
  guint connect_timeout_ms;
  guint generation;           /* counts the links that became ready */
  gboolean stale;             /* failed under us: not ready until it is down */
  guint stale_timer_id;       /* ends the stale state after a Disconnect */
  guint fault_backoff_s;      /* grows with faults in a row, 0 after a call
                               * that worked */

  guint backoff_s;
  guint retry_id;
  gboolean connecting;
  gboolean disconnecting;
  gboolean wait_disconnect;   /* after le-connection-abort-by-local */
  guint chars_timeout_id;
  gboolean chars_missing;
  guint resolve_timeout_id;
  GCancellable *cancellable;
};

static inline const char *
link_address (LactdBluezLink *self)
{
  return lactd_link_get_address (LACTD_LINK (self));
}

/* lactd-bluez-link.c */
/* Re-reads BlueZ's state of the device and updates "ready", the timers
 * and the reconnection loop. */
void lactd_bluez_link_evaluate (LactdBluezLink *self);
void lactd_bluez_link_set_bond_lost (LactdBluezLink *self);
/* Whether a BlueZ error means the sensor no longer has our keys. */
gboolean lactd_bluez_means_bond_lost (const GError *error);

/* lactd-bluez-reconnect.c */
/* The next connection attempt after the current backoff (± 25 %). */
void lactd_bluez_link_schedule_retry (LactdBluezLink *self);
/* Device1.Connect now, unless one runs, the adapter is off or the link
 * is up. */
void lactd_bluez_link_connect (LactdBluezLink *self);
/* A GATT call found the ready link broken (why: its error). */
void lactd_bluez_link_fault (LactdBluezLink *self, const char *why);
/* Fires RESOLVE_TIMEOUT_S after a link came up without resolved
 * services: it is disconnected to start over. */
gboolean lactd_bluez_link_resolve_timeout_cb (gpointer data);

G_END_DECLS
