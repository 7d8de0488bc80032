/*
 * gst.c - GST on the lines of a sale, coupon discounts spread over them,
 * GST state codes and the GSTIN checksum; see include/souk/commerce.h for
 * the rounding rule.
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "souk/commerce.h"
#include "souk/err.h"

__extension__ typedef __int128 wide;

/* round-half-up(a * b / d) for a, b, d >= 0, d > 0 */
static int64_t mul_div_round(int64_t a, int64_t b, int64_t d)
{
	return (int64_t)(((wide)a * b + d / 2) / d);
}

int64_t gst_coupon_discount(enum coupon_kind kind, int64_t value, int64_t eligible_paise)
{
	int64_t d = 0;

	if (eligible_paise <= 0 || value <= 0)
		return 0;
	if (kind == COUPON_PERCENT)
		d = mul_div_round(eligible_paise, value > 10000 ? 10000 : value, 10000);
	else if (kind == COUPON_FIXED)
		d = value;
	return d > eligible_paise ? eligible_paise : d;
}

/* Spreads discount over the discountable lines by price, largest remainder
 * first (ties: the earlier line). eligible is their subtotal (> 0). */
static void spread_discount(const struct gst_line_in *in, size_t n, int64_t discount,
			    int64_t eligible, struct gst_line_out *out)
{
	int64_t rem[COMMERCE_MAX_LINES], left = discount;
	bool bumped[COMMERCE_MAX_LINES] = {false};

	for (size_t i = 0; i < n; i++) {
		rem[i] = -1;
		if (!in[i].discountable)
			continue;
		wide share = (wide)discount * in[i].price_paise;
		out[i].discount_paise = (int64_t)(share / eligible);
		rem[i] = (int64_t)(share % eligible);
		left -= out[i].discount_paise;
	}
	/* left < the number of discountable lines: one paisa each */
	for (; left > 0; left--) {
		size_t best = n;

		for (size_t i = 0; i < n; i++)
			if (rem[i] >= 0 && !bumped[i] && (best == n || rem[i] > rem[best]))
				best = i;
		if (best == n)
			break; /* cannot happen: left < lines */
		bumped[best] = true;
		out[best].discount_paise++;
	}
}

int gst_price(const struct gst_line_in *in, size_t n, int64_t discount_paise,
	      enum gst_supply supply, struct gst_line_out *out, struct gst_totals *totals)
{
	struct gst_line_out lines[COMMERCE_MAX_LINES];
	struct gst_totals t = {0};
	int64_t eligible = 0;

	if (n > COMMERCE_MAX_LINES || discount_paise < 0 || (n > 0 && (in == NULL || out == NULL)))
		return SOUK_EINVALID;
	for (size_t i = 0; i < n; i++) {
		if (in[i].price_paise < 0 || in[i].price_paise > COMMERCE_MAX_PAISE ||
		    in[i].tax_rate_bp < 0 || in[i].tax_rate_bp > 10000)
			return SOUK_EINVALID;
		if (in[i].discountable)
			eligible += in[i].price_paise;
	}
	if (discount_paise > eligible)
		return SOUK_EINVALID;
	memset(lines, 0, sizeof(lines));
	if (discount_paise > 0)
		spread_discount(in, n, discount_paise, eligible, lines);
	for (size_t i = 0; i < n; i++) {
		struct gst_line_out *l = &lines[i];
		int64_t tax;

		l->taxable_paise = in[i].price_paise - l->discount_paise;
		tax = supply == GST_EXPORT
			  ? 0
			  : mul_div_round(l->taxable_paise, in[i].tax_rate_bp, 10000);
		if (supply == GST_INTRA_STATE) {
			l->cgst_paise = (tax + 1) / 2; /* the odd paisa goes to CGST */
			l->sgst_paise = tax / 2;
		} else {
			l->igst_paise = tax;
		}
		l->tax_paise = tax;
		t.subtotal_paise += in[i].price_paise;
		t.discount_paise += l->discount_paise;
		t.cgst_paise += l->cgst_paise;
		t.sgst_paise += l->sgst_paise;
		t.igst_paise += l->igst_paise;
	}
	t.taxable_paise = t.subtotal_paise - t.discount_paise;
	t.tax_paise = t.cgst_paise + t.sgst_paise + t.igst_paise;
	t.total_paise = t.taxable_paise + t.tax_paise;
	if (n > 0)
		memcpy(out, lines, n * sizeof(*out));
	*totals = t;
	return SOUK_OK;
}

