/*
 * invoice_docs.c - invoices and credit notes as documents: souk-jobs
 * invoices renders each one not rendered yet to PDF (invoice_pdf.c) and
 * stores it through the storage driver; the buyer (and staff with
 * orders:read) download the invoice of an order, staff its credit notes. See
 * include/souk/commerce.h (invoices, invoice PDF).
 *
 * Keys: invoices/<financial year>/<number>.pdf and
 * credit-notes/<financial year>/<number>.pdf. A document is rendered once:
 * the key is set only where it is still NULL, so two runs at once (the job
 * runner's lock prevents it anyway) store the same bytes twice at worst.
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "souk/arena.h"
#include "souk/auth.h"
#include "souk/commerce.h"
#include "souk/config.h"
#include "souk/db.h"
#include "souk/err.h"
#include "souk/http.h"
#include "souk/json.h"
#include "souk/log.h"
#include "souk/storage.h"
#include "souk/worker.h"

#define PDF_MAX_BYTES (16L * 1024 * 1024)
#define RENDER_RETRY_AFTER "30" /* seconds: souk-jobs invoices runs every minute */

#define DOC_DATE(col) "to_char((" col ") AT TIME ZONE 'Asia/Kolkata', 'DD Mon YYYY')"

/* One document's columns, invoices and credit notes alike:
 * 0 id, 1 number, 2 date, 3 order public id, 4-7 seller name, address,
 * gstin, state, 8-11 buyer name, e-mail, gstin, state, 12 place of supply,
 * 13 supply, 14 currency, 15-19 taxable, cgst, sgst, igst, total,
 * 20 financial year, 21 lines (JSON), 22 against number, 23 against date,
 * 24 reason */
/* clang-format off */
#define DOC_COMMON                                                                                 \
	" o.public_id, v.seller_name, v.seller_address, coalesce(v.seller_gstin, ''),"             \
	" v.seller_state, v.buyer_name, coalesce(v.buyer_email::text, ''),"                       \
	" coalesce(v.buyer_gstin, ''), coalesce(v.buyer_state, ''), coalesce(v.place_of_supply, ''),"\
	" o.supply, v.currency,"

#define ITEM_LINES                                                                                 \
	"(SELECT coalesce(json_agg(json_build_object('title', i.title,"                           \
	" 'taxable', i.unit_price_paise * i.quantity - i.discount_paise,"                        \
	" 'rate', i.tax_rate_bp, 'tax', i.tax_paise) ORDER BY i.id), '[]')"                       \
	" FROM order_items i WHERE i.order_id = o.id)::text"

static struct db_statement invoices_due = {
	.name = "invoice_docs_invoices_due",
	.sql = "SELECT v.id, v.number, " DOC_DATE("v.issued_at") "," DOC_COMMON
	       " v.taxable_paise, v.cgst_paise, v.sgst_paise, v.igst_paise, v.total_paise,"
	       " v.financial_year, " ITEM_LINES ", '', '', ''"
	       " FROM invoices v JOIN orders o ON o.id = v.order_id"
	       " WHERE v.pdf_storage_key IS NULL"
	       " AND (v.pdf_failed_at IS NULL OR v.pdf_failed_at < now() - interval '1 day')"
	       " ORDER BY v.id LIMIT $1::int",
	.nparams = 1,
	.flags = DB_READONLY,
};

/* a credit note prints as one line: the refund, at the order's one rate
 * (or, for an order of several rates, the credit note's own) */
static struct db_statement credit_notes_due = {
	.name = "invoice_docs_credit_notes_due",
	.sql = "SELECT c.id, c.number, " DOC_DATE("c.issued_at") "," DOC_COMMON
	       " c.taxable_paise, c.cgst_paise, c.sgst_paise, c.igst_paise, c.total_paise,"
	       " c.financial_year, json_build_array(json_build_object("
	       "   'title', 'Refund against invoice ' || v.number,"
	       "   'taxable', c.taxable_paise,"
	       "   'rate', CASE WHEN (SELECT count(DISTINCT i.tax_rate_bp) FROM order_items i"
	       "     WHERE i.order_id = o.id) = 1 THEN (SELECT min(i.tax_rate_bp) FROM order_items i"
	       "     WHERE i.order_id = o.id) WHEN c.taxable_paise > 0 THEN"
	       "     round((c.total_paise - c.taxable_paise) * 10000.0 / c.taxable_paise) ELSE 0 END,"
	       "   'tax', c.total_paise - c.taxable_paise, 'cgst', c.cgst_paise,"
	       "   'sgst', c.sgst_paise, 'igst', c.igst_paise))::text,"
	       " v.number, " DOC_DATE("v.issued_at") ", c.reason"
	       " FROM credit_notes c JOIN invoices v ON v.id = c.invoice_id"
	       " JOIN orders o ON o.id = v.order_id"
	       " WHERE c.pdf_storage_key IS NULL"
	       " AND (c.pdf_failed_at IS NULL OR c.pdf_failed_at < now() - interval '1 day')"
	       " ORDER BY c.id LIMIT $1::int",
	.nparams = 1,
	.flags = DB_READONLY,
};
/* clang-format on */

