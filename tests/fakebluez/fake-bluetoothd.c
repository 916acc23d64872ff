/* fake-bluetoothd.c — a fake bluetoothd for lactd's integration tests:
 * the object model, ObjectManager, AgentManager1, GattManager1, the
 * test control interface org.lactd.FakeBluez1 and main().
 *
 * Usage: fake-bluetoothd [--state FILE]
 * Serves org.bluez on DBUS_SYSTEM_BUS_ADDRESS. With --state, adapters,
 * bonds and sensors (with their record stores) are saved there on every
 * change and loaded at start, so a test can kill the fake and start it
 * again like a bluetoothd restart.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "fake-bluetoothd"

#include <unistd.h>

#include <glib-unix.h>

#include "fake-bluetoothd.h"
#include "fake-control-xml.h"
#include "lactd-bluez-xml.h"

/* bluetoothd's interfaces as data/bluez/ describes them (the daemon and
 * lactd-sim export theirs from the same files), and the control one. */
static const GDBusInterfaceInfo *const interfaces[] = {
  &lactd_bluez_object_manager_interface,
  &lactd_bluez_agent_manager1_interface,
  &lactd_bluez_adapter1_interface,
  &lactd_bluez_gatt_manager1_interface,
  &lactd_bluez_device1_interface,
  &lactd_bluez_gatt_service1_interface,
  &lactd_bluez_gatt_characteristic1_interface,
  &lactd_bluez_gatt_descriptor1_interface,
  &fake_control_interface,
};

GDBusInterfaceInfo *
fake_bluez_iface_info (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (interfaces); i++)
    if (g_str_equal (interfaces[i]->name, name))
      return (GDBusInterfaceInfo *) interfaces[i];
  g_error ("no interface %s in data/bluez/", name);
}

void
fake_bluez_emit_error (GDBusMethodInvocation *inv, const char *name,
                       const char *message)
{
  g_dbus_method_invocation_return_dbus_error (inv, name, message);
}

/* ------------------------------------------------------- object model */

static GVariant *
fobj_props_variant (FObj *obj, const char *iface)
{
  GHashTable *props = g_hash_table_lookup (obj->ifaces, iface);
  GVariantBuilder b;
  GHashTableIter it;
  gpointer k, v;

  g_variant_builder_init (&b, G_VARIANT_TYPE_VARDICT);
  g_hash_table_iter_init (&it, props);
  while (g_hash_table_iter_next (&it, &k, &v))
    g_variant_builder_add (&b, "{sv}", k, v);
  return g_variant_builder_end (&b);
}

static GVariant *
fobj_ifaces_variant (FObj *obj)
{
  GVariantBuilder b;

  g_variant_builder_init (&b, G_VARIANT_TYPE ("a{sa{sv}}"));
  for (guint i = 0; i < obj->iface_names->len; i++)
    {
      const char *iface = obj->iface_names->pdata[i];
      g_variant_builder_add (&b, "{s@a{sv}}", iface,
                             fobj_props_variant (obj, iface));
    }
  return g_variant_builder_end (&b);
}

static void
fobj_method_call (GDBusConnection *c, const char *sender, const char *path,
                  const char *iface, const char *method, GVariant *params,
                  GDBusMethodInvocation *inv, gpointer user_data)
{
  FObj *obj = user_data;

  if (obj->method)
    obj->method (obj, iface, method, params, inv);
  else
    fake_bluez_emit_error (inv, "org.bluez.Error.NotSupported",
                           "Not Supported");
}

static GVariant *
fobj_get_property (GDBusConnection *c, const char *sender, const char *path,
                   const char *iface, const char *prop, GError **error,
                   gpointer user_data)
{
  FObj *obj = user_data;
  GVariant *v = fobj_get (obj, iface, prop);

  if (v == NULL)
    g_set_error (error, G_DBUS_ERROR, G_DBUS_ERROR_INVALID_ARGS,
                 "No such property '%s'", prop);
  return v ? g_variant_ref (v) : NULL;
}

static gboolean
fobj_set_property (GDBusConnection *c, const char *sender, const char *path,
                   const char *iface, const char *prop, GVariant *value,
                   GError **error, gpointer user_data)
{
  FObj *obj = user_data;

  if (obj->set == NULL)
    {
      g_set_error (error, G_DBUS_ERROR, G_DBUS_ERROR_PROPERTY_READ_ONLY,
                   "read-only");
      return FALSE;
    }
  return obj->set (obj, iface, prop, value, error);
}

