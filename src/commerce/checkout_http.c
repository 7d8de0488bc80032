/*
 * checkout_http.c - checkout, payment verification, the sandbox provider
 * and the buyer's orders; see include/souk/commerce.h (orders part).
 *
 * Checkout is two steps with nothing held open between them: one
 * transaction creates the pending order (orders.c), then, with no
 * transaction or row lock open, the provider's order is made (Razorpay's
 * Orders API, or a sandbox id) and stored. A failure between them leaves
 * a pending order that a retry with the same Idempotency-Key completes.
 *
 * Verification trusts nothing the browser says but the ids: the signature
 * is computed over the provider order id we stored, and the payment's
 * status, order, amount and currency are read back from the provider (the
 * sandbox's from its table) before order_fulfil() runs.
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "souk/arena.h"
#include "souk/auth.h"
#include "souk/commerce.h"
#include "souk/config.h"
#include "souk/crypto.h"
#include "souk/err.h"
#include "souk/http.h"
#include "souk/json.h"
#include "souk/log.h"
#include "souk/page.h"
#include "souk/worker.h"

#define IDEMPOTENCY_KEY_MAX 100
#define SANDBOX_KEY_ID "rzp_sandbox_souk"
#define VERIFY_RETRY "The payment provider did not answer: retry, your payment is safe."

static bool production(const struct worker *w)
{
	return strcmp(w->config->env, "production") == 0;
}

static bool razorpay_on(const struct worker *w)
{
	return w->config->razorpay_key_id[0] != '\0';
}

/* The sandbox's key secret: derived from the JWT secret, so it is private
 * to this shop and the same in every worker. */
static const char *sandbox_secret(const struct worker *w, struct arena *a)
{
	char *out = arena_alloc(a, RAZORPAY_SIGNATURE_HEX + 1);
	static const char label[] = "souk sandbox key secret";

	razorpay_webhook_signature(w->config->jwt_secret, label, sizeof(label) - 1, out);
	return out;
}

/* The key secret a payment of order o is signed with, or NULL when its
 * provider is not available here (a sandbox order in production, a Razorpay
 * order after the keys were removed). */
static const char *key_secret(const struct worker *w, struct arena *a, const struct order_row *o)
{
	if (strcmp(o->provider, "sandbox") == 0)
		return production(w) ? NULL : sandbox_secret(w, a);
	return razorpay_on(w) ? w->config->razorpay_key_secret : NULL;
}

/* ---------------------------------------------------------------- checkout */

struct checkout_body {
	const char *billing_name, *country, *state, *gstin;
};

static const struct validate_field checkout_fields[] = {
    {"billing_name", VALIDATE_STRING, VALIDATE_REQUIRED, 1, 200,
     offsetof(struct checkout_body, billing_name)},
    {"country", VALIDATE_STRING, 0, 2, 2, offsetof(struct checkout_body, country)},
    {"state", VALIDATE_STRING, VALIDATE_NULLABLE, 1, 2, offsetof(struct checkout_body, state)},
    {"gstin", VALIDATE_STRING, VALIDATE_NULLABLE, 15, 15, offsetof(struct checkout_body, gstin)},
};

bool commerce_idempotency_key_valid(const char *k)
{
	size_t n = 0;

	for (; k[n] != '\0'; n++)
		if (k[n] < 0x21 || k[n] > 0x7e)
			return false;
	return n >= 1 && n <= IDEMPOTENCY_KEY_MAX;
}

const char *commerce_random_id(struct arena *a, const char *prefix)
{
	unsigned char raw[8];
	char hex[17];

	if (crypto_random(raw, sizeof(raw)) != SOUK_OK)
		return NULL;
	crypto_hex(raw, sizeof(raw), hex);
	return arena_printf(a, "%s%s", prefix, hex);
}

static char *upper(struct arena *a, const char *s)
{
	char *u = arena_strdup(a, s);

	for (char *p = u; *p != '\0'; p++)
		if (*p >= 'a' && *p <= 'z')
			*p = (char)(*p - 'a' + 'A');
	return u;
}

/* The body checked into in (country upper-cased, state and GSTIN only for
 * India), with the hash that tells a retry from another checkout. */
