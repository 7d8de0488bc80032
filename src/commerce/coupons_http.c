/*
 * coupons_http.c - the staff coupon routes (coupons:write); see
 * include/souk/commerce.h. Fields are validated here; coupons.c applies
 * the normalised members.
 */
#include <ctype.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "souk/arena.h"
#include "souk/audit.h"
#include "souk/auth.h"
#include "souk/commerce.h"
#include "souk/db.h"
#include "souk/err.h"
#include "souk/http.h"
#include "souk/json.h"
#include "souk/page.h"
#include "souk/str.h"
#include "souk/worker.h"

static const struct validate_field coupon_fields[] = {
    {"code", VALIDATE_STRING, 0, 3, 40, VALIDATE_NO_STORE},
    {"kind", VALIDATE_STRING, 0, 1, 10, VALIDATE_NO_STORE},
    {"value", VALIDATE_INT, 0, 1, COMMERCE_MAX_PAISE, VALIDATE_NO_STORE},
    {"description", VALIDATE_STRING, 0, 0, 500, VALIDATE_NO_STORE},
    {"min_order_paise", VALIDATE_INT, 0, 0, COMMERCE_MAX_PAISE, VALIDATE_NO_STORE},
    {"max_redemptions", VALIDATE_INT, VALIDATE_NULLABLE, 1, 1000000000, VALIDATE_NO_STORE},
    {"per_customer_limit", VALIDATE_INT, VALIDATE_NULLABLE, 1, 1000000, VALIDATE_NO_STORE},
    {"valid_from", VALIDATE_STRING, VALIDATE_NULLABLE, 1, 40, VALIDATE_NO_STORE},
    {"valid_until", VALIDATE_STRING, VALIDATE_NULLABLE, 1, 40, VALIDATE_NO_STORE},
    {"active", VALIDATE_BOOL, 0, 0, 0, VALIDATE_NO_STORE},
    {"products", VALIDATE_SLUG_LIST, 0, 0, 100, VALIDATE_NO_STORE},
    {"categories", VALIDATE_SLUG_LIST, 0, 0, 100, VALIDATE_NO_STORE},
};

static bool code_chars(const char *s)
{
	for (; *s != '\0'; s++)
		if (!isalnum((unsigned char)*s) && *s != '_' && *s != '-')
			return false;
	return true;
}

/* A slug list member as a PostgreSQL array literal (slugs need no quoting),
 * or NULL when absent. */
static const char *slug_array(struct arena *a, const cJSON *normal, const char *name, size_t *n)
{
	const cJSON *list = cJSON_GetObjectItemCaseSensitive(normal, name), *v;
	size_t len = 3, count = 0;
	char *out, *p;

	*n = 0;
	if (!cJSON_IsArray(list))
		return NULL;
	cJSON_ArrayForEach(v, list) len += strlen(v->valuestring) + 1;
	out = p = arena_alloc(a, len);
	*p++ = '{';
	cJSON_ArrayForEach(v, list)
	{
		size_t l = strlen(v->valuestring);

		if (count++ > 0)
			*p++ = ',';
		memcpy(p, v->valuestring, l);
		p += l;
	}
	*p++ = '}';
	*p = '\0';
	*n = count;
	return out;
}

/* The body checked for a create (code NULL) or an update. */
static int coupon_body(struct http_request *req, bool create, cJSON **normal)
{
	struct validate_result r;
	int rc = http_validate(req, coupon_fields, sizeof(coupon_fields) / sizeof(coupon_fields[0]),
			       NULL, &r);
	const char *code = json_string_member(r.normal, "code");
	const char *kind = json_string_member(r.normal, "kind");
	const cJSON *value = cJSON_GetObjectItemCaseSensitive(r.normal, "value");

	*normal = r.normal;
	if (create) {
		if (code == NULL &&
		    cJSON_GetObjectItemCaseSensitive(req->error_fields, "code") == NULL)
			rc = http_field_error(req, "code", "is required");
		if (kind == NULL &&
		    cJSON_GetObjectItemCaseSensitive(req->error_fields, "kind") == NULL)
			rc = http_field_error(req, "kind", "is required");
		if (value == NULL &&
		    cJSON_GetObjectItemCaseSensitive(req->error_fields, "value") == NULL)
			rc = http_field_error(req, "value", "is required");
	} else {
		if (cJSON_HasObjectItem(r.normal, "code"))
			rc = http_field_error(req, "code", "cannot be changed: make a new coupon");
		if (cJSON_HasObjectItem(r.normal, "kind"))
			rc = http_field_error(req, "kind", "cannot be changed: make a new coupon");
	}
	if (code != NULL && !code_chars(code))
		rc = http_field_error(req, "code", "may hold letters, digits, '_' and '-' only");
	if (kind != NULL && strcmp(kind, "percent") != 0 && strcmp(kind, "fixed") != 0)
		rc = http_field_error(req, "kind", "must be percent or fixed");
	if (kind != NULL && strcmp(kind, "percent") == 0 && cJSON_IsNumber(value) &&
	    value->valuedouble > 10000)
		rc = http_field_error(req, "value", "is in basis points: at most 10000 (100 %)");
	for (int i = 0; i < 2; i++) {
		const char *name = i == 0 ? "valid_from" : "valid_until";
		const char *t = json_string_member(r.normal, name);

		if (t != NULL && !str_is_rfc3339(t))
			rc = http_field_error(req, name,
					      "must be an RFC 3339 time such as "
					      "2026-12-31T23:59:59+05:30");
	}
	return rc;
}

