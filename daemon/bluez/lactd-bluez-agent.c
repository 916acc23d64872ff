/* lactd-bluez-agent.c — the objects lactd exports to bluetoothd on the
 * system bus: its pairing agent (org.bluez.Agent1, KeyboardDisplay, whose
 * numeric comparisons wait for the user through lactd-bluez-confirm.c) and a
 * GattProfile1 application claiming the LSP service, registered on every
 * adapter so that bluetoothd auto-connects bonded sensors.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lactd-bluez"

#include <string.h>

#include "lactd-bluez-pair.h"
#include "lactd-bluez-xml.h"
#include "lsp.h"

#define AGENT_PATH "/org/lactd/bluez/agent"
#define APP_PATH "/org/lactd/bluez/app"
#define PROFILE_PATH APP_PATH "/lsp"
#define AGENT_CAPABILITY "KeyboardDisplay"

struct _LactdBluezExports {
  LactdBluez *bluez;        /* owns us */
  GDBusConnection *bus;
  guint regs[3];
  GHashTable *app_adapters; /* adapter paths with our application */
  GCancellable *cancellable;
};

/* ------------------------------------------------------------- agent */

/* The address of a device object: from the cache, else from its path
 * (".../dev_C0_FF_EE_00_00_01"), for a device BlueZ just created. */
static char *
device_address (LactdBluezExports *ex, const char *path)
{
  const char *address = lactd_bluez_address_of (ex->bluez, path);
  const char *dev;

  if (address)
    return g_ascii_strup (address, -1);
  dev = strstr (path, "/dev_");
  if (dev == NULL || strlen (dev + 5) < 17)
    return NULL;
  return g_strdelimit (g_ascii_strup (dev + 5, 17), "_", ':');
}

static gboolean
is_pairing (LactdBluezExports *ex, const char *address)
{
  const char *pairing = lactd_bluez_pairing_address (ex->bluez);

  return address && pairing && g_ascii_strcasecmp (pairing, address) == 0;
}

static void
reject (GDBusMethodInvocation *inv, const char *why)
{
  g_dbus_method_invocation_return_dbus_error (inv, "org.bluez.Error.Rejected",
                                              why);
}

static void
agent_call (LactdBluezExports *ex, const char *method, GVariant *params,
            GDBusMethodInvocation *inv)
{
  g_autofree char *address = NULL;
  const char *device = NULL;

  if (g_variant_n_children (params) > 0)
    {
      g_variant_get_child (params, 0, "&o", &device);
      address = device_address (ex, device);
    }
  g_debug ("agent: %s (%s)", method, address ? address : "-");

  if (g_str_equal (method, "Release") || g_str_equal (method, "Cancel"))
    {
      g_message ("pairing agent: %s", method);
      /* bluetoothd gave up on its request (its own timeout, the link
       * dropped, CancelPairing): nothing is left to answer. */
      lactd_bluez_confirm_cancel (lactd_bluez_get_confirm (ex->bluez),
                                  "bluetoothd cancelled the passkey "
                                  "comparison");
      g_dbus_method_invocation_return_value (inv, NULL);
    }
  else if (g_str_equal (method, "RequestPasskey"))
    {
      /* v1 has no way to ask the user for a passkey typed on a sensor. */
      if (is_pairing (ex, address))
        lactd_bluez_note_passkey_refused (ex->bluez);
      reject (inv, "lactd cannot ask for a passkey to type in");
    }
  else if (g_str_equal (method, "RequestPinCode"))
    reject (inv, "lactd pairs LE sensors only");
  else if (g_str_equal (method, "DisplayPinCode"))
    g_dbus_method_invocation_return_value (inv, NULL);
  else if (g_str_equal (method, "DisplayPasskey")
           || g_str_equal (method, "RequestConfirmation"))
    {
      guint32 passkey = 0;
      guint16 entered = 0;

      if (!is_pairing (ex, address))
        {
          reject (inv, "not pairing this device");
          return;
        }
      if (g_str_equal (method, "RequestConfirmation"))
        {
          /* The user compares the numbers: the reply waits for them. */
          g_variant_get (params, "(&ou)", NULL, &passkey);
          lactd_bluez_confirm_hold (lactd_bluez_get_confirm (ex->bluez),
                                    address, passkey, inv);
          return;
        }
      g_variant_get (params, "(&ouq)", NULL, &passkey, &entered);
      /* DisplayPasskey repeats as keys are typed; announce it once. */
      if (entered == 0)
        lactd_bluez_emit_pairing_passkey (ex->bluez, address, passkey, FALSE);
      g_dbus_method_invocation_return_value (inv, NULL);
    }
  else if (g_str_equal (method, "RequestAuthorization")
           || g_str_equal (method, "AuthorizeService"))
    {
      if (address && (is_pairing (ex, address)
                      || lactd_bluez_is_known (ex->bluez, address)))
        g_dbus_method_invocation_return_value (inv, NULL);
      else
        reject (inv, "not a sensor lactd knows");
    }
  else
    reject (inv, "unknown request");
}

