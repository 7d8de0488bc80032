/*
 * refunds.c - giving money back and payment disputes: POST
 * /api/v1/admin/orders/{id}/refunds (orders:refund), the refunds and
 * disputes Razorpay reports (webhooks.c, souk-jobs reconcile), and the SQL
 * on refunds, credit_notes, credit_note_counters and disputes (schema/016).
 * See include/souk/commerce.h (refunds part).
 *
 * A refund is made in three steps, so that no transaction is open while
 * Razorpay is called:
 *   1. one transaction locks the order, checks what is left to refund of the
 *      payment and inserts the refund 'pending' (the amount is held from
 *      then on: pending and processed refunds never exceed the payment);
 *   2. Razorpay is asked with the refund's public id as X-Refund-Idempotency,
 *      so a retry (the same Idempotency-Key after a 502) never refunds twice;
 *   3. the answer settles it (refund_settle): processed -> the payment's and
 *      the order's refunded amounts, a credit note, and when the refunds of
 *      the paying payment reach the order's total the order is refunded and
 *      its entitlements revoked; failed -> the held amount is free again.
 * Razorpay may answer 'pending'; the refund.processed webhook or souk-jobs
 * reconcile settle it later. Settling is one conditional update (WHERE
 * status = 'pending'), so the answer, the webhook and reconcile racing
 * settle it once.
 *
 * A partial refund keeps the buyer's access (a goodwill refund); only the
 * refund that makes the order's refunds reach its total revokes it.
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
#include "souk/auth.h"
#include "souk/commerce.h"
#include "souk/config.h"
#include "souk/crypto.h"
#include "souk/db.h"
#include "souk/err.h"
#include "souk/http.h"
#include "souk/json.h"
#include "souk/log.h"
#include "souk/mail.h"
#include "souk/worker.h"

#define REFUND_MIN_PAISE 100 /* Razorpay refunds at least INR 1.00 */

static struct db_statement order_lock = {
    .name = "refund_order_lock",
    .sql = "SELECT o.id, o.status, o.provider, o.payment_id IS NOT NULL FROM orders o"
	   " WHERE o.public_id = $1::uuid FOR UPDATE",
    .nparams = 1,
};

static struct db_statement by_key = {
    .name = "refund_by_key",
    .sql = "SELECT r.id, r.public_id, r.status, coalesce(r.request_hash, ''),"
	   " p.provider_payment_id, r.amount_paise, r.provider_refund_id"
	   " FROM refunds r JOIN payments p ON p.id = r.payment_id"
	   " WHERE r.order_id = $1::bigint AND r.idempotency_key = $2",
    .nparams = 2,
};

/* the payment to refund ($2 NULL: the one that paid the order) and what is
 * left of it once pending and processed refunds are held */
static struct db_statement payment_pick = {
    .name = "refund_payment_pick",
    .sql = "SELECT p.id, p.provider_payment_id, p.currency, p.amount_paise - coalesce("
	   "  (SELECT sum(r.amount_paise) FROM refunds r WHERE r.payment_id = p.id"
	   "   AND r.status IN ('pending', 'processed')), 0)"
	   " FROM payments p WHERE p.order_id = $1::bigint"
	   " AND p.status IN ('captured', 'refunded')"
	   " AND CASE WHEN $2::text IS NULL"
	   "   THEN p.id = (SELECT o.payment_id FROM orders o WHERE o.id = $1::bigint)"
	   "   ELSE p.provider_payment_id = $2 END",
    .nparams = 2,
};

static struct db_statement refund_insert = {
    .name = "refund_insert",
    .sql = "INSERT INTO refunds (order_id, payment_id, amount_paise, currency, reason,"
	   " requested_by, idempotency_key, request_hash, provider_refund_id)"
	   " VALUES ($1::bigint, $2::bigint, $3::bigint, $4, $5, $6::bigint, $7, $8, $9)"
	   " RETURNING id, public_id",
    .nparams = 9,
};

static struct db_statement provider_set = {
    .name = "refund_provider_set",
    .sql = "UPDATE refunds SET provider_refund_id = $2 WHERE id = $1::bigint"
	   " AND provider_refund_id IS NULL",
    .nparams = 2,
};

static struct db_statement refund_fail = {
    .name = "refund_fail",
    .sql = "UPDATE refunds r SET status = 'failed', error = left($2, 1000)"
	   " FROM orders o WHERE r.id = $1::bigint AND r.status = 'pending' AND o.id = r.order_id"
	   " RETURNING o.public_id, r.amount_paise, r.public_id",
    .nparams = 2,
};

static struct db_statement refund_process = {
    .name = "refund_process",
    .sql = "UPDATE refunds SET status = 'processed', processed_at = now(), error = NULL,"
	   " provider_refund_id = coalesce(provider_refund_id, $2)"
	   " WHERE id = $1::bigint AND status = 'pending'"
	   " RETURNING order_id, payment_id, amount_paise, reason, public_id, id",
    .nparams = 2,
};

static struct db_statement payment_refunded = {
    .name = "refund_payment_refunded",
    .sql = "UPDATE payments SET refunded_paise = refunded_paise + $2::bigint,"
	   " status = CASE WHEN refunded_paise + $2::bigint >= amount_paise THEN 'refunded'"
	   "   ELSE status END WHERE id = $1::bigint",
    .nparams = 2,
};

