/*
 * users_http.c - the signed-in user's own data (/me ...) and user
 * administration (/admin/users ...). HTTP only: the SQL is in users.c
 * (users, user_tokens, the dashboard and export documents) and in
 * src/auth/session.c (sessions). The user object is always the value of a
 * "user" member: {"user": {...}} here as on register and sign-in.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "souk/arena.h"
#include "souk/audit.h"
#include "souk/auth.h"
#include "souk/catalog.h"
#include "souk/config.h"
#include "souk/db.h"
#include "souk/err.h"
#include "souk/http.h"
#include "souk/json.h"
#include "souk/mail.h"
#include "souk/page.h"
#include "souk/password.h"
#include "souk/str.h"
#include "souk/users.h"
#include "souk/worker.h"

#define VERIFY_TTL_S (48 * 3600)

static int audit(struct worker *w, struct http_request *req, const char *action,
		 const char *entity_id, const cJSON *data)
{
	return audit_record(&w->db, req->arena, req->principal->user_id, action, "user", entity_id,
			    data, req->remote_addr);
}

static void answer_status(struct http_response *res, struct http_request *req, const char *status)
{
	cJSON *body = json_new_object(req->arena);

	cJSON_AddStringToObject(body, "status", status);
	http_response_json(res, req->arena, 200, body);
}

/* 200 {"user": {...}} for users.id id. */
static int answer_user(struct worker *w, struct http_request *req, struct http_response *res,
		       const char *id)
{
	cJSON *user = NULL, *body;
	int rc = users_json(&w->db, req->arena, id, &user);

	if (rc != SOUK_OK)
		return rc;
	body = json_new_object(req->arena);
	cJSON_AddItemReferenceToObject(body, "user", user);
	http_response_json(res, req->arena, 200, body);
	return SOUK_OK;
}

/* The user's password check, for changes that need one: SOUK_OK when the
 * account has no password (Google/GitHub only) or password is its password,
 * else a 422 on field. */
static int check_password(struct worker *w, struct http_request *req, const char *password,
			  const char *field, const char *why)
{
	const char *email = NULL, *hash = NULL;
	int rc = users_credentials(&w->db, req->arena, req->principal->user_id, &email, &hash);

	if (rc != SOUK_OK)
		return rc;
	if (hash != NULL && (password == NULL || !password_verify(hash, password)))
		return http_field_error(req, field, why);
	return SOUK_OK;
}

/* GET /api/v1/me (signed in): 200 {"user"}. */
int users_me(struct worker *w, struct http_request *req, struct http_response *res)
{
	return answer_user(w, req, res, req->principal->user_id);
}

struct profile_input {
	const char *name, *avatar_url, *email, *current_password;
};

static const struct validate_field profile_fields[] = {
    {"name", VALIDATE_STRING, 0, 1, 100, offsetof(struct profile_input, name)},
    {"avatar_url", VALIDATE_STRING, 0, 0, 2000, offsetof(struct profile_input, avatar_url)},
    {"email", VALIDATE_EMAIL, 0, 0, 0, offsetof(struct profile_input, email)},
    {"current_password", VALIDATE_TEXT, 0, 1, 1024,
     offsetof(struct profile_input, current_password)},
};

/* Starts an address change inside the transaction: every outstanding link
 * is void, the new address gets a verification link, the old one is told. */
static int start_email_change(struct worker *w, struct http_request *req, const char *new_email,
			      const char *old_email, const char *name)
{
	const char *uid = req->principal->user_id;
	char *token = NULL;
	cJSON *data = json_new_object(req->arena), *notice = json_new_object(req->arena);
	int rc = users_tokens_void(&w->db, req->arena, uid);

	if (rc == SOUK_OK)
		rc = users_token_create(&w->db, req->arena, uid, USERS_TOKEN_VERIFY, VERIFY_TTL_S,
					&token);
	if (rc != SOUK_OK)
		return rc;
	cJSON_AddStringToObject(data, "name", name);
	cJSON_AddStringToObject(
	    data, "link",
	    arena_printf(req->arena, "%s/verify-email?token=%s", w->config->public_url, token));
	cJSON_AddNumberToObject(data, "hours", VERIFY_TTL_S / 3600);
	rc = mail_queue(&w->db, req->arena, "verify_email", new_email, data);
	if (rc != SOUK_OK)
		return rc;
	/* the old address hears of it, in case it was not them */
	cJSON_AddStringToObject(notice, "name", name);
	cJSON_AddStringToObject(notice, "new_email", new_email);
	return mail_queue(&w->db, req->arena, "email_change_notice", old_email, notice);
}

