/* test-dbus.h — shared helpers of the D-Bus value tests.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

/* An a{sv} from key, GVariant* pairs ending with NULL (values floating);
 * returned with a full (sunk) reference. */
GVariant *test_dict_new (const char *first_key, ...);
/* The keys in order, joined by ",". */
char *test_dict_keys (GVariant *dict);
/* The value under key; aborts when missing or of another type. */
GVariant *test_dict_get (GVariant *dict, const char *key, const char *type);

void test_dbus_values_add_tests (void);
void test_dbus_days_add_tests (void);
void test_dbus_goals_add_tests (void);
void test_dbus_api_add_tests (void);
