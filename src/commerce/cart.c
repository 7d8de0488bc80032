/*
 * cart.c - the cart, in Redis; see include/souk/commerce.h (cart part).
 *
 * A cart is one Redis hash: field "p:<product public id>" -> when it was
 * added (ms, which orders the lines). A guest's is cart:g:<token>, the token
 * a random souk_cart cookie (HttpOnly); a signed-in user's is cart:u:<id>.
 * Every use refreshes its 30-day expiry. At sign-in the guest cart moves
 * into the user's (cart_merge()): a digital product is bought once, so a
 * product in both is one line, and lines the user owns are dropped at the
 * next read.
 *
 * The cart holds product ids only: every read prices the lines again from
 * PostgreSQL (catalog_sale_products()) and drops, with a notice saying why,
 * products that were unpublished or archived, became free, or are owned.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "souk/arena.h"
#include "souk/auth.h"
#include "souk/catalog.h"
#include "souk/commerce.h"
#include "souk/crypto.h"
#include "souk/err.h"
#include "souk/http.h"
#include "souk/json.h"
#include "souk/log.h"
#include "souk/redis.h"
#include "souk/worker.h"

#define CART_COOKIE "souk_cart"
#define CART_TOKEN_BYTES 16
#define CART_TTL_S (30L * 86400)
#define CART_TTL_MS_TEXT "2592000000"
#define CART_TEXT(x) #x
#define CART_TEXT_OF(x) CART_TEXT(x)
#define CART_MAX_TEXT CART_TEXT_OF(COMMERCE_MAX_LINES) /* "100", for the scripts */

/* Adds one line unless the cart is full: KEYS[1] the cart, ARGV[1] the
 * field, ARGV[2] when (ms), ARGV[3] the most lines, ARGV[4] the TTL (ms).
 * Returns 1 added, 0 already there, -1 full. One script, so two adds at once
 * cannot both pass the count. Running it twice does no harm, so it is sent
 * as idempotent: a connection that went stale (Redis restarted) is retried
 * once on a new one instead of failing the request. */
static const char add_script[] = "local n = 0 "
				 "for _, f in ipairs(redis.call('HKEYS', KEYS[1])) do "
				 "  if string.sub(f, 1, 2) == 'p:' then n = n + 1 end end "
				 "if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 1 then "
				 "  redis.call('PEXPIRE', KEYS[1], ARGV[4]) return 0 end "
				 "if n >= tonumber(ARGV[3]) then return -1 end "
				 "redis.call('HSET', KEYS[1], ARGV[1], ARGV[2]) "
				 "redis.call('PEXPIRE', KEYS[1], ARGV[4]) return 1";

/* Moves a guest cart into a user's: KEYS[1] guest, KEYS[2] user, ARGV[1] the
 * most lines, ARGV[2] the TTL (ms). Lines already in the user's cart stay
 * as they are; lines past the limit are left out. Returns the lines moved.
 * A second run finds no guest cart and does nothing (idempotent). */
static const char merge_script[] =
    "local g = redis.call('HGETALL', KEYS[1]) "
    "if #g == 0 then return 0 end "
    "local n = 0 "
    "for _, f in ipairs(redis.call('HKEYS', KEYS[2])) do "
    "  if string.sub(f, 1, 2) == 'p:' then n = n + 1 end end "
    "local moved = 0 "
    "for i = 1, #g, 2 do "
    "  local f, v = g[i], g[i + 1] "
    "  if string.sub(f, 1, 2) == 'p:' then "
    "    if n < tonumber(ARGV[1]) and redis.call('HSETNX', KEYS[2], f, v) == 1 then "
    "      n = n + 1 moved = moved + 1 end "
    "  else redis.call('HSETNX', KEYS[2], f, v) end end "
    "redis.call('DEL', KEYS[1]) "
    "redis.call('PEXPIRE', KEYS[2], ARGV[2]) return moved";

/* Removes a field only while it holds what the read saw: KEYS[1] the cart,
 * ARGV[1] the field, ARGV[2] its value then. A read that drops a coupon
 * which stopped applying must not drop the one a PUT stored meanwhile.
 * Returns 1 removed, 0 not (gone, or changed). Idempotent. */