/* PATCH /api/v1/me {name?, avatar_url?, email?, current_password?}: 200
 * {"user"}. A new e-mail waits in pending_email until the link sent to it
 * is followed (only then does sign-in use it); changing it needs the current
 * password (accounts that have one) and the old address is told. 409 e-mail
 * taken, 422. */
int users_me_update(struct worker *w, struct http_request *req, struct http_response *res)
{
	struct profile_input in = {0};
	const char *uid = req->principal->user_id, *email = NULL, *name = NULL;
	bool email_changed, taken = false;
	cJSON *data;
	int rc = HTTP_VALIDATE(req, profile_fields, &in, NULL);

	if (rc != SOUK_OK)
		return rc;
	if (in.avatar_url != NULL && *in.avatar_url != '\0' &&
	    strncmp(in.avatar_url, "https://", 8) != 0)
		return http_field_error(req, "avatar_url", "must be an https:// URL");
	email_changed = in.email != NULL && strcmp(in.email, req->principal->email) != 0;
	if (email_changed) {
		rc = check_password(w, req, in.current_password, "current_password",
				    "is needed to change the e-mail address");
		if (rc == SOUK_OK)
			rc = users_email_taken(&w->db, req->arena, in.email, uid, &taken);
		if (rc != SOUK_OK)
			return rc;
		if (taken) {
			req->error_message = "Another account uses this e-mail address.";
			return SOUK_ECONFLICT;
		}
	}
	rc = db_begin(&w->db, req->arena);
	if (rc == SOUK_OK)
		rc = users_update_profile(&w->db, req->arena, uid, in.name, in.avatar_url,
					  email_changed ? in.email : NULL, &email, &name);
	if (rc == SOUK_OK && email_changed)
		rc = start_email_change(w, req, in.email, email, name);
	if (rc == SOUK_OK) {
		data = json_new_object(req->arena);
		if (in.name)
			cJSON_AddStringToObject(data, "name", in.name);
		if (email_changed)
			cJSON_AddStringToObject(data, "email", in.email);
		if (in.avatar_url)
			cJSON_AddStringToObject(data, "avatar_url", in.avatar_url);
		rc = audit(w, req, "user.profile_update", req->principal->public_id, data);
	}
	/* a new name shows on the pages of the products the user wrote */
	rc = in.name ? catalog_commit(w, req->arena, rc) : db_end(&w->db, req->arena, rc);
	if (rc != SOUK_OK)
		return rc;
	return answer_user(w, req, res, uid);
}

struct password_input {
	const char *current_password, *new_password;
};

static const struct validate_field password_fields[] = {
    {"current_password", VALIDATE_TEXT, 0, 1, 1024,
     offsetof(struct password_input, current_password)},
    /* as sent, not trimmed: the policy judges it */
    {"new_password", VALIDATE_TEXT, VALIDATE_REQUIRED, 1, 0,
     offsetof(struct password_input, new_password)},
};

/* POST /api/v1/me/password {current_password, new_password}: 200; other
 * sessions are signed out. 422 wrong current password or weak new one. An
 * OAuth-only account sets its first password without a current one. */
int users_me_password(struct worker *w, struct http_request *req, struct http_response *res)
{
	struct password_input in = {0};
	const char *uid = req->principal->user_id, *why;
	char hash[PASSWORD_HASH_MAX];
	int rc = HTTP_VALIDATE(req, password_fields, &in, NULL);

	if (rc != SOUK_OK)
		return rc;
	rc = check_password(w, req, in.current_password, "current_password", "is incorrect");
	if (rc != SOUK_OK)
		return rc;
	if ((why = auth_password_policy(in.new_password, req->principal->email)) != NULL)
		return http_field_error(req, "new_password", why);
	if (password_hash(in.new_password, hash) != SOUK_OK)
		return SOUK_EINTERNAL;
	rc = db_begin(&w->db, req->arena);
	if (rc == SOUK_OK)
		rc = users_set_password(&w->db, req->arena, uid, hash);
	if (rc == SOUK_OK)
		rc = users_tokens_void(&w->db, req->arena, uid);
	if (rc == SOUK_OK)
		rc = session_revoke_others(w, req->arena, uid, req->principal->session_id);
	if (rc == SOUK_OK)
		rc = audit(w, req, "user.password_change", req->principal->public_id, NULL);
	if (rc == SOUK_OK)
		rc = mail_queue_password_changed(&w->db, req->arena, req->principal->email,
						 req->principal->name, req->remote_addr);
	rc = db_end(&w->db, req->arena, rc);
	if (rc != SOUK_OK)
		return rc;
	answer_status(res, req, "password_changed");
	return SOUK_OK;
}

