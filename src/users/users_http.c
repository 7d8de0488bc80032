/*
 * users_http.c - the signed-in user's own data (/me ...) and user
 * administration (/admin/users ...). SQL is in this file's statements
 * because every query is on users and the rows that hang off a user; the
 * aggregate reads (dashboard, export) are built as one JSON document by
 * PostgreSQL in one round trip.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "souk/arena.h"
#include "souk/crypto.h"
#include "souk/audit.h"
#include "souk/auth.h"
#include "souk/db.h"
#include "souk/err.h"
#include "souk/http.h"
#include "souk/json.h"
#include "souk/mail.h"
#include "souk/password.h"
#include "souk/str.h"
#include "souk/token.h"
#include "souk/users.h"
#include "souk/worker.h"

#define TS(col) DB_TS(col)

static struct db_statement me_update = {
	.name = "users_me_update",
	.sql = "UPDATE users SET name = coalesce($2, name),"
	       " avatar_url = CASE WHEN $3::text IS NULL THEN avatar_url ELSE NULLIF($3, '') END,"
	       " pending_email = CASE WHEN $4::text IS NULL THEN pending_email ELSE $4 END"
	       " WHERE id = $1::bigint RETURNING public_id, email, name",
	.nparams = 4,
};

static struct db_statement me_current_email = {
	.name = "users_me_email",
	.sql = "SELECT email, password_hash FROM users WHERE id = $1::bigint",
	.nparams = 1,
	.flags = DB_READONLY,
};

/* An address change or a new password voids every outstanding link. */
static struct db_statement tokens_void = {
	.name = "users_tokens_void",
	.sql = "UPDATE user_tokens SET used_at = now() WHERE user_id = $1::bigint"
	       " AND used_at IS NULL",
	.nparams = 1,
};

static struct db_statement email_taken = {
	.name = "users_email_taken",
	.sql = "SELECT 1 FROM users WHERE email = $1 AND id <> $2::bigint",
	.nparams = 2,
	.flags = DB_READONLY,
};

static struct db_statement verification_insert = {
	.name = "users_verification_insert",
	.sql = "INSERT INTO user_tokens (user_id, purpose, token_hash, expires_at)"
	       " VALUES ($1::bigint, 'email_verification', decode($2, 'hex'),"
	       " now() + interval '48 hours')",
	.nparams = 2,
};

static struct db_statement sessions_revoke_others = {
	.name = "users_sessions_revoke_others",
	.sql = "UPDATE refresh_tokens SET revoked_at = now() WHERE user_id = $1::bigint"
	       " AND family_id <> $2::uuid AND revoked_at IS NULL",
	.nparams = 2,
};

static struct db_statement sessions_list = {
	.name = "users_sessions_list",
	.sql = "SELECT coalesce(json_agg(s ORDER BY s.last_used_at DESC), '[]')::text FROM ("
	       " SELECT family_id AS id, " TS("min(issued_at)") " AS started_at,"
	       "  " TS("max(issued_at)") " AS last_used_at,"
	       "  " TS("max(expires_at)") " AS expires_at,"
	       "  (array_agg(user_agent ORDER BY issued_at DESC))[1] AS user_agent,"
	       "  (array_agg(host(ip) ORDER BY issued_at DESC))[1] AS ip,"
	       "  family_id = $2::uuid AS current"
	       " FROM refresh_tokens WHERE user_id = $1::bigint GROUP BY family_id"
	       " HAVING bool_or(revoked_at IS NULL AND expires_at > now())) s",
	.nparams = 2,
	.flags = DB_READONLY,
};


