"""The reader notebooks (notebooks/<lang>/<page>.ipynb) as JupyterLab and nbconvert (GitHub's way) show them.

One JupyterLab server on 127.0.0.1 and one Chromium page open every reader notebook in turn (``docmanager:open``,
windowing off so every cell is in the page); nbconvert renders each to HTML, which the same browser shows. Both must
show: no raw MyST (``{glue``, ```` ```{ ````, ``:::``, ``(label)=``), no link to a ``.md`` file, no hidden cell, every
number the built book shows in the page's text (its ``pasted-text`` spans, in order, as formatted there), and on
Chinese pages Chinese labels in the outputs. Screenshots of a Chinese notebook go to test-artifacts/.
"""

import html
import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import nbformat
import pytest

from d2lmini.display.labels import TERMS, ZH_HANT
from tools.reader import reader_notebooks

ROOT = Path(__file__).resolve().parents[2]

READERS = sorted(reader_notebooks.READER.glob('*/*.ipynb'))
RAW = re.compile(r'\{glue|```\{|:::|^\([\w-]+\)=$', re.M)
SETTINGS = {  # JupyterLab user settings for the test: every cell rendered, no news or update checks
    '@jupyterlab/notebook-extension/tracker.jupyterlab-settings': {'windowingMode': 'none', 'kernelShutdown': True},
    '@jupyterlab/apputils-extension/notification.jupyterlab-settings': {'fetchNews': 'false', 'checkForUpdates': False},
}
# What a rendered notebook shows, read from the DOM: markdown text, code, outputs, links, collapsed headings.
NOTEBOOK_TEXT = """(root) => {
  const text = (sel) => [...root.querySelectorAll(sel)].map((e) => e.textContent);
  return {
    markdown: text('.jp-MarkdownCell .jp-RenderedMarkdown, .jp-RenderedMarkdown, .jp-MarkdownOutput')
      .join('\\n'),
    outputs: text('.jp-OutputArea-output').join('\\n'),
    hrefs: [...root.querySelectorAll('.jp-RenderedMarkdown a[href], .jp-MarkdownOutput a[href]')]
      .map((a) => a.getAttribute('href')),
  };
}"""


def book_numbers(book_dir, reader):
    """The glued values the built book shows on the reader notebook's page, in order, as text."""
    page = book_dir / 'chapters' / reader.parent.name / f'{reader.stem}.html'
    spans = re.findall(r'<span class="pasted-text">(.*?)</span>', page.read_text(encoding='utf-8'), re.S)
    return [html.unescape(re.sub(r'<[^>]+>', '', s)).strip() for s in spans]


def chinese_labels(lang):
    return {ZH_HANT[k] for k in TERMS} if lang == 'zh-hant' else {words[1] for words in TERMS.values()}


def problems(reader, shown, numbers):
    """What is wrong with one rendered reader notebook (an empty list when nothing is)."""
    found, chapter = [], reader_notebooks.CHAPTERS / reader.parent.name / reader.name
    full = nbformat.read(chapter, as_version=4)
    if RAW.search(shown['markdown']):
        found.append(f'raw MyST: {RAW.search(shown["markdown"]).group(0)!r}')
    found += [f'link to {h}' for h in shown['hrefs'] if h.split('#')[0].endswith('.md') and '://' not in h]
    code = re.sub(r'\s+', '', ''.join(shown['code']))  # the editors' text without the line structure
    for cell in full.cells:
        shown_here = cell.cell_type == 'code' and re.sub(r'\s+', '', cell.source) in code
        if shown_here == reader_notebooks.is_hidden(cell) and cell.cell_type == 'code':
            found.append(f'{"hidden cell shown" if shown_here else "visible cell missing"}: {cell.source[:60]!r}')
    position = 0
    for number in numbers:
        at = shown['markdown'].find(number, position)
        if at < 0:
            found.append(f'book number {number!r} missing after position {position}')
        position = max(at, position)
    lang = reader.parent.name
    if lang != 'en' and not any(label in shown['outputs'] for label in chinese_labels(lang)):
        found.append('no Chinese label in the outputs')
    return found


def free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def answers(url, server, seconds=60):
    """Whether ``url`` answers before ``seconds`` pass, while the ``server`` process lives."""
    end = time.monotonic() + seconds
    while time.monotonic() < end and server.poll() is None:
        try:
            return bool(urllib.request.urlopen(url, timeout=1))
        except OSError:
            time.sleep(0.3)
    return False


@pytest.fixture(scope='module')
def jupyterlab(tmp_path_factory):
    """A JupyterLab server on 127.0.0.1 serving the repository; yields its base URL (with the token)."""
    import jupyterlab  # noqa: F401  (the client under test)

    home, port, token = tmp_path_factory.mktemp('jupyterlab'), free_port(), 'reader-notebooks'
    for name, value in SETTINGS.items():
        (home / 'settings' / name).parent.mkdir(parents=True, exist_ok=True)
        (home / 'settings' / name).write_text(json.dumps(value))
    server = subprocess.Popen(
        [
            sys.executable,
            '-m',
            'jupyterlab',
            '--no-browser',
            '--allow-root',
            f'--port={port}',
            '--ServerApp.ip=127.0.0.1',
            f'--IdentityProvider.token={token}',
            f'--ServerApp.root_dir={ROOT}',
            '--LabApp.expose_app_in_browser=True',
            f'--LabApp.user_settings_dir={home / "settings"}',
            f'--LabApp.workspaces_dir={home / "workspaces"}',
        ],
        env={**os.environ, 'JUPYTER_CONFIG_DIR': str(home / 'config'), 'JUPYTER_RUNTIME_DIR': str(home / 'run')},
        stdout=subprocess.DEVNULL,
        stderr=open(home / 'server.log', 'w'),
    )
    url = f'http://127.0.0.1:{port}/'
    if not answers(f'{url}api/status?token={token}', server):
        server.terminate()
        pytest.fail(f'JupyterLab did not start: {(home / "server.log").read_text()[-2000:]}')
    yield f'{url}lab?token={token}'
    server.terminate()
    server.wait(timeout=30)


