/*
 * souk-admin - operator commands. main() only: parsing, then the modules.
 *
 * Exit codes: 0 ok, 1 failed (database, I/O), 2 usage, 3 refused (changed
 * migration, e-mail taken, unknown user or role, production seed).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "souk/admin.h"
#include "souk/arena.h"
#include "souk/config.h"
#include "souk/db.h"
#include "souk/err.h"
#include "souk/json.h"
#include "souk/log.h"
#include "souk/password.h"
#include "souk/str.h"
#include "souk/users.h"

static void usage(FILE *out)
{
	fprintf(out,
		"usage: souk-admin [--env-file FILE] COMMAND\n"
		"  migrate             apply pending schema/ migrations (each in a transaction)\n"
		"  migrate --status    list applied, pending and changed migrations\n"
		"  seed                load the demo data (refused when SOUK_ENV=production)\n"
		"  seed --bulk N       top the catalog up to N generated products (1..1000000,\n"
		"                      ~95 %% published) for measuring search; not in production\n"
		"  create-admin EMAIL  create an admin; the password is read from stdin,\n"
		"                      or generated and printed once when stdin is empty\n"
		"  user-role EMAIL ROLE  give a user a role (admin, editor, support, customer)\n");
}

static int exit_code(int rc)
{
	switch (rc) {
	case SOUK_OK:
		return 0;
	case SOUK_ECONFLICT:
	case SOUK_ENOTFOUND:
	case SOUK_EINVALID:
	case SOUK_EFORBIDDEN:
		return 3;
	default:
		return 1;
	}
}

/* Reads one line of password from stdin; prompts without echo on a terminal.
 * Returns 1 when a password was read, 0 when stdin was empty. */
static int read_password(char *buf, size_t size)
{
	struct termios old, quiet;
	int tty = isatty(STDIN_FILENO);
	size_t n;

	if (tty) {
		fprintf(stderr, "Password for the new admin (empty: generate one): ");
		tcgetattr(STDIN_FILENO, &old);
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
	}
	if (fgets(buf, (int)size, stdin) == NULL)
		buf[0] = '\0';
	if (tty) {
		tcsetattr(STDIN_FILENO, TCSANOW, &old);
		fputc('\n', stderr);
	}
	n = strlen(buf);
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
		buf[--n] = '\0';
	return n > 0;
}

static int cmd_create_admin(struct db *db, const char *email_arg)
{
	char password[1024], hash[PASSWORD_HASH_MAX], email[256];
	const char *public_id = NULL;
	struct arena a;
	int generated = 0, rc;

	snprintf(email, sizeof(email), "%s", email_arg);
	for (char *c = email; *c; c++)
		*c = (char)(*c >= 'A' && *c <= 'Z' ? *c + 32 : *c);
	if (!validate_email(email)) {
		fprintf(stderr, "souk-admin: \"%s\" is not a valid e-mail address\n", email_arg);
		return SOUK_EINVALID;
	}
	if (!read_password(password, sizeof(password))) {
		if (password_generate(password, 20) != SOUK_OK)
			return SOUK_EINTERNAL;
		generated = 1;
	}
	if (strlen(password) < PASSWORD_MIN_LENGTH || strcmp(password, email) == 0) {
		fprintf(stderr,
			"souk-admin: the password must have at least %d characters and "
			"differ from the e-mail address\n",
			PASSWORD_MIN_LENGTH);
		return SOUK_EINVALID;
	}
	if (password_hash(password, hash) != SOUK_OK)
		return SOUK_EINTERNAL;
	arena_init(&a, 4096);
	rc = users_create_admin(db, &a, email, "Administrator", hash, &public_id);
	if (rc == SOUK_OK) {
		printf("created admin %s (%s)\n", email, public_id);
		if (generated)
			printf("password: %s\n(shown once: store it now)\n", password);
	} else if (rc == SOUK_ECONFLICT) {
		fprintf(stderr, "souk-admin: %s already has an account; use user-role %s admin\n",
			email, email);
	} else {
		fprintf(stderr, "souk-admin: cannot create the admin: %s\n",
			db->message[0] ? db->message : "the admin role is missing (run migrate)");
	}
	memset(password, 0, sizeof(password));
	arena_destroy(&a);
	return rc;
}

static int cmd_user_role(struct db *db, const char *email, const char *role)
{
	struct arena a;
	int rc;

	arena_init(&a, 4096);
	rc = users_set_role(db, &a, email, role);
	if (rc == SOUK_OK)
		printf("%s is now %s\n", email, role);
	else if (rc == SOUK_ENOTFOUND)
		fprintf(stderr, "souk-admin: no user with e-mail %s\n", email);
	else if (rc == SOUK_EINVALID)
		fprintf(stderr,
			"souk-admin: no role \"%s\" (roles: admin, editor, support, customer)\n",
			role);
	else
		fprintf(stderr, "souk-admin: database: %s\n", db->message);
	arena_destroy(&a);
	return rc;
}

int main(int argc, char **argv)
{
	const char *env_file = NULL;
	struct souk_config cfg;
	struct db db;
	char err[256];
	long bulk = 0;
	int i = 1, rc;

	if (i + 1 < argc && strcmp(argv[i], "--env-file") == 0) {
		env_file = argv[i + 1];
		i += 2;
	}
	if (i >= argc || strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
		usage(i >= argc ? stderr : stdout);
		return i >= argc ? 2 : 0;
	}
	if (config_load(&cfg, env_file, err, sizeof(err)) != SOUK_OK) {
		fprintf(stderr, "souk-admin: configuration: %s\n", err);
		return 2;
	}
	log_set_level("error"); /* operator messages only, no JSON log lines */
	db_init(&db, cfg.database_url);
	if (db_connect(&db) != SOUK_OK) {
		fprintf(stderr, "souk-admin: cannot connect to the database: %s\n", db.message);
		config_free(&cfg);
		return 1;
	}
	const char *cmd = argv[i];
	int rest = argc - i - 1;

	if (strcmp(cmd, "migrate") == 0 && rest == 0)
		rc = admin_migrate(&db, &cfg, stdout);
	else if (strcmp(cmd, "migrate") == 0 && rest == 1 && strcmp(argv[i + 1], "--status") == 0)
		rc = admin_migrate_status(&db, &cfg, stdout);
	else if (strcmp(cmd, "seed") == 0 && rest == 0)
		rc = admin_seed(&db, &cfg, stdout);
	else if (strcmp(cmd, "seed") == 0 && rest == 2 && strcmp(argv[i + 1], "--bulk") == 0 &&
		 str_to_long(argv[i + 2], 1, 1000000, &bulk) == SOUK_OK)
		rc = admin_seed_bulk(&db, &cfg, bulk, stdout);
	else if (strcmp(cmd, "create-admin") == 0 && rest == 1)
		rc = cmd_create_admin(&db, argv[i + 1]);
	else if (strcmp(cmd, "user-role") == 0 && rest == 2)
		rc = cmd_user_role(&db, argv[i + 1], argv[i + 2]);
	else {
		usage(stderr);
		db_close(&db);
		config_free(&cfg);
		return 2;
	}
	db_close(&db);
	config_free(&cfg);
	return exit_code(rc);
}
