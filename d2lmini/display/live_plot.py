"""The Trainer's live perplexity plot: per-epoch metrics redrawn within a time budget, in the page's language.

With ``fonts.py`` and ``plotting.py``, the only modules importing matplotlib (on first use).
"""

import io
import math
import time

from .fonts import use_page_fonts
from .labels import label, metric_label, page_language
from .progress_line import in_notebook, metrics

STYLES = {'train': '-', 'val': '--'}


def apply_board(axes, board):
    """Apply the settings a reader put on ``model.board``
    (D2L's attributes; unset ones keep our defaults)."""
    # only on change: setting a scale resets the tick locators
    if axes.get_xscale() != board.xscale:
        axes.set_xscale(board.xscale)
    if axes.get_yscale() != board.yscale:
        axes.set_yscale(board.yscale)
    for setting, value in (
        ('xlabel', board.xlabel),
        ('ylabel', board.ylabel),
        ('xlim', board.xlim),
        ('ylim', board.ylim),
    ):
        if value is not None:
            getattr(axes, f'set_{setting}')(value)


class LivePlot:
    """Per-epoch metrics of a Trainer, redrawn at most ``max_redraws`` times plus once at the end.

    Drawing (a PNG: ~0.05 s of CPU with fixed margins, twice that with constrained layout) may take
    at most ``max_share`` of the training time so far, the final draw included: a planned redraw
    that would exceed it is skipped,
    so a run of a few seconds draws only at the end and a long run redraws every few seconds.

    In Jupyter the figure is one PNG output updated in place, so the saved notebook keeps one final
    figure. Elsewhere the figure is still drawn (Agg) and kept as ``figure`` for saving.
    """

    def __init__(self, max_epochs, lang, max_redraws=20, max_share=0.05, draw_estimate=0.1, board=None):
        from matplotlib.figure import Figure  # no pyplot: no global figure state, no auto-display

        self.max_epochs, self.lang, self.board = max_epochs, page_language(lang), board
        use_page_fonts(self.lang)
        self.figure = Figure(figsize=(5, 3), dpi=100)
        # fixed: no layout pass per draw
        self.figure.subplots_adjust(left=0.1, right=0.96, bottom=0.16, top=0.96)
        self.axes = self.figure.add_subplot()
        n = max(1, min(max_redraws, max_epochs))
        self.redraw_at = {math.ceil((i + 1) * max_epochs / n) for i in range(n)} - {max_epochs}
        self.notebook, self.handle, self.num_draws = in_notebook(), None, 0
        if self.notebook:  # reserve the output slot now, so the plot stays above the progress line
            from IPython.display import display

            self.handle = display({'text/plain': ''}, raw=True, display_id=True)
        self.max_share, self.draw_seconds, self.draw_cost = max_share, 0.0, draw_estimate

    def update(self, history):
        row = history[-1]
        # keep one draw for the end
        budget = self.max_share * row['time'] - self.draw_seconds - self.draw_cost
        if row['epoch'] in self.redraw_at and self.draw_cost <= budget:
            self.draw(history)

    def close(self, history):
        self.draw(history)

    def draw(self, history):
        start = time.perf_counter()
        self._render(history)
        self.num_draws += 1
        self.draw_cost = time.perf_counter() - start
        self.draw_seconds += self.draw_cost

    def _render(self, history):
        ax, epochs = self.axes, [row['epoch'] for row in history]
        ax.clear()
        for key in metrics(history[-1]):
            ax.plot(
                epochs,
                [row.get(key, math.nan) for row in history],
                STYLES.get(key.partition('_')[0], ':'),
                label=metric_label(key, self.lang),
            )
        ax.set_xlim(1, max(2, self.max_epochs))
        ax.xaxis.get_major_locator().set_params(integer=True)  # epochs are whole numbers
        ax.set_xlabel(label('epoch', self.lang)), ax.legend(), ax.grid(alpha=0.3)
        if all(key.endswith('_ppl') for key in metrics(history[-1])):  # the y-axis of the chapter's figure
            ax.set_ylabel(label('perplexity', self.lang))
        if self.board is not None:
            apply_board(ax, self.board)
        buf = io.BytesIO()
        self.figure.savefig(buf, format='png')
        if self.notebook:
            self._publish(buf.getvalue())

    def _publish(self, png):
        from IPython.display import Image

        self.handle.update(Image(data=png))
