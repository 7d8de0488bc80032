/*
 * blocks.c - the one block schema of CMS pages (README: "CMS blocks").
 *
 * A page is {"blocks": [...]}; each block is an object with a "type" and
 * that type's members, described below by tables of member specs. What an
 * editor sends is checked against the table of its type: an unknown type, an
 * unknown member, a wrong type, a missing required member or over-long text
 * is an error at its path ("blocks[2].items[0].title"), every one reported.
 * The normalised copy keeps only known members (strings trimmed) and gives
 * each rich_text block its "html": the Markdown rendered and sanitised.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "souk/arena.h"
#include "souk/cms.h"
#include "souk/err.h"
#include "souk/json.h"
#include "souk/str.h"

#define BLOCKS_MAX 100

enum member_kind {
	M_STRING,   /* one line of text, trimmed, max characters */
	M_TEXT,	    /* text with newlines (not trimmed), max characters */
	M_MARKDOWN, /* rich text: Markdown, max characters; "html" is derived */
	M_URL,	    /* https://... or a path on the site (validate_url) */
	M_SLUG,	    /* a slug, max characters */
	M_SLUGS,    /* array of slugs, at most max */
	M_STRINGS,  /* array of one-line strings (each <= 200), at most max */
	M_INT,	    /* integer in [0, max] */
	M_BOOL,
	M_ENUM,	   /* one of choices */
	M_LINK,	   /* {label, href} */
	M_ITEMS,   /* array of objects of the sub table, at most max */
	M_DERIVED, /* written by the server (accepted and dropped on input) */
};

struct member {
	const char *name;
	enum member_kind kind;
	bool required;
	long long max;
	const struct member *sub; /* M_ITEMS: the item's members, NULL-terminated */
	const char *const *choices;
};

struct block_type {
	const char *name;
	const struct member *members; /* NULL-terminated by name */
};

/* clang-format off */
static const struct member link_members[] = {
	{"label", M_STRING, true, 80, NULL, NULL},
	{"href", M_URL, true, 2000, NULL, NULL},
	{NULL, 0, false, 0, NULL, NULL},
};
static const struct member hero_members[] = {
	{"heading", M_STRING, true, 200, NULL, NULL},
	{"subheading", M_STRING, false, 500, NULL, NULL},
	{"cta", M_LINK, false, 0, NULL, NULL},
	{"secondary_cta", M_LINK, false, 0, NULL, NULL},
	{"image", M_URL, false, 2000, NULL, NULL},
	{"image_alt", M_STRING, false, 300, NULL, NULL},
	{NULL, 0, false, 0, NULL, NULL},
};
static const struct member rich_text_members[] = {
	{"markdown", M_MARKDOWN, true, 50000, NULL, NULL},
	{"html", M_DERIVED, false, 0, NULL, NULL},
	{NULL, 0, false, 0, NULL, NULL},
};
static const char *const product_sources[] = {"popular", "newest", "category", "search", "list",
					       NULL};
