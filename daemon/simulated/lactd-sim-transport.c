/* lactd-sim-transport.c — LactdTransport of the built-in simulated sensor:
 * its own answers to Discover, Pair and Forget, and its address rule.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lactd-sim"

#include "lactd-sim-transport.h"

#include "lactd-model.h"
#include "lactd-sim-link.h"

/* What a scan reports for it: as close as a sensor on the desk. */
#define SIM_RSSI (-40)

struct _LactdSimTransport {
  GObject parent_instance;

  char *scenario;
};

enum { PROP_0, PROP_STATE, PROP_SCENARIO, N_PROPS };

static void lactd_sim_transport_iface_init (LactdTransportInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (LactdSimTransport, lactd_sim_transport,
                               G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (LACTD_TYPE_TRANSPORT,
                                   lactd_sim_transport_iface_init))

static LactdFoundSensor *
sim_found (void)
{
  return lactd_found_sensor_new (LACTD_SIMULATED_ADDRESS,
                                 LACTD_SIM_SENSOR_NAME, "", SIM_RSSI);
}

static GPtrArray *
sim_found_list (void)
{
  GPtrArray *list = g_ptr_array_new_with_free_func (
      (GDestroyNotify) lactd_found_sensor_free);

  g_ptr_array_add (list, sim_found ());
  return list;
}

static const char *
sim_get_state (LactdTransport *transport)
{
  return LACTD_TRANSPORT_STATE_SIMULATED;
}

/* The simulated sensor only, so that the two never mix by accident. */
static gboolean
sim_owns_sensor (LactdTransport *transport, const char *address)
{
  return lactd_address_is_simulated (address);
}

static GPtrArray *
sim_list_preset_sensors (LactdTransport *transport)
{
  return sim_found_list ();
}

static LactdLink *
sim_create_link (LactdTransport *transport, const char *address,
                 GError **error)
{
  LactdSimTransport *self = LACTD_SIM_TRANSPORT (transport);

  if (!sim_owns_sensor (transport, address))
    {
      g_set_error (error, LACTD_TRANSPORT_ERROR,
                   LACTD_TRANSPORT_ERROR_NO_ADAPTER,
                   "%s is not the simulated sensor (%s)", address,
                   LACTD_SIMULATED_ADDRESS);
      return NULL;
    }
  return LACTD_LINK (lactd_sim_link_new (address, self->scenario, error));
}

static char *
sim_dup_sensor_name (LactdTransport *transport, const char *address)
{
  return sim_owns_sensor (transport, address)
         ? g_strdup (LACTD_SIM_SENSOR_NAME) : NULL;
}

/* The simulated sensor is the only one in range. */
static void
sim_discover_async (LactdTransport *transport, guint timeout_s,
                    GCancellable *cancellable, GAsyncReadyCallback callback,
                    gpointer user_data)
{
  g_autoptr(GTask) task = g_task_new (transport, cancellable, callback,
                                      user_data);

  g_task_set_source_tag (task, sim_discover_async);
  g_task_return_pointer (task, sim_found_list (),
                         (GDestroyNotify) g_ptr_array_unref);
}

static GPtrArray *
sim_discover_finish (LactdTransport *transport, GAsyncResult *result,
                     GError **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
sim_pair_async (LactdTransport *transport, const char *address,
                GCancellable *cancellable, GAsyncReadyCallback callback,
                gpointer user_data)
{
  g_autoptr(GTask) task = g_task_new (transport, cancellable, callback,
                                      user_data);

  g_task_set_source_tag (task, sim_pair_async);
  if (sim_owns_sensor (transport, address))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_new_error (task, LACTD_TRANSPORT_ERROR,
                             LACTD_TRANSPORT_ERROR_PAIRING_FAILED,
                             "%s: no such sensor; this daemon runs with its "
                             "simulated sensor only (%s)", address,
                             LACTD_SIMULATED_ADDRESS);
}

static gboolean
sim_boolean_finish (LactdTransport *transport, GAsyncResult *result,
                    GError **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* It shows no passkey, so nothing is ever pending. */
static gboolean
sim_confirm_pairing (LactdTransport *transport, const char *address,
                     gboolean accept, GError **error)
{
  g_set_error (error, LACTD_TRANSPORT_ERROR, LACTD_TRANSPORT_ERROR_NOT_FOUND,
               "no pairing confirmation is pending for %s", address);
  return FALSE;
}

static void
sim_refuse_confirmations (LactdTransport *transport, const char *why)
{
}

/* Nothing to unbond. */
static void
sim_forget_async (LactdTransport *transport, const char *address,
                  GCancellable *cancellable, GAsyncReadyCallback callback,
                  gpointer user_data)
{
  g_autoptr(GTask) task = g_task_new (transport, cancellable, callback,
                                      user_data);

  g_task_set_source_tag (task, sim_forget_async);
  g_task_return_boolean (task, TRUE);
}

static void
lactd_sim_transport_iface_init (LactdTransportInterface *iface)
{
  iface->get_state = sim_get_state;
  iface->owns_sensor = sim_owns_sensor;
  iface->list_preset_sensors = sim_list_preset_sensors;
  iface->create_link = sim_create_link;
  iface->dup_sensor_name = sim_dup_sensor_name;
  iface->discover_async = sim_discover_async;
  iface->discover_finish = sim_discover_finish;
  iface->pair_async = sim_pair_async;
  iface->pair_finish = sim_boolean_finish;
  iface->confirm_pairing = sim_confirm_pairing;
  iface->refuse_confirmations = sim_refuse_confirmations;
  iface->forget_async = sim_forget_async;
  iface->forget_finish = sim_boolean_finish;
}

static void
lactd_sim_transport_get_property (GObject *object, guint prop_id,
                                  GValue *value, GParamSpec *pspec)
{
  LactdSimTransport *self = LACTD_SIM_TRANSPORT (object);

  switch (prop_id)
    {
    case PROP_STATE:
      g_value_set_string (value, LACTD_TRANSPORT_STATE_SIMULATED);
      break;
    case PROP_SCENARIO:
      g_value_set_string (value, self->scenario);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lactd_sim_transport_set_property (GObject *object, guint prop_id,
                                  const GValue *value, GParamSpec *pspec)
{
  LactdSimTransport *self = LACTD_SIM_TRANSPORT (object);

  switch (prop_id)
    {
    case PROP_SCENARIO:
      g_free (self->scenario);
      self->scenario = g_value_dup_string (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lactd_sim_transport_finalize (GObject *object)
{
  g_free (LACTD_SIM_TRANSPORT (object)->scenario);
  G_OBJECT_CLASS (lactd_sim_transport_parent_class)->finalize (object);
}

static void
lactd_sim_transport_class_init (LactdSimTransportClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = lactd_sim_transport_get_property;
  object_class->set_property = lactd_sim_transport_set_property;
  object_class->finalize = lactd_sim_transport_finalize;
  g_object_class_override_property (object_class, PROP_STATE,
                                    "bluetooth-state");
  g_object_class_install_property (object_class, PROP_SCENARIO,
      g_param_spec_string ("scenario", "Scenario",
                           "The simulator's scenario (lsp-sim-sensor.h)",
                           "demo",
                           G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                           G_PARAM_STATIC_STRINGS));
}

static void
lactd_sim_transport_init (LactdSimTransport *self)
{
}

LactdSimTransport *
lactd_sim_transport_new (const char *scenario, GError **error)
{
  g_autoptr(LspSimSensor) probe = NULL;

  g_return_val_if_fail (scenario != NULL, NULL);

  probe = lsp_sim_sensor_new_for_scenario (scenario, error);
  if (probe == NULL)
    return NULL;
  g_message ("Simulated sensor, scenario '%s': nothing from Bluetooth",
             scenario);
  return g_object_new (LACTD_TYPE_SIM_TRANSPORT, "scenario", scenario, NULL);
}
