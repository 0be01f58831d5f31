"""The book for readers of each edition, in Chromium: page languages, figure descriptions, labels and search.

Every built page is opened once (``pages``); the tests read what that visit recorded. Which pages "use" a word is
computed from the pages' own article text, so the search tests keep holding as the pages change.
"""

import re
from pathlib import Path
from urllib.parse import quote, urldefrag

import pytest
import snowballstemmer

from tools.zh_hant_convert import convert_text

ROOT = Path(__file__).resolve().parents[2]

LANG_OF_FOLDER = {'en': 'en', 'zh': 'zh-Hans', 'zh-hant': 'zh-Hant'}
HAN = re.compile(r'[\u3400-\u9fff]')
FILE_NAME = re.compile(r'\.(png|jpe?g|svg|gif|webp)$|[/\\]', re.IGNORECASE)
BOOK_WIDE = {'search.html', 'genindex.html'}  # one page for the whole book, not a page of its text

# The text Sphinx indexes: the article without scripts, styles, the theme's toggles and permalinks.
ARTICLE_TEXT = """() => {
  const article = document.querySelector('article.bd-article').cloneNode(true);
  article.querySelectorAll('script, style, summary, .headerlink').forEach((e) => e.remove());
  return article.textContent;
}"""
RECORD = """() => ({
  lang: document.documentElement.getAttribute('lang'),
  images: [...document.images].map((img) => ({src: img.getAttribute('src'), alt: img.getAttribute('alt')})),
})"""
LABELS = """() => ({
  contents: document.querySelector('.page-toc.tocsection.onthispage')?.textContent.trim(),
  previous: document.querySelector('.prev-next-area .left-prev .prev-next-subtitle')?.textContent.trim(),
  next: document.querySelector('.prev-next-area .right-next .prev-next-subtitle')?.textContent.trim(),
  search: document.querySelector('.bd-search input[name=q]')?.getAttribute('placeholder'),
  searchButton: document.querySelector('.search-button-field .search-button__default-text')?.textContent.trim(),
  toggle: document.querySelector('details.hide summary .collapsed')?.textContent.trim(),
})"""


class Pages(dict):
    def __repr__(self):  # a failing test shows its own message, not every page's text
        return f'<{len(self)} pages: {", ".join(self)}>'


def expected_lang(path):
    parts = path.split('/')
    return LANG_OF_FOLDER[parts[1]] if parts[0] == 'chapters' else 'en'


@pytest.fixture(scope='module')
def pages(book_dir, server, browser):
    """``{path: {'lang', 'images', 'text'}}`` for every page of the book, each opened once in Chromium."""
    paths = sorted(
        p.relative_to(book_dir).as_posix()
        for p in book_dir.rglob('*.html')
        if not p.relative_to(book_dir).as_posix().startswith(('_', '.'))
    )
    context = browser.new_context()
    page = context.new_page()
    found = Pages()
    for path in paths:
        page.goto(server + path, wait_until='domcontentloaded')
        found[path] = page.evaluate(RECORD)
        if path not in BOOK_WIDE:
            found[path]['text'] = page.evaluate(ARTICLE_TEXT)
    context.close()
    assert {expected_lang(p) for p in found} == {'en', 'zh-Hans', 'zh-Hant'}, sorted(found)
    return found


def test_every_page_declares_its_language(pages):
    assert {path: record['lang'] for path, record in pages.items()} == {path: expected_lang(path) for path in pages}


def test_no_image_is_described_by_its_file_name(pages):
    bad = [
        (path, img)
        for path, record in pages.items()
        for img in record['images']
        if not (img['alt'] or '').strip() or FILE_NAME.search(img['alt'].strip())
    ]
    assert bad == []
    figures = [img for record in pages.values() for img in record['images'] if '_images/' in img['src']]
    assert len(figures) >= 3 * 3  # plots of every edition were checked, not just the theme's icons


def search(server, open_page, query):
    """The pages (paths, no fragment) that the book's search page lists for ``query``."""
    page, recorder = open_page(server + 'search.html?q=' + quote(query))
    page.wait_for_function("document.querySelector('#search-results .search-summary')?.textContent", timeout=20_000)
    links = page.eval_on_selector_all('#search-results ul.search li a', 'els => els.map((a) => a.href)')
    assert recorder.page_errors == []
    return {urldefrag(link).url.removeprefix(server) for link in links}, page


@pytest.mark.parametrize(
    'query, folder, meaning',
    [
        ('梯度', 'zh', 'gradient'),
        ('训练', 'zh', 'training'),
        ('訓練', 'zh-hant', 'training'),
        ('困惑度', 'zh-hant', 'perplexity'),
        ('perplexity', 'en', 'perplexity'),
    ],
)
def test_search_finds_every_page_that_uses_the_word(pages, server, open_page, artifacts, query, folder, meaning):
    uses = {
        path
        for path, record in pages.items()
        if path not in BOOK_WIDE
        and re.search(rf'\b{query}\b' if query.isascii() else query, record['text'], re.IGNORECASE)
    }
    assert any(path.startswith(f'chapters/{folder}/') for path in uses), f'no page of chapters/{folder} uses {query}'
    found, page = search(server, open_page, query)
    page.screenshot(path=artifacts / f'search-{folder}-{meaning}.png')
    assert uses <= found, f'{query}: not found on {sorted(uses - found)}'
    stem = snowballstemmer.stemmer('porter').stemWord(query) if query.isascii() else query  # perplexity -> perplex
    assert all(stem.lower() in pages[path]['text'].lower() for path in found), sorted(found)


def test_a_chinese_word_not_in_the_book_finds_nothing(server, open_page):
    assert search(server, open_page, '量子纠缠')[0] == set()


def labels_of(server, open_page, folder):
    page, recorder = open_page(f'{server}chapters/{folder}/rnn-concise.html')
    labels = page.evaluate(LABELS)
    assert all(labels.values()), labels  # every label was found on the page
    return labels


def test_theme_labels_follow_the_page_language(server, open_page):
    en, hans, hant = (labels_of(server, open_page, folder) for folder in ('en', 'zh', 'zh-hant'))
    assert en == {
        'contents': 'Contents',
        'previous': 'previous',
        'next': 'next',
        'search': 'Search this book...',
        'searchButton': 'Search',
        'toggle': 'Show code cell source',
    }
    assert all(HAN.search(label) for label in hans.values()), hans
    assert hant == {key: convert_text(label) for key, label in hans.items()} != hans
