/* password.c - argon2id hashing; see include/souk/password.h. */
#include "souk/password.h"

#include <string.h>

#include <argon2.h>

#include "souk/crypto.h"
#include "souk/err.h"

#define PASSWORD_T_COST 2
#define PASSWORD_M_COST_KIB 19456
#define PASSWORD_PARALLELISM 1
#define PASSWORD_SALT_LEN 16
#define PASSWORD_HASH_LEN 32

int password_hash(const char *password, char out[PASSWORD_HASH_MAX])
{
	unsigned char salt[PASSWORD_SALT_LEN];

	if (crypto_random(salt, sizeof(salt)) != SOUK_OK)
		return SOUK_EINTERNAL;
	if (argon2id_hash_encoded(PASSWORD_T_COST, PASSWORD_M_COST_KIB, PASSWORD_PARALLELISM,
				  password, strlen(password), salt, sizeof(salt), PASSWORD_HASH_LEN,
				  out, PASSWORD_HASH_MAX) != ARGON2_OK)
		return SOUK_EINTERNAL;
	return SOUK_OK;
}

bool password_verify(const char *hash, const char *password)
{
	if (hash == NULL || password == NULL || strncmp(hash, "$argon2id$", 10) != 0)
		return false;
	return argon2id_verify(hash, password, strlen(password)) == ARGON2_OK;
}

int password_generate(char *out, size_t len)
{
	static const char alphabet[] =
	    "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789"; /* no 0/O, 1/l/I */
	const size_t n = sizeof(alphabet) - 1;
	size_t i = 0;

	while (i < len) {
		unsigned char b;

		if (crypto_random(&b, 1) != SOUK_OK)
			return SOUK_EINTERNAL;
		/* rejection sampling keeps every character equally likely */
		if (b >= 256 - (256 % n))
			continue;
		out[i++] = alphabet[b % n];
	}
	out[len] = '\0';
	return SOUK_OK;
}
