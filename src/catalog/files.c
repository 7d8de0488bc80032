/*
 * files.c - the downloadable files of a product: staff upload them (streamed
 * through nginx to the worker, or straight to S3 with a presigned PUT), each
 * upload of a label adds a version, old versions are kept, and a file that
 * was ever downloaded is never deleted (download_log points at it).
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "souk/arena.h"
#include "souk/audit.h"
#include "souk/auth.h"
#include "souk/catalog.h"
#include "souk/config.h"
#include "souk/crypto.h"
#include "souk/db.h"
#include "souk/err.h"
#include "souk/http.h"
#include "souk/json.h"
#include "souk/log.h"
#include "souk/redis.h"
#include "souk/storage.h"
#include "souk/str.h"
#include "souk/worker.h"

/* a presigned PUT works this long; its pending record lives an hour */
/* SQL is laid out by hand, one clause a line: */
/* clang-format off */
#define PRESIGN_SECONDS 900
#define PENDING_SECONDS "3600"

static struct db_statement file_insert = {
	.name = "files_insert",
	.sql = "INSERT INTO product_files (public_id, product_id, label, version, storage_key,"
	       " filename, size_bytes, sha256, content_type)"
	       " SELECT $1::uuid, $2::bigint, $3, coalesce(max(version), 0) + 1, $4, $5,"
	       " $6::bigint, $7, $8 FROM product_files WHERE product_id = $2::bigint AND label = $3"
	       " RETURNING json_build_object('id', public_id, 'label', label, 'version', version,"
	       " 'filename', filename, 'size_bytes', size_bytes, 'sha256', sha256,"
	       " 'content_type', content_type, 'created_at', " DB_TS("created_at") ")::text",
	.nparams = 8,
};

static struct db_statement file_find = {
	.name = "files_find",
	.sql = "SELECT f.id, f.storage_key,"
	       " EXISTS (SELECT 1 FROM download_log d WHERE d.product_file_id = f.id),"
	       " (SELECT count(*) FROM product_files o WHERE o.product_id = f.product_id)"
	       " FROM product_files f WHERE f.public_id = $1::uuid AND f.product_id = $2::bigint",
	.nparams = 2,
	.flags = DB_READONLY,
};

static struct db_statement file_delete = {
	.name = "files_delete",
	.sql = "DELETE FROM product_files f WHERE f.id = $1::bigint"
	       " AND NOT EXISTS (SELECT 1 FROM download_log d WHERE d.product_file_id = f.id)"
	       " RETURNING f.id",
	.nparams = 1,
};
/* clang-format on */

/* A file name as shown to buyers: 1..255 characters of UTF-8, no path, no
 * control characters. NULL when acceptable, else why. */
static const char *filename_problem(const char *s)
{
	size_t n = s ? strlen(s) : 0;

	if (n == 0)
		return "is required";
	if (!str_is_utf8(s, n) || utf8_length(s) > 255)
		return "must be UTF-8 text of at most 255 characters";
	if (strcmp(s, ".") == 0 || strcmp(s, "..") == 0 || s[0] == ' ' || s[n - 1] == ' ')
		return "is not a usable file name";
	for (const char *c = s; *c; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f || *c == '/' || *c == '\\')
			return "must not contain slashes or control characters";
	return NULL;
}

/* The label of a file ("PDF edition"): 1..100 characters, one line. */
static const char *label_problem(const char *s)
{
	size_t n = s ? strlen(s) : 0;

	if (n == 0)
		return "is required";
	if (!str_is_utf8(s, n) || utf8_length(s) > 100)
		return "must be UTF-8 text of at most 100 characters";
	for (const char *c = s; *c; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f)
			return "must not contain control characters";
	return NULL;
}

/* The media type of a Content-Type value, lower-cased, without parameters;
 * NULL when it is not "type/subtype". */
static char *media_type(struct arena *a, const char *content_type)
{
	char *t, *semi;

	if (content_type == NULL)
		return NULL;
	t = str_trim(arena_strdup(a, content_type));
	if ((semi = strchr(t, ';')) != NULL)
		*semi = '\0';
	t = str_trim(t);
	for (char *c = t; *c; c++) {
		*c = (char)tolower((unsigned char)*c);
		if (!(isalnum((unsigned char)*c) || strchr("/.+-", *c)))
			return NULL;
	}
	if (strchr(t, '/') == NULL || t[0] == '/' || t[strlen(t) - 1] == '/')
		return NULL;
	return t;
}

