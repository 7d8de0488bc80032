/*
 * err.h - the one error convention.
 *
 * Functions return SOUK_OK (0) or a negative enum souk_err. Out-params are set
 * on success only. An error becomes an HTTP status and a stable machine code in
 * exactly one place: souk_err_http(), which http_response_error() uses.
 */
#ifndef SOUK_ERR_H
#define SOUK_ERR_H

enum souk_err {
	SOUK_OK = 0,
	SOUK_EMALFORMED = -1,  /* 400 body or parameter cannot be parsed */
	SOUK_EUNAUTH = -2,     /* 401 not signed in */
	SOUK_EFORBIDDEN = -3,  /* 403 signed in, not allowed (or CSRF) */
	SOUK_ENOTFOUND = -4,   /* 404 */
	SOUK_EMETHOD = -5,     /* 405 route exists, method does not */
	SOUK_ECONFLICT = -6,   /* 409 duplicate or stale version */
	SOUK_ETOOLARGE = -7,   /* 413 body over the limit */
	SOUK_EMEDIATYPE = -8,  /* 415 wrong Content-Type */
	SOUK_EINVALID = -9,    /* 422 well-formed but invalid input (field errors) */
	SOUK_ERATELIMIT = -10, /* 429 */
	SOUK_EDB = -11,	       /* 503 PostgreSQL unavailable */
	SOUK_EREDIS = -12,     /* 503 Redis unavailable */
	SOUK_EINTERNAL = -13,  /* 500 a bug or an unexpected system failure */
	SOUK_EIO = -14,	       /* 500 local I/O failure (files, sockets) */
	SOUK_EGONE = -15,      /* 410 existed, but no longer (an expired link) */
	SOUK_EUPSTREAM = -16,  /* 502 an outside service (S3, ...) failed or did not answer */
	SOUK_ERR__MAX = -17
};

struct souk_err_http {
	int status;	     /* HTTP status */
	const char *code;    /* machine-readable code, e.g. "validation_failed" */
	const char *message; /* default human message */
};

/* Returns the HTTP mapping of err; unknown values map to 500 internal_error. */
const struct souk_err_http *souk_err_http(int err);

/* Reason phrase for an HTTP status ("Not Found"); "Unknown" if not listed. */
const char *http_status_reason(int status);

#endif
