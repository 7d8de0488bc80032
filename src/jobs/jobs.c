/*
 * jobs.c - the table of scheduled jobs and the run of one; see
 * include/souk/jobs.h. The work itself lives in the modules that own the
 * tables (src/commerce/): this file only names, bounds and serialises it.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "souk/arena.h"
#include "souk/auth.h"
#include "souk/cms.h"
#include "souk/commerce.h"
#include "souk/db.h"
#include "souk/err.h"
#include "souk/jobs.h"
#include "souk/log.h"
#include "souk/mail.h"
#include "souk/users.h"
#include "souk/worker.h"

/* A job does one batch: *done counts what it did, *other another figure.
 * A repeating job's batch takes its rows out of the next batch's reach
 * (cancelled, processed, rendered), so a full batch means there may be
 * more; reconcile leaves still-pending orders where they were, so it does
 * one batch a run. */
struct job {
	const char *name;
	const char *help;
	int (*batch)(struct worker *w, struct arena *a, long *done, long *other);
	const char *done_label, *other_label;
	bool repeat;
};

static int expire_batch(struct worker *w, struct arena *a, long *done, long *other)
{
	*other = 0;
	return orders_expire(w, a, JOBS_BATCH, done);
}

static int reconcile_batch(struct worker *w, struct arena *a, long *done, long *other)
{
	long refunds = 0;
	/* done: orders looked at (the batch size); other: paid now */
	int rc = orders_reconcile(w, a, 5 * JOBS_BATCH, done, other);

	if (rc == SOUK_OK)
		rc = refunds_reconcile(w, a, JOBS_BATCH, &refunds);
	*other += refunds;
	return rc;
}

static int webhooks_batch(struct worker *w, struct arena *a, long *done, long *other)
{
	long processed = 0;
	int rc = webhooks_retry(w, a, JOBS_BATCH, &processed, other);

	*done = processed + *other;
	*other = processed;
	return rc;
}

static int invoices_batch(struct worker *w, struct arena *a, long *done, long *other)
{
	*other = 0;
	return invoices_render(w, a, JOBS_BATCH, done);
}

/* Rows past keeping, and Redis keys a crash left without their expiry; the
 * download links need nothing (signed URLs, no rows: download_log is the
 * download limit's count and stays). */
static int cleanup_batch(struct worker *w, struct arena *a, long *done, long *other)
{
	long refresh = 0, tokens = 0, mail = 0, orders = 0, carts = 0, codes = 0;
	int rc = session_cleanup(w, a, JOBS_BATCH, &refresh);

	if (rc == SOUK_OK)
		rc = users_tokens_cleanup(&w->db, a, JOBS_BATCH, &tokens);
	if (rc == SOUK_OK)
		rc = mail_cleanup(&w->db, a, JOBS_BATCH, &mail);
	if (rc == SOUK_OK)
		rc = orders_cleanup(w, a, JOBS_BATCH, &orders);
	if (rc == SOUK_OK)
		rc = cart_cleanup(w, a, &carts);
	if (rc == SOUK_OK)
		rc = otp_cleanup(w, a, &codes);
	if (refresh + tokens + mail + orders + carts + codes > 0)
		log_msg(LOG_INFO,
			"cleanup: deleted %ld refresh tokens, %ld e-mail tokens, %ld e-mails, "
			"%ld abandoned orders; gave %ld carts and %ld one-time codes their expiry",
			refresh, tokens, mail, orders, carts, codes);
	/* a full step means more of it: the sum reaches the batch size then */
	*done = refresh + tokens + mail + orders;
	*other = carts + codes;
	return rc;
}

static int publish_batch(struct worker *w, struct arena *a, long *done, long *other)
{
	*other = 0;
	return cms_blog_publish_due(w, a, done);
}

static int rollup_batch(struct worker *w, struct arena *a, long *done, long *other)
{
	*other = 0;
	return cms_metrics_rollup(w, a, done);
}

