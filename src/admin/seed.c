/* seed.c - the demo data loader; see include/souk/admin.h. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "souk/admin.h"
#include "souk/arena.h"
#include "souk/config.h"
#include "souk/db.h"
#include "souk/err.h"
#include "souk/fileutil.h"
#include "souk/str.h"

static const char SQL_COUNTS[] =
    "SELECT (SELECT count(*) FROM users), (SELECT count(*) FROM products),"
    " (SELECT count(*) FROM categories), (SELECT count(*) FROM product_files),"
    " (SELECT count(*) FROM orders), (SELECT count(*) FROM blog_posts),"
    " (SELECT count(*) FROM team_members), (SELECT count(*) FROM cms_pages)";

static int seed_sql(struct db *db, struct arena *a, const char *dir, FILE *msg)
{
	char **names = NULL;
	size_t n = 0;
	int rc = file_list_sql(a, dir, &names, &n);

	if (rc != SOUK_OK) {
		fprintf(msg, "souk-admin: cannot read seed files in %s: %s\n", dir,
			strerror(errno));
		return rc;
	}
	rc = db_begin(db, a);
	for (size_t i = 0; rc == SOUK_OK && i < n; i++) {
		char *path = arena_printf(a, "%s/%s", dir, names[i]), *sql;
		size_t len;

		rc = file_read_all(a, path, 16 * 1024 * 1024, &sql, &len);
		if (rc != SOUK_OK) {
			fprintf(msg, "souk-admin: cannot read %s\n", path);
			break;
		}
		rc = db_exec_sql(db, a, sql, 0, NULL, NULL);
		if (rc != SOUK_OK)
			fprintf(msg, "souk-admin: seed %s failed, nothing was loaded:\n  %s\n",
				names[i], db->message);
	}
	if (rc == SOUK_OK)
		rc = db_commit(db, a);
	if (rc != SOUK_OK)
		db_rollback(db, a);
	return rc;
}

/* A storage key is relative, without "..", "//" or control characters. */
static int seed_key_safe(const char *key)
{
	if (*key == '\0' || *key == '/' || strstr(key, "..") != NULL || strstr(key, "//") != NULL)
		return 0;
	for (const char *c = key; *c; c++)
		if ((unsigned char)*c < 0x20)
			return 0;
	return 1;
}

/* Copies seed/files/<source> to <storage>/<key> for each manifest line, unless
 * the destination already has the same size. */