static const char remove_if_script[] = "if redis.call('HGET', KEYS[1], ARGV[1]) == ARGV[2] then "
				       "  return redis.call('HDEL', KEYS[1], ARGV[1]) end "
				       "return 0";

static bool token_valid(const char *t)
{
	if (t == NULL || strlen(t) != 2 * CART_TOKEN_BYTES)
		return false;
	for (const char *p = t; *p != '\0'; p++)
		if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')))
			return false;
	return true;
}

static const char *cart_cookie(const struct http_request *req, const char *value, long max_age)
{
	return arena_printf(req->arena, "%s=%s; Path=/api; Max-Age=%ld; SameSite=Lax; HttpOnly%s",
			    CART_COOKIE, value, max_age, req->https ? "; Secure" : "");
}

/* The Redis key of the caller's cart, or NULL for a guest without a cart
 * (create: give the guest one, setting its cookie on res). A guest's cookie
 * is sent again on every use, so it lasts as long as the cart does. */
static const char *cart_key(struct http_request *req, struct http_response *res, bool create)
{
	const char *token = http_cookie(req, CART_COOKIE);
	unsigned char raw[CART_TOKEN_BYTES];
	char hex[2 * CART_TOKEN_BYTES + 1];

	if (req->principal != NULL)
		return arena_printf(req->arena, "cart:u:%s", req->principal->user_id);
	if (token_valid(token)) {
		http_response_header(res, "Set-Cookie", cart_cookie(req, token, CART_TTL_S));
		return arena_printf(req->arena, "cart:g:%s", token);
	}
	if (!create || crypto_random(raw, sizeof(raw)) != SOUK_OK)
		return NULL;
	crypto_hex(raw, sizeof(raw), hex);
	http_response_header(res, "Set-Cookie", cart_cookie(req, hex, CART_TTL_S));
	return arena_printf(req->arena, "cart:g:%s", hex);
}

/* A Redis reply that is an error is a failure of ours (a script bug), not
 * an unreachable server. */
static int reply_ok(const redisReply *r)
{
	if (r == NULL || r->type == REDIS_REPLY_ERROR) {
		log_msg(LOG_ERROR, "cart: redis said %s", r != NULL ? r->str : "nothing");
		return SOUK_EINTERNAL;
	}
	return SOUK_OK;
}

/* One line of the cart as Redis has it. */
struct cart_entry {
	const char *product; /* public id */
	const char *added;   /* the field's value as Redis holds it */
	long long added_ms;
};

static int entry_order(const void *a, const void *b)
{
	const struct cart_entry *x = a, *y = b;

	if (x->added_ms != y->added_ms)
		return x->added_ms < y->added_ms ? -1 : 1;
	return strcmp(x->product, y->product);
}

/* The lines of a cart, oldest first, its coupon code (NULL: none), and its
 * expiry refreshed. */
static int cart_entries(struct worker *w, struct arena *a, const char *key, struct cart_entry **out,
			size_t *n, const char **coupon)
{
	const char *get[] = {"HGETALL", key};
	const char *touch[] = {"PEXPIRE", key, CART_TTL_MS_TEXT};
	struct cart_entry *e;
	redisReply *r = NULL;
	size_t count = 0;
	int rc = redis_command(&w->redis, a, &r, 1, 2, get, NULL);

	if (rc == SOUK_OK)
		rc = reply_ok(r);
	if (rc != SOUK_OK)
		return rc;
	e = arena_alloc(a, sizeof(*e) * (r->elements / 2 + 1));
	*coupon = NULL;
	for (size_t i = 0; i + 1 < r->elements; i += 2) {
		const char *f = r->element[i]->str;

		if (f != NULL && strcmp(f, "coupon") == 0 && r->element[i + 1]->str != NULL)
			*coupon = arena_strdup(a, r->element[i + 1]->str);
		if (f == NULL || strncmp(f, "p:", 2) != 0 || count >= COMMERCE_MAX_LINES)
			continue;
		if (r->element[i + 1]->str == NULL)
			continue;
		e[count].product = arena_strdup(a, f + 2);
		e[count].added = arena_strdup(a, r->element[i + 1]->str);
		e[count].added_ms = strtoll(e[count].added, NULL, 10);
		count++;
	}
	qsort(e, count, sizeof(*e), entry_order);
	if (r->elements > 0) {
		rc = redis_command(&w->redis, a, &r, 1, 3, touch, NULL);
		if (rc == SOUK_OK)
			rc = reply_ok(r);
		if (rc != SOUK_OK)
			return rc;
	}
	*out = e;
	*n = count;
	return SOUK_OK;
}

