/* test_cms_html.c - Markdown rendering, the allow-list HTML sanitiser and the
 * plain-text helpers of src/cms/html.c (include/souk/cms.h). */
#include <limits.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "souk/arena.h"
#include "souk/cms.h"
#include "souk/err.h"
#include "souk/json.h"
#include "souk/str.h"
#include "tests.h"

#define SITE "https://shop.test"
#define REL " rel=\"noopener nofollow\""
#define COUNT(array) (sizeof(array) / sizeof((array)[0]))

static struct arena test_arena;

static int cms_html_suite_init(void)
{
	arena_init(&test_arena, 64 * 1024);
	return 0;
}

static int cms_html_suite_cleanup(void)
{
	arena_destroy(&test_arena);
	return 0;
}

/* cms_markdown_html() with site_url, or NULL (printed) when it fails. */
static const char *markdown_for(const char *md, const char *site_url)
{
	char *out = NULL;
	int rc = cms_markdown_html(&test_arena, md, site_url, &out);

	if (rc != SOUK_OK) {
		fprintf(stderr, "\n  cms_markdown_html(\"%s\"): rc %d\n", md ? md : "(null)", rc);
		return NULL;
	}
	return out;
}

/* cms_html_sanitize() with site_url, or NULL (printed) when it fails. */
static const char *sanitized_for(const char *html, const char *site_url)
{
	char *out = NULL;
	int rc = cms_html_sanitize(&test_arena, html, site_url, &out);

	if (rc != SOUK_OK) {
		fprintf(stderr, "\n  cms_html_sanitize(\"%s\"): rc %d\n", html ? html : "(null)",
			rc);
		return NULL;
	}
	return out;
}

/* A case: input and the exact output wanted. */
struct html_case {
	const char *in;
	const char *want;
};

/* Asserts out holds nothing that could run script or hide markup. */
static void assert_inert(const char *out)
{
	static const char *const forbidden[] = {"<script", "javascript:", "onerror",   "onclick",
						"<iframe", "srcdoc",	  "data:text", "<svg",
						"<math",   "<style",	  "vbscript:", "<!--"};

	CU_ASSERT_PTR_NOT_NULL(out);
	for (size_t i = 0; out != NULL && i < COUNT(forbidden); i++) {
		bool found = strcasestr(out, forbidden[i]) != NULL;

		CU_ASSERT_FALSE(found);
		if (found)
			fprintf(stderr, "\n  \"%s\" in \"%s\"\n", forbidden[i], out);
	}
}

/* Runs cases through cms_markdown_html() (markdown) or cms_html_sanitize(),
 * with SITE as the shop, printing each mismatch. When inert, every output
 * must also be free of anything that could run script. */
static void run_cases(const struct html_case *cases, size_t n, bool markdown, bool inert)
{
	for (size_t i = 0; i < n; i++) {
		const char *got =
		    markdown ? markdown_for(cases[i].in, SITE) : sanitized_for(cases[i].in, SITE);
		bool same = got != NULL && strcmp(got, cases[i].want) == 0;

		CU_ASSERT_TRUE(same);
		if (!same)
			fprintf(stderr, "\n  case %zu \"%s\":\n    got  \"%s\"\n    want \"%s\"\n",
				i, cases[i].in, got ? got : "(null)", cases[i].want);
		if (inert)
			assert_inert(got);
	}
}

/* How many times needle occurs in haystack. */
static size_t occurrences(const char *haystack, const char *needle)
{
	size_t n = 0;

	for (const char *p = haystack; p != NULL && (p = strstr(p, needle)) != NULL; p++)
		n++;
	return n;
}

/* needle repeated times, then tail, in the arena. */
static char *repeated(const char *needle, size_t times, const char *tail)
{
	size_t len = strlen(needle), tail_len = strlen(tail);
	char *s = arena_alloc(&test_arena, len * times + tail_len + 1);

	for (size_t i = 0; i < times; i++)
		memcpy(s + i * len, needle, len);
	memcpy(s + len * times, tail, tail_len + 1);
	return s;
}

/* --- Markdown --- */

