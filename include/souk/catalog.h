/*
 * catalog.h - the marketplace's heart: products, categories, tags, files,
 * search, and the entitlement-checked delivery of files to buyers.
 *
 * Public reads only ever see published products and never a storage key.
 * Staff writes (products:write) are validated at the edge, versioned for
 * optimistic concurrency, audited, and bump the catalog cache version so no
 * stale read is served after an edit.
 */
#ifndef SOUK_CATALOG_H
#define SOUK_CATALOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct arena;
struct http_request;
struct pg_result;
struct http_response;
struct worker;

/* ------------------------------------------------------------------------
 * Search and lists (src/catalog/search.c): PostgreSQL full-text search behind
 * this one function, so another engine could replace it. The same call
 * serves GET /products (no q) and GET /search (with q).
 * ------------------------------------------------------------------------ */

enum search_sort {
	SEARCH_SORT_DEFAULT,   /* relevance when q is given, else newest */
	SEARCH_SORT_RELEVANCE, /* needs q */
	SEARCH_SORT_NEWEST,    /* published_at DESC */
	SEARCH_SORT_PRICE_ASC,
	SEARCH_SORT_PRICE_DESC,
	SEARCH_SORT_POPULAR, /* sales_count DESC */
};

struct search_query {
	const char *q;	      /* user's words (UTF-8, <= 200 chars), NULL or "" = none */
	const char *category; /* category slug, NULL = any */
	const char **tags;    /* every tag must be present (slugs); NULL when ntags = 0 */
	size_t ntags;	      /* <= 10 */
	long long min_price;  /* paise, inclusive; -1 = no bound */
	long long max_price;  /* paise, inclusive; -1 = no bound */
	int free;	      /* 1 = only free, 0 = only paid, -1 = both */
	enum search_sort sort;
	const char *cursor; /* opaque next_cursor of a previous page, NULL = first page */
	int limit;	    /* 1 .. 100 */
	bool facets;	    /* add category and tag counts for the query and filters */
	bool highlight;	    /* add highlighted snippets (needs q) */
};

/*
 * Runs sq against the published catalog and returns the response document as
 * JSON text in *json (arena-owned), of this shape:
 *   {"items": [item...], "next_cursor": "..." | null,
 *    "facets": {"categories": [{"slug","name","count"}...],
 *               "tags": [{"tag","count"}...] (top 20),
 *               "approximate": bool} (only when sq->facets),
 *    "corrected": "the query as corrected" (only when a word was corrected)}
 * item: {"id" (public uuid), "slug", "title", "summary", "price_paise",
 *   "currency", "tax_rate_bp", "is_free", "category": {"slug","name"} | null,
 *   "tags", "cover_image_url", "published_at" (RFC 3339 UTC), "sales_count",
 *   "highlight": {"title", "snippet"} (only when sq->highlight and q: HTML-
 *   escaped text in which only <mark>...</mark> is markup)}.
 * One statement without q, two with q (the words become a tsquery first),
 * one more for facets; PostgreSQL sends each page's stored item documents
 * (product_pages) and the worker joins them.
 * Category facet counts ignore the category filter (to offer the others);
 * tag counts apply every filter. Facets count at most 1000 matches (in
 * storage order): "approximate" is true when there were more. Relevance ranks the 100 most
 * popular matches; further matches follow in popularity order. An unknown
 * category slug gives no items. q of stop words or punctuation only gives no
 * items (no error). The handler has validated sq (lengths, slugs, ranges).
 * SOUK_OK; SOUK_EINVALID for a cursor that is malformed or belongs to another
 * sort or query (req-independent message in *why, static); SOUK_EDB.
 */
int search_products(struct worker *w, struct arena *a, const struct search_query *sq, char **json,
		    const char **why);

/* Pure pieces of search.c, exposed for unit tests. */

/* Cursor kinds of search pages (struct page_cursor, include/souk/page.h):
 * 'n' newest, 'a' price ascending, 'd' price descending, 'p' popular, 'r'
 * relevance window, 't' matches after the relevance window (popularity
 * order). fingerprint: search_fingerprint() of the query it was made for.
 * k1, k2, id: the keys of the last item shown (newest: published_at in
 * microseconds; prices: paise; popular and 't': sales_count; 'r': the rank's
 * float bits in k1 and sales_count in k2). */
#define SEARCH_CURSOR_KINDS "nadprt"

/* The words of q (ASCII letters and digits lower-cased; UTF-8 sequences kept;
 * everything else separates), at most 8 of at most 40 bytes, joined by one
 * space into out[size]. Returns how many. */
