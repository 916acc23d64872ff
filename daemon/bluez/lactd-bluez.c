/* lactd-bluez.c — following BlueZ: the org.bluez name owner, its objects
 * (through ObjectManager, subscribed before GetManagedObjects), adapter
 * power and the resulting Manager1.BluetoothState, plus suspend/resume.
 * Discovery, pairing and forgetting are in lactd-bluez-pair.c.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lactd-bluez"

#include "lactd-bluez-private.h"
#include "lactd-bluez-pair.h"
#include "lactd-text.h"

#define INIT_TIMEOUT_MS 2000
/* GetManagedObjects: its timeout, and the pause before asking again. */
#define OBJECTS_TIMEOUT_MS 10000
#define OBJECTS_RETRY_S 2

struct _LactdBluez {
  GObject parent_instance;

  GDBusConnection *bus;
  guint watch_id;
  guint subs[4];
  gboolean present;
  char *owner;                 /* unique name of org.bluez's owner */
  GCancellable *cancellable;   /* calls of the current org.bluez owner */

  /* path → (iface → (prop → GVariant)) */
  GHashTable *objects;
  const char *state;
  GHashTable *known;           /* addresses with a link */
  LactdBluezExports *exports;
  LactdBluezPairing *pairing;  /* discovery and pairing state */

  GTask *init_task;
  guint init_timeout;
  GSource *init_cancelled;     /* the init task's cancellable */
  guint objects_retry;         /* GetManagedObjects again after a failure */
};

/* path → (iface → (prop → GVariant)), for lactd-bluez-objects.c. */
GHashTable *
lactd_bluez_get_objects (LactdBluez *self)
{
  return self->objects;
}

G_DEFINE_TYPE_WITH_CODE (LactdBluez, lactd_bluez, G_TYPE_OBJECT,
                         G_IMPLEMENT_INTERFACE (LACTD_TYPE_TRANSPORT,
                             lactd_bluez_transport_iface_init))

enum { PROP_0, PROP_STATE, N_PROPS };

enum { SIG_CHANGED, SIG_PRESENCE, SIG_RESUMED, N_SIGS };
static guint signals[N_SIGS];

/* ---------------------------------------------------------- the cache */
/* Its queries are in lactd-bluez-objects.c. */

static GHashTable *
new_prop_table (void)
{
  return g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                (GDestroyNotify) g_variant_unref);
}

static void
cache_merge (GHashTable *table, GVariant *dict)
{
  GVariantIter it;
  const char *k;
  GVariant *v;

  g_variant_iter_init (&it, dict);
  while (g_variant_iter_next (&it, "{&sv}", &k, &v))
    g_hash_table_insert (table, g_strdup (k), v);
}

/* ---------------------------------------------------------- the state */

static void
update_state (LactdBluez *self)
{
  const char *state = LACTD_TRANSPORT_STATE_NO_BLUEZ;

  if (self->present)
    {
      GHashTableIter it;
      gpointer k, v;
      gboolean any = FALSE, powered = FALSE;

      g_hash_table_iter_init (&it, self->objects);
      while (g_hash_table_iter_next (&it, &k, &v))
        if (g_hash_table_contains (v, BLUEZ_ADAPTER))
          {
            any = TRUE;
            powered |= lactd_bluez_get_bool (self, k, BLUEZ_ADAPTER,
                                             "Powered");
          }
      state = !any ? LACTD_TRANSPORT_STATE_NO_ADAPTER
              : powered ? LACTD_TRANSPORT_STATE_READY : LACTD_TRANSPORT_STATE_OFF;
    }
  if (g_strcmp0 (state, self->state) == 0)
    return;
  self->state = state;
  g_message ("Bluetooth state: %s", state);
  lactd_transport_notify_state (LACTD_TRANSPORT (self));
}

static void
init_done (LactdBluez *self)
{
  g_autoptr(GTask) task = g_steal_pointer (&self->init_task);

  g_clear_handle_id (&self->init_timeout, g_source_remove);
  if (self->init_cancelled != NULL)
    g_source_destroy (self->init_cancelled);
  g_clear_pointer (&self->init_cancelled, g_source_unref);
  if (task != NULL)
    g_task_return_pointer (task, g_object_ref (self), g_object_unref);
}

static gboolean
init_timeout_cb (gpointer data)
{
  LactdBluez *self = data;

  self->init_timeout = 0;
  g_message ("BlueZ did not answer within 2 s; going on as %s", self->state);
  init_done (self);
  return G_SOURCE_REMOVE;
}

