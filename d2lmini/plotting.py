"""D2L's ``plot`` helper (§2.4): lines on one axes, matplotlib imported on first use.

On Chinese pages it first calls ``fonts.use_page_fonts``, so Chinese labels get a font that has
their glyphs. The Trainer's live plot is ``display/live_plot.py``.
"""

from .display.fonts import use_page_fonts


def _has_one_axis(X):
    return (
        hasattr(X, 'ndim') and X.ndim == 1 or isinstance(X, list) and not hasattr(X[0], '__len__')
    )


def set_axes(axes, xlabel, ylabel, xlim, ylim, xscale, yscale, legend):
    """Label, scale and limit ``axes``; add a legend when one is given."""
    axes.set_xlabel(xlabel), axes.set_ylabel(ylabel)
    axes.set_xscale(xscale), axes.set_yscale(yscale)
    axes.set_xlim(xlim), axes.set_ylim(ylim)
    if legend:
        axes.legend(legend)
    axes.grid()


def plot(
    X,
    Y=None,
    xlabel=None,
    ylabel=None,
    legend=None,
    xlim=None,
    ylim=None,
    xscale='linear',
    yscale='linear',
    fmts=('-', 'm--', 'g-.', 'r:'),
    figsize=(3.5, 2.5),
    axes=None,
):
    """Plot one or several curves:
    ``plot(x, [y1, y2], legend=[...])`` or ``plot([y1, y2])`` against the index.

    Returns None, as D2L's does (no stray ``<Axes: ...>`` line under a cell). To draw more on the
    same axes, pass your own:
    ``fig, ax = plt.subplots(figsize=(6, 3)); d2l.plot(..., axes=ax); ax.axvline(...)``.
    """
    import matplotlib.pyplot as plt

    use_page_fonts()  # Chinese pages: labels in Chinese need a CJK font
    if _has_one_axis(X):
        X = [X]
    if Y is None:
        X, Y = [[]] * len(X), X
    elif _has_one_axis(Y):
        Y = [Y]
    if len(X) != len(Y):
        X = X * len(Y)
    if axes is None:
        axes = plt.figure(figsize=figsize).gca()
    axes.cla()
    for x, y, fmt in zip(X, Y, fmts):
        axes.plot(x, y, fmt) if len(x) else axes.plot(y, fmt)
    set_axes(axes, xlabel, ylabel, xlim, ylim, xscale, yscale, legend)
