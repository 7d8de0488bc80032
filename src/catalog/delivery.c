/*
 * delivery.c - who may download what, and the download itself.
 *
 * An entitlement (a paid order, a claimed free product, a grant) lets its
 * user download the product's files; staff with products:write may download
 * anything. Each download link issued is a row of download_log, and the
 * limit counts per file of an entitlement: a product with five files
 * downloaded once each uses one download of each, not five of one. The link
 * is short-lived: local storage answers with a signed URL of this API that
 * ends in X-Accel-Redirect (nginx sends the bytes), S3 with a presigned GET.
 * Nothing in a link can be changed or reused past its expiry: its payload
 * is covered by an HMAC under a key derived from SOUK_JWT_SECRET.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "souk/arena.h"
#include "souk/audit.h"
#include "souk/auth.h"
#include "souk/catalog.h"
#include "souk/config.h"
#include "souk/db.h"
#include "souk/err.h"
#include "souk/http.h"
#include "souk/json.h"
#include "souk/page.h"
#include "souk/storage.h"
#include "souk/str.h"
#include "souk/token.h"
#include "souk/worker.h"

/* SQL is laid out by hand, one clause a line: */
/* clang-format off */
#define FILE_FIELDS                                                                                \
	"f.id, f.public_id, f.label, f.version, f.filename, f.size_bytes, f.sha256,"               \
	" f.content_type, f.storage_key"

static struct db_statement file_by_id = {
	.name = "delivery_file_by_id",
	.sql = "SELECT " FILE_FIELDS " FROM product_files f"
	       " WHERE f.public_id = $1::uuid AND f.product_id = $2::bigint",
	.nparams = 2,
	.flags = DB_READONLY,
};

/* The newest version of each label: what a buyer gets by default. */
static struct db_statement files_current = {
	.name = "delivery_files_current",
	.sql = "SELECT " FILE_FIELDS " FROM (SELECT DISTINCT ON (label) * FROM product_files"
	       " WHERE product_id = $1::bigint ORDER BY label, version DESC) f ORDER BY f.label",
	.nparams = 1,
	.flags = DB_READONLY,
};

/* Locks the entitlement, so two downloads at once cannot both take the last
 * one left. */
static struct db_statement entitlement_lock = {
	.name = "delivery_entitlement_lock",
	.sql = "SELECT e.id, e.expires_at IS NOT NULL AND e.expires_at <= now(),"
	       " coalesce(e.download_limit, p.download_limit, $3::int), e.suspended_at IS NOT NULL"
	       " FROM entitlements e JOIN products p ON p.id = e.product_id"
	       " WHERE e.user_id = $1::bigint AND e.product_id = $2::bigint"
	       " AND e.revoked_at IS NULL FOR UPDATE OF e",
	.nparams = 3,
};

static struct db_statement downloads_used = {
	.name = "delivery_downloads_used",
	.sql = "SELECT count(*) FROM download_log"
	       " WHERE entitlement_id = $1::bigint AND product_file_id = $2::bigint",
	.nparams = 2,
};

static struct db_statement download_insert = {
	.name = "delivery_download_insert",
	.sql = "INSERT INTO download_log (entitlement_id, product_file_id, user_id, ip, user_agent)"
	       " VALUES ($1::bigint, $2::bigint, $3::bigint, NULLIF($4, '')::inet,"
	       " left(NULLIF($5, ''), 1000)) RETURNING id",
	.nparams = 5,
};

/* What a signed link names: a download (buyers) or a file (staff). Both
 * only while the entitlement still stands. */
static struct db_statement link_download = {
	.name = "delivery_link_download",
	.sql = "SELECT f.storage_key, f.filename, f.content_type FROM download_log d"
	       " JOIN product_files f ON f.id = d.product_file_id"
	       " JOIN entitlements e ON e.id = d.entitlement_id"
	       " WHERE d.id = $1::bigint AND e.revoked_at IS NULL AND e.suspended_at IS NULL",
	.nparams = 1,
	.flags = DB_READONLY,
};