/* Everything the old dashboard assembled, in one query. */
static struct db_statement dashboard = {
	.name = "users_dashboard",
	.sql = "SELECT json_build_object("
	       " 'orders', (SELECT json_build_object('count', count(*),"
	       "   'paid', count(*) FILTER (WHERE status = 'paid'),"
	       "   'total_spent_paise', coalesce(sum(total_paise) FILTER (WHERE status = 'paid'), 0),"
	       "   'currency', 'INR') FROM orders WHERE user_id = $1::bigint),"
	       " 'purchases', (SELECT coalesce(json_agg(x ORDER BY x.acquired_at DESC), '[]') FROM ("
	       "   SELECT p.slug, p.title, e.source, " TS("e.created_at") " AS acquired_at,"
	       "   e.download_limit, " TS("e.expires_at") " AS expires_at,"
	       "   (SELECT count(*) FROM download_log d WHERE d.entitlement_id = e.id) AS downloads"
	       "   FROM entitlements e JOIN products p ON p.id = e.product_id"
	       "   WHERE e.user_id = $1::bigint AND e.revoked_at IS NULL"
	       "   ORDER BY e.created_at DESC LIMIT 100) x),"
	       " 'recent_orders', (SELECT coalesce(json_agg(o ORDER BY o.created_at DESC), '[]') FROM ("
	       "   SELECT public_id AS id, status, total_paise, currency, " TS("created_at") " AS created_at,"
	       "   (SELECT count(*) FROM order_items i WHERE i.order_id = orders.id) AS items"
	       "   FROM orders WHERE user_id = $1::bigint ORDER BY created_at DESC LIMIT 5) o),"
	       " 'open_enquiries', (SELECT coalesce(json_agg(q ORDER BY q.created_at DESC), '[]') FROM ("
	       "   SELECT public_id AS id, subject, status, " TS("created_at") " AS created_at"
	       "   FROM enquiries WHERE user_id = $1::bigint AND status <> 'closed'"
	       "   ORDER BY created_at DESC LIMIT 20) q),"
	       " 'feedback', (SELECT coalesce(json_agg(f ORDER BY f.created_at DESC), '[]') FROM ("
	       "   SELECT f.public_id AS id, p.slug AS product, f.rating, f.comment, f.status,"
	       "   " TS("f.created_at") " AS created_at FROM feedback f"
	       "   LEFT JOIN products p ON p.id = f.product_id WHERE f.user_id = $1::bigint"
	       "   ORDER BY f.created_at DESC LIMIT 20) f)"
	       ")::text",
	.nparams = 1,
	.flags = DB_READONLY,
};

