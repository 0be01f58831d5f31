"""Does ``nn.RNN``'s initialization explain a perplexity difference? Three variants of the chapter's model, each
trained with several seeds: one run per variant would compare noise.

Variants (the chapter's data, 32 hidden units, learning rate 1, gradients clipped to norm 1):
- ``scratch``: ``RNNScratch`` + ``RNNLMScratch``: weights from N(0, 0.01²), one bias (zeros), output layer N(0, 0.01²).
- ``concise``: ``RNN`` + ``RNNLM`` with PyTorch's defaults: every weight and both biases of ``nn.RNN`` from
  U(-1/√h, 1/√h), h the number of hidden units; the output ``LazyLinear`` also draws from U(-1/√h, 1/√h).
- ``concise_scratch_init``: the concise model re-initialized like the scratch one (weights N(0, 0.01²), biases 0).
  It differs from ``scratch`` only in its parametrization (two bias vectors that always move together, so their
  sum takes twice the step a single bias would) and in the order of floating-point operations.

Which comparison answers which question (``PAIRS``, each paired by seed): concise minus scratch mixes everything
that differs (initialization, two biases, ``nn.RNN``'s arithmetic); concise minus ``concise_scratch_init`` differs
only in the initialization, so it alone isolates it; ``concise_scratch_init`` minus scratch differs only in the
parametrization. A paired difference is reported as mean ± standard error over seeds and in standard errors
(mean / s.e.); the pages call a difference real when it is at least two standard errors from zero, a rule of
thumb for so few seeds, not a test with a stated error rate.

Seeding: seed s builds the model (``torch.manual_seed(s)``); the batch order is seeded separately with 1000 + s, so
the three variants of one seed see the same batches in the same order and are compared in pairs.
``benchmarks/bench_init.py`` runs the study and records it in ``d2lmini/book/recorded/init.json``; the page reads
that file,
because 100 epochs take about half a minute per run on a CPU: far more than a page can spend on many seeds.
"""

import datetime
import math
import statistics

import torch

from ..core import Trainer
from ..display.labels import label, page_language
from ..display.tables import Table
from . import results
from .speed import build, device_info

VARIANTS = ('scratch', 'concise', 'concise_scratch_init')
INIT_LABELS = {'scratch': 'init_scratch', 'concise': 'init_pytorch', 'concise_scratch_init': 'init_scratch_two'}
KEY = ('device_type', 'device_name', 'epochs')


def scratch_init_(model, sigma=0.01):
    """Re-initialize ``model`` in place like the scratch model: every weight from N(0, sigma²), every bias 0."""
    with torch.no_grad():
        for name, param in model.named_parameters():
            if name.rsplit('.', 1)[-1].startswith('bias'):
                param.zero_()
            else:
                param.normal_(0, sigma)
    return model


def build_variant(variant, vocab_size, num_hiddens, seed):
    """The seeded model of one variant (see the module docstring)."""
    if variant not in VARIANTS:
        raise ValueError(f'variant must be one of {VARIANTS}, got {variant!r}.')
    torch.manual_seed(seed)
    model = build('scratch' if variant == 'scratch' else 'concise', vocab_size, num_hiddens)
    return scratch_init_(model) if variant == 'concise_scratch_init' else model


def train(variant, data, seed, epochs, num_hiddens=32, num_gpus=0):
    """Train one variant with one seed; returns its final perplexities and validation curve."""
    model = build_variant(variant, len(data.vocab), num_hiddens, seed)
    trainer = Trainer(max_epochs=epochs, gradient_clip_val=1, num_gpus=num_gpus, live_plot=False, progress=False)
    torch.manual_seed(1000 + seed)  # the batch order: the same for every variant of this seed
    trainer.fit(model, data)
    return {
        'seed': seed,
        'train_ppl': trainer.summary['train_ppl'],
        'val_ppl': trainer.summary['val_ppl'],
        'val_curve': [round(row['val_ppl'], 4) for row in trainer.history],
    }


def run(data, seeds, epochs, num_hiddens=32, num_gpus=0, command=None, report=None):
    """Train every variant with every seed (seed by seed); returns the record that ``results.update`` stores."""
    device = 'cuda:0' if num_gpus and torch.cuda.is_available() else 'cpu'
    runs = {variant: [] for variant in VARIANTS}
    for seed in seeds:
        for variant in VARIANTS:
            runs[variant].append(train(variant, data, seed, epochs, num_hiddens, num_gpus))
            if report is not None:
                report(f'seed {seed} {variant}: val ppl {runs[variant][-1]["val_ppl"]:.3f}')
    return {
        **device_info(device),
        'date': datetime.date.today().isoformat(),
        'command': command,
        'epochs': epochs,
        'num_hiddens': num_hiddens,
        'batch_size': data.batch_size,
        'num_steps': data.num_steps,
        'lr': 1,
        'gradient_clip_val': 1,
        'seeds': list(seeds),
        'runs': runs,
    }


def summary(record):
    """Per variant: n, mean, sd, min, max of the final validation perplexity, and the paired difference from
    ``scratch`` (same seed) as mean, sd and standard error."""
    out, base = {}, {r['seed']: r['val_ppl'] for r in record['runs']['scratch']}
    for variant in VARIANTS:
        values = [r['val_ppl'] for r in record['runs'][variant]]
        diffs = [r['val_ppl'] - base[r['seed']] for r in record['runs'][variant] if r['seed'] in base]
        sd = statistics.stdev(diffs) if len(diffs) > 1 else math.nan
        out[variant] = {
            'n': len(values),
            'mean': statistics.fmean(values),
            'sd': statistics.stdev(values) if len(values) > 1 else math.nan,
            'min': min(values),
            'max': max(values),
            'diff_mean': statistics.fmean(diffs),
            'diff_sd': sd,
            'diff_se': sd / math.sqrt(len(diffs)),
        }
    return out


