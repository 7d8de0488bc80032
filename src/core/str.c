/* str.c - buffers, URL decoding and small string helpers. */
#include "souk/str.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "souk/arena.h"
#include "souk/err.h"

void buf_init(struct buf *b, size_t cap)
{
	b->data = NULL;
	b->len = 0;
	b->size = 0;
	b->cap = cap;
}

int buf_reserve(struct buf *b, size_t n)
{
	if (n > b->cap - b->len)
		return SOUK_ETOOLARGE;
	if (b->len + n + 1 > b->size) {
		size_t want = b->size ? b->size : 256;
		char *grown;

		while (want < b->len + n + 1)
			want *= 2;
		grown = realloc(b->data, want);
		if (grown == NULL) {
			fprintf(stderr, "{\"level\":\"fatal\",\"msg\":\"out of memory\"}\n");
			abort();
		}
		b->data = grown;
		b->size = want;
	}
	return SOUK_OK;
}

int buf_append(struct buf *b, const void *p, size_t n)
{
	if (buf_reserve(b, n) != SOUK_OK)
		return SOUK_ETOOLARGE;
	if (n > 0)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
	return SOUK_OK;
}

int buf_appends(struct buf *b, const char *s)
{
	return buf_append(b, s, strlen(s));
}

void buf_appends_chained(struct buf *b, int *rc, const char *s)
{
	if (*rc == SOUK_OK)
		*rc = buf_appends(b, s);
}

int buf_append_html_escaped(struct buf *b, const char *s, size_t len)
{
	size_t run = 0;

	for (size_t i = 0; i < len; i++) {
		const char *rep;

		switch (s[i]) {
		case '&':
			rep = "&amp;";
			break;
		case '<':
			rep = "&lt;";
			break;
		case '>':
			rep = "&gt;";
			break;
		case '"':
			rep = "&quot;";
			break;
		case '\'':
			rep = "&#39;";
			break;
		case '`':
			rep = "&#96;";
			break;
		default:
			continue;
		}
		if (buf_append(b, s + run, i - run) != SOUK_OK || buf_appends(b, rep) != SOUK_OK)
			return SOUK_ETOOLARGE;
		run = i + 1;
	}
	return buf_append(b, s + run, len - run);
}

char *str_html_escape(struct arena *a, const char *s)
{
	struct buf *b = buf_in_arena(a, (size_t)-1);

	if (buf_append_html_escaped(b, s, strlen(s)) != SOUK_OK || buf_reserve(b, 0) != SOUK_OK)
		abort(); /* no cap: only out of memory, which aborts anyway */
	return b->data;
}

int buf_append_json_escaped(struct buf *b, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	const unsigned char *run = p;
	int rc = SOUK_OK;

	for (; *p != '\0' && rc == SOUK_OK; p++) {
		char esc[8];
		const char *rep = NULL;

		switch (*p) {
		case '"':
			rep = "\\\"";
			break;
		case '\\':
			rep = "\\\\";
			break;
		case '\n':
			rep = "\\n";
			break;
		case '\r':
			rep = "\\r";
			break;
		case '\t':
			rep = "\\t";
			break;
		default:
			if (*p < 0x20) {
				snprintf(esc, sizeof(esc), "\\u%04x", *p);
				rep = esc;
			}
		}
		if (rep != NULL) {
			rc = buf_append(b, run, (size_t)(p - run));
			if (rc == SOUK_OK)
				rc = buf_appends(b, rep);
			run = p + 1;
		}
	}
	if (rc == SOUK_OK)
		rc = buf_append(b, run, (size_t)(p - run));
	return rc;
}

void buf_free(struct buf *b)
{
	free(b->data);
	buf_init(b, b->cap);
}

static void buf_release(void *p)
{
	buf_free(p);
}

struct buf *buf_in_arena(struct arena *a, size_t cap)
{
	struct buf *b = arena_alloc(a, sizeof(*b));

	buf_init(b, cap);
	arena_defer(a, buf_release, b);
	return b;
}

