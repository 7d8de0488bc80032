/*
 * page.h - the one pagination contract of every list in the API.
 *
 *   GET ...?limit=N&cursor=C   ->   {"items": [...], "next_cursor": "..." | null}
 *
 * limit is 1..PAGE_LIMIT_MAX (a list names its default); cursor is the
 * next_cursor of the previous page, opaque to clients: base64url of a
 * version, a kind (which list and sort it belongs to), a fingerprint of the
 * filters, three 64-bit keyset keys and a 32-bit checksum. A damaged cursor,
 * or one from another list, sort or filter set, is a 422 on "cursor". The
 * checksum is not a secret: a hand-made cursor can only move where a page of
 * what the caller may already see starts. Items never carry the keys.
 */
#ifndef SOUK_PAGE_H
#define SOUK_PAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct arena;
struct http_request;
struct http_response;
struct pg_result;

#define PAGE_LIMIT_MAX 100
#define PAGE_CURSOR_MAX 64 /* buffer for an encoded cursor (46 characters + NUL) */

struct page_cursor {
	char kind;	      /* an ASCII letter naming the list (and its sort) */
	uint32_t fingerprint; /* of the filters the cursor continues */
	int64_t k1, k2;	      /* sort keys of the last item (meaning is the list's) */
	int64_t id;	      /* tie-breaker of the last item */
};

/* Writes c as base64url (no padding) into out[size >= PAGE_CURSOR_MAX]:
 * SOUK_OK, or SOUK_EINVALID (kind not a letter, or no room). */
int page_cursor_encode(const struct page_cursor *c, char *out, size_t size);

/* Reads what page_cursor_encode() wrote: SOUK_OK, or SOUK_EINVALID for
 * anything else (length, alphabet, version, kind, checksum); *out is set on
 * success only. */
int page_cursor_decode(const char *text, struct page_cursor *out);

/* A fingerprint of a list's filters: the first 32 bits of SHA-256 over the
 * n strings (NULL counts as absent, distinct from ""). */
uint32_t page_fingerprint(const char *const *parts, size_t n);

/*
 * Reads ?limit= (1..PAGE_LIMIT_MAX, default_limit when absent) and ?cursor=
 * for a list of this kind and fingerprint. SOUK_OK with *limit and, when a
 * cursor was given, *cursor and *has_cursor = true; SOUK_EINVALID with the
 * field errors on req (other parameters' errors are kept, so a handler can
 * check them all first and return once).
 */
int page_params(struct http_request *req, long default_limit, char kind, uint32_t fingerprint,
		long *limit, struct page_cursor *cursor, bool *has_cursor);

/* {"items":<items>,"next_cursor":<next encoded, or null>} in the arena;
 * items is a JSON array's text. */
char *page_document(struct arena *a, const char *items, const struct page_cursor *next);

/* Answers 200 with page_document() for a list query whose one row is
 * (items JSON, more 't'/'f', id of the last item or NULL): next carries the
 * list's kind and fingerprint, and its id is set from last_id. SOUK_OK. */
int page_respond(struct http_response *res, struct arena *a, const char *items, const char *more,
		 const char *last_id, struct page_cursor *next);

/* Answers status with the JSON text in the first column of r's first row
 * (a single document built by PostgreSQL). SOUK_OK, or SOUK_ENOTFOUND when
 * r has no row. */
int page_respond_row(struct http_response *res, const struct pg_result *r, int status);

#endif
