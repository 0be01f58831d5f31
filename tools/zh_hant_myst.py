"""MyST Markdown for the Traditional Chinese edition: which parts of a page are prose (converted) and which are kept.

Only prose and the text of ``#`` comments in code cells go through ``zh_hant_convert.convert_text``. Everything else
is copied byte for byte: the front matter, code, string literals, the setup cell (the first code cell), cell options
and metadata, MyST directives, roles and their options, math, inline code, link targets, HTML tags and labels, except
that labels ending in ``-zh`` (and references to them) get ``-hant`` appended so they stay unique across the book,
and the language bar links back to the Simplified Chinese page instead of to this one.
"""

import io
import re
import tokenize
from functools import lru_cache

from tools.zh_hant_convert import convert_text, hant_label
from tools.zh_hant_inline import convert_inline

NOTICE = '% Generated from chapters/zh/{page} by tools/make_zh_hant.py; edit the source, not this file.\n'

LANG_BAR = re.compile(
    r'^(?P<indent>\s*)\[English\]\(\.\./en/(?P<page>[^)\s]+)\)(?P<sep1>\s*·\s*)简体中文'
    r'(?P<sep2>\s*·\s*)\[繁體中文\]\(\.\./zh-hant/(?P=page)\)(?P<end>\s*)$'
)
LABEL_LINE = re.compile(r'^(\s*\()([^()\s]+)(\)=\s*)$')
ALT_LINE = re.compile(r'^(\s+alt:\s*)(.*?)(?=\s*$)')  # in a cell's YAML metadata block
OPTION_LINE = re.compile(r'^(\s*:)([\w-]+)(:\s*)(.*?)(\s*)$')
FENCE_OPEN = re.compile(r'^(?P<indent> {0,3})(?P<marker>`{3,}|~{3,}|:{3,})(?P<info>.*)$')

LABEL_OPTIONS = {'label', 'name'}  # directive options whose value is a label
LABEL_ARGUMENT_DIRECTIVES = {'solution', 'solution-start'}  # sphinx-exercise: the argument is a label
TITLE_DIRECTIVES = {
    'admonition',
    'exercise',
    'exercise-start',
    'dropdown',
    'topic',
    'sidebar',
    'card',
    'grid-item-card',
    'tab-item',
}  # the argument is a title (prose)
VERBATIM_DIRECTIVES = {
    'code',
    'code-block',
    'sourcecode',
    'math',
    'raw',
    'raw-cell',
    'literalinclude',
    'include',
    'eval-rst',
    'mermaid',
    'glue',
    'glue:any',
    'glue:figure',
    'glue:math',
    'glue:md',
    'image',
    'csv-table',
    'bibliography',
}


# --- code cells -----------------------------------------------------------------------------------------------


def convert_comments(code):
    """The cell's code with the text of each ``#`` comment converted; everything else unchanged."""
    lines = code.splitlines(keepends=True)
    # IPython magics and shell escapes are not Python: blank them out for the tokenizer (line numbers stay).
    python = ''.join('\n' if line.lstrip().startswith(('%', '!')) else line for line in lines)
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(python).readline))
    except (tokenize.TokenError, SyntaxError, IndentationError) as error:
        raise ValueError(f'cannot tokenize code cell: {error}\n{code}') from error
    for tok in tokens:
        if tok.type == tokenize.COMMENT:
            row, col = tok.start
            line = lines[row - 1]
            end = col + len(tok.string)
            lines[row - 1] = line[: col + 1] + convert_text(line[col + 1 : end]) + line[end:]
    return ''.join(lines)


def _options_end(body):
    """Number of leading lines of a directive body that are its options (``:key: value`` lines or a YAML block)."""
    if body and body[0].strip() == '---':
        for k in range(1, len(body)):
            if body[k].strip() == '---':
                return k + 1
        return 0
    k = 0
    while k < len(body) and OPTION_LINE.match(body[k].rstrip('\n')):
        k += 1
    return k


def _rewrite_option(line):
    m = OPTION_LINE.match(line.rstrip('\n'))
    if m and m.group(2) in LABEL_OPTIONS:
        return line.replace(m.group(4), hant_label(m.group(4)), 1) if m.group(4).endswith('-zh') else line
    alt = ALT_LINE.match(line)
    if alt:  # a figure's description (mystnb: image: alt: ...) is prose
        return alt.group(1) + convert_text(alt.group(2)) + line[alt.end(2) :]
    return line


# --- blocks ---------------------------------------------------------------------------------------------------


@lru_cache(maxsize=None)
def _parser():
    from markdown_it.renderer import RendererHTML
    from myst_parser.config.main import MdParserConfig
    from myst_parser.parsers.mdit import create_md_parser

    config = MdParserConfig(enable_extensions={'colon_fence', 'dollarmath', 'amsmath', 'deflist', 'substitution'})
    return create_md_parser(config, RendererHTML)


