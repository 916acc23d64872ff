/* mqtt-sessions.c — the session outbox.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lactd-mqtt"

#include "config.h"

#include "mqtt-json.h"
#include "mqtt-mark.h"
#include "mqtt-sessions.h"

#define EPOCH_2000         G_GINT64_CONSTANT (946684800)
#define HORIZON_AHEAD      (2 * 86400)
#define SPAN_FIRST         (30 * 86400)
#define SPAN_MAX           (G_GINT64_CONSTANT (100) * 365 * 86400)
#define FEW_SESSIONS       1000   /* a reply this small doubles the span */
#define RESCAN_SECONDS     10
#define INVALID_ARGS       "org.lactd.Error.InvalidArgs"

typedef struct {
  int mid;
  guint64 id;
  gboolean acked;
} Inflight;

struct _LactdMqttSessions {
  LactdMqttLink *link;
  char *topic;
  char *mark_path;
  guint64 mark;             /* acknowledged with everything before it */
  guint64 saved_mark;       /* what the file holds */
  guint64 sent_max;         /* the highest id handed to libmosquitto */
  GTree *pending;           /* id (guint64 *) → session a{sv} */
  GQueue inflight;          /* Inflight *, in publish order */
  guint save_id;

  /* The scan of lactd's history. */
  LactdHistory1 *history;
  GCancellable *cancellable;
  gboolean scanning;
  gint64 cursor;            /* the next range starts here */
  gint64 range_to;          /* the range asked for */
  gint64 horizon;
  gint64 span;
  guint found;
  guint rescan_id;
};

static void scan_request (LactdMqttSessions *self);

static gint
compare_ids (gconstpointer a, gconstpointer b, gpointer data)
{
  guint64 x = *(const guint64 *) a, y = *(const guint64 *) b;

  return x < y ? -1 : x > y;
}

static void
queue_session (LactdMqttSessions *self, GVariant *session)
{
  guint64 id;

  if (!g_variant_lookup (session, "id", "t", &id))
    {
      g_warning ("A session without an id: not published");
      return;
    }
  g_tree_replace (self->pending, g_memdup2 (&id, sizeof id), g_variant_ref (session));
}

/* ------------------------------------------------------------ marks */

static gboolean
save_mark_cb (gpointer user_data)
{
  LactdMqttSessions *self = user_data;
  g_autoptr(GError) error = NULL;
  guint64 mark = self->mark;

  self->save_id = 0;
  if (!lactd_mqtt_mark_save (self->mark_path, mark, &error))
    g_warning ("Cannot save the published-session mark %" G_GUINT64_FORMAT ": %s",
               mark, error->message);
  else
    {
      self->saved_mark = mark;
      g_debug ("Mark %" G_GUINT64_FORMAT " saved", mark);
    }
  return G_SOURCE_REMOVE;
}

gboolean
lactd_mqtt_sessions_acked (LactdMqttSessions *self, int mid)
{
  Inflight *entry = NULL;

  for (GList *l = self->inflight.head; l != NULL; l = l->next)
    if (((Inflight *) l->data)->mid == mid)
      entry = l->data;
  if (entry == NULL)
    return FALSE;
  entry->acked = TRUE;
  /* The mark moves over the acknowledged head only: never past a
   * message still unacknowledged. */
  while (!g_queue_is_empty (&self->inflight) &&
         ((Inflight *) g_queue_peek_head (&self->inflight))->acked)
    {
      g_autofree Inflight *head = g_queue_pop_head (&self->inflight);
      self->mark = MAX (self->mark, head->id);
    }
  if (self->mark != self->saved_mark && self->save_id == 0)
    self->save_id = g_idle_add (save_mark_cb, self);
  lactd_mqtt_sessions_flush (self);
  return TRUE;
}

/* --------------------------------------------------------- publish */

