/* audit.c - rows of audit_log; see include/souk/audit.h. */
#include "souk/audit.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "souk/arena.h"
#include "souk/db.h"
#include "souk/err.h"
#include "souk/json.h"

static struct db_statement audit_insert = {
    .name = "audit_insert",
    .sql = "INSERT INTO audit_log (actor_id, action, entity, entity_id, data, ip)"
	   " VALUES ($1::bigint, $2, $3, $4, $5::jsonb, NULLIF($6, '')::inet)",
    .nparams = 6,
};

int audit_record(struct db *db, struct arena *a, const char *actor_user_id, const char *action,
		 const char *entity, const char *entity_id, const struct cJSON *data,
		 const char *ip)
{
	char *json = data ? json_print(a, data) : NULL;
	const char *params[] = {actor_user_id,	      action,
				entity ? entity : "", entity_id ? entity_id : "",
				json ? json : "{}",   ip ? ip : ""};

	return db_exec(db, a, &audit_insert, params, NULL);
}

/* clang-format off */
/*
 * Newest first, keyset on audit_log.id (ids are issued in time order). $1
 * actor public id, $2 actor e-mail, $3 entity, $4 entity_id, $5 action
 * (exact), $6 action prefix, $7 after id, $8 limit. One row: (items JSON,
 * more, id of the last item).
 */
static struct db_statement audit_list_st = {
	.name = "audit_list",
	.sql = "SELECT coalesce(json_agg(x.item ORDER BY x.k DESC) FILTER (WHERE x.n <= $8::int),"
	       " '[]')::text, count(*) > $8::int, min(x.k) FILTER (WHERE x.n <= $8::int) FROM ("
	       " SELECT l.id AS k, row_number() OVER (ORDER BY l.id DESC) AS n,"
	       " json_build_object('id', l.id::text, 'at', " DB_TS("l.at") ","
	       "  'action', l.action, 'entity', l.entity, 'entity_id', l.entity_id,"
	       "  'actor', CASE WHEN u.id IS NULL THEN NULL ELSE"
	       "   json_build_object('id', u.public_id, 'email', u.email, 'name', u.name) END,"
	       "  'data', l.data, 'ip', host(l.ip)) AS item"
	       " FROM audit_log l LEFT JOIN users u ON u.id = l.actor_id"
	       " WHERE ($1::uuid IS NULL OR u.public_id = $1::uuid)"
	       " AND ($2::citext IS NULL OR u.email = $2::citext)"
	       " AND ($3::text IS NULL OR l.entity = $3)"
	       " AND ($4::text IS NULL OR l.entity_id = $4)"
	       " AND ($5::text IS NULL OR l.action = $5)"
	       " AND ($6::text IS NULL OR starts_with(l.action, $6))"
	       " AND ($7::bigint IS NULL OR l.id < $7::bigint)"
	       " ORDER BY l.id DESC LIMIT $8::int + 1) x",
	.nparams = 8,
	.flags = DB_READONLY | DB_CUSTOM_PLAN, /* optional filters: planned per call */
};
/* clang-format on */

int audit_list(struct db *db, struct arena *a, const struct audit_filter *f,
	       const int64_t *after_id, int limit, char **items, bool *more, int64_t *last_id)
{
	bool prefix = f->action != NULL && f->action[strlen(f->action) - 1] == '.';
	char limit_text[16], *after = NULL;
	PGresult *r = NULL;
	int rc;

	snprintf(limit_text, sizeof(limit_text), "%d", limit);
	if (after_id != NULL)
		after = arena_printf(a, "%" PRId64, *after_id);
	const char *params[] = {f->actor_id,
				f->actor_email,
				f->entity,
				f->entity_id,
				prefix ? NULL : f->action,
				prefix ? f->action : NULL,
				after,
				limit_text};

	rc = db_exec(db, a, &audit_list_st, params, &r);
	if (rc != SOUK_OK)
		return rc;
	*items = PQgetvalue(r, 0, 0);
	*more = PQgetvalue(r, 0, 1)[0] == 't';
	*last_id = PQgetisnull(r, 0, 2) ? 0 : strtoll(PQgetvalue(r, 0, 2), NULL, 10);
	return SOUK_OK;
}
