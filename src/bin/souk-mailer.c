/*
 * souk-mailer - sends the e-mail outbox (include/souk/mail.h, src/mail/).
 *
 *   souk-mailer [--env-file FILE] --once      send what is due, then exit (cron)
 *   souk-mailer [--env-file FILE] --loop      keep sending: wakes on the outbox's
 *                                              NOTIFY souk_mail, and every 30 s
 *   souk-mailer [--env-file FILE] preview NAME
 *                                              the message NAME makes from
 *                                              templates/email/fixtures/NAME.json
 *   souk-mailer [--env-file FILE] show ID      outbox message ID as its
 *                                              recipient reads it (./souk mail show)
 *
 * Several mailers may run at once (rows are claimed with FOR UPDATE SKIP
 * LOCKED). Exit status: 0; 1 when PostgreSQL could not be reached (--once) or
 * the preview cannot be made; 2 for bad usage or settings. SIGTERM ends
 * --loop after the message in hand.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "souk/arena.h"
#include "souk/config.h"
#include "souk/db.h"
#include "souk/err.h"
#include "souk/fileutil.h"
#include "souk/json.h"
#include "souk/log.h"
#include "souk/mail.h"
#include "souk/worker.h"

#define BATCH 20
#define ONCE_MAX_BATCHES 1000 /* --once sends at most 20,000 messages a run */
#define POLL_S 30

static volatile sig_atomic_t stopping;

static void on_signal(int sig)
{
	(void)sig;
	stopping = 1;
}

static void usage(FILE *out)
{
	fprintf(out, "usage: souk-mailer [--env-file FILE] --once | --loop | preview TEMPLATE | "
		     "show ID\n");
}

/* Sends batches until none is due (or the bound). 0, or 1 when PostgreSQL
 * failed. */
static int drain(struct worker *w, long *total)
{
	for (int i = 0; i < ONCE_MAX_BATCHES && !stopping; i++) {
		struct mail_counts c;
		int rc = mail_deliver(w, BATCH, &c);

		arena_reset(&w->arena);
		if (rc != SOUK_OK)
			return 1;
		*total += c.sent;
		if (c.claimed > 0)
			log_msg(LOG_INFO,
				"souk-mailer: %ld claimed, %ld sent, %ld to try again, %ld failed, "
				"%ld waiting",
				c.claimed, c.sent, c.retried, c.failed, c.waiting);
		if (c.claimed < BATCH)
			return 0;
	}
	return 0;
}

/* LISTEN on the current connection (again after a reconnect): 1 when it
 * was listening already, 2 when it just began (mail queued meanwhile was not
 * announced: look again before waiting), 0 when PostgreSQL is away. */
static int listen_on(struct worker *w, unsigned long *generation)
{
	if (w->db.conn != NULL && PQstatus(w->db.conn) == CONNECTION_OK &&
	    w->db.generation == *generation)
		return 1;
	if (db_exec_sql(&w->db, &w->arena, "LISTEN souk_mail", 0, NULL, NULL) != SOUK_OK) {
		arena_reset(&w->arena);
		return 0;
	}
	arena_reset(&w->arena);
	*generation = w->db.generation;
	return 2;
}

/* Waits for a NOTIFY or POLL_S seconds (or SIGTERM). */
static void wait_for_mail(struct worker *w)
{
	PGnotify *n;
	int fd = w->db.conn != NULL ? PQsocket(w->db.conn) : -1;
	bool queued = false;

	/* a NOTIFY that came in with the answer to an earlier query waits in
	 * libpq's queue, not on the socket */
	while (fd >= 0 && (n = PQnotifies(w->db.conn)) != NULL) {
		queued = true;
		PQfreemem(n);
	}
	if (queued)
		return;
	for (int waited = 0; waited < POLL_S && !stopping; waited++) {
		struct pollfd p = {.fd = fd, .events = POLLIN};

		if (fd < 0) {
			sleep(1);
			continue;
		}
		if (poll(&p, 1, 1000) > 0) {
			if (PQconsumeInput(w->db.conn) == 0)
				return; /* the connection broke: db reconnects at the next query */
			bool woke = false;

			while ((n = PQnotifies(w->db.conn)) != NULL) {
				woke = true;
				PQfreemem(n);
			}
			if (woke)
				return;
		}
	}
}

static int run_loop(struct worker *w)
{
	unsigned long generation = 0;
	long total = 0;

	log_msg(LOG_INFO, "souk-mailer: sending by %s, waiting for mail",
		mail_transport_name(w->config));
	while (!stopping) {
		int listening;

		drain(w, &total);
		listening = listen_on(w, &generation);
		if (listening == 0)
			sleep(2); /* PostgreSQL is away: try again shortly */
		else if (listening == 1)
			wait_for_mail(w);
	}
	log_msg(LOG_INFO, "souk-mailer: stopped after sending %ld", total);
	return 0;
}

