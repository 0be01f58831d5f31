"""Reader notebooks (tools/reader/reader_notebooks.py, reader_markdown.py): current, free of MyST, converted
right."""

from pathlib import Path

import nbformat
import pytest
from markdown_it.tree import SyntaxTreeNode
from myst_parser.config.main import MdParserConfig
from myst_parser.mdit_to_docutils.base import DocutilsRenderer
from myst_parser.parsers.mdit import create_md_parser

from tools.reader import reader_markdown, reader_notebooks

ROOT = Path(__file__).resolve().parents[1]

CHAPTERS = reader_notebooks.chapter_notebooks()


@pytest.fixture(scope='module')
def rendered():
    return reader_notebooks.rendered()


def test_every_chapter_notebook_has_a_current_reader_notebook(rendered):
    assert len(rendered) == len(CHAPTERS) >= 12
    stale = [
        str(p.relative_to(ROOT))
        for p, text in rendered.items()
        if not p.is_file() or p.read_text(encoding='utf-8') != text
    ]
    assert not stale, f'{", ".join(stale)} is stale: its chapter notebook changed. Run: make notebooks'


def myst_tokens(text):
    """Every token MyST's own parser (with the book's extensions) finds in ``text``, nested ones included."""
    parser = create_md_parser(MdParserConfig(enable_extensions={'colon_fence', 'dollarmath'}), DocutilsRenderer)
    return [node for node in SyntaxTreeNode(parser.parse(text)).walk()]


@pytest.mark.parametrize('chapter', CHAPTERS, ids=lambda p: f'{p.parent.name}/{p.stem}')
def test_reader_notebook_has_no_myst_and_no_hidden_cell(chapter, rendered):
    reader = nbformat.reads(rendered[reader_notebooks.reader_path(chapter)], as_version=4)
    for cell in (c for c in reader.cells if c.cell_type == 'markdown'):
        for node in myst_tokens(cell.source):
            assert node.type not in ('myst_role', 'myst_target', 'myst_line_comment'), (node.type, cell.source)
            assert not (node.type in ('fence', 'colon_fence') and node.info.startswith('{')), cell.source
            href = node.attrs['href'].split('#')[0] if node.type == 'link' else ''
            assert not (href.endswith('.md') and '://' not in href), cell.source
        assert '{glue' not in cell.source and ':::' not in cell.source
    full = nbformat.read(chapter, as_version=4)
    hidden = {c.source for c in full.cells if c.cell_type == 'code' and reader_notebooks.is_hidden(c)}
    visible = [c for c in full.cells if c.cell_type == 'code' and not reader_notebooks.is_hidden(c)]
    code = [c for c in reader.cells if c.cell_type == 'code' and c.id != 'reader-language']
    assert [c.source for c in code] == [c.source for c in visible] and not hidden & {c.source for c in code}
    assert all(not c.metadata.get('tags') for c in reader.cells)
    assert sum(len(c.outputs) for c in code) > 0, 'the stored outputs are kept'


@pytest.mark.parametrize('chapter', CHAPTERS, ids=lambda p: f'{p.parent.name}/{p.stem}')
def test_chinese_reader_notebooks_set_their_language_first(chapter, rendered):
    first = nbformat.reads(rendered[reader_notebooks.reader_path(chapter)], as_version=4).cells[0]
    lang = chapter.parent.name
    if lang == 'en':
        assert 'D2LMINI_LANG' not in first.source
    else:
        assert first.cell_type == 'code' and f"os.environ['D2LMINI_LANG'] = '{lang}'" in first.source
        assert 'fonts-noto-cjk' in first.source and "'google.colab' in sys.modules" in first.source


def page(tmp_path, glue=None, lang='en', labels=None):
    path = tmp_path / 'chapters' / lang / 'page.ipynb'
    path.parent.mkdir(parents=True)
    nb = nbformat.v4.new_notebook()
    for name, value in (glue or {}).items():
        nb.cells.append(
            nbformat.v4.new_code_cell(
                'glue()',
                outputs=[
                    nbformat.v4.new_output(
                        'display_data',
                        data={'application/papermill.record/text/plain': repr(value)},
                        metadata={'scrapbook': {'name': name, 'mime_prefix': 'application/papermill.record/'}},
                    )
                ],
            )
        )
    return reader_markdown.Page(path, nb, labels or {})


