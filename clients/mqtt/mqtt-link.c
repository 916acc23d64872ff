/* mqtt-link.c — libmosquitto on the GLib main loop.
 *
 * libmosquitto writes packets inside the calls made to it (publish,
 * subscribe, loop_write, loop_misc, and loop_read when a PUBACK frees
 * room for a queued message or an incoming QoS 1 message is
 * acknowledged). After each of those the keep-alive deadline is re-armed
 * to now + LACTD_MQTT_KEEPALIVE; at the deadline mosquitto_loop_misc()
 * sends the PINGREQ (or, with the previous one unanswered, drops the
 * connection). A PINGRESP alone does not re-arm it, so an idle link
 * wakes twice per keep-alive and never more.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lactd-mqtt"

#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include <glib-unix.h>
#include <mosquitto.h>

#include "mqtt-link.h"

#define RETRY_FIRST_MS   1000
#define RETRY_MAX_MS     60000
#define RETRY_JITTER     0.2

typedef enum {
  LINK_IDLE,          /* no socket; a retry may be scheduled */
  LINK_CONNECTING,    /* socket open, no CONNACK yet */
  LINK_CONNECTED,     /* CONNACK accepted */
  LINK_STOPPED,       /* disconnected on purpose */
} LinkState;

typedef struct {
  GSource source;
  LactdMqttLink *link;
} LinkSource;

struct _LactdMqttLink {
  struct mosquitto *mosq;
  char *host;
  guint16 port;
  gboolean tls;
  char *where;                 /* "host:port", for messages */
  LactdMqttLinkCallbacks callbacks;
  gpointer user_data;

  LinkState state;
  GSource *source;
  gpointer fd_tag;
  int fd;
  guint retry_id;
  guint failures;              /* consecutive, since the last CONNACK */
  gboolean wrote;              /* a callback during a call implies a write */
  gboolean lost;               /* on_disconnect ran during a call */
  char *refusal;               /* why the broker refused the CONNECT */
};

static void link_schedule_retry (LactdMqttLink *self);

/* ------------------------------------------------------- keep-alive */

static void
link_arm_keepalive (LactdMqttLink *self)
{
  g_source_set_ready_time (self->source,
                           g_get_monotonic_time () +
                           (gint64) LACTD_MQTT_KEEPALIVE * G_USEC_PER_SEC);
}

/* Watches the socket libmosquitto has now, for reading always and for
 * writing while it has something to send. */
static void
link_update_watch (LactdMqttLink *self)
{
  int fd = mosquitto_socket (self->mosq);
  GIOCondition events;

  if (fd != self->fd && self->fd_tag != NULL)
    {
      g_source_remove_unix_fd (self->source, self->fd_tag);
      self->fd_tag = NULL;
    }
  self->fd = fd;
  if (fd < 0)
    return;
  events = G_IO_IN | (mosquitto_want_write (self->mosq) ? G_IO_OUT : 0);
  if (self->fd_tag == NULL)
    self->fd_tag = g_source_add_unix_fd (self->source, fd, events);
  else
    g_source_modify_unix_fd (self->source, self->fd_tag, events);
}

/* --------------------------------------------------------- failures */

static char *
describe_rc (int rc, int saved_errno)
{
  if (rc == MOSQ_ERR_ERRNO)
    return g_strdup (g_strerror (saved_errno));
  if (rc == MOSQ_ERR_TLS)
    return g_strdup ("TLS failed (certificate not trusted by ca_file or the "
                     "system's CAs, or not issued for this host name)");
  return g_strdup (mosquitto_strerror (rc));
}

/* The connection attempt or the connection is over: stop watching the
 * socket, tell the owner, and retry later. */
