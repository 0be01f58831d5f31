"""export_weights / html_generator, and the page's JavaScript run in Node against the Python model.

Greedy parity: the page computes in float64, PyTorch in float32, so the two could only disagree where the two
best logits are nearly tied. ``greedy_float64`` replays the page's arithmetic in Python and reports the smallest
top-two margin; each parity test first asserts that margin is far above float32 noise, then demands identical
text, so a tie can never pass or fail a test by luck. The test models get spread-out weights for that reason.
"""

import copy
import json
import random
import re
import subprocess
from pathlib import Path

import oracles  # tests/oracles.py: the page's model rebuilt in PyTorch, its greedy decoding in float64
import pytest
import torch
from torch import nn

import d2lmini
from d2lmini import limits
from d2lmini.generators import export
from d2lmini.limits import normalize_prefix

KINDS = ['scratch', 'concise']
PREFIXES = ['it has', 'the time traveller', 'The Time-Traveller, said:']
MATH_JS = Path(export.__file__).with_name('generator-math.js')
NODE_DRIVER = r"""
const fs = require('fs');
const input = JSON.parse(fs.readFileSync(0, 'utf8'));
const api = new Function(fs.readFileSync(input.js, 'utf8') + '\nreturn d2lminiMath();')();
const model = api.loadModel(input.payload);
const attempt = (f) => { try { return f(); } catch (err) { return {error: err.message}; } };
const probs = (r) => Array.from(r.ids).slice(1).map((_, i) => api.probabilityAt(model, r, i + 1));
const scored = (r) => ({text: r.text, probs: probs(r), nll: r.meanNll, total: r.totalNll, perplexity: r.perplexity,
                        top: api.topAt(model, r, 1, 5)});
console.log(JSON.stringify(input.jobs.map(([prefix, n, temperature, seed]) =>
  attempt(() => ({text: api.generate(model, prefix, n, temperature, seed)})))
  .concat((input.checks || []).map(([n, temperature, seed]) =>
    attempt(() => { api.checkSettings(model, n, temperature, seed); return {ok: true}; })))
  .concat((input.scores || []).map((text) => attempt(() => scored(api.score(model, text)))))
  .concat((input.generations || []).map(([prefix, n, temperature, seed]) =>
    attempt(() => scored(api.generateScored(model, prefix, n, temperature, seed)))))));
"""


@pytest.fixture(scope='module')
def vocab():
    return d2lmini.Vocab(list('abcdefghijklmnopqrstuvwxyz '))  # 27 characters + <unk> = 28 tokens


@pytest.fixture(scope='module', params=KINDS)
def model(request, make_spread_lm):
    """Logits far from ties and a contracting recurrence (see ``conftest.build_spread_lm``)."""
    return make_spread_lm(request.param, weight_seed=2)


