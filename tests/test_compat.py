"""D2L's way of writing code works on d2lmini: the tensor names, download, TimeMachine redefinitions, plot, board.

Every test is our own reader-style code (not D2L's text); ``tools/run_d2l_sections.py`` runs D2L's own cells.
"""

import ast
import math
import re
from pathlib import Path

import pytest
import torch
from torch import nn

import d2lmini as d2l
from d2lmini import compat

ROOT = Path(__file__).resolve().parents[1]
COMPAT_NAMES = sorted(n for n in vars(compat) if not n.startswith('_') and n != 'torch')


def test_compat_names_are_package_attributes_but_not_star_exported():
    assert COMPAT_NAMES == [
        'arange',
        'argmax',
        'exp',
        'float32',
        'int64',
        'matmul',
        'normal',
        'numpy',
        'ones',
        'randn',
        'reshape',
        'sin',
        'stack',
        'swapaxes',
        'tanh',
        'tensor',
        'zeros',
    ]
    assert all(getattr(d2l, name) is getattr(compat, name) for name in COMPAT_NAMES)
    assert not set(COMPAT_NAMES) & set(d2l.__all__)  # `from d2lmini import *` must not shadow numpy or math.exp


def test_a_hand_written_rnn_step_with_d2l_names_matches_torch():
    torch.manual_seed(0)
    W_xh, W_hh, b_h = d2l.randn(5, 3) * 0.1, d2l.randn(3, 3) * 0.1, d2l.zeros(3)
    inputs = d2l.ones((4, 2, 5))  # (num_steps, batch, num_inputs)
    H, states = d2l.zeros((2, 3)), []
    for X in inputs:
        H = d2l.tanh(d2l.matmul(X, W_xh) + d2l.matmul(H, W_hh) + b_h)  # (batch, num_hiddens)
        states.append(H)
    outputs = d2l.stack(states, 1)  # (batch, num_steps, num_hiddens)
    assert outputs.shape == (2, 4, 3) and outputs.dtype == d2l.float32
    expected = torch.tanh(torch.ones(2, 5) @ W_xh)
    assert torch.allclose(outputs[:, 0], expected)
    assert d2l.swapaxes(outputs, 0, 1).shape == (4, 2, 3)
    assert torch.equal(d2l.swapaxes(outputs, 0, 1), outputs.transpose(0, 1))


def test_greedy_pick_and_perplexity_the_d2l_way():
    Y = d2l.tensor([[[0.1, 2.0, 0.3], [1.5, 0.2, 0.1]]])  # (batch=1, num_steps=2, vocab=3)
    picks = d2l.reshape(d2l.argmax(Y, axis=2), -1)
    assert picks.tolist() == [1, 0]
    assert int(d2l.reshape(d2l.argmax(Y[:, -1:], axis=2), 1)) == 0
    ids = d2l.tensor([[2, 0]], dtype=d2l.int64)
    assert ids.dtype == torch.int64
    assert d2l.exp(d2l.tensor(math.log(7.0))).item() == pytest.approx(7.0)


def test_a_noisy_series_to_numpy_the_d2l_way():
    time = d2l.arange(1, 11, dtype=d2l.float32)
    x = d2l.sin(0.5 * time) + d2l.normal(0.0, 0.1, (10,))
    column = d2l.reshape(x, (-1, 1))
    assert column.shape == (10, 1)
    w = torch.ones(1, requires_grad=True)
    values = d2l.numpy(column * w)  # detached: no "can't call numpy() on a tensor that requires grad"
    assert values.shape == (10, 1) and abs(values - column.numpy()).max() < 1e-6


