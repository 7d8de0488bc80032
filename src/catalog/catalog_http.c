/*
 * catalog_http.c - the catalog's HTTP face: public reads (cached), search,
 * and staff writes (products:write). Input is validated here into normalised
 * values; the SQL is in catalog.c and search.c.
 */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "souk/arena.h"
#include "souk/audit.h"
#include "souk/auth.h"
#include "souk/catalog.h"
#include "souk/cms.h"
#include "souk/config.h"
#include "souk/crypto.h"
#include "souk/db.h"
#include "souk/err.h"
#include "souk/http.h"
#include "souk/json.h"
#include "souk/log.h"
#include "souk/page.h"
#include "souk/storage.h"
#include "souk/str.h"
#include "souk/worker.h"

/* ------------------------------------------------------------------------
 * Lists and search: query parameters -> struct search_query
 * ------------------------------------------------------------------------ */

static const struct {
	const char *name;
	enum search_sort sort;
} sort_names[] = {
    {"relevance", SEARCH_SORT_RELEVANCE}, {"newest", SEARCH_SORT_NEWEST},
    {"price_asc", SEARCH_SORT_PRICE_ASC}, {"price_desc", SEARCH_SORT_PRICE_DESC},
    {"popular", SEARCH_SORT_POPULAR},
};

static int parse_flag(const char *s, int *out)
{
	if (strcmp(s, "1") == 0 || strcmp(s, "true") == 0)
		*out = 1;
	else if (strcmp(s, "0") == 0 || strcmp(s, "false") == 0)
		*out = 0;
	else
		return SOUK_EINVALID;
	return SOUK_OK;
}

static int parse_price(struct http_request *req, const char *name, long long *out)
{
	const char *v = http_query(req, name);
	long n;

	*out = -1;
	if (v == NULL || *v == '\0')
		return SOUK_OK;
	if (str_to_long(v, 0, 100000000000L, &n) != SOUK_OK)
		return http_field_error(req, name, "must be a whole number of paise, 0 or more");
	*out = n;
	return SOUK_OK;
}

/* Splits "a,b" into lower-case slugs, without duplicates. */
static int parse_tags(struct http_request *req, const char *text, struct search_query *sq)
{
	char *copy = arena_strdup(req->arena, text), *save = NULL;
	const char **tags = arena_alloc(req->arena, 11 * sizeof(*tags));
	size_t n = 0;

	for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		bool dup = false;

		t = str_trim(t);
		for (char *c = t; *c; c++)
			*c = (char)tolower((unsigned char)*c);
		if (*t == '\0')
			continue;
		if (!validate_slug(t) || strlen(t) > 100)
			return http_field_error(req, "tags", "must be tags separated by commas");
		for (size_t i = 0; i < n; i++)
			dup |= strcmp(tags[i], t) == 0;
		if (dup)
			continue;
		if (n == 10)
			return http_field_error(req, "tags", "at most 10 tags");
		tags[n++] = t;
	}
	sq->tags = n ? tags : NULL;
	sq->ntags = n;
	return SOUK_OK;
}

