/* test_router.c - route matching, 404/405 and path parameters (include/souk/router.h). */
#include <stdio.h>
#include <string.h>

#include "souk/api.h"
#include "souk/arena.h"
#include "souk/err.h"
#include "souk/http.h"
#include "souk/router.h"
#include "tests.h"

static int handler_stub(struct worker *w, struct http_request *req, struct http_response *res)
{
	(void)w;
	(void)req;
	(void)res;
	return SOUK_OK;
}

enum {
	R_PRODUCTS_LIST,
	R_PRODUCTS_CREATE,
	R_PRODUCT_SHOW,
	R_PRODUCT_UPDATE,
	R_PRODUCT_DELETE,
	R_SHOP_PRODUCT,
	R_CHECKOUT,
	R_TEST_PING,
	R__MAX
};

static const struct route table[R__MAX] = {
    [R_PRODUCTS_LIST] = {"GET", "/api/v1/products", handler_stub, NULL, 0},
    [R_PRODUCTS_CREATE] = {"POST", "/api/v1/products", handler_stub, "product.create",
			   ROUTE_JSON_BODY},
    [R_PRODUCT_SHOW] = {"GET", "/api/v1/products/{slug}", handler_stub, NULL, 0},
    [R_PRODUCT_UPDATE] = {"PUT", "/api/v1/products/{slug}", handler_stub, NULL, 0},
    [R_PRODUCT_DELETE] = {"DELETE", "/api/v1/products/{slug}", handler_stub, NULL, 0},
    [R_SHOP_PRODUCT] = {"GET", "/api/v1/shops/{shop}/products/{slug}", handler_stub, NULL, 0},
    [R_CHECKOUT] = {"POST", "/api/v1/cart/checkout", handler_stub, NULL, ROUTE_JSON_BODY},
    [R_TEST_PING] = {"GET", "/api/v1/_test/ping", handler_stub, NULL, ROUTE_TEST_ONLY},
};

static struct arena arena;
static const struct route sentinel;

static int router_suite_init(void)
{
	arena_init(&arena, 4096);
	return 0;
}

static int router_suite_cleanup(void)
{
	arena_destroy(&arena);
	return 0;
}

struct match {
	struct http_request req;
	const struct route *route;
	char allow[128];
	enum router_result result;
	int init_rc;
};

/* Builds a request for method and uri and runs the router on the local table. */
static void match_run(struct match *m, const char *method, const char *uri, int include_test_only)
{
	char *params[] = {arena_printf(&arena, "REQUEST_METHOD=%s", method),
			  arena_printf(&arena, "REQUEST_URI=%s", uri), NULL};

	memset(m, 0, sizeof(*m));
	m->route = &sentinel;
	memset(m->allow, 'Z', sizeof(m->allow));
	m->init_rc = http_request_init(&m->req, &arena, params);
	m->result = router_match(table, R__MAX, &m->req, include_test_only, &m->route, m->allow,
				 sizeof(m->allow));
}

static void test_static_match(void)
{
	struct match m;

	match_run(&m, "GET", "/api/v1/products", 0);
	CU_ASSERT_EQUAL(m.result, ROUTER_MATCH);
	CU_ASSERT_PTR_EQUAL(m.route, &table[R_PRODUCTS_LIST]);
	CU_ASSERT_EQUAL(m.req.npath_params, 0);

	match_run(&m, "POST", "/api/v1/products", 0);
	CU_ASSERT_EQUAL(m.result, ROUTER_MATCH);
	CU_ASSERT_PTR_EQUAL(m.route, &table[R_PRODUCTS_CREATE]);

	match_run(&m, "POST", "/api/v1/cart/checkout", 0);
	CU_ASSERT_EQUAL(m.result, ROUTER_MATCH);
	CU_ASSERT_PTR_EQUAL(m.route, &table[R_CHECKOUT]);

	/* the query string is not part of the path */
	match_run(&m, "GET", "/api/v1/products?page=2&q=mug", 0);
	CU_ASSERT_EQUAL(m.result, ROUTER_MATCH);
	CU_ASSERT_PTR_EQUAL(m.route, &table[R_PRODUCTS_LIST]);
	arena_reset(&arena);
}

/* Parameters are decoded one segment at a time from the raw path: an encoded
 * slash never splits a segment, and no value is ".", ".." or holds a '/'. */
