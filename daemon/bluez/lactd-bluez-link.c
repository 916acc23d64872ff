/* lactd-bluez-link.c — LactdLink over BlueZ for one paired sensor.
 *
 * The sensor is found by address on any adapter (device paths embed hciN)
 * and is ready when Connected, ServicesResolved and the LSP
 * characteristics are found by UUID under its path. While it is away and
 * an adapter is powered, a backup Device1.Connect loop runs with
 * exponential backoff and jitter besides bluetoothd's own auto-connect
 * (our GattProfile1 claims the service): lactd-bluez-reconnect.c.
 * Notifications arrive as Value changes, subscribed before StartNotify and
 * re-armed after bluetoothd restarts. Every call to BlueZ has a timeout; a
 * GATT call that times out, or finds no GATT client on a link BlueZ shows
 * connected, takes the link down (not ready), to be disconnected and
 * connected again.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lactd-bluez"

#include "lactd-bluez-link-private.h"

#define CHARS_TIMEOUT_S 5
/* bluetoothd answers a GATT call within its 30 s ATT timeout, and a
 * Connect within the kernel's LE connection timeouts (20-40 s); these are
 * for the calls it never answers. */
#define GATT_CALL_TIMEOUT_MS 35000
#define CONNECT_TIMEOUT_MS 60000

G_DEFINE_TYPE (LactdBluezLink, lactd_bluez_link, LACTD_TYPE_LINK)

/* Without these the sensor is no LSP sensor; the rest are optional. */
static const LactdChar required[] = {
  LACTD_CHAR_FEATURES, LACTD_CHAR_LIVE_PROGRESS, LACTD_CHAR_SESSION_RECORD,
  LACTD_CHAR_RACP,
};

static gboolean
is_encrypted (LactdChar ch)
{
  return ch == LACTD_CHAR_LIVE_PROGRESS || ch == LACTD_CHAR_SESSION_RECORD
         || ch == LACTD_CHAR_RACP || ch == LACTD_CHAR_DEVICE_TIME;
}

static void
set_last_error (LactdBluezLink *self, const char *message)
{
  lactd_link_set_last_error (LACTD_LINK (self), message);
}

void
lactd_bluez_link_set_bond_lost (LactdBluezLink *self)
{
  g_autofree char *msg = g_strdup_printf (
      "bond lost: run `lactctl forget %s` then `lactctl pair %s`",
      link_address (self), link_address (self));

  set_last_error (self, msg);
}

/* Whether a BlueZ error means the sensor no longer has our keys. */
gboolean
lactd_bluez_means_bond_lost (const GError *error)
{
  g_autofree char *remote = g_dbus_error_get_remote_error (error);
  g_autofree char *lower = g_ascii_strdown (error->message, -1);

  return g_strcmp0 (remote, "org.bluez.Error.AuthenticationFailed") == 0
         || strstr (lower, "insufficient authentication") != NULL
         || strstr (lower, "insufficient encryption") != NULL
         || (g_strcmp0 (remote, "org.bluez.Error.NotPermitted") == 0
             && strstr (lower, "not paired") != NULL);
}

/* BlueZ's error, as a GIOError that keeps BlueZ's name in its message. */
static GError *
link_error (LactdBluezLink *self, LactdChar ch, const GError *error)
{
  g_autofree char *remote = g_dbus_error_get_remote_error (error);
  g_autoptr(GError) copy = g_error_copy (error);
  GIOErrorEnum code = G_IO_ERROR_FAILED;

  g_dbus_error_strip_remote_error (copy);
  if (is_encrypted (ch) && lactd_bluez_means_bond_lost (error))
    {
      lactd_bluez_link_set_bond_lost (self);
      code = G_IO_ERROR_PERMISSION_DENIED;
    }
  else if (g_strcmp0 (copy->message, "Not connected") == 0
           || g_strcmp0 (remote, "org.bluez.Error.NotConnected") == 0)
    code = G_IO_ERROR_NOT_CONNECTED;
  else if (g_ascii_strcasecmp (copy->message,
                               "Operation failed with ATT error: 0xfe") == 0)
    code = G_IO_ERROR_BUSY;   /* LSP: procedure already in progress */
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    code = G_IO_ERROR_CANCELLED;
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    code = G_IO_ERROR_TIMED_OUT;
  return g_error_new (G_IO_ERROR, code, "%s %s: %s%s%s%s",
                      link_address (self), lactd_char_name (ch), copy->message,
                      remote ? " (" : "", remote ? remote : "",
                      remote ? ")" : "");
}

/* ------------------------------------------------------ notifications */

typedef struct {
  GWeakRef link;
  LactdChar ch;
} ValueSub;

