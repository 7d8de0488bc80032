/*
 * admin.h - operations behind souk-admin: migrations and demo data.
 *
 * Migrations are schema/NNN_name.sql files applied in name order, each in its
 * own transaction, recorded with their SHA-256 in schema_migrations. A second
 * run is a no-op; an applied file whose checksum changed, or a new file that
 * sorts before an applied one, is refused. A session advisory lock makes
 * concurrent runs wait for each other.
 *
 * The seed loads every seed/NNN_*.sql in one transaction (the files are
 * idempotent), then copies the files listed in seed/files.tsv into local
 * storage. It refuses to run when SOUK_ENV is production; so does seed --bulk.
 *
 * Messages for the operator go to the FILE given; functions return SOUK_OK or
 * a souk_err (SOUK_ECONFLICT for a changed or out-of-order migration).
 */
#ifndef SOUK_ADMIN_H
#define SOUK_ADMIN_H

#include <stdio.h>

struct db;
struct souk_config;

/* Applies pending migrations from cfg->schema_dir. */
int admin_migrate(struct db *db, const struct souk_config *cfg, FILE *out);

/* Lists every migration as applied, pending, changed or missing. Returns
 * SOUK_OK, or SOUK_ECONFLICT when a changed or missing one is found. */
int admin_migrate_status(struct db *db, const struct souk_config *cfg, FILE *out);

/* Loads the demo data from cfg->seed_dir and copies its files to storage. */
int admin_seed(struct db *db, const struct souk_config *cfg, FILE *out);

/*
 * Tops the catalog up to n generated products (slugs bulk-<1..n>-..., ~95 %
 * published) in the seed categories, in one statement, then VACUUM ANALYZE.
 * Same n again adds nothing. No files. For measuring search at size; refused
 * (SOUK_EFORBIDDEN) when SOUK_ENV is production.
 */
int admin_seed_bulk(struct db *db, const struct souk_config *cfg, long n, FILE *out);

#endif
