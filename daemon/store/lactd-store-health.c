/* lactd-store-health.c — how the store knows it is healthy: the check at
 * open (only after an unclean shutdown, or a full one after damage was
 * seen), the weekly full integrity check that the daemon runs in another
 * thread once it is up, and the note that tells clients about a recovery.
 *
 * A full PRAGMA integrity_check of a 10-year store takes longer than the
 * whole start-up budget, and even quick_check is about half of it; a
 * clean close already proves the file was whole when it was last closed,
 * so the next open skips the check. Damage that happens while the store
 * is closed (a disk fault, a foreign writer) is found by the weekly check
 * or by the first query that meets it (SQLITE_CORRUPT): either marks the
 * store damaged, and the next open checks it fully and recovers.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lactd-store"

#include "config.h"

#include <string.h>

#include "lactd-store-private.h"

/* How many SQLite VM steps run between two looks at the stop flag. */
#define PROGRESS_STEPS 10000
/* quick_check reads every page: through a memory map (at most this much)
 * it takes a fraction of the time. */
#define CHECK_MMAP_BYTES "268435456"

gboolean
lactd_store_is_corruption (int rc)
{
  return (rc & 0xff) == SQLITE_NOTADB || (rc & 0xff) == SQLITE_CORRUPT;
}

/* A check's verdict as one line for logs and clients, without the
 * schema name SQLite puts first ("*** in database main ***"). */
static char *
one_line (const char *verdict)
{
  const char *header = "*** in database main ***\n";
  char *line = g_strdup (g_str_has_prefix (verdict, header)
                         ? verdict + strlen (header) : verdict);

  g_strdelimit (g_strstrip (line), "\n", ' ');
  return line;
}

/* Runs a check pragma on db. TRUE when it ran: *problem is NULL for "ok",
 * else the first fault; FALSE with *rc_out for an error. */
static gboolean
run_check (sqlite3 *db, const char *pragma, char **problem, int *rc_out)
{
  sqlite3_stmt *stmt = NULL;
  int rc = sqlite3_prepare_v2 (db, pragma, -1, &stmt, NULL);

  *problem = NULL;
  if (rc == SQLITE_OK && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *verdict = (const char *) sqlite3_column_text (stmt, 0);
      if (g_strcmp0 (verdict, "ok") != 0)
        *problem = one_line (verdict != NULL ? verdict : "check failed");
      rc = SQLITE_OK;
    }
  sqlite3_finalize (stmt);
  *rc_out = rc;
  return rc == SQLITE_OK;
}

gboolean
lactd_store_check_health (LactdStore *store, LactdStoreCheck check,
                          char **problem, GError **error)
{
  const char *pragma = check == LACTD_STORE_CHECK_FULL
                       ? "PRAGMA integrity_check(1)" : "PRAGMA quick_check(1)";
  gboolean ran;
  int rc;

  *problem = NULL;
  if (check == LACTD_STORE_CHECK_NONE)
    return TRUE;
  /* The map is dropped right after, so the store never runs on one (an
   * I/O error in a mapped page would be a SIGBUS, not an error code). */
  sqlite3_exec (store->db, "PRAGMA mmap_size = " CHECK_MMAP_BYTES, NULL, NULL,
                NULL);
  ran = run_check (store->db, pragma, problem, &rc);
  sqlite3_exec (store->db, "PRAGMA mmap_size = 0", NULL, NULL, NULL);
  if (!ran)
    {
      if (lactd_store_is_corruption (rc))
        *problem = g_strdup (sqlite3_errstr (rc));
      else
        lactd_store_set_sqlite_error (store, error, rc,
                                      "reading the database");
    }
  return ran && *problem == NULL;
}

/* ------------------------------------------------- weekly full check */

static int
on_progress (void *data)
{
  const gint *stop = data;

  return stop != NULL && g_atomic_int_get (stop) != 0;
}