static gboolean
init_cancelled_cb (GCancellable *cancellable, gpointer data)
{
  init_done (data);
  return G_SOURCE_REMOVE;
}

/* ------------------------------------------------ objects and signals */

static void
object_added (LactdBluez *self, const char *path, GVariant *ifaces)
{
  GHashTable *table = g_hash_table_lookup (self->objects, path);
  GVariantIter it;
  const char *iface;
  GVariant *dict;

  if (table == NULL)
    {
      table = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                     (GDestroyNotify) g_hash_table_unref);
      g_hash_table_insert (self->objects, g_strdup (path), table);
    }
  g_variant_iter_init (&it, ifaces);
  while (g_variant_iter_next (&it, "{&s@a{sv}}", &iface, &dict))
    {
      GHashTable *p = new_prop_table ();
      cache_merge (p, dict);
      g_hash_table_insert (table, g_strdup (iface), p);
      g_variant_unref (dict);
      if (g_str_equal (iface, BLUEZ_GATT_MANAGER) && self->exports)
        lactd_bluez_exports_register_app (self->exports, path);
      g_signal_emit (self, signals[SIG_CHANGED], 0, path, iface);
    }
}

static void
on_interfaces_added (GDBusConnection *c, const char *sender,
                     const char *path, const char *iface, const char *signal,
                     GVariant *params, gpointer data)
{
  LactdBluez *self = data;
  const char *object;
  g_autoptr(GVariant) ifaces = NULL;

  if (!self->present)
    return;
  g_variant_get (params, "(&o@a{sa{sv}})", &object, &ifaces);
  object_added (self, object, ifaces);
  update_state (self);
}

static void
on_interfaces_removed (GDBusConnection *c, const char *sender,
                       const char *path, const char *iface,
                       const char *signal, GVariant *params, gpointer data)
{
  LactdBluez *self = data;
  const char *object;
  g_autofree const char **list = NULL;
  GHashTable *table;

  g_variant_get (params, "(&o^a&s)", &object, &list);
  table = g_hash_table_lookup (self->objects, object);
  if (table == NULL)
    return;
  for (guint i = 0; list[i]; i++)
    {
      if (!g_hash_table_remove (table, list[i]))
        continue;
      if (g_str_equal (list[i], BLUEZ_GATT_MANAGER) && self->exports)
        lactd_bluez_exports_forget_adapter (self->exports, object);
      if (g_hash_table_size (table) == 0)
        {
          g_autofree char *p = g_strdup (object);
          g_hash_table_remove (self->objects, object);
          g_signal_emit (self, signals[SIG_CHANGED], 0, p, list[i]);
          break;
        }
      g_signal_emit (self, signals[SIG_CHANGED], 0, object, list[i]);
    }
  update_state (self);
}

static void
on_properties_changed (GDBusConnection *c, const char *sender,
                       const char *path, const char *iface,
                       const char *signal, GVariant *params, gpointer data)
{
  LactdBluez *self = data;
  const char *changed_iface;
  g_autoptr(GVariant) changed = NULL;
  g_autofree const char **invalidated = NULL;
  GHashTable *ifaces, *table;

  g_variant_get (params, "(&s@a{sv}^a&s)", &changed_iface, &changed,
                 &invalidated);
  /* Notifications (characteristic Value changes) are the links' business
   * (their own subscriptions); keep them off this path. */
  if (g_str_equal (changed_iface, BLUEZ_GATT_CHAR))
    return;
  ifaces = g_hash_table_lookup (self->objects, path);
  table = ifaces ? g_hash_table_lookup (ifaces, changed_iface) : NULL;
  if (table == NULL)
    return;
  cache_merge (table, changed);
  for (guint i = 0; invalidated[i]; i++)
    g_hash_table_remove (table, invalidated[i]);
  g_signal_emit (self, signals[SIG_CHANGED], 0, path, changed_iface);
  if (g_str_equal (changed_iface, BLUEZ_ADAPTER))
    update_state (self);
}

typedef struct {
  LactdBluez *bluez;
  char *path;
  char *iface;
} Refresh;

static void
refresh_free (Refresh *r)
{
  g_object_unref (r->bluez);
  g_free (r->path);
  g_free (r->iface);
  g_free (r);
}

