"""MyST Markdown -> the plain Jupyter Markdown of a reader notebook (reader_notebooks.py writes the notebooks).

No notebook client (Colab, Binder/JupyterLab, GitHub, VS Code) renders MyST, so each markdown cell is rewritten:
``{glue:text}`` roles become the value as the book formats it (myst-nb's own ``format_plain_text`` on the glued
``text/plain``); admonitions (``{note}``...) become block quotes with their title; ``{exercise}`` a heading one level
below the current section; ``{solution-start}``/``{solution-end}`` markers that reader_notebooks.py turns into
``<details>`` or a collapsed heading; ``{ref}`` and links to chapter ``.md`` files links to the sibling reader
notebook; ``(label)=`` lines and ``%`` comments are dropped; a line break between two Chinese characters is
joined, as _ext/cjk_linebreaks.py does in the book (notebook clients show it as a space). Code spans and plain code
fences are left alone.

A role or directive not known here is an error that names it (extend ``ROLES`` or ``directive``): raw MyST must
never reach a reader silently. Scanning is line-based, as MyST's fences are; roles are matched with the code spans
they are built from, so a role inside a code span stays literal.
"""

import os
import re
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[2]
CHAPTERS = ROOT / 'chapters'
WORDS = {
    'en': {'note': 'Note', 'exercise': 'Exercise', 'solution': 'Solution'},
    'zh': {'note': '注意', 'exercise': '练习', 'solution': '解答'},
    'zh-hant': {'note': '注意', 'exercise': '練習', 'solution': '解答'},
}
ADMONITIONS = {'note', 'tip', 'hint', 'important', 'warning', 'caution', 'attention', 'danger', 'error', 'seealso'}
FENCE = re.compile(r'^(?P<indent> {0,3})(?P<fence>`{3,}|:{3,})(?P<rest>.*)$')
DIRECTIVE = re.compile(r'^\{(?P<name>[\w:-]+)\}\s*(?P<args>.*)$')
INLINE = re.compile(r'(?P<role>\{(?P<name>[A-Za-z][\w:.+-]*)\})?(?P<ticks>`+)(?P<body>.+?)(?<!`)(?P=ticks)(?!`)', re.S)
LINK = re.compile(r'\]\((?P<target>[^)\s]+)\)')
LABEL_LINE = re.compile(r'^\((?P<label>[^)\s]+)\)=\s*$')
HEADING = re.compile(r'^(?P<hashes>#{1,6})\s+(?P<title>.+?)\s*#*\s*$')
START, END = '\x00solution-start', '\x00solution-end'
CJK = r'\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef'  # as _ext/cjk_linebreaks.py
SOFT_BREAK = re.compile(rf'[{CJK}]\Z'), re.compile(rf'\A[{CJK}]')
WIDGET = 'application/vnd.jupyter.widget-view+json'


class Page:
    """What converting one page needs: its language and path, its glued values, the book's labels."""

    def __init__(self, path, nb, labels):
        self.path, self.labels = Path(path), labels
        self.lang = self.path.parent.name
        self.words = WORDS.get(self.lang, WORDS['en'])
        self.glue = glue_values(nb)
        self.section = 1  # level of the last heading seen; generated headings go one below it

    def fail(self, message):
        where = self.path.relative_to(ROOT) if ROOT in self.path.parents else self.path
        raise ValueError(f'{where}: {message}')


def glue_values(nb):
    """``{name: mimebundle}`` of every ``glue(...)`` record in the notebook's outputs (myst-nb's scrapbook metadata)."""
    values = {}
    for cell in nb.cells:
        for out in cell.get('outputs', []):
            if 'scrapbook' in out.get('metadata', {}):
                prefix = len(out.metadata.scrapbook.get('mime_prefix', ''))
                values[out.metadata.scrapbook.name] = {k[prefix:]: v for k, v in out.data.items()}
    return values


def book_labels(paths):
    """``{label: (notebook path, title, anchor)}`` for every ``(label)=`` before a heading and every exercise
    ``:label:``; ``anchor`` is None for the label of a page's title (the link opens the page) and the label else."""
    labels = {}
    for path in paths:
        text = '\n'.join(c.source for c in nbformat.read(path, as_version=4).cells if c.cell_type == 'markdown')
        for label, hashes, title in re.findall(r'^\(([^)\s]+)\)=\s*\n+(#{1,6})\s+(.+?)\s*$', text, re.M):
            labels[label] = (Path(path), title, None if hashes == '#' else label)
        words = WORDS.get(Path(path).parent.name, WORDS['en'])
        for label in re.findall(r'^```+\{exercise\}.*\n(?::\w+:.*\n)*?:label:\s*(\S+)', text, re.M):
            labels[label] = (Path(path), words['exercise'], label)
    return labels


def glue_text(page, key):
    """``name:fmt`` -> the text the book shows for ``{glue:text}`name:fmt```."""
    from myst_nb.core.variables import format_plain_text

    name, _, fmt = key.rpartition(':') if ':' in key else (key, '', 's')
    if name not in page.glue or 'text/plain' not in page.glue[name]:
        page.fail(f'no glued text/plain value {name!r}')
    return format_plain_text(page.glue[name]['text/plain'], fmt)


def relative_link(page, target):
    """A link from this reader notebook to ``target`` (a chapter notebook): the sibling reader notebook."""
    return Path(os.path.relpath(Path(target).with_suffix('.ipynb'), page.path.parent)).as_posix()


def ref(page, body):
    text, label = (m.group(1).strip(), m.group(2)) if (m := re.match(r'(.*?)\s*<([^>]+)>$', body)) else (None, body)
    if label not in page.labels:
        page.fail(f'{{ref}} to unknown label {label!r}')
    target, title, anchor = page.labels[label]
    where = '' if Path(target) == page.path else relative_link(page, target)
    return f'[{text or title}]({where}{"#" + anchor if anchor else ""})'


