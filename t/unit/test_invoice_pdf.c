/* test_invoice_pdf.c - the invoice and credit note PDFs (src/commerce/invoice_pdf.c):
 * what is refused, what renders (hostile strings, many pages, with and without
 * the TrueType font), and, when poppler's pdftotext is installed, what the
 * pages say. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "souk/arena.h"
#include "souk/commerce.h"
#include "souk/err.h"
#include "tests.h"

#define DEJAVU "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
#define PDFTOTEXT "/usr/bin/pdftotext"

static const char *const fonts[] = {DEJAVU, NULL};

/* Rs 999 and Rs 500 at 18 % within Karnataka: 9 % CGST + 9 % SGST each. */
static const struct invoice_doc_line intra_lines[] = {
    {"Souk Pro, annual licence", 99900, 1800, 8991, 8991, 0},
    {"Field guide to GST (e-book)", 50000, 1800, 4500, 4500, 0},
};

static struct invoice_doc intra_doc(const char *font)
{
	struct invoice_doc d = {
	    .number = "SK2627-000123",
	    .date = "07 Dec 2026",
	    .order_id = "ord_7Hq2Lx",
	    .seller_name = "Souk Digital Private Limited",
	    .seller_address = "12 MG Road\nBengaluru 560001\nKarnataka",
	    .seller_gstin = "29ABCDE1234F1Z5",
	    .seller_state = "Karnataka (29)",
	    .buyer_name = "Asha Rao",
	    .buyer_email = "asha@example.com",
	    .buyer_gstin = "29AAACR5055K1Z9",
	    .buyer_state = "Karnataka (29)",
	    .place_of_supply = "Karnataka (29)",
	    .sac = "998439",
	    .currency = "INR",
	    .lines = intra_lines,
	    .nlines = 2,
	    .taxable_paise = 149900,
	    .cgst_paise = 13491,
	    .sgst_paise = 13491,
	    .total_paise = 176882,
	    .font_path = font,
	};
	return d;
}

/* Renders d, asserting SOUK_OK and the shape of a PDF file; NULL when it
 * did not render. */
static const unsigned char *render_ok(struct arena *a, const struct invoice_doc *d, size_t *len)
{
	unsigned char *pdf = NULL;
	size_t n = 0;
	int rc = invoice_pdf_render(a, d, &pdf, &n);

	CU_ASSERT_EQUAL(rc, SOUK_OK);
	if (rc != SOUK_OK || pdf == NULL || n < 16) {
		CU_FAIL("no PDF");
		return NULL;
	}
	CU_ASSERT(memcmp(pdf, "%PDF-", 5) == 0);
	/* ends in %%EOF, perhaps with a line break after it */
	while (n > 0 && (pdf[n - 1] == '\n' || pdf[n - 1] == '\r'))
		n--;
	CU_ASSERT(n >= 5 && memcmp(pdf + n - 5, "%%EOF", 5) == 0);
	*len = n;
	return pdf;
}

/* Occurrences of needle in len bytes at hay. */
static size_t count_bytes(const unsigned char *hay, size_t len, const char *needle)
{
	size_t n = strlen(needle), count = 0;

	for (size_t i = 0; i + n <= len; i++)
		if (memcmp(hay + i, needle, n) == 0)
			count++;
	return count;
}

/* Page objects: "/Type /Page" not followed by "s" (the page tree). */
static size_t count_pages(const unsigned char *pdf, size_t len)
{
	return count_bytes(pdf, len, "/Type /Page") - count_bytes(pdf, len, "/Type /Pages");
}

static size_t count_str(const char *hay, const char *needle)
{
	size_t count = 0;

	for (const char *s = strstr(hay, needle); s != NULL; s = strstr(s + 1, needle))
		count++;
	return count;
}

static bool have_pdftotext(void)
{
	return access(PDFTOTEXT, X_OK) == 0;
}

/* What pdftotext reads in pdf, every run of white space one space
 * (malloc'd), or NULL when it failed. */
