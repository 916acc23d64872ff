/* fake-bluetoothd.h — internals of the fake bluetoothd used by lactd's
 * integration tests.
 *
 * The fake serves org.bluez on whatever bus DBUS_SYSTEM_BUS_ADDRESS names
 * and behaves like bluetoothd 5.66 where python3-dbusmock's bluez5
 * template does not: it has GATT objects, Pair keeps UUIDs, Connect sets
 * Connected and then ServicesResolved, every change is announced with
 * PropertiesChanged and objects come and go with InterfacesAdded/Removed.
 * Each simulated sensor is an LSP v1 peripheral (fake-sensor.c) producing
 * bytes with the project's encoder.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "lsp.h"

G_BEGIN_DECLS

typedef struct _FakeBluez FakeBluez;
typedef struct _FObj FObj;
typedef struct _FAdapter FAdapter;
typedef struct _FDevice FDevice;
typedef struct _FChar FChar;
typedef struct _FSensor FSensor;

/* ------------------------------------------------------ object model */

typedef void (*FObjMethodFunc) (FObj *obj, const char *iface,
                                const char *method, GVariant *params,
                                GDBusMethodInvocation *invocation);
typedef gboolean (*FObjSetFunc) (FObj *obj, const char *iface,
                                 const char *prop, GVariant *value,
                                 GError **error);

/* One exported object: its interfaces with their properties. */
struct _FObj {
  FakeBluez *fb;
  char *path;
  GPtrArray *iface_names;   /* in the order added */
  GHashTable *ifaces;       /* iface → GHashTable (prop → GVariant) */
  GArray *reg_ids;
  gboolean exported;
  gpointer owner;
  FObjMethodFunc method;
  FObjSetFunc set;
};

FObj *fobj_new (FakeBluez *fb, const char *path, gpointer owner,
                FObjMethodFunc method, FObjSetFunc set);
/* props: a{sv}, floating references are sunk. */
void fobj_add_iface (FObj *obj, const char *iface, GVariant *props);
void fobj_export (FObj *obj);
/* Unexports (emitting InterfacesRemoved) and frees. */
void fobj_destroy (FObj *obj);
/* Sets and, when exported and changed (or always), emits PropertiesChanged.
 * Takes a floating value. */
void fobj_set (FObj *obj, const char *iface, const char *prop,
               GVariant *value, gboolean always_emit);
GVariant *fobj_get (FObj *obj, const char *iface, const char *prop);

/* ------------------------------------------------------------ model */

typedef enum {
  PASSKEY_NONE,      /* Just Works */
  PASSKEY_DISPLAY,   /* the sensor shows a passkey: DisplayPasskey */
  PASSKEY_CONFIRM,   /* numeric comparison: RequestConfirmation */
  PASSKEY_KEYBOARD,  /* the user must type one: RequestPasskey */
} PasskeyMode;

typedef enum {
  FAULT_NONE,
  FAULT_READ,
  FAULT_WRITE,
  FAULT_RECORD,
  FAULT_DELETE,
  FAULT_RESPONSE,
} FaultEvent;

typedef enum {
  FAULT_DROP,
  FAULT_KILL,
  FAULT_LOSE,
} FaultAction;

struct _FSensor {
  FakeBluez *fb;
  char *address;
  char *name;
  GStrv uuids;              /* the services it advertises (LSP's) */
  lsp_sensor_kind kind;
  PasskeyMode passkey_mode;
  guint32 passkey;
  gboolean in_range;
  gboolean bond_lost;       /* the sensor forgot its bond */
  gboolean late_gatt;       /* export GATT objects after ServicesResolved */
  gboolean no_autoconnect;  /* bluetoothd never connects it by itself */
  guint connect_delay_ms;
  guint records_per_tick;       /* report pace: records per 1 ms tick */
  guint resolve_delay_ms;       /* Connected to ServicesResolved */
  guint fail_delay_ms;

  /* The record store: sequence numbers low..high are stored. */
  guint32 epoch;
  guint16 capacity;
  guint32 low, high;
  gint64 base_time;
  guint32 highest_delete;
  guint deletes;
  GHashTable *malformed;    /* seq → malformation name (char *) */
  guint8 battery;