static struct db_statement link_file = {
	.name = "delivery_link_file",
	.sql = "SELECT f.storage_key, f.filename, f.content_type FROM product_files f"
	       " WHERE f.id = $1::bigint",
	.nparams = 1,
	.flags = DB_READONLY,
};

static struct db_statement claim_insert = {
	.name = "delivery_claim_insert",
	.sql = "INSERT INTO entitlements (user_id, product_id, source)"
	       " VALUES ($1::bigint, $2::bigint, 'free_claim')"
	       " ON CONFLICT (user_id, product_id) DO NOTHING RETURNING public_id",
	.nparams = 2,
};

static struct db_statement claim_existing = {
	.name = "delivery_claim_existing",
	.sql = "SELECT public_id, revoked_at IS NOT NULL FROM entitlements"
	       " WHERE user_id = $1::bigint AND product_id = $2::bigint",
	.nparams = 2,
	.flags = DB_READONLY,
};

/* The library, newest first, keyset on the entitlement (limit + 1 rows
 * tell whether a page follows). Limits and counts are per file, as
 * downloads count them. */
static struct db_statement library = {
	.name = "delivery_library",
	.sql = "SELECT coalesce(json_agg(x.item ORDER BY x.k DESC) FILTER (WHERE x.n <= $4::int),"
	       "   '[]')::text,"
	       " count(*) > $4::int, min(x.k) FILTER (WHERE x.n <= $4::int) FROM ("
	       " SELECT e.id AS k, row_number() OVER (ORDER BY e.id DESC) AS n, json_build_object("
	       " 'slug', p.slug, 'title', p.title, 'cover_image_url', p.cover_image_url,"
	       " 'product_status', p.status, 'source', e.source,"
	       " 'acquired_at', " DB_TS("e.created_at") ", 'expires_at', " DB_TS("e.expires_at") ","
	       " 'expired', coalesce(e.expires_at <= now(), false),"
	       " 'suspended', e.suspended_at IS NOT NULL,"
	       " 'download_limit', coalesce(e.download_limit, p.download_limit, $2::int),"
	       " 'files', (SELECT coalesce(json_agg(json_build_object('id', f.public_id, 'label', f.label,"
	       "   'version', f.version, 'filename', f.filename, 'size_bytes', f.size_bytes,"
	       "   'content_type', f.content_type, 'updated_at', " DB_TS("f.created_at") ","
	       "   'downloads_used', f.used,"
	       "   'downloads_left', greatest(coalesce(e.download_limit, p.download_limit, $2::int)"
	       "     - f.used, 0)) ORDER BY f.label), '[]') FROM ("
	       "   SELECT c.*, (SELECT count(*) FROM download_log d WHERE d.entitlement_id = e.id"
	       "     AND d.product_file_id = c.id) AS used"
	       "   FROM (SELECT DISTINCT ON (label) * FROM product_files"
	       "     WHERE product_id = p.id ORDER BY label, version DESC) c) f)) AS item"
	       " FROM entitlements e JOIN products p ON p.id = e.product_id"
	       " WHERE e.user_id = $1::bigint AND e.revoked_at IS NULL"
	       " AND ($3::bigint IS NULL OR e.id < $3::bigint)"
	       " ORDER BY e.id DESC LIMIT $4::int + 1) x",
	.nparams = 4,
	.flags = DB_READONLY,
};
/* clang-format on */

struct product_file {
	const char *id, *public_id, *label, *version, *filename, *size, *sha256, *content_type,
	    *key;
};

static void file_from(PGresult *r, int row, struct product_file *f)
{
	f->id = PQgetvalue(r, row, 0);
	f->public_id = PQgetvalue(r, row, 1);
	f->label = PQgetvalue(r, row, 2);
	f->version = PQgetvalue(r, row, 3);
	f->filename = PQgetvalue(r, row, 4);
	f->size = PQgetvalue(r, row, 5);
	f->sha256 = PQgetvalue(r, row, 6);
	f->content_type = PQgetvalue(r, row, 7);
	f->key = PQgetvalue(r, row, 8);
}