static char *pdf_to_text(const unsigned char *pdf, size_t len)
{
	char path[] = "/tmp/souk-invoice-pdf-XXXXXX", cmd[128];
	int fd = mkstemp(path);
	char *text = NULL;
	size_t size = 0, used = 0;
	FILE *f;

	if (fd < 0)
		return NULL;
	if (write(fd, pdf, len) != (ssize_t)len) {
		close(fd);
		unlink(path);
		return NULL;
	}
	close(fd);
	snprintf(cmd, sizeof(cmd), PDFTOTEXT " -q -enc UTF-8 %s - 2>/dev/null", path);
	f = popen(cmd, "r");
	if (f != NULL) {
		char buf[4096];
		size_t n;

		while ((n = fread(buf, 1, sizeof(buf), f)) > 0) {
			if (used + n + 1 > size) {
				size = (used + n + 1) * 2;
				text = realloc(text, size);
				if (text == NULL)
					abort();
			}
			memcpy(text + used, buf, n);
			used += n;
		}
		if (pclose(f) != 0) {
			free(text);
			text = NULL;
		}
	}
	unlink(path);
	if (text == NULL)
		return NULL;
	text[used] = '\0';
	/* one space for every run of spaces, line and page breaks */
	size_t o = 0;
	bool space = false;
	for (size_t i = 0; i < used; i++) {
		if (text[i] == ' ' || text[i] == '\n' || text[i] == '\f' || text[i] == '\t') {
			space = true;
			continue;
		}
		if (space && o > 0)
			text[o++] = ' ';
		space = false;
		text[o++] = text[i];
	}
	text[o] = '\0';
	return text;
}

/* The text of d rendered, or NULL (and CU_PASS) when pdftotext is missing. */
static char *render_text(struct arena *a, const struct invoice_doc *d)
{
	const unsigned char *pdf;
	size_t len;
	char *text;

	pdf = render_ok(a, d, &len);
	if (pdf == NULL)
		return NULL;
	if (!have_pdftotext()) {
		CU_PASS("pdftotext is not installed (poppler-utils): the text is not checked");
		return NULL;
	}
	text = pdf_to_text(pdf, len);
	CU_ASSERT_PTR_NOT_NULL(text);
	return text;
}

static void test_pdf_shape(void)
{
	for (size_t f = 0; f < sizeof(fonts) / sizeof(fonts[0]); f++) {
		struct arena a;
		struct invoice_doc d = intra_doc(fonts[f]);
		const unsigned char *pdf;
		size_t len;

		arena_init(&a, 4096);
		pdf = render_ok(&a, &d, &len);
		if (pdf != NULL) {
			CU_ASSERT_EQUAL(count_pages(pdf, len), 1);
			/* the document information is not compressed */
			CU_ASSERT(count_bytes(pdf, len, "/Title (SK2627-000123)") == 1);
			CU_ASSERT(count_bytes(pdf, len, "/Creator (Souk)") == 1);
			/* the TrueType font is embedded; without one, Helvetica */
			CU_ASSERT_EQUAL(count_bytes(pdf, len, "/FontFile2") > 0, fonts[f] != NULL);
			CU_ASSERT_EQUAL(count_bytes(pdf, len, "/BaseFont /Helvetica") > 0,
					fonts[f] == NULL);
		}
		/* no dates or random ids: the same document gives the same bytes */
		if (pdf != NULL) {
			const unsigned char *again;
			size_t again_len;

			again = render_ok(&a, &d, &again_len);
			CU_ASSERT(again != NULL && again_len == len &&
				  memcmp(again, pdf, len) == 0);
		}
		arena_destroy(&a);
	}
}

static void test_intra_state_text(void)
{
	char words[256];

	CU_ASSERT_EQUAL(amount_in_words(176882, words, sizeof(words)), SOUK_OK);
	for (size_t f = 0; f < sizeof(fonts) / sizeof(fonts[0]); f++) {
		struct arena a;
		struct invoice_doc d = intra_doc(fonts[f]);
		char *text;

		arena_init(&a, 4096);
		text = render_text(&a, &d);
		if (text != NULL) {
			ASSERT_STR_CONTAINS(text, "Tax Invoice");
			ASSERT_STR_CONTAINS(text, "SK2627-000123");
			ASSERT_STR_CONTAINS(text, "07 Dec 2026");
			ASSERT_STR_CONTAINS(text, "ord_7Hq2Lx");
			ASSERT_STR_CONTAINS(text, "Souk Digital Private Limited");
			ASSERT_STR_CONTAINS(text, "Bengaluru 560001");
			ASSERT_STR_CONTAINS(text, "29ABCDE1234F1Z5");
			ASSERT_STR_CONTAINS(text, "29AAACR5055K1Z9");
			ASSERT_STR_CONTAINS(text, "asha@example.com");
			ASSERT_STR_CONTAINS(text, "Place of supply: Karnataka (29)");
			ASSERT_STR_CONTAINS(text, "998439");
			ASSERT_STR_CONTAINS(text, "CGST");
			ASSERT_STR_CONTAINS(text, "SGST");
			ASSERT_STR_CONTAINS(text, "9%");
			ASSERT_STR_NOT_CONTAINS(text, "18%");
			ASSERT_STR_NOT_CONTAINS(text, "IGST");
			ASSERT_STR_CONTAINS(text, "89.91");
			ASSERT_STR_CONTAINS(text, "Rs 1,499.00");
			ASSERT_STR_CONTAINS(text, "Rs 134.91");
			ASSERT_STR_CONTAINS(text, "Rs 1,768.82");
			ASSERT_STR_CONTAINS(text, words);
			ASSERT_STR_CONTAINS(text, "reverse charge: No");
			ASSERT_STR_CONTAINS(text, "This is a computer-generated document.");
			ASSERT_STR_CONTAINS(text, "Page 1 of 1");
		}
		free(text);
		arena_destroy(&a);
	}
}

