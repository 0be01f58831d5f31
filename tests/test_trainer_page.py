"""The in-page trainer's Python side: the training text it ships, its settings, and the snippet that carries it."""

import base64
import gzip
import hashlib
import json
import re

import pytest

import d2lmini
from d2lmini.datafiles import DATA_SHA1, download_timemachine
from d2lmini.generators import export, page_markup, trainer


@pytest.fixture(scope='module')
def chapter_lm(make_lm):
    data = d2lmini.TimeMachine(batch_size=32, num_steps=32)
    return make_lm('concise', vocab_size=len(data.vocab), num_hiddens=32, seed=1), data.vocab


def test_corpus_payload_is_the_verified_file():
    payload = trainer.corpus_payload()
    raw = gzip.decompress(base64.b64decode(payload['gzip_base64']))
    assert raw == download_timemachine().read_bytes() and len(raw) == payload['bytes']
    assert hashlib.sha1(raw).hexdigest() == payload['sha1'] == DATA_SHA1
    assert trainer.corpus_payload() == payload  # reproducible: no timestamp in the gzip header


def test_page_spec_is_the_chapters_split_and_refuses_another_vocabulary(chapter_lm):
    model, vocab = chapter_lm
    spec = trainer.page_spec(vocab.idx_to_token, 32)
    assert spec['settings'] == {
        'num_hiddens': 32,
        'num_steps': 32,
        'batch_size': 32,
        'lr': 1.0,
        'clip': 1.0,
        'seed': 0,
        'num_train': 10000,
        'num_val': 5000,
    }
    assert 1 <= spec['epochs'] <= spec['max_epochs']
    with pytest.raises(ValueError, match='must read its vocabulary'):
        trainer.page_spec(list('abc'), 32)


def test_snippet_with_trainer_has_a_third_tab_the_text_and_the_scripts(chapter_lm):
    model, vocab = chapter_lm
    page = export.html_snippet(model, vocab, train=True)
    assert page.count('role="tab"') == 3 and 'data-d2lmini="panel-train"' in page
    spec = json.loads(re.search(r'data-d2lmini="trainer">(.*?)</script>', page, re.S).group(1))
    assert spec == trainer.page_spec(vocab.idx_to_token, 32)
    for name in page_markup.TRAINER_JS:
        assert page_markup.asset(name) in page
    plain = export.html_snippet(model, vocab)
    assert plain.count('role="tab"') == 2 and 'data-d2lmini="trainer"' not in plain
    assert not any(page_markup.asset(name) in plain for name in page_markup.TRAINER_JS)
    added = len(gzip.compress(page.encode(), 9)) - len(gzip.compress(plain.encode(), 9))
    assert added < 150_000  # the budget for the page that carries the trainer (gzip bytes)


def test_train_mode_needs_the_trainer(chapter_lm):
    model, vocab = chapter_lm
    with pytest.raises(ValueError, match="'train' needs train=True"):
        export.html_snippet(model, vocab, mode='train')
    assert 'data-mode="train"' in export.html_snippet(model, vocab, mode='train', train=True)


def test_trainer_refuses_a_model_of_another_vocabulary(make_lm):
    model = make_lm('concise', vocab_size=28, num_hiddens=16, seed=3)
    vocab = d2lmini.Vocab(list('abcdefghijklmnopqrstuvwxyz '))  # 28 tokens, but not The Time Machine's order
    vocab.idx_to_token = vocab.idx_to_token[::-1]
    vocab.token_to_idx = {t: i for i, t in enumerate(vocab.idx_to_token)}
    with pytest.raises(ValueError, match='must read its vocabulary'):
        export.html_snippet(model, vocab, train=True)
