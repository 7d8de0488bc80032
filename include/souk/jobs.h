/*
 * jobs.h - the scheduled jobs of souk-jobs (src/jobs/jobs.c), run by cron
 * (`souk-jobs JOB...`) or, for ./souk up, by `souk-jobs --every SECONDS`.
 *
 * Each job is a bounded batch of work done through the module that owns it
 * (commerce: orders, webhooks, refunds, invoices; cleanup: auth, users,
 * mail and commerce); a job run holds a PostgreSQL advisory lock named
 * after the job, so two runs of one job (overlapping cron lines, two hosts)
 * never work at once: the second one skips. A job that finds more work than one batch does the next
 * batch in the same run, up to JOBS_MAX_BATCHES.
 */
#ifndef SOUK_JOBS_H
#define SOUK_JOBS_H

#include <stddef.h>
#include <stdio.h>

struct worker;

#define JOBS_BATCH 100	    /* rows per batch */
#define JOBS_MAX_BATCHES 50 /* batches per run: a run is bounded */

/* The names of the jobs, NULL-terminated, in the order "all" runs them. */
extern const char *const jobs_names[];

/* One line of help per job on out. */
void jobs_usage(FILE *out);

/*
 * Runs the job called name on w (configured, not yet connected is fine).
 * SOUK_OK with a one-line summary ("cancelled 3 orders") in summary[size];
 * SOUK_ENOTFOUND for an unknown name; SOUK_ECONFLICT when another run
 * holds the job's lock (skipped); otherwise the failure that ended the run
 * (SOUK_EDB, SOUK_EUPSTREAM, ...), the summary telling how far it got.
 */
int jobs_run(struct worker *w, const char *name, char *summary, size_t size);

#endif
