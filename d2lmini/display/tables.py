"""The one small table of results d2lmini shows: HTML in Jupyter and in the book, aligned text elsewhere.

No pandas: the pages show a handful of rows whose cells are already formatted strings (e.g. ``0.054``), and a
header the page asks for in its language (``d2lmini.label``). A cell may also be a pair ``(value, detail)``, such
as a median and its range over seeds: HTML shows the detail in small print on a second line, which keeps wide
tables readable on a phone; text shows ``value (detail)``. Numbers never break across lines in HTML (the first
column, which names the rows, may, down to a minimum width). Text output pads by display width, so Chinese headers
(two columns per character in a terminal) still line up. Optional ``groups`` split the rows under full-width label
rows (one group per device, say, so long labels do not widen a column) and ``caption`` says where numbers come from.
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
    """``Table(header, rows)``: ``header`` a list of column titles, ``rows`` lists of cells of the same length.

    ``groups`` (one label per row, optional): a full-width row with the label introduces each run of rows that share
    it. ``caption`` (optional) is shown above the table.
    """

    def __init__(self, header, rows, groups=None, caption=None, css_class='d2lmini-table'):
        self.header, self.rows = [str(h) for h in header], [[_cell(c) for c in row] for row in rows]
        bad = [i for i, row in enumerate(self.rows) if len(row) != len(self.header)]
        if bad:
            raise ValueError(f'rows {bad} do not have {len(self.header)} cells, one per header column.')
        if groups is not None and len(groups) != len(self.rows):
            raise ValueError(f'{len(groups)} group labels for {len(self.rows)} rows')
        self.groups = list(groups) if groups is not None else [None] * len(self.rows)
        self.caption, self.css_class = caption, css_class

    def _lines(self):
        """``(group label or None, row)`` in order, a label appearing where its group starts."""
        previous = object()
        for group, row in zip(self.groups, self.rows):
            if group is not None and group != previous:
                yield group, None
            previous = group
            yield None, row

    def __repr__(self):
        cells = [[v if d is None else f'{v} ({d})' for v, d in row] for row in self.rows]
        widths = [max(display_width(line[i]) for line in [self.header] + cells) for i in range(len(self.header))]
        fmt = lambda line: '  '.join(c + ' ' * (w - display_width(c)) for c, w in zip(line, widths)).rstrip()  # noqa
        text = {id(row): fmt(line) for row, line in zip(self.rows, cells)}
        lines = ([self.caption] if self.caption else []) + [fmt(self.header)]
        return '\n'.join(lines + [group if row is None else text[id(row)] for group, row in self._lines()])

    def _td(self, column, value, detail):
        text = html.escape(value) + ('' if detail is None else f'<br><small>{html.escape(detail)}</small>')
        return f'<td style="{VALUE_STYLE if column else NAME_STYLE}">{text}</td>'

    def _repr_html_(self):
        esc, n = html.escape, len(self.header)
        head = ''.join(f'<th>{esc(h)}</th>' for h in self.header)
        body = ''.join(
            f'<tr class="d2lmini-group"><th colspan="{n}">{esc(group)}</th></tr>'
            if row is None
            else '<tr>' + ''.join(self._td(j, v, d) for j, (v, d) in enumerate(row)) + '</tr>'
            for group, row in self._lines()
        )
        caption = f'<caption>{esc(self.caption)}</caption>' if self.caption else ''
        return f'<table class="{self.css_class}">{caption}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'
