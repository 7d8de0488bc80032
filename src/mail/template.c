/* template.c - the logic-less e-mail template renderer (a Mustache subset);
 * see include/souk/mail.h.
 *
 * Two passes, neither recursive: mail_render() first turns the template into
 * a flat list of tokens (text runs and tags, each section open linked to its
 * close), applying Mustache's standalone-line rule and reporting every parse
 * error with its byte offset; then it walks the list with an explicit stack
 * of open sections, MAIL_TEMPLATE_DEPTH deep at most, so neither a hostile
 * template nor hostile data can grow the C stack. The output goes into a
 * buffer capped at MAIL_TEMPLATE_MAX bytes.
 */
#include "souk/mail.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "souk/arena.h"
#include "souk/err.h"
#include "souk/str.h"

/* Token steps one render may take. Loops over data that print nothing
 * (nested sections over the same long array) would otherwise run unbounded
 * by the output cap; no real e-mail comes near this. */
#define TEMPLATE_MAX_STEPS (16L * 1024 * 1024)

enum token_kind {
	TOKEN_TEXT,	   /* tmpl[off, off + len) as-is */
	TOKEN_VARIABLE,	   /* {{name}}: escaped in html */
	TOKEN_RAW,	   /* {{{name}}} */
	TOKEN_SECTION,	   /* {{#name}} */
	TOKEN_INVERTED,	   /* {{^name}} */
	TOKEN_SECTION_END, /* {{/name}} */
};

enum token_filter {
	FILTER_NONE,
	FILTER_RUPEES, /* |rupees: paise as "Rs 1,23,456.78" */
};

struct token {
	enum token_kind kind;
	enum token_filter filter;
	size_t off, len; /* the text, or the name inside the tag (trimmed) */
	size_t pos;	 /* byte offset of the tag's "{{", for errors */
	size_t match;	 /* section open: index of its close, and back */
};

struct token_list {
	struct token *items;
	size_t n, size;
};

static struct token *token_add(struct arena *a, struct token_list *list, enum token_kind kind)
{
	struct token *t;

	if (list->n == list->size) {
		size_t size = list->size ? list->size * 2 : 64;
		struct token *grown = arena_alloc(a, size * sizeof(*grown));

		if (list->n > 0)
			memcpy(grown, list->items, list->n * sizeof(*grown));
		list->items = grown;
		list->size = size;
	}
	t = &list->items[list->n++];
	memset(t, 0, sizeof(*t));
	t->kind = kind;
	return t;
}

static int template_error(struct arena *a, const char **error, const char *what, size_t pos)
{
	*error = arena_printf(a, "template: %s at byte %zu", what, pos);
	return SOUK_EINVALID;
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t';
}

static bool is_word_char(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       c == '_';
}

/* True for "." or [A-Za-z0-9_] words joined by single dots. */
static bool name_is_valid(const char *s, size_t len)
{
	bool word = false;

	if (len == 1 && s[0] == '.')
		return true;
	if (len == 0)
		return false;
	for (size_t i = 0; i < len; i++) {
		if (is_word_char(s[i]))
			word = true;
		else if (s[i] == '.' && word)
			word = false;
		else
			return false;
	}
	return word;
}

/* Finds "}}" in tmpl[from, len); len when absent. */
static size_t find_close(const char *tmpl, size_t len, size_t from)
{
	for (size_t i = from; i + 1 < len; i++)
		if (tmpl[i] == '}' && tmpl[i + 1] == '}')
			return i;
	return len;
}

/*
 * Mustache's standalone rule: a section, inverted, close or comment tag alone
 * on its line (only spaces and tabs around it) takes the whole line with it,
 * so "{{#items}}\n" in a text e-mail leaves no blank line. tag_start..tag_end
 * is the tag; on success *line_start is where the line's indentation begins
 * and *next is past the line's end (its LF or CRLF, or the template's end).
 */
