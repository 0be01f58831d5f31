"""How a character's probability is drawn: one rule for the page (``generator-page.js``) and the notebook.

A character falls into one of five levels by the probability the model gave it (``BOUNDS``: level 0 from 0.5 up,
level 4 below 0.01, i.e. more than 6.6 bits of surprisal). Each level has a background from ColorBrewer's
single-hue *Oranges* scale, which varies in lightness only and so reads for colour-blind readers and in
greyscale, and, so that nothing relies on colour, an underline whose style and thickness grow with the level
(none, dotted, dashed, solid, thick solid). Confident characters (level 0) are left plain: the eye goes to where
the model was surprised. The first character of a text has no prediction (``scoring.py``): it is drawn with a
dashed outline and no shade. ``css()`` writes these rules for the page; ``style(level)`` inlines them for the
notebook, whose output cannot rely on a stylesheet.
"""

import html
import math

from .labels import label

BOUNDS = (0.5, 0.2, 0.05, 0.01)  # lower probability bound of levels 0-3; level 4 is below the last
BACKGROUNDS = ('transparent', '#fdd0a2', '#fdae6b', '#f16913', '#a63603')  # ColorBrewer Oranges 9: 3, 4, 6, 8
COLOURS = ('inherit', '#111', '#111', '#111', '#fff')  # text colour on each background (contrast >= 4.5:1)
UNDERLINES = ('none', 'underline dotted 1px', 'underline dashed 2px', 'underline solid 2px', 'underline solid 4px')
FIRST_STYLE = 'outline: 1px dashed #777; outline-offset: -1px'

TEXT_STYLE = 'white-space: pre-wrap; overflow-wrap: anywhere; font-family: monospace; line-height: 1.7'  # text boxes


def level(p):
    """0 (likely) to 4 (very unlikely) for a probability ``p``."""
    return next((k for k, bound in enumerate(BOUNDS) if p >= bound), len(BOUNDS))


def style(k):
    """Inline CSS of level ``k``."""
    return (
        f'background: {BACKGROUNDS[k]}; color: {COLOURS[k]}; text-decoration: {UNDERLINES[k]}; '
        'text-underline-offset: 3px'
    )


def css(scope='.d2lmini-gen'):
    """The levels as CSS classes ``d2lmini-p0`` ... ``d2lmini-p4`` and ``d2lmini-p-first`` under ``scope``."""
    rules = [f'{scope} .d2lmini-p{k} {{ {style(k)}; }}' for k in range(len(BACKGROUNDS))]
    return '\n'.join(rules + [f'{scope} .d2lmini-p-first {{ {FIRST_STYLE}; }}'])


def legend_items():
    """``(level, text)`` for the legend: ``p ≥ 0.5``, ``0.2–0.5``, ..., ``p < 0.01``."""
    items = [(0, f'p ≥ {BOUNDS[0]:g}')]
    items += [(k, f'{BOUNDS[k]:g}–{BOUNDS[k - 1]:g}') for k in range(1, len(BOUNDS))]
    return items + [(len(BOUNDS), f'p < {BOUNDS[-1]:g}')]


def shown(token):
    """A token as a reader should see it in a list: the space as '␣'."""
    return '␣' if token == ' ' else token


def _title(char, p, top, lang):
    bits = -math.log2(p) if p > 0 else math.inf
    expected = ', '.join(f'{shown(t)} {q:.3f}' for t, q in top)
    return f'{label("char_prob", lang).format(char=shown(char), p=f"{p:.4f}", bits=f"{bits:.2f}")} · {expected}'


def html_chars(text, probs, top, lang):
    """``text`` as spans shaded by ``probs`` (one per character after the first); each span's ``title`` gives
    its probability, its surprisal and the model's most likely characters there. All text is escaped."""
    first = (
        f'<span style="{FIRST_STYLE}" title="{html.escape(label("no_prediction_short", lang))}">'
        f'{html.escape(text[0])}</span>'
    )
    spans = [
        f'<span style="{style(level(p))}" data-p="{p:.10f}" title="{html.escape(_title(c, p, t, lang))}">'
        f'{html.escape(c)}</span>'
        for c, p, t in zip(text[1:], probs, top)
    ]
    return f'<div style="{TEXT_STYLE}">{first}{"".join(spans)}</div>'


def html_legend(lang):
    """The legend as HTML with inline styles: what the shades and underlines mean."""
    swatches = ' '.join(
        f'<span style="{style(k)}; padding: 0 4px; white-space: nowrap">{html.escape(text)}</span>'
        for k, text in legend_items()
    )
    first = f'<span style="{FIRST_STYLE}; padding: 0 4px">{html.escape(label("no_prediction_short", lang))}</span>'
    return f'<p style="font-size: 90%; line-height: 1.9">{html.escape(label("legend", lang))} {swatches} {first}</p>'
