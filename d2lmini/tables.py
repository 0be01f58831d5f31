"""A small table of results: HTML in Jupyter and in the book, aligned text elsewhere.

No pandas: the pages show a handful of rows whose cells are already formatted strings (e.g. ``0.054
(0.053–0.056)``), and a header the page asks for in its language (``d2lmini.label``). Text output pads by
display width, so Chinese headers (two columns per character in a terminal) still line up.
"""
import html
import unicodedata


def display_width(text):
    """Terminal columns ``text`` takes: wide (East Asian) characters count two."""
    return sum(2 if unicodedata.east_asian_width(c) in 'WF' else 1 for c in text)


class Table:
    """``Table(header, rows)``: ``header`` a list of column titles, ``rows`` lists of cells of the same length."""

    def __init__(self, header, rows, css_class='d2lmini-table'):
        self.css_class = css_class
        self.header, self.rows = [str(h) for h in header], [[str(c) for c in row] for row in rows]
        bad = [i for i, row in enumerate(self.rows) if len(row) != len(self.header)]
        if bad:
            raise ValueError(f'rows {bad} do not have {len(self.header)} cells, one per header column.')

    def __repr__(self):
        lines = [self.header] + self.rows
        widths = [max(display_width(line[i]) for line in lines) for i in range(len(self.header))]
        return '\n'.join('  '.join(c + ' ' * (w - display_width(c)) for c, w in zip(line, widths)).rstrip()
                         for line in lines)

    def _repr_html_(self):
        head = ''.join(f'<th>{html.escape(h)}</th>' for h in self.header)
        body = ''.join('<tr>' + ''.join(f'<td>{html.escape(c)}</td>' for c in row) + '</tr>' for row in self.rows)
        return f'<table class="{self.css_class}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'
