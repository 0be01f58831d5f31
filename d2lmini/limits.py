"""What text generation accepts, in one place:
the limits and the checks shared by Python, the panel and the page.

``predict``/``sample`` (``generate.py``), the notebook panel (``widgets.py``), the exporter
(``export.py``) and the page (``generator-math.js``, which reads ``LIMITS`` from the exported
payload) all keep these rules:

- prefix: a string of 1 to ``MAX_PREFIX`` characters (counted as Python's ``len``, before
  normalization), ASCII only. Reading a prefix costs one RNN step per character, so without a cap a
  1 MB prefix froze the page for minutes;
  1,000 characters is several paragraphs, far more than a continuation needs.
- length (``num_preds``): a whole number from 0 to ``MAX_PREDS``.
- scored text (``score``, the page's "score a sentence" box): 2 to ``MAX_SCORE`` characters, counted
  and normalized like a prefix, at least two once normalized (the first is only read, each later one
  is predicted). ``MAX_SCORE`` is ``MAX_PREFIX + MAX_PREDS``, the longest text the generator can
  show, so anything generated can be scored.
- temperature: a finite number above 0 and at most ``MAX_TEMPERATURE``. Greedy decoding is a
  separate mode: ``predict()`` in Python, "Greedy" in the panel, temperature 0 in the page and in
  ``html_generator``. The cap is the page slider's end:
  at 2 the text of a trained character model is already mostly noise.
- seed: a whole number from 0 to ``MAX_SEED`` (2**32 - 1), because the page's generator (mulberry32)
  has 32-bit seeds; Python seeds a ``torch.Generator`` with the same number. The same seed gives
  repeatable text in each, not the same text in both.
  ``sample(seed=None)`` draws from torch's global generator.

Every check raises ``TypeError`` (wrong kind of value) or ``ValueError`` (right kind, out of range)
with a message that names the argument, the rule and the value, the value cut short (``show``) so a
1 MB input gives a short message.
"""

import math
import numbers

import torch

from .utils import is_int as _is_int
from .utils import preprocess, show

MAX_PREFIX = 1_000  # characters read before generating
# characters generated per call: enough for pages of text, bounded time and memory
MAX_PREDS = 10_000
# characters of text scored per call: any text the generator shows
MAX_SCORE = MAX_PREFIX + MAX_PREDS
MAX_TEMPERATURE = 2.0
MAX_SEED = 2**32 - 1
# in the page's payload: generator-math.js keeps them
LIMITS = {
    'max_prefix': MAX_PREFIX,
    'max_preds': MAX_PREDS,
    'max_score': MAX_SCORE,
    'max_temperature': MAX_TEMPERATURE,
    'max_seed': MAX_SEED,
}


# What each kind of text is called in messages, its limit, and what to type instead of nothing.
PREFIX_RULE = (
    'prefix',
    MAX_PREFIX,
    'give the model at least one character to start from, e.g. "the time".',
)
SCORE_RULE = ('text', MAX_SCORE, 'type a sentence to score, e.g. "the time machine".')


def normalize_text(text, vocab, rule=PREFIX_RULE):
    """Return ``text`` as the model sees it,
    or raise ``TypeError``/``ValueError`` saying what to change.

    Letters are lower-cased and every run of other ASCII characters becomes one space
    (``utils.preprocess``); characters outside ASCII are rejected, naming them, because the training
    text erased them. ``rule`` is ``(name, limit, hint)``: ``PREFIX_RULE`` or ``SCORE_RULE``.
    """
    name, limit, hint = rule
    if not isinstance(text, str):
        raise TypeError(f'{name} must be a string, got {type(text).__name__}.')
    if not text:
        raise ValueError(f'{name} is empty: {hint}')
    if len(text) > limit:
        raise ValueError(
            f'{name} has {len(text):,} characters; the limit is {limit:,}: shorten it.'
        )
    foreign = sorted({c for c in text if ord(c) > 127})
    if foreign:
        shown = ' '.join(repr(c) for c in foreign[:10])
        raise ValueError(
            f'{name} contains characters the model never saw: {shown}. The training text has only '
            f'the letters a-z and spaces; type English letters (case and punctuation are fine).'
        )
    text = preprocess(text)
    missing = sorted({c for c in text if c not in vocab.token_to_idx})
    if missing:
        raise ValueError(
            f'{name} characters {missing} are not in the vocabulary {vocab.idx_to_token}.'
        )
    return text


def normalize_prefix(prefix, vocab):
    """The prefix as the model sees it (``normalize_text`` with ``PREFIX_RULE``)."""
    return normalize_text(prefix, vocab, PREFIX_RULE)


def normalize_score_text(text, vocab):
    """Text to score as the model sees it:
    ``SCORE_RULE``, and at least two characters once normalized."""
    text = normalize_text(text, vocab, SCORE_RULE)
    if len(text) < 2:
        raise ValueError(
            'text has only one character once normalized; scoring needs at least two: the model '
            'reads the first and predicts each later one.'
        )
    return text


def check_num_preds(num_preds, name='num_preds'):
    """``num_preds`` (called ``name`` in the message) as an int from 0 to ``MAX_PREDS``."""
    if not _is_int(num_preds):
        raise TypeError(
            f'{name} must be an integer, got {show(num_preds)} ({type(num_preds).__name__}).'
        )
    if not 0 <= num_preds <= MAX_PREDS:
        raise ValueError(
            f'{name} must be between 0 and {MAX_PREDS:,} characters, got {show(num_preds)}.'
        )
    return int(num_preds)


