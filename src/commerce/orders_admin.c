/*
 * orders_admin.c - the staff view of orders (orders:read): the filtered,
 * paged list and one order with everything that happened to it (payments,
 * refunds, credit notes, disputes, webhook events), the order confirmation
 * sent again, and the sales report (metrics:read). See
 * include/souk/commerce.h (staff orders, sales report).
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "souk/arena.h"
#include "souk/auth.h"
#include "souk/cms.h"
#include "souk/commerce.h"
#include "souk/db.h"
#include "souk/err.h"
#include "souk/http.h"
#include "souk/json.h"
#include "souk/page.h"
#include "souk/str.h"
#include "souk/worker.h"

#define SHOP_ZONE "'Asia/Kolkata'" /* dates in filters are the shop's (IST) */

/* clang-format off */
/*
 * Newest first, keyset on orders.id. $1 status, $2 from (timestamptz),
 * $3 to (timestamptz, inclusive), $4 to (date, inclusive: before the next
 * day in IST), $5 buyer e-mail, $6 product (public id), $7 product (slug),
 * $8 after id, $9 limit.
 */
static struct db_statement admin_list = {
	.name = "orders_admin_list",
	.sql = "SELECT coalesce(json_agg(x.item ORDER BY x.k DESC) FILTER (WHERE x.n <= $9::int),"
	       " '[]')::text, count(*) > $9::int, min(x.k) FILTER (WHERE x.n <= $9::int) FROM ("
	       " SELECT o.id AS k, row_number() OVER (ORDER BY o.id DESC) AS n,"
	       " json_build_object('id', o.public_id, 'status', o.status,"
	       "  'created_at', " DB_TS("o.created_at") ", 'paid_at', " DB_TS("o.paid_at") ","
	       "  'refunded_at', " DB_TS("o.refunded_at") ","
	       "  'total_paise', o.total_paise, 'refunded_paise', o.refunded_paise,"
	       "  'currency', o.currency, 'provider', o.provider, 'flag', o.flag,"
	       "  'buyer', json_build_object('id', u.public_id, 'email', u.email, 'name', u.name),"
	       "  'items', (SELECT count(*) FROM order_items i WHERE i.order_id = o.id),"
	       "  'invoice', (SELECT v.number FROM invoices v WHERE v.order_id = o.id)) AS item"
	       " FROM orders o JOIN users u ON u.id = o.user_id"
	       " WHERE ($1::text IS NULL OR o.status = $1)"
	       " AND ($2::timestamptz IS NULL OR o.created_at >= $2::timestamptz)"
	       " AND ($3::timestamptz IS NULL OR o.created_at <= $3::timestamptz)"
	       " AND ($4::date IS NULL OR o.created_at < (($4::date + 1)::timestamp AT TIME ZONE "
	       SHOP_ZONE "))"
	       " AND ($5::citext IS NULL OR u.email = $5::citext)"
	       " AND ($6::uuid IS NULL AND $7::text IS NULL OR EXISTS (SELECT 1 FROM order_items i"
	       "   JOIN products p ON p.id = i.product_id WHERE i.order_id = o.id"
	       "   AND (p.public_id = $6::uuid OR p.slug = $7)))"
	       " AND ($8::bigint IS NULL OR o.id < $8::bigint)"
	       " ORDER BY o.id DESC LIMIT $9::int + 1) x",
	.nparams = 9,
	.flags = DB_READONLY | DB_CUSTOM_PLAN, /* optional filters: planned per call */
};

