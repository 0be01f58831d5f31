"""The Traditional Chinese edition: generated from chapters/zh by tools/make_zh_hant.py (OpenCC s2twp + glossary)."""

import copy
import io
import re
import tokenize
from pathlib import Path

import jupytext
import pytest

from tools import make_zh_hant as mzh
from tools import zh_hant_convert as zconv
from tools import zh_hant_inline as zinline

ROOT = Path(__file__).resolve().parents[1]

ZH = ROOT / 'chapters' / 'zh'
HANT = ROOT / 'chapters' / 'zh-hant'
PAGES = sorted(p.name for p in ZH.glob('*.md'))
HEADER = '---\njupytext:\n  formats: ipynb,md:myst\n# 注释：循环\nkernelspec:\n  name: python3\n---\n'
SETUP = '```{code-cell} ipython3\n:tags: [remove-output, hide-input]\n\n# 设置：循环神经网络\nimport sys\n```\n'


def page(body, name='demo.md'):
    """A small zh page (front matter, label, language bar, setup cell) followed by ``body``; returns its zh-hant."""
    bar = f'[English](../en/{name}) · 简体中文 · [繁體中文](../zh-hant/{name})\n'
    source = HEADER + f'\n(sec-demo-zh)=\n# 循环神经网络\n\n{bar}\n' + SETUP + '\n' + body
    return mzh.convert_page(source, name)


def without_comments(source):
    """The code with the text of every comment removed (the ``#`` kept), tokenized like the generator does."""
    lines = source.splitlines(keepends=True)
    for tok in tokenize.generate_tokens(io.StringIO(source).readline):
        if tok.type == tokenize.COMMENT:
            row, col = tok.start
            lines[row - 1] = lines[row - 1][: col + 1] + lines[row - 1][col + len(tok.string) :]
    return ''.join(lines)


def comments(source):
    return [
        tok.string for tok in tokenize.generate_tokens(io.StringIO(source).readline) if tok.type == tokenize.COMMENT
    ]


# --- the committed pages ----------------------------------------------------------------------------------------


def test_every_zh_page_has_a_generated_zh_hant_page():
    assert PAGES, 'no chapters/zh/*.md'
    assert sorted(p.name for p in HANT.glob('*.md')) == PAGES


def test_generated_pages_are_up_to_date():
    """Regenerate in memory and compare with the committed pages."""
    stale = mzh.stale_pages()
    assert not stale, f'stale zh-hant pages {stale}: run make notebooks'


def hant_metadata(metadata):
    """A zh cell's metadata as its zh-hant copy holds it: the figure description (prose) converted, the rest as is."""
    alt = metadata.get('mystnb', {}).get('image', {}).get('alt')
    if alt is None:
        return metadata
    converted = copy.deepcopy(metadata)
    converted['mystnb']['image']['alt'] = zconv.convert_text(alt)
    return converted


@pytest.mark.parametrize('name', PAGES)
def test_code_cells_are_byte_identical_except_comment_text(name):
    zh, hant = jupytext.read(ZH / name), jupytext.read(HANT / name)
    assert [c.cell_type for c in zh.cells] == [c.cell_type for c in hant.cells]
    assert [hant_metadata(c.metadata) for c in zh.cells] == [c.metadata for c in hant.cells]
    assert zh.metadata == hant.metadata
    code = [(a.source, b.source) for a, b in zip(zh.cells, hant.cells) if a.cell_type == 'code']
    assert code[0][0] == code[0][1], 'the setup cell must be copied unchanged'
    changed = 0
    for i, (a, b) in enumerate(code):
        assert without_comments(a) == without_comments(b), f'code cell {i} of zh-hant/{name} differs beyond comments'
        changed += comments(a) != comments(b)
        assert not any(zconv.convert_text(c) != c for c in comments(b)), f'cell {i}: a comment is still simplified'
    if any(re.search(r'[\u4e00-\u9fff]', c) for a, _ in code[1:] for c in comments(a)):
        assert changed, 'no Chinese comment was converted'


