/*
 * invoice_pdf.c - the PDF of a tax invoice or a credit note (CGST rules 46
 * and 53), drawn with libharu; see include/souk/commerce.h.
 *
 * The layout, A4 portrait, in points from the bottom left corner:
 *   - the title ("Tax Invoice" / "Credit Note", a credit note's "against
 *     invoice ... dated ..." under it), then two columns: the supplier on
 *     the left, the document's number, date, order reference (and a credit
 *     note's reason) on the right; under them the recipient on the left, the
 *     place of supply and reverse charge on the right;
 *   - an export's statement that no GST is charged;
 *   - the table of lines: #, description (wrapped, at most TITLE_MAX_ROWS
 *     rows, "..." when cut), SAC, taxable value, then CGST and SGST rate and
 *     amount (intra-state) or IGST rate and amount (inter-state), or no tax
 *     columns at all (export). Amounts in the table are plain figures under
 *     "(Rs)" headings, so that they fit narrow columns (a figure too wide for
 *     its column is set smaller); the totals carry "Rs";
 *   - the totals, right-aligned, and the total in words;
 *   - on every page a footer: "This is a computer-generated document." and
 *     "Page i of n". A line that does not fit starts a new page, which
 *     repeats the document's number and the table's heading.
 *
 * Text: with a TrueType font, libharu's UTF-8 encoder (it writes UCS-2
 * glyph codes: characters beyond the Basic Multilingual Plane are shown as
 * '?'); without one, Helvetica in WinAnsiEncoding (Latin-1, plus the few
 * extra characters of code page 1252; the rest as '?'). Every string is
 * decoded strictly first, so libharu never sees malformed UTF-8 (its own
 * decoder would swallow the bytes after a bad one).
 *
 * Errors: libharu calls pdf_error(), which records the first error and
 * returns (no longjmp); every helper stops drawing once one is recorded,
 * and the render gives SOUK_EINTERNAL after HPDF_Free().
 */
#include <hpdf.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "souk/arena.h"
#include "souk/commerce.h"
#include "souk/err.h"
#include "souk/str.h"

#define PAGE_WIDTH 595.276f /* A4 */
#define PAGE_HEIGHT 841.89f
#define MARGIN 40.0f
#define CONTENT_WIDTH (PAGE_WIDTH - 2 * MARGIN)
#define CONTENT_TOP (PAGE_HEIGHT - MARGIN)
#define CONTENT_BOTTOM 64.0f /* the lowest a row may reach: the footer is below */
#define FOOTER_BASELINE 30.0f
#define COLUMN_GAP 20.0f /* between the two columns of the header */
#define LEADING 1.3f	 /* a row's pitch, times the font size */
#define CELL_PAD 3.0f	 /* inside a table cell, every side */

#define SIZE_TITLE 18.0f
#define SIZE_SUBTITLE 10.0f
#define SIZE_NAME 11.0f
#define SIZE_TEXT 9.0f
#define SIZE_LABEL 8.0f
#define SIZE_TABLE 8.0f
#define SIZE_TOTAL 10.0f
#define GRAY_LABEL 0.4f
#define GRAY_RULE 0.6f
#define GRAY_SHADE 0.9f

#define TITLE_MAX_ROWS 3   /* of a line's description */
#define HEADING_MAX_ROWS 2 /* of a column's heading */
#define ADDRESS_MAX_ROWS 6
#define NAME_MAX_ROWS 2
#define REASON_MAX_ROWS 3
#define WORDS_MAX_ROWS 3
#define ROWS_MAX 6	      /* the largest of the above */
#define TABLE_MIN_SPACE 60.0f /* for the table's heading and a row under it */

/* 100 lines of 3 rows each take 6 pages after the first; with the totals on
 * a page of their own that is 8, so this is never reached. */
#define PDF_MAX_PAGES 32
#define COLUMNS_MAX 8
#define ELLIPSIS "..."
#define PERCENT_MAX 32
#define WORDS_MAX 1024 /* amount_in_words() of COMMERCE_MAX_PAISE is about 150 */

/* Private to this file: the TrueType font could not be used, draw again
 * with Helvetica. */
#define RENDER_FONT_FAILED 1

static const char EXPORT_STATEMENT[] = "Export of services: supply meant for export without "
				       "payment of integrated tax (no GST charged)";
static const char FOOTER[] = "This is a computer-generated document.";

/* A column of the table of lines; width 0: what the others leave. */
struct column {
	const char *heading;
	float width;
	bool right; /* right-aligned (figures) */
};

/* The columns every table starts with, in this order; the tax columns
 * (rate, amount, and again for SGST) follow from COLUMN_TAX. */
enum column_kind { COLUMN_INDEX, COLUMN_TITLE, COLUMN_SAC, COLUMN_TAXABLE, COLUMN_TAX };

static const struct column columns_split[] = {
    {"#", 22, true},	     {"Description", 0, false},
    {"SAC", 38, false},	     {"Taxable value (Rs)", 66, true},
    {"CGST rate", 34, true}, {"CGST (Rs)", 60, true},
    {"SGST rate", 34, true}, {"SGST (Rs)", 60, true},
};
static const struct column columns_igst[] = {
    {"#", 22, true},	     {"Description", 0, false},
    {"SAC", 38, false},	     {"Taxable value (Rs)", 76, true},
    {"IGST rate", 40, true}, {"IGST (Rs)", 76, true},
};
static const struct column columns_export[] = {
    {"#", 22, true},
    {"Description", 0, false},
    {"SAC", 38, false},
    {"Taxable value (Rs)", 90, true},
};

