/*
 * router.h - the one route table.
 *
 * A route is {method, pattern, handler, permission, flags}. Patterns are
 * literal segments and "{name}" parameters ("/api/v1/products/{slug}"),
 * matched against the raw path: a parameter is one non-empty segment, decoded
 * on its own, never ".", ".." or holding a '/' (%2F). 404 and 405 (with the Allow list)
 * come from router_match(), never from handlers. HEAD is served by GET routes.
 */
#ifndef SOUK_ROUTER_H
#define SOUK_ROUTER_H

#include <stddef.h>

struct http_request;
struct http_response;
struct worker;

/*
 * A handler reads req, fills res (through http_response_*()) and returns
 * SOUK_OK, or returns a negative souk_err and leaves res alone: the
 * dispatcher turns the error into the JSON error response, with
 * req->error_message and req->error_fields (http_field_error()) when set.
 */
typedef int (*route_handler)(struct worker *w, struct http_request *req, struct http_response *res);

enum route_flags {
	ROUTE_JSON_BODY = 1 << 0,     /* body must be application/json and parse */
	ROUTE_TEST_ONLY = 1 << 1,     /* registered only when SOUK_ENV=test */
	ROUTE_JSON_OPTIONAL = 1 << 2, /* a body, if any, must be a JSON object */
	ROUTE_STREAM_BODY = 1 << 3,   /* the handler reads the body itself (uploads) */
	ROUTE_ANONYMOUS = 1 << 4,     /* public GET whose answer is the same for everyone:
				       * credentials are not even read (no JWT check, no
				       * principal query) */
	ROUTE_BEACON = 1 << 5,	      /* public POST that reads no credentials either (so no
				       * CSRF check, which navigator.sendBeacon cannot pass):
				       * for counters that change nothing a user owns */
	ROUTE_WHOSE = 1 << 6,	      /* public, but the answer is the caller's (the cart: a
				       * guest's or the user's): a browser whose session
				       * lapsed (its CSRF cookie, no valid access token) is
				       * 401, to refresh, not served as a guest */
};

/* The permission field: NULL = public, ROUTE_SIGNED_IN = any signed-in user,
 * else a permission name ("products:write") the caller's role must hold. */
#define ROUTE_SIGNED_IN ""

struct route {
	const char *method;  /* "GET", "POST", ... */
	const char *pattern; /* "/api/v1/..." */
	route_handler handler;
	const char *permission; /* NULL = public; else a permission name */
	unsigned flags;		/* enum route_flags */
};

enum router_result { ROUTER_MATCH, ROUTER_NOT_FOUND, ROUTER_METHOD_NOT_ALLOWED };

/*
 * Finds the route for req->method and req->path in table[0..n). On
 * ROUTER_MATCH sets *out and the request's path parameters (arena copies). On
 * ROUTER_METHOD_NOT_ALLOWED writes the allowed methods ("GET, HEAD, POST") to
 * allow[allowlen]. Routes whose flags exclude them (test-only routes outside
 * the test environment) are skipped when include_test_only is 0.
 */
enum router_result router_match(const struct route *table, size_t n, struct http_request *req,
				int include_test_only, const struct route **out, char *allow,
				size_t allowlen);

#endif
