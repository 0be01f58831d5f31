"""Take a trained character RNN into the web page: its weights as JSON, and a generator that runs in the browser.

``export_weights`` turns an ``RNNLM`` (``nn.RNN``) or ``RNNLMScratch`` into a plain JSON-able dict in one layout,
PyTorch's: ``H_t = tanh(W_ih x_t + b_ih + W_hh H_{t-1} + b_hh)``, ``logits = W_out H_t + b_out``; arrays are
base64 of little-endian float32, so nothing is rounded. ``html_generator`` wraps that dict and the page's
JavaScript (``generator-math.js``, ``generator-page.js``; markup in ``page_markup.py``) into one self-contained
HTML snippet (no network): the reader types a prefix and the page continues it, or types a sentence and the page
scores it; every shown character carries the probability the model gave it.

Fidelity: the page computes in float64 from the float32 weights, PyTorch in float32, so greedy decoding agrees
character for character except where the two best logits are nearly tied. The tests' oracle
(``tests/oracles.py``) replays the page's arithmetic in Python and reports the smallest top-two margin it met, so
tests can tell a bug from a tie.
"""

import base64
import json
import math
import uuid

import numpy as np
import torch
from torch import nn

from ..data import Vocab
from ..display.labels import GENERATOR, INSIDE, SCORING, TRAINING
from ..display.labels import labels as page_labels
from ..limits import (
    LIMITS,
    check_finite,
    check_num_preds,
    check_seed,
    check_temperature,
    check_vocab,
    materialize,
    normalize_prefix,
    normalize_score_text,
)
from . import page_markup

FORMAT = 'd2lmini.rnn/1'
ARRAYS = ('W_ih', 'W_hh', 'b_ih', 'b_hh', 'W_out', 'b_out')
MODES = ('generate', 'score', 'train')


def _encode(tensor):
    t = tensor.detach().to('cpu', torch.float32).contiguous()
    data = np.asarray(t.numpy(), dtype='<f4').tobytes()
    return {'shape': list(t.shape), 'float32_le_base64': base64.b64encode(data).decode('ascii')}


def _decode(spec, name, shape):
    try:
        values = np.frombuffer(base64.b64decode(spec['float32_le_base64'], validate=True), dtype='<f4')
        return torch.tensor(values.astype(np.float32)).reshape(shape)
    except (KeyError, TypeError, ValueError, RuntimeError) as err:
        raise ValueError(f'weights[{name!r}] is not base64 float32 data of shape {shape}: {err}') from None


def _concise_params(rnn, linear):
    """The parameters of an ``nn.RNN`` + ``nn.Linear`` model under their export names: the one map used both ways."""
    return dict(
        W_ih=rnn.weight_ih_l0,
        W_hh=rnn.weight_hh_l0,
        b_ih=rnn.bias_ih_l0,
        b_hh=rnn.bias_hh_l0,
        W_out=linear.weight,
        b_out=linear.bias,
    )


def _rnn_arrays(model):
    """The six arrays in PyTorch's layout, from either language model of ``d2lmini.models``."""
    if hasattr(model, 'W_hq') and hasattr(model.rnn, 'W_xh'):  # RNNLMScratch: X @ W_xh, so transpose
        rnn = model.rnn
        return 'RNNLMScratch', dict(
            W_ih=rnn.W_xh.T,
            W_hh=rnn.W_hh.T,
            b_ih=rnn.b_h,
            b_hh=torch.zeros_like(rnn.b_h),
            W_out=model.W_hq.T,
            b_out=model.b_q,
        )
    rnn = getattr(getattr(model, 'rnn', None), 'rnn', getattr(model, 'rnn', None))
    linear = getattr(model, 'linear', None)
    if not isinstance(rnn, nn.RNN) or not isinstance(linear, nn.Linear):
        raise TypeError(f'export needs an RNNLM (nn.RNN) or RNNLMScratch language model, got {type(model).__name__}.')
    if isinstance(linear, nn.LazyLinear) or linear.weight.dim() != 2:
        raise ValueError('the output layer is still lazy: run the model once (train it, or call it on a batch).')
    if rnn.num_layers != 1 or rnn.bidirectional or rnn.nonlinearity != 'tanh' or not rnn.bias:
        raise ValueError('the page generator supports one-layer, one-direction tanh nn.RNN with biases only.')
    return 'RNNLM', _concise_params(rnn, linear)


