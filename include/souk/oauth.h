/*
 * oauth.h - the parts of Google (OpenID Connect) and GitHub sign-in that do
 * not need a network or a database, exposed so unit tests can reach them:
 * base64url, PKCE, JWK -> OpenSSL key, RS256 ID-token verification and the
 * choice of a GitHub e-mail. The HTTP handlers themselves are declared in
 * auth.h (auth_providers, auth_oauth_start, auth_oauth_callback) and live in
 * src/auth/oauth.c; the crypto lives in src/auth/jwk.c.
 *
 * ID tokens are accepted only as RS256 JWS signed by a key of the provider's
 * JWKS: "none", HS256 (which an attacker could sign with the public client id
 * or our own session secret) and every other algorithm are refused, so an
 * access JWT of ours can never pass here, and an ID token can never pass
 * token_access_verify() (HS256 only).
 */
#ifndef SOUK_OAUTH_H
#define SOUK_OAUTH_H

#include <stdbool.h>
#include <stddef.h>

#include <openssl/types.h>

struct arena;
struct cJSON;

/* Seconds of clock skew tolerated on exp, iat and nbf. */
#define OIDC_LEEWAY_SECONDS 60
/* Longest ID token accepted (bytes); Google's are about 1 KiB. */
#define OIDC_TOKEN_MAX 16384
/* RSA moduli accepted in a JWK, in bits. */
#define JWK_RSA_MIN_BITS 2048
#define JWK_RSA_MAX_BITS 8192

/*
 * Decodes base64url (RFC 4648 section 5) without padding, the form JOSE
 * uses: in[0..len) may hold only A-Z a-z 0-9 '-' '_', len % 4 != 1, and the
 * unused low bits of the last character must be zero (one encoding per
 * value). SOUK_OK with *out (arena, NUL-terminated for convenience) and
 * *outlen, or SOUK_EMALFORMED (outputs untouched).
 */
int oauth_base64url_decode(struct arena *a, const char *in, size_t len, unsigned char **out,
			   size_t *outlen);

/* base64url without padding of data[0..len), NUL-terminated, in the arena. */
char *oauth_base64url_encode(struct arena *a, const unsigned char *data, size_t len);

/* base64url without padding of SHA-256(verifier): the PKCE S256
 * code_challenge (RFC 7636 section 4.2), in the arena. */
char *oauth_pkce_challenge(struct arena *a, const char *verifier);

/*
 * Turns a JWK (a cJSON object) into an RSA public key with OpenSSL 3
 * (OSSL_PARAM_BLD + EVP_PKEY_fromdata). The JWK must have kty "RSA", "n" and
 * "e" in base64url, a modulus of JWK_RSA_MIN_BITS..JWK_RSA_MAX_BITS bits and
 * an odd exponent >= 3; "use", when present, must be "sig" and "alg", when
 * present, "RS256". SOUK_OK with *out registered on the arena (freed with
 * EVP_PKEY_free at the next reset: the caller never frees it), or
 * SOUK_EINVALID with a static reason in *why.
 */
int jwk_rsa_public_key(struct arena *a, const struct cJSON *jwk, EVP_PKEY **out, const char **why);

/* What an ID token must say. */
struct oidc_expect {
	const char *issuer;    /* iss, compared exactly */
	const char *client_id; /* must be aud (or one of aud), and azp when present */
	const char *nonce;     /* the nonce sent in the authorization request */
	long long now;	       /* the current time, seconds since the epoch */
};

/* What a verified ID token says about the user (strings in the arena). */
struct oidc_claims {
	const char *sub;     /* the provider's stable user id, 1..255 bytes */
	const char *email;   /* verified by the provider (email_verified true) */
	const char *name;    /* may be NULL */
	const char *picture; /* may be NULL */
};

/*
 * Verifies an ID token (compact JWS) against jwks (a cJSON object
 * {"keys":[...]}) and expect: header alg exactly "RS256", no "crit", a "kid"
 * naming an RSA key of jwks, an RS256 (RSASSA-PKCS1-v1_5, SHA-256) signature
 * over "header.payload" checked with EVP_DigestVerify; then iss, aud (string,
 * or array holding client_id, with azp then required), azp, exp (in the future
 * give or take OIDC_LEEWAY_SECONDS), iat (not in the future), nbf, nonce
 * (constant-time), sub, email and email_verified == true.
 *
 * Returns SOUK_OK with *claims filled, SOUK_ENOTFOUND when jwks holds no key
 * with the token's kid (the caller may refetch the JWKS once and retry), or
 * SOUK_EUNAUTH for every other defect; *why (static, for logs, never shown
 * with the token) says which. Outputs are untouched on failure.
 */
int oidc_verify_id_token(struct arena *a, const char *token, const struct cJSON *jwks,
			 const struct oidc_expect *expect, struct oidc_claims *claims,
			 const char **why);

/*
 * The e-mail to use from GitHub's GET /user/emails answer (a cJSON array of
 * {"email","primary","verified",...}): the primary one, and only if it is
 * verified. NULL when there is none (the caller refuses the sign-in; an
 * unverified or secondary address is never used to find or create an
 * account). Points into emails.
 */
const char *oauth_github_primary_email(const struct cJSON *emails);

#endif
