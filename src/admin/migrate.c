/* migrate.c - the migration runner; see include/souk/admin.h. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "souk/admin.h"
#include "souk/arena.h"
#include "souk/config.h"
#include "souk/crypto.h"
#include "souk/db.h"
#include "souk/err.h"
#include "souk/fileutil.h"

/* Any fixed number: serialises migration runs across processes. */
#define MIGRATE_LOCK_KEY "7350001"

static const char SQL_CREATE_TABLE[] = "CREATE TABLE IF NOT EXISTS schema_migrations ("
				       " name text PRIMARY KEY,"
				       " checksum char(64) NOT NULL,"
				       " applied_at timestamptz NOT NULL DEFAULT now())";
static const char SQL_LOCK[] = "SELECT pg_advisory_lock(" MIGRATE_LOCK_KEY ")";
static const char SQL_UNLOCK[] = "SELECT pg_advisory_unlock(" MIGRATE_LOCK_KEY ")";
static const char SQL_APPLIED[] =
    "SELECT name, checksum, to_char(applied_at AT TIME ZONE 'UTC', "
    "'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') FROM schema_migrations ORDER BY name";
static const char SQL_RECORD[] = "INSERT INTO schema_migrations (name, checksum) VALUES ($1, $2)";

struct migration {
	char *name;
	char *sql; /* file contents */
	char checksum[CRYPTO_SHA256_HEX_LEN + 1];
	const char *applied_checksum; /* NULL when pending */
	const char *applied_at;
};

/* Reads schema_dir/NNN_*.sql in name order into the arena. */
static int migrations_load(struct arena *a, const char *dir, struct migration **out, size_t *n,
			   FILE *msg)
{
	size_t count = 0;
	char **names = NULL;
	int rc = file_list_sql(a, dir, &names, &count);

	if (rc != SOUK_OK) {
		fprintf(msg, "souk-admin: cannot read migrations in %s: %s\n", dir,
			strerror(errno));
		return rc;
	}
	struct migration *m = arena_alloc(a, (count + 1) * sizeof(*m));

	for (size_t i = 0; i < count; i++) {
		size_t len;
		char *path = arena_printf(a, "%s/%s", dir, names[i]);

		m[i].name = names[i];
		if (file_read_all(a, path, 64 * 1024 * 1024, &m[i].sql, &len) != SOUK_OK) {
			fprintf(msg, "souk-admin: cannot read %s\n", path);
			return SOUK_EIO;
		}
		crypto_sha256_hex(m[i].sql, len, m[i].checksum);
	}
	*out = m;
	*n = count;
	return SOUK_OK;
}

/* Prepares the table, takes the lock, loads files and what was applied. */
static int migrate_begin(struct db *db, struct arena *a, const struct souk_config *cfg,
			 struct migration **ms, size_t *n, PGresult **applied, FILE *msg)
{
	int rc = migrations_load(a, cfg->schema_dir, ms, n, msg);

	if (rc == SOUK_OK)
		rc = db_exec_sql(db, a, SQL_LOCK, 0, NULL, NULL);
	if (rc == SOUK_OK)
		rc = db_exec_sql(db, a, SQL_CREATE_TABLE, 0, NULL, NULL);
	if (rc == SOUK_OK)
		rc = db_exec_sql(db, a, SQL_APPLIED, 0, NULL, applied);
	if (rc != SOUK_OK) {
		if (rc != SOUK_EIO)
			fprintf(msg, "souk-admin: database: %s\n", db->message);
		return rc;
	}
	for (int r = 0; r < PQntuples(*applied); r++)
		for (size_t i = 0; i < *n; i++)
			if (strcmp((*ms)[i].name, PQgetvalue(*applied, r, 0)) == 0) {
				(*ms)[i].applied_checksum = PQgetvalue(*applied, r, 1);
				(*ms)[i].applied_at = PQgetvalue(*applied, r, 2);
			}
	return SOUK_OK;
}

/* Applied names that have no file any more. */
static bool applied_missing(PGresult *applied, int row, const struct migration *ms, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(ms[i].name, PQgetvalue(applied, row, 0)) == 0)
			return false;
	return true;
}

