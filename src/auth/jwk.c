/*
 * jwk.c - JWK to OpenSSL key, RS256 ID-token verification, base64url and
 * PKCE; see include/souk/oauth.h. No network, no database: everything here
 * is unit-tested with fixed keys and tokens (t/unit/test_oauth.c).
 */
#include "souk/oauth.h"

#include <string.h>

#include <cjson/cJSON.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/rsa.h>

#include "souk/arena.h"
#include "souk/err.h"
#include "souk/json.h"
#include "souk/token.h"

/* ---------------------------------------------------------------------------
 * base64url
 * ------------------------------------------------------------------------- */

static int b64url_value(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '-')
		return 62;
	if (c == '_')
		return 63;
	return -1;
}

int oauth_base64url_decode(struct arena *a, const char *in, size_t len, unsigned char **out,
			   size_t *outlen)
{
	size_t n = len / 4 * 3 + (len % 4 ? len % 4 - 1 : 0), o = 0;
	unsigned long acc = 0;
	int bits = 0;
	unsigned char *buf;

	if (len % 4 == 1)
		return SOUK_EMALFORMED; /* 6 bits cannot make a byte */
	buf = arena_alloc(a, n + 1);
	for (size_t i = 0; i < len; i++) {
		int v = b64url_value((unsigned char)in[i]);

		if (v < 0)
			return SOUK_EMALFORMED;
		acc = (acc << 6) | (unsigned long)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			buf[o++] = (unsigned char)(acc >> bits);
			acc &= (1UL << bits) - 1;
		}
	}
	/* the leftover bits of the last character must be zero */
	if (acc != 0)
		return SOUK_EMALFORMED;
	buf[o] = '\0';
	*out = buf;
	*outlen = o;
	return SOUK_OK;
}

char *oauth_base64url_encode(struct arena *a, const unsigned char *data, size_t len)
{
	static const char alphabet[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
	char *out = arena_alloc(a, len / 3 * 4 + 4 + 1), *p = out;
	size_t i = 0;

	for (; i + 3 <= len; i += 3) {
		unsigned long v =
		    (unsigned long)data[i] << 16 | (unsigned long)data[i + 1] << 8 | data[i + 2];

		*p++ = alphabet[(v >> 18) & 63];
		*p++ = alphabet[(v >> 12) & 63];
		*p++ = alphabet[(v >> 6) & 63];
		*p++ = alphabet[v & 63];
	}
	if (len - i == 1) {
		unsigned long v = (unsigned long)data[i] << 16;

		*p++ = alphabet[(v >> 18) & 63];
		*p++ = alphabet[(v >> 12) & 63];
	} else if (len - i == 2) {
		unsigned long v = (unsigned long)data[i] << 16 | (unsigned long)data[i + 1] << 8;

		*p++ = alphabet[(v >> 18) & 63];
		*p++ = alphabet[(v >> 12) & 63];
		*p++ = alphabet[(v >> 6) & 63];
	}
	*p = '\0';
	return out;
}

char *oauth_pkce_challenge(struct arena *a, const char *verifier)
{
	unsigned char digest[EVP_MAX_MD_SIZE];
	unsigned int n = 0;

	EVP_Digest(verifier, strlen(verifier), digest, &n, EVP_sha256(), NULL);
	return oauth_base64url_encode(a, digest, n);
}

/* ---------------------------------------------------------------------------
 * JWK -> EVP_PKEY
 * ------------------------------------------------------------------------- */

static void pkey_free(void *p)
{
	EVP_PKEY_free(p);
}

/* The string member name of obj, or NULL when absent or not a string. */
static const char *json_str(const cJSON *obj, const char *name)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, name);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

