/* users.c - user rows; see include/souk/users.h. */
#include "souk/users.h"

#include <stdlib.h>
#include <string.h>

#include "souk/arena.h"
#include "souk/db.h"
#include "souk/err.h"

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

int users_create_admin(struct db *db, struct arena *a, const char *email, const char *name,
		       const char *password_hash, const char **public_id)
{
	const char *params[] = {email, name, password_hash};
	PGresult *r = NULL;
	int rc = db_exec(db, a, &user_insert_admin, params, &r);

	if (rc != SOUK_OK)
		return rc;
	if (PQntuples(r) != 1)
		return SOUK_EINTERNAL; /* the admin role is missing: migrations not applied */
	*public_id = arena_strdup(a, PQgetvalue(r, 0, 0));
	return SOUK_OK;
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

static struct db_statement user_create = {
	.name = "users_create",
	.sql = "INSERT INTO users (email, name, password_hash, email_verified_at, status, role_id)"
	       " SELECT $1, $2, $3, CASE WHEN $4 = '1' THEN now() END, 'active', r.id"
	       " FROM roles r WHERE r.name = 'customer' RETURNING id, public_id",
	.nparams = 4,
};

static struct db_statement user_find_login = {
	.name = "users_find_login",
	.sql = "SELECT id, public_id, password_hash, status,"
	       " greatest(0, ceil(extract(epoch FROM locked_until - now())))::bigint"
	       " FROM users WHERE email = $1",
	.nparams = 1,
	.flags = DB_READONLY,
};

static struct db_statement user_login_failed = {
	.name = "users_login_failed",
	.sql = "UPDATE users SET failed_login_count = failed_login_count + 1,"
	       " locked_until = CASE WHEN failed_login_count + 1 >= 5 THEN now() +"
	       " least(make_interval(mins => power(2, least(failed_login_count + 1 - 5, 11))::int),"
	       " interval '1 day')"
	       " ELSE locked_until END WHERE id = $1::bigint",
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

static struct db_statement user_find_active = {
	.name = "users_find_active",
	.sql = "SELECT id, name FROM users WHERE email = $1 AND status = 'active'",
	.nparams = 1,
	.flags = DB_READONLY,
};

int users_create(struct db *db, struct arena *a, const char *email, const char *name,
		 const char *password_hash, int verified, const char **id, const char **public_id)
{
	const char *params[] = {email, name, password_hash, verified ? "1" : "0"};
	PGresult *r = NULL;
	int rc = db_exec(db, a, &user_create, params, &r);

	if (rc != SOUK_OK)
		return rc;
	if (PQntuples(r) != 1)
		return SOUK_EINTERNAL; /* no customer role: migrations not applied */
	*id = arena_strdup(a, PQgetvalue(r, 0, 0));
	*public_id = arena_strdup(a, PQgetvalue(r, 0, 1));
	return SOUK_OK;
}

int users_find_login(struct db *db, struct arena *a, const char *email, struct user_login *out)
{
	const char *params[] = {email};
	PGresult *r = NULL;
	int rc = db_exec(db, a, &user_find_login, params, &r);

	if (rc != SOUK_OK)
		return rc;
	if (PQntuples(r) != 1)
		return SOUK_ENOTFOUND;
	out->id = arena_strdup(a, PQgetvalue(r, 0, 0));
	out->public_id = arena_strdup(a, PQgetvalue(r, 0, 1));
	out->password_hash = PQgetisnull(r, 0, 2) ? NULL : arena_strdup(a, PQgetvalue(r, 0, 2));
	out->status = arena_strdup(a, PQgetvalue(r, 0, 3));
	out->locked_seconds = PQgetisnull(r, 0, 4) ? 0 : strtol(PQgetvalue(r, 0, 4), NULL, 10);
	return SOUK_OK;
}

int users_login_failed(struct db *db, struct arena *a, const char *id)
{
	const char *params[] = {id};

	return db_exec(db, a, &user_login_failed, params, NULL);
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

int users_find_active_id(struct db *db, struct arena *a, const char *email, const char **id,
			 const char **name)
{
	const char *params[] = {email};
	PGresult *r = NULL;
	int rc = db_exec(db, a, &user_find_active, params, &r);

	if (rc != SOUK_OK)
		return rc;
	if (PQntuples(r) != 1)
		return SOUK_ENOTFOUND;
	*id = arena_strdup(a, PQgetvalue(r, 0, 0));
	if (name != NULL)
		*name = arena_strdup(a, PQgetvalue(r, 0, 1));
	return SOUK_OK;
}

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

int users_claim_mailbox(struct db *db, struct arena *a, const char *id, int *claimed)
{
	const char *params[] = {id};
	PGresult *r = NULL;
	int rc = db_exec(db, a, &user_lock_unverified, params, &r);

	*claimed = 0;
	if (rc != SOUK_OK || PQntuples(r) != 1)
		return rc != SOUK_OK ? rc : SOUK_ENOTFOUND;
	if (PQgetvalue(r, 0, 0)[0] != 't')
		return SOUK_OK;
	rc = db_exec(db, a, &user_claim, params, NULL);
	if (rc == SOUK_OK)
		*claimed = 1;
	return rc;
}