static void test_rates_exact(void)
{
	/* 12.5 %: 6.25 % + 6.25 % within the state, 12.5 % IGST to another */
	struct invoice_doc_line intra[] = {{"Twelve and a half", 10000, 1250, 625, 625, 0}};
	struct invoice_doc_line inter[] = {{"Twelve and a half", 10000, 1250, 0, 0, 1250}};
	struct arena a;
	struct invoice_doc d;
	char *text;

	arena_init(&a, 4096);
	d = intra_doc(NULL);
	d.lines = intra;
	d.nlines = 1;
	d.taxable_paise = 10000;
	d.cgst_paise = d.sgst_paise = 625;
	d.total_paise = 11250;
	text = render_text(&a, &d);
	if (text != NULL) {
		ASSERT_STR_CONTAINS(text, "6.25%");
		ASSERT_STR_NOT_CONTAINS(text, "12.5%");
	}
	free(text);

	d.lines = inter;
	d.cgst_paise = d.sgst_paise = 0;
	d.igst_paise = 1250;
	d.buyer_state = "Maharashtra (27)";
	d.place_of_supply = "Maharashtra (27)";
	text = render_text(&a, &d);
	if (text != NULL) {
		ASSERT_STR_CONTAINS(text, "IGST");
		ASSERT_STR_CONTAINS(text, "12.5%");
		ASSERT_STR_CONTAINS(text, "Rs 12.50");
		ASSERT_STR_NOT_CONTAINS(text, "CGST");
		ASSERT_STR_NOT_CONTAINS(text, "SGST");
	}
	free(text);
	arena_destroy(&a);
}

static void test_export(void)
{
	/* Indian grouping on a large figure: Rs 12,34,56,789.01 */
	struct invoice_doc_line lines[] = {{"Enterprise licence", 12345678901LL, 1800, 0, 0, 0}};

	for (size_t f = 0; f < sizeof(fonts) / sizeof(fonts[0]); f++) {
		struct arena a;
		struct invoice_doc d = intra_doc(fonts[f]);
		char *text;

		arena_init(&a, 4096);
		d.export_supply = true;
		d.buyer_gstin = "";
		d.buyer_state = "";
		d.place_of_supply = "Outside India (US)";
		d.lines = lines;
		d.nlines = 1;
		d.taxable_paise = d.total_paise = 12345678901LL;
		d.cgst_paise = d.sgst_paise = d.igst_paise = 0;
		text = render_text(&a, &d);
		if (text != NULL) {
			ASSERT_STR_CONTAINS(text, "Export of services: supply meant for export "
						  "without payment of integrated tax (no GST "
						  "charged)");
			ASSERT_STR_CONTAINS(text, "Outside India (US)");
			ASSERT_STR_CONTAINS(text, "12,34,56,789.01");
			ASSERT_STR_CONTAINS(text, "Rs 12,34,56,789.01");
			ASSERT_STR_NOT_CONTAINS(text, "CGST");
			ASSERT_STR_NOT_CONTAINS(text, "IGST");
			ASSERT_STR_NOT_CONTAINS(text, "reverse charge");
		}
		free(text);
		arena_destroy(&a);
	}
}