/* GET /api/v1/me/sessions?limit=&cursor= (signed in): 200 {"items",
 * "next_cursor"} live sessions, most recently used first (limit 1..100,
 * default 50); 422. */
int users_me_sessions(struct worker *w, struct http_request *req, struct http_response *res)
{
	struct page_cursor after = {0}, next = {.kind = 'S'};
	bool has_after = false, more = false;
	long limit = 0;
	char *items = NULL, *body;
	int rc = page_params(req, 50, 'S', 0, &limit, &after, &has_after);

	if (rc != SOUK_OK)
		return rc;
	rc = session_list(w, req->arena, req->principal->user_id, req->principal->session_id,
			  has_after ? &after.id : NULL, (int)limit, &items, &more, &next.id);
	if (rc != SOUK_OK)
		return rc;
	body = page_document(req->arena, items, more ? &next : NULL);
	http_response_body(res, 200, body, strlen(body));
	return SOUK_OK;
}

/* DELETE /api/v1/me/sessions/{id} (signed in): 200; 404 not one of the
 * caller's live sessions. */
int users_me_session_revoke(struct worker *w, struct http_request *req, struct http_response *res)
{
	const char *id = http_path_param(req, "id");
	cJSON *data = json_new_object(req->arena);
	int rc;

	if (id == NULL || !validate_uuid(id))
		return SOUK_ENOTFOUND;
	cJSON_AddStringToObject(data, "session", id);
	rc = db_begin(&w->db, req->arena);
	if (rc == SOUK_OK)
		rc = session_revoke(w, req->arena, req->principal->user_id, id);
	if (rc == SOUK_OK)
		rc = audit(w, req, "user.session_revoke", req->principal->public_id, data);
	rc = db_end(&w->db, req->arena, rc);
	if (rc != SOUK_OK)
		return rc;
	if (strcmp(id, req->principal->session_id) == 0)
		session_clear_cookies(w, req, res);
	answer_status(res, req, "revoked");
	return SOUK_OK;
}

/* GET /api/v1/me/dashboard (signed in): 200 orders summary, purchases with
 * download counts and limits, recent orders, open enquiries, feedback (each
 * list bounded: the newest 100 purchases, 5 orders, 20 enquiries and 20
 * feedback; the full lists are /me/library and /me/export). */
int users_me_dashboard(struct worker *w, struct http_request *req, struct http_response *res)
{
	char *json = NULL;
	int rc = users_dashboard(&w->db, req->arena, req->principal->user_id,
				 w->config->download_limit, &json);

	if (rc != SOUK_OK)
		return rc;
	http_response_body(res, 200, json, strlen(json));
	return SOUK_OK;
}

/* GET /api/v1/me/export (signed in): 200 all of the user's data as JSON, as
 * a download. */
int users_me_export(struct worker *w, struct http_request *req, struct http_response *res)
{
	char *json = NULL;
	int rc = users_export(&w->db, req->arena, req->principal->user_id, &json);

	if (rc != SOUK_OK)
		return rc;
	http_response_body(res, 200, json, strlen(json));
	http_response_header(res, "Content-Disposition",
			     "attachment; filename=\"souk-export.json\"");
	return SOUK_OK;
}

struct delete_input {
	const char *password;
};

static const struct validate_field delete_fields[] = {
    {"password", VALIDATE_TEXT, 0, 1, 1024, offsetof(struct delete_input, password)},
};

/* DELETE /api/v1/me {password} (signed in): anonymises the account (orders
 * and invoices stay for accounting; the e-mail still queued for it goes),
 * ends every session. 200; 422 wrong password (accounts that have one). */
