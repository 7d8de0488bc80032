-- 008: what search and the storefront lists need (src/catalog/search.c).
--
-- * product_search: one narrow row per PUBLISHED product (ids, filter and sort columns and
--   a copy of products.search_vector), kept by triggers. products rows are ~2 kB (markdown
--   description, generated vector, compressed in line); scanning and ranking thousands of
--   matches there costs 2-3x more than on this table, whose rows hold only what a search
--   reads. Drafts and archived products are never in it, so no query can leak them.
-- * search_lexicon: every word of the titles and tags of published products ('simple'
--   config, lower case), with a trigram index: a query word that is not a known word is
--   OR-ed with its closest known word (pg_trgm's recommended typo tolerance).
--
-- fuzzystrmatch (levenshtein) is in Debian's postgresql-15 package and "trusted", like pg_trgm:
-- trigram similarity finds candidate words, edit distance picks the closest ("notoin" is
-- nearer to "notes" than to "notion" by trigrams, but two edits from "notion").
--
-- Safe to re-run inside its transaction: IF NOT EXISTS, OR REPLACE, ON CONFLICT DO NOTHING.

CREATE EXTENSION IF NOT EXISTS fuzzystrmatch;

CREATE TABLE IF NOT EXISTS product_search (
    product_id   bigint PRIMARY KEY REFERENCES products (id) ON DELETE CASCADE,
    category_id  bigint,                        -- products.category_id (FK kept there)
    tags         text[] NOT NULL,
    price_paise  bigint NOT NULL,
    sales_count  bigint NOT NULL,
    published_at timestamptz NOT NULL,
    document     tsvector NOT NULL              -- = products.search_vector (A title .. D description)
);
COMMENT ON TABLE product_search IS
    'Published products only, narrow, for search and lists; maintained by products triggers';

-- Matching (GIN) and tag filters (GIN); then one btree per sort order, each ending with the
-- id so that keyset cursors are exact, and INCLUDing the filter columns: a filtered list
-- (category, tags, price, free) walks its sort index as an index-only scan and never reads
-- the ~1 kB heap rows it skips. The category index serves category pages and facets.
CREATE INDEX IF NOT EXISTS product_search_document_idx ON product_search USING gin (document);
CREATE INDEX IF NOT EXISTS product_search_tags_idx ON product_search USING gin (tags);
CREATE INDEX IF NOT EXISTS product_search_newest_idx
    ON product_search (published_at DESC, product_id DESC) INCLUDE (category_id, price_paise, tags);
CREATE INDEX IF NOT EXISTS product_search_price_idx
    ON product_search (price_paise, product_id) INCLUDE (category_id, tags);
CREATE INDEX IF NOT EXISTS product_search_popular_idx
    ON product_search (sales_count DESC, product_id DESC) INCLUDE (category_id, price_paise, tags);
CREATE INDEX IF NOT EXISTS product_search_category_idx
    ON product_search (category_id, published_at DESC, product_id DESC) INCLUDE (price_paise, tags);

CREATE TABLE IF NOT EXISTS search_lexicon (
    word text COLLATE "C" PRIMARY KEY   -- byte order: prefix ranges (word >= w AND word < w || max)
         CHECK (length(word) BETWEEN 3 AND 40),
    stem text NOT NULL                  -- its 'english' stem: "templates" is known when "template" is
);
COMMENT ON TABLE search_lexicon IS
    'Words of published titles and tags, for typo correction (trigram) and prefix checks';
CREATE INDEX IF NOT EXISTS search_lexicon_stem_idx ON search_lexicon (stem);
CREATE INDEX IF NOT EXISTS search_lexicon_trgm_idx ON search_lexicon USING gin (word gin_trgm_ops);

-- The words a product adds to the lexicon: its title and tags, lower-cased, letters only.
CREATE OR REPLACE FUNCTION souk_lexicon_words(title text, tags text[]) RETURNS SETOF text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT lexeme FROM unnest(to_tsvector('simple'::regconfig, title || ' ' || souk_tags_text(tags)))
     WHERE lexeme ~ '^[[:alpha:]]{3,40}$'
$$;

CREATE OR REPLACE FUNCTION souk_lexicon_stem(word text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN coalesce((ts_lexize('english_stem', word))[1], word);

-- Edit distance that counts swapping two neighbouring letters as one edit ("notoin" is one
-- edit from "notion", two from "nobin"); levenshtein() alone would call both two.
CREATE OR REPLACE FUNCTION souk_edit_distance(a text, b text) RETURNS integer
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN CASE WHEN length(a) = length(b) AND a <> b
             AND EXISTS (SELECT 1 FROM generate_series(1, length(a) - 1) AS i
                          WHERE overlay(a PLACING substr(a, i + 1, 1) || substr(a, i, 1) FROM i FOR 2) = b)
            THEN 1 ELSE levenshtein(a, b) END;

-- The correction of one query word (lower case), or NULL when it needs none: words of 4+
-- letters that are not in the lexicon (nor share a stem with a lexicon word, nor, for the
-- word being typed, begin one) get the nearest lexicon word within 1 edit (4-5 letters) or
-- 2 edits (6+): trigram similarity (GIN) finds candidates, edit distance, then similarity,
-- then the word itself pick one. The SET applies to this function only: similarity 0.2
-- instead of the default 0.3, which misses transpositions in short words.
CREATE OR REPLACE FUNCTION souk_search_correction(w text, typing boolean) RETURNS text
LANGUAGE sql STABLE STRICT PARALLEL SAFE
SET pg_trgm.similarity_threshold = 0.2
AS $$
    SELECT c.word
      FROM (SELECT l.word, similarity(l.word, w) AS sim
              FROM search_lexicon l WHERE l.word % w
             ORDER BY sim DESC, l.word LIMIT 12) AS c
     WHERE length(w) >= 4 AND w ~ '^[[:alpha:]]+$'
       AND NOT EXISTS (SELECT 1 FROM search_lexicon k WHERE k.word = w)
       AND NOT EXISTS (SELECT 1 FROM search_lexicon k WHERE k.stem = souk_lexicon_stem(w))
       AND NOT (typing AND EXISTS (SELECT 1 FROM search_lexicon k
                                   WHERE k.word >= w AND k.word < w || U&'\+10FFFF'))
       AND souk_edit_distance(c.word, w) <= CASE WHEN length(w) < 6 THEN 1 ELSE 2 END
     ORDER BY souk_edit_distance(c.word, w), c.sim DESC, c.word
     LIMIT 1
$$;

-- HTML for a ts_headline() result made with StartSel U+E000 and StopSel U+E001: the text
-- is escaped, then only the markers become <mark> and </mark>. Callers strip U+E000/E001
-- from the source text first, so a title cannot smuggle in markers of its own.
CREATE OR REPLACE FUNCTION souk_mark_html(t text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN replace(replace(
         replace(replace(replace(replace(replace(t, '&', '&amp;'), '<', '&lt;'), '>', '&gt;'),
                 '"', '&quot;'), '''', '&#39;'),
         U&'\E000', '<mark>'), U&'\E001', '</mark>');

-- Bulk inserts (souk-admin seed --bulk, imports): one statement-level pass.
CREATE OR REPLACE FUNCTION product_search_after_insert() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO product_search (product_id, category_id, tags, price_paise, sales_count,
                                published_at, document)
    SELECT id, category_id, tags, price_paise, sales_count, published_at, search_vector
      FROM new_rows WHERE status = 'published'
    ON CONFLICT (product_id) DO NOTHING;
    INSERT INTO search_lexicon (word, stem)
    SELECT DISTINCT w, souk_lexicon_stem(w)
      FROM new_rows, souk_lexicon_words(title, tags) AS w
     WHERE status = 'published'
    ON CONFLICT (word) DO NOTHING;
    RETURN NULL;
END;
$$;

-- Edits, publishing, archiving, sales counts: one row. The trigger's WHEN clause skips
-- updates that change nothing search reads (updated_at, version, files ...).
CREATE OR REPLACE FUNCTION product_search_after_update() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.status = 'published' THEN
        INSERT INTO product_search (product_id, category_id, tags, price_paise, sales_count,
                                    published_at, document)
        VALUES (NEW.id, NEW.category_id, NEW.tags, NEW.price_paise, NEW.sales_count,
                NEW.published_at, NEW.search_vector)
        ON CONFLICT (product_id) DO UPDATE
           SET category_id = EXCLUDED.category_id, tags = EXCLUDED.tags,
               price_paise = EXCLUDED.price_paise, sales_count = EXCLUDED.sales_count,
               published_at = EXCLUDED.published_at, document = EXCLUDED.document;
        IF OLD.status IS DISTINCT FROM 'published' OR OLD.title IS DISTINCT FROM NEW.title
           OR OLD.tags IS DISTINCT FROM NEW.tags THEN
            INSERT INTO search_lexicon (word, stem)
            SELECT DISTINCT w, souk_lexicon_stem(w) FROM souk_lexicon_words(NEW.title, NEW.tags) AS w
            ON CONFLICT (word) DO NOTHING;
        END IF;
    ELSE
        DELETE FROM product_search WHERE product_id = NEW.id;
    END IF;
    RETURN NULL;
END;
$$;

DROP TRIGGER IF EXISTS product_search_insert ON products;
CREATE TRIGGER product_search_insert AFTER INSERT ON products
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION product_search_after_insert();

DROP TRIGGER IF EXISTS product_search_update ON products;
CREATE TRIGGER product_search_update AFTER UPDATE ON products
    FOR EACH ROW
    WHEN ((OLD.status, OLD.category_id, OLD.tags, OLD.price_paise, OLD.sales_count,
           OLD.published_at, OLD.title, OLD.search_vector)
          IS DISTINCT FROM
          (NEW.status, NEW.category_id, NEW.tags, NEW.price_paise, NEW.sales_count,
           NEW.published_at, NEW.title, NEW.search_vector))
    EXECUTE FUNCTION product_search_after_update();

-- Backfill from what is already published.
INSERT INTO product_search (product_id, category_id, tags, price_paise, sales_count,
                            published_at, document)
SELECT id, category_id, tags, price_paise, sales_count, published_at, search_vector
  FROM products WHERE status = 'published'
ON CONFLICT (product_id) DO NOTHING;

INSERT INTO search_lexicon (word, stem)
SELECT DISTINCT w, souk_lexicon_stem(w)
  FROM products, souk_lexicon_words(title, tags) AS w
 WHERE status = 'published'
ON CONFLICT (word) DO NOTHING;