static void test_credit_note(void)
{
	struct invoice_doc_line lines[] = {
	    {"Souk Pro, annual licence", 99900, 1800, 8991, 8991, 0}};
	struct arena a;
	struct invoice_doc d = intra_doc(DEJAVU);
	char *text;

	arena_init(&a, 4096);
	d.credit_note = true;
	d.number = "CN2627-000001";
	d.date = "09 Dec 2026";
	d.against_number = "SK2627-000123";
	d.against_date = "07 Dec 2026";
	d.reason = "Refund: bought twice by mistake";
	d.lines = lines;
	d.nlines = 1;
	d.taxable_paise = 99900;
	d.cgst_paise = d.sgst_paise = 8991;
	d.total_paise = 117882;
	text = render_text(&a, &d);
	if (text != NULL) {
		ASSERT_STR_CONTAINS(text, "Credit Note");
		ASSERT_STR_NOT_CONTAINS(text, "Tax Invoice");
		ASSERT_STR_CONTAINS(text, "CN2627-000001");
		ASSERT_STR_CONTAINS(text, "against invoice SK2627-000123 dated 07 Dec 2026");
		ASSERT_STR_CONTAINS(text, "Reason: Refund: bought twice by mistake");
		ASSERT_STR_CONTAINS(text, "Rs 1,178.82");
	}
	free(text);

	/* a credit note of part of the total may have no lines */
	d.lines = NULL;
	d.nlines = 0;
	d.reason = "";
	text = render_text(&a, &d);
	if (text != NULL) {
		ASSERT_STR_CONTAINS(text, "Rs 1,178.82");
		ASSERT_STR_NOT_CONTAINS(text, "Description");
		ASSERT_STR_NOT_CONTAINS(text, "Reason");
	}
	free(text);
	arena_destroy(&a);
}

/* Spoils a good document the i-th way (false: there are no more ways);
 * each is one thing SOUK_EINVALID is for. */
static bool spoil(struct invoice_doc *d, int i)
{
	static const struct invoice_doc_line many[150];
	static const struct invoice_doc_line mixed[] = {{"a", 100, 1800, 9, 9, 0},
							{"b", 100, 1800, 0, 0, 18}};
	static const struct invoice_doc_line both[] = {{"a", 100, 1800, 9, 9, 18}};
	static const struct invoice_doc_line negative[] = {{"a", -100, 1800, 0, 0, 0}};
	static const struct invoice_doc_line bad_rate[] = {{"a", 100, 10001, 0, 0, 0}};

	switch (i) {
	case 0:
		d->number = NULL;
		break;
	case 1:
		d->number = "";
		break;
	case 2:
		d->number = "SK2627-0000000123"; /* 17 characters: rule 46 allows 16 */
		break;
	case 3:
		d->total_paise += 1; /* totals that do not add up */
		break;
	case 4:
		d->taxable_paise -= 1;
		break;
	case 5:
		d->igst_paise = 100; /* IGST and CGST/SGST */
		d->total_paise += 100;
		break;
	case 6:
		d->lines = NULL; /* with nlines 2 */
		break;
	case 7:
		d->lines = many;
		d->nlines = COMMERCE_MAX_LINES + 1;
		break;
	case 8:
		d->lines = many;
		d->nlines = 150;
		break;
	case 9:
		d->lines = mixed; /* one line CGST, another IGST */
		break;
	case 10:
		d->lines = both;
		d->nlines = 1;
		break;
	case 11:
		d->lines = negative;
		d->nlines = 1;
		break;
	case 12:
		d->lines = bad_rate;
		d->nlines = 1;
		break;
	case 13:
		d->export_supply = true; /* an export charges no GST */
		break;
	case 14:
		d->credit_note = true; /* against no invoice */
		d->against_number = "";
		break;
	case 15:
		d->currency = "USD";
		break;
	case 16:
		d->taxable_paise = -1;
		d->total_paise = d->cgst_paise + d->sgst_paise - 1;
		break;
	case 17:
		d->nlines = 0;
		d->cgst_paise = d->sgst_paise = 0;
		d->taxable_paise = d->total_paise = COMMERCE_MAX_PAISE + 1;
		break;
	default:
		return false;
	}
	return true;
}

static void test_refuses(void)
{
	const struct invoice_doc good = intra_doc(NULL);
	unsigned char *pdf = NULL;
	size_t len = 0;
	struct arena a;
	int i;

	arena_init(&a, 4096);
	CU_ASSERT_EQUAL(invoice_pdf_render(&a, NULL, &pdf, &len), SOUK_EINVALID);
	CU_ASSERT_EQUAL(invoice_pdf_render(NULL, &good, &pdf, &len), SOUK_EINVALID);
	CU_ASSERT_EQUAL(invoice_pdf_render(&a, &good, NULL, &len), SOUK_EINVALID);
	CU_ASSERT_EQUAL(invoice_pdf_render(&a, &good, &pdf, NULL), SOUK_EINVALID);
	for (i = 0;; i++) {
		struct invoice_doc d = good;
		int rc;

		if (!spoil(&d, i))
			break;
		rc = invoice_pdf_render(&a, &d, &pdf, &len);
		CU_ASSERT_EQUAL(rc, SOUK_EINVALID);
		if (rc != SOUK_EINVALID)
			fprintf(stderr, "spoil(%d): %d, not SOUK_EINVALID\n", i, rc);
	}
	CU_ASSERT_EQUAL(i, 18);
	CU_ASSERT_PTR_NULL(pdf); /* out-params untouched on failure */
	CU_ASSERT_EQUAL(len, 0);
	arena_destroy(&a);
}

