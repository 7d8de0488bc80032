/*
 * config.h - settings from SOUK_* environment variables and souk.env.
 *
 * Precedence: built-in default < souk.env file < process environment. Every
 * setting is listed once, in the table in src/core/config.c, with its default
 * and bounds; README.md documents the same table. Secrets are never logged.
 */
#ifndef SOUK_CONFIG_H
#define SOUK_CONFIG_H

#include <stddef.h>

struct souk_config {
	const char *env;	    /* SOUK_ENV: development | test | production */
	const char *socket_path;    /* SOUK_SOCKET: FastCGI unix socket */
	const char *pid_file;	    /* SOUK_PIDFILE */
	const char *scoreboard;	    /* SOUK_SCOREBOARD: shared status file */
	long workers;		    /* SOUK_WORKERS: 0 = 2 x online CPUs */
	long max_requests;	    /* SOUK_MAX_REQUESTS: recycle a worker after */
	long request_timeout;	    /* SOUK_REQUEST_TIMEOUT: seconds, then killed */
	long backlog;		    /* SOUK_BACKLOG: listen() backlog */
	const char *user;	    /* SOUK_USER: drop to this user when root */
	const char *socket_group;   /* SOUK_SOCKET_GROUP: group allowed to connect */
	const char *database_url;   /* SOUK_DATABASE_URL: libpq conninfo */
	const char *redis_socket;   /* SOUK_REDIS_SOCKET: unix socket (preferred) */
	const char *redis_host;	    /* SOUK_REDIS_HOST */
	const char *redis_password; /* SOUK_REDIS_PASSWORD: AUTH after connecting */
	long redis_port;	    /* SOUK_REDIS_PORT */
	long body_limit;	    /* SOUK_BODY_LIMIT: bytes of request body */
	const char *public_url;	    /* SOUK_PUBLIC_URL: where users reach the site */
	const char *schema_dir;	    /* SOUK_SCHEMA_DIR: migrations */
	const char *seed_dir;	    /* SOUK_SEED_DIR: demo data */
	const char *storage_dir;    /* SOUK_STORAGE_DIR: local file storage */
	const char *log_level;	    /* SOUK_LOG_LEVEL: debug | info | warn | error */

	/* sessions */
	const char *jwt_secret;	 /* SOUK_JWT_SECRET: HS256 key, >= 32 bytes */
	const char *jwt_issuer;	 /* SOUK_JWT_ISSUER: iss of access tokens */
	long access_ttl;	 /* SOUK_ACCESS_TTL: seconds, at most 900 */
	long refresh_ttl;	 /* SOUK_REFRESH_TTL: seconds */
	long auth_ip_scale;	 /* SOUK_AUTH_IP_SCALE: multiplies per-address auth limits */
	long auth_account_scale; /* SOUK_AUTH_ACCOUNT_SCALE: multiplies per-account auth limits
				  * (development only: refused in production) */

	/* Google (OpenID Connect) and GitHub sign-in: off without id + secret */
	const char *google_client_id, *google_client_secret;
	const char *google_authorize_url, *google_token_url, *google_jwks_url, *google_issuer;
	const char *github_client_id, *github_client_secret;
	const char *github_authorize_url, *github_token_url, *github_api_url;
	const char *oauth_success_url; /* SOUK_OAUTH_SUCCESS_URL: where sign-in lands */

