/* router.c - pattern matching over the static route table. */
#include "souk/router.h"

#include <stdbool.h>
#include <string.h>

#include "souk/arena.h"
#include "souk/http.h"
#include "souk/str.h"

/* Decodes one raw path segment as a parameter value; NULL when it cannot be
 * one: undecodable, empty, "." or "..", or holding a '/' (from %2F), so a
 * value can never walk a path or smuggle a separator. */
static const char *route_param_value(struct arena *arena, const char *raw, size_t len)
{
	char *v = arena_alloc(arena, len + 1);
	long n = str_url_decode(v, raw, len, false);

	if (n <= 0 || !str_is_utf8(v, (size_t)n) || strchr(v, '/') != NULL || strcmp(v, ".") == 0 ||
	    strcmp(v, "..") == 0)
		return NULL;
	return v;
}

/* Matches the raw (still percent-encoded) path against pattern segment by
 * segment, so an encoded '/' never splits a segment; parameters are decoded
 * one by one and recorded on req when capture is true. */
static bool route_pattern_match(const char *pattern, const char *path, struct http_request *req,
				bool capture)
{
	const char *p = pattern, *s = path;
	size_t nparams = 0;

	while (*p != '\0' && *s != '\0') {
		if (*p == '{') {
			const char *close = strchr(p, '}');
			const char *seg_end = strchr(s, '/');

			if (close == NULL)
				return false;
			if (seg_end == NULL)
				seg_end = s + strlen(s);
			if (seg_end == s || nparams >= HTTP_MAX_PATH_PARAMS)
				return false;
			const char *value = route_param_value(req->arena, s, (size_t)(seg_end - s));

			if (value == NULL)
				return false;
			if (capture) {
				req->path_param_names[nparams] =
				    arena_strndup(req->arena, p + 1, (size_t)(close - p - 1));
				req->path_params[nparams] = value;
			}
			nparams++;
			p = close + 1;
			s = seg_end;
			continue;
		}
		if (*p != *s)
			return false;
		p++;
		s++;
	}
	if (*p != '\0' || *s != '\0')
		return false;
	if (capture)
		req->npath_params = nparams;
	return true;
}

static const char *route_path(const struct http_request *req)
{
	return req->raw_path != NULL ? req->raw_path : req->path;
}

static void allow_add(char *allow, size_t allowlen, const char *method)
{
	size_t used = strlen(allow);

	/* the table may list a method twice for one path (never in practice) */
	if (strstr(allow, method) != NULL)
		return;
	/* separator and method are added together or not at all */
	if (used + (used > 0 ? 2 : 0) + strlen(method) >= allowlen)
		return;
	if (used > 0)
		strcat(allow, ", ");
	strcat(allow, method);
}

enum router_result router_match(const struct route *table, size_t n, struct http_request *req,
				int include_test_only, const struct route **out, char *allow,
				size_t allowlen)
{
	const char *method = req->method;
	bool path_known = false;

	if (strcmp(method, "HEAD") == 0)
		method = "GET";
	if (allowlen > 0)
		allow[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		const struct route *r = &table[i];

		if ((r->flags & ROUTE_TEST_ONLY) && !include_test_only)
			continue;
		if (!route_pattern_match(r->pattern, route_path(req), req, false))
			continue;
		path_known = true;
		if (strcmp(r->method, method) == 0) {
			route_pattern_match(r->pattern, route_path(req), req, true);
			*out = r;
			return ROUTER_MATCH;
		}
	}
	if (!path_known)
		return ROUTER_NOT_FOUND;
	for (size_t i = 0; i < n; i++) {
		const struct route *r = &table[i];

		if ((r->flags & ROUTE_TEST_ONLY) && !include_test_only)
			continue;
		if (route_pattern_match(r->pattern, route_path(req), req, false)) {
			allow_add(allow, allowlen, r->method);
			if (strcmp(r->method, "GET") == 0)
				allow_add(allow, allowlen, "HEAD");
		}
	}
	return ROUTER_METHOD_NOT_ALLOWED;
}