/* A string of n bytes: pattern repeated (malloc'd). */
static char *repeat(const char *pattern, size_t n)
{
	size_t plen = strlen(pattern);
	char *s = malloc(n + 1);

	if (s == NULL)
		abort();
	for (size_t i = 0; i < n; i++)
		s[i] = pattern[i % plen];
	s[n] = '\0';
	return s;
}

static void test_hostile_strings(void)
{
	char *long_title = repeat("Wholesale ", 10240);
	char *no_spaces = repeat("W", 10240);
	char *many_lines = repeat("line\n", 5000);
	char *long_name = repeat("\xd0\x90\xd1\x88\xd0\xb0 ", 4000); /* Cyrillic */
	struct invoice_doc_line lines[] = {
	    {long_title, 100, 1800, 9, 9, 0},
	    {no_spaces, 100, 1800, 9, 9, 0},
	    {"Ren\xc3\xa9\xe2\x80\x99s caf\xc3\xa9 \xe2\x82\xb9 \xe0\xa4\xa8\xe0\xa4\xae", 100,
	     1800, 9, 9, 0},
	    /* bad bytes: stray, cut short, overlong, surrogate, above U+10FFFF, emoji */
	    {"x\xff\xfe y\xe2\x82 z\xc0\xaf \xed\xa0\x80 \xf4\x90\x80\x80 \xf0\x9f\x98\x80 end\xc3",
	     100, 1800, 9, 9, 0},
	    {"\n\n\t\r\x01\x7f", 100, 1800, 9, 9, 0},
	    {"", 100, 1800, 9, 9, 0},
	    {NULL, 100, 1800, 9, 9, 0},
	    {"(parentheses) \\backslash\\ %percent <angle> [bracket]", 100, 1800, 9, 9, 0},
	};
	size_t nlines = sizeof(lines) / sizeof(lines[0]);

	for (size_t f = 0; f < sizeof(fonts) / sizeof(fonts[0]); f++) {
		struct arena a;
		struct invoice_doc d = intra_doc(fonts[f]);
		const unsigned char *pdf;
		size_t len;

		arena_init(&a, 4096);
		d.lines = lines;
		d.nlines = nlines;
		d.taxable_paise = 100 * (int64_t)nlines;
		d.cgst_paise = d.sgst_paise = 9 * (int64_t)nlines;
		d.total_paise = d.taxable_paise + d.cgst_paise + d.sgst_paise;
		d.seller_name = long_name;
		d.seller_address = many_lines;
		d.buyer_name = no_spaces;
		d.buyer_email = long_title;
		d.buyer_gstin = "\xff\xff\xff";
		d.place_of_supply = long_title;
		d.sac = no_spaces;
		d.order_id = "ord_\x01\x02\n(";
		pdf = render_ok(&a, &d, &len);
		if (pdf != NULL && have_pdftotext()) {
			char *text = pdf_to_text(pdf, len);

			CU_ASSERT_PTR_NOT_NULL(text);
			if (text != NULL) {
				ASSERT_STR_CONTAINS(text, "Wholesale Wholesale");
				ASSERT_STR_CONTAINS(text, "..."); /* cut, not overflowing */
				ASSERT_STR_CONTAINS(text, "(parentheses) \\backslash\\");
				ASSERT_STR_CONTAINS(text, "Page 1 of 1");
				ASSERT_STR_CONTAINS(text, "x?? y?? z??");
				if (fonts[f] != NULL) {
					ASSERT_STR_CONTAINS(text, "\xd0\x90\xd1\x88\xd0\xb0");
					ASSERT_STR_CONTAINS(text, "Ren\xc3\xa9\xe2\x80\x99s");
					ASSERT_STR_CONTAINS(text, "\xe2\x82\xb9");
				} else {
					/* Latin-1 and code page 1252 stay, the rest is '?' */
					ASSERT_STR_CONTAINS(
					    text, "Ren\xc3\xa9\xe2\x80\x99s caf\xc3\xa9 ? ??");
					ASSERT_STR_CONTAINS(text, "??? ???");
				}
				/* six address rows at most */
				CU_ASSERT(count_str(text, "line") <= 6);
			}
			free(text);
		}
		arena_destroy(&a);
	}
	free(long_title);
	free(no_spaces);
	free(many_lines);
	free(long_name);
}

