/* lsp-sim-scenario.c — what the simulated sensor holds and does by name:
 * backlogs, the relactation month, named scenarios, malformed packets.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lactd-sim"

#include "lsp-sim-private.h"

#include <gio/gio.h>
#include <string.h>

#define DAY_S (24 * 3600)

static void
put_u16 (guint8 *p, guint16 v)
{
  p[0] = (guint8) (v & 0xFF);
  p[1] = (guint8) (v >> 8);
}

static void
put_u32 (guint8 *p, guint32 v)
{
  for (guint i = 0; i < 4; i++)
    p[i] = (guint8) (v >> (8 * i));
}

/* ------------------------------------------------------------ backlogs */

static lsp_volume
volume (guint tenths)
{
  lsp_volume v = { TRUE, (guint16) MIN (tenths, LSP_MAX_VOLUME_TENTHS) };
  return v;
}

static const lsp_volume not_measured = { FALSE, 0 };

void
lsp_sim_sensor_add_backlog (LspSimSensor *self, guint n, guint days)
{
  GRand *rand = lsp_sim_sensor_get_rand (self);
  gint64 now = lsp_sim_sensor_device_now (self);
  gint64 span = (gint64) MAX (days, 1u) * DAY_S;
  gboolean sns = lsp_sim_sensor_get_kind (self) == LSP_SENSOR_KIND_SNS;

  for (guint i = 0; i < n; i++)
    {
      guint duration = (guint) g_rand_int_range (rand, 600, 1800);
      lsp_record record = {
        .start_utc = (guint32) (now - span + (span * i) / MAX (n, 1u) +
                                g_rand_int_range (rand, 0, 300)),
        .utc_offset_known = FALSE,
        .kind = sns ? LSP_RECORD_KIND_SNS : LSP_RECORD_KIND_PUMP,
        .double_sided = !sns,
        .seconds_left = (guint16) (sns ? duration / 2 : duration),
        .seconds_right = (guint16) (sns ? duration - duration / 2 : duration),
        .volume_left = sns ? not_measured : volume ((guint) g_rand_int_range (rand, 20, 400)),
        .volume_right = sns ? not_measured : volume ((guint) g_rand_int_range (rand, 20, 400)),
        .supplement = sns ? volume ((guint) g_rand_int_range (rand, 100, 600)) : not_measured,
      };
      lsp_sim_sensor_add_record (self, &record);
    }
}

/* A relactation month. A pump sensor logs double pumping sessions whose
 * yield grows from a few drops to 20-40 mL a side (supplement unmeasured:
 * a pump does not see the SNS); an SNS flow sensor logs feeds at the
 * breast whose supplement falls from ~60 mL to ~15 mL as the supply
 * comes in (sides unmeasured: the baby drinks them). */
