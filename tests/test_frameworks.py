"""The frameworks page's shared machinery (d2lmini.book.frameworks, framework_table) and its recorded MXNet run."""

import ast
import importlib.metadata
import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import tomllib
import torch
from torch import nn
from torch.nn import functional as F

import d2lmini
from d2lmini.book import framework_table
from d2lmini.book.frameworks import Run, Windows, cross_entropy, greedy, perplexity, train

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope='module')
def windows(small_data):
    return Windows.from_data(small_data)


def torch_functions(model, lr=1.0):
    """``step`` and ``logits`` for a d2lmini RNNLM, as the page writes them."""
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)

    def step(X, Y):
        loss = model.loss(model(torch.from_numpy(X).long()), torch.from_numpy(Y).long())
        optimizer.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        return loss.detach()

    def logits(X):
        with torch.no_grad():
            return model(torch.from_numpy(X).long()).numpy()

    return step, logits


def test_windows_are_the_datasets_splits_as_int32(small_data, windows, tmp_path):
    assert windows.X_train.shape == (512, 16) and windows.X_val.shape == (128, 16)
    assert windows.X_train.dtype == np.int32 and windows.num_steps == 16 and windows.batch_size == 64
    assert np.array_equal(windows.X_val, small_data.X[512:640].numpy())
    assert np.array_equal(windows.Y_train[:, :-1], windows.X_train[:, 1:])  # Y is X shifted by one
    assert windows.tokens == small_data.vocab.idx_to_token
    windows.save(tmp_path / 'w.npz')
    loaded = Windows.load(tmp_path / 'w.npz')
    assert loaded.tokens == windows.tokens and loaded.batch_size == 64
    assert all(np.array_equal(getattr(loaded, k), getattr(windows, k)) for k in ('X_train', 'Y_train', 'X_val'))


def test_a_partial_last_batch_sits_the_epoch_out(small_data):
    windows = Windows.from_data(small_data)
    windows.batch_size = 100  # 512 windows: 5 full batches, 12 left out
    batches = [X for X, _ in windows.batches(0)]
    assert [len(X) for X in batches] == [100] * 5
    used = {X.tobytes() for X in np.concatenate(batches)[:, None]}
    assert len(used) == 500 and used < {X.tobytes() for X in windows.X_train[:, None]}


def test_batch_order_is_shared_seeded_and_full(windows):
    first = [X for X, _ in windows.batches(0)]
    assert all(np.array_equal(a, b) for a, b in zip(first, [X for X, _ in windows.batches(0)]))
    assert not np.array_equal(first[0], next(windows.batches(1))[0])  # a new order each epoch
    assert len(first) == 512 // 64 and all(X.shape == (64, 16) for X in first)
    seen = {X.tobytes() for X in np.concatenate(first)[:, None]}
    assert len(seen) == len({X.tobytes() for X in windows.X_train[:, None]})  # each window once


def test_cross_entropy_and_perplexity_match_torch():
    gen = torch.Generator().manual_seed(0)
    logits, Y = torch.randn(5, 7, 11, generator=gen) * 4, torch.randint(0, 11, (5, 7), generator=gen)
    expected = F.cross_entropy(logits.reshape(-1, 11).double(), Y.reshape(-1)).item()
    assert cross_entropy(logits.numpy(), Y.numpy()) == pytest.approx(expected, rel=1e-12)
    uniform = lambda X: np.zeros(X.shape + (11,))  # noqa: E731
    assert perplexity(uniform, np.zeros((10, 3), int), np.zeros((10, 3), int), batch_size=4) == pytest.approx(11)


def test_padded_greedy_matches_stepwise_predict(windows, make_lm):
    """The padding argument of the module docstring: the same text as d2lmini's state-carrying ``predict``."""
    model = make_lm('concise', vocab_size=len(windows.tokens), num_hiddens=16, seed=3).eval()
    vocab = d2lmini.Vocab(list(''.join(t for t in windows.tokens if len(t) == 1)))
    assert vocab.idx_to_token == windows.tokens
    _, logits = torch_functions(model)
    for prefix in ('it has', 'the time', 't'):
        num_preds = windows.num_steps - len(prefix)
        assert greedy(logits, windows, prefix, num_preds) == model.predict(prefix, num_preds, vocab)