static void
link_failed (LactdMqttLink *self, const char *reason)
{
  gboolean was_connected = self->state == LINK_CONNECTED;

  if (self->fd_tag != NULL)
    g_source_remove_unix_fd (self->source, self->fd_tag);
  self->fd_tag = NULL;
  self->fd = -1;
  g_source_set_ready_time (self->source, -1);
  if (self->state == LINK_STOPPED)
    return;
  if (was_connected)
    g_warning ("Connection to the MQTT broker %s lost: %s", self->where, reason);
  else
    g_warning ("Cannot connect to the MQTT broker %s: %s", self->where, reason);
  self->state = LINK_IDLE;
  if (was_connected && self->callbacks.disconnected != NULL)
    self->callbacks.disconnected (self->user_data);
  link_schedule_retry (self);
}

/* After every call into libmosquitto: its result, the socket it has now,
 * whether it wrote, and whether the connection ended during the call. */
static void
link_after_call (LactdMqttLink *self, int rc, int saved_errno, gboolean wrote)
{
  g_autofree char *reason = NULL;

  if (self->state == LINK_IDLE || self->state == LINK_STOPPED)
    return;
  if (rc == MOSQ_ERR_SUCCESS && !self->lost && mosquitto_socket (self->mosq) >= 0)
    {
      link_update_watch (self);
      if (wrote || self->wrote)
        link_arm_keepalive (self);
      self->wrote = FALSE;
      return;
    }
  self->wrote = FALSE;
  self->lost = FALSE;
  if (self->refusal != NULL)
    reason = g_steal_pointer (&self->refusal);
  else
    reason = describe_rc (rc != MOSQ_ERR_SUCCESS ? rc : MOSQ_ERR_CONN_LOST,
                          saved_errno);
  link_failed (self, reason);
}

/* ------------------------------------------------ libmosquitto calls */

static void
on_connect (struct mosquitto *mosq, void *user_data, int rc)
{
  LactdMqttLink *self = user_data;

  if (rc != 0)
    {
      g_free (self->refusal);
      self->refusal = g_strdup_printf ("the broker refused the connection: %s%s",
                                       mosquitto_connack_string (rc),
                                       rc == 4 || rc == 5 ?
                                       " (check username and password_file)" : "");
      return;
    }
  self->state = LINK_CONNECTED;
  self->failures = 0;
  g_message ("Connected to the MQTT broker %s%s", self->where,
             self->tls ? " (TLS, certificate verified)" : "");
  if (self->callbacks.connected != NULL)
    self->callbacks.connected (self->user_data);
}

static void
on_disconnect (struct mosquitto *mosq, void *user_data, int rc)
{
  LactdMqttLink *self = user_data;

  self->lost = TRUE;
}

static void
on_publish (struct mosquitto *mosq, void *user_data, int mid)
{
  LactdMqttLink *self = user_data;

  /* The PUBACK may have let libmosquitto send a queued message. */
  self->wrote = TRUE;
  if (self->callbacks.published != NULL)
    self->callbacks.published (mid, self->user_data);
}

static void
on_message (struct mosquitto *mosq, void *user_data,
            const struct mosquitto_message *message)
{
  LactdMqttLink *self = user_data;

  /* A QoS 1 message was acknowledged with a PUBACK before this. */
  if (message->qos > 0)
    self->wrote = TRUE;
  if (self->callbacks.message != NULL)
    self->callbacks.message (message->topic, message->payload,
                             (gsize) MAX (message->payloadlen, 0),
                             message->retain, self->user_data);
}

static void
on_log (struct mosquitto *mosq, void *user_data, int level, const char *text)
{
  if (level & (MOSQ_LOG_ERR | MOSQ_LOG_WARNING))
    g_warning ("libmosquitto: %s", text);
  else
    g_debug ("libmosquitto: %s", text);
}

/* A TLS handshake that meets an error or end of file would be retried by
 * libmosquitto at every wake-up (SSL_ERROR_SYSCALL): end it here. */
