/*
 * commerce.h - the money rules of a sale: GST on every line, coupon
 * discounts spread over the lines, GSTIN and place-of-supply checks,
 * invoice numbering and the total in words, and Razorpay's signatures.
 *
 * The money rules are pure computation on integer paise (no I/O, no
 * allocation), so they are unit-tested on their own and every caller (cart
 * reads, checkout, invoices) gets the same figures. The cart (cart.c, at the
 * end) is the part that does I/O.
 *
 * Rounding rule (written down once, here):
 *   - a percent coupon's discount is round-half-up(eligible subtotal x bp /
 *     10000), a fixed one min(value, eligible subtotal);
 *   - the discount is spread over the eligible lines in proportion to their
 *     prices (largest remainder; ties go to the earlier line), so the lines'
 *     shares add up to the discount exactly;
 *   - a line's tax is round-half-up(taxable x tax_rate_bp / 10000), where
 *     taxable = price - its share of the discount;
 *   - within the seller's state the line's tax is split into CGST and SGST,
 *     half each; an odd paisa goes to CGST (CGST = ceil(tax / 2)), so the
 *     buyer pays the same total wherever in India they are;
 *   - to another Indian state the whole tax is IGST;
 *   - outside India (export of services) no GST is charged.
 */
#ifndef SOUK_COMMERCE_H
#define SOUK_COMMERCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "souk/catalog.h"

struct arena;
struct cJSON;
struct http_request;
struct http_response;
struct worker;

#define COMMERCE_MAX_LINES 100		     /* lines of a cart or an order */
#define COMMERCE_MAX_PAISE 100000000000000LL /* 1e14 paise: no product or order above */
#define GST_DEFAULT_RATE_BP 1800	     /* 18 % */
#define COMMERCE_CURRENCY "INR"		     /* the one currency a sale is in */

/* An Idempotency-Key header value: 1..100 visible ASCII characters. */
bool commerce_idempotency_key_valid(const char *k);
/* prefix and 16 random hex digits (the sandbox's order, payment and refund
 * ids), arena-owned; NULL when the random source fails. */
const char *commerce_random_id(struct arena *a, const char *prefix);

/* ------------------------------------------------------------ GST --- */

enum gst_supply {
	GST_INTRA_STATE, /* buyer in the seller's state: CGST + SGST */
	GST_INTER_STATE, /* another Indian state: IGST */
	GST_EXPORT,	 /* outside India: export of services, no GST */
};

/* One line going in: what PostgreSQL says it costs (never the client). */
struct gst_line_in {
	int64_t price_paise; /* 0 .. COMMERCE_MAX_PAISE */
	int32_t tax_rate_bp; /* 0 .. 10000 */
	bool discountable;   /* the coupon applies to this line */
};

/* One line coming out. */
struct gst_line_out {
	int64_t discount_paise; /* this line's share of the discount */
	int64_t taxable_paise;	/* price - discount */
	int64_t cgst_paise, sgst_paise, igst_paise;
	int64_t tax_paise; /* cgst + sgst + igst */
};

struct gst_totals {
	int64_t subtotal_paise; /* sum of prices */
	int64_t discount_paise; /* sum of the lines' discounts */
	int64_t taxable_paise;	/* subtotal - discount */
	int64_t cgst_paise, sgst_paise, igst_paise;
	int64_t tax_paise;   /* cgst + sgst + igst */
	int64_t total_paise; /* taxable + tax: what the buyer pays */
};

enum coupon_kind { COUPON_NONE, COUPON_PERCENT, COUPON_FIXED };

/*
 * The discount of a coupon (kind, value: basis points for percent, paise for
 * fixed) on an eligible subtotal, by the rounding rule above; never more than
 * the subtotal. 0 for COUPON_NONE.
 */
int64_t gst_coupon_discount(enum coupon_kind kind, int64_t value, int64_t eligible_paise);

/*
 * Prices n lines (n <= COMMERCE_MAX_LINES) for a supply and a discount that
 * gst_coupon_discount() gave for the discountable lines' subtotal: fills
 * out[0..n) and *totals. SOUK_OK, or SOUK_EINVALID for out-of-range input
 * (a price, a rate, n, or a discount above the discountable subtotal), in
 * which case nothing is written.
 */
int gst_price(const struct gst_line_in *in, size_t n, int64_t discount_paise,
	      enum gst_supply supply, struct gst_line_out *out, struct gst_totals *totals);

/*
 * The supply from the seller's and buyer's places: country is ISO 3166-1
 * alpha-2 ("IN"), states are GST state codes ("29"). A buyer outside India
 * is an export whatever the state says.
 */
enum gst_supply gst_supply_of(const char *seller_state, const char *buyer_country,
			      const char *buyer_state);