static const struct member product_list_members[] = {
	{"heading", M_STRING, false, 200, NULL, NULL},
	{"source", M_ENUM, true, 0, NULL, product_sources},
	{"category", M_SLUG, false, 100, NULL, NULL},  /* source "category" */
	{"query", M_STRING, false, 200, NULL, NULL},   /* source "search" */
	{"products", M_SLUGS, false, 24, NULL, NULL},  /* source "list" */
	{"limit", M_INT, false, 24, NULL, NULL},
	{NULL, 0, false, 0, NULL, NULL},
};
static const struct member heading_members[] = {
	{"heading", M_STRING, false, 200, NULL, NULL},
	{NULL, 0, false, 0, NULL, NULL},
};
static const struct member feature_members[] = {
	{"icon", M_STRING, false, 40, NULL, NULL},
	{"title", M_STRING, true, 200, NULL, NULL},
	{"text", M_STRING, false, 1000, NULL, NULL},
	{NULL, 0, false, 0, NULL, NULL},
};
static const struct member feature_grid_members[] = {
	{"heading", M_STRING, false, 200, NULL, NULL},
	{"items", M_ITEMS, true, 24, feature_members, NULL},
	{NULL, 0, false, 0, NULL, NULL},
};
static const struct member testimonial_members[] = {
	{"quote", M_STRING, true, 1000, NULL, NULL},
	{"name", M_STRING, true, 200, NULL, NULL},
	{"role", M_STRING, false, 200, NULL, NULL},
	{NULL, 0, false, 0, NULL, NULL},
};
static const struct member testimonials_members[] = {
	{"heading", M_STRING, false, 200, NULL, NULL},
	{"items", M_ITEMS, true, 24, testimonial_members, NULL},
	{NULL, 0, false, 0, NULL, NULL},
};
static const struct member faq_item_members[] = {
	{"q", M_STRING, true, 300, NULL, NULL},
	{"a", M_TEXT, true, 5000, NULL, NULL},
	{NULL, 0, false, 0, NULL, NULL},
};
static const struct member faq_members[] = {
	{"heading", M_STRING, false, 200, NULL, NULL},
	{"items", M_ITEMS, true, 50, faq_item_members, NULL},
	{NULL, 0, false, 0, NULL, NULL},
};
static const struct member tier_members[] = {
	{"name", M_STRING, true, 100, NULL, NULL},
	{"price_paise", M_INT, true, 100000000000LL, NULL, NULL},
	{"period", M_STRING, false, 40, NULL, NULL},
	{"description", M_STRING, false, 500, NULL, NULL},
	{"features", M_STRINGS, false, 30, NULL, NULL},
	{"cta", M_LINK, false, 0, NULL, NULL},
	{"highlighted", M_BOOL, false, 0, NULL, NULL},
	{NULL, 0, false, 0, NULL, NULL},
};
static const struct member pricing_members[] = {
	{"heading", M_STRING, false, 200, NULL, NULL},
	{"tiers", M_ITEMS, true, 6, tier_members, NULL},
	{NULL, 0, false, 0, NULL, NULL},
};
static const struct member cta_members[] = {
	{"heading", M_STRING, true, 200, NULL, NULL},
	{"text", M_STRING, false, 1000, NULL, NULL},
	{"button", M_LINK, false, 0, NULL, NULL},
	{NULL, 0, false, 0, NULL, NULL},
};
static const struct member image_members[] = {
	{"src", M_URL, true, 2000, NULL, NULL},
	{"alt", M_STRING, true, 300, NULL, NULL},
	{"caption", M_STRING, false, 500, NULL, NULL},
	{"href", M_URL, false, 2000, NULL, NULL},
	{NULL, 0, false, 0, NULL, NULL},
};

static const struct block_type block_types[] = {
	{"hero", hero_members},
	{"rich_text", rich_text_members},
	{"product_list", product_list_members},
	{"category_grid", heading_members},
	{"feature_grid", feature_grid_members},
	{"testimonials", testimonials_members},
	{"faq", faq_members},
	{"pricing_tiers", pricing_members},
	{"team", heading_members},
	{"cta", cta_members},
	{"image", image_members},
};
/* clang-format on */

struct check {
	struct arena *a;
	const char *site_url;
	cJSON *errors; /* path -> message */
	int internal;  /* SOUK_OK, or an error that is not the input's fault */
};

static void problem(struct check *c, const char *path, const char *message)
{
	if (cJSON_GetObjectItemCaseSensitive(c->errors, path) == NULL)
		cJSON_AddStringToObject(c->errors, path, message);
}

static const struct member *member_find(const struct member *m, const char *name)
{
	for (; m->name != NULL; m++)
		if (strcmp(m->name, name) == 0)
			return m;
	return NULL;
}

/* A checked copy of a string member, or NULL after reporting the problem. */
static cJSON *check_string(struct check *c, const struct member *m, const cJSON *v,
			   const char *path)
{
	char *s;

	if (!cJSON_IsString(v)) {
		problem(c, path, "must be a string");
		return NULL;
	}
	s = arena_strdup(c->a, v->valuestring);
	if (m->kind != M_TEXT && m->kind != M_MARKDOWN) {
		for (const char *p = s; *p; p++)
			if ((unsigned char)*p < 0x20 || *p == 0x7f) {
				problem(c, path, "must be one line of text");
				return NULL;
			}
		s = str_trim(s);
	}
	if (m->required && *s == '\0') {
		problem(c, path, "must not be empty");
		return NULL;
	}
	if (m->max > 0 && utf8_length(s) > (size_t)m->max) {
		problem(c, path, arena_printf(c->a, "must be at most %lld characters", m->max));
		return NULL;
	}
	if (m->kind == M_URL && *s != '\0' && !validate_url(s)) {
		problem(c, path, "must be an https:// address or a path on this site");
		return NULL;
	}
	if (m->kind == M_SLUG && !validate_slug(s)) {
		problem(c, path, "must be a slug (a-z, 0-9 and single dashes)");
		return NULL;
	}
	return cJSON_CreateString(s);
}

