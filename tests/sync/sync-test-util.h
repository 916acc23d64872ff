/* sync-test-util.h — a LactdSync over a LactdSimLink with a real store in
 * a temporary directory, and main-loop waits with deadlines.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "lactd-sim-link.h"
#include "lactd-store.h"
#include "lactd-sync.h"
#include "lsp-sim-sensor.h"

G_BEGIN_DECLS

#define TEST_ADDRESS "5E:00:00:5E:00:42"

typedef struct {
  char *dir;
  LactdStore *store;
  LspSimSensor *sensor;
  LactdSimLink *link;
  LactdSync *sync;
  guint n_session_stored;
  guint n_live;
  gboolean last_live_active;
  guint n_malformed_signals;
  guint n_syncing;              /* times the state became "syncing" */
} SyncFixture;

typedef gboolean (*SyncCondition) (SyncFixture *fixture, gpointer data);

/* A fresh store in a temporary directory and a pump sensor of the given
 * capacity; no link yet (so the sensor can be filled first). */
void sync_fixture_setup (SyncFixture *fixture, guint capacity);
/* Creates the link and the engine with short timeouts. */
void sync_fixture_connect (SyncFixture *fixture, guint procedure_ms,
                           guint straggler_ms);
void sync_fixture_teardown (SyncFixture *fixture);

/* Iterates the main loop until cond holds or timeout_ms pass. */
gboolean sync_wait_until (SyncFixture *fixture, SyncCondition cond,
                          gpointer data, guint timeout_ms);
gboolean sync_cond_connected (SyncFixture *fixture, gpointer data);
gboolean sync_cond_disconnected (SyncFixture *fixture, gpointer data);
gboolean sync_cond_state_error (SyncFixture *fixture, gpointer data);
/* Waits for the link, then runs a sync and waits for its answer. */
gboolean sync_run (SyncFixture *fixture, GError **error);

/* Sessions stored for the test sensor in an epoch; fails the test if a
 * number is stored twice. */
guint sync_count_sessions (SyncFixture *fixture, guint32 epoch);
/* The acknowledged number in the sensor's current epoch. */
guint32 sync_acknowledged (SyncFixture *fixture);
/* The store's getters for the test sensor, asserting no error. */
guint32 sync_acknowledged_in (SyncFixture *fixture, guint32 epoch);
guint32 sync_highest_seq (SyncFixture *fixture, guint32 epoch);
guint32 sync_count_unhandled (SyncFixture *fixture, guint32 epoch,
                              guint32 first, guint32 last);

/* Counts the sensor's accepted deletes, and those that covered a number
 * not yet committed (each one a lost record if the link dropped then). */
typedef struct {
  SyncFixture *fixture;
  guint n_deletes;
  guint n_violations;
} DeleteWatch;

/* Handler for LspSimSensor::delete-requested, with a DeleteWatch. */
void sync_on_delete_requested (LspSimSensor *sensor, guint upto,
                               DeleteWatch *watch);

G_END_DECLS
