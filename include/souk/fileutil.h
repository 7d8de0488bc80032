/*
 * fileutil.h - small file helpers shared by the admin tools and storage.
 */
#ifndef SOUK_FILEUTIL_H
#define SOUK_FILEUTIL_H

#include <stddef.h>
#include <sys/types.h>

struct arena;

/* Reads the whole file (at most max bytes) into the arena, NUL-terminated.
 * SOUK_OK, SOUK_ENOTFOUND, SOUK_ETOOLARGE or SOUK_EIO. */
int file_read_all(struct arena *a, const char *path, size_t max, char **out, size_t *len);

/* Names of dir's files matching NNN_name.sql (digits, underscore, [a-z0-9_-]),
 * sorted by name, in the arena. SOUK_OK or SOUK_EIO (errno set). */
int file_list_sql(struct arena *a, const char *dir, char ***names, size_t *n);

/* mkdir -p with mode for every missing directory. SOUK_OK or SOUK_EIO. */
int file_mkdirs(const char *path, mode_t mode);

/* Copies src to dst atomically (a temporary file in dst's directory, fsync,
 * rename), creating dst's directories. SOUK_OK or SOUK_EIO. */
int file_copy_atomic(const char *src, const char *dst);

#endif
