"""The in-page trainer's Python side: the schedule the page uses, the training text it carries, and PyTorch twins.

The page (``trainer-engine.js`` in a Web Worker, ``trainer-page.js`` for the tab) trains the chapter's model:
``nn.RNN(28, 32)`` + ``nn.Linear(32, 28)``, windows of 32 characters, SGD with gradients clipped to norm 1, on
the chapter's split (``d2lmini.TimeMachine``: windows 0..9,999 train, 10,000..14,999 validate). ``SCHEDULE`` is
what the page starts with; ``benchmarks/bench_trainer.py`` measured it (BENCHMARKS.md): batch 32 instead of the
chapter's 1024 because a browser runs one window at a time anyway, so small batches cost no speed there and give
32 times as many updates per epoch, which is what makes a run of seconds reach perplexity 8.

``corpus_payload`` packs *The Time Machine* as the page carries it: the raw file (the one ``datafiles`` verifies,
SHA-1 ``DATA_SHA1``), gzip, base64; the page inflates it with ``DecompressionStream``, checks the SHA-1 and
preprocesses it exactly as ``d2lmini.utils.preprocess``. Trade-off: the raw file (69 KB gzip) rather than the
15,033 characters the split uses, so the page can check the same hash as Python and build the same vocabulary.

The PyTorch twins that the parity tests and the benchmark compare the page with live with the tests
(``tests/oracles.py``): readers never need them.
"""

import base64
import gzip
import hashlib

from ..datafiles import DATA_SHA1, download_timemachine

SPLIT = {'num_steps': 32, 'num_train': 10000, 'num_val': 5000}  # d2lmini.TimeMachine's defaults, the chapter's
SCHEDULE = {'batch_size': 32, 'lr': 1.0, 'clip': 1.0, 'epochs': 4, 'seed': 0}
MAX_EPOCHS = 50


def corpus_payload(root=None):
    """``{'sha1', 'gzip_base64', 'bytes'}``: the verified raw text, compressed for the page (mtime 0: reproducible)."""
    with open(download_timemachine(root), 'rb') as f:
        raw = f.read()
    if hashlib.sha1(raw).hexdigest() != DATA_SHA1:
        raise ValueError(f'the training text does not have SHA-1 {DATA_SHA1}; refusing to ship it in the page.')
    packed = gzip.compress(raw, compresslevel=9, mtime=0)
    return {'sha1': DATA_SHA1, 'gzip_base64': base64.b64encode(packed).decode('ascii'), 'bytes': len(raw)}


def page_spec(vocab_tokens, num_hiddens, root=None):
    """What the page's trainer needs (``page_markup`` writes it as JSON): ``SCHEDULE`` and ``SPLIT``, the
    training text, the epochs to start with and the most allowed. The model's vocabulary must be the text's."""
    from ..data import TimeMachine

    data = TimeMachine(batch_size=SCHEDULE['batch_size'], **SPLIT, root=root)
    if list(vocab_tokens) != list(data.vocab.idx_to_token):
        raise ValueError(
            'train=True trains on The Time Machine: the model must read its vocabulary '
            f'(d2lmini.TimeMachine(...).vocab, {len(data.vocab)} tokens), got {len(vocab_tokens)} tokens.'
        )
    settings = {
        'num_hiddens': num_hiddens,
        'num_steps': SPLIT['num_steps'],
        'batch_size': SCHEDULE['batch_size'],
        'lr': SCHEDULE['lr'],
        'clip': SCHEDULE['clip'],
        'seed': SCHEDULE['seed'],
        'num_train': SPLIT['num_train'],
        'num_val': SPLIT['num_val'],
    }
    return {
        'settings': settings,
        'epochs': SCHEDULE['epochs'],
        'max_epochs': MAX_EPOCHS,
        'corpus': corpus_payload(root),
    }
