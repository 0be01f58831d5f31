"""The built chapter pages in Chromium: clean loads, local requests only, and the in-page generator.

The Python reference is computed here from the weights the page itself embeds (``load_rnnlm``), so these tests
do not depend on the kernel that built the book. Greedy parity is demanded only where the page's float64
arithmetic (replayed by ``greedy_float64``) sees no near tie, and the test asserts there is none.
"""

import json
from pathlib import Path

import oracles  # tests/oracles.py: the page's model rebuilt in PyTorch, its greedy decoding in float64
import pytest

from d2lmini.display import labels, shading
from d2lmini.generators import export
from d2lmini.limits import normalize_prefix

LANGS = ['en', 'zh', 'zh-hant']
PREFIXES = ['it has', 'the time traveller', 'The Time-Traveller, said:']


@pytest.fixture(params=LANGS)
def chapter(request, server, open_page):
    """``(page, recorder, base_url)`` for one language's chapter, fully loaded."""
    page, recorder = open_page(f'{server}chapters/{request.param}/rnn-concise.html')
    page.wait_for_selector('.d2lmini-gen[data-d2lmini-mounted]', timeout=10_000)
    return page, recorder, server


@pytest.fixture(params=LANGS)
def going_further(request, server, open_page):
    """``(page, recorder, base_url)`` for one language's Going-further page (the scoring box), fully loaded."""
    page, recorder = open_page(f'{server}chapters/{request.param}/rnn-going-further.html')
    page.wait_for_selector('.d2lmini-gen[data-d2lmini-mounted]', timeout=10_000)
    return page, recorder, server


def assert_clean(recorder, base_url):
    assert recorder.foreign_requests(base_url) == []
    assert (recorder.console_errors, recorder.page_errors, recorder.dialogs) == ([], [], [])


def test_chapter_loads_cleanly_with_local_scripts_only(chapter):
    page, recorder, base_url = chapter
    # The notebook panel needs a live kernel: the book shows no inert widget snapshot and loads no widget manager.
    assert page.locator('script[type="application/vnd.jupyter.widget-state+json"]').count() == 0
    assert page.locator('.jupyter-widgets, .widget-vbox').count() == 0
    assert not [url for url in recorder.requests if 'widget' in url or 'require' in url.rsplit('/', 1)[-1]]
    if page.locator('.math').count():
        page.wait_for_selector('mjx-container', timeout=15_000)  # MathJax from _static rendered the formulas
    assert_clean(recorder, base_url)


def test_landing_page_loads_cleanly(server, open_page):
    page, recorder = open_page(server + 'index.html')
    assert_clean(recorder, server)


def test_greedy_text_matches_python(chapter, generator_in):
    """One page per language, several prefixes in turn (each load of the chapter costs about two seconds)."""
    page, recorder, base_url = chapter
    gen = generator_in(page)
    payload = gen.payload()
    model, vocab = oracles.load_rnnlm(payload)
    for prefix in PREFIXES:
        gen.set(temperature=0, length=100, prefix=prefix)
        reference, margin = oracles.greedy_float64(payload, prefix, 100)
        assert margin > 1e-4, f'near tie in the book model (margin {margin:.2e}): choose another test prefix'
        assert gen.output() == reference == model.predict(prefix, 100, vocab), prefix
    assert_clean(recorder, base_url)


def test_sampling_emits_only_vocabulary_characters(chapter, generator_in):
    page, recorder, base_url = chapter
    gen = generator_in(page)
    gen.set(prefix='the time', length=300, temperature=1.5, seed=0)
    allowed = {token for token in gen.payload()['vocab'] if len(token) == 1}
    texts = []
    for seed in (1, 2, 3):
        gen.field('generate').click()  # sampling: each click draws with the next seed
        assert gen.field('seed').input_value() == str(seed)
        texts.append(gen.output())
    assert len(set(texts)) == 3
    for text in texts:
        assert text.startswith('the time') and len(text) == len('the time') + 300 and set(text) <= allowed
    assert_clean(recorder, base_url)


