/* json.c - arena-owned cJSON and the field validator. */
#include "souk/json.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "souk/arena.h"
#include "souk/err.h"
#include "souk/str.h"

static void json_delete(void *p)
{
	cJSON_Delete(p);
}

static cJSON *json_own(struct arena *arena, cJSON *item)
{
	if (item == NULL) {
		fprintf(stderr, "{\"level\":\"fatal\",\"msg\":\"out of memory\"}\n");
		abort();
	}
	arena_defer(arena, json_delete, item);
	return item;
}

cJSON *json_new_object(struct arena *arena)
{
	return json_own(arena, cJSON_CreateObject());
}

cJSON *json_new_array(struct arena *arena)
{
	return json_own(arena, cJSON_CreateArray());
}

/* True when a JSON string in text holds the escape \u0000: cJSON would store
 * a NUL that silently cuts the C string short. */
static bool json_has_nul_escape(const char *text, size_t len)
{
	bool in_string = false;

	for (size_t i = 0; i < len; i++) {
		if (!in_string) {
			in_string = text[i] == '"';
		} else if (text[i] == '"') {
			in_string = false;
		} else if (text[i] == '\\' && i + 1 < len) {
			if (text[i + 1] == 'u' && i + 5 < len && strncmp(text + i + 2, "0000", 4) == 0)
				return true;
			i++; /* skip the escaped character */
		}
	}
	return false;
}

int json_parse_object(struct arena *arena, const char *text, size_t len, cJSON **out,
		      const char **why)
{
	const char *end = NULL;
	cJSON *root;

	if (!str_is_utf8(text, len)) {
		*why = "The body is not valid UTF-8.";
		return SOUK_EMALFORMED;
	}
	if (json_has_nul_escape(text, len)) {
		*why = "The body contains a \\u0000 escape, which is not accepted.";
		return SOUK_EMALFORMED;
	}
	root = cJSON_ParseWithLengthOpts(text, len, &end, false);
	if (root == NULL) {
		*why = "The body is not valid JSON.";
		return SOUK_EMALFORMED;
	}
	arena_defer(arena, json_delete, root);
	/* only JSON whitespace may follow the value; a NUL byte is data too */
	while (end != NULL && end < text + len &&
	       (*end == ' ' || *end == '\t' || *end == '\r' || *end == '\n'))
		end++;
	if (end == NULL || end < text + len) {
		*why = "The body has data after the JSON value.";
		return SOUK_EMALFORMED;
	}
	if (!cJSON_IsObject(root)) {
		*why = "The body must be a JSON object.";
		return SOUK_EMALFORMED;
	}
	*out = root;
	return SOUK_OK;
}

const char *json_string_member(const cJSON *obj, const char *name)
{
	const cJSON *item = obj ? cJSON_GetObjectItemCaseSensitive(obj, name) : NULL;

	return cJSON_IsString(item) ? item->valuestring : NULL;
}

size_t utf8_length(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		if (((unsigned char)*s & 0xC0) != 0x80)
			n++;
	return n;
}

bool validate_email(const char *s)
{
	const char *at = strchr(s, '@'), *dot;
	size_t len = strlen(s);

	if (len < 3 || len > 254 || at == NULL || at == s || strchr(at + 1, '@') != NULL)
		return false;
	if ((size_t)(at - s) > 64)
		return false;
	for (const char *c = s; *c; c++)
		if ((unsigned char)*c <= ' ' || *c == '<' || *c == '>' || *c == ',' || *c == '"' ||
		    *c == '(' || *c == ')' || *c == ';' || *c == '\\' || (unsigned char)*c >= 0x7f)
			return false;
	dot = strrchr(at + 1, '.');
	return dot != NULL && dot > at + 1 && dot[1] != '\0' && strstr(at, "..") == NULL;
}