static struct db_statement admin_extras = {
	.name = "orders_admin_extras",
	.sql = "SELECT o.id, json_build_object("
	       " 'buyer', json_build_object('id', u.public_id, 'email', u.email, 'name', u.name),"
	       " 'flag', o.flag, 'refunded_paise', o.refunded_paise,"
	       " 'payments', (SELECT coalesce(json_agg(json_build_object('id', p.provider_payment_id,"
	       "   'status', p.status, 'amount_paise', p.amount_paise, 'currency', p.currency,"
	       "   'method', p.method, 'refunded_paise', p.refunded_paise,"
	       "   'paid_the_order', p.id = o.payment_id,"
	       "   'created_at', " DB_TS("p.created_at") ") ORDER BY p.id), '[]')"
	       "   FROM payments p WHERE p.order_id = o.id),"
	       " 'refunds', (SELECT coalesce(json_agg(json_build_object('id', r.public_id,"
	       "   'status', r.status, 'amount_paise', r.amount_paise, 'reason', r.reason,"
	       "   'payment', p.provider_payment_id, 'provider_refund_id', r.provider_refund_id,"
	       "   'error', r.error, 'requested_by', (SELECT s.email FROM users s"
	       "     WHERE s.id = r.requested_by),"
	       "   'created_at', " DB_TS("r.created_at") ", 'processed_at', " DB_TS("r.processed_at") ")"
	       "   ORDER BY r.id), '[]')"
	       "   FROM refunds r JOIN payments p ON p.id = r.payment_id WHERE r.order_id = o.id),"
	       " 'credit_notes', (SELECT coalesce(json_agg(json_build_object('number', c.number,"
	       "   'refund', r.public_id, 'taxable_paise', c.taxable_paise,"
	       "   'cgst_paise', c.cgst_paise, 'sgst_paise', c.sgst_paise, 'igst_paise', c.igst_paise,"
	       "   'total_paise', c.total_paise, 'rendered', c.pdf_storage_key IS NOT NULL,"
	       "   'issued_at', " DB_TS("c.issued_at") ") ORDER BY c.id), '[]')"
	       "   FROM credit_notes c JOIN refunds r ON r.id = c.refund_id WHERE r.order_id = o.id),"
	       " 'disputes', (SELECT coalesce(json_agg(json_build_object('id', d.provider_dispute_id,"
	       "   'status', d.status, 'amount_paise', d.amount_paise, 'reason_code', d.reason_code,"
	       "   'created_at', " DB_TS("d.created_at") ", 'updated_at', " DB_TS("d.updated_at") ")"
	       "   ORDER BY d.id), '[]') FROM disputes d WHERE d.order_id = o.id),"
	       " 'events', (SELECT coalesce(json_agg(json_build_object('id', e.provider_event_id,"
	       "   'type', e.event_type, 'received_at', " DB_TS("e.received_at") ","
	       "   'processed_at', " DB_TS("e.processed_at") ", 'error', e.error,"
	       "   'attempts', e.attempts) ORDER BY e.id), '[]')"
	       "   FROM webhook_events e WHERE e.order_id = o.id),"
	       " 'invoice_rendered', (SELECT v.pdf_storage_key IS NOT NULL FROM invoices v"
	       "   WHERE v.order_id = o.id))::text"
	       " FROM orders o JOIN users u ON u.id = o.user_id WHERE o.public_id = $1::uuid",
	.nparams = 1,
	.flags = DB_READONLY,
};
/*
 * The sales report of the shop's days $1..$2 (dates, IST), top $3 products.
 * Revenue: the totals (GST included) and tax of orders paid in the range,
 * by paid_at (a refunded order was paid: it counts, its refund shows in
 * refunded); refunded: processed refunds by processed_at; by_status: the
 * orders created in the range, every status; top products: the lines of
 * those paid orders (price x quantity - discount + tax), by revenue.
 */
