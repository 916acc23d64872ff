/* lactd-store-file.c — the store's files: the lock that keeps a store to
 * one process, the clean-shutdown marker kept in that lock file, the
 * files' modes, and moving a damaged database aside.
 *
 * The lock is an exclusive flock() on "<path>.lock", taken before the
 * database is opened and held until it is closed; the kernel drops it
 * when the process dies, so a crash never leaves a stale lock. The lock
 * file also says how its last user left the store: "running <pid>" while
 * open (written and synced before the database is touched), "clean" after
 * a clean close, "damaged" after a close by a user that had seen damage.
 * The file is never removed: a removed lock file could be locked by two
 * processes through two different inodes.
 *
 * Sessions are health data: every file is 0600 whatever the umask (SQLite
 * gives the WAL and shared memory the database file's own mode).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lactd-store"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lactd-store-private.h"

#define STORE_FILE_MODE 0600
#define MARKER_RUNNING "running"
#define MARKER_CLEAN "clean"
#define MARKER_DAMAGED "damaged"

static const char *const companions[] = { "-wal", "-shm", "-journal" };

static gboolean
set_errno_error (GError **error, int saved_errno, const char *path,
                 const char *what, const char *file)
{
  g_set_error (error, LACTD_STORE_ERROR, LACTD_STORE_ERROR_STORAGE,
               "Store %s: cannot %s %s: %s", path, what, file,
               g_strerror (saved_errno));
  return FALSE;
}

static gboolean
refuse_symlink (const char *store_path, const char *file, GError **error)
{
  g_autofree char *target = g_file_read_link (file, NULL);

  g_set_error (error, LACTD_STORE_ERROR, LACTD_STORE_ERROR_STORAGE,
               "Store %s: %s is a symbolic link (to %s); lactd only opens "
               "a real file there: give the target's own path with --db",
               store_path, file, target != NULL ? target : "?");
  return FALSE;
}

gboolean
lactd_store_file_check_path (const char *path, GError **error)
{
  GStatBuf st;

  if (g_lstat (path, &st) != 0)
    {
      if (errno == ENOENT)
        return TRUE;
      return set_errno_error (error, errno, path, "examine", path);
    }
  if (S_ISLNK (st.st_mode))
    return refuse_symlink (path, path, error);
  if (S_ISDIR (st.st_mode))
    {
      g_set_error (error, LACTD_STORE_ERROR, LACTD_STORE_ERROR_STORAGE,
                   "Store %s: opening failed: unable to open database file "
                   "(it is a directory)", path);
      return FALSE;
    }
  return TRUE;
}

/* Opens a file of the store, never through a symbolic link. One it
 * creates (flags with O_CREAT) is 0600 whatever the umask; an existing
 * one loses any group and other bits (an owner's own read-only mode
 * stays, and is then reported by SQLite). */
static int
open_store_file (const char *store_path, const char *file, int flags,
                 gboolean *created_out, GError **error)
{
  int fd = -1;
  gboolean created = FALSE;
  mode_t mode = STORE_FILE_MODE;
  struct stat st;

  if (flags & O_CREAT)
    {
      fd = open (file, flags | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
                 STORE_FILE_MODE);
      created = fd >= 0;
    }
  if (fd < 0 && (!(flags & O_CREAT) || errno == EEXIST))
    fd = open (file, (flags & ~O_CREAT) | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0)
    {
      if (errno == ELOOP)
        refuse_symlink (store_path, file, error);
      else
        set_errno_error (error, errno, store_path, "open", file);
      return -1;
    }
  if (fstat (fd, &st) != 0)
    st.st_mode = 0;   /* cannot tell: make sure */
  else if (!created)
    mode = st.st_mode & STORE_FILE_MODE;
  if ((st.st_mode & 07777) != mode && fchmod (fd, mode) != 0)
    {
      set_errno_error (error, errno, store_path, "make private", file);
      close (fd);
      return -1;
    }
  if (created_out != NULL)
    *created_out = created;
  return fd;
}

/* The marker's first word; "" when there is none. */
static char *
read_marker (int fd)
{
  char buffer[64];
  ssize_t n = pread (fd, buffer, sizeof buffer - 1, 0);

  if (n <= 0)
    return g_strdup ("");
  buffer[n] = '\0';
  return g_strndup (buffer, strcspn (buffer, " \n"));
}

static gboolean
write_marker (int fd, const char *text, gboolean sync)
{
  size_t length = strlen (text);

  return ftruncate (fd, 0) == 0 &&
         pwrite (fd, text, length, 0) == (ssize_t) length &&
         (!sync || fdatasync (fd) == 0);
}

static guint64
read_holder (int fd)
{
  char buffer[64] = "";
  ssize_t n = pread (fd, buffer, sizeof buffer - 1, 0);

  if (n <= 0 || !g_str_has_prefix (buffer, MARKER_RUNNING " "))
    return 0;
  buffer[n] = '\0';
  return g_ascii_strtoull (buffer + strlen (MARKER_RUNNING " "), NULL, 10);
}

