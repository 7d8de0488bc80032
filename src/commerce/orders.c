/*
 * orders.c - the SQL on orders, order_items, payments, invoices and
 * sandbox_payments (schema/003, 015): creating an order from a priced cart
 * (with the coupon reserved under its row lock), fulfilling it exactly once,
 * recording failed payments, and the buyer's view. See
 * include/souk/commerce.h (orders part).
 *
 * Exactly once: order_fulfil() is one transaction whose first statement is
 * "UPDATE orders SET status = 'paid' ... WHERE status = 'pending' AND the
 * amount matches". Two paths racing (the buyer's verify, a webhook,
 * reconcile) queue on the order's row lock; the loser finds the order paid
 * and only records its payment (one row per provider payment id). So the
 * entitlements, the coupon's redemption, the invoice number and the e-mail
 * happen once.
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "souk/arena.h"
#include "souk/audit.h"
#include "souk/commerce.h"
#include "souk/config.h"
#include "souk/db.h"
#include "souk/err.h"
#include "souk/json.h"
#include "souk/log.h"
#include "souk/mail.h"
#include "souk/str.h"
#include "souk/worker.h"

/* a pending order holds its coupon this long (souk-jobs expire-orders
 * cancels it then) */
#define RESERVATION "interval '24 hours'"

/* staff send an order's confirmation again at most this often in this window */
#define ORDER_RESENDS_MAX 5
#define ORDER_RESEND_WINDOW "interval '24 hours'"

#define ORDER_ROW_COLUMNS                                                                          \
	"SELECT o.id, o.public_id, o.user_id, o.status, o.total_paise, o.currency, o.provider,"    \
	" o.provider_order_id, o.request_hash, u.email, coalesce(o.billing_name, '')"              \
	" FROM orders o JOIN users u ON u.id = o.user_id"

static struct db_statement order_by_key = {
    .name = "order_by_key",
    .sql = ORDER_ROW_COLUMNS " WHERE o.user_id = $1::bigint AND o.idempotency_key = $2",
    .nparams = 2,
    .flags = DB_READONLY,
};

static struct db_statement order_by_provider_id = {
    .name = "order_by_provider_id",
    .sql = ORDER_ROW_COLUMNS " WHERE o.provider_order_id = $1"
			     " AND ($2::bigint IS NULL OR o.user_id = $2::bigint)",
    .nparams = 2,
    .flags = DB_READONLY,
};

static struct db_statement coupon_lock = {
    .name = "order_coupon_lock",
    .sql = "SELECT coalesce(max_redemptions, -1), redemptions, coalesce(per_customer_limit, -1)"
	   " FROM coupons WHERE id = $1::bigint FOR UPDATE",
    .nparams = 1,
};

/* after the lock: a new snapshot sees the reservations committed meanwhile */
static struct db_statement coupon_reservations = {
    .name = "order_coupon_reservations",
    .sql = "SELECT count(*) FILTER (WHERE status = 'pending'),"
	   " count(*) FILTER (WHERE user_id = $2::bigint)"
	   " FROM orders WHERE coupon_id = $1::bigint"
	   " AND (status IN ('paid', 'refunded')"
	   "   OR (status = 'pending' AND created_at > now() - " RESERVATION "))",
    .nparams = 2,
};

static struct db_statement order_insert = {
    .name = "order_insert",
    .sql = "INSERT INTO orders (user_id, subtotal_paise, discount_paise, tax_paise, total_paise,"
	   " currency, coupon_id, provider, gstin, billing_name, billing_state, billing_country,"
	   " supply, cgst_paise, sgst_paise, igst_paise, idempotency_key, request_hash)"
	   " VALUES ($1::bigint, $2::bigint, $3::bigint, $4::bigint, $5::bigint, $6, $7::bigint,"
	   " $8, $9, $10, $11, $12, $13, $14::bigint, $15::bigint, $16::bigint, $17, $18)"
	   " RETURNING id",
    .nparams = 18,
};

static struct db_statement item_insert = {
    .name = "order_item_insert",
    .sql = "INSERT INTO order_items (order_id, product_id, title, unit_price_paise, tax_rate_bp,"
	   " tax_paise, discount_paise) VALUES ($1::bigint, $2::bigint, $3, $4::bigint, $5::int,"
	   " $6::bigint, $7::bigint)",
    .nparams = 7,
};

static struct db_statement provider_order_set = {
    .name = "order_provider_order_set",
    .sql = "UPDATE orders SET provider_order_id = $2 WHERE id = $1::bigint"
	   " AND provider_order_id IS NULL AND status = 'pending' RETURNING provider_order_id",
    .nparams = 2,
};

static struct db_statement provider_order_get = {
    .name = "order_provider_order_get",
    .sql = "SELECT provider_order_id, status FROM orders WHERE id = $1::bigint",
    .nparams = 1,
};

/* the one conditional update that makes fulfilment happen once */
static struct db_statement order_mark_paid = {
    .name = "order_mark_paid",
    .sql = "UPDATE orders SET status = 'paid', paid_at = now() WHERE id = $1::bigint"
	   " AND status = 'pending' AND total_paise = $2::bigint AND currency = $3"
	   " RETURNING public_id, user_id, coupon_id, total_paise, subtotal_paise - discount_paise,"
	   " cgst_paise, sgst_paise, igst_paise, coalesce(billing_name, ''), billing_state,"
	   " billing_country, gstin",
    .nparams = 3,
};

static struct db_statement order_lock = {
    .name = "order_lock",
    .sql = "SELECT status, total_paise, currency,"
	   " EXISTS (SELECT 1 FROM payments p WHERE p.order_id = o.id"
	   "   AND p.status IN ('captured', 'refunded') AND p.provider_payment_id <> $2)"
	   " FROM orders o WHERE id = $1::bigint FOR UPDATE",
    .nparams = 2,
};

static struct db_statement order_flag = {
    .name = "order_flag",
    .sql = "UPDATE orders SET flag = left(coalesce(flag || ' | ', '') || $2, 1000)"
	   " WHERE id = $1::bigint AND strpos(coalesce(flag, ''), $2) = 0",
    .nparams = 2,
};

/* a payment as the provider reported it; a captured one is never turned back */
static struct db_statement payment_record = {
    .name = "order_payment_record",
    .sql = "INSERT INTO payments (order_id, provider_payment_id, status, amount_paise, currency,"
	   " method, raw) VALUES ($1::bigint, $2, $3, $4::bigint, $5, $6, $7::jsonb)"
	   " ON CONFLICT (provider_payment_id) DO UPDATE SET"
	   " status = CASE WHEN payments.status IN ('captured', 'refunded')"
	   "   THEN payments.status ELSE EXCLUDED.status END,"
	   " raw = CASE WHEN payments.status IN ('captured', 'refunded')"
	   "   THEN payments.raw ELSE EXCLUDED.raw END"
	   " WHERE payments.order_id = EXCLUDED.order_id",
    .nparams = 7,
};

