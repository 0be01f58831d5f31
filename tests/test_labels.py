"""Reader-facing words in the page's language: how the language is found, and the generated zh-hant column."""

from pathlib import Path

import pytest

from d2lmini.display import labels
from d2lmini.display.progress_line import ProgressLine


@pytest.fixture
def no_env(monkeypatch, tmp_path):
    """No D2LMINI_LANG, and a working directory that is not named like an edition."""
    monkeypatch.delenv(labels.ENV_VAR, raising=False)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_language_defaults_to_english_outside_the_book(no_env):
    assert labels.page_language() == 'en'
    assert labels.label('epoch') == 'epoch'


@pytest.mark.parametrize('folder, word', [('en', 'perplexity'), ('zh', '困惑度'), ('zh-hant', '困惑度')])
def test_the_notebook_folder_names_the_language(no_env, monkeypatch, folder, word):
    (no_env / folder).mkdir()
    monkeypatch.chdir(no_env / folder)
    assert labels.page_language() == folder
    assert labels.label('perplexity') == word


def test_argument_beats_environment_beats_folder(no_env, monkeypatch):
    (no_env / 'zh').mkdir()
    monkeypatch.chdir(no_env / 'zh')
    monkeypatch.setenv(labels.ENV_VAR, 'zh-hant')
    assert labels.label('train') == '訓練'
    assert labels.label('train', lang='en') == 'train'


def test_bad_languages_and_keys_are_named(no_env, monkeypatch):
    with pytest.raises(ValueError, match="'fr'"):
        labels.label('epoch', lang='fr')
    monkeypatch.setenv(labels.ENV_VAR, 'de')
    with pytest.raises(ValueError, match='D2LMINI_LANG'):
        labels.page_language()
    with pytest.raises(KeyError, match='epoc'):
        labels.label('epoc', lang='en')


def test_every_term_exists_in_every_language():
    assert set(labels.ZH_HANT) == set(labels.TERMS)
    for key in labels.TERMS:
        words = [labels.label(key, lang) for lang in labels.LANGS]
        assert all(words), key


def test_templates_keep_their_fields_in_every_language():
    """A word with {fields} (filled in by code) has the same fields in every language."""
    import string

    def fields(key, lang):
        return sorted(f for _, f, _, _ in string.Formatter().parse(labels.label(key, lang)) if f)

    templated = {key for key in labels.TERMS if fields(key, 'en')}
    assert {'progress', 'summary', 'this_run', 'recorded', 'throughput', 'ppl_formula', 'char_prob'} <= templated
    for key in labels.TERMS:
        assert fields(key, 'en') == fields(key, 'zh') == fields(key, 'zh-hant'), key


def test_generated_traditional_column_is_current():
    """``_labels_zh_hant.py`` is what tools/make_zh_hant.py makes of the Chinese column (OpenCC + glossary)."""
    from tools import make_zh_hant

    generated = Path(labels.__file__).with_name('_labels_zh_hant.py').read_text(encoding='utf-8')
    assert make_zh_hant.labels_module() == generated, 'stale: run make notebooks'


def test_progress_line_speaks_chinese(capsys):
    line = ProgressLine(10, lang='zh')
    line.notebook = False
    line.update({'epoch': 1, 'time': 2.0, 'train_ppl': 9.5, 'val_ppl': 9.75}, 4000)
    out = capsys.readouterr().out
    assert out.startswith('迭代周期 1/10') and '训练困惑度 9.50' in out and '验证困惑度 9.75' in out
    assert '词元/秒' in out and 'ppl' not in out


def test_metrics_are_the_train_and_val_keys():
    from d2lmini.display.progress_line import metrics

    row = {'epoch': 3, 'time': 1.0, 'train_ppl': 1.0, 'val_acc': 0.5, 'seconds': 2, 'interrupted': True}
    assert metrics(row) == {'train_ppl': 1.0, 'val_acc': 0.5}