/* One row of wrapped text: len bytes at s, then "..." when ellipsis. */
struct text_row {
	const char *s;
	size_t len;
	float width; /* points, the "..." included */
	bool ellipsis;
};

/* Where a column of the header is being written: its top moves down. */
struct cursor {
	float x, width, y;
};

/* One render. */
struct pdf {
	struct arena *a;
	const struct invoice_doc *inv;
	enum gst_supply supply;
	HPDF_Doc doc;
	HPDF_Font font;
	bool unicode;		   /* font is the TrueType one (UTF-8); else Helvetica (Latin-1) */
	bool failed;		   /* libharu reported an error: stop drawing */
	HPDF_STATUS error, detail; /* the first one, for a debugger */
	HPDF_Page pages[PDF_MAX_PAGES];
	size_t npages;
	HPDF_Page page; /* the one being drawn */
	float y;	/* the top of what comes next on it */
	const struct column *columns;
	size_t ncolumns;
	float column_x[COLUMNS_MAX], column_width[COLUMNS_MAX];
};

/* ---------------------------------------------------- libharu errors --- */

/* libharu's error handler: records the first error and returns, so the
 * failing call returns its error too and nothing jumps. */
static void pdf_error(HPDF_STATUS error_no, HPDF_STATUS detail_no, void *user_data)
{
	struct pdf *p = user_data;

	if (!p->failed) {
		p->error = error_no;
		p->detail = detail_no;
	}
	p->failed = true;
}

/* Records a failing status (a call on a bad handle returns one without
 * calling the handler); true while nothing has failed. */
static bool pdf_check(struct pdf *p, HPDF_STATUS status)
{
	if (status != HPDF_OK && !p->failed) {
		p->error = status;
		p->failed = true;
	}
	return !p->failed;
}

/* ------------------------------------------------------------ text --- */

/*
 * The code point at s (len > 0 bytes left), its length in *n; -1 with *n = 1
 * for a byte that does not start a well-formed sequence (a stray
 * continuation byte, an overlong form, a surrogate, above U+10FFFF, or cut
 * short).
 */
static long utf8_decode(const unsigned char *s, size_t len, size_t *n)
{
	unsigned char b = s[0];
	size_t need;
	long cp;

	*n = 1;
	if (b < 0x80)
		return b;
	if (b >= 0xC2 && b <= 0xDF) {
		need = 1;
		cp = b & 0x1F;
	} else if (b >= 0xE0 && b <= 0xEF) {
		need = 2;
		cp = b & 0x0F;
	} else if (b >= 0xF0 && b <= 0xF4) {
		need = 3;
		cp = b & 0x07;
	} else {
		return -1;
	}
	if (len <= need)
		return -1;
	for (size_t k = 1; k <= need; k++) {
		if ((s[k] & 0xC0) != 0x80)
			return -1;
		cp = (cp << 6) | (s[k] & 0x3F);
	}
	if ((need == 2 && cp < 0x800) || (need == 3 && (cp < 0x10000 || cp > 0x10FFFF)) ||
	    (cp >= 0xD800 && cp <= 0xDFFF))
		return -1;
	*n = need + 1;
	return cp;
}

/* Code page 1252's characters beyond Latin-1 (WinAnsiEncoding 0x80-0x9F). */
static const struct {
	uint16_t cp;
	unsigned char byte;
} cp1252[] = {
    {0x20AC, 0x80}, {0x201A, 0x82}, {0x0192, 0x83}, {0x201E, 0x84}, {0x2026, 0x85}, {0x2020, 0x86},
    {0x2021, 0x87}, {0x02C6, 0x88}, {0x2030, 0x89}, {0x0160, 0x8A}, {0x2039, 0x8B}, {0x0152, 0x8C},
    {0x017D, 0x8E}, {0x2018, 0x91}, {0x2019, 0x92}, {0x201C, 0x93}, {0x201D, 0x94}, {0x2022, 0x95},
    {0x2013, 0x96}, {0x2014, 0x97}, {0x02DC, 0x98}, {0x2122, 0x99}, {0x0161, 0x9A}, {0x203A, 0x9B},
    {0x0153, 0x9C}, {0x017E, 0x9E}, {0x0178, 0x9F},
};

/* Writes code point cp (from the n well-formed bytes at utf8; cp < 0: a bad
 * byte) to out as the font shows it; the number of bytes written, <= n. */
static size_t text_put(const struct pdf *p, char *out, long cp, const unsigned char *utf8, size_t n)
{
	if (cp < 0 || (cp >= 0x80 && cp < 0xA0)) {
		out[0] = '?';
		return 1;
	}
	if (p->unicode) {
		if (cp > 0xFFFF) { /* libharu's codes are UCS-2 */
			out[0] = '?';
			return 1;
		}
		memcpy(out, utf8, n);
		return n;
	}
	if (cp <= 0xFF) {
		out[0] = (char)cp;
		return 1;
	}
	for (size_t i = 0; i < sizeof(cp1252) / sizeof(cp1252[0]); i++)
		if (cp1252[i].cp == cp) {
			out[0] = (char)cp1252[i].byte;
			return 1;
		}
	out[0] = '?';
	return 1;
}