/* All of the user's data, for GET /me/export. */
static struct db_statement export_all = {
	.name = "users_export",
	.sql = "SELECT json_build_object("
	       " 'exported_at', " TS("now()") ","
	       " 'profile', (SELECT json_build_object('id', u.public_id, 'email', u.email,"
	       "   'name', u.name, 'avatar_url', u.avatar_url, 'role', r.name, 'status', u.status,"
	       "   'email_verified_at', " TS("u.email_verified_at") ","
	       "   'created_at', " TS("u.created_at") ", 'last_login_at', " TS("u.last_login_at") ")"
	       "   FROM users u JOIN roles r ON r.id = u.role_id WHERE u.id = $1::bigint),"
	       " 'sign_in_providers', (SELECT coalesce(json_agg(json_build_object('provider', provider,"
	       "   'email', email, 'linked_at', " TS("created_at") ")), '[]')"
	       "   FROM oauth_identities WHERE user_id = $1::bigint),"
	       " 'orders', (SELECT coalesce(json_agg(json_build_object('id', o.public_id,"
	       "   'status', o.status, 'subtotal_paise', o.subtotal_paise, 'tax_paise', o.tax_paise,"
	       "   'discount_paise', o.discount_paise, 'total_paise', o.total_paise,"
	       "   'currency', o.currency, 'created_at', " TS("o.created_at") ","
	       "   'paid_at', " TS("o.paid_at") ", 'items', (SELECT coalesce(json_agg(json_build_object("
	       "     'title', i.title, 'unit_price_paise', i.unit_price_paise, 'quantity', i.quantity,"
	       "     'tax_paise', i.tax_paise)), '[]') FROM order_items i WHERE i.order_id = o.id))"
	       "   ORDER BY o.created_at), '[]') FROM orders o WHERE o.user_id = $1::bigint),"
	       " 'entitlements', (SELECT coalesce(json_agg(json_build_object('product', p.slug,"
	       "   'source', e.source, 'created_at', " TS("e.created_at") ","
	       "   'revoked_at', " TS("e.revoked_at") ") ORDER BY e.created_at), '[]')"
	       "   FROM entitlements e JOIN products p ON p.id = e.product_id WHERE e.user_id = $1::bigint),"
	       " 'downloads', (SELECT coalesce(json_agg(json_build_object('file', f.filename,"
	       "   'at', " TS("d.at") ", 'ip', host(d.ip)) ORDER BY d.at), '[]')"
	       "   FROM download_log d JOIN product_files f ON f.id = d.product_file_id"
	       "   WHERE d.user_id = $1::bigint),"
	       " 'enquiries', (SELECT coalesce(json_agg(json_build_object('subject', subject,"
	       "   'message', message, 'status', status, 'created_at', " TS("created_at") ")"
	       "   ORDER BY created_at), '[]') FROM enquiries WHERE user_id = $1::bigint),"
	       " 'feedback', (SELECT coalesce(json_agg(json_build_object('rating', rating,"
	       "   'comment', comment, 'status', status, 'created_at', " TS("created_at") ")"
	       "   ORDER BY created_at), '[]') FROM feedback WHERE user_id = $1::bigint),"
	       " 'sessions', (SELECT coalesce(json_agg(json_build_object('started_at', " TS("issued_at") ","
	       "   'user_agent', user_agent, 'ip', host(ip), 'revoked_at', " TS("revoked_at") ")"
	       "   ORDER BY issued_at), '[]') FROM refresh_tokens WHERE user_id = $1::bigint),"
	       " 'activity', (SELECT coalesce(json_agg(json_build_object('action', action,"
	       "   'at', " TS("at") ", 'ip', host(ip)) ORDER BY at), '[]')"
	       "   FROM audit_log WHERE actor_id = $1::bigint)"
	       ")::text",
	.nparams = 1,
	.flags = DB_READONLY,
};

static struct db_statement anonymise = {
	.name = "users_anonymise",
	.sql = "UPDATE users SET email = 'deleted-' || public_id || '@deleted.invalid', name = '',"
	       " avatar_url = NULL, password_hash = NULL, email_verified_at = NULL,"
	       " status = 'deleted', failed_login_count = 0, locked_until = NULL"
	       " WHERE id = $1::bigint",
	.nparams = 1,
};

static struct db_statement anonymise_links = {
	.name = "users_anonymise_links",
	.sql = "WITH o AS (DELETE FROM oauth_identities WHERE user_id = $1::bigint)"
	       " DELETE FROM user_tokens WHERE user_id = $1::bigint",
	.nparams = 1,
};

static struct db_statement admin_list = {
	.name = "users_admin_list",
	.sql = "SELECT coalesce(json_agg(x ORDER BY x.cursor DESC), '[]')::text,"
	       " (count(*) = $5::int)::text, min(x.cursor)::text FROM ("
	       " SELECT u.id AS cursor, u.public_id AS id, u.email, u.name, r.name AS role, u.status,"
	       " u.email_verified_at IS NOT NULL AS email_verified,"
	       " " TS("u.created_at") " AS created_at, " TS("u.last_login_at") " AS last_login_at"
	       " FROM users u JOIN roles r ON r.id = u.role_id"
	       " WHERE ($1::text IS NULL OR u.email ILIKE '%' || $1 || '%' ESCAPE '\\'"
	       "   OR u.name ILIKE '%' || $1 || '%' ESCAPE '\\')"
	       " AND ($2::text IS NULL OR r.name = $2) AND ($3::text IS NULL OR u.status = $3)"
	       " AND ($4::bigint IS NULL OR u.id < $4::bigint)"
	       " ORDER BY u.id DESC LIMIT $5::int) x",
	.nparams = 5,
	.flags = DB_READONLY,
};

