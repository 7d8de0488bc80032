/*
 * blog.c - the blog: public list (tag, search, cursor pages), post by slug
 * and the RSS 2.0 and Atom feeds, all cached like the catalog; staff
 * (blog:write) create, edit, schedule, publish, archive and delete.
 *
 * A post's body is Markdown, rendered and sanitised on save (cms.h), with
 * its reading time and, unless the editor wrote one, an excerpt. Status as
 * the API shows it: draft, scheduled (stored as published with a future
 * published_at: it appears by itself when the time comes, see souk-jobs
 * "publish"), published, archived. Edits name the version they started from
 * (409 when stale).
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
#include "souk/log.h"
#include "souk/page.h"
#include "souk/redis.h"
#include "souk/str.h"
#include "souk/worker.h"

#define BLOG_EXCERPT_MAX 300

/* clang-format off */
#define POST_STATUS \
	"CASE WHEN b.status = 'published' AND b.published_at > now() THEN 'scheduled'" \
	" ELSE b.status END"
#define POST_AUTHOR \
	"(SELECT json_build_object('name', u.name) FROM users u WHERE u.id = b.author_id)"
#define POST_SUMMARY_JSON \
	"json_build_object('slug', b.slug, 'title', b.title, 'excerpt', b.excerpt," \
	" 'cover_image_url', b.cover_image_url, 'tags', b.tags, 'author', " POST_AUTHOR "," \
	" 'reading_minutes', b.reading_minutes, 'published_at', " DB_TS("b.published_at") ")"
#define POST_ADMIN_JSON \
	"json_build_object('id', b.public_id, 'slug', b.slug, 'title', b.title," \
	" 'excerpt', b.excerpt, 'body', b.body, 'body_html', b.body_html," \
	" 'cover_image_url', b.cover_image_url, 'tags', b.tags, 'status', " POST_STATUS "," \
	" 'author', " POST_AUTHOR ", 'reading_minutes', b.reading_minutes," \
	" 'version', b.version, 'published_at', " DB_TS("b.published_at") "," \
	" 'created_at', " DB_TS("b.created_at") ", 'updated_at', " DB_TS("b.updated_at") ")"
#define POST_VISIBLE "b.status = 'published' AND b.published_at <= now()"

/* newest first; the cursor holds (published_at in microseconds, id) */
static struct db_statement blog_public_list = {
	.name = "cms_blog_public_list",
	.sql = "SELECT coalesce(json_agg(x.item ORDER BY x.k1 DESC, x.k DESC)"
	       " FILTER (WHERE x.n <= $5::int), '[]')::text, count(*) > $5::int,"
	       " (array_agg(x.k ORDER BY x.k1, x.k) FILTER (WHERE x.n <= $5::int))[1],"
	       " (array_agg(x.k1 ORDER BY x.k1, x.k) FILTER (WHERE x.n <= $5::int))[1] FROM ("
	       " SELECT b.id AS k, (extract(epoch FROM b.published_at) * 1000000)::bigint AS k1,"
	       " row_number() OVER (ORDER BY b.published_at DESC, b.id DESC) AS n,"
	       " " POST_SUMMARY_JSON " AS item"
	       " FROM blog_posts b WHERE " POST_VISIBLE
	       " AND ($1::text IS NULL OR b.tags @> ARRAY[$1::text])"
	       " AND ($2::text IS NULL OR b.search_vector @@ websearch_to_tsquery('english', $2))"
	       " AND ($3::bigint IS NULL OR (b.published_at, b.id) <"
	       "  (to_timestamp($3::bigint / 1000000.0), $4::bigint))"
	       " ORDER BY b.published_at DESC, b.id DESC LIMIT $5::int + 1) x",
	.nparams = 5,
	.flags = DB_READONLY | DB_CUSTOM_PLAN,
};

static struct db_statement blog_public_get = {
	.name = "cms_blog_public_get",
	.sql = "SELECT b.id, b.body, b.body_html IS NULL,"
	       " json_build_object('slug', b.slug, 'title', b.title, 'excerpt', b.excerpt,"
	       " 'body_html', coalesce(b.body_html, ''), 'cover_image_url', b.cover_image_url,"
	       " 'tags', b.tags, 'author', " POST_AUTHOR ", 'reading_minutes', b.reading_minutes,"
	       " 'published_at', " DB_TS("b.published_at") ", 'updated_at', " DB_TS("b.updated_at") ")::text"
	       " FROM blog_posts b WHERE b.slug = $1 AND " POST_VISIBLE,
	.nparams = 1,
	.flags = DB_READONLY,
};

