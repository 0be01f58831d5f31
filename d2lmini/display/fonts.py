"""Chinese labels in matplotlib figures: an installed CJK font as a fallback behind the default font.

matplotlib's default font (DejaVu Sans) has no Chinese glyphs: a label such as 训练困惑度 draws as empty boxes.
On a Chinese page (``labels.page_language``) ``use_page_fonts`` appends the first installed CJK font of the page's
script (Simplified or Traditional forms) to ``rcParams['font.family']``; matplotlib (3.6 and later) falls back glyph
by glyph, so Latin letters and digits keep the default font. This changes matplotlib's global ``rcParams`` on purpose:
the page's own plotting code (``plt.subplots``, ``ax.set_title``) then draws Chinese too. English pages are left
untouched. When no CJK font is installed (a fresh Colab runtime, for one) it warns with the command that installs
one; fonts installed after matplotlib started are found on the next call, without a restart.
"""

import warnings

CANDIDATES = {  # by page language: the fonts that draw its script, most common first
    'zh': [
        'Noto Sans CJK SC',
        'Source Han Sans SC',
        'Noto Sans SC',
        'WenQuanYi Zen Hei',
        'WenQuanYi Micro Hei',
        'Microsoft YaHei',
        'PingFang SC',
        'Hiragino Sans GB',
        'Heiti SC',
        'SimHei',
        'Arial Unicode MS',
    ],
    'zh-hant': [
        'Noto Sans CJK TC',
        'Source Han Sans TC',
        'Noto Sans TC',
        'Microsoft JhengHei',
        'PingFang TC',
        'Heiti TC',
        'Noto Sans CJK SC',
        'WenQuanYi Zen Hei',
        'Arial Unicode MS',
    ],
}
INSTALL_HINT = (
    'install one, e.g. `!apt-get -qq install fonts-noto-cjk` on Colab or Debian/Ubuntu, and run the cell again'
)


def installed_font(lang):
    """The first font of ``CANDIDATES[lang]`` that matplotlib knows, looking for newly installed fonts once."""
    from matplotlib import font_manager

    for attempt in range(2):
        known = {f.name for f in font_manager.fontManager.ttflist}
        found = next((name for name in CANDIDATES[lang] if name in known), None)
        if found or attempt:
            return found
        for path in font_manager.findSystemFonts():  # fonts installed after matplotlib built its cache
            if 'cjk' in path.lower() or 'wqy' in path.lower() or 'sourcehan' in path.lower():
                font_manager.fontManager.addfont(path)
    return None


def use_page_fonts(lang=None):
    """On a Chinese page, make matplotlib draw its script; returns the font used (None on English pages)."""
    from matplotlib import rcParams

    from .labels import page_language

    lang = page_language(lang)
    if lang not in CANDIDATES:
        return None
    font = installed_font(lang)
    if font is None:
        warnings.warn(
            f'no Chinese font is installed, so Chinese labels in figures show as boxes: {INSTALL_HINT}.', stacklevel=2
        )
        return None
    families = [f for f in rcParams['font.family'] if f not in sum(CANDIDATES.values(), [])]
    rcParams['font.family'] = families + [font]
    return font