static void
value_sub_free (gpointer data)
{
  ValueSub *vs = data;

  g_weak_ref_clear (&vs->link);
  g_free (vs);
}

static void
on_value_changed (GDBusConnection *c, const char *sender, const char *path,
                  const char *iface, const char *signal, GVariant *params,
                  gpointer data)
{
  ValueSub *vs = data;
  g_autoptr(LactdBluezLink) self = g_weak_ref_get (&vs->link);
  g_autoptr(GVariant) changed = NULL;
  g_autoptr(GVariant) value = NULL;
  g_autoptr(GBytes) bytes = NULL;

  if (self == NULL)
    return;
  changed = g_variant_get_child_value (params, 1);
  value = g_variant_lookup_value (changed, "Value", G_VARIANT_TYPE_BYTESTRING);
  if (value == NULL)
    return;
  bytes = g_variant_get_data_as_bytes (value);
  lactd_link_emit_value (LACTD_LINK (self), vs->ch, bytes);
}

static void
unsubscribe_all (LactdBluezLink *self)
{
  GDBusConnection *bus = lactd_bluez_get_connection (self->bluez);

  for (guint i = 0; i < LACTD_N_CHARS; i++)
    {
      if (self->value_subs[i])
        g_dbus_connection_signal_unsubscribe (bus, self->value_subs[i]);
      self->value_subs[i] = 0;
      g_clear_pointer (&self->char_paths[i], g_free);
      self->armed[i] = FALSE;
    }
}

/* Subscribes to Value changes of ch's current object, before any
 * StartNotify (bluez-notes rule 3). */
static void
subscribe_value (LactdBluezLink *self, LactdChar ch)
{
  ValueSub *vs;

  if (self->value_subs[ch] || self->char_paths[ch] == NULL)
    return;
  vs = g_new0 (ValueSub, 1);
  g_weak_ref_init (&vs->link, self);
  vs->ch = ch;
  self->value_subs[ch] = g_dbus_connection_signal_subscribe (
      lactd_bluez_get_connection (self->bluez), BLUEZ_NAME, DBUS_PROPERTIES,
      "PropertiesChanged", self->char_paths[ch], BLUEZ_GATT_CHAR,
      G_DBUS_SIGNAL_FLAGS_NONE, on_value_changed, vs, value_sub_free);
}

/* ------------------------------------------------------------ GATT I/O */

typedef struct {
  LactdChar ch;
  gboolean notify;
  guint generation;   /* the link the call went out on */
} CallData;

/* Whether a call's failure means the link itself is broken: bluetoothd
 * never answered, or has no GATT client although the device still
 * counted as connected when the call went out. */
static gboolean
breaks_link (const GError *error)
{
  return g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT)
         || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED);
}

static void
gatt_call_done (GObject *source, GAsyncResult *res, gpointer data)
{
  g_autoptr(GTask) task = data;
  LactdBluezLink *self = g_task_get_source_object (task);
  CallData *cd = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = NULL;

  reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), res,
                                         &error);
  if (reply == NULL && cd->notify)
    {
      g_autofree char *remote = g_dbus_error_get_remote_error (error);
      /* InProgress: this connection is already subscribed. */
      if (g_strcmp0 (remote, "org.bluez.Error.InProgress") == 0)
        g_clear_error (&error);
    }
  if (error != NULL)
    {
      g_autoptr(GError) failure = link_error (self, cd->ch, error);
      gboolean broken = breaks_link (failure)
                        && cd->generation == self->generation;
      g_autofree char *why = g_strdup (failure->message);

      /* The caller hears of the failure first, then of the link going. */
      g_task_return_error (task, g_steal_pointer (&failure));
      if (broken)
        lactd_bluez_link_fault (self, why);
      return;
    }
  self->fault_backoff_s = 0;
  if (is_encrypted (cd->ch) &&
      g_str_has_prefix (lactd_link_get_last_error (LACTD_LINK (self)),
                        "bond lost"))
    set_last_error (self, NULL);
  if (cd->notify)
    {
      self->armed[cd->ch] = TRUE;
      g_task_return_boolean (task, TRUE);
    }
  else if (g_variant_is_of_type (reply, G_VARIANT_TYPE ("(ay)")))
    {
      g_autoptr(GVariant) value = g_variant_get_child_value (reply, 0);
      g_task_return_pointer (task, g_variant_get_data_as_bytes (value),
                             (GDestroyNotify) g_bytes_unref);
    }
  else
    g_task_return_boolean (task, TRUE);
}

