"""The in-page trainer, the hidden-state heatmap and the bits panel in Chromium (no built book needed).

- Parity: the engines (JavaScript and WebAssembly) on the case of tests/test_trainer_parity.py, in Chromium's V8,
  against PyTorch autograd (float64: gradients to 1e-6 relative, the SGD run's losses within 1 %).
- A reader trains: a page with ``html_generator(..., train=True)`` written to disk, and the built chapter
  (skipped without a built book), each opened from ``file://`` and served over http; the train tab is reached and
  started with the keyboard, one seeded epoch (a second or two)
  runs in the Web Worker, the curve falls, and the reader's model then scores the text in the score tab.
- The heatmap shows nn.RNN's hidden states; the bits panel shows the score's bits and gzip's size; all three
  languages.
"""

import functools
import http.server
import json
import math
import re
import threading
from importlib import resources
from pathlib import Path

import oracles  # tests/oracles.py: the PyTorch twins of the page's trainer
import pytest
import torch

import d2lmini
from d2lmini.display import labels
from d2lmini.generators import export
from d2lmini.scoring import score
from d2lmini.utils import preprocess

HARNESS = Path(__file__).resolve().parents[1] / 'node'


@pytest.fixture(scope='module')
def chapter_model():
    """The chapter's architecture (28 tokens, 32 hidden units) with the real vocabulary, briefly trained."""
    torch.manual_seed(0)
    data = d2lmini.TimeMachine(batch_size=256, num_steps=32)
    model = d2lmini.RNNLM(d2lmini.RNN(num_inputs=len(data.vocab), num_hiddens=32), vocab_size=len(data.vocab))
    model(torch.zeros((1, 1), dtype=torch.long))
    return model.eval(), data.vocab


def engine_scripts():
    files = resources.files('d2lmini.generators')
    return [
        files.joinpath(name).read_text(encoding='utf-8')
        for name in ('trainer-engine.js', 'trainer-wasm-api.js', 'trainer-wasm.js')
    ] + [(HARNESS / name).read_text(encoding='utf-8') for name in ('trainer-wasm-float64.js', 'trainer_check.js')]


@pytest.mark.parametrize('backend', ['js', 'wasm'])
def test_parity_in_chromium(open_page, backend):
    page, recorder = open_page()
    page.set_content('<!doctype html><html><body></body></html>')
    for script in engine_scripts():
        page.add_script_tag(content=script)
    case = oracles.make_case()
    got = page.evaluate(
        """([input, backend]) => {  // the case as JSON text: Playwright's own encoding is slow
      const modules = {float64: d2lminiTrainerWasm64().float64};
      return JSON.stringify(d2lminiTrainerCheck(d2lminiTrainer(), d2lminiTrainerWasm, modules, JSON.parse(input),
                                                backend, 'float64'));
    }""",
        [json.dumps(case), backend],
    )
    got = json.loads(got)
    figures = oracles.compare(got, oracles.reference(case))
    assert figures['grad_rel'] < 1e-6 and figures['loss_rel'] < 0.01 and figures['hidden_abs'] < 1e-12, figures
    assert figures['loss_last'] < figures['loss_first']
    assert recorder.console_errors == recorder.page_errors == []


@pytest.fixture(scope='module')
def trainer_page(chapter_model, tmp_path_factory):
    """A page on disk holding the generator with its train tab (English)."""
    model, vocab = chapter_model
    folder = tmp_path_factory.mktemp('trainer-page')
    snippet = export.html_snippet(model, vocab, score_text='the time traveller', train=True, lang='en')
    (folder / 'index.html').write_text(
        f'<!doctype html><html><head><meta charset="utf-8"><link rel="icon" href="data:,"></head><body>{snippet}'
        '</body></html>',
        encoding='utf-8',
    )
    return folder


