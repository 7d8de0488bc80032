/* test_json.c - body parsing and declarative validation (include/souk/json.h). */
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "souk/arena.h"
#include "souk/err.h"
#include "souk/json.h"
#include "tests.h"

static struct arena arena;

static int json_suite_init(void)
{
	arena_init(&arena, 4096);
	return 0;
}

static int json_suite_cleanup(void)
{
	arena_destroy(&arena);
	return 0;
}

/* Parses text (strlen) with json_parse_object; *why is set on failure. */
static int parse(const char *text, cJSON **out, const char **why)
{
	return json_parse_object(&arena, text, strlen(text), out, why);
}

/* The parsed object of a JSON literal used as validator input. */
static cJSON *object(const char *text)
{
	cJSON *out = NULL;
	const char *why = NULL;

	if (json_parse_object(&arena, text, strlen(text), &out, &why) != SOUK_OK) {
		fprintf(stderr, "\n  bad test input %s: %s\n", text, why);
		return NULL;
	}
	return out;
}

static const char *error_of(const cJSON *errors, const char *field)
{
	return cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(errors, field));
}

static void test_parse_valid(void)
{
	cJSON *out = NULL;
	const char *why = NULL;

	CU_ASSERT_EQUAL(parse("{\"a\":1,\"b\":\"x\",\"c\":[true,null],\"d\":{}}", &out, &why),
			SOUK_OK);
	CU_ASSERT_PTR_NULL(why);
	CU_ASSERT_TRUE(cJSON_IsObject(out));
	CU_ASSERT_EQUAL(cJSON_GetArraySize(out), 4);
	CU_ASSERT_EQUAL(cJSON_GetObjectItemCaseSensitive(out, "a")->valueint, 1);
	ASSERT_STR_EQ(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(out, "b")), "x");

	out = NULL;
	CU_ASSERT_EQUAL(parse("{}", &out, &why), SOUK_OK);
	CU_ASSERT_TRUE(cJSON_IsObject(out));
	/* whitespace around the object is fine */
	out = NULL;
	CU_ASSERT_EQUAL(parse(" \n\t{ \"k\" : \"\xe2\x82\xac\" }  \r\n\t ", &out, &why), SOUK_OK);
	ASSERT_STR_EQ(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(out, "k")),
		      "\xe2\x82\xac");
	/* escapes decode to UTF-8 */
	out = NULL;
	CU_ASSERT_EQUAL(parse("{\"k\":\"\\u20ac\\ud83d\\ude00\"}", &out, &why), SOUK_OK);
	ASSERT_STR_EQ(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(out, "k")),
		      "\xe2\x82\xac\xf0\x9f\x98\x80");
	/* only len bytes are parsed: the text need not be NUL-terminated there */
	out = NULL;
	CU_ASSERT_EQUAL(json_parse_object(&arena, "{\"a\":2}garbage", 7, &out, &why), SOUK_OK);
	CU_ASSERT_EQUAL(cJSON_GetObjectItemCaseSensitive(out, "a")->valueint, 2);
	arena_reset(&arena); /* the trees are freed with the arena (ASan: no leak) */
}

struct bad_body {
	const char *text;
	size_t len; /* 0 = strlen */
	const char *why;
};

static void test_parse_rejects(void)
{
	static const char not_utf8[] = "The body is not valid UTF-8.";
	static const char not_json[] = "The body is not valid JSON.";
	static const char trailing[] = "The body has data after the JSON value.";
	static const char not_object[] = "The body must be a JSON object.";
	static const struct bad_body cases[] = {
	    {"[1,2]", 0, not_object},
	    {"[]", 0, not_object},
	    {"\"str\"", 0, not_object},
	    {"42", 0, not_object},
	    {"null", 0, not_object},
	    {"true", 0, not_object},
	    {"{\"a\":1} x", 0, trailing},
	    {"{\"a\":1}{}", 0, trailing},
	    {"{},", 0, trailing},
	    {"{\"a\":\"\xc0\x80\"}", 0, not_utf8},
	    {"{\"a\":\"\xed\xa0\x80\"}", 0, not_utf8},
	    {"{\"a\":\"\xff\"}", 0, not_utf8},
	    {"{\"a\":\"\xe2\x82\"}", 0, not_utf8},
	    {"{\"a\":}", 0, not_json},
	    {"{\"a\":1,}", 0, not_json},
	    {"{", 0, not_json},
	    {"{'a':1}", 0, not_json},
	    {"{a:1}", 0, not_json},
	    {"", 0, not_json},
	    {"   ", 0, not_json},
	    {"{\"a\":\"\\ud800\"}", 0, not_json}, /* lone surrogate escape */
	    {"{\"a\":1}", 3, not_json},		  /* cut by len */
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		cJSON *out = (cJSON *)&cases[i]; /* a sentinel: must stay untouched */
		const char *why = NULL;
		size_t len = cases[i].len ? cases[i].len : strlen(cases[i].text);
		int rc = json_parse_object(&arena, cases[i].text, len, &out, &why);

		CU_ASSERT_EQUAL(rc, SOUK_EMALFORMED);
		CU_ASSERT_PTR_EQUAL(out, (cJSON *)&cases[i]);
		ASSERT_STR_EQ(why, cases[i].why);
		if (rc != SOUK_EMALFORMED || why == NULL || strcmp(why, cases[i].why) != 0)
			fprintf(stderr, "\n  parse case %zu: rc %d, why %s\n", i, rc,
				why ? why : "(null)");
	}
	arena_reset(&arena);
}