static void
gatt_call (LactdBluezLink *self, LactdChar ch, const char *method,
           GVariant *params, const GVariantType *reply_type, gboolean notify,
           GCancellable *cancellable, GAsyncReadyCallback callback,
           gpointer user_data, gpointer tag)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  CallData *cd = g_new0 (CallData, 1);

  g_task_set_source_tag (task, tag);
  cd->ch = ch;
  cd->notify = notify;
  cd->generation = self->generation;
  g_task_set_task_data (task, cd, g_free);
  if (params)
    g_variant_ref_sink (params);
  if (!lactd_link_get_ready (LACTD_LINK (self)))
    g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED,
                             "%s is not connected", link_address (self));
  else if (self->char_paths[ch] == NULL)
    g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                             "%s has no %s characteristic",
                             link_address (self),
                             lactd_char_name (ch));
  else
    {
      if (notify)
        subscribe_value (self, ch);
      g_dbus_connection_call (lactd_bluez_get_connection (self->bluez),
                              BLUEZ_NAME, self->char_paths[ch],
                              BLUEZ_GATT_CHAR, method, params, reply_type,
                              G_DBUS_CALL_FLAGS_NONE, self->call_timeout_ms,
                              cancellable, gatt_call_done,
                              g_steal_pointer (&task));
    }
  if (params)
    g_variant_unref (params);
}

static void
link_read_async (LactdLink *link, LactdChar ch, GCancellable *cancellable,
                 GAsyncReadyCallback callback, gpointer user_data)
{
  GVariantBuilder options;

  g_variant_builder_init (&options, G_VARIANT_TYPE_VARDICT);
  gatt_call (LACTD_BLUEZ_LINK (link), ch, "ReadValue",
             g_variant_new ("(a{sv})", &options), G_VARIANT_TYPE ("(ay)"),
             FALSE, cancellable, callback, user_data, link_read_async);
}

static void
link_write_async (LactdLink *link, LactdChar ch, GBytes *value,
                  GCancellable *cancellable, GAsyncReadyCallback callback,
                  gpointer user_data)
{
  GVariantBuilder options;
  GVariant *bytes = g_variant_new_from_bytes (G_VARIANT_TYPE_BYTESTRING,
                                              value, TRUE);

  /* Write with response: the sensor's acknowledgement is the reply. */
  g_variant_builder_init (&options, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&options, "{sv}", "type",
                         g_variant_new_string ("request"));
  gatt_call (LACTD_BLUEZ_LINK (link), ch, "WriteValue",
             g_variant_new ("(@aya{sv})", bytes, &options), NULL, FALSE,
             cancellable, callback, user_data, link_write_async);
}

static void
link_start_notify_async (LactdLink *link, LactdChar ch,
                         GCancellable *cancellable,
                         GAsyncReadyCallback callback, gpointer user_data)
{
  LactdBluezLink *self = LACTD_BLUEZ_LINK (link);

  self->want_notify[ch] = TRUE;
  gatt_call (self, ch, "StartNotify", NULL, NULL, TRUE, cancellable,
             callback, user_data, link_start_notify_async);
}