@pytest.fixture(scope='module')
def served(trainer_page):
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(trainer_page))
    handler.log_message = lambda *args: None
    httpd = http.server.ThreadingHTTPServer(('127.0.0.1', 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f'http://127.0.0.1:{httpd.server_address[1]}/index.html'
    httpd.shutdown()
    httpd.server_close()


def train_one_epoch(page, root=None):
    """Keyboard only: from the first tab to the train tab, one epoch, seed 7, Start; wait for 'done'."""
    root = root or page.locator('.d2lmini-gen')
    root.locator('[data-d2lmini="tab-generate"]').focus()
    page.keyboard.press('ArrowRight')
    page.keyboard.press('ArrowRight')
    assert root.locator('[data-d2lmini="tab-train"]').get_attribute('aria-selected') == 'true'
    assert root.locator('[data-d2lmini="panel-train"]').is_visible()
    root.locator('[data-d2lmini="train-epochs"]').fill('1')
    root.locator('[data-d2lmini="train-seed"]').fill('7')
    root.locator('[data-d2lmini="train-start"]').focus()
    page.keyboard.press('Enter')
    page.wait_for_selector('.d2lmini-gen[data-train-state="train_done"]', timeout=60_000)
    return root


def check_trained(root):
    """The curve fell, validation perplexity is well below the untrained ~28, the run used WebAssembly."""
    train = curve_heights(root, 'train')
    assert len(train) >= 3 and train[-1] > train[0]  # the training curve falls
    status = root.locator('[data-d2lmini="train-status"]').text_content()
    val = float(re.search(r'([0-9.]+)$', status.rsplit('·', 1)[0].strip()).group(1))
    assert val < 12 and 'WebAssembly' in status, status
    assert root.locator('[data-d2lmini="train-samples"] li').count() == 1


def curve_heights(root, kind):
    """The SVG y coordinates of a line of the curve: y grows downwards, so a larger y is a lower perplexity."""
    points = root.locator(f'[data-d2lmini="train-curve"] polyline.d2lmini-train-{kind}').get_attribute('points')
    return [float(p.split(',')[1]) for p in points.split()]


@pytest.mark.parametrize('where', ['http', 'file'])
def test_reader_trains_the_model_in_the_page(where, served, trainer_page, open_page):
    page, recorder = open_page()
    page.goto(served if where == 'http' else (trainer_page / 'index.html').as_uri())
    page.wait_for_selector('.d2lmini-gen[data-d2lmini-mounted]')
    stored_ppl = float(page.locator('[data-d2lmini="perplexity"]').text_content())
    root = train_one_epoch(page)
    check_trained(root)
    root.locator('[data-d2lmini="train-model"]').select_option('trained')
    mine = float(page.locator('[data-d2lmini="perplexity"]').text_content())
    assert mine != stored_ppl and math.isfinite(mine)
    root.locator('[data-d2lmini="train-model"]').select_option('stored')
    assert float(page.locator('[data-d2lmini="perplexity"]').text_content()) == stored_ppl
    assert all(
        url.startswith(('blob:', 'data:', served if where == 'http' else 'file:')) for url in recorder.requests
    ), recorder.requests
    assert recorder.console_errors == recorder.page_errors == []


def test_pause_resume_and_reset(served, open_page):
    page, recorder = open_page(served)
    root = page.locator('.d2lmini-gen')
    root.locator('[data-d2lmini="tab-train"]').click()
    root.locator('[data-d2lmini="train-epochs"]').fill('1')
    root.locator('[data-d2lmini="train-start"]').click()
    page.wait_for_selector('.d2lmini-gen[data-train-state="running"]', timeout=20_000)
    pause = root.locator('[data-d2lmini="train-pause"]')
    pause.click()
    assert root.get_attribute('data-train-state') == 'train_paused' and pause.text_content() == 'Resume'
    pause.click()
    page.wait_for_selector('.d2lmini-gen[data-train-state="train_done"]', timeout=60_000)
    assert root.locator('[data-d2lmini="train-samples"] li').count() == 1
    root.locator('[data-d2lmini="train-reset"]').click()
    assert root.locator('[data-d2lmini="train-samples"] li').count() == 0
    assert root.locator('[data-d2lmini="train-model"]').is_disabled()
    root.locator('[data-d2lmini="train-epochs"]').fill('0')
    root.locator('[data-d2lmini="train-start"]').click()
    assert (
        root.locator('[data-d2lmini="train-message"]').text_content() == 'Epochs must be a whole number from 1 to 50.'
    )
    assert recorder.console_errors == recorder.page_errors == []


@pytest.mark.parametrize('lang', ['en', 'zh', 'zh-hant'])
def test_heatmap_is_pytorchs_hidden_state_and_bits_add_up(chapter_model, open_page, lang):
    model, vocab = chapter_model
    page, recorder = open_page()
    text = 'The Time Traveller (for so it will be convenient to speak of him)'
    page.set_content(
        '<!doctype html><html><body>'
        + export.html_snippet(model, vocab, score_text=text, lang=lang, mode='score')
        + '</body></html>'
    )
    page.wait_for_selector('[data-d2lmini="bits"][data-gzip-bytes]')
    states = json.loads(
        page.evaluate('JSON.stringify(Array.from(document.querySelector(\'[data-d2lmini="heatmap"]\').d2lminiStates))')
    )
    arrays, _ = export.import_weights(export.export_weights(model, vocab))
    normalized = preprocess(text)
    want = oracles.hidden_states({k: v.double() for k, v in arrays.items()}, vocab[list(normalized)])
    assert len(states) == want.numel() == 32 * len(normalized)
    assert float((torch.tensor(states, dtype=torch.float64).reshape(want.shape) - want).abs().max()) < 1e-12
    bits = page.locator('[data-d2lmini="bits"]')
    want_bits = score(model, text, vocab).total_nll / math.log(2)  # PyTorch, float32
    assert float(bits.get_attribute('data-model-bits')) == pytest.approx(want_bits, rel=1e-5)
    assert int(bits.get_attribute('data-gzip-bytes')) > 18  # gzip's header and trailer alone take 18 bytes
    words = labels.labels(('bits_model', 'heatmap_hint', 'heatmap_readout'), lang)
    assert bits.text_content().startswith(words['bits_model'].split('{')[0])
    heatmap = page.locator('[data-d2lmini="heatmap"]')
    heatmap.focus()
    page.keyboard.press('ArrowDown')
    page.keyboard.press('ArrowRight')
    readout = page.locator('[data-d2lmini="heatmap-readout"]').text_content()
    assert readout.endswith(f'{states[1 * 32 + 1]:.4f}') and words['heatmap_readout'].split('{')[0] in readout
    assert page.locator('[data-d2lmini="unit-trace"] polyline').count() == 1
    assert recorder.console_errors == recorder.page_errors == []


def test_train_tab_speaks_chinese(chapter_model, open_page):
    model, vocab = chapter_model
    page, _ = open_page()
    page.set_content(
        '<!doctype html><html><body>'
        + export.html_snippet(model, vocab, train=True, lang='zh-hant', mode='train')
        + '</body></html>'
    )
    root = page.locator('.d2lmini-gen[data-d2lmini-mounted]')
    assert root.locator('[data-d2lmini="tab-train"]').text_content() == labels.label('train_tab', 'zh-hant')
    assert root.locator('[data-d2lmini="train-start"]').text_content() == labels.label('train_start', 'zh-hant')


@pytest.mark.parametrize('where', ['http', 'file'])
def test_reader_trains_in_the_built_book(where, book_dir, server, open_page):
    """The English chapter as built: its "Try It Yourself" generator carries the trainer, served and from disk."""
    page_path = 'chapters/en/rnn-concise.html'
    page, recorder = open_page(f'{server}{page_path}' if where == 'http' else (book_dir / page_path).as_uri())
    root = page.locator('.d2lmini-gen:has([data-d2lmini="tab-train"])')
    assert root.count() == 1, 'the chapter has no generator with a train tab: re-execute its notebook'
    check_trained(train_one_epoch(page, root))
    assert all(url.startswith(('blob:', 'data:', server if where == 'http' else 'file:')) for url in recorder.requests)
    assert recorder.page_errors == []


@pytest.mark.parametrize('lang', ['zh', 'zh-hant'])
def test_built_chinese_chapters_carry_the_trainer(lang, server, open_page):
    page, recorder = open_page(f'{server}chapters/{lang}/rnn-concise.html')
    tab = page.locator('.d2lmini-gen [data-d2lmini="tab-train"]')
    assert tab.count() == 1 and tab.text_content() == labels.label('train_tab', lang)
    assert page.locator('.d2lmini-gen [data-d2lmini="heatmap"]').count() == 1  # under its scoring tab
    page, _ = open_page(f'{server}chapters/{lang}/rnn-going-further.html')  # the scoring box of that page
    assert page.locator('.d2lmini-gen [data-d2lmini="heatmap"]').count() == 1
