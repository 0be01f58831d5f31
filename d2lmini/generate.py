"""Text generation from a character-level RNN language model:
greedy decoding and sampling (``predict``, ``sample``).

The decoding loop comes first. Every check it relies on (prefix, length, temperature, seed,
vocabulary, device, finite weights, an untrained ``RNNLM``'s lazy output layer) is made by one call,
``limits.check_generation``, under the rules the notebook panel and the page share.
"""

import math

import torch

from .limits import check_generation


def generate(model, prefix, num_preds, vocab, device=None, temperature=None, seed=None):
    """Continue ``prefix`` by ``num_preds`` characters:
    greedy when ``temperature`` is None, else sampled.

    ``model`` has ``one_hot``, ``rnn`` and ``output_layer`` (``RNNLMScratch`` and ``RNNLM`` do). The
    prefix is read in one pass (warm-up), then one character at a time is fed back.
    ``seed`` makes sampling repeatable.
    """
    prefix, temperature, seed, device = check_generation(
        model, prefix, num_preds, vocab, device, temperature, seed
    )
    rng = torch.Generator().manual_seed(seed) if seed is not None else None
    outputs = list(vocab[list(prefix)])
    never = special_ids(vocab)  # '<unk>' is never emitted
    with torch.no_grad():
        X = torch.tensor([outputs], device=device)  # (1, len(prefix))
        rnn_outputs, state = model.rnn(model.one_hot(X), None)  # warm-up: read the whole prefix
        for _ in range(num_preds):
            logits = model.output_layer(rnn_outputs)[0, -1].double().cpu()  # (vocab_size,)
            logits[never] = -math.inf
            outputs.append(choose(logits, temperature, rng))
            X = torch.tensor([[outputs[-1]]], device=device)  # (1, 1)
            rnn_outputs, state = model.rnn(model.one_hot(X), state)
    return ''.join(vocab.idx_to_token[i] for i in outputs)


def choose(logits, temperature, rng):
    """The next token: the most likely one when ``temperature`` is None,
    else a sample at that temperature."""
    if temperature is None:
        return int(logits.argmax())
    # float64, and the largest logit shifted to 0 before dividing: a tiny temperature then gives
    # -inf (probability 0) to the others instead of overflowing to inf - inf = nan.
    probs = torch.softmax((logits - logits.max()) / temperature, dim=0)  # (vocab_size,)
    return int(torch.multinomial(probs, 1, generator=rng))


def special_ids(vocab):
    """Ids of multi-character tokens such as ``<unk>``:
    generation never emits them (here and in the page)."""
    return [i for i, token in enumerate(vocab.idx_to_token) if len(token) != 1]
