/*
 * oauth.c - sign-in with Google (OpenID Connect, authorization code + PKCE)
 * and GitHub (OAuth 2 web flow); see include/souk/auth.h and oauth.h.
 *
 *   GET /api/v1/auth/providers                   which providers are on
 *   GET /api/v1/auth/oauth/{provider}/start      302 to the provider
 *   GET /api/v1/auth/oauth/{provider}/callback   302 to SOUK_OAUTH_SUCCESS_URL
 *
 * start: a fresh state (and, for Google, a PKCE verifier and a nonce) is kept
 * in Redis as oauth:state:<state> for OAUTH_STATE_TTL seconds, and the state
 * is also set in the souk_oauth cookie, which binds the flow to the browser
 * that started it (login CSRF, RFC 6749 section 10.12).
 *
 * callback: the state is taken out of Redis with GETDEL (single use, whatever
 * happens next), must match the cookie and the provider; the code is
 * exchanged with libcurl; Google's ID token is verified against the JWKS
 * (cached in Redis, refetched once on an unknown kid); GitHub's user and
 * primary verified e-mail are read from its API. The identity is then found,
 * linked to the account with the same (provider-verified) e-mail, or a new
 * customer account is created, and session_login() starts the session.
 *
 * Linking rules: only a provider-verified e-mail ever finds an account
 * (Google: email_verified true; GitHub: the primary address, verified; a
 * GitHub account without one is refused and nothing is created). When the
 * account found has never verified its e-mail, whoever set its password did
 * not prove they own the address: the password is removed, its sessions are
 * revoked and the e-mail is marked verified before linking (account
 * pre-hijacking defence). Disabled or deleted accounts are refused (403).
 *
 * Every outside call has a connect timeout, a total timeout within one budget
 * for the whole callback (kept below SOUK_REQUEST_TIMEOUT) and a response cap.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "souk/arena.h"
#include "souk/audit.h"
#include "souk/auth.h"
#include "souk/config.h"
#include "souk/crypto.h"
#include "souk/db.h"
#include "souk/err.h"
#include "souk/http.h"
#include "souk/httpc.h"
#include "souk/json.h"
#include "souk/log.h"
#include "souk/oauth.h"
#include "souk/redis.h"
#include "souk/str.h"
#include "souk/token.h"
#include "souk/users.h"
#include "souk/worker.h"

#define OAUTH_STATE_TTL 600	     /* seconds a started sign-in stays valid */
#define OAUTH_JWKS_TTL 3600	     /* seconds the provider's keys are cached */
#define OAUTH_RANDOM_BYTES 32	     /* state, PKCE verifier, nonce: 256 bits each */
#define OAUTH_STATE_LEN 43	     /* base64url of OAUTH_RANDOM_BYTES */
#define OAUTH_RESPONSE_MAX (1 << 20) /* bytes accepted from a provider */
#define OAUTH_CONNECT_TIMEOUT_MS 5000L
#define OAUTH_CALL_TIMEOUT_MS 10000L
#define OAUTH_BUDGET_MS 20000LL /* all outside calls of one callback */
#define OAUTH_COOKIE "souk_oauth"
#define OAUTH_COOKIE_PATH "/api/v1/auth/oauth"

/* One provider as configured; off without a client id and secret. */
struct oauth_provider {
	const char *name;  /* "google" | "github": path segment, DB value, login method */
	const char *label; /* for messages */
	bool oidc;	   /* Google: PKCE, nonce, ID token */
	const char *client_id, *client_secret;
	const char *authorize_url, *token_url;
	const char *scope;
};

/* What we learn about the person from the provider. */
struct oauth_identity {
	const char *subject;	/* provider_user_id */
	const char *email;	/* provider-verified, lower-cased */
	const char *name;	/* <= 200 characters, may be "" */
	const char *avatar_url; /* http(s), <= 2000 bytes, or NULL */
};

/* What start left in Redis for the callback. */
struct oauth_state {
	const char *provider;
	const char *code_verifier; /* Google only */
	const char *nonce;	   /* Google only */
};

/* ---------------------------------------------------------------------------
 * SQL: oauth_identities is owned here; users are found and created through
 * src/users/users.c.
 * ------------------------------------------------------------------------- */

/* SQL is laid out by hand, one clause a line: */
/* clang-format off */
static struct db_statement identity_find = {
    .name = "oauth_identity_find",
    .sql = "SELECT i.id, u.id, u.status FROM oauth_identities i JOIN users u ON u.id = i.user_id"
	   " WHERE i.provider = $1 AND i.provider_user_id = $2 FOR UPDATE OF i",
    .nparams = 2,
};

static struct db_statement identity_touch = {
    .name = "oauth_identity_touch",
    .sql = "UPDATE oauth_identities SET email = $2 WHERE id = $1::bigint"
	   " AND email IS DISTINCT FROM $2::citext",
    .nparams = 2,
};

static struct db_statement identity_of_user = {
    .name = "oauth_identity_of_user",
    .sql = "SELECT 1 FROM oauth_identities WHERE user_id = $1::bigint AND provider = $2",
    .nparams = 2,
};

static struct db_statement identity_insert = {
    .name = "oauth_identity_insert",
    .sql = "INSERT INTO oauth_identities (user_id, provider, provider_user_id, email)"
	   " VALUES ($1::bigint, $2, $3, $4)",
    .nparams = 4,
};
/* clang-format on */

/* ---------------------------------------------------------------------------
 * Providers
 * ------------------------------------------------------------------------- */

