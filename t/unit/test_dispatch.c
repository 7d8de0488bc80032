#include "tests.h"
int suite_dispatch(void) { return CU_add_suite("dispatch", NULL, NULL) == NULL; }
