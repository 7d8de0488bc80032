/* test_auth.c - access JWTs, opaque tokens and the argon2id wrapper. */
#include <stdlib.h>
#include <string.h>

#include <jwt.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "souk/arena.h"
#include "souk/config.h"
#include "souk/err.h"
#include "souk/password.h"
#include "souk/token.h"
#include "tests.h"

static struct arena arena;
static struct souk_config cfg;
static const long NOW = 1800000000;

static int auth_init(void)
{
	arena_init(&arena, 4096);
	memset(&cfg, 0, sizeof(cfg));
	cfg.jwt_secret = "0123456789abcdef0123456789abcdef-test-secret";
	cfg.jwt_issuer = "souk-unit";
	cfg.access_ttl = 900;
	return 0;
}

static int auth_cleanup(void)
{
	arena_destroy(&arena);
	return 0;
}

static const char *SUB = "0b8f5f7e-6f1e-4c57-9f59-6a1d1bfa2f10";
static const char *SID = "7d4c2a1e-33b0-4d7a-8c11-2f9a0e5b6c77";

/* base64url of text */
static char *b64u(const char *text)
{
	return token_base64url(&arena, (const unsigned char *)text, strlen(text));
}

/* header.payload signed with HMAC-SHA256 (or unsigned when key is NULL). */
static char *forge(const char *header, const char *payload, const char *key, const EVP_MD *md)
{
	char *head = arena_printf(&arena, "%s.%s", b64u(header), b64u(payload));
	unsigned char mac[EVP_MAX_MD_SIZE];
	unsigned int len = 0;

	if (key == NULL)
		return arena_printf(&arena, "%s.", head);
	HMAC(md, key, (int)strlen(key), (unsigned char *)head, strlen(head), mac, &len);
	return arena_printf(&arena, "%s.%s", head, token_base64url(&arena, mac, len));
}

static const char *payload(long iat, long exp, const char *aud, const char *iss)
{
	return arena_printf(&arena,
			    "{\"iss\":\"%s\",\"aud\":\"%s\",\"sub\":\"%s\",\"sid\":\"%s\","
			    "\"jti\":\"j1\",\"iat\":%ld,\"exp\":%ld}",
			    iss, aud, SUB, SID, iat, exp);
}

static void test_issue_and_verify(void)
{
	char *jwt = NULL;
	struct access_claims c;

	CU_ASSERT_EQUAL(token_access_issue(&cfg, &arena, SUB, SID, NOW, &jwt), SOUK_OK);
	CU_ASSERT_PTR_NOT_NULL_FATAL(jwt);
	CU_ASSERT_EQUAL(token_access_verify(&cfg, &arena, jwt, NOW + 10, &c), SOUK_OK);
	ASSERT_STR_EQ(c.sub, SUB);
	ASSERT_STR_EQ(c.sid, SID);
	CU_ASSERT_EQUAL(c.exp, NOW + 900);
	CU_ASSERT_EQUAL(strlen(c.jti), 32);
	/* expired one second after exp */
	CU_ASSERT_EQUAL(token_access_verify(&cfg, &arena, jwt, NOW + 900, &c), SOUK_EUNAUTH);
	/* a different issuer configured: refused */
	cfg.jwt_issuer = "another";
	CU_ASSERT_EQUAL(token_access_verify(&cfg, &arena, jwt, NOW + 10, &c), SOUK_EUNAUTH);
	cfg.jwt_issuer = "souk-unit";
	arena_reset(&arena);
}

static void test_forgeries_refused(void)
{
	const char *hs256 = "{\"alg\":\"HS256\",\"typ\":\"JWT\"}";
	const char *good = payload(NOW, NOW + 600, TOKEN_AUDIENCE, "souk-unit");
	struct access_claims c;
	const char *key = cfg.jwt_secret;
	const char *cases[] = {
	    forge("{\"alg\":\"none\",\"typ\":\"JWT\"}", good, NULL, NULL),
	    forge(hs256, good, "a-completely-different-secret-of-length", EVP_sha256()),
	    forge(hs256, payload(NOW, NOW + 600, "other-api", "souk-unit"), key, EVP_sha256()),
	    forge(hs256, payload(NOW, NOW + 600, TOKEN_AUDIENCE, "evil"), key, EVP_sha256()),
	    forge(hs256, payload(NOW - 2000, NOW - 1000, TOKEN_AUDIENCE, "souk-unit"), key,
		  EVP_sha256()),
	    forge(hs256, payload(NOW, NOW + 7200, TOKEN_AUDIENCE, "souk-unit"), key, EVP_sha256()),
	    forge(hs256, payload(NOW + 600, NOW + 900, TOKEN_AUDIENCE, "souk-unit"), key,
		  EVP_sha256()),
	    forge("{\"alg\":\"HS384\",\"typ\":\"JWT\"}", good, key, EVP_sha384()),
	    forge("{\"alg\":\"HS512\",\"typ\":\"JWT\"}", good, key, EVP_sha512()),
	    arena_printf(&arena, "%s.%s.%s", b64u("{\"alg\":\"RS256\",\"kid\":\"x\"}"), b64u(good),
			 b64u("not a signature")),
	    "",
	    "a.b",
	    "a.b.c.d",
	    "....",
	};

	/* control: the same claims with our algorithm and key pass */
	CU_ASSERT_EQUAL(
	    token_access_verify(&cfg, &arena, forge(hs256, good, key, EVP_sha256()), NOW, &c),
	    SOUK_OK);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int rc = token_access_verify(&cfg, &arena, cases[i], NOW, &c);

		CU_ASSERT_EQUAL(rc, SOUK_EUNAUTH);
		if (rc != SOUK_EUNAUTH)
			fprintf(stderr, "\n  forged case %zu accepted\n", i);
	}
	/* tampered payload, original signature */
	{
		char *jwt = NULL, *dot1, *dot2, *tampered;

		token_access_issue(&cfg, &arena, SUB, SID, NOW, &jwt);
		dot1 = strchr(jwt, '.');
		dot2 = strchr(dot1 + 1, '.');
		tampered = arena_printf(&arena, "%.*s.%s%s", (int)(dot1 - jwt), jwt,
					b64u(arena_printf(&arena, "{\"sub\":\"%s\"}", SID)), dot2);
		CU_ASSERT_EQUAL(token_access_verify(&cfg, &arena, tampered, NOW, &c), SOUK_EUNAUTH);
	}
	arena_reset(&arena);
}

