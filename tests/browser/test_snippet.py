"""html_generator's snippet on a bare page in Chromium (no book needed): several per page, no globals, parity."""
import pytest

import d2lmini
from d2lmini import export


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
    reference, margin = export.greedy_float64(first.payload(), 'The Time-Traveller, said:', 40)
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
SET_BY_SCRIPT = '''([name, unit, count, asText]) => {
  const root = document.querySelector('.d2lmini-gen'), field = root.querySelector(`[data-d2lmini="${name}"]`);
  if (asText) field.type = 'text';
  field.value = unit.repeat(count);
  field.dispatchEvent(new Event('input'));
  const message = root.querySelector('[data-d2lmini="message"]');
  return {value: field.value.length > 40 ? field.value.length : field.value,
          message: message.hidden ? null : message.textContent,
          output: root.querySelector('[data-d2lmini="output"]').textContent};
}'''
MB = 1 << 20
LENGTH_RULE = 'the number of characters must be a whole number between 0 and 10,000, got '
TEMPERATURE_RULE = 'temperature must be 0 (greedy) or a finite number above 0 and at most 2, got '
SEED_RULE = 'the seed must be a whole number from 0 to 4,294,967,295, got '


@pytest.fixture
def one_generator(lm, open_page):
    model, vocab = lm
    page, recorder = open_page()
    page.set_content('<!doctype html><html><body>' + export.html_snippet(model, vocab, prefix='it has', length=20,
                                                                         temperature=0.123, seed=5) + '</body></html>')
    page.wait_for_selector('.d2lmini-gen[data-d2lmini-mounted]')
    yield page
    assert recorder.requests == [] and recorder.console_errors == recorder.page_errors == []


@pytest.mark.parametrize('name, unit, count, as_text, message', [
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
    ('seed', 'abc', 1, True, SEED_RULE + '"abc".')])
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