  /* Runtime (not persisted). */
  FDevice *connected_via;   /* the device whose link is up, if any */
  guint connect_attempts;
  guint pair_calls;         /* Device1.Pair calls received */
  guint pairs_cancelled;    /* pairings ended by Device1.CancelPairing */
  guint records_sent;
  guint drop_after;         /* 0: off; else drop after that many records */
  guint drop_count;         /* records sent in the current report */
  /* Faults on the link itself (fake-control.c HangCalls, DropAfterResolved,
   * BreakAtt). */
  GHashTable *hang;         /* method name → calls still to leave unanswered */
  GPtrArray *hung;          /* GDBusMethodInvocation* never answered */
  guint drop_after_resolved;  /* links still to drop right after resolving */
  gboolean att_broken;      /* GATT answers "Not connected", link stays up */
  GArray *report_queue;     /* seqs still to send */
  guint report_source;
  guint8 report_opcode;
  gboolean procedure_running;
  /* fake-faults.c: one armed fault, and the ground truth */
  FaultEvent fault_event;       /* FAULT_NONE: none armed */
  FaultAction fault_action;
  guint fault_countdown;
  guint fault_delay_ms;
  FaultEvent fault_pending_event;
  FaultAction fault_pending_action;
  guint fault_source;
  guint faults_fired;
  char *last_client;            /* unique name of the last GATT caller */
  GHashTable *delivered;        /* numbers notified to a subscriber */
  guint deleted_unsent;         /* deleted before ever being notified */
  /* live session */
  guint live_source;
  guint32 live_seq;
  guint live_elapsed;
  guint live_total;
};

struct _FChar {
  FDevice *dev;
  FObj *obj;
  FObj *ccc;                /* CCC descriptor, or NULL */
  const char *uuid;
  gboolean encrypted;
  gboolean notify;          /* notify or indicate */
  GPtrArray *notify_clients; /* unique names */
};

struct _FDevice {
  FakeBluez *fb;
  FAdapter *adapter;
  FSensor *sensor;
  FObj *obj;
  char *path;
  gboolean paired, trusted, connected, resolved;
  gboolean connect_pending, pair_pending;
  gboolean auto_connect;
  gboolean gatt_exported;
  GPtrArray *services;      /* FObj* */
  GPtrArray *chars;         /* FChar* */
  guint resolve_source;
  guint connect_source;
  GDBusMethodInvocation *pending_connect;
  struct _FPairing *pairing; /* a Pair waiting for the agent, or NULL */
};

struct _FAdapter {
  FakeBluez *fb;
  char *id;                 /* "hci0" */
  char *address;
  FObj *obj;
  gboolean powered;
  GHashTable *devices;      /* address → FDevice* */
  GPtrArray *discovery_clients; /* unique names */
  guint discovery_source;
};

typedef struct {
  char *sender;
  char *path;
  char *capability;
} FAgent;

typedef struct {
  char *sender;
  char *path;
  char *adapter_id;
  GStrv uuids;
} FApp;

struct _FakeBluez {
  GDBusConnection *bus;
  GHashTable *objects;      /* path → FObj* (not owned) */
  GHashTable *adapters;     /* id → FAdapter* */
  GHashTable *sensors;      /* address → FSensor* */
  GPtrArray *agents;        /* FAgent* */
  char *default_agent_sender;
  char *default_agent_path;
  GPtrArray *apps;          /* FApp* */
  GHashTable *unplugged;    /* adapter id → GStrv of bonded addresses */
  guint autoconnect_source;
  guint name_lost_sub;
  char *state_file;
  guint control_reg;
  GMainLoop *loop;
  guint hang_objects;       /* GetManagedObjects calls to leave unanswered */
  gboolean silent;          /* property changes without PropertiesChanged */
  GPtrArray *hung;          /* such calls, never answered */
};

GDBusInterfaceInfo *fake_bluez_iface_info (const char *name);
void fake_bluez_save (FakeBluez *fb);
gboolean fake_str_array_has (GPtrArray *array, const char *s);
gboolean fake_str_array_remove (GPtrArray *array, const char *s);
void fake_bluez_emit_error (GDBusMethodInvocation *inv, const char *name,
                            const char *message);

