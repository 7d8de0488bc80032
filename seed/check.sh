#!/usr/bin/env bash
# Checks schema/ and seed/ against a private, throwaway PostgreSQL 15 cluster:
#   1. applies every schema/NNN_*.sql in order, each in one transaction (like souk-admin migrate)
#   2. loads all seed/*.sql in one transaction, twice, and requires identical row counts
#      and identical row contents (md5 per table) after both runs
#   3. checks that constraints reject bad rows, and that full-text and trigram search work
#   4. checks that seed/files.tsv and product_files agree with the files on disk
# The cluster listens only on a unix socket in a temporary directory, and is stopped and
# removed at the end. Usage: bash seed/check.sh [port]   (default port 55432)
# Prints "N passed, N failed" and exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."

PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
PORT=${1:-55432}
TMP=$(mktemp -d /tmp/souk-schema-check.XXXXXX)
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
[ "$(id -u)" = 0 ] && chown postgres "$TMP"
cleanup() {
    as_pg "$PGBIN/pg_ctl" -D "$TMP/data" -m fast stop >/dev/null 2>&1 || true
    rm -rf "$TMP"
}
trap cleanup EXIT

as_pg "$PGBIN/initdb" -D "$TMP/data" -U souk --auth=trust >"$TMP/initdb.log" 2>&1 \
    || { cat "$TMP/initdb.log"; exit 1; }
as_pg "$PGBIN/pg_ctl" -D "$TMP/data" -w -l "$TMP/log" \
    -o "-k $TMP -p $PORT -c listen_addresses=''" start >/dev/null

PSQL=(psql -h "$TMP" -p "$PORT" -U souk -X -q -v ON_ERROR_STOP=1)
"${PSQL[@]}" -d postgres -c 'CREATE DATABASE souk_check'
DB=(psql -h "$TMP" -p "$PORT" -U souk -X -q -v ON_ERROR_STOP=1 -d souk_check)

pass=0 fail=0
ok()  { pass=$((pass + 1)); echo "ok   - $*"; }
bad() { fail=$((fail + 1)); echo "FAIL - $*"; }

for f in schema/[0-9]*.sql; do
    if "${DB[@]}" -1 -f "$f"; then ok "migration $f"; else bad "migration $f"; exit 1; fi
done

