-- 018: what serving the site's content needs (src/cms/).
--
-- - cms_page_versions: every saved draft of a CMS page is kept, numbered by the page's
--   `version` (which also guards edits: optimistic concurrency). cms_pages.published_version
--   says which of them the site serves. A trigger records the versions, so rows written by
--   SQL (the seed, a restore) get their history too.
-- - blog_posts: the Markdown body rendered and sanitised on save (body_html, NULL until
--   the first save through the API: the reader renders it then), the reading time, and a
--   version for optimistic concurrency. A post with status 'published' and a future
--   published_at is "scheduled": the site shows it once the time has come.
-- - enquiry_notes: staff notes on an enquiry and the replies sent to the sender (the
--   e-mail itself goes through the outbox).
-- - product_ratings: each product's approved-review summary (count, sum, how many of each
--   star), kept by a trigger on feedback, so a product page never scans its reviews.

ALTER TABLE cms_pages ADD COLUMN published_version integer CHECK (published_version >= 1),
    ADD CONSTRAINT cms_pages_published_version_set
        CHECK ((published IS NULL) = (published_version IS NULL)) NOT VALID;

CREATE TABLE cms_page_versions (
    page_id    bigint NOT NULL REFERENCES cms_pages (id) ON DELETE CASCADE,
    version    integer NOT NULL CHECK (version >= 1),
    title      text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    content    jsonb NOT NULL
               CHECK (jsonb_typeof(content) = 'object' AND jsonb_typeof(content -> 'blocks') = 'array'),
    created_by bigint REFERENCES users (id) ON DELETE SET NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (page_id, version)
);
CREATE INDEX cms_page_versions_created_by_idx ON cms_page_versions (created_by);

-- A page written with a published copy that differs from its draft: the published copy is
-- the version before the draft's.
CREATE FUNCTION cms_pages_published_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.published IS NULL THEN
        NEW.published_version := NULL;
    ELSIF NEW.published_version IS NULL THEN
        IF NEW.published = NEW.draft THEN
            NEW.published_version := NEW.version;
        ELSE
            NEW.version := greatest(NEW.version, 2);
            NEW.published_version := NEW.version - 1;
        END IF;
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER cms_pages_published_version BEFORE INSERT ON cms_pages
    FOR EACH ROW EXECUTE FUNCTION cms_pages_published_version();

CREATE FUNCTION cms_pages_record_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' AND NEW.published IS NOT NULL AND NEW.published_version <> NEW.version THEN
        INSERT INTO cms_page_versions (page_id, version, title, content, created_by, created_at)
        VALUES (NEW.id, NEW.published_version, NEW.title, NEW.published, NEW.updated_by,
                coalesce(NEW.published_at, now()))
        ON CONFLICT DO NOTHING;
    END IF;
    INSERT INTO cms_page_versions (page_id, version, title, content, created_by, created_at)
    VALUES (NEW.id, NEW.version, NEW.title, NEW.draft, NEW.updated_by, NEW.updated_at)
    ON CONFLICT DO NOTHING;
    RETURN NULL;
END
$$;
CREATE TRIGGER cms_pages_record_version AFTER INSERT OR UPDATE OF version ON cms_pages
    FOR EACH ROW EXECUTE FUNCTION cms_pages_record_version();

-- pages that exist already
UPDATE cms_pages SET published_version = CASE WHEN published = draft THEN version
                                              ELSE greatest(version - 1, 1) END,
                     version = CASE WHEN published = draft OR version > 1 THEN version ELSE 2 END
 WHERE published IS NOT NULL;
INSERT INTO cms_page_versions (page_id, version, title, content, created_by, created_at)
SELECT id, published_version, title, published, updated_by, published_at
  FROM cms_pages WHERE published IS NOT NULL AND published_version <> version
ON CONFLICT DO NOTHING;
INSERT INTO cms_page_versions (page_id, version, title, content, created_by, created_at)
SELECT id, version, title, draft, updated_by, updated_at FROM cms_pages
ON CONFLICT DO NOTHING;
ALTER TABLE cms_pages VALIDATE CONSTRAINT cms_pages_published_version_set;

ALTER TABLE blog_posts
    ADD COLUMN body_html text CHECK (length(body_html) <= 1000000),
    ADD COLUMN reading_minutes integer NOT NULL DEFAULT 1 CHECK (reading_minutes >= 1),
    ADD COLUMN version integer NOT NULL DEFAULT 1 CHECK (version >= 1);
-- the staff list, newest first
CREATE INDEX blog_posts_updated_idx ON blog_posts (updated_at DESC, id DESC);

