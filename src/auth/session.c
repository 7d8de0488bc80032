/*
 * session.c - sessions: refresh-token families, access JWTs, cookies, the
 * per-request principal and CSRF. See include/souk/auth.h.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "souk/arena.h"
#include "souk/audit.h"
#include "souk/auth.h"
#include "souk/commerce.h"
#include "souk/config.h"
#include "souk/crypto.h"
#include "souk/db.h"
#include "souk/err.h"
#include "souk/http.h"
#include "souk/json.h"
#include "souk/log.h"
#include "souk/mail.h"
#include "souk/str.h"
#include "souk/token.h"
#include "souk/users.h"
#include "souk/worker.h"

#define COOKIE_ACCESS "souk_at"
#define COOKIE_REFRESH "souk_rt"
#define COOKIE_CSRF "souk_csrf"
#define REFRESH_PATH "/api/v1/auth"

/* SQL is laid out by hand, one clause a line: */
/* clang-format off */
static struct db_statement session_insert = {
	.name = "session_insert",
	.sql = "INSERT INTO refresh_tokens (user_id, token_hash, family_id, expires_at,"
	       " user_agent, ip)"
	       " VALUES ($1::bigint, decode($2, 'hex'), coalesce($3::uuid, gen_random_uuid()),"
	       " coalesce((SELECT min(expires_at) FROM refresh_tokens WHERE family_id = $3::uuid),"
	       "   now() + $4::int * interval '1 second'), left($5, 1000), NULLIF($6, '')::inet)"
	       " RETURNING id, family_id",
	.nparams = 6,
};


/* Whether to tell the user about this sign-in: they have signed in before
 * (a first sign-in is the welcome's), from no device with this User-Agent
 * (the sessions the cleanup job has not deleted yet: roughly the last
 * refresh lifetime). */
static struct db_statement device_seen = {
	.name = "session_device_seen",
	.sql = "SELECT u.email, u.name,"
	       " EXISTS (SELECT 1 FROM refresh_tokens t WHERE t.user_id = u.id)"
	       " AND NOT EXISTS (SELECT 1 FROM refresh_tokens t WHERE t.user_id = u.id"
	       "   AND t.user_agent = left($2, 1000))"
	       " FROM users u WHERE u.id = $1::bigint",
	.nparams = 2,
};

static struct db_statement session_find = {
	.name = "session_find",
	.sql = "SELECT t.id, t.user_id, t.family_id, t.revoked_at IS NOT NULL,"
	       " t.expires_at <= now(), u.status, u.public_id"
	       " FROM refresh_tokens t JOIN users u ON u.id = t.user_id"
	       " WHERE t.token_hash = decode($1, 'hex') FOR UPDATE OF t FOR SHARE OF u",
	.nparams = 1,
};

static struct db_statement session_replace = {
	.name = "session_replace",
	.sql = "UPDATE refresh_tokens SET revoked_at = now(), replaced_by = $2::bigint"
	       " WHERE id = $1::bigint",
	.nparams = 2,
};


static struct db_statement session_revoke_family = {
	.name = "session_revoke_family",
	.sql = "UPDATE refresh_tokens SET revoked_at = now()"
	       " WHERE family_id = $1::uuid AND user_id = $2::bigint AND revoked_at IS NULL",
	.nparams = 2,
};

/* Revocations first lock the user row (users_lock) that every refresh holds
 * a share lock on (session_find), so a refresh in flight either commits
 * before (and its new token is revoked too) or starts after (and finds its
 * token revoked). */
static struct db_statement session_revoke_user = {
	.name = "session_revoke_user",
	.sql = "UPDATE refresh_tokens SET revoked_at = now()"
	       " WHERE user_id = $1::bigint AND revoked_at IS NULL",
	.nparams = 1,
};

/* The same, counting the sessions that were live (as session_list shows
 * them): a family whose unrevoked token had not expired. */
