"""Training speed of the frameworks page's three models, interleaved, with repeats and spread, against PyTorch.

Usage: ``OMP_NUM_THREADS=1 python benchmarks/bench_frameworks.py [--trials 11] [--warmup 2]``

The page ``rnn-frameworks`` times one training run per framework, so its seconds per epoch are one sample each on
whatever machine runs it. This script measures the same code with repeats: it runs the page's own cells (the
definitions of ``torch_step``, ``flax_step`` and ``keras_step``, read from ``chapters/en/rnn-frameworks.md`` with
jupytext, so what is timed is what the page shows), skipping the setup cells and the training runs. Then:

- warm-up: ``--warmup`` epochs per framework (compilation, first allocations), not timed;
- trials: one epoch (the shared batches of ``d2lmini.book.frameworks``) per framework per trial, the frameworks in a
  rotating order (PyTorch, JAX, Keras; JAX, Keras, PyTorch; ...) so that a drift of the machine falls on all;
  each epoch ends by reading the last loss back, which waits for JAX's asynchronous work;
- per framework: median and min–max of wall seconds and of this process's CPU seconds per epoch; the ratios to
  PyTorch are taken trial by trial (PyTorch's time in that trial over the framework's), median and min–max, by
  wall time (what a reader waits for) and by CPU time (the work done, whatever the number of threads: JAX's XLA
  runs part of its work on other threads even with its multi-threading flag off).
The models keep training during the trials: throughput, not perplexity, is measured here.
"""

import argparse
import contextlib
import io
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from d2lmini.book.speed import spread  # noqa: E402  (median, min, max)

PAGE = ROOT / 'chapters' / 'en' / 'rnn-frameworks.md'
STEPS = {'PyTorch': 'torch_step', 'JAX': 'flax_step', 'Keras': 'keras_step'}


def page_namespace(page=PAGE):
    """Run the page's code cells up to its results, except setup cells and training runs; returns the namespace."""
    import jupytext

    namespace = {'__name__': '__page__'}
    os.chdir(page.parent)  # the page's folder, as when the notebook runs
    for cell in jupytext.read(page).cells:
        source, tags = cell.source, cell.metadata.get('tags', [])
        if cell.cell_type != 'code' or 'hide-input' in tags or 'remove-cell' in tags:
            continue
        if 'framework_table.recorded_runs()' in source:
            break  # the results part: nothing more to define
        if '= train(' not in source:
            with contextlib.redirect_stdout(io.StringIO()):  # the page's prints are not this table
                exec(compile(source, f'{page.name} cell', 'exec'), namespace)
    missing = [name for name in STEPS.values() if name not in namespace]
    if missing:
        raise SystemExit(f'{page} no longer defines {missing}; update STEPS in {Path(__file__).name}.')
    return namespace


def epoch(step, windows, index):
    """Wall and CPU seconds of one epoch of ``step`` over the shared batches, waiting for the last loss."""
    import numpy as np

    start, cpu = time.perf_counter(), time.process_time()
    for X, Y in windows.batches(index):
        loss = step(X, Y)
    float(np.asarray(loss))
    return time.perf_counter() - start, time.process_time() - cpu


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--trials', type=int, default=11, help='timed epochs per framework (default 11)')
    parser.add_argument('--warmup', type=int, default=2, help='untimed epochs per framework first (default 2)')
    args = parser.parse_args(argv)
    if args.trials < 3 or args.warmup < 1:
        parser.error('--trials must be at least 3 (a spread needs several) and --warmup at least 1')
    ns = page_namespace()
    steps, windows = {name: ns[fn] for name, fn in STEPS.items()}, ns['windows']
    for step in steps.values():
        for w in range(args.warmup):
            epoch(step, windows, 1000 + w)
    times = {name: {'wall': [], 'cpu': []} for name in steps}
    names = list(steps)
    for trial in range(args.trials):
        for name in names[trial % len(names) :] + names[: trial % len(names)]:
            wall, cpu = epoch(steps[name], windows, trial)
            times[name]['wall'].append(wall)
            times[name]['cpu'].append(cpu)
    tokens = len(list(windows.batches(0))) * windows.batch_size * windows.num_steps
    print(
        f'{args.trials} trials of one epoch ({tokens:,} tokens) each, after {args.warmup} warm-up epochs; '
        f'OMP_NUM_THREADS={os.environ.get("OMP_NUM_THREADS", "unset")}'
    )
    print(
        f'{"framework":<10}{"wall s/epoch":>22}{"CPU s/epoch":>22}{"tokens/s":>11}'
        f'{"PyTorch / this, wall":>24}{"PyTorch / this, CPU":>24}'
    )
    for name in names:
        cells = [spread(times[name][clock]) for clock in ('wall', 'cpu')]
        cells += [
            spread([t / s for t, s in zip(times['PyTorch'][clock], times[name][clock])]) for clock in ('wall', 'cpu')
        ]
        text = [
            f'{m:.3f} ({lo:.3f}–{hi:.3f})' if i < 2 else f'{m:.2f} ({lo:.2f}–{hi:.2f})'
            for i, (m, lo, hi) in enumerate(cells)
        ]
        print(f'{name:<10}{text[0]:>22}{text[1]:>22}{tokens / cells[0][0]:>11,.0f}{text[2]:>24}{text[3]:>24}')
    print('medians and (min–max) over trials; ratios trial by trial, above 1: faster than PyTorch')
    return times


if __name__ == '__main__':
    main()
