/*
 * crypto.h - hashing and randomness on OpenSSL, for every module.
 *
 * Nothing here allocates; callers pass buffers of the documented size.
 */
#ifndef SOUK_CRYPTO_H
#define SOUK_CRYPTO_H

#include <stddef.h>

#define CRYPTO_SHA256_HEX_LEN 64

/* Writes the lower-case hex SHA-256 of data[0..len) and a NUL to out[65]. */
void crypto_sha256_hex(const void *data, size_t len, char out[CRYPTO_SHA256_HEX_LEN + 1]);

/* Fills buf with n bytes from the OS CSPRNG. SOUK_OK or SOUK_EINTERNAL. */
int crypto_random(void *buf, size_t n);

/* Lower-case hex of data[0..len) into out (2 * len + 1 bytes). */
void crypto_hex(const void *data, size_t len, char *out);

#endif
