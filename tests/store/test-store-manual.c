/* test-store-manual.c — manual sessions: every validation rule on both
 * sides of its boundary, deletion, ids never reused, and the pure session
 * helpers.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include "store-test-util.h"

#define NOW G_GINT64_CONSTANT (1750000000)

typedef enum {
  FIELD_KIND, FIELD_START, FIELD_OFFSET, FIELD_DURATION_LEFT,
  FIELD_DURATION_RIGHT, FIELD_VOLUME_LEFT, FIELD_VOLUME_RIGHT,
  FIELD_SUPPLEMENT, FIELD_FROM_SENSOR,
} Field;

typedef struct {
  Field field;
  gint64 value;
  gboolean valid;
  const char *message;   /* pattern of the error message when invalid */
} ManualCase;

static const ManualCase cases[] = {
  { FIELD_KIND, LACTD_SESSION_KIND_BREASTFEED, TRUE, NULL },
  { FIELD_KIND, LACTD_SESSION_KIND_PUMP, TRUE, NULL },
  { FIELD_KIND, 4, FALSE, "*kind: 4 *" },
  { FIELD_KIND, -1, FALSE, "*kind: -1 *" },
  { FIELD_START, 1577836800, TRUE, NULL },
  { FIELD_START, 1577836799, FALSE, "*start: 1577836799 *" },
  { FIELD_START, NOW + 60, TRUE, NULL },
  { FIELD_START, NOW + 61, FALSE, "*start: 1750000061 *" },
  { FIELD_OFFSET, -720, TRUE, NULL },
  { FIELD_OFFSET, -721, FALSE, "*utc_offset: -721 *" },
  { FIELD_OFFSET, 840, TRUE, NULL },
  { FIELD_OFFSET, 841, FALSE, "*utc_offset: 841 *" },
  { FIELD_DURATION_LEFT, 14400, TRUE, NULL },
  { FIELD_DURATION_LEFT, 14401, FALSE, "*duration_left: 14401 *" },
  { FIELD_DURATION_LEFT, 0, TRUE, NULL },
  { FIELD_DURATION_RIGHT, 14400, TRUE, NULL },
  { FIELD_DURATION_RIGHT, 14401, FALSE, "*duration_right: 14401 *" },
  { FIELD_VOLUME_LEFT, 10000, TRUE, NULL },
  { FIELD_VOLUME_LEFT, 10001, FALSE, "*volume_left_ml: 1000.1 *" },
  { FIELD_VOLUME_LEFT, 0, TRUE, NULL },
  { FIELD_VOLUME_LEFT, LACTD_VOLUME_NONE, TRUE, NULL },
  { FIELD_VOLUME_LEFT, -2, FALSE, "*volume_left_ml: -0.2 *" },
  { FIELD_VOLUME_RIGHT, 10000, TRUE, NULL },
  { FIELD_VOLUME_RIGHT, 10001, FALSE, "*volume_right_ml: 1000.1 *" },
  { FIELD_VOLUME_RIGHT, 0, TRUE, NULL },
  { FIELD_VOLUME_RIGHT, -2, FALSE, "*volume_right_ml: -0.2 *" },
  { FIELD_SUPPLEMENT, 10000, TRUE, NULL },
  { FIELD_SUPPLEMENT, 10001, FALSE, "*supplement_ml: 1000.1 *" },
  { FIELD_SUPPLEMENT, 0, TRUE, NULL },
  { FIELD_SUPPLEMENT, -2, FALSE, "*supplement_ml: -0.2 *" },
  { FIELD_FROM_SENSOR, FALSE, TRUE, NULL },
  { FIELD_FROM_SENSOR, TRUE, FALSE, "*source*" },
};

