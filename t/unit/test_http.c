/* test_http.c - request parsing and response building (include/souk/http.h). */
#include <stdio.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "souk/arena.h"
#include "souk/err.h"
#include "souk/http.h"
#include "tests.h"

static struct arena arena;

static int http_suite_init(void)
{
	arena_init(&arena, 4096);
	return 0;
}

static int http_suite_cleanup(void)
{
	arena_destroy(&arena);
	return 0;
}

static void test_request_init_full(void)
{
	char *params[] = {"REQUEST_METHOD=GET",
			  "REQUEST_URI=/api/v1/x%20y?a=1&b=two+words&c=%E2%82%AC",
			  "HTTP_COOKIE=sid=abc; theme=\"dark\"; bad; =x",
			  "HTTP_X_REQUEST_ID=r1",
			  "REQUEST_ID=nginx-id",
			  "CONTENT_LENGTH=12",
			  "CONTENT_TYPE=application/json; charset=utf-8",
			  "HTTPS=on",
			  NULL};
	struct http_request req;

	CU_ASSERT_EQUAL(http_request_init(&req, &arena, params), SOUK_OK);
	CU_ASSERT_PTR_EQUAL(req.arena, &arena);
	ASSERT_STR_EQ(req.method, "GET");
	ASSERT_STR_EQ(req.path, "/api/v1/x y");
	ASSERT_STR_EQ(req.raw_path, "/api/v1/x%20y");
	ASSERT_STR_EQ(req.query_string, "a=1&b=two+words&c=%E2%82%AC");
	ASSERT_STR_EQ(req.request_id, "nginx-id"); /* REQUEST_ID beats the header */
	ASSERT_STR_EQ(req.remote_addr, "");
	ASSERT_STR_EQ(req.content_type, "application/json; charset=utf-8");
	CU_ASSERT_EQUAL(req.content_length, 12);
	CU_ASSERT_TRUE(req.https);

	CU_ASSERT_EQUAL(req.nquery, 3);
	ASSERT_STR_EQ(http_query(&req, "a"), "1");
	ASSERT_STR_EQ(http_query(&req, "b"), "two words");
	ASSERT_STR_EQ(http_query(&req, "c"), "\xe2\x82\xac");
	CU_ASSERT_PTR_NULL(http_query(&req, "A")); /* query names are case-sensitive */
	CU_ASSERT_PTR_NULL(http_query(&req, "d"));

	CU_ASSERT_EQUAL(req.ncookies, 2); /* "bad" and "=x" are skipped */
	ASSERT_STR_EQ(http_cookie(&req, "sid"), "abc");
	ASSERT_STR_EQ(http_cookie(&req, "theme"), "dark");
	CU_ASSERT_PTR_NULL(http_cookie(&req, "bad"));
	CU_ASSERT_PTR_NULL(http_cookie(&req, ""));
	CU_ASSERT_PTR_NULL(http_cookie(&req, "SID"));

	CU_ASSERT_EQUAL(req.nheaders, 2);
	ASSERT_STR_EQ(http_header(&req, "x-request-id"), "r1");
	ASSERT_STR_EQ(http_header(&req, "X-Request-Id"), "r1");
	ASSERT_STR_EQ(http_header(&req, "X-REQUEST-ID"), "r1");
	ASSERT_STR_EQ(http_header(&req, "Cookie"), "sid=abc; theme=\"dark\"; bad; =x");
	CU_ASSERT_PTR_NULL(http_header(&req, "x_request_id"));
	CU_ASSERT_PTR_NULL(http_header(&req, "content-type")); /* a CGI var, not HTTP_ */
	for (size_t i = 0; i < req.nheaders; i++)
		CU_ASSERT_PTR_NULL(strpbrk(req.headers[i].name, "ABCDEFGHIJKLMNOPQRSTUVWXYZ_"));

	CU_ASSERT_EQUAL(req.npath_params, 0);
	CU_ASSERT_PTR_NULL(req.body);
	CU_ASSERT_PTR_NULL(req.json);
	CU_ASSERT_PTR_NULL(req.error_message);
	CU_ASSERT_PTR_NULL(req.error_fields);
	arena_reset(&arena);
}

