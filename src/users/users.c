/* users.c - every statement on users and user_tokens; see include/souk/users.h. */
#include "souk/users.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "souk/arena.h"
#include "souk/crypto.h"
#include "souk/db.h"
#include "souk/err.h"
#include "souk/json.h"
#include "souk/mail.h"
#include "souk/token.h"

#define TS(col) DB_TS(col)

/* SQL is laid out by hand, one clause a line: */
/* clang-format off */

/* ---------------------------------------------------------- creation --- */

static struct db_statement user_insert_admin = {
	.name = "users_insert_admin",
	.sql = "WITH u AS ("
	       " INSERT INTO users (email, name, password_hash, email_verified_at, status, role_id)"
	       " SELECT $1, $2, $3, now(), 'active', r.id FROM roles r WHERE r.name = 'admin'"
	       " RETURNING id, public_id)"
	       " INSERT INTO audit_log (actor_id, action, entity, entity_id, data)"
	       " SELECT NULL, 'user.create_admin', 'user', u.public_id::text,"
	       " jsonb_build_object('via', 'souk-admin') FROM u"
	       " RETURNING entity_id",
	.nparams = 3,
};

static struct db_statement user_create = {
	.name = "users_create",
	.sql = "INSERT INTO users (email, name, password_hash, avatar_url, email_verified_at,"
	       " status, role_id)"
	       " SELECT $1, $2, $3, $4, CASE WHEN $5 = '1' THEN now() END, 'active', r.id"
	       " FROM roles r WHERE r.name = 'customer' RETURNING id, public_id",
	.nparams = 5,
};

/* -------------------------------------------------------------- lookups --- */

#define LOGIN_FIELDS                                                                               \
	"id, public_id, password_hash, status,"                                                    \
	" greatest(0, ceil(extract(epoch FROM locked_until - now())))::bigint,"                    \
	" email_verified_at IS NOT NULL"

static struct db_statement user_find_login = {
	.name = "users_find_login",
	.sql = "SELECT " LOGIN_FIELDS " FROM users WHERE email = $1",
	.nparams = 1,
	.flags = DB_READONLY,
};

static struct db_statement user_find_login_locked = {
	.name = "users_find_login_locked",
	.sql = "SELECT " LOGIN_FIELDS " FROM users WHERE email = $1 FOR UPDATE",
	.nparams = 1,
};

static struct db_statement user_find_active = {
	.name = "users_find_active",
	.sql = "SELECT id, name FROM users WHERE email = $1 AND status = 'active'",
	.nparams = 1,
	.flags = DB_READONLY,
};

static struct db_statement user_credentials = {
	.name = "users_credentials",
	.sql = "SELECT email, password_hash FROM users WHERE id = $1::bigint",
	.nparams = 1,
	.flags = DB_READONLY,
};

static struct db_statement email_taken = {
	.name = "users_email_taken",
	.sql = "SELECT 1 FROM users WHERE email = $1 AND id <> $2::bigint",
	.nparams = 2,
	.flags = DB_READONLY,
};

static struct db_statement user_id_of = {
	.name = "users_id_of",
	.sql = "SELECT id FROM users WHERE public_id = $1::uuid AND status <> 'deleted'",
	.nparams = 1,
	.flags = DB_READONLY,
};

#define PERMISSIONS_OF(role)                                                                       \
	"coalesce((SELECT string_agg(p.name, ',' ORDER BY p.name)"                                 \
	" FROM role_permissions rp JOIN permissions p ON p.id = rp.permission_id"                  \
	" WHERE rp.role_id = " role "), '')"

/* Every authenticated request runs this one: user, role, permissions, and
 * whether the session still stands. */
static struct db_statement principal_load = {
	.name = "users_principal_load",
	.sql = "SELECT u.id, u.public_id, u.email, u.name, r.name, " PERMISSIONS_OF("u.role_id")
	       " FROM users u JOIN roles r ON r.id = u.role_id"
	       " WHERE u.public_id = $1::uuid AND u.status = 'active'"
	       " AND EXISTS (SELECT 1 FROM refresh_tokens t WHERE t.family_id = $2::uuid"
	       "   AND t.user_id = u.id AND t.revoked_at IS NULL AND t.expires_at > now())",
	.nparams = 2,
	.flags = DB_READONLY,
};

