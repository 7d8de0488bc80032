/* http.c - request parsing and response building; see include/souk/http.h. */
#include "souk/http.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "souk/arena.h"
#include "souk/err.h"
#include "souk/json.h"
#include "souk/str.h"

#define HTTP_MAX_PAIRS 128 /* query parameters or cookies kept per request */

static const char *param_value(char **params, const char *name)
{
	size_t n = strlen(name);

	for (char **p = params; p != NULL && *p != NULL; p++)
		if (strncmp(*p, name, n) == 0 && (*p)[n] == '=')
			return *p + n + 1;
	return NULL;
}

/* "HTTP_X_REQUEST_ID" -> "x-request-id" */
static char *header_name_from_param(struct arena *arena, const char *param, size_t len)
{
	char *name = arena_strndup(arena, param, len);

	for (char *c = name; *c; c++)
		*c = *c == '_' ? '-' : (char)tolower((unsigned char)*c);
	return name;
}

static void request_collect_headers(struct http_request *req, char **params)
{
	size_t count = 0, i = 0;

	for (char **p = params; p != NULL && *p != NULL; p++)
		if (strncmp(*p, "HTTP_", 5) == 0)
			count++;
	req->headers = arena_alloc(req->arena, (count + 1) * sizeof(*req->headers));
	for (char **p = params; p != NULL && *p != NULL && i < count; p++) {
		const char *eq;

		if (strncmp(*p, "HTTP_", 5) != 0 || (eq = strchr(*p, '=')) == NULL)
			continue;
		req->headers[i].name =
		    header_name_from_param(req->arena, *p + 5, (size_t)(eq - *p - 5));
		req->headers[i].value = arena_strdup(req->arena, eq + 1);
		i++;
	}
	req->nheaders = i;
}

int http_request_init(struct http_request *req, struct arena *arena, char **params)
{
	const char *uri, *q, *v;
	char *decoded;
	long len;
	int rc = SOUK_OK;

	memset(req, 0, sizeof(*req));
	req->arena = arena;
	req->content_length = -1;
	req->method = arena_strdup(arena, (v = param_value(params, "REQUEST_METHOD")) ? v : "GET");
	req->request_id = arena_strdup(arena, param_value(params, "REQUEST_ID"));
	req->remote_addr = arena_strdup(arena, (v = param_value(params, "REMOTE_ADDR")) ? v : "");
	req->content_type = arena_strdup(arena, param_value(params, "CONTENT_TYPE"));
	if (req->content_type != NULL && *req->content_type == '\0')
		req->content_type = NULL;
	v = param_value(params, "HTTPS");
	req->https = v != NULL && (str_ieq(v, "on") || str_ieq(v, "1"));
	v = param_value(params, "CONTENT_LENGTH");
	if (v != NULL && *v != '\0') {
		long cl;

		if (str_to_long(v, 0, 0x7fffffffL, &cl) == SOUK_OK)
			req->content_length = cl;
		else
			rc = SOUK_EMALFORMED;
	}
	request_collect_headers(req, params);
	if (req->request_id == NULL)
		req->request_id = http_header(req, "x-request-id");
	if (req->request_id == NULL)
		req->request_id = "-";

	uri = param_value(params, "REQUEST_URI");
	if (uri == NULL)
		uri = (v = param_value(params, "SCRIPT_NAME")) ? v : "/";
	q = strchr(uri, '?');
	req->raw_path = q ? arena_strndup(arena, uri, (size_t)(q - uri)) : arena_strdup(arena, uri);
	req->query_string = arena_strdup(arena, q ? q + 1 : "");
	req->path = req->raw_path;
	decoded = arena_alloc(arena, strlen(req->raw_path) + 1);
	len = str_url_decode(decoded, req->raw_path, strlen(req->raw_path), false);
	if (len < 0 || !str_is_utf8(decoded, (size_t)len))
		rc = SOUK_EMALFORMED;
	else
		req->path = decoded;
	if (http_parse_query(arena, req->query_string, &req->query, &req->nquery) != SOUK_OK)
		rc = SOUK_EMALFORMED;
	http_parse_cookies(arena, http_header(req, "cookie"), &req->cookies, &req->ncookies);
	return rc;
}

