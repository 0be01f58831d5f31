"""Test oracles for the page's generator: its model rebuilt in PyTorch, and its greedy decoding replayed in float64.

They check ``d2lmini.generators`` (the exporter, the
page's JavaScript and its trainer) against PyTorch; readers never need them,
so they live with the tests, not in the wheel. ``generate.py`` is the one decoder of the package; these replay the
page's arithmetic.
"""

import torch
from torch import nn

import d2lmini
from d2lmini.generate import special_ids
from d2lmini.generators.export import _concise_params, import_weights
from d2lmini.limits import check_num_preds, normalize_prefix


def load_rnnlm(payload):
    """Rebuild a concise ``RNNLM`` (float32, CPU) and its ``Vocab`` from an export: same logits, same ``predict``."""
    from d2lmini.models import RNN, RNNLM

    arrays, vocab = import_weights(payload)
    H, V = arrays['W_hh'].shape[0], len(vocab)
    model = RNNLM(RNN(num_inputs=V, num_hiddens=H), vocab_size=V)
    model(torch.zeros((1, 1), dtype=torch.long))  # materialize the LazyLinear
    with torch.no_grad():
        for name, param in _concise_params(model.rnn.rnn, model.linear).items():
            param.copy_(arrays[name])
    return model.eval(), vocab


def greedy_float64(payload, prefix, num_preds):
    """The page's greedy decoding in float64 PyTorch: returns ``(text, smallest top-two logit margin)``."""
    arrays, vocab = import_weights(payload)
    W = {name: a.double() for name, a in arrays.items()}
    text = normalize_prefix(prefix, vocab)
    check_num_preds(num_preds)
    h = torch.zeros(W['W_hh'].shape[0], dtype=torch.float64)
    step = lambda token, h: torch.tanh(W['W_ih'][:, token] + W['b_ih'] + W['W_hh'] @ h + W['b_hh'])  # noqa: E731
    outputs, margin = list(vocab[list(text)]), float('inf')
    special = special_ids(vocab)
    for token in outputs:
        h = step(token, h)
    for _ in range(num_preds):
        logits = W['W_out'] @ h + W['b_out']  # (vocab_size,)
        logits[special] = -torch.inf
        top = torch.topk(logits, 2).values
        margin = min(margin, float(top[0] - top[1]))
        outputs.append(int(logits.argmax()))
        h = step(outputs[-1], h)
    return ''.join(vocab.idx_to_token[i] for i in outputs), margin


# --- the in-page trainer (d2lmini/generators/trainer-engine.js, trainer-wasm.js): PyTorch twins -----------------

TRAINER_NAMES = ('W_ih', 'W_hh', 'b_ih', 'b_hh', 'W_out', 'b_out')


def torch_model(arrays, dtype=torch.float64):
    """``nn.RNN`` + ``nn.Linear`` holding ``arrays`` (export names and PyTorch's shapes, e.g. from the page)."""
    H, V = len(arrays['W_hh']), len(arrays['W_out'])
    rnn, linear = nn.RNN(V, H).to(dtype), nn.Linear(H, V).to(dtype)
    params = dict(
        W_ih=rnn.weight_ih_l0,
        W_hh=rnn.weight_hh_l0,
        b_ih=rnn.bias_ih_l0,
        b_hh=rnn.bias_hh_l0,
        W_out=linear.weight,
        b_out=linear.bias,
    )
    with torch.no_grad():
        for name, p in params.items():
            p.copy_(torch.as_tensor(arrays[name], dtype=dtype).reshape(p.shape))
    return rnn, linear, params


def forward_loss(rnn, linear, X, Y):
    """Mean cross-entropy of windows ``X`` (B, T) -> targets ``Y`` (B, T), as ``RNNLM`` computes it."""
    V = linear.out_features
    inputs = nn.functional.one_hot(X.T, V).to(linear.weight.dtype)  # (T, B, V)
    states, _ = rnn(inputs)  # (T, B, H)
    logits = linear(states)  # (T, B, V)
    return nn.functional.cross_entropy(logits.reshape(-1, V), Y.T.reshape(-1))


def windows(corpus, starts, num_steps):
    """``(X, Y)`` (B, T) for windows starting at ``starts`` of the 1-d id tensor ``corpus``."""
    idx = torch.as_tensor(starts)[:, None] + torch.arange(num_steps)  # (B, T)
    return corpus[idx], corpus[idx + 1]


def gradients(arrays, corpus, starts, num_steps):
    """``(loss, {name: grad})`` of one batch, by autograd."""
    rnn, linear, params = torch_model(arrays)
    loss = forward_loss(rnn, linear, *windows(corpus, starts, num_steps))
    loss.backward()
    return loss.item(), {name: p.grad.detach().clone() for name, p in params.items()}


