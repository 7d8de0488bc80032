/* db.c - lazy PGconn, prepare-on-first-use, SQLSTATE mapping. */
#include "souk/db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "souk/arena.h"
#include "souk/err.h"
#include "souk/log.h"

/* Statements this process has numbered so far (process-wide: the number of
 * a statement is the same for every connection, and each connection keeps
 * its own record of which numbers it has prepared). */
static unsigned db_statements_numbered;

void db_init(struct db *db, const char *conninfo)
{
	memset(db, 0, sizeof(*db));
	db->conninfo = conninfo;
}

void db_close(struct db *db)
{
	if (db->conn != NULL)
		PQfinish(db->conn);
	db->conn = NULL;
	/* a new connection has prepared nothing */
	free(db->prepared);
	db->prepared = NULL;
	db->prepared_len = 0;
}

bool db_is_prepared(const struct db *db, const struct db_statement *st)
{
	return st->number > 0 && st->number < db->prepared_len && db->prepared[st->number];
}

void db_mark_prepared(struct db *db, struct db_statement *st)
{
	if (st->number == 0)
		st->number = ++db_statements_numbered;
	if (st->number >= db->prepared_len) {
		size_t len = (size_t)st->number * 2 + 16;
		unsigned char *grown = realloc(db->prepared, len);

		if (grown == NULL) {
			fprintf(stderr, "{\"level\":\"fatal\",\"msg\":\"out of memory\"}\n");
			abort();
		}
		memset(grown + db->prepared_len, 0, len - db->prepared_len);
		db->prepared = grown;
		db->prepared_len = len;
	}
	db->prepared[st->number] = 1;
}

static void db_note(struct db *db, const char *sqlstate, const char *message)
{
	size_t n;

	snprintf(db->sqlstate, sizeof(db->sqlstate), "%s", sqlstate ? sqlstate : "");
	snprintf(db->message, sizeof(db->message), "%s", message ? message : "");
	n = strlen(db->message);
	while (n > 0 && (db->message[n - 1] == '\n' || db->message[n - 1] == ' '))
		db->message[--n] = '\0';
}

/* Server notices ("relation already exists, skipping") are for debugging. */
static void db_notice(void *arg, const char *message)
{
	(void)arg;
	log_msg(LOG_DEBUG, "postgres: %s", message);
}

int db_connect(struct db *db)
{
	if (db->conn != NULL && PQstatus(db->conn) == CONNECTION_OK)
		return SOUK_OK;
	db_close(db);
	db->conn = PQconnectdb(db->conninfo);
	if (db->conn == NULL || PQstatus(db->conn) != CONNECTION_OK) {
		db_note(db, "08006", db->conn ? PQerrorMessage(db->conn) : "out of memory");
		log_msg(LOG_WARN, "database connection failed: %s", db->message);
		db_close(db);
		return SOUK_EDB;
	}
	PQsetNoticeProcessor(db->conn, db_notice, NULL);
	db->generation++;
	return SOUK_OK;
}

static int db_map_sqlstate(const char *state)
{
	if (state == NULL || *state == '\0')
		return SOUK_EDB;
	/* duplicate, exclusion, restrict; serialization failure and deadlock:
	 * the client may retry */
	if (strcmp(state, "23505") == 0 || strcmp(state, "23P01") == 0 ||
	    strcmp(state, "23001") == 0 || strcmp(state, "40001") == 0 ||
	    strcmp(state, "40P01") == 0)
		return SOUK_ECONFLICT;
	if (strcmp(state, "23503") == 0 || strcmp(state, "23514") == 0 ||
	    strcmp(state, "23502") == 0 || strncmp(state, "22", 2) == 0)
		return SOUK_EINVALID;
	/* connection, shutdown, timeout/cancel, lock timeout, resources,
	 * read-only (a replica after failover): the database is unavailable */
	if (strncmp(state, "08", 2) == 0 || strncmp(state, "57", 2) == 0 ||
	    strcmp(state, "55P03") == 0 || strncmp(state, "53", 2) == 0 ||
	    strcmp(state, "25006") == 0)
		return SOUK_EDB;
	return SOUK_EINTERNAL;
}

static void result_clear(void *p)
{
	PQclear(p);
}

