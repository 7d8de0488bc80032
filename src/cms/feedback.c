/*
 * feedback.c - product reviews, site feedback and their moderation.
 *
 * A signed-in buyer who owns a product (an entitlement not revoked) rates it
 * 1-5 with a comment: one review per product, which they may edit (an edit
 * goes back to moderation) or delete. Anyone signed in may leave feedback
 * about the site. Nothing is public until staff (feedback:moderate) approve
 * it. A product's rating summary lives in product_ratings, kept by a trigger
 * on feedback (schema/018_content.sql), so reading it is one row. Public
 * reads are cached like the catalog and retired by every change.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "souk/arena.h"
#include "souk/audit.h"
#include "souk/auth.h"
#include "souk/catalog.h"
#include "souk/cms.h"
#include "souk/db.h"
#include "souk/err.h"
#include "souk/http.h"
#include "souk/json.h"
#include "souk/page.h"
#include "souk/worker.h"

/* clang-format off */
#define REVIEW_PUBLIC_JSON \
	"json_build_object('id', f.public_id, 'rating', f.rating, 'comment', f.comment," \
	" 'author', json_build_object('name', coalesce(nullif(u.name, ''), 'A buyer'))," \
	" 'created_at', " DB_TS("f.created_at") ", 'updated_at', " DB_TS("f.updated_at") ")"
#define FEEDBACK_JSON \
	"json_build_object('id', f.public_id, 'kind', CASE WHEN f.product_id IS NULL THEN 'site'" \
	" ELSE 'product' END, 'product', (SELECT json_build_object('slug', p.slug, 'title', p.title)" \
	" FROM products p WHERE p.id = f.product_id), 'rating', f.rating, 'comment', f.comment," \
	" 'status', f.status, 'created_at', " DB_TS("f.created_at") "," \
	" 'updated_at', " DB_TS("f.updated_at") ", 'moderated_at', " DB_TS("f.moderated_at")

static struct db_statement reviews_public = {
	.name = "cms_reviews_public",
	.sql = "SELECT coalesce(json_agg(x.item ORDER BY x.k DESC) FILTER (WHERE x.n <= $3::int),"
	       " '[]')::text, count(*) > $3::int, min(x.k) FILTER (WHERE x.n <= $3::int),"
	       " (SELECT count(*) FROM products p WHERE p.slug = $1 AND p.status = 'published') FROM ("
	       " SELECT f.id AS k, row_number() OVER (ORDER BY f.id DESC) AS n,"
	       " " REVIEW_PUBLIC_JSON " AS item"
	       " FROM feedback f JOIN products p ON p.id = f.product_id JOIN users u ON u.id = f.user_id"
	       " WHERE p.slug = $1 AND p.status = 'published' AND f.status = 'approved'"
	       " AND ($2::bigint IS NULL OR f.id < $2::bigint)"
	       " ORDER BY f.id DESC LIMIT $3::int + 1) x",
	.nparams = 3,
	.flags = DB_READONLY,
};

static struct db_statement rating_get = {
	.name = "cms_rating_get",
	.sql = "SELECT json_build_object('product', p.slug, 'count', coalesce(r.count, 0),"
	       " 'average', CASE WHEN coalesce(r.count, 0) = 0 THEN NULL"
	       "  ELSE round(r.total::numeric / r.count, 2) END,"
	       " 'distribution', json_build_object('1', coalesce(r.stars_1, 0),"
	       "  '2', coalesce(r.stars_2, 0), '3', coalesce(r.stars_3, 0),"
	       "  '4', coalesce(r.stars_4, 0), '5', coalesce(r.stars_5, 0)))::text"
	       " FROM products p LEFT JOIN product_ratings r ON r.product_id = p.id"
	       " WHERE p.slug = $1 AND p.status = 'published'",
	.nparams = 1,
	.flags = DB_READONLY,
};

/* the product, and whether the user owns it */
static struct db_statement review_product = {
	.name = "cms_review_product",
	.sql = "SELECT p.id, EXISTS (SELECT 1 FROM entitlements e WHERE e.product_id = p.id"
	       " AND e.user_id = $2::bigint AND e.revoked_at IS NULL)"
	       " FROM products p WHERE p.slug = $1 AND p.status = 'published'",
	.nparams = 2,
	.flags = DB_READONLY,
};