static void test_parameter_safety(void)
{
	static const char *const refused[] = {
	    "/api/v1/products/%2E%2E", "/api/v1/products/..",  "/api/v1/products/.",
	    "/api/v1/products/a%2Fb",  "/api/v1/products/%2F", "/api/v1/shops/%2e/products/x",
	};
	struct match m;

	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		match_run(&m, "GET", refused[i], 0);
		CU_ASSERT_EQUAL(m.result, ROUTER_NOT_FOUND);
		CU_ASSERT_PTR_EQUAL(m.route, &sentinel);
	}
	match_run(&m, "GET", "/api/v1/products/caf%C3%A9-mug", 0);
	CU_ASSERT_EQUAL(m.result, ROUTER_MATCH);
	ASSERT_STR_EQ(http_path_param(&m.req, "slug"), "caf\xc3\xa9-mug");
	match_run(&m, "GET", "/api/v1/products/a.b", 0);
	CU_ASSERT_EQUAL(m.result, ROUTER_MATCH);
	ASSERT_STR_EQ(http_path_param(&m.req, "slug"), "a.b");
	arena_reset(&arena);
}

static void test_parameter_capture(void)
{
	struct match m;

	match_run(&m, "GET", "/api/v1/products/blue-mug", 0);
	CU_ASSERT_EQUAL(m.result, ROUTER_MATCH);
	CU_ASSERT_PTR_EQUAL(m.route, &table[R_PRODUCT_SHOW]);
	CU_ASSERT_EQUAL(m.req.npath_params, 1);
	ASSERT_STR_EQ(http_path_param(&m.req, "slug"), "blue-mug");
	CU_ASSERT_PTR_NULL(http_path_param(&m.req, "shop"));
	CU_ASSERT_PTR_NULL(http_path_param(&m.req, "{slug}"));

	match_run(&m, "DELETE", "/api/v1/products/old-one", 0);
	CU_ASSERT_EQUAL(m.result, ROUTER_MATCH);
	CU_ASSERT_PTR_EQUAL(m.route, &table[R_PRODUCT_DELETE]);
	ASSERT_STR_EQ(http_path_param(&m.req, "slug"), "old-one");

	match_run(&m, "GET", "/api/v1/shops/acme/products/mug-2", 0);
	CU_ASSERT_EQUAL(m.result, ROUTER_MATCH);
	CU_ASSERT_PTR_EQUAL(m.route, &table[R_SHOP_PRODUCT]);
	CU_ASSERT_EQUAL(m.req.npath_params, 2);
	ASSERT_STR_EQ(m.req.path_param_names[0], "shop");
	ASSERT_STR_EQ(m.req.path_params[0], "acme");
	ASSERT_STR_EQ(m.req.path_param_names[1], "slug");
	ASSERT_STR_EQ(m.req.path_params[1], "mug-2");
	ASSERT_STR_EQ(http_path_param(&m.req, "shop"), "acme");
	ASSERT_STR_EQ(http_path_param(&m.req, "slug"), "mug-2");

	/* parameters are taken from the decoded path */
	match_run(&m, "GET", "/api/v1/products/caf%C3%A9%20au%20lait", 0);
	CU_ASSERT_EQUAL(m.result, ROUTER_MATCH);
	ASSERT_STR_EQ(http_path_param(&m.req, "slug"), "caf\xc3\xa9 au lait");

	/* a parameter is a copy, not a pointer into the path */
	match_run(&m, "GET", "/api/v1/products/abc", 0);
	const char *slug = http_path_param(&m.req, "slug");
	CU_ASSERT_PTR_NOT_NULL(slug);
	CU_ASSERT_TRUE(slug == NULL ||
		       (slug < m.req.path || slug > m.req.path + strlen(m.req.path)));
	arena_reset(&arena);
}