static gboolean
publish_first (LactdMqttSessions *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *payload = NULL;
  GTreeNode *first = g_tree_node_first (self->pending);
  guint64 id = *(guint64 *) g_tree_node_key (first);
  Inflight *entry;
  int mid = 0;

  payload = lactd_mqtt_session_json (g_tree_node_value (first));
  if (!lactd_mqtt_link_publish_text (self->link, self->topic, payload, 1, FALSE,
                                     &mid, &error))
    {
      g_debug ("Session %" G_GUINT64_FORMAT " waits: %s", id, error->message);
      return FALSE;
    }
  g_debug ("Session %" G_GUINT64_FORMAT " published (mid %d)", id, mid);
  entry = g_new0 (Inflight, 1);
  entry->mid = mid;
  entry->id = id;
  g_queue_push_tail (&self->inflight, entry);
  self->sent_max = MAX (self->sent_max, id);
  g_tree_remove (self->pending, &id);
  return TRUE;
}

void
lactd_mqtt_sessions_flush (LactdMqttSessions *self)
{
  if (self->scanning)
    return;
  while (g_tree_nnodes (self->pending) > 0 &&
         self->inflight.length < LACTD_MQTT_SESSIONS_WINDOW &&
         lactd_mqtt_link_is_connected (self->link))
    if (!publish_first (self))
      break;
}

void
lactd_mqtt_sessions_added (LactdMqttSessions *self, GVariant *session)
{
  /* A signal is only sent for a session just stored: it is queued without
   * comparing its id with the mark (the store never reuses an id, and a
   * scan that already queued it is replaced by the same session). */
  queue_session (self, session);
  lactd_mqtt_sessions_flush (self);
}

/* ------------------------------------------------------------- scan */

static gboolean
rescan_cb (gpointer user_data)
{
  LactdMqttSessions *self = user_data;

  self->rescan_id = 0;
  if (self->history != NULL)
    {
      LactdHistory1 *history = g_object_ref (self->history);
      lactd_mqtt_sessions_follow (self, history);
      g_object_unref (history);
    }
  return G_SOURCE_REMOVE;
}

static void
scan_finish (LactdMqttSessions *self)
{
  self->scanning = FALSE;
  g_clear_object (&self->cancellable);
  g_message ("History read: %u sessions after %" G_GUINT64_FORMAT
               " to publish", g_tree_nnodes (self->pending), self->sent_max);
  lactd_mqtt_sessions_flush (self);
}

/* The end of the next range from the cursor: everything before 2000 at
 * once, then spans that grow while replies stay small, then everything
 * after the horizon. */
static gint64
scan_next_to (LactdMqttSessions *self)
{
  if (self->cursor < EPOCH_2000)
    return EPOCH_2000;
  if (self->cursor < self->horizon)
    return self->cursor + MIN (self->span, self->horizon - self->cursor);
  return G_MAXINT64;
}

static gboolean
scan_take_reply (LactdMqttSessions *self, GVariant *sessions)
{
  GVariantIter iter;
  GVariant *session;
  gsize n = g_variant_n_children (sessions);

  g_variant_iter_init (&iter, sessions);
  while ((session = g_variant_iter_next_value (&iter)) != NULL)
    {
      guint64 id = 0;

      if (g_variant_lookup (session, "id", "t", &id) && id > self->sent_max)
        {
          queue_session (self, session);
          self->found++;
        }
      g_variant_unref (session);
    }
  if (self->cursor >= EPOCH_2000 && n < FEW_SESSIONS)
    self->span = MIN (self->span * 2, SPAN_MAX);
  if (self->range_to == G_MAXINT64)
    return FALSE;
  self->cursor = self->range_to;
  return TRUE;
}

/* An InvalidArgs for a range that holds more than one reply may carry:
 * halve it. */