static void test_markdown_blocks(void)
{
	static const struct html_case cases[] = {
	    {"# Title\n\n## Sub", "<h1>Title</h1>\n<h2>Sub</h2>\n"},
	    {"*em* **strong** `code`",
	     "<p><em>em</em> <strong>strong</strong> <code>code</code></p>\n"},
	    {"- a\n- b\n\n1. x\n2. y",
	     "<ul>\n<li>a</li>\n<li>b</li>\n</ul>\n<ol>\n<li>x</li>\n<li>y</li>\n</ol>\n"},
	    {"3. three", "<ol start=\"3\">\n<li>three</li>\n</ol>\n"},
	    {"```c\nint x = 1 < 2;\n```",
	     "<pre><code class=\"language-c\">int x = 1 &lt; 2;\n</code></pre>\n"},
	    {"```c++\nx\n```", "<pre><code class=\"language-c++\">x\n</code></pre>\n"},
	    /* an info string that is no language loses the class */
	    {"```x\"onclick=\"y\n```", "<pre><code></code></pre>\n"},
	    {"    indented", "<pre><code>indented\n</code></pre>\n"},
	    {"> quote", "<blockquote>\n<p>quote</p>\n</blockquote>\n"},
	    {"a  \nb\n\n---", "<p>a<br>\nb</p>\n<hr>\n"},
	    {"![alt](/i.png \"T\")", "<p><img src=\"/i.png\" alt=\"alt\" title=\"T\"></p>\n"},
	    {"1 < 2 & 3 > 0 \"q\"", "<p>1 &lt; 2 &amp; 3 &gt; 0 \"q\"</p>\n"},
	    {"&copy; &amp;amp;", "<p>\xc2\xa9 &amp;amp;</p>\n"},
	    {"\xe0\xa4\xa8\xe0\xa4\xae\xe0\xa4\xb8\xe0\xa5\x8d\xe0\xa4\xa4\xe0\xa5\x87 "
	     "\xf0\x9f\x98\x80",
	     "<p>\xe0\xa4\xa8\xe0\xa4\xae\xe0\xa4\xb8\xe0\xa5\x8d\xe0\xa4\xa4\xe0\xa5\x87 "
	     "\xf0\x9f\x98\x80</p>\n"},
	};

	run_cases(cases, COUNT(cases), true, false);
}

static void test_markdown_table(void)
{
	static const struct html_case cases[] = {
	    {"| a | b |\n|:-|-:|\n| 1 | 2 |",
	     "<table>\n<thead>\n<tr>\n<th align=\"left\">a</th>\n<th align=\"right\">b</th>\n"
	     "</tr>\n</thead>\n<tbody>\n<tr>\n<td align=\"left\">1</td>\n"
	     "<td align=\"right\">2</td>\n</tr>\n</tbody>\n</table>\n"},
	    {"| c |\n|:-:|\n| *x* |",
	     "<table>\n<thead>\n<tr>\n<th align=\"center\">c</th>\n</tr>\n</thead>\n<tbody>\n"
	     "<tr>\n<td align=\"center\"><em>x</em></td>\n</tr>\n</tbody>\n</table>\n"},
	    {"| h |\n|---|", "<table>\n<thead>\n<tr>\n<th>h</th>\n</tr>\n</thead>\n</table>\n"},
	};

	run_cases(cases, COUNT(cases), true, false);
}

static void test_markdown_links(void)
{
	static const struct html_case cases[] = {
	    {"www.example.com",
	     "<p><a href=\"http://www.example.com\"" REL ">www.example.com</a></p>\n"},
	    {"see https://x.test now",
	     "<p>see <a href=\"https://x.test\"" REL ">https://x.test</a> now</p>\n"},
	    {"<https://x.test>", "<p><a href=\"https://x.test\"" REL ">https://x.test</a></p>\n"},
	    {"[t](https://x.test \"Title\")",
	     "<p><a href=\"https://x.test\" title=\"Title\"" REL ">t</a></p>\n"},
	    /* the shop's own host, in any case and with any port, is not outside */
	    {"[p](https://shop.test/p)", "<p><a href=\"https://shop.test/p\">p</a></p>\n"},
	    {"[p](HTTPS://SHOP.TEST:443/p)", "<p><a href=\"HTTPS://SHOP.TEST:443/p\">p</a></p>\n"},
	    {"https://shop.test/p",
	     "<p><a href=\"https://shop.test/p\">https://shop.test/p</a></p>\n"},
	    {"[r](/about) [f](#top) [q](?page=2) [u](../up)",
	     "<p><a href=\"/about\">r</a> <a href=\"#top\">f</a> <a href=\"?page=2\">q</a> "
	     "<a href=\"../up\">u</a></p>\n"},
	    {"[m](mailto:a@b.test)", "<p><a href=\"mailto:a@b.test\">m</a></p>\n"},
	    {"[e](https://shop.test@evil.test/)",
	     "<p><a href=\"https://shop.test@evil.test/\"" REL ">e</a></p>\n"},
	    {"[e](https://shop.test.evil.test/)",
	     "<p><a href=\"https://shop.test.evil.test/\"" REL ">e</a></p>\n"},
	    /* a quote in a title stays inside the attribute */
	    {"[x](https://x.test \"\\\" onclick=alert(1)\")",
	     "<p><a href=\"https://x.test\" title=\"&quot; onclick=alert(1)\"" REL ">x</a></p>\n"},
	    {"~~gone~~ ~too~", "<p><del>gone</del> <del>too</del></p>\n"},
	};

	run_cases(cases, COUNT(cases), true, false);
}

