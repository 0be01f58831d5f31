"""One character-level RNN trained in several frameworks: shared windows, batch order, metric, timing and text.

Each framework brings two functions and nothing else:

- ``step(X, Y)``: one clipped SGD step on a batch, ``X`` and ``Y`` ``(batch, num_steps)`` int32 arrays of token
  ids; it returns the batch's loss in whatever form the framework has (a tensor, a JAX array, a float);
- ``logits(X)``: ``(batch, num_steps)`` ids → ``(batch, num_steps, vocab)`` logits, as anything ``np.asarray``
  accepts.

``train`` does the rest the same way for all of them, so that the runs differ only where the frameworks do.

Trade-offs:
- NumPy arrays are the common currency: every framework takes them, and this module imports nothing but NumPy,
  so that the MXNet recorder (``benchmarks/mxnet_rnn.py``, in a virtual environment of its own, without torch)
  can load this file by its path. Hence no relative imports here; tables and plots live in ``framework_table``.
- One batch order for all: epoch ``e`` visits the training windows in ``default_rng(seed + e).permutation``
  order, cut into full batches, so every framework sees the same batches in the same order. What still differs
  is the initial weights: each framework keeps its own default initialization.
- One metric for all: validation perplexity is ``exp`` of the mean cross-entropy, computed here in NumPy (float64)
  from each framework's logits, so no framework's loss function is trusted to average the same way.
- Time: wall-clock seconds per epoch, and this process's CPU seconds beside them (on a CPU held to one thread
  the two agree; CPU time well above wall time means a framework used more threads than asked). JAX and PyTorch
  on a GPU run asynchronously, so the clocks stop only after the epoch's last loss has been read back as a Python
  number, which waits for the work; steps return the loss as a tensor, not a number, so that nothing forces a
  wait inside the epoch (Keras's ``train_on_batch`` returns a number, so it waits at every step). The first epoch
  also compiles (XLA for JAX, ``tf.function`` tracing for Keras): ``Run`` reports the median of the later epochs
  and keeps the first apart.
- Greedy text: the prefix and the characters generated so far go in one fixed-length ``(1, num_steps)`` array,
  padded at the end. An RNN reads left to right, so the padding cannot change the logits at earlier positions,
  and a compiling framework compiles one shape instead of one per length. The price: prefix plus generated text
  must fit in ``num_steps`` characters, and each character costs a pass over the whole window.
"""

import statistics
import time
from dataclasses import dataclass, field

import numpy as np


@dataclass
class Windows:
    """The chapter's windows as NumPy arrays: ``X_*[i]`` are ``num_steps`` ids, ``Y_*[i]`` the same shifted by one."""

    X_train: np.ndarray  # (num_train, num_steps) int32
    Y_train: np.ndarray
    X_val: np.ndarray  # (num_val, num_steps) int32
    Y_val: np.ndarray
    tokens: list  # id -> token, the vocabulary's idx_to_token
    batch_size: int

    @classmethod
    def from_data(cls, data):
        """From a ``d2lmini.TimeMachine`` (its training and validation windows, vocabulary and batch size)."""
        arr = lambda t: np.ascontiguousarray(t.numpy(), dtype=np.int32)  # noqa: E731
        train = slice(0, data.num_train)
        val = slice(data.num_train, data.num_train + data.num_val)
        return cls(
            arr(data.X[train]),
            arr(data.Y[train]),
            arr(data.X[val]),
            arr(data.Y[val]),
            list(data.vocab.idx_to_token),
            data.batch_size,
        )

    def save(self, path):
        np.savez(
            path,
            X_train=self.X_train,
            Y_train=self.Y_train,
            X_val=self.X_val,
            Y_val=self.Y_val,
            tokens=np.array(self.tokens),
            batch_size=self.batch_size,
        )

    @classmethod
    def load(cls, path):
        with np.load(path) as f:
            return cls(
                f['X_train'], f['Y_train'], f['X_val'], f['Y_val'], [str(t) for t in f['tokens']], int(f['batch_size'])
            )

    @property
    def num_steps(self):
        return self.X_train.shape[1]

    def batches(self, epoch, seed=0):
        """The training batches of ``epoch``: ``(X, Y)`` pairs in the shared order (full batches only)."""
        order = np.random.default_rng(seed + epoch).permutation(len(self.X_train))
        for start in range(0, len(order) - self.batch_size + 1, self.batch_size):
            idx = order[start : start + self.batch_size]
            yield self.X_train[idx], self.Y_train[idx]

    def ids(self, text):
        """Token ids of ``text`` (characters outside the vocabulary raise a ``ValueError`` naming them)."""
        index = {token: i for i, token in enumerate(self.tokens)}
        unknown = sorted(set(text) - set(index))
        if unknown:
            raise ValueError(f'characters not in the vocabulary: {unknown}; use lower-case letters and spaces.')
        return [index[c] for c in text]


def cross_entropy(logits, Y):
    """Mean cross-entropy (nats) of ``(..., vocab)`` logits against ``(...)`` ids, in float64."""
    z = np.asarray(logits, dtype=np.float64)
    z = z - z.max(axis=-1, keepdims=True)
    log_norm = np.log(np.exp(z).sum(axis=-1))
    picked = np.take_along_axis(z, np.asarray(Y)[..., None].astype(np.int64), axis=-1)[..., 0]
    return float((log_norm - picked).mean())