/* Removes a field: "p:<product>" or "coupon". */
static int cart_remove_field(struct worker *w, struct arena *a, const char *key, const char *field)
{
	const char *argv[] = {"HDEL", key, field};
	redisReply *r = NULL;
	int rc = redis_command(&w->redis, a, &r, 1, 3, argv, NULL);

	return rc == SOUK_OK ? reply_ok(r) : rc;
}

/* Removes a field while it still holds value (remove_if_script). */
static int cart_remove_if(struct worker *w, struct arena *a, const char *key, const char *field,
			  const char *value)
{
	const char *argv[] = {"EVAL", remove_if_script, "1", key, field, value};
	redisReply *r = NULL;
	int rc = redis_command(&w->redis, a, &r, 1, 6, argv, NULL);

	return rc == SOUK_OK ? reply_ok(r) : rc;
}

static void add_notice(cJSON *notices, const char *product, const char *code, const char *message)
{
	cJSON *n = cJSON_CreateObject();

	if (product != NULL)
		cJSON_AddStringToObject(n, "product", product);
	else
		cJSON_AddNullToObject(n, "product");
	cJSON_AddStringToObject(n, "code", code);
	cJSON_AddStringToObject(n, "message", message);
	cJSON_AddItemToArray(notices, n);
}

/* Why a line cannot stay in the cart (code and message), or NULL. */
static const char *line_problem(const struct sale_product *p, const char **message)
{
	if (p == NULL || strcmp(p->status, "published") != 0) {
		*message = "This product is no longer for sale, so it was removed from your cart.";
		return "unavailable";
	}
	if (p->owned) {
		*message = "You already own this product, so it was removed from your cart.";
		return "owned";
	}
	if (p->price_paise == 0) {
		*message = "This product is now free: claim it from its page.";
		return "free";
	}
	if (strcmp(p->currency, COMMERCE_CURRENCY) != 0) {
		*message = "This product is priced in another currency than the shop takes, so it "
			   "was removed from your cart.";
		return "currency";
	}
	return NULL;
}

/* Where the buyer is, for the tax of a cart read: ?country= (ISO 3166-1
 * alpha-2, default IN) and ?state= (GST state code, default the seller's). */
static int cart_supply(struct worker *w, struct http_request *req, enum gst_supply *supply,
		       const char **country_out)
{
	const char *country = http_query(req, "country"), *state = http_query(req, "state");
	int rc = SOUK_OK;

	if (country == NULL || *country == '\0')
		country = "IN";
	if (!gst_country_valid(country))
		rc = http_field_error(req, "country", "must be an ISO 3166-1 code such as IN");
	if (state == NULL || *state == '\0')
		state = w->config->seller_state;
	else if (gst_state_name(state) == NULL)
		rc = http_field_error(req, "state", "must be a GST state code such as 29");
	if (rc != SOUK_OK)
		return rc;
	*supply = gst_supply_of(w->config->seller_state, country, state);
	*country_out = country;
	return SOUK_OK;
}

static cJSON *paise(cJSON *o, const char *name, int64_t v)
{
	return cJSON_AddNumberToObject(o, name, (double)v);
}

/* The coupon on the lines of pc: marks the lines it applies to and gives
 * the discount, or SOUK_EINVALID with why. */
static int apply_coupon(const struct coupon *c, const struct cart_priced *pc,
			struct gst_line_in *in, int64_t *discount, char *why, size_t why_size)
{
	int64_t subtotal = 0, eligible = 0;
	int rc;

	for (size_t i = 0; i < pc->n; i++) {
		const struct sale_product *p = &pc->products[i];

		in[i].discountable = coupon_applies(c, p->id, p->category_id);
		subtotal += in[i].price_paise;
		eligible += in[i].discountable ? in[i].price_paise : 0;
	}
	rc = coupon_check(c, (long long)time(NULL), subtotal, eligible, why, why_size);
	if (rc != SOUK_OK)
		return rc;
	*discount = gst_coupon_discount(c->kind, c->value, eligible);
	return SOUK_OK;
}