int jwk_rsa_public_key(struct arena *a, const cJSON *jwk, EVP_PKEY **out, const char **why)
{
	const char *kty = json_str(jwk, "kty"), *n64 = json_str(jwk, "n"),
		   *e64 = json_str(jwk, "e");
	const cJSON *use = cJSON_GetObjectItemCaseSensitive(jwk, "use"),
		    *alg = cJSON_GetObjectItemCaseSensitive(jwk, "alg");
	unsigned char *nb = NULL, *eb = NULL;
	size_t nlen = 0, elen = 0;
	BIGNUM *n = NULL, *e = NULL;
	OSSL_PARAM_BLD *bld = NULL;
	OSSL_PARAM *params = NULL;
	EVP_PKEY_CTX *ctx = NULL;
	EVP_PKEY *pkey = NULL;
	int rc = SOUK_EINVALID;

	if (!cJSON_IsObject(jwk) || kty == NULL || strcmp(kty, "RSA") != 0) {
		*why = "the key is not an RSA JWK";
		goto out;
	}
	if ((use != NULL && (!cJSON_IsString(use) || strcmp(use->valuestring, "sig") != 0)) ||
	    (alg != NULL && (!cJSON_IsString(alg) || strcmp(alg->valuestring, "RS256") != 0))) {
		*why = "the key is not for RS256 signatures";
		goto out;
	}
	if (n64 == NULL || e64 == NULL ||
	    oauth_base64url_decode(a, n64, strlen(n64), &nb, &nlen) != SOUK_OK ||
	    oauth_base64url_decode(a, e64, strlen(e64), &eb, &elen) != SOUK_OK) {
		*why = "the key's n or e is missing or not base64url";
		goto out;
	}
	if (nlen == 0 || nlen > JWK_RSA_MAX_BITS / 8 + 1 || elen == 0 || elen > 8) {
		*why = "the key's n or e has an impossible size";
		goto out;
	}
	n = BN_bin2bn(nb, (int)nlen, NULL);
	e = BN_bin2bn(eb, (int)elen, NULL);
	if (n == NULL || e == NULL) {
		*why = "out of memory";
		rc = SOUK_EINTERNAL;
		goto out;
	}
	if (BN_num_bits(n) < JWK_RSA_MIN_BITS || BN_num_bits(n) > JWK_RSA_MAX_BITS ||
	    !BN_is_odd(n) || !BN_is_odd(e) || BN_cmp(e, BN_value_one()) <= 0) {
		*why = "the key's modulus or exponent is unacceptable";
		goto out;
	}
	bld = OSSL_PARAM_BLD_new();
	if (bld == NULL || !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, n) ||
	    !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, e) ||
	    (params = OSSL_PARAM_BLD_to_param(bld)) == NULL) {
		*why = "out of memory";
		rc = SOUK_EINTERNAL;
		goto out;
	}
	ctx = EVP_PKEY_CTX_new_from_name(NULL, "RSA", NULL);
	if (ctx == NULL || EVP_PKEY_fromdata_init(ctx) <= 0 ||
	    EVP_PKEY_fromdata(ctx, &pkey, EVP_PKEY_PUBLIC_KEY, params) <= 0 || pkey == NULL) {
		*why = "OpenSSL refused the key";
		goto out;
	}
	arena_defer(a, pkey_free, pkey);
	*out = pkey;
	rc = SOUK_OK;
out:
	EVP_PKEY_CTX_free(ctx);
	OSSL_PARAM_free(params);
	OSSL_PARAM_BLD_free(bld);
	BN_free(n);
	BN_free(e);
	return rc;
}

/* ---------------------------------------------------------------------------
 * ID tokens
 * ------------------------------------------------------------------------- */

/* Decodes one base64url JWS part holding a JSON object. */
static int jws_json_part(struct arena *a, const char *part, size_t len, cJSON **out)
{
	unsigned char *raw = NULL;
	size_t rawlen = 0;
	const char *why = NULL;

	if (oauth_base64url_decode(a, part, len, &raw, &rawlen) != SOUK_OK)
		return SOUK_EMALFORMED;
	return json_parse_object(a, (const char *)raw, rawlen, out, &why);
}

/* The key of jwks whose "kid" is kid: SOUK_OK, SOUK_ENOTFOUND (no such kid)
 * or SOUK_EUNAUTH (the kid names a key we cannot use). */