/* ------------------------------------------------ places of supply --- */

/* The GST state codes (the first two digits of a GSTIN). 25 (Daman and
 * Diu) merged into 26 in 2020 and 28 (undivided Andhra Pradesh) is no
 * longer issued; both are still accepted in old GSTINs' place, not here. */
static const struct {
	const char code[3];
	const char *name;
} gst_states[] = {
    {"01", "Jammu and Kashmir"},
    {"02", "Himachal Pradesh"},
    {"03", "Punjab"},
    {"04", "Chandigarh"},
    {"05", "Uttarakhand"},
    {"06", "Haryana"},
    {"07", "Delhi"},
    {"08", "Rajasthan"},
    {"09", "Uttar Pradesh"},
    {"10", "Bihar"},
    {"11", "Sikkim"},
    {"12", "Arunachal Pradesh"},
    {"13", "Nagaland"},
    {"14", "Manipur"},
    {"15", "Mizoram"},
    {"16", "Tripura"},
    {"17", "Meghalaya"},
    {"18", "Assam"},
    {"19", "West Bengal"},
    {"20", "Jharkhand"},
    {"21", "Odisha"},
    {"22", "Chhattisgarh"},
    {"23", "Madhya Pradesh"},
    {"24", "Gujarat"},
    {"26", "Dadra and Nagar Haveli and Daman and Diu"},
    {"27", "Maharashtra"},
    {"29", "Karnataka"},
    {"30", "Goa"},
    {"31", "Lakshadweep"},
    {"32", "Kerala"},
    {"33", "Tamil Nadu"},
    {"34", "Puducherry"},
    {"35", "Andaman and Nicobar Islands"},
    {"36", "Telangana"},
    {"37", "Andhra Pradesh"},
    {"38", "Ladakh"},
    {"97", "Other Territory"},
};

bool gst_country_valid(const char *code)
{
	return code[0] >= 'A' && code[0] <= 'Z' && code[1] >= 'A' && code[1] <= 'Z' &&
	       code[2] == '\0';
}

const char *gst_state_name(const char *code)
{
	if (code == NULL || strlen(code) != 2)
		return NULL;
	for (size_t i = 0; i < sizeof(gst_states) / sizeof(gst_states[0]); i++)
		if (memcmp(gst_states[i].code, code, 2) == 0)
			return gst_states[i].name;
	return NULL;
}

enum gst_supply gst_supply_of(const char *seller_state, const char *buyer_country,
			      const char *buyer_state)
{
	if (buyer_country == NULL || strcmp(buyer_country, "IN") != 0)
		return GST_EXPORT;
	if (seller_state != NULL && buyer_state != NULL && strcmp(seller_state, buyer_state) == 0)
		return GST_INTRA_STATE;
	return GST_INTER_STATE;
}

/* ------------------------------------------------------------ GSTIN --- */

static int base36(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'Z')
		return c - 'A' + 10;
	return -1;
}

/*
 * Layout: SS PPPPP NNNN P E Z C (state, PAN: five letters, four digits, a
 * letter; entity number 1-9A-Z; 'Z'; check). Check: over the first 14
 * characters, value x factor (1, 2, 1, 2, ...), each product folded as
 * quotient + remainder by 36, summed; the check is (36 - sum % 36) % 36.
 */
bool gstin_valid(const char *s)
{
	static const char shape[] = "DDLLLLLDDDDLXZX"; /* D digit, L letter, X either */
	char state[3];
	int sum = 0;

	if (s == NULL || strlen(s) != 15)
		return false;
	for (int i = 0; i < 15; i++) {
		char c = s[i];
		bool digit = c >= '0' && c <= '9', letter = c >= 'A' && c <= 'Z';

		if ((shape[i] == 'D' && !digit) || (shape[i] == 'L' && !letter) ||
		    (shape[i] == 'X' && !digit && !letter) || (shape[i] == 'Z' && c != 'Z'))
			return false;
	}
	if (s[12] == '0')
		return false; /* entity numbers start at 1 */
	memcpy(state, s, 2);
	state[2] = '\0';
	if (gst_state_name(state) == NULL)
		return false;
	for (int i = 0; i < 14; i++) {
		int product = base36(s[i]) * (i % 2 == 0 ? 1 : 2);

		sum += product / 36 + product % 36;
	}
	return base36(s[14]) == (36 - sum % 36) % 36;
}