def run_node(payload, jobs, checks=(), scores=(), generations=()):
    """Run ``generate`` for each job ``[prefix, n, temperature, seed]``, ``checkSettings`` for each check
    ``[n, temperature, seed]``, ``score`` for each text of ``scores`` and ``generateScored`` for each of
    ``generations`` (like jobs); returns ``{text}``/``{ok}``/a score (``text probs nll total perplexity top``) or
    ``{error}`` for each, in that order."""
    stdin = json.dumps(
        {
            'js': str(MATH_JS),
            'payload': payload,
            'jobs': jobs,
            'checks': list(checks),
            'scores': list(scores),
            'generations': list(generations),
        }
    )
    done = subprocess.run(['node', '-e', NODE_DRIVER], input=stdin, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_json_round_trip_reproduces_logits(model, vocab):
    payload = json.loads(json.dumps(export.export_weights(model, vocab)))
    clone, clone_vocab = oracles.load_rnnlm(payload)
    X = torch.randint(0, len(vocab), (3, 7), generator=torch.Generator().manual_seed(0))  # (batch, num_steps)
    with torch.no_grad():
        torch.testing.assert_close(clone(X), model(X), rtol=1e-5, atol=1e-6)  # (3, 7, 28)
    assert clone_vocab.idx_to_token == vocab.idx_to_token


def test_export_keeps_float32_bits(model, vocab):
    arrays, _ = export.import_weights(export.export_weights(model, vocab))
    source = model.linear.bias if hasattr(model, 'linear') else model.b_q
    assert torch.equal(arrays['b_out'], source.detach())
    assert {spec['shape'][0] for spec in export.export_weights(model, vocab)['weights'].values()} <= {16, 28}


def test_export_rejects_what_it_cannot_run(make_lm, vocab):
    lazy = d2lmini.RNNLM(d2lmini.RNN(28, 8), 28)
    with pytest.raises(ValueError, match='lazy'):
        export.export_weights(lazy, vocab)
    with pytest.raises(ValueError, match='vocabulary has 5'):
        export.export_weights(make_lm('concise'), d2lmini.Vocab(list('abcd')))
    with pytest.raises(TypeError, match='RNNLM'):
        export.export_weights(nn.Linear(2, 2), vocab)
    deep = make_lm('concise')
    deep.rnn.rnn = nn.RNN(28, 16, num_layers=2)
    with pytest.raises(ValueError, match='one-layer'):
        export.export_weights(deep, vocab)


def test_import_rejects_damaged_exports(model, vocab):
    payload = export.export_weights(model, vocab)
    with pytest.raises(ValueError, match='not a d2lmini weights export'):
        export.import_weights({'format': 'other'})
    payload['weights']['W_hh']['float32_le_base64'] = payload['weights']['W_hh']['float32_le_base64'][:-8]
    with pytest.raises(ValueError, match="weights\\['W_hh'\\]"):
        export.import_weights(payload)


def test_html_is_self_contained(model, vocab):
    page = export.html_snippet(model, vocab)
    # the one URL allowed is SVG's namespace name, an identifier that is never fetched (createElementNS)
    assert not re.search(r'https?://|\bsrc\s*=|@import', page.replace("'http://www.w3.org/2000/svg'", "''"))
    assert '<unk>' not in page  # the vocabulary's <unk> is escaped inside the JSON script
    data = re.search(r'<script type="application/json" data-d2lmini="weights">(.*?)</script>', page, re.S).group(1)
    assert json.loads(data) == export.export_weights(model, vocab)


def test_html_escapes_the_prefix_and_prefills_greedy_text(model, vocab):
    prefix = '"><script>alert(1)</script>'
    page = export.html_snippet(model, vocab, prefix=prefix, length=30)
    assert '<script>alert' not in page and 'value="&quot;&gt;&lt;script&gt;alert(1)' in page
    assert f'data-d2lmini="output" aria-live="polite">{model.predict(prefix, 30, vocab)}</p>' in page


def test_each_generator_gets_its_own_id(model, vocab):
    ids = {re.search(r'id="(d2lmini-gen-\w+)"', export.html_snippet(model, vocab)).group(1) for _ in range(3)}
    assert len(ids) == 3


@pytest.mark.parametrize(
    'kwargs, message',
    [
        (dict(prefix=''), 'prefix is empty'),
        (dict(prefix='时间'), 'never saw'),
        (dict(length=10_001), 'between 0'),
        (dict(temperature=-1), 'temperature'),
        (dict(temperature='hot'), 'temperature'),
        (dict(lang='fr'), 'lang'),
    ],
)
def test_html_generator_rejects_bad_settings(model, vocab, kwargs, message):
    with pytest.raises((TypeError, ValueError), match=message):
        export.html_generator(model, vocab, **kwargs)


def test_html_generator_is_displayable(model, vocab):
    shown = export.html_generator(model, vocab, lang='zh')
    assert '前缀' in shown._repr_html_() and 'data-d2lmini="generate"' in shown.data


@pytest.mark.node
@pytest.mark.parametrize('prefix', PREFIXES)
def test_node_greedy_matches_python(model, vocab, prefix):
    payload = export.export_weights(model, vocab)
    reference, margin = oracles.greedy_float64(payload, prefix, 200)
    assert margin > 1e-4, f'near tie (margin {margin:.2e}): pick another seed or prefix'
    [result] = run_node(payload, [[prefix, 200, 0, 0]])
    assert result == {'text': reference}
    assert reference == model.predict(prefix, 200, vocab)


@pytest.mark.node
def test_node_normalizes_prefixes_like_python(model, vocab):
    rng = random.Random(0)
    alphabet = [chr(c) for c in range(128)] + list('éß中文😀\u200b')
    prefixes = [''.join(rng.choice(alphabet) for _ in range(rng.randint(0, 12))) for _ in range(300)]
    prefixes += ["It's 1895!", '  two   spaces ', 'tab\tnew\nline', 'café', '中文 text', '😀']
    limit = limits.MAX_PREFIX  # the limit counts characters as Python does (an emoji is one, not two UTF-16 units)
    prefixes += [
        'x' * limit,
        'x' * (limit + 1),
        'the time ' * 116508,
        '😀' * (limit // 2 + 1),
        '😀' * (limit + 1),
        'é' * 5000,
        'x' * (limit - 1) + '😀',
        '\ud800' * (limit + 1),
    ]
    results = run_node(export.export_weights(model, vocab), [[p, 0, 0, 0] for p in prefixes])
    for prefix, result in zip(prefixes, results):
        try:
            assert result == {'text': normalize_prefix(prefix, vocab)}, repr(prefix)
        except ValueError as err:
            if 'never saw' in str(err) and any(ord(c) > 127 and not c.isprintable() for c in prefix):  # escaped
                assert 'never saw' in result['error'], repr(prefix)
            else:
                assert result == {'error': str(err)}, repr(prefix)


@pytest.mark.node
def test_node_reports_characters_missing_from_the_vocabulary(make_lm):
    small = d2lmini.Vocab(list('abcdefghijklmnopqrstuvwxy '))  # no 'z': 27 tokens
    payload = export.export_weights(make_lm('concise', vocab_size=27), small)
    [result] = run_node(payload, [['zebra', 5, 0, 0]])
    assert 'z' in result['error'] and 'not in the vocabulary' in result['error']


@pytest.mark.node
def test_node_sampling_is_seeded_and_stays_in_the_vocabulary(model, vocab):
    jobs = [['it has', 400, 1.5, 7], ['it has', 400, 1.5, 7], ['it has', 400, 1.5, 8], ['it has', 400, 1e-9, 1]]
    same, again, other, cold = [r['text'] for r in run_node(export.export_weights(model, vocab), jobs)]
    assert same == again != other
    assert set(same) <= set(vocab.idx_to_token) and same.startswith('it has')
    assert cold == oracles.greedy_float64(export.export_weights(model, vocab), 'it has', 400)[0]


@pytest.mark.node
def test_python_replays_the_pages_sampling(model, vocab):
    """sample_float64 draws what the page draws (same seed, temperature, arithmetic), so the text shown before the
    page's script runs is the text the page then generates; and html_snippet carries it."""
    payload = export.export_weights(model, vocab)
    jobs = [
        [prefix, 300, temperature, seed]
        for prefix, temperature, seed in [
            ('it has', 1.0, 0),
            ('it has', 0.7, 3),
            ('the time traveller', 1.5, 12),
            ('t', 0.2, 4294967295),
        ]
    ]
    page = [r['text'] for r in run_node(payload, jobs)]
    assert page == [export.sample_float64(payload, *job) for job in jobs]
    snippet = export.html_snippet(model, vocab, prefix='it has', length=60, temperature=0.8, seed=5)
    assert json.dumps(export.sample_float64(payload, 'it has', 60, 0.8, 5))[1:-1] in snippet


@pytest.mark.node
def test_unk_is_never_emitted_even_when_most_likely(model, vocab):
    payload = export.export_weights(model, vocab)
    b_out = torch.zeros(len(vocab))
    b_out[vocab.unk] = 100.0  # <unk> dominates every step
    payload['weights']['b_out'] = export._encode(b_out)
    greedy, sampled = run_node(payload, [['it has', 50, 0, 0], ['it has', 50, 1.0, 0]])
    reference, _ = oracles.greedy_float64(payload, 'it has', 50)
    assert greedy == {'text': reference} and '<unk>' not in reference + sampled['text']
    clone, clone_vocab = oracles.load_rnnlm(payload)
    assert clone.predict('it has', 50, clone_vocab) == reference


def python_accepts(num_preds, temperature, seed):
    try:
        limits.check_num_preds(num_preds)
        limits.check_temperature(temperature, zero_is_greedy=True)
        limits.check_seed(seed)
    except (TypeError, ValueError):
        return False
    return True


@pytest.mark.node
def test_node_keeps_the_same_limits_as_python(model, vocab):
    """Lengths, temperatures (0 = greedy in the page) and seeds: the page accepts exactly what Python accepts."""
    lengths = [0, 1, limits.MAX_PREDS, limits.MAX_PREDS + 1, -1, 2**53 + 1, 10**21]
    temperatures = [0, -0.0, 5e-324, 1e-300, 0.123, 1, limits.MAX_TEMPERATURE, 2.0000000000000004, 3, -1, 1e308]
    seeds = [0, 1, limits.MAX_SEED, limits.MAX_SEED + 1, -1, 2**53, 2**64, 10**21]
    checks = [[n, 1, 0] for n in lengths] + [[5, t, 0] for t in temperatures] + [[5, 1, s] for s in seeds]
    results = run_node(export.export_weights(model, vocab), [], checks)
    assert export.export_weights(model, vocab)['limits'] == limits.LIMITS
    for check, result in zip(checks, results):
        assert ('ok' in result) == python_accepts(*check), (check, result)
    assert sum('ok' in r for r in results) == 3 + 7 + 3  # both sides accept some and refuse others
    refused = {r['error'].split(',')[0] for r in results if 'error' in r}
    assert refused == {
        'the number of characters must be a whole number between 0 and 10',
        'temperature must be 0 (greedy) or a finite number above 0 and at most 2',
        'the seed must be a whole number from 0 to 4',
    }


def test_export_refuses_non_finite_weights(model, vocab):
    broken = copy.deepcopy(model)
    with torch.no_grad():
        next(broken.parameters()).view(-1)[0] = float('nan')
    with pytest.raises(ValueError, match=r'weights contain NaN or infinity \((W_ih|W_out)\): its training diverged'):
        export.export_weights(broken, vocab)


@pytest.mark.parametrize('temperature', [0.0, 0.7])
def test_the_vocabulary_is_checked_once_per_page(model, vocab, monkeypatch, temperature):
    """One check of vocab against the model per generator (the exporter's), however the page's text is made."""
    from d2lmini import limits

    calls = []
    original = limits.check_vocab

    def counted(*args, **kwargs):
        calls.append(args)
        return original(*args, **kwargs)

    monkeypatch.setattr(limits, 'check_vocab', counted)
    monkeypatch.setattr(export, 'check_vocab', counted)
    export.html_snippet(model, vocab, prefix='it has', length=20, temperature=temperature, seed=3)
    assert len(calls) == 1
