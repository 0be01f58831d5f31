"""The in-page trainer (d2lmini/generators/trainer-engine.js) against PyTorch autograd, in Node, float64.

The case is made here, on the fly: random weights drawn like PyTorch's, windows of the real corpus, a shuffled
batch order with a partial last batch; PyTorch computes the reference in float64 (``tests/oracles.py``).
Criteria (issue 24): gradients to 1e-6 relative, a short SGD run's losses within 1 % on the same batch order,
hidden states equal to ``nn.RNN``'s. The same case runs in Chromium in tests/browser/test_trainer.py.
"""

import json
import subprocess
from pathlib import Path

import pytest
from oracles import compare, make_case, reference  # tests/oracles.py: the PyTorch twins

HARNESS = Path(__file__).resolve().parent / 'node' / 'trainer_check.js'


@pytest.fixture(scope='module')
def case():
    return make_case()


def run_node(case, tmp_path, backend='js', precision='float64'):
    path = tmp_path / 'case.json'
    path.write_text(json.dumps(case))
    out = subprocess.run(
        ['node', str(HARNESS), str(path), backend, precision], capture_output=True, text=True, check=True
    )
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


@pytest.mark.node
@pytest.mark.parametrize('backend', ['js', 'wasm'])
def test_node_float64_matches_pytorch_autograd(case, tmp_path, backend):
    check_float64(compare(run_node(case, tmp_path, backend), reference(case)))


@pytest.mark.node
@pytest.mark.parametrize('backend', ['js', 'wasm'])
def test_node_float32_stays_close(case, tmp_path, backend):
    check_float32(compare(run_node(case, tmp_path, backend, 'float32'), reference(case)))


def test_harness_catches_a_wrong_gradient(case):
    """compare() is sharp: one gradient entry off by 1e-5 relative fails the 1e-6 criterion."""
    want = reference(case)
    got = {
        'loss0': want['loss0'],
        'losses': want['losses'],
        'hidden': want['hidden'].flatten().tolist(),
        'grads': {n: g.clone() for n, g in want['grads'].items()},
    }
    got['grads']['W_hh'].view(-1)[int(want['grads']['W_hh'].abs().argmax())] *= 1 + 1e-5
    assert compare(got, want)['grad_rel'] > 1e-6