static void test_not_found(void)
{
	static const char *paths[] = {
	    "/api/v1/nope",
	    "/",
	    "/api/v1",
	    "/api/v1/",
	    "/api/v1/product",
	    "/api/v1/productsX",
	    "/api/v1/products/",	   /* trailing slash */
	    "/api/v1/products/mug/",	   /* trailing slash after a parameter */
	    "/api/v1/products//",	   /* empty parameter */
	    "/api/v1/products/a/b",	   /* a parameter is one segment */
	    "/api/v1/shops//products/mug", /* empty first parameter */
	    "/api/v1/shops/acme/products/",
	    "/api/v1/shops/acme/products",
	    "/api/v1/cart/checkout/",
	    "/API/V1/PRODUCTS", /* paths are case-sensitive */
	    "/api/v1/_test/ping",
	};

	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		struct match m;

		match_run(&m, "GET", paths[i], 0);
		CU_ASSERT_EQUAL(m.result, ROUTER_NOT_FOUND);
		if (m.result != ROUTER_NOT_FOUND)
			fprintf(stderr, "\n  expected 404 for %s, got %d\n", paths[i], m.result);
		CU_ASSERT_PTR_EQUAL(m.route, &sentinel); /* *out set on a match only */
		CU_ASSERT_EQUAL(m.req.npath_params, 0);
		/* 404 for every method, not 405 */
		match_run(&m, "POST", paths[i], 0);
		CU_ASSERT_EQUAL(m.result, ROUTER_NOT_FOUND);
	}
	arena_reset(&arena);
}

static void test_method_not_allowed(void)
{
	struct match m;

	match_run(&m, "DELETE", "/api/v1/products", 0);
	CU_ASSERT_EQUAL(m.result, ROUTER_METHOD_NOT_ALLOWED);
	ASSERT_STR_EQ(m.allow, "GET, HEAD, POST");
	CU_ASSERT_PTR_EQUAL(m.route, &sentinel);

	match_run(&m, "PATCH", "/api/v1/products/mug", 0);
	CU_ASSERT_EQUAL(m.result, ROUTER_METHOD_NOT_ALLOWED);
	ASSERT_STR_EQ(m.allow, "GET, HEAD, PUT, DELETE");

	match_run(&m, "POST", "/api/v1/shops/acme/products/mug", 0);
	CU_ASSERT_EQUAL(m.result, ROUTER_METHOD_NOT_ALLOWED);
	ASSERT_STR_EQ(m.allow, "GET, HEAD");

	/* a POST-only path */
	match_run(&m, "GET", "/api/v1/cart/checkout", 0);
	CU_ASSERT_EQUAL(m.result, ROUTER_METHOD_NOT_ALLOWED);
	ASSERT_STR_EQ(m.allow, "POST");
	match_run(&m, "HEAD", "/api/v1/cart/checkout", 0);
	CU_ASSERT_EQUAL(m.result, ROUTER_METHOD_NOT_ALLOWED);
	ASSERT_STR_EQ(m.allow, "POST");

	/* methods are case-sensitive */
	match_run(&m, "get", "/api/v1/products", 0);
	CU_ASSERT_EQUAL(m.result, ROUTER_METHOD_NOT_ALLOWED);
	ASSERT_STR_EQ(m.allow, "GET, HEAD, POST");
	arena_reset(&arena);
}

static void test_head_served_by_get(void)
{
	struct match m;

	match_run(&m, "HEAD", "/api/v1/products", 0);
	CU_ASSERT_EQUAL(m.result, ROUTER_MATCH);
	CU_ASSERT_PTR_EQUAL(m.route, &table[R_PRODUCTS_LIST]);
	ASSERT_STR_EQ(m.req.method, "HEAD"); /* the request keeps its method */

	match_run(&m, "HEAD", "/api/v1/products/mug", 0);
	CU_ASSERT_EQUAL(m.result, ROUTER_MATCH);
	CU_ASSERT_PTR_EQUAL(m.route, &table[R_PRODUCT_SHOW]);
	ASSERT_STR_EQ(http_path_param(&m.req, "slug"), "mug");
	arena_reset(&arena);
}

static void test_test_only_routes(void)
{
	struct match m;

	match_run(&m, "GET", "/api/v1/_test/ping", 0);
	CU_ASSERT_EQUAL(m.result, ROUTER_NOT_FOUND);
	match_run(&m, "POST", "/api/v1/_test/ping", 0);
	CU_ASSERT_EQUAL(m.result, ROUTER_NOT_FOUND); /* invisible: not even a 405 */

	match_run(&m, "GET", "/api/v1/_test/ping", 1);
	CU_ASSERT_EQUAL(m.result, ROUTER_MATCH);
	CU_ASSERT_PTR_EQUAL(m.route, &table[R_TEST_PING]);
	match_run(&m, "POST", "/api/v1/_test/ping", 1);
	CU_ASSERT_EQUAL(m.result, ROUTER_METHOD_NOT_ALLOWED);
	ASSERT_STR_EQ(m.allow, "GET, HEAD");

	/* the flag changes nothing for ordinary routes */
	match_run(&m, "GET", "/api/v1/products/x", 1);
	CU_ASSERT_EQUAL(m.result, ROUTER_MATCH);
	CU_ASSERT_PTR_EQUAL(m.route, &table[R_PRODUCT_SHOW]);
	arena_reset(&arena);
}

