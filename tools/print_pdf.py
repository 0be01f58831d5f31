"""Print each edition of the built book (English, 简体中文, 繁體中文) to one PDF, with Debian's Chromium.

    python -m tools.print_pdf [--book _build/html] [--out _build/html/pdf] [--site URL]

Jupyter Book's ``pdfhtml`` builder downloads a Chromium of its own (pyppeteer), which cannot work offline; this
prints the pages that ``make book`` built, from the same committed notebooks, with the Chromium the browser tests
use (``D2LMINI_CHROMIUM``, default /usr/bin/chromium) through Playwright, in one browser session. Each page of an
edition (in ``_toc.yml`` order) is served on 127.0.0.1, its worked solutions opened and its formulas typeset, and
printed with the theme's print styles (no sidebars or header) and the book's (``_ext/static/book.css``); the pages
are then joined into ``concise-rnns-<edition>.pdf`` with a bookmark per page and page numbers through the edition.
Chinese text uses the Noto CJK fonts that ``make setup`` installs, chosen by each page's ``lang``.

The in-page generator cannot run on paper: it prints as its static output (the text it shows when the page opens,
shaded, and its legend) without its controls, under a line that gives the address of the live page (``--site``,
by default the GitHub Pages address of the repository in _config.yml).

Trade-off: pages are printed one by one and joined (pypdf), so each page of the book starts on a new sheet, as a
chapter would; one long HTML document would need the theme's layout rebuilt around it.
"""

import argparse
import functools
import http.server
import io
import os
import re
import subprocess
import threading
import unicodedata
from pathlib import Path

import yaml

from d2lmini.display.editions import EDITIONS as BOOK_EDITIONS
from tools.chromium import CHROMIUM, CHROMIUM_ARGS
from tools.zh_hant_convert import convert_text

ROOT = Path(__file__).resolve().parents[1]
EDITIONS = {e.code: e.folder for e in BOOK_EDITIONS}  # the one table of editions
LIVE_NOTE = {'en': 'This panel is interactive in the web edition: {url}', 'zh': '本面板在网页版中可交互使用：{url}'}
LIVE_NOTE['zh-hant'] = convert_text(LIVE_NOTE['zh'])
MARGIN = {'top': '16mm', 'bottom': '18mm', 'left': '14mm', 'right': '14mm'}
VIEWPORT = {'width': 690, 'height': 990}  # about the printed area of an A4 sheet (182 x 263 mm), in CSS pixels
KEEP_TOGETHER_PX = 450  # cells and outputs shorter than this are not split between sheets
# Page numbers run through the whole edition, so they are stamped after joining: one A4 sheet per page, its number
# at the foot (Chromium's own footer would count each printed HTML page from 1).
NUMBERS = """<style>@page {{ size: A4; margin: 0; }} body {{ margin: 0; }}
div {{ height: 297mm; position: relative; break-after: page; }}
span {{ position: absolute; bottom: 9mm; width: 100%; text-align: center; font: 9px sans-serif; color: #555; }}
</style>{}"""

PREPARE = """([note, url, keep]) => {
  document.querySelectorAll('main .toggle-hidden .toggle-button').forEach((button) => button.click());
  document.querySelectorAll('main details:not(.hide)').forEach((details) => { details.open = true; });
  document.querySelectorAll('.d2lmini-gen').forEach((panel) => {
    const line = document.createElement('p');
    line.className = 'd2lmini-print-note';
    line.textContent = note.replace('{url}', url);
    panel.prepend(line);
  });
  // Keep a code cell or output that fits well within a sheet in one piece (a taller one breaks where it must:
  // avoiding a break in it could leave a sheet empty).
  document.querySelectorAll('main div.cell_input, main div.cell_output .output').forEach((box) => {
    if (box.getBoundingClientRect().height < keep) box.classList.add('d2lmini-keep-together');
  });
}"""


