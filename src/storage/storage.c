/* storage.c - what both drivers share, and the choice between them. */
#include "souk/storage.h"

#include <string.h>
#include <unistd.h>

#include <time.h>

#include "souk/arena.h"
#include "souk/config.h"
#include "souk/err.h"
#include "souk/fileutil.h"
#include "souk/httpc.h"

bool storage_key_valid(const char *key)
{
	size_t n, seg = 0;

	if (key == NULL)
		return false;
	n = strlen(key);
	if (n == 0 || n > 1024 || key[0] == '/')
		return false;
	for (size_t i = 0; i <= n; i++) {
		char c = key[i];

		if (c == '/' || c == '\0') {
			/* empty, "." and ".." segments never */
			if (i == seg || (i - seg == 1 && key[seg] == '.') ||
			    (i - seg == 2 && key[seg] == '.' && key[seg + 1] == '.'))
				return false;
			seg = i + 1;
			continue;
		}
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '.' || c == '_' || c == '-'))
			return false;
	}
	return true;
}

bool storage_is_s3(const struct souk_config *cfg)
{
	return strcmp(cfg->storage_driver, "s3") == 0;
}

int storage_store(const struct souk_config *cfg, struct arena *a, const char *key,
		  const char *content_type, storage_reader read, void *ctx, long long max,
		  struct storage_written *out)
{
	char *tmp = NULL;
	int rc;

	if (!storage_key_valid(key))
		return SOUK_EINVALID;
	rc = local_spool(cfg, a, read, ctx, max, out, &tmp);
	if (rc != SOUK_OK)
		return rc;
	if (!storage_is_s3(cfg))
		return local_commit(cfg, a, tmp, key);
	rc = s3_put_file(a, cfg, key, tmp, content_type);
	unlink(tmp);
	return rc;
}

int storage_delete(const struct souk_config *cfg, struct arena *a, const char *key)
{
	if (!storage_key_valid(key))
		return SOUK_EINVALID;
	return storage_is_s3(cfg) ? s3_delete(a, cfg, key) : local_delete(cfg, a, key);
}

char *storage_accel_path(struct arena *a, const char *key)
{
	return arena_printf(a, "/_files/%s", key);
}

char *storage_content_disposition(struct arena *a, const char *filename)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t n = strlen(filename), o = 0, p = 0;
	char *ascii = arena_alloc(a, n + 1), *pct = arena_alloc(a, 3 * n + 1);

	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)filename[i];

		/* RFC 5987 attr-char stays; everything else is %XX of its UTF-8 bytes */
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    strchr("!#$&+-.^_`|~", c) != NULL) {
			pct[p++] = (char)c;
		} else {
			pct[p++] = '%';
			pct[p++] = hex[c >> 4];
			pct[p++] = hex[c & 15];
		}
		/* the quoted fallback: printable ASCII without quote or backslash,
		 * one '_' for each non-ASCII character */
		if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\' && c != '%')
			ascii[o++] = (char)c;
		else if (c < 0x80 || (c & 0xC0) == 0xC0)
			ascii[o++] = '_';
	}
	return arena_printf(a, "attachment; filename=\"%.*s\"; filename*=UTF-8''%.*s", (int)o,
			    ascii, (int)p, pct);
}

int storage_read(const struct souk_config *cfg, struct arena *a, const char *key, size_t max,
		 unsigned char **data, size_t *len)
{
	char *bytes = NULL, *url = NULL;
	struct httpc_response res;
	int rc;

	if (!storage_key_valid(key))
		return SOUK_EINVALID;
	if (!storage_is_s3(cfg)) {
		rc = file_read_all(a, arena_printf(a, "%s/%s", cfg->storage_dir, key), max, &bytes,
				   len);
		*data = (unsigned char *)bytes;
		return rc;
	}
	rc = s3_presign(a, cfg, "GET", key, 60, time(NULL), NULL, 0, NULL, 0, &url);
	if (rc != SOUK_OK)
		return rc;
	struct httpc_request rq = {.what = "s3 read", .url = url, .max_body = max};

	rc = httpc_perform(a, &rq, &res);
	if (rc != SOUK_OK)
		return rc;
	if (res.status == 404)
		return SOUK_ENOTFOUND;
	if (res.status != 200)
		return SOUK_EUPSTREAM;
	*data = (unsigned char *)res.body;
	*len = res.len;
	return SOUK_OK;
}