/* True when type is in the comma-separated allow-list. */
static bool type_allowed(struct arena *a, const char *list, const char *type)
{
	char *copy = arena_strdup(a, list), *save = NULL;

	for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save))
		if (strcmp(str_trim(t), type) == 0)
			return true;
	return false;
}

static int unsupported_type(struct worker *w, struct http_request *req)
{
	req->error_message = arena_printf(
	    req->arena, "This type of file is not accepted. Allowed: %s.", w->config->upload_types);
	return SOUK_EMEDIATYPE;
}

/* Do the first bytes agree with the declared type? Checked for the formats
 * with a signature; text and other types pass. */
static bool content_matches(const char *type, const unsigned char *h, size_t n)
{
	if (strcmp(type, "application/zip") == 0 || strcmp(type, "application/epub+zip") == 0)
		return n >= 4 && memcmp(h, "PK\x03\x04", 4) == 0;
	if (strcmp(type, "application/pdf") == 0)
		return n >= 5 && memcmp(h, "%PDF-", 5) == 0;
	if (strcmp(type, "image/png") == 0)
		return n >= 8 && memcmp(h, "\x89PNG\r\n\x1a\n", 8) == 0;
	if (strcmp(type, "image/jpeg") == 0)
		return n >= 3 && memcmp(h, "\xff\xd8\xff", 3) == 0;
	if (strcmp(type, "image/webp") == 0)
		return n >= 12 && memcmp(h, "RIFF", 4) == 0 && memcmp(h + 8, "WEBP", 4) == 0;
	if (strcmp(type, "image/gif") == 0)
		return n >= 6 && (memcmp(h, "GIF87a", 6) == 0 || memcmp(h, "GIF89a", 6) == 0);
	return true;
}

/* A random version 4 UUID, lower-case. */
static char *uuid_new(struct arena *a)
{
	unsigned char b[16];
	char hex[33];

	if (crypto_random(b, sizeof(b)) != SOUK_OK)
		return NULL;
	b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);
	b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);
	crypto_hex(b, sizeof(b), hex);
	return arena_printf(a, "%.8s-%.4s-%.4s-%.4s-%.12s", hex, hex + 8, hex + 12, hex + 16,
			    hex + 20);
}

/* products/<product>/<file>/<name>: the stored name made key-safe. */
static char *file_key(struct arena *a, const char *product_id, const char *file_id,
		      const char *filename)
{
	char *safe = arena_strdup(a, filename);
	size_t n = strlen(safe);

	for (char *c = safe; *c; c++)
		if (!(isalnum((unsigned char)*c) || *c == '.' || *c == '-' || *c == '_'))
			*c = '_';
	if (n > 100)
		safe += n - 100; /* keep the extension */
	if (safe[0] == '.')
		safe[0] = '_';
	return arena_printf(a, "products/%s/%s/%s", product_id, file_id, safe);
}

static int product_target(struct worker *w, struct http_request *req, struct product_ref *ref)
{
	const char *id = http_path_param(req, "id");

	if (id == NULL || !validate_uuid(id))
		return SOUK_ENOTFOUND;
	return catalog_product_ref(w, req->arena, id, ref);
}

struct new_file {
	const char *file_id, *label, *filename, *key, *content_type;
	long long size;
	const char *sha256;
};

/* Records a stored file as the next version of its label, in one
 * transaction with the audit entry. If that fails the bytes are removed when
 * remove_on_failure (a streamed upload under a key nobody else knows); a
 * presigned upload keeps its object, so /complete can be asked again. */
