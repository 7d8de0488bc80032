/* worker.c - the per-process context. */
#include "souk/worker.h"

void worker_init(struct worker *w, const struct souk_config *cfg, int slot)
{
	w->config = cfg;
	w->slot = slot;
	w->served = 0;
	w->timeout_ms = NULL;
	db_init(&w->db, cfg->database_url);
	redis_init(&w->redis, cfg->redis_socket, cfg->redis_host, (int)cfg->redis_port,
		   cfg->redis_password);
	arena_init(&w->arena, 64 * 1024);
}

void worker_destroy(struct worker *w)
{
	db_close(&w->db);
	redis_close(&w->redis);
	arena_destroy(&w->arena);
}

void worker_allow(struct worker *w, long seconds)
{
	if (w->timeout_ms != NULL)
		__atomic_store_n(w->timeout_ms, (int64_t)seconds * 1000, __ATOMIC_RELAXED);
}