static void test_request_init_copies_params(void)
{
	/* libfcgi frees its params at the next accept: nothing may point into them */
	char method[] = "REQUEST_METHOD=POST";
	char uri[] = "REQUEST_URI=/a/b?x=1";
	char hdr[] = "HTTP_ACCEPT=text/html";
	char id[] = "REQUEST_ID=abc";
	char ctype[] = "CONTENT_TYPE=text/plain";
	char addr[] = "REMOTE_ADDR=192.0.2.7";
	char *params[] = {method, uri, hdr, id, ctype, addr, NULL};
	struct http_request req;

	CU_ASSERT_EQUAL(http_request_init(&req, &arena, params), SOUK_OK);
	memset(method + 15, 'Z', strlen(method) - 15);
	memset(uri + 12, 'Z', strlen(uri) - 12);
	memset(hdr + 12, 'Z', strlen(hdr) - 12);
	memset(id + 11, 'Z', strlen(id) - 11);
	memset(ctype + 13, 'Z', strlen(ctype) - 13);
	memset(addr + 12, 'Z', strlen(addr) - 12);
	ASSERT_STR_EQ(req.method, "POST");
	ASSERT_STR_EQ(req.raw_path, "/a/b");
	ASSERT_STR_EQ(req.path, "/a/b");
	ASSERT_STR_EQ(req.query_string, "x=1");
	ASSERT_STR_EQ(http_query(&req, "x"), "1");
	ASSERT_STR_EQ(http_header(&req, "accept"), "text/html");
	ASSERT_STR_EQ(req.request_id, "abc");
	ASSERT_STR_EQ(req.content_type, "text/plain");
	ASSERT_STR_EQ(req.remote_addr, "192.0.2.7");
	arena_reset(&arena);
}

static void test_request_init_defaults(void)
{
	char *params[] = {"REQUEST_METHOD=POST", NULL};
	char *only_script[] = {"SCRIPT_NAME=/api/v1/health", NULL};
	struct http_request req;

	CU_ASSERT_EQUAL(http_request_init(&req, &arena, params), SOUK_OK);
	ASSERT_STR_EQ(req.method, "POST");
	ASSERT_STR_EQ(req.path, "/");
	ASSERT_STR_EQ(req.raw_path, "/");
	ASSERT_STR_EQ(req.query_string, "");
	CU_ASSERT_PTR_NULL(req.content_type);
	CU_ASSERT_EQUAL(req.content_length, -1);
	CU_ASSERT_FALSE(req.https);
	CU_ASSERT_EQUAL(req.nquery, 0);
	CU_ASSERT_EQUAL(req.ncookies, 0);
	CU_ASSERT_EQUAL(req.nheaders, 0);
	CU_ASSERT_PTR_NULL(http_header(&req, "cookie"));
	CU_ASSERT_PTR_NULL(http_cookie(&req, "sid"));
	CU_ASSERT_PTR_NULL(http_query(&req, "a"));
	/* no REQUEST_ID and no X-Request-Id: the id is still printable */
	CU_ASSERT_PTR_NOT_NULL(req.request_id);
	ASSERT_STR_EQ(req.request_id, "-");

	/* without REQUEST_URI the script name is the path */
	CU_ASSERT_EQUAL(http_request_init(&req, &arena, only_script), SOUK_OK);
	ASSERT_STR_EQ(req.method, "GET");
	ASSERT_STR_EQ(req.path, "/api/v1/health");

	/* no params at all */
	CU_ASSERT_EQUAL(http_request_init(&req, &arena, NULL), SOUK_OK);
	ASSERT_STR_EQ(req.method, "GET");
	ASSERT_STR_EQ(req.path, "/");
	arena_reset(&arena);
}

static void test_request_id_from_header(void)
{
	char *params[] = {"REQUEST_URI=/", "HTTP_X_REQUEST_ID=from-header", NULL};
	struct http_request req;

	CU_ASSERT_EQUAL(http_request_init(&req, &arena, params), SOUK_OK);
	ASSERT_STR_EQ(req.request_id, "from-header");
	arena_reset(&arena);
}

