/*
 * token.h - the access JWT (HS256 with libjwt) and opaque random tokens.
 *
 * libjwt 1.10 verifies with whatever algorithm the token's header names, so
 * token_access_verify() checks jwt_get_alg() == HS256 after decoding and
 * refuses everything else ("none", RS256 ID tokens, ...), then checks iss,
 * aud, exp (and iat) itself: libjwt 1.10 validates no claim.
 */
#ifndef SOUK_TOKEN_H
#define SOUK_TOKEN_H

#include <stddef.h>

struct arena;
struct souk_config;

#define TOKEN_AUDIENCE "souk-api"
#define TOKEN_OPAQUE_LEN 43 /* 32 random bytes, base64url without padding */

struct access_claims {
	const char *sub; /* user public id */
	const char *sid; /* session family id */
	const char *jti;
	long exp;
};

/* Issues an access JWT for sub/sid valid cfg->access_ttl seconds from now.
 * SOUK_OK with *out in the arena, or SOUK_EINTERNAL (no usable secret). */
int token_access_issue(const struct souk_config *cfg, struct arena *a, const char *sub,
		       const char *sid, long now, char **out);

/* Verifies jwt at time now. SOUK_OK with *claims (arena), or SOUK_EUNAUTH for
 * any defect: signature, algorithm, issuer, audience, expiry, claims. */
int token_access_verify(const struct souk_config *cfg, struct arena *a, const char *jwt, long now,
			struct access_claims *claims);

/* A fresh opaque token: 32 random bytes as base64url (43 chars) in the arena,
 * and its SHA-256 (32 bytes) in hash. SOUK_OK or SOUK_EINTERNAL. */
int token_opaque_new(struct arena *a, char **token, unsigned char hash[32]);

/* SHA-256 of an opaque token as presented by a client. */
void token_opaque_hash(const char *token, unsigned char hash[32]);

/* base64url (no padding) of data[0..len) into the arena. */
char *token_base64url(struct arena *a, const unsigned char *data, size_t len);

/* HMAC-SHA256(cfg->jwt_secret, label || ":" || value) as base64url: CSRF
 * tokens and keyed hashes of short codes. */
char *token_mac(const struct souk_config *cfg, struct arena *a, const char *label,
		const char *value);

/* Constant-time string equality (lengths may differ). */
int token_equal(const char *a, const char *b);

#endif