/* only a refund of the payment that paid the order counts toward its total */
static struct db_statement order_refunded = {
    .name = "refund_order_refunded",
    .sql = "UPDATE orders SET refunded_paise = refunded_paise + $3::bigint,"
	   " status = CASE WHEN refunded_paise + $3::bigint >= total_paise THEN 'refunded'"
	   "   ELSE status END,"
	   " refunded_at = CASE WHEN refunded_paise + $3::bigint >= total_paise THEN now()"
	   "   ELSE refunded_at END"
	   " WHERE id = $1::bigint AND payment_id = $2::bigint"
	   " RETURNING status = 'refunded', public_id",
    .nparams = 3,
};

/* The access an order gave ends (a full refund, a lost dispute), unless the
 * buyer paid for the product in another order too (two tabs, two orders):
 * then the entitlement moves to that order and stays. */
static struct db_statement entitlements_revoke = {
    .name = "refund_entitlements_revoke",
    .sql =
	"UPDATE entitlements e SET order_id = coalesce(x.other, e.order_id),"
	" revoked_at = CASE WHEN x.other IS NULL THEN now() END"
	" FROM (SELECT e2.id, (SELECT o2.id FROM orders o2 JOIN order_items i ON i.order_id = o2.id"
	"   WHERE o2.user_id = e2.user_id AND i.product_id = e2.product_id"
	"   AND o2.status = 'paid' AND o2.id <> $1::bigint"
	"   AND NOT EXISTS (SELECT 1 FROM disputes d WHERE d.order_id = o2.id"
	"     AND d.status IN ('open', 'lost'))"
	"   ORDER BY o2.paid_at DESC LIMIT 1) AS other"
	"   FROM entitlements e2 WHERE e2.order_id = $1::bigint AND e2.revoked_at IS NULL) x"
	" WHERE e.id = x.id",
    .nparams = 1,
};

/* the invoice's amounts and what credit notes have credited of it so far */
static struct db_statement invoice_credited = {
    .name = "refund_invoice_credited",
    .sql = "SELECT v.id, v.taxable_paise, v.cgst_paise, v.sgst_paise, v.igst_paise,"
	   " v.total_paise, coalesce(sum(c.taxable_paise), 0), coalesce(sum(c.cgst_paise), 0),"
	   " coalesce(sum(c.sgst_paise), 0), coalesce(sum(c.igst_paise), 0),"
	   " coalesce(sum(c.total_paise), 0)"
	   " FROM invoices v LEFT JOIN credit_notes c ON c.invoice_id = v.id"
	   " WHERE v.order_id = $1::bigint GROUP BY v.id",
    .nparams = 1,
};

static struct db_statement credit_next = {
    .name = "refund_credit_next",
    .sql = "INSERT INTO credit_note_counters (financial_year, last_sequence) VALUES ($1, 1)"
	   " ON CONFLICT (financial_year) DO UPDATE"
	   " SET last_sequence = credit_note_counters.last_sequence + 1 RETURNING last_sequence",
    .nparams = 1,
};

static struct db_statement credit_insert = {
    .name = "refund_credit_insert",
    .sql = "INSERT INTO credit_notes (number, refund_id, invoice_id, financial_year, sequence,"
	   " taxable_paise, cgst_paise, sgst_paise, igst_paise, total_paise, reason)"
	   " VALUES ($1, $2::bigint, $3::bigint, $4, $5::int, $6::bigint, $7::bigint, $8::bigint,"
	   " $9::bigint, $10::bigint, $11)",
    .nparams = 11,
};

static struct db_statement buyer_of = {
    .name = "refund_buyer_of",
    .sql = "SELECT u.email, coalesce(o.billing_name, u.name, ''), o.public_id FROM orders o"
	   " JOIN users u ON u.id = o.user_id WHERE o.id = $1::bigint",
    .nparams = 1,
};

/* clang-format off */
static struct db_statement refund_json = {
	.name = "refund_json",
	.sql = "SELECT json_build_object('id', r.public_id, 'status', r.status,"
	       " 'amount_paise', r.amount_paise, 'currency', r.currency, 'reason', r.reason,"
	       " 'payment', p.provider_payment_id, 'provider_refund_id', r.provider_refund_id,"
	       " 'error', r.error, 'created_at', " DB_TS("r.created_at") ","
	       " 'processed_at', " DB_TS("r.processed_at") ","
	       " 'credit_note', (SELECT json_build_object('number', c.number,"
	       "   'total_paise', c.total_paise, 'issued_at', " DB_TS("c.issued_at") ")"
	       "   FROM credit_notes c WHERE c.refund_id = r.id))::text, r.order_id"
	       " FROM refunds r JOIN payments p ON p.id = r.payment_id WHERE r.id = $1::bigint",
	.nparams = 1,
	.flags = DB_READONLY,
};
/* clang-format on */

/* A refund Razorpay reports: ours (by notes.souk_refund or its id), or one
 * made elsewhere (the Dashboard) for a payment we know. */
static struct db_statement refund_find = {
    .name = "refund_find",
    .sql = "SELECT r.id, r.status FROM refunds r"
	   " WHERE ($1::text IS NOT NULL AND r.public_id = $1::uuid) OR r.provider_refund_id = $2"
	   " ORDER BY r.provider_refund_id = $2 DESC NULLS LAST LIMIT 1",
    .nparams = 2,
};