static bool tag_is_standalone(const char *tmpl, size_t len, size_t tag_start, size_t tag_end,
			      size_t *line_start, size_t *next)
{
	size_t b = tag_start, f = tag_end;

	while (b > 0 && is_space(tmpl[b - 1]))
		b--;
	if (b > 0 && tmpl[b - 1] != '\n')
		return false;
	while (f < len && is_space(tmpl[f]))
		f++;
	if (f < len && tmpl[f] == '\r' && f + 1 < len && tmpl[f + 1] == '\n')
		f += 2;
	else if (f < len && tmpl[f] == '\n')
		f++;
	else if (f < len)
		return false;
	*line_start = b;
	*next = f;
	return true;
}

/* Splits tmpl into tokens; SOUK_OK or SOUK_EINVALID with *error. */
static int template_parse(struct arena *a, const char *tmpl, size_t len, struct token_list *list,
			  const char **error)
{
	size_t open[MAIL_TEMPLATE_DEPTH]; /* token indexes of the open sections */
	size_t depth = 0, text_start = 0, i = 0;

	while (i < len) {
		size_t tag_start, body, body_end, tag_end, name_off, name_len, line_start, next;
		enum token_kind kind = TOKEN_VARIABLE;
		enum token_filter filter = FILTER_NONE;
		bool comment = false;
		struct token *t;

		if (!(tmpl[i] == '{' && i + 1 < len && tmpl[i + 1] == '{')) {
			i++;
			continue;
		}
		tag_start = i;
		body = i + 2;
		if (body < len && tmpl[body] == '{') {
			kind = TOKEN_RAW;
			body++;
		}
		body_end = find_close(tmpl, len, body);
		if (body_end == len)
			return template_error(a, error, "unclosed {{", tag_start);
		tag_end = body_end + 2;
		if (kind == TOKEN_RAW) {
			if (tag_end >= len || tmpl[tag_end] != '}')
				return template_error(a, error, "{{{ not closed by }}}", tag_start);
			tag_end++;
		} else {
			while (body < body_end && is_space(tmpl[body]))
				body++; /* "{{ #name }}" is "{{#name}}" */
		}
		if (kind != TOKEN_RAW && body < body_end) {
			switch (tmpl[body]) {
			case '#':
				kind = TOKEN_SECTION;
				body++;
				break;
			case '^':
				kind = TOKEN_INVERTED;
				body++;
				break;
			case '/':
				kind = TOKEN_SECTION_END;
				body++;
				break;
			case '!':
				comment = true;
				break;
			default:
				break;
			}
		}

		name_off = body;
		name_len = body_end - body;
		if (!comment) {
			const char *bar;

			while (name_len > 0 && is_space(tmpl[name_off])) {
				name_off++;
				name_len--;
			}
			while (name_len > 0 && is_space(tmpl[name_off + name_len - 1]))
				name_len--;
			bar = memchr(tmpl + name_off, '|', name_len);
			if (bar != NULL && (kind == TOKEN_VARIABLE || kind == TOKEN_RAW)) {
				size_t f = (size_t)(bar - tmpl) + 1, flen = name_off + name_len - f;

				while (flen > 0 && is_space(tmpl[f])) {
					f++;
					flen--;
				}
				if (flen != 6 || memcmp(tmpl + f, "rupees", 6) != 0)
					return template_error(a, error, "unknown filter",
							      tag_start);
				filter = FILTER_RUPEES;
				name_len = (size_t)(bar - tmpl) - name_off;
				while (name_len > 0 && is_space(tmpl[name_off + name_len - 1]))
					name_len--;
			}
			if (!name_is_valid(tmpl + name_off, name_len))
				return template_error(a, error, "bad name in tag", tag_start);
		}

		/* the text before the tag, less a standalone line's indentation */
		next = tag_end;
		line_start = tag_start;
		if (comment || kind == TOKEN_SECTION || kind == TOKEN_INVERTED ||
		    kind == TOKEN_SECTION_END)
			(void)tag_is_standalone(tmpl, len, tag_start, tag_end, &line_start, &next);
		if (line_start > text_start) {
			t = token_add(a, list, TOKEN_TEXT);
			t->off = t->pos = text_start;
			t->len = line_start - text_start;
		}
		text_start = i = next;
		if (comment)
			continue;

		if (kind == TOKEN_SECTION_END) {
			const struct token *o;

			if (depth == 0)
				return template_error(a, error, "{{/name}} without an open section",
						      tag_start);
			o = &list->items[open[depth - 1]];
			if (o->len != name_len ||
			    memcmp(tmpl + o->off, tmpl + name_off, name_len) != 0)
				return template_error(
				    a, error,
				    arena_printf(a,
						 "mismatched {{/%.*s}} (the section open at byte "
						 "%zu is {{%c%.*s}})",
						 (int)name_len, tmpl + name_off, o->pos,
						 o->kind == TOKEN_SECTION ? '#' : '^', (int)o->len,
						 tmpl + o->off),
				    tag_start);
		} else if ((kind == TOKEN_SECTION || kind == TOKEN_INVERTED) &&
			   depth == MAIL_TEMPLATE_DEPTH) {
			return template_error(a, error, "sections nested too deep", tag_start);
		}
		t = token_add(a, list, kind);
		t->filter = filter;
		t->off = name_off;
		t->len = name_len;
		t->pos = tag_start;
		if (kind == TOKEN_SECTION || kind == TOKEN_INVERTED) {
			open[depth++] = list->n - 1;
		} else if (kind == TOKEN_SECTION_END) {
			depth--;
			t->match = open[depth];
			list->items[open[depth]].match = list->n - 1;
		}
	}
	if (depth > 0) {
		const struct token *o = &list->items[open[depth - 1]];

		return template_error(a, error,
				      arena_printf(a, "unclosed section {{%c%.*s}}",
						   o->kind == TOKEN_SECTION ? '#' : '^',
						   (int)o->len, tmpl + o->off),
				      o->pos);
	}
	if (len > text_start) {
		struct token *t = token_add(a, list, TOKEN_TEXT);

		t->off = t->pos = text_start;
		t->len = len - text_start;
	}
	return SOUK_OK;
}