/* The product of a public {slug}: 404 unless it exists. */
static int product_of(struct worker *w, struct http_request *req, struct product_ref *ref)
{
	const char *slug = http_path_param(req, "slug");

	if (slug == NULL || !validate_slug(slug))
		return SOUK_ENOTFOUND;
	return catalog_product_ref_by_slug(w, req->arena, slug, ref);
}

static bool file_is_current(struct worker *w, struct http_request *req,
			    const struct product_ref *ref, const struct product_file *f)
{
	const char *params[] = {ref->id};
	PGresult *r = NULL;

	if (db_exec(&w->db, req->arena, &files_current, params, &r) != SOUK_OK)
		return false;
	for (int i = 0; i < PQntuples(r); i++)
		if (strcmp(PQgetvalue(r, i, 0), f->id) == 0)
			return true;
	return false;
}

/* The file asked for (id, from {"file": id}), or the only current one. Buyers
 * (current_only) get the newest version of a label: each version has its
 * own allowance, so older ones would multiply the limit. */
static int choose_file(struct worker *w, struct http_request *req, const struct product_ref *ref,
		       const char *id, bool current_only, struct product_file *f)
{
	PGresult *r = NULL;
	int rc;

	if (id != NULL) {
		const char *params[] = {id, ref->id};

		rc = db_exec(&w->db, req->arena, &file_by_id, params, &r);
		if (rc != SOUK_OK)
			return rc;
		if (PQntuples(r) == 0) {
			req->error_message = "This product has no such file.";
			return SOUK_ENOTFOUND;
		}
		file_from(r, 0, f);
		if (current_only && !file_is_current(w, req, ref, f))
			return http_field_error(req, "file",
						"is an older version: download the current one");
		return SOUK_OK;
	}
	const char *params[] = {ref->id};

	rc = db_exec(&w->db, req->arena, &files_current, params, &r);
	if (rc != SOUK_OK)
		return rc;
	if (PQntuples(r) == 0) {
		req->error_message = "This product has no files yet.";
		return SOUK_ENOTFOUND;
	}
	if (PQntuples(r) > 1) {
		struct buf b;

		buf_init(&b, 4096);
		buf_appends(&b, "choose one of the files:");
		for (int i = 0; i < PQntuples(r); i++) {
			buf_appends(&b, i ? ", " : " ");
			buf_appends(&b, PQgetvalue(r, i, 1));
			buf_appends(&b, " (");
			buf_appends(&b, PQgetvalue(r, i, 2));
			buf_appends(&b, ")");
		}
		http_field_error(req, "file", arena_strdup(req->arena, b.data));
		buf_free(&b);
		return SOUK_EINVALID;
	}
	file_from(r, 0, f);
	return SOUK_OK;
}

/* "<kind>.<id>.<expires>.<mac>": kind d = a download_log row, s = a file
 * fetched by staff. The MAC covers the rest, with its own label. */
static char *link_token(struct worker *w, struct arena *a, char kind, const char *id,
			long long expires)
{
	char *payload = arena_printf(a, "%c.%s.%lld", kind, id, expires);

	return arena_printf(a, "%s.%s", payload, token_mac(w->config, a, "download-link", payload));
}

