"""Every page declares its own language, and the theme's labels follow it where one book allows.

A page's language comes from its folder: chapters/en -> ``en``, chapters/zh -> ``zh-Hans``, chapters/zh-hant ->
``zh-Hant``. Other pages (the trilingual landing page, search, index) keep the book's ``language`` (en). The tag
goes into ``<html lang>``, which browsers use to pick CJK glyphs and fonts and screen readers to pick a voice.

Sphinx translates a whole book into one language, but its templates look the translation function up in each
page's context (jinja2's ``_`` calls ``gettext`` from the context), so a handler of ``html-page-context`` can give
a Chinese page Chinese labels: "Contents", previous/next, the search box, the header buttons' tooltips. The
code-cell toggles ("Show code cell source") are doctree attributes that myst-nb sets from one config value; a
post-transform translates them per document. The words come from ``LABELS`` below (Simplified); the Traditional
ones are made from them by the conversion that makes chapters/zh-hant, so the three editions never drift apart.
Labels missing from ``LABELS`` fall back to the catalogs that Sphinx and the two themes ship (zh_CN).

What cannot follow (see README, "Languages"): the search page and the general index are single pages for the
whole book, so they stay English; labels written by JavaScript from one global catalog or table (the search
results' summary, sphinx-copybutton's "Copy"/"Copied!", which knows zh-CN but not zh-Hans) and myst-nb's
hard-coded ``aria-label="Toggle hidden content"`` stay English on every page.
"""

import gettext
from functools import cache
from pathlib import Path

from sphinx.transforms.post_transforms import SphinxPostTransform

from d2lmini.display.editions import EDITIONS  # noqa: E402  (the one table of editions: d2lmini, _ext, tools)
from zh_hant_pages import page_converter

FOLDERS = {e.folder: e.html_lang for e in EDITIONS}

LABELS = {  # English msgid (as the themes and myst-nb write it): 简体中文
    'Contents': '目录',
    'previous': '上一页',
    'next': '下一页',
    'previous page': '上一页',
    'next page': '下一页',
    'Search': '搜索',
    'Search this book...': '搜索本书…',
    'Back to top': '回到顶部',
    'Skip to main content': '跳到正文',
    'By': '作者：',
    'Download this page': '下载本页',
    'Download notebook file': '下载笔记本文件',
    'Download source file': '下载源文件',
    'Print to PDF': '打印为 PDF',
    'PDF of the book': '全书 PDF',
    'This edition of the book as one PDF': '本书这一版本的完整 PDF',
    'Fullscreen mode': '全屏模式',
    'Launch interactive content': '在线运行本页',
    'Launch on Binder': '在 Binder 中打开',
    'Launch on Colab': '在 Colab 中打开',
    'Launch Thebe': '在页面中运行代码',
    'Live Code': '在页面中运行',
    'Source repositories': '源代码仓库',
    'Source repository': '源代码仓库',
    'Repository': '代码仓库',
    'Open an issue': '提交问题',
    'Open issue': '提交问题',
    'Color mode': '配色',
    'Light': '浅色',
    'Dark': '深色',
    'System Settings': '跟随系统',
    'Site navigation': '网站导航',
    'Section Navigation': '章节导航',
    'Show code cell source': '显示代码',
    'Hide code cell source': '隐藏代码',
    'Show code cell output': '显示输出',
    'Hide code cell output': '隐藏输出',
    'Show code cell outputs': '显示输出',
    'Hide code cell outputs': '隐藏输出',
    'Show code cell content': '显示单元格',
    'Hide code cell content': '隐藏单元格',
}


def page_language(docname):
    """``'en'``, ``'zh-Hans'`` or ``'zh-Hant'`` by the page's folder; ``None`` for pages outside chapters/<lang>/."""
    return next((tag for folder, tag in FOLDERS.items() if docname.startswith(folder)), None)


def _theme_catalogs():
    import pydata_sphinx_theme
    import sphinx
    import sphinx_book_theme

    book = Path(sphinx_book_theme.__file__).parent / 'theme' / 'sphinx_book_theme' / 'static' / 'locales'
    return [
        ('booktheme', book, 'zh_CN'),
        ('sphinx', Path(pydata_sphinx_theme.__file__).parent / 'locale', 'zh'),
        ('sphinx', Path(sphinx.__file__).parent / 'locale', 'zh_CN'),
    ]


class Labels(gettext.NullTranslations):
    """``LABELS``, then the themes' and Sphinx's zh_CN catalogs; ``convert`` turns the result into zh-Hant."""

    def __init__(self, convert=None):
        super().__init__()
        self.convert = convert or (lambda text: text)
        self.catalogs = [
            gettext.translation(domain, str(path), [lang], fallback=True) for domain, path, lang in _theme_catalogs()
        ]

    def gettext(self, message):
        text = LABELS.get(message)
        for catalog in self.catalogs:
            if text is None and catalog.gettext(message) != message:
                text = catalog.gettext(message)
        return message if text is None else self.convert(text)

    def ngettext(self, singular, plural, n):
        return self.gettext(singular if n == 1 else plural)


@cache
def labels(tag):
    """The translator of a Chinese page's labels (``None`` for English: the book's own language)."""
    return {'zh-Hans': Labels(), 'zh-Hant': Labels(page_converter())}.get(tag)


def _translate_buttons(buttons, translate):
    for button in buttons:
        for key in ('tooltip', 'text'):
            if isinstance(button.get(key), str):
                button[key] = translate(button[key])
        _translate_buttons(button.get('buttons', []), translate)


def set_page_language(app, pagename, templatename, context, doctree):
    tag = page_language(pagename)
    if tag is None:
        return
    context['language'] = tag
    translator = labels(tag)
    if translator is None:
        return
    context['gettext'] = context['_'] = context['translate'] = translator.gettext
    context['ngettext'] = translator.ngettext
    context['theme_search_bar_text'] = translator.gettext('Search this book...')
    for key in ('docstitle', 'root_title'):  # the book's title (English and Simplified) in the page's script
        if isinstance(context.get(key), str):
            context[key] = translator.convert(context[key])
    _translate_buttons(context.get('header_buttons', []), translator.gettext)


class TranslateCodePrompts(SphinxPostTransform):
    """On Chinese pages, the "Show/Hide code cell ..." toggles myst-nb made (after its HideInputCells, 199)."""

    default_priority = 200
    formats = ('html',)

    def run(self, **kwargs):
        translator = labels(page_language(self.env.docname))
        if translator is None:
            return
        for node in self.document.findall(lambda n: 'prompt_show' in getattr(n, 'attributes', {})):
            for key in ('prompt_show', 'prompt_hide'):
                node[key] = translator.gettext(node[key])


def setup(app):
    app.connect('html-page-context', set_page_language, priority=950)  # after the themes' handlers (500, 501)
    app.add_post_transform(TranslateCodePrompts)
    return {'parallel_read_safe': True, 'parallel_write_safe': True}