def edition_pages(toc=ROOT / '_toc.yml'):
    """``{edition: [page, ...]}`` in reading order, pages as 'chapters/en/rnn-concise'."""

    def walk(entries):
        for entry in entries:
            if 'file' in entry:
                yield entry['file'].rsplit('.', 1)[0]
            yield from walk(entry.get('sections', []) + entry.get('chapters', []))

    pages = list(walk(yaml.safe_load(toc.read_text(encoding='utf-8')).get('parts', [])))
    return {edition: [page for page in pages if page.startswith(folder)] for edition, folder in EDITIONS.items()}


def default_site(config=ROOT / '_config.yml'):
    """https://OWNER.github.io/NAME/ for the repository named in _config.yml."""
    url = yaml.safe_load(config.read_text(encoding='utf-8'))['repository']['url'].rstrip('/')
    owner, name = url.split('/')[-2:]
    return f'https://{owner}.github.io/{name}/'


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def serve(directory):
    httpd = http.server.ThreadingHTTPServer(('127.0.0.1', 0), functools.partial(QuietHandler, directory=directory))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd, f'http://127.0.0.1:{httpd.server_address[1]}/'


def print_page(page, url, note, live_url):
    """One page as PDF bytes, and its title."""
    page.goto(url, wait_until='load')
    if page.locator('.math').count():
        page.wait_for_selector('mjx-container', state='attached', timeout=30_000)
        page.evaluate('() => MathJax.startup.promise')
    page.evaluate(PREPARE, [note, live_url, KEEP_TOGETHER_PX])
    page.wait_for_function('() => !document.querySelector("main .toggle-hidden")')
    page.evaluate('() => document.fonts.ready')
    title = page.locator('article h1').first.text_content().strip().rstrip('#').strip()
    return page.pdf(format='A4', margin=MARGIN, print_background=True), title


RADICAL_MAP = re.compile(r'<([0-9A-Fa-f]+)>\s*<(2[EF][0-9A-Fa-f]{2})>')  # a bfchar line whose text is a radical
RADICALS = range(0x2E80, 0x2FE0)  # CJK Radicals Supplement and Kangxi Radicals
IDEOGRAPHS = range(0x4E00, 0xA000)
CJK_FACES = [
    'sans-serif:lang=zh-cn',
    'sans-serif:lang=zh-tw',
    'monospace:lang=zh-cn',
    'monospace:lang=zh-tw',
    'serif:lang=zh-cn',
    'serif:lang=zh-tw',
]


@functools.cache
def radical_ideographs():
    """``{radical code point: ideograph}`` for radicals that the CJK fonts Chromium prints with draw with an
    ideograph's glyph (⻚ and 页, ⽹ and 网), read from the fonts' own cmaps (fontconfig picks them, fontTools reads
    them); Kangxi radicals missing there fall back to Unicode's compatibility mapping (NFKC)."""
    from fontTools.ttLib import TTFont

    found = {}
    faces = {
        subprocess.run(['fc-match', '-f', '%{file}|%{index}', face], capture_output=True, text=True).stdout
        for face in CJK_FACES
    }
    for face in sorted(faces):
        path, _, index = face.partition('|')
        if not path:
            continue
        cmap = TTFont(path, fontNumber=int(index or 0), lazy=True)['cmap'].getBestCmap()
        glyph_of = {glyph: code for code, glyph in cmap.items() if code in IDEOGRAPHS}
        for code, glyph in cmap.items():
            if code in RADICALS and glyph in glyph_of:
                found.setdefault(code, chr(glyph_of[glyph]))
    for code in RADICALS:
        normal = unicodedata.normalize('NFKC', chr(code))
        if normal != chr(code) and len(normal) == 1:
            found.setdefault(code, normal)
    return found


def fix_to_unicode(cmap, ideographs):
    """``cmap`` (a font's ToUnicode CMap) with radical code points replaced by the ideographs they stand for."""

    def replace(match):
        normal = ideographs.get(int(match.group(2), 16))
        return match.group(0) if normal is None else f'<{match.group(1)}> <{ord(normal):04X}>'

    return RADICAL_MAP.sub(replace, cmap)


