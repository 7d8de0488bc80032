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

cJSON *json_own(struct arena *arena, cJSON *item)
{
	if (item == NULL) {
		fprintf(stderr, "{\"level\":\"fatal\",\"msg\":\"out of memory\"}\n");
		abort();
	}
	arena_defer(arena, json_delete, item);
	return item;
}

static void json_free_text(void *p)
{
	cJSON_free(p);
}

char *json_print(struct arena *arena, const cJSON *item)
{
	char *text = cJSON_PrintUnformatted(item);

	if (text == NULL) {
		fprintf(stderr, "{\"level\":\"fatal\",\"msg\":\"out of memory\"}\n");
		abort();
	}
	arena_defer(arena, json_free_text, text);
	return text;
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
			if (text[i + 1] == 'u' && i + 5 < len &&
			    strncmp(text + i + 2, "0000", 4) == 0)
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

/* An address a product page may show: https:// anywhere, or a path on this
 * site ("/media/..."), without blanks, quotes or angle brackets. */
bool validate_url(const char *s)
{
	if (strncmp(s, "https://", 8) != 0 && !(s[0] == '/' && s[1] != '/'))
		return false;
	for (const char *c = s; *c; c++)
		if ((unsigned char)*c <= 0x20 || *c == '"' || *c == '<' || *c == '>' ||
		    *c == '\\' || (unsigned char)*c == 0x7f)
			return false;
	return true;
}

/* The checked, normalised value of a string member, or NULL with *why. */
static char *validate_text(struct arena *arena, const struct validate_field *f, const cJSON *item,
			   const char **why)
{
	bool one_line = f->type != VALIDATE_TEXT;
	char *v;
	size_t chars;

	if (!cJSON_IsString(item)) {
		*why = "must be a string";
		return NULL;
	}
	v = arena_strdup(arena, item->valuestring);
	if (f->type != VALIDATE_TEXT)
		v = str_trim(v);
	for (const char *c = v; *c; c++)
		if (((unsigned char)*c < 0x20 &&
		     !(*c == '\t' || (!one_line && (*c == '\n' || *c == '\r')))) ||
		    (unsigned char)*c == 0x7f) {
			*why = "must not contain control characters";
			return NULL;
		}
	switch (f->type) {
	case VALIDATE_EMAIL:
		for (char *c = v; *c; c++)
			*c = (char)tolower((unsigned char)*c);
		if (!validate_email(v)) {
			*why = "must be a valid e-mail address";
			return NULL;
		}
		return v;
	case VALIDATE_UUID:
		for (char *c = v; *c; c++)
			*c = (char)tolower((unsigned char)*c);
		if (!validate_uuid(v)) {
			*why = "must be a UUID";
			return NULL;
		}
		return v;
	case VALIDATE_CURRENCY:
		for (char *c = v; *c; c++)
			*c = (char)toupper((unsigned char)*c);
		if (strlen(v) != 3 || !isupper((unsigned char)v[0]) ||
		    !isupper((unsigned char)v[1]) || !isupper((unsigned char)v[2])) {
			*why = "must be a three-letter ISO 4217 code";
			return NULL;
		}
		return v;
	default:
		break;
	}
	chars = utf8_length(v);
	if ((long long)chars < f->min) {
		*why = f->min <= 1
			   ? "must not be empty"
			   : arena_printf(arena, "must be at least %lld characters", f->min);
		return NULL;
	}
	if (f->max > 0 && (long long)chars > f->max) {
		*why = arena_printf(arena, "must be at most %lld characters", f->max);
		return NULL;
	}
	if (f->type == VALIDATE_SLUG) {
		for (char *c = v; *c; c++)
			*c = (char)tolower((unsigned char)*c);
		if (!validate_slug(v)) {
			*why = "may contain only lower-case letters, digits and single dashes";
			return NULL;
		}
	} else if (f->type == VALIDATE_URL && !validate_url(v)) {
		*why = "must be an https:// URL or a path on this site";
		return NULL;
	}
	return v;
}

/* An array of slugs or URLs: each checked, duplicate slugs dropped. */
static const char *validate_list(struct arena *arena, const struct validate_field *f,
				 const cJSON *item, cJSON *list)
{
	const struct validate_field one = {f->name,
					   f->type == VALIDATE_SLUG_LIST ? VALIDATE_SLUG
									 : VALIDATE_URL,
					   0,
					   1,
					   f->type == VALIDATE_SLUG_LIST ? 100 : 2000,
					   VALIDATE_NO_STORE};
	const cJSON *el;
	int n = 0;

	if (!cJSON_IsArray(item))
		return "must be an array of strings";
	cJSON_ArrayForEach(el, item)
	{
		const char *why = NULL;
		char *v = validate_text(arena, &one, el, &why);
		bool dup = false;
		const cJSON *seen;

		if (v == NULL)
			return arena_printf(arena, "item %d %s", n + 1, why);
		cJSON_ArrayForEach(seen, list) dup |= strcmp(seen->valuestring, v) == 0;
		if (dup && f->type == VALIDATE_SLUG_LIST)
			continue;
		if (++n > f->max)
			return arena_printf(arena, "must have at most %lld items", f->max);
		cJSON_AddItemToArray(list, cJSON_CreateString(v));
	}
	return NULL;
}

/* Checks one given (non-null) member; on success adds it to normal and
 * stores it at slot (NULL: not stored). NULL, or what is wrong. */
static const char *validate_one(struct arena *arena, const struct validate_field *f,
				const cJSON *item, cJSON *normal, void *slot)
{
	const char *why = NULL;

	switch (f->type) {
	case VALIDATE_INT: {
		double d = item->valuedouble;

		if (!cJSON_IsNumber(item))
			return "must be a number";
		/* whole and within 2^53 first: converting 1e300 to an integer is undefined */
		if (d != floor(d) || d < -9007199254740991.0 || d > 9007199254740991.0)
			return "must be a whole number";
		if ((long long)d < f->min || (long long)d > f->max)
			return arena_printf(arena, "must be between %lld and %lld", f->min, f->max);
		cJSON_AddNumberToObject(normal, f->name, (double)(long long)d); /* no -0 */
		if (slot != NULL)
			*(long long *)slot = (long long)d;
		return NULL;
	}
	case VALIDATE_BOOL:
		if (!cJSON_IsBool(item))
			return "must be true or false";
		cJSON_AddBoolToObject(normal, f->name, cJSON_IsTrue(item));
		if (slot != NULL)
			*(bool *)slot = cJSON_IsTrue(item);
		return NULL;
	case VALIDATE_OBJECT:
	case VALIDATE_ARRAY: {
		bool object = f->type == VALIDATE_OBJECT;
		cJSON *copy;

		if (object ? !cJSON_IsObject(item) : !cJSON_IsArray(item))
			return object ? "must be an object" : "must be an array";
		if (f->max > 0 && cJSON_GetArraySize(item) > f->max)
			return arena_printf(arena, "must have at most %lld %s", f->max,
					    object ? "members" : "items");
		copy = cJSON_Duplicate(item, 1);
		if (copy == NULL)
			abort();
		cJSON_AddItemToObject(normal, f->name, copy);
		if (slot != NULL)
			*(const cJSON **)slot = copy;
		return NULL;
	}
	case VALIDATE_SLUG_LIST:
	case VALIDATE_URL_LIST: {
		cJSON *list = cJSON_AddArrayToObject(normal, f->name);

		why = validate_list(arena, f, item, list);
		if (why != NULL) {
			cJSON_DeleteItemFromObjectCaseSensitive(normal, f->name);
			return why;
		}
		if (slot != NULL)
			*(const cJSON **)slot = list;
		return NULL;
	}
	default: {
		char *v = validate_text(arena, f, item, &why);

		if (v == NULL)
			return why;
		cJSON_AddStringToObject(normal, f->name, v);
		if (slot != NULL)
			*(const char **)slot = v;
		return NULL;
	}
	}
}

static void validate_problem(struct arena *arena, cJSON **errs, const char *name, const char *why)
{
	if (*errs == NULL)
		*errs = json_new_object(arena);
	if (cJSON_GetObjectItemCaseSensitive(*errs, name) == NULL)
		cJSON_AddStringToObject(*errs, name, why);
}

int validate_json(struct arena *arena, const cJSON *obj, const struct validate_field *fields,
		  size_t n, unsigned mode, void *out, struct validate_result *result)
{
	cJSON *errs = NULL, *normal = json_new_object(arena);
	const cJSON *item;
	uint64_t seen = 0;

	if (mode & VALIDATE_REJECT_UNKNOWN)
		cJSON_ArrayForEach(item, obj)
		{
			bool known = false;

			for (size_t i = 0; i < n && !known; i++)
				known = strcmp(fields[i].name, item->string) == 0;
			if (!known)
				validate_problem(arena, &errs, item->string,
						 "is not a field of this resource");
		}
	for (size_t i = 0; i < n; i++) {
		const struct validate_field *f = &fields[i];
		void *slot =
		    out != NULL && f->offset != VALIDATE_NO_STORE ? (char *)out + f->offset : NULL;
		const char *problem = NULL;

		item = obj ? cJSON_GetObjectItemCaseSensitive(obj, f->name) : NULL;
		if (item == NULL) {
			if (f->flags & VALIDATE_REQUIRED)
				problem = "is required";
		} else if (cJSON_IsNull(item)) {
			if (f->flags & VALIDATE_NULLABLE)
				cJSON_AddNullToObject(normal, f->name);
			else
				problem = f->flags & VALIDATE_REQUIRED ? "is required"
								       : "must not be null";
		} else {
			problem = validate_one(arena, f, item, normal, slot);
		}
		if (problem != NULL)
			validate_problem(arena, &errs, f->name, problem);
		else if (item != NULL && i < 64 &&
			 (!cJSON_IsNull(item) || (f->flags & VALIDATE_NULLABLE)))
			seen |= UINT64_C(1) << i;
	}
	if (result != NULL) {
		result->errors = errs;
		result->normal = normal;
		result->present = seen;
	}
	return errs != NULL ? SOUK_EINVALID : SOUK_OK;
}