static int record_file(struct worker *w, struct http_request *req, struct http_response *res,
		       const struct product_ref *ref, const struct new_file *f, const char *how,
		       bool remove_on_failure)
{
	char size_text[24], *json = NULL;
	PGresult *r = NULL;
	const char *status = NULL;
	bool has_files = false;
	int rc;

	snprintf(size_text, sizeof(size_text), "%lld", f->size);
	const char *params[] = {f->file_id,  ref->id,	f->label,  f->key,
				f->filename, size_text, f->sha256, f->content_type};

	rc = db_begin(&w->db, req->arena);
	if (rc == SOUK_OK)
		rc = catalog_product_lock(w, req->arena, ref, &status, &has_files);
	if (rc == SOUK_OK)
		rc = db_exec(&w->db, req->arena, &file_insert, params, &r);
	if (rc == SOUK_OK) {
		cJSON *data = json_new_object(req->arena);

		json = PQgetvalue(r, 0, 0);
		cJSON_AddStringToObject(data, "file", f->file_id);
		cJSON_AddStringToObject(data, "label", f->label);
		cJSON_AddStringToObject(data, "filename", f->filename);
		cJSON_AddNumberToObject(data, "size_bytes", (double)f->size);
		cJSON_AddStringToObject(data, "sha256", f->sha256);
		cJSON_AddStringToObject(data, "via", how);
		rc =
		    audit_record(&w->db, req->arena, req->principal->user_id, "product.file_upload",
				 "product", ref->public_id, data, req->remote_addr);
	}
	rc = catalog_commit(w, req->arena, rc);
	if (rc != SOUK_OK) {
		if (remove_on_failure && storage_delete(w->config, req->arena, f->key) != SOUK_OK)
			log_msg(LOG_WARN, "orphan file %s left in storage", f->key);
		return rc;
	}
	http_response_body(res, 201, json, strlen(json));
	return SOUK_OK;
}

/* POST /api/v1/admin/products/{id}/files?label=&filename= with the file as
 * the body and its type as Content-Type (products:write): 201 the new file
 * version {id,label,version,filename,size_bytes,sha256,content_type}; 404;
 * 413 over SOUK_UPLOAD_LIMIT; 415 a type not in SOUK_UPLOAD_TYPES; 422 bad
 * label or file name, an empty body, or content that is not of its type. */
int catalog_admin_file_upload(struct worker *w, struct http_request *req, struct http_response *res)
{
	struct product_ref ref;
	struct new_file f = {0};
	struct storage_written out;
	const char *why;
	int rc = product_target(w, req, &ref);

	if (rc != SOUK_OK)
		return rc;
	worker_allow(w, w->config->upload_timeout); /* big files, and on S3 their PUT */
	f.label = http_query(req, "label");
	f.filename = http_query(req, "filename");
	if ((why = label_problem(f.label)) != NULL)
		http_field_error(req, "label", why);
	if ((why = filename_problem(f.filename)) != NULL)
		http_field_error(req, "filename", why);
	if (req->error_fields != NULL)
		return SOUK_EINVALID;
	f.content_type = media_type(req->arena, req->content_type);
	if (f.content_type == NULL ||
	    !type_allowed(req->arena, w->config->upload_types, f.content_type))
		return unsupported_type(w, req);
	if (req->content_length > w->config->upload_limit) {
		req->error_message = arena_printf(req->arena, "A file may be at most %ld bytes.",
						  w->config->upload_limit);
		return SOUK_ETOOLARGE;
	}
	if (req->content_length <= 0)
		return http_field_error(req, "body", "is empty: send the file's bytes as the body");
	f.file_id = uuid_new(req->arena);
	if (f.file_id == NULL)
		return SOUK_EINTERNAL;
	f.key = file_key(req->arena, ref.public_id, f.file_id, f.filename);
	rc = storage_store(w->config, req->arena, f.key, f.content_type, req->body_read,
			   req->body_ctx, req->content_length, &out);
	if (rc == SOUK_ETOOLARGE) {
		req->error_message = "The body is longer than its Content-Length.";
		return SOUK_EMALFORMED;
	}
	if (rc == SOUK_EMALFORMED || (rc == SOUK_OK && out.size != req->content_length)) {
		if (rc == SOUK_OK)
			storage_delete(w->config, req->arena, f.key);
		req->error_message = "The upload ended early.";
		return SOUK_EMALFORMED;
	}
	if (rc != SOUK_OK)
		return rc;
	if (!content_matches(f.content_type, out.head, out.head_len)) {
		storage_delete(w->config, req->arena, f.key);
		return http_field_error(
		    req, "body", arena_printf(req->arena, "is not a %s file", f.content_type));
	}
	f.size = out.size;
	f.sha256 = out.sha256;
	return record_file(w, req, res, &ref, &f, "upload", true);
}

struct presign_input {
	const char *label, *filename, *content_type;
	long long size_bytes;
};

