/*
 * metrics.c - traffic and search counters: counted in Redis as they happen,
 * rolled up into PostgreSQL by `souk-jobs rollup`, read by staff
 * (metrics:read).
 *
 * Redis, per day of the shop (IST, Asia/Kolkata, which has no summer time):
 *   metrics:<day>:views          hash  path -> page views
 *   metrics:<day>:uv:<path>      HyperLogLog of visitors (uniques)
 *   metrics:<day>:ref:<path>     hash  referring host ("direct") -> views
 *   metrics:<day>:search         hash  search terms -> searches
 *   metrics:<day>:zero           set   terms whose search found nothing
 * Each key lives METRICS_KEEP_DAYS. A visitor is a SHA-256 of the day, the
 * client address, the User-Agent and a server secret: only the HyperLogLog's
 * registers are kept, so no address or personal data is stored, and
 * visitors cannot be followed from one day to the next. Requests whose
 * User-Agent looks like a bot (or is missing) are not counted. A day holds
 * at most METRICS_PATHS_MAX paths (what comes after is dropped, so a flood
 * of made-up paths cannot fill Redis).
 *
 * The rollup writes each (day, path) and (day, term) row from the counters
 * as they stand, never less than the row holds (INSERT ... ON CONFLICT DO
 * UPDATE with greatest()), so running it twice counts once.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "souk/arena.h"
#include "souk/cms.h"
#include "souk/config.h"
#include "souk/crypto.h"
#include "souk/db.h"
#include "souk/err.h"
#include "souk/http.h"
#include "souk/json.h"
#include "souk/log.h"
#include "souk/ratelimit.h"
#include "souk/redis.h"
#include "souk/str.h"
#include "souk/worker.h"

#define METRICS_KEEP_DAYS 8
#define METRICS_PATHS_MAX 5000
#define METRICS_TERMS_MAX 5000
#define REFERRERS_MAX 100	 /* hosts kept per path and day */
#define METRICS_ROLLUP_DAYS 3	 /* today and the two days before */
#define IST_OFFSET_SECONDS 19800 /* +05:30 */
#define BEACONS_PER_MINUTE 120	 /* per client address */

/* clang-format off */
static struct db_statement page_upsert = {
	.name = "cms_metrics_page_upsert",
	.sql = "INSERT INTO seo_metrics_daily AS m (day, path, views, uniques, referrers)"
	       " VALUES ($1::date, $2, $3::bigint, $4::bigint, $5::jsonb)"
	       " ON CONFLICT (day, path) DO UPDATE SET views = greatest(m.views, EXCLUDED.views),"
	       " uniques = greatest(m.uniques, EXCLUDED.uniques),"
	       " referrers = CASE WHEN EXCLUDED.views >= m.views THEN EXCLUDED.referrers"
	       "  ELSE m.referrers END",
	.nparams = 5,
};

static struct db_statement search_upsert = {
	.name = "cms_metrics_search_upsert",
	.sql = "INSERT INTO search_metrics_daily AS m (day, term, searches, zero_results)"
	       " VALUES ($1::date, $2, $3::bigint, $4::bigint)"
	       " ON CONFLICT (day, term) DO UPDATE SET searches = greatest(m.searches, EXCLUDED.searches),"
	       " zero_results = greatest(m.zero_results, EXCLUDED.zero_results)",
	.nparams = 4,
};

/* $3: a path, or NULL for the whole site */
static struct db_statement series = {
	.name = "cms_metrics_series",
	.sql = "SELECT json_build_object('items', coalesce(json_agg(json_build_object("
	       " 'day', d.day::text, 'views', coalesce(s.views, 0), 'uniques', coalesce(s.uniques, 0))"
	       " ORDER BY d.day), '[]'), 'next_cursor', NULL)::text"
	       " FROM generate_series($1::date, $2::date, interval '1 day') AS d0 (ts)"
	       " CROSS JOIN LATERAL (SELECT d0.ts::date AS day) d"
	       " LEFT JOIN LATERAL (SELECT sum(m.views)::bigint AS views, sum(m.uniques)::bigint AS uniques"
	       "  FROM seo_metrics_daily m WHERE m.day = d.day AND ($3::text IS NULL OR m.path = $3)) s"
	       " ON true",
	.nparams = 3,
	.flags = DB_READONLY | DB_CUSTOM_PLAN,
};

