/* tests.h - suite registration for the unit test runner (t/unit/main.c). */
#ifndef SOUK_TESTS_H
#define SOUK_TESTS_H

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

#endif
