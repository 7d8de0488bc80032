/*
 * users.h - user accounts: every statement on users and user_tokens.
 *
 * The sign-in flows (src/auth), the signed-in user's pages and user
 * administration (users_http.c) and souk-admin call these; nobody else
 * writes SQL on these two tables. Functions that change something run in
 * the caller's transaction when one is open; the caller writes the audit
 * entry in the same transaction. users.id travels as text (PostgreSQL's
 * own form); public ids are UUIDs. Strings returned are arena-owned.
 */
#ifndef SOUK_USERS_H
#define SOUK_USERS_H

#include <stdbool.h>
#include <stdint.h>

struct arena;
struct cJSON;
struct db;

/* ---------------------------------------------------------- creation --- */

/*
 * Creates an active, verified user with the admin role and the given argon2id
 * hash. SOUK_OK with the new public id in *public_id (arena), SOUK_ECONFLICT
 * when the e-mail is taken, SOUK_EDB/SOUK_EINTERNAL otherwise.
 */
int users_create_admin(struct db *db, struct arena *a, const char *email, const char *name,
		       const char *password_hash, const char **public_id);

/* Creates an active customer. password_hash and avatar_url may be NULL
 * (sign-in through Google or GitHub); verified marks the e-mail verified.
 * SOUK_OK with *id and *public_id, SOUK_ECONFLICT when the e-mail is taken. */
int users_create(struct db *db, struct arena *a, const char *email, const char *name,
		 const char *password_hash, const char *avatar_url, bool verified, const char **id,
		 const char **public_id);

/* -------------------------------------------------------------- lookups --- */

struct user_login {
	const char *id; /* users.id */
	const char *public_id;
	const char *password_hash; /* NULL for OAuth-only accounts */
	const char *status;	   /* active | disabled | deleted */
	long locked_seconds;	   /* > 0 while locked after failed sign-ins */
	bool verified;		   /* the e-mail address has been proven */
};

/* The sign-in view of the user with this e-mail (case-insensitive).
 * SOUK_OK or SOUK_ENOTFOUND. */
int users_find_login(struct db *db, struct arena *a, const char *email, struct user_login *out);

/* The same, locking the row until the transaction ends (linking a Google or
 * GitHub identity to the account of its verified e-mail). */
int users_find_login_for_update(struct db *db, struct arena *a, const char *email,
				struct user_login *out);

/* users.id (and name, when name is not NULL) of the active user with this
 * e-mail: SOUK_OK or SOUK_ENOTFOUND. */
int users_find_active_id(struct db *db, struct arena *a, const char *email, const char **id,
			 const char **name);

/* The address and password hash (NULL without one) of users.id. */
int users_credentials(struct db *db, struct arena *a, const char *id, const char **email,
		      const char **password_hash);

/* SOUK_OK with *taken: another account than except_id uses this e-mail. */
int users_email_taken(struct db *db, struct arena *a, const char *email, const char *except_id,
		      bool *taken);

/* users.id of the account with this public id, unless deleted:
 * SOUK_OK or SOUK_ENOTFOUND. */
int users_id_of(struct db *db, struct arena *a, const char *public_id, const char **id);

/* What a request's principal is made of (auth builds struct principal). */
struct user_principal {
	const char *id, *public_id, *email, *name, *role;
	const char *permissions; /* comma-separated, sorted */
};

/* The active user public_id whose session (refresh family) is live:
 * SOUK_OK, or SOUK_ENOTFOUND (disabled, deleted, or the session ended). */
int users_load_principal(struct db *db, struct arena *a, const char *public_id, const char *family,
			 struct user_principal *out);

/* The user object of the API for users.id: {"id","email","name",
 * "avatar_url","role","permissions","email_verified","has_password",
 * "created_at","pending_email"} (arena-owned tree). SOUK_ENOTFOUND. */
int users_json(struct db *db, struct arena *a, const char *id, struct cJSON **out);

/* ------------------------------------------------------------- changes --- */

/* Counts a failed sign-in; from the 5th in a row the account locks for
 * 1, 2, 4 ... minutes (at most a day). */