bool validate_uuid(const char *s)
{
	if (strlen(s) != 36)
		return false;
	for (int i = 0; i < 36; i++) {
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (s[i] != '-')
				return false;
		} else if (!isxdigit((unsigned char)s[i])) {
			return false;
		}
	}
	return true;
}

bool validate_slug(const char *s)
{
	if (*s == '\0' || *s == '-')
		return false;
	for (const char *c = s; *c; c++)
		if (!((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') ||
		      (*c == '-' && c[1] != '-')))
			return false;
	return s[strlen(s) - 1] != '-';
}

static const char *validate_one(struct arena *arena, const struct validate_field *f,
				const cJSON *item, void *slot)
{
	switch (f->type) {
	case VALIDATE_STRING:
	case VALIDATE_EMAIL:
	case VALIDATE_UUID:
	case VALIDATE_SLUG: {
		char *v;
		size_t chars;

		if (!cJSON_IsString(item))
			return "must be a string";
		v = str_trim(arena_strdup(arena, item->valuestring));
		chars = utf8_length(v);
		if (f->type == VALIDATE_EMAIL) {
			for (char *c = v; *c; c++)
				*c = (char)tolower((unsigned char)*c);
			if (!validate_email(v))
				return "must be a valid e-mail address";
		} else if (f->type == VALIDATE_UUID) {
			for (char *c = v; *c; c++)
				*c = (char)tolower((unsigned char)*c);
			if (!validate_uuid(v))
				return "must be a UUID";
		} else if (f->type == VALIDATE_SLUG && !validate_slug(v)) {
			return "may contain only lower-case letters, digits and single dashes";
		}
		if (f->type != VALIDATE_UUID && f->type != VALIDATE_EMAIL) {
			if ((long long)chars < f->min)
				return f->min <= 1 ? "must not be empty"
						   : arena_printf(arena, "must be at least %lld characters", f->min);
			if (f->max > 0 && (long long)chars > f->max)
				return arena_printf(arena, "must be at most %lld characters", f->max);
		}
		for (const char *c = v; *c; c++)
			if ((unsigned char)*c < 0x20 && *c != '\n' && *c != '\t' && *c != '\r')
				return "must not contain control characters";
		*(const char **)slot = v;
		return NULL;
	}
	case VALIDATE_INT: {
		double d;

		if (!cJSON_IsNumber(item))
			return "must be a number";
		d = item->valuedouble;
		if (d != floor(d) || d < -9007199254740991.0 || d > 9007199254740991.0)
			return "must be a whole number";
		if ((long long)d < f->min || (long long)d > f->max)
			return arena_printf(arena, "must be between %lld and %lld", f->min, f->max);
		*(long long *)slot = (long long)d;
		return NULL;
	}
	case VALIDATE_BOOL:
		if (!cJSON_IsBool(item))
			return "must be true or false";
		*(bool *)slot = cJSON_IsTrue(item);
		return NULL;
	}
	return "has an unknown rule";
}

int validate_json(struct arena *arena, const cJSON *obj, const struct validate_field *fields,
		  size_t n, void *out, uint64_t *present, cJSON **errors)
{
	cJSON *errs = NULL;
	uint64_t seen = 0;

	for (size_t i = 0; i < n; i++) {
		const struct validate_field *f = &fields[i];
		const cJSON *item = cJSON_GetObjectItemCaseSensitive(obj, f->name);
		const char *problem = NULL;

		if (item == NULL || cJSON_IsNull(item)) {
			if (f->required)
				problem = "is required";
		} else {
			problem = validate_one(arena, f, item, (char *)out + f->offset);
			if (problem == NULL && i < 64)
				seen |= UINT64_C(1) << i;
		}
		if (problem != NULL) {
			if (errs == NULL)
				errs = json_new_object(arena);
			cJSON_AddStringToObject(errs, f->name, problem);
		}
	}
	if (errs != NULL) {
		*errors = errs;
		return SOUK_EINVALID;
	}
	if (present != NULL)
		*present = seen;
	return SOUK_OK;
}
