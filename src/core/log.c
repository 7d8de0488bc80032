/* log.c - JSON line logger on stderr. */
#include "souk/log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "souk/str.h"

static enum log_level min_level = LOG_INFO;
static const char *const level_names[] = {"debug", "info", "warn", "error"};

void log_set_level(const char *name)
{
	for (int i = LOG_DEBUG; i <= LOG_ERROR; i++)
		if (name != NULL && strcmp(name, level_names[i]) == 0)
			min_level = (enum log_level)i;
}

static void log_timestamp(char *out, size_t len)
{
	struct timespec ts;
	struct tm tm;

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	snprintf(out, len, "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ", tm.tm_year + 1900, tm.tm_mon + 1,
		 tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (ts.tv_nsec / 1000000) % 1000);
}

static void log_write(struct buf *b)
{
	/* the cap leaves room for the longest request line nginx accepts, escaped */
	buf_appends(b, "}\n");
	if (b->data != NULL) {
		ssize_t n = write(STDERR_FILENO, b->data, b->len);

		(void)n;
	}
	buf_free(b);
}

static void log_begin(struct buf *b, const char *level)
{
	char ts[64];

	log_timestamp(ts, sizeof(ts));
	buf_init(b, 65536);
	buf_appends(b, "{\"ts\":\"");
	buf_appends(b, ts);
	buf_appends(b, "\",\"level\":\"");
	buf_appends(b, level);
	buf_appends(b, "\",\"pid\":");
	char pid[24];

	snprintf(pid, sizeof(pid), "%ld", (long)getpid());
	buf_appends(b, pid);
}

void log_msg(enum log_level level, const char *fmt, ...)
{
	char msg[4096];
	struct buf b;
	va_list ap;

	if (level < min_level)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	log_begin(&b, level_names[level]);
	buf_appends(&b, ",\"msg\":\"");
	buf_append_json_escaped(&b, msg);
	buf_appends(&b, "\"");
	log_write(&b);
}

void log_request(const char *request_id, const char *method, const char *path, int status,
		 double ms, unsigned long bytes)
{
	char num[64];
	struct buf b;

	if (LOG_INFO < min_level)
		return;
	log_begin(&b, "info");
	buf_appends(&b, ",\"msg\":\"request\",\"id\":\"");
	buf_append_json_escaped(&b, request_id ? request_id : "");
	buf_appends(&b, "\",\"method\":\"");
	buf_append_json_escaped(&b, method ? method : "");
	buf_appends(&b, "\",\"path\":\"");
	buf_append_json_escaped(&b, path ? path : "");
	snprintf(num, sizeof(num), "\",\"status\":%d,\"ms\":%.3f,\"bytes\":%lu", status, ms, bytes);
	buf_appends(&b, num);
	log_write(&b);
}
