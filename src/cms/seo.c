/*
 * seo.c - what search engines and link previews see.
 *
 * A path of the site resolves to its meta: title and description from the
 * rule of its scope (seo_rules: product, category, blog_post, page, site;
 * built-in defaults when a scope has no enabled rule), cut at a word
 * boundary (title <= 60, description <= 160 characters), the canonical URL,
 * robots (noindex for account pages, search results and what does not
 * exist), Open Graph and Twitter cards, and JSON-LD (Product with Offer and
 * AggregateRating, BlogPosting, Organization, WebSite with SearchAction,
 * BreadcrumbList). Served as JSON (GET /api/v1/seo?path=), and in the head
 * of the front end's index.html for crawlers that run no JavaScript (nginx
 * sends /, /products/{slug}, /blog/{slug} and /pages/{slug} here). Also the
 * sitemap (an index of parts of at most 50,000 URLs) and robots.txt. Every
 * public answer is cached like the catalog and retired by any edit.
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
#include "souk/fileutil.h"
#include "souk/http.h"
#include "souk/json.h"
#include "souk/str.h"
#include "souk/worker.h"

#define TITLE_MAX 60
#define DESCRIPTION_MAX 160
#define SITEMAP_PART_MAX 50000L
#define SHELL_MAX (1024 * 1024)
#define VARS_MAX 12

/* clang-format off */
static struct db_statement rule_get = {
	.name = "cms_seo_rule_get",
	.sql = "SELECT title_template, description_template, canonical_template, robots"
	       " FROM seo_rules WHERE scope = $1 AND enabled",
	.nparams = 1,
	.flags = DB_READONLY,
};

static struct db_statement rules_list = {
	.name = "cms_seo_rules_list",
	.sql = "SELECT coalesce(json_agg(json_build_object('scope', scope,"
	       " 'title_template', title_template, 'description_template', description_template,"
	       " 'canonical_template', canonical_template, 'robots', robots, 'enabled', enabled,"
	       " 'updated_at', " DB_TS("updated_at") ") ORDER BY id), '[]')::text FROM seo_rules",
	.nparams = 0,
	.flags = DB_READONLY,
};

static struct db_statement rule_upsert = {
	.name = "cms_seo_rule_upsert",
	.sql = "INSERT INTO seo_rules (scope, title_template, description_template,"
	       " canonical_template, robots, enabled)"
	       " VALUES ($1, $2, coalesce($3, ''), coalesce($4, ''), coalesce($5, 'index,follow'),"
	       " coalesce($6::boolean, true))"
	       " ON CONFLICT (scope) DO UPDATE SET title_template = EXCLUDED.title_template,"
	       " description_template = EXCLUDED.description_template,"
	       " canonical_template = EXCLUDED.canonical_template, robots = EXCLUDED.robots,"
	       " enabled = EXCLUDED.enabled"
	       " RETURNING json_build_object('scope', scope, 'title_template', title_template,"
	       " 'description_template', description_template,"
	       " 'canonical_template', canonical_template, 'robots', robots, 'enabled', enabled,"
	       " 'updated_at', " DB_TS("updated_at") ")::text",
	.nparams = 6,
};

static struct db_statement rule_delete = {
	.name = "cms_seo_rule_delete",
	.sql = "DELETE FROM seo_rules WHERE scope = $1 RETURNING id",
	.nparams = 1,
};

static struct db_statement post_meta = {
	.name = "cms_seo_post",
	.sql = "SELECT b.title, b.excerpt, b.cover_image_url, " DB_TS("b.published_at") ","
	       " " DB_TS("b.updated_at") ", coalesce((SELECT u.name FROM users u"
	       " WHERE u.id = b.author_id), ''), array_to_string(b.tags, ', ')"
	       " FROM blog_posts b WHERE b.slug = $1 AND b.status = 'published'"
	       " AND b.published_at <= now()",
	.nparams = 1,
	.flags = DB_READONLY,
};

/* the page's published title, and the first text of its published blocks */
static struct db_statement page_meta = {
	.name = "cms_seo_page",
	.sql = "SELECT coalesce(v.title, p.title), coalesce((SELECT coalesce(b ->> 'subheading',"
	       " b ->> 'text', b ->> 'heading', b ->> 'markdown')"
	       " FROM jsonb_array_elements(p.published -> 'blocks') b"
	       " WHERE coalesce(b ->> 'subheading', b ->> 'text', b ->> 'markdown') IS NOT NULL"
	       " LIMIT 1), ''), " DB_TS("p.updated_at")
	       " FROM cms_pages p LEFT JOIN cms_page_versions v"
	       " ON v.page_id = p.id AND v.version = p.published_version"
	       " WHERE p.slug = $1 AND p.published IS NOT NULL",
	.nparams = 1,
	.flags = DB_READONLY,
};

static struct db_statement rating_meta = {
	.name = "cms_seo_rating",
	.sql = "SELECT r.count, round(r.total::numeric / r.count, 1)::text"
	       " FROM product_ratings r JOIN products p ON p.id = r.product_id"
	       " WHERE p.slug = $1 AND r.count > 0",
	.nparams = 1,
	.flags = DB_READONLY,
};

static struct db_statement sitemap_posts = {
	.name = "cms_seo_sitemap_posts",
	.sql = "SELECT b.slug, " DB_TS("b.updated_at") ", count(*) OVER ()"
	       " FROM blog_posts b WHERE b.status = 'published' AND b.published_at <= now()"
	       " ORDER BY b.id OFFSET $1::bigint LIMIT $2::int",
	.nparams = 2,
	.flags = DB_READONLY,
};

static struct db_statement sitemap_pages = {
	.name = "cms_seo_sitemap_pages",
	.sql = "SELECT p.slug, " DB_TS("p.published_at") " FROM cms_pages p"
	       " WHERE p.published IS NOT NULL ORDER BY p.id LIMIT 1000",
	.nparams = 0,
	.flags = DB_READONLY,
};

static struct db_statement sitemap_post_count = {
	.name = "cms_seo_sitemap_post_count",
	.sql = "SELECT count(*), " DB_TS("max(updated_at)") " FROM blog_posts"
	       " WHERE status = 'published' AND published_at <= now()",
	.nparams = 0,
	.flags = DB_READONLY,
};
/* clang-format on */

/* ------------------------------------------------------------------------
 * Rules and their templates
 * ------------------------------------------------------------------------ */

struct seo_rule {
	const char *title, *description, *canonical, *robots;
};

/* what a scope uses when it has no enabled rule */
static const struct {
	const char *scope;
	struct seo_rule rule;
} rule_defaults[] = {
    {"site", {"{{site_name}}", "{{description}}", "{{base_url}}{{path}}", "index,follow"}},
    {"product",
     {"{{title}} | {{category}} | {{site_name}}", "{{summary}} {{price}} with instant download.",
      "{{base_url}}/products/{{slug}}", "index,follow"}},
    {"category",
     {"{{name}} | {{site_name}}", "{{description}}", "{{base_url}}/categories/{{slug}}",
      "index,follow"}},
    {"blog_post",
     {"{{title}} | {{site_name}} blog", "{{excerpt}}", "{{base_url}}/blog/{{slug}}",
      "index,follow"}},
    {"page",
     {"{{title}} | {{site_name}}", "{{description}}", "{{base_url}}/pages/{{slug}}",
      "index,follow"}},
};

