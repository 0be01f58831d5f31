"""Every figure of the book has a description (alt text) in its page's language.

A code cell that outputs an image carries ``mystnb: image: alt:`` in its metadata, which the book renders as the
image's ``alt``; without it the alt is the image's file path. English pages describe in English (no Chinese
characters), Chinese pages in Chinese, in their own script (checked with OpenCC t2s: it leaves a Simplified
description unchanged and changes a Traditional one).
"""

import re
from functools import cache
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / 'chapters').glob('*/*.ipynb'))
HAN = re.compile(r'[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]')
FILE_NAME = re.compile(r'\.(png|jpe?g|svg|gif|webp|pdf)$|[/\\]', re.IGNORECASE)


@cache
def _opencc(config):
    import opencc

    return opencc.OpenCC(config)


def figure_cells(nb):
    """``[(index, cell)]`` of the code cells with an image output."""
    return [
        (i, cell)
        for i, cell in enumerate(nb.cells)
        if cell.cell_type == 'code'
        and any(key.startswith('image/') for output in cell.get('outputs', []) for key in output.get('data', {}))
    ]


def alt_problem(alt, lang):
    """Why ``alt`` is not a description in ``lang`` ('en', 'zh', 'zh-hant'); ``None`` when it is one."""
    if not isinstance(alt, str) or not alt.strip():
        return 'no alt text (add mystnb: image: alt: to the cell metadata)'
    if FILE_NAME.search(alt.strip()):
        return f'alt text {alt!r} is a file name, not a description'
    if lang == 'en':
        return f'Chinese characters in the English alt text {alt!r}' if HAN.search(alt) else None
    if len(HAN.findall(alt)) < len(re.findall(r'[A-Za-z]', alt)):
        return f'the alt text {alt!r} of a Chinese page is not written in Chinese'
    simplified = _opencc('t2s').convert(alt) == alt
    if simplified != (lang == 'zh'):
        return f'the alt text {alt!r} is not in the script of chapters/{lang}'
    return None


def figure_problems(nb, lang):
    return [
        f'cell {i}: {problem}'
        for i, cell in figure_cells(nb)
        if (problem := alt_problem(cell.metadata.get('mystnb', {}).get('image', {}).get('alt'), lang))
    ]


@pytest.mark.parametrize('path', NOTEBOOKS, ids=lambda p: f'{p.parent.name}/{p.name}')
def test_every_figure_is_described_in_the_page_language(path):
    nb = nbformat.read(path, as_version=4)
    assert figure_problems(nb, path.parent.name) == []


def test_the_book_has_figures_in_every_language():
    langs = {p.parent.name for p in NOTEBOOKS if figure_cells(nbformat.read(p, as_version=4))}
    assert langs == {'en', 'zh', 'zh-hant'}


def _figure(alt=None):
    png = nbformat.v4.new_output('display_data', data={'image/png': 'iVBORw0KGgo=', 'text/plain': '<Figure>'})
    cell = nbformat.v4.new_code_cell('plot()', outputs=[png])
    if alt is not None:
        cell.metadata['mystnb'] = {'image': {'alt': alt}}
    return nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell('x = 1'), cell])


@pytest.mark.parametrize(
    'alt, lang, problem',
    [
        (None, 'en', 'no alt text'),
        ('  ', 'zh', 'no alt text'),
        ('../../_images/3cfc17.png', 'en', 'file name'),
        ('曲线.png', 'zh', 'file name'),
        ('Perplexity falls; 困惑度下降', 'en', 'Chinese characters'),
        ('Perplexity falls over 100 epochs', 'zh', 'not written in Chinese'),
        ('训练困惑度下降', 'zh-hant', 'not in the script'),
        ('訓練困惑度下降', 'zh', 'not in the script'),
    ],
)
def test_a_missing_or_wrong_description_is_reported(alt, lang, problem):
    problems = figure_problems(_figure(alt), lang)
    assert len(problems) == 1 and problem in problems[0] and problems[0].startswith('cell 1:')


@pytest.mark.parametrize(
    'alt, lang',
    [
        ('Training perplexity falls towards 1 over 20 epochs.', 'en'),
        ('训练困惑度在 20 个迭代周期中降向 1。', 'zh'),
        ('訓練困惑度在 20 個迭代週期中降向 1。', 'zh-hant'),
    ],
)
def test_a_description_in_the_page_language_passes(alt, lang):
    assert figure_problems(_figure(alt), lang) == []
