/* redis.c - lazy hiredis connection with reconnect. */
#include "souk/redis.h"

#include <stdio.h>
#include <string.h>
#include <sys/time.h>

#include "souk/arena.h"
#include "souk/err.h"
#include "souk/log.h"

void redis_init(struct redis *r, const char *socket_path, const char *host, int port,
		const char *password)
{
	memset(r, 0, sizeof(*r));
	r->socket_path = socket_path;
	r->host = host;
	r->port = port;
	r->password = password;
}

void redis_close(struct redis *r)
{
	if (r->ctx != NULL)
		redisFree(r->ctx);
	r->ctx = NULL;
}

int redis_connect(struct redis *r)
{
	struct timeval tv = {1, 0};

	if (r->ctx != NULL && r->ctx->err == 0)
		return SOUK_OK;
	redis_close(r);
	if (r->socket_path != NULL && *r->socket_path != '\0')
		r->ctx = redisConnectUnixWithTimeout(r->socket_path, tv);
	else
		r->ctx = redisConnectWithTimeout(r->host, r->port, tv);
	if (r->ctx == NULL || r->ctx->err != 0) {
		snprintf(r->message, sizeof(r->message), "%s",
			 r->ctx ? r->ctx->errstr : "out of memory");
		log_msg(LOG_WARN, "redis connection failed: %s", r->message);
		redis_close(r);
		return SOUK_EREDIS;
	}
	redisSetTimeout(r->ctx, tv);
	if (r->password != NULL && *r->password != '\0') {
		redisReply *auth = redisCommand(r->ctx, "AUTH %s", r->password);
		int ok = auth != NULL && auth->type == REDIS_REPLY_STATUS;

		snprintf(r->message, sizeof(r->message), "%s",
			 auth == NULL			   ? r->ctx->errstr
			 : auth->type == REDIS_REPLY_ERROR ? auth->str
							   : "");
		if (auth != NULL)
			freeReplyObject(auth);
		if (!ok) {
			log_msg(LOG_WARN, "redis AUTH failed: %s", r->message);
			redis_close(r);
			return SOUK_EREDIS;
		}
	}
	return SOUK_OK;
}

static void reply_free(void *p)
{
	freeReplyObject(p);
}

static int redis_command_once(struct redis *r, struct arena *arena, redisReply **out, int argc,
			      const char **argv, const size_t *lens)
{
	redisReply *reply;
	int rc = redis_connect(r);

	if (rc != SOUK_OK)
		return rc;
	reply = redisCommandArgv(r->ctx, argc, argv, lens);
	if (reply == NULL) {
		snprintf(r->message, sizeof(r->message), "%s", r->ctx->errstr);
		redis_close(r);
		return SOUK_EREDIS;
	}
	arena_defer(arena, reply_free, reply);
	if (out != NULL)
		*out = reply;
	return SOUK_OK;
}

int redis_command(struct redis *r, struct arena *arena, redisReply **out, int idempotent, int argc,
		  const char **argv, const size_t *lens)
{
	int had_connection = r->ctx != NULL;
	int rc = redis_command_once(r, arena, out, argc, argv, lens);

	/* a connection that broke while idle (Redis restarted) fails on first use */
	if (rc == SOUK_EREDIS && idempotent && had_connection)
		rc = redis_command_once(r, arena, out, argc, argv, lens);
	return rc;
}

int redis_expire_strays(struct redis *r, struct arena *a, const char *pattern, long ttl_s,
			int max_scans, long *fixed)
{
	const char *cursor_key = arena_printf(a, "scan:%s", pattern);
	const char *get[] = {"GET", cursor_key};
	const char *cursor = "0";
	redisReply *reply = NULL;
	int rc;

	*fixed = 0;
	rc = redis_command(r, a, &reply, 1, 2, get, NULL);
	if (rc != SOUK_OK)
		return rc;
	if (reply->type == REDIS_REPLY_STRING)
		cursor = reply->str;
	for (int i = 0; i < max_scans; i++) {
		const char *scan[] = {"SCAN", cursor, "MATCH", pattern, "COUNT", "1000"};

		rc = redis_command(r, a, &reply, 1, 6, scan, NULL);
		if (rc != SOUK_OK)
			return rc;
		if (reply->type != REDIS_REPLY_ARRAY || reply->elements != 2 ||
		    reply->element[0]->type != REDIS_REPLY_STRING ||
		    reply->element[1]->type != REDIS_REPLY_ARRAY) {
			snprintf(r->message, sizeof(r->message), "SCAN: unexpected reply");
			return SOUK_EREDIS;
		}
		cursor = reply->element[0]->str;
		for (size_t k = 0; k < reply->element[1]->elements; k++) {
			redisReply *key = reply->element[1]->element[k], *done = NULL;
			/* only a key without an expiry: a key written meanwhile keeps its own */
			const char *expire[] = {"EXPIRE", key->str, arena_printf(a, "%ld", ttl_s),
						"NX"};
			const size_t lens[] = {strlen(expire[0]), key->len, strlen(expire[2]), 2};

			if (key->type != REDIS_REPLY_STRING)
				continue;
			rc = redis_command(r, a, &done, 1, 4, expire, lens);
			if (rc != SOUK_OK)
				return rc;
			if (done->type == REDIS_REPLY_ERROR) {
				snprintf(r->message, sizeof(r->message), "EXPIRE: %s", done->str);
				return SOUK_EREDIS;
			}
			*fixed += done->type == REDIS_REPLY_INTEGER && done->integer == 1;
		}
		if (strcmp(cursor, "0") == 0)
			break;
	}
	const char *set[] = {"SET", cursor_key, cursor, "EX", "604800"};

	return redis_command(r, a, NULL, 1, 5, set, NULL);
}
