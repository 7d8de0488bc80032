/*
 * search.c - product search and storefront lists on PostgreSQL full-text
 * search; see include/souk/catalog.h (search part) and schema/008.
 *
 * Reads go to product_search (published products only, one narrow row each,
 * kept by triggers on products), joined to products only for the rows of the
 * page. With q, a first statement turns the words into a tsquery: the last
 * word matches as a prefix while it is being typed, and a word that is not in
 * search_lexicon is OR-ed with its closest lexicon word (typo tolerance). The
 * second statement gets the tsquery as a parameter and builds the whole
 * response document.
 *
 * Plans: the list statements are DB_CUSTOM_PLAN, planned for their values
 * on every call: a generic plan could neither fold the "$n IS NULL OR ..."
 * optional filters away nor know that "template" matches 40 % of the
 * catalog (walk a sort index, stop early) and "madhubani" 0.1 % (GIN bitmap,
 * then sort). The relevance statement is prepared as usual: its strategy is
 * spelled out in the SQL (a bounded probe, then the bitmap only if needed),
 * so any plan of it is a good one, and it saves ~0.7 ms of planning.
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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "souk/arena.h"
#include "souk/catalog.h"
#include "souk/crypto.h"
#include "souk/db.h"
#include "souk/err.h"
#include "souk/page.h"
#include "souk/str.h"
#include "souk/worker.h"

#define SEARCH_WINDOW 100  /* matches ranked by relevance (the most popular ones) */
#define FACET_SAMPLE 1000  /* matches counted for facets */
#define SEARCH_MAX_WORDS 8 /* words of q used */
#define SEARCH_MAX_WORD 40 /* bytes of one word; longer ones are dropped */

/* ---------------------------------------------------------------- SQL --- */

/*
 * Words -> tsquery text and the corrected query. $1: the words joined by one
 * space (search_words()); $2: 't' when the last word is still being typed.
 * Every word becomes a quoted operand, OR-ed with its correction; the word
 * being typed is a prefix ('word':*) when it has 3+ letters and is not yet a
 * whole lexicon word ("templ" -> templ:*, "template" -> template: a prefix
 * of a common word makes GIN read every entry it begins, 40 000 rows for
 * templat:*, and "template" already matches "templates" by stem); operands are
 * AND-ed. Words contain no quote or backslash (search_words() keeps letters
 * and digits only), lexicon words are letters only: the text always parses.
 * Words that are only stop words leave an empty tsquery.
 */
static struct db_statement terms_statement = {
    .name = "search_terms",
    .sql = "WITH words AS MATERIALIZED ("
	   "  SELECT w, n, n = max(n) OVER () AND $2::boolean AND length(w) >= 3"
	   "         AND NOT EXISTS (SELECT 1 FROM search_lexicon l WHERE l.word = w) AS prefix,"
	   "         souk_search_correction(w, n = max(n) OVER () AND $2::boolean) AS fix"
	   "    FROM unnest(string_to_array(lower($1), ' ')) WITH ORDINALITY AS t (w, n))"
	   " SELECT to_tsquery('english', string_agg("
	   "          '(''' || w || '''' || CASE WHEN prefix THEN ':*' ELSE '' END"
	   "          || coalesce(' | ''' || fix || '''', '') || ')', ' & ' ORDER BY n))::text,"
	   "        CASE WHEN bool_or(fix IS NOT NULL)"
	   "             THEN to_json(string_agg(coalesce(fix, w), ' ' ORDER BY n))::text END"
	   "   FROM words",
    .nparams = 2,
    .flags = DB_READONLY,
};

/*
 * Parameters of every page statement:
 *   $1 tsquery text or NULL   $2 category slug   $3 tags "a,b"   $4 min price
 *   $5 max price   $6 free (boolean)   $7 limit   $8, $9, $10 cursor keys (NULL
 *   on the first page)   $11 facets (boolean)   $12 highlight (boolean)
 * Results: items JSON, more (boolean), the keys of the page's last item, the
 * facets JSON or NULL, and for relevance whether matches follow the window
 * and the window's last popularity key.
 */

#define Q_MATCH "($1::tsquery IS NULL OR s.document @@ $1::tsquery)"
#define S_MATCH "s.document @@ $1::tsquery" /* relevance: q is never NULL */

/* Unknown category slug: the subquery is NULL and nothing matches; the
 * second condition has no column of s, so it is a one-time filter that stops
 * the scan before it starts (else a walk would read the whole index). */
