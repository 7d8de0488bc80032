/* test_config.c - settings from the environment and souk.env (include/souk/config.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "souk/config.h"
#include "souk/err.h"
#include "tests.h"

static char env_path[64]; /* the temp env file of the current test, "" if none */

static int config_suite_init(void)
{
	tests_clear_souk_env();
	return 0;
}

static int config_suite_cleanup(void)
{
	tests_clear_souk_env();
	return 0;
}

/* Writes text to a new temp file whose path goes to env_path. */
static int env_file_write(const char *text)
{
	int fd;
	size_t len = strlen(text);

	snprintf(env_path, sizeof(env_path), "/tmp/souk-unit-env-XXXXXX");
	fd = mkstemp(env_path);
	if (fd < 0)
		return -1;
	if (write(fd, text, len) != (ssize_t)len) {
		close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

static void env_file_remove(void)
{
	if (env_path[0] != '\0')
		unlink(env_path);
	env_path[0] = '\0';
}

struct line_case {
	const char *line;
	int want; /* 1, 0 or -1 */
	const char *key, *value;
};

static void test_parse_line(void)
{
	static const struct line_case cases[] = {
	    {"KEY=value", 1, "KEY", "value"},
	    {"SOUK_ENV=test\n", 1, "SOUK_ENV", "test"},
	    {"SOUK_ENV=test\r\n", 1, "SOUK_ENV", "test"},
	    {"  SOUK_ENV=test  ", 1, "SOUK_ENV", "test"},
	    {"\tSOUK_ENV=\ttest\t", 1, "SOUK_ENV", "test"},
	    {"export SOUK_ENV=test", 1, "SOUK_ENV", "test"},
	    {"export   SOUK_ENV=test", 1, "SOUK_ENV", "test"},
	    {"SOUK_X=\"quoted value\"", 1, "SOUK_X", "quoted value"},
	    {"SOUK_X='single quoted'", 1, "SOUK_X", "single quoted"},
	    {"SOUK_X=\" spaced \"", 1, "SOUK_X", " spaced "},
	    {"SOUK_X=\"a # not a comment\"", 1, "SOUK_X", "a # not a comment"},
	    {"SOUK_X=value # comment", 1, "SOUK_X", "value"},
	    {"SOUK_X=value   # comment # more", 1, "SOUK_X", "value"},
	    {"SOUK_X=val#ue", 1, "SOUK_X", "val#ue"},
	    {"SOUK_X=", 1, "SOUK_X", ""},
	    {"SOUK_X=\"\"", 1, "SOUK_X", ""},
	    {"SOUK_X=\"unterminated", -1, NULL, NULL},
	    {"SOUK_X=\"mixed'", -1, NULL, NULL},
	    {"SOUK_X=\"a\" junk", -1, NULL, NULL},
	    {"SOUK_X=a=b", 1, "SOUK_X", "a=b"},
	    {"SOUK_DATABASE_URL=host=/tmp dbname=souk", 1, "SOUK_DATABASE_URL",
	     "host=/tmp dbname=souk"},
	    {"lower_case9=1", 1, "lower_case9", "1"},
	    {"export=1", 1, "export", "1"},
	    {"# comment", 0, NULL, NULL},
	    {"   # indented comment", 0, NULL, NULL},
	    {"#SOUK_ENV=test", 0, NULL, NULL},
	    {"", 0, NULL, NULL},
	    {"   \t  ", 0, NULL, NULL},
	    {"\n", 0, NULL, NULL},
	    {"\r\n", 0, NULL, NULL},
	    {"=x", -1, NULL, NULL},
	    {"bad key=1", -1, NULL, NULL},
	    {"BAD-KEY=1", -1, NULL, NULL},
	    {"KEY =1", -1, NULL, NULL},
	    {"noequals", -1, NULL, NULL},
	    {"export", -1, NULL, NULL},
	    {"export =1", -1, NULL, NULL},
	    {"K\xc3\xa9Y=1", -1, NULL, NULL},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct line_case *c = &cases[i];
		char line[256];
		char *key = (char *)"untouched", *value = (char *)"untouched";
		int got;

		snprintf(line, sizeof(line), "%s", c->line);
		got = config_parse_line(line, &key, &value);
		CU_ASSERT_EQUAL(got, c->want);
		if (c->want == 1) {
			ASSERT_STR_EQ(key, c->key);
			ASSERT_STR_EQ(value, c->value);
			/* key and value point into the line */
			CU_ASSERT_TRUE(key >= line && key < line + sizeof(line));
			CU_ASSERT_TRUE(value >= line && value < line + sizeof(line));
		}
		if (got != c->want ||
		    (c->want == 1 && (strcmp(key, c->key) != 0 || strcmp(value, c->value) != 0)))
			fprintf(stderr, "\n  parse_line case %zu [%s]: %d [%s]=[%s]\n", i, c->line,
				got, got == 1 ? key : "", got == 1 ? value : "");
	}
}

/*
 * Regression: a quoted value followed by a comment used to keep its quotes
 * (`SOUK_DATABASE_URL="dbname=souk" # local` gave `"dbname=souk"`). Shells and
 * dotenv parsers give `dbname=souk`.
 */
static void test_parse_line_quoted_then_comment(void)
{
	char line[] = "SOUK_DATABASE_URL=\"dbname=souk\" # local database";
	char single[] = "SOUK_ENV='test' # comment";
	char *key = NULL, *value = NULL;

	CU_ASSERT_EQUAL(config_parse_line(line, &key, &value), 1);
	ASSERT_STR_EQ(key, "SOUK_DATABASE_URL");
	ASSERT_STR_EQ(value, "dbname=souk");
	CU_ASSERT_EQUAL(config_parse_line(single, &key, &value), 1);
	ASSERT_STR_EQ(value, "test");
}

static void test_defaults(void)
{
	struct souk_config cfg;
	char err[256] = "";

	CU_ASSERT_EQUAL(config_load(&cfg, "/nonexistent/dir/souk.env", err, sizeof(err)), SOUK_OK);
	ASSERT_STR_EQ(err, ""); /* the reason is only written on failure */
	ASSERT_STR_EQ(cfg.env, "development");
	ASSERT_STR_EQ(cfg.socket_path, "var/run/souk.sock");
	ASSERT_STR_EQ(cfg.pid_file, "var/run/souk-fcgi.pid");
	ASSERT_STR_EQ(cfg.scoreboard, "var/run/souk-fcgi.scoreboard");
	CU_ASSERT_EQUAL(cfg.workers, 0);
	CU_ASSERT_EQUAL(cfg.max_requests, 10000);
	CU_ASSERT_EQUAL(cfg.request_timeout, 30);
	CU_ASSERT_EQUAL(cfg.backlog, 1024);
	ASSERT_STR_EQ(cfg.user, "");
	ASSERT_STR_EQ(cfg.socket_group, "");
	ASSERT_STR_EQ(cfg.database_url, "dbname=souk");
	ASSERT_STR_EQ(cfg.redis_socket, "");
	ASSERT_STR_EQ(cfg.redis_host, "127.0.0.1");
	CU_ASSERT_EQUAL(cfg.redis_port, 6379);
	CU_ASSERT_EQUAL(cfg.body_limit, 1048576);
	ASSERT_STR_EQ(cfg.public_url, "https://127.0.0.1:8443");
	ASSERT_STR_EQ(cfg.schema_dir, "schema");
	ASSERT_STR_EQ(cfg.seed_dir, "seed");
	ASSERT_STR_EQ(cfg.storage_dir, "var/storage");
	ASSERT_STR_EQ(cfg.log_level, "info");
	config_free(&cfg);
	CU_ASSERT_PTR_NULL(cfg.env);
	CU_ASSERT_PTR_NULL(cfg.database_url);
	CU_ASSERT_PTR_NULL(cfg.log_level);
}

static void test_load_file_and_env_override(void)
{
	struct souk_config cfg;
	char err[256] = "";

	CU_ASSERT_EQUAL_FATAL(env_file_write("# souk test env\n"
					     "\n"
					     "export SOUK_ENV=test\n"
					     "SOUK_WORKERS=3\n"
					     "SOUK_BODY_LIMIT=4096\n"
					     "SOUK_DATABASE_URL=\"host=/tmp dbname=souk_test\"\n"
					     "SOUK_LOG_LEVEL=debug # chatty\n"
					     "SOUK_REDIS_PORT=6380\n"
					     "SOUK_NOT_A_SETTING=ignored\n"
					     "OTHER_TOOL=1\n"
					     "SOUK_SEED_DIR=no-newline-at-end"),
			      0);
	setenv("SOUK_WORKERS", "5", 1);
	setenv("SOUK_REDIS_HOST", "redis.internal", 1);
	CU_ASSERT_EQUAL(config_load(&cfg, env_path, err, sizeof(err)), SOUK_OK);
	ASSERT_STR_EQ(cfg.env, "test");
	CU_ASSERT_EQUAL(cfg.workers, 5); /* the environment beats the file */
	CU_ASSERT_EQUAL(cfg.body_limit, 4096);
	ASSERT_STR_EQ(cfg.database_url, "host=/tmp dbname=souk_test");
	ASSERT_STR_EQ(cfg.log_level, "debug");
	CU_ASSERT_EQUAL(cfg.redis_port, 6380);
	ASSERT_STR_EQ(cfg.redis_host, "redis.internal");
	ASSERT_STR_EQ(cfg.seed_dir, "no-newline-at-end");
	ASSERT_STR_EQ(cfg.socket_path, "var/run/souk.sock"); /* untouched default */
	CU_ASSERT_EQUAL(cfg.max_requests, 10000);
	config_free(&cfg);

	/* the environment wins even for an empty string setting */
	setenv("SOUK_LOG_LEVEL", "", 1);
	CU_ASSERT_EQUAL(config_load(&cfg, env_path, err, sizeof(err)), SOUK_OK);
	ASSERT_STR_EQ(cfg.log_level, "");
	config_free(&cfg);

	unsetenv("SOUK_WORKERS");
	unsetenv("SOUK_REDIS_HOST");
	unsetenv("SOUK_LOG_LEVEL");
	CU_ASSERT_EQUAL(config_load(&cfg, env_path, err, sizeof(err)), SOUK_OK);
	CU_ASSERT_EQUAL(cfg.workers, 3); /* back to the file's value */
	ASSERT_STR_EQ(cfg.redis_host, "127.0.0.1");
	config_free(&cfg);
	env_file_remove();
}

static void test_env_file_from_variable(void)
{
	struct souk_config cfg;
	char err[256] = "";

	CU_ASSERT_EQUAL_FATAL(env_file_write("SOUK_ENV=production\nSOUK_BACKLOG=16\n"), 0);
	setenv("SOUK_ENV_FILE", env_path, 1);
	CU_ASSERT_EQUAL(config_load(&cfg, NULL, err, sizeof(err)), SOUK_OK);
	ASSERT_STR_EQ(cfg.env, "production");
	CU_ASSERT_EQUAL(cfg.backlog, 16);
	config_free(&cfg);
	/* an explicit file wins over SOUK_ENV_FILE */
	CU_ASSERT_EQUAL(config_load(&cfg, "/nonexistent/souk.env", err, sizeof(err)), SOUK_OK);
	ASSERT_STR_EQ(cfg.env, "development");
	config_free(&cfg);
	unsetenv("SOUK_ENV_FILE");
	env_file_remove();
}

/* The development stack loosens the per-account sign-in limits; a
 * production configuration that tries to is refused, and says why. */
static void test_account_scale_not_in_production(void)
{
	struct souk_config cfg;
	char err[256] = "";

	CU_ASSERT_EQUAL_FATAL(env_file_write("SOUK_ENV=development\nSOUK_AUTH_ACCOUNT_SCALE=20\n"),
			      0);
	CU_ASSERT_EQUAL(config_load(&cfg, env_path, err, sizeof(err)), SOUK_OK);
	CU_ASSERT_EQUAL(cfg.auth_account_scale, 20);
	config_free(&cfg);
	CU_ASSERT_EQUAL_FATAL(env_file_write("SOUK_ENV=production\nSOUK_AUTH_ACCOUNT_SCALE=20\n"),
			      0);
	CU_ASSERT_EQUAL(config_load(&cfg, env_path, err, sizeof(err)), SOUK_EINVALID);
	ASSERT_STR_CONTAINS(err, "SOUK_AUTH_ACCOUNT_SCALE");
	config_free(&cfg);
	CU_ASSERT_EQUAL_FATAL(env_file_write("SOUK_ENV=production\nSOUK_AUTH_IP_SCALE=20\n"), 0);
	CU_ASSERT_EQUAL(config_load(&cfg, env_path, err, sizeof(err)), SOUK_OK);
	CU_ASSERT_EQUAL(cfg.auth_account_scale, 1);
	config_free(&cfg);
	env_file_remove();
}

/* nginx's templates are filled from the same settings: values, derived
 * names, and refusals of what would break out of a directive. */
static void test_render(void)
{
	struct souk_config cfg;
	char err[256] = "", *out = NULL;

	CU_ASSERT_EQUAL_FATAL(
	    env_file_write("SOUK_HTTP_PORT=9090\nSOUK_REQUEST_TIMEOUT=7\n"
			   "SOUK_NGINX_RATE_EXEMPT=127.0.0.0/8,::1\n"
			   "SOUK_NGINX_USER=www-data\nSOUK_NGINX_CATALOG_CACHE=0\n"),
	    0);
	CU_ASSERT_EQUAL_FATAL(config_load(&cfg, env_path, err, sizeof(err)), SOUK_OK);
	CU_ASSERT_EQUAL(
	    config_render(&cfg,
			  "listen @SOUK_HTTP_PORT@; t @SOUK_NGINX_READ_TIMEOUT@;\n"
			  "@SOUK_NGINX_USER_DIRECTIVE@ geo { @SOUK_NGINX_RATE_EXEMPT_GEO@ }\n"
			  "cache @SOUK_NGINX_CACHE_ZONE@; kc @SOUK_NGINX_KEEP_CONN@;"
			  " mail me@example.com, @SOUK_*@ stays",
			  &out, err, sizeof(err)),
	    SOUK_OK);
	ASSERT_STR_EQ(out, "listen 9090; t 12s;\nuser www-data; geo { 127.0.0.0/8 1; ::1 1; }\n"
			   "cache off; kc off; mail me@example.com, @SOUK_*@ stays");
	free(out);
	out = NULL;
	CU_ASSERT_EQUAL(config_render(&cfg, "a\nb @SOUK_NO_SUCH@", &out, err, sizeof(err)),
			SOUK_EINVALID);
	ASSERT_STR_EQ(err, "line 2: no setting named SOUK_NO_SUCH");
	CU_ASSERT_PTR_NULL(out);
	config_free(&cfg);

	/* the CSP: the site's own origin only, until Razorpay Checkout is configured */
	CU_ASSERT_EQUAL_FATAL(env_file_write(""), 0);
	CU_ASSERT_EQUAL_FATAL(config_load(&cfg, env_path, err, sizeof(err)), SOUK_OK);
	CU_ASSERT_EQUAL(config_render(&cfg, "@SOUK_NGINX_CSP@|@SOUK_NGINX_PAYMENT_POLICY@", &out,
				      err, sizeof(err)),
			SOUK_OK);
	ASSERT_STR_CONTAINS(out, "script-src 'self'; connect-src 'self'; frame-src 'none';");
	CU_ASSERT_PTR_NULL(strstr(out, "razorpay"));
	ASSERT_STR_CONTAINS(out, "|()");
	free(out);
	out = NULL;
	config_free(&cfg);
	CU_ASSERT_EQUAL_FATAL(
	    env_file_write("SOUK_RAZORPAY_KEY_ID=rzp_test_x\n"
			   "SOUK_RAZORPAY_KEY_SECRET=s\nSOUK_RAZORPAY_WEBHOOK_SECRET=w\n"),
	    0);
	CU_ASSERT_EQUAL_FATAL(config_load(&cfg, env_path, err, sizeof(err)), SOUK_OK);
	CU_ASSERT_EQUAL(config_render(&cfg, "@SOUK_NGINX_CSP@|@SOUK_NGINX_PAYMENT_POLICY@", &out,
				      err, sizeof(err)),
			SOUK_OK);
	ASSERT_STR_CONTAINS(out, "script-src 'self' https://checkout.razorpay.com "
				 "https://cdn.razorpay.com;");
	ASSERT_STR_CONTAINS(out,
			    "frame-src https://api.razorpay.com https://checkout.razorpay.com;");
	ASSERT_STR_CONTAINS(out, "frame-ancestors 'none'|(self \"https://api.razorpay.com\")");
	free(out);
	out = NULL;
	config_free(&cfg);

	/* a value that would end its directive, and a rate that is not one */
	CU_ASSERT_EQUAL_FATAL(env_file_write("SOUK_LISTEN_HOST=0.0.0.0; include /etc/passwd\n"), 0);
	CU_ASSERT_EQUAL_FATAL(config_load(&cfg, env_path, err, sizeof(err)), SOUK_OK);
	CU_ASSERT_EQUAL(config_render(&cfg, "listen @SOUK_LISTEN_HOST@;", &out, err, sizeof(err)),
			SOUK_EINVALID);
	ASSERT_STR_CONTAINS(err, "SOUK_LISTEN_HOST");
	config_free(&cfg);
	CU_ASSERT_EQUAL_FATAL(env_file_write("SOUK_API_RATE=fast\n"), 0);
	CU_ASSERT_EQUAL_FATAL(config_load(&cfg, env_path, err, sizeof(err)), SOUK_OK);
	CU_ASSERT_EQUAL(config_render(&cfg, "x", &out, err, sizeof(err)), SOUK_EINVALID);
	config_free(&cfg);
	env_file_remove();
}

struct bad_setting {
	const char *name, *value, *message;
};

static void test_out_of_range_env(void)
{
	static const struct bad_setting cases[] = {
	    {"SOUK_WORKERS", "9999",
	     "SOUK_WORKERS must be an integer between 0 and 256 (got \"9999\")"},
	    {"SOUK_WORKERS", "-1",
	     "SOUK_WORKERS must be an integer between 0 and 256 (got \"-1\")"},
	    {"SOUK_WORKERS", "four",
	     "SOUK_WORKERS must be an integer between 0 and 256 (got \"four\")"},
	    {"SOUK_WORKERS", "", "SOUK_WORKERS must be an integer between 0 and 256 (got \"\")"},
	    {"SOUK_BODY_LIMIT", "1023",
	     "SOUK_BODY_LIMIT must be an integer between 1024 and 1073741824 (got \"1023\")"},
	    {"SOUK_REDIS_PORT", "65536",
	     "SOUK_REDIS_PORT must be an integer between 1 and 65535 (got \"65536\")"},
	    {"SOUK_MAX_REQUESTS", "0",
	     "SOUK_MAX_REQUESTS must be an integer between 1 and 100000000 (got \"0\")"},
	    {"SOUK_REQUEST_TIMEOUT", "3601",
	     "SOUK_REQUEST_TIMEOUT must be an integer between 1 and 3600 (got \"3601\")"},
	    {"SOUK_BACKLOG", "15",
	     "SOUK_BACKLOG must be an integer between 16 and 65535 (got \"15\")"},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct souk_config cfg;
		char err[256] = "";

		setenv(cases[i].name, cases[i].value, 1);
		CU_ASSERT_EQUAL(config_load(&cfg, "/nonexistent/souk.env", err, sizeof(err)),
				SOUK_EINVALID);
		ASSERT_STR_EQ(err, cases[i].message);
		config_free(&cfg); /* partial results are released the usual way */
		unsetenv(cases[i].name);
	}

	/* at the bounds it is fine */
	struct souk_config cfg;
	char err[256] = "";
	setenv("SOUK_WORKERS", "256", 1);
	setenv("SOUK_BODY_LIMIT", "1024", 1);
	CU_ASSERT_EQUAL(config_load(&cfg, "/nonexistent/souk.env", err, sizeof(err)), SOUK_OK);
	CU_ASSERT_EQUAL(cfg.workers, 256);
	CU_ASSERT_EQUAL(cfg.body_limit, 1024);
	config_free(&cfg);
	unsetenv("SOUK_WORKERS");
	unsetenv("SOUK_BODY_LIMIT");
}

static void test_bad_file(void)
{
	struct souk_config cfg;
	char err[256] = "";
	char want[256];

	CU_ASSERT_EQUAL_FATAL(env_file_write("SOUK_ENV=test\n# fine\nbad key=1\nSOUK_WORKERS=2\n"),
			      0);
	CU_ASSERT_EQUAL(config_load(&cfg, env_path, err, sizeof(err)), SOUK_EINVALID);
	snprintf(want, sizeof(want), "%s:3: expected KEY=VALUE", env_path);
	ASSERT_STR_EQ(err, want);
	config_free(&cfg);
	env_file_remove();

	CU_ASSERT_EQUAL_FATAL(env_file_write("SOUK_REDIS_PORT=0\n"), 0);
	CU_ASSERT_EQUAL(config_load(&cfg, env_path, err, sizeof(err)), SOUK_EINVALID);
	ASSERT_STR_EQ(err, "SOUK_REDIS_PORT must be an integer between 1 and 65535 (got \"0\")");
	config_free(&cfg);

	/* a path that cannot be opened (not ENOENT) is an error, naming the path */
	char below_file[96];
	snprintf(below_file, sizeof(below_file), "%s/souk.env", env_path);
	err[0] = '\0';
	CU_ASSERT_NOT_EQUAL(config_load(&cfg, below_file, err, sizeof(err)), SOUK_OK);
	ASSERT_STR_CONTAINS(err, below_file);
	config_free(&cfg);
	env_file_remove();
}

static void test_error_buffer_is_bounded(void)
{
	struct souk_config cfg;
	char err[16];

	memset(err, 'Z', sizeof(err));
	setenv("SOUK_WORKERS", "99999999999999999999999999999", 1);
	CU_ASSERT_EQUAL(config_load(&cfg, "/nonexistent/souk.env", err, sizeof(err)),
			SOUK_EINVALID);
	CU_ASSERT_EQUAL(err[sizeof(err) - 1], '\0');
	CU_ASSERT_EQUAL(strncmp(err, "SOUK_WORKERS mu", 15), 0);
	config_free(&cfg);
	unsetenv("SOUK_WORKERS");
}

static void test_worker_count(void)
{
	struct souk_config cfg;
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);

	memset(&cfg, 0, sizeof(cfg));
	cfg.workers = 0;
	CU_ASSERT_EQUAL(config_worker_count(&cfg), cpus > 0 ? 2 * cpus : 2);
	cfg.workers = 7;
	CU_ASSERT_EQUAL(config_worker_count(&cfg), 7);
	cfg.workers = 1;
	CU_ASSERT_EQUAL(config_worker_count(&cfg), 1);
	cfg.workers = 256;
	CU_ASSERT_EQUAL(config_worker_count(&cfg), 256);
}

static void test_no_leaks_between_tests(void)
{
	/* every test above unset what it set */
	int souk_vars = 0;

	for (char **e = environ; *e != NULL; e++)
		if (strncmp(*e, "SOUK_", 5) == 0)
			souk_vars++;
	CU_ASSERT_EQUAL(souk_vars, 0);
}

int suite_config(void)
{
	static const struct unit_test tests[] = {
	    {"parse_line", test_parse_line},
	    {"parse_line: quoted value before a comment", test_parse_line_quoted_then_comment},
	    {"defaults when no file and no environment", test_defaults},
	    {"env file, then the environment on top", test_load_file_and_env_override},
	    {"SOUK_ENV_FILE names the file", test_env_file_from_variable},
	    {"SOUK_AUTH_ACCOUNT_SCALE is refused in production",
	     test_account_scale_not_in_production},
	    {"render: nginx templates from the settings", test_render},
	    {"out-of-range numbers name the setting", test_out_of_range_env},
	    {"malformed and unreadable files", test_bad_file},
	    {"the error message respects errlen", test_error_buffer_is_bounded},
	    {"worker count: 0 means 2 x CPUs", test_worker_count},
	    {"no SOUK_* variable leaks out of the tests", test_no_leaks_between_tests},
	    {NULL, NULL},
	};

	return tests_register("config", config_suite_init, config_suite_cleanup, tests);
}