static struct db_statement payment_by_provider = {
    .name = "refund_payment_by_provider",
    .sql = "SELECT p.id, p.order_id, p.currency FROM payments p WHERE p.provider_payment_id = $1",
    .nparams = 1,
};

/* refunds pending for 5 minutes: Razorpay's answer was 'pending' (ask it), or
 * never came (a 502: ask again with the same idempotency key); after 30 days
 * they are left to staff. $2: after this refunds.id (the run's keyset). */
static struct db_statement pending_refunds = {
    .name = "refund_pending_list",
    .sql = "SELECT r.id, r.provider_refund_id, r.public_id, p.provider_payment_id,"
	   " r.amount_paise, o.provider FROM refunds r JOIN payments p ON p.id = r.payment_id"
	   " JOIN orders o ON o.id = r.order_id WHERE r.status = 'pending'"
	   " AND r.created_at < now() - interval '5 minutes'"
	   " AND r.created_at > now() - interval '30 days' AND r.id > $2::bigint"
	   " ORDER BY r.id LIMIT $1::int",
    .nparams = 2,
    .flags = DB_READONLY,
};

/* a payment with an open or lost chargeback: the bank gives that money back */
static struct db_statement payment_disputed = {
    .name = "refund_payment_disputed",
    .sql = "SELECT d.status FROM disputes d WHERE d.payment_id = $1::bigint"
	   " AND d.status IN ('open', 'lost') LIMIT 1",
    .nparams = 1,
};

static char *num(struct arena *a, int64_t v)
{
	return arena_printf(a, "%" PRId64, v);
}

static int64_t col64(PGresult *r, int row, int col)
{
	return strtoll(PQgetvalue(r, row, col), NULL, 10);
}

/* The credit note of a processed refund of the paying payment, when the
 * order has an invoice: the next number of this financial year's series. */
static int credit_note(struct worker *w, struct arena *a, const char *order_id,
		       const char *refund_id, int64_t amount, const char *reason,
		       const char **number)
{
	const char *p1[] = {order_id};
	struct gst_totals inv = {0}, done = {0}, out;
	char label[8], cn[INVOICE_NUMBER_MAX + 1];
	int year = invoice_financial_year(time(NULL));
	PGresult *r = NULL;
	int rc = db_exec(&w->db, a, &invoice_credited, p1, &r);

	*number = NULL;
	if (rc != SOUK_OK || PQntuples(r) != 1)
		return rc; /* a free order has no invoice, so nothing to credit */
	const char *invoice_id = arena_strdup(a, PQgetvalue(r, 0, 0));

	inv.taxable_paise = col64(r, 0, 1);
	inv.cgst_paise = col64(r, 0, 2);
	inv.sgst_paise = col64(r, 0, 3);
	inv.igst_paise = col64(r, 0, 4);
	inv.total_paise = col64(r, 0, 5);
	done.taxable_paise = col64(r, 0, 6);
	done.cgst_paise = col64(r, 0, 7);
	done.sgst_paise = col64(r, 0, 8);
	done.igst_paise = col64(r, 0, 9);
	done.total_paise = col64(r, 0, 10);
	if (credit_note_split(&inv, &done, amount, &out) != SOUK_OK) {
		log_msg(LOG_ERROR,
			"refunds: refund %s of %" PRId64 " paise does not fit order %s's "
			"invoice: no credit note",
			refund_id, amount, order_id);
		return SOUK_EINTERNAL;
	}
	invoice_financial_year_label(year, label);
	const char *p2[] = {label};

	rc = db_exec(&w->db, a, &credit_next, p2, &r);
	if (rc != SOUK_OK)
		return rc;
	const char *seq = arena_strdup(a, PQgetvalue(r, 0, 0));

	if (invoice_number("CN", year, strtol(seq, NULL, 10), cn) != SOUK_OK)
		return SOUK_EINTERNAL;
	*number = arena_strdup(a, cn);
	const char *p3[] = {cn,
			    refund_id,
			    invoice_id,
			    label,
			    seq,
			    num(a, out.taxable_paise),
			    num(a, out.cgst_paise),
			    num(a, out.sgst_paise),
			    num(a, out.igst_paise),
			    num(a, out.total_paise),
			    reason};

	return db_exec(&w->db, a, &credit_insert, p3, NULL);
}

static int queue_refund_mail(struct worker *w, struct arena *a, const char *order_id,
			     const char *refund_public_id, int64_t amount, bool full,
			     const char *credit_number)
{
	const char *p1[] = {order_id};
	PGresult *r = NULL;
	cJSON *data = json_new_object(a);
	int rc = db_exec(&w->db, a, &buyer_of, p1, &r);

	if (rc != SOUK_OK || PQntuples(r) != 1)
		return rc;
	cJSON_AddStringToObject(data, "name", PQgetvalue(r, 0, 1));
	cJSON_AddStringToObject(data, "order_id", PQgetvalue(r, 0, 2));
	cJSON_AddNumberToObject(data, "amount_paise", (double)amount);
	cJSON_AddStringToObject(data, "currency", COMMERCE_CURRENCY);
	cJSON_AddBoolToObject(data, "full", full);
	if (credit_number != NULL)
		cJSON_AddStringToObject(data, "credit_note_number", credit_number);
	return mail_queue_once(&w->db, a, "refund_issued", PQgetvalue(r, 0, 0), data,
			       arena_printf(a, "refund:%s", refund_public_id));
}

