"""Speed of the chapter's training run: d2lmini's Trainer against a bare PyTorch loop doing the same math.

Usage: ``OMP_NUM_THREADS=1 python benchmarks/bench_train.py [EPOCHS] [--reps K] [--json]``

Sections (one function each, so more can be added): building ``TimeMachine`` (and D2L's list-comprehension
windows, rewritten here for comparison), then ``Trainer.fit`` (live plot on) and a hand-written loop, alternated
after a warm-up, K times each; the table reports medians. Last, greedy generation in Chromium by the in-page
JavaScript generator (``benchmarks/bench_browser.py``) against ``model.predict`` in this process (skipped with
``--no-browser`` or when Playwright/Chromium are missing). Both loops start from the same weights and the same
seed, so they also end at (nearly) the same perplexity, which the table shows as a check that the math matches.
"""

import argparse
import contextlib
import io
import json
import os
import platform
import re
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault('MPLBACKEND', 'Agg')  # before anything can import matplotlib

import torch  # noqa: E402
from torch import nn  # noqa: E402
from torch.nn import functional as F  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))  # bench_browser
import d2lmini  # noqa: E402
from d2lmini.core import perplexity  # noqa: E402

BATCH_SIZE, NUM_STEPS, NUM_HIDDENS, LR, CLIP = 1024, 32, 32, 1, 1  # D2L §9.6
VOCAB_SIZE = 28


def timed(fn, *args):
    """``(wall seconds, CPU seconds of this process, result)``. CPU time is what the ratio uses: on a shared
    2-core box, other processes stretch wall time by 2x or more, but barely move a single-threaded run's CPU time."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = fn(*args)
    return time.perf_counter() - wall, time.process_time() - cpu, result


def median_time(fn, reps):
    return statistics.median(timed(fn)[0] for _ in range(reps))


def d2l_style_windows(path, num_steps=NUM_STEPS):
    """D2L's way: a Python list of token ids, then one list slice per window, then ``torch.tensor``."""
    with open(path, encoding='utf-8') as f:
        text = re.sub('[^A-Za-z]+', ' ', f.read()).lower()
    tokens = list(text)
    vocab = d2lmini.Vocab(tokens)
    corpus = [vocab[token] for token in tokens]
    array = torch.tensor([corpus[i : i + num_steps + 1] for i in range(len(corpus) - num_steps)])
    return array[:, :-1], array[:, 1:]


def bench_build(reps):
    """Seconds to build the chapter's ``TimeMachine`` and D2L's list-comprehension equivalent (medians)."""
    path = d2lmini.download_timemachine()
    ours = median_time(lambda: d2lmini.TimeMachine(batch_size=BATCH_SIZE, num_steps=NUM_STEPS), reps)
    d2l = median_time(lambda: d2l_style_windows(path), reps)
    X, _ = d2l_style_windows(path)
    assert torch.equal(X, d2lmini.TimeMachine(batch_size=BATCH_SIZE, num_steps=NUM_STEPS).X), 'windows differ'
    return {'build_s': ours, 'd2l_build_s': d2l, 'build_speedup': d2l / ours}


def initial_weights(seed=0):
    """The chapter's model, seeded and materialized; its weights start both loops."""
    torch.manual_seed(seed)
    model = d2lmini.RNNLM(d2lmini.RNN(num_inputs=VOCAB_SIZE, num_hiddens=NUM_HIDDENS), vocab_size=VOCAB_SIZE, lr=LR)
    model(torch.zeros((1, 1), dtype=torch.long))  # materialize the LazyLinear
    return {k: v.clone() for k, v in model.state_dict().items()}


def run_trainer(data, epochs, weights):
    """``Trainer.fit`` exactly as the chapter calls it (live plot on); the progress line goes to a buffer."""
    model = d2lmini.RNNLM(d2lmini.RNN(num_inputs=VOCAB_SIZE, num_hiddens=NUM_HIDDENS), vocab_size=VOCAB_SIZE, lr=LR)
    model(torch.zeros((1, 1), dtype=torch.long))
    model.load_state_dict(weights)
    trainer = d2lmini.Trainer(max_epochs=epochs, gradient_clip_val=CLIP, live_plot=True)
    torch.manual_seed(1)
    with contextlib.redirect_stdout(io.StringIO()):
        trainer.fit(model, data)
    return trainer.history[-1]['val_ppl']