static struct db_statement order_paid_by = {
    .name = "order_paid_by",
    .sql =
	"UPDATE orders SET payment_id = p.id FROM payments p"
	" WHERE orders.id = $1::bigint AND p.provider_payment_id = $2 AND p.order_id = orders.id",
    .nparams = 2,
};

static struct db_statement entitlements_grant = {
    .name = "order_entitlements_grant",
    .sql = "INSERT INTO entitlements (user_id, product_id, order_id, source)"
	   " SELECT $2::bigint, i.product_id, $1::bigint, 'purchase' FROM order_items i"
	   " WHERE i.order_id = $1::bigint"
	   " ON CONFLICT (user_id, product_id) DO UPDATE SET order_id = EXCLUDED.order_id,"
	   " source = 'purchase', revoked_at = NULL, suspended_at = NULL, expires_at = NULL",
    .nparams = 2,
};

static struct db_statement coupon_redeem = {
    .name = "order_coupon_redeem",
    .sql = "UPDATE coupons SET redemptions = redemptions + 1 WHERE id = $1::bigint",
    .nparams = 1,
};

static struct db_statement invoice_next = {
    .name = "order_invoice_next",
    .sql = "INSERT INTO invoice_counters (financial_year, last_sequence) VALUES ($1, 1)"
	   " ON CONFLICT (financial_year) DO UPDATE"
	   " SET last_sequence = invoice_counters.last_sequence + 1 RETURNING last_sequence",
    .nparams = 1,
};

static struct db_statement invoice_insert = {
    .name = "order_invoice_insert",
    .sql =
	"INSERT INTO invoices (number, order_id, financial_year, sequence, seller_name,"
	" seller_address, seller_gstin, seller_state, buyer_name, buyer_email, buyer_gstin,"
	" buyer_state, place_of_supply, taxable_paise, cgst_paise, sgst_paise, igst_paise,"
	" total_paise, currency)"
	" SELECT $1, o.id, $2, $3::int, $4, $5, nullif($6, ''), $7, coalesce(o.billing_name, ''),"
	" u.email, o.gstin, o.billing_state, $8, o.subtotal_paise - o.discount_paise,"
	" o.cgst_paise, o.sgst_paise, o.igst_paise, o.total_paise, o.currency"
	" FROM orders o JOIN users u ON u.id = o.user_id WHERE o.id = $9::bigint",
    .nparams = 9,
};

static struct db_statement order_mail_items = {
    .name = "order_mail_items",
    .sql = "SELECT coalesce(json_agg(json_build_object('title', i.title,"
	   " 'price_paise', i.unit_price_paise) ORDER BY i.id), '[]')::text, u.email, u.name"
	   " FROM orders o JOIN users u ON u.id = o.user_id"
	   " LEFT JOIN order_items i ON i.order_id = o.id WHERE o.id = $1::bigint"
	   " GROUP BY u.email, u.name",
    .nparams = 1,
};

/* An order whose confirmation staff send again, locked so that resends of
 * one order queue on it and the cap counts them all: orders.id, the public
 * id as stored, status, total, invoice number ("" for none), its resends
 * ever, those in the window, and the seconds until the oldest of those
 * leaves it. Resends are counted in audit_log, which is never pruned, so
 * the count also numbers their dedupe keys. */
static struct db_statement order_resend_lock = {
    .name = "order_resend_lock",
    .sql = "SELECT o.id, o.public_id, o.status, o.total_paise, coalesce(v.number, ''),"
	   " x.ever, x.recent, x.wait FROM orders o LEFT JOIN invoices v ON v.order_id = o.id"
	   " CROSS JOIN LATERAL (SELECT count(*) AS ever,"
	   "   count(*) FILTER (WHERE l.at > now() - " ORDER_RESEND_WINDOW ") AS recent,"
	   "   coalesce(ceil(extract(epoch FROM min(l.at) FILTER (WHERE l.at > now() "
	   "- " ORDER_RESEND_WINDOW ") + " ORDER_RESEND_WINDOW " - now())), 0)::bigint AS wait"
	   "   FROM audit_log l WHERE l.entity = 'order' AND l.entity_id = o.public_id::text"
	   "   AND l.action = 'order.confirmation_resent') x"
	   " WHERE o.public_id = $1::uuid FOR UPDATE OF o",
    .nparams = 1,
};

static struct db_statement sandbox_insert = {
    .name = "order_sandbox_payment_insert",
    .sql = "INSERT INTO sandbox_payments (provider_payment_id, provider_order_id, status,"
	   " amount_paise, currency) VALUES ($1, $2, $3, $4::bigint, $5)",
    .nparams = 5,
};

static struct db_statement sandbox_get = {
    .name = "order_sandbox_payment_get",
    .sql = "SELECT provider_payment_id, provider_order_id, status, amount_paise, currency"
	   " FROM sandbox_payments WHERE provider_payment_id = $1",
    .nparams = 1,
    .flags = DB_READONLY,
};

/* clang-format off */
#define ORDER_JSON                                                                                 \
	"json_build_object('id', o.public_id, 'status', o.status,"                                \
	" 'created_at', " DB_TS("o.created_at") ", 'paid_at', " DB_TS("o.paid_at") ","           \
	" 'refunded_at', " DB_TS("o.refunded_at") ","                                            \
	" 'subtotal_paise', o.subtotal_paise, 'discount_paise', o.discount_paise,"              \
	" 'taxable_paise', o.subtotal_paise - o.discount_paise, 'cgst_paise', o.cgst_paise,"    \
	" 'sgst_paise', o.sgst_paise, 'igst_paise', o.igst_paise, 'tax_paise', o.tax_paise,"   \
	" 'total_paise', o.total_paise, 'refunded_paise', o.refunded_paise,"                     \
	" 'currency', o.currency, 'supply', o.supply,"                                           \
	" 'billing', json_build_object('name', o.billing_name, 'country', o.billing_country,"   \
	"   'state', o.billing_state, 'gstin', o.gstin),"                                        \
	" 'coupon', (SELECT c.code FROM coupons c WHERE c.id = o.coupon_id),"                    \
	" 'items', (SELECT coalesce(json_agg(json_build_object('product', p.public_id,"          \
	"   'slug', p.slug, 'title', i.title, 'price_paise', i.unit_price_paise,"               \
	"   'discount_paise', i.discount_paise, 'tax_rate_bp', i.tax_rate_bp,"                  \
	"   'tax_paise', i.tax_paise) ORDER BY i.id), '[]')"                                      \
	"   FROM order_items i JOIN products p ON p.id = i.product_id WHERE i.order_id = o.id),"  \
	" 'invoice', (SELECT json_build_object('number', v.number, 'issued_at', "                \
	"   " DB_TS("v.issued_at") ") FROM invoices v WHERE v.order_id = o.id),"                  \
	" 'provider', o.provider, 'provider_order_id', o.provider_order_id)"

