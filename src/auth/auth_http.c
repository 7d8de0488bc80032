/*
 * auth_http.c - the sign-in flows over HTTP: register, login, refresh,
 * logout, e-mail verification, e-mail OTP, password reset.
 *
 * HTTP only: the SQL is in src/users/users.c (users and their single-use
 * tokens) and src/auth/session.c, the one-time code's states in otp.c. Each
 * state change and the e-mail it causes are written in one transaction (the
 * outbox). Answers that could reveal whether an account exists (OTP, reset)
 * are the same either way: 202 {"status":"sent"} whether or not a message
 * was queued (an unknown, disabled or deleted address gets nothing).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/crypto.h>

#include "souk/arena.h"
#include "souk/audit.h"
#include "souk/auth.h"
#include "souk/config.h"
#include "souk/crypto.h"
#include "souk/db.h"
#include "souk/err.h"
#include "souk/http.h"
#include "souk/json.h"
#include "souk/log.h"
#include "souk/mail.h"
#include "souk/password.h"
#include "souk/ratelimit.h"
#include "souk/redis.h"
#include "souk/str.h"
#include "souk/token.h"
#include "souk/users.h"
#include "souk/worker.h"

#define VERIFY_TTL_S (48 * 3600)
#define RESET_TTL_S 3600

/* The most common passwords (a short list on purpose: length does most of
 * the work; these are the ones attackers try first). */
static const char *const common_passwords[] = {
    "1234567890",  "12345678910",  "123456789012", "0987654321",   "1111111111",   "0000000000",
    "1234512345",  "1q2w3e4r5t",   "1qaz2wsx3edc", "qwertyuiop",   "qwerty12345",  "qwerty123456",
    "asdfghjkl;",  "zxcvbnm123",   "password12",   "password123",  "password1234", "passw0rd123",
    "iloveyou123", "letmein123",   "welcome123",   "welcome@123",  "admin12345",   "administrator",
    "changeme123", "football123",  "baseball123",  "sunshine123",  "princess123",  "dragon1234",
    "monkey12345", "superman123",  "trustno1234",  "starwars123",  "abcdefghij",   "abcd123456",
    "a1b2c3d4e5",  "qazwsxedcrfv", "iloveyou12",   "computer123",  "internet123",  "india12345",
    "india@1234",  "mumbai1234",   "password@123", "Password@123", "p@ssw0rd123",  "souk123456",
    NULL,
};

/* NULL when acceptable, else the reason (for the "password" field). */
const char *auth_password_policy(const char *password, const char *email)
{
	const char *at = strchr(email, '@');

	if (utf8_length(password) < PASSWORD_MIN_LENGTH)
		return "must be at least 10 characters";
	if (strlen(password) > 1024)
		return "must be at most 1024 bytes";
	if (strcasecmp(password, email) == 0 ||
	    (at != NULL && (size_t)(at - email) == strlen(password) &&
	     strncasecmp(password, email, strlen(password)) == 0))
		return "must not be your e-mail address";
	for (const char *const *c = common_passwords; *c; c++)
		if (strcasecmp(password, *c) == 0)
			return "is too common; choose another";
	return NULL;
}

#define VALIDATE(req, fields, out) HTTP_VALIDATE(req, fields, out, NULL)

/* Applies a rate limit; on excess sets Retry-After through the error path. */
static int limit(struct worker *w, struct http_request *req, struct http_response *res,
		 const char *scope, const char *who, long max, long window)
{
	long retry = 0;
	char *key = arena_printf(req->arena, "rl:%s:%s", scope, who);

	/* per-address limits can be scaled for sites behind a shared address */
	if (strstr(scope, ":ip") != NULL)
		max *= w->config->auth_ip_scale;
	else
		max *= w->config->auth_account_scale;

	if (ratelimit_hit(&w->redis, req->arena, key, max, window, &retry) == SOUK_OK)
		return SOUK_OK;
	http_response_header(res, "Retry-After", arena_printf(req->arena, "%ld", retry));
	req->error_message = "Too many attempts; try again later.";
	return SOUK_ERATELIMIT;
}

