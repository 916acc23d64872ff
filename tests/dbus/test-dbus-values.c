/* test-dbus-values.c — session dictionaries of the D-Bus API.
 *
 * Days and live dictionaries: test-dbus-days.c; goals, addresses and
 * errors: test-dbus-goals.c (which has main()).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <math.h>
#include <string.h>

#include "lactd-dbus-values.h"
#include "lactd-error.h"
#include "test-dbus.h"

/* 2024-07-01T10:00:00Z: summer time in Europe/Berlin (UTC+2). */
#define SUMMER_START 1719828000LL
/* 2024-01-15T10:00:00Z: winter time in Europe/Berlin (UTC+1). */
#define WINTER_START 1705312800LL
#define NOW          1735689600LL /* 2025-01-01T00:00:00Z */

/* ------------------------------------------------------------ helpers */

GVariant *
test_dict_new (const char *first_key, ...)
{
  GVariantBuilder builder;
  va_list args;

  g_variant_builder_init (&builder, G_VARIANT_TYPE_VARDICT);
  va_start (args, first_key);
  for (const char *key = first_key; key != NULL;
       key = va_arg (args, const char *))
    {
      GVariant *value = va_arg (args, GVariant *);
      g_variant_builder_add (&builder, "{sv}", key, value);
    }
  va_end (args);
  return g_variant_ref_sink (g_variant_builder_end (&builder));
}

/* The dictionary's keys, in order, joined by ",". */
char *
test_dict_keys (GVariant *dict)
{
  g_autoptr(GString) keys = g_string_new (NULL);
  GVariantIter iter;
  const char *key;

  g_variant_iter_init (&iter, dict);
  while (g_variant_iter_next (&iter, "{&sv}", &key, NULL))
    {
      if (keys->len > 0)
        g_string_append_c (keys, ',');
      g_string_append (keys, key);
    }
  return g_string_free (g_steal_pointer (&keys), FALSE);
}

/* The value under key, which must have the given type. */
GVariant *
test_dict_get (GVariant *dict, const char *key, const char *type)
{
  GVariant *value = g_variant_lookup_value (dict, key, NULL);

  if (value == NULL)
    g_error ("key '%s' missing", key);
  g_assert_cmpstr (g_variant_get_type_string (value), ==, type);
  return value;
}

/* Parses dict as AddSession would; on failure checks the error is
 * InvalidArgs with the message and that out was not touched. */
static void
assert_session_rejected (GVariant *dict, const char *message)
{
  g_autoptr(GError) error = NULL;
  LactdSession out;
  LactdSession untouched;

  memset (&out, 0xa5, sizeof out);
  memcpy (&untouched, &out, sizeof out);
  g_assert_false (lactd_session_from_variant (dict, NOW, &out, &error));
  g_assert_error (error, LACTD_ERROR, LACTD_ERROR_INVALID_ARGS);
  g_assert_cmpstr (error->message, ==, message);
  g_assert_true (memcmp (&out, &untouched, sizeof out) == 0);
}

static LactdSession
parse_session_ok (GVariant *dict)
{
  g_autoptr(GError) error = NULL;
  LactdSession out;

  memset (&out, 0xa5, sizeof out);
  g_assert_true (lactd_session_from_variant (dict, NOW, &out, &error));
  g_assert_no_error (error);
  return out;
}

/* ------------------------------------------------- session → variant */

static LactdSession
sensor_session (void)
{
  LactdSession s = {
    .id = 42,
    .from_sensor = TRUE,
    .address = "C0:FF:EE:00:00:01",
    .epoch = 7,
    .seq = 19,
    .kind = LACTD_SESSION_KIND_PUMP,
    .start = SUMMER_START,
    .utc_offset_min = 120,
    .duration_left = 600,
    .duration_right = 900,
    .double_sided = TRUE,
    .interrupted = TRUE,
    .clock_unsynced = FALSE,
    .volume_left_tenths = 1234,
    .volume_right_tenths = 0,
    .supplement_tenths = 10000,
  };
  return s;
}

