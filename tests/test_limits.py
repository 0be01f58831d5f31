"""One set of generation rules (d2lmini/limits.py) kept by predict, sample, html_snippet and the notebook panel.

Each hostile value below is tried on every surface that takes it; each must answer with the same kind of error
(``TypeError`` for the wrong kind of value, ``ValueError`` for one out of range) and a message that names the
limit; the panel shows that message instead of raising. The model is also checked: its vocabulary size, finite
weights, its device, and an untrained model must not move torch's global random state.
"""

import math
from pathlib import Path

import numpy as np
import pytest
import torch

import d2lmini
from d2lmini import limits
from d2lmini.generators import export, widgets

SURFACES = ['predict', 'sample', 'html_snippet', 'panel']
UNSET = object()  # a setting the caller leaves at the surface's default


@pytest.fixture(scope='module')
def vocab():
    return d2lmini.Vocab(list('abcdefghijklmnopqrstuvwxyz '))  # 28 tokens with <unk>


@pytest.fixture(scope='module')
def model(make_lm):
    return make_lm('concise', vocab_size=28, num_hiddens=8).eval()


def run(surface, model, vocab, prefix='the', num_preds=5, temperature=UNSET, seed=UNSET):
    """Generate on ``surface``; returns the text, or raises the error (the panel's message as a ValueError)."""
    if surface == 'predict':
        return model.predict(prefix, num_preds, vocab)
    if surface == 'sample':
        return model.sample(
            prefix,
            num_preds,
            vocab,
            temperature=1.0 if temperature is UNSET else temperature,
            seed=None if seed is UNSET else seed,
        )
    if surface == 'html_snippet':
        return export.html_snippet(
            model, vocab, prefix, num_preds, 0 if temperature is UNSET else temperature, 0 if seed is UNSET else seed
        )
    panel = widgets.generation_panel(model, vocab)
    panel.mode.value = 'greedy' if temperature is UNSET and seed is UNSET else 'sample'
    panel.prefix.value, panel.num_preds.value = prefix, num_preds
    if seed is not UNSET:
        panel.seed.value = seed
    if temperature is not UNSET:
        panel.temperature.value = temperature
    text = panel.generate()
    if panel.message is not None:
        raise ValueError(panel.message)
    return text


PREFIX_CASES = [
    pytest.param(
        'x' * (limits.MAX_PREFIX + 1),
        ValueError,
        'prefix has 1,001 characters; the limit is 1,000: shorten it',
        id='1001 chars',
    ),
    pytest.param('the time ' * 116508, ValueError, 'prefix has 1,048,572 characters; the limit is 1,000', id='1 MB'),
    pytest.param('é' * 5000, ValueError, 'prefix has 5,000 characters', id='5000 non-ASCII'),  # length first
    pytest.param('', ValueError, 'prefix is empty', id='empty'),
]
LENGTH_CASES = [
    (-1, ValueError, 'between 0 and 10,000 characters, got -1'),
    (10_001, ValueError, 'got 10,001'),
    pytest.param(10**5000, ValueError, 'got a number of about 5000 digits', id='10**5000'),
]
SEED_CASES = [
    (-1, ValueError, 'got -1'),
    (2**32, ValueError, 'got 4,294,967,296'),
    (2**64, ValueError, 'got 18,446,744,073,709,551,616'),
    (10**21, ValueError, 'got 1,000,000,'),
    pytest.param(10**5000, ValueError, 'about 5000 digits', id='10**5000'),
]
# Values of the wrong type: the panel's fields cannot hold them (a Text holds str, an IntText int).
WRONG_TYPES = [
    ('prefix', 42, 'prefix must be a string, got int'),
    ('num_preds', 2.0, 'an integer, got 2.0'),
    ('num_preds', None, 'an integer, got None'),
    ('seed', 1.5, 'got 1.5 .float'),
    ('seed', '0', "got '0' .str"),
    ('seed', True, 'got True .bool'),
]
SEED_RULE = 'seed must be a whole number from 0 to 4,294,967,295'


def length_name(surface):
    return 'length' if surface == 'html_snippet' else 'num_preds'  # the argument's name on that surface