def test_chapters_and_package_use_pytorch_not_the_compat_names():
    """The compatibility names are for readers' code: our chapters and modules call PyTorch directly."""
    pattern = re.compile(r'\bd2l\.(' + '|'.join(COMPAT_NAMES) + r')\b')
    pages = sorted((ROOT / 'chapters').glob('*/*.md'))
    assert pages
    used = {str(p.relative_to(ROOT)): pattern.findall(p.read_text(encoding='utf-8')) for p in pages}
    assert not any(used.values()), used
    for path in (ROOT / 'd2lmini').glob('*.py'):
        tree = ast.parse(path.read_text(encoding='utf-8'))
        imports = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.level}
        assert path.stem == '__init__' or 'compat' not in imports, path


def test_build_returns_a_list_of_ids_and_the_vocab(small_data, raw_text):
    corpus, vocab = small_data.build(raw_text)
    assert isinstance(corpus, list) and all(type(i) is int for i in corpus[:100])
    windows = d2l.tensor([corpus[i : i + 4] for i in range(5)])  # the D2L way of making windows
    assert windows.shape == (5, 4)
    assert vocab.to_tokens(corpus[:8]) == list(d2l.preprocess(raw_text)[:8])


class WordTimeMachine(d2l.TimeMachine):
    """A reader's subclass: words instead of characters."""

    def _tokenize(self, text):
        return text.split()


def test_a_subclass_tokenize_is_honoured():
    data = WordTimeMachine(batch_size=4, num_steps=3, num_train=20, num_val=10)
    assert 'traveller' in data.vocab.token_to_idx and len(data.vocab) > 4000
    assert data.vocab.to_tokens(data.X[0]) == ['the', 'time', 'machine']
    assert torch.equal(data.X[1:], data.Y[:-1])


def test_a_build_added_with_add_to_class_is_honoured(monkeypatch):
    calls = []

    def build(self, raw_text, vocab=None):  # a reader's own build: every character, case kept
        tokens = list(raw_text[:500])
        vocab = d2l.Vocab(tokens) if vocab is None else vocab
        calls.append(len(tokens))
        return [vocab[t] for t in tokens], vocab

    monkeypatch.setattr(d2l.TimeMachine, 'build', build)  # what @d2l.add_to_class(d2l.TimeMachine) does
    data = d2l.TimeMachine(batch_size=4, num_steps=5, num_train=20, num_val=10)
    assert calls == [500] and 'T' in data.vocab.token_to_idx


class KeepCaseTimeMachine(d2l.TimeMachine):
    def _preprocess(self, text):
        return re.sub('[^A-Za-z]+', ' ', text)


class AccentTimeMachine(d2l.TimeMachine):
    def _preprocess(self, text):
        return 'café ' + d2l.preprocess(text)


@pytest.mark.parametrize('cls, token', [(KeepCaseTimeMachine, 'T'), (AccentTimeMachine, 'é')])
def test_a_preprocess_override_is_honoured_on_both_paths(cls, token, raw_text):
    data = cls(batch_size=4, num_steps=5, num_train=20, num_val=10)
    assert token in data.vocab.token_to_idx
    corpus, vocab = data.build(raw_text)
    assert torch.equal(torch.tensor(corpus[: 5 + 1]), torch.cat([data.X[0], data.Y[0, -1:]]))


def test_a_redefined_init_without_root_uses_the_data_folder(monkeypatch):
    def __init__(self, batch_size, num_steps, num_train=100, num_val=50):  # the D2L way, written by us
        super(d2l.TimeMachine, self).__init__()  # DataModule: root='../data'
        self.save_hyperparameters()
        corpus, self.vocab = self.build(self._download())
        rows = d2l.tensor([corpus[i : i + num_steps + 1] for i in range(200)])
        self.X, self.Y = rows[:, :-1], rows[:, 1:]

    monkeypatch.setattr(d2l.TimeMachine, '__init__', __init__)
    data = d2l.TimeMachine(batch_size=10, num_steps=6)
    assert data.root == '../data' and data.X.shape == (200, 6)
    X, Y = next(iter(data.train_dataloader()))
    assert X.shape == Y.shape == (10, 6)


