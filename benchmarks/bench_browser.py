"""Speed of the in-page generator (d2lmini/generators/generator-*.js) in Chromium: greedy characters per second,
scoring.

Usage: ``python benchmarks/bench_browser.py [CHARS] [--reps K] [--hiddens H] [--hostile [SIZE]]
[--score [CHARS] [--notebook PATH]]``  (needs playwright + Chromium)

The page is ``html_generator``'s JavaScript on a blank page (no server, no network), with the chapter's model
size (28 tokens, 32 hidden units; the weights' values do not change the work). Three timings, median of K runs
after a warm-up: the decoding loop alone (``generateIds``), ``generate`` (prefix checks and the string), and the
reader's path (type a length into the generator's field, which regenerates and writes the output). ``generate``
and the page keep the generation limits, so they generate at most ``MAX_PREDS`` characters per call. Target: at
least 50,000 characters/s for the loop, so a 10,000-character request redraws in a fraction of a second.

``--hostile`` times how long the page takes to answer values a script writes into its fields (by default 1 MB
each: a prefix, and digits in the length, temperature and seed fields, the number fields turned into text
fields), against the reader's ordinary edit (the prefix field, 100 characters generated) in the same page.

``--score`` times scoring CHARS characters of the book (default 10,000; target: under 0.2 s): the math alone
(``d2lminiMath().score``) and the reader's path (text put into the score box of a snippet with an untrained
baseline: both models score it and both shaded texts are drawn), median and range of K runs after a warm-up. It
also reads what the page shows for several texts (every ``data-p`` and the perplexity, for both models) and
prints the largest differences from ``model.score`` in Python. ``--notebook`` takes both models from the
scoring widget that an executed chapter notebook embeds (the book's trained model and its untrained start);
without it, two seeded random models of the chapter's size are used.
"""

import argparse
import json
import statistics
import sys
from pathlib import Path

import torch

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / 'tests')]
import oracles  # noqa: E402  (tests/oracles.py)

import d2lmini  # noqa: E402
from d2lmini.generators import export, page_markup  # noqa: E402
from tools.chromium import CHROMIUM  # noqa: E402  (the browser tests' Chromium and flags)
from tools.chromium import CHROMIUM_ARGS as ARGS  # noqa: E402

TIMED_JS = """([kind, n, reps]) => {
  const api = d2lminiMath(), root = document.querySelector('.d2lmini-gen');
  const model = api.loadModel(JSON.parse(root.querySelector('script[data-d2lmini="weights"]').textContent));
  const ids = Array.from('the time traveller').map(c => model.index[c]);
  const runs = {
    loop: () => api.generateIds(model, ids, n, 0, 0),
    generate: () => api.generate(model, 'the time traveller', n, 0, 0),
    page: () => { const f = root.querySelector('[data-d2lmini="length"]'); f.value = String(n);
                  f.dispatchEvent(new Event('input')); return
                  root.querySelector('[data-d2lmini="output"]').textContent; },
  };
  runs[kind]();  // warm-up: lets the JIT compile the loop
  const seconds = [];
  for (let r = 0; r < reps; r++) { const t = performance.now(); runs[kind](); seconds.push((performance.now() - t)
  / 1000); }
  return seconds;
}"""


HOSTILE_JS = """([name, unit, count, asText, reps]) => {
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
}"""


def bench_hostile_answers(size=1 << 20, reps=5, num_hiddens=32):
    """Return ``{case: (median seconds to answer, the page's answer)}``; ``ordinary`` is the reader's edit."""
    from playwright.sync_api import sync_playwright

    model, vocab = chapter_sized_model(num_hiddens)
    snippet = export.html_snippet(model, vocab, length=100)
    cases = {
        'ordinary': ['prefix', 'the time traveller', 1, False],
        'prefix': ['prefix', 'a', size, False],
        'length': ['length', '9', size, True],
        'temperature': ['temperature', '1', size, True],
        'seed': ['seed', '9', size, True],
    }
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
    script = f'<script>{page_markup.generator_js()}</script>'  # also defined globally, so the timing code can call it
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


SCORE_JS = """([kind, text, reps]) => {
  const api = d2lminiMath(), root = document.querySelector('.d2lmini-gen');
  const model = api.loadModel(JSON.parse(root.querySelector('script[data-d2lmini="weights"]').textContent));
  const box = root.querySelector('[data-d2lmini="score"]');
  const runs = {
    math: () => api.score(model, text),
    page: () => { box.value = text; box.dispatchEvent(new Event('input'));
                  return root.querySelectorAll('[data-d2lmini="scored"] span').length; },
  };
  runs[kind]();  // warm-up
  const seconds = [];
  for (let r = 0; r < reps; r++) {
    box.value = 'reset'; box.dispatchEvent(new Event('input'));  // the page path really redraws each time
    const t = performance.now(); runs[kind](); seconds.push((performance.now() - t) / 1000);
  }
  return seconds;
}"""
READ_SHOWN_JS = """([text]) => {
  const root = document.querySelector('.d2lmini-gen'), box = root.querySelector('[data-d2lmini="score"]');
  box.value = text; box.dispatchEvent(new Event('input'));
  const read = (suffix) => ({
    probs: Array.from(root.querySelectorAll(`[data-d2lmini="scored${suffix}"] [data-p]`), s => Number(s.dataset.p)),
    perplexity: Number(root.querySelector(`[data-d2lmini="perplexity${suffix}"]`).textContent)});
  return {trained: read(''), untrained: read('-baseline')};
}"""


