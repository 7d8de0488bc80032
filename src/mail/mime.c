/* mime.c - RFC 5322 / MIME e-mail messages; see include/souk/mail.h.
 *
 * Every line this file writes ends in CRLF and stays short: header lines are
 * folded at 78 characters (RFC 5322 2.1.1), quoted-printable lines at 76
 * (RFC 2045 6.7), base64 lines at 76. A value that could break a header
 * (CR, LF, angle brackets in an address) is refused, never cleaned up: a
 * message is built exactly as asked or not at all.
 */
#include "souk/mail.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <openssl/evp.h>

#include "souk/arena.h"
#include "souk/err.h"
#include "souk/str.h"

#define HEADER_LINE_MAX 78   /* RFC 5322: SHOULD be no more than 78 characters */
#define ENCODED_WORD_MAX 75  /* RFC 2047 2: an encoded word is at most 75 characters */
#define ENCODED_WORD_WRAP 12 /* strlen("=?UTF-8?B?") + strlen("?=") */
#define HEADER_WORD_MAX 900  /* a longer unbroken run is encoded so it can be split (998) */
#define BODY_LINE_MAX 76     /* quoted-printable and base64 */
#define ADDRESS_MAX 254	     /* RFC 5321's path limit, less the angle brackets */

/* Appends to an uncapped buffer, which cannot fail (OOM aborts). */
static void put(struct buf *b, const char *s, size_t n)
{
	(void)buf_append(b, s, n);
}

static void puts_(struct buf *b, const char *s)
{
	put(b, s, strlen(s));
}

static struct buf *buf_new(struct arena *a)
{
	return buf_in_arena(a, SIZE_MAX);
}

static const char *buf_text(const struct buf *b)
{
	return b->data != NULL ? b->data : "";
}

/* base64 of p[0, n) (OpenSSL's encoder); with wrap (a multiple of 4), CRLF
 * between lines of wrap characters (none after the last). */
static void put_base64(struct buf *b, const unsigned char *p, size_t n, size_t wrap)
{
	size_t chunk = wrap > 0 ? wrap / 4 * 3 : 3 * 256; /* input bytes a step */
	unsigned char out[4 * 256 + 1];

	for (size_t i = 0; i < n; i += chunk) {
		size_t take = n - i < chunk ? n - i : chunk;
		int len = EVP_EncodeBlock(out, p + i, (int)take);

		if (wrap > 0 && i > 0)
			put(b, "\r\n", 2);
		put(b, (const char *)out, (size_t)len);
	}
}

/* ----------------------------------------------------------- headers --- */

/* A header line being written, and where on its current line we are. */
struct header {
	struct buf *b;
	size_t col;    /* characters on the current physical line */
	bool has_text; /* the current line holds more than folding white space */
};

static bool is_wsp(char c)
{
	return c == ' ' || c == '\t';
}

static void header_begin(struct header *h, struct buf *b, const char *name)
{
	h->b = b;
	puts_(b, name);
	put(b, ": ", 2);
	h->col = strlen(name) + 2;
	h->has_text = true;
}

static bool header_after_space(const struct header *h)
{
	return h->b->len > 0 && is_wsp(h->b->data[h->b->len - 1]);
}

/* True when value must go out as encoded words: non-ASCII, a control
 * character, something a reader would take for an encoded word, or an
 * unbroken run too long to fold. */
static bool header_needs_encoding(const char *s)
{
	size_t run = 0;

	for (const unsigned char *p = (const unsigned char *)s; *p != '\0'; p++) {
		if (*p >= 0x7f || (*p < 0x20 && *p != '\t'))
			return true;
		if (p[0] == '=' && p[1] == '?')
			return true;
		run = is_wsp((char)*p) ? 0 : run + 1;
		if (run > HEADER_WORD_MAX)
			return true;
	}
	return false;
}

/* ASCII text, folded before white space (CRLF inserted, nothing changed:
 * unfolding gives the text back). */
static void header_ascii(struct header *h, const char *s, size_t len)
{
	size_t i = 0;

	while (i < len) {
		size_t j = i;
		bool lead = is_wsp(s[i]);

		if (lead)
			j++;
		while (j < len && !is_wsp(s[j]))
			j++;
		if (lead && h->has_text && h->col + (j - i) > HEADER_LINE_MAX) {
			put(h->b, "\r\n", 2);
			h->col = 0;
			h->has_text = false;
		}
		put(h->b, s + i, j - i);
		h->col += j - i;
		if (j - i > (lead ? 1u : 0u))
			h->has_text = true;
		i = j;
	}
}

