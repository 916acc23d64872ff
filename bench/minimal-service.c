/* minimal-service.c — the smallest GDBus service worth comparing lactd's
 * memory and idle wake-ups with (bench/idle.sh): owns a name, exports one
 * object with one read-only property, runs a main loop until SIGTERM.
 *
 *   minimal-service [NAME]     (default org.lactd.BenchMinimal)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib-unix.h>
#include <gio/gio.h>

static const char introspection_xml[] =
  "<node>"
  "  <interface name='org.lactd.BenchMinimal'>"
  "    <property name='Version' type='s' access='read'/>"
  "  </interface>"
  "</node>";

static GVariant *
get_property (GDBusConnection *connection, const char *sender,
              const char *object_path, const char *interface_name,
              const char *property_name, GError **error, gpointer user_data)
{
  return g_variant_new_string ("1");
}

static const GDBusInterfaceVTable vtable = { NULL, get_property, NULL, { 0 } };

static gboolean
on_term (gpointer loop)
{
  g_main_loop_quit (loop);
  return G_SOURCE_REMOVE;
}

int
main (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDBusNodeInfo) node = NULL;
  g_autoptr(GDBusConnection) bus = NULL;
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  const char *name = argc > 1 ? argv[1] : "org.lactd.BenchMinimal";
  guint owner;

  node = g_dbus_node_info_new_for_xml (introspection_xml, &error);
  bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, &error);
  if (node == NULL || bus == NULL)
    {
      g_printerr ("minimal-service: %s\n", error->message);
      return 1;
    }
  if (g_dbus_connection_register_object (bus, "/org/lactd/BenchMinimal",
                                         node->interfaces[0], &vtable,
                                         NULL, NULL, &error) == 0)
    {
      g_printerr ("minimal-service: %s\n", error->message);
      return 1;
    }
  owner = g_bus_own_name_on_connection (bus, name, G_BUS_NAME_OWNER_FLAGS_NONE,
                                        NULL, NULL, NULL, NULL);
  g_unix_signal_add (SIGTERM, on_term, loop);
  g_main_loop_run (loop);
  g_bus_unown_name (owner);
  return 0;
}