/* ------------------------------------------------------ application */

static void
app_call (LactdBluezExports *ex, const char *path, const char *iface,
          const char *method, GDBusMethodInvocation *inv)
{
  if (g_str_equal (iface, "org.bluez.GattProfile1"))
    {
      g_message ("BlueZ released the LSP profile");
      g_dbus_method_invocation_return_value (inv, NULL);
      return;
    }
  {
    GVariantBuilder objects, ifaces, props;
    const char *uuids[] = { LSP_UUID_SERVICE, NULL };

    g_variant_builder_init (&props, G_VARIANT_TYPE_VARDICT);
    g_variant_builder_add (&props, "{sv}", "UUIDs",
                           g_variant_new_strv (uuids, -1));
    g_variant_builder_init (&ifaces, G_VARIANT_TYPE ("a{sa{sv}}"));
    g_variant_builder_add (&ifaces, "{sa{sv}}", "org.bluez.GattProfile1",
                           &props);
    g_variant_builder_init (&objects, G_VARIANT_TYPE ("a{oa{sa{sv}}}"));
    g_variant_builder_add (&objects, "{oa{sa{sv}}}", PROFILE_PATH, &ifaces);
    g_dbus_method_invocation_return_value (
        inv, g_variant_new ("(a{oa{sa{sv}}})", &objects));
  }
}

static void
method_call (GDBusConnection *c, const char *sender, const char *path,
             const char *iface, const char *method, GVariant *params,
             GDBusMethodInvocation *inv, gpointer data)
{
  LactdBluezExports *ex = data;

  /* Only bluetoothd may drive the agent: anyone else on the system bus
   * could otherwise fake a passkey or an authorization. */
  if (!lactd_bluez_is_owner (ex->bluez, sender))
    {
      g_debug ("refusing %s.%s from %s", iface, method, sender);
      reject (inv, "only bluetoothd may call this");
      return;
    }
  if (g_str_equal (iface, "org.bluez.Agent1"))
    agent_call (ex, method, params, inv);
  else
    app_call (ex, path, iface, method, inv);
}

static GVariant *
get_property (GDBusConnection *c, const char *sender, const char *path,
              const char *iface, const char *prop, GError **error,
              gpointer data)
{
  const char *uuids[] = { LSP_UUID_SERVICE, NULL };

  return g_variant_new_strv (uuids, -1);
}

static const GDBusInterfaceVTable vtable = {
  method_call, get_property, NULL, { 0 }
};

/* ----------------------------------------------------- registrations */

static void
registered (GObject *source, GAsyncResult *res, gpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = NULL;
  g_autofree char *what = data;

  reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), res,
                                         &error);
  if (reply != NULL)
    g_debug ("%s: done", what);
  else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_autofree char *remote = g_dbus_error_get_remote_error (error);
      if (g_strcmp0 (remote, "org.bluez.Error.AlreadyExists") != 0)
        g_warning ("%s: %s", what, error->message);
    }
}

