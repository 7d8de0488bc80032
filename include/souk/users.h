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

struct user_login {
	const char *id;            /* users.id */
	const char *public_id;
	const char *password_hash; /* NULL for OAuth-only accounts */
	const char *status;        /* active | disabled | deleted */
	long locked_seconds;       /* > 0 while locked after failed sign-ins */
};

/* Creates an active customer. password_hash may be NULL (OAuth-only);
 * verified marks the e-mail verified. SOUK_OK with *id and *public_id,
 * SOUK_ECONFLICT when the e-mail is taken. */
int users_create(struct db *db, struct arena *a, const char *email, const char *name,
		 const char *password_hash, int verified, const char **id, const char **public_id);

/* The sign-in view of the user with this e-mail (case-insensitive).
 * SOUK_OK or SOUK_ENOTFOUND. */
int users_find_login(struct db *db, struct arena *a, const char *email, struct user_login *out);

/* Counts a failed sign-in; from the 5th in a row the account locks for
 * 1, 2, 4 ... minutes (at most a day). */
int users_login_failed(struct db *db, struct arena *a, const char *id);

/* Sets a new password hash and clears the failure count and lock. */
int users_set_password(struct db *db, struct arena *a, const char *id, const char *hash);

/* Marks the e-mail verified; a pending new address (PATCH /me) becomes the
 * address. SOUK_ECONFLICT when another account took it meanwhile. */
int users_mark_verified(struct db *db, struct arena *a, const char *id);

/*
 * The mailbox of users.id was just proven (one-time code, password reset,
 * Google/GitHub with a verified address). If nobody had proven it before,
 * whoever set the account up may not own the address: its password, sign-in
 * links, pending tokens and sessions are removed before the address is marked
 * verified. Sets *claimed when that happened. Inside the caller's transaction.
 */
int users_claim_mailbox(struct db *db, struct arena *a, const char *id, int *claimed);

/* users.id of the active user with this e-mail, SOUK_ENOTFOUND otherwise. */
int users_find_active_id(struct db *db, struct arena *a, const char *email, const char **id,
			 const char **name);

struct http_request;
struct http_response;
struct worker;

/* Handlers (src/users/users_http.c); statuses in each definition. */
int users_me(struct worker *w, struct http_request *req, struct http_response *res);
int users_me_update(struct worker *w, struct http_request *req, struct http_response *res);
int users_me_password(struct worker *w, struct http_request *req, struct http_response *res);
int users_me_sessions(struct worker *w, struct http_request *req, struct http_response *res);
int users_me_session_revoke(struct worker *w, struct http_request *req, struct http_response *res);
int users_me_dashboard(struct worker *w, struct http_request *req, struct http_response *res);
int users_me_export(struct worker *w, struct http_request *req, struct http_response *res);
int users_me_delete(struct worker *w, struct http_request *req, struct http_response *res);
int users_admin_list(struct worker *w, struct http_request *req, struct http_response *res);
int users_admin_role(struct worker *w, struct http_request *req, struct http_response *res);
int users_admin_disable(struct worker *w, struct http_request *req, struct http_response *res);
int users_admin_enable(struct worker *w, struct http_request *req, struct http_response *res);

#endif
