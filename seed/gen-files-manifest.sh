#!/usr/bin/env bash
# Regenerates, from the list below and the files in seed/files/:
#   seed/files.tsv             storage_key <TAB> source path relative to seed/files
#                              (read by `souk-admin seed` to copy files into storage)
#   seed/030_product_files.sql the product_files rows, with each file's real size and SHA-256
#
# Run it after adding a product file below or changing anything in seed/files/:
#   bash seed/gen-files-manifest.sh
# Both outputs are committed; do not edit them by hand.
#
# Storage keys: products/<product-slug>/<label-slug>/v<version>/<filename>
# One source file may back several products (demo data); each gets its own storage key.
set -euo pipefail
cd "$(dirname "$0")"

# product-slug | label | version | download filename | source in files/ | content type
SPEC='
bazaar-ecommerce-ui-kit|Figma source|1|bazaar-ui-kit.zip|ui-kit.zip|application/zip
bazaar-ecommerce-ui-kit|Preview|1|bazaar-preview.png|preview.png|image/png
bazaar-ecommerce-ui-kit|License|1|LICENSE.txt|LICENSE.txt|text/plain
saas-landing-page-template|Source code|1|launchpad.zip|ui-kit.zip|application/zip
ledger-admin-dashboard|Source code|1|ledger-dashboard.zip|starter-code.zip|application/zip
ledger-admin-dashboard|Figma source|1|ledger-figma.zip|ui-kit.zip|application/zip
folio-portfolio-template|Source code|1|folio.zip|ui-kit.zip|application/zip
shaadi-invitation-templates|Templates|1|shaadi-invitations.zip|ui-kit.zip|application/zip
shaadi-invitation-templates|Print guide|1|print-guide.pdf|quick-start-guide.pdf|application/pdf
mobile-wireframe-kit|Figma source|1|wireframe-kit.zip|ui-kit.zip|application/zip
sell-what-you-know|PDF edition|1|sell-what-you-know.pdf|ebook-sample-v1.pdf|application/pdf
sell-what-you-know|PDF edition|2|sell-what-you-know.pdf|ebook-sample.pdf|application/pdf
gst-for-creators|PDF edition|1|gst-for-creators.pdf|ebook-sample.pdf|application/pdf
postgresql-for-app-developers|PDF edition|1|postgresql-for-app-developers.pdf|ebook-sample.pdf|application/pdf
postgresql-for-app-developers|SQL exercises|1|exercises.zip|starter-code.zip|application/zip
freelance-pricing-playbook|PDF edition|1|freelance-pricing-playbook.pdf|ebook-sample.pdf|application/pdf
freelance-pricing-playbook|Rate calculator|1|rate-calculator.csv|rate-calculator.csv|text/csv
indian-vegetarian-meal-prep|PDF edition|1|indian-vegetarian-meal-prep.pdf|ebook-sample.pdf|application/pdf
newsletter-growth-handbook|PDF edition|1|newsletter-growth-handbook.pdf|ebook-sample.pdf|application/pdf
razorpay-checkout-starter|Source code|1|razorpay-checkout-starter.zip|starter-code.zip|application/zip
razorpay-checkout-starter|Setup guide|1|README.md|README.md|text/markdown
django-saas-boilerplate|Source code|1|django-saas-boilerplate.zip|starter-code.zip|application/zip
gst-invoice-generator|Source code|1|gst-invoice-generator.zip|starter-code.zip|application/zip
gst-invoice-generator|Sample data|1|sample-sales.csv|freelancer-crm.csv|text/csv
whatsapp-order-bot|Source code|1|whatsapp-order-bot.zip|starter-code.zip|application/zip
whatsapp-order-bot|Setup guide|1|setup-guide.pdf|quick-start-guide.pdf|application/pdf
everyday-devops-scripts|Scripts|1|devops-scripts.zip|starter-code.zip|application/zip
nginx-hardening-configs|Config snippets|1|nginx-snippets.zip|starter-code.zip|application/zip
rekha-line-icons|SVG icons|1|rekha-icons.zip|icon-pack.zip|application/zip
rekha-line-icons|Preview|1|rekha-preview.png|swatch.png|image/png
jaali-seamless-patterns|SVG tile|1|jaali-tile.svg|pattern.svg|image/svg+xml
jaali-seamless-patterns|License|1|LICENSE.txt|LICENSE.txt|text/plain
akshar-display-font|Specimen|1|akshar-specimen.pdf|type-specimen.pdf|application/pdf
akshar-display-font|License|1|LICENSE.txt|LICENSE.txt|text/plain
doodle-illustration-pack|SVG illustrations|1|doodles.zip|icon-pack.zip|application/zip
monsoon-colour-palettes|Palette tokens|1|monsoon-palettes.json|palette.json|application/json
logo-mockup-templates|Mockups|1|logo-mockup.svg|logo-mark.svg|image/svg+xml
startup-pitch-deck|PDF handout|1|pitch-deck-handout.pdf|slides-handout.pdf|application/pdf
startup-pitch-deck|Slide sources|1|pitch-deck-sources.zip|ui-kit.zip|application/zip
quarterly-business-review-deck|PDF handout|1|qbr-handout.pdf|slides-handout.pdf|application/pdf
mono-keynote-theme|PDF handout|1|mono-handout.pdf|slides-handout.pdf|application/pdf
online-course-slides|PDF handout|1|course-slides-handout.pdf|slides-handout.pdf|application/pdf
investor-update-template|Email template|1|investor-update.md|investor-update.md|text/markdown
investor-update-template|Metrics deck|1|investor-update-deck.pdf|slides-handout.pdf|application/pdf
conference-talk-deck|PDF handout|1|talk-deck-handout.pdf|slides-handout.pdf|application/pdf
notion-budget-tracker|Notion template|1|notion-budget-tracker.zip|notion-workspace.zip|application/zip
notion-budget-tracker|Sample data|1|sample-expenses.csv|monthly-budget.csv|text/csv
monthly-budget-planner|Spreadsheet|1|monthly-budget.csv|monthly-budget-v1.csv|text/csv
monthly-budget-planner|Spreadsheet|2|monthly-budget.csv|monthly-budget.csv|text/csv
creator-content-calendar|Notion template|1|content-calendar.zip|notion-workspace.zip|application/zip
creator-content-calendar|CSV import|1|content-calendar.csv|content-calendar.csv|text/csv
freelancer-crm-tracker|Spreadsheet|1|freelancer-crm.csv|freelancer-crm.csv|text/csv
notion-habit-tracker|Notion template|1|habit-tracker.zip|notion-workspace.zip|application/zip
sip-goal-calculator|Spreadsheet|1|sip-calculator.csv|sip-calculator.csv|text/csv
warm-film-luts|LUTs|1|warm-film.cube|warm-film.cube|text/plain
teal-orange-cinematic-luts|LUTs|1|teal-orange.cube|teal-orange.cube|text/plain
wedding-lightroom-presets|Presets|1|golden-hour.xmp|golden-hour.xmp|application/rdf+xml
street-photography-india|PDF edition|1|street-photography-india.pdf|ebook-sample.pdf|application/pdf
monsoon-stock-photos|Sample photo|1|monsoon-sample.png|preview.png|image/png
monsoon-stock-photos|License|1|LICENSE.txt|LICENSE.txt|text/plain
festive-phone-wallpapers|Wallpapers|1|festive-wallpaper.png|preview.png|image/png
festive-phone-wallpapers|Dark version|1|festive-wallpaper-dark.png|swatch.png|image/png
'