static void
test_session_to_variant_sensor (void)
{
  LactdSession s = sensor_session ();
  g_autoptr(GVariant) dict = g_variant_ref_sink (lactd_session_to_variant (&s));
  g_autofree char *keys = test_dict_keys (dict);
  g_autoptr(GVariant) v = NULL;

  g_assert_cmpstr (g_variant_get_type_string (dict), ==, "a{sv}");
  g_assert_cmpstr (keys, ==,
                   "id,source,sensor,seq,kind,start,end,utc_offset,"
                   "duration_left,duration_right,double,volume_left_ml,"
                   "volume_right_ml,supplement_ml,interrupted,clock_unsynced");
#define CHECK(key, type, getter, expected) \
  G_STMT_START { \
    g_clear_pointer (&v, g_variant_unref); \
    v = test_dict_get (dict, key, type); \
    g_assert_true (getter (v) == (expected)); \
  } G_STMT_END
  CHECK ("id", "t", g_variant_get_uint64, 42);
  CHECK ("seq", "u", g_variant_get_uint32, 19);
  CHECK ("start", "x", g_variant_get_int64, SUMMER_START);
  /* double: start + max(left, right) */
  CHECK ("end", "x", g_variant_get_int64, SUMMER_START + 900);
  CHECK ("utc_offset", "i", g_variant_get_int32, 120);
  CHECK ("duration_left", "u", g_variant_get_uint32, 600);
  CHECK ("duration_right", "u", g_variant_get_uint32, 900);
  CHECK ("double", "b", g_variant_get_boolean, TRUE);
  CHECK ("volume_left_ml", "d", g_variant_get_double, 123.4);
  CHECK ("volume_right_ml", "d", g_variant_get_double, 0.0);
  CHECK ("supplement_ml", "d", g_variant_get_double, 1000.0);
  CHECK ("interrupted", "b", g_variant_get_boolean, TRUE);
  CHECK ("clock_unsynced", "b", g_variant_get_boolean, FALSE);
#undef CHECK
  g_clear_pointer (&v, g_variant_unref);
  v = test_dict_get (dict, "source", "s");
  g_assert_cmpstr (g_variant_get_string (v, NULL), ==, "sensor");
  g_clear_pointer (&v, g_variant_unref);
  v = test_dict_get (dict, "sensor", "s");
  g_assert_cmpstr (g_variant_get_string (v, NULL), ==, "C0:FF:EE:00:00:01");
  g_clear_pointer (&v, g_variant_unref);
  v = test_dict_get (dict, "kind", "s");
  g_assert_cmpstr (g_variant_get_string (v, NULL), ==, "pump");
}

static void
test_session_to_variant_manual (void)
{
  LactdSession s = {
    .id = 3,
    .kind = LACTD_SESSION_KIND_BREASTFEED,
    .start = WINTER_START,
    .utc_offset_min = 60,
    .duration_left = 300,
    .duration_right = 400,
    .volume_left_tenths = LACTD_VOLUME_NONE,
    .volume_right_tenths = LACTD_VOLUME_NONE,
    .supplement_tenths = LACTD_VOLUME_NONE,
  };
  g_autoptr(GVariant) dict = g_variant_ref_sink (lactd_session_to_variant (&s));
  g_autofree char *keys = test_dict_keys (dict);
  g_autoptr(GVariant) source = test_dict_get (dict, "source", "s");
  g_autoptr(GVariant) sensor = test_dict_get (dict, "sensor", "s");
  g_autoptr(GVariant) seq = test_dict_get (dict, "seq", "u");
  g_autoptr(GVariant) end = test_dict_get (dict, "end", "x");
  g_autoptr(GVariant) kind = test_dict_get (dict, "kind", "s");

  /* Unmeasured volumes are left out. */
  g_assert_cmpstr (keys, ==,
                   "id,source,sensor,seq,kind,start,end,utc_offset,"
                   "duration_left,duration_right,double,interrupted,"
                   "clock_unsynced");
  g_assert_cmpstr (g_variant_get_string (source, NULL), ==, "manual");
  g_assert_cmpstr (g_variant_get_string (sensor, NULL), ==, "");
  g_assert_cmpuint (g_variant_get_uint32 (seq), ==, 0);
  g_assert_cmpstr (g_variant_get_string (kind, NULL), ==, "breastfeed");
  /* not double: start + left + right */
  g_assert_cmpint (g_variant_get_int64 (end), ==, WINTER_START + 700);
}