# every table: row count and md5 of all rows (ordered), as "table count md5"
snapshot() {
    "${DB[@]}" -At <<'SQL'
DO $$
DECLARE t text; n bigint; h text;
BEGIN
    CREATE TEMP TABLE IF NOT EXISTS snap (tbl text, n bigint, h text);
    TRUNCATE snap;
    FOR t IN SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1 LOOP
        EXECUTE format('SELECT count(*), md5(coalesce(string_agg(x::text, E''\n'' ORDER BY x::text), '''')) FROM %I x', t)
            INTO n, h;
        INSERT INTO snap VALUES (t, n, h);
    END LOOP;
END $$;
SELECT tbl || ' ' || n || ' ' || h FROM snap ORDER BY tbl;
SQL
}

if cat seed/*.sql | "${DB[@]}" -1 -f -; then ok "seed, first run"; else bad "seed, first run"; exit 1; fi
snapshot >"$TMP/run1"
if cat seed/*.sql | "${DB[@]}" -1 -f -; then ok "seed, second run"; else bad "seed, second run"; exit 1; fi
snapshot >"$TMP/run2"
if diff -u "$TMP/run1" "$TMP/run2"; then ok "seed is idempotent (same counts and rows in $(wc -l <"$TMP/run1") tables)"
else bad "seed is not idempotent"; fi
echo "# rows per table after seeding:"
awk '{ printf "#   %-22s %s\n", $1, $2 }' "$TMP/run1"

# statements that must fail (each in its own transaction)
must_fail() {
    local what=$1 sql=$2
    if "${DB[@]}" -1 -c "$sql" >/dev/null 2>"$TMP/err"; then bad "$what was accepted"
    else ok "$what rejected: $(head -1 "$TMP/err" | sed 's/^psql:[^E]*//')"; fi
}
must_fail "negative price" \
  "INSERT INTO products (slug, title, price_paise) VALUES ('neg-price', 'Negative', -1)"
must_fail "rating 6" \
  "INSERT INTO feedback (user_id, rating) SELECT id, 6 FROM users WHERE email = 'customer@souk.test'"
must_fail "duplicate product slug" \
  "INSERT INTO products (slug, title) VALUES ('notion-budget-tracker', 'Copy')"
must_fail "order item for a missing product" \
  "INSERT INTO order_items (order_id, product_id, title, unit_price_paise, tax_rate_bp)
   SELECT id, -42, 'Ghost', 100, 1800 FROM orders LIMIT 1"
must_fail "order total that does not add up" \
  "INSERT INTO orders (user_id, subtotal_paise, tax_paise, total_paise) SELECT id, 100, 18, 100 FROM users LIMIT 1"
must_fail "unknown order status" \
  "UPDATE orders SET status = 'shipped' WHERE public_id = 'd0000000-0000-4000-8000-000000000001'"
must_fail "uppercase tag" \
  "UPDATE products SET tags = '{Notion}' WHERE slug = 'notion-budget-tracker'"
must_fail "bad sha256" \
  "UPDATE product_files SET sha256 = repeat('Z', 64) WHERE id = (SELECT min(id) FROM product_files)"
must_fail "tax rate over 100 %" \
  "UPDATE products SET tax_rate_bp = 10001 WHERE slug = 'notion-budget-tracker'"
must_fail "purchase entitlement without an order" \
  "INSERT INTO entitlements (user_id, product_id, source)
   SELECT u.id, p.id, 'purchase' FROM users u, products p
    WHERE u.email = 'meera.n@souk.test' AND p.slug = 'warm-film-luts'"
must_fail "deleting a user with orders" \
  "DELETE FROM users WHERE email = 'customer@souk.test'"
must_fail "duplicate (product, label, version) file" \
  "INSERT INTO product_files (product_id, label, version, storage_key, filename, size_bytes, sha256)
   SELECT product_id, label, version, storage_key || '.dup', filename, size_bytes, sha256
     FROM product_files LIMIT 1"

q() { "${DB[@]}" -At -c "$1"; }
expect() {  # expect WHAT SQL EXPECTED-SUBSTRING
    local got; got=$(q "$2" | tr '\n' '|')
    if [[ "$got" == *"$3"* ]]; then ok "$1: $got"; else bad "$1: got '$got', wanted '$3'"; fi
}
expect "full-text search 'notion budget'" \
  "SELECT title FROM products WHERE search_vector @@ websearch_to_tsquery('english', 'notion budget')
    ORDER BY ts_rank(search_vector, websearch_to_tsquery('english', 'notion budget')) DESC" \
  "Notion Budget & Expense Tracker"
expect "full-text search hits tags (weight B) 'devanagari'" \
  "SELECT slug FROM products WHERE search_vector @@ websearch_to_tsquery('english', 'devanagari')" \
  "akshar-display-font"
expect "trigram search, misspelt 'notion budjet trackr'" \
  "SELECT title FROM products WHERE title % 'notion budjet trackr'
    ORDER BY similarity(title, 'notion budjet trackr') DESC LIMIT 1" \
  "Notion Budget"
expect "trigram word similarity, misspelt 'wirefrme'" \
  "SELECT slug FROM products WHERE 'wirefrme' <% title ORDER BY word_similarity('wirefrme', title) DESC LIMIT 1" \
  "mobile-wireframe-kit"
expect "blog full-text search 'gst invoice'" \
  "SELECT slug FROM blog_posts WHERE search_vector @@ websearch_to_tsquery('english', 'gst invoice')" \
  "gst-invoices-for-creators"
expect "search vector follows an update" \
  "UPDATE products SET tags = tags || '{zebra}' WHERE slug = 'folio-portfolio-template';
   SELECT slug FROM products WHERE search_vector @@ to_tsquery('english', 'zebra')" \
  "folio-portfolio-template"
expect "updated_at trigger" \
  "SELECT updated_at > published_at FROM products WHERE slug = 'folio-portfolio-template'" "t"
expect "published list uses its index" \
  "SET enable_seqscan = off; EXPLAIN SELECT id FROM products WHERE status = 'published'
    ORDER BY published_at DESC, id DESC LIMIT 20" "products_published_at_idx"
expect "FTS uses the GIN index" \
  "SET enable_seqscan = off; EXPLAIN SELECT id FROM products
    WHERE search_vector @@ websearch_to_tsquery('english', 'notion')" "products_search_vector_idx"
expect "per-file download count" \
  "SELECT count(*) FROM download_log d JOIN product_files f ON f.id = d.product_file_id
    JOIN products p ON p.id = f.product_id
   WHERE p.slug = 'sell-what-you-know' AND f.label = 'PDF edition' AND f.version = 2" "2"
expect "every order's items add up to its subtotal" \
  "SELECT count(*) FROM orders o WHERE subtotal_paise <>
     (SELECT sum(unit_price_paise * quantity) FROM order_items i WHERE i.order_id = o.id)" "0"
expect "every published product has a file" \
  "SELECT count(*) FROM products p WHERE NOT EXISTS (SELECT 1 FROM product_files f WHERE f.product_id = p.id)" "0"
expect "admin has every permission" \
  "SELECT count(*) = (SELECT count(*) FROM permissions) FROM role_permissions rp
     JOIN roles r ON r.id = rp.role_id WHERE r.name = 'admin'" "t"

# every foreign key column is the leading column of some index
expect "every FK is indexed" "
SELECT count(*) FROM pg_constraint c
 WHERE c.contype = 'f' AND c.connamespace = 'public'::regnamespace
   AND NOT EXISTS (SELECT 1 FROM pg_index i
                    WHERE i.indrelid = c.conrelid
                      AND (i.indkey::int2[])[0:cardinality(c.conkey) - 1] = c.conkey)" "0"

# files on disk agree with files.tsv and product_files
q "SELECT storage_key || E'\t' || size_bytes || E'\t' || sha256 FROM product_files ORDER BY storage_key" >"$TMP/db_files"
while IFS=$'\t' read -r key src; do
    printf '%s\t%s\t%s\n' "$key" "$(stat -c %s "seed/files/$src")" "$(sha256sum "seed/files/$src" | cut -d' ' -f1)"
done <seed/files.tsv | sort >"$TMP/disk_files"
if diff -u "$TMP/disk_files" "$TMP/db_files" >/dev/null; then ok "files.tsv, seed/files and product_files agree ($(wc -l <"$TMP/db_files") files)"
else diff -u "$TMP/disk_files" "$TMP/db_files" | head -20; bad "files.tsv / product_files mismatch"; fi

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