@pytest.mark.parametrize('surface', SURFACES)
@pytest.mark.parametrize('prefix, error, message', PREFIX_CASES)
def test_prefix_limit_is_the_same_everywhere(model, vocab, surface, prefix, error, message):
    with pytest.raises(error, match=message):
        run(surface, model, vocab, prefix=prefix)


@pytest.mark.parametrize('surface', SURFACES)
def test_a_prefix_at_the_limit_is_read(model, vocab, surface):
    text = run(surface, model, vocab, prefix='x' * limits.MAX_PREFIX, num_preds=3)
    assert 'x' * limits.MAX_PREFIX in text


@pytest.mark.parametrize('surface', SURFACES)
@pytest.mark.parametrize('num_preds, error, message', LENGTH_CASES)
def test_length_limit_is_the_same_everywhere(model, vocab, surface, num_preds, error, message):
    with pytest.raises(error, match=f'{length_name(surface)} must be .*{message}'):
        run(surface, model, vocab, num_preds=num_preds)


@pytest.mark.parametrize('surface', ['sample', 'html_snippet', 'panel'])
@pytest.mark.parametrize('seed, error, message', SEED_CASES)
def test_seed_range_is_the_same_everywhere(model, vocab, surface, seed, error, message):
    with pytest.raises(error, match=f'{SEED_RULE}.*{message}'):
        run(surface, model, vocab, seed=seed)


@pytest.mark.parametrize(
    'surface, name, value, message',
    [
        (surface, *case)
        for surface in ('predict', 'sample', 'html_snippet')
        for case in WRONG_TYPES
        if not (surface == 'predict' and case[0] == 'seed')
    ],
)  # predict takes no seed
def test_values_of_the_wrong_type_are_named(model, vocab, surface, name, value, message):
    expected = {'num_preds': f'{length_name(surface)} must be ', 'seed': f'{SEED_RULE}.*'}.get(name, '')
    with pytest.raises(TypeError, match=expected + message):
        run(surface, model, vocab, **{name: value})


@pytest.mark.parametrize('surface', ['sample', 'html_snippet', 'panel'])
@pytest.mark.parametrize('seed', [0, limits.MAX_SEED, np.int64(7)])
def test_seeds_in_range_are_accepted(model, vocab, surface, seed):
    assert run(surface, model, vocab, seed=seed, temperature=1.0)


def test_seed_range_is_two_to_the_32_and_seeds_do_not_wrap(model, vocab):
    assert limits.MAX_SEED == 2**32 - 1 == d2lmini.MAX_SEED
    texts = {model.sample('the', 40, vocab, temperature=2, seed=s) for s in (0, 1, limits.MAX_SEED)}
    assert len(texts) == 3


@pytest.mark.parametrize(
    'surface, temperature, message',
    [
        ('sample', 0, 'above 0 and at most 2 .*got 0; for greedy decoding use predict'),
        ('sample', None, 'got None .NoneType.; for greedy decoding use predict'),
        ('sample', 2.5, 'at most 2 .*got 2.5'),
        ('sample', math.nan, 'got nan'),
        ('html_snippet', 2.5, '0 .greedy. or a finite number above 0 and at most 2, got 2.5'),
        ('html_snippet', -0.1, 'got -0.1'),
        ('html_snippet', math.inf, 'got inf'),
        ('html_snippet', None, 'got None'),
    ],
)
def test_one_temperature_rule(model, vocab, surface, temperature, message):
    with pytest.raises((TypeError, ValueError), match=f'temperature must be .*{message}'):
        run(surface, model, vocab, temperature=temperature, seed=0)


def test_temperature_zero_is_greedy_in_the_page_only(model, vocab):
    assert limits.MAX_TEMPERATURE == d2lmini.MAX_TEMPERATURE == 2
    page = export.html_snippet(model, vocab, prefix='it has', length=30, temperature=0)
    assert f'>{model.predict("it has", 30, vocab)}</p>' in page
    assert 'max="2" step="any"' in page and f'maxlength="{limits.MAX_PREFIX}"' in page


