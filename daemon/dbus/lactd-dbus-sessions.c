/* lactd-dbus-sessions.c — session dictionaries and the aa{sv} replies of
 * ListSessions and ListSessionsPage, built one session at a time.
 *
 * A year of sessions is ~4,400 dictionaries of 16 entries. Each GVariant
 * tree node costs an allocation, a type lookup and later a free, and
 * GDBus walks the tree node by node when it writes the message, so the
 * reply is built from as few distinct nodes as the contract allows: the
 * key strings are shared by every entry, and an entry whose value repeats
 * (a kind, a flag, a duration, a volume, an offset, a sensor address) is
 * made once per reply and referenced from every dictionary that has it.
 * Only id, start, end and a sensor's seq are new entries per session.
 * (Serialised data from g_variant_new_from_data() would be cheaper to
 * build but costs GDBus a child allocation per node when it walks it:
 * measured 2.9x the tree's walk; bench/README.md.)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lactd-dbus"

#include "lactd-dbus-values.h"

#include <string.h>

/* The contract's keys in the contract's order. */
typedef enum {
  KEY_ID,
  KEY_SOURCE,
  KEY_SENSOR,
  KEY_SEQ,
  KEY_KIND,
  KEY_START,
  KEY_END,
  KEY_UTC_OFFSET,
  KEY_DURATION_LEFT,
  KEY_DURATION_RIGHT,
  KEY_DOUBLE,
  KEY_VOLUME_LEFT,
  KEY_VOLUME_RIGHT,
  KEY_SUPPLEMENT,
  KEY_INTERRUPTED,
  KEY_CLOCK_UNSYNCED,
  N_KEYS
} SessionKey;

static const char *const key_names[N_KEYS] = {
  [KEY_ID] = "id",
  [KEY_SOURCE] = "source",
  [KEY_SENSOR] = "sensor",
  [KEY_SEQ] = "seq",
  [KEY_KIND] = "kind",
  [KEY_START] = "start",
  [KEY_END] = "end",
  [KEY_UTC_OFFSET] = "utc_offset",
  [KEY_DURATION_LEFT] = "duration_left",
  [KEY_DURATION_RIGHT] = "duration_right",
  [KEY_DOUBLE] = "double",
  [KEY_VOLUME_LEFT] = "volume_left_ml",
  [KEY_VOLUME_RIGHT] = "volume_right_ml",
  [KEY_SUPPLEMENT] = "supplement_ml",
  [KEY_INTERRUPTED] = "interrupted",
  [KEY_CLOCK_UNSYNCED] = "clock_unsynced",
};

/* An interned entry is found by its key and a small unsigned "raw" value
 * packed into one hash key (fits a 32-bit pointer): raw < 2^27. */
#define RAW_BITS 27
#define RAW_LIMIT (1u << RAW_BITS)
/* utc_offset's raw value: minutes + this, so the model's range of offsets
 * is non-negative. */
#define OFFSET_BIAS (-LACTD_MIN_UTC_OFFSET_MIN)

struct _LactdSessionsBuilder {
  GVariant *keys[N_KEYS];   /* the key strings, shared by every entry */
  GHashTable *entries;      /* packed (key, raw) -> {sv}, one ref each */
  GHashTable *sensors;      /* address -> its "sensor" {sv} */
  GPtrArray *sessions;      /* the dictionaries, floating, in order */
};

/* One {sv} entry, built directly: GVariantBuilder's "{sv}" format string
 * would be parsed for every entry. */
static GVariant *
new_entry (LactdSessionsBuilder *builder, SessionKey key, GVariant *value)
{
  return g_variant_new_dict_entry (builder->keys[key],
                                   g_variant_new_variant (value));
}