size_t search_words(const char *q, char *out, size_t size);

/* True when q ends inside a word: its last word is still being typed and
 * matches as a prefix. */
bool search_typing(const char *q);

/* 32 bits of SHA-256 over the words and every filter of sq (not the sort,
 * limit, facets or highlight): a cursor only continues the query it came from. */
uint32_t search_fingerprint(const struct search_query *sq, const char *words);

/* ------------------------------------------------------------------------
 * Search highlights (src/catalog/highlight.c), made in the worker: words
 * stemmed with Snowball's english stemmer (as PostgreSQL's english_stem)
 * and compared with the lexemes of the query's tsquery.
 * ------------------------------------------------------------------------ */

struct highlight;

/* The lexemes of tsquery (PostgreSQL's text form: 'templat' & 'notion':*)
 * and a stemmer, in the arena. SOUK_OK or SOUK_EINTERNAL (no memory). */
int highlight_prepare(struct arena *a, const char *tsquery, struct highlight **out);
/* text as escaped HTML with every matching word in <mark>...</mark>. */
char *highlight_all(struct arena *a, const struct highlight *h, const char *text);
/* Up to two fragments of at most 20 words around the first matches, joined
 * by " … " (the first 8 words when nothing matches), as escaped HTML with
 * the matches in <mark>...</mark>. */
char *highlight_snippet(struct arena *a, const struct highlight *h, const char *text);

/* ------------------------------------------------------------------------
 * Products and categories (src/catalog/catalog.c). JSON comes back as text
 * PostgreSQL built, arena-owned. SOUK_ENOTFOUND when there is no such row.
 * ------------------------------------------------------------------------ */

/* A product as the write paths need it (strings arena-owned). */
struct product_ref {
	const char *id; /* products.id */
	const char *public_id;
	const char *slug;
	const char *status; /* draft | published | archived */
	long version;
	long long price_paise;
	bool has_files;
	bool sold;	     /* sold or claimed: never deleted (set by catalog_product_ref) */
	long download_limit; /* 0 = the site default */
	long link_ttl;	     /* seconds, 0 = the site default */
};

/* A product as a sale sees it (cart lines, checkout): what PostgreSQL says
 * it costs now, never what a cart or a client remembers (strings arena-owned). */
struct sale_product {
	const char *id; /* products.id */
	const char *public_id;
	const char *slug;
	const char *title;
	const char *status;	 /* draft | published | archived */
	const char *category_id; /* NULL when uncategorised */
	int64_t price_paise;
	int32_t tax_rate_bp;
	char currency[4]; /* ISO 4217, of price_paise */
	bool owned;	  /* user_id holds a live entitlement (not revoked, not expired) */
};

/*
 * The products whose public ids are ids[0..n) (n <= 100; ids that are not
 * canonical UUIDs or name no product are left out), in no order; user_id NULL
 * (a guest) owns nothing. On SOUK_OK *out (arena) holds *count products.
 */
int catalog_sale_products(struct worker *w, struct arena *a, const char *user_id,
			  const char *const *ids, size_t n, struct sale_product **out,
			  size_t *count);
/* One product by public id or slug, any status. SOUK_ENOTFOUND when none. */
int catalog_sale_product(struct worker *w, struct arena *a, const char *user_id,
			 const char *id_or_slug, struct sale_product *out);

/* GET /products/{slug}: the published product. */
int catalog_product_public(struct worker *w, struct arena *a, const char *slug, char **json);
/* Staff view of any product, by public id: status, version, every file version. */
int catalog_product_admin(struct worker *w, struct arena *a, const char *public_id, char **json);
/* {"items":[{slug,name,description,product_count}]}, published products counted. */
int catalog_categories_public(struct worker *w, struct arena *a, char **json);
/* {"items":[{tag,count}]}, the 500 most used tags of published products. */
int catalog_tags_public(struct worker *w, struct arena *a, char **json);

/* Staff list, newest first: filters may be NULL; q is LIKE-escaped by the
 * caller; after_id (NULL = the first page) is the *last_id of the previous
 * page. *items is a JSON array of at most limit products; *more says
 * whether a page follows, and *last_id is the key to ask for it with. */
int catalog_products_admin_list(struct worker *w, struct arena *a, const char *status,
				const char *category, const char *q, const int64_t *after_id,
				int limit, char **items, bool *more, int64_t *last_id);

int catalog_product_ref(struct worker *w, struct arena *a, const char *public_id,
			struct product_ref *out);