/* The name of a GST state code ("29" -> "Karnataka"), or NULL if it is none. */
const char *gst_state_name(const char *code);

/* True when code is an ISO 3166-1 alpha-2 shape: two upper-case letters. */
bool gst_country_valid(const char *code);

/*
 * True when s is a well-formed GSTIN: 15 characters (state code of a real
 * state, PAN, entity number, 'Z', check character) whose check character is
 * right (the base-36 weighted checksum of the GST network).
 */
bool gstin_valid(const char *s);

/* -------------------------------------------------------- coupons --- */

/* A coupon as a sale checks it (coupons.c reads it; strings arena-owned). */
struct coupon {
	const char *id; /* coupons.id */
	const char *code;
	const char *description;
	enum coupon_kind kind;
	int64_t value;		 /* basis points (percent) or paise (fixed) */
	int64_t min_order_paise; /* of the cart's subtotal before GST; 0 = none */
	long max_redemptions;	 /* -1 = unlimited */
	long redemptions;	 /* paid orders that used it */
	long per_customer_limit; /* -1 = unlimited */
	long used_by_customer;	 /* the caller's paid or refunded orders with it (0: a guest) */
	char currency[4];	 /* of a fixed coupon's value; only COMMERCE_CURRENCY is taken */
	long long valid_from;	 /* unix seconds, 0 = no start */
	long long valid_until;	 /* unix seconds, 0 = no end */
	bool active;
	bool scoped;		  /* false: store-wide; true: its products and categories only */
	const char **product_ids; /* products.id of its products (deleted ones are gone) */
	size_t nproducts;
	const char **category_ids; /* categories.id of its categories */
	size_t ncategories;
};

/* True when the coupon applies to a line of this product (products.id) in
 * this category (categories.id, NULL for none): any line of a store-wide
 * coupon; a scoped one's listed products and categories only (none left:
 * nothing). */
bool coupon_applies(const struct coupon *c, const char *product_id, const char *category_id);

/*
 * Whether c can be used now (unix seconds) on a cart whose subtotal is
 * subtotal_paise and whose lines it applies to add up to eligible_paise.
 * SOUK_OK, or SOUK_EINVALID with why (a sentence fragment for the buyer:
 * "has expired", "needs an order of at least Rs 500.00 before GST", ...)
 * written to why[why_size].
 */
int coupon_check(const struct coupon *c, long long now, int64_t subtotal_paise,
		 int64_t eligible_paise, char *why, size_t why_size);

/* Reads the coupon of code (any case) with user_id's own use of it (user_id
 * NULL: a guest, 0). SOUK_ENOTFOUND when there is no such code. */
int coupon_find(struct worker *w, struct arena *a, const char *code, const char *user_id,
		struct coupon *out);

/* Staff (coupons.c). JSON is text PostgreSQL built, arena-owned. */

/* A page of coupons, newest first, after after_id (NULL: the first page):
 * *items a JSON array of at most limit, *more whether a page follows, and
 * *last_id the key to ask for it with. */
int coupons_admin_list(struct worker *w, struct arena *a, const int64_t *after_id, long limit,
		       char **items, bool *more, int64_t *last_id);
/* One coupon by code. SOUK_ENOTFOUND. */
int coupon_admin_json(struct worker *w, struct arena *a, const char *code, char **json);

/* What a coupon applies to, as PostgreSQL array literals of slugs; NULL:
 * leave as it is (a new coupon: store-wide). */
struct coupon_scope {
	const char *products, *categories;
	size_t nproducts, ncategories;
};

/*
 * Creates (code NULL) or changes the coupon of code from members (a JSON
 * object of validated columns: what is absent stays, or takes its default)
 * and replaces the scope lists given. Inside the caller's transaction.
 * SOUK_OK with *saved_code; SOUK_ENOTFOUND; SOUK_ECONFLICT (the code is
 * taken); SOUK_EINVALID from a constraint, or with *bad_field ("products" or
 * "categories") when a slug names nothing.
 */
int coupon_save(struct worker *w, struct arena *a, const char *code, const char *members,
		const struct coupon_scope *scope, char **saved_code, const char **bad_field);

/* Deletes a coupon no order has used: SOUK_OK, SOUK_ENOTFOUND, or
 * SOUK_ECONFLICT (used: deactivate it instead). */
int coupon_delete(struct worker *w, struct arena *a, const char *code);

/*
 * The staff routes (coupons_http.c), coupons:write:
 *   coupons_admin_index   GET /api/v1/admin/coupons?limit=&cursor= (the page contract)
 *   coupons_admin_create  POST /api/v1/admin/coupons: 201; 409 code taken; 422
 *   coupons_admin_show    GET /api/v1/admin/coupons/{code}: 404
 *   coupons_admin_update  PATCH /api/v1/admin/coupons/{code}: 200; 404; 422
 *   coupons_admin_delete  DELETE /api/v1/admin/coupons/{code}: 204; 404; 409 used
 */
