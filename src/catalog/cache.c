/*
 * cache.c - hot catalog reads cached in Redis, and the catalog version that
 * invalidates them (and nginx's microcache) on every change.
 *
 * One key, {catalog}:version, holds a number that every committed catalog
 * change increments. An entry is stored as "<version>\n<body>" under its own
 * key; a read fetches the version and the entry in one MGET and trusts the
 * entry only when its version is the current one. A reader takes the version
 * before it reads PostgreSQL, so an entry built from data older than a change
 * always carries an older version and is never served after the change: no
 * window in which a stale read can be cached, and no key listing or bulk
 * deletion on writes. The {catalog} hash tag keeps every key in one Redis
 * Cluster slot, so the MGET works there too.
 *
 * nginx's microcache of public catalog reads has a key of its own: the
 * content of SOUK_CATALOG_VERSION_FILE (nginx/souk-locations.conf.in), a
 * random token written after every committed change, so an edit also retires
 * every page nginx holds. A token is never reused, so two workers writing
 * tokens in either order cannot bring back a key that predates a change.
 *
 * Redis is never the source of truth: when it is down reads skip the cache
 * and go to PostgreSQL.
 */
#include "souk/catalog.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "souk/arena.h"
#include "souk/config.h"
#include "souk/crypto.h"
#include "souk/err.h"
#include "souk/http.h"
#include "souk/log.h"
#include "souk/str.h"
#include "souk/worker.h"

#define VERSION_KEY "{catalog}:version"

/* A version that cannot repeat one used before the key was lost: Redis may
 * restart empty or evict the key, and entries of the old numbers may survive
 * in another shard or a replica. Milliseconds grow faster than edits do. */
static char *version_seed(struct arena *a)
{
	return arena_printf(a, "%lld", clock_wall_ms());
}

static char *entry_key(struct arena *a, const char *key)
{
	return arena_printf(a, "{catalog}:%s", key);
}

int catalog_cache_get(struct worker *w, struct arena *a, const char *key, const char **version,
		      const char **body, size_t *len)
{
	const char *mget[] = {"MGET", VERSION_KEY, entry_key(a, key)};
	redisReply *r = NULL;

	*version = NULL;
	if (redis_command(&w->redis, a, &r, 1, 3, mget, NULL) != SOUK_OK ||
	    r->type != REDIS_REPLY_ARRAY || r->elements != 2)
		return SOUK_EREDIS;
	if (r->element[0]->type != REDIS_REPLY_STRING) {
		/* no version yet (or lost): start one; SET NX GET returns a racing winner's */
		const char *seed = version_seed(a);
		const char *set[] = {"SET", VERSION_KEY, seed, "NX", "GET"};
		redisReply *s = NULL;

		if (redis_command(&w->redis, a, &s, 0, 5, set, NULL) != SOUK_OK ||
		    s->type == REDIS_REPLY_ERROR)
			return SOUK_EREDIS;
		*version = s->type == REDIS_REPLY_STRING ? arena_strdup(a, s->str) : seed;
		return SOUK_ENOTFOUND;
	}
	*version = arena_strndup(a, r->element[0]->str, r->element[0]->len);
	if (r->element[1]->type == REDIS_REPLY_STRING) {
		const char *v = r->element[1]->str, *nl = memchr(v, '\n', r->element[1]->len);
		size_t vlen = (size_t)(nl - v);

		if (nl != NULL && vlen == r->element[0]->len && memcmp(v, *version, vlen) == 0) {
			*body = nl + 1;
			*len = r->element[1]->len - vlen - 1;
			return SOUK_OK;
		}
	}
	return SOUK_ENOTFOUND;
}

void catalog_cache_put(struct worker *w, struct arena *a, const char *key, const char *version,
		       const char *body, size_t len, long ttl)
{
	size_t vlen, n;
	char *value, ttl_text[24];

	if (version == NULL || ttl <= 0)
		return;
	vlen = strlen(version);
	n = vlen + 1 + len;
	value = arena_alloc(a, n);
	memcpy(value, version, vlen);
	value[vlen] = '\n';
	memcpy(value + vlen + 1, body, len);
	snprintf(ttl_text, sizeof(ttl_text), "%ld", ttl);

	const char *k = entry_key(a, key);
	const char *argv[] = {"SET", k, value, "EX", ttl_text};
	const size_t lens[] = {3, strlen(k), n, 2, strlen(ttl_text)};

	(void)redis_command(&w->redis, a, NULL, 1, 5, argv, lens);
}

/* Writes text to path atomically (temporary file + rename), readable by
 * nginx's workers through the group of the directory. */