	/* catalog: files, delivery, caches */
	const char *storage_driver; /* SOUK_STORAGE_DRIVER: local | s3 */
	const char *s3_endpoint;    /* SOUK_S3_ENDPOINT: "" = https://s3.<region>.amazonaws.com */
	const char *s3_region;	    /* SOUK_S3_REGION */
	const char *s3_bucket;	    /* SOUK_S3_BUCKET */
	const char *s3_access_key;  /* SOUK_S3_ACCESS_KEY */
	const char *s3_secret_key;  /* SOUK_S3_SECRET_KEY (never logged) */
	long s3_path_style; /* SOUK_S3_PATH_STYLE: 1 = endpoint/bucket/key, 0 = bucket.endpoint/key
			     */
	/* SOUK_S3_PUBLIC_URL: base URL of public images ("" = the bucket's) */
	const char *s3_public_url;
	const char *media_url;	  /* SOUK_MEDIA_URL: base URL of public images on local storage */
	long upload_limit;	  /* SOUK_UPLOAD_LIMIT: bytes of one product file */
	long upload_timeout;	  /* SOUK_UPLOAD_TIMEOUT: seconds an upload request may take */
	const char *upload_types; /* SOUK_UPLOAD_TYPES: allowed content types, comma-separated */
	long download_limit;	  /* SOUK_DOWNLOAD_LIMIT: downloads per file of an entitlement */
	long download_link_ttl;	  /* SOUK_DOWNLOAD_LINK_TTL: seconds a download link works */
	long catalog_cache_ttl; /* SOUK_CATALOG_CACHE_TTL: seconds of a Redis catalog cache entry */
	/* SOUK_CATALOG_VERSION_FILE: for nginx's cache key ("" = none) */
	const char *catalog_version_file;
	/* the seller, printed on invoices; its state decides CGST+SGST or IGST */
	const char *seller_state;   /* SOUK_SELLER_STATE: GST state code ("29") */
	const char *seller_gstin;   /* SOUK_SELLER_GSTIN: "" until registered */
	const char *seller_name;    /* SOUK_SELLER_NAME: legal name */
	const char *seller_address; /* SOUK_SELLER_ADDRESS: one line */
	const char *sac_code;	    /* SOUK_SAC_CODE: on invoice lines (998439) */
	const char *invoice_font;   /* SOUK_INVOICE_FONT: TrueType font of invoice PDFs */
	/* Razorpay: off (the sandbox provider stands in, never in production)
	 * until the key id is set; then the secret and webhook secret must be */
	const char *razorpay_key_id;	     /* SOUK_RAZORPAY_KEY_ID: rzp_live_... */
	const char *razorpay_key_secret;     /* SOUK_RAZORPAY_KEY_SECRET (never logged) */
	const char *razorpay_webhook_secret; /* SOUK_RAZORPAY_WEBHOOK_SECRET (never logged) */
	const char *razorpay_api_url;	     /* SOUK_RAZORPAY_API_URL: https://api.razorpay.com */
	long razorpay_timeout_ms;	     /* SOUK_RAZORPAY_TIMEOUT_MS: one API call, at most */
	/* e-mail (souk-mailer; README "E-mail") */
	const char *mail_transport; /* SOUK_MAIL_TRANSPORT: smtp | ses | file ("": file
				     * outside production, refused in it) */
	const char *mail_dir;	    /* SOUK_MAIL_DIR: where file writes .eml files */
	const char *mail_from;	    /* SOUK_MAIL_FROM: the sender address */
	const char *mail_from_name; /* SOUK_MAIL_FROM_NAME ("": SOUK_SHOP_NAME) */
	const char *support_email;  /* SOUK_SUPPORT_EMAIL: Reply-To and in every footer */
	const char *shop_name;	    /* SOUK_SHOP_NAME: the shop as customers know it */
	const char *shop_logo_url;  /* SOUK_SHOP_LOGO_URL: absolute URL of the e-mail logo */
	const char *template_dir;   /* SOUK_TEMPLATE_DIR: holds email/ */
	const char *smtp_url;	    /* SOUK_SMTP_URL: smtp://host:587 or smtps://host:465 */
	const char *smtp_user, *smtp_password; /* SOUK_SMTP_USER, SOUK_SMTP_PASSWORD */
	const char *smtp_tls;		       /* SOUK_SMTP_TLS: required | optional */
	const char *smtp_ca_file;	       /* SOUK_SMTP_CA_FILE: CAs to trust instead */
	long smtp_timeout_ms;		       /* SOUK_SMTP_TIMEOUT_MS: one message, at most */
	long mail_max_attempts;	  /* SOUK_MAIL_MAX_ATTEMPTS: then a transient failure is final */
	const char *ses_region;	  /* SOUK_SES_REGION: ap-south-1 */
	const char *ses_endpoint; /* SOUK_SES_ENDPOINT ("": https://email.<region>.amazonaws.com) */
	const char *ses_access_key, *ses_secret_key; /* SOUK_SES_ACCESS_KEY, _SECRET_KEY */