static int parse_search(struct http_request *req, struct search_query *sq, bool is_search)
{
	const char *q = http_query(req, "q"), *v;
	int facets = is_search, highlight = -1;
	long limit = 24;

	memset(sq, 0, sizeof(*sq));
	sq->free = -1;
	if (q != NULL) {
		char *t = str_trim(arena_strdup(req->arena, q));

		if (!str_is_utf8(t, strlen(t)))
			http_field_error(req, "q", "must be UTF-8 text");
		else if (utf8_length(t) > 200)
			http_field_error(req, "q", "must be at most 200 characters");
		for (const char *c = t; *c; c++)
			if ((unsigned char)*c < 0x20) {
				http_field_error(req, "q", "must not contain control characters");
				break;
			}
		sq->q = *t ? t : NULL;
	}
	if (is_search && sq->q == NULL)
		http_field_error(req, "q", "is required");
	if ((v = http_query(req, "category")) != NULL && *v != '\0') {
		if (!validate_slug(v) || strlen(v) > 100)
			http_field_error(req, "category", "must be a category slug");
		sq->category = v;
	}
	if ((v = http_query(req, "tags")) != NULL || (v = http_query(req, "tag")) != NULL)
		parse_tags(req, v, sq);
	parse_price(req, "min_price", &sq->min_price);
	parse_price(req, "max_price", &sq->max_price);
	if (sq->min_price >= 0 && sq->max_price >= 0 && sq->min_price > sq->max_price)
		http_field_error(req, "max_price", "must not be below min_price");
	if ((v = http_query(req, "free")) != NULL && parse_flag(v, &sq->free) != SOUK_OK)
		http_field_error(req, "free", "must be true or false");
	sq->sort = SEARCH_SORT_DEFAULT;
	if ((v = http_query(req, "sort")) != NULL && *v != '\0') {
		size_t i;

		for (i = 0; i < sizeof(sort_names) / sizeof(sort_names[0]); i++)
			if (strcmp(v, sort_names[i].name) == 0)
				break;
		if (i == sizeof(sort_names) / sizeof(sort_names[0]))
			http_field_error(
			    req, "sort",
			    "must be relevance, newest, price_asc, price_desc or popular");
		else if (sort_names[i].sort == SEARCH_SORT_RELEVANCE && sq->q == NULL)
			http_field_error(req, "sort", "relevance needs q");
		else
			sq->sort = sort_names[i].sort;
	}
	if ((v = http_query(req, "limit")) != NULL && str_to_long(v, 1, 100, &limit) != SOUK_OK)
		http_field_error(req, "limit", "must be between 1 and 100");
	sq->limit = (int)limit;
	if ((v = http_query(req, "cursor")) != NULL && *v != '\0') {
		if (strlen(v) > 512)
			http_field_error(req, "cursor", "is not a cursor this API gave");
		sq->cursor = v;
	}
	if ((v = http_query(req, "facets")) != NULL && parse_flag(v, &facets) != SOUK_OK)
		http_field_error(req, "facets", "must be true or false");
	if ((v = http_query(req, "highlight")) != NULL && parse_flag(v, &highlight) != SOUK_OK)
		http_field_error(req, "highlight", "must be true or false");
	/* facets describe the whole result: by default on a search's first page
	 * only (the next pages keep the ones they have) */
	if (http_query(req, "facets") == NULL && sq->cursor != NULL)
		facets = 0;
	sq->facets = facets == 1;
	sq->highlight = sq->q != NULL && (highlight == -1 ? is_search : highlight == 1);
	return req->error_fields != NULL ? SOUK_EINVALID : SOUK_OK;
}

/* The cache key of a page: every parameter that shapes the answer,
 * normalised, hashed. */
static const char *search_cache_key(struct arena *a, const struct search_query *sq)
{
	struct buf b;
	char hex[CRYPTO_SHA256_HEX_LEN + 1], num[64];

	buf_init(&b, 8192);
	buf_appends(&b, sq->q ? sq->q : "");
	buf_append(&b, "\0", 1);
	buf_appends(&b, sq->category ? sq->category : "");
	for (size_t i = 0; i < sq->ntags; i++) {
		buf_append(&b, "\0", 1);
		buf_appends(&b, sq->tags[i]);
	}
	snprintf(num, sizeof(num), "|%lld|%lld|%d|%d|%d|%d|%d", sq->min_price, sq->max_price,
		 sq->free, (int)sq->sort, sq->limit, sq->facets, sq->highlight);
	buf_appends(&b, num);
	buf_append(&b, "\0", 1);
	buf_appends(&b, sq->cursor ? sq->cursor : "");
	crypto_sha256_hex(b.data, b.len, hex);
	buf_free(&b);
	return arena_printf(a, "list:%s", hex);
}

static int build_search(struct worker *w, struct http_request *req, const void *arg, char **json)
{
	const struct search_query *sq = arg;
	const char *why = NULL;
	int rc = search_products(w, req->arena, sq, json, &why);

	/* a first page of a search that found nothing (metrics.c) */
	if (rc == SOUK_OK && sq->q != NULL && sq->q[0] != '\0' && sq->cursor == NULL &&
	    strncmp(*json, "{\"items\":[]", 11) == 0)
		cms_metrics_search(w, req->arena, sq->q, true);
	if (rc == SOUK_EINVALID)
		http_field_error(req, "cursor", why ? why : "is not a cursor this API gave");
	return rc;
}

static int list_or_search(struct worker *w, struct http_request *req, struct http_response *res,
			  bool is_search)
{
	struct search_query sq;
	int rc = parse_search(req, &sq, is_search);

	if (rc != SOUK_OK)
		return rc;
	if (sq.q != NULL && sq.q[0] != '\0' && sq.cursor == NULL)
		cms_metrics_search(w, req->arena, sq.q, false);
	return catalog_cached_read(w, req, res, search_cache_key(req->arena, &sq), build_search,
				   &sq);
}