/* Builds the answer of a download: the link and what it fetches. */
static int answer_link(struct worker *w, struct http_request *req, struct http_response *res,
		       const struct product_file *f, char kind, const char *id, long ttl, long used,
		       long limit)
{
	time_t now = time(NULL);
	cJSON *body = json_new_object(req->arena), *file, *downloads;
	char *url = NULL, expires_at[32];
	struct tm tm;

	if (storage_is_s3(w->config)) {
		const struct sigv4_pair query[] = {
		    {"response-content-disposition",
		     storage_content_disposition(req->arena, f->filename)},
		    {"response-content-type", f->content_type},
		};
		int rc = s3_presign(req->arena, w->config, "GET", f->key, ttl, now, query, 2, NULL,
				    0, &url);

		if (rc != SOUK_OK)
			return rc;
	} else {
		url = arena_printf(req->arena, "/api/v1/downloads/%s",
				   link_token(w, req->arena, kind, id, (long long)now + ttl));
	}
	gmtime_r(&(time_t){now + ttl}, &tm);
	strftime(expires_at, sizeof(expires_at), "%Y-%m-%dT%H:%M:%SZ", &tm);
	cJSON_AddStringToObject(body, "url", url);
	cJSON_AddStringToObject(body, "expires_at", expires_at);
	file = cJSON_AddObjectToObject(body, "file");
	cJSON_AddStringToObject(file, "id", f->public_id);
	cJSON_AddStringToObject(file, "label", f->label);
	cJSON_AddNumberToObject(file, "version", atof(f->version));
	cJSON_AddStringToObject(file, "filename", f->filename);
	cJSON_AddNumberToObject(file, "size_bytes", atof(f->size));
	cJSON_AddStringToObject(file, "sha256", f->sha256);
	cJSON_AddStringToObject(file, "content_type", f->content_type);
	if (limit > 0) {
		downloads = cJSON_AddObjectToObject(body, "downloads");
		cJSON_AddNumberToObject(downloads, "used", (double)used);
		cJSON_AddNumberToObject(downloads, "limit", (double)limit);
		cJSON_AddNumberToObject(downloads, "left", (double)(limit - used));
	}
	http_response_json(res, req->arena, 200, body);
	http_response_header(res, "Cache-Control", "private, no-store");
	return SOUK_OK;
}

/* POST /api/v1/products/{slug}/download {file?} (signed in): 200 {url,
 * expires_at, file, downloads:{used,limit,left}}: a link that works for
 * SOUK_DOWNLOAD_LINK_TTL seconds (or the product's own). Without "file" the
 * newest version of the product's only file; with several files, 422 lists
 * them (only to those who own the product), as it does for an older version.
 * 403 without an entitlement, when it expired, or when this file's downloads
 * are used up; 404 no such product or file, and a product hidden from the
 * shop (draft, archived) for those who do not own it: its owners keep their
 * downloads whatever its status. Staff (products:write) may download any
 * version of anything, uncounted. */
int delivery_download(struct worker *w, struct http_request *req, struct http_response *res)
{
	const struct principal *me = req->principal;
	struct product_ref ref;
	struct product_file f;
	PGresult *e = NULL, *n = NULL, *d = NULL;
	char default_limit[24];
	long used = 0, limit = 0, ttl;
	bool staff = auth_has_permission(me, "products:write");
	static const struct validate_field fields[] = {
	    {"file", VALIDATE_UUID, 0, 0, 0, 0},
	};
	const char *file_id = NULL;
	int rc = HTTP_VALIDATE(req, fields, &file_id, NULL);

	if (rc == SOUK_OK)
		rc = product_of(w, req, &ref);
	if (rc != SOUK_OK)
		return rc;
	ttl = ref.link_ttl > 0 ? ref.link_ttl : w->config->download_link_ttl;
	if (staff) {
		if ((rc = choose_file(w, req, &ref, file_id, false, &f)) != SOUK_OK)
			return rc;
		cJSON *data = json_new_object(req->arena);

		cJSON_AddStringToObject(data, "file", f.public_id);
		rc = audit_record(&w->db, req->arena, me->user_id, "product.staff_download",
				  "product", ref.public_id, data, req->remote_addr);
		return rc != SOUK_OK ? rc : answer_link(w, req, res, &f, 's', f.id, ttl, 0, 0);
	}
	snprintf(default_limit, sizeof(default_limit), "%ld", w->config->download_limit);
	const char *lock[] = {me->user_id, ref.id, default_limit};

	rc = db_begin(&w->db, req->arena);
	if (rc == SOUK_OK)
		rc = db_exec(&w->db, req->arena, &entitlement_lock, lock, &e);
	/* who may, before what: a product hidden from the shop stays hidden from
	 * those who do not own it, and its buyers keep their downloads */
	if (rc == SOUK_OK && PQntuples(e) == 0 && strcmp(ref.status, "published") != 0) {
		rc = SOUK_ENOTFOUND;
	} else if (rc == SOUK_OK && PQntuples(e) == 0) {
		req->error_message = ref.price_paise == 0 ? "Claim this free product first."
							  : "You have not bought this product.";
		rc = SOUK_EFORBIDDEN;
	} else if (rc == SOUK_OK && strcmp(PQgetvalue(e, 0, 1), "t") == 0) {
		req->error_message = "Your access to this product has expired.";
		rc = SOUK_EFORBIDDEN;
	} else if (rc == SOUK_OK && strcmp(PQgetvalue(e, 0, 3), "t") == 0) {
		req->error_message = "Your access to this product is suspended while a dispute "
				     "about its payment is open.";
		rc = SOUK_EFORBIDDEN;
	}
	if (rc == SOUK_OK)
		rc = choose_file(w, req, &ref, file_id, true, &f);
	if (rc == SOUK_OK) {
		const char *count[] = {PQgetvalue(e, 0, 0), f.id};

		rc = db_exec(&w->db, req->arena, &downloads_used, count, &n);
	}
	if (rc == SOUK_OK) {
		used = atol(PQgetvalue(n, 0, 0));
		limit = atol(PQgetvalue(e, 0, 2));
		if (used >= limit) {
			req->error_message = arena_printf(
			    req->arena,
			    "You have used all %ld downloads of this file. Contact support if "
			    "you need more.",
			    limit);
			rc = SOUK_EFORBIDDEN;
		}
	}
	if (rc == SOUK_OK) {
		const char *ua = http_header(req, "user-agent");
		const char *ins[] = {PQgetvalue(e, 0, 0), f.id, me->user_id, req->remote_addr,
				     ua ? ua : ""};

		rc = db_exec(&w->db, req->arena, &download_insert, ins, &d);
	}
	rc = db_end(&w->db, req->arena, rc);
	if (rc != SOUK_OK) {
		return rc;
	}
	return answer_link(w, req, res, &f, 'd', PQgetvalue(d, 0, 0), ttl, used + 1, limit);
}

