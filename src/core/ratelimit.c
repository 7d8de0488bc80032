/* ratelimit.c - fixed windows in Redis; see include/souk/ratelimit.h. */
#include "souk/ratelimit.h"

#include <stdio.h>
#include <string.h>

#include "souk/err.h"
#include "souk/log.h"
#include "souk/redis.h"

/* INCR, start the window on the first hit, return count and time left */
static const char RATELIMIT_SCRIPT[] =
    "local n = redis.call('INCR', KEYS[1]) "
    "if n == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end "
    "local ttl = redis.call('TTL', KEYS[1]) "
    "if ttl < 0 then redis.call('EXPIRE', KEYS[1], ARGV[1]) ttl = tonumber(ARGV[1]) end "
    "return {n, ttl}";

int ratelimit_hit(struct redis *r, struct arena *a, const char *key, long limit, long window,
		  long *retry_after)
{
	char window_text[24];
	const char *argv[] = {"EVAL", RATELIMIT_SCRIPT, "1", key, window_text};
	redisReply *reply = NULL;

	snprintf(window_text, sizeof(window_text), "%ld", window);
	if (redis_command(r, a, &reply, 0, 5, argv, NULL) != SOUK_OK ||
	    reply->type != REDIS_REPLY_ARRAY || reply->elements != 2) {
		log_msg(LOG_WARN, "rate limit not enforced for %s: redis unavailable", key);
		return SOUK_OK;
	}
	if (reply->element[0]->integer > limit) {
		long ttl = (long)reply->element[1]->integer;

		*retry_after = ttl > 0 ? ttl : 1;
		return SOUK_ERATELIMIT;
	}
	return SOUK_OK;
}

void ratelimit_reset(struct redis *r, struct arena *a, const char *key)
{
	const char *argv[] = {"DEL", key};

	(void)redis_command(r, a, NULL, 1, 2, argv, NULL);
}
