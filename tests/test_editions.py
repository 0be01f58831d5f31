"""One table of editions (d2lmini.display.editions), read by the package, the book's extensions and tools; the
page's language resolved once, at the public entry points."""

import ast
from pathlib import Path

import pytest

from d2lmini.display import editions, labels

ROOT = Path(__file__).resolve().parents[1]

# The functions a page's code calls, which resolve the language; everything below them takes it as given.
ENTRY_POINTS = {
    'display/labels.py': {'page_language', 'label', 'labels', 'metric_label'},
    'display/fonts.py': {'use_page_fonts'},
    'core.py': {'__init__'},  # Trainer
    'scoring.py': {'html', 'score_table'},
    'generators/export.py': {'html_snippet', 'html_generator'},
    'generators/widgets.py': {'__init__', 'generation_panel'},
    'book/speed.py': {'table'},
    'book/init_study.py': {'table', 'paired_table', 'plot_curves'},
    'book/framework_table.py': {'table', 'plot'},
}


def functions_with_optional_lang():
    found = {}
    for path in sorted((ROOT / 'd2lmini').rglob('*.py')):
        for node in ast.walk(ast.parse(path.read_text(encoding='utf-8'))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                args = node.args.args + node.args.kwonlyargs
                defaults = [None] * (len(node.args.args) - len(node.args.defaults)) + node.args.defaults
                defaults += node.args.kw_defaults
                if any(
                    a.arg == 'lang' and isinstance(d, ast.Constant) and d.value is None for a, d in zip(args, defaults)
                ):
                    found.setdefault(str(path.relative_to(ROOT / 'd2lmini')), set()).add(node.name)
    return found


def test_only_public_entry_points_look_the_language_up():
    found = functions_with_optional_lang()
    extra = {f: names - ENTRY_POINTS.get(f, set()) for f, names in found.items()}
    assert not {f: n for f, n in extra.items() if n}, 'lang=None below an entry point: pass the resolved language'


def test_the_labels_use_the_table_of_editions():
    assert labels.LANGS == editions.CODES == ('en', 'zh', 'zh-hant')


def test_the_book_extension_reads_the_same_table():
    import page_language

    assert page_language.FOLDERS == {e.folder: e.html_lang for e in editions.EDITIONS}
    assert page_language.page_language('chapters/zh-hant/rnn-concise') == 'zh-Hant'


def test_the_zh_hant_generator_reads_the_same_table():
    from tools import make_zh_hant

    assert make_zh_hant.SRC_DIR == ROOT / 'chapters' / 'zh' and make_zh_hant.OUT_DIR == ROOT / 'chapters' / 'zh-hant'


@pytest.mark.parametrize(
    'path, code',
    [
        ('chapters/zh/rnn-concise', 'zh'),
        ('/x/chapters/en/a.md', 'en'),
        ('chapters/zh-hant/b', 'zh-hant'),
        ('index', None),
    ],
)
def test_of_path_finds_the_edition_of_a_page(path, code):
    found = editions.of_path(path)
    assert (found.code if found else None) == code


def test_an_unknown_edition_is_refused_with_the_list():
    with pytest.raises(ValueError, match="'en', 'zh', 'zh-hant'"):
        editions.edition('fr')