static struct db_statement top_pages = {
	.name = "cms_metrics_top_pages",
	.sql = "SELECT json_build_object('items', coalesce(json_agg(json_build_object("
	       " 'path', x.path, 'views', x.views, 'uniques', x.uniques) ORDER BY x.views DESC,"
	       " x.path), '[]'), 'next_cursor', NULL)::text FROM ("
	       " SELECT m.path, sum(m.views)::bigint AS views, sum(m.uniques)::bigint AS uniques"
	       " FROM seo_metrics_daily m WHERE m.day BETWEEN $1::date AND $2::date"
	       " GROUP BY m.path ORDER BY views DESC, m.path LIMIT $3::int) x",
	.nparams = 3,
	.flags = DB_READONLY,
};

static struct db_statement top_referrers = {
	.name = "cms_metrics_top_referrers",
	.sql = "SELECT json_build_object('items', coalesce(json_agg(json_build_object("
	       " 'host', x.host, 'views', x.views) ORDER BY x.views DESC, x.host), '[]'),"
	       " 'next_cursor', NULL)::text FROM ("
	       " SELECT r.key AS host, sum(r.value::bigint)::bigint AS views"
	       " FROM seo_metrics_daily m CROSS JOIN LATERAL jsonb_each_text(m.referrers) r"
	       " WHERE m.day BETWEEN $1::date AND $2::date"
	       " GROUP BY r.key ORDER BY views DESC, r.key LIMIT $3::int) x",
	.nparams = 3,
	.flags = DB_READONLY,
};

/* $4: true = only terms that found nothing */
static struct db_statement top_searches = {
	.name = "cms_metrics_top_searches",
	.sql = "SELECT json_build_object('items', coalesce(json_agg(json_build_object("
	       " 'term', x.term, 'searches', x.searches, 'zero_results', x.zero_results)"
	       " ORDER BY x.searches DESC, x.term), '[]'), 'next_cursor', NULL)::text FROM ("
	       " SELECT s.term, sum(s.searches)::bigint AS searches,"
	       " sum(s.zero_results)::bigint AS zero_results"
	       " FROM search_metrics_daily s WHERE s.day BETWEEN $1::date AND $2::date"
	       " GROUP BY s.term HAVING NOT $4::boolean OR sum(s.zero_results) > 0"
	       " ORDER BY searches DESC, s.term LIMIT $3::int) x",
	.nparams = 4,
	.flags = DB_READONLY,
};
/* clang-format on */

/* ------------------------------------------------------------------------
 * Counting
 * ------------------------------------------------------------------------ */

/* The shop's day, days_back before today: "2026-12-07". */
static const char *shop_day(struct arena *a, int days_back)
{
	time_t t = time(NULL) + IST_OFFSET_SECONDS - (time_t)days_back * 86400;
	struct tm tm;
	char buf[16];

	gmtime_r(&t, &tm);
	strftime(buf, sizeof(buf), "%Y-%m-%d", &tm);
	return arena_strdup(a, buf);
}

bool cms_metrics_is_bot(const char *ua)
{
	static const char *const marks[] = {
	    "bot",     "crawl",	     "spider",	 "slurp",      "curl/",	     "wget",
	    "python-", "httpclient", "headless", "lighthouse", "preview",    "facebookexternalhit",
	    "monitor", "scrapy",     "go-http",	 "java/",      "node-fetch", "axios/",
	    "pingdom", "uptime",     NULL,
	};

	if (ua == NULL || strlen(ua) < 10)
		return true;
	for (const char *const *m = marks; *m != NULL; m++)
		if (strcasestr(ua, *m) != NULL)
			return true;
	return false;
}

/* The host of a referrer URL, lower-case, without "www."; "direct" for
 * none or for the shop itself; NULL for something that is not a URL. */
