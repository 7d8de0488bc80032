/*
 * json.h - cJSON tied to the request arena, and declarative input validation.
 *
 * Handlers turn a JSON body into a typed C struct (and, for partial updates,
 * a normalised JSON object) through a table of fields and rules
 * (validate_json, or http_validate() for a request body); the module below
 * never sees unchecked input. Unknown members of a request body are errors.
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

/* Registers item (a tree not attached to another) for cJSON_Delete at the
 * next arena reset and returns it; aborts on NULL (out of memory). */
cJSON *json_own(struct arena *arena, cJSON *item);

/* item serialised without whitespace, in the arena (the cJSON buffer is
 * freed at the reset). Aborts when out of memory. */
char *json_print(struct arena *arena, const cJSON *item);

/*
 * Parses text[0..len) as a JSON object. Returns SOUK_OK with *out (owned by
 * the arena), or SOUK_EMALFORMED with a reason in *why (static string) when
 * the text is not UTF-8, not JSON, not an object, is followed by anything but
 * JSON whitespace, or holds a \u0000 escape (which would cut C strings short).
 */
int json_parse_object(struct arena *arena, const char *text, size_t len, cJSON **out,
		      const char **why);

enum validate_type {
	VALIDATE_STRING,    /* const char *: trimmed, one line (no control characters) */
	VALIDATE_TEXT,	    /* const char *: as sent (not trimmed); tabs and newlines allowed */
	VALIDATE_EMAIL,	    /* const char *: trimmed, lower-cased, a plausible address */
	VALIDATE_UUID,	    /* const char *: canonical lower-case UUID */
	VALIDATE_SLUG,	    /* const char *: lower-cased [a-z0-9] words joined by single dashes */
	VALIDATE_CURRENCY,  /* const char *: an ISO 4217 code, upper-cased */
	VALIDATE_URL,	    /* const char *: https://... or a path on this site ("/media/...") */
	VALIDATE_INT,	    /* long long in [min, max] */
	VALIDATE_BOOL,	    /* bool */
	VALIDATE_SLUG_LIST, /* const cJSON *: array of slugs (each <= 100 characters), duplicates
			     * dropped, at most max items */
	VALIDATE_URL_LIST,  /* const cJSON *: array of VALIDATE_URL (each <= 2000), at most max */
	VALIDATE_OBJECT,    /* const cJSON *: an object of at most max members (0: any), its
			     * contents checked by the caller (CMS blocks, links) */
	VALIDATE_ARRAY,	    /* const cJSON *: an array of at most max items (0: any), the same */
};

enum validate_flags {
	VALIDATE_REQUIRED = 1 << 0, /* absent or null is "is required" */
	VALIDATE_NULLABLE = 1 << 1, /* null is a value (it clears): kept in the normal object,
				     * nothing stored in out */
};

/* Stores nothing into the output struct (the value is only in the normal object). */
#define VALIDATE_NO_STORE ((size_t)-1)

struct validate_field {
	const char *name; /* JSON member (case-sensitive) */
	enum validate_type type;
	unsigned flags;	    /* enum validate_flags */
	long long min, max; /* VALIDATE_INT: the range [min, max] (LLONG_MAX for none);
			     * strings: length in characters, max 0 = no limit;
			     * lists: max items */
	size_t offset;	    /* where in the output struct the value goes, or
			     * VALIDATE_NO_STORE */
};

enum validate_mode {
	VALIDATE_IGNORE_UNKNOWN = 0, /* members not in the table are skipped (provider answers) */
	VALIDATE_REJECT_UNKNOWN = 1, /* members not in the table are errors: a misspelt field is
				      * never silently ignored (every request body) */
};

/* What validate_json() found besides the values it stored. */
struct validate_result {
	uint64_t present; /* bit i set when fields[i] was given (null counts for NULLABLE) */
	cJSON *normal;	  /* the given members, validated and normalised (arena-owned):
			   * what a PATCH applies */
	cJSON *errors;	  /* member -> message (arena-owned), NULL when all is valid */
};

/*
 * Checks obj against fields[0..n) and stores each given, valid value into
 * out at its offset (out may be NULL when every offset is VALIDATE_NO_STORE).
 * A non-nullable field given as null is an error ("must not be null"). Every
 * problem gets a message in result->errors, so a client sees them all at
 * once. Returns SOUK_OK, or SOUK_EINVALID. result may be NULL.
 */
int validate_json(struct arena *arena, const cJSON *obj, const struct validate_field *fields,
		  size_t n, unsigned mode, void *out, struct validate_result *result);

/* The string member `name` of obj exactly as sent (case-sensitive lookup,
 * like validate_json, so {"Password":1,"password":"x"} cannot smuggle a
 * different member past validation), or NULL when absent or not a string. */
const char *json_string_member(const cJSON *obj, const char *name);

/* Single checks, reused by validate_json and by handlers. */
bool validate_email(const char *s);
bool validate_uuid(const char *s);
bool validate_slug(const char *s);
/* https://... anywhere or a path on this site ("/media/..."), with no blanks,
 * quotes, backslashes or angle brackets. */
bool validate_url(const char *s);
/* Number of UTF-8 characters in s (s must be valid UTF-8). */
size_t utf8_length(const char *s);

#endif
