/* lactd-link.c — the abstract sensor link: properties, the value signal and
 * the wrappers around the transport's vtable.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lactd-link"

#include "lactd-link.h"

#include "lsp.h"

typedef struct {
  char *address;
  char *name;
  gboolean ready;
  char *last_error;
} LactdLinkPrivate;

G_DEFINE_ABSTRACT_TYPE_WITH_PRIVATE (LactdLink, lactd_link, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ADDRESS,
  PROP_NAME,
  PROP_READY,
  PROP_LAST_ERROR,
  N_PROPS
};

static GParamSpec *props[N_PROPS];

enum {
  SIGNAL_VALUE_RECEIVED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static const struct {
  const char *uuid;
  const char *name;
} char_table[LACTD_N_CHARS] = {
  [LACTD_CHAR_FEATURES] = { LSP_UUID_FEATURES, "features" },
  [LACTD_CHAR_LIVE_PROGRESS] = { LSP_UUID_LIVE_PROGRESS, "live-progress" },
  [LACTD_CHAR_SESSION_RECORD] = { LSP_UUID_SESSION_RECORD, "session-record" },
  [LACTD_CHAR_RACP] = { LSP_UUID_RACP, "racp" },
  [LACTD_CHAR_DEVICE_TIME] = { LSP_UUID_DEVICE_TIME, "device-time" },
  [LACTD_CHAR_BATTERY_LEVEL] = { LSP_UUID_BATTERY_LEVEL, "battery-level" },
  [LACTD_CHAR_MANUFACTURER] = { LSP_UUID_MANUFACTURER, "manufacturer" },
  [LACTD_CHAR_MODEL_NUMBER] = { LSP_UUID_MODEL_NUMBER, "model-number" },
  [LACTD_CHAR_SERIAL_NUMBER] = { LSP_UUID_SERIAL_NUMBER, "serial-number" },
  [LACTD_CHAR_FIRMWARE_REVISION] = { LSP_UUID_FIRMWARE_REV, "firmware-revision" },
};

const char *
lactd_char_uuid (LactdChar ch)
{
  g_return_val_if_fail ((guint) ch < LACTD_N_CHARS, NULL);
  return char_table[ch].uuid;
}

const char *
lactd_char_name (LactdChar ch)
{
  if ((guint) ch >= LACTD_N_CHARS)
    return "unknown";
  return char_table[ch].name;
}

static void
lactd_link_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  LactdLink *self = LACTD_LINK (object);
  LactdLinkPrivate *priv = lactd_link_get_instance_private (self);

  switch (prop_id)
    {
    case PROP_ADDRESS:
      g_value_set_string (value, priv->address);
      break;
    case PROP_NAME:
      g_value_set_string (value, priv->name);
      break;
    case PROP_READY:
      g_value_set_boolean (value, priv->ready);
      break;
    case PROP_LAST_ERROR:
      g_value_set_string (value, priv->last_error);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lactd_link_set_property (GObject      *object,
                         guint         prop_id,
                         const GValue *value,
                         GParamSpec   *pspec)
{
  LactdLink *self = LACTD_LINK (object);
  LactdLinkPrivate *priv = lactd_link_get_instance_private (self);

  switch (prop_id)
    {
    case PROP_ADDRESS:
      g_free (priv->address);
      priv->address = g_value_dup_string (value);
      break;
    case PROP_NAME:
      lactd_link_set_name (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lactd_link_finalize (GObject *object)
{
  LactdLinkPrivate *priv =
    lactd_link_get_instance_private (LACTD_LINK (object));

  g_clear_pointer (&priv->address, g_free);
  g_clear_pointer (&priv->name, g_free);
  g_clear_pointer (&priv->last_error, g_free);

  G_OBJECT_CLASS (lactd_link_parent_class)->finalize (object);
}

/* The default _finish slots: both transports answer every operation with
 * a GTask, so they fill in only the _async ones. */
