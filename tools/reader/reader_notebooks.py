"""Reader notebooks: each executed chapter notebook as a learner opens it in Colab, Binder, JupyterLab, GitHub, VS Code.

    python -m tools.reader.reader_notebooks            # write notebooks/<lang>/<page>.ipynb for every chapter notebook
    python -m tools.reader.reader_notebooks --check    # list the stale ones and exit 1; writes nothing

``make notebooks`` runs this after executing the chapters; the unit stage fails on a stale reader notebook. The launch
buttons (Colab, Binder) and the download button of the book open these files (_ext/reader_buttons.py).

A reader notebook is the executed ``chapters/<lang>/<page>.ipynb`` with its Markdown made plain (reader_markdown.py),
the hidden cells (tag ``remove-cell``) left out, the stored outputs kept so GitHub and Colab show them before a run
(without the glue records, the outputs of ``remove-output`` cells, the ``remove-stderr`` streams and widget views,
whose state is not stored), the input of ``hide-input`` cells collapsed (``jupyter.source_hidden``), and no book
tags. A Chinese reader notebook starts with a cell that sets ``D2LMINI_LANG`` (d2lmini's labels; in JupyterLab the
folder name already says it, on Colab nothing does) and installs a CJK font on Colab for the figures.
``notebooks/<lang>/`` is as deep as ``chapters/<lang>/``, so relative links to other files of the repository still
resolve. Leaving the hidden cells out is safe only because they change nothing a visible cell reads: tools/
reader_check.py proves that during nbval's run of every page (Makefile, target nbval).
"""

import argparse
import sys
from pathlib import Path

import nbformat

from tools.reader.reader_markdown import CHAPTERS, END, START, WIDGET, Page, book_labels, convert_lines, heading

ROOT = CHAPTERS.parent
READER = ROOT / 'notebooks'
LANGUAGE_COMMENT = {
    'zh': '# 本笔记本显示简体中文：d2lmini 的图表、表格和进度行使用中文标签。\n'
    '# 在 Colab 上还要安装中文字体，图中的汉字才不会显示为方框（约需半分钟）。\n',
    'zh-hant': '# 本筆記本顯示繁體中文：d2lmini 的圖表、表格和進度行使用中文標籤。\n'
    '# 在 Colab 上還要安裝中文字型，圖中的漢字才不會顯示為方框（約需半分鐘）。\n',
}
LANGUAGE_CODE = (
    'import os, sys\n'
    "os.environ['D2LMINI_LANG'] = '{lang}'\n"
    "if 'google.colab' in sys.modules:\n"
    '    !fc-list :lang=zh | grep -q . || apt-get -qq install -y fonts-noto-cjk > /dev/null'
)
BOOK_METADATA = ('d2lmini', 'jupytext')


def is_hidden(cell):
    """Left out of the reader notebook: what the book removes entirely (tag ``remove-cell``)."""
    return 'remove-cell' in cell.metadata.get('tags', [])


def reader_path(chapter):
    return READER / Path(chapter).resolve().relative_to(CHAPTERS).with_suffix('.ipynb')


def code_cell(cell):
    tags = cell.metadata.get('tags', [])
    outputs = (
        []
        if 'remove-output' in tags
        else [
            out
            for out in cell.get('outputs', [])
            if 'scrapbook' not in out.get('metadata', {})
            and WIDGET not in out.get('data', {})
            and not ('remove-stderr' in tags and out.get('name') == 'stderr')
        ]
    )
    new = nbformat.v4.new_code_cell(cell.source, id=cell.id, outputs=outputs, execution_count=cell.execution_count)
    if 'hide-input' in tags:
        new.metadata['jupyter'] = {'source_hidden': True}
    return new