@pytest.mark.parametrize('name', PAGES)
def test_labels_and_references_are_rewritten(name):
    zh, hant = (ZH / name).read_text(encoding='utf-8'), (HANT / name).read_text(encoding='utf-8')
    labels = re.findall(r'^\((\S+-zh)\)=$', zh, re.M)
    assert labels, f'zh/{name} defines no -zh label'
    assert re.findall(r'^\((\S+)\)=$', hant, re.M) == [label + '-hant' for label in labels]
    refs = re.findall(r'\{(?:ref|numref)\}`([^`<]*<)?([^`>]+)>?`', zh)
    assert re.findall(r'\{(?:ref|numref)\}`(?:[^`<]*<)?([^`>]+)>?`', hant) == [
        target + '-hant' if target.endswith('-zh') else target for _, target in refs
    ]
    assert not re.search(r'-zh[`)>]', hant)


@pytest.mark.parametrize('name', PAGES)
def test_language_bar_links_the_other_editions(name):
    lines = (HANT / name).read_text(encoding='utf-8').splitlines()
    assert f'[English](../en/{name}) · [简体中文](../zh/{name}) · 繁體中文' in lines
    assert f'(../zh-hant/{name})' not in '\n'.join(lines)


@pytest.mark.parametrize('name', PAGES)
def test_front_matter_is_copied_and_followed_by_the_notice(name):
    zh, hant = (ZH / name).read_text(encoding='utf-8'), (HANT / name).read_text(encoding='utf-8')
    k = zh.index('\n---\n', 4) + 5
    assert hant[:k] == zh[:k]
    assert hant[k:].startswith(
        f'% Generated from chapters/zh/{name} by tools/make_zh_hant.py; edit the source, not this file.\n'
    )


@pytest.mark.parametrize('name', PAGES)
def test_inline_code_roles_math_and_link_targets_are_untouched(name):
    zh, hant = (ZH / name).read_text(encoding='utf-8'), (HANT / name).read_text(encoding='utf-8')
    bar = re.compile(r'^\[English\].*$', re.M)
    zh, hant = bar.sub('', zh), bar.sub('', hant).replace('-zh-hant`', '-zh`')
    spans = re.compile(r'\{[\w:]+\}`[^`\n]+`|`[^`\n]+`|\$[^$\n]+\$|\]\([^)\n]+\)')
    found = [m.group(0) for m in spans.finditer(zh)]
    assert any(s.startswith('`') for s in found)
    # the exceptions: Han text in a code span is example text and is converted (`时` -> `時`), and the sentence
    # naming the edition to ask d2lmini for names zh-hant first
    expected = [
        f'`{zconv.convert_text(s[1:-1])}`' if s.startswith('`') and zinline.HAN_TEXT.fullmatch(s[1:-1]) else s
        for s in found
    ]
    for before, after in zinline.EDITION_SWAPS:
        hant = hant.replace(after, before)
    assert [m.group(0) for m in spans.finditer(hant)] == expected


def prose_lines(text):
    """``{index: line}`` of the lines outside the front matter and code cells, inline code and link targets removed."""
    lines, out, in_code = text.splitlines(), {}, False
    start = lines.index('---', 1) + 1
    for i, line in enumerate(lines[start:], start):
        if line.startswith('```{code-cell}'):
            in_code = True
        elif in_code and line == '```':
            in_code = False
        elif not in_code and not line.startswith('[English]'):
            out[i] = re.sub(r'`[^`]*`|\]\([^)]*\)', '', line)
    return out


@pytest.mark.parametrize('name', PAGES)
def test_prose_is_converted_and_glossary_applied(name):
    zh, hant = (ZH / name).read_text(encoding='utf-8'), (HANT / name).read_text(encoding='utf-8')
    zh_prose, hant_lines = prose_lines(zh), hant.splitlines()
    assert len(hant_lines) == len(zh.splitlines()) + 1  # the notice is the only added line
    unconverted = [
        line
        for i, line in zh_prose.items()
        if zconv._opencc().convert(line) != line and hant_lines[i + 1] == zh.splitlines()[i]
    ]
    assert not unconverted, f'prose lines left in simplified characters: {unconverted}'
    hant_prose = '\n'.join(prose_lines(hant).values())
    for source, target, _ in zconv.read_glossary():
        assert source not in hant_prose or source in target, f'{source} left in zh-hant/{name}; expected {target}'