static const GDBusInterfaceVTable fobj_vtable = {
  fobj_method_call, fobj_get_property, fobj_set_property, { 0 }
};

FObj *
fobj_new (FakeBluez *fb, const char *path, gpointer owner,
          FObjMethodFunc method, FObjSetFunc set)
{
  FObj *obj = g_new0 (FObj, 1);

  obj->fb = fb;
  obj->path = g_strdup (path);
  obj->iface_names = g_ptr_array_new_with_free_func (g_free);
  obj->ifaces = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                       (GDestroyNotify) g_hash_table_unref);
  obj->reg_ids = g_array_new (FALSE, FALSE, sizeof (guint));
  obj->owner = owner;
  obj->method = method;
  obj->set = set;
  return obj;
}

void
fobj_add_iface (FObj *obj, const char *iface, GVariant *props)
{
  GHashTable *h = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                         (GDestroyNotify) g_variant_unref);
  GVariantIter it;
  const char *k;
  GVariant *v;

  g_variant_ref_sink (props);
  g_variant_iter_init (&it, props);
  while (g_variant_iter_next (&it, "{&sv}", &k, &v))
    g_hash_table_insert (h, g_strdup (k), v);
  g_variant_unref (props);
  g_ptr_array_add (obj->iface_names, g_strdup (iface));
  g_hash_table_insert (obj->ifaces, g_strdup (iface), h);
}

void
fobj_export (FObj *obj)
{
  FakeBluez *fb = obj->fb;

  for (guint i = 0; i < obj->iface_names->len; i++)
    {
      g_autoptr(GError) error = NULL;
      guint id = g_dbus_connection_register_object (
          fb->bus, obj->path,
          fake_bluez_iface_info (obj->iface_names->pdata[i]),
          &fobj_vtable, obj, NULL, &error);
      if (id == 0)
        g_error ("registering %s: %s", obj->path, error->message);
      g_array_append_val (obj->reg_ids, id);
    }
  obj->exported = TRUE;
  g_hash_table_insert (fb->objects, obj->path, obj);
  g_dbus_connection_emit_signal (fb->bus, NULL, "/",
                                 "org.freedesktop.DBus.ObjectManager",
                                 "InterfacesAdded",
                                 g_variant_new ("(o@a{sa{sv}})", obj->path,
                                                fobj_ifaces_variant (obj)),
                                 NULL);
}

void
fobj_destroy (FObj *obj)
{
  if (obj == NULL)
    return;
  if (obj->exported)
    {
      FakeBluez *fb = obj->fb;
      GVariantBuilder b;

      for (guint i = 0; i < obj->reg_ids->len; i++)
        g_dbus_connection_unregister_object (fb->bus,
                                             g_array_index (obj->reg_ids,
                                                            guint, i));
      g_hash_table_remove (fb->objects, obj->path);
      g_variant_builder_init (&b, G_VARIANT_TYPE_STRING_ARRAY);
      for (guint i = 0; i < obj->iface_names->len; i++)
        g_variant_builder_add (&b, "s", obj->iface_names->pdata[i]);
      g_dbus_connection_emit_signal (fb->bus, NULL, "/",
                                     "org.freedesktop.DBus.ObjectManager",
                                     "InterfacesRemoved",
                                     g_variant_new ("(oas)", obj->path, &b),
                                     NULL);
    }
  g_array_unref (obj->reg_ids);
  g_hash_table_unref (obj->ifaces);
  g_ptr_array_unref (obj->iface_names);
  g_free (obj->path);
  g_free (obj);
}

GVariant *
fobj_get (FObj *obj, const char *iface, const char *prop)
{
  GHashTable *h = g_hash_table_lookup (obj->ifaces, iface);

  return h ? g_hash_table_lookup (h, prop) : NULL;
}

void
fobj_set (FObj *obj, const char *iface, const char *prop, GVariant *value,
          gboolean always_emit)
{
  GHashTable *h = g_hash_table_lookup (obj->ifaces, iface);
  GVariant *old;
  GVariantBuilder changed;

  g_return_if_fail (h != NULL);
  g_variant_ref_sink (value);
  old = g_hash_table_lookup (h, prop);
  if (!always_emit && old != NULL && g_variant_equal (old, value))
    {
      g_variant_unref (value);
      return;
    }
  g_hash_table_insert (h, g_strdup (prop), value);
  if (!obj->exported || obj->fb->silent)
    return;
  g_variant_builder_init (&changed, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&changed, "{sv}", prop, value);
  g_dbus_connection_emit_signal (obj->fb->bus, NULL, obj->path,
                                 "org.freedesktop.DBus.Properties",
                                 "PropertiesChanged",
                                 g_variant_new ("(sa{sv}as)", iface, &changed,
                                                NULL),
                                 NULL);
}

