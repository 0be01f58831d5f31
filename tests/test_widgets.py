"""The notebook's generation panel, driven without a browser: set the fields, click, read ``text``/``message``."""

import html
import re
import subprocess
import sys

import pytest

import d2lmini
from d2lmini.generators import widgets


def shown_text(markup):
    """The text a reader sees in an HTML output (tags dropped, entities decoded)."""
    return html.unescape(re.sub(r'<[^>]+>', '', markup))


@pytest.fixture(scope='module')
def vocab():
    return d2lmini.Vocab(list('abcdefghijklmnopqrstuvwxyz '))


@pytest.fixture(scope='module', params=['scratch', 'concise'])
def model(request, make_lm):
    return make_lm(request.param, vocab_size=28, num_hiddens=16).eval()


def test_import_d2lmini_loads_no_widget_or_plot_library():
    code = (
        'import sys, d2lmini, d2lmini.generators.export; '
        'print(sorted(m for m in ("ipywidgets", "matplotlib", "IPython") if m in sys.modules))'
    )
    assert subprocess.run([sys.executable, '-c', code], capture_output=True, text=True).stdout.strip() == '[]'


def test_panel_shows_greedy_text_on_creation(model, vocab):
    panel = widgets.generation_panel(model, vocab)
    assert panel.text == model.predict('the time traveller', 100, vocab) and panel.message is None
    assert panel.temperature.disabled and panel.seed.disabled


def test_click_generates_from_the_normalized_prefix(model, vocab):
    panel = widgets.generation_panel(model, vocab)
    panel.prefix.value, panel.num_preds.value = 'The Time-Traveller, said:', 30
    panel.button.click()
    assert panel.text.startswith('the time traveller said ') and len(panel.text) == len('the time traveller said ') + 30
    assert panel.text == model.predict('The Time-Traveller, said:', 30, vocab)
    assert shown_text(panel.output.value).startswith(panel.text)


def test_sampling_uses_temperature_and_seed(model, vocab):
    panel = widgets.generation_panel(model, vocab)
    panel.mode.value = 'sample'
    panel.temperature.value, panel.seed.value = 0.7, 5
    assert not panel.temperature.disabled
    assert panel.generate() == model.sample('the time traveller', 100, vocab, temperature=0.7, seed=5)


@pytest.mark.parametrize(
    'prefix, num_preds, message',
    [
        ('', 100, 'prefix is empty'),
        ('时间机器', 100, "'时'"),
        ('time 😀', 100, "'😀'"),
        ('it has', 10_001, 'between 0 and 10,000'),
        ('it has', -1, 'between 0'),
    ],
)
def test_bad_input_shows_a_message_not_a_traceback(model, vocab, prefix, num_preds, message):
    panel = widgets.generation_panel(model, vocab)
    panel.prefix.value, panel.num_preds.value = prefix, num_preds
    panel.button.click()  # must not raise
    assert panel.text is None and message in panel.message
    assert '⚠' in panel.output.value and 'Traceback' not in panel.output.value


def test_message_and_text_are_escaped(model, vocab):
    panel = widgets.generation_panel(model, vocab)
    panel.prefix.value = '<b>时</b>'
    panel.generate()
    assert '<b>' not in panel.output.value and '时' in panel.output.value


def test_unexpected_errors_are_shown_too(model, vocab, monkeypatch):
    panel = widgets.generation_panel(model, vocab)

    def broken(*args, **kwargs):
        raise RuntimeError('CUDA out of memory')

    monkeypatch.setattr(model, 'predict', broken)
    assert panel.generate() is None
    assert panel.message == 'generation failed: RuntimeError: CUDA out of memory'


def test_panel_refuses_a_non_language_model(vocab):
    with pytest.raises(TypeError, match='predict'):
        widgets.generation_panel(object(), vocab)


def test_labels_follow_lang_or_the_notebook_folder(model, vocab, tmp_path, monkeypatch):
    monkeypatch.delenv('D2LMINI_LANG', raising=False)
    assert widgets.generation_panel(model, vocab, lang='zh').prefix.description == '前缀'
    monkeypatch.chdir(tmp_path)
    assert widgets.generation_panel(model, vocab).button.description == 'Generate'
    (tmp_path / 'zh-hant').mkdir()
    monkeypatch.chdir(tmp_path / 'zh-hant')
    assert widgets.generation_panel(model, vocab).prefix.description == '前綴'
    custom = widgets.generation_panel(model, vocab, lang='en', labels={'generate': 'Go'})
    assert custom.button.description == 'Go' and custom.prefix.description == 'Prefix'
    with pytest.raises(ValueError, match='label keys'):
        widgets.generation_panel(model, vocab, labels={'colour': 'x'})


