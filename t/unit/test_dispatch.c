/*
 * test_dispatch.c - the request pipeline (include/souk/api.h), driven with a
 * fake request and a fake body reader; no FastCGI, PostgreSQL or Redis.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "souk/api.h"
#include "souk/arena.h"
#include "souk/config.h"
#include "souk/err.h"
#include "souk/http.h"
#include "souk/log.h"
#include "souk/worker.h"
#include "tests.h"

#define BODY_LIMIT 2048

static struct souk_config test_cfg, prod_cfg;
static struct worker test_worker, prod_worker;
static int have_test_cfg, have_prod_cfg;

static int load_config(struct souk_config *cfg, const char *env)
{
	char err[256] = "";
	int rc;

	tests_clear_souk_env();
	setenv("SOUK_ENV", env, 1);
	setenv("SOUK_BODY_LIMIT", "2048", 1);
	setenv("SOUK_DATABASE_URL", "host=/nonexistent dbname=x connect_timeout=1", 1);
	setenv("SOUK_REDIS_SOCKET", "/nonexistent/redis.sock", 1);
	rc = config_load(cfg, "/nonexistent/souk.env", err, sizeof(err));
	tests_clear_souk_env();
	if (rc != SOUK_OK) {
		fprintf(stderr, "dispatch suite: config_load: %s\n", err);
		config_free(cfg);
	}
	return rc;
}

static int dispatch_suite_init(void)
{
	/* the unreachable database and Redis log warnings; keep the run quiet */
	log_set_level("error");
	if (load_config(&test_cfg, "test") != SOUK_OK)
		return 1;
	have_test_cfg = 1;
	if (load_config(&prod_cfg, "production") != SOUK_OK)
		return 1;
	have_prod_cfg = 1;
	worker_init(&test_worker, &test_cfg, -1);
	worker_init(&prod_worker, &prod_cfg, -1);
	return 0;
}

static int dispatch_suite_cleanup(void)
{
	if (have_test_cfg) {
		worker_destroy(&test_worker);
		config_free(&test_cfg);
	}
	if (have_prod_cfg) {
		worker_destroy(&prod_worker);
		config_free(&prod_cfg);
	}
	have_test_cfg = have_prod_cfg = 0;
	log_set_level("info");
	return 0;
}

/* The fake body: hands out data in chunks of at most chunk bytes (0 = any). */
struct fake_body {
	const char *data;
	size_t len, off;
	size_t chunk;
	int calls;	  /* read calls */
	int calls_at_end; /* calls that returned 0 */
};

static long fake_read(void *ctx, char *buf, size_t n)
{
	struct fake_body *b = ctx;
	size_t left = b->len - b->off;

	b->calls++;
	if (n > left)
		n = left;
	if (b->chunk > 0 && n > b->chunk)
		n = b->chunk;
	if (n == 0) {
		b->calls_at_end++;
		return 0;
	}
	memcpy(buf, b->data + b->off, n);
	b->off += n;
	return (long)n;
}

struct call {
	struct worker *w;
	struct http_request req;
	struct http_response res;
	struct fake_body body;
	cJSON *json;  /* the parsed response body (arena-owned), NULL if not JSON */
	cJSON *error; /* json's "error" member, if any */
	int init_rc;
};

static void cjson_delete(void *p)
{
	cJSON_Delete(p);
}

/*
 * Runs one request through api_handle(). content_length < 0 means "no
 * CONTENT_LENGTH"; body may be NULL. Everything lives in the worker's arena:
 * call_end() resets it, as the FastCGI loop does after every request.
 */
static void call_run(struct call *c, struct worker *w, const char *method, const char *uri,
		     const char *content_type, const char *body, size_t body_len,
		     long long content_length)
{
	struct arena *a = &w->arena;
	char *params[8];
	size_t n = 0;

	memset(c, 0, sizeof(*c));
	c->w = w;
	params[n++] = arena_printf(a, "REQUEST_METHOD=%s", method);
	params[n++] = arena_printf(a, "REQUEST_URI=%s", uri);
	params[n++] = "REQUEST_ID=unit-test";
	if (content_type != NULL)
		params[n++] = arena_printf(a, "CONTENT_TYPE=%s", content_type);
	if (content_length >= 0)
		params[n++] = arena_printf(a, "CONTENT_LENGTH=%lld", content_length);
	params[n] = NULL;
	c->init_rc = http_request_init(&c->req, a, params);
	c->body.data = body ? body : "";
	c->body.len = body ? body_len : 0;
	api_handle(w, &c->req, &c->res, fake_read, &c->body);
	if (c->res.body != NULL) {
		c->json = cJSON_ParseWithLength(c->res.body, c->res.body_len);
		if (c->json != NULL) {
			arena_defer(a, cjson_delete, c->json);
			c->error = cJSON_GetObjectItemCaseSensitive(c->json, "error");
		}
	}
}

