/*
 * enquiries.c - the contact form and the staff inbox (enquiries:manage).
 *
 * POST /api/v1/enquiries stores the message and, in the same transaction,
 * queues enquiry_received to the support address and enquiry_autoreply to
 * the sender (the outbox). A filled honeypot member ("website", hidden from
 * people by the form) is answered like a success and stores nothing; each
 * address and each client IP may send a few an hour (429 after). Staff see
 * the inbox by status and assignee, assign, open and close, keep internal
 * notes and reply by e-mail (enquiry_reply, recorded as a note).
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "souk/arena.h"
#include "souk/audit.h"
#include "souk/auth.h"
#include "souk/cms.h"
#include "souk/config.h"
#include "souk/db.h"
#include "souk/err.h"
#include "souk/http.h"
#include "souk/json.h"
#include "souk/mail.h"
#include "souk/page.h"
#include "souk/ratelimit.h"
#include "souk/str.h"
#include "souk/worker.h"

#define PER_ADDRESS_LIMIT 3 /* enquiries from one e-mail address an hour */
#define PER_IP_LIMIT 10	    /* from one client address an hour */
#define WINDOW_SECONDS 3600

/* clang-format off */
#define ENQUIRY_JSON \
	"json_build_object('id', e.public_id, 'name', e.name, 'email', e.email," \
	" 'subject', e.subject, 'status', e.status," \
	" 'assignee', (SELECT json_build_object('email', u.email, 'name', u.name)" \
	"  FROM users u WHERE u.id = e.assignee_id)," \
	" 'user', (SELECT json_build_object('id', u.public_id, 'email', u.email)" \
	"  FROM users u WHERE u.id = e.user_id)," \
	" 'created_at', " DB_TS("e.created_at") ", 'updated_at', " DB_TS("e.updated_at")

static struct db_statement enquiry_insert = {
	.name = "cms_enquiry_insert",
	.sql = "INSERT INTO enquiries (name, email, subject, message, user_id, ip)"
	       " VALUES ($1, $2, coalesce($3, ''), $4, $5::bigint, $6::inet) RETURNING public_id",
	.nparams = 6,
};

/* $2: assignee e-mail, "me" is resolved by the caller, "none" = unassigned */
static struct db_statement enquiry_list = {
	.name = "cms_enquiry_list",
	.sql = "SELECT coalesce(json_agg(x.item ORDER BY x.k DESC) FILTER (WHERE x.n <= $4::int),"
	       " '[]')::text, count(*) > $4::int, min(x.k) FILTER (WHERE x.n <= $4::int) FROM ("
	       " SELECT e.id AS k, row_number() OVER (ORDER BY e.id DESC) AS n,"
	       " " ENQUIRY_JSON ", 'preview', left(e.message, 200)) AS item"
	       " FROM enquiries e"
	       " WHERE ($1::text IS NULL OR e.status = $1)"
	       " AND ($2::text IS NULL OR ($2 = 'none' AND e.assignee_id IS NULL)"
	       "  OR e.assignee_id = (SELECT u.id FROM users u WHERE u.email = $2::citext))"
	       " AND ($3::bigint IS NULL OR e.id < $3::bigint)"
	       " ORDER BY e.id DESC LIMIT $4::int + 1) x",
	.nparams = 4,
	.flags = DB_READONLY | DB_CUSTOM_PLAN,
};

static struct db_statement enquiry_get = {
	.name = "cms_enquiry_get",
	.sql = "SELECT " ENQUIRY_JSON ", 'message', e.message,"
	       " 'notes', (SELECT coalesce(json_agg(json_build_object('id', n.id::text,"
	       "  'kind', n.kind, 'body', n.body,"
	       "  'author', (SELECT u.email FROM users u WHERE u.id = n.author_id),"
	       "  'created_at', " DB_TS("n.created_at") ") ORDER BY n.id), '[]')"
	       "  FROM (SELECT * FROM enquiry_notes WHERE enquiry_id = e.id ORDER BY id LIMIT 500) n)"
	       ")::text, e.id, e.name, e.email, e.subject, e.message"
	       " FROM enquiries e WHERE e.public_id = $1::uuid",
	.nparams = 1,
	.flags = DB_READONLY,
};