static bool oauth_set(const char *s)
{
	return s != NULL && *s != '\0';
}

/* Fills *p for name when that provider exists and is configured. */
static bool oauth_provider_get(const struct souk_config *cfg, const char *name,
			       struct oauth_provider *p)
{
	if (name == NULL)
		return false;
	if (strcmp(name, "google") == 0) {
		*p = (struct oauth_provider){
		    .name = "google",
		    .label = "Google",
		    .oidc = true,
		    .client_id = cfg->google_client_id,
		    .client_secret = cfg->google_client_secret,
		    .authorize_url = cfg->google_authorize_url,
		    .token_url = cfg->google_token_url,
		    .scope = "openid email profile",
		};
	} else if (strcmp(name, "github") == 0) {
		*p = (struct oauth_provider){
		    .name = "github",
		    .label = "GitHub",
		    .oidc = false,
		    .client_id = cfg->github_client_id,
		    .client_secret = cfg->github_client_secret,
		    .authorize_url = cfg->github_authorize_url,
		    .token_url = cfg->github_token_url,
		    .scope = "read:user user:email",
		};
	} else {
		return false;
	}
	return oauth_set(p->client_id) && oauth_set(p->client_secret) &&
	       oauth_set(p->authorize_url) && oauth_set(p->token_url);
}

/* The provider named in the path, or SOUK_ENOTFOUND with a message. */
static int oauth_provider_from_path(struct worker *w, struct http_request *req,
				    struct oauth_provider *p)
{
	if (!oauth_provider_get(w->config, http_path_param(req, "provider"), p)) {
		req->error_message = "No such sign-in provider, or it is not enabled.";
		return SOUK_ENOTFOUND;
	}
	return SOUK_OK;
}

/* SOUK_PUBLIC_URL + the callback path: must match what the provider has
 * registered for the client, byte for byte. */
static const char *oauth_redirect_uri(const struct worker *w, struct arena *a,
				      const struct oauth_provider *p)
{
	const char *base = w->config->public_url;
	size_t n = strlen(base);

	while (n > 0 && base[n - 1] == '/')
		n--;
	return arena_printf(a, "%.*s/api/v1/auth/oauth/%s/callback", (int)n, base, p->name);
}

/* ---------------------------------------------------------------------------
 * Small helpers
 * ------------------------------------------------------------------------- */

/* Appends s percent-encoded (RFC 3986 unreserved characters kept). */
static int url_encode(struct buf *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	int rc = SOUK_OK;

	for (const unsigned char *c = (const unsigned char *)s; *c && rc == SOUK_OK; c++) {
		if ((*c >= 'A' && *c <= 'Z') || (*c >= 'a' && *c <= 'z') ||
		    (*c >= '0' && *c <= '9') || *c == '-' || *c == '.' || *c == '_' || *c == '~') {
			rc = buf_append(b, c, 1);
		} else {
			char esc[3] = {'%', hex[*c >> 4], hex[*c & 15]};

			rc = buf_append(b, esc, 3);
		}
	}
	return rc;
}

/* Appends "name=value" (encoded), with '&' before all but the first pair. */
static int form_pair(struct buf *b, const char *name, const char *value)
{
	int rc = b->len > 0 ? buf_append(b, "&", 1) : SOUK_OK;

	if (rc == SOUK_OK)
		rc = url_encode(b, name);
	if (rc == SOUK_OK)
		rc = buf_append(b, "=", 1);
	if (rc == SOUK_OK)
		rc = url_encode(b, value);
	return rc;
}

/* OAUTH_RANDOM_BYTES fresh random bytes as base64url (OAUTH_STATE_LEN
 * characters), in the arena. */
static int oauth_random_token(struct arena *a, char **out)
{
	unsigned char raw[OAUTH_RANDOM_BYTES];

	if (crypto_random(raw, sizeof(raw)) != SOUK_OK)
		return SOUK_EINTERNAL;
	*out = oauth_base64url_encode(a, raw, sizeof(raw));
	OPENSSL_cleanse(raw, sizeof(raw));
	return SOUK_OK;
}

/* True for a string of base64url characters of exactly len bytes. */
static bool oauth_token_shape(const char *s, size_t len)
{
	size_t n = 0;

	if (s == NULL)
		return false;
	for (; s[n] != '\0'; n++)
		if (!((s[n] >= 'A' && s[n] <= 'Z') || (s[n] >= 'a' && s[n] <= 'z') ||
		      (s[n] >= '0' && s[n] <= '9') || s[n] == '-' || s[n] == '_'))
			return false;
	return n == len;
}

/* The string member name of obj, or NULL. */
static const char *json_str(const cJSON *obj, const char *name)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, name);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* Parses a provider's JSON answer (object or array) into the arena; NULL
 * unless it is UTF-8 without NUL bytes or \u0000 escapes (which would cut
 * a C string short: an e-mail address must be read whole or not at all). */
static cJSON *oauth_json_parse(struct arena *a, const char *text, size_t len)
{
	cJSON *root;

	if (!str_is_utf8(text, len) || memchr(text, '\0', len) != NULL ||
	    memmem(text, len, "\\u0000", 6) != NULL)
		return NULL;
	root = cJSON_ParseWithLength(text, len);
	return root != NULL ? json_own(a, root) : NULL;
}