/* GET /api/v1/products?q=&category=&tags=&min_price=&max_price=&free=&sort=
 * &limit=&cursor=&facets=: 200 {"items","next_cursor",...}, published only;
 * 422 for a bad parameter or cursor. */
int catalog_products_list(struct worker *w, struct http_request *req, struct http_response *res)
{
	return list_or_search(w, req, res, false);
}

/* GET /api/v1/search?q=... (same filters; facets and highlights by default):
 * 200; 422 without q or with a bad parameter. */
int catalog_search(struct worker *w, struct http_request *req, struct http_response *res)
{
	return list_or_search(w, req, res, true);
}

static int build_product(struct worker *w, struct http_request *req, const void *arg, char **json)
{
	return catalog_product_public(w, req->arena, arg, json);
}

/* GET /api/v1/products/{slug}: 200 the published product; 404. */
int catalog_product_get(struct worker *w, struct http_request *req, struct http_response *res)
{
	const char *slug = http_path_param(req, "slug");

	if (slug == NULL || !validate_slug(slug) || strlen(slug) > 100)
		return SOUK_ENOTFOUND;
	return catalog_cached_read(w, req, res, arena_printf(req->arena, "product:%s", slug),
				   build_product, slug);
}

static int build_categories(struct worker *w, struct http_request *req, const void *arg,
			    char **json)
{
	(void)arg;
	return catalog_categories_public(w, req->arena, json);
}

/* GET /api/v1/categories: 200 {"items":[{slug,name,description,product_count}]}. */
int catalog_categories(struct worker *w, struct http_request *req, struct http_response *res)
{
	return catalog_cached_read(w, req, res, "categories", build_categories, NULL);
}

static int build_tags(struct worker *w, struct http_request *req, const void *arg, char **json)
{
	(void)arg;
	return catalog_tags_public(w, req->arena, json);
}

/* GET /api/v1/tags: 200 {"items":[{tag,count}]} of published products. */
int catalog_tags(struct worker *w, struct http_request *req, struct http_response *res)
{
	return catalog_cached_read(w, req, res, "tags", build_tags, NULL);
}

/* ------------------------------------------------------------------------
 * Staff: product fields, validated into a normalised JSON object
 * ------------------------------------------------------------------------ */

/* What staff may set on a product; the handler hands the normalised object
 * (validate_result.normal) to catalog.c, which applies the members present. */
static const struct validate_field product_fields[] = {
    {"title", VALIDATE_STRING, 0, 1, 200, VALIDATE_NO_STORE},
    {"slug", VALIDATE_SLUG, 0, 1, 100, VALIDATE_NO_STORE},
    {"summary", VALIDATE_STRING, 0, 0, 500, VALIDATE_NO_STORE},
    {"description", VALIDATE_TEXT, 0, 0, 50000, VALIDATE_NO_STORE},
    {"price_paise", VALIDATE_INT, 0, 0, 100000000000LL, VALIDATE_NO_STORE},
    {"currency", VALIDATE_CURRENCY, 0, 3, 3, VALIDATE_NO_STORE},
    {"tax_rate_bp", VALIDATE_INT, 0, 0, 10000, VALIDATE_NO_STORE},
    {"category", VALIDATE_SLUG, VALIDATE_NULLABLE, 1, 100, VALIDATE_NO_STORE},
    {"tags", VALIDATE_SLUG_LIST, 0, 0, 20, VALIDATE_NO_STORE},
    {"cover_image_url", VALIDATE_URL, VALIDATE_NULLABLE, 1, 2000, VALIDATE_NO_STORE},
    {"preview_image_urls", VALIDATE_URL_LIST, 0, 0, 20, VALIDATE_NO_STORE},
    {"download_limit", VALIDATE_INT, VALIDATE_NULLABLE, 1, 100000, VALIDATE_NO_STORE},
    {"link_ttl_seconds", VALIDATE_INT, VALIDATE_NULLABLE, 10, 604800, VALIDATE_NO_STORE},
    /* updates and status changes: the version the editor last read */
    {"version", VALIDATE_INT, 0, 1, 2147483647LL, VALIDATE_NO_STORE},
};