int http_parse_query(struct arena *arena, const char *qs, struct http_pair **out, size_t *n)
{
	size_t count = 1, i = 0;
	const char *p = qs;
	struct http_pair *pairs;

	*out = NULL;
	*n = 0;
	if (qs == NULL || *qs == '\0')
		return SOUK_OK;
	for (const char *c = qs; *c; c++)
		if (*c == '&')
			count++;
	if (count > HTTP_MAX_PAIRS)
		return SOUK_EMALFORMED;
	pairs = arena_alloc(arena, count * sizeof(*pairs));
	while (*p != '\0') {
		const char *end = strchr(p, '&'), *eq;
		size_t seglen;

		if (end == NULL)
			end = p + strlen(p);
		seglen = (size_t)(end - p);
		if (seglen > 0) {
			char *name, *value;
			size_t nlen, vlen;

			eq = memchr(p, '=', seglen);
			nlen = eq ? (size_t)(eq - p) : seglen;
			vlen = eq ? seglen - nlen - 1 : 0;
			name = arena_alloc(arena, nlen + 1);
			value = arena_alloc(arena, vlen + 1);
			long dn = str_url_decode(name, p, nlen, true);
			long dv = eq ? str_url_decode(value, eq + 1, vlen, true) : 0;

			if (dn < 0 || dv < 0 || !str_is_utf8(name, (size_t)dn) ||
			    !str_is_utf8(value, (size_t)dv))
				return SOUK_EMALFORMED;
			if (dn > 0) { /* "=x" carries no name: ignored, like "&&" */
				pairs[i].name = name;
				pairs[i].value = value;
				i++;
			}
		}
		p = *end ? end + 1 : end;
	}
	*out = pairs;
	*n = i;
	return SOUK_OK;
}

void http_parse_cookies(struct arena *arena, const char *header, struct http_pair **out, size_t *n)
{
	size_t count = 1, i = 0;
	const char *p = header;
	struct http_pair *pairs;

	*out = NULL;
	*n = 0;
	if (header == NULL || *header == '\0')
		return;
	for (const char *c = header; *c; c++)
		if (*c == ';')
			count++;
	if (count > HTTP_MAX_PAIRS)
		count = HTTP_MAX_PAIRS;
	pairs = arena_alloc(arena, count * sizeof(*pairs));
	while (*p != '\0' && i < count) {
		const char *end = strchr(p, ';'), *eq, *ns, *ne, *vs, *ve;

		if (end == NULL)
			end = p + strlen(p);
		eq = memchr(p, '=', (size_t)(end - p));
		if (eq != NULL) {
			ns = p;
			ne = eq;
			while (ns < ne && (*ns == ' ' || *ns == '\t'))
				ns++;
			while (ne > ns && (ne[-1] == ' ' || ne[-1] == '\t'))
				ne--;
			vs = eq + 1;
			ve = end;
			while (vs < ve && (*vs == ' ' || *vs == '\t'))
				vs++;
			while (ve > vs && (ve[-1] == ' ' || ve[-1] == '\t'))
				ve--;
			if (ve - vs >= 2 && *vs == '"' && ve[-1] == '"') {
				vs++;
				ve--;
			}
			if (ne > ns) {
				pairs[i].name = arena_strndup(arena, ns, (size_t)(ne - ns));
				pairs[i].value = arena_strndup(arena, vs, (size_t)(ve - vs));
				i++;
			}
		}
		p = *end ? end + 1 : end;
	}
	*out = pairs;
	*n = i;
}

static const char *pair_find(const struct http_pair *pairs, size_t n, const char *name, bool icase)
{
	for (size_t i = 0; i < n; i++)
		if (icase ? str_ieq(pairs[i].name, name) : strcmp(pairs[i].name, name) == 0)
			return pairs[i].value;
	return NULL;
}

const char *http_query(const struct http_request *req, const char *name)
{
	return pair_find(req->query, req->nquery, name, false);
}

const char *http_cookie(const struct http_request *req, const char *name)
{
	return pair_find(req->cookies, req->ncookies, name, false);
}

const char *http_header(const struct http_request *req, const char *name)
{
	return pair_find(req->headers, req->nheaders, name, true);
}

const char *http_path_param(const struct http_request *req, const char *name)
{
	for (size_t i = 0; i < req->npath_params; i++)
		if (strcmp(req->path_param_names[i], name) == 0)
			return req->path_params[i];
	return NULL;
}

bool http_is_json_content_type(const char *content_type)
{
	const char *p = content_type;
	size_t n = strlen("application/json");

	if (p == NULL)
		return false;
	while (*p == ' ')
		p++;
	if (!str_istarts(p, "application/json"))
		return false;
	p += n;
	while (*p == ' ')
		p++;
	return *p == '\0' || *p == ';';
}