CREATE TABLE enquiry_notes (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    enquiry_id bigint NOT NULL REFERENCES enquiries (id) ON DELETE CASCADE,
    author_id  bigint REFERENCES users (id) ON DELETE SET NULL,
    kind       text NOT NULL CHECK (kind IN ('note', 'reply')),
    body       text NOT NULL CHECK (length(body) BETWEEN 1 AND 10000),
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX enquiry_notes_enquiry_idx ON enquiry_notes (enquiry_id, id);
CREATE INDEX enquiry_notes_author_id_idx ON enquiry_notes (author_id);
-- the staff inbox, newest first within a filter
CREATE INDEX enquiries_created_idx ON enquiries (created_at DESC, id DESC);

CREATE TABLE product_ratings (
    product_id bigint PRIMARY KEY REFERENCES products (id) ON DELETE CASCADE,
    count      bigint NOT NULL DEFAULT 0 CHECK (count >= 0),
    total      bigint NOT NULL DEFAULT 0 CHECK (total >= 0),   -- sum of the stars
    stars_1    bigint NOT NULL DEFAULT 0 CHECK (stars_1 >= 0),
    stars_2    bigint NOT NULL DEFAULT 0 CHECK (stars_2 >= 0),
    stars_3    bigint NOT NULL DEFAULT 0 CHECK (stars_3 >= 0),
    stars_4    bigint NOT NULL DEFAULT 0 CHECK (stars_4 >= 0),
    stars_5    bigint NOT NULL DEFAULT 0 CHECK (stars_5 >= 0),
    CHECK (count = stars_1 + stars_2 + stars_3 + stars_4 + stars_5)
);

-- d = +1 or -1 star of a product (a removal never inserts: the CHECKs hold on the row an
-- INSERT ... ON CONFLICT proposes, too)
CREATE FUNCTION product_ratings_add(p bigint, stars smallint, d integer) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    IF d > 0 THEN
        INSERT INTO product_ratings AS r (product_id, count, total, stars_1, stars_2, stars_3,
                                          stars_4, stars_5)
        VALUES (p, d, d * stars, CASE WHEN stars = 1 THEN d ELSE 0 END,
                CASE WHEN stars = 2 THEN d ELSE 0 END, CASE WHEN stars = 3 THEN d ELSE 0 END,
                CASE WHEN stars = 4 THEN d ELSE 0 END, CASE WHEN stars = 5 THEN d ELSE 0 END)
        ON CONFLICT (product_id) DO UPDATE
           SET count = r.count + d, total = r.total + d * stars,
               stars_1 = r.stars_1 + CASE WHEN stars = 1 THEN d ELSE 0 END,
               stars_2 = r.stars_2 + CASE WHEN stars = 2 THEN d ELSE 0 END,
               stars_3 = r.stars_3 + CASE WHEN stars = 3 THEN d ELSE 0 END,
               stars_4 = r.stars_4 + CASE WHEN stars = 4 THEN d ELSE 0 END,
               stars_5 = r.stars_5 + CASE WHEN stars = 5 THEN d ELSE 0 END;
    ELSE
        UPDATE product_ratings r
           SET count = r.count + d, total = r.total + d * stars,
               stars_1 = r.stars_1 + CASE WHEN stars = 1 THEN d ELSE 0 END,
               stars_2 = r.stars_2 + CASE WHEN stars = 2 THEN d ELSE 0 END,
               stars_3 = r.stars_3 + CASE WHEN stars = 3 THEN d ELSE 0 END,
               stars_4 = r.stars_4 + CASE WHEN stars = 4 THEN d ELSE 0 END,
               stars_5 = r.stars_5 + CASE WHEN stars = 5 THEN d ELSE 0 END
         WHERE r.product_id = p;
    END IF;
END
$$;

CREATE FUNCTION feedback_rating_summary() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.status = 'approved' AND OLD.product_id IS NOT NULL THEN
        PERFORM product_ratings_add(OLD.product_id, OLD.rating, -1);
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.status = 'approved' AND NEW.product_id IS NOT NULL THEN
        PERFORM product_ratings_add(NEW.product_id, NEW.rating, 1);
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER feedback_rating_summary AFTER INSERT OR UPDATE OR DELETE ON feedback
    FOR EACH ROW EXECUTE FUNCTION feedback_rating_summary();

INSERT INTO product_ratings (product_id, count, total, stars_1, stars_2, stars_3, stars_4, stars_5)
SELECT product_id, count(*), sum(rating), count(*) FILTER (WHERE rating = 1),
       count(*) FILTER (WHERE rating = 2), count(*) FILTER (WHERE rating = 3),
       count(*) FILTER (WHERE rating = 4), count(*) FILTER (WHERE rating = 5)
  FROM feedback WHERE status = 'approved' AND product_id IS NOT NULL
 GROUP BY product_id
ON CONFLICT (product_id) DO NOTHING;
