/*
 * outbox_http.c - the staff view of the e-mail outbox (mail:read): what was
 * sent, what waits and what failed, and sending a failed message again. See
 * include/souk/mail.h ("staff"). A message's data never leaves the
 * database here: it holds sign-in codes and links.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "souk/arena.h"
#include "souk/audit.h"
#include "souk/auth.h"
#include "souk/db.h"
#include "souk/err.h"
#include "souk/http.h"
#include "souk/json.h"
#include "souk/mail.h"
#include "souk/page.h"
#include "souk/worker.h"

/* clang-format off */
static struct db_statement outbox_list = {
	.name = "mail_outbox_admin_list",
	.sql = "SELECT coalesce(json_agg(x.item ORDER BY x.k DESC) FILTER (WHERE x.n <= $5::int),"
	       " '[]')::text, count(*) > $5::int, min(x.k) FILTER (WHERE x.n <= $5::int) FROM ("
	       " SELECT m.id AS k, row_number() OVER (ORDER BY m.id DESC) AS n,"
	       " json_build_object('id', m.id::text, 'template', m.template, 'recipient', m.recipient,"
	       "  'status', m.status, 'attempts', m.attempts,"
	       "  'next_attempt_at', " DB_TS("m.next_attempt_at") ", 'last_error', m.last_error,"
	       "  'provider_message_id', m.provider_message_id,"
	       "  'created_at', " DB_TS("m.created_at") ", 'sent_at', " DB_TS("m.sent_at") ") AS item"
	       " FROM email_outbox m"
	       " WHERE ($1::text IS NULL OR m.status = $1)"
	       " AND ($2::citext IS NULL OR m.recipient = $2::citext)"
	       " AND ($3::text IS NULL OR m.template = $3)"
	       " AND ($4::bigint IS NULL OR m.id < $4::bigint)"
	       " ORDER BY m.id DESC LIMIT $5::int + 1) x",
	.nparams = 5,
	.flags = DB_READONLY | DB_CUSTOM_PLAN,
};
/* clang-format on */

/* a failed message gets a fresh set of attempts, now */
static struct db_statement outbox_retry_failed = {
    .name = "mail_outbox_admin_retry",
    .sql = "UPDATE email_outbox SET status = 'pending', attempts = 0, next_attempt_at = now()"
	   " WHERE id = $1::bigint AND status = 'failed' RETURNING template, recipient",
    .nparams = 1,
};

static struct db_statement outbox_status = {
    .name = "mail_outbox_admin_status",
    .sql = "SELECT status FROM email_outbox WHERE id = $1::bigint",
    .nparams = 1,
    .flags = DB_READONLY,
};

static bool status_valid(const char *s)
{
	return strcmp(s, "pending") == 0 || strcmp(s, "sending") == 0 || strcmp(s, "sent") == 0 ||
	       strcmp(s, "failed") == 0;
}

static bool id_valid(const char *s)
{
	size_t n = s != NULL ? strlen(s) : 0;

	if (n == 0 || n > 18)
		return false;
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

int outbox_admin_index(struct worker *w, struct http_request *req, struct http_response *res)
{
	const char *status = http_query(req, "status"), *recipient = http_query(req, "recipient");
	const char *template_name = http_query(req, "template");
	const char *filters[] = {status, recipient, template_name};
	struct page_cursor after = {0}, next = {.kind = 'M'};
	bool has_after = false, bad = false;
	long limit = 0;
	PGresult *r = NULL;
	int rc;

	if (status != NULL && !status_valid(status))
		bad = http_field_error(req, "status", "must be pending, sending, sent or failed");
	if (recipient != NULL && (strlen(recipient) > 254 || strchr(recipient, '@') == NULL))
		bad = http_field_error(req, "recipient", "must be an e-mail address");
	if (template_name != NULL && (strlen(template_name) > 60 || template_name[0] == '\0'))
		bad = http_field_error(req, "template", "must be a template name");
	next.fingerprint = page_fingerprint(filters, 3);
	rc = page_params(req, 50, 'M', next.fingerprint, &limit, &after, &has_after);
	if (bad || rc != SOUK_OK)
		return SOUK_EINVALID;
	const char *params[] = {status, recipient, template_name,
				has_after ? arena_printf(req->arena, "%lld", (long long)after.id)
					  : NULL,
				arena_printf(req->arena, "%ld", limit)};

	rc = db_exec(&w->db, req->arena, &outbox_list, params, &r);
	if (rc != SOUK_OK)
		return rc;
	return page_respond(res, req->arena, PQgetvalue(r, 0, 0), PQgetvalue(r, 0, 1),
			    PQgetisnull(r, 0, 2) ? NULL : PQgetvalue(r, 0, 2), &next);
}

int outbox_admin_retry(struct worker *w, struct http_request *req, struct http_response *res)
{
	const char *id = http_path_param(req, "id");
	const char *params[] = {id};
	PGresult *r = NULL;
	cJSON *doc, *data;
	int rc;

	if (!id_valid(id))
		return SOUK_ENOTFOUND;
	rc = db_begin(&w->db, req->arena);
	if (rc != SOUK_OK)
		return rc;
	rc = db_exec(&w->db, req->arena, &outbox_retry_failed, params, &r);
	if (rc == SOUK_OK && PQntuples(r) == 0) {
		rc = db_exec(&w->db, req->arena, &outbox_status, params, &r);
		if (rc == SOUK_OK && PQntuples(r) == 0) {
			rc = SOUK_ENOTFOUND;
		} else if (rc == SOUK_OK) {
			req->error_message = arena_printf(
			    req->arena, "Only a failed message is sent again; this one is %s.",
			    PQgetvalue(r, 0, 0));
			rc = SOUK_ECONFLICT;
		}
		return db_end(&w->db, req->arena, rc);
	}
	if (rc == SOUK_OK) {
		data = json_new_object(req->arena);
		cJSON_AddStringToObject(data, "template", PQgetvalue(r, 0, 0));
		rc = audit_record(&w->db, req->arena, req->principal->user_id, "mail.retry",
				  "email", id, data, req->remote_addr);
	}
	rc = db_end(&w->db, req->arena, rc);
	if (rc != SOUK_OK)
		return rc;
	doc = json_new_object(req->arena);
	cJSON_AddStringToObject(doc, "id", id);
	cJSON_AddStringToObject(doc, "status", "pending");
	http_response_json(res, req->arena, 202, doc);
	return SOUK_OK;
}