static struct db_statement invoice_stored = {
    .name = "invoice_docs_invoice_stored",
    .sql = "UPDATE invoices SET pdf_storage_key = $2 WHERE id = $1::bigint"
	   " AND pdf_storage_key IS NULL",
    .nparams = 2,
};

static struct db_statement credit_note_stored = {
    .name = "invoice_docs_credit_note_stored",
    .sql = "UPDATE credit_notes SET pdf_storage_key = $2 WHERE id = $1::bigint"
	   " AND pdf_storage_key IS NULL",
    .nparams = 2,
};

/* the invoice of an order: the owner's ($2 set) or any ($2 NULL) */
/* a document that cannot be rendered is tried again a day later */
static struct db_statement invoice_failed = {
    .name = "invoice_docs_invoice_failed",
    .sql = "UPDATE invoices SET pdf_failed_at = now() WHERE id = $1::bigint",
    .nparams = 1,
};

static struct db_statement credit_note_failed = {
    .name = "invoice_docs_credit_note_failed",
    .sql = "UPDATE credit_notes SET pdf_failed_at = now() WHERE id = $1::bigint",
    .nparams = 1,
};

static struct db_statement invoice_of_order = {
    .name = "invoice_docs_of_order",
    .sql = "SELECT v.number, v.pdf_storage_key FROM orders o"
	   " JOIN invoices v ON v.order_id = o.id"
	   " WHERE o.public_id = $1::uuid AND ($2::bigint IS NULL OR o.user_id = $2::bigint)",
    .nparams = 2,
    .flags = DB_READONLY,
};

static struct db_statement credit_note_of_order = {
    .name = "invoice_docs_credit_note_of_order",
    .sql = "SELECT c.number, c.pdf_storage_key FROM orders o"
	   " JOIN invoices v ON v.order_id = o.id JOIN credit_notes c ON c.invoice_id = v.id"
	   " WHERE o.public_id = $1::uuid AND c.number = $2",
    .nparams = 2,
    .flags = DB_READONLY,
};

static int64_t col64(PGresult *r, int row, int col)
{
	return strtoll(PQgetvalue(r, row, col), NULL, 10);
}

static const char *state_label(struct arena *a, const char *code)
{
	const char *name = gst_state_name(code);

	if (code[0] == '\0')
		return "";
	return name != NULL ? arena_printf(a, "%s (%s)", name, code) : code;
}

/* Row i of a due query as a document (strings point into r or the arena). */
static int doc_of_row(struct worker *w, struct arena *a, PGresult *r, int i, bool credit,
		      struct invoice_doc *d)
{
	const char *lines_json = PQgetvalue(r, i, 21);
	const char *supply = PQgetvalue(r, i, 13);
	cJSON *lines = cJSON_Parse(lines_json), *e;
	size_t n = 0;

	memset(d, 0, sizeof(*d));
	d->number = PQgetvalue(r, i, 1);
	json_own(a, lines);
	if (!cJSON_IsArray(lines))
		return SOUK_EINTERNAL;
	d->credit_note = credit;
	d->date = PQgetvalue(r, i, 2);
	d->order_id = PQgetvalue(r, i, 3);
	d->seller_name = PQgetvalue(r, i, 4);
	d->seller_address = PQgetvalue(r, i, 5);
	d->seller_gstin = PQgetvalue(r, i, 6);
	d->seller_state = state_label(a, PQgetvalue(r, i, 7));
	d->buyer_name = PQgetvalue(r, i, 8);
	d->buyer_email = PQgetvalue(r, i, 9);
	d->buyer_gstin = PQgetvalue(r, i, 10);
	d->buyer_state = state_label(a, PQgetvalue(r, i, 11));
	d->place_of_supply = PQgetvalue(r, i, 12);
	d->export_supply = strcmp(supply, "export") == 0;
	d->currency = PQgetvalue(r, i, 14);
	d->taxable_paise = col64(r, i, 15);
	d->cgst_paise = col64(r, i, 16);
	d->sgst_paise = col64(r, i, 17);
	d->igst_paise = col64(r, i, 18);
	d->total_paise = col64(r, i, 19);
	d->against_number = PQgetvalue(r, i, 22);
	d->against_date = PQgetvalue(r, i, 23);
	d->reason = PQgetvalue(r, i, 24);
	d->sac = w->config->sac_code;
	d->font_path = w->config->invoice_font;