void
lsp_sim_sensor_add_relactation_month (LspSimSensor *self, guint days)
{
  GRand *rand = lsp_sim_sensor_get_rand (self);
  gint64 now = lsp_sim_sensor_device_now (self);
  gint64 today = now - now % DAY_S;
  gboolean sns = lsp_sim_sensor_get_kind (self) == LSP_SENSOR_KIND_SNS;
  lsp_device_time clock;

  lsp_sim_sensor_get_device_time (self, &clock);
  days = MAX (days, 2u);
  for (guint d = 0; d < days; d++)
    {
      double progress = (double) d / (days - 1);
      guint n = (guint) g_rand_int_range (rand, 8, 11);
      /* The last day is today, up to now. */
      gint64 day_start = today - (gint64) (days - 1 - d) * DAY_S;

      for (guint k = 0; k < n; k++)
        {
          gint64 start = day_start + 5 * 3600 + (gint64) k * (19 * 3600) / n +
                         g_rand_int_range (rand, -900, 900);
          lsp_record record = {
            .start_utc = (guint32) start,
            .utc_offset_known = clock.utc_offset_known,
            .utc_offset_quarters = clock.utc_offset_quarters,
          };

          if (sns)
            {
              double mean_ml = 60.0 - 45.0 * progress;
              guint duration = (guint) g_rand_int_range (rand, 1200, 2400);

              record.kind = LSP_RECORD_KIND_SNS;
              record.seconds_left = (guint16) (duration / 2);
              record.seconds_right = (guint16) (duration - duration / 2);
              record.volume_left = not_measured;
              record.volume_right = not_measured;
              record.supplement =
                volume ((guint) (mean_ml * 10.0 * g_rand_double_range (rand, 0.8, 1.2)));
            }
          else
            {
              /* 0-2 mL on day one, 20-40 mL on the last day. */
              double mean_ml = 1.0 + 29.0 * progress * progress;
              double spread = 1.0 + 9.0 * progress;
              guint duration = (guint) g_rand_int_range (rand, 900, 1500);
              /* Drawn once each: MAX() would draw twice and could keep
               * the second, negative draw (a huge unsigned volume). */
              double left_ml = mean_ml + g_rand_double_range (rand, -spread, spread);
              double right_ml = mean_ml + g_rand_double_range (rand, -spread, spread);

              record.kind = LSP_RECORD_KIND_PUMP;
              record.double_sided = TRUE;
              record.seconds_left = (guint16) duration;
              record.seconds_right = (guint16) duration;
              record.volume_left = volume ((guint) (10.0 * MAX (0.0, left_ml)));
              record.volume_right = volume ((guint) (10.0 * MAX (0.0, right_ml)));
              record.supplement = not_measured;
            }
          if (start < now)
            lsp_sim_sensor_add_record (self, &record);
        }
    }
}

/* -------------------------------------------------- malformed packets */

enum {
  BAD_RECORD_SHORT, BAD_RECORD_LONG, BAD_RECORD_TINY, BAD_RECORD_SEQ_ZERO,
  BAD_RECORD_TOO_EARLY, BAD_RECORD_FUTURE, BAD_RECORD_OFFSET,
  BAD_RECORD_KIND, BAD_RECORD_FLAGS, BAD_RECORD_DURATION_LEFT,
  BAD_RECORD_DURATION_RIGHT, BAD_RECORD_VOLUME_LEFT,
  BAD_RECORD_VOLUME_RIGHT, BAD_RECORD_SUPPLEMENT, N_BAD_RECORDS
};

enum {
  BAD_LIVE_SHORT, BAD_LIVE_LONG, BAD_LIVE_EMPTY, BAD_LIVE_FLAGS,
  BAD_LIVE_SEQ_ZERO, BAD_LIVE_ELAPSED, BAD_LIVE_VOLUME_LEFT,
  BAD_LIVE_VOLUME_RIGHT, BAD_LIVE_SUPPLEMENT, BAD_LIVE_SUCTION,
  BAD_LIVE_BATTERY, N_BAD_LIVE
};

static const guint8 bad_racp[][8] = {
  /* length, bytes... */
  { 0 },
  { 3, 0x06, 0x00, 0x01 },
  { 5, 0x05, 0x00, 0x01, 0x00, 0x00 },
  { 7, 0x05, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00 },
  { 5, 0x06, 0x00, 0x01, 0x01, 0x00 },
  { 4, 0x07, 0x00, 0x01, 0x01 },
  { 4, 0x06, 0x01, 0x01, 0x01 },
  { 6, 0x05, 0x02, 0x01, 0x00, 0x00, 0x00 },
  { 4, 0x06, 0x00, 0x01, 0x00 },
  { 4, 0x06, 0x00, 0x01, 0x0A },
  { 4, 0x06, 0x00, 0x01, 0xFF },
};

static const guint8 bad_battery[][3] = {
  { 0 }, { 2, 50, 0 }, { 1, 101 }, { 1, 0xFF },
};

