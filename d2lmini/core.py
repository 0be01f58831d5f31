"""D2L's Module / DataModule / Trainer trio, with a Trainer that stays out of the way of the GPU.

What changed from D2L and why:
- Logged values are summed on the device and read once per epoch (D2L calls ``.item()`` per batch,
  which waits for the GPU every step).
- Gradients are clipped with ``clip_grad_norm_`` (global norm, no host sync)
  instead of a Python loop.
- Progress is a history of per-epoch averages plus a ``summary`` dict; the live plot redraws a
  bounded number of times (``plotting.LivePlot``),
  and a one-line progress report works with or without Jupyter.
"""

import math
import time

import torch
from torch import nn

from . import utils
from .board import Board
from .display.labels import page_language
from .display.progress_line import ProgressLine, metrics
from .divergence import DivergenceWatch, TrainingDiverged
from .utils import HyperParameters


class Module(nn.Module, HyperParameters):
    """(D2L §3.2) Base class of models: ``loss``, ``forward``, ``training_step``,
    ``validation_step``, ``configure_optimizers``.

    ``plot_train_per_epoch``/``plot_valid_per_epoch`` are accepted for D2L compatibility and unused:
    the Trainer plots per-epoch averages.
    ``board`` holds the live plot's settings and points (``progress.Board``).
    """

    def __init__(self, plot_train_per_epoch=2, plot_valid_per_epoch=1):
        super().__init__()
        self.save_hyperparameters()
        self.board = Board()

    def loss(self, y_hat, y):
        raise NotImplementedError

    def forward(self, X):
        assert hasattr(self, 'net'), 'Neural network is not defined'
        return self.net(X)

    def plot(self, key, value, train):
        """Log ``value`` (a scalar tensor) under ``key``;
        the Trainer averages it per epoch and plots it."""
        trainer = self.__dict__.get('trainer')
        if trainer is not None:
            trainer.record(('train_' if train else 'val_') + key, value)

    def training_step(self, batch):
        l = self.loss(self(*batch[:-1]), batch[-1])
        self.plot('loss', l, train=True)
        return l

    def validation_step(self, batch):
        l = self.loss(self(*batch[:-1]), batch[-1])
        self.plot('loss', l, train=False)

    def configure_optimizers(self):
        utils.check_positive_number('lr', self.lr)  # here too: lr may have been set after __init__
        return torch.optim.SGD(self.parameters(), lr=self.lr)


class DataModule(HyperParameters):
    """(D2L §3.2) Base class of data:
    ``train_dataloader`` and ``val_dataloader`` call ``get_dataloader(train)``."""

    def __init__(self, root='../data', num_workers=0):
        self.save_hyperparameters()

    def get_dataloader(self, train):
        raise NotImplementedError

    def train_dataloader(self):
        return self.get_dataloader(train=True)

    def val_dataloader(self):
        return self.get_dataloader(train=False)

    def get_tensorloader(self, tensors, train, indices=slice(0, None)):
        """Batches of ``tensors[indices]``, shuffled when ``train``;
        whole batches, no per-sample collation."""
        return TensorBatches(tuple(a[indices] for a in tensors), self.batch_size, shuffle=train)


