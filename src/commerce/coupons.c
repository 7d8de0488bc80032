/*
 * coupons.c - the SQL on coupons and their scope (schema/003, 012), and the
 * rules a coupon must pass before a cart or an order uses it; see
 * include/souk/commerce.h. Redemptions are counted when an order is paid,
 * not here.
 */
#include <stdbool.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "souk/arena.h"
#include "souk/commerce.h"
#include "souk/db.h"
#include "souk/err.h"
#include "souk/worker.h"

static struct db_statement coupon_by_code = {
    .name = "coupon_by_code",
    .sql = "SELECT c.id, c.code, c.description, c.kind, c.value, c.min_order_paise,"
	   " coalesce(c.max_redemptions, -1), c.redemptions, coalesce(c.per_customer_limit, -1),"
	   " (SELECT count(*) FROM orders o WHERE o.coupon_id = c.id"
	   "   AND o.user_id = $2::bigint AND o.status IN ('paid', 'refunded')),"
	   " coalesce(extract(epoch FROM c.valid_from)::bigint, 0),"
	   " coalesce(extract(epoch FROM c.valid_until)::bigint, 0), c.active,"
	   " ARRAY(SELECT product_id FROM coupon_products WHERE coupon_id = c.id)::text,"
	   " ARRAY(SELECT category_id FROM coupon_categories WHERE coupon_id = c.id)::text,"
	   " c.scoped, c.currency"
	   " FROM coupons c WHERE c.code = $1::citext",
    .nparams = 2,
    .flags = DB_READONLY,
};

/* "{1,22,333}" (an array of bigint as text) -> its elements. */
static const char **id_list(struct arena *a, const char *text, size_t *n)
{
	size_t count = 0, cap = 1;
	const char **out;
	char *copy = arena_strdup(a, text), *save = NULL;

	for (const char *p = text; *p != '\0'; p++)
		cap += *p == ',';
	out = arena_alloc(a, sizeof(*out) * (cap + 1));
	if (copy[0] == '{')
		copy++;
	copy[strcspn(copy, "}")] = '\0';
	for (char *t = strtok_r(copy, ",", &save); t != NULL; t = strtok_r(NULL, ",", &save))
		out[count++] = t;
	*n = count;
	return out;
}

int coupon_find(struct worker *w, struct arena *a, const char *code, const char *user_id,
		struct coupon *out)
{
	const char *params[] = {code, user_id != NULL ? user_id : "0"};
	PGresult *r = NULL;
	struct coupon c;
	int rc = db_exec(&w->db, a, &coupon_by_code, params, &r);

	if (rc != SOUK_OK)
		return rc;
	if (PQntuples(r) != 1)
		return SOUK_ENOTFOUND;
	c.id = arena_strdup(a, PQgetvalue(r, 0, 0));
	c.code = arena_strdup(a, PQgetvalue(r, 0, 1));
	c.description = arena_strdup(a, PQgetvalue(r, 0, 2));
	c.kind = strcmp(PQgetvalue(r, 0, 3), "percent") == 0 ? COUPON_PERCENT : COUPON_FIXED;
	c.value = strtoll(PQgetvalue(r, 0, 4), NULL, 10);
	c.min_order_paise = strtoll(PQgetvalue(r, 0, 5), NULL, 10);
	c.max_redemptions = strtol(PQgetvalue(r, 0, 6), NULL, 10);
	c.redemptions = strtol(PQgetvalue(r, 0, 7), NULL, 10);
	c.per_customer_limit = strtol(PQgetvalue(r, 0, 8), NULL, 10);
	c.used_by_customer = strtol(PQgetvalue(r, 0, 9), NULL, 10);
	c.valid_from = strtoll(PQgetvalue(r, 0, 10), NULL, 10);
	c.valid_until = strtoll(PQgetvalue(r, 0, 11), NULL, 10);
	c.active = PQgetvalue(r, 0, 12)[0] == 't';
	c.product_ids = id_list(a, PQgetvalue(r, 0, 13), &c.nproducts);
	c.category_ids = id_list(a, PQgetvalue(r, 0, 14), &c.ncategories);
	c.scoped = PQgetvalue(r, 0, 15)[0] == 't';
	memcpy(c.currency, PQgetvalue(r, 0, 16), 3);
	c.currency[3] = '\0';
	*out = c;
	return SOUK_OK;
}