static const struct validate_field presign_fields[] = {
    {"label", VALIDATE_STRING, VALIDATE_REQUIRED, 1, 100, offsetof(struct presign_input, label)},
    /* as sent: filename_problem() refuses blanks at either end */
    {"filename", VALIDATE_TEXT, VALIDATE_REQUIRED, 1, 255,
     offsetof(struct presign_input, filename)},
    {"content_type", VALIDATE_STRING, VALIDATE_REQUIRED, 3, 200,
     offsetof(struct presign_input, content_type)},
    {"size_bytes", VALIDATE_INT, VALIDATE_REQUIRED, 1, 0x7fffffffffffffffLL,
     offsetof(struct presign_input, size_bytes)},
};

struct complete_input {
	const char *upload_id;
};

static const struct validate_field complete_fields[] = {
    {"upload_id", VALIDATE_STRING, VALIDATE_REQUIRED, 32, 32,
     offsetof(struct complete_input, upload_id)},
};

/* Puts a claimed pending upload back, so /complete can be asked again. */
static void pending_restore(struct worker *w, struct arena *a, const char *key, const char *text)
{
	const char *set[] = {"SET", key, text, "EX", PENDING_SECONDS};

	(void)redis_command(&w->redis, a, NULL, 0, 5, set, NULL);
}

static int s3_only(struct worker *w, struct http_request *req)
{
	if (storage_is_s3(w->config))
		return SOUK_OK;
	req->error_message = "Presigned uploads need S3 storage (SOUK_STORAGE_DRIVER=s3); "
			     "upload the file to /files instead.";
	return SOUK_ECONFLICT;
}

/* POST /api/v1/admin/products/{id}/files/presign {label, filename,
 * content_type, size_bytes} (products:write, S3 storage): 201 {upload_id,
 * method:"PUT", url, headers, expires_at}: PUT the bytes there with exactly
 * these headers, then call /files/complete. 404; 409 local storage; 413;
 * 415; 422. */
int catalog_admin_file_presign(struct worker *w, struct http_request *req,
			       struct http_response *res)
{
	struct product_ref ref;
	struct presign_input in = {0};
	cJSON *body, *pending, *headers;
	const char *why, *type, *file_id, *key;
	char size_text[24], raw_id[16], upload_id[33], *url = NULL, *pending_text;
	time_t now = time(NULL);
	int rc = product_target(w, req, &ref);

	if (rc == SOUK_OK)
		rc = HTTP_VALIDATE(req, presign_fields, &in, NULL);
	if (rc == SOUK_OK)
		rc = s3_only(w, req);
	if (rc != SOUK_OK)
		return rc;
	if ((why = label_problem(in.label)) != NULL)
		return http_field_error(req, "label", why);
	if ((why = filename_problem(in.filename)) != NULL)
		return http_field_error(req, "filename", why);
	type = media_type(req->arena, in.content_type);
	if (type == NULL || !type_allowed(req->arena, w->config->upload_types, type))
		return unsupported_type(w, req);
	if (in.size_bytes > w->config->upload_limit) {
		req->error_message = arena_printf(req->arena, "A file may be at most %ld bytes.",
						  w->config->upload_limit);
		return SOUK_ETOOLARGE;
	}
	file_id = uuid_new(req->arena);
	if (file_id == NULL || crypto_random(raw_id, sizeof(raw_id)) != SOUK_OK)
		return SOUK_EINTERNAL;
	crypto_hex(raw_id, sizeof(raw_id), upload_id);
	key = file_key(req->arena, ref.public_id, file_id, in.filename);
	snprintf(size_text, sizeof(size_text), "%lld", in.size_bytes);
	const struct sigv4_pair signed_headers[] = {{"content-type", type},
						    {"content-length", size_text}};

	rc = s3_presign(req->arena, w->config, "PUT", key, PRESIGN_SECONDS, now, NULL, 0,
			signed_headers, 2, &url);
	if (rc != SOUK_OK)
		return rc;
	pending = json_new_object(req->arena);
	cJSON_AddStringToObject(pending, "product", ref.public_id);
	cJSON_AddStringToObject(pending, "file", file_id);
	cJSON_AddStringToObject(pending, "key", key);
	cJSON_AddStringToObject(pending, "label", in.label);
	cJSON_AddStringToObject(pending, "filename", in.filename);
	cJSON_AddStringToObject(pending, "content_type", type);
	cJSON_AddNumberToObject(pending, "size_bytes", (double)in.size_bytes);
	pending_text = json_print(req->arena, pending);
	const char *set[] = {"SET", arena_printf(req->arena, "upload:%s", upload_id), pending_text,
			     "EX", PENDING_SECONDS};