static struct db_statement order_json_mine = {
	.name = "order_json_mine",
	.sql = "SELECT " ORDER_JSON "::text FROM orders o"
	       " WHERE o.public_id = $1::uuid AND o.user_id = $2::bigint",
	.nparams = 2,
	.flags = DB_READONLY,
};

static struct db_statement order_json_by_id = {
	.name = "order_json_by_id",
	.sql = "SELECT " ORDER_JSON "::text FROM orders o WHERE o.id = $1::bigint",
	.nparams = 1,
	.flags = DB_READONLY,
};

static struct db_statement orders_mine = {
	.name = "orders_mine",
	.sql = "SELECT coalesce(json_agg(x.item ORDER BY x.k DESC) FILTER (WHERE x.n <= $3::int),"
	       " '[]')::text, count(*) > $3::int, min(x.k) FILTER (WHERE x.n <= $3::int) FROM ("
	       " SELECT o.id AS k, row_number() OVER (ORDER BY o.id DESC) AS n, " ORDER_JSON " AS item"
	       " FROM orders o WHERE o.user_id = $1::bigint"
	       " AND ($2::bigint IS NULL OR o.id < $2::bigint)"
	       " ORDER BY o.id DESC LIMIT $3::int + 1) x",
	.nparams = 3,
	.flags = DB_READONLY,
};
/* clang-format on */

/* pending orders for the jobs, oldest first: $1 older than (hours), $2 newer
 * than (hours, NULL: any age), $3 limit, $4 whether Razorpay can be asked
 * (without keys its orders cannot be looked at, so they are left pending:
 * never cancelled blind, their payment may have been captured) */
static struct db_statement pending_orders = {
    .name = "orders_pending_for_jobs",
    .sql = "SELECT o.id FROM orders o WHERE o.status = 'pending'"
	   " AND o.created_at < now() - interval '1 hour' * $1::float8"
	   " AND ($2::float8 IS NULL OR o.created_at > now() - interval '1 hour' * $2::float8)"
	   " AND o.provider_order_id IS NOT NULL AND ($4::boolean OR o.provider <> 'razorpay')"
	   /* asked less often as it ages: again after a quarter of its age */
	   " AND ($5::boolean OR o.checked_at IS NULL"
	   "   OR o.checked_at < now() - (now() - o.created_at) / 4)"
	   " ORDER BY o.checked_at NULLS FIRST, o.created_at LIMIT $3::int",
    .nparams = 5,
    .flags = DB_READONLY,
};

static struct db_statement order_checked = {
    .name = "order_checked",
    .sql = "UPDATE orders SET checked_at = now() WHERE id = $1::bigint",
    .nparams = 1,
};

static struct db_statement order_by_id = {
    .name = "order_by_id",
    .sql = ORDER_ROW_COLUMNS " WHERE o.id = $1::bigint",
    .nparams = 1,
    .flags = DB_READONLY,
};

static struct db_statement order_cancel = {
    .name = "order_cancel_expired",
    .sql = "UPDATE orders SET status = 'cancelled' WHERE id = $1::bigint AND status = 'pending'"
	   " AND created_at < now() - " RESERVATION " RETURNING public_id",
    .nparams = 1,
};

/* orders that never reached the provider (it was down, the buyer left) */
static struct db_statement cancel_unsent = {
    .name = "order_cancel_unsent",
    .sql = "UPDATE orders SET status = 'cancelled' WHERE id IN (SELECT id FROM orders"
	   " WHERE status = 'pending' AND provider_order_id IS NULL"
	   " AND created_at < now() - " RESERVATION " ORDER BY created_at LIMIT $1::int)"
	   " AND status = 'pending'",
    .nparams = 1,
};

static struct db_statement sandbox_of_order = {
    .name = "order_sandbox_payments_of",
    .sql = "SELECT provider_payment_id FROM sandbox_payments WHERE provider_order_id = $1"
	   " ORDER BY id",
    .nparams = 1,
    .flags = DB_READONLY,
};

static char *num(struct arena *a, int64_t v)
{
	return arena_printf(a, "%" PRId64, v);
}

static void order_row(struct arena *a, PGresult *r, struct order_row *o)
{
	o->id = arena_strdup(a, PQgetvalue(r, 0, 0));
	o->public_id = arena_strdup(a, PQgetvalue(r, 0, 1));
	o->user_id = arena_strdup(a, PQgetvalue(r, 0, 2));
	o->status = arena_strdup(a, PQgetvalue(r, 0, 3));
	o->total_paise = strtoll(PQgetvalue(r, 0, 4), NULL, 10);
	snprintf(o->currency, sizeof(o->currency), "%s", PQgetvalue(r, 0, 5));
	o->provider = arena_strdup(a, PQgetvalue(r, 0, 6));
	o->provider_order_id = PQgetisnull(r, 0, 7) ? NULL : arena_strdup(a, PQgetvalue(r, 0, 7));
	o->request_hash = PQgetisnull(r, 0, 8) ? "" : arena_strdup(a, PQgetvalue(r, 0, 8));
	o->email = arena_strdup(a, PQgetvalue(r, 0, 9));
	o->billing_name = arena_strdup(a, PQgetvalue(r, 0, 10));
}

static int one_order(struct worker *w, struct arena *a, struct db_statement *st,
		     const char *const *params, struct order_row *out)
{
	PGresult *r = NULL;
	int rc = db_exec(&w->db, a, st, params, &r);

	if (rc != SOUK_OK)
		return rc;
	if (PQntuples(r) != 1)
		return SOUK_ENOTFOUND;
	order_row(a, r, out);
	return SOUK_OK;
}

int order_find_by_key(struct worker *w, struct arena *a, const char *user_id, const char *key,
		      struct order_row *out)
{
	const char *params[] = {user_id, key};

	return one_order(w, a, &order_by_key, params, out);
}

int order_find_by_provider(struct worker *w, struct arena *a, const char *provider_order_id,
			   const char *user_id, struct order_row *out)
{
	const char *params[] = {provider_order_id, user_id};

	return one_order(w, a, &order_by_provider_id, params, out);
}

