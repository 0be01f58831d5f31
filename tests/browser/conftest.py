"""Playwright fixtures: the built book served on 127.0.0.1, Debian Chromium, and pages that record what they do.

The book is ``_build/html`` (build it first: ``make book``); ``D2LMINI_BOOK_HTML`` points elsewhere. Tests that
need the book fail with a reason when it is missing; the snippet tests (``page.set_content``) never need it.
Every opened page records its requests, console errors and uncaught exceptions; tests assert on them.
"""

import functools
import http.server
import json
import os
import threading
from pathlib import Path

import pytest

from tools.chromium import CHROMIUM, CHROMIUM_ARGS  # noqa: F401  (benchmarks import them from here)

REPO_ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO_ROOT / 'test-artifacts'


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope='session')
def book_dir():
    path = Path(os.environ.get('D2LMINI_BOOK_HTML', REPO_ROOT / '_build' / 'html'))
    if not (path / 'chapters' / 'en' / 'rnn-concise.html').is_file():
        pytest.fail(f'no built book at {path}: run `make book` (or jupyter-book build .) first', pytrace=False)
    return path


@pytest.fixture(scope='session')
def server(book_dir):
    """Serve the book on 127.0.0.1 on a free port; yields the base URL."""
    handler = functools.partial(QuietHandler, directory=str(book_dir))
    httpd = http.server.ThreadingHTTPServer(('127.0.0.1', 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f'http://127.0.0.1:{httpd.server_address[1]}/'
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope='session')
def browser():
    from playwright import sync_api  # tests here carry the `browser` marker: Chromium is checked before they run

    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class Recorder:
    """What a page did: every request URL, console errors, uncaught exceptions and dialogs."""

    def __init__(self, page):
        self.requests, self.console_errors, self.page_errors, self.dialogs = [], [], [], []
        page.on('request', lambda request: self.requests.append(request.url))
        page.on('console', lambda msg: msg.type == 'error' and self.console_errors.append(msg.text))
        page.on('pageerror', lambda err: self.page_errors.append(str(err)))
        page.on('requestfailed', lambda request: self.console_errors.append(f'request failed: {request.url}'))
        page.on('response', lambda r: r.status >= 400 and self.console_errors.append(f'HTTP {r.status}: {r.url}'))
        page.on('dialog', self._dialog)

    def _dialog(self, dialog):
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def foreign_requests(self, base_url):
        return [url for url in self.requests if not url.startswith((base_url, 'data:', 'blob:', 'about:'))]


@pytest.fixture
def open_page(browser):
    """``open_page(url=None, width=1280, height=900)`` -> ``(page, recorder)``; ``url=None`` gives a blank page."""
    contexts = []

    def _open(url=None, width=1280, height=900):
        context = browser.new_context(viewport={'width': width, 'height': height})
        contexts.append(context)
        page = context.new_page()
        recorder = Recorder(page)
        if url is not None:
            page.goto(url, wait_until='load')
            page.wait_for_load_state('networkidle')
        return page, recorder

    yield _open
    for context in contexts:
        context.close()


@pytest.fixture(scope='session')
def artifacts():
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


class Generator:
    """One in-page generator, found by its ``data-d2lmini`` hooks."""

    def __init__(self, root):
        self.root = root

    def field(self, name):
        return self.root.locator(f'[data-d2lmini="{name}"]')

    def set(self, **values):
        """Type into the fields (``prefix=``, ``length=``, ``temperature=``, ``seed=``); each fires ``input``."""
        for name, value in values.items():
            self.field(name).fill(str(value))

    def output(self):
        return self.field('output').text_content()

    def message(self):
        message = self.field('message')
        return message.text_content() if message.is_visible() else None

    def payload(self):
        return json.loads(self.root.locator('script[data-d2lmini="weights"]').text_content())


@pytest.fixture(scope='session')
def generator_in():
    """``generator_in(page, i=0)``: the i-th generator of the page."""
    return lambda page, i=0: Generator(page.locator('.d2lmini-gen').nth(i))
