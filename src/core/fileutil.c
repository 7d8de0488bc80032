/* fileutil.c - whole-file reads, SQL file listing, mkdir -p, atomic copy. */
#include "souk/fileutil.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "souk/arena.h"
#include "souk/err.h"

int file_read_all(struct arena *a, const char *path, size_t max, char **out, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	size_t got = 0;
	char *data;

	if (fd < 0)
		return errno == ENOENT ? SOUK_ENOTFOUND : SOUK_EIO;
	if (fstat(fd, &st) != 0) {
		close(fd);
		return SOUK_EIO;
	}
	if ((size_t)st.st_size > max) {
		close(fd);
		return SOUK_ETOOLARGE;
	}
	data = arena_alloc(a, (size_t)st.st_size + 1);
	while (got < (size_t)st.st_size) {
		ssize_t n = read(fd, data + got, (size_t)st.st_size - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	if (got != (size_t)st.st_size)
		return SOUK_EIO;
	data[got] = '\0';
	*out = data;
	*len = got;
	return SOUK_OK;
}

static int sql_name_filter(const struct dirent *e)
{
	const char *s = e->d_name;
	size_t n = strlen(s), i = 0;

	while (isdigit((unsigned char)s[i]))
		i++;
	if (i == 0 || s[i] != '_' || n < i + 6 || strcmp(s + n - 4, ".sql") != 0)
		return 0;
	for (i++; i < n - 4; i++)
		if (!(islower((unsigned char)s[i]) || isdigit((unsigned char)s[i]) || s[i] == '_' ||
		      s[i] == '-'))
			return 0;
	return 1;
}

int file_list_sql(struct arena *a, const char *dir, char ***names, size_t *n)
{
	struct dirent **list;
	int count = scandir(dir, &list, sql_name_filter, alphasort);
	char **out;

	if (count < 0)
		return SOUK_EIO;
	out = arena_alloc(a, ((size_t)count + 1) * sizeof(*out));
	for (int i = 0; i < count; i++) {
		out[i] = arena_strdup(a, list[i]->d_name);
		free(list[i]);
	}
	free(list);
	*names = out;
	*n = (size_t)count;
	return SOUK_OK;
}

int file_mkdirs(const char *path, mode_t mode)
{
	char buf[4096];
	size_t len = strlen(path);

	if (len == 0 || len >= sizeof(buf))
		return SOUK_EIO;
	memcpy(buf, path, len + 1);
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, mode) != 0 && errno != EEXIST)
			return SOUK_EIO;
		*p = '/';
	}
	if (mkdir(buf, mode) != 0 && errno != EEXIST)
		return SOUK_EIO;
	return SOUK_OK;
}

int file_copy_atomic(const char *src, const char *dst)
{
	char dir[4096], tmp[4200], chunk[65536];
	const char *slash = strrchr(dst, '/');
	int in = -1, out = -1, rc = SOUK_EIO;
	ssize_t n;

	if (slash == NULL || (size_t)(slash - dst) >= sizeof(dir))
		return SOUK_EIO;
	memcpy(dir, dst, (size_t)(slash - dst));
	dir[slash - dst] = '\0';
	if (file_mkdirs(dir, 0755) != SOUK_OK)
		return SOUK_EIO;
	snprintf(tmp, sizeof(tmp), "%s/.tmp-%ld-XXXXXX", dir, (long)getpid());
	in = open(src, O_RDONLY | O_CLOEXEC);
	if (in < 0)
		goto out;
	out = mkstemp(tmp);
	if (out < 0)
		goto out;
	while ((n = read(in, chunk, sizeof(chunk))) > 0)
		if (write(out, chunk, (size_t)n) != n)
			goto out;
	if (n < 0 || fchmod(out, 0644) != 0 || fsync(out) != 0)
		goto out;
	if (close(out) != 0) {
		out = -1;
		goto out;
	}
	out = -1;
	if (rename(tmp, dst) != 0)
		goto out;
	rc = SOUK_OK;
out:
	if (in >= 0)
		close(in);
	if (out >= 0)
		close(out);
	if (rc != SOUK_OK)
		unlink(tmp);
	return rc;
}