static void test_markdown_xss(void)
{
	static const struct html_case cases[] = {
	    {"<script>alert(1)</script>", "\n"},
	    {"a <script>alert(1)</script> b", "<p>a alert(1) b</p>\n"},
	    {"[x](javascript:alert(1))", "<p><a>x</a></p>\n"},
	    {"[x](JaVaScRiPt:alert(1))", "<p><a>x</a></p>\n"},
	    {"[x](jav&#x09;ascript:alert(1))", "<p><a>x</a></p>\n"},
	    {"[x](&#106;avascript:alert(1))", "<p><a>x</a></p>\n"},
	    {"[x](vbscript:msgbox(1)) [y](file:///etc/passwd)", "<p><a>x</a> <a>y</a></p>\n"},
	    {"<img src=x onerror=alert(1)>", "\n"},
	    {"a <img src=x onerror=alert(1)> b", "<p>a  b</p>\n"},
	    {"![a](data:text/html;base64,xxx)", "<p></p>\n"},
	    {"![a](data:image/png;base64,xxx)", "<p></p>\n"},
	    {"![a](javascript:alert(1))", "<p></p>\n"},
	    {"<a href=\"javascript:alert(1)\">x</a>", "<p>x</p>\n"},
	    {"<iframe srcdoc=\"<script>alert(1)</script>\"></iframe>", "\n"},
	    {"<svg onload=alert(1)>", "\n"},
	    {"<div onclick=\"alert(1)\">\n\n*x*\n\n</div>", "\n<p><em>x</em></p>\n\n"},
	};

	run_cases(cases, COUNT(cases), true, true);
}

static void test_markdown_empty_and_invalid(void)
{
	char *out = (char *)"untouched";

	ASSERT_STR_EQ(markdown_for(NULL, SITE), "");
	ASSERT_STR_EQ(markdown_for("", SITE), "");
	ASSERT_STR_EQ(markdown_for("\n\n", SITE), "");
	CU_ASSERT_EQUAL(cms_markdown_html(&test_arena, "ok \xff", SITE, &out), SOUK_EINVALID);
	CU_ASSERT_EQUAL(cms_markdown_html(&test_arena, "\xc0\x80", SITE, &out), SOUK_EINVALID);
	CU_ASSERT_EQUAL(cms_markdown_html(&test_arena, "# \xed\xa0\x80", SITE, &out),
			SOUK_EINVALID);
	CU_ASSERT_EQUAL(cms_markdown_html(&test_arena, "cut \xe2\x82", SITE, &out), SOUK_EINVALID);
	ASSERT_STR_EQ(out, "untouched"); /* out-params are set on success only */
}

/* Which links are outside depends on site_url; without one, every absolute
 * link is. */
static void test_markdown_site_url(void)
{
	const char *md = "[a](https://shop.test/p) [b](/q)";
	const char *own = "<p><a href=\"https://shop.test/p\">a</a> <a href=\"/q\">b</a></p>\n";
	const char *outside =
	    "<p><a href=\"https://shop.test/p\"" REL ">a</a> <a href=\"/q\">b</a></p>\n";

	ASSERT_STR_EQ(markdown_for(md, NULL), outside);
	ASSERT_STR_EQ(markdown_for(md, ""), outside);
	ASSERT_STR_EQ(markdown_for(md, "https://shop.test"), own);
	ASSERT_STR_EQ(markdown_for(md, "https://Shop.Test:8443/"), own);
	ASSERT_STR_EQ(markdown_for(md, "http://shop.test/base/"), own);
	ASSERT_STR_EQ(markdown_for(md, "https://other.test"), outside);
}

