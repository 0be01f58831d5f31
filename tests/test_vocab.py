"""Vocab: the 28 characters of The Time Machine, lookups by token or list, <unk>, and the round trip."""

import pytest
import torch

import d2lmini


@pytest.fixture(scope='module')
def vocab(small_data):
    return small_data.vocab


def test_time_machine_vocab_is_28_sorted_characters(vocab):
    assert len(vocab) == 28
    assert vocab.idx_to_token == sorted(vocab.idx_to_token)
    assert vocab.idx_to_token[:2] == [' ', '<unk>']
    assert vocab.idx_to_token[2:] == [chr(c) for c in range(ord('a'), ord('z') + 1)]


def test_getitem_single_token_and_list(vocab):
    assert vocab['a'] == 2
    assert vocab[' '] == 0
    assert vocab[['t', 'h', 'e']] == [21, 9, 6]
    assert vocab[('t', 'h')] == [21, 9]


def test_unknown_tokens_map_to_unk(vocab):
    assert vocab.unk == vocab.token_to_idx['<unk>'] == 1
    assert vocab['Z'] == vocab.unk
    assert vocab[['a', '!', 'é']] == [2, 1, 1]


@pytest.mark.parametrize('tokens', [list('the time machine'), list('z'), []])
def test_round_trip_list(vocab, tokens):
    assert vocab.to_tokens(vocab[tokens]) == tokens


def test_to_tokens_accepts_tensors_and_single_ids(vocab):
    ids = torch.tensor(vocab[list('traveller')])
    assert vocab.to_tokens(ids) == list('traveller')
    assert vocab.to_tokens(torch.tensor(2)) == 'a'
    assert vocab.to_tokens(27) == 'z'


def test_vocab_counts_and_min_freq():
    vocab = d2lmini.Vocab(list('aaabbc'), min_freq=2, reserved_tokens=['<pad>'])
    assert vocab.idx_to_token == ['<pad>', '<unk>', 'a', 'b']
    assert vocab.token_freqs[0] == ('a', 3)
    assert vocab['c'] == vocab.unk


def test_vocab_flattens_lists_of_lines():
    vocab = d2lmini.Vocab([['x', 'y'], ['y', 'z']])
    assert vocab.idx_to_token == ['<unk>', 'x', 'y', 'z']
