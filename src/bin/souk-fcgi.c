/* souk-fcgi - the FastCGI worker pool. main() only; see include/souk/server.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "souk/config.h"
#include "souk/err.h"
#include "souk/server.h"

/* --render: the template, filled in, on stdout; 0, or 2 with the reason. */
static int render_template(const struct souk_config *cfg, const char *path)
{
	char err[256] = "", *text = NULL, *out = NULL;
	size_t n = 0;
	FILE *f = fopen(path, "r");
	int rc;

	if (f == NULL) {
		fprintf(stderr, "souk-fcgi: cannot read %s\n", path);
		return 2;
	}
	text = calloc(1, 4 << 20);
	if (text != NULL)
		n = fread(text, 1, (4 << 20) - 1, f);
	fclose(f);
	if (text == NULL || n == (4 << 20) - 1) {
		fprintf(stderr, "souk-fcgi: %s: too large\n", path);
		free(text);
		return 2;
	}
	rc = config_render(cfg, text, &out, err, sizeof(err));
	free(text);
	if (rc != SOUK_OK) {
		fprintf(stderr, "souk-fcgi: %s: %s\n", path, err);
		return 2;
	}
	fputs(out, stdout);
	free(out);
	return ferror(stdout) ? 1 : 0;
}

static void usage(FILE *out)
{
	fprintf(
	    out,
	    "usage: souk-fcgi [--env-file FILE]            run the pool in the foreground\n"
	    "       souk-fcgi [--env-file FILE] --status [--json]\n"
	    "                                               print the running pool's state\n"
	    "       souk-fcgi [--env-file FILE] --get SOUK_NAME\n"
	    "                                               print one effective setting\n"
	    "       souk-fcgi [--env-file FILE] --render TEMPLATE\n"
	    "                                               print TEMPLATE (nginx/*.in) with its\n"
	    "                                               @SOUK_*@ names filled in\n"
	    "       souk-fcgi --version\n"
	    "Settings come from SOUK_* variables and the env file (default ./souk.env).\n");
}

int main(int argc, char **argv)
{
	const char *env_file = NULL, *get = NULL, *render = NULL;
	int status = 0, json = 0, rc;
	struct souk_config cfg;
	char err[256];

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--env-file") == 0 && i + 1 < argc) {
			env_file = argv[++i];
		} else if (strcmp(argv[i], "--status") == 0) {
			status = 1;
		} else if (strcmp(argv[i], "--get") == 0 && i + 1 < argc) {
			get = argv[++i];
		} else if (strcmp(argv[i], "--render") == 0 && i + 1 < argc) {
			render = argv[++i];
		} else if (strcmp(argv[i], "--json") == 0) {
			json = 1;
		} else if (strcmp(argv[i], "--version") == 0) {
			printf("souk-fcgi %s\n", PACKAGE_VERSION);
			return 0;
		} else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			usage(stdout);
			return 0;
		} else {
			usage(stderr);
			return 2;
		}
	}
	if (config_load(&cfg, env_file, err, sizeof(err)) != SOUK_OK) {
		fprintf(stderr, "souk-fcgi: configuration: %s\n", err);
		return 2;
	}
	if (get != NULL) {
		char value[4096];

		rc = config_get(&cfg, get, value, sizeof(value));
		if (rc == SOUK_OK)
			printf("%s\n", value);
		else
			fprintf(stderr, "souk-fcgi: no setting named %s\n", get);
		config_free(&cfg);
		return rc == SOUK_OK ? 0 : 2;
	}
	if (render != NULL) {
		rc = render_template(&cfg, render);
		config_free(&cfg);
		return rc;
	}
	if (status) {
		const struct scoreboard *sb;

		rc = scoreboard_open(cfg.scoreboard, &sb);
		if (rc != SOUK_OK) {
			fprintf(stderr, "souk-fcgi: no pool status at %s (is it running?)\n",
				cfg.scoreboard);
			config_free(&cfg);
			return 1;
		}
		scoreboard_print(sb, stdout, json);
		config_free(&cfg);
		return sb->master_pid > 0 ? 0 : 1;
	}
	/* once, before the workers fork: libcurl's global state is not for
	 * lazy initialisation in each process (sign-in calls the providers) */
	curl_global_init(CURL_GLOBAL_DEFAULT);
	rc = pool_run(&cfg, env_file);
	curl_global_cleanup();
	config_free(&cfg);
	return rc;
}