def notebook_models(path):
    """The trained model and its untrained baseline from the scoring widget an executed notebook embeds."""
    import re

    import nbformat

    for cell in nbformat.read(path, as_version=4).cells:
        for output in cell.get('outputs', []):
            page = output.get('data', {}).get('text/html', '')
            if 'data-d2lmini="baseline"' in page:
                found = {
                    name: json.loads(re.search(rf'data-d2lmini="{name}">(.*?)</script>', page, re.S).group(1))
                    for name in ('weights', 'baseline')
                }
                (trained, vocab), (untrained, _) = (oracles.load_rnnlm(found[n]) for n in ('weights', 'baseline'))
                return trained, untrained, vocab
    raise SystemExit(f'{path}: no scoring widget with a baseline (export.html_generator(..., baseline=...))')


def score_texts(num_chars):
    """The CHARS-character book text to time, and the texts whose page values are compared with Python."""
    import random

    book = d2lmini.preprocess(d2lmini.download_timemachine().read_text(encoding='utf-8'))
    sentence = 'I determined to descend and find where I could sleep.'
    return book[20_000 : 20_000 + num_chars], [
        sentence,
        ''.join(random.Random(0).sample(sentence, len(sentence))),
        'The Time Traveller smiled.',
        book[30_000:31_000],
        book[20_000 : 20_000 + num_chars],
    ]


def bench_scoring(num_chars=10_000, reps=5, notebook=None):
    """Return ``({kind: seconds per run}, agreement rows)`` for scoring ``num_chars`` characters in Chromium."""
    from playwright.sync_api import sync_playwright

    if notebook:
        model, baseline, vocab = notebook_models(notebook)
    else:
        model, vocab = chapter_sized_model()
        baseline = d2lmini.RNNLM(d2lmini.RNN(len(vocab), 32), len(vocab))
    text, texts = score_texts(num_chars)
    snippet = export.html_snippet(model, vocab, length=10, baseline=baseline, mode='score', score_text='it has')
    script = f'<script>{page_markup.generator_js()}</script>'  # also defined globally, so the timing code can call it
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page()
        page.set_content(f'<!doctype html><html><body>{script}{snippet}</body></html>')
        timings = {kind: page.evaluate(SCORE_JS, [kind, text, reps]) for kind in ('math', 'page')}
        rows = []
        for t in texts:
            shown = page.evaluate(READ_SHOWN_JS, [t])
            for name, lm in (('trained', model), ('untrained', baseline)):
                expected = lm.score(t, vocab)
                rows.append(
                    (
                        len(expected.text),
                        name,
                        expected.perplexity,
                        max(abs(a - b) for a, b in zip(shown[name]['probs'], expected.probs)),
                        abs(shown[name]['perplexity'] / expected.perplexity - 1),
                    )
                )
        browser.close()
    return timings, rows


def print_scoring(args):
    timings, rows = bench_scoring(args.score, args.reps, args.notebook)
    source = args.notebook or 'seeded random models (chapter size)'
    print(f'Scoring {args.score:,} characters in Chromium, 28 tokens, models: {source}; {args.reps} runs')
    print(f'{"path":<34} {"median s":>9} {"min s":>8} {"max s":>8} {"chars/s":>11}')
    names = {'math': 'math (d2lminiMath().score)', 'page': 'page (score box, 2 models, drawn)'}
    for kind, seconds in timings.items():
        med = statistics.median(seconds)
        print(f'{names[kind]:<34} {med:>9.4f} {min(seconds):>8.4f} {max(seconds):>8.4f} {args.score / med:>11,.0f}')
    print(f'target: page path under 0.2 s: {"met" if statistics.median(timings["page"]) < 0.2 else "NOT met"}')
    print('\nPage (data-p, perplexity text) against model.score in Python')
    print(f'{"chars":>6} {"model":<10} {"perplexity":>11} {"max |dp|":>10} {"rel dppl":>10}')
    for n, name, ppl, dp, dppl in rows:
        print(f'{n:>6} {name:<10} {ppl:>11.4f} {dp:>10.2e} {dppl:>10.2e}')
    print(f'largest: |dp| {max(r[3] for r in rows):.2e}, relative perplexity {max(r[4] for r in rows):.2e}')


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('chars', nargs='?', type=int, default=20_000)
    parser.add_argument('--reps', type=int, default=5)
    parser.add_argument('--hiddens', type=int, default=32)
    parser.add_argument('--json', action='store_true', help='print the results as JSON')
    parser.add_argument(
        '--hostile',
        nargs='?',
        type=int,
        const=1 << 20,
        metavar='SIZE',
        help='time the answers to SIZE-character values written into the fields by a script',
    )
    parser.add_argument(
        '--score',
        nargs='?',
        type=int,
        const=10_000,
        metavar='CHARS',
        help='time scoring CHARS characters (default 10,000) and compare the page with Python',
    )
    parser.add_argument('--notebook', help='with --score: take the models from this executed chapter notebook')
    args = parser.parse_args()
    if args.score:
        return print_scoring(args)
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