	struct invoice_doc_line *out =
	    arena_alloc(a, sizeof(*out) * ((size_t)cJSON_GetArraySize(lines) + 1));

	cJSON_ArrayForEach(e, lines)
	{
		const cJSON *t = cJSON_GetObjectItemCaseSensitive(e, "tax");
		int64_t tax = cJSON_IsNumber(t) ? (int64_t)t->valuedouble : 0;
		struct invoice_doc_line *l = &out[n++];

		l->title = json_string_member(e, "title");
		l->taxable_paise =
		    (int64_t)cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(e, "taxable"));
		l->tax_rate_bp =
		    (int32_t)cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(e, "rate"));
		const cJSON *cg = cJSON_GetObjectItemCaseSensitive(e, "cgst");

		if (cJSON_IsNumber(cg)) { /* a credit note's own split */
			l->cgst_paise = (int64_t)cg->valuedouble;
			l->sgst_paise = (int64_t)cJSON_GetNumberValue(
			    cJSON_GetObjectItemCaseSensitive(e, "sgst"));
			l->igst_paise = (int64_t)cJSON_GetNumberValue(
			    cJSON_GetObjectItemCaseSensitive(e, "igst"));
		} else if (strcmp(supply, "intra_state") == 0) {
			/* the rule of commerce.h: CGST takes the odd paisa */
			l->cgst_paise = (tax + 1) / 2;
			l->sgst_paise = tax - l->cgst_paise;
		} else if (strcmp(supply, "inter_state") == 0) {
			l->igst_paise = tax;
		}
		if (l->title == NULL)
			l->title = "";
	}
	d->lines = out;
	d->nlines = n;
	return SOUK_OK;
}

struct mem_reader {
	const unsigned char *p;
	size_t left;
};

static long mem_read(void *ctx, char *buf, size_t n)
{
	struct mem_reader *m = ctx;
	size_t k = n < m->left ? n : m->left;

	memcpy(buf, m->p, k);
	m->p += k;
	m->left -= k;
	return (long)k;
}

static int render_due(struct worker *w, struct arena *a, bool credit, long limit, long *rendered)
{
	const char *p1[] = {arena_printf(a, "%ld", limit)};
	PGresult *r = NULL;
	int rc = db_exec(&w->db, a, credit ? &credit_notes_due : &invoices_due, p1, &r);

	if (rc != SOUK_OK)
		return rc;
	for (int i = 0; i < PQntuples(r); i++) {
		struct invoice_doc d;
		struct storage_written written;
		unsigned char *pdf = NULL;
		size_t len = 0;
		const char *key;

		rc = doc_of_row(w, a, r, i, credit, &d);
		if (rc == SOUK_OK)
			rc = invoice_pdf_render(a, &d, &pdf, &len);
		if (rc != SOUK_OK) {
			const char *failed[] = {PQgetvalue(r, i, 0)};

			log_msg(LOG_ERROR,
				"invoices: %s cannot be rendered (%s): tried again in a day",
				d.number, souk_err_http(rc)->code);
			rc = db_exec(&w->db, a, credit ? &credit_note_failed : &invoice_failed,
				     failed, NULL);
			if (rc != SOUK_OK)
				return rc;
			continue; /* the next ones still get theirs */
		}
		key = arena_printf(a, "%s/%s/%s.pdf", credit ? "credit-notes" : "invoices",
				   PQgetvalue(r, i, 20), d.number);
		struct mem_reader m = {pdf, len};

		rc = storage_store(w->config, a, key, "application/pdf", mem_read, &m,
				   PDF_MAX_BYTES, &written);
		if (rc != SOUK_OK)
			return rc; /* storage is down: the next run tries again */
		const char *p2[] = {PQgetvalue(r, i, 0), key};

		rc = db_exec(&w->db, a, credit ? &credit_note_stored : &invoice_stored, p2, NULL);
		if (rc != SOUK_OK)
			return rc;
		(*rendered)++;
	}
	return SOUK_OK;
}

int invoices_render(struct worker *w, struct arena *a, long limit, long *rendered)
{
	int rc;

	*rendered = 0;
	rc = render_due(w, a, false, limit, rendered);
	if (rc == SOUK_OK)
		rc = render_due(w, a, true, limit, rendered);
	return rc;
}

