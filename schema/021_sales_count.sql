-- 021: products.sales_count counts the sales that stand.
--
-- The column feeds the storefront's "popular" sort, the list items and the back office's
-- Sales column, but nothing wrote it after the seed. It now moves with the order's status,
-- in the transaction that changes it, whichever path does (the buyer's verify, a webhook,
-- reconcile, a refund): +1 for each product of an order that becomes paid, -1 when a paid
-- order stops being paid (a full refund). A partial refund leaves the sale standing.
--
-- The product rows are locked in id order, so two orders sharing products cannot
-- deadlock on them. The update reaches product_search and product_pages by their
-- triggers; cached catalog reads show it within SOUK_CATALOG_CACHE_TTL (a sale is not a
-- catalog edit and does not retire the caches).

CREATE OR REPLACE FUNCTION souk_orders_sales_count() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    delta integer := CASE WHEN NEW.status = 'paid' THEN 1 ELSE -1 END;
BEGIN
    UPDATE products p SET sales_count = greatest(p.sales_count + delta, 0)
      FROM (SELECT pr.id FROM products pr
             WHERE pr.id IN (SELECT i.product_id FROM order_items i WHERE i.order_id = NEW.id)
             ORDER BY pr.id FOR UPDATE) l
     WHERE p.id = l.id;
    RETURN NULL;
END;
$$;

CREATE TRIGGER orders_sales_count AFTER UPDATE OF status ON orders
    FOR EACH ROW
    WHEN (OLD.status IS DISTINCT FROM NEW.status AND (NEW.status = 'paid' OR OLD.status = 'paid'))
    EXECUTE FUNCTION souk_orders_sales_count();

-- A sale is not an edit: updated_at (the product's "last changed", the sitemap's lastmod)
-- moves only when something other than sales_count does (search_vector is generated from
-- the other columns, and is not computed yet in a BEFORE trigger).
CREATE OR REPLACE FUNCTION souk_products_set_updated_at() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF (to_jsonb(OLD) - '{sales_count,updated_at,search_vector}'::text[])
       IS DISTINCT FROM (to_jsonb(NEW) - '{sales_count,updated_at,search_vector}'::text[]) THEN
        NEW.updated_at := now();
    END IF;
    RETURN NEW;
END;
$$;

DROP TRIGGER products_set_updated_at ON products;
CREATE TRIGGER products_set_updated_at BEFORE UPDATE ON products
    FOR EACH ROW EXECUTE FUNCTION souk_products_set_updated_at();

-- Orders paid before this migration: the count is at least what they sold (the demo
-- seed's invented counts are kept where they are higher).
UPDATE products p SET sales_count = c.n
  FROM (SELECT i.product_id, count(*) AS n FROM order_items i
          JOIN orders o ON o.id = i.order_id WHERE o.status = 'paid'
         GROUP BY i.product_id) c
 WHERE p.id = c.product_id AND p.sales_count < c.n;