/*
 * Regression: json_parse_object() used to stop its "only whitespace may
 * follow the value" check at the first NUL byte, so `{"a":1}` + "\0" + more
 * was accepted (bodies are body_len bytes from the client: NULs can be there).
 */
static void test_parse_rejects_nul_then_garbage(void)
{
	static const char body[] = "{\"a\":1}\0{\"admin\":true}";
	cJSON *out = NULL;
	const char *why = NULL;

	CU_ASSERT_EQUAL(json_parse_object(&arena, body, sizeof(body) - 1, &out, &why),
			SOUK_EMALFORMED);
	CU_ASSERT_PTR_NULL(out);
	arena_reset(&arena);
}

/* A \u0000 escape would become a NUL that silently cuts a C string short;
 * an escaped backslash followed by "u0000" is ordinary text. */
static void test_parse_rejects_nul_escape(void)
{
	static const char *const refused[] = {
	    "{\"name\":\"ab\\u0000<x>\"}",
	    "{\"\\u0000\":1}",
	    "{\"a\":[\"x\",\"\\u0000\"]}",
	};
	static const char *const accepted[] = {
	    "{\"name\":\"ab\\\\u0000\"}", /* the six characters \u0000 */
	    "{\"name\":\"\\u0041\"}",
	};
	cJSON *out;
	const char *why;

	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		out = NULL;
		CU_ASSERT_EQUAL(
		    json_parse_object(&arena, refused[i], strlen(refused[i]), &out, &why),
		    SOUK_EMALFORMED);
		CU_ASSERT_PTR_NULL(out);
	}
	for (size_t i = 0; i < sizeof(accepted) / sizeof(accepted[0]); i++) {
		out = NULL;
		CU_ASSERT_EQUAL(
		    json_parse_object(&arena, accepted[i], strlen(accepted[i]), &out, &why),
		    SOUK_OK);
	}
	CU_ASSERT_STRING_EQUAL(
	    cJSON_GetObjectItem(object("{\"name\":\"ab\\\\u0000\"}"), "name")->valuestring,
	    "ab\\u0000");
	CU_ASSERT_FALSE(validate_slug("a--b"));
	CU_ASSERT_FALSE(validate_slug("-a"));
	CU_ASSERT_FALSE(validate_slug("a-"));
	CU_ASSERT_TRUE(validate_slug("a-b-c1"));
	arena_reset(&arena);
}

static void test_arena_trees(void)
{
	cJSON *o = json_new_object(&arena), *a = json_new_array(&arena);

	CU_ASSERT_TRUE(cJSON_IsObject(o));
	CU_ASSERT_TRUE(cJSON_IsArray(a));
	cJSON_AddStringToObject(o, "k", "v");
	cJSON_AddItemToArray(a, cJSON_CreateNumber(1));
	CU_ASSERT_EQUAL(cJSON_GetArraySize(a), 1);
	arena_reset(&arena); /* both deleted here; ASan reports a leak otherwise */
}

static void test_utf8_length(void)
{
	CU_ASSERT_EQUAL(utf8_length(""), 0);
	CU_ASSERT_EQUAL(utf8_length("abc"), 3);
	CU_ASSERT_EQUAL(utf8_length("\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac"), 3);
	CU_ASSERT_EQUAL(utf8_length("a\xf0\x9f\x98\x80"
				    "b"),
			3);
	CU_ASSERT_EQUAL(utf8_length("\xc3\xa9t\xc3\xa9"), 3);
}

static void test_validate_email(void)
{
	static const char *valid[] = {"a@b.co", "first.last+tag@sub.example.org",
				      "x_y-z@ex-ample.com", "1@2.io"};
	static const char *invalid[] = {
	    "",		  "plain",    "a@b",	   "@b.co",	    "a@.co",	 "a@b.",
	    "a@@b.co",	  "a@b@c.co", "a b@c.co",  "a@b..co",	    "<a@b.co>",	 "a@b.co,c@d.e",
	    "\"a\"@b.co", "a@b.co;",  "a\\b@c.co", "\xc3\xa4@b.co", "a@b.c\x7f", "a@",
	    "ab",
	};
	char local65[80];

	for (size_t i = 0; i < sizeof(valid) / sizeof(valid[0]); i++) {
		CU_ASSERT_TRUE(validate_email(valid[i]));
		if (!validate_email(valid[i]))
			fprintf(stderr, "\n  valid e-mail rejected: %s\n", valid[i]);
	}
	for (size_t i = 0; i < sizeof(invalid) / sizeof(invalid[0]); i++) {
		CU_ASSERT_FALSE(validate_email(invalid[i]));
		if (validate_email(invalid[i]))
			fprintf(stderr, "\n  invalid e-mail accepted: %s\n", invalid[i]);
	}
	/* local part at most 64 bytes */
	memset(local65, 'a', 64);
	strcpy(local65 + 64, "@b.co");
	CU_ASSERT_TRUE(validate_email(local65));
	memset(local65, 'a', 65);
	strcpy(local65 + 65, "@b.co");
	CU_ASSERT_FALSE(validate_email(local65));
}