/* s[0, len) as RFC 2047 "B" encoded words of UTF-8, each at most 75
 * characters and filling its line up to 78, split between characters and
 * folded between words (white space between encoded words is not text). */
static void header_encoded(struct header *h, const char *s, size_t len)
{
	size_t i = 0;

	while (i < len) {
		bool space = !header_after_space(h);
		size_t room = HEADER_LINE_MAX - h->col - (space ? 1 : 0), bytes, n;

		if (h->col + (space ? 1 : 0) >= HEADER_LINE_MAX)
			room = 0;
		if (room > ENCODED_WORD_MAX)
			room = ENCODED_WORD_MAX;
		bytes = room > ENCODED_WORD_WRAP ? (room - ENCODED_WORD_WRAP) / 4 * 3 : 0;
		if (bytes < 4) {
			/* not room for a 4-byte character: next line */
			put(h->b, "\r\n ", 3);
			h->col = 1;
			space = false;
			bytes = (ENCODED_WORD_MAX - ENCODED_WORD_WRAP) / 4 * 3;
		}
		n = len - i < bytes ? len - i : bytes;
		if (i + n < len) {
			size_t cut = n;

			/* never split a UTF-8 character: back off its continuation bytes */
			while (cut > 0 && ((unsigned char)s[i + cut] & 0xC0) == 0x80)
				cut--;
			if (cut > 0)
				n = cut;
		}
		if (space)
			put(h->b, " ", 1);
		put(h->b, "=?UTF-8?B?", 10);
		put_base64(h->b, (const unsigned char *)s + i, n, 0);
		put(h->b, "?=", 2);
		h->col += (space ? 1 : 0) + ENCODED_WORD_WRAP + (n + 2) / 3 * 4;
		h->has_text = true;
		i += n;
	}
}

static void header_value(struct header *h, const char *value)
{
	if (header_needs_encoding(value))
		header_encoded(h, value, strlen(value));
	else
		header_ascii(h, value, strlen(value));
}

char *mail_header(struct arena *a, const char *name, const char *value)
{
	struct buf *b = buf_new(a);
	struct header h;

	header_begin(&h, b, name);
	header_value(&h, value != NULL ? value : "");
	return b->data;
}

/* ------------------------------------------------------------ checks --- */

/* An address or a Message-ID: ASCII (an addr-spec cannot be RFC 2047
 * encoded, and raw UTF-8 would need SMTPUTF8), no CR, LF or other control
 * character, no space, no character that would end or split the header's
 * address. */
static bool address_is_safe(const char *s)
{
	size_t len;

	if (s == NULL)
		return false;
	len = strlen(s);
	if (len == 0 || len > ADDRESS_MAX)
		return false;
	for (const unsigned char *p = (const unsigned char *)s; *p != '\0'; p++)
		if (*p <= ' ' || *p >= 0x7f || strchr("<>,;\"()\\", *p) != NULL)
			return false;
	return true;
}

/* A one-line UTF-8 header text (subject, display name, file name). */
static bool line_is_safe(const char *s)
{
	return strchr(s, '\r') == NULL && strchr(s, '\n') == NULL && str_is_utf8(s, strlen(s));
}