/* --- the sanitiser --- */

static void test_sanitize_urls(void)
{
	static const struct html_case cases[] = {
	    {"<a href=\"javascript:alert(1)\">x</a>", "<a>x</a>"},
	    {"<a href=\" javascript:alert(1)\">x</a>", "<a>x</a>"},
	    {"<a href=\"java\tscript:alert(1)\">x</a>", "<a>x</a>"},
	    {"<a href=\"java\nscript:alert(1)\">x</a>", "<a>x</a>"},
	    {"<a href=\"&#106;avascript:alert(1)\">x</a>", "<a>x</a>"},
	    {"<a href=\"jav&#x09;ascript:alert(1)\">x</a>", "<a>x</a>"},
	    {"<a href=\"JAVASCRIPT:alert(1)\">x</a>", "<a>x</a>"},
	    {"<a href=\"\x01javascript:alert(1)\">x</a>", "<a>x</a>"},
	    {"<a href=\"jav%09ascript:alert(1)\">x</a>", "<a>x</a>"},
	    {"<a href=\"data:text/html,<script>alert(1)</script>\">x</a>", "<a>x</a>"},
	    {"<a href=\"vbscript:x\">x</a><a href=\"file:///etc/passwd\">y</a>",
	     "<a>x</a><a>y</a>"},
	    {"<a href=\":x\">x</a><a href=\"\">y</a><a href=\"  \">z</a>",
	     "<a>x</a><a>y</a><a>z</a>"},
	    {"<a xlink:href=\"javascript:alert(1)\">x</a>", "<a>x</a>"},
	    {"<a href=\"//evil.test\">x</a>", "<a href=\"//evil.test\"" REL ">x</a>"},
	    {"<a href=\"\\\\evil.test\">x</a>", "<a href=\"\\\\evil.test\"" REL ">x</a>"},
	    {"<a href=\"http:evil.test\">x</a>", "<a href=\"http:evil.test\"" REL ">x</a>"},
	    {"<a href=\"https://evil.test\\@shop.test/\">x</a>",
	     "<a href=\"https://evil.test\\@shop.test/\"" REL ">x</a>"},
	    {"<a href=\"  https://x.test/a b  \">x</a>",
	     "<a href=\"https://x.test/a b\"" REL ">x</a>"},
	    {"<a href=\"https://evil.test\" rel=\"opener\" target=\"_blank\">x</a>",
	     "<a href=\"https://evil.test\"" REL ">x</a>"},
	    {"<a href=\"/p\" rel=\"nofollow\" onmouseover=\"x\">x</a>", "<a href=\"/p\">x</a>"},
	    {"<a href=\"HTTPS://SHOP.TEST/x\">x</a>", "<a href=\"HTTPS://SHOP.TEST/x\">x</a>"},
	    {"<a href=\"https://[::1]:8080/\">x</a>",
	     "<a href=\"https://[::1]:8080/\"" REL ">x</a>"},
	    {"<a href=\"?q=1&amp;b=2\">x</a>", "<a href=\"?q=1&amp;b=2\">x</a>"},
	    {"<a href=\"mailto:a@b.test\">m</a>", "<a href=\"mailto:a@b.test\">m</a>"},
	    {"<img src=\"mailto:a@b.test\">", ""},
	    {"<img src=\"https://ok.test/a.png\" onerror=x>",
	     "<img src=\"https://ok.test/a.png\">"},
	    {"<img src=x onerror=alert(1)>", "<img src=\"x\">"},
	    {"<img src=\"javascript:alert(1)\" alt=\"a\">", ""},
	    {"<img src=\"data:image/png;base64,xx\">", ""},
	    {"<img alt=\"no source\">", ""},
	    {"<img src=\"//cdn.test/i.png\" alt=\"a\" width=\"10\" height=\"20%\" style=\"x\">",
	     "<img src=\"//cdn.test/i.png\" alt=\"a\" width=\"10\">"},
	};

	run_cases(cases, COUNT(cases), false, true);
}