static cJSON *coupon_json(const struct coupon *c, int64_t discount)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddStringToObject(o, "code", c->code);
	cJSON_AddStringToObject(o, "description", c->description);
	cJSON_AddStringToObject(o, "kind", c->kind == COUPON_PERCENT ? "percent" : "fixed");
	cJSON_AddNumberToObject(o, "value", (double)c->value);
	paise(o, "discount_paise", discount);
	return o;
}

/* Keeps the lines of e[0..n) that can be sold (pc->products), dropping the
 * others from Redis with a notice each. */
static int cart_lines(struct worker *w, struct http_request *req, const char *key,
		      const struct cart_entry *e, size_t n, cJSON *notices, struct cart_priced *pc)
{
	const char *user = req->principal != NULL ? req->principal->user_id : NULL;
	const char **ids = arena_alloc(req->arena, sizeof(*ids) * (n + 1));
	struct sale_product *products = NULL;
	size_t nproducts = 0;
	int rc = SOUK_OK;

	for (size_t i = 0; i < n; i++)
		ids[i] = e[i].product;
	if (n > 0)
		rc = catalog_sale_products(w, req->arena, user, ids, n, &products, &nproducts);
	for (size_t i = 0; rc == SOUK_OK && i < n; i++) {
		const struct sale_product *p = NULL;
		const char *problem, *message = NULL;

		for (size_t j = 0; j < nproducts; j++)
			if (strcmp(products[j].public_id, e[i].product) == 0)
				p = &products[j];
		problem = line_problem(p, &message);
		if (problem != NULL) {
			add_notice(notices, e[i].product, problem, message);
			rc = cart_remove_if(w, req->arena, key,
					    arena_printf(req->arena, "p:%s", e[i].product),
					    e[i].added);
			continue;
		}
		pc->products[pc->n++] = *p;
	}
	return rc;
}

/*
 * Prices the cart of key (NULL: an empty guest cart) for supply: its lines
 * priced from PostgreSQL, the lines (and a coupon) that cannot stay removed
 * from Redis with a notice each. With try_code, that coupon is checked
 * instead of the cart's own: SOUK_EINVALID (on field "code") when it cannot
 * be used, else it is stored in the cart.
 */
static int cart_price_key(struct worker *w, struct http_request *req, const char *key,
			  enum gst_supply supply, const char *try_code, cJSON *notices,
			  struct cart_priced **out)
{
	const char *user = req->principal != NULL ? req->principal->user_id : NULL;
	struct cart_priced *pc = arena_alloc(req->arena, sizeof(*pc));
	struct gst_line_in in[COMMERCE_MAX_LINES];
	struct cart_entry *e = NULL;
	const char *code = NULL;
	size_t n = 0;
	int64_t discount = 0;
	char why[160] = "";
	int rc = key != NULL ? cart_entries(w, req->arena, key, &e, &n, &code) : SOUK_OK;

	if (rc != SOUK_OK)
		return rc;
	memset(pc, 0, sizeof(*pc));
	pc->supply = supply;
	rc = cart_lines(w, req, key, e, n, notices, pc);
	if (rc != SOUK_OK)
		return rc;
	for (size_t i = 0; i < pc->n; i++)
		in[i] = (struct gst_line_in){pc->products[i].price_paise,
					     pc->products[i].tax_rate_bp, false};

