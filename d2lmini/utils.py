"""Small helpers D2L readers know: hyperparameter saving, ``add_to_class`` and device lookup.

Nothing here imports matplotlib or touches a GPU at import time.
"""

import inspect
import math
import numbers
import re

import torch


def add_to_class(Class):
    """(D2L §3.2) Register the decorated function as a method of ``Class``
    (D2L's way of growing a class cell by cell)."""

    def wrapper(obj):
        setattr(Class, obj.__name__, obj)
        return obj

    return wrapper


def preprocess(text):
    """Training-text normalization: any run of non-letters becomes one space;
    letters become lower case.

    The model's whole alphabet follows from it (26 letters and the space), so prefixes and scored
    text go through it too (``limits``); it lives here, in a module that imports nothing of d2lmini,
    so that they need not import the dataset code.
    """
    return re.sub('[^A-Za-z]+', ' ', text).lower()


class HyperParameters:
    """(D2L §3.2) Mixin whose ``save_hyperparameters``
    stores the caller's ``__init__`` arguments as attributes."""

    def save_hyperparameters(self, ignore=()):
        frame = inspect.currentframe().f_back
        _, _, _, local_vars = inspect.getargvalues(frame)
        self.hparams = {
            k: v
            for k, v in local_vars.items()
            if k not in set(ignore) | {'self'} and not k.startswith('_')
        }
        for k, v in self.hparams.items():
            setattr(self, k, v)


def show(value, limit=40):
    """``repr(value)`` for a message, at most ``limit`` characters;
    huge integers by their number of digits."""
    if is_int(value) and abs(value) >= 10**30:
        digits = round(int(value).bit_length() * math.log10(2))
        return f'{"-" if value < 0 else ""}a number of about {digits} digits'
    if is_int(value):
        return f'{int(value):,}'
    text = repr(value)
    return text if len(text) <= limit else f'{text[:limit]}... ({len(text):,} characters)'


def is_int(value):
    """A whole number of any integer type (``int``, ``np.int64``, ...), but not a ``bool``."""
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def _is_number(value):
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def _plain(value):
    """A Python int or float for a number of any type
    (``1`` stays ``1``, ``np.float32(0.5)`` becomes ``0.5``)."""
    return int(value) if is_int(value) else float(value)


# The argument checks, one style for the whole package: TypeError for the wrong kind of value,
# ValueError for the right kind out of range, a message naming the argument, the rule and the value
# (cut short by ``show``); each returns the value as a plain Python int or float, so NumPy integers
# and floats are accepted wherever numbers are.


def check_positive_int(name, value):
    """``value`` as an int >= 1, else an error that names ``name``."""
    if not is_int(value):
        raise TypeError(
            f'{name} must be a positive integer, got {show(value)} ({type(value).__name__}).'
        )
    if value < 1:
        raise ValueError(f'{name} must be a positive integer (1 or more), got {show(value)}.')
    return int(value)


def check_count(name, value, meaning=''):
    """``value`` as an int >= 0,
    else an error that names ``name`` (``meaning`` explains the values)."""
    if not is_int(value):
        raise TypeError(
            f'{name} must be a whole number, 0 or more{meaning}, got {show(value)} '
            f'({type(value).__name__}).'
        )
    if value < 0:
        raise ValueError(f'{name} must be a whole number, 0 or more{meaning}, got {show(value)}.')
    return int(value)


def check_positive_number(name, value):
    """``value`` as a finite float > 0, else an error that names ``name``."""
    if not _is_number(value):
        raise TypeError(
            f'{name} must be a number above 0 (e.g. 0.1 or 1), got {show(value)} '
            f'({type(value).__name__}).'
        )
    if not (math.isfinite(value) and value > 0):
        raise ValueError(
            f'{name} must be a finite number above 0 (e.g. 0.1 or 1), got {show(value)}.'
        )
    return _plain(value)


def check_nonnegative_number(name, value, meaning=''):
    """``value`` as a finite float >= 0, else an error that names ``name``."""
    if not _is_number(value):
        raise TypeError(
            f'{name} must be a number{meaning}, got {show(value)} ({type(value).__name__}).'
        )
    if not (math.isfinite(value) and value >= 0):
        raise ValueError(f'{name} must be a finite number >= 0{meaning}, got {show(value)}.')
    return _plain(value)


def num_gpus():
    """Number of CUDA devices visible to PyTorch (0 on a CPU-only machine)."""
    return torch.cuda.device_count()


def cpu():
    """The CPU device."""
    return torch.device('cpu')


def gpu(i=0):
    """The ``i``-th CUDA device (no check that it exists; see ``try_gpu``)."""
    return torch.device(f'cuda:{i}')


def try_gpu(i=0):
    """(D2L §6.7) ``gpu(i)`` if it exists, otherwise the CPU:
    the same notebook runs on Colab and on Binder."""
    return gpu(i) if num_gpus() >= i + 1 else cpu()


def try_all_gpus():
    """All CUDA devices, or ``[cpu()]`` when there are none."""
    return [gpu(i) for i in range(num_gpus())] or [cpu()]
