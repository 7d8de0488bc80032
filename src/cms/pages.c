/*
 * pages.c - CMS pages: the published page for everyone (cached like the
 * catalog), and for staff (cms:write) drafts, preview, publish, unpublish,
 * the kept versions and rolling back to one. See include/souk/cms.h.
 *
 * Every saved draft bumps the page's version (the trigger of
 * schema/018_content.sql keeps a copy of each); an edit names the version it
 * started from and is refused (409) when the page has moved on. Publishing
 * copies the draft to `published`; the site never reads a draft.
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
#include "souk/config.h"
#include "souk/db.h"
#include "souk/err.h"
#include "souk/http.h"
#include "souk/json.h"
#include "souk/page.h"
#include "souk/worker.h"

/* clang-format off */
#define PAGE_ADMIN_JSON \
	"json_build_object('slug', p.slug, 'title', p.title, 'draft', p.draft," \
	" 'published', p.published, 'version', p.version," \
	" 'published_version', p.published_version," \
	" 'unpublished_changes', p.published_version IS DISTINCT FROM p.version," \
	" 'published_at', " DB_TS("p.published_at") ", 'updated_at', " DB_TS("p.updated_at") "," \
	" 'updated_by', (SELECT u.email FROM users u WHERE u.id = p.updated_by))"

static struct db_statement page_published = {
	.name = "cms_page_published",
	.sql = "SELECT json_build_object('slug', p.slug, 'title', coalesce(v.title, p.title),"
	       " 'blocks', p.published -> 'blocks', 'published_at', " DB_TS("p.published_at") ","
	       " 'updated_at', " DB_TS("p.updated_at") ")::text"
	       " FROM cms_pages p LEFT JOIN cms_page_versions v"
	       " ON v.page_id = p.id AND v.version = p.published_version"
	       " WHERE p.slug = $1 AND p.published IS NOT NULL",
	.nparams = 1,
	.flags = DB_READONLY,
};

static struct db_statement page_preview = {
	.name = "cms_page_preview",
	.sql = "SELECT json_build_object('slug', p.slug, 'title', p.title,"
	       " 'blocks', p.draft -> 'blocks', 'version', p.version,"
	       " 'updated_at', " DB_TS("p.updated_at") ")::text"
	       " FROM cms_pages p WHERE p.slug = $1",
	.nparams = 1,
	.flags = DB_READONLY,
};

static struct db_statement page_admin_get = {
	.name = "cms_page_admin_get",
	.sql = "SELECT " PAGE_ADMIN_JSON "::text FROM cms_pages p WHERE p.slug = $1",
	.nparams = 1,
	.flags = DB_READONLY,
};

static struct db_statement page_admin_list = {
	.name = "cms_page_admin_list",
	.sql = "SELECT coalesce(json_agg(x.item ORDER BY x.k) FILTER (WHERE x.n <= $2::int), '[]')::text,"
	       " count(*) > $2::int, max(x.k) FILTER (WHERE x.n <= $2::int) FROM ("
	       " SELECT p.id AS k, row_number() OVER (ORDER BY p.id) AS n,"
	       " json_build_object('slug', p.slug, 'title', p.title, 'version', p.version,"
	       "  'published_version', p.published_version,"
	       "  'unpublished_changes', p.published_version IS DISTINCT FROM p.version,"
	       "  'published_at', " DB_TS("p.published_at") ","
	       "  'updated_at', " DB_TS("p.updated_at") ") AS item"
	       " FROM cms_pages p WHERE ($1::bigint IS NULL OR p.id > $1::bigint)"
	       " ORDER BY p.id LIMIT $2::int + 1) x",
	.nparams = 2,
	.flags = DB_READONLY,
};

static struct db_statement page_insert = {
	.name = "cms_page_insert",
	.sql = "INSERT INTO cms_pages (slug, title, draft, updated_by)"
	       " VALUES ($1, $2, $3::jsonb, $4::bigint) RETURNING slug",
	.nparams = 4,
};

static struct db_statement page_update = {
	.name = "cms_page_update",
	.sql = "UPDATE cms_pages SET slug = coalesce($3, slug), title = coalesce($4, title),"
	       " draft = coalesce($5::jsonb, draft), version = version + 1, updated_by = $6::bigint"
	       " WHERE slug = $1 AND version = $2::int RETURNING slug, version",
	.nparams = 6,
};

