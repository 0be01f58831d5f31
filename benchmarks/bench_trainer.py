"""Speed of the in-page trainer's candidates in headless Chromium, PyTorch on one thread in the same run.

Usage: ``python benchmarks/bench_trainer.py [--reps K] [--steps N] [--batch B] [--schedule] [--json PATH]``
(needs playwright + Chromium; OMP_NUM_THREADS=1 is set for PyTorch here.)

Throughput: the chapter's model (28 tokens, 32 hidden units, windows of 32), one SGD step = forward, loss, BPTT,
clipping, update, on the real corpus, N steps of batch B (default 100 x 32) per trial, K trials per candidate,
candidates interleaved trial by trial so that a busy moment of the machine hits all of them alike; reported as
median tokens/s (min-max) and the ratio to PyTorch's median. Candidates (all float32, in one Chromium page):

- ``plain JS``: the first version of the engine (benchmarks/trainer/plain-engine.js), one chain per dot product;
- ``tuned JS``: d2lmini/generators/trainer-engine.js (four accumulators, the page's fallback);
- ``WASM SIMD``: tools/wasm/trainer.c built by clang-14 (d2lmini/generators/trainer-wasm.js), the page's choice;
- ``2 workers, WASM``: data parallel, each Web Worker computes the gradients of half the batch, the page sums,
  clips and updates and sends the weights back every step (postMessage: no SharedArrayBuffer without
  cross-origin isolation, which file:// and GitHub Pages cannot give);
- ``PyTorch``: ``nn.RNN`` + ``nn.Linear``, the same step, one thread, in this Python process.

Not measured: TensorFlow.js's WASM backend (tfjs-core and the backend are about 1 MB gzip of script and
WebAssembly, over the page's 150 KB budget on their own), WebGL and WebGPU (no GPU on the benchmark machine).
Two clocks: wall time (performance.now in the page, perf_counter in Python) and CPU time (the renderer
processes' user + system time from psutil, the Python process's for PyTorch). On a shared machine wall time
swings with the neighbours' load and CPU time much less; CPU time also shows what two workers cost: they save
wall time only where a second core is free.

``--schedule``: the page's schedule (generators/trainer.py SCHEDULE) and neighbours in Chromium with the page's
backend (WASM): validation perplexity after each epoch (the chapter's split), seeds 0-2; the tokens to reach
validation perplexity 8 divided by the WASM median tokens/s gives the seconds a reader waits.
"""

import argparse
import json
import os
import statistics
import sys
import time
from importlib import resources
from pathlib import Path

os.environ.setdefault('OMP_NUM_THREADS', '1')
import psutil  # noqa: E402  (installed with Jupyter's kernel)
import torch  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / 'tests')]
import oracles  # noqa: E402  (tests/oracles.py: the PyTorch twin of the page's step)

import d2lmini  # noqa: E402
from d2lmini.generators import trainer  # noqa: E402
from tools.chromium import CHROMIUM, CHROMIUM_ARGS  # noqa: E402

CANDIDATES = ('plain JS', 'tuned JS', 'WASM SIMD', '2 workers, WASM')

