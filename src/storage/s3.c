/*
 * s3.c - the S3 driver (see include/souk/storage.h): object URLs, presigned
 * GET/PUT URLs, and the few server-side calls the catalog needs (HEAD, a
 * streamed and hashed GET, PUT of a local file, DELETE), signed with the
 * Authorization header by sigv4.c and sent with libcurl.
 *
 * Addressing: path-style  <scheme>://<endpoint host>/<bucket>/<key>
 *             virtual     <scheme>://<bucket>.<endpoint host>/<key>
 * The endpoint is SOUK_S3_ENDPOINT ("" = https://s3.<region>.amazonaws.com),
 * an http(s) origin without a path. Keys pass storage_key_valid(), so they
 * need no escaping, and the bucket is an S3 (DNS-compatible) bucket name.
 *
 * Every libcurl handle: a 10 s connect and total timeout, no redirects
 * followed, http and https only, certificates verified, no content decoding
 * (a hash is of the stored bytes), and the Host header we signed sent as it
 * is. Nothing logged carries a secret: no Authorization header, no
 * signature, no secret key.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <openssl/evp.h>

#include "souk/arena.h"
#include "souk/config.h"
#include "souk/crypto.h"
#include "souk/err.h"
#include "souk/httpc.h"
#include "souk/log.h"
#include "souk/storage.h"
#include "souk/str.h"

#define S3_TIMEOUT_MS 10000L	  /* connect; total for calls without a file */
#define S3_LOW_SPEED_BYTES 16384L /* file transfers slower than this for 10 s stop */
#define S3_EXPIRES_MAX 604800L	  /* seconds: S3's limit for a presigned URL (7 days) */
#define S3_ERROR_BODY_MAX 4096	  /* bytes of an error answer kept for the log */
#define S3_FILE_CHUNK (64 * 1024) /* bytes read at a time when hashing a file */
#define S3_EMPTY_SHA256 "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

/* Where one object lives. */
struct s3_target {
	const char *origin; /* "https://host[:port]" of the request */
	const char *host;   /* the Host header: [bucket.]endpoint host[:port] */
	const char *path;   /* "/bucket/key" (path-style) or "/key" */
};

/* ---------------------------------------------------------------------------
 * Configuration and addressing
 * ------------------------------------------------------------------------- */

/* An S3 bucket name: 3..63 of [a-z0-9.-], a letter or digit at both ends. */
static bool s3_bucket_valid(const char *b)
{
	size_t n = b ? strlen(b) : 0;

	if (n < 3 || n > 63)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = b[i];
		bool alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');

		if (!alnum && ((i == 0 || i == n - 1) || (c != '.' && c != '-')))
			return false;
	}
	return true;
}

/* A region: [a-z0-9-]+. */
static bool s3_region_valid(const char *r)
{
	if (r == NULL || *r == '\0')
		return false;
	for (; *r; r++)
		if (!((*r >= 'a' && *r <= 'z') || (*r >= '0' && *r <= '9') || *r == '-'))
			return false;
	return true;
}

/* host[:port]: letters, digits, '.', '-', and an IPv6 literal's brackets and
 * colons. */
static bool s3_hostport_valid(const char *h, size_t n)
{
	if (n == 0)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = h[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '.' || c == '-' || c == ':' || c == '[' || c == ']'))
			return false;
	}
	return true;
}

/* True for an IP literal host (an IPv4 address or [IPv6]), with or without
 * a port: a bucket cannot be a subdomain of it. */
static bool s3_host_is_ip(const char *h, size_t n)
{
	if (n > 0 && h[0] == '[')
		return true;
	for (size_t i = 0; i < n && h[i] != ':'; i++)
		if (!((h[i] >= '0' && h[i] <= '9') || h[i] == '.'))
			return false;
	return true;
}

/*
 * Where key lives under cfg. SOUK_OK with *t (arena strings), or
 * SOUK_EINVALID for a bad key, bucket, region or endpoint, or virtual-hosted
 * addressing on an IP endpoint.
 */