def check_temperature(temperature, zero_is_greedy=False):
    """A sampling temperature as a float in (0, ``MAX_TEMPERATURE``];
    also 0 (greedy) when ``zero_is_greedy``."""
    rule = (
        f'0 (greedy) or a finite number above 0 and at most {MAX_TEMPERATURE:g}'
        if zero_is_greedy
        else f'a finite number above 0 and at most {MAX_TEMPERATURE:g} (e.g. 0.5 or 1)'
    )
    hint = '' if zero_is_greedy else '; for greedy decoding use predict()'
    if isinstance(temperature, bool) or not isinstance(temperature, numbers.Real):
        raise TypeError(
            f'temperature must be {rule}, got {show(temperature)} '
            f'({type(temperature).__name__}){hint}.'
        )
    try:
        value = float(temperature)
    except OverflowError:  # an int too large for a float
        value = math.inf
    if zero_is_greedy and value == 0:
        return 0.0
    if not (math.isfinite(value) and 0 < value <= MAX_TEMPERATURE):
        raise ValueError(f'temperature must be {rule}, got {show(temperature)}{hint}.')
    return value


def check_seed(seed, optional=False):
    """A seed as an int from 0 to ``MAX_SEED``;
    ``None`` passes when ``optional`` (then nothing is seeded)."""
    if seed is None and optional:
        return None
    if not _is_int(seed):
        raise TypeError(
            f'seed must be a whole number from 0 to {MAX_SEED:,}, got {show(seed)} '
            f'({type(seed).__name__}).'
        )
    if not 0 <= seed <= MAX_SEED:
        raise ValueError(
            f'seed must be a whole number from 0 to {MAX_SEED:,} (2**32 - 1, the range the page '
            f'can use too), got {show(seed)}.'
        )
    return int(seed)


def check_vocab(vocab, vocab_size=None):
    """``vocab`` must be a ``Vocab`` and, when the model's ``vocab_size`` is known,
    have exactly that many tokens."""
    has_tokens = isinstance(getattr(vocab, 'idx_to_token', None), list)
    if not has_tokens or not hasattr(vocab, 'token_to_idx'):
        raise TypeError(
            f'vocab must be a d2lmini Vocab (with idx_to_token), got {type(vocab).__name__}; '
            'pass the vocabulary the model was trained with (data.vocab).'
        )
    if vocab_size is not None and vocab_size != len(vocab):
        raise ValueError(
            f'the model reads {vocab_size} tokens but the vocabulary has {len(vocab)}: '
            'pass the vocabulary the model was trained with (data.vocab).'
        )
    return vocab


def check_finite(named_tensors):
    """Raise ``ValueError`` naming the tensors
    that hold NaN or infinity (a diverged model), if any."""
    bad = [name for name, tensor in named_tensors if not bool(tensor.isfinite().all())]
    if bad:
        raise ValueError(
            f"the model's weights contain NaN or infinity ({', '.join(bad[:4])}): "
            'its training diverged. Train a new model with a smaller learning rate (lr) '
            'or with gradient clipping (e.g. Trainer(..., gradient_clip_val=1)).'
        )


# --- the model ------------------------------------------------------------------------------------


def check_device(model, device=None):
    """The device to run on: the model's own; a ``device`` argument must name that same device."""
    own = next(model.parameters()).device
    if device is None:
        return own
    try:
        device = torch.device(device)
    except (RuntimeError, TypeError):
        raise ValueError(
            f"device must name a device such as 'cpu' or 'cuda:0', got {device!r}."
        ) from None
    if device.type == 'cuda' and not torch.cuda.is_available():
        raise ValueError(
            f'device {str(device)!r} was asked for, but PyTorch sees no CUDA GPU here: '
            f'leave device out to generate where the model is ({own}), or pass d2l.try_gpu().'
        )
    if device.type == 'cuda' and device.index is None:
        device = torch.device('cuda', torch.cuda.current_device())
    if device != own:
        raise ValueError(
            f'the model is on {own} but device is {device}: leave device out, or move the model '
            f'first (model.to({str(device)!r})).'
        )
    return own


def materialize(model, device):
    """Run lazy layers once so their weights exist, leaving torch's global random state as it was.

    An untrained ``RNNLM`` has a lazy output layer; generating or scoring with it must not change
    what later random draws (data shuffling, new models) give."""
    if not any(torch.nn.parameter.is_lazy(p) for p in model.parameters()):
        return
    with torch.random.fork_rng(devices=[device] if device.type == 'cuda' else []), torch.no_grad():
        X = torch.zeros((1, 1), dtype=torch.long, device=device)  # (batch, num_steps)
        model.output_layer(model.rnn(model.one_hot(X), None)[0])


def ready_model(model, device=None):
    """A model ready to read text (its vocabulary is checked by the caller, once): ``device`` is its
    own, lazy layers are materialized and its weights are finite (a diverged model is refused).
    Returns the device."""
    device = check_device(model, device)
    materialize(model, device)
    check_finite(model.named_parameters())
    return device


def check_generation(model, prefix, num_preds, vocab, device=None, temperature=None, seed=None):
    """Every check of ``generate`` in one call:
    ``(prefix as the model reads it, temperature, seed, device)``; ``temperature`` None means greedy
    and ``seed`` None draws from torch's global generator."""
    check_vocab(vocab, getattr(model, 'vocab_size', None))
    prefix = normalize_prefix(prefix, vocab)
    check_num_preds(num_preds)
    temperature = None if temperature is None else check_temperature(temperature)
    seed = check_seed(seed, optional=True)
    return prefix, temperature, seed, ready_model(model, device)
