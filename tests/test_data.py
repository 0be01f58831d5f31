"""TimeMachine: the corpus matches D2L's definition, windows and shifted targets, split sizes, argument checks."""

import re

import pytest
import torch

import d2lmini


def test_corpus_matches_d2l_definition(small_data, raw_text):
    vocab = small_data.vocab
    reference = [vocab[c] for c in re.sub('[^A-Za-z]+', ' ', raw_text).lower()]
    corpus, _ = small_data.build(raw_text, vocab)
    assert corpus == reference  # a list of ints, as D2L's build returns


def test_build_makes_the_same_vocab(small_data, raw_text):
    _, vocab = small_data.build(raw_text)
    assert vocab.idx_to_token == small_data.vocab.idx_to_token


def test_windows_cover_the_corpus_in_order(small_data, raw_text):
    corpus, _ = small_data.build(raw_text, small_data.vocab)
    corpus = torch.tensor(corpus)
    num_steps = small_data.num_steps
    assert small_data.X.shape == small_data.Y.shape == (len(corpus) - num_steps, num_steps)
    assert torch.equal(small_data.X[:, 0], corpus[:-num_steps])
    assert torch.equal(small_data.Y[-1], corpus[-num_steps:])


def test_y_is_x_shifted_by_one(small_data):
    X, Y = small_data.X, small_data.Y
    assert torch.equal(X[:, 1:], Y[:, :-1])
    assert torch.equal(X[1:], Y[:-1])  # window i + 1 starts one token later


def test_train_split_sizes_and_shapes(small_data):
    loader = small_data.train_dataloader()
    batches = list(loader)
    assert len(loader) == len(batches) == 512 // 64
    for X, Y in batches:
        assert X.shape == Y.shape == (64, 16)
        assert X.dtype == Y.dtype == torch.long


def test_train_batches_are_a_shuffle_of_the_train_windows(small_data):
    torch.manual_seed(0)
    X = torch.cat([X for X, _ in small_data.train_dataloader()])
    assert not torch.equal(X, small_data.X[:512])
    assert sorted(map(tuple, X.tolist())) == sorted(map(tuple, small_data.X[:512].tolist()))


def test_val_split_follows_train_in_order(small_data):
    loader = small_data.val_dataloader()
    assert len(loader) == 128 // 64
    X = torch.cat([X for X, _ in loader])
    Y = torch.cat([Y for _, Y in loader])
    assert torch.equal(X, small_data.X[512:640])
    assert torch.equal(Y, small_data.Y[512:640])


def test_last_batch_is_partial():
    data = d2lmini.TimeMachine(batch_size=30, num_steps=5, num_train=100, num_val=7)
    assert [len(X) for X, _ in data.train_dataloader()] == [30, 30, 30, 10]
    assert [len(X) for X, _ in data.val_dataloader()] == [7]


def test_shuffle_is_reproducible_under_seed(small_data):
    torch.manual_seed(3)
    first = next(iter(small_data.train_dataloader()))[0]
    torch.manual_seed(3)
    assert torch.equal(first, next(iter(small_data.train_dataloader()))[0])


@pytest.mark.parametrize('name', ['batch_size', 'num_steps', 'num_train', 'num_val'])
@pytest.mark.parametrize(
    'value, error, message',
    [
        (0, ValueError, 'positive integer'),
        (-3, ValueError, 'positive integer'),
        (2.5, TypeError, r'float'),
        (True, TypeError, 'bool'),
        ('8', TypeError, 'str'),
    ],
)
def test_bad_sizes_are_rejected_by_name(name, value, error, message):
    kwargs = dict(batch_size=8, num_steps=4, num_train=16, num_val=16)
    kwargs[name] = value
    with pytest.raises(error, match=f'{name}.*{message}'):
        d2lmini.TimeMachine(**kwargs)


def test_splits_larger_than_the_corpus_are_rejected():
    with pytest.raises(ValueError, match=r'num_train \+ num_val = 200000 exceeds .* windows'):
        d2lmini.TimeMachine(batch_size=8, num_steps=32, num_train=150_000, num_val=50_000)


def test_splits_using_every_window_are_accepted(small_data):
    num_windows = len(small_data.X)  # 16 steps
    data = d2lmini.TimeMachine(batch_size=4096, num_steps=16, num_train=num_windows - 1, num_val=1)
    assert len(next(iter(data.val_dataloader()))[0]) == 1


@pytest.mark.parametrize('name', ['num_inputs', 'num_hiddens'])
@pytest.mark.parametrize('rnn_class', [d2lmini.RNNScratch, d2lmini.RNN])
@pytest.mark.parametrize('value, error', [(0, ValueError), (-1, ValueError), (4.0, TypeError), (None, TypeError)])
def test_bad_rnn_sizes_are_rejected_by_name(rnn_class, name, value, error):
    kwargs = dict(num_inputs=28, num_hiddens=8)
    kwargs[name] = value
    with pytest.raises(error, match=name):
        rnn_class(**kwargs)


@pytest.mark.parametrize(
    'lm_class, rnn_class', [(d2lmini.RNNLMScratch, d2lmini.RNNScratch), (d2lmini.RNNLM, d2lmini.RNN)]
)
@pytest.mark.parametrize('value', [0, 2.0])
def test_bad_vocab_size_is_rejected(lm_class, rnn_class, value):
    with pytest.raises((ValueError, TypeError), match='vocab_size'):
        lm_class(rnn_class(28, 8), vocab_size=value)