static int s3_target_of(struct arena *a, const struct souk_config *cfg, const char *key,
			struct s3_target *t)
{
	const char *ep = cfg->s3_endpoint ? cfg->s3_endpoint : "";
	const char *scheme, *hp;
	size_t n;

	if (!storage_key_valid(key) || !s3_bucket_valid(cfg->s3_bucket) ||
	    !s3_region_valid(cfg->s3_region))
		return SOUK_EINVALID;
	if (*ep == '\0') {
		scheme = "https";
		hp = arena_printf(a, "s3.%s.amazonaws.com", cfg->s3_region);
		n = strlen(hp);
	} else {
		if (str_istarts(ep, "https://")) {
			scheme = "https";
			hp = ep + 8;
		} else if (str_istarts(ep, "http://")) {
			scheme = "http";
			hp = ep + 7;
		} else {
			return SOUK_EINVALID;
		}
		n = strlen(hp);
		if (n > 0 && hp[n - 1] == '/') /* "http://host:port/" is fine; a path is not */
			n--;
		if (!s3_hostport_valid(hp, n))
			return SOUK_EINVALID;
	}
	if (cfg->s3_path_style) {
		t->host = arena_strndup(a, hp, n);
		t->path = arena_printf(a, "/%s/%s", cfg->s3_bucket, key);
	} else {
		if (s3_host_is_ip(hp, n))
			return SOUK_EINVALID;
		t->host = arena_printf(a, "%s.%.*s", cfg->s3_bucket, (int)n, hp);
		t->path = arena_printf(a, "/%s", key);
	}
	t->origin = arena_printf(a, "%s://%s", scheme, t->host);
	return SOUK_OK;
}

static bool s3_credentials(const struct souk_config *cfg, struct sigv4_credentials *cred)
{
	if (cfg->s3_access_key == NULL || cfg->s3_access_key[0] == '\0' ||
	    cfg->s3_secret_key == NULL || cfg->s3_secret_key[0] == '\0')
		return false;
	*cred = (struct sigv4_credentials){
	    .access_key = cfg->s3_access_key,
	    .secret_key = cfg->s3_secret_key,
	    .region = cfg->s3_region,
	    .service = "s3",
	};
	return true;
}

char *s3_object_url(struct arena *a, const struct souk_config *cfg, const char *key)
{
	struct s3_target t;

	if (s3_target_of(a, cfg, key, &t) != SOUK_OK)
		return NULL;
	return arena_printf(a, "%s%s", t.origin, sigv4_uri_encode(a, t.path, true));
}

/* ---------------------------------------------------------------------------
 * Presigned URLs (query authentication)
 * ------------------------------------------------------------------------- */

/* The third line of a canonical request: its canonical query string. */
static char *s3_canonical_query(struct arena *a, const char *creq)
{
	const char *start = creq, *end;

	for (int line = 0; line < 2; line++) {
		start = strchr(start, '\n');
		if (start == NULL)
			return NULL;
		start++;
	}
	end = strchr(start, '\n');
	return end ? arena_strndup(a, start, (size_t)(end - start)) : NULL;
}

