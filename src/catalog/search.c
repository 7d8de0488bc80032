/*
 * search.c - product search and storefront lists on PostgreSQL full-text
 * search; see include/souk/catalog.h (search part) and schema/008.
 *
 * Reads go to product_search (published products only, one narrow row each,
 * kept by triggers on products), except plain lists (no filter, a category
 * or one tag), which read product_pages or product_page_tags (schema/020)
 * in their sort's order, the documents beside the keys. With q, a first statement turns the words
 * into a tsquery: the last word matches as a prefix while it is being typed,
 * and a word that is not in search_lexicon is OR-ed with its closest lexicon
 * word (typo tolerance). The page statement then answers one row per item of
 * the page (plus one, to know whether more follow): the item's document as
 * product_pages stores it (schema/010) and its sort keys. The worker joins
 * the documents into the answer (and marks up highlights, highlight.c), so
 * PostgreSQL aggregates nothing per request. Facets, when asked for, are a
 * third statement over the same filters.
 *
 * Plans: every shape of filters is its own statement, so none reads
 * "$n IS NULL OR ...". Shapes without q are prepared and keep one generic
 * plan per connection: their LIMIT is written as a sub-select, so a custom
 * plan cannot see it either and PostgreSQL settles on the generic plan after
 * its five trial plans (with a visible LIMIT it judged custom plans cheaper
 * and planned every page: ~0.3 ms of a 0.5 ms page). List shapes with q are
 * DB_CUSTOM_PLAN, planned for their values on every call: "template" matches
 * 40 % of the catalog (walk a sort index, stop early) and "madhubani" 0.1 %
 * (GIN bitmap, then sort). The relevance and facets statements are prepared
 * as usual: their strategy is spelled out in the SQL (a bounded probe, then
 * the bitmap only if needed; a bounded sample), so any plan of them is a
 * good one.
 *
 * Relevance: ts_rank_cd() with the column's weights (title A > tags B >
 * summary C > description D), ties broken by sales_count then id. Ranking
 * every match of a broad word costs ~1.5 us each (40 000 for "template" at
 * 100k products), so ranking is done over a window: the SEARCH_WINDOW most
 * popular matches. A query with fewer matches is ranked exactly; for a broad
 * one the window pages come first and the rest of the matches follow in
 * popularity order (the cursor says which part it is in).
 *
 * Facets count at most FACET_SAMPLE matches (exact below that); beyond it
 * the counts are of a sample and the facets say "approximate": true.
 *
 * Cursors are opaque base64url: version, sort kind, a fingerprint of the
 * query and filters, three 64-bit keys and a 32-bit checksum; see
 * page_cursor_encode().
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "souk/arena.h"
#include "souk/catalog.h"
#include "souk/crypto.h"
#include "souk/db.h"
#include "souk/err.h"
#include "souk/json.h"
#include "souk/page.h"
#include "souk/str.h"
#include "souk/worker.h"

#define SEARCH_WINDOW 100  /* matches ranked by relevance (the most popular ones) */
#define FACET_SAMPLE 1000  /* matches counted for facets */
#define SEARCH_PROBE 500   /* popular products a relevance search looks at first */
#define SEARCH_MAX_WORDS 8 /* words of q used */
#define SEARCH_MAX_WORD 40 /* bytes of one word; longer ones are dropped */

/* ---------------------------------------------------------------- SQL --- */

/*
 * Words -> tsquery text and the corrected query: souk_search_terms()
 * (schema/013, PL/pgSQL, whose plans are kept per connection). $1: the words
 * joined by one space (search_words()); $2: 't' when the last word is still
 * being typed. Every word becomes a quoted operand, OR-ed with its
 * correction; the word being typed is a prefix ('word':*) when it has 3+
 * letters and is not yet a whole lexicon word ("templ" -> templ:*,
 * "template" -> template: a prefix of a common word makes GIN read every
 * entry it begins, 40 000 rows for templat:*, and "template" already matches
 * "templates" by stem); operands are AND-ed. Words contain no quote or
 * backslash (search_words() keeps letters and digits only), lexicon words
 * are letters only: the text always parses. Words that are only stop words
 * leave an empty tsquery. (As one SQL statement it was planned on every
 * call: 0.21 ms of planning for 0.26 ms of work.)
 */
static struct db_statement terms_statement = {
    .name = "search_terms",
    .sql = "SELECT tsquery_text, corrected FROM souk_search_terms($1::text, $2::boolean)",
    .nparams = 2,
    .flags = DB_READONLY,
};

