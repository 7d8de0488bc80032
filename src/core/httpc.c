/* httpc.c - outbound HTTP with libcurl; see include/souk/httpc.h. */
#include "souk/httpc.h"

#include <string.h>

#include <curl/curl.h>

#include "souk/arena.h"
#include "souk/err.h"
#include "souk/log.h"
#include "souk/str.h"

#ifndef PACKAGE_VERSION
#define PACKAGE_VERSION "0"
#endif
#define HTTPC_USER_AGENT "souk/" PACKAGE_VERSION
#define HTTPC_LOW_SPEED_BYTES 16384L
#define HTTPC_LOW_SPEED_SECONDS 10L

/* One transfer in flight. */
struct httpc_transfer {
	const struct httpc_request *rq;
	CURL *h;
	long status; /* read at the first body bytes */
	struct buf *kept;
	size_t max;
	long long sunk; /* bytes given to the sink */
	int failure;	/* why the write callback stopped the transfer */
};

static void httpc_handle_release(void *p)
{
	curl_easy_cleanup(p);
}

static void httpc_list_release(void *p)
{
	curl_slist_free_all(p);
}

static size_t httpc_write(char *data, size_t size, size_t nmemb, void *ctx)
{
	struct httpc_transfer *t = ctx;
	size_t n = size * nmemb;

	if (t->status == 0)
		curl_easy_getinfo(t->h, CURLINFO_RESPONSE_CODE, &t->status);
	if (t->rq->sink != NULL && t->status >= 200 && t->status < 300) {
		int rc;

		if (t->rq->sink_max > 0 && (long long)n > t->rq->sink_max - t->sunk) {
			t->failure = SOUK_ETOOLARGE;
			return 0; /* a short count stops the transfer */
		}
		rc = t->rq->sink(t->rq->sink_ctx, data, n);
		if (rc != SOUK_OK) {
			t->failure = rc;
			return 0;
		}
		t->sunk += (long long)n;
		return n;
	}
	if (t->kept->len + n > t->max) {
		if (!t->rq->truncate) {
			t->failure = SOUK_ETOOLARGE;
			return 0;
		}
		if (t->kept->len < t->max)
			(void)buf_append(t->kept, data, t->max - t->kept->len);
		return n; /* the rest is dropped */
	}
	if (buf_append(t->kept, data, n) != SOUK_OK) {
		t->failure = SOUK_ETOOLARGE;
		return 0;
	}
	return n;
}

/* The URL without its query and fragment, for logs (queries carry
 * signatures and codes). */
static const char *httpc_loggable(struct arena *a, const char *url)
{
	size_t n = strcspn(url, "?#");

	return arena_strndup(a, url, n < 200 ? n : 200);
}

