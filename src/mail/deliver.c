/*
 * deliver.c - sending the outbox (souk-mailer): a claimed row is rendered
 * with templates/email/ (template.c) into a MIME message (mime.c) and handed
 * to the transport SOUK_MAIL_TRANSPORT names; the outcome is recorded on the
 * row (outbox.c). See include/souk/mail.h ("delivery").
 *
 * Transports: file (an .eml per message under SOUK_MAIL_DIR, the dev
 * default), smtp (libcurl through src/core/httpc.c: STARTTLS required
 * unless SOUK_SMTP_TLS=optional, SMTPS on smtps://, AUTH) and ses (SES v2
 * SendEmail with the raw message, SigV4-signed). A refusal for good (an SMTP
 * 5xx, an SES 4xx) is final; anything else is tried again with back-off
 * until SOUK_MAIL_MAX_ATTEMPTS. Nothing here logs a body, a code or a link: only
 * ids, template names and the transport's error.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <openssl/evp.h>

#include "souk/arena.h"
#include "souk/commerce.h"
#include "souk/config.h"
#include "souk/crypto.h"
#include "souk/err.h"
#include "souk/fileutil.h"
#include "souk/httpc.h"
#include "souk/json.h"
#include "souk/log.h"
#include "souk/mail.h"
#include "souk/storage.h"
#include "souk/worker.h"

#define TEMPLATE_MAX_BYTES (256 * 1024)
#define ATTACHMENT_MAX_BYTES (8 * 1024 * 1024)
#define WAIT_FOR_INVOICE_S 180 /* an order confirmation waits this long for its PDF */

const char *mail_transport_name(const struct souk_config *cfg)
{
	if (cfg->mail_transport[0] != '\0')
		return cfg->mail_transport;
	return strcmp(cfg->env, "production") == 0 ? "" : "file";
}

int mail_transport_check(const struct souk_config *cfg, char *err, size_t errlen)
{
	const char *t = mail_transport_name(cfg);

	if (strcmp(t, "file") == 0)
		return SOUK_OK;
	if (strcmp(t, "ses") == 0) {
		if (cfg->ses_access_key[0] == '\0' || cfg->ses_secret_key[0] == '\0' ||
		    cfg->ses_region[0] == '\0') {
			snprintf(err, errlen,
				 "the ses transport needs SOUK_SES_REGION, "
				 "SOUK_SES_ACCESS_KEY and SOUK_SES_SECRET_KEY");
			return SOUK_EINVALID;
		}
		if (cfg->ses_endpoint[0] != '\0' &&
		    strncmp(cfg->ses_endpoint, "https://", 8) != 0 &&
		    (strncmp(cfg->ses_endpoint, "http://", 7) != 0 ||
		     strcmp(cfg->env, "production") == 0)) {
			snprintf(err, errlen,
				 "SOUK_SES_ENDPOINT must be https:// (http:// only "
				 "outside production)");
			return SOUK_EINVALID;
		}
		return SOUK_OK;
	}
	if (strcmp(t, "smtp") == 0) {
		if (strncmp(cfg->smtp_url, "smtp://", 7) != 0 &&
		    strncmp(cfg->smtp_url, "smtps://", 8) != 0) {
			snprintf(err, errlen,
				 "SOUK_SMTP_URL must be smtp://host:587 or "
				 "smtps://host:465");
			return SOUK_EINVALID;
		}
		if (strcmp(cfg->smtp_tls, "required") != 0 &&
		    (strcmp(cfg->smtp_tls, "optional") != 0 ||
		     strcmp(cfg->env, "production") == 0)) {
			snprintf(err, errlen,
				 "SOUK_SMTP_TLS must be required (optional is refused "
				 "in production)");
			return SOUK_EINVALID;
		}
		return SOUK_OK;
	}
	snprintf(err, errlen,
		 t[0] == '\0' ? "SOUK_MAIL_TRANSPORT must be set in production (smtp, ses or file)"
			      : "SOUK_MAIL_TRANSPORT must be smtp, ses or file");
	return SOUK_EINVALID;
}