/*
 * The page statements are built from fixed fragments, one per shape of the
 * request: which filters are given, whether a cursor and highlights are, and
 * the sort. Each shape is its own statement (named search_<sort>_<shape>;
 * the facets of a set of filters are search_facets_<shape>), so no predicate
 * reads "$n IS NULL OR ...": the plan is made for exactly the filters asked
 * for (see "Plans" at the top). Parameters are numbered in one order
 * (shape_numbers(): q and the filters first, which is all the facets
 * statement takes), which the SQL and the values share. Page rows are
 * described by enum page_column.
 */

enum search_shape {
	SH_Q = 1 << 0,
	SH_CATEGORY = 1 << 1,
	SH_TAGS = 1 << 2,
	SH_MIN = 1 << 3,
	SH_MAX = 1 << 4,
	SH_FREE = 1 << 5, /* free=true */
	SH_PAID = 1 << 6, /* free=false */
	SH_AFTER = 1 << 7,
	SH_FACETS = 1 << 8,
	SH_HIGHLIGHT = 1 << 9,
	SH_ONE_TAG = 1 << 10, /* with SH_TAGS: exactly one tag */
	SH__COUNT = 1 << 11
};

enum search_order {
	ORDER_NEWEST,
	ORDER_PRICE_ASC,
	ORDER_PRICE_DESC,
	ORDER_POPULAR,
	ORDER_RELEVANCE,
	ORDER__MAX
};

/* What a statement's parameters are, in their one order ($1, $2, ...). */
struct shape_numbers {
	int q, category, tags, min, max, limit, k1, k2, id, count;
};

static void shape_numbers(unsigned shape, enum search_order order, struct shape_numbers *p)
{
	int n = 0;

	memset(p, 0, sizeof(*p));
	if (shape & SH_Q)
		p->q = ++n;
	if (shape & SH_CATEGORY)
		p->category = ++n;
	if (shape & SH_TAGS)
		p->tags = ++n;
	if (shape & SH_MIN)
		p->min = ++n;
	if (shape & SH_MAX)
		p->max = ++n;
	p->limit = ++n;
	if (shape & SH_AFTER) {
		p->k1 = ++n;
		if (order == ORDER_RELEVANCE)
			p->k2 = ++n;
		p->id = ++n;
	}
	p->count = n;
}

