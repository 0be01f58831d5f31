"""Accessibility of every page in ``_toc.yml``, checked by axe-core (WCAG 2.1 A and AA) in light and dark mode.

Each page is loaded once. Its worked solutions are opened, a shaded character of every in-page generator is
focused (its details box fills), the theme's colour-mode tooltip is shown, and axe checks the whole page; then the
colour mode switches to dark (as the theme's own button does: ``data-mode``/``data-theme`` on ``<html>``) and axe
checks its colours again (``COLOUR_RULES``: nothing but colours changes). In each mode the generators' other tabs
(the scoring view; the trainer where the page has one, started) are then selected in turn and axe checks the
generators alone (nothing else on the page changed). axe-core comes from npm (``package.json``, a development
dependency: it is injected by the test, never shipped with the book).

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
# Switching to dark mode changes colours only (the theme's CSS variables; no element comes or goes), so in dark mode
# only the rules that read colours can find something new: they run there, every rule runs in light mode.
COLOUR_RULES = ['color-contrast', 'link-in-text-block']


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
SET_MODE = """(mode) => {  // the theme animates colour changes: axe would read colours half-way (a style stops that)
  if (!document.getElementById('no-transitions')) document.head.insertAdjacentHTML('beforeend',
      '<style id="no-transitions">*, *::before, *::after { transition: none !important; }</style>');
  document.documentElement.dataset.mode = mode; document.documentElement.dataset.theme = mode;
}"""
RUN_AXE = """async ([context, only]) => {
  const result = await axe.run(context || document, {runOnly: only, resultTypes: ['violations']});
  return result.violations.map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.map(n => ({
      target: n.target.join(' '), html: n.html.slice(0, 160), summary: n.failureSummary.slice(0, 300)}))}));
}"""


def tab_names(page):
    """The generators' tabs on the page, in order: 'generate', 'score' and, where the trainer exists, 'train'."""
    hooks = page.locator('.d2lmini-gen [role="tab"]').evaluate_all('l => l.map(t => t.dataset.d2lmini)')
    return list(dict.fromkeys(hook.removeprefix('tab-') for hook in hooks))


def start_trainer(page):
    """Start every in-page trainer (the train tab's start button, where the generator has one); True if any.
    It keeps running through the later checks (in dark mode its start button is disabled: nothing to click)."""
    buttons = page.locator('.d2lmini-gen [data-d2lmini="train-start"]:visible:not([disabled])').all()
    for button in buttons:
        button.click()
    if buttons:
        page.wait_for_timeout(500)  # an epoch under way: progress and curves drawn
    return bool(buttons)


def select_tab(page, name):
    """Click tab ``name`` of every generator on the page that has it; focus one shaded character of each."""
    for tab in page.locator(f'.d2lmini-gen [data-d2lmini="tab-{name}"]').all():
        tab.click()
    for root in page.locator('.d2lmini-gen').all():
        shaded = root.locator('.d2lmini-gen-output:visible span[data-p]')
        if shaded.count():
            shaded.nth(min(5, shaded.count() - 1)).focus()
    page.wait_for_timeout(50)


def axe(page, context=None, colours_only=False):
    """axe's violations of the WCAG 2.1 A/AA rules (only those that depend on colours, with ``colours_only``)."""
    only = {'type': 'rule', 'values': COLOUR_RULES} if colours_only else {'type': 'tag', 'values': TAGS}
    return page.evaluate(RUN_AXE, [context, only])


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
        found[mode] = axe(page, colours_only=mode == 'dark')
        if has_generator and mode == 'dark':  # for a reader's eye: the generator in dark mode, hint box filled
            page.locator('.d2lmini-gen').first.screenshot(path=artifacts / f'dark-{name.replace("/", "-")}.png')
        for tab in tab_names(page)[1:] if has_generator else []:  # the other tabs: only the generators change
            select_tab(page, tab)
            if tab == 'train' and start_trainer(page):
                tab = 'train, running'
            found[f'{mode}, {tab} tab'] = axe(page, '.d2lmini-gen', colours_only=mode == 'dark')
        if has_generator:
            select_tab(page, 'generate')
    (artifacts / 'axe').mkdir(exist_ok=True)
    (artifacts / 'axe' / (name.replace('/', '-') + '.json')).write_text(json.dumps(found, indent=1))
    bad = {
        state: [(v['id'], len(v['nodes']), v['nodes'][0]) for v in violations if v['id'] not in ALLOWED]
        for state, violations in found.items()
    }
    assert not any(bad.values()), f'{sum(map(count, found.values()))} violations: {bad}'
    assert recorder.page_errors == []