guint
lsp_sim_malformed_count (LspSimChar ch)
{
  switch (ch)
    {
    case LSP_SIM_CHAR_SESSION_RECORD:
      return N_BAD_RECORDS;
    case LSP_SIM_CHAR_LIVE_PROGRESS:
      return N_BAD_LIVE;
    case LSP_SIM_CHAR_RACP:
      return G_N_ELEMENTS (bad_racp);
    case LSP_SIM_CHAR_BATTERY_LEVEL:
      return G_N_ELEMENTS (bad_battery);
    case LSP_SIM_CHAR_FEATURES:
    case LSP_SIM_CHAR_DEVICE_TIME:
    case LSP_SIM_CHAR_MANUFACTURER:
    case LSP_SIM_CHAR_MODEL_NUMBER:
    case LSP_SIM_CHAR_SERIAL_NUMBER:
    case LSP_SIM_CHAR_FIRMWARE_REVISION:
    case LSP_SIM_N_CHARS:
    default:
      return 0;
    }
}

static gsize
bad_record (guint variant, guint32 seq, gint64 now, guint8 *buf)
{
  lsp_record good = {
    .seq = MAX (seq, 1u), .start_utc = (guint32) (now - 3600),
    .kind = LSP_RECORD_KIND_PUMP, .seconds_left = 600, .seconds_right = 600,
    .double_sided = TRUE, .volume_left = volume (100),
    .volume_right = volume (120), .supplement = not_measured,
  };
  gsize len = LSP_RECORD_LEN;

  lsp_record_encode (&good, now, buf);
  switch (variant)
    {
    case BAD_RECORD_SHORT: len = LSP_RECORD_LEN - 1; break;
    case BAD_RECORD_LONG: len = LSP_RECORD_LEN + 1; buf[20] = 0; break;
    case BAD_RECORD_TINY: len = 3; break;
    case BAD_RECORD_SEQ_ZERO: put_u32 (buf, 0); break;
    case BAD_RECORD_TOO_EARLY: put_u32 (buf + 4, 1000); break;
    case BAD_RECORD_FUTURE: put_u32 (buf + 4, (guint32) (now + 3 * DAY_S)); break;
    case BAD_RECORD_OFFSET: buf[8] = 100; break;
    case BAD_RECORD_KIND: buf[9] = (guint8) ((buf[9] & ~0x03) | 0x03); break;
    case BAD_RECORD_FLAGS: buf[9] |= 0x20; break;
    case BAD_RECORD_DURATION_LEFT: put_u16 (buf + 10, 14401); break;
    case BAD_RECORD_DURATION_RIGHT: put_u16 (buf + 12, 14401); break;
    case BAD_RECORD_VOLUME_LEFT: put_u16 (buf + 14, 10001); break;
    case BAD_RECORD_VOLUME_RIGHT: put_u16 (buf + 16, 10001); break;
    case BAD_RECORD_SUPPLEMENT: put_u16 (buf + 18, 0xFFFE); break;
    default: g_assert_not_reached ();
    }
  return len;
}

static gsize
bad_live (guint variant, guint8 *buf)
{
  lsp_live good = {
    .side = LSP_SIDE_BOTH, .phase = LSP_PHASE_EXPRESSION, .active = TRUE,
    .seq = 7, .elapsed_s = 300, .volume_left = volume (50),
    .volume_right = volume (60), .supplement = not_measured,
    .has_suction = TRUE, .suction = 5, .has_battery = TRUE,
    .battery_percent = 80,
  };
  gsize len = LSP_LIVE_LEN;

  lsp_live_encode (&good, buf);
  switch (variant)
    {
    case BAD_LIVE_SHORT: len = LSP_LIVE_LEN - 1; break;
    case BAD_LIVE_LONG: len = LSP_LIVE_LEN + 1; buf[15] = 0; break;
    case BAD_LIVE_EMPTY: len = 0; break;
    case BAD_LIVE_FLAGS: buf[0] |= 0x80; break;
    case BAD_LIVE_SEQ_ZERO: put_u32 (buf + 1, 0); break;
    case BAD_LIVE_ELAPSED: put_u16 (buf + 5, 14401); break;
    case BAD_LIVE_VOLUME_LEFT: put_u16 (buf + 7, 10001); break;
    case BAD_LIVE_VOLUME_RIGHT: put_u16 (buf + 9, 0xFFFE); break;
    case BAD_LIVE_SUPPLEMENT: put_u16 (buf + 11, 20000); break;
    case BAD_LIVE_SUCTION: buf[13] = 16; break;
    case BAD_LIVE_BATTERY: buf[14] = 101; break;
    default: g_assert_not_reached ();
    }
  return len;
}