def export_weights(model, vocab):
    """Return a JSON-able dict: format, source class, vocabulary, sizes, the generation limits (``limits.LIMITS``,
    which the page enforces) and the six float32 arrays. A model with NaN or infinite weights is refused.
    ``vocab`` is checked here, once: against the model's ``vocab_size``, else against its arrays."""
    check_vocab(vocab, getattr(model, 'vocab_size', None))  # before the arrays: a lazy model is named second
    source, arrays = _rnn_arrays(model)
    num_hiddens, vocab_size = arrays['W_hh'].shape[0], arrays['W_ih'].shape[1]
    if vocab_size != len(vocab):  # only a model without vocab_size gets here
        check_vocab(vocab, vocab_size)
    check_finite(arrays.items())
    return {
        'format': FORMAT,
        'source': source,
        'vocab': list(vocab.idx_to_token),
        'vocab_size': vocab_size,
        'num_hiddens': num_hiddens,
        'limits': dict(LIMITS),
        'weights': {name: _encode(arrays[name]) for name in ARRAYS},
    }


def _shapes(payload):
    H, V = payload['num_hiddens'], payload['vocab_size']
    return dict(W_ih=(H, V), W_hh=(H, H), b_ih=(H,), b_hh=(H,), W_out=(V, H), b_out=(V,))


def import_weights(payload):
    """Inverse of ``export_weights``: a dict (or JSON text) -> ``(arrays dict of float32 tensors, Vocab)``."""
    if isinstance(payload, str):
        payload = json.loads(payload)
    if not isinstance(payload, dict) or payload.get('format') != FORMAT:
        raise ValueError(f'not a d2lmini weights export (expected format {FORMAT!r}).')
    if len(payload['vocab']) != payload['vocab_size']:
        raise ValueError(f'vocab has {len(payload["vocab"])} tokens but vocab_size is {payload["vocab_size"]}.')
    arrays = {name: _decode(payload['weights'].get(name, {}), name, shape) for name, shape in _shapes(payload).items()}
    vocab = Vocab()
    vocab.idx_to_token = list(payload['vocab'])
    vocab.token_to_idx = {token: idx for idx, token in enumerate(vocab.idx_to_token)}
    return arrays, vocab


def _mulberry32(seed):
    """The page's seedable generator (``mulberry32`` in generator-math.js), in unsigned 32-bit arithmetic."""
    a, M = seed & 0xFFFFFFFF, 0xFFFFFFFF

    def random():
        nonlocal a
        a = (a + 0x6D2B79F5) & M
        t = ((a ^ (a >> 15)) * (1 | a)) & M
        t = ((t + (((t ^ (t >> 7)) * (61 | t)) & M)) & M) ^ t
        return (t ^ (t >> 14)) / 4294967296

    return random


def sample_float64(payload, prefix, num_preds, temperature, seed):
    """The page's text: its float64 arithmetic, in its order of operations, and its seeded generator;
    greedy at temperature 0, as on the page.

    So the text shown before the page's script runs (on GitHub, in a PDF) is the text the page then generates.
    A draw could differ only if rounding moved a cumulative probability across the uniform number (about 1e-16
    apart); the Node test compares the two."""
    arrays, vocab = import_weights(payload)
    W = {name: a.double().tolist() for name, a in arrays.items()}
    V, H = len(vocab), len(W['b_ih'])
    rows = [[W['W_ih'][i][t] + W['b_ih'][i] + W['b_hh'][i] for i in range(H)] for t in range(V)]  # as loadModel
    emits = [len(token) == 1 for token in vocab.idx_to_token]
    random, h = _mulberry32(seed), [0.0] * H

    def step(token, h):
        out = []
        for i in range(H):
            s = rows[token][i]
            for j in range(H):
                s += W['W_hh'][i][j] * h[j]
            out.append(math.tanh(s))
        return out

    def choose(h):
        logits = []
        for v in range(V):
            s = W['b_out'][v]
            for j in range(H):
                s += W['W_out'][v][j] * h[j]
            logits.append(s if emits[v] else -math.inf)
        best = max(range(V), key=lambda v: (logits[v], -v))  # the first maximum
        if temperature == 0:
            return best
        weights = [math.exp((x - logits[best]) / temperature) for x in logits]
        u = random() * _sum_in_order(weights)
        for v, w in enumerate(weights):
            u -= w
            if u < 0:
                return v
        return best

    ids = list(vocab[list(normalize_prefix(prefix, vocab))])
    for token in ids:
        h = step(token, h)
    for _ in range(check_num_preds(num_preds)):
        ids.append(choose(h))
        h = step(ids[-1], h)
    return ''.join(vocab.idx_to_token[i] for i in ids)


def _sum_in_order(values):
    """Left-to-right sum, as the page's loop adds (``sum`` compensates rounding since Python 3.12)."""
    total = 0.0
    for v in values:
        total += v
    return total


