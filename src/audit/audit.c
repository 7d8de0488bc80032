/* audit.c - rows of audit_log; see include/souk/audit.h. */
#include "souk/audit.h"

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