static void
refreshed (GObject *source, GAsyncResult *res, gpointer data)
{
  Refresh *r = data;
  LactdBluez *self = r->bluez;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GVariant) values = NULL;
  GHashTable *ifaces, *table;

  reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), res,
                                         &error);
  ifaces = g_hash_table_lookup (self->objects, r->path);
  table = ifaces ? g_hash_table_lookup (ifaces, r->iface) : NULL;
  if (reply == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_debug ("re-reading %s: %s", r->path, error->message);
    }
  else if (table != NULL)
    {
      values = g_variant_get_child_value (reply, 0);
      cache_merge (table, values);
      g_signal_emit (self, signals[SIG_CHANGED], 0, r->path, r->iface);
      if (g_str_equal (r->iface, BLUEZ_ADAPTER))
        update_state (self);
    }
  refresh_free (r);
}

void
lactd_bluez_refresh (LactdBluez *self, const char *path, const char *iface)
{
  Refresh *r = g_new0 (Refresh, 1);

  r->bluez = g_object_ref (self);
  r->path = g_strdup (path);
  r->iface = g_strdup (iface);
  g_dbus_connection_call (self->bus, BLUEZ_NAME, path, DBUS_PROPERTIES,
                          "GetAll", g_variant_new ("(s)", iface),
                          G_VARIANT_TYPE ("(a{sv})"), G_DBUS_CALL_FLAGS_NONE,
                          OBJECTS_TIMEOUT_MS, self->cancellable, refreshed, r);
}

static void
on_prepare_for_sleep (GDBusConnection *c, const char *sender,
                      const char *path, const char *iface,
                      const char *signal, GVariant *params, gpointer data)
{
  gboolean going_down = TRUE;

  g_variant_get (params, "(b)", &going_down);
  if (!going_down)
    {
      g_message ("resumed from suspend: reconnecting sensors");
      g_signal_emit (data, signals[SIG_RESUMED], 0);
    }
}

static void request_objects (LactdBluez *self);

static gboolean
objects_retry_cb (gpointer data)
{
  LactdBluez *self = data;

  self->objects_retry = 0;
  request_objects (self);
  return G_SOURCE_REMOVE;
}

static void
got_managed_objects (GObject *source, GAsyncResult *res, gpointer data)
{
  LactdBluez *self = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GVariant) objects = NULL;
  GVariantIter it;
  const char *path;
  GVariant *ifaces;

  reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), res,
                                         &error);
  if (reply == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          /* Without the objects no sensor is ever found: ask again (a
           * bluetoothd too busy to answer in time, or starting up). */
          g_warning ("BlueZ GetManagedObjects: %s; asking again in %u s",
                     error->message, OBJECTS_RETRY_S);
          g_clear_handle_id (&self->objects_retry, g_source_remove);
          self->objects_retry = g_timeout_add_seconds (OBJECTS_RETRY_S,
                                                       objects_retry_cb, self);
          init_done (self);
        }
      g_object_unref (self);
      return;
    }
  objects = g_variant_get_child_value (reply, 0);
  g_variant_iter_init (&it, objects);
  while (g_variant_iter_next (&it, "{&o@a{sa{sv}}}", &path, &ifaces))
    {
      object_added (self, path, ifaces);
      g_variant_unref (ifaces);
    }
  update_state (self);
  init_done (self);
  g_object_unref (self);
}

static void
request_objects (LactdBluez *self)
{
  /* The signal subscriptions exist since construction, so nothing that
   * happens between this call and its reply is missed. */
  g_dbus_connection_call (self->bus, BLUEZ_NAME, "/", DBUS_OBJECT_MANAGER,
                          "GetManagedObjects", NULL,
                          G_VARIANT_TYPE ("(a{oa{sa{sv}}})"),
                          G_DBUS_CALL_FLAGS_NONE, OBJECTS_TIMEOUT_MS,
                          self->cancellable, got_managed_objects,
                          g_object_ref (self));
}

static void
bluez_appeared (GDBusConnection *c, const char *name, const char *owner,
                gpointer data)
{
  LactdBluez *self = data;

  g_message ("BlueZ is running (%s)", owner);
  self->present = TRUE;
  g_free (self->owner);
  self->owner = g_strdup (owner);
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  request_objects (self);
  lactd_bluez_exports_register_agent (self->exports);
  g_signal_emit (self, signals[SIG_PRESENCE], 0, TRUE);
}