	/* nginx in front: souk-fcgi --render fills nginx/\*.in from these */
	const char *home;	       /* SOUK_HOME: the tree holding nginx/ (errors, souk.js) */
	const char *web_root;	       /* SOUK_WEB_ROOT: the built front end nginx serves */
	const char *nginx_dir;	       /* SOUK_NGINX_DIR: nginx's prefix (conf, pid, temp, cache) */
	const char *log_dir;	       /* SOUK_LOG_DIR: nginx's logs */
	const char *tls_cert;	       /* SOUK_TLS_CERT: PEM certificate chain */
	const char *tls_key;	       /* SOUK_TLS_KEY: PEM key (root reads it) */
	const char *listen_host;       /* SOUK_LISTEN_HOST */
	long http_port;		       /* SOUK_HTTP_PORT */
	long https_port;	       /* SOUK_HTTPS_PORT */
	long redirect_https;	       /* SOUK_REDIRECT_HTTPS: 1 = plain HTTP answers 301 */
	const char *api_rate;	       /* SOUK_API_RATE: "200r/s" per client on /api/ */
	long api_burst;		       /* SOUK_API_BURST */
	const char *auth_rate;	       /* SOUK_AUTH_RATE: on /api/v1/auth/ */
	long auth_burst;	       /* SOUK_AUTH_BURST */
	const char *client_max_body;   /* SOUK_CLIENT_MAX_BODY: nginx's body limit ("10m") */
	long nginx_keepalive;	       /* SOUK_NGINX_KEEPALIVE: upstream keepalive connections */
	long nginx_catalog_cache;      /* SOUK_NGINX_CATALOG_CACHE: 0 = no microcache */
	const char *nginx_user;	       /* SOUK_NGINX_USER: nginx's workers' user ("" = none) */
	const char *nginx_rate_exempt; /* SOUK_NGINX_RATE_EXEMPT: CIDRs without rate limits */
};

/*
 * Loads the configuration into *cfg. env_file may be NULL (then SOUK_ENV_FILE,
 * else "souk.env" in the working directory, is read if it exists). Returns
 * SOUK_OK, or SOUK_EINVALID (bad value or line) / SOUK_EIO (file unreadable)
 * with a one-line reason in err[errlen]. Strings in *cfg live until
 * config_free(), which the caller calls after a failure too.
 */
int config_load(struct souk_config *cfg, const char *env_file, char *err, size_t errlen);
void config_free(struct souk_config *cfg);

/* The effective value of setting `name` as text into buf[len] (for scripts:
 * `souk-fcgi --get NAME`). SOUK_OK or SOUK_ENOTFOUND for an unknown name. */
int config_get(const struct souk_config *cfg, const char *name, char *buf, size_t len);

/*
 * Renders a template (nginx/\*.in): every @SOUK_NAME@ becomes that setting's
 * value, and the derived @SOUK_NGINX_...@ names what nginx needs from the
 * settings (READ_TIMEOUT, UPLOAD_READ_TIMEOUT, USER_DIRECTIVE,
 * UPSTREAM_KEEPALIVE, KEEP_CONN, CACHE_ZONE, RATE_EXEMPT_GEO). SOUK_OK with
 * *out (malloc'd, the caller frees it); SOUK_EINVALID with the reason (and
 * line) in err for an unknown name, a rate that is not "<N>r/s", or a value
 * that could break out of its nginx directive (; { } quotes $ # newlines).
 */
int config_render(const struct souk_config *cfg, const char *template_text, char **out, char *err,
		  size_t errlen);

/* Workers to run: cfg->workers, or 2 x online CPUs when it is 0. */
long config_worker_count(const struct souk_config *cfg);

/* Parses one "KEY=VALUE" line of an env file (export prefix, quotes, comments).
 * Returns 1 with *key and *value pointing into line (modified in place), 0 for a
 * blank or comment line, -1 for a malformed line. */
int config_parse_line(char *line, char **key, char **value);

#endif