/*
 * s (UTF-8; NULL is "") as the font shows it (see the top of the file),
 * arena-owned: control characters are white space, runs of white space one
 * space, none at either end. multiline keeps line breaks (runs of them as
 * one); otherwise a line break is white space too.
 */
static char *pdf_text(struct pdf *p, const char *s, bool multiline)
{
	const unsigned char *in = (const unsigned char *)(s != NULL ? s : "");
	size_t len = strlen((const char *)in), o = 0, i = 0;
	char *out = arena_alloc(p->a, len + 1); /* no character grows */
	bool space = false;

	while (i < len) {
		size_t n;
		long cp = utf8_decode(in + i, len - i, &n);

		if (cp == '\n' && multiline) {
			if (o > 0 && out[o - 1] != '\n')
				out[o++] = '\n';
			space = false;
		} else if (cp >= 0 && (cp <= ' ' || cp == 0x7F)) {
			space = true;
		} else {
			if (space && o > 0 && out[o - 1] != '\n')
				out[o++] = ' ';
			space = false;
			o += text_put(p, out + o, cp, in + i, n);
		}
		i += n;
	}
	if (o > 0 && out[o - 1] == '\n')
		o--;
	out[o] = '\0';
	return out;
}

/* An ASCII copy of s for the document information (arena-owned). */
static char *pdf_ascii(struct arena *a, const char *s)
{
	char *out = arena_strdup(a, s);

	for (char *c = out; *c != '\0'; c++)
		if (*c < ' ' || *c > '~')
			*c = '?';
	return out;
}

/* The bytes of the character at s (pdf_text() output). */
static size_t char_len(const struct pdf *p, const char *s)
{
	unsigned char b = (unsigned char)s[0];
	size_t n = !p->unicode || b < 0xC0 ? 1 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4;
	size_t i = 1;

	while (i < n && s[i] != '\0')
		i++;
	return i;
}

/* The width in points of len bytes of text at size. */
static float text_width_n(const struct pdf *p, const char *s, size_t len, float size)
{
	HPDF_TextWidth w;

	if (len == 0)
		return 0;
	w = HPDF_Font_TextWidth(p->font, (const HPDF_BYTE *)s, (HPDF_UINT)len);
	return (float)w.width * size / 1000.0f;
}

static float text_width(const struct pdf *p, const char *s, float size)
{
	return text_width_n(p, s, strlen(s), size);
}

/*
 * The bytes of s that fit width points at size, up to a line break or the
 * end: up to the last space that lets them fit when there is one, else up
 * to the last character that fits (at least one, so a row always moves on).
 * *row_width gets their width, *next where the next row starts.
 */
static size_t row_fit(const struct pdf *p, const char *s, float width, float size, float *row_width,
		      const char **next)
{
	size_t i = 0, space = 0; /* the last space's offset; 0: none */
	float w = 0, w_space = 0;

	while (s[i] != '\0' && s[i] != '\n') {
		size_t n = char_len(p, s + i);
		float cw = text_width_n(p, s + i, n, size);

		if (s[i] == ' ') {
			space = i;
			w_space = w;
		}
		if (i > 0 && w + cw > width) {
			if (space > 0) {
				*row_width = w_space;
				*next = s + space + 1;
				return space;
			}
			*row_width = w;
			*next = s + i;
			return i;
		}
		w += cw;
		i += n;
	}
	*row_width = w;
	*next = s[i] == '\n' ? s + i + 1 : s + i;
	return i;
}

/* Wraps text (pdf_text() output) into at most max rows of width points at
 * size; the last ends in "..." when text is left over. The number of rows
 * (0 for ""); they point into text. */
static size_t text_wrap(const struct pdf *p, const char *text, float width, float size,
			struct text_row *rows, size_t max)
{
	const char *s = text, *next;
	size_t n = 0;

	while (*s != '\0' && n < max) {
		struct text_row *r = &rows[n++];

		r->s = s;
		r->ellipsis = false;
		r->len = row_fit(p, s, width, size, &r->width, &next);
		if (n == max && *next != '\0') {
			float dots = text_width(p, ELLIPSIS, size);

			r->len = row_fit(p, s, width - dots, size, &r->width, &next);
			while (r->len > 0 && s[r->len - 1] == ' ')
				r->len--;
			r->width += dots;
			r->ellipsis = true;
		}
		s = next;
	}
	return n;
}

/* ------------------------------------------------------- drawing --- */

static void set_gray(struct pdf *p, float gray)
{
	if (!p->failed)
		pdf_check(p, HPDF_Page_SetGrayFill(p->page, gray));
}

/* Draws len bytes of s (and "..." when ellipsis) with its baseline at
 * (x, baseline). */
