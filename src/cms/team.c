/*
 * team.c - the team page: visible members in order for everyone (cached
 * like the catalog; at most TEAM_MAX, so one page), and for staff
 * (team:write) create, edit, hide, delete and reorder.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cjson/cJSON.h>

#include "souk/arena.h"
#include "souk/audit.h"
#include "souk/auth.h"
#include "souk/catalog.h"
#include "souk/cms.h"
#include "souk/db.h"
#include "souk/err.h"
#include "souk/http.h"
#include "souk/json.h"
#include "souk/page.h"
#include "souk/worker.h"

#define TEAM_MAX 200
#define SOCIALS_MAX 10

/* clang-format off */
#define MEMBER_JSON(extra) \
	"json_build_object('id', t.public_id, 'name', t.name, 'role_title', t.role_title," \
	" 'bio', t.bio, 'photo_url', t.photo_url, 'socials', t.socials" extra ")"

static struct db_statement team_public = {
	.name = "cms_team_public",
	.sql = "SELECT json_build_object('items', coalesce(json_agg(" MEMBER_JSON("")
	       " ORDER BY t.sort_order, t.id), '[]'), 'next_cursor', NULL)::text"
	       " FROM (SELECT * FROM team_members WHERE visible ORDER BY sort_order, id"
	       " LIMIT 200) t",
	.nparams = 0,
	.flags = DB_READONLY,
};

static struct db_statement team_admin_list = {
	.name = "cms_team_admin_list",
	.sql = "SELECT json_build_object('items', coalesce(json_agg(" MEMBER_JSON(
	       ", 'visible', t.visible, 'sort_order', t.sort_order,"
	       " 'updated_at', " DB_TS("t.updated_at")) " ORDER BY t.sort_order, t.id), '[]'),"
	       " 'next_cursor', NULL)::text"
	       " FROM (SELECT * FROM team_members ORDER BY sort_order, id LIMIT 200) t",
	.nparams = 0,
	.flags = DB_READONLY,
};

static struct db_statement team_get = {
	.name = "cms_team_get",
	.sql = "SELECT " MEMBER_JSON(", 'visible', t.visible, 'sort_order', t.sort_order,"
	       " 'updated_at', " DB_TS("t.updated_at")) "::text"
	       " FROM team_members t WHERE t.public_id = $1::uuid",
	.nparams = 1,
	.flags = DB_READONLY,
};

/* a new member goes last */
static struct db_statement team_insert = {
	.name = "cms_team_insert",
	.sql = "INSERT INTO team_members (name, role_title, bio, photo_url, socials, visible, sort_order)"
	       " SELECT $1, coalesce($2, ''), coalesce($3, ''), $4, coalesce($5::jsonb, '{}'),"
	       " coalesce($6::boolean, true), coalesce(max(sort_order), 0) + 10 FROM team_members"
	       " HAVING count(*) < 200"
	       " RETURNING public_id",
	.nparams = 6,
};

static struct db_statement team_update = {
	.name = "cms_team_update",
	.sql = "UPDATE team_members SET name = coalesce($2, name),"
	       " role_title = coalesce($3, role_title), bio = coalesce($4, bio),"
	       " photo_url = CASE WHEN $7::boolean THEN $5 ELSE photo_url END,"
	       " socials = coalesce($6::jsonb, socials), visible = coalesce($8::boolean, visible)"
	       " WHERE public_id = $1::uuid RETURNING public_id",
	.nparams = 8,
};

static struct db_statement team_delete = {
	.name = "cms_team_delete",
	.sql = "DELETE FROM team_members WHERE public_id = $1::uuid RETURNING public_id",
	.nparams = 1,
};

/* $1: the ids in their new order; every member must be named once */
static struct db_statement team_reorder = {
	.name = "cms_team_reorder",
	.sql = "WITH wanted AS (SELECT id::uuid AS public_id, n FROM unnest($1::text[])"
	       "  WITH ORDINALITY AS u (id, n)),"
	       " check_all AS (SELECT (SELECT count(*) FROM team_members) = (SELECT count(*) FROM wanted)"
	       "  AND (SELECT count(*) FROM wanted w JOIN team_members t USING (public_id))"
	       "  = (SELECT count(*) FROM wanted) AS ok)"
	       " UPDATE team_members t SET sort_order = w.n * 10 FROM wanted w, check_all c"
	       " WHERE t.public_id = w.public_id AND c.ok RETURNING t.id",
	.nparams = 1,
};
/* clang-format on */

static int build_team(struct worker *w, struct http_request *req, const void *arg, char **json)
{
	PGresult *r = NULL;
	int rc = db_exec(&w->db, req->arena, &team_public, NULL, &r);

	(void)arg;
	if (rc != SOUK_OK)
		return rc;
	*json = PQgetvalue(r, 0, 0);
	return SOUK_OK;
}

/* GET /api/v1/team: 200 {"items":[{id,name,role_title,bio,photo_url,
 * socials}],"next_cursor":null}, visible members in order. */
