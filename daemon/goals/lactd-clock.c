/* lactd-clock.c — the clock seam: the abstract LactdClock, the real
 * timerfd clock and the fake clock of the unit tests.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lactd-goals"

#include "lactd-clock.h"

#include <errno.h>
#include <string.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include <gio/gio.h>
#include <glib-unix.h>

/* ---------------------------------------------------------- LactdClock */

typedef struct {
  gint64 armed;               /* 0 when disarmed */
} LactdClockPrivate;

G_DEFINE_ABSTRACT_TYPE_WITH_PRIVATE (LactdClock, lactd_clock, G_TYPE_OBJECT)

enum {
  SIGNAL_FIRED,
  SIGNAL_TIME_CHANGED,
  N_SIGNALS
};

static guint clock_signals[N_SIGNALS];

static void
lactd_clock_class_init (LactdClockClass *klass)
{
  /* "fired": the armed wake-up was reached; the clock is disarmed. */
  clock_signals[SIGNAL_FIRED] =
    g_signal_new ("fired", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  /* "time-changed": the wall clock was set or the local zone changed. */
  clock_signals[SIGNAL_TIME_CHANGED] =
    g_signal_new ("time-changed", G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
lactd_clock_init (LactdClock *self)
{
}

gint64
lactd_clock_now (LactdClock *self)
{
  g_return_val_if_fail (LACTD_IS_CLOCK (self), 0);
  return LACTD_CLOCK_GET_CLASS (self)->now (self);
}

GTimeZone *
lactd_clock_get_timezone (LactdClock *self)
{
  g_return_val_if_fail (LACTD_IS_CLOCK (self), NULL);
  return LACTD_CLOCK_GET_CLASS (self)->get_timezone (self);
}

void
lactd_clock_arm (LactdClock *self, gint64 when)
{
  LactdClockPrivate *priv = lactd_clock_get_instance_private (self);

  g_return_if_fail (LACTD_IS_CLOCK (self));
  g_return_if_fail (when > 0);

  if (priv->armed == when)
    return;
  priv->armed = when;
  LACTD_CLOCK_GET_CLASS (self)->program (self, when);
}

void
lactd_clock_disarm (LactdClock *self)
{
  LactdClockPrivate *priv = lactd_clock_get_instance_private (self);

  g_return_if_fail (LACTD_IS_CLOCK (self));

  if (priv->armed == 0)
    return;
  priv->armed = 0;
  LACTD_CLOCK_GET_CLASS (self)->program (self, 0);
}

gint64
lactd_clock_get_armed (LactdClock *self)
{
  LactdClockPrivate *priv = lactd_clock_get_instance_private (self);

  g_return_val_if_fail (LACTD_IS_CLOCK (self), 0);
  return priv->armed;
}

void
lactd_clock_emit_fired (LactdClock *self)
{
  LactdClockPrivate *priv = lactd_clock_get_instance_private (self);

  /* One-shot: a handler that wants another wake-up arms it. */
  priv->armed = 0;
  LACTD_CLOCK_GET_CLASS (self)->program (self, 0);
  g_signal_emit (self, clock_signals[SIGNAL_FIRED], 0);
}

void
lactd_clock_emit_time_changed (LactdClock *self)
{
  g_signal_emit (self, clock_signals[SIGNAL_TIME_CHANGED], 0);
}

/* ------------------------------------------------------ LactdRealClock */

struct _LactdRealClock {
  LactdClock parent_instance;

  int tfd;
  guint tfd_source;
  GFileMonitor *localtime_monitor;
  GTimeZone *tz;
};

G_DEFINE_FINAL_TYPE (LactdRealClock, lactd_real_clock, LACTD_TYPE_CLOCK)

/* A disarmed timerfd stays armed this far ahead: it then never expires
 * but TFD_TIMER_CANCEL_ON_SET still reports every setting of the wall
 * clock, at no cost (systemd does the same). */
#define FAR_FUTURE ((time_t) G_MAXINT64)

static gint64
real_now (LactdClock *clock)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

static GTimeZone *
real_get_timezone (LactdClock *clock)
{
  LactdRealClock *self = LACTD_REAL_CLOCK (clock);

  return g_time_zone_ref (self->tz);
}

static void
real_program (LactdClock *clock, gint64 when)
{
  LactdRealClock *self = LACTD_REAL_CLOCK (clock);
  struct itimerspec spec = { 0 };

  /* it_value 0 would disarm the timer: a past time fires at once. */
  spec.it_value.tv_sec = when > 0 ? (time_t) when : FAR_FUTURE;
  if (timerfd_settime (self->tfd, TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET,
                       &spec, NULL) < 0)
    g_warning ("Could not program the wake-up timer: %s", g_strerror (errno));
  else if (when > 0)
    g_debug ("Wake-up armed for %" G_GINT64_FORMAT " (in %" G_GINT64_FORMAT
             " s)", when, when - real_now (clock));
}

static void
real_refresh_timezone (LactdRealClock *self)
{
  /* GLib caches the local zone (g_time_zone_new_local ()); asking for
   * the identifier again resolves /etc/localtime afresh and drops a stale
   * cache entry.
   * tzset () keeps libc's view (localtime_r elsewhere) in step. */
  const char *tz_env = g_getenv ("TZ");

  tzset ();
  g_clear_pointer (&self->tz, g_time_zone_unref);
  /* TZ first, as g_time_zone_new_local () does (a leading ':' means
   * "implementation-defined", here: a zone name or path). */
  if (tz_env != NULL && tz_env[0] == ':')
    tz_env++;
  if (tz_env != NULL && tz_env[0] != '\0')
    self->tz = g_time_zone_new_identifier (tz_env);
  if (self->tz == NULL)
    self->tz = g_time_zone_new_identifier (NULL);
  if (self->tz == NULL)
    self->tz = g_time_zone_new_utc ();
  g_debug ("Local time zone: %s", g_time_zone_get_identifier (self->tz));
}

static gboolean
real_tfd_ready (int fd, GIOCondition condition, gpointer user_data)
{
  LactdRealClock *self = LACTD_REAL_CLOCK (user_data);
  LactdClock *clock = LACTD_CLOCK (self);
  guint64 expirations = 0;
  ssize_t n;
  gint64 armed;

  n = read (fd, &expirations, sizeof expirations);
  armed = lactd_clock_get_armed (clock);
  if (n < 0 && errno == ECANCELED)
    {
      /* The wall clock was set. Reprogramming clears the cancelled state;
       * a wake-up whose time is now past then expires at once. */
      g_message ("Wall clock was set; re-evaluating goals and reminders");
      real_program (clock, armed);
      lactd_clock_emit_time_changed (clock);
      return G_SOURCE_CONTINUE;
    }
  if (n < 0)
    {
      if (errno != EAGAIN && errno != EINTR)
        g_warning ("Reading the wake-up timer failed: %s",
                   g_strerror (errno));
      return G_SOURCE_CONTINUE;
    }

  if (armed != 0 && real_now (clock) >= armed)
    lactd_clock_emit_fired (clock);
  else
    real_program (clock, armed);

  return G_SOURCE_CONTINUE;
}

static void
localtime_changed_cb (GFileMonitor *monitor, GFile *file, GFile *other,
                      GFileMonitorEvent event, gpointer user_data)
{
  LactdRealClock *self = LACTD_REAL_CLOCK (user_data);

  if (event == G_FILE_MONITOR_EVENT_ATTRIBUTE_CHANGED ||
      event == G_FILE_MONITOR_EVENT_PRE_UNMOUNT ||
      event == G_FILE_MONITOR_EVENT_UNMOUNTED ||
      event == G_FILE_MONITOR_EVENT_DELETED)
    return;

  real_refresh_timezone (self);
  g_message ("Local time zone is now %s",
             g_time_zone_get_identifier (self->tz));
  lactd_clock_emit_time_changed (LACTD_CLOCK (self));
}

static void
lactd_real_clock_finalize (GObject *object)
{
  LactdRealClock *self = LACTD_REAL_CLOCK (object);

  g_clear_handle_id (&self->tfd_source, g_source_remove);
  if (self->localtime_monitor != NULL)
    g_signal_handlers_disconnect_by_data (self->localtime_monitor, self);
  g_clear_object (&self->localtime_monitor);
  if (self->tfd >= 0)
    close (self->tfd);
  g_clear_pointer (&self->tz, g_time_zone_unref);

  G_OBJECT_CLASS (lactd_real_clock_parent_class)->finalize (object);
}

static void
lactd_real_clock_class_init (LactdRealClockClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  LactdClockClass *clock_class = LACTD_CLOCK_CLASS (klass);

  object_class->finalize = lactd_real_clock_finalize;
  clock_class->now = real_now;
  clock_class->get_timezone = real_get_timezone;
  clock_class->program = real_program;
}

static void
lactd_real_clock_init (LactdRealClock *self)
{
  self->tfd = -1;
}

LactdClock *
lactd_real_clock_new (GError **error)
{
  return lactd_real_clock_new_full ("/etc/localtime", error);
}

LactdClock *
lactd_real_clock_new_full (const char *localtime_path, GError **error)
{
  g_autoptr(LactdRealClock) self = g_object_new (LACTD_TYPE_REAL_CLOCK, NULL);
  g_autoptr(GFile) localtime = NULL;
  g_autoptr(GError) local_error = NULL;

  self->tfd = timerfd_create (CLOCK_REALTIME, TFD_NONBLOCK | TFD_CLOEXEC);
  if (self->tfd < 0)
    {
      int errsv = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv),
                   "Could not create a timerfd: %s", g_strerror (errsv));
      return NULL;
    }
  real_program (LACTD_CLOCK (self), 0);
  self->tfd_source = g_unix_fd_add (self->tfd, G_IO_IN, real_tfd_ready, self);

  real_refresh_timezone (self);

  /* timedatectl replaces the /etc/localtime symlink; a missing monitor
   * only costs time-zone tracking, so it is not fatal. */
  localtime = g_file_new_for_path (localtime_path);
  self->localtime_monitor = g_file_monitor_file (localtime,
                                                 G_FILE_MONITOR_WATCH_MOVES,
                                                 NULL, &local_error);
  if (self->localtime_monitor == NULL)
    g_warning ("Not watching %s: %s", localtime_path, local_error->message);
  else
    g_signal_connect (self->localtime_monitor, "changed",
                      G_CALLBACK (localtime_changed_cb), self);

  return LACTD_CLOCK (g_steal_pointer (&self));
}

/* ------------------------------------------------------ LactdFakeClock */

struct _LactdFakeClock {
  LactdClock parent_instance;

  gint64 now;
  GTimeZone *tz;
  guint arm_count;
};

G_DEFINE_FINAL_TYPE (LactdFakeClock, lactd_fake_clock, LACTD_TYPE_CLOCK)

static gint64
fake_now (LactdClock *clock)
{
  return LACTD_FAKE_CLOCK (clock)->now;
}

static GTimeZone *
fake_get_timezone (LactdClock *clock)
{
  return g_time_zone_ref (LACTD_FAKE_CLOCK (clock)->tz);
}

static void
fake_program (LactdClock *clock, gint64 when)
{
  if (when > 0)
    LACTD_FAKE_CLOCK (clock)->arm_count++;
}

static void
lactd_fake_clock_finalize (GObject *object)
{
  LactdFakeClock *self = LACTD_FAKE_CLOCK (object);

  g_clear_pointer (&self->tz, g_time_zone_unref);
  G_OBJECT_CLASS (lactd_fake_clock_parent_class)->finalize (object);
}

static void
lactd_fake_clock_class_init (LactdFakeClockClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  LactdClockClass *clock_class = LACTD_CLOCK_CLASS (klass);

  object_class->finalize = lactd_fake_clock_finalize;
  clock_class->now = fake_now;
  clock_class->get_timezone = fake_get_timezone;
  clock_class->program = fake_program;
}

static void
lactd_fake_clock_init (LactdFakeClock *self)
{
}

static void
fake_set_tz (LactdFakeClock *self, const char *tz_identifier)
{
  g_clear_pointer (&self->tz, g_time_zone_unref);
  self->tz = g_time_zone_new_identifier (tz_identifier);
  if (self->tz == NULL)
    {
      g_warning ("Unknown time zone %s; using UTC", tz_identifier);
      self->tz = g_time_zone_new_utc ();
    }
}

LactdClock *
lactd_fake_clock_new (gint64 now, const char *tz_identifier)
{
  LactdFakeClock *self = g_object_new (LACTD_TYPE_FAKE_CLOCK, NULL);

  self->now = now;
  fake_set_tz (self, tz_identifier);
  return LACTD_CLOCK (self);
}

/* As the timerfd does: a wake-up whose time has come fires. */
static void
fake_fire_if_due (LactdFakeClock *self)
{
  gint64 armed = lactd_clock_get_armed (LACTD_CLOCK (self));

  if (armed != 0 && armed <= self->now)
    lactd_clock_emit_fired (LACTD_CLOCK (self));
}

void
lactd_fake_clock_advance_to (LactdFakeClock *self, gint64 when)
{
  g_return_if_fail (LACTD_IS_FAKE_CLOCK (self));
  g_return_if_fail (when >= self->now);

  for (;;)
    {
      gint64 armed = lactd_clock_get_armed (LACTD_CLOCK (self));

      if (armed == 0 || armed > when)
        break;
      /* Time stands at the wake-up while its handlers run; a wake-up
       * armed in the past by them fires right after, as a timerfd would. */
      if (armed > self->now)
        self->now = armed;
      lactd_clock_emit_fired (LACTD_CLOCK (self));
    }
  self->now = when;
}

void
lactd_fake_clock_advance (LactdFakeClock *self, gint64 seconds)
{
  g_return_if_fail (LACTD_IS_FAKE_CLOCK (self));
  g_return_if_fail (seconds >= 0);

  lactd_fake_clock_advance_to (self, self->now + seconds);
}

void
lactd_fake_clock_jump (LactdFakeClock *self, gint64 when)
{
  g_return_if_fail (LACTD_IS_FAKE_CLOCK (self));

  self->now = when;
  lactd_clock_emit_time_changed (LACTD_CLOCK (self));
  fake_fire_if_due (self);
}

void
lactd_fake_clock_set_timezone (LactdFakeClock *self,
                               const char *tz_identifier)
{
  g_return_if_fail (LACTD_IS_FAKE_CLOCK (self));

  fake_set_tz (self, tz_identifier);
  lactd_clock_emit_time_changed (LACTD_CLOCK (self));
  fake_fire_if_due (self);
}

guint
lactd_fake_clock_get_arm_count (LactdFakeClock *self)
{
  g_return_val_if_fail (LACTD_IS_FAKE_CLOCK (self), 0);
  return self->arm_count;
}