def solution_cells(page, lines, cell_id):
    """A converted Markdown cell -> cells: a solution inside it becomes ``<details>``; one that goes on past the
    cell becomes its own heading cell, collapsed in JupyterLab when the book shows it as a dropdown."""
    text = '\n'.join(lines)
    if START in text and END in text.split(START, 1)[1]:
        before, rest = text.split(START, 1)
        marker, body = rest.split('\n', 1) if '\n' in rest else (rest, '')
        inside, after = body.split(END, 1)
        summary = f'<details>\n<summary>{page.words["solution"]}</summary>'
        text = f'{before}{summary}\n\n{inside.strip()}\n\n</details>{after}'
    parts = [text.replace(END, '')]
    if START in parts[0]:
        before, rest = parts[0].split(START, 1)
        marker, _, after = rest.partition('\n')
        title = nbformat.v4.new_markdown_cell(
            '\n'.join(heading(page, page.words['solution'])).strip(), id=f'{cell_id}-solution'
        )
        if 'dropdown' in marker:
            title.metadata['jp-MarkdownHeadingCollapsed'] = True
        return [c for c in (_markdown(before, cell_id), title, _markdown(after, f'{cell_id}-after')) if c]
    return [c for c in [_markdown(parts[0], cell_id)] if c]


def _markdown(text, cell_id):
    text = '\n'.join(line.rstrip() for line in text.strip('\n').split('\n')).strip('\n')
    return nbformat.v4.new_markdown_cell(text, id=cell_id) if text.strip() else None


def language_cell(lang):
    return nbformat.v4.new_code_cell(
        LANGUAGE_COMMENT[lang] + LANGUAGE_CODE.replace('{lang}', lang), id='reader-language'
    )


def convert(chapter, labels):
    """The reader notebook of ``chapter`` (an executed chapter notebook) as a NotebookNode."""
    nb = nbformat.read(chapter, as_version=4)
    page = Page(Path(chapter).resolve(), nb, labels)
    cells = [language_cell(page.lang)] if page.lang in LANGUAGE_COMMENT else []
    for cell in nb.cells:
        if cell.cell_type == 'markdown':
            cells += solution_cells(page, convert_lines(page, cell.source.split('\n')), cell.id)
        elif cell.cell_type == 'code' and not is_hidden(cell):
            cells.append(code_cell(cell))
        elif cell.cell_type == 'raw':
            page.fail('a raw cell, which no notebook client shows as the book does')
    metadata = {k: v for k, v in nb.metadata.items() if k not in BOOK_METADATA}
    return nbformat.v4.new_notebook(cells=renumbered(cells), metadata=metadata, nbformat_minor=5)


def renumbered(cells):
    """Execution counts 1, 2, ... as a run of the reader notebook gives them (no gaps where hidden cells were)."""
    executed = [c for c in cells if c.cell_type == 'code' and c.execution_count is not None]
    for count, cell in enumerate(executed, start=1):
        cell.execution_count = count
        for out in cell.outputs:
            if out.output_type == 'execute_result':
                out.execution_count = count
    return cells


def chapter_notebooks():
    return sorted(CHAPTERS.glob('*/*.ipynb'))


def rendered(chapters=None):
    """``{reader path: text}`` for every chapter notebook, as ``write`` would store it."""
    chapters = chapters or chapter_notebooks()
    labels = book_labels(chapter_notebooks())
    return {reader_path(c): nbformat.writes(convert(c, labels)) + '\n' for c in chapters}


def stale(chapters=None):
    """Reader notebooks that are missing or differ from what the chapter notebooks give now."""
    return [
        path
        for path, text in rendered(chapters).items()
        if not path.is_file() or path.read_text(encoding='utf-8') != text
    ]


def write(chapters=None):
    written = []
    for path, text in rendered(chapters).items():
        if not path.is_file() or path.read_text(encoding='utf-8') != text:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding='utf-8')
            written.append(path)
    return written


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--check', action='store_true', help='list stale reader notebooks and exit 1')
    args = parser.parse_args(argv)
    if args.check:
        for path in (found := stale()):
            print(f'{path.relative_to(ROOT)} is stale: Run: make notebooks', file=sys.stderr)
        return 1 if found else 0
    for path in write():
        print(f'{path.relative_to(ROOT)}: written')
    return 0


if __name__ == '__main__':
    sys.exit(main())