static int seed_files(struct arena *a, const struct souk_config *cfg, FILE *msg)
{
	char *manifest, *line, *save = NULL;
	size_t len;
	int copied = 0, kept = 0, lineno = 0;
	char *path = arena_printf(a, "%s/files.tsv", cfg->seed_dir);
	int rc = file_read_all(a, path, 4 * 1024 * 1024, &manifest, &len);

	if (rc == SOUK_ENOTFOUND)
		return SOUK_OK;
	if (rc != SOUK_OK) {
		fprintf(msg, "souk-admin: cannot read %s\n", path);
		return rc;
	}
	for (line = strtok_r(manifest, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *tab = strchr(line, '\t'), *src, *dst;
		struct stat s_src, s_dst;

		lineno++;
		if (*line == '#' || *line == '\0')
			continue;
		if (tab != NULL)
			*tab = '\0';
		if (tab == NULL || !seed_key_safe(line) || !seed_key_safe(tab + 1)) {
			fprintf(msg,
				"souk-admin: %s:%d: expected storage_key<TAB>file, both relative "
				"paths without \"..\"\n",
				path, lineno);
			return SOUK_EINVALID;
		}
		src = arena_printf(a, "%s/files/%s", cfg->seed_dir, tab + 1);
		dst = arena_printf(a, "%s/%s", cfg->storage_dir, line);
		if (stat(src, &s_src) != 0) {
			fprintf(msg, "souk-admin: %s:%d: %s is missing\n", path, lineno, src);
			return SOUK_EIO;
		}
		if (stat(dst, &s_dst) == 0 && s_dst.st_size == s_src.st_size) {
			kept++;
			continue;
		}
		if (file_copy_atomic(src, dst) != SOUK_OK) {
			fprintf(msg, "souk-admin: cannot copy %s to %s: %s\n", src, dst,
				strerror(errno));
			return SOUK_EIO;
		}
		copied++;
	}
	fprintf(msg, "seed files: %d copied, %d already in %s\n", copied, kept, cfg->storage_dir);
	return SOUK_OK;
}

/*
 * seed --bulk N: N generated products across the seed categories, for
 * measuring search and lists at size. One INSERT ... SELECT: every value is a
 * pure function of the product's number i (hashint8extended(i, k) as the
 * k-th random number), so a re-run with the same N adds nothing and a larger
 * N adds only the missing numbers (slugs bulk-<i>-...). About 3 % drafts and
 * 2 % archived; 8 % free, the other prices 49 to 9,999 INR skewed low; sales
 * skewed (a few thousand for the best sellers, most under 100); published
 * over the last three years. Titles, summaries and descriptions come from
 * word lists: common words ("template", "notion", "budget", "figma",
 * "lightroom presets"), 2,000 made-up brand names (each in ~20 titles) and
 * rare place and craft words in ~12 % of descriptions.
 */
static const char SQL_BULK[] =
    "WITH w AS (\n"
    "  SELECT\n"
    "  "
    "'{Aurora,Bazaar,Chai,Kesar,Nimbus,Orbit,Pixel,Quartz,Rangoli,Saffron,Tide,Vista,Zen,Lotus,"
    "Indigo,Mango,Peacock,Banyan,Cedar,Comet,Ember,Fable,Grove,Harbor,Iris,Jade,Kite,Lumen,Maple,"
    "Nova,Onyx,Prism,Quill,Raven,Sage,Tulsi,Umber,Vela,Willow,Yatra,Zephyr,Atlas,Beacon,Canvas,"
    "Drift,Echo,Flux,Glow,Halo,Ink}'::text[] AS brands,\n"
    "  '{Ka,Zo,Mi,Ra,Vel,Tor,Quin,Lu,Sa,Dra,No,Pe,Xi,Bre,Fa,Go,Ha,Ju,Ori,Ty}'::text[] AS syl1,\n"
    "  '{va,ri,len,mo,za,the,ko,ssa,bi,nu}'::text[] AS syl2,\n"
    "  '{ra,x,n,lo,tis,va,ne,do,ka,m}'::text[] AS syl3,\n"
    "  "
    "'{Minimal,Modern,Bold,Clean,Retro,Vintage,Elegant,Playful,Dark,Pastel,Neon,Cinematic,Warm,"
    "Moody,Ultimate,Complete,Essential,Pro,Simple,Premium,Creative,Professional,Handcrafted,"
    "Aesthetic,Smart,Compact,Vibrant,Classic,Sleek,Cozy}'::text[] AS adjs,\n"
    "  '{Wedding,Travel,Budget,Fitness,Finance,Marketing,SaaS,E-commerce,Restaurant,\"Real "
    "Estate\",Podcast,YouTube,Instagram,LinkedIn,Newsletter,Startup,Student,Freelance,Agency,"
    "Portfolio,Blog,Recipe,Yoga,Meditation,Study,Exam,Productivity,Habit,Goal,Content,\"Social "
    "Media\",Branding,Diwali,Holi,Monsoon,Festival,Photography,Portrait,Landscape,Street,Food,"
    "Fashion,Beauty,Kids,Parenting,\"Home "
    "Decor\",Architecture,Interior,Music,Gaming,Crypto,Investing,Tax,Invoice,Sales,CRM,Event,"
    "Conference,Nonprofit,Healthcare,Education,Legal,HR,Hiring,\"Remote Work\"}'::text[] AS "
    "topics,\n"
    "  '{Freelancers,Startups,Students,\"Small "
    "Businesses\",Agencies,Creators,Photographers,Developers,Designers,Teachers,Coaches,"
    "Restaurants,\"Real Estate "
    "Agents\",Nonprofits,Podcasters,YouTubers,Writers,Musicians,Consultants,Founders}'::text[] AS "
    "audiences,\n"
    "  '{\"auto layout\",\"dark mode\",\"light and dark themes\",\"responsive layouts\",\"editable "
    "text\",\"colour styles\",\"smart objects\",\"GST-ready invoices\",\"UPI payment "
    "screens\",\"formulas that update themselves\",\"pivot tables\",\"conditional "
    "formatting\",\"Notion databases\",\"linked views\",\"a monthly dashboard\",\"one-click "
    "install\",\"lifetime updates\",\"a commercial licence\",\"a video walkthrough\",\"print-ready "
    "PDFs\",\"vector files\",\"layered PSDs\",\"SVG and PNG exports\",\"Lightroom Classic and "
    "mobile support\",\"before and after previews\",\"skin-tone friendly colour\",\"TypeScript "
    "types\",\"unit tests\",\"a Docker setup\",\"a CI pipeline\",\"API documentation\",\"keyboard "
    "shortcuts\",\"accessibility checks\",\"Hindi and English copy\",\"Devanagari "
    "support\",\"dozens of icons\",\"master slides\",\"animated transitions\",\"speaker "
    "notes\",\"charts and graphs\"}'::text[] AS features,\n"
    "  '{Figma,Sketch,\"Adobe XD\",Canva,Framer,Webflow,Notion,\"Google "
    "Sheets\",Excel,Airtable,Lightroom,Photoshop,\"Premiere Pro\",\"DaVinci Resolve\",\"Final Cut "
    "Pro\",Keynote,PowerPoint,\"Google Slides\",React,Next.js,Vue,Svelte,\"Tailwind "
    "CSS\",Bootstrap,Python,Node.js,Django,Flask,Go,Rust,PostgreSQL,Procreate,Illustrator,\"After "
    "Effects\",\"Capture One\",\"Affinity Designer\",WordPress,Shopify}'::text[] AS tools,\n"
    "  "
    "'{axolotl,quetzal,obsidian,tamarind,vermilion,marigold,jacaranda,sitar,tabla,origami,bonsai,"
    "haiku,tanpura,kolam,madhubani,warli,pashmina,chikankari,ikat,bandhani,kalamkari,phulkari,gond,"
    "pattachitra,terracotta,sandalwood,cardamom,turmeric,monstera,ficus,nebula,aurora-borealis,"
    "fjord,glacier,savanna,tundra,archipelago,lagoon,mangrove,sundarbans,himalaya,ladakh,kutch,"
    "konkan,malabar,hampi,khajuraho,ajanta,ellora,konark,meenakshi,charminar,gateway,marine,"
    "banarasi,kanjivaram,paithani,chanderi,maheshwari,tussar,mysore,coorg,munnar,darjeeling,"
    "shillong,ziro,spiti,rann,thar,deccan,vindhya,narmada,kaveri,godavari,brahmaputra,yamuna,ganga,"
    "sabarmati,chilika,loktak,dal,pangong,gulmarg,auli,kasol,gokarna,varkala,pondicherry,"
    "tranquebar,chettinad,bastar,kinnaur,lahaul,tawang,majuli,kaziranga,sunderban,periyar,bandipur,"
    "kanha}'::text[] AS rares,\n"
    "  ARRAY[\n"
    "   'Built for {audience}, it takes the busywork out of {topic} so you can focus on the work "
    "that matters.',\n"
    "   'Every {noun} in the pack works in {tool} and comes with {feature}.',\n"
    "   'You get {n} ready-made layouts, {feature} and {feature2}.',\n"
    "   'Swap the colours, change the copy and you are done in an afternoon.',\n"
    "   'We tested it with {audience} across India before release, and fixed everything they "
    "tripped over.',\n"
    "   'Works with {tool} and {tool2}; a quick-start guide walks you through the first ten "
    "minutes.',\n"
    "   'Includes {feature}, {feature2} and free updates for a year.',\n"
    "   'The {topic} edition adds {n} extra pages designed around real projects.',\n"
    "   'It is the {noun} we wished we had when we started: small, fast and easy to change.',\n"
    "   'Everything is organised in clearly named folders, so nothing gets lost.',\n"
    "   'A one-time purchase: no subscription, no account, no watermark.',\n"
    "   'Prices in the examples are in rupees and every template follows Indian date and number "
    "formats.',\n"
    "   'If something does not work the way you expect, write to us and we reply within a day.',\n"
    "   'Designed on an 8 point grid with consistent spacing and type scales.',\n"
    "   'The licence covers personal and client projects; reselling the files is not allowed.',\n"
    "   'Pairs well with our other {topic} products, but works perfectly on its own.',\n"
    "   'Comes with a printable checklist and a short video tour.',\n"
    "   'Loved by more than {n} {audience} who use it every week.',\n"
    "   'Made with care in Bengaluru, Pune and Kochi.',\n"
    "   'Version 2 brings {feature} and a cleaner structure.'\n"
    "  ] AS sentences,\n"
    "  ARRAY[\n"
    "   'Inspired by {rare}, the palette is calm and warm.',\n"
    "   'The {rare} collection is our most requested edition.',\n"
    "   'Named after {rare}, where the first version was sketched.'\n"
    "  ] AS rare_sentences\n"
    "),\n"
    "c AS (\n"
    "  SELECT k, cat.id, v.nouns, v.tags, v.extra\n"
    "    FROM (VALUES\n"
    "      (0, 'ui-kits-templates',\n"
    "       '{\"UI Kit\",\"Landing Page Template\",\"Dashboard Template\",\"Website "
    "Template\",\"Figma Kit\",\"Wireframe Kit\",\"Email Template\",\"Portfolio Template\",\"Design "
    "System\",\"Mobile App UI Kit\",\"Admin Template\",\"Component Library\"}'::text[],\n"
    "       "
    "'{figma,ui-kit,landing-page,dashboard,website-template,html,tailwind,react,wireframe,design-"
    "system,mobile,ecommerce,saas,portfolio,email-template,admin,webflow,framer}'::text[],\n"
    "       'Components use variants and auto layout, and the whole kit is driven by a small set "
    "of design tokens.'),\n"
    "      (1, 'ebooks',\n"
    "       '{Guide,Handbook,Playbook,Workbook,E-book,\"Field Guide\",Cookbook,Primer,\"Course "
    "Notes\",Checklist,Masterclass}'::text[],\n"
    "       "
    "'{ebook,guide,business,marketing,freelancing,productivity,personal-finance,cooking,fitness,"
    "writing,career,self-help,programming,investing,parenting,travel,pdf,workbook}'::text[],\n"
    "       'Available as PDF and EPUB, with worksheets you can print or fill in on a tablet.'),\n"
    "      (2, 'code-scripts',\n"
    "       '{\"Starter Kit\",Boilerplate,\"Script Pack\",\"API Client\",\"CLI "
    "Tool\",Plugin,Bot,Library,\"Snippet Collection\",\"Automation "
    "Scripts\",Theme,Extension}'::text[],\n"
    "       "
    "'{python,javascript,nodejs,react,django,nextjs,automation,api,bot,cli,boilerplate,starter-kit,"
    "wordpress,shopify,devops,bash,typescript,scraping}'::text[],\n"
    "       'The source is fully commented, tested, and released under a licence that lets you "
    "ship it in client work.'),\n"
    "      (3, 'design-assets',\n"
    "       '{\"Icon Set\",Font,\"Illustration Pack\",\"Pattern Pack\",\"Mockup Bundle\",\"Texture "
    "Pack\",\"Brush Set\",\"3D Icon Pack\",\"Sticker Pack\",\"Logo Templates\",\"Vector "
    "Graphics\",Backgrounds}'::text[],\n"
    "       "
    "'{icons,fonts,illustrations,patterns,mockups,textures,brushes,procreate,svg,vector,3d,"
    "stickers,logo,branding,typography,backgrounds,hand-drawn,psd}'::text[],\n"
    "       'Every asset is vector-based and scales cleanly from a favicon to a billboard.'),\n"
    "      (4, 'presentations',\n"
    "       '{\"Pitch Deck Template\",\"Keynote Template\",\"PowerPoint Template\",\"Google Slides "
    "Theme\",\"Webinar Deck\",\"Report Template\",\"Infographic Set\",\"Presentation "
    "Template\",\"Sales Deck\",\"Proposal Deck\"}'::text[],\n"
    "       "
    "'{pitch-deck,keynote,powerpoint,google-slides,presentation,startup,investors,infographics,"
    "report,webinar,sales,proposal,corporate,education,slides,charts,conference,business-plan}'::"
    "text[],\n"
    "       'Slides are built on master layouts, so changing a font or colour updates the entire "
    "deck.'),\n"
    "      (5, 'spreadsheets-notion',\n"
    "       '{\"Notion Template\",\"Budget Spreadsheet\",Tracker,Planner,\"Excel "
    "Dashboard\",\"Google Sheets Template\",\"Notion Dashboard\",\"CRM Template\",\"Habit "
    "Tracker\",\"Content Calendar\",\"Expense Tracker\",\"Project Planner\"}'::text[],\n"
    "       "
    "'{notion,budget,spreadsheet,google-sheets,excel,tracker,planner,crm,habits,content-calendar,"
    "personal-finance,project-management,expenses,invoices,goals,student,second-brain,okr}'::text[]"
    ",\n"
    "       'Duplicate it into your workspace and the formulas, rollups and views keep working on "
    "their own.'),\n"
    "      (6, 'photography-luts',\n"
    "       '{\"Lightroom Presets\",\"LUT Pack\",\"Photoshop Actions\",\"Overlay Pack\",\"Capture "
    "One Styles\",\"Video LUTs\",\"Mobile Presets\",\"Film Emulation Presets\",\"Colour Grading "
    "Pack\",\"Photo Filters\"}'::text[],\n"
    "       "
    "'{lightroom,presets,luts,photoshop,color-grading,video,film,photography,mobile-presets,"
    "overlays,wedding,portrait,travel-photography,cinematic,moody,street-photography,food-"
    "photography,capture-one}'::text[],\n"
    "       'Each preset was tuned on hundreds of photos shot in Indian light, from harsh noon sun "
    "to monsoon grey.')\n"
    "    ) AS v (k, slug, nouns, tags, extra)\n"
    "    JOIN categories cat ON cat.slug = v.slug\n"
    "),\n"
    "g AS MATERIALIZED (\n"
    "  SELECT i, (SELECT array_agg((hashint8extended(i, s) & 4503599627370495)::float8 / "
    "4503599627370496.0 ORDER BY s)\n"
    "               FROM generate_series(1, 32) s) AS r\n"
    "    FROM (SELECT generate_series(1, $1::int) EXCEPT\n"
    "          SELECT split_part(slug, '-', 2)::int FROM products WHERE slug ~ '^bulk-[0-9]+-') AS "
    "todo (i)\n"
    "),\n"
    "pick AS (\n"
    "  SELECT g.i, g.r, c.id AS category_id, c.nouns, c.tags AS ctags, c.extra,\n"
    "         c.nouns[1 + floor(g.r[2] * cardinality(c.nouns))::int] AS noun,\n"
    "         w.adjs[1 + floor(g.r[3] * cardinality(w.adjs))::int] AS adj,\n"
    "         w.topics[1 + floor(g.r[4] * cardinality(w.topics))::int] AS topic,\n"
    "         w.audiences[1 + floor(g.r[5] * cardinality(w.audiences))::int] AS audience,\n"
    "         CASE WHEN g.r[6] < 0.45\n"
    "              THEN w.syl1[1 + floor(g.r[7] * 20)::int] || w.syl2[1 + floor(g.r[8] * 10)::int] "
    "|| w.syl3[1 + floor(g.r[9] * 10)::int]\n"
    "              ELSE w.brands[1 + floor(g.r[7] * cardinality(w.brands))::int] END AS brand,\n"
    "         w.features[1 + floor(g.r[10] * cardinality(w.features))::int] AS feature,\n"
    "         w.features[1 + floor(g.r[11] * cardinality(w.features))::int] AS feature2,\n"
    "         w.tools[1 + floor(g.r[12] * cardinality(w.tools))::int] AS tool,\n"
    "         w.tools[1 + floor(g.r[13] * cardinality(w.tools))::int] AS tool2,\n"
    "         w.rares[1 + floor(g.r[14] * cardinality(w.rares))::int] AS rare,\n"
    "         w.sentences, w.rare_sentences\n"
    "    FROM g CROSS JOIN w\n"
    "    JOIN c ON c.k = ('{0,0,0,1,1,2,2,3,3,4,5,5,5,5,6,6}'::int[])[1 + floor(g.r[1] * "
    "16)::int]\n"
    "),\n"
    "t AS (\n"
    "  SELECT pick.*,\n"
    "         CASE floor(r[15] * 5)::int\n"
    "           WHEN 0 THEN brand || ': ' || adj || ' ' || topic || ' ' || noun\n"
    "           WHEN 1 THEN adj || ' ' || noun || ' for ' || audience\n"
    "           WHEN 2 THEN 'The ' || adj || ' ' || topic || ' ' || noun\n"
    "           WHEN 3 THEN brand || ' ' || noun || ' (' || topic || ' Edition)'\n"
    "           ELSE brand || ': ' || topic || ' ' || noun || ' for ' || audience END AS title,\n"
    "         (SELECT string_agg(replace(replace(replace(replace(replace(replace(replace(replace(\n"
    "                   sentences[1 + (floor(r[16] * 20)::int + k * ('{1,3,7,9,11,13}'::int[])[1 + "
    "floor(r[17] * 6)::int]) % 20],\n"
    "                   '{audience}', lower(audience)), '{topic}', lower(topic)), '{noun}', "
    "lower(noun)),\n"
    "                   '{tool2}', tool2), '{tool}', tool), '{feature2}', feature2), '{feature}', "
    "feature),\n"
    "                   '{n}', (12 + floor(r[18] * 140)::int)::text), ' ' ORDER BY k)\n"
    "            FROM generate_series(0, 2 + floor(r[25] * 5)::int) k) AS body\n"
    "    FROM pick\n"
    ")\n"
    "INSERT INTO products (slug, title, summary, description, price_paise, currency, tax_rate_bp,\n"
    "                      status, category_id, tags, author_id, sales_count, published_at,\n"
    "                      created_at, updated_at)\n"
    "SELECT 'bulk-' || i || '-' || trim(BOTH '-' FROM regexp_replace(lower(title), '[^a-z0-9]+', "
    "'-', 'g')),\n"
    "       title,\n"
    "       adj || ' ' || lower(noun) || ' for ' || lower(audience) || ', with ' || feature || ' "
    "and ' || feature2 || '.',\n"
    "       body || E'\\n\\n' || extra\n"
    "         || CASE WHEN r[20] < 0.12 THEN ' ' || replace(rare_sentences[1 + floor(r[31] * "
    "3)::int], '{rare}', initcap(rare)) ELSE '' END\n"
    "         || E'\\n\\n' || 'Works with ' || tool || '. Includes ' || feature2 || '.',\n"
    "       CASE WHEN r[22] < 0.08 THEN 0\n"
    "            ELSE 100 * "
    "('{49,99,149,199,249,299,349,399,499,599,699,799,999,1299,1499,1999,2499,2999,3999,4999,5999,"
    "7499,9999}'::int[])[1 + floor(power(r[23], 1.7) * 23)::int] END,\n"
    "       'INR', 1800,\n"
    "       CASE WHEN r[24] < 0.03 THEN 'draft' WHEN r[24] < 0.05 THEN 'archived' ELSE 'published' "
    "END,\n"
    "       category_id,\n"
    "       ARRAY(SELECT DISTINCT x FROM unnest(ARRAY[\n"
    "               ctags[1 + floor(power(r[2], 2) * 18)::int],\n"
    "               ctags[1 + (floor(power(r[2], 2) * 18)::int + 1 + floor(r[26] * 17)::int) % "
    "18],\n"
    "               CASE WHEN r[27] < 0.6 THEN ctags[1 + floor(r[28] * 18)::int] END,\n"
    "               CASE WHEN r[29] < 0.75 THEN "
    "('{bestseller,new,minimal,dark-mode,india,beginner,advanced,bundle,editable,commercial-use,"
    "lifetime-updates,printable,instant-download,hindi,retro,modern,pastel,colorful,clean,elegant,"
    "festive,diwali,monsoon,small-business}'::text[])[1 + floor(power(r[30], 1.5) * 24)::int] "
    "END,\n"
    "               CASE WHEN r[22] < 0.08 THEN 'free' END]) AS x WHERE x IS NOT NULL),\n"
    "       (SELECT id FROM users WHERE email = 'editor@souk.test'),\n"
    "       CASE WHEN r[22] < 0.08 THEN floor(exp(r[18] * 9))::bigint ELSE floor(exp(power(r[19], "
    "1.5) * 8.5))::bigint - 1 END,\n"
    "       CASE WHEN r[24] < 0.03 THEN NULL ELSE date_trunc('second', now()) - make_interval(secs "
    "=> floor(r[21] * 94608000)) END,\n"
    "       date_trunc('second', now()) - make_interval(secs => floor(r[21] * 94608000) + 86400 * "
    "3),\n"
    "       date_trunc('second', now()) - make_interval(secs => floor(r[21] * 94608000))\n"
    "  FROM t\n"
    "ON CONFLICT (slug) DO NOTHING\n";

int admin_seed(struct db *db, const struct souk_config *cfg, FILE *msg)
{
	struct arena a;
	PGresult *counts = NULL;
	int rc;

	if (strcmp(cfg->env, "production") == 0) {
		fprintf(msg, "souk-admin: seed loads demo accounts with known passwords; "
			     "refusing to run with SOUK_ENV=production\n");
		return SOUK_EFORBIDDEN;
	}
	arena_init(&a, 64 * 1024);
	rc = seed_sql(db, &a, cfg->seed_dir, msg);
	if (rc == SOUK_OK)
		rc = seed_files(&a, cfg, msg);
	if (rc == SOUK_OK && db_exec_sql(db, &a, SQL_COUNTS, 0, NULL, &counts) == SOUK_OK)
		fprintf(
		    msg,
		    "seed: %s users, %s products in %s categories, %s product files, %s orders, "
		    "%s blog posts, %s team members, %s CMS pages\n",
		    PQgetvalue(counts, 0, 0), PQgetvalue(counts, 0, 1), PQgetvalue(counts, 0, 2),
		    PQgetvalue(counts, 0, 3), PQgetvalue(counts, 0, 4), PQgetvalue(counts, 0, 5),
		    PQgetvalue(counts, 0, 6), PQgetvalue(counts, 0, 7));
	arena_destroy(&a);
	return rc;
}

int admin_seed_bulk(struct db *db, const struct souk_config *cfg, long n, FILE *msg)
{
	struct arena a;
	PGresult *r = NULL;
	char count[32];
	const char *params[1] = {count};
	long long started = clock_monotonic_us();
	int rc;

	if (strcmp(cfg->env, "production") == 0) {
		fprintf(msg, "souk-admin: seed --bulk adds demo products; "
			     "refusing to run with SOUK_ENV=production\n");
		return SOUK_EFORBIDDEN;
	}
	arena_init(&a, 64 * 1024);
	snprintf(count, sizeof(count), "%ld", n);
	rc = db_exec_sql(db, &a, SQL_BULK, 1, params, &r);
	if (rc != SOUK_OK) {
		fprintf(msg, "souk-admin: seed --bulk failed, nothing was added:\n  %s\n",
			db->message);
		goto out;
	}
	fprintf(msg, "seed --bulk: %s products added in %.1f s\n", PQcmdTuples(r),
		(double)(clock_monotonic_us() - started) / 1e6);
	/* fresh statistics for the planner, visibility maps for index-only scans,
	 * and no dead row versions left by the load (each product is written,
	 * then published: its documents are rebuilt) */
	rc = db_exec_sql(db, &a,
			 "VACUUM (ANALYZE) products, product_search, product_pages, search_lexicon",
			 0, NULL, NULL);
	if (rc != SOUK_OK) {
		fprintf(msg, "souk-admin: VACUUM ANALYZE failed: %s\n", db->message);
		goto out;
	}
	if (db_exec_sql(db, &a,
			"SELECT count(*) FILTER (WHERE slug LIKE 'bulk-%'),"
			" count(*) FILTER (WHERE status = 'published'), count(*),"
			" (SELECT count(*) FROM categories) FROM products",
			0, NULL, &r) == SOUK_OK)
		fprintf(msg, "seed --bulk: %s bulk products; %s of %s products published%s\n",
			PQgetvalue(r, 0, 0), PQgetvalue(r, 0, 1), PQgetvalue(r, 0, 2),
			strcmp(PQgetvalue(r, 0, 3), "0") == 0 ? " (no categories: run seed first)"
							      : "");
out:
	arena_destroy(&a);
	return rc;
}