PAIRS = (('concise', 'scratch'), ('concise_scratch_init', 'scratch'), ('concise', 'concise_scratch_init'))


def paired(record, variant, baseline):
    """``variant`` minus ``baseline``, seed by seed: ``{'n', 'mean', 'sd', 'se', 'z'}`` (z = mean / se, the
    difference in standard errors)."""
    base = {r['seed']: r['val_ppl'] for r in record['runs'][baseline]}
    diffs = [r['val_ppl'] - base[r['seed']] for r in record['runs'][variant] if r['seed'] in base]
    if len(diffs) < 2:
        raise ValueError(f'{variant} and {baseline} share {len(diffs)} seed(s); a paired comparison needs 2 or more.')
    sd = statistics.stdev(diffs)
    se = sd / math.sqrt(len(diffs))
    return {
        'n': len(diffs),
        'mean': statistics.fmean(diffs),
        'sd': sd,
        'se': se,
        'z': statistics.fmean(diffs) / se if se else math.inf,
    }


def mean_curves(record):
    """Per variant, the validation perplexity after each epoch: ``{'mean', 'min', 'max'}`` lists over seeds."""
    out = {}
    for variant in VARIANTS:
        per_epoch = list(zip(*(r['val_curve'] for r in record['runs'][variant])))  # epochs x seeds
        out[variant] = {
            'mean': [statistics.fmean(v) for v in per_epoch],
            'min': [min(v) for v in per_epoch],
            'max': [max(v) for v in per_epoch],
        }
    return out


def paired_table(record, lang=None):
    """The three paired comparisons of ``PAIRS``: what differs, mean ± s.e. and the difference in standard errors."""
    lang = page_language(lang)
    header = [label('comparison', lang), label('differs_in', lang), label('diff_mean_se', lang), label('in_se', lang)]
    differs = {
        ('concise', 'scratch'): 'differs_all',
        ('concise_scratch_init', 'scratch'): 'differs_param',
        ('concise', 'concise_scratch_init'): 'differs_init',
    }
    rows = []
    for variant, baseline in PAIRS:
        d = paired(record, variant, baseline)
        rows.append(
            [
                f'{label(variant, lang)} − {label(baseline, lang)}',
                label(differs[variant, baseline], lang),
                f'{d["mean"]:+.3f} ± {d["se"]:.3f}',
                f'{d["z"]:+.1f}',
            ]
        )
    caption = label('paired_caption', lang).format(n=paired(record, *PAIRS[0])['n'], epochs=record['epochs'])
    return Table(header, rows, caption=caption, css_class='d2lmini-table d2lmini-init')


def plot_curves(record, lang=None, figsize=(6, 3.8)):
    """Mean validation perplexity per epoch of the three variants over the recorded seeds, with the range of the
    seeds as a band; a ``display.figures.FigureImage``."""
    from matplotlib.figure import Figure

    from ..display.figures import FigureImage
    from ..display.fonts import use_page_fonts

    lang = page_language(lang)
    use_page_fonts(lang)
    fig = Figure(figsize=figsize, dpi=100, layout='constrained')
    ax = fig.add_subplot()
    for (variant, c), style in zip(mean_curves(record).items(), ('-', '--', ':')):
        epochs = range(1, len(c['mean']) + 1)
        (line,) = ax.plot(epochs, c['mean'], style, label=label(variant, lang))
        ax.fill_between(epochs, c['min'], c['max'], color=line.get_color(), alpha=0.15, linewidth=0)
    ax.set_xlabel(label('epoch', lang)), ax.set_ylabel(label('val_ppl', lang))
    ax.set_title(label('curves_title', lang).format(n=len(record['seeds'])), fontsize='medium')
    ax.grid(alpha=0.3), ax.legend()
    fig.draw_without_rendering()
    return FigureImage(fig)


def recorded(name='init'):
    """The recorded studies (``d2lmini/book/recorded/init.json``), newest row last."""
    return results.read(name)['rows']


def save(record, name='init'):
    about = (
        "Final validation perplexity of three initializations of the chapter's RNN language model, several "
        'seeds each (d2lmini.init_study). One row per device; written by benchmarks/bench_init.py.'
    )
    return results.update(name, record, KEY, about=about)


def table(record, lang=None):
    """Variant, initialization, seeds, validation perplexity (mean ± sd, with min–max in small print) and the
    paired difference from the from-scratch model."""
    lang = page_language(lang)
    header = [
        label('model', lang),
        label('init', lang),
        label('seeds', lang),
        label('val_ppl_mean', lang),
        label('vs_scratch', lang),
    ]
    rows = []
    for variant, s in summary(record).items():
        diff = '—' if variant == 'scratch' else f'{s["diff_mean"]:+.3f} ± {s["diff_se"]:.3f}'
        rows.append(
            [
                label(variant, lang),
                label(INIT_LABELS[variant], lang),
                str(s['n']),
                (f'{s["mean"]:.2f} ± {s["sd"]:.2f}', f'{s["min"]:.2f}–{s["max"]:.2f}'),
                diff,
            ]
        )
    source = label('recorded', lang).format(date=record['date'], device=record['device_name'])
    caption = ' · '.join(filter(None, [source, results.caption([record], lang)]))
    return Table(header, rows, caption=caption, css_class='d2lmini-table d2lmini-init')