/* create or edit: an edit goes back to moderation */
static struct db_statement review_upsert = {
	.name = "cms_review_upsert",
	.sql = "INSERT INTO feedback (user_id, product_id, rating, comment)"
	       " VALUES ($1::bigint, $2::bigint, $3::smallint, coalesce($4, ''))"
	       " ON CONFLICT (user_id, product_id) WHERE product_id IS NOT NULL DO UPDATE"
	       " SET rating = EXCLUDED.rating, comment = EXCLUDED.comment, status = 'pending',"
	       " moderated_by = NULL, moderated_at = NULL"
	       " RETURNING public_id, xmax = 0",
	.nparams = 4,
};

static struct db_statement review_mine = {
	.name = "cms_review_mine",
	.sql = "SELECT " FEEDBACK_JSON ")::text FROM feedback f"
	       " WHERE f.user_id = $1::bigint AND f.product_id = $2::bigint",
	.nparams = 2,
	.flags = DB_READONLY,
};

static struct db_statement review_delete = {
	.name = "cms_review_delete",
	.sql = "DELETE FROM feedback WHERE user_id = $1::bigint AND product_id = $2::bigint"
	       " RETURNING public_id",
	.nparams = 2,
};

static struct db_statement site_feedback_insert = {
	.name = "cms_site_feedback_insert",
	.sql = "INSERT INTO feedback (user_id, product_id, rating, comment)"
	       " VALUES ($1::bigint, NULL, $2::smallint, coalesce($3, '')) RETURNING public_id",
	.nparams = 3,
};

static struct db_statement feedback_get = {
	.name = "cms_feedback_get",
	.sql = "SELECT " FEEDBACK_JSON ", 'user', json_build_object('email', u.email, 'name', u.name),"
	       " 'moderated_by', (SELECT m.email FROM users m WHERE m.id = f.moderated_by))::text"
	       " FROM feedback f JOIN users u ON u.id = f.user_id WHERE f.public_id = $1::uuid",
	.nparams = 1,
	.flags = DB_READONLY,
};

/* the moderation queue: oldest first, so nothing waits forever */
static struct db_statement feedback_admin_list = {
	.name = "cms_feedback_admin_list",
	.sql = "SELECT coalesce(json_agg(x.item ORDER BY x.k) FILTER (WHERE x.n <= $4::int),"
	       " '[]')::text, count(*) > $4::int, max(x.k) FILTER (WHERE x.n <= $4::int) FROM ("
	       " SELECT f.id AS k, row_number() OVER (ORDER BY f.id) AS n,"
	       " " FEEDBACK_JSON ", 'user', json_build_object('email', u.email, 'name', u.name))"
	       " AS item"
	       " FROM feedback f JOIN users u ON u.id = f.user_id"
	       " WHERE ($1::text IS NULL OR f.status = $1)"
	       " AND ($2::text IS NULL OR ($2 = 'site') = (f.product_id IS NULL))"
	       " AND ($3::bigint IS NULL OR f.id > $3::bigint)"
	       " ORDER BY f.id LIMIT $4::int + 1) x",
	.nparams = 4,
	.flags = DB_READONLY | DB_CUSTOM_PLAN,
};

static struct db_statement feedback_moderate = {
	.name = "cms_feedback_moderate",
	.sql = "UPDATE feedback SET status = $2, moderated_by = $3::bigint, moderated_at = now()"
	       " WHERE public_id = $1::uuid RETURNING id",
	.nparams = 3,
};
/* clang-format on */

/* ------------------------------------------------------------------------
 * Public reads
 * ------------------------------------------------------------------------ */

struct reviews_query {
	const char *slug;
	long limit;
	struct page_cursor after;
	bool has_after;
};