static void
agent_registered (GObject *source, GAsyncResult *res, gpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = NULL;
  g_autofree char *remote = NULL;

  reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), res,
                                         &error);
  if (reply == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      remote = g_dbus_error_get_remote_error (error);
      if (g_strcmp0 (remote, "org.bluez.Error.AlreadyExists") != 0)
        {
          g_warning ("RegisterAgent: %s", error->message);
          return;
        }
    }
  /* Not the default agent: Device1.Pair asks the caller's own agent, and
   * the default one belongs to the desktop (and, with a peripheral on the
   * same bluetoothd, to the other side's confirmations). */
  g_debug ("pairing agent registered");
}

void
lactd_bluez_exports_register_agent (LactdBluezExports *ex)
{
  g_dbus_connection_call (ex->bus, BLUEZ_NAME, "/org/bluez",
                          "org.bluez.AgentManager1", "RegisterAgent",
                          g_variant_new ("(os)", AGENT_PATH, AGENT_CAPABILITY),
                          NULL, G_DBUS_CALL_FLAGS_NONE, 10000,
                          ex->cancellable, agent_registered, ex);
}

void
lactd_bluez_exports_register_app (LactdBluezExports *ex,
                                  const char *adapter_path)
{
  GVariantBuilder options;

  if (!g_hash_table_add (ex->app_adapters, g_strdup (adapter_path)))
    return;
  g_variant_builder_init (&options, G_VARIANT_TYPE_VARDICT);
  g_debug ("registering the LSP profile on %s", adapter_path);
  g_dbus_connection_call (ex->bus, BLUEZ_NAME, adapter_path,
                          BLUEZ_GATT_MANAGER, "RegisterApplication",
                          g_variant_new ("(oa{sv})", APP_PATH, &options),
                          NULL, G_DBUS_CALL_FLAGS_NONE, 10000,
                          ex->cancellable, registered,
                          g_strdup_printf ("RegisterApplication on %s",
                                           adapter_path));
}

void
lactd_bluez_exports_forget_adapter (LactdBluezExports *ex,
                                    const char *adapter_path)
{
  g_hash_table_remove (ex->app_adapters, adapter_path);
}

void
lactd_bluez_exports_reset (LactdBluezExports *ex)
{
  /* A new bluetoothd knows nothing of us: everything is registered
   * again when it appears. */
  g_cancellable_cancel (ex->cancellable);
  g_object_unref (ex->cancellable);
  ex->cancellable = g_cancellable_new ();
  g_hash_table_remove_all (ex->app_adapters);
  lactd_bluez_confirm_cancel (lactd_bluez_get_confirm (ex->bluez),
                              "bluetoothd went away");
}

LactdBluezExports *
lactd_bluez_exports_new (LactdBluez *bluez, GDBusConnection *bus,
                         GError **error)
{
  g_autoptr(LactdBluezExports) ex = g_new0 (LactdBluezExports, 1);
  /* The interfaces as data/bluez/ describes them. */
  const struct { const char *path; const GDBusInterfaceInfo *iface; } objs[] = {
    { AGENT_PATH, &lactd_bluez_agent1_interface },
    { APP_PATH, &lactd_bluez_object_manager_interface },
    { PROFILE_PATH, &lactd_bluez_gatt_profile1_interface },
  };

  ex->bluez = bluez;
  ex->bus = g_object_ref (bus);
  ex->app_adapters = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                            NULL);
  ex->cancellable = g_cancellable_new ();
  for (guint i = 0; i < G_N_ELEMENTS (objs); i++)
    {
      ex->regs[i] = g_dbus_connection_register_object (
          bus, objs[i].path,
          (GDBusInterfaceInfo *) objs[i].iface,
          &vtable, ex, NULL, error);
      if (ex->regs[i] == 0)
        return NULL;
    }
  return g_steal_pointer (&ex);
}

void
lactd_bluez_exports_free (LactdBluezExports *ex)
{
  if (ex == NULL)
    return;
  for (guint i = 0; i < G_N_ELEMENTS (ex->regs); i++)
    if (ex->regs[i])
      g_dbus_connection_unregister_object (ex->bus, ex->regs[i]);
  if (ex->cancellable)
    g_cancellable_cancel (ex->cancellable);
  g_clear_object (&ex->cancellable);
  g_clear_pointer (&ex->app_adapters, g_hash_table_unref);
  g_clear_object (&ex->bus);
  g_free (ex);
}