static void test_request_flags_and_lengths(void)
{
	struct {
		const char *https;
		bool want;
	} https_cases[] = {{"HTTPS=on", true},	 {"HTTPS=ON", true}, {"HTTPS=1", true},
			   {"HTTPS=off", false}, {"HTTPS=", false},  {"HTTPS=yes", false}};
	struct http_request req;

	for (size_t i = 0; i < sizeof(https_cases) / sizeof(https_cases[0]); i++) {
		char *params[] = {"REQUEST_URI=/", (char *)https_cases[i].https, NULL};

		CU_ASSERT_EQUAL(http_request_init(&req, &arena, params), SOUK_OK);
		CU_ASSERT_EQUAL(req.https, https_cases[i].want);
	}

	char *empty_type[] = {"REQUEST_URI=/", "CONTENT_TYPE=", "CONTENT_LENGTH=", NULL};
	CU_ASSERT_EQUAL(http_request_init(&req, &arena, empty_type), SOUK_OK);
	CU_ASSERT_PTR_NULL(req.content_type);
	CU_ASSERT_EQUAL(req.content_length, -1);

	char *zero[] = {"REQUEST_URI=/", "CONTENT_LENGTH=0", NULL};
	CU_ASSERT_EQUAL(http_request_init(&req, &arena, zero), SOUK_OK);
	CU_ASSERT_EQUAL(req.content_length, 0);

	const char *bad_lengths[] = {"CONTENT_LENGTH=abc", "CONTENT_LENGTH=-1",
				     "CONTENT_LENGTH=12x", "CONTENT_LENGTH= 12",
				     "CONTENT_LENGTH=99999999999999999999"};
	for (size_t i = 0; i < sizeof(bad_lengths) / sizeof(bad_lengths[0]); i++) {
		char *params[] = {"REQUEST_METHOD=POST", "REQUEST_URI=/p", (char *)bad_lengths[i],
				  NULL};

		CU_ASSERT_EQUAL(http_request_init(&req, &arena, params), SOUK_EMALFORMED);
		CU_ASSERT_EQUAL(req.content_length, -1);
		ASSERT_STR_EQ(req.method, "POST");
		ASSERT_STR_EQ(req.path, "/p");
	}
	arena_reset(&arena);
}

static void test_request_malformed_path(void)
{
	const char *uris[] = {
	    "REQUEST_URI=/api/v1/%zz",	   "REQUEST_URI=/api/v1/a%00b",
	    "REQUEST_URI=/api/v1/%C0%80",  "REQUEST_URI=/api/v1/%ED%A0%80",
	    "REQUEST_URI=/api/v1/%E2%82",  "REQUEST_URI=/api/v1/x%",
	    "REQUEST_URI=/api/v1/x%4?a=1",
	};

	for (size_t i = 0; i < sizeof(uris) / sizeof(uris[0]); i++) {
		char *params[] = {"REQUEST_METHOD=PUT", (char *)uris[i], "REQUEST_ID=id-7", NULL};
		struct http_request req;
		const char *raw = uris[i] + strlen("REQUEST_URI=");
		size_t rawlen = strcspn(raw, "?");

		CU_ASSERT_EQUAL(http_request_init(&req, &arena, params), SOUK_EMALFORMED);
		/* what the error response and the log line need is still there */
		ASSERT_STR_EQ(req.method, "PUT");
		ASSERT_STR_EQ(req.request_id, "id-7");
		CU_ASSERT_PTR_NOT_NULL(req.raw_path);
		if (req.raw_path != NULL) {
			CU_ASSERT_EQUAL(strlen(req.raw_path), rawlen);
			CU_ASSERT_EQUAL(strncmp(req.raw_path, raw, rawlen), 0);
		}
		CU_ASSERT_PTR_NOT_NULL(req.path);
	}
	arena_reset(&arena);
}

