/* test_arena.c - the per-request memory pool (include/souk/arena.h). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "souk/arena.h"
#include "tests.h"

/* Records the order in which deferred cleanups run. */
static int cleanup_log[16];
static size_t cleanup_count;

static void cleanup_record(void *p)
{
	if (cleanup_count < sizeof(cleanup_log) / sizeof(cleanup_log[0]))
		cleanup_log[cleanup_count] = *(int *)p;
	cleanup_count++;
}

static void cleanup_log_clear(void)
{
	memset(cleanup_log, 0, sizeof(cleanup_log));
	cleanup_count = 0;
}

static int is_aligned(const void *p)
{
	return ((uintptr_t)p % 16) == 0;
}

static int all_zero(const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != 0)
			return 0;
	return 1;
}

static void test_init_minimum_block(void)
{
	struct arena a;

	arena_init(&a, 100);
	CU_ASSERT_PTR_NULL(a.head);
	CU_ASSERT_PTR_NULL(a.cleanups);
	CU_ASSERT_EQUAL(a.block_size, 1024); /* small sizes are raised to 1 KiB */
	CU_ASSERT_EQUAL(a.allocated, 0);
	arena_init(&a, 8192);
	CU_ASSERT_EQUAL(a.block_size, 8192);
	arena_destroy(&a); /* destroying an arena that never allocated is fine */
	CU_ASSERT_PTR_NULL(a.head);
}

static void test_alloc_alignment(void)
{
	struct arena a;
	size_t sizes[] = {1, 3, 16, 17, 0, 33, 7, 64, 100, 1};
	void *ptrs[sizeof(sizes) / sizeof(sizes[0])];
	size_t expected = 0;

	arena_init(&a, 1024);
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		ptrs[i] = arena_alloc(&a, sizes[i]);
		CU_ASSERT_PTR_NOT_NULL(ptrs[i]);
		CU_ASSERT_TRUE(is_aligned(ptrs[i]));
		/* each allocation is rounded up to 16, a zero-byte one takes 16 */
		expected += sizes[i] == 0 ? 16 : (sizes[i] + 15) / 16 * 16;
		for (size_t j = 0; j < i; j++)
			CU_ASSERT_PTR_NOT_EQUAL(ptrs[i], ptrs[j]);
	}
	CU_ASSERT_EQUAL(a.allocated, expected);
	CU_ASSERT_EQUAL(expected, 16 + 16 + 16 + 32 + 16 + 48 + 16 + 64 + 112 + 16);
	/* consecutive small allocations are packed in one block */
	CU_ASSERT_PTR_EQUAL((char *)ptrs[1], (char *)ptrs[0] + 16);
	CU_ASSERT_PTR_EQUAL((char *)ptrs[3], (char *)ptrs[2] + 16);
	CU_ASSERT_PTR_EQUAL((char *)ptrs[4], (char *)ptrs[3] + 32);
	/* a long double and a max_align_t can live there */
	long double *ld = arena_alloc(&a, sizeof(long double));
	*ld = 1.5L;
	CU_ASSERT_TRUE(is_aligned(ld));
	CU_ASSERT_TRUE(*ld == 1.5L);
	arena_destroy(&a);
}

static void test_alloc_zeroed(void)
{
	struct arena a;
	unsigned char *p, *q;

	arena_init(&a, 1024);
	p = arena_alloc(&a, 200);
	CU_ASSERT_TRUE(all_zero(p, 200));
	memset(p, 0xAB, 200);
	arena_reset(&a);
	/* the first block is kept: the same memory comes back, zeroed again */
	q = arena_alloc(&a, 200);
	CU_ASSERT_PTR_EQUAL(q, p);
	CU_ASSERT_TRUE(all_zero(q, 200));
	/* an odd size leaves the padding alone but zeroes what was asked for */
	memset(q, 0xCD, 208);
	arena_reset(&a);
	q = arena_alloc(&a, 13);
	CU_ASSERT_TRUE(all_zero(q, 13));
	arena_destroy(&a);
}