/* every variable a template may name */
static const char *const known_vars[] = {
    "site_name",   "base_url", "path",	   "title", "summary", "excerpt", "name",
    "description", "slug",     "category", "price", "tags",    NULL,
};

struct seo_var {
	const char *name, *value;
};

/* The rule of scope: the enabled row, else the default. */
static int rule_find(struct worker *w, struct arena *a, const char *scope, struct seo_rule *out)
{
	const char *params[] = {scope};
	PGresult *r = NULL;
	int rc = db_exec(&w->db, a, &rule_get, params, &r);

	if (rc != SOUK_OK)
		return rc;
	if (PQntuples(r) > 0) {
		out->title = PQgetvalue(r, 0, 0);
		out->description = PQgetvalue(r, 0, 1);
		out->canonical = PQgetvalue(r, 0, 2);
		out->robots = PQgetvalue(r, 0, 3);
		return SOUK_OK;
	}
	for (size_t i = 0; i < sizeof(rule_defaults) / sizeof(rule_defaults[0]); i++)
		if (strcmp(rule_defaults[i].scope, scope) == 0) {
			*out = rule_defaults[i].rule;
			return SOUK_OK;
		}
	return SOUK_EINTERNAL;
}

/* tmpl with each {{name}} replaced by its value ("" when unknown), runs of
 * whitespace collapsed to one space, trimmed. */
static char *template_render(struct arena *a, const char *tmpl, const struct seo_var *vars,
			     size_t nvars)
{
	size_t len = 0, need = 1;
	char *out = NULL;

	/* two passes: the length it takes, then the text */
	for (int pass = 0; pass < 2; pass++) {
		const char *p = tmpl;

		if (pass == 1)
			out = arena_alloc(a, need);
		len = 0;
		while (*p != '\0') {
			const char *open = strstr(p, "{{");
			const char *close = open ? strstr(open + 2, "}}") : NULL;
			const char *value = "";
			size_t n = open != NULL && close != NULL ? (size_t)(open - p) : strlen(p);

			if (pass == 1)
				memcpy(out + len, p, n);
			len += n;
			if (open == NULL || close == NULL)
				break;
			for (size_t i = 0; i < nvars; i++)
				if (strlen(vars[i].name) == (size_t)(close - open - 2) &&
				    strncmp(vars[i].name, open + 2, (size_t)(close - open - 2)) ==
					0)
					value = vars[i].value;
			if (pass == 1)
				memcpy(out + len, value, strlen(value));
			len += strlen(value);
			p = close + 2;
		}
		need = len + 1;
	}
	out[len] = '\0';
	/* collapse whitespace */
	char *w = out;
	bool space = true;
	for (char *c = out; *c; c++) {
		bool is_space = *c == ' ' || *c == '\n' || *c == '\t' || *c == '\r';

		if (is_space && space)
			continue;
		*w++ = is_space ? ' ' : *c;
		space = is_space;
	}
	if (w > out && w[-1] == ' ')
		w--;
	*w = '\0';
	return out;
}

bool cms_seo_template_valid(const char *tmpl, const char **bad)
{
	const char *p = tmpl;

	while ((p = strstr(p, "{{")) != NULL) {
		const char *close = strstr(p + 2, "}}");
		bool known = false;

		if (close == NULL) {
			*bad = "has a {{ without its }}";
			return false;
		}
		for (const char *const *v = known_vars; *v != NULL; v++)
			if (strlen(*v) == (size_t)(close - p - 2) &&
			    strncmp(*v, p + 2, (size_t)(close - p - 2)) == 0)
				known = true;
		if (!known) {
			*bad =
			    "names an unknown variable (known: site_name, base_url, path, title, "
			    "summary, excerpt, name, description, slug, category, price, tags)";
			return false;
		}
		p = close + 2;
	}
	return true;
}

/* ------------------------------------------------------------------------
 * Resolving a path
 * ------------------------------------------------------------------------ */

struct seo_meta {
	int status; /* 200, or 404 for a path that shows nothing */
	const char *scope;
	struct seo_var vars[VARS_MAX];
	size_t nvars;
	const char *robots; /* forced (private pages, search), else the rule's */
	const char *og_type, *image;
	cJSON *json_ld; /* array of objects */
	/* the answer */
	const char *title, *description, *canonical, *robots_out;
};

static void meta_var(struct seo_meta *m, const char *name, const char *value)
{
	if (m->nvars < VARS_MAX)
		m->vars[m->nvars++] = (struct seo_var){name, value != NULL ? value : ""};
}

static const char *member_text(const cJSON *obj, const char *name)
{
	const char *s = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(obj, name));

	return s != NULL ? s : "";
}

static cJSON *ld_new(struct seo_meta *m, const char *type)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddStringToObject(o, "@context", "https://schema.org");
	cJSON_AddStringToObject(o, "@type", type);
	cJSON_AddItemToArray(m->json_ld, o);
	return o;
}

/* The shop as a schema.org Organization's members, on obj. */
static void ld_organization_fields(struct worker *w, cJSON *obj)
{
	cJSON_AddStringToObject(obj, "name", w->config->shop_name);
	cJSON_AddStringToObject(obj, "url", w->config->public_url);
	if (w->config->shop_logo_url != NULL && w->config->shop_logo_url[0] != '\0')
		cJSON_AddStringToObject(obj, "logo", w->config->shop_logo_url);
}

/* The shop as the publisher of into. */
static void ld_publisher(struct worker *w, cJSON *into)
{
	cJSON *org = cJSON_AddObjectToObject(into, "publisher");

	cJSON_AddStringToObject(org, "@type", "Organization");
	ld_organization_fields(w, org);
}

/* BreadcrumbList of (name, path) pairs, Home first. */
static void ld_breadcrumbs(struct worker *w, struct arena *a, struct seo_meta *m,
			   const char *const *crumbs, size_t n)
{
	cJSON *list = ld_new(m, "BreadcrumbList"),
	      *items = cJSON_AddArrayToObject(list, "itemListElement");

	for (size_t i = 0; i + 1 < n * 2; i += 2) {
		cJSON *item = cJSON_CreateObject();

		cJSON_AddStringToObject(item, "@type", "ListItem");
		cJSON_AddNumberToObject(item, "position", (double)(i / 2 + 1));
		cJSON_AddStringToObject(item, "name", crumbs[i]);
		cJSON_AddStringToObject(
		    item, "item", arena_printf(a, "%s%s", w->config->public_url, crumbs[i + 1]));
		cJSON_AddItemToArray(items, item);
	}
}

