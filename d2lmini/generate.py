"""Text generation from a character-level RNN language model: input checks, greedy decoding and sampling.

Prefixes are normalized the way the training text was (``data.preprocess``): letters are lower-cased and
every run of other ASCII characters (digits, punctuation, newlines) becomes one space, so ``"It's 1895!"``
reads as ``"it s "``. Characters outside ASCII (accents, CJK, emoji) are rejected, naming them, because the
training text erased them and a model fed only spaces says nothing useful.
"""
import math

import torch

from .data import preprocess

MAX_PREDS = 10_000  # cap on generated characters per call: enough for pages of text, bounded time and memory


def normalize_prefix(prefix, vocab):
    """Return the prefix as the model sees it, or raise ``TypeError``/``ValueError`` saying what to change."""
    if not isinstance(prefix, str):
        raise TypeError(f'prefix must be a string, got {type(prefix).__name__}.')
    if not prefix:
        raise ValueError('prefix is empty: give the model at least one character to start from, e.g. "the time".')
    foreign = sorted({c for c in prefix if ord(c) > 127})
    if foreign:
        shown = ' '.join(repr(c) for c in foreign[:10])
        raise ValueError(f'prefix contains characters the model never saw: {shown}. The training text has only '
                         f'the letters a-z and spaces; type English letters (case and punctuation are fine).')
    text = preprocess(prefix)
    missing = sorted({c for c in text if c not in vocab.token_to_idx})
    if missing:
        raise ValueError(f'prefix characters {missing} are not in the vocabulary {vocab.idx_to_token}.')
    return text


def check_num_preds(num_preds):
    if isinstance(num_preds, bool) or not isinstance(num_preds, int):
        raise TypeError(f'num_preds must be an integer, got {num_preds!r} ({type(num_preds).__name__}).')
    if not 0 <= num_preds <= MAX_PREDS:
        raise ValueError(f'num_preds must be between 0 and {MAX_PREDS:,} characters, got {num_preds:,}.')
    return num_preds


def check_temperature(temperature):
    if isinstance(temperature, bool) or not isinstance(temperature, (int, float)):
        raise TypeError(f'temperature must be a number, got {temperature!r}.')
    try:
        value = float(temperature)
    except OverflowError:  # an int too large for a float
        value = math.inf
    if not (math.isfinite(value) and value > 0):
        raise ValueError(f'temperature must be a finite number above 0 (e.g. 0.5 or 1), got {temperature}; '
                         'for greedy decoding use predict().')
    return value


def special_ids(vocab):
    """Ids of multi-character tokens such as ``<unk>``: generation never emits them (here and in the page)."""
    return [i for i, token in enumerate(vocab.idx_to_token) if len(token) != 1]


def generate(model, prefix, num_preds, vocab, device=None, temperature=None, seed=None):
    """Continue ``prefix`` by ``num_preds`` characters: greedy when ``temperature`` is None, else sampled.

    ``model`` has ``one_hot``, ``rnn`` and ``output_layer`` (``RNNLMScratch`` and ``RNNLM`` do). The prefix is
    read in one pass (warm-up), then one character at a time is fed back. ``seed`` makes sampling repeatable.
    """
    text = normalize_prefix(prefix, vocab)
    check_num_preds(num_preds)
    if temperature is not None:
        temperature = check_temperature(temperature)
    if device is None:
        device = next(model.parameters()).device
    rng = torch.Generator().manual_seed(seed) if seed is not None else None
    outputs = list(vocab[list(text)])
    special = special_ids(vocab)
    with torch.no_grad():
        X = torch.tensor([outputs], device=device)  # (1, len(prefix))
        rnn_outputs, state = model.rnn(model.one_hot(X), None)
        for _ in range(num_preds):
            logits = model.output_layer(rnn_outputs)[0, -1].double().cpu()  # (vocab_size,)
            logits[special] = -math.inf
            outputs.append(_choose(logits, temperature, rng))
            X = torch.tensor([[outputs[-1]]], device=device)  # (1, 1)
            rnn_outputs, state = model.rnn(model.one_hot(X), state)
    return ''.join(vocab.idx_to_token[i] for i in outputs)


def _choose(logits, temperature, rng):
    if temperature is None:
        return int(logits.argmax())
    # float64, and the largest logit shifted to 0 before dividing: a tiny temperature then gives -inf
    # (probability 0) to the others instead of overflowing to inf - inf = nan.
    probs = torch.softmax((logits - logits.max()) / temperature, dim=0)  # (vocab_size,)
    return int(torch.multinomial(probs, 1, generator=rng))