static void
test_sessions_to_variant (void)
{
  g_autoptr(GArray) sessions = g_array_new (FALSE, TRUE, sizeof (LactdSession));
  LactdSession s = sensor_session ();
  g_autoptr(GVariant) list = NULL;
  g_autoptr(GVariant) second = NULL;
  g_autoptr(GVariant) id = NULL;

  list = g_variant_ref_sink (lactd_sessions_to_variant (sessions));
  g_assert_cmpstr (g_variant_get_type_string (list), ==, "aa{sv}");
  g_assert_cmpuint (g_variant_n_children (list), ==, 0);
  g_clear_pointer (&list, g_variant_unref);

  g_array_append_val (sessions, s);
  s.id = 43;
  g_array_append_val (sessions, s);
  list = g_variant_ref_sink (lactd_sessions_to_variant (sessions));
  g_assert_cmpuint (g_variant_n_children (list), ==, 2);
  second = g_variant_get_child_value (list, 1);
  id = test_dict_get (second, "id", "t");
  g_assert_cmpuint (g_variant_get_uint64 (id), ==, 43);
}

/* The dictionary as the contract spells it, built the plain way (one
 * GVariantBuilder per session, nothing shared): the reference for the
 * shared-entry builder. */
static GVariant *
reference_dict (const LactdSession *s)
{
  GVariantBuilder b;

  g_variant_builder_init (&b, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&b, "{sv}", "id", g_variant_new_uint64 (s->id));
  g_variant_builder_add (&b, "{sv}", "source", g_variant_new_string (
                           s->from_sensor ? "sensor" : "manual"));
  g_variant_builder_add (&b, "{sv}", "sensor", g_variant_new_string (
                           s->from_sensor ? s->address : ""));
  g_variant_builder_add (&b, "{sv}", "seq", g_variant_new_uint32 (
                           s->from_sensor ? s->seq : 0));
  g_variant_builder_add (&b, "{sv}", "kind", g_variant_new_string (
                           lactd_session_kind_to_string (s->kind)));
  g_variant_builder_add (&b, "{sv}", "start", g_variant_new_int64 (s->start));
  g_variant_builder_add (&b, "{sv}", "end",
                         g_variant_new_int64 (lactd_session_end (s)));
  g_variant_builder_add (&b, "{sv}", "utc_offset",
                         g_variant_new_int32 (s->utc_offset_min));
  g_variant_builder_add (&b, "{sv}", "duration_left",
                         g_variant_new_uint32 (s->duration_left));
  g_variant_builder_add (&b, "{sv}", "duration_right",
                         g_variant_new_uint32 (s->duration_right));
  g_variant_builder_add (&b, "{sv}", "double",
                         g_variant_new_boolean (s->double_sided));
  if (s->volume_left_tenths >= 0)
    g_variant_builder_add (&b, "{sv}", "volume_left_ml", g_variant_new_double (
                             s->volume_left_tenths / 10.0));
  if (s->volume_right_tenths >= 0)
    g_variant_builder_add (&b, "{sv}", "volume_right_ml", g_variant_new_double (
                             s->volume_right_tenths / 10.0));
  if (s->supplement_tenths >= 0)
    g_variant_builder_add (&b, "{sv}", "supplement_ml", g_variant_new_double (
                             s->supplement_tenths / 10.0));
  g_variant_builder_add (&b, "{sv}", "interrupted",
                         g_variant_new_boolean (s->interrupted));
  g_variant_builder_add (&b, "{sv}", "clock_unsynced",
                         g_variant_new_boolean (s->clock_unsynced));
  return g_variant_builder_end (&b);
}