def test_recurrent_and_loop_senses_of_xunhuan():
    hant = (HANT / 'rnn-concise.md').read_text(encoding='utf-8')
    assert '# 循環神經網路的簡潔實作' in hant
    assert '迴圈神經網路' not in hant and '循環層' in hant
    assert '時間步迴圈' in hant and 'Python 迴圈' in hant  # a loop stays 迴圈


# --- the converter on small pages --------------------------------------------------------------------------------


def test_converter_keeps_protected_spans_and_converts_prose():
    body = (
        '循环神经网络的超参数：`循环 = 1`、$循环_t$、{math}`循环`、{glue:text}`速度:.2f`。\n'
        '见[循环神经网络](https://zh.wikipedia.org/wiki/循环神经网络 "循环")和 <span title="循环">循环层</span>。\n'
        '参见 {ref}`sec-other-zh`、{ref}`这一节 <sec-third-zh>` 与 {ref}`sec-en-only`。\n\n'
        '$$\n\\text{循环} = 1\n$$\n\n'
        '```{note}\n:class: 循环\n\n循环神经网络\n```\n\n'
        '```{code-cell} ipython3\n:tags: [remove-cell]\n\n'
        "x = '循环神经网络'  # 循环神经网络的参数\nprint(x)  # 打印\n```\n"
    )
    out = page(body)
    assert '循環神經網路的超參數：`循环 = 1`、$循环_t$、{math}`循环`、{glue:text}`速度:.2f`。\n' in out
    assert (
        '見[循環神經網路](https://zh.wikipedia.org/wiki/循环神经网络 "循环")和 <span title="循环">循環層</span>。'
        in out
    )
    assert '參見 {ref}`sec-other-zh-hant`、{ref}`這一節 <sec-third-zh-hant>` 與 {ref}`sec-en-only`。' in out
    assert '$$\n\\text{循环} = 1\n$$\n' in out
    assert '```{note}\n:class: 循环\n\n循環神經網路\n```\n' in out
    assert "x = '循环神经网络'  # 循環神經網路的參數\nprint(x)  # 列印\n" in out
    assert out.startswith(HEADER + '% Generated from chapters/zh/demo.md by tools/make_zh_hant.py')
    assert SETUP in out  # the setup cell, comment included, is copied
    assert '\n(sec-demo-zh-hant)=\n# 循環神經網路\n' in out
    assert '[English](../en/demo.md) · [简体中文](../zh/demo.md) · 繁體中文\n' in out


def test_inline_code_of_han_characters_only_is_example_text():
    out = page("例如 `é` 或 `时`，而 `x = 1  # 时`、`'时间'` 和 ``时`间`` 是代码。\n")
    assert "例如 `é` 或 `時`，而 `x = 1  # 时`、`'时间'` 和 ``时`间`` 是程式碼。" in out


def test_han_text_with_brackets_in_code_is_converted_and_the_edition_named_first():
    out = page('形状为 `(输出, 输入)`，而 `x = (输出, 1)` 是代码。\n')
    assert '形狀為 `(輸出, 輸入)`，而 `x = (输出, 1)` 是程式碼。' in out
    out = page('请先执行 `%env D2LMINI_LANG=zh`（繁体中文版用 `zh-hant`）。\n')
    assert '請先執行 `%env D2LMINI_LANG=zh-hant`（簡體中文版用 `zh`）。' in out


