"""html_generator's snippet on a bare page in Chromium (no book needed): several per page, no globals, parity."""

import oracles  # tests/oracles.py: the page's model rebuilt in PyTorch, its greedy decoding in float64
import pytest

import d2lmini
from d2lmini.display import shading
from d2lmini.generators import export


@pytest.fixture(scope='module')
def lm(make_lm):
    model = make_lm('concise', vocab_size=28, num_hiddens=16, seed=3).eval()
    return model, d2lmini.Vocab(list('abcdefghijklmnopqrstuvwxyz '))


@pytest.fixture
def two_generators(lm, open_page):
    model, vocab = lm
    page, recorder = open_page(width=375)
    first = export.html_snippet(model, vocab, prefix='it has', length=40)
    second = export.html_snippet(model, vocab, prefix='the time', length=40, temperature=0.8, seed=4)
    page.set_content(f'<!doctype html><html><body><p>host page</p>{first}{second}</body></html>')
    page.wait_for_selector('.d2lmini-gen[data-d2lmini-mounted] >> nth=1')
    return page, recorder


def test_generators_on_one_page_are_independent(two_generators, generator_in, lm):
    page, recorder = two_generators
    first, second = generator_in(page, 0), generator_in(page, 1)
    assert page.evaluate('typeof window.d2lminiGenerator') == 'undefined'  # nothing leaks into the page's globals
    assert len({first.root.get_attribute('id'), second.root.get_attribute('id')}) == 2
    before = second.output()
    first.set(prefix='The Time-Traveller, said:')
    reference, margin = oracles.greedy_float64(first.payload(), 'The Time-Traveller, said:', 40)
    assert margin > 1e-4 and first.output() == reference == lm[0].predict('The Time-Traveller, said:', 40, lm[1])
    assert second.output() == before and before.startswith('the time')
    assert recorder.requests == [] and recorder.console_errors == recorder.page_errors == []


def test_snippet_fits_a_phone_screen(two_generators, generator_in, artifacts):
    page, _ = two_generators
    assert page.evaluate('document.documentElement.scrollWidth') <= 375
    generator_in(page, 1).root.screenshot(path=artifacts / 'snippet-375.png')


# A script (or a browser extension) can put anything into the fields: past the text box's maxlength, text into a
# number field (after changing its type), values a slider would never take. The page must refuse each at once,
# with a message that names the rule, and never start the work a huge value asks for.
SET_BY_SCRIPT = """([name, unit, count, asText]) => {
  const root = document.querySelector('.d2lmini-gen'), field = root.querySelector(`[data-d2lmini="${name}"]`);
  if (asText) field.type = 'text';
  field.value = unit.repeat(count);
  field.dispatchEvent(new Event('input'));
  const message = root.querySelector('[data-d2lmini="message"]');
  return {value: field.value.length > 40 ? field.value.length : field.value,
          message: message.hidden ? null : message.textContent,
          output: root.querySelector('[data-d2lmini="output"]').textContent};
}"""
MB = 1 << 20
LENGTH_RULE = 'the number of characters must be a whole number between 0 and 10,000, got '
TEMPERATURE_RULE = 'temperature must be 0 (greedy) or a finite number above 0 and at most 2, got '
SEED_RULE = 'the seed must be a whole number from 0 to 4,294,967,295, got '


@pytest.fixture
def one_generator(lm, open_page):
    model, vocab = lm
    page, recorder = open_page()
    page.set_content(
        '<!doctype html><html><body>'
        + export.html_snippet(model, vocab, prefix='it has', length=20, temperature=0.123, seed=5)
        + '</body></html>'
    )
    page.wait_for_selector('.d2lmini-gen[data-d2lmini-mounted]')
    yield page
    assert recorder.requests == [] and recorder.console_errors == recorder.page_errors == []


