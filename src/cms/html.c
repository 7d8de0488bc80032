/*
 * html.c - rich text: Markdown to HTML (cmark-gfm in safe mode), the
 * allow-list HTML sanitiser every piece of served HTML goes through, and the
 * plain-text helpers behind excerpts, reading times and SEO lengths.
 *
 * The sanitiser parses with libxml2's HTML parser (which copes with any tag
 * soup and decodes entities) but never lets libxml2 write HTML: it walks the
 * tree and writes only allowed elements and attributes itself, escaping every
 * text and attribute value, so nothing the parser kept can reach the output
 * unescaped. The walk is iterative (parent pointers, no recursion), so
 * nesting depth cannot overflow the stack.
 */
#include "souk/cms.h"

#include <ctype.h>
#include <limits.h>
#include <stdint.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cmark-gfm-core-extensions.h>
#include <cmark-gfm.h>
#include <libxml/HTMLparser.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include "souk/arena.h"
#include "souk/err.h"
#include "souk/json.h"
#include "souk/str.h"

#define CMS_TEXT_MAX (16u << 20) /* bytes of Markdown or HTML a caller may pass */
#define CMS_HTML_MAX_DEPTH 64	 /* open elements kept; deeper ones lose their tags */
#define CMS_WORDS_PER_MINUTE 200
#define CMS_ELLIPSIS "\xe2\x80\xa6"    /* U+2026, one character */
#define CMS_REPLACEMENT "\xef\xbf\xbd" /* U+FFFD, for bytes that are not UTF-8 */

/* --- allow lists --- */

enum html_action {
	HTML_KEEP, /* written with its allowed attributes and a close tag */
	HTML_VOID, /* written without a close tag (br, hr, img) */
	HTML_DROP  /* removed with everything inside it */
};

/* Elements not listed here are unwrapped: their tags go, their content stays. */
static const struct html_element {
	const char *name;
	enum html_action action;
} html_elements[] = {
    {"p", HTML_KEEP},	       {"br", HTML_VOID},	{"hr", HTML_VOID},
    {"h1", HTML_KEEP},	       {"h2", HTML_KEEP},	{"h3", HTML_KEEP},
    {"h4", HTML_KEEP},	       {"h5", HTML_KEEP},	{"h6", HTML_KEEP},
    {"strong", HTML_KEEP},     {"b", HTML_KEEP},	{"em", HTML_KEEP},
    {"i", HTML_KEEP},	       {"u", HTML_KEEP},	{"s", HTML_KEEP},
    {"del", HTML_KEEP},	       {"ins", HTML_KEEP},	{"mark", HTML_KEEP},
    {"small", HTML_KEEP},      {"sub", HTML_KEEP},	{"sup", HTML_KEEP},
    {"blockquote", HTML_KEEP}, {"q", HTML_KEEP},	{"cite", HTML_KEEP},
    {"code", HTML_KEEP},       {"pre", HTML_KEEP},	{"kbd", HTML_KEEP},
    {"samp", HTML_KEEP},       {"ul", HTML_KEEP},	{"ol", HTML_KEEP},
    {"li", HTML_KEEP},	       {"dl", HTML_KEEP},	{"dt", HTML_KEEP},
    {"dd", HTML_KEEP},	       {"a", HTML_KEEP},	{"img", HTML_VOID},
    {"table", HTML_KEEP},      {"thead", HTML_KEEP},	{"tbody", HTML_KEEP},
    {"tfoot", HTML_KEEP},      {"tr", HTML_KEEP},	{"th", HTML_KEEP},
    {"td", HTML_KEEP},	       {"caption", HTML_KEEP},	{"figure", HTML_KEEP},
    {"figcaption", HTML_KEEP}, {"abbr", HTML_KEEP},	{"span", HTML_KEEP},
    {"div", HTML_KEEP},	       {"script", HTML_DROP},	{"style", HTML_DROP},
    {"iframe", HTML_DROP},     {"frame", HTML_DROP},	{"frameset", HTML_DROP},
    {"object", HTML_DROP},     {"embed", HTML_DROP},	{"applet", HTML_DROP},
    {"form", HTML_DROP},       {"textarea", HTML_DROP}, {"select", HTML_DROP},
    {"button", HTML_DROP},     {"noscript", HTML_DROP}, {"template", HTML_DROP},
    {"svg", HTML_DROP},	       {"math", HTML_DROP},	{"link", HTML_DROP},
    {"meta", HTML_DROP},       {"base", HTML_DROP},	{"title", HTML_DROP},
    {"head", HTML_DROP},       {"input", HTML_DROP},	{"noembed", HTML_DROP},
    {"noframes", HTML_DROP},   {"xmp", HTML_DROP},	{"plaintext", HTML_DROP},
};

