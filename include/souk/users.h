/*
 * users.h - user accounts: the rows of users and their role.
 *
 * Owns the SQL on users (with roles for the lookup). The accounts issue adds
 * sign-up, profile and dashboard here; today it serves souk-admin.
 * Every change is written to audit_log in the same transaction.
 */
#ifndef SOUK_USERS_H
#define SOUK_USERS_H

struct arena;
struct db;

/*
 * Creates an active, verified user with the admin role and the given argon2id
 * hash. SOUK_OK with the new public id in *public_id (arena), SOUK_ECONFLICT
 * when the e-mail is taken, SOUK_EDB/SOUK_EINTERNAL otherwise.
 */
int users_create_admin(struct db *db, struct arena *a, const char *email, const char *name,
		       const char *password_hash, const char **public_id);

/*
 * Gives the user with this e-mail the named role. SOUK_OK, SOUK_ENOTFOUND
 * (no such user), SOUK_EINVALID (no such role), SOUK_EDB/SOUK_EINTERNAL.
 */
int users_set_role(struct db *db, struct arena *a, const char *email, const char *role);

#endif