def perplexity(logits_fn, X, Y, batch_size):
    """``exp`` of the mean cross-entropy of ``logits_fn`` over all windows of ``(X, Y)``, batch by batch."""
    total = 0.0
    for start in range(0, len(X), batch_size):
        xb, yb = X[start : start + batch_size], Y[start : start + batch_size]
        total += cross_entropy(logits_fn(xb), yb) * yb.size
    return float(np.exp(total / Y.size))


def greedy(logits_fn, windows, prefix, num_preds):
    """``prefix`` followed by ``num_preds`` greedily chosen characters (see the module docstring)."""
    ids = windows.ids(prefix)
    if not ids or len(ids) + num_preds > windows.num_steps:
        raise ValueError(
            f'prefix ({len(ids)} characters) plus num_preds ({num_preds}) must be 1 to '
            f'{windows.num_steps} characters, the window length.'
        )
    unk = [i for i, token in enumerate(windows.tokens) if token == '<unk>']  # never emitted, as in d2lmini
    for _ in range(num_preds):
        X = np.zeros((1, windows.num_steps), dtype=np.int32)
        X[0, : len(ids)] = ids
        scores = np.array(np.asarray(logits_fn(X))[0, len(ids) - 1], dtype=np.float64)
        scores[unk] = -np.inf
        ids.append(int(scores.argmax()))
    return ''.join(windows.tokens[i] for i in ids)


@dataclass
class Run:
    """One framework's run: wall seconds and validation perplexity per epoch, and greedy text before and after."""

    framework: str
    device: str
    epoch_seconds: list = field(default_factory=list)  # wall clock
    cpu_seconds: list = field(default_factory=list)  # this process's CPU time, all threads
    val_ppl: list = field(default_factory=list)
    untrained: str = ''
    trained: str = ''
    tokens_per_epoch: int = 0
    num_params: int = 0
    recorded: dict = None  # for a recorded row: date, versions and the command that wrote it

    @staticmethod
    def _later(values):
        """The epochs after the first (which also compiles); the first epoch if it is the only one."""
        return list(values)[1:] or list(values)

    @property
    def seconds_per_epoch(self):
        return statistics.median(self._later(self.epoch_seconds))

    @property
    def seconds_range(self):
        later = self._later(self.epoch_seconds)
        return min(later), max(later)

    @property
    def cpu_share(self):
        """Median over the later epochs of CPU seconds per wall second: about 1 for one busy thread."""
        return statistics.median(cpu / wall for cpu, wall in self._later(zip(self.cpu_seconds, self.epoch_seconds)))

    @property
    def tokens_per_second(self):
        return self.tokens_per_epoch / self.seconds_per_epoch

    def as_row(self):
        """A JSON-ready dict (the recorded file's row); ``Run.from_row`` reads it back."""
        return {**{k: getattr(self, k) for k in ROW_FIELDS}, **(self.recorded or {})}

    @classmethod
    def from_row(cls, row):
        missing = [k for k in ROW_FIELDS if k not in row]
        if missing:
            raise ValueError(f'a recorded run lacks {missing}; rerun the command that wrote it.')
        return cls(**{k: row[k] for k in ROW_FIELDS}, recorded={k: v for k, v in row.items() if k not in ROW_FIELDS})


ROW_FIELDS = (
    'framework',
    'device',
    'epoch_seconds',
    'cpu_seconds',
    'val_ppl',
    'untrained',
    'trained',
    'tokens_per_epoch',
    'num_params',
)


def as_number(loss):
    """A loss as a Python float, waiting for the device: ``.item()`` (PyTorch, JAX, NumPy), ``.asscalar()`` (MXNet)."""
    if hasattr(loss, 'item'):
        return loss.item()
    return float(loss.asscalar()) if hasattr(loss, 'asscalar') else float(loss)


def train(
    framework,
    device,
    step,
    logits_fn,
    windows,
    num_epochs,
    num_params=0,
    prefix='it has',
    num_preds=20,
    seed=0,
    clock=time.perf_counter,
    cpu_clock=time.process_time,
):
    """Train with ``step`` for ``num_epochs`` epochs in the shared batch order; returns a ``Run``."""
    num_batches = len(windows.X_train) // windows.batch_size
    if num_epochs < 1 or num_batches < 1:
        raise ValueError(
            f'need at least one epoch and one full batch; got num_epochs={num_epochs} and '
            f'{len(windows.X_train)} training windows for batches of {windows.batch_size}.'
        )
    run = Run(framework, str(device), untrained=greedy(logits_fn, windows, prefix, num_preds), num_params=num_params)
    for epoch in range(num_epochs):
        start, cpu_start = clock(), cpu_clock()
        for X, Y in windows.batches(epoch, seed):
            loss = step(X, Y)
        loss = as_number(loss)  # waits for the epoch's work (asynchronous dispatch)
        run.epoch_seconds.append(clock() - start)
        run.cpu_seconds.append(cpu_clock() - cpu_start)
        if not np.isfinite(loss):
            raise FloatingPointError(f'{framework}: the training loss is {loss} in epoch {epoch + 1}.')
        run.val_ppl.append(perplexity(logits_fn, windows.X_val, windows.Y_val, windows.batch_size))
    run.tokens_per_epoch = num_batches * windows.batch_size * windows.num_steps
    run.trained = greedy(logits_fn, windows, prefix, num_preds)
    return run
