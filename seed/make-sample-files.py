#!/usr/bin/env python3
"""Regenerate the small demo files in seed/files/ (dev/demo data only).

The files are committed, so nobody needs to run this; it exists so that they can be
re-made and changed. Output is deterministic (fixed zip timestamps, no random data), so
re-running it leaves `git status` clean unless this script changed.
After changing a file, run seed/gen-files-manifest.sh to refresh sizes and SHA-256s.

Usage: python3 seed/make-sample-files.py      (standard library only)
"""
import os
import struct
import zipfile
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "files")
ZIP_TIME = (2026, 1, 1, 0, 0, 0)

LICENSE = """Souk Standard License (demo)

You may use this item in unlimited personal and commercial projects, for yourself or
for clients. You may modify it. You may not resell, share or redistribute the item
itself, modified or not, as a stand-alone file or as part of another template, kit or
asset pack.

One purchase covers one person. Teams need one license per seat.

This is demo content shipped with Souk's seed data. It is not legal advice.
"""


def write(name, data):
    if isinstance(data, str):
        data = data.encode("utf-8")
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(data)


# --- PDF --------------------------------------------------------------------------------

def pdf_escape(s):
    return s.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def make_pdf(pages, width=595, height=842, title="Souk demo"):
    """A real PDF 1.4: one Helvetica font, one text stream per page, correct xref."""
    objs = []  # 1-based object bodies

    def add(body):
        objs.append(body)
        return len(objs)

    catalog = add(None)
    pages_id = add(None)
    font = add(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
    bold = add(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>")
    kids = []
    for heading, lines in pages:
        ops = ["BT", "/F2 20 Tf", "56 %d Td" % (height - 80), "(%s) Tj" % pdf_escape(heading),
               "/F1 11 Tf", "16 TL", "0 -34 Td"]
        for line in lines:
            ops.append("(%s) '" % pdf_escape(line))
        ops.append("ET")
        stream = "\n".join(ops).encode("latin-1")
        content = add(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
        page = add(("<< /Type /Page /Parent %d 0 R /MediaBox [0 0 %d %d] "
                    "/Resources << /Font << /F1 %d 0 R /F2 %d 0 R >> >> /Contents %d 0 R >>"
                    % (pages_id, width, height, font, bold, content)).encode())
        kids.append(page)
    objs[catalog - 1] = b"<< /Type /Catalog /Pages %d 0 R >>" % pages_id
    objs[pages_id - 1] = ("<< /Type /Pages /Kids [%s] /Count %d >>"
                          % (" ".join("%d 0 R" % k for k in kids), len(kids))).encode()
    info = add(("<< /Title (%s) /Producer (Souk seed) >>" % pdf_escape(title)).encode())

    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for i, body in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    out += (b"trailer\n<< /Size %d /Root %d 0 R /Info %d 0 R >>\nstartxref\n%d\n%%%%EOF\n"
            % (len(objs) + 1, catalog, info, xref))
    return bytes(out)


# --- PNG --------------------------------------------------------------------------------

def png_chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def make_png(w, h, pixel):
    raw = bytearray()
    for y in range(h):
        raw.append(0)  # filter: none
        for x in range(w):
            raw += bytes(pixel(x, y))
    return (b"\x89PNG\r\n\x1a\n"
            + png_chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
            + png_chunk(b"IDAT", zlib.compress(bytes(raw), 9))
            + png_chunk(b"IEND", b""))


# --- ZIP --------------------------------------------------------------------------------

def make_zip(name, members):
    path = os.path.join(OUT, name)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for member, data in members:
            info = zipfile.ZipInfo(member, ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            z.writestr(info, data)


# --- LUT --------------------------------------------------------------------------------

def make_cube(title, size, fn):
    lines = ['TITLE "%s"' % title, "# Souk demo LUT (Adobe/Resolve .cube format)",
             "LUT_3D_SIZE %d" % size, "DOMAIN_MIN 0.0 0.0 0.0", "DOMAIN_MAX 1.0 1.0 1.0"]
    n = size - 1
    for b in range(size):          # red changes fastest, then green, then blue
        for g in range(size):
            for r in range(size):
                rr, gg, bb = fn(r / n, g / n, b / n)
                clamp = lambda v: min(1.0, max(0.0, v))
                lines.append("%.6f %.6f %.6f" % (clamp(rr), clamp(gg), clamp(bb)))
    return "\n".join(lines) + "\n"


def icon_svg(path_d, title):
    return ('<svg xmlns="http://www.w3.org/2000/svg" width="24" height="24" viewBox="0 0 24 24" '
            'fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" '
            'stroke-linejoin="round"><title>%s</title><path d="%s"/></svg>\n' % (title, path_d))


ICONS = {
    "cart": "M3 3h2l2.4 12.2a2 2 0 0 0 2 1.6h7.7a2 2 0 0 0 2-1.6L21 7H6",
    "download": "M12 3v12m0 0l-4-4m4 4l4-4M4 19h16",
    "heart": "M12 20s-7-4.4-7-10a4 4 0 0 1 7-2.6A4 4 0 0 1 19 10c0 5.6-7 10-7 10z",
    "search": "M11 18a7 7 0 1 0 0-14 7 7 0 0 0 0 14zm5-2l5 5",
    "star": "M12 3l2.7 5.6 6.1.9-4.4 4.3 1 6.1L12 17l-5.4 2.9 1-6.1L3.2 9.5l6.1-.9z",
    "user": "M12 12a4 4 0 1 0 0-8 4 4 0 0 0 0 8zm-7 9a7 7 0 0 1 14 0",
}


def main():
    os.makedirs(OUT, exist_ok=True)
    write("LICENSE.txt", LICENSE)

    write("ebook-sample.pdf", make_pdf([
        ("Sell What You Know", [
            "A field guide to selling digital products from India.",
            "",
            "Chapter 1 - Start with one small, useful thing",
            "",
            "Most first products fail because they try to be everything. Pick one",
            "problem your audience already pays to solve, and solve it in a file",
            "they can download tonight: a template, a checklist, a short guide.",
            "",
            "Price it so the decision is easy. Rs 299-999 is an impulse buy for a",
            "working professional; a bundle can come later.",
        ]),
        ("Chapter 2 - GST in one page", [
            "Digital goods sold to Indian buyers attract 18% GST (OIDAR services).",
            "Inside your own state you charge CGST 9% + SGST 9%; to another state,",
            "IGST 18%. Number your invoices consecutively per financial year",
            "(April to March), e.g. SOUK/2026-27/000123.",
            "",
            "This is a sample chapter shipped with Souk's demo data.",
        ]),
    ], title="Sell What You Know - sample"))

    # first edition of the same e-book: product_files version 1 of the "PDF edition" label
    write("ebook-sample-v1.pdf", make_pdf([
        ("Sell What You Know", [
            "A field guide to selling digital products.",
            "",
            "Chapter 1 - Start with one small, useful thing",
            "",
            "Pick one problem your audience already pays to solve, and solve it",
            "in a file they can download tonight.",
            "",
            "First edition. The second edition adds a chapter on GST.",
        ]),
    ], title="Sell What You Know - sample (1st edition)"))

    write("type-specimen.pdf", make_pdf([
        ("Akshar Display - specimen", [
            "ABCDEFGHIJKLMNOPQRSTUVWXYZ",
            "abcdefghijklmnopqrstuvwxyz  0123456789",
            "Weights: Light 300, Regular 400, Semibold 600, Bold 700, Black 900",
            "Scripts: Latin, Devanagari (Hindi, Marathi, Nepali)",
            "",
            "The quick brown fox jumps over the lazy dog.",
        ]),
    ], width=842, height=595, title="Akshar Display specimen"))

    write("quick-start-guide.pdf", make_pdf([
        ("Quick start", [
            "1. Unzip the download into a new folder.",
            "2. Open README.md and follow the steps for your tool.",
            "3. Read LICENSE.txt: one purchase, unlimited projects, no resale.",
            "",
            "Questions? Use the contact form on the shop; we answer within a day.",
        ]),
    ], title="Quick start"))

    write("slides-handout.pdf", make_pdf([
        ("Pitch Deck - slide outline", [
            "1. Title    2. Problem    3. Solution    4. Market size",
            "5. Product  6. Traction   7. Business model  8. Competition",
            "9. Team     10. Financials 11. The ask   12. Thank you",
        ]),
        ("Design notes", [
            "16:9, 1920x1080. Headings: Inter Bold 48 pt. Body: Inter 20 pt.",
            "Colour tokens: ink #14213D, accent #FCA311, paper #F5F5F5.",
        ]),
    ], width=842, height=595, title="Pitch deck handout"))

    write("preview.png", make_png(64, 40, lambda x, y: (20 + 3 * x, 33 + 4 * y, 61 + 2 * (x ^ y) % 190)))
    write("swatch.png", make_png(32, 32, lambda x, y: (252, 163, 17) if (x // 8 + y // 8) % 2 else (20, 33, 61)))

    write("logo-mark.svg",
          '<svg xmlns="http://www.w3.org/2000/svg" width="120" height="120" viewBox="0 0 120 120">'
          '<title>Souk mark</title><rect width="120" height="120" rx="24" fill="#14213D"/>'
          '<path d="M32 44h56l-6 40H38z" fill="#FCA311"/>'
          '<path d="M46 44a14 14 0 0 1 28 0" fill="none" stroke="#F5F5F5" stroke-width="6"/></svg>\n')
    write("pattern.svg",
          '<svg xmlns="http://www.w3.org/2000/svg" width="80" height="80" viewBox="0 0 80 80">'
          '<title>Jaali pattern tile</title><rect width="80" height="80" fill="#F5F5F5"/>'
          '<g fill="none" stroke="#14213D" stroke-width="2"><circle cx="40" cy="40" r="28"/>'
          '<circle cx="0" cy="0" r="28"/><circle cx="80" cy="0" r="28"/><circle cx="0" cy="80" r="28"/>'
          '<circle cx="80" cy="80" r="28"/></g></svg>\n')

    write("monthly-budget.csv",
          "category,planned_inr,actual_inr,notes\n"
          "Rent,25000,25000,\nGroceries,9000,8640,\nUtilities,3500,3810,summer AC\n"
          "Transport,4000,3275,metro + cabs\nEating out,3000,4120,\nSubscriptions,1200,1199,\n"
          "SIP (index fund),15000,15000,auto-debit 5th\nEmergency fund,5000,5000,\n"
          "Gifts,2000,0,\nMisc,2500,1930,\n")
    write("monthly-budget-v1.csv",
          "category,planned_inr,actual_inr\n"
          "Rent,25000,25000\nGroceries,9000,8640\nUtilities,3500,3810\nTransport,4000,3275\n"
          "Savings,20000,20000\nMisc,2500,1930\n")
    write("freelancer-crm.csv",
          "client,stage,project,quote_inr,invoice_no,invoiced_on,paid_on\n"
          "Chai Point Studio,won,Brand refresh,85000,INV-2026-014,2026-10-02,2026-10-19\n"
          "Kochi Kitchens,proposal,Menu redesign,42000,,,\n"
          "Pune Pedals,won,Landing page,60000,INV-2026-015,2026-11-01,\n"
          "Lotus Yoga,lead,Booking site,,,,\n")
    write("sip-calculator.csv",
          "year,monthly_sip_inr,step_up_pct,expected_return_pct,corpus_inr\n"
          "1,10000,10,12,127700\n2,11000,10,12,284000\n3,12100,10,12,474300\n"
          "4,13310,10,12,704700\n5,14641,10,12,982100\n")
    write("rate-calculator.csv",
          "item,value\ntarget_annual_income_inr,1800000\nbillable_weeks,44\nbillable_hours_per_week,25\n"
          "overheads_inr,240000\nminimum_hourly_rate_inr,1855\n")
    write("investor-update.md",
          "# Investor update - <Month YYYY>\n\n"
          "**TL;DR:** one sentence on the month.\n\n"
          "## Highlights\n- \n\n## Lowlights\n- \n\n"
          "## Metrics\n| metric | this month | last month |\n|---|---|---|\n| Revenue (INR lakh) | | |\n"
          "| Customers | | |\n| Burn (INR lakh) | | |\n| Runway (months) | | |\n\n"
          "## Asks\n- Intros to ...\n")
    write("content-calendar.csv",
          "date,channel,format,topic,status\n"
          "2026-12-01,Instagram,Reel,Behind the scenes,planned\n"
          "2026-12-03,Newsletter,Essay,What sold in November,draft\n"
          "2026-12-05,YouTube,Tutorial,Setting up the template,planned\n"
          "2026-12-08,LinkedIn,Carousel,5 pricing mistakes,idea\n"
          "2026-12-10,Blog,Guide,GST for creators,idea\n")

    write("palette.json",
          '{\n  "name": "Monsoon",\n  "colors": {\n    "ink": "#14213D",\n    "accent": "#FCA311",\n'
          '    "paper": "#F5F5F5",\n    "stone": "#E5E5E5",\n    "black": "#000000"\n  }\n}\n')

    write("README.md",
          "# Thanks for your purchase\n\n"
          "This download is part of the Souk demo catalog.\n\n"
          "## What's inside\n\n"
          "- The files you bought, ready to use\n"
          "- `LICENSE.txt` - what you may and may not do with them\n\n"
          "## Updates\n\n"
          "When the author publishes a new version, it appears in your library under\n"
          "*Downloads*; re-download it there at no cost.\n")

    make_zip("ui-kit.zip", [
        ("ui-kit/README.md", "# Souk UI kit (demo)\n\nTokens in `tokens.json`, components in `components/`.\n"),
        ("ui-kit/tokens.json", '{"color": {"ink": "#14213D", "accent": "#FCA311"}, "radius": {"sm": 4, "md": 8, "lg": 16},'
                               ' "space": [0, 4, 8, 12, 16, 24, 32, 48, 64]}\n'),
        ("ui-kit/components/button.html",
         '<button class="btn btn-primary" type="button">Buy now</button>\n'
         '<button class="btn btn-ghost" type="button">Preview</button>\n'),
        ("ui-kit/components/styles.css",
         ".btn{font:600 14px/1 Inter,system-ui,sans-serif;padding:12px 20px;border-radius:8px;border:0}\n"
         ".btn-primary{background:#FCA311;color:#14213D}\n.btn-ghost{background:transparent;color:#14213D;"
         "box-shadow:inset 0 0 0 1px #14213D}\n"),
        ("ui-kit/LICENSE.txt", LICENSE),
    ])
    make_zip("icon-pack.zip",
             [("icons/%s.svg" % k, icon_svg(v, k)) for k, v in sorted(ICONS.items())]
             + [("icons/LICENSE.txt", LICENSE)])
    make_zip("starter-code.zip", [
        ("starter/README.md", "# Starter\n\n```sh\npython3 app.py\n```\n"),
        ("starter/app.py",
         '"""Tiny demo web app: serves a JSON health check on http://127.0.0.1:8000/health."""\n'
         "from http.server import BaseHTTPRequestHandler, HTTPServer\nimport json\n\n\n"
         "class Handler(BaseHTTPRequestHandler):\n    def do_GET(self):\n"
         "        body = json.dumps({'ok': self.path == '/health'}).encode()\n"
         "        self.send_response(200 if self.path == '/health' else 404)\n"
         "        self.send_header('Content-Type', 'application/json')\n"
         "        self.send_header('Content-Length', str(len(body)))\n        self.end_headers()\n"
         "        self.wfile.write(body)\n\n\n"
         "if __name__ == '__main__':\n    HTTPServer(('127.0.0.1', 8000), Handler).serve_forever()\n"),
        ("starter/.env.example", "PORT=8000\nLOG_LEVEL=info\n"),
        ("starter/LICENSE.txt", LICENSE),
    ])
    make_zip("notion-workspace.zip", [
        ("Workspace/Home.md", "# Home\n\n- [Projects](Projects.csv)\n- [Habits](Habits.csv)\n- Weekly review every Sunday\n"),
        ("Workspace/Projects.csv", "Name,Status,Due,Owner\nLaunch shop,In progress,2026-12-15,Me\n"
                                   "Write newsletter,Not started,2026-12-03,Me\n"),
        ("Workspace/Habits.csv", "Date,Read,Walk,Water,Journal\n2026-11-30,Yes,Yes,8,No\n2026-12-01,Yes,No,6,Yes\n"),
    ])

    write("golden-hour.xmp",
          '<x:xmpmeta xmlns:x="adobe:ns:meta/">\n'
          ' <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">\n'
          '  <rdf:Description rdf:about="" xmlns:crs="http://ns.adobe.com/camera-raw-settings/1.0/"\n'
          '   crs:PresetType="Normal" crs:Version="15.0" crs:ProcessVersion="11.0"\n'
          '   crs:Temperature="+12" crs:Tint="+4" crs:Exposure2012="+0.15" crs:Contrast2012="-8"\n'
          '   crs:Highlights2012="-35" crs:Shadows2012="+20" crs:Vibrance="+10" crs:Saturation="-5"\n'
          '   crs:ParametricShadows="+5" crs:HasSettings="True">\n'
          '   <crs:Name><rdf:Alt><rdf:li xml:lang="x-default">Souk Golden Hour</rdf:li></rdf:Alt></crs:Name>\n'
          '  </rdf:Description>\n'
          ' </rdf:RDF>\n'
          '</x:xmpmeta>\n')
    write("warm-film.cube", make_cube("Warm Film", 4,
                                      lambda r, g, b: (r * 0.95 + 0.05, g * 0.92 + 0.03, b * 0.80 + 0.02)))
    write("teal-orange.cube", make_cube("Teal & Orange", 4,
                                        lambda r, g, b: (r * 1.05 + 0.02 * (1 - b), g * 0.98, b * 0.9 + 0.08 * (1 - r))))


if __name__ == "__main__":
    main()
