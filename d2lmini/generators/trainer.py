"""The in-page trainer's Python side: the schedule the page uses, the training text it carries, and PyTorch twins.

The page (``trainer-engine.js`` in a Web Worker, ``trainer-page.js`` for the tab) trains the chapter's model:
``nn.RNN(28, 32)`` + ``nn.Linear(32, 28)``, windows of 32 characters, SGD with gradients clipped to norm 1, on
the chapter's split (``d2lmini.TimeMachine``: windows 0..9,999 train, 10,000..14,999 validate). ``SCHEDULE`` is
what the page starts with; ``benchmarks/bench_trainer.py`` measured it (BENCHMARKS.md): batch 32 instead of the
chapter's 1024 because a browser runs one window at a time anyway, so small batches cost no speed there and give
32 times as many updates per epoch, which is what makes a run of seconds reach perplexity 8.

``corpus_payload`` packs *The Time Machine* as the page carries it: the raw file (the one ``datafiles`` verifies,
SHA-1 ``DATA_SHA1``), gzip, base64; the page inflates it with ``DecompressionStream``, checks the SHA-1 and
preprocesses it exactly as ``d2lmini.utils.preprocess``. Trade-off: the raw file (69 KB gzip) rather than the
15,033 characters the split uses, so the page can check the same hash as Python and build the same vocabulary.

``torch_model``/``torch_losses`` are the references of the parity tests: the same arrays in float64 PyTorch,
autograd gradients, ``clip_grad_norm_`` and plain SGD on a given batch order; ``make_case``, ``reference`` and
``compare`` make a case, PyTorch's answers and the parity figures (tests/test_trainer_parity.py, in Node;
tests/browser/test_trainer.py, in Chromium).
"""
import base64
import gzip
import hashlib

import torch
from torch import nn

from ..datafiles import DATA_SHA1, download_timemachine

NAMES = ('W_ih', 'W_hh', 'b_ih', 'b_hh', 'W_out', 'b_out')
SPLIT = {'num_steps': 32, 'num_train': 10000, 'num_val': 5000}  # d2lmini.TimeMachine's defaults, the chapter's
SCHEDULE = {'batch_size': 32, 'lr': 1.0, 'clip': 1.0, 'epochs': 4, 'seed': 0}
MAX_EPOCHS = 50


def corpus_payload(root=None):
    """``{'sha1', 'gzip_base64', 'bytes'}``: the verified raw text, compressed for the page (mtime 0: reproducible)."""
    with open(download_timemachine(root), 'rb') as f:
        raw = f.read()
    if hashlib.sha1(raw).hexdigest() != DATA_SHA1:
        raise ValueError(f'the training text does not have SHA-1 {DATA_SHA1}; refusing to ship it in the page.')
    packed = gzip.compress(raw, compresslevel=9, mtime=0)
    return {'sha1': DATA_SHA1, 'gzip_base64': base64.b64encode(packed).decode('ascii'), 'bytes': len(raw)}


def page_spec(vocab_tokens, num_hiddens, root=None):
    """What the page's trainer needs (``page_markup`` writes it as JSON): ``SCHEDULE`` and ``SPLIT``, the
    training text, the epochs to start with and the most allowed. The model's vocabulary must be the text's."""
    from ..data import TimeMachine
    data = TimeMachine(batch_size=SCHEDULE['batch_size'], **SPLIT, root=root)
    if list(vocab_tokens) != list(data.vocab.idx_to_token):
        raise ValueError('train=True trains on The Time Machine: the model must read its vocabulary '
                         f'(d2lmini.TimeMachine(...).vocab, {len(data.vocab)} tokens), got {len(vocab_tokens)} tokens.')
    settings = {'num_hiddens': num_hiddens, 'num_steps': SPLIT['num_steps'], 'batch_size': SCHEDULE['batch_size'],
                'lr': SCHEDULE['lr'], 'clip': SCHEDULE['clip'], 'seed': SCHEDULE['seed'],
                'num_train': SPLIT['num_train'], 'num_val': SPLIT['num_val']}
    return {'settings': settings, 'epochs': SCHEDULE['epochs'], 'max_epochs': MAX_EPOCHS,
            'corpus': corpus_payload(root)}


def torch_model(arrays, dtype=torch.float64):
    """``nn.RNN`` + ``nn.Linear`` holding ``arrays`` (export names and PyTorch's shapes, e.g. from the page)."""
    H, V = len(arrays['W_hh']), len(arrays['W_out'])
    rnn, linear = nn.RNN(V, H).to(dtype), nn.Linear(H, V).to(dtype)
    params = dict(W_ih=rnn.weight_ih_l0, W_hh=rnn.weight_hh_l0, b_ih=rnn.bias_ih_l0, b_hh=rnn.bias_hh_l0,
                  W_out=linear.weight, b_out=linear.bias)
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


# --- parity: a case for the page's engines (tests in Node and Chromium) and what PyTorch makes of it ---------

def make_case(num_batches=12, batch_size=8, num_steps=12, seed=3):
    """A parity case: the corpus, weights, batch order, SGD settings and a text, as JSON-able values."""
    from ..data import TimeMachine
    gen = torch.Generator().manual_seed(seed)
    data = TimeMachine(batch_size=batch_size, num_steps=num_steps, num_train=200, num_val=10)
    corpus = torch.cat([data.X[:, 0], data.X[-1, 1:], data.Y[-1, -1:]])  # (num_windows + num_steps,) ids
    V, H = len(data.vocab), 16
    k = 1 / H ** 0.5
    shapes = dict(W_ih=(H, V), W_hh=(H, H), b_ih=(H,), b_hh=(H,), W_out=(V, H), b_out=(V,))
    arrays = {name: ((torch.rand(shape, generator=gen, dtype=torch.float64) * 2 - 1) * k) for name, shape in shapes.items()}
    order = torch.randperm(200, generator=gen)
    batches = [order[i * batch_size:(i + 1) * batch_size].tolist() for i in range(num_batches)]
    batches[-1] = batches[-1][:batch_size // 2 + 1]  # a partial last batch, as at the end of an epoch
    ids = corpus[:40].tolist()
    return {'vocab_size': V, 'num_hiddens': H, 'num_steps': num_steps, 'corpus': corpus.tolist(),
            'arrays': {n: a.flatten().tolist() for n, a in arrays.items()}, 'batches': batches, 'lr': 1.0,
            'clip': 1.0, 'ids': ids, 'shapes': shapes}


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
    grad = max(max_relative(got['grads'][n], want['grads'][n]) for n in NAMES)
    losses = torch.tensor(got['losses'], dtype=torch.float64)
    loss = float(((losses - torch.tensor(want['losses'], dtype=torch.float64)).abs() / torch.tensor(want['losses'], dtype=torch.float64)).max())
    hidden = float((torch.tensor(got['hidden'], dtype=torch.float64).reshape(want['hidden'].shape) - want['hidden']).abs().max())
    return {'grad_rel': grad, 'loss0_rel': abs(got['loss0'] / want['loss0'] - 1), 'loss_rel': loss,
            'hidden_abs': hidden, 'loss_first': want['losses'][0], 'loss_last': want['losses'][-1]}