static struct db_statement page_publish = {
	.name = "cms_page_publish",
	.sql = "UPDATE cms_pages SET published = draft, published_at = now(),"
	       " published_version = version, updated_by = $3::bigint"
	       " WHERE slug = $1 AND version = $2::int RETURNING version",
	.nparams = 3,
};

static struct db_statement page_unpublish = {
	.name = "cms_page_unpublish",
	.sql = "UPDATE cms_pages SET published = NULL, published_at = NULL,"
	       " published_version = NULL, updated_by = $2::bigint"
	       " WHERE slug = $1 RETURNING version",
	.nparams = 2,
};

/* the version an edit started from, when it is not the page's */
static struct db_statement page_version_now = {
	.name = "cms_page_version_now",
	.sql = "SELECT version FROM cms_pages WHERE slug = $1",
	.nparams = 1,
};

static struct db_statement page_versions = {
	.name = "cms_page_versions",
	.sql = "SELECT coalesce(json_agg(x.item ORDER BY x.k DESC) FILTER (WHERE x.n <= $3::int),"
	       " '[]')::text, count(*) > $3::int, min(x.k) FILTER (WHERE x.n <= $3::int) FROM ("
	       " SELECT v.version AS k, row_number() OVER (ORDER BY v.version DESC) AS n,"
	       " json_build_object('version', v.version, 'title', v.title,"
	       "  'blocks', jsonb_array_length(v.content -> 'blocks'),"
	       "  'published', v.version = p.published_version, 'current', v.version = p.version,"
	       "  'created_by', (SELECT u.email FROM users u WHERE u.id = v.created_by),"
	       "  'created_at', " DB_TS("v.created_at") ") AS item"
	       " FROM cms_pages p JOIN cms_page_versions v ON v.page_id = p.id"
	       " WHERE p.slug = $1 AND ($2::int IS NULL OR v.version < $2::int)"
	       " ORDER BY v.version DESC LIMIT $3::int + 1) x",
	.nparams = 3,
	.flags = DB_READONLY,
};

static struct db_statement page_exists = {
	.name = "cms_page_exists",
	.sql = "SELECT 1 FROM cms_pages WHERE slug = $1",
	.nparams = 1,
	.flags = DB_READONLY,
};

static struct db_statement page_version_get = {
	.name = "cms_page_version_get",
	.sql = "SELECT json_build_object('version', v.version, 'title', v.title,"
	       " 'blocks', v.content -> 'blocks', 'published', v.version = p.published_version,"
	       " 'created_by', (SELECT u.email FROM users u WHERE u.id = v.created_by),"
	       " 'created_at', " DB_TS("v.created_at") ")::text"
	       " FROM cms_pages p JOIN cms_page_versions v ON v.page_id = p.id"
	       " WHERE p.slug = $1 AND v.version = $2::int",
	.nparams = 2,
	.flags = DB_READONLY,
};

/* the earlier version becomes the draft (a new version) and is published */
static struct db_statement page_rollback = {
	.name = "cms_page_rollback",
	.sql = "UPDATE cms_pages p SET title = v.title, draft = v.content, published = v.content,"
	       " version = p.version + 1, published_version = p.version + 1, published_at = now(),"
	       " updated_by = $4::bigint"
	       " FROM cms_page_versions v"
	       " WHERE p.slug = $1 AND p.version = $2::int AND v.page_id = p.id"
	       " AND v.version = $3::int RETURNING p.version",
	.nparams = 4,
};
/* clang-format on */

/* ------------------------------------------------------------------------
 * The module: SQL, one function per statement
 * ------------------------------------------------------------------------ */

/* The page st selects (published, or the draft for a preview) as the site
 * serves it: rich_text html filled in where a row written by SQL lacks it.
 * SOUK_ENOTFOUND when there is none. */