def test_greedy_never_emits_unk_and_refuses_what_does_not_fit(windows):
    unk = windows.tokens.index('<unk>')
    favour_unk = lambda X: np.eye(len(windows.tokens))[np.full(X.shape, unk)]  # noqa: E731
    assert '<unk>' not in greedy(favour_unk, windows, 'a', 5)
    with pytest.raises(ValueError, match='window length'):
        greedy(favour_unk, windows, 'it has', windows.num_steps)
    with pytest.raises(ValueError, match=r"\['A', 'é'\]"):
        greedy(favour_unk, windows, 'Aé', 1)


def test_train_learns_times_epochs_and_stops_on_nan(windows, make_lm):
    model = make_lm('concise', vocab_size=len(windows.tokens), num_hiddens=16)
    step, logits = torch_functions(model)
    run = train('PyTorch', 'cpu', step, logits, windows, 4, num_params=7, num_preds=4)
    assert run.val_ppl[-1] < run.val_ppl[0] < len(windows.tokens) + 1
    assert len(run.epoch_seconds) == len(run.cpu_seconds) == 4 and all(s > 0 for s in run.epoch_seconds)
    assert run.tokens_per_epoch == 8 * 64 * 16 and run.num_params == 7 and len(run.trained) == 6 + 4
    assert run.seconds_per_epoch == np.median(run.epoch_seconds[1:])
    assert run.tokens_per_second == run.tokens_per_epoch / run.seconds_per_epoch
    with pytest.raises(FloatingPointError, match='epoch 1'):
        train('broken', 'cpu', lambda X, Y: np.float32('nan'), logits, windows, 2, num_preds=4)
    with pytest.raises(ValueError, match='at least one epoch'):
        train('none', 'cpu', step, logits, windows, 0, num_preds=4)


class LateLoss:
    """A loss whose value is ready only when read (like a JAX array): reading it advances the fake clock."""

    def __init__(self, clock):
        self.clock = clock

    def item(self):
        self.clock.now += 10  # the work the device was still doing
        return 1.0


def test_the_clock_stops_after_the_last_loss_is_read(windows):
    class Clock:
        now = 0.0

        def __call__(self):
            self.now += 1
            return self.now

    clock = Clock()
    zeros = lambda X: np.zeros(X.shape + (len(windows.tokens),))  # noqa: E731
    run = train(
        'late', 'cpu', lambda X, Y: LateLoss(clock), zeros, windows, 2, num_preds=2, clock=clock, cpu_clock=lambda: 0.0
    )
    assert run.epoch_seconds == [11, 11]  # the 10 spent reading the loss are inside each epoch's time


def test_run_rows_round_trip_and_a_damaged_row_is_named():
    run = Run(
        'X',
        'cpu',
        [5.0, 1.0, 3.0],
        [5.0, 1.0, 6.0],
        [9.0, 8.0, 7.5],
        'it hasqq',
        'it has a',
        100,
        5,
        recorded={'date': '2026-01-01', 'command': 'python x.py'},
    )
    back = Run.from_row(run.as_row())
    assert back == run and back.seconds_per_epoch == 2.0 and back.seconds_range == (1.0, 3.0)  # epoch 1 apart
    assert back.cpu_share == 1.5 and back.tokens_per_second == 50
    with pytest.raises(ValueError, match='num_params'):
        Run.from_row({k: v for k, v in run.as_row().items() if k != 'num_params'})


def test_table_groups_recorded_runs_in_the_pages_language():
    live = Run('JAX', 'cpu', [2.0, 0.5, 0.7], [2.0, 0.5, 0.7], [12.0, 9.0, 8.5], 'a', 'b', 1000, 2876)
    old = Run(
        'MXNet',
        'cpu',
        [3.0, 1.0, 1.0],
        [3.0, 1.0, 1.0],
        [13.0, 10.0, 8.9],
        'a',
        'b',
        1000,
        2908,
        recorded={
            'date': '2026-11-27',
            'command': 'python benchmarks/record_mxnet.py',
            'threads': 1,
            'device_name': 'EPYC',
        },
    )
    text = repr(framework_table.table([live], [old], lang='zh'))
    assert '框架' in text and '在本页运行' in text and '2026-11-27 记录：EPYC，CPU 线程数：1' in text
    assert 'python benchmarks/record_mxnet.py' in text.splitlines()[0]  # the caption names the command
    assert '0.600 (0.500–0.700)' in text and '8.50' in text and '2,908' in text
    assert '第 3 个迭代周期后的验证困惑度' in text
    with pytest.raises(ValueError, match='different numbers of epochs'):
        framework_table.table([live], [Run('Y', 'cpu', [1.0], [1.0], [9.0], 'a', 'b', 1, 1)])
    import matplotlib

    matplotlib.use('Agg')
    ax = framework_table.plot([live], [old], lang='en')
    assert [line.get_linestyle() for line in ax.lines] == ['-', '--'] and ax.get_xlabel() == 'epoch'


