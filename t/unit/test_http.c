#include "tests.h"
int suite_http(void) { return CU_add_suite("http", NULL, NULL) == NULL; }
