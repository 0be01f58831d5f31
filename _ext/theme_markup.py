"""Fixes to the themes' and myst-nb's markup that axe-core (WCAG 2.1 A/AA) reports, and ``lang="en"`` on code.

- The sidebar's expand/collapse ``<summary>`` holds only a chevron icon, so it has no accessible name
  (axe ``summary-name``): it gets ``aria-label`` "Sections of <page title>", in the page's language.
- myst-nb writes ``<summary aria-label="Toggle hidden content">`` around a visible "Show code cell source"; a name
  that differs from the visible words fails ``label-content-name-mismatch`` (WCAG 2.5.3: speech users say what
  they see). The label is dropped, so the visible (and translated) words are the name.
- The search and colour-mode buttons come from ``_templates/`` (copies of the theme's components with the same
  fix: see the comments there).
- On Chinese pages, code cells and inline code (with no Chinese characters in it, also in the headings that
  "On this page" lists) carry ``lang="en"``, so a screen
  reader reads ``nn.RNN`` with an English voice instead of spelling it out with a Chinese one. Outputs keep the
  page's language: progress lines and tables there are Chinese.

- The download menu links the PDF of the page's edition (``make pdf``; all three on the landing page), labelled in
  the page's language by _ext/page_language.py, which translates the header buttons after this.
- Styles: ``_ext/static/book.css`` (dark mode for the book's outputs, print rules) and the generator's own
  stylesheet from d2lmini, so the generator follows the package's current CSS (its dark mode included) even where
  a committed notebook embeds an older copy in its output.

Trade-off: the body fixes are string replacements on the HTML Sphinx renders (``context['body']``); each pattern is
the exact markup the pinned myst-nb and Sphinx write, and tests/test_book_extensions.py checks they still match.
"""

import re
import shutil
from pathlib import Path

from bs4 import BeautifulSoup
from markupsafe import Markup

from page_language import labels, page_language

MYST_NB_SUMMARY = '<summary aria-label="Toggle hidden content">'
CODE_BLOCK = re.compile(r'<div class="(highlight-(?:ipython3|python|python3|bash|shell|console|default) notranslate)">')
INLINE_CODE = re.compile(r'<code class="(docutils literal notranslate)">(.*?)</code>', re.DOTALL)
HAN = re.compile(r'[\u3400-\u9fff\uf900-\ufaff]')
SECTIONS_OF = {'en': 'Sections of {title}', 'zh-Hans': '{title}的小节'}


def sections_label(tag, title):
    """The accessible name of a sidebar page's expand/collapse button, in the page's language."""
    translator = labels(tag) if tag else None
    if translator is None:
        return SECTIONS_OF['en'].format(title=title)
    return translator.convert(SECTIONS_OF['zh-Hans']).format(title=title)


def name_summaries(html, tag):
    """Give every icon-only ``<summary>`` in the sidebar ``html`` an ``aria-label`` naming its page."""
    soup = BeautifulSoup(str(html), 'html.parser')
    for summary in soup.find_all('summary'):
        if summary.get_text(strip=True) or summary.get('aria-label'):
            continue
        link = summary.find_parent('li').find('a', recursive=False) if summary.find_parent('li') else None
        summary['aria-label'] = sections_label(tag, link.get_text(strip=True) if link else '')
    return Markup(str(soup))


def english_code(body):
    """``lang="en"`` on code cells and on inline code that has no Chinese characters."""
    body = CODE_BLOCK.sub(r'<div class="\1" lang="en">', body)
    return INLINE_CODE.sub(
        lambda m: m.group(0) if HAN.search(m.group(2)) else f'<code class="{m.group(1)}" lang="en">{m.group(2)}</code>',
        body,
    )


def fix_markup(app, pagename, templatename, context, doctree):
    tag = page_language(pagename)
    if 'body' in context:
        body = context['body'].replace(MYST_NB_SUMMARY, '<summary>')
        context['body'] = english_code(body) if tag in ('zh-Hans', 'zh-Hant') else body
    if 'pathto' in context:
        add_pdf_links(tag, context)
    toc = context.get('generate_toc_html')
    if toc is not None and tag in ('zh-Hans', 'zh-Hant'):  # the page's headings in "On this page"

        def toc_with_english_code(kind='html'):
            html = toc(kind)
            return Markup(english_code(str(html))) if kind == 'html' else html

        context['generate_toc_html'] = toc_with_english_code
    generate = context.get('generate_toctree_html')
    if generate is not None:

        def generate_named(kind, *args, **kwargs):
            html = generate(kind, *args, **kwargs)
            return name_summaries(html, tag) if kind == 'sidebar' else html

        context['generate_toctree_html'] = generate_named


PDF_FOLDER = 'pdf'  # tools/print_pdf.py writes _build/html/pdf/concise-rnns-<edition>.pdf
EDITION_PDFS = {'en': 'English', 'zh-Hans': '简体中文', 'zh-Hant': '繁體中文'}  # page language: edition name
PDF_NAMES = {'en': 'en', 'zh-Hans': 'zh', 'zh-Hant': 'zh-hant'}


def pdf_buttons(tag, pathto):
    """The download menu's links to the edition PDFs: the page's own edition, or all three on other pages."""
    tags = [tag] if tag in EDITION_PDFS else list(EDITION_PDFS)
    return [
        {
            'type': 'link',
            'url': pathto(f'{PDF_FOLDER}/concise-rnns-{PDF_NAMES[t]}.pdf', 1),
            'text': 'PDF of the book' if len(tags) == 1 else f'PDF · {EDITION_PDFS[t]}',
            'tooltip': 'This edition of the book as one PDF',
            'icon': 'fas fa-book',
            'label': f'pdf-{PDF_NAMES[t]}',
        }
        for t in tags
    ]


def add_pdf_links(tag, context):
    for group in context.get('header_buttons', []):
        if group.get('label') == 'download-buttons':
            group['buttons'] = group.get('buttons', []) + pdf_buttons(tag, context['pathto'])


STATIC = Path(__file__).with_name('static')
GENERATOR_CSS = 'd2lmini-generator.css'


def generator_css():
    """d2lmini's generator stylesheet, from this checkout (importing d2lmini here would load torch)."""
    return Path(__file__).resolve().parents[1] / 'd2lmini' / 'generators' / 'generator.css'


def add_styles(app):
    app.config.html_static_path.append(str(STATIC))
    app.add_css_file('book.css')
    app.add_css_file(GENERATOR_CSS)


def copy_generator_css(app, exception):
    if exception is None and app.builder.format == 'html':
        shutil.copyfile(generator_css(), Path(app.outdir) / '_static' / GENERATOR_CSS)


def setup(app):
    app.connect('builder-inited', add_styles)
    app.connect('build-finished', copy_generator_css)
    app.connect('html-page-context', fix_markup, priority=945)  # after the theme (500) and edition_navigation (940)
    return {'parallel_read_safe': True, 'parallel_write_safe': True}