int httpc_perform(struct arena *a, const struct httpc_request *rq, struct httpc_response *res)
{
	struct httpc_transfer t = {.rq = rq};
	struct curl_slist *list = NULL;
	char *errbuf;
	const char *method = rq->method ? rq->method : "GET";
	CURLcode cc;

	if (rq->url == NULL || rq->what == NULL)
		return SOUK_EINVALID;
	for (const char *const *h = rq->headers; h != NULL && *h != NULL; h++)
		if (strpbrk(*h, "\r\n") != NULL)
			return SOUK_EINVALID;
	t.max = rq->max_body > 0 ? rq->max_body : HTTPC_MAX_BODY;
	t.kept = buf_in_arena(a, t.max + 1);
	t.h = curl_easy_init();
	if (t.h == NULL)
		return SOUK_EINTERNAL;
	arena_defer(a, httpc_handle_release, t.h);
	for (const char *const *h = rq->headers; h != NULL && *h != NULL; h++) {
		struct curl_slist *grown = curl_slist_append(list, *h);

		if (grown == NULL) {
			curl_slist_free_all(list);
			return SOUK_EINTERNAL;
		}
		list = grown;
	}
	if (list != NULL)
		arena_defer(a, httpc_list_release, list);
	/* the handle lives until the arena is reset: so must its error buffer */
	errbuf = arena_alloc(a, CURL_ERROR_SIZE);

	curl_easy_setopt(t.h, CURLOPT_URL, rq->url);
#if LIBCURL_VERSION_NUM >= 0x075500
	curl_easy_setopt(t.h, CURLOPT_PROTOCOLS_STR, rq->protocols ? rq->protocols : "http,https");
#else
#error "libcurl 7.85 or newer is needed (CURLOPT_PROTOCOLS_STR)"
#endif
	curl_easy_setopt(t.h, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(t.h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(t.h, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(t.h, CURLOPT_SSL_VERIFYHOST, 2L);
	curl_easy_setopt(t.h, CURLOPT_CONNECTTIMEOUT_MS,
			 rq->connect_timeout_ms > 0 ? rq->connect_timeout_ms
						    : HTTPC_CONNECT_TIMEOUT_MS);
	if (rq->timeout_ms < 0) {
		curl_easy_setopt(t.h, CURLOPT_LOW_SPEED_LIMIT,
				 rq->low_speed_bytes > 0 ? rq->low_speed_bytes
							 : HTTPC_LOW_SPEED_BYTES);
		curl_easy_setopt(t.h, CURLOPT_LOW_SPEED_TIME,
				 rq->low_speed_seconds > 0 ? rq->low_speed_seconds
							   : HTTPC_LOW_SPEED_SECONDS);
	} else {
		curl_easy_setopt(t.h, CURLOPT_TIMEOUT_MS,
				 rq->timeout_ms > 0 ? rq->timeout_ms : HTTPC_TIMEOUT_MS);
	}
	curl_easy_setopt(t.h, CURLOPT_USERAGENT, HTTPC_USER_AGENT);
	if (rq->accept_encoding != NULL)
		curl_easy_setopt(t.h, CURLOPT_ACCEPT_ENCODING, rq->accept_encoding);
	curl_easy_setopt(t.h, CURLOPT_HTTPHEADER, list);
	curl_easy_setopt(t.h, CURLOPT_WRITEFUNCTION, httpc_write);
	curl_easy_setopt(t.h, CURLOPT_WRITEDATA, &t);
	curl_easy_setopt(t.h, CURLOPT_ERRORBUFFER, errbuf);
	if (rq->sink == NULL && !rq->truncate)
		curl_easy_setopt(t.h, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)t.max);
	else if (rq->sink != NULL && rq->sink_max > 0)
		curl_easy_setopt(t.h, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)rq->sink_max);

	if (strcmp(method, "HEAD") == 0) {
		curl_easy_setopt(t.h, CURLOPT_NOBODY, 1L);
	} else if (rq->upload != NULL) {
		curl_easy_setopt(t.h, CURLOPT_UPLOAD, 1L);
		curl_easy_setopt(t.h, CURLOPT_READDATA, rq->upload);
		curl_easy_setopt(t.h, CURLOPT_INFILESIZE_LARGE, (curl_off_t)rq->upload_size);
		if (strcmp(method, "PUT") != 0)
			curl_easy_setopt(t.h, CURLOPT_CUSTOMREQUEST, method);
	} else if (rq->body != NULL) {
		curl_easy_setopt(t.h, CURLOPT_POSTFIELDS, rq->body);
		curl_easy_setopt(t.h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)rq->body_len);
		if (strcmp(method, "POST") != 0)
			curl_easy_setopt(t.h, CURLOPT_CUSTOMREQUEST, method);
	} else if (strcmp(method, "GET") != 0) {
		curl_easy_setopt(t.h, CURLOPT_CUSTOMREQUEST, method);
	}

	cc = curl_easy_perform(t.h);
	if (t.failure != SOUK_OK)
		return t.failure;
	if (cc == CURLE_FILESIZE_EXCEEDED)
		return SOUK_ETOOLARGE;
	if (cc != CURLE_OK) {
		log_msg(LOG_WARN, "%s: %s %s failed: %s", rq->what, method,
			httpc_loggable(a, rq->url), errbuf[0] ? errbuf : curl_easy_strerror(cc));
		return SOUK_EUPSTREAM;
	}
	memset(res, 0, sizeof(*res));
	curl_easy_getinfo(t.h, CURLINFO_RESPONSE_CODE, &res->status);
	{
		curl_off_t length = -1;
		char *type = NULL;

		curl_easy_getinfo(t.h, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &length);
		curl_easy_getinfo(t.h, CURLINFO_CONTENT_TYPE, &type);
		res->content_length = (long long)length;
		res->content_type = type ? arena_strdup(a, type) : NULL;
	}
	res->body = t.kept->data ? arena_strndup(a, t.kept->data, t.kept->len) : "";
	res->len = t.kept->len;
	return SOUK_OK;
}

