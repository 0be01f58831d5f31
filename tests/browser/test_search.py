"""The book's search finds every page that contains each of its most frequent two-character Chinese words.

The words and the pages that contain them are computed here from the built pages' text (the article, as Sphinx
indexes it: no scripts, styles, the theme's toggles or permalinks), for each script: the 30 two-character
dictionary words (jieba's dictionary, a Traditional word looked up in its Simplified spelling) that occur on the most
pages of that edition, ties broken by how often they occur. A page "contains" a word when its text has it as a
substring. The book's own search code (Sphinx's searchtools.js, as search.html runs it) answers every query in one
page load; tests/browser/test_languages.py drives the search page itself for a few words.
"""

import collections
import logging
import re

import pytest

HAN_RUN = re.compile(r'[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]{2,}')
EDITIONS = {'zh': 'chapters/zh/', 'zh-hant': 'chapters/zh-hant/'}
BOOK_WIDE = {'search.html', 'genindex.html'}
TOP = 30
ARTICLE_TEXT = """() => {
  const article = document.querySelector('article.bd-article').cloneNode(true);
  article.querySelectorAll('script, style, summary, .headerlink').forEach((e) => e.remove());
  return article.textContent;
}"""
SEARCH = """(queries) => Object.fromEntries(queries.map((query) => [query,
    [...new Set(Search._performSearch(...Search._parseQuery(query)).map((result) => result[0]))]]))"""


@pytest.fixture(scope='module')
def texts(book_dir, server, browser):
    """``{docname: article text}`` of every page of the book, each opened once."""
    paths = sorted(p.relative_to(book_dir).as_posix() for p in book_dir.rglob('*.html'))
    paths = [p for p in paths if not p.startswith(('_', '.')) and p not in BOOK_WIDE]
    context = browser.new_context()
    page = context.new_page()
    found = {}
    for path in paths:
        page.goto(server + path, wait_until='domcontentloaded')
        found[path.removesuffix('.html')] = page.evaluate(ARTICLE_TEXT)
    context.close()
    return found


def frequent_words(texts, folder, top=TOP):
    """The ``top`` two-character dictionary words on the most pages of ``folder`` (then by occurrences)."""
    import jieba
    import opencc

    logging.getLogger('jieba').setLevel(logging.WARNING)
    jieba.initialize()
    simplified = opencc.OpenCC('t2s').convert
    pages, times = collections.Counter(), collections.Counter()
    for name, text in texts.items():
        if name.startswith(folder):
            pairs = [run[i : i + 2] for run in HAN_RUN.findall(text) for i in range(len(run) - 1)]
            pages.update(set(pairs))
            times.update(pairs)
    words = [word for word in pages if jieba.dt.FREQ.get(simplified(word), 0) > 0]
    return sorted(words, key=lambda word: (-pages[word], -times[word], word))[:top]


@pytest.mark.parametrize('edition', EDITIONS)
def test_search_finds_every_page_that_contains_each_frequent_word(texts, server, open_page, edition):
    words = frequent_words(texts, EDITIONS[edition])
    assert len(words) == TOP and all(len(word) == 2 for word in words), words
    page, recorder = open_page(server + 'search.html')
    page.wait_for_function('() => Search.hasIndex()', timeout=20_000)
    found = page.evaluate(SEARCH, words)
    missing = {
        word: sorted({name for name, text in texts.items() if word in text} - set(found[word])) for word in words
    }
    assert not any(missing.values()), {word: pages for word, pages in missing.items() if pages}
    wrong = {word: [name for name in found[word] if word not in texts.get(name, '')] for word in words}
    assert not any(wrong.values()), wrong  # every page found contains the word
    assert recorder.page_errors == []