/* The first max characters of UTF-8 string s (a copy in the arena). */
static const char *utf8_clamp(struct arena *a, const char *s, size_t max)
{
	size_t bytes = 0, chars = 0;

	if (s == NULL)
		return "";
	while (s[bytes] != '\0' && chars < max) {
		bytes++;
		while ((s[bytes] & 0xC0) == 0x80)
			bytes++;
		chars++;
	}
	return arena_strndup(a, s, bytes);
}

/* Fills *id from the provider's raw claims, normalised for our schema; false
 * when the e-mail cannot be an account's address. */
static bool oauth_identity_make(struct arena *a, struct oauth_identity *id, const char *subject,
				const char *email, const char *name, const char *avatar)
{
	char *mail;

	if (email == NULL || !validate_email(email) || !str_is_utf8(email, strlen(email)))
		return false;
	mail = arena_strdup(a, email);
	for (char *c = mail; *c; c++)
		if (*c >= 'A' && *c <= 'Z')
			*c = (char)(*c - 'A' + 'a');
	id->subject = subject;
	id->email = mail;
	id->name = name != NULL && str_is_utf8(name, strlen(name)) ? utf8_clamp(a, name, 200) : "";
	id->avatar_url = NULL;
	if (avatar != NULL && strlen(avatar) <= 2000 && strpbrk(avatar, " \t\r\n\"<>") == NULL &&
	    (strncmp(avatar, "https://", 8) == 0 || strncmp(avatar, "http://", 7) == 0))
		id->avatar_url = avatar;
	return true;
}

/* ---------------------------------------------------------------------------
 * Outside calls (libcurl)
 * ------------------------------------------------------------------------- */

struct oauth_call {
	long long deadline_ms; /* wall clock by which every call must be done */
};

/*
 * One HTTP request to a provider (src/core/httpc.c): GET when form is NULL,
 * else POST of the url-encoded form. headers: NULL-terminated "Name: value"
 * lines. At most OAUTH_RESPONSE_MAX bytes, within what is left of the
 * callback's budget. SOUK_OK with *reply (any HTTP status), or
 * SOUK_EUPSTREAM when the provider cannot be reached in time or answers too
 * much (logged, without secrets).
 */
static int oauth_http(struct arena *a, struct oauth_call *call, const char *what, const char *url,
		      const char *form, const char *const *headers, struct httpc_response *reply)
{
	long long left = call->deadline_ms - clock_wall_ms();
	struct httpc_request rq = {
	    .what = arena_printf(a, "oauth %s", what),
	    .method = form != NULL ? "POST" : "GET",
	    .url = url,
	    .headers = headers,
	    .body = form,
	    .body_len = form != NULL ? strlen(form) : 0,
	    .max_body = OAUTH_RESPONSE_MAX,
	    .accept_encoding = "",
	};
	int rc;

	if (left <= 0) {
		log_msg(LOG_WARN, "oauth: no time left for %s", what);
		return SOUK_EUPSTREAM;
	}
	rq.connect_timeout_ms =
	    left < OAUTH_CONNECT_TIMEOUT_MS ? (long)left : OAUTH_CONNECT_TIMEOUT_MS;
	rq.timeout_ms = left < OAUTH_CALL_TIMEOUT_MS ? (long)left : OAUTH_CALL_TIMEOUT_MS;
	rc = httpc_perform(a, &rq, reply);
	if (rc == SOUK_ETOOLARGE) {
		log_msg(LOG_WARN, "oauth: %s answered more than %d bytes", what,
			OAUTH_RESPONSE_MAX);
		return SOUK_EUPSTREAM;
	}
	return rc == SOUK_OK ? SOUK_OK : SOUK_EUPSTREAM;
}

/* GET url and parse the answer as JSON when the status is 200. */
static int oauth_get_json(struct arena *a, struct oauth_call *call, const char *what,
			  const char *url, const char *const *headers, cJSON **out)
{
	struct httpc_response reply = {0};
	cJSON *json;
	int rc = oauth_http(a, call, what, url, NULL, headers, &reply);

	if (rc != SOUK_OK)
		return rc;
	if (reply.status != 200) {
		log_msg(LOG_WARN, "oauth: %s answered HTTP %ld", what, reply.status);
		return SOUK_EUPSTREAM;
	}
	json = oauth_json_parse(a, reply.body, reply.len);
	if (json == NULL) {
		log_msg(LOG_WARN, "oauth: %s answered something that is not JSON", what);
		return SOUK_EUPSTREAM;
	}
	*out = json;
	return SOUK_OK;
}

/* The message for SOUK_EUPSTREAM from a provider call. */
static int oauth_unreachable(struct http_request *req, const struct oauth_provider *p)
{
	req->error_message = arena_printf(req->arena,
					  "%s could not be reached or gave an unusable answer; "
					  "try again shortly.",
					  p->label);
	return SOUK_EUPSTREAM;
}

/*
 * Exchanges the authorization code at the token endpoint (client_secret_post,
 * JSON answer). SOUK_OK with the parsed answer, SOUK_EUNAUTH when the provider
 * refuses the code (expired, used, wrong verifier), SOUK_EUPSTREAM otherwise.
 */