static const struct validate_field version_fields[] = {
    {"version", VALIDATE_INT, 0, 1, 2147483647LL, VALIDATE_NO_STORE},
};

static const struct validate_field category_fields[] = {
    {"slug", VALIDATE_SLUG, 0, 1, 100, VALIDATE_NO_STORE},
    {"name", VALIDATE_STRING, 0, 1, 100, VALIDATE_NO_STORE},
    {"description", VALIDATE_STRING, 0, 0, 2000, VALIDATE_NO_STORE},
    {"sort_order", VALIDATE_INT, 0, -1000000, 1000000, VALIDATE_NO_STORE},
};

/*
 * The body's members, checked against fields (unknown members are errors, so
 * a misspelt field is never silently ignored), as the normalised object in
 * *out without "version", which goes to *version (0 when absent; 422 when
 * version_required and absent). SOUK_EINVALID with req->error_fields.
 */
static int read_fields(struct http_request *req, const struct validate_field *fields, size_t n,
		       bool version_required, long *version, cJSON **out)
{
	struct validate_result r;
	const cJSON *v;
	int rc = http_validate(req, fields, n, NULL, &r);

	*out = r.normal;
	if (version != NULL) {
		v = cJSON_GetObjectItemCaseSensitive(r.normal, "version");
		*version = cJSON_IsNumber(v) ? (long)v->valuedouble : 0;
		if (v == NULL && version_required &&
		    cJSON_GetObjectItemCaseSensitive(req->error_fields, "version") == NULL)
			rc = http_field_error(req, "version",
					      "is required: send the version you last read");
		cJSON_DeleteItemFromObjectCaseSensitive(r.normal, "version");
	}
	return rc;
}

#define READ_FIELDS(req, fields, version_required, version, out)                                   \
	read_fields((req), (fields), sizeof(fields) / sizeof((fields)[0]), (version_required),     \
		    (version), (out))

/* Latin-1 letters written in ASCII, for slugs ("Café" -> "cafe"). */
static const char *latin1_ascii(unsigned char lead, unsigned char next)
{
	static const char *const map[64] = {
	    "a", "a", "a", "a", "a", "a", "ae", "c",  "e", "e", "e", "e", "i", "i", "i",  "i",
	    "d", "n", "o", "o", "o", "o", "o",	NULL, "o", "u", "u", "u", "u", "y", "th", "ss",
	    "a", "a", "a", "a", "a", "a", "ae", "c",  "e", "e", "e", "e", "i", "i", "i",  "i",
	    "d", "n", "o", "o", "o", "o", "o",	NULL, "o", "u", "u", "u", "u", "y", "th", "y"};

	if (lead == 0xC3 && next >= 0x80 && next <= 0xBF)
		return map[next - 0x80];
	return NULL;
}

char *catalog_slugify(struct arena *a, const char *title)
{
	size_t n = strlen(title), o = 0;
	char *out = arena_alloc(a, 81);
	bool dash = false;

	for (size_t i = 0; i < n && o < 80; i++) {
		unsigned char c = (unsigned char)title[i];
		const char *ascii = NULL;
		char one[2] = {0, 0};

		if (isalnum(c) && c < 0x80) {
			one[0] = (char)tolower(c);
			ascii = one;
		} else if (i + 1 < n && (ascii = latin1_ascii(c, (unsigned char)title[i + 1]))) {
			i++;
		}
		if (ascii == NULL) {
			dash = o > 0;
			continue;
		}
		if (dash && o < 79)
			out[o++] = '-';
		dash = false;
		for (; *ascii && o < 80; ascii++)
			out[o++] = *ascii;
	}
	while (o > 0 && out[o - 1] == '-')
		o--;
	out[o] = '\0';
	return o > 0 ? out : arena_strdup(a, "product");
}

/* Ends the transaction (catalog_commit: a committed change retires every
 * cached page). */
static int finish(struct worker *w, struct http_request *req, int rc)
{
	return catalog_commit(w, req->arena, rc);
}

static int audit(struct worker *w, struct http_request *req, const char *action, const char *entity,
		 const char *id, const cJSON *data)
{
	return audit_record(&w->db, req->arena, req->principal->user_id, action, entity, id, data,
			    req->remote_addr);
}

/* Resolves {id} to the product: 404 for a malformed or unknown id. */
static int product_target(struct worker *w, struct http_request *req, struct product_ref *ref)
{
	const char *id = http_path_param(req, "id");

	if (id == NULL || !validate_uuid(id))
		return SOUK_ENOTFOUND;
	return catalog_product_ref(w, req->arena, id, ref);
}

