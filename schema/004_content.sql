-- 004: site content (enquiries, feedback, CMS pages, blog, team, SEO)

-- Contact-form messages, from visitors (user_id NULL) or signed-in users.
CREATE TABLE enquiries (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    public_id   uuid NOT NULL DEFAULT gen_random_uuid() UNIQUE,
    name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    email       citext NOT NULL CHECK (email ~ '^[^@\s]+@[^@\s]+$' AND length(email) <= 254),
    subject     text NOT NULL DEFAULT '' CHECK (length(subject) <= 200),
    message     text NOT NULL CHECK (length(message) BETWEEN 1 AND 10000),
    status      text NOT NULL DEFAULT 'new' CHECK (status IN ('new', 'open', 'closed')),
    assignee_id bigint REFERENCES users (id) ON DELETE RESTRICT,   -- support staff
    user_id     bigint REFERENCES users (id) ON DELETE RESTRICT,   -- sender, if signed in
    ip          inet,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX enquiries_status_created_idx ON enquiries (status, created_at DESC);
CREATE INDEX enquiries_assignee_id_idx ON enquiries (assignee_id);
CREATE INDEX enquiries_user_id_idx ON enquiries (user_id);
CREATE TRIGGER enquiries_set_updated_at BEFORE UPDATE ON enquiries
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- Ratings and reviews. product_id NULL = feedback about the site itself. Shown publicly
-- only once approved. A user has at most one review per product (they edit it).
CREATE TABLE feedback (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    public_id    uuid NOT NULL DEFAULT gen_random_uuid() UNIQUE,
    user_id      bigint NOT NULL REFERENCES users (id) ON DELETE RESTRICT,
    product_id   bigint REFERENCES products (id) ON DELETE RESTRICT,
    rating       smallint NOT NULL CHECK (rating BETWEEN 1 AND 5),
    comment      text NOT NULL DEFAULT '' CHECK (length(comment) <= 5000),
    status       text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected')),
    moderated_by bigint REFERENCES users (id) ON DELETE RESTRICT,
    moderated_at timestamptz,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    CHECK (status = 'pending' OR moderated_at IS NOT NULL)
);
-- product page: approved reviews, newest first; also the FK index for product_id
CREATE INDEX feedback_product_idx ON feedback (product_id, status, created_at DESC);
CREATE UNIQUE INDEX feedback_one_per_user_product_idx ON feedback (user_id, product_id)
    WHERE product_id IS NOT NULL;
CREATE INDEX feedback_user_id_idx ON feedback (user_id);
CREATE INDEX feedback_moderated_by_idx ON feedback (moderated_by);
CREATE INDEX feedback_status_created_idx ON feedback (status, created_at);  -- moderation queue
CREATE TRIGGER feedback_set_updated_at BEFORE UPDATE ON feedback
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- CMS pages are configured, not coded: a JSON object {"blocks": [{"type": "hero", ...}, ...]}.
-- Editors change `draft`; publishing copies draft to `published`. The public site reads
-- only `published`. Addressed by slug (home, about, pricing), not by a uuid.
CREATE TABLE cms_pages (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    slug         text NOT NULL UNIQUE CHECK (souk_is_slug(slug)),
    title        text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    draft        jsonb NOT NULL DEFAULT '{"blocks": []}'
                 CHECK (jsonb_typeof(draft) = 'object' AND jsonb_typeof(draft -> 'blocks') = 'array'),
    published    jsonb
                 CHECK (jsonb_typeof(published) = 'object' AND jsonb_typeof(published -> 'blocks') = 'array'),
    published_at timestamptz,
    updated_by   bigint REFERENCES users (id) ON DELETE RESTRICT,
    version      integer NOT NULL DEFAULT 1 CHECK (version >= 1),   -- optimistic concurrency
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    CHECK ((published IS NULL) = (published_at IS NULL))
);
CREATE INDEX cms_pages_updated_by_idx ON cms_pages (updated_by);
CREATE TRIGGER cms_pages_set_updated_at BEFORE UPDATE ON cms_pages
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

CREATE TABLE blog_posts (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    public_id       uuid NOT NULL DEFAULT gen_random_uuid() UNIQUE,
    slug            text NOT NULL UNIQUE CHECK (souk_is_slug(slug)),
    title           text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    excerpt         text NOT NULL DEFAULT '' CHECK (length(excerpt) <= 1000),
    body            text NOT NULL DEFAULT '' CHECK (length(body) <= 200000),   -- markdown
    cover_image_url text CHECK (length(cover_image_url) <= 2000),
    author_id       bigint REFERENCES users (id) ON DELETE RESTRICT,
    tags            text[] NOT NULL DEFAULT '{}' CHECK (souk_tags_valid(tags)),
    status          text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'published', 'archived')),
    published_at    timestamptz,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    -- same approach as products.search_vector: title A, tags B, excerpt C, body D
    search_vector   tsvector GENERATED ALWAYS AS (
                        setweight(to_tsvector('english'::regconfig, title), 'A')
                     || setweight(to_tsvector('english'::regconfig, souk_tags_text(tags)), 'B')
                     || setweight(to_tsvector('english'::regconfig, excerpt), 'C')
                     || setweight(to_tsvector('english'::regconfig, body), 'D')
                    ) STORED,
    CHECK (status <> 'published' OR published_at IS NOT NULL)
);
CREATE INDEX blog_posts_search_vector_idx ON blog_posts USING gin (search_vector);
CREATE INDEX blog_posts_tags_idx ON blog_posts USING gin (tags);
CREATE INDEX blog_posts_published_at_idx ON blog_posts (published_at DESC, id DESC)
    WHERE status = 'published';