/* a post written by SQL (the seed) gets its html at its first reading */
static struct db_statement blog_fill_html = {
	.name = "cms_blog_fill_html",
	.sql = "UPDATE blog_posts SET body_html = $2, reading_minutes = $3::int"
	       " WHERE id = $1::bigint AND body_html IS NULL",
	.nparams = 3,
};

static struct db_statement blog_feed = {
	.name = "cms_blog_feed",
	.sql = "SELECT b.slug, b.title, b.excerpt, coalesce(b.body_html, ''),"
	       " to_char(b.published_at AT TIME ZONE 'UTC', 'Dy, DD Mon YYYY HH24:MI:SS \"+0000\"'),"
	       " " DB_TS("b.published_at") ", " DB_TS("b.updated_at") ","
	       " coalesce((SELECT u.name FROM users u WHERE u.id = b.author_id), ''), b.tags::text,"
	       " b.public_id, b.body"
	       " FROM blog_posts b WHERE " POST_VISIBLE
	       " ORDER BY b.published_at DESC, b.id DESC LIMIT 20",
	.nparams = 0,
	.flags = DB_READONLY,
};

static struct db_statement blog_admin_list = {
	.name = "cms_blog_admin_list",
	.sql = "SELECT coalesce(json_agg(x.item ORDER BY x.k DESC) FILTER (WHERE x.n <= $3::int),"
	       " '[]')::text, count(*) > $3::int, min(x.k) FILTER (WHERE x.n <= $3::int) FROM ("
	       " SELECT b.id AS k, row_number() OVER (ORDER BY b.id DESC) AS n,"
	       " json_build_object('id', b.public_id, 'slug', b.slug, 'title', b.title,"
	       "  'status', " POST_STATUS ", 'tags', b.tags, 'version', b.version,"
	       "  'published_at', " DB_TS("b.published_at") ","
	       "  'updated_at', " DB_TS("b.updated_at") ") AS item"
	       " FROM blog_posts b"
	       " WHERE ($1::text IS NULL OR " POST_STATUS " = $1)"
	       " AND ($2::bigint IS NULL OR b.id < $2::bigint)"
	       " ORDER BY b.id DESC LIMIT $3::int + 1) x",
	.nparams = 3,
	.flags = DB_READONLY | DB_CUSTOM_PLAN,
};

static struct db_statement blog_admin_get = {
	.name = "cms_blog_admin_get",
	.sql = "SELECT " POST_ADMIN_JSON "::text FROM blog_posts b WHERE b.public_id = $1::uuid",
	.nparams = 1,
	.flags = DB_READONLY,
};

static struct db_statement blog_insert = {
	.name = "cms_blog_insert",
	.sql = "INSERT INTO blog_posts (slug, title, excerpt, body, body_html, reading_minutes,"
	       " cover_image_url, tags, status, published_at, author_id)"
	       " VALUES ($1, $2, $3, $4, $5, $6::int, $7, coalesce($8::text[], '{}'), $9,"
	       " CASE WHEN $9 = 'published' THEN coalesce($10::timestamptz, now())"
	       " ELSE $10::timestamptz END, $11::bigint)"
	       " RETURNING public_id",
	.nparams = 11,
};

/* members given as NULL keep their value; $12/$13 say whether the nullable
 * cover and published_at were given (a null clears them) */
static struct db_statement blog_update = {
	.name = "cms_blog_update",
	.sql = "UPDATE blog_posts SET slug = coalesce($3, slug), title = coalesce($4, title),"
	       " excerpt = coalesce($5, excerpt), body = coalesce($6, body),"
	       " body_html = coalesce($7, body_html), reading_minutes = coalesce($8::int, reading_minutes),"
	       " cover_image_url = CASE WHEN $12::boolean THEN $9 ELSE cover_image_url END,"
	       " tags = coalesce($10::text[], tags), status = coalesce($11, status),"
	       " published_at = CASE WHEN $13::boolean THEN coalesce($14::timestamptz,"
	       "  CASE WHEN coalesce($11, status) = 'published' THEN now() END)"
	       "  WHEN coalesce($11, status) = 'published' THEN coalesce(published_at, now())"
	       "  ELSE published_at END,"
	       " version = version + 1"
	       " WHERE public_id = $1::uuid AND version = $2::int RETURNING version",
	.nparams = 14,
};

static struct db_statement blog_version_now = {
	.name = "cms_blog_version_now",
	.sql = "SELECT version FROM blog_posts WHERE public_id = $1::uuid",
	.nparams = 1,
};

static struct db_statement blog_delete = {
	.name = "cms_blog_delete",
	.sql = "DELETE FROM blog_posts WHERE public_id = $1::uuid RETURNING slug",
	.nparams = 1,
};