/* A JSON POST to the echo route with an exact CONTENT_LENGTH. */
static void call_echo(struct call *c, struct worker *w, const char *content_type, const char *body)
{
	call_run(c, w, "POST", "/api/v1/_test/echo", content_type, body, strlen(body),
		 (long long)strlen(body));
}

static void call_end(struct call *c)
{
	arena_reset(&c->w->arena);
}

static const char *member_string(const cJSON *obj, const char *name)
{
	return cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(obj, name));
}

static const char *error_code(const struct call *c)
{
	return member_string(c->error, "code");
}

static const char *error_message(const struct call *c)
{
	return member_string(c->error, "message");
}

static const char *response_header(const struct http_response *res, const char *name)
{
	for (size_t i = 0; i < res->nheaders; i++)
		if (strcmp(res->headers[i].name, name) == 0)
			return res->headers[i].value;
	return NULL;
}

/* Every response is JSON with the JSON content type. */
static void assert_json_response(const struct call *c)
{
	CU_ASSERT_PTR_NOT_NULL(c->json);
	CU_ASSERT_TRUE(cJSON_IsObject(c->json));
	ASSERT_STR_EQ(c->res.content_type, "application/json; charset=utf-8");
	CU_ASSERT_EQUAL(c->res.body_len, c->res.body ? strlen(c->res.body) : 0);
}

static void test_health(void)
{
	struct call c;

	call_run(&c, &test_worker, "GET", "/api/v1/health", NULL, NULL, 0, -1);
	CU_ASSERT_EQUAL(c.init_rc, SOUK_OK);
	CU_ASSERT_EQUAL(c.res.status, 200);
	assert_json_response(&c);
	CU_ASSERT_EQUAL(cJSON_GetArraySize(c.json), 1);
	ASSERT_STR_EQ(member_string(c.json, "status"), "ok");
	CU_ASSERT_PTR_NULL(c.error);
	call_end(&c);

	/* HEAD is served by the GET route (the FastCGI layer drops the body) */
	call_run(&c, &test_worker, "HEAD", "/api/v1/health", NULL, NULL, 0, -1);
	CU_ASSERT_EQUAL(c.res.status, 200);
	ASSERT_STR_EQ(member_string(c.json, "status"), "ok");
	call_end(&c);

	/* health is there in every environment */
	call_run(&c, &prod_worker, "GET", "/api/v1/health", NULL, NULL, 0, -1);
	CU_ASSERT_EQUAL(c.res.status, 200);
	call_end(&c);
}

static void test_not_found(void)
{
	struct call c;
	static const char body[] = "ignored body";

	call_run(&c, &test_worker, "GET", "/api/v1/nope", NULL, NULL, 0, -1);
	CU_ASSERT_EQUAL(c.res.status, 404);
	assert_json_response(&c);
	CU_ASSERT_EQUAL(cJSON_GetArraySize(c.json), 1);
	ASSERT_STR_EQ(error_code(&c), "not_found");
	ASSERT_STR_EQ(error_message(&c), "No such endpoint.");
	CU_ASSERT_PTR_NULL(cJSON_GetObjectItemCaseSensitive(c.error, "fields"));
	call_end(&c);

	/* a body sent to an unknown path is drained */
	call_run(&c, &test_worker, "POST", "/api/v1/health/", "application/json", body,
		 sizeof(body) - 1, sizeof(body) - 1);
	CU_ASSERT_EQUAL(c.res.status, 404);
	CU_ASSERT_EQUAL(c.body.off, sizeof(body) - 1);
	call_end(&c);
}

