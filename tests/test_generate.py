"""predict/sample on scratch and concise models: normalized prefix, length, reproducibility, vocabulary, clear errors.

Normalization (as the training text): letters are lower-cased and every run of other ASCII characters becomes one
space, e.g. ``"It's 1895!"`` -> ``"it s "`` and ``"THE  Time\\n"`` -> ``"the time "``. Non-ASCII is an error.
"""

import inspect
import math

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

import d2lmini
from d2lmini.utils import preprocess

MODEL_KINDS = ['scratch', 'concise']
SETTINGS = settings(max_examples=25, deadline=None)
ascii_prefixes = st.text(st.characters(min_codepoint=0, max_codepoint=127), min_size=1, max_size=20)


@pytest.fixture(scope='module')
def vocab(small_data):
    return small_data.vocab


@pytest.fixture(scope='module')
def models(make_lm, small_data):
    """Small fixed models (random weights, seeded), built once: generation does not need a trained model."""
    return {kind: make_lm(kind, num_hiddens=16).eval() for kind in MODEL_KINDS}


def chars(vocab):
    return {t for t in vocab.idx_to_token if len(t) == 1}


@pytest.mark.parametrize(
    'prefix, expected',
    [
        ("It's 1895!", 'it s '),
        ('THE  Time\n', 'the time '),
        ('traveller', 'traveller'),
        ('...', ' '),
        ('a-b_c', 'a b c'),
    ],
)
@pytest.mark.parametrize('kind', MODEL_KINDS)
@pytest.mark.parametrize('method', ['predict', 'sample'])
def test_prefix_is_normalized_like_the_training_text(models, vocab, kind, method, prefix, expected):
    assert getattr(models[kind], method)(prefix, 0, vocab) == expected


@pytest.mark.parametrize('kind', MODEL_KINDS)
@SETTINGS
@given(prefix=ascii_prefixes, num_preds=st.integers(0, 30))
def test_predict_length_prefix_and_alphabet(models, vocab, kind, prefix, num_preds):
    out = models[kind].predict(prefix, num_preds, vocab)
    text = preprocess(prefix)
    assert len(out) == len(text) + num_preds
    assert out.startswith(text)
    assert set(out) <= chars(vocab)


@pytest.mark.parametrize('kind', MODEL_KINDS)
@SETTINGS
@given(
    prefix=ascii_prefixes,
    num_preds=st.integers(0, 30),
    seed=st.integers(0, d2lmini.MAX_SEED),
    temperature=st.floats(min_value=1e-300, max_value=d2lmini.MAX_TEMPERATURE),
)
def test_sample_is_valid_and_reproducible_under_seed(models, vocab, kind, prefix, num_preds, seed, temperature):
    out = models[kind].sample(prefix, num_preds, vocab, temperature=temperature, seed=seed)
    assert out == models[kind].sample(prefix, num_preds, vocab, temperature=temperature, seed=seed)
    assert len(out) == len(preprocess(prefix)) + num_preds
    assert out.startswith(preprocess(prefix)) and set(out) <= chars(vocab)


@pytest.mark.parametrize('kind', MODEL_KINDS)
def test_predict_is_deterministic(models, vocab, kind):
    assert models[kind].predict('time ', 40, vocab) == models[kind].predict('time ', 40, vocab)


@pytest.mark.parametrize('kind', MODEL_KINDS)
def test_different_seeds_give_different_samples(models, vocab, kind):
    samples = {models[kind].sample('the ', 50, vocab, temperature=2.0, seed=s) for s in range(3)}
    assert len(samples) == 3


@pytest.mark.parametrize('kind', MODEL_KINDS)
def test_tiny_temperature_samples_the_greedy_path(models, vocab, kind):
    model = models[kind]
    assert model.sample('time ', 30, vocab, temperature=1e-6, seed=0) == model.predict('time ', 30, vocab)


@pytest.mark.parametrize('method', ['predict', 'sample'])
def test_unk_is_never_generated(make_lm, vocab, method):
    model = make_lm('concise')
    with torch.no_grad():
        model.linear.bias[vocab.unk] = 100.0  # the model now all but always prefers <unk>
    out = getattr(model, method)('the', 20, vocab)
    assert len(out) == 23 and '<unk>' not in out and set(out) <= chars(vocab)


def test_predict_follows_the_most_likely_character(models, vocab):
    model = models['concise']
    out = model.predict('th', 1, vocab)
    logits = model(torch.tensor([vocab[list('th')]]))[0, -1]
    assert out[-1] == vocab.idx_to_token[int(logits.argmax())]