/* ------------------------------------------------------ ObjectManager */

static void
get_managed_objects (FakeBluez *fb, GDBusMethodInvocation *inv)
{
  GVariantBuilder b;
  GHashTableIter it;
  gpointer k, v;

  g_variant_builder_init (&b, G_VARIANT_TYPE ("a{oa{sa{sv}}}"));
  g_hash_table_iter_init (&it, fb->objects);
  while (g_hash_table_iter_next (&it, &k, &v))
    {
      FObj *o = v;
      if (g_str_equal (o->path, "/"))
        continue;
      g_variant_builder_add (&b, "{o@a{sa{sv}}}", o->path,
                             fobj_ifaces_variant (o));
    }
  g_dbus_method_invocation_return_value (inv, g_variant_new ("(a{oa{sa{sv}}})",
                                                             &b));
}

/* ------------------------------------------------------------- agents */

static void
fagent_free (FAgent *a)
{
  g_free (a->sender);
  g_free (a->path);
  g_free (a->capability);
  g_free (a);
}

static void
fapp_free (FApp *a)
{
  g_free (a->sender);
  g_free (a->path);
  g_free (a->adapter_id);
  g_strfreev (a->uuids);
  g_free (a);
}

static void
agent_manager_call (FakeBluez *fb, const char *method, GVariant *params,
                    GDBusMethodInvocation *inv)
{
  const char *sender = g_dbus_method_invocation_get_sender (inv);
  const char *path = NULL;

  g_variant_get_child (params, 0, "&o", &path);
  if (g_str_equal (method, "RegisterAgent"))
    {
      const char *cap;
      FAgent *a;

      g_variant_get_child (params, 1, "&s", &cap);
      for (guint i = 0; i < fb->agents->len; i++)
        if (g_str_equal (((FAgent *) fb->agents->pdata[i])->sender, sender))
          {
            fake_bluez_emit_error (inv, "org.bluez.Error.AlreadyExists",
                                   "Already Exists");
            return;
          }
      a = g_new0 (FAgent, 1);
      a->sender = g_strdup (sender);
      a->path = g_strdup (path);
      a->capability = g_strdup (cap);
      g_ptr_array_add (fb->agents, a);
      g_message ("agent %s%s registered (%s)", sender, path, cap);
    }
  else if (g_str_equal (method, "UnregisterAgent")
           || g_str_equal (method, "RequestDefaultAgent"))
    {
      gboolean found = FALSE;

      for (guint i = 0; i < fb->agents->len; i++)
        {
          FAgent *a = fb->agents->pdata[i];
          if (!g_str_equal (a->sender, sender) || !g_str_equal (a->path, path))
            continue;
          found = TRUE;
          if (g_str_equal (method, "UnregisterAgent"))
            g_ptr_array_remove_index (fb->agents, i);
          break;
        }
      if (!found)
        {
          fake_bluez_emit_error (inv, "org.bluez.Error.DoesNotExist",
                                 "Does Not Exist");
          return;
        }
      if (g_str_equal (method, "RequestDefaultAgent"))
        {
          g_free (fb->default_agent_sender);
          g_free (fb->default_agent_path);
          fb->default_agent_sender = g_strdup (sender);
          fb->default_agent_path = g_strdup (path);
        }
    }
  g_dbus_method_invocation_return_value (inv, NULL);
}

static void
drop_client_registrations (FakeBluez *fb, const char *sender)
{
  for (guint i = fb->agents->len; i > 0; i--)
    if (g_str_equal (((FAgent *) fb->agents->pdata[i - 1])->sender, sender))
      g_ptr_array_remove_index (fb->agents, i - 1);
  if (g_strcmp0 (fb->default_agent_sender, sender) == 0)
    {
      g_clear_pointer (&fb->default_agent_sender, g_free);
      g_clear_pointer (&fb->default_agent_path, g_free);
    }
  for (guint i = fb->apps->len; i > 0; i--)
    if (g_str_equal (((FApp *) fb->apps->pdata[i - 1])->sender, sender))
      g_ptr_array_remove_index (fb->apps, i - 1);
  fake_bluez_client_vanished (fb, sender);
}