static struct db_statement user_json_load = {
	.name = "users_json",
	.sql = "SELECT u.public_id, u.email, u.name, u.avatar_url, r.name,"
	       " u.email_verified_at IS NOT NULL, u.password_hash IS NOT NULL,"
	       " " TS("u.created_at") ", u.pending_email, " PERMISSIONS_OF("u.role_id")
	       " FROM users u JOIN roles r ON r.id = u.role_id WHERE u.id = $1::bigint",
	.nparams = 1,
	.flags = DB_READONLY,
};

/* ------------------------------------------------------------- changes --- */

static struct db_statement user_login_failed = {
	.name = "users_login_failed",
	.sql = "UPDATE users SET failed_login_count = failed_login_count + 1,"
	       " locked_until = CASE WHEN failed_login_count + 1 >= 5 THEN now() +"
	       " least(make_interval(mins => power(2, least(failed_login_count + 1 - 5, 11))::int),"
	       " interval '1 day')"
	       " ELSE locked_until END WHERE id = $1::bigint",
	.nparams = 1,
};

static struct db_statement user_record_login = {
	.name = "users_record_login",
	.sql = "UPDATE users SET last_login_at = now(), failed_login_count = 0,"
	       " locked_until = NULL WHERE id = $1::bigint AND status = 'active'"
	       " RETURNING public_id",
	.nparams = 1,
};

static struct db_statement user_set_password = {
	.name = "users_set_password",
	.sql = "UPDATE users SET password_hash = $2, failed_login_count = 0, locked_until = NULL"
	       " WHERE id = $1::bigint",
	.nparams = 2,
};

static struct db_statement user_mark_verified = {
	.name = "users_mark_verified",
	.sql = "UPDATE users SET email = coalesce(pending_email, email), pending_email = NULL,"
	       " email_verified_at = CASE WHEN pending_email IS NOT NULL THEN now()"
	       "   ELSE coalesce(email_verified_at, now()) END"
	       " WHERE id = $1::bigint",
	.nparams = 1,
};

static struct db_statement user_lock_unverified = {
	.name = "users_lock_unverified",
	.sql = "SELECT email_verified_at IS NULL FROM users WHERE id = $1::bigint FOR UPDATE",
	.nparams = 1,
};

static struct db_statement user_claim = {
	.name = "users_claim",
	.sql = "WITH i AS (DELETE FROM oauth_identities WHERE user_id = $1::bigint),"
	       " t AS (DELETE FROM user_tokens WHERE user_id = $1::bigint),"
	       " s AS (UPDATE refresh_tokens SET revoked_at = now()"
	       "   WHERE user_id = $1::bigint AND revoked_at IS NULL)"
	       " UPDATE users SET password_hash = NULL, pending_email = NULL,"
	       " email_verified_at = now(), failed_login_count = 0, locked_until = NULL"
	       " WHERE id = $1::bigint",
	.nparams = 1,
};

static struct db_statement user_update_profile = {
	.name = "users_update_profile",
	.sql = "UPDATE users SET name = coalesce($2, name),"
	       " avatar_url = CASE WHEN $3::text IS NULL THEN avatar_url ELSE NULLIF($3, '') END,"
	       " pending_email = CASE WHEN $4::text IS NULL THEN pending_email ELSE $4 END"
	       " WHERE id = $1::bigint RETURNING email, name",
	.nparams = 4,
};

static struct db_statement user_lock = {
	.name = "users_lock",
	.sql = "SELECT email, pending_email FROM users WHERE id = $1::bigint FOR UPDATE",
	.nparams = 1,
};

static struct db_statement user_anonymise = {
	.name = "users_anonymise",
	.sql = "WITH o AS (DELETE FROM oauth_identities WHERE user_id = $1::bigint),"
	       " t AS (DELETE FROM user_tokens WHERE user_id = $1::bigint)"
	       " UPDATE users SET email = 'deleted-' || public_id || '@deleted.invalid', name = '',"
	       " avatar_url = NULL, password_hash = NULL, email_verified_at = NULL,"
	       " pending_email = NULL, status = 'deleted', failed_login_count = 0,"
	       " locked_until = NULL"
	       " WHERE id = $1::bigint",
	.nparams = 1,
};

