"""The in-page generator and its scoring view work from the keyboard alone (one page load).

The reader arrives at the generator's first tab (as by Tab from the text above it) and from there uses only keys:
Tab/Shift+Tab between the controls in reading order, typing, Home on the temperature slider, Enter on the button,
the arrow keys on the tabs (the ARIA tabs pattern) and on the shaded text, whose details box follows the key.
Every control shows where the focus is (a visible outline).
"""

FOCUSED = """() => {
  const el = document.activeElement, style = getComputedStyle(el);
  return {hook: el.dataset.d2lmini || el.tagName, outline: style.outlineStyle !== 'none' && style.outlineWidth !==
  '0px'};
}"""


def tab_to(page, hook, key='Tab'):
    page.keyboard.press(key)
    focused = page.evaluate(FOCUSED)
    assert focused == {'hook': hook, 'outline': True}, (key, hook, focused)


def test_generator_and_scoring_view_by_keyboard_alone(server, open_page):
    page, recorder = open_page(f'{server}chapters/en/rnn-concise.html')
    root = page.locator('.d2lmini-gen[data-d2lmini-mounted]').first
    field = lambda name: root.locator(f'[data-d2lmini="{name}"]')  # noqa: E731
    field('tab-generate').focus()
    page.keyboard.press('Shift+Tab')  # step back out and in again: the tab is reached by Tab
    tab_to(page, 'tab-generate')
    tab_to(page, 'prefix')
    page.keyboard.press('Control+A')
    page.keyboard.type('the time')
    assert field('output').text_content().startswith('the time')
    tab_to(page, 'length')
    tab_to(page, 'temperature')
    page.keyboard.press('Home')  # temperature 0: greedy
    assert field('temperature-value').text_content() == '0'
    tab_to(page, 'seed')
    tab_to(page, 'generate')
    greedy = field('output').text_content()
    page.keyboard.press('Enter')
    assert field('output').text_content() == greedy and field('message').is_hidden()
    tab_to(page, 'output')
    details = field('details').text_content()
    page.keyboard.press('ArrowRight')
    assert field('output').locator('.is-current').count() == 1 and field('details').text_content() != details
    page.keyboard.press('End')
    assert field('output').locator('span').last.get_attribute('class').endswith('is-current')

    for hook in ['generate', 'seed', 'temperature', 'length', 'prefix', 'tab-generate']:
        tab_to(page, hook, 'Shift+Tab')
    page.keyboard.press('ArrowRight')  # to the scoring view
    assert page.evaluate(FOCUSED)['hook'] == 'tab-score' and field('panel-score').is_visible()
    assert field('panel-generate').is_hidden()
    tab_to(page, 'score')
    page.keyboard.press('Control+A')
    page.keyboard.type('the time traveller smiled')
    assert field('scored').text_content() == 'the time traveller smiled'
    tab_to(page, 'scored')
    page.keyboard.press('ArrowRight')
    assert field('scored').locator('.is-current').count() == 1
    assert field('details').locator('.d2lmini-gen-bar').count() > 0  # the chart of what the model expected
    current = field('scored').locator('span').evaluate_all('l => l.findIndex(s => s.matches(".is-current"))')
    page.keyboard.press('ArrowLeft')
    assert (
        field('scored').locator('span').evaluate_all('l => l.findIndex(s => s.matches(".is-current"))') == current - 1
    )
    tab_to(page, 'score', 'Shift+Tab')
    tab_to(page, 'tab-score', 'Shift+Tab')
    page.keyboard.press('ArrowLeft')
    assert page.evaluate(FOCUSED)['hook'] == 'tab-generate' and field('panel-generate').is_visible()
    assert recorder.page_errors == [] and recorder.console_errors == []