PAGE_JS = r"""
window.benchSetup = (corpusJson, V, H, T) => {
  const corpusList = JSON.parse(corpusJson), engine = d2lminiTrainer(), plain = d2lminiPlainTrainer();
  const wasm = d2lminiTrainerWasm(engine, d2lminiTrainerWasmModules().float32, 'float32');
  const corpus = Int32Array.from(corpusList), random = engine.mulberry32(1);
  const order = engine.permutation(10000, random);
  window.bench = {engine, plain, wasm, corpus, V, H, T, order};
};

/* N steps of batch B with one candidate; returns seconds. */
window.benchRun = async (name, B, N) => {
  const {engine, plain, wasm, corpus, V, H, T, order} = window.bench;
  const batchStarts = k => order.subarray((k * B) % (10000 - B), (k * B) % (10000 - B) + B);
  if (name === 'plain JS') {
    const p = plain.init(V, H, Float32Array, 0), ws = new plain.Workspace(V, H, Float32Array, B, T);
    const t0 = performance.now();
    for (let k = 0; k < N; k++) plain.step(p, ws, corpus, batchStarts(k), B, 1, 1);
    return (performance.now() - t0) / 1000;
  }
  if (name === 'tuned JS' || name === 'WASM SIMD') {
    const net = name === 'WASM SIMD' ? wasm.net(V, H, T, B, corpus) : engine.net(V, H, T, B, corpus, Float32Array);
    engine.setParams(net, engine.init(V, H, Float32Array, 0));
    const t0 = performance.now();
    for (let k = 0; k < N; k++) { net.starts.set(batchStarts(k)); net.step(B, 1, 1); }
    return (performance.now() - t0) / 1000;
  }
  return twoWorkers(B, N, batchStarts);
};

/* Data parallel over two workers: gradients of half a batch each, summed here, clipped, applied, sent back. */
async function twoWorkers(B, N, batchStarts) {
  const {engine, corpus, V, H, T} = window.bench;
  if (!window.benchWorkers) {
    const src = `const engine = (${d2lminiTrainer.toString()})();
      const wasm = (${d2lminiTrainerWasm.toString()})(engine, (${d2lminiTrainerWasmModules.toString()})().float32,
      'float32');
      let net;
      onmessage = (e) => {
        const m = e.data;
        if (m.setup) { net = wasm.net(m.V, m.H, m.T, m.B, m.corpus); postMessage('ok'); return; }
        let at = 0;
        engine.NAMES.forEach(n => { net.params[n].set(m.flat.subarray(at, at + net.params[n].length)); at +=
        net.params[n].length; });
        net.starts.set(m.starts);
        net.lossAndGrad(m.starts.length, true);
        const g = new Float32Array(m.flat.length); at = 0;
        engine.NAMES.forEach(n => { g.set(net.grads[n], at); at += net.grads[n].length; });
        postMessage(g, [g.buffer]);
      };`;
    const url = URL.createObjectURL(new Blob([src], {type: 'text/javascript'}));
    window.benchWorkers = [new Worker(url), new Worker(url)];
  }
  const workers = window.benchWorkers, half = B / 2;
  const ask = (w, msg) => new Promise(resolve => { w.onmessage = e => resolve(e.data); w.postMessage(msg); });
  await Promise.all(workers.map(w => ask(w, {setup: true, V, H, T, B: half, corpus})));
  const p = engine.init(V, H, Float32Array, 0), sizes = engine.sizes(V, H);
  const total = engine.NAMES.reduce((s, n) => s + sizes[n], 0), flat = new Float32Array(total);
  const t0 = performance.now();
  for (let k = 0; k < N; k++) {
    let at = 0;
    engine.NAMES.forEach(n => { flat.set(p[n], at); at += sizes[n]; });
    const starts = batchStarts(k);
    const grads = await Promise.all(workers.map((w, i) => ask(w, {flat, starts: starts.slice(i * half, (i + 1) *
    half)})));
    const g = {}; at = 0;
    engine.NAMES.forEach(n => {
      g[n] = new Float32Array(sizes[n]);
      for (let j = 0; j < sizes[n]; j++) g[n][j] = (grads[0][at + j] + grads[1][at + j]) / 2;  // equal halves
      at += sizes[n];
    });
    engine.clip(g, 1);
    engine.sgd(p, g, 1);
  }
  return (performance.now() - t0) / 1000;
}

/* The page's schedule in the page's backend: validation perplexity after each epoch. */
window.benchSchedule = (B, lr, epochs, seed) => {
  const {engine, wasm, corpus, V, H, T} = window.bench;
  const net = wasm.net(V, H, T, B, corpus), random = engine.mulberry32(seed + 1), out = [];
  engine.setParams(net, engine.init(V, H, Float32Array, seed));
  let seconds = 0;
  for (let e = 0; e < epochs; e++) {
    const order = engine.permutation(10000, random), t0 = performance.now();
    for (let s = 0; s < 10000; s += B) {
      const b = Math.min(B, 10000 - s);
      net.starts.set(order.subarray(s, s + b));
      net.step(b, lr, 1);
    }
    seconds += (performance.now() - t0) / 1000;
    out.push({epoch: e + 1, val_ppl: Math.exp(engine.evaluateNet(net, 10000, 5000)), train_seconds: seconds});
  }
  return out;
};
"""