static struct db_statement blog_time_past = {
	.name = "cms_blog_time_past",
	.sql = "SELECT $1::timestamptz <= now()",
	.nparams = 1,
	.flags = DB_READONLY,
};

/* posts written by SQL (the seed, an import) that nobody has read yet */
static struct db_statement blog_unrendered = {
	.name = "cms_blog_unrendered",
	.sql = "SELECT id, body FROM blog_posts WHERE body_html IS NULL ORDER BY id LIMIT 50",
	.nparams = 0,
	.flags = DB_READONLY,
};

/* souk-jobs publish: posts that became visible since the last run */
static struct db_statement blog_due = {
	.name = "cms_blog_due",
	.sql = "SELECT count(*) FILTER (WHERE b.published_at > to_timestamp($1::double precision)),"
	       " extract(epoch FROM now())::text FROM blog_posts b"
	       " WHERE b.status = 'published' AND b.published_at <= now()"
	       " AND b.published_at > to_timestamp($1::double precision)",
	.nparams = 1,
	.flags = DB_READONLY,
};
/* clang-format on */

/* ------------------------------------------------------------------------
 * Public reads
 * ------------------------------------------------------------------------ */

struct blog_query {
	const char *tag, *q;
	long limit;
	struct page_cursor after;
	bool has_after;
	uint32_t fingerprint;
};

static int build_list(struct worker *w, struct http_request *req, const void *arg, char **json)
{
	const struct blog_query *bq = arg;
	struct page_cursor next = {.kind = 'B', .fingerprint = bq->fingerprint};
	PGresult *r = NULL;
	const char *params[] = {
	    bq->tag, bq->q,
	    bq->has_after ? arena_printf(req->arena, "%lld", (long long)bq->after.k1) : NULL,
	    bq->has_after ? arena_printf(req->arena, "%lld", (long long)bq->after.id) : NULL,
	    arena_printf(req->arena, "%ld", bq->limit)};
	int rc = db_exec(&w->db, req->arena, &blog_public_list, params, &r);

	if (rc != SOUK_OK)
		return rc;
	if (strcmp(PQgetvalue(r, 0, 1), "t") == 0) {
		next.id = strtoll(PQgetvalue(r, 0, 2), NULL, 10);
		next.k1 = strtoll(PQgetvalue(r, 0, 3), NULL, 10);
		*json = page_document(req->arena, PQgetvalue(r, 0, 0), &next);
	} else {
		*json = page_document(req->arena, PQgetvalue(r, 0, 0), NULL);
	}
	return SOUK_OK;
}

/* GET /api/v1/blog?tag=&q=&limit=&cursor=: 200 a page of post summaries,
 * newest first; 422 on a bad tag, query or cursor. */
int cms_blog_index(struct worker *w, struct http_request *req, struct http_response *res)
{
	struct blog_query bq = {.tag = http_query(req, "tag"), .q = http_query(req, "q")};
	const char *filters[2];
	bool bad = false;
	int rc;

	if (bq.tag != NULL && (!validate_slug(bq.tag) || strlen(bq.tag) > 100))
		bad = http_field_error(req, "tag", "must be a tag (a slug)");
	if (bq.q != NULL && (utf8_length(bq.q) > 200 || !str_is_utf8(bq.q, strlen(bq.q))))
		bad = http_field_error(req, "q", "must be at most 200 characters");
	if (bq.q != NULL && *str_trim(arena_strdup(req->arena, bq.q)) == '\0')
		bq.q = NULL;
	filters[0] = bq.tag;
	filters[1] = bq.q;
	bq.fingerprint = page_fingerprint(filters, 2);
	rc = page_params(req, 12, 'B', bq.fingerprint, &bq.limit, &bq.after, &bq.has_after);
	if (bad || rc != SOUK_OK)
		return SOUK_EINVALID;
	/* the key from what was understood, so made-up parameters make no new key */
	return catalog_cached_read(w, req, res,
				   arena_printf(req->arena, "blog:list:%s|%s|%ld|%s",
						bq.tag ? bq.tag : "", bq.q ? bq.q : "", bq.limit,
						bq.has_after ? http_query(req, "cursor") : ""),
				   build_list, &bq);
}

/* The reading time of markdown. */
static int reading_minutes(struct arena *a, const char *markdown)
{
	return cms_reading_minutes(cms_word_count(cms_markdown_text(a, markdown)));
}

