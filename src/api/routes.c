/*
 * routes.c - THE route table. One row per endpoint; permission NULL = public.
 * Add a route here, its handler in the module's *_http.c, its prototype in the
 * module header, and an API test in t/api.
 */
#include "souk/api.h"

const struct route api_routes[] = {
	/* method, pattern, handler, permission, flags */
	{"GET", "/api/v1/health", api_health, NULL, 0},
	{"GET", "/api/v1/ready", api_ready, NULL, 0},
	{"POST", "/api/v1/_test/echo", api_test_echo, NULL, ROUTE_JSON_BODY | ROUTE_TEST_ONLY},
	{"GET", "/api/v1/_test/sleep", api_test_sleep, NULL, ROUTE_TEST_ONLY},
};

const size_t api_routes_count = sizeof(api_routes) / sizeof(api_routes[0]);
