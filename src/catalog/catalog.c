/*
 * catalog.c - the SQL on products and categories (see include/souk/catalog.h).
 *
 * Reads are JSON from PostgreSQL in one round trip: a public product page is
 * the document the last change assembled (product_pages, schema/010), staff
 * reads are built per request. Writes take a
 * JSON object of already validated, normalised fields (the handler's work)
 * and apply only the members present, so one statement serves every partial
 * update; optimistic concurrency is "UPDATE ... WHERE version = $n".
 */
#include "souk/catalog.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "souk/arena.h"
#include "souk/db.h"
#include "souk/err.h"
#include "souk/json.h"
#include "souk/worker.h"

/* The public face of a product: never the status, version, storage keys or
 * drafts. The files listed are the newest version of each label. */
/* SQL is laid out by hand, one clause a line: */
/* clang-format off */
#define PRODUCT_PUBLIC_FIELDS                                                                      \
	"'id', p.public_id, 'slug', p.slug, 'title', p.title, 'summary', p.summary,"               \
	" 'description', p.description, 'price_paise', p.price_paise, 'currency', p.currency,"     \
	" 'tax_rate_bp', p.tax_rate_bp, 'is_free', p.price_paise = 0,"                             \
	" 'category', (SELECT json_build_object('slug', c.slug, 'name', c.name)"                   \
	"   FROM categories c WHERE c.id = p.category_id),"                                         \
	" 'tags', p.tags, 'cover_image_url', p.cover_image_url,"                                   \
	" 'preview_image_urls', p.preview_image_urls,"                                             \
	" 'author', (SELECT json_build_object('name', u.name) FROM users u"                        \
	"   WHERE u.id = p.author_id AND u.status = 'active'),"                                     \
	" 'sales_count', p.sales_count, 'published_at', " DB_TS("p.published_at") ","              \
	" 'updated_at', " DB_TS("p.updated_at") ","                                                \
	" 'files', (SELECT coalesce(json_agg(json_build_object('id', f.public_id,"                 \
	"   'label', f.label, 'version', f.version, 'filename', f.filename,"                        \
	"   'size_bytes', f.size_bytes, 'content_type', f.content_type,"                           \
	"   'updated_at', " DB_TS("f.created_at") ") ORDER BY f.label), '[]')"                       \
	"   FROM (SELECT DISTINCT ON (label) * FROM product_files"                                  \
	"         WHERE product_id = p.id ORDER BY label, version DESC) f)"

/* The document a change assembled (schema/010: product_pages holds published
 * products only). */
static struct db_statement product_public = {
	.name = "catalog_product_public",
	.sql = "SELECT detail FROM product_pages WHERE slug = $1",
	.nparams = 1,
	.flags = DB_READONLY,
};

/* What staff see: everything but storage keys, every version of every file. */
static struct db_statement product_admin = {
	.name = "catalog_product_admin",
	.sql = "SELECT (json_build_object(" PRODUCT_PUBLIC_FIELDS ")::jsonb || jsonb_build_object("
	       " 'status', p.status, 'version', p.version, 'download_limit', p.download_limit,"
	       " 'link_ttl_seconds', p.link_ttl_seconds, 'created_at', " DB_TS("p.created_at") ","
	       " 'sold', EXISTS (SELECT 1 FROM entitlements e WHERE e.product_id = p.id)"
	       "   OR EXISTS (SELECT 1 FROM order_items i WHERE i.product_id = p.id),"
	       " 'all_files', (SELECT coalesce(jsonb_agg(jsonb_build_object('id', f.public_id,"
	       "   'label', f.label, 'version', f.version, 'filename', f.filename,"
	       "   'size_bytes', f.size_bytes, 'sha256', f.sha256, 'content_type', f.content_type,"
	       "   'created_at', " DB_TS("f.created_at") ","
	       "   'downloads', (SELECT count(*) FROM download_log d WHERE d.product_file_id = f.id))"
	       "   ORDER BY f.label, f.version DESC), '[]') FROM product_files f"
	       "   WHERE f.product_id = p.id)))::text"
	       " FROM products p WHERE p.public_id = $1::uuid",
	.nparams = 1,
	.flags = DB_READONLY,
};