/* Under the coupon's row lock: may this user's order take it? */
static int coupon_reserve(struct worker *w, struct arena *a, const struct coupon *c,
			  const char *user_id, const char **why)
{
	const char *p1[] = {c->id}, *p2[] = {c->id, user_id};
	long max, redeemed, per_customer, pending, mine;
	PGresult *r = NULL;
	int rc = db_exec(&w->db, a, &coupon_lock, p1, &r);

	if (rc != SOUK_OK)
		return rc;
	if (PQntuples(r) != 1) {
		*why = "is not a valid coupon";
		return SOUK_EINVALID;
	}
	max = strtol(PQgetvalue(r, 0, 0), NULL, 10);
	redeemed = strtol(PQgetvalue(r, 0, 1), NULL, 10);
	per_customer = strtol(PQgetvalue(r, 0, 2), NULL, 10);
	rc = db_exec(&w->db, a, &coupon_reservations, p2, &r);
	if (rc != SOUK_OK)
		return rc;
	pending = strtol(PQgetvalue(r, 0, 0), NULL, 10);
	mine = strtol(PQgetvalue(r, 0, 1), NULL, 10);
	if (max >= 0 && redeemed + pending >= max)
		*why = "has been used up";
	else if (per_customer >= 0 && mine >= per_customer)
		*why = per_customer == 1 ? "was already used on your account"
					 : "was used as often as one account may";
	else
		return SOUK_OK;
	return SOUK_EINVALID;
}

int order_create(struct worker *w, struct arena *a, const char *user_id,
		 const struct order_input *in, const struct cart_priced *pc, struct order_row *out,
		 const char **coupon_why)
{
	const struct gst_totals *t = &pc->totals;
	PGresult *r = NULL;
	const char *order_id;
	int rc;

	*coupon_why = NULL;
	rc = db_begin(&w->db, a);
	if (rc != SOUK_OK)
		return rc;
	if (pc->has_coupon)
		rc = coupon_reserve(w, a, &pc->coupon, user_id, coupon_why);
	if (rc == SOUK_OK) {
		const char *params[] = {user_id,
					num(a, t->subtotal_paise),
					num(a, t->discount_paise),
					num(a, t->tax_paise),
					num(a, t->total_paise),
					COMMERCE_CURRENCY,
					pc->has_coupon ? pc->coupon.id : NULL,
					in->provider,
					in->gstin,
					in->billing_name,
					in->state,
					in->country,
					gst_supply_name(pc->supply),
					num(a, t->cgst_paise),
					num(a, t->sgst_paise),
					num(a, t->igst_paise),
					in->idempotency_key,
					in->request_hash};

		rc = db_exec(&w->db, a, &order_insert, params, &r);
	}
	if (rc == SOUK_OK) {
		order_id = arena_strdup(a, PQgetvalue(r, 0, 0));
		for (size_t i = 0; rc == SOUK_OK && i < pc->n; i++) {
			const struct sale_product *p = &pc->products[i];
			const struct gst_line_out *l = &pc->lines[i];
			const char *params[] = {order_id,
						p->id,
						p->title,
						num(a, p->price_paise),
						num(a, p->tax_rate_bp),
						num(a, l->tax_paise),
						num(a, l->discount_paise)};

			rc = db_exec(&w->db, a, &item_insert, params, NULL);
		}
	}
	rc = db_end(&w->db, a, rc);
	if (rc != SOUK_OK)
		return rc;
	return order_find_by_key(w, a, user_id, in->idempotency_key, out);
}

int order_set_provider_order(struct worker *w, struct arena *a, struct order_row *o,
			     const char *provider_order_id)
{
	const char *p2[] = {o->id, provider_order_id}, *p1[] = {o->id};
	PGresult *r = NULL;
	int rc = db_exec(&w->db, a, &provider_order_set, p2, &r);

	if (rc == SOUK_OK && PQntuples(r) == 1) {
		o->provider_order_id = arena_strdup(a, provider_order_id);
		return SOUK_OK;
	}
	/* a retry racing this one stored its own first: use that one */
	if (rc == SOUK_OK)
		rc = db_exec(&w->db, a, &provider_order_get, p1, &r);
	if (rc != SOUK_OK)
		return rc;
	if (PQntuples(r) != 1 || PQgetisnull(r, 0, 0))
		return SOUK_ECONFLICT; /* no longer pending */
	o->provider_order_id = arena_strdup(a, PQgetvalue(r, 0, 0));
	return SOUK_OK;
}

static int record_payment(struct worker *w, struct arena *a, const char *order_id,
			  const struct provider_payment *p, const char *status)
{
	const char *params[] = {order_id,
				p->id,
				status,
				num(a, p->amount_paise),
				p->currency,
				p->method,
				p->raw != NULL ? p->raw : "{}"};

	return db_exec(&w->db, a, &payment_record, params, NULL);
}

static int flag(struct worker *w, struct arena *a, const char *order_id, const char *why)
{
	const char *params[] = {order_id, why};

	log_msg(LOG_WARN, "orders: order %s flagged for staff: %s", order_id, why);
	return db_exec(&w->db, a, &order_flag, params, NULL);
}

/* The order was not pending at the amount paid: say why, keep the payment. */
static int fulfil_refused(struct worker *w, struct arena *a, const char *order_id,
			  const struct provider_payment *p, enum fulfil_result *result)
{
	const char *params[] = {order_id, p != NULL ? p->id : ""};
	PGresult *r = NULL;
	int rc = db_exec(&w->db, a, &order_lock, params, &r);
	const char *status;

	if (rc != SOUK_OK)
		return rc;
	if (PQntuples(r) != 1)
		return SOUK_ENOTFOUND;
	status = arena_strdup(a, PQgetvalue(r, 0, 0));
	if (p == NULL) {
		*result = strcmp(status, "paid") == 0 ? FULFIL_ALREADY : FULFIL_NOT_PENDING;
		return SOUK_OK;
	}
	bool paid = strcmp(status, "paid") == 0 || strcmp(status, "refunded") == 0;
	bool other_payment = PQgetvalue(r, 0, 3)[0] == 't';
	bool amount_ok = strtoll(PQgetvalue(r, 0, 1), NULL, 10) == p->amount_paise &&
			 strcmp(PQgetvalue(r, 0, 2), p->currency) == 0;

	rc = record_payment(w, a, order_id, p, "captured");
	if (rc != SOUK_OK)
		return rc;
	if (!amount_ok) {
		*result = FULFIL_MISMATCH;
		return flag(w, a, order_id,
			    arena_printf(a,
					 "payment %s of %" PRId64 " paise %s does not match the "
					 "order's amount: not fulfilled, refund it",
					 p->id, p->amount_paise, p->currency));
	}
	if (paid && !other_payment) {
		*result = FULFIL_ALREADY; /* the same payment, reported again */
		return SOUK_OK;
	}
	if (paid) {
		*result = FULFIL_ALREADY;
		return flag(w, a, order_id,
			    arena_printf(a,
					 "payment %s was captured for an order already paid: "
					 "refund one of them",
					 p->id));
	}
	*result = FULFIL_NOT_PENDING;
	return flag(w, a, order_id,
		    arena_printf(a,
				 "payment %s was captured for a %s order: refund it or "
				 "fulfil by hand",
				 p->id, status));
}

