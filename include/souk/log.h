/*
 * log.h - structured logging: one JSON object per line on stderr.
 *
 * The pool master redirects stderr to the log file; each line is written with
 * one write(2) so lines from concurrent workers never interleave. Callers must
 * not log secrets (passwords, tokens, keys, full conninfo).
 */
#ifndef SOUK_LOG_H
#define SOUK_LOG_H

enum log_level { LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERROR };

/* Sets the minimum level from "debug" | "info" | "warn" | "error". */
void log_set_level(const char *name);

/* Logs msg (printf format) at level with the process id and a timestamp. */
void log_msg(enum log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The per-request access line: id, method, path, status, ms, bytes. */
void log_request(const char *request_id, const char *method, const char *path, int status,
		 double ms, unsigned long bytes);

#endif
