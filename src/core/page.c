/* page.c - opaque keyset cursors and list parameters; see include/souk/page.h. */
#include "souk/page.h"

#include <libpq-fe.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "souk/arena.h"
#include "souk/crypto.h"
#include "souk/err.h"
#include "souk/http.h"
#include "souk/str.h"

#define CURSOR_VERSION 1
#define CURSOR_BYTES 34 /* 1 version + 1 kind + 4 fingerprint + 3 x 8 keys + 4 check */
#define CURSOR_CHARS ((CURSOR_BYTES * 8 + 5) / 6)

static const char b64url[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

static void put64(unsigned char *p, int64_t v)
{
	uint64_t u = (uint64_t)v;

	for (int i = 7; i >= 0; i--, u >>= 8)
		p[i] = (unsigned char)(u & 0xff);
}

static int64_t get64(const unsigned char *p)
{
	uint64_t u = 0;

	for (int i = 0; i < 8; i++)
		u = u << 8 | p[i];
	return (int64_t)u;
}

/* First 4 bytes of SHA-256("souk-page-cursor" || data). */
static uint32_t cursor_check(const unsigned char *data, size_t len)
{
	static const char domain[] = "souk-page-cursor";
	unsigned char buf[64];
	char hex[CRYPTO_SHA256_HEX_LEN + 1];

	memcpy(buf, domain, sizeof(domain) - 1);
	memcpy(buf + sizeof(domain) - 1, data, len);
	crypto_sha256_hex(buf, sizeof(domain) - 1 + len, hex);
	hex[8] = '\0';
	return (uint32_t)strtoul(hex, NULL, 16);
}

static bool kind_valid(char kind)
{
	return (kind >= 'a' && kind <= 'z') || (kind >= 'A' && kind <= 'Z');
}

int page_cursor_encode(const struct page_cursor *c, char *out, size_t size)
{
	unsigned char raw[CURSOR_BYTES];
	unsigned bits = 0, nbits = 0;
	uint32_t check;
	size_t o = 0;

	if (size < PAGE_CURSOR_MAX || !kind_valid(c->kind))
		return SOUK_EINVALID;
	raw[0] = CURSOR_VERSION;
	raw[1] = (unsigned char)c->kind;
	for (int i = 0; i < 4; i++)
		raw[2 + i] = (unsigned char)(c->fingerprint >> (24 - 8 * i));
	put64(raw + 6, c->k1);
	put64(raw + 14, c->k2);
	put64(raw + 22, c->id);
	check = cursor_check(raw, 30);
	for (int i = 0; i < 4; i++)
		raw[30 + i] = (unsigned char)(check >> (24 - 8 * i));
	for (size_t i = 0; i < sizeof(raw); i++) {
		bits = bits << 8 | raw[i];
		nbits += 8;
		while (nbits >= 6) {
			nbits -= 6;
			out[o++] = b64url[(bits >> nbits) & 63];
		}
	}
	if (nbits > 0)
		out[o++] = b64url[(bits << (6 - nbits)) & 63];
	out[o] = '\0';
	return SOUK_OK;
}

int page_cursor_decode(const char *text, struct page_cursor *out)
{
	unsigned char raw[CURSOR_BYTES];
	size_t len = text ? strlen(text) : 0, n = 0;
	unsigned bits = 0, nbits = 0;
	uint32_t check = 0, fingerprint = 0;

	if (len != CURSOR_CHARS)
		return SOUK_EINVALID;
	for (size_t i = 0; i < len; i++) {
		const char *p = strchr(b64url, text[i]);

		if (p == NULL)
			return SOUK_EINVALID;
		bits = bits << 6 | (unsigned)(p - b64url);
		nbits += 6;
		if (nbits >= 8) {
			nbits -= 8;
			raw[n++] = (unsigned char)(bits >> nbits);
		}
	}
	/* the leftover bits must be zero (one encoding per cursor) */
	if (n != CURSOR_BYTES || (bits & ((1u << nbits) - 1)) != 0)
		return SOUK_EINVALID;
	for (int i = 0; i < 4; i++) {
		check = check << 8 | raw[30 + i];
		fingerprint = fingerprint << 8 | raw[2 + i];
	}
	if (raw[0] != CURSOR_VERSION || check != cursor_check(raw, 30) || !kind_valid((char)raw[1]))
		return SOUK_EINVALID;
	out->kind = (char)raw[1];
	out->fingerprint = fingerprint;
	out->k1 = get64(raw + 6);
	out->k2 = get64(raw + 14);
	out->id = get64(raw + 22);
	return SOUK_OK;
}

uint32_t page_fingerprint(const char *const *parts, size_t n)
{
	struct buf b;
	char hex[CRYPTO_SHA256_HEX_LEN + 1];

	buf_init(&b, 1 << 16);
	for (size_t i = 0; i < n; i++) {
		/* a marker per part: NULL and "" differ, and parts cannot run together */
		(void)buf_append(&b, parts[i] ? "\001" : "\002", 1);
		if (parts[i] != NULL)
			(void)buf_append(&b, parts[i], strlen(parts[i]) + 1);
	}
	crypto_sha256_hex(b.data ? b.data : "", b.len, hex);
	buf_free(&b);
	hex[8] = '\0';
	return (uint32_t)strtoul(hex, NULL, 16);
}

int page_params(struct http_request *req, long default_limit, char kind, uint32_t fingerprint,
		long *limit, struct page_cursor *cursor, bool *has_cursor)
{
	const char *l = http_query(req, "limit"), *c = http_query(req, "cursor");
	struct page_cursor decoded;

	*limit = default_limit;
	*has_cursor = false;
	if (l != NULL && str_to_long(l, 1, PAGE_LIMIT_MAX, limit) != SOUK_OK)
		http_field_error(req, "limit", "must be a whole number from 1 to 100");
	if (c != NULL && *c != '\0') {
		if (page_cursor_decode(c, &decoded) != SOUK_OK)
			http_field_error(req, "cursor", "is not a cursor this API gave");
		else if (decoded.kind != kind)
			http_field_error(req, "cursor", "belongs to another list or sort order");
		else if (decoded.fingerprint != fingerprint)
			http_field_error(req, "cursor", "belongs to other filters");
		else {
			*cursor = decoded;
			*has_cursor = true;
		}
	}
	return req->error_fields != NULL ? SOUK_EINVALID : SOUK_OK;
}

char *page_document(struct arena *a, const char *items, const struct page_cursor *next)
{
	char text[PAGE_CURSOR_MAX];

	if (next != NULL && page_cursor_encode(next, text, sizeof(text)) == SOUK_OK)
		return arena_printf(a, "{\"items\":%s,\"next_cursor\":\"%s\"}", items, text);
	return arena_printf(a, "{\"items\":%s,\"next_cursor\":null}", items);
}

int page_respond(struct http_response *res, struct arena *a, const char *items, const char *more,
		 const char *last_id, struct page_cursor *next)
{
	const char *body;

	next->id = last_id != NULL ? strtoll(last_id, NULL, 10) : 0;
	body = page_document(a, items, more[0] == 't' ? next : NULL);
	http_response_body(res, 200, body, strlen(body));
	return SOUK_OK;
}

int page_respond_row(struct http_response *res, const struct pg_result *r, int status)
{
	if (PQntuples(r) == 0)
		return SOUK_ENOTFOUND;
	http_response_body(res, status, PQgetvalue(r, 0, 0), (size_t)PQgetlength(r, 0, 0));
	return SOUK_OK;
}