/* GET /api/v1/downloads/{token} (the link of a download; no session
 * needed, so download managers and other devices work): 200 with the bytes
 * through nginx (X-Accel-Redirect; ranges), Content-Disposition with the
 * stored name; 404 for a link that was never issued or was tampered with;
 * 410 once it expired or its entitlement was revoked. */
int delivery_fetch(struct worker *w, struct http_request *req, struct http_response *res)
{
	const char *token = http_path_param(req, "token"), *dot;
	char kind, *payload, *id, *exp_text, *end = NULL;
	long long expires;
	PGresult *r = NULL;
	int rc;

	if (token == NULL || strlen(token) > 200 || (dot = strrchr(token, '.')) == NULL)
		return SOUK_ENOTFOUND;
	payload = arena_strndup(req->arena, token, (size_t)(dot - token));
	if (!token_equal(dot + 1, token_mac(w->config, req->arena, "download-link", payload)))
		return SOUK_ENOTFOUND;
	/* the MAC held: the payload is ours, "k.<id>.<expires>" */
	kind = payload[0];
	id = payload + 2;
	exp_text = strchr(id, '.');
	if ((kind != 'd' && kind != 's') || payload[1] != '.' || exp_text == NULL)
		return SOUK_ENOTFOUND;
	*exp_text++ = '\0';
	expires = strtoll(exp_text, &end, 10);
	if (end == NULL || *end != '\0')
		return SOUK_ENOTFOUND;
	if ((long long)time(NULL) >= expires) {
		req->error_message = "This download link has expired: ask for a new one.";
		return SOUK_EGONE;
	}
	const char *params[] = {id};

	rc = db_exec(&w->db, req->arena, kind == 'd' ? &link_download : &link_file, params, &r);
	if (rc != SOUK_OK)
		return rc;
	if (PQntuples(r) == 0) {
		req->error_message = "This download is no longer available.";
		return SOUK_EGONE;
	}
	if (!storage_key_valid(PQgetvalue(r, 0, 0)))
		return SOUK_EINTERNAL;
	http_response_accel(res, PQgetvalue(r, 0, 2),
			    storage_accel_path(req->arena, PQgetvalue(r, 0, 0)));
	http_response_header(res, "Content-Disposition",
			     storage_content_disposition(req->arena, PQgetvalue(r, 0, 1)));
	http_response_header(res, "X-Robots-Tag", "noindex, nofollow");
	http_response_header(res, "Cache-Control", "private, no-store");
	return SOUK_OK;
}

