/*
 * audit.h - the audit trail: who did what to which entity, in audit_log.
 * Written in the same transaction as the change it records.
 */
#ifndef SOUK_AUDIT_H
#define SOUK_AUDIT_H

#include <stdbool.h>
#include <stdint.h>

struct arena;
struct cJSON;
struct db;
struct http_request;
struct http_response;
struct worker;

/* actor_user_id: users.id as text, or NULL (system, anonymous); data: a JSON
 * object (not consumed) or NULL; ip may be NULL or "". SOUK_OK or a db error. */
int audit_record(struct db *db, struct arena *a, const char *actor_user_id, const char *action,
		 const char *entity, const char *entity_id, const struct cJSON *data,
		 const char *ip);

/* What the staff view of the trail filters on; NULL = no filter. At most one
 * of actor_id (users.public_id, a UUID) and actor_email (any case) is set;
 * an action ending in '.' is a prefix ("product."), any other is exact. */
struct audit_filter {
	const char *actor_id, *actor_email, *entity, *entity_id, *action;
};

/* The entries matching f as a page (include/souk/page.h), newest first:
 * *items is the JSON text of an array of {id, at, action, entity, entity_id,
 * actor: {id, email, name} | null, data, ip}, in the arena. after_id NULL =
 * the first page; *more and *last_id say whether and where the next page
 * starts. One statement. SOUK_OK or a db error. */
int audit_list(struct db *db, struct arena *a, const struct audit_filter *f,
	       const int64_t *after_id, int limit, char **items, bool *more, int64_t *last_id);

/* GET /api/v1/admin/audit (src/audit/audit_http.c); statuses in its
 * definition. */
int audit_admin_index(struct worker *w, struct http_request *req, struct http_response *res);

#endif