static const struct job jobs[] = {
    {"reconcile",
     "ask Razorpay about orders pending 10 min to 3 days and pending refunds; fulfil what "
     "was captured",
     reconcile_batch, "orders checked", "settled", false},
    {"expire-orders", "cancel orders still unpaid after 24 hours (after a last look)", expire_batch,
     "orders cancelled", NULL, true},
    {"webhooks", "process again the Razorpay events kept after a failure (with back-off)",
     webhooks_batch, "events tried", "processed", true},
    {"invoices", "render new invoices and credit notes to PDF and store them", invoices_batch,
     "documents rendered", NULL, true},
    {"cleanup",
     "delete expired sessions and e-mail tokens, old sent mail and abandoned orders; "
     "expire stray carts and codes",
     cleanup_batch, "rows deleted", "Redis keys given an expiry", true},
    {"publish", "show scheduled blog posts whose time has come (retire the cached pages)",
     publish_batch, "posts published", NULL, false},
    {"rollup",
     "move the page-view and search counters of the last three days from Redis "
     "into PostgreSQL",
     rollup_batch, "rows written", NULL, false},
};

#define NJOBS (sizeof(jobs) / sizeof(jobs[0]))

const char *const jobs_names[] = {
    "reconcile", "expire-orders", "webhooks", "invoices", "cleanup", "publish", "rollup", NULL,
};

void jobs_usage(FILE *out)
{
	for (size_t i = 0; i < NJOBS; i++)
		fprintf(out, "  %-14s %s\n", jobs[i].name, jobs[i].help);
}

/* retried on a fresh connection after PostgreSQL restarted: a lock held by a
 * connection that is gone is gone with it. (A reconnect in the middle of a run
 * loses the lock the same way; every job is safe to run twice at once, the
 * lock only saves the work.) */
static struct db_statement lock_try = {
    .name = "jobs_lock_try",
    .sql = "SELECT pg_try_advisory_lock(hashtext('souk-jobs:' || $1))",
    .nparams = 1,
    .flags = DB_READONLY,
};

static struct db_statement lock_release = {
    .name = "jobs_lock_release",
    .sql = "SELECT pg_advisory_unlock(hashtext('souk-jobs:' || $1))",
    .nparams = 1,
};

int jobs_run(struct worker *w, const char *name, char *summary, size_t size)
{
	const struct job *job = NULL;
	const char *params[] = {name};
	long done = 0, other = 0;
	PGresult *r = NULL;
	int rc, batches = 0;

	snprintf(summary, size, "%s", "");
	for (size_t i = 0; i < NJOBS; i++)
		if (strcmp(jobs[i].name, name) == 0)
			job = &jobs[i];
	if (job == NULL)
		return SOUK_ENOTFOUND;
	rc = db_exec(&w->db, &w->arena, &lock_try, params, &r);
	if (rc != SOUK_OK)
		return rc;
	if (PQgetvalue(r, 0, 0)[0] != 't') {
		snprintf(summary, size, "skipped: another run holds its lock");
		arena_reset(&w->arena);
		return SOUK_ECONFLICT;
	}
	for (;;) {
		long d = 0, o = 0;

		rc = job->batch(w, &w->arena, &d, &o);
		arena_reset(&w->arena);
		done += d;
		other += o;
		if (rc != SOUK_OK || !job->repeat || d < JOBS_BATCH ||
		    ++batches >= JOBS_MAX_BATCHES)
			break;
	}
	if (job->other_label != NULL)
		snprintf(summary, size, "%ld %s, %ld %s", done, job->done_label, other,
			 job->other_label);
	else
		snprintf(summary, size, "%ld %s", done, job->done_label);
	if (db_exec(&w->db, &w->arena, &lock_release, params, NULL) != SOUK_OK)
		log_msg(LOG_WARN, "jobs: the lock of %s is released with the connection", name);
	arena_reset(&w->arena);
	return rc;
}