static cJSON *check_object(struct check *c, const struct member *members, const cJSON *obj,
			   const char *path, int skip_type);

static cJSON *check_array(struct check *c, const struct member *m, const cJSON *v, const char *path)
{
	cJSON *out = cJSON_CreateArray(), *item;
	const cJSON *e;
	int i = 0;
	bool ok = true;

	if (!cJSON_IsArray(v) || cJSON_GetArraySize(v) > m->max) {
		problem(c, path,
			cJSON_IsArray(v)
			    ? arena_printf(c->a, "must have at most %lld items", m->max)
			    : "must be an array");
		cJSON_Delete(out);
		return NULL;
	}
	cJSON_ArrayForEach(e, v)
	{
		const char *at = arena_printf(c->a, "%s[%d]", path, i++);
		static const struct member slug = {"", M_SLUG, true, 100, NULL, NULL};
		static const struct member line = {"", M_STRING, true, 200, NULL, NULL};

		if (m->kind == M_ITEMS)
			item = check_object(c, m->sub, e, at, 0);
		else
			item = check_string(c, m->kind == M_SLUGS ? &slug : &line, e, at);
		if (item == NULL)
			ok = false;
		else
			cJSON_AddItemToArray(out, item);
	}
	if (m->required && cJSON_GetArraySize(v) == 0) {
		problem(c, path, "must not be empty");
		ok = false;
	}
	if (!ok) {
		cJSON_Delete(out);
		return NULL;
	}
	return out;
}

/* The checked value of member m (v is present and not null), or NULL. */
static cJSON *check_member(struct check *c, const struct member *m, const cJSON *v,
			   const char *path)
{
	switch (m->kind) {
	case M_STRING:
	case M_TEXT:
	case M_URL:
	case M_SLUG:
	case M_MARKDOWN:
		return check_string(c, m, v, path);
	case M_INT:
		/* the range first: casting 1e300 to an integer is undefined */
		if (!cJSON_IsNumber(v) || v->valuedouble < 0 || v->valuedouble > (double)m->max ||
		    v->valuedouble != (double)(long long)v->valuedouble) {
			problem(
			    c, path,
			    arena_printf(c->a, "must be a whole number from 0 to %lld", m->max));
			return NULL;
		}
		return cJSON_CreateNumber(v->valuedouble);
	case M_BOOL:
		if (!cJSON_IsBool(v)) {
			problem(c, path, "must be true or false");
			return NULL;
		}
		return cJSON_CreateBool(cJSON_IsTrue(v));
	case M_ENUM:
		for (const char *const *ch = m->choices; cJSON_IsString(v) && *ch; ch++)
			if (strcmp(*ch, v->valuestring) == 0)
				return cJSON_CreateString(*ch);
		problem(c, path, "is not one of the allowed values");
		return NULL;
	case M_LINK:
		return check_object(c, link_members, v, path, 0);
	case M_SLUGS:
	case M_STRINGS:
	case M_ITEMS:
		return check_array(c, m, v, path);
	case M_DERIVED:
		return NULL;
	}
	return NULL;
}

/* A checked copy of obj against members (skip_type: the block's "type" is
 * checked by the caller), or NULL after reporting every problem. */
static cJSON *check_object(struct check *c, const struct member *members, const cJSON *obj,
			   const char *path, int skip_type)
{
	cJSON *out, *value;
	const cJSON *e;
	bool ok = true;

	if (!cJSON_IsObject(obj)) {
		problem(c, path, "must be an object");
		return NULL;
	}
	out = cJSON_CreateObject();
	cJSON_ArrayForEach(e, obj)
	{
		const struct member *m = member_find(members, e->string);
		const char *at = arena_printf(c->a, "%s.%s", path, e->string);

		if (skip_type && strcmp(e->string, "type") == 0)
			continue;
		if (m == NULL) {
			problem(c, at, "is not a field of this block");
			ok = false;
			continue;
		}
		if (m->kind == M_DERIVED || cJSON_IsNull(e))
			continue;
		value = check_member(c, m, e, at);
		if (value == NULL) {
			ok = false;
			continue;
		}
		cJSON_AddItemToObject(out, m->name, value);
	}
	for (const struct member *m = members; m->name != NULL; m++) {
		const cJSON *given = cJSON_GetObjectItemCaseSensitive(obj, m->name);

		if (m->required && (given == NULL || cJSON_IsNull(given))) {
			problem(c, arena_printf(c->a, "%s.%s", path, m->name), "is required");
			ok = false;
		}
	}
	if (!ok) {
		cJSON_Delete(out);
		return NULL;
	}
	return out;
}