enum attribute_rule {
	ATTRIBUTE_TEXT,	    /* any value (escaped) */
	ATTRIBUTE_LINK,	    /* a URL: http(s), mailto, scheme-relative, relative */
	ATTRIBUTE_SOURCE,   /* a URL as ATTRIBUTE_LINK, without mailto */
	ATTRIBUTE_DIGITS,   /* 1*DIGIT */
	ATTRIBUTE_INTEGER,  /* ["-"] 1*DIGIT */
	ATTRIBUTE_ALIGN,    /* left, right, center or justify */
	ATTRIBUTE_LANGUAGE, /* "language-" 1*(ALPHA / DIGIT / "_" / "+" / "-") */
};

/* Every attribute not listed for its element is removed (on*, style, rel, ...). */
static const struct html_attribute {
	const char *element;
	const char *name;
	enum attribute_rule rule;
} html_attributes[] = {
    {"a", "href", ATTRIBUTE_LINK},	   {"a", "title", ATTRIBUTE_TEXT},
    {"img", "src", ATTRIBUTE_SOURCE},	   {"img", "alt", ATTRIBUTE_TEXT},
    {"img", "title", ATTRIBUTE_TEXT},	   {"img", "width", ATTRIBUTE_DIGITS},
    {"img", "height", ATTRIBUTE_DIGITS},   {"th", "align", ATTRIBUTE_ALIGN},
    {"th", "colspan", ATTRIBUTE_DIGITS},   {"th", "rowspan", ATTRIBUTE_DIGITS},
    {"td", "align", ATTRIBUTE_ALIGN},	   {"td", "colspan", ATTRIBUTE_DIGITS},
    {"td", "rowspan", ATTRIBUTE_DIGITS},   {"ol", "start", ATTRIBUTE_INTEGER},
    {"code", "class", ATTRIBUTE_LANGUAGE}, {"pre", "class", ATTRIBUTE_LANGUAGE},
    {"span", "class", ATTRIBUTE_LANGUAGE}, {"div", "class", ATTRIBUTE_LANGUAGE},
    {"abbr", "title", ATTRIBUTE_TEXT},
};

#define COUNT(array) (sizeof(array) / sizeof((array)[0]))

/* The row of element name, or NULL when it is to be unwrapped. */
static const struct html_element *element_find(const char *name)
{
	for (size_t i = 0; i < COUNT(html_elements); i++)
		if (strcmp(html_elements[i].name, name) == 0)
			return &html_elements[i];
	return NULL;
}

/* The rule for attribute name on element, or NULL when it is removed. */
static const struct html_attribute *attribute_find(const char *element, const char *name)
{
	for (size_t i = 0; i < COUNT(html_attributes); i++)
		if (strcmp(html_attributes[i].element, element) == 0 &&
		    strcmp(html_attributes[i].name, name) == 0)
			return &html_attributes[i];
	return NULL;
}

/* --- URLs --- */

enum url_kind {
	URL_BAD,      /* not allowed: the attribute is removed */
	URL_RELATIVE, /* a path, ?query or #fragment on this site */
	URL_ABSOLUTE, /* http:, https: or scheme-relative //host: may be outside */
	URL_MAILTO
};

/* The C0 controls and DEL: browsers remove tabs and newlines anywhere in a
 * URL and strip these (and spaces) at both ends. */
static bool url_control(unsigned char c)
{
	return c < 0x20 || c == 0x7f;
}

/* value trimmed of spaces and controls, without the controls inside, in the
 * arena: the URL a browser would follow, so the one checked and written. */
static char *url_clean(struct arena *a, const char *value)
{
	const unsigned char *p = (const unsigned char *)value, *end = p + strlen(value);
	char *clean = arena_alloc(a, (size_t)(end - p) + 1);
	size_t n = 0;

	while (p < end && (*p == ' ' || url_control(*p)))
		p++;
	while (end > p && (end[-1] == ' ' || url_control(end[-1])))
		end--;
	for (; p < end; p++)
		if (!url_control(*p))
			clean[n++] = (char)*p;
	clean[n] = '\0';
	return clean;
}