	/* the coupon: the one being tried, else the cart's own, checked again */
	if (try_code != NULL || code != NULL) {
		bool rejected = false;

		rc = coupon_find(w, req->arena, try_code != NULL ? try_code : code, user,
				 &pc->coupon);
		if (rc == SOUK_OK) {
			rc = apply_coupon(&pc->coupon, pc, in, &discount, why, sizeof(why));
			rejected = rc == SOUK_EINVALID;
		} else if (rc == SOUK_ENOTFOUND) {
			snprintf(why, sizeof(why), "is not a valid coupon");
			rejected = true;
		}
		if (rejected && try_code != NULL)
			return http_field_error(req, "code", arena_strdup(req->arena, why));
		if (rejected) {
			add_notice(notices, NULL, "coupon",
				   arena_printf(req->arena, "The coupon %s %s, so it was removed.",
						code, why));
			for (size_t i = 0; i < pc->n; i++)
				in[i].discountable = false;
			discount = 0;
			rc = cart_remove_if(w, req->arena, key, "coupon", code);
		} else if (rc == SOUK_OK) {
			pc->has_coupon = true;
		}
		if (rc != SOUK_OK)
			return rc;
	}
	if (pc->has_coupon && try_code != NULL) {
		const char *argv[] = {"HSET", key, "coupon", pc->coupon.code};
		redisReply *r = NULL;

		rc = redis_command(&w->redis, req->arena, &r, 1, 4, argv, NULL);
		if (rc == SOUK_OK)
			rc = reply_ok(r);
		if (rc != SOUK_OK)
			return rc;
	}
	rc = gst_price(in, pc->n, discount, supply, pc->lines, &pc->totals);
	if (rc != SOUK_OK)
		return rc;
	*out = pc;
	return SOUK_OK;
}

int cart_price(struct worker *w, struct http_request *req, enum gst_supply supply, cJSON *notices,
	       struct cart_priced **out)
{
	if (req->principal == NULL)
		return SOUK_EUNAUTH;
	return cart_price_key(w, req,
			      arena_printf(req->arena, "cart:u:%s", req->principal->user_id),
			      supply, NULL, notices, out);
}

const char *gst_supply_name(enum gst_supply supply)
{
	return supply == GST_INTRA_STATE   ? "intra_state"
	       : supply == GST_INTER_STATE ? "inter_state"
					   : "export";
}

void gst_totals_json(cJSON *o, const struct gst_totals *t)
{
	static const struct {
		const char *name;
		size_t offset;
	} members[] = {
	    {"subtotal_paise", offsetof(struct gst_totals, subtotal_paise)},
	    {"discount_paise", offsetof(struct gst_totals, discount_paise)},
	    {"taxable_paise", offsetof(struct gst_totals, taxable_paise)},
	    {"cgst_paise", offsetof(struct gst_totals, cgst_paise)},
	    {"sgst_paise", offsetof(struct gst_totals, sgst_paise)},
	    {"igst_paise", offsetof(struct gst_totals, igst_paise)},
	    {"tax_paise", offsetof(struct gst_totals, tax_paise)},
	    {"total_paise", offsetof(struct gst_totals, total_paise)},
	};

	for (size_t i = 0; i < sizeof(members) / sizeof(members[0]); i++) {
		int64_t v;

		memcpy(&v, (const char *)t + members[i].offset, sizeof(v));
		paise(o, members[i].name, v);
	}
}

/* The priced cart as the cart routes answer it (commerce.h). */
static cJSON *cart_json(struct arena *a, const struct cart_priced *pc, cJSON *notices)
{
	const struct gst_totals *t = &pc->totals;
	cJSON *doc = json_new_object(a), *items = cJSON_AddArrayToObject(doc, "items");

	for (size_t i = 0; i < pc->n; i++) {
		const struct sale_product *p = &pc->products[i];
		const struct gst_line_out *l = &pc->lines[i];
		cJSON *o = cJSON_CreateObject();

		cJSON_AddStringToObject(o, "product", p->public_id);
		cJSON_AddStringToObject(o, "slug", p->slug);
		cJSON_AddStringToObject(o, "title", p->title);
		paise(o, "price_paise", p->price_paise);
		cJSON_AddNumberToObject(o, "tax_rate_bp", p->tax_rate_bp);
		paise(o, "discount_paise", l->discount_paise);
		paise(o, "taxable_paise", l->taxable_paise);
		paise(o, "tax_paise", l->tax_paise);
		paise(o, "total_paise", l->taxable_paise + l->tax_paise);
		cJSON_AddItemToArray(items, o);
	}
	gst_totals_json(doc, t);
	cJSON_AddStringToObject(doc, "currency", COMMERCE_CURRENCY);
	cJSON_AddStringToObject(doc, "supply", gst_supply_name(pc->supply));
	if (pc->has_coupon)
		cJSON_AddItemToObject(doc, "coupon", coupon_json(&pc->coupon, t->discount_paise));
	else
		cJSON_AddNullToObject(doc, "coupon");
	cJSON_AddNumberToObject(doc, "max_items", COMMERCE_MAX_LINES);
	cJSON_AddItemReferenceToObject(doc, "notices", notices);
	return doc;
}

