/*
 * audit.h - the audit trail: who did what to which entity, in audit_log.
 * Written in the same transaction as the change it records.
 */
#ifndef SOUK_AUDIT_H
#define SOUK_AUDIT_H

struct arena;
struct cJSON;
struct db;

/* actor_user_id: users.id as text, or NULL (system, anonymous); data: a JSON
 * object (not consumed) or NULL; ip may be NULL or "". SOUK_OK or a db error. */
int audit_record(struct db *db, struct arena *a, const char *actor_user_id, const char *action,
		 const char *entity, const char *entity_id, const struct cJSON *data,
		 const char *ip);

#endif