/* ---------------------------------------------------- single-use tokens --- */

static struct db_statement token_insert = {
	.name = "users_token_insert",
	.sql = "INSERT INTO user_tokens (user_id, purpose, token_hash, expires_at)"
	       " VALUES ($1::bigint, $2, decode($3, 'hex'), now() + $4::int * interval '1 second')",
	.nparams = 4,
};

static struct db_statement token_consume = {
	.name = "users_token_consume",
	.sql = "UPDATE user_tokens SET used_at = now() WHERE token_hash = decode($1, 'hex')"
	       " AND purpose = $2 AND used_at IS NULL AND expires_at > now()"
	       " AND user_id IN (SELECT id FROM users WHERE status = 'active')"
	       " RETURNING user_id, (SELECT public_id FROM users WHERE id = user_id)",
	.nparams = 2,
};

/* After a token is used, the user's other tokens of that purpose are void. */
static struct db_statement token_void_purpose = {
	.name = "users_token_void_purpose",
	.sql = "UPDATE user_tokens SET used_at = now() WHERE user_id = $1::bigint"
	       " AND purpose = $2 AND used_at IS NULL",
	.nparams = 2,
};

/* An address change or a new password voids every outstanding link. */
static struct db_statement tokens_void = {
	.name = "users_tokens_void",
	.sql = "UPDATE user_tokens SET used_at = now() WHERE user_id = $1::bigint"
	       " AND used_at IS NULL",
	.nparams = 1,
};

/* ------------------------------------------------- the user's own pages --- */

/* Everything the old dashboard assembled, in one query. A purchase's
 * download_limit is the one downloads use (src/catalog/delivery.c). */
