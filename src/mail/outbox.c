/* outbox.c - rows of email_outbox; see include/souk/mail.h. */
#include "souk/mail.h"

#include <stdlib.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "souk/arena.h"
#include "souk/db.h"
#include "souk/err.h"
#include "souk/json.h"

static struct db_statement outbox_insert = {
    .name = "mail_outbox_insert",
    .sql = "INSERT INTO email_outbox (template, recipient, data) VALUES ($1, $2, $3::jsonb)",
    .nparams = 3,
};

static struct db_statement outbox_insert_once = {
    .name = "mail_outbox_insert_once",
    .sql = "INSERT INTO email_outbox (template, recipient, data, dedupe_key)"
	   " VALUES ($1, $2, $3::jsonb, $4) ON CONFLICT (dedupe_key) DO NOTHING",
    .nparams = 4,
};

static struct db_statement outbox_claim = {
    .name = "mail_outbox_claim",
    .sql = "UPDATE email_outbox o SET status = 'sending', attempts = o.attempts + 1,"
	   " next_attempt_at = now() + " MAIL_LEASE " FROM (SELECT id FROM email_outbox"
	   "   WHERE status IN ('pending', 'sending') AND next_attempt_at <= now()"
	   "   ORDER BY next_attempt_at LIMIT $1::int FOR UPDATE SKIP LOCKED) due"
	   " WHERE o.id = due.id RETURNING o.id, o.template, o.recipient, o.data::text,"
	   " o.attempts, extract(epoch FROM now() - o.created_at)::bigint",
    .nparams = 1,
};

static struct db_statement outbox_get = {
    .name = "mail_outbox_get",
    .sql = "SELECT id, template, recipient, data::text, attempts,"
	   " extract(epoch FROM now() - created_at)::bigint, status, last_error"
	   " FROM email_outbox WHERE id = $1::bigint",
    .nparams = 1,
    .flags = DB_READONLY,
};

static struct db_statement outbox_sent = {
    .name = "mail_outbox_sent",
    .sql = "UPDATE email_outbox SET status = 'sent', sent_at = now(), last_error = NULL,"
	   " provider_message_id = left($2, 500) WHERE id = $1::bigint",
    .nparams = 2,
};

static struct db_statement outbox_retry = {
    .name = "mail_outbox_retry",
    .sql = "UPDATE email_outbox SET status = CASE WHEN $4::boolean THEN 'failed' ELSE 'pending'"
	   " END, last_error = left($2, 1000), next_attempt_at = now() + interval '1 second' *"
	   " $3::int, attempts = attempts - CASE WHEN $5::boolean THEN 1 ELSE 0 END"
	   " WHERE id = $1::bigint",
    .nparams = 5,
};

static struct db_statement outbox_forget = {
    .name = "mail_outbox_forget",
    .sql = "DELETE FROM email_outbox WHERE recipient = $1",
    .nparams = 1,
};

/* The data of a security notice: name and ip when known, and when (now, in
 * the shop's time: IST, UTC+05:30 with no daylight saving). */
static cJSON *notice_data(struct arena *a, const char *name, const char *ip)
{
	static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
					     "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
	time_t ist = time(NULL) + 19800;
	cJSON *data = json_new_object(a);
	struct tm tm;

	gmtime_r(&ist, &tm);
	if (name != NULL && name[0] != '\0')
		cJSON_AddStringToObject(data, "name", name);
	cJSON_AddStringToObject(data, "when",
				arena_printf(a, "%d %s %d, %02d:%02d IST", tm.tm_mday,
					     months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour,
					     tm.tm_min));
	if (ip != NULL && ip[0] != '\0')
		cJSON_AddStringToObject(data, "ip", ip);
	return data;
}

int mail_queue_password_changed(struct db *db, struct arena *a, const char *email, const char *name,
				const char *ip)
{
	return mail_queue(db, a, "password_changed", email, notice_data(a, name, ip));
}

int mail_queue_new_signin(struct db *db, struct arena *a, const char *email, const char *name,
			  const char *device, const char *ip, const char *sessions_link)
{
	cJSON *data = notice_data(a, name, ip);

	cJSON_AddStringToObject(data, "device",
				device != NULL && device[0] != '\0' ? device : "an unnamed device");
	cJSON_AddStringToObject(data, "sessions_link", sessions_link);
	return mail_queue(db, a, "new_signin", email, data);
}

int mail_forget_recipient(struct db *db, struct arena *a, const char *recipient)
{
	const char *params[] = {recipient};

	return db_exec(db, a, &outbox_forget, params, NULL);
}

int mail_queue(struct db *db, struct arena *a, const char *template_name, const char *recipient,
	       const struct cJSON *data)
{
	char *json = data ? json_print(a, data) : NULL;
	const char *params[] = {template_name, recipient, json ? json : "{}"};

	return db_exec(db, a, &outbox_insert, params, NULL);
}

