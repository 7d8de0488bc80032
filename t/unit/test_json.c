#include "tests.h"
int suite_json(void) { return CU_add_suite("json", NULL, NULL) == NULL; }