/* templates/email/<name>.<ext> */
static int load(struct arena *a, const struct souk_config *cfg, const char *name, const char *ext,
		char **out, size_t *len)
{
	for (const char *p = name; *p != '\0'; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_'))
			return SOUK_ENOTFOUND;
	return file_read_all(a, arena_printf(a, "%s/email/%s.%s", cfg->template_dir, name, ext),
			     TEMPLATE_MAX_BYTES, out, len);
}

/* The host part of SOUK_PUBLIC_URL, for Message-IDs. */
static const char *public_host(struct arena *a, const struct souk_config *cfg)
{
	const char *u = strstr(cfg->public_url, "://");
	size_t n;

	u = u != NULL ? u + 3 : cfg->public_url;
	n = strcspn(u, ":/?#");
	return n > 0 ? arena_strndup(a, u, n) : "localhost";
}

static int render_file(struct arena *a, const struct souk_config *cfg, const char *name,
		       const char *ext, const cJSON *data, bool html, char **out, const char **why)
{
	char *tmpl = NULL;
	size_t len = 0;
	int rc = load(a, cfg, name, ext, &tmpl, &len);

	if (rc != SOUK_OK) {
		*why = arena_printf(a, "template %s.%s: %s", name, ext,
				    rc == SOUK_ENOTFOUND ? "not found" : "cannot be read");
		return rc == SOUK_ENOTFOUND ? SOUK_ENOTFOUND : SOUK_EIO;
	}
	rc = mail_render(a, tmpl, len, data, html, out, why);
	if (rc != SOUK_OK)
		*why = arena_printf(a, "template %s.%s: %s", name, ext, *why);
	return rc;
}

int mail_compose(struct worker *w, struct arena *a, const char *template_name,
		 const char *recipient, const cJSON *row_data, const char *outbox_id, time_t now,
		 struct mail_message *m, const char **why)
{
	const struct souk_config *cfg = w->config;
	cJSON *data = cJSON_Duplicate(row_data, true), *shop;
	char *subject = NULL, *text = NULL, *html = NULL, *page = NULL;
	struct tm tm;
	int rc;

	json_own(a, data);
	memset(m, 0, sizeof(*m));
	if (!cJSON_IsObject(data)) {
		*why = "the row's data is not a JSON object";
		return SOUK_EINVALID;
	}
	/* what every template may use (and no row can override) */
	cJSON_DeleteItemFromObjectCaseSensitive(data, "shop");
	cJSON_DeleteItemFromObjectCaseSensitive(data, "body");
	/* the row's own subject (an enquiry's) is data; the layout's is the e-mail's */
	shop = cJSON_AddObjectToObject(data, "shop");
	cJSON_AddStringToObject(shop, "name", cfg->shop_name);
	cJSON_AddStringToObject(shop, "legal_name", cfg->seller_name);
	cJSON_AddStringToObject(shop, "address", cfg->seller_address);
	cJSON_AddStringToObject(shop, "url", cfg->public_url);
	cJSON_AddStringToObject(shop, "logo_url", cfg->shop_logo_url);
	cJSON_AddStringToObject(shop, "support_email", cfg->support_email);
	gmtime_r(&now, &tm);
	cJSON_DeleteItemFromObjectCaseSensitive(data, "year");
	cJSON_AddNumberToObject(data, "year", tm.tm_year + 1900);
	cJSON_DeleteItemFromObjectCaseSensitive(data, "recipient");
	cJSON_AddStringToObject(data, "recipient", recipient);

	rc = render_file(a, cfg, template_name, "subject", data, false, &subject, why);
	if (rc == SOUK_OK)
		rc = render_file(a, cfg, template_name, "txt", data, false, &text, why);
	if (rc == SOUK_OK)
		rc = render_file(a, cfg, template_name, "html", data, true, &html, why);
	if (rc != SOUK_OK)
		return rc;
	/* one line: the first, trimmed */
	subject[strcspn(subject, "\r\n")] = '\0';
	while (subject[0] == ' ')
		subject++;
	for (size_t n = strlen(subject); n > 0 && subject[n - 1] == ' '; n--)
		subject[n - 1] = '\0';
	cJSON_DeleteItemFromObjectCaseSensitive(data, "subject");
	cJSON_AddStringToObject(data, "subject", subject);
	cJSON_AddStringToObject(data, "body", text);
	rc = render_file(a, cfg, "layout", "txt", data, false, &page, why);
	if (rc != SOUK_OK)
		return rc;
	m->text = page;
	cJSON_DeleteItemFromObjectCaseSensitive(data, "body");
	cJSON_AddStringToObject(data, "body", html);
	rc = render_file(a, cfg, "layout", "html", data, true, &page, why);
	if (rc != SOUK_OK)
		return rc;
	m->html = page;
	m->subject = subject;
	m->from_addr = cfg->mail_from;
	m->from_name = cfg->mail_from_name[0] != '\0' ? cfg->mail_from_name : cfg->shop_name;
	m->reply_to = cfg->support_email[0] != '\0' ? cfg->support_email : NULL;
	m->to_addr = recipient;
	m->message_id = arena_printf(a, "outbox-%s@%s", outbox_id, public_host(a, cfg));
	m->date = now;
	return SOUK_OK;
}

/* ------------------------------------------------------------ transports */

static int send_file(struct worker *w, struct arena *a, const char *outbox_id, const char *msg,
		     size_t len, const char **provider_id, const char **why)
{
	const char *dir = w->config->mail_dir;
	char *path = arena_printf(a, "%s/%s.eml", dir, outbox_id);
	char *tmp = arena_printf(a, "%s/.%s.eml.tmp", dir, outbox_id);
	int fd;

	if (file_mkdirs(dir, 0750) != SOUK_OK) {
		*why = arena_printf(a, "cannot create %s: %s", dir, strerror(errno));
		return SOUK_EIO;
	}
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
	if (fd < 0) {
		*why = arena_printf(a, "cannot write in %s: %s", dir, strerror(errno));
		return SOUK_EIO;
	}
	for (size_t done = 0; done < len;) {
		ssize_t k = write(fd, msg + done, len - done);

		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0) {
			*why = arena_printf(a, "cannot write %s: %s", tmp, strerror(errno));
			close(fd);
			unlink(tmp);
			return SOUK_EIO;
		}
		done += (size_t)k;
	}
	if (fsync(fd) != 0 || close(fd) != 0 || rename(tmp, path) != 0) {
		*why = arena_printf(a, "cannot store %s: %s", path, strerror(errno));
		unlink(tmp);
		return SOUK_EIO;
	}
	*provider_id = arena_printf(a, "file:%s", path);
	return SOUK_OK;
}