static void
apply (LactdSession *s, Field field, gint64 value)
{
  switch (field)
    {
    case FIELD_KIND: s->kind = (LactdSessionKind) value; break;
    case FIELD_START: s->start = value; break;
    case FIELD_OFFSET: s->utc_offset_min = (gint32) value; break;
    case FIELD_DURATION_LEFT: s->duration_left = (guint32) value; break;
    case FIELD_DURATION_RIGHT: s->duration_right = (guint32) value; break;
    case FIELD_VOLUME_LEFT: s->volume_left_tenths = (gint32) value; break;
    case FIELD_VOLUME_RIGHT: s->volume_right_tenths = (gint32) value; break;
    case FIELD_SUPPLEMENT: s->supplement_tenths = (gint32) value; break;
    case FIELD_FROM_SENSOR: s->from_sensor = value != 0; break;
    default: g_assert_not_reached ();
    }
}

static void
test_validation (StoreFixture *f, gconstpointer data)
{
  guint stored = 0;

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      LactdSession s = store_test_session (NOW - 3600, 60);
      gboolean ok;

      apply (&s, cases[i].field, cases[i].value);
      ok = lactd_store_add_manual (f->store, &s, NOW, &error);
      g_test_message ("case %u: field %d value %" G_GINT64_FORMAT, i,
                      cases[i].field, cases[i].value);
      if (cases[i].valid)
        {
          g_assert_no_error (error);
          g_assert_true (ok);
          g_assert_cmpuint (s.id, >, 0);
          stored++;
        }
      else
        {
          g_assert_false (ok);
          g_assert_error (error, LACTD_STORE_ERROR,
                          LACTD_STORE_ERROR_INVALID);
          g_assert_true (g_pattern_match_simple (cases[i].message,
                                                 error->message));
          g_assert_cmpuint (s.id, ==, 0);
        }
    }
  g_assert_cmpint (store_test_sql_int (f->path,
                                       "SELECT count(*) FROM sessions"), ==,
                   stored);
}