/* The same by slug, any status (sold is not computed: false). */
int catalog_product_ref_by_slug(struct worker *w, struct arena *a, const char *slug,
				struct product_ref *out);

/*
 * Inserts a draft. fields is a JSON object of validated members (title,
 * summary, description, price_paise, currency, tax_rate_bp, category,
 * tags, cover_image_url, preview_image_urls, download_limit,
 * link_ttl_seconds). slug is used as given when slug_given (SOUK_ECONFLICT
 * when taken), else it is the base of the first free "base", "base-2", ...
 * SOUK_OK with *public_id.
 */
int catalog_product_create(struct worker *w, struct arena *a, const char *slug, bool slug_given,
			   const char *fields, const char *author_id, const char **public_id);
/* Applies the members present in changes (same names as above, plus slug)
 * when the product is still at version: SOUK_OK with *new_version, or
 * SOUK_ECONFLICT (stale version, or the slug is taken: see db->sqlstate). */
int catalog_product_update(struct worker *w, struct arena *a, const char *public_id, long version,
			   const char *changes, long *new_version);
/* In the caller's transaction: locks the product's row (publishing, file
 * uploads and deletes, and product deletes of one product take turns) and
 * reads its status and whether it has files, as committed now. */
int catalog_product_lock(struct worker *w, struct arena *a, const struct product_ref *ref,
			 const char **status, bool *has_files);
/* Sets the status (published sets published_at once) at ref->version:
 * SOUK_OK with *new_version, SOUK_ECONFLICT when the version moved on. */
int catalog_product_set_status(struct worker *w, struct arena *a, const struct product_ref *ref,
			       const char *status, long *new_version);
/* Deletes a product that was never sold or claimed, at ref->version, with
 * its file and image rows; *keys lists the storage keys (files and images)
 * to remove after commit. SOUK_ECONFLICT when sold, claimed or stale. */
int catalog_product_delete(struct worker *w, struct arena *a, const struct product_ref *ref,
			   const char ***keys, size_t *nkeys);

/* Records an uploaded image of the product (under its row lock, so a delete
 * in flight either sees it or makes this fail): deleting the product then
 * removes it from storage. In the caller's transaction. */
int catalog_image_record(struct worker *w, struct arena *a, const struct product_ref *ref,
			 const char *key, const char *content_type, long long size,
			 const char *sha256);

/* The sitemap (src/cms/seo.c): rows (slug, lastmod RFC 3339, total) of
 * published products, or of categories, by id from offset. SOUK_OK. */
int catalog_sitemap_part(struct worker *w, struct arena *a, bool categories, long offset,
			 long limit, struct pg_result **rows);
/* One row: published products, categories, and their newest lastmod (NULL
 * when none). SOUK_OK. */
int catalog_sitemap_counts(struct worker *w, struct arena *a, struct pg_result **row);

/* SOUK_OK when the category exists, else SOUK_ENOTFOUND. */
int catalog_category_exists(struct worker *w, struct arena *a, const char *slug);
int catalog_category_json(struct worker *w, struct arena *a, const char *slug, char **json);
/* {"items":[{slug,name,description,sort_order,updated_at,product_count,
 * published_count}]}: every category, by sort_order then name; product_count
 * counts products of any status (a category with any cannot be deleted). */
int catalog_categories_admin(struct worker *w, struct arena *a, char **json);
/* fields: {name, description?, sort_order?}; SOUK_ECONFLICT when the slug is taken. */
int catalog_category_create(struct worker *w, struct arena *a, const char *slug,
			    const char *fields);
/* changes: {slug?, name?, description?, sort_order?}; SOUK_ENOTFOUND;
 * SOUK_ECONFLICT when the new slug is taken. */
int catalog_category_update(struct worker *w, struct arena *a, const char *slug,
			    const char *changes, const char **new_slug);
/* SOUK_ENOTFOUND; SOUK_ECONFLICT while products are in it. */
int catalog_category_delete(struct worker *w, struct arena *a, const char *slug);

/* ------------------------------------------------------------------------
 * The read cache (src/catalog/cache.c): versioned entries in Redis.
 * ------------------------------------------------------------------------ */

/*
 * Looks up the entry named key. Always sets *version to the current catalog
 * version (NULL when Redis is down): pass it to catalog_cache_put() for an
 * entry built after this call. SOUK_OK with the body and its length (arena)
 * on a hit,
 * SOUK_ENOTFOUND on a miss or a stale entry, SOUK_EREDIS when Redis is down.
 */
