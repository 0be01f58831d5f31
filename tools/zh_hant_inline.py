"""MyST inline text for the Traditional Chinese edition: prose is converted; code spans, roles, math, HTML tags,
footnote references and link targets are kept (``zh_hant_myst.py`` handles blocks and calls ``convert_inline``).

Two exceptions to "inline code is copied":
- a code span of Han characters with at most spaces and punctuation around them, such as `时` given as an example
  of a character the model rejects or `(输出, 输入)` naming a weight's axes, shows text rather than code, so it is
  converted like prose (`時`, `(輸出, 輸入)`). A span with anything else in it (`'前缀'`, `x = 1  # 时`) is code
  and is copied.
- ``EDITION_SWAPS``: a sentence that tells the reader which edition to ask d2lmini for names the edition in code
  (`%env D2LMINI_LANG=zh`); in the Traditional edition it must name `zh-hant` first, so the converted sentence is
  swapped whole.
"""

import re

from tools.zh_hant_convert import convert_text, hant_label

ROLE = re.compile(r'\{(?P<name>[A-Za-z][\w:+.-]*)\}(?=`)')
HTML = re.compile(
    r'<!--.*?-->|</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>|<[A-Za-z][A-Za-z0-9+.-]{1,31}:[^<>\s]*>', re.DOTALL
)
HAN = '\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff'  # CJK ideographs
# Han text with at most spaces and (Chinese or ASCII) brackets, commas and colons: example text, not code
HAN_TEXT = re.compile(f'[{HAN}() ,，、:：（）]*[{HAN}][{HAN}() ,，、:：（）]*')
# (the converted zh sentence, what the zh-hant page says instead): the page's own edition first
EDITION_SWAPS = (
    ('`%env D2LMINI_LANG=zh`（繁體中文版用 `zh-hant`）', '`%env D2LMINI_LANG=zh-hant`（簡體中文版用 `zh`）'),
)
INLINE_MATH = re.compile(r'\$(?=[^\s$])(?:\\.|[^$\\])*?(?<=[^\s\\])\$(?!\d)', re.DOTALL)
REF_ROLES = {'ref', 'numref', 'eq', 'prf:ref'}  # their target is a label; an explicit title is prose


def _run_length(s, i):
    """Length of the run of backticks starting at ``s[i]``."""
    return len(s[i:]) - len(s[i:].lstrip('`'))


def _backtick_span(s, i):
    """End of the code span opening at ``s[i]`` (a backtick run), or ``None`` when it is never closed."""
    n = _run_length(s, i)
    run = '`' * n
    j = s.find(run, i + n)
    while j != -1:
        k = j + n
        if k >= len(s) or s[k] != '`':
            return k
        while k < len(s) and s[k] == '`':
            k += 1
        j = s.find(run, k)
    return None


def _link_target_end(s, i):
    """``s[i]`` is the ``(`` after ``]``: the index after its matching ``)``, or ``None``."""
    depth, j = 0, i
    while j < len(s):
        c = s[j]
        if c == '\\':
            j += 2
            continue
        if c == '(':
            depth += 1
        elif c == ')':
            depth -= 1
            if depth == 0:
                return j + 1
        elif c == '\n' and s[j + 1 : j + 2] == '\n':
            return None
        j += 1
    return None


def _role(s, m):
    """Converted text and end index of the role matched by ``m`` at the start of a code span."""
    start = m.end()
    end = _backtick_span(s, start)
    if end is None:
        return None, None
    n = _run_length(s, start)
    content = s[start + n : end - n]
    if m.group('name') in REF_ROLES:
        titled = re.fullmatch(r'(?s)(.*?)(\s*<)([^<>]+)(>\s*)', content)
        if titled:
            title, lt, target, gt = titled.groups()
            content = convert_inline(title) + lt + hant_label(target) + gt
        else:
            content = hant_label(content)
    return s[m.start() : start + n] + content + s[end - n : end], end


def _protected(s, i):
    """``(kept_text, end)`` when a span that must not be converted starts at ``s[i]``, else ``None``."""
    c = s[i]
    if c == '\\' and i + 1 < len(s) and not s[i + 1].isalnum():
        return s[i : i + 2], i + 2
    if c == '`':
        end, n = _backtick_span(s, i), _run_length(s, i)
        if end is None:
            return s[i : i + n], i + n
        if HAN_TEXT.fullmatch(s[i + n : end - n]):  # example text, not code: see the module docstring
            return s[i : i + n] + convert_text(s[i + n : end - n]) + s[end - n : end], end
        return s[i:end], end
    if c == '{':
        if s.startswith('{{', i) and '}}' in s[i:]:
            end = s.index('}}', i) + 2
            return s[i:end], end
        m = ROLE.match(s, i)
        if m:
            kept, end = _role(s, m)
            if kept is not None:
                return kept, end
    if c == '$':
        if s.startswith('$$', i) and '$$' in s[i + 2 :]:
            end = s.index('$$', i + 2) + 2
            return s[i:end], end
        m = INLINE_MATH.match(s, i)
        if m:
            return m.group(0), m.end()
    if c == '<':
        m = HTML.match(s, i)
        if m:
            return m.group(0), m.end()
    if c == ']' and s[i + 1 : i + 2] in ('(', '['):
        end = _link_target_end(s, i + 1) if s[i + 1] == '(' else s.find(']', i + 2) + 1
        if end:
            return s[i:end], end
    if c == '[' and s[i + 1 : i + 2] == '^' and ']' in s[i:]:
        end = s.index(']', i) + 1
        return s[i:end], end
    return None


def convert_inline(s):
    """Markdown inline text: convert the prose, keep code spans, roles, math, HTML tags and link targets."""
    out, text, i = [], [], 0
    while i < len(s):
        kept = _protected(s, i) if s[i] in '\\`{$<][' else None
        if kept is None:
            text.append(s[i])
            i += 1
            continue
        out.append(convert_text(''.join(text)))
        text = []
        out.append(kept[0])
        i = kept[1]
    out.append(convert_text(''.join(text)))
    out = ''.join(out)
    for before, after in EDITION_SWAPS:
        out = out.replace(before, after)
    return out
