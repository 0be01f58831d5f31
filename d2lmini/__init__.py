"""d2lmini: the part of D2L's ``d2l.torch`` that §9.1–§9.6 use, one small file per idea.

The D2L API (this folder; each class's docstring names the D2L section that defines it):

    core.py        Module, DataModule, Trainer (§3.2): the training loop, clipping, and
                   perplexity (exp of the mean loss per token) per epoch
    data.py        Vocab, TimeMachine (§9.2–§9.3): characters, windows, the train/validation split
    datafiles.py   download, the data folder (D2LMINI_DATA_DIR), SHA-1 checks
    models.py      RNNScratch, RNNLMScratch (§9.5), RNN, RNNLM (§9.6), Classifier, LinearRegression
    generate.py    predict/sample: greedy decoding and temperature sampling
    scoring.py     model.score: per-character probabilities and perplexity of a text
    plotting.py    plot (D2L's helper, §2.4)
    board.py       Board: model.board, the live plot's settings and points (§3.2)
    limits.py      the checks on generation inputs that the notebook panel and the page share
    utils.py       HyperParameters, add_to_class, try_gpu, preprocess, argument checks
    divergence.py  TrainingDiverged: stop when the loss becomes NaN or infinite
    timing.py      Timer
    compat.py      D2L's tensor names (d2l.zeros, d2l.swapaxes, ...)
                   for readers running D2L's own cells

Beside it, for the book (the API never imports them):
``display/`` (labels in each edition, fonts, tables, shading; below the API),
``book/`` (the studies and page helpers, recorded results) and
``generators/`` (the notebook panel and the in-page generator).

``import d2lmini`` imports torch and nothing else heavy: no downloads, no matplotlib, no ipywidgets.
"""

# D2L's tensor names, for readers' code (attributes only, see below)
from .compat import (  # noqa: F401
    arange,
    argmax,
    exp,
    float32,
    int64,
    matmul,
    normal,
    numpy,
    ones,
    randn,
    reshape,
    sin,
    stack,
    swapaxes,
    tanh,
    tensor,
    zeros,
)
from .core import DataModule, Module, Trainer, perplexity
from .data import TimeMachine, Vocab
from .datafiles import (
    DATA_URL,
    DataFileWarning,
    DataUnavailableError,
    download,
    download_timemachine,
)
from .display.labels import label
from .divergence import TrainingDiverged
from .generate import generate
from .limits import MAX_PREDS, MAX_PREFIX, MAX_SCORE, MAX_SEED, MAX_TEMPERATURE
from .models import RNN, RNNLM, Classifier, LinearRegression, RNNLMScratch, RNNScratch
from .scoring import TextScore, score_table
from .timing import Timer
from .utils import (
    HyperParameters,
    add_to_class,
    cpu,
    gpu,
    num_gpus,
    preprocess,
    try_all_gpus,
    try_gpu,
)

__version__ = '0.1.0'


def plot(*args, **kwargs):
    """D2L's ``plot``, returning None (see ``d2lmini.plotting.plot``);
    matplotlib is imported on first use."""
    from .plotting import plot as _plot

    return _plot(*args, **kwargs)


__all__ = [
    'DataModule',
    'Module',
    'Trainer',
    'perplexity',
    'TrainingDiverged',
    'DataUnavailableError',
    'TimeMachine',
    'Vocab',
    'download_timemachine',
    'preprocess',
    'MAX_PREDS',
    'MAX_PREFIX',
    'MAX_SCORE',
    'MAX_SEED',
    'MAX_TEMPERATURE',
    'generate',
    'TextScore',
    'score_table',
    'RNN',
    'RNNLM',
    'Classifier',
    'LinearRegression',
    'RNNLMScratch',
    'RNNScratch',
    'HyperParameters',
    'add_to_class',
    'cpu',
    'gpu',
    'num_gpus',
    'try_all_gpus',
    'try_gpu',
    'plot',
    'Timer',
    'label',
    'DATA_URL',
    'DataFileWarning',
    'download',
]
# compat's tensor names (d2l.zeros, d2l.numpy, ...) are attributes only, not in __all__:
# a star import would otherwise shadow numpy, math.exp and friends in the reader's namespace.