static int preview(struct worker *w, const char *name)
{
	const char *why = NULL;
	char *text = NULL, *msg = NULL;
	size_t len = 0;
	cJSON *data = NULL;
	struct mail_message m;
	int rc = file_read_all(
	    &w->arena,
	    arena_printf(&w->arena, "%s/email/fixtures/%s.json", w->config->template_dir, name),
	    256 * 1024, &text, &len);

	if (rc != SOUK_OK) {
		fprintf(stderr, "souk-mailer: no fixture data for %s (templates/email/fixtures/)\n",
			name);
		return 1;
	}
	if (json_parse_object(&w->arena, text, len, &data, &why) != SOUK_OK) {
		fprintf(stderr, "souk-mailer: the fixture of %s is not a JSON object: %s\n", name,
			why);
		return 1;
	}
	rc = mail_compose(w, &w->arena, name, "preview@example.com", data, "0", time(NULL), &m,
			  &why);
	if (rc == SOUK_OK)
		rc = mail_mime_build(&w->arena, &m, &msg, &len);
	if (rc != SOUK_OK) {
		fprintf(stderr, "souk-mailer: %s: %s\n", name,
			why != NULL ? why : "cannot be built");
		return 1;
	}
	fwrite(msg, 1, len, stdout);
	return 0;
}

static int show(struct worker *w, const char *id)
{
	const char *status = NULL, *error = NULL, *why = NULL;
	struct mail_message m;
	struct mail_row row;
	cJSON *data = NULL;
	int rc = mail_row_get(&w->db, &w->arena, id, &row, &status, &error);

	if (rc != SOUK_OK) {
		fprintf(stderr, "souk-mailer: %s\n",
			rc == SOUK_ENOTFOUND ? "no such message" : "PostgreSQL cannot be reached");
		return 1;
	}
	printf("Message %s (%s) to %s: %s after %ld attempt(s)%s%s\n", row.id, row.template_name,
	       row.recipient, status, row.attempts, error != NULL ? "; last error: " : "",
	       error != NULL ? error : "");
	rc = json_parse_object(&w->arena, row.data, strlen(row.data), &data, &why);
	if (rc == SOUK_OK)
		rc = mail_compose(w, &w->arena, row.template_name, row.recipient, data, row.id,
				  time(NULL), &m, &why);
	if (rc != SOUK_OK) {
		fprintf(stderr, "souk-mailer: it cannot be made: %s\n", why != NULL ? why : "?");
		return 1;
	}
	printf("Subject: %s\n\n%s\n", m.subject, m.text);
	return 0;
}

int main(int argc, char **argv)
{
	const char *env_file = NULL, *mode = NULL, *name = NULL;
	struct souk_config cfg;
	struct worker w;
	char err[256];
	long total = 0;
	int i = 1, rc;

	if (i + 1 < argc && strcmp(argv[i], "--env-file") == 0) {
		env_file = argv[i + 1];
		i += 2;
	}
	if (i < argc && (strcmp(argv[i], "--once") == 0 || strcmp(argv[i], "--loop") == 0) &&
	    i + 1 == argc)
		mode = argv[i];
	else if (i + 2 == argc && (strcmp(argv[i], "preview") == 0 || strcmp(argv[i], "show") == 0))
		mode = argv[i], name = argv[i + 1];
	else if (i < argc && strcmp(argv[i], "--help") == 0)
		return usage(stdout), 0;
	if (mode == NULL) {
		usage(stderr);
		return 2;
	}
	if (config_load(&cfg, env_file, err, sizeof(err)) != SOUK_OK) {
		fprintf(stderr, "souk-mailer: configuration: %s\n", err);
		return 2;
	}
	if (name == NULL && mail_transport_check(&cfg, err, sizeof(err)) != SOUK_OK) {
		fprintf(stderr, "souk-mailer: configuration: %s\n", err);
		config_free(&cfg);
		return 2;
	}
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
	signal(SIGPIPE, SIG_IGN);
	worker_init(&w, &cfg, -1);
	if (name != NULL && strcmp(mode, "show") == 0)
		rc = show(&w, name);
	else if (name != NULL)
		rc = preview(&w, name);
	else if (strcmp(mode, "--loop") == 0)
		rc = run_loop(&w);
	else
		rc = drain(&w, &total);
	worker_destroy(&w);
	config_free(&cfg);
	return rc;
}