int users_me_delete(struct worker *w, struct http_request *req, struct http_response *res)
{
	struct delete_input in = {0};
	const char *uid = req->principal->user_id;
	int rc = HTTP_VALIDATE(req, delete_fields, &in, NULL);

	if (rc == SOUK_OK)
		rc = check_password(w, req, in.password, "password", "is incorrect");
	if (rc != SOUK_OK)
		return rc;
	rc = db_begin(&w->db, req->arena);
	if (rc == SOUK_OK)
		rc = users_anonymise(&w->db, req->arena, uid);
	if (rc == SOUK_OK)
		rc = session_revoke_all(w, req->arena, uid);
	if (rc == SOUK_OK)
		rc = audit(w, req, "user.delete", req->principal->public_id, NULL);
	rc = catalog_commit(w, req->arena, rc); /* an author's name leaves product pages */
	if (rc != SOUK_OK)
		return rc;
	session_clear_cookies(w, req, res);
	answer_status(res, req, "deleted");
	return SOUK_OK;
}

/* GET /api/v1/admin/users?q=&role=&status=&limit=&cursor= (users:read): 200
 * {"items", "next_cursor"} newest first (limit 1..100, default 50); 422 for
 * a bad parameter or cursor. */
int users_admin_list(struct worker *w, struct http_request *req, struct http_response *res)
{
	const char *q = http_query(req, "q"), *role = http_query(req, "role");
	const char *status = http_query(req, "status");
	struct page_cursor after = {0}, next = {.kind = 'U'};
	bool has_after = false, more = false;
	long limit = 0;
	char *items = NULL, *body;
	int rc;

	q = q && *q ? q : NULL;
	role = role && *role ? role : NULL;
	status = status && *status ? status : NULL;
	if (q != NULL && utf8_length(q) > 200)
		http_field_error(req, "q", "must be at most 200 characters");
	if (role != NULL && !validate_slug(role))
		http_field_error(req, "role", "must be a role name");
	if (status != NULL && strcmp(status, "active") != 0 && strcmp(status, "disabled") != 0 &&
	    strcmp(status, "deleted") != 0)
		http_field_error(req, "status", "must be active, disabled or deleted");
	const char *filters[] = {q, role, status};

	next.fingerprint = page_fingerprint(filters, 3);
	rc = page_params(req, 50, 'U', next.fingerprint, &limit, &after, &has_after);
	if (rc != SOUK_OK)
		return rc;
	rc = users_list_for_staff(&w->db, req->arena, q ? str_like_escape(req->arena, q) : NULL,
				  role, status, has_after ? &after.id : NULL, (int)limit, &items,
				  &more, &next.id);
	if (rc != SOUK_OK)
		return rc;
	body = page_document(req->arena, items, more ? &next : NULL);
	http_response_body(res, 200, body, strlen(body));
	return SOUK_OK;
}

/* Resolves {id} to users.id (404 not a UUID, unknown or deleted); own, when
 * not NULL, refuses the caller's own account with that 409 message. */
static int admin_user(struct worker *w, struct http_request *req, const char *own,
		      const char **target)
{
	const char *id = http_path_param(req, "id");
	int rc;

	if (id == NULL || !validate_uuid(id))
		return SOUK_ENOTFOUND;
	rc = users_id_of(&w->db, req->arena, id, target);
	if (rc != SOUK_OK)
		return rc;
	if (own != NULL && strcmp(*target, req->principal->user_id) == 0) {
		req->error_message = own;
		return SOUK_ECONFLICT;
	}
	return SOUK_OK;
}

/* Resolves {id} to users.id, refusing the caller's own account. */
static int admin_target(struct worker *w, struct http_request *req, const char **target)
{
	return admin_user(w, req, "You cannot change your own role or status.", target);
}

struct role_input {
	const char *role;
};

static const struct validate_field role_fields[] = {
    {"role", VALIDATE_SLUG, VALIDATE_REQUIRED, 1, 50, offsetof(struct role_input, role)},
};

/* PATCH /api/v1/admin/users/{id}/role {role} (users:manage): 200 {"user"};
 * 404, 409 own account, 422 unknown role. */
