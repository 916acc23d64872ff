/* lactd-link.h — the seam between a sensor transport and the sync engine.
 *
 * A LactdLink is one sensor as seen through some transport: BlueZ over
 * D-Bus (lactd-bluez-link.c) or the in-process simulated sensor
 * (lactd-sim-link.c, chosen only by `lactd --simulate`). Like
 * iio-sensor-proxy's drivers, each transport fills in the class vtable;
 * everything above it (decode, sync, live tracking) runs the same code
 * whatever the transport, on real LSP bytes.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* The characteristics lactd uses, found by UUID by each transport. */
typedef enum {
  LACTD_CHAR_FEATURES,
  LACTD_CHAR_LIVE_PROGRESS,
  LACTD_CHAR_SESSION_RECORD,
  LACTD_CHAR_RACP,
  LACTD_CHAR_DEVICE_TIME,
  LACTD_CHAR_BATTERY_LEVEL,
  LACTD_CHAR_MANUFACTURER,
  LACTD_CHAR_MODEL_NUMBER,
  LACTD_CHAR_SERIAL_NUMBER,
  LACTD_CHAR_FIRMWARE_REVISION,
  LACTD_N_CHARS
} LactdChar;

/* The UUID string of a characteristic (from protocol/lsp.h). */
const char *lactd_char_uuid (LactdChar ch);
/* A short name for logs: "features", "live-progress", ... */
const char *lactd_char_name (LactdChar ch);

#define LACTD_TYPE_LINK (lactd_link_get_type ())
G_DECLARE_DERIVABLE_TYPE (LactdLink, lactd_link, LACTD, LINK, GObject)

/* The _finish slots default to returning the result of a GTask; a
 * transport that answers with GTasks fills in only the _async ones. */
struct _LactdLinkClass {
  GObjectClass parent_class;

  /* Reads a characteristic's current value. */
  void     (*read_async)          (LactdLink           *self,
                                   LactdChar            ch,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data);
  GBytes * (*read_finish)         (LactdLink           *self,
                                   GAsyncResult        *result,
                                   GError             **error);
  /* Writes with response (ATT write request). Errors are G_IO_ERRORs:
   * BUSY for ATT 0xFE (an RACP procedure already in progress),
   * PERMISSION_DENIED when the bond is lost, NOT_CONNECTED, TIMED_OUT
   * when the transport never answered, else FAILED. After TIMED_OUT or
   * NOT_CONNECTED on a ready link the transport may take the link down
   * ("ready" goes FALSE) and bring it back. */
  void     (*write_async)         (LactdLink           *self,
                                   LactdChar            ch,
                                   GBytes              *value,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data);
  gboolean (*write_finish)        (LactdLink           *self,
                                   GAsyncResult        *result,
                                   GError             **error);
  /* Subscribes to notifications or indications of ch; afterwards every
   * value the sensor sends arrives through ::value-received. Subscribing
   * twice is not an error. */
  void     (*start_notify_async)  (LactdLink           *self,
                                   LactdChar            ch,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data);
  gboolean (*start_notify_finish) (LactdLink           *self,
                                   GAsyncResult        *result,
                                   GError             **error);
  /* Asks the transport to (re)connect soon; a no-op where it does not
   * apply. */
  void     (*request_connect)     (LactdLink           *self);
};

/* Properties:
 *   "address"  s  construct-only, "XX:XX:XX:XX:XX:XX"
 *   "name"     s  the sensor's advertised name
 *   "ready"    b  connected and services resolved: GATT may be used
 *   "last-error" s "" or what the user must do about the link, e.g.
 *                 after a lost bond "bond lost: run `lactctl forget
 *                 ADDRESS` then `lactctl pair ADDRESS`" (Sensor1.LastError,
 *                 where it wins over a sync error while it lasts)
 * Signals:
 *   "value-received" (LactdChar ch, GBytes *value): one per notification
 *   or indication, in the order the transport delivered them (which, per
 *   the contract, says nothing about order across characteristics).
 */

const char *lactd_link_get_address (LactdLink *self);
const char *lactd_link_get_name (LactdLink *self);
gboolean lactd_link_get_ready (LactdLink *self);
const char *lactd_link_get_last_error (LactdLink *self);

void lactd_link_read_async (LactdLink *self, LactdChar ch,
                            GCancellable *cancellable,
                            GAsyncReadyCallback callback, gpointer user_data);
GBytes *lactd_link_read_finish (LactdLink *self, GAsyncResult *result,
                                GError **error);
void lactd_link_write_async (LactdLink *self, LactdChar ch, GBytes *value,
                             GCancellable *cancellable,
                             GAsyncReadyCallback callback, gpointer user_data);
gboolean lactd_link_write_finish (LactdLink *self, GAsyncResult *result,
                                  GError **error);
void lactd_link_start_notify_async (LactdLink *self, LactdChar ch,
                                    GCancellable *cancellable,
                                    GAsyncReadyCallback callback,
                                    gpointer user_data);
gboolean lactd_link_start_notify_finish (LactdLink *self,
                                         GAsyncResult *result,
                                         GError **error);
void lactd_link_request_connect (LactdLink *self);

/* For transports. */
void lactd_link_set_ready (LactdLink *self, gboolean ready);
void lactd_link_set_name (LactdLink *self, const char *name);
/* NULL or "" clears it. */
void lactd_link_set_last_error (LactdLink *self, const char *message);
void lactd_link_emit_value (LactdLink *self, LactdChar ch, GBytes *value);

G_END_DECLS
