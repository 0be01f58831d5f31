"""The book's navigation, markup and search extensions (_ext/): the parts that run without a build.

tests/browser/test_navigation.py, test_accessibility.py and test_search.py check the same things on the built book.
"""

import inspect
from types import SimpleNamespace

import myst_nb.sphinx_

import edition_navigation
import theme_markup
import zh_search

SIDEBAR = """<p class="caption" role="heading"><span class="caption-text">English</span></p>
<ul class="nav bd-sidenav"><li class="toctree-l1 has-children"><a class="reference internal" href="../en/rnn-concise.html">Concise</a><details><summary><span class="toctree-toggle" role="presentation"><i class="fa-solid fa-chevron-down"></i></span></summary><ul>
<li class="toctree-l2"><a class="reference internal" href="../en/rnn-overfitting.html">Overfit</a></li></ul></details></li></ul>
<p class="caption" role="heading"><span class="caption-text">简体中文</span></p>
<ul class="current nav bd-sidenav"><li class="toctree-l1 current active has-children"><a class="current reference internal" href="#">简洁实现</a><details open="open"><summary><span class="toctree-toggle" role="presentation"><i class="fa-solid fa-chevron-down"></i></span></summary><ul>
<li class="toctree-l2"><a class="reference internal" href="rnn-overfitting.html">过拟合</a></li></ul></details></li></ul>"""


def test_bigrams_cover_every_pair_of_neighbouring_chinese_characters():
    assert zh_search.han_bigrams('首先在训练集上 fit 它，參數個數') == [
        '首先',
        '先在',
        '在训',
        '训练',
        '练集',
        '集上',
        '參數',
        '數個',
        '個數',
    ]
    assert zh_search.han_bigrams('a 字 b') == []


def test_the_sidebar_keeps_only_the_pages_edition():
    html = str(edition_navigation.sidebar_of_edition(SIDEBAR, 'chapters/zh/', 'chapters/zh/rnn-concise'))
    assert '简体中文' in html and '过拟合' in html and 'English' not in html and '../en/' not in html


def test_prev_and_next_never_leave_the_edition():
    titles = {'index': SimpleNamespace(astext=lambda: 'Concise RNNs')}
    app = SimpleNamespace(
        builder=SimpleNamespace(link_suffix='.html'),
        config=SimpleNamespace(root_doc='index'),
        env=SimpleNamespace(titles=titles),
    )
    context = {
        'prev': {'link': '../en/rnn-frameworks.html', 'title': 'en'},
        'next': {'link': 'rnn-overfitting.html', 'title': 'zh'},
        'pathto': lambda doc: '../../index.html',
        'rellinks': [
            ('genindex', 'Index', 'I', 'index'),
            ('chapters/en/rnn-frameworks', 'x', 'P', 'previous'),
            ('chapters/zh/rnn-overfitting', 'y', 'N', 'next'),
        ],
    }
    edition_navigation.keep_links_in_edition(app, 'chapters/zh/rnn-concise', context)
    assert context['prev'] == {'link': '../../index.html', 'title': 'Concise RNNs'}
    assert context['next']['link'] == 'rnn-overfitting.html'
    assert [rel[0] for rel in context['rellinks']] == ['genindex', 'chapters/zh/rnn-overfitting']
    context = {'prev': None, 'next': {'link': '../zh-hant/rnn-concise.html', 'title': 'x'}, 'rellinks': []}
    edition_navigation.keep_links_in_edition(app, 'chapters/zh/rnn-frameworks', context)
    assert context['next'] is None


def test_icon_only_summaries_are_named_in_the_pages_language():
    names = {tag: theme_markup.name_summaries(SIDEBAR, tag) for tag in ('en', 'zh-Hans', 'zh-Hant', None)}
    assert 'aria-label="Sections of Concise"' in names['en'] and 'aria-label="Sections of Concise"' in names[None]
    assert 'aria-label="简洁实现的小节"' in names['zh-Hans'] and 'aria-label="简洁实现的小節"' in names['zh-Hant']


def test_code_is_marked_english_unless_it_holds_chinese():
    body = (
        '<div class="highlight-ipython3 notranslate"><pre>x</pre></div>'
        '<div class="output stream highlight-myst-ansi notranslate"><pre>训练</pre></div>'
        '<code class="docutils literal notranslate"><span class="pre">nn.RNN</span></code>'
        '<code class="docutils literal notranslate"><span class="pre">训练</span></code>'
    )
    marked = theme_markup.english_code(body)
    assert marked.count('lang="en"') == 2
    assert '<div class="highlight-ipython3 notranslate" lang="en">' in marked and 'myst-ansi notranslate">' in marked
    assert '<code class="docutils literal notranslate" lang="en"><span class="pre">nn.RNN' in marked


def test_the_markup_patterns_are_what_the_pinned_myst_nb_writes():
    assert theme_markup.MYST_NB_SUMMARY in inspect.getsource(myst_nb.sphinx_)