/* Inside a transaction: the effects of a refund that was just processed (r:
 * refund_process's row). */
static int apply_processed(struct worker *w, struct arena *a, PGresult *r, const char *actor,
			   const char *ip)
{
	const char *order_id = arena_strdup(a, PQgetvalue(r, 0, 0));
	const char *payment_id = arena_strdup(a, PQgetvalue(r, 0, 1));
	int64_t amount = col64(r, 0, 2);
	const char *reason = arena_strdup(a, PQgetvalue(r, 0, 3));
	const char *public_id = arena_strdup(a, PQgetvalue(r, 0, 4));
	const char *refund_id = arena_strdup(a, PQgetvalue(r, 0, 5));
	const char *amt = num(a, amount);
	const char *p2[] = {payment_id, amt}, *p3[] = {order_id, payment_id, amt};
	const char *p1[] = {order_id}, *number = NULL, *order_public = NULL;
	bool full = false, paying;
	cJSON *data = json_new_object(a);
	PGresult *o = NULL;
	int rc = db_exec(&w->db, a, &payment_refunded, p2, NULL);

	if (rc == SOUK_OK)
		rc = db_exec(&w->db, a, &order_refunded, p3, &o);
	if (rc != SOUK_OK)
		return rc;
	paying = PQntuples(o) == 1;
	if (paying) {
		full = PQgetvalue(o, 0, 0)[0] == 't';
		order_public = arena_strdup(a, PQgetvalue(o, 0, 1));
	}
	if (paying && full)
		rc = db_exec(&w->db, a, &entitlements_revoke, p1, NULL);
	if (rc == SOUK_OK && paying)
		rc = credit_note(w, a, order_id, refund_id, amount, reason, &number);
	if (rc == SOUK_OK)
		rc = queue_refund_mail(w, a, order_id, public_id, amount, full, number);
	cJSON_AddStringToObject(data, "refund", public_id);
	cJSON_AddNumberToObject(data, "amount_paise", (double)amount);
	cJSON_AddBoolToObject(data, "order_refunded", full);
	cJSON_AddBoolToObject(data, "access_revoked", full);
	if (number != NULL)
		cJSON_AddStringToObject(data, "credit_note", number);
	if (rc == SOUK_OK && order_public == NULL) {
		PGresult *b = NULL;

		rc = db_exec(&w->db, a, &buyer_of, p1, &b);
		if (rc == SOUK_OK && PQntuples(b) == 1)
			order_public = arena_strdup(a, PQgetvalue(b, 0, 2));
	}
	if (rc == SOUK_OK)
		rc = audit_record(&w->db, a, actor, "refund.processed", "order", order_public, data,
				  ip);
	if (rc == SOUK_OK)
		log_msg(LOG_INFO, "refunds: refund %s of %" PRId64 " paise processed%s", public_id,
			amount, full ? ": order refunded, access revoked" : "");
	return rc;
}

int refund_settle(struct worker *w, struct arena *a, const char *refund_id,
		  const char *provider_refund_id, const char *status, const char *error,
		  const char *actor, const char *ip)
{
	const char *ids[] = {refund_id, provider_refund_id};
	PGresult *r = NULL;
	int rc = SOUK_OK;

	/* the provider's id first, on its own: whatever happens next, the refund can
	 * be asked about (reconcile, a webhook) */
	if (provider_refund_id != NULL)
		rc = db_exec(&w->db, a, &provider_set, ids, NULL);
	if (rc != SOUK_OK)
		return rc;
	/* anything but a decision (pending, or a status this version does not know)
	 * leaves it pending */
	if (strcmp(status, "processed") != 0 && strcmp(status, "failed") != 0)
		return SOUK_OK;
	rc = db_begin(&w->db, a);
	if (rc != SOUK_OK)
		return rc;
	if (strcmp(status, "processed") == 0) {
		const char *params[] = {refund_id, provider_refund_id};

		rc = db_exec(&w->db, a, &refund_process, params, &r);
		if (rc == SOUK_OK && PQntuples(r) == 1)
			rc = apply_processed(w, a, r, actor, ip);
	} else {
		const char *why = error != NULL ? error : "Razorpay reported the refund failed";
		const char *params[] = {refund_id, why};

		rc = db_exec(&w->db, a, &refund_fail, params, &r);
		if (rc == SOUK_OK && PQntuples(r) == 1) {
			cJSON *data = json_new_object(a);

			cJSON_AddStringToObject(data, "refund", PQgetvalue(r, 0, 2));
			cJSON_AddNumberToObject(data, "amount_paise", (double)col64(r, 0, 1));
			cJSON_AddStringToObject(data, "error", why);
			rc = audit_record(&w->db, a, actor, "refund.failed", "order",
					  PQgetvalue(r, 0, 0), data, ip);
			log_msg(LOG_WARN, "refunds: refund %s failed: %s", PQgetvalue(r, 0, 2),
				why);
		}
	}
	return db_end(&w->db, a, rc);
}