/* Staff list: every status, newest first, keyset on id; limit + 1 rows
 * tell whether a page follows. */
static struct db_statement products_admin_list = {
	.name = "catalog_products_admin_list",
	.sql = "SELECT coalesce(json_agg(x.item ORDER BY x.id DESC) FILTER (WHERE x.n <= $5::int),"
	       "   '[]')::text,"
	       " count(*) > $5::int, min(x.id) FILTER (WHERE x.n <= $5::int) FROM ("
	       " SELECT p.id, row_number() OVER (ORDER BY p.id DESC) AS n,"
	       " json_build_object('id', p.public_id, 'slug', p.slug, 'title', p.title,"
	       "  'status', p.status, 'version', p.version, 'price_paise', p.price_paise,"
	       "  'currency', p.currency, 'category', c.slug, 'tags', p.tags,"
	       "  'sales_count', p.sales_count, 'published_at', " DB_TS("p.published_at") ","
	       "  'updated_at', " DB_TS("p.updated_at") ") AS item"
	       " FROM products p LEFT JOIN categories c ON c.id = p.category_id"
	       " WHERE ($1::text IS NULL OR p.status = $1)"
	       " AND ($2::text IS NULL OR c.slug = $2)"
	       " AND ($3::text IS NULL OR p.title ILIKE '%' || $3 || '%' ESCAPE '\\'"
	       "   OR p.slug ILIKE '%' || $3 || '%' ESCAPE '\\')"
	       " AND ($4::bigint IS NULL OR p.id < $4::bigint)"
	       " ORDER BY p.id DESC LIMIT $5::int + 1) x",
	.nparams = 5,
	.flags = DB_READONLY,
};

static struct db_statement product_ref = {
	.name = "catalog_product_ref",
	.sql = "SELECT p.id, p.public_id, p.slug, p.status, p.version, p.price_paise,"
	       " EXISTS (SELECT 1 FROM product_files f WHERE f.product_id = p.id),"
	       " EXISTS (SELECT 1 FROM entitlements e WHERE e.product_id = p.id)"
	       "  OR EXISTS (SELECT 1 FROM order_items i WHERE i.product_id = p.id),"
	       " p.download_limit, p.link_ttl_seconds"
	       " FROM products p WHERE p.public_id = $1::uuid",
	.nparams = 1,
	.flags = DB_READONLY,
};

static struct db_statement product_ref_slug = {
	.name = "catalog_product_ref_slug",
	.sql = "SELECT p.id, p.public_id, p.slug, p.status, p.version, p.price_paise,"
	       " EXISTS (SELECT 1 FROM product_files f WHERE f.product_id = p.id),"
	       " false, p.download_limit, p.link_ttl_seconds"
	       " FROM products p WHERE p.slug = $1",
	.nparams = 1,
	.flags = DB_READONLY,
};

/* The first free slug among base, base-2, base-3, ... */
static struct db_statement slug_free = {
	.name = "catalog_slug_free",
	.sql = "SELECT c.s FROM (SELECT $1::text AS s, 1 AS n UNION ALL"
	       " SELECT $1 || '-' || g, g FROM generate_series(2, 500) g) c"
	       " WHERE NOT EXISTS (SELECT 1 FROM products p WHERE p.slug = c.s)"
	       " ORDER BY c.n LIMIT 1",
	.nparams = 1,
	.flags = DB_READONLY,
};

/* $2 holds the validated fields; absent members take the column defaults. */
static struct db_statement product_insert = {
	.name = "catalog_product_insert",
	.sql = "INSERT INTO products (slug, title, summary, description, price_paise, currency,"
	       " tax_rate_bp, category_id, tags, cover_image_url, preview_image_urls,"
	       " download_limit, link_ttl_seconds, author_id)"
	       " SELECT $1, j->>'title', coalesce(j->>'summary', ''), coalesce(j->>'description', ''),"
	       " coalesce((j->>'price_paise')::bigint, 0), coalesce(j->>'currency', 'INR'),"
	       " coalesce((j->>'tax_rate_bp')::int, 1800),"
	       " (SELECT id FROM categories WHERE slug = j->>'category'),"
	       " ARRAY(SELECT jsonb_array_elements_text(coalesce(j->'tags', '[]'))),"
	       " j->>'cover_image_url',"
	       " ARRAY(SELECT jsonb_array_elements_text(coalesce(j->'preview_image_urls', '[]'))),"
	       " (j->>'download_limit')::int, (j->>'link_ttl_seconds')::int, $3::bigint"
	       " FROM (SELECT $2::jsonb AS j) x"
	       " ON CONFLICT (slug) DO NOTHING RETURNING public_id",
	.nparams = 3,
};

