"""The frameworks page's table and figure: the runs made on the page beside the recorded ones (MXNet).

Recorded runs come from ``d2lmini/book/recorded/frameworks.json`` (``benchmarks/record_mxnet.py``); they are shown in
their own group, labelled with their date and device, and the caption names the command that wrote them, so a
reader never mistakes a number from another machine for one measured on the page.
Seconds per epoch are the median over the epochs after the first, with the range in small print; the first epoch
(which also compiles, for JAX and Keras) gets a column of its own instead of being averaged in. "CPU s / wall s"
is the process's CPU time over wall time (median over the later epochs): about 1 where a framework really ran on one
CPU thread, well above 1 where it used more, below 1 where it waited (for a GPU, or for other programs).
"""

from ..display.labels import label, labels, page_language
from ..display.tables import Table
from . import results
from .frameworks import Run

RECORDED = 'frameworks'  # d2lmini/book/recorded/frameworks.json


def recorded_runs(name=RECORDED):
    """The recorded runs, as ``Run`` objects (``run.recorded`` holds date, device name, versions and command)."""
    return [Run.from_row(row) for row in results.read(name)['rows']]


def _recorded_on(run, lang):
    """'recorded 2026-11-27: AMD EPYC, CPU threads: 1': the group label of a recorded run."""
    threads = run.recorded.get('threads')
    parts = (run.recorded.get('device_name'), threads and label('threads', lang).format(n=threads))
    sep = ', ' if page_language(lang) == 'en' else '，'
    device = sep.join(str(x) for x in parts if x) or run.device
    return label('recorded', lang).format(date=run.recorded.get('date', '?'), device=device)


def _row(run):
    low, high = run.seconds_range
    return [
        run.framework,
        run.device,
        f'{run.num_params:,}',
        (f'{run.seconds_per_epoch:.3f}', f'{low:.3f}–{high:.3f}'),
        f'{run.epoch_seconds[0]:.2f}',
        f'{run.cpu_share:.2f}',
        f'{run.tokens_per_second:,.0f}',
        f'{run.val_ppl[-1]:.2f}',
    ]


def _legend_name(run, lang):
    if not run.recorded:
        return run.framework
    return f'{run.framework}, {label("recorded_run", lang).format(date=run.recorded.get("date", "?"))}'


def table(runs, recorded=(), lang=None):
    """One row per run: ``runs`` made on the page first, then the ``recorded`` ones grouped by date."""
    runs, recorded, lang = list(runs), list(recorded), page_language(lang)
    epochs = {len(run.val_ppl) for run in runs + recorded}
    if len(epochs) != 1:
        raise ValueError(f'the runs have different numbers of epochs ({sorted(epochs)}); a table compares equals.')
    words = labels(
        ('framework', 'device', 'parameters', 's_per_epoch', 'first_epoch', 'cpu_share', 'tokens_per_s', 'ran_here'),
        lang,
    )
    header = [
        words['framework'],
        words['device'],
        words['parameters'],
        words['s_per_epoch'],
        words['first_epoch'],
        words['cpu_share'],
        words['tokens_per_s'],
        label('final_val_ppl', lang).format(epochs=epochs.pop()),
    ]
    groups = [words['ran_here']] * len(runs) + [_recorded_on(run, lang) for run in recorded]
    return Table(
        header,
        [_row(run) for run in runs + recorded],
        groups=groups,
        caption=results.caption([run.recorded for run in recorded], lang),
    )


def plot(runs, recorded=(), lang=None, ax=None):
    """Validation perplexity per epoch, one line per run (recorded runs dashed); returns the axes."""
    import matplotlib.pyplot as plt  # imported on first use: `import d2lmini` stays light

    lang = page_language(lang)
    if ax is None:
        ax = plt.figure(figsize=(6, 3.5)).gca()
    for run in list(runs) + list(recorded):
        ax.plot(
            range(1, len(run.val_ppl) + 1), run.val_ppl, '--' if run.recorded else '-', label=_legend_name(run, lang)
        )
    ax.set_xlabel(label('epoch', lang))
    ax.set_ylabel(label('val_ppl', lang))
    ax.legend()
    return ax
