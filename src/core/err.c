/* err.c - error to HTTP mapping, in exactly one place. */
#include "souk/err.h"

static const struct souk_err_http err_table[] = {
    [0] = {200, "ok", "OK"},
    [-SOUK_EMALFORMED] = {400, "malformed_request", "The request could not be parsed."},
    [-SOUK_EUNAUTH] = {401, "unauthenticated", "Sign in to continue."},
    [-SOUK_EFORBIDDEN] = {403, "forbidden", "You do not have permission to do this."},
    [-SOUK_ENOTFOUND] = {404, "not_found", "Not found."},
    [-SOUK_EMETHOD] = {405, "method_not_allowed", "Method not allowed for this resource."},
    [-SOUK_ECONFLICT] = {409, "conflict", "The resource changed or already exists."},
    [-SOUK_ETOOLARGE] = {413, "payload_too_large", "The request body is too large."},
    [-SOUK_EMEDIATYPE] = {415, "unsupported_media_type", "Send the body as application/json."},
    [-SOUK_EINVALID] = {422, "validation_failed", "Some fields are invalid."},
    [-SOUK_ERATELIMIT] = {429, "rate_limited", "Too many requests; try again later."},
    [-SOUK_EDB] = {503, "database_unavailable", "The database is unavailable; try again shortly."},
    [-SOUK_EREDIS] = {503, "dependency_unavailable",
		      "A service the shop depends on (Redis) is unavailable; try again shortly."},
    [-SOUK_EINTERNAL] = {500, "internal_error", "Something went wrong on our side."},
    [-SOUK_EIO] = {500, "io_error", "Something went wrong on our side."},
    [-SOUK_EGONE] = {410, "gone", "This is no longer available."},
    [-SOUK_EUPSTREAM] = {502, "upstream_unavailable",
			 "A service we depend on did not answer; try again shortly."},
};

const struct souk_err_http *souk_err_http(int err)
{
	if (err > 0 || err <= SOUK_ERR__MAX)
		return &err_table[-SOUK_EINTERNAL];
	return &err_table[-err];
}

const char *http_status_reason(int status)
{
	switch (status) {
	case 200:
		return "OK";
	case 201:
		return "Created";
	case 202:
		return "Accepted";
	case 204:
		return "No Content";
	case 301:
		return "Moved Permanently";
	case 302:
		return "Found";
	case 303:
		return "See Other";
	case 304:
		return "Not Modified";
	case 400:
		return "Bad Request";
	case 401:
		return "Unauthorized";
	case 403:
		return "Forbidden";
	case 404:
		return "Not Found";
	case 405:
		return "Method Not Allowed";
	case 409:
		return "Conflict";
	case 410:
		return "Gone";
	case 413:
		return "Payload Too Large";
	case 415:
		return "Unsupported Media Type";
	case 422:
		return "Unprocessable Entity";
	case 429:
		return "Too Many Requests";
	case 500:
		return "Internal Server Error";
	case 502:
		return "Bad Gateway";
	case 503:
		return "Service Unavailable";
	case 504:
		return "Gateway Timeout";
	default:
		return "Unknown";
	}
}