static int build_post(struct worker *w, struct http_request *req, const void *arg, char **json)
{
	const char *params[] = {arg};
	PGresult *r = NULL;
	cJSON *doc;
	const char *why = NULL;
	char *html = NULL;
	int rc = db_exec(&w->db, req->arena, &blog_public_get, params, &r);

	if (rc != SOUK_OK)
		return rc;
	if (PQntuples(r) == 0)
		return SOUK_ENOTFOUND;
	if (strcmp(PQgetvalue(r, 0, 2), "f") == 0) {
		*json = PQgetvalue(r, 0, 3);
		return SOUK_OK;
	}
	rc = json_parse_object(req->arena, PQgetvalue(r, 0, 3), (size_t)PQgetlength(r, 0, 3), &doc,
			       &why);
	if (rc != SOUK_OK)
		return SOUK_EINTERNAL;
	rc = cms_markdown_html(req->arena, PQgetvalue(r, 0, 1), w->config->public_url, &html);
	if (rc != SOUK_OK)
		return SOUK_EINTERNAL;
	const char *minutes =
	    arena_printf(req->arena, "%d", reading_minutes(req->arena, PQgetvalue(r, 0, 1)));
	const char *fill[] = {PQgetvalue(r, 0, 0), html, minutes};
	/* a cache of work done: a failure to keep it is not the reader's */
	(void)db_exec(&w->db, req->arena, &blog_fill_html, fill, NULL);
	cJSON_ReplaceItemInObjectCaseSensitive(doc, "body_html", cJSON_CreateString(html));
	cJSON_ReplaceItemInObjectCaseSensitive(doc, "reading_minutes",
					       cJSON_CreateNumber(atoi(minutes)));
	*json = json_print(req->arena, doc);
	return SOUK_OK;
}

/* GET /api/v1/blog/{slug}: 200 the post with body_html; 404 when there is
 * no such visible post (drafts, scheduled and archived ones included). */
int cms_blog_show(struct worker *w, struct http_request *req, struct http_response *res)
{
	const char *slug = http_path_param(req, "slug");

	if (!validate_slug(slug) || strlen(slug) > 100)
		return SOUK_ENOTFOUND;
	return catalog_cached_read(w, req, res, arena_printf(req->arena, "blog:post:%s", slug),
				   build_post, slug);
}

/* ------------------------------------------------------------------------
 * Feeds: RSS 2.0 and Atom, the 20 newest posts
 * ------------------------------------------------------------------------ */

/* The html of a post for a feed: stored, or rendered now (not stored). */
static const char *feed_html(struct worker *w, struct arena *a, const PGresult *r, int i)
{
	char *html = NULL;

	if (PQgetlength(r, i, 3) > 0)
		return PQgetvalue(r, i, 3);
	if (cms_markdown_html(a, PQgetvalue(r, i, 10), w->config->public_url, &html) != SOUK_OK)
		return "";
	return html;
}