/* staff who may be assigned: those holding enquiries:manage */
static struct db_statement enquiry_assignee = {
	.name = "cms_enquiry_assignee",
	.sql = "SELECT u.id FROM users u JOIN roles r ON r.id = u.role_id"
	       " JOIN role_permissions rp ON rp.role_id = r.id"
	       " JOIN permissions p ON p.id = rp.permission_id AND p.name = 'enquiries:manage'"
	       " WHERE u.email = $1::citext AND u.status = 'active'",
	.nparams = 1,
	.flags = DB_READONLY,
};

static struct db_statement enquiry_update = {
	.name = "cms_enquiry_update",
	.sql = "UPDATE enquiries SET status = coalesce($2, status),"
	       " assignee_id = CASE WHEN $3::boolean THEN $4::bigint ELSE assignee_id END"
	       " WHERE public_id = $1::uuid RETURNING id",
	.nparams = 4,
};

static struct db_statement enquiry_note_insert = {
	.name = "cms_enquiry_note_insert",
	.sql = "INSERT INTO enquiry_notes (enquiry_id, author_id, kind, body)"
	       " VALUES ($1::bigint, $2::bigint, $3, $4) RETURNING id",
	.nparams = 4,
};

/* a reply opens a new enquiry */
static struct db_statement enquiry_replied = {
	.name = "cms_enquiry_replied",
	.sql = "UPDATE enquiries SET status = 'open' WHERE id = $1::bigint AND status = 'new'",
	.nparams = 1,
};
/* clang-format on */

/* ------------------------------------------------------------------------
 * The contact form
 * ------------------------------------------------------------------------ */

struct enquiry_form {
	const char *name, *email, *subject, *message, *website;
};

static const struct validate_field enquiry_fields[] = {
    {"name", VALIDATE_STRING, VALIDATE_REQUIRED, 1, 200, offsetof(struct enquiry_form, name)},
    {"email", VALIDATE_EMAIL, VALIDATE_REQUIRED, 3, 254, offsetof(struct enquiry_form, email)},
    {"subject", VALIDATE_STRING, 0, 0, 200, offsetof(struct enquiry_form, subject)},
    {"message", VALIDATE_TEXT, VALIDATE_REQUIRED, 1, 10000, offsetof(struct enquiry_form, message)},
    /* the honeypot: people never see it, so never fill it */
    {"website", VALIDATE_TEXT, 0, 0, 2000, offsetof(struct enquiry_form, website)},
};

/* Both e-mails of a new enquiry, queued in the caller's transaction. */
static int enquiry_queue_mail(struct worker *w, struct arena *a, const char *id,
			      const struct enquiry_form *f)
{
	cJSON *staff = json_new_object(a), *sender = json_new_object(a);
	int rc;

	cJSON_AddStringToObject(staff, "enquiry_id", id);
	cJSON_AddStringToObject(staff, "from_name", f->name);
	cJSON_AddStringToObject(staff, "from_email", f->email);
	cJSON_AddStringToObject(staff, "subject", f->subject != NULL ? f->subject : "");
	cJSON_AddStringToObject(staff, "message", f->message);
	cJSON_AddStringToObject(
	    staff, "link", arena_printf(a, "%s/admin/enquiries/%s", w->config->public_url, id));
	rc = mail_queue(&w->db, a, "enquiry_received", w->config->support_email, staff);
	if (rc != SOUK_OK)
		return rc;
	/* only the name and the reference: what the sender wrote is not
	 * repeated, or the form would relay any text to any address */
	cJSON_AddStringToObject(sender, "name", f->name);
	cJSON_AddStringToObject(sender, "reference", id);
	return mail_queue(&w->db, a, "enquiry_autoreply", f->email, sender);
}

