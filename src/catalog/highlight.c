/*
 * highlight.c - the <mark>ed title and snippet of a search result, made in the
 * worker (see include/souk/catalog.h, highlights).
 *
 * PostgreSQL's ts_headline() parses every result's text with the full text
 * parser on each search: 24 results cost 1.5-3 ms of database time, the
 * largest part of an uncached search. Here a word is a run of ASCII letters
 * and digits or UTF-8 letters (PostgreSQL's default parser splits text the
 * same way for the words a query can hold), lower-cased, stemmed with the
 * Snowball english stemmer (libstemmer: the algorithm PostgreSQL's
 * english_stem dictionary uses), and marked when its stem is one of the
 * query's lexemes, or begins with one that is a prefix ("temp":*). The
 * snippet follows ts_headline(MaxFragments=2, MaxWords=20, MinWords=8): up
 * to two fragments of at most 20 words around the first matches, joined by
 * " … ", or the first 8 words when nothing matches. Everything else is
 * escaped HTML; only <mark> and </mark> are added.
 */
#include "souk/catalog.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libstemmer.h>

#include "souk/arena.h"
#include "souk/err.h"
#include "souk/str.h"

#define HL_MAX_LEXEMES 32
#define HL_MAX_WORD 64	  /* bytes of a word worth stemming (longer ones never match) */
#define HL_MAX_WORDS 20	  /* MaxWords of a fragment */
#define HL_MIN_WORDS 8	  /* MinWords: shown when nothing matches */
#define HL_FRAGMENTS 2	  /* MaxFragments */
#define HL_TEXT_MAX 60000 /* bytes of text looked at (a description is at most 50,000 chars) */

struct highlight {
	struct sb_stemmer *stemmer;
	const char *lexeme[HL_MAX_LEXEMES];
	size_t len[HL_MAX_LEXEMES];
	bool prefix[HL_MAX_LEXEMES];
	size_t n;
};

static void stemmer_release(void *p)
{
	sb_stemmer_delete(p);
}

int highlight_prepare(struct arena *a, const char *tsquery, struct highlight **out)
{
	struct highlight *h = arena_alloc(a, sizeof(*h));
	const char *p = tsquery ? tsquery : "";

	h->stemmer = sb_stemmer_new("english", "UTF_8");
	if (h->stemmer == NULL)
		return SOUK_EINTERNAL;
	arena_defer(a, stemmer_release, h->stemmer);
	/* tsquery text: 'templat' & ( 'notion':* | 'notio' ); '' is a quote */
	while ((p = strchr(p, '\'')) != NULL && h->n < HL_MAX_LEXEMES) {
		struct buf b;
		const char *q = p + 1;

		buf_init(&b, 256);
		for (; *q != '\0'; q++) {
			if (*q == '\'' && q[1] == '\'') {
				buf_append(&b, "'", 1);
				q++;
			} else if (*q == '\'') {
				break;
			} else {
				buf_append(&b, q, 1);
			}
		}
		if (*q != '\'') {
			buf_free(&b);
			break;
		}
		if (b.len > 0) {
			h->lexeme[h->n] = arena_strndup(a, b.data, b.len);
			h->len[h->n] = b.len;
			/* ':' then weights and/or '*' */
			h->prefix[h->n] = q[1] == ':' && strcspn(q + 2, " )&|!") > 0 &&
					  memchr(q + 2, '*', strcspn(q + 2, " )&|!")) != NULL;
			h->n++;
		}
		buf_free(&b);
		p = q + 1;
	}
	*out = h;
	return SOUK_OK;
}

/* A byte that belongs to a word: ASCII letters and digits, any UTF-8 byte. */
static bool word_byte(unsigned char c)
{
	return isalnum(c) || c >= 0x80;
}

/* Whether the word text[0..n) matches a lexeme of h. */
static bool word_matches(const struct highlight *h, const char *text, size_t n)
{
	char lower[HL_MAX_WORD];
	const sb_symbol *stem;
	bool candidate = false;
	int stem_len;

	if (n == 0 || n >= sizeof(lower) || h->n == 0)
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)text[i];

		/* ASCII, and the Latin-1 capitals of UTF-8 (C3 80..9E, not C3 97 ×) */
		if (c == 0xC3 && i + 1 < n && (unsigned char)text[i + 1] >= 0x80 &&
		    (unsigned char)text[i + 1] <= 0x9E && (unsigned char)text[i + 1] != 0x97) {
			lower[i] = (char)c;
			lower[i + 1] = (char)(text[i + 1] + 0x20);
			i++;
			continue;
		}
		lower[i] = (char)tolower(c);
	}
	/* a stem keeps its word's first letter: most words need no stemming */
	for (size_t k = 0; k < h->n && !candidate; k++)
		candidate = h->lexeme[k][0] == lower[0];
	if (!candidate)
		return false;
	stem = sb_stemmer_stem(h->stemmer, (const sb_symbol *)lower, (int)n);
	if (stem == NULL)
		return false;
	stem_len = sb_stemmer_length(h->stemmer);
	for (size_t k = 0; k < h->n; k++) {
		if (h->prefix[k] ? (size_t)stem_len >= h->len[k] &&
				       memcmp(stem, h->lexeme[k], h->len[k]) == 0
				 : (size_t)stem_len == h->len[k] &&
				       memcmp(stem, h->lexeme[k], h->len[k]) == 0)
			return true;
	}
	return false;
}