static struct db_statement session_revoke_user_counted = {
	.name = "session_revoke_user_counted",
	.sql = "WITH r AS (UPDATE refresh_tokens SET revoked_at = now()"
	       "   WHERE user_id = $1::bigint AND revoked_at IS NULL"
	       "   RETURNING family_id, expires_at > now() AS live)"
	       " SELECT count(DISTINCT family_id) FILTER (WHERE live) FROM r",
	.nparams = 1,
};



static struct db_statement session_revoke_others_st = {
	.name = "session_revoke_others",
	.sql = "UPDATE refresh_tokens SET revoked_at = now() WHERE user_id = $1::bigint"
	       " AND family_id <> $2::uuid AND revoked_at IS NULL",
	.nparams = 2,
};

/* One row per live family, most recently used first: keyset on the newest
 * token's id (tokens are issued in time order). */
static struct db_statement session_list_st = {
	.name = "session_list",
	.sql = "SELECT coalesce(json_agg(s.item ORDER BY s.k DESC) FILTER (WHERE s.n <= $4::int),"
	       "   '[]')::text,"
	       " count(*) > $4::int, min(s.k) FILTER (WHERE s.n <= $4::int) FROM ("
	       " SELECT max(id) AS k, row_number() OVER (ORDER BY max(id) DESC) AS n,"
	       "  json_build_object('id', family_id,"
	       "  'started_at', " DB_TS("min(issued_at)") ","
	       "  'last_used_at', " DB_TS("max(issued_at)") ","
	       "  'expires_at', " DB_TS("max(expires_at)") ","
	       "  'user_agent', (array_agg(user_agent ORDER BY issued_at DESC))[1],"
	       "  'ip', (array_agg(host(ip) ORDER BY issued_at DESC))[1],"
	       "  'current', family_id = $2::uuid) AS item"
	       " FROM refresh_tokens WHERE user_id = $1::bigint GROUP BY family_id"
	       " HAVING bool_or(revoked_at IS NULL AND expires_at > now())"
	       "   AND ($3::bigint IS NULL OR max(id) < $3::bigint)"
	       " ORDER BY max(id) DESC LIMIT $4::int + 1) s",
	.nparams = 4,
	.flags = DB_READONLY,
};
/* clang-format on */

static const char *const *split_permissions(struct arena *a, const char *csv)
{
	size_t n = *csv ? 1 : 0;
	const char **out;
	char *copy = arena_strdup(a, csv), *save = NULL, *tok;

	for (const char *c = csv; *c; c++)
		n += *c == ',';
	out = arena_alloc(a, (n + 1) * sizeof(*out));
	n = 0;
	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
		out[n++] = tok;
	out[n] = NULL;
	return out;
}

bool auth_has_permission(const struct principal *p, const char *permission)
{
	if (p == NULL || permission == NULL)
		return false;
	for (const char **q = p->permissions; q != NULL && *q != NULL; q++)
		if (strcmp(*q, permission) == 0)
			return true;
	return false;
}

static const char *cookie_attrs(const struct http_request *req, const char *path, long max_age,
				bool http_only)
{
	return arena_printf(req->arena, "; Path=%s; Max-Age=%ld; SameSite=Lax%s%s", path, max_age,
			    http_only ? "; HttpOnly" : "", req->https ? "; Secure" : "");
}

static void cookie_set(const struct http_request *req, struct http_response *res, const char *name,
		       const char *value, const char *path, long max_age, bool http_only)
{
	http_response_header(res, "Set-Cookie",
			     arena_printf(req->arena, "%s=%s%s", name, value,
					  cookie_attrs(req, path, max_age, http_only)));
}

void session_clear_cookies(const struct worker *w, const struct http_request *req,
			   struct http_response *res)
{
	(void)w;
	cookie_set(req, res, COOKIE_ACCESS, "", "/api", 0, true);
	cookie_set(req, res, COOKIE_REFRESH, "", REFRESH_PATH, 0, true);
	cookie_set(req, res, COOKIE_CSRF, "", "/", 0, false);
}

