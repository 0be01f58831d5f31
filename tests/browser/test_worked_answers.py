"""The worked answers lead with the answer: on a 1280 × 800 screen, each answer's sentence and the table it rests on
are in view as soon as the reader reaches it.

A worked-exercise page answers at its top, so the page as loaded must show the answer paragraph and its table. The
solutions page answers one exercise per section: the page as loaded shows the first answer, and each section is
scrolled to the top of the screen, as a reader following a link to it would see it.
The answer paragraph is the one that starts with a bold "Answer." (on the Chinese pages "答案。");
the table it rests on is the first table after it. One page load per page and language.
"""

import pytest

LANGS = ['en', 'zh', 'zh-hant']
WIDTH, HEIGHT = 1280, 800

# The answer paragraphs in document order, each with the first table after it, and the section it sits in.
ANSWERS = """() => {
  const marks = [...document.querySelectorAll('main p > strong:first-child')]
      .filter(el => ['Answer.', '答案。'].includes(el.textContent.trim()));
  const tables = [...document.querySelectorAll('main table')];
  const follows = (a, b) => a.compareDocumentPosition(b) & Node.DOCUMENT_POSITION_FOLLOWING;
  return marks.map((mark, i) => {
    const paragraph = mark.parentElement;
    const table = tables.find(t => follows(paragraph, t));
    const section = paragraph.closest('section');
    paragraph.dataset.answer = i;
    if (table) table.dataset.answerTable = i;
    return {i, hasTable: !!table, section: section ? section.id : null};
  });
}"""

# Where answer i's paragraph and table sit on the screen after `scroll` ('page': as loaded; 'section': its
# section's heading scrolled to the top).
PLACE = """([i, scroll]) => {
  const paragraph = document.querySelector(`[data-answer="${i}"]`);
  const table = document.querySelector(`[data-answer-table="${i}"]`);
  if (scroll === 'section') {
    paragraph.closest('section').querySelector('h1, h2').scrollIntoView({block: 'start'});
  }
  const box = el => { const r = el.getBoundingClientRect(); return {top: r.top, bottom: r.bottom, height: r.height}; };
  return {paragraph: box(paragraph), table: box(table), text: paragraph.textContent.slice(0, 80),
          screen: window.innerHeight};
}"""


def in_view(box, screen):
    return box['height'] > 0 and box['top'] >= 0 and box['bottom'] <= screen


@pytest.mark.parametrize('lang', LANGS)
@pytest.mark.parametrize(
    'page_name, scroll, count',
    [('rnn-overfitting', 'page', 1), ('rnn-autoregressive', 'page', 1), ('rnn-solutions', 'section', 5)],
)
def test_each_answer_and_its_table_fill_the_first_screen(server, open_page, lang, page_name, scroll, count):
    page, recorder = open_page(f'{server}chapters/{lang}/{page_name}.html', width=WIDTH, height=HEIGHT)
    answers = page.evaluate(ANSWERS)
    assert len(answers) == count and all(a['hasTable'] for a in answers), answers
    if scroll == 'section':  # one answer per exercise, each in a section of its own
        assert len({a['section'] for a in answers}) == count, answers
    # the page as loaded shows its first answer; then each answer as its section is reached
    for i, mode in [(0, 'page')] + [(answer['i'], scroll) for answer in answers]:
        place = page.evaluate(PLACE, [i, mode])
        assert in_view(place['paragraph'], place['screen']), place
        assert in_view(place['table'], place['screen']), place
