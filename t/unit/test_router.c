#include "tests.h"
int suite_router(void) { return CU_add_suite("router", NULL, NULL) == NULL; }