static struct db_statement sales_report = {
	.name = "orders_admin_sales",
	.sql = "WITH b AS (SELECT ($1::date::timestamp AT TIME ZONE " SHOP_ZONE ") AS lo,"
	       "  (($2::date + 1)::timestamp AT TIME ZONE " SHOP_ZONE ") AS hi),"
	       " paid AS (SELECT o.id, (o.paid_at AT TIME ZONE " SHOP_ZONE ")::date AS day,"
	       "  o.total_paise, o.tax_paise FROM orders o, b"
	       "  WHERE o.status IN ('paid', 'refunded') AND o.paid_at >= b.lo AND o.paid_at < b.hi),"
	       " back AS (SELECT (f.processed_at AT TIME ZONE " SHOP_ZONE ")::date AS day,"
	       "  f.amount_paise FROM refunds f, b WHERE f.status = 'processed'"
	       "  AND f.processed_at >= b.lo AND f.processed_at < b.hi),"
	       " days AS (SELECT d.ts::date AS day, coalesce(p.orders, 0) AS orders,"
	       "  coalesce(p.revenue, 0) AS revenue, coalesce(p.tax, 0) AS tax,"
	       "  coalesce(f.refunded, 0) AS refunded"
	       "  FROM generate_series($1::date, $2::date, interval '1 day') AS d (ts)"
	       "  LEFT JOIN (SELECT day, count(*) AS orders, sum(total_paise)::bigint AS revenue,"
	       "   sum(tax_paise)::bigint AS tax FROM paid GROUP BY day) p ON p.day = d.ts::date"
	       "  LEFT JOIN (SELECT day, sum(amount_paise)::bigint AS refunded FROM back"
	       "   GROUP BY day) f ON f.day = d.ts::date)"
	       " SELECT json_build_object('from', $1::date::text, 'to', $2::date::text,"
	       " 'days', (SELECT json_agg(json_build_object('day', day::text, 'orders', orders,"
	       "   'revenue_paise', revenue, 'tax_paise', tax, 'refunded_paise', refunded)"
	       "   ORDER BY day) FROM days),"
	       " 'by_status', (SELECT json_agg(json_build_object('status', s.status,"
	       "   'count', (SELECT count(*) FROM orders o, b WHERE o.status = s.status"
	       "     AND o.created_at >= b.lo AND o.created_at < b.hi)) ORDER BY s.n)"
	       "   FROM unnest(ARRAY['pending', 'paid', 'failed', 'refunded', 'cancelled'])"
	       "   WITH ORDINALITY AS s (status, n)),"
	       " 'top_products', (SELECT coalesce(json_agg(json_build_object('product', t.public_id,"
	       "   'slug', t.slug, 'title', t.title, 'orders', t.orders, 'revenue_paise', t.revenue)"
	       "   ORDER BY t.revenue DESC, t.slug), '[]') FROM ("
	       "   SELECT pr.public_id, pr.slug, pr.title, count(DISTINCT i.order_id) AS orders,"
	       "   sum(i.unit_price_paise * i.quantity - i.discount_paise + i.tax_paise)::bigint"
	       "   AS revenue FROM paid p JOIN order_items i ON i.order_id = p.id"
	       "   JOIN products pr ON pr.id = i.product_id GROUP BY pr.id"
	       "   ORDER BY revenue DESC, pr.slug LIMIT $3::int) t),"
	       " 'totals', (SELECT json_build_object('orders', sum(orders)::bigint,"
	       "   'revenue_paise', sum(revenue)::bigint, 'tax_paise', sum(tax)::bigint,"
	       "   'refunded_paise', sum(refunded)::bigint,"
	       "   'net_paise', (sum(revenue) - sum(refunded))::bigint) FROM days))::text",
	.nparams = 3,
	.flags = DB_READONLY,
};
/* clang-format on */

static bool status_valid(const char *s)
{
	static const char *const statuses[] = {"pending", "paid", "failed", "refunded",
					       "cancelled"};

	for (size_t i = 0; i < sizeof(statuses) / sizeof(statuses[0]); i++)
		if (strcmp(s, statuses[i]) == 0)
			return true;
	return false;
}

