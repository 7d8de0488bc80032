/* test_str.c - buffers, URL decoding and string helpers (include/souk/str.h). */
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "souk/err.h"
#include "souk/str.h"
#include "tests.h"

static void test_buf_append_and_cap(void)
{
	struct buf b;

	buf_init(&b, 8);
	CU_ASSERT_PTR_NULL(b.data);
	CU_ASSERT_EQUAL(b.len, 0);
	CU_ASSERT_EQUAL(b.cap, 8);
	CU_ASSERT_EQUAL(buf_append(&b, "abcd", 4), SOUK_OK);
	CU_ASSERT_EQUAL(b.len, 4);
	ASSERT_STR_EQ(b.data, "abcd");
	CU_ASSERT_EQUAL(buf_appends(&b, "efgh"), SOUK_OK); /* exactly at the cap */
	CU_ASSERT_EQUAL(b.len, 8);
	ASSERT_STR_EQ(b.data, "abcdefgh");
	/* one byte over: refused, buffer unchanged */
	CU_ASSERT_EQUAL(buf_append(&b, "i", 1), SOUK_ETOOLARGE);
	CU_ASSERT_EQUAL(b.len, 8);
	ASSERT_STR_EQ(b.data, "abcdefgh");
	CU_ASSERT_EQUAL(buf_appends(&b, "much too long"), SOUK_ETOOLARGE);
	CU_ASSERT_EQUAL(b.len, 8);
	ASSERT_STR_EQ(b.data, "abcdefgh");
	/* appending nothing at the cap is fine */
	CU_ASSERT_EQUAL(buf_append(&b, "", 0), SOUK_OK);
	CU_ASSERT_EQUAL(b.len, 8);
	buf_free(&b);
	CU_ASSERT_PTR_NULL(b.data);
	CU_ASSERT_EQUAL(b.len, 0);
	CU_ASSERT_EQUAL(b.size, 0);
	CU_ASSERT_EQUAL(b.cap, 8); /* the cap survives buf_free for reuse */
	CU_ASSERT_EQUAL(buf_appends(&b, "again"), SOUK_OK);
	ASSERT_STR_EQ(b.data, "again");
	buf_free(&b);
}

static void test_buf_too_large_first_append(void)
{
	struct buf b;

	buf_init(&b, 3);
	CU_ASSERT_EQUAL(buf_appends(&b, "abcd"), SOUK_ETOOLARGE);
	CU_ASSERT_PTR_NULL(b.data); /* nothing was allocated */
	CU_ASSERT_EQUAL(b.len, 0);
	buf_free(&b);

	/* binary data with NULs is kept as is */
	buf_init(&b, 16);
	CU_ASSERT_EQUAL(buf_append(&b, "a\0b", 3), SOUK_OK);
	CU_ASSERT_EQUAL(b.len, 3);
	CU_ASSERT_EQUAL(memcmp(b.data, "a\0b", 4), 0); /* and NUL-terminated */
	buf_free(&b);
}

static void test_buf_grows(void)
{
	struct buf b;
	char chunk[100];

	memset(chunk, 'k', sizeof(chunk));
	buf_init(&b, 100000);
	int failures = 0;
	for (int i = 0; i < 1000; i++)
		failures += buf_append(&b, chunk, sizeof(chunk)) != SOUK_OK;
	CU_ASSERT_EQUAL(failures, 0);
	CU_ASSERT_EQUAL(b.len, 100000);
	CU_ASSERT_TRUE(b.size > b.len); /* room for the NUL */
	CU_ASSERT_EQUAL(b.data[99999], 'k');
	CU_ASSERT_EQUAL(b.data[100000], '\0');
	CU_ASSERT_EQUAL(buf_append(&b, "x", 1), SOUK_ETOOLARGE);
	CU_ASSERT_EQUAL(b.len, 100000);
	CU_ASSERT_EQUAL(b.data[100000], '\0');
	buf_free(&b);
}

