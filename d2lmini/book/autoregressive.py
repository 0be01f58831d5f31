"""Helpers of the §9.1 worked exercise (``rnn-autoregressive``): the noisy sine, forecasters, k-step forecasting.

D2L draws the noise from torch's global generator and builds the windows inside ``get_dataloader``; here the
noise comes from a private ``torch.Generator`` seeded by ``seed`` (the same series whatever ran before), and
the windows are built once.

Every forecaster has one interface, three methods on a batch of *states*:
``observe(x) -> (states, first)`` reads the series, row ``i`` being the state after reading ``x[first + i]``;
``predict(states) -> (n,)`` forecasts the next value; ``advance(states, preds)`` reads the forecasts as if they
were observations. A windowed model's state is its last ``tau`` values (``Window``); a stateful RNN's state is
its hidden vector, which summarizes the whole series read so far (``CarriedState``). So one
``k_step_predictions`` and one ``multistep_predictions`` serve the linear model, both RNNs and the baselines,
and a k-step forecast of ``x[t]`` provably uses the observations up to ``x[t - k]`` only.

The stateful RNN and its truncated-BPTT loop are written on the page itself, where the reader sees them; this
module keeps only what cuts the series into the loop's streams (``streams``). Trade-off: the forecasting
helpers stay here, tested once for every forecaster, at the price of a reader opening this file to see them.
"""

import math

import torch
from torch import nn

from ..core import DataModule
from ..utils import check_positive_int


class SineData(DataModule):
    """``x_t = sin(0.01 t) + N(0, noise²)`` for ``t = 1..T``; features are ``tau`` lagged values, labels the next one.

    Example ``i`` is ``features[i] = x[i:i + tau]`` with label ``x[i + tau]``; the first ``num_train`` examples
    train, the rest validate. ``signal`` is the noise-free sine, kept to measure errors against the truth.
    """

    def __init__(self, batch_size=16, T=1000, num_train=600, tau=4, noise=0.2, seed=0):
        super().__init__()
        for name in ('batch_size', 'T', 'num_train', 'tau'):
            check_positive_int(name, locals()[name])
        if num_train + tau >= T:
            raise ValueError(f'num_train + tau = {num_train + tau} leaves no validation example (T = {T}).')
        self.save_hyperparameters()
        generator = torch.Generator().manual_seed(seed)
        self.time = torch.arange(1, T + 1, dtype=torch.float32)  # (T,)
        self.signal = torch.sin(0.01 * self.time)  # (T,)
        self.x = self.signal + torch.randn(T, generator=generator) * noise  # (T,)
        self.features = self.x.unfold(0, tau, 1)[:-1]  # (T - tau, tau)
        self.labels = self.x[tau:].reshape((-1, 1))  # (T - tau, 1)

    def get_dataloader(self, train):
        i = slice(0, self.num_train) if train else slice(self.num_train, None)
        return self.get_tensorloader([self.features, self.labels], train, i)


class Window(nn.Module):
    """A model on windows ``(batch, tau) -> (batch, 1)`` as a forecaster whose state is its last ``tau`` values."""

    def __init__(self, model, tau):
        super().__init__()
        self.model, self.tau = model, check_positive_int('tau', tau)

    def observe(self, x):
        return x.unfold(0, self.tau, 1), self.tau - 1  # (T - tau + 1, tau): row i is x[i:i + tau]

    def predict(self, states):
        return self.model(states).reshape(-1)  # (n,)

    def advance(self, states, preds):
        return torch.cat([states[:, 1:], preds[:, None]], 1)  # (n, tau): drop the oldest, append the forecast


class Constant(nn.Module):
    """Baseline: predicts ``value`` whatever the window, ``(batch, tau) -> (batch, 1)``."""

    def __init__(self, value):
        super().__init__()
        self.value = float(value)

    def forward(self, X):
        return torch.full((len(X), 1), self.value)


class LastValue(nn.Module):
    """Baseline: predicts the newest value of each window, ``(batch, tau) -> (batch, 1)``."""

    def forward(self, X):
        return X[:, -1:]


class CarriedState(nn.Module):
    """A model that reads the series one value per step as a forecaster whose state is its hidden vector.

    ``model`` has ``rnn``, an ``nn.RNN`` with one input, and ``head``, a linear layer from the hidden state to the
    next value (the page's ``StatefulRNN``). The state after reading ``x[t]`` summarizes all of ``x[:t + 1]``.
    """

    def __init__(self, model):
        super().__init__()
        self.model = model

    def observe(self, x):
        outputs, _ = self.model.rnn(x.reshape(-1, 1, 1))  # (T, 1, num_hiddens): the state after each value
        return outputs[:, 0], 0  # (T, num_hiddens)

    def predict(self, states):
        return self.model.head(states).reshape(-1)  # (n,)

    def advance(self, states, preds):
        _, state = self.model.rnn(preds.reshape(1, -1, 1), states.unsqueeze(0))  # one step for each of the n rows
        return state[0]  # (n, num_hiddens)


def streams(x, batch_size):
    """Inputs and one-step targets as ``batch_size`` contiguous streams: two ``(batch_size, n)`` tensors.

    ``n = (len(x) - 1) // batch_size``; the last ``(len(x) - 1) % batch_size`` values are left out.
    """
    n = (len(x) - 1) // check_positive_int('batch_size', batch_size)
    if n < 1:
        raise ValueError(f'a series of {len(x)} values cannot fill {batch_size} streams of at least one step.')
    return x[: batch_size * n].reshape(batch_size, n), x[1 : batch_size * n + 1].reshape(batch_size, n)


@torch.no_grad()
def multistep_predictions(forecaster, x, start):
    """Observations before index ``start``, then forecasts fed back as inputs: ``(len(x),)``."""
    forecaster.eval()
    states, _ = forecaster.observe(x[:start])
    states, preds = states[-1:], x.clone()  # (1, ...): the state after reading x[start - 1]; preds (T,)
    for t in range(start, len(x)):
        pred = forecaster.predict(states)  # (1,)
        preds[t] = pred[0]
        states = forecaster.advance(states, pred)
    return preds


@torch.no_grad()
def k_step_predictions(forecaster, x, steps):
    """``{k: preds}`` for each ``k`` in ``steps``; ``preds[t]`` forecasts ``x[t]`` from ``x[:t - k + 1]`` only.

    Every state is rolled forward ``max(steps)`` times, each forecast read back in as an observation; indices
    without such a forecast hold NaN, so every ``preds`` shares ``x``'s axis.
    """
    forecaster.eval()
    states, first = forecaster.observe(x)  # row i: the state after reading x[first + i]
    T, out = len(x), {}
    for k in range(1, max(steps) + 1):
        pred = forecaster.predict(states)  # (n,): row i forecasts x[first + i + k]
        if k in steps:
            out[k] = torch.full((T,), math.nan)
            out[k][first + k :] = pred[: T - first - k]
        states = forecaster.advance(states, pred)
    return out


def mse(preds, target, start=0):
    """Mean squared error over indices ``start..`` where ``preds`` is defined (NaN entries are skipped)."""
    preds, target = preds[start:], target[start:]
    keep = ~torch.isnan(preds)
    return ((preds[keep] - target[keep]) ** 2).mean().item()
