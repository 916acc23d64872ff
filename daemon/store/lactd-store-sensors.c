/* lactd-store-sensors.c — paired sensors, their record epochs and the
 * bookkeeping of the sync procedure (lsp-v1 steps 2, 4 and 7).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lactd-store"

#include "config.h"

#include <string.h>

#include "lactd-store-private.h"

static gboolean
check_address (const char *address, GError **error)
{
  if (!lactd_address_is_valid (address))
    {
      g_set_error (error, LACTD_STORE_ERROR, LACTD_STORE_ERROR_INVALID,
                   "Invalid Bluetooth address “%s”: expected "
                   "XX:XX:XX:XX:XX:XX", address ? address : "(null)");
      return FALSE;
    }
  return TRUE;
}

/* Runs an UPDATE of one sensor row; NOT_FOUND when there is none. */
static gboolean
update_sensor (LactdStore *store, sqlite3_stmt *stmt, const char *address,
               const char *what, GError **error)
{
  if (!lactd_store_step_done (store, stmt, what, error))
    return FALSE;
  if (sqlite3_changes (store->db) == 0)
    {
      g_set_error (error, LACTD_STORE_ERROR, LACTD_STORE_ERROR_NOT_FOUND,
                   "No sensor %s is paired", address);
      return FALSE;
    }
  return TRUE;
}

gboolean
lactd_store_remember_sensor (LactdStore *store, const char *address,
                             const char *name, const char *kind,
                             GError **error)
{
  sqlite3_stmt *stmt;

  g_return_val_if_fail (store != NULL, FALSE);
  if (!check_address (address, error))
    return FALSE;
  if (kind == NULL)
    kind = LACTD_SENSOR_KIND_UNKNOWN;
  if (!lactd_sensor_kind_is_valid (kind))
    {
      g_set_error (error, LACTD_STORE_ERROR, LACTD_STORE_ERROR_INVALID,
                   "Invalid sensor kind “%s”: expected pump, sns or unknown",
                   kind);
      return FALSE;
    }
  stmt = lactd_store_stmt (store, STMT_SENSOR_UPSERT, error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, address, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, name ? name : "", -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, kind, -1, SQLITE_STATIC);
  g_debug ("Remembering sensor %s (%s, %s)", address, name, kind);
  return lactd_store_step_done (store, stmt, "remembering a sensor", error);
}

gboolean
lactd_store_forget_sensor (LactdStore *store, const char *address,
                           GError **error)
{
  sqlite3_stmt *stmt;

  g_return_val_if_fail (store != NULL && address != NULL, FALSE);
  stmt = lactd_store_stmt (store, STMT_SENSOR_DELETE, error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, address, -1, SQLITE_STATIC);
  /* Its epochs go with it (ON DELETE CASCADE); its sessions stay. */
  g_debug ("Forgetting sensor %s", address);
  return update_sensor (store, stmt, address, "forgetting a sensor", error);
}

static char *
dup_column_text (sqlite3_stmt *stmt, int column)
{
  const char *text = (const char *) sqlite3_column_text (stmt, column);
  return g_strdup (text ? text : "");
}

static LactdSensorRow *
read_sensor_row (sqlite3_stmt *stmt)
{
  LactdSensorRow *row = g_new0 (LactdSensorRow, 1);
  const char *address = (const char *) sqlite3_column_text (stmt, 0);

  g_strlcpy (row->address, address ? address : "", sizeof row->address);
  row->name = dup_column_text (stmt, 1);
  row->kind = dup_column_text (stmt, 2);
  row->model = dup_column_text (stmt, 3);
  row->firmware = dup_column_text (stmt, 4);
  row->epoch = (guint32) sqlite3_column_int64 (stmt, 5);
  row->epoch_known = sqlite3_column_int (stmt, 6) != 0;
  row->acknowledged_seq = (guint32) sqlite3_column_int64 (stmt, 7);
  row->last_seen = sqlite3_column_int64 (stmt, 8);
  row->last_sync = sqlite3_column_int64 (stmt, 9);
  row->rejected_records = (guint32) sqlite3_column_int64 (stmt, 10);
  row->lost_records = (guint32) sqlite3_column_int64 (stmt, 11);
  return row;
}

GPtrArray *
lactd_store_list_sensors (LactdStore *store, GError **error)
{
  g_autoptr(GPtrArray) rows = NULL;
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (store != NULL, NULL);
  stmt = lactd_store_stmt (store, STMT_SENSOR_LIST, error);
  if (stmt == NULL)
    return NULL;
  rows = g_ptr_array_new_with_free_func ((GDestroyNotify) lactd_sensor_row_free);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (rows, read_sensor_row (stmt));
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      lactd_store_set_sqlite_error (store, error, rc, "listing sensors");
      return NULL;
    }
  return g_steal_pointer (&rows);
}

