/* test-bluez.h — helpers shared by the bluez tests (test-bluez-util.c).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "lactd-bluez.h"

#define PUMP "C0:FF:EE:00:00:01"
#define SNS "C0:FF:EE:00:00:02"
#define DEV_PUMP "/org/bluez/hci0/dev_C0_FF_EE_00_00_01"

typedef struct {
  GSubprocess *fake;
  char *state_file;
  GDBusConnection *bus;
  LactdBluez *bluez;
  GPtrArray *values;        /* GBytes* received on RACP */
  GPtrArray *records;       /* GBytes* received on Session Record */
  GPtrArray *passkeys;       /* "ADDRESS PASSKEY confirm|display" */
  gboolean decline;          /* the answer to a passkey comparison */
} Fixture;

typedef gboolean (*Cond) (gpointer data);

typedef struct {
  LactdBluez *bluez;
  const char *state;
} StateWait;

typedef struct {
  const char *what;
  gboolean done;
  gboolean ok;
  GError *error;
  gpointer result;
} Async;

gboolean wake (gpointer data);
gboolean wait_for (Cond cond, gpointer data, guint timeout_ms);
void spin (guint ms);
GVariant *control (Fixture *f, const char *method, GVariant *params);
void control_void (Fixture *f, const char *method, GVariant *params);
guint32 sensor_u (Fixture *f, const char *address, const char *key);
gboolean sensor_b (Fixture *f, const char *address, const char *key);
gboolean name_owned (gpointer data);
gboolean name_free (gpointer data);
void fake_start (Fixture *f);
void fake_stop (Fixture *f);
void new_done (GObject *source, GAsyncResult *res, gpointer data);
gboolean is_null (gpointer data);
gboolean nonnull (gpointer data);
LactdBluez *bluez_new (void);
gboolean state_is (gpointer data);
void assert_state (Fixture *f, const char *state);
void add_sensor (Fixture *f, const char *address, const char *kind,
                 const char *passkey_mode, guint backlog);
void pair_done (GObject *source, GAsyncResult *res, gpointer data);
void discover_done (GObject *source, GAsyncResult *res, gpointer data);
void bool_done (GObject *source, GAsyncResult *res, gpointer data);
gboolean async_done (gpointer data);
void pair (Fixture *f, const char *address, GError **error);
gboolean link_ready (gpointer data);
void on_value (LactdLink *link, LactdChar ch, GBytes *value, gpointer data);
gboolean link_call (LactdLink *link, LactdChar ch, const char *what, GBytes *value,
                 GBytes **out, GError **error);
void racp_write (LactdLink *link, const guint8 *bytes, gsize len);
gboolean values_at_least (gpointer data);
void wait_values (Fixture *f, guint n);
LactdLink *ready_link (Fixture *f, const char *address);
void setup (Fixture *f, gconstpointer data);
void teardown (Fixture *f, gconstpointer data);
/* test-bluez-faults.c */
void add_fault_tests (void);
/* test-bluez-lifetimes.c */
void add_lifetime_tests (void);