/* What a product_list needs beside its members: what its source names. */
static bool check_product_list(struct check *c, const cJSON *block, const char *path)
{
	const char *source =
	    cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(block, "source"));
	static const struct {
		const char *source, *member, *message;
	} needs[] = {
	    {"category", "category", "is required when source is category"},
	    {"search", "query", "is required when source is search"},
	    {"list", "products", "is required when source is list"},
	};

	for (size_t i = 0; source != NULL && i < sizeof(needs) / sizeof(needs[0]); i++)
		if (strcmp(source, needs[i].source) == 0 &&
		    cJSON_GetObjectItemCaseSensitive(block, needs[i].member) == NULL) {
			problem(c, arena_printf(c->a, "%s.%s", path, needs[i].member),
				needs[i].message);
			return false;
		}
	return true;
}

/* The rich_text block's html: what cms_markdown_html() makes of its markdown. */
static int render_rich_text(struct check *c, cJSON *block)
{
	const char *md = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(block, "markdown"));
	char *html = NULL;
	int rc = cms_markdown_html(c->a, md != NULL ? md : "", c->site_url, &html);

	if (rc != SOUK_OK)
		return rc;
	cJSON_DeleteItemFromObjectCaseSensitive(block, "html");
	cJSON_AddStringToObject(block, "html", html);
	return SOUK_OK;
}

static cJSON *check_block(struct check *c, const cJSON *block, const char *path)
{
	const cJSON *type = cJSON_GetObjectItemCaseSensitive(block, "type");
	cJSON *out;

	if (!cJSON_IsObject(block)) {
		problem(c, path, "must be an object");
		return NULL;
	}
	if (!cJSON_IsString(type)) {
		problem(c, arena_printf(c->a, "%s.type", path), "is required");
		return NULL;
	}
	for (size_t i = 0; i < sizeof(block_types) / sizeof(block_types[0]); i++) {
		if (strcmp(block_types[i].name, type->valuestring) != 0)
			continue;
		out = check_object(c, block_types[i].members, block, path, 1);
		if (out == NULL)
			return NULL;
		if (strcmp(type->valuestring, "product_list") == 0 &&
		    !check_product_list(c, out, path)) {
			cJSON_Delete(out);
			return NULL;
		}
		cJSON_AddStringToObject(out, "type", block_types[i].name);
		if (strcmp(type->valuestring, "rich_text") == 0 && c->internal == SOUK_OK)
			c->internal = render_rich_text(c, out);
		return out;
	}
	problem(c, arena_printf(c->a, "%s.type", path), "is not a known block type");
	return NULL;
}

int cms_blocks_check(struct arena *a, const cJSON *blocks, const char *site_url, cJSON **normal,
		     cJSON **errors)
{
	struct check c = {.a = a, .site_url = site_url, .errors = json_new_object(a)};
	cJSON *doc = json_new_object(a), *list = cJSON_AddArrayToObject(doc, "blocks"), *b;
	const cJSON *e;
	int i = 0;

	if (!cJSON_IsArray(blocks)) {
		problem(&c, "blocks", "must be an array of blocks");
	} else if (cJSON_GetArraySize(blocks) > BLOCKS_MAX) {
		problem(&c, "blocks", "must have at most 100 blocks");
	} else {
		cJSON_ArrayForEach(e, blocks)
		{
			b = check_block(&c, e, arena_printf(a, "blocks[%d]", i++));
			if (b != NULL)
				cJSON_AddItemToArray(list, b);
		}
	}
	if (c.internal != SOUK_OK)
		return c.internal;
	if (c.errors->child != NULL) {
		*errors = c.errors;
		return SOUK_EINVALID;
	}
	*normal = doc;
	return SOUK_OK;
}

int cms_blocks_render(struct arena *a, cJSON *doc, const char *site_url)
{
	struct check c = {.a = a, .site_url = site_url};
	cJSON *blocks = cJSON_GetObjectItemCaseSensitive(doc, "blocks"), *b;
	const cJSON *type;
	int rc = SOUK_OK;

	cJSON_ArrayForEach(b, blocks)
	{
		type = cJSON_GetObjectItemCaseSensitive(b, "type");
		if (cJSON_IsString(type) && strcmp(type->valuestring, "rich_text") == 0 &&
		    !cJSON_IsString(cJSON_GetObjectItemCaseSensitive(b, "html")) && rc == SOUK_OK)
			rc = render_rich_text(&c, b);
	}
	return rc;
}