static void test_json_escaped(void)
{
	struct buf b;

	buf_init(&b, 1024);
	CU_ASSERT_EQUAL(buf_append_json_escaped(&b, "say \"hi\""), SOUK_OK);
	ASSERT_STR_EQ(b.data, "say \\\"hi\\\"");
	buf_free(&b);

	CU_ASSERT_EQUAL(buf_append_json_escaped(&b, "C:\\dir\\"), SOUK_OK);
	ASSERT_STR_EQ(b.data, "C:\\\\dir\\\\");
	buf_free(&b);

	CU_ASSERT_EQUAL(buf_append_json_escaped(&b, "a\nb\rc\td"), SOUK_OK);
	ASSERT_STR_EQ(b.data, "a\\nb\\rc\\td");
	buf_free(&b);

	CU_ASSERT_EQUAL(buf_append_json_escaped(&b, "\x01x\x1f\x08\x0c"), SOUK_OK);
	ASSERT_STR_EQ(b.data, "\\u0001x\\u001f\\u0008\\u000c");
	buf_free(&b);

	/* UTF-8, DEL and '/' pass through unchanged */
	CU_ASSERT_EQUAL(buf_append_json_escaped(&b, "\xe2\x82\xac/\x7f"), SOUK_OK);
	ASSERT_STR_EQ(b.data, "\xe2\x82\xac/\x7f");
	buf_free(&b);

	/* appends after what is already there; empty input adds nothing */
	CU_ASSERT_EQUAL(buf_appends(&b, "{\"m\":\""), SOUK_OK);
	CU_ASSERT_EQUAL(buf_append_json_escaped(&b, ""), SOUK_OK);
	CU_ASSERT_EQUAL(buf_append_json_escaped(&b, "q\"q"), SOUK_OK);
	CU_ASSERT_EQUAL(buf_appends(&b, "\"}"), SOUK_OK);
	ASSERT_STR_EQ(b.data, "{\"m\":\"q\\\"q\"}");
	buf_free(&b);

	/* the cap applies to the escaped size */
	buf_init(&b, 5);
	CU_ASSERT_EQUAL(buf_append_json_escaped(&b, "\"\"\""), SOUK_ETOOLARGE);
	buf_free(&b);
	buf_init(&b, 6);
	CU_ASSERT_EQUAL(buf_append_json_escaped(&b, "\"\"\""), SOUK_OK);
	CU_ASSERT_EQUAL(b.len, 6);
	buf_free(&b);
}

struct decode_case {
	const char *in;
	bool plus_is_space;
	long want_len; /* -1 = rejected */
	const char *want;
};

static void test_url_decode(void)
{
	static const struct decode_case cases[] = {
	    {"%41", false, 1, "A"},
	    {"a%41b", false, 3, "aAb"},
	    {"%4a%4A", false, 2, "JJ"},
	    {"a+b", true, 3, "a b"},
	    {"a+b", false, 3, "a+b"},
	    {"%2B", true, 1, "+"},
	    {"%20", false, 1, " "},
	    {"%2F", false, 1, "/"},
	    {"%E2%82%AC", false, 3, "\xe2\x82\xac"},
	    {"", false, 0, ""},
	    {"plain", false, 5, "plain"},
	    {"%4", false, -1, NULL},
	    {"a%4", false, -1, NULL},
	    {"%zz", false, -1, NULL},
	    {"%4g", false, -1, NULL},
	    {"%g4", false, -1, NULL},
	    {"%", false, -1, NULL},
	    {"abc%", false, -1, NULL},
	    {"%00", false, -1, NULL},
	    {"a%00b", true, -1, NULL},
	    {"%%41", false, -1, NULL},
	    {"% 41", false, -1, NULL},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct decode_case *c = &cases[i];
		char dst[64];
		long n;

		memset(dst, 'Z', sizeof(dst));
		n = str_url_decode(dst, c->in, strlen(c->in), c->plus_is_space);
		CU_ASSERT_EQUAL(n, c->want_len);
		if (n != c->want_len)
			fprintf(stderr, "\n  url decode case %zu (\"%s\"): got %ld\n", i, c->in, n);
		if (c->want != NULL && n >= 0) {
			CU_ASSERT_EQUAL(dst[n], '\0');
			CU_ASSERT_EQUAL(memcmp(dst, c->want, (size_t)n + 1), 0);
		}
	}
}

