/* lactd-manager.c — org.lactd.Manager1 over the transport and the store.
 *
 * Every method's state travels in a ManagerCall (never in data keys on the
 * invocation), and every transport operation runs under the manager's
 * cancellable, cancelled in dispose: a completion after that answers its
 * caller without touching the manager.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lactd"

#include "config.h"

#include "lactd-manager.h"

#include "lactd-dbus-values.h"
#include "lactd-error.h"
#include "lactd-pair-caller.h"

struct _LactdManager {
  LactdManager1Skeleton parent_instance;

  LactdStore *store;                  /* borrowed: it outlives us */
  LactdTransport *transport;
  GDBusObjectManagerServer *object_manager;
  GHashTable *sensors;                /* address → LactdSensor */
  LactdPairCaller *pair_caller;       /* while a Pair runs (one at a time) */
  GCancellable *cancellable;          /* transport calls; cancelled in dispose */
};

static void lactd_manager_iface_init (LactdManager1Iface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (LactdManager, lactd_manager,
                               LACTD_TYPE_MANAGER1_SKELETON,
                               G_IMPLEMENT_INTERFACE (LACTD_TYPE_MANAGER1,
                                   lactd_manager_iface_init))

enum { PROP_0, PROP_STORE, PROP_TRANSPORT, N_PROPS };
static GParamSpec *props[N_PROPS];

enum {
  SIGNAL_SESSION_STORED,
  SIGNAL_LIVE_CHANGED,
  SIGNAL_BATTERY_CHANGED,
  N_SIGNALS
};
static guint signals[N_SIGNALS];

/* ------------------------------------------------------ method calls */

/* One method call waiting for the transport. self is not owned: it is
 * alive as long as cancellable (the manager's) is not cancelled. */
typedef struct {
  LactdManager *self;
  GCancellable *cancellable;
  GDBusMethodInvocation *invocation;  /* consumed by the reply */
  char address[LACTD_ADDRESS_STRLEN];
} ManagerCall;

static ManagerCall *
call_new (LactdManager *self, GDBusMethodInvocation *invocation,
          const char *address)
{
  ManagerCall *call = g_new0 (ManagerCall, 1);

  call->self = self;
  call->cancellable = g_object_ref (self->cancellable);
  call->invocation = invocation;
  g_strlcpy (call->address, address != NULL ? address : "",
             sizeof call->address);
  return call;
}

static void
call_free (ManagerCall *call)
{
  g_clear_object (&call->cancellable);
  g_free (call);
}

/* Answers with error (any domain lactd maps) and frees the call. */
static void
call_return_error (ManagerCall *call, GError *error)
{
  lactd_error_from_transport (&error);
  lactd_error_from_store (&error);
  g_dbus_method_invocation_return_gerror (call->invocation, error);
  g_error_free (error);
  call_free (call);
}

/* TRUE (and the call answered and freed) when the manager went away. */
static gboolean
call_returned_if_gone (ManagerCall *call)
{
  if (!g_cancellable_is_cancelled (call->cancellable))
    return FALSE;
  g_dbus_method_invocation_return_error_literal (call->invocation,
      LACTD_ERROR, LACTD_ERROR_NOT_FOUND, "lactd is shutting down");
  call_free (call);
  return TRUE;
}

static gboolean
return_error (GDBusMethodInvocation *invocation, GError *error)
{
  lactd_error_from_model (&error);
  g_dbus_method_invocation_return_gerror (invocation, error);
  g_error_free (error);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

/* ----------------------------------------------------------- sensors */

static int
compare_paths (gconstpointer a, gconstpointer b)
{
  return g_strcmp0 (*(const char *const *) a, *(const char *const *) b);
}

static void
update_sensors_property (LactdManager *self)
{
  g_autoptr(GPtrArray) paths = g_ptr_array_new ();
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, self->sensors);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    g_ptr_array_add (paths,
                     (gpointer) lactd_sensor_get_object_path (value));
  g_ptr_array_sort (paths, compare_paths);
  g_ptr_array_add (paths, NULL);
  lactd_manager1_set_sensors (LACTD_MANAGER1 (self),
                              (const char *const *) paths->pdata);
}

static gboolean
any_live_session (LactdManager *self)
{
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, self->sensors);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (lactd_sensor_get_live_active (value))
      return TRUE;
  return FALSE;
}