static gboolean
link_socket_failed (LactdMqttLink *self, GIOCondition revents, char **reason)
{
  int error = 0;
  socklen_t len = sizeof error;
  char byte;
  ssize_t n;

  if (self->state != LINK_CONNECTING)
    return FALSE;
  if (revents & G_IO_ERR)
    {
      if (getsockopt (self->fd, SOL_SOCKET, SO_ERROR, &error, &len) != 0 || error == 0)
        error = ECONNRESET;
      *reason = g_strdup (g_strerror (error));
      return TRUE;
    }
  if (!(revents & (G_IO_IN | G_IO_HUP)))
    return FALSE;
  n = recv (self->fd, &byte, 1, MSG_PEEK | MSG_DONTWAIT);
  if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR))
    {
      *reason = g_strdup (n == 0 ? "the broker closed the connection before "
                          "accepting it (a TLS listener without tls, or the reverse?)"
                          : g_strerror (errno));
      return TRUE;
    }
  return FALSE;
}

static void
link_dispatch_io (LactdMqttLink *self, GIOCondition revents)
{
  g_autofree char *reason = NULL;
  int rc = MOSQ_ERR_SUCCESS;

  if (link_socket_failed (self, revents, &reason))
    {
      link_failed (self, reason);
      return;
    }
  /* loop_read also drives the TLS handshake, for either readiness. */
  if (revents & (G_IO_IN | G_IO_HUP | G_IO_ERR) ||
      (self->state == LINK_CONNECTING && self->tls))
    {
      errno = 0;
      rc = mosquitto_loop_read (self->mosq, 1);
      link_after_call (self, rc, errno, FALSE);
    }
  if (rc == MOSQ_ERR_SUCCESS && (revents & G_IO_OUT) && self->fd >= 0 &&
      mosquitto_want_write (self->mosq))
    {
      errno = 0;
      rc = mosquitto_loop_write (self->mosq, 1);
      link_after_call (self, rc, errno, TRUE);
    }
}

static gboolean
link_source_dispatch (GSource *source, GSourceFunc callback, gpointer data)
{
  LactdMqttLink *self = ((LinkSource *) source)->link;
  gint64 ready = g_source_get_ready_time (source);
  GIOCondition revents = 0;

  if (self->fd_tag != NULL)
    revents = g_source_query_unix_fd (source, self->fd_tag);
  if (revents != 0)
    link_dispatch_io (self, revents);
  if (ready >= 0 && g_source_get_time (source) >= ready &&
      g_source_get_ready_time (source) == ready && self->fd >= 0)
    {
      int rc;

      errno = 0;
      rc = mosquitto_loop_misc (self->mosq);
      g_debug ("Keep-alive check");
      link_after_call (self, rc, errno, TRUE);
    }
  return G_SOURCE_CONTINUE;
}

static GSourceFuncs link_source_funcs = {
  .dispatch = link_source_dispatch,
};

/* ------------------------------------------------------- connecting */

static void
link_connect (LactdMqttLink *self)
{
  int rc;

  self->state = LINK_CONNECTING;
  self->lost = FALSE;
  g_clear_pointer (&self->refusal, g_free);
  g_debug ("Connecting to %s", self->where);
  errno = 0;
  rc = mosquitto_connect_async (self->mosq, self->host, self->port,
                                LACTD_MQTT_KEEPALIVE);
  /* The keep-alive deadline bounds the wait for the CONNACK: libmosquitto
   * drops a connection that is not up by then. */
  link_after_call (self, rc, errno, TRUE);
}

static gboolean
link_retry_cb (gpointer user_data)
{
  LactdMqttLink *self = user_data;

  self->retry_id = 0;
  link_connect (self);
  return G_SOURCE_REMOVE;
}

static void
link_schedule_retry (LactdMqttLink *self)
{
  guint64 delay = RETRY_FIRST_MS;
  guint ms;

  for (guint i = 0; i < self->failures && delay < RETRY_MAX_MS; i++)
    delay *= 2;
  delay = MIN (delay, RETRY_MAX_MS);
  ms = (guint) (delay * g_random_double_range (1.0 - RETRY_JITTER, 1.0 + RETRY_JITTER));
  ms = MIN (ms, RETRY_MAX_MS);
  self->failures++;
  g_message ("Next attempt to connect to %s in %.1f s", self->where, ms / 1000.0);
  g_clear_handle_id (&self->retry_id, g_source_remove);
  self->retry_id = g_timeout_add (ms, link_retry_cb, self);
}