/* SOUK_OK, or SOUK_ERATELIMIT with Retry-After set on res. */
static int enquiry_rate_limit(struct worker *w, struct http_request *req, struct http_response *res,
			      const char *email)
{
	long retry = 0;
	int rc = ratelimit_hit(&w->redis, req->arena,
			       arena_printf(req->arena, "rl:enquiry:ip:%s", req->remote_addr),
			       PER_IP_LIMIT, WINDOW_SECONDS, &retry);

	if (rc == SOUK_OK)
		rc = ratelimit_hit(&w->redis, req->arena,
				   arena_printf(req->arena, "rl:enquiry:email:%s", email),
				   PER_ADDRESS_LIMIT, WINDOW_SECONDS, &retry);
	if (rc == SOUK_ERATELIMIT) {
		http_response_header(res, "Retry-After", arena_printf(req->arena, "%ld", retry));
		req->error_message = "Too many messages from here; try again later.";
	}
	return rc;
}

/* POST /api/v1/enquiries {name, email, subject?, message}: 202 {id,
 * status:"received"}; 422 with fields; 429 with Retry-After. */
int cms_enquiry_create(struct worker *w, struct http_request *req, struct http_response *res)
{
	struct enquiry_form f = {0};
	PGresult *r = NULL;
	cJSON *doc;
	const char *id;
	int rc = HTTP_VALIDATE(req, enquiry_fields, &f, NULL);

	if (rc != SOUK_OK)
		return rc;
	doc = json_new_object(req->arena);
	if (f.website != NULL && f.website[0] != '\0') {
		/* a bot: it learns nothing, nothing is stored or sent */
		cJSON_AddStringToObject(doc, "id", "00000000-0000-4000-8000-000000000000");
		cJSON_AddStringToObject(doc, "status", "received");
		http_response_json(res, req->arena, 202, doc);
		return SOUK_OK;
	}
	rc = enquiry_rate_limit(w, req, res, f.email);
	if (rc != SOUK_OK)
		return rc;
	const char *params[] = {f.name,
				f.email,
				f.subject,
				f.message,
				req->principal != NULL ? req->principal->user_id : NULL,
				req->remote_addr != NULL && req->remote_addr[0] ? req->remote_addr
										: NULL};
	rc = db_begin(&w->db, req->arena);
	if (rc != SOUK_OK)
		return rc;
	rc = db_exec(&w->db, req->arena, &enquiry_insert, params, &r);
	id = rc == SOUK_OK ? arena_strdup(req->arena, PQgetvalue(r, 0, 0)) : NULL;
	if (rc == SOUK_OK)
		rc = enquiry_queue_mail(w, req->arena, id, &f);
	rc = db_end(&w->db, req->arena, rc);
	if (rc != SOUK_OK)
		return rc;
	cJSON_AddStringToObject(doc, "id", id);
	cJSON_AddStringToObject(doc, "status", "received");
	http_response_json(res, req->arena, 202, doc);
	return SOUK_OK;
}

/* ------------------------------------------------------------------------
 * The staff inbox
 * ------------------------------------------------------------------------ */

static bool status_valid(const char *s)
{
	return strcmp(s, "new") == 0 || strcmp(s, "open") == 0 || strcmp(s, "closed") == 0;
}

/* GET /api/v1/admin/enquiries?status=&assignee=(e-mail|me|none): 200 a page,
 * newest first; 422. */
int cms_enquiries_admin_index(struct worker *w, struct http_request *req, struct http_response *res)
{
	const char *status = http_query(req, "status"), *assignee = http_query(req, "assignee");
	const char *filters[2];
	struct page_cursor after = {0}, next = {.kind = 'E'};
	bool has_after = false, bad = false;
	long limit = 0;
	PGresult *r = NULL;
	int rc;

	if (status != NULL && !status_valid(status))
		bad = http_field_error(req, "status", "must be new, open or closed");
	if (assignee != NULL && strcmp(assignee, "me") == 0)
		assignee = req->principal->email;
	if (assignee != NULL && strcmp(assignee, "none") != 0 && !validate_email(assignee))
		bad = http_field_error(req, "assignee", "must be an e-mail address, me or none");
	filters[0] = status;
	filters[1] = assignee;
	next.fingerprint = page_fingerprint(filters, 2);
	rc = page_params(req, 50, 'E', next.fingerprint, &limit, &after, &has_after);
	if (bad || rc != SOUK_OK)
		return SOUK_EINVALID;
	const char *params[] = {status, assignee,
				has_after ? arena_printf(req->arena, "%lld", (long long)after.id)
					  : NULL,
				arena_printf(req->arena, "%ld", limit)};
	rc = db_exec(&w->db, req->arena, &enquiry_list, params, &r);
	if (rc != SOUK_OK)
		return rc;
	return page_respond(res, req->arena, PQgetvalue(r, 0, 0), PQgetvalue(r, 0, 1),
			    PQgetisnull(r, 0, 2) ? NULL : PQgetvalue(r, 0, 2), &next);
}