/* Re-arms notifications lost with a bluetoothd restart. */
static void
rearm_done (GObject *source, GAsyncResult *res, gpointer data)
{
  g_autoptr(GError) error = NULL;

  if (!lactd_link_start_notify_finish (LACTD_LINK (source), res, &error)
      && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_debug ("re-arming notifications: %s", error->message);
}

/* ------------------------------------------------------------ state */

static gboolean
chars_timeout_cb (gpointer data)
{
  LactdBluezLink *self = data;

  self->chars_timeout_id = 0;
  self->chars_missing = TRUE;
  set_last_error (self, "the sensor does not offer the LSP service's "
                        "characteristics");
  return G_SOURCE_REMOVE;
}

static gboolean
find_chars (LactdBluezLink *self)
{
  for (guint i = 0; i < LACTD_N_CHARS; i++)
    {
      const char *path = lactd_bluez_find_char (self->bluez, self->device_path,
                                                lactd_char_uuid (i));
      if (g_strcmp0 (path, self->char_paths[i]) == 0)
        continue;
      /* A new object (re-resolved services): a new subscription. */
      if (self->value_subs[i])
        g_dbus_connection_signal_unsubscribe (
            lactd_bluez_get_connection (self->bluez), self->value_subs[i]);
      self->value_subs[i] = 0;
      self->armed[i] = FALSE;
      g_free (self->char_paths[i]);
      self->char_paths[i] = g_strdup (path);
    }
  for (guint i = 0; i < G_N_ELEMENTS (required); i++)
    if (self->char_paths[required[i]] == NULL)
      return FALSE;
  return TRUE;
}

void
lactd_bluez_link_evaluate (LactdBluezLink *self)
{
  LactdLink *link = LACTD_LINK (self);
  const char *path = NULL;
  gboolean connected, resolved, powered, ready = FALSE;

  if (lactd_bluez_is_present (self->bluez))
    path = lactd_bluez_find_device (self->bluez, link_address (self));
  if (g_strcmp0 (path, self->device_path) != 0)
    {
      g_debug ("%s: device object %s", link_address (self),
               path ? path : "gone");
      unsubscribe_all (self);
      g_free (self->device_path);
      self->device_path = g_strdup (path);
      self->wait_disconnect = FALSE;
      self->stale = FALSE;
      g_clear_handle_id (&self->stale_timer_id, g_source_remove);
    }
  if (path == NULL)
    {
      g_clear_handle_id (&self->retry_id, g_source_remove);
      g_clear_handle_id (&self->chars_timeout_id, g_source_remove);
      g_clear_handle_id (&self->resolve_timeout_id, g_source_remove);
      lactd_link_set_ready (link, FALSE);
      return;
    }
  {
    g_autofree char *name = lactd_bluez_dup_device_name (self->bluez,
                                                         link_address (self));
    if (name)
      lactd_link_set_name (link, name);
  }
  connected = lactd_bluez_get_bool (self->bluez, path, BLUEZ_DEVICE,
                                    "Connected");
  resolved = lactd_bluez_get_bool (self->bluez, path, BLUEZ_DEVICE,
                                   "ServicesResolved");
  powered = lactd_bluez_device_adapter_powered (self->bluez, path);
  if (!lactd_bluez_get_bool (self->bluez, path, BLUEZ_DEVICE, "Paired"))
    lactd_bluez_link_set_bond_lost (self);
  /* A broken link stays unused until it is down; the next one is new. */
  if (!connected)
    {
      self->stale = FALSE;
      g_clear_handle_id (&self->stale_timer_id, g_source_remove);
    }

  if (connected && resolved && !self->stale)
    {
      if (find_chars (self))
        {
          g_clear_handle_id (&self->chars_timeout_id, g_source_remove);
          if (self->chars_missing)
            set_last_error (self, NULL);
          self->chars_missing = FALSE;
          ready = TRUE;
        }
      else if (self->chars_timeout_id == 0 && !self->chars_missing)
        /* Objects may trail ServicesResolved: wait for InterfacesAdded. */
        self->chars_timeout_id = g_timeout_add_seconds (CHARS_TIMEOUT_S,
                                                        chars_timeout_cb,
                                                        self);
    }
  else
    {
      g_clear_handle_id (&self->chars_timeout_id, g_source_remove);
      self->chars_missing = FALSE;
    }

  if (connected && !resolved)
    {
      if (self->resolve_timeout_id == 0)
        self->resolve_timeout_id = g_timeout_add_seconds (
            RESOLVE_TIMEOUT_S, lactd_bluez_link_resolve_timeout_cb, self);
    }
  else
    g_clear_handle_id (&self->resolve_timeout_id, g_source_remove);

  if (connected && !self->stale)
    {
      self->backoff_s = BACKOFF_MIN_S;
      g_clear_handle_id (&self->retry_id, g_source_remove);
    }
  else
    {
      self->wait_disconnect = FALSE;
      if (!powered)
        g_clear_handle_id (&self->retry_id, g_source_remove);
      else if (!self->connecting)
        lactd_bluez_link_schedule_retry (self);
    }

  if (ready && !lactd_link_get_ready (link))
    {
      g_message ("%s: connected and ready", link_address (self));
      self->generation++;
      lactd_link_set_ready (link, TRUE);
      for (guint i = 0; i < LACTD_N_CHARS; i++)
        if (self->want_notify[i] && !self->armed[i])
          link_start_notify_async (link, i, self->cancellable, rearm_done,
                                   NULL);
    }
  else if (!ready && lactd_link_get_ready (link))
    {
      g_message ("%s: disconnected", link_address (self));
      lactd_link_set_ready (link, FALSE);
    }
}

static void
on_changed (LactdBluez *bluez, const char *path, const char *iface,
            gpointer data)
{
  LactdBluezLink *self = data;

  /* Only what can matter to this sensor: devices, adapters, and objects
   * under our device. */
  if (g_str_equal (iface, BLUEZ_DEVICE) || g_str_equal (iface, BLUEZ_ADAPTER)
      || (self->device_path && g_str_has_prefix (path, self->device_path)))
    lactd_bluez_link_evaluate (self);
}

static void
on_presence (LactdBluez *bluez, gboolean present, gpointer data)
{
  LactdBluezLink *self = data;

  if (!present)
    {
      /* Notify sessions die with bluetoothd: re-arm on the next one. */
      unsubscribe_all (self);
      self->connecting = FALSE;
      self->disconnecting = FALSE;
      self->stale = FALSE;
      g_clear_handle_id (&self->stale_timer_id, g_source_remove);
      g_cancellable_cancel (self->cancellable);
      g_object_unref (self->cancellable);
      self->cancellable = g_cancellable_new ();
    }
  lactd_bluez_link_evaluate (self);
}

static void
link_request_connect (LactdLink *link)
{
  LactdBluezLink *self = LACTD_BLUEZ_LINK (link);

  self->backoff_s = BACKOFF_MIN_S;
  g_clear_handle_id (&self->retry_id, g_source_remove);
  lactd_bluez_link_connect (self);
}

static void
on_resumed (LactdBluez *bluez, gpointer data)
{
  link_request_connect (data);
}

/* ------------------------------------------------------------ GObject */

static void
lactd_bluez_link_dispose (GObject *object)
{
  LactdBluezLink *self = LACTD_BLUEZ_LINK (object);

  if (self->bluez)
    {
      for (guint i = 0; i < G_N_ELEMENTS (self->handlers); i++)
        g_clear_signal_handler (&self->handlers[i], self->bluez);
      unsubscribe_all (self);
      lactd_bluez_remove_known (self->bluez, link_address (self));
    }
  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->retry_id, g_source_remove);
  g_clear_handle_id (&self->chars_timeout_id, g_source_remove);
  g_clear_handle_id (&self->resolve_timeout_id, g_source_remove);
  g_clear_handle_id (&self->stale_timer_id, g_source_remove);
  g_clear_object (&self->bluez);
  G_OBJECT_CLASS (lactd_bluez_link_parent_class)->dispose (object);
}