def markdown(pg, text):
    return '\n'.join(reader_markdown.convert_lines(pg, text.split('\n')))


def test_glue_roles_are_formatted_as_the_book_formats_them(tmp_path):
    pg = page(tmp_path, glue={'ppl': 7.3712, 'date': '2026-11-27', 'n': 190})
    assert (
        markdown(pg, 'ends at {glue:text}`ppl:.2f` ({glue:text}`ppl:.0f`), {glue:text}`date`, {glue:text}`n:,d`')
        == 'ends at 7.37 (7), 2026-11-27, 190'
    )
    assert markdown(pg, 'code `{glue:text}`ppl`` stays') == 'code `{glue:text}`ppl`` stays'
    with pytest.raises(ValueError, match="no glued text/plain value 'missing'"):
        markdown(pg, '{glue:text}`missing:.2f`')


def test_directives_become_plain_markdown(tmp_path):
    pg = page(tmp_path, lang='zh')
    assert markdown(pg, '# T\n\n```{note}\nA `b`.\n\nC.\n```') == '# T\n\n> **注意**\n>\n> A `b`.\n>\n> C.'
    assert markdown(pg, '## S\n```{exercise}\n:label: ex-a\n\nDo it.\n```') == '## S\n### 练习\n\nDo it.'
    assert markdown(pg, '```python\n{ref}`x`\n```') == '```python\n{ref}`x`\n```'
    assert markdown(pg, '(sec-a)=\n# A\n% a comment') == '# A'
    for bad, message in [('```{figure} a.png\n```', 'unknown directive {figure}'), ('{abbr}`A`', 'unknown role')]:
        with pytest.raises(ValueError, match=message):
            markdown(pg, bad)


def test_glue_directives_paste_the_glued_output(tmp_path):
    pg = page(tmp_path, glue={'n': 3})
    pg.glue['table'] = {'text/html': '<table>\n\n<tr><td>1</td></tr>\n</table>', 'text/plain': 'T'}
    assert markdown(pg, '```{glue} table\n```\nAfter.') == '<table>\n<tr><td>1</td></tr>\n</table>\nAfter.'
    assert markdown(pg, '```{glue} n\n```') == '```text\n3\n```'


def test_a_break_between_chinese_sentences_is_joined_as_in_the_book(tmp_path):
    pg = page(tmp_path, lang='zh')
    assert markdown(pg, '第一句。\n第二句，\n`x` 第三句。\nEnglish.\n## 标题\n正文。') == (
        '第一句。第二句，\n`x` 第三句。\nEnglish.\n## 标题\n正文。'
    )


def test_execution_counts_run_on_without_the_hidden_cells():
    cells = [
        nbformat.v4.new_code_cell('a', execution_count=3),
        nbformat.v4.new_code_cell('b'),
        nbformat.v4.new_code_cell(
            'c',
            execution_count=7,
            outputs=[nbformat.v4.new_output('execute_result', data={'text/plain': '1'}, execution_count=7)],
        ),
    ]
    cells = reader_notebooks.renumbered(cells)
    assert [c.execution_count for c in cells] == [1, None, 2] and cells[2].outputs[0].execution_count == 2


