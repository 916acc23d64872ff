/* lactd-store-sessions.c — writing sessions: the idempotent sync batches
 * (lsp-v1 steps 3, 4 and 7) and manual entries.
 *
 * Durability: the store runs WAL with synchronous=NORMAL, where a commit
 * is not fsynced until the next checkpoint (it survives a crash of lactd,
 * not a power cut). A batch must survive power loss before its numbers are
 * acknowledged (and so deleted on the sensor), so a batch switches the
 * connection to synchronous=FULL from begin to the end of its commit: in
 * WAL mode that fsyncs the WAL at the commit itself.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lactd-store"

#include "config.h"

#include <string.h>

#include "lactd-store-private.h"

struct _LactdStoreBatch {
  LactdStore *store;
  char address[LACTD_ADDRESS_STRLEN];
  guint32 epoch;
  gint64 stored_at;
  GHashTable *handled;       /* seq -> seq, numbers handled in this batch */
  guint32 lowest_handled;    /* 0: none yet */
  GPtrArray *stored;         /* LactdSession* */
  guint32 rejected_count;
  gint64 rejected_rows;      /* rows kept for (address, epoch); -1 unread */
  char *failure;             /* the first storage error; NULL while fine */
};

static gint64
now_seconds (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

/* ----------------------------------------------------------- reading */

static gint32
column_volume (sqlite3_stmt *stmt, int column)
{
  if (sqlite3_column_type (stmt, column) == SQLITE_NULL)
    return LACTD_VOLUME_NONE;
  return sqlite3_column_int (stmt, column);
}

void
lactd_store_read_session (sqlite3_stmt *stmt, int first_column,
                          LactdSession *out)
{
  int c = first_column;
  const char *source, *address, *kind;

  memset (out, 0, sizeof *out);
  out->id = (guint64) sqlite3_column_int64 (stmt, c + 0);
  source = (const char *) sqlite3_column_text (stmt, c + 1);
  out->from_sensor = g_strcmp0 (source, "sensor") == 0;
  address = (const char *) sqlite3_column_text (stmt, c + 2);
  g_strlcpy (out->address, address ? address : "", sizeof out->address);
  out->epoch = (guint32) sqlite3_column_int64 (stmt, c + 3);
  out->seq = (guint32) sqlite3_column_int64 (stmt, c + 4);
  kind = (const char *) sqlite3_column_text (stmt, c + 5);
  if (!lactd_session_kind_from_string (kind, &out->kind))
    out->kind = LACTD_SESSION_KIND_PUMP;
  out->start = sqlite3_column_int64 (stmt, c + 6);
  out->utc_offset_min = sqlite3_column_int (stmt, c + 7);
  out->duration_left = (guint32) sqlite3_column_int64 (stmt, c + 8);
  out->duration_right = (guint32) sqlite3_column_int64 (stmt, c + 9);
  out->double_sided = sqlite3_column_int (stmt, c + 10) != 0;
  out->interrupted = sqlite3_column_int (stmt, c + 11) != 0;
  out->clock_unsynced = sqlite3_column_int (stmt, c + 12) != 0;
  out->volume_left_tenths = column_volume (stmt, c + 13);
  out->volume_right_tenths = column_volume (stmt, c + 14);
  out->supplement_tenths = column_volume (stmt, c + 15);
}

/* -------------------------------------------------------- validation */

/* A value that broke the model's rules is the store's INVALID, with the
 * model's message. */
static gboolean
invalid_from_model (GError **error)
{
  if (error != NULL && *error != NULL &&
      (*error)->domain == LACTD_MODEL_ERROR)
    {
      GError *converted = g_error_new_literal (LACTD_STORE_ERROR,
                                               LACTD_STORE_ERROR_INVALID,
                                               (*error)->message);
      g_clear_error (error);
      *error = converted;
    }
  return FALSE;
}

/* --------------------------------------------------------- writing */

static void
bind_volume (sqlite3_stmt *stmt, int index, gint32 tenths,
             gboolean none_as_null)
{
  if (tenths == LACTD_VOLUME_NONE && none_as_null)
    sqlite3_bind_null (stmt, index);
  else
    sqlite3_bind_int (stmt, index, tenths);
}

/* Binds kind .. supplement (11 values) from index first on. */
static void
bind_session_fields (sqlite3_stmt *stmt, int first,
                     const LactdSession *session, gboolean none_as_null)
{
  sqlite3_bind_text (stmt, first + 0,
                     lactd_session_kind_to_string (session->kind), -1,
                     SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, first + 1, session->start);
  sqlite3_bind_int (stmt, first + 2, session->utc_offset_min);
  sqlite3_bind_int64 (stmt, first + 3, session->duration_left);
  sqlite3_bind_int64 (stmt, first + 4, session->duration_right);
  sqlite3_bind_int (stmt, first + 5, session->double_sided ? 1 : 0);
  sqlite3_bind_int (stmt, first + 6, session->interrupted ? 1 : 0);
  sqlite3_bind_int (stmt, first + 7, session->clock_unsynced ? 1 : 0);
  bind_volume (stmt, first + 8, session->volume_left_tenths, none_as_null);
  bind_volume (stmt, first + 9, session->volume_right_tenths, none_as_null);
  bind_volume (stmt, first + 10, session->supplement_tenths, none_as_null);
}

/* Inserts unless a sensor session has the same (address, epoch, seq):
 * *inserted says which. Trying the insert first spares new records (the
 * common case) a lookup. */
static gboolean
insert_session (LactdStore *store, LactdSession *session, gint64 stored_at,
                gboolean *inserted, GError **error)
{
  sqlite3_stmt *stmt = lactd_store_stmt (store, STMT_SESSION_INSERT, error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, session->from_sensor ? "sensor" : "manual", -1,
                     SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, session->address, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 3, session->epoch);
  sqlite3_bind_int64 (stmt, 4, session->seq);
  bind_session_fields (stmt, 5, session, TRUE);
  sqlite3_bind_int64 (stmt, 16, stored_at);
  if (!lactd_store_step_done (store, stmt, "storing a session", error))
    return FALSE;
  *inserted = sqlite3_changes (store->db) > 0;
  if (*inserted)
    session->id = (guint64) sqlite3_last_insert_rowid (store->db);
  return TRUE;
}

static gboolean
same_record (const LactdSession *a, const LactdSession *b)
{
  return a->kind == b->kind && a->start == b->start &&
         a->utc_offset_min == b->utc_offset_min &&
         a->duration_left == b->duration_left &&
         a->duration_right == b->duration_right &&
         !a->double_sided == !b->double_sided &&
         !a->interrupted == !b->interrupted &&
         !a->clock_unsynced == !b->clock_unsynced &&
         a->volume_left_tenths == b->volume_left_tenths &&
         a->volume_right_tenths == b->volume_right_tenths &&
         a->supplement_tenths == b->supplement_tenths;
}

/* ----------------------------------------------------------- batches */

static void
batch_free (LactdStoreBatch *batch)
{
  batch->store->batch_open = FALSE;
  /* Back to the normal setting; a failure only costs an fsync later. */
  if (sqlite3_exec (batch->store->db, "PRAGMA synchronous = NORMAL", NULL,
                    NULL, NULL) != SQLITE_OK)
    g_warning ("Store %s: cannot restore synchronous=NORMAL: %s",
               batch->store->path, sqlite3_errmsg (batch->store->db));
  g_hash_table_unref (batch->handled);
  g_ptr_array_unref (batch->stored);
  g_free (batch->failure);
  g_free (batch);
}

/* Remembers the first storage failure: the batch can only be rolled back
 * from then on. */
static void
batch_note_failure (LactdStoreBatch *batch, const GError *error)
{
  if (batch->failure == NULL)
    batch->failure = g_strdup (error->message);
}

static void
batch_note_handled (LactdStoreBatch *batch, guint32 seq)
{
  g_hash_table_add (batch->handled, GUINT_TO_POINTER (seq));
  if (batch->lowest_handled == 0 || seq < batch->lowest_handled)
    batch->lowest_handled = seq;
}

static gboolean
batch_check_usable (LactdStoreBatch *batch, GError **error)
{
  if (batch->failure != NULL)
    {
      g_set_error (error, LACTD_STORE_ERROR, LACTD_STORE_ERROR_STORAGE,
                   "%s", batch->failure);
      return FALSE;
    }
  return TRUE;
}

LactdStoreBatch *
lactd_store_batch_begin (LactdStore *store, const char *address,
                         guint32 epoch, GError **error)
{
  LactdStoreBatch *batch;

  g_return_val_if_fail (store != NULL, NULL);
  if (!lactd_address_is_valid (address))
    {
      g_set_error (error, LACTD_STORE_ERROR, LACTD_STORE_ERROR_INVALID,
                   "Invalid Bluetooth address “%s”",
                   address ? address : "(null)");
      return NULL;
    }
  if (store->batch_open)
    {
      g_set_error (error, LACTD_STORE_ERROR, LACTD_STORE_ERROR_INVALID,
                   "Store %s: a batch is already open", store->path);
      return NULL;
    }
  if (!lactd_store_exec (store, "PRAGMA synchronous = FULL", error))
    return NULL;

  batch = g_new0 (LactdStoreBatch, 1);
  batch->store = store;
  g_strlcpy (batch->address, address, sizeof batch->address);
  batch->epoch = epoch;
  batch->stored_at = now_seconds ();
  batch->handled = g_hash_table_new (NULL, NULL);
  batch->stored = g_ptr_array_new_with_free_func (g_free);
  batch->rejected_rows = -1;
  store->batch_open = TRUE;

  if (!lactd_store_transaction_begin (store, error))
    {
      batch_free (batch);
      return NULL;
    }
  g_debug ("Batch for %s epoch %u begun", address, epoch);
  return batch;
}

static gboolean
find_by_key (LactdStoreBatch *batch, guint32 seq, LactdSession *existing,
             gboolean *found, GError **error)
{
  LactdStore *store = batch->store;
  sqlite3_stmt *stmt = lactd_store_stmt (store, STMT_SESSION_BY_KEY, error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, batch->address, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, batch->epoch);
  sqlite3_bind_int64 (stmt, 3, seq);
  rc = sqlite3_step (stmt);
  *found = rc == SQLITE_ROW;
  if (*found)
    lactd_store_read_session (stmt, 0, existing);
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      lactd_store_set_sqlite_error (store, error, rc, "looking up a record");
      return FALSE;
    }
  return TRUE;
}