GBytes *
lsp_sim_malformed_packet (LspSimChar ch, guint variant, guint32 seq,
                          gint64 now_utc, lsp_status *expected_out)
{
  guint8 buf[32] = { 0 };
  gsize len = 0;
  lsp_status status = LSP_OK;

  g_return_val_if_fail (variant < lsp_sim_malformed_count (ch), NULL);

  switch (ch)
    {
    case LSP_SIM_CHAR_SESSION_RECORD:
      {
        lsp_record out;
        len = bad_record (variant, seq, now_utc, buf);
        status = lsp_record_decode (buf, len, now_utc, &out);
        break;
      }
    case LSP_SIM_CHAR_LIVE_PROGRESS:
      {
        lsp_live out;
        len = bad_live (variant, buf);
        status = lsp_live_decode (buf, len, &out);
        break;
      }
    case LSP_SIM_CHAR_RACP:
      {
        lsp_racp_indication out;
        len = bad_racp[variant][0];
        memcpy (buf, &bad_racp[variant][1], len);
        status = lsp_racp_indication_decode (buf, len, &out);
        break;
      }
    case LSP_SIM_CHAR_BATTERY_LEVEL:
      {
        guint8 out;
        len = bad_battery[variant][0];
        memcpy (buf, &bad_battery[variant][1], len);
        status = lsp_battery_decode (buf, len, &out);
        break;
      }
    case LSP_SIM_CHAR_FEATURES:
    case LSP_SIM_CHAR_DEVICE_TIME:
    case LSP_SIM_CHAR_MANUFACTURER:
    case LSP_SIM_CHAR_MODEL_NUMBER:
    case LSP_SIM_CHAR_SERIAL_NUMBER:
    case LSP_SIM_CHAR_FIRMWARE_REVISION:
    case LSP_SIM_N_CHARS:
    default:
      g_assert_not_reached ();
    }
  /* A builder that produced a valid packet is a bug in the builder. */
  g_warn_if_fail (status != LSP_OK);
  if (expected_out != NULL)
    *expected_out = status;
  return g_bytes_new (buf, len);
}

/* ----------------------------------------------------------- scenarios */

typedef struct {
  const char *name;
  const char *help;
} ScenarioInfo;

static const ScenarioInfo scenarios[] = {
  { "demo", "the relactation month, then accelerated live pump sessions "
            "(15 min in 60 s) repeating with a 20 s pause" },
  { "session", "an empty pump that runs accelerated live sessions "
               "(15 min in 60 s) repeating with a 20 s pause" },
  { "backlog", "backlog[:N]: N stored pump records (default 500) over the "
               "past 14 days" },
  { "relactation", "a pump holding a relactation month: ~30 days x 8-10 "
                   "sessions rising from drops to 20-40 mL a side" },
  { "sns", "an SNS flow sensor holding a relactation month (supplement "
           "falling from ~60 to ~15 mL a feed), then live feeds" },
  { "malformed", "records breaking every rule among good ones, and a "
                 "malformed live/battery/RACP packet every 10 s" },
  { "epoch-reset", "10 records; every 60 s the sensor erases its store, "
                   "takes a new epoch, logs 5 records and reboots" },
  { "battery", "the battery drains 1 % every 2 s down to 3 %, then "
               "charges back to 100 %" },
  { "stragglers", "300 records delivered slowly, shuffled, the last 5 "
                  "after the report's end" },
};