#define PATCH(col, member, cast)                                                                   \
	" " col " = CASE WHEN j ? '" member "' THEN (j->>'" member "')" cast " ELSE p." col " END"

static struct db_statement product_update = {
	.name = "catalog_product_update",
	.sql = "UPDATE products p SET" PATCH("title", "title", "") "," PATCH("slug", "slug", "") ","
	       PATCH("summary", "summary", "") "," PATCH("description", "description", "") ","
	       PATCH("price_paise", "price_paise", "::bigint") ","
	       PATCH("currency", "currency", "") ","
	       PATCH("tax_rate_bp", "tax_rate_bp", "::int") ","
	       PATCH("cover_image_url", "cover_image_url", "") ","
	       PATCH("download_limit", "download_limit", "::int") ","
	       PATCH("link_ttl_seconds", "link_ttl_seconds", "::int") ","
	       " category_id = CASE WHEN j ? 'category' THEN"
	       "   (SELECT id FROM categories WHERE slug = j->>'category') ELSE p.category_id END,"
	       " tags = CASE WHEN j ? 'tags' THEN"
	       "   ARRAY(SELECT jsonb_array_elements_text(j->'tags')) ELSE p.tags END,"
	       " preview_image_urls = CASE WHEN j ? 'preview_image_urls' THEN"
	       "   ARRAY(SELECT jsonb_array_elements_text(j->'preview_image_urls'))"
	       "   ELSE p.preview_image_urls END,"
	       " version = p.version + 1"
	       " FROM (SELECT $2::jsonb AS j) x"
	       " WHERE p.public_id = $1::uuid AND p.version = $3::int RETURNING p.version",
	.nparams = 3,
};

static struct db_statement product_status = {
	.name = "catalog_product_status",
	.sql = "UPDATE products SET status = $2, version = version + 1,"
	       " published_at = CASE WHEN $2 = 'published' THEN coalesce(published_at, now())"
	       "   ELSE published_at END"
	       " WHERE id = $1::bigint AND version = $3::int RETURNING version",
	.nparams = 3,
};

/* Serialises the changes of one product that depend on its files (publish,
 * file delete, upload, product delete): they all lock its row first. */
static struct db_statement product_lock = {
	.name = "catalog_product_lock",
	.sql = "SELECT status FROM products WHERE id = $1::bigint FOR UPDATE",
	.nparams = 1,
};

/* A statement of its own after the lock: it sees what committed meanwhile. */
static struct db_statement product_has_files = {
	.name = "catalog_product_has_files",
	.sql = "SELECT EXISTS (SELECT 1 FROM product_files WHERE product_id = $1::bigint)",
	.nparams = 1,
};

/* Everything a product keeps in storage: its files and its images. */
static struct db_statement product_file_keys = {
	.name = "catalog_product_file_keys",
	.sql = "SELECT storage_key FROM product_files WHERE product_id = $1::bigint"
	       " UNION ALL SELECT storage_key FROM product_images WHERE product_id = $1::bigint",
	.nparams = 1,
};

static struct db_statement image_insert = {
	.name = "catalog_image_insert",
	.sql = "INSERT INTO product_images (product_id, storage_key, content_type, size_bytes, sha256)"
	       " VALUES ($1::bigint, $2, $3, $4::bigint, $5)",
	.nparams = 5,
};

/* Never a product that was sold or claimed: orders and invoices point at it. */
static struct db_statement product_delete = {
	.name = "catalog_product_delete",
	.sql = "DELETE FROM products p WHERE p.id = $1::bigint AND p.version = $2::int"
	       " AND NOT EXISTS (SELECT 1 FROM entitlements e WHERE e.product_id = p.id)"
	       " AND NOT EXISTS (SELECT 1 FROM order_items i WHERE i.product_id = p.id)"
	       " RETURNING p.id",
	.nparams = 2,
};