@pytest.mark.parametrize(
    'name, unit, count, as_text, message',
    [
        ('prefix', 'a', MB, False, 'prefix has 1,048,576 characters; the limit is 1,000: shorten it.'),
        ('prefix', 'the time ', 116508, False, 'prefix has 1,048,572 characters; the limit is 1,000: shorten it.'),
        ('prefix', '😀', 1001, False, 'prefix has 1,001 characters; the limit is 1,000: shorten it.'),
        ('length', '10001', 1, False, LENGTH_RULE + '"10001".'),
        ('length', '-1', 1, False, LENGTH_RULE + '"-1".'),
        ('length', '1e400', 1, True, LENGTH_RULE + '"1e400".'),
        ('length', '1e400', 1, False, LENGTH_RULE + '"".'),  # a number field itself empties a value that overflows
        ('length', '9', MB, True, LENGTH_RULE + '"999999999999999999999999...".'),
        ('length', 'abc', 1, True, LENGTH_RULE + '"abc".'),
        ('length', '', 1, False, LENGTH_RULE + '"".'),
        ('temperature', '2.5', 1, True, TEMPERATURE_RULE + '"2.5".'),
        ('temperature', '-0.1', 1, True, TEMPERATURE_RULE + '"-0.1".'),
        ('temperature', 'Infinity', 1, True, TEMPERATURE_RULE + '"Infinity".'),
        ('temperature', '1e999', 1, True, TEMPERATURE_RULE + '"1e999".'),
        ('temperature', 'NaN', 1, True, TEMPERATURE_RULE + '"NaN".'),
        ('temperature', '0x1', 1, True, TEMPERATURE_RULE + '"0x1".'),
        ('temperature', '1', MB, True, TEMPERATURE_RULE + '"111111111111111111111111...".'),
        ('seed', '4294967296', 1, False, SEED_RULE + '"4294967296".'),
        ('seed', '18446744073709551616', 1, False, SEED_RULE + '"18446744073709551616".'),
        ('seed', '-1', 1, False, SEED_RULE + '"-1".'),
        ('seed', '1.5', 1, False, SEED_RULE + '"1.5".'),
        ('seed', '1e21', 1, False, SEED_RULE + '"1e21".'),
        ('seed', '9', MB, True, SEED_RULE + '"999999999999999999999999...".'),
        ('seed', 'abc', 1, True, SEED_RULE + '"abc".'),
    ],
)
def test_hostile_values_set_by_script_get_a_clear_message(one_generator, name, unit, count, as_text, message):
    result = one_generator.evaluate(SET_BY_SCRIPT, [name, unit, count, as_text])
    assert result['message'] == message and result['output'] == ''


def test_values_at_the_limits_are_accepted(one_generator, lm):
    model, vocab = lm
    result = one_generator.evaluate(SET_BY_SCRIPT, ['prefix', 'x', 1000, False])
    assert result['message'] is None and result['output'].startswith('x' * 1000)
    for name, value in [('length', '10000'), ('seed', '4294967295'), ('temperature', '2')]:
        result = one_generator.evaluate(SET_BY_SCRIPT, [name, value, 1, False])
        assert result['message'] is None and result['value'] == value
    assert len(result['output']) == 1000 + 10_000


def test_the_slider_keeps_the_exact_temperature_and_clamps_to_the_rule(one_generator):
    field = one_generator.locator('[data-d2lmini="temperature"]')
    assert field.input_value() == '0.123'  # step="any": not snapped to a slider step (it was 0.1)
    assert one_generator.locator('[data-d2lmini="temperature-value"]').text_content() == '0.123'
    result = one_generator.evaluate(SET_BY_SCRIPT, ['temperature', '5', 1, False])
    assert result['value'] == '2' and result['message'] is None  # a range input never leaves [0, MAX_TEMPERATURE]


def test_generate_button_wraps_the_seed_within_its_range(one_generator):
    one_generator.evaluate(SET_BY_SCRIPT, ['seed', '4294967295', 1, False])
    one_generator.locator('[data-d2lmini="generate"]').click()
    assert one_generator.locator('[data-d2lmini="seed"]').input_value() == '0'
    assert not one_generator.locator('[data-d2lmini="message"]').is_visible()


# --- per-character probabilities and the scoring tab -------------------------------------------------------------

SCORE_TEXTS = [
    'The Time Traveller (for so it will be convenient to speak of him) was expounding a recondite matter.',
    'I determined to descend and find where I could sleep.',
    'eelps dluoc I erehw dnif',
    'ab',
]
READ_SCORED = """([root, suffix]) => {
  const g = document.querySelectorAll('.d2lmini-gen')[root];
  const box = g.querySelector(`[data-d2lmini="scored${suffix}"]`);
  const ppl = g.querySelector(`[data-d2lmini="perplexity${suffix}"]`);
  return {chars: Array.from(box.children).map(s => s.textContent), first: box.children[0].hasAttribute('data-p'),
          probs: Array.from(box.querySelectorAll('[data-p]')).map(s => Number(s.getAttribute('data-p'))),
          perplexity: ppl ? Number(ppl.textContent) : null};
}"""