static struct db_statement admin_find = {
	.name = "users_admin_find",
	.sql = "SELECT id FROM users WHERE public_id = $1::uuid AND status <> 'deleted'",
	.nparams = 1,
	.flags = DB_READONLY,
};

static struct db_statement admin_set_role = {
	.name = "users_admin_set_role",
	.sql = "UPDATE users SET role_id = r.id FROM roles r WHERE users.id = $1::bigint"
	       " AND r.name = $2 RETURNING users.id",
	.nparams = 2,
};

static struct db_statement admin_set_status = {
	.name = "users_admin_set_status",
	.sql = "UPDATE users SET status = $2 WHERE id = $1::bigint",
	.nparams = 2,
};

static int finish(struct worker *w, struct http_request *req, int rc)
{
	return db_end(&w->db, req->arena, rc);
}

/* Answers with JSON text PostgreSQL built (kept alive by the arena). */
static void answer_text(struct http_response *res, int status, const char *text)
{
	res->status = status;
	res->body = text;
	res->body_len = strlen(text);
}

static int answer_me(struct worker *w, struct http_request *req, struct http_response *res)
{
	cJSON *user = NULL;
	int rc = auth_user_json(w, req->arena, req->principal->user_id, &user);

	if (rc != SOUK_OK)
		return rc;
	http_response_json(res, req->arena, 200, user);
	return SOUK_OK;
}

/* GET /api/v1/me (signed in): 200 the profile. */
int users_me(struct worker *w, struct http_request *req, struct http_response *res)
{
	return answer_me(w, req, res);
}

struct profile_input {
	const char *name, *avatar_url, *email;
};

static const struct validate_field profile_fields[] = {
	{"name", VALIDATE_STRING, false, 1, 100, offsetof(struct profile_input, name)},
	{"avatar_url", VALIDATE_STRING, false, 0, 2000, offsetof(struct profile_input, avatar_url)},
	{"email", VALIDATE_EMAIL, false, 0, 0, offsetof(struct profile_input, email)},
};

/* PATCH /api/v1/me {name?, avatar_url?, email?, current_password?}: 200 the
 * profile. A new e-mail waits in pending_email until the link sent to it is
 * followed (only then does sign-in use it); changing it needs the current
 * password (accounts that have one) and the old address is told. 409 e-mail
 * taken, 422. */