static struct db_statement categories_public = {
	.name = "catalog_categories_public",
	.sql = "SELECT json_build_object('items', coalesce(json_agg(json_build_object("
	       " 'slug', c.slug, 'name', c.name, 'description', c.description,"
	       " 'product_count', coalesce(n.count, 0)) ORDER BY c.sort_order, c.name), '[]'))::text"
	       " FROM categories c LEFT JOIN (SELECT category_id, count(*) FROM products"
	       "   WHERE status = 'published' GROUP BY category_id) n ON n.category_id = c.id",
	.nparams = 0,
	.flags = DB_READONLY,
};

/* every category, with its products of any status and its published ones */
static struct db_statement categories_admin = {
	.name = "catalog_categories_admin",
	.sql = "SELECT json_build_object('items', coalesce(json_agg(json_build_object("
	       " 'slug', c.slug, 'name', c.name, 'description', c.description,"
	       " 'sort_order', c.sort_order, 'updated_at', " DB_TS("c.updated_at") ","
	       " 'product_count', coalesce(n.total, 0), 'published_count', coalesce(n.published, 0))"
	       " ORDER BY c.sort_order, c.name), '[]'))::text"
	       " FROM categories c LEFT JOIN (SELECT category_id, count(*) AS total,"
	       "   count(*) FILTER (WHERE status = 'published') AS published FROM products"
	       "   GROUP BY category_id) n ON n.category_id = c.id",
	.nparams = 0,
	.flags = DB_READONLY,
};

static struct db_statement tags_public = {
	.name = "catalog_tags_public",
	.sql = "SELECT json_build_object('items', coalesce(json_agg(json_build_object("
	       " 'tag', t.tag, 'count', t.n) ORDER BY t.n DESC, t.tag), '[]'))::text FROM ("
	       " SELECT tag, count(*) AS n FROM products, unnest(tags) AS tag"
	       " WHERE status = 'published' GROUP BY tag ORDER BY n DESC, tag LIMIT 500) t",
	.nparams = 0,
	.flags = DB_READONLY,
};

static struct db_statement category_id = {
	.name = "catalog_category_id",
	.sql = "SELECT id FROM categories WHERE slug = $1",
	.nparams = 1,
	.flags = DB_READONLY,
};

static struct db_statement category_json = {
	.name = "catalog_category_json",
	.sql = "SELECT json_build_object('slug', slug, 'name', name, 'description', description,"
	       " 'sort_order', sort_order, 'updated_at', " DB_TS("updated_at") ")::text"
	       " FROM categories WHERE slug = $1",
	.nparams = 1,
	.flags = DB_READONLY,
};

static struct db_statement category_insert = {
	.name = "catalog_category_insert",
	.sql = "INSERT INTO categories (slug, name, description, sort_order)"
	       " SELECT $1, j->>'name', coalesce(j->>'description', ''),"
	       " coalesce((j->>'sort_order')::int, 0) FROM (SELECT $2::jsonb AS j) x"
	       " ON CONFLICT (slug) DO NOTHING RETURNING id",
	.nparams = 2,
};

static struct db_statement category_update = {
	.name = "catalog_category_update",
	.sql = "UPDATE categories c SET"
	       " slug = CASE WHEN j ? 'slug' THEN j->>'slug' ELSE c.slug END,"
	       " name = CASE WHEN j ? 'name' THEN j->>'name' ELSE c.name END,"
	       " description = CASE WHEN j ? 'description' THEN j->>'description'"
	       "   ELSE c.description END,"
	       " sort_order = CASE WHEN j ? 'sort_order' THEN (j->>'sort_order')::int"
	       "   ELSE c.sort_order END"
	       " FROM (SELECT $2::jsonb AS j) x WHERE c.slug = $1 RETURNING c.slug",
	.nparams = 2,
};

static struct db_statement category_delete = {
	.name = "catalog_category_delete",
	.sql = "DELETE FROM categories c WHERE c.slug = $1"
	       " AND NOT EXISTS (SELECT 1 FROM products p WHERE p.category_id = c.id)"
	       " RETURNING c.id",
	.nparams = 1,
};

