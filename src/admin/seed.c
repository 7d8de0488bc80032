/* seed.c - the demo data loader; see include/souk/admin.h. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "souk/admin.h"
#include "souk/arena.h"
#include "souk/config.h"
#include "souk/db.h"
#include "souk/err.h"
#include "souk/fileutil.h"

static const char SQL_COUNTS[] =
	"SELECT (SELECT count(*) FROM users), (SELECT count(*) FROM products),"
	" (SELECT count(*) FROM categories), (SELECT count(*) FROM product_files),"
	" (SELECT count(*) FROM orders), (SELECT count(*) FROM blog_posts),"
	" (SELECT count(*) FROM team_members), (SELECT count(*) FROM cms_pages)";

static int seed_sql(struct db *db, struct arena *a, const char *dir, FILE *msg)
{
	char **names = NULL;
	size_t n = 0;
	int rc = file_list_sql(a, dir, &names, &n);

	if (rc != SOUK_OK) {
		fprintf(msg, "souk-admin: cannot read seed files in %s: %s\n", dir, strerror(errno));
		return rc;
	}
	rc = db_begin(db, a);
	for (size_t i = 0; rc == SOUK_OK && i < n; i++) {
		char *path = arena_printf(a, "%s/%s", dir, names[i]), *sql;
		size_t len;

		rc = file_read_all(a, path, 16 * 1024 * 1024, &sql, &len);
		if (rc != SOUK_OK) {
			fprintf(msg, "souk-admin: cannot read %s\n", path);
			break;
		}
		rc = db_exec_sql(db, a, sql, 0, NULL, NULL);
		if (rc != SOUK_OK)
			fprintf(msg, "souk-admin: seed %s failed, nothing was loaded:\n  %s\n", names[i],
				db->message);
	}
	if (rc == SOUK_OK)
		rc = db_commit(db, a);
	if (rc != SOUK_OK)
		db_rollback(db, a);
	return rc;
}

/* A storage key is relative, without "..", "//" or control characters. */
static int seed_key_safe(const char *key)
{
	if (*key == '\0' || *key == '/' || strstr(key, "..") != NULL || strstr(key, "//") != NULL)
		return 0;
	for (const char *c = key; *c; c++)
		if ((unsigned char)*c < 0x20)
			return 0;
	return 1;
}

/* Copies seed/files/<source> to <storage>/<key> for each manifest line, unless
 * the destination already has the same size. */
static int seed_files(struct arena *a, const struct souk_config *cfg, FILE *msg)
{
	char *manifest, *line, *save = NULL;
	size_t len;
	int copied = 0, kept = 0, lineno = 0;
	char *path = arena_printf(a, "%s/files.tsv", cfg->seed_dir);
	int rc = file_read_all(a, path, 4 * 1024 * 1024, &manifest, &len);

	if (rc == SOUK_ENOTFOUND)
		return SOUK_OK;
	if (rc != SOUK_OK) {
		fprintf(msg, "souk-admin: cannot read %s\n", path);
		return rc;
	}
	for (line = strtok_r(manifest, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *tab = strchr(line, '\t'), *src, *dst;
		struct stat s_src, s_dst;

		lineno++;
		if (*line == '#' || *line == '\0')
			continue;
		if (tab != NULL)
			*tab = '\0';
		if (tab == NULL || !seed_key_safe(line) || !seed_key_safe(tab + 1)) {
			fprintf(msg, "souk-admin: %s:%d: expected storage_key<TAB>file, both relative "
				     "paths without \"..\"\n", path, lineno);
			return SOUK_EINVALID;
		}
		src = arena_printf(a, "%s/files/%s", cfg->seed_dir, tab + 1);
		dst = arena_printf(a, "%s/%s", cfg->storage_dir, line);
		if (stat(src, &s_src) != 0) {
			fprintf(msg, "souk-admin: %s:%d: %s is missing\n", path, lineno, src);
			return SOUK_EIO;
		}
		if (stat(dst, &s_dst) == 0 && s_dst.st_size == s_src.st_size) {
			kept++;
			continue;
		}
		if (file_copy_atomic(src, dst) != SOUK_OK) {
			fprintf(msg, "souk-admin: cannot copy %s to %s: %s\n", src, dst, strerror(errno));
			return SOUK_EIO;
		}
		copied++;
	}
	fprintf(msg, "seed files: %d copied, %d already in %s\n", copied, kept, cfg->storage_dir);
	return SOUK_OK;
}

int admin_seed(struct db *db, const struct souk_config *cfg, FILE *msg)
{
	struct arena a;
	PGresult *counts = NULL;
	int rc;

	if (strcmp(cfg->env, "production") == 0) {
		fprintf(msg, "souk-admin: seed loads demo accounts with known passwords; "
			     "refusing to run with SOUK_ENV=production\n");
		return SOUK_EFORBIDDEN;
	}
	arena_init(&a, 64 * 1024);
	rc = seed_sql(db, &a, cfg->seed_dir, msg);
	if (rc == SOUK_OK)
		rc = seed_files(&a, cfg, msg);
	if (rc == SOUK_OK && db_exec_sql(db, &a, SQL_COUNTS, 0, NULL, &counts) == SOUK_OK)
		fprintf(msg,
			"seed: %s users, %s products in %s categories, %s product files, %s orders, "
			"%s blog posts, %s team members, %s CMS pages\n",
			PQgetvalue(counts, 0, 0), PQgetvalue(counts, 0, 1), PQgetvalue(counts, 0, 2),
			PQgetvalue(counts, 0, 3), PQgetvalue(counts, 0, 4), PQgetvalue(counts, 0, 5),
			PQgetvalue(counts, 0, 6), PQgetvalue(counts, 0, 7));
	arena_destroy(&a);
	return rc;
}