static void test_url_decode_respects_len(void)
{
	char dst[16];

	/* only src[0..len) is decoded: an escape cut by len is malformed */
	CU_ASSERT_EQUAL(str_url_decode(dst, "%41%42", 3, false), 1);
	ASSERT_STR_EQ(dst, "A");
	CU_ASSERT_EQUAL(str_url_decode(dst, "%41", 2, false), -1);
	CU_ASSERT_EQUAL(str_url_decode(dst, "abcdef", 2, false), 2);
	ASSERT_STR_EQ(dst, "ab");
	CU_ASSERT_EQUAL(str_url_decode(dst, "a\0b", 3, false), -1); /* raw NUL */
	/* decoding in place (dst == src) works: output never outruns input */
	char inplace[] = "x%20y%2bz";
	CU_ASSERT_EQUAL(str_url_decode(inplace, inplace, strlen(inplace), false), 5);
	ASSERT_STR_EQ(inplace, "x y+z");
}

struct long_case {
	const char *in;
	long min, max;
	int want_rc;
	long want;
};

static void test_to_long(void)
{
	static const struct long_case cases[] = {
	    {"42", 0, 100, SOUK_OK, 42},
	    {"0", 0, 100, SOUK_OK, 0},
	    {"100", 0, 100, SOUK_OK, 100},
	    {"-7", -10, 10, SOUK_OK, -7},
	    {"-10", -10, 10, SOUK_OK, -10},
	    {"+5", 0, 10, SOUK_OK, 5},
	    {"007", 0, 10, SOUK_OK, 7},
	    {"9223372036854775807", LONG_MIN, LONG_MAX, SOUK_OK, LONG_MAX},
	    {"-9223372036854775808", LONG_MIN, LONG_MAX, SOUK_OK, LONG_MIN},
	    {"101", 0, 100, SOUK_EMALFORMED, 0},
	    {"-1", 0, 100, SOUK_EMALFORMED, 0},
	    {"-11", -10, 10, SOUK_EMALFORMED, 0},
	    {"9223372036854775808", LONG_MIN, LONG_MAX, SOUK_EMALFORMED, 0},
	    {"99999999999999999999", LONG_MIN, LONG_MAX, SOUK_EMALFORMED, 0},
	    {"", 0, 100, SOUK_EMALFORMED, 0},
	    {" 1", 0, 100, SOUK_EMALFORMED, 0},
	    {"\t1", 0, 100, SOUK_EMALFORMED, 0},
	    {"1 ", 0, 100, SOUK_EMALFORMED, 0},
	    {"12abc", 0, 100, SOUK_EMALFORMED, 0},
	    {"abc", 0, 100, SOUK_EMALFORMED, 0},
	    {"0x10", 0, 100, SOUK_EMALFORMED, 0},
	    {"1.5", 0, 100, SOUK_EMALFORMED, 0},
	    {"1e2", 0, 1000, SOUK_EMALFORMED, 0},
	    {"-", 0, 100, SOUK_EMALFORMED, 0},
	    {"+", 0, 100, SOUK_EMALFORMED, 0},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct long_case *c = &cases[i];
		long out = 12345;
		int rc = str_to_long(c->in, c->min, c->max, &out);

		CU_ASSERT_EQUAL(rc, c->want_rc);
		if (rc != c->want_rc)
			fprintf(stderr, "\n  str_to_long case %zu (\"%s\"): rc %d\n", i, c->in, rc);
		if (c->want_rc == SOUK_OK) {
			CU_ASSERT_EQUAL(out, c->want);
		} else {
			CU_ASSERT_EQUAL(out, 12345); /* out-params are set on success only */
		}
	}
	long out = 1;
	CU_ASSERT_EQUAL(str_to_long(NULL, 0, 10, &out), SOUK_EMALFORMED);
	CU_ASSERT_EQUAL(out, 1);
}

struct utf8_case {
	const char *in;
	size_t len;
	bool valid;
};

#define U8(s, v)                                                                                   \
	{                                                                                          \
		s, sizeof(s) - 1, v                                                                \
	}