static void draw_text(struct pdf *p, float x, float baseline, float size, const char *s, size_t len,
		      bool ellipsis)
{
	size_t dots = ellipsis ? strlen(ELLIPSIS) : 0;
	char *t;

	if (p->failed || len + dots == 0)
		return;
	t = arena_alloc(p->a, len + dots + 1);
	memcpy(t, s, len);
	memcpy(t + len, ELLIPSIS, dots);
	t[len + dots] = '\0';
	if (pdf_check(p, HPDF_Page_BeginText(p->page)) &&
	    pdf_check(p, HPDF_Page_SetFontAndSize(p->page, p->font, size)))
		pdf_check(p, HPDF_Page_TextOut(p->page, x, baseline, t));
	pdf_check(p, HPDF_Page_EndText(p->page));
}

/* Draws rows from top (the top of the first row) down, left-aligned at x
 * or right-aligned at x + width; the height they took. */
static float draw_rows(struct pdf *p, float x, float width, float top, float size,
		       const struct text_row *rows, size_t n, bool right)
{
	for (size_t i = 0; i < n; i++) {
		float left = right ? x + width - rows[i].width : x;

		draw_text(p, left, top - size - (float)i * size * LEADING, size, rows[i].s,
			  rows[i].len, rows[i].ellipsis);
	}
	return (float)n * size * LEADING;
}

/* A horizontal rule from x1 to x2 at y. */
static void rule(struct pdf *p, float x1, float x2, float y)
{
	if (p->failed)
		return;
	pdf_check(p, HPDF_Page_SetLineWidth(p->page, 0.5f));
	pdf_check(p, HPDF_Page_SetGrayStroke(p->page, GRAY_RULE));
	pdf_check(p, HPDF_Page_MoveTo(p->page, x1, y));
	pdf_check(p, HPDF_Page_LineTo(p->page, x2, y));
	pdf_check(p, HPDF_Page_Stroke(p->page));
}

/* A gray rectangle (x, y its bottom left). */
static void shade(struct pdf *p, float x, float y, float width, float height)
{
	if (p->failed)
		return;
	set_gray(p, GRAY_SHADE);
	pdf_check(p, HPDF_Page_Rectangle(p->page, x, y, width, height));
	pdf_check(p, HPDF_Page_Fill(p->page));
	set_gray(p, 0);
}

/* Writes text (pdf_text() output), wrapped into at most max rows, at the
 * cursor, and moves it down. */
static void cursor_text(struct pdf *p, struct cursor *c, float size, const char *text, size_t max)
{
	struct text_row rows[ROWS_MAX];
	size_t n = text_wrap(p, text, c->width, size, rows, max < ROWS_MAX ? max : ROWS_MAX);

	c->y -= draw_rows(p, c->x, c->width, c->y, size, rows, n, false);
}

/* "label value" at the cursor, value (UTF-8) converted; nothing when value
 * is empty. */
static void cursor_field(struct pdf *p, struct cursor *c, const char *label, const char *value,
			 size_t max)
{
	const char *v = pdf_text(p, value, false);

	if (*v != '\0')
		cursor_text(p, c, SIZE_TEXT, arena_printf(p->a, "%s %s", label, v), max);
}

/* A small gray heading at the cursor. */
static void cursor_label(struct pdf *p, struct cursor *c, const char *label)
{
	set_gray(p, GRAY_LABEL);
	cursor_text(p, c, SIZE_LABEL, label, 1);
	set_gray(p, 0);
	c->y -= 2;
}

/* ---------------------------------------------------- figures --- */

/* A rate in thousandths of a percent as the shortest exact decimal:
 * 9000 -> "9%", 6250 -> "6.25%", 12500 -> "12.5%", 25 -> "0.025%". */
static void format_percent(long thousandths, char out[PERCENT_MAX])
{
	long whole = thousandths / 1000, frac = thousandths % 1000;
	int digits = 3;

	if (frac == 0) {
		snprintf(out, PERCENT_MAX, "%ld%%", whole);
		return;
	}
	while (frac % 10 == 0) {
		frac /= 10;
		digits--;
	}
	snprintf(out, PERCENT_MAX, "%ld.%0*ld%%", whole, digits, frac);
}

/* ---------------------------------------------------------- pages --- */

static const char *doc_kind(const struct invoice_doc *d)
{
	return d->credit_note ? "Credit Note" : "Tax Invoice";
}

/* Starts a page; one after the first opens with the document's kind and
 * number. */
static void page_begin(struct pdf *p)
{
	struct text_row rows[1];
	const char *s;
	HPDF_Page page;
	size_t n;

	if (p->failed)
		return;
	if (p->npages == PDF_MAX_PAGES) {
		pdf_check(p, HPDF_PAGE_OUT_OF_RANGE);
		return;
	}
	page = HPDF_AddPage(p->doc);
	if (page == NULL) {
		pdf_check(p, HPDF_FAILD_TO_ALLOC_MEM);
		return;
	}
	p->pages[p->npages++] = page;
	p->page = page;
	p->y = CONTENT_TOP;
	if (!pdf_check(p, HPDF_Page_SetSize(page, HPDF_PAGE_SIZE_A4, HPDF_PAGE_PORTRAIT)) ||
	    p->npages == 1)
		return;
	s = arena_printf(p->a, "%s %s (continued)", doc_kind(p->inv),
			 pdf_text(p, p->inv->number, false));
	n = text_wrap(p, s, CONTENT_WIDTH, SIZE_TEXT, rows, 1);
	set_gray(p, GRAY_LABEL);
	p->y -= draw_rows(p, MARGIN, CONTENT_WIDTH, p->y, SIZE_TEXT, rows, n, false);
	set_gray(p, 0);
	p->y -= 4;
	rule(p, MARGIN, MARGIN + CONTENT_WIDTH, p->y);
	p->y -= 10;
}

