/* test_catalog.c - slugs, Content-Disposition (RFC 6266), and the local
 * storage driver's atomic, hashed, size-capped writes. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "souk/arena.h"
#include "souk/catalog.h"
#include "souk/config.h"
#include "souk/err.h"
#include "souk/storage.h"
#include "tests.h"

static struct arena arena;
static struct souk_config cfg;
static char storage_dir[] = "/tmp/souk-unit-storage-XXXXXX";

static int catalog_init(void)
{
	arena_init(&arena, 4096);
	memset(&cfg, 0, sizeof(cfg));
	if (mkdtemp(storage_dir) == NULL)
		return 1;
	cfg.storage_dir = storage_dir;
	cfg.storage_driver = "local";
	return 0;
}

static void remove_tree(const char *path)
{
	char cmd[512];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", path);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", path);
}

static int catalog_cleanup(void)
{
	arena_destroy(&arena);
	remove_tree(storage_dir);
	return 0;
}

static void test_slugify(void)
{
	static const struct {
		const char *title, *slug;
	} cases[] = {
	    {"Bazaar: E-commerce UI Kit for Figma", "bazaar-e-commerce-ui-kit-for-figma"},
	    {"Café Guide to Notion", "cafe-guide-to-notion"},
	    {"  --Hello,   World!!  ", "hello-world"},
	    {"ÀÉÎÕÜ straße Æsir", "aeiou-strasse-aesir"},
	    {"GST 2026 — a guide (₹)", "gst-2026-a-guide"},
	    {"हिन्दी पुस्तक", "product"},
	    {"", "product"},
	    {"2026", "2026"},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		ASSERT_STR_EQ(catalog_slugify(&arena, cases[i].title), cases[i].slug);

	/* long titles: at most 80 characters, never ending in a dash */
	char title[400];
	memset(title, 0, sizeof(title));
	for (int i = 0; i < 40; i++)
		strcat(title, "word ");
	char *slug = catalog_slugify(&arena, title);
	CU_ASSERT(strlen(slug) <= 80);
	CU_ASSERT(slug[strlen(slug) - 1] != '-');
	CU_ASSERT(strncmp(slug, "word-word-", 10) == 0);
	arena_reset(&arena);
}

