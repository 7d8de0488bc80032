/* test_search.c - page cursors (src/core/page.c), the pure parts of
 * search.c: words, fingerprints, and the highlights of highlight.c
 * (include/souk/catalog.h, search part). */
#include <stdint.h>
#include <string.h>

#include "souk/arena.h"
#include "souk/catalog.h"
#include "souk/err.h"
#include "souk/page.h"
#include "tests.h"

static void test_cursor_round_trip(void)
{
	const struct page_cursor cases[] = {
	    {'n', 0x01020304u, 1764450000123456LL, 0, 42}, {'a', 0, 0, 0, 1},
	    {'d', 0xffffffffu, 999900, 0, INT64_MAX},	   {'p', 7, 0, 0, 0},
	    {'r', 0xdeadbeefu, 0x3f800000LL, 5812, 3403},  {'t', 1, -1, INT64_MIN, -5},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char text[PAGE_CURSOR_MAX];
		struct page_cursor back = {0};

		CU_ASSERT_EQUAL(page_cursor_encode(&cases[i], text, sizeof(text)), SOUK_OK);
		CU_ASSERT_EQUAL(strlen(text), 46);
		CU_ASSERT_EQUAL(strspn(text, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
					     "0123456789-_"),
				46); /* URL-safe as is */
		CU_ASSERT_EQUAL(page_cursor_decode(text, &back), SOUK_OK);
		CU_ASSERT_EQUAL(back.kind, cases[i].kind);
		CU_ASSERT_EQUAL(back.fingerprint, cases[i].fingerprint);
		CU_ASSERT_EQUAL(back.k1, cases[i].k1);
		CU_ASSERT_EQUAL(back.k2, cases[i].k2);
		CU_ASSERT_EQUAL(back.id, cases[i].id);
	}
}

static void test_cursor_encode_refuses(void)
{
	struct page_cursor c = {'1', 0, 0, 0, 1};
	char text[PAGE_CURSOR_MAX];

	CU_ASSERT_EQUAL(page_cursor_encode(&c, text, sizeof(text)), SOUK_EINVALID);
	c.kind = 'n';
	CU_ASSERT_EQUAL(page_cursor_encode(&c, text, 46), SOUK_EINVALID); /* no room */
}

/* Every single-character change, truncation or extension is refused. */
static void test_cursor_tamper(void)
{
	const struct page_cursor c = {'p', 0x11223344u, 5311, 0, 67777};
	const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
	char text[PAGE_CURSOR_MAX], bad[PAGE_CURSOR_MAX + 2];
	struct page_cursor out = {'z', 9, 9, 9, 9};
	int accepted = 0;

	CU_ASSERT_EQUAL(page_cursor_encode(&c, text, sizeof(text)), SOUK_OK);
	for (size_t i = 0; i < strlen(text); i++)
		for (const char *a = alphabet; *a; a++) {
			if (*a == text[i])
				continue;
			strcpy(bad, text);
			bad[i] = *a;
			accepted += page_cursor_decode(bad, &out) == SOUK_OK;
		}
	CU_ASSERT_EQUAL(accepted, 0);
	CU_ASSERT_EQUAL(out.kind, 'z'); /* untouched on failure */
	strcpy(bad, text);
	bad[45] = '\0';
	CU_ASSERT_EQUAL(page_cursor_decode(bad, &out), SOUK_EINVALID);
	strcpy(bad, text);
	strcat(bad, "A");
	CU_ASSERT_EQUAL(page_cursor_decode(bad, &out), SOUK_EINVALID);
}

static void test_cursor_garbage(void)
{
	const char *bad[] = {
	    NULL,
	    "",
	    "null",
	    "AXLXwZS8AAAAAD_mZmYAAAAAAAAUvwAAAAAAAXx7Q-HDR=",	    /* padding / alphabet */
	    "AXLXwZS8AAAAAD+mZmYAAAAAAAAUvwAAAAAAAXx7Q-HDRA",	    /* standard base64 */
	    "AXLXwZS8AAAAAD_mZmYAAAAAAAAUvwAAAAAAAXx7Q-HD\xc3\xa9", /* UTF-8 */
	    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",	    /* zeros: no version */
	    "../../etc/passwd",
	    "' OR 1=1 --",
	};
	struct page_cursor out;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CU_ASSERT_EQUAL(page_cursor_decode(bad[i], &out), SOUK_EINVALID);
}

