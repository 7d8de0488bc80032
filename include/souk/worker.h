/*
 * worker.h - what one FastCGI worker process holds between requests.
 *
 * The only mutable state of a worker: its configuration, its PostgreSQL and
 * Redis connections (with their prepared statements) and its arena. One
 * struct worker is created per process and passed down to every handler.
 */
#ifndef SOUK_WORKER_H
#define SOUK_WORKER_H

#include <stdint.h>

#include "souk/arena.h"
#include "souk/config.h"
#include "souk/db.h"
#include "souk/redis.h"

struct worker {
	const struct souk_config *config;
	struct db db;
	struct redis redis;
	struct arena arena;   /* reset after every request */
	int slot;	      /* scoreboard slot, -1 outside the pool */
	unsigned long served; /* requests served by this process */
	int64_t *timeout_ms;  /* the slot's allowance for this request, NULL outside the pool */
};

/* Initialises w for cfg (connections are opened lazily). */
void worker_init(struct worker *w, const struct souk_config *cfg, int slot);
/* Closes connections and frees the arena. */
void worker_destroy(struct worker *w);

/* Gives the request in flight `seconds` in all before the pool master kills
 * the worker as stuck, instead of SOUK_REQUEST_TIMEOUT (uploads and the
 * transfers they cause). Reset after every request. */
void worker_allow(struct worker *w, long seconds);

#endif