static const char *link_to(struct worker *w, struct arena *a, const char *path, const char *token)
{
	return arena_printf(a, "%s%s?token=%s", w->config->public_url, path, token);
}

/* Queues the verify-email message for user_id (inside a transaction). */
static int queue_verification(struct worker *w, struct arena *a, const char *user_id,
			      const char *email, const char *name)
{
	char *token = NULL;
	cJSON *data = json_new_object(a);
	int rc = users_token_create(&w->db, a, user_id, USERS_TOKEN_VERIFY, VERIFY_TTL_S, &token);

	if (rc != SOUK_OK)
		return rc;
	cJSON_AddStringToObject(data, "name", name);
	cJSON_AddStringToObject(data, "link", link_to(w, a, "/verify-email", token));
	cJSON_AddNumberToObject(data, "hours", VERIFY_TTL_S / 3600);
	return mail_queue(&w->db, a, "verify_email", email, data);
}

static void answer(struct http_response *res, struct http_request *req, int status, cJSON *body)
{
	http_response_json(res, req->arena, status, body);
}

static cJSON *status_body(struct arena *a, const char *status)
{
	cJSON *o = json_new_object(a);

	cJSON_AddStringToObject(o, "status", status);
	return o;
}

struct register_input {
	const char *email, *password, *name;
};

static const struct validate_field register_fields[] = {
    {"email", VALIDATE_EMAIL, VALIDATE_REQUIRED, 0, 0, offsetof(struct register_input, email)},
    /* as sent, not trimmed: the policy below judges it */
    {"password", VALIDATE_TEXT, VALIDATE_REQUIRED, 1, 0, offsetof(struct register_input, password)},
    {"name", VALIDATE_STRING, VALIDATE_REQUIRED, 1, 100, offsetof(struct register_input, name)},
};

/* POST /api/v1/auth/register {email, password, name}: 201 with the user;
 * 409 e-mail taken, 422, 429. Queues welcome + verify-email. */
int auth_register(struct worker *w, struct http_request *req, struct http_response *res)
{
	struct register_input in = {0};
	char hash[PASSWORD_HASH_MAX];
	const char *id = NULL, *public_id = NULL, *why;
	cJSON *user = NULL, *data;
	int rc = VALIDATE(req, register_fields, &in);

	if (rc != SOUK_OK)
		return rc;
	rc = limit(w, req, res, "register:ip", req->remote_addr, 10, 3600);
	if (rc == SOUK_OK)
		rc = limit(w, req, res, "register:account", in.email, 5, 3600);
	if (rc != SOUK_OK)
		return rc;
	if ((why = auth_password_policy(in.password, in.email)) != NULL)
		return http_field_error(req, "password", why);
	if (password_hash(in.password, hash) != SOUK_OK)
		return SOUK_EINTERNAL;
	rc = db_begin(&w->db, req->arena);
	if (rc == SOUK_OK)
		rc = users_create(&w->db, req->arena, in.email, in.name, hash, NULL, false, &id,
				  &public_id);
	if (rc == SOUK_ECONFLICT)
		req->error_message = "An account with this e-mail address already exists.";
	if (rc == SOUK_OK)
		rc = queue_verification(w, req->arena, id, in.email, in.name);
	if (rc == SOUK_OK) {
		data = json_new_object(req->arena);
		cJSON_AddStringToObject(data, "name", in.name);
		rc = mail_queue(&w->db, req->arena, "welcome", in.email, data);
	}
	if (rc == SOUK_OK)
		rc = audit_record(&w->db, req->arena, id, "auth.register", "user", public_id, NULL,
				  req->remote_addr);
	rc = db_end(&w->db, req->arena, rc);
	if (rc == SOUK_OK)
		rc = users_json(&w->db, req->arena, id, &user);
	if (rc != SOUK_OK)
		return rc;
	cJSON *body = json_new_object(req->arena);

	cJSON_AddItemReferenceToObject(body, "user", user);
	answer(res, req, 201, body);
	return SOUK_OK;
}