gboolean
lactd_store_verify_integrity (const char *path, const gint *stop,
                              char **problem, GError **error)
{
  sqlite3 *db = NULL;
  int rc;
  gboolean ran = FALSE;

  g_return_val_if_fail (path != NULL && problem != NULL, FALSE);
  *problem = NULL;
  rc = sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY |
                        SQLITE_OPEN_NOFOLLOW, NULL);
  if (rc == SQLITE_OK)
    {
      sqlite3_progress_handler (db, PROGRESS_STEPS, on_progress,
                                (void *) stop);
      ran = run_check (db, "PRAGMA integrity_check(1)", problem, &rc);
      if (!ran && lactd_store_is_corruption (rc))
        {
          *problem = g_strdup (sqlite3_errstr (rc));
          ran = TRUE;
        }
    }
  if (!ran)
    g_set_error (error, LACTD_STORE_ERROR, LACTD_STORE_ERROR_STORAGE,
                 "Store %s: the integrity check could not run: %s", path,
                 rc == SQLITE_INTERRUPT ? "stopped"
                 : db != NULL ? sqlite3_errmsg (db) : sqlite3_errstr (rc));
  sqlite3_close (db);
  return ran;
}

gboolean
lactd_store_integrity_check_due (LactdStore *store, gint64 now)
{
  g_autofree char *last = NULL;
  g_autoptr(GError) error = NULL;
  gint64 checked_at;

  g_return_val_if_fail (store != NULL, FALSE);
  last = lactd_store_get_setting (store, LACTD_SETTING_INTEGRITY_CHECKED,
                                  &error);
  if (last == NULL)
    return error == NULL;   /* never checked; unreadable: not now */
  checked_at = g_ascii_strtoll (last, NULL, 10);
  /* A clock set back far is no reason to wait for years. */
  return now - checked_at >= LACTD_STORE_INTEGRITY_INTERVAL ||
         checked_at > now + LACTD_STORE_INTEGRITY_INTERVAL;
}

gboolean
lactd_store_record_integrity (LactdStore *store, gint64 now,
                              const char *problem, GError **error)
{
  g_autofree char *value = NULL;

  g_return_val_if_fail (store != NULL, FALSE);
  if (problem != NULL)
    {
      g_warning ("Store %s failed its integrity check (%s): it will be "
                 "checked, moved aside and salvaged at the next start",
                 store->path, problem);
      store->damage_seen = TRUE;
      return TRUE;
    }
  value = g_strdup_printf ("%" G_GINT64_FORMAT, now);
  g_message ("Store %s passed its integrity check", store->path);
  return lactd_store_set_setting (store, LACTD_SETTING_INTEGRITY_CHECKED,
                                  value, error);
}

/* ------------------------------------------------------ recovery note */

gboolean
lactd_store_load_recovery_note (LactdStore *store, gint64 now,
                                GError **error)
{
  g_autofree char *note = NULL;
  g_autofree char *at = NULL;
  GError *local_error = NULL;
  gint64 recovered_at;

  note = lactd_store_get_setting (store, LACTD_SETTING_RECOVERY_NOTE,
                                  &local_error);
  if (note != NULL)
    at = lactd_store_get_setting (store, LACTD_SETTING_RECOVERY_AT,
                                  &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return FALSE;
    }
  if (at == NULL)
    return TRUE;
  recovered_at = g_ascii_strtoll (at, NULL, 10);
  if (now >= recovered_at && now - recovered_at < LACTD_RECOVERY_NOTE_SECONDS)
    {
      g_free (store->recovery_note);
      store->recovery_note = g_steal_pointer (&note);
    }
  return TRUE;
}

gboolean
lactd_store_save_recovery_note (LactdStore *store, gint64 now,
                                const char *note, GError **error)
{
  g_autofree char *at = g_strdup_printf ("%" G_GINT64_FORMAT, now);

  g_free (store->recovery_note);
  store->recovery_note = g_strdup (note);
  return lactd_store_set_setting (store, LACTD_SETTING_RECOVERY_NOTE, note,
                                  error) &&
         lactd_store_set_setting (store, LACTD_SETTING_RECOVERY_AT, at,
                                  error);
}