static int answer_admin_product(struct worker *w, struct http_request *req,
				struct http_response *res, const char *public_id, int status)
{
	char *json = NULL;
	int rc = catalog_product_admin(w, req->arena, public_id, &json);

	if (rc != SOUK_OK)
		return rc;
	http_response_body(res, status, json, strlen(json));
	return SOUK_OK;
}

static int check_category(struct worker *w, struct http_request *req, const cJSON *fields)
{
	const cJSON *c = cJSON_GetObjectItemCaseSensitive(fields, "category");
	int rc;

	if (c == NULL || !cJSON_IsString(c))
		return SOUK_OK;
	rc = catalog_category_exists(w, req->arena, c->valuestring);
	if (rc == SOUK_ENOTFOUND)
		return http_field_error(req, "category", "no such category");
	return rc;
}

/* GET /api/v1/admin/products?status=&category=&q=&limit=&cursor= (products:
 * write): 200 {"items","next_cursor"} every status, newest first (limit 1..100,
 * default 50); 422 for a bad parameter or cursor. */
int catalog_admin_products(struct worker *w, struct http_request *req, struct http_response *res)
{
	const char *status = http_query(req, "status"), *category = http_query(req, "category");
	const char *q = http_query(req, "q");
	struct page_cursor after = {0}, next = {.kind = 'P'};
	bool has_after = false, more = false;
	long limit = 0;
	char *items = NULL, *body;
	int rc;

	status = status && *status ? status : NULL;
	category = category && *category ? category : NULL;
	q = q && *q ? q : NULL;
	if (status != NULL && strcmp(status, "draft") != 0 && strcmp(status, "published") != 0 &&
	    strcmp(status, "archived") != 0)
		http_field_error(req, "status", "must be draft, published or archived");
	if (category != NULL && !validate_slug(category))
		http_field_error(req, "category", "must be a category slug");
	if (q != NULL && utf8_length(q) > 200)
		http_field_error(req, "q", "must be at most 200 characters");
	const char *filters[] = {status, category, q};

	next.fingerprint = page_fingerprint(filters, 3);
	rc = page_params(req, 50, 'P', next.fingerprint, &limit, &after, &has_after);
	if (rc != SOUK_OK)
		return rc;
	rc = catalog_products_admin_list(
	    w, req->arena, status, category, q ? str_like_escape(req->arena, q) : NULL,
	    has_after ? &after.id : NULL, (int)limit, &items, &more, &next.id);
	if (rc != SOUK_OK)
		return rc;
	body = page_document(req->arena, items, more ? &next : NULL);
	http_response_body(res, 200, body, strlen(body));
	return SOUK_OK;
}

/* GET /api/v1/admin/products/{id} (products:write): 200; 404. */
int catalog_admin_product_get(struct worker *w, struct http_request *req, struct http_response *res)
{
	const char *id = http_path_param(req, "id");

	if (id == NULL || !validate_uuid(id))
		return SOUK_ENOTFOUND;
	return answer_admin_product(w, req, res, id, 200);
}

/* POST /api/v1/admin/products {title, slug?, summary?, ...} (products:write):
 * 201 the draft with its version, Location; 409 slug taken; 422. */
int catalog_admin_product_create(struct worker *w, struct http_request *req,
				 struct http_response *res)
{
	cJSON *fields = NULL, *data;
	const cJSON *title, *slug_item;
	const char *public_id = NULL, *slug;
	long version = 0;
	int rc = READ_FIELDS(req, product_fields, false, &version, &fields);