static void
name_owner_changed (GDBusConnection *c, const char *sender, const char *path,
                    const char *iface, const char *signal, GVariant *params,
                    gpointer user_data)
{
  const char *name, *old_owner, *new_owner;

  g_variant_get (params, "(&s&s&s)", &name, &old_owner, &new_owner);
  if (name[0] == ':' && *new_owner == '\0')
    drop_client_registrations (user_data, name);
}

/* ------------------------------------------------ GattManager1 (apps) */

typedef struct {
  FakeBluez *fb;
  GDBusMethodInvocation *inv;
  char *adapter_id;
  char *app_path;
} RegisterAppData;

static void
register_app_got_objects (GObject *source, GAsyncResult *res, gpointer data)
{
  RegisterAppData *d = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GVariant) objects = NULL;
  GVariantIter it;
  const char *path;
  GVariant *ifaces;
  g_autoptr(GPtrArray) uuids = g_ptr_array_new_with_free_func (g_free);

  reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), res,
                                         &error);
  if (reply == NULL)
    {
      fake_bluez_emit_error (d->inv, "org.bluez.Error.Failed",
                             "Failed to read application objects");
      goto out;
    }
  objects = g_variant_get_child_value (reply, 0);
  g_variant_iter_init (&it, objects);
  while (g_variant_iter_next (&it, "{&o@a{sa{sv}}}", &path, &ifaces))
    {
      g_autoptr(GVariant) props = NULL;
      props = g_variant_lookup_value (ifaces, "org.bluez.GattProfile1",
                                      G_VARIANT_TYPE_VARDICT);
      if (props != NULL)
        {
          g_autofree const char **list = NULL;
          if (g_variant_lookup (props, "UUIDs", "^a&s", &list))
            for (guint i = 0; list[i]; i++)
              g_ptr_array_add (uuids, g_ascii_strdown (list[i], -1));
        }
      g_variant_unref (ifaces);
    }
  if (uuids->len == 0)
    {
      fake_bluez_emit_error (d->inv, "org.bluez.Error.InvalidArguments",
                             "No object received");
      goto out;
    }
  {
    FApp *app = g_new0 (FApp, 1);
    app->sender = g_strdup (g_dbus_method_invocation_get_sender (d->inv));
    app->path = g_strdup (d->app_path);
    app->adapter_id = g_strdup (d->adapter_id);
    g_ptr_array_add (uuids, NULL);
    app->uuids = (GStrv) g_ptr_array_steal (uuids, NULL);
    g_ptr_array_add (d->fb->apps, app);
    g_message ("application %s%s registered on %s", app->sender, app->path,
               app->adapter_id);
  }
  g_dbus_method_invocation_return_value (d->inv, NULL);
out:
  g_free (d->adapter_id);
  g_free (d->app_path);
  g_free (d);
}

static void
gatt_manager_call (FakeBluez *fb, FAdapter *adapter, const char *method,
                   GVariant *params, GDBusMethodInvocation *inv)
{
  const char *sender = g_dbus_method_invocation_get_sender (inv);
  const char *path;

  g_variant_get_child (params, 0, "&o", &path);
  for (guint i = 0; i < fb->apps->len; i++)
    {
      FApp *a = fb->apps->pdata[i];
      if (!g_str_equal (a->sender, sender) || !g_str_equal (a->path, path)
          || !g_str_equal (a->adapter_id, adapter->id))
        continue;
      if (g_str_equal (method, "RegisterApplication"))
        {
          fake_bluez_emit_error (inv, "org.bluez.Error.AlreadyExists",
                                 "Already Exists");
          return;
        }
      g_ptr_array_remove_index (fb->apps, i);
      g_dbus_method_invocation_return_value (inv, NULL);
      return;
    }
  if (g_str_equal (method, "UnregisterApplication"))
    {
      fake_bluez_emit_error (inv, "org.bluez.Error.DoesNotExist",
                             "Does Not Exist");
      return;
    }
  {
    RegisterAppData *d = g_new0 (RegisterAppData, 1);
    d->fb = fb;
    d->inv = inv;
    d->adapter_id = g_strdup (adapter->id);
    d->app_path = g_strdup (path);
    /* Like bluetoothd, read the application's objects through its
     * ObjectManager before answering. */
    g_dbus_connection_call (fb->bus, sender, path,
                            "org.freedesktop.DBus.ObjectManager",
                            "GetManagedObjects", NULL,
                            G_VARIANT_TYPE ("(a{oa{sa{sv}}})"),
                            G_DBUS_CALL_FLAGS_NONE, 5000, NULL,
                            register_app_got_objects, d);
  }
}

