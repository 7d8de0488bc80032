/*
 * webhooks.c - POST /api/v1/webhooks/razorpay and the SQL on
 * webhook_events; see include/souk/commerce.h (orders part).
 *
 * Nothing is read before the signature (hex HMAC-SHA256 of the raw body
 * with the webhook secret) matches. Each event is stored once, by its
 * X-Razorpay-Event-Id, before it is processed; a delivery of an event that
 * was processed already changes nothing. Events arrive out of order and
 * more than once, so every handler is idempotent: fulfilment happens once
 * (order_fulfil), a failed payment never undoes a captured one, and the
 * e-mails are queued with dedupe keys.
 *
 * The answer is quick (PostgreSQL only, no call out): Razorpay waits 5 s.
 * An event whose processing failed keeps its error with processed_at NULL
 * and is tried again by souk-jobs webhooks (webhooks_retry) with back-off;
 * a transient failure (PostgreSQL) is also answered 503 so that Razorpay
 * delivers it again. Handled: order.paid and payment.captured (fulfil),
 * payment.failed, refund.* (refund_event) and payment.dispute.*
 * (dispute_event); the rest are stored and marked done.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "souk/arena.h"
#include "souk/commerce.h"
#include "souk/config.h"
#include "souk/db.h"
#include "souk/err.h"
#include "souk/http.h"
#include "souk/json.h"
#include "souk/log.h"
#include "souk/worker.h"

#define EVENT_ID_MAX 100

static struct db_statement event_insert = {
    .name = "webhook_event_insert",
    .sql = "INSERT INTO webhook_events (provider, provider_event_id, event_type, payload,"
	   " signature_valid) VALUES ('razorpay', $1, $2, $3::jsonb, true)"
	   " ON CONFLICT (provider, provider_event_id) DO NOTHING RETURNING id",
    .nparams = 3,
};

static struct db_statement event_get = {
    .name = "webhook_event_get",
    .sql = "SELECT id, processed_at IS NOT NULL FROM webhook_events"
	   " WHERE provider = 'razorpay' AND provider_event_id = $1",
    .nparams = 1,
};

/* a redelivery of an event kept earlier counts as another attempt */
static struct db_statement event_done = {
    .name = "webhook_event_done",
    .sql = "UPDATE webhook_events SET processed_at = CASE WHEN $2::boolean THEN now() END,"
	   " error = $3, order_id = coalesce($4::bigint, order_id),"
	   " attempts = attempts + CASE WHEN processed_at IS NULL AND error IS NULL THEN 0 ELSE 1"
	   " END WHERE id = $1::bigint",
    .nparams = 4,
};

/* kept events whose back-off has passed: 2, 4, 8 ... minutes after they
 * arrived (attempts 1 .. 12, the last about 68 hours after it arrived) */
static struct db_statement events_due = {
    .name = "webhook_events_due",
    .sql = "SELECT id, event_type, payload::text FROM webhook_events"
	   " WHERE processed_at IS NULL AND provider = 'razorpay' AND attempts < 13"
	   " AND received_at < now() - interval '1 minute' * power(2, attempts)"
	   " ORDER BY received_at LIMIT $1::int",
    .nparams = 1,
    .flags = DB_READONLY,
};

/* The payment entity of an event (payload.payment.entity). */
static int event_payment(struct arena *a, const cJSON *event, struct provider_payment *p)
{
	const cJSON *payload = cJSON_GetObjectItemCaseSensitive(event, "payload");
	const cJSON *payment = cJSON_GetObjectItemCaseSensitive(payload, "payment");
	const cJSON *entity = cJSON_GetObjectItemCaseSensitive(payment, "entity");

	return cJSON_IsObject(entity) ? provider_payment_from_json(a, entity, p) : SOUK_EINVALID;
}