int mail_queue_once(struct db *db, struct arena *a, const char *template_name,
		    const char *recipient, const struct cJSON *data, const char *dedupe_key)
{
	char *json = data ? json_print(a, data) : NULL;
	const char *params[] = {template_name, recipient, json ? json : "{}", dedupe_key};

	return db_exec(db, a, &outbox_insert_once, params, NULL);
}

int mail_claim(struct db *db, struct arena *a, long n, struct mail_row **rows, size_t *got)
{
	const char *params[] = {arena_printf(a, "%ld", n)};
	PGresult *r = NULL;
	int rc = db_exec(db, a, &outbox_claim, params, &r);

	*got = 0;
	if (rc != SOUK_OK)
		return rc;
	*rows = arena_alloc(a, sizeof(**rows) * ((size_t)PQntuples(r) + 1));
	for (int i = 0; i < PQntuples(r); i++) {
		struct mail_row *m = &(*rows)[i];

		m->id = arena_strdup(a, PQgetvalue(r, i, 0));
		m->template_name = arena_strdup(a, PQgetvalue(r, i, 1));
		m->recipient = arena_strdup(a, PQgetvalue(r, i, 2));
		m->data = arena_strdup(a, PQgetvalue(r, i, 3));
		m->attempts = strtol(PQgetvalue(r, i, 4), NULL, 10);
		m->age_s = strtol(PQgetvalue(r, i, 5), NULL, 10);
	}
	*got = (size_t)PQntuples(r);
	return SOUK_OK;
}

int mail_row_get(struct db *db, struct arena *a, const char *id, struct mail_row *row,
		 const char **status, const char **error)
{
	const char *params[] = {id};
	PGresult *r = NULL;
	int rc;

	for (const char *p = id; *p != '\0'; p++)
		if (*p < '0' || *p > '9' || p - id > 18)
			return SOUK_ENOTFOUND;
	rc = db_exec(db, a, &outbox_get, params, &r);
	if (rc != SOUK_OK)
		return rc;
	if (PQntuples(r) != 1)
		return SOUK_ENOTFOUND;
	row->id = arena_strdup(a, PQgetvalue(r, 0, 0));
	row->template_name = arena_strdup(a, PQgetvalue(r, 0, 1));
	row->recipient = arena_strdup(a, PQgetvalue(r, 0, 2));
	row->data = arena_strdup(a, PQgetvalue(r, 0, 3));
	row->attempts = strtol(PQgetvalue(r, 0, 4), NULL, 10);
	row->age_s = strtol(PQgetvalue(r, 0, 5), NULL, 10);
	*status = arena_strdup(a, PQgetvalue(r, 0, 6));
	*error = PQgetisnull(r, 0, 7) ? NULL : arena_strdup(a, PQgetvalue(r, 0, 7));
	return SOUK_OK;
}

int mail_mark_sent(struct db *db, struct arena *a, const char *id, const char *provider_id)
{
	const char *params[] = {id, provider_id};

	return db_exec(db, a, &outbox_sent, params, NULL);
}

int mail_mark_retry(struct db *db, struct arena *a, const char *id, const char *error, long delay_s,
		    bool final, bool postpone)
{
	const char *params[] = {id, error, arena_printf(a, "%ld", delay_s),
				final ? "true" : "false", postpone ? "true" : "false"};

	return db_exec(db, a, &outbox_retry, params, NULL);
}

long mail_backoff_seconds(long attempts, double jitter)
{
	long s = 30;

	for (long i = 1; i < attempts && s < 6 * 3600; i++)
		s *= 2;
	if (s > 6 * 3600)
		s = 6 * 3600;
	if (jitter < 0)
		jitter = 0;
	if (jitter > 1)
		jitter = 1;
	return (long)((double)s * (0.8 + 0.4 * jitter) + 0.5);
}

static struct db_statement outbox_cleanup = {
    .name = "mail_cleanup",
    .sql = "DELETE FROM email_outbox WHERE id IN (SELECT id FROM email_outbox"
	   " WHERE status = 'sent' AND sent_at < now() - make_interval(days => $2::int)"
	   " OR status = 'failed' AND updated_at < now() - make_interval(days => $3::int)"
	   " ORDER BY id LIMIT $1::int)",
    .nparams = 3,
};

int mail_cleanup(struct db *db, struct arena *a, long limit, long *deleted)
{
	const char *params[] = {arena_printf(a, "%ld", limit),
				arena_printf(a, "%d", MAIL_KEEP_SENT_DAYS),
				arena_printf(a, "%d", MAIL_KEEP_FAILED_DAYS)};

	return db_exec_count(db, a, &outbox_cleanup, params, deleted);
}