static void test_sanitize_dropped(void)
{
	static const struct html_case cases[] = {
	    {"<div onclick=x style=y>t</div>", "<div>t</div>"},
	    {"<svg><script>alert(1)</script></svg>after", "after"},
	    {"<svg><a xlink:href=\"javascript:alert(1)\">x</a></svg>", ""},
	    {"<iframe srcdoc=\"<script>alert(1)</script>\"></iframe>", ""},
	    {"<math><mtext><script>alert(1)</script></mtext></math>", ""},
	    {"<style>body{background:url(javascript:x)}</style>x", "x"},
	    {"<script>alert(1)</script>", ""},
	    {"<SCRIPT SRC=//evil.test/x.js></SCRIPT>", ""},
	    {"<object data=\"x\"></object><embed src=\"x\"><applet code=x></applet>", ""},
	    {"<form action=\"x\"><input name=a><button formaction=x>b</button></form>ok", "ok"},
	    {"<input type=\"checkbox\" checked> done", " done"},
	    {"<textarea><script>alert(1)</script></textarea>", ""},
	    {"<select><option>x</option></select>", ""},
	    {"<noscript><img src=x onerror=alert(1)></noscript>", ""},
	    {"<div><template><script>x</script></template>t</div>", "<div>t</div>"},
	    {"<base href=\"https://evil.test/\"><link rel=stylesheet href=x>", ""},
	    {"<meta http-equiv=refresh content=\"0;url=javascript:alert(1)\">", ""},
	    {"<title>t</title>x", "x"},
	    {"<frameset><frame src=x></frameset>", ""},
	    {"a<!-- comment -->b<!-- raw HTML omitted -->", "ab"},
	    {"<?php echo 1; ?>x", "x"},
	};

	run_cases(cases, COUNT(cases), false, true);
}

static void test_sanitize_structure(void)
{
	static const struct html_case cases[] = {
	    {"a &lt;&amp;&gt; b", "a &lt;&amp;&gt; b"},
	    {"<p>1 < 2 & 3 > 0</p>", "<p>1 &lt; 2 &amp; 3 &gt; 0</p>"},
	    {"\"quotes\" and 'apostrophes'", "\"quotes\" and 'apostrophes'"},
	    {"<abbr title='\"><script>alert(1)</script>'>x</abbr>",
	     "<abbr title=\"&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;\">x</abbr>"},
	    {"<a title=\"it's\">x</a>", "<a title=\"it&#39;s\">x</a>"},
	    {"<p><b>bold <i>both</p>", "<p><b>bold <i>both</i></b></p>"},
	    {"<ul><li>one<li>two</ul>", "<ul><li>one</li><li>two</li></ul>"},
	    {"<p>unclosed", "<p>unclosed</p>"},
	    {"</p></div>stray</b>", "stray"},
	    {"<custom>kept <blink>text</blink></custom>", "kept text"},
	    {"<font color=red>red</font> <center>c</center>", "red c"},
	    {"line<br>next<br/>end<hr/>", "line<br>next<br>end<hr>"},
	    {"<h1><p>x</p></h1>", "<h1></h1><p>x</p>"},
	    {"<table><tr><td colspan=\"2\" rowspan=\"x\" align=\"center\" style=\"c\">c</td>"
	     "<th align=\"evil\" rowspan=\"3\">h</th></tr></table>",
	     "<table><tr><td colspan=\"2\" align=\"center\">c</td><th rowspan=\"3\">h</th></tr>"
	     "</table>"},
	    {"<ol start=\"3\" type=\"a\"><li>x</li></ol><ol start=\"-1\"></ol><ol "
	     "start=\"1x\"></ol>",
	     "<ol start=\"3\"><li>x</li></ol><ol start=\"-1\"></ol><ol></ol>"},
	    {"<code class=\"language-c++\">c</code><code class=\"evil\">e</code>"
	     "<span class=\"language-x y\">s</span><div class=\"language-\">d</div>",
	     "<code class=\"language-c++\">c</code><code>e</code><span>s</span><div>d</div>"},
	    {"<p class=\"language-c\" id=\"x\" lang=\"en\">p</p>", "<p>p</p>"},
	    {"<figure><img src=\"/a.png\" alt=\"\"><figcaption>f</figcaption></figure>",
	     "<figure><img src=\"/a.png\" alt=\"\"><figcaption>f</figcaption></figure>"},
	    {"<dl><dt>t</dt><dd>d</dd></dl><q>q</q><kbd>k</kbd><mark>m</mark>",
	     "<dl><dt>t</dt><dd>d</dd></dl><q>q</q><kbd>k</kbd><mark>m</mark>"},
	    {"<p>&nbsp;&copy;&#x1F600;</p>", "<p>\xc2\xa0\xc2\xa9\xf0\x9f\x98\x80</p>"},
	    /* libxml2 reads CDATA in HTML as text around a tag */
	    {"<![CDATA[<x>]]>", "&lt;![CDATA[]]&gt;"},
	    {"<meta charset=\"iso-8859-1\">\xc3\xa9", "\xc3\xa9"},
	    {"a\xff"
	     "b\xc3",
	     "a\xef\xbf\xbd"
	     "b\xef\xbf\xbd"},
	    {"<html><head><title>t</title></head><body class=x>in</body></html>", "in"},
	};

	run_cases(cases, COUNT(cases), false, false);
}