static void test_content_disposition(void)
{
	static const struct {
		const char *name, *header;
	} cases[] = {
	    {"guide.pdf", "attachment; filename=\"guide.pdf\"; filename*=UTF-8''guide.pdf"},
	    {"Final Report (v2).pdf", "attachment; filename=\"Final Report (v2).pdf\"; "
				      "filename*=UTF-8''Final%20Report%20%28v2%29.pdf"},
	    /* quotes, backslashes and percent never reach the quoted form */
	    {"a \"b\" \\c 100%.txt", "attachment; filename=\"a _b_ _c 100_.txt\"; "
				     "filename*=UTF-8''a%20%22b%22%20%5Cc%20100%25.txt"},
	    /* one '_' per character outside ASCII; the UTF-8 bytes encoded */
	    {"naïve €5.zip",
	     "attachment; filename=\"na_ve _5.zip\"; filename*=UTF-8''na%C3%AFve%20%E2%82%AC5.zip"},
	    {"रसोई.pdf", "attachment; filename=\"____.pdf\"; "
			 "filename*=UTF-8''%E0%A4%B0%E0%A4%B8%E0%A5%8B%E0%A4%88.pdf"},
	    /* RFC 5987 attr-chars stay as they are */
	    {"a!#$&+-.^_`|~b",
	     "attachment; filename=\"a!#$&+-.^_`|~b\"; filename*=UTF-8''a!#$&+-.^_`|~b"},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		ASSERT_STR_EQ(storage_content_disposition(&arena, cases[i].name), cases[i].header);
	ASSERT_STR_EQ(storage_accel_path(&arena, "products/a/b.pdf"), "/_files/products/a/b.pdf");
	arena_reset(&arena);
}

/* A reader over a fixed buffer, in chunks of at most step bytes, that fails
 * after fail_after bytes when fail_after >= 0. */
struct mem_reader {
	const char *data;
	size_t len, pos, step;
	long fail_after;
};

static long mem_read(void *ctx, char *buf, size_t n)
{
	struct mem_reader *m = ctx;
	size_t take = m->len - m->pos;

	if (m->fail_after >= 0 && m->pos >= (size_t)m->fail_after)
		return -1;
	if (take > n)
		take = n;
	if (take > m->step)
		take = m->step;
	memcpy(buf, m->data + m->pos, take);
	m->pos += take;
	return (long)take;
}

/* Files left in storage/.uploads (temporary files that were not cleaned). */
static int leftover_uploads(void)
{
	char path[512];
	DIR *d;
	struct dirent *e;
	int n = 0;

	snprintf(path, sizeof(path), "%s/.uploads", storage_dir);
	d = opendir(path);
	if (d == NULL)
		return 0;
	while ((e = readdir(d)) != NULL)
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n;
}

static void test_local_store(void)
{
	struct storage_written out;
	struct mem_reader m = {"abc", 3, 0, 1, -1};
	char path[512], got[16] = "";
	struct stat st;
	FILE *f;

	/* the SHA-256 of "abc" (FIPS 180-2), fed one byte at a time */
	CU_ASSERT_EQUAL(storage_store(&cfg, &arena, "products/p1/f1/abc.txt", "text/plain",
				      mem_read, &m, 100, &out),
			SOUK_OK);
	ASSERT_STR_EQ(out.sha256,
		      "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	CU_ASSERT_EQUAL(out.size, 3);
	CU_ASSERT_EQUAL(out.head_len, 3);
	CU_ASSERT(memcmp(out.head, "abc", 3) == 0);
	snprintf(path, sizeof(path), "%s/products/p1/f1/abc.txt", storage_dir);
	f = fopen(path, "rb");
	CU_ASSERT_PTR_NOT_NULL(f);
	if (f != NULL) {
		CU_ASSERT_EQUAL(fread(got, 1, sizeof(got), f), 3);
		fclose(f);
	}
	CU_ASSERT(memcmp(got, "abc", 3) == 0);
	CU_ASSERT(stat(path, &st) == 0 && (st.st_mode & 0777) == 0644);
	CU_ASSERT_EQUAL(leftover_uploads(), 0);

	/* the empty input (SHA-256 of "") */
	struct mem_reader empty = {"", 0, 0, 1, -1};
	CU_ASSERT_EQUAL(
	    storage_store(&cfg, &arena, "products/p1/f2/empty", NULL, mem_read, &empty, 100, &out),
	    SOUK_OK);
	ASSERT_STR_EQ(out.sha256,
		      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");

	/* past the cap: nothing stored, nothing left behind */
	char big[5000];
	memset(big, 'x', sizeof(big));
	struct mem_reader over = {big, sizeof(big), 0, 1024, -1};
	CU_ASSERT_EQUAL(
	    storage_store(&cfg, &arena, "products/p1/f3/big", NULL, mem_read, &over, 4999, &out),
	    SOUK_ETOOLARGE);
	snprintf(path, sizeof(path), "%s/products/p1/f3/big", storage_dir);
	CU_ASSERT(access(path, F_OK) != 0);
	CU_ASSERT_EQUAL(leftover_uploads(), 0);

	/* a reader that breaks (the client went away) */
	struct mem_reader broken = {big, sizeof(big), 0, 1024, 2048};
	CU_ASSERT_EQUAL(storage_store(&cfg, &arena, "products/p1/f4/broken", NULL, mem_read,
				      &broken, 10000, &out),
			SOUK_EMALFORMED);
	CU_ASSERT_EQUAL(leftover_uploads(), 0);

	/* keys that could leave the storage directory are refused before any I/O */
	struct mem_reader again = {"abc", 3, 0, 3, -1};
	CU_ASSERT_EQUAL(storage_store(&cfg, &arena, "../escape", NULL, mem_read, &again, 100, &out),
			SOUK_EINVALID);
	CU_ASSERT_EQUAL(
	    storage_store(&cfg, &arena, "/etc/passwd", NULL, mem_read, &again, 100, &out),
	    SOUK_EINVALID);
	CU_ASSERT_EQUAL(storage_delete(&cfg, &arena, "products/../../x"), SOUK_EINVALID);

	/* delete: gone, and deleting again is fine */
	CU_ASSERT_EQUAL(storage_delete(&cfg, &arena, "products/p1/f1/abc.txt"), SOUK_OK);
	snprintf(path, sizeof(path), "%s/products/p1/f1/abc.txt", storage_dir);
	CU_ASSERT(access(path, F_OK) != 0);
	CU_ASSERT_EQUAL(storage_delete(&cfg, &arena, "products/p1/f1/abc.txt"), SOUK_OK);

	/* the emptied folder goes with the file; its parent stays while it holds
	 * another file's folder, then goes too; the top level stays */
	snprintf(path, sizeof(path), "%s/products/p1/f1", storage_dir);
	CU_ASSERT(access(path, F_OK) != 0);
	snprintf(path, sizeof(path), "%s/products/p1", storage_dir);
	CU_ASSERT(access(path, F_OK) == 0);
	CU_ASSERT_EQUAL(storage_delete(&cfg, &arena, "products/p1/f2/empty"), SOUK_OK);
	CU_ASSERT(access(path, F_OK) != 0);
	snprintf(path, sizeof(path), "%s/products", storage_dir);
	CU_ASSERT(access(path, F_OK) == 0);
	arena_reset(&arena);
}

int suite_catalog(void)
{
	CU_pSuite s = CU_add_suite("catalog", catalog_init, catalog_cleanup);

	if (s == NULL)
		return -1;
	if (CU_add_test(s, "slugs from titles", test_slugify) == NULL ||
	    CU_add_test(s, "Content-Disposition per RFC 6266", test_content_disposition) == NULL ||
	    CU_add_test(s, "local storage: atomic, hashed, capped", test_local_store) == NULL)
		return -1;
	return 0;
}