static void test_words(void)
{
	char out[512];

	CU_ASSERT_EQUAL(search_words("Notion  Template", out, sizeof(out)), 2);
	ASSERT_STR_EQ(out, "notion template");
	CU_ASSERT_EQUAL(search_words("  lightroom-presets, 2026!  ", out, sizeof(out)), 3);
	ASSERT_STR_EQ(out, "lightroom presets 2026");
	/* quotes, backslashes and tsquery operators only ever separate words */
	CU_ASSERT_EQUAL(search_words("it's a \\'x'\\ & | ! <-> :* ()", out, sizeof(out)), 4);
	ASSERT_STR_EQ(out, "it s a x");
	CU_ASSERT_EQUAL(search_words("!!! ... ---", out, sizeof(out)), 0);
	ASSERT_STR_EQ(out, "");
	CU_ASSERT_EQUAL(search_words(NULL, out, sizeof(out)), 0);
	/* UTF-8 is kept (PostgreSQL lower-cases and splits it) */
	CU_ASSERT_EQUAL(
	    search_words("Café \xe0\xa4\xb6\xe0\xa4\xbe\xe0\xa4\xa6\xe0\xa5\x80", out, sizeof(out)),
	    2);
	ASSERT_STR_EQ(out, "caf\xc3\xa9 \xe0\xa4\xb6\xe0\xa4\xbe\xe0\xa4\xa6\xe0\xa5\x80");
	/* at most 8 words; words over 40 bytes are dropped */
	CU_ASSERT_EQUAL(search_words("a b c d e f g h i j", out, sizeof(out)), 8);
	ASSERT_STR_EQ(out, "a b c d e f g h");
	CU_ASSERT_EQUAL(
	    search_words("x aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa y", out, sizeof(out)), 2);
	ASSERT_STR_EQ(out, "x y");
	/* a small buffer keeps whole words only */
	CU_ASSERT_EQUAL(search_words("alpha beta", out, 8), 1);
	ASSERT_STR_EQ(out, "alpha");
}

static void test_typing(void)
{
	CU_ASSERT_TRUE(search_typing("notion templ"));
	CU_ASSERT_FALSE(search_typing("notion "));
	CU_ASSERT_FALSE(search_typing("notion!"));
	CU_ASSERT_FALSE(search_typing(""));
	CU_ASSERT_FALSE(search_typing(NULL));
}

static void test_fingerprint(void)
{
	const char *tags[] = {"figma", "free"};
	struct search_query a = {.min_price = -1, .max_price = -1, .free = -1};
	struct search_query b = a;
	uint32_t base = search_fingerprint(&a, "notion");

	/* sort, limit, facets and highlight do not change it */
	b.sort = SEARCH_SORT_POPULAR;
	b.limit = 50;
	b.facets = true;
	CU_ASSERT_EQUAL(search_fingerprint(&b, "notion"), base);
	CU_ASSERT_NOT_EQUAL(search_fingerprint(&a, "notion template"), base);
	b = a;
	b.category = "ebooks";
	CU_ASSERT_NOT_EQUAL(search_fingerprint(&b, "notion"), base);
	b = a;
	b.tags = tags;
	b.ntags = 2;
	CU_ASSERT_NOT_EQUAL(search_fingerprint(&b, "notion"), base);
	b = a;
	b.max_price = 100;
	CU_ASSERT_NOT_EQUAL(search_fingerprint(&b, "notion"), base);
	b = a;
	b.free = 1;
	CU_ASSERT_NOT_EQUAL(search_fingerprint(&b, "notion"), base);
}

static struct highlight *prepared(struct arena *a, const char *tsquery)
{
	struct highlight *h = NULL;

	CU_ASSERT_EQUAL_FATAL(highlight_prepare(a, tsquery, &h), SOUK_OK);
	return h;
}

static void test_highlight_words(void)
{
	struct arena a;
	struct highlight *h;

	arena_init(&a, 4096);
	/* stems as PostgreSQL's english_stem: templates, Template -> templat */
	h = prepared(&a, "'templat' & 'notion':*");
	CU_ASSERT_STRING_EQUAL(highlight_all(&a, h, "Notion Templates for teams"),
			       "<mark>Notion</mark> <mark>Templates</mark> for teams");
	CU_ASSERT_STRING_EQUAL(
	    highlight_all(&a, h, "NOTIONAL template, templated."),
	    "<mark>NOTIONAL</mark> <mark>template</mark>, <mark>templated</mark>.");
	CU_ASSERT_STRING_EQUAL(highlight_all(&a, h, "temple notary"), "temple notary");
	/* a prefix matches any stem it begins; a whole lexeme only itself */
	h = prepared(&a, "'temp':*");
	CU_ASSERT_STRING_EQUAL(highlight_all(&a, h, "Templating tempo tmp"),
			       "<mark>Templating</mark> <mark>tempo</mark> tmp");
	h = prepared(&a, "'temp'");
	CU_ASSERT_STRING_EQUAL(highlight_all(&a, h, "Templating temp"),
			       "Templating <mark>temp</mark>");
	/* OR-ed corrections, weights, and Latin-1 capitals in UTF-8 */
	h = prepared(&a, "( 'madhubani' | 'madhuban' ) & 'café':AB*");
	CU_ASSERT_STRING_EQUAL(highlight_all(&a, h, "MADHUBANI art at the CAFÉ"),
			       "<mark>MADHUBANI</mark> art at the <mark>CAFÉ</mark>");
	/* an empty query marks nothing, and text without words stays as it is */
	h = prepared(&a, "");
	CU_ASSERT_STRING_EQUAL(highlight_all(&a, h, "Notion templates"), "Notion templates");
	CU_ASSERT_STRING_EQUAL(highlight_all(&a, h, " -- "), " -- ");
	CU_ASSERT_STRING_EQUAL(highlight_all(&a, h, ""), "");
	arena_destroy(&a);
}