int users_login_failed(struct db *db, struct arena *a, const char *id);

/* A successful sign-in: last_login_at, failures cleared. SOUK_OK with
 * *public_id, or SOUK_EFORBIDDEN when the account is no longer active. */
int users_record_login(struct db *db, struct arena *a, const char *id, const char **public_id);

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

/* The profile fields a user edits; NULL leaves a field as it is ("" clears
 * avatar_url). pending_email starts an address change. SOUK_OK with the
 * address and name as they are now. */
int users_update_profile(struct db *db, struct arena *a, const char *id, const char *name,
			 const char *avatar_url, const char *pending_email, const char **email,
			 const char **name_now);

/* Locks the user's row until the transaction ends (sessions are revoked
 * under it, see src/auth/session.c). SOUK_ENOTFOUND. */
int users_lock(struct db *db, struct arena *a, const char *id);

/* Anonymises the account (orders and invoices stay, for accounting): the
 * address and name go, so do its sign-in providers, tokens and the e-mail
 * still waiting for it in the outbox. In the caller's transaction. */
int users_anonymise(struct db *db, struct arena *a, const char *id);

/* ---------------------------------------------------- single-use tokens --- */

/* Purposes of user_tokens rows. */
#define USERS_TOKEN_VERIFY "email_verification"
#define USERS_TOKEN_RESET "password_reset"

/* A new single-use token of purpose for users.id, valid ttl seconds: the raw
 * value (for the e-mail) in *token; only its hash is stored. */
int users_token_create(struct db *db, struct arena *a, const char *id, const char *purpose,
		       long ttl, char **token);

/* Uses the token presented for purpose (unused, unexpired, of an active
 * user): SOUK_OK with *id and *public_id, and the user's other tokens of that
 * purpose are void; SOUK_ENOTFOUND otherwise. */
int users_token_consume(struct db *db, struct arena *a, const char *token, const char *purpose,
			const char **id, const char **public_id);

/* Voids every outstanding token of the user (an address or password change). */
int users_tokens_void(struct db *db, struct arena *a, const char *id);

/* ------------------------------------------------- the user's own pages --- */

/* GET /me/dashboard as JSON text: orders summary, purchases (with
 * download_limit resolved as downloads use it: the entitlement's, else the
 * product's, else default_download_limit), recent orders, open enquiries,
 * feedback. */
int users_dashboard(struct db *db, struct arena *a, const char *id, long default_download_limit,
		    char **json);

/* GET /me/export as JSON text: everything stored about the user. */
int users_export(struct db *db, struct arena *a, const char *id, char **json);

/* ------------------------------------------------------- administration --- */

/* Staff list, newest first: filters may be NULL (q LIKE-escaped by the
 * caller); after_id NULL for the first page. *items a JSON array; *more and
 * *last_id as in the catalog's lists (include/souk/page.h). */
int users_list_for_staff(struct db *db, struct arena *a, const char *q, const char *role,
			 const char *status, const int64_t *after_id, int limit, char **items,
			 bool *more, int64_t *last_id);

/* Gives users.id the role: SOUK_OK, or SOUK_EINVALID (no such role). */
int users_admin_set_role(struct db *db, struct arena *a, const char *id, const char *role);

/* Sets the status (active | disabled). */
int users_admin_set_status(struct db *db, struct arena *a, const char *id, const char *status);

/*
 * Gives the user with this e-mail the named role (souk-admin). SOUK_OK,
 * SOUK_ENOTFOUND (no such user), SOUK_EINVALID (no such role).
 */
int users_set_role(struct db *db, struct arena *a, const char *email, const char *role);

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
int users_admin_sessions(struct worker *w, struct http_request *req, struct http_response *res);
int users_admin_sessions_revoke(struct worker *w, struct http_request *req,
				struct http_response *res);

/* cleanup: deletes up to limit verification and reset tokens expired over a
 * day ago; *deleted counts them. */
int users_tokens_cleanup(struct db *db, struct arena *a, long limit, long *deleted);

#endif