static gboolean
store_conflict (LactdStoreBatch *batch, const LactdSession *session,
                GError **error)
{
  LactdStore *store = batch->store;
  sqlite3_stmt *stmt = lactd_store_stmt (store, STMT_CONFLICT_INSERT, error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, batch->address, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, batch->epoch);
  sqlite3_bind_int64 (stmt, 3, session->seq);
  bind_session_fields (stmt, 4, session, FALSE);
  sqlite3_bind_int64 (stmt, 15, batch->stored_at);
  return lactd_store_step_done (store, stmt, "keeping a conflicting record",
                                error);
}

gboolean
lactd_store_batch_add_session (LactdStoreBatch *batch, LactdSession *session,
                               LactdAddResult *result, GError **error)
{
  LactdSession existing;
  gboolean found = FALSE;
  gboolean inserted = FALSE;
  GError *local_error = NULL;

  g_return_val_if_fail (batch != NULL && session != NULL, FALSE);
  if (!batch_check_usable (batch, error))
    return FALSE;
  if (session->seq == 0)
    {
      g_set_error (error, LACTD_STORE_ERROR, LACTD_STORE_ERROR_INVALID,
                   "Invalid seq 0: a record's number is at least 1");
      return FALSE;
    }
  if (!lactd_session_validate (session, error))
    return invalid_from_model (error);

  session->from_sensor = TRUE;
  g_strlcpy (session->address, batch->address, sizeof session->address);
  session->epoch = batch->epoch;

  session->id = 0;
  if (!insert_session (batch->store, session, batch->stored_at, &inserted,
                       &local_error))
    goto fail;
  if (inserted)
    {
      g_ptr_array_add (batch->stored, g_memdup2 (session, sizeof *session));
      if (result != NULL)
        *result = LACTD_ADD_STORED;
      batch_note_handled (batch, session->seq);
      return TRUE;
    }

  if (!find_by_key (batch, session->seq, &existing, &found, &local_error))
    goto fail;
  if (!found)
    {
      /* The insert met a key that the lookup cannot see: impossible
       * unless the schema is broken. */
      g_set_error (&local_error, LACTD_STORE_ERROR,
                   LACTD_STORE_ERROR_STORAGE,
                   "Store %s: record %u neither stored nor found",
                   batch->store->path, session->seq);
      goto fail;
    }
  if (same_record (&existing, session))
    {
      session->id = existing.id;
      if (result != NULL)
        *result = LACTD_ADD_DUPLICATE;
      g_debug ("Batch %s/%u: seq %u already stored as session %" G_GUINT64_FORMAT,
               batch->address, batch->epoch, session->seq, existing.id);
    }
  else
    {
      if (!store_conflict (batch, session, &local_error))
        goto fail;
      session->id = 0;
      if (result != NULL)
        *result = LACTD_ADD_CONFLICT;
      g_warning ("Sensor %s epoch %u: record %u differs from the one "
                 "stored as session %" G_GUINT64_FORMAT "; kept aside",
                 batch->address, batch->epoch, session->seq, existing.id);
    }
  batch_note_handled (batch, session->seq);
  return TRUE;

fail:
  batch_note_failure (batch, local_error);
  g_propagate_error (error, local_error);
  return FALSE;
}

