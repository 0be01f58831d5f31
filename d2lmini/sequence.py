"""§9.1's toy sequence: a noisy sine, windows of ``tau`` lagged values, and multi-step forecasting helpers.

D2L draws the noise from torch's global generator and builds the windows inside ``get_dataloader``; here the
noise comes from a private ``torch.Generator`` seeded by ``seed`` (the same series whatever ran before), and
the windows are built once. Any model mapping windows ``(batch, tau)`` to ``(batch, 1)`` works with the
forecasting helpers, so the linear model of §9.1 and an RNN are compared with the same code.
"""
import math

import torch

from .core import DataModule
from .utils import check_positive_int


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


@torch.no_grad()
def multistep_predictions(model, x, tau, start):
    """Observations before index ``start``, then predictions fed back as inputs: ``(len(x),)``."""
    model.eval()
    preds = x.clone()  # (T,)
    for t in range(start, len(x)):
        preds[t] = model(preds[t - tau:t].reshape((1, -1))).reshape(())
    return preds


@torch.no_grad()
def k_step_predictions(model, x, tau, steps):
    """``{k: preds}`` for each ``k`` in ``steps``; ``preds[t]`` predicts ``x[t]`` from ``x[:t - k + 1]`` only.

    Every window ``x[m:m + tau]`` is rolled forward ``max(steps)`` times, each prediction replacing the oldest
    value; indices with no such prediction (``t < tau + k - 1``) hold NaN, so every ``preds`` shares ``x``'s axis.
    """
    model.eval()
    T, n = len(x), len(x) - tau
    window = x.unfold(0, tau, 1)[:n]  # (n, tau): row m is x[m:m + tau]
    out = {}
    for k in range(1, max(steps) + 1):
        pred = model(window).reshape(-1)  # (n,): row m predicts x[m + tau + k - 1]
        window = torch.cat([window[:, 1:], pred[:, None]], 1)  # (n, tau)
        if k in steps:
            preds = torch.full((T,), math.nan)
            preds[tau + k - 1:] = pred[:T - tau - k + 1]
            out[k] = preds
    return out


def mse(preds, target, start=0):
    """Mean squared error over indices ``start..`` where ``preds`` is defined (NaN entries are skipped)."""
    preds, target = preds[start:], target[start:]
    keep = ~torch.isnan(preds)
    return ((preds[keep] - target[keep]) ** 2).mean().item()