int refund_event(struct worker *w, struct arena *a, const char *type,
		 const struct provider_refund *pr, const char **error, const char **order_id)
{
	const char *p2[] = {pr->souk_refund, pr->id}, *p1[] = {pr->payment_id};
	const char *status, *refund_id;
	PGresult *r = NULL;
	int rc;

	*error = NULL;
	*order_id = NULL;
	if (strcmp(type, "refund.processed") == 0)
		status = "processed";
	else if (strcmp(type, "refund.failed") == 0)
		status = "failed";
	else
		status = "pending"; /* refund.created, refund.speed_changed: learn the id */
	rc = db_exec(&w->db, a, &refund_find, p2, &r);
	if (rc != SOUK_OK)
		return rc;
	if (PQntuples(r) == 1) {
		refund_id = arena_strdup(a, PQgetvalue(r, 0, 0));
	} else {
		/* made elsewhere (the Razorpay Dashboard): recorded, then settled */
		rc = db_exec(&w->db, a, &payment_by_provider, p1, &r);
		if (rc != SOUK_OK)
			return rc;
		if (PQntuples(r) != 1) {
			*error = arena_printf(a, "no payment %s is known for refund %s",
					      pr->payment_id, pr->id);
			return SOUK_OK;
		}
		const char *ins[] = {PQgetvalue(r, 0, 1),
				     PQgetvalue(r, 0, 0),
				     num(a, pr->amount_paise),
				     PQgetvalue(r, 0, 2),
				     "made outside Souk (Razorpay Dashboard)",
				     NULL,
				     NULL,
				     NULL,
				     pr->id};

		*order_id = arena_strdup(a, PQgetvalue(r, 0, 1));
		rc = db_exec(&w->db, a, &refund_insert, ins, &r);
		if (rc == SOUK_ECONFLICT) /* a racing delivery recorded it */
			return refund_event(w, a, type, pr, error, order_id);
		if (rc != SOUK_OK)
			return rc;
		refund_id = arena_strdup(a, PQgetvalue(r, 0, 0));
	}
	rc = refund_settle(w, a, refund_id, pr->id, status,
			   strcmp(status, "failed") == 0 ? "Razorpay reported the refund failed"
							 : NULL,
			   NULL, NULL);
	if (rc == SOUK_OK && *order_id == NULL) {
		const char *p[] = {refund_id};

		rc = db_exec(&w->db, a, &refund_json, p, &r);
		if (rc == SOUK_OK && PQntuples(r) == 1)
			*order_id = arena_strdup(a, PQgetvalue(r, 0, 1));
	}
	return rc;
}

/* One pending refund of the reconcile run: asks Razorpay and settles it. */
static int reconcile_refund(struct worker *w, struct arena *a, PGresult *r, int i, bool *settled)
{
	const char *id = PQgetvalue(r, i, 0), *public_id = PQgetvalue(r, i, 2);
	const char *refused = NULL;
	struct provider_refund pr;
	int rc;

	*settled = false;
	if (strcmp(PQgetvalue(r, i, 5), "sandbox") == 0) {
		pr.id = commerce_random_id(a, "rfnd_sbx");
		pr.status = "processed";
		rc = pr.id != NULL ? SOUK_OK : SOUK_EINTERNAL;
	} else if (w->config->razorpay_key_id[0] == '\0') {
		return SOUK_OK; /* cannot ask: left to staff */
	} else if (PQgetisnull(r, i, 1)) {
		/* the request that made it never heard back: the same idempotency key
		 * and body get Razorpay's refund, or make it now */
		rc = razorpay_refund_create(w, a, PQgetvalue(r, i, 3),
					    strtoll(PQgetvalue(r, i, 4), NULL, 10), public_id, &pr,
					    &refused);
		if (rc == SOUK_EINVALID || rc == SOUK_ENOTFOUND) {
			*settled = true;
			return refund_settle(
			    w, a, id, NULL, "failed",
			    refused != NULL ? refused : "Razorpay has no such payment", NULL, NULL);
		}
	} else {
		rc = razorpay_refund_fetch(w, a, PQgetvalue(r, i, 1), &pr);
	}
	if (rc != SOUK_OK)
		return rc;
	*settled = strcmp(pr.status, "processed") == 0 || strcmp(pr.status, "failed") == 0;
	return refund_settle(w, a, id, pr.id, pr.status, NULL, NULL, NULL);
}

int refunds_reconcile(struct worker *w, struct arena *a, long limit, long *settled)
{
	const char *after = "0";
	int rc = SOUK_OK;

	*settled = 0;
	for (long seen = 0; rc == SOUK_OK && seen < limit;) {
		const char *p2[] = {num(a, limit - seen < 100 ? limit - seen : 100), after};
		PGresult *r = NULL;

		rc = db_exec(&w->db, a, &pending_refunds, p2, &r);
		if (rc != SOUK_OK || PQntuples(r) == 0)
			break;
		for (int i = 0; rc == SOUK_OK && i < PQntuples(r); i++) {
			bool done = false;

			rc = reconcile_refund(w, a, r, i, &done);
			*settled += done;
			seen++;
			/* PostgreSQL or Razorpay down ends the run; one refund's trouble does not
			 */
			if (rc != SOUK_OK && rc != SOUK_EDB && rc != SOUK_EUPSTREAM) {
				log_msg(LOG_ERROR,
					"refunds: refund %s could not be reconciled (%s)",
					PQgetvalue(r, i, 2), souk_err_http(rc)->code);
				rc = SOUK_OK;
			}
			after = arena_strdup(a, PQgetvalue(r, i, 0));
		}
	}
	return rc;
}

/* ------------------------------------------------------------- the route */

struct refund_body {
	long long amount_paise;
	const char *reason, *payment;
};