def corpus_ids():
    """The first num_train + num_val + num_steps + 1 tokens of d2lmini.TimeMachine's corpus: all the split uses."""
    data = d2lmini.TimeMachine(batch_size=32, **trainer.SPLIT)
    n = trainer.SPLIT['num_train'] + trainer.SPLIT['num_val']
    return torch.cat([data.X[:n, 0], data.X[n - 1, 1:], data.Y[n - 1, -1:]]).tolist(), len(data.vocab)


def torch_seconds(corpus, V, B, N):
    """N SGD steps of the same model and batch size in PyTorch, one thread; returns wall seconds."""
    torch.manual_seed(0)
    rnn, linear = torch.nn.RNN(V, 32), torch.nn.Linear(32, V)
    params = list(rnn.parameters()) + list(linear.parameters())
    opt = torch.optim.SGD(params, lr=1)
    corpus = torch.tensor(corpus)
    order = torch.randperm(10000, generator=torch.Generator().manual_seed(1))
    T = trainer.SPLIT['num_steps']
    start = time.perf_counter()
    for k in range(N):
        s = (k * B) % (10000 - B)
        X, Y = oracles.windows(corpus, order[s : s + B], T)
        loss = oracles.forward_loss(rnn, linear, X, Y)
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1)
        opt.step()
    return time.perf_counter() - start


def renderer_cpu():
    """User + system CPU seconds of this process's Chromium renderers (the page and its workers)."""
    total = 0.0
    for child in psutil.Process().children(recursive=True):
        try:
            if '--type=renderer' in ' '.join(child.cmdline()):
                times = child.cpu_times()
                total += times.user + times.system
        except psutil.NoSuchProcess:
            pass
    return total


def timed(page, name, B, N):
    """``(wall seconds, CPU seconds)`` of one trial of a candidate."""
    if name == 'PyTorch':
        cpu = time.process_time()
        wall = torch_seconds(*page, B, N)
        return wall, time.process_time() - cpu
    cpu = renderer_cpu()
    wall = page.evaluate('([n, B, N]) => benchRun(n, B, N)', [name, B, N])
    return wall, renderer_cpu() - cpu


def scripts():
    files = resources.files('d2lmini.generators')
    plain = (ROOT / 'benchmarks' / 'trainer' / 'plain-engine.js').read_text(encoding='utf-8')
    plain = plain.replace('function d2lminiTrainer()', 'function d2lminiPlainTrainer()')
    return [
        files.joinpath(n).read_text(encoding='utf-8')
        for n in ('trainer-engine.js', 'trainer-wasm-api.js', 'trainer-wasm.js')
    ] + [plain, PAGE_JS]