static LactdSession
random_session (guint i)
{
  static const char *const sensors[] = { "C0:FF:EE:00:00:01",
                                         "C0:FF:EE:00:00:02" };
  LactdSession s = { 0 };

  s.id = 1000 + i;
  s.from_sensor = g_test_rand_int_range (0, 3) != 0;
  if (s.from_sensor)
    {
      g_strlcpy (s.address, sensors[i % 2], sizeof s.address);
      s.epoch = 7;
      s.seq = i + 1;
    }
  s.kind = (LactdSessionKind) g_test_rand_int_range (0, 4);
  s.start = SUMMER_START + (gint64) i * 3600;
  /* Mostly in -720..840; a few outside, which are not interned. */
  s.utc_offset_min = i % 50 == 0 ? -1000 + (gint32) i
                                 : g_test_rand_int_range (-720, 841);
  s.duration_left = (guint32) g_test_rand_int_range (0, 14401);
  /* A sensor's value the API would refuse still goes out as stored. */
  s.duration_right = i % 97 == 0 ? G_MAXUINT32 - i
                                 : (guint32) g_test_rand_int_range (0, 60);
  s.double_sided = g_test_rand_bit ();
  s.interrupted = g_test_rand_int_range (0, 10) == 0;
  s.clock_unsynced = g_test_rand_int_range (0, 10) == 0;
  s.volume_left_tenths = g_test_rand_int_range (-1, 10001);
  s.volume_right_tenths = g_test_rand_int_range (-1, 40);
  s.supplement_tenths = g_test_rand_bit () ? LACTD_VOLUME_NONE
                                           : g_test_rand_int_range (0, 10001);
  return s;
}

/* The builder's reply equals the plain one value for value, in order,
 * and repeated entries are one node referenced from every dictionary. */
static void
test_sessions_builder_shares (void)
{
  g_autoptr(GArray) sessions = g_array_new (FALSE, TRUE, sizeof (LactdSession));
  g_autoptr(LactdSessionsBuilder) builder = lactd_sessions_builder_new (2);
  g_autoptr(GVariant) list = NULL;
  g_autoptr(GVariant) expected = NULL;
  g_autoptr(GVariant) first = NULL;
  g_autoptr(GVariant) second = NULL;
  GVariantBuilder plain;

  g_variant_builder_init (&plain, G_VARIANT_TYPE ("aa{sv}"));
  for (guint i = 0; i < 600; i++)
    {
      LactdSession s = random_session (i);
      g_array_append_val (sessions, s);
      lactd_sessions_builder_add (builder, &s);
      g_variant_builder_add_value (&plain, reference_dict (&s));
    }
  g_assert_cmpuint (lactd_sessions_builder_get_count (builder), ==, 600);
  list = g_variant_ref_sink (lactd_sessions_builder_end (
                               g_steal_pointer (&builder)));
  expected = g_variant_ref_sink (g_variant_builder_end (&plain));

  /* Shared, not copied: the "interrupted" entry (14th or later) of two
   * sessions with the same flag is one node; ids are not shared. */
  first = g_variant_get_child_value (list, 0);
  for (guint i = 1; i < g_variant_n_children (list) && second == NULL; i++)
    {
      const LactdSession *a = &g_array_index (sessions, LactdSession, 0);
      const LactdSession *b = &g_array_index (sessions, LactdSession, i);
      if (a->interrupted == b->interrupted && a->kind == b->kind)
        second = g_variant_get_child_value (list, i);
    }
  g_assert_nonnull (second);
  {
    g_autoptr(GVariant) kind_a = g_variant_get_child_value (first, 4);
    g_autoptr(GVariant) kind_b = g_variant_get_child_value (second, 4);
    g_autoptr(GVariant) id_a = g_variant_get_child_value (first, 0);
    g_autoptr(GVariant) id_b = g_variant_get_child_value (second, 0);
    g_assert_true (kind_a == kind_b);
    g_assert_true (id_a != id_b);
  }

  g_assert_true (g_variant_equal (list, expected));
  g_clear_pointer (&list, g_variant_unref);
  list = g_variant_ref_sink (lactd_sessions_to_variant (sessions));
  g_assert_true (g_variant_equal (list, expected));
  for (guint i = 0; i < sessions->len; i += 37)
    {
      g_autoptr(GVariant) one = g_variant_ref_sink (lactd_session_to_variant (
        &g_array_index (sessions, LactdSession, i)));
      g_autoptr(GVariant) want = g_variant_get_child_value (expected, i);
      g_assert_true (g_variant_equal (one, want));
    }

  /* A builder dropped half-way (a store error) frees what it made. */
  builder = lactd_sessions_builder_new (0);
  lactd_sessions_builder_add (builder, &g_array_index (sessions, LactdSession,
                                                       0));
}