/* The footer of every page, once all of them are known. */
static void page_footers(struct pdf *p)
{
	for (size_t i = 0; i < p->npages && !p->failed; i++) {
		char pages[64];

		p->page = p->pages[i];
		snprintf(pages, sizeof(pages), "Page %zu of %zu", i + 1, p->npages);
		rule(p, MARGIN, MARGIN + CONTENT_WIDTH, FOOTER_BASELINE + SIZE_LABEL + 4);
		set_gray(p, GRAY_LABEL);
		draw_text(p, MARGIN, FOOTER_BASELINE, SIZE_LABEL, FOOTER, strlen(FOOTER), false);
		draw_text(p, MARGIN + CONTENT_WIDTH - text_width(p, pages, SIZE_LABEL),
			  FOOTER_BASELINE, SIZE_LABEL, pages, strlen(pages), false);
		set_gray(p, 0);
	}
}

/* ---------------------------------------------------------- header --- */

static void draw_header(struct pdf *p)
{
	const struct invoice_doc *d = p->inv;
	float half = (CONTENT_WIDTH - COLUMN_GAP) / 2;
	struct cursor left = {MARGIN, half, 0}, right = {MARGIN + half + COLUMN_GAP, half, 0};
	struct cursor whole = {MARGIN, CONTENT_WIDTH, p->y};

	cursor_text(p, &whole, SIZE_TITLE, doc_kind(d), 1);
	if (d->credit_note) {
		const char *number = pdf_text(p, d->against_number, false);
		const char *date = pdf_text(p, d->against_date, false);

		whole.y -= 2;
		cursor_text(p, &whole, SIZE_SUBTITLE,
			    *date != '\0'
				? arena_printf(p->a, "against invoice %s dated %s", number, date)
				: arena_printf(p->a, "against invoice %s", number),
			    2);
	}
	whole.y -= 4;
	rule(p, MARGIN, MARGIN + CONTENT_WIDTH, whole.y);
	left.y = right.y = whole.y - 10;

	/* the supplier | the document */
	cursor_label(p, &left, "Supplier");
	cursor_text(p, &left, SIZE_NAME, pdf_text(p, d->seller_name, false), NAME_MAX_ROWS);
	cursor_text(p, &left, SIZE_TEXT, pdf_text(p, d->seller_address, true), ADDRESS_MAX_ROWS);
	cursor_field(p, &left, "GSTIN:", d->seller_gstin, 1);
	cursor_field(p, &left, "State:", d->seller_state, NAME_MAX_ROWS);

	cursor_label(p, &right, d->credit_note ? "Credit note" : "Invoice");
	cursor_field(p, &right, d->credit_note ? "Credit note no.:" : "Invoice no.:", d->number, 1);
	cursor_field(p, &right, "Date:", d->date, 1);
	/* the reference on a row of its own when it does not fit beside its label */
	cursor_field(p, &right, "Order reference:", d->order_id, 2);
	if (d->credit_note)
		cursor_field(p, &right, "Reason:", d->reason, REASON_MAX_ROWS);

	/* the recipient | the place of supply */
	left.y = right.y = (left.y < right.y ? left.y : right.y) - 12;
	cursor_label(p, &left, "Billed to");
	cursor_text(p, &left, SIZE_NAME, pdf_text(p, d->buyer_name, false), NAME_MAX_ROWS);
	cursor_field(p, &left, "E-mail:", d->buyer_email, 1);
	cursor_field(p, &left, "GSTIN:", d->buyer_gstin, 1);
	cursor_field(p, &left, "State:", d->buyer_state, NAME_MAX_ROWS);

	cursor_label(p, &right, "Supply");
	cursor_field(p, &right, "Place of supply:", d->place_of_supply, NAME_MAX_ROWS);
	if (!d->export_supply)
		cursor_text(p, &right, SIZE_TEXT, "Tax payable on reverse charge: No", 1);

	p->y = (left.y < right.y ? left.y : right.y) - 6;
	rule(p, MARGIN, MARGIN + CONTENT_WIDTH, p->y);
	p->y -= 10;

	if (d->export_supply) {
		struct text_row rows[2];
		size_t n = text_wrap(p, EXPORT_STATEMENT, CONTENT_WIDTH - 2 * CELL_PAD, SIZE_TEXT,
				     rows, 2);
		float h = (float)n * SIZE_TEXT * LEADING + 2 * CELL_PAD;

		shade(p, MARGIN, p->y - h, CONTENT_WIDTH, h);
		draw_rows(p, MARGIN + CELL_PAD, CONTENT_WIDTH, p->y - CELL_PAD, SIZE_TEXT, rows, n,
			  false);
		p->y -= h + 10;
	}
}

/* ----------------------------------------------------------- table --- */