static void test_no_secret_no_tokens(void)
{
	const char *saved = cfg.jwt_secret;
	char *jwt = NULL;
	struct access_claims c;

	cfg.jwt_secret = "short";
	CU_ASSERT_EQUAL(token_access_issue(&cfg, &arena, SUB, SID, NOW, &jwt), SOUK_EINTERNAL);
	CU_ASSERT_EQUAL(token_access_verify(&cfg, &arena, "x.y.z", NOW, &c), SOUK_EUNAUTH);
	cfg.jwt_secret = saved;
	arena_reset(&arena);
}

static void test_opaque_tokens(void)
{
	char *a = NULL, *b = NULL;
	unsigned char ha[32], hb[32], again[32];

	CU_ASSERT_EQUAL(token_opaque_new(&arena, &a, ha), SOUK_OK);
	CU_ASSERT_EQUAL(token_opaque_new(&arena, &b, hb), SOUK_OK);
	CU_ASSERT_EQUAL(strlen(a), TOKEN_OPAQUE_LEN);
	CU_ASSERT_NOT_EQUAL(strcmp(a, b), 0);
	CU_ASSERT_PTR_NULL(strpbrk(a, "+/="));
	token_opaque_hash(a, again);
	CU_ASSERT_EQUAL(memcmp(ha, again, 32), 0);
	/* RFC 4648 base64url vectors */
	ASSERT_STR_EQ(b64u("f"), "Zg");
	ASSERT_STR_EQ(b64u("fo"), "Zm8");
	ASSERT_STR_EQ(b64u("foo"), "Zm9v");
	ASSERT_STR_EQ(token_base64url(&arena, (const unsigned char *)"\xfb\xff", 2), "-_8");
	/* HMAC labels separate uses; equal inputs equal outputs */
	ASSERT_STR_EQ(token_mac(&cfg, &arena, "csrf", SID), token_mac(&cfg, &arena, "csrf", SID));
	CU_ASSERT_NOT_EQUAL(
	    strcmp(token_mac(&cfg, &arena, "csrf", SID), token_mac(&cfg, &arena, "otp", SID)), 0);
	CU_ASSERT_TRUE(token_equal("abc", "abc"));
	CU_ASSERT_FALSE(token_equal("abc", "abd"));
	CU_ASSERT_FALSE(token_equal("abc", "abcd"));
	CU_ASSERT_FALSE(token_equal(NULL, "abc"));
	arena_reset(&arena);
}

static void test_password_argon2id(void)
{
	char hash[PASSWORD_HASH_MAX], other[PASSWORD_HASH_MAX], gen[21];

	CU_ASSERT_EQUAL(password_hash("correct horse battery", hash), SOUK_OK);
	CU_ASSERT_EQUAL(strncmp(hash, "$argon2id$v=19$m=19456,t=2,p=1$", 31), 0);
	CU_ASSERT_TRUE(password_verify(hash, "correct horse battery"));
	CU_ASSERT_FALSE(password_verify(hash, "correct horse batterz"));
	CU_ASSERT_FALSE(password_verify(hash, ""));
	CU_ASSERT_EQUAL(password_hash("correct horse battery", other), SOUK_OK);
	CU_ASSERT_NOT_EQUAL(strcmp(hash, other), 0); /* fresh salt each time */
	/* the RFC 9106 / reference argon2id encoding of a known hash verifies */
	CU_ASSERT_TRUE(password_verify("$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$"
				       "CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc",
				       "password"));
	/* not argon2id, or mangled: refused, never a crash */
	CU_ASSERT_FALSE(password_verify(
	    "$argon2i$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$wWKIMhR9lyDFvRz9YTZweHKfbftvj+qf+YFY4NeBbtA",
	    "password"));
	CU_ASSERT_FALSE(password_verify("$argon2id$garbage", "password"));
	CU_ASSERT_FALSE(password_verify(NULL, "password"));
	CU_ASSERT_FALSE(password_verify(hash, NULL));
	CU_ASSERT_EQUAL(password_generate(gen, 20), SOUK_OK);
	CU_ASSERT_EQUAL(strlen(gen), 20);
	CU_ASSERT_PTR_NULL(strpbrk(gen, "0O1lI"));
}

int suite_auth(void)
{
	static const struct unit_test tests[] = {
	    {"access JWT: issue, verify, expiry, issuer", test_issue_and_verify},
	    {"access JWT: alg none, other algorithms and keys, bad claims refused",
	     test_forgeries_refused},
	    {"access JWT: no usable secret, no tokens", test_no_secret_no_tokens},
	    {"opaque tokens, base64url vectors, HMAC labels", test_opaque_tokens},
	    {"argon2id: hash, verify, reference vector, garbage", test_password_argon2id},
	    {NULL, NULL},
	};

	return tests_register("auth", auth_init, auth_cleanup, tests);
}