@pytest.fixture
def scorer(lm, open_page, make_lm):
    """A generator opened on its scoring tab, with an untrained baseline beside the (spread-out) test model."""
    model, vocab = lm
    baseline = make_lm('concise', vocab_size=28, num_hiddens=16, seed=8)
    page, recorder = open_page(width=375)
    snippet = export.html_snippet(
        model, vocab, prefix='it has', length=60, baseline=baseline, mode='score', score_text=SCORE_TEXTS[0], lang='zh'
    )
    page.set_content(f'<!doctype html><html><head><meta charset="utf-8"></head><body>{snippet}</body></html>')
    page.wait_for_selector('.d2lmini-gen[data-d2lmini-mounted]')
    yield page, model, baseline, vocab
    assert recorder.requests == [] and recorder.console_errors == recorder.page_errors == recorder.dialogs == []


def assert_page_agrees(shown, expected):
    assert ''.join(shown['chars']) == expected.text and not shown['first']  # the first character has no data-p
    assert len(shown['probs']) == len(expected.probs)
    assert max(abs(a - b) for a, b in zip(shown['probs'], expected.probs)) < 1e-4
    assert abs(shown['perplexity'] / expected.perplexity - 1) < 1e-4


def test_scoring_tab_agrees_with_python_for_both_models(scorer, generator_in):
    page, model, baseline, vocab = scorer
    gen = generator_in(page)
    assert gen.field('panel-score').is_visible() and not gen.field('panel-generate').is_visible()
    assert gen.field('tab-score').text_content() == '给句子打分'
    for text in SCORE_TEXTS:
        gen.field('score').fill(text)
        assert_page_agrees(page.evaluate(READ_SCORED, [0, '']), model.score(text, vocab))
        assert_page_agrees(page.evaluate(READ_SCORED, [0, '-baseline']), baseline.score(text, vocab))
        assert gen.field('nll').text_content() == f'{model.score(text, vocab).nll:.4f}'
    assert gen.message() is None and not gen.field('score-message').is_visible()


def test_generated_text_is_shaded_with_pythons_probabilities(lm, two_generators, generator_in):
    model, vocab = lm
    page, _ = two_generators
    for i in (0, 1):  # greedy and sampled: each character carries the model's probability at temperature 1
        output = generator_in(page, i).field('output')
        text = output.text_content()
        probs = [float(p) for p in output.locator('[data-p]').evaluate_all('l => l.map(s => s.dataset.p)')]
        expected = model.score(text, vocab)
        assert len(probs) == len(text) - 1 and max(abs(a - b) for a, b in zip(probs, expected.probs)) < 1e-4
        classes = output.locator('span').evaluate_all('l => l.map(s => s.className)')
        assert classes[0] == 'd2lmini-p-first'
        assert classes[1:] == [f'd2lmini-p{shading.level(p)}' for p in expected.probs]


def test_pointing_tapping_and_arrow_keys_explain_a_character(scorer, generator_in):
    page, model, _, vocab = scorer
    gen = generator_in(page)
    gen.field('score').fill('the time')
    expected = model.score('the time', vocab)
    gen.field('scored').locator('span').nth(4).hover()  # the "t" of "time"
    details = gen.field('details').text_content()
    assert f'p = {expected.probs[3]:.4f}' in details and '读到“the ”之后，模型预期：' in details
    rows = gen.field('details').locator('.d2lmini-gen-bar')
    tokens = rows.locator('.d2lmini-gen-bar-token').all_text_contents()
    assert rows.count() in (5, 6) and tokens[:5] == [shading.shown(t) for t, _ in expected.top[3]]
    gen.field('scored-baseline').focus()  # keyboard: focus starts at the first character, without a prediction
    assert gen.field('details').text_content() == '未训练的模型“t”是第一个字符：没有上文，模型不对它做预测。'
    gen.field('scored').focus()  # this one keeps the character pointed at
    assert f'p = {expected.probs[3]:.4f}' in gen.field('details').text_content()
    page.keyboard.press('End')
    assert f'p = {expected.probs[-1]:.4f}' in gen.field('details').text_content()
    page.keyboard.press('ArrowLeft')
    assert f'p = {expected.probs[-2]:.4f}' in gen.field('details').text_content()
    assert gen.field('scored').locator('.is-current').text_content() == 'm'
    gen.field('scored-baseline').locator('span').nth(2).click()  # a tap
    assert gen.field('details').text_content().startswith('未训练的模型')