def fix_text_of_cjk_glyphs(writer):
    """Make copied and searched Chinese text right: Noto CJK draws an ideograph such as 网 (U+7F51) and the Kangxi
    radical ⽹ (U+2F79) with one glyph, and Chromium's PDF writer names the glyph by the lower code point, so the
    PDF's text would read ⽹络 and a search for 网络 would fail. The book has no radicals in its text."""
    done, ideographs = set(), radical_ideographs()
    for sheet in writer.pages:
        fonts = sheet.get('/Resources', {}).get('/Font', {})
        for font in fonts.values():
            cmap = font.get_object().get('/ToUnicode')
            if cmap is None or cmap.idnum in done:
                continue
            done.add(cmap.idnum)
            stream = cmap.get_object()
            text = stream.get_data().decode('latin-1')
            fixed = fix_to_unicode(text, ideographs)
            if fixed != text:
                stream.set_data(fixed.encode('latin-1'))


def page_numbers(page, count):
    """A PDF of ``count`` A4 sheets that carry only their numbers, 1 to ``count``."""
    from pypdf import PdfReader

    page.set_content(NUMBERS.format(''.join(f'<div><span>{i}</span></div>' for i in range(1, count + 1))))
    return PdfReader(io.BytesIO(page.pdf(format='A4', margin={'top': '0', 'bottom': '0', 'left': '0', 'right': '0'})))


def join(parts, path, numbers):
    """Join ``[(pdf bytes, title)]`` into ``path``, one bookmark per part, each sheet stamped with its number from
    ``numbers(count)``; returns the number of pages."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for pdf, title in parts:
        start = len(writer.pages)
        writer.append(PdfReader(io.BytesIO(pdf)))
        writer.add_outline_item(title, start)
    fix_text_of_cjk_glyphs(writer)
    for sheet, number in zip(writer.pages, numbers(len(writer.pages)).pages):
        sheet.merge_page(number)
        sheet.compress_content_streams()  # merging writes the sheet's content uncompressed
    writer.compress_identical_objects()  # the number sheets' font, once
    writer.add_metadata({'/Title': parts[0][1], '/Creator': 'tools/print_pdf.py (Chromium)'})
    tmp = path.with_suffix('.tmp')
    with open(tmp, 'wb') as f:
        writer.write(f)
    os.replace(tmp, path)
    return len(writer.pages)


def print_editions(book, out, site, chromium):
    from playwright.sync_api import sync_playwright

    out.mkdir(parents=True, exist_ok=True)
    httpd, base = serve(str(book))
    written = {}
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport=VIEWPORT)
            page.emulate_media(media='print')  # measure the cells as they print
            for edition, pages in edition_pages().items():
                parts = [
                    print_page(page, f'{base}{name}.html', LIVE_NOTE[edition], f'{site}{name}.html') for name in pages
                ]
                path = out / f'concise-rnns-{edition}.pdf'
                written[path] = join(parts, path, functools.partial(page_numbers, page))
            browser.close()
    finally:
        httpd.shutdown()
        httpd.server_close()
    return written


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--book', type=Path, default=ROOT / '_build' / 'html', help='the built HTML book')
    parser.add_argument('--out', type=Path, help='where the PDFs go (default: BOOK/pdf, linked from every page)')
    parser.add_argument('--site', default=None, help='address of the web edition, for the live-panel lines')
    args = parser.parse_args(argv)
    if not (args.book / 'index.html').is_file():
        parser.error(f'no built book at {args.book}: run `make book` first')
    chromium = CHROMIUM
    site = (args.site or default_site()).rstrip('/') + '/'
    written = print_editions(args.book, args.out or args.book / 'pdf', site, chromium)
    for path, pages in written.items():
        print(f'{path}: {pages} pages, {path.stat().st_size / 1e6:.1f} MB')


if __name__ == '__main__':
    main()
