/*
 * httpc.h - the one outbound HTTP client (libcurl): the sign-in providers,
 * S3, and what comes next (SES, Razorpay).
 *
 * Every request gets the same safety: a protocol allow-list (http and https
 * unless the caller names others), no redirects followed, TLS peer and host
 * verified, a connect timeout, a total deadline or (for file transfers) a
 * low-speed limit, a cap on the bytes kept from the answer, and no signals.
 * Nothing it logs carries a header value, a body or a URL's query (where
 * signatures live): only the caller's label, the host and curl's error.
 *
 * Everything it allocates (the handle, header lists, the answer) belongs to
 * the arena; the caller frees nothing.
 */
#ifndef SOUK_HTTPC_H
#define SOUK_HTTPC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct arena;

#define HTTPC_CONNECT_TIMEOUT_MS 5000L
#define HTTPC_TIMEOUT_MS 10000L
#define HTTPC_MAX_BODY (1024 * 1024) /* bytes of an answer kept by default */

struct httpc_request {
	const char *what;	    /* for logs: "google token exchange" (required) */
	const char *method;	    /* GET (NULL), POST, PUT, HEAD, DELETE, ... */
	const char *url;	    /* absolute; its scheme must be in protocols */
	const char *const *headers; /* "Name: value" lines, NULL-terminated (may be NULL) */
	const char *body;	    /* request body, or NULL */
	size_t body_len;
	FILE *upload; /* or the body read from a file (PUT) */
	long long upload_size;
	const char *protocols;	     /* curl's list, default "http,https" */
	long connect_timeout_ms;     /* 0 = HTTPC_CONNECT_TIMEOUT_MS */
	long timeout_ms;	     /* total; 0 = HTTPC_TIMEOUT_MS; -1 = none, then the
				      * low-speed limit below bounds a transfer */
	long low_speed_bytes;	     /* with timeout_ms -1: abort below this rate ... */
	long low_speed_seconds;	     /* ... sustained this long (defaults 16384 B/s, 10 s) */
	size_t max_body;	     /* bytes of the answer kept (0 = HTTPC_MAX_BODY) */
	bool truncate;		     /* keep the first max_body bytes and drop the rest,
				      * instead of failing with SOUK_ETOOLARGE */
	const char *accept_encoding; /* NULL: the bytes as sent; "": any curl decodes */
	/* When set, a 2xx answer's body goes here as it arrives instead of being
	 * kept (other answers are still kept, for the caller's log): return
	 * SOUK_OK to go on, or an error, which httpc_perform() then returns. */
	int (*sink)(void *ctx, const char *data, size_t n);
	void *sink_ctx;
	long long sink_max; /* bytes a sink accepts (0 = no limit): SOUK_ETOOLARGE */
};

struct httpc_response {
	long status;	  /* HTTP status */
	const char *body; /* NUL-terminated, in the arena ("" when none or sunk) */
	size_t len;
	const char *content_type; /* in the arena, or NULL */
	long long content_length; /* the Content-Length of the answer, -1 when none */
};

/*
 * Sends rq and reads the answer. SOUK_OK with *res for any HTTP status;
 * SOUK_ETOOLARGE when the answer passed max_body (or sink_max); a sink's
 * error; SOUK_EUPSTREAM when the server cannot be reached in time or the
 * transfer broke (logged); SOUK_EINVALID for a request that cannot be sent
 * (no URL or label, a header line holding CR or LF).
 */
int httpc_perform(struct arena *a, const struct httpc_request *rq, struct httpc_response *res);

/* ------------------------------------------------------------ SMTP --- */

/* One message to one recipient over SMTP (souk-mailer's smtp transport). */
struct httpc_smtp {
	const char *url;      /* smtp://host:587 (STARTTLS) or smtps://host:465 */
	const char *username; /* AUTH when non-empty */
	const char *password;
	bool tls_optional;   /* false: STARTTLS required (refused if the server has none) */
	const char *ca_file; /* a CA bundle to trust instead of the system's, or NULL */
	const char *helo;    /* the name to greet with, or NULL (curl's default) */
	const char *from;    /* envelope sender */
	const char *to;	     /* envelope recipient */
	const char *message; /* the RFC 5322 message, CRLF line ends */
	size_t len;
	long timeout_ms; /* the whole conversation; 0 = HTTPC_TIMEOUT_MS */
};

/*
 * Sends it. SOUK_OK when the server accepted the message (*reply is then
 * its last reply code, 250). Otherwise *reply is the SMTP reply code that
 * refused it (5xx: permanent, 4xx: try later) or 0 when no server answered,
 * *why what went wrong (arena-owned, never a credential or the message),
 * and the result SOUK_EUPSTREAM; SOUK_EINVALID for an address holding CR, LF
 * or '<' '>' or a URL that is not smtp:// or smtps://.
 */
int httpc_smtp_send(struct arena *a, const struct httpc_smtp *m, long *reply, const char **why);

#endif