static const struct validate_field refund_fields[] = {
    {"amount_paise", VALIDATE_INT, 0, REFUND_MIN_PAISE, COMMERCE_MAX_PAISE,
     offsetof(struct refund_body, amount_paise)},
    {"reason", VALIDATE_STRING, VALIDATE_REQUIRED, 1, 500, offsetof(struct refund_body, reason)},
    {"payment", VALIDATE_STRING, 0, 5, 40, offsetof(struct refund_body, payment)},
};

/* The refund to make, as step 1 left it. */
struct refund_made {
	const char *id, *public_id, *status, *provider_payment_id, *provider_refund_id;
	const char *provider; /* of the order: razorpay | sandbox */
	int64_t amount_paise;
	bool retry; /* the same Idempotency-Key and body came before */
};

static int refund_answer(struct worker *w, struct http_request *req, struct http_response *res,
			 const struct refund_made *m)
{
	const char *p1[] = {m->id};
	char *order = NULL;
	PGresult *r = NULL;
	int rc = db_exec(&w->db, req->arena, &refund_json, p1, &r);

	if (rc != SOUK_OK)
		return rc;
	if (PQntuples(r) != 1)
		return SOUK_EINTERNAL;
	const char *refund = arena_strdup(req->arena, PQgetvalue(r, 0, 0));

	rc = order_json(w, req->arena, PQgetvalue(r, 0, 1), &order);
	if (rc != SOUK_OK)
		return rc;
	const char *body = arena_printf(req->arena, "{\"refund\":%s,\"order\":%s}", refund, order);

	http_response_body(res, m->retry ? 200 : 201, body, strlen(body));
	return SOUK_OK;
}

/* Step 1: under the order's row lock, the refund with this key, or a new
 * pending one holding its amount. */
static int refund_begin(struct worker *w, struct http_request *req, const char *order_public,
			const struct refund_body *b, const char *key, const char *hash,
			struct refund_made *m)
{
	struct arena *a = req->arena;
	const char *p1[] = {order_public};
	PGresult *r = NULL;
	int rc;

	if (!validate_uuid(order_public))
		return SOUK_ENOTFOUND;
	rc = db_begin(&w->db, a);
	if (rc != SOUK_OK)
		return rc;
	rc = db_exec(&w->db, a, &order_lock, p1, &r);
	if (rc == SOUK_OK && PQntuples(r) != 1)
		rc = SOUK_ENOTFOUND;
	if (rc != SOUK_OK)
		return db_end(&w->db, a, rc);
	const char *order_id = arena_strdup(a, PQgetvalue(r, 0, 0));
	const char *status = arena_strdup(a, PQgetvalue(r, 0, 1));
	bool has_paying = PQgetvalue(r, 0, 3)[0] == 't';
	const char *p2[] = {order_id, key};

	m->provider = arena_strdup(a, PQgetvalue(r, 0, 2));
	if (strcmp(m->provider, "razorpay") == 0 && w->config->razorpay_key_id[0] == '\0') {
		req->error_message =
		    "Razorpay is not set up in this shop, so its payments cannot be "
		    "refunded from here.";
		return db_end(&w->db, a, SOUK_EUPSTREAM);
	}
	rc = db_exec(&w->db, a, &by_key, p2, &r);
	if (rc == SOUK_OK && PQntuples(r) == 1) {
		if (strcmp(PQgetvalue(r, 0, 3), hash) != 0) {
			req->error_message =
			    "This Idempotency-Key was used for a refund with other "
			    "details: use a new key for a new refund.";
			rc = http_field_error(req, "Idempotency-Key", "was used with another body");
			return db_end(&w->db, a, rc);
		}
		m->id = arena_strdup(a, PQgetvalue(r, 0, 0));
		m->public_id = arena_strdup(a, PQgetvalue(r, 0, 1));
		m->status = arena_strdup(a, PQgetvalue(r, 0, 2));
		m->provider_payment_id = arena_strdup(a, PQgetvalue(r, 0, 4));
		m->amount_paise = col64(r, 0, 5);
		m->provider_refund_id =
		    PQgetisnull(r, 0, 6) ? NULL : arena_strdup(a, PQgetvalue(r, 0, 6));
		m->retry = true;
		return db_end(&w->db, a, SOUK_OK);
	}
	if (rc != SOUK_OK)
		return db_end(&w->db, a, rc);
	if (b->payment == NULL && !has_paying) {
		req->error_message =
		    strcmp(status, "pending") == 0 || strcmp(status, "cancelled") == 0
			? "No payment paid this order. To give back a payment it holds (a wrong "
			  "amount), name it in payment."
			: "This order was not paid, so there is nothing to refund.";
		return db_end(&w->db, a, SOUK_ECONFLICT);
	}
	const char *p3[] = {order_id, b->payment};

	rc = db_exec(&w->db, a, &payment_pick, p3, &r);
	if (rc == SOUK_OK && PQntuples(r) != 1)
		rc = http_field_error(req, "payment", "is not a captured payment of this order");
	if (rc != SOUK_OK)
		return db_end(&w->db, a, rc);
	const char *payment_id = arena_strdup(a, PQgetvalue(r, 0, 0));
	const char *currency = arena_strdup(a, PQgetvalue(r, 0, 2));
	int64_t left = col64(r, 0, 3);

	m->provider_payment_id = arena_strdup(a, PQgetvalue(r, 0, 1));
	const char *p5[] = {payment_id};

