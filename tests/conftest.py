"""Shared fixtures: an offline copy of the dataset, a tiny TimeMachine and tiny scratch/concise language models.

No test touches the network: when ``D2LMINI_DATA_DIR`` is unset, the session points it at a temporary copy of
``../shared/data`` (relative to the repository root), so the verified file is found and pooch is never called.
"""
import os
import shutil
from pathlib import Path

import pytest
import torch

import d2lmini

# One intra-op thread: the tiny tensors here gain nothing from more, and on the 2-core CI box two OpenMP threads
# made small RNN steps ~40x slower (threads spinning against each other). Also makes float sums reproducible.
torch.set_num_threads(1)

REPO_ROOT = Path(__file__).resolve().parent.parent
SHARED_FILE = REPO_ROOT.parent / 'shared' / 'data' / 'timemachine.txt'


def shared_data_file():
    """The verified ``timemachine.txt``: from ``$D2LMINI_DATA_DIR`` if set there, else ``../shared/data``."""
    env = os.environ.get('D2LMINI_DATA_DIR')
    if env and (Path(env) / 'timemachine.txt').is_file():
        return Path(env) / 'timemachine.txt'
    return SHARED_FILE


@pytest.fixture(scope='session', autouse=True)
def offline_data_dir(tmp_path_factory):
    """Point ``D2LMINI_DATA_DIR`` at a writable copy of the shared data unless the caller already set it."""
    if os.environ.get('D2LMINI_DATA_DIR'):
        yield Path(os.environ['D2LMINI_DATA_DIR'])
        return
    if not SHARED_FILE.is_file():
        pytest.exit(f'{SHARED_FILE} is missing: set D2LMINI_DATA_DIR to a folder with timemachine.txt', 2)
    directory = tmp_path_factory.mktemp('data')
    shutil.copyfile(SHARED_FILE, directory / 'timemachine.txt')
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv('D2LMINI_DATA_DIR', str(directory))
        yield directory


@pytest.fixture(scope='session')
def shared_file():
    return shared_data_file()


@pytest.fixture(scope='session')
def raw_text(shared_file):
    return shared_file.read_text(encoding='utf-8')


@pytest.fixture(scope='session')
def small_data():
    """A small split of the real corpus: 512 training and 128 validation windows of 16 steps."""
    return d2lmini.TimeMachine(batch_size=64, num_steps=16, num_train=512, num_val=128)


def build_lm(kind, vocab_size=28, num_hiddens=16, lr=1.0, seed=0):
    """A seeded language model: ``'scratch'`` (RNNScratch + RNNLMScratch) or ``'concise'`` (RNN + RNNLM)."""
    torch.manual_seed(seed)
    if kind == 'scratch':
        return d2lmini.RNNLMScratch(d2lmini.RNNScratch(vocab_size, num_hiddens), vocab_size, lr=lr)
    model = d2lmini.RNNLM(d2lmini.RNN(vocab_size, num_hiddens), vocab_size, lr=lr)
    model(torch.zeros((1, 1), dtype=torch.long))  # materialize the LazyLinear output layer
    return model


@pytest.fixture(scope='session')
def make_lm():
    """``make_lm(kind, ...)`` builds a seeded scratch or concise language model (see ``build_lm``)."""
    return build_lm


def build_spread_lm(kind, weight_seed, seed=1):
    """A 16-unit, 28-token model (``build_lm``) with weights of std 1 and a hidden-to-hidden std of 0.15, in eval mode.

    Such weights give logits far from ties and probabilities from near 0 to near 1, and a contracting recurrence
    (spectral radius about 0.6): with a chaotic one, float32 and float64 runs drift apart after a while.
    """
    lm = build_lm(kind, vocab_size=28, num_hiddens=16, seed=seed).eval()
    gen = torch.Generator().manual_seed(weight_seed)
    with torch.no_grad():
        for name, p in lm.named_parameters():
            p.copy_(torch.randn(p.shape, generator=gen) * (0.15 if 'hh' in name else 1.0))
    return lm


@pytest.fixture(scope='session')
def make_spread_lm():
    """``make_spread_lm(kind, weight_seed)``: see ``build_spread_lm``."""
    return build_spread_lm
