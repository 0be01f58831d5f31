"""Training throughput of the from-scratch RNN language model against the concise one (``nn.RNN``), per device.

Three models (``MODELS``): ``scratch`` (``RNNScratch`` + ``RNNLMScratch``, the output layer applied at each time
step), ``concise`` (``RNN`` + ``RNNLM``) and ``scratch_one_output`` (``RNNScratch`` with one output product for all
steps, as ``RNNLM`` does it). The chapter's two models differ in the recurrence and in the output layer; the third
differs from ``scratch`` only in the output layer, so ``concise`` against it is what ``nn.RNN`` itself brings.

What is measured: steady-state tokens per second of one training step (forward, cross-entropy loss, backward,
gradient clipping to a global norm of 1, SGD update), without data loading, logging or validation, on one fixed
batch of random token ids: a one-hot RNN does the same arithmetic whatever the tokens are.

How:
- For each (batch size, hidden units), the models are built with the same seed and warmed up for
  ``WARMUP_STEPS`` untimed steps (first calls allocate memory and, on a GPU, set up cuDNN). The last warm-up
  step's time sets the steps per trial, so that a trial lasts about ``trial_seconds``.
- Trials alternate the models, the order reversed every other trial, so that a slow drift of the machine falls
  on all equally. Ratios are taken trial by trial (``RATIOS``); we report medians and ranges, never one run.
- Clocks: ``time.perf_counter`` (wall) and ``time.process_time`` (this process's CPU time) around ``n`` steps,
  with the device synchronized right before both readings (CUDA kernels run asynchronously). We do not use
  ``torch.utils.benchmark.Timer``: it times one statement at a time and picks its own number of repetitions,
  which makes interleaving the models and bounding the total time awkward.
- Which clock the table uses (``clock_for``): wall time, except on the CPU with one PyTorch thread, where the
  process's CPU time is the time the work took and, unlike wall time, does not grow when other programs share
  the cores (on the 2-core machine that builds this book, identical runs varied 5x in wall time, far less in
  CPU time). Both are recorded; the row says which one it shows.

Recorded rows (``d2lmini/book/recorded/speed.json``, by ``benchmarks/bench_speed.py``) have the shape of a
``Study.record``, so a page shows them beside the reader's own run.
"""

import datetime
import platform
import statistics
import time
from pathlib import Path

import torch
from torch import nn

from ..display.labels import label, page_language
from ..display.tables import Table
from ..models import RNN, RNNLM, RNNLMScratch, RNNScratch
from ..utils import check_positive_int, check_positive_number
from . import results

MODELS = ('scratch', 'concise', 'scratch_one_output')
# the ratios a row reports: name -> (numerator, denominator), trial by trial
RATIOS = {
    'speedup': ('concise', 'scratch'),
    'speedup_output': ('scratch_one_output', 'scratch'),
    'speedup_rnn': ('concise', 'scratch_one_output'),
}
WARMUP_STEPS = 2
KEY = ('device_type', 'device_name', 'threads')  # one recorded row per device (and CPU thread count)


class RNNLMScratchOneOutput(RNNLMScratch):
    """``RNNLMScratch`` with one output matrix product for all time steps, as ``RNNLM`` does it."""

    def output_layer(self, rnn_outputs):
        H = torch.stack(rnn_outputs)  # (num_steps, batch, num_hiddens)
        return (H @ self.W_hq + self.b_q).swapaxes(0, 1)  # (batch, num_steps, vocab_size)


def build(kind, vocab_size, num_hiddens):
    """The chapter's language model: ``'scratch'`` (RNNScratch + RNNLMScratch), ``'concise'`` (RNN + RNNLM) or
    ``'scratch_one_output'`` (RNNScratch + one output product for all steps)."""
    if kind == 'scratch':
        return RNNLMScratch(RNNScratch(vocab_size, num_hiddens), vocab_size=vocab_size, lr=1)
    if kind == 'scratch_one_output':
        return RNNLMScratchOneOutput(RNNScratch(vocab_size, num_hiddens), vocab_size=vocab_size, lr=1)
    if kind == 'concise':
        model = RNNLM(RNN(vocab_size, num_hiddens), vocab_size=vocab_size, lr=1)
        model(torch.zeros((1, 1), dtype=torch.long))  # materialize the LazyLinear output layer
        return model
    raise ValueError(f'kind must be one of {MODELS}, got {kind!r}.')