	rc = redis_command(&w->redis, req->arena, NULL, 0, 5, set, NULL);
	if (rc != SOUK_OK)
		return rc;
	body = json_new_object(req->arena);
	cJSON_AddStringToObject(body, "upload_id", upload_id);
	cJSON_AddStringToObject(body, "method", "PUT");
	cJSON_AddStringToObject(body, "url", url);
	headers = cJSON_AddObjectToObject(body, "headers");
	cJSON_AddStringToObject(headers, "content-type", type);
	cJSON_AddStringToObject(headers, "content-length", size_text);
	cJSON_AddNumberToObject(body, "expires_in", PRESIGN_SECONDS);
	http_response_json(res, req->arena, 201, body);
	return SOUK_OK;
}

/* POST /api/v1/admin/products/{id}/files/complete {upload_id}
 * (products:write, S3 storage): the object is checked (it exists, has the
 * declared size and type) and hashed as S3 streams it back, then recorded:
 * 201 the new file version; 404 unknown or expired upload, or not this
 * product's; 409 local storage; 422 the object is missing or differs (it is
 * removed). */
int catalog_admin_file_complete(struct worker *w, struct http_request *req,
				struct http_response *res)
{
	struct product_ref ref;
	struct new_file f = {0};
	struct complete_input in = {0};
	const char *upload_id, *key;
	redisReply *r = NULL;
	cJSON *pending = NULL;
	const char *why = NULL;
	char sha[65], *stored_type = NULL, *pending_text;
	long long size = 0, declared;
	int rc = product_target(w, req, &ref);

	if (rc == SOUK_OK)
		rc = HTTP_VALIDATE(req, complete_fields, &in, NULL);
	if (rc == SOUK_OK)
		rc = s3_only(w, req);
	if (rc != SOUK_OK)
		return rc;
	worker_allow(w, w->config->upload_timeout); /* hashing reads the whole object back */
	upload_id = in.upload_id;
	if (upload_id == NULL || strlen(upload_id) != 32 ||
	    strspn(upload_id, "0123456789abcdef") != 32)
		return http_field_error(req, "upload_id",
					"must be an upload_id from /files/presign");
	key = arena_printf(req->arena, "upload:%s", upload_id);
	/* claim the upload: a second /complete (a double click, a retry while
	 * this one hashes) finds nothing and cannot touch the object */
	const char *claim[] = {"GETDEL", key};

	rc = redis_command(&w->redis, req->arena, &r, 0, 2, claim, NULL);
	if (rc != SOUK_OK)
		return rc;
	if (r->type != REDIS_REPLY_STRING) {
		req->error_message = "No such upload for this product (or it expired, or it was "
				     "completed already).";
		return SOUK_ENOTFOUND;
	}
	pending_text = arena_strndup(req->arena, r->str, r->len);
	if (json_parse_object(req->arena, pending_text, r->len, &pending, &why) != SOUK_OK ||
	    json_string_member(pending, "product") == NULL ||
	    strcmp(json_string_member(pending, "product"), ref.public_id) != 0) {
		pending_restore(w, req->arena, key, pending_text);
		req->error_message = "No such upload for this product (or it expired).";
		return SOUK_ENOTFOUND;
	}
	f.file_id = json_string_member(pending, "file");
	f.key = json_string_member(pending, "key");
	f.label = json_string_member(pending, "label");
	f.filename = json_string_member(pending, "filename");
	f.content_type = json_string_member(pending, "content_type");
	declared = (long long)cJSON_GetObjectItemCaseSensitive(pending, "size_bytes")->valuedouble;
	if (f.file_id == NULL || f.key == NULL || f.label == NULL || f.filename == NULL ||
	    f.content_type == NULL)
		return SOUK_EINTERNAL;
	rc = s3_head(req->arena, w->config, f.key, &size, &stored_type);
	if (rc == SOUK_ENOTFOUND) {
		pending_restore(w, req->arena, key, pending_text);
		return http_field_error(req, "upload_id", "nothing was uploaded to the URL yet");
	}
	if (rc == SOUK_OK && size != declared)
		why = "the uploaded object does not have the declared size";
	if (rc == SOUK_OK && why == NULL)
		rc = s3_sha256(req->arena, w->config, f.key, w->config->upload_limit, sha, &size);
	if (rc == SOUK_OK && why == NULL && size != declared)
		why = "the uploaded object does not have the declared size";
	if (rc == SOUK_ETOOLARGE)
		why = "the uploaded object is larger than the upload limit";
	else if (rc != SOUK_OK) { /* S3 failed us: the upload may be completed later */
		pending_restore(w, req->arena, key, pending_text);
		return rc == SOUK_ENOTFOUND ? SOUK_EUPSTREAM : rc;
	}
	if (why != NULL) {
		s3_delete(req->arena, w->config, f.key);
		return http_field_error(req, "upload_id", why);
	}
	f.size = size;
	f.sha256 = sha;
	rc = record_file(w, req, res, &ref, &f, "s3_presigned_put", false);
	if (rc != SOUK_OK)
		pending_restore(w, req->arena, key, pending_text);
	return rc;
}