static void test_validate_uuid_slug(void)
{
	CU_ASSERT_TRUE(validate_uuid("0f8fad5b-d9cb-469f-a165-70867728950e"));
	CU_ASSERT_TRUE(validate_uuid("00000000-0000-0000-0000-000000000000"));
	CU_ASSERT_FALSE(validate_uuid("0f8fad5b-d9cb-469f-a165-70867728950"));	 /* 35 */
	CU_ASSERT_FALSE(validate_uuid("0f8fad5b-d9cb-469f-a165-70867728950ee")); /* 37 */
	CU_ASSERT_FALSE(validate_uuid("0f8fad5bd9cb469fa16570867728950e"));
	CU_ASSERT_FALSE(validate_uuid("0f8fad5b-d9cb-469f-a165_70867728950e"));
	CU_ASSERT_FALSE(validate_uuid("0g8fad5b-d9cb-469f-a165-70867728950e"));
	CU_ASSERT_FALSE(validate_uuid("{f8fad5b-d9cb-469f-a165-70867728950e"));
	CU_ASSERT_FALSE(validate_uuid(""));

	CU_ASSERT_TRUE(validate_slug("blue-mug"));
	CU_ASSERT_TRUE(validate_slug("a"));
	CU_ASSERT_TRUE(validate_slug("mug-2024-v2"));
	CU_ASSERT_TRUE(validate_slug("0"));
	CU_ASSERT_FALSE(validate_slug(""));
	CU_ASSERT_FALSE(validate_slug("-a"));
	CU_ASSERT_FALSE(validate_slug("a-"));
	CU_ASSERT_FALSE(validate_slug("-"));
	CU_ASSERT_FALSE(validate_slug("Blue"));
	CU_ASSERT_FALSE(validate_slug("a_b"));
	CU_ASSERT_FALSE(validate_slug("a b"));
	CU_ASSERT_FALSE(validate_slug("a/b"));
	CU_ASSERT_FALSE(validate_slug("caf\xc3\xa9"));
}

/* The old-style call: ignore unknown members, present bits and errors out. */
static int vj(const cJSON *obj, const struct validate_field *f, size_t n, void *out,
	      uint64_t *present, cJSON **errors)
{
	struct validate_result r;
	int rc = validate_json(&arena, obj, f, n, VALIDATE_IGNORE_UNKNOWN, out, &r);

	*errors = r.errors;
	if (rc == SOUK_OK && present != NULL)
		*present = r.present;
	return rc;
}

struct input {
	const char *name;
	const char *email;
	long long qty;
	bool gift;
	const char *id;
	const char *slug;
	const char *note;
};

enum { F_NAME, F_EMAIL, F_QTY, F_GIFT, F_ID, F_SLUG, F_NOTE, F__MAX };

static const struct validate_field fields[F__MAX] = {
    [F_NAME] = {"name", VALIDATE_STRING, true, 2, 5, offsetof(struct input, name)},
    [F_EMAIL] = {"email", VALIDATE_EMAIL, true, 0, 0, offsetof(struct input, email)},
    [F_QTY] = {"qty", VALIDATE_INT, true, 1, 10, offsetof(struct input, qty)},
    [F_GIFT] = {"gift", VALIDATE_BOOL, false, 0, 0, offsetof(struct input, gift)},
    [F_ID] = {"id", VALIDATE_UUID, false, 0, 0, offsetof(struct input, id)},
    [F_SLUG] = {"slug", VALIDATE_SLUG, false, 1, 12, offsetof(struct input, slug)},
    [F_NOTE] = {"note", VALIDATE_STRING, false, 0, 0, offsetof(struct input, note)},
};

/* Runs the table above on text; errors (or NULL) and present via out-params. */
static int validate(const char *text, struct input *in, uint64_t *present, cJSON **errors)
{
	cJSON *obj = object(text);

	memset(in, 0, sizeof(*in));
	*present = 0xDEADBEEF;
	*errors = NULL;
	if (obj == NULL)
		return 12345;
	return vj(obj, fields, F__MAX, in, present, errors);
}

static void test_validate_all_valid(void)
{
	struct input in;
	uint64_t present;
	cJSON *errors;

	CU_ASSERT_EQUAL(validate("{\"name\":\"  \xe2\x82\xac\xe2\x82\xac\xe2\x82\xac \","
				 "\"email\":\" Ann.Lee@Example.COM \",\"qty\":10,\"gift\":true,"
				 "\"id\":\"0F8FAD5B-D9CB-469F-A165-70867728950E\","
				 "\"slug\":\"blue-mug-2\",\"note\":\"\",\"extra\":[1,2]}",
				 &in, &present, &errors),
			SOUK_OK);
	CU_ASSERT_PTR_NULL(errors);
	/* "€€€" is 9 bytes but 3 characters: within [2, 5], and trimmed */
	ASSERT_STR_EQ(in.name, "\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac");
	ASSERT_STR_EQ(in.email, "ann.lee@example.com");
	CU_ASSERT_EQUAL(in.qty, 10);
	CU_ASSERT_EQUAL(in.gift, true);
	ASSERT_STR_EQ(in.id, "0f8fad5b-d9cb-469f-a165-70867728950e");
	ASSERT_STR_EQ(in.slug, "blue-mug-2");
	ASSERT_STR_EQ(in.note, "");
	CU_ASSERT_EQUAL(present, 0x7F);
	arena_reset(&arena);
}