static void
on_sensor_session_stored (LactdSensor *sensor, const LactdSession *session,
                          LactdManager *self)
{
  g_signal_emit (self, signals[SIGNAL_SESSION_STORED], 0, session);
}

static void
on_sensor_live_active (LactdSensor *sensor, gboolean active,
                       LactdManager *self)
{
  g_signal_emit (self, signals[SIGNAL_LIVE_CHANGED], 0,
                 any_live_session (self));
}

static void
on_sensor_battery (LactdSensor *sensor, guint percent, LactdManager *self)
{
  if (percent <= 100)
    g_signal_emit (self, signals[SIGNAL_BATTERY_CHANGED], 0,
                   lactd_sensor_get_address (sensor), percent);
}

static void
on_sensor_session_started (LactdSensor *sensor, guint seq,
                           LactdManager *self)
{
  lactd_manager1_emit_session_started (LACTD_MANAGER1 (self),
                                       lactd_sensor_get_object_path (sensor),
                                       seq);
}

static void
on_sensor_progress (LactdSensor *sensor, GVariant *live, LactdManager *self)
{
  lactd_manager1_emit_progress (LACTD_MANAGER1 (self),
                                lactd_sensor_get_object_path (sensor), live);
}

static void
on_sensor_session_ended (LactdSensor *sensor, guint seq, LactdManager *self)
{
  lactd_manager1_emit_session_ended (LACTD_MANAGER1 (self),
                                     lactd_sensor_get_object_path (sensor),
                                     seq);
}

static void
follow_sensor (LactdManager *self, LactdSensor *sensor)
{
  static const struct {
    const char *name;
    GCallback callback;
  } handlers[] = {
    { "session-stored", G_CALLBACK (on_sensor_session_stored) },
    { "live-active-changed", G_CALLBACK (on_sensor_live_active) },
    { "battery-changed", G_CALLBACK (on_sensor_battery) },
    { "session-started", G_CALLBACK (on_sensor_session_started) },
    { "progress", G_CALLBACK (on_sensor_progress) },
    { "session-ended", G_CALLBACK (on_sensor_session_ended) },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (handlers); i++)
    g_signal_connect_object (sensor, handlers[i].name, handlers[i].callback,
                             self, 0);
}

LactdSensor *
lactd_manager_add_link (LactdManager *self, LactdLink *link)
{
  LactdSensor *sensor;
  g_autoptr(LactdObjectSkeleton) object = NULL;

  g_return_val_if_fail (LACTD_IS_MANAGER (self), NULL);
  g_return_val_if_fail (LACTD_IS_LINK (link), NULL);

  sensor = lactd_sensor_new (self->store, link);
  follow_sensor (self, sensor);
  g_hash_table_insert (self->sensors,
                       g_strdup (lactd_sensor_get_address (sensor)), sensor);
  object = lactd_object_skeleton_new (lactd_sensor_get_object_path (sensor));
  lactd_object_skeleton_set_sensor1 (object, LACTD_SENSOR1 (sensor));
  /* Announced through InterfacesAdded once the server has a connection. */
  g_dbus_object_manager_server_export (self->object_manager,
                                       G_DBUS_OBJECT_SKELETON (object));
  update_sensors_property (self);
  g_message ("Sensor %s at %s", lactd_sensor_get_address (sensor),
             lactd_sensor_get_object_path (sensor));
  return sensor;
}