static int oauth_exchange_code(struct worker *w, struct http_request *req, struct oauth_call *call,
			       const struct oauth_provider *p, const char *code,
			       const struct oauth_state *st, cJSON **out)
{
	static const char *const headers[] = {
	    "Accept: application/json", "Content-Type: application/x-www-form-urlencoded", NULL};
	struct buf *form = buf_in_arena(req->arena, 16384);
	struct httpc_response reply = {0};
	const char *error;
	cJSON *json;
	int rc = SOUK_OK;

	if (p->oidc)
		rc = form_pair(form, "grant_type", "authorization_code");
	if (rc == SOUK_OK)
		rc = form_pair(form, "code", code);
	if (rc == SOUK_OK)
		rc = form_pair(form, "redirect_uri", oauth_redirect_uri(w, req->arena, p));
	if (rc == SOUK_OK)
		rc = form_pair(form, "client_id", p->client_id);
	if (rc == SOUK_OK)
		rc = form_pair(form, "client_secret", p->client_secret);
	if (rc == SOUK_OK && st->code_verifier != NULL)
		rc = form_pair(form, "code_verifier", st->code_verifier);
	if (rc != SOUK_OK)
		return SOUK_EINTERNAL;
	rc = oauth_http(req->arena, call, "token exchange", p->token_url, form->data, headers,
			&reply);
	if (rc != SOUK_OK)
		return oauth_unreachable(req, p);
	json = oauth_json_parse(req->arena, reply.body, reply.len);
	/* GitHub answers 200 {"error": ...}; OAuth 2 servers answer 400 */
	error = json ? json_str(json, "error") : NULL;
	if (error != NULL &&
	    (strcmp(error, "invalid_client") == 0 || strcmp(error, "unauthorized_client") == 0 ||
	     strcmp(error, "incorrect_client_credentials") == 0 ||
	     strcmp(error, "redirect_uri_mismatch") == 0)) {
		/* our side is misconfigured, not the person's sign-in */
		log_msg(LOG_ERROR,
			"oauth: %s refused our client (%s): check the client id and secret, and "
			"that SOUK_PUBLIC_URL/api/v1/auth/oauth/%s/callback is registered",
			p->name, error, p->name);
		return SOUK_EINTERNAL;
	}
	if (reply.status == 400 || reply.status == 401 || (reply.status == 200 && error != NULL)) {
		log_msg(LOG_INFO, "oauth: %s refused the code: %s", p->name,
			error && strlen(error) < 64 ? error : "?");
		req->error_message = arena_printf(
		    req->arena, "%s did not accept the sign-in; start again.", p->label);
		return SOUK_EUNAUTH;
	}
	if (reply.status != 200 || !cJSON_IsObject(json)) {
		log_msg(LOG_WARN, "oauth: %s token endpoint answered HTTP %ld", p->name,
			reply.status);
		return oauth_unreachable(req, p);
	}
	*out = json;
	return SOUK_OK;
}

/* ---------------------------------------------------------------------------
 * Google: ID token against the (cached) JWKS
 * ------------------------------------------------------------------------- */

static const char *oauth_jwks_key(struct arena *a, const char *url)
{
	char hex[CRYPTO_SHA256_HEX_LEN + 1];

	crypto_sha256_hex(url, strlen(url), hex);
	return arena_printf(a, "oauth:jwks:%.16s", hex);
}

/*
 * The provider's JWKS: from Redis unless fresh, else fetched and cached for
 * OAUTH_JWKS_TTL. *from_cache says which. A Redis failure only skips the
 * cache. SOUK_OK or SOUK_EUPSTREAM.
 */
static int oauth_jwks(struct worker *w, struct arena *a, struct oauth_call *call, bool fresh,
		      cJSON **out, bool *from_cache)
{
	const char *url = w->config->google_jwks_url;
	const char *key = oauth_jwks_key(a, url);
	static const char *const headers[] = {"Accept: application/json", NULL};
	redisReply *r = NULL;
	struct httpc_response reply = {0};
	cJSON *jwks;
	const char *why = NULL;
	int rc;

	if (!fresh) {
		const char *get[] = {"GET", key};

		if (redis_command(&w->redis, a, &r, 1, 2, get, NULL) == SOUK_OK &&
		    r->type == REDIS_REPLY_STRING &&
		    json_parse_object(a, r->str, r->len, &jwks, &why) == SOUK_OK) {
			*out = jwks;
			*from_cache = true;
			return SOUK_OK;
		}
	}
	rc = oauth_http(a, call, "JWKS fetch", url, NULL, headers, &reply);
	if (rc != SOUK_OK)
		return rc;
	if (reply.status != 200 ||
	    json_parse_object(a, reply.body, reply.len, &jwks, &why) != SOUK_OK ||
	    !cJSON_IsArray(cJSON_GetObjectItemCaseSensitive(jwks, "keys"))) {
		log_msg(LOG_WARN, "oauth: the JWKS at the configured URL is unusable (HTTP %ld)",
			reply.status);
		return SOUK_EUPSTREAM;
	}
	{
		char ttl[16];
		const char *set[] = {"SET", key, reply.body, "EX", ttl};

		snprintf(ttl, sizeof(ttl), "%d", OAUTH_JWKS_TTL);
		if (redis_command(&w->redis, a, &r, 1, 5, set, NULL) != SOUK_OK)
			log_msg(LOG_WARN, "oauth: cannot cache the JWKS in Redis");
	}
	*out = jwks;
	*from_cache = false;
	return SOUK_OK;
}

static int oauth_google_identity(struct worker *w, struct http_request *req,
				 struct oauth_call *call, const struct oauth_provider *p,
				 const cJSON *tokens, const struct oauth_state *st,
				 struct oauth_identity *id)
{
	const char *id_token = json_str(tokens, "id_token"), *why = NULL;
	struct oidc_expect expect = {
	    .issuer = w->config->google_issuer,
	    .client_id = p->client_id,
	    .nonce = st->nonce,
	    .now = (long long)time(NULL),
	};
	struct oidc_claims claims = {0};
	cJSON *jwks = NULL;
	bool cached = false;
	int rc = oauth_jwks(w, req->arena, call, false, &jwks, &cached);