int cms_team_index(struct worker *w, struct http_request *req, struct http_response *res)
{
	return catalog_cached_read(w, req, res, "team", build_team, NULL);
}

/* GET /api/v1/admin/team: 200 every member (hidden ones too), in order. */
int cms_team_admin_index(struct worker *w, struct http_request *req, struct http_response *res)
{
	PGresult *r = NULL;
	int rc = db_exec(&w->db, req->arena, &team_admin_list, NULL, &r);

	if (rc != SOUK_OK)
		return rc;
	http_response_body(res, 200, PQgetvalue(r, 0, 0), (size_t)PQgetlength(r, 0, 0));
	return SOUK_OK;
}

static const struct validate_field member_fields[] = {
    {"name", VALIDATE_STRING, 0, 1, 200, VALIDATE_NO_STORE},
    {"role_title", VALIDATE_STRING, 0, 0, 200, VALIDATE_NO_STORE},
    {"bio", VALIDATE_TEXT, 0, 0, 5000, VALIDATE_NO_STORE},
    {"photo_url", VALIDATE_URL, VALIDATE_NULLABLE, 1, 2000, VALIDATE_NO_STORE},
    {"visible", VALIDATE_BOOL, 0, 0, 0, VALIDATE_NO_STORE},
    {"socials", VALIDATE_OBJECT, 0, 0, SOCIALS_MAX, VALIDATE_NO_STORE},
};

struct member_values {
	const char *name, *role_title, *bio, *photo_url, *socials, *visible;
	bool photo_given;
};

/* socials: {"github": "https://...", ...}: at most SOCIALS_MAX links, named
 * by slugs. The JSON text into *out, or SOUK_EINVALID. */
static int socials_read(struct http_request *req, const cJSON *socials, const char **out)
{
	const cJSON *e;
	cJSON *copy;

	copy = json_new_object(req->arena);
	cJSON_ArrayForEach(e, socials)
	{
		if (!validate_slug(e->string) || strlen(e->string) > 30)
			return http_field_error(req,
						arena_printf(req->arena, "socials.%s", e->string),
						"must be named by a slug of at most 30 characters");
		if (!cJSON_IsString(e) || strlen(e->valuestring) > 2000 ||
		    strncmp(e->valuestring, "https://", 8) != 0 || !validate_url(e->valuestring))
			return http_field_error(req,
						arena_printf(req->arena, "socials.%s", e->string),
						"must be an https:// address");
		cJSON_AddStringToObject(copy, e->string, e->valuestring);
	}
	*out = json_print(req->arena, copy);
	return SOUK_OK;
}

static int member_read(struct http_request *req, bool creating, struct member_values *v)
{
	struct validate_result result = {0};
	const cJSON *visible, *socials;
	int rc = HTTP_VALIDATE(req, member_fields, NULL, &result);
	/* go on after a problem: the client sees every one at once */
	bool bad = rc == SOUK_EINVALID;

	if (rc != SOUK_OK && rc != SOUK_EINVALID)
		return rc;
	socials = cJSON_GetObjectItemCaseSensitive(result.normal, "socials");
	if (socials != NULL && socials_read(req, socials, &v->socials) != SOUK_OK)
		bad = true;
	v->name = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(result.normal, "name"));
	if (creating && v->name == NULL && !cJSON_HasObjectItem(req->json, "name"))
		bad = http_field_error(req, "name", "is required");
	if (bad)
		return SOUK_EINVALID;
	v->role_title =
	    cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(result.normal, "role_title"));
	v->bio = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(result.normal, "bio"));
	v->photo_url =
	    cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(result.normal, "photo_url"));
	v->photo_given = cJSON_GetObjectItemCaseSensitive(result.normal, "photo_url") != NULL;
	visible = cJSON_GetObjectItemCaseSensitive(result.normal, "visible");
	if (visible != NULL)
		v->visible = cJSON_IsTrue(visible) ? "true" : "false";
	return SOUK_OK;
}

static int member_answer(struct worker *w, struct http_request *req, struct http_response *res,
			 int status, const char *id)
{
	const char *params[] = {id};
	PGresult *r = NULL;
	int rc = db_exec(&w->db, req->arena, &team_get, params, &r);

	if (rc != SOUK_OK)
		return rc;
	return page_respond_row(res, r, status);
}

static int team_audit(struct worker *w, struct http_request *req, const char *action,
		      const char *id)
{
	return audit_record(&w->db, req->arena, req->principal->user_id, action, "team_member", id,
			    NULL, req->remote_addr);
}

/* POST /api/v1/admin/team {name, role_title?, bio?, photo_url?, socials?,
 * visible?}: 201 the member, placed last; 409 at TEAM_MAX members; 422. */