static void
remove_sensor (LactdManager *self, LactdSensor *sensor)
{
  g_autofree char *address = g_strdup (lactd_sensor_get_address (sensor));

  g_dbus_object_manager_server_unexport (self->object_manager,
                                         lactd_sensor_get_object_path (sensor));
  g_hash_table_remove (self->sensors, address);
  update_sensors_property (self);
  g_signal_emit (self, signals[SIGNAL_LIVE_CHANGED], 0,
                 any_live_session (self));
}

/* The sensors the transport brings along paired (the simulated one). */
static gboolean
remember_preset_sensors (LactdManager *self, GError **error)
{
  g_autoptr(GPtrArray) preset =
    lactd_transport_list_preset_sensors (self->transport);

  for (guint i = 0; i < preset->len; i++)
    {
      LactdFoundSensor *found = g_ptr_array_index (preset, i);

      if (!lactd_store_remember_sensor (self->store, found->address,
                                        found->name,
                                        LACTD_SENSOR_KIND_UNKNOWN, error))
        return FALSE;
    }
  return TRUE;
}

gboolean
lactd_manager_load_sensors (LactdManager *self, GError **error)
{
  g_autoptr(GPtrArray) rows = NULL;

  g_return_val_if_fail (LACTD_IS_MANAGER (self), FALSE);

  if (!remember_preset_sensors (self, error))
    return FALSE;
  rows = lactd_store_list_sensors (self->store, error);
  if (rows == NULL)
    return FALSE;
  for (guint i = 0; i < rows->len; i++)
    {
      LactdSensorRow *row = g_ptr_array_index (rows, i);
      g_autoptr(LactdLink) link = NULL;
      g_autoptr(GError) link_error = NULL;

      /* Only the transport's own: a simulated daemon never shows a real
       * sensor, nor a real one the simulated sensor. */
      if (!lactd_transport_owns_sensor (self->transport, row->address))
        continue;
      link = lactd_transport_create_link (self->transport, row->address,
                                          &link_error);
      if (link == NULL)
        g_warning ("Cannot set up sensor %s: %s", row->address,
                   link_error->message);
      else
        lactd_manager_add_link (self, link);
    }
  update_sensors_property (self);
  return TRUE;
}

GDBusObjectManagerServer *
lactd_manager_get_object_manager (LactdManager *self)
{
  g_return_val_if_fail (LACTD_IS_MANAGER (self), NULL);
  return self->object_manager;
}

/* ---------------------------------------------------------- Discover */

static const char *
known_kind (LactdManager *self, const char *address)
{
  LactdSensor *known = g_hash_table_lookup (self->sensors, address);

  return lactd_sensor_kind_or_unknown (
      known != NULL ? lactd_sensor1_get_kind (LACTD_SENSOR1 (known)) : NULL);
}

static void
discover_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  ManagerCall *call = user_data;
  g_autoptr(GPtrArray) found = NULL;
  GError *error = NULL;
  GVariantBuilder builder;

  found = lactd_transport_discover_finish (LACTD_TRANSPORT (source), result,
                                           &error);
  if (found == NULL)
    {
      call_return_error (call, error);
      return;
    }
  if (call_returned_if_gone (call))
    return;
  g_variant_builder_init (&builder, G_VARIANT_TYPE ("a(ssssn)"));
  for (guint i = 0; i < found->len; i++)
    {
      LactdFoundSensor *d = g_ptr_array_index (found, i);

      g_variant_builder_add (&builder, "(ssssn)", d->address, d->name,
                             known_kind (call->self, d->address), d->path,
                             d->rssi);
    }
  lactd_manager1_complete_discover (LACTD_MANAGER1 (call->self),
                                    call->invocation,
                                    g_variant_builder_end (&builder));
  call_free (call);
}