static int page_find_rendered(struct worker *w, struct arena *a, struct db_statement *st,
			      const char *slug, char **json)
{
	const char *params[] = {slug};
	PGresult *r = NULL;
	cJSON *doc;
	const char *why = NULL;
	int rc = db_exec(&w->db, a, st, params, &r);

	if (rc != SOUK_OK)
		return rc;
	if (PQntuples(r) == 0)
		return SOUK_ENOTFOUND;
	rc = json_parse_object(a, PQgetvalue(r, 0, 0), (size_t)PQgetlength(r, 0, 0), &doc, &why);
	if (rc != SOUK_OK)
		return SOUK_EINTERNAL;
	rc = cms_blocks_render(a, doc, w->config->public_url);
	if (rc != SOUK_OK)
		return rc;
	*json = json_print(a, doc);
	return SOUK_OK;
}

/* After a write that matched no row: 404 for no page, else 409 with the
 * version the page is at. */
static int page_write_missed(struct worker *w, struct http_request *req, const char *slug)
{
	const char *params[] = {slug};
	PGresult *r = NULL;
	int rc = db_exec(&w->db, req->arena, &page_version_now, params, &r);

	if (rc != SOUK_OK)
		return rc;
	if (PQntuples(r) == 0)
		return SOUK_ENOTFOUND;
	req->error_message = arena_printf(req->arena,
					  "Someone else changed this page: it is at version %s. "
					  "Load it again and redo your change.",
					  PQgetvalue(r, 0, 0));
	return SOUK_ECONFLICT;
}

/* A rollback to a version the page does not have: 422 on to_version, or 404
 * when there is no such page. */
static int page_version_missing(struct worker *w, struct http_request *req, const char *slug)
{
	const char *params[] = {slug};
	PGresult *r = NULL;
	int rc = db_exec(&w->db, req->arena, &page_exists, params, &r);

	if (rc != SOUK_OK)
		return rc;
	if (PQntuples(r) == 0)
		return SOUK_ENOTFOUND;
	return http_field_error(req, "to_version", "is not a version of this page");
}

/* ------------------------------------------------------------------------
 * Input
 * ------------------------------------------------------------------------ */

struct page_input {
	const char *slug, *title;
	long long version, to_version;
	const cJSON *blocks_given; /* as sent, checked by the block schema */
	const char *blocks;	   /* the checked document {"blocks":[...]}, or NULL */
};

static const struct validate_field page_fields[] = {
    {"slug", VALIDATE_SLUG, 0, 1, 100, offsetof(struct page_input, slug)},
    {"title", VALIDATE_STRING, 0, 1, 200, offsetof(struct page_input, title)},
    {"version", VALIDATE_INT, 0, 1, 2147483647LL, offsetof(struct page_input, version)},
    {"to_version", VALIDATE_INT, 0, 1, 2147483647LL, offsetof(struct page_input, to_version)},
    {"blocks", VALIDATE_ARRAY, 0, 0, 100, offsetof(struct page_input, blocks_given)},
};
enum { FIELD_SLUG, FIELD_TITLE, FIELD_VERSION, FIELD_TO_VERSION, FIELD_BLOCKS };

/*
 * Reads the body by page_fields, "blocks" then by the block schema
 * (blocks.c). required: bits of page_fields that must be present; allowed:
 * the bits this route takes. SOUK_OK or
 * SOUK_EINVALID with every problem on req.
 */
static int page_read_body(struct worker *w, struct http_request *req, unsigned allowed,
			  unsigned required, struct page_input *in)
{
	struct validate_result result = {0};
	cJSON *normal = NULL, *errors = NULL, *e;
	int rc = HTTP_VALIDATE(req, page_fields, in, &result);
	/* go on after a problem: the client sees every one at once */
	bool bad = rc == SOUK_EINVALID;

	if (rc != SOUK_OK && rc != SOUK_EINVALID)
		return rc;
	for (unsigned i = 0; i < sizeof(page_fields) / sizeof(page_fields[0]); i++) {
		bool given = (result.present >> i) & 1;

		if (given && !(allowed & (1u << i)))
			bad = http_field_error(req, page_fields[i].name,
					       "is not a field of this request");
		else if (!given && (required & (1u << i)))
			bad = http_field_error(req, page_fields[i].name, "is required");
	}
	if (in->blocks_given != NULL && (allowed & (1u << FIELD_BLOCKS))) {
		rc = cms_blocks_check(req->arena, in->blocks_given, w->config->public_url, &normal,
				      &errors);
		if (rc == SOUK_EINVALID) {
			cJSON_ArrayForEach(e, errors)
			    http_field_error(req, e->string, e->valuestring);
			bad = true;
		} else if (rc != SOUK_OK) {
			return rc;
		} else {
			in->blocks = json_print(req->arena, normal);
		}
	}
	return bad ? SOUK_EINVALID : SOUK_OK;
}