static void
bluez_vanished (GDBusConnection *c, const char *name, gpointer data)
{
  LactdBluez *self = data;
  g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);
  GHashTableIter it;
  gpointer k;

  if (self->present)
    g_message ("BlueZ went away");
  self->present = FALSE;
  g_clear_pointer (&self->owner, g_free);
  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->objects_retry, g_source_remove);
  lactd_bluez_exports_reset (self->exports);
  g_hash_table_iter_init (&it, self->objects);
  while (g_hash_table_iter_next (&it, &k, NULL))
    g_ptr_array_add (paths, g_strdup (k));
  g_hash_table_remove_all (self->objects);
  for (guint i = 0; i < paths->len; i++)
    g_signal_emit (self, signals[SIG_CHANGED], 0, paths->pdata[i], "");
  g_signal_emit (self, signals[SIG_PRESENCE], 0, FALSE);
  update_state (self);
  init_done (self);
}

/* ------------------------------------------------------------ GObject */

static void
lactd_bluez_get_property (GObject *object, guint id, GValue *value,
                          GParamSpec *pspec)
{
  LactdBluez *self = LACTD_BLUEZ (object);

  switch (id)
    {
    case PROP_STATE:
      g_value_set_string (value, self->state);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, id, pspec);
    }
}

static void
lactd_bluez_dispose (GObject *object)
{
  LactdBluez *self = LACTD_BLUEZ (object);

  g_clear_handle_id (&self->watch_id, g_bus_unwatch_name);
  for (guint i = 0; i < G_N_ELEMENTS (self->subs); i++)
    if (self->subs[i])
      {
        g_dbus_connection_signal_unsubscribe (self->bus, self->subs[i]);
        self->subs[i] = 0;
      }
  if (self->cancellable)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->pairing, lactd_bluez_pairing_free);
  g_clear_pointer (&self->exports, lactd_bluez_exports_free);
  g_clear_handle_id (&self->init_timeout, g_source_remove);
  if (self->init_cancelled != NULL)
    g_source_destroy (self->init_cancelled);
  g_clear_pointer (&self->init_cancelled, g_source_unref);
  g_clear_handle_id (&self->objects_retry, g_source_remove);
  g_clear_object (&self->init_task);
  G_OBJECT_CLASS (lactd_bluez_parent_class)->dispose (object);
}

static void
lactd_bluez_finalize (GObject *object)
{
  LactdBluez *self = LACTD_BLUEZ (object);

  g_hash_table_unref (self->objects);
  g_hash_table_unref (self->known);
  g_free (self->owner);
  g_clear_object (&self->bus);
  G_OBJECT_CLASS (lactd_bluez_parent_class)->finalize (object);
}

static void
lactd_bluez_class_init (LactdBluezClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = lactd_bluez_get_property;
  object_class->dispose = lactd_bluez_dispose;
  object_class->finalize = lactd_bluez_finalize;

  g_object_class_override_property (object_class, PROP_STATE,
                                    "bluetooth-state");

  signals[SIG_CHANGED] =
    g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 2,
                  G_TYPE_STRING | G_SIGNAL_TYPE_STATIC_SCOPE,
                  G_TYPE_STRING | G_SIGNAL_TYPE_STATIC_SCOPE);
  signals[SIG_PRESENCE] =
    g_signal_new ("presence-changed", G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 1,
                  G_TYPE_BOOLEAN);
  signals[SIG_RESUMED] =
    g_signal_new ("resumed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
lactd_bluez_init (LactdBluez *self)
{
  self->objects = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                         (GDestroyNotify) g_hash_table_unref);
  self->known = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->state = LACTD_TRANSPORT_STATE_NO_BLUEZ;
  self->pairing = lactd_bluez_pairing_new (self);
}