static void resolve_home(struct worker *w, struct arena *a, struct seo_meta *m)
{
	cJSON *site, *action;

	m->scope = "site";
	m->og_type = "website";
	meta_var(m, "title", w->config->shop_name);
	meta_var(m, "description",
		 arena_printf(a,
			      "Templates, e-books, code and design assets from independent "
			      "creators, on %s.",
			      w->config->shop_name));
	ld_organization_fields(w, ld_new(m, "Organization"));
	site = ld_new(m, "WebSite");
	cJSON_AddStringToObject(site, "name", w->config->shop_name);
	cJSON_AddStringToObject(site, "url", arena_printf(a, "%s/", w->config->public_url));
	action = cJSON_AddObjectToObject(site, "potentialAction");
	cJSON_AddStringToObject(action, "@type", "SearchAction");
	cJSON_AddStringToObject(
	    action, "target",
	    arena_printf(a, "%s/search?q={search_term_string}", w->config->public_url));
	cJSON_AddStringToObject(action, "query-input", "required name=search_term_string");
}

static int resolve_product(struct worker *w, struct arena *a, const char *slug, struct seo_meta *m)
{
	char *json = NULL, price[STR_PAISE_MAX];
	cJSON *p, *ld, *offer, *spec;
	const char *why = NULL, *canonical;
	PGresult *r = NULL;
	int rc = catalog_product_public(w, a, slug, &json);

	if (rc != SOUK_OK)
		return rc;
	if (json_parse_object(a, json, strlen(json), &p, &why) != SOUK_OK)
		return SOUK_EINTERNAL;
	const cJSON *category = cJSON_GetObjectItemCaseSensitive(p, "category");
	double paise = cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(p, "price_paise"));
	str_paise((int64_t)paise, false, price);
	m->scope = "product";
	m->og_type = "product";
	m->image = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(p, "cover_image_url"));
	meta_var(m, "title", member_text(p, "title"));
	meta_var(m, "summary", member_text(p, "summary"));
	meta_var(m, "description", member_text(p, "summary"));
	meta_var(m, "slug", slug);
	meta_var(m, "category", category != NULL ? member_text(category, "name") : "");
	meta_var(m, "price", paise > 0 ? arena_printf(a, "\u20b9%s", price) : "Free");
	canonical = arena_printf(a, "%s/products/%s", w->config->public_url, slug);
	ld = ld_new(m, "Product");
	cJSON_AddStringToObject(ld, "name", member_text(p, "title"));
	cJSON_AddStringToObject(ld, "description", member_text(p, "summary"));
	cJSON_AddStringToObject(ld, "sku", member_text(p, "id"));
	cJSON_AddStringToObject(ld, "url", canonical);
	if (m->image != NULL)
		cJSON_AddStringToObject(ld, "image", m->image);
	if (category != NULL)
		cJSON_AddStringToObject(ld, "category", member_text(category, "name"));
	offer = cJSON_AddObjectToObject(ld, "offers");
	cJSON_AddStringToObject(offer, "@type", "Offer");
	cJSON_AddStringToObject(offer, "price", arena_printf(a, "%.2f", paise / 100.0));
	cJSON_AddStringToObject(offer, "priceCurrency", member_text(p, "currency"));
	cJSON_AddStringToObject(offer, "availability", "https://schema.org/InStock");
	cJSON_AddStringToObject(offer, "url", canonical);
	spec = cJSON_AddObjectToObject(offer, "priceSpecification");
	cJSON_AddStringToObject(spec, "@type", "UnitPriceSpecification");
	cJSON_AddStringToObject(spec, "price", arena_printf(a, "%.2f", paise / 100.0));
	cJSON_AddStringToObject(spec, "priceCurrency", member_text(p, "currency"));
	cJSON_AddBoolToObject(spec, "valueAddedTaxIncluded", false);
	const char *params[] = {slug};
	rc = db_exec(&w->db, a, &rating_meta, params, &r);
	if (rc != SOUK_OK)
		return rc;
	if (PQntuples(r) > 0) {
		cJSON *rating = cJSON_AddObjectToObject(ld, "aggregateRating");

		cJSON_AddStringToObject(rating, "@type", "AggregateRating");
		cJSON_AddStringToObject(rating, "ratingValue", PQgetvalue(r, 0, 1));
		cJSON_AddNumberToObject(rating, "reviewCount", atof(PQgetvalue(r, 0, 0)));
		cJSON_AddNumberToObject(rating, "bestRating", 5);
		cJSON_AddNumberToObject(rating, "worstRating", 1);
	}
	if (category != NULL) {
		const char *crumbs[] = {
		    "Home",
		    "/",
		    member_text(category, "name"),
		    arena_printf(a, "/categories/%s", member_text(category, "slug")),
		    member_text(p, "title"),
		    arena_printf(a, "/products/%s", slug)};
		ld_breadcrumbs(w, a, m, crumbs, 3);
	} else {
		const char *crumbs[] = {"Home", "/", member_text(p, "title"),
					arena_printf(a, "/products/%s", slug)};
		ld_breadcrumbs(w, a, m, crumbs, 2);
	}
	return SOUK_OK;
}

static int resolve_category(struct worker *w, struct arena *a, const char *slug, struct seo_meta *m)
{
	char *json = NULL;
	cJSON *c;
	const char *why = NULL;
	int rc = catalog_category_json(w, a, slug, &json);

	if (rc != SOUK_OK)
		return rc;
	if (json_parse_object(a, json, strlen(json), &c, &why) != SOUK_OK)
		return SOUK_EINTERNAL;
	m->scope = "category";
	m->og_type = "website";
	meta_var(m, "name", member_text(c, "name"));
	meta_var(m, "title", member_text(c, "name"));
	meta_var(m, "description", member_text(c, "description"));
	meta_var(m, "slug", slug);
	const char *crumbs[] = {"Home", "/", member_text(c, "name"),
				arena_printf(a, "/categories/%s", slug)};
	ld_breadcrumbs(w, a, m, crumbs, 2);
	return SOUK_OK;
}

static int resolve_post(struct worker *w, struct arena *a, const char *slug, struct seo_meta *m)
{
	const char *params[] = {slug};
	PGresult *r = NULL;
	cJSON *ld, *author;
	int rc = db_exec(&w->db, a, &post_meta, params, &r);

	if (rc != SOUK_OK)
		return rc;
	if (PQntuples(r) == 0)
		return SOUK_ENOTFOUND;
	m->scope = "blog_post";
	m->og_type = "article";
	m->image = PQgetisnull(r, 0, 2) ? NULL : PQgetvalue(r, 0, 2);
	meta_var(m, "title", PQgetvalue(r, 0, 0));
	meta_var(m, "excerpt", PQgetvalue(r, 0, 1));
	meta_var(m, "description", PQgetvalue(r, 0, 1));
	meta_var(m, "slug", slug);
	meta_var(m, "tags", PQgetvalue(r, 0, 6));
	ld = ld_new(m, "BlogPosting");
	cJSON_AddStringToObject(ld, "headline", PQgetvalue(r, 0, 0));
	cJSON_AddStringToObject(ld, "description", PQgetvalue(r, 0, 1));
	cJSON_AddStringToObject(ld, "datePublished", PQgetvalue(r, 0, 3));
	cJSON_AddStringToObject(ld, "dateModified", PQgetvalue(r, 0, 4));
	cJSON_AddStringToObject(ld, "mainEntityOfPage",
				arena_printf(a, "%s/blog/%s", w->config->public_url, slug));
	if (m->image != NULL)
		cJSON_AddStringToObject(ld, "image", m->image);
	author = cJSON_AddObjectToObject(ld, "author");
	cJSON_AddStringToObject(author, "@type", "Person");
	cJSON_AddStringToObject(
	    author, "name", PQgetlength(r, 0, 5) > 0 ? PQgetvalue(r, 0, 5) : w->config->shop_name);
	ld_publisher(w, ld);
	const char *crumbs[] = {
	    "Home", "/", "Blog", "/blog", PQgetvalue(r, 0, 0), arena_printf(a, "/blog/%s", slug)};
	ld_breadcrumbs(w, a, m, crumbs, 3);
	return SOUK_OK;
}