static void test_is_utf8(void)
{
	static const struct utf8_case cases[] = {
	    U8("", true),
	    U8("plain ascii ~\x7f", true),
	    U8("a\0b", true),		  /* NUL is a valid code point */
	    U8("\xc3\xa9", true),	  /* U+00E9 */
	    U8("\xc2\x80", true),	  /* U+0080, smallest 2-byte */
	    U8("\xdf\xbf", true),	  /* U+07FF */
	    U8("\xe0\xa0\x80", true),	  /* U+0800, smallest 3-byte */
	    U8("\xe2\x82\xac", true),	  /* U+20AC euro */
	    U8("\xed\x9f\xbf", true),	  /* U+D7FF, just below surrogates */
	    U8("\xee\x80\x80", true),	  /* U+E000, just above */
	    U8("\xef\xbf\xbf", true),	  /* U+FFFF */
	    U8("\xf0\x90\x80\x80", true), /* U+10000, smallest 4-byte */
	    U8("\xf0\x9f\x98\x80", true), /* U+1F600 */
	    U8("\xf4\x8f\xbf\xbf", true), /* U+10FFFF, the last one */
	    U8("x\xe2\x82\xacy\xc3\xa9z", true),
	    U8("\xc0\x80", false),	       /* overlong NUL */
	    U8("\xc1\xbf", false),	       /* overlong U+007F */
	    U8("\xe0\x80\x80", false),	       /* overlong 3-byte */
	    U8("\xe0\x9f\xbf", false),	       /* overlong U+07FF */
	    U8("\xf0\x80\x80\x80", false),     /* overlong 4-byte */
	    U8("\xf0\x8f\xbf\xbf", false),     /* overlong U+FFFF */
	    U8("\xed\xa0\x80", false),	       /* U+D800 surrogate */
	    U8("\xed\xbf\xbf", false),	       /* U+DFFF surrogate */
	    U8("\xf4\x90\x80\x80", false),     /* U+110000 */
	    U8("\xf7\xbf\xbf\xbf", false),     /* U+1FFFFF */
	    U8("\xf8\x88\x80\x80\x80", false), /* 5-byte form */
	    U8("\xfc\x84\x80\x80\x80\x80", false),
	    U8("\xfe", false),
	    U8("\xff", false),
	    U8("\x80", false), /* lone continuation */
	    U8("a\xbf", false),
	    U8("\xc3", false),	   /* truncated 2-byte */
	    U8("\xe2\x82", false), /* truncated 3-byte */
	    U8("\xe2", false),
	    U8("\xf0\x9f\x98", false), /* truncated 4-byte */
	    U8("\xe2\x82x", false),    /* continuation replaced */
	    U8("\xe2x\xac", false),
	    U8("\xc3\xa9\xa9", false), /* one continuation too many */
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		bool got = str_is_utf8(cases[i].in, cases[i].len);

		CU_ASSERT_EQUAL(got, cases[i].valid);
		if (got != cases[i].valid)
			fprintf(stderr, "\n  utf8 case %zu: got %d\n", i, got);
	}
	/* only len bytes are looked at */
	CU_ASSERT_FALSE(str_is_utf8("\xe2\x82\xac", 2));
	CU_ASSERT_TRUE(str_is_utf8("ok\xff", 2));
}

static void test_ieq_istarts(void)
{
	CU_ASSERT_TRUE(str_ieq("Content-Type", "content-type"));
	CU_ASSERT_TRUE(str_ieq("ABC", "abc"));
	CU_ASSERT_TRUE(str_ieq("", ""));
	CU_ASSERT_FALSE(str_ieq("abc", "abcd"));
	CU_ASSERT_FALSE(str_ieq("abcd", "abc"));
	CU_ASSERT_FALSE(str_ieq("abc", "abd"));
	CU_ASSERT_FALSE(str_ieq("", "a"));
	CU_ASSERT_FALSE(str_ieq(NULL, "a"));
	CU_ASSERT_FALSE(str_ieq("a", NULL));
	CU_ASSERT_FALSE(str_ieq(NULL, NULL));
	CU_ASSERT_FALSE(str_ieq("x-request-id", "x_request_id"));
	/* only ASCII folds */
	CU_ASSERT_FALSE(str_ieq("\xc3\xa9", "\xc3\x89"));

	CU_ASSERT_TRUE(str_istarts("Application/JSON; charset=utf-8", "application/json"));
	CU_ASSERT_TRUE(str_istarts("abc", "ABC"));
	CU_ASSERT_TRUE(str_istarts("anything", ""));
	CU_ASSERT_TRUE(str_istarts("", ""));
	CU_ASSERT_FALSE(str_istarts("app", "application"));
	CU_ASSERT_FALSE(str_istarts("", "a"));
	CU_ASSERT_FALSE(str_istarts("text/plain", "application"));
	CU_ASSERT_FALSE(str_istarts(NULL, "a"));
	CU_ASSERT_FALSE(str_istarts("a", NULL));
}

