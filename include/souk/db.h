/*
 * db.h - the worker's PostgreSQL connection.
 *
 * One PGconn per worker, opened lazily and reopened after it breaks: after a
 * PostgreSQL restart a read-only statement is retried on a new connection,
 * a write fails once with SOUK_EDB (503). Inside a transaction nothing is
 * ever reconnected or retried: the transaction fails as a whole and
 * statements answer SOUK_EDB until db_rollback(). Statements are
 * declared once, as static struct db_statement in the module that owns the
 * table, and prepared on first use on each connection: each struct db keeps
 * its own record of what its connection has prepared, so any number of
 * connections in one process (and a process forked from one that used the
 * database) never mistake each other's statements. Results are registered
 * on the request arena, so callers never PQclear.
 *
 * SQLSTATE mapping (in one place): 23505 unique, 23P01 exclusion, 23001
 * restrict, 40001 serialization, 40P01 deadlock -> SOUK_ECONFLICT; 23503
 * foreign key / 23514 check / 23502 not null / 22xxx data -> SOUK_EINVALID;
 * 08xxx connection, 57xxx shutdown/cancel/timeout, 55P03 lock timeout, 53xxx
 * resources, 25006 read-only -> SOUK_EDB; anything else -> SOUK_EINTERNAL.
 */
#ifndef SOUK_DB_H
#define SOUK_DB_H

#include <stdbool.h>

#include <libpq-fe.h>

struct arena;

/* SQL for a timestamptz column as RFC 3339 UTC text ("2026-11-29T20:36:36Z"),
 * the one time format of the API: DB_TS("p.published_at"). */
#define DB_TS(col) "to_char(" col " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"

enum db_statement_flags {
	DB_READONLY = 1 << 0, /* no side effects: retried once on a fresh connection */
	/* planned for its parameter values on every call (unnamed statement, never
	 * a cached generic plan): for statements whose best plan depends on the
	 * values, such as search (a common word walks an index in order, a rare
	 * one reads a GIN bitmap) and "$n IS NULL OR ..." optional filters */
	DB_CUSTOM_PLAN = 1 << 1,
};

struct db_statement {
	const char *name; /* unique per program */
	const char *sql;  /* with $1..$n */
	int nparams;
	unsigned flags;
	/* its number in this process (0 until first used), an index into each
	 * struct db's record of prepared statements */
	unsigned number;
};

struct db {
	PGconn *conn;
	const char *conninfo;	  /* not owned */
	unsigned long generation; /* bumped on every new connection */
	unsigned char *prepared;  /* statement number -> prepared on this connection */
	size_t prepared_len;
	int in_transaction; /* between db_begin and db_commit/db_rollback */
	char sqlstate[6];   /* of the last failure, "" if none */
	char message[256];  /* of the last failure, for logs */
};

void db_init(struct db *db, const char *conninfo);

/* Connects if not connected. SOUK_OK or SOUK_EDB. */
int db_connect(struct db *db);

/*
 * Executes a prepared statement with text params (NULL = SQL NULL). On SOUK_OK
 * *out (may be NULL if unwanted) is a tuples/command result owned by arena.
 * Errors as in the header comment; db->sqlstate/message describe them.
 */
int db_exec(struct db *db, struct arena *arena, struct db_statement *st, const char *const *params,
	    PGresult **out);

/* db_exec() of a statement that changes rows (INSERT, UPDATE, DELETE):
 * *rows is how many it changed (0 on failure). */
int db_exec_count(struct db *db, struct arena *arena, struct db_statement *st,
		  const char *const *params, long *rows);

/* Executes sql text (no preparation) with params; for migrations and scripts.
 * Multiple statements are allowed only when nparams is 0. */
int db_exec_sql(struct db *db, struct arena *arena, const char *sql, int nparams,
		const char *const *params, PGresult **out);

/* Transactions on the worker connection. db_commit() fails (and rolls back)
 * unless a healthy transaction is open; the worker rolls back any transaction
 * a request left open. */
int db_begin(struct db *db, struct arena *arena);
int db_commit(struct db *db, struct arena *arena);
void db_rollback(struct db *db, struct arena *arena);
/* Ends the transaction by rc: commits when rc is SOUK_OK (a failed commit
 * rolls back), else rolls back. Returns the outcome: rc, or the commit's
 * error. */
int db_end(struct db *db, struct arena *arena, int rc);

/* Closes the connection (reopened on next use) and forgets what it had
 * prepared. */
void db_close(struct db *db);

/* The record of prepared statements (db_exec uses them; exposed for the
 * unit tests): whether st is prepared on db's connection, and marking it so. */
bool db_is_prepared(const struct db *db, const struct db_statement *st);
void db_mark_prepared(struct db *db, struct db_statement *st);

#endif