static void test_sanitize_empty(void)
{
	char *out = NULL;

	CU_ASSERT_EQUAL(cms_html_sanitize(&test_arena, NULL, SITE, &out), SOUK_OK);
	ASSERT_STR_EQ(out, "");
	ASSERT_STR_EQ(sanitized_for("", SITE), "");
	ASSERT_STR_EQ(sanitized_for("<!-- only a comment -->", SITE), "");
	ASSERT_STR_EQ(sanitized_for("<script>x</script>", NULL), "");
	ASSERT_STR_EQ(sanitized_for("plain", NULL), "plain");
}

/* Nesting far deeper than anything real: no crash, the text survives, and
 * at most 64 kept elements are open at once. */
static void test_sanitize_deep(void)
{
	const char *got;

	got = sanitized_for(repeated("<p>", 10000, "deep"), SITE);
	CU_ASSERT_PTR_NOT_NULL(got);
	CU_ASSERT_EQUAL(occurrences(got, "deep"), 1);
	CU_ASSERT_EQUAL(occurrences(got, "<p>"), 10000); /* a <p> closes the one before */

	got = sanitized_for(repeated("<div>", 10000, "deep"), SITE);
	CU_ASSERT_PTR_NOT_NULL(got);
	CU_ASSERT_EQUAL(occurrences(got, "deep"), 1);
	CU_ASSERT_EQUAL(occurrences(got, "<div>"), 64);
	CU_ASSERT_EQUAL(occurrences(got, "</div>"), 64);

	got = sanitized_for(repeated("<b><i>", 5000, "deep"), SITE);
	CU_ASSERT_EQUAL(occurrences(got, "deep"), 1);
	CU_ASSERT_EQUAL(occurrences(got, "<b>") + occurrences(got, "<i>"), 64);

	got = sanitized_for(repeated("<script>", 10000, "x"), SITE);
	ASSERT_STR_EQ(got, "");

	got = markdown_for(repeated("> ", 10000, "deep"), SITE);
	CU_ASSERT_EQUAL(occurrences(got, "deep"), 1);
	CU_ASSERT_TRUE(occurrences(got, "<blockquote>") <= 64);

	got = markdown_for(repeated("*a ", 10000, "deep"), SITE);
	CU_ASSERT_EQUAL(occurrences(got, "deep"), 1);
}

/* libxml2 reports nothing on stderr, whatever the input. */
static void test_sanitize_is_quiet(void)
{
	static const char *const broken[] = {
	    "<a href='x",
	    "<<<>>>",
	    "</p></div></x>",
	    "<\x01>",
	    "&#0;&#xD800;&#99999999;&bogus;",
	    "<!DOCTYPE x><html><body><head>",
	    "<p <p <p",
	    "<a b=\"c\" b=\"d\">",
	    "<![CDATA[x",
	    "<!--",
	    "\xff\xfe",
	    "<table><td><tr></table></td>",
	};
	FILE *capture = tmpfile();
	int saved = dup(STDERR_FILENO);

	CU_ASSERT_PTR_NOT_NULL_FATAL(capture);
	CU_ASSERT_TRUE_FATAL(saved >= 0);
	fflush(stderr);
	dup2(fileno(capture), STDERR_FILENO);
	for (size_t i = 0; i < COUNT(broken); i++) {
		char *out = NULL;

		CU_ASSERT_EQUAL(cms_html_sanitize(&test_arena, broken[i], SITE, &out), SOUK_OK);
		CU_ASSERT_TRUE(out != NULL && str_is_utf8(out, strlen(out)));
	}
	fflush(stderr);
	dup2(saved, STDERR_FILENO);
	close(saved);
	CU_ASSERT_EQUAL(ftell(capture), 0);
	fclose(capture);
}

