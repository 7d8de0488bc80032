#include "tests.h"
int suite_err(void) { return CU_add_suite("err", NULL, NULL) == NULL; }
