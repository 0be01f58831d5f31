"""``model.board`` (D2L §3.2's ``ProgressBoard``): how the Trainer's live plot of a model looks,
and the points it shows."""

import collections

from .display.progress_line import metrics

Point = collections.namedtuple('Point', ['x', 'y'])  # one point of a Board curve, as in D2L


class Board:
    """D2L's ``model.board``:
    how the Trainer's live plot of this model looks, and the points it shows.

    The attributes D2L's sections set work here: ``xlabel``, ``ylabel``, ``xlim``, ``ylim``,
    ``xscale``, ``yscale`` (e.g. ``model.board.yscale = 'log'``) and ``display`` (False: no live
    plot). ``data[key]`` lists ``Point(epoch, value)`` per metric, one per epoch of the last ``fit``
    (D2L adds training points twice per epoch and keeps them across fits);
    ``model.board.data['val_ppl'][-1].y`` reads the same in both packages.
    """

    def __init__(
        self,
        xlabel=None,
        ylabel=None,
        xlim=None,
        ylim=None,
        xscale='linear',
        yscale='linear',
        display=True,
    ):
        self.xlabel, self.ylabel, self.xlim, self.ylim = xlabel, ylabel, xlim, ylim
        self.xscale, self.yscale, self.display = xscale, yscale, display
        self.data = {}

    def __repr__(self):
        shown = {k: v for k, v in vars(self).items() if k != 'data'}
        fields = ', '.join(f'{k}={v!r}' for k, v in shown.items())
        return f'Board({fields}, data keys={list(self.data)})'

    def record(self, row):
        """Add one epoch's averages (a Trainer history row) to ``data``."""
        for key, value in metrics(row).items():
            self.data.setdefault(key, []).append(Point(row['epoch'], value))