/* Sets cookies and fills the response body of a new or rotated session. */
static int session_answer(struct worker *w, struct http_request *req, struct http_response *res,
			  const char *user_id, const char *public_id, const char *family,
			  const char *refresh, bool token_mode, cJSON **body)
{
	const struct souk_config *cfg = w->config;
	char *access = NULL, *csrf;
	cJSON *out = json_new_object(req->arena), *user = NULL;
	int rc = token_access_issue(cfg, req->arena, public_id, family, (long)time(NULL), &access);

	if (rc != SOUK_OK) {
		log_msg(LOG_ERROR,
			"cannot issue access tokens: is SOUK_JWT_SECRET set (>= 32 bytes)?");
		return rc;
	}
	rc = users_json(&w->db, req->arena, user_id, &user);
	if (rc != SOUK_OK)
		return rc;
	csrf = token_mac(cfg, req->arena, "csrf", family);
	cJSON_AddItemReferenceToObject(out, "user", user);
	cJSON_AddStringToObject(out, "csrf_token", csrf);
	cJSON_AddNumberToObject(out, "expires_in", (double)cfg->access_ttl);
	if (token_mode) {
		cJSON_AddStringToObject(out, "token_type", "Bearer");
		cJSON_AddStringToObject(out, "access_token", access);
		cJSON_AddStringToObject(out, "refresh_token", refresh);
	} else {
		cookie_set(req, res, COOKIE_ACCESS, access, "/api", cfg->access_ttl, true);
		cookie_set(req, res, COOKIE_REFRESH, refresh, REFRESH_PATH, cfg->refresh_ttl, true);
		cookie_set(req, res, COOKIE_CSRF, csrf, "/", cfg->refresh_ttl, false);
	}
	*body = out;
	return SOUK_OK;
}

/* The User-Agent to keep with a session: "" when absent or not UTF-8 (a
 * header is bytes; the column is text). */
static const char *session_device(const struct http_request *req)
{
	const char *ua = http_header(req, "user-agent");

	return ua != NULL && str_is_utf8(ua, strlen(ua)) ? ua : "";
}

/* At a sign-in, before its session is stored: queues new_signin when the
 * device is new to an account that has signed in before. */
static int session_notice_device(struct worker *w, struct http_request *req, const char *user_id)
{
	const char *params[] = {user_id, session_device(req)};
	PGresult *r = NULL;
	int rc = db_exec(&w->db, req->arena, &device_seen, params, &r);

	if (rc != SOUK_OK || PQntuples(r) != 1 || PQgetvalue(r, 0, 2)[0] != 't')
		return rc;
	return mail_queue_new_signin(
	    &w->db, req->arena, PQgetvalue(r, 0, 0), PQgetvalue(r, 0, 1), params[1],
	    req->remote_addr,
	    arena_printf(req->arena, "%s/account/sessions", w->config->public_url));
}

/* Inserts a refresh token for user_id (family NULL = a new family). */
static int session_insert_token(struct worker *w, struct http_request *req, const char *user_id,
				const char *family, char **token, const char **token_id,
				const char **family_out)
{
	unsigned char hash[32];
	char hex[65], ttl[24];
	PGresult *r = NULL;
	const char *ua = session_device(req);
	int rc = token_opaque_new(req->arena, token, hash);

	if (rc != SOUK_OK)
		return rc;
	crypto_hex(hash, sizeof(hash), hex);
	snprintf(ttl, sizeof(ttl), "%ld", w->config->refresh_ttl);
	const char *params[] = {user_id, hex, family, ttl, ua, req->remote_addr};

	rc = db_exec(&w->db, req->arena, &session_insert, params, &r);
	if (rc != SOUK_OK)
		return rc;
	*token_id = arena_strdup(req->arena, PQgetvalue(r, 0, 0));
	*family_out = arena_strdup(req->arena, PQgetvalue(r, 0, 1));
	return SOUK_OK;
}