#define F_CATEGORY                                                                                 \
	"($2::text IS NULL OR s.category_id = (SELECT id FROM categories WHERE slug = $2::text))"  \
	" AND ($2::text IS NULL OR (SELECT count(*) FROM categories WHERE slug = $2::text) > 0)"
#define F_OTHERS                                                                                   \
	" AND ($3::text IS NULL OR s.tags @> string_to_array($3::text, ','))"                      \
	" AND ($4::bigint IS NULL OR s.price_paise >= $4::bigint)"                                 \
	" AND ($5::bigint IS NULL OR s.price_paise <= $5::bigint)"                                 \
	" AND (NOT coalesce($6::boolean, false) OR s.price_paise = 0)"                             \
	" AND (coalesce($6::boolean, true) OR s.price_paise > 0)"
#define FILTERS " AND " F_CATEGORY F_OTHERS

#define TS_UTC(col) "to_char(" col " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"
#define MICROS(col) "(extract(epoch FROM " col ") * 1000000)::bigint"

/* U+E000 / U+E001 mark the matches; souk_mark_html() escapes the rest. */
#define HL_OPTIONS "'StartSel=\"' || U&'\\E000' || '\", StopSel=\"' || U&'\\E001' || '\"'"
#define ITEM_FIELDS                                                                                \
	"'id', p.public_id, 'slug', p.slug, 'title', p.title, 'summary', p.summary,"               \
	" 'price_paise', p.price_paise, 'currency', p.currency, 'tax_rate_bp', p.tax_rate_bp,"     \
	" 'is_free', p.price_paise = 0,"                                                           \
	" 'category', CASE WHEN c.id IS NOT NULL"                                                  \
	"   THEN json_build_object('slug', c.slug, 'name', c.name) END,"                           \
	" 'tags', p.tags, 'cover_image_url', p.cover_image_url,"                                   \
	" 'published_at', " TS_UTC("p.published_at") ", 'sales_count', p.sales_count"
#define ITEM_JSON                                                                                  \
	"CASE WHEN $12::boolean AND $1::tsquery IS NOT NULL THEN json_build_object(" ITEM_FIELDS   \
	", 'highlight', json_build_object("                                                        \
	"   'title', souk_mark_html(ts_headline('english',"                                        \
	"      translate(p.title, U&'\\E000\\E001', ''), $1::tsquery,"                             \
	"      'HighlightAll=true, ' || " HL_OPTIONS ")),"                                         \
	"   'snippet', souk_mark_html(ts_headline('english',"                                      \
	"      translate(p.summary || E'\\n' || p.description, U&'\\E000\\E001*#`', ''),"          \
	"      $1::tsquery, 'MaxFragments=2, MaxWords=20, MinWords=8,"                             \
	"      FragmentDelimiter=\" … \", ' || " HL_OPTIONS "))))"                                 \
	" ELSE json_build_object(" ITEM_FIELDS ") END"

/* page: (product_id, n = position 1.., key columns); items in page order */
#define ITEMS_OF_PAGE                                                                              \
	"(SELECT coalesce(json_agg(" ITEM_JSON " ORDER BY pg.n), '[]')::text"                      \
	"   FROM page pg JOIN products p ON p.id = pg.product_id AND p.status = 'published'"       \
	"   LEFT JOIN categories c ON c.id = p.category_id WHERE pg.n <= $7::int)"

/*
 * Facets: the first FACET_SAMPLE + 1 matches of q and every filter but the
 * category (so the other categories can be offered); tags also apply the
 * category. Evaluated only when $11 is true (a CASE around a subquery).
 * "First" is storage order (a sequential or bitmap scan that stops early):
 * selecting ctid rules out an index-only scan of the category index, whose
 * order would fill the sample with one category. The match is written twice
 * (the copy, "IS TRUE", is a filter, never an index condition): the planner
 * prices a row's tsvector match like an integer comparison and would scan
 * the table sequentially until 1001 matches turn up, which for a word in 2 %
 * of the catalog reads 50 000 rows; squaring the estimated selectivity makes
 * it take the GIN bitmap unless the word is really common (then the
 * sequential scan finds its sample at once). Counting costs ~3 us a match
 * here, so a broad query's facets count a sample and say so.
 */