static int send_smtp(struct worker *w, struct arena *a, const struct mail_message *m,
		     const char *msg, size_t len, const char **provider_id, bool *final,
		     const char **why)
{
	const struct souk_config *cfg = w->config;
	struct httpc_smtp rq = {
	    .url = cfg->smtp_url,
	    .username = cfg->smtp_user,
	    .password = cfg->smtp_password,
	    .tls_optional = strcmp(cfg->smtp_tls, "optional") == 0,
	    .ca_file = cfg->smtp_ca_file,
	    .from = m->from_addr,
	    .to = m->to_addr,
	    .message = msg,
	    .len = len,
	    .timeout_ms = cfg->smtp_timeout_ms,
	};
	long reply = 0;
	int rc = httpc_smtp_send(a, &rq, &reply, why);

	if (rc == SOUK_OK) {
		*provider_id = arena_printf(a, "<%s>", m->message_id);
		return SOUK_OK;
	}
	/* a 5xx reply is the server saying no for good (a mailbox that does not
	 * exist, a policy); no reply or 4xx is worth another try */
	*final = reply >= 500 && reply < 600;
	if (reply > 0)
		*why = arena_printf(a, "SMTP %ld: %s", reply, *why != NULL ? *why : "refused");
	return rc;
}

/*
 * SES v2 SendEmail with the raw message, signed with Signature Version 4
 * (src/storage/sigv4.c, service "ses"): POST /v2/email/outbound-emails
 * {FromEmailAddress, Destination:{ToAddresses}, Content:{Raw:{Data}}}. 200
 * {MessageId}; a 400 (MessageRejected, a sender not verified, ...) is final;
 * 403 (the keys, the clock), 429, 5xx or no answer are tried again.
 */
