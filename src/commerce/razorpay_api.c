/*
 * razorpay_api.c - the calls Souk makes to Razorpay's REST API (Orders,
 * Payments, Refunds) over the one outbound client (src/core/httpc.c); see
 * include/souk/commerce.h. HTTP basic auth with the key id and secret; the
 * base URL is SOUK_RAZORPAY_API_URL, so tests use t/fakes/razorpay.mjs.
 *
 * Razorpay unreachable, slow past SOUK_RAZORPAY_TIMEOUT_MS, or answering
 * 5xx is SOUK_EUPSTREAM; a 4xx is logged with Razorpay's own description
 * (never a secret: the key id only) and is SOUK_EUPSTREAM too, except a
 * payment that does not exist (SOUK_ENOTFOUND).
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <openssl/evp.h>

#include "souk/arena.h"
#include "souk/commerce.h"
#include "souk/config.h"
#include "souk/err.h"
#include "souk/httpc.h"
#include "souk/json.h"
#include "souk/log.h"
#include "souk/worker.h"

static const char *basic_auth(struct arena *a, const struct souk_config *cfg)
{
	const char *pair = arena_printf(a, "%s:%s", cfg->razorpay_key_id, cfg->razorpay_key_secret);
	size_t n = strlen(pair);
	unsigned char *b64 = arena_alloc(a, 4 * ((n + 2) / 3) + 1);

	EVP_EncodeBlock(b64, (const unsigned char *)pair, (int)n);
	return arena_printf(a, "Authorization: Basic %s", (const char *)b64);
}

/* One API call: method on path (under /v1/), body JSON text or NULL, the
 * answer's JSON object in *out. idem: an idempotency header ("Name: value")
 * or NULL. refused non-NULL: a 4xx (other than a missing payment) is
 * SOUK_EINVALID with Razorpay's description there, instead of SOUK_EUPSTREAM. */
static int call(struct worker *w, struct arena *a, const char *what, const char *method,
		const char *path, const char *body, const char *idem, cJSON **out,
		const char **refused)
{
	const struct souk_config *cfg = w->config;
	const char *headers[] = {basic_auth(a, cfg), "Accept: application/json",
				 body != NULL ? "Content-Type: application/json" : NULL, idem,
				 NULL};
	const char *packed[5];
	size_t np = 0;
	struct httpc_response res;
	const char *why = NULL;
	cJSON *doc = NULL;
	int rc;

	for (size_t i = 0; i < 4; i++)
		if (headers[i] != NULL)
			packed[np++] = headers[i];
	packed[np] = NULL;
	struct httpc_request rq = {
	    .what = what,
	    .method = method,
	    .url = arena_printf(a, "%s/v1/%s", cfg->razorpay_api_url, path),
	    .headers = packed,
	    .body = body,
	    .body_len = body != NULL ? strlen(body) : 0,
	    .connect_timeout_ms = cfg->razorpay_timeout_ms,
	    .timeout_ms = cfg->razorpay_timeout_ms,
	    .max_body = 256 * 1024,
	};

	rc = httpc_perform(a, &rq, &res);
	if (rc != SOUK_OK)
		return rc == SOUK_ETOOLARGE ? SOUK_EUPSTREAM : rc;
	if (json_parse_object(a, res.body, res.len, &doc, &why) != SOUK_OK) {
		log_msg(LOG_ERROR, "razorpay: %s answered %ld with no JSON object (%s)", what,
			res.status, why);
		return SOUK_EUPSTREAM;
	}
	if (res.status >= 200 && res.status < 300) {
		*out = doc;
		return SOUK_OK;
	}
	const cJSON *err = cJSON_GetObjectItemCaseSensitive(doc, "error");
	const char *desc = json_string_member(err, "description");

	log_msg(LOG_WARN, "razorpay: %s answered %ld: %s", what, res.status,
		desc != NULL ? desc : "(no description)");
	if (res.status == 400 && desc != NULL && strstr(desc, "does not exist") != NULL)
		return SOUK_ENOTFOUND;
	if (refused != NULL && res.status >= 400 && res.status < 500 && res.status != 401 &&
	    res.status != 409 && res.status != 429) {
		*refused = desc != NULL ? arena_strdup(a, desc) : "Razorpay refused it.";
		return SOUK_EINVALID;
	}
	return SOUK_EUPSTREAM;
}