	if (rc != SOUK_OK)
		return oauth_unreachable(req, p);
	rc = oidc_verify_id_token(req->arena, id_token, jwks, &expect, &claims, &why);
	if (rc == SOUK_ENOTFOUND && cached) {
		/* the provider rotated its keys since we cached them */
		rc = oauth_jwks(w, req->arena, call, true, &jwks, &cached);
		if (rc != SOUK_OK)
			return oauth_unreachable(req, p);
		rc = oidc_verify_id_token(req->arena, id_token, jwks, &expect, &claims, &why);
	}
	if (rc != SOUK_OK) {
		log_msg(LOG_WARN, "oauth: google ID token refused: %s", why ? why : "?");
		req->error_message = "The sign-in could not be verified; start again.";
		return SOUK_EUNAUTH;
	}
	if (!oauth_identity_make(req->arena, id, claims.sub, claims.email, claims.name,
				 claims.picture)) {
		req->error_message = "Google gave an e-mail address that cannot be used here.";
		return SOUK_EFORBIDDEN;
	}
	return SOUK_OK;
}

/* ---------------------------------------------------------------------------
 * GitHub: the user and the primary verified e-mail
 * ------------------------------------------------------------------------- */

static int oauth_github_identity(struct worker *w, struct http_request *req,
				 struct oauth_call *call, const struct oauth_provider *p,
				 const cJSON *tokens, struct oauth_identity *id)
{
	const char *token = json_str(tokens, "access_token");
	const char *type = json_str(tokens, "token_type");
	const char *api = w->config->github_api_url;
	size_t api_len = strlen(api);
	cJSON *user = NULL, *emails = NULL;
	const cJSON *uid;
	const char *email, *subject;
	int rc;

	/* the token becomes a header line: it must be one plain word */
	if (token == NULL || *token == '\0' || strlen(token) > 512 ||
	    strspn(token, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
			  "-._~+/=") != strlen(token) ||
	    (type != NULL && !str_ieq(type, "bearer"))) {
		log_msg(LOG_WARN, "oauth: github answered an unusable access token");
		return oauth_unreachable(req, p);
	}
	while (api_len > 0 && api[api_len - 1] == '/')
		api_len--;
	const char *headers[] = {
	    arena_printf(req->arena, "Authorization: Bearer %s", token),
	    "Accept: application/vnd.github+json",
	    "X-GitHub-Api-Version: 2022-11-28",
	    NULL,
	};
	rc = oauth_get_json(req->arena, call, "GitHub /user",
			    arena_printf(req->arena, "%.*s/user", (int)api_len, api), headers,
			    &user);
	if (rc == SOUK_OK)
		rc = oauth_get_json(req->arena, call, "GitHub /user/emails",
				    arena_printf(req->arena, "%.*s/user/emails", (int)api_len, api),
				    headers, &emails);
	if (rc != SOUK_OK)
		return oauth_unreachable(req, p);
	uid = cJSON_GetObjectItemCaseSensitive(user, "id");
	if (!cJSON_IsNumber(uid) || uid->valuedouble < 1 || uid->valuedouble > 9007199254740991.0 ||
	    uid->valuedouble != (double)(long long)uid->valuedouble) {
		log_msg(LOG_WARN, "oauth: github /user has no usable id");
		return oauth_unreachable(req, p);
	}
	subject = arena_printf(req->arena, "%lld", (long long)uid->valuedouble);
	email = oauth_github_primary_email(emails);
	if (email == NULL) {
		req->error_message = "Your GitHub account has no verified primary e-mail address. "
				     "Verify it on GitHub, then sign in again.";
		return SOUK_EFORBIDDEN;
	}
	const char *name = json_str(user, "name");

	if (name == NULL || *name == '\0')
		name = json_str(user, "login");
	if (!oauth_identity_make(req->arena, id, subject, email, name,
				 json_str(user, "avatar_url"))) {
		req->error_message = "GitHub gave an e-mail address that cannot be used here.";
		return SOUK_EFORBIDDEN;
	}
	return SOUK_OK;
}

/* ---------------------------------------------------------------------------
 * Accounts: find by identity, link by verified e-mail, or create
 * ------------------------------------------------------------------------- */

static int oauth_refuse_status(struct http_request *req, const char *status)
{
	req->error_message = strcmp(status, "deleted") == 0 ? "This account has been closed."
							    : "This account is disabled.";
	return SOUK_EFORBIDDEN;
}

/*
 * One attempt, in one transaction: the user id for this identity. SOUK_OK
 * with *user_id, SOUK_EFORBIDDEN (disabled/deleted), SOUK_ECONFLICT (the
 * account is linked to another identity of this provider, or a concurrent
 * sign-in won a race: then *raced is set), or a db error.
 */