	rc = db_exec(&w->db, a, &payment_disputed, p5, &r);
	if (rc == SOUK_OK && PQntuples(r) == 1) {
		req->error_message = arena_printf(
		    a,
		    "This payment has a %s dispute: the bank returns that money, a refund would "
		    "pay it twice.",
		    PQgetvalue(r, 0, 0));
		rc = SOUK_ECONFLICT;
	}
	if (rc != SOUK_OK)
		return db_end(&w->db, a, rc);
	if (left <= 0) {
		req->error_message = "This payment has been refunded in full already.";
		return db_end(&w->db, a, SOUK_ECONFLICT);
	}
	m->amount_paise = b->amount_paise > 0 ? b->amount_paise : left;
	if (m->amount_paise > left) {
		rc = http_field_error(req, "amount_paise",
				      arena_printf(a,
						   "is more than is left to refund of the "
						   "payment (%" PRId64 " paise)",
						   left));
		return db_end(&w->db, a, rc);
	}
	if (m->amount_paise < REFUND_MIN_PAISE) {
		rc = http_field_error(req, "amount_paise",
				      "is below the least Razorpay refunds (100 paise)");
		return db_end(&w->db, a, rc);
	}
	const char *p4[] = {order_id, payment_id, num(a, m->amount_paise),
			    currency, b->reason,  req->principal->user_id,
			    key,      hash,	  NULL};

	rc = db_exec(&w->db, a, &refund_insert, p4, &r);
	if (rc == SOUK_OK) {
		cJSON *data = json_new_object(a);

		m->id = arena_strdup(a, PQgetvalue(r, 0, 0));
		m->public_id = arena_strdup(a, PQgetvalue(r, 0, 1));
		m->status = "pending";
		m->provider_refund_id = NULL;
		cJSON_AddStringToObject(data, "refund", m->public_id);
		cJSON_AddStringToObject(data, "payment", m->provider_payment_id);
		cJSON_AddNumberToObject(data, "amount_paise", (double)m->amount_paise);
		cJSON_AddStringToObject(data, "reason", b->reason);
		rc = audit_record(&w->db, a, req->principal->user_id, "refund.requested", "order",
				  order_public, data, req->remote_addr);
	}
	return db_end(&w->db, a, rc);
}

int refunds_create(struct worker *w, struct http_request *req, struct http_response *res)
{
	const char *key = http_header(req, "Idempotency-Key");
	const char *order_public = http_path_param(req, "id"), *refused = NULL;
	const char *actor = req->principal->user_id;
	char hash[CRYPTO_SHA256_HEX_LEN + 1];
	struct refund_body b = {0};
	struct refund_made m = {0};
	struct provider_refund pr;
	int rc = HTTP_VALIDATE(req, refund_fields, &b, NULL);

	if (rc != SOUK_OK)
		return rc;
	if (key == NULL || !commerce_idempotency_key_valid(key)) {
		req->error_message = "An Idempotency-Key header (1 to 100 visible characters, a "
				     "new random value per refund) is required.";
		return SOUK_EMALFORMED;
	}
	const char *canon = arena_printf(req->arena, "%lld\n%s\n%s", b.amount_paise, b.reason,
					 b.payment != NULL ? b.payment : "");

	crypto_sha256_hex(canon, strlen(canon), hash);
	rc = refund_begin(w, req, order_public, &b, key, hash, &m);
	if (rc == SOUK_ECONFLICT && req->error_message == NULL) /* a racing retry won */
		rc = refund_begin(w, req, order_public, &b, key, hash, &m);
	if (rc != SOUK_OK)
		return rc;
	if (strcmp(m.status, "pending") != 0 || m.provider_refund_id != NULL)
		return refund_answer(w, req, res, &m);

	/* step 2, outside any transaction */
	if (strcmp(m.provider, "sandbox") == 0) {
		pr.id = commerce_random_id(req->arena, "rfnd_sbx");
		pr.status = "processed";
		if (pr.id == NULL)
			return SOUK_EINTERNAL;
	} else {
		rc = razorpay_refund_create(w, req->arena, m.provider_payment_id, m.amount_paise,
					    m.public_id, &pr, &refused);
		if (rc == SOUK_EINVALID || rc == SOUK_ENOTFOUND) {
			const char *why =
			    refused != NULL ? refused : "Razorpay has no such payment";

			rc = refund_settle(w, req->arena, m.id, NULL, "failed", why, actor,
					   req->remote_addr);
			if (rc != SOUK_OK)
				return rc;
			req->error_message =
			    arena_printf(req->arena, "Razorpay refused the refund: %s", why);
			return http_field_error(req, "amount_paise", why);
		}
		if (rc != SOUK_OK) {
			req->error_message = "Razorpay could not be reached: the refund is kept "
					     "pending; retry with the same Idempotency-Key.";
			return rc;
		}
	}
	/* step 3 */
	rc = refund_settle(w, req->arena, m.id, pr.id, pr.status, NULL, actor, req->remote_addr);
	if (rc != SOUK_OK)
		return rc;
	return refund_answer(w, req, res, &m);
}

/* ------------------------------------------------------------- disputes */