int users_me_update(struct worker *w, struct http_request *req, struct http_response *res)
{
	struct profile_input in = {0};
	const char *uid = req->principal->user_id;
	cJSON *errors = NULL;
	PGresult *r = NULL;
	bool email_changed;
	int rc = validate_json(req->arena, req->json, profile_fields, 3, &in, NULL, &errors);

	if (rc != SOUK_OK) {
		req->error_fields = errors;
		return rc;
	}
	if (in.avatar_url != NULL && *in.avatar_url != '\0' &&
	    strncmp(in.avatar_url, "https://", 8) != 0)
		return http_field_error(req, "avatar_url", "must be an https:// URL");
	email_changed = in.email != NULL && strcmp(in.email, req->principal->email) != 0;
	if (email_changed) {
		const char *me_params[] = {uid};
		const char *taken_params[] = {in.email, uid};

		rc = db_exec(&w->db, req->arena, &me_current_email, me_params, &r);
		if (rc == SOUK_OK && !PQgetisnull(r, 0, 1)) {
			const char *cur = json_string_member(req->json, "current_password");

			if (cur == NULL || !password_verify(PQgetvalue(r, 0, 1), cur))
				return http_field_error(req, "current_password",
						  "is needed to change the e-mail address");
		}
		if (rc == SOUK_OK)
			rc = db_exec(&w->db, req->arena, &email_taken, taken_params, &r);
		if (rc == SOUK_OK && PQntuples(r) > 0) {
			req->error_message = "Another account uses this e-mail address.";
			return SOUK_ECONFLICT;
		}
		if (rc != SOUK_OK)
			return rc;
	}
	const char *params[] = {uid, in.name, in.avatar_url, email_changed ? in.email : NULL};

	rc = db_begin(&w->db, req->arena);
	if (rc == SOUK_OK)
		rc = db_exec(&w->db, req->arena, &me_update, params, &r);
	if (rc == SOUK_OK && email_changed) {
		unsigned char hash[32];
		char hex[65], *token = NULL;
		cJSON *data = json_new_object(req->arena), *notice = json_new_object(req->arena);
		const char *void_params[] = {uid};

		rc = db_exec(&w->db, req->arena, &tokens_void, void_params, NULL);
		if (rc == SOUK_OK)
			rc = token_opaque_new(req->arena, &token, hash);
		if (rc == SOUK_OK) {
			crypto_hex(hash, sizeof(hash), hex);
			const char *ins[] = {uid, hex};

			rc = db_exec(&w->db, req->arena, &verification_insert, ins, NULL);
		}
		if (rc == SOUK_OK) {
			cJSON_AddStringToObject(data, "name", PQgetvalue(r, 0, 2));
			cJSON_AddStringToObject(data, "link",
						arena_printf(req->arena, "%s/verify-email?token=%s",
							     w->config->public_url, token));
			cJSON_AddNumberToObject(data, "hours", 48);
			rc = mail_queue(&w->db, req->arena, "verify_email", in.email, data);
		}
		if (rc == SOUK_OK) { /* the old address hears of it, in case it was not them */
			cJSON_AddStringToObject(notice, "name", PQgetvalue(r, 0, 2));
			cJSON_AddStringToObject(notice, "new_email", in.email);
			rc = mail_queue(&w->db, req->arena, "email_change_notice", PQgetvalue(r, 0, 1),
					notice);
		}
	}
	if (rc == SOUK_OK) {
		cJSON *data = json_new_object(req->arena);

		if (in.name)
			cJSON_AddStringToObject(data, "name", in.name);
		if (email_changed)
			cJSON_AddStringToObject(data, "email", in.email);
		if (in.avatar_url)
			cJSON_AddStringToObject(data, "avatar_url", in.avatar_url);
		rc = audit_record(&w->db, req->arena, uid, "user.profile_update", "user",
				  req->principal->public_id, data, req->remote_addr);
	}
	rc = finish(w, req, rc);
	if (rc != SOUK_OK)
		return rc;
	return answer_me(w, req, res);
}

struct password_input {
	const char *current_password, *new_password;
};

static const struct validate_field password_fields[] = {
	{"current_password", VALIDATE_STRING, false, 1, 1024,
	 offsetof(struct password_input, current_password)},
	{"new_password", VALIDATE_STRING, true, 1, 0, offsetof(struct password_input, new_password)},
};

/* POST /api/v1/me/password {current_password, new_password}: 200; other
 * sessions are signed out. 422 wrong current password or weak new one. An
 * OAuth-only account sets its first password without a current one. */