/* The value of an interned entry from its raw form. */
static GVariant *
value_of_raw (SessionKey key, guint32 raw)
{
  switch (key)
    {
    case KEY_SOURCE:
      return g_variant_new_string (raw ? "sensor" : "manual");
    case KEY_KIND:
      return g_variant_new_string (
        lactd_session_kind_to_string ((LactdSessionKind) raw));
    case KEY_UTC_OFFSET:
      return g_variant_new_int32 ((gint32) raw - OFFSET_BIAS);
    case KEY_DOUBLE:
    case KEY_INTERRUPTED:
    case KEY_CLOCK_UNSYNCED:
      return g_variant_new_boolean (raw != 0);
    case KEY_VOLUME_LEFT:
    case KEY_VOLUME_RIGHT:
    case KEY_SUPPLEMENT:
      return g_variant_new_double (lactd_tenths_to_ml (raw));
    default:   /* seq, durations */
      return g_variant_new_uint32 (raw);
    }
}

/* The shared entry for (key, raw), made on first use; the builder keeps
 * its reference, and the dictionary takes one of its own. */
static GVariant *
interned_entry (LactdSessionsBuilder *builder, SessionKey key, guint32 raw)
{
  gpointer packed = GUINT_TO_POINTER (((guint) key << RAW_BITS) | raw);
  GVariant *entry;

  g_assert (raw < RAW_LIMIT);
  entry = g_hash_table_lookup (builder->entries, packed);
  if (entry == NULL)
    {
      entry = g_variant_ref_sink (new_entry (builder, key,
                                             value_of_raw (key, raw)));
      g_hash_table_insert (builder->entries, packed, entry);
    }
  return entry;
}

/* A u32 entry interned when small enough (durations), else new. */
static GVariant *
uint32_entry (LactdSessionsBuilder *builder, SessionKey key, guint32 value)
{
  if (value < RAW_LIMIT)
    return interned_entry (builder, key, value);
  return new_entry (builder, key, g_variant_new_uint32 (value));
}

static GVariant *
offset_entry (LactdSessionsBuilder *builder, gint32 minutes)
{
  gint64 raw = (gint64) minutes + OFFSET_BIAS;

  if (raw >= 0 && raw < RAW_LIMIT)
    return interned_entry (builder, KEY_UTC_OFFSET, (guint32) raw);
  return new_entry (builder, KEY_UTC_OFFSET, g_variant_new_int32 (minutes));
}

static GVariant *
sensor_entry (LactdSessionsBuilder *builder, const LactdSession *session)
{
  const char *address = session->from_sensor ? session->address : "";
  GVariant *entry = g_hash_table_lookup (builder->sensors, address);

  if (entry == NULL)
    {
      entry = g_variant_ref_sink (new_entry (builder, KEY_SENSOR,
                                             g_variant_new_string (address)));
      g_hash_table_insert (builder->sensors, g_strdup (address), entry);
    }
  return entry;
}

/* The session's a{sv}, floating; entries in the contract's order, each
 * volume only when measured. */
static GVariant *
session_dict (LactdSessionsBuilder *builder, const LactdSession *session)
{
  const LactdSession *s = session;
  GVariant *entries[N_KEYS];
  guint n = 0;

  entries[n++] = new_entry (builder, KEY_ID, g_variant_new_uint64 (s->id));
  entries[n++] = interned_entry (builder, KEY_SOURCE, s->from_sensor != 0);
  entries[n++] = sensor_entry (builder, s);
  entries[n++] = s->from_sensor
                 ? new_entry (builder, KEY_SEQ, g_variant_new_uint32 (s->seq))
                 : interned_entry (builder, KEY_SEQ, 0);
  entries[n++] = interned_entry (builder, KEY_KIND, s->kind);
  entries[n++] = new_entry (builder, KEY_START, g_variant_new_int64 (s->start));
  entries[n++] = new_entry (builder, KEY_END,
                            g_variant_new_int64 (lactd_session_end (s)));
  entries[n++] = offset_entry (builder, s->utc_offset_min);
  entries[n++] = uint32_entry (builder, KEY_DURATION_LEFT, s->duration_left);
  entries[n++] = uint32_entry (builder, KEY_DURATION_RIGHT, s->duration_right);
  entries[n++] = interned_entry (builder, KEY_DOUBLE, s->double_sided != 0);
  /* Unmeasured volumes are left out, never sent as 0. */
  if (s->volume_left_tenths >= 0)
    entries[n++] = uint32_entry (builder, KEY_VOLUME_LEFT,
                                 (guint32) s->volume_left_tenths);
  if (s->volume_right_tenths >= 0)
    entries[n++] = uint32_entry (builder, KEY_VOLUME_RIGHT,
                                 (guint32) s->volume_right_tenths);
  if (s->supplement_tenths >= 0)
    entries[n++] = uint32_entry (builder, KEY_SUPPLEMENT,
                                 (guint32) s->supplement_tenths);
  entries[n++] = interned_entry (builder, KEY_INTERRUPTED, s->interrupted != 0);
  entries[n++] = interned_entry (builder, KEY_CLOCK_UNSYNCED,
                                 s->clock_unsynced != 0);
  /* g_variant_new_array() sinks the new (floating) entries and takes a
   * reference of its own to each shared one. */
  return g_variant_new_array (G_VARIANT_TYPE ("{sv}"), entries, n);
}

