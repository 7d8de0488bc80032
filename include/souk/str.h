/*
 * str.h - small string and buffer helpers.
 *
 * struct buf is a growable byte buffer with a hard cap: appends past the cap
 * fail with SOUK_ETOOLARGE instead of growing (size-capped buffers return
 * errors; see the OOM policy in arena.h). The buffer owns its memory
 * (malloc), released by buf_free().
 */
#ifndef SOUK_STR_H
#define SOUK_STR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct arena;

struct buf {
	char *data; /* NUL-terminated while len < cap */
	size_t len;
	size_t size; /* allocated bytes */
	size_t cap;  /* hard maximum of len */
};

void buf_init(struct buf *b, size_t cap);
/* Appends n bytes; SOUK_OK or SOUK_ETOOLARGE (buffer unchanged). */
int buf_append(struct buf *b, const void *p, size_t n);
int buf_appends(struct buf *b, const char *s);
/* buf_appends() in a chain of appends: does nothing once *rc holds an error,
 * else stores the append's result there (check *rc once, at the end). */
void buf_appends_chained(struct buf *b, int *rc, const char *s);
/* Makes room for n more bytes (and the NUL) without appending: SOUK_OK, or
 * SOUK_ETOOLARGE past the cap. */
int buf_reserve(struct buf *b, size_t n);
/* Appends s[0..len) with & < > " ' and ` as character references: safe as
 * HTML or XML text and inside a quoted attribute. SOUK_OK or SOUK_ETOOLARGE. */
int buf_append_html_escaped(struct buf *b, const char *s, size_t len);
/* The same as a string in the arena (aborts when out of memory). */
char *str_html_escape(struct arena *a, const char *s);
/* Appends s as the inside of a JSON string (quotes not included). */
int buf_append_json_escaped(struct buf *b, const char *s);
void buf_free(struct buf *b);
/* A buf (capped at cap) whose memory is released at the arena's reset. */
struct buf *buf_in_arena(struct arena *a, size_t cap);

/* Percent-decodes src[0..len) into dst (at least len + 1 bytes); '+' becomes
 * a space when plus_is_space. Returns the decoded length, or -1 when the
 * input holds a malformed escape or a NUL byte. dst is NUL-terminated. */
long str_url_decode(char *dst, const char *src, size_t len, bool plus_is_space);

/* s with LIKE's wildcards (% and _) and the backslash escaped by a backslash,
 * for "col ILIKE '%' || $1 || '%' ESCAPE" with a backslash. Arena-owned. */
char *str_like_escape(struct arena *a, const char *s);

/* ASCII case-insensitive equality / prefix test. */
bool str_ieq(const char *a, const char *b);
bool str_istarts(const char *s, const char *prefix);

/* Trims ASCII spaces and tabs at both ends, in place; returns s. */
char *str_trim(char *s);

/* Parses a whole decimal integer in [min, max]; SOUK_OK or SOUK_EMALFORMED. */
int str_to_long(const char *s, long min, long max, long *out);

/* True if s is valid UTF-8 (no overlongs, no surrogates). */
bool str_is_utf8(const char *s, size_t len);

/* True for an RFC 3339 time with seconds and a zone (2026-12-31T23:59:59Z,
 * ...59.5+05:30), by shape: PostgreSQL checks the values. */
bool str_is_rfc3339(const char *s);
/* True for a real calendar date written YYYY-MM-DD (2028-02-29 yes,
 * 2026-02-29 and 2026-13-01 no). */
bool str_is_date(const char *s);

/* Paise as "1,23,456.78" (Indian grouping: the last three digits of the
 * rupees, then pairs), with "Rs " in front when rupees; "-" first when
 * negative. out holds STR_PAISE_MAX bytes. */
#define STR_PAISE_MAX 48 /* "-Rs " + 17 digits + 8 commas + ".00" + NUL, with room */
void str_paise(int64_t paise, bool rupees, char out[STR_PAISE_MAX]);

/* Monotonic clock in microseconds; wall clock in milliseconds. */
long long clock_monotonic_us(void);
long long clock_wall_ms(void);

#endif
