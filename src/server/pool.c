/*
 * pool.c - the souk-fcgi master: socket, privileges, supervision.
 *
 * The master blocks every signal it handles and waits for them with
 * sigtimedwait() on a 200 ms tick, so all supervision runs in one plain loop:
 * reap -> (stop | reload) -> kill stuck workers -> spawn missing ones.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <fcgiapp.h>

#include "souk/api.h"
#include "souk/config.h"
#include "souk/err.h"
#include "souk/log.h"
#include "souk/server.h"
#include "souk/str.h"

#define POOL_TICK_MS 200
#define POOL_YOUNG_MS 2000 /* a worker dying younger than this is crash-looping */
#define POOL_BACKOFF_MIN_MS 100
#define POOL_BACKOFF_MAX_MS 10000
#define POOL_STOP_GRACE_EXTRA_S 5

struct pool_child {
	pid_t pid; /* 0 = slot free */
	uint32_t generation;
	long long started_ms;
	bool stopping;	     /* asked to leave (reload, stop) */
	bool killed_timeout; /* we killed it for a stuck request */
};

struct pool {
	struct souk_config *cfg;
	const char *env_file;
	int listen_fd;
	struct scoreboard *sb;
	struct pool_child children[SCOREBOARD_SLOTS];
	long target;
	uint32_t generation;
	int fast_failures;	    /* consecutive young deaths */
	long long spawn_not_before; /* backoff, monotonic ms */
	bool stopping;
	long long stop_deadline; /* monotonic ms */
};

static long long now_ms(void)
{
	return clock_monotonic_us() / 1000;
}