gboolean
fake_bluez_profile_claims (FakeBluez *fb, FAdapter *adapter, const char *uuid)
{
  for (guint i = 0; i < fb->apps->len; i++)
    {
      FApp *a = fb->apps->pdata[i];
      if (g_str_equal (a->adapter_id, adapter->id)
          && g_strv_contains ((const char * const *) a->uuids, uuid))
        return TRUE;
    }
  return FALSE;
}

gboolean
fake_bluez_find_agent (FakeBluez *fb, const char *sender,
                       const char **agent_sender, const char **agent_path)
{
  for (guint i = 0; i < fb->agents->len; i++)
    {
      FAgent *a = fb->agents->pdata[i];
      if (g_str_equal (a->sender, sender))
        {
          *agent_sender = a->sender;
          *agent_path = a->path;
          return TRUE;
        }
    }
  if (fb->default_agent_sender == NULL)
    return FALSE;
  *agent_sender = fb->default_agent_sender;
  *agent_path = fb->default_agent_path;
  return TRUE;
}

void
fake_bluez_adapter_manager_call (FAdapter *adapter, const char *iface,
                                 const char *method, GVariant *params,
                                 GDBusMethodInvocation *inv)
{
  if (g_str_equal (iface, "org.bluez.GattManager1"))
    gatt_manager_call (adapter->fb, adapter, method, params, inv);
  else
    fake_bluez_emit_error (inv, "org.bluez.Error.NotSupported",
                           "Not Supported");
}

static void
root_method (FObj *obj, const char *iface, const char *method,
             GVariant *params, GDBusMethodInvocation *inv)
{
  FakeBluez *fb = obj->fb;

  if (g_str_equal (iface, "org.freedesktop.DBus.ObjectManager")
      && fb->hang_objects > 0)
    {
      fb->hang_objects--;
      g_message ("GetManagedObjects left unanswered");
      g_ptr_array_add (fb->hung, g_object_ref (inv));
    }
  else if (g_str_equal (iface, "org.freedesktop.DBus.ObjectManager"))
    get_managed_objects (fb, inv);
  else if (g_str_equal (iface, "org.bluez.AgentManager1"))
    agent_manager_call (fb, method, params, inv);
  else
    fake_control_call (fb, method, params, inv);
}

/* -------------------------------------------------------------- main */

/* bluetoothd's background auto-connect of bonded devices a profile
 * claims (passive scanning, in the real thing). */
static gboolean
autoconnect_tick (gpointer data)
{
  FakeBluez *fb = data;
  GHashTableIter it, dit;
  gpointer v, dv;

  g_hash_table_iter_init (&it, fb->adapters);
  while (g_hash_table_iter_next (&it, NULL, &v))
    {
      g_hash_table_iter_init (&dit, ((FAdapter *) v)->devices);
      while (g_hash_table_iter_next (&dit, NULL, &dv))
        fake_device_autoconnect (dv);
    }
  return G_SOURCE_CONTINUE;
}

static gboolean
on_term (gpointer data)
{
  FakeBluez *fb = data;

  g_main_loop_quit (fb->loop);
  return G_SOURCE_REMOVE;
}

static void
name_acquired (GDBusConnection *c, const char *name, gpointer data)
{
  g_message ("serving %s", name);
}

static void
name_lost (GDBusConnection *c, const char *name, gpointer data)
{
  g_printerr ("fake-bluetoothd: could not own %s\n", name);
  _exit (1);
}

static void
bus_closed (GDBusConnection *c, gboolean remote_peer_vanished, GError *error,
            gpointer data)
{
  /* The test's bus went away: vanish like a killed bluetoothd. */
  _exit (0);
}