int s3_presign(struct arena *a, const struct souk_config *cfg, const char *method, const char *key,
	       long expires, time_t now, const struct sigv4_pair *query, size_t nquery,
	       const struct sigv4_pair *headers, size_t nheaders, char **url)
{
	struct sigv4_credentials cred;
	struct sigv4_result res;
	struct sigv4_pair *q;
	struct s3_target t;
	char amz_date[17], *signed_headers, *cq;
	size_t nq = 0;
	int rc;

	if (method == NULL || (strcmp(method, "GET") != 0 && strcmp(method, "PUT") != 0) ||
	    expires < 1 || expires > S3_EXPIRES_MAX || (nquery > 0 && query == NULL) ||
	    url == NULL || !s3_credentials(cfg, &cred))
		return SOUK_EINVALID;
	rc = s3_target_of(a, cfg, key, &t);
	if (rc != SOUK_OK)
		return rc;
	signed_headers = sigv4_signed_headers(a, headers, nheaders);
	if (signed_headers == NULL)
		return SOUK_EINVALID;
	sigv4_amz_date(now, amz_date);

	q = arena_alloc(a, (nquery + 5) * sizeof(*q));
	q[nq++] = (struct sigv4_pair){"X-Amz-Algorithm", "AWS4-HMAC-SHA256"};
	q[nq++] = (struct sigv4_pair){
	    "X-Amz-Credential",
	    arena_printf(a, "%s/%.8s/%s/s3/aws4_request", cred.access_key, amz_date, cred.region)};
	q[nq++] = (struct sigv4_pair){"X-Amz-Date", arena_strdup(a, amz_date)};
	q[nq++] = (struct sigv4_pair){"X-Amz-Expires", arena_printf(a, "%ld", expires)};
	q[nq++] = (struct sigv4_pair){"X-Amz-SignedHeaders", signed_headers};
	for (size_t i = 0; i < nquery; i++) {
		/* the authentication parameters are ours alone */
		if (query[i].name == NULL || str_istarts(query[i].name, "x-amz-"))
			return SOUK_EINVALID;
		q[nq++] = query[i];
	}
	rc = sigv4_sign(a, &cred,
			&(struct sigv4_request){
			    .method = method,
			    .host = t.host,
			    .path = t.path,
			    .query = q,
			    .nquery = nq,
			    .headers = headers,
			    .nheaders = nheaders,
			    .payload_hash = "UNSIGNED-PAYLOAD",
			    .s3_path = true,
			},
			now, &res);
	if (rc != SOUK_OK)
		return rc;
	cq = s3_canonical_query(a, res.canonical_request);
	if (cq == NULL)
		return SOUK_EINTERNAL;
	*url = arena_printf(a, "%s%s?%s&X-Amz-Signature=%s", t.origin,
			    sigv4_uri_encode(a, t.path, true), cq, res.signature);
	return SOUK_OK;
}

/* ---------------------------------------------------------------------------
 * Server-side calls (libcurl)
 * ------------------------------------------------------------------------- */

/* One call: what to send, and what came back. */
struct s3_call {
	const char *method; /* "HEAD" | "GET" | "PUT" | "DELETE" */
	const char *key;
	const char *payload_hash; /* of the body sent */
	const char *content_type; /* PUT: signed and sent; may be NULL */
	FILE *upload;		  /* PUT: the body */
	long long upload_size;
	EVP_MD_CTX *md;		      /* GET: hashes a 200 answer's body */
	long long max;		      /* GET: bytes accepted */
	long long got;		      /* GET: bytes hashed */
	struct httpc_response answer; /* error answers keep their first bytes, for the log */
};

/* A 200 answer's body, hashed as it streams. */
static int s3_hash_sink(void *ctx, const char *data, size_t n)
{
	struct s3_call *c = ctx;

	if (EVP_DigestUpdate(c->md, data, n) != 1)
		return SOUK_EINTERNAL;
	c->got += (long long)n;
	return SOUK_OK;
}

/* S3's error code from an error answer ("<Code>NoSuchKey</Code>"), or "-". */
static const char *s3_error_code(struct arena *a, const struct httpc_response *answer)
{
	const char *start, *end;
	size_t n;

	if (answer->body == NULL || (start = strstr(answer->body, "<Code>")) == NULL)
		return "-";
	start += 6;
	for (end = start; ((*end >= 'A' && *end <= 'Z') || (*end >= 'a' && *end <= 'z') ||
			   (*end >= '0' && *end <= '9')) &&
			  end - start < 64;
	     end++)
		;
	n = (size_t)(end - start);
	return n > 0 ? arena_strndup(a, start, n) : "-";
}

/*
 * Signs and sends c (through src/core/httpc.c). SOUK_OK with c->answer (any
 * HTTP status); SOUK_EINVALID when S3 is not configured or the key is bad;
 * SOUK_ETOOLARGE when a GET passed c->max; SOUK_EUPSTREAM when S3 cannot be
 * reached in time (logged).
 */
