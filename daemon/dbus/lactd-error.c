/* lactd-error.c — the org.lactd.Error.* D-Bus error domain.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lactd-dbus"

#include "lactd-error.h"

#include "lactd-model.h"
#include "lactd-store.h"
#include "lactd-transport.h"

static const GDBusErrorEntry lactd_error_entries[] = {
  { LACTD_ERROR_INVALID_ARGS, "org.lactd.Error.InvalidArgs" },
  { LACTD_ERROR_NOT_FOUND, "org.lactd.Error.NotFound" },
  { LACTD_ERROR_NOT_CONNECTED, "org.lactd.Error.NotConnected" },
  { LACTD_ERROR_NO_ADAPTER, "org.lactd.Error.NoAdapter" },
  { LACTD_ERROR_PAIRING_FAILED, "org.lactd.Error.PairingFailed" },
  { LACTD_ERROR_SYNC_FAILED, "org.lactd.Error.SyncFailed" },
  { LACTD_ERROR_BUSY, "org.lactd.Error.Busy" },
  { LACTD_ERROR_STORAGE, "org.lactd.Error.Storage" },
  { LACTD_ERROR_NOT_AUTHORIZED, "org.lactd.Error.NotAuthorized" },
};

G_STATIC_ASSERT (G_N_ELEMENTS (lactd_error_entries) == LACTD_ERROR_N_CODES);

GQuark
lactd_error_quark (void)
{
  /* g_dbus_error_register_error_domain() runs the registration once,
   * thread-safely, and stores the quark here. */
  static gsize quark = 0;

  g_dbus_error_register_error_domain ("lactd-error-quark", &quark,
                                      lactd_error_entries,
                                      G_N_ELEMENTS (lactd_error_entries));
  return (GQuark) quark;
}

const char *
lactd_error_to_dbus_name (LactdError code)
{
  for (gsize i = 0; i < G_N_ELEMENTS (lactd_error_entries); i++)
    {
      if (lactd_error_entries[i].error_code == (gint) code)
        return lactd_error_entries[i].dbus_error_name;
    }
  return NULL;
}

/* A new GError rather than an edited one: the old domain may carry
 * extended private data that only its own free function understands. */
static void
replace_error (GError **error, LactdError code)
{
  GError *converted = g_error_new_literal (LACTD_ERROR, code,
                                           (*error)->message);

  g_clear_error (error);
  *error = converted;
}

void
lactd_error_from_model (GError **error)
{
  if (error != NULL && *error != NULL &&
      (*error)->domain == LACTD_MODEL_ERROR)
    replace_error (error, LACTD_ERROR_INVALID_ARGS);
}

void
lactd_error_from_transport (GError **error)
{
  static const LactdError codes[] = {
    [LACTD_TRANSPORT_ERROR_NO_ADAPTER] = LACTD_ERROR_NO_ADAPTER,
    [LACTD_TRANSPORT_ERROR_BUSY] = LACTD_ERROR_BUSY,
    [LACTD_TRANSPORT_ERROR_NOT_A_SENSOR] = LACTD_ERROR_INVALID_ARGS,
    [LACTD_TRANSPORT_ERROR_PAIRING_FAILED] = LACTD_ERROR_PAIRING_FAILED,
    [LACTD_TRANSPORT_ERROR_NOT_FOUND] = LACTD_ERROR_NOT_FOUND,
  };

  if (error == NULL || *error == NULL ||
      (*error)->domain != LACTD_TRANSPORT_ERROR)
    return;
  replace_error (error, (guint) (*error)->code < G_N_ELEMENTS (codes)
                        ? codes[(*error)->code] : LACTD_ERROR_PAIRING_FAILED);
}

void
lactd_error_from_store (GError **error)
{
  LactdError code;

  if (error == NULL || *error == NULL)
    return;
  if ((*error)->domain == LACTD_ERROR)
    return;

  if ((*error)->domain == LACTD_MODEL_ERROR)
    code = LACTD_ERROR_INVALID_ARGS;
  else if ((*error)->domain == LACTD_STORE_ERROR)
    {
      switch ((LactdStoreError) (*error)->code)
        {
        case LACTD_STORE_ERROR_INVALID:
          code = LACTD_ERROR_INVALID_ARGS;
          break;
        case LACTD_STORE_ERROR_NOT_FOUND:
          code = LACTD_ERROR_NOT_FOUND;
          break;
        case LACTD_STORE_ERROR_STORAGE:
        default:
          code = LACTD_ERROR_STORAGE;
          break;
        }
    }
  else
    {
      /* Anything else reaching here came from below the store's API. */
      code = LACTD_ERROR_STORAGE;
    }

  replace_error (error, code);
}