static int jwks_find(struct arena *a, const cJSON *jwks, const char *kid, EVP_PKEY **out,
		     const char **why)
{
	const cJSON *keys = cJSON_GetObjectItemCaseSensitive(jwks, "keys"), *k;

	if (!cJSON_IsArray(keys)) {
		*why = "the JWKS has no keys array";
		return SOUK_EUNAUTH;
	}
	cJSON_ArrayForEach(k, keys)
	{
		const char *id = json_str(k, "kid");

		if (id != NULL && strcmp(id, kid) == 0)
			return jwk_rsa_public_key(a, k, out, why) == SOUK_OK ? SOUK_OK
									     : SOUK_EUNAUTH;
	}
	*why = "no key in the JWKS has the token's kid";
	return SOUK_ENOTFOUND;
}

static int rs256_verify(EVP_PKEY *pkey, const char *input, size_t input_len,
			const unsigned char *sig, size_t siglen)
{
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	EVP_PKEY_CTX *pctx = NULL;
	int ok = 0;

	if (md != NULL && EVP_DigestVerifyInit(md, &pctx, EVP_sha256(), NULL, pkey) == 1 &&
	    EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) > 0)
		ok =
		    EVP_DigestVerify(md, sig, siglen, (const unsigned char *)input, input_len) == 1;
	EVP_MD_CTX_free(md);
	return ok;
}

static bool audience_ok(const cJSON *payload, const char *client_id)
{
	const cJSON *aud = cJSON_GetObjectItemCaseSensitive(payload, "aud"), *v;
	const char *azp = json_str(payload, "azp");
	bool found = false;
	int count = 0;

	if (cJSON_GetObjectItemCaseSensitive(payload, "azp") != NULL &&
	    (azp == NULL || strcmp(azp, client_id) != 0))
		return false;
	if (cJSON_IsString(aud))
		return strcmp(aud->valuestring, client_id) == 0;
	if (!cJSON_IsArray(aud))
		return false;
	cJSON_ArrayForEach(v, aud)
	{
		if (!cJSON_IsString(v))
			return false;
		found |= strcmp(v->valuestring, client_id) == 0;
		count++;
	}
	/* OIDC Core 3.1.3.7: several audiences need azp naming us */
	return found && (count == 1 || azp != NULL);
}

/* A numeric date claim; false when absent (and required) or not a number. */
static bool time_claim(const cJSON *payload, const char *name, bool required, double *out)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(payload, name);

	if (v == NULL) {
		*out = 0;
		return !required;
	}
	if (!cJSON_IsNumber(v))
		return false;
	*out = v->valuedouble;
	return true;
}