int users_admin_role(struct worker *w, struct http_request *req, struct http_response *res)
{
	struct role_input in = {0};
	const char *target = NULL;
	cJSON *data;
	int rc = HTTP_VALIDATE(req, role_fields, &in, NULL);

	if (rc == SOUK_OK)
		rc = admin_target(w, req, &target);
	if (rc != SOUK_OK)
		return rc;
	rc = db_begin(&w->db, req->arena);
	if (rc == SOUK_OK)
		rc = users_admin_set_role(&w->db, req->arena, target, in.role);
	if (rc == SOUK_EINVALID) {
		db_rollback(&w->db, req->arena);
		return http_field_error(req, "role",
					"must be one of admin, editor, support, customer");
	}
	if (rc == SOUK_OK) {
		data = json_new_object(req->arena);
		cJSON_AddStringToObject(data, "role", in.role);
		rc = audit(w, req, "admin.user_role", http_path_param(req, "id"), data);
	}
	rc = db_end(&w->db, req->arena, rc);
	if (rc != SOUK_OK)
		return rc;
	return answer_user(w, req, res, target);
}

static int admin_status(struct worker *w, struct http_request *req, struct http_response *res,
			const char *status)
{
	const char *target = NULL;
	bool disable = strcmp(status, "disabled") == 0;
	int rc = http_validate(req, NULL, 0, NULL, NULL);

	if (rc == SOUK_OK)
		rc = admin_target(w, req, &target);
	if (rc != SOUK_OK)
		return rc;
	rc = db_begin(&w->db, req->arena);
	if (rc == SOUK_OK)
		rc = users_admin_set_status(&w->db, req->arena, target, status);
	if (rc == SOUK_OK && disable)
		rc = session_revoke_all(w, req->arena, target);
	if (rc == SOUK_OK)
		rc = audit(w, req, disable ? "admin.user_disable" : "admin.user_enable",
			   http_path_param(req, "id"), NULL);
	rc = catalog_commit(w, req->arena, rc); /* as is the name of a disabled author */
	if (rc != SOUK_OK)
		return rc;
	answer_status(res, req, status);
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

/* GET /api/v1/admin/users/{id}/sessions?limit=&cursor= (users:manage): 200
 * {"items", "next_cursor"} the user's live sessions as /me/sessions gives
 * them (current: whether it is the caller's own), most recently used first
 * (limit 1..100, default 50); 404, 422. */
int users_admin_sessions(struct worker *w, struct http_request *req, struct http_response *res)
{
	const char *target = NULL, *id = http_path_param(req, "id");
	const char *filters[] = {id};
	struct page_cursor after = {0}, next = {.kind = 'S'};
	bool has_after = false, more = false;
	long limit = 0;
	char *items = NULL, *body;
	int rc = admin_user(w, req, NULL, &target);

	if (rc != SOUK_OK)
		return rc;
	/* tied to the user: a cursor of another user's list (or /me) is a 422 */
	next.fingerprint = page_fingerprint(filters, 1);
	rc = page_params(req, 50, 'S', next.fingerprint, &limit, &after, &has_after);
	if (rc != SOUK_OK)
		return rc;
	rc = session_list(w, req->arena, target, req->principal->session_id,
			  has_after ? &after.id : NULL, (int)limit, &items, &more, &next.id);
	if (rc != SOUK_OK)
		return rc;
	body = page_document(req->arena, items, more ? &next : NULL);
	http_response_body(res, 200, body, strlen(body));
	return SOUK_OK;
}

/* DELETE /api/v1/admin/users/{id}/sessions (users:manage): 200 {"revoked":
 * n}, every session of the user revoked at once (n: how many were live);
 * audited as user.sessions_revoked. 404, 409 own account (that is
 * /auth/logout-all). */
int users_admin_sessions_revoke(struct worker *w, struct http_request *req,
				struct http_response *res)
{
	const char *target = NULL;
	long revoked = 0;
	cJSON *data, *body;
	int rc = admin_user(w, req, "Use sign out everywhere for your own sessions.", &target);

	if (rc != SOUK_OK)
		return rc;
	rc = db_begin(&w->db, req->arena);
	if (rc == SOUK_OK)
		rc = session_revoke_all_counted(w, req->arena, target, &revoked);
	if (rc == SOUK_OK) {
		data = json_new_object(req->arena);
		cJSON_AddNumberToObject(data, "revoked", (double)revoked);
		rc = audit(w, req, "user.sessions_revoked", http_path_param(req, "id"), data);
	}
	rc = db_end(&w->db, req->arena, rc);
	if (rc != SOUK_OK)
		return rc;
	body = json_new_object(req->arena);
	cJSON_AddNumberToObject(body, "revoked", (double)revoked);
	http_response_json(res, req->arena, 200, body);
	return SOUK_OK;
}