static void table_columns(struct pdf *p)
{
	float x = MARGIN, fixed = 0;

	switch (p->supply) {
	case GST_INTRA_STATE:
		p->columns = columns_split;
		p->ncolumns = sizeof(columns_split) / sizeof(columns_split[0]);
		break;
	case GST_INTER_STATE:
		p->columns = columns_igst;
		p->ncolumns = sizeof(columns_igst) / sizeof(columns_igst[0]);
		break;
	default:
		p->columns = columns_export;
		p->ncolumns = sizeof(columns_export) / sizeof(columns_export[0]);
		break;
	}
	for (size_t i = 0; i < p->ncolumns; i++)
		fixed += p->columns[i].width;
	for (size_t i = 0; i < p->ncolumns; i++) {
		p->column_x[i] = x;
		p->column_width[i] =
		    p->columns[i].width > 0 ? p->columns[i].width : CONTENT_WIDTH - fixed;
		x += p->column_width[i];
	}
}

/* The table's heading row, shaded. */
static void table_heading(struct pdf *p)
{
	struct text_row rows[COLUMNS_MAX][HEADING_MAX_ROWS];
	size_t n[COLUMNS_MAX], most = 1;
	float h;

	for (size_t i = 0; i < p->ncolumns; i++) {
		n[i] = text_wrap(p, p->columns[i].heading, p->column_width[i] - 2 * CELL_PAD,
				 SIZE_TABLE, rows[i], HEADING_MAX_ROWS);
		if (n[i] > most)
			most = n[i];
	}
	h = (float)most * SIZE_TABLE * LEADING + 2 * CELL_PAD;
	shade(p, MARGIN, p->y - h, CONTENT_WIDTH, h);
	for (size_t i = 0; i < p->ncolumns; i++)
		draw_rows(p, p->column_x[i] + CELL_PAD, p->column_width[i] - 2 * CELL_PAD,
			  p->y - CELL_PAD, SIZE_TABLE, rows[i], n[i], p->columns[i].right);
	p->y -= h;
}

/* Starts a new page (with the table's heading when table) unless height
 * points are left on this one. */
static void need_space(struct pdf *p, float height, bool table)
{
	if (p->y - height >= CONTENT_BOTTOM)
		return;
	page_begin(p);
	if (table)
		table_heading(p);
}

/* One cell on one row: a figure is right-aligned and set smaller when it is
 * wider than its column; text is cut with "...". */
static void table_cell(struct pdf *p, size_t col, float top, const char *text)
{
	float x = p->column_x[col] + CELL_PAD, width = p->column_width[col] - 2 * CELL_PAD;
	struct text_row row;
	float size = SIZE_TABLE;

	if (p->columns[col].right) {
		float w = text_width(p, text, size);

		if (w > width) {
			size = size * width / w;
			w = width;
		}
		draw_text(p, x + width - w, top - SIZE_TABLE, size, text, strlen(text), false);
		return;
	}
	if (text_wrap(p, text, width, size, &row, 1) == 1)
		draw_rows(p, x, width, top, size, &row, 1, false);
}

static void table_line(struct pdf *p, size_t index, const struct invoice_doc_line *l)
{
	struct text_row title[TITLE_MAX_ROWS];
	char number[24], taxable[STR_PAISE_MAX], rate[PERCENT_MAX], tax[STR_PAISE_MAX];
	const char *sac = pdf_text(p, p->inv->sac, false);
	size_t n;
	float h;

	n = text_wrap(p, pdf_text(p, l->title, false), p->column_width[COLUMN_TITLE] - 2 * CELL_PAD,
		      SIZE_TABLE, title, TITLE_MAX_ROWS);
	h = (float)(n > 0 ? n : 1) * SIZE_TABLE * LEADING + 2 * CELL_PAD;
	need_space(p, h, true);

	snprintf(number, sizeof(number), "%zu", index + 1);
	str_paise(l->taxable_paise, false, taxable);
	table_cell(p, COLUMN_INDEX, p->y - CELL_PAD, number);
	draw_rows(p, p->column_x[COLUMN_TITLE] + CELL_PAD,
		  p->column_width[COLUMN_TITLE] - 2 * CELL_PAD, p->y - CELL_PAD, SIZE_TABLE, title,
		  n, false);
	table_cell(p, COLUMN_SAC, p->y - CELL_PAD, sac);
	table_cell(p, COLUMN_TAXABLE, p->y - CELL_PAD, taxable);
	if (p->supply == GST_INTRA_STATE) {
		/* each of CGST and SGST at half the rate */
		format_percent((long)l->tax_rate_bp * 5, rate);
		str_paise(l->cgst_paise, false, tax);
		table_cell(p, COLUMN_TAX, p->y - CELL_PAD, rate);
		table_cell(p, COLUMN_TAX + 1, p->y - CELL_PAD, tax);
		str_paise(l->sgst_paise, false, tax);
		table_cell(p, COLUMN_TAX + 2, p->y - CELL_PAD, rate);
		table_cell(p, COLUMN_TAX + 3, p->y - CELL_PAD, tax);
	} else if (p->supply == GST_INTER_STATE) {
		format_percent((long)l->tax_rate_bp * 10, rate);
		str_paise(l->igst_paise, false, tax);
		table_cell(p, COLUMN_TAX, p->y - CELL_PAD, rate);
		table_cell(p, COLUMN_TAX + 1, p->y - CELL_PAD, tax);
	}
	p->y -= h;
	rule(p, MARGIN, MARGIN + CONTENT_WIDTH, p->y);
}