static int checkout_input(struct http_request *req, struct order_input *in)
{
	struct checkout_body b = {0};
	int rc = HTTP_VALIDATE(req, checkout_fields, &b, NULL);
	char hash[CRYPTO_SHA256_HEX_LEN + 1];
	const char *canon;

	if (rc != SOUK_OK)
		return rc;
	in->billing_name = b.billing_name;
	in->country = upper(req->arena, b.country != NULL ? b.country : "IN");
	in->state = NULL;
	in->gstin = NULL;
	if (!gst_country_valid(in->country))
		return http_field_error(req, "country", "must be an ISO 3166-1 code such as IN");
	if (strcmp(in->country, "IN") == 0) {
		if (b.state == NULL)
			return http_field_error(req, "state",
						"is required in India: the GST state code of "
						"your place of supply, such as 29");
		if (gst_state_name(b.state) == NULL)
			return http_field_error(req, "state",
						"must be a GST state code such as 29");
		in->state = b.state;
		if (b.gstin != NULL) {
			in->gstin = upper(req->arena, b.gstin);
			if (!gstin_valid(in->gstin))
				return http_field_error(req, "gstin",
							"is not a valid GSTIN (its check "
							"character does not match)");
			if (strncmp(in->gstin, in->state, 2) != 0)
				return http_field_error(req, "gstin",
							"belongs to another state than the "
							"state given");
		}
	} else if (b.gstin != NULL) {
		return http_field_error(req, "gstin", "is for buyers in India only");
	}
	canon =
	    arena_printf(req->arena, "%s\n%s\n%s\n%s", in->billing_name, in->country,
			 in->state != NULL ? in->state : "", in->gstin != NULL ? in->gstin : "");
	crypto_sha256_hex(canon, strlen(canon), hash);
	in->request_hash = arena_strdup(req->arena, hash);
	return SOUK_OK;
}

/* Gives a pending order its provider order, outside any transaction. An
 * order that stopped being pending meanwhile is answered as it is. */
static int provider_order(struct worker *w, struct http_request *req, struct order_row *o)
{
	const char *sandbox_id;
	char *id = NULL;
	int rc;

	if (o->provider_order_id != NULL || strcmp(o->status, "pending") != 0 ||
	    o->total_paise == 0)
		return SOUK_OK;
	if (strcmp(o->provider, "sandbox") == 0) {
		sandbox_id = commerce_random_id(req->arena, "order_sbx");
		if (sandbox_id == NULL)
			return SOUK_EINTERNAL;
		id = arena_strdup(req->arena, sandbox_id);
	} else {
		rc = razorpay_order_create(w, req->arena, o->total_paise, o->public_id, &id);
		if (rc == SOUK_EUPSTREAM)
			req->error_message = "The payment provider did not answer. Your order is "
					     "kept: retry with the same Idempotency-Key.";
		if (rc != SOUK_OK)
			return rc;
	}
	rc = order_set_provider_order(w, req->arena, o, id);
	return rc == SOUK_ECONFLICT ? SOUK_OK : rc;
}

/* What Razorpay Checkout (or the sandbox page) needs to take the payment. */
static cJSON *payment_json(struct worker *w, struct arena *a, const struct order_row *o)
{
	cJSON *p = json_new_object(a), *prefill;
	bool sandbox = strcmp(o->provider, "sandbox") == 0;

	cJSON_AddStringToObject(p, "provider", o->provider);
	cJSON_AddStringToObject(p, "key_id", sandbox ? SANDBOX_KEY_ID : w->config->razorpay_key_id);
	cJSON_AddStringToObject(p, "order_id", o->provider_order_id);
	cJSON_AddNumberToObject(p, "amount", (double)o->total_paise);
	cJSON_AddStringToObject(p, "currency", o->currency);
	cJSON_AddStringToObject(p, "name", w->config->seller_name);
	cJSON_AddStringToObject(p, "description", arena_printf(a, "Order %s", o->public_id));
	prefill = cJSON_AddObjectToObject(p, "prefill");
	cJSON_AddStringToObject(prefill, "name", o->billing_name);
	cJSON_AddStringToObject(prefill, "email", o->email);
	if (sandbox)
		cJSON_AddStringToObject(p, "checkout_url",
					arena_printf(a, "/sandbox/pay.html?order=%s&id=%s",
						     o->provider_order_id, o->public_id));
	return p;
}