/* ------------------------------------------------------------ setup */

static gboolean
link_configure_tls (LactdMqttLink *self, const LactdMqttConfig *config,
                    GError **error)
{
  int rc;

  if (config->ca_file != NULL)
    rc = mosquitto_tls_set (self->mosq, config->ca_file, NULL, NULL, NULL, NULL);
  else
    rc = mosquitto_int_option (self->mosq, MOSQ_OPT_TLS_USE_OS_CERTS, 1);
  if (rc == MOSQ_ERR_SUCCESS)
    rc = mosquitto_tls_opts_set (self->mosq, 1 /* SSL_VERIFY_PEER */, NULL, NULL);
  if (rc == MOSQ_ERR_SUCCESS)
    rc = mosquitto_tls_insecure_set (self->mosq, false);
  if (rc != MOSQ_ERR_SUCCESS)
    {
      g_set_error (error, LACTD_MQTT_ERROR, LACTD_MQTT_ERROR_CONFIG,
                   "%s: cannot use TLS with ca_file %s: %s", config->path,
                   config->ca_file != NULL ? config->ca_file : "(system CAs)",
                   mosquitto_strerror (rc));
      return FALSE;
    }
  return TRUE;
}

static gboolean
link_configure (LactdMqttLink *self, const LactdMqttConfig *config,
                const char *will_topic, const char *will_payload,
                GError **error)
{
  int rc = mosquitto_int_option (self->mosq, MOSQ_OPT_PROTOCOL_VERSION,
                                 MQTT_PROTOCOL_V311);

  if (rc == MOSQ_ERR_SUCCESS && config->username != NULL)
    rc = mosquitto_username_pw_set (self->mosq, config->username, config->password);
  if (rc == MOSQ_ERR_SUCCESS)
    rc = mosquitto_will_set (self->mosq, will_topic, (int) strlen (will_payload),
                             will_payload, 1, true);
  if (rc != MOSQ_ERR_SUCCESS)
    {
      g_set_error (error, LACTD_MQTT_ERROR, LACTD_MQTT_ERROR_CONFIG,
                   "%s: cannot set up the MQTT client: %s", config->path,
                   mosquitto_strerror (rc));
      return FALSE;
    }
  if (config->tls && !link_configure_tls (self, config, error))
    return FALSE;
  mosquitto_connect_callback_set (self->mosq, on_connect);
  mosquitto_disconnect_callback_set (self->mosq, on_disconnect);
  mosquitto_publish_callback_set (self->mosq, on_publish);
  mosquitto_message_callback_set (self->mosq, on_message);
  mosquitto_log_callback_set (self->mosq, on_log);
  return TRUE;
}

LactdMqttLink *
lactd_mqtt_link_new (const LactdMqttConfig *config, const char *will_topic,
                     const char *will_payload,
                     const LactdMqttLinkCallbacks *callbacks,
                     gpointer user_data, GError **error)
{
  g_autoptr(LactdMqttLink) self = g_new0 (LactdMqttLink, 1);

  self->fd = -1;
  self->host = g_strdup (config->host);
  self->port = config->port;
  self->tls = config->tls;
  self->where = g_strdup_printf ("%s:%u", config->host, config->port);
  self->callbacks = *callbacks;
  self->user_data = user_data;
  self->source = g_source_new (&link_source_funcs, sizeof (LinkSource));
  ((LinkSource *) self->source)->link = self;
  g_source_set_name (self->source, "lactd-mqtt link");
  g_source_attach (self->source, NULL);
  /* clean session off: a persistent session on the broker. */
  self->mosq = mosquitto_new (config->client_id, false, self);
  if (self->mosq == NULL)
    {
      g_set_error (error, LACTD_MQTT_ERROR, LACTD_MQTT_ERROR_CONFIG,
                   "Cannot create the MQTT client: %s", g_strerror (errno));
      return NULL;
    }
  if (!link_configure (self, config, will_topic, will_payload, error))
    return NULL;
  return g_steal_pointer (&self);
}