int provider_payment_from_json(struct arena *a, const cJSON *e, struct provider_payment *out)
{
	const cJSON *amount = cJSON_GetObjectItemCaseSensitive(e, "amount");
	const char *id = json_string_member(e, "id"), *status = json_string_member(e, "status");
	const char *currency = json_string_member(e, "currency");
	const char *order = json_string_member(e, "order_id"), *method;

	if (id == NULL || status == NULL || currency == NULL || strlen(currency) != 3 ||
	    !cJSON_IsNumber(amount) || amount->valuedouble < 0 ||
	    amount->valuedouble > (double)COMMERCE_MAX_PAISE ||
	    amount->valuedouble != (double)(int64_t)amount->valuedouble || strlen(id) > 100)
		return SOUK_EINVALID;
	method = json_string_member(e, "method");
	out->id = arena_strdup(a, id);
	out->order_id = order != NULL ? arena_strdup(a, order) : NULL;
	out->status = arena_strdup(a, status);
	out->method = method != NULL ? arena_strdup(a, method) : NULL;
	out->amount_paise = (int64_t)amount->valuedouble;
	memcpy(out->currency, currency, 4);
	out->raw = json_print(a, e);
	return SOUK_OK;
}

int razorpay_order_create(struct worker *w, struct arena *a, int64_t amount_paise,
			  const char *receipt, char **provider_order_id)
{
	cJSON *body = json_new_object(a), *notes, *doc = NULL;
	const char *id;
	int rc;

	cJSON_AddNumberToObject(body, "amount", (double)amount_paise);
	cJSON_AddStringToObject(body, "currency", COMMERCE_CURRENCY);
	cJSON_AddStringToObject(body, "receipt", receipt);
	notes = cJSON_AddObjectToObject(body, "notes");
	cJSON_AddStringToObject(notes, "souk_order", receipt);
	rc = call(w, a, "razorpay order create", "POST", "orders", json_print(a, body), NULL, &doc,
		  NULL);
	if (rc != SOUK_OK)
		return rc == SOUK_ENOTFOUND ? SOUK_EUPSTREAM : rc;
	id = json_string_member(doc, "id");
	if (id == NULL || strncmp(id, "order_", 6) != 0 || strlen(id) > 100) {
		log_msg(LOG_ERROR, "razorpay: order create answered without an order id");
		return SOUK_EUPSTREAM;
	}
	*provider_order_id = arena_strdup(a, id);
	return SOUK_OK;
}

/* A payment id as Razorpay writes them: pay_ and letters and digits. */
static bool payment_id_valid(const char *id)
{
	size_t n = id != NULL ? strlen(id) : 0;

	if (n < 5 || n > 40 || strncmp(id, "pay_", 4) != 0)
		return false;
	for (size_t i = 4; i < n; i++)
		if (!((id[i] >= 'a' && id[i] <= 'z') || (id[i] >= 'A' && id[i] <= 'Z') ||
		      (id[i] >= '0' && id[i] <= '9')))
			return false;
	return true;
}

int razorpay_payment_fetch(struct worker *w, struct arena *a, const char *payment_id,
			   struct provider_payment *out)
{
	cJSON *doc = NULL;
	int rc;

	if (!payment_id_valid(payment_id))
		return SOUK_ENOTFOUND;
	rc = call(w, a, "razorpay payment fetch", "GET", arena_printf(a, "payments/%s", payment_id),
		  NULL, NULL, &doc, NULL);
	if (rc != SOUK_OK)
		return rc;
	if (provider_payment_from_json(a, doc, out) != SOUK_OK) {
		log_msg(LOG_ERROR,
			"razorpay: payment fetch answered an entity that cannot be read");
		return SOUK_EUPSTREAM;
	}
	return SOUK_OK;
}

int razorpay_payment_capture(struct worker *w, struct arena *a, const struct provider_payment *p,
			     struct provider_payment *out)
{
	cJSON *body = json_new_object(a), *doc = NULL;
	int rc;

	cJSON_AddNumberToObject(body, "amount", (double)p->amount_paise);
	cJSON_AddStringToObject(body, "currency", p->currency);
	rc = call(w, a, "razorpay payment capture", "POST",
		  arena_printf(a, "payments/%s/capture", p->id), json_print(a, body), NULL, &doc,
		  NULL);
	if (rc != SOUK_OK)
		return rc;
	if (provider_payment_from_json(a, doc, out) != SOUK_OK)
		return SOUK_EUPSTREAM;
	return SOUK_OK;
}

/* An order or refund id as Razorpay writes them: prefix_ and letters and digits. */
static bool entity_id_valid(const char *id, const char *prefix)
{
	size_t n = id != NULL ? strlen(id) : 0, p = strlen(prefix);

	if (n <= p || n > 60 || strncmp(id, prefix, p) != 0)
		return false;
	for (size_t i = p; i < n; i++)
		if (!((id[i] >= 'a' && id[i] <= 'z') || (id[i] >= 'A' && id[i] <= 'Z') ||
		      (id[i] >= '0' && id[i] <= '9')))
			return false;
	return true;
}