int coupons_admin_index(struct worker *w, struct http_request *req, struct http_response *res);
int coupons_admin_create(struct worker *w, struct http_request *req, struct http_response *res);
int coupons_admin_show(struct worker *w, struct http_request *req, struct http_response *res);
int coupons_admin_update(struct worker *w, struct http_request *req, struct http_response *res);
int coupons_admin_delete(struct worker *w, struct http_request *req, struct http_response *res);

/* ------------------------------------------------------- invoices --- */

#define INVOICE_NUMBER_MAX 16 /* characters, CGST rule 46 */

/* The Indian financial year (April to March, in IST) that t falls in, as
 * the year it starts: 2026-04-01 00:00 IST .. 2027-03-31 -> 2026. */
int invoice_financial_year(time_t t);

/* "2026-27" for 2026 (the invoices.financial_year form) into out[8]. */
void invoice_financial_year_label(int start_year, char out[8]);

/*
 * The number of a document: prefix ("SK" for invoices, "CN" for credit
 * notes: each its own series), the financial year's two two-digit years and
 * the sequence, zero-padded to 6 digits: SK2627-000123. SOUK_OK, or
 * SOUK_EINVALID when it would not fit INVOICE_NUMBER_MAX characters (a
 * prefix over 3 characters, or a sequence longer than the 16 characters
 * leave: 999,999,999 with a 2-letter prefix, 99,999,999 with 3) or
 * sequence < 1.
 */
int invoice_number(const char *prefix, int start_year, long sequence,
		   char out[INVOICE_NUMBER_MAX + 1]);

/*
 * The GST split of a credit note for a refund of amount paise against an
 * invoice inv (its taxable, cgst, sgst, igst and total members) of which
 * credit notes have credited done so far: taxable is the refund's share of
 * the invoice's taxable value (round half up), the rest is tax, split as the
 * invoice split it (CGST takes the odd paisa); every part stays within what
 * is left of the invoice, so the refund that completes the total takes the
 * remainders and the credit notes add up to the invoice exactly. SOUK_OK
 * with out's taxable, cgst, sgst, igst and total; SOUK_EINVALID when amount
 * is not in 1 .. what is left.
 */
int credit_note_split(const struct gst_totals *inv, const struct gst_totals *done, int64_t amount,
		      struct gst_totals *out);

/*
 * An amount in words, Indian numbering (thousand, lakh, crore), as invoices
 * print it: 12345678 paise -> "Rupees One Lakh Twenty-Three Thousand Four
 * Hundred Fifty-Six and Seventy-Eight Paise Only". Writes at most size bytes
 * (NUL included); SOUK_OK, or SOUK_EINVALID for a negative amount or a
 * buffer too small (out is then "").
 */
int amount_in_words(int64_t paise, char *out, size_t size);

/*
 * The PDF of a tax invoice or a credit note (invoice_pdf.c, libharu), as
 * CGST rule 46 (invoices) and rule 53 (credit notes) ask: the seller's legal
 * name, address and GSTIN; the buyer's name, e-mail, state and GSTIN; the
 * number and date; the place of supply; per line the description, SAC,
 * taxable value and CGST/SGST or IGST with rate and amount; the totals and
 * the total in words (amount_in_words()). An export of services says so and
 * charges no GST. Strings are UTF-8; the text is set in the TrueType font at
 * font_path (Debian's DejaVu Sans by default, so names beyond Latin-1 and
 * the rupee sign print), falling back to Helvetica (non-Latin-1 as '?') when
 * it cannot be loaded. Pure: no I/O but reading the font.
 */
struct invoice_doc_line {
	const char *title;
	int64_t taxable_paise; /* price - the line's discount */
	int32_t tax_rate_bp;
	int64_t cgst_paise, sgst_paise, igst_paise;
};

struct invoice_doc {
	bool credit_note;	    /* a credit note against the invoice "against" */
	const char *number;	    /* SK2627-000123 / CN2627-000001 */
	const char *date;	    /* "07 Dec 2026" (IST), as printed */
	const char *against_number; /* credit note: the invoice it credits */
	const char *against_date;   /* credit note: that invoice's date */
	const char *reason;	    /* credit note: why (the refund's reason), may be "" */
	const char *order_id;	    /* our order's public id, printed as a reference */
	const char *seller_name, *seller_address, *seller_gstin,
	    *seller_state;						  /* gstin may be "" */
	const char *buyer_name, *buyer_email, *buyer_gstin, *buyer_state; /* may be "" */
	const char *place_of_supply; /* "Karnataka (29)" or "Outside India (US): ..." */
	const char *sac;	     /* 998439 or SOUK_SAC_CODE */
	bool export_supply;	     /* outside India: no GST, the document says so */
	const char *currency;	     /* "INR" */
	const struct invoice_doc_line *lines;
	size_t nlines; /* may be 0 for a credit note of a part of the total */
	int64_t taxable_paise, cgst_paise, sgst_paise, igst_paise, total_paise;
	const char *font_path; /* a TrueType font, or NULL / "" for Helvetica */
};

