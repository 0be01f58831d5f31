"""Speed of the in-page generator (d2lmini/generator.js) in Chromium: greedy characters per second.

Usage: ``python benchmarks/bench_browser.py [CHARS] [--reps K] [--hiddens H] [--hostile [SIZE]]``  (needs playwright
+ Chromium)

The page is ``html_generator``'s JavaScript on a blank page (no server, no network), with the chapter's model
size (28 tokens, 32 hidden units; the weights' values do not change the work). Three timings, median of K runs
after a warm-up: the decoding loop alone (``generateIds``), ``generate`` (prefix checks and the string), and the
reader's path (type a length into the generator's field, which regenerates and writes the output). ``generate``
and the page keep the generation limits, so they generate at most ``MAX_PREDS`` characters per call. Target: at
least 50,000 characters/s for the loop, so a 10,000-character request redraws in a fraction of a second.

``--hostile`` times how long the page takes to answer values a script writes into its fields (by default 1 MB
each: a prefix, and digits in the length, temperature and seed fields, the number fields turned into text
fields), against the reader's ordinary edit (the prefix field, 100 characters generated) in the same page.
"""
import argparse
import json
import statistics
import sys
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import d2lmini  # noqa: E402
from d2lmini import export  # noqa: E402

CHROMIUM = '/usr/bin/chromium'
ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
        '--disable-component-update', '--no-first-run', '--disable-sync']
TIMED_JS = '''([kind, n, reps]) => {
  const api = d2lminiGenerator(), root = document.querySelector('.d2lmini-gen');
  const model = api.loadModel(JSON.parse(root.querySelector('script[data-d2lmini="weights"]').textContent));
  const ids = Array.from('the time traveller').map(c => model.index[c]);
  const runs = {
    loop: () => api.generateIds(model, ids, n, 0, 0),
    generate: () => api.generate(model, 'the time traveller', n, 0, 0),
    page: () => { const f = root.querySelector('[data-d2lmini="length"]'); f.value = String(n);
                  f.dispatchEvent(new Event('input')); return root.querySelector('[data-d2lmini="output"]').textContent; },
  };
  runs[kind]();  // warm-up: lets the JIT compile the loop
  const seconds = [];
  for (let r = 0; r < reps; r++) { const t = performance.now(); runs[kind](); seconds.push((performance.now() - t) / 1000); }
  return seconds;
}'''


HOSTILE_JS = '''([name, unit, count, asText, reps]) => {
  const root = document.querySelector('.d2lmini-gen'), field = root.querySelector(`[data-d2lmini="${name}"]`);
  const before = [field.type, field.value], value = unit.repeat(count), seconds = [];
  if (asText) field.type = 'text';
  for (let r = 0; r <= reps; r++) {  // the first run is a warm-up
    field.value = value;
    const t = performance.now();
    field.dispatchEvent(new Event('input'));
    if (r > 0) seconds.push((performance.now() - t) / 1000);
  }
  const message = root.querySelector('[data-d2lmini="message"]');
  const answer = message.hidden ? 'generated' : message.textContent.slice(0, 60);
  [field.type, field.value] = before;
  field.dispatchEvent(new Event('input'));
  return {seconds: seconds, answer: answer};
}'''


def bench_hostile_answers(size=1 << 20, reps=5, num_hiddens=32):
    """Return ``{case: (median seconds to answer, the page's answer)}``; ``ordinary`` is the reader's edit."""
    from playwright.sync_api import sync_playwright
    model, vocab = chapter_sized_model(num_hiddens)
    snippet = export.html_snippet(model, vocab, length=100)
    cases = {'ordinary': ['prefix', 'the time traveller', 1, False], 'prefix': ['prefix', 'a', size, False],
             'length': ['length', '9', size, True], 'temperature': ['temperature', '1', size, True],
             'seed': ['seed', '9', size, True]}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page()
        page.set_content(f'<!doctype html><html><body>{snippet}</body></html>')
        results = {}
        for case, args in cases.items():
            out = page.evaluate(HOSTILE_JS, args + [reps])
            results[case] = (statistics.median(out['seconds']), out['answer'])
        browser.close()
    return results


def chapter_sized_model(num_hiddens=32, vocab_size=28):
    torch.manual_seed(0)
    model = d2lmini.RNNLM(d2lmini.RNN(vocab_size, num_hiddens), vocab_size)
    model(torch.zeros((1, 1), dtype=torch.long))  # materialize the LazyLinear
    return model, d2lmini.Vocab(list('abcdefghijklmnopqrstuvwxyz '))


def bench_browser_generation(num_chars=20_000, reps=5, num_hiddens=32):
    """Return ``{kind: median characters per second}`` for kinds ``loop``, ``generate`` and ``page``."""
    from playwright.sync_api import sync_playwright
    model, vocab = chapter_sized_model(num_hiddens)
    # generate() and the page path check the limits: at most MAX_PREDS characters per request.
    page_chars = min(num_chars, d2lmini.MAX_PREDS)
    snippet = export.html_snippet(model, vocab, length=10)
    script = f'<script>{export.generator_js()}</script>'  # also defined globally, so the timing code can call it
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page()
        page.set_content(f'<!doctype html><html><body>{script}{snippet}</body></html>')
        results = {}
        for kind, n in [('loop', num_chars), ('generate', page_chars), ('page', page_chars)]:
            seconds = page.evaluate(TIMED_JS, [kind, n, reps])
            results[kind] = n / statistics.median(seconds)
        browser.close()
    return results


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('chars', nargs='?', type=int, default=20_000)
    parser.add_argument('--reps', type=int, default=5)
    parser.add_argument('--hiddens', type=int, default=32)
    parser.add_argument('--json', action='store_true', help='print the results as JSON')
    parser.add_argument('--hostile', nargs='?', type=int, const=1 << 20, metavar='SIZE',
                        help='time the answers to SIZE-character values written into the fields by a script')
    args = parser.parse_args()
    if args.hostile:
        results = bench_hostile_answers(args.hostile, args.reps, args.hiddens)
        print(f'Page answers to {args.hostile:,}-character field values set by script, median of {args.reps}')
        print(f'{"field":<12} {"ms":>9} {"x ordinary":>11}  answer')
        base = results['ordinary'][0]
        for case, (seconds, answer) in results.items():
            print(f'{case:<12} {1000 * seconds:>9.2f} {seconds / base:>11.2f}  {answer}')
        return
    results = bench_browser_generation(args.chars, args.reps, args.hiddens)
    if args.json:
        print(json.dumps(results))
        return
    print(f'In-page greedy generation, Chromium, {args.hiddens} hidden units, 28 tokens, median of {args.reps}')
    print(f'{"path":<10} {"chars/s":>12}')
    for kind, rate in results.items():
        print(f'{kind:<10} {rate:>12,.0f}')
    print(f'target >= 50,000 chars/s for the loop: {"met" if results["loop"] >= 50_000 else "NOT met"}')


if __name__ == '__main__':
    main()