static void test_allow_buffer_small(void)
{
	struct http_request req;
	const struct route *out = &sentinel;
	char allow[12];
	char *params[] = {"REQUEST_METHOD=PATCH", "REQUEST_URI=/api/v1/products/mug", NULL};

	/* the allow list never overflows the caller's buffer (ASan checks) */
	CU_ASSERT_EQUAL(http_request_init(&req, &arena, params), SOUK_OK);
	memset(allow, 'Z', sizeof(allow));
	CU_ASSERT_EQUAL(router_match(table, R__MAX, &req, 0, &out, allow, sizeof(allow)),
			ROUTER_METHOD_NOT_ALLOWED);
	CU_ASSERT_TRUE(memchr(allow, '\0', sizeof(allow)) != NULL);
	CU_ASSERT_EQUAL(strncmp(allow, "GET, HEAD", 9), 0);
	arena_reset(&arena);
}

static void test_real_route_table(void)
{
	struct http_request req;
	const struct route *out = NULL;
	char allow[128];
	char *health[] = {"REQUEST_METHOD=GET", "REQUEST_URI=/api/v1/health", NULL};
	char *echo[] = {"REQUEST_METHOD=POST", "REQUEST_URI=/api/v1/_test/echo", NULL};

	CU_ASSERT_TRUE(api_routes_count >= 3);
	CU_ASSERT_EQUAL(http_request_init(&req, &arena, health), SOUK_OK);
	CU_ASSERT_EQUAL(
	    router_match(api_routes, api_routes_count, &req, 0, &out, allow, sizeof(allow)),
	    ROUTER_MATCH);
	CU_ASSERT_TRUE(out != NULL && out->handler == api_health);
	CU_ASSERT_EQUAL(http_request_init(&req, &arena, echo), SOUK_OK);
	CU_ASSERT_EQUAL(
	    router_match(api_routes, api_routes_count, &req, 0, &out, allow, sizeof(allow)),
	    ROUTER_NOT_FOUND);
	CU_ASSERT_EQUAL(
	    router_match(api_routes, api_routes_count, &req, 1, &out, allow, sizeof(allow)),
	    ROUTER_MATCH);
	CU_ASSERT_TRUE(out != NULL && out->handler == api_test_echo);
	CU_ASSERT_TRUE(out != NULL && (out->flags & ROUTE_JSON_BODY) &&
		       (out->flags & ROUTE_TEST_ONLY));
	/* every row is well formed: a handler, a method and an absolute pattern;
	 * every /_test/ route is test-only; no two rows share method and pattern */
	for (size_t i = 0; i < api_routes_count; i++) {
		const struct route *r = &api_routes[i];

		CU_ASSERT_PTR_NOT_NULL(r->handler);
		CU_ASSERT_PTR_NOT_NULL(r->method);
		CU_ASSERT_EQUAL(strncmp(r->pattern, "/api/v1/", 8), 0);
		if (strstr(r->pattern, "/_test/") != NULL)
			CU_ASSERT_TRUE(r->flags & ROUTE_TEST_ONLY);
		for (size_t j = i + 1; j < api_routes_count; j++)
			CU_ASSERT_FALSE(strcmp(r->method, api_routes[j].method) == 0 &&
					strcmp(r->pattern, api_routes[j].pattern) == 0);
	}
	arena_reset(&arena);
}

int suite_router(void)
{
	static const struct unit_test tests[] = {
	    {"static routes match exactly", test_static_match},
	    {"parameters are captured", test_parameter_capture},
	    {"parameters never hold '/', '.' or '..'", test_parameter_safety},
	    {"unknown paths, trailing slashes, empty segments: 404", test_not_found},
	    {"wrong method: 405 with the Allow list", test_method_not_allowed},
	    {"HEAD is served by GET routes", test_head_served_by_get},
	    {"test-only routes are invisible unless asked for", test_test_only_routes},
	    {"a small Allow buffer is not overrun", test_allow_buffer_small},
	    {"the real route table", test_real_route_table},
	    {NULL, NULL},
	};

	return tests_register("router", router_suite_init, router_suite_cleanup, tests);
}
