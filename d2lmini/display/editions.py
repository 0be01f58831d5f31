"""The book's three editions: one table that d2lmini, the book's extensions (``_ext``) and ``tools`` all read.

``code`` is what ``D2LMINI_LANG`` and ``lang=`` take and the folder under ``chapters/``; ``html_lang`` is the
BCP 47 tag the page declares in ``<html lang>``; ``source`` names the edition a generated one is made from
(zh-hant from zh, by ``tools/make_zh_hant.py``).
"""

from dataclasses import dataclass
from typing import Optional


@dataclass(frozen=True)
class Edition:
    code: str  # 'en', 'zh', 'zh-hant': D2LMINI_LANG, lang= and chapters/<code>/
    html_lang: str  # <html lang>: 'en', 'zh-Hans', 'zh-Hant'
    name: str  # the edition's name in its own script
    source: Optional[str] = None  # the edition this one is generated from

    @property
    def folder(self):
        return f'chapters/{self.code}/'


EDITIONS = (
    Edition('en', 'en', 'English'),
    Edition('zh', 'zh-Hans', '简体中文'),
    Edition('zh-hant', 'zh-Hant', '繁體中文', source='zh'),
)
CODES = tuple(e.code for e in EDITIONS)


def edition(code):
    """The edition whose code is ``code`` (a ``ValueError`` names the codes otherwise)."""
    for e in EDITIONS:
        if e.code == code:
            return e
    raise ValueError(f'no edition {code!r}; the editions are {list(CODES)}.')


def of_path(path):
    """The edition of a page by its path or docname (``chapters/zh/rnn-concise``), or None outside chapters/."""
    path = str(path).replace('\\', '/')
    return next((e for e in EDITIONS if path.startswith(e.folder) or f'/{e.folder}' in path), None)
