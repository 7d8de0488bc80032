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