static int pool_listen(const struct souk_config *cfg, uid_t uid, gid_t gid)
{
	struct sockaddr_un addr;
	int fd;

	if (strlen(cfg->socket_path) >= sizeof(addr.sun_path)) {
		log_msg(LOG_ERROR, "socket path too long: %s", cfg->socket_path);
		return -1;
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	memset(&addr, 0, sizeof(addr));
	addr.sun_family = AF_UNIX;
	strcpy(addr.sun_path, cfg->socket_path);
	/* a stale socket from a crashed master; the pid file check ran before */
	unlink(cfg->socket_path);
	/* Created 0660 by the umask, and chowned with lchown: the directory may
	 * belong to the service user, so nothing here may follow a link it plants. */
	mode_t old_umask = umask(0117);
	int bound = bind(fd, (struct sockaddr *)&addr, sizeof(addr));

	umask(old_umask);
	if (bound != 0 || (getuid() == 0 && lchown(cfg->socket_path, uid, gid) != 0) ||
	    listen(fd, (int)cfg->backlog) != 0) {
		log_msg(LOG_ERROR, "cannot listen on %s: %s", cfg->socket_path, strerror(errno));
		close(fd);
		return -1;
	}
	/* workers inherit the socket across fork; non-blocking so that idle
	 * workers woken for one connection do not block in accept() */
	fcntl(fd, F_SETFD, 0);
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	return fd;
}

static int pool_check_pidfile(const char *path)
{
	FILE *f = fopen(path, "r");
	long pid = 0;

	if (f == NULL)
		return SOUK_OK;
	if (fscanf(f, "%ld", &pid) == 1 && pid > 0 && pid != getpid() &&
	    (kill((pid_t)pid, 0) == 0 || errno == EPERM)) {
		fclose(f);
		log_msg(LOG_ERROR, "souk-fcgi already runs as pid %ld (%s)", pid, path);
		return SOUK_ECONFLICT;
	}
	fclose(f);
	return SOUK_OK;
}

/* Creates a new file (never through an existing name or link), owned by
 * uid/gid when root. Returns the fd or -1. */
int pool_create_file(const char *path, mode_t mode, uid_t uid, gid_t gid)
{
	int fd;

	unlink(path);
	fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
	if (fd < 0)
		return -1;
	if (getuid() == 0 && fchown(fd, uid, gid) != 0) {
		close(fd);
		unlink(path);
		return -1;
	}
	return fd;
}

static int pool_write_pidfile(const char *path, uid_t uid, gid_t gid)
{
	char line[32];
	int fd = pool_create_file(path, 0644, uid, gid);
	int n = snprintf(line, sizeof(line), "%ld\n", (long)getpid());

	if (fd < 0 || write(fd, line, (size_t)n) != n || close(fd) != 0) {
		log_msg(LOG_ERROR, "cannot write pid file %s: %s", path, strerror(errno));
		return SOUK_EIO;
	}
	return SOUK_OK;
}

/* The user to run as and the group that owns the socket (the user's own
 * unless SOUK_SOCKET_GROUP names another, e.g. nginx's). */
static int pool_resolve_user(const struct souk_config *cfg, uid_t *uid, gid_t *gid,
			     gid_t *socket_gid)
{
	struct passwd *pw;

	*uid = getuid();
	*gid = getgid();
	*socket_gid = *gid;
	if (getuid() != 0)
		return SOUK_OK;
	if (cfg->user == NULL || *cfg->user == '\0') {
		log_msg(LOG_ERROR,
			"started as root: set SOUK_USER to the unprivileged user to run as");
		return SOUK_EINVALID;
	}
	pw = getpwnam(cfg->user);
	if (pw == NULL || pw->pw_uid == 0) {
		log_msg(LOG_ERROR, "SOUK_USER=%s is not an unprivileged user", cfg->user);
		return SOUK_EINVALID;
	}
	*uid = pw->pw_uid;
	*gid = pw->pw_gid;
	*socket_gid = pw->pw_gid;
	if (cfg->socket_group != NULL && *cfg->socket_group != '\0') {
		struct group *gr = getgrnam(cfg->socket_group);

		if (gr == NULL) {
			log_msg(LOG_ERROR, "SOUK_SOCKET_GROUP=%s does not exist",
				cfg->socket_group);
			return SOUK_EINVALID;
		}
		*socket_gid = gr->gr_gid;
	}
	return SOUK_OK;
}

static int pool_drop_privileges(const struct souk_config *cfg, uid_t uid, gid_t gid)
{
	if (getuid() != 0)
		return SOUK_OK;
	if (initgroups(cfg->user, gid) != 0 || setgid(gid) != 0 || setuid(uid) != 0) {
		log_msg(LOG_ERROR, "cannot drop privileges to %s: %s", cfg->user, strerror(errno));
		return SOUK_EIO;
	}
	if (setuid(0) == 0) {
		log_msg(LOG_ERROR, "privileges were not dropped");
		return SOUK_EIO;
	}
	log_msg(LOG_INFO, "dropped privileges to %s (uid %ld)", cfg->user, (long)uid);
	return SOUK_OK;
}

static int pool_free_slot(struct pool *p)
{
	for (int i = 0; i < SCOREBOARD_SLOTS; i++)
		if (p->children[i].pid == 0)
			return i;
	return -1;
}

static long pool_active(const struct pool *p)
{
	long n = 0;

	for (int i = 0; i < SCOREBOARD_SLOTS; i++)
		if (p->children[i].pid != 0 && !p->children[i].stopping)
			n++;
	return n;
}

static long pool_alive(const struct pool *p)
{
	long n = 0;

	for (int i = 0; i < SCOREBOARD_SLOTS; i++)
		if (p->children[i].pid != 0)
			n++;
	return n;
}

static int pool_spawn(struct pool *p)
{
	int slot = pool_free_slot(p);
	struct scoreboard_slot *s;
	sigset_t none;
	pid_t pid;

	if (slot < 0)
		return SOUK_EINTERNAL;
	s = &p->sb->slots[slot];
	memset(s, 0, sizeof(*s));
	s->state = SLOT_STARTING;
	s->started_ms = clock_wall_ms();
	s->generation = p->generation;
	pid = fork();
	if (pid < 0) {
		log_msg(LOG_ERROR, "fork failed: %s", strerror(errno));
		s->state = SLOT_FREE;
		return SOUK_EIO;
	}
	if (pid == 0) {
		int status;

		/* a worker outliving its master would hold the old socket and a
		 * database connection forever: leave with it */
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		if (getppid() != p->sb->master_pid)
			_exit(0);
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		s->pid = (int32_t)getpid();
		status = fcgi_worker_run(p->cfg, p->listen_fd, p->sb, slot);
		_exit(status);
	}
	s->pid = (int32_t)pid;
	p->children[slot] =
	    (struct pool_child){.pid = pid, .generation = p->generation, .started_ms = now_ms()};
	return SOUK_OK;
}

static void pool_signal_all(struct pool *p, int sig, bool mark_stopping)
{
	for (int i = 0; i < SCOREBOARD_SLOTS; i++)
		if (p->children[i].pid != 0) {
			if (mark_stopping)
				p->children[i].stopping = true;
			kill(p->children[i].pid, sig);
		}
}

static void pool_reap(struct pool *p)
{
	int status;
	pid_t pid;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		struct pool_child *c = NULL;
		int slot;

		for (slot = 0; slot < SCOREBOARD_SLOTS; slot++)
			if (p->children[slot].pid == pid) {
				c = &p->children[slot];
				break;
			}
		if (c == NULL)
			continue;
		struct scoreboard_slot *s = &p->sb->slots[slot];
		long long lived = now_ms() - c->started_ms;
		bool clean = WIFEXITED(status) && WEXITSTATUS(status) == 0;

		p->sb->requests_retired += s->requests;
		if (clean && !c->stopping) {
			p->sb->recycled++;
		} else if (!clean && !c->stopping) {
			if (c->killed_timeout) {
				/* counted when killed */
			} else {
				p->sb->restarts++;
				if (WIFSIGNALED(status))
					log_msg(LOG_WARN,
						"worker %ld died of signal %d after %lld ms",
						(long)pid, WTERMSIG(status), lived);
				else
					log_msg(LOG_WARN, "worker %ld exited with %d after %lld ms",
						(long)pid, WEXITSTATUS(status), lived);
				if (lived < POOL_YOUNG_MS) {
					long long delay = POOL_BACKOFF_MIN_MS;

					for (int i = 0;
					     i < p->fast_failures && delay < POOL_BACKOFF_MAX_MS;
					     i++)
						delay *= 2;
					if (delay > POOL_BACKOFF_MAX_MS)
						delay = POOL_BACKOFF_MAX_MS;
					p->fast_failures++;
					p->spawn_not_before = now_ms() + delay;
					log_msg(LOG_WARN,
						"workers are dying young; next start in %lld ms",
						delay);
				} else {
					p->fast_failures = 0;
				}
			}
		}
		memset(s, 0, sizeof(*s));
		memset(c, 0, sizeof(*c));
	}
}