struct login_input {
	const char *email, *password, *mode;
};

static const struct validate_field login_fields[] = {
    {"email", VALIDATE_EMAIL, VALIDATE_REQUIRED, 0, 0, offsetof(struct login_input, email)},
    {"password", VALIDATE_TEXT, VALIDATE_REQUIRED, 1, 1024, offsetof(struct login_input, password)},
    {"mode", VALIDATE_STRING, 0, 1, 10, offsetof(struct login_input, mode)},
};

/* Hash of a password nobody has: verified against when the account does not
 * exist, so both answers take the same time. Made once per worker. */
static const char *dummy_hash(void)
{
	static char hash[PASSWORD_HASH_MAX];

	if (hash[0] == '\0' && password_hash("no account has this password", hash) != SOUK_OK)
		hash[0] = '\0';
	return hash;
}

static bool token_mode(const char *mode)
{
	return mode != NULL && strcmp(mode, "token") == 0;
}

/* POST /api/v1/auth/login {email, password, mode?}: 200 with the session
 * (cookies, or tokens in the body with mode "token"); 401 wrong e-mail or
 * password (same answer and time either way), 403 disabled, 422, 429 (rate
 * limit or locked account, with Retry-After). */
int auth_login(struct worker *w, struct http_request *req, struct http_response *res)
{
	struct login_input in = {0};
	struct user_login u;
	cJSON *body = NULL;
	const char *account_key;
	int rc = VALIDATE(req, login_fields, &in), found;

	if (rc != SOUK_OK)
		return rc;
	if (in.mode != NULL && strcmp(in.mode, "token") != 0 && strcmp(in.mode, "cookie") != 0)
		return http_field_error(req, "mode", "must be \"cookie\" or \"token\"");
	account_key = in.email;
	rc = limit(w, req, res, "login:ip", req->remote_addr, 30, 600);
	if (rc == SOUK_OK)
		rc = limit(w, req, res, "login:account", account_key, 10, 900);
	if (rc != SOUK_OK)
		return rc;
	rc = users_find_login(&w->db, req->arena, in.email, &u);
	if (rc != SOUK_OK && rc != SOUK_ENOTFOUND)
		return rc;
	found = rc == SOUK_OK && u.password_hash != NULL && strcmp(u.status, "deleted") != 0;
	if (found && u.locked_seconds > 0) {
		http_response_header(res, "Retry-After",
				     arena_printf(req->arena, "%ld", u.locked_seconds));
		req->error_message = "Too many failed sign-ins; the account is locked for a while.";
		return SOUK_ERATELIMIT;
	}
	if (!password_verify(found ? u.password_hash : dummy_hash(), in.password) || !found) {
		if (found) {
			cJSON *data = json_new_object(req->arena);

			cJSON_AddStringToObject(data, "reason", "bad_password");
			rc = db_begin(&w->db, req->arena);
			if (rc == SOUK_OK)
				rc = users_login_failed(&w->db, req->arena, u.id);
			if (rc == SOUK_OK)
				rc = audit_record(&w->db, req->arena, u.id, "auth.login_failed",
						  "user", u.public_id, data, req->remote_addr);
			rc = db_end(&w->db, req->arena, rc);
			if (rc != SOUK_OK)
				return rc;
		}
		req->error_message = "E-mail or password is incorrect.";
		return SOUK_EUNAUTH;
	}
	if (strcmp(u.status, "active") != 0) {
		req->error_message = "This account is disabled.";
		return SOUK_EFORBIDDEN;
	}
	ratelimit_reset(&w->redis, req->arena,
			arena_printf(req->arena, "rl:login:account:%s", account_key));
	rc = session_login(w, req, res, u.id, "password", token_mode(in.mode), &body);
	if (rc != SOUK_OK)
		return rc;
	answer(res, req, 200, body);
	return SOUK_OK;
}