static int resolve_page(struct worker *w, struct arena *a, const char *slug, struct seo_meta *m)
{
	const char *params[] = {slug};
	PGresult *r = NULL;
	int rc = db_exec(&w->db, a, &page_meta, params, &r);

	if (rc != SOUK_OK)
		return rc;
	if (PQntuples(r) == 0)
		return SOUK_ENOTFOUND;
	m->scope = "page";
	m->og_type = "website";
	meta_var(m, "title", PQgetvalue(r, 0, 0));
	meta_var(m, "description", cms_markdown_text(a, PQgetvalue(r, 0, 1)));
	meta_var(m, "slug", slug);
	const char *crumbs[] = {"Home", "/", PQgetvalue(r, 0, 0),
				arena_printf(a, "/pages/%s", slug)};
	ld_breadcrumbs(w, a, m, crumbs, 2);
	return SOUK_OK;
}

/* a site page with a fixed title (lists, the contact form, ...) */
static void resolve_fixed(struct worker *w, struct arena *a, struct seo_meta *m, const char *title,
			  const char *description)
{
	m->scope = "site";
	m->og_type = "website";
	meta_var(m, "title", title);
	meta_var(m, "description", description);
	(void)w;
	(void)a;
}

/* paths nobody should find through a search engine */
static bool path_private(const char *path)
{
	static const char *const prefixes[] = {
	    "/account", "/admin",   "/cart",	"/checkout", "/login",		"/signup",
	    "/sign-in", "/sign-up", "/library", "/orders",   "/reset-password", NULL};

	for (const char *const *p = prefixes; *p != NULL; p++) {
		size_t n = strlen(*p);

		if (strncmp(path, *p, n) == 0 && (path[n] == '\0' || path[n] == '/'))
			return true;
	}
	return false;
}

/* "/blog/x" with prefix "/blog/": the slug x, or NULL when the rest is not a
 * slug (or there is more after it). */
static const char *path_slug(const char *path, const char *prefix)
{
	size_t n = strlen(prefix);
	const char *rest = path + n;

	if (strncmp(path, prefix, n) != 0 || strlen(rest) > 100 || !validate_slug(rest))
		return NULL;
	return rest;
}

/*
 * Resolves path ("/products/x", may carry "?query") into *m with the rules
 * (override: the rule to use instead of the stored one, for a preview).
 * SOUK_OK (m->status 404 for a path that shows nothing), SOUK_EINVALID for
 * a path that is not one, or a database error.
 */
static int seo_resolve(struct worker *w, struct arena *a, const char *path_in,
		       const struct seo_rule *override, struct seo_meta *m)
{
	char *path = arena_strdup(a, path_in), *query = strchr(path, '?');
	const char *slug, *site = w->config->public_url;
	struct seo_rule rule;
	int rc = SOUK_ENOTFOUND;
	bool searching = false;

	if (query != NULL) {
		*query++ = '\0';
		searching = strncmp(query, "q=", 2) == 0 || strstr(query, "&q=") != NULL;
	}
	if (path[0] != '/' || strlen(path) > 2000 || !str_is_utf8(path, strlen(path)))
		return SOUK_EINVALID;
	/* "/products/" is "/products" */
	if (strlen(path) > 1 && path[strlen(path) - 1] == '/')
		path[strlen(path) - 1] = '\0';
	memset(m, 0, sizeof(*m));
	m->status = 200;
	m->json_ld = json_new_array(a);
	meta_var(m, "site_name", w->config->shop_name);
	meta_var(m, "base_url", site);
	meta_var(m, "path", path);

	if (strcmp(path, "/") == 0) {
		resolve_home(w, a, m);
		rc = SOUK_OK;
	} else if ((slug = path_slug(path, "/products/")) != NULL) {
		rc = resolve_product(w, a, slug, m);
	} else if ((slug = path_slug(path, "/categories/")) != NULL) {
		rc = resolve_category(w, a, slug, m);
	} else if ((slug = path_slug(path, "/blog/")) != NULL) {
		rc = resolve_post(w, a, slug, m);
	} else if ((slug = path_slug(path, "/pages/")) != NULL) {
		rc = resolve_page(w, a, slug, m);
	} else if (strcmp(path, "/products") == 0 || strcmp(path, "/search") == 0) {
		resolve_fixed(w, a, m, searching ? "Search results" : "All products",
			      "Every template, e-book, code kit and design asset in the shop.");
		if (searching || strcmp(path, "/search") == 0)
			m->robots = "noindex,follow";
		rc = SOUK_OK;
	} else if (strcmp(path, "/blog") == 0) {
		resolve_fixed(w, a, m, "Blog", "Guides and news for creators and buyers.");
		rc = SOUK_OK;
	} else if (strcmp(path, "/team") == 0) {
		resolve_fixed(w, a, m, "Our team", "The people behind the shop.");
		rc = SOUK_OK;
	} else if (strcmp(path, "/contact") == 0) {
		resolve_fixed(w, a, m, "Contact us", "Questions, licences, refunds: write to us.");
		rc = SOUK_OK;
	} else if (path_private(path)) {
		resolve_fixed(w, a, m, "Your account", "");
		m->robots = "noindex,nofollow";
		rc = SOUK_OK;
	} else if ((slug = path_slug(path, "/")) != NULL) {
		rc = resolve_page(w, a, slug, m);
	}
	if (rc == SOUK_ENOTFOUND) {
		/* an unknown path, a draft, a hidden post: the site shows its 404 */
		m->json_ld = json_new_array(a);
		m->status = 404;
		m->nvars = 3;
		resolve_fixed(w, a, m, "Page not found", "");
		m->robots = "noindex,nofollow";
		rc = SOUK_OK;
	}
	if (rc != SOUK_OK)
		return rc;
	if (override != NULL)
		rule = *override;
	else if ((rc = rule_find(w, a, m->scope, &rule)) != SOUK_OK)
		return rc;
	if (strcmp(m->scope, "site") == 0 && strcmp(path, "/") != 0 && override == NULL) {
		/* lists and fixed pages: "Blog | Souk" */
		rule.title = "{{title}} | {{site_name}}";
		rule.description = "{{description}}";
		rule.canonical = "{{base_url}}{{path}}";
	}
	m->title = cms_cut_words(a, template_render(a, rule.title, m->vars, m->nvars), TITLE_MAX);
	m->description = cms_cut_words(a, template_render(a, rule.description, m->vars, m->nvars),
				       DESCRIPTION_MAX);
	m->canonical = template_render(a, rule.canonical, m->vars, m->nvars);
	if (m->canonical[0] == '\0')
		m->canonical = arena_printf(a, "%s%s", site, path);
	m->robots_out = m->robots != NULL ? m->robots : rule.robots;
	return SOUK_OK;
}