static void test_request_malformed_query(void)
{
	const char *uris[] = {"REQUEST_URI=/p?a=%zz", "REQUEST_URI=/p?a=%C0%80",
			      "REQUEST_URI=/p?%00=1", "REQUEST_URI=/p?a=1&b=%"};

	for (size_t i = 0; i < sizeof(uris) / sizeof(uris[0]); i++) {
		char *params[] = {"REQUEST_METHOD=GET", (char *)uris[i], NULL};
		struct http_request req;

		CU_ASSERT_EQUAL(http_request_init(&req, &arena, params), SOUK_EMALFORMED);
		ASSERT_STR_EQ(req.method, "GET");
		ASSERT_STR_EQ(req.raw_path, "/p");
		ASSERT_STR_EQ(req.path, "/p"); /* the path itself was fine */
	}
	arena_reset(&arena);
}

/* "k0=0&k1=1&..." with n pairs, in the arena */
static char *query_with_pairs(int n)
{
	char *qs = arena_alloc(&arena, (size_t)n * 16 + 1);
	size_t used = 0;

	for (int i = 0; i < n; i++)
		used += (size_t)sprintf(qs + used, "%sk%d=%d", i ? "&" : "", i, i);
	return qs;
}

static void test_query_pair_limit(void)
{
	struct http_pair *pairs = NULL;
	size_t n = 99;
	struct http_request req;

	CU_ASSERT_EQUAL(http_parse_query(&arena, query_with_pairs(128), &pairs, &n), SOUK_OK);
	CU_ASSERT_EQUAL(n, 128);
	if (n == 128) {
		ASSERT_STR_EQ(pairs[0].name, "k0");
		ASSERT_STR_EQ(pairs[127].name, "k127");
		ASSERT_STR_EQ(pairs[127].value, "127");
	}
	CU_ASSERT_EQUAL(http_parse_query(&arena, query_with_pairs(129), &pairs, &n),
			SOUK_EMALFORMED);

	/* through http_request_init */
	char *uri = arena_printf(&arena, "REQUEST_URI=/p?%s", query_with_pairs(129));
	char *params[] = {uri, NULL};
	CU_ASSERT_EQUAL(http_request_init(&req, &arena, params), SOUK_EMALFORMED);
	ASSERT_STR_EQ(req.raw_path, "/p");
	char *uri_ok = arena_printf(&arena, "REQUEST_URI=/p?%s", query_with_pairs(128));
	char *params_ok[] = {uri_ok, NULL};
	CU_ASSERT_EQUAL(http_request_init(&req, &arena, params_ok), SOUK_OK);
	CU_ASSERT_EQUAL(req.nquery, 128);
	ASSERT_STR_EQ(http_query(&req, "k100"), "100");
	arena_reset(&arena);
}

static void test_parse_query_pieces(void)
{
	struct http_pair *pairs = (struct http_pair *)1;
	size_t n = 99;

	CU_ASSERT_EQUAL(http_parse_query(&arena, "", &pairs, &n), SOUK_OK);
	CU_ASSERT_EQUAL(n, 0);
	CU_ASSERT_PTR_NULL(pairs);
	n = 99;
	CU_ASSERT_EQUAL(http_parse_query(&arena, NULL, &pairs, &n), SOUK_OK);
	CU_ASSERT_EQUAL(n, 0);

	CU_ASSERT_EQUAL(http_parse_query(&arena, "a=1&&b&=x&c=&d=x%3Dy&e=%26+%2B", &pairs, &n),
			SOUK_OK);
	CU_ASSERT_EQUAL_FATAL(n, 5);
	ASSERT_STR_EQ(pairs[0].name, "a");
	ASSERT_STR_EQ(pairs[0].value, "1");
	ASSERT_STR_EQ(pairs[1].name, "b"); /* no '=': an empty value */
	ASSERT_STR_EQ(pairs[1].value, "");
	ASSERT_STR_EQ(pairs[2].name, "c");
	ASSERT_STR_EQ(pairs[2].value, "");
	ASSERT_STR_EQ(pairs[3].name, "d");
	ASSERT_STR_EQ(pairs[3].value, "x=y");
	ASSERT_STR_EQ(pairs[4].name, "e");
	ASSERT_STR_EQ(pairs[4].value, "& +");

	CU_ASSERT_EQUAL(http_parse_query(&arena, "na+me%21=v", &pairs, &n), SOUK_OK);
	CU_ASSERT_EQUAL_FATAL(n, 1);
	ASSERT_STR_EQ(pairs[0].name, "na me!");

	/* duplicates are kept; the lookup returns the first */
	char *params[] = {"REQUEST_URI=/p?a=1&a=2", NULL};
	struct http_request req;
	CU_ASSERT_EQUAL(http_request_init(&req, &arena, params), SOUK_OK);
	CU_ASSERT_EQUAL(req.nquery, 2);
	ASSERT_STR_EQ(http_query(&req, "a"), "1");
	arena_reset(&arena);
}