void
lactd_mqtt_link_free (LactdMqttLink *self)
{
  if (self == NULL)
    return;
  g_clear_handle_id (&self->retry_id, g_source_remove);
  if (self->source != NULL)
    {
      g_source_destroy (self->source);
      g_source_unref (self->source);
    }
  if (self->mosq != NULL)
    mosquitto_destroy (self->mosq);
  g_free (self->refusal);
  g_free (self->where);
  g_free (self->host);
  g_free (self);
}

void
lactd_mqtt_link_start (LactdMqttLink *self)
{
  if (self->state == LINK_IDLE && self->retry_id == 0)
    link_connect (self);
}

gboolean
lactd_mqtt_link_is_connected (LactdMqttLink *self)
{
  return self->state == LINK_CONNECTED;
}

gboolean
lactd_mqtt_link_publish (LactdMqttLink *self, const char *topic,
                         const void *payload, gsize length, int qos,
                         gboolean retain, int *mid, GError **error)
{
  int rc;

  if (self->state != LINK_CONNECTED)
    {
      g_set_error (error, LACTD_MQTT_ERROR, LACTD_MQTT_ERROR_BROKER,
                   "Not connected to the MQTT broker");
      return FALSE;
    }
  errno = 0;
  rc = mosquitto_publish (self->mosq, mid, topic, (int) length, payload, qos, retain);
  if (rc != MOSQ_ERR_SUCCESS)
    {
      int saved = errno;
      g_autofree char *reason = describe_rc (rc, saved);

      g_set_error (error, LACTD_MQTT_ERROR, LACTD_MQTT_ERROR_BROKER,
                   "Cannot publish on %s: %s", topic, reason);
      /* A lost connection is noticed here as well as by the socket. */
      link_after_call (self, rc == MOSQ_ERR_NO_CONN || rc == MOSQ_ERR_CONN_LOST ||
                       rc == MOSQ_ERR_ERRNO ? rc : MOSQ_ERR_SUCCESS, saved, TRUE);
      return FALSE;
    }
  link_after_call (self, rc, 0, TRUE);
  return TRUE;
}

gboolean
lactd_mqtt_link_publish_text (LactdMqttLink *self, const char *topic,
                              const char *text, int qos, gboolean retain,
                              int *mid, GError **error)
{
  return lactd_mqtt_link_publish (self, topic, text, strlen (text), qos, retain,
                                  mid, error);
}

gboolean
lactd_mqtt_link_subscribe (LactdMqttLink *self, const char *const *topics,
                           int qos, GError **error)
{
  int count = (int) g_strv_length ((char **) topics);
  int rc;

  if (self->state != LINK_CONNECTED)
    {
      g_set_error (error, LACTD_MQTT_ERROR, LACTD_MQTT_ERROR_BROKER,
                   "Not connected to the MQTT broker");
      return FALSE;
    }
  rc = mosquitto_subscribe_multiple (self->mosq, NULL, count,
                                     (char *const *const) topics, qos, 0, NULL);
  link_after_call (self, MOSQ_ERR_SUCCESS, 0, TRUE);
  if (rc != MOSQ_ERR_SUCCESS)
    {
      g_set_error (error, LACTD_MQTT_ERROR, LACTD_MQTT_ERROR_BROKER,
                   "Cannot subscribe: %s", mosquitto_strerror (rc));
      return FALSE;
    }
  return TRUE;
}

void
lactd_mqtt_link_disconnect (LactdMqttLink *self)
{
  g_clear_handle_id (&self->retry_id, g_source_remove);
  if (self->state == LINK_CONNECTED || self->state == LINK_CONNECTING)
    {
      mosquitto_disconnect (self->mosq);
      /* The DISCONNECT went out in the call unless the socket was full;
       * what is left is dropped with the connection. */
      mosquitto_loop_write (self->mosq, 1);
    }
  self->state = LINK_STOPPED;
  link_failed (self, "stopped");
}