/* How many rejected records (address, epoch) already keeps: read once per
 * batch, then counted along. */
static gboolean
batch_rejected_rows (LactdStoreBatch *batch, gint64 *rows_out, GError **error)
{
  LactdStore *store = batch->store;
  sqlite3_stmt *stmt;
  int rc;

  if (batch->rejected_rows < 0)
    {
      stmt = lactd_store_stmt (store, STMT_REJECTED_COUNT_EPOCH, error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_text (stmt, 1, batch->address, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 2, batch->epoch);
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        batch->rejected_rows = sqlite3_column_int64 (stmt, 0);
      sqlite3_reset (stmt);
      if (rc != SQLITE_ROW)
        {
          lactd_store_set_sqlite_error (store, error, rc,
                                        "counting rejected records");
          return FALSE;
        }
    }
  *rows_out = batch->rejected_rows;
  return TRUE;
}

/* Adds one to the sensor's RejectedRecords. */
static gboolean
count_rejected (LactdStoreBatch *batch, GError **error)
{
  LactdStore *store = batch->store;
  sqlite3_stmt *stmt = lactd_store_stmt (store, STMT_SENSOR_ADD_REJECTED,
                                         error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, batch->address, -1, SQLITE_STATIC);
  if (!lactd_store_step_done (store, stmt, "counting a rejected record",
                              error))
    return FALSE;
  batch->rejected_count++;
  return TRUE;
}

/* Inserts the row of a rejected record (raw bytes NULL: kept without
 * them); *inserted is FALSE when its number already has one. */
static gboolean
insert_rejected (LactdStoreBatch *batch, guint32 seq, const guint8 *raw,
                 gsize raw_len, const char *reason_code,
                 const char *reason_message, gboolean *inserted,
                 GError **error)
{
  LactdStore *store = batch->store;
  sqlite3_stmt *stmt = lactd_store_stmt (store, STMT_REJECTED_INSERT, error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, batch->address, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, batch->epoch);
  sqlite3_bind_int64 (stmt, 3, seq);
  sqlite3_bind_blob64 (stmt, 4, raw ? (const void *) raw : "", raw_len,
                       SQLITE_STATIC);
  sqlite3_bind_text (stmt, 5, reason_code ? reason_code : "", -1,
                     SQLITE_STATIC);
  sqlite3_bind_text (stmt, 6, reason_message ? reason_message : "", -1,
                     SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 7, batch->stored_at);
  if (!lactd_store_step_done (store, stmt, "keeping a rejected record",
                              error))
    return FALSE;
  *inserted = sqlite3_changes (store->db) > 0;
  if (*inserted)
    batch->rejected_rows++;
  return TRUE;
}

/* Every rejected record counts in RejectedRecords (a readable number
 * once); rows are bounded: the first LACTD_STORE_REJECTED_RAW_MAX of an
 * epoch keep their raw bytes, a later readable one keeps a row without
 * them (its number must stay handled), a later unreadable one only
 * counts. */
gboolean
lactd_store_batch_add_rejected (LactdStoreBatch *batch, guint32 seq,
                                const guint8 *raw, gsize raw_len,
                                const char *reason_code,
                                const char *reason_message, GError **error)
{
  GError *local_error = NULL;
  gint64 rows = 0;
  gboolean inserted = TRUE;
  gboolean keep_raw;

  g_return_val_if_fail (batch != NULL, FALSE);
  g_return_val_if_fail (raw != NULL || raw_len == 0, FALSE);
  if (!batch_check_usable (batch, error))
    return FALSE;
  if (!batch_rejected_rows (batch, &rows, &local_error))
    goto fail;
  keep_raw = rows < LACTD_STORE_REJECTED_RAW_MAX;
  if (keep_raw || seq > 0)
    {
      g_autofree char *message = keep_raw ? NULL
        : g_strdup_printf ("%s (raw bytes not kept: more than %u rejected "
                           "records in this epoch)", reason_message,
                           LACTD_STORE_REJECTED_RAW_MAX);

      if (!insert_rejected (batch, seq, keep_raw ? raw : NULL,
                            keep_raw ? raw_len : 0, reason_code,
                            keep_raw ? reason_message : message, &inserted,
                            &local_error))
        goto fail;
    }
  if (inserted && !count_rejected (batch, &local_error))
    goto fail;
  if (inserted)
    g_debug ("Batch %s/%u: rejected record %u (%s)%s", batch->address,
             batch->epoch, seq, reason_code, keep_raw ? "" : ", counted only");
  if (seq > 0)
    batch_note_handled (batch, seq);
  return TRUE;

fail:
  batch_note_failure (batch, local_error);
  g_propagate_error (error, local_error);
  return FALSE;
}

static gboolean
durably_handled (LactdStoreBatch *batch, guint32 seq, gboolean *handled,
                 GError **error)
{
  LactdStore *store = batch->store;
  sqlite3_stmt *stmt = lactd_store_stmt (store, STMT_SEQ_HANDLED, error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, batch->address, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, batch->epoch);
  sqlite3_bind_int64 (stmt, 3, seq);
  rc = sqlite3_step (stmt);
  *handled = rc == SQLITE_ROW && sqlite3_column_int (stmt, 0) != 0;
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW)
    {
      lactd_store_set_sqlite_error (store, error, rc,
                                    "checking a handled number");
      return FALSE;
    }
  return TRUE;
}