bool coupon_applies(const struct coupon *c, const char *product_id, const char *category_id)
{
	if (!c->scoped)
		return true;
	for (size_t i = 0; i < c->nproducts; i++)
		if (product_id != NULL && strcmp(c->product_ids[i], product_id) == 0)
			return true;
	for (size_t i = 0; i < c->ncategories; i++)
		if (category_id != NULL && strcmp(c->category_ids[i], category_id) == 0)
			return true;
	return false;
}

int coupon_check(const struct coupon *c, long long now, int64_t subtotal_paise,
		 int64_t eligible_paise, char *why, size_t why_size)
{
	const char *reason = NULL;

	if (!c->active)
		reason = "is not a valid coupon";
	else if (c->kind == COUPON_FIXED && strcmp(c->currency, COMMERCE_CURRENCY) != 0)
		reason = "is not valid in this shop's currency";
	else if (c->valid_from != 0 && now < c->valid_from)
		reason = "is not valid yet";
	else if (c->valid_until != 0 && now >= c->valid_until)
		reason = "has expired";
	else if (c->max_redemptions >= 0 && c->redemptions >= c->max_redemptions)
		reason = "has been used up";
	else if (c->per_customer_limit >= 0 && c->used_by_customer >= c->per_customer_limit)
		reason = c->per_customer_limit == 1 ? "was already used on your account"
						    : "was used as often as one account may";
	else if (subtotal_paise <= 0)
		reason = "needs a product in the cart first";
	else if (subtotal_paise < c->min_order_paise) {
		snprintf(why, why_size, "needs an order of at least Rs %lld.%02lld before GST",
			 (long long)(c->min_order_paise / 100),
			 (long long)(c->min_order_paise % 100));
		return SOUK_EINVALID;
	} else if (eligible_paise <= 0)
		reason = "does not apply to anything in your cart";
	if (reason == NULL)
		return SOUK_OK;
	snprintf(why, why_size, "%s", reason);
	return SOUK_EINVALID;
}

/* ------------------------------------------------------------ staff --- */

/* clang-format off */
#define COUPON_JSON                                                                                \
	"json_build_object('code', c.code, 'description', c.description, 'kind', c.kind,"         \
	" 'value', c.value, 'currency', c.currency, 'min_order_paise', c.min_order_paise,"       \
	" 'max_redemptions', c.max_redemptions, 'redemptions', c.redemptions,"                   \
	" 'per_customer_limit', c.per_customer_limit,"                                           \
	" 'valid_from', " DB_TS("c.valid_from") ", 'valid_until', " DB_TS("c.valid_until") ","  \
	" 'active', c.active, 'store_wide', NOT c.scoped,"                                       \
	" 'products', ARRAY(SELECT p.slug FROM coupon_products cp JOIN products p"               \
	"   ON p.id = cp.product_id WHERE cp.coupon_id = c.id ORDER BY p.slug),"                 \
	" 'categories', ARRAY(SELECT k.slug FROM coupon_categories cc JOIN categories k"         \
	"   ON k.id = cc.category_id WHERE cc.coupon_id = c.id ORDER BY k.slug),"                \
	" 'created_at', " DB_TS("c.created_at") ", 'updated_at', " DB_TS("c.updated_at") ")"

static struct db_statement coupon_list = {
	.name = "coupon_list",
	.sql = "SELECT coalesce(json_agg(x.item ORDER BY x.k DESC) FILTER (WHERE x.n <= $2::int),"
	       " '[]')::text, count(*) > $2::int, min(x.k) FILTER (WHERE x.n <= $2::int) FROM ("
	       " SELECT c.id AS k, row_number() OVER (ORDER BY c.id DESC) AS n, " COUPON_JSON " AS item"
	       " FROM coupons c WHERE ($1::bigint IS NULL OR c.id < $1::bigint)"
	       " ORDER BY c.id DESC LIMIT $2::int + 1) x",
	.nparams = 2,
	.flags = DB_READONLY,
};

static struct db_statement coupon_get = {
	.name = "coupon_get",
	.sql = "SELECT " COUPON_JSON "::text FROM coupons c WHERE c.code = $1::citext",
	.nparams = 1,
	.flags = DB_READONLY,
};