/* The length of url's scheme with its colon (the part up to a ':' that comes
 * before any '/', '\', '?' or '#'), or 0 when it has none. A first segment holding a
 * colon is never a relative path (RFC 3986, 4.2), so any such prefix counts,
 * valid scheme characters or not: "jav%09ascript:" is refused, not guessed. */
static size_t url_scheme_length(const char *url)
{
	size_t n = strcspn(url, ":/\\?#");

	return url[n] == ':' ? n + 1 : 0;
}

/* What url (cleaned) is; link is true for href, where mailto: is allowed. */
static enum url_kind url_classify(const char *url, bool link)
{
	size_t scheme = url_scheme_length(url);

	if (url[0] == '\0')
		return URL_BAD;
	if ((url[0] == '/' || url[0] == '\\') && (url[1] == '/' || url[1] == '\\'))
		return URL_ABSOLUTE; /* browsers read "\\" and "/\" as "//" */
	if (scheme == 0)
		return URL_RELATIVE;
	if (str_istarts(url, "http:") || str_istarts(url, "https:"))
		return URL_ABSOLUTE;
	if (link && str_istarts(url, "mailto:"))
		return URL_MAILTO;
	return URL_BAD;
}

/* The host of an absolute or scheme-relative url, as *host and *len (no
 * userinfo, no port); an empty span when there is none. */
static void url_host(const char *url, const char **host, size_t *len)
{
	const char *p = url + url_scheme_length(url), *end, *at;

	while (*p == '/' || *p == '\\')
		p++;
	end = p + strcspn(p, "/\\?#");
	for (at = end; at > p; at--)
		if (at[-1] == '@')
			break;
	if (at > p)
		p = at;
	if (*p == '[') {
		const char *close = memchr(p, ']', (size_t)(end - p));

		end = close != NULL ? close + 1 : end;
	} else {
		const char *colon = memchr(p, ':', (size_t)(end - p));

		end = colon != NULL ? colon : end;
	}
	*host = p;
	*len = (size_t)(end - p);
}

/* --- the sanitiser --- */

struct sanitizer {
	struct arena *arena;
	struct buf *out;
	const char *site_host; /* the shop's host; NULL: every absolute link is outside */
	size_t site_host_len;
	int depth; /* kept elements open around the current node */
	int rc;	   /* the first append error; later appends are skipped */
};

static void emit(struct sanitizer *s, const char *p, size_t n)
{
	if (s->rc == SOUK_OK)
		s->rc = buf_append(s->out, p, n);
}

static void emit_string(struct sanitizer *s, const char *p)
{
	emit(s, p, strlen(p));
}

/* Writes text escaped for element content or, when attribute, for a double-
 * (or single-) quoted attribute value. */
static void emit_escaped(struct sanitizer *s, const char *text, bool attribute)
{
	const char *run = text, *p;

	for (p = text; *p != '\0'; p++) {
		const char *entity = NULL;

		switch (*p) {
		case '&':
			entity = "&amp;";
			break;
		case '<':
			entity = "&lt;";
			break;
		case '>':
			entity = "&gt;";
			break;
		case '"':
			entity = attribute ? "&quot;" : NULL;
			break;
		case '\'':
			entity = attribute ? "&#39;" : NULL;
			break;
		}
		if (entity != NULL) {
			emit(s, run, (size_t)(p - run));
			emit_string(s, entity);
			run = p + 1;
		}
	}
	emit(s, run, (size_t)(p - run));
}

/* True when an absolute url leads off the shop's host. */
static bool sanitizer_is_outside(const struct sanitizer *s, const char *url)
{
	const char *host;
	size_t len;

	if (s->site_host == NULL)
		return true;
	url_host(url, &host, &len);
	return len == 0 || len != s->site_host_len || strncasecmp(host, s->site_host, len) != 0;
}

/* The text of attribute attr, copied into the arena (libxml2 has decoded its
 * entities already). */
static char *attribute_text(struct arena *a, xmlAttr *attr)
{
	xmlChar *value = xmlNodeGetContent((xmlNode *)attr);
	char *copy = arena_strdup(a, value != NULL ? (const char *)value : "");

	xmlFree(value);
	return copy;
}