static void pool_kill_stuck(struct pool *p)
{
	long long now = now_ms(); /* monotonic, like request_started_ms */
	long long default_limit = p->cfg->request_timeout * 1000LL;

	for (int i = 0; i < SCOREBOARD_SLOTS; i++) {
		struct pool_child *c = &p->children[i];
		const struct scoreboard_slot *s = &p->sb->slots[i];
		long long started, limit;

		if (c->pid == 0 || c->killed_timeout)
			continue;
		started = __atomic_load_n(&s->request_started_ms, __ATOMIC_RELAXED);
		limit = __atomic_load_n(&s->request_timeout_ms, __ATOMIC_RELAXED);
		if (limit <= 0)
			limit = default_limit;
		if (started > 0 && now - started > limit) {
			log_msg(LOG_ERROR, "worker %ld stuck for %lld ms on %.8s %.96s: killing it",
				(long)c->pid, now - started, s->method, s->path);
			c->killed_timeout = true;
			p->sb->timeouts++;
			kill(c->pid, SIGKILL);
		}
	}
}

static void pool_reload(struct pool *p)
{
	struct souk_config fresh;
	char err[256];

	if (config_load(&fresh, p->env_file, err, sizeof(err)) != SOUK_OK) {
		log_msg(LOG_ERROR, "reload refused, configuration invalid: %s", err);
		config_free(&fresh);
		return;
	}
	/* the socket, pid file, scoreboard and user are fixed for the master's life */
	free((char *)fresh.socket_path);
	free((char *)fresh.pid_file);
	free((char *)fresh.scoreboard);
	free((char *)fresh.user);
	free((char *)fresh.socket_group);
	fresh.socket_path = p->cfg->socket_path;
	fresh.pid_file = p->cfg->pid_file;
	fresh.scoreboard = p->cfg->scoreboard;
	fresh.user = p->cfg->user;
	fresh.socket_group = p->cfg->socket_group;
	p->cfg->socket_path = p->cfg->pid_file = p->cfg->scoreboard = NULL;
	p->cfg->user = p->cfg->socket_group = NULL;
	config_free(p->cfg);
	*p->cfg = fresh;
	log_set_level(p->cfg->log_level);

	p->generation++;
	p->sb->generation = p->generation;
	p->sb->reloads++;
	p->target = config_worker_count(p->cfg);
	if (p->target > SCOREBOARD_SLOTS / 2)
		p->target = SCOREBOARD_SLOTS / 2;
	p->sb->target_workers = (int32_t)p->target;
	p->fast_failures = 0;
	p->spawn_not_before = 0;
	api_on_start(p->cfg);
	/* new workers start first (below); the old ones finish their request */
	pool_signal_all(p, SIGTERM, true);
	log_msg(LOG_INFO, "reloading: generation %u, %ld workers", p->generation, p->target);
}

/* The crash-loop backoff ends once every worker has lived past young age. */
static void pool_backoff_settle(struct pool *p)
{
	long long now = now_ms();

	if (p->fast_failures == 0)
		return;
	for (int i = 0; i < SCOREBOARD_SLOTS; i++)
		if (p->children[i].pid != 0 && now - p->children[i].started_ms < POOL_YOUNG_MS)
			return;
	if (pool_active(p) >= p->target)
		p->fast_failures = 0;
}