/* DELETE /api/v1/admin/products/{id}/files/{file} (products:write): 204;
 * 404; 409 once downloaded (buyers' history points at it) or when it is the
 * last file of a published product. */
int catalog_admin_file_delete(struct worker *w, struct http_request *req, struct http_response *res)
{
	struct product_ref ref;
	const char *file = http_path_param(req, "file"), *key = NULL, *status = NULL;
	PGresult *r = NULL, *d = NULL;
	bool has_files = false;
	int rc = product_target(w, req, &ref);

	if (rc != SOUK_OK)
		return rc;
	if (file == NULL || !validate_uuid(file))
		return SOUK_ENOTFOUND;
	const char *params[] = {file, ref.id};

	/* under the product's lock, so a publish cannot slip in between the
	 * check and the delete and leave a published product without files */
	rc = db_begin(&w->db, req->arena);
	if (rc == SOUK_OK)
		rc = catalog_product_lock(w, req->arena, &ref, &status, &has_files);
	if (rc == SOUK_OK)
		rc = db_exec(&w->db, req->arena, &file_find, params, &r);
	if (rc == SOUK_OK && PQntuples(r) == 0)
		rc = SOUK_ENOTFOUND;
	if (rc == SOUK_OK && strcmp(PQgetvalue(r, 0, 2), "t") == 0) {
		req->error_message =
		    "This file has been downloaded: it stays, so buyers' download "
		    "history and limits remain true. Upload a new version instead.";
		rc = SOUK_ECONFLICT;
	}
	if (rc == SOUK_OK && strcmp(status, "published") == 0 &&
	    strcmp(PQgetvalue(r, 0, 3), "1") == 0) {
		req->error_message = "This is the only file of a published product: unpublish it "
				     "first, or upload a replacement.";
		rc = SOUK_ECONFLICT;
	}
	if (rc == SOUK_OK) {
		const char *id[] = {PQgetvalue(r, 0, 0)};

		key = PQgetvalue(r, 0, 1);
		rc = db_exec(&w->db, req->arena, &file_delete, id, &d);
	}
	if (rc == SOUK_OK && PQntuples(d) == 0)
		rc = SOUK_ECONFLICT; /* downloaded a moment ago */
	if (rc == SOUK_OK) {
		cJSON *data = json_new_object(req->arena);

		cJSON_AddStringToObject(data, "file", file);
		rc =
		    audit_record(&w->db, req->arena, req->principal->user_id, "product.file_delete",
				 "product", ref.public_id, data, req->remote_addr);
	}
	rc = catalog_commit(w, req->arena, rc);
	if (rc != SOUK_OK)
		return rc;
	if (storage_delete(w->config, req->arena, key) != SOUK_OK)
		log_msg(LOG_WARN, "file row %s deleted but %s is still in storage", file, key);
	http_response_empty(res, 204);
	return SOUK_OK;
}

/* Images shown on product pages: formats browsers render, never SVG (a
 * script inside it would run on this site's origin). */
static const struct {
	const char *type, *ext;
} image_types[] = {
    {"image/png", "png"},
    {"image/jpeg", "jpg"},
    {"image/webp", "webp"},
    {"image/gif", "gif"},
};