/* ------------------------------------------------- variant → session */

static void
test_session_from_variant_minimal (void)
{
  g_autoptr(GVariant) dict = test_dict_new (
    "kind", g_variant_new_string ("hand"),
    "start", g_variant_new_int64 (SUMMER_START),
    NULL);
  LactdSession s = parse_session_ok (dict);

  g_assert_cmpuint (s.id, ==, 0);
  g_assert_false (s.from_sensor);
  g_assert_cmpstr (s.address, ==, "");
  g_assert_cmpuint (s.epoch, ==, 0);
  g_assert_cmpuint (s.seq, ==, 0);
  g_assert_cmpint (s.kind, ==, LACTD_SESSION_KIND_HAND);
  g_assert_cmpint (s.start, ==, SUMMER_START);
  /* TZ is Europe/Berlin in main(): CEST at this start. */
  g_assert_cmpint (s.utc_offset_min, ==, 120);
  g_assert_cmpuint (s.duration_left, ==, 0);
  g_assert_cmpuint (s.duration_right, ==, 0);
  g_assert_false (s.double_sided);
  g_assert_false (s.interrupted);
  g_assert_false (s.clock_unsynced);
  g_assert_cmpint (s.volume_left_tenths, ==, LACTD_VOLUME_NONE);
  g_assert_cmpint (s.volume_right_tenths, ==, LACTD_VOLUME_NONE);
  g_assert_cmpint (s.supplement_tenths, ==, LACTD_VOLUME_NONE);
}

static void
test_session_from_variant_default_offset_winter (void)
{
  g_autoptr(GVariant) dict = test_dict_new (
    "start", g_variant_new_int64 (WINTER_START),
    "kind", g_variant_new_string ("pump"),
    NULL);
  LactdSession s = parse_session_ok (dict);

  g_assert_cmpint (s.utc_offset_min, ==, 60);
}

static void
test_session_from_variant_full (void)
{
  g_autoptr(GVariant) dict = test_dict_new (
    "kind", g_variant_new_string ("sns"),
    "start", g_variant_new_int64 (SUMMER_START),
    "utc_offset", g_variant_new_int32 (-300),
    "duration_left", g_variant_new_uint32 (14400),
    "duration_right", g_variant_new_uint32 (1),
    "double", g_variant_new_boolean (TRUE),
    "volume_left_ml", g_variant_new_double (12.34),
    "volume_right_ml", g_variant_new_double (0.0),
    "supplement_ml", g_variant_new_double (1000.0),
    NULL);
  LactdSession s = parse_session_ok (dict);

  g_assert_cmpint (s.kind, ==, LACTD_SESSION_KIND_SNS);
  g_assert_cmpint (s.utc_offset_min, ==, -300);
  g_assert_cmpuint (s.duration_left, ==, 14400);
  g_assert_cmpuint (s.duration_right, ==, 1);
  g_assert_true (s.double_sided);
  g_assert_cmpint (s.volume_left_tenths, ==, 123);
  g_assert_cmpint (s.volume_right_tenths, ==, 0);
  g_assert_cmpint (s.supplement_tenths, ==, 10000);
}

static void
test_session_from_variant_kinds (void)
{
  const struct { const char *name; LactdSessionKind kind; } kinds[] = {
    { "pump", LACTD_SESSION_KIND_PUMP },
    { "sns", LACTD_SESSION_KIND_SNS },
    { "hand", LACTD_SESSION_KIND_HAND },
    { "breastfeed", LACTD_SESSION_KIND_BREASTFEED },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (kinds); i++)
    {
      g_autoptr(GVariant) dict = test_dict_new (
        "kind", g_variant_new_string (kinds[i].name),
        "start", g_variant_new_int64 (SUMMER_START), NULL);
      LactdSession s = parse_session_ok (dict);
      g_assert_cmpint (s.kind, ==, kinds[i].kind);
    }

  {
    g_autoptr(GVariant) dict = test_dict_new (
      "kind", g_variant_new_string ("Pump"),
      "start", g_variant_new_int64 (SUMMER_START), NULL);
    assert_session_rejected (dict, "kind: 'Pump' is not one of pump, sns, "
                             "hand, breastfeed");
  }
  {
    g_autoptr(GVariant) dict = test_dict_new (
      "kind", g_variant_new_string (""),
      "start", g_variant_new_int64 (SUMMER_START), NULL);
    assert_session_rejected (dict, "kind: '' is not one of pump, sns, "
                             "hand, breastfeed");
  }
}

