/* tests.h - suite registration for the unit test runner (t/unit/main.c). */
#ifndef SOUK_TESTS_H
#define SOUK_TESTS_H

#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>

/* Each test_*.c exposes one function that adds its suite; 0 on success. */
int suite_arena(void);
int suite_str(void);
int suite_http(void);
int suite_router(void);
int suite_json(void);
int suite_config(void);
int suite_err(void);
int suite_dispatch(void);
int suite_oauth(void);
int suite_auth(void);
int suite_sigv4(void);
int suite_catalog(void);
int suite_search(void);
int suite_core(void);
int suite_commerce(void);
int suite_invoice_pdf(void);
int suite_mail(void);
int suite_cms_html(void);

/*
 * NULL-safe string assertions: CUnit's CU_ASSERT_STRING_EQUAL passes NULL to
 * strcmp. These fail (never crash) when either side is NULL, and never abort
 * the test, so a failing case still reaches its cleanup (no leak reports
 * under AddressSanitizer on top of the real failure).
 */
#define ASSERT_STR_EQ(actual, expected)                                                            \
	do {                                                                                       \
		const char *assert_a_ = (actual), *assert_e_ = (expected);                         \
		CU_assertImplementation(assert_a_ != NULL && assert_e_ != NULL &&                  \
					    strcmp(assert_a_, assert_e_) == 0,                     \
					__LINE__, "ASSERT_STR_EQ(" #actual ", " #expected ")",     \
					__FILE__, "", CU_FALSE);                                   \
	} while (0)

#define ASSERT_STR_CONTAINS(haystack, needle)                                                      \
	do {                                                                                       \
		const char *assert_h_ = (haystack), *assert_n_ = (needle);                         \
		CU_assertImplementation(assert_h_ != NULL && assert_n_ != NULL &&                  \
					    strstr(assert_h_, assert_n_) != NULL,                  \
					__LINE__,                                                  \
					"ASSERT_STR_CONTAINS(" #haystack ", " #needle ")",         \
					__FILE__, "", CU_FALSE);                                   \
	} while (0)

#define ASSERT_STR_NOT_CONTAINS(haystack, needle)                                                  \
	do {                                                                                       \
		const char *assert_h_ = (haystack), *assert_n_ = (needle);                         \
		CU_assertImplementation(assert_h_ != NULL && assert_n_ != NULL &&                  \
					    strstr(assert_h_, assert_n_) == NULL,                  \
					__LINE__,                                                  \
					"ASSERT_STR_NOT_CONTAINS(" #haystack ", " #needle ")",     \
					__FILE__, "", CU_FALSE);                                   \
	} while (0)

/* Adds tests[] (NULL-terminated {name, fn}) to a new suite; 0 on success. */
struct unit_test {
	const char *name;
	CU_TestFunc fn;
};

static inline int tests_register(const char *suite, CU_InitializeFunc init, CU_CleanupFunc cleanup,
				 const struct unit_test *tests)
{
	CU_pSuite s = CU_add_suite(suite, init, cleanup);

	if (s == NULL)
		return 1;
	for (const struct unit_test *t = tests; t->name != NULL; t++)
		if (CU_add_test(s, t->name, t->fn) == NULL)
			return 1;
	return 0;
}

/* Removes every SOUK_* variable from the environment, so a developer's shell
 * (or an earlier test) cannot leak settings into a test. */
extern char **environ;
static inline void tests_clear_souk_env(void)
{
	int again = 1;

	/* unsetenv() reshuffles environ: rescan from the start after each one */
	while (again) {
		again = 0;
		for (char **e = environ; e != NULL && *e != NULL; e++) {
			if (strncmp(*e, "SOUK_", 5) == 0) {
				const char *eq = strchr(*e, '=');
				char name[256];
				size_t n = eq ? (size_t)(eq - *e) : strlen(*e);

				if (n >= sizeof(name))
					n = sizeof(name) - 1;
				memcpy(name, *e, n);
				name[n] = '\0';
				unsetenv(name);
				again = 1;
				break;
			}
		}
	}
}

#endif