static void test_method_not_allowed(void)
{
	struct call c;
	static const char body[] = "{\"x\":1}";
	struct http_response *res = &c.res;
	size_t head_len;
	char *head;

	call_run(&c, &test_worker, "DELETE", "/api/v1/health", "application/json", body,
		 sizeof(body) - 1, sizeof(body) - 1);
	CU_ASSERT_EQUAL(res->status, 405);
	assert_json_response(&c);
	ASSERT_STR_EQ(error_code(&c), "method_not_allowed");
	ASSERT_STR_EQ(error_message(&c), "Method not allowed for this resource.");
	ASSERT_STR_EQ(response_header(res, "Allow"), "GET, HEAD");
	CU_ASSERT_EQUAL(c.body.off, sizeof(body) - 1); /* drained */
	/* and it reaches the wire */
	head = http_response_head(res, &test_worker.arena, &head_len);
	CU_ASSERT_EQUAL(strncmp(head, "Status: 405 Method Not Allowed\r\n", 32), 0);
	ASSERT_STR_CONTAINS(head, "\r\nAllow: GET, HEAD\r\n");
	call_end(&c);

	call_run(&c, &test_worker, "GET", "/api/v1/_test/echo", NULL, NULL, 0, -1);
	CU_ASSERT_EQUAL(c.res.status, 405);
	ASSERT_STR_EQ(response_header(&c.res, "Allow"), "POST");
	call_end(&c);
}

static void test_echo_wrong_media_type(void)
{
	struct call c;
	static const char body[] = "{\"name\":\"Ann\",\"email\":\"a@b.co\",\"quantity\":1}";

	call_echo(&c, &test_worker, "text/plain", body);
	CU_ASSERT_EQUAL(c.res.status, 415);
	assert_json_response(&c);
	ASSERT_STR_EQ(error_code(&c), "unsupported_media_type");
	ASSERT_STR_EQ(error_message(&c), "Send the body as application/json.");
	call_end(&c);

	/* no Content-Type at all */
	call_echo(&c, &test_worker, NULL, body);
	CU_ASSERT_EQUAL(c.res.status, 415);
	call_end(&c);

	call_echo(&c, &test_worker, "application/jsonx", body);
	CU_ASSERT_EQUAL(c.res.status, 415);
	call_end(&c);

	/* media type matching is case-insensitive and ignores parameters */
	call_echo(&c, &test_worker, "Application/JSON; charset=utf-8", body);
	CU_ASSERT_EQUAL(c.res.status, 200);
	call_end(&c);
}

struct malformed_case {
	const char *body;
	const char *message;
};

static void test_echo_malformed(void)
{
	static const struct malformed_case cases[] = {
	    {"{\"name\":", "The body is not valid JSON."},
	    {"not json", "The body is not valid JSON."},
	    {"[{\"name\":\"Ann\"}]", "The body must be a JSON object."},
	    {"\"just a string\"", "The body must be a JSON object."},
	    {"{\"name\":\"Ann\"} trailing", "The body has data after the JSON value."},
	    {"{\"name\":\"\xc0\x80\"}", "The body is not valid UTF-8."},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct call c;

		call_echo(&c, &test_worker, "application/json", cases[i].body);
		CU_ASSERT_EQUAL(c.res.status, 400);
		assert_json_response(&c);
		ASSERT_STR_EQ(error_code(&c), "malformed_request");
		ASSERT_STR_EQ(error_message(&c), cases[i].message);
		if (c.res.status != 400)
			fprintf(stderr, "\n  malformed case %zu: status %d\n", i, c.res.status);
		call_end(&c);
	}
}

static void test_echo_empty_and_short_body(void)
{
	struct call c;
	static const char body[] = "{\"name\":\"Ann\"}";

	/* CONTENT_LENGTH 0 */
	call_run(&c, &test_worker, "POST", "/api/v1/_test/echo", "application/json", "", 0, 0);
	CU_ASSERT_EQUAL(c.res.status, 400);
	ASSERT_STR_EQ(error_code(&c), "malformed_request");
	ASSERT_STR_EQ(error_message(&c), "The request body is empty; send a JSON object.");
	call_end(&c);

	/* no CONTENT_LENGTH */
	call_run(&c, &test_worker, "POST", "/api/v1/_test/echo", "application/json", NULL, 0, -1);
	CU_ASSERT_EQUAL(c.res.status, 400);
	ASSERT_STR_EQ(error_message(&c), "The request body is empty; send a JSON object.");
	call_end(&c);

	/* the client promised more than it sent */
	call_run(&c, &test_worker, "POST", "/api/v1/_test/echo", "application/json", body,
		 sizeof(body) - 1, 100);
	CU_ASSERT_EQUAL(c.res.status, 400);
	ASSERT_STR_EQ(error_code(&c), "malformed_request");
	ASSERT_STR_EQ(error_message(&c), "The request body ended early.");
	call_end(&c);
}