class Page:
    """Conversion state of one page: whether the setup cell and the language bar have been seen."""

    def __init__(self, name):
        self.name = name
        self.code_cells = 0
        self.language_bar = False

    def convert_lines(self, lines):
        """Convert a list of source lines (with line ends) of MyST Markdown; returns the new list."""
        out = list(lines)
        seen = set()
        for tok in _parser().parse(''.join(lines)):
            if tok.map is None or tuple(tok.map) in seen:
                continue
            a, b = tok.map
            if tok.type in ('fence', 'colon_fence'):
                seen.add((a, b))
                out[a:b] = self.fence(lines[a:b], tok.info)
            elif tok.type == 'inline':
                seen.add((a, b))
                out[a:b] = self.prose(lines[a:b])
            elif tok.type == 'myst_target':
                m = LABEL_LINE.match(lines[a].rstrip('\n'))
                if m:
                    out[a] = m.group(1) + hant_label(m.group(2)) + lines[a][m.end(2) :]
            elif tok.type == 'myst_line_comment':
                out[a:b] = [convert_text(line) for line in lines[a:b]]
            elif tok.type == 'html_block' and not re.search(r'<(script|style|pre)\b', tok.content, re.I):
                out[a:b] = self.prose(lines[a:b])
        return out

    def prose(self, lines):
        text = ''.join(lines)
        bar = LANG_BAR.match(text.rstrip('\n'))
        if bar and len(lines) == 1:
            self.language_bar = True
            page = bar.group('page')
            return [
                f'{bar["indent"]}[English](../en/{page}){bar["sep1"]}[简体中文](../zh/{page}){bar["sep2"]}繁體中文'
                f'{bar["end"]}' + text[len(text.rstrip('\n')) :]
            ]
        return convert_inline(text).splitlines(keepends=True)

    def fence(self, lines, info):
        m = FENCE_OPEN.match(lines[0].rstrip('\n'))
        if not m:  # e.g. a fence inside a block quote: copy it
            return lines
        marker = m.group('marker')
        closed = (
            len(lines) > 1
            and lines[-1].strip().startswith(marker[0] * len(marker))
            and not lines[-1].strip().strip(marker[0])
        )
        body = lines[1:-1] if closed else lines[1:]
        tail = lines[-1:] if closed else []
        directive = re.match(r'\s*\{([^}\s]+)\}\s*(.*?)\s*$', info)
        if not directive:
            return lines
        name, argument = directive.groups()
        if name == 'code-cell':
            self.code_cells += 1
            if self.code_cells == 1:
                return lines
        if name in VERBATIM_DIRECTIVES:
            return lines
        k = _options_end(body)
        options = [_rewrite_option(line) for line in body[:k]]
        if name == 'code-cell':
            return [lines[0]] + options + convert_comments(''.join(body[k:])).splitlines(keepends=True) + tail
        return [self.directive_opener(lines[0], name, argument)] + options + self.nested(body[k:], m) + tail

    def directive_opener(self, line, name, argument):
        if not argument:
            return line
        start = line.index('{' + name + '}') + len(name) + 2
        if name in TITLE_DIRECTIVES:
            return line[:start] + convert_inline(line[start:])
        if name in LABEL_ARGUMENT_DIRECTIVES:
            return line[:start] + line[start:].replace(argument, hant_label(argument), 1)
        return line

    def nested(self, body, opener):
        """A directive's Markdown content, parsed on its own (dedented by the opening fence's indentation)."""
        indent = len(opener.group('indent'))
        dedented = [line[indent:] if line[:indent].isspace() else line for line in body]
        converted = self.convert_lines(dedented)
        return [
            line[:indent] + new if line[:indent].isspace() and indent else new for line, new in zip(body, converted)
        ]


def front_matter_end(lines):
    """Number of lines of the YAML front matter (0 when there is none)."""
    if lines and lines[0].rstrip('\n') == '---':
        for k in range(1, len(lines)):
            if lines[k].rstrip('\n') == '---':
                return k + 1
    return 0


def convert_page(text, name):
    """The zh-hant page for the zh page ``name`` (e.g. ``rnn-concise.md``) with source ``text``."""
    lines = text.splitlines(keepends=True)
    k = front_matter_end(lines)
    page = Page(name)
    body = page.convert_lines(lines[k:])
    if not page.language_bar:
        raise ValueError(
            f'chapters/zh/{name}: no language bar "[English](../en/{name}) · 简体中文 · [繁體中文](../zh-hant/{name})"'
        )
    return ''.join(lines[:k]) + NOTICE.format(page=name) + ''.join(body)
