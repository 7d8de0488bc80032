-- Seed 020: categories and products. DEV / DEMO DATA ONLY.
-- Natural keys: categories.slug, products.slug. Products use a guarded upsert: a changed
-- row in this file updates the database, an unchanged one is left alone (so re-running
-- the seed does not even touch updated_at). Prices are paise before GST; 0 = free.

CREATE OR REPLACE FUNCTION pg_temp.seed_uuid(k text) RETURNS uuid
LANGUAGE sql IMMUTABLE
RETURN overlay(overlay(md5('souk-seed:' || k) PLACING '4' FROM 13) PLACING '8' FROM 17)::uuid;

INSERT INTO categories (slug, name, description, sort_order, created_at, updated_at) VALUES
    ('ui-kits-templates',   'UI kits & templates',
     'Figma kits, website and dashboard templates you can ship this week.', 10,
     '2025-11-01 10:00:00+05:30', '2025-11-01 10:00:00+05:30'),
    ('ebooks',              'E-books',
     'Practical guides by people who have done the thing.', 20,
     '2025-11-01 10:00:00+05:30', '2025-11-01 10:00:00+05:30'),
    ('code-scripts',        'Code & scripts',
     'Starter kits, boilerplates and automation scripts with the source included.', 30,
     '2025-11-01 10:00:00+05:30', '2025-11-01 10:00:00+05:30'),
    ('design-assets',       'Design assets',
     'Icons, fonts, patterns and illustrations.', 40,
     '2025-11-01 10:00:00+05:30', '2025-11-01 10:00:00+05:30'),
    ('presentations',       'Presentations',
     'Keynote, PowerPoint and Google Slides decks.', 50,
     '2025-11-01 10:00:00+05:30', '2025-11-01 10:00:00+05:30'),
    ('spreadsheets-notion', 'Spreadsheets & Notion templates',
     'Budgets, trackers and workspaces that organise themselves.', 60,
     '2025-11-01 10:00:00+05:30', '2025-11-01 10:00:00+05:30'),
    ('photography-luts',    'Photography & LUTs',
     'Presets, LUTs and photo packs for photographers and video creators.', 70,
     '2025-11-01 10:00:00+05:30', '2025-11-01 10:00:00+05:30')
ON CONFLICT (slug) DO NOTHING;

INSERT INTO products (public_id, slug, title, summary, description, price_paise, currency,
                      tax_rate_bp, status, category_id, tags, author_id, download_limit,
                      link_ttl_seconds, sales_count, published_at, created_at, updated_at)
