/*
 * sigv4.c - AWS Signature Version 4 (see include/souk/storage.h).
 *
 *   canonical request  METHOD \n URI \n QUERY \n HEADERS \n SIGNED-HEADERS \n PAYLOAD-HASH
 *   string to sign     AWS4-HMAC-SHA256 \n amz-date \n scope \n hex(SHA-256(canonical request))
 *   signing key        HMAC("AWS4" secret, date) -> region -> service -> "aws4_request"
 *   signature          hex(HMAC(signing key, string to sign))
 *
 * Every input that ends up in the canonical request is checked first, so a
 * newline or a stray character can never make two different requests share
 * one canonical form, and a header value we sign can be sent as it is.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "souk/arena.h"
#include "souk/crypto.h"
#include "souk/err.h"
#include "souk/storage.h"
#include "souk/str.h"

#define SIGV4_ALGORITHM "AWS4-HMAC-SHA256"
#define SIGV4_TERMINATOR "aws4_request"
#define SIGV4_CANONICAL_MAX (256 * 1024) /* bytes of a canonical request we build */
#define SIGV4_HEADERS_MAX 64		 /* headers signed besides host */

/* One header as it goes into the canonical request. */
struct sigv4_header {
	char *name;   /* lower-case */
	char *value;  /* trimmed, inner runs of blanks folded to one space */
	size_t order; /* position in the request: keeps repeated names in order */
};

static bool sigv4_unreserved(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       c == '-' || c == '.' || c == '_' || c == '~';
}

char *sigv4_uri_encode(struct arena *a, const char *s, bool keep_slash)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t n = 0;
	char *out, *o;

	if (s == NULL)
		return NULL;
	for (const unsigned char *c = (const unsigned char *)s; *c; c++)
		n += (sigv4_unreserved(*c) || (keep_slash && *c == '/')) ? 1 : 3;
	out = o = arena_alloc(a, n + 1);
	for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
		if (sigv4_unreserved(*c) || (keep_slash && *c == '/')) {
			*o++ = (char)*c;
		} else {
			*o++ = '%';
			*o++ = hex[*c >> 4];
			*o++ = hex[*c & 15];
		}
	}
	*o = '\0';
	return out;
}

void sigv4_amz_date(time_t t, char out[17])
{
	struct tm tm;

	if (gmtime_r(&t, &tm) == NULL || strftime(out, 17, "%Y%m%dT%H%M%SZ", &tm) != 16)
		strcpy(out, "19700101T000000Z"); /* unreachable for any time_t we are given */
}

/* An RFC 7230 token character (header names, methods). */
static bool sigv4_tchar(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       (c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL);
}

static bool sigv4_token(const char *s)
{
	if (s == NULL || *s == '\0')
		return false;
	for (const unsigned char *c = (const unsigned char *)s; *c; c++)
		if (!sigv4_tchar(*c))
			return false;
	return true;
}

/* Printable ASCII other than the characters that delimit the scope or the
 * Authorization header ('/', ',', '=', space). */
static bool sigv4_scope_part(const char *s)
{
	if (s == NULL || *s == '\0')
		return false;
	for (const unsigned char *c = (const unsigned char *)s; *c; c++)
		if (*c <= 0x20 || *c >= 0x7f || *c == '/' || *c == ',' || *c == '=')
			return false;
	return true;
}

/* A host[:port] as it goes into the Host header: no blanks, no controls, no
 * '/', '?', '#' or '@'. */
static bool sigv4_host_valid(const char *s)
{
	if (s == NULL || *s == '\0')
		return false;
	for (const unsigned char *c = (const unsigned char *)s; *c; c++)
		if (*c <= 0x20 || *c >= 0x7f || strchr("/?#@\\", *c) != NULL)
			return false;
	return true;
}

/* Lower-case hex SHA-256, UNSIGNED-PAYLOAD, or one of S3's STREAMING-*
 * markers (upper-case letters, digits and '-'). */