static void
got_system_bus (GObject *source, GAsyncResult *res, gpointer data)
{
  g_autoptr(GTask) task = data;
  g_autoptr(GError) error = NULL;
  LactdBluez *self = g_task_get_task_data (task);

  self->bus = g_bus_get_finish (res, &error);
  if (self->bus == NULL && g_task_return_error_if_cancelled (task))
    return;
  if (self->bus == NULL)
    {
      /* Without a system bus there is no BlueZ: history, goals and
       * reminders still work, as they do when bluetoothd is stopped. */
      g_warning ("Bluetooth is unavailable: %s", error->message);
      g_task_return_pointer (task, g_object_ref (self), g_object_unref);
      return;
    }
  self->exports = lactd_bluez_exports_new (self, self->bus, &error);
  if (self->exports == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  /* Subscribe first, then learn the objects (bluez-notes rule 1). */
  self->subs[0] = g_dbus_connection_signal_subscribe (
      self->bus, BLUEZ_NAME, DBUS_OBJECT_MANAGER, "InterfacesAdded", NULL,
      NULL, G_DBUS_SIGNAL_FLAGS_NONE, on_interfaces_added, self, NULL);
  self->subs[1] = g_dbus_connection_signal_subscribe (
      self->bus, BLUEZ_NAME, DBUS_OBJECT_MANAGER, "InterfacesRemoved", NULL,
      NULL, G_DBUS_SIGNAL_FLAGS_NONE, on_interfaces_removed, self, NULL);
  self->subs[2] = g_dbus_connection_signal_subscribe (
      self->bus, BLUEZ_NAME, DBUS_PROPERTIES, "PropertiesChanged", NULL, NULL,
      G_DBUS_SIGNAL_FLAGS_NONE, on_properties_changed, self, NULL);
  self->subs[3] = g_dbus_connection_signal_subscribe (
      self->bus, "org.freedesktop.login1", "org.freedesktop.login1.Manager",
      "PrepareForSleep", "/org/freedesktop/login1", NULL,
      G_DBUS_SIGNAL_FLAGS_NONE, on_prepare_for_sleep, self, NULL);
  self->init_task = g_steal_pointer (&task);
  self->init_timeout = g_timeout_add (INIT_TIMEOUT_MS, init_timeout_cb, self);
  /* Start-up may be cut short (SIGTERM): the wait ends at once. */
  if (g_task_get_cancellable (self->init_task) != NULL)
    {
      self->init_cancelled =
        g_cancellable_source_new (g_task_get_cancellable (self->init_task));
      g_source_set_callback (self->init_cancelled,
                             G_SOURCE_FUNC (init_cancelled_cb), self, NULL);
      g_source_attach (self->init_cancelled, NULL);
    }
  self->watch_id = g_bus_watch_name_on_connection (
      self->bus, BLUEZ_NAME, G_BUS_NAME_WATCHER_FLAGS_NONE, bluez_appeared,
      bluez_vanished, self, NULL);
}

void
lactd_bluez_new_async (GCancellable *cancellable, GAsyncReadyCallback callback,
                       gpointer user_data)
{
  LactdBluez *self = g_object_new (LACTD_TYPE_BLUEZ, NULL);
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);

  g_task_set_source_tag (task, lactd_bluez_new_async);
  g_task_set_task_data (task, self, g_object_unref);
  g_bus_get (G_BUS_TYPE_SYSTEM, cancellable, got_system_bus, task);
}

LactdBluez *
lactd_bluez_new_finish (GAsyncResult *result, GError **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ------------------------------------------------------------ getters */

const char *
lactd_bluez_get_state (LactdBluez *self)
{
  g_return_val_if_fail (LACTD_IS_BLUEZ (self), NULL);
  return self->state;
}

GDBusConnection *
lactd_bluez_get_connection (LactdBluez *self)
{
  return self->bus;
}

gboolean
lactd_bluez_is_present (LactdBluez *self)
{
  return self->present;
}

gboolean
lactd_bluez_is_owner (LactdBluez *self, const char *sender)
{
  return self->owner != NULL && g_strcmp0 (self->owner, sender) == 0;
}

char *
lactd_bluez_dup_device_name (LactdBluez *self, const char *address)
{
  const char *path = lactd_bluez_find_device (self, address);
  const char *name;

  if (path == NULL)
    return NULL;
  name = lactd_bluez_get_string (self, path, BLUEZ_DEVICE, "Alias");
  if (name == NULL)
    name = lactd_bluez_get_string (self, path, BLUEZ_DEVICE, "Name");
  /* Any local user can set an Alias, any device nearby advertise a Name. */
  return name != NULL ? lactd_text_clean_name (name) : NULL;
}

void
lactd_bluez_add_known (LactdBluez *self, const char *address)
{
  g_hash_table_add (self->known, g_ascii_strup (address, -1));
}

void
lactd_bluez_remove_known (LactdBluez *self, const char *address)
{
  g_autofree char *up = g_ascii_strup (address, -1);

  g_hash_table_remove (self->known, up);
}

gboolean
lactd_bluez_is_known (LactdBluez *self, const char *address)
{
  g_autofree char *up = g_ascii_strup (address, -1);

  return g_hash_table_contains (self->known, up);
}

LactdBluezPairing *
lactd_bluez_get_pairing (LactdBluez *self)
{
  return self->pairing;
}

void
lactd_bluez_emit_pairing_passkey (LactdBluez *self, const char *address,
                                  guint passkey, gboolean confirm)
{
  g_message ("pairing %s: passkey %06u%s", address, passkey,
             confirm ? ", to confirm" : "");
  lactd_transport_emit_pairing_passkey (LACTD_TRANSPORT (self), address,
                                        passkey, confirm);
}