static int s3_perform(struct arena *a, const struct souk_config *cfg, struct s3_call *c)
{
	struct sigv4_credentials cred;
	struct sigv4_result res;
	struct sigv4_pair signed_headers[3];
	struct s3_target t;
	char amz_date[17];
	const char *headers[6];
	time_t now = time(NULL);
	size_t nsigned = 0, nh = 0;
	int rc;

	if (!s3_credentials(cfg, &cred))
		return SOUK_EINVALID;
	rc = s3_target_of(a, cfg, c->key, &t);
	if (rc != SOUK_OK)
		return rc;
	sigv4_amz_date(now, amz_date);
	signed_headers[nsigned++] = (struct sigv4_pair){"x-amz-content-sha256", c->payload_hash};
	signed_headers[nsigned++] = (struct sigv4_pair){"x-amz-date", amz_date};
	if (c->content_type != NULL)
		signed_headers[nsigned++] = (struct sigv4_pair){"content-type", c->content_type};
	rc = sigv4_sign(a, &cred,
			&(struct sigv4_request){
			    .method = c->method,
			    .host = t.host,
			    .path = t.path,
			    .headers = signed_headers,
			    .nheaders = nsigned,
			    .payload_hash = c->payload_hash,
			    .s3_path = true,
			},
			now, &res);
	if (rc != SOUK_OK)
		return rc;
	for (size_t i = 0; i < nsigned; i++)
		headers[nh++] =
		    arena_printf(a, "%s: %s", signed_headers[i].name, signed_headers[i].value);
	/* the Host we signed, byte for byte (curl would drop a default port) */
	headers[nh++] = arena_printf(a, "Host: %s", t.host);
	headers[nh++] = arena_printf(a, "Authorization: %s", res.authorization);
	headers[nh] = NULL;

	struct httpc_request rq = {
	    .what = "s3",
	    .method = c->method,
	    .url = arena_printf(a, "%s%s", t.origin, sigv4_uri_encode(a, t.path, true)),
	    .headers = headers,
	    .upload = c->upload,
	    .upload_size = c->upload_size,
	    .connect_timeout_ms = S3_TIMEOUT_MS,
	    /* a transfer of a whole file: no deadline, but never a stalled one
	     * (the pool's request allowance still bounds the request) */
	    .timeout_ms = c->upload != NULL || c->md != NULL ? -1 : S3_TIMEOUT_MS,
	    .low_speed_bytes = S3_LOW_SPEED_BYTES,
	    .low_speed_seconds = S3_TIMEOUT_MS / 1000,
	    .max_body = S3_ERROR_BODY_MAX,
	    .truncate = true,
	    .sink = c->md != NULL ? s3_hash_sink : NULL,
	    .sink_ctx = c,
	    .sink_max = c->max,
	};

	return httpc_perform(a, &rq, &c->answer);
}

/* Logs an answer we did not expect and gives SOUK_EUPSTREAM. */
static int s3_unexpected(struct arena *a, const struct s3_call *c)
{
	log_msg(LOG_WARN, "s3: %s %s answered HTTP %ld (%s)", c->method, c->key, c->answer.status,
		s3_error_code(a, &c->answer));
	return SOUK_EUPSTREAM;
}

int s3_head(struct arena *a, const struct souk_config *cfg, const char *key, long long *size,
	    char **content_type)
{
	struct s3_call c = {.method = "HEAD", .key = key, .payload_hash = S3_EMPTY_SHA256};
	int rc = s3_perform(a, cfg, &c);
	long long length = c.answer.content_length;
	const char *type = c.answer.content_type;

	if (rc != SOUK_OK)
		return rc;
	if (c.answer.status == 404)
		return SOUK_ENOTFOUND;
	if (c.answer.status != 200)
		return s3_unexpected(a, &c);
	length = c.answer.content_length;
	type = c.answer.content_type;
	if (length < 0) {
		log_msg(LOG_WARN, "s3: HEAD %s answered without a Content-Length", key);
		return SOUK_EUPSTREAM;
	}
	if (size != NULL)
		*size = length;
	if (content_type != NULL)
		*content_type = type ? arena_strdup(a, type) : NULL;
	return SOUK_OK;
}