def test_typed_markup_stays_text(chapter, generator_in):
    page, recorder, base_url = chapter
    # every element but the output's character spans, whose number follows the text's length
    count = (
        'Array.from(document.getElementsByTagName("*")).filter(e => !e.matches(".d2lmini-gen-output > span")).length'
    )
    gen = generator_in(page)
    before = page.evaluate(count)
    vocab = export.import_weights(gen.payload())[1]
    for prefix in ['<script>alert(1)</script>', '<b>bold</b>', '<img src=x onerror=alert(1)>']:
        gen.set(temperature=0, prefix=prefix)
        page.wait_for_timeout(300)  # let any injected handler (onerror) fire, if one had been created
        assert page.evaluate(count) == before and gen.field('output').locator('*:not(span), span *').count() == 0
        assert gen.output().startswith(normalize_prefix(prefix, vocab)), prefix
    assert_clean(recorder, base_url)


BAD_INPUT = [
    (dict(prefix=''), 'prefix is empty'),
    (dict(prefix='时间 machine'), "'时' '间'"),
    (dict(prefix='emoji 😀'), "'😀'"),
    (dict(length=20_000), 'between 0 and 10,000'),
    (dict(length=2.5), 'whole number'),
]


def test_bad_input_shows_a_message(chapter, generator_in):
    page, recorder, base_url = chapter
    gen = generator_in(page)
    for fields, message in BAD_INPUT:
        gen.set(**fields)
        assert message in (gen.message() or '') and gen.output() == '', (fields, gen.message())
        gen.set(prefix='it has', length=10)
        assert gen.message() is None and gen.output().startswith('it has'), fields
    assert_clean(recorder, base_url)


@pytest.mark.parametrize('lang', LANGS)
@pytest.mark.parametrize('width, height', [(1280, 900), (375, 740)])
def test_screenshots_and_phone_layout(server, open_page, generator_in, artifacts, lang, width, height):
    page, recorder = open_page(f'{server}chapters/{lang}/rnn-concise.html', width=width, height=height)
    gen = generator_in(page)
    gen.root.scroll_into_view_if_needed()
    box = gen.root.bounding_box()
    assert box['x'] >= 0 and box['x'] + box['width'] <= width + 0.5, box  # fits the screen: no sideways scroll
    assert gen.root.evaluate('el => el.scrollWidth <= el.clientWidth + 1')
    gen.root.screenshot(path=artifacts / f'generator-{lang}-{width}.png')
    page.screenshot(path=artifacts / f'page-{lang}-{width}.png')
    assert_clean(recorder, server)


CHINESE = {  # words the pages' own outputs must show in each edition: progress line; table headers
    'rnn-concise': {'en': ['epochs,'], 'zh': ['个迭代周期'], 'zh-hant': ['個迭代週期']},
    'rnn-going-further': {
        'en': ['batch size', 'from scratch, 1000 tokens/s', 'val ppl, mean ± sd', 'the initialization only'],
        'zh': ['批量大小', '从零实现，千词元/秒', '验证困惑度，均值 ± 标准差', '只有初始化'],
        'zh-hant': ['批次大小', '從零實作，千詞元/秒', '驗證困惑度，均值 ± 標準差', '只有初始化'],
    },
}


@pytest.mark.parametrize('lang', LANGS)
@pytest.mark.parametrize('name', sorted(CHINESE))
def test_outputs_speak_the_page_language(server, open_page, lang, name):
    page, recorder = open_page(f'{server}chapters/{lang}/{name}.html')
    outputs = page.locator('.cell_output').all_text_contents()
    text = '\n'.join(outputs)
    missing = [word for word in CHINESE[name][lang] if word not in text]
    assert not missing, f'{lang}/{name}: outputs lack {missing}'
    if lang != 'en':
        assert 'tokens/s' not in text and 'epochs,' not in text and 'batch size' not in text
    alts = page.locator('.cell_output img').evaluate_all('els => els.map(el => el.alt)')
    assert len(alts) == 1 and all(alts), alts  # the training plot / the initialization curves, described


# --- per-character probabilities and the scoring box (Going-further page, "What Perplexity 7 Feels Like") --------