/* Takes what order (order_json()'s document) bought, and its coupon, out
 * of the buyer's cart. A failure is only logged: the next cart read drops
 * owned products. */
static void forget_bought(struct worker *w, struct arena *a, const char *user_id,
			  const cJSON *order)
{
	const cJSON *items = cJSON_GetObjectItemCaseSensitive(order, "items"), *item;
	const char *ids[COMMERCE_MAX_LINES];
	size_t n = 0;

	cJSON_ArrayForEach(item, items)
	{
		const char *id = json_string_member(item, "product");

		if (id != NULL && n < COMMERCE_MAX_LINES)
			ids[n++] = id;
	}
	if (cart_forget(w, a, user_id, ids, n, json_string_member(order, "coupon") != NULL) !=
	    SOUK_OK)
		log_msg(LOG_WARN, "checkout: the cart of user %s keeps what was bought", user_id);
}

/* {"order": ..., "payment": ... or null, "notices": [...]} */
static int checkout_answer(struct worker *w, struct http_request *req, struct http_response *res,
			   int status, const struct order_row *o, cJSON *notices)
{
	cJSON *doc = json_new_object(req->arena), *order;
	char *json = NULL;
	int rc = order_json(w, req->arena, o->id, &json);

	if (rc != SOUK_OK)
		return rc;
	order = cJSON_Parse(json);
	if (order == NULL)
		return SOUK_EINTERNAL;
	cJSON_AddItemToObject(doc, "order", order);
	if (strcmp(json_string_member(order, "status"), "paid") == 0)
		forget_bought(w, req->arena, o->user_id, order);
	/* the order as it is now: a retry may find it paid already */
	if (strcmp(json_string_member(order, "status"), "pending") == 0 &&
	    o->provider_order_id != NULL)
		cJSON_AddItemReferenceToObject(doc, "payment", payment_json(w, req->arena, o));
	else
		cJSON_AddNullToObject(doc, "payment");
	cJSON_AddItemReferenceToObject(doc, "notices", notices);
	http_response_json(res, req->arena, status, doc);
	return SOUK_OK;
}

/* The first notice, as a 422 on "cart": the cart changed as it was priced. */
static int cart_changed(struct http_request *req, cJSON *notices)
{
	const char *m = json_string_member(cJSON_GetArrayItem(notices, 0), "message");

	req->error_message = "Your cart changed since you last saw it: review it and check out "
			     "again.";
	return http_field_error(req, "cart", m != NULL ? m : "changed");
}

/* Completes the order of a retry (or of a racing request with the key). */
static int checkout_resume(struct worker *w, struct http_request *req, struct http_response *res,
			   const struct order_input *in, struct order_row *o, cJSON *notices)
{
	int rc;

	if (strcmp(o->request_hash, in->request_hash) != 0) {
		req->error_message = "This Idempotency-Key was used for a checkout with other "
				     "details: use a new key for a new checkout.";
		return http_field_error(req, "Idempotency-Key", "was used with another body");
	}
	rc = provider_order(w, req, o);
	if (rc != SOUK_OK)
		return rc;
	return checkout_answer(w, req, res, 200, o, notices);
}

/* A checkout with a key not seen yet; the caller holds the buyer's checkout
 * lock, so the buyer's checkouts supersede one another in turn. */
static int checkout_new(struct worker *w, struct http_request *req, struct http_response *res,
			struct order_input *in, cJSON *notices)
{
	const char *user_id = req->principal->user_id, *why = NULL;
	struct cart_priced *pc = NULL;
	bool paid_meanwhile = false;
	struct order_row o;
	int rc = order_find_by_key(w, req->arena, user_id, in->idempotency_key, &o);