int session_login(struct worker *w, struct http_request *req, struct http_response *res,
		  const char *user_id, const char *method, bool token_mode, cJSON **body)
{
	const char *token_id, *family, *public_id = NULL;
	char *refresh = NULL;
	cJSON *data = json_new_object(req->arena);
	int rc = db_begin(&w->db, req->arena);

	if (rc == SOUK_OK)
		rc = users_record_login(&w->db, req->arena, user_id, &public_id);
	if (rc == SOUK_OK)
		rc = session_notice_device(w, req, user_id);
	if (rc == SOUK_OK)
		rc = session_insert_token(w, req, user_id, NULL, &refresh, &token_id, &family);
	if (rc == SOUK_OK) {
		cJSON_AddStringToObject(data, "method", method);
		cJSON_AddStringToObject(data, "session", family);
		rc = audit_record(&w->db, req->arena, user_id, "auth.login", "user", public_id,
				  data, req->remote_addr);
	}
	rc = db_end(&w->db, req->arena, rc);
	if (rc != SOUK_OK)
		return rc;
	cart_merge(w, req, res, user_id);
	return session_answer(w, req, res, user_id, public_id, family, refresh, token_mode, body);
}

/*
 * Rotates a refresh token. A token that was already rotated or revoked is a
 * theft signal: its whole family is revoked (committed) and the caller gets
 * 401. In cookie mode the CSRF header must match the family.
 */
int session_refresh(struct worker *w, struct http_request *req, struct http_response *res,
		    const char *presented, bool via_cookie, bool token_mode, cJSON **body)
{
	unsigned char hash[32];
	char hex[65];
	const char *params[1] = {hex};
	const char *old_id, *user_id, *family, *public_id, *new_id, *new_family;
	char *refresh = NULL;
	PGresult *r = NULL;
	int rc;

	if (presented == NULL || strlen(presented) != TOKEN_OPAQUE_LEN)
		return SOUK_EUNAUTH;
	token_opaque_hash(presented, hash);
	crypto_hex(hash, sizeof(hash), hex);
	rc = db_begin(&w->db, req->arena);
	if (rc == SOUK_OK)
		rc = db_exec(&w->db, req->arena, &session_find, params, &r);
	if (rc != SOUK_OK || PQntuples(r) != 1) {
		db_rollback(&w->db, req->arena);
		return rc != SOUK_OK ? rc : SOUK_EUNAUTH;
	}
	old_id = arena_strdup(req->arena, PQgetvalue(r, 0, 0));
	user_id = arena_strdup(req->arena, PQgetvalue(r, 0, 1));
	family = arena_strdup(req->arena, PQgetvalue(r, 0, 2));
	public_id = arena_strdup(req->arena, PQgetvalue(r, 0, 6));
	if (via_cookie && !token_equal(http_header(req, "x-csrf-token"),
				       token_mac(w->config, req->arena, "csrf", family))) {
		db_rollback(&w->db, req->arena);
		req->error_message = "Missing or wrong X-CSRF-Token header.";
		return SOUK_EFORBIDDEN;
	}
	if (PQgetvalue(r, 0, 3)[0] == 't') {
		const char *fam[] = {family, user_id};
		cJSON *data = json_new_object(req->arena);

		cJSON_AddStringToObject(data, "session", family);
		rc = db_exec(&w->db, req->arena, &session_revoke_family, fam, NULL);
		if (rc == SOUK_OK)
			rc = audit_record(&w->db, req->arena, user_id, "auth.refresh_reuse", "user",
					  public_id, data, req->remote_addr);
		rc = db_end(&w->db, req->arena, rc);
		log_msg(LOG_WARN, "refresh token reused: session %s revoked", family);
		req->error_message = "This session was revoked; sign in again.";
		return rc == SOUK_OK ? SOUK_EUNAUTH : rc;
	}
	if (PQgetvalue(r, 0, 4)[0] == 't' || strcmp(PQgetvalue(r, 0, 5), "active") != 0) {
		db_rollback(&w->db, req->arena);
		return SOUK_EUNAUTH;
	}
	rc = session_insert_token(w, req, user_id, family, &refresh, &new_id, &new_family);
	if (rc == SOUK_OK) {
		const char *rep[] = {old_id, new_id};

		rc = db_exec(&w->db, req->arena, &session_replace, rep, NULL);
	}
	rc = db_end(&w->db, req->arena, rc);
	if (rc != SOUK_OK)
		return rc;
	return session_answer(w, req, res, user_id, public_id, new_family, refresh, token_mode,
			      body);
}

