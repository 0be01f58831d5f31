"""html_generator's snippet on a bare page in Chromium (no book needed): several per page, no globals, parity."""
import pytest

import d2lmini
from d2lmini import export


@pytest.fixture(scope='module')
def lm(make_lm):
    model = make_lm('concise', vocab_size=28, num_hiddens=16, seed=3).eval()
    return model, d2lmini.Vocab(list('abcdefghijklmnopqrstuvwxyz '))


@pytest.fixture
def two_generators(lm, open_page):
    model, vocab = lm
    page, recorder = open_page(width=375)
    first = export.html_snippet(model, vocab, prefix='it has', length=40)
    second = export.html_snippet(model, vocab, prefix='the time', length=40, temperature=0.8, seed=4)
    page.set_content(f'<!doctype html><html><body><p>host page</p>{first}{second}</body></html>')
    page.wait_for_selector('.d2lmini-gen[data-d2lmini-mounted] >> nth=1')
    return page, recorder


def test_generators_on_one_page_are_independent(two_generators, generator_in, lm):
    page, recorder = two_generators
    first, second = generator_in(page, 0), generator_in(page, 1)
    assert page.evaluate('typeof window.d2lminiGenerator') == 'undefined'  # nothing leaks into the page's globals
    assert len({first.root.get_attribute('id'), second.root.get_attribute('id')}) == 2
    before = second.output()
    first.set(prefix='The Time-Traveller, said:')
    reference, margin = export.greedy_float64(first.payload(), 'The Time-Traveller, said:', 40)
    assert margin > 1e-4 and first.output() == reference == lm[0].predict('The Time-Traveller, said:', 40, lm[1])
    assert second.output() == before and before.startswith('the time')
    assert recorder.requests == [] and recorder.console_errors == recorder.page_errors == []


def test_snippet_fits_a_phone_screen(two_generators, generator_in, artifacts):
    page, _ = two_generators
    assert page.evaluate('document.documentElement.scrollWidth') <= 375
    generator_in(page, 1).root.screenshot(path=artifacts / 'snippet-375.png')