def test_recorded_mxnet_run_is_complete_and_matches_the_page():
    runs = framework_table.recorded_runs()
    assert [r.framework for r in runs] == ['MXNet 1.9.1']
    (run,) = runs
    assert run.recorded['epochs'] == len(run.val_ppl) == len(run.epoch_seconds) == len(run.cpu_seconds) == 40
    assert run.recorded['command'].startswith(
        f'OMP_NUM_THREADS={run.recorded["threads"]} python benchmarks/record_mxnet.py'
    )
    assert 0.5 < run.cpu_share < 1.5  # one busy thread
    assert run.recorded['numpy'] == '1.23.5' and re.fullmatch(r'\d{4}-\d\d-\d\d', run.recorded['date'])
    assert run.val_ppl[-1] < 9 and run.trained.startswith('it has')
    concise = d2lmini.RNNLM(d2lmini.RNN(28, 32), vocab_size=28, lr=1)
    concise(torch.zeros((1, 1), dtype=torch.long))
    assert run.num_params == sum(p.numel() for p in concise.parameters())  # two biases, like nn.RNN
    for page in (ROOT / 'chapters').glob('*/rnn-frameworks.md'):
        assert re.search(r'num_epochs = .*\b40\b', page.read_text(encoding='utf-8')), page


def test_pages_show_the_mxnet_model_that_ran():
    source = (ROOT / 'benchmarks' / 'mxnet_rnn.py').read_text(encoding='utf-8')
    cls = next(n for n in ast.parse(source).body if isinstance(n, ast.ClassDef) and n.name == 'RNNLM')
    code = '\n'.join(source.splitlines()[cls.lineno - 1 : cls.end_lineno])  # whole lines: trailing comments too
    pages = sorted((ROOT / 'chapters').glob('*/rnn-frameworks.md'))
    assert pages
    for page in pages:
        blocks = re.findall(r'```python\n(.*?)```', page.read_text(encoding='utf-8'), flags=re.S)
        assert code + '\n' in blocks, f'{page}: the ```python block differs from RNNLM in benchmarks/mxnet_rnn.py'


def test_framework_extra_is_pinned_to_cpu_builds_and_installed():
    from packaging.requirements import Requirement

    extra = tomllib.loads((ROOT / 'pyproject.toml').read_text())['project']['optional-dependencies']['frameworks']
    reqs = [Requirement(r) for r in extra]
    assert all(str(r.specifier).startswith('==') for r in reqs)
    linux = {'sys_platform': 'linux', 'platform_machine': 'x86_64'}
    mac = {'sys_platform': 'darwin', 'platform_machine': 'arm64'}
    windows = {'sys_platform': 'win32', 'platform_machine': 'AMD64'}
    applies = lambda r, env: r.marker is None or r.marker.evaluate(env)  # noqa: E731
    base = {'jax', 'flax', 'optax', 'keras'}
    assert {r.name for r in reqs if applies(r, linux)} == base | {'tensorflow-cpu'}
    assert {r.name for r in reqs if applies(r, windows)} == base | {'tensorflow-cpu'}
    assert {r.name for r in reqs if applies(r, mac)} == base | {'tensorflow'}  # no CPU-only wheel there
    for r in reqs:  # the versions the committed pages were executed with
        if applies(r, {}):
            assert importlib.metadata.version(r.name) == str(r.specifier)[2:], r.name


@pytest.mark.parametrize(
    'threads, message', [('1', 'has no bin/python'), ('two', 'positive integer'), (None, 'set OMP_NUM_THREADS')]
)
def test_mxnet_recorder_refuses_bad_settings_and_keeps_files(tmp_path, threads, message):
    (tmp_path / 'venv').mkdir()
    (tmp_path / 'venv' / 'keep.txt').write_text('mine')
    env = {k: v for k, v in os.environ.items() if k != 'OMP_NUM_THREADS'}
    env.update({} if threads is None else {'OMP_NUM_THREADS': threads})
    proc = subprocess.run(
        [sys.executable, str(ROOT / 'benchmarks' / 'record_mxnet.py'), '--venv', str(tmp_path / 'venv'), '--dry-run'],
        capture_output=True,
        text=True,
        env=env,
    )
    assert proc.returncode != 0 and message in proc.stderr
    assert (tmp_path / 'venv' / 'keep.txt').read_text() == 'mine'