int razorpay_order_payments(struct worker *w, struct arena *a, const char *provider_order_id,
			    struct provider_payment **out, size_t *n)
{
	cJSON *doc = NULL;
	const cJSON *items, *e;
	size_t i = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if (!entity_id_valid(provider_order_id, "order_"))
		return SOUK_ENOTFOUND;
	rc = call(w, a, "razorpay order payments", "GET",
		  arena_printf(a, "orders/%s/payments", provider_order_id), NULL, NULL, &doc, NULL);
	if (rc != SOUK_OK)
		return rc;
	items = cJSON_GetObjectItemCaseSensitive(doc, "items");
	if (!cJSON_IsArray(items) || cJSON_GetArraySize(items) > 1000)
		return SOUK_EUPSTREAM;
	*out = arena_alloc(a, sizeof(**out) * ((size_t)cJSON_GetArraySize(items) + 1));
	cJSON_ArrayForEach(e, items)
	{
		if (provider_payment_from_json(a, e, &(*out)[i]) != SOUK_OK) {
			log_msg(LOG_ERROR, "razorpay: order payments holds an unreadable entity");
			return SOUK_EUPSTREAM;
		}
		i++;
	}
	*n = i;
	return SOUK_OK;
}

int provider_refund_from_json(struct arena *a, const cJSON *e, struct provider_refund *out)
{
	const cJSON *amount = cJSON_GetObjectItemCaseSensitive(e, "amount");
	const cJSON *notes = cJSON_GetObjectItemCaseSensitive(e, "notes");
	const char *id = json_string_member(e, "id"), *status = json_string_member(e, "status");
	const char *payment = json_string_member(e, "payment_id");
	const char *currency = json_string_member(e, "currency");
	const char *souk = cJSON_IsObject(notes) ? json_string_member(notes, "souk_refund") : NULL;

	if (id == NULL || strlen(id) > 100 || status == NULL || payment == NULL ||
	    strlen(payment) > 100 || !cJSON_IsNumber(amount) || amount->valuedouble <= 0 ||
	    amount->valuedouble > (double)COMMERCE_MAX_PAISE ||
	    amount->valuedouble != (double)(int64_t)amount->valuedouble)
		return SOUK_EINVALID;
	out->id = arena_strdup(a, id);
	out->payment_id = arena_strdup(a, payment);
	out->status = arena_strdup(a, status);
	out->amount_paise = (int64_t)amount->valuedouble;
	snprintf(out->currency, sizeof(out->currency), "%s",
		 currency != NULL && strlen(currency) == 3 ? currency : COMMERCE_CURRENCY);
	out->souk_refund = souk != NULL && validate_uuid(souk) ? arena_strdup(a, souk) : NULL;
	return SOUK_OK;
}

int razorpay_refund_create(struct worker *w, struct arena *a, const char *payment_id,
			   int64_t amount_paise, const char *refund_public_id,
			   struct provider_refund *out, const char **refused)
{
	cJSON *body = json_new_object(a), *notes, *doc = NULL;
	int rc;

	*refused = NULL;
	if (!payment_id_valid(payment_id))
		return SOUK_ENOTFOUND;
	cJSON_AddNumberToObject(body, "amount", (double)amount_paise);
	cJSON_AddStringToObject(body, "speed", "normal");
	cJSON_AddStringToObject(body, "receipt", refund_public_id);
	notes = cJSON_AddObjectToObject(body, "notes");
	cJSON_AddStringToObject(notes, "souk_refund", refund_public_id);
	/* the same refund asked for again (a retry after a timeout) is not a second one */
	rc = call(w, a, "razorpay refund create", "POST",
		  arena_printf(a, "payments/%s/refund", payment_id), json_print(a, body),
		  arena_printf(a, "X-Refund-Idempotency: %s", refund_public_id), &doc, refused);
	if (rc != SOUK_OK)
		return rc;
	if (provider_refund_from_json(a, doc, out) != SOUK_OK) {
		log_msg(LOG_ERROR,
			"razorpay: refund create answered an entity that cannot be read");
		return SOUK_EUPSTREAM;
	}
	return SOUK_OK;
}

int razorpay_refund_fetch(struct worker *w, struct arena *a, const char *refund_id,
			  struct provider_refund *out)
{
	cJSON *doc = NULL;
	int rc;

	if (!entity_id_valid(refund_id, "rfnd_"))
		return SOUK_ENOTFOUND;
	rc = call(w, a, "razorpay refund fetch", "GET", arena_printf(a, "refunds/%s", refund_id),
		  NULL, NULL, &doc, NULL);
	if (rc != SOUK_OK)
		return rc;
	if (provider_refund_from_json(a, doc, out) != SOUK_OK)
		return SOUK_EUPSTREAM;
	return SOUK_OK;
}