SELECT pg_temp.seed_uuid('product:' || v.slug), v.slug, v.title, v.summary, v.description,
       v.price_paise, 'INR', 1800, v.status, c.id, v.tags::text[], u.id, v.download_limit,
       NULL, v.sales_count, v.published_at::timestamptz,
       coalesce(v.published_at::timestamptz, '2026-11-10 12:00:00+05:30') - interval '3 days',
       coalesce(v.published_at::timestamptz, '2026-11-10 12:00:00+05:30')
  FROM (VALUES
------------------------------------------------------------------------ UI kits & templates
('bazaar-ecommerce-ui-kit', 'Bazaar: E-commerce UI Kit for Figma',
 'Over 180 screens and 600 components for shopping apps on web and mobile.',
$d$Bazaar is a complete Figma kit for online stores: product listings, filters, product pages, cart, checkout with UPI and cards, order tracking and account screens, for both mobile (375 pt) and desktop (1440 px).

Every component uses auto layout and variants, and the whole kit runs on a small set of colour and type tokens, so re-theming it to your brand takes minutes, not days.

**What you get**

- 184 screens (92 mobile, 92 desktop)
- 620 components with variants and interactive states
- Light and dark themes driven by tokens
- Indian-market patterns: UPI intent, COD, GST on invoices, pincode check$d$,
 249900, 'published', 'ui-kits-templates', '{figma,ui-kit,ecommerce,mobile}', 'editor@souk.test', NULL, 412, '2025-12-02 11:00:00+05:30'),
('saas-landing-page-template', 'Launchpad: SaaS Landing Page (HTML + Tailwind)',
 'A fast, accessible landing page for SaaS products, built with Tailwind CSS and no JavaScript framework.',
$d$Launchpad is a one-page marketing site for a software product: hero, logos, feature grid, pricing table, testimonials, FAQ and a sign-up section.

It is plain HTML with Tailwind CSS, scores 100 on Lighthouse out of the box and works without JavaScript. Swap the copy, change two colour variables and deploy it to any static host.

Includes a light and dark variant, a changelog page and a simple blog index.$d$,
 149900, 'published', 'ui-kits-templates', '{html,tailwind,landing-page,saas}', 'editor@souk.test', NULL, 268, '2026-01-15 10:30:00+05:30'),
('ledger-admin-dashboard', 'Ledger: Admin Dashboard Template (React)',
 'A React + TypeScript admin dashboard with 40 pages, charts, tables and auth screens.',
$d$Ledger gives your internal tools a head start: sign-in, users, orders, invoices, analytics, settings and an empty state for everything.

Built with React 18, TypeScript and Vite. Tables sort, filter and paginate on the server; charts are plain SVG, so there is no heavy chart library to fight with.

Comes with the Figma source of every page so designers and developers work from the same file.$d$,
 399900, 'published', 'ui-kits-templates', '{dashboard,admin,react,typescript}', 'admin@souk.test', NULL, 137, '2026-03-04 09:00:00+05:30'),
('folio-portfolio-template', 'Folio: Minimal Portfolio Website',
 'A calm, typography-first portfolio for designers, writers and photographers.',
$d$Folio puts your work first: a grid of projects, a case-study page, an about page and a contact form that works with any form endpoint.

Three layouts (grid, list, single column), responsive images and a print stylesheet for sending your CV as a PDF.

Plain HTML and CSS. No build step required.$d$,
 79900, 'published', 'ui-kits-templates', '{portfolio,html,minimal}', 'editor@souk.test', NULL, 351, '2026-02-08 17:45:00+05:30'),
('shaadi-invitation-templates', 'Shaadi: Digital Wedding Invitation Templates',
 'Twelve editable invitation designs for WhatsApp and Instagram, from mehendi to reception.',
$d$Send invitations people actually look at. Shaadi includes twelve designs for every function (haldi, mehendi, sangeet, wedding and reception) in portrait (WhatsApp) and square (Instagram) sizes.

Edit names, dates and venues in Canva or Figma; Devanagari and Tamil text is supported in every layout.

Printed? Each design also comes as a 5x7 inch print-ready file.$d$,
 49900, 'published', 'ui-kits-templates', '{wedding,invitation,canva}', 'editor@souk.test', NULL, 880, '2026-05-19 12:00:00+05:30'),
('mobile-wireframe-kit', 'Wireframe Kit for Mobile Apps',
 'Free low-fidelity wireframe components for sketching app flows in Figma.',
$d$Sketch an app in an afternoon. The kit has 150 grey-box components (navigation bars, lists, cards, forms, sheets and dialogs) that snap together with auto layout.

It is free, and it is the same kit we use before every Bazaar or Ledger update.$d$,
 0, 'published', 'ui-kits-templates', '{wireframe,figma,mobile,free}', 'editor@souk.test', NULL, 2310, '2025-12-20 08:00:00+05:30'),
------------------------------------------------------------------------ E-books
('sell-what-you-know', 'Sell What You Know: A Creator''s Guide to Digital Products',
 'How to pick, build, price and sell your first digital product from India.',
$d$Most first products fail because they try to be everything. This book walks you through picking one small, useful thing, building it in a weekend and selling it to the people who already follow you.

Chapters cover validation without a waiting list, pricing in rupees for Indian and global buyers, writing a product page, payments and GST, delivering files, and what to do after the first hundred sales.

**Second edition (2026):** a new chapter on GST invoices and OIDAR, and updated screenshots.

PDF, 142 pages.$d$,
 59900, 'published', 'ebooks', '{ebook,creator-economy,marketing}', 'admin@souk.test', NULL, 1204, '2025-11-28 10:00:00+05:30'),
('gst-for-creators', 'GST for Creators and Freelancers (2026 edition)',
 'Plain-language GST for people who sell courses, templates, design or code.',
$d$Do you need to register? What is OIDAR? When do you charge IGST instead of CGST + SGST? What goes on an invoice, and how do you number them?

This guide answers the questions creators actually ask, with worked examples for a freelancer, a template seller and a course creator, and a checklist for the end of each quarter.

Written with a practising chartered accountant. Not a substitute for advice on your own situation.$d$,
 39900, 'published', 'ebooks', '{gst,tax,freelancing,india}', 'editor@souk.test', NULL, 733, '2026-04-02 09:30:00+05:30'),
('postgresql-for-app-developers', 'PostgreSQL for App Developers',
 'Schema design, indexes, transactions and full-text search for people who ship apps.',
$d$You do not need to be a DBA to use PostgreSQL well. This book covers what application developers need: modelling data with constraints, choosing indexes from real queries, reading EXPLAIN, transactions and isolation, the outbox pattern, and full-text and trigram search.

Every chapter ends with exercises against a sample marketplace database that you can load in a minute.

PDF and EPUB, 260 pages, with SQL files.$d$,
 129900, 'published', 'ebooks', '{postgresql,databases,programming}', 'admin@souk.test', NULL, 289, '2026-06-10 11:00:00+05:30'),
('freelance-pricing-playbook', 'The Freelance Pricing Playbook',
 'Stop charging by the hour: scripts and worksheets for value-based pricing.',
$d$Hourly rates punish you for getting faster. The playbook shows how to price by outcome: finding what a project is worth to the client, writing a three-option proposal, and handling the "can you do it cheaper?" conversation.

Includes proposal templates, an email script library and a rate calculator.$d$,
 49900, 'published', 'ebooks', '{freelancing,pricing,business}', 'editor@souk.test', NULL, 540, '2026-02-27 19:00:00+05:30'),
('indian-vegetarian-meal-prep', '30-Day Indian Vegetarian Meal Prep',
 'Four weeks of weekday lunches and dinners, prepped in two hours on Sunday.',
$d$Thirty days of balanced vegetarian meals from across India: dal, sabzi, rice and roti combinations that keep well, with a shopping list per week and a two-hour Sunday prep plan.

Every recipe lists protein per portion and a vegan swap.$d$,
 29900, 'published', 'ebooks', '{cooking,meal-prep,vegetarian}', 'editor@souk.test', NULL, 966, '2026-07-01 07:30:00+05:30'),
('newsletter-growth-handbook', 'Newsletter Growth Handbook',
 'A free, short guide to growing an email newsletter from zero to the first thousand readers.',
$d$Forty pages on what worked for a dozen Indian newsletters: a clear promise, a welcome sequence, a referral loop and a consistent day of the week.

Free to download: sign in and claim it.$d$,
 0, 'published', 'ebooks', '{newsletter,email-marketing,free}', 'editor@souk.test', NULL, 3120, '2026-01-05 09:00:00+05:30'),
------------------------------------------------------------------------ Code & scripts
('razorpay-checkout-starter', 'Razorpay Checkout Starter (Node + Express)',
 'A working Razorpay checkout with order creation, signature checks and webhooks.',
$d$The parts of a payment integration that take a week to get right, done: create an order on the server, open Checkout, verify the payment signature, and process webhooks idempotently so a retried event never double-fulfils an order.

Includes tests against a local stand-in of the Razorpay API, so the suite runs offline.

Node 20, Express, no database lock-in (SQLite and PostgreSQL adapters).$d$,
 199900, 'published', 'code-scripts', '{razorpay,payments,nodejs,starter-kit}', 'admin@souk.test', 10, 174, '2026-03-21 10:00:00+05:30'),
('django-saas-boilerplate', 'Django SaaS Boilerplate',
 'Accounts, teams, subscriptions, billing and an admin, ready for your product.',
$d$Start with the boring parts finished: sign-up with email verification, teams and invitations, role-based permissions, subscription billing, invoices, transactional email and a tidy admin.

Django 5, PostgreSQL, Redis, HTMX. Deploys to a single VPS with the included systemd units and nginx config, or to Docker.

Lifetime updates for the 5.x series.$d$,
 499900, 'published', 'code-scripts', '{django,python,saas,boilerplate}', 'admin@souk.test', 10, 96, '2026-05-05 10:00:00+05:30'),
('gst-invoice-generator', 'GST Invoice Generator (Python)',
 'Generate numbered, GST-compliant PDF invoices from a CSV in one command.',
$d$Feed it a CSV of sales and it produces correctly numbered invoices per financial year, splits tax into CGST/SGST or IGST from the place of supply, and writes a PDF per invoice plus a summary for your accountant.

Pure Python 3.10+, no external services.$d$,
 99900, 'published', 'code-scripts', '{python,invoices,gst,automation}', 'editor@souk.test', NULL, 221, '2026-08-12 15:00:00+05:30'),
('whatsapp-order-bot', 'WhatsApp Order Bot for Small Shops',
 'Take orders and answer "is it available?" on WhatsApp, automatically.',
$d$A small bot on the WhatsApp Business Platform that shows your catalog, takes orders, sends a payment link and confirms when it is paid.

Works for bakeries, boutiques and home businesses. Setup guide included, from business verification to your first order.$d$,
 299900, 'published', 'code-scripts', '{whatsapp,bot,automation,nodejs}', 'editor@souk.test', NULL, 58, '2026-09-30 12:00:00+05:30'),
('everyday-devops-scripts', 'Everyday DevOps Shell Scripts',
 'Forty tested Bash scripts for backups, log rotation, TLS renewal checks and deploys.',
$d$The scripts you keep rewriting, written once and carefully: PostgreSQL backups with retention, disk and certificate expiry alerts, zero-downtime deploys with symlinks, and a server hardening checklist.

Every script passes ShellCheck and has a `--help`.$d$,
 69900, 'published', 'code-scripts', '{bash,devops,linux}', 'editor@souk.test', NULL, 312, '2026-04-25 09:00:00+05:30'),
('nginx-hardening-configs', 'Nginx Hardening Config Pack',
 'Security headers, TLS, rate limits and caching snippets for nginx, explained line by line.',
$d$Drop-in configuration snippets for nginx: modern TLS, HSTS, CSP starter policies, request rate limiting, sane timeouts and caching for static files.

Work in progress: snippets are being reviewed before release.$d$,
 44900, 'draft', 'code-scripts', '{nginx,security,devops}', 'editor@souk.test', NULL, 0, NULL),
------------------------------------------------------------------------ Design assets
('rekha-line-icons', 'Rekha: 1,200 Line Icons',
 'A consistent 24 px line icon set in SVG, with Figma components and an icon font.',
$d$Rekha is drawn on a 24 px grid with a 2 px stroke, rounded joins and optical corrections at small sizes. 1,200 icons in 40 categories, including India-specific ones: rupee, UPI, auto-rickshaw, chai, diya.

Formats: SVG, Figma components with variants, React components.$d$,
 129900, 'published', 'design-assets', '{icons,svg,line-icons,figma}', 'editor@souk.test', NULL, 644, '2025-12-12 10:00:00+05:30'),
('jaali-seamless-patterns', 'Jaali Seamless Patterns',
 'Thirty seamless vector patterns inspired by Mughal jaali screens.',
$d$Geometric lattice patterns redrawn as clean, seamless vector tiles. Use them for packaging, backgrounds, textiles or app splash screens.

SVG and PDF, each in four colourways, plus instructions for making your own repeat.$d$,
 59900, 'published', 'design-assets', '{patterns,svg,indian-design}', 'editor@souk.test', NULL, 401, '2026-03-11 13:00:00+05:30'),
('akshar-display-font', 'Akshar Display: Devanagari + Latin Font',
 'A bold display typeface with matching Devanagari and Latin, in five weights.',
$d$Akshar Display was designed for headlines, posters and brand marks where Hindi and English sit side by side. The two scripts share stroke contrast and vertical proportions, so mixed-script lines look like one voice.

Five weights from Light to Black. Desktop and web licence for one company.$d$,
 199900, 'published', 'design-assets', '{fonts,devanagari,typography}', 'admin@souk.test', NULL, 77, '2026-10-06 10:00:00+05:30'),
('doodle-illustration-pack', 'Doodle Pack: 300 Hand-drawn Illustrations',
 'Friendly hand-drawn illustrations for empty states, onboarding and social posts.',
$d$Three hundred hand-drawn doodles of people, objects and everyday Indian scenes, drawn with one pen so they match each other.

SVG and PNG; recolour them with a single fill.$d$,
 89900, 'published', 'design-assets', '{illustrations,svg,doodles}', 'editor@souk.test', NULL, 263, '2026-06-28 18:00:00+05:30'),
('monsoon-colour-palettes', 'Monsoon Colour Palettes',
 'Fifty free, tested colour palettes with accessible text colour pairs.',
$d$Each palette comes with contrast-checked text and background pairs (WCAG AA), as JSON tokens, CSS variables and an ASE swatch file.

Free: claim it and use it anywhere.$d$,
 0, 'published', 'design-assets', '{color,palettes,free}', 'editor@souk.test', NULL, 1875, '2026-07-20 09:00:00+05:30'),
('logo-mockup-templates', 'Logo Mockup Templates (PSD)',
 'Twenty photo-realistic mockups to present logos on signage, paper and fabric.',
$d$Smart-object mockups for presenting brand work: shop signage, embossed paper, a tote bag, a coffee cup and more.

This product is no longer sold; existing buyers can still download it.$d$,
 74900, 'archived', 'design-assets', '{mockups,psd,branding}', 'editor@souk.test', NULL, 190, '2025-12-05 10:00:00+05:30'),
------------------------------------------------------------------------ Presentations
('startup-pitch-deck', 'Pitch Deck Template for Indian Startups',
 'A 20-slide investor deck in Keynote, PowerPoint and Google Slides, with writing prompts.',
$d$The structure Indian seed investors expect, with a prompt on every slide telling you what to put there and what to leave out: problem, solution, market, traction, business model, competition, team, financials and the ask.

Charts are editable, and the financial slides use lakh and crore formatting.$d$,
 149900, 'published', 'presentations', '{pitch-deck,startup,keynote,powerpoint}', 'editor@souk.test', NULL, 498, '2026-01-22 10:00:00+05:30'),
('quarterly-business-review-deck', 'Quarterly Business Review Deck',
 'A clear QBR template for showing results, misses and next-quarter plans.',
$d$Thirty slides for a quarterly review: KPI summary, wins and misses, pipeline, customer stories and the plan for next quarter.

Designed to be read without a presenter, so it works as a pre-read too.$d$,
 99900, 'published', 'presentations', '{presentation,business,reporting}', 'editor@souk.test', NULL, 156, '2026-08-03 10:00:00+05:30'),
('mono-keynote-theme', 'Mono: Minimal Keynote Theme',
 'A black-and-white Keynote theme with 60 layouts and big, readable type.',
$d$Mono strips a deck down to type, images and whitespace. Sixty master layouts, an icon set and a colour accent you can change in one place.

Keynote and PowerPoint versions included.$d$,
 59900, 'published', 'presentations', '{keynote,minimal,theme}', 'editor@souk.test', NULL, 212, '2026-04-14 10:00:00+05:30'),
('online-course-slides', 'Online Course Slide Template',
 'Slides for recorded lessons: title cards, code, quizzes and summaries.',
$d$Made for teachers recording courses: layouts for lesson titles, diagrams, code with highlighting, quiz questions and end-of-lesson summaries, at 16:9 with safe areas for a webcam overlay.

Google Slides and PowerPoint.$d$,
 79900, 'published', 'presentations', '{course,education,google-slides}', 'editor@souk.test', NULL, 187, '2026-09-08 10:00:00+05:30'),
('investor-update-template', 'Investor Update Template',
 'A monthly investor update email plus a five-slide metrics deck.',
$d$Founders who update investors every month raise faster. This template gives you the email structure (highlights, lowlights, metrics, asks) and a five-slide appendix for charts.$d$,
 49900, 'published', 'presentations', '{investors,startup,template}', 'editor@souk.test', NULL, 134, '2026-10-27 10:00:00+05:30'),
('conference-talk-deck', 'Conference Talk Deck',
 'A speaker deck with code, diagram and big-quote layouts.',
$d$Layouts tuned for conference projectors: high contrast, large code, and a timer-friendly section structure.

Draft: still being designed.$d$,
 39900, 'draft', 'presentations', '{conference,presentation,speaker}', 'editor@souk.test', NULL, 0, NULL),
------------------------------------------------------------------------ Spreadsheets & Notion
('notion-budget-tracker', 'Notion Budget & Expense Tracker',
 'Track spending, budgets and savings goals in Notion, with monthly roll-ups.',
$d$Log an expense in two taps from your phone and see where the month went. The tracker rolls up spending by category, compares it with your budget and tracks savings goals like an emergency fund or a trip.

Includes a CSV of sample data, so you can see it working before you enter your own.$d$,
 34900, 'published', 'spreadsheets-notion', '{notion,budget,personal-finance}', 'editor@souk.test', NULL, 1422, '2026-02-02 09:00:00+05:30'),
('monthly-budget-planner', 'Monthly Budget Planner Spreadsheet',
 'A simple planned-versus-actual budget for Google Sheets and Excel.',
$d$One sheet per month, planned versus actual for every category, and a yearly summary that fills itself in.

**Version 2:** adds notes per category, a SIP line and a gifts budget.$d$,
 19900, 'published', 'spreadsheets-notion', '{budget,spreadsheet,google-sheets,excel}', 'editor@souk.test', NULL, 2045, '2025-12-28 09:00:00+05:30'),
('creator-content-calendar', 'Content Calendar for Creators (Notion)',
 'Plan posts, newsletters and videos across channels in one Notion board.',
$d$One database for every piece of content: idea, draft, scheduled, published. Views by channel, by week and by status, plus a template for repurposing one idea into five posts.$d$,
 29900, 'published', 'spreadsheets-notion', '{notion,content-calendar,social-media}', 'editor@souk.test', NULL, 811, '2026-05-30 09:00:00+05:30'),
('freelancer-crm-tracker', 'Freelancer CRM & Invoice Tracker',
 'Leads, projects, invoices and payments for freelancers, in one spreadsheet.',
$d$Track a client from first enquiry to final payment: leads pipeline, project status, invoices with GST, and a dashboard of what is overdue.

Google Sheets and Excel.$d$,
 49900, 'published', 'spreadsheets-notion', '{crm,freelancing,spreadsheet}', 'editor@souk.test', NULL, 377, '2026-07-09 09:00:00+05:30'),
('notion-habit-tracker', 'Habit Tracker & Weekly Review (Notion)',
 'A free Notion habit tracker with a guided Sunday review.',
$d$Tick off habits daily and reflect weekly. Streaks, a monthly heat-map view and a short weekly review template.

Free: claim it and duplicate it into your workspace.$d$,
 0, 'published', 'spreadsheets-notion', '{notion,habits,productivity,free}', 'editor@souk.test', NULL, 4210, '2026-03-01 09:00:00+05:30'),
('sip-goal-calculator', 'SIP & Goal Investment Calculator',
 'Work out the monthly SIP you need for a goal, with inflation and step-ups.',
$d$Enter the goal, the year and the expected return; the sheet shows the monthly SIP you need, with an annual step-up and inflation adjustment, and charts the corpus year by year.

Educational tool, not investment advice.$d$,
 29900, 'published', 'spreadsheets-notion', '{investing,sip,calculator,spreadsheet}', 'editor@souk.test', NULL, 699, '2026-08-25 09:00:00+05:30'),
------------------------------------------------------------------------ Photography & LUTs
('warm-film-luts', 'Warm Film LUTs for Video',
 'Twelve warm, filmic LUTs for Resolve, Premiere and Final Cut.',
$d$Give phone and mirrorless footage the warmth of film stock without crushing skin tones. Twelve .cube LUTs designed for Rec.709 footage, tested on Indian skin tones in daylight and tungsten.

Works in DaVinci Resolve, Premiere Pro, Final Cut Pro and LumaFusion.$d$,
 99900, 'published', 'photography-luts', '{luts,color-grading,video,film}', 'editor@souk.test', NULL, 523, '2026-01-30 10:00:00+05:30'),
('teal-orange-cinematic-luts', 'Cinematic Teal & Orange LUT Pack',
 'The blockbuster look, dialled back so it still looks natural.',
$d$Eight variations of the classic teal-and-orange grade, from subtle to bold, each with a skin-protect version.

.cube format, 33-point.$d$,
 119900, 'published', 'photography-luts', '{luts,cinematic,color-grading}', 'editor@souk.test', NULL, 318, '2026-06-16 10:00:00+05:30'),
('wedding-lightroom-presets', 'Wedding Lightroom Presets',
 'Twenty presets for Indian weddings: haldi yellows, mehendi greens and night receptions.',
$d$Wedding light changes every hour. These presets were built on real Indian weddings: bright haldi mornings, shaded mehendi afternoons, stage lighting at night.

XMP presets for Lightroom Classic, Lightroom (mobile and desktop) and Camera Raw.$d$,
 149900, 'published', 'photography-luts', '{lightroom,presets,wedding,photography}', 'editor@souk.test', NULL, 740, '2026-04-08 10:00:00+05:30'),
('street-photography-india', 'Street Photography in Indian Cities',
 'An e-book on seeing, framing and asking: photographing people in busy streets.',
$d$Practical advice from ten years of photographing markets, trains and festivals: settings for harsh light, zone focusing, composition in crowds, and how to ask for (and respect) consent.

PDF, 96 pages, 120 photographs.$d$,
 44900, 'published', 'photography-luts', '{photography,street-photography,guide}', 'admin@souk.test', NULL, 205, '2026-11-02 10:00:00+05:30'),
('monsoon-stock-photos', 'Monsoon Stock Photo Bundle',
 'Fifty high-resolution monsoon photos from Mumbai, Kerala and Meghalaya.',
$d$Rain on windows, flooded streets, green hills and chai stalls: fifty photographs at up to 6000 px, cleared for commercial use (model releases included).$d$,
 179900, 'published', 'photography-luts', '{stock-photos,monsoon,india}', 'editor@souk.test', NULL, 88, '2026-08-18 10:00:00+05:30'),
('festive-phone-wallpapers', 'Festive Phone Wallpapers',
 'Free phone wallpapers for Diwali, Holi and Onam.',
$d$Twenty-four wallpapers sized for modern phones, in light and dark versions. Free to claim.$d$,
 0, 'published', 'photography-luts', '{wallpapers,diwali,free}', 'editor@souk.test', NULL, 5120, '2026-10-15 10:00:00+05:30')
  ) AS v (slug, title, summary, description, price_paise, status, category_slug, tags,
          author_email, download_limit, sales_count, published_at)
  JOIN categories c ON c.slug = v.category_slug
  JOIN users u ON u.email = v.author_email
ON CONFLICT (slug) DO UPDATE SET
    title = EXCLUDED.title, summary = EXCLUDED.summary, description = EXCLUDED.description,
    price_paise = EXCLUDED.price_paise, status = EXCLUDED.status,
    category_id = EXCLUDED.category_id, tags = EXCLUDED.tags,
    download_limit = EXCLUDED.download_limit, sales_count = EXCLUDED.sales_count,
    published_at = EXCLUDED.published_at, version = products.version + 1
WHERE (products.title, products.summary, products.description, products.price_paise,
       products.status, products.category_id, products.tags, products.download_limit,
       products.sales_count, products.published_at)
      IS DISTINCT FROM
      (EXCLUDED.title, EXCLUDED.summary, EXCLUDED.description, EXCLUDED.price_paise,
       EXCLUDED.status, EXCLUDED.category_id, EXCLUDED.tags, EXCLUDED.download_limit,
       EXCLUDED.sales_count, EXCLUDED.published_at);