static int send_ses(struct worker *w, struct arena *a, const struct mail_message *m,
		    const char *msg, size_t len, const char **provider_id, bool *final,
		    const char **why)
{
	const struct souk_config *cfg = w->config;
	const char *endpoint =
	    cfg->ses_endpoint[0] != '\0'
		? cfg->ses_endpoint
		: arena_printf(a, "https://email.%s.amazonaws.com", cfg->ses_region);
	const char *host = strstr(endpoint, "://") + 3, *path = "/v2/email/outbound-emails";
	unsigned char *b64 = arena_alloc(a, 4 * ((len + 2) / 3) + 1);
	cJSON *body = json_new_object(a), *dest, *to, *content, *raw, *doc = NULL;
	char hash[CRYPTO_SHA256_HEX_LEN + 1], amz_date[17];
	struct sigv4_result sig;
	struct httpc_response res;
	time_t now = time(NULL);
	const char *text, *message_id, *perr = NULL;
	int rc;

	host = arena_strndup(a, host, strcspn(host, "/"));
	EVP_EncodeBlock(b64, (const unsigned char *)msg, (int)len);
	cJSON_AddStringToObject(body, "FromEmailAddress", m->from_addr);
	dest = cJSON_AddObjectToObject(body, "Destination");
	to = cJSON_AddArrayToObject(dest, "ToAddresses");
	cJSON_AddItemToArray(to, cJSON_CreateString(m->to_addr));
	content = cJSON_AddObjectToObject(body, "Content");
	raw = cJSON_AddObjectToObject(content, "Raw");
	cJSON_AddStringToObject(raw, "Data", (const char *)b64);
	text = json_print(a, body);
	crypto_sha256_hex(text, strlen(text), hash);
	sigv4_amz_date(now, amz_date);
	const struct sigv4_pair headers[] = {
	    {"content-type", "application/json"},
	    {"x-amz-content-sha256", hash},
	    {"x-amz-date", amz_date},
	};
	const struct sigv4_credentials cred = {cfg->ses_access_key, cfg->ses_secret_key,
					       cfg->ses_region, "ses"};
	const struct sigv4_request sreq = {.method = "POST",
					   .host = host,
					   .path = path,
					   .headers = headers,
					   .nheaders = 3,
					   .payload_hash = hash};

	rc = sigv4_sign(a, &cred, &sreq, now, &sig);
	if (rc != SOUK_OK) {
		*final = true;
		*why = "the SES request cannot be signed (check SOUK_SES_*)";
		return rc;
	}
	const char *lines[] = {"Content-Type: application/json",
			       arena_printf(a, "x-amz-content-sha256: %s", hash),
			       arena_printf(a, "x-amz-date: %s", amz_date),
			       arena_printf(a, "Authorization: %s", sig.authorization), NULL};
	struct httpc_request rq = {.what = "ses send email",
				   .method = "POST",
				   .url = arena_printf(a, "%s%s", endpoint, path),
				   .headers = lines,
				   .body = text,
				   .body_len = strlen(text),
				   .timeout_ms = cfg->smtp_timeout_ms,
				   .max_body = 64 * 1024};

	rc = httpc_perform(a, &rq, &res);
	if (rc != SOUK_OK) {
		*why = "SES cannot be reached";
		return SOUK_EUPSTREAM;
	}
	if (json_parse_object(a, res.body, res.len, &doc, &perr) != SOUK_OK)
		doc = NULL;
	message_id = doc != NULL ? json_string_member(doc, "MessageId") : NULL;
	if (res.status == 200 && message_id != NULL) {
		*provider_id = arena_printf(a, "ses:%s", message_id);
		return SOUK_OK;
	}
	const char *msg_text = doc != NULL ? json_string_member(doc, "message") : NULL;

	if (msg_text == NULL && doc != NULL)
		msg_text = json_string_member(doc, "Message");
	/* 400: SES will not send this message (MessageRejected, a bad address);
	 * 403 (credentials, clock), 429 and 5xx may pass */
	*final = res.status == 400;
	*why = arena_printf(a, "SES %ld: %s", res.status, msg_text != NULL ? msg_text : "refused");
	return SOUK_EUPSTREAM;
}

/* ----------------------------------------------------------- one message */

/* An order confirmation carries the invoice once souk-jobs has rendered it. */
static int attach_invoice(struct worker *w, struct arena *a, const cJSON *data,
			  struct mail_attachment *att, bool *wait)
{
	const char *order = json_string_member(data, "order_id"), *number = NULL, *key = NULL;
	unsigned char *bytes = NULL;
	size_t len = 0;
	int rc;

	*wait = false;
	if (order == NULL)
		return SOUK_ENOTFOUND;
	rc = invoice_pdf_of_order(w, a, order, &number, &key);
	if (rc != SOUK_OK)
		return rc;
	if (key == NULL) {
		*wait = true;
		return SOUK_ENOTFOUND;
	}
	rc = storage_read(w->config, a, key, ATTACHMENT_MAX_BYTES, &bytes, &len);
	if (rc != SOUK_OK)
		return rc;
	att->filename = arena_printf(a, "%s.pdf", number);
	att->content_type = "application/pdf";
	att->data = bytes;
	att->len = len;
	return SOUK_OK;
}

/* Sends one claimed row; records the outcome on it. *outcome: 's' sent,
 * 'r' to be tried again, 'f' failed for good, 'w' waiting (not an attempt). */