/* ------------------------------------------------------------------------
 * Output: JSON and the HTML head
 * ------------------------------------------------------------------------ */

static cJSON *meta_json(struct worker *w, struct arena *a, const char *path,
			const struct seo_meta *m)
{
	cJSON *doc = json_new_object(a), *og, *tw;

	cJSON_AddStringToObject(doc, "path", path);
	cJSON_AddNumberToObject(doc, "status", m->status);
	cJSON_AddStringToObject(doc, "title", m->title);
	cJSON_AddStringToObject(doc, "description", m->description);
	cJSON_AddStringToObject(doc, "canonical", m->canonical);
	cJSON_AddStringToObject(doc, "robots", m->robots_out);
	og = cJSON_AddObjectToObject(doc, "open_graph");
	cJSON_AddStringToObject(og, "type", m->og_type);
	cJSON_AddStringToObject(og, "title", m->title);
	cJSON_AddStringToObject(og, "description", m->description);
	cJSON_AddStringToObject(og, "url", m->canonical);
	cJSON_AddStringToObject(og, "site_name", w->config->shop_name);
	if (m->image != NULL)
		cJSON_AddStringToObject(og, "image", m->image);
	else
		cJSON_AddNullToObject(og, "image");
	tw = cJSON_AddObjectToObject(doc, "twitter");
	cJSON_AddStringToObject(tw, "card", m->image != NULL ? "summary_large_image" : "summary");
	cJSON_AddStringToObject(tw, "title", m->title);
	cJSON_AddStringToObject(tw, "description", m->description);
	if (m->image != NULL)
		cJSON_AddStringToObject(tw, "image", m->image);
	else
		cJSON_AddNullToObject(tw, "image");
	cJSON_AddItemReferenceToObject(doc, "json_ld", m->json_ld);
	return doc;
}

/* JSON for a <script> element: every '<' as \u003c, so no "</script>" or
 * "<!--" can appear in it ('<' occurs only inside JSON strings). */
static char *json_for_script(struct arena *a, const char *json)
{
	size_t n = 0;
	char *out, *p;

	for (const char *c = json; *c; c++)
		n += *c == '<' ? 6 : 1;
	out = p = arena_alloc(a, n + 1);
	for (const char *c = json; *c; c++) {
		if (*c == '<') {
			memcpy(p, "\\u003c", 6);
			p += 6;
		} else {
			*p++ = *c;
		}
	}
	*p = '\0';
	return out;
}

static char *meta_head(struct worker *w, struct arena *a, const struct seo_meta *m)
{
	const char *t = str_html_escape(a, m->title), *d = str_html_escape(a, m->description);
	const char *c = str_html_escape(a, m->canonical),
		   *site = str_html_escape(a, w->config->shop_name);
	const char *img = m->image != NULL ? str_html_escape(a, m->image) : NULL;
	char *head = arena_printf(
	    a,
	    "<title>%s</title>\n<meta name=\"description\" content=\"%s\">\n"
	    "<link rel=\"canonical\" href=\"%s\">\n<meta name=\"robots\" content=\"%s\">\n"
	    "<meta property=\"og:type\" content=\"%s\">\n<meta property=\"og:title\" "
	    "content=\"%s\">\n"
	    "<meta property=\"og:description\" content=\"%s\">\n"
	    "<meta property=\"og:url\" content=\"%s\">\n"
	    "<meta property=\"og:site_name\" content=\"%s\">\n%s"
	    "<meta name=\"twitter:card\" content=\"%s\">\n"
	    "<meta name=\"twitter:title\" content=\"%s\">\n"
	    "<meta name=\"twitter:description\" content=\"%s\">\n%s"
	    "<script type=\"application/ld+json\">%s</script>\n",
	    t, d, c, str_html_escape(a, m->robots_out), m->og_type, t, d, c, site,
	    img != NULL ? arena_printf(a, "<meta property=\"og:image\" content=\"%s\">\n", img)
			: "",
	    img != NULL ? "summary_large_image" : "summary", t, d,
	    img != NULL ? arena_printf(a, "<meta name=\"twitter:image\" content=\"%s\">\n", img)
			: "",
	    json_for_script(a, json_print(a, m->json_ld)));
	return head;
}

/* A copy of shell (index.html) without its <title> and with head inserted
 * before </head> (at the start when there is none). */
static char *shell_with_head(struct arena *a, const char *shell, const char *head)
{
	const char *t0 = strstr(shell, "<title>"), *t1 = t0 ? strstr(t0, "</title>") : NULL;
	const char *end = strstr(shell, "</head>");
	char *rest;

	if (t0 != NULL && t1 != NULL && (end == NULL || t1 < end))
		shell = arena_printf(a, "%.*s%s", (int)(t0 - shell), shell, t1 + 8);
	end = strstr(shell, "</head>");
	if (end == NULL)
		return arena_printf(a, "%s%s", head, shell);
	rest = arena_printf(a, "%.*s%s%s", (int)(end - shell), shell, head, end);
	return rest;
}

/* ------------------------------------------------------------------------
 * Public handlers
 * ------------------------------------------------------------------------ */

static const char *path_param(struct http_request *req)
{
	const char *path = http_query(req, "path");

	if (path == NULL || path[0] != '/' || strlen(path) > 2000) {
		http_field_error(req, "path", "must be a path of the site, such as /products/x");
		return NULL;
	}
	return path;
}

static int build_meta(struct worker *w, struct http_request *req, const void *arg, char **json)
{
	struct seo_meta m;
	int rc = seo_resolve(w, req->arena, arg, NULL, &m);

	if (rc == SOUK_EINVALID)
		return http_field_error(req, "path", "must be a path of the site");
	if (rc != SOUK_OK)
		return rc;
	*json = json_print(req->arena, meta_json(w, req->arena, arg, &m));
	return SOUK_OK;
}

/* Whether the meta of path may be kept in the cache: no query, not an
 * account page, and of a shape the site has (the number of such keys is
 * what the catalog and content hold, not what clients make up). */
static bool path_cacheable(const char *path)
{
	static const char *const prefixes[] = {"/products/", "/blog/", "/pages/", "/categories/",
					       NULL};
	static const char *const fixed[] = {"/", "/products", "/blog", "/team", "/contact", NULL};

	if (strchr(path, '?') != NULL || path_private(path))
		return false;
	for (const char *const *f = fixed; *f != NULL; f++)
		if (strcmp(path, *f) == 0)
			return true;
	for (const char *const *p = prefixes; *p != NULL; p++)
		if (path_slug(path, *p) != NULL)
			return true;
	return path_slug(path, "/") != NULL;
}

/* GET /api/v1/seo?path=/products/x: 200 {path, status (200|404), title,
 * description, canonical, robots, open_graph, twitter, json_ld}; 422. */