static int build_reviews(struct worker *w, struct http_request *req, const void *arg, char **json)
{
	const struct reviews_query *q = arg;
	struct page_cursor next = {.kind = 'R', .fingerprint = 0};
	PGresult *r = NULL;
	const char *filters[] = {q->slug};
	const char *params[] = {
	    q->slug, q->has_after ? arena_printf(req->arena, "%lld", (long long)q->after.id) : NULL,
	    arena_printf(req->arena, "%ld", q->limit)};
	int rc = db_exec(&w->db, req->arena, &reviews_public, params, &r);

	if (rc != SOUK_OK)
		return rc;
	if (strcmp(PQgetvalue(r, 0, 3), "0") == 0)
		return SOUK_ENOTFOUND;
	next.fingerprint = page_fingerprint(filters, 1);
	if (strcmp(PQgetvalue(r, 0, 1), "t") == 0) {
		next.id = strtoll(PQgetvalue(r, 0, 2), NULL, 10);
		*json = page_document(req->arena, PQgetvalue(r, 0, 0), &next);
	} else {
		*json = page_document(req->arena, PQgetvalue(r, 0, 0), NULL);
	}
	return SOUK_OK;
}

static bool slug_plausible(const char *slug)
{
	return slug != NULL && validate_slug(slug) && strlen(slug) <= 100;
}

/* GET /api/v1/products/{slug}/reviews: 200 a page of approved reviews,
 * newest first; 404 for no such published product; 422 bad cursor. */
int cms_reviews_index(struct worker *w, struct http_request *req, struct http_response *res)
{
	struct reviews_query q = {.slug = http_path_param(req, "slug")};
	const char *filters[] = {q.slug};
	int rc;

	if (!slug_plausible(q.slug))
		return SOUK_ENOTFOUND;
	rc = page_params(req, 10, 'R', page_fingerprint(filters, 1), &q.limit, &q.after,
			 &q.has_after);
	if (rc != SOUK_OK)
		return rc;
	return catalog_cached_read(w, req, res,
				   arena_printf(req->arena, "reviews:%s:%ld:%s", q.slug, q.limit,
						q.has_after ? http_query(req, "cursor") : ""),
				   build_reviews, &q);
}

static int build_rating(struct worker *w, struct http_request *req, const void *arg, char **json)
{
	const char *params[] = {arg};
	PGresult *r = NULL;
	int rc = db_exec(&w->db, req->arena, &rating_get, params, &r);

	if (rc != SOUK_OK)
		return rc;
	if (PQntuples(r) == 0)
		return SOUK_ENOTFOUND;
	*json = PQgetvalue(r, 0, 0);
	return SOUK_OK;
}

/* GET /api/v1/products/{slug}/rating: 200 {product, count, average (null
 * when there is no review), distribution {"1".."5"}}; 404. */
int cms_rating_show(struct worker *w, struct http_request *req, struct http_response *res)
{
	const char *slug = http_path_param(req, "slug");

	if (!slug_plausible(slug))
		return SOUK_ENOTFOUND;
	return catalog_cached_read(w, req, res, arena_printf(req->arena, "rating:%s", slug),
				   build_rating, slug);
}

/* ------------------------------------------------------------------------
 * The buyer's own review
 * ------------------------------------------------------------------------ */

struct review_input {
	long long rating;
	const char *comment;
};

static const struct validate_field review_fields[] = {
    {"rating", VALIDATE_INT, VALIDATE_REQUIRED, 1, 5, offsetof(struct review_input, rating)},
    {"comment", VALIDATE_TEXT, 0, 0, 5000, offsetof(struct review_input, comment)},
};

/* The product of the path for the signed-in user: *product_id, *owns.
 * SOUK_ENOTFOUND when there is no such published product. */
static int review_product_find(struct worker *w, struct http_request *req, const char **product_id,
			       bool *owns)
{
	const char *slug = http_path_param(req, "slug");
	const char *params[] = {slug, req->principal->user_id};
	PGresult *r = NULL;
	int rc;

	if (!slug_plausible(slug))
		return SOUK_ENOTFOUND;
	rc = db_exec(&w->db, req->arena, &review_product, params, &r);
	if (rc != SOUK_OK)
		return rc;
	if (PQntuples(r) == 0)
		return SOUK_ENOTFOUND;
	*product_id = arena_strdup(req->arena, PQgetvalue(r, 0, 0));
	*owns = strcmp(PQgetvalue(r, 0, 1), "t") == 0;
	return SOUK_OK;
}