static void pool_spawn_missing(struct pool *p)
{
	pool_backoff_settle(p);
	if (now_ms() < p->spawn_not_before)
		return;
	while (pool_active(p) < p->target) {
		if (pool_spawn(p) != SOUK_OK)
			break;
		/* while crash-looping start one at a time */
		if (p->fast_failures > 0)
			break;
	}
}

static void pool_cleanup(struct pool *p)
{
	unlink(p->cfg->socket_path);
	unlink(p->cfg->pid_file);
	p->sb->master_pid = 0;
}

int pool_run(struct souk_config *cfg, const char *env_file)
{
	struct pool p;
	sigset_t set;
	uid_t uid;
	gid_t gid, socket_gid;
	long long last_nudge = 0;

	memset(&p, 0, sizeof(p));
	p.cfg = cfg;
	p.env_file = env_file;
	p.generation = 1;
	log_set_level(cfg->log_level);
	if (cfg->jwt_secret == NULL || strlen(cfg->jwt_secret) < 32) {
		log_msg(LOG_ERROR, "SOUK_JWT_SECRET must be set to at least 32 random bytes "
				   "(e.g. openssl rand -hex 32)");
		return 1;
	}
	if (pool_resolve_user(cfg, &uid, &gid, &socket_gid) != SOUK_OK ||
	    pool_check_pidfile(cfg->pid_file) != SOUK_OK)
		return 1;
	if (FCGX_Init() != 0) {
		log_msg(LOG_ERROR, "FCGX_Init failed");
		return 1;
	}
	p.listen_fd = pool_listen(cfg, uid, socket_gid);
	if (p.listen_fd < 0)
		return 1;
	if (scoreboard_create(cfg->scoreboard, uid, gid, &p.sb) != SOUK_OK) {
		log_msg(LOG_ERROR, "cannot create scoreboard %s: %s", cfg->scoreboard,
			strerror(errno));
		return 1;
	}
	if (pool_write_pidfile(cfg->pid_file, uid, gid) != SOUK_OK ||
	    pool_drop_privileges(cfg, uid, gid) != SOUK_OK) {
		unlink(cfg->socket_path);
		return 1;
	}
	api_on_start(cfg);
	p.target = config_worker_count(cfg);
	if (p.target > SCOREBOARD_SLOTS / 2)
		p.target = SCOREBOARD_SLOTS / 2;
	p.sb->magic = SCOREBOARD_MAGIC;
	p.sb->nslots = SCOREBOARD_SLOTS;
	p.sb->master_pid = (int32_t)getpid();
	p.sb->target_workers = (int32_t)p.target;
	p.sb->started_ms = clock_wall_ms();
	p.sb->generation = p.generation;

	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGQUIT);
	sigaddset(&set, SIGHUP);
	sigprocmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	log_msg(LOG_INFO, "souk-fcgi %s listening on %s with %ld workers", PACKAGE_VERSION,
		cfg->socket_path, p.target);

	for (;;) {
		struct timespec tick = {0, POOL_TICK_MS * 1000000L};
		int sig;

		pool_reap(&p);
		if (p.stopping) {
			if (pool_alive(&p) == 0)
				break;
			if (now_ms() >= p.stop_deadline) {
				log_msg(LOG_WARN, "stop grace period over: killing %ld workers",
					pool_alive(&p));
				pool_signal_all(&p, SIGKILL, true);
			} else if (now_ms() - last_nudge >= 1000) {
				/* a worker can miss one signal between its check and
				 * accept(); asking again every second closes that gap */
				pool_signal_all(&p, SIGTERM, true);
				last_nudge = now_ms();
			}
		} else {
			pool_kill_stuck(&p);
			pool_spawn_missing(&p);
		}
		sig = sigtimedwait(&set, NULL, &tick);
		if (sig == SIGTERM || sig == SIGINT || sig == SIGQUIT) {
			if (!p.stopping) {
				log_msg(LOG_INFO, "stopping: waiting for %ld workers to finish",
					pool_alive(&p));
				p.stopping = true;
				p.stop_deadline =
				    now_ms() +
				    (cfg->request_timeout + POOL_STOP_GRACE_EXTRA_S) * 1000LL;
				pool_signal_all(&p, SIGTERM, true);
				last_nudge = now_ms();
			}
		} else if (sig == SIGHUP && !p.stopping) {
			pool_reload(&p);
		}
	}
	pool_cleanup(&p);
	log_msg(LOG_INFO, "stopped");
	return 0;
}
