#include "tests.h"
int suite_config(void) { return CU_add_suite("config", NULL, NULL) == NULL; }