static void test_trim(void)
{
	char a[] = "  a b \t";
	char b[] = "\t\t  ";
	char c[] = "";
	char d[] = "x";
	char e[] = "\n a \n";
	char f[] = "no-trim";
	char *r;

	r = str_trim(a);
	ASSERT_STR_EQ(r, "a b");
	CU_ASSERT_PTR_EQUAL(r, a + 2); /* a pointer into the argument */
	ASSERT_STR_EQ(str_trim(b), "");
	ASSERT_STR_EQ(str_trim(c), "");
	ASSERT_STR_EQ(str_trim(d), "x");
	ASSERT_STR_EQ(str_trim(e), "\n a \n"); /* only spaces and tabs */
	r = str_trim(f);
	CU_ASSERT_PTR_EQUAL(r, f);
	ASSERT_STR_EQ(r, "no-trim");
}

static void test_clocks(void)
{
	long long m1 = clock_monotonic_us(), m2 = clock_monotonic_us();
	long long wall = clock_wall_ms();

	CU_ASSERT_TRUE(m1 > 0);
	CU_ASSERT_TRUE(m2 >= m1);
	CU_ASSERT_TRUE(wall > 1600000000000LL); /* after September 2020 */
	CU_ASSERT_TRUE(wall < 4102444800000LL); /* before 2100 */
}

static void test_dates_and_times(void)
{
	CU_ASSERT_TRUE(str_is_date("2026-12-07"));
	CU_ASSERT_TRUE(str_is_date("2028-02-29"));
	CU_ASSERT_TRUE(str_is_date("2000-02-29"));
	CU_ASSERT_FALSE(str_is_date("2100-02-29"));
	CU_ASSERT_FALSE(str_is_date("2026-02-29"));
	CU_ASSERT_FALSE(str_is_date("2026-04-31"));
	CU_ASSERT_FALSE(str_is_date("2026-13-01"));
	CU_ASSERT_FALSE(str_is_date("2026-00-10"));
	CU_ASSERT_FALSE(str_is_date("2026-1-10"));
	CU_ASSERT_FALSE(str_is_date("2026-01-10x"));
	CU_ASSERT_FALSE(str_is_date(""));
	CU_ASSERT_TRUE(str_is_rfc3339("2026-12-31T23:59:59Z"));
	CU_ASSERT_TRUE(str_is_rfc3339("2026-12-31T23:59:59.125+05:30"));
	CU_ASSERT_FALSE(str_is_rfc3339("2026-12-31T23:59:59"));
	CU_ASSERT_FALSE(str_is_rfc3339("2026-12-31 23:59:59Z"));
	CU_ASSERT_FALSE(str_is_rfc3339("2026-12-31T23:59:59 05:30"));
	CU_ASSERT_FALSE(str_is_rfc3339("2026-12-31"));
}

int suite_str(void)
{
	static const struct unit_test tests[] = {
	    {"buf_append up to the cap, refuses beyond", test_buf_append_and_cap},
	    {"buf over the cap on first append; binary", test_buf_too_large_first_append},
	    {"buf grows to a large cap", test_buf_grows},
	    {"json escaping", test_json_escaped},
	    {"url decode cases", test_url_decode},
	    {"url decode looks at len bytes only", test_url_decode_respects_len},
	    {"str_to_long bounds and junk", test_to_long},
	    {"str_is_utf8", test_is_utf8},
	    {"dates and times", test_dates_and_times},
	    {"str_ieq and str_istarts", test_ieq_istarts},
	    {"str_trim", test_trim},
	    {"clocks", test_clocks},
	    {NULL, NULL},
	};

	return tests_register("str", NULL, NULL, tests);
}