static void
test_session_from_variant_required (void)
{
  g_autoptr(GVariant) no_kind = test_dict_new (
    "start", g_variant_new_int64 (SUMMER_START), NULL);
  g_autoptr(GVariant) no_start = test_dict_new (
    "kind", g_variant_new_string ("pump"), NULL);
  g_autoptr(GVariant) empty = test_dict_new (NULL);

  assert_session_rejected (no_kind, "missing required key 'kind'");
  assert_session_rejected (no_start, "missing required key 'start'");
  assert_session_rejected (empty, "missing required key 'kind'");
}

/* A dictionary of kind "pump", the given start, and one extra entry. */
static GVariant *
session_with (gint64 start, const char *key, GVariant *value)
{
  return test_dict_new ("kind", g_variant_new_string ("pump"),
                        "start", g_variant_new_int64 (start),
                        key, value, NULL);
}

static void
test_session_from_variant_start (void)
{
  g_autoptr(GVariant) first_ok = session_with (1577836800, NULL, NULL);
  g_autoptr(GVariant) too_early = session_with (1577836799, NULL, NULL);
  g_autoptr(GVariant) ahead_ok = session_with (NOW + 60, NULL, NULL);
  g_autoptr(GVariant) too_far = session_with (NOW + 61, NULL, NULL);
  g_autoptr(GVariant) negative = session_with (-1, NULL, NULL);

  parse_session_ok (first_ok);
  parse_session_ok (ahead_ok);
  assert_session_rejected (too_early, "start: 1577836799 is before "
                           "2020-01-01 (1577836800)");
  assert_session_rejected (negative, "start: -1 is before 2020-01-01 "
                           "(1577836800)");
  assert_session_rejected (too_far, "start: 1735689661 is more than 60 s "
                           "after now (1735689600)");
}

static void
test_session_from_variant_utc_offset (void)
{
  const struct { gint32 minutes; gboolean ok; } cases[] = {
    { -721, FALSE }, { -720, TRUE }, { 0, TRUE }, { 840, TRUE },
    { 841, FALSE }, { G_MININT32, FALSE }, { G_MAXINT32, FALSE },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GVariant) dict =
        session_with (SUMMER_START, "utc_offset",
                      g_variant_new_int32 (cases[i].minutes));
      if (cases[i].ok)
        {
          LactdSession s = parse_session_ok (dict);
          g_assert_cmpint (s.utc_offset_min, ==, cases[i].minutes);
        }
      else
        {
          g_autofree char *message =
            g_strdup_printf ("utc_offset: %d min is outside -720..840 min",
                             cases[i].minutes);
          assert_session_rejected (dict, message);
        }
    }
}

static void
test_session_from_variant_durations (void)
{
  const char *keys[] = { "duration_left", "duration_right" };

  for (gsize i = 0; i < G_N_ELEMENTS (keys); i++)
    {
      g_autoptr(GVariant) zero =
        session_with (SUMMER_START, keys[i], g_variant_new_uint32 (0));
      g_autoptr(GVariant) max =
        session_with (SUMMER_START, keys[i], g_variant_new_uint32 (14400));
      g_autoptr(GVariant) over =
        session_with (SUMMER_START, keys[i], g_variant_new_uint32 (14401));
      g_autoptr(GVariant) huge =
        session_with (SUMMER_START, keys[i],
                      g_variant_new_uint32 (G_MAXUINT32));
      g_autofree char *over_message =
        g_strdup_printf ("%s: 14401 s is more than 14400 s", keys[i]);
      g_autofree char *huge_message =
        g_strdup_printf ("%s: 4294967295 s is more than 14400 s", keys[i]);

      parse_session_ok (zero);
      parse_session_ok (max);
      assert_session_rejected (over, over_message);
      assert_session_rejected (huge, huge_message);
    }
}