static void test_highlight_escapes(void)
{
	struct arena a;
	struct highlight *h;
	const char *out;

	arena_init(&a, 4096);
	h = prepared(&a, "'script' & 'templat'");
	out = highlight_all(&a, h, "<script>alert(\"x&y\")</script> 'template'");
	CU_ASSERT_STRING_EQUAL(out, "&lt;<mark>script</mark>&gt;alert(&quot;x&amp;y&quot;)&lt;/"
				    "<mark>script</mark>&gt; &#39;<mark>template</mark>&#39;");
	out = highlight_snippet(&a, h, "<img src=x onerror=alert(1)> **template** `code` # title");
	CU_ASSERT_STRING_EQUAL(out, "img src=x onerror=alert(1)&gt; <mark>template</mark> code  "
				    "title");
	/* the title keeps its Markdown-looking characters */
	CU_ASSERT_STRING_EQUAL(highlight_all(&a, h, "C# *template*"), "C# *<mark>template</mark>*");
	arena_destroy(&a);
}

static void test_highlight_snippet(void)
{
	static const char text[] =
	    "one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
	    "fifteen sixteen seventeen eighteen nineteen twenty alpha template beta gamma delta "
	    "w1 w2 w3 w4 w5 w6 w7 w8 w9 w10 w11 w12 w13 w14 w15 w16 w17 w18 w19 w20 w21 w22 w23 "
	    "w24 w25 w26 w27 w28 w29 w30 templates end";
	struct arena a;
	struct highlight *h;
	const char *out, *sep;

	arena_init(&a, 4096);
	/* nothing matches: the first 8 words */
	h = prepared(&a, "'nomatch'");
	CU_ASSERT_STRING_EQUAL(highlight_snippet(&a, h, text),
			       "one two three four five six seven eight");
	CU_ASSERT_STRING_EQUAL(highlight_snippet(&a, h, "just three words"), "just three words");
	CU_ASSERT_STRING_EQUAL(highlight_snippet(&a, h, ""), "");
	/* two fragments of at most 20 words around the first two matches */
	h = prepared(&a, "'templat'");
	out = highlight_snippet(&a, h, text);
	sep = strstr(out, " \xe2\x80\xa6 ");
	CU_ASSERT_PTR_NOT_NULL_FATAL(sep);
	CU_ASSERT_PTR_NULL(strstr(sep + 1, " \xe2\x80\xa6 "));
	CU_ASSERT_EQUAL(strncmp(out, "thirteen fourteen", 17), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "alpha <mark>template</mark> beta"));
	CU_ASSERT_PTR_NOT_NULL(strstr(sep, "<mark>templates</mark> end"));
	CU_ASSERT_PTR_NULL(strstr(out, "twelve"));
	/* each fragment holds 20 words */
	for (const char *f = out, *stop = sep; f != NULL;) {
		size_t words = 1;

		for (const char *c = f; c < stop; c++)
			words += *c == ' ';
		CU_ASSERT_EQUAL(words, 20);
		if (stop == sep) {
			f = sep + 5;
			stop = f + strlen(f);
		} else {
			f = NULL;
		}
	}
	arena_destroy(&a);
}

int suite_search(void)
{
	static const struct unit_test tests[] = {
	    {"cursor round trip", test_cursor_round_trip},
	    {"cursor encode refuses", test_cursor_encode_refuses},
	    {"cursor tamper", test_cursor_tamper},
	    {"cursor garbage", test_cursor_garbage},
	    {"words", test_words},
	    {"typing", test_typing},
	    {"fingerprint", test_fingerprint},
	    {"highlight: words and stems", test_highlight_words},
	    {"highlight: hostile text escaped", test_highlight_escapes},
	    {"highlight: snippet fragments", test_highlight_snippet},
	    {NULL, NULL},
	};

	return tests_register("search", NULL, NULL, tests);
}