READ_SCORED = """(root, suffix) => {
  const box = root.querySelector(`[data-d2lmini="scored${suffix}"]`);
  return {text: box.textContent, first: box.children[0].hasAttribute('data-p'),
          probs: Array.from(box.querySelectorAll('[data-p]'), s => Number(s.dataset.p)),
          perplexity: Number(root.querySelector(`[data-d2lmini="perplexity${suffix}"]`).textContent)};
}"""
OWN_SENTENCES = ['The Time Traveller smiled.', 'Colourless green ideas sleep furiously!', 'qwertyuiop asdf']


def scoring_box(page, generator_in):
    """The scoring widget (Going-further page): the generator that carries an untrained baseline."""
    gen = generator_in(page)
    gen.root = page.locator('.d2lmini-gen:has([data-d2lmini="scored-baseline"])')
    assert gen.root.count() == 1
    return gen


def assert_matches(shown, expected):
    assert shown['text'] == expected.text and not shown['first'] and len(shown['probs']) == len(expected.probs)
    assert max(abs(a - b) for a, b in zip(shown['probs'], expected.probs)) < 1e-4
    assert abs(shown['perplexity'] / expected.perplexity - 1) < 1e-4


def test_scoring_box_agrees_with_python_and_with_the_prose(going_further, generator_in):
    page, recorder, base_url = going_further
    gen = scoring_box(page, generator_in)
    model, vocab = oracles.load_rnnlm(gen.payload())
    baseline, _ = oracles.load_rnnlm(json.loads(gen.root.locator('script[data-d2lmini="baseline"]').text_content()))
    book = gen.field('score').input_value()  # the chapter's sentence from the book
    expected = model.score(book, vocab)
    prose = page.locator('main').text_content()
    assert f'{expected.perplexity:.2f}' in prose and f'{baseline.score(book, vocab).perplexity:.2f}' in prose
    for text in [book] + OWN_SENTENCES:
        gen.field('score').fill(text)
        assert_matches(gen.root.evaluate(READ_SCORED, ''), model.score(text, vocab))
        assert_matches(gen.root.evaluate(READ_SCORED, '-baseline'), baseline.score(text, vocab))
    assert_clean(recorder, base_url)


def test_generator_text_is_shaded_by_its_probabilities(chapter, generator_in):
    page, recorder, base_url = chapter
    gen = generator_in(page)
    gen.set(temperature=0, length=200, prefix='The Time Traveller')
    model, vocab = oracles.load_rnnlm(gen.payload())
    expected = model.score(gen.output(), vocab)
    spans = gen.field('output').locator('span')
    probs = [float(p) for p in gen.field('output').locator('[data-p]').evaluate_all('l => l.map(s => s.dataset.p)')]
    assert spans.count() == len(expected.text) and max(abs(a - b) for a, b in zip(probs, expected.probs)) < 1e-4
    classes = spans.evaluate_all('l => l.map(s => s.className)')
    assert classes == ['d2lmini-p-first'] + [f'd2lmini-p{shading.level(p)}' for p in expected.probs]
    assert_clean(recorder, base_url)


@pytest.mark.parametrize('lang', LANGS)
def test_scoring_speaks_the_pages_language(server, open_page, generator_in, lang):
    page, recorder = open_page(f'{server}chapters/{lang}/rnn-going-further.html')
    gen = scoring_box(page, generator_in)
    assert gen.field('tab-score').text_content() == labels.label('score_tab', lang)
    assert gen.field('formula').text_content().startswith(labels.label('ppl_formula', lang).split('{')[0])
    gen.field('scored').locator('span').nth(5).hover()
    head = labels.label('expected_after', lang).split('{')[0]
    assert (
        gen.field('details').text_content().startswith(labels.label('trained', lang))
        and head in gen.field('details').text_content()
    )
    assert_clean(recorder, server)


# every chapter page of every language, as 'en/rnn-concise', from the sources the book is built from
CHAPTERS = Path(__file__).resolve().parents[2] / 'chapters'
CHAPTER_PAGES = sorted(f'{md.parent.name}/{md.stem}' for md in CHAPTERS.glob('*/*.md'))

