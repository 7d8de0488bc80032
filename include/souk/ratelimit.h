/*
 * ratelimit.h - fixed-window counters in Redis (one atomic script per hit).
 *
 * A hit increments key's counter, starting a window of `window` seconds on
 * the first hit. More than `limit` hits in the window answer SOUK_ERATELIMIT
 * with the seconds until the window ends. When Redis is down the limit is
 * not enforced (fail open, logged): losing Redis must not lock everyone out.
 */
#ifndef SOUK_RATELIMIT_H
#define SOUK_RATELIMIT_H

struct arena;
struct redis;

/* SOUK_OK, or SOUK_ERATELIMIT with *retry_after seconds (>= 1). */
int ratelimit_hit(struct redis *r, struct arena *a, const char *key, long limit, long window,
		  long *retry_after);

/* Forgets key's counter (e.g. after a successful sign-in). */
void ratelimit_reset(struct redis *r, struct arena *a, const char *key);

#endif
