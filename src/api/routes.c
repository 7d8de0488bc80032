/*
 * routes.c - THE route table. One row per endpoint; permission NULL = public.
 * Add a route here, its handler in the module's *_http.c, its prototype in the
 * module header, and an API test in t/api. ROUTE_ANONYMOUS marks public reads
 * whose answer is the same for everyone: they skip authentication entirely.
 */
#include "souk/api.h"
#include "souk/audit.h"
#include "souk/auth.h"
#include "souk/catalog.h"
#include "souk/cms.h"
#include "souk/commerce.h"
#include "souk/mail.h"
#include "souk/users.h"

const struct route api_routes[] = {
    /* method, pattern, handler, permission, flags */
    {"GET", "/api/v1/health", api_health, NULL, ROUTE_ANONYMOUS},
    {"GET", "/api/v1/ready", api_ready, NULL, ROUTE_ANONYMOUS},

    /* accounts: sign-in flows (src/auth) */
    {"POST", "/api/v1/auth/register", auth_register, NULL, ROUTE_JSON_BODY},
    {"POST", "/api/v1/auth/login", auth_login, NULL, ROUTE_JSON_BODY},
    {"POST", "/api/v1/auth/refresh", auth_refresh, NULL, ROUTE_JSON_OPTIONAL},
    {"POST", "/api/v1/auth/logout", auth_logout, NULL, ROUTE_JSON_OPTIONAL},
    {"POST", "/api/v1/auth/logout-all", auth_logout_all, ROUTE_SIGNED_IN, ROUTE_JSON_OPTIONAL},
    {"POST", "/api/v1/auth/verify-email", auth_verify_email, NULL, ROUTE_JSON_BODY},
    {"POST", "/api/v1/auth/otp/request", auth_otp_request, NULL, ROUTE_JSON_BODY},
    {"POST", "/api/v1/auth/otp/verify", auth_otp_verify, NULL, ROUTE_JSON_BODY},
    {"POST", "/api/v1/auth/password-reset/request", auth_reset_request, NULL, ROUTE_JSON_BODY},
    {"POST", "/api/v1/auth/password-reset/confirm", auth_reset_confirm, NULL, ROUTE_JSON_BODY},
    {"GET", "/api/v1/auth/providers", auth_providers, NULL, 0},
    {"GET", "/api/v1/auth/oauth/{provider}/start", auth_oauth_start, NULL, 0},
    {"GET", "/api/v1/auth/oauth/{provider}/callback", auth_oauth_callback, NULL, 0},

    /* the signed-in user (src/users) */
    {"GET", "/api/v1/me", users_me, ROUTE_SIGNED_IN, 0},
    {"PATCH", "/api/v1/me", users_me_update, ROUTE_SIGNED_IN, ROUTE_JSON_BODY},
    {"DELETE", "/api/v1/me", users_me_delete, ROUTE_SIGNED_IN, ROUTE_JSON_OPTIONAL},
    {"POST", "/api/v1/me/password", users_me_password, ROUTE_SIGNED_IN, ROUTE_JSON_BODY},
    {"GET", "/api/v1/me/sessions", users_me_sessions, ROUTE_SIGNED_IN, 0},
    {"DELETE", "/api/v1/me/sessions/{id}", users_me_session_revoke, ROUTE_SIGNED_IN, 0},
    {"GET", "/api/v1/me/dashboard", users_me_dashboard, ROUTE_SIGNED_IN, 0},
    {"GET", "/api/v1/me/export", users_me_export, ROUTE_SIGNED_IN, 0},

    /* the catalog (src/catalog): public reads, cached */
    {"GET", "/api/v1/products", catalog_products_list, NULL, ROUTE_ANONYMOUS},
    {"GET", "/api/v1/products/{slug}", catalog_product_get, NULL, ROUTE_ANONYMOUS},
    {"GET", "/api/v1/search", catalog_search, NULL, ROUTE_ANONYMOUS},
    {"GET", "/api/v1/categories", catalog_categories, NULL, ROUTE_ANONYMOUS},
    {"GET", "/api/v1/tags", catalog_tags, NULL, ROUTE_ANONYMOUS},

    /* owning and downloading */
    {"POST", "/api/v1/products/{slug}/claim", delivery_claim, ROUTE_SIGNED_IN, ROUTE_JSON_OPTIONAL},
    {"POST", "/api/v1/products/{slug}/download", delivery_download, ROUTE_SIGNED_IN,
     ROUTE_JSON_OPTIONAL},
    {"GET", "/api/v1/me/library", delivery_library, ROUTE_SIGNED_IN, 0},

    /* the cart (src/commerce/cart.c): guests and signed-in users */
    {"GET", "/api/v1/cart", cart_get, NULL, ROUTE_WHOSE},
    {"POST", "/api/v1/cart/items", cart_add, NULL, ROUTE_JSON_BODY | ROUTE_WHOSE},
    {"DELETE", "/api/v1/cart/items/{product}", cart_remove, NULL, ROUTE_WHOSE},
    {"PUT", "/api/v1/cart/coupon", cart_coupon_set, NULL, ROUTE_JSON_BODY | ROUTE_WHOSE},
    {"DELETE", "/api/v1/cart/coupon", cart_coupon_clear, NULL, ROUTE_WHOSE},

    /* checkout and payments (src/commerce/checkout_http.c, webhooks.c) */
    {"POST", "/api/v1/checkout", checkout_create, ROUTE_SIGNED_IN, ROUTE_JSON_BODY},
    {"POST", "/api/v1/payments/razorpay/verify", payments_verify, ROUTE_SIGNED_IN, ROUTE_JSON_BODY},
    {"POST", "/api/v1/payments/sandbox/pay", sandbox_pay, ROUTE_SIGNED_IN, ROUTE_JSON_BODY},
    {"POST", "/api/v1/webhooks/razorpay", webhook_razorpay, NULL, ROUTE_JSON_BODY},
    {"GET", "/api/v1/me/orders", orders_mine_index, ROUTE_SIGNED_IN, 0},
    {"GET", "/api/v1/me/orders/{id}", orders_mine_show, ROUTE_SIGNED_IN, 0},
    {"GET", "/api/v1/me/orders/{id}/invoice", orders_mine_invoice, ROUTE_SIGNED_IN, 0},
    /* the e-mail outbox (src/mail/outbox_http.c) */
    {"GET", "/api/v1/admin/outbox", outbox_admin_index, "mail:read", 0},
    {"POST", "/api/v1/admin/outbox/{id}/retry", outbox_admin_retry, "mail:read", 0},
    /* staff orders and refunds (src/commerce/orders_admin.c, refunds.c) */
    {"GET", "/api/v1/admin/orders", orders_admin_index, "orders:read", 0},
    {"GET", "/api/v1/admin/orders/{id}", orders_admin_show, "orders:read", 0},
    {"GET", "/api/v1/admin/orders/{id}/invoice", orders_admin_invoice, "orders:read", 0},
    {"GET", "/api/v1/admin/orders/{id}/credit-notes/{number}", orders_admin_credit_note,
     "orders:read", 0},
    {"POST", "/api/v1/admin/orders/{id}/confirmation", orders_admin_confirmation_resend,
     "orders:read", ROUTE_JSON_OPTIONAL},
    {"POST", "/api/v1/admin/orders/{id}/refunds", refunds_create, "orders:refund", ROUTE_JSON_BODY},

    /* coupons, for staff (src/commerce/coupons_http.c) */
    {"GET", "/api/v1/admin/coupons", coupons_admin_index, "coupons:write", 0},
    {"POST", "/api/v1/admin/coupons", coupons_admin_create, "coupons:write", ROUTE_JSON_BODY},
    {"GET", "/api/v1/admin/coupons/{code}", coupons_admin_show, "coupons:write", 0},
    {"PATCH", "/api/v1/admin/coupons/{code}", coupons_admin_update, "coupons:write",
     ROUTE_JSON_BODY},
    {"DELETE", "/api/v1/admin/coupons/{code}", coupons_admin_delete, "coupons:write", 0},
    {"GET", "/api/v1/downloads/{token}", delivery_fetch, NULL, ROUTE_ANONYMOUS},

    /* catalog administration */
    {"GET", "/api/v1/admin/products", catalog_admin_products, "products:write", 0},
    {"POST", "/api/v1/admin/products", catalog_admin_product_create, "products:write",
     ROUTE_JSON_BODY},
    {"GET", "/api/v1/admin/products/{id}", catalog_admin_product_get, "products:write", 0},
    {"PATCH", "/api/v1/admin/products/{id}", catalog_admin_product_update, "products:write",
     ROUTE_JSON_BODY},
    {"DELETE", "/api/v1/admin/products/{id}", catalog_admin_product_delete, "products:write", 0},
    {"POST", "/api/v1/admin/products/{id}/publish", catalog_admin_product_publish, "products:write",
     ROUTE_JSON_OPTIONAL},
    {"POST", "/api/v1/admin/products/{id}/unpublish", catalog_admin_product_unpublish,
     "products:write", ROUTE_JSON_OPTIONAL},
    {"POST", "/api/v1/admin/products/{id}/archive", catalog_admin_product_archive, "products:write",
     ROUTE_JSON_OPTIONAL},
    {"POST", "/api/v1/admin/products/{id}/files", catalog_admin_file_upload, "products:write",
     ROUTE_STREAM_BODY},
    {"POST", "/api/v1/admin/products/{id}/files/presign", catalog_admin_file_presign,
     "products:write", ROUTE_JSON_BODY},
    {"POST", "/api/v1/admin/products/{id}/files/complete", catalog_admin_file_complete,
     "products:write", ROUTE_JSON_BODY},
    {"DELETE", "/api/v1/admin/products/{id}/files/{file}", catalog_admin_file_delete,
     "products:write", 0},
    {"POST", "/api/v1/admin/products/{id}/images", catalog_admin_image_upload, "products:write",
     ROUTE_STREAM_BODY},
    {"GET", "/api/v1/admin/categories", catalog_admin_categories, "products:write", 0},
    {"POST", "/api/v1/admin/categories", catalog_admin_category_create, "products:write",
     ROUTE_JSON_BODY},
    {"PATCH", "/api/v1/admin/categories/{slug}", catalog_admin_category_update, "products:write",
     ROUTE_JSON_BODY},
    {"DELETE", "/api/v1/admin/categories/{slug}", catalog_admin_category_delete, "products:write",
     0},

    /* CMS pages (src/cms/pages.c) */
    {"GET", "/api/v1/pages/{slug}", cms_page_get, NULL, ROUTE_ANONYMOUS},
    {"GET", "/api/v1/admin/pages", cms_pages_admin_index, "cms:write", 0},
    {"POST", "/api/v1/admin/pages", cms_pages_admin_create, "cms:write", ROUTE_JSON_BODY},
    {"GET", "/api/v1/admin/pages/{slug}", cms_pages_admin_show, "cms:write", 0},
    {"PATCH", "/api/v1/admin/pages/{slug}", cms_pages_admin_update, "cms:write", ROUTE_JSON_BODY},
    {"GET", "/api/v1/admin/pages/{slug}/preview", cms_pages_admin_preview, "cms:write", 0},
    {"POST", "/api/v1/admin/pages/{slug}/publish", cms_pages_admin_publish, "cms:write",
     ROUTE_JSON_BODY},
    {"POST", "/api/v1/admin/pages/{slug}/unpublish", cms_pages_admin_unpublish, "cms:write",
     ROUTE_JSON_OPTIONAL},
    {"GET", "/api/v1/admin/pages/{slug}/versions", cms_pages_admin_versions, "cms:write", 0},
    {"GET", "/api/v1/admin/pages/{slug}/versions/{version}", cms_pages_admin_version, "cms:write",
     0},
    {"POST", "/api/v1/admin/pages/{slug}/rollback", cms_pages_admin_rollback, "cms:write",
     ROUTE_JSON_BODY},

    /* the blog (src/cms/blog.c) */
    {"GET", "/api/v1/blog", cms_blog_index, NULL, ROUTE_ANONYMOUS},
    {"GET", "/api/v1/blog/feed/rss", cms_blog_rss, NULL, ROUTE_ANONYMOUS},
    {"GET", "/api/v1/blog/feed/atom", cms_blog_atom, NULL, ROUTE_ANONYMOUS},
    {"GET", "/api/v1/blog/{slug}", cms_blog_show, NULL, ROUTE_ANONYMOUS},
    {"GET", "/api/v1/admin/blog", cms_blog_admin_index, "blog:write", 0},
    {"POST", "/api/v1/admin/blog", cms_blog_admin_create, "blog:write", ROUTE_JSON_BODY},
    {"GET", "/api/v1/admin/blog/{id}", cms_blog_admin_show, "blog:write", 0},
    {"PATCH", "/api/v1/admin/blog/{id}", cms_blog_admin_update, "blog:write", ROUTE_JSON_BODY},
    {"DELETE", "/api/v1/admin/blog/{id}", cms_blog_admin_delete, "blog:write", 0},

    /* the team page (src/cms/team.c) */
    {"GET", "/api/v1/team", cms_team_index, NULL, ROUTE_ANONYMOUS},
    {"GET", "/api/v1/admin/team", cms_team_admin_index, "team:write", 0},
    {"POST", "/api/v1/admin/team", cms_team_admin_create, "team:write", ROUTE_JSON_BODY},
    {"PUT", "/api/v1/admin/team/order", cms_team_admin_reorder, "team:write", ROUTE_JSON_BODY},
    {"PATCH", "/api/v1/admin/team/{id}", cms_team_admin_update, "team:write", ROUTE_JSON_BODY},
    {"DELETE", "/api/v1/admin/team/{id}", cms_team_admin_delete, "team:write", 0},

    /* enquiries (src/cms/enquiries.c): the contact form and the staff inbox */
    {"POST", "/api/v1/enquiries", cms_enquiry_create, NULL, ROUTE_JSON_BODY},
    {"GET", "/api/v1/admin/enquiries", cms_enquiries_admin_index, "enquiries:manage", 0},
    {"GET", "/api/v1/admin/enquiries/{id}", cms_enquiries_admin_show, "enquiries:manage", 0},
    {"PATCH", "/api/v1/admin/enquiries/{id}", cms_enquiries_admin_update, "enquiries:manage",
     ROUTE_JSON_BODY},
    {"POST", "/api/v1/admin/enquiries/{id}/notes", cms_enquiries_admin_note, "enquiries:manage",
     ROUTE_JSON_BODY},
    {"POST", "/api/v1/admin/enquiries/{id}/reply", cms_enquiries_admin_reply, "enquiries:manage",
     ROUTE_JSON_BODY},

    /* reviews and feedback (src/cms/feedback.c) */
    {"GET", "/api/v1/products/{slug}/reviews", cms_reviews_index, NULL, ROUTE_ANONYMOUS},
    {"GET", "/api/v1/products/{slug}/rating", cms_rating_show, NULL, ROUTE_ANONYMOUS},
    {"GET", "/api/v1/products/{slug}/review", cms_review_mine, ROUTE_SIGNED_IN, 0},
    {"PUT", "/api/v1/products/{slug}/review", cms_review_put, ROUTE_SIGNED_IN, ROUTE_JSON_BODY},
    {"DELETE", "/api/v1/products/{slug}/review", cms_review_delete, ROUTE_SIGNED_IN, 0},
    {"POST", "/api/v1/feedback", cms_site_feedback_create, ROUTE_SIGNED_IN, ROUTE_JSON_BODY},
    {"GET", "/api/v1/admin/feedback", cms_feedback_admin_index, "feedback:moderate", 0},
    {"POST", "/api/v1/admin/feedback/{id}/approve", cms_feedback_admin_approve, "feedback:moderate",
     ROUTE_JSON_OPTIONAL},
    {"POST", "/api/v1/admin/feedback/{id}/reject", cms_feedback_admin_reject, "feedback:moderate",
     ROUTE_JSON_OPTIONAL},

    /* SEO (src/cms/seo.c); nginx maps /sitemap.xml, /sitemaps/NAME.xml, /robots.txt and the
     * HTML of public pages onto these */
    {"GET", "/api/v1/seo", cms_seo_get, NULL, ROUTE_ANONYMOUS},
    {"GET", "/api/v1/seo/html", cms_seo_html, NULL, ROUTE_ANONYMOUS},
    {"GET", "/api/v1/seo/sitemap", cms_seo_sitemap, NULL, ROUTE_ANONYMOUS},
    {"GET", "/api/v1/seo/sitemaps/{name}", cms_seo_sitemap_part, NULL, ROUTE_ANONYMOUS},
    {"GET", "/api/v1/seo/robots", cms_seo_robots, NULL, ROUTE_ANONYMOUS},
    {"GET", "/api/v1/admin/seo/rules", cms_seo_rules_index, "seo:manage", 0},
    {"PUT", "/api/v1/admin/seo/rules/{scope}", cms_seo_rule_put, "seo:manage", ROUTE_JSON_BODY},
    {"DELETE", "/api/v1/admin/seo/rules/{scope}", cms_seo_rule_delete, "seo:manage", 0},
    {"POST", "/api/v1/admin/seo/preview", cms_seo_preview, "seo:manage", ROUTE_JSON_BODY},

    /* metrics (src/cms/metrics.c): the pageview beacon, staff reports */
    {"POST", "/api/v1/metrics/pageview", cms_metrics_pageview, NULL,
     ROUTE_BEACON | ROUTE_JSON_BODY},
    {"GET", "/api/v1/admin/metrics/views", cms_metrics_views, "metrics:read", 0},
    {"GET", "/api/v1/admin/metrics/pages", cms_metrics_pages, "metrics:read", 0},
    {"GET", "/api/v1/admin/metrics/referrers", cms_metrics_referrers, "metrics:read", 0},
    {"GET", "/api/v1/admin/metrics/searches", cms_metrics_searches, "metrics:read", 0},
    /* the sales report (src/commerce/orders_admin.c): the orders tables are commerce's */
    {"GET", "/api/v1/admin/metrics/sales", orders_admin_sales, "metrics:read", 0},

    /* user administration */
    {"GET", "/api/v1/admin/users", users_admin_list, "users:read", 0},
    {"PATCH", "/api/v1/admin/users/{id}/role", users_admin_role, "users:manage", ROUTE_JSON_BODY},
    {"POST", "/api/v1/admin/users/{id}/disable", users_admin_disable, "users:manage", 0},
    {"POST", "/api/v1/admin/users/{id}/enable", users_admin_enable, "users:manage", 0},
    {"GET", "/api/v1/admin/users/{id}/sessions", users_admin_sessions, "users:manage", 0},
    {"DELETE", "/api/v1/admin/users/{id}/sessions", users_admin_sessions_revoke, "users:manage", 0},

    /* the audit trail (src/audit/audit_http.c) */
    {"GET", "/api/v1/admin/audit", audit_admin_index, "users:manage", 0},
    {"POST", "/api/v1/_test/echo", api_test_echo, NULL, ROUTE_JSON_BODY | ROUTE_TEST_ONLY},
    {"GET", "/api/v1/_test/sleep", api_test_sleep, NULL, ROUTE_TEST_ONLY},
};

const size_t api_routes_count = sizeof(api_routes) / sizeof(api_routes[0]);