/* Appends printf output to b (fragments with parameter numbers). */
static void put(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void put(struct buf *b, const char *fmt, ...)
{
	char text[2048];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	buf_appends(b, text);
}

/* The filters other than q and the category, on alias s. */
static void put_other_filters(struct buf *b, unsigned shape, const struct shape_numbers *p)
{
	if (shape & SH_TAGS)
		/* a sub-select: the array is made once, not once per row */
		put(b, " AND s.tags @> (SELECT string_to_array($%d::text, ','))", p->tags);
	if (shape & SH_MIN)
		put(b, " AND s.price_paise >= $%d::bigint", p->min);
	if (shape & SH_MAX)
		put(b, " AND s.price_paise <= $%d::bigint", p->max);
	if (shape & SH_FREE)
		put(b, " AND s.price_paise = 0");
	if (shape & SH_PAID)
		put(b, " AND s.price_paise > 0");
}

/* The category filter: an unknown slug matches nothing, and its second
 * condition, which names no column of s, is a one-time filter that stops
 * the scan before it starts (else a walk would read the whole index). */
static void put_category(struct buf *b, const char *alias, unsigned shape,
			 const struct shape_numbers *p)
{
	if (shape & SH_CATEGORY)
		put(b,
		    " AND %s.category_id = (SELECT id FROM categories WHERE slug = $%d::text)"
		    " AND (SELECT count(*) FROM categories WHERE slug = $%d::text) > 0",
		    alias, p->category, p->category);
}

static void put_filters(struct buf *b, unsigned shape, const struct shape_numbers *p)
{
	put_category(b, "s", shape, p);
	put_other_filters(b, shape, p);
}

/*
 * The facets statement of a shape: the first FACET_SAMPLE + 1 matches of q
 * and every filter but the category (so the other categories can be
 * offered); tags also apply the category. Its parameters are the page
 * statement's first ones (q and the filters: shape_numbers() puts them
 * first), so both take the same values. "First" is storage order (a
 * sequential or bitmap scan that stops early): selecting ctid rules out an
 * index-only scan of the category index, whose order would fill the sample
 * with one category. With q, the tsquery is a sub-select, which the
 * planner cannot look into: it prices the match at its default selectivity
 * and always takes the GIN bitmap (exact for our queries: no row's document
 * is read to recheck it), where, seeing a common word, it would scan the
 * table until 1001 matches turn up, testing each row's tsvector. Tags are
 * counted by unnest() in the select list (one pass), not a function scan
 * per row.
 */
static void build_facets(struct buf *b, unsigned shape)
{
	struct shape_numbers p;

	shape_numbers(shape, ORDER_NEWEST, &p);
	put(b, "WITH fb AS MATERIALIZED (SELECT s.ctid, s.category_id, s.tags FROM product_search s"
	       " WHERE true");
	if (shape & SH_Q)
		put(b, " AND s.document @@ (SELECT $%d::tsquery)", p.q);
	put_other_filters(b, shape, &p);
	put(b,
	    " LIMIT %d + 1)"
	    " SELECT json_build_object("
	    "  'categories', (SELECT coalesce(json_agg(json_build_object('slug', c.slug,"
	    "      'name', c.name, 'count', f.n) ORDER BY c.sort_order, c.name), '[]')"
	    "    FROM (SELECT category_id, count(*) AS n FROM fb GROUP BY category_id) f"
	    "    JOIN categories c ON c.id = f.category_id),"
	    "  'tags', (SELECT coalesce(json_agg(json_build_object('tag', x.tag, 'count', x.n)"
	    "      ORDER BY x.n DESC, x.tag), '[]') FROM ("
	    "    SELECT tag, count(*) AS n FROM (SELECT unnest(f.tags) AS tag FROM fb f WHERE true",
	    FACET_SAMPLE);
	put_category(b, "f", shape, &p);
	put(b,
	    ") u GROUP BY tag ORDER BY n DESC, tag LIMIT 20) x),"
	    "  'approximate', (SELECT count(*) FROM fb) > %d)::text",
	    FACET_SAMPLE);
}

/* The columns every page statement answers, one row per item (at most
 * limit + 1: one more says that more follow), in page order. */
enum page_column {
	COL_ITEM,  /* the item's document (product_pages.item) */
	COL_K1,	   /* sort keys of the row, for the next cursor (text) */
	COL_K2,	   /* relevance: sales_count; else NULL */
	COL_ID,	   /* product id, the tie-breaker */
	COL_TITLE, /* with highlights: the title to mark up */
	COL_TEXT,  /* with highlights: summary and description */
};

/* The item columns of a page's row on alias src (its product_id), joined
 * to product_pages as pp (and, with highlights, products as x); the JOIN
 * clause is put by put_item_joins(). */
static void put_item_columns(struct buf *b, unsigned shape, const char *k1, const char *k2,
			     const char *id)
{
	put(b, "SELECT pp.item, (%s)::text, %s, %s", k1, k2, id);
	if (shape & SH_HIGHLIGHT)
		put(b, ", x.title, x.summary || E'\\n' || x.description");
}

static void put_item_joins(struct buf *b, unsigned shape, const char *src)
{
	put(b, " JOIN product_pages pp ON pp.product_id = %s.product_id", src);
	if (shape & SH_HIGHLIGHT)
		put(b, " JOIN products x ON x.id = %s.product_id", src);
}

static const struct {
	const char *name, *order, *key1, *after; /* after: with $K1 then $ID */
} list_orders[] = {
    [ORDER_NEWEST] = {"newest", "s.published_at DESC, s.product_id DESC",
		      "(extract(epoch FROM s.published_at) * 1000000)::bigint",
		      "(s.published_at, s.product_id) < (timestamptz 'epoch' + $%d::bigint"
		      " * interval '1 microsecond', $%d::bigint)"},
    [ORDER_PRICE_ASC] = {"price_asc", "s.price_paise, s.product_id", "s.price_paise",
			 "(s.price_paise, s.product_id) > ($%d::bigint, $%d::bigint)"},
    [ORDER_PRICE_DESC] = {"price_desc", "s.price_paise DESC, s.product_id DESC", "s.price_paise",
			  "(s.price_paise, s.product_id) < ($%d::bigint, $%d::bigint)"},
    [ORDER_POPULAR] = {"popular", "s.sales_count DESC, s.product_id DESC", "s.sales_count",
		       "(s.sales_count, s.product_id) < ($%d::bigint, $%d::bigint)"},
};

/* The shapes whose filters product_pages' sort indexes answer on their own
 * (schema/020): none, or only the category. One tag and nothing else is a
 * range of product_page_tags. */
#define SH_PAGES_ONLY (SH_CATEGORY | SH_AFTER)

/* A list page: a keyset walk in the sort's order; nothing is aggregated.
 * With no filter but the category, one range scan of product_pages, whose
 * rows carry the sort keys beside the document (schema/020); with other
 * filters, a walk of product_search's covering indexes (the filters are
 * tested on index entries, not rows), each match joined to its document. */
static void build_list(struct buf *b, unsigned shape, enum search_order o)
{
	struct shape_numbers p;
	bool one_tag = (shape & ~(SH_TAGS | SH_ONE_TAG | SH_AFTER)) == 0 && (shape & SH_ONE_TAG);

	shape_numbers(shape, o, &p);
	if ((shape & ~SH_PAGES_ONLY) == 0) {
		put(b, "SELECT s.item, (%s)::text, NULL::bigint, s.product_id FROM product_pages s",
		    list_orders[o].key1);
	} else if (one_tag) {
		/* one tag: a range scan of its rows in product_page_tags */
		put_item_columns(b, shape, list_orders[o].key1, "NULL::bigint", "s.product_id");
		put(b, " FROM product_page_tags s");
		put_item_joins(b, shape, "s");
	} else {
		put_item_columns(b, shape, list_orders[o].key1, "NULL::bigint", "s.product_id");
		put(b, " FROM product_search s");
		put_item_joins(b, shape, "s");
	}
	put(b, " WHERE true");
	if (one_tag) {
		put(b, " AND s.tag = $%d::text", p.tags);
		shape &= ~SH_TAGS; /* the tag is the range, not a filter */
	}
	if (shape & SH_Q)
		put(b, " AND s.document @@ $%d::tsquery", p.q);
	put_filters(b, shape, &p);
	if (shape & SH_AFTER) {
		put(b, " AND ");
		put(b, list_orders[o].after, p.k1, p.id);
	}
	/* the limit behind a sub-select: see "Plans" at the top */
	put(b, " ORDER BY %s LIMIT (SELECT $%d::int + 1)", list_orders[o].order, p.limit);
}

/*
 * Relevance. The window is the SEARCH_WINDOW most popular matches (plus one,
 * to know whether more follow), ranked; the page is keyset on (rank, sales,
 * id).
 *
 * Finding the window without trusting the planner's guess of how common the
 * words are (and a filter that matches nothing, such as q in a category
 * without it, would otherwise walk the whole popularity index):
 *   probe: the SEARCH_PROBE most popular products, filtered: a bounded walk
 *     of the popularity index that stops at the 101st match. A common word
 *     ("template", 40 %) ends here after ~250 rows.
 *   all: only when the probe came up short (a one-time filter), every match
 *     from the GIN bitmap, top 101 by popularity (the tsquery is a
 *     sub-select so that the planner takes the bitmap: see build_facets()).
 * Both give the same rows: the most popular matches. Only ids and sales are
 * sorted; the 101 documents are read back by id to be ranked.
 *
 * After the page's rows comes, when matches follow the window, one more row
 * without an item: the keys of the window's last match (COL_K2, COL_ID),
 * where the popularity-ordered tail starts.
 */
static void build_relevance(struct buf *b, unsigned shape)
{
	struct shape_numbers p;

	shape_numbers(shape, ORDER_RELEVANCE, &p);
	put(b,
	    "WITH probe AS MATERIALIZED (SELECT s.product_id, s.sales_count FROM ("
	    "SELECT s.product_id, s.category_id, s.tags, s.price_paise, s.sales_count, s.document"
	    " FROM product_search s ORDER BY s.sales_count DESC, s.product_id DESC LIMIT %d) s"
	    " WHERE s.document @@ $%d::tsquery",
	    SEARCH_PROBE, p.q);
	put_filters(b, shape, &p);
	put(b,
	    " ORDER BY s.sales_count DESC, s.product_id DESC LIMIT %d + 1),"
	    " window_rows AS (SELECT * FROM probe WHERE (SELECT count(*) FROM probe) > %d"
	    " UNION ALL SELECT * FROM (SELECT s.product_id, s.sales_count FROM product_search s"
	    " WHERE (SELECT count(*) FROM probe) <= %d AND s.document @@ (SELECT $%d::tsquery)",
	    SEARCH_WINDOW, SEARCH_WINDOW, SEARCH_WINDOW, p.q);
	put_filters(b, shape, &p);
	put(b,
	    " ORDER BY s.sales_count DESC, s.product_id DESC LIMIT %d + 1) a),"
	    " cand AS MATERIALIZED (SELECT w.product_id, w.sales_count,"
	    " ts_rank_cd(d.document, $%d::tsquery) AS rank,"
	    " row_number() OVER (ORDER BY w.sales_count DESC, w.product_id DESC) AS pos"
	    " FROM window_rows w JOIN product_search d ON d.product_id = w.product_id),"
	    " page AS MATERIALIZED (SELECT product_id, rank, sales_count,"
	    " row_number() OVER (ORDER BY rank DESC, sales_count DESC, product_id DESC) AS n"
	    " FROM cand WHERE pos <= %d",
	    SEARCH_WINDOW, p.q, SEARCH_WINDOW);
	if (shape & SH_AFTER)
		put(b,
		    " AND (rank, sales_count, product_id) < ($%d::real, $%d::bigint, $%d::bigint)",
		    p.k1, p.k2, p.id);
	put(b,
	    " ORDER BY rank DESC, sales_count DESC, product_id DESC LIMIT (SELECT $%d::int + 1)) ",
	    p.limit);
	put_item_columns(b, shape, "pg.rank", "pg.sales_count", "pg.product_id");
	put(b, ", pg.n FROM page pg");
	put_item_joins(b, shape, "pg");
	put(b,
	    " UNION ALL SELECT NULL, NULL, t.sales_count, t.product_id%s, %d"
	    " FROM cand t WHERE t.pos = %d AND EXISTS (SELECT 1 FROM cand WHERE pos > %d)"
	    " ORDER BY n",
	    (shape & SH_HIGHLIGHT) ? ", NULL, NULL" : "", SEARCH_WINDOW + 2, SEARCH_WINDOW,
	    SEARCH_WINDOW);
}

/* A statement, built on first use and kept for the life of the process
 * (each connection prepares it on its first use there): the page of a
 * shape and order, or (facets) the facets of a shape's filters. */
static struct db_statement *shape_statement(unsigned shape, enum search_order o, bool facets)
{
	static struct db_statement *made[ORDER__MAX + 1][SH__COUNT];
	struct db_statement **slot = &made[facets ? ORDER__MAX : o][shape];
	struct shape_numbers p;
	struct buf b;
	char *name;

	if (*slot != NULL)
		return *slot;
	buf_init(&b, 64 * 1024);
	if (facets)
		build_facets(&b, shape);
	else if (o == ORDER_RELEVANCE)
		build_relevance(&b, shape);
	else
		build_list(&b, shape, o);
	shape_numbers(shape, o, &p);
	*slot = calloc(1, sizeof(**slot));
	name = malloc(64);
	if (*slot == NULL || name == NULL || b.data == NULL || b.len >= b.cap) {
		fprintf(stderr,
			"{\"level\":\"fatal\",\"msg\":\"cannot build a search statement\"}\n");
		abort();
	}
	snprintf(name, 64, "search_%s_%03x",
		 facets			? "facets"
		 : o == ORDER_RELEVANCE ? "relevance"
					: list_orders[o].name,
		 shape);
	(*slot)->name = name;
	(*slot)->sql = b.data; /* kept: the statement lives as long as the process */
	/* the facets take the filters' values only (the first ones) */
	(*slot)->nparams = facets ? p.limit - 1 : p.count;
	(*slot)->flags =
	    DB_READONLY | ((shape & SH_Q) && !facets && o != ORDER_RELEVANCE ? DB_CUSTOM_PLAN : 0);
	return *slot;
}

/* ------------------------------------------------------------- words --- */

size_t search_words(const char *q, char *out, size_t size)
{
	size_t o = 0, nwords = 0;

	if (size == 0)
		return 0;
	out[0] = '\0';
	for (const char *p = q ? q : ""; *p != '\0' && nwords < SEARCH_MAX_WORDS;) {
		const char *start;
		size_t len;

		/* a word: ASCII letters and digits, and any UTF-8 sequence (letters of
		 * other scripts; PostgreSQL's parser splits what is not a letter) */
		while (*p != '\0' && !isalnum((unsigned char)*p) && (unsigned char)*p < 0x80)
			p++;
		start = p;
		while (*p != '\0' && (isalnum((unsigned char)*p) || (unsigned char)*p >= 0x80))
			p++;
		len = (size_t)(p - start);
		if (len == 0 || len > SEARCH_MAX_WORD || o + len + (o > 0) + 1 > size)
			continue;
		if (o > 0)
			out[o++] = ' ';
		for (size_t i = 0; i < len; i++)
			out[o++] = (char)tolower((unsigned char)start[i]);
		out[o] = '\0';
		nwords++;
	}
	return nwords;
}

bool search_typing(const char *q)
{
	size_t n = q ? strlen(q) : 0;

	return n > 0 && (isalnum((unsigned char)q[n - 1]) || (unsigned char)q[n - 1] >= 0x80);
}

uint32_t search_fingerprint(const struct search_query *sq, const char *words)
{
	struct buf b;
	char hex[CRYPTO_SHA256_HEX_LEN + 1], num[96];
	uint32_t fp;

	buf_init(&b, 8192);
	(void)buf_appends(&b, words ? words : "");
	(void)buf_append(&b, "\n", 1);
	(void)buf_appends(&b, sq->category ? sq->category : "");
	(void)buf_append(&b, "\n", 1);
	for (size_t i = 0; i < sq->ntags; i++) {
		(void)buf_appends(&b, sq->tags[i]);
		(void)buf_append(&b, ",", 1);
	}
	snprintf(num, sizeof(num), "\n%lld\n%lld\n%d", sq->min_price, sq->max_price, sq->free);
	(void)buf_appends(&b, num);
	crypto_sha256_hex(b.data ? b.data : "", b.len, hex);
	buf_free(&b);
	hex[8] = '\0';
	fp = (uint32_t)strtoul(hex, NULL, 16);
	return fp;
}

/* ------------------------------------------------------------ search --- */

static char cursor_kind_of(enum search_sort sort)
{
	switch (sort) {
	case SEARCH_SORT_RELEVANCE:
		return 'r';
	case SEARCH_SORT_PRICE_ASC:
		return 'a';
	case SEARCH_SORT_PRICE_DESC:
		return 'd';
	case SEARCH_SORT_POPULAR:
		return 'p';
	default:
		return 'n';
	}
}

static const char EMPTY_FACETS[] = "{\"categories\":[],\"tags\":[],\"approximate\":false}";

/* {"items":..., "next_cursor":..., "facets":..., "corrected":...}, in one
 * allocation (a page is ~12 KB: no printf over it). */
static char *search_document(struct arena *a, const char *items, const char *cursor,
			     const char *facets, const char *corrected)
{
	const char *parts[10];
	size_t n = 0, len = 0;
	char *doc, *o;

	parts[n++] = "{\"items\":";
	parts[n++] = items;
	parts[n++] = cursor ? ",\"next_cursor\":\"" : ",\"next_cursor\":null";
	parts[n++] = cursor ? cursor : "";
	parts[n++] = cursor ? "\"" : "";
	parts[n++] = facets ? ",\"facets\":" : "";
	parts[n++] = facets ? facets : "";
	parts[n++] = corrected ? ",\"corrected\":" : "";
	parts[n++] = corrected ? corrected : "";
	parts[n++] = "}";
	for (size_t i = 0; i < n; i++)
		len += strlen(parts[i]);
	o = doc = arena_alloc(a, len + 1);
	for (size_t i = 0; i < n; i++) {
		size_t l = strlen(parts[i]);

		memcpy(o, parts[i], l);
		o += l;
	}
	*o = '\0';
	return doc;
}

/* Appends s as a JSON string, quotes included. */
static void json_string_to(struct buf *b, const char *s)
{
	buf_appends(b, "\"");
	buf_append_json_escaped(b, s);
	buf_appends(b, "\"");
}

/*
 * The items of the page's first n rows as a JSON array: each row's document
 * as stored, or with highlights (h not NULL) with
 * "highlight":{"title":...,"snippet":...} added from its title and text
 * columns. NULL when a row is not what the statement makes.
 */
static const char *page_items(struct arena *a, PGresult *r, int n, const struct highlight *h)
{
	struct buf *b = buf_in_arena(a, 16 * 1024 * 1024);
	size_t want = 2;

	for (int i = 0; i < n; i++)
		want += (size_t)PQgetlength(r, i, COL_ITEM) + 1;
	if (h != NULL)
		want *= 2;
	if (buf_reserve(b, want) != SOUK_OK)
		return NULL;
	buf_appends(b, "[");
	for (int i = 0; i < n; i++) {
		const char *item = PQgetvalue(r, i, COL_ITEM);
		size_t len = (size_t)PQgetlength(r, i, COL_ITEM);

		if (PQgetisnull(r, i, COL_ITEM) || len < 2 || item[len - 1] != '}')
			return NULL;
		if (i > 0)
			buf_appends(b, ",");
		if (h == NULL) {
			buf_append(b, item, len);
			continue;
		}
		buf_append(b, item, len - 1);
		buf_appends(b, ",\"highlight\":{\"title\":");
		json_string_to(b, highlight_all(a, h, PQgetvalue(r, i, COL_TITLE)));
		buf_appends(b, ",\"snippet\":");
		json_string_to(b, highlight_snippet(a, h, PQgetvalue(r, i, COL_TEXT)));
		buf_appends(b, "}}");
	}
	if (buf_appends(b, "]") != SOUK_OK)
		return NULL;
	return b->data;
}

static const char *value_or_null(PGresult *r, int col)
{
	return PQgetisnull(r, 0, col) ? NULL : PQgetvalue(r, 0, col);
}

static long long value_ll(PGresult *r, int row, int col)
{
	return strtoll(PQgetvalue(r, row, col), NULL, 10);
}

int search_products(struct worker *w, struct arena *a, const struct search_query *sq, char **json,
		    const char **why)
{
	char words[SEARCH_MAX_WORDS * (SEARCH_MAX_WORD + 1) + 1];
	const char *p[16] = {0}, *items;
	struct shape_numbers num;
	enum search_order order;
	unsigned shape;
	char next[PAGE_CURSOR_MAX];
	const char *tsquery = NULL, *corrected = NULL, *cursor_out = NULL;
	struct page_cursor cur = {0}, nc = {0};
	struct db_statement *st, *facets_st;
	struct highlight *h = NULL;
	const char *facets = NULL;
	int limit, ncols, rows, tail = -1;
	enum search_sort sort = sq->sort;
	size_t nwords = search_words(sq->q, words, sizeof(words));
	uint32_t fp = search_fingerprint(sq, words);
	PGresult *r = NULL;
	char kind;
	int rc;

	if (nwords == 0 && sq->q != NULL && *sq->q != '\0') {
		/* q of punctuation only: like stop words only, nothing can match */
		*json = search_document(a, "[]", NULL, sq->facets ? EMPTY_FACETS : NULL, NULL);
		return SOUK_OK;
	}
	if (sort == SEARCH_SORT_DEFAULT || (sort == SEARCH_SORT_RELEVANCE && nwords == 0))
		sort = nwords > 0 ? SEARCH_SORT_RELEVANCE : SEARCH_SORT_NEWEST;
	kind = cursor_kind_of(sort);
	if (sq->cursor != NULL) {
		if (page_cursor_decode(sq->cursor, &cur) != SOUK_OK) {
			*why = "malformed cursor";
			return SOUK_EINVALID;
		}
		if (cur.kind != kind && !(kind == 'r' && cur.kind == 't')) {
			*why = "the cursor belongs to another sort order";
			return SOUK_EINVALID;
		}
		if (cur.fingerprint != fp) {
			*why = "the cursor belongs to another query";
			return SOUK_EINVALID;
		}
	}

	if (nwords > 0) {
		const char *tp[2] = {words, search_typing(sq->q) ? "t" : "f"};

		rc = db_exec(&w->db, a, &terms_statement, tp, &r);
		if (rc != SOUK_OK)
			return rc;
		tsquery = value_or_null(r, 0);
		corrected = value_or_null(r, 1);
		if (tsquery == NULL || *tsquery == '\0') {
			/* only stop words or punctuation: nothing can match */
			*json = search_document(a, "[]", NULL, sq->facets ? EMPTY_FACETS : NULL,
						corrected);
			return SOUK_OK;
		}
	}

	switch (sort) {
	case SEARCH_SORT_RELEVANCE:
		order = cur.kind == 't' ? ORDER_POPULAR : ORDER_RELEVANCE;
		break;
	case SEARCH_SORT_PRICE_ASC:
		order = ORDER_PRICE_ASC;
		break;
	case SEARCH_SORT_PRICE_DESC:
		order = ORDER_PRICE_DESC;
		break;
	case SEARCH_SORT_POPULAR:
		order = ORDER_POPULAR;
		break;
	default:
		order = ORDER_NEWEST;
		break;
	}
	shape = (tsquery ? SH_Q : 0) | (sq->category ? SH_CATEGORY : 0) |
		(sq->ntags > 0 ? SH_TAGS : 0) | (sq->min_price >= 0 ? SH_MIN : 0) |
		(sq->max_price >= 0 ? SH_MAX : 0) | (sq->free == 1 ? SH_FREE : 0) |
		(sq->free == 0 ? SH_PAID : 0);
	facets_st = sq->facets ? shape_statement(shape, ORDER_NEWEST, true) : NULL;
	shape |= (sq->cursor ? SH_AFTER : 0) | (sq->highlight && tsquery ? SH_HIGHLIGHT : 0) |
		 (sq->ntags == 1 ? SH_ONE_TAG : 0);
	st = shape_statement(shape, order, false);
	shape_numbers(shape, order, &num);
	if (num.q)
		p[num.q - 1] = tsquery;
	if (num.category)
		p[num.category - 1] = sq->category;
	if (num.tags) {
		struct buf *b = buf_in_arena(a, 4096);

		for (size_t i = 0; i < sq->ntags; i++) {
			(void)buf_appends(b, i ? "," : "");
			(void)buf_appends(b, sq->tags[i]);
		}
		p[num.tags - 1] = b->data ? b->data : "";
	}
	if (num.min)
		p[num.min - 1] = arena_printf(a, "%lld", sq->min_price);
	if (num.max)
		p[num.max - 1] = arena_printf(a, "%lld", sq->max_price);
	limit = sq->limit < 1 ? 1 : sq->limit > 100 ? 100 : sq->limit;
	p[num.limit - 1] = arena_printf(a, "%d", limit);
	if (num.k1) {
		if (cur.kind == 'r') {
			float rank;
			uint32_t bits = (uint32_t)cur.k1;

			memcpy(&rank, &bits, sizeof(rank));
			if (!isfinite(rank)) {
				*why = "malformed cursor";
				return SOUK_EINVALID;
			}
			p[num.k1 - 1] = arena_printf(a, "%.9g", (double)rank);
		} else {
			p[num.k1 - 1] = arena_printf(a, "%" PRId64, cur.k1);
		}
		if (num.k2)
			p[num.k2 - 1] = arena_printf(a, "%" PRId64, cur.k2);
		p[num.id - 1] = arena_printf(a, "%" PRId64, cur.id);
	}
	rc = db_exec(&w->db, a, st, p, &r);
	if (rc != SOUK_OK)
		return rc;
	ncols = COL_ID + 1 + ((shape & SH_HIGHLIGHT) ? 2 : 0) + (order == ORDER_RELEVANCE);
	rows = PQntuples(r);
	if (PQnfields(r) != ncols)
		return SOUK_EINTERNAL;
	/* relevance: a last row without an item marks where the tail begins */
	if (order == ORDER_RELEVANCE && rows > 0 && PQgetisnull(r, rows - 1, COL_ITEM)) {
		tail = rows - 1;
		rows--;
	}

	/* next page: more in this part, else (relevance) the tail after the window */
	nc.fingerprint = fp;
	if (rows > limit) {
		const char *v1 = PQgetvalue(r, limit - 1, COL_K1);

		nc.kind = order == ORDER_RELEVANCE ? 'r' : (kind == 'r' ? 't' : kind);
		if (nc.kind == 'r') {
			float rank = strtof(v1, NULL);
			uint32_t bits;

			memcpy(&bits, &rank, sizeof(bits));
			nc.k1 = (int64_t)bits;
			nc.k2 = value_ll(r, limit - 1, COL_K2);
		} else {
			nc.k1 = strtoll(v1, NULL, 10);
		}
		nc.id = value_ll(r, limit - 1, COL_ID);
	} else if (tail >= 0) {
		nc.kind = 't';
		nc.k1 = value_ll(r, tail, COL_K2);
		nc.id = value_ll(r, tail, COL_ID);
	}
	if (nc.kind != '\0') {
		if (page_cursor_encode(&nc, next, sizeof(next)) != SOUK_OK)
			return SOUK_EINTERNAL;
		cursor_out = next;
	}
	if ((shape & SH_HIGHLIGHT) && highlight_prepare(a, tsquery, &h) != SOUK_OK)
		return SOUK_EINTERNAL;
	items = page_items(a, r, rows > limit ? limit : rows, (shape & SH_HIGHLIGHT) ? h : NULL);
	if (items == NULL)
		return SOUK_EINTERNAL;
	if (facets_st != NULL) {
		PGresult *fr = NULL;

		rc = db_exec(&w->db, a, facets_st, p, &fr);
		if (rc != SOUK_OK)
			return rc;
		if (PQntuples(fr) != 1 || PQnfields(fr) != 1)
			return SOUK_EINTERNAL;
		facets = value_or_null(fr, 0);
	}
	*json = search_document(a, items, cursor_out, facets, corrected);
	return SOUK_OK;
}