/* --- plain text --- */

static void test_markdown_text(void)
{
	static const struct html_case cases[] = {
	    {"# Hi\n\n**bold** text", "Hi bold text"},
	    {"", ""},
	    {"  \n\n  ", ""},
	    {"| a | b |\n|-|-|\n| 1 | 2 |", "a b 1 2"},
	    {"- one\n- two\n\n> quote <b>x</b>", "one two quote x"},
	    {"```\ncode  block\n```\nafter", "code block after"},
	    {"[link](https://x.test) and ![img](i.png) ~~gone~~ `c`", "link and img gone c"},
	    {"a&amp;b &copy; &lt;p&gt;", "a&b \xc2\xa9 <p>"},
	    {"line one\nline two  \nthree", "line one line two three"},
	    {"<script>alert(1)</script>\n\nafter", "after"},
	    {"a\xff"
	     "b",
	     "a\xef\xbf\xbd"
	     "b"},
	};

	for (size_t i = 0; i < COUNT(cases); i++) {
		const char *got = cms_markdown_text(&test_arena, cases[i].in);
		bool same = got != NULL && strcmp(got, cases[i].want) == 0;

		CU_ASSERT_TRUE(same);
		if (!same)
			fprintf(stderr, "\n  text case %zu: got \"%s\"\n", i, got ? got : "(null)");
	}
	ASSERT_STR_EQ(cms_markdown_text(&test_arena, NULL), "");
}

static void test_word_count_and_reading(void)
{
	CU_ASSERT_EQUAL(cms_word_count(NULL), 0);
	CU_ASSERT_EQUAL(cms_word_count(""), 0);
	CU_ASSERT_EQUAL(cms_word_count(" \t\n "), 0);
	CU_ASSERT_EQUAL(cms_word_count("one"), 1);
	CU_ASSERT_EQUAL(cms_word_count(" one  two\tthree\nfour "), 4);
	CU_ASSERT_EQUAL(cms_word_count("a-b c.d, e"), 3);
	CU_ASSERT_EQUAL(cms_word_count("\xe0\xa4\xa8\xe0\xa4\xae \xe0\xa4\xb8 \xf0\x9f\x98\x80"),
			3);
	CU_ASSERT_EQUAL(cms_word_count(cms_markdown_text(&test_arena, "# Hi\n\n**bold** text")), 3);

	CU_ASSERT_EQUAL(cms_reading_minutes(0), 1);
	CU_ASSERT_EQUAL(cms_reading_minutes(1), 1);
	CU_ASSERT_EQUAL(cms_reading_minutes(200), 1);
	CU_ASSERT_EQUAL(cms_reading_minutes(201), 2);
	CU_ASSERT_EQUAL(cms_reading_minutes(400), 2);
	CU_ASSERT_EQUAL(cms_reading_minutes(401), 3);
	CU_ASSERT_EQUAL(cms_reading_minutes(SIZE_MAX), INT_MAX);
}

struct cut_case {
	const char *in;
	size_t max;
	const char *want;
};

#define ELLIPSIS "\xe2\x80\xa6"
#define NAMASTE "\xe0\xa4\xa8\xe0\xa4\xae\xe0\xa4\xb8\xe0\xa5\x8d\xe0\xa4\xa4\xe0\xa5\x87"
#define DUNIYA "\xe0\xa4\xa6\xe0\xa5\x81\xe0\xa4\xa8\xe0\xa4\xbf\xe0\xa4\xaf\xe0\xa4\xbe"
#define SMILE "\xf0\x9f\x98\x80"