guint64
lactd_store_get_lock_holder (const char *path)
{
  g_autofree char *lock_path = g_strconcat (path, ".lock", NULL);
  int fd = open (lock_path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  guint64 pid;

  if (fd < 0)
    return 0;
  pid = read_holder (fd);
  close (fd);
  return pid;
}

/* What a second process is told: the holder's pid as the holder wrote
 * it (the holder writes it right after taking the lock). */
static void
set_locked_error (const char *path, int fd, GError **error)
{
  guint64 pid = read_holder (fd);

  if (pid != 0)
    g_set_error (error, LACTD_STORE_ERROR, LACTD_STORE_ERROR_LOCKED,
                 "Store %s is in use by another lactd (pid %" G_GUINT64_FORMAT
                 "); only one lactd may run on a store", path, pid);
  else
    g_set_error (error, LACTD_STORE_ERROR, LACTD_STORE_ERROR_LOCKED,
                 "Store %s is in use by another lactd (pid unknown); only "
                 "one lactd may run on a store", path);
}

gboolean
lactd_store_file_lock (LactdStore *store, LactdStoreLastClose *last_close,
                       GError **error)
{
  g_autofree char *lock_path = g_strconcat (store->path, ".lock", NULL);
  g_autofree char *marker = NULL;
  g_autofree char *running = NULL;
  int fd = open_store_file (store->path, lock_path, O_RDWR | O_CREAT, NULL,
                            error);

  if (fd < 0)
    return FALSE;
  if (flock (fd, LOCK_EX | LOCK_NB) != 0)
    {
      if (errno == EWOULDBLOCK)
        set_locked_error (store->path, fd, error);
      else
        set_errno_error (error, errno, store->path, "lock", lock_path);
      close (fd);
      return FALSE;
    }

  marker = read_marker (fd);
  if (g_str_equal (marker, MARKER_CLEAN))
    *last_close = LACTD_STORE_LAST_CLOSE_CLEAN;
  else if (g_str_equal (marker, MARKER_DAMAGED))
    *last_close = LACTD_STORE_LAST_CLOSE_DAMAGED;
  else
    *last_close = LACTD_STORE_LAST_CLOSE_UNKNOWN;

  /* Durable before the database is touched: a crash from here on is
   * always seen as one by the next open. */
  running = g_strdup_printf (MARKER_RUNNING " %ld\n", (long) getpid ());
  if (!write_marker (fd, running, TRUE))
    {
      set_errno_error (error, errno, store->path, "write", lock_path);
      close (fd);
      return FALSE;
    }
  store->lock_fd = fd;
  return TRUE;
}

void
lactd_store_file_unlock (LactdStore *store, gboolean clean)
{
  const char *marker = store->damage_seen ? MARKER_DAMAGED "\n"
                                          : MARKER_CLEAN "\n";

  if (store->lock_fd < 0)
    return;
  /* Not synced: losing "clean" only costs a check at the next start. */
  if ((clean || store->damage_seen) && !write_marker (store->lock_fd, marker,
                                                      FALSE))
    g_warning ("Store %s: cannot mark the close in %s.lock: %s", store->path,
               store->path, g_strerror (errno));
  close (store->lock_fd);   /* releases the lock */
  store->lock_fd = -1;
}

/* An existing WAL or shared-memory file of an older lactd may be
 * readable by others: made private too. */
static gboolean
make_companions_private (const char *path, GError **error)
{
  for (guint i = 0; i < G_N_ELEMENTS (companions); i++)
    {
      g_autofree char *file = g_strconcat (path, companions[i], NULL);
      int fd;

      if (!g_file_test (file, G_FILE_TEST_EXISTS) &&
          !g_file_test (file, G_FILE_TEST_IS_SYMLINK))
        continue;
      fd = open_store_file (path, file, O_RDONLY, NULL, error);
      if (fd < 0)
        return FALSE;
      close (fd);
    }
  return TRUE;
}

gboolean
lactd_store_file_prepare (const char *path, gboolean *created, GError **error)
{
  int fd = open_store_file (path, path, O_RDONLY | O_CREAT, created, error);

  if (fd < 0)
    return FALSE;
  close (fd);
  return make_companions_private (path, error);
}

char *
lactd_store_file_move_aside (const char *path, GError **error)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *stamp = g_date_time_format (now, "%Y%m%dT%H%M%SZ");
  g_autofree char *target = g_strdup_printf ("%s.corrupt-%s", path, stamp);

  for (guint n = 1; g_file_test (target, G_FILE_TEST_EXISTS); n++)
    {
      g_free (target);
      target = g_strdup_printf ("%s.corrupt-%s.%u", path, stamp, n);
    }
  if (g_rename (path, target) != 0)
    {
      int saved_errno = errno;
      g_set_error (error, LACTD_STORE_ERROR, LACTD_STORE_ERROR_STORAGE,
                   "Store %s is damaged and cannot be moved aside to %s: %s",
                   path, target, g_strerror (saved_errno));
      return NULL;
    }
  for (guint i = 0; i < G_N_ELEMENTS (companions); i++)
    {
      g_autofree char *from = g_strconcat (path, companions[i], NULL);
      g_autofree char *to = g_strconcat (target, companions[i], NULL);
      if (g_file_test (from, G_FILE_TEST_EXISTS) && g_rename (from, to) != 0)
        g_warning ("Store %s: cannot move %s aside: %s", path, from,
                   g_strerror (errno));
    }
  return g_steal_pointer (&target);
}