int catalog_cache_get(struct worker *w, struct arena *a, const char *key, const char **version,
		      const char **body, size_t *len);
/* Stores body under key for ttl seconds, tagged with version (no-op when
 * version is NULL or ttl <= 0). Failures are ignored: it is a cache. */
void catalog_cache_put(struct worker *w, struct arena *a, const char *key, const char *version,
		       const char *body, size_t len, long ttl);
/* After a committed catalog change: a new version in Redis and a new token
 * in SOUK_CATALOG_VERSION_FILE, so neither cache serves what came before. */
void catalog_changed(struct worker *w, struct arena *a);

/* Builds the JSON answer of a public read (SOUK_ENOTFOUND for none). */
typedef int (*catalog_builder)(struct worker *w, struct http_request *req, const void *arg,
			       char **json);

/*
 * A public read, the same for every caller (catalog, content): answers from
 * the Redis copy under key when it is current, else runs build() and keeps
 * what it made (a miss is remembered for a minute). The answer lets nginx
 * keep it for anonymous callers (X-Accel-Expires; an edit retires it through
 * the version in nginx's cache key). SOUK_OK, or build()'s error.
 */
int catalog_cached_read(struct worker *w, struct http_request *req, struct http_response *res,
			const char *key, catalog_builder build, const void *arg);

/* Ends a catalog transaction by rc (db_end) and, when it committed, retires
 * the cached pages (catalog_changed). Returns the outcome. */
int catalog_commit(struct worker *w, struct arena *a, int rc);

/* A slug from a title: ASCII letters and digits (Latin-1 letters spelt in
 * ASCII: "Café" -> "cafe"), words joined by single dashes, at most 80
 * characters (room for a "-2" suffix); "product" when nothing is left (a
 * title in another script). Arena-owned. */
char *catalog_slugify(struct arena *a, const char *title);

/* ------------------------------------------------------------------------
 * Handlers (src/catalog/catalog_http.c). Statuses in each definition.
 * ------------------------------------------------------------------------ */
int catalog_products_list(struct worker *w, struct http_request *req, struct http_response *res);
int catalog_search(struct worker *w, struct http_request *req, struct http_response *res);
int catalog_product_get(struct worker *w, struct http_request *req, struct http_response *res);
int catalog_categories(struct worker *w, struct http_request *req, struct http_response *res);
int catalog_tags(struct worker *w, struct http_request *req, struct http_response *res);

int catalog_admin_products(struct worker *w, struct http_request *req, struct http_response *res);
int catalog_admin_product_get(struct worker *w, struct http_request *req,
			      struct http_response *res);
int catalog_admin_product_create(struct worker *w, struct http_request *req,
				 struct http_response *res);
int catalog_admin_product_update(struct worker *w, struct http_request *req,
				 struct http_response *res);
int catalog_admin_product_publish(struct worker *w, struct http_request *req,
				  struct http_response *res);
int catalog_admin_product_unpublish(struct worker *w, struct http_request *req,
				    struct http_response *res);
int catalog_admin_product_archive(struct worker *w, struct http_request *req,
				  struct http_response *res);
int catalog_admin_product_delete(struct worker *w, struct http_request *req,
				 struct http_response *res);
int catalog_admin_categories(struct worker *w, struct http_request *req, struct http_response *res);
int catalog_admin_category_create(struct worker *w, struct http_request *req,
				  struct http_response *res);
int catalog_admin_category_update(struct worker *w, struct http_request *req,
				  struct http_response *res);
int catalog_admin_category_delete(struct worker *w, struct http_request *req,
				  struct http_response *res);

/* Product files (src/catalog/files.c). */
int catalog_admin_file_upload(struct worker *w, struct http_request *req,
			      struct http_response *res);
int catalog_admin_file_presign(struct worker *w, struct http_request *req,
			       struct http_response *res);
int catalog_admin_file_complete(struct worker *w, struct http_request *req,
				struct http_response *res);
int catalog_admin_file_delete(struct worker *w, struct http_request *req,
			      struct http_response *res);
int catalog_admin_image_upload(struct worker *w, struct http_request *req,
			       struct http_response *res);

/* Entitlements and downloads (src/catalog/delivery.c). */
int delivery_download(struct worker *w, struct http_request *req, struct http_response *res);
int delivery_fetch(struct worker *w, struct http_request *req, struct http_response *res);
int delivery_claim(struct worker *w, struct http_request *req, struct http_response *res);
int delivery_library(struct worker *w, struct http_request *req, struct http_response *res);

#endif