static struct db_statement category_exists = {
	.name = "catalog_category_exists",
	.sql = "SELECT 1 FROM categories WHERE slug = $1",
	.nparams = 1,
	.flags = DB_READONLY,
};
/* clang-format on */

/* One text value of a one-row result, or SOUK_ENOTFOUND. */
/* the sitemap: published products and every category, by id, a part at a time */
static struct db_statement sitemap_products = {
    .name = "catalog_sitemap_products",
    .sql = "SELECT slug, " DB_TS(
	"greatest(updated_at, published_at)") ", count(*) OVER ()"
					      " FROM products WHERE status = 'published' ORDER BY "
					      "id"
					      " OFFSET $1::bigint LIMIT $2::int",
    .nparams = 2,
    .flags = DB_READONLY,
};

static struct db_statement sitemap_categories = {
    .name = "catalog_sitemap_categories",
    .sql = "SELECT c.slug, " DB_TS(
	"greatest(c.updated_at, max(p.updated_at))") ", count(*) OVER ()"
						     " FROM categories c LEFT JOIN products p ON "
						     "p.category_id = c.id"
						     " AND p.status = 'published' GROUP BY c.id "
						     "ORDER BY c.id"
						     " OFFSET $1::bigint LIMIT $2::int",
    .nparams = 2,
    .flags = DB_READONLY,
};

static struct db_statement sitemap_counts = {
    .name = "catalog_sitemap_counts",
    .sql =
	"SELECT (SELECT count(*) FROM products WHERE status = 'published'),"
	" (SELECT count(*) FROM categories),"
	" " DB_TS(
	    "(SELECT max(updated_at) FROM products WHERE status = 'published')") ","
										 " " DB_TS(
										     "(SELECT "
										     "max(updated_"
										     "at) FROM "
										     "categories)"),
    .nparams = 0,
    .flags = DB_READONLY,
};

int catalog_sitemap_part(struct worker *w, struct arena *a, bool categories, long offset,
			 long limit, PGresult **rows)
{
	const char *params[] = {arena_printf(a, "%ld", offset), arena_printf(a, "%ld", limit)};

	return db_exec(&w->db, a, categories ? &sitemap_categories : &sitemap_products, params,
		       rows);
}

int catalog_sitemap_counts(struct worker *w, struct arena *a, PGresult **row)
{
	return db_exec(&w->db, a, &sitemap_counts, NULL, row);
}

static int single_text(struct worker *w, struct arena *a, struct db_statement *st,
		       const char *const *params, char **out)
{
	PGresult *r = NULL;
	int rc = db_exec(&w->db, a, st, params, &r);

	if (rc != SOUK_OK)
		return rc;
	if (PQntuples(r) == 0 || PQgetisnull(r, 0, 0))
		return SOUK_ENOTFOUND;
	*out = PQgetvalue(r, 0, 0);
	return SOUK_OK;
}

int catalog_product_public(struct worker *w, struct arena *a, const char *slug, char **json)
{
	const char *params[] = {slug};

	return single_text(w, a, &product_public, params, json);
}

int catalog_product_admin(struct worker *w, struct arena *a, const char *public_id, char **json)
{
	const char *params[] = {public_id};

	return single_text(w, a, &product_admin, params, json);
}

int catalog_categories_public(struct worker *w, struct arena *a, char **json)
{
	return single_text(w, a, &categories_public, NULL, json);
}

int catalog_categories_admin(struct worker *w, struct arena *a, char **json)
{
	return single_text(w, a, &categories_admin, NULL, json);
}

int catalog_tags_public(struct worker *w, struct arena *a, char **json)
{
	return single_text(w, a, &tags_public, NULL, json);
}

int catalog_products_admin_list(struct worker *w, struct arena *a, const char *status,
				const char *category, const char *q, const int64_t *after_id,
				int limit, char **items, bool *more, int64_t *last_id)
{
	char limit_text[16], *after = NULL;
	PGresult *r = NULL;
	int rc;

	snprintf(limit_text, sizeof(limit_text), "%d", limit);
	if (after_id != NULL)
		after = arena_printf(a, "%" PRId64, *after_id);
	const char *params[] = {status, category, q, after, limit_text};

	rc = db_exec(&w->db, a, &products_admin_list, params, &r);
	if (rc != SOUK_OK)
		return rc;
	*items = PQgetvalue(r, 0, 0);
	*more = PQgetvalue(r, 0, 1)[0] == 't';
	*last_id = PQgetisnull(r, 0, 2) ? 0 : strtoll(PQgetvalue(r, 0, 2), NULL, 10);
	return SOUK_OK;
}