int cms_seo_get(struct worker *w, struct http_request *req, struct http_response *res)
{
	const char *path = path_param(req);

	char *json = NULL;
	int rc;

	if (path == NULL)
		return SOUK_EINVALID;
	if (path_cacheable(path))
		return catalog_cached_read(w, req, res, arena_printf(req->arena, "seo:%s", path),
					   build_meta, path);
	rc = build_meta(w, req, path, &json);
	if (rc != SOUK_OK)
		return rc;
	http_response_body(res, 200, json, strlen(json));
	return SOUK_OK;
}

/* The shell of path with its meta in the head: SOUK_OK with *out and
 * *status (404 for a path that shows nothing). */
static int shell_render(struct worker *w, struct arena *a, const char *path, char **out,
			int *status)
{
	struct seo_meta m;
	char *shell = NULL;
	size_t len = 0;
	int rc = seo_resolve(w, a, path, NULL, &m);

	if (rc == SOUK_EINVALID)
		rc = seo_resolve(w, a, "/404", NULL, &m);
	if (rc != SOUK_OK)
		return rc;
	rc = file_read_all(a, arena_printf(a, "%s/index.html", w->config->web_root), SHELL_MAX,
			   &shell, &len);
	if (rc != SOUK_OK) /* no front end built: a bare page still carries the meta */
		shell = "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
			"</head>\n<body></body>\n</html>\n";
	*out = shell_with_head(a, shell, meta_head(w, a, &m));
	*status = m.status;
	return SOUK_OK;
}

static int build_shell(struct worker *w, struct http_request *req, const void *arg, char **out)
{
	int status = 200;
	int rc = shell_render(w, req->arena, arg, out, &status);

	/* a 404 is not kept: the handler renders it (with its status) each time */
	return rc == SOUK_OK && status != 200 ? SOUK_ENOTFOUND : rc;
}

/* GET /api/v1/seo/html?path=/products/x (nginx sends /, /products/{slug},
 * /blog/{slug} and /pages/{slug} here): 200 text/html, the front end's
 * index.html with the page's meta and JSON-LD in its head; 404 with the same
 * shell (noindex) for a path that shows nothing. */
int cms_seo_html(struct worker *w, struct http_request *req, struct http_response *res)
{
	const char *path = http_query(req, "path");
	char *html = NULL;
	int status = 404;
	int rc;

	if (path == NULL || path[0] != '/' || strlen(path) > 2000)
		path = "/404";
	rc = path_cacheable(path)
		 ? catalog_cached_read(w, req, res, arena_printf(req->arena, "shell:%s", path),
				       build_shell, path)
		 : SOUK_ENOTFOUND;
	if (rc == SOUK_ENOTFOUND) {
		rc = shell_render(w, req->arena, path, &html, &status);
		if (rc != SOUK_OK)
			return rc;
		http_response_body(res, status, html, strlen(html));
		http_response_header(res, "Cache-Control", "no-cache");
		http_response_header(res, "X-Accel-Expires", "0");
	}
	if (rc != SOUK_OK)
		return rc;
	http_response_content_type(res, "text/html; charset=utf-8");
	return SOUK_OK;
}

/* ------------------------------------------------------------------------
 * The sitemap and robots.txt
 * ------------------------------------------------------------------------ */

/* a sitemap part: 50,000 URLs of a few hundred bytes at most */
#define SITEMAP_BYTES_MAX (32L * 1024 * 1024)

struct xml_out {
	struct arena *a;
	struct buf *b;
	int rc; /* SOUK_ETOOLARGE once the buffer is full */
};

static void xml_add(struct xml_out *x, const char *s)
{
	buf_appends_chained(x->b, &x->rc, s);
}

static void xml_url(struct xml_out *x, const char *site, const char *path, const char *lastmod)
{
	xml_add(x, "<url><loc>");
	xml_add(x, site);
	xml_add(x, path);
	xml_add(x, "</loc>");
	if (lastmod != NULL) {
		xml_add(x, "<lastmod>");
		xml_add(x, lastmod);
		xml_add(x, "</lastmod>");
	}
	xml_add(x, "</url>\n");
}

static long parts_of(long n)
{
	return n <= 0 ? 1 : (n + SITEMAP_PART_MAX - 1) / SITEMAP_PART_MAX;
}

static int build_sitemap_index(struct worker *w, struct http_request *req, const void *arg,
			       char **out)
{
	const char *site = str_html_escape(req->arena, w->config->public_url);
	PGresult *counts = NULL, *posts = NULL;
	struct xml_out x = {.a = req->arena, .b = buf_in_arena(req->arena, SITEMAP_BYTES_MAX)};
	int rc = catalog_sitemap_counts(w, req->arena, &counts);

	(void)arg;
	if (rc == SOUK_OK)
		rc = db_exec(&w->db, req->arena, &sitemap_post_count, NULL, &posts);
	if (rc != SOUK_OK)
		return rc;
	struct {
		const char *kind;
		long n;
		const char *lastmod;
	} kinds[] = {
	    {"pages", 1, NULL},
	    {"products", atol(PQgetvalue(counts, 0, 0)),
	     PQgetisnull(counts, 0, 2) ? NULL : PQgetvalue(counts, 0, 2)},
	    {"categories", atol(PQgetvalue(counts, 0, 1)),
	     PQgetisnull(counts, 0, 3) ? NULL : PQgetvalue(counts, 0, 3)},
	    {"blog", atol(PQgetvalue(posts, 0, 0)),
	     PQgetisnull(posts, 0, 1) ? NULL : PQgetvalue(posts, 0, 1)},
	};
	for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++)
		for (long i = 1; i <= parts_of(kinds[k].n); i++)
			xml_add(&x,
				arena_printf(
				    req->arena,
				    "<sitemap><loc>%s/sitemaps/%s-%ld.xml</loc>%s%s%s</sitemap>\n",
				    site, kinds[k].kind, i, kinds[k].lastmod ? "<lastmod>" : "",
				    kinds[k].lastmod ? kinds[k].lastmod : "",
				    kinds[k].lastmod ? "</lastmod>" : ""));
	if (x.rc != SOUK_OK)
		return SOUK_EINTERNAL;
	*out = arena_printf(req->arena,
			    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
			    "<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n"
			    "%s</sitemapindex>\n",
			    x.b->data != NULL ? x.b->data : "");
	return SOUK_OK;
}

/* GET /api/v1/seo/sitemap (nginx: /sitemap.xml): 200 the sitemap index. */
int cms_seo_sitemap(struct worker *w, struct http_request *req, struct http_response *res)
{
	int rc = catalog_cached_read(w, req, res, "sitemap", build_sitemap_index, NULL);

	if (rc == SOUK_OK)
		http_response_content_type(res, "application/xml; charset=utf-8");
	return rc;
}

