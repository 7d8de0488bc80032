/*
 * razorpay.c - Razorpay's signatures (payment verification and webhooks);
 * see include/souk/commerce.h. Cross-checked against the official SDK in
 * t/unit/test_commerce.c (vectors) and t/api/razorpay-sdk.test.mjs.
 */
#include <stdbool.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "souk/commerce.h"
#include "souk/crypto.h"

static void hmac_hex(const char *secret, const unsigned char *msg, size_t len,
		     char out[RAZORPAY_SIGNATURE_HEX + 1])
{
	unsigned char mac[EVP_MAX_MD_SIZE];
	unsigned int mac_len = 0;

	if (HMAC(EVP_sha256(), secret, (int)strlen(secret), msg, len, mac, &mac_len) == NULL ||
	    mac_len != 32) {
		out[0] = '\0'; /* matches nothing: razorpay_signature_equal() wants 64 */
		return;
	}
	crypto_hex(mac, mac_len, out);
}

void razorpay_payment_signature(const char *key_secret, const char *order_id,
				const char *payment_id, char out[RAZORPAY_SIGNATURE_HEX + 1])
{
	size_t o = strlen(order_id), p = strlen(payment_id);
	unsigned char msg[512];

	if (o + 1 + p > sizeof(msg)) { /* ids are ~20 characters; longer ones are forged */
		out[0] = '\0';
		return;
	}
	memcpy(msg, order_id, o);
	msg[o] = '|';
	memcpy(msg + o + 1, payment_id, p);
	hmac_hex(key_secret, msg, o + 1 + p, out);
}

void razorpay_webhook_signature(const char *webhook_secret, const void *body, size_t len,
				char out[RAZORPAY_SIGNATURE_HEX + 1])
{
	hmac_hex(webhook_secret, body, len, out);
}

bool razorpay_signature_equal(const char *expected, const char *given)
{
	if (expected == NULL || given == NULL || strlen(expected) != RAZORPAY_SIGNATURE_HEX ||
	    strlen(given) != RAZORPAY_SIGNATURE_HEX)
		return false;
	return CRYPTO_memcmp(expected, given, RAZORPAY_SIGNATURE_HEX) == 0;
}
