/* users.c - user rows; see include/souk/users.h. */
#include "souk/users.h"

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