/* The enquiry by public id: SOUK_OK with *r (columns: JSON, id, name, email,
 * subject, message), SOUK_ENOTFOUND. */
static int enquiry_find(struct worker *w, struct arena *a, const char *id, PGresult **r)
{
	const char *params[] = {id};
	int rc;

	if (!validate_uuid(id))
		return SOUK_ENOTFOUND;
	rc = db_exec(&w->db, a, &enquiry_get, params, r);
	if (rc == SOUK_OK && PQntuples(*r) == 0)
		rc = SOUK_ENOTFOUND;
	return rc;
}

static int enquiry_answer(struct worker *w, struct http_request *req, struct http_response *res,
			  int status, const char *id)
{
	PGresult *r = NULL;
	int rc = enquiry_find(w, req->arena, id, &r);

	if (rc != SOUK_OK)
		return rc;
	http_response_body(res, status, PQgetvalue(r, 0, 0), (size_t)PQgetlength(r, 0, 0));
	return SOUK_OK;
}

/* GET /api/v1/admin/enquiries/{id}: 200 the enquiry with its message and
 * notes (replies included); 404. */
int cms_enquiries_admin_show(struct worker *w, struct http_request *req, struct http_response *res)
{
	return enquiry_answer(w, req, res, 200, http_path_param(req, "id"));
}

struct enquiry_change {
	const char *status, *assignee;
};

static const struct validate_field change_fields[] = {
    {"status", VALIDATE_STRING, 0, 1, 10, offsetof(struct enquiry_change, status)},
    {"assignee", VALIDATE_EMAIL, VALIDATE_NULLABLE, 3, 254,
     offsetof(struct enquiry_change, assignee)},
};

/* PATCH /api/v1/admin/enquiries/{id} {status?, assignee? (e-mail of staff
 * with enquiries:manage, or null)}: 200 the enquiry; 404; 422. */
int cms_enquiries_admin_update(struct worker *w, struct http_request *req,
			       struct http_response *res)
{
	const char *id = http_path_param(req, "id");
	struct enquiry_change c = {0};
	struct validate_result result = {0};
	const char *assignee_id = NULL;
	bool assignee_given;
	PGresult *r = NULL;
	int rc = HTTP_VALIDATE(req, change_fields, &c, &result);

	if (rc != SOUK_OK)
		return rc;
	if (c.status != NULL && !status_valid(c.status))
		return http_field_error(req, "status", "must be new, open or closed");
	assignee_given = (result.present >> 1) & 1;
	if (c.assignee != NULL) {
		const char *params[] = {c.assignee};

		rc = db_exec(&w->db, req->arena, &enquiry_assignee, params, &r);
		if (rc != SOUK_OK)
			return rc;
		if (PQntuples(r) == 0)
			return http_field_error(req, "assignee",
						"must be a staff member who handles enquiries");
		assignee_id = arena_strdup(req->arena, PQgetvalue(r, 0, 0));
	}
	if (!validate_uuid(id))
		return SOUK_ENOTFOUND;
	const char *params[] = {id, c.status, assignee_given ? "true" : "false", assignee_id};
	rc = db_begin(&w->db, req->arena);
	if (rc != SOUK_OK)
		return rc;
	rc = db_exec(&w->db, req->arena, &enquiry_update, params, &r);
	if (rc == SOUK_OK && PQntuples(r) == 0)
		rc = SOUK_ENOTFOUND;
	if (rc == SOUK_OK) {
		cJSON *data = json_new_object(req->arena);

		if (c.status != NULL)
			cJSON_AddStringToObject(data, "status", c.status);
		if (assignee_given)
			cJSON_AddStringToObject(data, "assignee", c.assignee ? c.assignee : "");
		rc = audit_record(&w->db, req->arena, req->principal->user_id, "enquiry.update",
				  "enquiry", id, data, req->remote_addr);
	}
	rc = db_end(&w->db, req->arena, rc);
	if (rc != SOUK_OK)
		return rc;
	return enquiry_answer(w, req, res, 200, id);
}