static int write_version_file(const char *path, const char *text)
{
	char tmp[4096];
	size_t n = strlen(text);
	int fd, rc = SOUK_OK;

	if (snprintf(tmp, sizeof(tmp), "%s.%ld.tmp", path, (long)getpid()) >= (int)sizeof(tmp))
		return SOUK_EIO;
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (fd < 0)
		return SOUK_EIO;
	/* not a secret: nginx's workers (another user) read it */
	if (fchmod(fd, 0644) != 0 || write(fd, text, n) != (ssize_t)n)
		rc = SOUK_EIO;
	if (close(fd) != 0)
		rc = SOUK_EIO;
	if (rc == SOUK_OK && rename(tmp, path) != 0)
		rc = SOUK_EIO;
	if (rc != SOUK_OK)
		unlink(tmp);
	return rc;
}

void catalog_changed(struct worker *w, struct arena *a)
{
	const char *incr[] = {"INCR", VERSION_KEY};
	redisReply *r = NULL;

	if (redis_command(&w->redis, a, &r, 0, 2, incr, NULL) == SOUK_OK &&
	    r->type == REDIS_REPLY_INTEGER) {
		if (r->integer == 1) { /* the key was missing: never reuse small numbers */
			const char *set[] = {"SET", VERSION_KEY, version_seed(a)};

			(void)redis_command(&w->redis, a, NULL, 0, 3, set, NULL);
		}
	} else {
		log_msg(LOG_ERROR, "catalog changed but redis is unavailable: cached reads may be "
				   "stale for up to SOUK_CATALOG_CACHE_TTL seconds");
	}
	if (w->config->catalog_version_file[0] != '\0') {
		unsigned char raw[8];
		char token[17];

		if (crypto_random(raw, sizeof(raw)) != SOUK_OK)
			return;
		crypto_hex(raw, sizeof(raw), token);
		if (write_version_file(w->config->catalog_version_file, token) != SOUK_OK)
			log_msg(LOG_ERROR, "cannot write %s: %s", w->config->catalog_version_file,
				strerror(errno));
	}
}

int catalog_commit(struct worker *w, struct arena *a, int rc)
{
	rc = db_end(&w->db, a, rc);
	if (rc == SOUK_OK)
		catalog_changed(w, a);
	return rc;
}

/* nginx keeps a public catalog page this long; an edit retires it at once
 * through the version token in its cache key (see cache.c). */
#define CATALOG_NGINX_SECONDS "600"
/* an unknown slug is remembered for less time than a page */
#define CATALOG_MISS_TTL 60
/* larger answers (100 items with highlights) are not worth Redis's memory */
#define CATALOG_CACHE_MAX_BODY (256 * 1024)

/* A public catalog answer: the same for everyone, so nginx may keep it for
 * anonymous callers (signed-in ones bypass nginx's cache, see nginx/). */
static void answer_public(struct http_response *res, const char *body, size_t len, bool hit)
{
	http_response_body(res, 200, body, len);
	/* first: nginx honours Cache-Control's no-cache unless X-Accel-Expires
	 * came before it */
	http_response_header(res, "X-Accel-Expires", CATALOG_NGINX_SECONDS);
	http_response_header(res, "Cache-Control", "public, no-cache");
	http_response_header(res, "X-Souk-Cache", hit ? "hit" : "miss");
}

int catalog_cached_read(struct worker *w, struct http_request *req, struct http_response *res,
			const char *key, catalog_builder build, const void *arg)
{
	const char *version = NULL, *body = NULL;
	size_t len = 0;
	char *json = NULL;
	/* SOUK_CATALOG_CACHE_TTL=0: no Redis copy, so not even a look for one */
	int rc = w->config->catalog_cache_ttl > 0
		     ? catalog_cache_get(w, req->arena, key, &version, &body, &len)
		     : SOUK_ENOTFOUND;

	if (rc == SOUK_OK) {
		if (len == 0) /* a remembered "no such product" */
			return SOUK_ENOTFOUND;
		answer_public(res, body, len, true);
		return SOUK_OK;
	}
	rc = build(w, req, arg, &json);
	if (rc == SOUK_ENOTFOUND) {
		catalog_cache_put(w, req->arena, key, version, "", 0, CATALOG_MISS_TTL);
		return rc;
	}
	if (rc != SOUK_OK)
		return rc;
	len = strlen(json);
	if (len <= CATALOG_CACHE_MAX_BODY)
		catalog_cache_put(w, req->arena, key, version, json, len,
				  w->config->catalog_cache_ttl);
	answer_public(res, json, len, false);
	return SOUK_OK;
}
