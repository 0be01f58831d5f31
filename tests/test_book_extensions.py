"""The book's local Sphinx extensions (_ext/): CJK soft-break joining and head-script de-duplication."""

from types import SimpleNamespace

from docutils import nodes
from docutils.frontend import get_default_settings
from docutils.utils import new_document

import cjk_linebreaks  # _ext/, on pytest's pythonpath
import dedupe_scripts


def join(*children):
    doc = new_document('test', get_default_settings())
    para = nodes.paragraph('', '', *children)
    doc += para
    transform = cjk_linebreaks.JoinCJKLineBreaks(doc)
    transform.apply()
    return para.astext()


def test_break_between_chinese_sentences_is_dropped():
    assert join(nodes.Text('都亲手写出。\n这样做是为了理解它。')) == '都亲手写出。这样做是为了理解它。'


def test_break_next_to_latin_text_stays_a_space():
    assert join(nodes.Text('本节用\nPyTorch 实现。\nIt works.\nYes.')) == '本节用\nPyTorch 实现。\nIt works.\nYes.'


def test_standalone_soft_break_between_chinese_nodes_is_dropped():
    text = join(nodes.Text('第一句。'), nodes.Text('\n'), nodes.emphasis('', '第二句'))
    assert text == '第一句。第二句'


def test_code_is_left_alone():
    doc = new_document('test', get_default_settings())
    block = nodes.literal_block('', '# 注释。\n# 下一行')
    doc += block
    cjk_linebreaks.JoinCJKLineBreaks(doc).apply()
    assert block.astext() == '# 注释。\n# 下一行'


def test_identical_head_scripts_are_dropped_keeping_order():
    js = lambda f, **a: SimpleNamespace(filename=f, attributes=a)  # noqa: E731
    scripts = [js('a.js'), js(None, body='const X = 1'), js('b.js'), js('', body='const X = 1'), js('a.js', defer='1')]
    context = {'script_files': scripts}
    dedupe_scripts.dedupe(None, 'page', 'page.html', context, None)
    assert [(s.filename, s.attributes) for s in context['script_files']] == [
        ('a.js', {}),
        (None, {'body': 'const X = 1'}),
        ('b.js', {}),
        ('a.js', {'defer': '1'}),
    ]