/* The entity of kind ("refund", "dispute") in an event's payload. */
static const cJSON *event_entity(const cJSON *event, const char *kind)
{
	const cJSON *payload = cJSON_GetObjectItemCaseSensitive(event, "payload");
	const cJSON *part = cJSON_GetObjectItemCaseSensitive(payload, kind);
	const cJSON *entity = cJSON_GetObjectItemCaseSensitive(part, "entity");

	return cJSON_IsObject(entity) ? entity : NULL;
}

static int process_refund(struct worker *w, struct arena *a, const char *type, const cJSON *event,
			  const char **error, const char **order_id)
{
	const cJSON *entity = event_entity(event, "refund");
	struct provider_refund pr;

	if (entity == NULL || provider_refund_from_json(a, entity, &pr) != SOUK_OK) {
		*error = "the event holds no refund entity that can be read";
		return SOUK_OK;
	}
	return refund_event(w, a, type, &pr, error, order_id);
}

int webhook_event_process(struct worker *w, struct arena *a, const char *type, const cJSON *event,
			  const char **error, const char **order_id)
{
	struct provider_payment p = {0};
	enum fulfil_result result;
	struct order_row o;
	bool paid = strcmp(type, "payment.captured") == 0 || strcmp(type, "order.paid") == 0;
	int rc;

	*error = NULL;
	*order_id = NULL;
	if (strncmp(type, "refund.", 7) == 0)
		return process_refund(w, a, type, event, error, order_id);
	if (strncmp(type, "payment.dispute.", 16) == 0) {
		const cJSON *entity = event_entity(event, "dispute");

		if (entity == NULL) {
			*error = "the event holds no dispute entity";
			return SOUK_OK;
		}
		return dispute_event(w, a, type, entity, error, order_id);
	}
	if (!paid && strcmp(type, "payment.failed") != 0)
		return SOUK_OK; /* payment.authorized and the rest: nothing to do */
	if (event_payment(a, event, &p) != SOUK_OK) {
		*error = "the event holds no payment entity that can be read";
		return SOUK_OK;
	}
	if (p.order_id == NULL) {
		*error = "the payment has no order id";
		return SOUK_OK;
	}
	rc = order_find_by_provider(w, a, p.order_id, NULL, &o);
	if (rc == SOUK_ENOTFOUND) {
		*error = arena_printf(a, "no order has provider order id %s", p.order_id);
		return SOUK_OK;
	}
	if (rc != SOUK_OK)
		return rc;
	*order_id = o.id;
	if (strcmp(o.provider, "razorpay") != 0) {
		*error = "the order is not a Razorpay order";
		return SOUK_OK;
	}
	if (!paid)
		return order_payment_failed(w, a, &o, &p);
	if (strcmp(p.status, "captured") != 0 && strcmp(p.status, "refunded") != 0) {
		*error = arena_printf(a, "the payment is %s, not captured", p.status);
		return SOUK_OK;
	}
	rc = order_fulfil(w, a, o.id, &p, &result);
	if (rc == SOUK_OK && result == FULFIL_DONE)
		log_msg(LOG_INFO, "webhooks: order %s paid by %s", o.public_id, type);
	return rc;
}

/* Processes stored event id and records the outcome: SOUK_OK with *error
 * NULL (done) or set (kept), or the transient failure. */
static int process_stored(struct worker *w, struct arena *a, const char *id, const char *type,
			  const cJSON *event, const char **error)
{
	const char *order_id = NULL;
	int rc = webhook_event_process(w, a, type, event, error, &order_id);

	if (rc != SOUK_OK)
		*error = arena_printf(a, "processing failed: %s", souk_err_http(rc)->code);
	const char *done[] = {id, rc == SOUK_OK && *error == NULL ? "true" : "false", *error,
			      order_id};
	int rc2 = db_exec(&w->db, a, &event_done, done, NULL);

	if (rc != SOUK_OK)
		return rc == SOUK_EDB ? SOUK_EDB : SOUK_EINTERNAL;
	return rc2;
}