static bool all_digits(const char *s)
{
	if (*s == '\0')
		return false;
	for (; *s != '\0'; s++)
		if (!isdigit((unsigned char)*s))
			return false;
	return true;
}

static bool is_language_class(const char *s)
{
	if (strncmp(s, "language-", 9) != 0 || s[9] == '\0')
		return false;
	for (s += 9; *s != '\0'; s++)
		if (!isalnum((unsigned char)*s) && *s != '_' && *s != '+' && *s != '-')
			return false;
	return true;
}

/*
 * The value to write for an attribute under rule, or NULL to remove it.
 * *outside becomes true for a link that leaves the shop's host.
 */
static const char *attribute_allowed(struct sanitizer *s, enum attribute_rule rule,
				     const char *value, bool *outside)
{
	const char *url;
	enum url_kind kind;

	switch (rule) {
	case ATTRIBUTE_TEXT:
		return value;
	case ATTRIBUTE_DIGITS:
		return all_digits(value) ? value : NULL;
	case ATTRIBUTE_INTEGER:
		return all_digits(value[0] == '-' ? value + 1 : value) ? value : NULL;
	case ATTRIBUTE_ALIGN:
		return str_ieq(value, "left") || str_ieq(value, "right") ||
			       str_ieq(value, "center") || str_ieq(value, "justify")
			   ? value
			   : NULL;
	case ATTRIBUTE_LANGUAGE:
		return is_language_class(value) ? value : NULL;
	case ATTRIBUTE_LINK:
	case ATTRIBUTE_SOURCE:
		break;
	}
	url = url_clean(s->arena, value);
	kind = url_classify(url, rule == ATTRIBUTE_LINK);
	if (kind == URL_BAD)
		return NULL;
	if (kind == URL_ABSOLUTE && rule == ATTRIBUTE_LINK && sanitizer_is_outside(s, url))
		*outside = true;
	return url;
}

/* True when img node has a src the sanitiser keeps (an image without one is
 * dropped entirely). */
static bool image_has_source(struct sanitizer *s, xmlNode *node)
{
	bool outside = false;

	for (xmlAttr *attr = node->properties; attr != NULL; attr = attr->next)
		if (attr->ns == NULL && strcmp((const char *)attr->name, "src") == 0)
			return attribute_allowed(s, ATTRIBUTE_SOURCE,
						 attribute_text(s->arena, attr), &outside) != NULL;
	return false;
}

/* Writes the open tag of node (an element of row e) with its allowed
 * attributes, in source order, and rel="noopener nofollow" on outside links. */
static void element_open(struct sanitizer *s, xmlNode *node, const struct html_element *e)
{
	bool outside = false;

	emit_string(s, "<");
	emit_string(s, e->name);
	for (xmlAttr *attr = node->properties; attr != NULL; attr = attr->next) {
		const struct html_attribute *allowed;
		const char *value;

		if (attr->ns != NULL)
			continue;
		allowed = attribute_find(e->name, (const char *)attr->name);
		if (allowed == NULL)
			continue;
		value =
		    attribute_allowed(s, allowed->rule, attribute_text(s->arena, attr), &outside);
		if (value == NULL)
			continue;
		emit_string(s, " ");
		emit_string(s, allowed->name);
		emit_string(s, "=\"");
		emit_escaped(s, value, true);
		emit_string(s, "\"");
	}
	if (outside)
		emit_string(s, " rel=\"noopener nofollow\"");
	emit_string(s, ">");
}

/*
 * Handles the start of element node: writes its open tag when it is kept and
 * returns whether its children are to be walked. A kept element's _private
 * is set to the node itself, so node_leave() knows to close it; elements
 * nested deeper than CMS_HTML_MAX_DEPTH are unwrapped instead.
 */
static bool element_enter(struct sanitizer *s, xmlNode *node)
{
	const struct html_element *e = element_find((const char *)node->name);

	if (e == NULL)
		return true;
	switch (e->action) {
	case HTML_DROP:
		return false;
	case HTML_VOID:
		if (strcmp(e->name, "img") != 0 || image_has_source(s, node))
			element_open(s, node, e);
		return false;
	case HTML_KEEP:
		break;
	}
	if (s->depth >= CMS_HTML_MAX_DEPTH)
		return true;
	element_open(s, node, e);
	node->_private = node;
	s->depth++;
	return true;
}

