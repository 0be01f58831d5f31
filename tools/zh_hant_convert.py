"""Text conversion for the Traditional Chinese edition: OpenCC ``s2twp``, then the book's glossary.

Used by ``zh_hant_myst.py`` (the pages) and ``make_zh_hant.py`` (the pages and d2lmini's labels).
"""

import re
from functools import lru_cache
from pathlib import Path

GLOSSARY = Path(__file__).resolve().parent / 'zh_hant_glossary.tsv'
OPENCC_CONFIG = 's2twp'


@lru_cache(maxsize=None)
def _opencc():
    import opencc

    return opencc.OpenCC(OPENCC_CONFIG)


def read_glossary(path=GLOSSARY):
    """``[(source, target, note)]`` from the TSV (header row and ``#`` lines skipped), longest source first."""
    entries = []
    for number, line in enumerate(Path(path).read_text(encoding='utf-8').splitlines(), 1):
        if not line.strip() or line.startswith('#') or number == 1:
            continue
        fields = line.split('\t')
        if len(fields) != 3 or not fields[0] or not fields[1]:
            raise ValueError(f'{path}:{number}: expected source<TAB>target<TAB>note, got {line!r}')
        entries.append(tuple(fields))
    return sorted(entries, key=lambda e: -len(e[0]))


@lru_cache(maxsize=None)
def _glossary_pattern(path=GLOSSARY):
    entries = read_glossary(path)
    targets = {source: target for source, target, _ in entries}
    if not targets:
        return None, targets
    return re.compile('|'.join(re.escape(source) for source, _, _ in entries)), targets


def apply_glossary(text, path=GLOSSARY):
    """Replace OpenCC's wrong terms in one pass (longest match first, replacements are not rescanned)."""
    pattern, targets = _glossary_pattern(path)
    return pattern.sub(lambda m: targets[m.group(0)], text) if pattern else text


def convert_text(text):
    """Prose or comment text: OpenCC ``s2twp``, then the glossary."""
    if not text or text.isascii():
        return text
    return apply_glossary(_opencc().convert(text))


def hant_label(label):
    return label + '-hant' if label.endswith('-zh') else label