ROLES = {
    'glue:text': glue_text,
    'glue': glue_text,
    'ref': ref,
    'doc': lambda page, body: ref(page, body) if body in page.labels else f'[{body}]({body}.ipynb)',
    'math': lambda page, body: f'${body}$',
}


def rewrite_link(page, match):
    target = match.group('target')
    path, _, anchor = target.partition('#')
    if '://' in target or not path.endswith('.md'):
        return match.group(0)
    resolved = (page.path.parent / path).resolve()
    if not resolved.with_suffix('.ipynb').is_file() or CHAPTERS not in resolved.parents:
        page.fail(f'link to {target!r}, which is no chapter page')
    return f']({relative_link(page, resolved)}{"#" + anchor if anchor else ""})'


def convert_inline(page, text):
    """Roles replaced, ``.md`` links redirected; code spans left as they are."""
    out, pos = [], 0
    for m in INLINE.finditer(text):
        out.append(LINK.sub(lambda l: rewrite_link(page, l), text[pos : m.start()]))
        if m.group('role'):
            if m.group('name') not in ROLES:
                page.fail(f'unknown role {{{m.group("name")}}}: add it to ROLES in tools/reader/reader_notebooks.py')
            out.append(ROLES[m.group('name')](page, m.group('body').strip()))
        else:
            out.append(m.group(0))
        pos = m.end()
    out.append(LINK.sub(lambda l: rewrite_link(page, l), text[pos:]))
    return ''.join(out)


def split_options(lines):
    """A directive's body -> (options dict, content lines): ``:key: value`` lines or a ``---`` YAML block first."""
    options, i = {}, 0
    if lines and lines[0].strip() == '---':
        import yaml

        end = lines.index('---', 1)
        return yaml.safe_load('\n'.join(lines[1:end])) or {}, lines[end + 1 :]
    while i < len(lines) and (m := re.match(r'^:([\w-]+):\s*(.*)$', lines[i])):
        options[m.group(1)], i = m.group(2), i + 1
    return options, lines[i:]


def heading(page, title):
    return ['#' * min(page.section + 1, 6) + ' ' + title, '']


def quote(lines):
    return ['>' + (' ' + line if line.strip() else '') for line in lines]


def directive(page, name, args, body):
    """One MyST directive -> plain Markdown lines (or the solution markers the cell splitter reads)."""
    options, content = split_options(body)
    content = convert_lines(page, content)
    while content and not content[0].strip():
        content = content[1:]
    while content and not content[-1].strip():
        content = content[:-1]
    if name in ADMONITIONS or name == 'admonition':
        title = args or page.words.get(name, name.capitalize())
        return quote([f'**{convert_inline(page, title)}**', ''] + content)
    if name == 'exercise':
        title = page.words['exercise'] + (f': {convert_inline(page, args)}' if args else '')
        return heading(page, title) + content
    if name in ('glue', 'glue:any'):
        return pasted(page, args)
    if name == 'solution-start':
        return [START + (' dropdown' if 'dropdown' in str(options.get('class', '')) else '')]
    if name == 'solution-end':
        return [END]
    page.fail(f'unknown directive {{{name}}}: add it to directive() in tools/reader/reader_notebooks.py')


def pasted(page, name):
    """A ``{glue}`` directive: the glued output as Markdown can hold it (HTML without blank lines, which would end
    the HTML block, Markdown, a PNG as a data URI, else the plain text)."""
    bundle = page.glue.get(name) or page.fail(f'no glued value {name!r}')
    if 'text/html' in bundle:
        return [line for line in ''.join(bundle['text/html']).split('\n') if line.strip()]
    if 'text/markdown' in bundle:
        return ''.join(bundle['text/markdown']).split('\n')
    if 'image/png' in bundle:
        return [f'![{name}](data:image/png;base64,{"".join(bundle["image/png"]).strip()})']
    return ['```text', *''.join(bundle.get('text/plain', '')).split('\n'), '```']


def closing(lines, start, fence):
    """Index of the line that closes the fence opened at ``start`` (same character, at least as long)."""
    pattern = re.compile(rf'^ {{0,3}}{re.escape(fence[0])}{{{len(fence)},}}\s*$')
    for i in range(start + 1, len(lines)):
        if pattern.match(lines[i]):
            return i
    return len(lines)


def convert_lines(page, lines):
    """Markdown lines -> lines with directives, roles, labels and MyST comments turned into plain Markdown."""
    out, i, text_before = [], 0, False
    while i < len(lines):
        m = FENCE.match(lines[i])
        if not m:
            if (label := LABEL_LINE.match(lines[i])) and page.labels.get(label.group('label'), (0, 0, None))[2]:
                out += [f'<a id="{label.group("label")}"></a>', '']  # the target of links to a section
            elif not label and not lines[i].startswith('%'):
                line = convert_inline(page, lines[i])
                if h := HEADING.match(lines[i]):
                    page.section = len(h.group('hashes'))
                if text_before and SOFT_BREAK[0].search(out[-1]) and SOFT_BREAK[1].search(line):
                    out[-1] += line  # as the book joins them: a break between Chinese sentences is no space
                else:
                    out.append(line)
                text_before = bool(line.strip()) and not h
            i += 1
            continue
        end = closing(lines, i, m.group('fence'))
        d = DIRECTIVE.match(m.group('rest').strip())
        out += (
            directive(page, d.group('name'), d.group('args').strip(), lines[i + 1 : end]) if d else lines[i : end + 1]
        )
        i, text_before = end + 1, False
    return out
