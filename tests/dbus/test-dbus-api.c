/* test-dbus-api.c — the generated interfaces match the v1 contract, name
 * for name: every method, signal and property with its argument names and
 * types, nothing more. Guards the XML in data/ against accidental edits, since
 * independent clients are written from docs/dbus-api.md.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "lactd-dbus.h"
#include "test-dbus.h"

/* "name:type,name:type" of an argument list. */
static char *
args_to_string (GDBusArgInfo **args)
{
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; args != NULL && args[i] != NULL; i++)
    g_string_append_printf (text, "%s%s:%s", i > 0 ? "," : "",
                            args[i]->name, args[i]->signature);
  return g_string_free (g_steal_pointer (&text), FALSE);
}

typedef struct {
  const char *name;
  const char *in;   /* methods: in args; signals: args; properties: type */
  const char *out;  /* methods only */
} Member;

static void
assert_interface (GDBusInterfaceInfo *info, const char *name,
                  const Member *methods, const Member *signals,
                  const Member *properties)
{
  guint n;

  g_assert_cmpstr (info->name, ==, name);

  for (n = 0; methods[n].name != NULL; n++)
    {
      GDBusMethodInfo *method =
        g_dbus_interface_info_lookup_method (info, methods[n].name);
      g_autofree char *in = NULL;
      g_autofree char *out = NULL;

      g_assert_nonnull (method);
      in = args_to_string (method->in_args);
      out = args_to_string (method->out_args);
      g_assert_cmpstr (in, ==, methods[n].in);
      g_assert_cmpstr (out, ==, methods[n].out);
    }
  for (guint i = 0; info->methods != NULL && info->methods[i] != NULL; i++)
    g_assert_cmpuint (i, <, n);

  for (n = 0; signals[n].name != NULL; n++)
    {
      GDBusSignalInfo *signal =
        g_dbus_interface_info_lookup_signal (info, signals[n].name);
      g_autofree char *args = NULL;

      g_assert_nonnull (signal);
      args = args_to_string (signal->args);
      g_assert_cmpstr (args, ==, signals[n].in);
    }
  for (guint i = 0; info->signals != NULL && info->signals[i] != NULL; i++)
    g_assert_cmpuint (i, <, n);

  for (n = 0; properties[n].name != NULL; n++)
    {
      GDBusPropertyInfo *property =
        g_dbus_interface_info_lookup_property (info, properties[n].name);

      g_assert_nonnull (property);
      g_assert_cmpstr (property->signature, ==, properties[n].in);
      /* All properties are read-only; changes go through methods. */
      g_assert_cmpint (property->flags, ==,
                       G_DBUS_PROPERTY_INFO_FLAGS_READABLE);
    }
  for (guint i = 0; info->properties != NULL && info->properties[i] != NULL;
       i++)
    g_assert_cmpuint (i, <, n);
}

static void
test_api_manager (void)
{
  const Member methods[] = {
    { "Discover", "timeout_seconds:u", "devices:a(ssssn)" },
    { "Pair", "address:s", "sensor:o" },
    { "Forget", "sensor:o", "" },
    { "ConfirmPairing", "address:s,accept:b", "" },
    { NULL, NULL, NULL },
  };
  const Member signals[] = {
    { "PairingPasskey", "address:s,passkey:u,confirm:b", NULL },
    { "SessionStarted", "sensor:o,seq:u", NULL },
    { "Progress", "sensor:o,live:a{sv}", NULL },
    { "SessionEnded", "sensor:o,seq:u", NULL },
    { NULL, NULL, NULL },
  };
  const Member properties[] = {
    { "Version", "s", NULL },
    { "BluetoothState", "s", NULL },
    { "Sensors", "ao", NULL },
    { "StoreRecovery", "s", NULL },   /* an addition to the contract */
    { NULL, NULL, NULL },
  };

  assert_interface (lactd_manager1_interface_info (), "org.lactd.Manager1",
                    methods, signals, properties);
}

static void
test_api_sensor (void)
{
  const Member methods[] = {
    { "Sync", "", "" },
    { NULL, NULL, NULL },
  };
  const Member signals[] = {
    { NULL, NULL, NULL },
  };
  const Member properties[] = {
    { "Address", "s", NULL }, { "Name", "s", NULL }, { "Kind", "s", NULL },
    { "Connected", "b", NULL }, { "Battery", "y", NULL },
    { "Model", "s", NULL }, { "Firmware", "s", NULL },
    { "LastSeen", "x", NULL }, { "LastSync", "x", NULL },
    { "SyncState", "s", NULL }, { "LastError", "s", NULL },
    { "RejectedRecords", "u", NULL }, { "LostRecords", "u", NULL },
    { "Live", "a{sv}", NULL },
    { NULL, NULL, NULL },
  };

  assert_interface (lactd_sensor1_interface_info (), "org.lactd.Sensor1",
                    methods, signals, properties);
}

static void
test_api_history (void)
{
  const Member methods[] = {
    { "ListSessions", "from:x,to:x", "sessions:aa{sv}" },
    { "ListSessionsPage", "before:x,count:u", "sessions:aa{sv}" },
    { "DailySummary", "first_day:s,last_day:s", "days:aa{sv}" },
    { "AddSession", "session:a{sv}", "id:t" },
    { "DeleteSession", "id:t", "" },
    { NULL, NULL, NULL },
  };
  const Member signals[] = {
    { "SessionAdded", "session:a{sv}", NULL },
    { NULL, NULL, NULL },
  };
  const Member properties[] = {
    { NULL, NULL, NULL },
  };

  assert_interface (lactd_history1_interface_info (), "org.lactd.History1",
                    methods, signals, properties);
}

static void
test_api_goals (void)
{
  const Member methods[] = {
    { "SetGoal", "changes:a{sv}", "" },
    { "Snooze", "minutes:u", "" },
    { "Dismiss", "", "" },
    { NULL, NULL, NULL },
  };
  const Member signals[] = {
    { "ReminderDue", "kind:s,due:x,message:s", NULL },
    { NULL, NULL, NULL },
  };
  const Member properties[] = {
    { "Goal", "a{sv}", NULL },
    { "Progress", "a{sv}", NULL },
    { "NextDue", "x", NULL },
    { "Trend", "a{sv}", NULL },
    { NULL, NULL, NULL },
  };

  assert_interface (lactd_goals1_interface_info (), "org.lactd.Goals1",
                    methods, signals, properties);
}

void
test_dbus_api_add_tests (void)
{
  g_test_add_func ("/dbus/api/manager1", test_api_manager);
  g_test_add_func ("/dbus/api/sensor1", test_api_sensor);
  g_test_add_func ("/dbus/api/history1", test_api_history);
  g_test_add_func ("/dbus/api/goals1", test_api_goals);
}