static int page_answer_admin(struct worker *w, struct http_request *req, struct http_response *res,
			     int status, const char *slug)
{
	const char *params[] = {slug};
	PGresult *r = NULL;
	int rc = db_exec(&w->db, req->arena, &page_admin_get, params, &r);

	if (rc != SOUK_OK)
		return rc;
	return page_respond_row(res, r, status);
}

static int page_audit(struct worker *w, struct http_request *req, const char *action,
		      const char *slug, const char *version)
{
	cJSON *data = json_new_object(req->arena);

	if (version != NULL)
		cJSON_AddStringToObject(data, "version", version);
	return audit_record(&w->db, req->arena, req->principal->user_id, action, "cms_page", slug,
			    data, req->remote_addr);
}

/* ------------------------------------------------------------------------
 * Handlers
 * ------------------------------------------------------------------------ */

static int build_page(struct worker *w, struct http_request *req, const void *arg, char **json)
{
	return page_find_rendered(w, req->arena, &page_published, arg, json);
}

/* GET /api/v1/pages/{slug}: 200 {slug,title,blocks,published_at,updated_at};
 * 404 when there is no such published page. */
int cms_page_get(struct worker *w, struct http_request *req, struct http_response *res)
{
	const char *slug = http_path_param(req, "slug");

	if (!validate_slug(slug) || strlen(slug) > 100)
		return SOUK_ENOTFOUND;
	return catalog_cached_read(w, req, res, arena_printf(req->arena, "page:%s", slug),
				   build_page, slug);
}

/* GET /api/v1/admin/pages: 200 a page of {slug,title,version,...}; 422. */
int cms_pages_admin_index(struct worker *w, struct http_request *req, struct http_response *res)
{
	struct page_cursor after = {0}, next = {.kind = 'G'};
	bool has_after = false;
	long limit = 0;
	PGresult *r = NULL;
	int rc = page_params(req, 50, 'G', 0, &limit, &after, &has_after);

	if (rc != SOUK_OK)
		return rc;
	const char *params[] = {has_after ? arena_printf(req->arena, "%lld", (long long)after.id)
					  : NULL,
				arena_printf(req->arena, "%ld", limit)};
	rc = db_exec(&w->db, req->arena, &page_admin_list, params, &r);
	if (rc != SOUK_OK)
		return rc;
	return page_respond(res, req->arena, PQgetvalue(r, 0, 0), PQgetvalue(r, 0, 1),
			    PQgetisnull(r, 0, 2) ? NULL : PQgetvalue(r, 0, 2), &next);
}

/* POST /api/v1/admin/pages {slug,title,blocks}: 201 the page (a draft, not
 * published); 409 when the slug is taken; 422. */
int cms_pages_admin_create(struct worker *w, struct http_request *req, struct http_response *res)
{
	struct page_input in = {0};
	const unsigned fields = 1u << FIELD_SLUG | 1u << FIELD_TITLE | 1u << FIELD_BLOCKS;
	int rc = page_read_body(w, req, fields, fields, &in);

	if (rc != SOUK_OK)
		return rc;
	const char *params[] = {in.slug, in.title, in.blocks, req->principal->user_id};
	rc = db_begin(&w->db, req->arena);
	if (rc != SOUK_OK)
		return rc;
	rc = db_exec(&w->db, req->arena, &page_insert, params, NULL);
	if (rc == SOUK_ECONFLICT)
		req->error_message = "A page with this slug exists.";
	if (rc == SOUK_OK)
		rc = page_audit(w, req, "page.create", in.slug, "1");
	rc = db_end(&w->db, req->arena, rc);
	if (rc != SOUK_OK)
		return rc;
	return page_answer_admin(w, req, res, 201, in.slug);
}

/* GET /api/v1/admin/pages/{slug}: 200 {slug,title,draft,published,version,
 * published_version,unpublished_changes,...}; 404. */
int cms_pages_admin_show(struct worker *w, struct http_request *req, struct http_response *res)
{
	return page_answer_admin(w, req, res, 200, http_path_param(req, "slug"));
}