static const char *referrer_host(struct worker *w, struct arena *a, const char *referrer)
{
	const char *p, *site;
	size_t n;
	char *host;

	if (referrer == NULL || referrer[0] == '\0')
		return "direct";
	p = strstr(referrer, "://");
	if (p == NULL || (strncasecmp(referrer, "http", 4) != 0))
		return NULL;
	p += 3;
	n = strcspn(p, "/:?#");
	if (n == 0 || n > 100)
		return NULL;
	host = arena_strndup(a, p, n);
	for (char *c = host; *c; c++) {
		if (*c >= 'A' && *c <= 'Z')
			*c = (char)(*c - 'A' + 'a');
		else if (!((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '.' ||
			   *c == '-'))
			return NULL;
	}
	if (strncmp(host, "www.", 4) == 0)
		host += 4;
	if (*host == '\0')
		return NULL;
	site = strstr(w->config->public_url, "://");
	if (site != NULL) {
		site += 3;
		if (strncasecmp(site, "www.", 4) == 0)
			site += 4;
		if (strncasecmp(site, host, strlen(host)) == 0 && strchr("/:", site[strlen(host)]))
			return "direct"; /* moving around the shop */
	}
	return host;
}

static int redis_do(struct worker *w, struct arena *a, redisReply **reply, int argc,
		    const char **argv)
{
	return redis_command(&w->redis, a, reply, 0, argc, argv, NULL);
}

/* One round trip a view: KEYS views hash, visitors HyperLogLog, referrers
 * hash; ARGV path, visitor, host, ttl, paths max, referrers max. A new path
 * past the day's maximum is not counted; a new host past its maximum counts
 * as "other". */
static const char VIEW_SCRIPT[] =
    "if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 0 and\n"
    "   redis.call('HLEN', KEYS[1]) >= tonumber(ARGV[5]) then return 0 end\n"
    "local host = ARGV[3]\n"
    "if redis.call('HEXISTS', KEYS[3], host) == 0 and\n"
    "   redis.call('HLEN', KEYS[3]) >= tonumber(ARGV[6]) then host = 'other' end\n"
    "redis.call('HINCRBY', KEYS[1], ARGV[1], 1)\n"
    "redis.call('PFADD', KEYS[2], ARGV[2])\n"
    "redis.call('HINCRBY', KEYS[3], host, 1)\n"
    "for i = 1, 3 do redis.call('EXPIRE', KEYS[i], ARGV[4]) end\n"
    "return 1\n";

/* Counts one view of path (normalised) from referrer host by visitor. */
static int count_view(struct worker *w, struct arena *a, const char *path, const char *host,
		      const char *visitor)
{
	const char *day = shop_day(a, 0);
	redisReply *reply = NULL;
	const char *argv[] = {"EVAL",
			      VIEW_SCRIPT,
			      "3",
			      arena_printf(a, "metrics:%s:views", day),
			      arena_printf(a, "metrics:%s:uv:%s", day, path),
			      arena_printf(a, "metrics:%s:ref:%s", day, path),
			      path,
			      visitor,
			      host,
			      arena_printf(a, "%d", METRICS_KEEP_DAYS * 86400),
			      arena_printf(a, "%d", METRICS_PATHS_MAX),
			      arena_printf(a, "%d", REFERRERS_MAX)};
	int rc = redis_do(w, a, &reply, 12, argv);

	if (rc == SOUK_OK && reply->type == REDIS_REPLY_ERROR) {
		log_msg(LOG_WARN, "pageview not counted: %s", reply->str);
		return SOUK_EREDIS;
	}
	return rc;
}

/* The path as counted: no query or fragment, no trailing slash (but "/"),
 * at most 300 bytes of UTF-8, not an API or internal path. NULL when it is
 * not one to count. */
static char *path_normal(struct arena *a, const char *path)
{
	char *p;
	size_t n;

	if (path == NULL || path[0] != '/' || path[1] == '/')
		return NULL;
	p = arena_strndup(a, path, strcspn(path, "?#"));
	n = strlen(p);
	while (n > 1 && p[n - 1] == '/')
		p[--n] = '\0';
	if (n > 300 || !str_is_utf8(p, n) || strncmp(p, "/api/", 5) == 0 ||
	    strncmp(p, "/_", 2) == 0 || strcmp(p, "/api") == 0)
		return NULL;
	for (char *c = p; *c; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f || *c == ' ')
			return NULL;
	return p;
}

struct pageview {
	const char *path, *referrer;
};

static const struct validate_field pageview_fields[] = {
    {"path", VALIDATE_STRING, VALIDATE_REQUIRED, 1, 2000, offsetof(struct pageview, path)},
    {"referrer", VALIDATE_STRING, VALIDATE_NULLABLE, 0, 2000, offsetof(struct pageview, referrer)},
};

/* POST /api/v1/metrics/pageview {path, referrer?} (a sendBeacon target,
 * JSON): 202, counted unless from a bot; 422 for a path that is not one of
 * the site's; 429 past 120 a minute from one address. Redis down: 202, not
 * counted (logged). */
int cms_metrics_pageview(struct worker *w, struct http_request *req, struct http_response *res)
{
	struct pageview pv = {0};
	const char *ua = http_header(req, "user-agent"), *host;
	char visitor[CRYPTO_SHA256_HEX_LEN + 1];
	char *path, *seed;
	long retry = 0;
	int rc = HTTP_VALIDATE(req, pageview_fields, &pv, NULL);

	if (rc != SOUK_OK)
		return rc;
	path = path_normal(req->arena, pv.path);
	if (path == NULL)
		return http_field_error(req, "path",
					"must be a path of the site, such as /products/x");
	host = referrer_host(w, req->arena, pv.referrer);
	if (host == NULL)
		host = "other";
	rc = ratelimit_hit(&w->redis, req->arena,
			   arena_printf(req->arena, "rl:pageview:%s", req->remote_addr),
			   BEACONS_PER_MINUTE, 60, &retry);
	if (rc == SOUK_ERATELIMIT) {
		http_response_header(res, "Retry-After", arena_printf(req->arena, "%ld", retry));
		return rc;
	}
	http_response_empty(res, 202);
	if (cms_metrics_is_bot(ua))
		return SOUK_OK;
	seed = arena_printf(req->arena, "%s|%s|%s|%s", shop_day(req->arena, 0),
			    req->remote_addr != NULL ? req->remote_addr : "", ua,
			    w->config->jwt_secret);
	crypto_sha256_hex(seed, strlen(seed), visitor);
	if (count_view(w, req->arena, path, host, visitor) != SOUK_OK)
		log_msg(LOG_WARN, "pageview not counted: Redis is unavailable");
	return SOUK_OK;
}

/* A search term as counted: lower-case ASCII letters, whitespace collapsed,
 * trimmed, at most 100 bytes; NULL when nothing is left. */
static char *term_normal(struct arena *a, const char *q)
{
	char *t = arena_alloc(a, strlen(q) + 1), *o = t;
	bool space = true;

	for (const char *c = q; *c && o - t < 100; c++) {
		bool is_space = *c == ' ' || *c == '\t' || *c == '\n' || *c == '\r';

		if (is_space && space)
			continue;
		*o++ = is_space ? ' ' : (*c >= 'A' && *c <= 'Z') ? (char)(*c - 'A' + 'a') : *c;
		space = is_space;
	}
	/* never end inside a UTF-8 sequence cut at 100 bytes, nor on a space */
	while (o > t && !str_is_utf8(t, (size_t)(o - t)))
		o--;
	while (o > t && o[-1] == ' ')
		o--;
	*o = '\0';
	return *t != '\0' ? t : NULL;
}

/* One round trip a search (the search path is hot): count the term in the
 * hash KEYS[1] (or mark it in the set, ARGV[4] = "set") unless the day
 * already holds ARGV[2] terms and not this one; keep the key ARGV[3] s. */
static const char SEARCH_SCRIPT[] =
    "local set = ARGV[4] == 'set'\n"
    "local n = set and redis.call('SCARD', KEYS[1]) or redis.call('HLEN', KEYS[1])\n"
    "if n >= tonumber(ARGV[2]) then\n"
    "  local known = set and redis.call('SISMEMBER', KEYS[1], ARGV[1])\n"
    "    or redis.call('HEXISTS', KEYS[1], ARGV[1])\n"
    "  if known == 0 then return 0 end\n"
    "end\n"
    "if set then redis.call('SADD', KEYS[1], ARGV[1])\n"
    "else redis.call('HINCRBY', KEYS[1], ARGV[1], 1) end\n"
    "redis.call('EXPIRE', KEYS[1], ARGV[3])\n"
    "return 1\n";

void cms_metrics_search(struct worker *w, struct arena *a, const char *q, bool found_nothing)
{
	const char *day = shop_day(a, 0);
	const char *key = arena_printf(a, "metrics:%s:%s", day, found_nothing ? "zero" : "search");
	char *term = q != NULL ? term_normal(a, q) : NULL;
	redisReply *reply = NULL;

	if (term == NULL)
		return;
	const char *argv[] = {"EVAL",
			      SEARCH_SCRIPT,
			      "1",
			      key,
			      term,
			      arena_printf(a, "%d", METRICS_TERMS_MAX),
			      arena_printf(a, "%d", METRICS_KEEP_DAYS * 86400),
			      found_nothing ? "set" : "hash"};
	(void)redis_do(w, a, &reply, 8, argv);
}

/* ------------------------------------------------------------------------
 * souk-jobs rollup
 * ------------------------------------------------------------------------ */

/* The referrers hash of (day, path) as a JSON object text. */
static int referrers_json(struct worker *w, struct arena *a, const char *day, const char *path,
			  const char **out)
{
	const char *cmd[] = {"HGETALL", arena_printf(a, "metrics:%s:ref:%s", day, path)};
	redisReply *reply = NULL;
	cJSON *doc = json_new_object(a);
	int rc = redis_do(w, a, &reply, 2, cmd);

	if (rc != SOUK_OK)
		return rc;
	for (size_t i = 0; reply->type == REDIS_REPLY_ARRAY && i + 1 < reply->elements; i += 2)
		cJSON_AddNumberToObject(doc, reply->element[i]->str,
					strtod(reply->element[i + 1]->str, NULL));
	*out = json_print(a, doc);
	return SOUK_OK;
}

static int rollup_pages(struct worker *w, struct arena *a, const char *day, long *rows)
{
	const char *cmd[] = {"HGETALL", arena_printf(a, "metrics:%s:views", day)};
	redisReply *views = NULL, *uniq = NULL;
	int rc = redis_do(w, a, &views, 2, cmd);

	for (size_t i = 0;
	     rc == SOUK_OK && views->type == REDIS_REPLY_ARRAY && i + 1 < views->elements; i += 2) {
		const char *path = views->element[i]->str, *refs = "{}";
		const char *pf[] = {"PFCOUNT", arena_printf(a, "metrics:%s:uv:%s", day, path)};

		rc = redis_do(w, a, &uniq, 2, pf);
		if (rc == SOUK_OK)
			rc = referrers_json(w, a, day, path, &refs);
		if (rc != SOUK_OK)
			break;
		const char *params[] = {day, path, views->element[i + 1]->str,
					arena_printf(a, "%lld", uniq->integer), refs};
		rc = db_exec(&w->db, a, &page_upsert, params, NULL);
		*rows += rc == SOUK_OK;
	}
	return rc;
}

static int rollup_searches(struct worker *w, struct arena *a, const char *day, long *rows)
{
	const char *all[] = {"HGETALL", arena_printf(a, "metrics:%s:search", day)};
	const char *zero_key = arena_printf(a, "metrics:%s:zero", day);
	redisReply *terms = NULL, *zero = NULL;
	int rc = redis_do(w, a, &terms, 2, all);

	for (size_t i = 0;
	     rc == SOUK_OK && terms->type == REDIS_REPLY_ARRAY && i + 1 < terms->elements; i += 2) {
		const char *term = terms->element[i]->str, *count = terms->element[i + 1]->str;
		const char *member[] = {"SISMEMBER", zero_key, term};

		rc = redis_do(w, a, &zero, 3, member);
		if (rc != SOUK_OK)
			break;
		/* a term that found nothing found nothing every time that day (the
		 * answer is the same for everyone while the catalog stands) */
		const char *params[] = {day, term, count,
					zero->type == REDIS_REPLY_INTEGER && zero->integer ? count
											   : "0"};
		rc = db_exec(&w->db, a, &search_upsert, params, NULL);
		*rows += rc == SOUK_OK;
	}
	return rc;
}

int cms_metrics_rollup(struct worker *w, struct arena *a, long *rows)
{
	int rc = SOUK_OK;

	*rows = 0;
	for (int back = 0; back < METRICS_ROLLUP_DAYS && rc == SOUK_OK; back++) {
		const char *day = shop_day(a, back);

		rc = db_begin(&w->db, a);
		if (rc != SOUK_OK)
			return rc;
		rc = rollup_pages(w, a, day, rows);
		if (rc == SOUK_OK)
			rc = rollup_searches(w, a, day, rows);
		rc = db_end(&w->db, a, rc);
	}
	return rc;
}

/* ------------------------------------------------------------------------
 * Staff reports (metrics:read)
 * ------------------------------------------------------------------------ */

/* ?from=&to= (YYYY-MM-DD, the last 30 days by default, at most 366 days)
 * and ?limit= (1..100, default 20). SOUK_OK or SOUK_EINVALID. */
int cms_metrics_report_params(struct http_request *req, const char **from, const char **to,
			      const char **limit)
{
	const char *f = http_query(req, "from"), *t = http_query(req, "to");
	const char *l = http_query(req, "limit");
	long n = 20;
	bool bad = false;

	if (f != NULL && !str_is_date(f))
		bad = http_field_error(req, "from", "must be a date such as 2026-12-01");
	if (t != NULL && !str_is_date(t))
		bad = http_field_error(req, "to", "must be a date such as 2026-12-31");
	if (l != NULL && str_to_long(l, 1, 100, &n) != SOUK_OK)
		bad = http_field_error(req, "limit", "must be a whole number from 1 to 100");
	if (bad)
		return SOUK_EINVALID;
	*to = t != NULL ? t : shop_day(req->arena, 0);
	*from = f != NULL ? f : shop_day(req->arena, 29);
	if (strcmp(*from, *to) > 0)
		return http_field_error(req, "from", "must not be after to");
	struct tm a = {0}, b = {0};
	strptime(*from, "%Y-%m-%d", &a);
	strptime(*to, "%Y-%m-%d", &b);
	if (difftime(timegm(&b), timegm(&a)) > 366.0 * 86400)
		return http_field_error(req, "from", "must be at most 366 days before to");
	*limit = arena_printf(req->arena, "%ld", n);
	return SOUK_OK;
}

static int report(struct worker *w, struct http_request *req, struct http_response *res,
		  struct db_statement *st, const char *const *params)
{
	PGresult *r = NULL;
	int rc = db_exec(&w->db, req->arena, st, params, &r);

	if (rc != SOUK_OK)
		return rc;
	http_response_body(res, 200, PQgetvalue(r, 0, 0), (size_t)PQgetlength(r, 0, 0));
	return SOUK_OK;
}

/* GET /api/v1/admin/metrics/views?from=&to=&path=: 200 {"items": [{day,
 * views, uniques}]}, every day of the range (the whole site without path;
 * uniques summed over paths); 422. */
int cms_metrics_views(struct worker *w, struct http_request *req, struct http_response *res)
{
	const char *from = NULL, *to = NULL, *limit = NULL, *path = http_query(req, "path");
	int rc = cms_metrics_report_params(req, &from, &to, &limit);

	if (path != NULL && (path = path_normal(req->arena, path)) == NULL)
		return http_field_error(req, "path", "must be a path of the site");
	if (rc != SOUK_OK)
		return rc;
	const char *params[] = {from, to, path};
	return report(w, req, res, &series, params);
}

/* GET /api/v1/admin/metrics/pages?from=&to=&limit=: 200 the most viewed
 * paths {path, views, uniques}; 422. */
int cms_metrics_pages(struct worker *w, struct http_request *req, struct http_response *res)
{
	const char *from = NULL, *to = NULL, *limit = NULL;
	int rc = cms_metrics_report_params(req, &from, &to, &limit);

	if (rc != SOUK_OK)
		return rc;
	const char *params[] = {from, to, limit};
	return report(w, req, res, &top_pages, params);
}

/* GET /api/v1/admin/metrics/referrers?from=&to=&limit=: 200 the hosts that
 * sent the most views {host, views} ("direct": none or the shop); 422. */
int cms_metrics_referrers(struct worker *w, struct http_request *req, struct http_response *res)
{
	const char *from = NULL, *to = NULL, *limit = NULL;
	int rc = cms_metrics_report_params(req, &from, &to, &limit);

	if (rc != SOUK_OK)
		return rc;
	const char *params[] = {from, to, limit};
	return report(w, req, res, &top_referrers, params);
}

/* GET /api/v1/admin/metrics/searches?from=&to=&limit=&zero=1: 200 the most
 * searched terms {term, searches, zero_results}; zero=1: only terms that
 * found nothing; 422. */
int cms_metrics_searches(struct worker *w, struct http_request *req, struct http_response *res)
{
	const char *from = NULL, *to = NULL, *limit = NULL, *zero = http_query(req, "zero");
	int rc = cms_metrics_report_params(req, &from, &to, &limit);

	if (zero != NULL && strcmp(zero, "1") != 0 && strcmp(zero, "0") != 0)
		return http_field_error(req, "zero", "must be 1 or 0");
	if (rc != SOUK_OK)
		return rc;
	const char *params[] = {from, to, limit, zero != NULL && zero[0] == '1' ? "true" : "false"};
	return report(w, req, res, &top_searches, params);
}
