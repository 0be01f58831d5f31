"""Accessibility of every page in ``_toc.yml``, checked by axe-core (WCAG 2.1 A and AA) in light and dark mode.

Each page is loaded once. Its worked solutions are opened, a shaded character of every in-page generator is
focused (its details box fills), the theme's colour-mode tooltip is shown, and axe checks the whole page; then the
colour mode switches to dark (as the theme's own button does: ``data-mode``/``data-theme`` on ``<html>``) and axe
checks it again. The generators' other tab is then selected and axe checks the generators alone (nothing else on
the page changed), in both modes. axe-core comes from npm (``package.json``, a development dependency: it is
injected by the test, never shipped with the book).

``ALLOWED`` names the violations that cannot be fixed from this book, with the reason; it is empty: the theme's
markup that axe objects to is fixed in ``_ext/theme_markup.py``.
"""
import json
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / 'node_modules' / 'axe-core' / 'axe.min.js'
TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']
ALLOWED = {}  # rule id -> why it cannot be fixed here (none today)


def toc_pages(toc=ROOT / '_toc.yml'):
    """Every file of the table of contents, in reading order, as 'chapters/en/rnn-concise' (no suffix)."""
    def walk(entries):
        for entry in entries:
            if 'file' in entry:
                yield entry['file'].rsplit('.', 1)[0]
            yield from walk(entry.get('sections', []) + entry.get('chapters', []))
    data = yaml.safe_load(toc.read_text(encoding='utf-8'))
    return [data['root']] + list(walk(data.get('parts', [])))


OPEN_EVERYTHING = """() => {
  document.querySelectorAll('main .toggle-hidden .toggle-button').forEach(button => button.click());
  document.querySelectorAll('main details').forEach(details => { details.open = true; });
}"""
SET_MODE = """(mode) => {
  document.documentElement.dataset.mode = mode; document.documentElement.dataset.theme = mode;
}"""
RUN_AXE = """async ([context, tags]) => {
  const result = await axe.run(context || document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
  return result.violations.map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.map(n => ({
      target: n.target.join(' '), html: n.html.slice(0, 160), summary: n.failureSummary.slice(0, 300)}))}));
}"""


def select_tab(page, name):
    """Click tab ``name`` (generate/score) of every generator on the page; focus one shaded character of each."""
    for tab in page.locator(f'.d2lmini-gen [data-d2lmini="tab-{name}"]').all():
        tab.click()
    for root in page.locator('.d2lmini-gen').all():
        shaded = root.locator('.d2lmini-gen-output:visible span[data-p]')
        if shaded.count():
            shaded.nth(min(5, shaded.count() - 1)).focus()
    page.wait_for_timeout(50)


def axe(page, context=None):
    return page.evaluate(RUN_AXE, [context, TAGS])


def count(violations):
    return sum(len(v['nodes']) for v in violations if v['id'] not in ALLOWED)


@pytest.mark.parametrize('name', toc_pages())
def test_no_wcag_violations_in_light_and_dark_mode(server, open_page, artifacts, name):
    page, recorder = open_page(f'{server}{name}.html')
    page.add_script_tag(path=str(AXE))
    page.evaluate(OPEN_EVERYTHING)
    page.wait_for_function('() => !document.querySelector("main .toggle-hidden")')
    has_generator = page.locator('.d2lmini-gen').count() > 0
    if has_generator:
        page.wait_for_selector('.d2lmini-gen[data-d2lmini-mounted]')
        select_tab(page, 'generate')
    page.locator('.theme-switch-button').first.hover()  # the theme's tooltip (Bootstrap) appears
    page.wait_for_selector('.tooltip', state='attached', timeout=5_000)
    found = {}
    for mode in ('light', 'dark'):
        page.evaluate(SET_MODE, mode)
        found[mode] = axe(page)
        if has_generator:
            select_tab(page, 'score')
            found[f'{mode}, other tab'] = axe(page, '.d2lmini-gen')
            select_tab(page, 'generate')
    (artifacts / 'axe').mkdir(exist_ok=True)
    (artifacts / 'axe' / (name.replace('/', '-') + '.json')).write_text(json.dumps(found, indent=1))
    bad = {state: [(v['id'], len(v['nodes']), v['nodes'][0]) for v in violations if v['id'] not in ALLOWED]
           for state, violations in found.items()}
    assert not any(bad.values()), f'{sum(map(count, found.values()))} violations: {bad}'
    assert recorder.page_errors == []