/* Handles the start of any node; returns whether to walk its children.
 * Comments, processing instructions, CDATA and the DTD are dropped. */
static bool node_enter(struct sanitizer *s, xmlNode *node)
{
	switch (node->type) {
	case XML_ELEMENT_NODE:
		return element_enter(s, node);
	case XML_TEXT_NODE:
		if (node->content != NULL)
			emit_escaped(s, (const char *)node->content, false);
		return false;
	case XML_DOCUMENT_NODE:
	case XML_HTML_DOCUMENT_NODE:
		return true;
	default:
		return false;
	}
}

/* Handles the end of node: the close tag of a kept element. */
static void node_leave(struct sanitizer *s, xmlNode *node)
{
	if (node->type != XML_ELEMENT_NODE || node->_private != node)
		return;
	emit_string(s, "</");
	emit_string(s, (const char *)node->name);
	emit_string(s, ">");
	s->depth--;
}

/* Walks the tree under top in document order without recursion. */
static void sanitizer_walk(struct sanitizer *s, xmlNode *top)
{
	xmlNode *node = top->children;

	while (node != NULL) {
		if (node_enter(s, node) && node->children != NULL) {
			node = node->children;
			continue;
		}
		while (node != NULL) {
			node_leave(s, node);
			if (node->next != NULL) {
				node = node->next;
				break;
			}
			node = node->parent;
			if (node == top)
				node = NULL;
		}
	}
}

/* The length of the UTF-8 sequence a lead byte announces, 0 when c is none. */
static size_t utf8_sequence_length(unsigned char c)
{
	if (c < 0x80)
		return 1;
	if (c >= 0xC2 && c <= 0xDF)
		return 2;
	if ((c & 0xF0) == 0xE0)
		return 3;
	if (c >= 0xF0 && c <= 0xF4)
		return 4;
	return 0;
}

/* s[0..len) with every byte that is not part of valid UTF-8 replaced by
 * U+FFFD: s itself when it is valid, else a copy in the arena. */
static const char *utf8_repaired(struct arena *a, const char *s, size_t len)
{
	char *copy;
	size_t n = 0;

	if (str_is_utf8(s, len))
		return s;
	copy = arena_alloc(a, 3 * len + 1);
	for (size_t i = 0; i < len;) {
		size_t seq = utf8_sequence_length((unsigned char)s[i]);

		if (seq > 0 && seq <= len - i && str_is_utf8(s + i, seq)) {
			memcpy(copy + n, s + i, seq);
			n += seq;
			i += seq;
		} else {
			memcpy(copy + n, CMS_REPLACEMENT, 3);
			n += 3;
			i++;
		}
	}
	copy[n] = '\0';
	return copy;
}

/*
 * Parses the fragment html[0..len) (valid UTF-8) as the body of a document.
 * The caller frees the result with xmlFreeDoc(); NULL when libxml2 fails.
 * XML_PARSE_HUGE lifts libxml2's limit of 256 open elements, at which it
 * would stop parsing and lose the rest of the text; the input is capped
 * before this, and the walk needs no stack.
 */
static xmlDoc *fragment_parse(struct arena *a, const char *html, size_t len)
{
	static const char head[] = "<html><body>", tail[] = "</body></html>";
	const int options = HTML_PARSE_NONET | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
			    HTML_PARSE_NODEFDTD | HTML_PARSE_IGNORE_ENC | XML_PARSE_HUGE;
	size_t total = sizeof(head) - 1 + len + sizeof(tail) - 1;
	char *document = arena_alloc(a, total + 1);

	memcpy(document, head, sizeof(head) - 1);
	memcpy(document + sizeof(head) - 1, html, len);
	memcpy(document + sizeof(head) - 1 + len, tail, sizeof(tail) - 1);
	xmlInitParser(); /* once per process; later calls return at once */
	return htmlReadMemory(document, (int)total, NULL, "UTF-8", options);
}

/*
 * Sanitises html[0..len) into *out (see cms_html_sanitize). The output buffer
 * is capped at 8 times the input: escaping makes at most 5 bytes of one, and
 * the rel of an outside link is shorter than the <a href=//x> that earns it.
 */