static gboolean
lactd_manager_handle_discover (LactdManager1 *iface,
                               GDBusMethodInvocation *invocation,
                               guint timeout_seconds)
{
  LactdManager *self = LACTD_MANAGER (iface);
  GError *error = NULL;

  if (!lactd_check_u32_range ("timeout_seconds", timeout_seconds,
                              LACTD_DISCOVER_MIN_S, LACTD_DISCOVER_MAX_S, "",
                              &error))
    return return_error (invocation, error);
  lactd_transport_discover_async (self->transport, timeout_seconds,
                                  self->cancellable, discover_done,
                                  call_new (self, invocation, NULL));
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

/* -------------------------------------------------------------- Pair */

/* Paired by the transport: remembered, exported and connecting. */
static LactdSensor *
adopt_paired (LactdManager *self, const char *address, GError **error)
{
  g_autofree char *name = lactd_transport_dup_sensor_name (self->transport,
                                                           address);
  g_autoptr(LactdLink) link = NULL;
  LactdSensor *sensor;

  if (!lactd_store_remember_sensor (self->store, address,
                                    name != NULL ? name : "",
                                    LACTD_SENSOR_KIND_UNKNOWN, error))
    return NULL;
  sensor = g_hash_table_lookup (self->sensors, address);
  if (sensor == NULL)
    {
      link = lactd_transport_create_link (self->transport, address, error);
      if (link == NULL)
        {
          g_prefix_error (error, "paired, but ");
          return NULL;
        }
      sensor = lactd_manager_add_link (self, link);
    }
  g_message ("Paired with %s (%s)", address, name != NULL ? name : "");
  lactd_link_request_connect (lactd_sensor_get_link (sensor));
  return sensor;
}

static void
pair_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  ManagerCall *call = user_data;
  GError *error = NULL;
  LactdSensor *sensor;

  if (!lactd_transport_pair_finish (LACTD_TRANSPORT (source), result, &error)
      && g_cancellable_is_cancelled (call->cancellable))
    g_clear_error (&error);
  if (call_returned_if_gone (call))
    return;
  g_clear_pointer (&call->self->pair_caller, lactd_pair_caller_free);
  sensor = error == NULL ? adopt_paired (call->self, call->address, &error)
                         : NULL;
  if (sensor == NULL)
    {
      call_return_error (call, error);
      return;
    }
  lactd_manager1_complete_pair (LACTD_MANAGER1 (call->self), call->invocation,
                                lactd_sensor_get_object_path (sensor));
  call_free (call);
}