int users_me_password(struct worker *w, struct http_request *req, struct http_response *res)
{
	struct password_input in = {0};
	const char *uid = req->principal->user_id, *why;
	const char *params[] = {uid};
	char hash[PASSWORD_HASH_MAX];
	cJSON *errors = NULL, *body;
	PGresult *r = NULL;
	int rc = validate_json(req->arena, req->json, password_fields, 2, &in, NULL, &errors);

	if (rc != SOUK_OK) {
		req->error_fields = errors;
		return rc;
	}
	in.new_password = json_string_member(req->json, "new_password"); /* not trimmed */
	rc = db_exec(&w->db, req->arena, &me_current_email, params, &r);
	if (rc != SOUK_OK)
		return rc;
	if (!PQgetisnull(r, 0, 1)) {
		const char *cur = json_string_member(req->json, "current_password");

		if (cur == NULL || !password_verify(PQgetvalue(r, 0, 1), cur))
			return http_field_error(req, "current_password", "is incorrect");
	}
	if ((why = auth_password_policy(in.new_password, PQgetvalue(r, 0, 0))) != NULL)
		return http_field_error(req, "new_password", why);
	if (password_hash(in.new_password, hash) != SOUK_OK)
		return SOUK_EINTERNAL;
	rc = db_begin(&w->db, req->arena);
	if (rc == SOUK_OK)
		rc = users_set_password(&w->db, req->arena, uid, hash);
	if (rc == SOUK_OK)
		rc = db_exec(&w->db, req->arena, &tokens_void, params, NULL);
	if (rc == SOUK_OK) {
		const char *others[] = {uid, req->principal->session_id};

		rc = db_exec(&w->db, req->arena, &sessions_revoke_others, others, NULL);
	}
	if (rc == SOUK_OK)
		rc = audit_record(&w->db, req->arena, uid, "user.password_change", "user",
				  req->principal->public_id, NULL, req->remote_addr);
	rc = finish(w, req, rc);
	if (rc != SOUK_OK)
		return rc;
	body = json_new_object(req->arena);
	cJSON_AddStringToObject(body, "status", "password_changed");
	http_response_json(res, req->arena, 200, body);
	return SOUK_OK;
}

/* GET /api/v1/me/sessions (signed in): 200 {"items":[...]} live sessions. */
int users_me_sessions(struct worker *w, struct http_request *req, struct http_response *res)
{
	const char *params[] = {req->principal->user_id, req->principal->session_id};
	PGresult *r = NULL;
	int rc = db_exec(&w->db, req->arena, &sessions_list, params, &r);

	if (rc != SOUK_OK)
		return rc;
	answer_text(res, 200, arena_printf(req->arena, "{\"items\":%s}", PQgetvalue(r, 0, 0)));
	return SOUK_OK;
}

/* DELETE /api/v1/me/sessions/{id} (signed in): 200; 404 not one of the
 * caller's live sessions. */
int users_me_session_revoke(struct worker *w, struct http_request *req, struct http_response *res)
{
	const char *id = http_path_param(req, "id");
	cJSON *body, *data = json_new_object(req->arena);
	int rc;

	if (id == NULL || !validate_uuid(id))
		return SOUK_ENOTFOUND;
	cJSON_AddStringToObject(data, "session", id);
	rc = db_begin(&w->db, req->arena);
	if (rc == SOUK_OK)
		rc = session_revoke(w, req->arena, req->principal->user_id, id);
	if (rc == SOUK_OK)
		rc = audit_record(&w->db, req->arena, req->principal->user_id, "user.session_revoke",
				  "user", req->principal->public_id, data, req->remote_addr);
	rc = finish(w, req, rc);
	if (rc != SOUK_OK)
		return rc;
	if (strcmp(id, req->principal->session_id) == 0)
		session_clear_cookies(w, req, res);
	body = json_new_object(req->arena);
	cJSON_AddStringToObject(body, "status", "revoked");
	http_response_json(res, req->arena, 200, body);
	return SOUK_OK;
}

/* GET /api/v1/me/dashboard (signed in): 200 orders summary, purchases with
 * download counts, recent orders, open enquiries, feedback: one query. */
int users_me_dashboard(struct worker *w, struct http_request *req, struct http_response *res)
{
	const char *params[] = {req->principal->user_id};
	PGresult *r = NULL;
	int rc = db_exec(&w->db, req->arena, &dashboard, params, &r);

	if (rc != SOUK_OK)
		return rc;
	answer_text(res, 200, PQgetvalue(r, 0, 0));
	return SOUK_OK;
}

/* GET /api/v1/me/export (signed in): 200 all of the user's data as JSON, as
 * a download. */