/* Revokes the family of the presented refresh token (logout without a valid
 * access token). Unknown tokens are not an error: the session is gone. */
int session_revoke_token(struct worker *w, struct http_request *req, const char *presented,
			 bool via_cookie)
{
	unsigned char hash[32];
	char hex[65];
	const char *params[1] = {hex};
	PGresult *r = NULL;
	int rc;

	if (presented == NULL || strlen(presented) != TOKEN_OPAQUE_LEN)
		return SOUK_OK;
	token_opaque_hash(presented, hash);
	crypto_hex(hash, sizeof(hash), hex);
	rc = db_begin(&w->db, req->arena);
	if (rc == SOUK_OK)
		rc = db_exec(&w->db, req->arena, &session_find, params, &r);
	if (rc == SOUK_OK && PQntuples(r) == 1) {
		const char *fam[] = {PQgetvalue(r, 0, 2), PQgetvalue(r, 0, 1)};

		if (via_cookie && !token_equal(http_header(req, "x-csrf-token"),
					       token_mac(w->config, req->arena, "csrf", fam[0]))) {
			db_rollback(&w->db, req->arena);
			req->error_message = "Missing or wrong X-CSRF-Token header.";
			return SOUK_EFORBIDDEN;
		}
		rc = db_exec(&w->db, req->arena, &session_revoke_family, fam, NULL);
	}
	return db_end(&w->db, req->arena, rc);
}

/* Runs one revocation after taking the user lock, in the caller's
 * transaction or in one of its own. */
static int session_revoke_locked(struct worker *w, struct arena *a, const char *user_id,
				 struct db_statement *st, const char *const *params, PGresult **out)
{
	int own = !w->db.in_transaction;
	int rc = own ? db_begin(&w->db, a) : SOUK_OK;
	PGresult *r = NULL;

	if (rc == SOUK_OK)
		rc = users_lock(&w->db, a, user_id);
	if (rc == SOUK_OK)
		rc = db_exec(&w->db, a, st, params, &r);
	if (rc == SOUK_OK && st == &session_revoke_family && strcmp(PQcmdTuples(r), "0") == 0)
		rc = SOUK_ENOTFOUND;
	if (rc == SOUK_OK && out != NULL)
		*out = r;
	return own ? db_end(&w->db, a, rc) : rc;
}

int session_revoke(struct worker *w, struct arena *a, const char *user_id, const char *family)
{
	const char *params[] = {family, user_id};

	return session_revoke_locked(w, a, user_id, &session_revoke_family, params, NULL);
}

int session_revoke_all(struct worker *w, struct arena *a, const char *user_id)
{
	const char *params[] = {user_id};

	return session_revoke_locked(w, a, user_id, &session_revoke_user, params, NULL);
}

int session_revoke_all_counted(struct worker *w, struct arena *a, const char *user_id,
			       long *revoked)
{
	const char *params[] = {user_id};
	PGresult *r = NULL;
	int rc = session_revoke_locked(w, a, user_id, &session_revoke_user_counted, params, &r);

	if (rc == SOUK_OK)
		*revoked = strtol(PQgetvalue(r, 0, 0), NULL, 10);
	return rc;
}

int session_revoke_others(struct worker *w, struct arena *a, const char *user_id, const char *keep)
{
	const char *params[] = {user_id, keep};

	return session_revoke_locked(w, a, user_id, &session_revoke_others_st, params, NULL);
}