static GBytes *
lactd_link_real_read_finish (LactdLink *self, GAsyncResult *result,
                             GError **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static gboolean
lactd_link_real_boolean_finish (LactdLink *self, GAsyncResult *result,
                                GError **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
lactd_link_class_init (LactdLinkClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = lactd_link_get_property;
  object_class->set_property = lactd_link_set_property;
  object_class->finalize = lactd_link_finalize;
  klass->read_finish = lactd_link_real_read_finish;
  klass->write_finish = lactd_link_real_boolean_finish;
  klass->start_notify_finish = lactd_link_real_boolean_finish;

  props[PROP_ADDRESS] =
    g_param_spec_string ("address", "Address",
                         "The sensor's Bluetooth address", NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                         G_PARAM_STATIC_STRINGS);
  props[PROP_NAME] =
    g_param_spec_string ("name", "Name", "The sensor's advertised name", NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY |
                         G_PARAM_STATIC_STRINGS);
  props[PROP_READY] =
    g_param_spec_boolean ("ready", "Ready",
                          "Connected with services resolved", FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY |
                          G_PARAM_STATIC_STRINGS);
  props[PROP_LAST_ERROR] =
    g_param_spec_string ("last-error", "Last error",
                         "What the user must know about the link", "",
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY |
                         G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, props);

  /* One emission per notification: a specific marshaller keeps it off
   * the slow generic (libffi) path. */
  signals[SIGNAL_VALUE_RECEIVED] =
    g_signal_new ("value-received", G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  g_cclosure_marshal_VOID__UINT_POINTER,
                  G_TYPE_NONE, 2, G_TYPE_INT, G_TYPE_BYTES);
  g_signal_set_va_marshaller (signals[SIGNAL_VALUE_RECEIVED],
                              G_TYPE_FROM_CLASS (klass),
                              g_cclosure_marshal_VOID__UINT_POINTERv);
}

static void
lactd_link_init (LactdLink *self)
{
  LactdLinkPrivate *priv = lactd_link_get_instance_private (self);

  priv->last_error = g_strdup ("");
}

const char *
lactd_link_get_address (LactdLink *self)
{
  LactdLinkPrivate *priv;

  g_return_val_if_fail (LACTD_IS_LINK (self), NULL);
  priv = lactd_link_get_instance_private (self);
  return priv->address;
}

const char *
lactd_link_get_name (LactdLink *self)
{
  LactdLinkPrivate *priv;

  g_return_val_if_fail (LACTD_IS_LINK (self), NULL);
  priv = lactd_link_get_instance_private (self);
  return priv->name;
}

gboolean
lactd_link_get_ready (LactdLink *self)
{
  LactdLinkPrivate *priv;

  g_return_val_if_fail (LACTD_IS_LINK (self), FALSE);
  priv = lactd_link_get_instance_private (self);
  return priv->ready;
}

void
lactd_link_set_ready (LactdLink *self, gboolean ready)
{
  LactdLinkPrivate *priv;

  g_return_if_fail (LACTD_IS_LINK (self));
  priv = lactd_link_get_instance_private (self);
  ready = !!ready;
  if (priv->ready == ready)
    return;
  priv->ready = ready;
  g_debug ("%s: link %s", priv->address ? priv->address : "?",
           ready ? "ready" : "not ready");
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_READY]);
}

void
lactd_link_set_name (LactdLink *self, const char *name)
{
  LactdLinkPrivate *priv;

  g_return_if_fail (LACTD_IS_LINK (self));
  priv = lactd_link_get_instance_private (self);
  if (g_strcmp0 (priv->name, name) == 0)
    return;
  g_free (priv->name);
  priv->name = g_strdup (name);
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_NAME]);
}

const char *
lactd_link_get_last_error (LactdLink *self)
{
  LactdLinkPrivate *priv;

  g_return_val_if_fail (LACTD_IS_LINK (self), NULL);
  priv = lactd_link_get_instance_private (self);
  return priv->last_error;
}

void
lactd_link_set_last_error (LactdLink *self, const char *message)
{
  LactdLinkPrivate *priv;

  g_return_if_fail (LACTD_IS_LINK (self));
  priv = lactd_link_get_instance_private (self);
  if (message == NULL)
    message = "";
  if (g_strcmp0 (priv->last_error, message) == 0)
    return;
  g_free (priv->last_error);
  priv->last_error = g_strdup (message);
  if (*message != '\0')
    g_message ("%s: %s", priv->address ? priv->address : "?", message);
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_LAST_ERROR]);
}

void
lactd_link_emit_value (LactdLink *self, LactdChar ch, GBytes *value)
{
  g_return_if_fail (LACTD_IS_LINK (self));
  g_return_if_fail ((guint) ch < LACTD_N_CHARS);
  g_return_if_fail (value != NULL);

  g_signal_emit (self, signals[SIGNAL_VALUE_RECEIVED], 0, (int) ch, value);
}

