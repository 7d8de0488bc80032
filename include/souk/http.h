/*
 * http.h - the request and response of one API call, independent of FastCGI.
 *
 * http_request_init() copies what the request needs out of the FastCGI
 * parameters into the arena (libfcgi frees its params at the next accept), so
 * everything hanging off a struct http_request lives as long as its arena.
 * Responses are built through this module only: it sets the JSON content type
 * and no-store caching (unless the handler set Cache-Control), and serialises
 * errors in the one API format. Security headers (CSP, nosniff, HSTS, ...) are
 * added in one place for every response, API or static: nginx's
 * souk-headers.conf. Errors look like
 *   {"error":{"code":"...","message":"...","fields":{...}}}
 */
#ifndef SOUK_HTTP_H
#define SOUK_HTTP_H

#include <stdbool.h>
#include <stddef.h>

struct arena;
struct cJSON;
struct principal;
struct validate_field;
struct validate_result;

struct http_pair {
	const char *name;  /* headers: lower-case with '-' ; query/cookies: decoded */
	const char *value; /* decoded */
};

#define HTTP_MAX_PATH_PARAMS 8
#define HTTP_MAX_RESPONSE_HEADERS 24

struct http_request {
	struct arena *arena;
	const char *method;	  /* "GET", ... as sent */
	const char *path;	  /* decoded path, without the query string */
	const char *raw_path;	  /* as sent (REQUEST_URI before '?') */
	const char *query_string; /* raw, may be "" */
	const char *request_id;	  /* nginx $request_id, else X-Request-Id, else "-" */
	const char *remote_addr;
	const char *content_type; /* may be NULL */
	long long content_length; /* -1 when absent */
	bool https;

	struct http_pair *headers;
	size_t nheaders;
	struct http_pair *query;
	size_t nquery;
	struct http_pair *cookies;
	size_t ncookies;

	/* set by the router */
	const char *path_params[HTTP_MAX_PATH_PARAMS];
	const char *path_param_names[HTTP_MAX_PATH_PARAMS];
	size_t npath_params;

	/* body (NUL-terminated copy in the arena) and its parsed JSON */
	const char *body;
	size_t body_len;
	struct cJSON *json;
	/* ROUTE_STREAM_BODY routes: the body is not read for the handler, which
	 * pulls it (up to content_length bytes) with body_read(body_ctx, ...):
	 * the count, 0 at the end, -1 on error */
	long (*body_read)(void *ctx, char *buf, size_t n);
	void *body_ctx;

	/* set by the auth middleware: NULL when anonymous */
	const struct principal *principal;

	/* set by a handler before it returns an error: a specific message and,
	 * for SOUK_EINVALID, an object of field -> message (arena-owned) */
	const char *error_message;
	struct cJSON *error_fields;

	long long started_us;
};

struct http_response {
	int status;
	struct http_pair headers[HTTP_MAX_RESPONSE_HEADERS];
	size_t nheaders;
	const char *content_type;
	const char *body;
	size_t body_len;
};

/*
 * Fills *req from FastCGI/CGI params ("NAME=value" strings, NULL-terminated).
 * Returns SOUK_OK, or SOUK_EMALFORMED when the path or query string cannot be
 * decoded (the fields needed to answer — method, raw path, id — are still set).
 */
int http_request_init(struct http_request *req, struct arena *arena, char **params);

/* Parses "a=1&b=x%20y" into decoded pairs. SOUK_OK or SOUK_EMALFORMED. */
int http_parse_query(struct arena *arena, const char *qs, struct http_pair **out, size_t *n);

/* Parses a Cookie header ("a=1; b=2"). Malformed pieces are skipped, as
 * browsers do; values are not percent-decoded (RFC 6265). Never fails. */
void http_parse_cookies(struct arena *arena, const char *header, struct http_pair **out, size_t *n);

/* Lookups; NULL when absent. Header names are matched case-insensitively. */
const char *http_query(const struct http_request *req, const char *name);
const char *http_cookie(const struct http_request *req, const char *name);
const char *http_header(const struct http_request *req, const char *name);
const char *http_path_param(const struct http_request *req, const char *name);

/* True when the Content-Type media type is application/json (any params). */
bool http_is_json_content_type(const char *content_type);

/* Records why one input field is invalid, for the 422 body (the first
 * message of a field wins); returns SOUK_EINVALID so handlers can
 * "return http_field_error(req, "email", "is taken");". */
int http_field_error(struct http_request *req, const char *field, const char *message);

/*
 * Validates the JSON body (req->json; an absent optional body counts as {})
 * against fields[0..n), refusing members that are not in the table. SOUK_OK
 * with the values in out (see validate_json in json.h; result may be NULL),
 * or SOUK_EINVALID with the problems added to req->error_fields.
 */
int http_validate(struct http_request *req, const struct validate_field *fields, size_t n,
		  void *out, struct validate_result *result);
#define HTTP_VALIDATE(req, fields, out, result)                                                    \
	http_validate((req), (fields), sizeof(fields) / sizeof((fields)[0]), (out), (result))

/* Response building: handlers never set http_response fields themselves.
 * Strings must outlive the response (use the arena). */
void http_response_init(struct http_response *res);
void http_response_header(struct http_response *res, const char *name, const char *value);
/* Serialises json (not consumed) as the body with status. */
void http_response_json(struct http_response *res, struct arena *arena, int status,
			const struct cJSON *json);
/* A body that is JSON text already (built by PostgreSQL, or a cached copy). */
void http_response_body(struct http_response *res, int status, const char *text, size_t len);
/* Another Content-Type for the body set above (feeds, sitemaps, HTML);
 * content_type must outlive the response. */
void http_response_content_type(struct http_response *res, const char *content_type);
/* No body and no Content-Type (204 No Content). */
void http_response_empty(struct http_response *res, int status);
/* 200 whose bytes nginx sends: X-Accel-Redirect to an internal location,
 * with the Content-Type of what it will send. */
void http_response_accel(struct http_response *res, const char *content_type, const char *location);
/* Error body for err (see err.h); message NULL = default; fields may be NULL
 * (an object of field -> message, not consumed). */
void http_response_error(struct http_response *res, struct arena *arena, int err,
			 const char *message, const struct cJSON *fields);

/* The CGI response head ("Status: ...\r\nHeader: v\r\n...\r\n"), in the arena. */
char *http_response_head(const struct http_response *res, struct arena *arena, size_t *len);

#endif