static int build_feed(struct worker *w, struct http_request *req, const void *arg, char **out)
{
	bool atom = strcmp(arg, "atom") == 0;
	const char *site = str_html_escape(req->arena, w->config->public_url);
	const char *name = str_html_escape(req->arena, w->config->shop_name);
	/* a feed of 20 posts; each body at most 1 MB of html */
	struct buf *b = buf_in_arena(req->arena, 64L * 1024 * 1024);
	int grow = SOUK_OK;
	PGresult *r = NULL;
	int rc = db_exec(&w->db, req->arena, &blog_feed, NULL, &r);

	if (rc != SOUK_OK)
		return rc;
	buf_appends_chained(b, &grow, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
	if (atom) {
		buf_appends_chained(
		    b, &grow,
		    arena_printf(req->arena,
				 "<feed xmlns=\"http://www.w3.org/2005/Atom\">\n"
				 "<title>%s blog</title>\n<id>%s/blog</id>\n"
				 "<link rel=\"alternate\" href=\"%s/blog\"/>\n"
				 "<link rel=\"self\" href=\"%s/blog/atom.xml\"/>\n"
				 "<updated>%s</updated>\n",
				 name, site, site, site,
				 PQntuples(r) > 0 ? PQgetvalue(r, 0, 6) : "1970-01-01T00:00:00Z"));
	} else {
		buf_appends_chained(
		    b, &grow,
		    arena_printf(req->arena,
				 "<rss version=\"2.0\" "
				 "xmlns:atom=\"http://www.w3.org/2005/Atom\">\n<channel>\n"
				 "<title>%s blog</title>\n<link>%s/blog</link>\n"
				 "<description>News and guides from %s</description>\n"
				 "<atom:link href=\"%s/blog/rss.xml\" rel=\"self\" "
				 "type=\"application/rss+xml\"/>\n",
				 name, site, name, site));
	}
	for (int i = 0; i < PQntuples(r); i++) {
		const char *link =
		    arena_printf(req->arena, "%s/blog/%s", site, PQgetvalue(r, i, 0));
		const char *title = str_html_escape(req->arena, PQgetvalue(r, i, 1));
		const char *summary = str_html_escape(req->arena, PQgetvalue(r, i, 2));
		const char *html = str_html_escape(req->arena, feed_html(w, req->arena, r, i));
		const char *author = str_html_escape(req->arena, PQgetvalue(r, i, 7));

		if (atom)
			buf_appends_chained(
			    b, &grow,
			    arena_printf(req->arena,
					 "<entry>\n<title>%s</title>\n<id>urn:uuid:%s</id>\n"
					 "<link rel=\"alternate\" href=\"%s\"/>\n"
					 "<published>%s</published>\n<updated>%s</updated>\n"
					 "<author><name>%s</name></author>\n"
					 "<summary>%s</summary>\n"
					 "<content type=\"html\">%s</content>\n</entry>\n",
					 title, PQgetvalue(r, i, 9), link, PQgetvalue(r, i, 5),
					 PQgetvalue(r, i, 6), *author ? author : name, summary,
					 html));
		else
			buf_appends_chained(
			    b, &grow,
			    arena_printf(req->arena,
					 "<item>\n<title>%s</title>\n<link>%s</link>\n"
					 "<guid isPermaLink=\"false\">urn:uuid:%s</guid>\n"
					 "<pubDate>%s</pubDate>\n<description>%s</description>\n"
					 "</item>\n",
					 title, link, PQgetvalue(r, i, 9), PQgetvalue(r, i, 4),
					 html));
	}
	buf_appends_chained(b, &grow, atom ? "</feed>\n" : "</channel>\n</rss>\n");
	if (grow != SOUK_OK)
		return SOUK_EINTERNAL; /* past the cap */
	*out = b->data;
	return SOUK_OK;
}

static int feed_answer(struct worker *w, struct http_request *req, struct http_response *res,
		       const char *kind, const char *content_type)
{
	int rc = catalog_cached_read(w, req, res, arena_printf(req->arena, "blog:feed:%s", kind),
				     build_feed, kind);

	if (rc == SOUK_OK)
		http_response_content_type(res, content_type);
	return rc;
}

/* GET /api/v1/blog/feed/rss (nginx: /blog/rss.xml): 200 RSS 2.0. */
int cms_blog_rss(struct worker *w, struct http_request *req, struct http_response *res)
{
	return feed_answer(w, req, res, "rss", "application/rss+xml; charset=utf-8");
}

/* GET /api/v1/blog/feed/atom (nginx: /blog/atom.xml): 200 Atom. */
int cms_blog_atom(struct worker *w, struct http_request *req, struct http_response *res)
{
	return feed_answer(w, req, res, "atom", "application/atom+xml; charset=utf-8");
}

/* ------------------------------------------------------------------------
 * Staff
 * ------------------------------------------------------------------------ */

static const struct validate_field post_fields[] = {
    {"title", VALIDATE_STRING, 0, 1, 200, VALIDATE_NO_STORE},
    {"slug", VALIDATE_SLUG, 0, 1, 100, VALIDATE_NO_STORE},
    {"excerpt", VALIDATE_TEXT, 0, 0, 1000, VALIDATE_NO_STORE},
    {"body", VALIDATE_TEXT, 0, 0, 200000, VALIDATE_NO_STORE},
    {"cover_image_url", VALIDATE_URL, VALIDATE_NULLABLE, 1, 2000, VALIDATE_NO_STORE},
    {"tags", VALIDATE_SLUG_LIST, 0, 0, 20, VALIDATE_NO_STORE},
    {"status", VALIDATE_STRING, 0, 1, 20, VALIDATE_NO_STORE},
    {"published_at", VALIDATE_STRING, VALIDATE_NULLABLE, 1, 40, VALIDATE_NO_STORE},
    {"version", VALIDATE_INT, 0, 1, 2147483647LL, VALIDATE_NO_STORE},
};

/* What a create or update stores, as statement parameters (NULL = absent). */
struct post_values {
	const char *title, *slug, *excerpt, *body, *body_html, *minutes, *cover, *tags, *status,
	    *published_at, *version;
	bool cover_given, published_at_given;
};

static const char *member(const cJSON *normal, const char *name)
{
	return cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(normal, name));
}