CREATE INDEX blog_posts_author_id_idx ON blog_posts (author_id);
CREATE TRIGGER blog_posts_set_updated_at BEFORE UPDATE ON blog_posts
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- "Our team" section of the about page.
CREATE TABLE team_members (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    public_id  uuid NOT NULL DEFAULT gen_random_uuid() UNIQUE,
    name       text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    role_title text NOT NULL DEFAULT '' CHECK (length(role_title) <= 200),
    bio        text NOT NULL DEFAULT '' CHECK (length(bio) <= 5000),
    photo_url  text CHECK (length(photo_url) <= 2000),
    socials    jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(socials) = 'object'),  -- {"github": url, ...}
    sort_order integer NOT NULL DEFAULT 0,
    visible    boolean NOT NULL DEFAULT true,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX team_members_sort_idx ON team_members (sort_order, id) WHERE visible;
CREATE TRIGGER team_members_set_updated_at BEFORE UPDATE ON team_members
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- Default <title>/<meta description>/canonical/robots per kind of page. Templates use
-- {{placeholders}} such as {{title}}, {{summary}}, {{site_name}}, {{slug}}, {{base_url}}.
CREATE TABLE seo_rules (
    id                   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    scope                text NOT NULL UNIQUE
                         CHECK (scope IN ('site', 'product', 'category', 'blog_post', 'page')),
    title_template       text NOT NULL CHECK (length(title_template) <= 500),
    description_template text NOT NULL DEFAULT '' CHECK (length(description_template) <= 1000),
    canonical_template   text NOT NULL DEFAULT '' CHECK (length(canonical_template) <= 1000),
    robots               text NOT NULL DEFAULT 'index,follow'
                         CHECK (robots ~ '^[a-z-]+(, ?[a-z-]+)*$'),
    enabled              boolean NOT NULL DEFAULT true,
    created_at           timestamptz NOT NULL DEFAULT now(),
    updated_at           timestamptz NOT NULL DEFAULT now()
);
CREATE TRIGGER seo_rules_set_updated_at BEFORE UPDATE ON seo_rules
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- Page views per day and path, rolled up from Redis by `souk-jobs rollup`
-- (INSERT ... ON CONFLICT (day, path) DO UPDATE). A fact table: its natural key is the
-- primary key, no surrogate id.
CREATE TABLE seo_metrics_daily (
    day       date NOT NULL,
    path      text NOT NULL CHECK (path LIKE '/%' AND length(path) <= 2000),
    views     bigint NOT NULL DEFAULT 0 CHECK (views >= 0),
    uniques   bigint NOT NULL DEFAULT 0 CHECK (uniques >= 0),   -- HyperLogLog estimate
    referrers jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(referrers) = 'object'),  -- {host: count}
    PRIMARY KEY (day, path)
);
CREATE INDEX seo_metrics_daily_path_day_idx ON seo_metrics_daily (path, day DESC);