# Mainland terms a reader in Taiwan would not write (Traditional script): the generated pages and labels must
# not contain them. Each came from OpenCC s2twp passing a Mainland word through (fixed in the glossary).
MAINLAND_TERMS = {
    '單元格': '儲存格 (a notebook cell; Colab zh-TW)',
    '單詞': '單字',
    '條形圖': '長條圖',
    '標籤頁': '分頁',
    '文字框': '文字方塊',
    '卡頓': '停頓',
    '複用': '重複使用',
    '隻有': '只有 (OpenCC read 只 as a measure word)',
    '數據': '資料',
    '默認': '預設',
    '信息': '訊息',
    '內存': '記憶體',
    '代碼': '程式碼',
    '網絡': '網路',
    '鼠標': '滑鼠',
    '屏幕': '螢幕',
    '字符': '字元',
    '模塊': '模組',
    '對象': '物件',
    '調用': '呼叫',
    '視頻': '影片',
    '軟件': '軟體',
    '硬件': '硬體',
    '批量': '批次',
    '隱狀態': '隱藏狀態',
    '詞表': '詞彙表',
    '正態分佈': '常態分佈',
    '下劃線': '底線',
    '噪聲': '雜訊',
    '運行': '執行',
    '菜單': '選單',
    '鏈接': '連結',
}


def test_zh_hant_output_has_no_mainland_terms():
    outputs = sorted(HANT.glob('*.md')) + [mzh.LABELS_OUT]
    found = {
        f'{path.name}: {term} (say {instead})'
        for path in outputs
        for term, instead in MAINLAND_TERMS.items()
        if term in path.read_text(encoding='utf-8')
    }
    assert not found, sorted(found)


def test_the_glossary_fixes_the_terms_opencc_passes_through():
    for zh, hant in [
        ('新单元格', '新儲存格'),
        ('单词', '單字'),
        ('条形图', '長條圖'),
        ('标签页', '分頁'),
        ('文本框', '文字方塊'),
        ('卡顿', '停頓'),
        ('复用', '重複使用'),
        ('剩下的是只有', '剩下的是只有'),
    ]:
        assert zconv.convert_text(zh) == hant, (zh, zconv.convert_text(zh))


def test_loop_sense_keeps_huiquan_and_options_keep_their_values():
    out = page('```{admonition} 时间步循环\n:name: box-zh\n:class: 循环\n\n在 Python 循环中逐步计算。\n```\n')
    assert '```{admonition} 時間步迴圈\n:name: box-zh-hant\n:class: 循环\n\n在 Python 迴圈中逐步計算。\n```' in out


def test_nested_directives_and_colon_fences():
    body = (
        '::::{grid} 2\n:gutter: 3\n\n:::{grid-item-card} 循环层\n:link: sec-a-zh\n\n'
        '````{exercise}\n:label: ex-a-zh\n\n训练循环神经网络。\n\n```python\n# 循环\n```\n````\n:::\n::::\n'
    )
    out = page(body)
    assert (
        ':::{grid-item-card} 循環層\n:link: sec-a-zh\n\n````{exercise}\n:label: ex-a-zh-hant\n\n訓練循環神經網路。\n'
        in out
    )
    assert '```python\n# 循环\n```\n' in out  # a plain code block is copied


def test_magics_in_code_cells_and_untokenizable_cells():
    out = page('```{code-cell} ipython3\n%time x = 1  # 循环\ny = 2  # 循环神经网络\n```\n')
    assert '%time x = 1  # 循环\ny = 2  # 循環神經網路\n' in out
    with pytest.raises(ValueError, match='cannot tokenize'):
        page('```{code-cell} ipython3\nx = (1  # 循环\n```\n')


def test_a_page_without_language_bar_is_an_error():
    with pytest.raises(ValueError, match='no language bar'):
        mzh.convert_page(HEADER + '\n# 标题\n', 'demo.md')