/* type/subtype made of RFC 6838 restricted-name characters. */
static bool content_type_is_valid(const char *s)
{
	const char *slash = strchr(s, '/');
	size_t len = strlen(s);

	if (slash == NULL || slash == s || slash[1] == '\0' || len > 127)
		return false;
	for (const char *p = s; *p != '\0'; p++) {
		bool name_char = (*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
				 (*p >= '0' && *p <= '9') || strchr("!#$&^_.+-", *p) != NULL;

		if (!(name_char || p == slash))
			return false;
	}
	return true;
}

/* ------------------------------------------------------------ bodies --- */

/* One line (no line end) as quoted-printable, with soft breaks so no encoded
 * line passes 76 characters; trailing white space is encoded. */
static void put_qp_line(struct buf *b, const unsigned char *p, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t col = 0;

	for (size_t k = 0; k < n; k++) {
		bool last = k + 1 == n;
		bool literal =
		    (p[k] >= 33 && p[k] <= 126 && p[k] != '=') || (is_wsp((char)p[k]) && !last);
		char unit[3] = {'=', hex[p[k] >> 4], hex[p[k] & 15]};
		size_t width = literal ? 1 : 3;

		/* room for the unit, and for a soft break's '=' unless it ends the line */
		if (col + width > (last ? BODY_LINE_MAX : BODY_LINE_MAX - 1)) {
			put(b, "=\r\n", 3);
			col = 0;
		}
		if (literal)
			put(b, (const char *)p + k, 1);
		else
			put(b, unit, 3);
		col += width;
	}
}

/* text as quoted-printable: its LF or CRLF line ends become hard CRLF breaks. */
static void put_qp(struct buf *b, const char *text)
{
	size_t len = strlen(text), i = 0;

	for (;;) {
		size_t j = i, end;

		while (j < len && text[j] != '\n')
			j++;
		end = j;
		if (end > i && text[end - 1] == '\r')
			end--;
		put_qp_line(b, (const unsigned char *)text + i, end - i);
		if (j >= len)
			break;
		put(b, "\r\n", 2);
		i = j + 1;
	}
}

/* A boundary derived from the Message-ID (and a salt, bumped until the
 * boundary appears in no body). It starts "=_", which quoted-printable and
 * base64 can never produce. */
static char *boundary_make(struct arena *a, const char *kind, const char *message_id, unsigned salt)
{
	uint64_t h1 = 14695981039346656037ULL, h2 = 1099511628211ULL * 31;

	for (const unsigned char *p = (const unsigned char *)message_id; *p != '\0'; p++) {
		h1 = (h1 ^ *p) * 1099511628211ULL;
		h2 = (h2 ^ *p ^ salt) * 1099511628211ULL + 0x9E3779B97F4A7C15ULL;
	}
	h1 = (h1 ^ salt) * 1099511628211ULL;
	return arena_printf(a, "=_souk_%s_%016llx%016llx", kind, (unsigned long long)h1,
			    (unsigned long long)h2);
}

static bool boundary_is_free(const char *boundary, struct buf *const *parts, size_t nparts)
{
	for (size_t i = 0; i < nparts; i++)
		if (strstr(buf_text(parts[i]), boundary) != NULL)
			return false;
	return true;
}

static char *boundary_choose(struct arena *a, const char *kind, const char *message_id,
			     struct buf *const *parts, size_t nparts)
{
	for (unsigned salt = 0;; salt++) {
		char *boundary = boundary_make(a, kind, message_id, salt);

		if (boundary_is_free(boundary, parts, nparts))
			return boundary;
	}
}

/* ASCII text a quoted-string may hold as-is (after escaping " and \). */
static bool is_quotable(const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p != '\0'; p++)
		if (*p < 0x20 || *p >= 0x7f)
			return false;
	return true;
}

static void put_quoted(struct buf *b, const char *s)
{
	put(b, "\"", 1);
	for (const char *p = s; *p != '\0'; p++) {
		if (*p == '"' || *p == '\\')
			put(b, "\\", 1);
		put(b, p, 1);
	}
	put(b, "\"", 1);
}

/*
 * "; param=value" on header h: a quoted string when value is printable ASCII
 * that fits the line; otherwise RFC 2231's param*=UTF-8''%XX.., split into
 * numbered continuations (param*0*=, param*1*=...) so no line passes 78.
 */
