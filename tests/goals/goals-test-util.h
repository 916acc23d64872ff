/* goals-test-util.h — a fake clock, a real store in a temporary
 * directory, a LactdGoalTracker on it and the LactdGoals (Goals1) on top,
 * recording every ReminderDue.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "lactd-clock.h"
#include "lactd-goals.h"
#include "lactd-store.h"

typedef struct {
  char *kind;
  gint64 due;
  char *message;
  gint64 at;                  /* the fake time it was emitted */
} Reminder;

typedef struct {
  char *dir;
  char *path;
  LactdStore *store;
  LactdClock *clock;
  LactdGoalTracker *tracker;
  LactdGoals *goals;
  GPtrArray *reminders;       /* Reminder*, in emission order */
  guint progress_changes;     /* notify::progress */
  guint trend_changes;        /* notify::trend */
  guint next_due_changes;     /* notify::next-due */
  struct sqlite3 *observer;   /* a second connection: sees commits */
  gint64 data_version;
} GoalsFixture;

/* Unix time of a UTC or a local wall time. */
gint64 t_utc (int year, int month, int day, int hour, int minute);
gint64 t_local (const char *tz, int year, int month, int day, int hour,
                int minute);

void goals_fixture_setup (GoalsFixture *f, gconstpointer data);
void goals_fixture_teardown (GoalsFixture *f, gconstpointer data);
/* Fake clock at @now in zone @tz, then the goals object, started. */
void goals_fixture_start (GoalsFixture *f, gint64 now, const char *tz);
/* Drops the goals object and the store, reopens both (the clock goes on)
 * and starts the new object: a daemon restart. */
void goals_fixture_restart (GoalsFixture *f);
/* Only the stop half: the daemon is down (time may pass meanwhile). */
void goals_fixture_stop (GoalsFixture *f);
void goals_fixture_resume (GoalsFixture *f);

LactdFakeClock *goals_fixture_clock (GoalsFixture *f);
gint64 goals_fixture_now (GoalsFixture *f);

/* A manual pump session of @left + @right seconds (not double) and
 * volumes in tenths (-1 = not measured), offset from the fixture zone;
 * stored and announced to the goals. Returns its end. */
gint64 goals_fixture_add (GoalsFixture *f, gint64 start, guint32 left,
                          guint32 right, gint32 vol_left, gint32 vol_right,
                          gint32 supplement);
/* The same with an explicit utc offset in minutes. */
gint64 goals_fixture_add_offset (GoalsFixture *f, gint64 start,
                                 gint32 offset_min, guint32 seconds);

void goals_fixture_set_goal (GoalsFixture *f, const char *key,
                             GVariant *value);

/* TRUE when anything was committed to the store since the last call (or
 * the fixture's start): PRAGMA data_version on a second connection. */
gboolean goals_fixture_store_written (GoalsFixture *f);

/* A sensor session (through a sync batch, as the sync engine stores it)
 * of @seconds on the left side and @vol_left tenths, with the clock
 * unsynced bit as given; announced to the goals. */
void goals_fixture_add_sensor_session (GoalsFixture *f, guint32 seq,
                                       gint64 start, guint32 seconds,
                                       gint32 vol_left,
                                       gboolean clock_unsynced);

/* Reminders of @kind ("" or NULL: all) recorded so far. */
guint goals_fixture_count (GoalsFixture *f, const char *kind);
Reminder *goals_fixture_last (GoalsFixture *f);

gint64 progress_int (GoalsFixture *f, const char *key);
double progress_double (GoalsFixture *f, const char *key);
gboolean progress_bool (GoalsFixture *f, const char *key);
gint64 next_due (GoalsFixture *f);