def torch_losses(arrays, corpus, batches, num_steps, lr, clip):
    """The batch losses of SGD (clipping, then ``p -= lr * grad``) over ``batches`` (lists of window starts)."""
    rnn, linear, params = torch_model(arrays)
    losses = []
    for starts in batches:
        loss = forward_loss(rnn, linear, *windows(corpus, starts, num_steps))
        for p in params.values():
            p.grad = None
        loss.backward()
        nn.utils.clip_grad_norm_(list(params.values()), clip)
        with torch.no_grad():
            for p in params.values():
                p -= lr * p.grad
        losses.append(loss.item())
    return losses


def hidden_states(arrays, ids):
    """``(n, H)``: the state after each token of ``ids``, by ``nn.RNN`` (what the page's heatmap must show)."""
    rnn, _, _ = torch_model(arrays)
    V = rnn.input_size
    with torch.no_grad():
        states, _ = rnn(nn.functional.one_hot(torch.as_tensor(ids), V).to(torch.float64)[:, None])  # (n, 1, H)
    return states[:, 0]


# --- the in-page trainer: a parity case for its engines (Node and Chromium) and what PyTorch makes of it ------


def make_case(num_batches=12, batch_size=8, num_steps=12, seed=3):
    """A parity case: the corpus, weights, batch order, SGD settings and a text, as JSON-able values."""
    gen = torch.Generator().manual_seed(seed)
    data = d2lmini.TimeMachine(batch_size=batch_size, num_steps=num_steps, num_train=200, num_val=10)
    corpus = torch.cat([data.X[:, 0], data.X[-1, 1:], data.Y[-1, -1:]])  # (num_windows + num_steps,) ids
    V, H = len(data.vocab), 16
    k = 1 / H**0.5
    shapes = dict(W_ih=(H, V), W_hh=(H, H), b_ih=(H,), b_hh=(H,), W_out=(V, H), b_out=(V,))
    arrays = {
        name: ((torch.rand(shape, generator=gen, dtype=torch.float64) * 2 - 1) * k) for name, shape in shapes.items()
    }
    order = torch.randperm(200, generator=gen)
    batches = [order[i * batch_size : (i + 1) * batch_size].tolist() for i in range(num_batches)]
    batches[-1] = batches[-1][: batch_size // 2 + 1]  # a partial last batch, as at the end of an epoch
    ids = corpus[:40].tolist()
    return {
        'vocab_size': V,
        'num_hiddens': H,
        'num_steps': num_steps,
        'corpus': corpus.tolist(),
        'arrays': {n: a.flatten().tolist() for n, a in arrays.items()},
        'batches': batches,
        'lr': 1.0,
        'clip': 1.0,
        'ids': ids,
        'shapes': shapes,
    }


def reference(case):
    """PyTorch's answers for ``case``: first-batch loss and gradients, the SGD run's losses, hidden states."""
    arrays = {n: torch.tensor(a, dtype=torch.float64).reshape(case['shapes'][n]) for n, a in case['arrays'].items()}
    corpus = torch.tensor(case['corpus'])
    loss0, grads = gradients(arrays, corpus, case['batches'][0], case['num_steps'])
    losses = torch_losses(arrays, corpus, case['batches'], case['num_steps'], case['lr'], case['clip'])
    return {'loss0': loss0, 'grads': grads, 'losses': losses, 'hidden': hidden_states(arrays, case['ids'])}


def max_relative(got, want):
    """Largest |got - want| / max(|want|, 1e-3 * max|want|): relative, without dividing by near-zero entries."""
    got, want = torch.as_tensor(got, dtype=torch.float64).flatten(), want.flatten()
    floor = 1e-3 * want.abs().max()
    return float(((got - want).abs() / torch.maximum(want.abs(), floor)).max())


def compare(got, want):
    """The parity figures: worst relative gradient error, worst relative loss error, worst hidden-state error."""
    grad = max(max_relative(got['grads'][n], want['grads'][n]) for n in TRAINER_NAMES)
    losses = torch.tensor(got['losses'], dtype=torch.float64)
    loss = float(
        (
            (losses - torch.tensor(want['losses'], dtype=torch.float64)).abs()
            / torch.tensor(want['losses'], dtype=torch.float64)
        ).max()
    )
    hidden = float(
        (torch.tensor(got['hidden'], dtype=torch.float64).reshape(want['hidden'].shape) - want['hidden']).abs().max()
    )
    return {
        'grad_rel': grad,
        'loss0_rel': abs(got['loss0'] / want['loss0'] - 1),
        'loss_rel': loss,
        'hidden_abs': hidden,
        'loss_first': want['losses'][0],
        'loss_last': want['losses'][-1],
    }