/* From the lowest number this batch handled, the highest h with every
 * number up to it handled here or stored before. Runs inside the batch's
 * transaction, so the store's view includes this batch. */
static gboolean
compute_ack (LactdStoreBatch *batch, guint32 *ack_seq, GError **error)
{
  guint32 h = batch->lowest_handled;

  if (h == 0)
    {
      *ack_seq = 0;
      return TRUE;
    }
  while (h < G_MAXUINT32)
    {
      gboolean handled = g_hash_table_contains (batch->handled,
                                                GUINT_TO_POINTER (h + 1));
      if (!handled && !durably_handled (batch, h + 1, &handled, error))
        return FALSE;
      if (!handled)
        break;
      h++;
    }
  *ack_seq = h;
  return TRUE;
}

gboolean
lactd_store_batch_commit (LactdStoreBatch *batch, guint32 *ack_seq,
                          GError **error)
{
  LactdStore *store;
  guint32 ack = 0;
  GError *local_error = NULL;

  g_return_val_if_fail (batch != NULL, FALSE);
  store = batch->store;
  if (ack_seq != NULL)
    *ack_seq = 0;

  if (!batch_check_usable (batch, &local_error) ||
      lactd_store_take_injected_fault (store, LACTD_STORE_FAULT_BATCH_COMMIT,
                                       "committing a batch", &local_error) ||
      !compute_ack (batch, &ack, &local_error))
    {
      lactd_store_transaction_rollback (store);
      goto fail;
    }
  /* synchronous=FULL is in force: this COMMIT fsyncs the WAL. */
  if (!lactd_store_transaction_commit (store, &local_error))
    goto fail;

  g_debug ("Batch %s/%u committed: %u stored, %u rejected, ack %u",
           batch->address, batch->epoch, batch->stored->len,
           batch->rejected_count, ack);
  if (ack_seq != NULL)
    *ack_seq = ack;
  batch_free (batch);
  return TRUE;

fail:
  g_warning ("Batch %s/%u rolled back: %s", batch->address, batch->epoch,
             local_error->message);
  g_propagate_error (error, local_error);
  batch_free (batch);
  return FALSE;
}