static int review_answer_mine(struct worker *w, struct http_request *req, struct http_response *res,
			      int status, const char *product_id)
{
	const char *params[] = {req->principal->user_id, product_id};
	PGresult *r = NULL;
	int rc = db_exec(&w->db, req->arena, &review_mine, params, &r);

	if (rc != SOUK_OK)
		return rc;
	return page_respond_row(res, r, status);
}

/* PUT /api/v1/products/{slug}/review {rating 1-5, comment?}: 201 the new
 * review, 200 the edited one (pending moderation either way); 403 when the
 * user does not own the product; 404; 422. */
int cms_review_put(struct worker *w, struct http_request *req, struct http_response *res)
{
	struct review_input in = {0};
	const char *product_id = NULL;
	bool owns = false, created;
	PGresult *r = NULL;
	int rc = HTTP_VALIDATE(req, review_fields, &in, NULL);

	if (rc != SOUK_OK)
		return rc;
	rc = review_product_find(w, req, &product_id, &owns);
	if (rc != SOUK_OK)
		return rc;
	if (!owns) {
		req->error_message = "Only a buyer of this product can review it.";
		return SOUK_EFORBIDDEN;
	}
	const char *params[] = {req->principal->user_id, product_id,
				arena_printf(req->arena, "%lld", in.rating), in.comment};
	rc = db_begin(&w->db, req->arena);
	if (rc != SOUK_OK)
		return rc;
	rc = db_exec(&w->db, req->arena, &review_upsert, params, &r);
	created = rc == SOUK_OK && strcmp(PQgetvalue(r, 0, 1), "t") == 0;
	/* an edit of an approved review takes it off the product page */
	rc = catalog_commit(w, req->arena, rc);
	if (rc != SOUK_OK)
		return rc;
	return review_answer_mine(w, req, res, created ? 201 : 200, product_id);
}

/* GET /api/v1/products/{slug}/review: 200 the user's review of it (with its
 * status); 404 when there is none. */
int cms_review_mine(struct worker *w, struct http_request *req, struct http_response *res)
{
	const char *product_id = NULL;
	bool owns = false;
	int rc = review_product_find(w, req, &product_id, &owns);

	if (rc != SOUK_OK)
		return rc;
	return review_answer_mine(w, req, res, 200, product_id);
}

/* DELETE /api/v1/products/{slug}/review: 204; 404 when there is none. */
int cms_review_delete(struct worker *w, struct http_request *req, struct http_response *res)
{
	const char *product_id = NULL;
	bool owns = false;
	PGresult *r = NULL;
	int rc = review_product_find(w, req, &product_id, &owns);

	if (rc != SOUK_OK)
		return rc;
	const char *params[] = {req->principal->user_id, product_id};
	rc = db_begin(&w->db, req->arena);
	if (rc != SOUK_OK)
		return rc;
	rc = db_exec(&w->db, req->arena, &review_delete, params, &r);
	if (rc == SOUK_OK && PQntuples(r) == 0)
		rc = SOUK_ENOTFOUND;
	rc = catalog_commit(w, req->arena, rc);
	if (rc != SOUK_OK)
		return rc;
	http_response_empty(res, 204);
	return SOUK_OK;
}

static int feedback_answer(struct worker *w, struct http_request *req, struct http_response *res,
			   int status, const char *id)
{
	const char *params[] = {id};
	PGresult *r = NULL;
	int rc = db_exec(&w->db, req->arena, &feedback_get, params, &r);

	if (rc != SOUK_OK)
		return rc;
	return page_respond_row(res, r, status);
}

/* POST /api/v1/feedback {rating 1-5, comment?}: 201 {id, status:"pending"}
 * (feedback about the site, for staff); 422. */
