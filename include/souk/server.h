/*
 * server.h - souk-fcgi: a prefork FastCGI pool in the manner of php-fpm's
 * static pool, and the shared scoreboard that shows its state.
 *
 * The master binds the unix socket, creates the scoreboard, writes the pid
 * file, drops privileges (when root) and forks N workers that all accept on
 * the one socket. It restarts a worker that dies (with backoff when workers
 * keep dying young), replaces one that served max_requests, kills and
 * replaces one stuck in a request past the timeout, stops gracefully on
 * SIGTERM/SIGINT (in-flight requests finish) and reloads on SIGHUP (new
 * configuration, new workers, old ones finish their request and leave).
 *
 * The scoreboard is a small file mapped shared by the master and every worker:
 * each worker writes only its own slot, the master writes the header.
 * `souk-fcgi --status` maps it read-only and prints it.
 */
#ifndef SOUK_SERVER_H
#define SOUK_SERVER_H

#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

struct souk_config;

#define SCOREBOARD_MAGIC 0x534f554bu /* "SOUK" */
#define SCOREBOARD_SLOTS 512

enum slot_state { SLOT_FREE = 0, SLOT_STARTING, SLOT_IDLE, SLOT_BUSY, SLOT_EXITING };

struct scoreboard_slot {
	int32_t pid;
	int32_t state;		    /* enum slot_state */
	uint64_t requests;	    /* served by this process */
	int64_t started_ms;	    /* process start, wall clock */
	int64_t request_started_ms; /* current request (CLOCK_MONOTONIC), 0 when idle */
	int64_t request_timeout_ms; /* this request's allowance; 0 = SOUK_REQUEST_TIMEOUT */
	uint32_t generation;	    /* configuration generation it runs */
	char method[8];
	char path[96]; /* current or last request, truncated */
};

struct scoreboard {
	uint32_t magic;
	uint32_t nslots;
	int32_t master_pid;
	int32_t target_workers;
	int64_t started_ms;
	uint32_t generation; /* bumped on every reload */
	uint32_t reloads;
	uint64_t restarts;	   /* workers that died unexpectedly */
	uint64_t recycled;	   /* workers replaced after max_requests */
	uint64_t timeouts;	   /* workers killed for a stuck request */
	uint64_t requests_retired; /* requests served by workers now gone */
	struct scoreboard_slot slots[SCOREBOARD_SLOTS];
};

/* Runs the master until it is stopped; returns the process exit status.
 * cfg is owned by the caller; env_file is re-read on SIGHUP (may be NULL). */
int pool_run(struct souk_config *cfg, const char *env_file);

/* The worker loop on the listening socket fd; returns the exit status. */
int fcgi_worker_run(const struct souk_config *cfg, int listen_fd, struct scoreboard *sb, int slot);

/* Creates a new file at path (replacing what was there, never following a
 * link), mode `mode`, owned by uid/gid when root. The fd, or -1 (errno). */
int pool_create_file(const char *path, mode_t mode, uid_t uid, gid_t gid);

/* Creates the scoreboard file anew, owned by uid/gid, mapped shared.
 * SOUK_OK or SOUK_EIO. */
int scoreboard_create(const char *path, uid_t uid, gid_t gid, struct scoreboard **out);

/* Maps an existing scoreboard read-only. SOUK_OK, SOUK_ENOTFOUND or SOUK_EIO. */
int scoreboard_open(const char *path, const struct scoreboard **out);

/* Prints the pool's state: as text like php-fpm's status page, or JSON. */
void scoreboard_print(const struct scoreboard *sb, FILE *out, int json);

#endif