/* Turns a PGresult into SOUK_OK (result kept on the arena) or an error. */
static int db_finish(struct db *db, struct arena *arena, PGresult *r, PGresult **out)
{
	ExecStatusType st = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;

	if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) {
		db->sqlstate[0] = '\0';
		arena_defer(arena, result_clear, r);
		if (out != NULL)
			*out = r;
		return SOUK_OK;
	}
	if (r == NULL || PQstatus(db->conn) != CONNECTION_OK) {
		db_note(db, "08006", PQerrorMessage(db->conn));
		PQclear(r);
		db_close(db);
		return SOUK_EDB;
	}
	db_note(db, PQresultErrorField(r, PG_DIAG_SQLSTATE), PQresultErrorMessage(r));
	PQclear(r);
	return db_map_sqlstate(db->sqlstate);
}

/* A connection to run the next statement on: SOUK_EDB when a transaction
 * died with its connection (a new one would run the rest of it outside any
 * transaction), else db_connect(). */
static int db_ready(struct db *db)
{
	if (db->in_transaction && db->conn == NULL)
		return SOUK_EDB;
	return db_connect(db);
}

static int db_exec_once(struct db *db, struct arena *arena, struct db_statement *st,
			const char *const *params, PGresult **out)
{
	int rc = db_ready(db);

	if (rc != SOUK_OK)
		return rc;
	if (st->flags & DB_CUSTOM_PLAN)
		return db_finish(
		    db, arena,
		    PQexecParams(db->conn, st->sql, st->nparams, NULL, params, NULL, NULL, 0), out);
	if (!db_is_prepared(db, st)) {
		PGresult *p = PQprepare(db->conn, st->name, st->sql, st->nparams, NULL);

		rc = db_finish(db, arena, p, NULL);
		if (rc != SOUK_OK) {
			log_msg(LOG_ERROR, "prepare %s failed: %s", st->name, db->message);
			return rc;
		}
		db_mark_prepared(db, st);
	}
	return db_finish(
	    db, arena, PQexecPrepared(db->conn, st->name, st->nparams, params, NULL, NULL, 0), out);
}

int db_exec(struct db *db, struct arena *arena, struct db_statement *st, const char *const *params,
	    PGresult **out)
{
	unsigned long gen = db->generation;
	int rc = db_exec_once(db, arena, st, params, out);

	/* a connection that died since the last request (PostgreSQL restarted)
	 * only shows when used: retry statements without side effects once */
	if (rc == SOUK_EDB && (st->flags & DB_READONLY) && gen != 0 && db->conn == NULL &&
	    !db->in_transaction)
		rc = db_exec_once(db, arena, st, params, out);
	return rc;
}

int db_exec_count(struct db *db, struct arena *arena, struct db_statement *st,
		  const char *const *params, long *rows)
{
	PGresult *r = NULL;
	int rc = db_exec(db, arena, st, params, &r);

	*rows = rc == SOUK_OK ? strtol(PQcmdTuples(r), NULL, 10) : 0;
	return rc;
}

int db_exec_sql(struct db *db, struct arena *arena, const char *sql, int nparams,
		const char *const *params, PGresult **out)
{
	int rc = db_ready(db);

	if (rc != SOUK_OK)
		return rc;
	if (nparams == 0 && params == NULL)
		return db_finish(db, arena, PQexec(db->conn, sql), out);
	return db_finish(db, arena,
			 PQexecParams(db->conn, sql, nparams, NULL, params, NULL, NULL, 0), out);
}

int db_begin(struct db *db, struct arena *arena)
{
	int rc;

	if (db->in_transaction)
		return SOUK_EINTERNAL; /* no nesting: a bug in the caller */
	rc = db_exec_sql(db, arena, "BEGIN", 0, NULL, NULL);
	if (rc == SOUK_OK)
		db->in_transaction = 1;
	return rc;
}

int db_commit(struct db *db, struct arena *arena)
{
	int rc;

	/* COMMIT outside a transaction (or of a failed one) is not an error to
	 * PostgreSQL, but the work is lost: report it */
	if (!db->in_transaction || db->conn == NULL ||
	    PQtransactionStatus(db->conn) != PQTRANS_INTRANS) {
		db_rollback(db, arena);
		return SOUK_EDB;
	}
	rc = db_exec_sql(db, arena, "COMMIT", 0, NULL, NULL);
	db->in_transaction = 0;
	return rc;
}

void db_rollback(struct db *db, struct arena *arena)
{
	db->in_transaction = 0;
	if (db->conn != NULL && PQtransactionStatus(db->conn) != PQTRANS_IDLE)
		(void)db_exec_sql(db, arena, "ROLLBACK", 0, NULL, NULL);
}

int db_end(struct db *db, struct arena *arena, int rc)
{
	if (rc == SOUK_OK)
		rc = db_commit(db, arena);
	if (rc != SOUK_OK)
		db_rollback(db, arena);
	return rc;
}