# The test reads what JupyterLab renders and runs nothing: the notebook factory starts no kernel (12 idle kernels
# would cost the CI machine more than everything else here).
NO_KERNELS = """async () => {
  await window.jupyterapp.restored;
  const factory = window.jupyterapp.docRegistry.getWidgetFactory('Notebook');
  factory._preferKernel = false;
  factory._canStartKernel = false;
}"""
OPEN = """async (path) => {
  const widget = await window.jupyterapp.commands.execute('docmanager:open', {path, factory: 'Notebook'});
  await widget.context.ready;
  return widget.id;
}"""


# Solutions collapsed as the notebook opens (read before expanding every heading to read the text beneath).
COLLAPSED = """(root) => ({
  collapsed: root.querySelectorAll('.jp-MarkdownCell.jp-MarkdownHeadingCollapsed').length,
  hiddenCells: root.querySelectorAll('.jp-Cell.lm-mod-hidden').length,
})"""
# Every Markdown cell drawn (JupyterLab draws a cell under a collapsed heading only once it is shown).
ALL_DRAWN = """([id, n]) => {
  const cells = document.getElementById(id)?.querySelectorAll('.jp-MarkdownCell .jp-RenderedMarkdown') ?? [];
  return cells.length === n && [...cells].every((c) => c.innerHTML.trim().length > 0);
}"""
# The code JupyterLab loaded (its editors draw only what is on screen, so their text is no record of it).
CODE = """(id) => {
  const cells = [...window.jupyterapp.shell.widgets('main')].find((w) => w.id === id).content.model.cells;
  return [...cells].filter((c) => c.type === 'code').map((c) => c.sharedModel.getSource());
}"""
CLOSE = """(id) => {
  const widget = [...window.jupyterapp.shell.widgets('main')].find((w) => w.id === id);
  widget.context.model.dirty = false;  // nothing was edited: close without the "save changes?" dialog
  widget.dispose();
}"""


def test_jupyterlab_shows_every_reader_notebook_like_the_book(jupyterlab, browser, book_dir, artifacts):
    context = browser.new_context(viewport={'width': 1280, 'height': 900})
    page = context.new_page()
    page.goto(jupyterlab)
    page.wait_for_function("window.jupyterapp?.commands.hasCommand('docmanager:open')", timeout=120_000)
    page.evaluate(NO_KERNELS)
    failures = {}
    for reader in READERS:
        path = reader.relative_to(ROOT).as_posix()
        nb = nbformat.read(reader, as_version=4)
        widget = page.evaluate(OPEN, path)
        panel = page.locator(f'[id="{widget}"]')
        page.wait_for_function(
            '([id, n]) => document.getElementById(id)?.querySelectorAll(".jp-MarkdownCell.jp-mod-rendered").length'
            ' === n',
            arg=[widget, sum(c.cell_type == 'markdown' for c in nb.cells)],
            timeout=60_000,
        )
        collapsed = panel.evaluate(COLLAPSED)
        page.evaluate("() => window.jupyterapp.commands.execute('notebook:expand-all-headings')")
        page.wait_for_function(
            ALL_DRAWN, arg=[widget, sum(c.cell_type == 'markdown' for c in nb.cells)], timeout=60_000
        )
        shown = {**panel.evaluate(NOTEBOOK_TEXT), 'code': page.evaluate(CODE, widget), **collapsed}
        found = problems(reader, shown, book_numbers(book_dir, reader))
        folded = sum(c.metadata.get('jp-MarkdownHeadingCollapsed', False) for c in nb.cells)
        if shown['collapsed'] != folded or bool(folded) != bool(shown['hiddenCells']):
            found.append(
                f'{shown["collapsed"]} headings collapsed ({shown["hiddenCells"]} cells hidden), {folded} expected'
            )
        if path == 'notebooks/zh/rnn-concise.ipynb':
            page.screenshot(path=artifacts / 'jupyterlab-zh-rnn-concise-top.png')
            panel.locator('.jp-OutputArea-output img').first.scroll_into_view_if_needed()
            page.screenshot(path=artifacts / 'jupyterlab-zh-rnn-concise-figure.png')
        if found:
            failures[path] = found
        page.evaluate(CLOSE, widget)
    context.close()
    assert not failures, failures


def test_nbconvert_renders_every_reader_notebook_like_the_book(browser, book_dir):
    """nbconvert's HTML (what GitHub and nbviewer show is rendered the same way), opened without the network."""
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(template_name='classic')
    context = browser.new_context()
    context.route('**/*', lambda route: route.abort())  # MathJax and require.js from a CDN: not here, not needed
    page = context.new_page()
    failures = {}
    for reader in READERS:
        body, _ = exporter.from_filename(str(reader))
        page.set_content(body, wait_until='domcontentloaded')
        shown = page.evaluate("""() => ({
          markdown: [...document.querySelectorAll('.text_cell_render')].map((e) => e.textContent).join('\\n'),
          code: [...document.querySelectorAll('.input_area')].map((e) => e.textContent),
          outputs: [...document.querySelectorAll('.output_area')].map((e) => e.textContent).join('\\n'),
          hrefs: [...document.querySelectorAll('.text_cell_render a[href]')].map((a) => a.getAttribute('href')),
        })""")
        if found := problems(reader, shown, book_numbers(book_dir, reader)):
            failures[reader.relative_to(ROOT).as_posix()] = found
    context.close()
    assert not failures, failures