static void test_validate_present_bits(void)
{
	struct input in;
	uint64_t present;
	cJSON *errors;

	CU_ASSERT_EQUAL(
	    validate("{\"qty\":1,\"email\":\"a@b.co\",\"name\":\"ab\"}", &in, &present, &errors),
	    SOUK_OK);
	CU_ASSERT_EQUAL(present, (1u << F_NAME) | (1u << F_EMAIL) | (1u << F_QTY));
	CU_ASSERT_EQUAL(in.gift, false); /* absent: untouched */
	CU_ASSERT_PTR_NULL(in.id);
	CU_ASSERT_PTR_NULL(in.slug);

	/* null is not a value of a field that is not nullable */
	CU_ASSERT_EQUAL(validate("{\"qty\":2,\"email\":\"a@b.co\",\"name\":\"ab\",\"gift\":null,"
				 "\"slug\":\"s\"}",
				 &in, &present, &errors),
			SOUK_EINVALID);
	ASSERT_STR_EQ(error_of(errors, "gift"), "must not be null");
	CU_ASSERT_EQUAL(cJSON_GetArraySize(errors), 1);

	/* false is given, and stored */
	in.gift = true;
	CU_ASSERT_EQUAL(validate("{\"qty\":2,\"email\":\"a@b.co\",\"name\":\"ab\",\"gift\":false}",
				 &in, &present, &errors),
			SOUK_OK);
	CU_ASSERT_EQUAL(in.gift, false);
	CU_ASSERT_TRUE(present & (1u << F_GIFT));

	/* present may be NULL */
	cJSON *obj = object("{\"qty\":3,\"email\":\"a@b.co\",\"name\":\"ab\"}");
	errors = NULL;
	CU_ASSERT_EQUAL(vj(obj, fields, F__MAX, &in, NULL, &errors), SOUK_OK);
	CU_ASSERT_EQUAL(in.qty, 3);
	arena_reset(&arena);
}

static void test_validate_required(void)
{
	struct input in;
	uint64_t present;
	cJSON *errors;

	CU_ASSERT_EQUAL(validate("{}", &in, &present, &errors), SOUK_EINVALID);
	CU_ASSERT_PTR_NOT_NULL_FATAL(errors);
	CU_ASSERT_EQUAL(cJSON_GetArraySize(errors), 3);
	ASSERT_STR_EQ(error_of(errors, "name"), "is required");
	ASSERT_STR_EQ(error_of(errors, "email"), "is required");
	ASSERT_STR_EQ(error_of(errors, "qty"), "is required");
	CU_ASSERT_PTR_NULL(error_of(errors, "gift")); /* optional */
	CU_ASSERT_EQUAL(present, 0xDEADBEEF);	      /* set on success only */

	/* null is as good as missing */
	CU_ASSERT_EQUAL(
	    validate("{\"name\":null,\"email\":\"a@b.co\",\"qty\":1}", &in, &present, &errors),
	    SOUK_EINVALID);
	CU_ASSERT_EQUAL(cJSON_GetArraySize(errors), 1);
	ASSERT_STR_EQ(error_of(errors, "name"), "is required");
	arena_reset(&arena);
}

static void test_validate_wrong_types(void)
{
	struct input in;
	uint64_t present;
	cJSON *errors;

	CU_ASSERT_EQUAL(validate("{\"name\":5,\"email\":true,\"qty\":\"3\",\"gift\":\"yes\","
				 "\"id\":1,\"slug\":[],\"note\":{}}",
				 &in, &present, &errors),
			SOUK_EINVALID);
	CU_ASSERT_PTR_NOT_NULL_FATAL(errors);
	CU_ASSERT_EQUAL(cJSON_GetArraySize(errors), 7); /* all at once */
	ASSERT_STR_EQ(error_of(errors, "name"), "must be a string");
	ASSERT_STR_EQ(error_of(errors, "email"), "must be a string");
	ASSERT_STR_EQ(error_of(errors, "qty"), "must be a number");
	ASSERT_STR_EQ(error_of(errors, "gift"), "must be true or false");
	ASSERT_STR_EQ(error_of(errors, "id"), "must be a string");
	ASSERT_STR_EQ(error_of(errors, "slug"), "must be a string");
	ASSERT_STR_EQ(error_of(errors, "note"), "must be a string");

	CU_ASSERT_EQUAL(validate("{\"name\":\"ab\",\"email\":\"a@b.co\",\"qty\":1,\"gift\":1}", &in,
				 &present, &errors),
			SOUK_EINVALID);
	ASSERT_STR_EQ(error_of(errors, "gift"), "must be true or false");
	CU_ASSERT_EQUAL(
	    validate("{\"name\":\"ab\",\"email\":\"a@b.co\",\"qty\":1,\"gift\":\"true\"}", &in,
		     &present, &errors),
	    SOUK_EINVALID);
	ASSERT_STR_EQ(error_of(errors, "gift"), "must be true or false");
	arena_reset(&arena);
}

