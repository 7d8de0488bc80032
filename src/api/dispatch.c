/* dispatch.c - the request pipeline; see include/souk/api.h. */
#include "souk/api.h"

#include <string.h>

#include "souk/arena.h"
#include "souk/auth.h"
#include "souk/catalog.h"
#include "souk/config.h"
#include "souk/err.h"
#include "souk/http.h"
#include "souk/json.h"
#include "souk/log.h"
#include "souk/worker.h"

/* Bytes drained from an oversized body before answering 413: nginx already
 * caps bodies (client_max_body_size), this only keeps the upstream
 * connection orderly. */
#define API_DRAIN_MAX (64L * 1024 * 1024)

static void api_error(struct http_response *res, struct http_request *req, int err)
{
	http_response_error(res, req->arena, err, req->error_message, req->error_fields);
}

static void api_drain(api_body_reader read_body, void *ctx)
{
	char sink[16384];
	long total = 0, n;

	while (total < API_DRAIN_MAX && (n = read_body(ctx, sink, sizeof(sink))) > 0)
		total += n;
}

/* Reads the whole body into the arena, up to limit bytes. */
static int api_read_body(struct http_request *req, long limit, api_body_reader read_body, void *ctx)
{
	size_t want, got = 0;
	char *body;

	if (req->content_length > limit) {
		api_drain(read_body, ctx);
		return SOUK_ETOOLARGE;
	}
	if (req->content_length <= 0) {
		req->body = "";
		req->body_len = 0;
		return SOUK_OK;
	}
	want = (size_t)req->content_length;
	body = arena_alloc(req->arena, want + 1);
	while (got < want) {
		long n = read_body(ctx, body + got, want - got);

		if (n <= 0)
			break;
		got += (size_t)n;
	}
	if (got != want) {
		req->error_message = "The request body ended early.";
		return SOUK_EMALFORMED;
	}
	body[got] = '\0';
	req->body = body;
	req->body_len = got;
	return SOUK_OK;
}

static int api_prepare(struct worker *w, const struct route *route, struct http_request *req,
		       api_body_reader read_body, void *ctx)
{
	int rc;

	if (route->flags & ROUTE_STREAM_BODY) {
		req->body = "";
		req->body_read = read_body;
		req->body_ctx = ctx;
	} else if ((rc = api_read_body(req, w->config->body_limit, read_body, ctx)) != SOUK_OK) {
		return rc;
	}
	if ((route->flags & ROUTE_JSON_BODY) ||
	    ((route->flags & ROUTE_JSON_OPTIONAL) && req->body_len > 0)) {
		const char *why = NULL;

		if (!http_is_json_content_type(req->content_type))
			return SOUK_EMEDIATYPE;
		if (req->body_len == 0) {
			req->error_message = "The request body is empty; send a JSON object.";
			return SOUK_EMALFORMED;
		}
		rc = json_parse_object(req->arena, req->body, req->body_len, &req->json, &why);
		if (rc != SOUK_OK) {
			req->error_message = why;
			return rc;
		}
	}
	/* who is calling: bad credentials only matter where a principal is needed */
	if (route->flags & (ROUTE_ANONYMOUS | ROUTE_BEACON))
		return SOUK_OK;
	rc = auth_authenticate(w, req);
	if (rc != SOUK_OK && rc != SOUK_EUNAUTH)
		return rc;
	if (route->permission != NULL) {
		if (req->principal == NULL) {
			req->error_message =
			    rc == SOUK_EUNAUTH
				? "Your session is invalid or has expired; sign in again."
				: "Sign in to continue.";
			return SOUK_EUNAUTH;
		}
		if (*route->permission != '\0' &&
		    !auth_has_permission(req->principal, route->permission))
			return SOUK_EFORBIDDEN;
	}
	if ((route->flags & ROUTE_WHOSE) && req->principal == NULL &&
	    (rc == SOUK_EUNAUTH || session_cookie_present(req))) {
		req->error_message = "Your session has lapsed: refresh it (POST "
				     "/api/v1/auth/refresh) or sign out to continue as a guest.";
		return SOUK_EUNAUTH;
	}
	if (auth_check_csrf(w, req) != SOUK_OK) {
		req->error_message = "Missing or wrong X-CSRF-Token header.";
		return SOUK_EFORBIDDEN;
	}
	return SOUK_OK;
}

void api_handle(struct worker *w, struct http_request *req, struct http_response *res,
		api_body_reader read_body, void *body_ctx)
{
	const struct route *route = NULL;
	char allow[128];
	int rc;
	enum router_result match;

	http_response_init(res);
	match = router_match(api_routes, api_routes_count, req, strcmp(w->config->env, "test") == 0,
			     &route, allow, sizeof(allow));
	if (match == ROUTER_NOT_FOUND) {
		api_drain(read_body, body_ctx);
		req->error_message = "No such endpoint.";
		api_error(res, req, SOUK_ENOTFOUND);
		return;
	}
	if (match == ROUTER_METHOD_NOT_ALLOWED) {
		api_drain(read_body, body_ctx);
		api_error(res, req, SOUK_EMETHOD);
		http_response_header(res, "Allow", arena_strdup(req->arena, allow));
		return;
	}
	rc = api_prepare(w, route, req, read_body, body_ctx);
	if (rc == SOUK_OK)
		rc = route->handler(w, req, res);
	if (route->flags & ROUTE_STREAM_BODY) /* whatever the handler left unread */
		api_drain(read_body, body_ctx);
	if (rc != SOUK_OK)
		api_error(res, req, rc);
}

void api_on_start(const struct souk_config *cfg)
{
	struct worker w;

	worker_init(&w, cfg, -1);
	catalog_changed(&w, &w.arena);
	worker_destroy(&w);
}
