"""The three PDFs that ``make pdf`` (tools/print_pdf.py) prints from the built book, and the links to them.

Each PDF has more sheets than its edition has pages, its text holds the chapter's title as the built page spells it
(so the CJK text came through as text, in its script, not as look-alike radicals), the live-panel line in its language, and no sheet is blank
(every sheet has text besides its page number, or a figure). Every page's download menu links an existing PDF.
"""
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / 'tools'))
import print_pdf  # noqa: E402

SPACE = re.compile(r'\s+')
RADICAL = re.compile('[\u2e80-\u2fdf]')
PDF_LINK = re.compile(r'href="([^"]*pdf/concise-rnns-[a-z-]+\.pdf)"')
H1 = re.compile(r'<h1>(.*?)</h1>', re.DOTALL)  # the first: the theme's print title (#jb-print-docs-body)


@pytest.fixture(scope='module')
def pdf_dir(book_dir):
    folder = book_dir / 'pdf'
    if not folder.is_dir():
        pytest.fail(f'no PDFs in {folder}: run `make pdf` (after `make book`)')
    return folder


def chapter_title(book_dir, pages):
    html = (book_dir / f'{pages[0]}.html').read_text(encoding='utf-8')
    return H1.search(html).group(1).strip()


@pytest.mark.parametrize('edition', print_pdf.EDITIONS)
def test_each_edition_prints_to_a_whole_pdf(book_dir, pdf_dir, edition):
    pypdf = pytest.importorskip('pypdf')
    pages = print_pdf.edition_pages()[edition]
    reader = pypdf.PdfReader(pdf_dir / f'concise-rnns-{edition}.pdf')
    assert len(reader.pages) > len(pages) >= 4
    texts = [sheet.extract_text() for sheet in reader.pages]
    blank = [number for number, (sheet, text) in enumerate(zip(reader.pages, texts), 1)
             if SPACE.sub('', text) in ('', str(number)) and not sheet.images]
    assert blank == [], f'blank sheets: {blank}'
    assert [text.split()[-1] for text in texts] == [str(n) for n in range(1, len(texts) + 1)]  # numbered through
    whole = SPACE.sub('', ''.join(texts))
    assert not RADICAL.findall(whole)  # ideographs are text as themselves, not as Kangxi radicals (print_pdf.py)
    title = chapter_title(book_dir, pages)
    assert SPACE.sub('', title) in whole, title
    note = print_pdf.LIVE_NOTE[edition].split('{')[0]
    assert SPACE.sub('', note) in whole  # the generator printed as its output, with where to find it live
    assert [item.title for item in reader.outline] == [chapter_title(book_dir, [page]) for page in pages]


def test_every_page_links_an_existing_pdf(book_dir, pdf_dir):
    linked = {}
    for html in book_dir.rglob('*.html'):
        for href in PDF_LINK.findall(html.read_text(encoding='utf-8')):
            linked[(html.parent / href).resolve()] = html
    assert {path.name for path in linked} == {f'concise-rnns-{edition}.pdf' for edition in print_pdf.EDITIONS}
    assert all(path.is_file() for path in linked), linked