def test_scratch_and_concise_share_one_interface(models, vocab):
    for method in ('predict', 'sample'):
        scratch, concise = (inspect.signature(getattr(models[k], method)) for k in MODEL_KINDS)
        assert scratch == concise
    outs = [models[k].sample('the time', 12, vocab, temperature=0.7, seed=5) for k in MODEL_KINDS]
    assert [len(o) for o in outs] == [20, 20] and all(isinstance(o, str) for o in outs)


def test_generate_function_matches_the_methods(models, vocab):
    model = models['scratch']
    assert d2lmini.generate(model, 'Time', 15, vocab) == model.predict('Time', 15, vocab)


@pytest.mark.parametrize('kind', MODEL_KINDS)
def test_empty_prefix_is_rejected(models, vocab, kind):
    with pytest.raises(ValueError, match='prefix is empty'):
        models[kind].predict('', 5, vocab)


@pytest.mark.parametrize(
    'prefix, shown', [('café', "'é'"), ('时间机器', "'时'"), ('time 🙂', "'🙂'"), ('naïve Ångström', "'Å'")]
)
@pytest.mark.parametrize('kind', MODEL_KINDS)
def test_non_ascii_prefix_is_rejected_naming_the_characters(models, vocab, kind, prefix, shown):
    with pytest.raises(ValueError, match=f'never saw: .*{shown}.*letters a-z'):
        models[kind].predict(prefix, 5, vocab)


@pytest.mark.parametrize('prefix', [None, 42, ['t', 'h'], b'the'])
def test_non_string_prefix_is_rejected(models, vocab, prefix):
    with pytest.raises(TypeError, match='prefix must be a string'):
        models['concise'].predict(prefix, 5, vocab)


@pytest.mark.parametrize(
    'num_preds, error, message',
    [
        (-1, ValueError, 'between 0 and 10,000 characters, got -1'),
        (d2lmini.MAX_PREDS + 1, ValueError, 'between 0 and 10,000 characters, got 10,001'),
        (10**100, ValueError, 'between 0 and 10,000'),
        (True, TypeError, 'an integer, got True .bool'),
        (5.0, TypeError, 'an integer.*float'),
        ('5', TypeError, 'an integer.*str'),
        (None, TypeError, 'an integer'),
    ],
)
@pytest.mark.parametrize('method', ['predict', 'sample'])
def test_bad_num_preds_is_rejected(models, vocab, method, num_preds, error, message):
    with pytest.raises(error, match=f'num_preds must be {message}'):
        getattr(models['scratch'], method)('the', num_preds, vocab)


def test_max_preds_is_allowed_and_is_the_cap(models, vocab):
    assert d2lmini.MAX_PREDS == 10_000
    assert len(models['concise'].predict('a', d2lmini.MAX_PREDS, vocab)) == 1 + d2lmini.MAX_PREDS


RULE = 'temperature must be a finite number above 0 and at most 2 '


@pytest.mark.parametrize(
    'temperature, error, message',
    [
        (0, ValueError, 'got 0; for greedy decoding use predict'),
        (-1.0, ValueError, 'got -1.0'),
        (math.nan, ValueError, 'got nan'),
        (math.inf, ValueError, 'got inf'),
        (-math.inf, ValueError, 'got -inf'),
        (10**400, ValueError, 'got -?a number of about 400 digits'),
        (2.0000001, ValueError, 'got 2.0000001'),
        (3, ValueError, 'got 3'),
        ('hot', TypeError, "got 'hot' .str"),
        (True, TypeError, 'got True .bool'),
        (None, TypeError, 'got None .NoneType.; for greedy decoding use predict'),
        (torch.tensor(1.0), TypeError, 'got tensor'),
    ],
)
@pytest.mark.parametrize('kind', MODEL_KINDS)
def test_bad_temperature_is_rejected(models, vocab, kind, temperature, error, message):
    with pytest.raises(error, match=f'{RULE}.*{message}'):
        models[kind].sample('the', 5, vocab, temperature=temperature)


@pytest.mark.parametrize('temperature', [d2lmini.MAX_TEMPERATURE, 1, 0.123, 1e-300, 5e-324])
def test_temperatures_up_to_the_cap_are_accepted(models, vocab, temperature):
    assert len(models['concise'].sample('the', 5, vocab, temperature=temperature, seed=0)) == 8