def test_tabs_follow_the_arrow_keys(scorer, generator_in):
    page, *_ = scorer
    gen = generator_in(page)
    gen.field('tab-score').focus()
    page.keyboard.press('ArrowLeft')
    assert gen.field('tab-generate').get_attribute('aria-selected') == 'true'
    assert page.evaluate('document.activeElement.dataset.d2lmini') == 'tab-generate'
    assert gen.field('panel-generate').is_visible() and not gen.field('panel-score').is_visible()


@pytest.mark.parametrize('text', ['<img src=x onerror=alert(1)>', '<script>alert(1)</script> the time'])
def test_typed_markup_in_the_score_box_stays_text(scorer, generator_in, text):
    page, model, _, vocab = scorer
    gen = generator_in(page)
    gen.field('score').fill(text)
    page.wait_for_timeout(200)  # let any injected handler fire, if one had been created
    assert gen.field('scored').locator('*:not(span), span *').count() == 0
    assert gen.field('scored').text_content() == model.score(text, vocab).text


@pytest.mark.parametrize(
    'unit, count, message',
    [
        ('a', MB, 'text has 1,048,576 characters; the limit is 11,000: shorten it.'),
        ('😀', 11_001, 'text has 11,001 characters; the limit is 11,000: shorten it.'),
        ('时间', 1, "text contains characters the model never saw: '时' '间'."),
        ('!', 1, 'text has only one character once normalized; scoring needs at least two'),
        ('', 1, 'text is empty: type a sentence to score'),
    ],
)
def test_bad_score_text_gets_a_clear_message(scorer, unit, count, message):
    page, *_ = scorer
    result = page.evaluate(
        """([unit, count]) => {
      const root = document.querySelector('.d2lmini-gen'), field = root.querySelector('[data-d2lmini="score"]');
      field.value = unit.repeat(count);
      field.dispatchEvent(new Event('input'));
      const m = root.querySelector('[data-d2lmini="score-message"]');
      return {message: m.hidden ? null : m.textContent, chars:
      root.querySelectorAll('[data-d2lmini="scored"] span').length,
              ppl: root.querySelectorAll('[data-d2lmini="perplexity"]').length};
    }""",
        [unit, count],
    )
    assert result['message'].startswith(message) and result['chars'] == result['ppl'] == 0


def test_scoring_tab_fits_a_phone_screen(scorer, generator_in, artifacts):
    page, *_ = scorer
    gen = generator_in(page)
    gen.field('scored').locator('span').nth(10).hover()
    assert page.evaluate('document.documentElement.scrollWidth') <= 375
    gen.root.screenshot(path=artifacts / 'snippet-score-375.png')


@pytest.mark.parametrize('lang', ['en', 'zh-hant'])
@pytest.mark.parametrize('width', [320, 375])
def test_both_tabs_fit_narrow_screens_in_every_language(lm, make_lm, open_page, generator_in, lang, width):
    model, vocab = lm
    page, recorder = open_page(width=width)
    snippet = export.html_snippet(
        model, vocab, baseline=make_lm('concise', vocab_size=28, num_hiddens=16, seed=8), lang=lang
    )
    page.set_content(f'<!doctype html><html><head><meta charset="utf-8"></head><body>{snippet}</body></html>')
    gen = generator_in(page)
    for tab, text in (('generate', 'output'), ('score', 'scored')):
        gen.field(f'tab-{tab}').click()
        gen.field(text).locator('span').nth(3).hover()  # the details box with its chart is showing
        assert gen.root.evaluate('el => el.scrollWidth <= el.clientWidth + 1'), (tab, lang, width)
        assert page.evaluate('document.documentElement.scrollWidth') <= width
    assert recorder.console_errors == recorder.page_errors == []