int cms_site_feedback_create(struct worker *w, struct http_request *req, struct http_response *res)
{
	struct review_input in = {0};
	PGresult *r = NULL;
	cJSON *doc;
	int rc = HTTP_VALIDATE(req, review_fields, &in, NULL);

	if (rc != SOUK_OK)
		return rc;
	const char *params[] = {req->principal->user_id,
				arena_printf(req->arena, "%lld", in.rating), in.comment};
	rc = db_exec(&w->db, req->arena, &site_feedback_insert, params, &r);
	if (rc != SOUK_OK)
		return rc;
	doc = json_new_object(req->arena);
	cJSON_AddStringToObject(doc, "id", PQgetvalue(r, 0, 0));
	cJSON_AddStringToObject(doc, "status", "pending");
	http_response_json(res, req->arena, 201, doc);
	return SOUK_OK;
}

/* ------------------------------------------------------------------------
 * Moderation (feedback:moderate)
 * ------------------------------------------------------------------------ */

/* GET /api/v1/admin/feedback?status=&kind=(product|site): 200 a page,
 * oldest first; 422. */
int cms_feedback_admin_index(struct worker *w, struct http_request *req, struct http_response *res)
{
	const char *status = http_query(req, "status"), *kind = http_query(req, "kind");
	const char *filters[] = {status, kind};
	struct page_cursor after = {0}, next = {.kind = 'F'};
	bool has_after = false, bad = false;
	long limit = 0;
	PGresult *r = NULL;
	int rc;

	if (status != NULL && strcmp(status, "pending") != 0 && strcmp(status, "approved") != 0 &&
	    strcmp(status, "rejected") != 0)
		bad = http_field_error(req, "status", "must be pending, approved or rejected");
	if (kind != NULL && strcmp(kind, "product") != 0 && strcmp(kind, "site") != 0)
		bad = http_field_error(req, "kind", "must be product or site");
	next.fingerprint = page_fingerprint(filters, 2);
	rc = page_params(req, 50, 'F', next.fingerprint, &limit, &after, &has_after);
	if (bad || rc != SOUK_OK)
		return SOUK_EINVALID;
	const char *params[] = {
	    status, kind, has_after ? arena_printf(req->arena, "%lld", (long long)after.id) : NULL,
	    arena_printf(req->arena, "%ld", limit)};
	rc = db_exec(&w->db, req->arena, &feedback_admin_list, params, &r);
	if (rc != SOUK_OK)
		return rc;
	return page_respond(res, req->arena, PQgetvalue(r, 0, 0), PQgetvalue(r, 0, 1),
			    PQgetisnull(r, 0, 2) ? NULL : PQgetvalue(r, 0, 2), &next);
}

static int feedback_set_status(struct worker *w, struct http_request *req,
			       struct http_response *res, const char *status)
{
	const char *id = http_path_param(req, "id");
	const char *params[] = {id, status, req->principal->user_id};
	PGresult *r = NULL;
	cJSON *data;
	/* an optional body, with no members */
	int rc = http_validate(req, NULL, 0, NULL, NULL);

	if (rc != SOUK_OK)
		return rc;
	if (!validate_uuid(id))
		return SOUK_ENOTFOUND;
	rc = db_begin(&w->db, req->arena);
	if (rc != SOUK_OK)
		return rc;
	rc = db_exec(&w->db, req->arena, &feedback_moderate, params, &r);
	if (rc == SOUK_OK && PQntuples(r) == 0)
		rc = SOUK_ENOTFOUND;
	if (rc == SOUK_OK) {
		data = json_new_object(req->arena);
		cJSON_AddStringToObject(data, "status", status);
		rc = audit_record(&w->db, req->arena, req->principal->user_id, "feedback.moderate",
				  "feedback", id, data, req->remote_addr);
	}
	rc = catalog_commit(w, req->arena, rc);
	if (rc != SOUK_OK)
		return rc;
	return feedback_answer(w, req, res, 200, id);
}

/* POST /api/v1/admin/feedback/{id}/approve: 200 the feedback, now public
 * (a review counts in its product's rating); 404. */
int cms_feedback_admin_approve(struct worker *w, struct http_request *req,
			       struct http_response *res)
{
	return feedback_set_status(w, req, res, "approved");
}

/* POST /api/v1/admin/feedback/{id}/reject: 200 the feedback, not shown; 404. */
int cms_feedback_admin_reject(struct worker *w, struct http_request *req, struct http_response *res)
{
	return feedback_set_status(w, req, res, "rejected");
}