static int ref_from(PGresult *r, struct product_ref *out)
{
	if (PQntuples(r) == 0)
		return SOUK_ENOTFOUND;
	out->id = PQgetvalue(r, 0, 0);
	out->public_id = PQgetvalue(r, 0, 1);
	out->slug = PQgetvalue(r, 0, 2);
	out->status = PQgetvalue(r, 0, 3);
	out->version = atol(PQgetvalue(r, 0, 4));
	out->price_paise = atoll(PQgetvalue(r, 0, 5));
	out->has_files = strcmp(PQgetvalue(r, 0, 6), "t") == 0;
	out->sold = strcmp(PQgetvalue(r, 0, 7), "t") == 0;
	out->download_limit = PQgetisnull(r, 0, 8) ? 0 : atol(PQgetvalue(r, 0, 8));
	out->link_ttl = PQgetisnull(r, 0, 9) ? 0 : atol(PQgetvalue(r, 0, 9));
	return SOUK_OK;
}

int catalog_product_ref(struct worker *w, struct arena *a, const char *public_id,
			struct product_ref *out)
{
	const char *params[] = {public_id};
	PGresult *r = NULL;
	int rc = db_exec(&w->db, a, &product_ref, params, &r);

	return rc != SOUK_OK ? rc : ref_from(r, out);
}

int catalog_product_ref_by_slug(struct worker *w, struct arena *a, const char *slug,
				struct product_ref *out)
{
	const char *params[] = {slug};
	PGresult *r = NULL;
	int rc = db_exec(&w->db, a, &product_ref_slug, params, &r);

	return rc != SOUK_OK ? rc : ref_from(r, out);
}

int catalog_product_create(struct worker *w, struct arena *a, const char *slug, bool slug_given,
			   const char *fields, const char *author_id, const char **public_id)
{
	/* a racing insert can take the free slug first: look again, a few times */
	for (int attempt = 0; attempt < 3; attempt++) {
		const char *candidate = slug;
		int rc;

		if (!slug_given) {
			const char *p[] = {slug};
			char *free_slug = NULL;

			rc = single_text(w, a, &slug_free, p, &free_slug);
			if (rc == SOUK_ENOTFOUND) /* 500 products with one title: add randomness */
				return SOUK_ECONFLICT;
			if (rc != SOUK_OK)
				return rc;
			candidate = free_slug;
		}
		const char *params[] = {candidate, fields, author_id};
		char *id = NULL;

		rc = single_text(w, a, &product_insert, params, &id);
		if (rc == SOUK_OK) {
			*public_id = id;
			return SOUK_OK;
		}
		if (rc != SOUK_ENOTFOUND) /* ENOTFOUND: ON CONFLICT DO NOTHING */
			return rc;
		if (slug_given)
			return SOUK_ECONFLICT;
	}
	return SOUK_ECONFLICT;
}

int catalog_product_update(struct worker *w, struct arena *a, const char *public_id, long version,
			   const char *changes, long *new_version)
{
	char version_text[24], *v = NULL;
	int rc;

	snprintf(version_text, sizeof(version_text), "%ld", version);
	const char *params[] = {public_id, changes, version_text};

	rc = single_text(w, a, &product_update, params, &v);
	if (rc == SOUK_ENOTFOUND)
		return SOUK_ECONFLICT; /* the caller checked that it exists: a stale version */
	if (rc == SOUK_OK)
		*new_version = atol(v);
	return rc;
}

int catalog_product_set_status(struct worker *w, struct arena *a, const struct product_ref *ref,
			       const char *status, long *new_version)
{
	char version_text[24], *v = NULL;
	int rc;

	snprintf(version_text, sizeof(version_text), "%ld", ref->version);
	const char *params[] = {ref->id, status, version_text};

	rc = single_text(w, a, &product_status, params, &v);
	if (rc == SOUK_ENOTFOUND)
		return SOUK_ECONFLICT;
	if (rc == SOUK_OK)
		*new_version = atol(v);
	return rc;
}