	/* a request with the same key made it while this one waited */
	if (rc == SOUK_OK)
		return checkout_resume(w, req, res, in, &o, notices);
	if (rc != SOUK_ENOTFOUND)
		return rc;
	rc = cart_price(w, req, gst_supply_of(w->config->seller_state, in->country, in->state),
			notices, &pc);
	if (rc != SOUK_OK)
		return rc;
	if (cJSON_GetArraySize(notices) > 0)
		return cart_changed(req, notices);
	if (pc->n == 0) {
		req->error_message = "Your cart is empty.";
		return http_field_error(req, "cart", "is empty");
	}
	/* a new checkout replaces the buyer's pending orders for these products */
	rc = orders_supersede(w, req->arena, user_id, pc, &paid_meanwhile);
	if (rc == SOUK_EUPSTREAM)
		req->error_message = "The payment provider did not answer about your earlier "
				     "order: try again in a moment.";
	if (rc != SOUK_OK)
		return rc;
	if (paid_meanwhile) {
		req->error_message = "Your earlier order of these items has just been paid: see "
				     "your orders. The cart now holds only what you do not own.";
		return SOUK_ECONFLICT;
	}
	rc = order_create(w, req->arena, user_id, in, pc, &o, &why);
	if (rc == SOUK_ECONFLICT) {
		/* a request with the same key made it meanwhile */
		rc = order_find_by_key(w, req->arena, user_id, in->idempotency_key, &o);
		if (rc == SOUK_OK)
			return checkout_resume(w, req, res, in, &o, notices);
		return rc == SOUK_ENOTFOUND ? SOUK_ECONFLICT : rc;
	}
	if (rc == SOUK_EINVALID && why != NULL)
		return http_field_error(req, "coupon",
					arena_printf(req->arena, "%s %s", pc->coupon.code, why));
	if (rc != SOUK_OK)
		return rc;
	log_msg(LOG_INFO, "checkout: order %s pending, %" PRId64 " paise via %s", o.public_id,
		o.total_paise, o.provider);

	if (o.total_paise == 0) {
		enum fulfil_result result;

		rc = order_fulfil(w, req->arena, o.id, NULL, &result);
		if (rc != SOUK_OK)
			return rc;
		return checkout_answer(w, req, res, 201, &o, notices);
	}
	rc = provider_order(w, req, &o);
	if (rc != SOUK_OK)
		return rc;
	return checkout_answer(w, req, res, 201, &o, notices);
}

int checkout_create(struct worker *w, struct http_request *req, struct http_response *res)
{
	const char *key = http_header(req, "Idempotency-Key");
	const char *user_id = req->principal->user_id;
	struct order_input in = {0};
	cJSON *notices = json_new_array(req->arena);
	struct order_row o;
	int rc;

	rc = checkout_input(req, &in);
	if (rc != SOUK_OK)
		return rc;
	if (key == NULL || !commerce_idempotency_key_valid(key)) {
		req->error_message = "An Idempotency-Key header (1 to 100 visible characters, a "
				     "new random value per checkout) is required.";
		return SOUK_EMALFORMED;
	}
	in.idempotency_key = key;
	if (razorpay_on(w)) {
		in.provider = "razorpay";
	} else if (!production(w)) {
		in.provider = "sandbox";
	} else {
		req->error_message = "Payments are not set up in this shop yet.";
		return SOUK_EDB; /* 503: a dependency (the provider) is missing */
	}
	rc = order_find_by_key(w, req->arena, user_id, key, &o);
	if (rc == SOUK_OK)
		return checkout_resume(w, req, res, &in, &o, notices);
	if (rc != SOUK_ENOTFOUND)
		return rc;
	rc = orders_checkout_lock(w, req->arena, user_id);
	if (rc != SOUK_OK)
		return rc;
	rc = checkout_new(w, req, res, &in, notices);
	orders_checkout_unlock(w, req->arena, user_id);
	return rc;
}

/* ----------------------------------------------------------------- verify */

struct verify_body {
	const char *order_id, *payment_id, *signature;
};

static const struct validate_field verify_fields[] = {
    {"razorpay_order_id", VALIDATE_STRING, VALIDATE_REQUIRED, 1, 100,
     offsetof(struct verify_body, order_id)},
    {"razorpay_payment_id", VALIDATE_STRING, VALIDATE_REQUIRED, 1, 100,
     offsetof(struct verify_body, payment_id)},
    {"razorpay_signature", VALIDATE_STRING, VALIDATE_REQUIRED, 1, 200,
     offsetof(struct verify_body, signature)},
};