struct refresh_input {
	const char *refresh_token;
};

static const struct validate_field refresh_fields[] = {
    {"refresh_token", VALIDATE_STRING, 0, 1, 200, offsetof(struct refresh_input, refresh_token)},
};

/* POST /api/v1/auth/refresh (refresh cookie + X-CSRF-Token, or
 * {"refresh_token"}): 200 with a rotated session; 401 unknown, expired or
 * reused (the whole session is revoked), 403 CSRF, 422. */
int auth_refresh(struct worker *w, struct http_request *req, struct http_response *res)
{
	struct refresh_input in = {0};
	const char *presented;
	bool via_cookie;
	cJSON *body = NULL;
	int rc = VALIDATE(req, refresh_fields, &in);

	if (rc != SOUK_OK)
		return rc;
	presented = in.refresh_token;
	via_cookie = presented == NULL;
	if (via_cookie)
		presented = session_refresh_cookie(req);
	if (presented == NULL) {
		/* the CSRF cookie may outlive a lost refresh cookie: end both */
		session_clear_cookies(w, req, res);
		req->error_message = "No refresh token.";
		return SOUK_EUNAUTH;
	}
	rc = session_refresh(w, req, res, presented, via_cookie, !via_cookie, &body);
	if (rc == SOUK_EUNAUTH && via_cookie)
		session_clear_cookies(w, req, res);
	if (rc != SOUK_OK)
		return rc;
	answer(res, req, 200, body);
	return SOUK_OK;
}

/* POST /api/v1/auth/logout: revokes this session (by access token, or by the
 * refresh token when the access token has expired) and clears the cookies.
 * 200; 403 CSRF; 422. */
int auth_logout(struct worker *w, struct http_request *req, struct http_response *res)
{
	struct refresh_input in = {0};
	int rc = VALIDATE(req, refresh_fields, &in);

	if (rc != SOUK_OK)
		return rc;
	if (req->principal != NULL) {
		cJSON *data = json_new_object(req->arena);

		cJSON_AddStringToObject(data, "session", req->principal->session_id);
		rc = db_begin(&w->db, req->arena);
		if (rc == SOUK_OK)
			rc = session_revoke(w, req->arena, req->principal->user_id,
					    req->principal->session_id);
		if (rc == SOUK_OK)
			rc =
			    audit_record(&w->db, req->arena, req->principal->user_id, "auth.logout",
					 "user", req->principal->public_id, data, req->remote_addr);
		rc = db_end(&w->db, req->arena, rc);
	} else {
		if (in.refresh_token != NULL)
			rc = session_revoke_token(w, req, in.refresh_token, false);
		else
			rc = session_revoke_token(w, req, session_refresh_cookie(req), true);
	}
	if (rc != SOUK_OK)
		return rc;
	session_clear_cookies(w, req, res);
	answer(res, req, 200, status_body(req->arena, "signed_out"));
	return SOUK_OK;
}

/* POST /api/v1/auth/logout-all (signed in): revokes every session. 200. */
int auth_logout_all(struct worker *w, struct http_request *req, struct http_response *res)
{
	int rc = http_validate(req, NULL, 0, NULL, NULL);

	if (rc != SOUK_OK)
		return rc;
	rc = db_begin(&w->db, req->arena);

	if (rc == SOUK_OK)
		rc = session_revoke_all(w, req->arena, req->principal->user_id);
	if (rc == SOUK_OK)
		rc = audit_record(&w->db, req->arena, req->principal->user_id, "auth.logout_all",
				  "user", req->principal->public_id, NULL, req->remote_addr);
	rc = db_end(&w->db, req->arena, rc);
	if (rc != SOUK_OK)
		return rc;
	session_clear_cookies(w, req, res);
	answer(res, req, 200, status_body(req->arena, "signed_out"));
	return SOUK_OK;
}

