/* scoreboard.c - the shared status file of the pool. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "souk/err.h"
#include "souk/server.h"
#include "souk/str.h"

int scoreboard_create(const char *path, uid_t uid, gid_t gid, struct scoreboard **out)
{
	int fd = pool_create_file(path, 0640, uid, gid);
	void *map;

	if (fd < 0)
		return SOUK_EIO;
	if (ftruncate(fd, sizeof(struct scoreboard)) != 0) {
		close(fd);
		return SOUK_EIO;
	}
	map = mmap(NULL, sizeof(struct scoreboard), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	if (map == MAP_FAILED)
		return SOUK_EIO;
	memset(map, 0, sizeof(struct scoreboard));
	*out = map;
	return SOUK_OK;
}

int scoreboard_open(const char *path, const struct scoreboard **out)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	void *map;

	if (fd < 0)
		return errno == ENOENT ? SOUK_ENOTFOUND : SOUK_EIO;
	if (fstat(fd, &st) != 0 || (size_t)st.st_size < sizeof(struct scoreboard)) {
		close(fd);
		return SOUK_EIO;
	}
	map = mmap(NULL, sizeof(struct scoreboard), PROT_READ, MAP_SHARED, fd, 0);
	close(fd);
	if (map == MAP_FAILED)
		return SOUK_EIO;
	if (((const struct scoreboard *)map)->magic != SCOREBOARD_MAGIC) {
		munmap(map, sizeof(struct scoreboard));
		return SOUK_EIO;
	}
	*out = map;
	return SOUK_OK;
}

static const char *slot_state_name(int state)
{
	switch (state) {
	case SLOT_STARTING:
		return "starting";
	case SLOT_IDLE:
		return "idle";
	case SLOT_BUSY:
		return "busy";
	case SLOT_EXITING:
		return "exiting";
	default:
		return "free";
	}
}

void scoreboard_print(const struct scoreboard *sb, FILE *out, int json)
{
	long long now = clock_wall_ms();
	int busy = 0, idle = 0, total = 0;
	unsigned long long served = sb->requests_retired;
	int master_alive = sb->master_pid > 0 && kill(sb->master_pid, 0) == 0;
	cJSON *root = json ? cJSON_CreateObject() : NULL, *workers = NULL;

	for (uint32_t i = 0; i < sb->nslots && i < SCOREBOARD_SLOTS; i++) {
		const struct scoreboard_slot *s = &sb->slots[i];

		if (s->state == SLOT_FREE || s->pid <= 0)
			continue;
		total++;
		busy += s->state == SLOT_BUSY;
		idle += s->state == SLOT_IDLE;
		served += s->requests;
	}
	if (json) {
		cJSON_AddNumberToObject(root, "master_pid", sb->master_pid);
		cJSON_AddBoolToObject(root, "master_alive", master_alive);
		cJSON_AddNumberToObject(root, "uptime_s", (double)(now - sb->started_ms) / 1000.0);
		cJSON_AddNumberToObject(root, "target_workers", sb->target_workers);
		cJSON_AddNumberToObject(root, "workers", total);
		cJSON_AddNumberToObject(root, "busy", busy);
		cJSON_AddNumberToObject(root, "idle", idle);
		cJSON_AddNumberToObject(root, "requests", (double)served);
		cJSON_AddNumberToObject(root, "restarts", (double)sb->restarts);
		cJSON_AddNumberToObject(root, "recycled", (double)sb->recycled);
		cJSON_AddNumberToObject(root, "timeouts", (double)sb->timeouts);
		cJSON_AddNumberToObject(root, "reloads", sb->reloads);
		workers = cJSON_AddArrayToObject(root, "worker_list");
	} else {
		fprintf(out,
			"master pid:       %d%s\n"
			"uptime:           %.0f s\n"
			"workers:          %d (target %d)\n"
			"busy / idle:      %d / %d\n"
			"requests served:  %llu\n"
			"restarts:         %llu (died unexpectedly)\n"
			"recycled:         %llu (max_requests reached)\n"
			"timeouts:         %llu (killed while stuck)\n"
			"reloads:          %u\n\n"
			"%-8s %-9s %10s %9s  %s\n",
			sb->master_pid, master_alive ? "" : " (not running)",
			(double)(now - sb->started_ms) / 1000.0, total, sb->target_workers, busy,
			idle, served, (unsigned long long)sb->restarts,
			(unsigned long long)sb->recycled, (unsigned long long)sb->timeouts,
			sb->reloads, "pid", "state", "requests", "age(s)", "current/last request");
	}
	for (uint32_t i = 0; i < sb->nslots && i < SCOREBOARD_SLOTS; i++) {
		const struct scoreboard_slot *s = &sb->slots[i];
		char method[sizeof(s->method) + 1], path[sizeof(s->path) + 1];

		if (s->state == SLOT_FREE || s->pid <= 0)
			continue;
		memcpy(method, s->method, sizeof(s->method));
		method[sizeof(s->method)] = '\0';
		memcpy(path, s->path, sizeof(s->path));
		path[sizeof(s->path)] = '\0';
		if (json) {
			cJSON *w = cJSON_CreateObject();

			cJSON_AddNumberToObject(w, "pid", s->pid);
			cJSON_AddStringToObject(w, "state", slot_state_name(s->state));
			cJSON_AddNumberToObject(w, "requests", (double)s->requests);
			cJSON_AddNumberToObject(w, "age_s", (double)(now - s->started_ms) / 1000.0);
			cJSON_AddStringToObject(w, "method", method);
			cJSON_AddStringToObject(w, "path", path);
			cJSON_AddItemToArray(workers, w);
		} else {
			fprintf(out, "%-8d %-9s %10llu %9.0f  %s %s\n", s->pid,
				slot_state_name(s->state), (unsigned long long)s->requests,
				(double)(now - s->started_ms) / 1000.0, method, path);
		}
	}
	if (json) {
		char *text = cJSON_Print(root);

		fprintf(out, "%s\n", text ? text : "{}");
		cJSON_free(text);
		cJSON_Delete(root);
	}
}