static const char *const scenario_names[] = {
  "demo", "session", "backlog", "relactation", "sns", "malformed",
  "epoch-reset", "battery", "stragglers", NULL
};

const char *const *
lsp_sim_scenario_names (void)
{
  return scenario_names;
}

const char *
lsp_sim_scenario_help (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (scenarios); i++)
    if (g_strcmp0 (scenarios[i].name, name) == 0)
      return scenarios[i].help;
  return NULL;
}

/* Sessions a watcher can follow: 15 minutes in about a minute. */
#define DEMO_SPEED 15.0

static const LspSimSession demo_pump_session = {
  .kind = LSP_RECORD_KIND_PUMP, .side = LSP_SIDE_BOTH, .double_sided = TRUE,
  .duration_s = 900, .volume_left_tenths = 320, .volume_right_tenths = 290,
  .supplement_tenths = LSP_NOT_MEASURED, .suction = 7,
};

static const LspSimSession demo_sns_feed = {
  .kind = LSP_RECORD_KIND_SNS, .side = LSP_SIDE_BOTH, .double_sided = FALSE,
  .duration_s = 1200, .volume_left_tenths = LSP_NOT_MEASURED,
  .volume_right_tenths = LSP_NOT_MEASURED, .supplement_tenths = 150,
  .suction = LSP_NOT_APPLICABLE,
};

static gboolean
malformed_tick_cb (gpointer user_data)
{
  LspSimSensor *self = user_data;
  static const LspSimChar chars[] = {
    LSP_SIM_CHAR_LIVE_PROGRESS, LSP_SIM_CHAR_BATTERY_LEVEL, LSP_SIM_CHAR_RACP,
  };
  GRand *rand = lsp_sim_sensor_get_rand (self);
  LspSimChar ch = chars[g_rand_int_range (rand, 0, G_N_ELEMENTS (chars))];
  guint variant = (guint) g_rand_int_range (rand, 0, (gint32) lsp_sim_malformed_count (ch));
  g_autoptr(GBytes) packet =
    lsp_sim_malformed_packet (ch, variant, 0, lsp_sim_sensor_device_now (self), NULL);

  lsp_sim_sensor_send_raw (self, ch, packet);
  return G_SOURCE_CONTINUE;
}

static gboolean
epoch_reset_tick_cb (gpointer user_data)
{
  LspSimSensor *self = user_data;

  lsp_sim_sensor_reset_epoch (self);
  lsp_sim_sensor_add_backlog (self, 5, 1);
  lsp_sim_sensor_reboot (self);
  return G_SOURCE_CONTINUE;
}

static gboolean
battery_tick_cb (gpointer user_data)
{
  LspSimSensor *self = user_data;
  guint8 level = lsp_sim_sensor_get_battery (self);

  lsp_sim_sensor_set_battery (self, level <= 3 ? 100 : level - 1);
  return G_SOURCE_CONTINUE;
}