static void test_echo_too_large(void)
{
	struct call c;
	char *big = malloc(4096);

	CU_ASSERT_PTR_NOT_NULL_FATAL(big);
	memset(big, ' ', 4096);
	big[0] = '{';
	big[4095] = '}';
	call_run(&c, &test_worker, "POST", "/api/v1/_test/echo", "application/json", big, 4096,
		 4096);
	CU_ASSERT_EQUAL(c.res.status, 413);
	assert_json_response(&c);
	ASSERT_STR_EQ(error_code(&c), "payload_too_large");
	ASSERT_STR_EQ(error_message(&c), "The request body is too large.");
	/* the reader was drained to its end, and not read past it */
	CU_ASSERT_EQUAL(c.body.off, 4096);
	CU_ASSERT_EQUAL(c.body.calls_at_end, 1);
	CU_ASSERT_PTR_NULL(c.req.body);
	call_end(&c);

	/* too large wins over the wrong media type: the body is never read */
	call_run(&c, &test_worker, "POST", "/api/v1/_test/echo", "text/plain", big, 4096, 4096);
	CU_ASSERT_EQUAL(c.res.status, 413);
	CU_ASSERT_EQUAL(c.body.off, 4096);
	call_end(&c);

	/* the limit applies to every route, also those without a JSON body */
	call_run(&c, &test_worker, "GET", "/api/v1/health", NULL, big, 4096, 4096);
	CU_ASSERT_EQUAL(c.res.status, 413);
	CU_ASSERT_EQUAL(c.body.off, 4096);
	call_end(&c);
	free(big);
}

static void test_echo_limit_boundary(void)
{
	struct call c;
	char *body = malloc(BODY_LIMIT + 2);
	static const char json[] = "{\"name\":\"Ann\",\"email\":\"a@b.co\",\"quantity\":2}";

	CU_ASSERT_PTR_NOT_NULL_FATAL(body);
	/* exactly the limit: accepted (whitespace after the object is fine) */
	memset(body, ' ', BODY_LIMIT + 1);
	memcpy(body, json, sizeof(json) - 1);
	body[BODY_LIMIT + 1] = '\0';
	call_run(&c, &test_worker, "POST", "/api/v1/_test/echo", "application/json", body,
		 BODY_LIMIT, BODY_LIMIT);
	CU_ASSERT_EQUAL(c.res.status, 200);
	CU_ASSERT_EQUAL(c.req.body_len, BODY_LIMIT);
	CU_ASSERT_EQUAL(c.body.off, BODY_LIMIT);
	call_end(&c);
	/* one byte more: 413 */
	call_run(&c, &test_worker, "POST", "/api/v1/_test/echo", "application/json", body,
		 BODY_LIMIT + 1, BODY_LIMIT + 1);
	CU_ASSERT_EQUAL(c.res.status, 413);
	CU_ASSERT_EQUAL(c.body.off, BODY_LIMIT + 1);
	call_end(&c);
	free(body);
}

