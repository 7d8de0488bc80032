-- 020: the storefront's plain lists read one table.
--
-- A list page without q, tags or a price range (GET /products, by category or not, in
-- any sort) used to walk a sort index of product_search and look up each item's document
-- in product_pages by id: 25 B-tree descents for a page of 24. Measured with pgbench
-- (10k products, 4 clients, a category page): 21k pages/s with the join, 30-40k reading
-- the documents beside their sort keys. So product_pages now carries the sort keys and
-- the category of its product, with one index per sort (and per category and sort), and
-- such a page is one index range scan of product_pages (src/catalog/search.c,
-- build_list()). Filters the indexes below do not cover (tags, price ranges, free or
-- paid, q) still walk product_search's covering indexes and join the documents.
--
-- The columns (and product_page_tags below) are written by souk_product_pages_refresh()
-- in the same call as the documents, from the product's row, so they cannot disagree with
-- it (the drift test in t/api/consistency.test.mjs checks them too).

ALTER TABLE product_pages
    ADD COLUMN category_id  bigint,
    ADD COLUMN price_paise  bigint,
    ADD COLUMN sales_count  bigint,
    ADD COLUMN published_at timestamptz;

UPDATE product_pages pp
   SET category_id = p.category_id, price_paise = p.price_paise, sales_count = p.sales_count,
       published_at = p.published_at
  FROM products p WHERE p.id = pp.product_id;

ALTER TABLE product_pages
    ALTER COLUMN price_paise SET NOT NULL,
    ALTER COLUMN sales_count SET NOT NULL,
    ALTER COLUMN published_at SET NOT NULL;

-- The sorts of build_list() (list_orders[] in search.c), each also within a category;
-- price_desc walks the price indexes backwards.
CREATE INDEX product_pages_newest_idx ON product_pages (published_at DESC, product_id DESC);
CREATE INDEX product_pages_popular_idx ON product_pages (sales_count DESC, product_id DESC);
CREATE INDEX product_pages_price_idx ON product_pages (price_paise, product_id);
CREATE INDEX product_pages_category_newest_idx
    ON product_pages (category_id, published_at DESC, product_id DESC);
CREATE INDEX product_pages_category_popular_idx
    ON product_pages (category_id, sales_count DESC, product_id DESC);
CREATE INDEX product_pages_category_price_idx
    ON product_pages (category_id, price_paise, product_id);

-- A list of one tag (GET /products?tags=figma, the storefront's tag links) walked
-- product_search's newest index testing every entry's tags: ~500 entries for a page of a
-- tag on 3.5 % of the catalog, 0.23 ms against 0.07 ms for a category page. One row per
-- tag of a published product, with the sort keys, makes it a range scan too. Several
-- tags, or a tag with other filters, still walk product_search.
CREATE TABLE product_page_tags (
    tag          text NOT NULL,
    product_id   bigint NOT NULL REFERENCES product_pages (product_id) ON DELETE CASCADE,
    price_paise  bigint NOT NULL,
    sales_count  bigint NOT NULL,
    published_at timestamptz NOT NULL,
    PRIMARY KEY (tag, product_id)
);
COMMENT ON TABLE product_page_tags IS
    'Each tag of each published product with its sort keys, rebuilt with product_pages';
CREATE INDEX product_page_tags_product_idx ON product_page_tags (product_id);
CREATE INDEX product_page_tags_newest_idx
    ON product_page_tags (tag, published_at DESC, product_id DESC);
CREATE INDEX product_page_tags_popular_idx
    ON product_page_tags (tag, sales_count DESC, product_id DESC);
CREATE INDEX product_page_tags_price_idx ON product_page_tags (tag, price_paise, product_id);

-- The documents, the sort keys and the tag rows of these products, as in schema/010.
CREATE OR REPLACE FUNCTION souk_product_pages_refresh(ids bigint[]) RETURNS void
LANGUAGE sql AS $$
    SELECT 1 FROM products WHERE id = ANY (ids) ORDER BY id FOR NO KEY UPDATE;
    DELETE FROM product_pages pp
     WHERE pp.product_id = ANY (ids)
       AND NOT EXISTS (SELECT 1 FROM products p WHERE p.id = pp.product_id AND p.status = 'published');
    INSERT INTO product_pages (product_id, slug, detail, item, category_id, price_paise,
                               sales_count, published_at)
    SELECT d.product_id, d.slug, d.detail, d.item, p.category_id, p.price_paise, p.sales_count,
           p.published_at
      FROM souk_product_documents(ids) d JOIN products p ON p.id = d.product_id
    ON CONFLICT (product_id) DO UPDATE
       SET slug = EXCLUDED.slug, detail = EXCLUDED.detail, item = EXCLUDED.item,
           category_id = EXCLUDED.category_id, price_paise = EXCLUDED.price_paise,
           sales_count = EXCLUDED.sales_count, published_at = EXCLUDED.published_at;
    DELETE FROM product_page_tags WHERE product_id = ANY (ids);
    INSERT INTO product_page_tags (tag, product_id, price_paise, sales_count, published_at)
    SELECT DISTINCT t.tag, pp.product_id, pp.price_paise, pp.sales_count, pp.published_at
      FROM product_pages pp JOIN products p ON p.id = pp.product_id, unnest(p.tags) AS t (tag)
     WHERE pp.product_id = ANY (ids);
$$;

INSERT INTO product_page_tags (tag, product_id, price_paise, sales_count, published_at)
SELECT DISTINCT t.tag, pp.product_id, pp.price_paise, pp.sales_count, pp.published_at
  FROM product_pages pp JOIN products p ON p.id = pp.product_id, unnest(p.tags) AS t (tag);
