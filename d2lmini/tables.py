"""A small table of results: HTML in Jupyter and in the book, aligned text elsewhere.

No pandas: the pages show a handful of rows whose cells are already formatted strings (e.g. ``0.054``), and a
header the page asks for in its language (``d2lmini.label``). A cell may also be a pair ``(value, detail)``, such
as a median and its range over seeds: HTML shows the detail in small print on a second line, which keeps wide
tables readable on a phone; text shows ``value (detail)``. Numbers never break across lines in HTML (the first
column, which names the rows, may, down to a minimum width). Text output pads by display width, so Chinese headers (two columns per
character in a terminal) still line up.
"""
import html
import unicodedata

NAME_STYLE = 'min-width: 6em'  # the row names: on a narrow screen they wrap, but not one character per line
VALUE_STYLE = 'white-space: nowrap; padding-left: 0.8em'  # numbers never break, and never touch


def display_width(text):
    """Terminal columns ``text`` takes: wide (East Asian) characters count two."""
    return sum(2 if unicodedata.east_asian_width(c) in 'WF' else 1 for c in text)


def _cell(cell):
    """A cell as ``(value, detail)`` strings; ``detail`` is None for a plain cell."""
    if isinstance(cell, tuple):
        if len(cell) != 2:
            raise ValueError(f'a cell is a string or a (value, detail) pair, got {cell!r}.')
        return str(cell[0]), str(cell[1])
    return str(cell), None


class Table:
    """``Table(header, rows)``: ``header`` a list of column titles, ``rows`` lists of cells of the same length."""

    def __init__(self, header, rows, css_class='d2lmini-table'):
        self.css_class = css_class
        self.header, self.rows = [str(h) for h in header], [[_cell(c) for c in row] for row in rows]
        bad = [i for i, row in enumerate(self.rows) if len(row) != len(self.header)]
        if bad:
            raise ValueError(f'rows {bad} do not have {len(self.header)} cells, one per header column.')

    def __repr__(self):
        lines = [self.header] + [[v if d is None else f'{v} ({d})' for v, d in row] for row in self.rows]
        widths = [max(display_width(line[i]) for line in lines) for i in range(len(self.header))]
        return '\n'.join('  '.join(c + ' ' * (w - display_width(c)) for c, w in zip(line, widths)).rstrip()
                         for line in lines)

    def _td(self, column, value, detail):
        text = html.escape(value) + ('' if detail is None else f'<br><small>{html.escape(detail)}</small>')
        return f'<td style="{VALUE_STYLE if column else NAME_STYLE}">{text}</td>'

    def _repr_html_(self):
        head = ''.join(f'<th>{html.escape(h)}</th>' for h in self.header)
        body = ''.join('<tr>' + ''.join(self._td(j, v, d) for j, (v, d) in enumerate(row)) + '</tr>'
                       for row in self.rows)
        return f'<table class="{self.css_class}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'