static void test_echo_valid(void)
{
	struct call c;
	static const char body[] = "{\"name\":\"  Ann Lee \",\"email\":\" ANN@Example.COM\","
				   "\"quantity\":3,\"gift\":true}";

	call_run(&c, &test_worker, "POST", "/api/v1/_test/echo", "application/json", body,
		 sizeof(body) - 1, sizeof(body) - 1);
	CU_ASSERT_EQUAL(c.res.status, 200);
	assert_json_response(&c);
	CU_ASSERT_PTR_NULL(c.error);
	CU_ASSERT_EQUAL(cJSON_GetArraySize(c.json), 4);
	ASSERT_STR_EQ(member_string(c.json, "name"), "Ann Lee");
	ASSERT_STR_EQ(member_string(c.json, "email"), "ann@example.com");
	cJSON *quantity = cJSON_GetObjectItemCaseSensitive(c.json, "quantity");
	CU_ASSERT_TRUE(cJSON_IsNumber(quantity));
	CU_ASSERT_EQUAL(cJSON_GetNumberValue(quantity), 3.0);
	CU_ASSERT_TRUE(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(c.json, "gift")));
	/* the body is kept NUL-terminated in the arena */
	CU_ASSERT_EQUAL(c.req.body_len, sizeof(body) - 1);
	ASSERT_STR_EQ(c.req.body, body);
	call_end(&c);

	/* gift is optional and defaults to false */
	call_echo(&c, &test_worker, "application/json",
		  "{\"name\":\"\xe2\x82\xac\",\"email\":\"x@y.io\",\"quantity\":10}");
	CU_ASSERT_EQUAL(c.res.status, 200);
	ASSERT_STR_EQ(member_string(c.json, "name"), "\xe2\x82\xac");
	CU_ASSERT_TRUE(cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(c.json, "gift")));
	call_end(&c);
}

/* A reader that hands out at most 5 bytes per call. */
static void test_echo_chunked_reader(void)
{
	static const char body[] = "{\"name\":\"Bo\",\"email\":\"bo@ex.org\",\"quantity\":1}";
	struct worker *w = &test_worker;
	struct http_request req;
	struct http_response res;
	struct fake_body fb = {body, sizeof(body) - 1, 0, 5, 0, 0};
	char *params[] = {"REQUEST_METHOD=POST", "REQUEST_URI=/api/v1/_test/echo",
			  "CONTENT_TYPE=application/json",
			  arena_printf(&w->arena, "CONTENT_LENGTH=%zu", sizeof(body) - 1), NULL};

	CU_ASSERT_EQUAL(http_request_init(&req, &w->arena, params), SOUK_OK);
	api_handle(w, &req, &res, fake_read, &fb);
	CU_ASSERT_EQUAL(res.status, 200);
	CU_ASSERT_EQUAL(fb.off, sizeof(body) - 1);
	CU_ASSERT_TRUE(fb.calls >= (int)((sizeof(body) - 1 + 4) / 5));
	ASSERT_STR_EQ(req.body, body);
	arena_reset(&w->arena);
}