static int html_sanitize(struct arena *a, const char *html, size_t len, const char *site_url,
			 char **out)
{
	struct sanitizer s = {.arena = a};
	xmlDoc *doc;

	if (len == 0) {
		*out = arena_strdup(a, "");
		return SOUK_OK;
	}
	html = utf8_repaired(a, html, len);
	len = strlen(html);
	if (len > INT_MAX / 8 - 4096)
		return SOUK_ETOOLARGE; /* libxml2 takes an int length */
	doc = fragment_parse(a, html, len);
	if (doc == NULL)
		return SOUK_EINTERNAL;
	s.out = buf_in_arena(a, 8 * len + 4096);
	if (site_url != NULL && *site_url != '\0')
		url_host(site_url, &s.site_host, &s.site_host_len);
	sanitizer_walk(&s, (xmlNode *)doc);
	xmlFreeDoc(doc);
	if (s.rc != SOUK_OK)
		return s.rc;
	*out = arena_strdup(a, s.out->data != NULL ? s.out->data : "");
	return SOUK_OK;
}

int cms_html_sanitize(struct arena *a, const char *html, const char *site_url, char **out)
{
	size_t len = html != NULL ? strlen(html) : 0;

	if (len > CMS_TEXT_MAX)
		return SOUK_ETOOLARGE;
	return html_sanitize(a, html, len, site_url, out);
}

/* --- Markdown --- */

/* A parser with GitHub's table, autolink and strikethrough extensions, or
 * NULL when one is missing. Freed with cmark_parser_free(). */
static cmark_parser *markdown_parser(int options)
{
	static const char *const extensions[] = {"table", "autolink", "strikethrough"};
	cmark_parser *parser;

	cmark_gfm_core_extensions_ensure_registered(); /* registers once, then returns */
	parser = cmark_parser_new_with_mem(options, cmark_get_default_mem_allocator());
	for (size_t i = 0; i < COUNT(extensions); i++) {
		cmark_syntax_extension *ext = cmark_find_syntax_extension(extensions[i]);

		if (ext == NULL || !cmark_parser_attach_syntax_extension(parser, ext)) {
			cmark_parser_free(parser);
			return NULL;
		}
	}
	return parser;
}

/*
 * Renders markdown[0..len) to HTML in safe mode (raw HTML becomes a comment,
 * javascript:/vbscript:/file:/data: links lose their target) into *html, a
 * copy in the arena. SOUK_OK or SOUK_EINTERNAL when cmark-gfm is incomplete.
 */
static int markdown_render(struct arena *a, const char *markdown, size_t len, char **html)
{
	cmark_mem *mem = cmark_get_default_mem_allocator();
	cmark_parser *parser = markdown_parser(CMARK_OPT_DEFAULT);
	cmark_node *doc;
	char *rendered;

	if (parser == NULL)
		return SOUK_EINTERNAL;
	cmark_parser_feed(parser, markdown, len);
	doc = cmark_parser_finish(parser);
	rendered = cmark_render_html_with_mem(doc, CMARK_OPT_DEFAULT,
					      cmark_parser_get_syntax_extensions(parser), mem);
	*html = arena_strdup(a, rendered);
	mem->free(rendered);
	cmark_node_free(doc);
	cmark_parser_free(parser);
	return SOUK_OK;
}

int cms_markdown_html(struct arena *a, const char *markdown, const char *site_url, char **html)
{
	size_t len = markdown != NULL ? strlen(markdown) : 0;
	char *rendered;
	int rc;

	if (len > CMS_TEXT_MAX)
		return SOUK_ETOOLARGE;
	if (!str_is_utf8(markdown, len))
		return SOUK_EINVALID;
	if (len == 0) {
		*html = arena_strdup(a, "");
		return SOUK_OK;
	}
	rc = markdown_render(a, markdown, len, &rendered);
	if (rc != SOUK_OK)
		return rc;
	return html_sanitize(a, rendered, strlen(rendered), site_url, html);
}

/* --- plain text --- */

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/* Text with runs of whitespace written as one space, none at either end. */
struct text_builder {
	struct buf *out;
	bool space; /* whitespace seen since the last character written */
};