/* The invoice of a paid order: the next number of this financial year. */
static int issue_invoice(struct worker *w, struct arena *a, const char *order_id, const char *state,
			 const char *country, char number[INVOICE_NUMBER_MAX + 1])
{
	const struct souk_config *cfg = w->config;
	int year = invoice_financial_year(time(NULL));
	char label[8];
	const char *place;
	PGresult *r = NULL;
	int rc;

	invoice_financial_year_label(year, label);
	const char *p1[] = {label};

	rc = db_exec(&w->db, a, &invoice_next, p1, &r);
	if (rc != SOUK_OK)
		return rc;
	const char *seq = arena_strdup(a, PQgetvalue(r, 0, 0));

	rc = invoice_number("SK", year, strtol(seq, NULL, 10), number);
	if (rc != SOUK_OK)
		return SOUK_EINTERNAL;
	if (strcmp(country, "IN") != 0)
		place = arena_printf(a, "Outside India (%s): export of services", country);
	else
		place = arena_printf(a, "%s (%s)",
				     gst_state_name(state) ? gst_state_name(state) : "", state);
	const char *p2[] = {number,
			    label,
			    seq,
			    cfg->seller_name,
			    cfg->seller_address,
			    cfg->seller_gstin,
			    cfg->seller_state,
			    place,
			    order_id};

	return db_exec(&w->db, a, &invoice_insert, p2, NULL);
}

/* Queues the order_confirmation e-mail of order order_id (orders.id) to the
 * buyer's current address, once per dedupe_key: the first one at fulfilment
 * ("order_paid:<public id>"), staff's resends under keys of their own. The
 * same data every time: items, total, invoice number (number; NULL or ""
 * for none), the link to the order. SOUK_OK or a db error. */
static int queue_confirmation(struct worker *w, struct arena *a, const char *order_id,
			      const char *public_id, int64_t total, const char *number,
			      const char *dedupe_key)
{
	const char *params[] = {order_id};
	PGresult *r = NULL;
	cJSON *data = json_new_object(a), *items;
	int rc = db_exec(&w->db, a, &order_mail_items, params, &r);

	if (rc != SOUK_OK || PQntuples(r) != 1)
		return rc;
	items = cJSON_Parse(PQgetvalue(r, 0, 0));
	json_own(a, items);
	cJSON_AddStringToObject(data, "name", PQgetvalue(r, 0, 2));
	cJSON_AddStringToObject(data, "order_id", public_id);
	cJSON_AddNumberToObject(data, "total_paise", (double)total);
	cJSON_AddStringToObject(data, "currency", COMMERCE_CURRENCY);
	if (number != NULL && number[0] != '\0')
		cJSON_AddStringToObject(data, "invoice_number", number);
	cJSON_AddStringToObject(
	    data, "orders_link",
	    arena_printf(a, "%s/account/orders/%s", w->config->public_url, public_id));
	if (items != NULL)
		cJSON_AddItemReferenceToObject(data, "items", items);
	return mail_queue_once(&w->db, a, "order_confirmation", PQgetvalue(r, 0, 1), data,
			       dedupe_key);
}

int order_fulfil(struct worker *w, struct arena *a, const char *order_id,
		 const struct provider_payment *p, enum fulfil_result *result)
{
	const char *params[] = {order_id, p != NULL ? num(a, p->amount_paise) : "0",
				p != NULL ? p->currency : COMMERCE_CURRENCY};
	char number[INVOICE_NUMBER_MAX + 1] = "";
	PGresult *r = NULL;
	int rc = db_begin(&w->db, a);

	if (rc != SOUK_OK)
		return rc;
	rc = db_exec(&w->db, a, &order_mark_paid, params, &r);
	if (rc == SOUK_OK && PQntuples(r) == 0) {
		rc = fulfil_refused(w, a, order_id, p, result);
		return db_end(&w->db, a, rc);
	}
	if (rc != SOUK_OK)
		return db_end(&w->db, a, rc);

	const char *public_id = arena_strdup(a, PQgetvalue(r, 0, 0));
	const char *user_id = arena_strdup(a, PQgetvalue(r, 0, 1));
	const char *coupon_id = PQgetisnull(r, 0, 2) ? NULL : arena_strdup(a, PQgetvalue(r, 0, 2));
	int64_t total = strtoll(PQgetvalue(r, 0, 3), NULL, 10);
	const char *state = PQgetisnull(r, 0, 9) ? "" : arena_strdup(a, PQgetvalue(r, 0, 9));
	const char *country = arena_strdup(a, PQgetvalue(r, 0, 10));
	const char *grant[] = {order_id, user_id}, *coupon[] = {coupon_id};

	const char *paid_by[] = {order_id, p != NULL ? p->id : NULL};

	if (p != NULL)
		rc = record_payment(w, a, order_id, p, "captured");
	if (rc == SOUK_OK && p != NULL)
		rc = db_exec(&w->db, a, &order_paid_by, paid_by, NULL);
	if (rc == SOUK_OK)
		rc = db_exec(&w->db, a, &entitlements_grant, grant, NULL);
	if (rc == SOUK_OK && coupon_id != NULL)
		rc = db_exec(&w->db, a, &coupon_redeem, coupon, NULL);
	/* a free order (total 0) is no taxable supply: no tax invoice */
	if (rc == SOUK_OK && total > 0)
		rc = issue_invoice(w, a, order_id, state, country, number);
	if (rc == SOUK_OK)
		rc = queue_confirmation(w, a, order_id, public_id, total, number,
					arena_printf(a, "order_paid:%s", public_id));
	rc = db_end(&w->db, a, rc);
	if (rc == SOUK_OK)
		*result = FULFIL_DONE;
	return rc;
}