struct token_input {
	const char *token;
};

static const struct validate_field token_fields[] = {
    {"token", VALIDATE_STRING, VALIDATE_REQUIRED, 1, 200, offsetof(struct token_input, token)},
};

/* POST /api/v1/auth/verify-email {token}: 200; 422 invalid, used or expired. */
int auth_verify_email(struct worker *w, struct http_request *req, struct http_response *res)
{
	struct token_input in = {0};
	const char *user_id = NULL, *public_id = NULL;
	int rc = VALIDATE(req, token_fields, &in);

	if (rc != SOUK_OK)
		return rc;
	rc = db_begin(&w->db, req->arena);
	if (rc == SOUK_OK)
		rc = users_token_consume(&w->db, req->arena, in.token, USERS_TOKEN_VERIFY, &user_id,
					 &public_id);
	if (rc == SOUK_OK)
		rc = users_mark_verified(&w->db, req->arena, user_id);
	if (rc == SOUK_ECONFLICT)
		req->error_message = "Another account took this e-mail address meanwhile.";
	if (rc == SOUK_OK)
		rc = audit_record(&w->db, req->arena, user_id, "auth.email_verified", "user",
				  public_id, NULL, req->remote_addr);
	rc = db_end(&w->db, req->arena, rc);
	if (rc == SOUK_ENOTFOUND)
		return http_field_error(req, "token", "is invalid, already used or expired");
	if (rc != SOUK_OK)
		return rc;
	answer(res, req, 200, status_body(req->arena, "verified"));
	return SOUK_OK;
}

struct email_input {
	const char *email;
};

static const struct validate_field email_fields[] = {
    {"email", VALIDATE_EMAIL, VALIDATE_REQUIRED, 0, 0, offsetof(struct email_input, email)},
};

/* POST /api/v1/auth/otp/request {email}: 202 {"status":"sent"} whether or
 * not the address belongs to an active account (so the answer reveals
 * nothing; only an active account's address gets a code); 422, 429. A new
 * code, valid OTP_TTL_S seconds, replaces the last one and goes out by
 * e-mail (src/auth/otp.c keeps only its HMAC). */
int auth_otp_request(struct worker *w, struct http_request *req, struct http_response *res)
{
	struct email_input in = {0};
	const char *user_id = NULL, *name = NULL;
	char code[OTP_CODE_LEN + 1];
	int rc = VALIDATE(req, email_fields, &in);

	if (rc != SOUK_OK)
		return rc;
	rc = limit(w, req, res, "otp:ip", req->remote_addr, 20, 3600);
	if (rc == SOUK_OK)
		rc = limit(w, req, res, "otp:account", in.email, 5, 3600);
	if (rc != SOUK_OK)
		return rc;
	rc = users_find_active_id(&w->db, req->arena, in.email, &user_id, &name);
	if (rc == SOUK_OK) {
		cJSON *data = json_new_object(req->arena);

		rc = otp_issue(w, req->arena, in.email, code);
		if (rc != SOUK_OK)
			return rc;
		cJSON_AddStringToObject(data, "name", name);
		cJSON_AddStringToObject(data, "code", code);
		cJSON_AddNumberToObject(data, "minutes", OTP_TTL_S / 60);
		OPENSSL_cleanse(code, sizeof(code));
		rc = db_begin(&w->db, req->arena);
		if (rc == SOUK_OK)
			rc = mail_queue(&w->db, req->arena, "otp_code", in.email, data);
		if (rc == SOUK_OK)
			rc = audit_record(&w->db, req->arena, user_id, "auth.otp_requested", "user",
					  NULL, NULL, req->remote_addr);
		rc = db_end(&w->db, req->arena, rc);
		if (rc != SOUK_OK)
			return rc;
	} else if (rc != SOUK_ENOTFOUND) {
		return rc;
	}
	answer(res, req, 202, status_body(req->arena, "sent"));
	return SOUK_OK;
}

