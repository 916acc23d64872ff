/* lactd-sim-link.c — LactdLink over an in-process LspSimSensor.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lactd-sim"

#include "lactd-sim-link.h"

#define DEFAULT_CONNECT_DELAY_MS 20

struct _LactdSimLink {
  LactdLink parent_instance;

  LspSimSensor *sensor;
  gulong send_id;
  gulong link_lost_id;
  guint connect_delay_ms;
  gboolean auto_reconnect;
  guint connect_source;
  guint connection;           /* changes on every drop */
  guint n_connects;
};

G_DEFINE_TYPE (LactdSimLink, lactd_sim_link, LACTD_TYPE_LINK)

typedef enum {
  OP_READ,
  OP_WRITE,
  OP_START_NOTIFY,
} OpKind;

typedef struct {
  OpKind kind;
  LactdChar ch;
  GBytes *value;
  guint connection;
} Op;

static void
op_free (gpointer data)
{
  Op *op = data;

  g_clear_pointer (&op->value, g_bytes_unref);
  g_free (op);
}

/* Runs one operation against the sensor, a main-loop turn after it was
 * asked for, as a radio link would. */
static gboolean
op_run_cb (gpointer user_data)
{
  GTask *task = user_data;
  LactdSimLink *self = g_task_get_source_object (task);
  Op *op = g_task_get_task_data (task);
  guint8 att_error = 0;

  if (g_task_return_error_if_cancelled (task))
    return G_SOURCE_REMOVE;
  if (!lactd_link_get_ready (LACTD_LINK (self)) ||
      op->connection != self->connection)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED,
                               "Not connected");
      return G_SOURCE_REMOVE;
    }

  switch (op->kind)
    {
    case OP_READ:
      {
        GBytes *value = lsp_sim_sensor_read (self->sensor, (LspSimChar) op->ch,
                                             &att_error);
        if (value != NULL)
          {
            g_task_return_pointer (task, value, (GDestroyNotify) g_bytes_unref);
            return G_SOURCE_REMOVE;
          }
        break;
      }
    case OP_WRITE:
      {
        gsize len;
        const guint8 *data = g_bytes_get_data (op->value, &len);

        att_error = lsp_sim_sensor_write (self->sensor, (LspSimChar) op->ch,
                                          data, len);
        if (att_error == 0)
          {
            g_task_return_boolean (task, TRUE);
            return G_SOURCE_REMOVE;
          }
        break;
      }
    case OP_START_NOTIFY:
      lsp_sim_sensor_set_notifying (self->sensor, (LspSimChar) op->ch, TRUE);
      g_task_return_boolean (task, TRUE);
      return G_SOURCE_REMOVE;
    default:
      g_assert_not_reached ();
    }
  /* Worded as BlueZ words an ATT error. */
  g_task_return_new_error (task, G_IO_ERROR,
                           att_error == 0xFE ? G_IO_ERROR_BUSY
                                             : G_IO_ERROR_FAILED,
                           "org.bluez.Error.Failed: ATT error 0x%02x on %s",
                           att_error, lactd_char_name (op->ch));
  return G_SOURCE_REMOVE;
}

static void
queue_op (LactdSimLink *self, OpKind kind, LactdChar ch, GBytes *value,
          GCancellable *cancellable, GAsyncReadyCallback callback,
          gpointer user_data, gpointer source_tag)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  Op *op = g_new0 (Op, 1);
  g_autoptr(GSource) source = g_idle_source_new ();

  g_task_set_source_tag (task, source_tag);
  op->kind = kind;
  op->ch = ch;
  op->value = value != NULL ? g_bytes_ref (value) : NULL;
  op->connection = self->connection;
  g_task_set_task_data (task, op, op_free);

  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_callback (source, op_run_cb, g_object_ref (task),
                         g_object_unref);
  g_source_attach (source, g_task_get_context (task));
}

static void
sim_read_async (LactdLink *link, LactdChar ch, GCancellable *cancellable,
                GAsyncReadyCallback callback, gpointer user_data)
{
  queue_op (LACTD_SIM_LINK (link), OP_READ, ch, NULL, cancellable, callback,
            user_data, sim_read_async);
}

static void
sim_write_async (LactdLink *link, LactdChar ch, GBytes *value,
                 GCancellable *cancellable, GAsyncReadyCallback callback,
                 gpointer user_data)
{
  queue_op (LACTD_SIM_LINK (link), OP_WRITE, ch, value, cancellable,
            callback, user_data, sim_write_async);
}

static void
sim_start_notify_async (LactdLink *link, LactdChar ch,
                        GCancellable *cancellable,
                        GAsyncReadyCallback callback, gpointer user_data)
{
  queue_op (LACTD_SIM_LINK (link), OP_START_NOTIFY, ch, NULL, cancellable,
            callback, user_data, sim_start_notify_async);
}

static gboolean
connect_cb (gpointer user_data)
{
  LactdSimLink *self = user_data;

  self->connect_source = 0;
  self->n_connects++;
  g_debug ("simulated sensor connected");
  lactd_link_set_ready (LACTD_LINK (self), TRUE);
  return G_SOURCE_REMOVE;
}

