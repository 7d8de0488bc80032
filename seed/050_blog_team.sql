-- Seed 050: blog posts and team members. DEV / DEMO DATA ONLY.
-- Natural keys: blog_posts.slug; team members by their fixed public_id.

CREATE OR REPLACE FUNCTION pg_temp.seed_uuid(k text) RETURNS uuid
LANGUAGE sql IMMUTABLE
RETURN overlay(overlay(md5('souk-seed:' || k) PLACING '4' FROM 13) PLACING '8' FROM 17)::uuid;

INSERT INTO blog_posts (public_id, slug, title, excerpt, body, cover_image_url, author_id, tags,
                        status, published_at, created_at, updated_at)
SELECT pg_temp.seed_uuid('blog:' || v.slug), v.slug, v.title, v.excerpt, v.body, NULL, u.id,
       v.tags::text[], v.status, v.published_at::timestamptz,
       coalesce(v.published_at::timestamptz, '2026-11-20 10:00:00+05:30') - interval '2 days',
       coalesce(v.published_at::timestamptz, '2026-11-20 10:00:00+05:30')
  FROM (VALUES
('pricing-digital-products-in-india', 'How to price a digital product for Indian buyers',
 'Rupee prices, psychological thresholds and why your first price should be too low.',
$b$Pricing is the decision sellers agonise over most, and the one they can change most easily. Here is how we think about it after watching a year of sales on Souk.

## Start with the job, not the hours

Nobody pays for the forty hours you spent on a Notion template. They pay for the evening they do not have to spend building it, and for the mess they avoid. Ask: what would this cost the buyer to make themselves, or to get wrong?

## Thresholds matter more than exact numbers

In our data, conversion drops sharply above ₹499 and again above ₹1,999 for individual buyers. Between those steps, price changes barely move conversion. So ₹449 and ₹499 sell about the same, and ₹599 sells noticeably less.

## Show the GST

Prices on Souk are shown before GST and the tax is added at checkout, with a proper invoice. Business buyers can enter their GSTIN and claim input credit, which makes a ₹3,999 kit an easy expense.

## Your first price should be too low

You learn more from a hundred sales at ₹299 than from five at ₹999. Raise the price with every meaningful update, and tell your early buyers that they got the best deal.$b$,
 '{pricing,india,strategy}', 'published', '2026-02-10 09:00:00+05:30'),
('gst-invoices-for-creators', 'GST invoices for creators, without the headache',
 'What an invoice needs, how numbering works across financial years, and CGST versus IGST.',
$b$If you are registered for GST, every sale needs a tax invoice. Souk issues them for you, but it helps to know what is on them.

## What goes on the invoice

- Your name, address and GSTIN
- A serial number, unique and consecutive within the financial year
- Date of issue
- Buyer's name, and GSTIN if they gave one
- Place of supply (the buyer's state)
- Taxable value, tax rate and the tax amount, split by type

## Numbering

Numbers run consecutively per financial year, April to March: `SK2627-000001`, `SK2627-000002` (at most 16 characters, as rule 46 asks), and back to 1 on the first of April. No gaps, no reuse, even when an order is refunded: a refund gets a credit note, the invoice stays.

## CGST + SGST or IGST?

If the buyer is in your state, the 18 % is split into 9 % CGST and 9 % SGST. If they are in another state, it is 18 % IGST. The total is the same; the split decides which government gets it.$b$,
 '{gst,invoices,tax}', 'published', '2026-04-18 09:00:00+05:30'),
('product-page-that-sells', 'Anatomy of a product page that sells',
 'Cover, one-sentence summary, previews, what is inside, who it is for. In that order.',
$b$We looked at the fifty best-converting product pages on Souk. They are not the prettiest; they are the clearest.

1. **A cover that shows the thing.** A screenshot of the actual template beats an abstract gradient every time.
2. **One sentence that says what it does for the buyer.** "Track spending in Notion with monthly roll-ups" beats "The ultimate finance OS".
3. **Three to six previews.** Buyers want to see inside before they pay.
4. **A "what's inside" list** with file formats and versions of the tools it needs.
5. **Who it is for, and who it is not for.** Saying "not for accountants" sells more to freelancers.

Reviews come last, and they matter most once you have ten of them.$b$,
 '{marketing,copywriting,conversion}', 'published', '2026-06-05 09:00:00+05:30'),
('protecting-digital-downloads', 'How Souk protects your downloads',
 'Short-lived links, per-file download limits and checksums, explained for sellers.',
$b$Digital goods are easy to copy, so it is worth being clear about what a shop can and cannot do.

## Links that expire

Files never sit at a public URL. When a buyer clicks download, Souk checks that they own the product and issues a link that works for a few minutes only. Sharing the link in a group chat shares nothing useful.

## Download limits per file

Each purchase allows a number of downloads of each file (you set it per product, or use the site default). When you upload a new version of a file, buyers get a fresh allowance for it, so fixing a typo never costs them.

## Checksums

Every file's SHA-256 is recorded when you upload it, so a damaged or swapped file is caught before a buyer gets it.

None of this stops a determined pirate. It does stop casual sharing, and it keeps honest buyers happy.$b$,
 '{security,downloads,product-updates}', 'published', '2026-08-21 09:00:00+05:30'),
('first-year-of-souk', 'What we learnt from our first year of selling templates',
 'Free products drive paid ones, bundles beat discounts, and updates are the best marketing.',
$b$A year ago Souk had six products. Today it has more than forty, from Figma kits to LUTs. A few lessons:

**Free products are the best marketing.** Our free Notion habit tracker has been claimed more than four thousand times, and about one in twelve of those buyers has since bought something paid.

**Updates beat launches.** Every time a seller publishes a new version, previous buyers get an email and a good share of them come back and buy something else.

**Bundles beat discounts.** A 25 % Diwali coupon moved fewer rupees than a simple three-product bundle at the same effective price.

**Support is a feature.** Enquiries answered within a day get five-star reviews, even when the answer is "that is not supported yet".$b$,
 '{company,lessons,creator-economy}', 'published', '2026-11-15 09:00:00+05:30'),
('upi-autopay-subscriptions', 'Subscriptions with UPI AutoPay: coming to Souk',
 'A look at recurring billing for memberships and all-access passes.',
$b$We are working on memberships: pay monthly with UPI AutoPay or a card mandate and get everything from a seller.

This post is a draft and will be published when the feature ships.$b$,
 '{subscriptions,upi,roadmap}', 'draft', NULL)
  ) AS v (slug, title, excerpt, body, tags, status, published_at)
  JOIN users u ON u.email = 'editor@souk.test'
ON CONFLICT (slug) DO NOTHING;

INSERT INTO team_members (public_id, name, role_title, bio, photo_url, socials, sort_order,
                          visible, created_at, updated_at)
SELECT pg_temp.seed_uuid('team:' || v.name), v.name, v.role_title, v.bio, NULL, v.socials::jsonb,
       v.sort_order, v.visible, '2025-11-01 10:00:00+05:30', '2025-11-01 10:00:00+05:30'
  FROM (VALUES
    ('Priya Raman', 'Founder', 'Priya sold her first Notion template in 2020 and built Souk so that creators could own their shop instead of renting one.',
     '{"x": "https://x.com/priya_builds", "linkedin": "https://www.linkedin.com/in/priya-raman-demo"}', 10, true),
    ('Kabir Mehta', 'Head of Catalog', 'Kabir reviews every product before it goes live and writes most of our guides for sellers.',
     '{"linkedin": "https://www.linkedin.com/in/kabir-mehta-demo"}', 20, true),
    ('Nisha Verma', 'Customer Support', 'Nisha answers enquiries, untangles payments and makes sure refunds are quick and painless.',
     '{}', 30, true),
    ('Farhan Sheikh', 'Engineering', 'Farhan looks after the servers, payments and the download pipeline. Fan of PostgreSQL and boring technology.',
     '{"github": "https://github.com/farhan-demo"}', 40, true)
  ) AS v (name, role_title, bio, socials, sort_order, visible)
ON CONFLICT (public_id) DO NOTHING;