int session_list(struct worker *w, struct arena *a, const char *user_id, const char *current,
		 const int64_t *after_key, int limit, char **items, bool *more, int64_t *last_key)
{
	char limit_text[16], *after = NULL;
	PGresult *r = NULL;
	int rc;

	snprintf(limit_text, sizeof(limit_text), "%d", limit);
	if (after_key != NULL)
		after = arena_printf(a, "%" PRId64, *after_key);
	const char *params[] = {user_id, current, after, limit_text};

	rc = db_exec(&w->db, a, &session_list_st, params, &r);
	if (rc != SOUK_OK)
		return rc;
	*items = PQgetvalue(r, 0, 0);
	*more = PQgetvalue(r, 0, 1)[0] == 't';
	*last_key = PQgetisnull(r, 0, 2) ? 0 : strtoll(PQgetvalue(r, 0, 2), NULL, 10);
	return SOUK_OK;
}

const char *session_refresh_cookie(const struct http_request *req)
{
	return http_cookie(req, COOKIE_REFRESH);
}

bool session_cookie_present(const struct http_request *req)
{
	const char *c = http_cookie(req, COOKIE_CSRF);

	return c != NULL && *c != '\0';
}

int auth_authenticate(struct worker *w, struct http_request *req)
{
	const char *bearer = http_header(req, "authorization"), *token = NULL;
	struct access_claims claims;
	struct user_principal u;
	struct principal *p;
	bool via_cookie = false;
	int rc;

	if (bearer != NULL) {
		if (strncasecmp(bearer, "Bearer ", 7) != 0)
			return SOUK_EUNAUTH;
		token = bearer + 7;
	} else if ((token = http_cookie(req, COOKIE_ACCESS)) != NULL && *token != '\0') {
		via_cookie = true;
	} else {
		return SOUK_OK; /* anonymous */
	}
	if (token_access_verify(w->config, req->arena, token, (long)time(NULL), &claims) != SOUK_OK)
		return SOUK_EUNAUTH;
	rc = users_load_principal(&w->db, req->arena, claims.sub, claims.sid, &u);
	if (rc == SOUK_ENOTFOUND)
		return SOUK_EUNAUTH; /* disabled, deleted, or the session was revoked */
	if (rc != SOUK_OK)
		return rc;
	p = arena_alloc(req->arena, sizeof(*p));
	p->user_id = u.id;
	p->public_id = u.public_id;
	p->email = u.email;
	p->name = u.name;
	p->role = u.role;
	p->permissions = (const char **)split_permissions(req->arena, u.permissions);
	p->session_id = claims.sid;
	p->via_cookie = via_cookie;
	req->principal = p;
	return SOUK_OK;
}

int auth_check_csrf(struct worker *w, const struct http_request *req)
{
	const char *m = req->method;

	if (req->principal == NULL || !req->principal->via_cookie || strcmp(m, "GET") == 0 ||
	    strcmp(m, "HEAD") == 0 || strcmp(m, "OPTIONS") == 0)
		return SOUK_OK;
	if (token_equal(http_header(req, "x-csrf-token"),
			token_mac(w->config, req->arena, "csrf", req->principal->session_id)))
		return SOUK_OK;
	return SOUK_EFORBIDDEN;
}

static struct db_statement refresh_cleanup = {
    .name = "session_cleanup",
    .sql = "DELETE FROM refresh_tokens WHERE id IN (SELECT id FROM refresh_tokens"
	   " WHERE expires_at < now() - interval '1 day' ORDER BY expires_at LIMIT $1::int)",
    .nparams = 1,
};

int session_cleanup(struct worker *w, struct arena *a, long limit, long *deleted)
{
	const char *params[] = {arena_printf(a, "%ld", limit)};

	return db_exec_count(&w->db, a, &refresh_cleanup, params, deleted);
}
