"""The Time Machine dataset:
a character ``Vocab`` and windowed batches (files come from ``datafiles``).

Where D2L builds its windows with a Python list comprehension and serves them through ``DataLoader``
(one ``__getitem__`` and one collate per sample), we look the characters up in a table, build the
windows with ``Tensor.unfold`` and serve whole batches by fancy indexing: the same examples in the
same roles, 62-91x faster to build in the runs recorded in BENCHMARKS.md
(``benchmarks/bench_train.py``). That fast path is taken only while tokens are single ASCII
characters; a ``build`` or ``_tokenize`` written the D2L way (in a subclass or with
``add_to_class``) is called instead, and ``build`` returns a list of ids, as D2L's does.
"""

import collections

import torch

from .core import DataModule
from .datafiles import download_timemachine
from .utils import check_positive_int, preprocess


class Vocab:
    """(D2L §9.2) Vocabulary for text:
    tokens sorted alphabetically, with ``<unk>`` for anything unseen."""

    def __init__(self, tokens=(), min_freq=0, reserved_tokens=()):
        if tokens and isinstance(tokens[0], list):
            tokens = [token for line in tokens for token in line]
        counter = collections.Counter(tokens)
        self.token_freqs = sorted(counter.items(), key=lambda x: x[1], reverse=True)
        self.idx_to_token = sorted(
            set(
                ['<unk>']
                + list(reserved_tokens)
                + [token for token, freq in self.token_freqs if freq >= min_freq]
            )
        )
        self.token_to_idx = {token: idx for idx, token in enumerate(self.idx_to_token)}

    def __len__(self):
        return len(self.idx_to_token)

    def __getitem__(self, tokens):
        if not isinstance(tokens, (list, tuple)):
            return self.token_to_idx.get(tokens, self.unk)
        return [self.__getitem__(token) for token in tokens]

    def to_tokens(self, indices):
        """A list of tokens for a list/tuple/1-d tensor of ids (any length),
        one token for a single id."""
        if isinstance(indices, (list, tuple)) or getattr(indices, 'ndim', 0) > 0:
            return [self.idx_to_token[int(index)] for index in indices]
        return self.idx_to_token[int(indices)]

    @property
    def unk(self):  # index of the unknown token
        return self.token_to_idx['<unk>']


class TimeMachine(DataModule):
    """(D2L §9.2–§9.3) Character-level windows of *The Time Machine*:
    ``X[i]`` is ``num_steps`` tokens, ``Y[i]`` is ``X[i]`` shifted by one.

    ``root`` is the data folder
    (default: ``$D2LMINI_DATA_DIR`` or d2lmini's cache; see ``datafiles``).
    """

    def __init__(self, batch_size, num_steps, num_train=10000, num_val=5000, root=None):
        super().__init__()
        batch_size, num_steps = (
            check_positive_int('batch_size', batch_size),
            check_positive_int('num_steps', num_steps),
        )
        num_train, num_val = (
            check_positive_int('num_train', num_train),
            check_positive_int('num_val', num_val),
        )
        self.save_hyperparameters()
        corpus, self.vocab = self._corpus(self._download())  # (num_tokens,) token ids
        check_split(len(corpus), num_steps, num_train, num_val)
        windows = corpus.unfold(0, num_steps + 1, 1)  # (num_tokens - num_steps, num_steps + 1)
        self.X, self.Y = windows[:, :-1], windows[:, 1:]  # (num_windows, num_steps) each

    def _download(self):
        with open(download_timemachine(getattr(self, 'root', None)), encoding='utf-8') as f:
            return f.read()

    def _preprocess(self, text):
        return preprocess(text)

    def _tokenize(self, text):
        return list(text)

    def build(self, raw_text, vocab=None):
        """D2L's ``build``: ``(corpus, vocab)``, the token ids of the preprocessed,
        tokenized text as a list."""
        text = self._preprocess(raw_text)
        if type(self)._tokenize is DEFAULT_TOKENIZE and text.isascii():
            ids, vocab = char_ids(text, vocab)
            return ids.tolist(), vocab
        tokens = self._tokenize(text)
        vocab = Vocab(tokens) if vocab is None else vocab
        return vocab[list(tokens)], vocab

    def _corpus(self, raw_text):
        """``build``'s result with the corpus as a tensor;
        by table lookup while tokens are the default characters."""
        if type(self).build is DEFAULT_BUILD and type(self)._tokenize is DEFAULT_TOKENIZE:
            text = self._preprocess(raw_text)
            if text.isascii():
                return char_ids(text)
        corpus, vocab = self.build(raw_text)
        return torch.as_tensor(corpus, dtype=torch.long), vocab

    def get_dataloader(self, train):
        idx = (
            slice(0, self.num_train)
            if train
            else slice(self.num_train, self.num_train + self.num_val)
        )
        return self.get_tensorloader([self.X, self.Y], train, idx)


# overrides of these are honoured
DEFAULT_BUILD, DEFAULT_TOKENIZE = TimeMachine.build, TimeMachine._tokenize


def char_ids(text, vocab=None):
    """``(ids, vocab)`` for ASCII ``text`` with one token per character:
    ``ids`` a ``(len(text),)`` tensor."""
    if vocab is None:
        vocab = Vocab(text)  # Counter over the string: one token per character
    if not text:
        return torch.zeros(0, dtype=torch.long), vocab
    table = torch.full((128,), vocab.unk, dtype=torch.long)
    for token, idx in vocab.token_to_idx.items():
        if len(token) == 1 and token.isascii():
            table[ord(token)] = idx
    ascii_bytes = bytearray(text.encode('ascii'))
    codes = torch.frombuffer(ascii_bytes, dtype=torch.uint8).long()  # (len(text),)
    return table[codes], vocab  # (len(text),) token ids


def check_split(num_tokens, num_steps, num_train, num_val):
    """Raise a ``ValueError`` naming what to lower when the corpus has fewer than
    ``num_train + num_val`` windows."""
    num_windows, wanted = num_tokens - num_steps, num_train + num_val
    if wanted <= num_windows:
        return
    fixes = [f'num_train + num_val (to at most {num_windows} together)'] if num_windows >= 1 else []
    if num_tokens - wanted >= 1:
        fixes.append(f'num_steps (to at most {num_tokens - wanted})')
    problem = (
        f'num_steps = {num_steps} is too large for the corpus: it has {num_tokens} tokens, '
        f'and a window needs num_steps + 1 of them'
        if num_windows < 1
        else f'num_train + num_val = {wanted} exceeds the {num_windows} windows '
        f'of {num_steps} steps in the corpus ({num_tokens} tokens)'
    )
    raise ValueError(
        f'{problem}; lower '
        + (
            ' or '.join(fixes)
            or f'them: num_steps + num_train + num_val must be at most {num_tokens}'
        )
        + '.'
    )
