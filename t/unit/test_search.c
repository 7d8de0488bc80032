/* test_search.c - page cursors (src/core/page.c) and the pure parts of
 * search.c: words, fingerprints
 * (include/souk/catalog.h, search part). */
#include <stdint.h>
#include <string.h>

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
	    {NULL, NULL},
	};

	return tests_register("search", NULL, NULL, tests);
}