static void
schedule_connect (LactdSimLink *self)
{
  if (self->connect_source != 0 || lactd_link_get_ready (LACTD_LINK (self)))
    return;
  self->connect_source = g_timeout_add (MAX (self->connect_delay_ms, 1u),
                                        connect_cb, self);
}

static void
sim_request_connect (LactdLink *link)
{
  schedule_connect (LACTD_SIM_LINK (link));
}

static void
drop (LactdSimLink *self)
{
  g_clear_handle_id (&self->connect_source, g_source_remove);
  self->connection++;
  lsp_sim_sensor_disconnected (self->sensor);
  lactd_link_set_ready (LACTD_LINK (self), FALSE);
}

void
lactd_sim_link_set_connected (LactdSimLink *self, gboolean connected)
{
  g_return_if_fail (LACTD_IS_SIM_LINK (self));

  if (connected)
    schedule_connect (self);
  else
    drop (self);
}

static void
on_sensor_send (LspSimSensor *sensor, guint ch, GBytes *value,
                gpointer user_data)
{
  LactdSimLink *self = user_data;

  if (!lactd_link_get_ready (LACTD_LINK (self)))
    return;
  lactd_link_emit_value (LACTD_LINK (self), (LactdChar) ch, value);
}

static void
on_sensor_link_lost (LspSimSensor *sensor, gpointer user_data)
{
  LactdSimLink *self = user_data;

  g_debug ("the simulated sensor dropped the link");
  drop (self);
  if (self->auto_reconnect)
    schedule_connect (self);
}

void
lactd_sim_link_set_connect_delay (LactdSimLink *self, guint delay_ms)
{
  g_return_if_fail (LACTD_IS_SIM_LINK (self));
  self->connect_delay_ms = delay_ms;
}

void
lactd_sim_link_set_auto_reconnect (LactdSimLink *self, gboolean auto_reconnect)
{
  g_return_if_fail (LACTD_IS_SIM_LINK (self));
  self->auto_reconnect = auto_reconnect;
}

guint
lactd_sim_link_get_n_connects (LactdSimLink *self)
{
  g_return_val_if_fail (LACTD_IS_SIM_LINK (self), 0);
  return self->n_connects;
}

LspSimSensor *
lactd_sim_link_get_sensor (LactdSimLink *self)
{
  g_return_val_if_fail (LACTD_IS_SIM_LINK (self), NULL);
  return self->sensor;
}

static void
lactd_sim_link_dispose (GObject *object)
{
  LactdSimLink *self = LACTD_SIM_LINK (object);

  g_clear_handle_id (&self->connect_source, g_source_remove);
  if (self->sensor != NULL)
    {
      g_clear_signal_handler (&self->send_id, self->sensor);
      g_clear_signal_handler (&self->link_lost_id, self->sensor);
      lsp_sim_sensor_disconnected (self->sensor);
    }
  g_clear_object (&self->sensor);

  G_OBJECT_CLASS (lactd_sim_link_parent_class)->dispose (object);
}

static void
lactd_sim_link_class_init (LactdSimLinkClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  LactdLinkClass *link_class = LACTD_LINK_CLASS (klass);

  object_class->dispose = lactd_sim_link_dispose;
  link_class->read_async = sim_read_async;
  link_class->write_async = sim_write_async;
  link_class->start_notify_async = sim_start_notify_async;
  link_class->request_connect = sim_request_connect;
}

static void
lactd_sim_link_init (LactdSimLink *self)
{
  self->connect_delay_ms = DEFAULT_CONNECT_DELAY_MS;
  self->auto_reconnect = TRUE;
}

LactdSimLink *
lactd_sim_link_new_for_sensor (const char *address, LspSimSensor *sensor)
{
  LactdSimLink *self;

  g_return_val_if_fail (address != NULL, NULL);
  g_return_val_if_fail (LSP_SIM_IS_SENSOR (sensor), NULL);

  self = g_object_new (LACTD_TYPE_SIM_LINK, "address", address,
                       "name", "LSP-Sim", NULL);
  self->sensor = g_object_ref (sensor);
  self->send_id = g_signal_connect (sensor, "send",
                                    G_CALLBACK (on_sensor_send), self);
  self->link_lost_id = g_signal_connect (sensor, "link-lost",
                                         G_CALLBACK (on_sensor_link_lost),
                                         self);
  schedule_connect (self);
  return self;
}

LactdSimLink *
lactd_sim_link_new (const char *address, const char *scenario, GError **error)
{
  g_autoptr(LspSimSensor) sensor = NULL;

  g_return_val_if_fail (address != NULL, NULL);
  g_return_val_if_fail (scenario != NULL, NULL);

  sensor = lsp_sim_sensor_new_for_scenario (scenario, error);
  if (sensor == NULL)
    return NULL;
  g_message ("Simulated sensor %s: scenario %s", address, scenario);
  return lactd_sim_link_new_for_sensor (address, sensor);
}
