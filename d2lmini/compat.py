"""D2L's framework-neutral tensor names, for readers' code: ``d2l.zeros(...)``,
``d2l.swapaxes(x, 0, 1)``, ...

D2L's PyTorch cells of §9.1–§9.6 call these so that one text serves four frameworks; a reader who
runs those cells with ``import d2lmini as d2l`` needs them. They are exactly the names those cells
use (found by ``tools/run_d2l_sections.py``'s extraction), each with D2L's behaviour: a plain alias
of the torch function, or the tensor method called on the first argument. d2lmini's own code and the
chapters call PyTorch directly (``torch.zeros``, ``x.swapaxes``);
these exist only so that D2L's text runs unchanged.
"""

import torch

arange = torch.arange  # evenly spaced values: arange(1, T + 1, dtype=float32)
exp = torch.exp  # elementwise e**x (perplexity from a mean cross-entropy)
float32 = torch.float32  # the dtype of weights and one-hot inputs
int64 = torch.int64  # the dtype of token ids
matmul = torch.matmul  # matrix product: matmul(X, W)
# torch.normal(mean, std, size): D2L's TensorFlow branches call it; PyTorch cells use randn
normal = torch.normal
ones = torch.ones  # a tensor of ones: ones((num_steps, batch_size, num_inputs))
randn = torch.randn  # standard normal samples: randn(num_inputs, num_hiddens) * sigma
sin = torch.sin  # elementwise sine
stack = torch.stack  # join tensors along a new axis: stack(outputs, 1)
tanh = torch.tanh  # elementwise tanh, the RNN's activation
tensor = torch.tensor  # a tensor from (nested) Python data: tensor([[token_id]], device=device)
zeros = torch.zeros  # a tensor of zeros: zeros((batch_size, num_hiddens), device=device)


def argmax(x, *args, **kwargs):
    """``x.argmax(...)``: the index of the largest value, e.g. ``argmax(Y, axis=2)``."""
    return x.argmax(*args, **kwargs)


def numpy(x, *args, **kwargs):
    """``x.detach().numpy()``:
    a NumPy array sharing ``x``'s memory, cut from autograd (for plotting)."""
    return x.detach().numpy(*args, **kwargs)


def reshape(x, *args, **kwargs):
    """``x.reshape(...)``: e.g. ``reshape(x, (-1, 1))`` or ``reshape(x, -1)``."""
    return x.reshape(*args, **kwargs)


def swapaxes(x, *args, **kwargs):
    """``x.swapaxes(...)``:
    e.g. ``swapaxes(Y, 0, 1)`` turns (num_steps, batch, ...) into (batch, num_steps, ...)."""
    return x.swapaxes(*args, **kwargs)
