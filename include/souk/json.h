/*
 * json.h - cJSON tied to the request arena, and declarative input validation.
 *
 * Handlers turn a JSON body into a typed C struct through a table of fields
 * and rules (validate_json); the module below never sees unchecked input.
 * Every failing field gets a message in one errors object, so the client sees
 * all problems at once as a 422 {"error":{"code":"validation_failed",
 * "fields":{...}}}.
 */
#ifndef SOUK_JSON_H
#define SOUK_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

struct arena;

/* New object/array whose tree is deleted at the next arena reset. */
cJSON *json_new_object(struct arena *arena);
cJSON *json_new_array(struct arena *arena);

/*
 * Parses text[0..len) as a JSON object. Returns SOUK_OK with *out (owned by
 * the arena), or SOUK_EMALFORMED with a reason in *why (static string) when
 * the text is not UTF-8, not JSON, not an object, is followed by anything but
 * JSON whitespace, or holds a \u0000 escape (which would cut C strings short).
 */
int json_parse_object(struct arena *arena, const char *text, size_t len, cJSON **out,
		      const char **why);

enum validate_type {
	VALIDATE_STRING, /* const char * (trimmed, UTF-8), min/max in characters */
	VALIDATE_EMAIL,  /* const char * lower-cased, a plausible address */
	VALIDATE_INT,    /* long long in [min, max] */
	VALIDATE_BOOL,   /* bool */
	VALIDATE_UUID,   /* const char * canonical lower-case UUID */
	VALIDATE_SLUG,   /* const char * [a-z0-9] words joined by single dashes */
};

struct validate_field {
	const char *name;       /* JSON member */
	enum validate_type type;
	bool required;
	long long min, max;     /* VALIDATE_INT: the range [min, max] (use LLONG_MAX for
				 * none); strings: length in characters, max 0 = no limit */
	size_t offset;          /* where in the output struct the value goes */
};

/*
 * Checks obj against fields[0..n) and stores each present, valid value into
 * out at its offset; bit i of *present is set when fields[i] was given (for
 * PATCH). Returns SOUK_OK, or SOUK_EINVALID with *errors (arena-owned object
 * field -> message). Members not in the table are ignored.
 */
int validate_json(struct arena *arena, const cJSON *obj, const struct validate_field *fields,
		  size_t n, void *out, uint64_t *present, cJSON **errors);

/* The string member `name` of obj exactly as sent (case-sensitive lookup,
 * like validate_json, so {"Password":1,"password":"x"} cannot smuggle a
 * different member past validation), or NULL when absent or not a string. */
const char *json_string_member(const cJSON *obj, const char *name);

/* Single checks, reused by validate_json and by handlers. */
bool validate_email(const char *s);
bool validate_uuid(const char *s);
bool validate_slug(const char *s);
/* Number of UTF-8 characters in s (s must be valid UTF-8). */
size_t utf8_length(const char *s);

#endif