static void test_alloc_larger_than_block(void)
{
	struct arena a;
	unsigned char *small, *big, *after;

	arena_init(&a, 1024);
	small = arena_alloc(&a, 32);
	big = arena_alloc(&a, 100000);
	CU_ASSERT_PTR_NOT_NULL(big);
	CU_ASSERT_TRUE(is_aligned(big));
	CU_ASSERT_TRUE(all_zero(big, 100000));
	memset(big, 0x5A, 100000); /* the whole range is writable (ASan checks) */
	CU_ASSERT_EQUAL(big[99999], 0x5A);
	after = arena_alloc(&a, 64);
	CU_ASSERT_TRUE(is_aligned(after));
	CU_ASSERT_TRUE(all_zero(after, 64));
	CU_ASSERT_TRUE(after < big || after >= big + 100000);
	CU_ASSERT_EQUAL(small[0], 0);
	CU_ASSERT_EQUAL(a.allocated, 32 + 100000 + 64);
	/* exactly one block size, and one byte more */
	arena_reset(&a);
	CU_ASSERT_PTR_NOT_NULL(arena_alloc(&a, 1024));
	big = arena_alloc(&a, 1025);
	CU_ASSERT_TRUE(all_zero(big, 1025));
	CU_ASSERT_EQUAL(a.allocated, 1024 + 1040);
	arena_destroy(&a);
}

static void test_many_blocks_then_reset(void)
{
	struct arena a;
	char *first, *p = NULL;

	arena_init(&a, 1024);
	first = arena_alloc(&a, 100);
	strcpy(first, "first");
	for (int i = 0; i < 500; i++) { /* ~56 KiB: many 1 KiB blocks */
		p = arena_alloc(&a, 100);
		memset(p, 'x', 100);
	}
	CU_ASSERT_STRING_EQUAL(first, "first"); /* older blocks are not moved */
	CU_ASSERT_EQUAL(a.allocated, 501 * 112);
	arena_reset(&a);
	CU_ASSERT_EQUAL(a.allocated, 0);
	CU_ASSERT_PTR_NULL(a.cleanups);
	CU_ASSERT_PTR_NOT_NULL(a.head);
	/* the oldest block is the one kept: allocation restarts at its start */
	p = arena_alloc(&a, 100);
	CU_ASSERT_PTR_EQUAL(p, first);
	CU_ASSERT_TRUE(all_zero((unsigned char *)p, 100));
	/* and the arena grows again as before */
	for (int i = 0; i < 100; i++)
		CU_ASSERT_TRUE(is_aligned(arena_alloc(&a, 50)));
	CU_ASSERT_EQUAL(a.allocated, 112 + 100 * 64);
	arena_destroy(&a);
}

static void test_strdup_strndup(void)
{
	struct arena a;
	const char *src = "hello world";
	char buf[16] = "abc\0XYZW";
	char *d;

	arena_init(&a, 1024);
	d = arena_strdup(&a, src);
	CU_ASSERT_PTR_NOT_EQUAL(d, src);
	ASSERT_STR_EQ(d, "hello world");
	CU_ASSERT_PTR_NULL(arena_strdup(&a, NULL));
	ASSERT_STR_EQ(arena_strdup(&a, ""), "");

	d = arena_strndup(&a, src, 5);
	ASSERT_STR_EQ(d, "hello");
	CU_ASSERT_EQUAL(d[5], '\0');
	ASSERT_STR_EQ(arena_strndup(&a, src, 0), "");
	ASSERT_STR_EQ(arena_strndup(&a, src, strlen(src)), "hello world");
	CU_ASSERT_PTR_NULL(arena_strndup(&a, NULL, 4));
	/* a NUL inside the n bytes ends the string */
	ASSERT_STR_EQ(arena_strndup(&a, buf, 8), "abc");
	/* the copy is independent of the source */
	d = arena_strdup(&a, buf);
	buf[0] = 'Z';
	ASSERT_STR_EQ(d, "abc");
	CU_ASSERT_TRUE(is_aligned(d));
	arena_destroy(&a);
}

static void test_printf(void)
{
	struct arena a;
	char *d, *big;
	char expect[5001];

	arena_init(&a, 1024);
	d = arena_printf(&a, "%s-%d-%05.1f|%c", "x", 42, 3.14159, 'z');
	ASSERT_STR_EQ(d, "x-42-003.1|z");
	ASSERT_STR_EQ(arena_printf(&a, "%s", ""), "");
	ASSERT_STR_EQ(arena_printf(&a, "plain"), "plain");
	ASSERT_STR_EQ(arena_printf(&a, "%lld", -9007199254740991LL), "-9007199254740991");
	/* longer than a block */
	memset(expect, 'q', 5000);
	expect[5000] = '\0';
	big = arena_printf(&a, "%s", expect);
	CU_ASSERT_EQUAL(strlen(big), 5000);
	ASSERT_STR_EQ(big, expect);
	/* earlier results survive later ones */
	ASSERT_STR_EQ(d, "x-42-003.1|z");
	arena_destroy(&a);
}