/* $1: the validated members as JSON; absent ones take the column's default */
static struct db_statement coupon_insert = {
	.name = "coupon_insert",
	.sql = "INSERT INTO coupons (code, kind, value, description, min_order_paise,"
	       " max_redemptions, per_customer_limit, valid_from, valid_until, active)"
	       " SELECT j->>'code', j->>'kind', (j->>'value')::bigint, coalesce(j->>'description', ''),"
	       " coalesce((j->>'min_order_paise')::bigint, 0), (j->>'max_redemptions')::int,"
	       " (j->>'per_customer_limit')::int, (j->>'valid_from')::timestamptz,"
	       " (j->>'valid_until')::timestamptz, coalesce((j->>'active')::boolean, true)"
	       " FROM (SELECT $1::jsonb AS j) s RETURNING id, code",
	.nparams = 1,
};

/* $2: the members to change (a JSON null clears a nullable column) */
static struct db_statement coupon_patch = {
	.name = "coupon_patch",
	.sql = "UPDATE coupons c SET"
	       " value = CASE WHEN j ? 'value' THEN (j->>'value')::bigint ELSE c.value END,"
	       " description = CASE WHEN j ? 'description' THEN j->>'description' ELSE c.description END,"
	       " min_order_paise = CASE WHEN j ? 'min_order_paise'"
	       "   THEN (j->>'min_order_paise')::bigint ELSE c.min_order_paise END,"
	       " max_redemptions = CASE WHEN j ? 'max_redemptions'"
	       "   THEN (j->>'max_redemptions')::int ELSE c.max_redemptions END,"
	       " per_customer_limit = CASE WHEN j ? 'per_customer_limit'"
	       "   THEN (j->>'per_customer_limit')::int ELSE c.per_customer_limit END,"
	       " valid_from = CASE WHEN j ? 'valid_from'"
	       "   THEN (j->>'valid_from')::timestamptz ELSE c.valid_from END,"
	       " valid_until = CASE WHEN j ? 'valid_until'"
	       "   THEN (j->>'valid_until')::timestamptz ELSE c.valid_until END,"
	       " active = CASE WHEN j ? 'active' THEN (j->>'active')::boolean ELSE c.active END"
	       " FROM (SELECT $2::jsonb AS j) s WHERE c.code = $1::citext RETURNING c.id, c.code",
	.nparams = 2,
};

/* Replaces a coupon's scope list ($1 the coupon, $2 the slugs) in one
 * statement: rows not named go, named ones are added (the two touch other
 * rows); answers how many slugs name something. */
#define SCOPE_REPLACE(table, column, source)                                                       \
	"WITH keep AS (SELECT s.id FROM " source " s WHERE s.slug = ANY ($2::text[])),"           \
	" gone AS (DELETE FROM " table " t WHERE t.coupon_id = $1::bigint"                         \
	"   AND t." column " NOT IN (SELECT id FROM keep)),"                                      \
	" added AS (INSERT INTO " table " (coupon_id, " column ")"                                 \
	"   SELECT $1::bigint, id FROM keep ON CONFLICT DO NOTHING)"                               \
	" SELECT count(*) FROM keep"

static struct db_statement coupon_products_replace = {
	.name = "coupon_products_replace",
	.sql = SCOPE_REPLACE("coupon_products", "product_id", "products"),
	.nparams = 2,
};

static struct db_statement coupon_categories_replace = {
	.name = "coupon_categories_replace",
	.sql = SCOPE_REPLACE("coupon_categories", "category_id", "categories"),
	.nparams = 2,
};

/* after a scope change: scoped when anything is listed (schema/014) */
static struct db_statement coupon_scoped_set = {
	.name = "coupon_scoped_set",
	.sql = "UPDATE coupons c SET scoped ="
	       " EXISTS (SELECT 1 FROM coupon_products WHERE coupon_id = c.id)"
	       " OR EXISTS (SELECT 1 FROM coupon_categories WHERE coupon_id = c.id)"
	       " WHERE c.id = $1::bigint",
	.nparams = 1,
};

static struct db_statement coupon_delete_unused = {
	.name = "coupon_delete_unused",
	.sql = "DELETE FROM coupons c WHERE c.code = $1::citext"
	       " AND NOT EXISTS (SELECT 1 FROM orders o WHERE o.coupon_id = c.id) RETURNING c.id",
	.nparams = 1,
};

static struct db_statement coupon_exists = {
	.name = "coupon_exists",
	.sql = "SELECT 1 FROM coupons WHERE code = $1::citext",
	.nparams = 1,
	.flags = DB_READONLY,
};
/* clang-format on */