static int oauth_account_resolve(struct worker *w, struct http_request *req,
				 const struct oauth_provider *p, const struct oauth_identity *id,
				 const char **user_id, bool *raced)
{
	struct arena *a = req->arena;
	const char *find[] = {p->name, id->subject};
	const char *uid = NULL, *public_id = NULL;
	struct user_login owner;
	PGresult *r = NULL;
	cJSON *data = json_new_object(a);
	int rc = db_begin(&w->db, a);

	*raced = false;
	if (rc == SOUK_OK)
		rc = db_exec(&w->db, a, &identity_find, find, &r);
	if (rc != SOUK_OK)
		goto out;
	if (PQntuples(r) == 1) {
		/* a returning user: the identity decides, whatever the e-mail now */
		const char *touch[] = {PQgetvalue(r, 0, 0), id->email};

		uid = arena_strdup(a, PQgetvalue(r, 0, 1));
		if (strcmp(PQgetvalue(r, 0, 2), "active") != 0) {
			rc = oauth_refuse_status(req, PQgetvalue(r, 0, 2));
			goto out;
		}
		rc = db_exec(&w->db, a, &identity_touch, touch, NULL);
		goto out;
	}
	rc = users_find_login_for_update(&w->db, a, id->email, &owner);
	if (rc != SOUK_OK && rc != SOUK_ENOTFOUND)
		goto out;
	if (rc == SOUK_OK) {
		/* an account with this (provider-verified) e-mail: link to it */
		const char *of_user[2];
		bool verified = owner.verified;

		uid = owner.id;
		public_id = owner.public_id;
		if (strcmp(owner.status, "active") != 0) {
			rc = oauth_refuse_status(req, owner.status);
			goto out;
		}
		if (!verified) {
			/* nobody proved owning this address before: whoever set the
			 * account up may not be its owner, so its password, other
			 * sign-in links, tokens and sessions go (users_claim_mailbox) */
			int claimed = 0;

			rc = users_claim_mailbox(&w->db, a, uid, &claimed);
			if (rc != SOUK_OK)
				goto out;
		}
		of_user[0] = uid;
		of_user[1] = p->name;
		rc = db_exec(&w->db, a, &identity_of_user, of_user, &r);
		if (rc == SOUK_OK && PQntuples(r) > 0) {
			req->error_message = arena_printf(
			    a, "This account is already linked to another %s account.", p->label);
			rc = SOUK_ECONFLICT;
			goto out;
		}
		cJSON_AddStringToObject(data, "provider", p->name);
		cJSON_AddBoolToObject(data, "password_removed", !verified);
		if (rc == SOUK_OK)
			rc = audit_record(&w->db, a, uid, "auth.oauth_link", "user", public_id,
					  data, req->remote_addr);
	} else {
		rc = users_create(&w->db, a, id->email, id->name, NULL, id->avatar_url, true, &uid,
				  &public_id);
		cJSON_AddStringToObject(data, "via", p->name);
		if (rc == SOUK_OK)
			rc = audit_record(&w->db, a, uid, "user.create", "user", public_id, data,
					  req->remote_addr);
	}
	if (rc == SOUK_OK) {
		const char *link[] = {uid, p->name, id->subject, id->email};

		rc = db_exec(&w->db, a, &identity_insert, link, NULL);
		if (rc == SOUK_ECONFLICT)
			*raced = true; /* the same identity was linked meanwhile */
	} else if (rc == SOUK_ECONFLICT) {
		*raced = true; /* the e-mail was taken meanwhile */
	}
out:
	rc = db_end(&w->db, a, rc);
	if (rc == SOUK_OK)
		*user_id = uid;
	return rc;
}

static int oauth_account_for(struct worker *w, struct http_request *req,
			     const struct oauth_provider *p, const struct oauth_identity *id,
			     const char **user_id)
{
	bool raced = false;
	int rc = oauth_account_resolve(w, req, p, id, user_id, &raced);

	/* a concurrent first sign-in of the same person: the second attempt
	 * finds what the first one created */
	if (rc == SOUK_ECONFLICT && raced)
		rc = oauth_account_resolve(w, req, p, id, user_id, &raced);
	if (rc == SOUK_ECONFLICT && req->error_message == NULL)
		req->error_message = "This sign-in conflicts with another one; try again.";
	return rc;
}

/* ---------------------------------------------------------------------------
 * State in Redis
 * ------------------------------------------------------------------------- */

static const char *oauth_state_key(struct arena *a, const char *state)
{
	return arena_printf(a, "oauth:state:%s", state);
}

static int oauth_state_save(struct worker *w, struct arena *a, const char *state,
			    const struct oauth_state *st)
{
	cJSON *v = json_new_object(a);
	char *text, ttl[16];
	redisReply *r = NULL;
	int rc;

	cJSON_AddStringToObject(v, "provider", st->provider);
	if (st->code_verifier != NULL)
		cJSON_AddStringToObject(v, "code_verifier", st->code_verifier);
	if (st->nonce != NULL)
		cJSON_AddStringToObject(v, "nonce", st->nonce);
	text = json_print(a, v);
	snprintf(ttl, sizeof(ttl), "%d", OAUTH_STATE_TTL);
	const char *argv[] = {"SET", oauth_state_key(a, state), text, "EX", ttl, "NX"};

	rc = redis_command(&w->redis, a, &r, 0, 6, argv, NULL);
	if (rc != SOUK_OK)
		return rc;
	if (r->type != REDIS_REPLY_STATUS) {
		log_msg(LOG_ERROR, "oauth: Redis refused to keep a state: %s",
			r->type == REDIS_REPLY_ERROR ? r->str : "(nil)");
		return SOUK_EREDIS;
	}
	return SOUK_OK;
}

/* Takes the state out of Redis (GETDEL: it can never be used twice).
 * SOUK_OK with *st, SOUK_ENOTFOUND (unknown, used or expired), or
 * SOUK_EREDIS. */