int oidc_verify_id_token(struct arena *a, const char *token, const cJSON *jwks,
			 const struct oidc_expect *expect, struct oidc_claims *claims,
			 const char **why)
{
	const char *dot1, *dot2, *alg, *kid, *sub, *email;
	size_t len;
	cJSON *header = NULL, *payload = NULL;
	unsigned char *sig = NULL;
	size_t siglen = 0;
	EVP_PKEY *pkey = NULL;
	double exp, iat, nbf;
	const double now = (double)expect->now, leeway = OIDC_LEEWAY_SECONDS;
	int rc;

	if (token == NULL || (len = strlen(token)) == 0 || len > OIDC_TOKEN_MAX) {
		*why = "the ID token is missing or too long";
		return SOUK_EUNAUTH;
	}
	dot1 = strchr(token, '.');
	dot2 = dot1 ? strchr(dot1 + 1, '.') : NULL;
	if (dot1 == NULL || dot2 == NULL || strchr(dot2 + 1, '.') != NULL || dot1 == token ||
	    dot2 == dot1 + 1 || dot2[1] == '\0') {
		*why = "the ID token is not a signed compact JWS";
		return SOUK_EUNAUTH;
	}
	if (jws_json_part(a, token, (size_t)(dot1 - token), &header) != SOUK_OK) {
		*why = "the ID token header is not base64url JSON";
		return SOUK_EUNAUTH;
	}
	/* exactly RS256: never "none", never HS256 (a MAC anyone holding the
	 * client id or our session secret could make), never a downgrade */
	alg = json_str(header, "alg");
	if (alg == NULL || strcmp(alg, "RS256") != 0) {
		*why = "the ID token's algorithm is not RS256";
		return SOUK_EUNAUTH;
	}
	if (cJSON_GetObjectItemCaseSensitive(header, "crit") != NULL) {
		*why = "the ID token names critical header extensions";
		return SOUK_EUNAUTH;
	}
	kid = json_str(header, "kid");
	if (kid == NULL || *kid == '\0') {
		*why = "the ID token has no kid";
		return SOUK_EUNAUTH;
	}
	rc = jwks_find(a, jwks, kid, &pkey, why);
	if (rc != SOUK_OK)
		return rc;
	if (oauth_base64url_decode(a, dot2 + 1, strlen(dot2 + 1), &sig, &siglen) != SOUK_OK ||
	    siglen != (size_t)EVP_PKEY_get_size(pkey) ||
	    !rs256_verify(pkey, token, (size_t)(dot2 - token), sig, siglen)) {
		*why = "the ID token's signature does not verify";
		return SOUK_EUNAUTH;
	}
	/* signed by the provider: now read what it says */
	if (jws_json_part(a, dot1 + 1, (size_t)(dot2 - dot1 - 1), &payload) != SOUK_OK) {
		*why = "the ID token payload is not base64url JSON";
		return SOUK_EUNAUTH;
	}
	if (json_str(payload, "iss") == NULL ||
	    strcmp(json_str(payload, "iss"), expect->issuer) != 0) {
		*why = "the ID token's issuer is wrong";
		return SOUK_EUNAUTH;
	}
	if (!audience_ok(payload, expect->client_id)) {
		*why = "the ID token is for another audience";
		return SOUK_EUNAUTH;
	}
	if (!time_claim(payload, "exp", true, &exp) || !time_claim(payload, "iat", true, &iat) ||
	    !time_claim(payload, "nbf", false, &nbf)) {
		*why = "the ID token's exp, iat or nbf is missing or not a number";
		return SOUK_EUNAUTH;
	}
	if (now > exp + leeway) {
		*why = "the ID token has expired";
		return SOUK_EUNAUTH;
	}
	if (iat > now + leeway || nbf > now + leeway) {
		*why = "the ID token was issued in the future";
		return SOUK_EUNAUTH;
	}
	if (expect->nonce == NULL || !token_equal(json_str(payload, "nonce"), expect->nonce)) {
		*why = "the ID token's nonce is wrong";
		return SOUK_EUNAUTH;
	}
	sub = json_str(payload, "sub");
	if (sub == NULL || *sub == '\0' || strlen(sub) > 255) {
		*why = "the ID token's sub is missing or too long";
		return SOUK_EUNAUTH;
	}
	email = json_str(payload, "email");
	if (email == NULL || *email == '\0') {
		*why = "the ID token has no e-mail address";
		return SOUK_EUNAUTH;
	}
	if (!cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(payload, "email_verified"))) {
		*why = "the provider has not verified the e-mail address";
		return SOUK_EUNAUTH;
	}
	claims->sub = sub;
	claims->email = email;
	claims->name = json_str(payload, "name");
	claims->picture = json_str(payload, "picture");
	return SOUK_OK;
}

/* ---------------------------------------------------------------------------
 * GitHub
 * ------------------------------------------------------------------------- */

const char *oauth_github_primary_email(const cJSON *emails)
{
	const cJSON *e;

	if (!cJSON_IsArray(emails))
		return NULL;
	cJSON_ArrayForEach(e, emails)
	{
		const char *addr = json_str(e, "email");

		if (addr != NULL && cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(e, "primary")))
			return cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(e, "verified")) ? addr
											     : NULL;
	}
	return NULL;
}