/* Renders doc to PDF bytes (*pdf, *len, arena-owned). SOUK_OK; SOUK_EINVALID
 * for a document that cannot be printed (no number, totals that do not add
 * up); SOUK_EINTERNAL when libharu fails. */
int invoice_pdf_render(struct arena *a, const struct invoice_doc *doc, unsigned char **pdf,
		       size_t *len);

/* ------------------------------------------------------- Razorpay --- */

#define RAZORPAY_SIGNATURE_HEX 64

/* hex HMAC-SHA256(key secret, order_id + "|" + payment_id): what Razorpay
 * Checkout returns as razorpay_signature. */
void razorpay_payment_signature(const char *key_secret, const char *order_id,
				const char *payment_id, char out[RAZORPAY_SIGNATURE_HEX + 1]);

/* hex HMAC-SHA256(webhook secret, the raw body bytes): X-Razorpay-Signature. */
void razorpay_webhook_signature(const char *webhook_secret, const void *body, size_t len,
				char out[RAZORPAY_SIGNATURE_HEX + 1]);

/* True when given (client input, possibly NULL) equals expected, in time
 * that does not depend on where they differ. */
bool razorpay_signature_equal(const char *expected, const char *given);

/* ----------------------------------------------------------- cart --- */

/*
 * The cart routes (src/commerce/cart.c). Each answers 200 with the priced
 * cart: {"items":[{product, slug, title, price_paise, tax_rate_bp,
 * discount_paise, taxable_paise, tax_paise, total_paise}], subtotal_paise,
 * discount_paise, taxable_paise, cgst_paise, sgst_paise, igst_paise,
 * tax_paise, total_paise, currency, supply, coupon, max_items,
 * "notices":[{product, code, message}]}, taxed for ?country= and ?state=
 * (defaults: India, the seller's state); 422 bad country or state; 503
 * dependency_unavailable when Redis cannot be reached.
 *   cart_get     GET /api/v1/cart
 *   cart_add     POST /api/v1/cart/items {product: public id or slug}: 404 not
 *                for sale, 409 already owned, 422 free or the cart is full
 *   cart_remove  DELETE /api/v1/cart/items/{product} (public id or slug;
 *                removing what is not there is not an error)
 */
int cart_get(struct worker *w, struct http_request *req, struct http_response *res);
int cart_add(struct worker *w, struct http_request *req, struct http_response *res);
int cart_remove(struct worker *w, struct http_request *req, struct http_response *res);
/*   cart_coupon_set   PUT /api/v1/cart/coupon {code}: 422 on code saying why
 *                     (unknown, not yet valid, expired, used up, already used
 *                     by you, minimum not met, nothing in the cart it applies to)
 *   cart_coupon_clear DELETE /api/v1/cart/coupon
 * A coupon that stops applying later (the cart changed, it expired) is taken
 * off at the next read with a notice {"product":null,"code":"coupon"}. */
int cart_coupon_set(struct worker *w, struct http_request *req, struct http_response *res);
int cart_coupon_clear(struct worker *w, struct http_request *req, struct http_response *res);

/* A cart priced for a sale: its lines (PostgreSQL's products and prices,
 * oldest line first), their GST, the totals and the coupon. */
struct cart_priced {
	size_t n;
	struct sale_product products[COMMERCE_MAX_LINES];
	struct gst_line_out lines[COMMERCE_MAX_LINES];
	struct gst_totals totals;
	enum gst_supply supply;
	bool has_coupon;
	struct coupon coupon; /* when has_coupon */
};

/*
 * The signed-in caller's cart priced for supply, as every cart read prices
 * it (lines that cannot be sold and a coupon that stopped applying are
 * taken out, with a notice each appended to notices, a cJSON array). *out is
 * arena-owned. SOUK_EUNAUTH for a guest; SOUK_EREDIS; SOUK_EDB.
 */
int cart_price(struct worker *w, struct http_request *req, enum gst_supply supply,
	       struct cJSON *notices, struct cart_priced **out);

/* Adds the eight *_paise members of t (subtotal ... total) to object o. */
void gst_totals_json(struct cJSON *o, const struct gst_totals *t);