/* The answer of every cart route: the priced cart. */
static int cart_answer(struct worker *w, struct http_request *req, struct http_response *res,
		       const char *key, enum gst_supply supply, const char *try_code)
{
	cJSON *notices = json_new_array(req->arena);
	struct cart_priced *pc = NULL;
	int rc = cart_price_key(w, req, key, supply, try_code, notices, &pc);

	if (rc != SOUK_OK)
		return rc;
	http_response_header(res, "Cache-Control", "private, no-store");
	http_response_json(res, req->arena, 200, cart_json(req->arena, pc, notices));
	return SOUK_OK;
}

int cart_get(struct worker *w, struct http_request *req, struct http_response *res)
{
	enum gst_supply supply;
	const char *country;
	int rc = cart_supply(w, req, &supply, &country);

	if (rc != SOUK_OK)
		return rc;
	return cart_answer(w, req, res, cart_key(req, res, false), supply, NULL);
}

struct cart_add_body {
	const char *product;
};

static const struct validate_field cart_add_fields[] = {
    {"product", VALIDATE_STRING, VALIDATE_REQUIRED, 1, 200,
     offsetof(struct cart_add_body, product)},
};

int cart_add(struct worker *w, struct http_request *req, struct http_response *res)
{
	const char *user = req->principal != NULL ? req->principal->user_id : NULL;
	struct cart_add_body in = {0};
	struct sale_product p;
	const char *key, *message = NULL, *code, *country;
	enum gst_supply supply;
	struct timespec now;
	redisReply *r = NULL;
	char when[24];
	int rc = HTTP_VALIDATE(req, cart_add_fields, &in, NULL);

	/* the query is checked before anything changes */
	if (rc == SOUK_OK)
		rc = cart_supply(w, req, &supply, &country);
	if (rc != SOUK_OK)
		return rc;
	rc = catalog_sale_product(w, req->arena, user, in.product, &p);
	if (rc == SOUK_ENOTFOUND || (rc == SOUK_OK && strcmp(p.status, "published") != 0)) {
		req->error_message = "No such product is for sale.";
		return SOUK_ENOTFOUND;
	}
	if (rc != SOUK_OK)
		return rc;
	code = line_problem(&p, &message);
	if (code != NULL && strcmp(code, "owned") == 0) {
		req->error_message = "You already own this product: it is in your library.";
		return SOUK_ECONFLICT;
	}
	if (code != NULL && strcmp(code, "currency") == 0)
		return http_field_error(req, "product",
					"is priced in a currency this shop cannot take payment in");
	if (code != NULL)
		return http_field_error(req, "product", "is free: claim it from its page");
	key = cart_key(req, res, true);
	if (key == NULL)
		return SOUK_EINTERNAL;
	/* milliseconds: two adds in one second keep their order */
	clock_gettime(CLOCK_REALTIME, &now);
	snprintf(when, sizeof(when), "%lld",
		 (long long)now.tv_sec * 1000LL + now.tv_nsec / 1000000);
	const char *argv[] = {"EVAL",
			      add_script,
			      "1",
			      key,
			      arena_printf(req->arena, "p:%s", p.public_id),
			      when,
			      CART_MAX_TEXT,
			      CART_TTL_MS_TEXT};

	rc = redis_command(&w->redis, req->arena, &r, 1, 8, argv, NULL);
	if (rc == SOUK_OK)
		rc = reply_ok(r);
	if (rc != SOUK_OK)
		return rc;
	if (r->type == REDIS_REPLY_INTEGER && r->integer < 0)
		return http_field_error(req, "product",
					"cannot be added: a cart holds at most 100 products");
	return cart_answer(w, req, res, key, supply, NULL);
}