static void
test_session_from_variant_volumes (void)
{
  const char *keys[] = { "volume_left_ml", "volume_right_ml",
                         "supplement_ml" };
  const struct { double ml; gint32 tenths; } ok_cases[] = {
    { 0.0, 0 }, { 0.04, 0 }, { 0.05, 1 }, { 12.36, 124 }, { 999.95, 10000 },
    { 1000.0, 10000 }, { -0.0, 0 },
  };
  const struct { double ml; const char *text; } bad_cases[] = {
    { 1000.5, "1000.5 is outside 0-1000 mL" },
    { 1000.01, "1000.01 is outside 0-1000 mL" },
    { -0.1, "-0.1 is outside 0-1000 mL" },
    { (double) NAN, "nan is not a finite number" },
    { (double) INFINITY, "inf is not a finite number" },
    { -(double) INFINITY, "-inf is not a finite number" },
  };

  for (gsize k = 0; k < G_N_ELEMENTS (keys); k++)
    {
      for (gsize i = 0; i < G_N_ELEMENTS (ok_cases); i++)
        {
          g_autoptr(GVariant) dict =
            session_with (SUMMER_START, keys[k],
                          g_variant_new_double (ok_cases[i].ml));
          LactdSession s = parse_session_ok (dict);
          gint32 got = k == 0 ? s.volume_left_tenths :
                       k == 1 ? s.volume_right_tenths : s.supplement_tenths;
          g_assert_cmpint (got, ==, ok_cases[i].tenths);
        }
      for (gsize i = 0; i < G_N_ELEMENTS (bad_cases); i++)
        {
          g_autoptr(GVariant) dict =
            session_with (SUMMER_START, keys[k],
                          g_variant_new_double (bad_cases[i].ml));
          g_autofree char *message =
            g_strdup_printf ("%s: %s", keys[k], bad_cases[i].text);
          assert_session_rejected (dict, message);
        }
    }
}

static void
test_session_from_variant_unknown_keys (void)
{
  const char *daemon_keys[] = { "id", "source", "sensor", "seq", "end",
                                "interrupted", "clock_unsynced", "Kind",
                                "volume_ml", "" };

  for (gsize i = 0; i < G_N_ELEMENTS (daemon_keys); i++)
    {
      g_autoptr(GVariant) dict =
        session_with (SUMMER_START, daemon_keys[i], g_variant_new_uint32 (1));
      g_autofree char *message =
        g_strdup_printf ("unknown key '%s'", daemon_keys[i]);
      assert_session_rejected (dict, message);
    }
}

static void
test_session_from_variant_wrong_types (void)
{
  g_autoptr(GVariant) start_i = test_dict_new (
    "kind", g_variant_new_string ("pump"),
    "start", g_variant_new_int32 (1719828000), NULL);
  g_autoptr(GVariant) start_t = test_dict_new (
    "kind", g_variant_new_string ("pump"),
    "start", g_variant_new_uint64 (1719828000), NULL);
  g_autoptr(GVariant) kind_u = test_dict_new (
    "kind", g_variant_new_uint32 (0),
    "start", g_variant_new_int64 (SUMMER_START), NULL);
  g_autoptr(GVariant) offset_x =
    session_with (SUMMER_START, "utc_offset", g_variant_new_int64 (60));
  g_autoptr(GVariant) duration_i =
    session_with (SUMMER_START, "duration_left", g_variant_new_int32 (60));
  g_autoptr(GVariant) double_s =
    session_with (SUMMER_START, "double", g_variant_new_string ("true"));
  g_autoptr(GVariant) volume_u =
    session_with (SUMMER_START, "volume_left_ml", g_variant_new_uint32 (12));
  g_autoptr(GVariant) volume_v =
    session_with (SUMMER_START, "supplement_ml",
                  g_variant_new_variant (g_variant_new_double (1.0)));

  assert_session_rejected (start_i, "start: expected type 'x', got 'i'");
  assert_session_rejected (start_t, "start: expected type 'x', got 't'");
  assert_session_rejected (kind_u, "kind: expected type 's', got 'u'");
  assert_session_rejected (offset_x, "utc_offset: expected type 'i', got 'x'");
  assert_session_rejected (duration_i,
                           "duration_left: expected type 'u', got 'i'");
  assert_session_rejected (double_s, "double: expected type 'b', got 's'");
  assert_session_rejected (volume_u,
                           "volume_left_ml: expected type 'd', got 'u'");
  assert_session_rejected (volume_v,
                           "supplement_ml: expected type 'd', got 'v'");
}