/* POST /api/v1/products/{slug}/claim (signed in): 201 the product is now in
 * the library; 200 when it already was; 403 not free, or access revoked;
 * 404 not published. */
int delivery_claim(struct worker *w, struct http_request *req, struct http_response *res)
{
	const struct principal *me = req->principal;
	struct product_ref ref;
	PGresult *r = NULL;
	int rc = http_validate(req, NULL, 0, NULL, NULL), status = 201;

	if (rc == SOUK_OK)
		rc = product_of(w, req, &ref);
	if (rc != SOUK_OK)
		return rc;
	if (strcmp(ref.status, "published") != 0)
		return SOUK_ENOTFOUND;
	if (ref.price_paise != 0) {
		req->error_message = "This product is not free: buy it to download it.";
		return SOUK_EFORBIDDEN;
	}
	const char *params[] = {me->user_id, ref.id};

	rc = db_begin(&w->db, req->arena);
	if (rc == SOUK_OK)
		rc = db_exec(&w->db, req->arena, &claim_insert, params, &r);
	if (rc == SOUK_OK && PQntuples(r) == 0) {
		status = 200;
		rc = db_exec(&w->db, req->arena, &claim_existing, params, &r);
		if (rc == SOUK_OK && strcmp(PQgetvalue(r, 0, 1), "t") == 0) {
			req->error_message = "Your access to this product was revoked.";
			rc = SOUK_EFORBIDDEN;
		}
	} else if (rc == SOUK_OK) {
		rc = audit_record(&w->db, req->arena, me->user_id, "product.claim", "product",
				  ref.public_id, NULL, req->remote_addr);
	}
	rc = db_end(&w->db, req->arena, rc);
	if (rc != SOUK_OK) {
		return rc;
	}
	cJSON *body = json_new_object(req->arena);

	cJSON_AddStringToObject(body, "product", ref.slug);
	cJSON_AddStringToObject(body, "entitlement", PQgetvalue(r, 0, 0));
	cJSON_AddBoolToObject(body, "new", status == 201);
	http_response_json(res, req->arena, status, body);
	return SOUK_OK;
}

/* GET /api/v1/me/library?limit=&cursor= (signed in): 200 {"items":[{slug,
 * title, cover_image_url, product_status, source, acquired_at, expires_at,
 * expired, download_limit, files:[{id, label, version, filename, size_bytes,
 * content_type, updated_at, downloads_used, downloads_left}]}],
 * "next_cursor"}, newest first (limit 1..100, default 50); 422. */
int delivery_library(struct worker *w, struct http_request *req, struct http_response *res)
{
	struct page_cursor after = {0}, next = {.kind = 'L'};
	bool has_after = false;
	char default_limit[24], limit_text[16], *after_text = NULL;
	PGresult *r = NULL;
	long limit = 0;
	int rc = page_params(req, 50, 'L', 0, &limit, &after, &has_after);

	if (rc != SOUK_OK)
		return rc;
	snprintf(default_limit, sizeof(default_limit), "%ld", w->config->download_limit);
	snprintf(limit_text, sizeof(limit_text), "%ld", limit);
	if (has_after)
		after_text = arena_printf(req->arena, "%" PRId64, after.id);
	const char *params[] = {req->principal->user_id, default_limit, after_text, limit_text};

	rc = db_exec(&w->db, req->arena, &library, params, &r);
	if (rc != SOUK_OK)
		return rc;
	return page_respond(res, req->arena, PQgetvalue(r, 0, 0), PQgetvalue(r, 0, 1),
			    PQgetisnull(r, 0, 2) ? NULL : PQgetvalue(r, 0, 2), &next);
}
