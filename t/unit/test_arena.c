#include "tests.h"
int suite_arena(void) { return CU_add_suite("arena", NULL, NULL) == NULL; }