/* ------------------------------------------------------------ SMTP --- */

struct smtp_upload {
	const char *p;
	size_t left;
};

static size_t smtp_read(char *buf, size_t size, size_t nmemb, void *ctx)
{
	struct smtp_upload *u = ctx;
	size_t n = size * nmemb < u->left ? size * nmemb : u->left;

	memcpy(buf, u->p, n);
	u->p += n;
	u->left -= n;
	return n;
}

static bool smtp_address_ok(const char *s)
{
	return s != NULL && s[0] != '\0' && strpbrk(s, "\r\n<> ") == NULL && strlen(s) <= 320;
}

int httpc_smtp_send(struct arena *a, const struct httpc_smtp *m, long *reply, const char **why)
{
	struct smtp_upload up = {m->message, m->len};
	struct curl_slist *rcpt = NULL;
	char *errbuf;
	CURL *h;
	CURLcode cc;

	*reply = 0;
	*why = NULL;
	if (m->url == NULL ||
	    (strncmp(m->url, "smtp://", 7) != 0 && strncmp(m->url, "smtps://", 8) != 0) ||
	    !smtp_address_ok(m->from) || !smtp_address_ok(m->to) || m->message == NULL)
		return SOUK_EINVALID;
	h = curl_easy_init();
	if (h == NULL)
		return SOUK_EINTERNAL;
	arena_defer(a, httpc_handle_release, h);
	rcpt = curl_slist_append(NULL, arena_printf(a, "<%s>", m->to));
	if (rcpt == NULL)
		return SOUK_EINTERNAL;
	arena_defer(a, httpc_list_release, rcpt);
	errbuf = arena_alloc(a, CURL_ERROR_SIZE);
	errbuf[0] = '\0';
	curl_easy_setopt(h, CURLOPT_URL, m->url);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
	if (m->ca_file != NULL && m->ca_file[0] != '\0')
		curl_easy_setopt(h, CURLOPT_CAINFO, m->ca_file);
	/* smtps:// is TLS from the start; smtp:// upgrades with STARTTLS */
	curl_easy_setopt(h, CURLOPT_USE_SSL,
			 m->tls_optional ? (long)CURLUSESSL_TRY : (long)CURLUSESSL_ALL);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, HTTPC_CONNECT_TIMEOUT_MS);
	curl_easy_setopt(h, CURLOPT_TIMEOUT_MS,
			 m->timeout_ms > 0 ? m->timeout_ms : HTTPC_TIMEOUT_MS);
	if (m->username != NULL && m->username[0] != '\0') {
		curl_easy_setopt(h, CURLOPT_USERNAME, m->username);
		curl_easy_setopt(h, CURLOPT_PASSWORD, m->password != NULL ? m->password : "");
	}
	curl_easy_setopt(h, CURLOPT_MAIL_FROM, arena_printf(a, "<%s>", m->from));
	curl_easy_setopt(h, CURLOPT_MAIL_RCPT, rcpt);
	curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(h, CURLOPT_READFUNCTION, smtp_read);
	curl_easy_setopt(h, CURLOPT_READDATA, &up);
	curl_easy_setopt(h, CURLOPT_INFILESIZE_LARGE, (curl_off_t)m->len);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
	cc = curl_easy_perform(h);
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, reply);
	if (cc == CURLE_OK)
		return SOUK_OK;
	*why = arena_printf(a, "%s", errbuf[0] != '\0' ? errbuf : curl_easy_strerror(cc));
	log_msg(LOG_WARN, "smtp: sending to %s failed (%ld): %s", httpc_loggable(a, m->url), *reply,
		*why);
	return SOUK_EUPSTREAM;
}