int payments_verify(struct worker *w, struct http_request *req, struct http_response *res)
{
	struct verify_body b = {0};
	struct provider_payment p = {0}, captured;
	enum fulfil_result result = FULFIL_ALREADY;
	char expected[RAZORPAY_SIGNATURE_HEX + 1], *json = NULL;
	const char *secret;
	struct order_row o;
	cJSON *order;
	bool sandbox;
	int rc = HTTP_VALIDATE(req, verify_fields, &b, NULL);

	if (rc != SOUK_OK)
		return rc;
	rc = order_find_by_provider(w, req->arena, b.order_id, req->principal->user_id, &o);
	if (rc == SOUK_ENOTFOUND)
		req->error_message = "You have no order with this razorpay_order_id.";
	if (rc != SOUK_OK)
		return rc;
	sandbox = strcmp(o.provider, "sandbox") == 0;
	secret = key_secret(w, req->arena, &o);
	if (secret == NULL) {
		req->error_message = "This order's payment provider is not set up here.";
		return SOUK_EDB;
	}
	razorpay_payment_signature(secret, o.provider_order_id, b.payment_id, expected);
	if (!razorpay_signature_equal(expected, b.signature)) {
		log_msg(LOG_WARN, "payments: a bad signature for order %s", o.public_id);
		req->error_message = "The payment signature does not match.";
		return SOUK_EMALFORMED;
	}
	rc = sandbox ? sandbox_payment_fetch(w, req->arena, b.payment_id, &p)
		     : razorpay_payment_fetch(w, req->arena, b.payment_id, &p);
	if (rc == SOUK_ENOTFOUND) {
		req->error_message = "The payment provider knows no such payment.";
		return http_field_error(req, "razorpay_payment_id", "names no payment");
	}
	if (rc == SOUK_EUPSTREAM)
		req->error_message = VERIFY_RETRY;
	if (rc != SOUK_OK)
		return rc;
	if (p.order_id == NULL || strcmp(p.order_id, o.provider_order_id) != 0) {
		log_msg(LOG_WARN, "payments: payment %s is not of order %s", p.id, o.public_id);
		req->error_message = "This payment belongs to another order.";
		return http_field_error(req, "razorpay_payment_id", "is of another order");
	}
	if (!sandbox && strcmp(p.status, "authorized") == 0 && strcmp(o.status, "pending") != 0) {
		/* not taken: an authorization nobody captures lapses, and the bank
		 * releases the hold (Razorpay: within days) */
		log_msg(LOG_WARN, "payments: payment %s authorized for %s order %s: not captured",
			p.id, o.status, o.public_id);
		req->error_message =
		    strcmp(o.status, "paid") == 0
			? "This order was already paid: this second payment was not "
			  "taken, and its hold on your account will be released."
			: "This order was cancelled before the payment: it was not "
			  "taken, and its hold on your account will be released.";
		return SOUK_ECONFLICT;
	}
	if (!sandbox && strcmp(p.status, "authorized") == 0) {
		rc = razorpay_payment_capture(w, req->arena, &p, &captured);
		if (rc == SOUK_EUPSTREAM)
			req->error_message = VERIFY_RETRY;
		if (rc != SOUK_OK)
			return rc;
		p = captured;
	}
	if (strcmp(p.status, "failed") == 0) {
		rc = order_payment_failed(w, req->arena, &o, &p);
		if (rc != SOUK_OK)
			return rc;
		req->error_message = "The payment failed. Nothing was charged: you can try again.";
		return http_field_error(req, "razorpay_payment_id", "failed");
	}
	if (strcmp(p.status, "captured") != 0 && strcmp(p.status, "refunded") != 0) {
		req->error_message = "The payment has not completed yet.";
		return SOUK_ECONFLICT;
	}
	rc = order_fulfil(w, req->arena, o.id, &p, &result);
	if (rc != SOUK_OK)
		return rc;
	if (result == FULFIL_MISMATCH) {
		req->error_message = "The amount paid does not match the order: it was not "
				     "fulfilled, and the shop will refund it.";
		return http_field_error(req, "razorpay_payment_id", "does not match the order");
	}
	if (result == FULFIL_NOT_PENDING) {
		req->error_message = "This order was cancelled before the payment arrived: the "
				     "shop will refund it.";
		return SOUK_ECONFLICT;
	}
	rc = order_json(w, req->arena, o.id, &json);
	if (rc != SOUK_OK)
		return rc;
	order = json_own(req->arena, cJSON_Parse(json));
	if (order == NULL)
		return SOUK_EINTERNAL;
	forget_bought(w, req->arena, req->principal->user_id, order);
	json = arena_printf(req->arena, "{\"order\":%s}", json);
	http_response_body(res, 200, json, strlen(json));
	return SOUK_OK;
}

