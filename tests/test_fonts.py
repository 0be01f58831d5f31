"""Chinese labels in figures: a CJK font behind the default one on Chinese pages, a clear warning when none exists."""

import warnings

import matplotlib
import pytest

matplotlib.use('Agg')
from matplotlib import font_manager, rcParams  # noqa: E402

from d2lmini.display import fonts  # noqa: E402
from d2lmini.display.live_plot import LivePlot  # noqa: E402
from d2lmini.plotting import plot  # noqa: E402


@pytest.fixture(autouse=True)
def restore_rc():
    with matplotlib.rc_context():
        yield


def draw_warnings(figure):
    """The warnings matplotlib gives while rendering ``figure`` (a missing glyph is one)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter('always')
        figure.canvas.draw()
    return [str(w.message) for w in caught]


def test_english_pages_keep_the_default_fonts():
    before = list(rcParams['font.family'])
    assert fonts.use_page_fonts('en') is None
    assert rcParams['font.family'] == before


@pytest.mark.cjk_font
@pytest.mark.parametrize('lang, script', [('zh', 'SC'), ('zh-hant', 'TC')])
def test_chinese_labels_draw_without_missing_glyphs(lang, script):
    import matplotlib.pyplot as plt

    font = fonts.use_page_fonts(lang)
    assert font.endswith(script) or 'CJK' not in font
    assert rcParams['font.family'][-1] == font and rcParams['font.family'][0] != font  # a fallback, not the default
    fonts.use_page_fonts(lang)
    assert rcParams['font.family'].count(font) == 1  # calling again adds nothing
    fig, ax = plt.subplots()
    ax.plot([1, 2], label='训练困惑度 train ppl')
    ax.set_xlabel('迭代周期 epoch'), ax.legend()
    assert not [w for w in draw_warnings(fig) if 'missing from font' in w]
    plt.close(fig)


@pytest.mark.cjk_font
def test_live_plot_and_plot_use_the_page_font(monkeypatch):
    live = LivePlot(3, lang='zh-hant')
    live.draw([{'epoch': 1, 'time': 1.0, 'train_ppl': 9.0, 'val_ppl': 9.5}])
    assert rcParams['font.family'][-1] == fonts.installed_font('zh-hant')
    assert live.axes.get_xlabel() == '迭代週期'
    assert not [w for w in draw_warnings(live.figure) if 'missing from font' in w]
    monkeypatch.setenv('D2LMINI_LANG', 'zh')
    rcParams['font.family'] = ['sans-serif']
    plot([1, 2, 3], xlabel='时间')
    assert rcParams['font.family'] == ['sans-serif', fonts.installed_font('zh')]


def test_without_a_chinese_font_the_warning_says_how_to_install_one(monkeypatch):
    monkeypatch.setitem(fonts.CANDIDATES, 'zh', ['No Such Font CJK'])
    monkeypatch.setattr(font_manager, 'findSystemFonts', lambda *a, **k: [])
    before = list(rcParams['font.family'])
    with pytest.warns(UserWarning, match='fonts-noto-cjk'):
        assert fonts.use_page_fonts('zh') is None
    assert rcParams['font.family'] == before