int order_confirmation_resend(struct worker *w, struct arena *a, const char *public_id,
			      const char *actor, const char *ip, const char **why,
			      long *retry_after)
{
	const char *params[] = {public_id};
	PGresult *r = NULL;
	cJSON *data;
	int rc;

	if (!validate_uuid(public_id))
		return SOUK_ENOTFOUND;
	rc = db_begin(&w->db, a);
	if (rc != SOUK_OK)
		return rc;
	rc = db_exec(&w->db, a, &order_resend_lock, params, &r);
	if (rc == SOUK_OK && PQntuples(r) != 1)
		rc = SOUK_ENOTFOUND;
	if (rc != SOUK_OK)
		return db_end(&w->db, a, rc);

	const char *order_id = arena_strdup(a, PQgetvalue(r, 0, 0));
	const char *id = arena_strdup(a, PQgetvalue(r, 0, 1)); /* as stored: lower case */
	const char *status = arena_strdup(a, PQgetvalue(r, 0, 2));
	int64_t total = strtoll(PQgetvalue(r, 0, 3), NULL, 10);
	const char *number = arena_strdup(a, PQgetvalue(r, 0, 4));
	long ever = strtol(PQgetvalue(r, 0, 5), NULL, 10);
	long recent = strtol(PQgetvalue(r, 0, 6), NULL, 10);
	long wait = strtol(PQgetvalue(r, 0, 7), NULL, 10);

	if (strcmp(status, "paid") != 0 && strcmp(status, "refunded") != 0) {
		*why = arena_printf(a,
				    "Only the confirmation of a paid or refunded order is sent "
				    "again; this order is %s.",
				    status);
		return db_end(&w->db, a, SOUK_ECONFLICT);
	}
	if (recent >= ORDER_RESENDS_MAX) {
		*retry_after = wait > 0 ? wait : 1;
		*why = arena_printf(a,
				    "This order's confirmation was sent again %d times in the "
				    "last 24 hours, the most allowed; try again in %ld minutes.",
				    ORDER_RESENDS_MAX, (*retry_after + 59) / 60);
		return db_end(&w->db, a, SOUK_ERATELIMIT);
	}
	const char *key = arena_printf(a, "order_resend:%s:%ld", id, ever + 1);

	rc = queue_confirmation(w, a, order_id, id, total, number, key);
	if (rc == SOUK_OK) {
		data = json_new_object(a);
		cJSON_AddStringToObject(data, "template", "order_confirmation");
		cJSON_AddNumberToObject(data, "resend", (double)(ever + 1));
		rc = audit_record(&w->db, a, actor, "order.confirmation_resent", "order", id, data,
				  ip);
	}
	return db_end(&w->db, a, rc);
}

int order_payment_failed(struct worker *w, struct arena *a, const struct order_row *o,
			 const struct provider_payment *p)
{
	cJSON *data = json_new_object(a);
	int rc = db_begin(&w->db, a);

	if (rc != SOUK_OK)
		return rc;
	rc = record_payment(w, a, o->id, p, "failed");
	cJSON_AddStringToObject(data, "name", o->billing_name);
	cJSON_AddStringToObject(data, "order_id", o->public_id);
	cJSON_AddNumberToObject(data, "total_paise", (double)o->total_paise);
	cJSON_AddStringToObject(data, "retry_link",
				arena_printf(a, "%s/cart", w->config->public_url));
	/* the order stays pending: a UPI payment may still be captured */
	if (rc == SOUK_OK && strcmp(o->status, "pending") == 0)
		rc = mail_queue_once(&w->db, a, "payment_failed", o->email, data,
				     arena_printf(a, "payment_failed:%s", p->id));
	return db_end(&w->db, a, rc);
}

int order_json_mine_get(struct worker *w, struct arena *a, const char *user_id,
			const char *public_id, char **json)
{
	const char *params[] = {public_id, user_id};
	PGresult *r = NULL;
	int rc;

	if (!validate_uuid(public_id))
		return SOUK_ENOTFOUND;
	rc = db_exec(&w->db, a, &order_json_mine, params, &r);
	if (rc != SOUK_OK)
		return rc;
	if (PQntuples(r) != 1)
		return SOUK_ENOTFOUND;
	*json = arena_strdup(a, PQgetvalue(r, 0, 0));
	return SOUK_OK;
}

int order_json(struct worker *w, struct arena *a, const char *order_id, char **json)
{
	const char *params[] = {order_id};
	PGresult *r = NULL;
	int rc = db_exec(&w->db, a, &order_json_by_id, params, &r);

	if (rc != SOUK_OK)
		return rc;
	if (PQntuples(r) != 1)
		return SOUK_ENOTFOUND;
	*json = arena_strdup(a, PQgetvalue(r, 0, 0));
	return SOUK_OK;
}

int orders_mine_list(struct worker *w, struct arena *a, const char *user_id,
		     const int64_t *after_id, long limit, char **items, bool *more,
		     int64_t *last_id)
{
	const char *params[] = {user_id, after_id != NULL ? num(a, *after_id) : NULL,
				num(a, limit)};
	PGresult *r = NULL;
	int rc = db_exec(&w->db, a, &orders_mine, params, &r);

	if (rc != SOUK_OK)
		return rc;
	*items = arena_strdup(a, PQgetvalue(r, 0, 0));
	*more = PQgetvalue(r, 0, 1)[0] == 't';
	*last_id = PQgetisnull(r, 0, 2) ? 0 : strtoll(PQgetvalue(r, 0, 2), NULL, 10);
	return SOUK_OK;
}

int sandbox_payment_create(struct worker *w, struct arena *a, const struct order_row *o,
			   bool captured, const char *payment_id)
{
	const char *params[] = {payment_id, o->provider_order_id, captured ? "captured" : "failed",
				num(a, o->total_paise), o->currency};

	return db_exec(&w->db, a, &sandbox_insert, params, NULL);
}

int sandbox_payment_fetch(struct worker *w, struct arena *a, const char *payment_id,
			  struct provider_payment *out)
{
	const char *params[] = {payment_id};
	PGresult *r = NULL;
	cJSON *raw = json_new_object(a);
	int rc = db_exec(&w->db, a, &sandbox_get, params, &r);

	if (rc != SOUK_OK)
		return rc;
	if (PQntuples(r) != 1)
		return SOUK_ENOTFOUND;
	out->id = arena_strdup(a, PQgetvalue(r, 0, 0));
	out->order_id = arena_strdup(a, PQgetvalue(r, 0, 1));
	out->status = arena_strdup(a, PQgetvalue(r, 0, 2));
	out->amount_paise = strtoll(PQgetvalue(r, 0, 3), NULL, 10);
	snprintf(out->currency, sizeof(out->currency), "%s", PQgetvalue(r, 0, 4));
	out->method = "sandbox";
	cJSON_AddStringToObject(raw, "id", out->id);
	cJSON_AddStringToObject(raw, "entity", "payment");
	cJSON_AddStringToObject(raw, "order_id", out->order_id);
	cJSON_AddStringToObject(raw, "status", out->status);
	cJSON_AddNumberToObject(raw, "amount", (double)out->amount_paise);
	cJSON_AddStringToObject(raw, "currency", out->currency);
	cJSON_AddStringToObject(raw, "method", "sandbox");
	out->raw = json_print(a, raw);
	return SOUK_OK;
}

/* The provider's payments of pending order o: Razorpay's API, or the
 * sandbox's table. */
static int provider_payments(struct worker *w, struct arena *a, const struct order_row *o,
			     struct provider_payment **out, size_t *n)
{
	const char *p1[] = {o->provider_order_id};
	PGresult *r = NULL;
	int rc;