static void test_echo_invalid_fields(void)
{
	struct call c;
	cJSON *fields;

	call_echo(
	    &c, &test_worker, "application/json",
	    "{\"name\":\"   \",\"email\":\"not-an-address\",\"quantity\":11,\"gift\":\"yes\"}");
	CU_ASSERT_EQUAL(c.res.status, 422);
	assert_json_response(&c);
	ASSERT_STR_EQ(error_code(&c), "validation_failed");
	ASSERT_STR_EQ(error_message(&c), "Some fields are invalid.");
	fields = cJSON_GetObjectItemCaseSensitive(c.error, "fields");
	CU_ASSERT_TRUE_FATAL(cJSON_IsObject(fields));
	CU_ASSERT_EQUAL(cJSON_GetArraySize(fields), 4);
	ASSERT_STR_EQ(member_string(fields, "name"), "must not be empty");
	ASSERT_STR_EQ(member_string(fields, "email"), "must be a valid e-mail address");
	ASSERT_STR_EQ(member_string(fields, "quantity"), "must be between 1 and 10");
	ASSERT_STR_EQ(member_string(fields, "gift"), "must be true or false");
	call_end(&c);

	/* a member the endpoint does not know is an error, not ignored */
	call_echo(&c, &test_worker, "application/json",
		  "{\"name\":\"Ann\",\"email\":\"a@b.co\",\"quantity\":1,\"gfit\":true}");
	CU_ASSERT_EQUAL(c.res.status, 422);
	fields = cJSON_GetObjectItemCaseSensitive(c.error, "fields");
	CU_ASSERT_EQUAL(cJSON_GetArraySize(fields), 1);
	ASSERT_STR_EQ(member_string(fields, "gfit"), "is not a field of this resource");
	call_end(&c);

	call_echo(&c, &test_worker, "application/json", "{}");
	CU_ASSERT_EQUAL(c.res.status, 422);
	fields = cJSON_GetObjectItemCaseSensitive(c.error, "fields");
	CU_ASSERT_EQUAL(cJSON_GetArraySize(fields), 3);
	ASSERT_STR_EQ(member_string(fields, "name"), "is required");
	ASSERT_STR_EQ(member_string(fields, "email"), "is required");
	ASSERT_STR_EQ(member_string(fields, "quantity"), "is required");
	call_end(&c);

	/* name is counted in characters: 100 x "€" (300 bytes) is fine, 101 is not */
	char name[101 * 3 + 1];
	for (int i = 0; i < 101; i++)
		memcpy(name + i * 3, "\xe2\x82\xac", 3);
	name[100 * 3] = '\0';
	char *body = arena_printf(&test_worker.arena,
				  "{\"name\":\"%s\",\"email\":\"a@b.co\",\"quantity\":1.5}", name);
	call_echo(&c, &test_worker, "application/json", body);
	CU_ASSERT_EQUAL(c.res.status, 422);
	fields = cJSON_GetObjectItemCaseSensitive(c.error, "fields");
	CU_ASSERT_EQUAL(cJSON_GetArraySize(fields), 1);
	ASSERT_STR_EQ(member_string(fields, "quantity"), "must be a whole number");
	call_end(&c);
	name[100 * 3] = '\xe2';
	name[101 * 3] = '\0';
	body = arena_printf(&test_worker.arena,
			    "{\"name\":\"%s\",\"email\":\"a@b.co\",\"quantity\":1}", name);
	call_echo(&c, &test_worker, "application/json", body);
	CU_ASSERT_EQUAL(c.res.status, 422);
	fields = cJSON_GetObjectItemCaseSensitive(c.error, "fields");
	ASSERT_STR_EQ(member_string(fields, "name"), "must be at most 100 characters");
	call_end(&c);
}

static void test_ready_without_backends(void)
{
	struct call c;

	call_run(&c, &test_worker, "GET", "/api/v1/ready", NULL, NULL, 0, -1);
	CU_ASSERT_EQUAL(c.res.status, 503);
	assert_json_response(&c);
	ASSERT_STR_EQ(member_string(c.json, "status"), "unavailable");
	ASSERT_STR_EQ(member_string(c.json, "db"), "down");
	ASSERT_STR_EQ(member_string(c.json, "redis"), "down");
	ASSERT_STR_EQ(member_string(c.json, "version"), PACKAGE_VERSION);
	ASSERT_STR_EQ(response_header(&c.res, "Retry-After"), "5");
	CU_ASSERT_PTR_NULL(test_worker.db.conn); /* the failed connection was dropped */
	CU_ASSERT_PTR_NULL(test_worker.redis.ctx);
	call_end(&c);

	/* still down, still answering, on the next request */
	call_run(&c, &test_worker, "GET", "/api/v1/ready", NULL, NULL, 0, -1);
	CU_ASSERT_EQUAL(c.res.status, 503);
	ASSERT_STR_EQ(member_string(c.json, "db"), "down");
	call_end(&c);
}

static void test_echo_hidden_outside_test_env(void)
{
	struct call c;

	ASSERT_STR_EQ(prod_cfg.env, "production");
	call_echo(&c, &prod_worker, "application/json",
		  "{\"name\":\"Ann\",\"email\":\"a@b.co\",\"quantity\":1}");
	CU_ASSERT_EQUAL(c.res.status, 404);
	ASSERT_STR_EQ(error_code(&c), "not_found");
	call_end(&c);

	/* not a 405 either: the path does not exist at all */
	call_run(&c, &prod_worker, "GET", "/api/v1/_test/echo", NULL, NULL, 0, -1);
	CU_ASSERT_EQUAL(c.res.status, 404);
	CU_ASSERT_PTR_NULL(response_header(&c.res, "Allow"));
	call_end(&c);
}