static void
lactd_bluez_link_finalize (GObject *object)
{
  LactdBluezLink *self = LACTD_BLUEZ_LINK (object);

  g_clear_object (&self->cancellable);
  g_free (self->device_path);
  G_OBJECT_CLASS (lactd_bluez_link_parent_class)->finalize (object);
}

static void
lactd_bluez_link_class_init (LactdBluezLinkClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  LactdLinkClass *link_class = LACTD_LINK_CLASS (klass);

  object_class->dispose = lactd_bluez_link_dispose;
  object_class->finalize = lactd_bluez_link_finalize;
  link_class->read_async = link_read_async;
  link_class->write_async = link_write_async;
  link_class->start_notify_async = link_start_notify_async;
  link_class->request_connect = link_request_connect;
}

static void
lactd_bluez_link_init (LactdBluezLink *self)
{
  self->backoff_s = BACKOFF_MIN_S;
  self->call_timeout_ms = GATT_CALL_TIMEOUT_MS;
  self->connect_timeout_ms = CONNECT_TIMEOUT_MS;
  self->cancellable = g_cancellable_new ();
}

LactdBluezLink *
lactd_bluez_link_new (LactdBluez *bluez, const char *addr)
{
  g_autofree char *up = g_ascii_strup (addr, -1);
  const char *timeout_env = g_getenv ("LACTD_BLUEZ_TIMEOUT_MS");
  LactdBluezLink *self = g_object_new (LACTD_TYPE_BLUEZ_LINK, "address", up,
                                       NULL);

  self->bluez = g_object_ref (bluez);
  /* For tests of calls that never answer (docs/architecture.md). */
  if (timeout_env != NULL)
    {
      guint64 ms = g_ascii_strtoull (timeout_env, NULL, 10);

      if (ms > 0 && ms <= G_MAXINT)
        lactd_bluez_link_set_timeouts (self, (guint) ms, (guint) ms);
    }
  lactd_bluez_add_known (bluez, up);
  self->handlers[0] = g_signal_connect (bluez, "changed",
                                        G_CALLBACK (on_changed), self);
  self->handlers[1] = g_signal_connect (bluez, "presence-changed",
                                        G_CALLBACK (on_presence), self);
  self->handlers[2] = g_signal_connect (bluez, "resumed",
                                        G_CALLBACK (on_resumed), self);
  /* Adopts a sensor that is already connected, or starts trying. */
  lactd_bluez_link_evaluate (self);
  return self;
}

void
lactd_bluez_link_set_timeouts (LactdBluezLink *self, guint call_ms,
                               guint connect_ms)
{
  g_return_if_fail (LACTD_IS_BLUEZ_LINK (self));
  self->call_timeout_ms = MAX (call_ms, 1u);
  self->connect_timeout_ms = MAX (connect_ms, 1u);
}