def test_references_and_md_links_point_to_sibling_reader_notebooks(tmp_path):
    other = tmp_path / 'chapters' / 'zh' / 'other.ipynb'
    pg = page(
        tmp_path,
        labels={
            'sec-other': (other, '别的一节', None),
            'sec-part': (other, '一部分', 'sec-part'),
            'sec-here': (tmp_path / 'chapters' / 'en' / 'page.ipynb', 'Here', 'sec-here'),
        },
    )
    other.parent.mkdir(parents=True)
    nbformat.write(nbformat.v4.new_notebook(), other)
    reader_markdown.CHAPTERS, saved = tmp_path / 'chapters', reader_markdown.CHAPTERS
    try:
        assert markdown(pg, 'See {ref}`sec-other`, [it](../zh/other.md#part), [web](https://x.org/a.md).') == (
            'See [别的一节](../zh/other.ipynb), [it](../zh/other.ipynb#part), [web](https://x.org/a.md).'
        )
        assert markdown(pg, '{ref}`sec-part`, {ref}`back <sec-here>`') == (
            '[一部分](../zh/other.ipynb#sec-part), [back](#sec-here)'
        )
        assert markdown(pg, '(sec-here)=\n## Here') == '<a id="sec-here"></a>\n\n## Here'
        with pytest.raises(ValueError, match='no chapter page'):
            markdown(pg, '[readme](../../README.md)')
    finally:
        reader_markdown.CHAPTERS = saved


def test_solutions_fold_in_one_cell_and_collapse_across_cells(tmp_path):
    pg = page(tmp_path)
    lines = reader_markdown.convert_lines(
        pg, '# T\n```{solution-start} ex\n:class: dropdown\n```\nAnswer.\n```{solution-end}\n```\nAfter.'.split('\n')
    )
    folded = reader_notebooks.solution_cells(pg, lines, 'c1')
    assert [c.source for c in folded] == [
        '# T\n<details>\n<summary>Solution</summary>\n\nAnswer.\n\n</details>\nAfter.'
    ]
    source = 'Intro.\n```{solution-start} ex\n:class: dropdown\n```\nFirst.'
    lines = reader_markdown.convert_lines(pg, source.split('\n'))
    cells = reader_notebooks.solution_cells(pg, lines, 'c2')
    assert [c.source for c in cells] == ['Intro.', '## Solution', 'First.']
    assert cells[1].metadata == {'jp-MarkdownHeadingCollapsed': True}
    end = reader_markdown.convert_lines(pg, ['```{solution-end}', '```'])
    assert reader_notebooks.solution_cells(pg, end, 'c3') == []


def test_code_cells_keep_what_the_book_shows(tmp_path):
    out = nbformat.v4.new_output
    glue = out('display_data', data={'text/plain': '1'}, metadata={'scrapbook': {'name': 'a'}})
    cell = nbformat.v4.new_code_cell(
        'x', outputs=[out('stream', name='stdout', text='a'), out('stream', name='stderr', text='warn'), glue]
    )
    cell.metadata['tags'] = ['remove-stderr', 'nbval-ignore-output', 'hide-input']
    new = reader_notebooks.code_cell(cell)
    assert [o.get('name') for o in new.outputs] == ['stdout'] and new.metadata == {'jupyter': {'source_hidden': True}}
    cell.metadata['tags'] = ['remove-output']
    assert reader_notebooks.code_cell(cell).outputs == []
    assert reader_notebooks.is_hidden(nbformat.v4.new_code_cell('x', metadata={'tags': ['remove-cell']}))


def test_stale_and_missing_reader_notebooks_are_found_and_written(tmp_path, monkeypatch):
    chapter = tmp_path / 'chapters' / 'en' / 'p.ipynb'
    chapter.parent.mkdir(parents=True)
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell('# P')]), chapter)
    for module in (reader_notebooks, reader_markdown):
        monkeypatch.setattr(module, 'CHAPTERS', tmp_path / 'chapters')
    monkeypatch.setattr(reader_notebooks, 'READER', tmp_path / 'notebooks')
    assert reader_notebooks.stale() == [tmp_path / 'notebooks' / 'en' / 'p.ipynb']
    assert reader_notebooks.write() == [tmp_path / 'notebooks' / 'en' / 'p.ipynb']
    assert reader_notebooks.stale() == [] and reader_notebooks.write() == []
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell('# P, edited')]), chapter)
    assert reader_notebooks.stale() == [tmp_path / 'notebooks' / 'en' / 'p.ipynb']