def test_check_reports_missing_stale_and_orphaned_pages(tmp_path, capsys):
    src, out = tmp_path / 'zh', tmp_path / 'zh-hant'
    src.mkdir()
    (src / 'demo.md').write_text(
        HEADER + '\n[English](../en/demo.md) · 简体中文 · [繁體中文](../zh-hant/demo.md)\n\n循环神经网络\n',
        encoding='utf-8',
    )
    assert mzh.main(['--check', '--src', str(src), '--out', str(out)]) == 1
    assert 'demo.md: missing' in capsys.readouterr().err
    assert not out.exists() or not list(out.iterdir()), '--check must not write'
    assert mzh.main(['--src', str(src), '--out', str(out)]) == 0
    assert mzh.main(['--check', '--src', str(src), '--out', str(out)]) == 0
    assert (out / 'demo.md').read_text(encoding='utf-8').endswith('\n循環神經網路\n')
    (src / 'demo.md').write_text((src / 'demo.md').read_text(encoding='utf-8') + '\n神经网络\n', encoding='utf-8')
    (out / 'old.md').write_text(
        '% Generated from chapters/zh/old.md by tools/make_zh_hant.py; edit the source, not this file.\n',
        encoding='utf-8',
    )
    assert mzh.main(['--check', '--src', str(src), '--out', str(out)]) == 1
    err = capsys.readouterr().err
    assert 'demo.md: stale' in err and 'old.md: no source' in err
    mzh.main(['--src', str(src), '--out', str(out)])
    assert not (out / 'old.md').exists() and mzh.stale_pages(src, out) == []


# --- the glossary -----------------------------------------------------------------------------------------------


def test_glossary_file_is_well_formed():
    lines = zconv.GLOSSARY.read_text(encoding='utf-8').splitlines()
    assert lines[0] == 'source\ttarget\tnote'
    entries = zconv.read_glossary()
    assert len(entries) == len([line for line in lines[1:] if line.strip() and not line.startswith('#')])
    sources = [source for source, _, _ in entries]
    assert len(sources) == len(set(sources)), 'duplicate source terms'
    for source, target, note in entries:
        assert source != target and note.strip(), source


def test_every_glossary_entry_corrects_opencc_output_in_the_book():
    """An entry exists only for a term that OpenCC actually produces in some zh page or label (no speculative
    entries), or for a term of MAINLAND_TERMS."""
    raw = ''.join(zconv._opencc().convert((ZH / name).read_text(encoding='utf-8')) for name in PAGES)
    raw += ''.join(zconv._opencc().convert(zh) for zh in mzh.simplified_terms().values())  # d2lmini's labels
    # a fix for a term of MAINLAND_TERMS stays even when no page uses the term today: it guards the next page
    fixes = set(MAINLAND_TERMS)
    unused = [source for source, _, _ in zconv.read_glossary() if source not in raw and source not in fixes]
    assert not unused, f'glossary entries matching no OpenCC output: {unused}'


def test_glossary_replaces_longest_match_once(tmp_path):
    glossary = tmp_path / 'g.tsv'
    glossary.write_text(
        'source\ttarget\tnote\n迴圈\t循環\tx\n迴圈神經網路\t循環神經網路\ty\n循環\tLOOP\tz\n', encoding='utf-8'
    )
    assert zconv.apply_glossary('迴圈神經網路與迴圈', glossary) == '循環神經網路與循環'
    assert zconv.convert_text('循环神经网络') == '循環神經網路'
    assert zconv.convert_text('时间步循环') == '時間步迴圈'


def test_figure_descriptions_in_cell_metadata_are_converted():
    page = (
        HEADER
        + '[English](../en/demo.md) · 简体中文 · [繁體中文](../zh-hant/demo.md)\n\n'
        + SETUP
        + '```{code-cell} ipython3\n---\nmystnb:\n  image:\n    alt: 训练与验证困惑度随迭代周期下降\n'
        'tags: [nbval-ignore-output]\n---\nx = 1  # 训练\n```\n'
    )
    out = mzh.convert_page(page, 'demo.md')
    assert '    alt: 訓練與驗證困惑度隨迭代週期下降\n' in out
    assert 'tags: [nbval-ignore-output]\n' in out and 'x = 1  # 訓練' in out