def synchronizer(device):
    """A function that waits for all queued work on ``device``: a no-op on the CPU."""
    device = torch.device(device)
    if device.type == 'cuda':
        return lambda: torch.cuda.synchronize(device)
    if device.type == 'mps':
        return torch.mps.synchronize
    return lambda: None


def clock_for(device):
    """'cpu' (process CPU time) for the CPU with one PyTorch thread, else 'wall' (see the module docstring)."""
    return 'cpu' if torch.device(device).type == 'cpu' and torch.get_num_threads() == 1 else 'wall'


def make_step(model, X, Y, clip=1.0):
    """One training step of ``model`` on the batch ``(X, Y)``, as the Trainer does it (minus logging)."""
    optim = model.configure_optimizers()
    params = [p for p in model.parameters() if p.requires_grad]

    def step():
        loss = model.loss(model(X), Y)
        optim.zero_grad(set_to_none=True)
        loss.backward()
        nn.utils.clip_grad_norm_(params, clip)
        optim.step()

    return step


def time_steps(step, n, sync, clock=time.perf_counter, cpu_clock=time.process_time):
    """``(wall, cpu)`` seconds for ``n`` calls of ``step``, the device synchronized before both clock readings.

    The process's CPU time is kept beside the wall time as a check: with one CPU thread they agree on a quiet
    machine, and a wall time well above the CPU time means other programs took turns on the cores.
    """
    sync()
    start, cpu_start = clock(), cpu_clock()
    for _ in range(n):
        step()
    sync()
    return clock() - start, cpu_clock() - cpu_start


def measure_config(batch_size, num_hiddens, device, trials, trial_seconds, num_steps, vocab_size, seed, models=MODELS):
    """``{'batch_size', 'num_hiddens', 'steps_per_trial', 'tokens_per_second'}`` for one configuration."""
    sync, steps, per_trial, clock = synchronizer(device), {}, {}, int(clock_for(device) == 'cpu')
    tps, cpu_tps = {kind: [] for kind in models}, {kind: [] for kind in models}
    gen = torch.Generator().manual_seed(seed)
    X, Y = torch.randint(0, vocab_size, (2, batch_size, num_steps), generator=gen).to(device)  # (batch, num_steps)
    for kind in models:
        torch.manual_seed(seed)
        steps[kind] = make_step(build(kind, vocab_size, num_hiddens).to(device), X, Y)
        for _ in range(WARMUP_STEPS - 1):
            time_steps(steps[kind], 1, sync)
        per_trial[kind] = max(1, round(trial_seconds / max(time_steps(steps[kind], 1, sync)[clock], 1e-9)))
    for i in range(trials):
        for kind in models if i % 2 == 0 else models[::-1]:
            wall, cpu = time_steps(steps[kind], per_trial[kind], sync)
            tokens = batch_size * num_steps * per_trial[kind]
            tps[kind].append(tokens / max(wall, 1e-9))
            cpu_tps[kind].append(tokens / max(cpu, 1e-9))
    return {
        'batch_size': batch_size,
        'num_hiddens': num_hiddens,
        'steps_per_trial': per_trial,
        'tokens_per_second': tps,
        'tokens_per_cpu_second': cpu_tps,
    }


MATMUL_OPS = ('mm', 'addmm', 'bmm')  # the matrix products a CPU step runs, as ATen operators


