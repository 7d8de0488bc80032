/*
 * cms.h - the shop's content: CMS pages, the blog, the team, enquiries,
 * feedback and reviews, SEO rules and metrics (src/cms/, one file each).
 *
 * Rich text (blog bodies, rich_text blocks of CMS pages) is Markdown,
 * rendered to HTML once, on save, and stored; what is served is never
 * rendered per request. Every piece of HTML that leaves this module has been
 * through the allow-list sanitiser of html.c.
 */
#ifndef SOUK_CMS_H
#define SOUK_CMS_H

#include <stdbool.h>
#include <stddef.h>

#include <cjson/cJSON.h>

struct arena;
struct http_request;
struct http_response;
struct worker;

/* --- html.c: Markdown and the sanitiser --- */

/*
 * Renders markdown (CommonMark plus GitHub's tables, autolinks and
 * strikethrough) in cmark-gfm's safe mode and sanitises the result with
 * cms_html_sanitize(). site_url is the shop's base URL ("https://shop.in"):
 * links to any other host get rel="noopener nofollow". Raw HTML in the
 * Markdown is removed (its text stays when inline), and so are images and
 * links whose target is not allowed (an image becomes nothing, a link
 * keeps its text). SOUK_OK with *html (arena; "" for NULL or ""),
 * SOUK_EINVALID when markdown is not UTF-8, SOUK_ETOOLARGE over 16 MiB.
 */
int cms_markdown_html(struct arena *a, const char *markdown, const char *site_url, char **html);

/*
 * The allow-list sanitiser: parses html as a body fragment (libxml2's HTML
 * parser, which repairs tag soup the way it does: a block such as <p> or
 * <div> closes an open <p> or heading, so "<h1><p>x</p></h1>" comes out as
 * "<h1></h1><p>x</p>") and writes back only allowed elements and
 * attributes, with every text and attribute value escaped and attributes in
 * double quotes. Removed with their content: script, style, iframe, object,
 * embed, form controls, svg, math, head elements and the like; comments and
 * processing instructions; unknown elements are dropped but their content
 * kept, and so are elements nested more than 64 deep. No on* attribute, no
 * style; href/src only http(s), mailto (href), scheme-relative, relative or
 * fragment URLs, else the attribute goes (an img without a usable src goes
 * whole). An absolute link to a host other than site_url's (NULL or "": any
 * host) gets rel="noopener nofollow". Bytes that are not UTF-8 become
 * U+FFFD. SOUK_OK with *out (arena; "" for NULL), SOUK_ETOOLARGE over
 * 16 MiB, SOUK_EINTERNAL when libxml2 fails.
 */
int cms_html_sanitize(struct arena *a, const char *html, const char *site_url, char **out);

/* The plain text of markdown (no markup, no raw HTML; runs of whitespace
 * and block breaks as one space, trimmed), for excerpts and word counts. It
 * is text, not HTML: escape it where it is written into a page. Arena;
 * "" for NULL and over 16 MiB; invalid UTF-8 bytes become U+FFFD. */
char *cms_markdown_text(struct arena *a, const char *markdown);

/* Words in text (runs of non-space; 0 for NULL), and the reading time in
 * minutes at 200 words a minute, rounded up, at least 1. */
size_t cms_word_count(const char *text);
int cms_reading_minutes(size_t words);

/* text cut to at most max characters (code points) at the last space that
 * fits, with "…" when cut (the ellipsis counts in max); a single word longer
 * than that is cut inside, never inside a UTF-8 sequence (but possibly
 * between a letter and its combining marks). Text that fits is copied
 * unchanged. A copy in the arena; "" for NULL or max 0. */
char *cms_cut_words(struct arena *a, const char *text, size_t max);

/* --- blocks.c: the block schema of CMS pages --- */

/*
 * Checks blocks (the "blocks" array an editor sent) against the block
 * schema. SOUK_OK with *normal ({"blocks": [...]}: known members only,
 * strings trimmed, each rich_text block with its rendered and sanitised
 * "html"), or SOUK_EINVALID with *errors (field path -> message, every
 * problem reported); SOUK_EINTERNAL when rendering fails. All arena-owned.
 */