class TensorBatches:
    """Serve ``(X[idx], Y[idx], ...)`` batch by batch; shuffling uses torch's global RNG (seedable).

    D2L wraps the tensors in a ``DataLoader``, which fetches and collates one sample at a time;
    indexing whole batches gives the same batches far faster. Knows nothing about any dataset.
    """

    def __init__(self, tensors, batch_size, shuffle):
        self.tensors, self.batch_size, self.shuffle = tensors, batch_size, shuffle
        self.n = len(tensors[0])

    def __len__(self):
        return -(-self.n // self.batch_size)

    def __iter__(self):
        order = torch.randperm(self.n) if self.shuffle else torch.arange(self.n)
        for start in range(0, self.n, self.batch_size):
            idx = order[start : start + self.batch_size]
            yield tuple(t[idx] for t in self.tensors)


def perplexity(mean_nll):
    """Perplexity: ``exp`` of the mean negative log-likelihood per token (nats). The one definition
    in d2lmini: the Trainer's ``*_ppl``, ``model.score`` and the studies use it."""
    return math.exp(float(mean_nll))


def is_perplexity(key):
    return key.endswith('ppl')


class Trainer(HyperParameters):
    """(D2L §3.2) Fit a ``Module`` to a ``DataModule`` with SGD-style optimizers,
    optional clipping and live progress.

    After ``fit``: ``history`` holds one dict per epoch (``epoch``, ``time`` and every logged
    metric, e.g. ``train_ppl``/``val_ppl``) and ``summary`` the totals (seconds, tokens per second,
    final metrics). ``fit`` leaves the model in the mode (``train()``/``eval()``) it found it in.

    An epoch's metric is the mean over its tokens (each batch weighted by its number of target
    tokens). A metric named ``*ppl`` is logged per batch as ``exp(loss)`` (D2L's
    ``self.plot('ppl', torch.exp(l), ...)``) and averaged as perplexity is defined: ``exp`` of the
    mean loss per token (``perplexity``), the number ``model.score`` and the page give for one text.
    D2L's Trainer plots the plain mean of per-batch perplexities, which is a little higher while the
    loss still varies from batch to batch.

    A Ctrl-C, or a loss or logged value that is NaN or infinite (``TrainingDiverged``, see
    ``divergence.py``), ends ``fit`` early: the exception is raised again once ``summary`` holds the
    totals of the epochs that finished, marked ``'stopped': 'interrupted'`` or ``'diverged'``
    (``'epochs': 0`` if none did).
    """

    def __init__(
        self,
        max_epochs,
        num_gpus=0,
        gradient_clip_val=0,
        *,
        live_plot=True,
        progress=True,
        max_redraws=20,
        lang=None,
    ):
        max_epochs = utils.check_positive_int('max_epochs', max_epochs)
        num_gpus = utils.check_count(
            'num_gpus', num_gpus, ' (0 = CPU; 1 or more = the first GPU, when there is one)'
        )
        gradient_clip_val = utils.check_nonnegative_number(
            'gradient_clip_val', gradient_clip_val, ' (0 turns clipping off)'
        )
        self.save_hyperparameters()
        # the page's language, resolved once for the plot and the progress line
        self.lang = page_language(lang)
        self.gpus = [utils.gpu(i) for i in range(min(num_gpus, utils.num_gpus()))]
        self.device = self.gpus[0] if self.gpus else utils.cpu()

    def __repr__(self):
        return (
            f'Trainer(max_epochs={self.max_epochs}, gradient_clip_val={self.gradient_clip_val}, '
            f'device={str(self.device)!r})'
        )

    def prepare_data(self, data):
        self.train_dataloader = data.train_dataloader()
        self.val_dataloader = data.val_dataloader()
        self.num_train_batches = len(self.train_dataloader)
        self.num_val_batches = len(self.val_dataloader) if self.val_dataloader is not None else 0

    def prepare_model(self, model):
        model.trainer = self
        model.to(self.device)
        self.model = model

    def prepare_batch(self, batch):
        return [a.to(self.device, non_blocking=True) for a in batch] if self.gpus else batch

    def record(self, key, value):
        """Accumulate a logged scalar on its device, weighted by the batch's tokens; ``end_epoch``
        averages it (a perplexity through its log, the batch's mean loss)."""
        total, count = self._sums.get(key, (0.0, 0))
        value = value.detach()
        self._sums[key] = (
            total + (value.log() if is_perplexity(key) else value) * self._tokens,
            count + self._tokens,
        )
        self._watch.see(key, value, self.epoch, self._batch, self._phase)

    def fit(self, model, data):
        """Train ``model`` on ``data`` for ``max_epochs``;
        returns None, as in D2L (read ``history``/``summary``)."""
        self.prepare_data(data)
        self.prepare_model(model)
        self.optim = model.configure_optimizers()
        self.epoch = self.train_batch_idx = self.val_batch_idx = self._batch = 0
        self._phase, self._sums, self._tokens_done = 'training', {}, 0
        self.history, self.summary, self.num_train_tokens, self._tokens = [], {}, 0, 1
        lr = f'lr={model.lr}, ' if hasattr(model, 'lr') else ''
        self._watch = DivergenceWatch(
            self.device, now=f'{lr}gradient_clip_val={self.gradient_clip_val}'
        )
        self._start = time.perf_counter()
        self._line = ProgressLine(self.max_epochs, self.lang, enabled=self.progress)
        self._board = self._make_board(model)
        was_training = model.training
        try:
            for epoch in range(self.max_epochs):
                self.epoch, self._sums = epoch, {}
                self.fit_epoch()
                self._watch.end_epoch(epoch)
                self.end_epoch()
        except KeyboardInterrupt:
            self.finish(stopped='interrupted')
            raise
        except TrainingDiverged:
            self.finish(stopped='diverged')
            raise
        finally:
            model.train(was_training)
        self.finish()

    def fit_epoch(self):
        self.model.train()
        self._phase = 'training'
        for i, batch in enumerate(self.train_dataloader):
            self._batch, batch = i, self.prepare_batch(batch)
            self._tokens = batch[-1].numel()
            loss = self.model.training_step(batch)
            self._watch.see('loss', loss, self.epoch, i, self._phase)
            self.optim.zero_grad(set_to_none=True)
            loss.backward()
            if self.gradient_clip_val > 0:
                self.clip_gradients(self.gradient_clip_val, self.model)
            self.optim.step()
            self.num_train_tokens += batch[-1].numel()
            self.train_batch_idx += 1
        if self.val_dataloader is None:
            return
        self.model.eval()
        self._phase = 'validation'
        with torch.no_grad():
            for i, batch in enumerate(self.val_dataloader):
                self._batch, batch = i, self.prepare_batch(batch)
                self._tokens = batch[-1].numel()
                self.model.validation_step(batch)
                self.val_batch_idx += 1

    def clip_gradients(self, grad_clip_val, model):
        """Rescale all gradients together
        so that their global L2 norm is at most ``grad_clip_val``."""
        params = [p for p in model.parameters() if p.requires_grad and p.grad is not None]
        nn.utils.clip_grad_norm_(params, grad_clip_val)

    def end_epoch(self):
        row = {'epoch': self.epoch + 1, 'time': time.perf_counter() - self._start}
        row.update(
            {
                k: perplexity(total / count) if is_perplexity(k) else (total / count).item()
                for k, (total, count) in self._sums.items()
            }
        )
        self.history.append(row)
        self._tokens_done = self.num_train_tokens
        if isinstance(getattr(self.model, 'board', None), Board):
            self.model.board.record(row)
        # plot first, so that in Jupyter the progress line sits below it
        if self._board is not None:
            self._board.update(self.history)
        self._line.update(row, self.num_train_tokens)

    def finish(self, stopped=None):
        """Make ``summary`` from the finished epochs (marked ``stopped`` when cut short),
        close plot and line."""
        if not self.history:
            self.summary = {'epochs': 0, 'device': str(self.device)}
        else:
            seconds = self.history[-1]['time']
            self.summary = {
                'epochs': len(self.history),
                'seconds': seconds,
                'seconds_per_epoch': seconds / len(self.history),
                'tokens_per_second': self._tokens_done / seconds,
                'device': str(self.device),
                **metrics(self.history[-1]),
            }
        if stopped:
            self.summary['stopped'] = stopped
        if self._board is not None and self.history:
            self._board.close(self.history)
            self.figure = self._board.figure
        self._line.close(self.summary)

    def _make_board(self, model):
        """The live plot, set up by ``model.board`` (cleared for this fit);
        None when either turns it off."""
        board = getattr(model, 'board', None)
        if isinstance(board, Board):
            board.data = {}
        if not self.live_plot or not getattr(board, 'display', True):
            return None
        from .display.live_plot import LivePlot  # matplotlib is imported only when a plot is wanted

        return LivePlot(self.max_epochs, self.lang, self.max_redraws, board=board)