	if (strcmp(o->provider, "razorpay") == 0)
		return w->config->razorpay_key_id[0] == '\0'
			   ? SOUK_EUPSTREAM
			   : razorpay_order_payments(w, a, o->provider_order_id, out, n);
	rc = db_exec(&w->db, a, &sandbox_of_order, p1, &r);
	if (rc != SOUK_OK)
		return rc;
	*n = 0;
	*out = arena_alloc(a, sizeof(**out) * ((size_t)PQntuples(r) + 1));
	for (int i = 0; i < PQntuples(r); i++) {
		rc = sandbox_payment_fetch(w, a, PQgetvalue(r, i, 0), &(*out)[*n]);
		if (rc != SOUK_OK)
			return rc;
		(*n)++;
	}
	return SOUK_OK;
}

/* True when o's provider can be asked here: the sandbox's table always, a
 * Razorpay order only with keys (a shop that removed them, or the seed's
 * orders under ./souk up, cannot look). */
static bool provider_here(const struct worker *w, const struct order_row *o)
{
	return strcmp(o->provider, "razorpay") != 0 || w->config->razorpay_key_id[0] != '\0';
}

/* Asks the provider what became of pending order o and acts on it: a
 * captured payment fulfils it (an authorized one is captured first), a
 * failed one is recorded. *paid when it is paid now. */
static int reconcile_one(struct worker *w, struct arena *a, const struct order_row *o, bool *paid)
{
	struct provider_payment *ps = NULL;
	size_t n = 0;
	const char *p1[] = {o->id};
	int rc = provider_payments(w, a, o, &ps, &n);

	*paid = false;
	if (rc == SOUK_OK || rc == SOUK_ENOTFOUND)
		rc = db_exec(&w->db, a, &order_checked, p1, NULL);
	if (rc != SOUK_OK)
		return rc;
	/* every payment is recorded: the captured ones first (one fulfils the order,
	 * fulfilment records and flags the others), then the failed ones */
	for (size_t i = 0; i < n; i++) {
		enum fulfil_result result;

		if (ps[i].order_id == NULL || strcmp(ps[i].order_id, o->provider_order_id) != 0 ||
		    strcmp(ps[i].status, "captured") != 0)
			continue;
		rc = order_fulfil(w, a, o->id, &ps[i], &result);
		if (rc != SOUK_OK)
			return rc;
		if (result == FULFIL_DONE)
			log_msg(
			    LOG_INFO,
			    "reconcile: order %s paid by %s (its callback and webhook were lost)",
			    o->public_id, ps[i].id);
		*paid = *paid || result == FULFIL_DONE || result == FULFIL_ALREADY;
	}
	for (size_t i = 0; i < n; i++) {
		if (ps[i].order_id != NULL && strcmp(ps[i].order_id, o->provider_order_id) == 0 &&
		    strcmp(ps[i].status, "failed") == 0) {
			rc = order_payment_failed(w, a, o, &ps[i]);
			if (rc != SOUK_OK)
				return rc;
		}
	}
	/* none captured: an authorized payment of the order's amount is captured
	 * (one; a payment of another amount is left for its authorization to lapse) */
	for (size_t i = 0; i < n && !*paid; i++) {
		struct provider_payment captured;
		enum fulfil_result result;

		if (ps[i].order_id == NULL || strcmp(ps[i].order_id, o->provider_order_id) != 0 ||
		    strcmp(ps[i].status, "authorized") != 0 ||
		    strcmp(o->provider, "razorpay") != 0 || ps[i].amount_paise != o->total_paise ||
		    strcmp(ps[i].currency, o->currency) != 0)
			continue;
		rc = razorpay_payment_capture(w, a, &ps[i], &captured);
		if (rc != SOUK_OK)
			return rc;
		if (strcmp(captured.status, "captured") != 0)
			continue;
		rc = order_fulfil(w, a, o->id, &captured, &result);
		if (rc != SOUK_OK)
			return rc;
		*paid = result == FULFIL_DONE || result == FULFIL_ALREADY;
	}
	return SOUK_OK;
}

/* The buyer's pending orders with a line of one of these products ($2, ids
 * joined by commas), oldest first. */
static struct db_statement pending_overlapping = {
    .name = "orders_pending_overlapping",
    .sql = "SELECT o.id FROM orders o WHERE o.user_id = $1::bigint AND o.status = 'pending'"
	   " AND EXISTS (SELECT 1 FROM order_items i WHERE i.order_id = o.id"
	   "   AND i.product_id = ANY (string_to_array($2::text, ',')::bigint[]))"
	   " ORDER BY o.id LIMIT 20",
    .nparams = 2,
    .flags = DB_READONLY,
};

static struct db_statement order_supersede = {
    .name = "order_supersede",
    .sql = "UPDATE orders SET status = 'cancelled' WHERE id = $1::bigint AND status = 'pending'"
	   " RETURNING public_id",
    .nparams = 1,
};

/* One checkout of a buyer at a time (a session-level advisory lock of this
 * connection, on the buyer's id, released by the caller or with the
 * connection). A wait lasts as long as the holder's checkout, whose provider
 * calls have timeouts; a worker stuck past its deadline is killed, and its
 * connection and lock end with it. */
static struct db_statement checkout_lock = {
    .name = "orders_checkout_lock",
    .sql = "SELECT pg_advisory_lock(hashtextextended('souk checkout ' || $1::text, 0))",
    .nparams = 1,
};

static struct db_statement checkout_unlock = {
    .name = "orders_checkout_unlock",
    .sql = "SELECT pg_advisory_unlock(hashtextextended('souk checkout ' || $1::text, 0))",
    .nparams = 1,
};

int orders_checkout_lock(struct worker *w, struct arena *a, const char *user_id)
{
	const char *p[] = {user_id};

	return db_exec(&w->db, a, &checkout_lock, p, NULL);
}

void orders_checkout_unlock(struct worker *w, struct arena *a, const char *user_id)
{
	const char *p[] = {user_id};

	if (db_exec(&w->db, a, &checkout_unlock, p, NULL) != SOUK_OK)
		log_msg(LOG_ERROR,
			"checkout: the lock of user %s was not released: the "
			"connection ends, and the lock with it",
			user_id);
}