/* fake-device.c */
FAdapter *fake_adapter_new (FakeBluez *fb, const char *id, gboolean powered);
void fake_adapter_free (FAdapter *adapter);
void fake_adapter_set_powered (FAdapter *adapter, gboolean powered);
FDevice *fake_device_new (FAdapter *adapter, FSensor *sensor, gboolean paired,
                          gboolean trusted);
/* The device as bluetoothd knows it from a passive scan: no UUIDs yet;
 * the next discovery tick fills them in. */
void fake_device_forget_uuids (FDevice *dev);
void fake_device_free (FDevice *dev);
void fake_device_drop (FDevice *dev, gboolean by_host);
void fake_device_autoconnect (FDevice *dev);
/* The link comes up, resolved, without PropertiesChanged: a client's
 * cached Connected is now stale (LinkUpSilently). */
void fake_device_link_up_silently (FDevice *dev);

/* fake-gatt.c */
void fake_device_export_gatt (FDevice *dev);
void fake_device_unexport_gatt (FDevice *dev);
void fake_char_free (FChar *ch);
FChar *fake_device_find_char (FDevice *dev, const char *uuid);
void fake_char_notify (FChar *ch, const guint8 *data, gsize len);
gboolean fake_char_notifying (FChar *ch);
void fake_bluez_client_vanished (FakeBluez *fb, const char *sender);
void fake_bluez_adapter_manager_call (FAdapter *adapter, const char *iface,
                                      const char *method, GVariant *params,
                                      GDBusMethodInvocation *inv);
/* Whether a registered GattProfile1 on the adapter claims a UUID. */
gboolean fake_bluez_profile_claims (FakeBluez *fb, FAdapter *adapter,
                                    const char *uuid);
/* The agent to ask for a pairing started by sender (its own, else the
 * default one); FALSE when there is none. */
gboolean fake_bluez_find_agent (FakeBluez *fb, const char *sender,
                                const char **agent_sender,
                                const char **agent_path);

/* fake-control.c */
void fake_control_call (FakeBluez *fb, const char *method, GVariant *params,
                        GDBusMethodInvocation *inv);
void fake_control_load_state (FakeBluez *fb);

/* fake-sensor.c */
FSensor *fake_sensor_new (FakeBluez *fb, const char *address);
void fake_sensor_free (FSensor *sensor);
void fake_sensor_add_records (FSensor *sensor, guint n);
void fake_sensor_reset_epoch (FSensor *sensor, guint32 epoch, guint backlog);
/* Reads a characteristic; returns NULL with error set when refused. */
GBytes *fake_sensor_read (FSensor *sensor, const char *uuid, GError **error);
/* Writes; on success the procedure it starts runs from the main loop. */
gboolean fake_sensor_write (FSensor *sensor, FDevice *dev, const char *uuid,
                            GBytes *value, const char **dbus_error,
                            char **message);
void fake_sensor_link_down (FSensor *sensor);
/* Notifies value as is on "live", "record", "racp" or "battery"; FALSE
 * when that characteristic is unknown or nobody is subscribed. */
gboolean fake_sensor_notify_raw (FSensor *sensor, const char *name,
                                 const guint8 *data, gsize len);
guint32 fake_sensor_start_session (FSensor *sensor, guint seconds);
GVariant *fake_sensor_describe (FSensor *sensor);
/* Whether this call of method is one to leave unanswered (HangCalls);
 * if so, keeps inv (never answered) when keep is TRUE. */
gboolean fake_sensor_hangs (FSensor *sensor, const char *method,
                            GDBusMethodInvocation *inv, gboolean keep);

/* fake-faults.c */
gboolean fake_fault_arm (FSensor *sensor, const char *event, guint n,
                         const char *action, guint delay_ms, char **message);
void fake_fault_clear (FSensor *sensor);
/* Counts an event; TRUE when the armed "lose" fault swallows it. */
gboolean fake_fault_hit (FSensor *sensor, FaultEvent event);
void fake_fault_delivered (FSensor *sensor, guint32 seq);
/* Before a delete of numbers <= upto is applied. */
void fake_fault_deleting (FSensor *sensor, guint32 upto);

G_END_DECLS
