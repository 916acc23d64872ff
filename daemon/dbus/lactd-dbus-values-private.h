/* lactd-dbus-values-private.h — the dictionary reader shared by
 * lactd-dbus-values.c (sessions) and lactd-dbus-goal.c (goals).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* One key a dictionary may carry and the type string its value must have. */
typedef struct {
  const char *name;
  const char *type;
} LactdDictKey;

#define LACTD_DICT_MAX_KEYS 16

/* The values found for a LactdDictKey table, by index; NULL when absent. */
typedef struct {
  GVariant *values[LACTD_DICT_MAX_KEYS];
} LactdDictValues;

void lactd_dict_values_clear (LactdDictValues *found);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (LactdDictValues, lactd_dict_values_clear)

/* Sorts every entry of an a{sv} into found->values by keys[]. Fails with
 * INVALID_ARGS on the first unknown, repeated or mistyped key, in message
 * order ("unknown key 'seq'", "start: expected type 'x', got 'i'"). */
gboolean lactd_dict_collect (GVariant *dict, const LactdDictKey *keys,
                             gsize n_keys, LactdDictValues *found,
                             GError **error);

G_END_DECLS
