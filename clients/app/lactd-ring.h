/* lactd-ring.h — the day's progress ring: sessions in the last 24 hours
 * against the target, the count written in its middle.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define LACTD_TYPE_RING (lactd_ring_get_type ())
G_DECLARE_FINAL_TYPE (LactdRing, lactd_ring, LACTD, RING, GtkWidget)

GtkWidget *lactd_ring_new (void);
void lactd_ring_set_progress (LactdRing *self, guint sessions, guint target);

G_END_DECLS