	if (version != 0)
		rc = http_field_error(req, "version", "is given by the server: leave it out");
	title = cJSON_GetObjectItemCaseSensitive(fields, "title");
	if (title == NULL && cJSON_GetObjectItemCaseSensitive(req->error_fields, "title") == NULL)
		rc = http_field_error(req, "title", "is required");
	if (rc != SOUK_OK)
		return rc;
	if ((rc = check_category(w, req, fields)) != SOUK_OK)
		return rc;
	slug_item = cJSON_GetObjectItemCaseSensitive(fields, "slug");
	slug = slug_item ? slug_item->valuestring : catalog_slugify(req->arena, title->valuestring);
	rc = db_begin(&w->db, req->arena);
	if (rc == SOUK_OK)
		rc = catalog_product_create(w, req->arena, slug, slug_item != NULL,
					    json_print(req->arena, fields), req->principal->user_id,
					    &public_id);
	if (rc == SOUK_OK) {
		data = cJSON_Duplicate(fields, true);
		cJSON_AddItemToObject(data, "slug_used", cJSON_CreateString(slug));
		rc = audit(w, req, "product.create", "product", public_id, data);
		cJSON_Delete(data);
	}
	rc = finish(w, req, rc);
	if (rc == SOUK_ECONFLICT) {
		http_field_error(req, "slug", "is taken by another product");
		req->error_message = "Another product has this slug.";
		return rc;
	}
	if (rc != SOUK_OK)
		return rc;
	http_response_header(res, "Location",
			     arena_printf(req->arena, "/api/v1/admin/products/%s", public_id));
	return answer_admin_product(w, req, res, public_id, 201);
}

static int stale(struct http_request *req, long current)
{
	req->error_message = arena_printf(
	    req->arena,
	    "Someone else changed this product (it is now at version %ld): reload it and "
	    "apply your change again.",
	    current);
	return SOUK_ECONFLICT;
}

/* PATCH /api/v1/admin/products/{id} {version, ...fields} (products:write):
 * 200 the product at its new version; 404; 409 stale version or slug taken;
 * 422. */
int catalog_admin_product_update(struct worker *w, struct http_request *req,
				 struct http_response *res)
{
	struct product_ref ref;
	cJSON *fields = NULL, *data;
	long version = 0, new_version = 0;
	int rc = product_target(w, req, &ref);

	if (rc != SOUK_OK)
		return rc;
	rc = READ_FIELDS(req, product_fields, true, &version, &fields);
	if (rc == SOUK_OK && cJSON_GetArraySize(fields) == 0)
		return http_field_error(req, "version",
					"came alone: send at least one field to change");
	if (rc != SOUK_OK)
		return rc;
	if ((rc = check_category(w, req, fields)) != SOUK_OK)
		return rc;
	if (version != ref.version)
		return stale(req, ref.version);
	rc = db_begin(&w->db, req->arena);
	if (rc == SOUK_OK)
		rc = catalog_product_update(w, req->arena, ref.public_id, version,
					    json_print(req->arena, fields), &new_version);
	bool slug_taken = rc == SOUK_ECONFLICT && strcmp(w->db.sqlstate, "23505") == 0;

	if (rc == SOUK_OK) {
		data = json_new_object(req->arena);
		cJSON_AddItemToObject(data, "changes", cJSON_Duplicate(fields, true));
		cJSON_AddNumberToObject(data, "from_version", (double)version);
		cJSON_AddNumberToObject(data, "to_version", (double)new_version);
		rc = audit(w, req, "product.update", "product", ref.public_id, data);
	}
	rc = finish(w, req, rc);
	if (slug_taken) {
		http_field_error(req, "slug", "is taken by another product");
		req->error_message = "Another product has this slug.";
		return SOUK_ECONFLICT;
	}
	if (rc == SOUK_ECONFLICT)
		return stale(req, ref.version + 1);
	if (rc != SOUK_OK)
		return rc;
	return answer_admin_product(w, req, res, ref.public_id, 200);
}

/* The status actions: {version?} in the body; the same status again is a
 * 200 without a change. */