/* ------------------------------------------------------------ values --- */

/* The member path[0, len) (dot-separated words) of value, or NULL. */
static const cJSON *value_walk(const cJSON *value, const char *path, size_t len)
{
	size_t i = 0;

	while (value != NULL && i < len) {
		size_t j = i;
		const cJSON *child;

		while (j < len && path[j] != '.')
			j++;
		if (!cJSON_IsObject(value))
			return NULL;
		for (child = value->child; child != NULL; child = child->next)
			if (child->string != NULL && strlen(child->string) == j - i &&
			    memcmp(child->string, path + i, j - i) == 0)
				break;
		value = child;
		i = j + 1;
	}
	return value;
}

/*
 * Looks name up from the innermost context outwards: the first context that
 * has the name's first word wins, and the rest of a dotted name is looked up
 * in that value only (Mustache's rule). "." is the innermost context.
 */
static const cJSON *value_lookup(const cJSON *const *context, size_t ncontext, const char *name,
				 size_t len)
{
	size_t first = 0;

	if (len == 1 && name[0] == '.')
		return context[ncontext - 1];
	while (first < len && name[first] != '.')
		first++;
	for (size_t c = ncontext; c-- > 0;) {
		const cJSON *head = value_walk(context[c], name, first);

		if (head != NULL)
			return first == len ? head
					    : value_walk(head, name + first + 1, len - first - 1);
	}
	return NULL;
}

static bool value_is_truthy(const cJSON *v)
{
	if (v == NULL || cJSON_IsNull(v) || cJSON_IsFalse(v) || cJSON_IsInvalid(v))
		return false;
	if (cJSON_IsString(v))
		return v->valuestring != NULL && v->valuestring[0] != '\0';
	if (cJSON_IsNumber(v))
		return v->valuedouble != 0;
	if (cJSON_IsArray(v))
		return v->child != NULL;
	return true; /* true, an object */
}

/* A JSON number of paise as "Rs 1,23,456.78" (str_paise); "" when it is no
 * whole number of paise a long long holds. */
static void format_rupees(char out[STR_PAISE_MAX], double paise)
{
	if (!isfinite(paise) || fabs(paise) >= 9.0e18)
		out[0] = '\0';
	else
		str_paise(llround(paise), true, out);
}

/* A number as it would be written: integers without a fraction. */
static void format_number(char *out, size_t size, double d)
{
	if (d == 0)
		snprintf(out, size, "0");
	else if (isfinite(d) && d == floor(d) && fabs(d) < 1e17)
		snprintf(out, size, "%.0f", d);
	else if (isfinite(d))
		snprintf(out, size, "%.15g", d);
	else
		out[0] = '\0';
}