OPEN_COLLAPSED = """() => {
  document.querySelectorAll('main .toggle-hidden .toggle-button').forEach(button => button.click());
  document.querySelectorAll('main details').forEach(details => { details.open = true; });
}"""
SIDEWAYS = """() => {
  const setup = el => el.closest('.cell.tag_hide-input') !== null;
  const describe = el => el.tagName + ': ' + el.textContent.trim().slice(0, 60);
  const boxes = [...document.querySelectorAll('main pre, main table, .cell_output .output')].filter(el => !setup(el));
  const scrollers = [...document.querySelectorAll('main *')]
      .filter(el => !setup(el) && ['auto', 'scroll'].includes(getComputedStyle(el).overflowX));
  return {wide: [...new Set([...boxes, ...scrollers])].filter(el => el.scrollWidth > el.clientWidth + 1).map(describe),
          unrendered: boxes.filter(el => el.matches('pre, table') && el.clientWidth === 0).map(describe),
          checked: boxes.length};
}"""


@pytest.mark.parametrize('chapter_page', CHAPTER_PAGES)
def test_nothing_scrolls_sideways_at_desktop_width(server, open_page, chapter_page):
    """At 1280 px nothing on a chapter page is wider than its box: no code cell, printed output, table, formula or
    other scrolling box hides part of itself behind a sideways scrollbar, and the page does not scroll sideways.

    Collapsed parts (the worked exercises' solutions) are opened first: an open solution is narrower than the page
    (its code cells show 69 columns of DejaVu Sans Mono at 14 px, the others 77), and a hidden one would measure
    nothing. The setup cell (collapsed, ``hide-input``) is left out: it is the same in every notebook of the book
    (``tools/setup_cell.txt``), so rewrapping it is a change to every page at once. One page load per page."""
    page, recorder = open_page(f'{server}chapters/{chapter_page}.html', width=1280)
    if page.locator('.math').count():  # formulas take their final width once MathJax has typeset them
        page.wait_for_selector('mjx-container', state='attached', timeout=15_000)
        page.evaluate('() => MathJax.startup.promise')
    page.evaluate(OPEN_COLLAPSED)
    page.wait_for_function('() => !document.querySelector("main .toggle-hidden")')
    found = page.evaluate(SIDEWAYS)
    assert found['checked'] > 0 and found['unrendered'] == [], found  # every box measured was laid out
    assert found['wide'] == [], found['wide']
    assert page.evaluate('document.documentElement.scrollWidth') <= 1280
    assert_clean(recorder, server)


@pytest.mark.parametrize('lang', LANGS)
def test_wide_tables_scroll_inside_their_box_on_a_phone(server, open_page, lang):
    """At 375 px the page itself never scrolls sideways; a table wider than the screen scrolls in its output box."""
    page, recorder = open_page(f'{server}chapters/{lang}/rnn-going-further.html', width=375, height=740)
    assert page.evaluate('document.documentElement.scrollWidth') <= 375
    clipped = page.evaluate("""() => [...document.querySelectorAll('.cell_output table')].filter(table => {
            let box = table.parentElement;
            while (box && box.scrollWidth <= box.clientWidth + 1) box = box.parentElement;
            return box && !['auto', 'scroll'].includes(getComputedStyle(box).overflowX);
        }).map(table => table.textContent.slice(0, 60))""")
    assert clipped == []


@pytest.mark.parametrize('lang', LANGS)
@pytest.mark.parametrize('width, height', [(1280, 900), (375, 740)])
def test_scoring_screenshots_and_phone_layout(server, open_page, generator_in, artifacts, lang, width, height):
    page, recorder = open_page(f'{server}chapters/{lang}/rnn-going-further.html', width=width, height=height)
    gen = scoring_box(page, generator_in)
    gen.root.scroll_into_view_if_needed()
    gen.field('scored').locator('span').nth(12).hover()
    box = gen.root.bounding_box()
    assert box['x'] >= 0 and box['x'] + box['width'] <= width + 0.5, box
    assert gen.root.evaluate('el => el.scrollWidth <= el.clientWidth + 1')
    assert page.evaluate('document.documentElement.scrollWidth') <= width
    gen.root.screenshot(path=artifacts / f'scoring-{lang}-{width}.png')
    assert_clean(recorder, server)