static struct db_statement dispute_upsert = {
    .name = "dispute_upsert",
    .sql = "INSERT INTO disputes (provider_dispute_id, order_id, payment_id, status,"
	   " amount_paise, currency, reason_code, raw)"
	   " SELECT $1, p.order_id, p.id, $3, $4::bigint, $5, $6, $7::jsonb FROM payments p"
	   " WHERE p.provider_payment_id = $2"
	   " ON CONFLICT (provider_dispute_id) DO UPDATE SET"
	   /* a decided dispute stays decided: a late 'created' does not reopen it */
	   " status = CASE WHEN disputes.status = 'open' THEN EXCLUDED.status"
	   "   ELSE disputes.status END,"
	   " raw = CASE WHEN disputes.status = 'open' THEN EXCLUDED.raw ELSE disputes.raw END,"
	   " amount_paise = EXCLUDED.amount_paise"
	   " RETURNING order_id, status, (SELECT public_id FROM orders o WHERE o.id = order_id)",
    .nparams = 7,
};

/* access follows the order's disputes: suspended while one is open */
static struct db_statement dispute_access = {
    .name = "dispute_access",
    .sql = "UPDATE entitlements e SET suspended_at = CASE WHEN EXISTS (SELECT 1 FROM disputes d"
	   "   WHERE d.order_id = $1::bigint AND d.status = 'open')"
	   "   THEN coalesce(e.suspended_at, now()) END"
	   " WHERE e.order_id = $1::bigint AND (e.suspended_at IS NOT NULL) <> EXISTS"
	   "   (SELECT 1 FROM disputes d WHERE d.order_id = $1::bigint AND d.status = 'open')",
    .nparams = 1,
};

static struct db_statement dispute_flag = {
    .name = "dispute_flag",
    .sql = "UPDATE orders SET flag = left(coalesce(flag || ' | ', '') || $2, 1000)"
	   " WHERE id = $1::bigint AND strpos(coalesce(flag, ''), $2) = 0",
    .nparams = 2,
};

int dispute_event(struct worker *w, struct arena *a, const char *type, const cJSON *entity,
		  const char **error, const char **order_id)
{
	const char *id = json_string_member(entity, "id");
	const char *payment = json_string_member(entity, "payment_id");
	const char *currency = json_string_member(entity, "currency");
	const char *reason = json_string_member(entity, "reason_code");
	const cJSON *amount = cJSON_GetObjectItemCaseSensitive(entity, "amount");
	const char *status, *decided;
	PGresult *r = NULL;
	int rc;

	*error = NULL;
	*order_id = NULL;
	if (strcmp(type, "payment.dispute.won") == 0)
		status = "won";
	else if (strcmp(type, "payment.dispute.lost") == 0)
		status = "lost";
	else if (strcmp(type, "payment.dispute.closed") == 0)
		status = "closed"; /* closed in the shop's favour */
	else
		status = "open"; /* created, under_review, action_required */
	if (id == NULL || strlen(id) > 100 || payment == NULL || strlen(payment) > 100) {
		*error = "the event holds no dispute entity that can be read";
		return SOUK_OK;
	}
	int64_t amt = cJSON_IsNumber(amount) && amount->valuedouble >= 0 &&
			      amount->valuedouble <= (double)COMMERCE_MAX_PAISE
			  ? (int64_t)amount->valuedouble
			  : 0;
	const char *params[] = {id,
				payment,
				status,
				num(a, amt),
				currency != NULL && strlen(currency) == 3 ? currency : "INR",
				reason != NULL && strlen(reason) <= 200 ? reason : NULL,
				json_print(a, entity)};

	rc = db_begin(&w->db, a);
	if (rc != SOUK_OK)
		return rc;
	rc = db_exec(&w->db, a, &dispute_upsert, params, &r);
	if (rc == SOUK_OK && PQntuples(r) != 1) {
		*error = arena_printf(a, "no payment %s is known for dispute %s", payment, id);
		return db_end(&w->db, a, SOUK_OK);
	}
	if (rc != SOUK_OK)
		return db_end(&w->db, a, rc);
	*order_id = arena_strdup(a, PQgetvalue(r, 0, 0));
	decided = arena_strdup(a, PQgetvalue(r, 0, 1));
	const char *public_id = arena_strdup(a, PQgetvalue(r, 0, 2));
	const char *p1[] = {*order_id};

	rc = db_exec(&w->db, a, &dispute_access, p1, NULL);
	if (rc == SOUK_OK && strcmp(decided, "lost") == 0)
		rc = db_exec(&w->db, a, &entitlements_revoke, p1, NULL);
	if (rc == SOUK_OK && (strcmp(decided, "open") == 0 || strcmp(decided, "lost") == 0)) {
		const char *why =
		    strcmp(decided, "open") == 0
			? arena_printf(a, "dispute %s opened on payment %s: access suspended", id,
				       payment)
			: arena_printf(a, "dispute %s lost: access revoked", id);
		const char *p2[] = {*order_id, why};

		rc = db_exec(&w->db, a, &dispute_flag, p2, NULL);
	}
	if (rc == SOUK_OK) {
		cJSON *data = json_new_object(a);

		cJSON_AddStringToObject(data, "dispute", id);
		cJSON_AddStringToObject(data, "status", decided);
		rc = audit_record(&w->db, a, NULL, arena_printf(a, "dispute.%s", decided), "order",
				  public_id, data, NULL);
	}
	if (rc == SOUK_OK)
		log_msg(LOG_WARN, "refunds: dispute %s on order %s is %s", id, public_id, decided);
	return db_end(&w->db, a, rc);
}
