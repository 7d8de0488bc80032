-- 009: what deleting things must be able to find.
--
-- * product_images: every image uploaded for a product (covers, previews), so that deleting
--   the product deletes the objects too: before this, an image under public/ stayed reachable
--   at /media/ (or in the bucket) after its product was gone. The row goes with its product
--   (ON DELETE CASCADE) in the same transaction that collects the keys to remove.
-- * email_outbox by recipient: deleting an account removes what was queued to its address
--   (src/mail/outbox.c, mail_forget_recipient), without a scan of the whole outbox.

CREATE TABLE product_images (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    product_id   bigint NOT NULL REFERENCES products (id) ON DELETE CASCADE,
    storage_key  text NOT NULL UNIQUE CHECK (storage_key ~ '^public/' AND length(storage_key) <= 1024
                                             AND storage_key !~ '(^/|\.\./)'),
    content_type text NOT NULL CHECK (content_type IN ('image/png', 'image/jpeg', 'image/webp',
                                                       'image/gif')),
    size_bytes   bigint NOT NULL CHECK (size_bytes > 0),
    sha256       char(64) NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX product_images_product_idx ON product_images (product_id);

CREATE INDEX email_outbox_recipient_idx ON email_outbox (recipient);