int
main (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GOptionContext) ctx = NULL;
  g_autofree char *state = NULL;
  int autoconnect_ms = 300;
  int hang_objects = 0;
  FakeBluez fb = { 0 };
  FObj *root;
  GOptionEntry entries[] = {
    { "state", 0, 0, G_OPTION_ARG_FILENAME, &state,
      "Save and restore adapters, bonds and sensors in FILE", "FILE" },
    { "autoconnect-ms", 0, 0, G_OPTION_ARG_INT, &autoconnect_ms,
      "Try to auto-connect bonded sensors every MS ms (default 300)", "MS" },
    { "hang-object-manager", 0, 0, G_OPTION_ARG_INT, &hang_objects,
      "Leave the first N GetManagedObjects unanswered (HangObjectManager "
      "from the start)", "N" },
    { NULL, 0, 0, 0, NULL, NULL, NULL }
  };

  ctx = g_option_context_new ("- fake bluetoothd for lactd's tests");
  g_option_context_add_main_entries (ctx, entries, NULL);
  if (!g_option_context_parse (ctx, &argc, &argv, &error))
    {
      g_printerr ("fake-bluetoothd: %s\n", error->message);
      return 2;
    }

  fb.bus = g_bus_get_sync (G_BUS_TYPE_SYSTEM, NULL, &error);
  if (fb.bus == NULL)
    {
      g_printerr ("fake-bluetoothd: %s\n", error->message);
      return 1;
    }
  g_dbus_connection_set_exit_on_close (fb.bus, FALSE);
  g_signal_connect (fb.bus, "closed", G_CALLBACK (bus_closed), NULL);
  fb.objects = g_hash_table_new (g_str_hash, g_str_equal);
  fb.adapters = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                       (GDestroyNotify) fake_adapter_free);
  fb.sensors = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                      (GDestroyNotify) fake_sensor_free);
  fb.agents = g_ptr_array_new_with_free_func ((GDestroyNotify) fagent_free);
  fb.apps = g_ptr_array_new_with_free_func ((GDestroyNotify) fapp_free);
  fb.hung = g_ptr_array_new_with_free_func (g_object_unref);
  fb.unplugged = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                        (GDestroyNotify) g_strfreev);
  fb.state_file = g_steal_pointer (&state);
  fb.loop = g_main_loop_new (NULL, FALSE);
  fb.hang_objects = (guint) MAX (hang_objects, 0);

  root = fobj_new (&fb, "/", NULL, root_method, NULL);
  /* "/" is not an object of the tree itself (no InterfacesAdded). */
  g_dbus_connection_register_object (
      fb.bus, "/",
      fake_bluez_iface_info ("org.freedesktop.DBus.ObjectManager"),
      &fobj_vtable, root, NULL, &error);
  g_assert_no_error (error);
  fb.control_reg = g_dbus_connection_register_object (
      fb.bus, "/", fake_bluez_iface_info ("org.lactd.FakeBluez1"),
      &fobj_vtable, root, NULL, &error);
  g_assert_no_error (error);
  {
    /* AgentManager1 lives on /org/bluez, as in bluetoothd. */
    FObj *bluez = fobj_new (&fb, "/org/bluez", NULL, root_method, NULL);
    fobj_add_iface (bluez, "org.bluez.AgentManager1",
                    g_variant_new ("a{sv}", NULL));
    fobj_export (bluez);
  }
  fb.name_lost_sub = g_dbus_connection_signal_subscribe (
      fb.bus, "org.freedesktop.DBus", "org.freedesktop.DBus",
      "NameOwnerChanged", "/org/freedesktop/DBus", NULL,
      G_DBUS_SIGNAL_FLAGS_NONE, name_owner_changed, &fb, NULL);

  fake_control_load_state (&fb);

  g_bus_own_name_on_connection (fb.bus, "org.bluez",
                                G_BUS_NAME_OWNER_FLAGS_NONE, name_acquired,
                                name_lost, NULL, NULL);
  fb.autoconnect_source = g_timeout_add ((guint) CLAMP (autoconnect_ms, 1,
                                                       60000),
                                         autoconnect_tick, &fb);
  g_unix_signal_add (SIGTERM, on_term, &fb);
  g_unix_signal_add (SIGINT, on_term, &fb);
  g_main_loop_run (fb.loop);
  /* The process exits like a killed bluetoothd: no tidy removal of
   * objects, the bus name simply goes away (and no leak report on state
   * that lives as long as the process). */
  g_dbus_connection_flush_sync (fb.bus, NULL, NULL);
  _exit (0);
}

/* Sender lists (discovery and notification clients) hold unique names. */
gboolean
fake_str_array_has (GPtrArray *array, const char *s)
{
  return g_ptr_array_find_with_equal_func (array, s, g_str_equal, NULL);
}

gboolean
fake_str_array_remove (GPtrArray *array, const char *s)
{
  guint index;

  if (!g_ptr_array_find_with_equal_func (array, s, g_str_equal, &index))
    return FALSE;
  g_ptr_array_remove_index (array, index);
  return TRUE;
}