int http_field_error(struct http_request *req, const char *field, const char *message)
{
	if (req->error_fields == NULL)
		req->error_fields = json_new_object(req->arena);
	if (cJSON_GetObjectItemCaseSensitive(req->error_fields, field) == NULL)
		cJSON_AddStringToObject(req->error_fields, field, message);
	return SOUK_EINVALID;
}

int http_validate(struct http_request *req, const struct validate_field *fields, size_t n,
		  void *out, struct validate_result *result)
{
	struct validate_result r;
	const cJSON *e;
	int rc = validate_json(req->arena, req->json, fields, n, VALIDATE_REJECT_UNKNOWN, out, &r);

	if (result != NULL)
		*result = r;
	cJSON_ArrayForEach(e, r.errors) http_field_error(req, e->string, e->valuestring);
	return rc;
}

void http_response_init(struct http_response *res)
{
	memset(res, 0, sizeof(*res));
	res->status = 200;
	res->content_type = "application/json; charset=utf-8";
}

void http_response_header(struct http_response *res, const char *name, const char *value)
{
	/* a fixed table: more headers than this is a bug, and dropping is safer
	 * than overflowing */
	if (res->nheaders < HTTP_MAX_RESPONSE_HEADERS) {
		res->headers[res->nheaders].name = name;
		res->headers[res->nheaders].value = value;
		res->nheaders++;
	}
}

void http_response_json(struct http_response *res, struct arena *arena, int status,
			const struct cJSON *json)
{
	char *text = json_print(arena, json);

	http_response_body(res, status, text, strlen(text));
}

void http_response_body(struct http_response *res, int status, const char *text, size_t len)
{
	res->status = status;
	res->content_type = "application/json; charset=utf-8";
	res->body = text;
	res->body_len = len;
}

void http_response_content_type(struct http_response *res, const char *content_type)
{
	res->content_type = content_type;
}

void http_response_empty(struct http_response *res, int status)
{
	res->status = status;
	res->content_type = NULL;
	res->body = NULL;
	res->body_len = 0;
}

void http_response_accel(struct http_response *res, const char *content_type, const char *location)
{
	http_response_empty(res, 200);
	res->content_type = content_type;
	http_response_header(res, "X-Accel-Redirect", location);
}

void http_response_error(struct http_response *res, struct arena *arena, int err,
			 const char *message, const struct cJSON *fields)
{
	const struct souk_err_http *map = souk_err_http(err);
	cJSON *root = json_new_object(arena), *e;

	e = cJSON_AddObjectToObject(root, "error");
	cJSON_AddStringToObject(e, "code", map->code);
	cJSON_AddStringToObject(e, "message", message ? message : map->message);
	if (fields != NULL)
		cJSON_AddItemToObject(e, "fields", cJSON_Duplicate(fields, true));
	http_response_json(res, arena, map->status, root);
}

char *http_response_head(const struct http_response *res, struct arena *arena, size_t *len)
{
	struct buf b;
	char line[64];
	char *out;

	buf_init(&b, 1 << 20);
	snprintf(line, sizeof(line), "Status: %d %s\r\n", res->status,
		 http_status_reason(res->status));
	buf_appends(&b, line);
	if (res->content_type != NULL && res->status != 204 && res->status != 304) {
		buf_appends(&b, "Content-Type: ");
		buf_appends(&b, res->content_type);
		buf_appends(&b, "\r\n");
	}
	snprintf(line, sizeof(line), "Content-Length: %zu\r\n", res->body_len);
	buf_appends(&b, line);
	/* API answers are personal or live unless a handler says otherwise */
	bool cache_set = false;

	for (size_t i = 0; i < res->nheaders; i++)
		cache_set |= str_ieq(res->headers[i].name, "Cache-Control");
	if (!cache_set)
		buf_appends(&b, "Cache-Control: no-store\r\n");
	for (size_t i = 0; i < res->nheaders; i++) {
		/* header values come from the code, but never let one inject a line */
		if (strpbrk(res->headers[i].value, "\r\n") != NULL)
			continue;
		buf_appends(&b, res->headers[i].name);
		buf_appends(&b, ": ");
		buf_appends(&b, res->headers[i].value);
		buf_appends(&b, "\r\n");
	}
	buf_appends(&b, "\r\n");
	out = arena_strndup(arena, b.data, b.len);
	*len = b.len;
	buf_free(&b);
	return out;
}