int catalog_product_delete(struct worker *w, struct arena *a, const struct product_ref *ref,
			   const char ***keys, size_t *nkeys)
{
	char version_text[24];
	const char *id_params[] = {ref->id};
	PGresult *files = NULL, *r = NULL;
	int rc;

	snprintf(version_text, sizeof(version_text), "%ld", ref->version);
	const char *params[] = {ref->id, version_text};

	rc = db_exec(&w->db, a, &product_lock, id_params, NULL);
	if (rc == SOUK_OK)
		rc = db_exec(&w->db, a, &product_file_keys, id_params, &files);
	if (rc == SOUK_OK)
		rc = db_exec(&w->db, a, &product_delete, params, &r);
	if (rc != SOUK_OK)
		return rc;
	if (PQntuples(r) == 0)
		return SOUK_ECONFLICT;
	*nkeys = (size_t)PQntuples(files);
	*keys = arena_alloc(a, (*nkeys + 1) * sizeof(**keys));
	for (size_t i = 0; i < *nkeys; i++)
		(*keys)[i] = PQgetvalue(files, (int)i, 0);
	return SOUK_OK;
}

int catalog_image_record(struct worker *w, struct arena *a, const struct product_ref *ref,
			 const char *key, const char *content_type, long long size,
			 const char *sha256)
{
	char size_text[24];
	const char *id_params[] = {ref->id};

	snprintf(size_text, sizeof(size_text), "%lld", size);
	const char *params[] = {ref->id, key, content_type, size_text, sha256};
	int rc = db_exec(&w->db, a, &product_lock, id_params, NULL);

	return rc == SOUK_OK ? db_exec(&w->db, a, &image_insert, params, NULL) : rc;
}

int catalog_category_exists(struct worker *w, struct arena *a, const char *slug)
{
	const char *params[] = {slug};
	char *one = NULL;

	return single_text(w, a, &category_exists, params, &one);
}

int catalog_category_json(struct worker *w, struct arena *a, const char *slug, char **json)
{
	const char *params[] = {slug};

	return single_text(w, a, &category_json, params, json);
}

int catalog_category_create(struct worker *w, struct arena *a, const char *slug, const char *fields)
{
	const char *params[] = {slug, fields};
	char *id = NULL;
	int rc = single_text(w, a, &category_insert, params, &id);

	return rc == SOUK_ENOTFOUND ? SOUK_ECONFLICT : rc;
}

int catalog_category_update(struct worker *w, struct arena *a, const char *slug,
			    const char *changes, const char **new_slug)
{
	const char *params[] = {slug, changes};
	char *s = NULL;
	int rc = single_text(w, a, &category_update, params, &s);

	if (rc == SOUK_OK)
		*new_slug = s;
	return rc;
}

int catalog_category_delete(struct worker *w, struct arena *a, const char *slug)
{
	const char *params[] = {slug};
	char *id = NULL;
	int rc = single_text(w, a, &category_id, params, &id);

	if (rc != SOUK_OK)
		return rc;
	rc = single_text(w, a, &category_delete, params, &id);
	return rc == SOUK_ENOTFOUND ? SOUK_ECONFLICT : rc;
}

int catalog_product_lock(struct worker *w, struct arena *a, const struct product_ref *ref,
			 const char **status, bool *has_files)
{
	const char *params[] = {ref->id};
	PGresult *r = NULL, *f = NULL;
	int rc = db_exec(&w->db, a, &product_lock, params, &r);

	if (rc == SOUK_OK && PQntuples(r) == 0)
		rc = SOUK_ENOTFOUND;
	if (rc == SOUK_OK)
		rc = db_exec(&w->db, a, &product_has_files, params, &f);
	if (rc != SOUK_OK)
		return rc;
	*status = PQgetvalue(r, 0, 0);
	*has_files = strcmp(PQgetvalue(f, 0, 0), "t") == 0;
	return SOUK_OK;
}

/* ------------------------------------------------------ for a sale --- */

