/* store-crash-writer.c — the victim of the crash test: opens the store
 * given as argv[1] and adds batches of 50 sensor records with increasing
 * numbers forever, printing each commit's ack_seq on its own line (and
 * flushing) only after the commit returned; "open" once the store is
 * open. It resumes a little below
 * the highest stored number, so every run also meets records that are
 * already stored, as a re-sync after a crash would.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lactd-store.h"

#define SENSOR "C0:FF:EE:00:00:01"
#define EPOCH 7u
#define BATCH_SIZE 50u
#define RESEND 20u

/* Every run derives the same record from a number, so a record sent
 * again is a duplicate, never a conflict. */
static LactdSession
record_for (guint32 seq)
{
  LactdSession s;

  memset (&s, 0, sizeof s);
  s.seq = seq;
  s.kind = LACTD_SESSION_KIND_PUMP;
  s.start = G_GINT64_CONSTANT (1735689600) + (gint64) seq * 600;
  s.utc_offset_min = 60;
  s.duration_left = seq % 3600;
  s.duration_right = 600;
  s.volume_left_tenths = (gint32) (seq % 10001);
  s.volume_right_tenths = LACTD_VOLUME_NONE;
  s.supplement_tenths = LACTD_VOLUME_NONE;
  return s;
}

int
main (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LactdStore) store = NULL;
  guint32 next;

  if (argc != 2)
    {
      fprintf (stderr, "usage: %s DB\n", argv[0]);
      return 2;
    }
  store = lactd_store_open (argv[1], &error);
  if (store == NULL ||
      !lactd_store_remember_sensor (store, SENSOR, "Crash", "pump", &error))
    {
      fprintf (stderr, "%s\n", error->message);
      return 1;
    }
  /* Tells the driver that opening (recovery, migration) is over. */
  printf ("open\n");
  fflush (stdout);
  if (!lactd_store_highest_seq (store, SENSOR, EPOCH, &next, &error))
    {
      fprintf (stderr, "%s\n", error->message);
      return 1;
    }
  next = next > RESEND ? next - RESEND + 1 : 1;

  for (;;)
    {
      LactdStoreBatch *batch = lactd_store_batch_begin (store, SENSOR, EPOCH,
                                                        &error);
      guint32 ack = 0;

      if (batch == NULL)
        break;
      for (guint32 seq = next; seq < next + BATCH_SIZE; seq++)
        {
          LactdSession s = record_for (seq);
          if (!lactd_store_batch_add_session (batch, &s, NULL, &error))
            break;
        }
      if (error != NULL)
        {
          lactd_store_batch_abort (batch);
          break;
        }
      if (!lactd_store_batch_commit (batch, &ack, &error))
        break;
      printf ("%u\n", ack);
      fflush (stdout);
      next += BATCH_SIZE;
    }
  fprintf (stderr, "%s\n", error->message);
  return 1;
}