#define FACET_SAMPLE_S "1000"
#define FACETS_OF(MATCH)                                                                           \
	"CASE WHEN $11::boolean THEN (WITH fb AS MATERIALIZED ("                                   \
	"   SELECT s.ctid, s.category_id, s.tags FROM product_search s"                            \
	"    WHERE " MATCH " AND (" MATCH ") IS TRUE" F_OTHERS "   LIMIT " FACET_SAMPLE_S " + 1)"  \
	" SELECT json_build_object("                                                               \
	"  'categories', (SELECT coalesce(json_agg(json_build_object('slug', c.slug,"              \
	"      'name', c.name, 'count', f.n) ORDER BY c.sort_order, c.name), '[]')"                \
	"    FROM (SELECT category_id, count(*) AS n FROM fb GROUP BY category_id) f"              \
	"    JOIN categories c ON c.id = f.category_id),"                                          \
	"  'tags', (SELECT coalesce(json_agg(json_build_object('tag', x.tag, 'count', x.n)"        \
	"      ORDER BY x.n DESC, x.tag), '[]') FROM ("                                            \
	"    SELECT t.tag, count(*) AS n FROM fb s, unnest(s.tags) AS t (tag)"                     \
	"     WHERE " F_CATEGORY " GROUP BY t.tag ORDER BY n DESC, t.tag LIMIT 20) x),"            \
	"  'approximate', (SELECT count(*) FROM fb) > " FACET_SAMPLE_S ")::text) END"
#define FACETS FACETS_OF(Q_MATCH)

/* One statement per sort: order, keyset condition, the key columns. */
#define LIST_SQL(ORDER, AFTER, KEY1)                                                               \
	"WITH page AS ("                                                                           \
	" SELECT s.product_id, " KEY1 " AS k1, row_number() OVER (ORDER BY " ORDER ") AS n"        \
	"   FROM product_search s WHERE " Q_MATCH FILTERS "    AND ($10::bigint IS NULL OR " AFTER \
	")"                                                                                        \
	"  ORDER BY " ORDER " LIMIT $7::int + 1)"                                                  \
	" SELECT " ITEMS_OF_PAGE ","                                                               \
	" (SELECT count(*) FROM page) > $7::int,"                                                  \
	" (SELECT k1 FROM page WHERE n = $7::int), $9::bigint, /* unused */"                       \
	" (SELECT product_id FROM page WHERE n = $7::int), " FACETS ", false, NULL, NULL"

static struct db_statement list_newest = {
    .name = "search_list_newest",
    .sql = LIST_SQL("s.published_at DESC, s.product_id DESC",
		    "(s.published_at, s.product_id) < (timestamptz 'epoch' + $8::bigint"
		    " * interval '1 microsecond', $10::bigint)",
		    MICROS("s.published_at")),
    .nparams = 12,
    .flags = DB_READONLY | DB_CUSTOM_PLAN,
};

static struct db_statement list_price_asc = {
    .name = "search_list_price_asc",
    .sql = LIST_SQL("s.price_paise, s.product_id",
		    "(s.price_paise, s.product_id) > ($8::bigint, $10::bigint)", "s.price_paise"),
    .nparams = 12,
    .flags = DB_READONLY | DB_CUSTOM_PLAN,
};

static struct db_statement list_price_desc = {
    .name = "search_list_price_desc",
    .sql = LIST_SQL("s.price_paise DESC, s.product_id DESC",
		    "(s.price_paise, s.product_id) < ($8::bigint, $10::bigint)", "s.price_paise"),
    .nparams = 12,
    .flags = DB_READONLY | DB_CUSTOM_PLAN,
};

/* Also the tail of a relevance search, after its window. */
static struct db_statement list_popular = {
    .name = "search_list_popular",
    .sql = LIST_SQL("s.sales_count DESC, s.product_id DESC",
		    "(s.sales_count, s.product_id) < ($8::bigint, $10::bigint)", "s.sales_count"),
    .nparams = 12,
    .flags = DB_READONLY | DB_CUSTOM_PLAN,
};

#define SEARCH_WINDOW_S "100"
#define SEARCH_PROBE_S "2000"