def spread(values):
    return statistics.median(values), min(values), max(values)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--reps', type=int, default=5)
    parser.add_argument('--steps', type=int, default=100)
    parser.add_argument('--batch', type=int, default=32)
    parser.add_argument('--schedule', action='store_true')
    parser.add_argument('--json', type=Path)
    args = parser.parse_args()
    torch.set_num_threads(1)
    corpus, V = corpus_ids()
    B, N, T = args.batch, args.steps, trainer.SPLIT['num_steps']
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page()
        page.set_content('<!doctype html><html><body></body></html>')
        for script in scripts():
            page.add_script_tag(content=script)
        page.evaluate('([c, V, H, T]) => benchSetup(c, V, H, T)', [json.dumps(corpus), V, 32, T])
        seconds = {name: [] for name in CANDIDATES + ('PyTorch',)}
        where = {name: (corpus, V) if name == 'PyTorch' else page for name in seconds}
        for name in seconds:  # warm-up: JIT, WebAssembly tiers, worker start, PyTorch's first allocations
            timed(where[name], name, B, 10)
        for _ in range(args.reps):
            for name in seconds:
                seconds[name].append(timed(where[name], name, B, N))
        tokens = N * B * T
        rates = {name: [tokens / wall for wall, _ in values] for name, values in seconds.items()}
        cpu_rates = {name: [tokens / cpu for _, cpu in values] for name, values in seconds.items()}
        schedule = None
        if args.schedule:
            schedule = {
                f'B={b}, lr={lr}': [
                    page.evaluate('([B, lr, E, s]) => benchSchedule(B, lr, E, s)', [b, lr, 4, seed])
                    for seed in range(3)
                ]
                for b, lr in ((16, 1.0), (32, 1.0), (64, 1.0), (128, 1.0))
            }
        version = browser.version
        browser.close()
    report(rates, cpu_rates, schedule, version, args)


def report(rates, cpu_rates, schedule, version, args):
    torch_wall, torch_cpu = statistics.median(rates['PyTorch']), statistics.median(cpu_rates['PyTorch'])
    print(
        f'Chromium {version}, PyTorch {torch.__version__} (1 thread), batch {args.batch}, {args.steps} steps x '
        f'{args.reps} trials, {time.strftime("%Y-%m-%d")}, os.cpu_count() = {os.cpu_count()}, '
        f'load average before: {os.getloadavg()[0]:.1f}'
    )
    print(
        '| candidate | tokens/s by wall clock, median (min–max) | / PyTorch | tokens per CPU second, median '
        '(min–max) | / PyTorch |'
    )
    print('|---|---|---|---|---|')
    for name in rates:
        med, lo, hi = spread(rates[name])
        cmed, clo, chi = spread(cpu_rates[name])
        print(
            f'| {name} | {med:,.0f} ({lo:,.0f}–{hi:,.0f}) | {med / torch_wall:.2f} | '
            f'{cmed:,.0f} ({clo:,.0f}–{chi:,.0f}) | {cmed / torch_cpu:.2f} |'
        )
    out = {
        'rates': rates,
        'cpu_rates': cpu_rates,
        'batch': args.batch,
        'steps': args.steps,
        'chromium': version,
        'torch': torch.__version__,
    }
    if schedule:
        wasm = statistics.median(rates['WASM SIMD'])
        print(
            '\n| schedule | val ppl after epochs 1, 2, 3, 4 (seeds 0 / 1 / 2) | epochs to ppl ≤ 8 | '
            'training seconds to get there (measured, worst seed) |'
        )
        print('|---|---|---|---|')
        for name, runs in schedule.items():
            reach = [next((r['epoch'] for r in run if r['val_ppl'] <= 8), None) for run in runs]
            curves = ' / '.join(', '.join(f'{r["val_ppl"]:.2f}' for r in run) for run in runs)
            waits = [run[e - 1]['train_seconds'] for run, e in zip(runs, reach) if e]
            wait = f'{max(waits):.1f} s' if len(waits) == len(runs) else 'not all seeds'
            print(f'| {name} | {curves} | {reach} | {wait} |')
        tokens = (
            max(next(r['epoch'] for r in run if r['val_ppl'] <= 8) for run in schedule['B=32, lr=1.0'])
            * trainer.SPLIT['num_train']
            * trainer.SPLIT['num_steps']
        )
        print(
            f'page schedule (B=32): {tokens:,} tokens to val ppl <= 8 (worst seed) / {wasm:,.0f} tokens/s '
            f'(WASM median) = {tokens / wasm:.1f} s of training (goal <= 60 s)'
        )
        out['schedule'] = schedule
    if args.json:
        args.json.write_text(json.dumps(out, indent=1))


if __name__ == '__main__':
    main()