int webhooks_retry(struct worker *w, struct arena *a, long limit, long *processed, long *kept)
{
	const char *p1[] = {arena_printf(a, "%ld", limit)};
	PGresult *r = NULL;
	int rc = db_exec(&w->db, a, &events_due, p1, &r);

	*processed = *kept = 0;
	if (rc != SOUK_OK)
		return rc;
	int n = PQntuples(r);

	for (int i = 0; i < n; i++) {
		const char *id = arena_strdup(a, PQgetvalue(r, i, 0));
		const char *type = arena_strdup(a, PQgetvalue(r, i, 1));
		const char *payload = PQgetvalue(r, i, 2), *error = NULL, *why = NULL;
		cJSON *event = NULL;

		if (json_parse_object(a, payload, strlen(payload), &event, &why) != SOUK_OK)
			continue; /* stored as jsonb: cannot happen */
		rc = process_stored(w, a, id, type, event, &error);
		if (rc != SOUK_OK)
			return rc; /* PostgreSQL is down: the next run tries again */
		if (error == NULL)
			(*processed)++;
		else
			(*kept)++;
	}
	return SOUK_OK;
}

static int answer(struct http_response *res, struct arena *a, const char *status)
{
	cJSON *doc = json_new_object(a);

	cJSON_AddStringToObject(doc, "status", status);
	http_response_json(res, a, 200, doc);
	return SOUK_OK;
}

int webhook_razorpay(struct worker *w, struct http_request *req, struct http_response *res)
{
	const char *secret = w->config->razorpay_webhook_secret;
	const char *given = http_header(req, "X-Razorpay-Signature");
	const char *event_id = http_header(req, "X-Razorpay-Event-Id");
	const char *type, *error = NULL, *id;
	char expected[RAZORPAY_SIGNATURE_HEX + 1];
	PGresult *r = NULL;
	int rc;

	if (secret[0] == '\0') {
		req->error_message = "Razorpay webhooks are not set up in this shop.";
		return SOUK_EMALFORMED;
	}
	razorpay_webhook_signature(secret, req->body, req->body_len, expected);
	if (!razorpay_signature_equal(expected, given)) {
		log_msg(LOG_WARN, "webhooks: a delivery with a %s signature was refused",
			given == NULL ? "missing" : "bad");
		req->error_message = "The X-Razorpay-Signature header does not match the body.";
		return SOUK_EMALFORMED;
	}
	type = json_string_member(req->json, "event");
	if (event_id == NULL || event_id[0] == '\0' || strlen(event_id) > EVENT_ID_MAX ||
	    type == NULL || strlen(type) > 100) {
		req->error_message = "An X-Razorpay-Event-Id header and an event are required.";
		return SOUK_EMALFORMED;
	}
	const char *p3[] = {event_id, type, req->body}, *p1[] = {event_id};

	rc = db_exec(&w->db, req->arena, &event_insert, p3, &r);
	if (rc == SOUK_OK && PQntuples(r) == 0) {
		/* delivered before: done, or being (or to be) processed again */
		rc = db_exec(&w->db, req->arena, &event_get, p1, &r);
		if (rc == SOUK_OK && PQntuples(r) == 1 && PQgetvalue(r, 0, 1)[0] == 't')
			return answer(res, req->arena, "duplicate");
	}
	if (rc != SOUK_OK)
		return rc;
	if (PQntuples(r) != 1)
		return SOUK_EINTERNAL;
	id = arena_strdup(req->arena, PQgetvalue(r, 0, 0));

	rc = process_stored(w, req->arena, id, type, req->json, &error);
	if (error != NULL)
		log_msg(LOG_WARN, "webhooks: event %s (%s) kept unprocessed: %s", event_id, type,
			error);
	if (rc != SOUK_OK)
		return rc;
	return answer(res, req->arena, error == NULL ? "processed" : "kept");
}