int coupons_admin_list(struct worker *w, struct arena *a, const int64_t *after_id, long limit,
		       char **items, bool *more, int64_t *last_id)
{
	char after[24], lim[24];
	PGresult *r = NULL;
	int rc;

	snprintf(after, sizeof(after), "%" PRId64, after_id != NULL ? *after_id : 0);
	snprintf(lim, sizeof(lim), "%ld", limit);
	const char *params[] = {after_id != NULL ? after : NULL, lim};

	rc = db_exec(&w->db, a, &coupon_list, params, &r);
	if (rc != SOUK_OK)
		return rc;
	*items = arena_strdup(a, PQgetvalue(r, 0, 0));
	*more = PQgetvalue(r, 0, 1)[0] == 't';
	*last_id = PQgetisnull(r, 0, 2) ? 0 : strtoll(PQgetvalue(r, 0, 2), NULL, 10);
	return SOUK_OK;
}

int coupon_admin_json(struct worker *w, struct arena *a, const char *code, char **json)
{
	const char *params[] = {code};
	PGresult *r = NULL;
	int rc = db_exec(&w->db, a, &coupon_get, params, &r);

	if (rc != SOUK_OK)
		return rc;
	if (PQntuples(r) != 1)
		return SOUK_ENOTFOUND;
	*json = arena_strdup(a, PQgetvalue(r, 0, 0));
	return SOUK_OK;
}

/* Replaces one scope list; SOUK_EINVALID when a slug names nothing.
 * slugs: a PostgreSQL array literal of n slugs. */
static int scope_replace(struct worker *w, struct arena *a, struct db_statement *st, const char *id,
			 const char *slugs, size_t n)
{
	const char *params[] = {id, slugs};
	PGresult *r = NULL;
	int rc = db_exec(&w->db, a, st, params, &r);

	if (rc == SOUK_OK && strtoul(PQgetvalue(r, 0, 0), NULL, 10) != n)
		rc = SOUK_EINVALID;
	return rc;
}

int coupon_save(struct worker *w, struct arena *a, const char *code, const char *members,
		const struct coupon_scope *scope, char **saved_code, const char **bad_field)
{
	PGresult *r = NULL;
	const char *id;
	int rc;

	*bad_field = NULL;
	if (code == NULL) {
		const char *params[] = {members};

		rc = db_exec(&w->db, a, &coupon_insert, params, &r);
	} else {
		const char *params[] = {code, members};

		rc = db_exec(&w->db, a, &coupon_patch, params, &r);
		if (rc == SOUK_OK && PQntuples(r) == 0)
			rc = SOUK_ENOTFOUND;
	}
	if (rc != SOUK_OK)
		return rc;
	id = arena_strdup(a, PQgetvalue(r, 0, 0));
	*saved_code = arena_strdup(a, PQgetvalue(r, 0, 1));
	if (scope->products != NULL) {
		rc = scope_replace(w, a, &coupon_products_replace, id, scope->products,
				   scope->nproducts);
		if (rc == SOUK_EINVALID)
			*bad_field = "products";
	}
	if (rc == SOUK_OK && scope->categories != NULL) {
		rc = scope_replace(w, a, &coupon_categories_replace, id, scope->categories,
				   scope->ncategories);
		if (rc == SOUK_EINVALID)
			*bad_field = "categories";
	}
	if (rc == SOUK_OK && (scope->products != NULL || scope->categories != NULL)) {
		const char *params[] = {id};

		rc = db_exec(&w->db, a, &coupon_scoped_set, params, &r);
	}
	return rc;
}

int coupon_delete(struct worker *w, struct arena *a, const char *code)
{
	const char *params[] = {code};
	PGresult *r = NULL;
	int rc = db_exec(&w->db, a, &coupon_delete_unused, params, &r);

	/* an order that used it committed after this statement's snapshot: the
	 * foreign key refuses (23503), and that is "used", not bad input */
	if (rc == SOUK_EINVALID)
		return SOUK_ECONFLICT;
	if (rc != SOUK_OK || PQntuples(r) == 1)
		return rc;
	rc = db_exec(&w->db, a, &coupon_exists, params, &r);
	if (rc != SOUK_OK)
		return rc;
	return PQntuples(r) == 0 ? SOUK_ENOTFOUND : SOUK_ECONFLICT;
}