static void test_cut_words(void)
{
	static const struct cut_case cases[] = {
	    {"short", 60, "short"},
	    {"", 10, ""},
	    {"hello world", 11, "hello world"},
	    {"hello world", 10, "hello" ELLIPSIS},
	    {"hello world", 6, "hello" ELLIPSIS},
	    {"hello world", 5, "hell" ELLIPSIS},
	    {"one two three", 12, "one two" ELLIPSIS},
	    {"one two, three", 10, "one two," ELLIPSIS},
	    {"supercalifragilistic", 8, "superca" ELLIPSIS},
	    {"   leading", 5, "   l" ELLIPSIS},
	    {"a b", 1, ELLIPSIS},
	    {"a b", 0, ""},
	    /* 6 code points each: the vowel signs and the virama count */
	    {NAMASTE " " DUNIYA, 13, NAMASTE " " DUNIYA},
	    {NAMASTE " " DUNIYA, 12, NAMASTE ELLIPSIS},
	    {NAMASTE " " DUNIYA, 5, "\xe0\xa4\xa8\xe0\xa4\xae\xe0\xa4\xb8\xe0\xa5\x8d" ELLIPSIS},
	    {SMILE SMILE SMILE SMILE " ok", 3, SMILE SMILE ELLIPSIS},
	    {SMILE " " SMILE SMILE, 3, SMILE ELLIPSIS},
	    {"Handwoven Banarasi silk saree with zari border in deep maroon and antique gold", 60,
	     "Handwoven Banarasi silk saree with zari border in deep" ELLIPSIS},
	    {"Our handwoven Banarasi silk sarees are made by weavers in Varanasi on pit looms, "
	     "with real zari and natural dyes; each one takes three to six weeks to finish, and "
	     "ships free across India.",
	     160,
	     "Our handwoven Banarasi silk sarees are made by weavers in Varanasi on pit looms, "
	     "with real zari and natural dyes; each one takes three to six weeks to "
	     "finish," ELLIPSIS},
	};

	for (size_t i = 0; i < COUNT(cases); i++) {
		char *got = cms_cut_words(&test_arena, cases[i].in, cases[i].max);
		bool same = got != NULL && strcmp(got, cases[i].want) == 0;

		CU_ASSERT_TRUE(same);
		if (!same)
			fprintf(stderr, "\n  cut case %zu: got \"%s\"\n", i, got ? got : "(null)");
		CU_ASSERT_TRUE(got != cases[i].in); /* always a copy */
	}
	ASSERT_STR_EQ(cms_cut_words(&test_arena, NULL, 10), "");
}

/* For every max, the cut is valid UTF-8, at most max characters, and a
 * prefix of the text (before the ellipsis). */
static void test_cut_words_never_splits(void)
{
	static const char *const texts[] = {
	    NAMASTE " " DUNIYA " " NAMASTE,
	    SMILE SMILE " " SMILE "x" SMILE " " SMILE SMILE SMILE,
	    "mixed \xc3\xa9t\xc3\xa9 " NAMASTE SMILE " words here",
	};
	int failures = 0;

	for (size_t t = 0; t < COUNT(texts); t++) {
		for (size_t max = 0; max <= utf8_length(texts[t]) + 1; max++) {
			char *got = cms_cut_words(&test_arena, texts[t], max);
			size_t len = strlen(got), keep = len;

			if (len >= 3 && strcmp(got + len - 3, ELLIPSIS) == 0)
				keep = len - 3;
			failures += !str_is_utf8(got, len) || utf8_length(got) > max ||
				    strncmp(got, texts[t], keep) != 0;
		}
	}
	CU_ASSERT_EQUAL(failures, 0);
}

int suite_cms_html(void)
{
	static const struct unit_test tests[] = {
	    {"markdown blocks, code classes, escaping", test_markdown_blocks},
	    {"markdown GFM tables with alignment", test_markdown_table},
	    {"markdown links: outside get rel, own and relative do not", test_markdown_links},
	    {"markdown XSS vectors come out inert", test_markdown_xss},
	    {"markdown empty, NULL and invalid UTF-8", test_markdown_empty_and_invalid},
	    {"markdown outside links follow site_url", test_markdown_site_url},
	    {"sanitize URLs: schemes, hosts, rel", test_sanitize_urls},
	    {"sanitize drops dangerous elements with content", test_sanitize_dropped},
	    {"sanitize structure, attributes, escaping", test_sanitize_structure},
	    {"sanitize empty and NULL input", test_sanitize_empty},
	    {"sanitize deep nesting", test_sanitize_deep},
	    {"sanitize prints nothing on stderr", test_sanitize_is_quiet},
	    {"markdown plain text", test_markdown_text},
	    {"word count and reading minutes", test_word_count_and_reading},
	    {"cut words at a boundary", test_cut_words},
	    {"cut words never splits UTF-8", test_cut_words_never_splits},
	    {NULL, NULL},
	};

	return tests_register("cms_html", cms_html_suite_init, cms_html_suite_cleanup, tests);
}