@pytest.mark.parametrize(
    'kwargs, error, message',
    [
        (dict(temperature=0), ValueError, 'temperature must be a finite number above 0 and at most 2 .*got 0'),
        (dict(temperature=5), ValueError, 'at most 2 .*got 5'),
        (dict(temperature=None), TypeError, 'got None'),
        (dict(seed=2**64), ValueError, 'seed must be a whole number from 0 to 4,294,967,295.*got 18,446,744,'),
        (dict(seed=-1), ValueError, 'got -1'),
        (dict(seed=1.5), TypeError, 'seed must be a whole number'),
    ],
)
def test_panel_checks_temperature_and_seed_before_a_widget_can_clamp_them(model, vocab, kwargs, error, message):
    with pytest.raises(error, match=message):
        widgets.generation_panel(model, vocab, **kwargs)


@pytest.mark.parametrize('temperature', [0.001, 0.123, 2])
def test_panel_samples_at_exactly_the_temperature_given(model, vocab, temperature):
    panel = widgets.generation_panel(model, vocab, temperature=temperature, seed=3)
    assert panel.temperature.value == temperature and panel.temperature.max == d2lmini.MAX_TEMPERATURE
    panel.mode.value = 'sample'
    assert panel.generate() == model.sample('the time traveller', 100, vocab, temperature=temperature, seed=3)


def test_panel_shows_the_limits_of_prefix_and_seed(model, vocab):
    panel = widgets.generation_panel(model, vocab)
    panel.prefix.value = 'the time ' * 116508  # 1 MB
    assert panel.generate() is None and 'prefix has 1,048,572 characters; the limit is 1,000' in panel.message
    panel.prefix.value, panel.mode.value, panel.seed.value = 'it has', 'sample', 2**64
    assert panel.generate() is None and 'seed must be a whole number from 0 to 4,294,967,295' in panel.message
    assert 'Overflow' not in panel.message


def test_generated_text_is_shaded_by_the_models_probabilities(model, vocab):
    panel = widgets.generation_panel(model, vocab, num_preds=40)
    expected = model.score(panel.text, vocab)
    spans = re.findall(r'data-p="([0-9.]+)"[^>]*>([^<]*)</span>', panel.output.value)
    assert [c for _, c in spans] == list(panel.text[1:])  # every character after the first carries its probability
    assert [float(p) for p, _ in spans] == pytest.approx(expected.probs, abs=1e-9)
    assert f'{expected.perplexity:.4f}' in panel.output.value


def test_score_shows_the_trained_and_the_baseline_perplexity(model, vocab, make_lm):
    baseline = make_lm('concise', vocab_size=28, num_hiddens=16, seed=5)
    panel = widgets.generation_panel(model, vocab, baseline=baseline, score_text='The time machine.', lang='zh')
    assert list(panel.scores) == ['训练后的模型', '未训练的模型'] and panel.score_message is None
    trained, untrained = panel.scores.values()
    assert trained.perplexity == model.score('the time machine ', vocab).perplexity
    assert untrained.perplexity == baseline.score('the time machine ', vocab).perplexity
    shown = shown_text(panel.score_output.value)
    for s in (trained, untrained):
        formula = f'exp({s.total_nll:.4f} / 16) = exp({s.nll:.4f}) = {s.perplexity:.4f}'
        assert f'困惑度 = exp(平均负对数似然) = {formula}' in shown
    panel.score_text.value = 'the time machine, again'
    panel.score_button.click()
    assert panel.scores['训练后的模型'].text == 'the time machine again'


@pytest.mark.parametrize(
    'text, message',
    [
        ('', 'text is empty'),
        ('!', 'only one character once normalized'),
        ('时间', "'时'"),
        ('x' * 11_001, 'text has 11,001 characters'),
    ],
)
def test_bad_score_text_shows_a_message(model, vocab, text, message):
    panel = widgets.generation_panel(model, vocab)
    panel.score_text.value = text
    assert panel.score() is None and panel.scores is None and message in panel.score_message
    assert '⚠' in panel.score_output.value and 'Traceback' not in panel.score_output.value
