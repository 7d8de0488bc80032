-- 010: the public JSON of every published product, assembled once per change instead of
-- once per read.
--
-- A product page (GET /products/{slug}) and a list item (GET /products, search) used to be
-- built by json_build_object on every request: three subqueries (category, author, the
-- newest version of each file) per product page, a join and a json_build_object per list
-- item. product_pages holds both documents as text, rebuilt in the same transaction as any
-- change that shows in them, by triggers:
--   products       insert, update (every column: title, price, sales, status ...)
--   product_files  insert, update, delete (the files list of the page)
--   categories     update (the category's slug and name in pages and items)
--   users          update of name or status (the author on the page)
-- A row exists exactly while its product is published, like product_search, so reading it
-- can never show a draft. A read is one index lookup; no cache, no staleness: PostgreSQL
-- stays the source of truth and the documents are part of it.
--
-- The documents' SQL is the one the handlers used (src/catalog/catalog.c, search.c), moved
-- here: souk_product_documents(). Staff reads (/admin/...) still build theirs per request.
-- A test (t/api/consistency.test.mjs) compares every row with souk_product_documents()
-- after a run of changes: a change no trigger sees shows as drift.

CREATE TABLE product_pages (
    product_id bigint PRIMARY KEY REFERENCES products (id) ON DELETE CASCADE,
    slug       text NOT NULL UNIQUE,
    detail     text NOT NULL,   -- GET /api/v1/products/{slug}
    item       text NOT NULL    -- one element of a list's "items"
);
COMMENT ON TABLE product_pages IS
    'Published products only: their public JSON, rebuilt by triggers on every change';

CREATE OR REPLACE FUNCTION souk_ts(t timestamptz) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN to_char(t AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"');

-- The documents of these products that are published, as the tables say now.
CREATE OR REPLACE FUNCTION souk_product_documents(ids bigint[])
RETURNS TABLE (product_id bigint, slug text, detail text, item text)
LANGUAGE sql STABLE AS $$
    SELECT p.id, p.slug,
           json_build_object(
             'id', p.public_id, 'slug', p.slug, 'title', p.title, 'summary', p.summary,
             'description', p.description, 'price_paise', p.price_paise, 'currency', p.currency,
             'tax_rate_bp', p.tax_rate_bp, 'is_free', p.price_paise = 0,
             'category', (SELECT json_build_object('slug', c.slug, 'name', c.name)
                            FROM categories c WHERE c.id = p.category_id),
             'tags', p.tags, 'cover_image_url', p.cover_image_url,
             'preview_image_urls', p.preview_image_urls,
             'author', (SELECT json_build_object('name', u.name) FROM users u
                         WHERE u.id = p.author_id AND u.status = 'active'),
             'sales_count', p.sales_count, 'published_at', souk_ts(p.published_at),
             'updated_at', souk_ts(p.updated_at),
             'files', (SELECT coalesce(json_agg(json_build_object('id', f.public_id,
                         'label', f.label, 'version', f.version, 'filename', f.filename,
                         'size_bytes', f.size_bytes, 'content_type', f.content_type,
                         'updated_at', souk_ts(f.created_at)) ORDER BY f.label), '[]')
                         FROM (SELECT DISTINCT ON (label) * FROM product_files
                                WHERE product_id = p.id ORDER BY label, version DESC) f)
           )::text,
           json_build_object(
             'id', p.public_id, 'slug', p.slug, 'title', p.title, 'summary', p.summary,
             'price_paise', p.price_paise, 'currency', p.currency, 'tax_rate_bp', p.tax_rate_bp,
             'is_free', p.price_paise = 0,
             'category', (SELECT json_build_object('slug', c.slug, 'name', c.name)
                            FROM categories c WHERE c.id = p.category_id),
             'tags', p.tags, 'cover_image_url', p.cover_image_url,
             'published_at', souk_ts(p.published_at), 'sales_count', p.sales_count
           )::text
      FROM products p
     WHERE p.id = ANY (ids) AND p.status = 'published';
$$;

-- Rebuilds the documents of these products: published ones are (re)written, the others
-- (drafts, archived, deleted) lose theirs.
--
-- The products' rows are locked first (in id order). Without it two transactions could
-- race: one renaming a category, one retitling a product of it, each rebuilding the page
-- from its own snapshot, and the later writer would keep the other's old value. With the
-- lock the second waits for the first to commit, and its next statement (a new snapshot
-- under READ COMMITTED) sees both changes.
CREATE OR REPLACE FUNCTION souk_product_pages_refresh(ids bigint[]) RETURNS void
LANGUAGE sql AS $$
    SELECT 1 FROM products WHERE id = ANY (ids) ORDER BY id FOR NO KEY UPDATE;
    DELETE FROM product_pages pp
     WHERE pp.product_id = ANY (ids)
       AND NOT EXISTS (SELECT 1 FROM products p WHERE p.id = pp.product_id AND p.status = 'published');
    INSERT INTO product_pages (product_id, slug, detail, item)
    SELECT d.product_id, d.slug, d.detail, d.item FROM souk_product_documents(ids) d
    ON CONFLICT (product_id) DO UPDATE
       SET slug = EXCLUDED.slug, detail = EXCLUDED.detail, item = EXCLUDED.item;
$$;

-- products: every insert and update, one pass per statement (bulk seeds and imports).
CREATE OR REPLACE FUNCTION product_pages_after_products() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM souk_product_pages_refresh(ARRAY(SELECT id FROM new_rows));
    RETURN NULL;
END;
$$;

CREATE TRIGGER product_pages_products_insert AFTER INSERT ON products
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION product_pages_after_products();
CREATE TRIGGER product_pages_products_update AFTER UPDATE ON products
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION product_pages_after_products();

-- product_files: the files list of the page.
CREATE OR REPLACE FUNCTION product_pages_after_files() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM souk_product_pages_refresh(ARRAY(SELECT DISTINCT product_id FROM changed_rows));
    RETURN NULL;
END;
$$;

CREATE TRIGGER product_pages_files_insert AFTER INSERT ON product_files
    REFERENCING NEW TABLE AS changed_rows
    FOR EACH STATEMENT EXECUTE FUNCTION product_pages_after_files();
CREATE TRIGGER product_pages_files_delete AFTER DELETE ON product_files
    REFERENCING OLD TABLE AS changed_rows
    FOR EACH STATEMENT EXECUTE FUNCTION product_pages_after_files();
-- The application never updates a file row (a new version is a new row); a hand fix is
-- still seen.
CREATE TRIGGER product_pages_files_update AFTER UPDATE ON product_files
    REFERENCING NEW TABLE AS changed_rows
    FOR EACH STATEMENT EXECUTE FUNCTION product_pages_after_files();

-- categories: a new slug or name shows in every page and item of the category.
CREATE OR REPLACE FUNCTION product_pages_after_categories() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM souk_product_pages_refresh(ARRAY(
        SELECT p.id FROM products p JOIN new_rows c ON c.id = p.category_id
         WHERE p.status = 'published'));
    RETURN NULL;
END;
$$;

CREATE TRIGGER product_pages_categories_update AFTER UPDATE ON categories
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION product_pages_after_categories();

-- users: the author's name, shown while the author's account is active.
CREATE OR REPLACE FUNCTION product_pages_after_author() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM souk_product_pages_refresh(ARRAY(
        SELECT id FROM products WHERE author_id = NEW.id AND status = 'published'));
    RETURN NULL;
END;
$$;

CREATE TRIGGER product_pages_author_update AFTER UPDATE OF name, status ON users
    FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name OR OLD.status IS DISTINCT FROM NEW.status)
    EXECUTE FUNCTION product_pages_after_author();

-- Backfill what is already published.
SELECT souk_product_pages_refresh(ARRAY(SELECT id FROM products WHERE status = 'published'));