/* PATCH /api/v1/admin/pages/{slug} {version, title?, slug?, blocks?}: 200 the
 * page with the next version; 404; 409 stale version or slug taken; 422. */
int cms_pages_admin_update(struct worker *w, struct http_request *req, struct http_response *res)
{
	const char *slug = http_path_param(req, "slug");
	struct page_input in = {0};
	PGresult *r = NULL;
	int rc = page_read_body(
	    w, req, 1u << FIELD_SLUG | 1u << FIELD_TITLE | 1u << FIELD_VERSION | 1u << FIELD_BLOCKS,
	    1u << FIELD_VERSION, &in);

	if (rc != SOUK_OK)
		return rc;
	const char *params[] = {slug,	   arena_printf(req->arena, "%lld", in.version),
				in.slug,   in.title,
				in.blocks, req->principal->user_id};
	rc = db_begin(&w->db, req->arena);
	if (rc != SOUK_OK)
		return rc;
	rc = db_exec(&w->db, req->arena, &page_update, params, &r);
	if (rc == SOUK_ECONFLICT)
		req->error_message = "A page with this slug exists.";
	else if (rc == SOUK_OK && PQntuples(r) == 0)
		rc = page_write_missed(w, req, slug);
	if (rc == SOUK_OK) {
		slug = arena_strdup(req->arena, PQgetvalue(r, 0, 0));
		rc = page_audit(w, req, "page.update", slug, PQgetvalue(r, 0, 1));
	}
	rc = catalog_commit(w, req->arena, rc);
	if (rc != SOUK_OK)
		return rc;
	return page_answer_admin(w, req, res, 200, slug);
}

/* GET /api/v1/admin/pages/{slug}/preview: 200 the draft as the site would
 * show it {slug,title,blocks,version}; 404. */
int cms_pages_admin_preview(struct worker *w, struct http_request *req, struct http_response *res)
{
	char *json = NULL;
	int rc =
	    page_find_rendered(w, req->arena, &page_preview, http_path_param(req, "slug"), &json);

	if (rc != SOUK_OK)
		return rc;
	http_response_body(res, 200, json, strlen(json));
	return SOUK_OK;
}

/* POST /api/v1/admin/pages/{slug}/publish {version}: 200 the page, its draft
 * now live; 404; 409 when the draft is no longer that version; 422. */
int cms_pages_admin_publish(struct worker *w, struct http_request *req, struct http_response *res)
{
	const char *slug = http_path_param(req, "slug");
	struct page_input in = {0};
	PGresult *r = NULL;
	int rc = page_read_body(w, req, 1u << FIELD_VERSION, 1u << FIELD_VERSION, &in);

	if (rc != SOUK_OK)
		return rc;
	const char *params[] = {slug, arena_printf(req->arena, "%lld", in.version),
				req->principal->user_id};
	rc = db_begin(&w->db, req->arena);
	if (rc != SOUK_OK)
		return rc;
	rc = db_exec(&w->db, req->arena, &page_publish, params, &r);
	if (rc == SOUK_OK && PQntuples(r) == 0)
		rc = page_write_missed(w, req, slug);
	if (rc == SOUK_OK)
		rc = page_audit(w, req, "page.publish", slug, PQgetvalue(r, 0, 0));
	rc = catalog_commit(w, req->arena, rc);
	if (rc != SOUK_OK)
		return rc;
	return page_answer_admin(w, req, res, 200, slug);
}

/* POST /api/v1/admin/pages/{slug}/unpublish: 200 the page, no longer served
 * (the draft and versions stay); 404. */
int cms_pages_admin_unpublish(struct worker *w, struct http_request *req, struct http_response *res)
{
	const char *slug = http_path_param(req, "slug");
	struct page_input in = {0};
	PGresult *r = NULL;
	int rc = page_read_body(w, req, 0, 0, &in);

	if (rc != SOUK_OK)
		return rc;
	const char *params[] = {slug, req->principal->user_id};
	rc = db_begin(&w->db, req->arena);
	if (rc != SOUK_OK)
		return rc;
	rc = db_exec(&w->db, req->arena, &page_unpublish, params, &r);
	if (rc == SOUK_OK && PQntuples(r) == 0)
		rc = SOUK_ENOTFOUND;
	if (rc == SOUK_OK)
		rc = page_audit(w, req, "page.unpublish", slug, NULL);
	rc = catalog_commit(w, req->arena, rc);
	if (rc != SOUK_OK)
		return rc;
	return page_answer_admin(w, req, res, 200, slug);
}