/* ---------------------------------------------------------- totals --- */

static void draw_totals(struct pdf *p)
{
	const struct invoice_doc *d = p->inv;
	struct {
		const char *label;
		int64_t paise;
	} rows[5];
	size_t n = 0, nwords;
	struct text_row words[WORDS_MAX_ROWS];
	char in_words[WORDS_MAX], amount[STR_PAISE_MAX];
	float label_x = MARGIN + CONTENT_WIDTH - 240, right = MARGIN + CONTENT_WIDTH - CELL_PAD;
	float pitch = SIZE_TOTAL * LEADING, h;

	rows[n].label = "Taxable value";
	rows[n++].paise = d->taxable_paise;
	if (p->supply == GST_INTRA_STATE) {
		rows[n].label = "CGST";
		rows[n++].paise = d->cgst_paise;
		rows[n].label = "SGST";
		rows[n++].paise = d->sgst_paise;
	} else if (p->supply == GST_INTER_STATE) {
		rows[n].label = "IGST";
		rows[n++].paise = d->igst_paise;
	}
	rows[n].label = d->credit_note ? "Total credit" : "Total";
	rows[n++].paise = d->total_paise;

	if (amount_in_words(d->total_paise, in_words, sizeof(in_words)) != SOUK_OK) {
		pdf_check(p, HPDF_INVALID_PARAMETER);
		return;
	}
	nwords = text_wrap(p, arena_printf(p->a, "Amount in words: %s", in_words), CONTENT_WIDTH,
			   SIZE_TEXT, words, WORDS_MAX_ROWS);
	/* the gaps drawn below: 8 above, 2 + 4 around the rule, 8 above the words */
	h = 8 + (float)n * pitch + 6 + 8 + (float)nwords * SIZE_TEXT * LEADING;
	need_space(p, h, false);

	p->y -= 8;
	for (size_t i = 0; i < n; i++) {
		float size = i + 1 == n ? SIZE_TOTAL : SIZE_TEXT;

		if (i + 1 == n) {
			p->y -= 2;
			rule(p, label_x, MARGIN + CONTENT_WIDTH, p->y);
			p->y -= 4;
		}
		str_paise(rows[i].paise, true, amount);
		draw_text(p, label_x + CELL_PAD, p->y - size, size, rows[i].label,
			  strlen(rows[i].label), false);
		draw_text(p, right - text_width(p, amount, size), p->y - size, size, amount,
			  strlen(amount), false);
		p->y -= pitch;
	}
	p->y -= 8;
	p->y -= draw_rows(p, MARGIN, CONTENT_WIDTH, p->y, SIZE_TEXT, words, nwords, false);
}

/* ------------------------------------------------------ the checks --- */

static bool paise_valid(int64_t v)
{
	return v >= 0 && v <= COMMERCE_MAX_PAISE;
}

static bool empty(const char *s)
{
	return s == NULL || *s == '\0';
}

/*
 * Which tax columns the document has, from its figures: CGST/SGST when any
 * is charged, IGST when that is; with no tax at all, CGST/SGST when a line
 * has a rate (a rated line without IGST is intra-state), else by whether the
 * two states are the same.
 */
static enum gst_supply doc_supply(const struct invoice_doc *d)
{
	bool split = d->cgst_paise != 0 || d->sgst_paise != 0, igst = d->igst_paise != 0;
	bool rated = false;

	if (d->export_supply)
		return GST_EXPORT;
	for (size_t i = 0; i < d->nlines; i++) {
		split = split || d->lines[i].cgst_paise != 0 || d->lines[i].sgst_paise != 0;
		igst = igst || d->lines[i].igst_paise != 0;
		rated = rated || d->lines[i].tax_rate_bp > 0;
	}
	if (split)
		return GST_INTRA_STATE;
	if (igst)
		return GST_INTER_STATE;
	if (rated)
		return GST_INTRA_STATE;
	return !empty(d->seller_state) && d->buyer_state != NULL &&
		       strcmp(d->seller_state, d->buyer_state) == 0
		   ? GST_INTRA_STATE
		   : GST_INTER_STATE;
}

/* SOUK_OK when d can be printed: a number, amounts in range that add up,
 * one kind of tax, no tax on an export, at most COMMERCE_MAX_LINES lines. */
static int doc_check(const struct invoice_doc *d)
{
	bool split, igst;

	if (empty(d->number) || strlen(d->number) > INVOICE_NUMBER_MAX ||
	    (d->credit_note && empty(d->against_number)) ||
	    (!empty(d->currency) && strcmp(d->currency, COMMERCE_CURRENCY) != 0))
		return SOUK_EINVALID;
	if (d->nlines > COMMERCE_MAX_LINES || (d->lines == NULL && d->nlines > 0))
		return SOUK_EINVALID;
	if (!paise_valid(d->taxable_paise) || !paise_valid(d->cgst_paise) ||
	    !paise_valid(d->sgst_paise) || !paise_valid(d->igst_paise) ||
	    !paise_valid(d->total_paise) ||
	    d->taxable_paise + d->cgst_paise + d->sgst_paise + d->igst_paise != d->total_paise)
		return SOUK_EINVALID;
	split = d->cgst_paise != 0 || d->sgst_paise != 0;
	igst = d->igst_paise != 0;
	for (size_t i = 0; i < d->nlines; i++) {
		const struct invoice_doc_line *l = &d->lines[i];

		if (!paise_valid(l->taxable_paise) || !paise_valid(l->cgst_paise) ||
		    !paise_valid(l->sgst_paise) || !paise_valid(l->igst_paise) ||
		    l->tax_rate_bp < 0 || l->tax_rate_bp > 10000)
			return SOUK_EINVALID;
		split = split || l->cgst_paise != 0 || l->sgst_paise != 0;
		igst = igst || l->igst_paise != 0;
	}
	if ((split && igst) || (d->export_supply && (split || igst)))
		return SOUK_EINVALID;
	return SOUK_OK;
}