/* tags as a PostgreSQL array literal (slugs need no quoting), or NULL */
static const char *tags_literal(struct arena *a, const cJSON *list)
{
	const cJSON *t;
	char *out = "{";

	if (!cJSON_IsArray(list))
		return NULL;
	cJSON_ArrayForEach(t, list) out =
	    arena_printf(a, "%s%s%s", out, t == list->child ? "" : ",", t->valuestring);
	return arena_printf(a, "%s}", out);
}

/* Whether t (RFC 3339) is not in the future; a database failure counts as
 * past, so nothing is scheduled on a guess. */
static bool time_is_past(struct worker *w, struct http_request *req, const char *t)
{
	const char *params[] = {t};
	PGresult *r = NULL;

	if (db_exec(&w->db, req->arena, &blog_time_past, params, &r) != SOUK_OK)
		return true;
	return strcmp(PQgetvalue(r, 0, 0), "f") != 0;
}

/*
 * Validates a post body into *v. creating: title and body required, a slug
 * made from the title when absent. A status "scheduled" needs a future
 * published_at and is stored as published. SOUK_OK, SOUK_EINVALID (fields on
 * req) or another error.
 */
static int post_read(struct worker *w, struct http_request *req, bool creating,
		     struct post_values *v)
{
	struct validate_result result = {0};
	const char *status;
	const cJSON *version;
	int rc = HTTP_VALIDATE(req, post_fields, NULL, &result);
	/* go on after a problem: the client sees every one at once */
	bool bad = rc == SOUK_EINVALID;

	if (rc != SOUK_OK && rc != SOUK_EINVALID)
		return rc;
	v->title = member(result.normal, "title");
	v->slug = member(result.normal, "slug");
	v->excerpt = member(result.normal, "excerpt");
	v->body = member(result.normal, "body");
	v->cover = member(result.normal, "cover_image_url");
	v->cover_given = cJSON_GetObjectItemCaseSensitive(result.normal, "cover_image_url") != NULL;
	v->tags = tags_literal(req->arena, cJSON_GetObjectItemCaseSensitive(result.normal, "tags"));
	v->published_at = member(result.normal, "published_at");
	v->published_at_given =
	    cJSON_GetObjectItemCaseSensitive(result.normal, "published_at") != NULL;
	version = cJSON_GetObjectItemCaseSensitive(result.normal, "version");
	if (version != NULL)
		v->version = arena_printf(req->arena, "%lld", (long long)version->valuedouble);
	status = member(result.normal, "status");
	if (creating && v->title == NULL && !cJSON_HasObjectItem(req->json, "title"))
		bad = http_field_error(req, "title", "is required");
	if (creating && v->body == NULL && !cJSON_HasObjectItem(req->json, "body"))
		bad = http_field_error(req, "body", "is required");
	if (creating && version != NULL)
		bad = http_field_error(req, "version", "is not a field of this request");
	if (!creating && version == NULL)
		bad = http_field_error(req, "version", "is required");
	if (v->published_at != NULL && !str_is_rfc3339(v->published_at))
		bad = http_field_error(req, "published_at",
				       "must be an RFC 3339 time such as 2026-12-31T09:00:00Z");
	if (status != NULL && strcmp(status, "draft") != 0 && strcmp(status, "published") != 0 &&
	    strcmp(status, "archived") != 0 && strcmp(status, "scheduled") != 0)
		bad = http_field_error(req, "status",
				       "must be draft, scheduled, published or archived");
	if (status != NULL && strcmp(status, "scheduled") == 0) {
		if (v->published_at == NULL)
			bad =
			    http_field_error(req, "published_at", "is required to schedule a post");
		else if (!bad && time_is_past(w, req, v->published_at))
			bad = http_field_error(req, "published_at",
					       "must be in the future to schedule a post");
		status = "published";
	}
	if (bad)
		return SOUK_EINVALID;
	v->status = status != NULL ? status : creating ? "draft" : NULL;
	if (creating && v->slug == NULL)
		v->slug = catalog_slugify(req->arena, v->title);
	if (v->body != NULL) {
		char *html = NULL, *text;

		rc = cms_markdown_html(req->arena, v->body, w->config->public_url, &html);
		if (rc != SOUK_OK)
			return http_field_error(req, "body", "must be valid UTF-8 Markdown");
		v->body_html = html;
		text = cms_markdown_text(req->arena, v->body);
		v->minutes =
		    arena_printf(req->arena, "%d", cms_reading_minutes(cms_word_count(text)));
		if (v->excerpt == NULL && creating)
			v->excerpt = cms_cut_words(req->arena, text, BLOG_EXCERPT_MAX);
	}
	if (creating && v->excerpt == NULL)
		v->excerpt = "";
	return SOUK_OK;
}