/* Saves and answers the coupon (201 on create). */
static int coupon_write(struct worker *w, struct http_request *req, struct http_response *res,
			const char *code)
{
	struct coupon_scope scope = {0};
	const char *bad = NULL;
	char *saved = NULL, *json = NULL;
	cJSON *normal = NULL;
	int rc = coupon_body(req, code == NULL, &normal);

	if (rc != SOUK_OK)
		return rc;
	scope.products = slug_array(req->arena, normal, "products", &scope.nproducts);
	scope.categories = slug_array(req->arena, normal, "categories", &scope.ncategories);
	rc = db_begin(&w->db, req->arena);
	if (rc == SOUK_OK)
		rc = coupon_save(w, req->arena, code, json_print(req->arena, normal), &scope,
				 &saved, &bad);
	if (rc == SOUK_OK)
		rc = audit_record(&w->db, req->arena, req->principal->user_id,
				  code == NULL ? "coupon.create" : "coupon.update", "coupon", saved,
				  normal, req->remote_addr);
	rc = db_end(&w->db, req->arena, rc);
	if (rc == SOUK_EINVALID && bad != NULL)
		return http_field_error(req, bad, "names something that does not exist");
	if (rc == SOUK_EINVALID)
		req->error_message =
		    "These values contradict each other: valid_until must come after "
		    "valid_from, a percent is at most 10000, and max_redemptions "
		    "cannot be below the redemptions so far.";
	if (rc == SOUK_ECONFLICT)
		req->error_message = "A coupon with this code exists already.";
	if (rc == SOUK_OK)
		rc = coupon_admin_json(w, req->arena, saved, &json);
	if (rc != SOUK_OK)
		return rc;
	http_response_body(res, code == NULL ? 201 : 200, json, strlen(json));
	return SOUK_OK;
}

int coupons_admin_index(struct worker *w, struct http_request *req, struct http_response *res)
{
	struct page_cursor after = {0}, next = {.kind = 'C'};
	bool has_after = false, more = false;
	char *items = NULL, *body;
	long limit = 0;
	int rc = page_params(req, 50, 'C', 0, &limit, &after, &has_after);

	if (rc != SOUK_OK)
		return rc;
	rc = coupons_admin_list(w, req->arena, has_after ? &after.id : NULL, limit, &items, &more,
				&next.id);
	if (rc != SOUK_OK)
		return rc;
	body = page_document(req->arena, items, more ? &next : NULL);
	http_response_body(res, 200, body, strlen(body));
	return SOUK_OK;
}

int coupons_admin_create(struct worker *w, struct http_request *req, struct http_response *res)
{
	return coupon_write(w, req, res, NULL);
}

int coupons_admin_show(struct worker *w, struct http_request *req, struct http_response *res)
{
	char *json = NULL;
	int rc = coupon_admin_json(w, req->arena, http_path_param(req, "code"), &json);

	if (rc != SOUK_OK)
		return rc;
	http_response_body(res, 200, json, strlen(json));
	return SOUK_OK;
}

int coupons_admin_update(struct worker *w, struct http_request *req, struct http_response *res)
{
	return coupon_write(w, req, res, http_path_param(req, "code"));
}

int coupons_admin_delete(struct worker *w, struct http_request *req, struct http_response *res)
{
	const char *code = http_path_param(req, "code");
	int rc = db_begin(&w->db, req->arena);

	if (rc == SOUK_OK)
		rc = coupon_delete(w, req->arena, code);
	if (rc == SOUK_OK)
		rc = audit_record(&w->db, req->arena, req->principal->user_id, "coupon.delete",
				  "coupon", code, NULL, req->remote_addr);
	rc = db_end(&w->db, req->arena, rc);
	if (rc == SOUK_ECONFLICT)
		req->error_message = "Orders have used this coupon: set active to false instead.";
	if (rc != SOUK_OK)
		return rc;
	http_response_empty(res, 204);
	return SOUK_OK;
}
