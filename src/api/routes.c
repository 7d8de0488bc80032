/*
 * routes.c - THE route table. One row per endpoint; permission NULL = public.
 * Add a route here, its handler in the module's *_http.c, its prototype in the
 * module header, and an API test in t/api.
 */
#include "souk/api.h"
#include "souk/auth.h"
#include "souk/users.h"

const struct route api_routes[] = {
	/* method, pattern, handler, permission, flags */
	{"GET", "/api/v1/health", api_health, NULL, 0},
	{"GET", "/api/v1/ready", api_ready, NULL, 0},

	/* accounts: sign-in flows (src/auth) */
	{"POST", "/api/v1/auth/register", auth_register, NULL, ROUTE_JSON_BODY},
	{"POST", "/api/v1/auth/login", auth_login, NULL, ROUTE_JSON_BODY},
	{"POST", "/api/v1/auth/refresh", auth_refresh, NULL, ROUTE_JSON_OPTIONAL},
	{"POST", "/api/v1/auth/logout", auth_logout, NULL, ROUTE_JSON_OPTIONAL},
	{"POST", "/api/v1/auth/logout-all", auth_logout_all, ROUTE_SIGNED_IN, ROUTE_JSON_OPTIONAL},
	{"POST", "/api/v1/auth/verify-email", auth_verify_email, NULL, ROUTE_JSON_BODY},
	{"POST", "/api/v1/auth/otp/request", auth_otp_request, NULL, ROUTE_JSON_BODY},
	{"POST", "/api/v1/auth/otp/verify", auth_otp_verify, NULL, ROUTE_JSON_BODY},
	{"POST", "/api/v1/auth/password-reset/request", auth_reset_request, NULL, ROUTE_JSON_BODY},
	{"POST", "/api/v1/auth/password-reset/confirm", auth_reset_confirm, NULL, ROUTE_JSON_BODY},
	{"GET", "/api/v1/auth/providers", auth_providers, NULL, 0},
	{"GET", "/api/v1/auth/oauth/{provider}/start", auth_oauth_start, NULL, 0},
	{"GET", "/api/v1/auth/oauth/{provider}/callback", auth_oauth_callback, NULL, 0},

	/* the signed-in user (src/users) */
	{"GET", "/api/v1/me", users_me, ROUTE_SIGNED_IN, 0},
	{"PATCH", "/api/v1/me", users_me_update, ROUTE_SIGNED_IN, ROUTE_JSON_BODY},
	{"DELETE", "/api/v1/me", users_me_delete, ROUTE_SIGNED_IN, ROUTE_JSON_OPTIONAL},
	{"POST", "/api/v1/me/password", users_me_password, ROUTE_SIGNED_IN, ROUTE_JSON_BODY},
	{"GET", "/api/v1/me/sessions", users_me_sessions, ROUTE_SIGNED_IN, 0},
	{"DELETE", "/api/v1/me/sessions/{id}", users_me_session_revoke, ROUTE_SIGNED_IN, 0},
	{"GET", "/api/v1/me/dashboard", users_me_dashboard, ROUTE_SIGNED_IN, 0},
	{"GET", "/api/v1/me/export", users_me_export, ROUTE_SIGNED_IN, 0},

	/* user administration */
	{"GET", "/api/v1/admin/users", users_admin_list, "users:read", 0},
	{"PATCH", "/api/v1/admin/users/{id}/role", users_admin_role, "users:manage", ROUTE_JSON_BODY},
	{"POST", "/api/v1/admin/users/{id}/disable", users_admin_disable, "users:manage", 0},
	{"POST", "/api/v1/admin/users/{id}/enable", users_admin_enable, "users:manage", 0},
	{"POST", "/api/v1/_test/echo", api_test_echo, NULL, ROUTE_JSON_BODY | ROUTE_TEST_ONLY},
	{"GET", "/api/v1/_test/sleep", api_test_sleep, NULL, ROUTE_TEST_ONLY},
};

const size_t api_routes_count = sizeof(api_routes) / sizeof(api_routes[0]);