/* "intra_state", "inter_state" or "export". */
const char *gst_supply_name(enum gst_supply supply);

/* After a purchase: takes the products bought (public ids) and, when
 * coupon, the coupon out of user_id's cart. SOUK_EREDIS. */
int cart_forget(struct worker *w, struct arena *a, const char *user_id, const char *const *products,
		size_t n, bool coupon);

/* souk-jobs cleanup: abandoned carts expire in Redis 30 days after their
 * last use; this gives a cart left without its expiry (a crash between two
 * commands) those 30 days. *fixed counts them. SOUK_EREDIS. */
int cart_cleanup(struct worker *w, struct arena *a, long *fixed);

/* At sign-in: moves the guest cart of req's souk_cart cookie into user_id's
 * cart and clears the cookie on res. Never fails the sign-in: when Redis
 * cannot be reached the guest cart is left for the next sign-in. */
void cart_merge(struct worker *w, struct http_request *req, struct http_response *res,
		const char *user_id);

/* --------------------------------------------------------- orders --- */

/* A payment as the provider reports it (strings arena-owned). */
struct provider_payment {
	const char *id;	      /* pay_... */
	const char *order_id; /* the provider's order id (NULL when it has none) */
	const char *status;   /* created | authorized | captured | failed | refunded */
	const char *method;   /* upi, card, ... (may be NULL) */
	int64_t amount_paise;
	char currency[4];
	const char *raw; /* the entity as JSON text, kept in payments.raw */
};

/* An order as checkout and payments need it (strings arena-owned). */
struct order_row {
	const char *id; /* orders.id */
	const char *public_id;
	const char *user_id;
	const char *status; /* pending | paid | failed | refunded | cancelled */
	int64_t total_paise;
	char currency[4];
	const char *provider;	       /* razorpay | sandbox */
	const char *provider_order_id; /* NULL until the provider made its order */
	const char *request_hash;      /* of the checkout body that created it */
	const char *email;	       /* the buyer's */
	const char *billing_name;
};

/* What the buyer gave at checkout, validated. */
struct order_input {
	const char *billing_name;
	const char *country; /* ISO 3166-1 alpha-2 */
	const char *state;   /* GST state code, NULL outside India */
	const char *gstin;   /* NULL when none */
	const char *provider;
	const char *idempotency_key;
	const char *request_hash; /* hex SHA-256 of the body */
};

enum fulfil_result {
	FULFIL_DONE,	    /* this call fulfilled it */
	FULFIL_ALREADY,	    /* it was paid already (another path won, or a retry) */
	FULFIL_MISMATCH,    /* amount or currency differ: not fulfilled, flagged */
	FULFIL_NOT_PENDING, /* cancelled or failed: not fulfilled, flagged */
};

/* The caller's order made with this Idempotency-Key. SOUK_ENOTFOUND. */
int order_find_by_key(struct worker *w, struct arena *a, const char *user_id, const char *key,
		      struct order_row *out);
/* The order of a provider order id; user_id NULL: anyone's. SOUK_ENOTFOUND. */
int order_find_by_provider(struct worker *w, struct arena *a, const char *provider_order_id,
			   const char *user_id, struct order_row *out);

/*
 * One transaction: locks the cart's coupon and checks it again counting
 * pending orders' reservations (24 h), then creates the pending order and
 * its lines (title, price, tax rate, discount and tax snapshotted).
 * SOUK_OK with *out; SOUK_EINVALID with *coupon_why when the coupon was
 * taken meanwhile; SOUK_ECONFLICT when a retry with the same key won.
 */
int order_create(struct worker *w, struct arena *a, const char *user_id,
		 const struct order_input *in, const struct cart_priced *pc, struct order_row *out,
		 const char **coupon_why);

/* Serialises the buyer's new checkouts (the supersede, then the create), so
 * two tabs cannot both pass orders_supersede() before either order exists.
 * Held by this worker's connection until orders_checkout_unlock(). */
int orders_checkout_lock(struct worker *w, struct arena *a, const char *user_id);
void orders_checkout_unlock(struct worker *w, struct arena *a, const char *user_id);

/*
 * Before a new checkout (a new Idempotency-Key) of the cart pc: the buyer's
 * other pending orders with any of its products are superseded, so two
 * orders for one product can never both be paid. Each is first looked up at
 * its provider (a captured payment fulfils it, an authorized one of its
 * amount is captured: *paid_meanwhile, and the caller should price the cart
 * again); otherwise it is cancelled, and a payment arriving for it later is
 * not captured (payments_verify) or, captured by the provider on its own,
 * flagged for a refund (order_fulfil). A Razorpay order that cannot be asked
 * about here (no keys) is left pending. SOUK_EDB, SOUK_EUPSTREAM.
 */