static int migrate_check(PGresult *applied, const struct migration *ms, size_t n, FILE *msg)
{
	const char *last_applied = NULL;
	int rc = SOUK_OK;

	for (int r = 0; r < PQntuples(applied); r++)
		if (applied_missing(applied, r, ms, n)) {
			fprintf(msg,
				"souk-admin: migration %s was applied but its file is missing from "
				"the schema directory\n",
				PQgetvalue(applied, r, 0));
			rc = SOUK_ECONFLICT;
		}
	for (size_t i = 0; i < n; i++) {
		if (ms[i].applied_checksum == NULL)
			continue;
		last_applied = ms[i].name;
		if (strcmp(ms[i].applied_checksum, ms[i].checksum) != 0) {
			fprintf(msg,
				"souk-admin: migration %s was changed after it was applied "
				"(recorded sha256 %.12s…, file now %.12s…). Applied migrations are "
				"never edited: restore the file and add a new migration instead.\n",
				ms[i].name, ms[i].applied_checksum, ms[i].checksum);
			rc = SOUK_ECONFLICT;
		}
	}
	for (size_t i = 0; i < n && last_applied != NULL; i++)
		if (ms[i].applied_checksum == NULL && strcmp(ms[i].name, last_applied) < 0) {
			fprintf(msg,
				"souk-admin: migration %s is new but sorts before %s, which is "
				"already applied; renumber it after the last applied migration.\n",
				ms[i].name, last_applied);
			rc = SOUK_ECONFLICT;
		}
	return rc;
}

static int migrate_apply_one(struct db *db, struct arena *a, const struct migration *m, FILE *msg)
{
	const char *params[] = {m->name, m->checksum};
	int rc = db_begin(db, a);

	if (rc == SOUK_OK)
		rc = db_exec_sql(db, a, m->sql, 0, NULL, NULL);
	if (rc == SOUK_OK)
		rc = db_exec_sql(db, a, SQL_RECORD, 2, params, NULL);
	if (rc == SOUK_OK)
		rc = db_commit(db, a);
	if (rc != SOUK_OK) {
		fprintf(msg, "souk-admin: migration %s failed and was rolled back:\n  %s\n",
			m->name, db->message);
		db_rollback(db, a);
		return rc;
	}
	fprintf(msg, "applied %s\n", m->name);
	return SOUK_OK;
}

int admin_migrate(struct db *db, const struct souk_config *cfg, FILE *msg)
{
	struct arena a;
	struct migration *ms = NULL;
	PGresult *applied = NULL;
	size_t n = 0, done = 0;
	int rc;

	arena_init(&a, 64 * 1024);
	rc = migrate_begin(db, &a, cfg, &ms, &n, &applied, msg);
	if (rc == SOUK_OK)
		rc = migrate_check(applied, ms, n, msg);
	for (size_t i = 0; rc == SOUK_OK && i < n; i++)
		if (ms[i].applied_checksum == NULL) {
			rc = migrate_apply_one(db, &a, &ms[i], msg);
			done += rc == SOUK_OK;
		}
	if (rc == SOUK_OK)
		fprintf(msg,
			done ? "migrations: %zu applied, %zu in all\n"
			     : "migrations: up to date (%zu applied before, %zu in all)\n",
			done ? done : n, n);
	if (db->conn != NULL)
		(void)db_exec_sql(db, &a, SQL_UNLOCK, 0, NULL, NULL);
	arena_destroy(&a);
	return rc;
}

int admin_migrate_status(struct db *db, const struct souk_config *cfg, FILE *msg)
{
	struct arena a;
	struct migration *ms = NULL;
	PGresult *applied = NULL;
	size_t n = 0;
	int rc;

	arena_init(&a, 64 * 1024);
	rc = migrate_begin(db, &a, cfg, &ms, &n, &applied, msg);
	if (rc == SOUK_OK) {
		for (size_t i = 0; i < n; i++) {
			const struct migration *m = &ms[i];

			if (m->applied_checksum == NULL)
				fprintf(msg, "pending  %s\n", m->name);
			else if (strcmp(m->applied_checksum, m->checksum) != 0)
				fprintf(msg, "CHANGED  %s (applied %s, file edited since)\n",
					m->name, m->applied_at);
			else
				fprintf(msg, "applied  %s (%s)\n", m->name, m->applied_at);
		}
		for (int r = 0; r < PQntuples(applied); r++)
			if (applied_missing(applied, r, ms, n))
				fprintf(msg, "MISSING  %s (applied, file gone)\n",
					PQgetvalue(applied, r, 0));
		rc = migrate_check(applied, ms, n, msg);
	}
	if (db->conn != NULL)
		(void)db_exec_sql(db, &a, SQL_UNLOCK, 0, NULL, NULL);
	arena_destroy(&a);
	return rc;
}
