/* main.c - runs every CUnit suite; exit status is the number of failures. */
#include <stdio.h>

#include <CUnit/Basic.h>

#include "tests.h"

int main(void)
{
	int (*suites[])(void) = {suite_arena,	suite_str,     suite_http,     suite_router,
				 suite_json,	suite_config,  suite_err,      suite_dispatch,
				 suite_oauth,	suite_auth,    suite_sigv4,    suite_search,
				 suite_catalog, suite_core,    suite_commerce, suite_invoice_pdf,
				 suite_mail,	suite_cms_html};
	unsigned failures;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	for (size_t i = 0; i < sizeof(suites) / sizeof(suites[0]); i++)
		if (suites[i]() != 0) {
			fprintf(stderr, "cannot register suite %zu: %s\n", i, CU_get_error_msg());
			CU_cleanup_registry();
			return 1;
		}
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failures = CU_get_number_of_failures() + CU_get_number_of_tests_failed();
	CU_cleanup_registry();
	return failures == 0 ? 0 : 1;
}