/* ---------------------------------------------------------- render --- */

/* The TrueType font at path, with the UTF-8 encoder; false when it cannot
 * be used. */
static bool font_load(struct pdf *p, const char *path)
{
	const char *name = HPDF_LoadTTFontFromFile(p->doc, path, HPDF_TRUE);

	if (name == NULL || p->failed || !pdf_check(p, HPDF_UseUTFEncodings(p->doc)) ||
	    !pdf_check(p, HPDF_SetCurrentEncoder(p->doc, "UTF-8")))
		return false;
	p->font = HPDF_GetFont(p->doc, name, "UTF-8");
	p->unicode = true;
	return p->font != NULL && !p->failed;
}

/* The saved document's bytes into the arena. */
static int pdf_bytes(struct pdf *p, unsigned char **out, size_t *out_len)
{
	HPDF_UINT32 size, got = 0;
	unsigned char *buf;

	if (!pdf_check(p, HPDF_SaveToStream(p->doc)))
		return SOUK_EINTERNAL;
	size = HPDF_GetStreamSize(p->doc);
	if (size == 0 || p->failed)
		return SOUK_EINTERNAL;
	buf = arena_alloc(p->a, size);
	while (got < size) {
		HPDF_UINT32 n = size - got;
		HPDF_STATUS status = HPDF_ReadFromStream(p->doc, buf + got, &n);

		got += n;
		/* HPDF_STREAM_EOF comes with the last bytes, or after them */
		if (status == HPDF_STREAM_EOF)
			break;
		if (status != HPDF_OK || n == 0)
			return SOUK_EINTERNAL;
	}
	if (got != size)
		return SOUK_EINTERNAL;
	*out = buf;
	*out_len = size;
	return SOUK_OK;
}

/* One attempt: with the TrueType font (truetype) or Helvetica.
 * RENDER_FONT_FAILED when the font could not be used. */
static int render(struct arena *a, const struct invoice_doc *d, bool truetype, unsigned char **out,
		  size_t *out_len)
{
	struct pdf p = {.a = a, .inv = d};
	int rc = SOUK_EINTERNAL;

	p.supply = doc_supply(d);
	p.doc = HPDF_New(pdf_error, &p);
	if (p.doc == NULL)
		return SOUK_EINTERNAL;
	/* a libharu built without zlib refuses: the document is then only larger */
	if (HPDF_SetCompressionMode(p.doc, HPDF_COMP_ALL) != HPDF_OK) {
		HPDF_ResetError(p.doc);
		p.failed = false;
	}
	/* before the UTF-8 encoder is current: these are plain PDF strings */
	pdf_check(&p, HPDF_SetInfoAttr(p.doc, HPDF_INFO_TITLE, pdf_ascii(a, d->number)));
	pdf_check(&p, HPDF_SetInfoAttr(p.doc, HPDF_INFO_SUBJECT, doc_kind(d)));
	pdf_check(&p, HPDF_SetInfoAttr(p.doc, HPDF_INFO_CREATOR, "Souk"));
	if (p.failed)
		goto render_out;
	if (truetype) {
		if (!font_load(&p, d->font_path)) {
			rc = RENDER_FONT_FAILED;
			goto render_out;
		}
	} else {
		p.font = HPDF_GetFont(p.doc, "Helvetica", "WinAnsiEncoding");
		if (p.font == NULL || p.failed)
			goto render_out;
	}

	table_columns(&p);
	page_begin(&p);
	draw_header(&p);
	if (d->nlines > 0) {
		need_space(&p, TABLE_MIN_SPACE, false);
		table_heading(&p);
		for (size_t i = 0; i < d->nlines; i++)
			table_line(&p, i, &d->lines[i]);
	}
	draw_totals(&p);
	page_footers(&p);
	if (p.failed)
		goto render_out;
	rc = pdf_bytes(&p, out, out_len);
render_out:
	HPDF_Free(p.doc);
	return rc;
}

int invoice_pdf_render(struct arena *a, const struct invoice_doc *doc, unsigned char **pdf,
		       size_t *len)
{
	int rc;

	if (a == NULL || doc == NULL || pdf == NULL || len == NULL)
		return SOUK_EINVALID;
	rc = doc_check(doc);
	if (rc != SOUK_OK)
		return rc;
	if (!empty(doc->font_path)) {
		rc = render(a, doc, true, pdf, len);
		if (rc != RENDER_FONT_FAILED)
			return rc;
	}
	return render(a, doc, false, pdf, len);
}