def run_bare(data, epochs, weights):
    """The same math by hand: one-hot, ``nn.RNN``, ``nn.Linear``, cross entropy, SGD, global-norm clipping."""
    rnn, linear = nn.RNN(VOCAB_SIZE, NUM_HIDDENS), nn.Linear(NUM_HIDDENS, VOCAB_SIZE)
    rnn.load_state_dict({k[len('rnn.rnn.') :]: v for k, v in weights.items() if k.startswith('rnn.rnn.')})
    linear.load_state_dict({k[len('linear.') :]: v for k, v in weights.items() if k.startswith('linear.')})
    params = [*rnn.parameters(), *linear.parameters()]
    optim = torch.optim.SGD(params, lr=LR)
    n = data.num_train
    X_train, Y_train = data.X[:n], data.Y[:n]
    X_val, Y_val = data.X[n : n + data.num_val], data.Y[n : n + data.num_val]

    def loss_of(X, Y):
        H, _ = rnn(F.one_hot(X.T, VOCAB_SIZE).float())  # (num_steps, batch, num_hiddens)
        logits = linear(H).swapaxes(0, 1)  # (batch, num_steps, vocab_size)
        return F.cross_entropy(logits.reshape(-1, VOCAB_SIZE), Y.reshape(-1))

    torch.manual_seed(1)
    for _ in range(epochs):
        order = torch.randperm(n)
        for start in range(0, n, BATCH_SIZE):
            idx = order[start : start + BATCH_SIZE]
            loss = loss_of(X_train[idx], Y_train[idx])
            optim.zero_grad(set_to_none=True)
            loss.backward()
            nn.utils.clip_grad_norm_(params, CLIP)
            optim.step()
        with torch.no_grad():
            val = [
                loss_of(X_val[s : s + BATCH_SIZE], Y_val[s : s + BATCH_SIZE]) * len(X_val[s : s + BATCH_SIZE])
                for s in range(0, len(X_val), BATCH_SIZE)
            ]
            val_ppl = perplexity(torch.stack(val).sum() / len(X_val))  # exp of the mean loss, as the Trainer logs
    return val_ppl


def bench_training(epochs, reps):
    """Median seconds of ``reps`` alternated runs of each loop, after one short warm-up run of each."""
    data = d2lmini.TimeMachine(batch_size=BATCH_SIZE, num_steps=NUM_STEPS)
    weights = initial_weights()
    run_trainer(data, 1, weights), run_bare(data, 1, weights)  # warm-up: imports, allocator, first-call costs
    wall, cpu, ppl = {'trainer': [], 'bare': []}, {'trainer': [], 'bare': []}, {}
    for _ in range(reps):
        for name, run in (('trainer', run_trainer), ('bare', run_bare)):
            w, c, ppl[name] = timed(run, data, epochs, weights)
            wall[name].append(w), cpu[name].append(c)
    med = {
        f'{name}_{kind}_s': statistics.median(runs[name])
        for name in ('trainer', 'bare')
        for kind, runs in (('wall', wall), ('cpu', cpu))
    }
    tokens = epochs * data.num_train * NUM_STEPS
    return {
        'epochs': epochs,
        'reps': reps,
        **med,
        'ratio': med['trainer_cpu_s'] / med['bare_cpu_s'],
        'ratio_wall': med['trainer_wall_s'] / med['bare_wall_s'],
        'ratio_best': min(cpu['trainer']) / min(cpu['bare']),  # best-of-k: the least noise-sensitive
        'trainer_tok_s': tokens / med['trainer_cpu_s'],
        'bare_tok_s': tokens / med['bare_cpu_s'],
        'trainer_val_ppl': ppl['trainer'],
        'bare_val_ppl': ppl['bare'],
        'trainer_runs_wall_s': wall['trainer'],
        'bare_runs_wall_s': wall['bare'],
        'trainer_runs_cpu_s': cpu['trainer'],
        'bare_runs_cpu_s': cpu['bare'],
    }


