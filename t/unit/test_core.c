/* test_core.c - the core helpers the modules share: the page contract
 * (src/core/page.c), the record of prepared statements (src/core/db.c),
 * response helpers (src/core/http.c) and the outbound client's refusals
 * (src/core/httpc.c). */
#include <string.h>

#include "souk/arena.h"
#include "souk/db.h"
#include "souk/err.h"
#include "souk/http.h"
#include "souk/httpc.h"
#include "souk/json.h"
#include "souk/page.h"
#include "tests.h"

static struct arena arena;

static int core_init(void)
{
	arena_init(&arena, 4096);
	return 0;
}

static int core_clean(void)
{
	arena_destroy(&arena);
	return 0;
}

/* Two connections in one process keep their own records: a statement
 * prepared on one is not taken as prepared on the other (the bug of a
 * per-connection counter shared with a process-wide statement), and a
 * closed connection forgets everything. */
static void test_prepared_per_connection(void)
{
	struct db a, b;
	struct db_statement st1 = {.name = "t1", .sql = "SELECT 1"};
	struct db_statement st2 = {.name = "t2", .sql = "SELECT 2"};

	db_init(&a, "");
	db_init(&b, "");
	CU_ASSERT_FALSE(db_is_prepared(&a, &st1));
	db_mark_prepared(&a, &st1);
	CU_ASSERT_TRUE(db_is_prepared(&a, &st1));
	CU_ASSERT_FALSE(db_is_prepared(&b, &st1));
	CU_ASSERT_FALSE(db_is_prepared(&a, &st2));
	db_mark_prepared(&b, &st2);
	db_mark_prepared(&b, &st1);
	CU_ASSERT_TRUE(db_is_prepared(&b, &st1));
	CU_ASSERT_TRUE(db_is_prepared(&b, &st2));
	CU_ASSERT_FALSE(db_is_prepared(&a, &st2));
	CU_ASSERT_NOT_EQUAL(st1.number, st2.number);
	db_close(&a); /* a new connection has prepared nothing */
	CU_ASSERT_FALSE(db_is_prepared(&a, &st1));
	CU_ASSERT_TRUE(db_is_prepared(&b, &st1));
	db_close(&b);
}

static void test_page_fingerprint_and_document(void)
{
	const char *one[] = {NULL, "x"}, *two[] = {"", "x"}, *three[] = {"x", NULL};
	struct page_cursor next = {.kind = 'P', .fingerprint = 7, .id = 42}, back;
	char *doc, text[PAGE_CURSOR_MAX];
	cJSON *parsed = NULL;
	const char *why = NULL;

	/* absent and empty differ; parts cannot slide into each other */
	CU_ASSERT_NOT_EQUAL(page_fingerprint(one, 2), page_fingerprint(two, 2));
	CU_ASSERT_NOT_EQUAL(page_fingerprint(one, 2), page_fingerprint(three, 2));
	CU_ASSERT_EQUAL(page_fingerprint(one, 2), page_fingerprint(one, 2));

	doc = page_document(&arena, "[1,2]", NULL);
	ASSERT_STR_EQ(doc, "{\"items\":[1,2],\"next_cursor\":null}");
	doc = page_document(&arena, "[]", &next);
	CU_ASSERT_EQUAL(json_parse_object(&arena, doc, strlen(doc), &parsed, &why), SOUK_OK);
	CU_ASSERT_EQUAL(page_cursor_encode(&next, text, sizeof(text)), SOUK_OK);
	ASSERT_STR_EQ(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(parsed, "next_cursor")),
		      text);
	CU_ASSERT_EQUAL(page_cursor_decode(text, &back), SOUK_OK);
	CU_ASSERT_EQUAL(back.kind, 'P');
	CU_ASSERT_EQUAL(back.id, 42);
	arena_reset(&arena);
}