static void header_param(struct arena *a, struct header *h, const char *param, const char *value)
{
	struct buf *pct;
	size_t plen = strlen(param), seg, total, i, part = 0;

	if (is_quotable(value)) {
		struct buf *q = buf_new(a);

		put_quoted(q, value);
		if (h->col + 2 + plen + 1 + q->len <= HEADER_LINE_MAX) {
			put(h->b, "; ", 2);
			h->col += 2;
		} else if (1 + plen + 1 + q->len <= HEADER_LINE_MAX) {
			put(h->b, ";\r\n ", 4);
			h->col = 1;
		} else {
			goto extended;
		}
		puts_(h->b, param);
		put(h->b, "=", 1);
		put(h->b, q->data, q->len);
		h->col += plen + 1 + q->len;
		return;
	}
extended:
	pct = buf_new(a);
	for (const unsigned char *p = (const unsigned char *)value; *p != '\0'; p++) {
		/* RFC 2231 attribute-char: not SPACE, *, ', %, tspecials or controls */
		if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		    (*p >= '0' && *p <= '9') || strchr("!#$&+-.^_`|~", *p) != NULL) {
			put(pct, (const char *)p, 1);
		} else {
			char e[4];

			snprintf(e, sizeof(e), "%%%02X", *p);
			put(pct, e, 3);
		}
	}
	total = pct->len;
	if (1 + plen + 2 + 7 + total <= HEADER_LINE_MAX) {
		put(h->b, ";\r\n ", 4);
		puts_(h->b, param);
		put(h->b, "*=UTF-8''", 9);
		put(h->b, buf_text(pct), total);
		h->col = 1 + plen + 2 + 7 + total;
		return;
	}
	for (i = 0; i < total; part++) {
		char head[32];
		size_t n;

		/* " name*N*=" + the segment + ";" on each line */
		snprintf(head, sizeof(head), "*%zu*=%s", part, part == 0 ? "UTF-8''" : "");
		seg = HEADER_LINE_MAX - 1 - plen - strlen(head) - 1;
		n = total - i < seg ? total - i : seg;
		/* never split a %XX escape */
		if (i + n < total && n >= 1 && pct->data[i + n - 1] == '%')
			n -= 1;
		else if (i + n < total && n >= 2 && pct->data[i + n - 2] == '%')
			n -= 2;
		put(h->b, ";\r\n ", 4);
		puts_(h->b, param);
		puts_(h->b, head);
		put(h->b, pct->data + i, n);
		h->col = 1 + plen + strlen(head) + n;
		i += n;
	}
}

/* "Mon, 07 Dec 2026 08:15:00 +0000" (RFC 5322 3.3), in UTC, without the
 * locale (strftime's %a and %b are localised). */
static char *date_format(struct arena *a, time_t t)
{
	static const char *const days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
	static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
					     "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
	struct tm tm;

	if (gmtime_r(&t, &tm) == NULL)
		return NULL;
	return arena_printf(a, "%s, %02d %s %04d %02d:%02d:%02d +0000", days[tm.tm_wday],
			    tm.tm_mday, months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
			    tm.tm_sec);
}

/* ----------------------------------------------------------- message --- */

static void put_header(struct buf *b, const char *name, const char *value)
{
	struct header h;

	header_begin(&h, b, name);
	header_value(&h, value);
	put(b, "\r\n", 2);
}

/* From / Reply-To style: "Display Name" <addr>, or the bare address. */
static void put_address_header(struct arena *a, struct buf *b, const char *name,
			       const char *display, const char *addr)
{
	struct header h;

	header_begin(&h, b, name);
	if (display == NULL || display[0] == '\0') {
		header_ascii(&h, addr, strlen(addr));
	} else {
		struct buf *tail = buf_new(a);

		if (header_needs_encoding(display)) {
			header_encoded(&h, display, strlen(display));
		} else {
			struct buf *quoted = buf_new(a);

			put_quoted(quoted, display);
			header_ascii(&h, quoted->data, quoted->len);
		}
		/* " <addr>" folds as one unit */
		put(tail, " <", 2);
		puts_(tail, addr);
		put(tail, ">", 1);
		header_ascii(&h, tail->data, tail->len);
	}
	put(b, "\r\n", 2);
}

static void put_part_headers(struct buf *b, const char *content_type)
{
	puts_(b, "Content-Type: ");
	puts_(b, content_type);
	puts_(b, "; charset=UTF-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n");
}

