/*
 * otp.c - the e-mail one-time code: its states, kept in Redis.
 *
 *   otp_issue:  a new code replaces the old one: otp:code:<email> holds
 *               HMAC(secret, email:code) for OTP_TTL_S seconds and the try
 *               counter otp:tries:<email> starts again.
 *   otp_check:  every attempt counts a try (INCR) before the code is looked
 *               at; a right code is spent (both keys go); the sixth try on
 *               one code spends it whatever it says. Wrong codes also count
 *               per address per day (rl:otp-fail:<email>, OTP_DAILY_FAILS):
 *               a new code resets the tries, never that.
 *
 * Only the HMAC is stored, so a Redis dump reveals no code. The code itself
 * leaves this file only for the e-mail.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "souk/arena.h"
#include "souk/auth.h"
#include "souk/crypto.h"
#include "souk/err.h"
#include "souk/ratelimit.h"
#include "souk/redis.h"
#include "souk/token.h"
#include "souk/worker.h"

#define OTP_DAILY_FAILS 10

static char *otp_key(struct arena *a, const char *email, const char *what)
{
	return arena_printf(a, "otp:%s:%s", what, email);
}

static const char *otp_mac(struct worker *w, struct arena *a, const char *email, const char *code)
{
	return token_mac(w->config, a, "otp", arena_printf(a, "%s:%s", email, code));
}

/* A uniformly random six-digit code. */
static int otp_code(char out[OTP_CODE_LEN + 1])
{
	uint32_t v;

	do {
		if (crypto_random(&v, sizeof(v)) != SOUK_OK)
			return SOUK_EINTERNAL;
	} while (v >= 4294000000u); /* a multiple of 10^6: no modulo bias */
	snprintf(out, OTP_CODE_LEN + 1, "%06u", v % 1000000u);
	return SOUK_OK;
}

int otp_issue(struct worker *w, struct arena *a, const char *email, char code[OTP_CODE_LEN + 1])
{
	char ttl[16];
	int rc = otp_code(code);

	if (rc != SOUK_OK)
		return rc;
	snprintf(ttl, sizeof(ttl), "%d", OTP_TTL_S);
	const char *set[] = {"SET", otp_key(a, email, "code"), otp_mac(w, a, email, code), "EX",
			     ttl};
	const char *del[] = {"DEL", otp_key(a, email, "tries")};

	if (redis_command(&w->redis, a, NULL, 0, 5, set, NULL) != SOUK_OK ||
	    redis_command(&w->redis, a, NULL, 1, 2, del, NULL) != SOUK_OK)
		return SOUK_EREDIS;
	return SOUK_OK;
}

int otp_check(struct worker *w, struct arena *a, const char *email, const char *code)
{
	char *daily = arena_printf(a, "rl:otp-fail:%s", email);
	const char *code_key = otp_key(a, email, "code"), *tries_key = otp_key(a, email, "tries");
	const char *get_fails[] = {"GET", daily};
	const char *incr[] = {"INCR", tries_key};
	const char *expire[] = {"EXPIRE", tries_key, "600"};
	const char *get[] = {"GET", code_key};
	const char *del[] = {"DEL", code_key, tries_key};
	redisReply *fails = NULL, *tries = NULL, *stored = NULL;
	long retry = 0;

	if (redis_command(&w->redis, a, &fails, 1, 2, get_fails, NULL) != SOUK_OK)
		return SOUK_EREDIS;
	if (fails->type == REDIS_REPLY_STRING && strtol(fails->str, NULL, 10) >= OTP_DAILY_FAILS)
		return SOUK_ERATELIMIT;
	if (redis_command(&w->redis, a, &tries, 0, 2, incr, NULL) != SOUK_OK ||
	    redis_command(&w->redis, a, NULL, 1, 3, expire, NULL) != SOUK_OK ||
	    redis_command(&w->redis, a, &stored, 1, 2, get, NULL) != SOUK_OK)
		return SOUK_EREDIS;
	if (stored->type != REDIS_REPLY_STRING)
		return SOUK_EUNAUTH; /* none, expired or spent */
	if (tries->type != REDIS_REPLY_INTEGER || tries->integer > OTP_MAX_TRIES) {
		(void)redis_command(&w->redis, a, NULL, 1, 3, del, NULL);
		return SOUK_EUNAUTH;
	}
	if (code == NULL || !token_equal(stored->str, otp_mac(w, a, email, code))) {
		(void)ratelimit_hit(&w->redis, a, daily, OTP_DAILY_FAILS, 86400, &retry);
		return SOUK_EUNAUTH;
	}
	(void)redis_command(&w->redis, a, NULL, 1, 3, del, NULL);
	return SOUK_OK;
}

int otp_cleanup(struct worker *w, struct arena *a, long *fixed)
{
	return redis_expire_strays(&w->redis, a, "otp:*", OTP_TTL_S, 20, fixed);
}