static void
test_round_trip (StoreFixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  LactdSession s = store_test_session (NOW - 600, -240), out;

  s.kind = LACTD_SESSION_KIND_SNS;
  s.double_sided = TRUE;
  s.interrupted = TRUE;
  s.volume_left_tenths = 12;
  s.supplement_tenths = 10000;
  /* A manual entry takes no sensor identity. */
  strcpy (s.address, "C0:FF:EE:00:00:01");
  s.seq = 7;
  s.epoch = 9;
  g_assert_true (lactd_store_add_manual (f->store, &s, NOW, &error));
  g_assert_no_error (error);
  g_assert_true (lactd_store_get_session (f->store, s.id, &out, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (out.id, ==, s.id);
  g_assert_false (out.from_sensor);
  g_assert_cmpstr (out.address, ==, "");
  g_assert_cmpuint (out.seq, ==, 0);
  g_assert_cmpuint (out.epoch, ==, 0);
  g_assert_cmpint (out.kind, ==, LACTD_SESSION_KIND_SNS);
  g_assert_cmpint (out.start, ==, NOW - 600);
  g_assert_cmpint (out.utc_offset_min, ==, -240);
  g_assert_cmpuint (out.duration_left, ==, 600);
  g_assert_cmpuint (out.duration_right, ==, 300);
  g_assert_true (out.double_sided);
  g_assert_true (out.interrupted);
  g_assert_false (out.clock_unsynced);
  g_assert_cmpint (out.volume_left_tenths, ==, 12);
  g_assert_cmpint (out.volume_right_tenths, ==, LACTD_VOLUME_NONE);
  g_assert_cmpint (out.supplement_tenths, ==, 10000);
}

static void
test_delete (StoreFixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  LactdSession s = store_test_session (NOW - 600, 0), out;

  g_assert_true (lactd_store_add_manual (f->store, &s, NOW, &error));
  g_assert_false (lactd_store_delete_session (f->store, s.id + 1, &error));
  g_assert_error (error, LACTD_STORE_ERROR, LACTD_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_true (lactd_store_delete_session (f->store, s.id, &error));
  g_assert_no_error (error);
  g_assert_false (lactd_store_delete_session (f->store, s.id, &error));
  g_assert_error (error, LACTD_STORE_ERROR, LACTD_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (lactd_store_get_session (f->store, s.id, &out, &error));
  g_assert_error (error, LACTD_STORE_ERROR, LACTD_STORE_ERROR_NOT_FOUND);
}

/* A deleted highest session's id is never handed out again, not even
 * after the store is closed and opened again (a restart), nor once every
 * session is gone: clients remember the highest id they saw. */
static void
test_ids_never_reused (StoreFixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  guint64 ids[3], next;

  for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
    {
      LactdSession s = store_test_session (NOW - 3600 + i * 600, 0);
      ids[i] = store_test_add (f->store, &s);
    }
  g_assert_true (lactd_store_delete_session (f->store, ids[2], &error));
  g_assert_no_error (error);
  {
    LactdSession s = store_test_session (NOW - 60, 0);
    next = store_test_add (f->store, &s);
  }
  g_assert_cmpuint (next, >, ids[2]);

  /* A restart: the store closed cleanly and opened again. */
  g_assert_true (lactd_store_delete_session (f->store, next, &error));
  g_clear_pointer (&f->store, lactd_store_free);
  f->store = lactd_store_open (f->path, &error);
  g_assert_no_error (error);
  {
    LactdSession s = store_test_session (NOW - 30, 0);
    guint64 after_restart = store_test_add (f->store, &s);
    g_assert_cmpuint (after_restart, >, next);
    next = after_restart;
  }

  /* Nothing left at all. */
  g_assert_true (lactd_store_delete_session (f->store, next, &error));
  for (guint i = 0; i < G_N_ELEMENTS (ids) - 1; i++)
    g_assert_true (lactd_store_delete_session (f->store, ids[i], &error));
  g_assert_no_error (error);
  {
    LactdSession s = store_test_session (NOW - 10, 0);
    g_assert_cmpuint (store_test_add (f->store, &s), >, next);
  }
}

static void
test_helpers (void)
{
  static const char *const names[] = { "pump", "sns", "hand", "breastfeed" };
  LactdSessionKind kind;
  LactdSession s;

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_assert_cmpstr (lactd_session_kind_to_string ((LactdSessionKind) i), ==,
                       names[i]);
      g_assert_true (lactd_session_kind_from_string (names[i], &kind));
      g_assert_cmpint (kind, ==, (int) i);
    }
  g_assert_null (lactd_session_kind_to_string ((LactdSessionKind) 4));
  g_assert_false (lactd_session_kind_from_string ("Pump", &kind));
  g_assert_false (lactd_session_kind_from_string (NULL, &kind));

  s = store_test_session (1000, 0);
  s.duration_left = 300;
  s.duration_right = 500;
  g_assert_cmpint (lactd_session_end (&s), ==, 1800);
  s.double_sided = TRUE;
  g_assert_cmpint (lactd_session_end (&s), ==, 1500);
  g_assert_cmpint (lactd_session_expressed_tenths (&s), ==, 0);
  s.volume_left_tenths = 40;
  g_assert_cmpint (lactd_session_expressed_tenths (&s), ==, 40);
  s.volume_right_tenths = 2;
  g_assert_cmpint (lactd_session_expressed_tenths (&s), ==, 42);
  s.supplement_tenths = 100;
  g_assert_cmpint (lactd_session_expressed_tenths (&s), ==, 42);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, StoreFixture, NULL, store_fixture_setup, func, \
              store_fixture_teardown)
  ADD ("/store/manual/validation", test_validation);
  ADD ("/store/manual/round-trip", test_round_trip);
  ADD ("/store/manual/delete", test_delete);
  ADD ("/store/manual/ids-never-reused", test_ids_never_reused);
#undef ADD
  g_test_add_func ("/store/manual/helpers", test_helpers);
  return g_test_run ();
}
