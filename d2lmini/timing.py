"""Timing helpers: D2L's ``Timer`` and a side-by-side table of Trainer summaries."""
import time

from .labels import label
from .tables import Table


class Timer:
    """Record several running times (D2L's ``Timer``): ``start``, ``stop``, ``avg``, ``sum``, ``cumsum``."""

    def __init__(self):
        self.times = []
        self.start()

    def start(self):
        self.tik = time.perf_counter()

    def stop(self):
        self.times.append(time.perf_counter() - self.tik)
        return self.times[-1]

    def avg(self):
        return sum(self.times) / len(self.times)

    def sum(self):
        return sum(self.times)

    def cumsum(self):
        out, total = [], 0.0
        for t in self.times:
            total += t
            out.append(total)
        return out


COLUMNS = [('device', '{}'), ('epochs', '{}'), ('seconds_per_epoch', '{:.3f}'), ('tokens_per_second', '{:,.0f}'),
           ('speedup', '{:.2f}x'), ('train_ppl', '{:.2f}'), ('val_ppl', '{:.2f}')]


class RunComparison:
    """Rows of measured numbers, one per run; shows as an HTML table in Jupyter and as text elsewhere.

    ``speedup`` is tokens per second relative to the first row. Headers are in the page's language (``labels``).
    """

    def __init__(self, summaries, lang=None):
        if not summaries:
            raise ValueError('compare_runs needs at least one Trainer summary, e.g. {"concise": trainer.summary}.')
        base = next(iter(summaries.values()))['tokens_per_second']
        self.rows = [{'model': name, 'device': s['device'], 'epochs': s['epochs'],
                      'seconds_per_epoch': s['seconds_per_epoch'], 'tokens_per_second': s['tokens_per_second'],
                      'speedup': s['tokens_per_second'] / base, 'train_ppl': s.get('train_ppl', float('nan')),
                      'val_ppl': s.get('val_ppl', float('nan'))} for name, s in summaries.items()]
        self.header = [label(key, lang) for key in ['model'] + [key for key, _ in COLUMNS]]

    def _cells(self, row):
        return [row['model']] + [fmt.format(row[key]) for key, fmt in COLUMNS]

    def table(self):
        return Table(self.header, [self._cells(row) for row in self.rows], css_class='d2lmini-comparison')

    def __repr__(self):
        return repr(self.table())

    def _repr_html_(self):
        return self.table()._repr_html_()


def compare_runs(summaries, lang=None):
    """Table of ``Trainer.summary`` dicts keyed by run name: time, throughput, speed-up and perplexity."""
    return RunComparison(summaries, lang)
