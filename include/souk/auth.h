/*
 * auth.h - who is calling and what they may do: sessions, tokens, sign-in
 * flows (password, e-mail OTP, Google, GitHub), role-based permissions.
 *
 * Sessions: a short-lived access JWT (HS256, libjwt; iss, aud, sub = user
 * public id, sid = session family, exp <= 15 min, jti) plus an opaque
 * 256-bit refresh token stored as its SHA-256 with a family id. Browsers get
 * both as HttpOnly cookies (Secure on TLS, SameSite=Lax; the refresh cookie
 * scoped to /api/v1/auth) plus a readable CSRF cookie whose value is
 * HMAC(secret, sid): unsafe requests authenticated by cookie must echo it in
 * X-CSRF-Token. API clients send "Authorization: Bearer <access>".
 *
 * A principal is loaded per request (one query: user, role, permissions and
 * whether the session is still live), so a disabled user or a revoked session
 * stops working at once, not when the access token expires.
 */
#ifndef SOUK_AUTH_H
#define SOUK_AUTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct arena;
struct cJSON;
struct http_request;
struct http_response;
struct souk_config;
struct worker;

struct principal {
	const char *user_id;   /* users.id (internal, as text) */
	const char *public_id; /* users.public_id */
	const char *email;
	const char *name;
	const char *role;
	const char **permissions; /* NULL-terminated */
	const char *session_id;	  /* refresh family (uuid) */
	bool via_cookie;	  /* authenticated by cookie: CSRF applies */
};

/* True when p holds permission (p may be NULL). */
bool auth_has_permission(const struct principal *p, const char *permission);

/*
 * Middleware, run by the dispatcher for every routed request: reads the
 * Bearer header or the access cookie and sets req->principal. Returns SOUK_OK
 * (signed in or anonymous), or SOUK_EUNAUTH when credentials were presented
 * but are invalid, expired, revoked or belong to a disabled user; the
 * dispatcher ignores that for public routes.
 */
int auth_authenticate(struct worker *w, struct http_request *req);

/* CSRF check for unsafe methods on cookie-authenticated requests:
 * SOUK_OK or SOUK_EFORBIDDEN. */
int auth_check_csrf(struct worker *w, const struct http_request *req);

/*
 * Starts a session for users.id user_id (text): inserts a refresh token of a
 * new family, issues the access JWT and, unless token_mode, sets the three
 * cookies on res. Records last_login_at and an audit entry "auth.login" with
 * method ("password", "otp", "google", "github"). On SOUK_OK *body is a JSON
 * object for the response: {"user":{...}, "csrf_token", "expires_in"} plus
 * "access_token"/"refresh_token" in token mode. Runs its own transaction.
 */
int session_login(struct worker *w, struct http_request *req, struct http_response *res,
		  const char *user_id, const char *method, bool token_mode, struct cJSON **body);

/* Clears the session cookies on res. */
void session_clear_cookies(const struct worker *w, const struct http_request *req,
			   struct http_response *res);

/* Revokes every live refresh token of the user (all sessions). */
int session_revoke_all(struct worker *w, struct arena *a, const char *user_id);

/* session_revoke_all() that sets *revoked (on SOUK_OK) to how many sessions
 * were live (session_list's meaning). Runs in the caller's transaction, or
 * its own. */
int session_revoke_all_counted(struct worker *w, struct arena *a, const char *user_id,
			       long *revoked);

/* Revokes one live session (refresh family) of the user: SOUK_ENOTFOUND when
 * the user has no such live session (another user's family is never touched).
 * Runs in the caller's transaction, or its own. */
int session_revoke(struct worker *w, struct arena *a, const char *user_id, const char *family);

/* Rotates the presented refresh token (see session.c); SOUK_EUNAUTH when it is
 * unknown, expired, revoked (then its family is revoked too) or its user is
 * not active; SOUK_EFORBIDDEN for a cookie refresh without the CSRF header. */
