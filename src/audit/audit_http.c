/*
 * audit_http.c - the staff view of the audit trail (users:manage). HTTP
 * only: the SQL is in audit.c. Read-only.
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "souk/audit.h"
#include "souk/err.h"
#include "souk/http.h"
#include "souk/json.h"
#include "souk/page.h"
#include "souk/str.h"
#include "souk/worker.h"

#define AT_MOST_100 "must be at most 100 characters"

/* ?name= as a filter: NULL when absent or empty; a 422 on name saying why
 * (recorded on req, the value dropped) when it is not UTF-8 or longer than
 * max characters. */
static const char *text_filter(struct http_request *req, const char *name, size_t max,
			       const char *why)
{
	const char *v = http_query(req, name);

	if (v == NULL || *v == '\0')
		return NULL;
	if (!str_is_utf8(v, strlen(v)) || utf8_length(v) > max) {
		http_field_error(req, name, why);
		return NULL;
	}
	return v;
}

/*
 * GET /api/v1/admin/audit?actor=&entity=&entity_id=&action=&limit=&cursor=
 * (users:manage): 200 {"items", "next_cursor"} newest first (limit 1..100,
 * default 50). actor is a user's e-mail (any case) or id; action is exact,
 * or a prefix when it ends in '.'. 422 for a bad parameter or cursor (a
 * cursor is tied to its filters).
 */
int audit_admin_index(struct worker *w, struct http_request *req, struct http_response *res)
{
	const char *actor =
	    text_filter(req, "actor", 254, "must be an e-mail address or a user id");
	struct audit_filter f = {
	    .entity = text_filter(req, "entity", 100, AT_MOST_100),
	    .entity_id = text_filter(req, "entity_id", 100, AT_MOST_100),
	    .action = text_filter(req, "action", 100, AT_MOST_100),
	};
	struct page_cursor after = {0}, next = {.kind = 'T'};
	bool has_after = false, more = false;
	long limit = 0;
	char *items = NULL, *body;
	int rc;

	if (actor != NULL && validate_uuid(actor))
		f.actor_id = actor;
	else if (actor != NULL && strchr(actor, '@') != NULL)
		f.actor_email = actor;
	else if (actor != NULL)
		http_field_error(req, "actor", "must be an e-mail address or a user id");
	const char *filters[] = {actor, f.entity, f.entity_id, f.action};

	next.fingerprint = page_fingerprint(filters, 4);
	rc = page_params(req, 50, 'T', next.fingerprint, &limit, &after, &has_after);
	if (rc != SOUK_OK)
		return rc;
	rc = audit_list(&w->db, req->arena, &f, has_after ? &after.id : NULL, (int)limit, &items,
			&more, &next.id);
	if (rc != SOUK_OK)
		return rc;
	body = page_document(req->arena, items, more ? &next : NULL);
	http_response_body(res, 200, body, strlen(body));
	return SOUK_OK;
}