static struct db_statement dashboard = {
	.name = "users_dashboard",
	.sql = "SELECT json_build_object("
	       " 'orders', (SELECT json_build_object('count', count(*),"
	       "   'paid', count(*) FILTER (WHERE status = 'paid'),"
	       "   'total_spent_paise', coalesce(sum(total_paise) FILTER (WHERE status = 'paid'), 0),"
	       "   'currency', 'INR') FROM orders WHERE user_id = $1::bigint),"
	       " 'purchases', (SELECT coalesce(json_agg(x ORDER BY x.acquired_at DESC), '[]') FROM ("
	       "   SELECT p.slug, p.title, e.source, " TS("e.created_at") " AS acquired_at,"
	       "   coalesce(e.download_limit, p.download_limit, $2::int) AS download_limit,"
	       "   " TS("e.expires_at") " AS expires_at,"
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
	.nparams = 2,
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

/* ------------------------------------------------------- administration --- */

static struct db_statement staff_list = {
	.name = "users_staff_list",
	.sql = "SELECT coalesce(json_agg(x.item ORDER BY x.id DESC) FILTER (WHERE x.n <= $5::int),"
	       "   '[]')::text,"
	       " count(*) > $5::int, min(x.id) FILTER (WHERE x.n <= $5::int) FROM ("
	       " SELECT u.id, row_number() OVER (ORDER BY u.id DESC) AS n, json_build_object("
	       "  'id', u.public_id, 'email', u.email, 'name', u.name, 'role', r.name,"
	       "  'status', u.status, 'email_verified', u.email_verified_at IS NOT NULL,"
	       "  'created_at', " TS("u.created_at") ", 'last_login_at', " TS("u.last_login_at") ")"
	       "  AS item"
	       " FROM users u JOIN roles r ON r.id = u.role_id"
	       " WHERE ($1::text IS NULL OR u.email ILIKE '%' || $1 || '%' ESCAPE '\\'"
	       "   OR u.name ILIKE '%' || $1 || '%' ESCAPE '\\')"
	       " AND ($2::text IS NULL OR r.name = $2) AND ($3::text IS NULL OR u.status = $3)"
	       " AND ($4::bigint IS NULL OR u.id < $4::bigint)"
	       " ORDER BY u.id DESC LIMIT $5::int + 1) x",
	.nparams = 5,
	.flags = DB_READONLY,
};

static struct db_statement staff_set_role = {
	.name = "users_staff_set_role",
	.sql = "UPDATE users SET role_id = r.id FROM roles r WHERE users.id = $1::bigint"
	       " AND r.name = $2 RETURNING users.id",
	.nparams = 2,
};

static struct db_statement staff_set_status = {
	.name = "users_staff_set_status",
	.sql = "UPDATE users SET status = $2 WHERE id = $1::bigint",
	.nparams = 2,
};

static struct db_statement user_set_role = {
	.name = "users_set_role",
	.sql = "WITH r AS (SELECT id FROM roles WHERE name = $2),"
	       " u AS (UPDATE users SET role_id = r.id FROM r WHERE users.email = $1"
	       " RETURNING users.public_id)"
	       " INSERT INTO audit_log (actor_id, action, entity, entity_id, data)"
	       " SELECT NULL, 'user.set_role', 'user', u.public_id::text,"
	       " jsonb_build_object('role', $2::text, 'via', 'souk-admin') FROM u"
	       " RETURNING (SELECT count(*) FROM r)",
	.nparams = 2,
};

static struct db_statement role_exists = {
	.name = "users_role_exists",
	.sql = "SELECT 1 FROM roles WHERE name = $1",
	.nparams = 1,
	.flags = DB_READONLY,
};
/* clang-format on */

/* The result of st, which must have one row: SOUK_ENOTFOUND otherwise. */
static int one_row(struct db *db, struct arena *a, struct db_statement *st,
		   const char *const *params, PGresult **r)
{
	int rc = db_exec(db, a, st, params, r);

	if (rc == SOUK_OK && PQntuples(*r) != 1)
		rc = SOUK_ENOTFOUND;
	return rc;
}

static const char *text_or_null(PGresult *r, int col)
{
	return PQgetisnull(r, 0, col) ? NULL : PQgetvalue(r, 0, col);
}

/* ---------------------------------------------------------- creation --- */

int users_create_admin(struct db *db, struct arena *a, const char *email, const char *name,
		       const char *password_hash, const char **public_id)
{
	const char *params[] = {email, name, password_hash};
	PGresult *r = NULL;
	int rc = one_row(db, a, &user_insert_admin, params, &r);

	if (rc == SOUK_ENOTFOUND)
		return SOUK_EINTERNAL; /* the admin role is missing: migrations not applied */
	if (rc == SOUK_OK)
		*public_id = PQgetvalue(r, 0, 0);
	return rc;
}

int users_create(struct db *db, struct arena *a, const char *email, const char *name,
		 const char *password_hash, const char *avatar_url, bool verified, const char **id,
		 const char **public_id)
{
	const char *params[] = {email, name, password_hash, avatar_url, verified ? "1" : "0"};
	PGresult *r = NULL;
	int rc = one_row(db, a, &user_create, params, &r);

	if (rc == SOUK_ENOTFOUND)
		return SOUK_EINTERNAL; /* no customer role: migrations not applied */
	if (rc == SOUK_OK) {
		*id = PQgetvalue(r, 0, 0);
		*public_id = PQgetvalue(r, 0, 1);
	}
	return rc;
}

/* -------------------------------------------------------------- lookups --- */

static int login_from(struct db *db, struct arena *a, struct db_statement *st, const char *email,
		      struct user_login *out)
{
	const char *params[] = {email};
	PGresult *r = NULL;
	int rc = one_row(db, a, st, params, &r);