int session_refresh(struct worker *w, struct http_request *req, struct http_response *res,
		    const char *presented, bool via_cookie, bool token_mode, struct cJSON **body);

/* Revokes the family of the presented refresh token, if any. */
int session_revoke_token(struct worker *w, struct http_request *req, const char *presented,
			 bool via_cookie);

/* The refresh cookie of the request, or NULL. */
const char *session_refresh_cookie(const struct http_request *req);

/* True when the request carries the session's CSRF cookie (set with the
 * refresh cookie, for as long): a browser that still holds a session. */
bool session_cookie_present(const struct http_request *req);

/* The user's live sessions as a page (include/souk/page.h), most recently
 * used first: {"items":[{id, started_at, last_used_at, expires_at,
 * user_agent, ip, current}], "next_cursor"}. after_key NULL = the first
 * page; *more and *last_key say whether and where the next page starts. */
int session_list(struct worker *w, struct arena *a, const char *user_id, const char *current,
		 const int64_t *after_key, int limit, char **items, bool *more, int64_t *last_key);

/* Revokes every live session of the user but keep (a password change). */
int session_revoke_others(struct worker *w, struct arena *a, const char *user_id, const char *keep);

/* cleanup: deletes up to limit refresh tokens expired over a day ago (a
 * family expires as one, so none of them can be presented with effect any
 * more); *deleted counts them. */
int session_cleanup(struct worker *w, struct arena *a, long limit, long *deleted);

/* ---------------------------------------------------------------------
 * The e-mail one-time code (src/auth/otp.c), kept in Redis.
 * ------------------------------------------------------------------- */

#define OTP_TTL_S 600	/* seconds a code works */
#define OTP_MAX_TRIES 5 /* attempts on one code */
#define OTP_CODE_LEN 6

/* A new six-digit code for email (replacing any earlier one, with its
 * tries), for the caller to e-mail: SOUK_OK with code, or SOUK_EREDIS. */
int otp_issue(struct worker *w, struct arena *a, const char *email, char code[OTP_CODE_LEN + 1]);

/* Checks a code for email: SOUK_OK (and the code is spent), SOUK_EUNAUTH
 * (wrong, expired, spent, or past its tries), SOUK_ERATELIMIT (too many
 * wrong codes for this address today), SOUK_EREDIS. */
int otp_check(struct worker *w, struct arena *a, const char *email, const char *code);

/* cleanup: gives a code or tries counter left without its expiry (a crash
 * between two commands) OTP_TTL_S seconds; *fixed counts them. SOUK_OK or
 * SOUK_EREDIS. */
int otp_cleanup(struct worker *w, struct arena *a, long *fixed);

/* NULL when password is acceptable for the account with this e-mail (at
 * least 10 characters, not the e-mail, not a common password), else why. */
const char *auth_password_policy(const char *password, const char *email);

/* Handlers (src/auth/auth_http.c). Statuses in each definition. */
int auth_register(struct worker *w, struct http_request *req, struct http_response *res);
int auth_login(struct worker *w, struct http_request *req, struct http_response *res);
int auth_refresh(struct worker *w, struct http_request *req, struct http_response *res);
int auth_logout(struct worker *w, struct http_request *req, struct http_response *res);
int auth_logout_all(struct worker *w, struct http_request *req, struct http_response *res);
int auth_verify_email(struct worker *w, struct http_request *req, struct http_response *res);
int auth_otp_request(struct worker *w, struct http_request *req, struct http_response *res);
int auth_otp_verify(struct worker *w, struct http_request *req, struct http_response *res);
int auth_reset_request(struct worker *w, struct http_request *req, struct http_response *res);
int auth_reset_confirm(struct worker *w, struct http_request *req, struct http_response *res);

/* Google / GitHub sign-in (src/auth/oauth.c). */
int auth_providers(struct worker *w, struct http_request *req, struct http_response *res);
int auth_oauth_start(struct worker *w, struct http_request *req, struct http_response *res);
int auth_oauth_callback(struct worker *w, struct http_request *req, struct http_response *res);

#endif