/* limit and cursor problems are 422 field errors, alongside the handler's. */
static void test_page_params(void)
{
	struct http_request req;
	struct page_cursor c = {.kind = 'U', .fingerprint = 9, .id = 5}, got;
	char text[PAGE_CURSOR_MAX], *qs;
	char *params[] = {"REQUEST_METHOD=GET", NULL, NULL};
	bool has = false;
	long limit = 0;

	CU_ASSERT_EQUAL(page_cursor_encode(&c, text, sizeof(text)), SOUK_OK);
	qs = arena_printf(&arena, "REQUEST_URI=/x?limit=100&cursor=%s", text);
	params[1] = qs;
	CU_ASSERT_EQUAL(http_request_init(&req, &arena, params), SOUK_OK);
	CU_ASSERT_EQUAL(page_params(&req, 50, 'U', 9, &limit, &got, &has), SOUK_OK);
	CU_ASSERT_EQUAL(limit, 100);
	CU_ASSERT_TRUE(has);
	CU_ASSERT_EQUAL(got.id, 5);

	/* another list's cursor, other filters, a bad limit */
	CU_ASSERT_EQUAL(http_request_init(&req, &arena, params), SOUK_OK);
	CU_ASSERT_EQUAL(page_params(&req, 50, 'P', 9, &limit, &got, &has), SOUK_EINVALID);
	ASSERT_STR_EQ(
	    cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(req.error_fields, "cursor")),
	    "belongs to another list or sort order");
	CU_ASSERT_EQUAL(http_request_init(&req, &arena, params), SOUK_OK);
	CU_ASSERT_EQUAL(page_params(&req, 50, 'U', 10, &limit, &got, &has), SOUK_EINVALID);
	params[1] = "REQUEST_URI=/x?limit=101&cursor=12345";
	CU_ASSERT_EQUAL(http_request_init(&req, &arena, params), SOUK_OK);
	CU_ASSERT_EQUAL(page_params(&req, 50, 'U', 9, &limit, &got, &has), SOUK_EINVALID);
	CU_ASSERT_PTR_NOT_NULL(cJSON_GetObjectItemCaseSensitive(req.error_fields, "limit"));
	CU_ASSERT_PTR_NOT_NULL(cJSON_GetObjectItemCaseSensitive(req.error_fields, "cursor"));
	params[1] = "REQUEST_URI=/x";
	CU_ASSERT_EQUAL(http_request_init(&req, &arena, params), SOUK_OK);
	CU_ASSERT_EQUAL(page_params(&req, 50, 'U', 9, &limit, &got, &has), SOUK_OK);
	CU_ASSERT_EQUAL(limit, 50);
	CU_ASSERT_FALSE(has);
	arena_reset(&arena);
}

static void test_response_helpers(void)
{
	struct http_response res;

	http_response_init(&res);
	http_response_body(&res, 201, "{}", 2);
	CU_ASSERT_EQUAL(res.status, 201);
	ASSERT_STR_EQ(res.content_type, "application/json; charset=utf-8");
	http_response_empty(&res, 204);
	CU_ASSERT_EQUAL(res.status, 204);
	CU_ASSERT_PTR_NULL(res.content_type);
	CU_ASSERT_EQUAL(res.body_len, 0);
	http_response_accel(&res, "application/pdf", "/_files/a.pdf");
	CU_ASSERT_EQUAL(res.status, 200);
	ASSERT_STR_EQ(res.content_type, "application/pdf");
	ASSERT_STR_EQ(res.headers[0].name, "X-Accel-Redirect");
}

/* What is refused before anything is sent: no label, no URL, a header that
 * would inject a line, a scheme outside the allow-list, and a server that
 * is not there (SOUK_EUPSTREAM, within the connect timeout). */
static void test_httpc_refusals(void)
{
	static const char *const bad_header[] = {"X-A: 1\r\nX-B: 2", NULL};
	struct httpc_response res;
	struct httpc_request rq = {.what = "test", .url = "http://127.0.0.1:1/"};

	CU_ASSERT_EQUAL(httpc_perform(&arena, &(struct httpc_request){.url = "http://x/"}, &res),
			SOUK_EINVALID);
	CU_ASSERT_EQUAL(httpc_perform(&arena, &(struct httpc_request){.what = "t"}, &res),
			SOUK_EINVALID);
	rq.headers = bad_header;
	CU_ASSERT_EQUAL(httpc_perform(&arena, &rq, &res), SOUK_EINVALID);
	rq.headers = NULL;
	CU_ASSERT_EQUAL(httpc_perform(&arena, &rq, &res), SOUK_EUPSTREAM);
	rq.url = "file:///etc/passwd";
	CU_ASSERT_EQUAL(httpc_perform(&arena, &rq, &res), SOUK_EUPSTREAM);
	rq.url = "gopher://127.0.0.1:1/";
	CU_ASSERT_EQUAL(httpc_perform(&arena, &rq, &res), SOUK_EUPSTREAM);
	arena_reset(&arena);
}

int suite_core(void)
{
	static const struct unit_test tests[] = {
	    {"db: prepared statements are recorded per connection", test_prepared_per_connection},
	    {"page: fingerprints and the list document", test_page_fingerprint_and_document},
	    {"page: limit and cursor parameters", test_page_params},
	    {"http: response helpers", test_response_helpers},
	    {"httpc: refusals", test_httpc_refusals},
	    {NULL, NULL},
	};

	return tests_register("core", core_init, core_clean, tests);
}
