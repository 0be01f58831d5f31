"""Notice a diverged training run:
the first NaN or infinite loss or logged value, with where it happened.

A run that diverges (too large a learning rate, no gradient clipping) goes on for hours producing
NaN or overflowing perplexities, and the weights it leaves make generation print spaces. The Trainer
hands every training loss and every logged value to a ``DivergenceWatch``, which raises
``TrainingDiverged`` naming the epoch, the batch, the value and the usual fixes.

Trade-off: reading a value on the host makes the host wait for the device. On the CPU that costs
nothing, so the check runs at every batch and training stops at the first bad one. On a GPU the
Trainer never waits per batch (see ``core.py``); there the index of the first bad batch and its
value stay on the device, and are read once at the end of the epoch, so training stops at the end of
the epoch in which the first bad value appeared.
"""

import torch


class TrainingDiverged(FloatingPointError):
    """Raised by ``Trainer.fit`` when a loss or logged value is NaN or infinite;
    ``history``/``summary`` keep the epochs that finished before it."""


class DivergenceWatch:
    """``see`` each value during an epoch, ``end_epoch`` after it;
    either raises ``TrainingDiverged``."""

    def __init__(self, device, per_batch=None, now=''):
        # now: the settings to name, e.g. 'lr=1, ...'
        self.device, self.now = torch.device(device), now
        self.per_batch = self.device.type == 'cpu' if per_batch is None else per_batch
        # deferred mode: name -> (phase, first bad batch index or -1, value there), on the device
        self.first = {}

    def see(self, name, value, epoch, batch, phase):
        """Check ``value`` (a scalar tensor) logged as ``name``
        in batch ``batch`` (0-based) of ``phase``."""
        # a scalar stays itself; NaN or inf anywhere stays in a sum
        value = value.detach().float().sum()
        if self.per_batch:
            if not bool(value.isfinite()):
                raise TrainingDiverged(self.message(name, float(value), epoch, batch, phase))
            return
        first = self.first.get(name)
        if first is None:
            first = (
                phase,
                torch.full((), -1, device=value.device),
                torch.zeros((), device=value.device),
            )
        # Device-side only: a Python int enters torch.where as a kernel argument (no copy, no host
        # sync).
        new = ~value.isfinite() & (first[1] < 0)  # the first bad batch of this epoch
        self.first[name] = (
            phase,
            torch.where(new, batch, first[1]),
            torch.where(new, value, first[2]),
        )

    def end_epoch(self, epoch):
        """Deferred mode: read the first bad batch of the epoch (one host sync per logged name)
        and reset."""
        found = [
            (phase, int(b), name, float(v))
            for name, (phase, b, v) in self.first.items()
            if int(b) >= 0
        ]
        self.first = {}
        if found:  # the earliest: training batches come before validation ones
            phase, batch, name, value = min(found)
            raise TrainingDiverged(
                self.message(name, value, epoch, batch, phase)
                + f' (On {self.device} the check is read once per epoch, so the rest of the '
                'epoch ran.)'
            )

    def message(self, name, value, epoch, batch, phase):
        return (
            f'training diverged: {name} is {value} '
            f'at epoch {epoch + 1}, {phase} batch {batch + 1}. '
            'trainer.history keeps the epochs that finished, trainer.summary their totals. '
            'Train a new model with a smaller learning rate (lr) or with gradient clipping '
            f'(Trainer(..., gradient_clip_val=1)){"; now " + self.now if self.now else ""}.'
        )