def matmul_calls(kind, num_hiddens=32, batch_size=4, num_steps=32, vocab_size=28):
    """Matrix products in one CPU training step of model ``kind`` (forward and backward; they depend on
    ``num_steps`` only). A ``TorchDispatchMode`` sees every ATen call, backward and ``nn.RNN``'s C++ loop included;
    ``torch.profiler`` counts the same, but its native library writes to stderr, which a notebook shows."""
    from torch.utils._python_dispatch import TorchDispatchMode

    products = {getattr(torch.ops.aten, name) for name in MATMUL_OPS}

    class Count(TorchDispatchMode):
        calls = 0

        def __torch_dispatch__(self, func, types, args=(), kwargs=None):
            self.calls += func.overloadpacket in products
            return func(*args, **(kwargs or {}))

    torch.manual_seed(0)
    X, Y = torch.randint(0, vocab_size, (2, batch_size, num_steps))  # (batch, num_steps)
    step = make_step(build(kind, vocab_size, num_hiddens), X, Y)
    step()  # the first step creates the optimizer's state; count a later one
    with Count() as count:
        step()
    return count.calls


def device_info(device):
    """Name, versions and thread count that identify where a study ran."""
    device = torch.device(device)
    if device.type == 'cuda':
        name = torch.cuda.get_device_name(device)
    else:
        name = cpu_name()
    return {
        'device_type': device.type,
        'device_name': name,
        'threads': torch.get_num_threads(),
        'torch': torch.__version__,
        'cuda': torch.version.cuda,
        'cudnn': torch.backends.cudnn.version() if device.type == 'cuda' else None,
        'python': platform.python_version(),
    }


def cpu_name():
    """The CPU's model name (``/proc/cpuinfo`` on Linux), else what ``platform`` knows."""
    cpuinfo = Path('/proc/cpuinfo')
    if cpuinfo.exists():
        for line in cpuinfo.read_text(errors='replace').splitlines():
            if line.startswith('model name'):
                return line.split(':', 1)[1].strip()
    return platform.processor() or platform.machine() or 'CPU'


def measure(
    batch_sizes=(1, 32, 1024),
    hidden_sizes=(32, 256),
    device=None,
    trials=5,
    trial_seconds=0.1,
    num_steps=32,
    vocab_size=28,
    seed=0,
    command=None,
    models=MODELS,
):
    """Run the study (see the module docstring) and return a ``Study``; ``device`` defaults to the CPU.
    ``models``: a subset of ``MODELS`` in that order, at least ``'scratch'`` and ``'concise'``."""
    check_positive_int('trials', trials), check_positive_number('trial_seconds', trial_seconds)
    models = tuple(models)
    if not {'scratch', 'concise'} <= set(models) or not set(models) <= set(MODELS) or len(set(models)) != len(models):
        raise ValueError(f'models must hold scratch and concise, each model once, from {MODELS}; got {models!r}.')
    device, start = torch.device(device if device is not None else 'cpu'), time.perf_counter()
    record = {
        **device_info(device),
        'clock': clock_for(device),
        'date': datetime.date.today().isoformat(),
        'command': command,
        'num_steps': num_steps,
        'vocab_size': vocab_size,
        'trials': trials,
        'trial_seconds': trial_seconds,
        'results': [
            measure_config(b, h, device, trials, trial_seconds, num_steps, vocab_size, seed, models)
            for h in hidden_sizes
            for b in batch_sizes
        ],
    }
    record['seconds'] = time.perf_counter() - start  # the whole study, warm-up included (wall clock)
    return Study(record)


def spread(values):
    """``(median, min, max)`` of a list of numbers."""
    return statistics.median(values), min(values), max(values)


