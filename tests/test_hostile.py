"""Property tests: any prefix, length, temperature and seed, of any type, fed to predict, sample, html_snippet and
the notebook panel gives either a valid result or a TypeError/ValueError whose short message names the argument;
never another exception, never a hang (each example has a deadline; the limits bound the work).

Each example makes one argument hostile (or none) and draws the others from their valid ranges, so every hostile
value reaches the check it targets instead of an earlier check on another argument.
"""

from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import d2lmini
from d2lmini.generators import export, widgets
from d2lmini.utils import preprocess

PROPERTY = settings(
    max_examples=60, deadline=timedelta(seconds=3), suppress_health_check=[HealthCheck.function_scoped_fixture]
)
NAMES = ('prefix', 'num_preds', 'length', 'temperature', 'seed')

# Integers come only from the ranges named per argument: a valid length stays small, so each example is quick.
big = st.one_of(st.integers(max_value=-1), st.integers(min_value=d2lmini.MAX_PREDS + 1))
anything = st.one_of(
    st.none(),
    st.booleans(),
    big,
    st.floats(),
    st.text(max_size=6),
    st.binary(max_size=3),
    st.lists(st.integers(), max_size=2),
    st.complex_numbers(),
)
long_prefixes = st.builds(
    lambda unit, n: unit * n, st.sampled_from(['a', 'x ', '😀', 'é', '\n']), st.integers(990, 1010)
)
prefixes = st.one_of(
    st.text(max_size=30), st.text(st.characters(max_codepoint=127), min_size=1, max_size=30), long_prefixes, anything
)
lengths = st.one_of(st.integers(0, 40), big, anything)
temperatures = st.one_of(st.floats(0, 3), st.integers(-3, 3), anything)
seeds = st.one_of(st.integers(0, d2lmini.MAX_SEED), big, anything)
HOSTILE = {'prefix': prefixes, 'num_preds': lengths, 'temperature': temperatures, 'seed': seeds}
VALID = {
    'prefix': st.text(st.characters(max_codepoint=127), min_size=1, max_size=30),
    'num_preds': st.integers(0, 40),
    'temperature': st.floats(1e-300, d2lmini.MAX_TEMPERATURE),
    'seed': st.integers(0, d2lmini.MAX_SEED),
}


@st.composite
def one_hostile(draw, names):
    """Values for ``names``: one of them (or none) from its hostile strategy, the others valid."""
    bad = draw(st.sampled_from((None,) + names))
    return {name: draw(HOSTILE[name] if name == bad else VALID[name]) for name in names}


@pytest.fixture(scope='module')
def vocab():
    return d2lmini.Vocab(list('abcdefghijklmnopqrstuvwxyz '))


@pytest.fixture(scope='module')
def model(make_lm):
    return make_lm('concise', vocab_size=28, num_hiddens=8).eval()


def outcome(call):
    """The call's result, or its TypeError/ValueError after checking the message is short and names an argument."""
    try:
        return call()
    except (TypeError, ValueError) as err:
        message = str(err)
        assert 0 < len(message) < 400 and any(name in message for name in NAMES), message
        return err


def assert_continues(text, prefix, num_preds, vocab):
    assert isinstance(text, str) and text.startswith(preprocess(prefix))
    assert len(text) == len(preprocess(prefix)) + num_preds and set(text) <= set(vocab.idx_to_token)


@PROPERTY
@given(args=one_hostile(('prefix', 'num_preds')))
def test_predict_answers_any_input(model, vocab, args):
    prefix, num_preds = args['prefix'], args['num_preds']
    result = outcome(lambda: model.predict(prefix, num_preds, vocab))
    if not isinstance(result, Exception):
        assert_continues(result, prefix, num_preds, vocab)


@PROPERTY
@given(args=one_hostile(('prefix', 'num_preds', 'temperature', 'seed')))
def test_sample_answers_any_input(model, vocab, args):
    prefix, num_preds, temperature, seed = args.values()
    result = outcome(lambda: model.sample(prefix, num_preds, vocab, temperature=temperature, seed=seed))
    if not isinstance(result, Exception):
        assert_continues(result, prefix, num_preds, vocab)
        assert 0 < temperature <= d2lmini.MAX_TEMPERATURE and (seed is None or 0 <= seed <= d2lmini.MAX_SEED)


@PROPERTY
@given(args=one_hostile(('prefix', 'num_preds', 'temperature', 'seed')))
def test_html_snippet_answers_any_input(model, vocab, args):
    prefix, length, temperature, seed = args.values()
    result = outcome(lambda: export.html_snippet(model, vocab, prefix, length, temperature, seed))
    if not isinstance(result, Exception):
        assert 'data-d2lmini="weights"' in result
        assert 0 <= temperature <= d2lmini.MAX_TEMPERATURE and 0 <= seed <= d2lmini.MAX_SEED
        if temperature == 0:  # greedy: the page shows predict's text before any script runs
            assert f'aria-live="polite">{model.predict(prefix, length, vocab)}</p>' in result


@PROPERTY
@given(
    prefix=st.one_of(st.text(max_size=30), long_prefixes),
    num_preds=st.one_of(st.integers(0, 40), big),
    seed=st.integers(),
    sample=st.booleans(),
)
def test_the_panel_shows_text_or_a_message_for_any_field_values(model, vocab, prefix, num_preds, seed, sample):
    panel = widgets.generation_panel(model, vocab, num_preds=0)
    panel.prefix.value, panel.num_preds.value, panel.seed.value = prefix, num_preds, seed
    panel.mode.value = 'sample' if sample else 'greedy'
    text = panel.generate()  # never raises
    if text is None:
        assert panel.message and any(name in panel.message for name in NAMES), panel.message
        assert len(panel.message) < 400 and 'Traceback' not in panel.output.value
    else:
        assert_continues(text, prefix, num_preds, vocab)
