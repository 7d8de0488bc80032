/*
 * arena.h - per-request memory pool.
 *
 * One arena lives for one request: created after FCGX_Accept_r, destroyed after
 * the response is written. Everything a request allocates comes from it, and
 * non-memory resources (PGresult, cJSON trees, redisReply) are registered on it
 * with arena_defer() so one arena_reset() releases them all, in reverse order.
 *
 * OOM policy: small allocations abort the process (the pool master restarts
 * the worker); callers never check arena_alloc() for NULL.
 */
#ifndef SOUK_ARENA_H
#define SOUK_ARENA_H

#include <stdarg.h>
#include <stddef.h>

struct arena_block;
struct arena_cleanup;

struct arena {
	struct arena_block *head;	/* current block; older blocks follow */
	struct arena_cleanup *cleanups; /* LIFO list run by arena_reset() */
	size_t block_size;		/* default size of a new block */
	size_t allocated;		/* bytes handed out since the last reset */
};

/* Initialises an empty arena whose blocks are at least block_size bytes. */
void arena_init(struct arena *a, size_t block_size);

/* Returns size bytes aligned for any type, zeroed. Never NULL (aborts on OOM).
 * The memory stays valid until the next arena_reset()/arena_destroy(). */
void *arena_alloc(struct arena *a, size_t size);

/* Copies of strings into the arena; NULL in gives NULL out. arena_strndup
 * copies exactly n bytes (callers pass a known length; it does not stop at a
 * NUL like POSIX strndup) and adds a NUL. */
char *arena_strdup(struct arena *a, const char *s);
char *arena_strndup(struct arena *a, const char *s, size_t n);

/* printf into the arena. */
char *arena_printf(struct arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
char *arena_vprintf(struct arena *a, const char *fmt, va_list ap);

/* Registers fn(ptr) to run at the next reset, after cleanups registered later.
 * Use it for PGresult (PQclear), cJSON (cJSON_Delete), redisReply, fds. */
void arena_defer(struct arena *a, void (*fn)(void *), void *ptr);

/* Runs the cleanups, keeps the first block for reuse and frees the others. */
void arena_reset(struct arena *a);

/* arena_reset() and frees every block. The arena may be re-initialised. */
void arena_destroy(struct arena *a);

#endif