/* ---------------------------------------------------------------- sandbox */

struct sandbox_body {
	const char *order_id, *outcome;
};

static const struct validate_field sandbox_fields[] = {
    {"razorpay_order_id", VALIDATE_STRING, VALIDATE_REQUIRED, 1, 100,
     offsetof(struct sandbox_body, order_id)},
    {"outcome", VALIDATE_STRING, VALIDATE_REQUIRED, 1, 10, offsetof(struct sandbox_body, outcome)},
};

int sandbox_pay(struct worker *w, struct http_request *req, struct http_response *res)
{
	struct sandbox_body b = {0};
	char signature[RAZORPAY_SIGNATURE_HEX + 1];
	struct order_row o;
	const char *payment_id;
	cJSON *doc;
	int rc;

	if (production(w)) {
		req->error_message = "The sandbox payment provider is off in production.";
		return SOUK_ENOTFOUND;
	}
	rc = HTTP_VALIDATE(req, sandbox_fields, &b, NULL);
	if (rc == SOUK_OK && strcmp(b.outcome, "pay") != 0 && strcmp(b.outcome, "fail") != 0)
		rc = http_field_error(req, "outcome", "must be pay or fail");
	if (rc != SOUK_OK)
		return rc;
	rc = order_find_by_provider(w, req->arena, b.order_id, req->principal->user_id, &o);
	if (rc == SOUK_OK && strcmp(o.provider, "sandbox") != 0)
		rc = SOUK_ENOTFOUND;
	if (rc == SOUK_ENOTFOUND)
		req->error_message = "You have no sandbox order with this razorpay_order_id.";
	if (rc != SOUK_OK)
		return rc;
	if (strcmp(o.status, "pending") != 0) {
		req->error_message = arena_printf(req->arena, "This order is %s.", o.status);
		return SOUK_ECONFLICT;
	}
	payment_id = commerce_random_id(req->arena, "pay_sbx");
	if (payment_id == NULL)
		return SOUK_EINTERNAL;
	rc = sandbox_payment_create(w, req->arena, &o, strcmp(b.outcome, "pay") == 0, payment_id);
	if (rc != SOUK_OK)
		return rc;
	razorpay_payment_signature(sandbox_secret(w, req->arena), o.provider_order_id, payment_id,
				   signature);
	/* what Razorpay Checkout hands its success handler */
	doc = json_new_object(req->arena);
	cJSON_AddStringToObject(doc, "razorpay_order_id", o.provider_order_id);
	cJSON_AddStringToObject(doc, "razorpay_payment_id", payment_id);
	cJSON_AddStringToObject(doc, "razorpay_signature", signature);
	http_response_json(res, req->arena, 201, doc);
	return SOUK_OK;
}

/* ------------------------------------------------------------ the buyer's */

int orders_mine_index(struct worker *w, struct http_request *req, struct http_response *res)
{
	struct page_cursor after = {0}, next = {.kind = 'O'};
	bool has_after = false, more = false;
	char *items = NULL, *body;
	long limit = 0;
	int rc = page_params(req, 20, 'O', 0, &limit, &after, &has_after);

	if (rc != SOUK_OK)
		return rc;
	rc = orders_mine_list(w, req->arena, req->principal->user_id, has_after ? &after.id : NULL,
			      limit, &items, &more, &next.id);
	if (rc != SOUK_OK)
		return rc;
	body = page_document(req->arena, items, more ? &next : NULL);
	http_response_body(res, 200, body, strlen(body));
	return SOUK_OK;
}

int orders_mine_show(struct worker *w, struct http_request *req, struct http_response *res)
{
	char *json = NULL;
	int rc = order_json_mine_get(w, req->arena, req->principal->user_id,
				     http_path_param(req, "id"), &json);

	if (rc != SOUK_OK)
		return rc;
	http_response_body(res, 200, json, strlen(json));
	return SOUK_OK;
}