/* GET /api/v1/admin/pages/{slug}/versions: 200 a page of {version,title,
 * blocks (count),published,current,created_by,created_at}, newest first; 404. */
int cms_pages_admin_versions(struct worker *w, struct http_request *req, struct http_response *res)
{
	const char *slug = http_path_param(req, "slug");
	const char *filters[] = {slug};
	struct page_cursor after = {0}, next = {.kind = 'V'};
	bool has_after = false;
	long limit = 0;
	PGresult *r = NULL;
	int rc;

	next.fingerprint = page_fingerprint(filters, 1);
	rc = page_params(req, 50, 'V', next.fingerprint, &limit, &after, &has_after);
	if (rc != SOUK_OK)
		return rc;
	const char *exists[] = {slug};
	rc = db_exec(&w->db, req->arena, &page_exists, exists, &r);
	if (rc != SOUK_OK)
		return rc;
	if (PQntuples(r) == 0)
		return SOUK_ENOTFOUND;
	const char *params[] = {
	    slug, has_after ? arena_printf(req->arena, "%lld", (long long)after.id) : NULL,
	    arena_printf(req->arena, "%ld", limit)};
	rc = db_exec(&w->db, req->arena, &page_versions, params, &r);
	if (rc != SOUK_OK)
		return rc;
	return page_respond(res, req->arena, PQgetvalue(r, 0, 0), PQgetvalue(r, 0, 1),
			    PQgetisnull(r, 0, 2) ? NULL : PQgetvalue(r, 0, 2), &next);
}

/* GET /api/v1/admin/pages/{slug}/versions/{version}: 200 {version,title,
 * blocks,published,created_by,created_at}; 404. */
int cms_pages_admin_version(struct worker *w, struct http_request *req, struct http_response *res)
{
	const char *version = http_path_param(req, "version");
	char *end = NULL;
	long v = strtol(version, &end, 10);
	PGresult *r = NULL;
	int rc;

	if (*version == '\0' || *end != '\0' || v < 1 || v > 2147483647L)
		return SOUK_ENOTFOUND;
	const char *params[] = {http_path_param(req, "slug"), version};
	rc = db_exec(&w->db, req->arena, &page_version_get, params, &r);
	if (rc != SOUK_OK)
		return rc;
	return page_respond_row(res, r, 200);
}

/* POST /api/v1/admin/pages/{slug}/rollback {to_version, version}: the kept
 * version to_version becomes the draft (as a new version) and is published;
 * 200 the page; 404; 409 stale version; 422 (to_version unknown). */
int cms_pages_admin_rollback(struct worker *w, struct http_request *req, struct http_response *res)
{
	const char *slug = http_path_param(req, "slug");
	const unsigned fields = 1u << FIELD_VERSION | 1u << FIELD_TO_VERSION;
	struct page_input in = {0};
	PGresult *r = NULL;
	int rc = page_read_body(w, req, fields, fields, &in);

	if (rc != SOUK_OK)
		return rc;
	const char *version = arena_printf(req->arena, "%lld", in.version);
	const char *to = arena_printf(req->arena, "%lld", in.to_version);
	const char *params[] = {slug, version, to, req->principal->user_id};
	const char *check[] = {slug, to};
	rc = db_begin(&w->db, req->arena);
	if (rc != SOUK_OK)
		return rc;
	rc = db_exec(&w->db, req->arena, &page_rollback, params, &r);
	if (rc == SOUK_OK && PQntuples(r) == 0) {
		rc = db_exec(&w->db, req->arena, &page_version_get, check, &r);
		if (rc == SOUK_OK && PQntuples(r) == 0)
			rc = page_version_missing(w, req, slug);
		else if (rc == SOUK_OK)
			rc = page_write_missed(w, req, slug);
	}
	if (rc == SOUK_OK)
		rc = page_audit(w, req, "page.rollback", slug, to);
	rc = catalog_commit(w, req->arena, rc);
	if (rc != SOUK_OK)
		return rc;
	return page_answer_admin(w, req, res, 200, slug);
}