int orders_supersede(struct worker *w, struct arena *a, const char *user_id,
		     const struct cart_priced *pc, bool *paid_meanwhile);

/* Stores the provider's order id (outside any other transaction). When a
 * racing retry stored one first, o gets that one. SOUK_ECONFLICT: the order
 * is no longer pending. */
int order_set_provider_order(struct worker *w, struct arena *a, struct order_row *o,
			     const char *provider_order_id);

/*
 * Fulfils order_id for payment p (captured; NULL for a free order) exactly
 * once, in one transaction: the order becomes paid only if it is pending
 * and p's amount and currency are the order's; then the payment is
 * recorded, the entitlements granted, the coupon's redemption counted, the
 * invoice numbered (the financial year's counter row, so numbers have no
 * gap; none for a free order) and the order_confirmation e-mail queued once.
 * Otherwise the payment is still recorded and, when it needs a person (wrong
 * amount, a second payment, a cancelled order), the order flagged.
 */
int order_fulfil(struct worker *w, struct arena *a, const char *order_id,
		 const struct provider_payment *p, enum fulfil_result *result);

/* Records a failed payment and queues payment_failed once; the order stays
 * as it is (a UPI payment may still be captured later). */
int order_payment_failed(struct worker *w, struct arena *a, const struct order_row *o,
			 const struct provider_payment *p);

/* Queues the order_confirmation e-mail of the order with public id
 * public_id again (staff's resend), with the first one's data, to the
 * buyer's current address, under the key "order_resend:<public id>:<n>",
 * and audits it (order.confirmation_resent, by actor, users.id as text,
 * from ip), in one transaction. SOUK_ENOTFOUND no such order;
 * SOUK_ECONFLICT it is not paid or refunded; SOUK_ERATELIMIT it was sent
 * again 5 times in the last 24 hours (*retry_after: seconds until one more
 * may go). *why (arena-owned) says which, for the error's message. */
int order_confirmation_resend(struct worker *w, struct arena *a, const char *public_id,
			      const char *actor, const char *ip, const char **why,
			      long *retry_after);

/* JSON text of one order: the caller's by public id (another's is
 * SOUK_ENOTFOUND), or any by orders.id. */
int order_json_mine_get(struct worker *w, struct arena *a, const char *user_id,
			const char *public_id, char **json);
int order_json(struct worker *w, struct arena *a, const char *order_id, char **json);
/* A page of the user's orders, newest first (the page contract). */
int orders_mine_list(struct worker *w, struct arena *a, const char *user_id,
		     const int64_t *after_id, long limit, char **items, bool *more,
		     int64_t *last_id);

/* souk-jobs reconcile: asks the provider about at most limit orders pending
 * for 10 minutes to 3 days and fulfils those a payment was captured for
 * (capturing an authorized one), recording failed ones. SOUK_EUPSTREAM ends
 * the run (Razorpay down: the next run asks again). */
int orders_reconcile(struct worker *w, struct arena *a, long limit, long *checked, long *paid);
/* souk-jobs expire-orders: at most limit orders pending for 24 hours are
 * looked at a last time (as reconcile does) and, still unpaid, cancelled;
 * so are orders that never reached the provider. */
int orders_expire(struct worker *w, struct arena *a, long limit, long *cancelled);
/* souk-jobs cleanup: deletes up to limit orders cancelled unpaid over
 * ORDERS_KEEP_CANCELLED_DAYS ago that no money ever touched (no payment,
 * refund, dispute, invoice, entitlement, provider event or flag): abandoned
 * checkouts. Anything else is a record and stays. */
#define ORDERS_KEEP_CANCELLED_DAYS 90
int orders_cleanup(struct worker *w, struct arena *a, long limit, long *deleted);

/* The sandbox provider's payments (no Razorpay keys, never in production). */
int sandbox_payment_create(struct worker *w, struct arena *a, const struct order_row *o,
			   bool captured, const char *payment_id);
int sandbox_payment_fetch(struct worker *w, struct arena *a, const char *payment_id,
			  struct provider_payment *out);

/* Razorpay's REST API (razorpay_api.c), SOUK_EUPSTREAM when it fails or
 * is slow past SOUK_RAZORPAY_TIMEOUT_MS. */
int razorpay_order_create(struct worker *w, struct arena *a, int64_t amount_paise,
			  const char *receipt, char **provider_order_id);
/* SOUK_ENOTFOUND: no such payment. */
int razorpay_payment_fetch(struct worker *w, struct arena *a, const char *payment_id,
			   struct provider_payment *out);
int razorpay_payment_capture(struct worker *w, struct arena *a, const struct provider_payment *p,
			     struct provider_payment *out);