int cms_blocks_check(struct arena *a, const cJSON *blocks, const char *site_url, cJSON **normal,
		     cJSON **errors);

/* Gives every rich_text block of doc (a normalised page) that has no "html"
 * its rendered and sanitised Markdown, in place. SOUK_OK or the error of
 * cms_markdown_html(). */
int cms_blocks_render(struct arena *a, cJSON *doc, const char *site_url);

/* --- pages.c: CMS pages (public read; staff with cms:write) --- */

int cms_page_get(struct worker *w, struct http_request *req, struct http_response *res);
int cms_pages_admin_index(struct worker *w, struct http_request *req, struct http_response *res);
int cms_pages_admin_create(struct worker *w, struct http_request *req, struct http_response *res);
int cms_pages_admin_show(struct worker *w, struct http_request *req, struct http_response *res);
int cms_pages_admin_update(struct worker *w, struct http_request *req, struct http_response *res);
int cms_pages_admin_preview(struct worker *w, struct http_request *req, struct http_response *res);
int cms_pages_admin_publish(struct worker *w, struct http_request *req, struct http_response *res);
int cms_pages_admin_unpublish(struct worker *w, struct http_request *req,
			      struct http_response *res);
int cms_pages_admin_versions(struct worker *w, struct http_request *req, struct http_response *res);
int cms_pages_admin_version(struct worker *w, struct http_request *req, struct http_response *res);
int cms_pages_admin_rollback(struct worker *w, struct http_request *req, struct http_response *res);

/* --- blog.c: the blog and its feeds (public read; staff with blog:write) --- */

int cms_blog_index(struct worker *w, struct http_request *req, struct http_response *res);
int cms_blog_show(struct worker *w, struct http_request *req, struct http_response *res);
int cms_blog_rss(struct worker *w, struct http_request *req, struct http_response *res);
int cms_blog_atom(struct worker *w, struct http_request *req, struct http_response *res);
int cms_blog_admin_index(struct worker *w, struct http_request *req, struct http_response *res);
int cms_blog_admin_create(struct worker *w, struct http_request *req, struct http_response *res);
int cms_blog_admin_show(struct worker *w, struct http_request *req, struct http_response *res);
int cms_blog_admin_update(struct worker *w, struct http_request *req, struct http_response *res);
int cms_blog_admin_delete(struct worker *w, struct http_request *req, struct http_response *res);

/* souk-jobs "publish": counts the scheduled posts whose time has come since
 * the last run (a mark in Redis) into *count, renders posts written by SQL
 * that have no html yet (50 a run), and when either happened retires the
 * cached reads so they appear. SOUK_OK, SOUK_EDB or SOUK_EREDIS. */
int cms_blog_publish_due(struct worker *w, struct arena *a, long *count);

/* --- team.c: the team page (public read; staff with team:write) --- */

int cms_team_index(struct worker *w, struct http_request *req, struct http_response *res);
int cms_team_admin_index(struct worker *w, struct http_request *req, struct http_response *res);
int cms_team_admin_create(struct worker *w, struct http_request *req, struct http_response *res);
int cms_team_admin_update(struct worker *w, struct http_request *req, struct http_response *res);
int cms_team_admin_delete(struct worker *w, struct http_request *req, struct http_response *res);
int cms_team_admin_reorder(struct worker *w, struct http_request *req, struct http_response *res);

/* --- enquiries.c: the contact form and the inbox (enquiries:manage) --- */

int cms_enquiry_create(struct worker *w, struct http_request *req, struct http_response *res);
int cms_enquiries_admin_index(struct worker *w, struct http_request *req,
			      struct http_response *res);
int cms_enquiries_admin_show(struct worker *w, struct http_request *req, struct http_response *res);
int cms_enquiries_admin_update(struct worker *w, struct http_request *req,
			       struct http_response *res);