static int hex_value(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

long str_url_decode(char *dst, const char *src, size_t len, bool plus_is_space)
{
	size_t i, o = 0;

	for (i = 0; i < len; i++) {
		int c = (unsigned char)src[i];

		if (c == '%') {
			int hi, lo;

			if (i + 2 >= len)
				return -1;
			hi = hex_value((unsigned char)src[i + 1]);
			lo = hex_value((unsigned char)src[i + 2]);
			if (hi < 0 || lo < 0)
				return -1;
			c = hi * 16 + lo;
			i += 2;
		} else if (c == '+' && plus_is_space) {
			c = ' ';
		}
		if (c == 0)
			return -1;
		dst[o++] = (char)c;
	}
	dst[o] = '\0';
	return (long)o;
}

bool str_ieq(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return false;
	while (*a && *b) {
		if (tolower((unsigned char)*a) != tolower((unsigned char)*b))
			return false;
		a++;
		b++;
	}
	return *a == *b;
}

bool str_istarts(const char *s, const char *prefix)
{
	if (s == NULL || prefix == NULL)
		return false;
	while (*prefix) {
		if (tolower((unsigned char)*s) != tolower((unsigned char)*prefix))
			return false;
		s++;
		prefix++;
	}
	return true;
}

char *str_trim(char *s)
{
	char *end;

	while (*s == ' ' || *s == '\t')
		s++;
	end = s + strlen(s);
	while (end > s && (end[-1] == ' ' || end[-1] == '\t'))
		*--end = '\0';
	return s;
}

int str_to_long(const char *s, long min, long max, long *out)
{
	char *end;
	long v;

	if (s == NULL || *s == '\0' || isspace((unsigned char)*s))
		return SOUK_EMALFORMED;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < min || v > max)
		return SOUK_EMALFORMED;
	*out = v;
	return SOUK_OK;
}

bool str_is_utf8(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + len;

	while (p < end) {
		unsigned c = *p;
		size_t n;
		uint32_t cp;

		if (c < 0x80) {
			p++;
			continue;
		} else if ((c & 0xE0) == 0xC0) {
			n = 1;
			cp = c & 0x1F;
		} else if ((c & 0xF0) == 0xE0) {
			n = 2;
			cp = c & 0x0F;
		} else if ((c & 0xF8) == 0xF0) {
			n = 3;
			cp = c & 0x07;
		} else {
			return false;
		}
		if ((size_t)(end - p) <= n)
			return false;
		for (size_t i = 1; i <= n; i++) {
			if ((p[i] & 0xC0) != 0x80)
				return false;
			cp = (cp << 6) | (p[i] & 0x3F);
		}
		if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
		    cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
			return false;
		p += n + 1;
	}
	return true;
}

long long clock_monotonic_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000LL + ts.tv_nsec / 1000;
}

long long clock_wall_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (long long)ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

char *str_like_escape(struct arena *a, const char *s)
{
	size_t n = strlen(s), o = 0;
	char *out = arena_alloc(a, 2 * n + 1);

	for (size_t i = 0; i < n; i++) {
		if (s[i] == '%' || s[i] == '_' || s[i] == '\\')
			out[o++] = '\\';
		out[o++] = s[i];
	}
	return out;
}

static bool shaped(const char *s, const char *shape, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] == '\0' ||
		    (shape[i] == 'd' ? !isdigit((unsigned char)s[i]) : s[i] != shape[i]))
			return false;
	return true;
}

bool str_is_date(const char *s)
{
	static const int days[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int y, m, d;

	if (!shaped(s, "dddd-dd-dd", 10) || s[10] != '\0')
		return false;
	y = atoi(s);
	m = atoi(s + 5);
	d = atoi(s + 8);
	if (y < 1 || m < 1 || m > 12 || d < 1 || d > days[m - 1])
		return false;
	return m != 2 || d < 29 || (y % 4 == 0 && (y % 100 != 0 || y % 400 == 0));
}

bool str_is_rfc3339(const char *s)
{
	static const char shape[] = "dddd-dd-ddTdd:dd:dd";
	size_t i = sizeof(shape) - 1;

	if (!shaped(s, shape, i))
		return false;
	if (s[i] == '.')
		for (i++; isdigit((unsigned char)s[i]); i++)
			;
	if (strcmp(s + i, "Z") == 0)
		return true;
	return (s[i] == '+' || s[i] == '-') && isdigit((unsigned char)s[i + 1]) &&
	       isdigit((unsigned char)s[i + 2]) && s[i + 3] == ':' &&
	       isdigit((unsigned char)s[i + 4]) && isdigit((unsigned char)s[i + 5]) &&
	       s[i + 6] == '\0';
}

void str_paise(int64_t paise, bool rupees, char out[STR_PAISE_MAX])
{
	uint64_t v = paise < 0 ? 0 - (uint64_t)paise : (uint64_t)paise;
	char digits[24], grouped[40];
	int nd = snprintf(digits, sizeof(digits), "%" PRIu64, v / 100);
	size_t g = 0;

	for (int i = 0; i < nd; i++) {
		int left = nd - i; /* digits from here to the end */

		if (i > 0 && left >= 3 && (left - 3) % 2 == 0)
			grouped[g++] = ',';
		grouped[g++] = digits[i];
	}
	grouped[g] = '\0';
	snprintf(out, STR_PAISE_MAX, "%s%s%s.%02u", paise < 0 ? "-" : "", rupees ? "Rs " : "",
		 grouped, (unsigned)(v % 100));
}
