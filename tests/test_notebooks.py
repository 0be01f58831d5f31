"""Structure of the chapter notebooks: pairs in sync, identical code across languages, setup cell, links, toc."""

import ast
from pathlib import Path

import jupytext
import nbformat
import pytest
import yaml

from tools import notebooks

ROOT = Path(__file__).resolve().parents[1]

CHAPTERS = ROOT / 'chapters'
LANGS = sorted(p.name for p in CHAPTERS.iterdir() if p.is_dir() and not p.name.startswith(('.', '_')))
PAGES = sorted({p.stem for lang in LANGS for p in (CHAPTERS / lang).glob('*.md')})
NOTEBOOKS = sorted(CHAPTERS.glob('*/*.md'))


def code_cells(nb):
    return [c for c in nb.cells if c.cell_type == 'code']


def program(source):
    """The cell's code as an AST dump without docstrings: comments, docstrings and layout may be translated."""
    tree = ast.parse(source)
    for node in ast.walk(tree):
        body = getattr(node, 'body', None)
        if (
            isinstance(body, list)
            and body
            and isinstance(body[0], ast.Expr)
            and isinstance(body[0].value, ast.Constant)
            and isinstance(body[0].value.value, str)
            and isinstance(node, (ast.FunctionDef, ast.ClassDef, ast.Module))
        ):
            node.body = body[1:] or [ast.Pass()]
    return ast.dump(tree)


def config():
    return yaml.safe_load((ROOT / '_config.yml').read_text(encoding='utf-8'))


def test_languages_and_pages_exist():
    assert {'en', 'zh'} <= set(LANGS)
    assert 'rnn-concise' in PAGES


@pytest.mark.parametrize('page', PAGES)
def test_every_language_has_every_page(page):
    missing = [lang for lang in LANGS if not (CHAPTERS / lang / f'{page}.md').exists()]
    assert not missing, f'{page}.md is missing in {missing}'


@pytest.mark.parametrize('md', NOTEBOOKS, ids=lambda p: f'{p.parent.name}/{p.name}')
def test_ipynb_was_executed_from_the_current_md(md):
    """The book shows the .ipynb as committed: it must come from this .md (content hash written by make notebooks)."""
    ipynb = md.with_suffix('.ipynb')
    assert ipynb.exists(), f'{ipynb.relative_to(ROOT)} is missing: run make notebooks'
    assert notebooks.recorded_hash(ipynb) == notebooks.source_hash(md), (
        f'{ipynb.relative_to(ROOT)} is stale: {md.name} changed since it was executed. Run: make notebooks'
    )
    a, b = jupytext.read(md), jupytext.read(ipynb)
    assert [(c.cell_type, c.source.strip()) for c in a.cells] == [(c.cell_type, c.source.strip()) for c in b.cells]
    assert [c.metadata.get('tags', []) for c in a.cells] == [c.metadata.get('tags', []) for c in b.cells]


def test_stale_pairs_are_found_by_content(tmp_path):
    md = tmp_path / 'page.md'
    md.write_text('# A page\n', encoding='utf-8')
    assert notebooks.stale_pairs([md]) == [md]  # no .ipynb yet
    nb = nbformat.v4.new_notebook(metadata={'d2lmini': {'source_sha256': notebooks.source_hash(md)}})
    nbformat.write(nb, md.with_suffix('.ipynb'))
    assert notebooks.stale_pairs([md]) == []
    md.touch()  # a new modification time alone is not a change
    assert notebooks.stale_pairs([md]) == []
    md.write_text('# A page, edited\n', encoding='utf-8')
    assert notebooks.stale_pairs([md]) == [md]


@pytest.mark.parametrize('md', NOTEBOOKS, ids=lambda p: f'{p.parent.name}/{p.name}')
def test_executed_ipynb_has_outputs(md):
    cells = code_cells(jupytext.read(md.with_suffix('.ipynb')))
    assert all(c.get('execution_count') for c in cells), f'{md.with_suffix(".ipynb")} is not fully executed'


@pytest.mark.parametrize('page', PAGES)
@pytest.mark.parametrize('lang', [lang for lang in LANGS if lang != 'en'])
def test_code_is_identical_across_languages(page, lang):
    en = code_cells(jupytext.read(CHAPTERS / 'en' / f'{page}.md'))
    other = code_cells(jupytext.read(CHAPTERS / lang / f'{page}.md'))
    assert len(en) == len(other)
    for i, (a, b) in enumerate(zip(en, other)):
        assert program(a.source) == program(b.source), f'code cell {i} of {lang}/{page} differs from en'
        assert a.metadata.get('tags', []) == b.metadata.get('tags', []), f'tags of cell {i} differ'


def test_program_ignores_comments_but_not_code():
    assert program('x = 1  # one') == program('x = 1  # 一')
    assert program('def f():\n    """Doc."""\n    return 1') == program('def f():\n    """文档。"""\n    return 1')
    assert program('x = 1') != program('x = 2')


@pytest.mark.parametrize('md', NOTEBOOKS, ids=lambda p: f'{p.parent.name}/{p.name}')
def test_first_code_cell_is_the_configured_setup_cell(md):
    expected = (ROOT / 'tools' / 'setup_cell.txt').read_text().replace('{repo_url}', config()['repository']['url'])
    first = code_cells(jupytext.read(md))[0]
    assert first.source.strip() == expected.strip()
    assert 'remove-output' in first.metadata.get('tags', [])


@pytest.mark.parametrize('md', NOTEBOOKS, ids=lambda p: f'{p.parent.name}/{p.name}')
def test_page_links_to_its_counterparts(md):
    text = md.read_text(encoding='utf-8')
    for lang in LANGS:
        if lang != md.parent.name:
            assert f'](../{lang}/{md.name})' in text, f'{md} does not link to ../{lang}/{md.name}'


def test_toc_lists_every_page_and_only_existing_ones():
    files = []

    def walk(entries):
        for entry in entries:
            if 'file' in entry:
                files.append(entry['file'])
            walk(entry.get('chapters', []) + entry.get('sections', []) + entry.get('parts', []))

    toc = yaml.safe_load((ROOT / '_toc.yml').read_text(encoding='utf-8'))
    walk(toc['parts'])
    listed = {str(Path(f).with_suffix('')) for f in files}
    on_disk = {str(p.relative_to(ROOT).with_suffix('')) for p in NOTEBOOKS}
    assert listed == on_disk