struct string_case {
	const char *json_value; /* the JSON text of "name" */
	const char *want_error; /* NULL = valid */
	const char *want_value;
};

static void test_validate_string_lengths(void)
{
	static const struct string_case cases[] = {
	    {"\"ab\"", NULL, "ab"},
	    {"\"abcde\"", NULL, "abcde"},
	    {"\"a\"", "must be at least 2 characters", NULL},
	    {"\"abcdef\"", "must be at most 5 characters", NULL},
	    {"\"  a  \"", "must be at least 2 characters", NULL}, /* trimmed first */
	    {"\"\\t abcde \\t\"", NULL, "abcde"},
	    {"\"\"", "must be at least 2 characters", NULL},
	    /* characters, not bytes */
	    {"\"\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\"", NULL,
	     "\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac"},
	    {"\"\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\"",
	     "must be at most 5 characters", NULL},
	    {"\"\xe2\x82\xac\"", "must be at least 2 characters", NULL},
	    {"\"\xf0\x9f\x98\x80\xf0\x9f\x98\x80\"", NULL, "\xf0\x9f\x98\x80\xf0\x9f\x98\x80"},
	    /* control characters */
	    {"\"a\\u0001b\"", "must not contain control characters", NULL},
	    {"\"a\\u001fb\"", "must not contain control characters", NULL},
	    {"\"a\\nb\"", "must not contain control characters", NULL}, /* one line */
	    {"\"a\\tb\"", NULL, "a\tb"},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct string_case *c = &cases[i];
		char *text = arena_printf(&arena, "{\"name\":%s,\"email\":\"a@b.co\",\"qty\":1}",
					  c->json_value);
		struct input in;
		uint64_t present;
		cJSON *errors;
		int rc = validate(text, &in, &present, &errors);

		if (c->want_error == NULL) {
			CU_ASSERT_EQUAL(rc, SOUK_OK);
			ASSERT_STR_EQ(in.name, c->want_value);
		} else {
			CU_ASSERT_EQUAL(rc, SOUK_EINVALID);
			ASSERT_STR_EQ(error_of(errors, "name"), c->want_error);
			CU_ASSERT_EQUAL(cJSON_GetArraySize(errors), 1);
		}
		if ((rc == SOUK_OK) != (c->want_error == NULL))
			fprintf(stderr, "\n  string case %zu (%s): rc %d\n", i, c->json_value, rc);
	}

	/* min 1 reads "must not be empty" */
	static const struct validate_field title[] = {
	    {"title", VALIDATE_STRING, true, 1, 0, 0},
	};
	const char *value = NULL;
	cJSON *errors = NULL;
	CU_ASSERT_EQUAL(vj(object("{\"title\":\"   \"}"), title, 1, &value, NULL, &errors),
			SOUK_EINVALID);
	ASSERT_STR_EQ(error_of(errors, "title"), "must not be empty");
	/* max 0: no upper bound */
	char *long_title = arena_alloc(&arena, 5000 + 20);
	strcpy(long_title, "{\"title\":\"");
	memset(long_title + 10, 'x', 5000);
	strcpy(long_title + 5010, "\"}");
	errors = NULL;
	CU_ASSERT_EQUAL(vj(object(long_title), title, 1, &value, NULL, &errors), SOUK_OK);
	CU_ASSERT_TRUE(value != NULL && strlen(value) == 5000);
	arena_reset(&arena);
}

static void test_validate_email_field(void)
{
	static const char *bad[] = {"\"nope\"",	   "\"a@b\"", "\"@b.co\"", "\"a b@c.co\"",
				    "\"a@b..co\"", "\"\"",    "\"   \""};
	struct input in;
	uint64_t present;
	cJSON *errors;

	CU_ASSERT_EQUAL(validate("{\"name\":\"ab\",\"email\":\"\\tMiXeD.Case@EXAMPLE.Org \","
				 "\"qty\":1}",
				 &in, &present, &errors),
			SOUK_OK);
	ASSERT_STR_EQ(in.email, "mixed.case@example.org");

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char *text =
		    arena_printf(&arena, "{\"name\":\"ab\",\"email\":%s,\"qty\":1}", bad[i]);

		CU_ASSERT_EQUAL(validate(text, &in, &present, &errors), SOUK_EINVALID);
		ASSERT_STR_EQ(error_of(errors, "email"), "must be a valid e-mail address");
		CU_ASSERT_PTR_NULL(in.email);
	}
	arena_reset(&arena);
}

struct int_case {
	const char *json_value;
	const char *want_error;
	long long want;
};