	if (rc != SOUK_OK)
		return rc;
	out->id = PQgetvalue(r, 0, 0);
	out->public_id = PQgetvalue(r, 0, 1);
	out->password_hash = text_or_null(r, 2);
	out->status = PQgetvalue(r, 0, 3);
	out->locked_seconds = PQgetisnull(r, 0, 4) ? 0 : strtol(PQgetvalue(r, 0, 4), NULL, 10);
	out->verified = PQgetvalue(r, 0, 5)[0] == 't';
	return SOUK_OK;
}

int users_find_login(struct db *db, struct arena *a, const char *email, struct user_login *out)
{
	return login_from(db, a, &user_find_login, email, out);
}

int users_find_login_for_update(struct db *db, struct arena *a, const char *email,
				struct user_login *out)
{
	return login_from(db, a, &user_find_login_locked, email, out);
}

int users_find_active_id(struct db *db, struct arena *a, const char *email, const char **id,
			 const char **name)
{
	const char *params[] = {email};
	PGresult *r = NULL;
	int rc = one_row(db, a, &user_find_active, params, &r);

	if (rc != SOUK_OK)
		return rc;
	*id = PQgetvalue(r, 0, 0);
	if (name != NULL)
		*name = PQgetvalue(r, 0, 1);
	return SOUK_OK;
}

int users_credentials(struct db *db, struct arena *a, const char *id, const char **email,
		      const char **password_hash)
{
	const char *params[] = {id};
	PGresult *r = NULL;
	int rc = one_row(db, a, &user_credentials, params, &r);

	if (rc != SOUK_OK)
		return rc;
	*email = PQgetvalue(r, 0, 0);
	*password_hash = text_or_null(r, 1);
	return SOUK_OK;
}

int users_email_taken(struct db *db, struct arena *a, const char *email, const char *except_id,
		      bool *taken)
{
	const char *params[] = {email, except_id};
	PGresult *r = NULL;
	int rc = db_exec(db, a, &email_taken, params, &r);

	if (rc == SOUK_OK)
		*taken = PQntuples(r) > 0;
	return rc;
}

int users_id_of(struct db *db, struct arena *a, const char *public_id, const char **id)
{
	const char *params[] = {public_id};
	PGresult *r = NULL;
	int rc = one_row(db, a, &user_id_of, params, &r);

	if (rc == SOUK_OK)
		*id = PQgetvalue(r, 0, 0);
	return rc;
}

int users_load_principal(struct db *db, struct arena *a, const char *public_id, const char *family,
			 struct user_principal *out)
{
	const char *params[] = {public_id, family};
	PGresult *r = NULL;
	int rc = one_row(db, a, &principal_load, params, &r);