LactdSensorRow *
lactd_store_get_sensor (LactdStore *store, const char *address,
                        GError **error)
{
  LactdSensorRow *row = NULL;
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (store != NULL && address != NULL, NULL);
  stmt = lactd_store_stmt (store, STMT_SENSOR_GET, error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, address, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    row = read_sensor_row (stmt);
  else if (rc == SQLITE_DONE)
    g_set_error (error, LACTD_STORE_ERROR, LACTD_STORE_ERROR_NOT_FOUND,
                 "No sensor %s is paired", address);
  else
    lactd_store_set_sqlite_error (store, error, rc, "reading a sensor");
  sqlite3_reset (stmt);
  return row;
}

gboolean
lactd_store_update_sensor_info (LactdStore *store, const char *address,
                                const char *model, const char *firmware,
                                GError **error)
{
  sqlite3_stmt *stmt;

  g_return_val_if_fail (store != NULL && address != NULL, FALSE);
  stmt = lactd_store_stmt (store, STMT_SENSOR_INFO, error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, address, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, model ? model : "", -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, firmware ? firmware : "", -1, SQLITE_STATIC);
  return update_sensor (store, stmt, address, "updating sensor information",
                        error);
}

static gboolean
set_sensor_time (LactdStore *store, LactdStoreStmt which,
                 const char *address, gint64 when, GError **error)
{
  sqlite3_stmt *stmt;

  g_return_val_if_fail (store != NULL && address != NULL, FALSE);
  stmt = lactd_store_stmt (store, which, error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, address, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, when);
  return update_sensor (store, stmt, address, "updating a sensor", error);
}

gboolean
lactd_store_touch_sensor (LactdStore *store, const char *address,
                          gint64 last_seen, GError **error)
{
  return set_sensor_time (store, STMT_SENSOR_TOUCH, address, last_seen,
                          error);
}

gboolean
lactd_store_set_last_sync (LactdStore *store, const char *address,
                           gint64 last_sync, GError **error)
{
  return set_sensor_time (store, STMT_SENSOR_LAST_SYNC, address, last_sync,
                          error);
}

gboolean
lactd_store_set_sensor_epoch (LactdStore *store, const char *address,
                              guint32 epoch, GError **error)
{
  sqlite3_stmt *stmt;

  g_return_val_if_fail (store != NULL && address != NULL, FALSE);
  if (!lactd_store_transaction_begin (store, error))
    return FALSE;
  stmt = lactd_store_stmt (store, STMT_SENSOR_EPOCH, error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_text (stmt, 1, address, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, epoch);
  if (!update_sensor (store, stmt, address, "setting the record epoch",
                      error))
    goto fail;
  /* A new epoch's row starts at 0; a known one keeps its value. */
  stmt = lactd_store_stmt (store, STMT_EPOCH_ENSURE, error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_text (stmt, 1, address, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, epoch);
  if (!lactd_store_step_done (store, stmt, "setting the record epoch", error))
    goto fail;
  g_debug ("Sensor %s: record epoch %u", address, epoch);
  return lactd_store_transaction_commit (store, error);

fail:
  lactd_store_transaction_rollback (store);
  return FALSE;
}

gboolean
lactd_store_set_acknowledged (LactdStore *store, const char *address,
                              guint32 epoch, guint32 seq, GError **error)
{
  sqlite3_stmt *stmt;
  g_autoptr(LactdSensorRow) sensor = NULL;

  g_return_val_if_fail (store != NULL && address != NULL, FALSE);
  sensor = lactd_store_get_sensor (store, address, error);
  if (sensor == NULL)
    return FALSE;
  stmt = lactd_store_stmt (store, STMT_EPOCH_ACK, error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, address, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, epoch);
  sqlite3_bind_int64 (stmt, 3, seq);
  g_debug ("Sensor %s: acknowledged %u in epoch %u", address, seq, epoch);
  return lactd_store_step_done (store, stmt, "remembering an acknowledgement",
                                error);
}

gboolean
lactd_store_take_injected_fault (LactdStore *store, LactdStoreFault fault,
                                 const char *what, GError **error)
{
  if (store->injected_faults[fault] == 0)
    return FALSE;
  store->injected_faults[fault]--;
  g_set_error (error, LACTD_STORE_ERROR, LACTD_STORE_ERROR_STORAGE,
               "Store %s: %s failed: disk I/O error (injected)", store->path,
               what);
  return TRUE;
}

void
lactd_store_inject_fault (LactdStore *store, LactdStoreFault fault, guint n)
{
  g_return_if_fail (store != NULL && fault < LACTD_STORE_N_FAULTS);
  store->injected_faults[fault] = n;
}

/* Runs a one-row, one-integer query (a missing row reads 0). */
static gboolean
query_uint (LactdStore *store, sqlite3_stmt *stmt, const char *what,
            guint32 *value_out, GError **error)
{
  int rc = sqlite3_step (stmt);

  *value_out = rc == SQLITE_ROW ? (guint32) sqlite3_column_int64 (stmt, 0) : 0;
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    lactd_store_set_sqlite_error (store, error, rc, what);
  sqlite3_reset (stmt);
  return rc == SQLITE_ROW || rc == SQLITE_DONE;
}

/* Binds (address, epoch) to a statement of the acknowledgement path;
 * NULL with error set when it cannot be prepared or a fault is injected. */
static sqlite3_stmt *
epoch_query (LactdStore *store, LactdStoreStmt which, LactdStoreFault fault,
             const char *address, guint32 epoch, const char *what,
             GError **error)
{
  sqlite3_stmt *stmt;

  if (lactd_store_take_injected_fault (store, fault, what, error))
    return NULL;
  stmt = lactd_store_stmt (store, which, error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, address, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, epoch);
  return stmt;
}

gboolean
lactd_store_get_acknowledged (LactdStore *store, const char *address,
                              guint32 epoch, guint32 *seq_out,
                              GError **error)
{
  const char *what = "reading the acknowledged number";
  sqlite3_stmt *stmt;

  g_return_val_if_fail (store != NULL && address != NULL, FALSE);
  g_return_val_if_fail (seq_out != NULL, FALSE);
  *seq_out = 0;
  stmt = epoch_query (store, STMT_EPOCH_GET_ACK,
                      LACTD_STORE_FAULT_READ_ACKNOWLEDGED, address, epoch,
                      what, error);
  return stmt != NULL && query_uint (store, stmt, what, seq_out, error);
}

gboolean
lactd_store_add_lost_records (LactdStore *store, const char *address,
                              guint32 count, GError **error)
{
  sqlite3_stmt *stmt;

  g_return_val_if_fail (store != NULL && address != NULL, FALSE);
  stmt = lactd_store_stmt (store, STMT_SENSOR_ADD_LOST, error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, address, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, count);
  if (count > 0)
    g_debug ("Sensor %s: %u records lost on the sensor", address, count);
  return update_sensor (store, stmt, address, "counting lost records", error);
}

gboolean
lactd_store_highest_seq (LactdStore *store, const char *address,
                         guint32 epoch, guint32 *seq_out, GError **error)
{
  const char *what = "reading the highest number";
  sqlite3_stmt *stmt;

  g_return_val_if_fail (store != NULL && address != NULL, FALSE);
  g_return_val_if_fail (seq_out != NULL, FALSE);
  *seq_out = 0;
  stmt = epoch_query (store, STMT_HIGHEST_SEQ, LACTD_STORE_FAULT_READ_HIGHEST,
                      address, epoch, what, error);
  return stmt != NULL && query_uint (store, stmt, what, seq_out, error);
}

gboolean
lactd_store_count_unhandled (LactdStore *store, const char *address,
                             guint32 epoch, guint32 first, guint32 last,
                             guint32 *count_out, GError **error)
{
  const char *what = "counting handled numbers";
  sqlite3_stmt *stmt;
  guint32 handled;

  g_return_val_if_fail (store != NULL && address != NULL, FALSE);
  g_return_val_if_fail (count_out != NULL, FALSE);
  *count_out = 0;
  first = MAX (first, 1);  /* 0 is never a record's number */
  if (first > last)
    return TRUE;
  stmt = epoch_query (store, STMT_COUNT_HANDLED_RANGE,
                      LACTD_STORE_FAULT_COUNT_UNHANDLED, address, epoch, what,
                      error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 3, first);
  sqlite3_bind_int64 (stmt, 4, last);
  /* A failed read is an error, never "nothing missing": the caller is
   * about to delete on the sensor on the strength of this answer. */
  if (!query_uint (store, stmt, what, &handled, error))
    return FALSE;
  *count_out = (last - first + 1) - MIN (handled, last - first + 1);
  return TRUE;
}