void
lactd_store_batch_abort (LactdStoreBatch *batch)
{
  if (batch == NULL)
    return;
  g_debug ("Batch %s/%u aborted", batch->address, batch->epoch);
  lactd_store_transaction_rollback (batch->store);
  batch_free (batch);
}

GPtrArray *
lactd_store_batch_get_stored (LactdStoreBatch *batch)
{
  g_return_val_if_fail (batch != NULL, NULL);
  return batch->stored;
}

guint32
lactd_store_batch_get_rejected_count (LactdStoreBatch *batch)
{
  g_return_val_if_fail (batch != NULL, 0);
  return batch->rejected_count;
}

/* ----------------------------------------------------------- manual */

gboolean
lactd_store_add_manual (LactdStore *store, LactdSession *session, gint64 now,
                        GError **error)
{
  gboolean inserted = FALSE;

  g_return_val_if_fail (store != NULL && session != NULL, FALSE);

  if (!lactd_session_validate_manual (session, now, error))
    return invalid_from_model (error);

  session->address[0] = '\0';
  session->epoch = 0;
  session->seq = 0;
  if (!insert_session (store, session, now_seconds (), &inserted, error))
    return FALSE;
  g_debug ("Stored manual session %" G_GUINT64_FORMAT, session->id);
  return TRUE;
}

