"""Join soft line breaks between Chinese characters, so one-sentence-per-line sources read as continuous prose.

The chapters keep one sentence per line so that the English and Chinese files align. HTML renders each source
line break as a space, which is right between English sentences but shows as a stray gap between Chinese ones
("……写出。 这样……"). This transform drops a soft break whose neighbours on both sides are CJK characters or
full-width punctuation; a break next to a Latin letter or digit stays a space ("用 PyTorch").
"""

import re

from docutils import nodes
from sphinx.transforms import SphinxTransform

CJK = r'\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef'
INSIDE = re.compile(rf'(?<=[{CJK}])[ \t]*\n[ \t]*(?=[{CJK}])')
IS_CJK = re.compile(rf'[{CJK}]')


def _edge_char(node, last):
    text = node.astext()
    text = text.rstrip() if last else text.lstrip()
    return (text[-1] if last else text[0]) if text else ''


class JoinCJKLineBreaks(SphinxTransform):
    default_priority = 900

    def apply(self):
        for text in list(self.document.findall(nodes.Text)):
            parent = text.parent
            if parent is None or isinstance(parent, (nodes.literal_block, nodes.literal, nodes.raw)):
                continue
            value = str(text)
            new = INSIDE.sub('', value)
            if new.strip() == '' and '\n' in value:  # a soft break of its own, between two sibling nodes
                index = parent.index(text)
                before = parent[index - 1] if index > 0 else None
                after = parent[index + 1] if index + 1 < len(parent) else None
                if (
                    before is not None
                    and after is not None
                    and IS_CJK.match(_edge_char(before, True))
                    and IS_CJK.match(_edge_char(after, False))
                ):
                    new = ''
            if new != value:
                parent.replace(text, nodes.Text(new))


def setup(app):
    app.add_transform(JoinCJKLineBreaks)
    return {'parallel_read_safe': True, 'parallel_write_safe': True}
