"""Navigation keeps a reader inside their edition: previous/next links, ``<link rel>`` and the sidebar; and code
on Chinese pages is marked English for screen readers.

Every page of ``_toc.yml`` is opened once; the walks follow the recorded links from each edition's first page.
"""

from urllib.parse import urldefrag, urljoin

import pytest
from test_accessibility import toc_pages

LINKS = """() => ({
  prev: document.querySelector('.prev-next-area a.left-prev')?.href ?? null,
  next: document.querySelector('.prev-next-area a.right-next')?.href ?? null,
  rel: [...document.querySelectorAll('link[rel=prev], link[rel=next]')].map((l) => l.href),
  sidebar: [...document.querySelectorAll('.bd-sidebar-primary nav.bd-links a.reference')]
      .filter((a) => a.closest('.bd-sidenav__home-link') === null).map((a) => a.href),
  switcher: [...document.querySelectorAll('article a.reference.internal')].map((a) => a.href),
  codeLangs: [...new Set([...document.querySelectorAll('main div.cell_input pre, main code.literal')]
      .filter((el) => !/[\u3400-\u9fff]/.test(el.textContent)).map((el) => el.closest('[lang]').lang))],
})"""
FOLDERS = ('chapters/en/', 'chapters/zh/', 'chapters/zh-hant/')


def edition(name):
    return next((folder for folder in FOLDERS if name.startswith(folder)), None)


@pytest.fixture(scope='module')
def links(server, browser):
    """``{page: {'prev', 'next', 'rel', 'sidebar'}}`` as page names ('chapters/zh/rnn-concise'), one visit each."""

    def name(url):
        return None if url is None else urldefrag(url).url.removeprefix(server).removesuffix('.html')

    context = browser.new_context()
    page = context.new_page()
    found = {}
    for toc_page in toc_pages():
        page.goto(urljoin(server, toc_page + '.html'), wait_until='domcontentloaded')
        raw = page.evaluate(LINKS)
        found[toc_page] = {
            key: [name(url) for url in value] if isinstance(value, list) else name(value) for key, value in raw.items()
        }
    context.close()
    return found


def test_no_previous_or_next_link_leaves_the_edition(links):
    crossing = [
        (page, key, target)
        for page, record in links.items()
        if edition(page)
        for key in ('prev', 'next')
        for target in [record[key]] + (record['rel'] if key == 'next' else [])
        if target is not None and edition(target) not in (edition(page), None)
    ]
    assert crossing == []


@pytest.mark.parametrize('folder', FOLDERS)
def test_walking_next_and_previous_reads_the_edition_in_order(links, folder):
    pages = [page for page in toc_pages() if page.startswith(folder)]
    walk, page = [pages[0]], pages[0]
    while links[page]['next'] is not None and len(walk) <= len(pages):
        page = links[page]['next']
        walk.append(page)
    assert walk == pages
    back, page = [pages[-1]], pages[-1]
    while links[page]['prev'] is not None and len(back) <= len(pages) + 1:
        page = links[page]['prev']
        back.append(page)
    assert back == pages[::-1] + ['index']  # the first page leads back to the landing page


@pytest.mark.parametrize('folder', FOLDERS)
def test_the_sidebar_lists_only_the_edition(links, folder):
    for page, record in links.items():
        if page.startswith(folder):
            assert {edition(target) for target in record['sidebar']} == {folder}, page
            assert set(record['sidebar']) == {p for p in toc_pages() if p.startswith(folder)}, page


def test_landing_page_and_switchers_reach_every_edition(links):
    assert {edition(target) for target in links['index']['sidebar'] + links['index']['switcher']} >= set(FOLDERS)
    for page in links:
        if edition(page):  # the language switcher at the top of every chapter page: the way to change editions
            assert {edition(target) for target in links[page]['switcher']} >= set(FOLDERS), page


def test_code_is_english_for_screen_readers_on_every_page(links):
    """Code cells and inline code (without Chinese in it) are ``lang="en"``, also inside Chinese pages."""
    assert {
        page: record['codeLangs'] for page, record in links.items() if record['codeLangs'] not in ([], ['en'])
    } == {}
    assert all(links[page]['codeLangs'] == ['en'] for page in links if page.startswith('chapters/zh'))