def bench_generation(num_chars=10_000, reps=5):
    """Greedy characters per second: the page's JavaScript in Chromium, and ``predict`` in PyTorch here."""
    try:
        from bench_browser import bench_browser_generation, chapter_sized_model

        browser = bench_browser_generation(num_chars, reps)
    except Exception as err:  # no playwright, no chromium: say so in the table instead of failing the benchmark
        return {'browser_error': f'{type(err).__name__}: {err}'.splitlines()[0]}
    model, vocab = chapter_sized_model()
    n = num_chars // 5  # PyTorch pays a dispatch per character: fewer characters suffice for a stable rate
    seconds = median_time(lambda: model.predict('the time traveller', n, vocab), reps)
    return {'browser_chars_s': browser['loop'], 'browser_page_chars_s': browser['page'], 'python_chars_s': n / seconds}


def machine():
    return {
        'python': platform.python_version(),
        'torch': torch.__version__,
        'cpus': os.cpu_count(),
        'torch_threads': torch.get_num_threads(),
        'processor': platform.processor() or platform.machine(),
    }


def print_table(r):
    rows = [
        ('TimeMachine build (unfold)', f'{r["build_s"] * 1000:.1f} ms'),
        ('D2L list-comprehension build', f'{r["d2l_build_s"] * 1000:.1f} ms ({r["build_speedup"]:.0f}x slower)'),
        (
            f'Trainer.fit, {r["epochs"]} epochs (live plot)',
            f'{r["trainer_cpu_s"]:.2f} s CPU ({r["trainer_wall_s"]:.2f} s wall), {r["trainer_tok_s"]:,.0f} tok/s',
        ),
        (
            f'bare PyTorch loop, {r["epochs"]} epochs',
            f'{r["bare_cpu_s"]:.2f} s CPU ({r["bare_wall_s"]:.2f} s wall), {r["bare_tok_s"]:,.0f} tok/s',
        ),
        (
            'ratio Trainer / bare, CPU time (target <= 1.15)',
            f'{r["ratio"]:.3f}'
            + ('' if r['ratio'] <= 1.15 else '  MISSED')
            + f' (best-of-{r["reps"]}: {r["ratio_best"]:.3f}, wall medians: {r["ratio_wall"]:.3f})',
        ),
        ('final val ppl Trainer / bare', f'{r["trainer_val_ppl"]:.3f} / {r["bare_val_ppl"]:.3f}'),
    ]
    if 'browser_chars_s' in r:
        rows += [
            (
                'in-page JS greedy generation, Chromium (target >= 50,000)',
                f"{r['browser_chars_s']:,.0f} chars/s ({r['browser_page_chars_s']:,.0f} through the page's field)",
            ),
            ('model.predict in PyTorch, same process', f'{r["python_chars_s"]:,.0f} chars/s'),
            ('ratio JS / PyTorch', f'{r["browser_chars_s"] / r["python_chars_s"]:.1f}x'),
        ]
    elif 'browser_error' in r:
        rows.append(('in-page JS generation', f'skipped: {r["browser_error"]}'))
    width = max(len(name) for name, _ in rows)
    print(f'| {"measure":<{width}} | value |\n|{"-" * (width + 2)}|-------|')
    for name, value in rows:
        print(f'| {name:<{width}} | {value} |')
    m = r['machine']
    print(
        f'\nmedians of {r["reps"]} alternated runs after a warm-up; tok/s = training tokens per CPU second; '
        f'Python {m["python"]}, torch {m["torch"]}, '
        f'{m["cpus"]} CPUs, {m["torch_threads"]} torch thread(s)'
    )


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('epochs', nargs='?', type=int, default=10, help='epochs per training run (default 10)')
    parser.add_argument('--reps', type=int, default=3, help='alternated runs of each loop (default 3)')
    parser.add_argument('--json', action='store_true', help='print the results as JSON instead of a table')
    parser.add_argument('--no-browser', action='store_true', help='skip the in-browser generation section')
    args = parser.parse_args(argv)
    if args.epochs < 1 or args.reps < 1:
        parser.error('epochs and --reps must be at least 1')
    results = {**bench_build(max(3, args.reps)), **bench_training(args.epochs, args.reps), 'machine': machine()}
    if not args.no_browser:
        results.update(bench_generation())
    if args.json:
        print(json.dumps(results, indent=2))
    else:
        print_table(results)
    return results


if __name__ == '__main__':
    main()
