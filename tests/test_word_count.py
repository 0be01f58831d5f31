"""The chapter stays a D2L-sized section: its prose is counted and bounded (issue 22), and the count is printed.

How words are counted (the method of the issue): whitespace-separated words of the ``.md`` outside the front matter
and outside code cells. Headings, notes and the exercise questions count; what a reader reaches only after the
questions does not: a section headed "Solutions" (or "Answers"), and ``solution`` / ``dropdown`` blocks.
Run ``pytest tests/test_word_count.py -s`` to see the counts per section.
"""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHAPTER = ROOT / 'chapters' / 'en' / 'rnn-concise.md'
GOING_FURTHER = ROOT / 'chapters' / 'en' / 'rnn-going-further.md'
CHAPTER_LIMIT = 1200  # D2L's §9.6 has 293 words; the chapter teaches more (shapes, layout, biases, sampling)
SECTION_LIMIT = 500  # each section of the Going-further page
FENCE = re.compile(r'^(`{3,}|:{3,})\s*(\{([\w:-]+)\})?(.*)$')
SOLUTION_HEADING = re.compile(r'^#{2,}\s+(solutions?|answers?)\b', re.IGNORECASE)
COLLAPSED = ('solution', 'dropdown')


def _opens_collapsed(name, rest, lines, i):
    """Whether the block opened at ``lines[i]`` is a solution or a collapsed block (``:class: dropdown``)."""
    if name in COLLAPSED:
        return True
    for line in lines[i + 1 : i + 6]:
        if not line.startswith(':'):
            break
        if line.startswith(':class:') and 'dropdown' in line:
            return True
    return False


def sections(text):
    """``[(heading, words)]`` in page order; the text before the first ``##`` heading is the title's section."""
    lines = text.splitlines()
    if lines and lines[0] == '---':
        lines = lines[lines.index('---', 1) + 1 :]
    out, heading, words, stack, skip_section = [], '(title and introduction)', 0, [], False
    for i, line in enumerate(lines):
        m = FENCE.match(line.strip())
        if stack:
            if (
                m
                and m.group(1)[0] == stack[-1][0][0]
                and len(m.group(1)) >= len(stack[-1][0])
                and not m.group(2)
                and not m.group(4).strip()
            ):
                stack.pop()
            elif m and m.group(2):
                stack.append((m.group(1), stack[-1][1] or _opens_collapsed(m.group(3), m.group(4), lines, i)))
            elif not stack[-1][1] and not line.startswith(':') and not skip_section:
                words += len(line.split())
            continue
        if m and m.group(2):
            code = m.group(3) == 'code-cell'
            stack.append((m.group(1), code or _opens_collapsed(m.group(3), m.group(4), lines, i)))
            continue
        if m:  # a plain fenced block is code
            stack.append((m.group(1), True))
            continue
        if line.startswith('## '):
            out.append((heading, words))
            heading, words = line[3:].strip(), len(line.split())
            skip_section = bool(SOLUTION_HEADING.match(line))
            continue
        if not skip_section:
            words += len(line.split())
    out.append((heading, words))
    return [(h, w) for h, w in out if not SOLUTION_HEADING.match('## ' + h)]


def report(path):
    counts = sections(path.read_text(encoding='utf-8'))
    print(f'\n{path.relative_to(ROOT)}:')
    for heading, words in counts:
        print(f'  {words:5d}  {heading}')
    print(f'  {sum(w for _, w in counts):5d}  total')
    return counts


def test_counting_follows_the_method():
    page = (
        '---\ntitle: x\n---\n# Title\n\nOne two three.\n\n```{code-cell} ipython3\nx = 1  # not counted\n```\n\n'
        '```{note}\nFour five.\n```\n\n## Exercises\n\n1. Six seven?\n\n```{solution} ex-1\n:label: s\n\n'
        'Hidden answer words.\n```\n\n```{admonition} Answer\n:class: dropdown\n\nCollapsed.\n```\n\n'
        '## Solutions\n\nNot counted at all.\n'
    )
    assert sections(page) == [('(title and introduction)', 2 + 3 + 2), ('Exercises', 2 + 3)]


def test_the_chapter_prose_is_at_most_1200_words():
    counts = report(CHAPTER)
    total = sum(w for _, w in counts)
    assert total <= CHAPTER_LIMIT, f'{CHAPTER.name}: {total} words of prose, at most {CHAPTER_LIMIT}'


def test_each_going_further_section_is_at_most_500_words():
    counts = report(GOING_FURTHER)
    long = [(h, w) for h, w in counts if w > SECTION_LIMIT]
    assert not long, f'{GOING_FURTHER.name}: sections over {SECTION_LIMIT} words: {long}'