static int post_answer(struct worker *w, struct http_request *req, struct http_response *res,
		       int status, const char *id)
{
	const char *params[] = {id};
	PGresult *r = NULL;
	int rc = db_exec(&w->db, req->arena, &blog_admin_get, params, &r);

	if (rc != SOUK_OK)
		return rc;
	return page_respond_row(res, r, status);
}

static int post_audit(struct worker *w, struct http_request *req, const char *action,
		      const char *id, const char *status)
{
	cJSON *data = json_new_object(req->arena);

	if (status != NULL)
		cJSON_AddStringToObject(data, "status", status);
	return audit_record(&w->db, req->arena, req->principal->user_id, action, "blog_post", id,
			    data, req->remote_addr);
}

/* GET /api/v1/admin/blog?status=: 200 a page of posts, newest first; 422. */
int cms_blog_admin_index(struct worker *w, struct http_request *req, struct http_response *res)
{
	const char *status = http_query(req, "status");
	const char *filters[] = {status};
	struct page_cursor after = {0}, next = {.kind = 'b'};
	bool has_after = false, bad = false;
	long limit = 0;
	PGresult *r = NULL;
	int rc;

	if (status != NULL && strcmp(status, "draft") != 0 && strcmp(status, "scheduled") != 0 &&
	    strcmp(status, "published") != 0 && strcmp(status, "archived") != 0)
		bad = http_field_error(req, "status",
				       "must be draft, scheduled, published or archived");
	next.fingerprint = page_fingerprint(filters, 1);
	rc = page_params(req, 50, 'b', next.fingerprint, &limit, &after, &has_after);
	if (bad || rc != SOUK_OK)
		return SOUK_EINVALID;
	const char *params[] = {
	    status, has_after ? arena_printf(req->arena, "%lld", (long long)after.id) : NULL,
	    arena_printf(req->arena, "%ld", limit)};
	rc = db_exec(&w->db, req->arena, &blog_admin_list, params, &r);
	if (rc != SOUK_OK)
		return rc;
	return page_respond(res, req->arena, PQgetvalue(r, 0, 0), PQgetvalue(r, 0, 1),
			    PQgetisnull(r, 0, 2) ? NULL : PQgetvalue(r, 0, 2), &next);
}

/* POST /api/v1/admin/blog {title, body, slug?, excerpt?, cover_image_url?,
 * tags?, status?, published_at?}: 201 the post; 409 slug taken; 422. */
int cms_blog_admin_create(struct worker *w, struct http_request *req, struct http_response *res)
{
	struct post_values v = {0};
	PGresult *r = NULL;
	const char *id;
	int rc = post_read(w, req, true, &v);

	if (rc != SOUK_OK)
		return rc;
	const char *params[] = {v.slug,
				v.title,
				v.excerpt,
				v.body,
				v.body_html,
				v.minutes,
				v.cover,
				v.tags,
				v.status,
				v.published_at,
				req->principal->user_id};
	rc = db_begin(&w->db, req->arena);
	if (rc != SOUK_OK)
		return rc;
	rc = db_exec(&w->db, req->arena, &blog_insert, params, &r);
	if (rc == SOUK_ECONFLICT)
		req->error_message = "A post with this slug exists.";
	id = rc == SOUK_OK ? arena_strdup(req->arena, PQgetvalue(r, 0, 0)) : NULL;
	if (rc == SOUK_OK)
		rc = post_audit(w, req, "blog.create", id, v.status);
	rc = catalog_commit(w, req->arena, rc);
	if (rc != SOUK_OK)
		return rc;
	return post_answer(w, req, res, 201, id);
}

/* GET /api/v1/admin/blog/{id}: 200 the post (body, body_html, status,
 * version, ...); 404. */
int cms_blog_admin_show(struct worker *w, struct http_request *req, struct http_response *res)
{
	const char *id = http_path_param(req, "id");

	if (!validate_uuid(id))
		return SOUK_ENOTFOUND;
	return post_answer(w, req, res, 200, id);
}

/* PATCH /api/v1/admin/blog/{id} {version, ...the create fields}: 200 the
 * post; 404; 409 stale version or slug taken; 422. */