int cart_remove(struct worker *w, struct http_request *req, struct http_response *res)
{
	const char *user = req->principal != NULL ? req->principal->user_id : NULL;
	const char *product = http_path_param(req, "product"), *key, *country;
	enum gst_supply supply;
	struct sale_product p;
	int rc = cart_supply(w, req, &supply, &country);

	if (rc != SOUK_OK)
		return rc;
	key = cart_key(req, res, false);
	if (validate_uuid(product)) {
		/* the cart holds public ids as PostgreSQL writes them: lower case */
		char *lower = arena_strdup(req->arena, product);

		for (char *c = lower; *c != '\0'; c++)
			if (*c >= 'A' && *c <= 'F')
				*c = (char)(*c - 'A' + 'a');
		product = lower;
	} else {
		/* a slug names the product it names now */
		rc = catalog_sale_product(w, req->arena, user, product, &p);
		if (rc == SOUK_ENOTFOUND)
			return cart_answer(w, req, res, key, supply, NULL);
		if (rc != SOUK_OK)
			return rc;
		product = p.public_id;
	}
	if (key != NULL)
		rc = cart_remove_field(w, req->arena, key,
				       arena_printf(req->arena, "p:%s", product));
	if (rc != SOUK_OK)
		return rc;
	return cart_answer(w, req, res, key, supply, NULL);
}

int cart_forget(struct worker *w, struct arena *a, const char *user_id, const char *const *products,
		size_t n, bool coupon)
{
	const char **argv = arena_alloc(a, (n + 3) * sizeof(*argv));
	int argc = 0;
	redisReply *r = NULL;
	int rc;

	argv[argc++] = "HDEL";
	argv[argc++] = arena_printf(a, "cart:u:%s", user_id);
	for (size_t i = 0; i < n; i++)
		argv[argc++] = arena_printf(a, "p:%s", products[i]);
	if (coupon)
		argv[argc++] = "coupon";
	if (argc == 2)
		return SOUK_OK;
	rc = redis_command(&w->redis, a, &r, 1, argc, argv, NULL);
	return rc == SOUK_OK ? reply_ok(r) : rc;
}

void cart_merge(struct worker *w, struct http_request *req, struct http_response *res,
		const char *user_id)
{
	const char *token = http_cookie(req, CART_COOKIE);
	redisReply *r = NULL;

	if (!token_valid(token))
		return;
	const char *argv[] = {"EVAL",
			      merge_script,
			      "2",
			      arena_printf(req->arena, "cart:g:%s", token),
			      arena_printf(req->arena, "cart:u:%s", user_id),
			      CART_MAX_TEXT,
			      CART_TTL_MS_TEXT};

	/* sign-in never fails for the cart's sake: the guest cart stays for a retry */
	if (redis_command(&w->redis, req->arena, &r, 1, 7, argv, NULL) != SOUK_OK ||
	    reply_ok(r) != SOUK_OK) {
		log_msg(LOG_WARN, "cart: the guest cart was not merged at sign-in (%s)",
			w->redis.message);
		return;
	}
	http_response_header(res, "Set-Cookie", cart_cookie(req, "", 0));
}

struct cart_coupon_body {
	const char *code;
};

static const struct validate_field cart_coupon_fields[] = {
    {"code", VALIDATE_STRING, VALIDATE_REQUIRED, 1, 40, offsetof(struct cart_coupon_body, code)},
};

int cart_coupon_set(struct worker *w, struct http_request *req, struct http_response *res)
{
	struct cart_coupon_body in = {0};
	const char *key, *country;
	enum gst_supply supply;
	int rc = HTTP_VALIDATE(req, cart_coupon_fields, &in, NULL);

	if (rc == SOUK_OK)
		rc = cart_supply(w, req, &supply, &country);
	if (rc != SOUK_OK)
		return rc;
	key = cart_key(req, res, false);
	if (key == NULL)
		return http_field_error(req, "code", "needs a product in the cart first");
	return cart_answer(w, req, res, key, supply, in.code);
}

int cart_coupon_clear(struct worker *w, struct http_request *req, struct http_response *res)
{
	const char *key, *country;
	enum gst_supply supply;
	int rc = cart_supply(w, req, &supply, &country);

	if (rc != SOUK_OK)
		return rc;
	key = cart_key(req, res, false);
	if (key != NULL)
		rc = cart_remove_field(w, req->arena, key, "coupon");
	if (rc != SOUK_OK)
		return rc;
	return cart_answer(w, req, res, key, supply, NULL);
}

int cart_cleanup(struct worker *w, struct arena *a, long *fixed)
{
	return redis_expire_strays(&w->redis, a, "cart:*", CART_TTL_S, 20, fixed);
}
