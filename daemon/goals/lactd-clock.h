/* lactd-clock.h — wall time, the local zone and one armed wake-up.
 *
 * Goals and reminders never read the time or start timers themselves:
 * they ask a LactdClock. The real clock is a timerfd on CLOCK_REALTIME
 * (absolute, cancelled when the wall clock is set) plus a file monitor on
 * /etc/localtime; the fake clock lets unit tests move time by hand.
 *
 * A clock holds at most ONE armed wake-up, at an absolute wall time:
 * arming again replaces it. When it is reached the clock disarms itself
 * and emits "fired". Whenever the wall clock is set (a jump forward or
 * back) or the local time zone changes, it emits "time-changed"; the
 * armed wake-up stays armed at the same wall time.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define LACTD_TYPE_CLOCK (lactd_clock_get_type ())
G_DECLARE_DERIVABLE_TYPE (LactdClock, lactd_clock, LACTD, CLOCK, GObject)

struct _LactdClockClass {
  GObjectClass parent_class;

  /* Wall time, Unix seconds. */
  gint64 (*now) (LactdClock *self);
  /* The current local zone (transfer full). */
  GTimeZone *(*get_timezone) (LactdClock *self);
  /* Program the single wake-up at @when (Unix seconds, may be past:
   * then it fires as soon as the main loop runs), or none (when == 0). */
  void (*program) (LactdClock *self, gint64 when);

  gpointer padding[4];
};

gint64 lactd_clock_now (LactdClock *self);
GTimeZone *lactd_clock_get_timezone (LactdClock *self);
/* Arms the one wake-up at @when (> 0), replacing any armed one. */
void lactd_clock_arm (LactdClock *self, gint64 when);
void lactd_clock_disarm (LactdClock *self);
/* The armed wall time, 0 when disarmed. */
gint64 lactd_clock_get_armed (LactdClock *self);

/* For implementations: disarm and emit "fired" / emit "time-changed". */
void lactd_clock_emit_fired (LactdClock *self);
void lactd_clock_emit_time_changed (LactdClock *self);

/* The real clock. Fails when no timerfd can be created. */
#define LACTD_TYPE_REAL_CLOCK (lactd_real_clock_get_type ())
G_DECLARE_FINAL_TYPE (LactdRealClock, lactd_real_clock, LACTD, REAL_CLOCK,
                      LactdClock)

LactdClock *lactd_real_clock_new (GError **error);
/* The same watching @localtime_path instead of /etc/localtime (tests). */
LactdClock *lactd_real_clock_new_full (const char *localtime_path,
                                       GError **error);

/* The fake clock for tests: time only moves when told to. */
#define LACTD_TYPE_FAKE_CLOCK (lactd_fake_clock_get_type ())
G_DECLARE_FINAL_TYPE (LactdFakeClock, lactd_fake_clock, LACTD, FAKE_CLOCK,
                      LactdClock)

/* @tz_identifier as for g_time_zone_new_identifier(), e.g. "Europe/Berlin". */
LactdClock *lactd_fake_clock_new (gint64 now, const char *tz_identifier);
/* Time passes to now + @seconds: every wake-up armed on the way fires at
 * its own time (the clock reads that time while its handlers run). */
void lactd_fake_clock_advance (LactdFakeClock *self, gint64 seconds);
/* Time passes to @when (>= now), as advance(). */
void lactd_fake_clock_advance_to (LactdFakeClock *self, gint64 when);
/* The wall clock is set to @when (forward or back), as by settimeofday():
 * "time-changed", then "fired" if the armed time is now past. */
void lactd_fake_clock_jump (LactdFakeClock *self, gint64 when);
/* The local zone changes: "time-changed", then "fired" if due. */
void lactd_fake_clock_set_timezone (LactdFakeClock *self,
                                    const char *tz_identifier);
/* How many times the wake-up was programmed (armed or re-armed). */
guint lactd_fake_clock_get_arm_count (LactdFakeClock *self);

G_END_DECLS