struct otp_input {
	const char *email, *code, *mode;
};

static const struct validate_field otp_fields[] = {
    {"email", VALIDATE_EMAIL, VALIDATE_REQUIRED, 0, 0, offsetof(struct otp_input, email)},
    {"code", VALIDATE_STRING, VALIDATE_REQUIRED, 1, 12, offsetof(struct otp_input, code)},
    {"mode", VALIDATE_STRING, 0, 1, 10, offsetof(struct otp_input, mode)},
};

/* POST /api/v1/auth/otp/verify {email, code, mode?}: 200 with a session; 401
 * wrong, expired or used up (5 tries, then the code is void); 422, 429. */
int auth_otp_verify(struct worker *w, struct http_request *req, struct http_response *res)
{
	struct otp_input in = {0};
	const char *user_id = NULL;
	cJSON *body = NULL;
	int rc = VALIDATE(req, otp_fields, &in);

	if (rc != SOUK_OK)
		return rc;
	if (in.mode != NULL && strcmp(in.mode, "token") != 0 && strcmp(in.mode, "cookie") != 0)
		return http_field_error(req, "mode", "must be \"cookie\" or \"token\"");
	rc = limit(w, req, res, "otp-verify:ip", req->remote_addr, 30, 600);
	if (rc != SOUK_OK)
		return rc;
	rc = otp_check(w, req->arena, in.email, in.code);
	if (rc == SOUK_ERATELIMIT) {
		req->error_message = "Too many wrong codes today; sign in another way.";
		http_response_header(res, "Retry-After", "3600");
		return rc;
	}
	if (rc == SOUK_OK)
		rc = users_find_active_id(&w->db, req->arena, in.email, &user_id, NULL);
	if (rc == SOUK_EUNAUTH || rc == SOUK_ENOTFOUND) {
		req->error_message = "The code is wrong or has expired.";
		return SOUK_EUNAUTH;
	}
	if (rc == SOUK_OK) { /* the code proved the mailbox */
		int claimed = 0;
		cJSON *data = json_new_object(req->arena);

		rc = db_begin(&w->db, req->arena);
		if (rc == SOUK_OK)
			rc = users_claim_mailbox(&w->db, req->arena, user_id, &claimed);
		if (rc == SOUK_OK && claimed) {
			cJSON_AddStringToObject(data, "via", "otp");
			rc = audit_record(&w->db, req->arena, user_id, "auth.mailbox_claimed",
					  "user", NULL, data, req->remote_addr);
		}
		rc = db_end(&w->db, req->arena, rc);
	}
	if (rc == SOUK_OK)
		rc = session_login(w, req, res, user_id, "otp", token_mode(in.mode), &body);
	if (rc != SOUK_OK)
		return rc;
	answer(res, req, 200, body);
	return SOUK_OK;
}

/* POST /api/v1/auth/password-reset/request {email}: 202 whether or not the
 * account exists; 422, 429. Queues a single-use link valid one hour. */
