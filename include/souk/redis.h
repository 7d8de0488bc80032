/*
 * redis.h - the worker's Redis connection.
 *
 * One redisContext per worker, opened lazily (unix socket when configured,
 * else TCP) with 1 s connect and command timeouts, dropped on any I/O error
 * and reopened on next use. Replies are registered on the request arena.
 * Redis is a cache and counter store, never the source of truth.
 */
#ifndef SOUK_REDIS_H
#define SOUK_REDIS_H

#include <stddef.h>

#include <hiredis/hiredis.h>

struct arena;

struct redis {
	redisContext *ctx;
	const char *socket_path; /* not owned; "" or NULL = use host:port */
	const char *host;	 /* not owned */
	int port;
	const char *password; /* not owned; "" or NULL = no AUTH */
	char message[128];    /* last failure, for logs */
};

void redis_init(struct redis *r, const char *socket_path, const char *host, int port,
		const char *password);

/* Connects if not connected. SOUK_OK or SOUK_EREDIS. */
int redis_connect(struct redis *r);

/*
 * Runs one command given as argv (binary safe; lens may be NULL for C
 * strings). On SOUK_OK *out (may be NULL if unwanted) is owned by arena; an
 * error reply is returned as SOUK_OK with type REDIS_REPLY_ERROR. Returns
 * SOUK_EREDIS when the server cannot be reached (idempotent commands are
 * retried once on a new connection when idempotent is non-zero).
 */
int redis_command(struct redis *r, struct arena *arena, redisReply **out, int idempotent, int argc,
		  const char **argv, const size_t *lens);

/*
 * Gives every key matching pattern that has no expiry ttl_s seconds: the
 * cleanup job's guarantee that keys every writer gives an expiry (carts,
 * one-time codes) cannot outlive it after a crash between two commands.
 * Walks the keyspace with SCAN (at most max_scans calls of COUNT 1000),
 * going on next time from where it stopped (the cursor is kept under
 * "scan:<pattern>"). *fixed counts the keys given an expiry. SOUK_OK or
 * SOUK_EREDIS.
 */
int redis_expire_strays(struct redis *r, struct arena *a, const char *pattern, long ttl_s,
			int max_scans, long *fixed);

void redis_close(struct redis *r);

#endif