static void s3_md_release(void *p)
{
	EVP_MD_CTX_free(p);
}

int s3_sha256(struct arena *a, const struct souk_config *cfg, const char *key, long long max,
	      char out[65], long long *size)
{
	struct s3_call c = {.method = "GET", .key = key, .payload_hash = S3_EMPTY_SHA256};
	unsigned char digest[EVP_MAX_MD_SIZE];
	unsigned int n = 0;
	int rc;

	if (max < 0 || out == NULL)
		return SOUK_EINVALID;
	c.max = max;
	c.md = EVP_MD_CTX_new();
	if (c.md == NULL)
		return SOUK_EINTERNAL;
	arena_defer(a, s3_md_release, c.md);
	if (EVP_DigestInit_ex(c.md, EVP_sha256(), NULL) != 1)
		return SOUK_EINTERNAL;
	rc = s3_perform(a, cfg, &c);
	if (rc != SOUK_OK)
		return rc;
	if (c.answer.status == 404)
		return SOUK_ENOTFOUND;
	if (c.answer.status != 200)
		return s3_unexpected(a, &c);
	if (EVP_DigestFinal_ex(c.md, digest, &n) != 1)
		return SOUK_EINTERNAL;
	crypto_hex(digest, n, out);
	if (size != NULL)
		*size = c.got;
	return SOUK_OK;
}

/* The lower-case hex SHA-256 of the rest of f (then rewound) and its size. */
static int s3_file_sha256(FILE *f, char out[65], long long *size)
{
	unsigned char digest[EVP_MAX_MD_SIZE];
	unsigned int n = 0;
	char *chunk = malloc(S3_FILE_CHUNK);
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	long long total = 0;
	size_t got;
	int rc = SOUK_EIO;

	if (chunk == NULL || md == NULL || EVP_DigestInit_ex(md, EVP_sha256(), NULL) != 1)
		goto out;
	while ((got = fread(chunk, 1, S3_FILE_CHUNK, f)) > 0) {
		if (EVP_DigestUpdate(md, chunk, got) != 1)
			goto out;
		total += (long long)got;
	}
	if (ferror(f) || EVP_DigestFinal_ex(md, digest, &n) != 1 || fseek(f, 0, SEEK_SET) != 0)
		goto out;
	crypto_hex(digest, n, out);
	*size = total;
	rc = SOUK_OK;
out:
	EVP_MD_CTX_free(md);
	free(chunk);
	return rc;
}

int s3_put_file(struct arena *a, const struct souk_config *cfg, const char *key, const char *path,
		const char *content_type)
{
	struct s3_call c = {.method = "PUT", .key = key, .content_type = content_type};
	char hash[CRYPTO_SHA256_HEX_LEN + 1];
	long long size = 0;
	FILE *f;
	int rc;

	if (path == NULL)
		return SOUK_EINVALID;
	f = fopen(path, "rbe");
	if (f == NULL) {
		log_msg(LOG_WARN, "s3: PUT %s: cannot open the local file", key ? key : "-");
		return SOUK_EIO;
	}
	rc = s3_file_sha256(f, hash, &size);
	if (rc != SOUK_OK) {
		log_msg(LOG_WARN, "s3: PUT %s: cannot read the local file", key ? key : "-");
		goto out;
	}
	c.payload_hash = hash;
	c.upload = f;
	c.upload_size = size;
	rc = s3_perform(a, cfg, &c);
	if (rc == SOUK_OK && c.answer.status != 200)
		rc = s3_unexpected(a, &c);
out:
	fclose(f);
	return rc;
}

int s3_delete(struct arena *a, const struct souk_config *cfg, const char *key)
{
	struct s3_call c = {.method = "DELETE", .key = key, .payload_hash = S3_EMPTY_SHA256};
	int rc = s3_perform(a, cfg, &c);

	if (rc != SOUK_OK)
		return rc;
	if (c.answer.status != 204 && c.answer.status != 200)
		return s3_unexpected(a, &c);
	return SOUK_OK;
}