/* Appends text[0..n) as HTML text; with markdown, without the Markdown
 * marks *, # and ` (a snippet of a description reads as prose). */
static void put_escaped(struct buf *b, const char *text, size_t n, bool markdown)
{
	for (size_t i = 0; i < n; i++) {
		switch (text[i]) {
		case '*':
		case '#':
		case '`':
			if (!markdown)
				buf_append(b, text + i, 1);
			break;
		case '&':
			buf_appends(b, "&amp;");
			break;
		case '<':
			buf_appends(b, "&lt;");
			break;
		case '>':
			buf_appends(b, "&gt;");
			break;
		case '"':
			buf_appends(b, "&quot;");
			break;
		case '\'':
			buf_appends(b, "&#39;");
			break;
		default:
			buf_append(b, text + i, 1);
		}
	}
}

struct word {
	size_t start, end;
	bool hit;
};

/* The words of text (at most max), with their matches; *count of them. */
static struct word *words_of(struct arena *a, const struct highlight *h, const char *text,
			     size_t len, size_t *count)
{
	size_t cap = 64, n = 0, i = 0;
	struct word *w = arena_alloc(a, cap * sizeof(*w));

	while (i < len) {
		size_t s;

		while (i < len && !word_byte((unsigned char)text[i]))
			i++;
		s = i;
		while (i < len && word_byte((unsigned char)text[i]))
			i++;
		if (i == s)
			break;
		if (n == cap) {
			struct word *grown = arena_alloc(a, 2 * cap * sizeof(*w));

			memcpy(grown, w, cap * sizeof(*w));
			w = grown;
			cap *= 2;
		}
		w[n].start = s;
		w[n].end = i;
		w[n].hit = word_matches(h, text + s, i - s);
		n++;
	}
	*count = n;
	return w;
}

/* Appends text from word `from` to word `to` (inclusive), hits marked. */
static void put_span(struct buf *b, const char *text, const struct word *w, size_t from, size_t to,
		     bool markdown)
{
	size_t at = w[from].start;

	for (size_t k = from; k <= to; k++) {
		put_escaped(b, text + at, w[k].start - at, markdown);
		if (w[k].hit)
			buf_appends(b, "<mark>");
		put_escaped(b, text + w[k].start, w[k].end - w[k].start, markdown);
		if (w[k].hit)
			buf_appends(b, "</mark>");
		at = w[k].end;
	}
}

static char *buf_into_arena(struct arena *a, struct buf *b)
{
	char *s = arena_strndup(a, b->data ? b->data : "", b->len);

	buf_free(b);
	return s;
}

char *highlight_all(struct arena *a, const struct highlight *h, const char *text)
{
	size_t len = strnlen(text, HL_TEXT_MAX), n = 0;
	struct word *w = words_of(a, h, text, len, &n);
	struct buf b;

	buf_init(&b, 8 * HL_TEXT_MAX);
	if (n > 0) {
		put_escaped(&b, text, w[0].start, false);
		put_span(&b, text, w, 0, n - 1, false);
		put_escaped(&b, text + w[n - 1].end, len - w[n - 1].end, false);
	} else {
		put_escaped(&b, text, len, false);
	}
	return buf_into_arena(a, &b);
}

char *highlight_snippet(struct arena *a, const struct highlight *h, const char *text)
{
	size_t len = strnlen(text, HL_TEXT_MAX), n = 0, fragments = 0, next_free = 0;
	struct word *w = words_of(a, h, text, len, &n);
	struct buf b;

	buf_init(&b, 8 * HL_TEXT_MAX);
	if (n == 0)
		return buf_into_arena(a, &b);
	for (size_t k = 0; k < n && fragments < HL_FRAGMENTS; k++) {
		size_t from, to;

		if (!w[k].hit || k < next_free)
			continue;
		/* a window of HL_MAX_WORDS around the hit, inside the text, after the
		 * last fragment */
		from = k >= HL_MAX_WORDS / 2 ? k - HL_MAX_WORDS / 2 + 1 : 0;
		if (from < next_free)
			from = next_free;
		to = from + HL_MAX_WORDS - 1 < n ? from + HL_MAX_WORDS - 1 : n - 1;
		if (to - from + 1 < HL_MAX_WORDS && from > next_free) {
			size_t room = HL_MAX_WORDS - (to - from + 1);

			from = from - next_free >= room ? from - room : next_free;
		}
		if (fragments > 0)
			buf_appends(&b, " \xe2\x80\xa6 ");
		put_span(&b, text, w, from, to, true);
		fragments++;
		next_free = to + 1;
	}
	if (fragments == 0)
		put_span(&b, text, w, 0, (n < HL_MIN_WORDS ? n : HL_MIN_WORDS) - 1, true);
	return buf_into_arena(a, &b);
}