/* Appends the value of a variable tag. */
static int append_value(struct buf *b, const cJSON *v, enum token_filter filter, bool escape)
{
	char number[64];
	const char *s = "";

	if (filter == FILTER_RUPEES) {
		if (cJSON_IsNumber(v)) {
			format_rupees(number, v->valuedouble);
			s = number;
		}
	} else if (cJSON_IsString(v) && v->valuestring != NULL) {
		s = v->valuestring;
	} else if (cJSON_IsNumber(v)) {
		format_number(number, sizeof(number), v->valuedouble);
		s = number;
	} else if (cJSON_IsTrue(v)) {
		s = "true";
	} else if (cJSON_IsFalse(v)) {
		s = "false";
	}
	return escape ? buf_append_html_escaped(b, s, strlen(s)) : buf_appends(b, s);
}

/* ------------------------------------------------------------ render --- */

/* One open section while rendering. */
struct frame {
	size_t open;	   /* token index of the {{#name}} or {{^name}} */
	const cJSON *item; /* the array item being shown, NULL when not a loop */
	bool pushed;	   /* a context was pushed for it */
};

int mail_render(struct arena *a, const char *tmpl, size_t len, const struct cJSON *data, bool html,
		char **out, const char **error)
{
	struct token_list list = {0};
	struct frame frames[MAIL_TEMPLATE_DEPTH];
	const cJSON *context[MAIL_TEMPLATE_DEPTH + 1];
	size_t nframes = 0, ncontext = 1, i = 0;
	long steps = 0;
	struct buf *b;
	int rc;

	if (tmpl == NULL && len > 0)
		return template_error(a, error, "no template", 0);
	rc = template_parse(a, tmpl, len, &list, error);
	if (rc != SOUK_OK)
		return rc;
	b = buf_in_arena(a, MAIL_TEMPLATE_MAX);
	context[0] = data;

	while (i < list.n) {
		const struct token *t = &list.items[i];
		const cJSON *v;

		if (++steps > TEMPLATE_MAX_STEPS)
			return template_error(a, error, "template takes too many steps", t->pos);
		switch (t->kind) {
		case TOKEN_TEXT:
			rc = buf_append(b, tmpl + t->off, t->len);
			i++;
			break;
		case TOKEN_VARIABLE:
		case TOKEN_RAW:
			v = value_lookup(context, ncontext, tmpl + t->off, t->len);
			rc = append_value(b, v, t->filter, html && t->kind == TOKEN_VARIABLE);
			i++;
			break;
		case TOKEN_SECTION:
		case TOKEN_INVERTED:
			v = value_lookup(context, ncontext, tmpl + t->off, t->len);
			if (value_is_truthy(v) != (t->kind == TOKEN_SECTION)) {
				i = t->match + 1; /* hidden: past its close */
				break;
			}
			/* the parser bounds the nesting, so the stacks cannot overflow */
			frames[nframes].open = i;
			frames[nframes].item = NULL;
			frames[nframes].pushed = t->kind == TOKEN_SECTION;
			if (t->kind == TOKEN_SECTION) {
				if (cJSON_IsArray(v)) {
					frames[nframes].item = v->child;
					v = v->child;
				}
				context[ncontext++] = v;
			}
			nframes++;
			i++;
			break;
		case TOKEN_SECTION_END: {
			struct frame *f = &frames[nframes - 1];

			if (f->item != NULL && f->item->next != NULL) {
				f->item = f->item->next;
				context[ncontext - 1] = f->item;
				i = f->open + 1;
				break;
			}
			if (f->pushed)
				ncontext--;
			nframes--;
			i++;
			break;
		}
		}
		if (rc != SOUK_OK)
			return template_error(
			    a, error,
			    arena_printf(a, "output larger than %d bytes", MAIL_TEMPLATE_MAX),
			    t->pos);
	}
	/* the buffer lives until the arena's reset */
	*out = b->data != NULL ? b->data : arena_strdup(a, "");
	return SOUK_OK;
}