int cms_team_admin_create(struct worker *w, struct http_request *req, struct http_response *res)
{
	struct member_values v = {0};
	PGresult *r = NULL;
	const char *id = NULL;
	int rc = member_read(req, true, &v);

	if (rc != SOUK_OK)
		return rc;
	const char *params[] = {v.name, v.role_title, v.bio, v.photo_url, v.socials, v.visible};
	rc = db_begin(&w->db, req->arena);
	if (rc != SOUK_OK)
		return rc;
	rc = db_exec(&w->db, req->arena, &team_insert, params, &r);
	if (rc == SOUK_OK && PQntuples(r) == 0) {
		req->error_message = "The team page holds at most 200 members.";
		rc = SOUK_ECONFLICT;
	}
	if (rc == SOUK_OK) {
		id = arena_strdup(req->arena, PQgetvalue(r, 0, 0));
		rc = team_audit(w, req, "team.create", id);
	}
	rc = catalog_commit(w, req->arena, rc);
	if (rc != SOUK_OK)
		return rc;
	return member_answer(w, req, res, 201, id);
}

/* PATCH /api/v1/admin/team/{id} {the create fields}: 200 the member; 404; 422. */
int cms_team_admin_update(struct worker *w, struct http_request *req, struct http_response *res)
{
	const char *id = http_path_param(req, "id");
	struct member_values v = {0};
	PGresult *r = NULL;
	int rc;

	if (!validate_uuid(id))
		return SOUK_ENOTFOUND;
	rc = member_read(req, false, &v);
	if (rc != SOUK_OK)
		return rc;
	const char *params[] = {id,
				v.name,
				v.role_title,
				v.bio,
				v.photo_url,
				v.socials,
				v.photo_given ? "true" : "false",
				v.visible};
	rc = db_begin(&w->db, req->arena);
	if (rc != SOUK_OK)
		return rc;
	rc = db_exec(&w->db, req->arena, &team_update, params, &r);
	if (rc == SOUK_OK && PQntuples(r) == 0)
		rc = SOUK_ENOTFOUND;
	if (rc == SOUK_OK)
		rc = team_audit(w, req, "team.update", id);
	rc = catalog_commit(w, req->arena, rc);
	if (rc != SOUK_OK)
		return rc;
	return member_answer(w, req, res, 200, id);
}

/* DELETE /api/v1/admin/team/{id}: 204; 404. */
int cms_team_admin_delete(struct worker *w, struct http_request *req, struct http_response *res)
{
	const char *id = http_path_param(req, "id");
	const char *params[] = {id};
	PGresult *r = NULL;
	int rc;

	if (!validate_uuid(id))
		return SOUK_ENOTFOUND;
	rc = db_begin(&w->db, req->arena);
	if (rc != SOUK_OK)
		return rc;
	rc = db_exec(&w->db, req->arena, &team_delete, params, &r);
	if (rc == SOUK_OK && PQntuples(r) == 0)
		rc = SOUK_ENOTFOUND;
	if (rc == SOUK_OK)
		rc = team_audit(w, req, "team.delete", id);
	rc = catalog_commit(w, req->arena, rc);
	if (rc != SOUK_OK)
		return rc;
	http_response_empty(res, 204);
	return SOUK_OK;
}

/* PUT /api/v1/admin/team/order {"ids": [every member's id, in the new
 * order]}: 200 the list; 422 when ids is not every member exactly once. */
int cms_team_admin_reorder(struct worker *w, struct http_request *req, struct http_response *res)
{
	struct {
		const cJSON *ids;
	} in = {0};
	static const struct validate_field fields[] = {
	    {"ids", VALIDATE_ARRAY, VALIDATE_REQUIRED, 0, TEAM_MAX, 0},
	};
	const cJSON *ids, *e;
	char *list = "{";
	PGresult *r = NULL;
	int rc = HTTP_VALIDATE(req, fields, &in, NULL);

	if (rc != SOUK_OK)
		return rc;
	ids = in.ids;
	if (cJSON_GetArraySize(ids) == 0)
		return http_field_error(req, "ids", "must be the array of every member's id");
	cJSON_ArrayForEach(e, ids)
	{
		if (!cJSON_IsString(e) || !validate_uuid(e->valuestring))
			return http_field_error(req, "ids", "must hold member ids (UUIDs)");
		for (const cJSON *d = ids->child; d != e; d = d->next)
			if (strcasecmp(d->valuestring, e->valuestring) == 0)
				return http_field_error(req, "ids", "names a member twice");
		list = arena_printf(req->arena, "%s%s%s", list, e == ids->child ? "" : ",",
				    e->valuestring);
	}
	list = arena_printf(req->arena, "%s}", list);
	const char *params[] = {list};
	rc = db_begin(&w->db, req->arena);
	if (rc != SOUK_OK)
		return rc;
	rc = db_exec(&w->db, req->arena, &team_reorder, params, &r);
	if (rc == SOUK_OK && PQntuples(r) == 0)
		rc = http_field_error(req, "ids", "must name every member exactly once");
	if (rc == SOUK_OK)
		rc = team_audit(w, req, "team.reorder", NULL);
	rc = catalog_commit(w, req->arena, rc);
	if (rc != SOUK_OK)
		return rc;
	return cms_team_admin_index(w, req, res);
}