int cms_enquiries_admin_note(struct worker *w, struct http_request *req, struct http_response *res);
int cms_enquiries_admin_reply(struct worker *w, struct http_request *req,
			      struct http_response *res);

/* --- feedback.c: reviews, site feedback, moderation (feedback:moderate) --- */

int cms_reviews_index(struct worker *w, struct http_request *req, struct http_response *res);
int cms_rating_show(struct worker *w, struct http_request *req, struct http_response *res);
int cms_review_put(struct worker *w, struct http_request *req, struct http_response *res);
int cms_review_mine(struct worker *w, struct http_request *req, struct http_response *res);
int cms_review_delete(struct worker *w, struct http_request *req, struct http_response *res);
int cms_site_feedback_create(struct worker *w, struct http_request *req, struct http_response *res);
int cms_feedback_admin_index(struct worker *w, struct http_request *req, struct http_response *res);
int cms_feedback_admin_approve(struct worker *w, struct http_request *req,
			       struct http_response *res);
int cms_feedback_admin_reject(struct worker *w, struct http_request *req,
			      struct http_response *res);

/* --- seo.c: meta, the crawler's HTML head, sitemap, robots.txt, rules --- */

/* Whether tmpl names only known variables ({{title}}, ...); *bad says what
 * is wrong otherwise (static text). */
bool cms_seo_template_valid(const char *tmpl, const char **bad);

int cms_seo_get(struct worker *w, struct http_request *req, struct http_response *res);
int cms_seo_html(struct worker *w, struct http_request *req, struct http_response *res);
int cms_seo_sitemap(struct worker *w, struct http_request *req, struct http_response *res);
int cms_seo_sitemap_part(struct worker *w, struct http_request *req, struct http_response *res);
int cms_seo_robots(struct worker *w, struct http_request *req, struct http_response *res);
int cms_seo_rules_index(struct worker *w, struct http_request *req, struct http_response *res);
int cms_seo_rule_put(struct worker *w, struct http_request *req, struct http_response *res);
int cms_seo_rule_delete(struct worker *w, struct http_request *req, struct http_response *res);
int cms_seo_preview(struct worker *w, struct http_request *req, struct http_response *res);

/* --- metrics.c: page views and searches (Redis), their rollup, reports --- */

/* Whether a User-Agent is a bot's (or missing): its views are not counted. */
bool cms_metrics_is_bot(const char *ua);

/* Counts one search for q (the first page of a search; found_nothing: the
 * search found nothing, which marks the term for the day instead). Never
 * fails: a metric lost with Redis is not the searcher's problem. */
void cms_metrics_search(struct worker *w, struct arena *a, const char *q, bool found_nothing);

/* souk-jobs rollup: the counters of the last three days into
 * seo_metrics_daily and search_metrics_daily, as they stand (idempotent:
 * a second run writes the same rows). *rows: rows written. SOUK_OK,
 * SOUK_EDB or SOUK_EREDIS. */
int cms_metrics_rollup(struct worker *w, struct arena *a, long *rows);

/* The query of a staff report: ?from=&to= (YYYY-MM-DD, the shop's days in
 * IST; the last 30 days by default, at most 366 days) and ?limit= (1..100,
 * default 20). Sets *from, *to and *limit (text, arena-owned) on success;
 * SOUK_EINVALID with the field errors on req. Shared by the sales report
 * (src/commerce/orders_admin.c). */
int cms_metrics_report_params(struct http_request *req, const char **from, const char **to,
			      const char **limit);
int cms_metrics_pageview(struct worker *w, struct http_request *req, struct http_response *res);
int cms_metrics_views(struct worker *w, struct http_request *req, struct http_response *res);
int cms_metrics_pages(struct worker *w, struct http_request *req, struct http_response *res);
int cms_metrics_referrers(struct worker *w, struct http_request *req, struct http_response *res);
int cms_metrics_searches(struct worker *w, struct http_request *req, struct http_response *res);

#endif
