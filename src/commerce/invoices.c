/*
 * invoices.c - GST invoice numbering (consecutive per financial year,
 * at most 16 characters) and the total in words; see
 * include/souk/commerce.h. The numbers themselves are taken from
 * invoice_counters inside the fulfilment transaction (orders.c).
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "souk/commerce.h"
#include "souk/err.h"

#define IST_OFFSET_S (5 * 3600 + 30 * 60) /* India has one zone and no DST */

int invoice_financial_year(time_t t)
{
	time_t ist = t + IST_OFFSET_S;
	struct tm tm;

	gmtime_r(&ist, &tm);
	return tm.tm_year + 1900 - (tm.tm_mon < 3 ? 1 : 0); /* January..March: the year before */
}

void invoice_financial_year_label(int start_year, char out[8])
{
	unsigned from = (unsigned)start_year % 10000u, to = (unsigned)(start_year + 1) % 100u;

	snprintf(out, 8, "%04u-%02u", from, to);
}

int invoice_number(const char *prefix, int start_year, long sequence,
		   char out[INVOICE_NUMBER_MAX + 1])
{
	size_t plen = prefix != NULL ? strlen(prefix) : 0;
	int n;

	if (plen == 0 || plen > 3 || sequence < 1 || sequence > 999999999L || start_year < 2000 ||
	    start_year > 9998)
		return SOUK_EINVALID;
	for (size_t i = 0; i < plen; i++)
		if (prefix[i] < 'A' || prefix[i] > 'Z')
			return SOUK_EINVALID;
	n = snprintf(out, INVOICE_NUMBER_MAX + 1, "%s%02d%02d-%06ld", prefix, start_year % 100,
		     (start_year + 1) % 100, sequence);
	if (n < 0 || n > INVOICE_NUMBER_MAX) {
		out[0] = '\0';
		return SOUK_EINVALID;
	}
	return SOUK_OK;
}

/* ------------------------------------------------- amount in words --- */

struct words {
	char *out;
	size_t size, len;
	bool overflow;
};

static void say(struct words *w, const char *s)
{
	size_t n = strlen(s);

	if (w->overflow || w->len + n + 1 > w->size) {
		w->overflow = true;
		return;
	}
	memcpy(w->out + w->len, s, n + 1);
	w->len += n;
}

/* A space before every word but the first. */
static void word(struct words *w, const char *s)
{
	if (w->len > 0)
		say(w, " ");
	say(w, s);
}

static const char *const ones[] = {"Zero",    "One",	 "Two",	      "Three",	  "Four",
				   "Five",    "Six",	 "Seven",     "Eight",	  "Nine",
				   "Ten",     "Eleven",	 "Twelve",    "Thirteen", "Fourteen",
				   "Fifteen", "Sixteen", "Seventeen", "Eighteen", "Nineteen"};
static const char *const tens[] = {"",	    "",	     "Twenty",	"Thirty", "Forty",
				   "Fifty", "Sixty", "Seventy", "Eighty", "Ninety"};

/* 1..99: "Seven", "Nineteen", "Forty", "Forty-Five" */
static void below_hundred(struct words *w, int n)
{
	char buf[32];

	if (n < 20) {
		word(w, ones[n]);
		return;
	}
	if (n % 10 == 0) {
		word(w, tens[n / 10]);
		return;
	}
	snprintf(buf, sizeof(buf), "%s-%s", tens[n / 10], ones[n % 10]);
	word(w, buf);
}

/* 1..999 */
static void below_thousand(struct words *w, int n)
{
	if (n >= 100) {
		word(w, ones[n / 100]);
		word(w, "Hundred");
	}
	if (n % 100 != 0)
		below_hundred(w, n % 100);
}

/* n >= 1, Indian grouping: crore (1e7), lakh (1e5), thousand, hundreds; a
 * count of crores of 100 or more is itself said in lakhs and thousands
 * ("One Lakh Crore"). */
static void indian(struct words *w, int64_t n)
{
	if (n >= 10000000) {
		indian(w, n / 10000000);
		word(w, "Crore");
		n %= 10000000;
	}
	if (n >= 100000) {
		below_hundred(w, (int)(n / 100000));
		word(w, "Lakh");
		n %= 100000;
	}
	if (n >= 1000) {
		below_hundred(w, (int)(n / 1000));
		word(w, "Thousand");
		n %= 1000;
	}
	if (n > 0)
		below_thousand(w, (int)n);
}

int amount_in_words(int64_t paise, char *out, size_t size)
{
	struct words w = {out, size, 0, false};
	int64_t rupees = paise / 100;
	int p = (int)(paise % 100);

	if (out == NULL || size == 0)
		return SOUK_EINVALID;
	out[0] = '\0';
	if (paise < 0)
		return SOUK_EINVALID;
	word(&w, "Rupees");
	if (rupees == 0)
		word(&w, "Zero");
	else
		indian(&w, rupees);
	if (p > 0) {
		word(&w, "and");
		below_hundred(&w, p);
		word(&w, "Paise");
	}
	word(&w, "Only");
	if (w.overflow) {
		out[0] = '\0';
		return SOUK_EINVALID;
	}
	return SOUK_OK;
}

static int64_t clamp64(int64_t v, int64_t lo, int64_t hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

int credit_note_split(const struct gst_totals *inv, const struct gst_totals *done, int64_t amount,
		      struct gst_totals *out)
{
	int64_t left_total = inv->total_paise - done->total_paise;
	int64_t left_taxable = inv->taxable_paise - done->taxable_paise;
	int64_t left_cgst = inv->cgst_paise - done->cgst_paise;
	int64_t left_sgst = inv->sgst_paise - done->sgst_paise;
	int64_t left_igst = inv->igst_paise - done->igst_paise;
	int64_t left_tax = left_cgst + left_sgst + left_igst, taxable, tax;

	memset(out, 0, sizeof(*out));
	if (amount <= 0 || amount > left_total || left_taxable < 0 || left_tax < 0 ||
	    left_taxable + left_tax != left_total || inv->total_paise <= 0)
		return SOUK_EINVALID;
	/* round half up of amount x taxable / total, in 128 bits (1e14 x 1e14) */
	__int128 prod = (__int128)amount * inv->taxable_paise;
	taxable = (int64_t)((2 * prod + inv->total_paise) / (2 * (__int128)inv->total_paise));
	/* within what is left of each part: taxable <= left, tax = amount - taxable <= left */
	taxable = clamp64(taxable, amount - left_tax, left_taxable);
	tax = amount - taxable;
	if (left_igst > 0 || (left_cgst == 0 && left_sgst == 0 && inv->igst_paise > 0)) {
		out->igst_paise = tax;
	} else {
		out->cgst_paise = clamp64((tax + 1) / 2, tax - left_sgst, left_cgst);
		out->sgst_paise = tax - out->cgst_paise;
	}
	out->taxable_paise = taxable;
	out->tax_paise = tax;
	out->total_paise = amount;
	out->subtotal_paise = taxable;
	return SOUK_OK;
}