def _check_page_settings(prefix, vocab, length, temperature, seed, score_text, mode, train=False):
    """The page's rules (``limits.py``): temperature 0 means greedy there; returns the values as the page gets
    them, and the text the score box starts with (``score_text``; by default the prefix, if it can be scored).
    ``vocab`` has been checked against the model by ``export_weights``."""
    prefix_text = normalize_prefix(prefix, vocab)
    if score_text is None:
        score_text = prefix if len(prefix_text) >= 2 else ''
    else:
        normalize_score_text(score_text, vocab)
    modes = MODES if train else MODES[:2]
    if mode not in modes:
        raise ValueError(
            f'mode must be one of {list(modes)}' + ('' if train else " ('train' needs train=True)") + f', got {mode!r}.'
        )
    return (
        check_num_preds(length, 'length'),
        check_temperature(temperature, zero_is_greedy=True),
        check_seed(seed),
        score_text,
    )


def _baseline_weights(baseline, model, vocab):
    """The baseline's export (None without one); like ``model``, it must read ``vocab``."""
    if baseline is None:
        return None
    if not callable(getattr(baseline, 'one_hot', None)):
        raise TypeError(f'baseline must be a d2lmini language model like model, got {type(baseline).__name__}.')
    materialize(baseline, next(baseline.parameters()).device)  # an untrained RNNLM's output layer is lazy
    try:
        return export_weights(baseline, vocab)
    except (TypeError, ValueError) as err:
        raise type(err)(f'baseline: {err}') from None


def html_snippet(
    model,
    vocab,
    prefix='the time traveller',
    length=100,
    temperature=0.0,
    seed=0,
    lang=None,
    labels=None,
    *,
    baseline=None,
    mode='generate',
    score_text=None,
    train=False,
):
    """The generator as an HTML string (``html_generator`` wraps it for display)."""
    weights = export_weights(model, vocab)  # the one check of vocab against the model
    length, temperature, seed, score_text = _check_page_settings(
        prefix, vocab, length, temperature, seed, score_text, mode, train
    )
    keys = GENERATOR + SCORING + INSIDE + (TRAINING if train else ())
    words = page_labels(tuple(dict.fromkeys(keys)), lang, labels)
    trainer = _trainer_spec(weights) if train else None
    settings = dict(
        prefix=prefix,
        length=length,
        temperature=temperature,
        seed=seed,
        score_text=score_text,
        initial_text=sample_float64(weights, prefix, length, temperature, seed),  # shown before the script runs
    )
    uid = 'd2lmini-gen-' + uuid.uuid4().hex[:12]  # unique per snippet: several generators may share a page
    return page_markup.snippet(uid, weights, _baseline_weights(baseline, model, vocab), words, settings, mode, trainer)


def _trainer_spec(weights):
    """The third tab's settings and training text; the model must read the training text's vocabulary."""
    from .trainer import page_spec

    return page_spec(weights['vocab'], weights['num_hiddens'])


def html_generator(
    model,
    vocab,
    prefix='the time traveller',
    length=100,
    temperature=0.0,
    seed=0,
    lang=None,
    labels=None,
    *,
    baseline=None,
    mode='generate',
    score_text=None,
    train=False,
):
    """An ``IPython.display.HTML`` generator that runs in the page, with two tabs (three with ``train``).

    "Continue a text": type a prefix, read the model's continuation, each character shaded by the probability
    the model gave it. ``temperature`` 0 decodes greedily (the same text as ``model.predict``), above 0 (at most
    ``MAX_TEMPERATURE``) samples with ``seed`` (0 to ``MAX_SEED``); the prefix has at most ``MAX_PREFIX``
    characters (``limits.py``). "Score a sentence": type any text (``score_text`` first, by default the prefix),
    read its perplexity with the formula filled in, as ``model.score`` computes it; ``baseline`` (e.g. the same
    network untrained) is scored beside it; under the text, the hidden state as a heatmap and the text's cost in
    bits beside gzip's. ``train=True`` adds "Train it here": the same architecture trained from scratch in the
    reader's browser on the chapter's split (``generators/trainer.py``; the page then carries the training text,
    about 70 KB gzip), whose model can replace the stored one in the other tabs. ``mode`` (``'generate'``,
    ``'score'``, or with ``train`` ``'train'``) is the tab shown first.
    """
    from IPython.display import HTML

    return HTML(
        html_snippet(
            model,
            vocab,
            prefix,
            length,
            temperature,
            seed,
            lang,
            labels,
            baseline=baseline,
            mode=mode,
            score_text=score_text,
            train=train,
        )
    )
