/* outbox.c - rows of email_outbox; see include/souk/mail.h. */
#include "souk/mail.h"

#include <cjson/cJSON.h>

#include "souk/arena.h"
#include "souk/db.h"
#include "souk/err.h"

static struct db_statement outbox_insert = {
	.name = "mail_outbox_insert",
	.sql = "INSERT INTO email_outbox (template, recipient, data) VALUES ($1, $2, $3::jsonb)",
	.nparams = 3,
};

static void free_text(void *p)
{
	cJSON_free(p);
}

int mail_queue(struct db *db, struct arena *a, const char *template_name, const char *recipient,
	       const struct cJSON *data)
{
	char *json = data ? cJSON_PrintUnformatted(data) : NULL;
	const char *params[] = {template_name, recipient, json ? json : "{}"};

	if (json != NULL)
		arena_defer(a, free_text, json);
	return db_exec(db, a, &outbox_insert, params, NULL);
}
