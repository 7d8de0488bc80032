/* token.c - access JWTs and opaque tokens; see include/souk/token.h. */
#include "souk/token.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <jwt.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "souk/arena.h"
#include "souk/config.h"
#include "souk/crypto.h"
#include "souk/err.h"
#include "souk/json.h"

#define TOKEN_MIN_SECRET 32
#define TOKEN_LEEWAY 30 /* seconds of clock skew tolerated for iat */

static int token_secret_ok(const struct souk_config *cfg)
{
	return cfg->jwt_secret != NULL && strlen(cfg->jwt_secret) >= TOKEN_MIN_SECRET;
}

int token_access_issue(const struct souk_config *cfg, struct arena *a, const char *sub,
		       const char *sid, long now, char **out)
{
	unsigned char jti_raw[16];
	char jti[33], *encoded;
	jwt_t *jwt = NULL;
	int rc = SOUK_EINTERNAL;

	if (!token_secret_ok(cfg) || crypto_random(jti_raw, sizeof(jti_raw)) != SOUK_OK)
		return SOUK_EINTERNAL;
	crypto_hex(jti_raw, sizeof(jti_raw), jti);
	if (jwt_new(&jwt) != 0)
		return SOUK_EINTERNAL;
	if (jwt_set_alg(jwt, JWT_ALG_HS256, (const unsigned char *)cfg->jwt_secret,
			(int)strlen(cfg->jwt_secret)) == 0 &&
	    jwt_add_grant(jwt, "iss", cfg->jwt_issuer) == 0 &&
	    jwt_add_grant(jwt, "aud", TOKEN_AUDIENCE) == 0 && jwt_add_grant(jwt, "sub", sub) == 0 &&
	    jwt_add_grant(jwt, "sid", sid) == 0 && jwt_add_grant(jwt, "jti", jti) == 0 &&
	    jwt_add_grant_int(jwt, "iat", now) == 0 &&
	    jwt_add_grant_int(jwt, "exp", now + cfg->access_ttl) == 0 &&
	    (encoded = jwt_encode_str(jwt)) != NULL) {
		*out = arena_strdup(a, encoded);
		free(encoded);
		rc = SOUK_OK;
	}
	jwt_free(jwt);
	return rc;
}

int token_access_verify(const struct souk_config *cfg, struct arena *a, const char *token, long now,
			struct access_claims *claims)
{
	jwt_t *jwt = NULL;
	const char *iss, *aud, *sub, *sid, *jti;
	long exp, iat;
	int rc = SOUK_EUNAUTH;

	if (!token_secret_ok(cfg) || token == NULL || strlen(token) > 4096)
		return SOUK_EUNAUTH;
	if (jwt_decode(&jwt, token, (const unsigned char *)cfg->jwt_secret,
		       (int)strlen(cfg->jwt_secret)) != 0 ||
	    jwt == NULL)
		return SOUK_EUNAUTH;
	/* libjwt checked the signature with the header's algorithm: only ours counts */
	if (jwt_get_alg(jwt) != JWT_ALG_HS256)
		goto out;
	iss = jwt_get_grant(jwt, "iss");
	aud = jwt_get_grant(jwt, "aud");
	sub = jwt_get_grant(jwt, "sub");
	sid = jwt_get_grant(jwt, "sid");
	jti = jwt_get_grant(jwt, "jti");
	errno = 0;
	exp = jwt_get_grant_int(jwt, "exp");
	if (errno != 0)
		goto out;
	iat = jwt_get_grant_int(jwt, "iat");
	if (errno != 0)
		goto out;
	if (iss == NULL || strcmp(iss, cfg->jwt_issuer) != 0 || aud == NULL ||
	    strcmp(aud, TOKEN_AUDIENCE) != 0 || sub == NULL || !validate_uuid(sub) || sid == NULL ||
	    !validate_uuid(sid) || jti == NULL)
		goto out;
	if (exp <= now || iat > now + TOKEN_LEEWAY || exp - iat > cfg->access_ttl)
		goto out;
	claims->sub = arena_strdup(a, sub);
	claims->sid = arena_strdup(a, sid);
	claims->jti = arena_strdup(a, jti);
	claims->exp = exp;
	rc = SOUK_OK;
out:
	jwt_free(jwt);
	return rc;
}

char *token_base64url(struct arena *a, const unsigned char *data, size_t len)
{
	size_t n = 4 * ((len + 2) / 3);
	char *out = arena_alloc(a, n + 1);
	int written = EVP_EncodeBlock((unsigned char *)out, data, (int)len);

	for (int i = 0; i < written; i++) {
		if (out[i] == '+')
			out[i] = '-';
		else if (out[i] == '/')
			out[i] = '_';
	}
	while (written > 0 && out[written - 1] == '=')
		out[--written] = '\0';
	return out;
}

void token_opaque_hash(const char *token, unsigned char hash[32])
{
	unsigned int n = 32;

	EVP_Digest(token, strlen(token), hash, &n, EVP_sha256(), NULL);
}

int token_opaque_new(struct arena *a, char **token, unsigned char hash[32])
{
	unsigned char raw[32];

	if (crypto_random(raw, sizeof(raw)) != SOUK_OK)
		return SOUK_EINTERNAL;
	*token = token_base64url(a, raw, sizeof(raw));
	token_opaque_hash(*token, hash);
	OPENSSL_cleanse(raw, sizeof(raw));
	return SOUK_OK;
}

char *token_mac(const struct souk_config *cfg, struct arena *a, const char *label,
		const char *value)
{
	unsigned char mac[EVP_MAX_MD_SIZE];
	unsigned int len = 0;
	char *msg = arena_printf(a, "%s:%s", label, value);

	HMAC(EVP_sha256(), cfg->jwt_secret, (int)strlen(cfg->jwt_secret), (unsigned char *)msg,
	     strlen(msg), mac, &len);
	return token_base64url(a, mac, len);
}

int token_equal(const char *a, const char *b)
{
	size_t la, lb;

	if (a == NULL || b == NULL)
		return 0;
	la = strlen(a);
	lb = strlen(b);
	return la == lb && CRYPTO_memcmp(a, b, la) == 0;
}