#define IMAGE_LIMIT (10L * 1024 * 1024)

/* POST /api/v1/admin/products/{id}/images with the image as the body and
 * its type as Content-Type (products:write): 201 {url, content_type,
 * size_bytes, sha256}; put the url in cover_image_url or
 * preview_image_urls. Stored under public/ (served by nginx at /media/ on
 * local storage; SOUK_S3_PUBLIC_URL on S3). 404; 413 over 10 MiB; 415 not
 * PNG, JPEG, WebP or GIF; 422 empty, or not the image its type says. */
int catalog_admin_image_upload(struct worker *w, struct http_request *req,
			       struct http_response *res)
{
	struct product_ref ref;
	struct storage_written out;
	const char *type = media_type(req->arena, req->content_type), *ext = NULL, *key, *url;
	unsigned char raw[12];
	char name[25];
	cJSON *body, *data;
	int rc = product_target(w, req, &ref);

	if (rc != SOUK_OK)
		return rc;
	worker_allow(w, w->config->upload_timeout);
	for (size_t i = 0; type != NULL && i < sizeof(image_types) / sizeof(image_types[0]); i++)
		if (strcmp(type, image_types[i].type) == 0)
			ext = image_types[i].ext;
	if (ext == NULL) {
		req->error_message = "Images must be PNG, JPEG, WebP or GIF.";
		return SOUK_EMEDIATYPE;
	}
	if (req->content_length > IMAGE_LIMIT) {
		req->error_message = "An image may be at most 10 MiB.";
		return SOUK_ETOOLARGE;
	}
	if (req->content_length <= 0)
		return http_field_error(req, "body",
					"is empty: send the image's bytes as the body");
	if (crypto_random(raw, sizeof(raw)) != SOUK_OK)
		return SOUK_EINTERNAL;
	crypto_hex(raw, sizeof(raw), name);
	key = arena_printf(req->arena, "public/products/%s/%s.%s", ref.public_id, name, ext);
	rc = storage_store(w->config, req->arena, key, type, req->body_read, req->body_ctx,
			   req->content_length, &out);
	if (rc == SOUK_EMALFORMED || rc == SOUK_ETOOLARGE ||
	    (rc == SOUK_OK && out.size != req->content_length)) {
		if (rc == SOUK_OK)
			storage_delete(w->config, req->arena, key);
		req->error_message = "The body does not match its Content-Length.";
		return SOUK_EMALFORMED;
	}
	if (rc != SOUK_OK)
		return rc;
	if (!content_matches(type, out.head, out.head_len)) {
		storage_delete(w->config, req->arena, key);
		return http_field_error(req, "body",
					arena_printf(req->arena, "is not a %s image", ext));
	}
	if (storage_is_s3(w->config))
		url = w->config->s3_public_url[0] != '\0'
			  ? arena_printf(req->arena, "%s/%s", w->config->s3_public_url, key)
			  : s3_object_url(req->arena, w->config, key);
	else
		url = arena_printf(req->arena, "%s/%s", w->config->media_url,
				   key + strlen("public/"));
	data = json_new_object(req->arena);
	cJSON_AddStringToObject(data, "url", url);
	cJSON_AddNumberToObject(data, "size_bytes", (double)out.size);
	rc = db_begin(&w->db, req->arena);
	if (rc == SOUK_OK)
		rc = catalog_image_record(w, req->arena, &ref, key, type, out.size, out.sha256);
	if (rc == SOUK_OK)
		rc = audit_record(&w->db, req->arena, req->principal->user_id,
				  "product.image_upload", "product", ref.public_id, data,
				  req->remote_addr);
	rc = db_end(&w->db, req->arena, rc);
	if (rc != SOUK_OK) {
		storage_delete(w->config, req->arena, key);
		return rc == SOUK_EINVALID ? SOUK_ENOTFOUND : rc; /* the product went meanwhile */
	}
	body = json_new_object(req->arena);
	cJSON_AddStringToObject(body, "url", url);
	cJSON_AddStringToObject(body, "content_type", type);
	cJSON_AddNumberToObject(body, "size_bytes", (double)out.size);
	cJSON_AddStringToObject(body, "sha256", out.sha256);
	http_response_json(res, req->arena, 201, body);
	return SOUK_OK;
}