static gboolean
scan_narrow (LactdMqttSessions *self, const GError *error)
{
  g_autofree char *remote = g_dbus_error_get_remote_error (error);
  gint64 half;

  if (remote == NULL || !g_str_equal (remote, INVALID_ARGS) ||
      self->range_to - 1 <= self->cursor)
    return FALSE;
  half = self->range_to / 2 - self->cursor / 2;
  self->range_to = self->cursor + MAX (half, 1);
  if (self->cursor >= EPOCH_2000)
    self->span = MAX (self->range_to - self->cursor, 1);
  g_debug ("Range too large, narrowed: %s", error->message);
  return TRUE;
}

static void
on_list_sessions (GObject *source, GAsyncResult *result, gpointer user_data)
{
  LactdMqttSessions *self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) sessions = NULL;

  if (!lactd_history1_call_list_sessions_finish (LACTD_HISTORY1 (source), &sessions,
                                                 result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      if (scan_narrow (self, error))
        {
          scan_request (self);
          return;
        }
      g_dbus_error_strip_remote_error (error);
      g_warning ("Reading lactd's history failed (%s); again in %d s",
                 error->message, RESCAN_SECONDS);
      /* Publishing stays held until a full read. */
      g_clear_object (&self->cancellable);
      self->rescan_id = g_timeout_add_seconds (RESCAN_SECONDS, rescan_cb, self);
      return;
    }
  if (!scan_take_reply (self, sessions))
    {
      scan_finish (self);
      return;
    }
  self->range_to = scan_next_to (self);
  scan_request (self);
}

static void
scan_request (LactdMqttSessions *self)
{
  g_debug ("ListSessions(%" G_GINT64_FORMAT ", %" G_GINT64_FORMAT ")",
           self->cursor, self->range_to);
  lactd_history1_call_list_sessions (self->history, self->cursor, self->range_to,
                                     self->cancellable, on_list_sessions, self);
}

void
lactd_mqtt_sessions_follow (LactdMqttSessions *self, LactdHistory1 *history)
{
  g_clear_handle_id (&self->rescan_id, g_source_remove);
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_set_object (&self->history, history);
  if (history == NULL)
    {
      /* What was queued from signals is stored: it still goes out, after
       * the next full read of the history. */
      self->scanning = TRUE;
      return;
    }
  self->scanning = TRUE;
  self->cancellable = g_cancellable_new ();
  self->cursor = G_MININT64;
  self->horizon = g_get_real_time () / G_USEC_PER_SEC + HORIZON_AHEAD;
  self->span = SPAN_FIRST;
  self->found = 0;
  self->range_to = scan_next_to (self);
  scan_request (self);
}

/* ------------------------------------------------------------ setup */

LactdMqttSessions *
lactd_mqtt_sessions_new (LactdMqttLink *link, const char *topic,
                         const char *mark_path, guint64 mark)
{
  LactdMqttSessions *self = g_new0 (LactdMqttSessions, 1);

  self->link = link;
  self->topic = g_strdup (topic);
  self->mark_path = g_strdup (mark_path);
  self->mark = self->saved_mark = self->sent_max = mark;
  self->pending = g_tree_new_full (compare_ids, NULL, g_free,
                                   (GDestroyNotify) g_variant_unref);
  g_queue_init (&self->inflight);
  /* Nothing is published before lactd's history has been read once. */
  self->scanning = TRUE;
  return self;
}

void
lactd_mqtt_sessions_free (LactdMqttSessions *self)
{
  if (self == NULL)
    return;
  if (self->save_id != 0)
    {
      g_source_remove (self->save_id);
      save_mark_cb (self);
    }
  g_clear_handle_id (&self->rescan_id, g_source_remove);
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->history);
  g_queue_clear_full (&self->inflight, g_free);
  g_tree_unref (self->pending);
  g_free (self->topic);
  g_free (self->mark_path);
  g_free (self);
}

guint64
lactd_mqtt_sessions_get_mark (LactdMqttSessions *self)
{
  return self->mark;
}

guint
lactd_mqtt_sessions_get_backlog (LactdMqttSessions *self)
{
  return (guint) g_tree_nnodes (self->pending) + self->inflight.length;
}