int users_me_export(struct worker *w, struct http_request *req, struct http_response *res)
{
	const char *params[] = {req->principal->user_id};
	PGresult *r = NULL;
	int rc = db_exec(&w->db, req->arena, &export_all, params, &r);

	if (rc != SOUK_OK)
		return rc;
	answer_text(res, 200, PQgetvalue(r, 0, 0));
	http_response_header(res, "Content-Disposition", "attachment; filename=\"souk-export.json\"");
	return SOUK_OK;
}

/* DELETE /api/v1/me {password} (signed in): anonymises the account (orders
 * and invoices stay for accounting), ends every session. 200; 422 wrong
 * password (accounts that have one). */
int users_me_delete(struct worker *w, struct http_request *req, struct http_response *res)
{
	const char *uid = req->principal->user_id;
	const char *params[] = {uid};
	PGresult *r = NULL;
	cJSON *body;
	int rc = db_exec(&w->db, req->arena, &me_current_email, params, &r);

	if (rc != SOUK_OK)
		return rc;
	if (!PQgetisnull(r, 0, 1)) {
		const char *pw = json_string_member(req->json, "password");

		if (pw == NULL || !password_verify(PQgetvalue(r, 0, 1), pw))
			return http_field_error(req, "password", "is incorrect");
	}
	rc = db_begin(&w->db, req->arena);
	if (rc == SOUK_OK)
		rc = db_exec(&w->db, req->arena, &anonymise, params, NULL);
	if (rc == SOUK_OK)
		rc = db_exec(&w->db, req->arena, &anonymise_links, params, NULL);
	if (rc == SOUK_OK)
		rc = session_revoke_all(w, req->arena, uid);
	if (rc == SOUK_OK)
		rc = audit_record(&w->db, req->arena, uid, "user.delete", "user",
				  req->principal->public_id, NULL, req->remote_addr);
	rc = finish(w, req, rc);
	if (rc != SOUK_OK)
		return rc;
	session_clear_cookies(w, req, res);
	body = json_new_object(req->arena);
	cJSON_AddStringToObject(body, "status", "deleted");
	http_response_json(res, req->arena, 200, body);
	return SOUK_OK;
}

/* GET /api/v1/admin/users?q=&role=&status=&limit=&cursor= (users:read): 200
 * {"items", "next_cursor"}; 400 bad limit or cursor. */
int users_admin_list(struct worker *w, struct http_request *req, struct http_response *res)
{
	const char *q = http_query(req, "q"), *role = http_query(req, "role");
	const char *status = http_query(req, "status"), *cursor = http_query(req, "cursor");
	const char *limit_text = http_query(req, "limit");
	char limit_buf[16], *escaped = NULL;
	long limit = 50, cur = 0;
	PGresult *r = NULL;
	int rc;

	if ((limit_text && str_to_long(limit_text, 1, 200, &limit) != SOUK_OK) ||
	    (cursor && str_to_long(cursor, 1, 0x7fffffffffffffffL, &cur) != SOUK_OK)) {
		req->error_message = "limit must be 1-200 and cursor a value from next_cursor.";
		return SOUK_EMALFORMED;
	}
	if (q != NULL && *q != '\0') /* LIKE wildcards in the search are literal */
		escaped = str_like_escape(req->arena, q);
	snprintf(limit_buf, sizeof(limit_buf), "%ld", limit);
	const char *params[] = {escaped, role && *role ? role : NULL, status && *status ? status : NULL,
				cursor, limit_buf};

	rc = db_exec(&w->db, req->arena, &admin_list, params, &r);
	if (rc != SOUK_OK)
		return rc;
	bool more = PQgetvalue(r, 0, 1)[0] == 't';

	answer_text(res, 200, arena_printf(req->arena, "{\"items\":%s,\"next_cursor\":%s%s%s}",
					   PQgetvalue(r, 0, 0), more ? "\"" : "",
					   more ? PQgetvalue(r, 0, 2) : "null", more ? "\"" : ""));
	return SOUK_OK;
}

