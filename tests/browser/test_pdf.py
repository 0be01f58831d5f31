"""The three PDFs that ``make pdf`` (tools/print_pdf.py) prints from the built book, and the links to them.

Each PDF has more sheets than its edition has pages, its text holds the chapter's title as the built page spells it
(so the CJK text came through as text, in its script, not as look-alike radicals), the live-panel line in its
language, and no sheet is blank
(every sheet has text besides its page number, or a figure). Every page's download menu links an existing PDF.
"""

import re
from pathlib import Path

import pytest

from tools import print_pdf

ROOT = Path(__file__).resolve().parents[2]

SPACE = re.compile(r'\s+')
RADICAL = re.compile('[\u2e80-\u2fdf]')
SMALL_DRAWING = 4500  # bytes of drawing: an empty code frame draws about 2,400, the smallest real sheet about 5,000
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


def has_image(sheet):
    xobjects = sheet.get('/Resources', {}).get('/XObject', {})
    return any(x.get_object().get('/Subtype') == '/Image' for x in xobjects.values())


@pytest.mark.parametrize('edition', print_pdf.EDITIONS)
def test_each_edition_prints_to_a_whole_pdf(book_dir, pdf_dir, edition):
    """Text is read only where needed (pypdf reads CJK Type 3 text slowly): every sheet whose drawing is small enough
    to be blank, the first ones up to the live-panel line, and a sample for the page numbers."""
    import pypdf

    pages = print_pdf.edition_pages()[edition]
    reader = pypdf.PdfReader(pdf_dir / f'concise-rnns-{edition}.pdf')
    sheets = reader.pages
    assert len(sheets) > len(pages) >= 4
    text = {}

    def text_of(number):
        if number not in text:
            text[number] = sheets[number - 1].extract_text()
        return text[number]

    small = [n for n, sheet in enumerate(sheets, 1) if len(sheet.get_contents().get_data()) < SMALL_DRAWING]
    blank = [n for n in small if SPACE.sub('', text_of(n)) in ('', str(n)) and not has_image(sheets[n - 1])]
    assert blank == [], f'blank sheets: {blank}'
    for n in sorted({1, 2, len(sheets) // 2, len(sheets)}):
        assert text_of(n).split()[-1] == str(n)  # numbered through the edition
    title, note = chapter_title(book_dir, pages), print_pdf.LIVE_NOTE[edition].split('{')[0]
    n, seen = 1, ''
    while SPACE.sub('', note) not in seen and n <= len(sheets):  # the generator printed as its output, with the line
        seen += SPACE.sub('', text_of(n))
        n += 1
    assert SPACE.sub('', title) in seen, title  # the chapter's title, as text in its script
    assert SPACE.sub('', note) in seen
    assert not RADICAL.findall(''.join(text.values()))  # ideographs as themselves, not as Kangxi radicals
    assert [item.title for item in reader.outline] == [chapter_title(book_dir, [page]) for page in pages]


def test_every_page_links_an_existing_pdf(book_dir, pdf_dir):
    linked = {}
    for html in book_dir.rglob('*.html'):
        for href in PDF_LINK.findall(html.read_text(encoding='utf-8')):
            linked[(html.parent / href).resolve()] = html
    assert {path.name for path in linked} == {f'concise-rnns-{edition}.pdf' for edition in print_pdf.EDITIONS}
    assert all(path.is_file() for path in linked), linked