class Study:
    """One device's measurements (``record``, a JSON-ready dict) and their medians, ranges and speed-ups."""

    def __init__(self, record, recorded=False):
        self.record, self.recorded = record, recorded

    def models(self):
        """The models this study measured, in ``MODELS`` order (rows recorded before the third model have two)."""
        measured = self.record['results'][0]['tokens_per_second']
        return tuple(kind for kind in MODELS if kind in measured)

    def rows(self, clock=None):
        """One dict per configuration: median/min/max tokens per second of each measured model and of each ratio
        of ``RATIOS`` whose two models were measured (trial by trial), by the study's clock (``record['clock']``)
        unless ``clock`` ('wall' or 'cpu') says otherwise."""
        clock = clock or self.record.get('clock', 'wall')
        out = []
        for r in self.record['results']:
            tps = r['tokens_per_second' if clock == 'wall' else 'tokens_per_cpu_second']
            ratios = {
                name: spread([a / b for a, b in zip(tps[top], tps[bottom])])  # trial by trial
                for name, (top, bottom) in RATIOS.items()
                if top in tps and bottom in tps
            }
            out.append(
                {
                    'batch_size': r['batch_size'],
                    'num_hiddens': r['num_hiddens'],
                    **{kind: spread(tps[kind]) for kind in MODELS if kind in tps},
                    **ratios,
                }
            )
        return out

    def row(self, batch_size, num_hiddens):
        """The summary row of one configuration (``KeyError`` when it was not measured)."""
        for r in self.rows():
            if (r['batch_size'], r['num_hiddens']) == (batch_size, num_hiddens):
                return r
        raise KeyError(f'no measurement for batch size {batch_size} with {num_hiddens} hidden units.')

    def device_text(self, lang):
        r = self.record
        if r['device_type'] != 'cpu':
            return f'{r["device_name"]}, CUDA {r["cuda"]}, cuDNN {r["cudnn"]}, {label("timed_wall", lang)}'
        clock = label('timed_cpu' if r.get('clock') == 'cpu' else 'timed_wall', lang)
        return f'{r["device_name"]}, {label("threads", lang).format(n=r["threads"])}, {clock}'

    def name(self, lang):
        """'this run: <device>' or 'recorded <date>: <device>' in the page's language."""
        if self.recorded:
            return label('recorded', lang).format(date=self.record['date'], device=self.device_text(lang))
        return label('this_run', lang).format(device=self.device_text(lang))


def recorded(name='speed'):
    """The studies recorded in ``d2lmini/book/recorded/<name>.json`` (by ``benchmarks/bench_speed.py``)."""
    return [Study(row, recorded=True) for row in results.read(name)['rows']]


def save(study, name='speed'):
    """Add or replace ``study``'s row (same device and thread count) in the results file; returns the status."""
    about = (
        'Training throughput of the from-scratch and concise RNN language models (d2lmini.speed). '
        'One row per device; written by benchmarks/bench_speed.py.'
    )
    return results.update(name, study.record, KEY, about=about)


def table(studies, lang=None, ratios=False):
    """A ``tables.Table``: one group of rows per study (device), one row per (hidden units, batch size), and a
    column per model that any study measured (thousands of tokens/s), or with ``ratios`` per ratio of ``RATIOS``
    ('—' where a study lacks it). Two tables, because all of it side by side is wider than a page."""
    lang = page_language(lang)
    models = [kind for kind in MODELS if any(kind in s.models() for s in studies)]
    columns = [name for name in RATIOS if all(kind in models for kind in RATIOS[name])] if ratios else models
    header = [
        label(f'{name}_range', lang) if ratios else label('throughput', lang).format(model=label(name, lang))
        for name in columns
    ]
    rows, groups = [], []
    for study in studies:
        for r in sorted(study.rows(), key=lambda r: (r['num_hiddens'], r['batch_size'])):
            cells = [
                ('{:.2f}× ({:.2f}–{:.2f})'.format(*r[name]) if ratios else format_tps(*r[name])) if name in r else '—'
                for name in columns
            ]
            rows.append([str(r['num_hiddens']), str(r['batch_size'])] + cells)
            groups.append(study.name(lang))
    caption = results.caption([s.record for s in studies if s.recorded], lang)
    return Table(
        [label('num_hiddens', lang), label('batch_size', lang)] + header,
        rows,
        groups=groups,
        caption=caption,
        css_class='d2lmini-table d2lmini-speed',
    )


def format_tps(median, low, high):
    """``'41.2 (39.8–42.0)'``: the median and the range of the trials, in thousands of tokens per second."""
    return f'{kilo(median)} ({kilo(low)}–{kilo(high)})'


def kilo(value):
    """Thousands with three significant digits or more: 1,509 / 199 / 10.9 / 7.57 (for 1,508,613 ... 7,572)."""
    k = value / 1000
    return f'{k:,.0f}' if k >= 100 else f'{k:.1f}' if k >= 10 else f'{k:.2f}'