static bool sigv4_payload_hash_valid(const char *s)
{
	size_t n = 0;
	bool hex = true, marker = true;

	if (s == NULL)
		return false;
	for (; s[n] != '\0'; n++) {
		char c = s[n];

		hex = hex && ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'));
		marker = marker && ((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-');
	}
	if (hex && n == 64)
		return true;
	return marker && (strcmp(s, "UNSIGNED-PAYLOAD") == 0 || strncmp(s, "STREAMING-", 10) == 0);
}

/* The value trimmed, with inner runs of spaces and tabs folded to one space
 * (SigV4's Trimall). NULL for a value holding CR, LF or another control. */
static char *sigv4_trimall(struct arena *a, const char *v)
{
	char *out = arena_alloc(a, strlen(v) + 1), *o = out;
	bool blank = false;

	for (const unsigned char *c = (const unsigned char *)v; *c; c++) {
		if (*c == ' ' || *c == '\t') {
			blank = o != out;
			continue;
		}
		if (*c < 0x20 || *c == 0x7f)
			return NULL;
		if (blank)
			*o++ = ' ';
		blank = false;
		*o++ = (char)*c;
	}
	*o = '\0';
	return out;
}

static char *sigv4_lower(struct arena *a, const char *s)
{
	char *out = arena_strdup(a, s);

	for (char *c = out; *c; c++)
		if (*c >= 'A' && *c <= 'Z')
			*c = (char)(*c - 'A' + 'a');
	return out;
}

static int sigv4_header_cmp(const void *x, const void *y)
{
	const struct sigv4_header *p = x, *q = y;
	int c = strcmp(p->name, q->name);

	if (c != 0)
		return c;
	return p->order < q->order ? -1 : p->order > q->order;
}

/*
 * The headers to sign: host plus headers[], names lower-cased, values
 * trimmed, sorted by name (stable). SOUK_OK with *out and *n, or
 * SOUK_EINVALID for a bad name or value, a "host" among headers[] (the host
 * comes from the request) or too many headers.
 */
static int sigv4_headers_collect(struct arena *a, const char *host,
				 const struct sigv4_pair *headers, size_t nheaders,
				 struct sigv4_header **out, size_t *n)
{
	struct sigv4_header *h;

	if (nheaders > SIGV4_HEADERS_MAX || (nheaders > 0 && headers == NULL))
		return SOUK_EINVALID;
	h = arena_alloc(a, (nheaders + 1) * sizeof(*h));
	h[0] = (struct sigv4_header){.name = "host", .value = (char *)host, .order = 0};
	for (size_t i = 0; i < nheaders; i++) {
		if (!sigv4_token(headers[i].name) || headers[i].value == NULL ||
		    str_ieq(headers[i].name, "host"))
			return SOUK_EINVALID;
		h[i + 1].name = sigv4_lower(a, headers[i].name);
		h[i + 1].value = sigv4_trimall(a, headers[i].value);
		h[i + 1].order = i + 1;
		if (h[i + 1].value == NULL)
			return SOUK_EINVALID;
	}
	qsort(h, nheaders + 1, sizeof(*h), sigv4_header_cmp);
	*out = h;
	*n = nheaders + 1;
	return SOUK_OK;
}

/* "host;name;..." of sorted headers, each name once. */
static char *sigv4_signed_list(struct arena *a, const struct sigv4_header *h, size_t n)
{
	size_t len = 0;
	char *out, *o;

	for (size_t i = 0; i < n; i++)
		if (i == 0 || strcmp(h[i].name, h[i - 1].name) != 0)
			len += strlen(h[i].name) + 1;
	out = o = arena_alloc(a, len + 1);
	for (size_t i = 0; i < n; i++) {
		if (i > 0 && strcmp(h[i].name, h[i - 1].name) == 0)
			continue;
		if (o != out)
			*o++ = ';';
		o = stpcpy(o, h[i].name);
	}
	return out;
}

char *sigv4_signed_headers(struct arena *a, const struct sigv4_pair *headers, size_t nheaders)
{
	struct sigv4_header *h;
	size_t n;

	if (sigv4_headers_collect(a, "-", headers, nheaders, &h, &n) != SOUK_OK)
		return NULL;
	return sigv4_signed_list(a, h, n);
}

/*
 * The path as the generic services canonicalise it (the AWS test suite's
 * normalize-path cases): empty and "." segments dropped, ".." removes the
 * segment before it, a trailing '/' kept when a segment remains.
 */
static char *sigv4_path_normalise(struct arena *a, const char *path)
{
	size_t len = strlen(path), nseg = 0;
	const char **seg = arena_alloc(a, (len / 2 + 2) * sizeof(*seg));
	size_t *seglen = arena_alloc(a, (len / 2 + 2) * sizeof(*seglen));
	char *out, *o;

	for (const char *p = path; *p;) {
		const char *end;
		size_t n;

		while (*p == '/')
			p++;
		end = strchr(p, '/');
		n = end ? (size_t)(end - p) : strlen(p);
		if (n == 0 || (n == 1 && p[0] == '.')) {
			/* nothing */
		} else if (n == 2 && p[0] == '.' && p[1] == '.') {
			if (nseg > 0)
				nseg--;
		} else {
			seg[nseg] = p;
			seglen[nseg++] = n;
		}
		p += n;
	}
	out = o = arena_alloc(a, len + 2);
	*o++ = '/';
	for (size_t i = 0; i < nseg; i++) {
		memcpy(o, seg[i], seglen[i]);
		o += seglen[i];
		if (i + 1 < nseg || path[len - 1] == '/')
			*o++ = '/';
	}
	*o = '\0';
	return out;
}

struct sigv4_query_item {
	char *name;  /* encoded */
	char *value; /* encoded */
};

static int sigv4_query_cmp(const void *x, const void *y)
{
	const struct sigv4_query_item *p = x, *q = y;
	int c = strcmp(p->name, q->name);

	return c != 0 ? c : strcmp(p->value, q->value);
}

/* name=value pairs, encoded, sorted by name then value, joined by '&'. */
static char *sigv4_query_canonical(struct arena *a, const struct sigv4_pair *query, size_t n)
{
	struct sigv4_query_item *items;
	size_t len = 0;
	char *out, *o;

	if (n == 0)
		return "";
	items = arena_alloc(a, n * sizeof(*items));
	for (size_t i = 0; i < n; i++) {
		items[i].name = sigv4_uri_encode(a, query[i].name, false);
		items[i].value = sigv4_uri_encode(a, query[i].value ? query[i].value : "", false);
		len += strlen(items[i].name) + strlen(items[i].value) + 2;
	}
	qsort(items, n, sizeof(*items), sigv4_query_cmp);
	out = o = arena_alloc(a, len + 1);
	for (size_t i = 0; i < n; i++) {
		if (i > 0)
			*o++ = '&';
		o = stpcpy(o, items[i].name);
		*o++ = '=';
		o = stpcpy(o, items[i].value);
	}
	*o = '\0';
	return out;
}

static void sigv4_hmac(const void *key, size_t keylen, const char *msg, unsigned char out[32])
{
	unsigned int n = 32;

	HMAC(EVP_sha256(), key, (int)keylen, (const unsigned char *)msg, strlen(msg), out, &n);
}

/* Appends s to b unless an earlier append failed (*rc keeps the first error). */
static void sigv4_put(struct buf *b, int *rc, const char *s)
{
	if (*rc == SOUK_OK)
		*rc = buf_appends(b, s);
}

int sigv4_sign(struct arena *a, const struct sigv4_credentials *cred,
	       const struct sigv4_request *req, time_t t, struct sigv4_result *out)
{
	struct sigv4_result r = {0};
	struct sigv4_header *h = NULL;
	struct buf *creq;
	size_t nh = 0;
	char date[9], hash[CRYPTO_SHA256_HEX_LEN + 1], *scope, *secret;
	const char *uri;
	unsigned char k1[32], k2[32];
	int rc = SOUK_OK;

	if (cred == NULL || req == NULL || out == NULL || !sigv4_token(req->method) ||
	    !sigv4_host_valid(req->host) || req->path == NULL || req->path[0] != '/' ||
	    !sigv4_payload_hash_valid(req->payload_hash) || !sigv4_scope_part(cred->access_key) ||
	    cred->secret_key == NULL || cred->secret_key[0] == '\0' ||
	    !sigv4_scope_part(cred->region) || !sigv4_scope_part(cred->service) ||
	    (req->nquery > 0 && req->query == NULL))
		return SOUK_EINVALID;
	for (size_t i = 0; i < req->nquery; i++)
		if (req->query[i].name == NULL)
			return SOUK_EINVALID;
	rc = sigv4_headers_collect(a, req->host, req->headers, req->nheaders, &h, &nh);
	if (rc != SOUK_OK)
		return rc;

	sigv4_amz_date(t, r.amz_date);
	memcpy(date, r.amz_date, 8);
	date[8] = '\0';
	/* an x-amz-date header must say the time we sign with */
	for (size_t i = 0; i < nh; i++)
		if (strcmp(h[i].name, "x-amz-date") == 0 && strcmp(h[i].value, r.amz_date) != 0)
			return SOUK_EINVALID;

	uri = sigv4_uri_encode(a, req->s3_path ? req->path : sigv4_path_normalise(a, req->path),
			       true);
	r.signed_headers = sigv4_signed_list(a, h, nh);

	creq = buf_in_arena(a, SIGV4_CANONICAL_MAX);
	sigv4_put(creq, &rc, req->method);
	sigv4_put(creq, &rc, "\n");
	sigv4_put(creq, &rc, uri);
	sigv4_put(creq, &rc, "\n");
	sigv4_put(creq, &rc, sigv4_query_canonical(a, req->query, req->nquery));
	sigv4_put(creq, &rc, "\n");
	for (size_t i = 0; i < nh; i++) {
		/* a repeated name: its values joined by commas, in request order */
		if (i > 0 && strcmp(h[i].name, h[i - 1].name) == 0) {
			sigv4_put(creq, &rc, ",");
		} else {
			if (i > 0)
				sigv4_put(creq, &rc, "\n");
			sigv4_put(creq, &rc, h[i].name);
			sigv4_put(creq, &rc, ":");
		}
		sigv4_put(creq, &rc, h[i].value);
	}
	sigv4_put(creq, &rc, "\n\n");
	sigv4_put(creq, &rc, r.signed_headers);
	sigv4_put(creq, &rc, "\n");
	sigv4_put(creq, &rc, req->payload_hash);
	if (rc != SOUK_OK)
		return SOUK_EINVALID;
	r.canonical_request = arena_strndup(a, creq->data, creq->len);

	crypto_sha256_hex(creq->data, creq->len, hash);
	scope = arena_printf(a, "%s/%s/%s/" SIGV4_TERMINATOR, date, cred->region, cred->service);
	r.string_to_sign = arena_printf(a, SIGV4_ALGORITHM "\n%s\n%s\n%s", r.amz_date, scope, hash);

	/* the signing key: the secret never leaves this function's buffers */
	secret = arena_printf(a, "AWS4%s", cred->secret_key);
	sigv4_hmac(secret, strlen(secret), date, k1);
	OPENSSL_cleanse(secret, strlen(secret));
	sigv4_hmac(k1, sizeof(k1), cred->region, k2);
	sigv4_hmac(k2, sizeof(k2), cred->service, k1);
	sigv4_hmac(k1, sizeof(k1), SIGV4_TERMINATOR, k2);
	sigv4_hmac(k2, sizeof(k2), r.string_to_sign, k1);
	crypto_hex(k1, sizeof(k1), r.signature);
	OPENSSL_cleanse(k1, sizeof(k1));
	OPENSSL_cleanse(k2, sizeof(k2));

	r.authorization = arena_printf(a,
				       SIGV4_ALGORITHM " Credential=%s/%s, SignedHeaders=%s, "
						       "Signature=%s",
				       cred->access_key, scope, r.signed_headers, r.signature);
	*out = r;
	return SOUK_OK;
}