/*
 * Relevance. The window is the SEARCH_WINDOW most popular matches (plus one,
 * to know whether more follow), ranked; the page is keyset on (rank, sales,
 * id): $8 is the rank (real, exact text form), $9 sales, $10 id.
 *
 * Finding the window without trusting the planner's guess of how common the
 * words are (it prices a row's tsvector match like an integer comparison,
 * and a filter that matches nothing, such as q in a category without it,
 * would walk the whole popularity index, ~1.4 us a row):
 *   probe: the SEARCH_PROBE most popular products, filtered: a bounded walk
 *     of the popularity index that stops at the 101st match. A common word
 *     ("template", 40 %) ends here after ~250 rows.
 *   all: only when the probe came up short (a one-time filter), every match
 *     from the GIN bitmap, top 101 by popularity (~1.3 us a match, and under
 *     5 % of the catalog matches). Its match is written twice so that the
 *     planner takes the bitmap (see FACETS).
 * Both give the same rows: the most popular matches. Only ids and sales are
 * sorted; the 101 documents are read back by id to be ranked.
 */
static struct db_statement search_relevance = {
    .name = "search_relevance",
    .sql = "WITH probe AS MATERIALIZED ("
	   " SELECT s.product_id, s.sales_count"
	   "   FROM (SELECT s.product_id, s.category_id, s.tags, s.price_paise, s.sales_count,"
	   "                s.document FROM product_search s"
	   "          ORDER BY s.sales_count DESC, s.product_id DESC"
	   "          LIMIT " SEARCH_PROBE_S ") s"
	   "  WHERE " S_MATCH FILTERS
	   "  ORDER BY s.sales_count DESC, s.product_id DESC LIMIT " SEARCH_WINDOW_S " + 1),"
	   " window_rows AS ("
	   " SELECT * FROM probe WHERE (SELECT count(*) FROM probe) > " SEARCH_WINDOW_S " UNION ALL"
	   " SELECT * FROM (SELECT s.product_id, s.sales_count FROM product_search s"
	   "   WHERE (SELECT count(*) FROM probe) <= " SEARCH_WINDOW_S "     AND " S_MATCH
	   " AND (" S_MATCH ") IS TRUE" FILTERS "   ORDER BY s.sales_count DESC, s.product_id DESC"
	   "   LIMIT " SEARCH_WINDOW_S " + 1) a),"
	   " cand AS MATERIALIZED ("
	   " SELECT w.product_id, w.sales_count, ts_rank_cd(d.document, $1::tsquery) AS rank,"
	   "        row_number() OVER (ORDER BY w.sales_count DESC, w.product_id DESC) AS pos"
	   "   FROM window_rows w JOIN product_search d ON d.product_id = w.product_id),"
	   " page AS ("
	   " SELECT product_id, rank, sales_count,"
	   "        row_number() OVER (ORDER BY rank DESC, sales_count DESC, product_id DESC) AS n"
	   "   FROM cand WHERE pos <= " SEARCH_WINDOW_S "    AND ($10::bigint IS NULL"
	   "         OR (rank, sales_count, product_id) < ($8::real, $9::bigint, $10::bigint))"
	   "  ORDER BY rank DESC, sales_count DESC, product_id DESC LIMIT $7::int + 1)"
	   " SELECT " ITEMS_OF_PAGE ","
	   " (SELECT count(*) FROM page) > $7::int,"
	   " (SELECT rank::text FROM page WHERE n = $7::int),"
	   " (SELECT sales_count FROM page WHERE n = $7::int),"
	   " (SELECT product_id FROM page WHERE n = $7::int), " FACETS_OF(
	       S_MATCH) ","
			" EXISTS (SELECT 1 FROM cand WHERE pos > " SEARCH_WINDOW_S "),"
			" (SELECT sales_count FROM cand WHERE pos = " SEARCH_WINDOW_S "),"
			" (SELECT product_id FROM cand WHERE pos = " SEARCH_WINDOW_S ")",
    .nparams = 12,
    .flags = DB_READONLY,
};

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

/* {"items":..., "next_cursor":..., "facets":..., "corrected":...} */
static char *search_document(struct arena *a, const char *items, const char *cursor,
			     const char *facets, const char *corrected)
{
	return arena_printf(a, "{\"items\":%s,\"next_cursor\":%s%s%s%s%s%s%s}", items,
			    cursor ? "\"" : "", cursor ? cursor : "null", cursor ? "\"" : "",
			    facets ? ",\"facets\":" : "", facets ? facets : "",
			    corrected ? ",\"corrected\":" : "", corrected ? corrected : "");
}

static const char *value_or_null(PGresult *r, int col)
{
	return PQgetisnull(r, 0, col) ? NULL : PQgetvalue(r, 0, col);
}

