/*
 * storage.h - where product files and public images live, and how a buyer
 * gets the bytes. Two drivers, chosen by SOUK_STORAGE_DRIVER:
 *
 *   local  files under SOUK_STORAGE_DIR; a download is authorised by the
 *          worker and served by nginx through X-Accel-Redirect to the
 *          internal /_files/ location (sendfile, ranges). Uploads stream
 *          through nginx to the worker, which writes a temporary file and
 *          renames it into place (src/storage/local.c).
 *   s3     AWS S3 or any S3-compatible service: AWS Signature Version 4
 *          presigned GET (downloads) and PUT (uploads) URLs with a short
 *          expiry, virtual-hosted or path-style addressing, configurable
 *          endpoint and region (src/storage/s3.c, src/storage/sigv4.c).
 *
 * Keys name objects in either driver: product files live under "products/",
 * public images under "public/". A key is 1..1024 bytes of [A-Za-z0-9._/-],
 * never starts with '/', never holds an empty, "." or ".." segment, so it can
 * be joined to a directory, put in a URL path or an X-Accel-Redirect header
 * without escaping and can never leave its root (storage_key_valid()).
 */
#ifndef SOUK_STORAGE_H
#define SOUK_STORAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

struct arena;
struct souk_config;

/* True when key is a valid storage key (see above). */
bool storage_key_valid(const char *key);

/* ------------------------------------------------------------------------
 * Either driver (src/storage/storage.c, src/storage/local.c).
 * ------------------------------------------------------------------------ */

/* Reads up to n bytes into buf: the count, 0 at the end, -1 on error. */
typedef long (*storage_reader)(void *ctx, char *buf, size_t n);

#define STORAGE_HEAD_BYTES 16

struct storage_written {
	long long size;				/* bytes stored */
	char sha256[65];			/* lower-case hex */
	unsigned char head[STORAGE_HEAD_BYTES]; /* the first bytes, for type sniffing */
	size_t head_len;
};

/* True when cfg selects the S3 driver. */
bool storage_is_s3(const struct souk_config *cfg);

/*
 * Stores what read() yields as key, hashing it on the way, never holding it
 * in memory: local writes a temporary file in SOUK_STORAGE_DIR/.uploads,
 * fsyncs it and renames it into place (readers never see half a file); s3
 * does the same, then PUTs the file and removes it. More than max bytes is
 * SOUK_ETOOLARGE and leaves nothing behind; a reader error is
 * SOUK_EMALFORMED; SOUK_EIO or SOUK_EUPSTREAM (S3) otherwise. SOUK_OK fills *out.
 */
int storage_store(const struct souk_config *cfg, struct arena *a, const char *key,
		  const char *content_type, storage_reader read, void *ctx, long long max,
		  struct storage_written *out);

/* Reads key whole into the arena (small objects only: an invoice PDF to
 * attach): SOUK_OK with *data, *len; SOUK_ENOTFOUND; SOUK_ETOOLARGE past
 * max bytes; SOUK_EIO or SOUK_EUPSTREAM (S3). */
int storage_read(const struct souk_config *cfg, struct arena *a, const char *key, size_t max,
		 unsigned char **data, size_t *len);

/* Removes key (absent is fine): SOUK_OK, SOUK_EIO or SOUK_EUPSTREAM (S3). */
int storage_delete(const struct souk_config *cfg, struct arena *a, const char *key);

/* The internal nginx location that serves key after X-Accel-Redirect:
 * "/_files/<key>" (local driver). Arena-owned. */
char *storage_accel_path(struct arena *a, const char *key);

/*
 * The Content-Disposition value for a download of filename, per RFC 6266:
 * attachment; filename="<ASCII fallback>"; filename*=UTF-8''<percent-encoded>.
 * filename is the stored name (never one from the request). Arena-owned.
 */
char *storage_content_disposition(struct arena *a, const char *filename);

/* The local driver's steps (src/storage/local.c), used by storage_store()
 * for both drivers: spool read() into a temporary file under
 * SOUK_STORAGE_DIR/.uploads (*tmp_path), then rename it to key. */
int local_spool(const struct souk_config *cfg, struct arena *a, storage_reader read, void *ctx,
		long long max, struct storage_written *out, char **tmp_path);
int local_commit(const struct souk_config *cfg, struct arena *a, const char *tmp_path,
		 const char *key);
int local_delete(const struct souk_config *cfg, struct arena *a, const char *key);

/* ------------------------------------------------------------------------
 * AWS Signature Version 4 (src/storage/sigv4.c), on OpenSSL.
 * ------------------------------------------------------------------------ */

struct sigv4_pair {
	const char *name;  /* decoded (not yet URI-encoded) */
	const char *value; /* decoded */
};

struct sigv4_credentials {
	const char *access_key;
	const char *secret_key;
	const char *region;  /* "us-east-1" */
	const char *service; /* "s3" */
};

struct sigv4_request {
	const char *method;		/* "GET", "PUT", ... */
	const char *host;		/* the Host header: host[:port] */
	const char *path;		/* absolute, decoded: "/bucket/a b.txt" */
	const struct sigv4_pair *query; /* decoded query parameters, any order */
	size_t nquery;
	const struct sigv4_pair *headers; /* headers to sign besides host, any case */
	size_t nheaders;
	const char *payload_hash; /* lower-case hex SHA-256, or "UNSIGNED-PAYLOAD" */
	bool s3_path;		  /* true (S3): encode the path once, keep "//" and dots;
				   * false (other services, the AWS test suite): drop
				   * empty and "." segments, resolve "..", then encode
				   * once. Such services want the path as sent encoded
				   * again: give them the sent (encoded) path here. */
};