static int set_status(struct worker *w, struct http_request *req, struct http_response *res,
		      const char *status, const char *action)
{
	struct product_ref ref;
	long version = 0, new_version = 0;
	const char *now_status = NULL;
	bool has_files = false;
	cJSON *data, *fields = NULL;
	int rc = product_target(w, req, &ref);

	if (rc != SOUK_OK)
		return rc;
	rc = READ_FIELDS(req, version_fields, false, &version, &fields);
	if (rc != SOUK_OK)
		return rc;
	if (version != 0 && version != ref.version)
		return stale(req, ref.version);
	if (strcmp(ref.status, status) == 0)
		return answer_admin_product(w, req, res, ref.public_id, 200);
	if (strcmp(status, "published") == 0 && !ref.has_files) {
		req->error_message =
		    "Add at least one file before publishing: buyers get the files.";
		return http_field_error(req, "files",
					"a published product needs at least one file");
	}
	if (strcmp(status, "draft") == 0 && strcmp(ref.status, "published") != 0) {
		req->error_message = "Only a published product can be unpublished.";
		return SOUK_ECONFLICT;
	}
	rc = db_begin(&w->db, req->arena);
	/* again under the product's lock: its last file may have gone meanwhile */
	if (rc == SOUK_OK)
		rc = catalog_product_lock(w, req->arena, &ref, &now_status, &has_files);
	if (rc == SOUK_OK && strcmp(status, "published") == 0 && !has_files) {
		req->error_message =
		    "Add at least one file before publishing: buyers get the files.";
		rc = http_field_error(req, "files", "a published product needs at least one file");
	}
	if (rc == SOUK_OK)
		rc = catalog_product_set_status(w, req->arena, &ref, status, &new_version);
	if (rc == SOUK_OK) {
		data = json_new_object(req->arena);
		cJSON_AddStringToObject(data, "from", ref.status);
		cJSON_AddStringToObject(data, "to", status);
		cJSON_AddNumberToObject(data, "to_version", (double)new_version);
		rc = audit(w, req, action, "product", ref.public_id, data);
	}
	rc = finish(w, req, rc);
	if (rc == SOUK_ECONFLICT)
		return stale(req, ref.version + 1);
	if (rc != SOUK_OK)
		return rc;
	return answer_admin_product(w, req, res, ref.public_id, 200);
}

/* POST /api/v1/admin/products/{id}/publish {version?} (products:write): 200;
 * 404; 409 stale; 422 no file yet. */
int catalog_admin_product_publish(struct worker *w, struct http_request *req,
				  struct http_response *res)
{
	return set_status(w, req, res, "published", "product.publish");
}

/* POST /api/v1/admin/products/{id}/unpublish {version?}: 200 back to draft;
 * 404; 409 stale or not published. */
int catalog_admin_product_unpublish(struct worker *w, struct http_request *req,
				    struct http_response *res)
{
	return set_status(w, req, res, "draft", "product.unpublish");
}

/* POST /api/v1/admin/products/{id}/archive {version?}: 200, hidden from the
 * shop while buyers keep their downloads; 404; 409 stale. */
int catalog_admin_product_archive(struct worker *w, struct http_request *req,
				  struct http_response *res)
{
	return set_status(w, req, res, "archived", "product.archive");
}

/* DELETE /api/v1/admin/products/{id}?version= (products:write): 204; 404;
 * 409 sold or claimed (archive it instead) or stale. */
int catalog_admin_product_delete(struct worker *w, struct http_request *req,
				 struct http_response *res)
{
	struct product_ref ref;
	const char *version_text = http_query(req, "version"), **keys = NULL;
	size_t nkeys = 0;
	long version = 0;
	int rc = product_target(w, req, &ref);

	if (rc != SOUK_OK)
		return rc;
	if (version_text != NULL && str_to_long(version_text, 1, 2147483647L, &version) != SOUK_OK)
		return http_field_error(req, "version", "must be a whole number from 1");
	if (version != 0 && version != ref.version)
		return stale(req, ref.version);
	if (ref.sold) {
		req->error_message = "This product has been sold or claimed: archive it instead, "
				     "so buyers keep their downloads and invoices stay valid.";
		return SOUK_ECONFLICT;
	}
	rc = db_begin(&w->db, req->arena);
	if (rc == SOUK_OK)
		rc = catalog_product_delete(w, req->arena, &ref, &keys, &nkeys);
	if (rc == SOUK_OK) {
		cJSON *data = json_new_object(req->arena);

		cJSON_AddStringToObject(data, "slug", ref.slug);
		cJSON_AddNumberToObject(data, "files", (double)nkeys);
		rc = audit(w, req, "product.delete", "product", ref.public_id, data);
	}
	rc = finish(w, req, rc);
	if (rc == SOUK_ECONFLICT)
		return stale(req, ref.version);
	if (rc != SOUK_OK)
		return rc;
	for (size_t i = 0; i < nkeys; i++) /* the rows are gone: now the bytes */
		if (storage_delete(w->config, req->arena, keys[i]) != SOUK_OK)
			log_msg(LOG_WARN, "product %s deleted but %s was not removed from storage",
				ref.public_id, keys[i]);
	http_response_empty(res, 204);
	return SOUK_OK;
}

/* ------------------------------------------------------------------------
 * Staff: categories
 * ------------------------------------------------------------------------ */