@pytest.mark.parametrize('surface', SURFACES)
def test_vocabulary_of_another_size_is_named(make_lm, vocab, surface):
    for model in (make_lm('concise', vocab_size=28), d2lmini.RNNLM(d2lmini.RNN(28, 8), 28)):  # trained-like, lazy
        small = d2lmini.Vocab(list('abc'))
        with pytest.raises(
            ValueError,
            match='the model reads 28 tokens but the vocabulary has 4: pass the vocabulary the model was trained with',
        ):
            if surface == 'panel':
                widgets.generation_panel(model, small)
            else:
                run(surface, model, small, prefix='abc')


@pytest.mark.parametrize('surface', ['predict', 'sample', 'html_snippet'])
def test_a_vocabulary_must_be_a_vocab(model, surface):
    with pytest.raises(TypeError, match='vocab must be a d2lmini Vocab .* got list'):
        run(surface, model, list('abc'), prefix='abc')


@pytest.mark.parametrize('surface', SURFACES)
@pytest.mark.parametrize('bad', [math.nan, math.inf])
def test_non_finite_weights_are_refused(make_lm, vocab, surface, bad):
    model = make_lm('concise', vocab_size=28, num_hiddens=8)
    with torch.no_grad():
        model.rnn.rnn.weight_hh_l0[0, 0] = bad
    expected = r'weights contain NaN or infinity \((rnn.rnn.weight_hh_l0|W_hh)\): its training diverged.*lr'
    with pytest.raises(ValueError, match=expected):
        run(surface, model, vocab)


@pytest.mark.parametrize('kind', ['concise', 'scratch'])
@pytest.mark.parametrize('method', ['predict', 'sample'])
def test_generating_from_an_untrained_model_keeps_the_global_random_state(kind, method, vocab):
    torch.manual_seed(0)
    model = (
        d2lmini.RNNLM(d2lmini.RNN(28, 8), 28)
        if kind == 'concise'
        else d2lmini.RNNLMScratch(d2lmini.RNNScratch(28, 8), 28)
    )
    state = torch.random.get_rng_state()
    kwargs = {'seed': 3, 'temperature': 1.0} if method == 'sample' else {}
    first = getattr(model, method)('the', 10, vocab, **kwargs)
    assert torch.equal(torch.random.get_rng_state(), state)
    assert getattr(model, method)('the', 10, vocab, **kwargs) == first  # the materialized weights stay


@pytest.mark.parametrize(
    'device, message',
    [
        ('tpu', "device must name a device such as 'cpu' or 'cuda:0', got 'tpu'"),
        ('meta', 'the model is on cpu but device is meta: leave device out, or move the model first'),
    ],
)
def test_a_wrong_device_is_named(model, vocab, device, message):
    with pytest.raises(ValueError, match=message):
        model.predict('the', 5, vocab, device=device)


@pytest.mark.parametrize('device', ['cuda', 'cuda:0', d2lmini.gpu(0)])
def test_cuda_without_cuda_is_named(model, vocab, device, monkeypatch):
    monkeypatch.setattr(torch.cuda, 'is_available', lambda: False)  # as on a machine without CUDA
    with pytest.raises(ValueError, match="device 'cuda(:0)?' was asked for, but PyTorch sees no CUDA GPU here"):
        model.sample('the', 5, vocab, device=device)


def test_the_models_own_device_is_accepted(model, vocab):
    assert model.predict('the', 5, vocab, device='cpu') == model.predict('the', 5, vocab, device=d2lmini.try_gpu())


def test_messages_stay_short_for_huge_values():
    assert limits.show('x' * 10**6) == "'" + 'x' * 39 + '... (1,000,002 characters)'
    assert limits.show(-(10**5000)) == '-a number of about 5000 digits'
    assert limits.show(12345) == '12,345'


def test_the_readme_states_the_limits_the_code_keeps():
    readme = (Path(__file__).resolve().parents[1] / 'README.md').read_text(encoding='utf-8')
    for stated in (
        f'`d2lmini.MAX_PREFIX` ({limits.MAX_PREFIX:,})',
        f'`d2lmini.MAX_PREDS` ({limits.MAX_PREDS:,})',
        f'`d2lmini.MAX_TEMPERATURE` ({limits.MAX_TEMPERATURE:g})',
        f'`d2lmini.MAX_SEED` ({limits.MAX_SEED:,}, that is 2<sup>32</sup> − 1)',
    ):
        assert stated in readme
