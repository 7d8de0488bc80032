/* test_err.c - the one error-to-HTTP mapping (include/souk/err.h). */
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "souk/err.h"
#include "souk/arena.h"
#include "souk/db.h"
#include "tests.h"

struct err_case {
	int err;
	int status;
	const char *code;
};

static const struct err_case err_cases[] = {
    {SOUK_OK, 200, "ok"},
    {SOUK_EMALFORMED, 400, "malformed_request"},
    {SOUK_EUNAUTH, 401, "unauthenticated"},
    {SOUK_EFORBIDDEN, 403, "forbidden"},
    {SOUK_ENOTFOUND, 404, "not_found"},
    {SOUK_EMETHOD, 405, "method_not_allowed"},
    {SOUK_ECONFLICT, 409, "conflict"},
    {SOUK_ETOOLARGE, 413, "payload_too_large"},
    {SOUK_EMEDIATYPE, 415, "unsupported_media_type"},
    {SOUK_EINVALID, 422, "validation_failed"},
    {SOUK_ERATELIMIT, 429, "rate_limited"},
    {SOUK_EDB, 503, "database_unavailable"},
    {SOUK_EREDIS, 503, "dependency_unavailable"},
    {SOUK_EINTERNAL, 500, "internal_error"},
    {SOUK_EIO, 500, "io_error"},
    {SOUK_EGONE, 410, "gone"},
    {SOUK_EUPSTREAM, 502, "upstream_unavailable"},
};

#define NCASES (sizeof(err_cases) / sizeof(err_cases[0]))

static void test_every_error(void)
{
	/* the table covers the whole enum */
	CU_ASSERT_EQUAL(NCASES, (size_t)-SOUK_ERR__MAX);
	for (size_t i = 0; i < NCASES; i++) {
		const struct souk_err_http *m = souk_err_http(err_cases[i].err);

		CU_ASSERT_PTR_NOT_NULL_FATAL(m);
		CU_ASSERT_EQUAL(m->status, err_cases[i].status);
		ASSERT_STR_EQ(m->code, err_cases[i].code);
		CU_ASSERT_TRUE(m->message != NULL && m->message[0] != '\0');
		if (m->status != err_cases[i].status || strcmp(m->code, err_cases[i].code) != 0)
			fprintf(stderr, "\n  err %d: %d %s\n", err_cases[i].err, m->status,
				m->code);
	}
}

static void test_messages(void)
{
	ASSERT_STR_EQ(souk_err_http(SOUK_EINVALID)->message, "Some fields are invalid.");
	ASSERT_STR_EQ(souk_err_http(SOUK_ENOTFOUND)->message, "Not found.");
	ASSERT_STR_EQ(souk_err_http(SOUK_EMEDIATYPE)->message,
		      "Send the body as application/json.");
	ASSERT_STR_EQ(souk_err_http(SOUK_EINTERNAL)->message, "Something went wrong on our side.");
	/* messages are for users: none leaks an internal detail such as "SQL" */
	for (size_t i = 0; i < NCASES; i++) {
		const char *msg = souk_err_http(err_cases[i].err)->message;

		CU_ASSERT_PTR_NULL(strstr(msg, "SQL"));
		CU_ASSERT_PTR_NULL(strstr(msg, "errno"));
	}
}

static void test_codes_unique(void)
{
	for (size_t i = 0; i < NCASES; i++)
		for (size_t j = i + 1; j < NCASES; j++)
			CU_ASSERT_NOT_EQUAL(strcmp(souk_err_http(err_cases[i].err)->code,
						   souk_err_http(err_cases[j].err)->code),
					    0);
}

static void test_unknown_values(void)
{
	const int unknown[] = {1, 42, INT_MAX, SOUK_ERR__MAX, SOUK_ERR__MAX - 1, -100, INT_MIN};
	const struct souk_err_http *internal = souk_err_http(SOUK_EINTERNAL);

	for (size_t i = 0; i < sizeof(unknown) / sizeof(unknown[0]); i++) {
		const struct souk_err_http *m = souk_err_http(unknown[i]);

		CU_ASSERT_PTR_NOT_NULL_FATAL(m);
		CU_ASSERT_EQUAL(m->status, 500);
		ASSERT_STR_EQ(m->code, "internal_error");
		CU_ASSERT_PTR_EQUAL(m, internal);
	}
}

struct reason_case {
	int status;
	const char *reason;
};

static void test_status_reasons(void)
{
	static const struct reason_case cases[] = {
	    {200, "OK"},
	    {201, "Created"},
	    {202, "Accepted"},
	    {204, "No Content"},
	    {301, "Moved Permanently"},
	    {302, "Found"},
	    {303, "See Other"},
	    {304, "Not Modified"},
	    {400, "Bad Request"},
	    {401, "Unauthorized"},
	    {403, "Forbidden"},
	    {404, "Not Found"},
	    {405, "Method Not Allowed"},
	    {409, "Conflict"},
	    {410, "Gone"},
	    {413, "Payload Too Large"},
	    {415, "Unsupported Media Type"},
	    {422, "Unprocessable Entity"},
	    {429, "Too Many Requests"},
	    {500, "Internal Server Error"},
	    {502, "Bad Gateway"},
	    {503, "Service Unavailable"},
	    {504, "Gateway Timeout"},
	    {0, "Unknown"},
	    {-1, "Unknown"},
	    {100, "Unknown"},
	    {418, "Unknown"},
	    {999, "Unknown"},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		ASSERT_STR_EQ(http_status_reason(cases[i].status), cases[i].reason);
	/* every status an error maps to has a reason phrase */
	for (size_t i = 0; i < NCASES; i++)
		CU_ASSERT_NOT_EQUAL(strcmp(http_status_reason(err_cases[i].status), "Unknown"), 0);
}

/* A transaction never continues on a new connection, and COMMIT outside a
 * healthy transaction is an error (PostgreSQL itself only warns). */
static void test_db_transaction_guard(void)
{
	struct arena a;
	struct db db;

	arena_init(&a, 1024);
	db_init(&db, "host=/nonexistent/souk-test dbname=x connect_timeout=1");
	CU_ASSERT_EQUAL(db_commit(&db, &a), SOUK_EDB); /* no transaction */
	db.in_transaction = 1;			       /* its connection died */
	CU_ASSERT_EQUAL(db_exec_sql(&db, &a, "SELECT 1", 0, NULL, NULL), SOUK_EDB);
	CU_ASSERT_PTR_NULL(db.conn);			    /* did not even try to reconnect */
	CU_ASSERT_EQUAL(db_begin(&db, &a), SOUK_EINTERNAL); /* no nesting */
	CU_ASSERT_EQUAL(db_commit(&db, &a), SOUK_EDB);
	CU_ASSERT_EQUAL(db.in_transaction, 0); /* commit failed and rolled back */
	CU_ASSERT_EQUAL(db_exec_sql(&db, &a, "SELECT 1", 0, NULL, NULL), SOUK_EDB); /* no server */
	db_close(&db);
	arena_destroy(&a);
}

int suite_err(void)
{
	static const struct unit_test tests[] = {
	    {"souk_err_http for every enum value", test_every_error},
	    {"default messages", test_messages},
	    {"machine codes are unique", test_codes_unique},
	    {"unknown values map to 500 internal_error", test_unknown_values},
	    {"http_status_reason", test_status_reasons},
	    {"db: transactions never span a reconnect", test_db_transaction_guard},
	    {NULL, NULL},
	};

	return tests_register("err", NULL, NULL, tests);
}
