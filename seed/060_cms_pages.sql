-- Seed 060: CMS pages home, about, pricing. DEV / DEMO DATA ONLY. Natural key: slug.
--
-- A page is {"blocks": [ ... ]}; each block has a "type" and that type's fields:
--   hero             heading, subheading, cta {label, href}, secondary_cta?, image?
--   product_list     heading, source (popular|newest|category), category?, limit
--   category_grid    heading
--   feature_grid     heading, items [{icon, title, text}]
--   testimonials     heading, items [{quote, name, role}]
--   faq              heading, items [{q, a}]
--   pricing_tiers    heading, tiers [{name, price_paise, period, description, features[], cta, highlighted?}]
--   rich_text        markdown
--   team             heading                       (rendered from team_members)
--   cta              heading, text, button {label, href}
-- `draft` is what editors see; `published` is what the site serves. On `home` the draft has
-- an unpublished change (a new hero heading and an extra block) to show the difference.

INSERT INTO cms_pages (slug, title, draft, published, published_at, updated_by, version,
                       created_at, updated_at)
SELECT v.slug, v.title, v.draft::jsonb, v.published::jsonb, v.published_at::timestamptz, u.id,
       v.version, '2025-11-01 10:00:00+05:30', v.updated_at::timestamptz
  FROM (VALUES
('home', 'Souk: templates, e-books, code and design assets',
$j${"blocks": [
  {"type": "hero",
   "heading": "Digital goods made by independent creators",
   "subheading": "Templates, e-books, code and design assets. Pay once with UPI or card, download instantly, get every update free.",
   "cta": {"label": "Browse the catalog", "href": "/products"},
   "secondary_cta": {"label": "Start selling", "href": "/pricing"}},
  {"type": "category_grid", "heading": "Shop by category"},
  {"type": "product_list", "heading": "Popular this month", "source": "popular", "limit": 8},
  {"type": "product_list", "heading": "Fresh from creators", "source": "newest", "limit": 8},
  {"type": "feature_grid", "heading": "Why buy on Souk",
   "items": [
     {"icon": "download", "title": "Instant downloads", "text": "Your files are in your library the moment payment clears."},
     {"icon": "star", "title": "Free updates", "text": "New versions land in your library at no cost, with a fresh download allowance."},
     {"icon": "cart", "title": "GST invoices", "text": "A proper tax invoice for every order; add your GSTIN to claim input credit."},
     {"icon": "heart", "title": "Real support", "text": "Questions answered by people, usually within a day."}]},
  {"type": "testimonials", "heading": "What buyers say",
   "items": [
     {"quote": "The Notion budget tracker is the first system I have stuck with for more than a month.", "name": "Arjun I.", "role": "Product manager, Bengaluru"},
     {"quote": "Bazaar saved our team three weeks on a client app. The GST invoice made it a no-brainer.", "name": "Asha K.", "role": "Design studio founder, Pune"},
     {"quote": "Clear, practical and honest about the trade-offs. Exactly what I wanted from a Postgres book.", "name": "Rohan D.", "role": "Backend developer, Kolkata"}]},
  {"type": "faq", "heading": "Questions",
   "items": [
     {"q": "How do I get my files?", "a": "After payment, open Library and click Download. Links are short-lived, so download from your library rather than sharing links."},
     {"q": "Can I get a refund?", "a": "Yes, within 7 days if the product does not work as described. Write to us from the contact page."},
     {"q": "Do prices include GST?", "a": "Prices are shown before GST; 18 % is added at checkout and shown on your invoice."}]},
  {"type": "cta", "heading": "Sell your own templates", "text": "Open a shop in minutes. Keep 90 % of every sale.", "button": {"label": "See seller plans", "href": "/pricing"}}
]}$j$,
$j${"blocks": [
  {"type": "hero",
   "heading": "Templates, e-books and code from independent creators",
   "subheading": "Pay once with UPI or card, download instantly, get every update free.",
   "cta": {"label": "Browse the catalog", "href": "/products"}},
  {"type": "category_grid", "heading": "Shop by category"},
  {"type": "product_list", "heading": "Popular this month", "source": "popular", "limit": 8},
  {"type": "feature_grid", "heading": "Why buy on Souk",
   "items": [
     {"icon": "download", "title": "Instant downloads", "text": "Your files are in your library the moment payment clears."},
     {"icon": "star", "title": "Free updates", "text": "New versions land in your library at no cost."},
     {"icon": "cart", "title": "GST invoices", "text": "A proper tax invoice for every order."},
     {"icon": "heart", "title": "Real support", "text": "Questions answered by people, usually within a day."}]},
  {"type": "testimonials", "heading": "What buyers say",
   "items": [
     {"quote": "The Notion budget tracker is the first system I have stuck with for more than a month.", "name": "Arjun I.", "role": "Product manager, Bengaluru"},
     {"quote": "Bazaar saved our team three weeks on a client app.", "name": "Asha K.", "role": "Design studio founder, Pune"}]},
  {"type": "faq", "heading": "Questions",
   "items": [
     {"q": "How do I get my files?", "a": "After payment, open Library and click Download."},
     {"q": "Can I get a refund?", "a": "Yes, within 7 days if the product does not work as described."},
     {"q": "Do prices include GST?", "a": "Prices are shown before GST; 18 % is added at checkout."}]}
]}$j$,
 '2026-10-01 10:00:00+05:30', 7, '2026-11-20 16:30:00+05:30'),
('about', 'About Souk',
$j${"blocks": [
  {"type": "hero", "heading": "A marketplace owned by the people who use it",
   "subheading": "Souk is a small, self-hosted shop for digital goods, built in India for creators everywhere."},
  {"type": "rich_text", "markdown": "Souk started in 2025 as a weekend project to sell one Notion template without giving away a third of every sale.\n\nToday it hosts templates, e-books, code and design assets from independent creators. We keep the software simple, the fees low and the files safe.\n\n**Our principles**\n\n- Buyers own what they buy, including every future update.\n- Creators keep their customers: you can export your buyer list any time.\n- No dark patterns: no fake countdowns, no pre-ticked boxes."},
  {"type": "feature_grid", "heading": "By the numbers",
   "items": [
     {"icon": "user", "title": "12,000+ buyers", "text": "From 28 states and 31 countries."},
     {"icon": "download", "title": "60,000 downloads", "text": "Served through short-lived, signed links."},
     {"icon": "star", "title": "4.7 average rating", "text": "Across all moderated reviews."}]},
  {"type": "team", "heading": "The team"},
  {"type": "cta", "heading": "Questions? Ideas?", "text": "We read every message.", "button": {"label": "Contact us", "href": "/contact"}}
]}$j$,
$j${"blocks": [
  {"type": "hero", "heading": "A marketplace owned by the people who use it",
   "subheading": "Souk is a small, self-hosted shop for digital goods, built in India for creators everywhere."},
  {"type": "rich_text", "markdown": "Souk started in 2025 as a weekend project to sell one Notion template without giving away a third of every sale.\n\nToday it hosts templates, e-books, code and design assets from independent creators. We keep the software simple, the fees low and the files safe.\n\n**Our principles**\n\n- Buyers own what they buy, including every future update.\n- Creators keep their customers: you can export your buyer list any time.\n- No dark patterns: no fake countdowns, no pre-ticked boxes."},
  {"type": "feature_grid", "heading": "By the numbers",
   "items": [
     {"icon": "user", "title": "12,000+ buyers", "text": "From 28 states and 31 countries."},
     {"icon": "download", "title": "60,000 downloads", "text": "Served through short-lived, signed links."},
     {"icon": "star", "title": "4.7 average rating", "text": "Across all moderated reviews."}]},
  {"type": "team", "heading": "The team"},
  {"type": "cta", "heading": "Questions? Ideas?", "text": "We read every message.", "button": {"label": "Contact us", "href": "/contact"}}
]}$j$,
 '2026-03-12 10:00:00+05:30', 3, '2026-03-12 10:00:00+05:30'),
('pricing', 'Pricing for sellers',
$j${"blocks": [
  {"type": "hero", "heading": "Simple pricing for sellers", "subheading": "No monthly fee to start. Upgrade when your shop grows."},
  {"type": "pricing_tiers", "heading": "Plans",
   "tiers": [
     {"name": "Starter", "price_paise": 0, "period": "month", "description": "For your first products.",
      "features": ["Up to 5 products", "10 % fee per sale", "UPI, cards and netbanking", "GST invoices"],
      "cta": {"label": "Start free", "href": "/signup"}},
     {"name": "Pro", "price_paise": 99900, "period": "month", "description": "For full-time creators.", "highlighted": true,
      "features": ["Unlimited products", "5 % fee per sale", "Coupons and bundles", "File versions with free updates", "Sales and traffic metrics"],
      "cta": {"label": "Go Pro", "href": "/signup?plan=pro"}},
     {"name": "Studio", "price_paise": 299900, "period": "month", "description": "For teams and agencies.",
      "features": ["Everything in Pro", "2 % fee per sale", "Team accounts with roles", "Custom domain", "Priority support"],
      "cta": {"label": "Talk to us", "href": "/contact?subject=studio"}}]},
  {"type": "faq", "heading": "Pricing questions",
   "items": [
     {"q": "Are plan prices inclusive of GST?", "a": "No, 18 % GST is added to plan fees, and you get a tax invoice every month."},
     {"q": "When do I get paid?", "a": "Payouts run weekly, to your bank account, through Razorpay Route."},
     {"q": "Can I switch plans?", "a": "Any time. Upgrades are prorated; downgrades apply from the next month."}]}
]}$j$,
$j${"blocks": [
  {"type": "hero", "heading": "Simple pricing for sellers", "subheading": "No monthly fee to start. Upgrade when your shop grows."},
  {"type": "pricing_tiers", "heading": "Plans",
   "tiers": [
     {"name": "Starter", "price_paise": 0, "period": "month", "description": "For your first products.",
      "features": ["Up to 5 products", "10 % fee per sale", "UPI, cards and netbanking", "GST invoices"],
      "cta": {"label": "Start free", "href": "/signup"}},
     {"name": "Pro", "price_paise": 99900, "period": "month", "description": "For full-time creators.", "highlighted": true,
      "features": ["Unlimited products", "5 % fee per sale", "Coupons and bundles", "File versions with free updates", "Sales and traffic metrics"],
      "cta": {"label": "Go Pro", "href": "/signup?plan=pro"}},
     {"name": "Studio", "price_paise": 299900, "period": "month", "description": "For teams and agencies.",
      "features": ["Everything in Pro", "2 % fee per sale", "Team accounts with roles", "Custom domain", "Priority support"],
      "cta": {"label": "Talk to us", "href": "/contact?subject=studio"}}]},
  {"type": "faq", "heading": "Pricing questions",
   "items": [
     {"q": "Are plan prices inclusive of GST?", "a": "No, 18 % GST is added to plan fees, and you get a tax invoice every month."},
     {"q": "When do I get paid?", "a": "Payouts run weekly, to your bank account, through Razorpay Route."},
     {"q": "Can I switch plans?", "a": "Any time. Upgrades are prorated; downgrades apply from the next month."}]}
]}$j$,
 '2026-05-02 10:00:00+05:30', 2, '2026-05-02 10:00:00+05:30')
  ) AS v (slug, title, draft, published, published_at, version, updated_at)
  JOIN users u ON u.email = 'editor@souk.test'
ON CONFLICT (slug) DO NOTHING;
