/* outbox.c - rows of email_outbox; see include/souk/mail.h. */
#include "souk/mail.h"

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

static struct db_statement outbox_forget = {
    .name = "mail_outbox_forget",
    .sql = "DELETE FROM email_outbox WHERE recipient = $1",
    .nparams = 1,
};

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
