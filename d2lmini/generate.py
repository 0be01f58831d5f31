"""Text generation from a character-level RNN language model: model checks, greedy decoding and sampling.

The inputs (prefix, length, temperature, seed, vocabulary) are checked by ``limits.py``, under the rules the
notebook panel and the page share. Here the model is checked too: its vocabulary size must match ``vocab``, its
weights must be finite (a diverged model is refused, not decoded into spaces), and ``device`` must be the one it
sits on. An untrained ``RNNLM`` has a lazy output layer; it is materialized with torch's global random state
saved and restored, so generating never changes what later random draws (data shuffling, new models) give.
"""
import math

import torch
from torch import nn

from .limits import (check_finite, check_num_preds, check_seed, check_temperature, check_vocab,
                     normalize_prefix)


def special_ids(vocab):
    """Ids of multi-character tokens such as ``<unk>``: generation never emits them (here and in the page)."""
    return [i for i, token in enumerate(vocab.idx_to_token) if len(token) != 1]


def check_device(model, device=None):
    """The device to generate on: the model's own; a ``device`` argument must name that same device."""
    own = next(model.parameters()).device
    if device is None:
        return own
    try:
        device = torch.device(device)
    except (RuntimeError, TypeError):
        raise ValueError(f"device must name a device such as 'cpu' or 'cuda:0', got {device!r}.") from None
    if device.type == 'cuda' and not torch.cuda.is_available():
        raise ValueError(f"device {str(device)!r} was asked for, but PyTorch sees no CUDA GPU here: leave device "
                         f"out to generate where the model is ({own}), or pass d2l.try_gpu().")
    if device.type == 'cuda' and device.index is None:
        device = torch.device('cuda', torch.cuda.current_device())
    if device != own:
        raise ValueError(f'the model is on {own} but device is {device}: leave device out, or move the model '
                         f'first (model.to({str(device)!r})).')
    return own


def _materialize(model, device):
    """Run lazy layers once so their weights exist, leaving torch's global random state as it was."""
    if not any(nn.parameter.is_lazy(p) for p in model.parameters()):
        return
    with torch.random.fork_rng(devices=[device] if device.type == 'cuda' else []), torch.no_grad():
        X = torch.zeros((1, 1), dtype=torch.long, device=device)  # (batch, num_steps)
        model.output_layer(model.rnn(model.one_hot(X), None)[0])


def generate(model, prefix, num_preds, vocab, device=None, temperature=None, seed=None):
    """Continue ``prefix`` by ``num_preds`` characters: greedy when ``temperature`` is None, else sampled.

    ``model`` has ``one_hot``, ``rnn`` and ``output_layer`` (``RNNLMScratch`` and ``RNNLM`` do). The prefix is
    read in one pass (warm-up), then one character at a time is fed back. ``seed`` makes sampling repeatable.
    """
    check_vocab(vocab, getattr(model, 'vocab_size', None))
    text = normalize_prefix(prefix, vocab)
    check_num_preds(num_preds)
    if temperature is not None:
        temperature = check_temperature(temperature)
    seed = check_seed(seed, optional=True)
    device = check_device(model, device)
    _materialize(model, device)
    check_finite(model.named_parameters())
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