static void text_add(struct text_builder *t, const char *s)
{
	for (; s != NULL && *s != '\0'; s++) {
		if (is_space(*s)) {
			t->space = true;
			continue;
		}
		if (t->space && t->out->len > 0)
			buf_append(t->out, " ", 1);
		t->space = false;
		buf_append(t->out, s, 1);
	}
}

/* Adds what node contributes to the text at event: the literal of text and
 * code, a space for breaks and around blocks; nothing from raw HTML. */
static void text_add_node(struct text_builder *t, cmark_node *node, cmark_event_type event)
{
	int type = (int)cmark_node_get_type(node);

	if ((type & CMARK_NODE_TYPE_MASK) == CMARK_NODE_TYPE_BLOCK)
		t->space = true;
	if (event != CMARK_EVENT_ENTER)
		return;
	if (type == CMARK_NODE_TEXT || type == CMARK_NODE_CODE || type == CMARK_NODE_CODE_BLOCK)
		text_add(t, cmark_node_get_literal(node));
	else if (type == CMARK_NODE_SOFTBREAK || type == CMARK_NODE_LINEBREAK)
		t->space = true;
}

char *cms_markdown_text(struct arena *a, const char *markdown)
{
	size_t len = markdown != NULL ? strlen(markdown) : 0;
	struct text_builder t = {.out = NULL};
	cmark_parser *parser;
	cmark_node *doc;
	cmark_iter *iter;
	cmark_event_type event;

	if (len == 0 || len > CMS_TEXT_MAX)
		return arena_strdup(a, "");
	/* never reached: U+FFFD for a bad byte, one space after each word */
	t.out = buf_in_arena(a, 3 * len + 16);
	parser = markdown_parser(CMARK_OPT_VALIDATE_UTF8);
	if (parser == NULL)
		return arena_strdup(a, "");
	cmark_parser_feed(parser, markdown, len);
	doc = cmark_parser_finish(parser);
	iter = cmark_iter_new(doc);
	while ((event = cmark_iter_next(iter)) != CMARK_EVENT_DONE)
		text_add_node(&t, cmark_iter_get_node(iter), event);
	cmark_iter_free(iter);
	cmark_node_free(doc);
	cmark_parser_free(parser);
	return arena_strdup(a, t.out->data != NULL ? t.out->data : "");
}

size_t cms_word_count(const char *text)
{
	size_t words = 0;
	bool in_word = false;

	for (; text != NULL && *text != '\0'; text++) {
		bool space = is_space(*text);

		if (!space && !in_word)
			words++;
		in_word = !space;
	}
	return words;
}

int cms_reading_minutes(size_t words)
{
	size_t minutes = (words + CMS_WORDS_PER_MINUTE - 1) / CMS_WORDS_PER_MINUTE;

	if (words > SIZE_MAX - CMS_WORDS_PER_MINUTE || minutes > INT_MAX)
		return INT_MAX;
	return minutes < 1 ? 1 : (int)minutes;
}

/* The byte offset just after the first chars characters of text (which has
 * more than chars characters), at a character boundary. */
static size_t utf8_prefix_bytes(const char *text, size_t chars)
{
	size_t i = 0;

	for (size_t seen = 0; text[i] != '\0'; i++) {
		if (((unsigned char)text[i] & 0xC0) != 0x80 && seen++ == chars)
			break;
	}
	return i;
}

/* The end of the last whole word in text[0..end] (text[end] is the first
 * character cut off), with the whitespace before the cut trimmed; 0 when
 * there is no whitespace to cut at after the first word. */
static size_t word_boundary(const char *text, size_t end)
{
	size_t i = end;

	while (i > 0 && !is_space(text[i]))
		i--;
	while (i > 0 && is_space(text[i - 1]))
		i--;
	return i;
}

char *cms_cut_words(struct arena *a, const char *text, size_t max)
{
	size_t end, cut;
	char *out;

	if (text == NULL || max == 0)
		return arena_strdup(a, "");
	if (utf8_length(text) <= max)
		return arena_strdup(a, text);
	end = utf8_prefix_bytes(text, max - 1); /* room for the ellipsis */
	cut = word_boundary(text, end);
	if (cut == 0)
		cut = end;
	out = arena_alloc(a, cut + sizeof(CMS_ELLIPSIS));
	memcpy(out, text, cut);
	memcpy(out + cut, CMS_ELLIPSIS, sizeof(CMS_ELLIPSIS));
	return out;
}