/* Resolves {id} to users.id, refusing the caller's own account. */
static int admin_target(struct worker *w, struct http_request *req, const char **target)
{
	const char *id = http_path_param(req, "id");
	const char *params[] = {id};
	PGresult *r = NULL;
	int rc;

	if (id == NULL || !validate_uuid(id))
		return SOUK_ENOTFOUND;
	rc = db_exec(&w->db, req->arena, &admin_find, params, &r);
	if (rc != SOUK_OK)
		return rc;
	if (PQntuples(r) != 1)
		return SOUK_ENOTFOUND;
	*target = arena_strdup(req->arena, PQgetvalue(r, 0, 0));
	if (strcmp(*target, req->principal->user_id) == 0) {
		req->error_message = "You cannot change your own role or status.";
		return SOUK_ECONFLICT;
	}
	return SOUK_OK;
}

/* PATCH /api/v1/admin/users/{id}/role {role} (users:manage): 200 the user;
 * 404, 409 own account, 422 unknown role. */
int users_admin_role(struct worker *w, struct http_request *req, struct http_response *res)
{
	const char *role = json_string_member(req->json, "role");
	const char *target = NULL;
	PGresult *r = NULL;
	cJSON *data, *user = NULL;
	int rc;

	if (role == NULL)
		return http_field_error(req, "role", "is required");
	rc = admin_target(w, req, &target);
	if (rc != SOUK_OK)
		return rc;
	const char *params[] = {target, role};

	rc = db_begin(&w->db, req->arena);
	if (rc == SOUK_OK)
		rc = db_exec(&w->db, req->arena, &admin_set_role, params, &r);
	if (rc == SOUK_OK && PQntuples(r) != 1) {
		db_rollback(&w->db, req->arena);
		return http_field_error(req, "role", "must be one of admin, editor, support, customer");
	}
	if (rc == SOUK_OK) {
		data = json_new_object(req->arena);
		cJSON_AddStringToObject(data, "role", role);
		rc = audit_record(&w->db, req->arena, req->principal->user_id, "admin.user_role",
				  "user", http_path_param(req, "id"), data, req->remote_addr);
	}
	rc = finish(w, req, rc);
	if (rc == SOUK_OK)
		rc = auth_user_json(w, req->arena, target, &user);
	if (rc != SOUK_OK)
		return rc;
	http_response_json(res, req->arena, 200, user);
	return SOUK_OK;
}

static int admin_status(struct worker *w, struct http_request *req, struct http_response *res,
			const char *status)
{
	const char *target = NULL;
	cJSON *body;
	int rc = admin_target(w, req, &target);

	if (rc != SOUK_OK)
		return rc;
	const char *params[] = {target, status};

	rc = db_begin(&w->db, req->arena);
	if (rc == SOUK_OK)
		rc = db_exec(&w->db, req->arena, &admin_set_status, params, NULL);
	if (rc == SOUK_OK && strcmp(status, "disabled") == 0)
		rc = session_revoke_all(w, req->arena, target);
	if (rc == SOUK_OK)
		rc = audit_record(&w->db, req->arena, req->principal->user_id,
				  strcmp(status, "disabled") == 0 ? "admin.user_disable" : "admin.user_enable",
				  "user", http_path_param(req, "id"), NULL, req->remote_addr);
	rc = finish(w, req, rc);
	if (rc != SOUK_OK)
		return rc;
	body = json_new_object(req->arena);
	cJSON_AddStringToObject(body, "status", status);
	http_response_json(res, req->arena, 200, body);
	return SOUK_OK;
}

/* POST /api/v1/admin/users/{id}/disable (users:manage): 200, every session
 * of the user revoked at once; 404, 409 own account. */
int users_admin_disable(struct worker *w, struct http_request *req, struct http_response *res)
{
	return admin_status(w, req, res, "disabled");
}

/* POST /api/v1/admin/users/{id}/enable (users:manage): 200; 404, 409. */
int users_admin_enable(struct worker *w, struct http_request *req, struct http_response *res)
{
	return admin_status(w, req, res, "active");
}