static void test_font_fallback(void)
{
	char junk[] = "/tmp/souk-not-a-font-XXXXXX";
	int fd = mkstemp(junk);
	const char *paths[] = {"/nonexistent/font.ttf", junk, "/etc"};

	CU_ASSERT(fd >= 0);
	if (fd >= 0) {
		CU_ASSERT(write(fd, "true\0\1\0\0 not a font at all", 26) == 26);
		close(fd);
	}
	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		struct arena a;
		struct invoice_doc d = intra_doc(paths[i]);
		const unsigned char *pdf;
		size_t len;

		arena_init(&a, 4096);
		pdf = render_ok(&a, &d, &len);
		if (pdf != NULL) {
			CU_ASSERT(count_bytes(pdf, len, "/BaseFont /Helvetica") > 0);
			CU_ASSERT(count_bytes(pdf, len, "/FontFile2") == 0);
		}
		arena_destroy(&a);
	}
	if (fd >= 0)
		unlink(junk);
}

static void test_many_pages(void)
{
	static struct invoice_doc_line lines[COMMERCE_MAX_LINES];
	static char titles[COMMERCE_MAX_LINES][96];

	for (size_t i = 0; i < COMMERCE_MAX_LINES; i++) {
		/* every seventh title long enough to wrap */
		snprintf(titles[i], sizeof(titles[i]), "Product %03zu%s", i + 1,
			 i % 7 == 0 ? " with a title long enough to wrap onto a second row" : "");
		lines[i] = (struct invoice_doc_line){titles[i], 10000, 1800, 900, 900, 0};
	}
	for (size_t f = 0; f < sizeof(fonts) / sizeof(fonts[0]); f++) {
		struct arena a;
		struct invoice_doc d = intra_doc(fonts[f]);
		const unsigned char *pdf;
		size_t len, pages = 0;

		arena_init(&a, 4096);
		d.lines = lines;
		d.nlines = COMMERCE_MAX_LINES;
		d.taxable_paise = 10000 * COMMERCE_MAX_LINES;
		d.cgst_paise = d.sgst_paise = 900 * COMMERCE_MAX_LINES;
		d.total_paise = 11800 * COMMERCE_MAX_LINES;
		pdf = render_ok(&a, &d, &len);
		if (pdf != NULL) {
			pages = count_pages(pdf, len);
			CU_ASSERT(pages >= 3);
		}
		if (pdf != NULL && have_pdftotext()) {
			char *text = pdf_to_text(pdf, len);
			char last[32];

			CU_ASSERT_PTR_NOT_NULL(text);
			if (text != NULL) {
				/* the heading on every page of lines, the continued number */
				CU_ASSERT(count_str(text, "Description") >= pages - 1);
				CU_ASSERT(count_str(text, "SK2627-000123 (continued)") ==
					  pages - 1);
				ASSERT_STR_CONTAINS(text, "Product 001");
				ASSERT_STR_CONTAINS(text, "Product 100");
				ASSERT_STR_CONTAINS(text, "Rs 11,800.00");
				snprintf(last, sizeof(last), "Page %zu of %zu", pages, pages);
				ASSERT_STR_CONTAINS(text, last);
				CU_ASSERT(
				    count_str(text, "This is a computer-generated document.") ==
				    pages);
			}
			free(text);
		}
		arena_destroy(&a);
	}
}

int suite_invoice_pdf(void)
{
	static const struct unit_test tests[] = {
	    {"an invoice is a PDF", test_pdf_shape},
	    {"an intra-state invoice's text", test_intra_state_text},
	    {"rates print exactly", test_rates_exact},
	    {"an export says so", test_export},
	    {"a credit note", test_credit_note},
	    {"invalid documents are refused", test_refuses},
	    {"hostile strings render", test_hostile_strings},
	    {"a font that cannot be loaded falls back to Helvetica", test_font_fallback},
	    {"long invoices continue on more pages", test_many_pages},
	    {NULL, NULL},
	};

	return tests_register("invoice_pdf", NULL, NULL, tests);
}