	if (rc != SOUK_OK)
		return rc;
	out->id = PQgetvalue(r, 0, 0);
	out->public_id = PQgetvalue(r, 0, 1);
	out->email = PQgetvalue(r, 0, 2);
	out->name = PQgetvalue(r, 0, 3);
	out->role = PQgetvalue(r, 0, 4);
	out->permissions = PQgetvalue(r, 0, 5);
	return SOUK_OK;
}

static void add_text_or_null(cJSON *o, const char *name, const char *value)
{
	if (value == NULL)
		cJSON_AddNullToObject(o, name);
	else
		cJSON_AddStringToObject(o, name, value);
}

int users_json(struct db *db, struct arena *a, const char *id, cJSON **out)
{
	const char *params[] = {id};
	PGresult *r = NULL;
	cJSON *u, *perms;
	char *csv, *save = NULL;
	int rc = one_row(db, a, &user_json_load, params, &r);

	if (rc != SOUK_OK)
		return rc;
	u = json_new_object(a);
	cJSON_AddStringToObject(u, "id", PQgetvalue(r, 0, 0));
	cJSON_AddStringToObject(u, "email", PQgetvalue(r, 0, 1));
	cJSON_AddStringToObject(u, "name", PQgetvalue(r, 0, 2));
	add_text_or_null(u, "avatar_url", text_or_null(r, 3));
	cJSON_AddStringToObject(u, "role", PQgetvalue(r, 0, 4));
	perms = cJSON_AddArrayToObject(u, "permissions");
	csv = arena_strdup(a, PQgetvalue(r, 0, 9));
	for (char *p = strtok_r(csv, ",", &save); p != NULL; p = strtok_r(NULL, ",", &save))
		cJSON_AddItemToArray(perms, cJSON_CreateString(p));
	cJSON_AddBoolToObject(u, "email_verified", PQgetvalue(r, 0, 5)[0] == 't');
	cJSON_AddBoolToObject(u, "has_password", PQgetvalue(r, 0, 6)[0] == 't');
	cJSON_AddStringToObject(u, "created_at", PQgetvalue(r, 0, 7));
	add_text_or_null(u, "pending_email", text_or_null(r, 8));
	*out = u;
	return SOUK_OK;
}

/* ------------------------------------------------------------- changes --- */

int users_login_failed(struct db *db, struct arena *a, const char *id)
{
	const char *params[] = {id};

	return db_exec(db, a, &user_login_failed, params, NULL);
}

int users_record_login(struct db *db, struct arena *a, const char *id, const char **public_id)
{
	const char *params[] = {id};
	PGresult *r = NULL;
	int rc = one_row(db, a, &user_record_login, params, &r);

	if (rc == SOUK_ENOTFOUND)
		return SOUK_EFORBIDDEN; /* disabled or deleted meanwhile */
	if (rc == SOUK_OK)
		*public_id = PQgetvalue(r, 0, 0);
	return rc;
}

int users_set_password(struct db *db, struct arena *a, const char *id, const char *hash)
{
	const char *params[] = {id, hash};

	return db_exec(db, a, &user_set_password, params, NULL);
}

int users_mark_verified(struct db *db, struct arena *a, const char *id)
{
	const char *params[] = {id};

	return db_exec(db, a, &user_mark_verified, params, NULL);
}

int users_claim_mailbox(struct db *db, struct arena *a, const char *id, int *claimed)
{
	const char *params[] = {id};
	PGresult *r = NULL;
	int rc = one_row(db, a, &user_lock_unverified, params, &r);

	*claimed = 0;
	if (rc != SOUK_OK)
		return rc;
	if (PQgetvalue(r, 0, 0)[0] != 't')
		return SOUK_OK;
	rc = db_exec(db, a, &user_claim, params, NULL);
	if (rc == SOUK_OK)
		*claimed = 1;
	return rc;
}

int users_update_profile(struct db *db, struct arena *a, const char *id, const char *name,
			 const char *avatar_url, const char *pending_email, const char **email,
			 const char **name_now)
{
	const char *params[] = {id, name, avatar_url, pending_email};
	PGresult *r = NULL;
	int rc = one_row(db, a, &user_update_profile, params, &r);

	if (rc != SOUK_OK)
		return rc;
	*email = PQgetvalue(r, 0, 0);
	*name_now = PQgetvalue(r, 0, 1);
	return SOUK_OK;
}

int users_lock(struct db *db, struct arena *a, const char *id)
{
	const char *params[] = {id};
	PGresult *r = NULL;

	return one_row(db, a, &user_lock, params, &r);
}

int users_anonymise(struct db *db, struct arena *a, const char *id)
{
	const char *params[] = {id};
	PGresult *r = NULL;
	int rc = one_row(db, a, &user_lock, params, &r);

	/* what was queued to either address (codes, links, names) goes too */
	if (rc == SOUK_OK)
		rc = mail_forget_recipient(db, a, PQgetvalue(r, 0, 0));
	if (rc == SOUK_OK && !PQgetisnull(r, 0, 1))
		rc = mail_forget_recipient(db, a, PQgetvalue(r, 0, 1));
	if (rc == SOUK_OK)
		rc = db_exec(db, a, &user_anonymise, params, NULL);
	return rc;
}

/* ---------------------------------------------------- single-use tokens --- */

int users_token_create(struct db *db, struct arena *a, const char *id, const char *purpose,
		       long ttl, char **token)
{
	unsigned char hash[32];
	char hex[65], ttl_text[24];
	int rc = token_opaque_new(a, token, hash);

	if (rc != SOUK_OK)
		return rc;
	crypto_hex(hash, sizeof(hash), hex);
	snprintf(ttl_text, sizeof(ttl_text), "%ld", ttl);
	const char *params[] = {id, purpose, hex, ttl_text};

	return db_exec(db, a, &token_insert, params, NULL);
}

int users_token_consume(struct db *db, struct arena *a, const char *token, const char *purpose,
			const char **id, const char **public_id)
{
	unsigned char hash[32];
	char hex[65];
	PGresult *r = NULL;
	int rc;

	if (token == NULL || strlen(token) != TOKEN_OPAQUE_LEN)
		return SOUK_ENOTFOUND;
	token_opaque_hash(token, hash);
	crypto_hex(hash, sizeof(hash), hex);
	const char *params[] = {hex, purpose};

	rc = one_row(db, a, &token_consume, params, &r);
	if (rc != SOUK_OK)
		return rc;
	*id = PQgetvalue(r, 0, 0);
	*public_id = PQgetvalue(r, 0, 1);
	const char *others[] = {*id, purpose};

	return db_exec(db, a, &token_void_purpose, others, NULL);
}

int users_tokens_void(struct db *db, struct arena *a, const char *id)
{
	const char *params[] = {id};

	return db_exec(db, a, &tokens_void, params, NULL);
}

/* ------------------------------------------------- the user's own pages --- */

int users_dashboard(struct db *db, struct arena *a, const char *id, long default_download_limit,
		    char **json)
{
	char limit[24];
	PGresult *r = NULL;
	int rc;

	snprintf(limit, sizeof(limit), "%ld", default_download_limit);
	const char *params[] = {id, limit};

	rc = one_row(db, a, &dashboard, params, &r);
	if (rc == SOUK_OK)
		*json = PQgetvalue(r, 0, 0);
	return rc;
}

int users_export(struct db *db, struct arena *a, const char *id, char **json)
{
	const char *params[] = {id};
	PGresult *r = NULL;
	int rc = one_row(db, a, &export_all, params, &r);

	if (rc == SOUK_OK)
		*json = PQgetvalue(r, 0, 0);
	return rc;
}

/* ------------------------------------------------------- administration --- */

int users_list_for_staff(struct db *db, struct arena *a, const char *q, const char *role,
			 const char *status, const int64_t *after_id, int limit, char **items,
			 bool *more, int64_t *last_id)
{
	char limit_text[16], *after = NULL;
	PGresult *r = NULL;
	int rc;

	snprintf(limit_text, sizeof(limit_text), "%d", limit);
	if (after_id != NULL)
		after = arena_printf(a, "%" PRId64, *after_id);
	const char *params[] = {q, role, status, after, limit_text};

	rc = one_row(db, a, &staff_list, params, &r);
	if (rc != SOUK_OK)
		return rc;
	*items = PQgetvalue(r, 0, 0);
	*more = PQgetvalue(r, 0, 1)[0] == 't';
	*last_id = PQgetisnull(r, 0, 2) ? 0 : strtoll(PQgetvalue(r, 0, 2), NULL, 10);
	return SOUK_OK;
}

int users_admin_set_role(struct db *db, struct arena *a, const char *id, const char *role)
{
	const char *params[] = {id, role};
	PGresult *r = NULL;
	int rc = one_row(db, a, &staff_set_role, params, &r);

	return rc == SOUK_ENOTFOUND ? SOUK_EINVALID : rc;
}

int users_admin_set_status(struct db *db, struct arena *a, const char *id, const char *status)
{
	const char *params[] = {id, status};

	return db_exec(db, a, &staff_set_status, params, NULL);
}

int users_set_role(struct db *db, struct arena *a, const char *email, const char *role)
{
	const char *role_param[] = {role};
	const char *params[] = {email, role};
	PGresult *r = NULL;
	int rc = db_exec(db, a, &role_exists, role_param, &r);

	if (rc != SOUK_OK)
		return rc;
	if (PQntuples(r) == 0)
		return SOUK_EINVALID;
	rc = db_exec(db, a, &user_set_role, params, &r);
	if (rc != SOUK_OK)
		return rc;
	return PQntuples(r) == 1 ? SOUK_OK : SOUK_ENOTFOUND;
}

static struct db_statement tokens_cleanup = {
    .name = "users_tokens_cleanup",
    .sql = "DELETE FROM user_tokens WHERE id IN (SELECT id FROM user_tokens"
	   " WHERE expires_at < now() - interval '1 day' ORDER BY expires_at LIMIT $1::int)",
    .nparams = 1,
};

int users_tokens_cleanup(struct db *db, struct arena *a, long limit, long *deleted)
{
	const char *params[] = {arena_printf(a, "%ld", limit)};

	return db_exec_count(db, a, &tokens_cleanup, params, deleted);
}