static int sitemap_rows(struct worker *w, struct arena *a, struct xml_out *x, const char *site,
			const char *kind, long part)
{
	long offset = (part - 1) * SITEMAP_PART_MAX;
	PGresult *r = NULL;
	int rc;

	if (strcmp(kind, "products") == 0 || strcmp(kind, "categories") == 0) {
		rc = catalog_sitemap_part(w, a, strcmp(kind, "categories") == 0, offset,
					  SITEMAP_PART_MAX, &r);
	} else {
		const char *params[] = {arena_printf(a, "%ld", offset),
					arena_printf(a, "%ld", SITEMAP_PART_MAX)};
		rc = db_exec(&w->db, a, &sitemap_posts, params, &r);
	}
	if (rc != SOUK_OK)
		return rc;
	if (PQntuples(r) == 0 && part > 1)
		return SOUK_ENOTFOUND;
	const char *prefix = strcmp(kind, "products") == 0     ? "/products/"
			     : strcmp(kind, "categories") == 0 ? "/categories/"
							       : "/blog/";
	for (int i = 0; i < PQntuples(r); i++)
		xml_url(x, site, arena_printf(a, "%s%s", prefix, PQgetvalue(r, i, 0)),
			PQgetisnull(r, i, 1) ? NULL : PQgetvalue(r, i, 1));
	return SOUK_OK;
}

static int build_sitemap_part(struct worker *w, struct http_request *req, const void *arg,
			      char **out)
{
	const char *name = arg, *dash = strrchr(name, '-');
	const char *site = str_html_escape(req->arena, w->config->public_url);
	struct xml_out x = {.a = req->arena, .b = buf_in_arena(req->arena, SITEMAP_BYTES_MAX)};
	char *end = NULL;
	long part;
	int rc = SOUK_OK;

	/* digits only, no leading zero: one name per part */
	if (dash == NULL || dash[1] < '1' || dash[1] > '9' ||
	    strspn(dash + 1, "0123456789") != strlen(dash + 1))
		return SOUK_ENOTFOUND;
	part = strtol(dash + 1, &end, 10);
	if (*end != '\0' || part < 1 || part > 100000)
		return SOUK_ENOTFOUND;
	const char *kind = arena_strndup(req->arena, name, (size_t)(dash - name));
	if (strcmp(kind, "pages") == 0) {
		PGresult *r = NULL;
		static const char *const fixed[] = {"/products", "/blog", "/team", "/contact",
						    NULL};

		if (part != 1)
			return SOUK_ENOTFOUND;
		rc = db_exec(&w->db, req->arena, &sitemap_pages, NULL, &r);
		if (rc != SOUK_OK)
			return rc;
		xml_url(&x, site, "/", NULL);
		for (const char *const *f = fixed; *f != NULL; f++)
			xml_url(&x, site, *f, NULL);
		for (int i = 0; i < PQntuples(r); i++)
			if (strcmp(PQgetvalue(r, i, 0), "home") != 0)
				xml_url(&x, site,
					arena_printf(req->arena, "/pages/%s", PQgetvalue(r, i, 0)),
					PQgetvalue(r, i, 1));
	} else if (strcmp(kind, "products") == 0 || strcmp(kind, "categories") == 0 ||
		   strcmp(kind, "blog") == 0) {
		rc = sitemap_rows(w, req->arena, &x, site, kind, part);
	} else {
		rc = SOUK_ENOTFOUND;
	}
	if (rc == SOUK_OK && x.rc != SOUK_OK)
		rc = SOUK_EINTERNAL;
	if (rc != SOUK_OK)
		return rc;
	*out = arena_printf(req->arena,
			    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
			    "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n"
			    "%s</urlset>\n",
			    x.b->data != NULL ? x.b->data : "");
	return SOUK_OK;
}

/* GET /api/v1/seo/sitemaps/{name} (nginx: /sitemaps/{name}.xml, such as
 * products-1): 200 one part of at most 50,000 URLs; 404. */
int cms_seo_sitemap_part(struct worker *w, struct http_request *req, struct http_response *res)
{
	const char *name = http_path_param(req, "name");
	int rc;

	if (name == NULL || strlen(name) > 40)
		return SOUK_ENOTFOUND;
	rc = catalog_cached_read(w, req, res, arena_printf(req->arena, "sitemap:%s", name),
				 build_sitemap_part, name);
	if (rc == SOUK_OK)
		http_response_content_type(res, "application/xml; charset=utf-8");
	return rc;
}

static int build_robots(struct worker *w, struct http_request *req, const void *arg, char **out)
{
	(void)arg;
	*out = arena_printf(req->arena,
			    "User-agent: *\n"
			    "Disallow: /api/\n"
			    "Disallow: /admin\n"
			    "Disallow: /account\n"
			    "Disallow: /cart\n"
			    "Disallow: /checkout\n"
			    "Disallow: /search\n"
			    "Disallow: /sandbox/\n"
			    "Allow: /\n"
			    "\n"
			    "Sitemap: %s/sitemap.xml\n",
			    w->config->public_url);
	return SOUK_OK;
}

/* GET /api/v1/seo/robots (nginx: /robots.txt): 200 text/plain. */
int cms_seo_robots(struct worker *w, struct http_request *req, struct http_response *res)
{
	int rc = catalog_cached_read(w, req, res, "robots", build_robots, NULL);

	if (rc == SOUK_OK)
		http_response_content_type(res, "text/plain; charset=utf-8");
	return rc;
}

/* ------------------------------------------------------------------------
 * Staff (seo:manage)
 * ------------------------------------------------------------------------ */

static bool scope_valid(const char *s)
{
	for (size_t i = 0; i < sizeof(rule_defaults) / sizeof(rule_defaults[0]); i++)
		if (strcmp(rule_defaults[i].scope, s) == 0)
			return true;
	return false;
}

struct rule_input {
	const char *title, *description, *canonical, *robots;
	bool enabled;
};

static const struct validate_field rule_fields[] = {
    {"title_template", VALIDATE_STRING, VALIDATE_REQUIRED, 1, 500,
     offsetof(struct rule_input, title)},
    {"description_template", VALIDATE_STRING, 0, 0, 1000, offsetof(struct rule_input, description)},
    {"canonical_template", VALIDATE_STRING, 0, 0, 1000, offsetof(struct rule_input, canonical)},
    {"robots", VALIDATE_STRING, 0, 1, 100, offsetof(struct rule_input, robots)},
    {"enabled", VALIDATE_BOOL, 0, 0, 0, offsetof(struct rule_input, enabled)},
};

static bool robots_valid(const char *s)
{
	static const char *const words[] = {"index",	 "noindex",   "follow",	      "nofollow",
					    "noarchive", "nosnippet", "noimageindex", NULL};
	const char *p = s;

	while (*p != '\0') {
		size_t n = strcspn(p, ",");
		bool known = false;

		for (const char *const *w = words; *w != NULL; w++)
			if (strlen(*w) == n && strncmp(*w, p, n) == 0)
				known = true;
		if (!known)
			return false;
		p += n;
		if (*p == ',')
			p++;
	}
	return *s != '\0';
}

/* The checks of a rule beyond its members' types: the templates name known
 * variables only, robots is a list of known directives. Problems go on req;
 * true when there was one. */
