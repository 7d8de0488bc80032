/*
 * api.h - from a parsed request to a response: the one way through.
 *
 *   router (404/405) -> body (413 / 415 / 400) -> permission -> handler
 *   -> response (errors mapped in one place) -> access log line
 *
 * Knows nothing of FastCGI: the body arrives through a reader callback, so
 * unit tests drive api_handle() with a fake request.
 */
#ifndef SOUK_API_H
#define SOUK_API_H

#include <stddef.h>

#include "souk/router.h"

struct http_request;
struct http_response;
struct souk_config;
struct worker;

/* Reads up to n bytes of the request body into buf; returns the number read,
 * 0 at the end, -1 on error. */
typedef long (*api_body_reader)(void *ctx, char *buf, size_t n);

/* The route table (src/api/routes.c) and its length. */
extern const struct route api_routes[];
extern const size_t api_routes_count;

/*
 * Handles req completely and fills res; never fails (every error becomes a
 * JSON error response). Reads (and, when too large, drains) the body through
 * read_body. Leaves the status and timing for the caller's log line.
 */
void api_handle(struct worker *w, struct http_request *req, struct http_response *res,
		api_body_reader read_body, void *body_ctx);

/*
 * Called by the pool master once it runs as the service user, and after
 * every reload, before it starts workers: what workers share across a new
 * configuration or a new binary is renewed here (the catalog caches, whose
 * pages a new version may render differently).
 */
void api_on_start(const struct souk_config *cfg);

/* The handlers (one line each: method, path, statuses). */
int api_health(struct worker *w, struct http_request *req, struct http_response *res);
int api_ready(struct worker *w, struct http_request *req, struct http_response *res);
int api_test_echo(struct worker *w, struct http_request *req, struct http_response *res);
int api_test_sleep(struct worker *w, struct http_request *req, struct http_response *res);

#endif
