/*
 * mail.h - e-mail: the outbox (outbox.c), the template renderer
 * (template.c) and the MIME message builder (mime.c). Modules queue e-mail
 * in the same transaction as the event that causes it; souk-mailer renders
 * each row with templates/email/ and sends it (src/bin/souk-mailer.c).
 */
#ifndef SOUK_MAIL_H
#define SOUK_MAIL_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

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

/* The password_changed notice to email (name may be NULL; ip may be NULL):
 * when it happened, in the shop's time (IST), and from where. */
int mail_queue_password_changed(struct db *db, struct arena *a, const char *email, const char *name,
				const char *ip);

/* The new_signin notice to email (name, device and ip may be NULL): when (in
 * IST), the device's User-Agent, from where, and the page to sign it out. */
int mail_queue_new_signin(struct db *db, struct arena *a, const char *email, const char *name,
			  const char *device, const char *ip, const char *sessions_link);

/* Removes every message queued to recipient, sent or not (an account is
 * deleted: its address, name and codes must not stay behind). */
int mail_forget_recipient(struct db *db, struct arena *a, const char *recipient);

/* ------------------------------------------------------- sending --- */

#define MAIL_LEASE "interval '5 minutes'" /* a claimed row is the mailer's this long */

/* A row claimed for sending (strings arena-owned). */
struct mail_row {
	const char *id;
	const char *template_name;
	const char *recipient;
	const char *data; /* JSON object text */
	long attempts;	  /* this one included */
	long age_s;	  /* seconds since it was queued */
};

/*
 * Claims at most n due rows (pending and due, or 'sending' with an expired
 * lease) with FOR UPDATE SKIP LOCKED, marking them 'sending' for MAIL_LEASE:
 * two mailers at once never claim one row. *rows[0..*got), arena-owned.
 */
/* cleanup: deletes up to limit messages sent over MAIL_KEEP_SENT_DAYS ago
 * or failed over MAIL_KEEP_FAILED_DAYS ago (their data holds codes and
 * links long expired); *deleted counts them. */
#define MAIL_KEEP_SENT_DAYS 30
#define MAIL_KEEP_FAILED_DAYS 90
int mail_cleanup(struct db *db, struct arena *a, long limit, long *deleted);

int mail_claim(struct db *db, struct arena *a, long n, struct mail_row **rows, size_t *got);
/* Row id whatever its status (souk-mailer show): SOUK_ENOTFOUND; *status,
 * *error (NULL when none) arena-owned. */
int mail_row_get(struct db *db, struct arena *a, const char *id, struct mail_row *row,
		 const char **status, const char **error);
/* The row was sent: 'sent', with what the transport called it. */
int mail_mark_sent(struct db *db, struct arena *a, const char *id, const char *provider_id);
/* The row was not sent: 'failed' when final (error kept), else 'pending' again
 * in delay_s seconds; postpone (true) does not count the attempt (the
 * message waits for something, such as its invoice PDF). */
int mail_mark_retry(struct db *db, struct arena *a, const char *id, const char *error, long delay_s,
		    bool final, bool postpone);

/* Seconds before attempt attempts + 1, after attempts failed ones: 30 s
 * doubling per attempt, at most 6 hours, then plus or minus 20 % by
 * jitter (0 .. 1). */
long mail_backoff_seconds(long attempts, double jitter);

/* ------------------------------------------------------ delivery --- */

struct souk_config;
struct worker;
struct mail_message;

/* The transport in force: SOUK_MAIL_TRANSPORT, or "file" outside production
 * when it is empty ("" in production: refused by mail_transport_check). */
const char *mail_transport_name(const struct souk_config *cfg);
/* SOUK_OK when the transport's settings can work; else SOUK_EINVALID with why. */
int mail_transport_check(const struct souk_config *cfg, char *err, size_t errlen);

/*
 * The message of template_name for recipient with data (the row's object,
 * not consumed): subject, text and HTML rendered from templates/email/ and
 * put in the layout, with shop.* (SOUK_SHOP_NAME, legal name, address, URL,
 * logo, support address), year and recipient added; From, Reply-To and a
 * Message-ID of outbox_id. SOUK_OK; SOUK_ENOTFOUND (no such template),
 * SOUK_EINVALID (a template that cannot be rendered) or SOUK_EIO with *why.
 */
int mail_compose(struct worker *w, struct arena *a, const char *template_name,
		 const char *recipient, const struct cJSON *data, const char *outbox_id, time_t now,
		 struct mail_message *m, const char **why);

struct mail_counts {
	long claimed, sent, retried, failed, waiting;
};

