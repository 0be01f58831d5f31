"""``Table``: the pages' result tables in HTML and text, with Chinese headers lined up."""

import pytest

from d2lmini.display.tables import Table, display_width


def test_display_width_counts_wide_characters_twice():
    assert display_width('abc') == 3
    assert display_width('模型') == 4
    assert display_width('1 步') == 4


def test_text_columns_line_up_by_display_width():
    text = repr(Table(['模型', '1 步'], [['linear', '0.057'], ['RNN', '0.054 (0.053–0.056)']]))
    lines = text.splitlines()
    assert len(lines) == 3
    starts = {display_width(line[: line.index(cell)]) for line, cell in zip(lines, ['1 步', '0.057', '0.054'])}
    assert starts == {8}  # 'linear' (6 columns) + 2 spaces


def test_html_escapes_and_keeps_order():
    html = Table(['a<b', 'c'], [['<script>', '2'], ['x', 'y']])._repr_html_()
    assert '<script>' not in html and '&lt;script&gt;' in html
    assert html.index('&lt;script&gt;') < html.index('>x<')
    assert html.startswith('<table class="d2lmini-table">')
    assert '<td style="min-width: 6em">x</td>' in html  # row names may wrap, within reason
    assert '<td style="white-space: nowrap; padding-left: 0.8em">y</td>' in html  # numbers do not


def test_value_and_detail_cells():
    table = Table(['model', '1-step'], [['RNN', ('0.054', '0.053–0.056')], ['zero', '0.450']])
    assert repr(table).splitlines()[1].split() == ['RNN', '0.054', '(0.053–0.056)']
    assert '>0.054<br><small>0.053–0.056</small></td>' in table._repr_html_()
    assert '<small>' not in Table(['a'], [['<b>']])._repr_html_()
    with pytest.raises(ValueError, match='pair'):
        Table(['a'], [[('1', '2', '3')]])


def test_rows_must_match_the_header():
    with pytest.raises(ValueError, match=r'rows \[1\] do not have 2 cells'):
        Table(['a', 'b'], [['1', '2'], ['3']])