static void test_validate_int(void)
{
	static const struct int_case cases[] = {
	    {"1", NULL, 1},
	    {"10", NULL, 10},
	    {"5", NULL, 5},
	    {"2.0", NULL, 2},
	    {"1e1", NULL, 10},
	    {"0", "must be between 1 and 10", 0},
	    {"11", "must be between 1 and 10", 0},
	    {"-1", "must be between 1 and 10", 0},
	    {"1.5", "must be a whole number", 0},
	    {"9.999", "must be a whole number", 0},
	    {"1e300", "must be a whole number", 0},
	    {"-1e300", "must be a whole number", 0},
	    {"9007199254740993", "must be a whole number", 0},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct int_case *c = &cases[i];
		char *text = arena_printf(
		    &arena, "{\"name\":\"ab\",\"email\":\"a@b.co\",\"qty\":%s}", c->json_value);
		struct input in;
		uint64_t present;
		cJSON *errors;
		int rc = validate(text, &in, &present, &errors);

		if (c->want_error == NULL) {
			CU_ASSERT_EQUAL(rc, SOUK_OK);
			CU_ASSERT_EQUAL(in.qty, c->want);
		} else {
			CU_ASSERT_EQUAL(rc, SOUK_EINVALID);
			ASSERT_STR_EQ(error_of(errors, "qty"), c->want_error);
		}
		if ((rc == SOUK_OK) != (c->want_error == NULL))
			fprintf(stderr, "\n  int case %zu (%s): rc %d\n", i, c->json_value, rc);
	}

	/* LLONG_MAX: no upper bound; negative minimums work */
	static const struct validate_field open_range[] = {
	    {"n", VALIDATE_INT, true, -5, LLONG_MAX, 0},
	};
	long long n = 0;
	cJSON *errors = NULL;
	CU_ASSERT_EQUAL(vj(object("{\"n\":4000000000}"), open_range, 1, &n, NULL, &errors),
			SOUK_OK);
	CU_ASSERT_EQUAL(n, 4000000000LL);
	CU_ASSERT_EQUAL(vj(object("{\"n\":-5}"), open_range, 1, &n, NULL, &errors), SOUK_OK);
	CU_ASSERT_EQUAL(n, -5);
	CU_ASSERT_EQUAL(vj(object("{\"n\":-6}"), open_range, 1, &n, NULL, &errors), SOUK_EINVALID);
	CU_ASSERT_PTR_NOT_NULL(error_of(errors, "n"));
	arena_reset(&arena);
}

static void test_validate_uuid_slug_fields(void)
{
	struct input in;
	uint64_t present;
	cJSON *errors;

	CU_ASSERT_EQUAL(validate("{\"name\":\"ab\",\"email\":\"a@b.co\",\"qty\":1,"
				 "\"id\":\"0f8fad5b-d9cb-469f-a165-70867728950\"}",
				 &in, &present, &errors),
			SOUK_EINVALID);
	ASSERT_STR_EQ(error_of(errors, "id"), "must be a UUID");
	CU_ASSERT_EQUAL(validate("{\"name\":\"ab\",\"email\":\"a@b.co\",\"qty\":1,"
				 "\"id\":\" 0F8FAD5B-D9CB-469F-A165-70867728950E \"}",
				 &in, &present, &errors),
			SOUK_OK);
	ASSERT_STR_EQ(in.id, "0f8fad5b-d9cb-469f-a165-70867728950e");

	/* upper case is lower-cased, not refused */
	CU_ASSERT_EQUAL(validate("{\"name\":\"ab\",\"email\":\"a@b.co\",\"qty\":1,"
				 "\"slug\":\"Blue-Mug\"}",
				 &in, &present, &errors),
			SOUK_OK);
	ASSERT_STR_EQ(in.slug, "blue-mug");
	static const char *bad_slugs[] = {"\"blue--mug\"", "\"-mug\"",	  "\"mug-\"",
					  "\"mug_1\"",	   "\"mug mug\"", "\"--\""};
	for (size_t i = 0; i < sizeof(bad_slugs) / sizeof(bad_slugs[0]); i++) {
		char *text = arena_printf(
		    &arena, "{\"name\":\"ab\",\"email\":\"a@b.co\",\"qty\":1,\"slug\":%s}",
		    bad_slugs[i]);

		CU_ASSERT_EQUAL(validate(text, &in, &present, &errors), SOUK_EINVALID);
		ASSERT_STR_EQ(error_of(errors, "slug"),
			      "may contain only lower-case letters, digits and single dashes");
	}
	/* slug length in characters: max 12 */
	CU_ASSERT_EQUAL(validate("{\"name\":\"ab\",\"email\":\"a@b.co\",\"qty\":1,"
				 "\"slug\":\"abcdefghijkl\"}",
				 &in, &present, &errors),
			SOUK_OK);
	CU_ASSERT_EQUAL(validate("{\"name\":\"ab\",\"email\":\"a@b.co\",\"qty\":1,"
				 "\"slug\":\"abcdefghijklm\"}",
				 &in, &present, &errors),
			SOUK_EINVALID);
	ASSERT_STR_EQ(error_of(errors, "slug"), "must be at most 12 characters");
	arena_reset(&arena);
}