static void test_sleep_route(void)
{
	static const char *bad[] = {"/api/v1/_test/sleep", "/api/v1/_test/sleep?ms=abc",
				    "/api/v1/_test/sleep?ms=-1", "/api/v1/_test/sleep?ms=60001",
				    "/api/v1/_test/sleep?ms=1.5"};
	struct call c;

	call_run(&c, &test_worker, "GET", "/api/v1/_test/sleep?ms=0", NULL, NULL, 0, -1);
	CU_ASSERT_EQUAL(c.res.status, 200);
	assert_json_response(&c);
	CU_ASSERT_EQUAL(cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(c.json, "slept_ms")),
			0.0);
	CU_ASSERT_EQUAL(cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(c.json, "pid")),
			(double)getpid());
	call_end(&c);

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		call_run(&c, &test_worker, "GET", bad[i], NULL, NULL, 0, -1);
		CU_ASSERT_EQUAL(c.res.status, 422);
		ASSERT_STR_EQ(error_code(&c), "validation_failed");
		call_end(&c);
	}

	call_run(&c, &prod_worker, "GET", "/api/v1/_test/sleep?ms=0", NULL, NULL, 0, -1);
	CU_ASSERT_EQUAL(c.res.status, 404);
	call_end(&c);
}

static void test_config_of_suite(void)
{
	/* the suite runs with the settings the brief asks for */
	ASSERT_STR_EQ(test_cfg.env, "test");
	CU_ASSERT_EQUAL(test_cfg.body_limit, BODY_LIMIT);
	ASSERT_STR_EQ(test_cfg.redis_socket, "/nonexistent/redis.sock");
	CU_ASSERT_PTR_EQUAL(test_worker.config, &test_cfg);
	CU_ASSERT_EQUAL(test_worker.slot, -1);
	CU_ASSERT_PTR_NULL(getenv("SOUK_ENV")); /* and leaks none of them */
}

/* The route table's promises: anonymous routes are public reads (they skip
 * authentication, so a permission on one would be silently dropped), and
 * streamed bodies are never parsed as JSON. */
static void test_route_table_flags(void)
{
	for (size_t i = 0; i < api_routes_count; i++) {
		const struct route *r = &api_routes[i];

		if (r->flags & ROUTE_ANONYMOUS) {
			CU_ASSERT_PTR_NULL(r->permission);
			CU_ASSERT_STRING_EQUAL(r->method, "GET");
			CU_ASSERT_EQUAL(r->flags & (ROUTE_JSON_BODY | ROUTE_JSON_OPTIONAL), 0);
		}
		if (r->flags & ROUTE_BEACON) {
			CU_ASSERT_PTR_NULL(r->permission);
			CU_ASSERT_STRING_EQUAL(r->method, "POST");
			CU_ASSERT_EQUAL(r->flags & ROUTE_ANONYMOUS, 0);
		}
		if (r->flags & ROUTE_STREAM_BODY) {
			CU_ASSERT_EQUAL(r->flags & (ROUTE_JSON_BODY | ROUTE_JSON_OPTIONAL), 0);
			CU_ASSERT_PTR_NOT_NULL(r->permission);
		}
	}
}

int suite_dispatch(void)
{
	static const struct unit_test tests[] = {
	    {"suite configuration", test_config_of_suite},
	    {"GET /api/v1/health -> 200", test_health},
	    {"unknown path -> 404 JSON, body drained", test_not_found},
	    {"wrong method -> 405 with Allow", test_method_not_allowed},
	    {"echo: wrong media type -> 415", test_echo_wrong_media_type},
	    {"echo: malformed or non-object JSON -> 400", test_echo_malformed},
	    {"echo: empty or short body -> 400", test_echo_empty_and_short_body},
	    {"echo: over the body limit -> 413, drained", test_echo_too_large},
	    {"echo: exactly at the limit, and one over", test_echo_limit_boundary},
	    {"echo: valid body -> 200 normalised", test_echo_valid},
	    {"echo: body read in small chunks", test_echo_chunked_reader},
	    {"echo: invalid fields -> 422 with each field", test_echo_invalid_fields},
	    {"GET /api/v1/ready with nothing running -> 503", test_ready_without_backends},
	    {"echo route is 404 outside SOUK_ENV=test", test_echo_hidden_outside_test_env},
	    {"test-only sleep route: ms=0, bad ms, hidden in production", test_sleep_route},
	    {"route table: anonymous and streamed routes", test_route_table_flags},
	    {NULL, NULL},
	};

	return tests_register("dispatch", dispatch_suite_init, dispatch_suite_cleanup, tests);
}