static void test_parse_cookies(void)
{
	struct http_pair *pairs = NULL;
	size_t n = 99;

	http_parse_cookies(&arena, NULL, &pairs, &n);
	CU_ASSERT_EQUAL(n, 0);
	CU_ASSERT_PTR_NULL(pairs);
	http_parse_cookies(&arena, "", &pairs, &n);
	CU_ASSERT_EQUAL(n, 0);

	http_parse_cookies(&arena, " a = 1 ;b=\"q\";c=;;d; tok=x=y;e=%41; f=\"", &pairs, &n);
	CU_ASSERT_EQUAL_FATAL(n, 6);
	ASSERT_STR_EQ(pairs[0].name, "a");
	ASSERT_STR_EQ(pairs[0].value, "1");
	ASSERT_STR_EQ(pairs[1].name, "b");
	ASSERT_STR_EQ(pairs[1].value, "q");
	ASSERT_STR_EQ(pairs[2].name, "c");
	ASSERT_STR_EQ(pairs[2].value, "");
	ASSERT_STR_EQ(pairs[3].name, "tok");
	ASSERT_STR_EQ(pairs[3].value, "x=y");
	ASSERT_STR_EQ(pairs[4].name, "e");
	ASSERT_STR_EQ(pairs[4].value, "%41"); /* not percent-decoded */
	ASSERT_STR_EQ(pairs[5].name, "f");
	ASSERT_STR_EQ(pairs[5].value, "\""); /* a lone quote is kept */

	/* a flood of cookies is cut at 128, never fails */
	char *many = arena_alloc(&arena, 200 * 12 + 1);
	size_t used = 0;
	for (int i = 0; i < 200; i++)
		used += (size_t)sprintf(many + used, "%sc%d=%d", i ? ";" : "", i, i);
	http_parse_cookies(&arena, many, &pairs, &n);
	CU_ASSERT_EQUAL(n, 128);
	ASSERT_STR_EQ(pairs[127].name, "c127");
	arena_reset(&arena);
}

static void test_path_param_lookup(void)
{
	struct http_request req;

	memset(&req, 0, sizeof(req));
	CU_ASSERT_PTR_NULL(http_path_param(&req, "slug"));
	req.path_param_names[0] = "shop";
	req.path_params[0] = "acme";
	req.path_param_names[1] = "slug";
	req.path_params[1] = "mug";
	req.npath_params = 2;
	ASSERT_STR_EQ(http_path_param(&req, "shop"), "acme");
	ASSERT_STR_EQ(http_path_param(&req, "slug"), "mug");
	CU_ASSERT_PTR_NULL(http_path_param(&req, "Slug"));
	CU_ASSERT_PTR_NULL(http_path_param(&req, "id"));
}

