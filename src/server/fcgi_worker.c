/*
 * fcgi_worker.c - one worker process: accept, handle, answer, reset.
 *
 * Signals: SIGTERM/SIGINT/SIGHUP ask the worker to leave after the request in
 * flight. They stay blocked all the time except inside ppoll(), which opens
 * them atomically while the worker waits for a connection: no read or write
 * of a request (including libfcgi's own reads right after accept) is ever
 * interrupted, and no stop can slip in between a check and a blocking call.
 * The listening socket is non-blocking, so when several idle workers wake for
 * one connection, the ones that lose the race get -EAGAIN and wait again.
 */
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <fcgiapp.h>

#include "souk/api.h"
#include "souk/config.h"
#include "souk/err.h"
#include "souk/http.h"
#include "souk/log.h"
#include "souk/server.h"
#include "souk/str.h"
#include "souk/worker.h"

static volatile sig_atomic_t worker_stop;

static void worker_on_signal(int sig)
{
	(void)sig;
	worker_stop = 1;
}

static void worker_signals(sigset_t *stop_set)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = worker_on_signal; /* no SA_RESTART: accept() must return */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
	sa.sa_handler = SIG_DFL;
	sigaction(SIGCHLD, &sa, NULL);

	sigemptyset(stop_set);
	sigaddset(stop_set, SIGTERM);
	sigaddset(stop_set, SIGINT);
	sigaddset(stop_set, SIGHUP);
}

static long fcgi_read_body(void *ctx, char *buf, size_t n)
{
	FCGX_Request *fr = ctx;
	int want = n > INT_MAX ? INT_MAX : (int)n;

	return FCGX_GetStr(buf, want, fr->in);
}

static void slot_copy(char *dst, size_t size, const char *src)
{
	size_t n = strlen(src);

	if (n > size)
		n = size;
	memcpy(dst, src, n);
	if (n < size)
		memset(dst + n, 0, size - n);
}

static void worker_handle(struct worker *w, FCGX_Request *fr, struct scoreboard_slot *slot)
{
	struct http_request req;
	struct http_response res;
	size_t head_len;
	char *head;
	int rc;

	rc = http_request_init(&req, &w->arena, fr->envp);
	req.started_us = clock_monotonic_us();
	if (slot != NULL) {
		slot_copy(slot->method, sizeof(slot->method), req.method);
		slot_copy(slot->path, sizeof(slot->path), req.raw_path);
	}
	if (w->db.in_transaction) /* a previous request leaked one: never reuse it */
		db_rollback(&w->db, &w->arena);
	if (rc != SOUK_OK) {
		http_response_init(&res);
		http_response_error(&res, &w->arena, SOUK_EMALFORMED,
				    "The request line or query string is malformed.", NULL);
	} else {
		api_handle(w, &req, &res, fcgi_read_body, fr);
	}
	head = http_response_head(&res, &w->arena, &head_len);
	FCGX_PutStr(head, (int)head_len, fr->out);
	if (strcmp(req.method, "HEAD") != 0 && res.body_len > 0)
		FCGX_PutStr(res.body, (int)res.body_len, fr->out);
	log_request(req.request_id, req.method, req.raw_path, res.status,
		    (double)(clock_monotonic_us() - req.started_us) / 1000.0,
		    (unsigned long)res.body_len);
	if (w->db.in_transaction) {
		log_msg(LOG_ERROR, "bug: %s %s left a transaction open; rolled back", req.method,
			req.raw_path);
		db_rollback(&w->db, &w->arena);
	}
}

int fcgi_worker_run(const struct souk_config *cfg, int listen_fd, struct scoreboard *sb, int slot)
{
	struct scoreboard_slot *me = sb ? &sb->slots[slot] : NULL;
	sigset_t stop_set, waiting_mask;
	FCGX_Request fr;
	struct worker w;
	int status = 0;

	worker_signals(&stop_set);
	sigprocmask(SIG_BLOCK, &stop_set, &waiting_mask);
	sigdelset(&waiting_mask, SIGTERM);
	sigdelset(&waiting_mask, SIGINT);
	sigdelset(&waiting_mask, SIGHUP);
	if (FCGX_InitRequest(&fr, listen_fd, FCGI_FAIL_ACCEPT_ON_INTR) != 0) {
		log_msg(LOG_ERROR, "FCGX_InitRequest failed");
		return 1;
	}
	worker_init(&w, cfg, slot);
	if (me != NULL)
		w.timeout_ms = &me->request_timeout_ms;
	if (me != NULL) {
		__atomic_store_n(&me->request_started_ms, 0, __ATOMIC_RELAXED);
		__atomic_store_n(&me->state, SLOT_IDLE, __ATOMIC_RELEASE);
	}
	while (!worker_stop && w.served < (unsigned long)cfg->max_requests) {
		struct pollfd pfd = {.fd = listen_fd, .events = POLLIN};
		int rc;

		/* the only place stop signals are delivered */
		if (ppoll(&pfd, 1, NULL, &waiting_mask) < 0) {
			if (errno == EINTR)
				continue;
			log_msg(LOG_ERROR, "poll failed: %s", strerror(errno));
			status = 1;
			break;
		}
		rc = FCGX_Accept_r(&fr);
		if (rc == -EAGAIN || rc == -EWOULDBLOCK || rc == -EINTR)
			continue; /* another worker took the connection */
		if (rc < 0) {
			log_msg(LOG_ERROR, "accept failed: %s", strerror(-rc));
			status = 1; /* the master backs off if this repeats */
			break;
		}
		if (me != NULL) {
			__atomic_store_n(&me->request_started_ms, clock_monotonic_us() / 1000,
					 __ATOMIC_RELAXED);
			__atomic_store_n(&me->state, SLOT_BUSY, __ATOMIC_RELEASE);
		}
		worker_handle(&w, &fr, me);
		FCGX_Finish_r(&fr);
		arena_reset(&w.arena);
		w.served++;
		if (me != NULL) {
			__atomic_add_fetch(&me->requests, 1, __ATOMIC_RELAXED);
			__atomic_store_n(&me->request_started_ms, 0, __ATOMIC_RELAXED);
			__atomic_store_n(&me->request_timeout_ms, 0, __ATOMIC_RELAXED);
			__atomic_store_n(&me->state, SLOT_IDLE, __ATOMIC_RELEASE);
		}
	}
	if (me != NULL)
		__atomic_store_n(&me->state, SLOT_EXITING, __ATOMIC_RELEASE);
	FCGX_Free(&fr, 0);
	worker_destroy(&w);
	return status;
}