LspSimSensor *
lsp_sim_sensor_new_for_scenario (const char *spec, GError **error)
{
  g_autoptr(LspSimSensor) self = NULL;
  g_autofree char *name = NULL;
  const char *arg;
  guint64 n = 500;

  g_return_val_if_fail (spec != NULL, NULL);

  arg = strchr (spec, ':');
  name = arg != NULL ? g_strndup (spec, (gsize) (arg - spec)) : g_strdup (spec);
  if (arg != NULL && (g_strcmp0 (name, "backlog") != 0 ||
                      !g_ascii_string_to_unsigned (arg + 1, 10, 0, G_MAXUINT16,
                                                   &n, NULL)))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "Invalid scenario “%s”: only backlog takes a number "
                   "(0-65535)", spec);
      return NULL;
    }

  if (g_str_equal (name, "demo") || g_str_equal (name, "relactation"))
    {
      self = lsp_sim_sensor_new (LSP_SENSOR_KIND_PUMP, 400);
      lsp_sim_sensor_add_relactation_month (self, 30);
      if (g_str_equal (name, "demo"))
        {
          lsp_sim_sensor_set_speed (self, DEMO_SPEED);
          lsp_sim_sensor_repeat_sessions (self, &demo_pump_session, 5000, 20000);
        }
    }
  else if (g_str_equal (name, "session"))
    {
      self = lsp_sim_sensor_new (LSP_SENSOR_KIND_PUMP, 400);
      lsp_sim_sensor_set_speed (self, DEMO_SPEED);
      lsp_sim_sensor_repeat_sessions (self, &demo_pump_session, 3000, 20000);
    }
  else if (g_str_equal (name, "backlog"))
    {
      self = lsp_sim_sensor_new (LSP_SENSOR_KIND_PUMP, MAX ((guint) n, 1000u));
      lsp_sim_sensor_add_backlog (self, (guint) n, 14);
    }
  else if (g_str_equal (name, "sns"))
    {
      self = lsp_sim_sensor_new (LSP_SENSOR_KIND_SNS, 400);
      lsp_sim_sensor_add_relactation_month (self, 30);
      lsp_sim_sensor_set_speed (self, DEMO_SPEED);
      lsp_sim_sensor_repeat_sessions (self, &demo_sns_feed, 5000, 20000);
    }
  else if (g_str_equal (name, "malformed"))
    {
      gint64 now;

      self = lsp_sim_sensor_new (LSP_SENSOR_KIND_PUMP, 400);
      now = lsp_sim_sensor_device_now (self);
      for (guint v = 0; v < lsp_sim_malformed_count (LSP_SIM_CHAR_SESSION_RECORD); v++)
        {
          g_autoptr(GBytes) bad = NULL;

          /* A record whose number cannot be read handles no number, so
           * the daemon could never acknowledge past it: keep those for
           * tests, not for a sensor meant to be watched. */
          if (v == BAD_RECORD_TINY || v == BAD_RECORD_SEQ_ZERO)
            continue;
          lsp_sim_sensor_add_backlog (self, 1, 1);
          bad = lsp_sim_malformed_packet (LSP_SIM_CHAR_SESSION_RECORD, v,
                                          lsp_sim_sensor_get_next_seq (self),
                                          now, NULL);
          lsp_sim_sensor_add_raw_record (self, bad);
        }
      lsp_sim_sensor_own_source (self, g_timeout_add_seconds (10, malformed_tick_cb, self));
    }
  else if (g_str_equal (name, "epoch-reset"))
    {
      self = lsp_sim_sensor_new (LSP_SENSOR_KIND_PUMP, 400);
      lsp_sim_sensor_add_backlog (self, 10, 2);
      lsp_sim_sensor_own_source (self, g_timeout_add_seconds (60, epoch_reset_tick_cb, self));
    }
  else if (g_str_equal (name, "battery"))
    {
      self = lsp_sim_sensor_new (LSP_SENSOR_KIND_PUMP, 400);
      lsp_sim_sensor_own_source (self, g_timeout_add_seconds (2, battery_tick_cb, self));
    }
  else if (g_str_equal (name, "stragglers"))
    {
      self = lsp_sim_sensor_new (LSP_SENSOR_KIND_PUMP, 400);
      lsp_sim_sensor_add_backlog (self, 300, 14);
      lsp_sim_sensor_set_record_delay (self, 2);
      lsp_sim_sensor_set_reorder (self, TRUE);
      lsp_sim_sensor_set_stragglers (self, 5, 100);
    }
  else
    {
      g_autofree char *known = g_strjoinv (", ", (char **) scenario_names);

      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "Unknown scenario “%s” (known: %s)", spec, known);
      return NULL;
    }
  g_debug ("scenario %s: %u records, epoch %u", spec,
           lsp_sim_sensor_get_n_records (self), lsp_sim_sensor_get_epoch (self));
  return g_steal_pointer (&self);
}