static gboolean
lactd_manager_handle_pair (LactdManager1 *iface,
                           GDBusMethodInvocation *invocation,
                           const char *address_arg)
{
  LactdManager *self = LACTD_MANAGER (iface);
  char address[LACTD_ADDRESS_STRLEN];
  GError *error = NULL;
  LactdSensor *sensor;

  /* What a person types: lower case is accepted here, and only here. */
  if (!lactd_address_normalize (address_arg, address, &error))
    return return_error (invocation, error);
  /* Pairing an already paired sensor returns its path. */
  sensor = g_hash_table_lookup (self->sensors, address);
  if (sensor != NULL)
    {
      lactd_manager1_complete_pair (iface, invocation,
                                    lactd_sensor_get_object_path (sensor));
      return G_DBUS_METHOD_INVOCATION_HANDLED;
    }
  if (self->pair_caller != NULL)
    return return_error (invocation,
                         g_error_new_literal (LACTD_ERROR, LACTD_ERROR_BUSY,
                                              "another pairing is in "
                                              "progress"));
  /* Only this caller may answer a passkey comparison. */
  self->pair_caller = lactd_pair_caller_new (
      g_dbus_method_invocation_get_connection (invocation), self->transport,
      g_dbus_method_invocation_get_sender (invocation));
  lactd_transport_pair_async (self->transport, address, self->cancellable,
                              pair_done, call_new (self, invocation, address));
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static gboolean
lactd_manager_handle_confirm_pairing (LactdManager1 *iface,
                                      GDBusMethodInvocation *invocation,
                                      const char *address_arg,
                                      gboolean accept)
{
  LactdManager *self = LACTD_MANAGER (iface);
  char address[LACTD_ADDRESS_STRLEN];
  GError *error = NULL;

  if (!lactd_address_normalize (address_arg, address, &error))
    return return_error (invocation, error);
  if (self->pair_caller == NULL)
    return return_error (invocation,
                         g_error_new (LACTD_ERROR, LACTD_ERROR_NOT_FOUND,
                                      "no pairing confirmation is pending "
                                      "for %s", address));
  if (!lactd_pair_caller_confirm (
          self->pair_caller, g_dbus_method_invocation_get_sender (invocation),
          address, accept, &error))
    return return_error (invocation, error);
  lactd_manager1_complete_confirm_pairing (iface, invocation);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

/* ------------------------------------------------------------ Forget */

static void
forget_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  ManagerCall *call = user_data;
  g_autoptr(GError) error = NULL;

  /* The sensor is forgotten either way: a bond BlueZ keeps is only
   * logged. */
  if (!lactd_transport_forget_finish (LACTD_TRANSPORT (source), result,
                                      &error))
    g_message ("Could not remove the bond of %s: %s", call->address,
               error->message);
  g_dbus_method_invocation_return_value (call->invocation, NULL);
  call_free (call);
}

static LactdSensor *
sensor_for_path (LactdManager *self, const char *path, GError **error)
{
  char address[LACTD_ADDRESS_STRLEN];
  LactdSensor *sensor;

  if (!lactd_address_from_object_path (path, address, error))
    return NULL;
  sensor = g_hash_table_lookup (self->sensors, address);
  if (sensor == NULL)
    g_set_error (error, LACTD_ERROR, LACTD_ERROR_NOT_FOUND,
                 "%s is not a paired sensor", path);
  return sensor;
}

static gboolean
lactd_manager_handle_forget (LactdManager1 *iface,
                             GDBusMethodInvocation *invocation,
                             const char *path)
{
  LactdManager *self = LACTD_MANAGER (iface);
  GError *error = NULL;
  LactdSensor *sensor = sensor_for_path (self, path, &error);
  ManagerCall *call;

  if (sensor == NULL)
    return return_error (invocation, error);
  call = call_new (self, invocation, lactd_sensor_get_address (sensor));
  if (!lactd_store_forget_sensor (self->store, call->address, &error))
    {
      call_return_error (call, error);
      return G_DBUS_METHOD_INVOCATION_HANDLED;
    }
  remove_sensor (self, sensor);
  g_message ("Forgot sensor %s; its sessions stay", call->address);
  lactd_transport_forget_async (self->transport, call->address,
                                self->cancellable, forget_done, call);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static void
lactd_manager_iface_init (LactdManager1Iface *iface)
{
  iface->handle_discover = lactd_manager_handle_discover;
  iface->handle_pair = lactd_manager_handle_pair;
  iface->handle_confirm_pairing = lactd_manager_handle_confirm_pairing;
  iface->handle_forget = lactd_manager_handle_forget;
}

/* ------------------------------------------------------- the transport */

static void
on_bluetooth_state (LactdTransport *transport, GParamSpec *pspec,
                    LactdManager *self)
{
  lactd_manager1_set_bluetooth_state (LACTD_MANAGER1 (self),
                                      lactd_transport_get_state (transport));
}

static void
on_pairing_passkey (LactdTransport *transport, const char *address,
                    guint passkey, gboolean confirm, LactdManager *self)
{
  lactd_manager1_emit_pairing_passkey (LACTD_MANAGER1 (self), address,
                                       passkey, confirm);
}

/* ----------------------------------------------------------- GObject */

static void
lactd_manager_constructed (GObject *object)
{
  LactdManager *self = LACTD_MANAGER (object);

  G_OBJECT_CLASS (lactd_manager_parent_class)->constructed (object);

  lactd_manager1_set_version (LACTD_MANAGER1 (self), VERSION);
  lactd_manager1_set_store_recovery (LACTD_MANAGER1 (self), "");
  g_signal_connect_object (self->transport, "notify::bluetooth-state",
                           G_CALLBACK (on_bluetooth_state), self, 0);
  g_signal_connect_object (self->transport, "pairing-passkey",
                           G_CALLBACK (on_pairing_passkey), self, 0);
  on_bluetooth_state (self->transport, NULL, self);
  update_sensors_property (self);
}

static void
lactd_manager_set_property (GObject *object, guint prop_id,
                            const GValue *value, GParamSpec *pspec)
{
  LactdManager *self = LACTD_MANAGER (object);

  switch (prop_id)
    {
    case PROP_STORE:
      self->store = g_value_get_pointer (value);
      break;
    case PROP_TRANSPORT:
      self->transport = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lactd_manager_get_property (GObject *object, guint prop_id, GValue *value,
                            GParamSpec *pspec)
{
  LactdManager *self = LACTD_MANAGER (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_pointer (value, self->store);
      break;
    case PROP_TRANSPORT:
      g_value_set_object (value, self->transport);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lactd_manager_dispose (GObject *object)
{
  LactdManager *self = LACTD_MANAGER (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_pointer (&self->pair_caller, lactd_pair_caller_free);
  if (self->transport != NULL)
    g_signal_handlers_disconnect_by_data (self->transport, self);
  if (self->sensors != NULL)
    {
      GHashTableIter iter;
      gpointer sensor;

      /* The sensors outlive us in the object manager for a moment. */
      g_hash_table_iter_init (&iter, self->sensors);
      while (g_hash_table_iter_next (&iter, NULL, &sensor))
        g_signal_handlers_disconnect_by_data (sensor, self);
    }
  g_clear_pointer (&self->sensors, g_hash_table_unref);
  g_clear_object (&self->object_manager);
  g_clear_object (&self->transport);
  G_OBJECT_CLASS (lactd_manager_parent_class)->dispose (object);
}

static void
lactd_manager_finalize (GObject *object)
{
  g_clear_object (&LACTD_MANAGER (object)->cancellable);
  G_OBJECT_CLASS (lactd_manager_parent_class)->finalize (object);
}

static void
install_signals (GType type)
{
  signals[SIGNAL_SESSION_STORED] =
    g_signal_new ("session-stored", type, G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 1,
                  LACTD_TYPE_SESSION | G_SIGNAL_TYPE_STATIC_SCOPE);
  signals[SIGNAL_LIVE_CHANGED] =
    g_signal_new ("live-changed", type, G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 1, G_TYPE_BOOLEAN);
  signals[SIGNAL_BATTERY_CHANGED] =
    g_signal_new ("battery-changed", type, G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_UINT);
}

static void
lactd_manager_class_init (LactdManagerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = lactd_manager_constructed;
  object_class->set_property = lactd_manager_set_property;
  object_class->get_property = lactd_manager_get_property;
  object_class->dispose = lactd_manager_dispose;
  object_class->finalize = lactd_manager_finalize;

  props[PROP_STORE] =
    g_param_spec_pointer ("store", "Store", "The LactdStore (borrowed)",
                          G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                          G_PARAM_STATIC_STRINGS);
  props[PROP_TRANSPORT] =
    g_param_spec_object ("transport", "Transport", "How sensors are reached",
                         LACTD_TYPE_TRANSPORT,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                         G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, props);
  install_signals (G_TYPE_FROM_CLASS (klass));
}

static void
lactd_manager_init (LactdManager *self)
{
  self->sensors = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                         g_object_unref);
  self->object_manager = g_dbus_object_manager_server_new (LACTD_OBJECT_PATH);
  self->cancellable = g_cancellable_new ();
}

LactdManager *
lactd_manager_new (LactdStore *store, LactdTransport *transport)
{
  g_return_val_if_fail (store != NULL, NULL);
  g_return_val_if_fail (LACTD_IS_TRANSPORT (transport), NULL);

  return g_object_new (LACTD_TYPE_MANAGER, "store", store, "transport",
                       transport, NULL);
}
