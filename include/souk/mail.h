/*
 * mail.h - the e-mail outbox. Modules queue e-mail in the same transaction as
 * the event that causes it; souk-mailer (a later issue) sends it.
 */
#ifndef SOUK_MAIL_H
#define SOUK_MAIL_H

struct arena;
struct cJSON;
struct db;

/* Queues templates/<template>.* to recipient with data (a JSON object, not
 * consumed; NULL = {}). Runs inside the caller's transaction if one is open.
 * SOUK_OK or a db error. */
int mail_queue(struct db *db, struct arena *a, const char *template_name, const char *recipient,
	       const struct cJSON *data);

/* The same, once per dedupe_key ("order_paid:<order id>"): a second call
 * with the key queues nothing, so an event handled twice sends one e-mail. */
int mail_queue_once(struct db *db, struct arena *a, const char *template_name,
		    const char *recipient, const struct cJSON *data, const char *dedupe_key);

/* Removes every message queued to recipient, sent or not (an account is
 * deleted: its address, name and codes must not stay behind). */
int mail_forget_recipient(struct db *db, struct arena *a, const char *recipient);

#endif