static void test_defer_reverse_order_once(void)
{
	struct arena a;
	int one = 1, two = 2, three = 3, four = 4;

	cleanup_log_clear();
	arena_init(&a, 1024);
	arena_defer(&a, cleanup_record, &one);
	(void)arena_alloc(&a, 2000); /* a new block between registrations */
	arena_defer(&a, cleanup_record, &two);
	arena_defer(&a, cleanup_record, NULL); /* NULL pointers are skipped */
	arena_defer(&a, cleanup_record, &three);
	CU_ASSERT_EQUAL(cleanup_count, 0); /* nothing runs before the reset */
	arena_reset(&a);
	CU_ASSERT_EQUAL(cleanup_count, 3);
	CU_ASSERT_EQUAL(cleanup_log[0], 3);
	CU_ASSERT_EQUAL(cleanup_log[1], 2);
	CU_ASSERT_EQUAL(cleanup_log[2], 1);
	CU_ASSERT_PTR_NULL(a.cleanups);
	/* a second reset runs nothing again */
	arena_reset(&a);
	CU_ASSERT_EQUAL(cleanup_count, 3);
	/* after a reset the arena takes new cleanups; destroy runs them once */
	arena_defer(&a, cleanup_record, &four);
	arena_destroy(&a);
	CU_ASSERT_EQUAL(cleanup_count, 4);
	CU_ASSERT_EQUAL(cleanup_log[3], 4);
	arena_destroy(&a); /* destroying twice is harmless */
	CU_ASSERT_EQUAL(cleanup_count, 4);
}

static void test_defer_frees_heap(void)
{
	struct arena a;

	/* under AddressSanitizer a missed cleanup shows as a leak */
	arena_init(&a, 1024);
	for (int i = 0; i < 50; i++) {
		char *p = malloc(64);

		CU_ASSERT_PTR_NOT_NULL_FATAL(p);
		snprintf(p, 64, "resource %d", i);
		arena_defer(&a, free, p);
	}
	arena_reset(&a);
	arena_defer(&a, free, malloc(10));
	arena_destroy(&a);
	CU_PASS("cleanups released every heap resource");
}

static void test_destroy_then_reinit(void)
{
	struct arena a;
	char *p;

	arena_init(&a, 1024);
	p = arena_strdup(&a, "before");
	ASSERT_STR_EQ(p, "before");
	(void)arena_alloc(&a, 50000);
	arena_destroy(&a);
	CU_ASSERT_PTR_NULL(a.head);
	CU_ASSERT_PTR_NULL(a.cleanups);
	CU_ASSERT_EQUAL(a.allocated, 0);
	arena_init(&a, 2048);
	p = arena_strdup(&a, "after");
	ASSERT_STR_EQ(p, "after");
	CU_ASSERT_EQUAL(a.allocated, 16);
	arena_destroy(&a);
	CU_ASSERT_PTR_NULL(a.head);
}

int suite_arena(void)
{
	static const struct unit_test tests[] = {
	    {"init raises tiny block sizes to 1 KiB", test_init_minimum_block},
	    {"alloc is 16-aligned, rounded and packed", test_alloc_alignment},
	    {"alloc returns zeroed memory, also after reset", test_alloc_zeroed},
	    {"alloc larger than the block size", test_alloc_larger_than_block},
	    {"many blocks, reset keeps the first, reuse", test_many_blocks_then_reset},
	    {"strdup and strndup", test_strdup_strndup},
	    {"printf, including output larger than a block", test_printf},
	    {"defer runs in reverse order, exactly once", test_defer_reverse_order_once},
	    {"defer releases heap resources", test_defer_frees_heap},
	    {"destroy, then re-initialise", test_destroy_then_reinit},
	    {NULL, NULL},
	};

	return tests_register("arena", NULL, NULL, tests);
}