static void
test_session_from_variant_not_a_dict (void)
{
  g_autoptr(GVariant) duplicate = test_dict_new (
    "kind", g_variant_new_string ("pump"),
    "start", g_variant_new_int64 (SUMMER_START),
    "kind", g_variant_new_string ("hand"), NULL);
  g_autoptr(GVariant) string = g_variant_ref_sink (g_variant_new_string ("x"));

  assert_session_rejected (duplicate, "key 'kind' given more than once");
  assert_session_rejected (string,
                           "expected a dictionary of type 'a{sv}', got 's'");
}

static void
test_session_round_trip (void)
{
  /* What AddSession stores comes back out with the same values. */
  g_autoptr(GVariant) dict = test_dict_new (
    "kind", g_variant_new_string ("pump"),
    "start", g_variant_new_int64 (SUMMER_START),
    "utc_offset", g_variant_new_int32 (330),
    "duration_left", g_variant_new_uint32 (600),
    "volume_left_ml", g_variant_new_double (55.5),
    NULL);
  LactdSession s = parse_session_ok (dict);
  g_autoptr(GVariant) back = NULL;
  g_autoptr(GVariant) volume = NULL;
  g_autoptr(GVariant) offset = NULL;
  g_autofree char *keys = NULL;

  s.id = 9;
  back = g_variant_ref_sink (lactd_session_to_variant (&s));
  keys = test_dict_keys (back);
  g_assert_cmpstr (keys, ==,
                   "id,source,sensor,seq,kind,start,end,utc_offset,"
                   "duration_left,duration_right,double,volume_left_ml,"
                   "interrupted,clock_unsynced");
  volume = test_dict_get (back, "volume_left_ml", "d");
  g_assert_cmpfloat (g_variant_get_double (volume), ==, 55.5);
  offset = test_dict_get (back, "utc_offset", "i");
  g_assert_cmpint (g_variant_get_int32 (offset), ==, 330);
}

void
test_dbus_values_add_tests (void)
{
  g_test_add_func ("/dbus/session/to-variant/sensor",
                   test_session_to_variant_sensor);
  g_test_add_func ("/dbus/session/to-variant/manual",
                   test_session_to_variant_manual);
  g_test_add_func ("/dbus/session/to-variant/list", test_sessions_to_variant);
  g_test_add_func ("/dbus/session/to-variant/shared-entries",
                   test_sessions_builder_shares);
  g_test_add_func ("/dbus/session/from-variant/minimal",
                   test_session_from_variant_minimal);
  g_test_add_func ("/dbus/session/from-variant/default-offset-winter",
                   test_session_from_variant_default_offset_winter);
  g_test_add_func ("/dbus/session/from-variant/full",
                   test_session_from_variant_full);
  g_test_add_func ("/dbus/session/from-variant/kinds",
                   test_session_from_variant_kinds);
  g_test_add_func ("/dbus/session/from-variant/required",
                   test_session_from_variant_required);
  g_test_add_func ("/dbus/session/from-variant/start",
                   test_session_from_variant_start);
  g_test_add_func ("/dbus/session/from-variant/utc-offset",
                   test_session_from_variant_utc_offset);
  g_test_add_func ("/dbus/session/from-variant/durations",
                   test_session_from_variant_durations);
  g_test_add_func ("/dbus/session/from-variant/volumes",
                   test_session_from_variant_volumes);
  g_test_add_func ("/dbus/session/from-variant/unknown-keys",
                   test_session_from_variant_unknown_keys);
  g_test_add_func ("/dbus/session/from-variant/wrong-types",
                   test_session_from_variant_wrong_types);
  g_test_add_func ("/dbus/session/from-variant/not-a-dict",
                   test_session_from_variant_not_a_dict);
  g_test_add_func ("/dbus/session/round-trip", test_session_round_trip);
}