int mail_mime_build(struct arena *a, const struct mail_message *m, char **out, size_t *len)
{
	struct buf *text, *html, **parts, *b;
	const char *alt, *mixed = NULL, *date;
	size_t nparts;

	if (m == NULL || m->text == NULL || m->html == NULL || m->subject == NULL ||
	    !address_is_safe(m->from_addr) || !address_is_safe(m->to_addr) ||
	    !address_is_safe(m->message_id) ||
	    (m->reply_to != NULL && m->reply_to[0] != '\0' && !address_is_safe(m->reply_to)) ||
	    !line_is_safe(m->subject) || (m->from_name != NULL && !line_is_safe(m->from_name)) ||
	    (m->nattachments > 0 && m->attachments == NULL))
		return SOUK_EINVALID;
	for (size_t i = 0; i < m->nattachments; i++) {
		const struct mail_attachment *at = &m->attachments[i];

		if (at->filename == NULL || at->filename[0] == '\0' ||
		    !line_is_safe(at->filename) ||
		    (at->content_type != NULL && !content_type_is_valid(at->content_type)) ||
		    (at->data == NULL && at->len > 0))
			return SOUK_EINVALID;
		for (const unsigned char *p = (const unsigned char *)at->filename; *p; p++)
			if (*p < 0x20 || *p == 0x7f)
				return SOUK_EINVALID;
	}
	date = date_format(a, m->date);
	if (date == NULL)
		return SOUK_EINVALID;

	/* the bodies first, so the boundaries can be checked against them */
	nparts = 2 + m->nattachments;
	parts = arena_alloc(a, nparts * sizeof(*parts));
	parts[0] = text = buf_new(a);
	parts[1] = html = buf_new(a);
	put_qp(text, m->text);
	put_qp(html, m->html);
	for (size_t i = 0; i < m->nattachments; i++) {
		parts[2 + i] = buf_new(a);
		put_base64(parts[2 + i], m->attachments[i].data, m->attachments[i].len,
			   BODY_LINE_MAX);
	}
	alt = boundary_choose(a, "alt", m->message_id, parts, nparts);
	if (m->nattachments > 0)
		mixed = boundary_choose(a, "mix", m->message_id, parts, nparts);

	b = buf_new(a);
	put_address_header(a, b, "From", m->from_name, m->from_addr);
	put_address_header(a, b, "To", NULL, m->to_addr);
	if (m->reply_to != NULL && m->reply_to[0] != '\0')
		put_address_header(a, b, "Reply-To", NULL, m->reply_to);
	put_header(b, "Subject", m->subject);
	put_header(b, "Date", date);
	puts_(b, "Message-ID: <");
	puts_(b, m->message_id);
	puts_(b, ">\r\nMIME-Version: 1.0\r\nAuto-Submitted: auto-generated\r\n");
	if (mixed != NULL) {
		puts_(b, "Content-Type: multipart/mixed;\r\n boundary=\"");
		puts_(b, mixed);
		puts_(b, "\"\r\n\r\n--");
		puts_(b, mixed);
		puts_(b, "\r\n");
	}
	puts_(b, "Content-Type: multipart/alternative;\r\n boundary=\"");
	puts_(b, alt);
	puts_(b, "\"\r\n\r\n--");
	puts_(b, alt);
	puts_(b, "\r\n");
	put_part_headers(b, "text/plain");
	put(b, buf_text(text), text->len);
	puts_(b, "\r\n--");
	puts_(b, alt);
	puts_(b, "\r\n");
	put_part_headers(b, "text/html");
	put(b, buf_text(html), html->len);
	puts_(b, "\r\n--");
	puts_(b, alt);
	puts_(b, "--\r\n");
	for (size_t i = 0; i < m->nattachments; i++) {
		const struct mail_attachment *at = &m->attachments[i];
		struct header h;
		const char *type =
		    at->content_type != NULL ? at->content_type : "application/octet-stream";

		puts_(b, "--");
		puts_(b, mixed);
		puts_(b, "\r\n");
		header_begin(&h, b, "Content-Type");
		header_ascii(&h, type, strlen(type));
		header_param(a, &h, "name", at->filename);
		puts_(b, "\r\nContent-Transfer-Encoding: base64\r\n");
		header_begin(&h, b, "Content-Disposition");
		header_ascii(&h, "attachment", 10);
		header_param(a, &h, "filename", at->filename);
		puts_(b, "\r\n\r\n");
		put(b, buf_text(parts[2 + i]), parts[2 + i]->len);
		puts_(b, "\r\n");
	}
	if (mixed != NULL) {
		puts_(b, "--");
		puts_(b, mixed);
		puts_(b, "--\r\n");
	}
	*out = b->data;
	*len = b->len;
	return SOUK_OK;
}
