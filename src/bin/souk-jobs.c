/*
 * souk-jobs - the shop's scheduled jobs (include/souk/jobs.h).
 *
 *   souk-jobs [--env-file FILE] JOB...|all          run each once (cron)
 *   souk-jobs [--env-file FILE] --every SECONDS JOB...|all
 *                                                   run them again every SECONDS
 *                                                   until SIGTERM (./souk up)
 *
 * Exit status: 0 when every job ran or was skipped (another run held it),
 * 1 when one failed (the others still ran), 2 for bad usage or settings.
 * One log line per job run: its name, result and summary.
 */
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "souk/config.h"
#include "souk/err.h"
#include "souk/jobs.h"
#include "souk/log.h"
#include "souk/str.h"
#include "souk/worker.h"

static volatile sig_atomic_t stopping;

static void on_signal(int sig)
{
	(void)sig;
	stopping = 1;
}

static void usage(FILE *out)
{
	fprintf(out, "usage: souk-jobs [--env-file FILE] [--every SECONDS] JOB...|all\n"
		     "jobs (all runs them in this order):\n");
	jobs_usage(out);
}

static bool known(const char *name)
{
	for (size_t i = 0; jobs_names[i] != NULL; i++)
		if (strcmp(jobs_names[i], name) == 0)
			return true;
	return strcmp(name, "all") == 0;
}

static int run_one(struct worker *w, const char *name)
{
	char summary[200];
	int rc = jobs_run(w, name, summary, sizeof(summary));

	if (rc == SOUK_OK || rc == SOUK_ECONFLICT) {
		log_msg(LOG_INFO, "souk-jobs: %s: %s", name, summary);
		return 0;
	}
	log_msg(LOG_ERROR, "souk-jobs: %s failed (%s)%s%s", name, souk_err_http(rc)->code,
		summary[0] != '\0' ? " after " : "", summary);
	return 1;
}

static int run_all(struct worker *w, char **names, int n)
{
	int failed = 0;

	for (int i = 0; i < n && !stopping; i++) {
		if (strcmp(names[i], "all") == 0)
			for (size_t j = 0; jobs_names[j] != NULL && !stopping; j++)
				failed |= run_one(w, jobs_names[j]);
		else
			failed |= run_one(w, names[i]);
	}
	return failed;
}

int main(int argc, char **argv)
{
	const char *env_file = NULL;
	struct souk_config cfg;
	struct worker w;
	char err[256];
	long every = 0;
	int i = 1, failed;

	while (i < argc && strncmp(argv[i], "--", 2) == 0) {
		if (strcmp(argv[i], "--env-file") == 0 && i + 1 < argc) {
			env_file = argv[i + 1];
			i += 2;
		} else if (strcmp(argv[i], "--every") == 0 && i + 1 < argc &&
			   str_to_long(argv[i + 1], 1, 86400, &every) == SOUK_OK) {
			i += 2;
		} else if (strcmp(argv[i], "--help") == 0) {
			usage(stdout);
			return 0;
		} else {
			usage(stderr);
			return 2;
		}
	}
	if (i >= argc) {
		usage(stderr);
		return 2;
	}
	for (int k = i; k < argc; k++)
		if (!known(argv[k])) {
			fprintf(stderr, "souk-jobs: no job called %s\n", argv[k]);
			usage(stderr);
			return 2;
		}
	if (config_load(&cfg, env_file, err, sizeof(err)) != SOUK_OK) {
		fprintf(stderr, "souk-jobs: configuration: %s\n", err);
		return 2;
	}
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
	signal(SIGPIPE, SIG_IGN);
	worker_init(&w, &cfg, -1);
	failed = run_all(&w, argv + i, argc - i);
	while (every > 0 && !stopping) {
		/* sleep in steps so that SIGTERM ends the wait at once */
		for (long s = 0; s < every && !stopping; s++)
			sleep(1);
		if (!stopping)
			failed = run_all(&w, argv + i, argc - i);
	}
	worker_destroy(&w);
	config_free(&cfg);
	return failed ? 1 : 0;
}