int invoice_pdf_of_order(struct worker *w, struct arena *a, const char *order_id,
			 const char **number, const char **key)
{
	const char *params[] = {order_id, NULL};
	PGresult *r = NULL;
	int rc;

	if (!validate_uuid(order_id))
		return SOUK_ENOTFOUND;
	rc = db_exec(&w->db, a, &invoice_of_order, params, &r);
	if (rc != SOUK_OK)
		return rc;
	if (PQntuples(r) != 1)
		return SOUK_ENOTFOUND;
	*number = arena_strdup(a, PQgetvalue(r, 0, 0));
	*key = PQgetisnull(r, 0, 1) ? NULL : arena_strdup(a, PQgetvalue(r, 0, 1));
	return SOUK_OK;
}

/* ------------------------------------------------------------ download */

/* The document r's one row names ({number, pdf_storage_key}): 202 while it
 * is not rendered, else the PDF (through nginx, or a presigned S3 URL). */
static int document_answer(struct worker *w, struct http_request *req, struct http_response *res,
			   PGresult *r, const char *rendering)
{
	int rc;
	const char *number = arena_strdup(req->arena, PQgetvalue(r, 0, 0));

	if (PQgetisnull(r, 0, 1)) {
		cJSON *doc = json_new_object(req->arena);

		cJSON_AddStringToObject(doc, "status", "rendering");
		cJSON_AddStringToObject(doc, "number", number);
		cJSON_AddStringToObject(doc, "message", rendering);
		http_response_header(res, "Retry-After", RENDER_RETRY_AFTER);
		http_response_header(res, "Cache-Control", "no-store");
		http_response_json(res, req->arena, 202, doc);
		return SOUK_OK;
	}
	const char *key = arena_strdup(req->arena, PQgetvalue(r, 0, 1));
	const char *filename = arena_printf(req->arena, "%s.pdf", number);

	if (!storage_key_valid(key))
		return SOUK_EINTERNAL;
	if (storage_is_s3(w->config)) {
		const struct sigv4_pair query[] = {
		    {"response-content-disposition",
		     storage_content_disposition(req->arena, filename)},
		    {"response-content-type", "application/pdf"},
		};
		char *url = NULL;

		rc = s3_presign(req->arena, w->config, "GET", key, 300, time(NULL), query, 2, NULL,
				0, &url);
		if (rc != SOUK_OK)
			return rc;
		http_response_header(res, "Location", url);
		http_response_header(res, "Cache-Control", "private, no-store");
		http_response_empty(res, 302);
		return SOUK_OK;
	}
	http_response_accel(res, "application/pdf", storage_accel_path(req->arena, key));
	http_response_header(res, "Content-Disposition",
			     storage_content_disposition(req->arena, filename));
	http_response_header(res, "Cache-Control", "private, no-store");
	return SOUK_OK;
}

static int invoice_answer(struct worker *w, struct http_request *req, struct http_response *res,
			  const char *user_id)
{
	const char *id = http_path_param(req, "id");
	const char *params[] = {id, user_id};
	PGresult *r = NULL;
	int rc;

	if (!validate_uuid(id))
		return SOUK_ENOTFOUND;
	rc = db_exec(&w->db, req->arena, &invoice_of_order, params, &r);
	if (rc != SOUK_OK)
		return rc;
	if (PQntuples(r) != 1) {
		req->error_message = "This order has no invoice (it is not paid, or was free).";
		return SOUK_ENOTFOUND;
	}
	return document_answer(w, req, res, r, "The invoice PDF is being made: ask again shortly.");
}

int orders_mine_invoice(struct worker *w, struct http_request *req, struct http_response *res)
{
	/* staff who may read every order may read its invoice here too */
	bool staff = auth_has_permission(req->principal, "orders:read");

	return invoice_answer(w, req, res, staff ? NULL : req->principal->user_id);
}

int orders_admin_invoice(struct worker *w, struct http_request *req, struct http_response *res)
{
	return invoice_answer(w, req, res, NULL);
}

/* GET /api/v1/admin/orders/{id}/credit-notes/{number} (orders:read): the
 * credit note's PDF; 202 while it is being made; 404 when the order has no
 * such credit note. */
int orders_admin_credit_note(struct worker *w, struct http_request *req, struct http_response *res)
{
	const char *id = http_path_param(req, "id"), *number = http_path_param(req, "number");
	const char *params[] = {id, number};
	PGresult *r = NULL;
	int rc;

	if (!validate_uuid(id) || number == NULL || strlen(number) > INVOICE_NUMBER_MAX)
		return SOUK_ENOTFOUND;
	rc = db_exec(&w->db, req->arena, &credit_note_of_order, params, &r);
	if (rc != SOUK_OK)
		return rc;
	if (PQntuples(r) != 1) {
		req->error_message = "This order has no credit note of that number.";
		return SOUK_ENOTFOUND;
	}
	return document_answer(w, req, res, r,
			       "The credit note PDF is being made: ask again shortly.");
}