static void test_validate_all_errors_at_once(void)
{
	struct input in;
	uint64_t present;
	cJSON *errors;

	CU_ASSERT_EQUAL(validate("{\"name\":\"waytoolong\",\"qty\":1.5,\"gift\":\"no\","
				 "\"id\":\"x\",\"slug\":\"a_b\",\"note\":\"fine\",\"unknown\":1}",
				 &in, &present, &errors),
			SOUK_EINVALID);
	CU_ASSERT_PTR_NOT_NULL_FATAL(errors);
	CU_ASSERT_EQUAL(cJSON_GetArraySize(errors), 6);
	ASSERT_STR_EQ(error_of(errors, "name"), "must be at most 5 characters");
	ASSERT_STR_EQ(error_of(errors, "email"), "is required");
	ASSERT_STR_EQ(error_of(errors, "qty"), "must be a whole number");
	ASSERT_STR_EQ(error_of(errors, "gift"), "must be true or false");
	ASSERT_STR_EQ(error_of(errors, "id"), "must be a UUID");
	ASSERT_STR_EQ(error_of(errors, "slug"),
		      "may contain only lower-case letters, digits and single dashes");
	CU_ASSERT_PTR_NULL(error_of(errors, "note"));
	CU_ASSERT_PTR_NULL(error_of(errors, "unknown"));
	/* the errors object is arena-owned and serialisable as the 422 fields */
	char *text = cJSON_PrintUnformatted(errors);
	CU_ASSERT_PTR_NOT_NULL(text);
	ASSERT_STR_CONTAINS(text, "\"email\":\"is required\"");
	cJSON_free(text);
	arena_reset(&arena);
}

/* Request bodies refuse what the table does not name; nullable fields take
 * null as a value; the normal object holds what was given, normalised. */
static void test_validate_reject_unknown_and_normal(void)
{
	static const struct validate_field table[] = {
	    {"title", VALIDATE_STRING, VALIDATE_REQUIRED, 1, 20, VALIDATE_NO_STORE},
	    {"category", VALIDATE_SLUG, VALIDATE_NULLABLE, 1, 100, VALIDATE_NO_STORE},
	    {"note", VALIDATE_TEXT, 0, 0, 50, VALIDATE_NO_STORE},
	};
	struct validate_result r;
	char *text;

	CU_ASSERT_EQUAL(validate_json(&arena,
				      object("{\"title\":\" T \",\"colour\":\"red\","
					     "\"Title\":1}"),
				      table, 3, VALIDATE_REJECT_UNKNOWN, NULL, &r),
			SOUK_EINVALID);
	ASSERT_STR_EQ(error_of(r.errors, "colour"), "is not a field of this resource");
	ASSERT_STR_EQ(error_of(r.errors, "Title"), "is not a field of this resource");
	CU_ASSERT_EQUAL(cJSON_GetArraySize(r.errors), 2);
	/* the same body is fine when unknown members are ignored */
	CU_ASSERT_EQUAL(validate_json(&arena, object("{\"title\":\" T \",\"colour\":\"red\"}"),
				      table, 3, VALIDATE_IGNORE_UNKNOWN, NULL, &r),
			SOUK_OK);

	CU_ASSERT_EQUAL(validate_json(&arena,
				      object("{\"title\":\" T \",\"category\":null,"
					     "\"note\":\"  two\\nlines \"}"),
				      table, 3, VALIDATE_REJECT_UNKNOWN, NULL, &r),
			SOUK_OK);
	CU_ASSERT_PTR_NULL(r.errors);
	CU_ASSERT_EQUAL(r.present, 7u);
	text = json_print(&arena, r.normal);
	/* trimmed, null kept (it clears), text as sent */
	ASSERT_STR_EQ(text, "{\"title\":\"T\",\"category\":null,\"note\":\"  two\\nlines \"}");
	arena_reset(&arena);
}

struct typed_case {
	enum validate_type type;
	long long min, max;
	const char *json_value; /* of member "v" */
	const char *want;	/* the normal object's text, or NULL when refused */
	const char *why;	/* the error, when refused */
};

/* The types the catalog needs: currency, URL, lists; integer ranges before
 * conversion. */