int search_products(struct worker *w, struct arena *a, const struct search_query *sq, char **json,
		    const char **why)
{
	char words[SEARCH_MAX_WORDS * (SEARCH_MAX_WORD + 1) + 1];
	char *tags = NULL, *k1 = NULL, *k2 = NULL, *id = NULL, *min = NULL, *max = NULL;
	char next[PAGE_CURSOR_MAX];
	const char *tsquery = NULL, *corrected = NULL, *cursor_out = NULL;
	struct page_cursor cur = {0}, nc = {0};
	struct db_statement *st;
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
		const char *p[2] = {words, search_typing(sq->q) ? "t" : "f"};

		rc = db_exec(&w->db, a, &terms_statement, p, &r);
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
		st = cur.kind == 't' ? &list_popular : &search_relevance;
		break;
	case SEARCH_SORT_PRICE_ASC:
		st = &list_price_asc;
		break;
	case SEARCH_SORT_PRICE_DESC:
		st = &list_price_desc;
		break;
	case SEARCH_SORT_POPULAR:
		st = &list_popular;
		break;
	default:
		st = &list_newest;
		break;
	}
	if (sq->ntags > 0) {
		struct buf b;

		buf_init(&b, 4096);
		for (size_t i = 0; i < sq->ntags; i++) {
			(void)buf_appends(&b, i ? "," : "");
			(void)buf_appends(&b, sq->tags[i]);
		}
		tags = arena_strdup(a, b.data ? b.data : "");
		buf_free(&b);
	}
	if (sq->min_price >= 0)
		min = arena_printf(a, "%lld", sq->min_price);
	if (sq->max_price >= 0)
		max = arena_printf(a, "%lld", sq->max_price);
	if (sq->cursor != NULL) {
		if (cur.kind == 'r') {
			float rank;
			uint32_t bits = (uint32_t)cur.k1;

			memcpy(&rank, &bits, sizeof(rank));
			if (!isfinite(rank)) {
				*why = "malformed cursor";
				return SOUK_EINVALID;
			}
			k1 = arena_printf(a, "%.9g", (double)rank);
		} else {
			k1 = arena_printf(a, "%" PRId64, cur.k1);
		}
		k2 = arena_printf(a, "%" PRId64, cur.k2);
		id = arena_printf(a, "%" PRId64, cur.id);
	}
	{
		const char *p[12] = {
		    tsquery,
		    sq->category,
		    tags,
		    min,
		    max,
		    sq->free < 0 ? NULL : (sq->free ? "t" : "f"),
		    arena_printf(a, "%d",
				 sq->limit < 1	   ? 1
				 : sq->limit > 100 ? 100
						   : sq->limit),
		    k1,
		    k2,
		    id,
		    sq->facets ? "t" : "f",
		    sq->highlight ? "t" : "f",
		};

		rc = db_exec(&w->db, a, st, p, &r);
	}
	if (rc != SOUK_OK)
		return rc;
	if (PQntuples(r) != 1 || PQnfields(r) != 9)
		return SOUK_EINTERNAL;

	/* next page: more in this part, else (relevance) the tail after the window */
	nc.fingerprint = fp;
	if (strcmp(PQgetvalue(r, 0, 1), "t") == 0) {
		const char *v1 = PQgetvalue(r, 0, 2);

		nc.kind = st == &search_relevance ? 'r' : (kind == 'r' ? 't' : kind);
		if (nc.kind == 'r') {
			float rank = strtof(v1, NULL);
			uint32_t bits;

			memcpy(&bits, &rank, sizeof(bits));
			nc.k1 = (int64_t)bits;
			nc.k2 = strtoll(PQgetvalue(r, 0, 3), NULL, 10);
		} else {
			nc.k1 = strtoll(v1, NULL, 10);
		}
		nc.id = strtoll(PQgetvalue(r, 0, 4), NULL, 10);
	} else if (st == &search_relevance && strcmp(PQgetvalue(r, 0, 6), "t") == 0) {
		nc.kind = 't';
		nc.k1 = strtoll(PQgetvalue(r, 0, 7), NULL, 10);
		nc.id = strtoll(PQgetvalue(r, 0, 8), NULL, 10);
	}
	if (nc.kind != '\0') {
		if (page_cursor_encode(&nc, next, sizeof(next)) != SOUK_OK)
			return SOUK_EINTERNAL;
		cursor_out = next;
	}
	*json = search_document(a, PQgetvalue(r, 0, 0), cursor_out,
				sq->facets ? value_or_null(r, 5) : NULL, corrected);
	return SOUK_OK;
}
