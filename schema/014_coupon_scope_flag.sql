-- 014: a scoped coupon stays scoped.
--
-- Until now a coupon with no rows in coupon_products or coupon_categories was store-wide,
-- and those rows cascade away when their product or category is deleted: a coupon for one
-- category became a coupon for the whole shop the moment that category was deleted. The
-- scope is now a flag set when staff save it: a scoped coupon whose products and
-- categories are all gone applies to nothing.
--
-- redemptions counts paid orders truthfully. New checkouts are gated on max_redemptions
-- (under the coupon's row lock, counting pending orders that hold a reservation), but a
-- buyer whose reservation lapsed and who still paid is served: the count may then pass
-- the maximum, so the CHECK that forbade it goes.

ALTER TABLE coupons ADD COLUMN scoped boolean NOT NULL DEFAULT false;

-- a scope row, however it is written, makes its coupon scoped; only staff saving a coupon
-- with empty lists makes it store-wide again (src/commerce/coupons.c)
CREATE FUNCTION coupon_scope_mark() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE coupons SET scoped = true WHERE id = NEW.coupon_id AND NOT scoped;
    RETURN NULL;
END
$$;
CREATE TRIGGER coupon_products_mark AFTER INSERT ON coupon_products
    FOR EACH ROW EXECUTE FUNCTION coupon_scope_mark();
CREATE TRIGGER coupon_categories_mark AFTER INSERT ON coupon_categories
    FOR EACH ROW EXECUTE FUNCTION coupon_scope_mark();

UPDATE coupons c SET scoped = true
 WHERE EXISTS (SELECT 1 FROM coupon_products WHERE coupon_id = c.id)
    OR EXISTS (SELECT 1 FROM coupon_categories WHERE coupon_id = c.id);

DO $$
DECLARE
    name text;
BEGIN
    SELECT conname INTO name FROM pg_constraint
     WHERE conrelid = 'coupons'::regclass AND contype = 'c'
       AND pg_get_constraintdef(oid) LIKE '%redemptions <= max_redemptions%';
    IF name IS NOT NULL THEN
        EXECUTE format('ALTER TABLE coupons DROP CONSTRAINT %I', name);
    END IF;
END
$$;
