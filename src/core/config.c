/* config.c - the settings table, env file parsing and validation. */
#include "souk/config.h"

#include <ctype.h>
#include <stdbool.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "souk/commerce.h"
#include "souk/err.h"
#include "souk/str.h"

enum config_type { CONFIG_STRING, CONFIG_LONG };

struct config_setting {
	const char *name;
	enum config_type type;
	size_t offset;
	const char *default_value;
	long min, max; /* CONFIG_LONG only */
};

#define STR(field, name, def)                                                                      \
	{                                                                                          \
		name, CONFIG_STRING, offsetof(struct souk_config, field), def, 0, 0                \
	}
#define NUM(field, name, def, lo, hi)                                                              \
	{                                                                                          \
		name, CONFIG_LONG, offsetof(struct souk_config, field), def, lo, hi                \
	}

static const struct config_setting settings[] = {
    STR(env, "SOUK_ENV", "development"),
    STR(socket_path, "SOUK_SOCKET", "var/run/souk.sock"),
    STR(pid_file, "SOUK_PIDFILE", "var/run/souk-fcgi.pid"),
    STR(scoreboard, "SOUK_SCOREBOARD", "var/run/souk-fcgi.scoreboard"),
    NUM(workers, "SOUK_WORKERS", "0", 0, 256),
    NUM(max_requests, "SOUK_MAX_REQUESTS", "10000", 1, 100000000),
    NUM(request_timeout, "SOUK_REQUEST_TIMEOUT", "30", 1, 3600),
    NUM(backlog, "SOUK_BACKLOG", "1024", 16, 65535),
    STR(user, "SOUK_USER", ""),
    STR(socket_group, "SOUK_SOCKET_GROUP", ""),
    STR(database_url, "SOUK_DATABASE_URL", "dbname=souk"),
    STR(redis_socket, "SOUK_REDIS_SOCKET", ""),
    STR(redis_host, "SOUK_REDIS_HOST", "127.0.0.1"),
    STR(redis_password, "SOUK_REDIS_PASSWORD", ""),
    NUM(redis_port, "SOUK_REDIS_PORT", "6379", 1, 65535),
    NUM(body_limit, "SOUK_BODY_LIMIT", "1048576", 1024, 1073741824),
    STR(public_url, "SOUK_PUBLIC_URL", "https://127.0.0.1:8443"),
    STR(schema_dir, "SOUK_SCHEMA_DIR", "schema"),
    STR(seed_dir, "SOUK_SEED_DIR", "seed"),
    STR(storage_dir, "SOUK_STORAGE_DIR", "var/storage"),
    STR(log_level, "SOUK_LOG_LEVEL", "info"),
    STR(jwt_secret, "SOUK_JWT_SECRET", ""),
    STR(jwt_issuer, "SOUK_JWT_ISSUER", "souk"),
    NUM(access_ttl, "SOUK_ACCESS_TTL", "900", 30, 900),
    NUM(refresh_ttl, "SOUK_REFRESH_TTL", "2592000", 300, 31536000),
    NUM(auth_ip_scale, "SOUK_AUTH_IP_SCALE", "1", 1, 10000),
    NUM(auth_account_scale, "SOUK_AUTH_ACCOUNT_SCALE", "1", 1, 1000),
    STR(google_client_id, "SOUK_GOOGLE_CLIENT_ID", ""),
    STR(google_client_secret, "SOUK_GOOGLE_CLIENT_SECRET", ""),
    STR(google_authorize_url, "SOUK_GOOGLE_AUTHORIZE_URL",
	"https://accounts.google.com/o/oauth2/v2/auth"),
    STR(google_token_url, "SOUK_GOOGLE_TOKEN_URL", "https://oauth2.googleapis.com/token"),
    STR(google_jwks_url, "SOUK_GOOGLE_JWKS_URL", "https://www.googleapis.com/oauth2/v3/certs"),
    STR(google_issuer, "SOUK_GOOGLE_ISSUER", "https://accounts.google.com"),
    STR(github_client_id, "SOUK_GITHUB_CLIENT_ID", ""),
    STR(github_client_secret, "SOUK_GITHUB_CLIENT_SECRET", ""),
    STR(github_authorize_url, "SOUK_GITHUB_AUTHORIZE_URL",
	"https://github.com/login/oauth/authorize"),
    STR(github_token_url, "SOUK_GITHUB_TOKEN_URL", "https://github.com/login/oauth/access_token"),
    STR(github_api_url, "SOUK_GITHUB_API_URL", "https://api.github.com"),
    STR(oauth_success_url, "SOUK_OAUTH_SUCCESS_URL", "/account"),
    STR(storage_driver, "SOUK_STORAGE_DRIVER", "local"),
    STR(s3_endpoint, "SOUK_S3_ENDPOINT", ""),
    STR(s3_region, "SOUK_S3_REGION", "us-east-1"),
    STR(s3_bucket, "SOUK_S3_BUCKET", ""),
    STR(s3_access_key, "SOUK_S3_ACCESS_KEY", ""),
    STR(s3_secret_key, "SOUK_S3_SECRET_KEY", ""),
    NUM(s3_path_style, "SOUK_S3_PATH_STYLE", "0", 0, 1),
    STR(s3_public_url, "SOUK_S3_PUBLIC_URL", ""),
    STR(media_url, "SOUK_MEDIA_URL", "/media"),
    /* a request's Content-Length is at most 2^31 - 1 (src/core/http.c) */
    NUM(upload_limit, "SOUK_UPLOAD_LIMIT", "536870912", 1024, 2147483647L),
    NUM(upload_timeout, "SOUK_UPLOAD_TIMEOUT", "600", 30, 86400),
    STR(upload_types, "SOUK_UPLOAD_TYPES",
	"application/zip,application/pdf,application/epub+zip,application/json,"
	"text/plain,text/csv,text/markdown,image/png,image/jpeg,image/webp,image/svg+xml,"
	"font/ttf,font/otf,font/woff2,audio/mpeg,video/mp4"),
    NUM(download_limit, "SOUK_DOWNLOAD_LIMIT", "5", 1, 100000),
    NUM(download_link_ttl, "SOUK_DOWNLOAD_LINK_TTL", "300", 10, 604800),
    NUM(catalog_cache_ttl, "SOUK_CATALOG_CACHE_TTL", "300", 0, 86400),
    STR(catalog_version_file, "SOUK_CATALOG_VERSION_FILE", ""),
    /* the seller, for GST (src/commerce) */
    STR(seller_state, "SOUK_SELLER_STATE", "29"),
    STR(seller_gstin, "SOUK_SELLER_GSTIN", ""),
    STR(seller_name, "SOUK_SELLER_NAME", "Souk Digital Private Limited"),
    STR(seller_address, "SOUK_SELLER_ADDRESS", ""),
    STR(sac_code, "SOUK_SAC_CODE", "998439"),
    STR(invoice_font, "SOUK_INVOICE_FONT", "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
    /* payments (src/commerce/razorpay.c) */
    STR(razorpay_key_id, "SOUK_RAZORPAY_KEY_ID", ""),
    STR(razorpay_key_secret, "SOUK_RAZORPAY_KEY_SECRET", ""),
    STR(razorpay_webhook_secret, "SOUK_RAZORPAY_WEBHOOK_SECRET", ""),
    STR(razorpay_api_url, "SOUK_RAZORPAY_API_URL", "https://api.razorpay.com"),
    NUM(razorpay_timeout_ms, "SOUK_RAZORPAY_TIMEOUT_MS", "8000", 200, 30000),
    /* e-mail (souk-mailer) */
    STR(mail_transport, "SOUK_MAIL_TRANSPORT", ""),
    STR(mail_dir, "SOUK_MAIL_DIR", "var/mail"),
    STR(mail_from, "SOUK_MAIL_FROM", "no-reply@souk.test"),
    STR(mail_from_name, "SOUK_MAIL_FROM_NAME", ""),
    STR(support_email, "SOUK_SUPPORT_EMAIL", "support@souk.test"),
    STR(shop_name, "SOUK_SHOP_NAME", "Souk"),
    STR(shop_logo_url, "SOUK_SHOP_LOGO_URL", ""),
    STR(template_dir, "SOUK_TEMPLATE_DIR", "templates"),
    STR(smtp_url, "SOUK_SMTP_URL", ""),
    STR(smtp_user, "SOUK_SMTP_USER", ""),
    STR(smtp_password, "SOUK_SMTP_PASSWORD", ""),
    STR(smtp_tls, "SOUK_SMTP_TLS", "required"),
    STR(smtp_ca_file, "SOUK_SMTP_CA_FILE", ""),
    NUM(smtp_timeout_ms, "SOUK_SMTP_TIMEOUT_MS", "20000", 1000, 120000),
    NUM(mail_max_attempts, "SOUK_MAIL_MAX_ATTEMPTS", "8", 1, 30),
    STR(ses_region, "SOUK_SES_REGION", "ap-south-1"),
    STR(ses_endpoint, "SOUK_SES_ENDPOINT", ""),
    STR(ses_access_key, "SOUK_SES_ACCESS_KEY", ""),
    STR(ses_secret_key, "SOUK_SES_SECRET_KEY", ""),
    /* nginx in front (config_render) */
    STR(home, "SOUK_HOME", "."),
    STR(web_root, "SOUK_WEB_ROOT", "web/dist"),
    STR(nginx_dir, "SOUK_NGINX_DIR", "var/nginx"),
    STR(log_dir, "SOUK_LOG_DIR", "var/log"),
    STR(tls_cert, "SOUK_TLS_CERT", "var/tls/cert.pem"),
    STR(tls_key, "SOUK_TLS_KEY", "var/tls/key.pem"),
    STR(listen_host, "SOUK_LISTEN_HOST", "127.0.0.1"),
    NUM(http_port, "SOUK_HTTP_PORT", "8080", 1, 65535),
    NUM(https_port, "SOUK_HTTPS_PORT", "8443", 1, 65535),
    NUM(redirect_https, "SOUK_REDIRECT_HTTPS", "0", 0, 1),
    STR(api_rate, "SOUK_API_RATE", "200r/s"),
    NUM(api_burst, "SOUK_API_BURST", "400", 0, 1000000),
    STR(auth_rate, "SOUK_AUTH_RATE", "5r/s"),
    NUM(auth_burst, "SOUK_AUTH_BURST", "10", 0, 1000000),
    STR(client_max_body, "SOUK_CLIENT_MAX_BODY", "10m"),
    NUM(nginx_keepalive, "SOUK_NGINX_KEEPALIVE", "0", 0, 1024),
    NUM(nginx_catalog_cache, "SOUK_NGINX_CATALOG_CACHE", "1", 0, 1),
    STR(nginx_user, "SOUK_NGINX_USER", ""),
    STR(nginx_rate_exempt, "SOUK_NGINX_RATE_EXEMPT", ""),
};

#define NSETTINGS (sizeof(settings) / sizeof(settings[0]))

int config_parse_line(char *line, char **key, char **value)
{
	char *p = str_trim(line), *eq, *v;
	size_t n;

	n = strlen(p);
	while (n > 0 && (p[n - 1] == '\n' || p[n - 1] == '\r'))
		p[--n] = '\0';
	p = str_trim(p);
	if (*p == '\0' || *p == '#')
		return 0;
	if (strncmp(p, "export ", 7) == 0)
		p = str_trim(p + 7);
	eq = strchr(p, '=');
	if (eq == NULL || eq == p)
		return -1;
	*eq = '\0';
	for (char *k = p; *k; k++)
		if (!(isalnum((unsigned char)*k) || *k == '_'))
			return -1;
	v = str_trim(eq + 1);
	n = strlen(v);
	if (n >= 2 && (v[0] == '"' || v[0] == '\'')) {
		char *close = strchr(v + 1, v[0]);
		char *after;

		if (close == NULL)
			return -1;
		/* only blanks or a comment may follow the closing quote */
		after = str_trim(close + 1);
		if (*after != '\0' && *after != '#')
			return -1;
		*close = '\0';
		v++;
	} else {
		char *hash = strstr(v, " #");

		if (hash != NULL) {
			*hash = '\0';
			v = str_trim(v);
		}
	}
	*key = p;
	*value = v;
	return 1;
}

static const struct config_setting *config_find(const char *name)
{
	for (size_t i = 0; i < NSETTINGS; i++)
		if (strcmp(settings[i].name, name) == 0)
			return &settings[i];
	return NULL;
}

static int config_set(struct souk_config *cfg, const struct config_setting *s, const char *value,
		      char *err, size_t errlen)
{
	char *base = (char *)cfg;

	if (s->type == CONFIG_STRING) {
		char **slot = (char **)(base + s->offset);
		char *copy = strdup(value);

		if (copy == NULL)
			abort();
		free(*slot);
		*slot = copy;
		return SOUK_OK;
	}
	long v;

	if (str_to_long(value, s->min, s->max, &v) != SOUK_OK) {
		snprintf(err, errlen, "%s must be an integer between %ld and %ld (got \"%s\")",
			 s->name, s->min, s->max, value);
		return SOUK_EINVALID;
	}
	*(long *)(base + s->offset) = v;
	return SOUK_OK;
}

static int config_read_file(struct souk_config *cfg, const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	char line[4096];
	int lineno = 0, rc = SOUK_OK;

	if (f == NULL) {
		if (errno == ENOENT)
			return SOUK_OK;
		snprintf(err, errlen, "cannot read %s: %s", path, strerror(errno));
		return SOUK_EIO;
	}
	while (rc == SOUK_OK && fgets(line, sizeof(line), f) != NULL) {
		char *key, *value;
		int kind;

		lineno++;
		kind = config_parse_line(line, &key, &value);
		if (kind == 0)
			continue;
		if (kind < 0) {
			snprintf(err, errlen, "%s:%d: expected KEY=VALUE", path, lineno);
			rc = SOUK_EINVALID;
			break;
		}
		const struct config_setting *s = config_find(key);

		/* other SOUK_* keys belong to the scripts or later modules */
		if (s != NULL)
			rc = config_set(cfg, s, value, err, errlen);
	}
	fclose(f);
	return rc;
}

int config_load(struct souk_config *cfg, const char *env_file, char *err, size_t errlen)
{
	int rc;

	memset(cfg, 0, sizeof(*cfg));
	for (size_t i = 0; i < NSETTINGS; i++) {
		rc = config_set(cfg, &settings[i], settings[i].default_value, err, errlen);
		if (rc != SOUK_OK)
			return rc;
	}
	if (env_file == NULL)
		env_file = getenv("SOUK_ENV_FILE");
	if (env_file == NULL || *env_file == '\0')
		env_file = "souk.env";
	rc = config_read_file(cfg, env_file, err, errlen);
	if (rc != SOUK_OK)
		return rc;
	for (size_t i = 0; i < NSETTINGS; i++) {
		const char *v = getenv(settings[i].name);

		if (v != NULL) {
			rc = config_set(cfg, &settings[i], v, err, errlen);
			if (rc != SOUK_OK)
				return rc;
		}
	}
	if (gst_state_name(cfg->seller_state) == NULL) {
		snprintf(err, errlen,
			 "SOUK_SELLER_STATE must be a GST state code (\"29\" for Karnataka)");
		return SOUK_EINVALID;
	}
	if (cfg->seller_gstin[0] != '\0' &&
	    (!gstin_valid(cfg->seller_gstin) ||
	     strncmp(cfg->seller_gstin, cfg->seller_state, 2) != 0)) {
		snprintf(err, errlen,
			 "SOUK_SELLER_GSTIN is not a valid GSTIN of SOUK_SELLER_STATE's state");
		return SOUK_EINVALID;
	}
	if (cfg->razorpay_key_id[0] != '\0' &&
	    (cfg->razorpay_key_secret[0] == '\0' || cfg->razorpay_webhook_secret[0] == '\0')) {
		snprintf(err, errlen,
			 "SOUK_RAZORPAY_KEY_ID is set: SOUK_RAZORPAY_KEY_SECRET and "
			 "SOUK_RAZORPAY_WEBHOOK_SECRET must be too");
		return SOUK_EINVALID;
	}
	if (strncmp(cfg->razorpay_api_url, "https://", 8) != 0 &&
	    strcmp(cfg->env, "production") == 0) {
		snprintf(err, errlen, "SOUK_RAZORPAY_API_URL must be https:// in production");
		return SOUK_EINVALID;
	}
	/* a development convenience that must never loosen a real shop */
	if (strcmp(cfg->env, "production") == 0 && cfg->auth_account_scale != 1) {
		snprintf(err, errlen,
			 "SOUK_AUTH_ACCOUNT_SCALE is for development and tests: it must "
			 "be 1 when SOUK_ENV=production");
		return SOUK_EINVALID;
	}
	return SOUK_OK;
}

void config_free(struct souk_config *cfg)
{
	char *base = (char *)cfg;

	for (size_t i = 0; i < NSETTINGS; i++)
		if (settings[i].type == CONFIG_STRING) {
			char **slot = (char **)(base + settings[i].offset);

			free(*slot);
			*slot = NULL;
		}
}

int config_get(const struct souk_config *cfg, const char *name, char *buf, size_t len)
{
	const struct config_setting *s = config_find(name);
	const char *base = (const char *)cfg;

	if (s == NULL)
		return SOUK_ENOTFOUND;
	if (s->type == CONFIG_STRING)
		snprintf(buf, len, "%s", *(const char *const *)(base + s->offset));
	else
		snprintf(buf, len, "%ld", *(const long *)(base + s->offset));
	return SOUK_OK;
}

/* ---------------------------------------------------------------------------
 * Rendering nginx's templates
 * ------------------------------------------------------------------------- */

/* True when value can stand inside one nginx directive: nothing that ends
 * it, opens a block, quotes, starts a comment or names a variable. */
static bool render_value_safe(const char *value)
{
	return strpbrk(value, ";{}\"'`#$\\\r\n") == NULL;
}

/* "<N>r/s" or "<N>r/m", as limit_req_zone wants. */
static bool render_rate_valid(const char *v)
{
	size_t digits = strspn(v, "0123456789");

	return digits > 0 && digits < 10 &&
	       (strcmp(v + digits, "r/s") == 0 || strcmp(v + digits, "r/m") == 0);
}

/* "127.0.0.0/8,::1" -> "127.0.0.0/8 1; ::1 1;": lines of a geo block. */
static void render_geo(const char *list, char *buf, size_t len)
{
	size_t o = 0;

	buf[0] = '\0';
	for (const char *p = list; *p != '\0';) {
		size_t n = strcspn(p, ", ");

		if (n > 0 && o + n + 5 < len)
			o += (size_t)snprintf(buf + o, len - o, "%s%.*s 1;", o ? " " : "", (int)n,
					      p);
		p += n;
		p += strspn(p, ", ");
	}
}

/* The Content-Security-Policy of the site: everything from the site itself,
 * plus Razorpay Checkout's script, frames and calls once Razorpay keys are
 * set (the storefront loads checkout.js only then). */
static void render_csp(const struct souk_config *cfg, char *buf, size_t len)
{
	bool rzp = cfg->razorpay_key_id[0] != '\0';

	snprintf(buf, len,
		 "default-src 'self'; img-src 'self' data: https:; style-src 'self'; "
		 "script-src 'self'%s; connect-src 'self'%s; frame-src %s; font-src 'self'; "
		 "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'",
		 rzp ? " https://checkout.razorpay.com https://cdn.razorpay.com" : "",
		 rzp ? " https://api.razorpay.com https://lumberjack.razorpay.com"
		       " https://lumberjack-metrics.razorpay.com"
		     : "",
		 rzp ? "https://api.razorpay.com https://checkout.razorpay.com" : "'none'");
}

/* The value of a derived name (SOUK_NGINX_*) into buf; false if unknown. */
static bool render_derived(const struct souk_config *cfg, const char *name, char *buf, size_t len)
{
	if (strcmp(name, "SOUK_NGINX_CSP") == 0)
		render_csp(cfg, buf, len);
	else if (strcmp(name, "SOUK_NGINX_PAYMENT_POLICY") == 0)
		snprintf(buf, len, "%s",
			 cfg->razorpay_key_id[0] ? "(self \"https://api.razorpay.com\")" : "()");
	else if (strcmp(name, "SOUK_NGINX_READ_TIMEOUT") == 0)
		snprintf(buf, len, "%lds", cfg->request_timeout + 5);
	else if (strcmp(name, "SOUK_NGINX_UPLOAD_READ_TIMEOUT") == 0)
		snprintf(buf, len, "%lds", cfg->upload_timeout + 5);
	else if (strcmp(name, "SOUK_NGINX_USER_DIRECTIVE") == 0)
		snprintf(buf, len, "%s%s%s", cfg->nginx_user[0] ? "user " : "# (no user directive",
			 cfg->nginx_user, cfg->nginx_user[0] ? ";" : ")");
	else if (strcmp(name, "SOUK_NGINX_UPSTREAM_KEEPALIVE") == 0 && cfg->nginx_keepalive > 0)
		snprintf(buf, len, "keepalive %ld;", cfg->nginx_keepalive);
	else if (strcmp(name, "SOUK_NGINX_UPSTREAM_KEEPALIVE") == 0)
		snprintf(buf, len, "# no keepalive");
	else if (strcmp(name, "SOUK_NGINX_KEEP_CONN") == 0)
		snprintf(buf, len, "%s", cfg->nginx_keepalive > 0 ? "on" : "off");
	else if (strcmp(name, "SOUK_NGINX_CACHE_ZONE") == 0)
		snprintf(buf, len, "%s", cfg->nginx_catalog_cache ? "souk_catalog" : "off");
	else if (strcmp(name, "SOUK_NGINX_RATE_EXEMPT_GEO") == 0)
		render_geo(cfg->nginx_rate_exempt, buf, len);
	else
		return false;
	return true;
}

int config_render(const struct souk_config *cfg, const char *template_text, char **out, char *err,
		  size_t errlen)
{
	struct buf b;
	const char *p = template_text;
	int line = 1, rc = SOUK_OK;

	if (!render_rate_valid(cfg->api_rate) || !render_rate_valid(cfg->auth_rate)) {
		snprintf(err, errlen, "SOUK_API_RATE and SOUK_AUTH_RATE must look like \"200r/s\"");
		return SOUK_EINVALID;
	}
	if (!render_value_safe(cfg->nginx_rate_exempt)) {
		snprintf(err, errlen,
			 "SOUK_NGINX_RATE_EXEMPT holds a character nginx reads as syntax");
		return SOUK_EINVALID;
	}
	buf_init(&b, 4 << 20);
	while (rc == SOUK_OK && *p != '\0') {
		const char *at = strchr(p, '@'), *end;
		size_t n;
		char name[64], value[4096];

		if (at == NULL) {
			rc = buf_appends(&b, p);
			break;
		}
		for (const char *c = p; c < at; c++)
			line += *c == '\n';
		rc = buf_append(&b, p, (size_t)(at - p));
		end = strchr(at + 1, '@');
		n = end ? (size_t)(end - at - 1) : 0;
		if (strncmp(at + 1, "SOUK_", 5) != 0 || end == NULL || n >= sizeof(name) ||
		    strspn(at + 1, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_") != n) {
			if (rc == SOUK_OK)
				rc = buf_append(&b, "@", 1); /* not a placeholder */
			p = at + 1;
			continue;
		}
		memcpy(name, at + 1, n);
		name[n] = '\0';
		if (!render_derived(cfg, name, value, sizeof(value))) {
			if (config_get(cfg, name, value, sizeof(value)) != SOUK_OK) {
				snprintf(err, errlen, "line %d: no setting named %s", line, name);
				rc = SOUK_EINVALID;
				break;
			}
			if (!render_value_safe(value)) {
				snprintf(err, errlen,
					 "line %d: %s holds a character nginx reads as syntax",
					 line, name);
				rc = SOUK_EINVALID;
				break;
			}
		}
		if (rc == SOUK_OK)
			rc = buf_appends(&b, value);
		p = end + 1;
	}
	if (rc == SOUK_ETOOLARGE)
		snprintf(err, errlen, "the rendered file is larger than 4 MiB");
	if (rc != SOUK_OK) {
		buf_free(&b);
		return SOUK_EINVALID;
	}
	*out = b.data != NULL ? b.data : strdup("");
	if (*out == NULL)
		abort();
	return SOUK_OK;
}

long config_worker_count(const struct souk_config *cfg)
{
	long n = cfg->workers;

	if (n <= 0) {
		long cpus = sysconf(_SC_NPROCESSORS_ONLN);

		n = cpus > 0 ? 2 * cpus : 2;
	}
	return n;
}