static void test_is_json_content_type(void)
{
	CU_ASSERT_TRUE(http_is_json_content_type("application/json"));
	CU_ASSERT_TRUE(http_is_json_content_type("Application/JSON; charset=utf-8"));
	CU_ASSERT_TRUE(http_is_json_content_type("application/json;charset=UTF-8"));
	CU_ASSERT_TRUE(http_is_json_content_type("  application/json  "));
	CU_ASSERT_TRUE(http_is_json_content_type("application/json ; charset=utf-8"));
	CU_ASSERT_FALSE(http_is_json_content_type("application/jsonx"));
	CU_ASSERT_FALSE(http_is_json_content_type("application/json-patch+json"));
	CU_ASSERT_FALSE(http_is_json_content_type("application/jso"));
	CU_ASSERT_FALSE(http_is_json_content_type("application/x-www-form-urlencoded"));
	CU_ASSERT_FALSE(http_is_json_content_type("text/plain"));
	CU_ASSERT_FALSE(http_is_json_content_type("text/json"));
	CU_ASSERT_FALSE(
	    http_is_json_content_type("multipart/form-data; boundary=application/json"));
	CU_ASSERT_FALSE(http_is_json_content_type(""));
	CU_ASSERT_FALSE(http_is_json_content_type(NULL));
}

static void test_response_init_and_headers(void)
{
	struct http_response res;
	char names[HTTP_MAX_RESPONSE_HEADERS + 5][16];

	memset(&res, 0x5A, sizeof(res));
	http_response_init(&res);
	CU_ASSERT_EQUAL(res.status, 200);
	ASSERT_STR_EQ(res.content_type, "application/json; charset=utf-8");
	CU_ASSERT_EQUAL(res.nheaders, 0);
	CU_ASSERT_PTR_NULL(res.body);
	CU_ASSERT_EQUAL(res.body_len, 0);

	http_response_header(&res, "Allow", "GET, HEAD");
	CU_ASSERT_EQUAL(res.nheaders, 1);
	ASSERT_STR_EQ(res.headers[0].name, "Allow");
	ASSERT_STR_EQ(res.headers[0].value, "GET, HEAD");
	/* the table is fixed: extra headers are dropped, never overflow */
	for (int i = 0; i < HTTP_MAX_RESPONSE_HEADERS + 5; i++) {
		snprintf(names[i], sizeof(names[i]), "X-H%d", i);
		http_response_header(&res, names[i], "v");
	}
	CU_ASSERT_EQUAL(res.nheaders, HTTP_MAX_RESPONSE_HEADERS);
	ASSERT_STR_EQ(res.headers[HTTP_MAX_RESPONSE_HEADERS - 1].name, "X-H22");
}

static void test_response_json(void)
{
	struct http_response res;
	cJSON *obj = cJSON_CreateObject();

	cJSON_AddStringToObject(obj, "name", "caf\xc3\xa9 \"x\"");
	cJSON_AddNumberToObject(obj, "n", 3);
	http_response_init(&res);
	http_response_json(&res, &arena, 201, obj);
	CU_ASSERT_EQUAL(res.status, 201);
	ASSERT_STR_EQ(res.body, "{\"name\":\"caf\xc3\xa9 \\\"x\\\"\",\"n\":3}");
	CU_ASSERT_EQUAL(res.body_len, strlen("{\"name\":\"caf\xc3\xa9 \\\"x\\\"\",\"n\":3}"));
	/* json is not consumed: still ours to delete */
	ASSERT_STR_EQ(cJSON_GetObjectItem(obj, "name")->valuestring, "caf\xc3\xa9 \"x\"");
	cJSON_Delete(obj);
	arena_reset(&arena); /* frees the body text (ASan: no leak, no double free) */
}

