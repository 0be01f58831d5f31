"""The book's language extensions (_ext/): per-page language and labels, and the Chinese-and-English search index."""

import sys
from types import SimpleNamespace

import pytest
from docutils import nodes
from docutils.frontend import get_default_settings
from docutils.utils import new_document

import page_language  # _ext/, on pytest's pythonpath
import zh_search


@pytest.mark.parametrize(
    'docname, tag',
    [
        ('chapters/en/rnn-concise', 'en'),
        ('chapters/zh/rnn-concise', 'zh-Hans'),
        ('chapters/zh-hant/rnn-overfitting', 'zh-Hant'),
        ('index', None),
        ('search', None),
        ('chapters/zhx/page', None),
    ],
)
def test_page_language_by_folder(docname, tag):
    assert page_language.page_language(docname) == tag


def test_labels_follow_the_page_script():
    hans, hant = page_language.labels('zh-Hans'), page_language.labels('zh-Hant')
    assert page_language.labels('en') is None
    assert (hans.gettext('Contents'), hant.gettext('Contents')) == ('目录', '目錄')
    assert (hans.gettext('Show code cell source'), hant.gettext('Show code cell source')) == ('显示代码', '顯示程式碼')
    assert hans.gettext('Version warning') == '版本警告'  # not in LABELS: from pydata-sphinx-theme's catalog
    assert hant.gettext('no such label') == 'no such label'
    assert (hans.ngettext('next', 'next pages', 1), hans.ngettext('previous', 'Search', 2)) == ('下一页', '搜索')


def page_context(pagename):
    buttons = [
        {
            'type': 'group',
            'tooltip': 'Download this page',
            'label': 'download-buttons',
            'buttons': [{'tooltip': 'Print to PDF', 'text': '.pdf', 'label': 'download-pdf-button'}],
        }
    ]
    context = {
        'language': 'en',
        'header_buttons': buttons,
        'theme_search_bar_text': 'Search...',
        'docstitle': 'Concise RNNs · 循环神经网络的简洁实现',
        'root_title': 'Concise RNNs · 循环神经网络的简洁实现',
    }
    page_language.set_page_language(None, pagename, 'page.html', context, None)
    return context


def test_a_traditional_page_gets_its_language_and_labels():
    context = page_context('chapters/zh-hant/rnn-concise')
    assert context['language'] == 'zh-Hant' and context['theme_search_bar_text'] == '搜尋本書…'
    assert context['_']('previous') == context['gettext']('previous') == context['translate']('previous') == '上一頁'
    group = context['header_buttons'][0]
    assert (group['tooltip'], group['buttons'][0]['tooltip']) == ('下載本頁', '列印為 PDF')
    assert (group['label'], group['buttons'][0]['text']) == ('download-buttons', '.pdf')  # ids and file types stay
    assert (
        context['docstitle'] == context['root_title'] == 'Concise RNNs · 循環神經網路的簡潔實作'
    )  # the book's title too


@pytest.mark.parametrize('pagename, language', [('chapters/en/rnn-concise', 'en'), ('index', 'en'), ('search', 'en')])
def test_english_and_book_wide_pages_keep_the_theme_labels(pagename, language):
    context = page_context(pagename)
    assert context['language'] == language and 'gettext' not in context
    assert context['header_buttons'][0]['tooltip'] == 'Download this page'


def test_code_cell_toggles_are_translated_on_chinese_pages_only():
    def toggles(docname):
        doc = new_document('test', get_default_settings())
        doc += nodes.container(prompt_show='Show code cell source', prompt_hide='Hide code cell outputs')
        doc += nodes.container(prompt_show='My own prompt', prompt_hide='Hide code cell source')
        transform = page_language.TranslateCodePrompts(doc)
        transform.document.settings.env = SimpleNamespace(docname=docname)
        transform.run()
        return [(n['prompt_show'], n['prompt_hide']) for n in doc.children]

    assert toggles('chapters/zh/rnn-concise') == [('显示代码', '隐藏输出'), ('My own prompt', '隐藏代码')]
    assert toggles('chapters/en/rnn-concise') == [
        ('Show code cell source', 'Hide code cell outputs'),
        ('My own prompt', 'Hide code cell source'),
    ]


def test_dictionary_words_get_their_traditional_spellings():
    lines = ['训练 2000 vn', '循环 500 vn', '梯度 100 n', 'AT&T 3 nz', '', '模型']
    entries = zh_search.traditional_entries(lines, zh_search.traditional_converters())
    # s2twp gives the pages' spelling (循环 -> 迴圈), plain s2t the one inside 循環神經網路;
    # unchanged words are left out
    assert entries == [('訓練', '2000', 'vn'), ('迴圈', '500', 'vn'), ('循環', '500', 'vn')]


@pytest.fixture(scope='module')
def language():
    return zh_search.SearchChineseAndEnglish({})  # builds the tokenizer (a few seconds)


def book_words():
    return zh_search.book_words(zh_search.traditional_converters())


def test_book_words_are_listed_in_both_scripts():
    words = book_words()
    assert {'困惑度', '循环神经网络', '循環神經網路', '梯度裁剪'} <= set(words) and len(words) == len(set(words))


@pytest.mark.parametrize(
    'sentence, words',
    [
        ('我们用梯度裁剪训练模型，两个困惑度都在下降。', ['梯度', '梯度裁剪', '训练', '困惑度', '困惑']),
        ('我們用梯度裁剪訓練模型，兩個困惑度都在下降。', ['梯度', '梯度裁剪', '訓練', '困惑度', '困惑']),
        ('上一節我們從零開始手工搭建了一個循環神經網路', ['循環', '神經', '網路', '循環神經網路', '手工']),
        ('用 PyTorch 训练 perplexity', ['PyTorch', '训练', 'perplexity']),
    ],
)
def test_chinese_words_are_found_in_both_scripts(language, sentence, words):
    split = language.split(sentence)
    assert set(words) <= set(split), split


def test_every_book_word_is_kept_whole(language):
    missing = [word for word in book_words() if word not in language.split(f'我们说{word}的时候')]
    assert missing == []


def test_latin_words_are_stemmed_like_the_browser_does(language):
    language.split('quickly generalization perplexity RNN')
    # Porter, as the JavaScript stemmer (Sphinx's own zh uses Porter2 in Python: quickly -> quick)
    assert [language.stem(w) for w in ('quickly', 'generalization', 'perplexity', 'RNN')] == [
        'quickli',
        'gener',
        'perplex',
        'rnn',
    ]


def test_a_missing_jieba_stops_the_build_with_the_fix(monkeypatch):
    monkeypatch.setitem(sys.modules, 'jieba', None)
    with pytest.raises(zh_search.ExtensionError, match='pip install jieba'):
        zh_search.make_tokenizer([str])