gboolean
lactd_store_delete_session (LactdStore *store, guint64 id, GError **error)
{
  sqlite3_stmt *stmt;

  g_return_val_if_fail (store != NULL, FALSE);
  stmt = lactd_store_stmt (store, STMT_SESSION_DELETE, error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, (sqlite3_int64) id);
  if (!lactd_store_step_done (store, stmt, "deleting a session", error))
    return FALSE;
  if (sqlite3_changes (store->db) == 0)
    {
      g_set_error (error, LACTD_STORE_ERROR, LACTD_STORE_ERROR_NOT_FOUND,
                   "No session %" G_GUINT64_FORMAT, id);
      return FALSE;
    }
  g_debug ("Deleted session %" G_GUINT64_FORMAT, id);
  return TRUE;
}

gboolean
lactd_store_get_session (LactdStore *store, guint64 id, LactdSession *out,
                         GError **error)
{
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (store != NULL && out != NULL, FALSE);
  stmt = lactd_store_stmt (store, STMT_SESSION_GET, error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, (sqlite3_int64) id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    lactd_store_read_session (stmt, 0, out);
  else if (rc == SQLITE_DONE)
    g_set_error (error, LACTD_STORE_ERROR, LACTD_STORE_ERROR_NOT_FOUND,
                 "No session %" G_GUINT64_FORMAT, id);
  else
    lactd_store_set_sqlite_error (store, error, rc, "reading a session");
  sqlite3_reset (stmt);
  return rc == SQLITE_ROW;
}