static void test_response_error_validation(void)
{
	struct http_response res;
	cJSON *fields = cJSON_CreateObject(), *root, *error, *f;

	cJSON_AddStringToObject(fields, "email", "must be a valid e-mail address");
	cJSON_AddStringToObject(fields, "name", "is required");
	http_response_init(&res);
	http_response_error(&res, &arena, SOUK_EINVALID, "Check the \"fields\".", fields);
	CU_ASSERT_EQUAL(res.status, 422);
	ASSERT_STR_EQ(res.content_type, "application/json; charset=utf-8");
	ASSERT_STR_EQ(res.body, "{\"error\":{\"code\":\"validation_failed\","
				"\"message\":\"Check the \\\"fields\\\".\","
				"\"fields\":{\"email\":\"must be a valid e-mail address\","
				"\"name\":\"is required\"}}}");
	CU_ASSERT_EQUAL(res.body_len, res.body ? strlen(res.body) : 0);

	root = cJSON_ParseWithLength(res.body, res.body_len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(root);
	CU_ASSERT_EQUAL(cJSON_GetArraySize(root), 1);
	error = cJSON_GetObjectItemCaseSensitive(root, "error");
	CU_ASSERT_TRUE(cJSON_IsObject(error));
	CU_ASSERT_EQUAL(cJSON_GetArraySize(error), 3);
	ASSERT_STR_EQ(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(error, "code")),
		      "validation_failed");
	ASSERT_STR_EQ(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(error, "message")),
		      "Check the \"fields\".");
	f = cJSON_GetObjectItemCaseSensitive(error, "fields");
	CU_ASSERT_TRUE(cJSON_IsObject(f));
	CU_ASSERT_EQUAL(cJSON_GetArraySize(f), 2);
	ASSERT_STR_EQ(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(f, "email")),
		      "must be a valid e-mail address");
	cJSON_Delete(root);
	/* fields were copied, not consumed */
	CU_ASSERT_EQUAL(cJSON_GetArraySize(fields), 2);
	cJSON_Delete(fields);
	arena_reset(&arena);
}

static void test_response_error_defaults(void)
{
	struct http_response res;
	cJSON *root, *error;

	http_response_init(&res);
	http_response_error(&res, &arena, SOUK_ENOTFOUND, NULL, NULL);
	CU_ASSERT_EQUAL(res.status, 404);
	ASSERT_STR_EQ(res.body, "{\"error\":{\"code\":\"not_found\",\"message\":\"Not found.\"}}");

	http_response_init(&res);
	http_response_error(&res, &arena, SOUK_EMEDIATYPE, NULL, NULL);
	CU_ASSERT_EQUAL(res.status, 415);
	root = cJSON_ParseWithLength(res.body, res.body_len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(root);
	error = cJSON_GetObjectItemCaseSensitive(root, "error");
	ASSERT_STR_EQ(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(error, "code")),
		      "unsupported_media_type");
	ASSERT_STR_EQ(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(error, "message")),
		      "Send the body as application/json.");
	CU_ASSERT_PTR_NULL(cJSON_GetObjectItemCaseSensitive(error, "fields"));
	cJSON_Delete(root);

	/* an unknown error is a 500, never a crash */
	http_response_init(&res);
	http_response_error(&res, &arena, 12345, NULL, NULL);
	CU_ASSERT_EQUAL(res.status, 500);
	ASSERT_STR_CONTAINS(res.body, "\"code\":\"internal_error\"");
	arena_reset(&arena);
}