sql_quote() { printf "'%s'" "${1//\'/\'\'}"; }

tsv=files.tsv.tmp
sql=030_product_files.sql.tmp
: >"$tsv"
{
cat <<'EOF'
-- Seed 030: product files. DEV / DEMO DATA ONLY.
-- GENERATED by seed/gen-files-manifest.sh from seed/files/: do not edit by hand.
-- size_bytes and sha256 are those of the source file that files.tsv copies to storage_key.

CREATE OR REPLACE FUNCTION pg_temp.seed_uuid(k text) RETURNS uuid
LANGUAGE sql IMMUTABLE
RETURN overlay(overlay(md5('souk-seed:' || k) PLACING '4' FROM 13) PLACING '8' FROM 17)::uuid;

INSERT INTO product_files (public_id, product_id, label, version, storage_key, filename,
                           size_bytes, sha256, content_type, created_at)
SELECT pg_temp.seed_uuid('file:' || v.storage_key), p.id, v.label, v.version, v.storage_key,
       v.filename, v.size_bytes, v.sha256, v.content_type,
       -- version 1 arrives with the product; each later version 120 days after the previous
       coalesce(p.published_at, p.created_at) + (v.version - 1) * interval '120 days'
  FROM (VALUES
EOF
first=1
while IFS='|' read -r slug label version filename source ctype; do
    [ -n "$slug" ] || continue
    src="files/$source"
    [ -f "$src" ] || { echo "missing $src" >&2; exit 1; }
    label_slug=$(printf '%s' "$label" | tr 'A-Z' 'a-z' | sed -E 's/[^a-z0-9]+/-/g; s/^-+|-+$//g')
    key="products/$slug/$label_slug/v$version/$filename"
    size=$(stat -c %s "$src")
    sha=$(sha256sum "$src" | cut -d' ' -f1)
    printf '%s\t%s\n' "$key" "$source" >>"$tsv"
    [ $first = 1 ] && first=0 || printf ',\n'
    printf '    (%s, %s, %s, %d, %s, %s, %d, %s, %s)' \
        "$(sql_quote "$slug")" "$(sql_quote "$label")" "$(sql_quote "$key")" "$version" \
        "$(sql_quote "$filename")" "$(sql_quote "$source")" "$size" "$(sql_quote "$sha")" \
        "$(sql_quote "$ctype")"
done <<<"$SPEC"
cat <<'EOF'

  ) AS v (product_slug, label, storage_key, version, filename, source, size_bytes, sha256, content_type)
  JOIN products p ON p.slug = v.product_slug
ON CONFLICT (product_id, label, version) DO UPDATE SET
    storage_key = EXCLUDED.storage_key, filename = EXCLUDED.filename,
    size_bytes = EXCLUDED.size_bytes, sha256 = EXCLUDED.sha256,
    content_type = EXCLUDED.content_type
WHERE (product_files.storage_key, product_files.filename, product_files.size_bytes,
       product_files.sha256, product_files.content_type)
      IS DISTINCT FROM
      (EXCLUDED.storage_key, EXCLUDED.filename, EXCLUDED.size_bytes,
       EXCLUDED.sha256, EXCLUDED.content_type);
EOF
} >"$sql"
mv "$tsv" files.tsv
mv "$sql" 030_product_files.sql
echo "wrote seed/files.tsv ($(wc -l <files.tsv) files) and seed/030_product_files.sql"