static int deliver_one(struct worker *w, struct arena *a, const struct mail_row *row, char *outcome)
{
	const struct souk_config *cfg = w->config;
	const char *transport = mail_transport_name(cfg), *why = NULL, *provider_id = NULL;
	struct mail_message m;
	struct mail_attachment att;
	cJSON *data = NULL;
	char *msg = NULL;
	size_t len = 0;
	bool final = false, wait = false;
	double jitter;
	unsigned char r8;
	int rc = json_parse_object(a, row->data, strlen(row->data), &data, &why);

	if (rc == SOUK_OK)
		rc = mail_compose(w, a, row->template_name, row->recipient, data, row->id,
				  time(NULL), &m, &why);
	if (rc != SOUK_OK) {
		/* a template missing or broken, or data that is no object: trying
		 * again changes nothing */
		*outcome = 'f';
		log_msg(LOG_ERROR, "mailer: message %s (%s) cannot be made: %s", row->id,
			row->template_name, why != NULL ? why : souk_err_http(rc)->code);
		return mail_mark_retry(&w->db, a, row->id, why != NULL ? why : "cannot be made", 0,
				       true, false);
	}
	if (strcmp(row->template_name, "order_confirmation") == 0) {
		rc = attach_invoice(w, a, data, &att, &wait);
		if (rc == SOUK_OK) {
			m.attachments = &att;
			m.nattachments = 1;
			cJSON_AddBoolToObject(data, "attached", true);
			rc = mail_compose(w, a, row->template_name, row->recipient, data, row->id,
					  time(NULL), &m, &why);
			m.attachments = &att;
			m.nattachments = 1;
			if (rc != SOUK_OK)
				return mail_mark_retry(&w->db, a, row->id, why, 0, true, false);
		} else if (wait && row->age_s < WAIT_FOR_INVOICE_S) {
			*outcome = 'w';
			return mail_mark_retry(&w->db, a, row->id, "waiting for the invoice PDF",
					       20, false, true);
		}
		/* no invoice (a free order), or it is late: sent without */
	}
	rc = mail_mime_build(a, &m, &msg, &len);
	if (rc != SOUK_OK) {
		*outcome = 'f';
		return mail_mark_retry(&w->db, a, row->id,
				       "the message cannot be built (an address?)", 0, true, false);
	}
	if (strcmp(transport, "smtp") == 0)
		rc = send_smtp(w, a, &m, msg, len, &provider_id, &final, &why);
	else if (strcmp(transport, "ses") == 0)
		rc = send_ses(w, a, &m, msg, len, &provider_id, &final, &why);
	else
		rc = send_file(w, a, row->id, msg, len, &provider_id, &why);
	if (rc == SOUK_OK) {
		*outcome = 's';
		log_msg(LOG_INFO, "mailer: message %s (%s) sent by %s", row->id, row->template_name,
			transport);
		return mail_mark_sent(&w->db, a, row->id, provider_id);
	}
	final = final || row->attempts >= cfg->mail_max_attempts;
	*outcome = final ? 'f' : 'r';
	if (crypto_random(&r8, 1) != SOUK_OK)
		r8 = 128;
	jitter = (double)r8 / 255.0;
	log_msg(final ? LOG_ERROR : LOG_WARN, "mailer: message %s (%s) attempt %ld %s: %s", row->id,
		row->template_name, row->attempts,
		final ? "failed for good" : "failed, tried again",
		why != NULL ? why : souk_err_http(rc)->code);
	return mail_mark_retry(&w->db, a, row->id, why != NULL ? why : souk_err_http(rc)->code,
			       mail_backoff_seconds(row->attempts, jitter), final, false);
}

int mail_deliver(struct worker *w, long batch, struct mail_counts *c)
{
	struct mail_row *rows = NULL;
	size_t n = 0;
	int rc = mail_claim(&w->db, &w->arena, batch, &rows, &n);

	memset(c, 0, sizeof(*c));
	if (rc != SOUK_OK)
		return rc;
	c->claimed = (long)n;
	for (size_t i = 0; i < n; i++) {
		char outcome = 'r';

		rc = deliver_one(w, &w->arena, &rows[i], &outcome);
		if (rc != SOUK_OK)
			return rc; /* PostgreSQL: the rest wait for their lease to end */
		c->sent += outcome == 's';
		c->retried += outcome == 'r';
		c->failed += outcome == 'f';
		c->waiting += outcome == 'w';
	}
	return SOUK_OK;
}