class OwnTextData(d2l.DataModule):
    """A reader's own dataset, fetched with D2L's download into the default folder."""

    def __init__(self):
        super().__init__()
        path = d2l.download(d2l.DATA_URL + 'timemachine.txt', self.root, '090b5e7e70c295757f55df93cb0a180b9691891a')
        with open(path) as f:
            self.text = f.read()


def test_a_data_module_of_ones_own_downloads_through_the_data_folder(shared_file):
    assert OwnTextData().text == shared_file.read_text(encoding='utf-8')


@pytest.mark.parametrize(
    'kwargs, message',
    [
        (
            dict(num_steps=10**9),
            r'num_steps = 1000000000 is too large for the corpus: it has \d+ tokens.*'
            r'lower num_steps \(to at most \d+\)',
        ),
        (dict(num_steps=8, num_train=10**9), r'exceeds the \d+ windows of 8 steps.*lower num_train \+ num_val'),
    ],
)
def test_too_large_sizes_name_what_to_lower(kwargs, message):
    with pytest.raises(ValueError, match=message) as info:
        d2l.TimeMachine(batch_size=8, **kwargs)
    assert not re.search(r'-\d', str(info.value))  # no negative window counts


def test_plot_returns_none_and_draws_on_given_axes():
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    assert d2l.plot(d2l.arange(5), [d2l.arange(5) ** 2], 'x', 'y', axes=ax) is None
    assert len(ax.get_lines()) == 1 and ax.get_xlabel() == 'x'
    plt.close('all')


class TinyRegression(d2l.Module):
    def __init__(self, lr=0.1):
        super().__init__()
        self.save_hyperparameters()
        self.net = nn.Linear(1, 1)

    def loss(self, y_hat, y):
        return ((y_hat - y) ** 2).mean()


class LineData(d2l.DataModule):
    def __init__(self, batch_size=8):
        super().__init__()
        self.save_hyperparameters()
        self.x = d2l.reshape(d2l.arange(32, dtype=d2l.float32) / 32, (-1, 1))

    def get_dataloader(self, train):
        return self.get_tensorloader([self.x, 2 * self.x + 1], train, slice(0, 24) if train else slice(24, None))


def test_board_settings_shape_the_live_plot_and_data_holds_the_points():
    model = TinyRegression()
    model.board.yscale, model.board.xlabel, model.board.ylim = 'log', 'epochs seen', (1e-4, 10)
    trainer = d2l.Trainer(max_epochs=3, progress=False)
    trainer.fit(model, LineData())
    axes = trainer.figure.axes[0]
    assert axes.get_yscale() == 'log' and axes.get_xlabel() == 'epochs seen' and axes.get_ylim() == (1e-4, 10)
    assert [p.x for p in model.board.data['val_loss']] == [1, 2, 3]
    assert model.board.data['val_loss'][-1].y == trainer.history[-1]['val_loss']
    assert set(model.board.data) == {'train_loss', 'val_loss'}


def test_board_display_false_turns_the_live_plot_off_but_keeps_the_points():
    model = TinyRegression()
    model.board.display = False
    trainer = d2l.Trainer(max_epochs=2, progress=False)
    trainer.fit(model, LineData())
    assert trainer._board is None and not hasattr(trainer, 'figure')
    assert len(model.board.data['train_loss']) == 2
    trainer.fit(model, LineData())  # a new fit starts new curves
    assert len(model.board.data['train_loss']) == 2


def test_classifier_loss_is_the_mean_cross_entropy_over_all_steps():
    Y_hat, Y = torch.randn(2, 3, 5), torch.tensor([[0, 1, 2], [3, 4, 0]])  # (batch, steps, classes), (batch, steps)
    model = d2l.Classifier()
    expected = nn.functional.cross_entropy(Y_hat.reshape(6, 5), Y.reshape(6))
    assert torch.allclose(model.loss(Y_hat, Y), expected)
    assert model.loss(Y_hat, Y, averaged=False).shape == (6,)
    assert not hasattr(model, 'accuracy') and not hasattr(model, 'apply_init')  # unused by chapters and §9.1-9.6
