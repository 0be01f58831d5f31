"""The in-page trainer (d2lmini/generators/trainer-engine.js) against PyTorch autograd, in Node, float64.

The case is made here, on the fly: random weights drawn like PyTorch's, windows of the real corpus, a shuffled
batch order with a partial last batch; PyTorch computes the reference in float64 (``generators.trainer``).
Criteria (issue 24): gradients to 1e-6 relative, a short SGD run's losses within 1 % on the same batch order,
hidden states equal to ``nn.RNN``'s. The same case runs in Chromium in tests/browser/test_trainer.py.
"""
import json
import shutil
import subprocess
from pathlib import Path

import pytest
import torch

import d2lmini
from d2lmini.generators import trainer

HARNESS = Path(__file__).resolve().parent / 'node' / 'trainer_check.js'


def make_case(num_batches=12, batch_size=8, num_steps=12, seed=3):
    """A case: the corpus, weights, batch order, SGD settings and a text, as JSON-able values."""
    gen = torch.Generator().manual_seed(seed)
    data = d2lmini.TimeMachine(batch_size=batch_size, num_steps=num_steps, num_train=200, num_val=10)
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
    loss0, grads = trainer.gradients(arrays, corpus, case['batches'][0], case['num_steps'])
    losses = trainer.torch_losses(arrays, corpus, case['batches'], case['num_steps'], case['lr'], case['clip'])
    return {'loss0': loss0, 'grads': grads, 'losses': losses, 'hidden': trainer.hidden_states(arrays, case['ids'])}


def max_relative(got, want):
    """Largest |got - want| / max(|want|, 1e-3 * max|want|): relative, without dividing by near-zero entries."""
    got, want = torch.as_tensor(got, dtype=torch.float64).flatten(), want.flatten()
    floor = 1e-3 * want.abs().max()
    return float(((got - want).abs() / torch.maximum(want.abs(), floor)).max())


def compare(got, want):
    """The parity figures: worst relative gradient error, worst relative loss error, worst hidden-state error."""
    grad = max(max_relative(got['grads'][n], want['grads'][n]) for n in trainer.NAMES)
    losses = torch.tensor(got['losses'], dtype=torch.float64)
    loss = float(((losses - torch.tensor(want['losses'], dtype=torch.float64)).abs() / torch.tensor(want['losses'], dtype=torch.float64)).max())
    hidden = float((torch.tensor(got['hidden'], dtype=torch.float64).reshape(want['hidden'].shape) - want['hidden']).abs().max())
    return {'grad_rel': grad, 'loss0_rel': abs(got['loss0'] / want['loss0'] - 1), 'loss_rel': loss,
            'hidden_abs': hidden, 'loss_first': want['losses'][0], 'loss_last': want['losses'][-1]}


@pytest.fixture(scope='module')
def case():
    return make_case()


def run_node(case, tmp_path, backend='js', precision='float64'):
    path = tmp_path / 'case.json'
    path.write_text(json.dumps(case))
    out = subprocess.run(['node', str(HARNESS), str(path), backend, precision], capture_output=True, text=True,
                         check=True)
    return json.loads(out.stdout)


def check_float64(figures):
    assert figures['grad_rel'] < 1e-6, figures
    assert figures['loss0_rel'] < 1e-9, figures
    assert figures['loss_rel'] < 0.01, figures
    assert figures['hidden_abs'] < 1e-12, figures
    assert figures['loss_last'] < figures['loss_first']  # the run learns: a curve worth comparing


def check_float32(figures):
    """The page's precision: float32 drifts from float64, but only a little over a short run."""
    assert 1e-9 < figures['grad_rel'] < 1e-3, figures  # not float64 in disguise, not wrong either
    assert figures['loss_rel'] < 0.01, figures


needs_node = pytest.mark.skipif(shutil.which('node') is None, reason='Node.js is not installed')


@needs_node
@pytest.mark.parametrize('backend', ['js', 'wasm'])
def test_node_float64_matches_pytorch_autograd(case, tmp_path, backend):
    check_float64(compare(run_node(case, tmp_path, backend), reference(case)))


@needs_node
@pytest.mark.parametrize('backend', ['js', 'wasm'])
def test_node_float32_stays_close(case, tmp_path, backend):
    check_float32(compare(run_node(case, tmp_path, backend, 'float32'), reference(case)))


def test_harness_catches_a_wrong_gradient(case):
    """compare() is sharp: one gradient entry off by 1e-5 relative fails the 1e-6 criterion."""
    want = reference(case)
    got = {'loss0': want['loss0'], 'losses': want['losses'], 'hidden': want['hidden'].flatten().tolist(),
           'grads': {n: g.clone() for n, g in want['grads'].items()}}
    got['grads']['W_hh'].view(-1)[int(want['grads']['W_hh'].abs().argmax())] *= 1 + 1e-5
    assert compare(got, want)['grad_rel'] > 1e-6