/* Calls a missing vtable slot's callback with an error, so callers always
 * get an answer. */
static void
report_not_supported (LactdLink *self, GAsyncReadyCallback callback,
                      gpointer user_data, gpointer source_tag,
                      const char *what)
{
  g_task_report_new_error (self, callback, user_data, source_tag,
                           G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                           "%s is not supported by %s", what,
                           G_OBJECT_TYPE_NAME (self));
}

void
lactd_link_read_async (LactdLink *self, LactdChar ch,
                       GCancellable *cancellable,
                       GAsyncReadyCallback callback, gpointer user_data)
{
  LactdLinkClass *klass;

  g_return_if_fail (LACTD_IS_LINK (self));
  g_return_if_fail ((guint) ch < LACTD_N_CHARS);

  klass = LACTD_LINK_GET_CLASS (self);
  if (klass->read_async == NULL)
    {
      report_not_supported (self, callback, user_data, lactd_link_read_async,
                            "reading");
      return;
    }
  klass->read_async (self, ch, cancellable, callback, user_data);
}

GBytes *
lactd_link_read_finish (LactdLink *self, GAsyncResult *result,
                        GError **error)
{
  LactdLinkClass *klass;

  g_return_val_if_fail (LACTD_IS_LINK (self), NULL);

  if (g_async_result_is_tagged (result, lactd_link_read_async))
    return g_task_propagate_pointer (G_TASK (result), error);
  klass = LACTD_LINK_GET_CLASS (self);
  return klass->read_finish (self, result, error);
}

void
lactd_link_write_async (LactdLink *self, LactdChar ch, GBytes *value,
                        GCancellable *cancellable,
                        GAsyncReadyCallback callback, gpointer user_data)
{
  LactdLinkClass *klass;

  g_return_if_fail (LACTD_IS_LINK (self));
  g_return_if_fail ((guint) ch < LACTD_N_CHARS);
  g_return_if_fail (value != NULL);

  klass = LACTD_LINK_GET_CLASS (self);
  if (klass->write_async == NULL)
    {
      report_not_supported (self, callback, user_data, lactd_link_write_async,
                            "writing");
      return;
    }
  klass->write_async (self, ch, value, cancellable, callback, user_data);
}

gboolean
lactd_link_write_finish (LactdLink *self, GAsyncResult *result,
                         GError **error)
{
  LactdLinkClass *klass;

  g_return_val_if_fail (LACTD_IS_LINK (self), FALSE);

  if (g_async_result_is_tagged (result, lactd_link_write_async))
    return g_task_propagate_boolean (G_TASK (result), error);
  klass = LACTD_LINK_GET_CLASS (self);
  return klass->write_finish (self, result, error);
}

void
lactd_link_start_notify_async (LactdLink *self, LactdChar ch,
                               GCancellable *cancellable,
                               GAsyncReadyCallback callback,
                               gpointer user_data)
{
  LactdLinkClass *klass;

  g_return_if_fail (LACTD_IS_LINK (self));
  g_return_if_fail ((guint) ch < LACTD_N_CHARS);

  klass = LACTD_LINK_GET_CLASS (self);
  if (klass->start_notify_async == NULL)
    {
      report_not_supported (self, callback, user_data,
                            lactd_link_start_notify_async, "notification");
      return;
    }
  klass->start_notify_async (self, ch, cancellable, callback, user_data);
}

gboolean
lactd_link_start_notify_finish (LactdLink *self, GAsyncResult *result,
                                GError **error)
{
  LactdLinkClass *klass;

  g_return_val_if_fail (LACTD_IS_LINK (self), FALSE);

  if (g_async_result_is_tagged (result, lactd_link_start_notify_async))
    return g_task_propagate_boolean (G_TASK (result), error);
  klass = LACTD_LINK_GET_CLASS (self);
  return klass->start_notify_finish (self, result, error);
}

void
lactd_link_request_connect (LactdLink *self)
{
  LactdLinkClass *klass;

  g_return_if_fail (LACTD_IS_LINK (self));

  klass = LACTD_LINK_GET_CLASS (self);
  if (klass->request_connect != NULL)
    klass->request_connect (self);
}