static void test_response_head(void)
{
	struct http_response res;
	size_t len = 0;
	char *head;

	http_response_init(&res);
	http_response_error(&res, &arena, SOUK_EMETHOD, NULL, NULL);
	http_response_header(&res, "Allow", "GET, HEAD");
	http_response_header(&res, "X-Evil", "a\r\nSet-Cookie: sid=stolen");
	http_response_header(&res, "X-Evil-Lf", "b\nLocation: /x");
	http_response_header(&res, "X-Evil-Cr", "c\rd");
	http_response_header(&res, "Retry-After", "5");
	head = http_response_head(&res, &arena, &len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(head);
	CU_ASSERT_EQUAL(len, strlen(head));
	CU_ASSERT_EQUAL(strncmp(head, "Status: 405 Method Not Allowed\r\n", 32), 0);
	ASSERT_STR_CONTAINS(head, "\r\nContent-Type: application/json; charset=utf-8\r\n");
	char want_length[64];
	snprintf(want_length, sizeof(want_length), "\r\nContent-Length: %zu\r\n", res.body_len);
	ASSERT_STR_CONTAINS(head, want_length);
	CU_ASSERT_TRUE(res.body_len > 0);
	ASSERT_STR_CONTAINS(head, "\r\nAllow: GET, HEAD\r\n");
	ASSERT_STR_CONTAINS(head, "\r\nRetry-After: 5\r\n");
	ASSERT_STR_NOT_CONTAINS(head, "X-Evil");
	ASSERT_STR_NOT_CONTAINS(head, "Set-Cookie");
	ASSERT_STR_NOT_CONTAINS(head, "Location");
	/* every line ends in CRLF, the head in an empty line, nothing after */
	CU_ASSERT_TRUE(len >= 4 && strcmp(head + len - 4, "\r\n\r\n") == 0);
	CU_ASSERT_PTR_EQUAL(strstr(head, "\r\n\r\n"), head + len - 4);
	for (const char *p = head; (p = strchr(p, '\n')) != NULL; p++)
		CU_ASSERT_TRUE(p > head && p[-1] == '\r');
	arena_reset(&arena);
}

static void test_response_head_no_content(void)
{
	struct http_response res;
	size_t len = 0;
	char *head;

	http_response_init(&res);
	res.status = 204;
	head = http_response_head(&res, &arena, &len);
	/* no Content-Type without content */
	ASSERT_STR_EQ(head, "Status: 204 No Content\r\nContent-Length: 0\r\n"
			    "Cache-Control: no-store\r\n\r\n");
	CU_ASSERT_EQUAL(len, head ? strlen(head) : 0);
	res.status = 304;
	head = http_response_head(&res, &arena, &len);
	ASSERT_STR_NOT_CONTAINS(head, "Content-Type");

	res.status = 418;
	res.body = "{}";
	res.body_len = 2;
	head = http_response_head(&res, &arena, &len);
	CU_ASSERT_EQUAL(strncmp(head, "Status: 418 Unknown\r\n", 21), 0);
	ASSERT_STR_CONTAINS(head, "\r\nContent-Length: 2\r\n");
	arena_reset(&arena);
}

static void test_response_head_cache_control(void)
{
	struct http_response res;
	size_t len = 0;
	char *head;

	/* API answers are not cacheable unless a handler says otherwise */
	http_response_init(&res);
	res.body = "{}";
	res.body_len = 2;
	head = http_response_head(&res, &arena, &len);
	ASSERT_STR_CONTAINS(head, "\r\nCache-Control: no-store\r\n");

	/* a handler's own Cache-Control (any case) replaces the default */
	http_response_header(&res, "cache-control", "public, max-age=60");
	head = http_response_head(&res, &arena, &len);
	ASSERT_STR_CONTAINS(head, "\r\ncache-control: public, max-age=60\r\n");
	ASSERT_STR_NOT_CONTAINS(head, "no-store");
	CU_ASSERT_EQUAL(len, strlen(head));
	arena_reset(&arena);
}

int suite_http(void)
{
	static const struct unit_test tests[] = {
	    {"request_init from FastCGI params", test_request_init_full},
	    {"request_init copies params into the arena", test_request_init_copies_params},
	    {"request_init defaults", test_request_init_defaults},
	    {"request id from X-Request-Id without REQUEST_ID", test_request_id_from_header},
	    {"HTTPS, CONTENT_TYPE and CONTENT_LENGTH", test_request_flags_and_lengths},
	    {"malformed path keeps method, raw path, id", test_request_malformed_path},
	    {"malformed query string", test_request_malformed_query},
	    {"query: 128 pairs accepted, 129 rejected", test_query_pair_limit},
	    {"query pieces: empty, no '=', '=x', escapes", test_parse_query_pieces},
	    {"cookies: quotes, spaces, junk, flood", test_parse_cookies},
	    {"path parameter lookup", test_path_param_lookup},
	    {"is_json_content_type", test_is_json_content_type},
	    {"response init and header table", test_response_init_and_headers},
	    {"response_json serialises, does not consume", test_response_json},
	    {"response_error 422 with fields", test_response_error_validation},
	    {"response_error default messages", test_response_error_defaults},
	    {"response_head: status, length, headers, CRLF", test_response_head},
	    {"response_head: 204 and unknown status", test_response_head_no_content},
	    {"response_head: no-store unless the handler sets caching",
	     test_response_head_cache_control},
	    {NULL, NULL},
	};

	return tests_register("http", http_suite_init, http_suite_cleanup, tests);
}