#define SALE_COLUMNS                                                                               \
	"SELECT p.id, p.public_id, p.slug, p.title, p.status, p.category_id, p.price_paise,"       \
	" p.tax_rate_bp, EXISTS (SELECT 1 FROM entitlements e WHERE e.product_id = p.id"           \
	" AND e.user_id = $1::bigint AND e.revoked_at IS NULL"                                     \
	" AND (e.expires_at IS NULL OR e.expires_at > now())), p.currency FROM products p"

static struct db_statement sale_by_ids = {
    .name = "catalog_sale_by_ids",
    .sql = SALE_COLUMNS " WHERE p.public_id = ANY ($2::uuid[])",
    .nparams = 2,
    .flags = DB_READONLY,
};

static struct db_statement sale_by_slug = {
    .name = "catalog_sale_by_slug",
    .sql = SALE_COLUMNS " WHERE p.slug = $2::text",
    .nparams = 2,
    .flags = DB_READONLY,
};

static struct db_statement sale_by_id = {
    .name = "catalog_sale_by_id",
    .sql = SALE_COLUMNS " WHERE p.public_id = $2::uuid",
    .nparams = 2,
    .flags = DB_READONLY,
};

static void sale_row(struct arena *a, PGresult *r, int i, struct sale_product *p)
{
	p->id = arena_strdup(a, PQgetvalue(r, i, 0));
	p->public_id = arena_strdup(a, PQgetvalue(r, i, 1));
	p->slug = arena_strdup(a, PQgetvalue(r, i, 2));
	p->title = arena_strdup(a, PQgetvalue(r, i, 3));
	p->status = arena_strdup(a, PQgetvalue(r, i, 4));
	p->category_id = PQgetisnull(r, i, 5) ? NULL : arena_strdup(a, PQgetvalue(r, i, 5));
	p->price_paise = strtoll(PQgetvalue(r, i, 6), NULL, 10);
	p->tax_rate_bp = (int32_t)strtol(PQgetvalue(r, i, 7), NULL, 10);
	p->owned = PQgetvalue(r, i, 8)[0] == 't';
	memcpy(p->currency, PQgetvalue(r, i, 9), 3);
	p->currency[3] = '\0';
}

int catalog_sale_products(struct worker *w, struct arena *a, const char *user_id,
			  const char *const *ids, size_t n, struct sale_product **out,
			  size_t *count)
{
	struct sale_product *rows;
	char *list;
	PGresult *r = NULL;
	int rc;

	if (n > 100)
		return SOUK_EINVALID;
	/* a PostgreSQL array literal of canonical UUIDs: nothing to quote */
	list = arena_alloc(a, n * 37 + 3);
	char *end = list;

	*end++ = '{';
	for (size_t i = 0; i < n; i++) {
		if (!validate_uuid(ids[i]))
			continue;
		if (end > list + 1)
			*end++ = ',';
		memcpy(end, ids[i], 36);
		end += 36;
	}
	*end++ = '}';
	*end = '\0';
	const char *params[] = {user_id != NULL ? user_id : "0", list};

	rc = db_exec(&w->db, a, &sale_by_ids, params, &r);
	if (rc != SOUK_OK)
		return rc;
	rows = arena_alloc(a, sizeof(*rows) * (size_t)(PQntuples(r) + 1));
	for (int i = 0; i < PQntuples(r); i++)
		sale_row(a, r, i, &rows[i]);
	*out = rows;
	*count = (size_t)PQntuples(r);
	return SOUK_OK;
}

int catalog_sale_product(struct worker *w, struct arena *a, const char *user_id,
			 const char *id_or_slug, struct sale_product *out)
{
	const char *params[] = {user_id != NULL ? user_id : "0", id_or_slug};
	PGresult *r = NULL;
	int rc;

	if (validate_uuid(id_or_slug))
		rc = db_exec(&w->db, a, &sale_by_id, params, &r);
	else if (validate_slug(id_or_slug))
		rc = db_exec(&w->db, a, &sale_by_slug, params, &r);
	else
		return SOUK_ENOTFOUND;
	if (rc != SOUK_OK)
		return rc;
	if (PQntuples(r) != 1)
		return SOUK_ENOTFOUND;
	sale_row(a, r, 0, out);
	return SOUK_OK;
}
