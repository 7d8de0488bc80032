/* system.c - liveness, readiness and the test-only endpoints. */
#include <stddef.h>
#include <stdbool.h>
#include <stdint.h>
#include <errno.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "souk/api.h"
#include "souk/err.h"
#include "souk/http.h"
#include "souk/json.h"
#include "souk/str.h"
#include "souk/worker.h"

#ifndef PACKAGE_VERSION
#define PACKAGE_VERSION "0.0.0"
#endif

static struct db_statement ready_ping = {
    .name = "system_ready_ping",
    .sql = "SELECT 1",
    .nparams = 0,
    .flags = DB_READONLY,
};

/* GET /api/v1/health: 200 while the process can answer. */
int api_health(struct worker *w, struct http_request *req, struct http_response *res)
{
	cJSON *root = json_new_object(req->arena);

	(void)w;
	cJSON_AddStringToObject(root, "status", "ok");
	http_response_json(res, req->arena, 200, root);
	return SOUK_OK;
}

/* GET /api/v1/ready: 200 when PostgreSQL and Redis answer, else 503 naming
 * the one that is down. */
int api_ready(struct worker *w, struct http_request *req, struct http_response *res)
{
	cJSON *root = json_new_object(req->arena);
	const char *argv[] = {"PING"};
	redisReply *reply = NULL;
	bool db_ok, redis_ok;

	db_ok = db_exec(&w->db, req->arena, &ready_ping, NULL, NULL) == SOUK_OK;
	redis_ok = redis_command(&w->redis, req->arena, &reply, 1, 1, argv, NULL) == SOUK_OK &&
		   reply->type == REDIS_REPLY_STATUS && strcmp(reply->str, "PONG") == 0;
	cJSON_AddStringToObject(root, "status", db_ok && redis_ok ? "ok" : "unavailable");
	cJSON_AddStringToObject(root, "db", db_ok ? "ok" : "down");
	cJSON_AddStringToObject(root, "redis", redis_ok ? "ok" : "down");
	cJSON_AddStringToObject(root, "version", PACKAGE_VERSION);
	http_response_json(res, req->arena, db_ok && redis_ok ? 200 : 503, root);
	if (!(db_ok && redis_ok))
		http_response_header(res, "Retry-After", "5");
	return SOUK_OK;
}

struct echo_input {
	const char *name;
	const char *email;
	long long quantity;
	bool gift;
};

static const struct validate_field echo_fields[] = {
    {"name", VALIDATE_STRING, VALIDATE_REQUIRED, 1, 100, offsetof(struct echo_input, name)},
    {"email", VALIDATE_EMAIL, VALIDATE_REQUIRED, 0, 0, offsetof(struct echo_input, email)},
    {"quantity", VALIDATE_INT, VALIDATE_REQUIRED, 1, 10, offsetof(struct echo_input, quantity)},
    {"gift", VALIDATE_BOOL, 0, 0, 0, offsetof(struct echo_input, gift)},
};

/* POST /api/v1/_test/echo (SOUK_ENV=test only): exercises body handling and
 * validation end to end. 200 with the normalised input, 400, 413, 415, 422. */
int api_test_echo(struct worker *w, struct http_request *req, struct http_response *res)
{
	struct echo_input in = {0};
	cJSON *root;
	int rc;

	(void)w;
	rc = HTTP_VALIDATE(req, echo_fields, &in, NULL);
	if (rc != SOUK_OK)
		return rc;
	root = json_new_object(req->arena);
	cJSON_AddStringToObject(root, "name", in.name);
	cJSON_AddStringToObject(root, "email", in.email);
	cJSON_AddNumberToObject(root, "quantity", (double)in.quantity);
	cJSON_AddBoolToObject(root, "gift", in.gift);
	http_response_json(res, req->arena, 200, root);
	return SOUK_OK;
}

/* GET /api/v1/_test/sleep?ms=N (SOUK_ENV=test only): holds the worker for N
 * ms (at most 60 s) so tests can watch graceful stop and the stuck-request
 * timeout. 200, 422 for a bad ms. */
int api_test_sleep(struct worker *w, struct http_request *req, struct http_response *res)
{
	const char *ms_text = http_query(req, "ms");
	cJSON *root;
	long ms = 0;
	struct timespec ts;

	(void)w;
	if (ms_text == NULL || str_to_long(ms_text, 0, 60000, &ms) != SOUK_OK)
		return http_field_error(req, "ms", "must be a whole number from 0 to 60000");
	ts.tv_sec = ms / 1000;
	ts.tv_nsec = (ms % 1000) * 1000000L;
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
	root = json_new_object(req->arena);
	cJSON_AddNumberToObject(root, "slept_ms", (double)ms);
	cJSON_AddNumberToObject(root, "pid", (double)getpid());
	http_response_json(res, req->arena, 200, root);
	return SOUK_OK;
}