int orders_admin_index(struct worker *w, struct http_request *req, struct http_response *res)
{
	const char *status = http_query(req, "status"), *from = http_query(req, "from");
	const char *to = http_query(req, "to"), *email = http_query(req, "email");
	const char *product = http_query(req, "product");
	const char *filters[] = {status, from, to, email, product};
	struct page_cursor after = {0}, next = {.kind = 'A'};
	bool has_after = false, bad = false;
	const char *from_ts = NULL, *to_ts = NULL, *to_date = NULL, *uuid = NULL, *slug = NULL;
	long limit = 0;
	PGresult *r = NULL;
	int rc;

	if (status != NULL && !status_valid(status))
		bad = http_field_error(req, "status",
				       "must be pending, paid, failed, refunded or cancelled");
	if (from != NULL && str_is_date(from))
		from_ts = arena_printf(req->arena, "%s 00:00:00+05:30", from);
	else if (from != NULL && str_is_rfc3339(from))
		from_ts = from;
	else if (from != NULL)
		bad = http_field_error(req, "from",
				       "must be a date (2026-12-01) or an RFC 3339 time");
	if (to != NULL && str_is_date(to))
		to_date = to;
	else if (to != NULL && str_is_rfc3339(to))
		to_ts = to;
	else if (to != NULL)
		bad =
		    http_field_error(req, "to", "must be a date (2026-12-31) or an RFC 3339 time");
	if (email != NULL && (strlen(email) > 254 || strchr(email, '@') == NULL))
		bad = http_field_error(req, "email", "must be an e-mail address");
	if (product != NULL && validate_uuid(product))
		uuid = product;
	else if (product != NULL && strlen(product) <= 200)
		slug = product;
	else if (product != NULL)
		bad = http_field_error(req, "product", "must be a product id or slug");
	next.fingerprint = page_fingerprint(filters, 5);
	rc = page_params(req, 20, 'A', next.fingerprint, &limit, &after, &has_after);
	if (bad || rc != SOUK_OK)
		return SOUK_EINVALID;
	const char *params[] = {status,
				from_ts,
				to_ts,
				to_date,
				email,
				uuid,
				slug,
				has_after ? arena_printf(req->arena, "%lld", (long long)after.id)
					  : NULL,
				arena_printf(req->arena, "%ld", limit)};

	rc = db_exec(&w->db, req->arena, &admin_list, params, &r);
	if (rc == SOUK_EINVALID) { /* a time PostgreSQL cannot read: T25:00:00Z */
		if (from != NULL && from == from_ts)
			http_field_error(req, "from", "is not a real time");
		if (to != NULL && to == to_ts)
			http_field_error(req, "to", "is not a real time");
		return SOUK_EINVALID;
	}
	if (rc != SOUK_OK)
		return rc;
	return page_respond(res, req->arena, PQgetvalue(r, 0, 0), PQgetvalue(r, 0, 1),
			    PQgetisnull(r, 0, 2) ? NULL : PQgetvalue(r, 0, 2), &next);
}

int orders_admin_show(struct worker *w, struct http_request *req, struct http_response *res)
{
	const char *id = http_path_param(req, "id");
	const char *params[] = {id};
	char *order = NULL;
	PGresult *r = NULL;
	int rc;

	if (!validate_uuid(id))
		return SOUK_ENOTFOUND;
	rc = db_exec(&w->db, req->arena, &admin_extras, params, &r);
	if (rc != SOUK_OK)
		return rc;
	if (PQntuples(r) != 1)
		return SOUK_ENOTFOUND;
	const char *extras = arena_strdup(req->arena, PQgetvalue(r, 0, 1));

	rc = order_json(w, req->arena, PQgetvalue(r, 0, 0), &order);
	if (rc != SOUK_OK)
		return rc;
	/* {"order": ..., "buyer": ..., ...}: the extras object with order first */
	const char *body = arena_printf(req->arena, "{\"order\":%s,%s", order, extras + 1);

	http_response_body(res, 200, body, strlen(body));
	return SOUK_OK;
}

int orders_admin_confirmation_resend(struct worker *w, struct http_request *req,
				     struct http_response *res)
{
	const char *why = NULL;
	long retry_after = 0;
	cJSON *doc;
	/* no body members: an unknown one is a 422 before anything is done */
	int rc = http_validate(req, NULL, 0, NULL, NULL);

	if (rc == SOUK_OK)
		rc = order_confirmation_resend(w, req->arena, http_path_param(req, "id"),
					       req->principal->user_id, req->remote_addr, &why,
					       &retry_after);
	if (rc == SOUK_ERATELIMIT)
		http_response_header(res, "Retry-After",
				     arena_printf(req->arena, "%ld", retry_after));
	if (rc == SOUK_ECONFLICT || rc == SOUK_ERATELIMIT)
		req->error_message = why;
	if (rc != SOUK_OK)
		return rc;
	doc = json_new_object(req->arena);
	cJSON_AddBoolToObject(doc, "queued", true);
	http_response_json(res, req->arena, 202, doc);
	return SOUK_OK;
}

int orders_admin_sales(struct worker *w, struct http_request *req, struct http_response *res)
{
	const char *from = NULL, *to = NULL, *limit = NULL;
	PGresult *r = NULL;
	int rc = cms_metrics_report_params(req, &from, &to, &limit);

	if (rc != SOUK_OK)
		return rc;
	const char *params[] = {from, to, limit};

	rc = db_exec(&w->db, req->arena, &sales_report, params, &r);
	if (rc != SOUK_OK)
		return rc;
	http_response_body(res, 200, PQgetvalue(r, 0, 0), (size_t)PQgetlength(r, 0, 0));
	return SOUK_OK;
}