int auth_reset_request(struct worker *w, struct http_request *req, struct http_response *res)
{
	struct email_input in = {0};
	const char *user_id = NULL, *name = NULL;
	int rc = VALIDATE(req, email_fields, &in);

	if (rc != SOUK_OK)
		return rc;
	rc = limit(w, req, res, "reset:ip", req->remote_addr, 20, 3600);
	if (rc == SOUK_OK)
		rc = limit(w, req, res, "reset:account", in.email, 5, 3600);
	if (rc != SOUK_OK)
		return rc;
	rc = users_find_active_id(&w->db, req->arena, in.email, &user_id, &name);
	if (rc == SOUK_OK) {
		char *token = NULL;
		cJSON *data = json_new_object(req->arena);

		rc = db_begin(&w->db, req->arena);
		if (rc == SOUK_OK)
			rc = users_token_create(&w->db, req->arena, user_id, USERS_TOKEN_RESET,
						RESET_TTL_S, &token);
		if (rc == SOUK_OK) {
			cJSON_AddStringToObject(data, "name", name);
			cJSON_AddStringToObject(data, "link",
						link_to(w, req->arena, "/reset-password", token));
			cJSON_AddNumberToObject(data, "minutes", RESET_TTL_S / 60);
			rc = mail_queue(&w->db, req->arena, "password_reset", in.email, data);
		}
		if (rc == SOUK_OK)
			rc = audit_record(&w->db, req->arena, user_id, "auth.reset_requested",
					  "user", NULL, NULL, req->remote_addr);
		rc = db_end(&w->db, req->arena, rc);
		if (rc != SOUK_OK)
			return rc;
	} else if (rc != SOUK_ENOTFOUND) {
		return rc;
	}
	answer(res, req, 202, status_body(req->arena, "sent"));
	return SOUK_OK;
}

struct reset_input {
	const char *token, *password;
};

static const struct validate_field reset_fields[] = {
    {"token", VALIDATE_STRING, VALIDATE_REQUIRED, 1, 200, offsetof(struct reset_input, token)},
    {"password", VALIDATE_TEXT, VALIDATE_REQUIRED, 1, 0, offsetof(struct reset_input, password)},
};

/* POST /api/v1/auth/password-reset/confirm {token, password}: 200, every
 * session revoked; 422 invalid token or weak password. */
int auth_reset_confirm(struct worker *w, struct http_request *req, struct http_response *res)
{
	struct reset_input in = {0};
	const char *user_id = NULL, *public_id = NULL, *email = NULL, *old_hash = NULL, *why;
	char hash[PASSWORD_HASH_MAX];
	int rc = VALIDATE(req, reset_fields, &in);

	if (rc != SOUK_OK)
		return rc;
	rc = db_begin(&w->db, req->arena);
	if (rc == SOUK_OK)
		rc = users_token_consume(&w->db, req->arena, in.token, USERS_TOKEN_RESET, &user_id,
					 &public_id);
	if (rc == SOUK_ENOTFOUND) {
		db_rollback(&w->db, req->arena);
		return http_field_error(req, "token", "is invalid, already used or expired");
	}
	if (rc == SOUK_OK)
		rc = users_credentials(&w->db, req->arena, user_id, &email, &old_hash);
	if (rc == SOUK_OK && (why = auth_password_policy(in.password, email)) != NULL) {
		db_rollback(&w->db, req->arena); /* the token stays usable */
		return http_field_error(req, "password", why);
	}
	if (rc == SOUK_OK && password_hash(in.password, hash) != SOUK_OK)
		rc = SOUK_EINTERNAL;
	if (rc == SOUK_OK) { /* the link proved the mailbox */
		int claimed = 0;

		rc = users_claim_mailbox(&w->db, req->arena, user_id, &claimed);
	}
	if (rc == SOUK_OK)
		rc = users_set_password(&w->db, req->arena, user_id, hash);
	if (rc == SOUK_OK)
		rc = session_revoke_all(w, req->arena, user_id);
	if (rc == SOUK_OK)
		rc = audit_record(&w->db, req->arena, user_id, "auth.password_reset", "user",
				  public_id, NULL, req->remote_addr);
	if (rc == SOUK_OK)
		rc = mail_queue_password_changed(&w->db, req->arena, email, NULL, req->remote_addr);
	rc = db_end(&w->db, req->arena, rc);
	if (rc != SOUK_OK)
		return rc;
	session_clear_cookies(w, req, res);
	answer(res, req, 200, status_body(req->arena, "password_changed"));
	return SOUK_OK;
}
