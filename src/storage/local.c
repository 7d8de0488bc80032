/*
 * local.c - the local driver: files under SOUK_STORAGE_DIR, written through a
 * temporary file and a rename, served by nginx (see storage.h).
 */
#include "souk/storage.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "souk/arena.h"
#include "souk/config.h"
#include "souk/crypto.h"
#include "souk/err.h"
#include "souk/fileutil.h"
#include "souk/log.h"

#define UPLOAD_DIR ".uploads"

/* Writes all of buf to fd. */
static int write_all(int fd, const char *buf, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, buf, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return SOUK_EIO;
		buf += w;
		n -= (size_t)w;
	}
	return SOUK_OK;
}

/* fsync of the directory holding path, so a rename survives a crash. */
static void sync_parent(const char *path)
{
	char dir[4096];
	const char *slash = strrchr(path, '/');
	int fd;

	if (slash == NULL || (size_t)(slash - path) >= sizeof(dir))
		return;
	memcpy(dir, path, (size_t)(slash - path));
	dir[slash - path] = '\0';
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		(void)fsync(fd);
		close(fd);
	}
}

int local_spool(const struct souk_config *cfg, struct arena *a, storage_reader read, void *ctx,
		long long max, struct storage_written *out, char **tmp_path)
{
	char *dir = arena_printf(a, "%s/" UPLOAD_DIR, cfg->storage_dir), *path, buf[65536];
	unsigned char raw[16], digest[32];
	unsigned int dlen = 0;
	EVP_MD_CTX *md;
	int fd, rc = SOUK_OK;
	long n;

	memset(out, 0, sizeof(*out));
	if (file_mkdirs(dir, 0750) != SOUK_OK || crypto_random(raw, sizeof(raw)) != SOUK_OK)
		return SOUK_EIO;
	path = arena_alloc(a, strlen(dir) + 40);
	strcpy(path, dir);
	strcat(path, "/");
	crypto_hex(raw, sizeof(raw), path + strlen(path));
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0640);
	if (fd < 0) {
		log_msg(LOG_ERROR, "cannot create %s: %s", path, strerror(errno));
		return SOUK_EIO;
	}
	md = EVP_MD_CTX_new();
	if (md == NULL || EVP_DigestInit_ex(md, EVP_sha256(), NULL) != 1)
		rc = SOUK_EIO;
	while (rc == SOUK_OK && (n = read(ctx, buf, sizeof(buf))) != 0) {
		if (n < 0) {
			rc = SOUK_EMALFORMED;
			break;
		}
		if (out->size + n > max) {
			rc = SOUK_ETOOLARGE;
			break;
		}
		if (out->head_len < STORAGE_HEAD_BYTES) {
			size_t take = STORAGE_HEAD_BYTES - out->head_len;

			take = (size_t)n < take ? (size_t)n : take;
			memcpy(out->head + out->head_len, buf, take);
			out->head_len += take;
		}
		if (EVP_DigestUpdate(md, buf, (size_t)n) != 1 ||
		    write_all(fd, buf, (size_t)n) != SOUK_OK)
			rc = SOUK_EIO;
		out->size += n;
	}
	if (rc == SOUK_OK && (EVP_DigestFinal_ex(md, digest, &dlen) != 1 || fsync(fd) != 0))
		rc = SOUK_EIO;
	EVP_MD_CTX_free(md);
	if (close(fd) != 0 && rc == SOUK_OK)
		rc = SOUK_EIO;
	if (rc != SOUK_OK) {
		unlink(path);
		return rc;
	}
	crypto_hex(digest, dlen, out->sha256);
	*tmp_path = path;
	return SOUK_OK;
}

int local_commit(const struct souk_config *cfg, struct arena *a, const char *tmp_path,
		 const char *key)
{
	char *path = arena_printf(a, "%s/%s", cfg->storage_dir, key);
	char *parent = arena_strdup(a, path);

	*strrchr(parent, '/') = '\0';
	/* twice: a delete pruning empty folders (local_delete) may take the
	 * parent away between the mkdir and the rename */
	int moved = -1;

	for (int attempt = 0; attempt < 2 && moved != 0; attempt++)
		moved = file_mkdirs(parent, 0755) == SOUK_OK && chmod(tmp_path, 0644) == 0
			    ? rename(tmp_path, path)
			    : -1;
	if (moved != 0) {
		log_msg(LOG_ERROR, "cannot store %s: %s", key, strerror(errno));
		unlink(tmp_path);
		return SOUK_EIO;
	}
	sync_parent(path);
	return SOUK_OK;
}

int local_delete(const struct souk_config *cfg, struct arena *a, const char *key)
{
	char *path = arena_printf(a, "%s/%s", cfg->storage_dir, key);
	char *dir = arena_strdup(a, key), *slash;

	if (unlink(path) != 0 && errno != ENOENT) {
		log_msg(LOG_WARN, "cannot remove %s: %s", key, strerror(errno));
		return SOUK_EIO;
	}
	/* the folders that held it, while empty: "products/<product>/<file>"
	 * and "products/<product>" go, the top level ("products", "public")
	 * stays; the first one that is not empty ends it */
	while ((slash = strrchr(dir, '/')) != NULL) {
		*slash = '\0';
		if (strchr(dir, '/') == NULL ||
		    rmdir(arena_printf(a, "%s/%s", cfg->storage_dir, dir)) != 0)
			break;
	}
	return SOUK_OK;
}