/* The payments of a provider order (reconcile): *out[0..*n), arena-owned. */
int razorpay_order_payments(struct worker *w, struct arena *a, const char *provider_order_id,
			    struct provider_payment **out, size_t *n);

/* A refund as the provider reports it (strings arena-owned). */
struct provider_refund {
	const char *id;		 /* rfnd_... */
	const char *payment_id;	 /* pay_... */
	const char *status;	 /* pending | processed | failed */
	const char *souk_refund; /* refunds.public_id from notes.souk_refund, or NULL */
	int64_t amount_paise;
	char currency[4];
};

/* Asks Razorpay to refund amount of payment_id, idempotently by the
 * refund's public id (X-Refund-Idempotency; also notes.souk_refund and the
 * receipt). SOUK_EINVALID with *refused (Razorpay's reason) when Razorpay
 * refuses it; SOUK_EUPSTREAM when it cannot be reached (retry: same key). */
int razorpay_refund_create(struct worker *w, struct arena *a, const char *payment_id,
			   int64_t amount_paise, const char *refund_public_id,
			   struct provider_refund *out, const char **refused);
/* GET /v1/refunds/{id}: SOUK_ENOTFOUND. */
int razorpay_refund_fetch(struct worker *w, struct arena *a, const char *refund_id,
			  struct provider_refund *out);
/* Reads a refund entity (an API answer or payload.refund.entity). */
int provider_refund_from_json(struct arena *a, const struct cJSON *e, struct provider_refund *out);

/* Reads a payment entity (an API answer or a webhook's payload.payment.entity). */
int provider_payment_from_json(struct arena *a, const struct cJSON *entity,
			       struct provider_payment *out);

/*
 * The routes (checkout_http.c, webhooks.c):
 *   checkout_create   POST /api/v1/checkout (signed in, Idempotency-Key)
 *                     {billing_name, country, state?, gstin?}: 201 {order, payment}
 *                     (200 for a retry); 422 empty cart, bad fields, the key with
 *                     another body; 502 upstream_unavailable (retry with the key)
 *   payments_verify   POST /api/v1/payments/razorpay/verify {razorpay_order_id,
 *                     razorpay_payment_id, razorpay_signature}: 200 {order}; 400
 *                     bad signature; 404 not the caller's; 422 the payment failed
 *   sandbox_pay       POST /api/v1/payments/sandbox/pay {order, outcome: pay|fail}:
 *                     what Checkout would return, sandbox-signed (not in production)
 *   orders_mine       GET /api/v1/me/orders, GET /api/v1/me/orders/{id}
 *   webhook_razorpay  POST /api/v1/webhooks/razorpay (X-Razorpay-Signature)
 */
int checkout_create(struct worker *w, struct http_request *req, struct http_response *res);
int payments_verify(struct worker *w, struct http_request *req, struct http_response *res);
int sandbox_pay(struct worker *w, struct http_request *req, struct http_response *res);
int orders_mine_index(struct worker *w, struct http_request *req, struct http_response *res);
int orders_mine_show(struct worker *w, struct http_request *req, struct http_response *res);
int webhook_razorpay(struct worker *w, struct http_request *req, struct http_response *res);

/* Processes one Razorpay event (the webhook route, souk-jobs webhooks):
 * SOUK_OK with *error NULL (done) or why it cannot be processed now (kept);
 * a failure code when it failed for a passing reason. *order_id: the order
 * it was about (orders.id), or NULL. */
int webhook_event_process(struct worker *w, struct arena *a, const char *type,
			  const struct cJSON *event, const char **error, const char **order_id);
/* souk-jobs webhooks: processes again at most limit kept events whose
 * back-off has passed; counts what got done and what is kept still. */
int webhooks_retry(struct worker *w, struct arena *a, long limit, long *processed, long *kept);

/*
 * The invoice PDF (invoices.c): the owner's (orders_mine_invoice; another
 * user's order is 404) or any order's for staff with orders:read
 * (orders_admin_invoice). 200 application/pdf (local storage: nginx serves
 * it by X-Accel-Redirect; S3: 302 to a presigned URL); 202 {status:
 * "rendering"} with Retry-After until souk-jobs invoices has rendered it;
 * 404 no such order, or one with no invoice (unpaid, free).
 *   GET /api/v1/me/orders/{id}/invoice, GET /api/v1/admin/orders/{id}/invoice
 */
int orders_mine_invoice(struct worker *w, struct http_request *req, struct http_response *res);
/* souk-jobs invoices (invoice_docs.c): renders at most limit invoices and
 * limit credit notes not rendered yet and stores them (storage driver);
 * *rendered counts them. A document that cannot be rendered is logged and
 * skipped; storage or PostgreSQL down ends the run (the next one goes on). */