static int oauth_state_take(struct worker *w, struct arena *a, const char *state,
			    struct oauth_state *st)
{
	const char *argv[] = {"GETDEL", oauth_state_key(a, state)};
	redisReply *r = NULL;
	cJSON *v = NULL;
	const char *why = NULL;
	int rc = redis_command(&w->redis, a, &r, 0, 2, argv, NULL);

	if (rc != SOUK_OK)
		return rc;
	if (r->type == REDIS_REPLY_ERROR) {
		log_msg(LOG_ERROR, "oauth: GETDEL failed (Redis >= 6.2 needed): %s", r->str);
		return SOUK_EREDIS;
	}
	if (r->type != REDIS_REPLY_STRING ||
	    json_parse_object(a, r->str, r->len, &v, &why) != SOUK_OK ||
	    json_str(v, "provider") == NULL)
		return SOUK_ENOTFOUND;
	st->provider = json_str(v, "provider");
	st->code_verifier = json_str(v, "code_verifier");
	st->nonce = json_str(v, "nonce");
	return SOUK_OK;
}

static const char *oauth_cookie(const struct http_request *req, const char *value, long max_age)
{
	return arena_printf(req->arena, "%s=%s; Path=%s; Max-Age=%ld; HttpOnly; SameSite=Lax%s",
			    OAUTH_COOKIE, value, OAUTH_COOKIE_PATH, max_age,
			    req->https ? "; Secure" : "");
}

/* ---------------------------------------------------------------------------
 * Handlers
 * ------------------------------------------------------------------------- */

/* GET /api/v1/auth/providers: 200 {"providers":[...]} (enabled ones only). */
int auth_providers(struct worker *w, struct http_request *req, struct http_response *res)
{
	static const char *const names[] = {"google", "github"};
	cJSON *root = json_new_object(req->arena);
	cJSON *list = cJSON_AddArrayToObject(root, "providers");
	struct oauth_provider p;

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (oauth_provider_get(w->config, names[i], &p))
			cJSON_AddItemToArray(list, cJSON_CreateString(p.name));
	http_response_json(res, req->arena, 200, root);
	return SOUK_OK;
}

/*
 * GET /api/v1/auth/oauth/{provider}/start: 302 to the provider's authorize
 * URL with state (and code_challenge S256 + nonce for Google); sets the
 * souk_oauth cookie. 404 unknown or disabled provider, 503 Redis down.
 */
int auth_oauth_start(struct worker *w, struct http_request *req, struct http_response *res)
{
	struct oauth_provider p;
	struct oauth_state st = {0};
	struct buf *q = buf_in_arena(req->arena, 8192);
	char *state = NULL, *verifier = NULL, *nonce = NULL;
	const char *location;
	cJSON *body;
	int rc = oauth_provider_from_path(w, req, &p);

	if (rc != SOUK_OK)
		return rc;
	st.provider = p.name;
	rc = oauth_random_token(req->arena, &state);
	if (rc == SOUK_OK && p.oidc)
		rc = oauth_random_token(req->arena, &verifier);
	if (rc == SOUK_OK && p.oidc)
		rc = oauth_random_token(req->arena, &nonce);
	st.code_verifier = verifier;
	st.nonce = nonce;
	if (rc == SOUK_OK)
		rc = oauth_state_save(w, req->arena, state, &st);
	if (rc != SOUK_OK)
		return rc;

	/* the authorization request (RFC 6749 4.1.1, RFC 7636 4.3, OIDC 3.1.2.1) */
	rc = form_pair(q, "client_id", p.client_id);
	if (rc == SOUK_OK && p.oidc)
		rc = form_pair(q, "response_type", "code");
	if (rc == SOUK_OK)
		rc = form_pair(q, "redirect_uri", oauth_redirect_uri(w, req->arena, &p));
	if (rc == SOUK_OK)
		rc = form_pair(q, "scope", p.scope);
	if (rc == SOUK_OK)
		rc = form_pair(q, "state", state);
	if (rc == SOUK_OK && p.oidc)
		rc = form_pair(q, "code_challenge", oauth_pkce_challenge(req->arena, verifier));
	if (rc == SOUK_OK && p.oidc)
		rc = form_pair(q, "code_challenge_method", "S256");
	if (rc == SOUK_OK && p.oidc)
		rc = form_pair(q, "nonce", nonce);
	if (rc == SOUK_OK && !p.oidc)
		rc = form_pair(q, "allow_signup", "true");
	if (rc != SOUK_OK)
		return SOUK_EINTERNAL;
	location = arena_printf(req->arena, "%s%c%s", p.authorize_url,
				strchr(p.authorize_url, '?') ? '&' : '?', q->data);

	body = json_new_object(req->arena);
	cJSON_AddStringToObject(body, "location", location);
	http_response_json(res, req->arena, 302, body);
	http_response_header(res, "Location", location);
	http_response_header(res, "Set-Cookie", oauth_cookie(req, state, OAUTH_STATE_TTL));
	return SOUK_OK;
}

/*
 * GET /api/v1/auth/oauth/{provider}/callback?code&state: signs the user in
 * and answers 302 to SOUK_OAUTH_SUCCESS_URL with the session cookies.
 * 400 code or state missing; 401 state unknown/used/expired/from another
 * browser or provider, the provider refused (error=..., bad code) or the ID
 * token does not verify; 403 no verified e-mail, disabled or deleted account;
 * 404 unknown or disabled provider; 409 the account is linked to another
 * identity of this provider; 502 provider unreachable; 503 db/Redis down.
 */
