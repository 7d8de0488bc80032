-- 002: catalog (categories, products, product files)

CREATE TABLE categories (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    slug        text NOT NULL UNIQUE CHECK (souk_is_slug(slug)),
    name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    description text NOT NULL DEFAULT '',
    sort_order  integer NOT NULL DEFAULT 0,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX categories_sort_order_idx ON categories (sort_order, name);
CREATE TRIGGER categories_set_updated_at BEFORE UPDATE ON categories
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

CREATE TABLE products (
    id                 bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    public_id          uuid NOT NULL DEFAULT gen_random_uuid() UNIQUE,
    slug               text NOT NULL UNIQUE CHECK (souk_is_slug(slug)),
    title              text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    summary            text NOT NULL DEFAULT '' CHECK (length(summary) <= 500),
    description        text NOT NULL DEFAULT '' CHECK (length(description) <= 50000), -- markdown
    -- price before GST, in paise; 0 = free (claimed, not bought)
    price_paise        bigint NOT NULL DEFAULT 0 CHECK (price_paise >= 0),
    currency           char(3) NOT NULL DEFAULT 'INR' CHECK (currency ~ '^[A-Z]{3}$'),
    -- GST rate in basis points: 1800 = 18 %
    tax_rate_bp        integer NOT NULL DEFAULT 1800 CHECK (tax_rate_bp BETWEEN 0 AND 10000),
    status             text NOT NULL DEFAULT 'draft'
                       CHECK (status IN ('draft', 'published', 'archived')),
    category_id        bigint REFERENCES categories (id) ON DELETE RESTRICT,
    tags               text[] NOT NULL DEFAULT '{}' CHECK (souk_tags_valid(tags)),
    cover_image_url    text CHECK (length(cover_image_url) <= 2000),
    preview_image_urls text[] NOT NULL DEFAULT '{}' CHECK (cardinality(preview_image_urls) <= 20),
    author_id          bigint REFERENCES users (id) ON DELETE RESTRICT,
    download_limit     integer CHECK (download_limit > 0),      -- NULL = site default
    link_ttl_seconds   integer CHECK (link_ttl_seconds > 0),    -- NULL = site default
    -- optimistic concurrency: UPDATE ... SET version = version + 1 WHERE id = $1 AND version = $2
    version            integer NOT NULL DEFAULT 1 CHECK (version >= 1),
    sales_count        bigint NOT NULL DEFAULT 0 CHECK (sales_count >= 0),  -- "popular" sort
    published_at       timestamptz,
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now(),
    -- Full-text search vector, kept by PostgreSQL itself (a STORED generated column, so no
    -- trigger can be forgotten or bypassed). Weights: title A, tags B, summary C, description D.
    -- to_tsvector(regconfig, text) is IMMUTABLE; tags go through souk_tags_text() because
    -- array_to_string() is only STABLE. Query with
    --   search_vector @@ websearch_to_tsquery('english', $1)  ORDER BY ts_rank(search_vector, q)
    search_vector      tsvector GENERATED ALWAYS AS (
                           setweight(to_tsvector('english'::regconfig, title), 'A')
                        || setweight(to_tsvector('english'::regconfig, souk_tags_text(tags)), 'B')
                        || setweight(to_tsvector('english'::regconfig, summary), 'C')
                        || setweight(to_tsvector('english'::regconfig, description), 'D')
                       ) STORED,
    CHECK (status <> 'published' OR published_at IS NOT NULL)
);
CREATE INDEX products_search_vector_idx ON products USING gin (search_vector);
-- fuzzy / typo-tolerant title search: title % $1, similarity(title, $1), title ILIKE '%..%'
CREATE INDEX products_title_trgm_idx ON products USING gin (title gin_trgm_ops);
CREATE INDEX products_tags_idx ON products USING gin (tags);
-- storefront lists (published only); id breaks ties for keyset cursors
CREATE INDEX products_published_at_idx ON products (published_at DESC, id DESC)
    WHERE status = 'published';
CREATE INDEX products_price_idx ON products (price_paise, id)
    WHERE status = 'published';
CREATE INDEX products_popular_idx ON products (sales_count DESC, id DESC)
    WHERE status = 'published';
-- not partial: it is also the FK index for category_id
CREATE INDEX products_category_idx ON products (category_id, published_at DESC);
CREATE INDEX products_author_id_idx ON products (author_id);
CREATE INDEX products_status_updated_idx ON products (status, updated_at DESC);  -- admin list
CREATE TRIGGER products_set_updated_at BEFORE UPDATE ON products
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- Downloadable files of a product. `label` is the logical file ("PDF edition", "Source
-- files"); uploading a new version of it adds a row with the same label and version + 1.
-- The newest version of each label is what a buyer is offered by default.
-- Files are part of their product (ON DELETE CASCADE), but a file that has been
-- downloaded is kept by download_log (RESTRICT): archive the product instead.
CREATE TABLE product_files (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    public_id    uuid NOT NULL DEFAULT gen_random_uuid() UNIQUE,
    product_id   bigint NOT NULL REFERENCES products (id) ON DELETE CASCADE,
    label        text NOT NULL CHECK (length(label) BETWEEN 1 AND 100),
    version      integer NOT NULL DEFAULT 1 CHECK (version >= 1),
    -- key in the storage backend (local var/storage or S3):
    -- products/<product-slug>/<label-slug>/v<version>/<filename>
    storage_key  text NOT NULL UNIQUE CHECK (length(storage_key) BETWEEN 1 AND 1024
                                             AND storage_key !~ '(^/|\.\./)'),
    filename     text NOT NULL CHECK (length(filename) BETWEEN 1 AND 255
                                      AND filename !~ '[/\\]' AND filename NOT IN ('.', '..')),
    size_bytes   bigint NOT NULL CHECK (size_bytes >= 0),
    sha256       char(64) NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),  -- lowercase hex
    content_type text NOT NULL DEFAULT 'application/octet-stream'
                 CHECK (content_type ~ '^[a-z0-9.+-]+/[a-z0-9.+-]+$'),
    created_at   timestamptz NOT NULL DEFAULT now(),
    UNIQUE (product_id, label, version)      -- also the FK index for product_id
);
