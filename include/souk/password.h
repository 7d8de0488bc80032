/*
 * password.h - password hashing with argon2id (Debian's libargon2).
 *
 * Hashes are PHC strings ("$argon2id$v=19$m=...,t=...,p=...$salt$hash"), so
 * the parameters travel with each hash and can be raised later without
 * invalidating old ones. Parameters: OWASP's argon2id baseline (19 MiB, t=2).
 */
#ifndef SOUK_PASSWORD_H
#define SOUK_PASSWORD_H

#include <stdbool.h>
#include <stddef.h>

#define PASSWORD_HASH_MAX 128
#define PASSWORD_MIN_LENGTH 10

/* Hashes password with a fresh random salt into out[PASSWORD_HASH_MAX].
 * SOUK_OK or SOUK_EINTERNAL. */
int password_hash(const char *password, char out[PASSWORD_HASH_MAX]);

/* True when password matches the PHC string hash (constant time). */
bool password_verify(const char *hash, const char *password);

/* Writes a random password of `len` characters (letters and digits, at least
 * 16 recommended) and a NUL into out[len + 1]. SOUK_OK or SOUK_EINTERNAL. */
int password_generate(char *out, size_t len);

#endif