static bool rule_wrong(struct http_request *req, const struct rule_input *in)
{
	const char *bad = NULL;
	bool wrong = false;

	if (in->title != NULL && !cms_seo_template_valid(in->title, &bad))
		wrong = http_field_error(req, "title_template", bad);
	if (in->description != NULL && !cms_seo_template_valid(in->description, &bad))
		wrong = http_field_error(req, "description_template", bad);
	if (in->canonical != NULL && !cms_seo_template_valid(in->canonical, &bad))
		wrong = http_field_error(req, "canonical_template", bad);
	if (in->robots != NULL && !robots_valid(in->robots))
		wrong = http_field_error(
		    req, "robots", "must be directives such as index,follow or noindex,nofollow");
	return wrong;
}

/* GET /api/v1/admin/seo/rules: 200 {"items": [stored rules], "defaults":
 * [the built-in rule of each scope]}. */
int cms_seo_rules_index(struct worker *w, struct http_request *req, struct http_response *res)
{
	PGresult *r = NULL;
	cJSON *doc, *items, *defaults;
	const char *why = NULL;
	int rc = db_exec(&w->db, req->arena, &rules_list, NULL, &r);

	if (rc != SOUK_OK)
		return rc;
	doc = json_new_object(req->arena);
	items = cJSON_Parse(PQgetvalue(r, 0, 0));
	(void)why;
	cJSON_AddItemToObject(doc, "items", items != NULL ? items : cJSON_CreateArray());
	cJSON_AddNullToObject(doc, "next_cursor");
	defaults = cJSON_AddArrayToObject(doc, "defaults");
	for (size_t i = 0; i < sizeof(rule_defaults) / sizeof(rule_defaults[0]); i++) {
		cJSON *d = cJSON_CreateObject();

		cJSON_AddStringToObject(d, "scope", rule_defaults[i].scope);
		cJSON_AddStringToObject(d, "title_template", rule_defaults[i].rule.title);
		cJSON_AddStringToObject(d, "description_template",
					rule_defaults[i].rule.description);
		cJSON_AddStringToObject(d, "canonical_template", rule_defaults[i].rule.canonical);
		cJSON_AddStringToObject(d, "robots", rule_defaults[i].rule.robots);
		cJSON_AddItemToArray(defaults, d);
	}
	http_response_json(res, req->arena, 200, doc);
	return SOUK_OK;
}

/* PUT /api/v1/admin/seo/rules/{scope} {title_template, description_template?,
 * canonical_template?, robots?, enabled?}: 200 the rule; 404 for a scope
 * that is not one; 422. */
int cms_seo_rule_put(struct worker *w, struct http_request *req, struct http_response *res)
{
	const char *scope = http_path_param(req, "scope");
	struct rule_input in = {.enabled = true};
	uint64_t present = 0;
	PGresult *r = NULL;
	int rc;

	struct validate_result result = {0};

	rc = HTTP_VALIDATE(req, rule_fields, &in, &result);
	if (rc != SOUK_OK && rc != SOUK_EINVALID)
		return rc;
	if (rule_wrong(req, &in) || rc != SOUK_OK)
		return SOUK_EINVALID;
	if (!scope_valid(scope))
		return SOUK_ENOTFOUND;
	present = result.present;
	const char *params[] = {
	    scope,	  in.title,  in.description,
	    in.canonical, in.robots, (present >> 4) & 1 ? (in.enabled ? "true" : "false") : NULL};
	rc = db_begin(&w->db, req->arena);
	if (rc != SOUK_OK)
		return rc;
	rc = db_exec(&w->db, req->arena, &rule_upsert, params, &r);
	if (rc == SOUK_OK)
		rc = audit_record(&w->db, req->arena, req->principal->user_id, "seo.rule",
				  "seo_rule", scope, NULL, req->remote_addr);
	rc = catalog_commit(w, req->arena, rc);
	if (rc != SOUK_OK)
		return rc;
	http_response_body(res, 200, PQgetvalue(r, 0, 0), (size_t)PQgetlength(r, 0, 0));
	return SOUK_OK;
}

/* DELETE /api/v1/admin/seo/rules/{scope}: 204, the scope back on its
 * built-in rule; 404. */
int cms_seo_rule_delete(struct worker *w, struct http_request *req, struct http_response *res)
{
	const char *scope = http_path_param(req, "scope");
	const char *params[] = {scope};
	PGresult *r = NULL;
	int rc;

	if (!scope_valid(scope))
		return SOUK_ENOTFOUND;
	rc = db_begin(&w->db, req->arena);
	if (rc != SOUK_OK)
		return rc;
	rc = db_exec(&w->db, req->arena, &rule_delete, params, &r);
	if (rc == SOUK_OK && PQntuples(r) == 0)
		rc = SOUK_ENOTFOUND;
	if (rc == SOUK_OK)
		rc = audit_record(&w->db, req->arena, req->principal->user_id, "seo.rule_delete",
				  "seo_rule", scope, NULL, req->remote_addr);
	rc = catalog_commit(w, req->arena, rc);
	if (rc != SOUK_OK)
		return rc;
	http_response_empty(res, 204);
	return SOUK_OK;
}

struct preview_input {
	const char *path;
	struct rule_input rule;
};

/* the rule members of the preview, as the PUT takes them, beside the path */
static const struct validate_field preview_fields[] = {
    {"path", VALIDATE_STRING, VALIDATE_REQUIRED, 1, 2000, offsetof(struct preview_input, path)},
    {"title_template", VALIDATE_STRING, 0, 1, 500, offsetof(struct preview_input, rule.title)},
    {"description_template", VALIDATE_STRING, 0, 0, 1000,
     offsetof(struct preview_input, rule.description)},
    {"canonical_template", VALIDATE_STRING, 0, 0, 1000,
     offsetof(struct preview_input, rule.canonical)},
    {"robots", VALIDATE_STRING, 0, 1, 100, offsetof(struct preview_input, rule.robots)},
};

/* POST /api/v1/admin/seo/preview {path, title_template?,
 * description_template?, canonical_template?, robots?}: 200 the meta path
 * resolves to; with a title_template, by that rule instead of the stored one
 * (nothing is saved); 422. */
int cms_seo_preview(struct worker *w, struct http_request *req, struct http_response *res)
{
	struct preview_input in = {0};
	struct seo_rule override = {0};
	struct seo_meta m;
	int rc = HTTP_VALIDATE(req, preview_fields, &in, NULL);

	if (rc != SOUK_OK && rc != SOUK_EINVALID)
		return rc;
	if (rule_wrong(req, &in.rule) || rc != SOUK_OK)
		return SOUK_EINVALID;
	if (in.path[0] != '/')
		return http_field_error(req, "path",
					"must be a path of the site, such as /products/x");
	override =
	    (struct seo_rule){in.rule.title, in.rule.description != NULL ? in.rule.description : "",
			      in.rule.canonical != NULL ? in.rule.canonical : "",
			      in.rule.robots != NULL ? in.rule.robots : "index,follow"};
	rc = seo_resolve(w, req->arena, in.path, in.rule.title != NULL ? &override : NULL, &m);
	if (rc == SOUK_EINVALID)
		return http_field_error(req, "path", "must be a path of the site");
	if (rc != SOUK_OK)
		return rc;
	http_response_json(res, req->arena, 200, meta_json(w, req->arena, in.path, &m));
	return SOUK_OK;
}