/* One batch: claims at most batch due rows and sends each (an order
 * confirmation waits up to 3 minutes for its invoice PDF, then goes
 * without). SOUK_OK with the counts; SOUK_EDB. */
int mail_deliver(struct worker *w, long batch, struct mail_counts *c);

/* --------------------------------------------------------- staff --- */

struct http_request;
struct http_response;

/*
 * The staff routes (outbox_http.c), mail:read (admin, support):
 *   outbox_admin_index  GET /api/v1/admin/outbox?status=&recipient=&template=&limit=&cursor=
 *                       newest first (the page contract): id, template, recipient,
 *                       status, attempts, next_attempt_at, last_error,
 *                       provider_message_id, created_at, sent_at (never the data:
 *                       it holds codes and links); 422 on a bad filter
 *   outbox_admin_retry  POST /api/v1/admin/outbox/{id}/retry: 202, a failed message
 *                       is pending again with fresh attempts (audited); 404; 409 not
 *                       failed
 */
int outbox_admin_index(struct worker *w, struct http_request *req, struct http_response *res);
int outbox_admin_retry(struct worker *w, struct http_request *req, struct http_response *res);

/* ------------------------------------------------------ templates --- */

/*
 * A small logic-less renderer (a Mustache subset), so a template can never
 * run code:
 *   {{name}}            the value of name (a string, a number, true/false);
 *                       HTML-escaped (& < > " ' and `) when html, as-is in text
 *   {{{name}}}          the value unescaped (for a part the layout was given
 *                       already rendered: {{{body}}})
 *   {{name|rupees}}     a number of paise as "Rs 1,23,456.78" (Indian grouping)
 *   {{#name}}..{{/name}} a section: shown once for true, a non-empty string,
 *                       a non-zero number or an object (names inside look in it
 *                       first), once per item for an array; hidden for absent,
 *                       null, false, "", 0 and []
 *   {{^name}}..{{/name}} shown exactly when the section would be hidden
 *   {{.}}               the current item (in a loop over strings or numbers)
 *   {{! comment }}      nothing
 * Names are [A-Za-z0-9_] words joined by dots (order.total_paise), looked up
 * from the innermost section outwards. An absent name renders as "". Sections
 * nest at most MAIL_TEMPLATE_DEPTH deep; the output is at most
 * MAIL_TEMPLATE_MAX bytes.
 */
#define MAIL_TEMPLATE_DEPTH 8
#define MAIL_TEMPLATE_MAX (1024 * 1024)

/* Renders tmpl (len bytes) with data (a JSON object). SOUK_OK with *out
 * (NUL-terminated, arena-owned); SOUK_EINVALID with *error (a message with
 * the byte offset) for a template that cannot be parsed (an unclosed tag or
 * section, a mismatched {{/name}}, too deep, a bad name) or an output too
 * large. */
int mail_render(struct arena *a, const char *tmpl, size_t len, const struct cJSON *data, bool html,
		char **out, const char **error);

/* -------------------------------------------------------- messages --- */

struct mail_attachment {
	const char *filename;	  /* UTF-8; encoded per RFC 2231 when not ASCII */
	const char *content_type; /* "application/pdf" */
	const unsigned char *data;
	size_t len;
};

struct mail_message {
	const char *from_name; /* UTF-8 display name, may be NULL */
	const char *from_addr; /* shop@example.com */
	const char *reply_to;  /* may be NULL */
	const char *to_addr;
	const char *subject;	/* UTF-8, one line */
	const char *text;	/* the plain-text part (UTF-8, LF or CRLF line ends) */
	const char *html;	/* the HTML part */
	const char *message_id; /* without the angle brackets: "outbox-123@shop.example" */
	time_t date;
	const struct mail_attachment *attachments;
	size_t nattachments;
};

/*
 * The whole message as RFC 5322 text with CRLF line ends, ready for SMTP
 * DATA or SES's raw message: From, To, Reply-To, Subject (RFC 2047 encoded
 * words when not ASCII), Date, Message-ID, MIME-Version,
 * Auto-Submitted: auto-generated; header lines folded at 78 characters;
 * multipart/alternative of text/plain and text/html (UTF-8,
 * quoted-printable), inside multipart/mixed with base64 attachments when
 * there are some. SOUK_OK with *out, *len; SOUK_EINVALID for an address
 * holding CR, LF, '<' or '>' or a missing part.
 */
int mail_mime_build(struct arena *a, const struct mail_message *m, char **out, size_t *len);

/* One header "Name: value" with value RFC 2047-encoded (UTF-8 "B" words)
 * when it holds non-ASCII, folded at 78 characters with CRLF SP; no final
 * CRLF. Arena-owned. */
char *mail_header(struct arena *a, const char *name, const char *value);

#endif