int invoices_render(struct worker *w, struct arena *a, long limit, long *rendered);
/* The invoice of the order with public id order_id, for the order
 * confirmation e-mail: *number and *key (NULL until rendered), arena-owned.
 * SOUK_ENOTFOUND when it has none (unpaid, free). */
int invoice_pdf_of_order(struct worker *w, struct arena *a, const char *order_id,
			 const char **number, const char **key);
int orders_admin_invoice(struct worker *w, struct http_request *req, struct http_response *res);
/* A credit note's PDF for staff with orders:read, as the invoice's (200, 302
 * or 202 while rendering); 404 when the order has no credit note numbered so.
 *   GET /api/v1/admin/orders/{id}/credit-notes/{number} */
int orders_admin_credit_note(struct worker *w, struct http_request *req, struct http_response *res);

/*
 * Staff orders (orders_admin.c), orders:read:
 *   orders_admin_index  GET /api/v1/admin/orders?status=&from=&to=&email=&product=
 *                       &limit=&cursor= : newest first, the page contract; from/to
 *                       are dates (YYYY-MM-DD, IST, to inclusive) or RFC 3339 times;
 *                       email is the buyer's (exact, any case); product a public id
 *                       or slug; 422 on a bad filter
 *   orders_admin_show   GET /api/v1/admin/orders/{id}: the order with buyer, flag,
 *                       payments, refunds, credit notes, disputes and webhook events
 *   orders_admin_confirmation_resend
 *                       POST /api/v1/admin/orders/{id}/confirmation: the buyer's
 *                       order_confirmation e-mail queued again (changes no money, so
 *                       orders:read): 202 {queued}; 404; 409 not paid or refunded;
 *                       429 (Retry-After) past 5 in 24 hours
 * Sales report (orders_admin.c), metrics:read:
 *   orders_admin_sales  GET /api/v1/admin/metrics/sales?from=&to=&limit= (as the
 *                       other metrics reports, days of the shop in IST): per day
 *                       orders paid, revenue, tax, refunded; orders created by
 *                       status; the top products by revenue; totals; 422
 */
int orders_admin_index(struct worker *w, struct http_request *req, struct http_response *res);
int orders_admin_show(struct worker *w, struct http_request *req, struct http_response *res);
int orders_admin_confirmation_resend(struct worker *w, struct http_request *req,
				     struct http_response *res);
int orders_admin_sales(struct worker *w, struct http_request *req, struct http_response *res);

/*
 * Refunds (refunds.c), orders:refund:
 *   refunds_create  POST /api/v1/admin/orders/{id}/refunds (Idempotency-Key)
 *                   {amount_paise?, reason, payment?}: 201 {refund, order} (200 for
 *                   a retry); 409 not paid / nothing left to refund; 422 bad amount,
 *                   the key with another body; 502 Razorpay failed (retry with the key)
 */
int refunds_create(struct worker *w, struct http_request *req, struct http_response *res);

/*
 * Settles refund_id (refunds.id) as the provider reports it: status
 * "processed" (the payment's and order's refunded amounts, a credit note
 * for a refund of the paying payment, the order refunded and its
 * entitlements revoked when its refunds reach the total, the refund_issued
 * e-mail, audit), "failed" (error kept, the held amount freed) or "pending"
 * (only the provider's id is stored). Once: a refund no longer pending is
 * left alone. actor and ip for the audit trail (NULL: the system).
 */
int refund_settle(struct worker *w, struct arena *a, const char *refund_id,
		  const char *provider_refund_id, const char *status, const char *error,
		  const char *actor, const char *ip);

/* A refund.* webhook event (webhooks.c): finds the refund (ours by
 * notes.souk_refund or its id; one made in the Dashboard is recorded) and
 * settles it. *error: why it cannot be processed (kept for souk-jobs
 * webhooks); *order_id: the order it was about (orders.id) or NULL. */
int refund_event(struct worker *w, struct arena *a, const char *type,
		 const struct provider_refund *pr, const char **error, const char **order_id);

/* A payment.dispute.* event with its dispute entity: records the dispute
 * (a decided one stays decided), suspends the order's entitlements while a
 * dispute is open, restores them when won or closed, revokes them when
 * lost, and flags the order for staff. *error, *order_id as refund_event. */
int dispute_event(struct worker *w, struct arena *a, const char *type, const struct cJSON *entity,
		  const char **error, const char **order_id);

/* souk-jobs reconcile: asks Razorpay about refunds still pending after 5
 * minutes (at most limit) and settles those it has decided. */
int refunds_reconcile(struct worker *w, struct arena *a, long limit, long *settled);

#endif