int orders_supersede(struct worker *w, struct arena *a, const char *user_id,
		     const struct cart_priced *pc, bool *paid_meanwhile)
{
	struct buf *ids = buf_in_arena(a, 64 * 1024);
	PGresult *r = NULL;
	int rc, n;

	*paid_meanwhile = false;
	for (size_t i = 0; i < pc->n; i++) {
		(void)buf_appends(ids, i ? "," : "");
		(void)buf_appends(ids, pc->products[i].id);
	}
	const char *p1[] = {user_id, ids->data != NULL ? ids->data : ""};

	if (pc->n == 0)
		return SOUK_OK;
	rc = db_exec(&w->db, a, &pending_overlapping, p1, &r);
	if (rc != SOUK_OK)
		return rc;
	n = PQntuples(r);
	const char **found = arena_alloc(a, sizeof(*found) * ((size_t)n + 1));

	for (int i = 0; i < n; i++)
		found[i] = arena_strdup(a, PQgetvalue(r, i, 0));
	for (int i = 0; i < n; i++) {
		const char *p[] = {found[i]};
		struct order_row o;
		bool paid = false;

		rc = one_order(w, a, &order_by_id, p, &o);
		if (rc == SOUK_ENOTFOUND)
			continue;
		if (rc != SOUK_OK)
			return rc;
		/* a Razorpay order this shop cannot ask about stays: it may be paid */
		if (!provider_here(w, &o))
			continue;
		/* a last look first: a payment that got through is fulfilled, not lost */
		if (o.provider_order_id != NULL) {
			rc = reconcile_one(w, a, &o, &paid);
			if (rc != SOUK_OK)
				return rc;
		}
		if (paid) {
			*paid_meanwhile = true;
			continue;
		}
		rc = db_exec(&w->db, a, &order_supersede, p, &r);
		if (rc != SOUK_OK)
			return rc;
		if (PQntuples(r) == 1)
			log_msg(LOG_INFO,
				"checkout: order %s cancelled, superseded by a new checkout",
				o.public_id);
	}
	return SOUK_OK;
}

/* The pending orders of an age, as order rows. */
static int pending_rows(struct worker *w, struct arena *a, const char *older_h, const char *newer_h,
			bool every, long limit, struct order_row **rows, int *n)
{
	const char *params[] = {older_h, newer_h, num(a, limit),
				w->config->razorpay_key_id[0] != '\0' ? "true" : "false",
				every ? "true" : "false"};
	PGresult *r = NULL;
	int rc = db_exec(&w->db, a, &pending_orders, params, &r);

	if (rc != SOUK_OK)
		return rc;
	*n = PQntuples(r);
	*rows = arena_alloc(a, sizeof(**rows) * ((size_t)*n + 1));
	const char **ids = arena_alloc(a, sizeof(*ids) * ((size_t)*n + 1));

	for (int i = 0; i < *n; i++)
		ids[i] = arena_strdup(a, PQgetvalue(r, i, 0));
	for (int i = 0; i < *n; i++) {
		const char *p1[] = {ids[i]};

		rc = one_order(w, a, &order_by_id, p1, &(*rows)[i]);
		if (rc != SOUK_OK)
			return rc;
	}
	return SOUK_OK;
}

/* A failure of one order's reconcile that ends the run: PostgreSQL or the
 * provider is down (asking about the next orders would fail the same way,
 * each after a timeout). Anything else is that order's: logged, the run goes on. */
static bool run_ends(struct worker *w, const struct order_row *o, int rc)
{
	if (rc == SOUK_OK || rc == SOUK_EDB || rc == SOUK_EUPSTREAM)
		return rc != SOUK_OK;
	(void)w;
	log_msg(LOG_ERROR, "reconcile: order %s could not be reconciled (%s): skipped",
		o->public_id, souk_err_http(rc)->code);
	return false;
}

int orders_reconcile(struct worker *w, struct arena *a, long limit, long *checked, long *paid)
{
	struct order_row *rows = NULL;
	int n = 0;
	/* older than 10 minutes (the buyer may still be paying), newer than 3 days */
	int rc = pending_rows(w, a, "0.1667", "72", false, limit, &rows, &n);

	*checked = *paid = 0;
	for (int i = 0; rc == SOUK_OK && i < n; i++) {
		bool now_paid = false;

		if (!provider_here(w, &rows[i]))
			continue;
		rc = reconcile_one(w, a, &rows[i], &now_paid);
		(*checked)++;
		*paid += now_paid;
		if (!run_ends(w, &rows[i], rc))
			rc = SOUK_OK;
	}
	return rc;
}

int orders_expire(struct worker *w, struct arena *a, long limit, long *cancelled)
{
	struct order_row *rows = NULL;
	const char *p1[] = {num(a, limit)};
	PGresult *r = NULL;
	int n = 0;
	/* orders that never reached the provider first: nothing to look at */
	int rc = db_exec_count(&w->db, a, &cancel_unsent, p1, cancelled);

	if (rc == SOUK_OK)
		rc = pending_rows(w, a, "24", NULL, true, limit, &rows, &n);
	for (int i = 0; rc == SOUK_OK && i < n; i++) {
		bool now_paid = false;

		if (!provider_here(w, &rows[i]))
			continue; /* pending_orders leaves them out already */
		/* a last look first: a payment that got through is fulfilled, not lost */
		rc = reconcile_one(w, a, &rows[i], &now_paid);
		if (rc == SOUK_OK && !now_paid) {
			const char *p[] = {rows[i].id};

			rc = db_exec(&w->db, a, &order_cancel, p, &r);
			if (rc == SOUK_OK && PQntuples(r) == 1) {
				(*cancelled)++;
				log_msg(LOG_INFO,
					"expire-orders: order %s cancelled after 24 h unpaid",
					rows[i].public_id);
			}
		}
		if (!run_ends(w, &rows[i], rc))
			rc = SOUK_OK;
	}
	return rc;
}

static struct db_statement abandoned_delete = {
    .name = "orders_cleanup",
    .sql = "DELETE FROM orders WHERE id IN (SELECT o.id FROM orders o"
	   " WHERE o.status = 'cancelled' AND o.paid_at IS NULL AND o.flag IS NULL"
	   " AND o.created_at < now() - make_interval(days => $2::int)"
	   " AND NOT EXISTS (SELECT 1 FROM payments p WHERE p.order_id = o.id)"
	   " AND NOT EXISTS (SELECT 1 FROM sandbox_payments s"
	   "                 WHERE s.provider_order_id = o.provider_order_id)"
	   " AND NOT EXISTS (SELECT 1 FROM refunds f WHERE f.order_id = o.id)"
	   " AND NOT EXISTS (SELECT 1 FROM disputes d WHERE d.order_id = o.id)"
	   " AND NOT EXISTS (SELECT 1 FROM invoices i WHERE i.order_id = o.id)"
	   " AND NOT EXISTS (SELECT 1 FROM entitlements e WHERE e.order_id = o.id)"
	   " AND NOT EXISTS (SELECT 1 FROM webhook_events v WHERE v.order_id = o.id)"
	   " ORDER BY o.created_at LIMIT $1::int FOR UPDATE SKIP LOCKED)",
    .nparams = 2,
};

int orders_cleanup(struct worker *w, struct arena *a, long limit, long *deleted)
{
	const char *params[] = {num(a, limit), num(a, ORDERS_KEEP_CANCELLED_DAYS)};

	return db_exec_count(&w->db, a, &abandoned_delete, params, deleted);
}