static int oauth_callback(struct worker *w, struct http_request *req, struct http_response *res)
{
	struct oauth_provider p;
	struct oauth_state st = {0};
	struct oauth_identity id = {0};
	struct oauth_call call;
	const char *state = http_query(req, "state"), *code = http_query(req, "code");
	const char *error = http_query(req, "error"), *user_id = NULL;
	cJSON *tokens = NULL, *body = NULL;
	long long budget = OAUTH_BUDGET_MS;
	int rc = oauth_provider_from_path(w, req, &p);

	if (rc != SOUK_OK)
		return rc;
	/* the state is spent whatever happens below */
	if (oauth_token_shape(state, OAUTH_STATE_LEN)) {
		rc = oauth_state_take(w, req->arena, state, &st);
		if (rc == SOUK_EREDIS)
			return rc;
	} else {
		rc = SOUK_ENOTFOUND;
	}
	if (error != NULL) {
		req->error_message = arena_printf(
		    req->arena, "%s did not sign you in (%s).", p.label,
		    strlen(error) <= 64 &&
			    strspn(error, "abcdefghijklmnopqrstuvwxyz_") == strlen(error)
			? error
			: "error");
		return SOUK_EUNAUTH;
	}
	if (state == NULL || code == NULL || *code == '\0') {
		req->error_message = "The callback needs both code and state.";
		return SOUK_EMALFORMED;
	}
	if (strlen(code) > 2048) {
		req->error_message = "The code is too long.";
		return SOUK_EMALFORMED;
	}
	if (rc != SOUK_OK) {
		req->error_message = "This sign-in has expired or was already used; start again.";
		return SOUK_EUNAUTH;
	}
	if (!token_equal(http_cookie(req, OAUTH_COOKIE), state)) {
		req->error_message =
		    "This sign-in was started in another browser or tab; start again.";
		return SOUK_EUNAUTH;
	}
	if (strcmp(st.provider, p.name) != 0 ||
	    (p.oidc && (st.code_verifier == NULL || st.nonce == NULL))) {
		req->error_message = "This sign-in was started for another provider; start again.";
		return SOUK_EUNAUTH;
	}
	/* RFC 9207: a provider that names itself must be the one we asked
	 * (mix-up defence); Google may leave iss out */
	if (p.oidc && http_query(req, "iss") != NULL &&
	    strcmp(http_query(req, "iss"), w->config->google_issuer) != 0) {
		req->error_message = "The answer came from another issuer; start again.";
		return SOUK_EUNAUTH;
	}

	/* keep every outside call inside the worker's request timeout */
	if (w->config->request_timeout > 0 && budget > w->config->request_timeout * 1000LL * 2 / 3)
		budget = w->config->request_timeout * 1000LL * 2 / 3;
	call.deadline_ms = clock_wall_ms() + budget;
	rc = oauth_exchange_code(w, req, &call, &p, code, &st, &tokens);
	if (rc == SOUK_OK)
		rc = p.oidc ? oauth_google_identity(w, req, &call, &p, tokens, &st, &id)
			    : oauth_github_identity(w, req, &call, &p, tokens, &id);
	if (rc == SOUK_OK)
		rc = oauth_account_for(w, req, &p, &id, &user_id);
	if (rc == SOUK_OK)
		rc = session_login(w, req, res, user_id, p.name, false, &body);
	if (rc == SOUK_EFORBIDDEN && req->error_message == NULL)
		req->error_message = "This account cannot sign in.";
	if (rc != SOUK_OK)
		return rc;
	http_response_json(res, req->arena, 302, body);
	http_response_header(res, "Location", w->config->oauth_success_url);
	http_response_header(res, "Set-Cookie", oauth_cookie(req, "", 0));
	return SOUK_OK;
}

/* The reason a failed sign-in gives the sign-in page: a fixed word, so that
 * nobody can make the page show text of their choosing. */
static const char *oauth_failure_reason(int rc)
{
	switch (rc) {
	case SOUK_EFORBIDDEN:
		return "forbidden";
	case SOUK_ECONFLICT:
		return "conflict";
	case SOUK_EUPSTREAM:
	case SOUK_EDB:
	case SOUK_EREDIS:
		return "unavailable";
	case SOUK_ENOTFOUND:
		return "provider";
	default:
		return "failed";
	}
}

/* A browser sent back by the provider gets the sign-in page with the reason
 * (303 to /signin?oauth_error=WORD) instead of a JSON error it cannot show;
 * a client that asks for JSON keeps the JSON answer. The reason is logged. */
int auth_oauth_callback(struct worker *w, struct http_request *req, struct http_response *res)
{
	const char *accept = http_header(req, "accept");
	int rc = oauth_callback(w, req, res);

	if (rc == SOUK_OK || accept == NULL || strstr(accept, "text/html") == NULL)
		return rc;
	log_msg(LOG_INFO, "oauth sign-in failed (%s): %s", oauth_failure_reason(rc),
		req->error_message ? req->error_message : "-");
	http_response_empty(res, 303);
	http_response_header(
	    res, "Location",
	    arena_printf(req->arena, "/signin?oauth_error=%s", oauth_failure_reason(rc)));
	http_response_header(res, "Set-Cookie", oauth_cookie(req, "", 0));
	http_response_header(res, "Cache-Control", "no-store");
	return SOUK_OK;
}