static int answer_category(struct worker *w, struct http_request *req, struct http_response *res,
			   const char *slug, int status)
{
	char *json = NULL;
	int rc = catalog_category_json(w, req->arena, slug, &json);

	if (rc != SOUK_OK)
		return rc;
	http_response_body(res, status, json, strlen(json));
	return SOUK_OK;
}

/* Ends a category's create or update: commit, then the category as it is
 * now, or 409 when its slug is taken. */
static int category_saved(struct worker *w, struct http_request *req, struct http_response *res,
			  int rc, const char *slug, int status)
{
	rc = finish(w, req, rc);
	if (rc == SOUK_ECONFLICT) {
		req->error_message = "Another category has this slug.";
		http_field_error(req, "slug", "is taken by another category");
	}
	return rc != SOUK_OK ? rc : answer_category(w, req, res, slug, status);
}

/* GET /api/v1/admin/categories (products:write): 200 every category with
 * its sort order and its products of any status (not paged, like the public
 * list: staff make them). */
int catalog_admin_categories(struct worker *w, struct http_request *req, struct http_response *res)
{
	char *json = NULL;
	int rc = catalog_categories_admin(w, req->arena, &json);

	if (rc != SOUK_OK)
		return rc;
	http_response_body(res, 200, json, strlen(json));
	return SOUK_OK;
}

/* POST /api/v1/admin/categories {name, slug?, description?, sort_order?}
 * (products:write): 201; 409 slug taken; 422. */
int catalog_admin_category_create(struct worker *w, struct http_request *req,
				  struct http_response *res)
{
	cJSON *fields = NULL;
	const cJSON *name, *slug_item;
	const char *slug;
	int rc = READ_FIELDS(req, category_fields, false, NULL, &fields);

	name = cJSON_GetObjectItemCaseSensitive(fields, "name");
	if (name == NULL && cJSON_GetObjectItemCaseSensitive(req->error_fields, "name") == NULL)
		rc = http_field_error(req, "name", "is required");
	if (rc != SOUK_OK)
		return rc;
	slug_item = cJSON_GetObjectItemCaseSensitive(fields, "slug");
	slug = slug_item ? slug_item->valuestring : catalog_slugify(req->arena, name->valuestring);
	rc = db_begin(&w->db, req->arena);
	if (rc == SOUK_OK)
		rc = catalog_category_create(w, req->arena, slug, json_print(req->arena, fields));
	if (rc == SOUK_OK)
		rc = audit(w, req, "category.create", "category", slug, fields);
	return category_saved(w, req, res, rc, slug, 201);
}

/* PATCH /api/v1/admin/categories/{slug} {slug?, name?, description?,
 * sort_order?} (products:write): 200; 404; 409 new slug taken; 422. */
int catalog_admin_category_update(struct worker *w, struct http_request *req,
				  struct http_response *res)
{
	const char *slug = http_path_param(req, "slug"), *new_slug = NULL;
	cJSON *fields = NULL;
	int rc;

	if (slug == NULL || !validate_slug(slug))
		return SOUK_ENOTFOUND;
	rc = READ_FIELDS(req, category_fields, false, NULL, &fields);
	if (rc != SOUK_OK)
		return rc;
	rc = db_begin(&w->db, req->arena);
	if (rc == SOUK_OK)
		rc = catalog_category_update(w, req->arena, slug, json_print(req->arena, fields),
					     &new_slug);
	if (rc == SOUK_OK)
		rc = audit(w, req, "category.update", "category", slug, fields);
	return category_saved(w, req, res, rc, new_slug, 200);
}

/* DELETE /api/v1/admin/categories/{slug} (products:write): 204; 404; 409
 * while products are in it. */
int catalog_admin_category_delete(struct worker *w, struct http_request *req,
				  struct http_response *res)
{
	const char *slug = http_path_param(req, "slug");
	int rc;

	if (slug == NULL || !validate_slug(slug))
		return SOUK_ENOTFOUND;
	rc = db_begin(&w->db, req->arena);
	if (rc == SOUK_OK)
		rc = catalog_category_delete(w, req->arena, slug);
	if (rc == SOUK_OK)
		rc = audit(w, req, "category.delete", "category", slug, NULL);
	rc = finish(w, req, rc);
	if (rc == SOUK_ECONFLICT)
		req->error_message = "Products are in this category: move them first.";
	if (rc != SOUK_OK)
		return rc;
	http_response_empty(res, 204);
	return SOUK_OK;
}
