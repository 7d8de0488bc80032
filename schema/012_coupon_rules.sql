-- 012: coupon rules (minimum order, per-customer limit, scope) and the coupons:write
-- permission for staff who manage them.
--
-- A coupon with no rows in coupon_products or coupon_categories applies store-wide;
-- otherwise to the lines whose product is listed or whose category is. Redemptions are
-- counted when an order is paid (coupons.redemptions, under the coupon's row lock), and a
-- customer's own use is the number of their paid orders with the coupon.

ALTER TABLE coupons
    ADD COLUMN min_order_paise    bigint NOT NULL DEFAULT 0 CHECK (min_order_paise >= 0),
    ADD COLUMN per_customer_limit integer CHECK (per_customer_limit > 0),   -- NULL = no limit
    ADD COLUMN description        text NOT NULL DEFAULT '' CHECK (length(description) <= 500);

CREATE TABLE coupon_products (
    coupon_id  bigint NOT NULL REFERENCES coupons (id) ON DELETE CASCADE,
    product_id bigint NOT NULL REFERENCES products (id) ON DELETE CASCADE,
    PRIMARY KEY (coupon_id, product_id)
);
CREATE INDEX coupon_products_product_id_idx ON coupon_products (product_id);

CREATE TABLE coupon_categories (
    coupon_id   bigint NOT NULL REFERENCES coupons (id) ON DELETE CASCADE,
    category_id bigint NOT NULL REFERENCES categories (id) ON DELETE CASCADE,
    PRIMARY KEY (coupon_id, category_id)
);
CREATE INDEX coupon_categories_category_id_idx ON coupon_categories (category_id);

-- "a customer's own use": paid orders by user and coupon
CREATE INDEX orders_coupon_user_idx ON orders (coupon_id, user_id) WHERE coupon_id IS NOT NULL;

-- coupons:manage (006) becomes coupons:write, the name the API's routes use; admin holds it
UPDATE permissions SET name = 'coupons:write', description = 'Create, edit and retire coupons'
 WHERE name = 'coupons:manage';
INSERT INTO permissions (name, description) VALUES ('coupons:write', 'Create, edit and retire coupons')
ON CONFLICT (name) DO NOTHING;
INSERT INTO role_permissions (role_id, permission_id)
SELECT r.id, p.id FROM roles r, permissions p WHERE r.name = 'admin' AND p.name = 'coupons:write'
ON CONFLICT DO NOTHING;