LactdSessionsBuilder *
lactd_sessions_builder_new (guint expected)
{
  LactdSessionsBuilder *builder = g_new0 (LactdSessionsBuilder, 1);

  for (guint i = 0; i < N_KEYS; i++)
    builder->keys[i] = g_variant_ref_sink (g_variant_new_string (key_names[i]));
  builder->entries = g_hash_table_new_full (g_direct_hash, g_direct_equal,
                                            NULL,
                                            (GDestroyNotify) g_variant_unref);
  builder->sensors = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                            (GDestroyNotify) g_variant_unref);
  builder->sessions = g_ptr_array_sized_new (expected);
  return builder;
}

void
lactd_sessions_builder_add (LactdSessionsBuilder *builder,
                            const LactdSession *session)
{
  g_return_if_fail (builder != NULL && session != NULL);
  g_return_if_fail (lactd_session_kind_to_string (session->kind) != NULL);
  g_ptr_array_add (builder->sessions, session_dict (builder, session));
}

guint
lactd_sessions_builder_get_count (LactdSessionsBuilder *builder)
{
  g_return_val_if_fail (builder != NULL, 0);
  return builder->sessions->len;
}

void
lactd_sessions_builder_free (LactdSessionsBuilder *builder)
{
  if (builder == NULL)
    return;
  for (guint i = 0; i < builder->sessions->len; i++)
    g_variant_unref (g_variant_ref_sink (builder->sessions->pdata[i]));
  g_ptr_array_unref (builder->sessions);
  g_hash_table_unref (builder->sensors);
  g_hash_table_unref (builder->entries);
  for (guint i = 0; i < N_KEYS; i++)
    g_variant_unref (builder->keys[i]);
  g_free (builder);
}

GVariant *
lactd_sessions_builder_end (LactdSessionsBuilder *builder)
{
  GVariant *reply;

  g_return_val_if_fail (builder != NULL, NULL);
  reply = g_variant_new_array (G_VARIANT_TYPE_VARDICT,
                               (GVariant **) builder->sessions->pdata,
                               builder->sessions->len);
  /* The reply holds the dictionaries now; only the builder's own
   * references (keys, shared entries) are left to drop. */
  g_ptr_array_set_size (builder->sessions, 0);
  lactd_sessions_builder_free (builder);
  return reply;
}

GVariant *
lactd_session_to_variant (const LactdSession *session)
{
  LactdSessionsBuilder *builder;
  GVariant *dict;

  g_return_val_if_fail (session != NULL, NULL);
  g_return_val_if_fail (lactd_session_kind_to_string (session->kind) != NULL,
                        NULL);
  builder = lactd_sessions_builder_new (1);
  dict = session_dict (builder, session);
  lactd_sessions_builder_free (builder);
  return dict;
}

GVariant *
lactd_sessions_to_variant (const GArray *sessions)
{
  LactdSessionsBuilder *builder =
    lactd_sessions_builder_new (sessions != NULL ? sessions->len : 0);

  for (guint i = 0; sessions != NULL && i < sessions->len; i++)
    lactd_sessions_builder_add (builder,
                                &g_array_index (sessions, LactdSession, i));
  return lactd_sessions_builder_end (builder);
}