struct sigv4_result {
	char amz_date[17];	 /* "20150830T123600Z" */
	char *canonical_request; /* arena */
	char *string_to_sign;	 /* arena */
	char signature[65];	 /* lower-case hex */
	char *signed_headers;	 /* "host;x-amz-date" (arena) */
	char *authorization;	 /* the Authorization header value (arena) */
};

/*
 * Signs req as of time t (UTC) with the credentials: builds the canonical
 * request, the string to sign, the signing key (HMAC chain over date, region,
 * service, "aws4_request") and the signature. Header names are lower-cased
 * and values trimmed with inner runs of spaces folded, as SigV4 requires; a
 * name given more than once is signed once with its values joined by ','
 * in the order given. Nothing is added: for the Authorization header the
 * caller passes x-amz-date (sigv4_amz_date(t)) and, for S3,
 * x-amz-content-sha256 among headers, as the AWS test suite's requests do.
 * Everything is allocated from a. SOUK_OK, or SOUK_EINVALID for a request
 * that cannot be signed: no method, host or path (a path starts with '/'),
 * a method or header name that is not an HTTP token, a header value with a
 * control character, "host" among headers (it comes from req->host), an
 * x-amz-date header that is not t, a payload hash that is neither 64
 * lower-case hex digits, UNSIGNED-PAYLOAD nor a STREAMING-* marker, an empty
 * credential part or one holding '/', ',', '=' or a blank, more than 64
 * headers.
 */
int sigv4_sign(struct arena *a, const struct sigv4_credentials *cred,
	       const struct sigv4_request *req, time_t t, struct sigv4_result *out);

/* URI-encodes s per SigV4 (unreserved A-Za-z0-9-._~ kept, everything else
 * %XX upper-case; '/' kept when keep_slash). Arena-owned; NULL for NULL. */
char *sigv4_uri_encode(struct arena *a, const char *s, bool keep_slash);

/* t (UTC) as SigV4's ISO 8601 basic form, "20150830T123600Z", into out. */
void sigv4_amz_date(time_t t, char out[17]);

/* The SignedHeaders value sigv4_sign() gives for these headers besides host:
 * "host;..." lower-cased, sorted, each name once. Query authentication needs
 * it before signing (it is one of the signed parameters). Arena-owned, or
 * NULL for headers sigv4_sign() would refuse. */
char *sigv4_signed_headers(struct arena *a, const struct sigv4_pair *headers, size_t nheaders);

/* ------------------------------------------------------------------------
 * The S3 driver (src/storage/s3.c). The bucket and credentials come from
 * cfg (SOUK_S3_*). Path-style: <endpoint>/<bucket>/<key>; virtual-hosted:
 * <scheme>://<bucket>.<endpoint host>/<key>.
 * ------------------------------------------------------------------------ */

/* The object URL (unsigned) of key. Arena-owned; NULL for an invalid key,
 * when S3 is not configured (bucket, region, endpoint), or for
 * virtual-hosted addressing on an IP endpoint. SOUK_S3_PUBLIC_URL is not
 * looked at: that choice is the caller's. */
char *s3_object_url(struct arena *a, const struct souk_config *cfg, const char *key);

/*
 * A presigned URL for method ("GET" or "PUT") on key, valid for expires
 * seconds from now (1 .. 604800), with X-Amz-* query authentication and
 * UNSIGNED-PAYLOAD. query (may be NULL) adds parameters that are signed too,
 * e.g. response-content-disposition and response-content-type for GET.
 * headers (may be NULL) are signed headers the client must send exactly,
 * e.g. content-type and content-length for PUT. The URL's query is the
 * canonical one (the X-Amz-* parameters and query, encoded, sorted by name)
 * followed by X-Amz-Signature. SOUK_OK with *url (arena-owned), or SOUK_EINVALID (bad
 * key, method or expires, S3 not configured, a query name starting with
 * "X-Amz-", a header sigv4_sign() refuses).
 */
int s3_presign(struct arena *a, const struct souk_config *cfg, const char *method, const char *key,
	       long expires, time_t now, const struct sigv4_pair *query, size_t nquery,
	       const struct sigv4_pair *headers, size_t nheaders, char **url);

/* Server-side requests (libcurl, Authorization header, 10 s timeout, no
 * redirects, http/https only). Each also gives SOUK_EINVALID for a bad key
 * or when S3 is not configured (bucket, region, endpoint, keys). */

/* HEAD key: SOUK_OK with *size and *content_type (arena, may be NULL);
 * SOUK_ENOTFOUND; SOUK_EUPSTREAM when S3 cannot be reached or answers an error. */
int s3_head(struct arena *a, const struct souk_config *cfg, const char *key, long long *size,
	    char **content_type);

/* GETs key and hashes it as it streams (never held in memory): SOUK_OK with
 * the lower-case hex SHA-256 in out and the byte count in *size;
 * SOUK_ETOOLARGE past max bytes; SOUK_ENOTFOUND; SOUK_EUPSTREAM. */
int s3_sha256(struct arena *a, const struct souk_config *cfg, const char *key, long long max,
	      char out[65], long long *size);

/* PUTs the local file at path as key with content_type (signed; may be NULL),
 * sending the file's SHA-256 as x-amz-content-sha256 so S3 checks the bytes:
 * SOUK_OK, SOUK_EIO (file unreadable) or SOUK_EUPSTREAM (S3 unreachable or refusing). */
int s3_put_file(struct arena *a, const struct souk_config *cfg, const char *key, const char *path,
		const char *content_type);

/* DELETE key (S3 answers 204 whether or not it existed): SOUK_OK or SOUK_EUPSTREAM. */
int s3_delete(struct arena *a, const struct souk_config *cfg, const char *key);

#endif