static void test_validate_typed_values(void)
{
	static const struct typed_case cases[] = {
	    {VALIDATE_CURRENCY, 3, 3, "\"inr\"", "{\"v\":\"INR\"}", NULL},
	    {VALIDATE_CURRENCY, 3, 3, "\"rupees\"", NULL, "must be a three-letter ISO 4217 code"},
	    {VALIDATE_URL, 1, 2000, "\"https://cdn.example/a.png\"",
	     "{\"v\":\"https://cdn.example/a.png\"}", NULL},
	    {VALIDATE_URL, 1, 2000, "\"/media/a.png\"", "{\"v\":\"/media/a.png\"}", NULL},
	    {VALIDATE_URL, 1, 2000, "\"http://x.example/a\"", NULL,
	     "must be an https:// URL or a path on this site"},
	    {VALIDATE_URL, 1, 2000, "\"//evil.example/a\"", NULL,
	     "must be an https:// URL or a path on this site"},
	    {VALIDATE_URL, 1, 2000, "\"javascript:alert(1)\"", NULL,
	     "must be an https:// URL or a path on this site"},
	    {VALIDATE_SLUG_LIST, 0, 2, "[\"A\",\"b\",\"a\"]", "{\"v\":[\"a\",\"b\"]}", NULL},
	    {VALIDATE_SLUG_LIST, 0, 2, "[\"a\",\"b\",\"c\"]", NULL, "must have at most 2 items"},
	    {VALIDATE_SLUG_LIST, 0, 2, "[\"a b\"]", NULL,
	     "item 1 may contain only lower-case letters, digits and single dashes"},
	    {VALIDATE_SLUG_LIST, 0, 2, "\"a\"", NULL, "must be an array of strings"},
	    {VALIDATE_URL_LIST, 0, 3, "[\"/m/1.png\",\"/m/1.png\"]",
	     "{\"v\":[\"/m/1.png\",\"/m/1.png\"]}", NULL},
	    {VALIDATE_URL_LIST, 0, 3, "[1]", NULL, "item 1 must be a string"},
	    {VALIDATE_INT, 0, 100, "1e300", NULL, "must be a whole number"},
	    {VALIDATE_INT, 0, 100, "-0", "{\"v\":0}", NULL},
	    {VALIDATE_TEXT, 0, 5, "\"a\\u0007\"", NULL, "must not contain control characters"},
	    /* objects and arrays whose contents the caller checks */
	    {VALIDATE_OBJECT, 0, 2, "{\"a\":[1]}", "{\"v\":{\"a\":[1]}}", NULL},
	    {VALIDATE_OBJECT, 0, 1, "{\"a\":1,\"b\":2}", NULL, "must have at most 1 members"},
	    {VALIDATE_OBJECT, 0, 0, "[1]", NULL, "must be an object"},
	    {VALIDATE_ARRAY, 0, 0, "[{\"x\":1},\"y\"]", "{\"v\":[{\"x\":1},\"y\"]}", NULL},
	    {VALIDATE_ARRAY, 0, 2, "[1,2,3]", NULL, "must have at most 2 items"},
	    {VALIDATE_ARRAY, 0, 0, "{}", NULL, "must be an array"},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct typed_case *c = &cases[i];
		const struct validate_field f[] = {
		    {"v", c->type, 0, c->min, c->max, VALIDATE_NO_STORE}};
		struct validate_result r;
		int rc =
		    validate_json(&arena, object(arena_printf(&arena, "{\"v\":%s}", c->json_value)),
				  f, 1, VALIDATE_REJECT_UNKNOWN, NULL, &r);

		if (c->want != NULL) {
			CU_ASSERT_EQUAL(rc, SOUK_OK);
			ASSERT_STR_EQ(json_print(&arena, r.normal), c->want);
		} else {
			CU_ASSERT_EQUAL(rc, SOUK_EINVALID);
			ASSERT_STR_EQ(error_of(r.errors, "v"), c->why);
			CU_ASSERT_PTR_NULL(cJSON_GetObjectItemCaseSensitive(r.normal, "v"));
		}
		if ((rc == SOUK_OK) != (c->want != NULL) ||
		    (rc == SOUK_OK && strcmp(json_print(&arena, r.normal), c->want) != 0))
			fprintf(stderr, "\n  typed case %zu (%s): rc %d %s\n", i, c->json_value, rc,
				json_print(&arena, r.normal));
	}
	arena_reset(&arena);
}

int suite_json(void)
{
	static const struct unit_test tests[] = {
	    {"parse_object: valid objects", test_parse_valid},
	    {"parse_object: arrays, garbage, bad UTF-8, bad JSON", test_parse_rejects},
	    {"parse_object: NUL then garbage refused", test_parse_rejects_nul_then_garbage},
	    {"parse_object: \\u0000 escapes refused", test_parse_rejects_nul_escape},
	    {"json_object/json_array are arena-owned", test_arena_trees},
	    {"utf8_length counts characters", test_utf8_length},
	    {"validate_email", test_validate_email},
	    {"validate_uuid and validate_slug", test_validate_uuid_slug},
	    {"validate_json: every type valid, present bits", test_validate_all_valid},
	    {"validate_json: present bitmask for given fields", test_validate_present_bits},
	    {"validate_json: required fields", test_validate_required},
	    {"validate_json: wrong types", test_validate_wrong_types},
	    {"validate_json: string lengths in characters", test_validate_string_lengths},
	    {"validate_json: e-mail lower-cased, bad ones refused", test_validate_email_field},
	    {"validate_json: integers", test_validate_int},
	    {"validate_json: uuid and slug", test_validate_uuid_slug_fields},
	    {"validate_json: all errors reported at once", test_validate_all_errors_at_once},
	    {"validate_json: unknown members refused, nullable, normal object",
	     test_validate_reject_unknown_and_normal},
	    {"validate_json: currency, URL, lists, integer range", test_validate_typed_values},
	    {NULL, NULL},
	};

	return tests_register("json", json_suite_init, json_suite_cleanup, tests);
}