struct enquiry_text {
	const char *body;
};

static const struct validate_field note_fields[] = {
    {"body", VALIDATE_TEXT, VALIDATE_REQUIRED, 1, 10000, offsetof(struct enquiry_text, body)},
};

/* Adds a note of kind to the enquiry; for a reply, queues enquiry_reply to
 * the sender too, and a new enquiry becomes open. */
static int enquiry_add_note(struct worker *w, struct http_request *req, struct http_response *res,
			    const char *kind)
{
	const char *id = http_path_param(req, "id");
	struct enquiry_text t = {0};
	PGresult *e = NULL;
	int rc = HTTP_VALIDATE(req, note_fields, &t, NULL);

	if (rc != SOUK_OK)
		return rc;
	if (*str_trim(arena_strdup(req->arena, t.body)) == '\0')
		return http_field_error(req, "body", "must not be empty");
	rc = db_begin(&w->db, req->arena);
	if (rc != SOUK_OK)
		return rc;
	rc = enquiry_find(w, req->arena, id, &e);
	const char *params[] = {rc == SOUK_OK ? PQgetvalue(e, 0, 1) : NULL, req->principal->user_id,
				kind, t.body};
	if (rc == SOUK_OK)
		rc = db_exec(&w->db, req->arena, &enquiry_note_insert, params, NULL);
	if (rc == SOUK_OK && strcmp(kind, "reply") == 0) {
		cJSON *data = json_new_object(req->arena);
		const char *enquiry[] = {PQgetvalue(e, 0, 1)};

		cJSON_AddStringToObject(data, "name", PQgetvalue(e, 0, 2));
		cJSON_AddStringToObject(data, "subject", PQgetvalue(e, 0, 4));
		cJSON_AddStringToObject(data, "message", PQgetvalue(e, 0, 5));
		cJSON_AddStringToObject(data, "reply", t.body);
		cJSON_AddStringToObject(data, "reference", id);
		if (req->principal->name != NULL)
			cJSON_AddStringToObject(data, "staff_name", req->principal->name);
		rc = mail_queue(&w->db, req->arena, "enquiry_reply", PQgetvalue(e, 0, 3), data);
		if (rc == SOUK_OK)
			rc = db_exec(&w->db, req->arena, &enquiry_replied, enquiry, NULL);
	}
	if (rc == SOUK_OK)
		rc = audit_record(&w->db, req->arena, req->principal->user_id,
				  strcmp(kind, "reply") == 0 ? "enquiry.reply" : "enquiry.note",
				  "enquiry", id, NULL, req->remote_addr);
	rc = db_end(&w->db, req->arena, rc);
	if (rc != SOUK_OK)
		return rc;
	return enquiry_answer(w, req, res, 201, id);
}

/* POST /api/v1/admin/enquiries/{id}/notes {body}: 201 the enquiry with the
 * new internal note (never sent); 404; 422. */
int cms_enquiries_admin_note(struct worker *w, struct http_request *req, struct http_response *res)
{
	return enquiry_add_note(w, req, res, "note");
}

/* POST /api/v1/admin/enquiries/{id}/reply {body}: 201 the enquiry; the reply
 * is e-mailed to the sender through the outbox (enquiry_reply) and kept as a
 * note; 404; 422. */
int cms_enquiries_admin_reply(struct worker *w, struct http_request *req, struct http_response *res)
{
	return enquiry_add_note(w, req, res, "reply");
}