int cms_blog_admin_update(struct worker *w, struct http_request *req, struct http_response *res)
{
	const char *id = http_path_param(req, "id");
	struct post_values v = {0};
	PGresult *r = NULL;
	int rc;

	if (!validate_uuid(id))
		return SOUK_ENOTFOUND;
	rc = post_read(w, req, false, &v);
	if (rc != SOUK_OK)
		return rc;
	const char *params[] = {id,
				v.version,
				v.slug,
				v.title,
				v.excerpt,
				v.body,
				v.body_html,
				v.minutes,
				v.cover,
				v.tags,
				v.status,
				v.cover_given ? "true" : "false",
				v.published_at_given ? "true" : "false",
				v.published_at};
	rc = db_begin(&w->db, req->arena);
	if (rc != SOUK_OK)
		return rc;
	rc = db_exec(&w->db, req->arena, &blog_update, params, &r);
	if (rc == SOUK_ECONFLICT) {
		req->error_message = "A post with this slug exists.";
	} else if (rc == SOUK_OK && PQntuples(r) == 0) {
		const char *now[] = {id};

		rc = db_exec(&w->db, req->arena, &blog_version_now, now, &r);
		if (rc == SOUK_OK && PQntuples(r) == 0) {
			rc = SOUK_ENOTFOUND;
		} else if (rc == SOUK_OK) {
			req->error_message = arena_printf(
			    req->arena,
			    "Someone else changed this post: it is at version %s. Load it again "
			    "and redo your change.",
			    PQgetvalue(r, 0, 0));
			rc = SOUK_ECONFLICT;
		}
	}
	if (rc == SOUK_OK)
		rc = post_audit(w, req, "blog.update", id, v.status);
	rc = catalog_commit(w, req->arena, rc);
	if (rc != SOUK_OK)
		return rc;
	return post_answer(w, req, res, 200, id);
}

/* DELETE /api/v1/admin/blog/{id}: 204; 404. */
int cms_blog_admin_delete(struct worker *w, struct http_request *req, struct http_response *res)
{
	const char *id = http_path_param(req, "id");
	const char *params[] = {id};
	PGresult *r = NULL;
	int rc;

	if (!validate_uuid(id))
		return SOUK_ENOTFOUND;
	rc = db_begin(&w->db, req->arena);
	if (rc != SOUK_OK)
		return rc;
	rc = db_exec(&w->db, req->arena, &blog_delete, params, &r);
	if (rc == SOUK_OK && PQntuples(r) == 0)
		rc = SOUK_ENOTFOUND;
	if (rc == SOUK_OK)
		rc = post_audit(w, req, "blog.delete", id, NULL);
	rc = catalog_commit(w, req->arena, rc);
	if (rc != SOUK_OK)
		return rc;
	http_response_empty(res, 204);
	return SOUK_OK;
}

/* Redis: the database time up to which scheduled posts have been shown */
#define PUBLISHED_THROUGH_KEY "blog:published_through"

int cms_blog_publish_due(struct worker *w, struct arena *a, long *count)
{
	const char *get[] = {"GET", PUBLISHED_THROUGH_KEY};
	redisReply *reply = NULL;
	PGresult *r = NULL;
	bool known;
	int rc = redis_command(&w->redis, a, &reply, 1, 2, get, NULL);

	if (rc != SOUK_OK)
		return rc;
	known = reply->type == REDIS_REPLY_STRING;
	const char *params[] = {known ? reply->str : "0"};
	rc = db_exec(&w->db, a, &blog_due, params, &r);
	if (rc != SOUK_OK)
		return rc;
	*count = strtol(PQgetvalue(r, 0, 0), NULL, 10);
	const char *now = PQgetvalue(r, 0, 1);
	/* give rows written by SQL their html and reading time, so lists show it */
	rc = db_exec(&w->db, a, &blog_unrendered, NULL, &r);
	long filled = 0;
	for (int i = 0; rc == SOUK_OK && i < PQntuples(r); i++) {
		char *html = NULL;
		const char *body = PQgetvalue(r, i, 1);

		/* a row that cannot be rendered or stored is skipped, never a
		 * reason to stop showing scheduled posts */
		if (cms_markdown_html(a, body, w->config->public_url, &html) != SOUK_OK) {
			log_msg(LOG_WARN, "blog post %s: its Markdown cannot be rendered",
				PQgetvalue(r, i, 0));
			continue;
		}
		const char *fill[] = {PQgetvalue(r, i, 0), html,
				      arena_printf(a, "%d", reading_minutes(a, body))};
		if (db_exec(&w->db, a, &blog_fill_html, fill, NULL) == SOUK_OK)
			filled++;
		else
			log_msg(LOG_WARN, "blog post %s: its html cannot be stored",
				PQgetvalue(r, i, 0));
	}
	if (rc != SOUK_OK)
		return rc;
	/* no mark (a new or flushed Redis): retire the pages once to be sure */
	if (*count > 0 || !known || filled > 0)
		catalog_changed(w, a);
	const char *set[] = {"SET", PUBLISHED_THROUGH_KEY, now};
	return redis_command(&w->redis, a, &reply, 1, 3, set, NULL);
}
