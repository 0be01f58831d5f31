"""d2lmini: the part of D2L's ``d2l.torch`` that §9.1, §9.5 and §9.6 use, plus sampling, scoring, timing, widgets
and export.

``import d2lmini`` imports torch and nothing else heavy: no downloads, no matplotlib, no ipywidgets.
"""
from .core import DataModule, Module, Trainer
from .divergence import TrainingDiverged
from .data import DataUnavailableError, TimeMachine, Vocab, download_timemachine, preprocess
from .generate import generate
from .labels import label
from .limits import MAX_PREDS, MAX_PREFIX, MAX_SCORE, MAX_SEED, MAX_TEMPERATURE
from .models import RNN, RNNLM, Classifier, LinearRegression, RNNLMScratch, RNNScratch
from .scoring import TextScore, score_table
from .timing import Timer, compare_runs
from .utils import HyperParameters, add_to_class, cpu, gpu, num_gpus, try_all_gpus, try_gpu

__version__ = '0.1.0'


def plot(*args, **kwargs):
    """D2L's ``plot`` (see ``d2lmini.plotting.plot``); matplotlib is imported on first use."""
    from .plotting import plot as _plot
    return _plot(*args, **kwargs)


__all__ = ['DataModule', 'Module', 'Trainer', 'TrainingDiverged', 'DataUnavailableError', 'TimeMachine', 'Vocab',
           'download_timemachine', 'preprocess', 'MAX_PREDS', 'MAX_PREFIX', 'MAX_SCORE', 'MAX_SEED', 'MAX_TEMPERATURE',
           'generate', 'TextScore', 'score_table',
           'RNN', 'RNNLM', 'Classifier',
           'LinearRegression', 'RNNLMScratch', 'RNNScratch', 'HyperParameters', 'add_to_class', 'cpu', 'gpu',
           'num_gpus', 'try_all_gpus', 'try_gpu', 'plot', 'Timer', 'compare_runs', 'label']
